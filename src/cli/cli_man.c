/*
 * cli_man.c - `beian --help` and the man page, both made from the command table and each
 * command's cli_spec (cli_man.h), so that the usage, the help and man/beian.1 never disagree.
 * The man page uses the man(7) macros only (TH, SH, SS, PP, TP, RS/RE, nf/fi), which every
 * man implementation renders.
 */
#include "cli_man.h"

#include <string.h>

#include "cli_table.h"

enum { HELP_WIDTH = 79, SUMMARY_COLUMN = 11 };

void cli_man_print_overview(const cli_manual *m, const char *version, FILE *out)
{
    const cli_spec *p = m->program;
    fprintf(out, "beian %s - %s\n\n", version, p->summary);
    fprintf(out, "usage: %s\n\ncommands:\n", p->usage);
    for (size_t i = 0; i < m->ncommands; i++) {
        const cli_spec *c = m->commands[i].spec;
        fprintf(out, "  %-*s", SUMMARY_COLUMN - 2, c->name);
        cli_fill_print(out, c->summary, strlen(c->summary), SUMMARY_COLUMN, SUMMARY_COLUMN,
                       HELP_WIDTH);
    }
    fputs("\n'beian help COMMAND' or 'beian COMMAND --help' tells more; 'beian help --man'\n"
          "prints the manual page.\n\n",
          out);
    /* "exit codes: 0 ok, 64 usage, ..., 78 bad form definition or configuration." */
    char line[1024];
    size_t used = (size_t)snprintf(line, sizeof line, "exit codes:");
    for (size_t i = 0; i < m->nexit_codes && used < sizeof line; i++) {
        used += (size_t)snprintf(line + used, sizeof line - used, " %d %s%s", m->exit_codes[i].code,
                                 m->exit_codes[i].meaning, i + 1 < m->nexit_codes ? "," : ".");
    }
    cli_fill_print(out, line, strlen(line), 0, 0, HELP_WIDTH);
    fputs("\nenvironment:\n", out);
    size_t w = 0;
    for (size_t i = 0; i < m->nenvironment; i++) {
        size_t n = strlen(m->environment[i].name) + 4;
        w = n > w ? n : w;
    }
    for (size_t i = 0; i < m->nenvironment; i++) {
        const cli_env_var *e = &m->environment[i];
        fprintf(out, "  %-*s", (int)(w - 2), e->name);
        cli_fill_print(out, e->meaning, strlen(e->meaning), w, w, HELP_WIDTH);
    }
}

/* ---- roff ---- */

/* Text with roff's special characters escaped: the backslash, and a dot or quote at the
 * start of a line (a request). code: hyphens as \- (options and commands are typed, and a
 * plain hyphen may render as a Unicode hyphen that cannot be copied into a shell). */
static void roff(FILE *out, const char *s, size_t len, int code, int at_line_start)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (at_line_start && (c == '.' || c == '\'')) {
            fputs("\\&", out);
        }
        if (c == '\\') {
            fputs("\\e", out);
        } else if (c == '-' && code) {
            fputs("\\-", out);
        } else {
            fputc(c, out);
        }
        at_line_start = c == '\n';
    }
}

static void roff_str(FILE *out, const char *s, int code)
{
    roff(out, s, strlen(s), code, 1);
}

/* Lines kept as they are (usage, lists, examples), indented. */
static void roff_verbatim(FILE *out, const char *s, size_t len)
{
    fputs(".RS 4\n.nf\n", out);
    roff(out, s, len, 1, 1);
    fputs("\n.fi\n.RE\n", out);
}

static void roff_description(FILE *out, const char *d)
{
    while (*d) {
        const char *end = strstr(d, "\n\n");
        size_t len = end ? (size_t)(end - d) : strlen(d);
        if (d[0] == ' ' && d[1] == ' ') {
            roff_verbatim(out, d, len);
        } else {
            fputs(".PP\n", out);
            roff(out, d, len, 0, 1);
            fputc('\n', out);
        }
        d += len;
        while (*d == '\n') {
            d++;
        }
    }
}

static void roff_options(FILE *out, const cli_option *opts)
{
    for (const cli_option *o = opts; o && o->id; o++) {
        fputs(".TP\n", out);
        if (o->short_name) {
            fprintf(out, "\\fB\\-%c\\fR%s", o->short_name, o->long_name ? ", " : "");
        }
        if (o->long_name) {
            fputs("\\fB\\-\\-", out);
            roff(out, o->long_name, strlen(o->long_name), 1, 0);
            fputs("\\fR", out);
        }
        if (o->arg) {
            fputs(" \\fI", out);
            roff(out, o->arg, strlen(o->arg), 1, 0);
            fputs("\\fR", out);
        }
        fputc('\n', out);
        roff_str(out, o->help, 0);
        fputc('\n', out);
    }
}

static void roff_command(FILE *out, const cli_spec *c)
{
    fputs(".SS ", out);
    roff_str(out, c->name, 1);
    fputs("\n", out);
    roff_str(out, c->summary, 0);
    fputs(".\n", out);
    if (c->usage) {
        fputs(".PP\n", out);
        roff_verbatim(out, c->usage, strlen(c->usage));
    }
    if (c->description) {
        roff_description(out, c->description);
    }
    if (c->options && c->options[0].id) {
        fputs(".PP\nOptions:\n.RS 4\n", out);
        roff_options(out, c->options);
        fputs(".RE\n", out);
    }
    if (c->example) {
        fputs(".PP\nExample:\n", out);
        roff_verbatim(out, c->example, strlen(c->example));
    }
}

void cli_man_print_roff(const cli_manual *m, FILE *out)
{
    const cli_spec *p = m->program;
    fputs(".\\\" man/beian.1: made by `beian help --man` from the option tables in src/cli/;\n"
          ".\\\" edit those and run `make man`, never this file.\n",
          out);
    fputs(".TH BEIAN 1 \"\" \"beian\" \"beian manual\"\n.SH NAME\nbeian \\- ", out);
    roff_str(out, p->summary, 0);
    fputs("\n.SH SYNOPSIS\n", out);
    roff_verbatim(out, p->usage, strlen(p->usage));
    fputs(".SH DESCRIPTION\n", out);
    roff_description(out, p->description);
    fputs(".SH OPTIONS\n", out);
    roff_options(out, p->options);
    fputs(".SH COMMANDS\n", out);
    for (size_t i = 0; i < m->ncommands; i++) {
        roff_command(out, m->commands[i].spec);
    }
    fputs(".SH EXIT STATUS\n", out);
    for (size_t i = 0; i < m->nexit_codes; i++) {
        fprintf(out, ".TP\n.B %d\n", m->exit_codes[i].code);
        roff_str(out, m->exit_codes[i].meaning, 0);
        fputc('\n', out);
    }
    fputs(".SH ENVIRONMENT\n", out);
    for (size_t i = 0; i < m->nenvironment; i++) {
        fputs(".TP\n.B ", out);
        roff_str(out, m->environment[i].name, 0);
        fputc('\n', out);
        roff_str(out, m->environment[i].meaning, 0);
        fputc('\n', out);
    }
    fputs(".SH SEE ALSO\nThe README and the docs/ folder of the beian sources.\n", out);
}
