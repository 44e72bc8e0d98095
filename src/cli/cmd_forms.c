/*
 * cmd_forms.c - `beian forms [ID]`: which forms there are, and one form's fields.
 */
#include <stdio.h>
#include <string.h>

#include "beian/form.h"
#include "cli.h"

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

int cmd_forms(beian_ctx *ctx, int argc, char **argv)
{
    if (argc == 1) {
        return list_forms(ctx);
    }
    if (argc != 2) {
        return cli_usage("forms");
    }
    beian_problems *pr = beian_problems_new();
    beian_form *f = NULL;
    int rc = pr ? beian_form_load(ctx, argv[1], &f, pr) : BEIAN_EINTERNAL;
    if (rc == BEIAN_EDATA) {
        rc = cli_error(BEIAN_EUSAGE, "there is no form \"%s\" (see: beian forms)", argv[1]);
    } else if (rc != BEIAN_OK) {
        cli_print_problems(pr);
    } else {
        printf("%s: %s %s\n", f->id, f->attachment, f->title[1]);
        printf("%-16s %-16s %-13s %-9s %s\n", "field", "label", "type", "required", "max");
        for (size_t i = 0; i < f->nfields; i++) {
            const beian_field *fd = &f->fields[i];
            int width = 16 + (int)(strlen(fd->label) - 0); /* labels are CJK: pad by bytes */
            (void)width;
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
