/*
 * ttf_tables.c - the tables of the TrueType rescaler (beian_ttf_rescale, ttf.c) other than
 * glyf: reads and checks the table directory, refuses tables holding font units it does
 * not rescale, rewrites the metrics (hmtx, hhea, head, maxp, OS/2, post, loca) from the
 * glyphs ttf_glyf.c made, and assembles the new font. Maxima and minima over glyphs are
 * recomputed, not scaled, so they are exact.
 *
 * Spec: OpenType 1.9, chapters head, hhea, hmtx, maxp, OS/2, post, loca, and "Calculating
 * Checksums" in the font file chapter.
 */
#include "ttf_tables.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "beian/common.h"
#include "ttf_bytes.h"
#include "ttf_glyf.h"

enum {
    MAX_TABLES = 256, /* real fonts have fewer than 40 tables, hb-subset output about 10 */
    POST_LEN = 32
};

/* head.checkSumAdjustment is this constant minus the checksum of the whole font. */
#define CHECKSUM_MAGIC 0xB1B0AFBAu

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

table *beian_ttf_find_table(table *t, size_t n, uint32_t tag)
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

int beian_ttf_read_directory(const unsigned char *font, size_t len, table **out, size_t *count)
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
        if (!fits(off, tlen, len) || beian_ttf_find_table(t, i, t[i].tag) || refused(t[i].tag)) {
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
        if (beian_ttf_totals(rs, gid, 0) != BEIAN_OK) {
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

int beian_ttf_rewrite_tables(rescaler *rs, table *t, size_t nt, size_t n_metrics)
{
    table *hmtx = beian_ttf_find_table(t, nt, TAG('h', 'm', 't', 'x'));
    table *os2 = beian_ttf_find_table(t, nt, TAG('O', 'S', '/', '2'));
    table *post = beian_ttf_find_table(t, nt, TAG('p', 'o', 's', 't'));
    int short_loca = 0;
    int rc = rewrite_maxp(rs, beian_ttf_find_table(t, nt, TAG('m', 'a', 'x', 'p')));
    if (rc == BEIAN_OK) {
        rc = rewrite_hmtx(rs, hmtx, n_metrics);
    }
    if (rc == BEIAN_OK) {
        rc = rewrite_hhea(rs, beian_ttf_find_table(t, nt, TAG('h', 'h', 'e', 'a')), hmtx->data,
                          n_metrics);
    }
    if (rc == BEIAN_OK) {
        rc = rewrite_loca(rs, beian_ttf_find_table(t, nt, TAG('l', 'o', 'c', 'a')), &short_loca);
    }
    if (rc == BEIAN_OK) {
        rc = rewrite_head(rs, beian_ttf_find_table(t, nt, TAG('h', 'e', 'a', 'd')), short_loca);
    }
    if (rc == BEIAN_OK && os2) {
        rc = rewrite_os2(rs, os2);
    }
    if (rc == BEIAN_OK && post) {
        rc = rewrite_post(rs, post);
    }
    return rc;
}

int beian_ttf_assemble(table *t, size_t *nt, unsigned char **out, size_t *out_len)
{
    size_t kept = 0;
    for (size_t i = 0; i < *nt; i++) {
        if (!dropped(t[i].tag)) {
            t[kept++] = t[i];
        } else {
            free(t[i].owned);
        }
    }
    *nt = kept;
    return assemble(t, kept, out, out_len);
}
