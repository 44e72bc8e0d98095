/*
 * cmd_forms.c - `beian forms [ID]`: which forms there are, and one form's fields.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd_forms.h"

#include "util.h"
#include "beian/form.h"
#include "cli.h"

static const cli_option options[] = {CLI_OPTIONS_END};

const cli_spec cmd_forms_spec = {
    .name = "forms",
    .summary = "list the form definitions, or one form's fields",
    .usage = "beian forms [FORM-ID|附件N|TITLE]",
    .description = "Without an argument, lists the forms beian knows. With a form id (or the "
                   "form's attachment number, 附件4, or its title, 网络工作群备案登记表), lists "
                   "the form's fields: id, Chinese label, type, whether it is required, and "
                   "its length limit.",
    .options = options,
    .example = "beian forms workgroup-filing",
};

static int list_forms(beian_ctx *ctx)
{
    char **ids = NULL;
    size_t n = 0;
    int rc = beian_form_ids(ctx, &ids, &n);
    if (rc != BEIAN_OK) {
        return cli_error(rc, "%s", beian_ctx_message(ctx));
    }
    for (size_t i = 0; i < n; i++) {
        beian_problems *pr = beian_problems_new();
        beian_form *f = NULL;
        if (pr && beian_form_load(ctx, ids[i], &f, pr) == BEIAN_OK) {
            printf("%-24s %s %s\n", f->id, f->attachment, f->title[1]);
        } else {
            cli_print_problems(pr);
            rc = BEIAN_ECONFIG;
        }
        beian_form_free(f);
        beian_problems_free(pr);
    }
    beian_form_ids_free(ids, n);
    return rc;
}

/* s without spaces, full-width letters and digits made half-width (附件４ is 附件4); malloc'd. */
static char *folded(const char *s)
{
    size_t len = strlen(s), k = 0;
    char *out = malloc(len + 1);
    for (size_t i = 0; out && i < len;) {
        uint32_t cp;
        size_t n = beian_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (n == 0) {
            break;
        }
        i += n;
        cp = beian_utf8_halfwidth(cp);
        if (cp != ' ' && cp != 0x3000) {
            k += beian_utf8_encode(cp, out + k);
        }
    }
    if (out) {
        out[k] = '\0';
    }
    return out;
}

/* The form whose attachment number, title, or both name (附件4, 网络工作群备案登记表): the
 * one form that matches, or NULL. */
static beian_form *form_by_name(beian_ctx *ctx, const char *name)
{
    char **ids = NULL;
    size_t n = 0, hits = 0;
    beian_form *found = NULL;
    char *want = folded(name);
    if (!want || beian_form_ids(ctx, &ids, &n) != BEIAN_OK) {
        free(want);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        beian_problems *pr = beian_problems_new();
        beian_form *f = NULL;
        if (pr && beian_form_load(ctx, ids[i], &f, pr) == BEIAN_OK) {
            char *both = beian_asprintf("%s%s", f->attachment, f->title[1]);
            char *a = folded(f->attachment), *t = folded(f->title[1]), *b = both ? folded(both) : NULL;
            if ((a && strcmp(a, want) == 0) || (t && strcmp(t, want) == 0) ||
                (b && strcmp(b, want) == 0)) {
                hits++;
                beian_form_free(found);
                found = f;
                f = NULL;
            }
            free(both), free(a), free(t), free(b);
        }
        beian_form_free(f);
        beian_problems_free(pr);
    }
    beian_form_ids_free(ids, n);
    free(want);
    if (hits != 1) {
        beian_form_free(found);
        return NULL;
    }
    return found;
}

int cmd_forms(beian_ctx *ctx, int argc, char **argv)
{
    cli_args a;
    const char *id = NULL;
    int c;
    cli_args_init(&a, &cmd_forms_spec, argc, argv);
    while ((c = cli_args_next(&a)) != CLI_ARGS_END) {
        if (c != CLI_ARGS_ARG || id) {
            if (c == CLI_ARGS_ARG) {
                cli_error(BEIAN_EUSAGE, "forms: one form at a time, not also \"%s\"", a.value);
            }
            return c == CLI_ARGS_BAD ? BEIAN_EUSAGE : cli_usage(&cmd_forms_spec);
        }
        id = a.value;
    }
    if (!id) {
        return list_forms(ctx);
    }
    beian_problems *pr = beian_problems_new();
    beian_form *f = NULL;
    int rc = pr ? beian_form_load(ctx, id, &f, pr) : BEIAN_EINTERNAL;
    if (rc == BEIAN_EDATA && (f = form_by_name(ctx, id)) != NULL) {
        rc = BEIAN_OK;
    }
    if (rc == BEIAN_EDATA) {
        rc = cli_error(BEIAN_EUSAGE, "there is no form \"%s\" (see: beian forms)", id);
    } else if (rc != BEIAN_OK) {
        cli_print_problems(pr);
    } else {
        printf("%s: %s %s\n", f->id, f->attachment, f->title[1]);
        printf("%-16s %-16s %-13s %-9s %s\n", "field", "label", "type", "required", "max");
        for (size_t i = 0; i < f->nfields; i++) {
            const beian_field *fd = &f->fields[i];
            printf("%-16s %s\t%-13s %-9s %zu\n", fd->id, fd->label,
                   beian_field_type_name(fd->type), fd->required ? "yes" : "no", fd->max_chars);
        }
        for (size_t g = 0; g < f->n_one_of; g++) {
            printf("at least one of:");
            for (const int *k = f->one_of[g]; *k >= 0; k++) {
                printf(" %s", f->fields[*k].id);
            }
            printf("\n");
        }
    }
    beian_form_free(f);
    beian_problems_free(pr);
    return rc;
}
