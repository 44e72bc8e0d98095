/*
 * ttf.c - rescales a TrueType subset to fewer units per em (beian_ttf_rescale), and reads
 * a font's bounding box (beian_ttf_bbox).
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
 *
 * Files: this one checks the input's head, maxp, hhea, hmtx and loca and runs the passes;
 * ttf_glyf.c rewrites the glyphs, ttf_tables.c reads the directory, rewrites the other
 * tables and assembles the result; ttf_bytes.h holds the byte readers all three use.
 */
#include "beian/ttf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ttf_bytes.h"
#include "ttf_glyf.h"
#include "ttf_tables.h"
#include "util.h"

enum {
    UPEM_MIN = 16, /* head.unitsPerEm: "valid range is from 16 to 16384" */
    UPEM_MAX = 16384,
    HEAD_LEN = 54,
    HHEA_LEN = 36,
    MAXP_LEN = 32 /* version 1.0; 0.5 is the CFF flavour */
};

/* head.magicNumber */
#define HEAD_MAGIC 0x5F0F3CF5u

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
    rc = beian_ttf_read_directory(font, len, &t, &nt);
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = BEIAN_EDATA;
    table *head = beian_ttf_find_table(t, nt, TAG('h', 'e', 'a', 'd'));
    table *hhea = beian_ttf_find_table(t, nt, TAG('h', 'h', 'e', 'a'));
    table *hmtx = beian_ttf_find_table(t, nt, TAG('h', 'm', 't', 'x'));
    table *maxp = beian_ttf_find_table(t, nt, TAG('m', 'a', 'x', 'p'));
    table *loca = beian_ttf_find_table(t, nt, TAG('l', 'o', 'c', 'a'));
    table *glyf = beian_ttf_find_table(t, nt, TAG('g', 'l', 'y', 'f'));
    const table *colr = beian_ttf_find_table(t, nt, TAG('C', 'O', 'L', 'R'));
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
        if (glen >= GLYPH_HEADER && rds16(g) == -1 &&
            beian_ttf_check_composite(&rs, g, glen) != BEIAN_OK) {
            goto done;
        }
    }
    rc = beian_ttf_rewrite_glyphs(&rs);
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = beian_ttf_rewrite_tables(&rs, t, nt, n_metrics);
    if (rc != BEIAN_OK) {
        goto done;
    }
    glyf->data = rs.glyf_out.data ? rs.glyf_out.data : (const unsigned char *)"";
    glyf->len = rs.glyf_out.len;
    rc = beian_ttf_assemble(t, &nt, out, out_len);

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
