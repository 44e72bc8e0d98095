/*
 * pdf_codes.h - the dense codes of the PDF backend (pdf_codes.c, used by pdf.c). The k-th
 * character a face prints in the document (in code point order) is shown as the code
 * CODE_BASE + k, two bytes with Identity-H. Private to src/backend.
 */
#ifndef BEIAN_PDF_CODES_H
#define BEIAN_PDF_CODES_H

#include <stddef.h>
#include <stdint.h>

#include "util.h"

/* Code points one face prints in the document; sorted and unique after beian_pdf_codes_sort. */
typedef struct {
    uint32_t *cps;
    size_t n, cap;
} pdf_codes;

#define CODE_BASE 0x100u /* first dense code: clear of the C0 and C1 controls */
#define CODE_MAX 0xFFFFu /* last: codes are two bytes */

/* Adds cp (in any order, repeats allowed). Returns BEIAN_OK or BEIAN_EINTERNAL. */
int beian_pdf_codes_add(pdf_codes *set, uint32_t cp);
/* Sorts the set and drops repeats; codes are valid from then on. */
void beian_pdf_codes_sort(pdf_codes *set);
/* Dense code of cp in the sorted set, or 0 when absent. */
uint32_t beian_pdf_codes_find(const pdf_codes *set, uint32_t cp);
/* Dense code of the k-th code point of the sorted set (CODE_BASE + k; a CFF face's CIDs). */
uint32_t beian_pdf_codes_code(const pdf_codes *set, size_t k);
/* The CIDSet stream PDF/A-1 asks of a subset (one bit per CID the program holds: CID 0 and
 * the codes printed), malloc'd into *bits (*n bytes). BEIAN_EINTERNAL without memory. */
int beian_pdf_codes_cidset(const pdf_codes *set, unsigned char **bits, size_t *n);
/* The CIDToGIDMap stream of a CIDFontType2 font (two bytes per code, the glyph gids[k] of
 * the k-th code point), malloc'd into *map (*n bytes). BEIAN_EINTERNAL without memory. */
int beian_pdf_codes_gidmap(const pdf_codes *set, const uint32_t *gids, unsigned char **map,
                           size_t *n);
/*
 * Appends the bfchar sections of the ToUnicode map to b: a CMapType 2 map over exactly the
 * codes printed, one bfchar each. (bfrange entries would be shorter, but Ghostscript 10
 * rebuilds them wrongly when it re-distils the file, and the text is lost.) Returns
 * BEIAN_OK, or BEIAN_EINTERNAL when memory ran out on the way.
 */
int beian_pdf_codes_tounicode(beian_buf *b, const pdf_codes *set);

#endif
