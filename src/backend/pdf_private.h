/*
 * pdf_private.h - what the two files of the PDF backend share: pdf.c draws the display list,
 * pdfa.c makes the document archival (PDF/A-1b). Both include hpdf.h; nothing else does.
 */
#ifndef BEIAN_PDF_PRIVATE_H
#define BEIAN_PDF_PRIVATE_H

#include <hpdf.h>

#include "beian/dlist.h"
#include "sha256.h"

/*
 * Makes doc a PDF/A-1b document: XMP metadata agreeing with the document information, an
 * sRGB output intent and a /ID from content, a SHA-256 context into which the caller fed
 * everything the document prints (finished here, not freed). Call after the pages are
 * drawn, before saving. Returns a beian_status.
 */
int beian_pdfa_finish(HPDF_Doc doc, const beian_dlist *dl, beian_sha256_ctx *content);

#endif
