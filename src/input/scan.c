/*
 * scan.c - the raster input adapter: PNG (through cairo's loader), JPEG (libjpeg) and PDF
 * pages (poppler, rendered with cairo) become 8-bit grey images that zbar searches for QR
 * codes (TIFF pages come from tiff.c, libtiff's adapter). It is the only file that includes
 * zbar.h, jpeglib.h and poppler.h; it includes
 * cairo.h only to decode PNG files and to rasterise PDF pages, never to draw forms.
 *
 * Pixel counts are checked from the file headers (PNG IHDR, JPEG SOF through libjpeg's header
 * read, PDF page sizes) before pixel memory is allocated, so a 100 000 x 100 000 header costs
 * nothing.
 *
 * A page whose whole-page read finds no beian: code gets the footer retries (issue 13): the
 * tracking code is looked for where beian prints it, in the bottom-right corner and then the
 * top-left one (the same place on a page scanned upside down), cropped, scaled up and
 * binarised (scan_prep.c) until zbar reads it. Measured in bench/scan/README.md: the whole
 * page reads 58 % of degraded office scans, these retries all of them.
 */
#define _GNU_SOURCE
#include "beian/scan.h"

#include <cairo.h>
#include <errno.h>
#include <stdio.h> /* before jpeglib.h, which needs FILE */
#include <jpeglib.h>
#include <poppler.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zbar.h>

#include "ctx_private.h"
#include "scan_prep.h"
#include "tiff.h"
#include "util.h"

#define PDF_DPI 200.0 /* enough for a 0.5 mm module (4 px) and cheap enough for many pages */

/* The footer corners, as shares of the page: beian prints the code in the bottom right 50 %
 * x 18 % (bench/scan/README.md, "Decoders and steps"). A beian: code elsewhere on the page (a
 * group's QR code holding one) is not the page's tracking code (issue 13, point 8). */
#define CORNER_W 0.50
#define CORNER_H 0.18

typedef struct {
    char **items;
    size_t n, cap;
    int footer; /* 1: a scan of a printed form, whose footer code is worth the retries */
    /* the pages read so far (footer reads only), and what the current one is */
    beian_scan_page *pages;
    size_t n_pages, cap_pages;
    double dpi;  /* of the picture being read; 0: unknown (taken as A4 wide) */
    int written; /* the picture being read is a PDF page that is no scan (see pdf_codes) */
} str_list;

static void pages_free(beian_scan_page *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(p[i].tracking);
    }
    free(p);
}

void beian_scan_doc_release(beian_scan_doc *d)
{
    if (d) {
        pages_free(d->pages, d->n_pages);
        memset(d, 0, sizeof *d);
    }
}

static int list_push(str_list *l, const char *data, size_t len)
{
    if (BEIAN_ARRAY_GROW(l->items, l->cap, l->n + 1) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    char *s = beian_strndup(data, len);
    if (!s) {
        return BEIAN_EINTERNAL;
    }
    l->items[l->n++] = s;
    return BEIAN_OK;
}

void beian_scan_codes_free(char **payloads, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(payloads[i]);
    }
    free(payloads);
}

beian_scan_kind beian_scan_sniff(const unsigned char *d, size_t len)
{
    if (len >= 8 && memcmp(d, "\x89PNG\r\n\x1a\n", 8) == 0) {
        return BEIAN_SCAN_PNG;
    }
    if (len >= 3 && d[0] == 0xFF && d[1] == 0xD8 && d[2] == 0xFF) {
        return BEIAN_SCAN_JPEG;
    }
    if (len >= 5 && memcmp(d, "%PDF-", 5) == 0) {
        return BEIAN_SCAN_PDF;
    }
    if (len >= 4 && (memcmp(d, "II*\0", 4) == 0 || memcmp(d, "MM\0*", 4) == 0)) {
        return BEIAN_SCAN_TIFF;
    }
    return BEIAN_SCAN_UNKNOWN;
}

/* 1 when the point (x, y) of a w x h page lies in a footer corner: the bottom right, or the
 * top left of a page scanned upside down (CORNER_W x CORNER_H of the page). */
static int in_footer(double x, double y, unsigned w, unsigned h)
{
    return (x >= w * (1 - CORNER_W) && y >= h * (1 - CORNER_H)) ||
           (x <= w * CORNER_W && y <= h * CORNER_H);
}

/* The centre of a symbol's outline, in the image's pixels. */
static void symbol_centre(const zbar_symbol_t *s, double *x, double *y)
{
    unsigned n = zbar_symbol_get_loc_size(s);
    double sx = 0, sy = 0;
    for (unsigned i = 0; i < n; i++) {
        sx += zbar_symbol_get_loc_x(s, i);
        sy += zbar_symbol_get_loc_y(s, i);
    }
    *x = n ? sx / n : -1;
    *y = n ? sy / n : -1;
}

/* Finds the QR codes of one grey image (w x h bytes, rows packed). With footer (not NULL), the
 * first beian: code whose centre lies in a footer corner of the image is also given in
 * *footer (malloc'd), and *elsewhere is set when one lies anywhere else. */
static int zbar_codes_at(const unsigned char *grey, unsigned w, unsigned h, str_list *out,
                         char **footer, int *elsewhere)
{
    int rc = BEIAN_OK;
    zbar_image_scanner_t *sc = zbar_image_scanner_create();
    zbar_image_t *img = zbar_image_create();
    if (!sc || !img) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    zbar_image_scanner_set_config(sc, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    /* keep the payload's bytes as they are: no guessing of legacy text encodings */
    zbar_image_scanner_set_config(sc, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
    zbar_image_set_format(img, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(img, w, h);
    zbar_image_set_data(img, grey, (unsigned long)w * h, NULL);
    if (zbar_scan_image(sc, img) < 0) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    for (const zbar_symbol_t *s = zbar_image_first_symbol(img); s && rc == BEIAN_OK;
         s = zbar_symbol_next(s)) {
        if (zbar_symbol_get_type(s) != ZBAR_QRCODE) {
            continue;
        }
        const char *data = zbar_symbol_get_data(s);
        unsigned len = zbar_symbol_get_data_length(s);
        rc = list_push(out, data, len);
        if (rc == BEIAN_OK && footer && len >= 6 && memcmp(data, "beian:", 6) == 0) {
            double x, y;
            symbol_centre(s, &x, &y);
            if (!in_footer(x, y, w, h)) {
                *elsewhere = 1;
            } else if (!*footer && !(*footer = beian_strndup(data, len))) {
                rc = BEIAN_EINTERNAL;
            }
        }
    }
done:
    if (img) {
        zbar_image_set_data(img, NULL, 0, NULL);
        zbar_image_destroy(img);
    }
    if (sc) {
        zbar_image_scanner_destroy(sc);
    }
    return rc;
}

static int zbar_codes(const unsigned char *grey, unsigned w, unsigned h, str_list *out)
{
    return zbar_codes_at(grey, w, h, out, NULL, NULL);
}
/* A retry image is at most this large, to bound its memory (5 bytes a pixel with the local
 * mean's table): a 300 dpi A4 page's corner x3 is 7 MP; from about 500 dpi the x3 step is
 * skipped, where the code's modules are 15 px or more and need no scaling. */
#define RETRY_MAX_PIXELS (16u * 1000u * 1000u)

/* One retry: scale k, then Otsu (local == 0) or the local mean of a (2r+1)^2 window (r in
 * pixels of the scaled image) with offset c. The sequence is the benchmark's recommended one
 * (x1 Otsu, x1 local mean, x2 local mean, x2 local mean with a small window, x3 local mean
 * with a small offset), from the cheapest step to the most expensive. */
typedef struct {
    unsigned k;
    int local;
    unsigned r;
    int c;
} retry_step;

static const retry_step RETRIES[] = {
    {1, 0, 0, 0}, {1, 1, 6, 8}, {2, 1, 12, 8}, {2, 1, 6, 8}, {3, 1, 18, 3},
};

static int is_tracking(const char *payload)
{
    return strncmp(payload, "beian:", 6) == 0;
}

/* Runs one step on the cw x ch corner at (x0, y0) of the page; appends the first beian: code
 * it reads to out and sets *found. */
static int retry_corner(const unsigned char *grey, unsigned w, unsigned h, unsigned x0,
                        unsigned y0, unsigned cw, unsigned ch, const retry_step *st,
                        str_list *out, int *found)
{
    scan_prep_img m = {0, 0, NULL};
    str_list got = {0};
    int rc = scan_prep__crop_scaled(grey, w, h, x0, y0, cw, ch, st->k, RETRY_MAX_PIXELS, &m);
    if (rc != 0) {
        return rc < 0 ? BEIAN_EINTERNAL : BEIAN_OK; /* too large or empty: skipped */
    }
    if (!st->local) {
        scan_prep__otsu(&m);
    } else if (scan_prep__local_mean(&m, st->r, st->c) != 0) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    rc = zbar_codes(m.p, m.w, m.h, &got);
    for (size_t i = 0; rc == BEIAN_OK && i < got.n && !*found; i++) {
        if (is_tracking(got.items[i])) {
            rc = list_push(out, got.items[i], strlen(got.items[i]));
            *found = rc == BEIAN_OK;
        }
    }
done:
    beian_scan_codes_free(got.items, got.n);
    free(m.p);
    return rc;
}

/* The codes of one page: the whole-page read, then the footer retries when it found no
 * tracking code. The order is fixed: the page's own codes as zbar gives them, then at most
 * one code from the retries. */
static int page_codes(const unsigned char *grey, unsigned w, unsigned h, str_list *out)
{
    if (!out->footer) {
        return zbar_codes(grey, w, h, out); /* a picture of a group's code has no footer */
    }
    if (out->n_pages >= BEIAN_SCAN_MAX_PAGES) {
        return BEIAN_EDATA; /* said by the caller */
    }
    if (BEIAN_ARRAY_GROW(out->pages, out->cap_pages, out->n_pages + 1) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    beian_scan_page *pg = &out->pages[out->n_pages++];
    memset(pg, 0, sizeof *pg);
    pg->written = out->written;
    int rc = zbar_codes_at(grey, w, h, out, &pg->tracking, &pg->elsewhere);
    if (rc == BEIAN_OK &&
        scan_prep__page_stats(grey, w, h, out->dpi, &pg->ink, &pg->rule) != 0) {
        rc = BEIAN_EINTERNAL;
    }
    if (rc != BEIAN_OK || pg->tracking) {
        return rc;
    }
    unsigned cw = (unsigned)(w * CORNER_W), ch = (unsigned)(h * CORNER_H);
    const unsigned corner[2][2] = {{w - cw, h - ch}, {0, 0}};
    int found = 0;
    size_t before = out->n;
    for (size_t s = 0; rc == BEIAN_OK && !found && s < sizeof RETRIES / sizeof RETRIES[0]; s++) {
        for (int c = 0; rc == BEIAN_OK && !found && c < 2; c++) {
            rc = retry_corner(grey, w, h, corner[c][0], corner[c][1], cw, ch, &RETRIES[s], out,
                              &found);
        }
    }
    if (rc == BEIAN_OK && found && !(pg->tracking = beian_strdup(out->items[before]))) {
        rc = BEIAN_EINTERNAL;
    }
    return rc;
}

/* Grey bytes from a cairo image surface (RGB24 or ARGB32; transparent counts as white). */
static unsigned char *surface_grey(cairo_surface_t *s, unsigned *w, unsigned *h)
{
    cairo_surface_flush(s);
    *w = (unsigned)cairo_image_surface_get_width(s);
    *h = (unsigned)cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    const unsigned char *data = cairo_image_surface_get_data(s);
    cairo_format_t fmt = cairo_image_surface_get_format(s);
    size_t npx = (size_t)*w * *h;
    unsigned char *g = malloc(npx > 0 ? npx : 1);
    if (!g || !data) {
        free(g);
        return NULL;
    }
    for (unsigned y = 0; y < *h; y++) {
        const unsigned char *row = data + (size_t)y * (size_t)stride;
        for (unsigned x = 0; x < *w; x++) {
            unsigned char v;
            if (fmt == CAIRO_FORMAT_A8) {
                v = (unsigned char)(255 - row[x]);
            } else if (fmt == CAIRO_FORMAT_A1) {
                v = (row[x / 8] >> (x % 8)) & 1 ? 0 : 255;
            } else {
                uint32_t px;
                memcpy(&px, row + 4 * x, 4);
                unsigned a = fmt == CAIRO_FORMAT_ARGB32 ? (px >> 24) & 0xFF : 255;
                unsigned r = (px >> 16) & 0xFF, gg = (px >> 8) & 0xFF, b = px & 0xFF;
                /* premultiplied: composite over white */
                unsigned lum = (r * 299 + gg * 587 + b * 114) / 1000;
                v = (unsigned char)(lum + (255 - a));
            }
            g[(size_t)y * *w + x] = v;
        }
    }
    return g;
}

typedef struct {
    const unsigned char *data;
    size_t len, off;
} png_reader;

static cairo_status_t png_read(void *closure, unsigned char *out, unsigned int length)
{
    png_reader *r = closure;
    if (length > r->len - r->off) {
        return CAIRO_STATUS_READ_ERROR;
    }
    memcpy(out, r->data + r->off, length);
    r->off += length;
    return CAIRO_STATUS_SUCCESS;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int png_codes(const char *path, const unsigned char *d, size_t len, str_list *out,
                     beian_problems *pr)
{
    if (len < 33 || memcmp(d + 12, "IHDR", 4) != 0) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "the PNG file is damaged (no image header)");
        return BEIAN_EDATA;
    }
    uint64_t w = be32(d + 16), h = be32(d + 20);
    if (w == 0 || h == 0 || w > 60000 || h > 60000 || w * h > BEIAN_SCAN_MAX_PIXELS) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "the picture is %llu x %llu pixels; at most %u million pixels are "
                           "read (scan at 300 dpi)",
                           (unsigned long long)w, (unsigned long long)h,
                           BEIAN_SCAN_MAX_PIXELS / 1000000u);
        return BEIAN_EDATA;
    }
    png_reader r = {d, len, 0};
    cairo_surface_t *s = cairo_image_surface_create_from_png_stream(png_read, &r);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(s);
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "the PNG file cannot be decoded (damaged or truncated)");
        return BEIAN_EDATA;
    }
    unsigned gw, gh;
    unsigned char *g = surface_grey(s, &gw, &gh);
    cairo_surface_destroy(s);
    if (!g) {
        return BEIAN_EINTERNAL;
    }
    int rc = page_codes(g, gw, gh, out);
    free(g);
    return rc;
}

typedef struct {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char msg[JMSG_LENGTH_MAX];
    int damaged; /* libjpeg warned about corrupt or missing data (msg says what) */
} jpeg_err;

static void jpeg_fail(j_common_ptr cinfo)
{
    jpeg_err *e = (jpeg_err *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, e->msg);
    longjmp(e->jump, 1); /* libjpeg's documented way out of a fatal error */
}

static void jpeg_quiet(j_common_ptr cinfo, int level)
{
    /* Warnings about damaged data are not ours to print; the first is kept, and said when
     * the picture yields no code (a truncated file decodes to grey, not to an error). */
    jpeg_err *e = (jpeg_err *)cinfo->err;
    if (level < 0 && !e->damaged) {
        (*cinfo->err->format_message)(cinfo, e->msg);
        e->damaged = 1;
    }
}

static int jpeg_codes(const char *path, const unsigned char *d, size_t len, str_list *out,
                      beian_problems *pr)
{
    struct jpeg_decompress_struct ci;
    jpeg_err err;
    unsigned char *volatile g = NULL;
    volatile int rc = BEIAN_OK;
    memset(&ci, 0, sizeof ci);
    memset(&err, 0, sizeof err);
    ci.err = jpeg_std_error(&err.pub);
    err.pub.error_exit = jpeg_fail;
    err.pub.emit_message = jpeg_quiet;
    if (setjmp(err.jump)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "the JPEG file cannot be decoded: %s", err.msg);
        rc = BEIAN_EDATA;
        goto done;
    }
    jpeg_create_decompress(&ci);
    jpeg_mem_src(&ci, d, (unsigned long)len);
    jpeg_read_header(&ci, TRUE);
    if ((uint64_t)ci.image_width * ci.image_height > BEIAN_SCAN_MAX_PIXELS) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "the picture is %u x %u pixels; at most %u million pixels are read "
                           "(scan at 300 dpi)",
                           ci.image_width, ci.image_height, BEIAN_SCAN_MAX_PIXELS / 1000000u);
        rc = BEIAN_EDATA;
        goto done;
    }
    ci.out_color_space = JCS_GRAYSCALE;
    jpeg_start_decompress(&ci);
    size_t w = ci.output_width, h = ci.output_height;
    g = malloc(w * h > 0 ? w * h : 1);
    if (!g) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    while (ci.output_scanline < ci.output_height) {
        JSAMPROW row = g + (size_t)ci.output_scanline * w;
        jpeg_read_scanlines(&ci, &row, 1);
    }
    jpeg_finish_decompress(&ci);
    size_t before = out->n;
    rc = page_codes(g, (unsigned)w, (unsigned)h, out);
    if (rc == BEIAN_OK && out->n == before && err.damaged) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "the JPEG file is damaged or truncated (%s)", err.msg);
        rc = BEIAN_EDATA;
    }
done:
    jpeg_destroy_decompress(&ci);
    free(g);
    return rc;
}

/* 1 when pictures cover at least half of the page: a scanner's or a phone's "scan to PDF"
 * (some scanners write the page as several strips: their areas are added). A page that beian
 * (or any program) wrote is text, fonts and lines, with no page image (issue 13, point 8: the
 * unsigned form beian printed was filed as the signed copy). */
static int page_is_picture(PopplerPage *page, double pw, double ph)
{
    GList *images = poppler_page_get_image_mapping(page);
    double covered = 0;
    for (GList *i = images; i; i = i->next) {
        const PopplerImageMapping *m = i->data;
        double a = (m->area.x2 - m->area.x1) * (m->area.y2 - m->area.y1);
        covered += a < 0 ? -a : a;
    }
    poppler_page_free_image_mapping(images);
    return covered >= 0.5 * pw * ph;
}

static int pdf_codes(const char *path, const unsigned char *d, size_t len, str_list *out,
                     beian_problems *pr)
{
    int rc = BEIAN_OK;
    GError *gerr = NULL;
    GBytes *bytes = g_bytes_new(d, len);
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, &gerr);
    if (!doc) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "the PDF file cannot be read: %s", gerr ? gerr->message : "damaged");
        rc = BEIAN_EDATA;
        goto done;
    }
    int pages = poppler_document_get_n_pages(doc);
    if (pages > BEIAN_SCAN_MAX_PAGES) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "the PDF has %d pages; at most %d pages of a scan are read", pages,
                           BEIAN_SCAN_MAX_PAGES);
        rc = BEIAN_EDATA;
        goto done;
    }
    for (int i = 0; i < pages && rc == BEIAN_OK; i++) {
        PopplerPage *page = poppler_document_get_page(doc, i);
        double pw = 0, ph = 0;
        poppler_page_get_size(page, &pw, &ph);
        double k = PDF_DPI / 72.0;
        double px = pw * k * ph * k;
        if (pw <= 0 || ph <= 0 || pw > 14400 || ph > 14400 || px > BEIAN_SCAN_MAX_PIXELS) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                               "page %d of the PDF is %.0f x %.0f points, too large to read",
                               i + 1, pw, ph);
            rc = BEIAN_EDATA;
            g_object_unref(page);
            break;
        }
        out->written = !page_is_picture(page, pw, ph);
        out->dpi = PDF_DPI;
        cairo_surface_t *s =
            cairo_image_surface_create(CAIRO_FORMAT_RGB24, (int)(pw * k), (int)(ph * k));
        cairo_t *cr = cairo_create(s);
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
        cairo_scale(cr, k, k);
        poppler_page_render_for_printing(page, cr);
        cairo_destroy(cr);
        unsigned gw, gh;
        unsigned char *g = surface_grey(s, &gw, &gh);
        cairo_surface_destroy(s);
        g_object_unref(page);
        rc = g ? page_codes(g, gw, gh, out) : BEIAN_EINTERNAL;
        free(g);
    }
done:
    if (gerr) {
        g_error_free(gerr);
    }
    if (doc) {
        g_object_unref(doc);
    }
    g_bytes_unref(bytes);
    return rc;
}

/* A TIFF page (tiff.c) read like a picture. */
static int tiff_page(void *user, const unsigned char *grey, unsigned w, unsigned h, double dpi)
{
    str_list *l = user;
    l->dpi = dpi;
    l->written = 0;
    return page_codes(grey, w, h, l);
}

/* Decodes the picture or PDF in data (borrowed) into l; problems name it by path. */
static int decode(const char *path, const unsigned char *data, size_t len, str_list *l,
                  beian_problems *pr)
{
    int rc;
    switch (beian_scan_sniff(data, len)) {
    case BEIAN_SCAN_PNG:
        rc = png_codes(path, data, len, l, pr);
        break;
    case BEIAN_SCAN_JPEG:
        rc = jpeg_codes(path, data, len, l, pr);
        break;
    case BEIAN_SCAN_PDF:
        rc = pdf_codes(path, data, len, l, pr);
        break;
    case BEIAN_SCAN_TIFF:
        rc = scan_tiff__read(path, data, len, tiff_page, l, pr);
        break;
    default:
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "not a PNG, JPEG, TIFF or PDF file (whatever its name says)");
        rc = BEIAN_EDATA;
    }
    if (rc == BEIAN_EDATA && l->footer && l->n_pages >= BEIAN_SCAN_MAX_PAGES &&
        beian_problems_errors(pr) == 0) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "the scan has more than %d pages; at most %d are read",
                           BEIAN_SCAN_MAX_PAGES, BEIAN_SCAN_MAX_PAGES);
    }
    return rc;
}

/* Out of memory is said as such, never as a bad picture (nor with a problem list that lost
 * the problem saying why). */
static int said(beian_ctx *ctx, const char *path, int rc, beian_problems *pr)
{
    if (rc != BEIAN_EINTERNAL && beian_problems_lost(pr)) {
        rc = BEIAN_EINTERNAL;
    }
    if (rc == BEIAN_EINTERNAL) {
        rc = beian_ctx_fail(ctx, rc, "%s: out of memory while reading it", path);
    }
    return rc;
}

static int scan_file(beian_ctx *ctx, const char *path, int footer, char ***payloads, size_t *n,
                     beian_problems *pr)
{
    str_list l = {0};
    l.footer = footer;
    beian_buf b;
    int err = 0;
    *payloads = NULL;
    *n = 0;
    int rc = beian_file_read(path, BEIAN_SCAN_MAX_BYTES, &b, &err);
    if (rc == BEIAN_EDATA) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "the file is larger than %u MiB", BEIAN_SCAN_MAX_BYTES >> 20);
    } else if (rc != BEIAN_OK && rc != BEIAN_EINTERNAL) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL, "cannot read: %s",
                           strerror(err));
    }
    if (rc == BEIAN_OK) {
        rc = decode(path, b.data, b.len, &l, pr);
        beian_buf_release(&b);
    }
    pages_free(l.pages, l.n_pages);
    rc = said(ctx, path, rc, pr);
    if (rc != BEIAN_OK) {
        beian_scan_codes_free(l.items, l.n);
        return rc;
    }
    *payloads = l.items;
    *n = l.n;
    return BEIAN_OK;
}

int beian_scan_codes(beian_ctx *ctx, const char *path, char ***payloads, size_t *n,
                     beian_problems *pr)
{
    return scan_file(ctx, path, 1, payloads, n, pr);
}

int beian_scan_picture_codes(beian_ctx *ctx, const char *path, char ***payloads, size_t *n,
                             beian_problems *pr)
{
    return scan_file(ctx, path, 0, payloads, n, pr);
}

int beian_scan_read(beian_ctx *ctx, const char *name, const unsigned char *data, size_t len,
                    beian_scan_doc *out, beian_problems *pr)
{
    str_list l = {0};
    l.footer = 1;
    memset(out, 0, sizeof *out);
    int rc = decode(name, data, len, &l, pr);
    beian_scan_codes_free(l.items, l.n);
    rc = said(ctx, name, rc, pr);
    if (rc != BEIAN_OK) {
        pages_free(l.pages, l.n_pages);
        return rc;
    }
    out->kind = beian_scan_sniff(data, len);
    out->pages = l.pages;
    out->n_pages = l.n_pages;
    return BEIAN_OK;
}

int beian_scan_pdf_pages(const unsigned char *data, size_t len)
{
    GBytes *bytes = g_bytes_new(data, len);
    PopplerDocument *doc = poppler_document_new_from_bytes(bytes, NULL, NULL);
    int n = doc ? poppler_document_get_n_pages(doc) : -1;
    if (doc) {
        g_object_unref(doc);
    }
    g_bytes_unref(bytes);
    return n;
}

const char *beian_scan_zbar_version(void)
{
    static char v[32];
    if (!v[0]) {
        unsigned major = 0, minor = 0, patch = 0;
        zbar_version(&major, &minor, &patch);
        snprintf(v, sizeof v, "%u.%u.%u", major, minor, patch);
    }
    return v;
}

const char *beian_scan_poppler_version(void)
{
    return poppler_get_version();
}

const char *beian_scan_tiff_version(void)
{
    return scan_tiff__version();
}
