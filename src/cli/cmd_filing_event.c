/*
 * cmd_filing_event.c - what the filing commands share (cmd_filing.c, cmd_approve_folder.c):
 * one event filed and reported, and a scan read once, judged (beian_archive_intake) and filed
 * with those same bytes (issue 13, point 9: a file replaced between two reads got a picture
 * filed that was never decoded).
 */
#define _GNU_SOURCE
#include "cmd_filing_event.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/scan.h"
#include "cli.h"
#include "file.h"

int filing_event(beian_ctx *ctx, const filing_args *a, const char *command,
                      const char *record_no, beian_event *ev, int *version)
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
    int rc = cli_archive_open(ctx, &a->common, command, ev->kind == BEIAN_EVENT_SUBMITTED, &ar);
    if (rc == BEIAN_OK) {
        rc = cli_archive_output_ok(ar, command, a->out);
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    ev->changed_on = a->changed_on[0] ? a->changed_on : NULL;
    ev->date_confirmed = a->date_confirmed;
    ev->closed_on = a->closed_on[0] ? a->closed_on : NULL;
    ev->opened_on = a->opened_on[0] ? a->opened_on : NULL;
    if (ev->record) {
        /* the checks before signing: printed, and kept in the bundle */
        rc = cli_archive_warnings(ar, ev->record, record_no, &warnings, &n_warnings);
        if (rc != BEIAN_OK) {
            cli_error(rc, "%s",
                      beian_ctx_message(ctx)[0] ? beian_ctx_message(ctx) : "out of memory");
            goto done;
        }
        ev->warnings = (const char *const *)warnings;
        ev->n_warnings = n_warnings;
    }
    rc = beian_archive_commit(ar, record_no, ev, &res, pr);
    if (rc != BEIAN_OK) {
        cli_report(ctx, rc, pr);
        cli_error(rc, "%s: nothing was filed", record_no ? record_no : command);
        goto done;
    }
    cli_print_problems(pr); /* warnings */
    if (version) {
        *version = res.version;
    }
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
        rc = cli_write_file(a->out, res.pdf, res.pdf_len);
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

int filing_judge(beian_ctx *ctx, const filing_args *a, beian_event_kind kind,
                 const char *record_no, const char *scan_path, int join, filing_scan *s)
{
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    int err = 0;
    beian_buf_init(&s->bytes);
    s->kind = kind;
    if (!pr) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    int rc = beian_file_read(scan_path, BEIAN_SCAN_MAX_BYTES, &s->bytes, &err);
    if (rc != BEIAN_OK) {
        rc = cli_error(rc, "%s: %s", scan_path,
                       rc == BEIAN_EDATA ? "the scan is larger than 64 MiB" : strerror(err));
        goto done;
    }
    /* a scan is filed for a record already there: a mistyped --archive is not made one */
    rc = cli_archive_open(ctx, &a->common, kind == BEIAN_EVENT_REVIEWED ? "review" : "approve",
                          0, &ar);
    if (rc != BEIAN_OK) {
        goto done;
    }
    beian_intake_options io = {kind, record_no, a->unverified, join};
    rc = beian_archive_intake(ar, scan_path, s->bytes.data, s->bytes.len, &io, &s->in, pr);
    beian_archive_free(ar);
    if (rc != BEIAN_OK) {
        cli_report(ctx, rc, pr);
        cli_error(rc, "%s: nothing was filed", scan_path);
    }
done:
    if (rc != BEIAN_OK) {
        beian_buf_release(&s->bytes);
    }
    beian_problems_free(pr);
    return rc;
}

int filing_file(beian_ctx *ctx, const filing_args *a, const char *scan_path,
                const filing_scan *s, const beian_scan_part *more, size_t n_more, int *version)
{
    const char *command = s->kind == BEIAN_EVENT_REVIEWED ? "review" : "approve";
    beian_event ev = BEIAN_EVENT_INIT;
    ev.kind = s->kind;
    ev.date = a->common.date;
    ev.year = a->year;
    ev.review_pass = a->pass;
    if (s->in.check == BEIAN_INTAKE_CODE && a->unverified) {
        cli_note("%s: its tracking code was read; --unverified is not needed and not recorded",
                 scan_path);
    }
    ev.scan = s->bytes.data;
    ev.scan_len = s->bytes.len;
    ev.scan_name = scan_path;
    ev.scan_code = s->in.check == BEIAN_INTAKE_UNVERIFIED ? NULL : &s->in.code;
    ev.unverified = s->in.check == BEIAN_INTAKE_UNVERIFIED ? a->unverified : NULL;
    ev.scan_more = more;
    ev.n_scan_more = n_more;
    int rc = filing_event(ctx, a, command, s->in.record_no, &ev, version);
    if (rc == BEIAN_OK && s->in.check == BEIAN_INTAKE_DRAFT) {
        cli_note("%s: the paper is the draft printed before filing (`beian fill`); its data are "
                 "those of the version in force, so it was filed as the signed form",
                 scan_path);
    }
    if (rc == BEIAN_OK && s->in.check == BEIAN_INTAKE_UNVERIFIED) {
        /* never silenced by --quiet: the archive now holds a paper nothing matched to it */
        cli_error(BEIAN_OK,
                  "%s: warning: filed under %s UNVERIFIED (未经校验): no tracking code was read, "
                  "so nothing shows this is its form; reason given: %s",
                  scan_path, s->in.record_no, a->unverified);
    }
    return rc;
}

