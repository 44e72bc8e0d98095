/*
 * wrap.c - line breaking (beian_layout_wrap, declared in beian/layout.h): the form layout,
 * the register and the tests all wrap text through it.
 *
 * A paragraph is cut into tokens (one per ideograph, one per Latin word, one per space), the
 * kinsoku rules glue closing punctuation to what precedes it and opening punctuation to what
 * follows (no line starts with the first, none ends with the second; GB/T 15834 and common
 * practice), and the tokens fill lines greedily. A single piece wider than the line breaks
 * between characters, still honouring the kinsoku rules where it can. Widths come from the
 * fonts layer in 1/1000 em, truncated as libharu truncates, so a line that fits here fits in
 * the PDF.
 */
#include "beian/layout.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Closing punctuation that may not start a line (GB/T 15834 and common practice). */
static int no_start(uint32_t cp)
{
    static const uint32_t set[] = {0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01,
                                   0xFF09, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015, 0x3009,
                                   0x201D, 0x2019, 0x2026, 0x2014, 0x00B7, 0xFF05, 0x2030,
                                   ',',    '.',    ';',    ':',    '?',    '!',    ')',
                                   ']',    '}',    '%',    0x30FC, 0xFF5E, 0x3017, 0x3019};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
        if (set[i] == cp) {
            return 1;
        }
    }
    return 0;
}

/* Opening punctuation that may not end a line. */
static int no_end(uint32_t cp)
{
    static const uint32_t set[] = {0xFF08, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0x3008,
                                   0x201C, 0x2018, '(',    '[',    '{',    0x3016, 0x3018};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
        if (set[i] == cp) {
            return 1;
        }
    }
    return 0;
}

/* Characters after which (and before which) a line may break: ideographs and CJK symbols. */
static int is_cjk(uint32_t cp)
{
    return cp >= 0x2E80;
}

/* The caller's list of characters no font has (beian_layout_wrap's *missing, *nmissing). */
typedef struct {
    uint32_t **items;
    size_t *n;
    size_t cap;
} missing_list;

/* Width of cp in points; a character no face prints is 0 wide and noted once in missing (may
 * be NULL; without memory the note is skipped, the width is the same). */
static double char_width(const beian_fonts *fonts, beian_font_role role, uint32_t cp,
                         double size, missing_list *missing)
{
    int face = beian_fonts_face_for(fonts, role, cp);
    if (face < 0) {
        if (missing) {
            for (size_t i = 0; i < *missing->n; i++) {
                if ((*missing->items)[i] == cp) {
                    return 0;
                }
            }
            if (BEIAN_ARRAY_GROW(*missing->items, missing->cap, *missing->n + 1) == BEIAN_OK) {
                (*missing->items)[(*missing->n)++] = cp;
            }
        }
        return 0;
    }
    return beian_fonts_advance(fonts, face, cp) * size * beian_fonts_scale(fonts, role, face) /
           1000.0;
}

/* Start of the character before byte offset i (i > 0). */
static size_t prev_char(const unsigned char *s, size_t i)
{
    do {
        i--;
    } while (i > 0 && (s[i] & 0xC0) == 0x80);
    return i;
}

static uint32_t char_at(const unsigned char *s, size_t i)
{
    uint32_t cp = 0xFFFD;
    size_t n = beian_utf8_decode(s + i, 4, &cp);
    return n ? cp : 0xFFFD;
}

/*
 * Where to break a word that is wider than the line, at or before j: the kinsoku rules hold
 * here too, so the break moves back past closing punctuation after it and opening
 * punctuation before it, as long as the line keeps at least one character. A run of
 * punctuation longer than the line itself breaks at j.
 */
static size_t kinsoku_cut(const unsigned char *s, size_t a, size_t j)
{
    size_t cut = j;
    while (cut > a) {
        size_t p = prev_char(s, cut);
        if (!no_start(char_at(s, cut)) && !no_end(char_at(s, p))) {
            return cut;
        }
        cut = p;
    }
    return j;
}

static double span_width(const beian_fonts *fonts, beian_font_role role, const unsigned char *s,
                         size_t a, size_t b, double size)
{
    double w = 0;
    while (a < b) {
        uint32_t cp;
        size_t n = beian_utf8_decode(s + a, b - a, &cp);
        if (n == 0) {
            cp = 0xFFFD, n = 1;
        }
        w += char_width(fonts, role, cp, size, NULL);
        a += n;
    }
    return w;
}

typedef struct {
    size_t start, end;    /* bytes */
    double width;
    int space;            /* a break opportunity that is dropped at a line end */
    uint32_t first, last; /* code points at the ends, for the kinsoku rules */
} token;

static int push_line(beian_line **lines, size_t *n, size_t *cap, size_t a, size_t b, double w)
{
    if (BEIAN_ARRAY_GROW(*lines, *cap, *n + 1) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    (*lines)[(*n)++] = (beian_line){a, b, w};
    return BEIAN_OK;
}

int beian_layout_wrap(const beian_fonts *fonts, beian_font_role role, const char *text,
                      double size, double width, beian_line **lines, size_t *nlines,
                      uint32_t **missing, size_t *nmissing, int *forced)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text);
    size_t cap = 0;
    token *toks = NULL;
    size_t ntok = 0, tcap = 0;
    int rc = BEIAN_OK;
    /* the caller's list holds *nmissing (allocated) entries already: a safe capacity */
    missing_list miss = {missing, nmissing, nmissing ? *nmissing : 0};
    *lines = NULL;
    *nlines = 0;
    if (forced) {
        *forced = 0;
    }
    size_t para = 0;
    while (para <= len) {
        size_t pend = para;
        while (pend < len && s[pend] != '\n') {
            pend++;
        }
        /* 1. tokens: one per ideograph, one per Latin word, one per space */
        ntok = 0;
        size_t i = para;
        while (i < pend) {
            uint32_t cp;
            size_t n = beian_utf8_decode(s + i, pend - i, &cp);
            if (n == 0) {
                cp = 0xFFFD, n = 1;
            }
            double w = char_width(fonts, role, cp, size, missing ? &miss : NULL);
            int space = cp == ' ' || cp == 0x3000;
            int word = !space && !is_cjk(cp);
            if (word && ntok > 0 && !toks[ntok - 1].space && !is_cjk(toks[ntok - 1].last) &&
                toks[ntok - 1].end == i) {
                token *t = &toks[ntok - 1]; /* extend the Latin word */
                t->end = i + n;
                t->width += w;
                t->last = cp;
            } else {
                if (BEIAN_ARRAY_GROW(toks, tcap, ntok + 1) != BEIAN_OK) {
                    rc = BEIAN_EINTERNAL;
                    goto done;
                }
                toks[ntok++] = (token){i, i + n, w, space, cp, cp};
            }
            i += n;
        }
        /* 2. kinsoku: glue closing punctuation to what precedes, opening to what follows */
        size_t k = 0;
        for (size_t t = 0; t < ntok; t++) {
            if (k > 0 && !toks[t].space && !toks[k - 1].space &&
                (no_start(toks[t].first) || no_end(toks[k - 1].last))) {
                toks[k - 1].end = toks[t].end;
                toks[k - 1].width += toks[t].width;
                toks[k - 1].last = toks[t].last;
            } else {
                toks[k++] = toks[t];
            }
        }
        ntok = k;
        /* 3. greedy fill */
        size_t ls = para, le = para;
        double lw = 0, pending = 0;
        int empty = 1;
        for (size_t t = 0; t < ntok; t++) {
            token *tk = &toks[t];
            if (tk->space) {
                if (!empty) {
                    pending += tk->width;
                }
                continue;
            }
            if (!empty && lw + pending + tk->width > width) {
                if ((rc = push_line(lines, nlines, &cap, ls, le, lw)) != BEIAN_OK) {
                    goto done;
                }
                empty = 1;
            }
            if (empty && tk->width > width) {
                /* a single unbreakable piece wider than the line: break between characters */
                if (forced) {
                    *forced = 1;
                }
                size_t a = tk->start;
                double w = 0;
                size_t j = tk->start;
                while (j < tk->end) {
                    uint32_t cp;
                    size_t n = beian_utf8_decode(s + j, tk->end - j, &cp);
                    if (n == 0) {
                        cp = 0xFFFD, n = 1;
                    }
                    double cw = char_width(fonts, role, cp, size, NULL);
                    if (w + cw > width && j > a) {
                        size_t cut = kinsoku_cut(s, a, j);
                        double cut_w = span_width(fonts, role, s, a, cut, size);
                        if ((rc = push_line(lines, nlines, &cap, a, cut, cut_w)) != BEIAN_OK) {
                            goto done;
                        }
                        w = span_width(fonts, role, s, cut, j, size);
                        a = cut;
                    }
                    w += cw;
                    j += n;
                }
                ls = a, le = tk->end, lw = w, empty = 0, pending = 0;
                continue;
            }
            if (empty) {
                ls = tk->start, lw = tk->width, empty = 0;
            } else {
                lw += pending + tk->width;
            }
            le = tk->end;
            pending = 0;
        }
        if ((rc = push_line(lines, nlines, &cap, empty ? para : ls, empty ? para : le,
                            empty ? 0 : lw)) != BEIAN_OK) {
            goto done;
        }
        para = pend + 1;
    }
done:
    free(toks);
    if (rc != BEIAN_OK) {
        free(*lines);
        *lines = NULL;
        *nlines = 0;
    }
    return rc;
}
