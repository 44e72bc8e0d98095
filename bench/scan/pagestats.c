/*
 * pagestats.c - the two page tests of issue 13, point 8, measured on generated scans.
 *
 * Reads lines "id<TAB>file.pgm<TAB>..." on stdin and prints
 * "id<TAB>ink50<TAB>ink75<TAB>mass<TAB>rule<TAB>ms":
 *
 *   ink50, ink75  the fraction of the page's pixels that are ink: darker than half (three
 *         quarters) of the paper's brightness (the paper: the 90th percentile of the grey values,
 *         so that a tinted sheet or a grey scanner lid does not count as ink);
 *   mass  the page's darkness beyond a dead zone (a fifth of the paper's brightness), as a
 *         fraction of a black page: a blur spreads a stroke but keeps its darkness;
 *   rule  the longest ruled line, as a fraction of the page width: the longest run of ink along
 *         a line at -4..4 degrees from the horizontal (steps of 0.25; a page upside down has its
 *         rules horizontal too), one pixel of slack either side and gaps of up to 2 pixels; a
 *         pixel of a rule is darker, by RIDGE (6 %) of the paper, than the pixels 2 rows above
 *         and below it (a thin rule blurred at 100 dpi is light grey, and a vertical stroke of
 *         text is no ridge), or darker than half the paper.
 *
 * Ink is counted at the scan's resolution; rules are looked for on the page reduced to about
 * 100 dpi (a box filter of an integer factor), where beian's 0.75 pt rule is about a pixel.
 *
 * Build: cc -O2 -std=c11 pagestats.c -lm
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef RIDGE
#define RIDGE 0.06
#endif

static unsigned char *read_pgm(const char *path, int *w, int *h)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        return NULL;
    }
    int max;
    if (fscanf(f, "P5 %d %d %d", w, h, &max) != 3 || max != 255 || *w <= 0 || *h <= 0) {
        fclose(f);
        return NULL;
    }
    fgetc(f);
    size_t n = (size_t)*w * *h;
    unsigned char *p = malloc(n);
    if (p && fread(p, 1, n, f) != n) {
        free(p);
        p = NULL;
    }
    fclose(f);
    return p;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(void)
{
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        char *id = strtok(line, "\t"), *path = strtok(NULL, "\t");
        if (!id || !path) {
            continue;
        }
        int W, H;
        unsigned char *p = read_pgm(path, &W, &H);
        if (!p) {
            printf("%s\tunreadable\n", id);
            continue;
        }
        double t0 = now_ms();
        /* the page is taken as A4 wide: W pixels for 210 mm */
        double dpi = W / (210 / 25.4);
        int k = (int)(dpi / 100 + 0.5);
        k = k < 1 ? 1 : k;
        int w = W / k, h = H / k;
        unsigned char *g = malloc((size_t)w * h);
        long hist[256] = {0};
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int s = 0;
                for (int dy = 0; dy < k; dy++) {
                    for (int dx = 0; dx < k; dx++) {
                        s += p[(size_t)(y * k + dy) * W + x * k + dx];
                    }
                }
                g[(size_t)y * w + x] = (unsigned char)(s / (k * k));
            }
        }
        /* ink is counted at full resolution */
        size_t N = (size_t)W * H;
        for (size_t i = 0; i < N; i++) {
            hist[p[i]]++;
        }
        long acc = 0;
        int paper = 255;
        for (int v = 0; v < 256; v++) {
            acc += hist[v];
            if (acc >= 0.10 * N) { /* 90 % of the pixels are at least this bright */
                paper = v;
                break;
            }
        }
        /* three measures of ink: pixels darker than half the paper, than three quarters of
         * it, and the darkness beyond a dead zone of a fifth of the paper (which blur keeps:
         * it spreads a stroke's darkness, it does not remove it) */
        long ink50 = 0, ink75 = 0;
        double mass = 0;
        for (int v = 0; v < 256; v++) {
            ink50 += v <= paper / 2 ? hist[v] : 0;
            ink75 += v <= paper * 3 / 4 ? hist[v] : 0;
            mass += v < paper * 0.8 ? hist[v] * (paper * 0.8 - v) / (paper * 0.8) : 0;
        }
        unsigned char *b = malloc((size_t)w * h);
        /* a rule's pixel: darker than the pixels two rows above and below it (a thin
         * horizontal ridge, which a vertical stroke of text is not), or simply dark */
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = g[(size_t)y * w + x];
                int up = y >= 2 ? g[(size_t)(y - 2) * w + x] : paper;
                int down = y + 2 < h ? g[(size_t)(y + 2) * w + x] : paper;
                int around = up < down ? up : down;
                b[(size_t)y * w + x] = around - v > paper * RIDGE || v < paper / 2;
            }
        }
        /* one pixel of slack either side: the rows dilated vertically once */
        unsigned char *d = malloc((size_t)w * h);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                d[(size_t)y * w + x] = b[(size_t)y * w + x] || (y > 0 && b[(size_t)(y - 1) * w + x]) ||
                                       (y + 1 < h && b[(size_t)(y + 1) * w + x]);
            }
        }
        int gap = 2;
        int *yoff = malloc(sizeof *yoff * (size_t)w); /* pixels: noise and JPEG may break a rule, text breaks more often */
        int best = 0;
        for (double a = -4; a <= 4.001; a += 0.25) {
            double t = tan(a * 3.14159265358979323846 / 180);
            double drop = fabs(t) * w;
            for (int x = 0; x < w; x++) {
                yoff[x] = (int)floor(t * x + 0.5);
            }
            for (int y0 = -(int)drop - 1; y0 < h + (int)drop + 1; y0++) {
                int last = -1, start = -1;
                for (int x = 0; x < w; x++) {
                    int y = y0 + yoff[x];
                    if ((unsigned)y < (unsigned)h && d[(size_t)y * w + x]) {
                        if (last < 0 || x - last > gap + 1) {
                            start = x;
                        }
                        last = x;
                        if (x - start + 1 > best) {
                            best = x - start + 1;
                        }
                    }
                }
            }
        }
        printf("%s\t%.5f\t%.5f\t%.5f\t%.3f\t%.1f\n", id, (double)ink50 / N, (double)ink75 / N,
               mass / N, (double)best / w, now_ms() - t0);
        fflush(stdout);
        free(g);
        free(b);
        free(d);
        free(yoff);
        free(p);
    }
    return 0;
}
