/*
 * cmd_due.c - `beian due`: what the regulation says is due or overdue on a given day, read from
 * the archive (beian_archive_facts) and judged by the rules (beian_rules_due); and the aligned
 * table that `due` and `list` print.
 *
 * The day counted from is never the clock's unless asked: `--today YYYY-MM-DD`, or the
 * explicit `--today today`. Without it, due refuses with a usage message, like every filing
 * command without its date.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util.h"
#include "beian/archive.h"
#include "beian/rules.h"
#include "cli.h"
#include "cmd_archive.h"
#include "cmd_rules.h"

/* ---- the aligned table ---- */

static int wide(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t cli_text_columns(const char *s)
{
    size_t cols = 0, len = strlen(s);
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = beian_utf8_decode(p + i, len - i, &cp);
        if (n == 0) {
            n = 1, cp = '?';
        }
        cols += wide(cp) ? 2 : 1;
        i += n;
    }
    return cols;
}

void cli_table_print(FILE *out, const char *const *cells, size_t rows, size_t cols)
{
    size_t *w = calloc(cols, sizeof *w);
    if (!w) {
        return;
    }
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < cols; c++) {
            size_t k = cli_text_columns(cells[r * cols + c]);
            w[c] = k > w[c] ? k : w[c];
        }
    }
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < cols; c++) {
            const char *s = cells[r * cols + c];
            fputs(s, out);
            if (c + 1 < cols) {
                for (size_t k = cli_text_columns(s); k < w[c] + 2; k++) {
                    fputc(' ', out);
                }
            }
        }
        fputc('\n', out);
    }
    free(w);
}

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

static int today_from_clock(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;
    return now != (time_t)-1 && localtime_r(&now, &tm) && strftime(out, 11, "%Y-%m-%d", &tm) == 10;
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

int cmd_due(beian_ctx *ctx, int argc, char **argv)
{
    archive_cli_common c;
    beian_rules_options o = BEIAN_RULES_OPTIONS_INIT;
    const char *holidays[16];
    size_t n_holidays = 0;
    const char *format = "table";
    char day[11] = "";
    memset(&c, 0, sizeof c);
    c.wait = 30;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(s, "--archive") == 0 || strncmp(s, "--archive=", 10) == 0 ||
            strcmp(s, "--wait") == 0 || strncmp(s, "--wait=", 7) == 0) {
            if (archive_cli_common_option("due", argc, argv, &i, &c) < 0) {
                return cli_usage("due");
            }
        } else if (strcmp(s, "-q") == 0 || strcmp(s, "--quiet") == 0) {
            cli_quiet = 1;
        } else if (strcmp(s, "--working-days") == 0) {
            o.mode = BEIAN_DAYS_WORKING;
        } else if (!v) {
            cli_error(BEIAN_EUSAGE, "due: %s %s", s,
                      s[0] == '-' ? "needs a value or is not an option" : "is not an option");
            return cli_usage("due");
        } else if (strcmp(s, "--today") == 0) {
            if (strcmp(v, "today") == 0 ? !today_from_clock(day)
                                        : !(strlen(v) == 10 && beian_date_valid(v))) {
                cli_error(BEIAN_EUSAGE,
                          "due: --today takes a date as YYYY-MM-DD (e.g. 2026-12-10) or \"today\", "
                          "not \"%s\"",
                          v);
                return cli_usage("due");
            }
            if (strcmp(v, "today") != 0) {
                memcpy(day, v, 11);
            }
            i++;
        } else if (strcmp(s, "--holidays") == 0) {
            if (n_holidays == sizeof holidays / sizeof holidays[0]) {
                cli_error(BEIAN_EUSAGE, "due: at most 16 holiday calendars");
                return cli_usage("due");
            }
            holidays[n_holidays++] = v;
            i++;
        } else if (strcmp(s, "--review-season") == 0) {
            if (!parse_season(v, &o)) {
                cli_error(BEIAN_EUSAGE,
                          "due: --review-season is a month (12) or MM-DD:MM-DD (11-15:12-31), "
                          "not \"%s\"",
                          v);
                return cli_usage("due");
            }
            i++;
        } else if (strcmp(s, "--format") == 0) {
            if (strcmp(v, "table") != 0 && strcmp(v, "tsv") != 0) {
                cli_error(BEIAN_EUSAGE, "due: --format is table or tsv, not \"%s\"", v);
                return cli_usage("due");
            }
            format = v;
            i++;
        } else {
            cli_error(BEIAN_EUSAGE, "due: unknown option or argument %s", s);
            return cli_usage("due");
        }
    }
    if (!day[0]) {
        cli_error(BEIAN_EUSAGE,
                  "due: say which day to count from with --today YYYY-MM-DD (or --today today); "
                  "beian never takes it from the clock unasked");
        return cli_usage("due");
    }
    if (n_holidays && o.mode != BEIAN_DAYS_WORKING) {
        cli_error(BEIAN_EUSAGE, "due: --holidays counts working days: add --working-days");
        return cli_usage("due");
    }
    beian_calendar *cal = beian_calendar_new();
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    beian_record_facts *facts = NULL;
    size_t n = 0, n_items = 0;
    beian_due_item *items = NULL;
    const char **cells = NULL;
    char **owned = NULL;
    int rc = cal && pr ? load_calendars(cal, holidays, n_holidays) : BEIAN_EINTERNAL;
    if (rc != BEIAN_OK) {
        goto done;
    }
    o.calendar = cal;
    rc = archive_cli_open(ctx, &c, "due", 0, &ar);
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = beian_archive_facts(ar, &facts, &n, pr);
    archive_cli_report(ctx, rc, pr);
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = beian_rules_due(facts, n, day, &o, &items, &n_items);
    if (rc != BEIAN_OK) {
        rc = cli_error(rc, "out of memory");
        goto done;
    }
    if (o.mode == BEIAN_DAYS_WORKING) {
        /* the years the deadlines shown fall in, and today's */
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
    enum { NC = 8 };
    cells = calloc((n_items + 1) * NC, sizeof *cells);
    owned = calloc(n_items + 1, sizeof *owned);
    if (!cells || !owned) {
        rc = cli_error(BEIAN_EINTERNAL, "out of memory");
        goto done;
    }
    static const char *const head[NC] = {"条款", "编号", "名称", "单位", "事项",
                                         "期限", "天数", "说明"};
    memcpy(cells, head, sizeof head);
    for (size_t i = 0; i < n_items; i++) {
        const beian_due_item *it = &items[i];
        const char **row = cells + (i + 1) * NC;
        owned[i] = days_text(it, o.mode == BEIAN_DAYS_WORKING);
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
    cli_note("%zu item%s due or overdue on %s (%s)", n_items, n_items == 1 ? "" : "s", day,
             o.mode == BEIAN_DAYS_WORKING ? "working days" : "calendar days");
done:
    for (size_t i = 0; owned && i < n_items; i++) {
        free(owned[i]);
    }
    free(owned);
    free(cells);
    beian_due_items_free(items, n_items);
    beian_record_facts_free(facts, n);
    beian_archive_free(ar);
    beian_problems_free(pr);
    beian_calendar_free(cal);
    return rc;
}
