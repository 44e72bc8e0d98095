/*
 * cli_opts.h - one source for the command line's words. Each command describes itself once,
 * in a cli_spec beside its code: its one-line summary, usage lines, description, option table
 * and example. From that one description come
 *   - the option parsing (cli_args_next walks the option table; no command matches option
 *     strings itself),
 *   - `beian CMD --help` and `beian help CMD` (cli_help_print, the same text),
 *   - the usage printed on a usage error (cli_usage),
 *   - the man page, man/beian.1 (cli_man.c, from the command table in main.c).
 */
#ifndef BEIAN_CLI_OPTS_H
#define BEIAN_CLI_OPTS_H

#include <stdio.h>

/*
 * One option. An option has a short name, a long name or both; it takes a value when arg is
 * not NULL. help is one paragraph (filled to the terminal's 80 columns by the help printer and
 * by roff for the man page). A table ends with an entry whose id is 0.
 */
typedef struct {
    int id;               /* what cli_args_next returns for it; > 0 */
    char short_name;      /* 'o' for -o, or 0 */
    const char *long_name; /* "output" for --output, or NULL */
    const char *arg;      /* the value's name in the help ("OUT.pdf"), NULL for a flag */
    const char *help;     /* what it does */
} cli_option;

/* The id of --quiet in every table that has it: cli_args_next handles it (cli_quiet = 1). */
#define CLI_OPT_QUIET 9999
#define CLI_OPTION_QUIET(help) {CLI_OPT_QUIET, 'q', "quiet", NULL, help}
#define CLI_OPTIONS_END {0, 0, NULL, NULL, NULL}

/*
 * A command's words. usage: one synopsis per line, each starting "beian NAME" (printed after
 * "usage: "). description: paragraphs separated by an empty line; a paragraph whose lines
 * start with two spaces is kept as it is written (a list), the others are filled. example: a
 * command line (continuation lines start with spaces). Every field but name may be NULL.
 */
typedef struct {
    const char *name;
    const char *summary; /* one line, for `beian --help` and the man page */
    const char *usage;
    const char *description;
    const cli_option *options;
    const char *example;
} cli_spec;

/* What cli_args_next returns besides an option's id. */
enum {
    CLI_ARGS_END = -1, /* every argument has been read */
    CLI_ARGS_BAD = -2, /* a usage error, already printed with the usage: exit BEIAN_EUSAGE */
    CLI_ARGS_ARG = 0   /* an argument that is not an option (in value) */
};

/* The state of a walk over argv (argv[0] is the command's name). */
typedef struct {
    const cli_spec *spec;
    int argc;
    char **argv;
    int next;           /* the argv index to read next */
    int only_args;      /* after "--" */
    int stop_at_arg;    /* stop (CLI_ARGS_END) at the first argument: the global options */
    int silent;         /* on a usage error, print nothing (the caller says it) */
    const char *value;  /* the option's value (NULL for a flag), or the argument */
    const char *option; /* the option as written, for messages: "--dpi", "-o" */
    const char *shorts; /* the rest of a group of short flags (-qn), or NULL */
    char option_text[64]; /* holds option: "-o", or a long option without its "=value" */
} cli_args;

void cli_args_init(cli_args *a, const cli_spec *spec, int argc, char **argv);
/*
 * The next option (its id; its value in a->value), argument (CLI_ARGS_ARG), the end
 * (CLI_ARGS_END) or a usage error (CLI_ARGS_BAD: an unknown option, a missing value, a value
 * given to a flag; the message and the usage have been printed). Accepts --name VALUE,
 * --name=VALUE, -o VALUE, -oVALUE and groups of short flags; "--" ends the options and "-"
 * is an argument. --quiet sets cli_quiet and is not returned.
 */
int cli_args_next(cli_args *a);

/* Prints the usage lines of spec and where to read more to stderr; returns BEIAN_EUSAGE. */
int cli_usage(const cli_spec *spec);
/* Prints the help of spec (usage, description, options, example) to out. */
void cli_help_print(const cli_spec *spec, FILE *out);
/* 1 when one of argv[1..] before "--" is -h or --help. */
int cli_wants_help(int argc, char **argv);

/* --dpi N: a preview resolution from 30 to 1200; BEIAN_EUSAGE after saying why not. */
int cli_option_dpi(const char *value, double *dpi);

/* Prints text filled to width columns, each line starting with indent spaces; the first
 * line starts after first_used columns already written (no indent then). */
void cli_fill_print(FILE *out, const char *text, size_t len, size_t indent, size_t first_used,
                    size_t width);

#endif
