/*
 * cli.h - what every file of the command line shares: how problems, errors and notes are
 * printed. Only src/cli/ prints and chooses exit codes; every line it writes to stderr starts
 * with "beian: " (a usage block starts with "usage: ").
 */
#ifndef BEIAN_CLI_H
#define BEIAN_CLI_H

#include <stddef.h>

#include "beian/common.h"

/* --quiet: notes are not printed (errors and warnings always are). */
extern int cli_quiet;

/* Prints every problem to stderr as `beian: FILE:LINE: error: field (label): what`. */
void cli_print_problems(const beian_problems *p);
/* Prints a message prefixed with "beian: " to stderr; returns status. */
int cli_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a note to stderr unless --quiet. */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A note that --quiet does not silence (what a command must say whatever the flags). */
void cli_note_always(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * Prints the problems and, when none of them is an error but rc is not BEIAN_OK, the
 * context's message (or "out of memory" for an internal failure without one, else "failed
 * (no details)"); returns rc.
 */
int cli_report(beian_ctx *ctx, int rc, const beian_problems *pr);
/* Writes a whole file atomically (beian_file_write_atomic), or says why not
 * (`PATH: cannot write: why`); returns the status. */
int cli_write_file(const char *path, const void *data, size_t len);

#endif
