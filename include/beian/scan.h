/*
 * beian/scan.h - reading QR codes from pictures and scans (zbar).
 *
 * A picture is a PNG, a JPEG or a TIFF of one or more pages (told by its magic bytes, not its
 * name) or a PDF of scanned pages, which is rasterised page by page (poppler). Limits are checked before any pixel
 * memory is spent.
 */
#ifndef BEIAN_SCAN_H
#define BEIAN_SCAN_H

#include <stddef.h>

#include "beian/common.h"

#define BEIAN_SCAN_MAX_BYTES (64u * 1024u * 1024u) /* a scan file */
#define BEIAN_SCAN_MAX_PIXELS (120u * 1000u * 1000u) /* one picture: A4 at 1200 dpi is 140 MP */
#define BEIAN_SCAN_MAX_PAGES 200                    /* pages of a scanned PDF */

typedef enum {
    BEIAN_SCAN_UNKNOWN,
    BEIAN_SCAN_PNG,
    BEIAN_SCAN_JPEG,
    BEIAN_SCAN_PDF,
    BEIAN_SCAN_TIFF /* a multi-page TIFF, as office scanners write (libtiff) */
} beian_scan_kind;

/* What the first bytes of a file say it is. */
beian_scan_kind beian_scan_sniff(const unsigned char *data, size_t len);

/*
 * Decodes every QR code in the file at path, in reading order (page by page). *payloads is a
 * malloc'd array of malloc'd NUL-terminated strings (free with beian_scan_codes_free); a
 * picture with no code gives *n == 0 and BEIAN_OK. BEIAN_EDATA (with a problem) for a file
 * that is not a readable PNG, JPEG, TIFF or PDF or is over a limit; BEIAN_ENOINPUT when missing.
 * (The intake reads scans with beian_scan_read, from the bytes it files; this reads a file.)
 */
int beian_scan_codes(beian_ctx *ctx, const char *path, char ***payloads, size_t *n,
                     beian_problems *pr);
/* The same for a picture that is not a scan of a printed form (a group's own QR code): the
 * whole-page read only, without the footer retries that look for a tracking code. */
int beian_scan_picture_codes(beian_ctx *ctx, const char *path, char ***payloads, size_t *n,
                             beian_problems *pr);
void beian_scan_codes_free(char **payloads, size_t n);

/* One page of a scan, as the intake judges it (issue 13). */
typedef struct {
    char *tracking; /* the beian: payload read in the page's footer corner, or NULL */
    int elsewhere;  /* a beian: code was read away from the footer (a group's QR holding one):
                       never taken for the tracking code */
    int written;    /* a PDF page with no picture covering it: written by a program (text and
                       fonts), not scanned */
    double ink;     /* share of the pixels darker than 3/4 of the paper's brightness */
    double rule;    /* the longest near-horizontal ruled line, as a share of the page width */
} beian_scan_page;

typedef struct {
    beian_scan_kind kind;
    beian_scan_page *pages; /* in the file's order */
    size_t n_pages;
} beian_scan_doc;

/*
 * Reads every page of the scan in data (borrowed: the caller files these same bytes), named
 * name in problems. BEIAN_EDATA with a problem when it is not a readable PNG, JPEG, TIFF or PDF
 * or is over a limit; out is filled on BEIAN_OK (release with beian_scan_doc_release).
 */
int beian_scan_read(beian_ctx *ctx, const char *name, const unsigned char *data, size_t len,
                    beian_scan_doc *out, beian_problems *pr);
void beian_scan_doc_release(beian_scan_doc *d);
/* The number of pages of a PDF (the form beian printed), or -1 when it cannot be read. */
int beian_scan_pdf_pages(const unsigned char *data, size_t len);

/* The zbar and poppler versions scans are read with, for `beian --version`. */
const char *beian_scan_zbar_version(void);
const char *beian_scan_poppler_version(void);
const char *beian_scan_tiff_version(void);

#endif
