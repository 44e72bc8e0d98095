/* cmd_archive.h - the archive commands of the command line (declarations for the command table). */
#ifndef BEIAN_CMD_ARCHIVE_H
#define BEIAN_CMD_ARCHIVE_H

#include "beian/archive.h"
#include "beian/common.h"
#include "beian/record.h"
#include "beian/verify.h"

/* cmd_archive.c: filing */
int cmd_submit(beian_ctx *ctx, int argc, char **argv);
int cmd_approve(beian_ctx *ctx, int argc, char **argv);
int cmd_reject(beian_ctx *ctx, int argc, char **argv);
int cmd_change(beian_ctx *ctx, int argc, char **argv);
int cmd_review(beian_ctx *ctx, int argc, char **argv);
int cmd_dissolve(beian_ctx *ctx, int argc, char **argv);
/* cmd_reprint.c: reading */
int cmd_log(beian_ctx *ctx, int argc, char **argv);
int cmd_reprint(beian_ctx *ctx, int argc, char **argv);
/* cmd_register.c, cmd_due.c: the register (台账) and the regulation's deadlines */
int cmd_register(beian_ctx *ctx, int argc, char **argv);
int cmd_due(beian_ctx *ctx, int argc, char **argv);
/* cmd_verify.c: checking and repairing */
int cmd_verify(beian_ctx *ctx, int argc, char **argv);
int cmd_fsck(beian_ctx *ctx, int argc, char **argv);
int cmd_anchor(beian_ctx *ctx, int argc, char **argv);

/* Helpers the archive commands share (cmd_archive.c). */

/* The options every archive command takes. */
typedef struct {
    const char *archive; /* --archive DIR */
    int wait;            /* --wait SECONDS */
    char date[11];       /* --date, "" when not given */
} archive_cli_common;

/*
 * Handles --archive, --wait and --date (with "today", the one explicit use of the clock) at
 * argv[*i]; returns 1 when it took the option (advancing *i), 0 when it is not one of them,
 * and -1 after printing a usage error.
 */
int archive_cli_common_option(const char *command, int argc, char **argv, int *i,
                              archive_cli_common *c);
/* Opens the archive (creating it for writers) with the crash hook of BEIAN_CRASH_AT. */
int archive_cli_open(beian_ctx *ctx, const archive_cli_common *c, const char *command, int create,
                     beian_archive **ar);
/* Prints the problems and, when none is an error, the context's message; returns rc. */
int archive_cli_report(beian_ctx *ctx, int rc, beian_problems *pr);
/*
 * The checks before signing (beian_rules_check) of rec against the archive ar (may be NULL):
 * prints them as warnings and gives them as "field (label): message" strings (*out: the
 * caller frees each and the array). self is the record's own number, or NULL.
 */
int archive_cli_warnings(beian_archive *ar, const beian_record *rec, const char *self,
                         char ***out, size_t *n_out);
/* Prints findings as `beian: PATH: error: CODE: message`. */
void archive_cli_print_findings(const beian_findings *f);

#endif
