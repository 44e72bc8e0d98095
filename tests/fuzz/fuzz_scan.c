/*
 * fuzz_scan.c - the scan reader (beian_scan_codes: PNG, JPEG or PDF told by magic bytes,
 * pixel limits from the headers, zbar) on arbitrary bytes.
 *
 * beian_scan_codes takes a path, so the input is written to a memory file (memfd) once per
 * call and read back through /proc/self/fd/N: the public entry point is fuzzed as it is.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "beian/scan.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("fuzz-scan", MFD_CLOEXEC);
        FUZZ_CHECK(fd >= 0);
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    if (size > BEIAN_SCAN_MAX_BYTES) {
        return 0;
    }
    FUZZ_CHECK(ftruncate(fd, 0) == 0);
    size_t off = 0;
    while (off < size) {
        ssize_t w = pwrite(fd, data + off, size - off, (off_t)off);
        FUZZ_CHECK(w > 0);
        off += (size_t)w;
    }
    beian_problems *pr = beian_problems_new();
    char **codes = NULL;
    size_t n = 0;
    if (!pr) {
        return 0;
    }
    int rc = beian_scan_codes(fuzz_ctx(), path, &codes, &n, pr);
    if (rc == BEIAN_OK) {
        for (size_t i = 0; i < n; i++) {
            FUZZ_CHECK(codes[i] != NULL);
        }
    } else {
        FUZZ_CHECK(codes == NULL && n == 0);
        FUZZ_CHECK(rc == BEIAN_EINTERNAL || beian_problems_errors(pr) > 0);
    }
    beian_scan_codes_free(codes, n);
    beian_problems_free(pr);
    return 0;
}
