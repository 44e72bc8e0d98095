/*
 * cli.c - how the command line prints problems, errors and notes (cli.h). The bottom of
 * src/cli: every other file of the command line calls it, it calls none of them.
 */
#include "cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "file.h"

int cli_quiet = 0;

void cli_print_problems(const beian_problems *p)
{
    static const char *const sev[] = {"error", "warning", "note"};
    for (size_t i = 0; i < beian_problems_count(p); i++) {
        const beian_problem *x = beian_problems_get(p, i);
        if (cli_quiet && x->severity == BEIAN_SEV_NOTE) {
            continue; /* --quiet silences notes, never warnings or errors */
        }
        fputs("beian: ", stderr);
        if (x->file) {
            fputs(x->file, stderr);
            if (x->line > 0) {
                fprintf(stderr, ":%d", x->line);
                if (x->column > 0) {
                    fprintf(stderr, ":%d", x->column);
                }
            }
            fputs(": ", stderr);
        }
        fprintf(stderr, "%s: ", sev[x->severity]);
        if (x->field && x->label) {
            fprintf(stderr, "%s (%s): ", x->field, x->label);
        } else if (x->field) {
            fprintf(stderr, "%s: ", x->field);
        }
        fprintf(stderr, "%s\n", x->message);
    }
}

static void say(const char *fmt, va_list ap)
{
    fputs("beian: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_error(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
    return status;
}

void cli_note(const char *fmt, ...)
{
    if (cli_quiet) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
}

void cli_note_always(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    say(fmt, ap);
    va_end(ap);
}

int cli_report(beian_ctx *ctx, int rc, const beian_problems *pr)
{
    if (pr) {
        cli_print_problems(pr);
    }
    if ((!pr || beian_problems_errors(pr) == 0) && rc != BEIAN_OK) {
        /* the library names every data, configuration and I/O failure; an internal failure
         * without a message is an allocation that failed */
        const char *m = beian_ctx_message(ctx);
        cli_error(rc, "%s",
                  m[0]                    ? m
                  : rc == BEIAN_EINTERNAL ? "out of memory"
                                          : "failed (no details)");
    }
    return rc;
}

int cli_write_file(const char *path, const void *data, size_t len)
{
    int err = 0;
    int rc = beian_file_write_atomic(path, data, len, &err);
    if (rc != BEIAN_OK) {
        return cli_error(rc, "%s: cannot write: %s", path, err ? strerror(err) : "I/O error");
    }
    return BEIAN_OK;
}
