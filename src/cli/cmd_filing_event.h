/* cmd_filing_event.h - what the filing commands share (cmd_filing_event.c): their parsed
 * arguments, one event filed and reported, a scan read once, judged and filed. */
#ifndef BEIAN_CMD_FILING_EVENT_H
#define BEIAN_CMD_FILING_EVENT_H

#include "beian/archive.h"
#include "cli_archive.h"
#include "cmd_submit_sheet.h"
#include "util.h"

/* The parsed arguments of a filing command (parse_filing in cmd_filing.c). */
struct filing_args {
    cli_archive_common common;
    const char *out;
    const char *scan;
    const char *reason;
    const char *unverified; /* --unverified REASON (approve, review) */
    int year;
    int pass;
    int date_confirmed;
    char changed_on[11], closed_on[11], opened_on[11]; /* "" when not given */
    const char *args[2];
    int nargs;
    sheet_options sheet; /* submit of a sheet */
};
typedef struct filing_args filing_args;

/* Files ev under record_no (NULL: a submission) and reports the result (*version, if not
 * NULL, gets the version filed); writes the printed form to a->out. */
int filing_event(beian_ctx *ctx, const filing_args *a, const char *command,
                 const char *record_no, beian_event *ev, int *version);

/* A scan read once and judged: its bytes, which are the bytes filed, and its intake. */
typedef struct {
    beian_event_kind kind;
    beian_buf bytes;
    beian_intake in;
} filing_scan;

/* Reads scan_path once and judges it (beian_archive_intake; join: a folder's file, see
 * beian_intake_options); a refusal is said. BEIAN_OK fills s (the caller releases s->bytes). */
int filing_judge(beian_ctx *ctx, const filing_args *a, beian_event_kind kind,
                 const char *record_no, const char *scan_path, int join, filing_scan *s);
/* Files the judged scan, with the n_more further files of its form (a folder's pages), and
 * reports it; *version (if not NULL) gets the version filed. */
int filing_file(beian_ctx *ctx, const filing_args *a, const char *scan_path,
                const filing_scan *s, const beian_scan_part *more, size_t n_more, int *version);

#endif
