/*
 * cli.h - what the command-line files share: the command table entry, problem printing,
 * and helpers. Only src/cli/ prints and chooses exit codes.
 */
#ifndef BEIAN_CLI_H
#define BEIAN_CLI_H

#include <stddef.h>

#include "beian/common.h"

typedef struct {
    const char *name;
    int (*run)(beian_ctx *ctx, int argc, char **argv);
    const char *summary;
    const char *usage; /* full help text: usage, options, an example */
} cli_command;

extern int cli_quiet;

/* Prints every problem to stderr as `beian: FILE:LINE: error: field (label): what`. */
void cli_print_problems(const beian_problems *p);
/* Prints a message prefixed with "beian: " to stderr; returns status. */
int cli_error(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a note to stderr unless --quiet. */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the command's usage to stderr and returns BEIAN_EUSAGE. */
int cli_usage(const char *command);
/* Prints the command's help to stdout and returns 0. */
int cli_help(const char *command);
/* 1 when argv[i] is -h or --help. */
int cli_wants_help(int argc, char **argv);

int cmd_forms(beian_ctx *ctx, int argc, char **argv);
int cmd_check(beian_ctx *ctx, int argc, char **argv);
int cmd_fill(beian_ctx *ctx, int argc, char **argv);

#endif
