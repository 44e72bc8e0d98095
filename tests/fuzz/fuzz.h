/*
 * fuzz.h - what the fuzz targets share: a context built once per process, pointing at the
 * checkout's forms/ and fonts/ (FUZZ_ROOT is set by tests/hardening.mk to the checkout).
 *
 * Each target is one file defining LLVMFuzzerTestOneInput. It is linked two ways: with
 * clang's libFuzzer (make fuzz) and with replay.c, a plain main() that feeds it every corpus
 * file, so the corpora replay in `make test` with any compiler and no fuzzer runtime.
 * A target must not print, must free everything it allocates in a call (libFuzzer's leak
 * check runs per input) and must stop on a broken invariant with abort(), which both
 * drivers report as a crash.
 */
#ifndef BEIAN_FUZZ_H
#define BEIAN_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "beian/common.h"

#ifndef FUZZ_ROOT
#define FUZZ_ROOT "."
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The process's context; it lives until exit (a still-reachable block, not a leak). */
static inline beian_ctx *fuzz_ctx(void)
{
    static beian_ctx *ctx;
    if (!ctx) {
        beian_ctx_options o = {FUZZ_ROOT "/forms", FUZZ_ROOT "/fonts"};
        if (beian_ctx_new(&ctx, &o) != BEIAN_OK) {
            abort();
        }
    }
    return ctx;
}

/* Stops the run when a documented contract of the library is broken. */
#define FUZZ_CHECK(cond)                                                                       \
    do {                                                                                       \
        if (!(cond)) {                                                                         \
            abort();                                                                           \
        }                                                                                      \
    } while (0)

#endif
