/*
 * beian/png.h - the PNG preview backend (cairo): one page of a display list -> PNG bytes.
 * Glyphs are drawn from the same font files and metrics as the PDF.
 */
#ifndef BEIAN_PNG_H
#define BEIAN_PNG_H

#include <stddef.h>

#include "beian/common.h"
#include "beian/dlist.h"

/* Renders page (0-based) of dl at dpi into *data (malloc'd, owned by the caller). */
int beian_png_render(beian_ctx *ctx, const beian_dlist *dl, size_t page, double dpi,
                     unsigned char **data, size_t *len);

/* The cairo version the previews are drawn with, for `beian --version`. */
const char *beian_png_library_version(void);

#endif
