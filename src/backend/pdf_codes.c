/*
 * pdf_codes.c - the dense codes of the PDF backend (pdf.c): the set of characters one face
 * prints in a document, the two-byte code each is shown with, and the ToUnicode map that
 * takes the codes back to the characters. Plain data: no libharu type.
 */
#include "pdf_codes.h"

#include <stdint.h>
#include <stdlib.h>

#include "util.h"

uint32_t beian_pdf_codes_find(const pdf_codes *set, uint32_t cp)
{
    size_t lo = 0, hi = set->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (set->cps[mid] < cp) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo < set->n && set->cps[lo] == cp ? beian_pdf_codes_code(set, lo) : 0;
}

uint32_t beian_pdf_codes_code(const pdf_codes *set, size_t k)
{
    (void)set;
    return CODE_BASE + (uint32_t)k;
}

int beian_pdf_codes_cidset(const pdf_codes *set, unsigned char **bits, size_t *n)
{
    uint32_t max = 0;
    for (size_t k = 0; k < set->n; k++) {
        uint32_t c = beian_pdf_codes_code(set, k);
        max = c > max ? c : max;
    }
    *n = max / 8 + 1;
    *bits = calloc(*n, 1);
    if (!*bits) {
        return BEIAN_EINTERNAL;
    }
    (*bits)[0] |= 0x80;
    for (size_t k = 0; k < set->n; k++) {
        uint32_t c = beian_pdf_codes_code(set, k);
        (*bits)[c / 8] |= (unsigned char)(0x80 >> (c % 8));
    }
    return BEIAN_OK;
}

int beian_pdf_codes_gidmap(const pdf_codes *set, const uint32_t *gids, unsigned char **map,
                           size_t *n)
{
    size_t ncodes = CODE_BASE + set->n;
    *n = ncodes * 2;
    *map = calloc(ncodes, 2);
    if (!*map) {
        return BEIAN_EINTERNAL;
    }
    for (size_t k = 0; k < set->n; k++) {
        size_t cid = CODE_BASE + k;
        (*map)[2 * cid] = (unsigned char)(gids[k] >> 8);
        (*map)[2 * cid + 1] = (unsigned char)gids[k];
    }
    return BEIAN_OK;
}

int beian_pdf_codes_add(pdf_codes *s, uint32_t cp)
{
    if (BEIAN_ARRAY_GROW(s->cps, s->cap, s->n + 1) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    s->cps[s->n++] = cp;
    return BEIAN_OK;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

void beian_pdf_codes_sort(pdf_codes *s)
{
    if (s->n == 0) {
        return;
    }
    qsort(s->cps, s->n, sizeof *s->cps, cmp_u32);
    size_t k = 1;
    for (size_t i = 1; i < s->n; i++) {
        if (s->cps[i] != s->cps[k - 1]) {
            s->cps[k++] = s->cps[i];
        }
    }
    s->n = k;
}

int beian_pdf_codes_tounicode(beian_buf *b, const pdf_codes *set)
{
    int rc = BEIAN_OK;
    for (size_t i = 0; i < set->n; i += 100) { /* at most 100 entries a section */
        size_t m = set->n - i < 100 ? set->n - i : 100;
        rc |= beian_buf_appendf(b, "%zu beginbfchar\n", m);
        for (size_t k = i; k < i + m; k++) {
            uint32_t real = set->cps[k];
            unsigned code = (unsigned)beian_pdf_codes_code(set, k);
            if (real > 0xFFFF) {
                uint32_t v = real - 0x10000;
                rc |= beian_buf_appendf(b, "<%04X> <%04X%04X>\n", code, 0xD800 + (v >> 10),
                                        0xDC00 + (v & 0x3FF));
            } else {
                rc |= beian_buf_appendf(b, "<%04X> <%04X>\n", code, real);
            }
        }
        rc |= beian_buf_appendf(b, "endbfchar\n");
    }
    return rc == BEIAN_OK ? BEIAN_OK : BEIAN_EINTERNAL;
}
