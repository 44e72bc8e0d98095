/*
 * cmd_filing.c - the filing commands: submit, approve, reject, change, review, dissolve. Each
 * files one new version of a record in the archive (beian_archive_commit); what they share
 * with the other archive commands is in cli_archive.c.
 *
 * Dates never come silently from the clock: --date YYYY-MM-DD, or the data file's "date"
 * for submit and change, or the explicit --date today.
 */
#define _GNU_SOURCE
#include "cmd_filing.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"
#include "beian/archive.h"
#include "beian/date.h"
#include "beian/record.h"
#include "cli.h"
#include "cli_archive.h"
#include "cmd_approve_folder.h"
#include "cmd_filing_event.h"
#include "cmd_submit_sheet.h"

/* ---- the commands' words ---- */

enum { OPT_OUT = 1, OPT_SCAN, OPT_REASON, OPT_YEAR, OPT_RESULT, OPT_CHANGED_ON, OPT_CLOSED_ON,
       OPT_OPENED_ON, OPT_DATE_CONFIRMED, OPT_UNVERIFIED };

#define OPTION_OPENED_ON(help) {OPT_OPENED_ON, 0, "opened-on", "DATE", help}
#define OPTION_OUTPUT(help) {OPT_OUT, 'o', "output", "PDF", help}
#define OPTIONS_COMMON                                                                             \
    {OPT_DATE_CONFIRMED, 0, "date-confirmed", NULL,                                               \
     "the date is right although it is more than a year after the newest date in the ledger "     \
     "(without it such a date is refused as a likely typo)"},                                     \
        CLI_ARCHIVE_OPTION_DIR, CLI_ARCHIVE_OPTION_WAIT, CLI_OPTION_QUIET("no notes on stderr")

static const cli_option submit_options[] = {
    CLI_ARCHIVE_OPTION_DATE("the filing's date (备案日期: in the ledger and the form's footer); "
                            "default: the data file's \"date\", the day the form was filled, "
                            "which stays in the data as it is (beian never takes a date from "
                            "the clock unless you say --date today)"),
    OPTION_OUTPUT("also write the printed form, to print, sign and seal"),
    OPTION_OPENED_ON("the day the platform opened, if it already has (第七条: not before its "
                     "approval; `beian due` flags it)"),
    OPTIONS_COMMON,
    SHEET_OPTIONS_SUBMIT,
    CLI_OPTIONS_END,
};

const cli_spec cmd_submit_spec = {
    .name = "submit",
    .summary = "file a new record in the archive (prints its number)",
    .usage = "beian submit DATA.json [--date YYYY-MM-DD|today] [-o FORM.pdf] [options]\n"
             "beian submit [FORM-ID] SHEET.xlsx|SHEET.csv [--date D] [-o DIR] [options]",
    .description =
        "Checks the data like `beian check` (the warnings of the checks before signing are "
        "printed and kept in the bundle; they never stop the filing), gives the record its "
        "number (XMT-2026-0007 for a platform, QUN-2026-0012 for a work group), prints the form "
        "with that number, version 1 and the tracking code in its footer, and files everything "
        "as version 1 (提交) in the archive. The number goes to stdout. Nothing is filed when "
        "the data has a problem.\n\n"
        "A sheet (CSV or .xlsx, read as `beian batch` reads it; FORM-ID may be left out when "
        "the header names one form's columns) files one record per row: every row is checked "
        "first and nothing is filed while a row has a problem (unless --skip-invalid); then "
        "each row is filed as its own record, one after the other under one hold of the "
        "archive's lock. A row whose data the archive holds already (the sheet filed again "
        "after an interruption) is recognised and skipped, so filing the sheet again files "
        "the rest. stdout gets a table of sheet rows and their numbers (--format csv for "
        "Excel); -o DIR writes each row's form to sign (DIR/0002-<name>.pdf), --combined one "
        "print job.",
    .options = submit_options,
    .example = "beian submit examples/workgroup-filing.json --date 2026-11-24 -o 待签字.pdf",
};

#define OPTION_UNVERIFIED                                                                          \
    {OPT_UNVERIFIED, 0, "unverified", "REASON",                                                    \
     "file a scan whose tracking code cannot be read (torn, missing), with the record named: "    \
     "kept with the reason and shown as 未经校验 (a blank page or one without a form is still "    \
     "refused)"}

static const cli_option approve_options[] = {
    {OPT_SCAN, 0, "scan", "FILE", "the scan (PDF, PNG, JPEG or TIFF), or a folder of scans"},
    OPTION_UNVERIFIED,
    CLI_ARCHIVE_OPTION_DATE("the date of the approval (required)"),
    OPTION_OPENED_ON("the day the platform opened (第七条: only after approval)"),
    OPTIONS_COMMON,
    CLI_OPTIONS_END,
};

const cli_spec cmd_approve_spec = {
    .name = "approve",
    .summary = "file the signed and sealed scan: approved (批准备案)",
    .usage = "beian approve [RECORD] --scan FILE|FOLDER --date YYYY-MM-DD|today\n"
             "beian approve RECORD --scan FILE --unverified REASON --date D|today",
    .description =
        "Files the scan (PDF, PNG, JPEG or a multi-page TIFF) of the form that came back signed "
        "and sealed, as a new version of the record, approved. The tracking code printed at the "
        "foot of every page says which record, version and data it is (RECORD, when given, "
        "must agree); with a folder every scan in it is filed that way, and the pages of one "
        "form scanned to separate files (one JPEG per page) are filed together as one approval "
        "when every page is there once. The draft printed by "
        "`beian fill` before filing is accepted when its data are those of the version in "
        "force. Refused: a scan without a readable code (rescan at 300 dpi; or file it with "
        "RECORD and --unverified REASON), a code of another record, an older printing or other "
        "data, a reprint's copy, a PDF that no scanner made, a form of several pages not all "
        "scanned, and a record that cannot be approved in its state.",
    .options = approve_options,
    .example = "beian approve --scan 扫描/2026-12-01/ --date 2026-12-01",
};

static const cli_option reject_options[] = {
    {OPT_REASON, 0, "reason", "TEXT", "why it is returned (required)"},
    CLI_ARCHIVE_OPTION_DATE("the date of the decision (required)"),
    OPTIONS_COMMON,
    CLI_OPTIONS_END,
};

const cli_spec cmd_reject_spec = {
    .name = "reject",
    .summary = "return a filing to its unit: rejected (退回)",
    .usage = "beian reject RECORD --reason TEXT --date YYYY-MM-DD|today [options]",
    .description = "Files a new version: rejected, with the reason. The unit corrects the data "
                   "and files it with `beian change`, which is then approved or rejected again.",
    .options = reject_options,
    .example = "beian reject XMT-2026-0007 --reason \"负责人未签字\" --date 2026-12-01",
};

static const cli_option change_options[] = {
    CLI_ARCHIVE_OPTION_DATE("the date the change is filed; default: the data file's \"date\""),
    {OPT_CHANGED_ON, 0, "changed-on", "DATE",
     "the day the administrator or head actually changed; `beian due` flags a filing more than "
     "7 days later (第七条)"},
    OPTION_OPENED_ON("the day the platform opened (第七条)"),
    OPTION_OUTPUT("also write the printed form"),
    OPTIONS_COMMON,
    CLI_OPTIONS_END,
};

const cli_spec cmd_change_spec = {
    .name = "change",
    .summary = "file changed data, e.g. a new administrator (变更)",
    .usage = "beian change RECORD DATA.json [--changed-on D] [-o FORM.pdf] [options]",
    .description =
        "Files the record's new data (same form) as a new version, changed, and prints the "
        "form again with the new version in its footer; it is then approved with its signed "
        "scan. The regulation asks for a change of administrator within 7 days (art. 7). Only "
        "an approved, returned or review-failed record can be changed.",
    .options = change_options,
    .example = "beian change QUN-2026-0012 工作群-新管理员.json --date 2027-03-02 \\\n"
               "    --changed-on 2027-02-27 -o 变更.pdf",
};

static const cli_option review_options[] = {
    {OPT_YEAR, 0, "year", "YYYY", "the year under review (required)"},
    {OPT_RESULT, 0, "result", "R", "pass (default) or fail"},
    {OPT_SCAN, 0, "scan", "FILE", "the review's signed paper (PDF, PNG, JPEG or TIFF)"},
    OPTION_UNVERIFIED,
    OPTION_OPENED_ON("the day the platform opened, if not given before"),
    CLI_ARCHIVE_OPTION_DATE("the date of the review (required)"),
    OPTIONS_COMMON,
    CLI_OPTIONS_END,
};

const cli_spec cmd_review_spec = {
    .name = "review",
    .summary = "file the annual review of a record (年审)",
    .usage = "beian review RECORD --year YYYY [--result pass|fail] [--scan FILE]\n"
             "beian review RECORD --year YYYY --date YYYY-MM-DD|today [options]",
    .description = "Files the year's review (art. 8) as a new version. A platform that fails "
                   "may not run on (未通过审核的平台不得继续运行) until it is changed (beian "
                   "change), approved and reviewed again: that second review of the same year is "
                   "allowed, and `beian due` lists it as due. Otherwise each year is reviewed "
                   "once.",
    .options = review_options,
    .example = "beian review XMT-2026-0007 --year 2027 --result pass --date 2027-12-10",
};

static const cli_option dissolve_options[] = {
    {OPT_REASON, 0, "reason", "TEXT", "why (optional)"},
    CLI_ARCHIVE_OPTION_DATE("the date the dissolution is filed (required)"),
    {OPT_CLOSED_ON, 0, "closed-on", "DATE",
     "the day the platform or group was closed; `beian due` flags a filing more than 3 days "
     "later (第十三条)"},
    OPTIONS_COMMON,
    CLI_OPTIONS_END,
};

const cli_spec cmd_dissolve_spec = {
    .name = "dissolve",
    .summary = "file the closing of a platform or group (解散/注销)",
    .usage = "beian dissolve RECORD --date D|today [--reason TEXT] [--closed-on D]",
    .description = "Files the last version of a record: dissolved. The regulation asks for it "
                   "within 3 days (art. 13). Nothing can be filed for the record afterwards.",
    .options = dissolve_options,
    .example = "beian dissolve QUN-2026-0012 --reason \"班级已毕业\" --closed-on 2029-06-30 \\\n"
               "    --date 2029-07-01",
};

/* ---- parsing a filing command ---- */


/* --changed-on, --closed-on, --opened-on: a date, or the explicit "today". */
/* The value of one of the filing options (id OPT_*); BEIAN_OK or BEIAN_EUSAGE (said why). */
static int filing_option(const char *command, int id, const cli_args *args, filing_args *a)
{
    const char *value = args->value;
    switch (id) {
    case OPT_CHANGED_ON:
    case OPT_CLOSED_ON:
    case OPT_OPENED_ON:
        return cli_date_value(command, args->option, value,
                          id == OPT_CHANGED_ON  ? a->changed_on
                          : id == OPT_CLOSED_ON ? a->closed_on
                                                : a->opened_on);
    case OPT_OUT:
        a->out = value;
        return BEIAN_OK;
    case OPT_DATE_CONFIRMED:
        a->date_confirmed = 1;
        return BEIAN_OK;
    case OPT_SCAN:
        a->scan = value;
        return BEIAN_OK;
    case OPT_REASON:
        a->reason = value;
        return BEIAN_OK;
    case OPT_UNVERIFIED:
        a->unverified = value;
        return BEIAN_OK;
    case OPT_YEAR: {
        char *end;
        long y = strtol(value, &end, 10);
        if (*end || y < 2000 || y > 2199) {
            return cli_error(BEIAN_EUSAGE, "%s: --year takes a year such as 2027, not \"%s\"",
                             command, value);
        }
        a->year = (int)y;
        return BEIAN_OK;
    }
    case OPT_RESULT:
        if (strcmp(value, "pass") == 0 || strcmp(value, "通过") == 0) {
            a->pass = 1;
        } else if (strcmp(value, "fail") == 0 || strcmp(value, "不通过") == 0) {
            a->pass = 0;
        } else {
            return cli_error(BEIAN_EUSAGE, "%s: --result is pass or fail, not \"%s\"", command,
                             value);
        }
        return BEIAN_OK;
    default:
        if (id >= SHEET_OPT_SKIP_INVALID && id < CLI_ARCHIVE_OPT_DIR) {
            return sheet_option(&a->sheet, command, id, args->option, value);
        }
        return cli_archive_option(command, id, value, &a->common);
    }
}

/* Parses argv by the command's option table; returns BEIAN_OK or BEIAN_EUSAGE (said why). */
static int parse_filing(const cli_spec *spec, int argc, char **argv, filing_args *a)
{
    cli_args args;
    int id;
    memset(a, 0, sizeof *a);
    cli_archive_common_init(&a->common);
    a->pass = 1;
    cli_args_init(&args, spec, argc, argv);
    while ((id = cli_args_next(&args)) != CLI_ARGS_END) {
        if (id == CLI_ARGS_BAD) {
            return BEIAN_EUSAGE;
        }
        if (id == CLI_ARGS_ARG) {
            int max = spec == &cmd_submit_spec || spec == &cmd_change_spec ? 2 : 1;
            if (a->nargs >= max) {
                int year = spec == &cmd_review_spec && strlen(args.value) == 4 &&
                           strspn(args.value, "0123456789") == 4;
                cli_error(BEIAN_EUSAGE, "%s: one argument too many (\"%s\")%s%s", spec->name,
                          args.value, year ? "; the year is given as --year " : "",
                          year ? args.value : "");
                return cli_usage(spec);
            }
            a->args[a->nargs++] = args.value;
        } else if (filing_option(spec->name, id, &args, a) != BEIAN_OK) {
            return cli_usage(spec);
        }
    }
    return BEIAN_OK;
}

static int need_date(const cli_spec *spec, const filing_args *a, const char *what)
{
    const char *command = spec->name;
    if (a->common.date[0]) {
        return BEIAN_OK;
    }
    cli_error(BEIAN_EUSAGE,
              "%s: give the date of the %s with --date YYYY-MM-DD (or --date today); beian "
              "never takes it from the clock unasked",
              command, what);
    return cli_usage(spec);
}

static int need_record_no(const cli_spec *spec, const char *s)
{
    const char *command = spec->name;
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
    return cli_usage(spec);
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
        cli_report(ctx, rc, pr);
        if (rc == BEIAN_EDATA && n > 1) {
            cli_error(rc, "%s: %zu problems", path, n);
        }
    }
    beian_problems_free(pr);
    return rc;
}

static int submit_or_change(beian_ctx *ctx, int argc, char **argv, int change)
{
    const cli_spec *spec = change ? &cmd_change_spec : &cmd_submit_spec;
    const char *command = spec->name;
    filing_args a;
    beian_record *rec = NULL;
    int rc = parse_filing(spec, argc, argv, &a);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (!change && sheet_args_name_sheet(a.args, a.nargs)) {
        sheet_submit s = {&a.common, a.out,       a.opened_on[0] ? a.opened_on : NULL,
                          a.date_confirmed, a.args, a.nargs, &a.sheet};
        return sheet_submit_run(ctx, &s);
    }
    if (a.sheet.given[0]) {
        cli_error(BEIAN_EUSAGE, "%s: %s is for a sheet (CSV or .xlsx), not a data file",
                  command, a.sheet.given);
        return cli_usage(spec);
    }
    if (a.nargs != (change ? 2 : 1)) {
        cli_error(BEIAN_EUSAGE, "%s: expected %s", command,
                  change ? "a record number and a data file" : "one data file");
        return cli_usage(spec);
    }
    if (change && need_record_no(spec, a.args[0]) != BEIAN_OK) {
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
        return cli_usage(spec);
    }
    rc = filing_event(ctx, &a, command, change ? a.args[0] : NULL, &ev, NULL);
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

/* Reads the scan once, judges it (beian_archive_intake) and files those same bytes (issue 13,
 * point 9: a file replaced between two reads got a picture filed that was never decoded). */
static int file_scan(beian_ctx *ctx, const filing_args *a, beian_event_kind kind,
                     const char *record_no, const char *scan_path)
{
    filing_scan s;
    int rc = filing_judge(ctx, a, kind, record_no, scan_path, 0, &s);
    if (rc == BEIAN_OK) {
        rc = filing_file(ctx, a, scan_path, &s, NULL, 0, NULL);
        beian_buf_release(&s.bytes);
    }
    return rc;
}

int cmd_approve(beian_ctx *ctx, int argc, char **argv)
{
    filing_args a;
    int rc = parse_filing(&cmd_approve_spec, argc, argv, &a);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (a.nargs > 1 || !a.scan) {
        if (!a.scan) {
            cli_error(BEIAN_EUSAGE, "approve: give the scan of the signed and sealed form with "
                                    "--scan FILE (or a folder of scans)");
        }
        return cli_usage(&cmd_approve_spec);
    }
    if (a.nargs == 1 && need_record_no(&cmd_approve_spec, a.args[0]) != BEIAN_OK) {
        return BEIAN_EUSAGE;
    }
    if (need_date(&cmd_approve_spec, &a, "approval") != BEIAN_OK) {
        return BEIAN_EUSAGE;
    }
    if (a.unverified && (a.nargs != 1 || !a.unverified[0])) {
        cli_error(BEIAN_EUSAGE, "approve: --unverified files one scan whose code cannot be read, "
                                "on your word: name its record and say why, e.g. beian approve "
                                "QUN-2026-0012 --scan FILE --unverified \"二维码破损\"");
        return cli_usage(&cmd_approve_spec);
    }
    struct stat st;
    if (stat(a.scan, &st) != 0) {
        return cli_error(BEIAN_ENOINPUT, "%s: cannot read the scan: %s", a.scan, strerror(errno));
    }
    if (S_ISDIR(st.st_mode)) {
        if (a.nargs == 1) {
            cli_error(BEIAN_EUSAGE, "approve: a folder of scans is filed by the tracking codes "
                                    "alone; leave out the record number");
            return cli_usage(&cmd_approve_spec);
        }
        return approve_folder(ctx, &a, a.scan);
    }
    return file_scan(ctx, &a, BEIAN_EVENT_APPROVED, a.nargs ? a.args[0] : NULL, a.scan);
}

/* ---- reject, review, dissolve ---- */

int cmd_reject(beian_ctx *ctx, int argc, char **argv)
{
    filing_args a;
    int rc = parse_filing(&cmd_reject_spec, argc, argv, &a);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (need_record_no(&cmd_reject_spec, a.nargs ? a.args[0] : NULL) != BEIAN_OK) {
        return BEIAN_EUSAGE;
    }
    if (!a.reason || !a.reason[0]) {
        cli_error(BEIAN_EUSAGE, "reject: say why it is returned with --reason TEXT (退回理由)");
        return cli_usage(&cmd_reject_spec);
    }
    if (need_date(&cmd_reject_spec, &a, "rejection") != BEIAN_OK) {
        return BEIAN_EUSAGE;
    }
    beian_event ev = BEIAN_EVENT_INIT;
    ev.kind = BEIAN_EVENT_REJECTED;
    ev.date = a.common.date;
    ev.reason = a.reason;
    return filing_event(ctx, &a, "reject", a.args[0], &ev, NULL);
}

int cmd_review(beian_ctx *ctx, int argc, char **argv)
{
    filing_args a;
    int rc = parse_filing(&cmd_review_spec, argc, argv, &a);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (need_record_no(&cmd_review_spec, a.nargs ? a.args[0] : NULL) != BEIAN_OK) {
        return BEIAN_EUSAGE;
    }
    if (!a.year) {
        cli_error(BEIAN_EUSAGE,
                  "review: say which year is reviewed with --year YYYY (年审年度)");
        return cli_usage(&cmd_review_spec);
    }
    if (need_date(&cmd_review_spec, &a, "review") != BEIAN_OK) {
        return BEIAN_EUSAGE;
    }
    beian_event ev = BEIAN_EVENT_INIT;
    ev.kind = BEIAN_EVENT_REVIEWED;
    ev.date = a.common.date;
    ev.year = a.year;
    ev.review_pass = a.pass;
    if (a.unverified && (!a.scan || !a.unverified[0])) {
        cli_error(BEIAN_EUSAGE, "review: --unverified REASON goes with --scan FILE, for a paper "
                                "whose tracking code cannot be read");
        return cli_usage(&cmd_review_spec);
    }
    if (a.scan) {
        return file_scan(ctx, &a, BEIAN_EVENT_REVIEWED, a.args[0], a.scan); /* the intake's */
    }
    return filing_event(ctx, &a, "review", a.args[0], &ev, NULL);
}

int cmd_dissolve(beian_ctx *ctx, int argc, char **argv)
{
    filing_args a;
    int rc = parse_filing(&cmd_dissolve_spec, argc, argv, &a);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (need_record_no(&cmd_dissolve_spec, a.nargs ? a.args[0] : NULL) != BEIAN_OK) {
        return BEIAN_EUSAGE;
    }
    if (need_date(&cmd_dissolve_spec, &a, "dissolution") != BEIAN_OK) {
        return BEIAN_EUSAGE;
    }
    beian_event ev = BEIAN_EVENT_INIT;
    ev.kind = BEIAN_EVENT_DISSOLVED;
    ev.date = a.common.date;
    ev.reason = a.reason;
    return filing_event(ctx, &a, "dissolve", a.args[0], &ev, NULL);
}
