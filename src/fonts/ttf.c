/*
 * ttf.c - rescales a TrueType subset to fewer units per em (beian_ttf_rescale).
 *
 * Role: the PDF backend embeds one font subset per document, and its glyf table dominates
 * the file. Droid Sans Fallback draws on a 256-unit em; on a 128-unit em many point-to-point
 * deltas become 0 (no coordinate byte stored) or repeat, which shrinks the deflated glyf
 * table by about a tenth. At 12 pt one unit of a 128-unit em is 0.033 mm, below the dot of
 * a 600 dpi printer, so the change cannot be seen on paper.
 *
 * How: the whole input is parsed and checked before anything is written; every read is
 * bounds-checked against its glyph or table, and every table against the file. Glyphs are
 * decoded to absolute coordinates, each one scaled and rounded to the nearest unit (halves
 * up: monotonic, so a simple glyph's new bbox is its rounded old bbox), then re-encoded with
 * the smallest flags. Metrics that are maxima or minima over glyphs (head bbox, hhea
 * extremes, maxp counts) are recomputed from the new glyphs instead of scaled, so they are
 * exact. Unknown tables are copied; a table known to hold font units that this file does
 * not rescale (kerning, GPOS, vertical metrics, variations) fails the call, because a font
 * whose kerning is off by a factor of two is worse than a larger PDF.
 *
 * Point removal: two consecutive points of a contour that round to the same position are
 * merged only when the outline stays exactly the same: two on-curve points (a zero-length
 * line), or an off-curve point on top of an on-curve neighbour whose other neighbour is
 * on-curve too (a quadratic whose control point is one of its ends is a straight line). Two
 * equal off-curve points both stay, since dropping one would move the implied on-curve point
 * between them. A contour keeps at least min(its points, 3). When any composite anchors a
 * component by point numbers (ARGS_ARE_XY_VALUES clear), no point is removed at all, so
 * those numbers keep pointing at the same points.
 *
 * Spec: OpenType 1.9 (learn.microsoft.com/typography/opentype/spec), chapters glyf, loca,
 * head, hhea, hmtx, maxp, OS/2, post, and "Calculating Checksums" in the font file chapter.
 */
#include "beian/ttf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define TAG(a, b, c, d)                                                                            \
    (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

enum {
    MAX_TABLES = 256, /* real fonts have fewer than 40 tables, hb-subset output about 10 */
    MAX_NESTING = 16, /* composite depth; harfbuzz stops drawing at 6 */
    UPEM_MIN = 16,    /* head.unitsPerEm: "valid range is from 16 to 16384" */
    UPEM_MAX = 16384,
    GLYPH_HEADER = 10, /* numberOfContours and the bbox */
    HEAD_LEN = 54,
    HHEA_LEN = 36,
    MAXP_LEN = 32, /* version 1.0; 0.5 is the CFF flavour */
    POST_LEN = 32,
    MAX_VALUE16 = 0xFFFF
};

/* head.magicNumber, and the constant head.checkSumAdjustment is computed from. */
#define HEAD_MAGIC 0x5F0F3CF5u
#define CHECKSUM_MAGIC 0xB1B0AFBAu

/* Simple glyph flags (glyf, "Simple Glyph Description"). */
enum {
    ON_CURVE = 0x01,
    X_SHORT = 0x02,
    Y_SHORT = 0x04,
    REPEAT = 0x08,
    X_SAME = 0x10, /* with X_SHORT: the delta is positive */
    Y_SAME = 0x20,
    OVERLAP_SIMPLE = 0x40
};

/* Composite glyph flags (glyf, "Composite Glyph Description"). */
enum {
    ARG_WORDS = 0x0001,
    ARGS_XY = 0x0002,
    HAVE_SCALE = 0x0008,
    MORE_COMPONENTS = 0x0020,
    HAVE_XY_SCALE = 0x0040,
    HAVE_2X2 = 0x0080,
    HAVE_INSTRUCTIONS = 0x0100,
    COMPOSITE_RESERVED = 0xE010
};

enum { GLYPH_EMPTY, GLYPH_SIMPLE, GLYPH_COMPOSITE };
enum { TOTALS_TODO, TOTALS_BUSY, TOTALS_DONE };

typedef struct {
    uint32_t tag;
    const unsigned char *data; /* into the input, or into owned */
    size_t len;
    unsigned char *owned;
} table;

typedef struct {
    int32_t xmin, ymin, xmax, ymax;
    unsigned char kind;
    unsigned char totals; /* composites: TOTALS_* while maxp is recomputed */
    uint32_t points;      /* simple: after rewriting; composite: all its leaves' */
    uint32_t contours;
} glyph_info;

typedef struct {
    unsigned flags, gid;
    int32_t arg1, arg2;         /* signed offsets, or unsigned point numbers */
    const unsigned char *xform; /* the scale or matrix, copied as is */
    size_t xform_len;
} component;

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

static unsigned rd16(const unsigned char *p)
{
    return ((unsigned)p[0] << 8) | p[1];
}

static int32_t rds16(const unsigned char *p)
{
    unsigned v = rd16(p);
    return v >= 0x8000 ? (int32_t)v - 0x10000 : (int32_t)v;
}

static uint32_t rd32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Stores the low 16 bits of v (two's complement for negative values). */
static void wr16(unsigned char *p, int32_t v)
{
    uint32_t u = (uint32_t)v;
    p[0] = (unsigned char)((u >> 8) & 0xFF);
    p[1] = (unsigned char)(u & 0xFF);
}

static void wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)((v >> 16) & 0xFF);
    p[2] = (unsigned char)((v >> 8) & 0xFF);
    p[3] = (unsigned char)(v & 0xFF);
}

/* Whether [off, off + n) lies inside [0, len), without overflowing. */
static int fits(size_t off, size_t n, size_t len)
{
    return off <= len && n <= len - off;
}

static int32_t clamp16(int32_t v)
{
    return v < -32768 ? -32768 : v > 32767 ? 32767 : v;
}

/* v * to / from rounded to the nearest integer, halves up: floor((2 v to + from) / 2 from). */
static int32_t scale(const rescaler *rs, int32_t v)
{
    int64_t num = 2 * (int64_t)v * rs->to + rs->from;
    int64_t den = 2 * rs->from;
    int64_t q = num / den;
    if (num % den != 0 && num < 0) {
        q--;
    }
    return (int32_t)q;
}

/* Scales the signed 16-bit field at p in place; |result| <= |old| since to < from. */
static void scale_field(const rescaler *rs, unsigned char *p)
{
    wr16(p, scale(rs, rds16(p)));
}

static void scale_ufield(const rescaler *rs, unsigned char *p)
{
    wr16(p, scale(rs, (int32_t)rd16(p)));
}

static uint32_t checksum(const unsigned char *p, size_t len)
{
    uint32_t sum = 0;
    size_t i = 0;
    for (; i + 4 <= len; i += 4) {
        sum += rd32(p + i);
    }
    if (i < len) {
        unsigned char last[4] = {0, 0, 0, 0};
        memcpy(last, p + i, len - i);
        sum += rd32(last);
    }
    return sum;
}

static table *find(table *t, size_t n, uint32_t tag)
{
    for (size_t i = 0; i < n; i++) {
        if (t[i].tag == tag) {
            return &t[i];
        }
    }
    return NULL;
}

/*
 * Tables that hold values in font units (or outlines) this file does not rescale: copying
 * them would leave kerning, vertical metrics or variations at the old scale.
 */
static int refused(uint32_t tag)
{
    static const char *const tags[] = {"CFF ", "CFF2", "kern", "kerx", "GPOS", "GDEF", "BASE",
                                       "JSTF", "MATH", "vhea", "vmtx", "VORG", "gvar", "fvar",
                                       "avar", "cvar", "HVAR", "VVAR", "MVAR", "SVG ", "ankr",
                                       "trak", "opbd", "lcar", "bsln", "just", "fmtx", "Zapf"};
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        if (tag == TAG(tags[i][0], tags[i][1], tags[i][2], tags[i][3])) {
            return 1;
        }
    }
    return 0;
}

/* Tables left out of the result: hinting programs and data, and a signature made stale. */
static int dropped(uint32_t tag)
{
    return tag == TAG('f', 'p', 'g', 'm') || tag == TAG('p', 'r', 'e', 'p') ||
           tag == TAG('c', 'v', 't', ' ') || tag == TAG('D', 'S', 'I', 'G');
}

/* Reads the table directory into *out (malloc'd); every table lies inside the file. */
static int read_directory(const unsigned char *font, size_t len, table **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    if (len < 12) {
        return BEIAN_EDATA;
    }
    uint32_t version = rd32(font);
    if (version != 0x00010000u && version != TAG('t', 'r', 'u', 'e')) {
        return BEIAN_EDATA; /* 'OTTO' (CFF), 'ttcf' (a collection), or not a font */
    }
    size_t n = rd16(font + 4);
    if (n == 0 || n > MAX_TABLES || !fits(12, 16 * n, len)) {
        return BEIAN_EDATA;
    }
    table *t = calloc(n, sizeof *t);
    if (!t) {
        return BEIAN_EINTERNAL;
    }
    for (size_t i = 0; i < n; i++) {
        const unsigned char *r = font + 12 + 16 * i;
        t[i].tag = rd32(r);
        size_t off = rd32(r + 8);
        size_t tlen = rd32(r + 12);
        if (!fits(off, tlen, len) || find(t, i, t[i].tag) || refused(t[i].tag)) {
            free(t);
            return BEIAN_EDATA;
        }
        t[i].data = font + off;
        t[i].len = tlen;
    }
    *out = t;
    *count = n;
    return BEIAN_OK;
}

/* Grows the per-glyph scratch to n points. */
static int reserve_points(rescaler *rs, size_t n)
{
    if (n <= rs->cap) {
        return BEIAN_OK;
    }
    /* n <= 65536 (endPtsOfContours are uint16), so none of these sizes can overflow. */
    int32_t *x = realloc(rs->x, n * sizeof *x);
    if (x) {
        rs->x = x;
    }
    int32_t *y = realloc(rs->y, n * sizeof *y);
    if (y) {
        rs->y = y;
    }
    unsigned char *f = realloc(rs->flags, n);
    if (f) {
        rs->flags = f;
    }
    uint32_t *k = realloc(rs->keep, n * sizeof *k);
    if (k) {
        rs->keep = k;
    }
    uint32_t *e = realloc(rs->ends, n * sizeof *e);
    if (e) {
        rs->ends = e;
    }
    /* Header, end points, instruction length, then at most 5 bytes a point. */
    unsigned char *enc = realloc(rs->enc, GLYPH_HEADER + 2 * n + 2 + 5 * n);
    if (enc) {
        rs->enc = enc;
    }
    if (!x || !y || !f || !k || !e || !enc) {
        return BEIAN_EINTERNAL;
    }
    rs->cap = n;
    return BEIAN_OK;
}

static int same_point(const rescaler *rs, uint32_t a, uint32_t b)
{
    return rs->x[a] == rs->x[b] && rs->y[a] == rs->y[b];
}

static int on_curve(const rescaler *rs, uint32_t i)
{
    return rs->flags[i] & ON_CURVE;
}

/*
 * Writes to keep[] the points of the contour first..last (scaled) that stay, in order, and
 * returns how many. A stack pass merges equal neighbours as the file comment describes; a
 * second loop does the same across the seam between the contour's last and first points.
 */
static size_t contour_points(const rescaler *rs, uint32_t first, uint32_t last, uint32_t *keep)
{
    size_t n = (size_t)last - first + 1;
    size_t floor_n = n < 3 ? n : 3;
    size_t k = 0;
    size_t alive = n;
    for (uint32_t i = first; i <= last; i++) {
        int drop = 0;
        while (k > 0 && alive > floor_n && same_point(rs, i, keep[k - 1])) {
            uint32_t q = keep[k - 1];
            if (on_curve(rs, q) && on_curve(rs, i)) {
                drop = 1;
            } else if (on_curve(rs, q)) {
                /* i is a control point on q; its next point is i + 1, or the first kept. */
                uint32_t next = i < last ? i + 1 : keep[0];
                drop = on_curve(rs, next);
            } else if (on_curve(rs, i)) {
                /* q is a control point on i; its previous point is below it, or the last. */
                uint32_t prev = k >= 2 ? keep[k - 2] : last;
                if (on_curve(rs, prev)) {
                    k--;
                    alive--;
                    continue;
                }
            }
            break;
        }
        if (drop) {
            alive--;
        } else {
            keep[k++] = i;
        }
    }
    size_t b = 0;
    while (k - b >= 2 && k - b > floor_n && same_point(rs, keep[k - 1], keep[b])) {
        uint32_t t = keep[k - 1], f = keep[b];
        if (on_curve(rs, t) && on_curve(rs, f)) {
            k--;
        } else if (on_curve(rs, t) && on_curve(rs, keep[b + 1])) {
            b++;
        } else if (on_curve(rs, f) && !on_curve(rs, t) && on_curve(rs, keep[k - 2])) {
            k--;
        } else {
            break;
        }
    }
    if (b > 0) {
        memmove(keep, keep + b, (k - b) * sizeof *keep);
    }
    return k - b;
}

/* Decodes one coordinate array (x when is_x) of n points starting at *pos; scales it. */
static int read_coords(rescaler *rs, const unsigned char *g, size_t glen, size_t *pos, size_t n,
                       int is_x)
{
    unsigned short_bit = is_x ? X_SHORT : Y_SHORT;
    unsigned same_bit = is_x ? X_SAME : Y_SAME;
    int32_t *out = is_x ? rs->x : rs->y;
    size_t p = *pos;
    int32_t v = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned f = rs->flags[i];
        if (f & short_bit) {
            if (!fits(p, 1, glen)) {
                return BEIAN_EDATA;
            }
            v += (f & same_bit) ? (int32_t)g[p] : -(int32_t)g[p];
            p += 1;
        } else if (!(f & same_bit)) {
            if (!fits(p, 2, glen)) {
                return BEIAN_EDATA;
            }
            v += rds16(g + p);
            p += 2;
        }
        if (v < -32768 || v > 32767) {
            return BEIAN_EDATA;
        }
        out[i] = scale(rs, v);
    }
    *pos = p;
    return BEIAN_OK;
}

/* Encodes delta d of one axis into the flag bits and w; returns the bytes written. */
static int encode_delta(int32_t d, int is_x, unsigned *flag, unsigned char *w, size_t *len)
{
    if (d == 0) {
        *flag |= is_x ? X_SAME : Y_SAME;
    } else if (d >= -255 && d <= 255) {
        *flag |= is_x ? X_SHORT : Y_SHORT;
        if (d > 0) {
            *flag |= is_x ? X_SAME : Y_SAME;
        }
        w[(*len)++] = (unsigned char)(d > 0 ? d : -d);
    } else if (d >= -32768 && d <= 32767) {
        wr16(w + *len, d);
        *len += 2;
    } else {
        return BEIAN_EDATA;
    }
    return BEIAN_OK;
}

static int rewrite_simple(rescaler *rs, glyph_info *gi, const unsigned char *g, size_t glen)
{
    size_t nc = (size_t)rds16(g);
    size_t pos = GLYPH_HEADER;
    if (!fits(pos, 2 * nc + 2, glen)) {
        return BEIAN_EDATA;
    }
    size_t last_end = 0;
    for (size_t c = 0; c < nc; c++) {
        size_t e = rd16(g + pos + 2 * c);
        if (c > 0 && e <= last_end) {
            return BEIAN_EDATA;
        }
        last_end = e;
    }
    size_t n = last_end + 1;
    if (reserve_points(rs, n) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    pos += 2 * nc;
    size_t ilen = rd16(g + pos);
    pos += 2;
    if (!fits(pos, ilen, glen)) {
        return BEIAN_EDATA;
    }
    pos += ilen; /* instructions are dropped */
    for (size_t i = 0; i < n;) {
        if (!fits(pos, 1, glen)) {
            return BEIAN_EDATA;
        }
        unsigned char f = g[pos++];
        size_t rep = 0;
        if (f & REPEAT) {
            if (!fits(pos, 1, glen)) {
                return BEIAN_EDATA;
            }
            rep = g[pos++];
        }
        if (rep >= n - i) {
            return BEIAN_EDATA;
        }
        for (size_t r = 0; r <= rep; r++) {
            rs->flags[i++] = f;
        }
    }
    if (read_coords(rs, g, glen, &pos, n, 1) != BEIAN_OK ||
        read_coords(rs, g, glen, &pos, n, 0) != BEIAN_OK) {
        return BEIAN_EDATA;
    }

    /* The points that stay, contour by contour. */
    size_t kept = 0;
    uint32_t first = 0;
    for (size_t c = 0; c < nc; c++) {
        uint32_t end = (uint32_t)rd16(g + GLYPH_HEADER + 2 * c);
        if (rs->keep_points) {
            for (uint32_t i = first; i <= end; i++) {
                rs->keep[kept++] = i;
            }
        } else {
            kept += contour_points(rs, first, end, rs->keep + kept);
        }
        rs->ends[c] = (uint32_t)kept - 1;
        first = end + 1;
    }

    gi->kind = GLYPH_SIMPLE;
    gi->points = (uint32_t)kept;
    gi->contours = (uint32_t)nc;
    gi->xmin = gi->xmax = rs->x[rs->keep[0]];
    gi->ymin = gi->ymax = rs->y[rs->keep[0]];
    for (size_t k = 1; k < kept; k++) {
        int32_t x = rs->x[rs->keep[k]], y = rs->y[rs->keep[k]];
        gi->xmin = x < gi->xmin ? x : gi->xmin;
        gi->xmax = x > gi->xmax ? x : gi->xmax;
        gi->ymin = y < gi->ymin ? y : gi->ymin;
        gi->ymax = y > gi->ymax ? y : gi->ymax;
    }

    /* Encode: header, end points, no instructions, flags, x bytes, y bytes. The flags go
     * into rs->flags (no longer needed), the coordinates into two passes over enc. */
    unsigned char *w = rs->enc;
    wr16(w, (int32_t)nc);
    wr16(w + 2, gi->xmin);
    wr16(w + 4, gi->ymin);
    wr16(w + 6, gi->xmax);
    wr16(w + 8, gi->ymax);
    size_t len = GLYPH_HEADER;
    for (size_t c = 0; c < nc; c++) {
        wr16(w + len, (int32_t)rs->ends[c]);
        len += 2;
    }
    wr16(w + len, 0);
    len += 2;
    unsigned overlap = rs->flags[0] & OVERLAP_SIMPLE;
    /* The new flags overwrite the old in place: fl[k] is written after flags[keep[k]] is
     * read, and keep[] increases, so keep[j] >= j for every point j still to come. */
    unsigned char *fl = rs->flags;
    size_t coords_len = 0;
    unsigned char *coords = w + len + n; /* after the longest possible flags */
    for (int is_x = 1; is_x >= 0; is_x--) {
        int32_t prev = 0;
        const int32_t *v = is_x ? rs->x : rs->y;
        for (size_t k = 0; k < kept; k++) {
            unsigned f = is_x ? (unsigned)(rs->flags[rs->keep[k]] & ON_CURVE) : fl[k];
            int32_t cur = v[rs->keep[k]];
            if (encode_delta(cur - prev, is_x, &f, coords, &coords_len) != BEIAN_OK) {
                return BEIAN_EDATA;
            }
            prev = cur;
            fl[k] = (unsigned char)f;
        }
    }
    if (overlap) {
        fl[0] |= OVERLAP_SIMPLE;
    }
    for (size_t k = 0; k < kept;) {
        size_t run = 1;
        while (k + run < kept && fl[k + run] == fl[k] && run < 256) {
            run++;
        }
        if (run >= 3) {
            w[len++] = (unsigned char)(fl[k] | REPEAT);
            w[len++] = (unsigned char)(run - 1);
        } else {
            for (size_t r = 0; r < run; r++) {
                w[len++] = fl[k];
            }
        }
        k += run;
    }
    memmove(w + len, coords, coords_len);
    len += coords_len;
    return beian_buf_append(&rs->glyf_out, w, len);
}

/* Reads the component at *pos of composite glyph g; checks its flags and glyph id. */
static int read_component(const rescaler *rs, const unsigned char *g, size_t glen, size_t *pos,
                          component *c)
{
    size_t p = *pos;
    if (!fits(p, 4, glen)) {
        return BEIAN_EDATA;
    }
    c->flags = rd16(g + p);
    c->gid = rd16(g + p + 2);
    p += 4;
    int transforms =
        !!(c->flags & HAVE_SCALE) + !!(c->flags & HAVE_XY_SCALE) + !!(c->flags & HAVE_2X2);
    if ((c->flags & COMPOSITE_RESERVED) || c->gid >= rs->num_glyphs || transforms > 1) {
        return BEIAN_EDATA;
    }
    if (c->flags & ARG_WORDS) {
        if (!fits(p, 4, glen)) {
            return BEIAN_EDATA;
        }
        int xy = (c->flags & ARGS_XY) != 0;
        c->arg1 = xy ? rds16(g + p) : (int32_t)rd16(g + p);
        c->arg2 = xy ? rds16(g + p + 2) : (int32_t)rd16(g + p + 2);
        p += 4;
    } else {
        if (!fits(p, 2, glen)) {
            return BEIAN_EDATA;
        }
        int xy = (c->flags & ARGS_XY) != 0;
        c->arg1 = xy && g[p] >= 128 ? (int32_t)g[p] - 256 : (int32_t)g[p];
        c->arg2 = xy && g[p + 1] >= 128 ? (int32_t)g[p + 1] - 256 : (int32_t)g[p + 1];
        p += 2;
    }
    c->xform_len = (c->flags & HAVE_SCALE)      ? 2
                   : (c->flags & HAVE_XY_SCALE) ? 4
                   : (c->flags & HAVE_2X2)      ? 8
                                                : 0;
    if (!fits(p, c->xform_len, glen)) {
        return BEIAN_EDATA;
    }
    c->xform = g + p;
    p += c->xform_len;
    *pos = p;
    return BEIAN_OK;
}

/* Checks composite g to its end (instructions included); notes anchoring by point number. */
static int check_composite(rescaler *rs, const unsigned char *g, size_t glen)
{
    size_t pos = GLYPH_HEADER;
    unsigned any_instructions = 0;
    component c;
    do {
        if (read_component(rs, g, glen, &pos, &c) != BEIAN_OK) {
            return BEIAN_EDATA;
        }
        any_instructions |= c.flags & HAVE_INSTRUCTIONS;
        if (!(c.flags & ARGS_XY)) {
            rs->keep_points = 1;
        }
    } while (c.flags & MORE_COMPONENTS);
    if (any_instructions) {
        if (!fits(pos, 2, glen) || !fits(pos + 2, rd16(g + pos), glen)) {
            return BEIAN_EDATA;
        }
    }
    return BEIAN_OK;
}

static int rewrite_composite(rescaler *rs, glyph_info *gi, const unsigned char *g, size_t glen)
{
    unsigned char w[16];
    gi->kind = GLYPH_COMPOSITE;
    gi->xmin = scale(rs, rds16(g + 2));
    gi->ymin = scale(rs, rds16(g + 4));
    gi->xmax = scale(rs, rds16(g + 6));
    gi->ymax = scale(rs, rds16(g + 8));
    wr16(w, -1);
    wr16(w + 2, gi->xmin);
    wr16(w + 4, gi->ymin);
    wr16(w + 6, gi->xmax);
    wr16(w + 8, gi->ymax);
    if (beian_buf_append(&rs->glyf_out, w, GLYPH_HEADER) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    size_t pos = GLYPH_HEADER;
    component c;
    do {
        if (read_component(rs, g, glen, &pos, &c) != BEIAN_OK) {
            return BEIAN_EDATA;
        }
        unsigned flags = c.flags & ~(unsigned)HAVE_INSTRUCTIONS;
        size_t len = 4;
        if (c.flags & ARGS_XY) {
            int32_t a1 = scale(rs, c.arg1), a2 = scale(rs, c.arg2);
            if (a1 >= -128 && a1 <= 127 && a2 >= -128 && a2 <= 127) {
                flags &= ~(unsigned)ARG_WORDS;
                w[len++] = (unsigned char)(a1 & 0xFF);
                w[len++] = (unsigned char)(a2 & 0xFF);
            } else {
                flags |= ARG_WORDS;
                wr16(w + len, a1);
                wr16(w + len + 2, a2);
                len += 4;
            }
        } else if (c.flags & ARG_WORDS) {
            wr16(w + len, c.arg1);
            wr16(w + len + 2, c.arg2);
            len += 4;
        } else {
            w[len++] = (unsigned char)c.arg1;
            w[len++] = (unsigned char)c.arg2;
        }
        wr16(w, (int32_t)flags);
        wr16(w + 2, (int32_t)c.gid);
        memcpy(w + len, c.xform, c.xform_len);
        len += c.xform_len;
        if (beian_buf_append(&rs->glyf_out, w, len) != BEIAN_OK) {
            return BEIAN_EINTERNAL;
        }
    } while (c.flags & MORE_COMPONENTS);
    return BEIAN_OK;
}

/* Rewrites every glyph into rs->glyf_out and rs->new_loca; fills rs->glyphs. */
static int rewrite_glyphs(rescaler *rs)
{
    static const unsigned char pad = 0;
    for (unsigned gid = 0; gid < rs->num_glyphs; gid++) {
        size_t off = rs->loca[gid], glen = rs->loca[gid + 1] - rs->loca[gid];
        const unsigned char *g = rs->glyf + off;
        glyph_info *gi = &rs->glyphs[gid];
        int rc = BEIAN_OK;
        rs->new_loca[gid] = (uint32_t)rs->glyf_out.len;
        gi->kind = GLYPH_EMPTY;
        if (glen == 0) {
            continue;
        }
        if (glen < GLYPH_HEADER) {
            return BEIAN_EDATA;
        }
        int32_t nc = rds16(g);
        if (nc > 0) {
            rc = rewrite_simple(rs, gi, g, glen);
        } else if (nc == -1) {
            rc = rewrite_composite(rs, gi, g, glen);
        } else if (nc < -1) {
            rc = BEIAN_EDATA;
        } /* nc == 0: no outline, written as an empty glyph */
        if (rc != BEIAN_OK) {
            return rc;
        }
        /* Even lengths, so that the short loca format can address every glyph. */
        if ((rs->glyf_out.len & 1) && beian_buf_append(&rs->glyf_out, &pad, 1) != BEIAN_OK) {
            return BEIAN_EINTERNAL;
        }
        if (rs->glyf_out.len > UINT32_MAX) {
            return BEIAN_EDATA;
        }
    }
    rs->new_loca[rs->num_glyphs] = (uint32_t)rs->glyf_out.len;
    return BEIAN_OK;
}

/* Points and contours of glyph gid with its components resolved (maxp composite fields). */
static int totals(rescaler *rs, unsigned gid, unsigned depth)
{
    glyph_info *gi = &rs->glyphs[gid];
    if (gi->kind != GLYPH_COMPOSITE || gi->totals == TOTALS_DONE) {
        return BEIAN_OK;
    }
    if (gi->totals == TOTALS_BUSY || depth > MAX_NESTING) {
        return BEIAN_EDATA; /* a component cycle, or nesting no renderer follows */
    }
    gi->totals = TOTALS_BUSY;
    const unsigned char *g = rs->glyf + rs->loca[gid];
    size_t glen = rs->loca[gid + 1] - rs->loca[gid];
    size_t pos = GLYPH_HEADER;
    uint32_t points = 0, contours = 0;
    component c;
    do {
        if (read_component(rs, g, glen, &pos, &c) != BEIAN_OK ||
            totals(rs, c.gid, depth + 1) != BEIAN_OK) {
            return BEIAN_EDATA;
        }
        const glyph_info *ci = &rs->glyphs[c.gid];
        if (ci->kind != GLYPH_EMPTY) {
            points += ci->points;
            contours += ci->contours;
        }
        if (points > MAX_VALUE16 || contours > MAX_VALUE16) {
            return BEIAN_EDATA;
        }
    } while (c.flags & MORE_COMPONENTS);
    gi->points = points;
    gi->contours = contours;
    gi->totals = TOTALS_DONE;
    return BEIAN_OK;
}

static unsigned char *copy_table(const table *t)
{
    unsigned char *p = malloc(t->len ? t->len : 1);
    if (p && t->len) {
        memcpy(p, t->data, t->len);
    }
    return p;
}

/* Replaces t's bytes by p (owned from now on, also when p is NULL). */
static int own(table *t, unsigned char *p, size_t len)
{
    if (!p) {
        return BEIAN_EINTERNAL;
    }
    t->owned = p;
    t->data = p;
    t->len = len;
    return BEIAN_OK;
}

/* hmtx: advances and side bearings scaled. */
static int rewrite_hmtx(const rescaler *rs, table *hmtx, size_t n_metrics)
{
    unsigned char *p = copy_table(hmtx);
    if (own(hmtx, p, hmtx->len) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    for (size_t i = 0; i < n_metrics; i++) {
        scale_ufield(rs, p + 4 * i);
        scale_field(rs, p + 4 * i + 2);
    }
    for (size_t i = n_metrics; i < rs->num_glyphs; i++) {
        scale_field(rs, p + 4 * n_metrics + 2 * (i - n_metrics));
    }
    return BEIAN_OK;
}

/* hhea: line metrics scaled, the extremes recomputed from the new hmtx and glyphs. */
static int rewrite_hhea(const rescaler *rs, table *hhea, const unsigned char *hmtx,
                        size_t n_metrics)
{
    unsigned char *p = copy_table(hhea);
    if (own(hhea, p, hhea->len) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    scale_field(rs, p + 4);  /* ascender */
    scale_field(rs, p + 6);  /* descender */
    scale_field(rs, p + 8);  /* lineGap */
    scale_field(rs, p + 22); /* caretOffset */
    int32_t aw_max = 0;
    for (size_t i = 0; i < n_metrics; i++) {
        int32_t aw = (int32_t)rd16(hmtx + 4 * i);
        aw_max = aw > aw_max ? aw : aw_max;
    }
    wr16(p + 10, aw_max);
    int any = 0;
    int32_t min_lsb = 0, min_rsb = 0, max_ext = 0;
    for (size_t gid = 0; gid < rs->num_glyphs; gid++) {
        const glyph_info *gi = &rs->glyphs[gid];
        if (gi->kind == GLYPH_EMPTY) {
            continue; /* "glyphs with contours" only */
        }
        size_t m = gid < n_metrics ? gid : n_metrics - 1;
        int32_t aw = (int32_t)rd16(hmtx + 4 * m);
        int32_t lsb = gid < n_metrics ? rds16(hmtx + 4 * gid + 2)
                                      : rds16(hmtx + 4 * n_metrics + 2 * (gid - n_metrics));
        int32_t ext = lsb + (gi->xmax - gi->xmin);
        int32_t rsb = aw - ext;
        if (!any || lsb < min_lsb) {
            min_lsb = lsb;
        }
        if (!any || rsb < min_rsb) {
            min_rsb = rsb;
        }
        if (!any || ext > max_ext) {
            max_ext = ext;
        }
        any = 1;
    }
    if (any) {
        wr16(p + 12, clamp16(min_lsb));
        wr16(p + 14, clamp16(min_rsb));
        wr16(p + 16, clamp16(max_ext));
    } else {
        scale_field(rs, p + 12);
        scale_field(rs, p + 14);
        scale_field(rs, p + 16);
    }
    return BEIAN_OK;
}

/* head: new unitsPerEm, loca format and bbox; the checksum adjustment zeroed for now. */
static int rewrite_head(const rescaler *rs, table *head, int short_loca)
{
    unsigned char *p = copy_table(head);
    if (own(head, p, head->len) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    wr32(p + 8, 0);
    wr16(p + 18, (int32_t)rs->to);
    int any = 0;
    int32_t xmin = 0, ymin = 0, xmax = 0, ymax = 0;
    for (size_t gid = 0; gid < rs->num_glyphs; gid++) {
        const glyph_info *gi = &rs->glyphs[gid];
        if (gi->kind == GLYPH_EMPTY) {
            continue;
        }
        xmin = !any || gi->xmin < xmin ? gi->xmin : xmin;
        ymin = !any || gi->ymin < ymin ? gi->ymin : ymin;
        xmax = !any || gi->xmax > xmax ? gi->xmax : xmax;
        ymax = !any || gi->ymax > ymax ? gi->ymax : ymax;
        any = 1;
    }
    if (any) {
        wr16(p + 36, xmin);
        wr16(p + 38, ymin);
        wr16(p + 40, xmax);
        wr16(p + 42, ymax);
    } else {
        for (size_t off = 36; off <= 42; off += 2) {
            scale_field(rs, p + off);
        }
    }
    wr16(p + 50, short_loca ? 0 : 1);
    return BEIAN_OK;
}

/* maxp: outline maxima recomputed; no instructions are left. */
static int rewrite_maxp(rescaler *rs, table *maxp)
{
    uint32_t points = 0, contours = 0, cpoints = 0, ccontours = 0;
    for (unsigned gid = 0; gid < rs->num_glyphs; gid++) {
        if (totals(rs, gid, 0) != BEIAN_OK) {
            return BEIAN_EDATA;
        }
        const glyph_info *gi = &rs->glyphs[gid];
        if (gi->kind == GLYPH_SIMPLE) {
            points = gi->points > points ? gi->points : points;
            contours = gi->contours > contours ? gi->contours : contours;
        } else if (gi->kind == GLYPH_COMPOSITE) {
            cpoints = gi->points > cpoints ? gi->points : cpoints;
            ccontours = gi->contours > ccontours ? gi->contours : ccontours;
        }
    }
    unsigned char *p = copy_table(maxp);
    if (own(maxp, p, maxp->len) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    wr16(p + 6, (int32_t)points);
    wr16(p + 8, (int32_t)contours);
    wr16(p + 10, (int32_t)cpoints);
    wr16(p + 12, (int32_t)ccontours);
    wr16(p + 26, 0); /* maxSizeOfInstructions */
    return BEIAN_OK;
}

/* OS/2: the fields in font units, as far as the table's version and length carry them. */
static int rewrite_os2(const rescaler *rs, table *os2)
{
    /* xAvgCharWidth, sub- and superscript size and offset, strikeout size and position,
     * sTypoAscender, sTypoDescender, sTypoLineGap; then (version 2 on) sxHeight, sCapHeight. */
    static const size_t signed_fields[] = {2, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 68, 70, 72};
    static const size_t v2_fields[] = {86, 88};
    static const size_t unsigned_fields[] = {74, 76}; /* usWinAscent, usWinDescent */
    if (os2->len < 2) {
        return BEIAN_EDATA;
    }
    unsigned char *p = copy_table(os2);
    if (own(os2, p, os2->len) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    for (size_t i = 0; i < sizeof signed_fields / sizeof signed_fields[0]; i++) {
        if (fits(signed_fields[i], 2, os2->len)) {
            scale_field(rs, p + signed_fields[i]);
        }
    }
    for (size_t i = 0; i < sizeof unsigned_fields / sizeof unsigned_fields[0]; i++) {
        if (fits(unsigned_fields[i], 2, os2->len)) {
            scale_ufield(rs, p + unsigned_fields[i]);
        }
    }
    if (rd16(p) >= 2) {
        for (size_t i = 0; i < sizeof v2_fields / sizeof v2_fields[0]; i++) {
            if (fits(v2_fields[i], 2, os2->len)) {
                scale_field(rs, p + v2_fields[i]);
            }
        }
    }
    return BEIAN_OK;
}

/* post: underlinePosition and underlineThickness. */
static int rewrite_post(const rescaler *rs, table *post)
{
    if (post->len < POST_LEN) {
        return BEIAN_EDATA;
    }
    unsigned char *p = copy_table(post);
    if (own(post, p, post->len) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    scale_field(rs, p + 8);
    scale_field(rs, p + 10);
    return BEIAN_OK;
}

/* loca in the short format when every (even) offset / 2 fits 16 bits. */
static int rewrite_loca(const rescaler *rs, table *loca, int *short_loca)
{
    size_t n = (size_t)rs->num_glyphs + 1;
    *short_loca = rs->new_loca[rs->num_glyphs] / 2 <= MAX_VALUE16;
    size_t len = n * (*short_loca ? 2 : 4);
    unsigned char *p = malloc(len);
    if (own(loca, p, len) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    for (size_t i = 0; i < n; i++) {
        if (*short_loca) {
            wr16(p + 2 * i, (int32_t)(rs->new_loca[i] / 2));
        } else {
            wr32(p + 4 * i, rs->new_loca[i]);
        }
    }
    return BEIAN_OK;
}

/* Lays out the font: directory (tag order), 4-byte aligned tables, checksums. */
static int assemble(table *t, size_t n, unsigned char **out, size_t *out_len)
{
    for (size_t i = 1; i < n; i++) { /* insertion sort by tag: n <= MAX_TABLES */
        table tmp = t[i];
        size_t j = i;
        for (; j > 0 && t[j - 1].tag > tmp.tag; j--) {
            t[j] = t[j - 1];
        }
        t[j] = tmp;
    }
    size_t total = 12 + 16 * n;
    for (size_t i = 0; i < n; i++) {
        size_t padded = t[i].len + (4 - t[i].len % 4) % 4;
        if (t[i].len > SIZE_MAX - 3 || padded > SIZE_MAX - total || padded > UINT32_MAX) {
            return BEIAN_EDATA;
        }
        total += padded;
    }
    if (total > UINT32_MAX) {
        return BEIAN_EDATA;
    }
    unsigned char *buf = calloc(total, 1);
    if (!buf) {
        return BEIAN_EINTERNAL;
    }
    unsigned search = 1, selector = 0;
    while (search * 2 <= n) {
        search *= 2;
        selector++;
    }
    wr32(buf, 0x00010000u);
    wr16(buf + 4, (int32_t)n);
    wr16(buf + 6, (int32_t)(search * 16));
    wr16(buf + 8, (int32_t)selector);
    wr16(buf + 10, (int32_t)(n * 16 - search * 16));
    size_t off = 12 + 16 * n, head_off = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char *r = buf + 12 + 16 * i;
        wr32(r, t[i].tag);
        wr32(r + 4, checksum(t[i].data, t[i].len));
        wr32(r + 8, (uint32_t)off);
        wr32(r + 12, (uint32_t)t[i].len);
        if (t[i].len) {
            memcpy(buf + off, t[i].data, t[i].len);
        }
        if (t[i].tag == TAG('h', 'e', 'a', 'd')) {
            head_off = off;
        }
        off += t[i].len + (4 - t[i].len % 4) % 4;
    }
    wr32(buf + head_off + 8, CHECKSUM_MAGIC - checksum(buf, total));
    *out = buf;
    *out_len = total;
    return BEIAN_OK;
}

int beian_ttf_bbox(const unsigned char *font, size_t len, int bbox[4])
{
    if (len < 12) {
        return BEIAN_EDATA;
    }
    size_t n = rd16(font + 4);
    if (!fits(12, 16 * n, len)) {
        return BEIAN_EDATA;
    }
    for (size_t i = 0; i < n; i++) {
        const unsigned char *r = font + 12 + 16 * i;
        size_t off = rd32(r + 8), tlen = rd32(r + 12);
        if (rd32(r) != TAG('h', 'e', 'a', 'd')) {
            continue;
        }
        if (tlen < HEAD_LEN || !fits(off, tlen, len)) {
            return BEIAN_EDATA;
        }
        const unsigned char *h = font + off;
        long upem = (long)rd16(h + 18);
        if (upem == 0) {
            return BEIAN_EDATA;
        }
        for (int k = 0; k < 4; k++) {
            long v = (long)rds16(h + 36 + 2 * k) * 1000;
            /* outward: floor for the minimum, ceiling for the maximum */
            bbox[k] = (int)(k < 2 ? (v >= 0 ? v / upem : -((-v + upem - 1) / upem))
                                  : (v >= 0 ? (v + upem - 1) / upem : -(-v / upem)));
        }
        return BEIAN_OK;
    }
    return BEIAN_EDATA;
}

int beian_ttf_rescale(const unsigned char *font, size_t len, unsigned new_upem, unsigned char **out,
                      size_t *out_len)
{
    int rc = BEIAN_EDATA;
    table *t = NULL;
    size_t nt = 0;
    rescaler rs;
    memset(&rs, 0, sizeof rs);
    beian_buf_init(&rs.glyf_out);
    *out = NULL;
    *out_len = 0;
    if (!font) {
        goto done;
    }
    rc = read_directory(font, len, &t, &nt);
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = BEIAN_EDATA;
    table *head = find(t, nt, TAG('h', 'e', 'a', 'd'));
    table *hhea = find(t, nt, TAG('h', 'h', 'e', 'a'));
    table *hmtx = find(t, nt, TAG('h', 'm', 't', 'x'));
    table *maxp = find(t, nt, TAG('m', 'a', 'x', 'p'));
    table *loca = find(t, nt, TAG('l', 'o', 'c', 'a'));
    table *glyf = find(t, nt, TAG('g', 'l', 'y', 'f'));
    table *os2 = find(t, nt, TAG('O', 'S', '/', '2'));
    table *post = find(t, nt, TAG('p', 'o', 's', 't'));
    const table *colr = find(t, nt, TAG('C', 'O', 'L', 'R'));
    if (!head || !hhea || !hmtx || !maxp || !loca || !glyf) {
        goto done;
    }
    if (colr && (colr->len < 2 || rd16(colr->data) != 0)) {
        goto done; /* COLR version 1 has coordinates; version 0 only glyph ids */
    }

    if (head->len < HEAD_LEN || rd16(head->data) != 1 || rd32(head->data + 12) != HEAD_MAGIC) {
        goto done;
    }
    unsigned upem = rd16(head->data + 18);
    unsigned loca_format = rd16(head->data + 50);
    if (upem < UPEM_MIN || upem > UPEM_MAX || new_upem < UPEM_MIN || new_upem >= upem ||
        loca_format > 1 || rd16(head->data + 52) != 0) {
        goto done;
    }
    rs.from = upem;
    rs.to = new_upem;

    if (maxp->len < MAXP_LEN || rd32(maxp->data) != 0x00010000u) {
        goto done;
    }
    rs.num_glyphs = rd16(maxp->data + 4);
    if (hhea->len < HHEA_LEN || rs.num_glyphs == 0) {
        goto done;
    }
    size_t n_metrics = rd16(hhea->data + 34);
    if (n_metrics == 0 || n_metrics > rs.num_glyphs ||
        hmtx->len < 4 * n_metrics + 2 * (rs.num_glyphs - n_metrics)) {
        goto done;
    }

    size_t loca_entry = loca_format ? 4 : 2;
    size_t n_loca = (size_t)rs.num_glyphs + 1;
    if (loca->len < n_loca * loca_entry) {
        goto done;
    }
    rs.loca = malloc(n_loca * sizeof *rs.loca);
    rs.new_loca = malloc(n_loca * sizeof *rs.new_loca);
    rs.glyphs = calloc(rs.num_glyphs, sizeof *rs.glyphs);
    if (!rs.loca || !rs.new_loca || !rs.glyphs) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    for (size_t i = 0; i < n_loca; i++) {
        const unsigned char *e = loca->data + i * loca_entry;
        uint32_t off = loca_format ? rd32(e) : 2 * (uint32_t)rd16(e);
        if (off > glyf->len || (i > 0 && off < rs.loca[i - 1])) {
            goto done;
        }
        rs.loca[i] = off;
    }
    rs.glyf = glyf->data;

    /* Composites first: whether any anchors by point number decides point removal. */
    for (unsigned gid = 0; gid < rs.num_glyphs; gid++) {
        size_t glen = rs.loca[gid + 1] - rs.loca[gid];
        const unsigned char *g = rs.glyf + rs.loca[gid];
        if (glen >= GLYPH_HEADER && rds16(g) == -1 && check_composite(&rs, g, glen) != BEIAN_OK) {
            goto done;
        }
    }
    rc = rewrite_glyphs(&rs);
    if (rc != BEIAN_OK) {
        goto done;
    }
    int short_loca = 0;
    rc = rewrite_maxp(&rs, maxp);
    if (rc == BEIAN_OK) {
        rc = rewrite_hmtx(&rs, hmtx, n_metrics);
    }
    if (rc == BEIAN_OK) {
        rc = rewrite_hhea(&rs, hhea, hmtx->data, n_metrics);
    }
    if (rc == BEIAN_OK) {
        rc = rewrite_loca(&rs, loca, &short_loca);
    }
    if (rc == BEIAN_OK) {
        rc = rewrite_head(&rs, head, short_loca);
    }
    if (rc == BEIAN_OK && os2) {
        rc = rewrite_os2(&rs, os2);
    }
    if (rc == BEIAN_OK && post) {
        rc = rewrite_post(&rs, post);
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    glyf->data = rs.glyf_out.data ? rs.glyf_out.data : (const unsigned char *)"";
    glyf->len = rs.glyf_out.len;

    size_t kept = 0;
    for (size_t i = 0; i < nt; i++) {
        if (!dropped(t[i].tag)) {
            t[kept++] = t[i];
        } else {
            free(t[i].owned);
        }
    }
    nt = kept;
    rc = assemble(t, nt, out, out_len);

done:
    for (size_t i = 0; i < nt; i++) {
        free(t[i].owned);
    }
    free(t);
    free(rs.loca);
    free(rs.new_loca);
    free(rs.glyphs);
    free(rs.x);
    free(rs.y);
    free(rs.flags);
    free(rs.keep);
    free(rs.ends);
    free(rs.enc);
    beian_buf_release(&rs.glyf_out);
    return rc;
}
