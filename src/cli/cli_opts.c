/*
 * cli_opts.c - the option parser, the help and the usage, all read from a command's cli_spec
 * (cli_opts.h). The parser is a small getopt_long that walks the command's own table: it
 * knows every option's name and whether it takes a value, so that the messages can say which
 * option is unknown or lacks its value, and it never permutes argv. The one thing it rewrites
 * is a record number typed loosely (xmt-2026-1 is XMT-2026-0001, for every command).
 */
#include "cli_opts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "beian/archive.h"

#include "cli.h"
#include "cli_table.h"

/* Help lines fit an 80-column terminal with a column to spare (a terminal that wraps at the
 * 80th column would otherwise leave an empty line after a full one). */
enum { HELP_WIDTH = 79, OPTION_COLUMN_MAX = 26 };

void cli_args_init(cli_args *a, const cli_spec *spec, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->spec = spec;
    a->argc = argc;
    a->argv = argv;
    a->next = 1;
}

static const cli_option *find_long(const cli_spec *spec, const char *name, size_t len)
{
    for (const cli_option *o = spec->options; o && o->id; o++) {
        if (o->long_name && strlen(o->long_name) == len && strncmp(o->long_name, name, len) == 0) {
            return o;
        }
    }
    return NULL;
}

static const cli_option *find_short(const cli_spec *spec, char c)
{
    for (const cli_option *o = spec->options; o && o->id; o++) {
        if (o->short_name && o->short_name == c) {
            return o;
        }
    }
    return NULL;
}

enum { BAD_UNKNOWN, BAD_NO_VALUE, BAD_FLAG_VALUE };

/* A usage error: the message (unless silent) and the usage. */
static int bad(cli_args *a, int kind)
{
    if (a->silent) {
        return CLI_ARGS_BAD;
    }
    if (kind == BAD_UNKNOWN) {
        cli_error(BEIAN_EUSAGE, "%s: unknown option %s", a->spec->name, a->option);
    } else {
        cli_error(BEIAN_EUSAGE, "%s: %s %s", a->spec->name, a->option,
                  kind == BAD_NO_VALUE ? "needs a value" : "takes no value");
    }
    cli_usage(a->spec);
    return CLI_ARGS_BAD;
}

/* The short option at p (p[0] is its letter; what follows is its value or more flags). */
static int short_option(cli_args *a, const char *p)
{
    const cli_option *o = find_short(a->spec, p[0]);
    snprintf(a->option_text, sizeof a->option_text, "-%c", p[0]);
    a->option = a->option_text;
    a->shorts = NULL;
    a->value = NULL;
    if (!o) {
        return bad(a, BAD_UNKNOWN);
    }
    if (!o->arg) {
        a->shorts = p[1] ? p + 1 : NULL;
        return o->id;
    }
    if (p[1]) {
        a->value = p + 1;
    } else if (a->next < a->argc) {
        a->value = a->argv[a->next++];
    } else {
        return bad(a, BAD_NO_VALUE);
    }
    return o->id;
}

static int long_option(cli_args *a, const char *s)
{
    const char *name = s + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const cli_option *o = find_long(a->spec, name, len);
    /* the option without its "=value", for messages */
    snprintf(a->option_text, sizeof a->option_text, "--%.*s", (int)len, name);
    a->option = a->option_text;
    a->value = NULL;
    if (!o) {
        return bad(a, BAD_UNKNOWN);
    }
    if (!o->arg) {
        return eq ? bad(a, BAD_FLAG_VALUE) : o->id;
    }
    if (eq) {
        a->value = eq + 1;
    } else if (a->next < a->argc) {
        a->value = a->argv[a->next++];
    } else {
        return bad(a, BAD_NO_VALUE);
    }
    return o->id;
}

/* An argument that is a record number typed loosely (lower case, without the leading zeros:
 * xmt-2026-1, qun-2026-12@v2) as the archive writes it (XMT-2026-0001), or s itself. A file of
 * that name is left alone. The copies live in a small pool for the process's life: the
 * commands keep pointers to their arguments. */
static const char *record_arg(const char *s)
{
    static char pool[16][BEIAN_RECORD_NO_SIZE + 16];
    static size_t used;
    char no[BEIAN_RECORD_NO_SIZE], head[BEIAN_RECORD_NO_SIZE];
    size_t len = strcspn(s, "@");
    if (len >= sizeof head || used == sizeof pool / sizeof pool[0]) {
        return s;
    }
    memcpy(head, s, len);
    head[len] = '\0';
    if (!beian_record_no_normalise(head, no) || strcmp(no, head) == 0 || access(s, F_OK) == 0 ||
        strlen(s + len) >= 16) {
        return s;
    }
    snprintf(pool[used], sizeof pool[used], "%s%s", no, s + len);
    return pool[used++];
}

int cli_args_next(cli_args *a)
{
    for (;;) {
        int id;
        if (a->shorts) {
            id = short_option(a, a->shorts);
        } else if (a->next >= a->argc) {
            return CLI_ARGS_END;
        } else {
            const char *s = a->argv[a->next];
            if (a->only_args || s[0] != '-' || strcmp(s, "-") == 0) {
                if (a->stop_at_arg) {
                    return CLI_ARGS_END;
                }
                a->next++;
                a->value = record_arg(s);
                a->option = NULL;
                return CLI_ARGS_ARG;
            }
            a->next++;
            if (strcmp(s, "--") == 0) {
                a->only_args = 1;
                continue;
            }
            id = s[1] == '-' ? long_option(a, s) : short_option(a, s + 1);
        }
        if (id != CLI_OPT_QUIET) {
            return id;
        }
        cli_quiet = 1;
    }
}

/* Prints the usage lines: "usage: beian ..." then "       beian ..." */
static void print_usage_lines(const cli_spec *spec, FILE *out)
{
    const char *u = spec->usage ? spec->usage : "";
    for (int first = 1; *u; first = 0) {
        size_t n = strcspn(u, "\n");
        fprintf(out, "%s%.*s\n", first ? "usage: " : "       ", (int)n, u);
        u += n + (u[n] == '\n');
    }
}

int cli_usage(const cli_spec *spec)
{
    print_usage_lines(spec, stderr);
    fprintf(stderr, "(see: beian help %s)\n", spec->name);
    return BEIAN_EUSAGE;
}

void cli_fill_print(FILE *out, const char *text, size_t len, size_t indent, size_t first_used,
                    size_t width)
{
    size_t col = first_used;
    int line_empty = 1;
    for (size_t i = 0; i < len;) {
        while (i < len && (text[i] == ' ' || text[i] == '\n')) {
            i++;
        }
        size_t start = i;
        while (i < len && text[i] != ' ' && text[i] != '\n') {
            i++;
        }
        if (i == start) {
            break;
        }
        size_t w = cli_text_columns_n(text + start, i - start);
        if (!line_empty && col + 1 + w > width) {
            fprintf(out, "\n%*s", (int)indent, "");
            col = indent;
            line_empty = 1;
        }
        if (!line_empty) {
            fputc(' ', out);
            col++;
        }
        fwrite(text + start, 1, i - start, out);
        col += w;
        line_empty = 0;
    }
    fputc('\n', out);
}

/* "  -o, --output OUT.pdf": the option's names and value as the help shows them. */
static size_t option_names(const cli_option *o, char *buf, size_t size)
{
    char s[8] = "";
    if (o->short_name) {
        snprintf(s, sizeof s, "-%c%s", o->short_name, o->long_name ? ", " : "");
    }
    snprintf(buf, size, "  %s%s%s%s%s", s, o->long_name ? "--" : "",
             o->long_name ? o->long_name : "", o->arg ? " " : "", o->arg ? o->arg : "");
    return cli_text_columns(buf);
}

static void print_options(const cli_option *opts, FILE *out)
{
    char names[128];
    size_t column = 0;
    for (const cli_option *o = opts; o->id; o++) {
        size_t w = option_names(o, names, sizeof names) + 2;
        if (w <= OPTION_COLUMN_MAX && w > column) {
            column = w;
        }
    }
    fputs("\noptions:\n", out);
    for (const cli_option *o = opts; o->id; o++) {
        size_t w = option_names(o, names, sizeof names);
        fputs(names, out);
        if (w + 2 > column) {
            fprintf(out, "\n%*s", (int)column, "");
        } else {
            fprintf(out, "%*s", (int)(column - w), "");
        }
        cli_fill_print(out, o->help, strlen(o->help), column, column, HELP_WIDTH);
    }
}

/* The description: filled paragraphs, and lists (lines that start with two spaces) as they
 * are written. */
static void print_description(const char *d, FILE *out)
{
    while (*d) {
        const char *end = strstr(d, "\n\n");
        size_t len = end ? (size_t)(end - d) : strlen(d);
        fputc('\n', out);
        if (d[0] == ' ' && d[1] == ' ') {
            fprintf(out, "%.*s\n", (int)len, d);
        } else {
            cli_fill_print(out, d, len, 0, 0, HELP_WIDTH);
        }
        d += len;
        while (*d == '\n') {
            d++;
        }
    }
}

void cli_help_print(const cli_spec *spec, FILE *out)
{
    print_usage_lines(spec, out);
    if (spec->description) {
        print_description(spec->description, out);
    }
    if (spec->options && spec->options[0].id) {
        print_options(spec->options, out);
    }
    if (spec->example) {
        /* the example's continuation lines are indented as the example is */
        fputs("\nexample:\n", out);
        for (const char *e = spec->example; *e;) {
            size_t n = strcspn(e, "\n");
            fprintf(out, "  %.*s\n", (int)n, e);
            e += n + (e[n] == '\n');
        }
    }
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            return 1;
        }
        if (strcmp(argv[i], "--") == 0) {
            break;
        }
    }
    return 0;
}

int cli_option_dpi(const char *value, double *dpi)
{
    char *end;
    double d = strtod(value, &end);
    if (*end || end == value || d < 30 || d > 1200) {
        return cli_error(BEIAN_EUSAGE, "--dpi takes a resolution from 30 to 1200, not \"%s\"",
                         value);
    }
    *dpi = d;
    return BEIAN_OK;
}
