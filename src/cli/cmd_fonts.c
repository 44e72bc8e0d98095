/*
 * cmd_fonts.c - `beian fonts [DATA.json]`: which font file serves each role (title, body, the
 * Latin face and its scale) and each role's fallback chain; with a data file, which of its
 * characters each face prints (beian_fonts_describe does the work).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd_fonts.h"

#include "beian/font.h"
#include "beian/record.h"
#include "cli.h"
#include "util.h"

static const cli_option options[] = {CLI_OPTIONS_END};

const cli_spec cmd_fonts_spec = {
    .name = "fonts",
    .summary = "which font file serves each role; which face prints a data file's characters",
    .usage = "beian fonts [DATA.json]",
    .description = "Lists the file that prints the title, the table (body) and the Latin letters "
                   "and digits, and the fallback chain of each role in the order faces are "
                   "asked for a character (fonts/fonts.json; a licensed face dropped into "
                   "fonts/ comes first). With a data file, says which of its values' "
                   "characters each face prints.",
    .options = options,
    .example = "beian fonts examples/workgroup-filing.json",
};

/* Every value of the record, one after another (the date too): the text the body prints. */
static char *record_text(const beian_record *rec)
{
    beian_buf b;
    beian_buf_init(&b);
    for (size_t i = 0; i < rec->form->nfields; i++) {
        if (rec->values[i]) {
            beian_buf_appendf(&b, "%s\n", rec->values[i]);
        }
    }
    if (beian_buf_terminate(&b) != BEIAN_OK) {
        beian_buf_release(&b);
        return NULL;
    }
    return (char *)b.data;
}

int cmd_fonts(beian_ctx *ctx, int argc, char **argv)
{
    cli_args a;
    const char *path = NULL;
    int c;
    cli_args_init(&a, &cmd_fonts_spec, argc, argv);
    while ((c = cli_args_next(&a)) != CLI_ARGS_END) {
        if (c != CLI_ARGS_ARG || path) {
            return c == CLI_ARGS_BAD ? BEIAN_EUSAGE : cli_usage(&cmd_fonts_spec);
        }
        path = a.value;
    }
    beian_fonts *fonts = NULL;
    beian_record *rec = NULL;
    beian_problems *pr = beian_problems_new();
    char *text = NULL, *out = NULL;
    int rc = pr ? beian_ctx_fonts(ctx, &fonts) : BEIAN_EINTERNAL;
    if (rc == BEIAN_OK && path) {
        rc = beian_record_read_file(ctx, path, &rec, pr);
        if (rc == BEIAN_OK && !(text = record_text(rec))) {
            rc = BEIAN_EINTERNAL;
        }
    }
    if (rc == BEIAN_OK && !(out = beian_fonts_describe(fonts, BEIAN_ROLE_BODY, text))) {
        rc = BEIAN_EINTERNAL;
    }
    if (rc == BEIAN_OK) {
        fputs(out, stdout);
    } else {
        rc = cli_report(ctx, rc, pr);
    }
    free(out);
    free(text);
    beian_record_free(rec);
    beian_problems_free(pr);
    return rc;
}
