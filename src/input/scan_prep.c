/*
 * scan_prep.c - the preprocessing behind scan.c's footer-code retries. A phone photo or a
 * 100 dpi scan blurs the footer tracking code (0.79 mm modules: 3 px at 100 dpi) into grey that
 * zbar's own binariser gives up on; cropping the footer corner, scaling it up and binarising it
 * ourselves lets zbar read it again. The steps and their parameters were measured on a few
 * hundred generated degraded scans (bench/scan/README.md, bench/scan/zretry.c).
 */
#include "scan_prep.h"

#include <math.h>
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

/* A rule's pixel is darker, by this share of the paper, than the pixels two rows above and
 * below it (a thin rule blurred at 100 dpi is light grey; a vertical stroke of text is no
 * ridge): bench/scan/pagestats.c's RIDGE. */
#define STATS_RIDGE 0.06
#define STATS_GAP 2 /* pixels of a rule that noise or JPEG may break */

/* The longest run of rule pixels d (w x h, 0/1) along a line at -4..4 degrees. The level
 * lines first (a scan is mostly straight), then a line is left as soon as what remains of it
 * cannot make a longer run than the longest found: the same answer, a few times faster. */
static unsigned longest_rule(const unsigned char *d, unsigned w, unsigned h, int *yoff)
{
    unsigned best = 0;
    for (int i = 0; i <= 32; i++) { /* steps of 0.25 degrees: 0, 1, -1, 2, -2, ... */
        int step = i % 2 ? (i + 1) / 2 : -(i / 2);
        double t = tan(step * 0.25 * 3.14159265358979323846 / 180);
        int drop = (int)(fabs(t) * w) + 1;
        for (unsigned x = 0; x < w; x++) {
            yoff[x] = (int)floor(t * x + 0.5);
        }
        for (int y0 = -drop; y0 < (int)h + drop; y0++) {
            long last = -1, start = -1;
            for (unsigned x = 0; x < w; x++) {
                /* the longest this line can still give: the run going on, or one from x */
                long from = last >= 0 && (long)x - last <= STATS_GAP + 1 ? start : (long)x;
                if ((unsigned long)((long)w - from) <= best) {
                    break;
                }
                int y = y0 + yoff[x];
                if (y < 0 || (unsigned)y >= h || !d[(size_t)y * w + x]) {
                    continue;
                }
                if (last < 0 || (long)x - last > STATS_GAP + 1) {
                    start = x;
                }
                last = x;
                if ((unsigned long)(x - start + 1) > best) {
                    best = (unsigned)(x - start + 1);
                }
            }
        }
    }
    return best;
}

int scan_prep__page_stats(const unsigned char *grey, unsigned W, unsigned H, double dpi,
                          double *ink, double *rule)
{
    *ink = 0;
    *rule = 0;
    if (W == 0 || H == 0) {
        return 0;
    }
    size_t N = (size_t)W * H;
    size_t hist[256] = {0};
    for (size_t i = 0; i < N; i++) {
        hist[grey[i]]++;
    }
    size_t acc = 0;
    int paper = 255;
    for (int v = 0; v < 256; v++) {
        acc += hist[v];
        if (acc >= N / 10) { /* 90 % of the pixels are at least this bright */
            paper = v;
            break;
        }
    }
    size_t dark = 0;
    for (int v = 0; v <= paper * 3 / 4; v++) {
        dark += hist[v];
    }
    *ink = (double)dark / (double)N;
    /* rules are looked for at about 100 dpi, where beian's 0.75 pt rule is about a pixel */
    if (dpi <= 0) {
        dpi = W / (210 / 25.4);
    }
    unsigned k = (unsigned)(dpi / 100 + 0.5);
    k = k < 1 ? 1 : k;
    unsigned w = W / k, h = H / k;
    if (w < 3 || h < 5) {
        return 0;
    }
    unsigned char *g = malloc((size_t)w * h), *b = malloc((size_t)w * h),
                  *d = malloc((size_t)w * h);
    int *yoff = malloc(sizeof *yoff * w);
    int rc = -1;
    if (!g || !b || !d || !yoff) {
        goto done;
    }
    for (unsigned y = 0; y < h; y++) {
        for (unsigned x = 0; x < w; x++) {
            unsigned s = 0;
            for (unsigned dy = 0; dy < k; dy++) {
                const unsigned char *row = grey + (size_t)(y * k + dy) * W + (size_t)x * k;
                for (unsigned dx = 0; dx < k; dx++) {
                    s += row[dx];
                }
            }
            g[(size_t)y * w + x] = (unsigned char)(s / (k * k));
        }
    }
    for (unsigned y = 0; y < h; y++) {
        for (unsigned x = 0; x < w; x++) {
            int v = g[(size_t)y * w + x];
            int up = y >= 2 ? g[(size_t)(y - 2) * w + x] : paper;
            int down = y + 2 < h ? g[(size_t)(y + 2) * w + x] : paper;
            int around = up < down ? up : down;
            b[(size_t)y * w + x] = around - v > paper * STATS_RIDGE || v < paper / 2;
        }
    }
    /* one pixel of slack either side: the rows dilated vertically once */
    for (unsigned y = 0; y < h; y++) {
        for (unsigned x = 0; x < w; x++) {
            size_t i = (size_t)y * w + x;
            d[i] = b[i] || (y > 0 && b[i - w]) || (y + 1 < h && b[i + w]);
        }
    }
    *rule = (double)longest_rule(d, w, h, yoff) / w;
    rc = 0;
done:
    free(g);
    free(b);
    free(d);
    free(yoff);
    return rc;
}
