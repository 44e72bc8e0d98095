/*
 * beian/pdf.h - the PDF backend (libharu): display list -> PDF bytes.
 *
 * Each face the document uses is embedded once, as a harfbuzz subset holding only the
 * characters printed; output is deterministic (no dates, no random ids).
 */
#ifndef BEIAN_PDF_H
#define BEIAN_PDF_H

#include <stddef.h>

#include "beian/common.h"
#include "beian/dlist.h"

/* Renders dl into *data (malloc'd, owned by the caller). */
int beian_pdf_render(beian_ctx *ctx, const beian_dlist *dl, unsigned char **data, size_t *len);

/* The libharu version the PDF backend is built with, for `beian --version`. */
const char *beian_pdf_library_version(void);

#endif
