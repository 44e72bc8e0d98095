/*
 * test_ttf.c - beian_ttf_rescale on real hb-subset output: Droid Sans Fallback (256 units per
 * em, ideographs built from composite radicals) to 128, DejaVu Sans (2048, hinted, accented
 * letters as composites) to 256.
 *
 * harfbuzz reads every result back: same glyphs for the same code points, advances scaled
 * and rounded (exact for the ideographs), extents within one unit, and the drawn outlines
 * with the same contours, every point within one new unit of where the old one lands. The
 * checksums are recomputed here from the bytes. A last test feeds truncated and bit-flipped
 * fonts and only asks for a clean answer (a sanitizer build turns any bad read into a
 * failure). When /usr/bin/python3 has fontTools, an extra test has it recompute the bounds
 * and maxp; without it that test is skipped.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <hb-subset.h>
#include <hb.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "beian/common.h"
#include "beian/ttf.h"

#define DROID "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf"
#define DEJAVU "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
#define PYTHON "/usr/bin/python3"

typedef struct {
    unsigned char *data;
    size_t len;
} bytes;

static unsigned rd16(const unsigned char *p)
{
    return ((unsigned)p[0] << 8) | p[1];
}

static uint32_t rd32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* The table tag of f, or NULL; the checks here trust f (it passed check_checksums). */
static const unsigned char *table(const bytes *f, const char *tag, size_t *len)
{
    unsigned n = rd16(f->data + 4);
    for (unsigned i = 0; i < n; i++) {
        const unsigned char *r = f->data + 12 + 16 * i;
        if (memcmp(r, tag, 4) == 0) {
            *len = rd32(r + 12);
            return f->data + rd32(r + 8);
        }
    }
    *len = 0;
    return NULL;
}

/*
 * A subset of the font at path with code points cps[0..n), as beian_fonts_subset makes it
 * (layout tables dropped). hinted keeps the instructions, fpgm, prep and cvt.
 */
static bytes subset(const char *path, const uint32_t *cps, size_t n, int hinted)
{
    static const char *const drop[] = {"GSUB", "GPOS", "GDEF", "BASE", "JSTF", "morx", "kern",
                                       "vhea", "vmtx", "VORG", "DSIG", "EBDT", "EBLC", "EBSC",
                                       "gasp", "hdmx", "LTSH", "VDMX", "MATH"};
    bytes out = {NULL, 0};
    hb_blob_t *blob = hb_blob_create_from_file_or_fail(path);
    assert_non_null(blob);
    hb_face_t *face = hb_face_create(blob, 0);
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    assert_non_null(in);
    hb_set_t *uni = hb_subset_input_unicode_set(in);
    for (size_t i = 0; i < n; i++) {
        hb_set_add(uni, cps[i]);
    }
    if (!hinted) {
        hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
    }
    hb_set_t *tags = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    for (size_t i = 0; i < sizeof drop / sizeof drop[0]; i++) {
        hb_set_add(tags, hb_tag_from_string(drop[i], 4));
    }
    hb_face_t *sub = hb_subset_or_fail(face, in);
    assert_non_null(sub);
    hb_blob_t *sblob = hb_face_reference_blob(sub);
    unsigned len = 0;
    const char *data = hb_blob_get_data(sblob, &len);
    assert_true(len > 0);
    out.data = malloc(len);
    assert_non_null(out.data);
    memcpy(out.data, data, len);
    out.len = len;
    hb_blob_destroy(sblob);
    hb_face_destroy(sub);
    hb_subset_input_destroy(in);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    return out;
}

/* 300 ideographs spread over the URO block, and CJK punctuation. */
static size_t cjk_points(uint32_t *cps)
{
    size_t n = 0;
    for (uint32_t i = 0; i < 300; i++) {
        cps[n++] = 0x4E00 + i * 69;
    }
    static const uint32_t punct[] = {0x3001, 0x3002, 0xFF08, 0xFF09, 0xFF0C, 0xFF1A, 0xFF1B};
    for (size_t i = 0; i < sizeof punct / sizeof punct[0]; i++) {
        cps[n++] = punct[i];
    }
    return n;
}

/* ASCII letters, digits and punctuation, and Latin-1 and Latin Extended-A letters. */
static size_t latin_points(uint32_t *cps)
{
    size_t n = 0;
    for (uint32_t c = 0x20; c < 0x7F; c++) {
        cps[n++] = c;
    }
    for (uint32_t c = 0xC0; c < 0x180; c++) {
        cps[n++] = c;
    }
    return n;
}

static bytes rescale(const bytes *in, unsigned upem)
{
    bytes out = {NULL, 0};
    assert_int_equal(beian_ttf_rescale(in->data, in->len, upem, &out.data, &out.len), BEIAN_OK);
    assert_non_null(out.data);
    return out;
}

/* Every table's checksum, and the whole file summing to 0xB1B0AFBA with the adjustment. */
static void check_checksums(const bytes *f)
{
    assert_true(f->len >= 12 && f->len % 4 == 0);
    unsigned n = rd16(f->data + 4);
    assert_true(12 + 16 * (size_t)n <= f->len);
    int have_head = 0;
    for (unsigned i = 0; i < n; i++) {
        const unsigned char *r = f->data + 12 + 16 * i;
        uint32_t off = rd32(r + 8), len = rd32(r + 12);
        assert_true(off % 4 == 0 && off <= f->len && len <= f->len - off);
        if (i > 0) {
            assert_true(rd32(r) > rd32(r - 16)); /* sorted, no duplicates */
        }
        uint32_t sum = 0;
        for (uint32_t k = 0; k < len; k += 4) {
            unsigned char w[4] = {0, 0, 0, 0};
            memcpy(w, f->data + off + k, len - k < 4 ? len - k : 4);
            if (memcmp(r, "head", 4) == 0 && k == 8) {
                memset(w, 0, 4); /* checkSumAdjustment counts as 0 */
            }
            sum += rd32(w);
        }
        assert_int_equal(sum, rd32(r + 4));
        have_head |= memcmp(r, "head", 4) == 0;
    }
    assert_true(have_head);
    uint32_t total = 0;
    for (size_t k = 0; k < f->len; k += 4) {
        total += rd32(f->data + k);
    }
    assert_int_equal(total, 0xB1B0AFBAu);
}

/* Glyph gid's numberOfContours and, for a simple glyph, its point count. */
static int glyph_points(const bytes *f, unsigned gid, unsigned *points)
{
    size_t hl, ll, gl;
    const unsigned char *head = table(f, "head", &hl);
    const unsigned char *loca = table(f, "loca", &ll);
    const unsigned char *glyf = table(f, "glyf", &gl);
    assert_non_null(head);
    assert_non_null(loca);
    assert_non_null(glyf);
    int long_loca = rd16(head + 50) == 1;
    size_t a = long_loca ? rd32(loca + 4 * gid) : 2 * (size_t)rd16(loca + 2 * gid);
    size_t b = long_loca ? rd32(loca + 4 * gid + 4) : 2 * (size_t)rd16(loca + 2 * gid + 2);
    *points = 0;
    if (a == b) {
        return 0;
    }
    int nc = (int16_t)rd16(glyf + a);
    if (nc > 0) {
        *points = rd16(glyf + a + 10 + 2 * (nc - 1)) + 1;
    }
    return nc;
}

/* A drawn outline: every end and control point, tagged with its contour. */
typedef struct {
    float x, y;
    int contour;
} point;

typedef struct {
    point *p;
    size_t n, cap;
    int contours; /* move_to calls */
    int closes;   /* close_path calls */
} outline;

static void add_point(outline *o, float x, float y)
{
    if (o->n == o->cap) {
        o->cap = o->cap ? 2 * o->cap : 64;
        o->p = realloc(o->p, o->cap * sizeof *o->p);
        assert_non_null(o->p);
    }
    o->p[o->n].x = x;
    o->p[o->n].y = y;
    o->p[o->n].contour = o->contours - 1;
    o->n++;
}

static void on_move(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float x, float y,
                    void *user)
{
    (void)df, (void)st, (void)user;
    outline *o = data;
    o->contours++;
    add_point(o, x, y);
}

static void on_line(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float x, float y,
                    void *user)
{
    (void)df, (void)st, (void)user;
    add_point(data, x, y);
}

static void on_quad(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float cx, float cy,
                    float x, float y, void *user)
{
    (void)df, (void)st, (void)user;
    add_point(data, cx, cy);
    add_point(data, x, y);
}

static void on_cubic(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, float c1x, float c1y,
                     float c2x, float c2y, float x, float y, void *user)
{
    (void)df, (void)st, (void)user;
    add_point(data, c1x, c1y);
    add_point(data, c2x, c2y);
    add_point(data, x, y);
}

static void on_close(hb_draw_funcs_t *df, void *data, hb_draw_state_t *st, void *user)
{
    (void)df, (void)st, (void)user;
    ((outline *)data)->closes++;
}

static hb_draw_funcs_t *draw_funcs(void)
{
    hb_draw_funcs_t *df = hb_draw_funcs_create();
    hb_draw_funcs_set_move_to_func(df, on_move, NULL, NULL);
    hb_draw_funcs_set_line_to_func(df, on_line, NULL, NULL);
    hb_draw_funcs_set_quadratic_to_func(df, on_quad, NULL, NULL);
    hb_draw_funcs_set_cubic_to_func(df, on_cubic, NULL, NULL);
    hb_draw_funcs_set_close_path_func(df, on_close, NULL, NULL);
    hb_draw_funcs_make_immutable(df);
    return df;
}

static void draw(hb_font_t *font, hb_draw_funcs_t *df, unsigned gid, outline *o)
{
    o->n = 0;
    o->contours = 0;
    o->closes = 0;
    hb_font_get_glyph_shape(font, gid, df, o);
}

/* v * to / from, rounded to nearest with halves up, for v >= 0. */
static long scaled(long v, long from, long to)
{
    return (2 * v * to + from) / (2 * from);
}

typedef struct {
    unsigned glyphs;
    unsigned exact_advances; /* advances that were exact multiples, and stayed exact */
    unsigned composites;
    unsigned long old_points, new_points; /* simple glyphs' points in glyf */
    size_t old_glyf, new_glyf;
} summary;

/*
 * Everything harfbuzz can see of old and new: glyph count, cmap, advances, extents and
 * outlines, plus the glyf sizes and point counts read directly.
 */
static summary compare(const bytes *old, const bytes *neu, const uint32_t *cps, size_t n,
                       unsigned from, unsigned to)
{
    summary s;
    memset(&s, 0, sizeof s);
    check_checksums(neu);
    hb_blob_t *ob = hb_blob_create((const char *)old->data, (unsigned)old->len,
                                   HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_blob_t *nb = hb_blob_create((const char *)neu->data, (unsigned)neu->len,
                                   HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *of = hb_face_create(ob, 0), *nf = hb_face_create(nb, 0);
    assert_int_equal(hb_face_get_upem(of), from);
    assert_int_equal(hb_face_get_upem(nf), to);
    s.glyphs = hb_face_get_glyph_count(of);
    assert_true(s.glyphs > 1);
    assert_int_equal(hb_face_get_glyph_count(nf), s.glyphs);
    hb_font_t *ofont = hb_font_create(of), *nfont = hb_font_create(nf);

    for (size_t i = 0; i < n; i++) {
        hb_codepoint_t og = 0, ng = 0;
        assert_int_equal(hb_font_get_nominal_glyph(ofont, cps[i], &og),
                         hb_font_get_nominal_glyph(nfont, cps[i], &ng));
        assert_int_equal(og, ng);
    }

    hb_draw_funcs_t *df = draw_funcs();
    outline oo = {NULL, 0, 0, 0, 0}, no = {NULL, 0, 0, 0, 0};
    double k = (double)to / from;
    for (unsigned gid = 0; gid < s.glyphs; gid++) {
        long oa = hb_font_get_glyph_h_advance(ofont, gid);
        long na = hb_font_get_glyph_h_advance(nfont, gid);
        assert_int_equal(na, scaled(oa, from, to));
        if (oa * to % from == 0) {
            /* The layout's width, advance * 1000 / upem truncated, does not move. */
            assert_int_equal(na * 1000 / to, oa * 1000 / from);
            s.exact_advances++;
        }

        hb_glyph_extents_t oe, ne;
        assert_int_equal(hb_font_get_glyph_extents(ofont, gid, &oe),
                         hb_font_get_glyph_extents(nfont, gid, &ne));
        assert_true(fabs(ne.x_bearing - oe.x_bearing * k) <= 1.0);
        assert_true(fabs(ne.y_bearing - oe.y_bearing * k) <= 1.0);
        assert_true(fabs(ne.width - oe.width * k) <= 1.0);
        assert_true(fabs(ne.height - oe.height * k) <= 1.0);

        draw(ofont, df, gid, &oo);
        draw(nfont, df, gid, &no);
        assert_int_equal(no.contours, oo.contours);
        assert_int_equal(no.closes, oo.closes);
        assert_true(no.n <= oo.n);
        /* Each new point lies within one new unit of an old point of the same contour:
         * half a unit from rounding the point, half from rounding a component offset. */
        for (size_t a = 0; a < no.n; a++) {
            int near = 0;
            for (size_t b = 0; b < oo.n && !near; b++) {
                near = oo.p[b].contour == no.p[a].contour &&
                       fabs(no.p[a].x - oo.p[b].x * k) <= 1.0001 &&
                       fabs(no.p[a].y - oo.p[b].y * k) <= 1.0001;
            }
            if (!near) {
                fail_msg("glyph %u: point (%g, %g) of contour %d is nowhere near the old outline",
                         gid, no.p[a].x, no.p[a].y, no.p[a].contour);
            }
        }

        unsigned op, np;
        int onc = glyph_points(old, gid, &op), nnc = glyph_points(neu, gid, &np);
        assert_int_equal(nnc, onc > 0 || onc == -1 ? onc : 0);
        s.composites += onc == -1;
        s.old_points += op;
        s.new_points += np;
        assert_true(np <= op);
    }
    free(oo.p);
    free(no.p);
    hb_draw_funcs_destroy(df);

    hb_blob_t *og = hb_face_reference_table(of, HB_TAG('g', 'l', 'y', 'f'));
    hb_blob_t *ng = hb_face_reference_table(nf, HB_TAG('g', 'l', 'y', 'f'));
    s.old_glyf = hb_blob_get_length(og);
    s.new_glyf = hb_blob_get_length(ng);
    hb_blob_destroy(og);
    hb_blob_destroy(ng);
    hb_font_destroy(ofont);
    hb_font_destroy(nfont);
    hb_face_destroy(of);
    hb_face_destroy(nf);
    hb_blob_destroy(ob);
    hb_blob_destroy(nb);
    return s;
}

static void test_ttf__droid_subset_at_128_units_keeps_glyphs_metrics_and_outlines(void **state)
{
    (void)state;
    uint32_t cps[400];
    size_t n = cjk_points(cps);
    bytes old = subset(DROID, cps, n, 0);
    bytes neu = rescale(&old, 128);
    summary s = compare(&old, &neu, cps, n, 256, 128);
    assert_true(s.glyphs > 300);
    assert_true(s.composites > 100); /* Droid builds ideographs from radicals */
    assert_true(s.exact_advances == s.glyphs);
    assert_true(s.new_points < s.old_points); /* rounding merged points somewhere */
    assert_true(s.new_glyf < s.old_glyf);
    assert_true(neu.len < old.len);
    free(old.data);
    free(neu.data);
}

static void test_ttf__ideograph_advances_halve_exactly(void **state)
{
    (void)state;
    uint32_t cps[] = {0x4E2D, 0x6587, 0x5B57, 0x4F53, 0x5907, 0x6848, 0x3002};
    bytes old = subset(DROID, cps, sizeof cps / sizeof cps[0], 0);
    bytes neu = rescale(&old, 128);
    hb_blob_t *blob = hb_blob_create((const char *)neu.data, (unsigned)neu.len,
                                     HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *face = hb_face_create(blob, 0);
    hb_font_t *font = hb_font_create(face);
    for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
        hb_codepoint_t g = 0;
        assert_true(hb_font_get_nominal_glyph(font, cps[i], &g));
        assert_int_equal(hb_font_get_glyph_h_advance(font, g), 128);
    }
    size_t len;
    const unsigned char *hhea = table(&neu, "hhea", &len);
    assert_int_equal(rd16(hhea + 10), 128); /* advanceWidthMax */
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    free(old.data);
    free(neu.data);
}

static void test_ttf__hinted_dejavu_at_256_units_drops_hinting_keeps_outlines(void **state)
{
    (void)state;
    uint32_t cps[400];
    size_t n = latin_points(cps);
    bytes old = subset(DEJAVU, cps, n, 1);
    size_t len;
    assert_non_null(table(&old, "fpgm", &len));
    assert_non_null(table(&old, "prep", &len));
    bytes neu = rescale(&old, 256);
    summary s = compare(&old, &neu, cps, n, 2048, 256);
    assert_true(s.composites > 50); /* the accented letters */
    assert_true(s.new_glyf < s.old_glyf);
    assert_null(table(&neu, "fpgm", &len));
    assert_null(table(&neu, "prep", &len));
    assert_null(table(&neu, "cvt ", &len));
    const unsigned char *maxp = table(&neu, "maxp", &len);
    assert_int_equal(rd16(maxp + 26), 0); /* maxSizeOfInstructions */
    /* Every simple glyph's instructionLength is 0, and maxPoints is the largest glyph. */
    unsigned max_points = 0;
    for (unsigned gid = 0; gid < s.glyphs; gid++) {
        unsigned points;
        int nc = glyph_points(&neu, gid, &points);
        max_points = points > max_points ? points : max_points;
        if (nc > 0) {
            size_t hl, ll, gl;
            const unsigned char *head = table(&neu, "head", &hl);
            const unsigned char *loca = table(&neu, "loca", &ll);
            const unsigned char *glyf = table(&neu, "glyf", &gl);
            size_t off = rd16(head + 50) ? rd32(loca + 4 * gid) : 2 * (size_t)rd16(loca + 2 * gid);
            assert_int_equal(rd16(glyf + off + 10 + 2 * (size_t)nc), 0);
        }
    }
    assert_int_equal(rd16(maxp + 6), max_points);
    free(old.data);
    free(neu.data);
}

static void test_ttf__same_input_same_bytes(void **state)
{
    (void)state;
    uint32_t cps[400];
    size_t n = latin_points(cps);
    bytes old = subset(DEJAVU, cps, n, 0);
    bytes a = rescale(&old, 1000);
    bytes b = rescale(&old, 1000);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    free(old.data);
    free(a.data);
    free(b.data);
}

/* With a component placed by point numbers, every point stays where it was counted. */
static void test_ttf__point_anchored_components_keep_every_point(void **state)
{
    (void)state;
    uint32_t cps[400];
    size_t n = cjk_points(cps);
    bytes old = subset(DROID, cps, n, 0);
    /* Turn every component of every composite into "match point 0 with point 0". */
    size_t hl, ll, gl;
    const unsigned char *head = table(&old, "head", &hl);
    const unsigned char *loca = table(&old, "loca", &ll);
    unsigned char *glyf = (unsigned char *)table(&old, "glyf", &gl);
    unsigned glyphs = rd16(table(&old, "maxp", &ll) + 4);
    int anchored = 0;
    for (unsigned gid = 0; gid < glyphs; gid++) {
        size_t a = rd16(head + 50) ? rd32(loca + 4 * gid) : 2 * (size_t)rd16(loca + 2 * gid);
        size_t b =
            rd16(head + 50) ? rd32(loca + 4 * gid + 4) : 2 * (size_t)rd16(loca + 2 * gid + 2);
        if (b - a < 10 || rd16(glyf + a) != 0xFFFF) {
            continue;
        }
        size_t p = a + 10;
        unsigned flags;
        do {
            flags = rd16(glyf + p);
            size_t args = (flags & 1) ? 4 : 2;
            glyf[p + 1] = (unsigned char)(glyf[p + 1] & ~2u); /* ARGS_ARE_XY_VALUES off */
            memset(glyf + p + 4, 0, args);
            p += 4 + args + ((flags & 8) ? 2 : (flags & 0x40) ? 4 : (flags & 0x80) ? 8 : 0);
            anchored = 1;
        } while (flags & 0x20);
    }
    assert_true(anchored);
    bytes neu = rescale(&old, 128);
    check_checksums(&neu);
    for (unsigned gid = 0; gid < glyphs; gid++) {
        unsigned op, np;
        assert_int_equal(glyph_points(&neu, gid, &np), glyph_points(&old, gid, &op));
        assert_int_equal(np, op);
    }
    free(old.data);
    free(neu.data);
}

/* A hand-made font with one simple glyph (gid 1), for the point-merging rules. */
typedef struct {
    int x, y, on;
} tpoint;

static void put16(unsigned char *p, int v)
{
    p[0] = (unsigned char)(((unsigned)v >> 8) & 0xFF);
    p[1] = (unsigned char)((unsigned)v & 0xFF);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, (int)(v >> 16));
    put16(p + 2, (int)(v & 0xFFFF));
}

static bytes mini_font(const tpoint *pts, const int *ends, int nc, int upem)
{
    unsigned char glyph[512], head[54], hhea[36], maxp[32], hmtx[8], loca[6];
    int n = ends[nc - 1] + 1;
    int xmin = pts[0].x, xmax = pts[0].x, ymin = pts[0].y, ymax = pts[0].y;
    for (int i = 1; i < n; i++) {
        xmin = pts[i].x < xmin ? pts[i].x : xmin;
        xmax = pts[i].x > xmax ? pts[i].x : xmax;
        ymin = pts[i].y < ymin ? pts[i].y : ymin;
        ymax = pts[i].y > ymax ? pts[i].y : ymax;
    }
    /* Plain encoding: one flag a point, two bytes a coordinate. */
    size_t g = 0;
    put16(glyph, nc);
    put16(glyph + 2, xmin);
    put16(glyph + 4, ymin);
    put16(glyph + 6, xmax);
    put16(glyph + 8, ymax);
    g = 10;
    for (int c = 0; c < nc; c++, g += 2) {
        put16(glyph + g, ends[c]);
    }
    put16(glyph + g, 0);
    g += 2;
    for (int i = 0; i < n; i++) {
        glyph[g++] = (unsigned char)(pts[i].on ? 1 : 0);
    }
    for (int axis = 0; axis < 2; axis++) {
        int prev = 0;
        for (int i = 0; i < n; i++, g += 2) {
            int v = axis ? pts[i].y : pts[i].x;
            put16(glyph + g, v - prev);
            prev = v;
        }
    }
    g += g & 1;
    memset(head, 0, sizeof head);
    put16(head, 1);
    put32(head + 12, 0x5F0F3CF5u);
    put16(head + 18, upem);
    put16(head + 36, xmin);
    put16(head + 38, ymin);
    put16(head + 40, xmax);
    put16(head + 42, ymax);
    memset(hhea, 0, sizeof hhea);
    put16(hhea, 1);
    put16(hhea + 4, upem * 8 / 10);
    put16(hhea + 6, -upem * 2 / 10);
    put16(hhea + 34, 2);
    memset(maxp, 0, sizeof maxp);
    put32(maxp, 0x00010000u);
    put16(maxp + 4, 2);
    memset(hmtx, 0, sizeof hmtx);
    put16(hmtx, upem);
    put16(hmtx + 4, upem);
    put16(hmtx + 6, xmin);
    put16(loca, 0);
    put16(loca + 2, 0);
    put16(loca + 4, (int)(g / 2));
    const struct {
        const char *tag;
        const unsigned char *data;
        size_t len;
    } t[] = {{"glyf", glyph, g},          {"head", head, sizeof head}, {"hhea", hhea, sizeof hhea},
             {"hmtx", hmtx, sizeof hmtx}, {"loca", loca, sizeof loca}, {"maxp", maxp, sizeof maxp}};
    bytes f = {calloc(1, 1024), 0};
    assert_non_null(f.data);
    put32(f.data, 0x00010000u);
    put16(f.data + 4, 6);
    size_t off = 12 + 16 * 6;
    for (int i = 0; i < 6; i++) {
        memcpy(f.data + 12 + 16 * i, t[i].tag, 4);
        put32(f.data + 12 + 16 * i + 8, (uint32_t)off);
        put32(f.data + 12 + 16 * i + 12, (uint32_t)t[i].len);
        memcpy(f.data + off, t[i].data, t[i].len);
        off += (t[i].len + 3) & ~(size_t)3;
    }
    f.len = off;
    return f;
}

/* Decodes simple glyph gid of f (any valid encoding); returns numberOfContours. */
static int decode_glyph(const bytes *f, unsigned gid, tpoint *pts, int *ends)
{
    size_t hl, ll, gl;
    const unsigned char *head = table(f, "head", &hl);
    const unsigned char *loca = table(f, "loca", &ll);
    const unsigned char *g = table(f, "glyf", &gl);
    g += rd16(head + 50) ? rd32(loca + 4 * gid) : 2 * (size_t)rd16(loca + 2 * gid);
    int nc = (int16_t)rd16(g);
    assert_true(nc > 0);
    for (int c = 0; c < nc; c++) {
        ends[c] = (int)rd16(g + 10 + 2 * c);
    }
    int n = ends[nc - 1] + 1;
    size_t p = 10 + 2 * (size_t)nc;
    p += 2 + rd16(g + p);
    unsigned char flags[64];
    assert_true(n <= 64);
    for (int i = 0; i < n;) {
        unsigned char fl = g[p++];
        int rep = (fl & 8) ? g[p++] : 0;
        for (int r = 0; r <= rep; r++) {
            flags[i++] = fl;
        }
    }
    for (int axis = 0; axis < 2; axis++) {
        int v = 0;
        unsigned short_bit = axis ? 4 : 2, same_bit = axis ? 0x20 : 0x10;
        for (int i = 0; i < n; i++) {
            if (flags[i] & short_bit) {
                v += (flags[i] & same_bit) ? g[p] : -g[p];
                p++;
            } else if (!(flags[i] & same_bit)) {
                v += (int16_t)rd16(g + p);
                p += 2;
            }
            *(axis ? &pts[i].y : &pts[i].x) = v;
            pts[i].on = flags[i] & 1;
        }
    }
    return nc;
}

static void test_ttf__merges_only_points_that_change_nothing(void **state)
{
    (void)state;
    /* From 256 to 128 units: 2k-1 and 2k both round to k (halves up), -1 rounds to 0.
     * One contour a line. */
    /* clang-format off */
    static const tpoint pts[] = {
        /* 0: a zero-length line between on-curve points 199 and 200: one goes. */
        {0, 0, 1}, {199, 0, 1}, {200, 0, 1}, {200, 200, 1}, {0, 200, 1},
        /* 1: two off-curve points on one spot: both stay (the midpoint between them is
         * an implied on-curve point). */
        {0, 0, 1}, {99, 99, 0}, {100, 100, 0}, {200, 0, 1},
        /* 2: a control point on its start, end on-curve: a straight line; it goes. */
        {0, 0, 1}, {199, 199, 1}, {200, 200, 0}, {400, 0, 1},
        /* 3: everything on one spot: the contour keeps 3 points. */
        {0, 0, 1}, {-1, 0, 1}, {0, -1, 1}, {-1, -1, 1},
        /* 4: across the seam, the last point on the first: it goes. */
        {0, 0, 1}, {400, 0, 1}, {400, 400, 1}, {-1, -1, 1},
        /* 5: a control point on its end, start on-curve: it goes. */
        {0, 0, 1}, {299, 299, 0}, {300, 300, 1}, {0, 300, 1}};
    static const int ends[] = {4, 8, 12, 16, 20, 24};
    static const tpoint want[] = {
        {0, 0, 1}, {100, 0, 1}, {100, 100, 1}, {0, 100, 1},
        {0, 0, 1}, {50, 50, 0}, {50, 50, 0}, {100, 0, 1},
        {0, 0, 1}, {100, 100, 1}, {200, 0, 1},
        {0, 0, 1}, {0, 0, 1}, {0, 0, 1},
        {0, 0, 1}, {200, 0, 1}, {200, 200, 1},
        {0, 0, 1}, {150, 150, 1}, {0, 150, 1}};
    static const int want_ends[] = {3, 7, 10, 13, 16, 19};
    /* clang-format on */
    bytes old = mini_font(pts, ends, 6, 256);
    bytes neu = rescale(&old, 128);
    check_checksums(&neu);
    tpoint got[64];
    int got_ends[8];
    assert_int_equal(decode_glyph(&neu, 1, got, got_ends), 6);
    assert_memory_equal(got_ends, want_ends, sizeof want_ends);
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        if (got[i].x != want[i].x || got[i].y != want[i].y || got[i].on != want[i].on) {
            fail_msg("point %zu: (%d, %d, %s), want (%d, %d, %s)", i, got[i].x, got[i].y,
                     got[i].on ? "on" : "off", want[i].x, want[i].y, want[i].on ? "on" : "off");
        }
    }
    size_t len;
    const unsigned char *maxp = table(&neu, "maxp", &len);
    assert_int_equal(rd16(maxp + 6), 20); /* maxPoints */
    assert_int_equal(rd16(maxp + 8), 6);  /* maxContours */
    /* harfbuzz still draws six contours, the collapsed one included. */
    hb_blob_t *blob = hb_blob_create((const char *)neu.data, (unsigned)neu.len,
                                     HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *face = hb_face_create(blob, 0);
    hb_font_t *font = hb_font_create(face);
    hb_draw_funcs_t *df = draw_funcs();
    outline o = {NULL, 0, 0, 0, 0};
    draw(font, df, 1, &o);
    assert_int_equal(o.contours, 6);
    assert_int_equal(o.closes, 6);
    free(o.p);
    hb_draw_funcs_destroy(df);
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
    free(old.data);
    free(neu.data);
}

static void test_ttf__refuses_what_it_cannot_rescale(void **state)
{
    (void)state;
    uint32_t cps[] = {'A', 'b', 0xE9};
    bytes old = subset(DEJAVU, cps, 3, 0);
    unsigned char *out = (unsigned char *)"sentinel";
    size_t out_len = 7;
    /* Not smaller than 2048, or below the 16 units the spec allows. */
    static const unsigned bad_upem[] = {2048, 4096, 15, 0};
    for (size_t i = 0; i < sizeof bad_upem / sizeof bad_upem[0]; i++) {
        assert_int_equal(beian_ttf_rescale(old.data, old.len, bad_upem[i], &out, &out_len),
                         BEIAN_EDATA);
        assert_null(out);
        assert_int_equal(out_len, 0);
    }
    assert_int_equal(beian_ttf_rescale(NULL, 0, 256, &out, &out_len), BEIAN_EDATA);
    /* CFF outlines, a collection. */
    bytes copy = {malloc(old.len), old.len};
    assert_non_null(copy.data);
    static const char *const sfnt[] = {"OTTO", "ttcf"};
    for (size_t i = 0; i < 2; i++) {
        memcpy(copy.data, old.data, old.len);
        memcpy(copy.data, sfnt[i], 4);
        assert_int_equal(beian_ttf_rescale(copy.data, copy.len, 256, &out, &out_len), BEIAN_EDATA);
    }
    /* Tables in font units it does not rescale: rename the name table to each. */
    static const char *const refused[] = {"kern", "GPOS", "vmtx", "gvar", "MATH", "CFF "};
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        memcpy(copy.data, old.data, old.len);
        unsigned n = rd16(copy.data + 4);
        for (unsigned t = 0; t < n; t++) {
            if (memcmp(copy.data + 12 + 16 * t, "name", 4) == 0) {
                memcpy(copy.data + 12 + 16 * t, refused[i], 4);
            }
        }
        assert_int_equal(beian_ttf_rescale(copy.data, copy.len, 256, &out, &out_len), BEIAN_EDATA);
    }
    free(copy.data);
    free(old.data);
}

/* Loads f with harfbuzz and draws every glyph, to show the output is usable as a font. */
static void exercise(const bytes *f, hb_draw_funcs_t *df, outline *o)
{
    check_checksums(f);
    hb_blob_t *blob = hb_blob_create((const char *)f->data, (unsigned)f->len,
                                     HB_MEMORY_MODE_READONLY, NULL, NULL);
    hb_face_t *face = hb_face_create(blob, 0);
    hb_font_t *font = hb_font_create(face);
    unsigned n = hb_face_get_glyph_count(face);
    for (unsigned gid = 0; gid < n; gid++) {
        hb_glyph_extents_t e;
        hb_font_get_glyph_extents(font, gid, &e);
        draw(font, df, gid, o);
    }
    hb_font_destroy(font);
    hb_face_destroy(face);
    hb_blob_destroy(blob);
}

/* One damaged copy of base: a clean status, and a usable font whenever it says OK. */
static void try_damaged(const unsigned char *data, size_t len, unsigned upem, hb_draw_funcs_t *df,
                        outline *o, unsigned *accepted)
{
    bytes out = {NULL, 0};
    int rc = beian_ttf_rescale(data, len, upem, &out.data, &out.len);
    if (rc == BEIAN_OK) {
        exercise(&out, df, o);
        (*accepted)++;
    } else {
        assert_int_equal(rc, BEIAN_EDATA);
        assert_null(out.data);
    }
    free(out.data);
}

static void damage(const bytes *base, unsigned upem, size_t stride, unsigned *accepted)
{
    hb_draw_funcs_t *df = draw_funcs();
    outline o = {NULL, 0, 0, 0, 0};
    unsigned char *buf = malloc(base->len);
    assert_non_null(buf);
    /* Every truncation (a fresh allocation, so that a read past the end is caught). */
    for (size_t len = 0; len < base->len; len += len < 512 ? 1 : stride) {
        unsigned char *cut = malloc(len ? len : 1);
        assert_non_null(cut);
        memcpy(cut, base->data, len);
        try_damaged(cut, len, upem, df, &o, accepted);
        free(cut);
    }
    /* One flipped bit per byte, all of the directory and then every stride-th byte. */
    for (size_t i = 0; i < base->len; i += i < 512 ? 1 : stride) {
        memcpy(buf, base->data, base->len);
        buf[i] ^= (unsigned char)(1u << (i % 8));
        try_damaged(buf, base->len, upem, df, &o, accepted);
    }
    /* Random bytes written at random places (xorshift, fixed seed: reproducible). */
    uint32_t x = 2463534242u;
    for (int round = 0; round < 3000; round++) {
        memcpy(buf, base->data, base->len);
        for (int k = 0; k < 1 + round % 8; k++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            buf[x % base->len] = (unsigned char)(x >> 24);
        }
        try_damaged(buf, base->len, upem, df, &o, accepted);
    }
    free(buf);
    free(o.p);
    hb_draw_funcs_destroy(df);
}

static void test_ttf__damaged_fonts_get_a_clean_answer(void **state)
{
    (void)state;
    unsigned accepted = 0;
    uint32_t latin[] = {'A', 'g', 0xC5, 0xE9, 0x141};
    bytes dejavu = subset(DEJAVU, latin, sizeof latin / sizeof latin[0], 1);
    damage(&dejavu, 256, 1, &accepted);
    uint32_t cjk[] = {0x4E2D, 0x56FD, 0x5B66, 0x9662, 0x3002};
    bytes droid = subset(DROID, cjk, sizeof cjk / sizeof cjk[0], 0);
    damage(&droid, 128, 3, &accepted);
    assert_true(accepted > 0); /* flips in names and padding are harmless */
    free(dejavu.data);
    free(droid.data);
}

/* fontTools recomputes bounds and maxp from the glyphs; ours must agree. */
static const char fonttools_check[] =
    "import sys\n"
    "from fontTools.ttLib import TTFont\n"
    "f = TTFont(sys.argv[1])\n"
    "bad = []\n"
    "glyf = f['glyf']\n"
    "head = f['head']\n"
    "box = (head.xMin, head.yMin, head.xMax, head.yMax)\n"
    "for name in f.getGlyphOrder():\n"
    "    g = glyf[name]\n"
    "    if g.numberOfContours == 0:\n"
    "        continue\n"
    "    old = (g.xMin, g.yMin, g.xMax, g.yMax)\n"
    "    g.recalcBounds(glyf)\n"
    "    new = (g.xMin, g.yMin, g.xMax, g.yMax)\n"
    "    slack = 1 if g.isComposite() else 0\n"
    "    if any(abs(a - b) > slack for a, b in zip(old, new)):\n"
    "        bad.append('bbox of %s: %s, not %s' % (name, old, new))\n"
    "m = f['maxp']\n"
    "ours = (m.maxPoints, m.maxContours, m.maxCompositePoints, m.maxCompositeContours)\n"
    "m.recalc(f)\n"
    "theirs = (m.maxPoints, m.maxContours, m.maxCompositePoints, m.maxCompositeContours)\n"
    "if ours != theirs:\n"
    "    bad.append('maxp %s, not %s' % (ours, theirs))\n"
    "f.saveXML(sys.argv[2])\n"
    "for b in bad[:20]:\n"
    "    print(b)\n"
    "sys.exit(1 if bad else 0)\n";

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* Asserts that beian_ttf_bbox gives f's head box in 1/1000 em, rounded outward. */
static void expect_head_bbox(const bytes *f, int bbox[4])
{
    size_t hlen = 0;
    const unsigned char *h = table(f, "head", &hlen);
    assert_non_null(h);
    long upem = rd16(h + 18);
    assert_int_equal(beian_ttf_bbox(f->data, f->len, bbox), BEIAN_OK);
    for (int k = 0; k < 4; k++) {
        long v = (int16_t)rd16(h + 36 + 2 * k); /* font units */
        if (k < 2) { /* the minimum rounded down, the maximum up */
            assert_true(bbox[k] * upem <= v * 1000 && (bbox[k] + 1) * upem > v * 1000);
        } else {
            assert_true(bbox[k] * upem >= v * 1000 && (bbox[k] - 1) * upem < v * 1000);
        }
    }
}

/* The descriptor's FontBBox: the head table's box in 1/1000 em, rounded outward, for a
 * subset and for its rescaled program; a clean refusal without a sound head table. */
static void test_ttf__bbox_in_thousandths_rounded_outward(void **state)
{
    (void)state;
    const uint32_t cps[] = {'0', '9', 'A', 'g', 'y', '@'};
    bytes f = subset(DEJAVU, cps, sizeof cps / sizeof cps[0], 0);
    int bbox[4];
    expect_head_bbox(&f, bbox);
    assert_true(bbox[1] < 0 && bbox[3] > 700); /* 'g' and 'y' descend; digits are tall */
    bytes q = rescale(&f, 64);
    expect_head_bbox(&q, bbox);
    assert_int_equal(beian_ttf_bbox(f.data, 11, bbox), BEIAN_EDATA);
    unsigned char *cut = malloc(f.len);
    assert_non_null(cut);
    memcpy(cut, f.data, f.len);
    for (size_t i = 0; i < rd16(cut + 4); i++) {
        if (memcmp(cut + 12 + 16 * i, "head", 4) == 0) {
            memcpy(cut + 12 + 16 * i, "hexd", 4); /* no head table left */
        }
    }
    assert_int_equal(beian_ttf_bbox(cut, f.len, bbox), BEIAN_EDATA);
    free(cut);
    free(q.data);
    free(f.data);
}

static void test_ttf__fonttools_agrees_when_installed(void **state)
{
    (void)state;
    if (access(PYTHON, X_OK) != 0 || system(PYTHON " -c 'import fontTools' >/dev/null 2>&1") != 0) {
        skip();
    }
    char dir[] = "/tmp/beian-ttf-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char script[64], font[64], xml[64], cmd[256];
    snprintf(script, sizeof script, "%s/check.py", dir);
    snprintf(font, sizeof font, "%s/font.ttf", dir);
    snprintf(xml, sizeof xml, "%s/font.ttx", dir);
    write_file(script, fonttools_check, sizeof fonttools_check - 1);
    snprintf(cmd, sizeof cmd, PYTHON " %s %s %s >&2", script, font, xml);

    uint32_t cps[400];
    static const struct {
        const char *path;
        unsigned upem;
    } fonts[] = {{DROID, 128}, {DEJAVU, 256}};
    for (size_t i = 0; i < 2; i++) {
        size_t n = i == 0 ? cjk_points(cps) : latin_points(cps);
        bytes old = subset(fonts[i].path, cps, n, 1);
        bytes neu = rescale(&old, fonts[i].upem);
        write_file(font, neu.data, neu.len);
        assert_int_equal(system(cmd), 0);
        free(old.data);
        free(neu.data);
    }
    unlink(script);
    unlink(font);
    unlink(xml);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ttf__droid_subset_at_128_units_keeps_glyphs_metrics_and_outlines),
        cmocka_unit_test(test_ttf__ideograph_advances_halve_exactly),
        cmocka_unit_test(test_ttf__hinted_dejavu_at_256_units_drops_hinting_keeps_outlines),
        cmocka_unit_test(test_ttf__same_input_same_bytes),
        cmocka_unit_test(test_ttf__point_anchored_components_keep_every_point),
        cmocka_unit_test(test_ttf__merges_only_points_that_change_nothing),
        cmocka_unit_test(test_ttf__refuses_what_it_cannot_rescale),
        cmocka_unit_test(test_ttf__damaged_fonts_get_a_clean_answer),
        cmocka_unit_test(test_ttf__bbox_in_thousandths_rounded_outward),
        cmocka_unit_test(test_ttf__fonttools_agrees_when_installed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
