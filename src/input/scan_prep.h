/*
 * scan_prep.h - preprocessing of grey scans for the footer-code retries of scan.c: cropping
 * a corner, bilinear scaling and binarising (Otsu's global threshold, or against the local
 * mean). Pure pixel work on 8-bit grey images; no decoder is called here.
 */
#ifndef BEIAN_SCAN_PREP_H
#define BEIAN_SCAN_PREP_H

#include <stddef.h>

/* An 8-bit grey image, rows packed (w bytes each); p is malloc'd and owned by the image. */
typedef struct {
    unsigned w, h;
    unsigned char *p;
} scan_prep_img;

/*
 * A new image (owned by the caller) in *out: the w x h rectangle at (x0, y0) of the sw x sh
 * grey pixels src (borrowed), scaled by k (1..4, bilinear). Returns 0; 1 when the rectangle is
 * empty or outside src or the result would be larger than max_px pixels (nothing to do); -1 when
 * out of memory. *out is set only on 0.
 */
int scan_prep__crop_scaled(const unsigned char *src, unsigned sw, unsigned sh, unsigned x0,
                           unsigned y0, unsigned w, unsigned h, unsigned k, size_t max_px,
                           scan_prep_img *out);

/* Binarises m in place at Otsu's threshold: ink 0, paper 255. */
void scan_prep__otsu(scan_prep_img *m);

/*
 * Binarises m in place against the local mean of a (2r+1)^2 window: a pixel darker than that
 * mean by more than c is ink (0), anything else paper (255). Returns 0, or -1 when out of
 * memory (m untouched then).
 */
int scan_prep__local_mean(scan_prep_img *m, unsigned r, int c);

/*
 * The two page tests of issue 13, point 8 (measured in bench/scan/README.md, "Page tests", with
 * bench/scan/pagestats.c, whose algorithm this is): *ink is the share of the page's pixels
 * darker than 3/4 of the paper's brightness (the paper: the 90th percentile of the grey
 * values), *rule the longest near-horizontal ruled line (-4..4 degrees, followed on the page
 * reduced to about 100 dpi) as a share of the page width. dpi is the page's resolution (0:
 * taken as A4 wide). Returns 0, or -1 when out of memory.
 */
int scan_prep__page_stats(const unsigned char *grey, unsigned w, unsigned h, double dpi,
                          double *ink, double *rule);

#endif
