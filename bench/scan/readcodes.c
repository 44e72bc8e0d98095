/*
 * readcodes.c - beian's own reader (beian_scan_codes, src/input/scan.c: the whole page, then
 * the footer retries) on the scan benchmark's files, for measure.sh.
 *
 * Reads lines "id<TAB>file<TAB>expected payload" on stdin and prints, for each scan,
 *
 *     id <TAB> beian=result:ms
 *
 * in zretry.c's format: result 1 when the expected tracking code was among the codes read,
 * 2 when only another beian: payload was (a misread), 0 when none; ms is the wall time of
 * beian_scan_codes on the file as written (reading and decoding the JPEG, PNG or PDF included).
 * Exits 70 when the reader fails for lack of memory.
 *
 * Build (measure.sh does): cc -std=c11 -Iinclude readcodes.c build/libbeian.a $(LIBS of the
 * Makefile)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "beian/common.h"
#include "beian/scan.h"

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static int read_one(beian_ctx *ctx, const char *id, const char *path, const char *expected)
{
    char **codes = NULL;
    size_t n = 0;
    beian_problems *pr = beian_problems_new();
    if (!pr) {
        return BEIAN_EINTERNAL;
    }
    double t0 = now_ms();
    int rc = beian_scan_codes(ctx, path, &codes, &n, pr);
    double ms = now_ms() - t0;
    int r = 0;
    for (size_t i = 0; rc == BEIAN_OK && i < n; i++) {
        if (strcmp(codes[i], expected) == 0) {
            r = 1;
        } else if (strncmp(codes[i], "beian:", 6) == 0 && r == 0) {
            r = 2;
        }
    }
    printf("%s\tbeian=%d:%.1f\n", id, r, ms);
    fflush(stdout);
    beian_scan_codes_free(codes, n);
    beian_problems_free(pr);
    return rc == BEIAN_EINTERNAL ? rc : BEIAN_OK;
}

int main(void)
{
    beian_ctx *ctx = NULL;
    if (beian_ctx_new(&ctx, NULL) != BEIAN_OK) {
        fprintf(stderr, "readcodes: out of memory\n");
        return 70;
    }
    char line[8192];
    int rc = BEIAN_OK;
    while (rc == BEIAN_OK && fgets(line, sizeof line, stdin)) {
        line[strcspn(line, "\n")] = '\0';
        char *path = strchr(line, '\t');
        char *expected = path ? strchr(path + 1, '\t') : NULL;
        if (!expected) {
            continue;
        }
        *path++ = '\0';
        *expected++ = '\0';
        rc = read_one(ctx, line, path, expected);
    }
    if (rc != BEIAN_OK) {
        fprintf(stderr, "readcodes: %s\n", beian_ctx_message(ctx));
    }
    beian_ctx_free(ctx);
    return rc == BEIAN_OK ? 0 : 70;
}
