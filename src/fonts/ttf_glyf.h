/*
 * ttf_glyf.h - the glyph half of the TrueType rescaler (ttf_glyf.c): the rescaler's state,
 * which ttf.c sets up and ttf_tables.c reads the new glyphs from, and the glyf pass.
 */
#ifndef BEIAN_TTF_GLYF_H
#define BEIAN_TTF_GLYF_H

#include <stddef.h>
#include <stdint.h>

#include "ttf_bytes.h"
#include "util.h"

enum {
    GLYPH_HEADER = 10, /* numberOfContours and the bbox */
    MAX_VALUE16 = 0xFFFF
};

enum { GLYPH_EMPTY, GLYPH_SIMPLE, GLYPH_COMPOSITE };

typedef struct {
    int32_t xmin, ymin, xmax, ymax;
    unsigned char kind;
    unsigned char totals; /* composites: TOTALS_* while maxp is recomputed */
    uint32_t points;      /* simple: after rewriting; composite: all its leaves' */
    uint32_t contours;
} glyph_info;

typedef struct {
    int64_t from, to; /* old and new units per em */
    const unsigned char *glyf;
    uint32_t *loca; /* num_glyphs + 1 offsets into glyf */
    unsigned num_glyphs;
    int keep_points; /* a composite uses point numbers: remove no point */
    glyph_info *glyphs;
    /* Scratch for one simple glyph, sized for cap points. */
    size_t cap;
    int32_t *x, *y;
    unsigned char *flags;
    uint32_t *keep;
    uint32_t *ends;
    unsigned char *enc;
    beian_buf glyf_out;
    uint32_t *new_loca;
} rescaler;

/* v * to / from rounded to the nearest integer, halves up: floor((2 v to + from) / 2 from). */
static inline int32_t scale(const rescaler *rs, int32_t v)
{
    int64_t num = 2 * (int64_t)v * rs->to + rs->from;
    int64_t den = 2 * rs->from;
    int64_t q = num / den;
    if (num % den != 0 && num < 0) {
        q--;
    }
    return (int32_t)q;
}

/* Checks composite g (glen bytes) to its end, instructions included; sets rs->keep_points
 * when a component is anchored by point numbers. Returns BEIAN_OK or BEIAN_EDATA. */
int beian_ttf_check_composite(rescaler *rs, const unsigned char *g, size_t glen);

/* Rewrites every glyph into rs->glyf_out and rs->new_loca and fills rs->glyphs. Returns
 * BEIAN_OK, BEIAN_EDATA (a malformed glyph) or BEIAN_EINTERNAL. */
int beian_ttf_rewrite_glyphs(rescaler *rs);

/* Resolves the points and contours of composite glyph gid through its components (the maxp
 * composite fields), depth levels down. BEIAN_EDATA on a cycle or too deep a nesting. */
int beian_ttf_totals(rescaler *rs, unsigned gid, unsigned depth);

#endif
