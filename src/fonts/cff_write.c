/*
 * cff_write.c - the CFF program of a CFF face's per-document subset, rescaled to the face's
 * embedding units per em (beian_fonts_cff_program): what the PDF backend embeds as FontFile3
 * /CIDFontType0C. Unscaled, a Song face's program is about twice the size after deflate
 * (bench/fonts/README.md: Noto Serif CJK SC for 附件3, 46 KiB at 1000 units per em, 22 KiB
 * at 64), which would put a one-page form over its 48 KiB budget.
 *
 * Rescaling the charstrings of an existing program is not safe (relative coordinates
 * rounded one by one drift), so the program is written anew, from each glyph's outline as
 * the fonts layer draws it (beian_fonts_outline, in em): absolute coordinates are rounded
 * to the embedding grid and the deltas between the rounded points are encoded, so no error
 * accumulates. The program is CID-keyed (Adobe-Identity-0, Adobe TN 5176) with one Font
 * DICT: glyph 0 is .notdef, glyph k + 1 prints cps[k] and has CID first_cid + k, so the PDF's
 * codes are the CIDs. No hints, no subroutines: hb-subset's unhinted output is not smaller.
 */
#include "beian/font.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

enum { CS_MAX_ARGS = 48 };
#define CFF_GRID 16 /* the Type 2 argument stack (TN 5177, appendix B) */

typedef struct {
    beian_buf *b;
    double q;           /* embedding units per em */
    long x, y;          /* current point, embedding units */
    long width;         /* advance, written with the first operator */
    int started;        /* the width has been written */
    int op, nargs;      /* operator being batched (5 rlineto, 8 rrcurveto) and its operands */
    long args[CS_MAX_ARGS];
    long bbox[4];
    int any;
} cs_writer;

/* A Type 2 charstring integer (TN 5177, 3.2). */
static void cs_int(beian_buf *b, long v)
{
    unsigned char o[3];
    size_t n;
    if (v >= -107 && v <= 107) {
        o[0] = (unsigned char)(v + 139), n = 1;
    } else if (v >= 108 && v <= 1131) {
        o[0] = (unsigned char)((v - 108) / 256 + 247), o[1] = (unsigned char)((v - 108) % 256), n = 2;
    } else if (v >= -1131 && v <= -108) {
        o[0] = (unsigned char)((-v - 108) / 256 + 251), o[1] = (unsigned char)((-v - 108) % 256),
        n = 2;
    } else {
        long c = v < -32768 ? -32768 : v > 32767 ? 32767 : v;
        o[0] = 28, o[1] = (unsigned char)((c >> 8) & 0xFF), o[2] = (unsigned char)(c & 0xFF), n = 3;
    }
    beian_buf_append(b, o, n);
}

static void cs_flush(cs_writer *w)
{
    if (w->nargs == 0) {
        return;
    }
    for (int i = 0; i < w->nargs; i++) {
        cs_int(w->b, w->args[i]);
    }
    unsigned char op = (unsigned char)w->op;
    beian_buf_append(w->b, &op, 1);
    w->nargs = 0;
}

/* Queues operator op with its n operands, batching runs of the same operator. */
static void cs_op(cs_writer *w, int op, const long *a, int n, int batch)
{
    if (w->op != op || !batch || w->nargs + n > CS_MAX_ARGS - 1) {
        cs_flush(w);
    }
    w->op = op;
    if (!w->started) { /* the width is the first operand of the first operator */
        w->args[w->nargs++] = w->width;
        w->started = 1;
    }
    for (int i = 0; i < n; i++) {
        w->args[w->nargs++] = a[i];
    }
    if (!batch) {
        cs_flush(w);
    }
}

/* The point (x, y) in em on the embedding grid; extends the glyph's box. */
static void grid(cs_writer *w, double x, double y, long *gx, long *gy)
{
    *gx = lround(x * 1000.0 / CFF_GRID) * CFF_GRID;
    *gy = lround(y * 1000.0 / CFF_GRID) * CFF_GRID;
    if (!w->any || *gx < w->bbox[0]) w->bbox[0] = *gx;
    if (!w->any || *gy < w->bbox[1]) w->bbox[1] = *gy;
    if (!w->any || *gx > w->bbox[2]) w->bbox[2] = *gx;
    if (!w->any || *gy > w->bbox[3]) w->bbox[3] = *gy;
    w->any = 1;
}

static void w_move(void *u, double x, double y)
{
    cs_writer *w = u;
    long gx, gy;
    grid(w, x, y, &gx, &gy);
    long a[2] = {gx - w->x, gy - w->y};
    cs_op(w, 21, a, 2, 0); /* rmoveto */
    w->x = gx, w->y = gy;
}

static void w_line(void *u, double x, double y)
{
    cs_writer *w = u;
    long gx, gy;
    grid(w, x, y, &gx, &gy);
    if (gx == w->x && gy == w->y) {
        return; /* rounding made it a point */
    }
    long a[2] = {gx - w->x, gy - w->y};
    cs_op(w, 5, a, 2, 1); /* rlineto */
    w->x = gx, w->y = gy;
}

static void w_cubic(void *u, double c1x, double c1y, double c2x, double c2y, double x, double y)
{
    cs_writer *w = u;
    long p[6];
    grid(w, c1x, c1y, &p[0], &p[1]);
    grid(w, c2x, c2y, &p[2], &p[3]);
    grid(w, x, y, &p[4], &p[5]);
    long a[6] = {p[0] - w->x, p[1] - w->y, p[2] - p[0], p[3] - p[1], p[4] - p[2], p[5] - p[3]};
    cs_op(w, 8, a, 6, 1); /* rrcurveto */
    w->x = p[4], w->y = p[5];
}

static void w_quad(void *u, double cx, double cy, double x, double y)
{
    cs_writer *w = u; /* as a cubic: controls 2/3 of the way to the quadratic control */
    double x0 = (double)w->x / 1000.0, y0 = (double)w->y / 1000.0;
    w_cubic(u, x0 + 2 * (cx - x0) / 3, y0 + 2 * (cy - y0) / 3, x + 2 * (cx - x) / 3,
            y + 2 * (cy - y) / 3, x, y);
}

static void w_close(void *u)
{
    cs_flush(u); /* CFF subpaths close themselves */
}

/* One glyph's charstring into b: face's glyph gid at width (embedding units). */
static void charstring(const beian_fonts *fs, int face, uint32_t gid, long width, double q,
                       beian_buf *b, long bbox[4], int *any)
{
    static const beian_outline_sink sink = {w_move, w_line, w_quad, w_cubic, w_close};
    cs_writer w = {.b = b, .q = q, .width = width, .op = -1};
    if (gid) {
        beian_fonts_outline(fs, face, gid, &sink, &w);
    }
    cs_flush(&w);
    if (!w.started) {
        cs_int(b, width);
    }
    unsigned char endchar = 14;
    beian_buf_append(b, &endchar, 1);
    for (int k = 0; w.any && k < 4; k++) {
        int lo = k < 2;
        if (!*any || (lo ? w.bbox[k] < bbox[k] : w.bbox[k] > bbox[k])) {
            bbox[k] = w.bbox[k];
        }
    }
    *any |= w.any;
}

/* --- the program: header, INDEXes and DICTs (TN 5176) --------------------------------- */

static void put16(beian_buf *b, unsigned v)
{
    unsigned char o[2] = {(unsigned char)(v >> 8), (unsigned char)v};
    beian_buf_append(b, o, 2);
}

/* A DICT operand as a 5-byte integer, so offsets can be filled in without moving bytes. */
static void dict_int5(beian_buf *b, long v)
{
    unsigned char o[5] = {29, (unsigned char)(v >> 24), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 8), (unsigned char)v};
    beian_buf_append(b, o, 5);
}

static void dict_op(beian_buf *b, int op)
{
    unsigned char o[2] = {12, (unsigned char)(op - 1200)};
    if (op >= 1200) {
        beian_buf_append(b, o, 2);
    } else {
        o[0] = (unsigned char)op;
        beian_buf_append(b, o, 1);
    }
}

/* An INDEX of count objects whose data is data[0..len) cut at ends[0..count). */
static void put_index(beian_buf *b, const unsigned char *data, const size_t *ends, size_t count)
{
    put16(b, (unsigned)count);
    if (count == 0) {
        return;
    }
    unsigned char osz = 4;
    beian_buf_append(b, &osz, 1);
    for (size_t i = 0; i <= count; i++) {
        size_t off = 1 + (i ? ends[i - 1] : 0);
        unsigned char o[4] = {(unsigned char)(off >> 24), (unsigned char)(off >> 16),
                              (unsigned char)(off >> 8), (unsigned char)off};
        beian_buf_append(b, o, 4);
    }
    beian_buf_append(b, data, count ? ends[count - 1] : 0);
}

static size_t index_size(size_t count, size_t len)
{
    return count ? 3 + 4 * (count + 1) + len : 2;
}

/* The Top DICT with the offsets of its parts (all 5-byte integers: a fixed size). */
static void top_dict(beian_buf *b, const long box[4], size_t ncid, size_t charset,
                     size_t fdselect, size_t charstrings, size_t fdarray)
{
    dict_int5(b, 391), dict_int5(b, 392), dict_int5(b, 0), dict_op(b, 1230); /* ROS */
    dict_int5(b, (long)ncid), dict_op(b, 1234);                                /* CIDCount */
    /* FontBBox: Ghostscript takes a re-distilled font's ascent and descent from it */
    dict_int5(b, box[0]), dict_int5(b, box[1]), dict_int5(b, box[2]), dict_int5(b, box[3]);
    dict_op(b, 5);
    dict_int5(b, (long)charset), dict_op(b, 15);
    dict_int5(b, (long)charstrings), dict_op(b, 17);
    dict_int5(b, (long)fdarray), dict_op(b, 1236);
    dict_int5(b, (long)fdselect), dict_op(b, 1237);
}

/*
 * The one Font DICT: only its Private DICT. No FontMatrix here or in the Top DICT: the
 * program is in the default 1/1000 em, since readers combine a CID font's two matrices
 * differently (FreeType multiplies them, PDFBox takes the Font DICT's alone, Ghostscript's
 * pdfwrite writes widths as if the Top DICT's were 0.001), and a program rescaled by a
 * matrix printed right in one and at the wrong size in another.
 */
static void font_dict(beian_buf *b, size_t privat, size_t priv_len)
{
    dict_int5(b, (long)priv_len), dict_int5(b, (long)privat), dict_op(b, 18);    /* Private */
}

int beian_fonts_cff_program(const beian_fonts *fs, int face, const uint32_t *cps, size_t n,
                            uint32_t first_cid, unsigned char **out, size_t *len, int bbox[4])
{
    int rc = BEIAN_EINTERNAL;
    beian_buf cs, b, top;
    size_t *ends = malloc((n + 1) * sizeof *ends);
    beian_buf_init(&cs), beian_buf_init(&b), beian_buf_init(&top);
    *out = NULL;
    *len = 0;
    double q = beian_fonts_embed_upem(fs, face);
    long box[4] = {0, 0, 0, 0};
    int any = 0;
    if (!ends || n == 0 || first_cid + n > 0xFFFF) {
        goto done;
    }
    for (size_t k = 0; k <= n; k++) { /* glyph 0: .notdef, empty */
        uint32_t gid = k ? beian_fonts_glyph(fs, face, cps[k - 1]) : 0;
        if (k && gid == 0) {
            goto done; /* the layout checked the face has it */
        }
        /* the advance as the layout measured it: 1/1000 em of the rescaled width */
        long width = k ? beian_fonts_advance(fs, face, cps[k - 1]) : 0;
        charstring(fs, face, gid, width, q, &cs, box, &any);
        ends[k] = cs.len;
    }
    const char *name = beian_fonts_postscript_name(fs, face);
    size_t name_end = strlen(name);
    static const char strings[] = "AdobeIdentity";
    static const size_t string_ends[] = {5, 13};
    unsigned char priv[4] = {139, 20, 139, 21}; /* defaultWidthX 0, nominalWidthX 0 */
    /* layout: header, Name, Top DICT, String, Global Subr INDEX, charset, FDSelect,
     * CharStrings, FDArray, Private */
    top_dict(&top, box, 0, 0, 0, 0, 0);
    size_t at = 4 + index_size(1, name_end) + index_size(1, top.len) + index_size(2, 13) + 2;
    size_t charset = at, fdselect = charset + 5, charstrings = fdselect + 8;
    size_t fdarray = charstrings + index_size(n + 1, cs.len);
    beian_buf fd;
    beian_buf_init(&fd);
    font_dict(&fd, 0, sizeof priv);
    size_t privat = fdarray + index_size(1, fd.len);
    fd.len = 0;
    font_dict(&fd, privat, sizeof priv);
    top.len = 0;
    top_dict(&top, box, first_cid + n, charset, fdselect, charstrings, fdarray);

    unsigned char header[4] = {1, 0, 4, 4};
    beian_buf_append(&b, header, 4);
    put_index(&b, (const unsigned char *)name, &name_end, 1);
    put_index(&b, top.data, &top.len, 1);
    put_index(&b, (const unsigned char *)strings, string_ends, 2);
    put16(&b, 0); /* no global subroutines */
    unsigned char fmt2 = 2, fmt3 = 3, fd0 = 0;
    beian_buf_append(&b, &fmt2, 1), put16(&b, first_cid), put16(&b, (unsigned)(n - 1));
    beian_buf_append(&b, &fmt3, 1), put16(&b, 1), put16(&b, 0), beian_buf_append(&b, &fd0, 1);
    put16(&b, (unsigned)(n + 1));
    put_index(&b, cs.data, ends, n + 1);
    put_index(&b, fd.data, &fd.len, 1);
    beian_buf_append(&b, priv, sizeof priv);
    beian_buf_release(&fd);
    if (b.failed || cs.failed || top.failed || b.len != privat + sizeof priv) {
        goto done;
    }
    for (int k = 0; k < 4; k++) { /* 1/1000 em, rounded outward */
        bbox[k] = (int)box[k];
    }
    *out = b.data;
    *len = b.len;
    b.data = NULL;
    rc = BEIAN_OK;
done:
    free(ends);
    beian_buf_release(&cs), beian_buf_release(&b), beian_buf_release(&top);
    return rc;
}
