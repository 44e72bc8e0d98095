/*
 * test_tracking.c - the tracking payload printed on every filled page (beian/tracking.h).
 *
 * The payload is a contract between the paper and the archive: beian:<RECORD>/<VERSION>/<DIGEST16>,
 * the digest printed in upper case (QR alphanumeric set) and given back in lower case, as
 * sha256sum prints it. What is formatted must parse back to the same parts, and anything that
 * is not exactly that shape (a foreign QR code, a damaged scan) must be refused, not half-read.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "beian/tracking.h"

/* A SHA-256 in hex, as beian_record_digest writes it. */
static const char digest[] = "3f2a9c0d11e4b7a8c0ffee00112233445566778899aabbccddeeff0011223344";

static void test_tracking__format_matches_the_documented_example(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(beian_tracking_format("QUN-2026-0012", 1, digest, out, sizeof out), BEIAN_OK);
    assert_string_equal(out, "beian:QUN-2026-0012/1/3F2A9C0D11E4B7A8");
}

static void test_tracking__format_then_parse_gives_back_every_part(void **state)
{
    (void)state;
    static const struct {
        const char *record;
        int version;
    } cases[] = {{"XMT-2026-0007", 1}, {"QUN-2026-0012", 3}, {"XMT-2031-9999", 100},
                 {"QUN-2026-0001", 42}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[64];
        beian_tracking t;
        assert_int_equal(
            beian_tracking_format(cases[i].record, cases[i].version, digest, out, sizeof out),
            BEIAN_OK);
        assert_int_equal(beian_tracking_parse(out, &t), BEIAN_OK);
        assert_string_equal(t.record, cases[i].record);
        assert_int_equal(t.version, cases[i].version);
        assert_string_equal(t.digest16, "3f2a9c0d11e4b7a8");
    }
}

static void test_tracking__draft_round_trips_as_DRAFT_version_0(void **state)
{
    (void)state;
    char out[64];
    beian_tracking t;
    assert_int_equal(beian_tracking_format(NULL, 0, digest, out, sizeof out), BEIAN_OK);
    assert_string_equal(out, "beian:DRAFT/0/3F2A9C0D11E4B7A8");
    assert_int_equal(beian_tracking_parse(out, &t), BEIAN_OK);
    assert_string_equal(t.record, "DRAFT");
    assert_int_equal(t.version, 0);
    assert_string_equal(t.digest16, "3f2a9c0d11e4b7a8");
}

static void test_tracking__parse_accepts_either_case_and_gives_lower_case(void **state)
{
    (void)state;
    beian_tracking t;
    assert_int_equal(beian_tracking_parse("beian:XMT-2026-0007/2/3F2A9C0D11E4B7A8", &t), BEIAN_OK);
    assert_string_equal(t.digest16, "3f2a9c0d11e4b7a8");
    assert_int_equal(beian_tracking_parse("beian:XMT-2026-0007/2/3f2a9c0d11e4b7a8", &t), BEIAN_OK);
    assert_string_equal(t.record, "XMT-2026-0007");
    assert_int_equal(t.version, 2);
    assert_string_equal(t.digest16, "3f2a9c0d11e4b7a8");
}

static void test_tracking__format_refuses_what_could_not_be_parsed_back(void **state)
{
    (void)state;
    char out[64];
    char small[16];
    /* a digest shorter than 16 hex digits */
    assert_int_not_equal(beian_tracking_format("XMT-2026-0007", 1, "3f2a9c0d", out, sizeof out),
                         BEIAN_OK);
    /* a record number holding the separator */
    assert_int_not_equal(beian_tracking_format("XMT/2026", 1, digest, out, sizeof out), BEIAN_OK);
    /* an empty or over-long record number */
    assert_int_not_equal(beian_tracking_format("", 1, digest, out, sizeof out), BEIAN_OK);
    assert_int_not_equal(
        beian_tracking_format("XMT-2026-0007-XMT-2026-0007-XMT-2026", 1, digest, out, sizeof out),
        BEIAN_OK);
    /* a negative version */
    assert_int_not_equal(beian_tracking_format("XMT-2026-0007", -1, digest, out, sizeof out),
                         BEIAN_OK);
    /* an output buffer too small must not be silently truncated */
    assert_int_not_equal(beian_tracking_format("XMT-2026-0007", 1, digest, small, sizeof small),
                         BEIAN_OK);
}

static void test_tracking__parse_refuses_malformed_payloads(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "beian:",
        "https://weixin.qq.com/g/AQYAAKd8mVz1bX7cR3pT0sWq", /* a group's own QR code */
        "BEIAN:XMT-2026-0007/1/3f2a9c0d11e4b7a8",           /* prefix is lowercase */
        "beian-XMT-2026-0007/1/3f2a9c0d11e4b7a8",
        "beian:XMT-2026-0007/1",                   /* no digest */
        "beian:XMT-2026-0007//3f2a9c0d11e4b7a8",   /* no version */
        "beian:/1/3f2a9c0d11e4b7a8",               /* no record */
        "beian:XMT-2026-0007/x/3f2a9c0d11e4b7a8",  /* version not a number */
        "beian:XMT-2026-0007/-1/3f2a9c0d11e4b7a8", /* negative version */
        "beian:XMT-2026-0007/+1/3f2a9c0d11e4b7a8",
        "beian:XMT-2026-0007/1/3f2a9c0d11e4b7a",   /* 15 digits */
        "beian:XMT-2026-0007/1/3f2a9c0d11e4b7a8a", /* 17 digits */
        "beian:XMT-2026-0007/1/3f2a9c0d11e4b7g8",  /* not hex */
        "beian:XMT-2026-0007/1/3f2a9c0d11e4b7a8\n", /* trailing bytes */
        "beian:XMT 2026/1/3f2a9c0d11e4b7a8",        /* space in the record */
        "beian:XMT-2026-0007/1/2/3f2a9c0d11e4b7a8", /* an extra part */
        "beian:XMT-2026-0007-XMT-2026-0007-XMT-2026/1/3f2a9c0d11e4b7a8", /* record > 31 */
        "beian:DRAFT/1/3f2a9c0d11e4b7a8", /* a draft is version 0 */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        beian_tracking t;
        if (beian_tracking_parse(bad[i], &t) != BEIAN_EDATA) {
            fail_msg("accepted malformed payload \"%s\"", bad[i]);
        }
    }
}

static void test_tracking__reprint_copy_field_round_trips_and_old_codes_have_none(void **state)
{
    (void)state;
    char out[BEIAN_TRACKING_PAYLOAD_SIZE];
    beian_tracking t;
    assert_int_equal(beian_tracking_format_copy("QUN-2026-0012", 1, digest, BEIAN_TRACKING_MASKED,
                                                0, out, sizeof out),
                     BEIAN_OK);
    assert_string_equal(out, "beian:QUN-2026-0012/1/3F2A9C0D11E4B7A8/M");
    assert_int_equal(beian_tracking_parse(out, &t), BEIAN_OK);
    assert_int_equal(t.copy, BEIAN_TRACKING_MASKED);
    assert_string_equal(t.digest16, "3f2a9c0d11e4b7a8");
    assert_int_equal(beian_tracking_parse("beian:QUN-2026-0012/1/3F2A9C0D11E4B7A8/R", &t),
                     BEIAN_OK);
    assert_int_equal(t.copy, BEIAN_TRACKING_REPRINT);
    assert_int_equal(beian_tracking_parse("beian:QUN-2026-0012/1/3F2A9C0D11E4B7A8", &t),
                     BEIAN_OK);
    assert_int_equal(t.copy, BEIAN_TRACKING_FORM);
    /* only the two copy letters */
    assert_int_equal(beian_tracking_parse("beian:QUN-2026-0012/1/3F2A9C0D11E4B7A8/X", &t),
                     BEIAN_EDATA);
    assert_int_equal(beian_tracking_parse("beian:QUN-2026-0012/1/3F2A9C0D11E4B7A8/", &t),
                     BEIAN_EDATA);
    assert_int_equal(beian_tracking_format_copy("QUN-2026-0012", 1, digest,
                                                (beian_tracking_copy)'X', 0, out, sizeof out),
                     BEIAN_EINTERNAL);
}

static void test_tracking__page_field_round_trips_and_is_unknown_without_it(void **state)
{
    (void)state;
    char out[BEIAN_TRACKING_PAYLOAD_SIZE];
    beian_tracking t;
    assert_int_equal(beian_tracking_format_copy("XMT-2026-0007", 2, digest, BEIAN_TRACKING_FORM,
                                                2, out, sizeof out),
                     BEIAN_OK);
    assert_string_equal(out, "beian:XMT-2026-0007/2/3F2A9C0D11E4B7A8/P2");
    assert_int_equal(beian_tracking_parse(out, &t), BEIAN_OK);
    assert_int_equal(t.page, 2);
    assert_int_equal(t.copy, BEIAN_TRACKING_FORM);
    assert_int_equal(beian_tracking_parse("beian:DRAFT/0/3F2A9C0D11E4B7A8/P1", &t), BEIAN_OK);
    assert_int_equal(t.page, 1);
    assert_int_equal(beian_tracking_parse("beian:XMT-2026-0007/2/3F2A9C0D11E4B7A8/R/P3", &t),
                     BEIAN_OK);
    assert_int_equal(t.copy, BEIAN_TRACKING_REPRINT);
    assert_int_equal(t.page, 3);
    assert_int_equal(beian_tracking_parse("beian:XMT-2026-0007/2/3F2A9C0D11E4B7A8", &t), BEIAN_OK);
    assert_int_equal(t.page, 0);
    const char *bad[] = {
        "beian:XMT-2026-0007/2/3F2A9C0D11E4B7A8/P0",    "beian:XMT-2026-0007/2/3F2A9C0D11E4B7A8/P01",
        "beian:XMT-2026-0007/2/3F2A9C0D11E4B7A8/P1000", "beian:XMT-2026-0007/2/3F2A9C0D11E4B7A8/P",
        "beian:XMT-2026-0007/2/3F2A9C0D11E4B7A8/P2/R",  "beian:XMT-2026-0007/2/3F2A9C0D11E4B7A8/P2x",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (beian_tracking_parse(bad[i], &t) != BEIAN_EDATA) {
            fail_msg("accepted malformed payload \"%s\"", bad[i]);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tracking__format_matches_the_documented_example),
        cmocka_unit_test(test_tracking__format_then_parse_gives_back_every_part),
        cmocka_unit_test(test_tracking__draft_round_trips_as_DRAFT_version_0),
        cmocka_unit_test(test_tracking__parse_accepts_either_case_and_gives_lower_case),
        cmocka_unit_test(test_tracking__format_refuses_what_could_not_be_parsed_back),
        cmocka_unit_test(test_tracking__parse_refuses_malformed_payloads),
        cmocka_unit_test(test_tracking__reprint_copy_field_round_trips_and_old_codes_have_none),
        cmocka_unit_test(test_tracking__page_field_round_trips_and_is_unknown_without_it),
    };
    return cmocka_run_group_tests_name("tracking", tests, NULL, NULL);
}
