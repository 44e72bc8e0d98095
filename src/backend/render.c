/*
 * render.c - runs the pipeline stages in order: validate (when given a record), layout, PDF.
 * Nothing is produced unless every stage succeeds.
 */
#include "beian/render.h"

#include <stdlib.h>

#include "beian/pdf.h"

int beian_render(beian_ctx *ctx, const beian_form *form, const beian_record *rec,
                 const beian_layout_options *opts, beian_dlist **dl, unsigned char **pdf,
                 size_t *len, beian_problems *problems)
{
    beian_dlist *list = NULL;
    *pdf = NULL;
    *len = 0;
    if (dl) {
        *dl = NULL;
    }
    int rc = beian_layout_form(ctx, form, rec, opts, &list, problems);
    if (rc == BEIAN_OK && pdf) {
        rc = beian_pdf_render(ctx, list, pdf, len);
    }
    if (rc == BEIAN_OK && dl) {
        *dl = list;
        list = NULL;
    }
    beian_dlist_free(list);
    return rc;
}
