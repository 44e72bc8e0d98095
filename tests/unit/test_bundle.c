/*
 * test_bundle.c - the bundle container: deterministic bytes, a faithful round trip, and
 * every flipped byte either found by the container checks or harmless to the content.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h> /* after the headers it needs */
#include <stdlib.h>
#include <string.h>

#include "beian/bundle.h"
#include "beian/common.h"
#include "beian/verify.h"

static beian_bundle_entry sample[] = {
    {"manifest-sha256.txt", (unsigned char *)"abc  data/x.txt\n", 16},
    {"data/x.txt", (unsigned char *)"hello, archive\n", 15},
    {"bagit.txt", (unsigned char *)"BagIt-Version: 1.0\n", 19},
};

static void build(beian_ctx *ctx, const beian_bundle_entry *e, size_t n, unsigned char **zip,
                  size_t *len)
{
    assert_int_equal(beian_bundle_zip(ctx, e, n, "2026-11-24", zip, len), BEIAN_OK);
}

static void test_bundle__same_entries_same_bytes_in_any_order_and_zone(void **state)
{
    beian_ctx *ctx = *state;
    beian_bundle_entry rev[3] = {sample[2], sample[1], sample[0]};
    unsigned char *a = NULL, *b = NULL, *c = NULL;
    size_t la = 0, lb = 0, lc = 0;
    setenv("TZ", "Asia/Shanghai", 1);
    build(ctx, sample, 3, &a, &la);
    build(ctx, rev, 3, &b, &lb);
    setenv("TZ", "America/Los_Angeles", 1);
    build(ctx, sample, 3, &c, &lc);
    assert_int_equal(la, lb);
    assert_memory_equal(a, b, la);
    assert_int_equal(la, lc);
    assert_memory_equal(a, c, la);
    free(a);
    free(b);
    free(c);
}

static void test_bundle__reads_back_every_entry_sorted(void **state)
{
    unsigned char *zip = NULL;
    size_t len = 0;
    beian_bundle *b = NULL;
    beian_findings *f = beian_findings_new();
    build(*state, sample, 3, &zip, &len);
    assert_int_equal(beian_bundle_read(zip, len, "t.zip", &b, f), BEIAN_OK);
    assert_int_equal(beian_findings_count(f), 0);
    assert_int_equal(b->n, 3);
    assert_string_equal(b->entries[0].name, "bagit.txt");
    assert_string_equal(b->entries[1].name, "data/x.txt");
    assert_string_equal(b->entries[2].name, "manifest-sha256.txt");
    const beian_bundle_entry *x = beian_bundle_get(b, "data/x.txt");
    assert_non_null(x);
    assert_int_equal(x->len, 15);
    assert_memory_equal(x->data, "hello, archive\n", 15);
    beian_bundle_free(b);
    beian_findings_free(f);
    free(zip);
}

static void test_bundle__refuses_to_write_unsafe_or_twice_given_names(void **state)
{
    unsigned char *zip = NULL;
    size_t len = 0;
    beian_bundle_entry bad[] = {{"../x", (unsigned char *)"", 0}};
    assert_int_not_equal(beian_bundle_zip(*state, bad, 1, "2026-11-24", &zip, &len), BEIAN_OK);
    beian_bundle_entry twice[] = {{"a", (unsigned char *)"", 0}, {"a", (unsigned char *)"", 0}};
    assert_int_not_equal(beian_bundle_zip(*state, twice, 2, "2026-11-24", &zip, &len), BEIAN_OK);
    assert_int_not_equal(beian_bundle_zip(*state, sample, 3, "1979-12-31", &zip, &len), BEIAN_OK);
    assert_null(zip);
}

static void test_bundle__safe_names(void **state)
{
    (void)state;
    assert_true(beian_bundle_name_safe("data/record.json"));
    assert_true(beian_bundle_name_safe("bag-info.txt"));
    assert_false(beian_bundle_name_safe("../etc/passwd"));
    assert_false(beian_bundle_name_safe("data/../x"));
    assert_false(beian_bundle_name_safe("/abs"));
    assert_false(beian_bundle_name_safe("data//x"));
    assert_false(beian_bundle_name_safe("data/"));
    assert_false(beian_bundle_name_safe("data\\x"));
    assert_false(beian_bundle_name_safe("data/ x"));
    assert_false(beian_bundle_name_safe("数据.json"));
}

/* Every single flipped byte is either reported or leaves every entry's name and data as
 * they were (then only the bundle's SHA-256 in the ledger tells, which verify also checks). */
static void test_bundle__every_flipped_byte_is_found_or_harmless(void **state)
{
    unsigned char *zip = NULL;
    size_t len = 0;
    build(*state, sample, 3, &zip, &len);
    size_t found = 0, harmless = 0;
    for (size_t i = 0; i < len; i++) {
        for (int bit = 0; bit < 8; bit += 7) {
            zip[i] ^= (unsigned char)(1u << bit);
            beian_bundle *b = NULL;
            beian_findings *f = beian_findings_new();
            int rc = beian_bundle_read(zip, len, "t.zip", &b, f);
            if (rc == BEIAN_OK) {
                assert_int_equal(beian_findings_count(f), 0);
                assert_int_equal(b->n, 3);
                for (size_t k = 0; k < 3; k++) {
                    const beian_bundle_entry *e = beian_bundle_get(b, sample[k].name);
                    assert_non_null(e);
                    assert_int_equal(e->len, sample[k].len);
                    assert_memory_equal(e->data, sample[k].data, e->len);
                }
                harmless++;
            } else {
                assert_int_equal(rc, BEIAN_EDATA);
                assert_true(beian_findings_count(f) > 0);
                found++;
            }
            beian_bundle_free(b);
            beian_findings_free(f);
            zip[i] ^= (unsigned char)(1u << bit);
        }
    }
    assert_true(found > harmless);
    free(zip);
}

/* A ZIP of one deflated entry that declares csize bytes in the file and usize inflated (its
 * data is csize bytes of filler: only the declared sizes matter for the expansion check). */
static unsigned char *declared_zip(uint32_t csize, uint32_t usize, size_t *len)
{
    static const char name[] = "data/x.bin";
    const size_t nlen = sizeof name - 1;
    size_t cd_off = 30 + nlen + csize, cd_size = 46 + nlen;
    *len = cd_off + cd_size + 22;
    unsigned char *z = calloc(1, *len);
    assert_non_null(z);
    unsigned char *p = z;
#define PUT16(v) (p[0] = (unsigned char)(v), p[1] = (unsigned char)((v) >> 8), p += 2)
#define PUT32(v) (PUT16((v)&0xFFFFu), PUT16(((uint32_t)(v)) >> 16))
    PUT32(0x04034b50u), PUT16(20), PUT16(0), PUT16(8), PUT16(0), PUT16(0x21);
    PUT32(0), PUT32(csize), PUT32(usize), PUT16(nlen), PUT16(0);
    memcpy(p, name, nlen), p += nlen;
    memset(p, 0x55, csize), p += csize;
    PUT32(0x02014b50u), PUT16((3 << 8) | 20), PUT16(20), PUT16(0), PUT16(8), PUT16(0);
    PUT16(0x21), PUT32(0), PUT32(csize), PUT32(usize), PUT16(nlen), PUT16(0), PUT16(0);
    PUT16(0), PUT16(0), PUT32(0100644u << 16), PUT32(0);
    memcpy(p, name, nlen), p += nlen;
    PUT32(0x06054b50u), PUT16(0), PUT16(0), PUT16(1), PUT16(1), PUT32(cd_size), PUT32(cd_off);
    PUT16(0);
#undef PUT32
#undef PUT16
    assert_int_equal((size_t)(p - z), *len);
    return z;
}

/* 1 when reading zip reports that an entry expands too much. */
static int expansion_refused(const unsigned char *zip, size_t len)
{
    beian_bundle *b = NULL;
    beian_findings *f = beian_findings_new();
    int found = 0;
    assert_non_null(f);
    beian_bundle_read(zip, len, "t.zip", &b, f);
    for (size_t i = 0; i < beian_findings_count(f); i++) {
        const beian_finding *x = beian_findings_get(f, i);
        found |= strcmp(x->code, BEIAN_V_ZIP_SIZE) == 0 && strstr(x->message, "expands") != NULL;
    }
    beian_bundle_free(b);
    beian_findings_free(f);
    return found;
}

/* "More than 100 times" means what it says: exactly 100 times passes, a byte more does not. */
static void test_bundle__expansion_of_exactly_the_limit_is_allowed(void **state)
{
    (void)state;
    size_t len = 0;
    unsigned char *z = declared_zip(40, 40 * BEIAN_BUNDLE_MAX_RATIO, &len);
    assert_false(expansion_refused(z, len));
    free(z);
    z = declared_zip(40, 40 * BEIAN_BUNDLE_MAX_RATIO + 1, &len);
    assert_true(expansion_refused(z, len));
    free(z);
    z = declared_zip(0, 1, &len);
    assert_true(expansion_refused(z, len));
    free(z);
}

static int setup(void **state)
{
    beian_ctx *ctx = NULL;
    if (beian_ctx_new(&ctx, NULL) != BEIAN_OK) {
        return -1;
    }
    *state = ctx;
    return 0;
}

static int teardown(void **state)
{
    beian_ctx_free(*state);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bundle__same_entries_same_bytes_in_any_order_and_zone),
        cmocka_unit_test(test_bundle__reads_back_every_entry_sorted),
        cmocka_unit_test(test_bundle__refuses_to_write_unsafe_or_twice_given_names),
        cmocka_unit_test(test_bundle__safe_names),
        cmocka_unit_test(test_bundle__every_flipped_byte_is_found_or_harmless),
        cmocka_unit_test(test_bundle__expansion_of_exactly_the_limit_is_allowed),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
