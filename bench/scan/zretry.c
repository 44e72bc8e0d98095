/*
 * zretry.c - the decoding half of the scan benchmark (bench/scan/measure.sh).
 *
 * Reads lines "id<TAB>file.pgm<TAB>expected payload<TAB>rotation" on stdin and, for every image,
 * runs each preprocessing step below (or those named as arguments; --steps lists them) on its own with libzbar (QR only, binary payloads, 8-bit
 * grey: the configuration of src/input/scan.c), and prints one line per image:
 *
 *     id <TAB> step=result:ms <TAB> ...
 *
 * result is 1 when the step read the expected tracking code, 2 when it read a different
 * beian: payload (a misread: must never happen), 0 when it read none. ms is the wall time of
 * the step (its cropping, scaling and filtering included; reading the file excluded).
 * measure.sh combines the steps into retry sequences: a sequence reads a scan when one of its
 * steps does, and costs the sum of the steps up to the first that reads.
 *
 * The footer code is looked for in two corners: bottom right (where beian prints it) and top
 * left (the same place on a page scanned upside down), each CORNER_W of the width and CORNER_H
 * of the height; a step stops at the first corner that reads.
 *
 * Build: cc -O2 -std=c11 zretry.c $(pkg-config --cflags --libs zbar) -lm
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zbar.h>

#define CORNER_W 0.50
#define CORNER_H 0.18

typedef struct {
    int w, h;
    unsigned char *p;
} img;

static img img_new(int w, int h)
{
    img m = {w, h, calloc((size_t)w * h > 0 ? (size_t)w * h : 1, 1)};
    if (!m.p) {
        fprintf(stderr, "zretry: out of memory\n");
        exit(70);
    }
    return m;
}

static img read_pgm(const char *path)
{
    img m = {0, 0, NULL};
    FILE *f = fopen(path, "rb");
    if (!f) {
        return m;
    }
    int w, h, max;
    if (fscanf(f, "P5 %d %d %d", &w, &h, &max) != 3 || max != 255 || w <= 0 || h <= 0) {
        fclose(f);
        return m;
    }
    fgetc(f);
    m = img_new(w, h);
    if (fread(m.p, 1, (size_t)w * h, f) != (size_t)w * h) {
        free(m.p);
        m.p = NULL;
    }
    fclose(f);
    return m;
}

static img crop(const img *s, int x0, int y0, int w, int h)
{
    img m = img_new(w, h);
    for (int y = 0; y < h; y++) {
        memcpy(m.p + (size_t)y * w, s->p + (size_t)(y0 + y) * s->w + x0, (size_t)w);
    }
    return m;
}

static img scale(const img *s, double k)
{
    int w = (int)(s->w * k), h = (int)(s->h * k);
    img m = img_new(w, h);
    for (int y = 0; y < h; y++) {
        double sy = (y + 0.5) / k - 0.5;
        int y0 = sy < 0 ? 0 : (int)sy;
        int y1 = y0 + 1 < s->h ? y0 + 1 : s->h - 1;
        double fy = sy - y0 < 0 ? 0 : sy - y0;
        for (int x = 0; x < w; x++) {
            double sx = (x + 0.5) / k - 0.5;
            int x0 = sx < 0 ? 0 : (int)sx;
            int x1 = x0 + 1 < s->w ? x0 + 1 : s->w - 1;
            double fx = sx - x0 < 0 ? 0 : sx - x0;
            const unsigned char *r0 = s->p + (size_t)y0 * s->w, *r1 = s->p + (size_t)y1 * s->w;
            double v = (r0[x0] * (1 - fx) + r0[x1] * fx) * (1 - fy) +
                       (r1[x0] * (1 - fx) + r1[x1] * fx) * fy;
            m.p[(size_t)y * w + x] = (unsigned char)(v + 0.5);
        }
    }
    return m;
}

static int otsu(const img *m)
{
    double hist[256] = {0};
    size_t n = (size_t)m->w * m->h;
    for (size_t i = 0; i < n; i++) {
        hist[m->p[i]]++;
    }
    double sum = 0;
    for (int i = 0; i < 256; i++) {
        sum += i * hist[i];
    }
    double wb = 0, sb = 0, best = -1;
    int t = 128;
    for (int i = 0; i < 256; i++) {
        wb += hist[i];
        if (wb == 0) {
            continue;
        }
        double wf = (double)n - wb;
        if (wf == 0) {
            break;
        }
        sb += i * hist[i];
        double mb = sb / wb, mf = (sum - sb) / wf;
        double between = wb * wf * (mb - mf) * (mb - mf);
        if (between > best) {
            best = between;
            t = i;
        }
    }
    return t;
}

static void threshold(img *m, int t)
{
    size_t n = (size_t)m->w * m->h;
    for (size_t i = 0; i < n; i++) {
        m->p[i] = m->p[i] <= t ? 0 : 255;
    }
}

/* Local mean over a (2r+1)^2 window; a pixel darker than the mean by more than c is ink. */
static void adaptive(img *m, int r, int c)
{
    int w = m->w, h = m->h;
    double *ii = calloc((size_t)(w + 1) * (h + 1), sizeof *ii);
    if (!ii) {
        exit(70);
    }
    for (int y = 0; y < h; y++) {
        double row = 0;
        for (int x = 0; x < w; x++) {
            row += m->p[(size_t)y * w + x];
            ii[(size_t)(y + 1) * (w + 1) + x + 1] = ii[(size_t)y * (w + 1) + x + 1] + row;
        }
    }
    for (int y = 0; y < h; y++) {
        int ya = y - r < 0 ? 0 : y - r, yb = y + r + 1 > h ? h : y + r + 1;
        for (int x = 0; x < w; x++) {
            int xa = x - r < 0 ? 0 : x - r, xb = x + r + 1 > w ? w : x + r + 1;
            double s = ii[(size_t)yb * (w + 1) + xb] - ii[(size_t)ya * (w + 1) + xb] -
                       ii[(size_t)yb * (w + 1) + xa] + ii[(size_t)ya * (w + 1) + xa];
            double mean = s / ((double)(yb - ya) * (xb - xa));
            m->p[(size_t)y * w + x] = m->p[(size_t)y * w + x] < mean - c ? 0 : 255;
        }
    }
    free(ii);
}

/* Unsharp mask with a 3x3 box: v + a (v - mean). */
static void sharpen(img *m, double a)
{
    int w = m->w, h = m->h;
    unsigned char *o = malloc((size_t)w * h);
    if (!o) {
        exit(70);
    }
    for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
            int s = 0, n = 0;
            for (int dy = -1; dy <= 1; dy++) {
                for (int dx = -1; dx <= 1; dx++) {
                    int yy = y + dy, xx = x + dx;
                    if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                        s += m->p[(size_t)yy * w + xx];
                        n++;
                    }
                }
            }
            double v = m->p[(size_t)y * w + x];
            v += a * (v - (double)s / n);
            o[(size_t)y * w + x] = v < 0 ? 0 : v > 255 ? 255 : (unsigned char)v;
        }
    }
    memcpy(m->p, o, (size_t)w * h);
    free(o);
}

/* Rotation by deg about the centre (bilinear, white outside). */
static img rotate(const img *s, double deg)
{
    img m = img_new(s->w, s->h);
    double a = deg * 3.14159265358979323846 / 180, c = cos(a), sn = sin(a);
    double cx = s->w / 2.0, cy = s->h / 2.0;
    for (int y = 0; y < s->h; y++) {
        for (int x = 0; x < s->w; x++) {
            double sx = c * (x - cx) + sn * (y - cy) + cx, sy = -sn * (x - cx) + c * (y - cy) + cy;
            int x0 = (int)floor(sx), y0 = (int)floor(sy);
            if (x0 < 0 || y0 < 0 || x0 + 1 >= s->w || y0 + 1 >= s->h) {
                m.p[(size_t)y * s->w + x] = 255;
                continue;
            }
            double fx = sx - x0, fy = sy - y0;
            const unsigned char *r0 = s->p + (size_t)y0 * s->w, *r1 = r0 + s->w;
            double v = (r0[x0] * (1 - fx) + r0[x0 + 1] * fx) * (1 - fy) +
                       (r1[x0] * (1 - fx) + r1[x0 + 1] * fx) * fy;
            m.p[(size_t)y * s->w + x] = (unsigned char)(v + 0.5);
        }
    }
    return m;
}

static zbar_image_scanner_t *scanner;

/* 1: the expected payload, 2: another beian: payload, 0: none. */
static int zb(const img *m, const char *expected)
{
    zbar_image_t *z = zbar_image_create();
    zbar_image_set_format(z, zbar_fourcc('Y', '8', '0', '0'));
    zbar_image_set_size(z, (unsigned)m->w, (unsigned)m->h);
    zbar_image_set_data(z, m->p, (unsigned long)m->w * m->h, NULL);
    int r = 0;
    if (zbar_scan_image(scanner, z) > 0) {
        for (const zbar_symbol_t *s = zbar_image_first_symbol(z); s; s = zbar_symbol_next(s)) {
            const char *d = zbar_symbol_get_data(s);
            if (strncmp(d, "beian:", 6) == 0) {
                r = strcmp(d, expected) == 0 ? 1 : (r ? r : 2);
            }
        }
    }
    zbar_image_set_data(z, NULL, 0, NULL);
    zbar_image_destroy(z);
    return r;
}

typedef enum { F_NONE, F_OTSU, F_ADAPT, F_SHARP_OTSU, F_OTSU_LO, F_OTSU_HI, F_DESKEW } filt;

typedef struct {
    const char *name;
    int corner; /* 0: the whole page */
    double k;   /* scale */
    filt f;
    double r; /* F_ADAPT: the window's half side, in pixels before scaling */
    int c;    /* F_ADAPT: how much darker than the local mean ink is */
} step;

static const step STEPS[] = {
    {"full", 0, 1, F_NONE, 0, 0},
    {"full_otsu", 0, 1, F_OTSU, 0, 0},
    {"full_adapt", 0, 1, F_ADAPT, 6, 8},
    {"c1", 1, 1, F_NONE, 0, 0},
    {"c1_otsu", 1, 1, F_OTSU, 0, 0},
    {"c1_adapt", 1, 1, F_ADAPT, 6, 8},
    {"c2", 1, 2, F_NONE, 0, 0},
    {"c2_otsu", 1, 2, F_OTSU, 0, 0},
    {"c2_adapt", 1, 2, F_ADAPT, 6, 8},
    {"c2_adapt_r3", 1, 2, F_ADAPT, 3, 8},
    {"c2_adapt_r10", 1, 2, F_ADAPT, 10, 8},
    {"c2_adapt_c3", 1, 2, F_ADAPT, 6, 3},
    {"c2_adapt_c15", 1, 2, F_ADAPT, 6, 15},
    {"c2_sharp", 1, 2, F_SHARP_OTSU, 0, 0},
    {"c2_lo", 1, 2, F_OTSU_LO, 0, 0},
    {"c2_hi", 1, 2, F_OTSU_HI, 0, 0},
    {"c2_deskew", 1, 2, F_DESKEW, 0, 0},
    {"c3", 1, 3, F_NONE, 0, 0},
    {"c3_otsu", 1, 3, F_OTSU, 0, 0},
    {"c3_adapt", 1, 3, F_ADAPT, 6, 8},
    {"c3_adapt_c3", 1, 3, F_ADAPT, 6, 3},
    {"c3_sharp", 1, 3, F_SHARP_OTSU, 0, 0},
    {"c4_otsu", 1, 4, F_OTSU, 0, 0},
    {"c4_adapt", 1, 4, F_ADAPT, 6, 8},
};
#define NSTEPS (sizeof STEPS / sizeof STEPS[0])

static int run_on(const img *region, const step *st, const char *expected, double rot)
{
    img m = st->k != 1 ? scale(region, st->k) : crop(region, 0, 0, region->w, region->h);
    if (st->f == F_DESKEW) {
        /* the rotation the generator applied, less the half turn: an upper bound for any
         * estimate of the skew that beian could make */
        double r = fmod(rot, 180.0);
        r = r > 90 ? r - 180 : r < -90 ? r + 180 : r;
        img t = rotate(&m, -r);
        free(m.p);
        m = t;
    }
    int t = m.w && m.h ? otsu(&m) : 128;
    switch (st->f) {
    case F_OTSU:
    case F_DESKEW:
        threshold(&m, t);
        break;
    case F_OTSU_LO:
        threshold(&m, t - 25 < 0 ? 0 : t - 25);
        break;
    case F_OTSU_HI:
        threshold(&m, t + 25 > 254 ? 254 : t + 25);
        break;
    case F_ADAPT:
        adaptive(&m, (int)(st->r * st->k), st->c);
        break;
    case F_SHARP_OTSU:
        sharpen(&m, 1.5);
        threshold(&m, otsu(&m));
        break;
    case F_NONE:
        break;
    }
    int r = zb(&m, expected);
    free(m.p);
    return r;
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    scanner = zbar_image_scanner_create();
    zbar_image_scanner_set_config(scanner, ZBAR_NONE, ZBAR_CFG_ENABLE, 0);
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_ENABLE, 1);
    zbar_image_scanner_set_config(scanner, ZBAR_QRCODE, ZBAR_CFG_BINARY, 1);
    if (argc > 1 && strcmp(argv[1], "--steps") == 0) {
        for (size_t i = 0; i < NSTEPS; i++) {
            printf("%s\n", STEPS[i].name);
        }
        return 0;
    }
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        char *id = strtok(line, "\t"), *path = strtok(NULL, "\t"), *exp = strtok(NULL, "\t"),
             *rot = strtok(NULL, "\t");
        if (!id || !path || !exp) {
            continue;
        }
        img m = read_pgm(path);
        if (!m.p) {
            printf("%s\tunreadable\n", id);
            continue;
        }
        double rotation = rot ? atof(rot) : 0;
        int cw = (int)(m.w * CORNER_W), ch = (int)(m.h * CORNER_H);
        img corners[2] = {crop(&m, m.w - cw, m.h - ch, cw, ch), crop(&m, 0, 0, cw, ch)};
        printf("%s", id);
        for (size_t i = 0; i < NSTEPS; i++) {
            int wanted = argc < 2;
            for (int a = 1; a < argc && !wanted; a++) {
                wanted = strcmp(argv[a], STEPS[i].name) == 0;
            }
            if (!wanted) {
                continue;
            }
            double t0 = now_ms();
            int r = 0;
            if (STEPS[i].corner) {
                for (int c = 0; c < 2 && r != 1; c++) {
                    int rc = run_on(&corners[c], &STEPS[i], exp, rotation);
                    r = rc == 1 ? 1 : rc > r ? rc : r;
                }
            } else {
                r = run_on(&m, &STEPS[i], exp, rotation);
            }
            printf("\t%s=%d:%.1f", STEPS[i].name, r, now_ms() - t0);
        }
        printf("\n");
        fflush(stdout);
        free(m.p);
        free(corners[0].p);
        free(corners[1].p);
    }
    zbar_image_scanner_destroy(scanner);
    return 0;
}
