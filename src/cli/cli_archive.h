/*
 * cli_archive.h - what the commands that read or file into the archive share (cli_archive.c):
 * the options --archive, --wait and --date, opening the archive with the crash hook of the
 * tests, the checks before signing, and printing verify's findings.
 */
#ifndef BEIAN_CLI_ARCHIVE_H
#define BEIAN_CLI_ARCHIVE_H

#include <stddef.h>

#include "beian/archive.h"
#include "beian/common.h"
#include "beian/date.h"
#include "beian/record.h"
#include "beian/verify.h"
#include "cli_opts.h"

/* The ids of the shared options in the commands' option tables (cli_archive_option). */
enum { CLI_ARCHIVE_OPT_DIR = 9000, CLI_ARCHIVE_OPT_WAIT, CLI_ARCHIVE_OPT_DATE };

#define CLI_ARCHIVE_OPTION_DIR                                                                     \
    {CLI_ARCHIVE_OPT_DIR, 0, "archive", "DIR",                                                    \
     "the archive (default: $BEIAN_ARCHIVE, else ./archive)"}
#define CLI_ARCHIVE_OPTION_WAIT                                                                    \
    {CLI_ARCHIVE_OPT_WAIT, 0, "wait", "SECONDS",                                                  \
     "how long to wait when another beian is filing (default 30; then exit 75 naming it)"}
#define CLI_ARCHIVE_OPTION_DATE(help) {CLI_ARCHIVE_OPT_DATE, 0, "date", "DATE", help}

/* The options every archive command takes. */
typedef struct {
    const char *archive; /* --archive DIR */
    int wait;            /* --wait SECONDS */
    char date[11];       /* --date, "" when not given */
} cli_archive_common;

/* No --archive (the default archive), --wait 30, no --date. */
void cli_archive_common_init(cli_archive_common *c);
/*
 * Takes the value of a shared option (id CLI_ARCHIVE_OPT_*): --date as YYYY-MM-DD or "today"
 * (the one explicit use of the clock). Returns BEIAN_OK, or BEIAN_EUSAGE after printing why.
 */
int cli_archive_option(const char *command, int id, const char *value, cli_archive_common *c);
/* Today's date from the clock as YYYY-MM-DD; 0 when the clock cannot say. */
int cli_archive_today(char out[11]);
/* A date option's value: "today" (the clock, asked for), or a date in any spelling a data file
 * accepts, normalised to YYYY-MM-DD into out. BEIAN_OK, or BEIAN_EUSAGE after one line saying
 * what is wrong and what would be right. */
int cli_date_value(const char *command, const char *option, const char *value,
                   char out[BEIAN_DATE_SIZE]);
/* Opens the archive (creating it for writers) with the crash hook of BEIAN_CRASH_AT. */
int cli_archive_open(beian_ctx *ctx, const cli_archive_common *c, const char *command,
                     int create, beian_archive **ar);
/*
 * The checks before signing (beian_rules_check) of rec against the archive ar (may be NULL):
 * prints them as warnings and gives them as "field (label): message" strings (*out: the
 * caller frees each and the array). self is the record's own number, or NULL.
 */
int cli_archive_warnings(beian_archive *ar, const beian_record *rec, const char *self,
                         char ***out, size_t *n_out);
/* The same without printing: each warning is appended to keep, at line (a sheet's row, so
 * that the warnings of many rows can be said once with their rows). */
int cli_archive_warnings_keep(beian_archive *ar, const beian_record *rec, const char *self,
                              char ***out, size_t *n_out, beian_problems *keep, int line);
/*
 * Refuses an output file (-o) that would land inside the archive ar (after links: the
 * archive's files are written only by the archive's own steps). Returns BEIAN_OK, or
 * BEIAN_ECREATE (exit 73) after printing why. Call before anything is filed or written.
 */
int cli_archive_output_ok(const beian_archive *ar, const char *command, const char *out);
/* Prints findings as `beian: PATH: error: CODE: message`. */
void cli_archive_print_findings(const beian_findings *f);

#endif
