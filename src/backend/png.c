/*
 * png.c - the PNG preview backend, the only file that draws with cairo. cairo.h is included
 * here and in src/input/scan.c, which needs it only because poppler renders PDF pages into
 * cairo surfaces (and cairo decodes the PNG scans); no form is drawn there.
 *
 * It draws the same display list as the PDF backend, glyph outlines taken from the same
 * font files through harfbuzz, so what the preview shows is what the PDF prints. The
 * display list's origin is bottom-left; cairo's is top-left, so y is flipped here.
 *
 * The PNG file is written here (8-bit grayscale, the page is black on white), not by
 * cairo: cairo's writer goes through libpng, whose error path longjmps into a stack frame
 * that is gone when an allocation fails inside it (an abort found by the fault sweep), and
 * a grayscale file is a third of the size of cairo's RGB one.
 */
#define _GNU_SOURCE
#include "beian/png.h"

#include <cairo.h>
#include <math.h>
#include <zlib.h>
#include <stdlib.h>
#include <string.h>

#include "beian/font.h"
#include "util.h"

typedef struct {
    cairo_t *cr;
    const beian_dlist *dl;
    double scale;  /* pixels per point */
    double height; /* page height in points */
} png_state;

static void s_move(void *u, double x, double y)
{
    cairo_move_to(u, x, y);
}
static void s_line(void *u, double x, double y)
{
    cairo_line_to(u, x, y);
}
static void s_quad(void *u, double cx, double cy, double x, double y)
{
    double x0, y0;
    cairo_get_current_point(u, &x0, &y0);
    cairo_curve_to(u, x0 + 2.0 / 3.0 * (cx - x0), y0 + 2.0 / 3.0 * (cy - y0),
                   x + 2.0 / 3.0 * (cx - x), y + 2.0 / 3.0 * (cy - y), x, y);
}
static void s_cubic(void *u, double c1x, double c1y, double c2x, double c2y, double x, double y)
{
    cairo_curve_to(u, c1x, c1y, c2x, c2y, x, y);
}
static void s_close(void *u)
{
    cairo_close_path(u);
}

static const beian_outline_sink sink = {s_move, s_line, s_quad, s_cubic, s_close};

static int png_begin_page(void *self, const beian_page *page, size_t index)
{
    (void)page, (void)index;
    png_state *st = self;
    cairo_set_source_rgb(st->cr, 1, 1, 1);
    cairo_paint(st->cr);
    return BEIAN_OK;
}

static void stroke_style(png_state *st, const beian_op *op)
{
    cairo_set_line_width(st->cr, op->line_width * st->scale);
    cairo_set_source_rgb(st->cr, op->gray, op->gray, op->gray);
    double d = op->dash * st->scale;
    cairo_set_dash(st->cr, &d, op->dash > 0 ? 1 : 0, 0);
}

static int png_draw(void *self, const beian_op *op)
{
    png_state *st = self;
    cairo_t *cr = st->cr;
    double s = st->scale;
    double X = op->x * s, Y = (st->height - op->y) * s;
    switch (op->kind) {
    case BEIAN_OP_LINE:
        stroke_style(st, op);
        cairo_move_to(cr, X, Y);
        cairo_line_to(cr, (op->x + op->w) * s, (st->height - op->y - op->h) * s);
        cairo_stroke(cr);
        break;
    case BEIAN_OP_RECT:
        cairo_rectangle(cr, X, Y - op->h * s, op->w * s, op->h * s);
        if (op->fill) {
            cairo_set_source_rgb(cr, op->gray, op->gray, op->gray);
            cairo_fill(cr);
        } else {
            stroke_style(st, op);
            cairo_stroke(cr);
        }
        break;
    case BEIAN_OP_CIRCLE:
        stroke_style(st, op);
        cairo_new_sub_path(cr);
        cairo_arc(cr, X, Y, op->w * s, 0, 2 * M_PI);
        cairo_stroke(cr);
        break;
    case BEIAN_OP_TEXT: {
        const unsigned char *t = (const unsigned char *)op->text;
        size_t n = strlen(op->text);
        double pen = op->x;
        cairo_set_source_rgb(cr, 0, 0, 0);
        for (size_t i = 0; i < n;) {
            uint32_t cp;
            size_t l = beian_utf8_decode(t + i, n - i, &cp);
            if (l == 0) {
                return BEIAN_EINTERNAL;
            }
            uint32_t gid = beian_fonts_glyph(st->dl->fonts, op->face, cp);
            cairo_save(cr);
            cairo_translate(cr, pen * s, (st->height - op->y) * s);
            cairo_scale(cr, op->size * s, -op->size * s);
            cairo_new_path(cr);
            beian_fonts_outline(st->dl->fonts, op->face, gid, &sink, cr);
            cairo_restore(cr);
            if (op->stroke > 0) { /* a synthetic bold, as the PDF draws it (2 Tr) */
                cairo_set_line_width(cr, op->stroke * op->size * s);
                cairo_set_dash(cr, NULL, 0, 0);
                cairo_fill_preserve(cr);
                cairo_stroke(cr);
            } else {
                cairo_fill(cr);
            }
            pen += beian_fonts_advance(st->dl->fonts, op->face, cp) * op->size / 1000.0;
            i += l;
        }
        break;
    }
    case BEIAN_OP_QR: {
        int m = op->modules;
        double mod = op->w / (m + 8) * s;
        double x0 = X + 4 * mod, y0 = (st->height - op->y - op->w) * s + 4 * mod;
        cairo_set_source_rgb(cr, 0, 0, 0);
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < m; c++) {
                if (op->matrix[r * m + c]) {
                    cairo_rectangle(cr, x0 + c * mod, y0 + r * mod, mod, mod);
                }
            }
        }
        cairo_fill(cr);
        break;
    }
    }
    return cairo_status(cr) == CAIRO_STATUS_SUCCESS ? BEIAN_OK : BEIAN_EINTERNAL;
}

static int png_end_page(void *self)
{
    (void)self;
    return BEIAN_OK;
}

static void put32be(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24), p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8), p[3] = (unsigned char)v;
}

/* Appends one PNG chunk: length, type, data, CRC of type and data. */
static void chunk(beian_buf *out, const char type[4], const unsigned char *data, size_t len)
{
    unsigned char b[8];
    put32be(b, (uint32_t)len);
    memcpy(b + 4, type, 4);
    beian_buf_append(out, b, 8);
    if (len) {
        beian_buf_append(out, data, len);
    }
    uLong crc = crc32(0L, (const Bytef *)type, 4);
    if (len) { /* crc32 with no buffer answers 0, not the CRC so far */
        crc = crc32(crc, data, (uInt)len);
    }
    put32be(b, (uint32_t)crc);
    beian_buf_append(out, b, 4);
}

/* The surface as an 8-bit grayscale PNG (filter None on every row, deflated by zlib).
 * BEIAN_EINTERNAL when memory runs out. */
static int encode_png(cairo_surface_t *surf, beian_buf *out)
{
    int w = cairo_image_surface_get_width(surf), h = cairo_image_surface_get_height(surf);
    int stride = cairo_image_surface_get_stride(surf);
    const unsigned char *px = cairo_image_surface_get_data(surf);
    if (!px || w <= 0 || h <= 0) {
        return BEIAN_EINTERNAL;
    }
    size_t row = (size_t)w + 1, raw_len = row * (size_t)h;
    unsigned char *raw = malloc(raw_len);
    uLongf zlen = compressBound((uLong)raw_len);
    unsigned char *z = raw ? malloc(zlen) : NULL;
    int rc = BEIAN_EINTERNAL;
    if (!z) {
        goto done;
    }
    for (int y = 0; y < h; y++) {
        const uint32_t *src = (const uint32_t *)(const void *)(px + (size_t)y * (size_t)stride);
        unsigned char *dst = raw + (size_t)y * row;
        dst[0] = 0; /* filter: None */
        for (int x = 0; x < w; x++) {
            dst[1 + x] = (unsigned char)(src[x] >> 8); /* green = gray: only grays are drawn */
        }
    }
    if (compress2(z, &zlen, raw, (uLong)raw_len, 6) != Z_OK) {
        goto done;
    }
    static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    unsigned char ihdr[13];
    put32be(ihdr, (uint32_t)w);
    put32be(ihdr + 4, (uint32_t)h);
    ihdr[8] = 8;  /* bit depth */
    ihdr[9] = 0;  /* grayscale */
    ihdr[10] = 0; /* deflate */
    ihdr[11] = 0; /* adaptive filtering, here always None */
    ihdr[12] = 0; /* not interlaced */
    beian_buf_append(out, sig, sizeof sig);
    chunk(out, "IHDR", ihdr, sizeof ihdr);
    chunk(out, "IDAT", z, zlen);
    chunk(out, "IEND", NULL, 0);
    rc = out->failed ? BEIAN_EINTERNAL : BEIAN_OK;
done:
    free(raw);
    free(z);
    return rc;
}

int beian_png_render(beian_ctx *ctx, const beian_dlist *dl, size_t page, double dpi,
                     unsigned char **data, size_t *len)
{
    static const beian_backend backend = {png_begin_page, png_draw, png_end_page};
    *data = NULL;
    *len = 0;
    if (page >= dl->npages || dpi < 10 || dpi > 1200) {
        return beian_ctx_fail(ctx, BEIAN_EUSAGE, "no page %zu, or a resolution out of range",
                              page + 1);
    }
    const beian_page *p = &dl->pages[page];
    double scale = dpi / 72.0;
    int w = (int)ceil(p->width * scale), h = (int)ceil(p->height * scale);
    cairo_surface_t *surf = cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h);
    cairo_t *cr = cairo_create(surf);
    png_state st = {cr, dl, scale, p->height};
    beian_dlist one = *dl;
    one.pages = (beian_page *)p;
    one.npages = 1;
    int rc = beian_dlist_play(&one, &backend, &st);
    beian_buf out;
    beian_buf_init(&out);
    if (rc == BEIAN_OK) {
        cairo_surface_flush(surf);
        if (cairo_status(cr) != CAIRO_STATUS_SUCCESS ||
            cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS || encode_png(surf, &out) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
        }
    }
    cairo_destroy(cr);
    cairo_surface_destroy(surf);
    if (rc != BEIAN_OK) {
        beian_buf_release(&out);
        return beian_ctx_fail(ctx, rc, "cannot draw the PNG preview");
    }
    *data = out.data;
    *len = out.len;
    return BEIAN_OK;
}

const char *beian_png_library_version(void)
{
    return cairo_version_string();
}
