/*
 * fuzz_bundle.c - the bundle verifier on arbitrary ZIP bytes: the container reader
 * (beian_bundle_read, which walks the ZIP byte by byte before libzip sees it) and the whole
 * check of one bundle file (beian_archive_verify_bundle_file: container, BagIt bag, record content).
 *
 * Properties besides "no crash, no leak": entries come back only when no finding was made,
 * every entry name is one beian_bundle_name_safe accepts, and a sound bundle written again by
 * beian_bundle_zip reads back with the same names and bytes. The file check reads the input
 * through a memory file (memfd), as it reads bundles from the archive.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "beian/archive.h"
#include "beian/bundle.h"
#include "fuzz.h"

static void check_roundtrip(const beian_bundle *b)
{
    unsigned char *zip = NULL;
    size_t len = 0;
    beian_bundle *again = NULL;
    beian_findings *f = beian_findings_new();
    FUZZ_CHECK(f != NULL);
    for (size_t i = 0; i < b->n; i++) {
        FUZZ_CHECK(beian_bundle_name_safe(b->entries[i].name));
    }
    if (beian_bundle_zip(fuzz_ctx(), b->entries, b->n, "2026-11-24", &zip, &len) == BEIAN_OK) {
        FUZZ_CHECK(beian_bundle_read(zip, len, "again", &again, f) == BEIAN_OK);
        FUZZ_CHECK(again->n == b->n);
        for (size_t i = 0; i < b->n; i++) {
            const beian_bundle_entry *e = beian_bundle_get(again, b->entries[i].name);
            FUZZ_CHECK(e && e->len == b->entries[i].len &&
                       (e->len == 0 || memcmp(e->data, b->entries[i].data, e->len) == 0));
        }
    }
    beian_bundle_free(again);
    free(zip);
    beian_findings_free(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    static char path[64];
    if (fd < 0) {
        fd = memfd_create("fuzz-bundle", MFD_CLOEXEC);
        FUZZ_CHECK(fd >= 0);
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    beian_findings *f = beian_findings_new();
    beian_bundle *b = NULL;
    FUZZ_CHECK(f != NULL);
    int rc = beian_bundle_read(data, size, "fuzz.zip", &b, f);
    FUZZ_CHECK((rc == BEIAN_OK) == (b != NULL));
    if (rc == BEIAN_OK) {
        FUZZ_CHECK(beian_findings_count(f) == 0);
        check_roundtrip(b);
    } else if (rc == BEIAN_EDATA) {
        FUZZ_CHECK(beian_findings_count(f) > 0);
    }
    beian_bundle_free(b);
    beian_findings_free(f);

    FUZZ_CHECK(ftruncate(fd, 0) == 0);
    size_t off = 0;
    while (off < size) {
        ssize_t w = pwrite(fd, data + off, size - off, (off_t)off);
        FUZZ_CHECK(w > 0);
        off += (size_t)w;
    }
    f = beian_findings_new();
    FUZZ_CHECK(f != NULL);
    rc = beian_archive_verify_bundle_file(fuzz_ctx(), path, f);
    FUZZ_CHECK(rc == BEIAN_OK || rc == BEIAN_EDATA || rc == BEIAN_EINTERNAL);
    FUZZ_CHECK((rc == BEIAN_EDATA) == (beian_findings_count(f) > 0));
    beian_findings_free(f);
    return 0;
}
