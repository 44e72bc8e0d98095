/*
 * cli_table.c - the width of text on a terminal and aligned tables (cli_table.h). The wide
 * ranges are those of Unicode's East Asian Width property (UAX #11) that beian's forms use:
 * Hangul Jamo, CJK radicals to Yi, Hangul syllables, CJK compatibility ideographs, vertical
 * and full-width forms, and the supplementary ideographic planes.
 */
#include "cli_table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static int wide(uint32_t cp)
{
    return (cp >= 0x1100 && cp <= 0x115F) || (cp >= 0x2E80 && cp <= 0xA4CF) ||
           (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) ||
           (cp >= 0xFE30 && cp <= 0xFE4F) || (cp >= 0xFF00 && cp <= 0xFF60) ||
           (cp >= 0xFFE0 && cp <= 0xFFE6) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

size_t cli_text_columns_n(const char *s, size_t len)
{
    size_t cols = 0;
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = beian_utf8_decode(p + i, len - i, &cp);
        if (n == 0) {
            n = 1, cp = '?';
        }
        cols += wide(cp) ? 2 : 1;
        i += n;
    }
    return cols;
}

size_t cli_text_columns(const char *s)
{
    return cli_text_columns_n(s, strlen(s));
}

void cli_table_print(FILE *out, const char *const *cells, size_t rows, size_t cols)
{
    size_t *w = calloc(cols, sizeof *w);
    if (!w) {
        return;
    }
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < cols; c++) {
            size_t k = cli_text_columns(cells[r * cols + c]);
            w[c] = k > w[c] ? k : w[c];
        }
    }
    for (size_t r = 0; r < rows; r++) {
        for (size_t c = 0; c < cols; c++) {
            const char *s = cells[r * cols + c];
            fputs(s, out);
            if (c + 1 < cols) {
                for (size_t k = cli_text_columns(s); k < w[c] + 2; k++) {
                    fputc(' ', out);
                }
            }
        }
        fputc('\n', out);
    }
    free(w);
}
