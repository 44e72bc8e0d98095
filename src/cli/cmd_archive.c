/*
 * cmd_archive.c - the filing commands: submit, approve, reject, change, review, dissolve;
 * and what every archive command shares (options, opening the archive, the crash hook for
 * tests, printing problems and findings).
 *
 * Dates never come silently from the clock: --date YYYY-MM-DD, or the data file's "date"
 * for submit and change, or the explicit --date today.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util.h"
#include "beian/archive.h"
#include "beian/record.h"
#include "beian/rules.h"
#include "beian/scan.h"
#include "beian/tracking.h"
#include "cli.h"
#include "cmd_archive.h"

/* ---- shared ---- */

/* The commit steps of archive.c, in order (docs/archive.md). */
static const char *const crash_steps[] = {"locked",         "built",        "temp-written",
                                          "linked",         "temp-removed", "ledger-written",
                                          "ledger-renamed", "indexed"};

/* BEIAN_CRASH_AT=STEP kills the process at that step of a commit: fault injection for the
 * tests that prove `beian fsck` repairs whatever a crash leaves. */
static void crash_hook(void *user, const char *step)
{
    (void)user;
    const char *at = getenv("BEIAN_CRASH_AT");
    if (at && strcmp(at, step) == 0) {
        fflush(NULL);
        raise(SIGKILL);
    }
}

static int today(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;
    if (now == (time_t)-1 || !localtime_r(&now, &tm) || strftime(out, 11, "%Y-%m-%d", &tm) != 10) {
        return 0;
    }
    return 1;
}

int archive_cli_common_option(const char *command, int argc, char **argv, int *i,
                              archive_cli_common *c)
{
    const char *a = argv[*i];
    const char *value = NULL;
    const char *names[] = {"--archive", "--wait", "--date"};
    int which = -1;
    for (int k = 0; k < 3; k++) {
        size_t n = strlen(names[k]);
        if (strcmp(a, names[k]) == 0) {
            which = k;
            if (*i + 1 >= argc) {
                cli_error(BEIAN_EUSAGE, "%s: %s needs a value", command, a);
                return -1;
            }
            value = argv[++*i];
        } else if (strncmp(a, names[k], n) == 0 && a[n] == '=') {
            which = k;
            value = a + n + 1;
        }
        if (which >= 0) {
            break;
        }
    }
    if (which < 0) {
        return 0;
    }
    if (which == 0) {
        c->archive = value;
    } else if (which == 1) {
        char *end;
        long w = strtol(value, &end, 10);
        if (*end || end == value || w < 0 || w > 86400) {
            cli_error(BEIAN_EUSAGE, "%s: --wait takes seconds from 0 to 86400, not \"%s\"", command,
                      value);
            return -1;
        }
        c->wait = (int)w;
    } else if (strcmp(value, "today") == 0) {
        if (!today(c->date)) {
            cli_error(BEIAN_EUSAGE, "%s: cannot read today's date from the clock", command);
            return -1;
        }
    } else if (beian_date_valid(value) && strlen(value) == 10) {
        memcpy(c->date, value, 11);
    } else {
        cli_error(BEIAN_EUSAGE,
                  "%s: --date takes a date as YYYY-MM-DD (e.g. 2026-11-24) or \"today\", not "
                  "\"%s\"",
                  command, value);
        return -1;
    }
    return 1;
}

int archive_cli_open(beian_ctx *ctx, const archive_cli_common *c, const char *command, int create,
                     beian_archive **ar)
{
    beian_archive_options o = BEIAN_ARCHIVE_OPTIONS_INIT;
    char what[64];
    const char *at = getenv("BEIAN_CRASH_AT");
    if (at && at[0]) {
        int known = 0;
        for (size_t i = 0; i < sizeof crash_steps / sizeof crash_steps[0]; i++) {
            known |= strcmp(at, crash_steps[i]) == 0;
        }
        if (!known) {
            cli_error(BEIAN_EUSAGE,
                      "BEIAN_CRASH_AT=%s names no commit step (locked, built, "
                      "temp-written, linked, temp-removed, ledger-written, ledger-renamed, "
                      "indexed)",
                      at);
            return BEIAN_EUSAGE;
        }
    }
    snprintf(what, sizeof what, "beian %s", command);
    o.dir = c->archive;
    o.wait_seconds = c->wait;
    o.step = crash_hook;
    o.command = what;
    int rc = beian_archive_open(ctx, &o, create, ar);
    if (rc != BEIAN_OK) {
        cli_error(rc, "%s", beian_ctx_message(ctx));
    }
    return rc;
}

int archive_cli_report(beian_ctx *ctx, int rc, beian_problems *pr)
{
    cli_print_problems(pr);
    if (beian_problems_errors(pr) == 0 && rc != BEIAN_OK) {
        cli_error(rc, "%s",
                  beian_ctx_message(ctx)[0] ? beian_ctx_message(ctx) : "failed (no details)");
    }
    return rc;
}

void archive_cli_print_findings(const beian_findings *f)
{
    for (size_t i = 0; i < beian_findings_count(f); i++) {
        const beian_finding *x = beian_findings_get(f, i);
        fprintf(stderr, "beian: %s%serror: %s: %s\n", x->path ? x->path : "", x->path ? ": " : "",
                x->code, x->message);
    }
}

int archive_cli_warnings(beian_archive *ar, const beian_record *rec, const char *self,
                         char ***out, size_t *n_out)
{
    beian_record_facts *facts = NULL;
    size_t n = 0;
    beian_problems *quiet = beian_problems_new();
    beian_problems *warn = beian_problems_new();
    char **list = NULL;
    size_t k = 0;
    int rc = quiet && warn ? BEIAN_OK : BEIAN_EINTERNAL;
    *out = NULL;
    *n_out = 0;
    if (rc == BEIAN_OK && ar) {
        rc = beian_archive_facts(ar, &facts, &n, quiet); /* damage is verify's to report */
    }
    if (rc == BEIAN_OK) {
        rc = beian_rules_check(rec, facts, n, self, warn);
    }
    size_t count = warn ? beian_problems_count(warn) : 0;
    if (rc == BEIAN_OK && count && !(list = calloc(count, sizeof *list))) {
        rc = BEIAN_EINTERNAL;
    }
    for (; rc == BEIAN_OK && k < count; k++) {
        const beian_problem *p = beian_problems_get(warn, k);
        list[k] = beian_asprintf("%s (%s): %s", p->field ? p->field : "-", p->label ? p->label : "",
                                 p->message);
        rc = list[k] ? BEIAN_OK : BEIAN_EINTERNAL;
    }
    if (rc == BEIAN_OK) {
        cli_print_problems(warn);
        *out = list;
        *n_out = count;
        list = NULL;
    }
    for (size_t i = 0; list && i < k; i++) {
        free(list[i]);
    }
    free(list);
    beian_record_facts_free(facts, n);
    beian_problems_free(quiet);
    beian_problems_free(warn);
    return rc;
}

/* ---- parsing a filing command ---- */

enum {
    OPT_OUT = 1,
    OPT_SCAN = 2,
    OPT_REASON = 4,
    OPT_YEAR = 8,
    OPT_RESULT = 16,
    OPT_CHANGED_ON = 32,
    OPT_CLOSED_ON = 64,
    OPT_OPENED_ON = 128
};

typedef struct {
    archive_cli_common common;
    const char *out;
    const char *scan;
    const char *reason;
    int year;
    int pass;
    char changed_on[11], closed_on[11], opened_on[11]; /* "" when not given */
    const char *args[2];
    int nargs;
} filing_args;

/* --changed-on, --closed-on, --opened-on: a date, or the explicit "today". */
static int day_option(const char *command, const char *option, const char *value, char out[11])
{
    if (strcmp(value, "today") == 0) {
        if (!today(out)) {
            cli_error(BEIAN_EUSAGE, "%s: cannot read today's date from the clock", command);
            return BEIAN_EUSAGE;
        }
        return BEIAN_OK;
    }
    if (strlen(value) == 10 && beian_date_valid(value)) {
        memcpy(out, value, 11);
        return BEIAN_OK;
    }
    cli_error(BEIAN_EUSAGE, "%s: %s takes a date as YYYY-MM-DD (e.g. 2026-11-24), not \"%s\"",
              command, option, value);
    return BEIAN_EUSAGE;
}

/* Parses argv for a command that accepts the options in allowed; returns 0 or EUSAGE. */
static int parse_filing(const char *command, int argc, char **argv, unsigned allowed,
                        filing_args *a)
{
    memset(a, 0, sizeof *a);
    a->common.wait = 30;
    a->pass = 1;
    int only_args = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (only_args || s[0] != '-' || strcmp(s, "-") == 0) {
            if (a->nargs >= 2) {
                cli_error(BEIAN_EUSAGE, "%s: too many arguments (\"%s\")", command, s);
                return cli_usage(command);
            }
            a->args[a->nargs++] = s;
            continue;
        }
        if (strcmp(s, "--") == 0) {
            only_args = 1;
            continue;
        }
        if (strcmp(s, "-q") == 0 || strcmp(s, "--quiet") == 0) {
            cli_quiet = 1;
            continue;
        }
        int took = archive_cli_common_option(command, argc, argv, &i, &a->common);
        if (took < 0) {
            return cli_usage(command);
        }
        if (took) {
            continue;
        }
        static const struct {
            const char *name;
            unsigned flag;
        } opts[] = {{"-o", OPT_OUT},
                    {"--output", OPT_OUT},
                    {"--scan", OPT_SCAN},
                    {"--reason", OPT_REASON},
                    {"--year", OPT_YEAR},
                    {"--result", OPT_RESULT},
                    {"--changed-on", OPT_CHANGED_ON},
                    {"--closed-on", OPT_CLOSED_ON},
                    {"--opened-on", OPT_OPENED_ON}};
        unsigned flag = 0;
        const char *value = NULL;
        for (size_t k = 0; k < sizeof opts / sizeof opts[0] && !flag; k++) {
            size_t n = strlen(opts[k].name);
            if (strcmp(s, opts[k].name) == 0) {
                flag = opts[k].flag;
                value = i + 1 < argc ? argv[++i] : NULL;
            } else if (strncmp(s, opts[k].name, n) == 0 && s[n] == '=' && n > 2) {
                flag = opts[k].flag;
                value = s + n + 1;
            }
        }
        if (!flag || !(allowed & flag)) {
            cli_error(BEIAN_EUSAGE, "%s: unknown option %s", command, s);
            return cli_usage(command);
        }
        if (!value) {
            cli_error(BEIAN_EUSAGE, "%s: %s needs a value", command, s);
            return cli_usage(command);
        }
        switch (flag) {
        case OPT_CHANGED_ON:
        case OPT_CLOSED_ON:
        case OPT_OPENED_ON:
            if (day_option(command, s, value,
                           flag == OPT_CHANGED_ON  ? a->changed_on
                           : flag == OPT_CLOSED_ON ? a->closed_on
                                                   : a->opened_on) != BEIAN_OK) {
                return cli_usage(command);
            }
            break;
        case OPT_OUT:
            a->out = value;
            break;
        case OPT_SCAN:
            a->scan = value;
            break;
        case OPT_REASON:
            a->reason = value;
            break;
        case OPT_YEAR: {
            char *end;
            long y = strtol(value, &end, 10);
            if (*end || y < 2000 || y > 2199) {
                cli_error(BEIAN_EUSAGE, "%s: --year takes a year such as 2027, not \"%s\"", command,
                          value);
                return cli_usage(command);
            }
            a->year = (int)y;
            break;
        }
        case OPT_RESULT:
            if (strcmp(value, "pass") == 0 || strcmp(value, "通过") == 0) {
                a->pass = 1;
            } else if (strcmp(value, "fail") == 0 || strcmp(value, "不通过") == 0) {
                a->pass = 0;
            } else {
                cli_error(BEIAN_EUSAGE, "%s: --result is pass or fail, not \"%s\"", command, value);
                return cli_usage(command);
            }
            break;
        }
    }
    return BEIAN_OK;
}

static int need_date(const char *command, const filing_args *a, const char *what)
{
    if (a->common.date[0]) {
        return BEIAN_OK;
    }
    cli_error(BEIAN_EUSAGE,
              "%s: give the date of the %s with --date YYYY-MM-DD (or --date today); beian "
              "never takes it from the clock unasked",
              command, what);
    return cli_usage(command);
}

static int need_record_no(const char *command, const char *s)
{
    if (s && beian_record_no_valid(s)) {
        return BEIAN_OK;
    }
    if (s) {
        cli_error(BEIAN_EUSAGE,
                  "%s: \"%s\" is not a record number such as XMT-2026-0007 or "
                  "QUN-2026-0012 (see: beian list)",
                  command, s);
    } else {
        cli_error(BEIAN_EUSAGE, "%s: say which record, e.g. XMT-2026-0007 (see: beian list)",
                  command);
    }
    return cli_usage(command);
}

static int write_pdf(const char *path, const unsigned char *pdf, size_t len)
{
    int err = 0;
    int rc = beian_file_write_atomic(path, pdf, len, &err);
    if (rc != BEIAN_OK) {
        return cli_error(rc, "%s: cannot write: %s", path, strerror(err));
    }
    return BEIAN_OK;
}

/* Files ev under record_no (NULL: a submission) and reports the result. */
static int file_event(beian_ctx *ctx, const filing_args *a, const char *command,
                      const char *record_no, beian_event *ev)
{
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    beian_commit_result res;
    memset(&res, 0, sizeof res);
    if (!pr) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    char **warnings = NULL;
    size_t n_warnings = 0;
    int rc = archive_cli_open(ctx, &a->common, command, 1, &ar);
    if (rc != BEIAN_OK) {
        goto done;
    }
    ev->changed_on = a->changed_on[0] ? a->changed_on : NULL;
    ev->closed_on = a->closed_on[0] ? a->closed_on : NULL;
    ev->opened_on = a->opened_on[0] ? a->opened_on : NULL;
    if (ev->record) {
        /* the checks before signing: printed, and kept in the bundle */
        rc = archive_cli_warnings(ar, ev->record, record_no, &warnings, &n_warnings);
        if (rc != BEIAN_OK) {
            cli_error(rc, "%s", beian_ctx_message(ctx)[0] ? beian_ctx_message(ctx) : "out of memory");
            goto done;
        }
        ev->warnings = (const char *const *)warnings;
        ev->n_warnings = n_warnings;
    }
    rc = beian_archive_commit(ar, record_no, ev, &res, pr);
    if (rc != BEIAN_OK) {
        archive_cli_report(ctx, rc, pr);
        cli_error(rc, "%s: nothing was filed", record_no ? record_no : command);
        goto done;
    }
    cli_print_problems(pr); /* warnings */
    if (ev->kind == BEIAN_EVENT_SUBMITTED) {
        printf("%s\n", res.record_no);
    } else {
        printf("%s v%d %s\n", res.record_no, res.version, beian_archive_state_name(res.state));
    }
    fflush(stdout);
    cli_note("filed %s v%d (%s %s, now %s) as %s/%s", res.record_no, res.version,
             beian_archive_event_name(ev->kind), ev->date, beian_archive_state_label(res.state),
             beian_archive_dir(ar), res.path);
    if (a->out && res.pdf) {
        rc = write_pdf(a->out, res.pdf, res.pdf_len);
        if (rc != BEIAN_OK) {
            /* the filing stands: say so, and how to get its form (never file it again) */
            cli_error(rc,
                      "%s v%d is filed all the same (do not file it again); get its form with "
                      "`beian reprint %s@v%d --exact -o FILE --date today`",
                      res.record_no, res.version, res.record_no, res.version);
        }
        if (rc == BEIAN_OK) {
            cli_note("wrote %s: print it, have it signed and sealed, then file the scan with "
                     "`beian approve --scan FILE`",
                     a->out);
        }
    }
done:
    for (size_t i = 0; i < n_warnings; i++) {
        free(warnings[i]);
    }
    free(warnings);
    beian_commit_result_release(&res);
    beian_archive_free(ar);
    beian_problems_free(pr);
    return rc;
}

/* ---- submit and change ---- */

static int read_data(beian_ctx *ctx, const char *path, beian_record **rec)
{
    beian_problems *pr = beian_problems_new();
    if (!pr) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    int rc = beian_record_read_file(ctx, path, rec, pr);
    if (rc != BEIAN_OK) {
        size_t n = beian_problems_errors(pr);
        archive_cli_report(ctx, rc, pr);
        if (rc == BEIAN_EDATA && n > 1) {
            cli_error(rc, "%s: %zu problems", path, n);
        }
    }
    beian_problems_free(pr);
    return rc;
}

static int submit_or_change(beian_ctx *ctx, int argc, char **argv, int change)
{
    const char *command = change ? "change" : "submit";
    filing_args a;
    beian_record *rec = NULL;
    int rc = parse_filing(command, argc, argv,
                          OPT_OUT | OPT_OPENED_ON | (change ? OPT_CHANGED_ON : 0), &a);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (a.nargs != (change ? 2 : 1)) {
        cli_error(BEIAN_EUSAGE, "%s: expected %s", command,
                  change ? "a record number and a data file" : "one data file");
        return cli_usage(command);
    }
    if (change && need_record_no(command, a.args[0]) != BEIAN_OK) {
        return BEIAN_EUSAGE;
    }
    const char *data = a.args[change ? 1 : 0];
    rc = read_data(ctx, data, &rec);
    if (rc != BEIAN_OK) {
        cli_error(rc, "%s: nothing was filed", data);
        return rc;
    }
    beian_event ev = BEIAN_EVENT_INIT;
    ev.kind = change ? BEIAN_EVENT_CHANGED : BEIAN_EVENT_SUBMITTED;
    ev.date = a.common.date[0] ? a.common.date : rec->date;
    ev.record = rec;
    if (!ev.date) {
        cli_error(BEIAN_EUSAGE,
                  "%s: %s has no \"date\"; give the date of the %s with --date YYYY-MM-DD (or "
                  "--date today)",
                  command, data, change ? "change" : "submission");
        beian_record_free(rec);
        return cli_usage(command);
    }
    rc = file_event(ctx, &a, command, change ? a.args[0] : NULL, &ev);
    beian_record_free(rec);
    return rc;
}

int cmd_submit(beian_ctx *ctx, int argc, char **argv)
{
    return submit_or_change(ctx, argc, argv, 0);
}

int cmd_change(beian_ctx *ctx, int argc, char **argv)
{
    return submit_or_change(ctx, argc, argv, 1);
}

/* ---- approve ---- */

/* Reads the scan and the beian tracking codes on it (all pages must agree). */
static int read_scan(beian_ctx *ctx, const char *path, beian_buf *bytes, beian_tracking *code,
                     int *have_code)
{
    int err = 0;
    char **codes = NULL;
    size_t n = 0;
    beian_problems *pr = beian_problems_new();
    *have_code = 0;
    beian_buf_init(bytes);
    if (!pr) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    int rc = beian_file_read(path, BEIAN_SCAN_MAX_BYTES, bytes, &err);
    if (rc != BEIAN_OK) {
        rc = cli_error(rc, "%s: %s", path,
                       rc == BEIAN_EDATA ? "the scan is larger than 64 MiB" : strerror(err));
        goto done;
    }
    if (beian_scan_sniff(bytes->data, bytes->len) == BEIAN_SCAN_UNKNOWN) {
        rc = cli_error(BEIAN_EDATA,
                       "%s: error: scan (扫描件): not a PDF, PNG or JPEG (judged "
                       "by its first bytes); scan the signed paper to one of those",
                       path);
        goto done;
    }
    rc = beian_scan_codes(ctx, path, &codes, &n, pr);
    if (rc != BEIAN_OK) {
        archive_cli_report(ctx, rc, pr);
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        beian_tracking t;
        if (beian_tracking_parse(codes[i], &t) != BEIAN_OK) {
            continue; /* a group's own QR code, say */
        }
        if (*have_code && (strcmp(t.record, code->record) != 0 || t.version != code->version ||
                           strcmp(t.digest16, code->digest16) != 0)) {
            rc = cli_error(BEIAN_EDATA,
                           "%s: error: scan (扫描件): holds the tracking codes of "
                           "%s v%d and %s v%d; scan each form to its own file",
                           path, code->record, code->version, t.record, t.version);
            goto done;
        }
        *code = t;
        *have_code = 1;
    }
done:
    if (rc != BEIAN_OK) {
        beian_buf_release(bytes);
    }
    beian_scan_codes_free(codes, n);
    beian_problems_free(pr);
    return rc;
}

static int approve_one(beian_ctx *ctx, const filing_args *a, const char *record_no,
                       const char *scan_path)
{
    beian_buf scan;
    beian_tracking code;
    int have_code = 0;
    int rc = read_scan(ctx, scan_path, &scan, &code, &have_code);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (!record_no) {
        if (!have_code) {
            beian_buf_release(&scan);
            return cli_error(BEIAN_EDATA,
                             "%s: error: scan (扫描件): no beian tracking code found (the QR "
                             "code at the foot of the form); rescan at 200 dpi or more, or name "
                             "the record: beian approve RECORD --scan %s",
                             scan_path, scan_path);
        }
        if (strcmp(code.record, "DRAFT") == 0) {
            beian_buf_release(&scan);
            return cli_error(BEIAN_EDATA,
                             "%s: error: scan (扫描件): the form was printed as a draft, before "
                             "it was filed; file the data with `beian submit`, print that form "
                             "and have it signed",
                             scan_path);
        }
        record_no = code.record;
    } else if (!have_code) {
        cli_note("%s: no tracking code found on the scan; filing it under %s as you said",
                 scan_path, record_no);
    }
    beian_event ev = BEIAN_EVENT_INIT;
    ev.kind = BEIAN_EVENT_APPROVED;
    ev.date = a->common.date;
    ev.scan = scan.data;
    ev.scan_len = scan.len;
    ev.scan_name = scan_path;
    ev.scan_code = have_code ? &code : NULL;
    char rec[32];
    snprintf(rec, sizeof rec, "%s", record_no);
    rc = file_event(ctx, a, "approve", rec, &ev);
    beian_buf_release(&scan);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 when the file starts like a PDF, PNG or JPEG (a folder of scans also holds Thumbs.db,
 * desktop.ini and notes). */
static int looks_like_scan(const char *path)
{
    unsigned char head[16];
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(head, 1, sizeof head, f) : 0;
    if (f) {
        fclose(f);
    }
    return beian_scan_sniff(head, n) != BEIAN_SCAN_UNKNOWN;
}

/* Files every scan of a folder by its tracking code, in name order. */
static int approve_folder(beian_ctx *ctx, const filing_args *a, const char *dir)
{
    DIR *d = opendir(dir);
    char **names = NULL;
    size_t n = 0, filed = 0, refused = 0;
    int worst = BEIAN_OK;
    if (!d) {
        return cli_error(BEIAN_ENOINPUT, "%s: cannot open the folder: %s", dir, strerror(errno));
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.') {
            continue;
        }
        char **grown = realloc(names, (n + 1) * sizeof *grown);
        if (!grown || !(grown[n] = beian_path_join(dir, de->d_name))) {
            names = grown ? grown : names;
            worst = cli_error(BEIAN_EINTERNAL, "out of memory");
            break;
        }
        names = grown;
        n++;
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n && worst != BEIAN_EINTERNAL; i++) {
        struct stat st;
        if (stat(names[i], &st) != 0 || !S_ISREG(st.st_mode)) {
            continue;
        }
        if (!looks_like_scan(names[i])) {
            cli_note("%s: skipped: not a PDF, PNG or JPEG", names[i]);
            continue;
        }
        int rc = approve_one(ctx, a, NULL, names[i]);
        if (rc == BEIAN_OK) {
            filed++;
        } else {
            refused++;
            worst = worst == BEIAN_OK ? rc : worst;
        }
    }
    for (size_t i = 0; i < n; i++) {
        free(names[i]);
    }
    free(names);
    if (filed + refused == 0 && worst == BEIAN_OK) {
        return cli_error(BEIAN_ENOINPUT, "%s: no scans in the folder", dir);
    }
    if (refused) {
        cli_error(worst, "%s: filed %zu scan%s, refused %zu (see above)", dir, filed,
                  filed == 1 ? "" : "s", refused);
    } else {
        cli_note("%s: filed %zu scan%s", dir, filed, filed == 1 ? "" : "s");
    }
    return worst;
}

int cmd_approve(beian_ctx *ctx, int argc, char **argv)
{
    filing_args a;
    int rc = parse_filing("approve", argc, argv, OPT_SCAN | OPT_OPENED_ON, &a);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (a.nargs > 1 || !a.scan) {
        if (!a.scan) {
            cli_error(BEIAN_EUSAGE, "approve: give the scan of the signed and sealed form with "
                                    "--scan FILE (or a folder of scans)");
        }
        return cli_usage("approve");
    }
    if (a.nargs == 1 && need_record_no("approve", a.args[0]) != BEIAN_OK) {
        return BEIAN_EUSAGE;
    }
    if (need_date("approve", &a, "approval") != BEIAN_OK) {
        return BEIAN_EUSAGE;
    }
    struct stat st;
    if (stat(a.scan, &st) != 0) {
        return cli_error(BEIAN_ENOINPUT, "%s: cannot read the scan: %s", a.scan, strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        if (a.nargs == 1) {
            cli_error(BEIAN_EUSAGE, "approve: a folder of scans is filed by the tracking codes "
                                    "alone; leave out the record number");
            return cli_usage("approve");
        }
        return approve_folder(ctx, &a, a.scan);
    }
    return approve_one(ctx, &a, a.nargs ? a.args[0] : NULL, a.scan);
}

/* ---- reject, review, dissolve ---- */

int cmd_reject(beian_ctx *ctx, int argc, char **argv)
{
    filing_args a;
    int rc = parse_filing("reject", argc, argv, OPT_REASON, &a);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (a.nargs != 1 || need_record_no("reject", a.args[0]) != BEIAN_OK) {
        return a.nargs != 1 ? cli_usage("reject") : BEIAN_EUSAGE;
    }
    if (!a.reason || !a.reason[0]) {
        cli_error(BEIAN_EUSAGE, "reject: say why it is returned with --reason TEXT (退回理由)");
        return cli_usage("reject");
    }
    if (need_date("reject", &a, "rejection") != BEIAN_OK) {
        return BEIAN_EUSAGE;
    }
    beian_event ev = BEIAN_EVENT_INIT;
    ev.kind = BEIAN_EVENT_REJECTED;
    ev.date = a.common.date;
    ev.reason = a.reason;
    return file_event(ctx, &a, "reject", a.args[0], &ev);
}

int cmd_review(beian_ctx *ctx, int argc, char **argv)
{
    filing_args a;
    beian_buf scan;
    beian_buf_init(&scan);
    int rc = parse_filing("review", argc, argv, OPT_YEAR | OPT_SCAN | OPT_RESULT | OPT_OPENED_ON, &a);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (a.nargs != 1 || need_record_no("review", a.args[0]) != BEIAN_OK) {
        return a.nargs != 1 ? cli_usage("review") : BEIAN_EUSAGE;
    }
    if (!a.year) {
        cli_error(BEIAN_EUSAGE, "review: say which year is reviewed with --year YYYY (年审年度)");
        return cli_usage("review");
    }
    if (need_date("review", &a, "review") != BEIAN_OK) {
        return BEIAN_EUSAGE;
    }
    beian_event ev = BEIAN_EVENT_INIT;
    ev.kind = BEIAN_EVENT_REVIEWED;
    ev.date = a.common.date;
    ev.year = a.year;
    ev.review_pass = a.pass;
    if (a.scan) {
        int err = 0;
        rc = beian_file_read(a.scan, BEIAN_SCAN_MAX_BYTES, &scan, &err);
        if (rc != BEIAN_OK) {
            return cli_error(rc, "%s: %s", a.scan,
                             rc == BEIAN_EDATA ? "the scan is larger than 64 MiB" : strerror(err));
        }
        ev.scan = scan.data;
        ev.scan_len = scan.len;
        ev.scan_name = a.scan;
    }
    rc = file_event(ctx, &a, "review", a.args[0], &ev);
    beian_buf_release(&scan);
    return rc;
}

int cmd_dissolve(beian_ctx *ctx, int argc, char **argv)
{
    filing_args a;
    int rc = parse_filing("dissolve", argc, argv, OPT_REASON | OPT_CLOSED_ON, &a);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (a.nargs != 1 || need_record_no("dissolve", a.args[0]) != BEIAN_OK) {
        return a.nargs != 1 ? cli_usage("dissolve") : BEIAN_EUSAGE;
    }
    if (need_date("dissolve", &a, "dissolution") != BEIAN_OK) {
        return BEIAN_EUSAGE;
    }
    beian_event ev = BEIAN_EVENT_INIT;
    ev.kind = BEIAN_EVENT_DISSOLVED;
    ev.date = a.common.date;
    ev.reason = a.reason;
    return file_event(ctx, &a, "dissolve", a.args[0], &ev);
}
