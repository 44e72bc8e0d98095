/*
 * cmd_due.c - `beian due`: what the regulation says is due or overdue on a given day, read from
 * the archive (beian_archive_facts) and judged by the rules (beian_rules_due).
 *
 * The day counted from is never the clock's unless asked: `--today YYYY-MM-DD`, or the
 * explicit `--today today`. Without it, due refuses with a usage message, like every filing
 * command without its date.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "beian/archive.h"
#include "beian/rules.h"
#include "cli.h"
#include "cli_archive.h"
#include "cli_table.h"
#include "cmd_due.h"

enum { OPT_TODAY = 1, OPT_WORKING_DAYS, OPT_HOLIDAYS, OPT_REVIEW_SEASON, OPT_FORMAT };

/* --holidays may be given once per year of calendar; 16 years is more than a deadline spans */
enum { MAX_HOLIDAY_FILES = 16 };

static const cli_option options[] = {
    {OPT_TODAY, 0, "today", "D", "the day to judge on (required)"},
    {OPT_WORKING_DAYS, 0, "working-days", NULL,
     "count working days instead (Monday to Friday, less holidays)"},
    {OPT_HOLIDAYS, 0, "holidays", "FILE",
     "a holiday calendar (data/holidays-2026.json); one per year"},
    {OPT_REVIEW_SEASON, 0, "review-season", "S",
     "the review season: a month (12) or MM-DD:MM-DD (11-15:12-31)"},
    {OPT_FORMAT, 0, "format", "F",
     "table (default) or tsv: tab-separated, without the heading line"},
    CLI_ARCHIVE_OPTION_DIR,
    CLI_ARCHIVE_OPTION_WAIT,
    CLI_OPTION_QUIET("no notes on stderr"),
    CLI_OPTIONS_END,
};

const cli_spec cmd_due_spec = {
    .name = "due",
    .summary = "what the regulation says is due or overdue (第七条, 第八条, 第十三条)",
    .usage = "beian due --today YYYY-MM-DD|today [--working-days [--holidays FILE]...]\n"
             "beian due --today D [--review-season M|MM-DD:MM-DD] [--format table|tsv]",
    .description =
        "Lists, most urgent first, with the article, record, name, unit, deadline and days left "
        "or overdue:\n\n"
        "  第八条   a platform that failed its annual review must stop running (停止运行)\n"
        "  第七条   a platform opened (--opened-on) before its approval\n"
        "  第七条   a change filed more than 7 days after the fact (change --changed-on)\n"
        "  第十三条 a dissolution filed more than 3 days late (dissolve --closed-on)\n"
        "  第八条   an approved platform not yet reviewed this year (season: December)\n\n"
        "Days are calendar days, the starting day not counted (7日内: by the 7th day after). The "
        "day counted from is never taken from the clock unless you say --today today.",
    .options = options,
    .example = "beian due --today 2026-12-10 --working-days \\\n"
               "    --holidays data/holidays-2026.json",
};

/* ---- due ---- */

/* "12" (the month) or "MM-DD:MM-DD": the review season. */
static int parse_season(const char *s, beian_rules_options *o)
{
    int a, b, c, d, n = 0;
    char probe[16];
    if (sscanf(s, "%d%n", &a, &n) == 1 && s[n] == '\0' && a >= 1 && a <= 12) {
        static const int last[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        o->season_from_month = o->season_to_month = a;
        o->season_from_day = 1;
        o->season_to_day = a == 2 ? 28 : last[a - 1];
        return 1;
    }
    if (sscanf(s, "%2d-%2d:%2d-%2d%n", &a, &b, &c, &d, &n) != 4 || s[n] != '\0') {
        return 0;
    }
    snprintf(probe, sizeof probe, "2026-%02d-%02d", a % 100, b % 100);
    if (!beian_date_valid(probe)) {
        return 0;
    }
    snprintf(probe, sizeof probe, "2026-%02d-%02d", c % 100, d % 100);
    if (!beian_date_valid(probe) || c * 100 + d < a * 100 + b) {
        return 0;
    }
    o->season_from_month = a;
    o->season_from_day = b;
    o->season_to_month = c;
    o->season_to_day = d;
    return 1;
}

/* "逾期2天", "剩余30个工作日", "今天到期", "停止运行". */
static char *days_text(const beian_due_item *it, int working)
{
    const char *unit = working ? "个工作日" : "天";
    if (it->kind == BEIAN_DUE_STOPPED) {
        return beian_asprintf("停止运行（已%ld%s）", -it->days, unit);
    }
    if (it->kind == BEIAN_DUE_CHANGE_LATE || it->kind == BEIAN_DUE_DISSOLVE_LATE) {
        return beian_asprintf("逾期%ld%s报备", -it->days, unit);
    }
    if (it->kind == BEIAN_DUE_OPENED_EARLY) {
        return beian_asprintf("早%ld%s", -it->days, unit);
    }
    if (it->days < 0) {
        return beian_asprintf("逾期%ld%s", -it->days, unit);
    }
    return it->days == 0 ? beian_strdup("今天到期") : beian_asprintf("剩余%ld%s", it->days, unit);
}

static int load_calendars(beian_calendar *cal, const char *const *files, size_t n)
{
    int rc = BEIAN_OK;
    for (size_t i = 0; i < n && rc == BEIAN_OK; i++) {
        beian_buf b;
        int err = 0;
        beian_problems *pr = beian_problems_new();
        rc = pr ? beian_file_read(files[i], 1024 * 1024, &b, &err) : BEIAN_EINTERNAL;
        if (rc == BEIAN_ENOINPUT || rc == BEIAN_EIO) {
            cli_error(BEIAN_ENOINPUT, "%s: cannot read the holiday calendar: %s", files[i],
                      strerror(err));
            rc = BEIAN_ENOINPUT;
        } else if (rc == BEIAN_EDATA) {
            cli_error(BEIAN_ECONFIG, "%s: a holiday calendar is at most 1 MiB", files[i]);
            rc = BEIAN_ECONFIG;
        } else if (rc == BEIAN_OK) {
            rc = beian_calendar_add(cal, files[i], b.data, b.len, pr);
            cli_print_problems(pr);
            if (rc == BEIAN_EDATA) {
                cli_error(BEIAN_ECONFIG, "%s: the holiday calendar is refused (see docs/rules.md)",
                          files[i]);
                rc = BEIAN_ECONFIG;
            }
            beian_buf_release(&b);
        }
        beian_problems_free(pr);
    }
    return rc;
}

typedef struct {
    cli_archive_common common;
    beian_rules_options rules;
    const char *holidays[MAX_HOLIDAY_FILES];
    size_t n_holidays;
    const char *format;
    char day[11];
} due_args;

/* The value of one of due's own options (id OPT_*); BEIAN_OK or BEIAN_EUSAGE (said why). */
static int due_option(int id, const char *v, due_args *d)
{
    switch (id) {
    case OPT_WORKING_DAYS:
        d->rules.mode = BEIAN_DAYS_WORKING;
        break;
    case OPT_TODAY:
        if (strcmp(v, "today") == 0 ? !cli_archive_today(d->day)
                                    : !(strlen(v) == 10 && beian_date_valid(v))) {
            return cli_error(BEIAN_EUSAGE,
                             "due: --today takes a date as YYYY-MM-DD (e.g. 2026-12-10) or "
                             "\"today\", not \"%s\"",
                             v);
        }
        if (strcmp(v, "today") != 0) {
            memcpy(d->day, v, 11);
        }
        break;
    case OPT_HOLIDAYS:
        if (d->n_holidays == MAX_HOLIDAY_FILES) {
            return cli_error(BEIAN_EUSAGE, "due: at most %d holiday calendars", MAX_HOLIDAY_FILES);
        }
        d->holidays[d->n_holidays++] = v;
        break;
    case OPT_REVIEW_SEASON:
        if (!parse_season(v, &d->rules)) {
            return cli_error(BEIAN_EUSAGE,
                             "due: --review-season is a month (12) or MM-DD:MM-DD (11-15:12-31), "
                             "not \"%s\"",
                             v);
        }
        break;
    case OPT_FORMAT:
        if (strcmp(v, "table") != 0 && strcmp(v, "tsv") != 0) {
            return cli_error(BEIAN_EUSAGE, "due: --format is table or tsv, not \"%s\"", v);
        }
        d->format = v;
        break;
    default:
        return cli_archive_option("due", id, v, &d->common);
    }
    return BEIAN_OK;
}

static int parse_due(int argc, char **argv, due_args *d)
{
    beian_rules_options o = BEIAN_RULES_OPTIONS_INIT;
    cli_args a;
    int id;
    memset(d, 0, sizeof *d);
    cli_archive_common_init(&d->common);
    d->rules = o;
    d->format = "table";
    cli_args_init(&a, &cmd_due_spec, argc, argv);
    while ((id = cli_args_next(&a)) != CLI_ARGS_END) {
        if (id == CLI_ARGS_BAD) {
            return BEIAN_EUSAGE;
        }
        if (id == CLI_ARGS_ARG) {
            cli_error(BEIAN_EUSAGE, "due: unknown option or argument %s", a.value);
            return cli_usage(&cmd_due_spec);
        }
        if (due_option(id, a.value, d) != BEIAN_OK) {
            return cli_usage(&cmd_due_spec);
        }
    }
    if (!d->day[0]) {
        cli_error(BEIAN_EUSAGE,
                  "due: say which day to count from with --today YYYY-MM-DD (or --today today); "
                  "beian never takes it from the clock unasked");
        return cli_usage(&cmd_due_spec);
    }
    if (d->n_holidays && d->rules.mode != BEIAN_DAYS_WORKING) {
        cli_error(BEIAN_EUSAGE, "due: --holidays counts working days: add --working-days");
        return cli_usage(&cmd_due_spec);
    }
    return BEIAN_OK;
}

/* With working days: a note for each year shown (the deadlines' and today's) that no holiday
 * calendar covers. */
static void note_uncovered_years(const beian_calendar *cal, const beian_due_item *items,
                                 size_t n_items, const char *day)
{
    int noted[8] = {0}, k = 0;
    for (size_t i = 0; i <= n_items && k < 8; i++) {
        const char *d = i < n_items ? items[i].due : day;
        int y = d[0] ? (int)strtol(d, NULL, 10) : 0;
        int seen = !y || beian_calendar_covers(cal, y);
        for (int j = 0; j < k && !seen; j++) {
            seen = noted[j] == y;
        }
        if (!seen) {
            noted[k++] = y;
            cli_note("no holiday calendar for %d (--holidays): only Saturdays and Sundays "
                     "are skipped in %d",
                     y, y);
        }
    }
}

/* The items as a table (or tab-separated lines) on stdout. */
static int print_items(const beian_due_item *items, size_t n_items, const char *format,
                       int working)
{
    enum { NC = 8 };
    static const char *const head[NC] = {"条款", "编号", "名称", "单位", "事项",
                                         "期限", "天数", "说明"};
    const char **cells = calloc((n_items + 1) * NC, sizeof *cells);
    char **owned = calloc(n_items + 1, sizeof *owned);
    int rc = BEIAN_OK;
    if (!cells || !owned) {
        rc = cli_error(BEIAN_EINTERNAL, "out of memory");
        goto done;
    }
    memcpy(cells, head, sizeof head);
    for (size_t i = 0; i < n_items; i++) {
        const beian_due_item *it = &items[i];
        const char **row = cells + (i + 1) * NC;
        owned[i] = days_text(it, working);
        row[0] = it->article;
        row[1] = it->record->info.record_no;
        row[2] = it->record->info.name ? it->record->info.name : "";
        row[3] = it->record->unit ? it->record->unit : "";
        row[4] = it->rule;
        row[5] = it->due[0] ? it->due : "-";
        row[6] = owned[i] ? owned[i] : "?";
        row[7] = it->what;
    }
    if (strcmp(format, "tsv") == 0) {
        for (size_t r = 1; r <= n_items; r++) {
            for (size_t k = 0; k < NC; k++) {
                printf("%s%s", cells[r * NC + k], k + 1 < NC ? "\t" : "\n");
            }
        }
    } else if (n_items) {
        cli_table_print(stdout, cells, n_items + 1, NC);
    }
    fflush(stdout);
done:
    for (size_t i = 0; owned && i < n_items; i++) {
        free(owned[i]);
    }
    free(owned);
    free(cells);
    return rc;
}

int cmd_due(beian_ctx *ctx, int argc, char **argv)
{
    due_args d;
    if (parse_due(argc, argv, &d) != BEIAN_OK) {
        return BEIAN_EUSAGE;
    }
    beian_calendar *cal = beian_calendar_new();
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    beian_record_facts *facts = NULL;
    size_t n = 0, n_items = 0;
    beian_due_item *items = NULL;
    int working = d.rules.mode == BEIAN_DAYS_WORKING;
    int rc = cal && pr ? load_calendars(cal, d.holidays, d.n_holidays) : BEIAN_EINTERNAL;
    if (rc != BEIAN_OK) {
        goto done;
    }
    d.rules.calendar = cal;
    rc = cli_archive_open(ctx, &d.common, "due", 0, &ar);
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = beian_archive_facts(ar, &facts, &n, pr);
    cli_report(ctx, rc, pr);
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = beian_rules_due(facts, n, d.day, &d.rules, &items, &n_items);
    if (rc != BEIAN_OK) {
        rc = cli_error(rc, "out of memory");
        goto done;
    }
    if (working) {
        note_uncovered_years(cal, items, n_items, d.day);
    }
    rc = print_items(items, n_items, d.format, working);
    if (rc == BEIAN_OK) {
        cli_note("%zu item%s due or overdue on %s (%s)", n_items, n_items == 1 ? "" : "s", d.day,
                 working ? "working days" : "calendar days");
    }
done:
    beian_due_items_free(items, n_items);
    beian_record_facts_free(facts, n);
    beian_archive_free(ar);
    beian_problems_free(pr);
    beian_calendar_free(cal);
    return rc;
}
