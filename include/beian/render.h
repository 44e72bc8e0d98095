/*
 * beian/render.h - the whole pipeline in one call: record -> layout -> PDF (and the display
 * list, for a PNG preview). What `fill`, `batch` and `submit` share.
 */
#ifndef BEIAN_RENDER_H
#define BEIAN_RENDER_H

#include <stddef.h>

#include "beian/common.h"
#include "beian/dlist.h"
#include "beian/form.h"
#include "beian/layout.h"
#include "beian/record.h"

/*
 * Lays out rec (NULL with opts->blank for an empty form) and renders it. On success *pdf
 * (malloc'd) holds the document and, when dl is not NULL, *dl the display list (caller
 * frees). On BEIAN_EDATA the problems say why; nothing is returned.
 */
int beian_render(beian_ctx *ctx, const beian_form *form, const beian_record *rec,
                 const beian_layout_options *opts, beian_dlist **dl, unsigned char **pdf,
                 size_t *len, beian_problems *problems);

#endif
