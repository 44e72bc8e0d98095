/*
 * test_util.c - the util layer's shared primitives: the growable array (util/array.h), the
 * calendar (beian/date.h) and SHA-256 (util/sha256.h). Every other layer relies on them, so
 * their edges are checked here: a size that would overflow is refused with nothing changed,
 * dates convert both ways over the whole range, digests are the published test vectors.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "array.h"
#include "beian/date.h"
#include "sha256.h"

static void test_array__grows_and_keeps_the_items(void **state)
{
    (void)state;
    int *v = NULL;
    size_t n = 0, cap = 0;
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(BEIAN_ARRAY_GROW(v, cap, n + 1), BEIAN_OK);
        assert_true(cap >= n + 1);
        v[n++] = i;
    }
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(v[i], i);
    }
    assert_true(cap < 4 * 1000); /* at most doubling, not a fixed huge step */
    free(v);
}

static void test_array__refuses_a_size_that_overflows_and_changes_nothing(void **state)
{
    (void)state;
    double *v = NULL;
    size_t cap = 0;
    assert_int_equal(BEIAN_ARRAY_GROW(v, cap, 4), BEIAN_OK);
    double *before = v;
    size_t cap_before = cap;
    assert_int_equal(beian_array_grow(&v, &cap, SIZE_MAX / sizeof *v + 1, sizeof *v),
                     BEIAN_EINTERNAL);
    assert_ptr_equal(v, before);
    assert_int_equal(cap, cap_before);
    free(v);
}

static void test_date__days_and_dates_convert_both_ways_over_the_range(void **state)
{
    (void)state;
    char iso[BEIAN_DATE_SIZE];
    assert_int_equal(beian_date_days("1970-01-01"), 0);
    assert_int_equal(beian_date_days("2026-11-24"), 20781);
    for (long d = beian_date_days("1900-01-01"); d <= beian_date_days("2199-12-31"); d += 17) {
        beian_date_from_days(d, iso);
        assert_true(beian_date_valid(iso));
        assert_int_equal(beian_date_days(iso), d);
    }
    beian_date_from_days(beian_date_days("2028-02-28") + 1, iso);
    assert_string_equal(iso, "2028-02-29");
    assert_false(beian_date_valid("2026-02-29"));
    assert_false(beian_date_valid("2100-02-29"));
    assert_true(beian_date_valid("2000-02-29"));
    assert_false(beian_date_valid("2026-1-5"));
}

/* parse TEXT, expecting status and (for OK) the date, else a reason containing want */
static void expect_date(const char *text, int status, const char *want)
{
    char out[BEIAN_DATE_SIZE], why[BEIAN_DATE_WHY_SIZE];
    int got = beian_date_parse(text, out, why, sizeof why);
    if (got != status) {
        fail_msg("%s: status %d, expected %d (%s)", text, got, status, why);
    }
    if (status == BEIAN_DATE_OK) {
        assert_string_equal(out, want);
    } else if (!strstr(why, want)) {
        fail_msg("%s: \"%s\" lacks \"%s\"", text, why, want);
    }
}

static void test_date__parse_reads_dates_as_people_write_them(void **state)
{
    (void)state;
    expect_date("2026-11-24", BEIAN_DATE_OK, "2026-11-24");
    expect_date("2026/9/8", BEIAN_DATE_OK, "2026-09-08");
    expect_date("2026.9.9", BEIAN_DATE_OK, "2026-09-09");
    expect_date("2026年9月8日", BEIAN_DATE_OK, "2026-09-08");
    expect_date("2026 年 9 月 8 日", BEIAN_DATE_OK, "2026-09-08");
    expect_date("2026年9月8号", BEIAN_DATE_OK, "2026-09-08");
    expect_date("\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x92\xEF\xBC\x96\xEF\xBC\x8D"
                "\xEF\xBC\x91\xEF\xBC\x8D\xEF\xBC\x95", /* ２０２６－１－５ */
                BEIAN_DATE_OK, "2026-01-05");
    expect_date(" 2026-1-5 ", BEIAN_DATE_OK, "2026-01-05");
    expect_date("2028-2-29", BEIAN_DATE_OK, "2028-02-29");
}

static void test_date__parse_names_impossible_ambiguous_and_non_dates(void **state)
{
    (void)state;
    expect_date("2026-02-30", BEIAN_DATE_IMPOSSIBLE, "February 2026 has 28 days");
    expect_date("2026/13/1", BEIAN_DATE_IMPOSSIBLE, "a month is 1 to 12");
    expect_date("1899-12-31", BEIAN_DATE_IMPOSSIBLE, "1900 to 2199");
    expect_date("9/8/2026", BEIAN_DATE_AMBIGUOUS, "write the year first");
    expect_date("26-9-8", BEIAN_DATE_AMBIGUOUS, "four digits");
    expect_date("2026-9/8", BEIAN_DATE_NOT_A_DATE, "is not a date");
    expect_date("20261124", BEIAN_DATE_NOT_A_DATE, "is not a date");
    expect_date("next Monday", BEIAN_DATE_NOT_A_DATE, "is not a date");
    expect_date("2026-11-24-1", BEIAN_DATE_NOT_A_DATE, "is not a date");
    expect_date("2026.9.9.", BEIAN_DATE_NOT_A_DATE, "is not a date");
    expect_date("", BEIAN_DATE_NOT_A_DATE, "is not a date");
}

static void test_sha256__matches_the_published_test_vectors(void **state)
{
    (void)state;
    char hex[BEIAN_SHA256_HEX_SIZE];
    assert_int_equal(beian_sha256_hex("abc", 3, hex), BEIAN_OK);
    assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_true(beian_sha256_hex_valid(hex));
    beian_sha256_ctx *c = beian_sha256_new();
    assert_non_null(c);
    beian_sha256_update(c, "a", 1);
    beian_sha256_update(c, "bc", 2);
    unsigned char md[BEIAN_SHA256_BYTES];
    assert_int_equal(beian_sha256_final(c, md), BEIAN_OK);
    beian_sha256_free(c);
    char hex2[BEIAN_SHA256_HEX_SIZE];
    beian_sha256_to_hex(md, hex2);
    assert_string_equal(hex, hex2);
    assert_false(beian_sha256_hex_valid("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD"));
    hex[63] = '\0';
    assert_false(beian_sha256_hex_valid(hex));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_array__grows_and_keeps_the_items),
        cmocka_unit_test(test_array__refuses_a_size_that_overflows_and_changes_nothing),
        cmocka_unit_test(test_date__days_and_dates_convert_both_ways_over_the_range),
        cmocka_unit_test(test_date__parse_reads_dates_as_people_write_them),
        cmocka_unit_test(test_date__parse_names_impossible_ambiguous_and_non_dates),
        cmocka_unit_test(test_sha256__matches_the_published_test_vectors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
