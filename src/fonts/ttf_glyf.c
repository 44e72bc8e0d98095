/*
 * ttf_glyf.c - the glyf pass of the TrueType rescaler (beian_ttf_rescale, ttf.c): decodes
 * every glyph to absolute coordinates, scales and rounds them, merges the points rounding
 * made equal where the outline stays the same, and re-encodes simple glyphs with the
 * smallest flags; composites get their offsets scaled. The rules (rounding, which points may
 * go, why point-anchored composites keep every point) are in ttf.c's file comment.
 *
 * Spec: OpenType 1.9, chapter glyf ("Simple Glyph Description", "Composite Glyph
 * Description").
 */
#include "ttf_glyf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "beian/common.h"
#include "ttf_bytes.h"

enum {
    MAX_NESTING = 16 /* composite depth; harfbuzz stops drawing at 6 */
};

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

enum { TOTALS_TODO, TOTALS_BUSY, TOTALS_DONE };

typedef struct {
    unsigned flags, gid;
    int32_t arg1, arg2;         /* signed offsets, or unsigned point numbers */
    const unsigned char *xform; /* the scale or matrix, copied as is */
    size_t xform_len;
} component;

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

int beian_ttf_check_composite(rescaler *rs, const unsigned char *g, size_t glen)
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

int beian_ttf_rewrite_glyphs(rescaler *rs)
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

int beian_ttf_totals(rescaler *rs, unsigned gid, unsigned depth)
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
            beian_ttf_totals(rs, c.gid, depth + 1) != BEIAN_OK) {
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
