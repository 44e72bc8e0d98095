/*
 * scan_prep.c - the preprocessing behind scan.c's footer-code retries. A phone photo or a
 * 100 dpi scan blurs the footer tracking code (0.79 mm modules: 3 px at 100 dpi) into grey that
 * zbar's own binariser gives up on; cropping the footer corner, scaling it up and binarising it
 * ourselves lets zbar read it again. The steps and their parameters were measured on a few
 * hundred generated degraded scans (bench/scan/README.md, bench/scan/zretry.c).
 */
#include "scan_prep.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int scan_prep__crop_scaled(const unsigned char *src, unsigned sw, unsigned sh, unsigned x0,
                           unsigned y0, unsigned w, unsigned h, unsigned k, size_t max_px,
                           scan_prep_img *out)
{
    if (k < 1 || k > 4 || w == 0 || h == 0 || x0 > sw || w > sw - x0 || y0 > sh || h > sh - y0) {
        return 1;
    }
    size_t ow = (size_t)w * k, oh = (size_t)h * k;
    if (ow > SIZE_MAX / oh || ow * oh > max_px || ow > UINT32_MAX || oh > UINT32_MAX) {
        return 1;
    }
    unsigned char *p = malloc(ow * oh);
    if (!p) {
        return -1;
    }
    const unsigned char *base = src + (size_t)y0 * sw + x0;
    for (size_t y = 0; y < oh; y++) {
        /* the centre of the output pixel, in the source's pixel coordinates */
        double sy = ((double)y + 0.5) / k - 0.5;
        unsigned ya = sy < 0 ? 0 : (unsigned)sy;
        unsigned yb = ya + 1 < h ? ya + 1 : h - 1;
        double fy = sy - ya < 0 ? 0 : sy - ya;
        const unsigned char *r0 = base + (size_t)ya * sw, *r1 = base + (size_t)yb * sw;
        unsigned char *o = p + y * ow;
        for (size_t x = 0; x < ow; x++) {
            double sx = ((double)x + 0.5) / k - 0.5;
            unsigned xa = sx < 0 ? 0 : (unsigned)sx;
            unsigned xb = xa + 1 < w ? xa + 1 : w - 1;
            double fx = sx - xa < 0 ? 0 : sx - xa;
            double v = (r0[xa] * (1 - fx) + r0[xb] * fx) * (1 - fy) +
                       (r1[xa] * (1 - fx) + r1[xb] * fx) * fy;
            o[x] = (unsigned char)(v + 0.5);
        }
    }
    out->w = (unsigned)ow;
    out->h = (unsigned)oh;
    out->p = p;
    return 0;
}

void scan_prep__otsu(scan_prep_img *m)
{
    size_t hist[256] = {0};
    size_t n = (size_t)m->w * m->h;
    for (size_t i = 0; i < n; i++) {
        hist[m->p[i]]++;
    }
    double sum = 0;
    for (int i = 0; i < 256; i++) {
        sum += (double)i * (double)hist[i];
    }
    /* the threshold that maximises the variance between the two classes */
    double wb = 0, sb = 0, best = -1;
    int t = 128;
    for (int i = 0; i < 256; i++) {
        wb += (double)hist[i];
        if (wb == 0) {
            continue;
        }
        double wf = (double)n - wb;
        if (wf == 0) {
            break;
        }
        sb += (double)i * (double)hist[i];
        double mb = sb / wb, mf = (sum - sb) / wf;
        double between = wb * wf * (mb - mf) * (mb - mf);
        if (between > best) {
            best = between;
            t = i;
        }
    }
    for (size_t i = 0; i < n; i++) {
        m->p[i] = m->p[i] <= t ? 0 : 255;
    }
}

int scan_prep__local_mean(scan_prep_img *m, unsigned r, int c)
{
    size_t w = m->w, h = m->h;
    /* Summed-area table, (w+1) x (h+1). Its sums wrap modulo 2^32, which leaves every window's
     * sum (a difference of four of them) exact: a window holds far fewer than 2^32 / 255 px. */
    if (w + 1 > SIZE_MAX / sizeof(uint32_t) / (h + 1)) {
        return -1;
    }
    uint32_t *ii = calloc((w + 1) * (h + 1), sizeof *ii);
    if (!ii) {
        return -1;
    }
    for (size_t y = 0; y < h; y++) {
        uint32_t row = 0;
        for (size_t x = 0; x < w; x++) {
            row += m->p[y * w + x];
            ii[(y + 1) * (w + 1) + x + 1] = ii[y * (w + 1) + x + 1] + row;
        }
    }
    for (size_t y = 0; y < h; y++) {
        size_t ya = y < r ? 0 : y - r, yb = y + r + 1 > h ? h : y + r + 1;
        for (size_t x = 0; x < w; x++) {
            size_t xa = x < r ? 0 : x - r, xb = x + r + 1 > w ? w : x + r + 1;
            uint32_t s = ii[yb * (w + 1) + xb] - ii[ya * (w + 1) + xb] - ii[yb * (w + 1) + xa] +
                         ii[ya * (w + 1) + xa];
            double mean = (double)s / ((double)(yb - ya) * (double)(xb - xa));
            m->p[y * w + x] = m->p[y * w + x] < mean - c ? 0 : 255;
        }
    }
    free(ii);
    return 0;
}
