/*
 * tiff.c - the TIFF adapter (libtiff): the multi-page TIFF of office scanners read from memory
 * (the bytes that are filed are the bytes decoded: issue 13, point 9) through TIFFClientOpenExt,
 * each page as RGBA (TIFFReadRGBAImageOriented handles every photometric and compression
 * libtiff knows) and then 8-bit grey for zbar. libtiff's messages go to per-open handlers, never
 * to stderr: the first error is kept for the problem.
 */
#include "tiff.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

#include "beian/scan.h"

typedef struct {
    const unsigned char *data;
    size_t len, off;
    char error[200]; /* libtiff's first error */
} tiff_mem;

static tmsize_t mem_read(thandle_t h, void *buf, tmsize_t size)
{
    tiff_mem *m = (tiff_mem *)h;
    size_t n = size < 0 ? 0 : (size_t)size;
    if (m->off >= m->len) {
        return 0;
    }
    if (n > m->len - m->off) {
        n = m->len - m->off;
    }
    memcpy(buf, m->data + m->off, n);
    m->off += n;
    return (tmsize_t)n;
}

static tmsize_t mem_write(thandle_t h, void *buf, tmsize_t size)
{
    (void)h;
    (void)buf;
    (void)size;
    return -1; /* read only */
}

static toff_t mem_seek(thandle_t h, toff_t off, int whence)
{
    tiff_mem *m = (tiff_mem *)h;
    uint64_t base = whence == SEEK_CUR ? m->off : whence == SEEK_END ? m->len : 0;
    if (off > UINT64_MAX - base || base + off > m->len) {
        return (toff_t)-1;
    }
    m->off = (size_t)(base + off);
    return m->off;
}

static int mem_close(thandle_t h)
{
    (void)h;
    return 0;
}

static toff_t mem_size(thandle_t h)
{
    return ((tiff_mem *)h)->len;
}

static int mem_map(thandle_t h, void **base, toff_t *size)
{
    (void)h;
    (void)base;
    (void)size;
    return 0; /* no mapping: libtiff reads through mem_read */
}

static void mem_unmap(thandle_t h, void *base, toff_t size)
{
    (void)h;
    (void)base;
    (void)size;
}

static int on_error(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
    (void)tif;
    (void)module;
    tiff_mem *m = user;
    if (!m->error[0]) {
        vsnprintf(m->error, sizeof m->error, fmt, ap);
    }
    return 1; /* handled: not printed */
}

static int on_warning(TIFF *tif, void *user, const char *module, const char *fmt, va_list ap)
{
    (void)tif;
    (void)user;
    (void)module;
    (void)fmt;
    (void)ap;
    return 1;
}

/* One page to grey (composited over white); BEIAN_EDATA with a problem when unreadable. */
static int tiff_page(const char *path, TIFF *t, tiff_mem *m, int index, scan_tiff_page_fn page,
                     void *user, beian_problems *pr)
{
    uint32_t w = 0, h = 0;
    float xres = 0;
    uint16_t unit = RESUNIT_INCH;
    TIFFGetField(t, TIFFTAG_IMAGEWIDTH, &w);
    TIFFGetField(t, TIFFTAG_IMAGELENGTH, &h);
    if (w == 0 || h == 0 || (uint64_t)w * h > BEIAN_SCAN_MAX_PIXELS) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "page %d of the TIFF is %u x %u pixels; at most %u million pixels are "
                           "read (scan at 300 dpi)",
                           index + 1, (unsigned)w, (unsigned)h, BEIAN_SCAN_MAX_PIXELS / 1000000u);
        return BEIAN_EDATA;
    }
    double dpi = 0;
    if (TIFFGetField(t, TIFFTAG_XRESOLUTION, &xres) && xres > 0) {
        TIFFGetFieldDefaulted(t, TIFFTAG_RESOLUTIONUNIT, &unit);
        dpi = unit == RESUNIT_CENTIMETER ? xres * 2.54 : unit == RESUNIT_INCH ? xres : 0;
    }
    size_t n = (size_t)w * h;
    uint32_t *rgba = malloc(n * sizeof *rgba);
    unsigned char *grey = malloc(n);
    int rc = BEIAN_OK;
    if (!rgba || !grey) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    if (!TIFFReadRGBAImageOriented(t, w, h, rgba, ORIENTATION_TOPLEFT, 0)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "page %d of the TIFF cannot be decoded: %s", index + 1,
                           m->error[0] ? m->error : "damaged");
        rc = BEIAN_EDATA;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t p = rgba[i];
        unsigned r = TIFFGetR(p), g = TIFFGetG(p), b = TIFFGetB(p), a = TIFFGetA(p);
        unsigned lum = (r * 299 + g * 587 + b * 114) / 1000;
        /* RGBA from libtiff is premultiplied for associated alpha only; compose over white */
        unsigned v = lum * a / 255 + (255 - a);
        grey[i] = (unsigned char)(v > 255 ? 255 : v);
    }
    free(rgba);
    rgba = NULL;
    rc = page(user, grey, w, h, dpi);
done:
    free(rgba);
    free(grey);
    return rc;
}

int scan_tiff__read(const char *path, const unsigned char *data, size_t len,
                    scan_tiff_page_fn page, void *user, beian_problems *pr)
{
    tiff_mem m = {data, len, 0, ""};
    TIFFOpenOptions *o = TIFFOpenOptionsAlloc();
    if (!o) {
        return BEIAN_EINTERNAL;
    }
    TIFFOpenOptionsSetErrorHandlerExtR(o, on_error, &m);
    TIFFOpenOptionsSetWarningHandlerExtR(o, on_warning, &m);
    TIFFOpenOptionsSetMaxSingleMemAlloc(o, (tmsize_t)BEIAN_SCAN_MAX_PIXELS * 4);
    /* "m": never map the file (there is none) */
    TIFF *t = TIFFClientOpenExt(path, "rm", (thandle_t)&m, mem_read, mem_write, mem_seek,
                                mem_close, mem_size, mem_map, mem_unmap, o);
    TIFFOpenOptionsFree(o);
    if (!t) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "the TIFF file cannot be read: %s", m.error[0] ? m.error : "damaged");
        return BEIAN_EDATA;
    }
    int rc = BEIAN_OK;
    int index = 0;
    do {
        if (index >= BEIAN_SCAN_MAX_PAGES) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                               "the TIFF has more than %d pages; at most %d pages of a scan are "
                               "read",
                               BEIAN_SCAN_MAX_PAGES, BEIAN_SCAN_MAX_PAGES);
            rc = BEIAN_EDATA;
            break;
        }
        rc = tiff_page(path, t, &m, index++, page, user, pr);
    } while (rc == BEIAN_OK && TIFFReadDirectory(t));
    TIFFClose(t);
    return rc;
}

/* "4.5.0" from libtiff's "LIBTIFF, Version 4.5.0\nCopyright ..." */
const char *scan_tiff__version(void)
{
    static char v[32];
    if (!v[0]) {
        const char *s = strstr(TIFFGetVersion(), "Version ");
        s = s ? s + 8 : "?";
        snprintf(v, sizeof v, "%.*s", (int)strcspn(s, " \n"), s);
    }
    return v;
}
