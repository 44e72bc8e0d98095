/*
 * cli_man.h - the whole command line described once (the command table, the global options,
 * the exit codes, the environment), and the two texts made from it: `beian --help` and the
 * man page man/beian.1 (cli_man.c).
 */
#ifndef BEIAN_CLI_MAN_H
#define BEIAN_CLI_MAN_H

#include <stddef.h>
#include <stdio.h>

#include "beian/common.h"
#include "cli_opts.h"

/* A row of the command table: the command's words and its function. */
typedef struct {
    const cli_spec *spec;
    int (*run)(beian_ctx *ctx, int argc, char **argv);
} cli_command;

typedef struct {
    int code;
    const char *meaning; /* "bad data" */
} cli_exit_code;

typedef struct {
    const char *name;    /* "BEIAN_ARCHIVE" */
    const char *meaning; /* one paragraph */
} cli_env_var;

typedef struct {
    const cli_spec *program; /* beian itself: summary, usage, description, global options */
    const cli_command *commands;
    size_t ncommands;
    const cli_exit_code *exit_codes;
    size_t nexit_codes;
    const cli_env_var *environment;
    size_t nenvironment;
} cli_manual;

/* `beian --help`: the usage, the commands with their summaries, the exit codes and the
 * environment, on stdout. */
void cli_man_print_overview(const cli_manual *m, const char *version, FILE *out);
/* The man page (roff, man(7) macros): every command with its options, the exit codes and
 * the environment. */
void cli_man_print_roff(const cli_manual *m, FILE *out);

#endif
