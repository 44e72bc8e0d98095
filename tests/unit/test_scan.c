/*
 * test_scan.c - the preprocessing behind the footer-code retries of the scan reader
 * (src/input/scan_prep.c). Reading degraded scans end to end is tests/e2e/scanread.sh; here the
 * pixel steps are checked on tiny images whose right answer is known: cropping stays inside
 * the page and within its pixel budget, scaling keeps flat areas flat, and both binarisations
 * turn ink into 0 and paper into 255.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "scan_prep.h"

static void test_scan__crop_outside_the_page_or_over_budget_is_skipped(void **state)
{
    (void)state;
    unsigned char page[4 * 3] = {0};
    scan_prep_img m = {0, 0, NULL};
    assert_int_equal(scan_prep__crop_scaled(page, 4, 3, 3, 0, 2, 1, 1, 100, &m), 1);
    assert_int_equal(scan_prep__crop_scaled(page, 4, 3, 0, 2, 1, 2, 1, 100, &m), 1);
    assert_int_equal(scan_prep__crop_scaled(page, 4, 3, 0, 0, 0, 1, 1, 100, &m), 1);
    assert_int_equal(scan_prep__crop_scaled(page, 4, 3, 0, 0, 4, 3, 5, 1000, &m), 1);
    assert_int_equal(scan_prep__crop_scaled(page, 4, 3, 0, 0, 4, 3, 3, 107, &m), 1);
    assert_null(m.p);
    assert_int_equal(scan_prep__crop_scaled(page, 4, 3, 0, 0, 4, 3, 3, 108, &m), 0);
    assert_int_equal(m.w, 12);
    assert_int_equal(m.h, 9);
    free(m.p);
}

static void test_scan__crop_scaled_keeps_values_and_place(void **state)
{
    (void)state;
    /* a 4 x 2 page: left half 10, right half 200; the right 2 x 2 corner, scaled x2 */
    unsigned char page[8] = {10, 10, 200, 200, 10, 10, 200, 200};
    scan_prep_img m = {0, 0, NULL};
    assert_int_equal(scan_prep__crop_scaled(page, 4, 2, 2, 0, 2, 2, 2, 100, &m), 0);
    assert_int_equal(m.w, 4);
    assert_int_equal(m.h, 4);
    for (size_t i = 0; i < 16; i++) {
        assert_int_equal(m.p[i], 200);
    }
    free(m.p);
    /* across the edge, bilinear: the values between stay between */
    assert_int_equal(scan_prep__crop_scaled(page, 4, 2, 0, 0, 4, 2, 2, 100, &m), 0);
    assert_int_equal(m.p[0], 10);
    assert_int_equal(m.p[7], 200);
    assert_true(m.p[3] > 10 && m.p[3] < 200);
    free(m.p);
}

static void test_scan__otsu_splits_ink_from_paper(void **state)
{
    (void)state;
    unsigned char px[6] = {30, 40, 35, 220, 230, 210};
    scan_prep_img m = {6, 1, px};
    scan_prep__otsu(&m);
    const unsigned char want[6] = {0, 0, 0, 255, 255, 255};
    assert_memory_equal(px, want, 6);
}

static void test_scan__local_mean_finds_faint_ink_on_uneven_paper(void **state)
{
    (void)state;
    /* paper shading from 120 to 240 along the row; a faint stroke 20 darker than its
     * neighbours at x = 3 and x = 12: a global threshold would take the whole left half */
    unsigned char px[16];
    for (int x = 0; x < 16; x++) {
        px[x] = (unsigned char)(120 + 8 * x);
    }
    px[3] -= 20;
    px[12] -= 20;
    scan_prep_img m = {16, 1, px};
    assert_int_equal(scan_prep__local_mean(&m, 2, 8), 0);
    for (int x = 0; x < 16; x++) {
        assert_int_equal(px[x], x == 3 || x == 12 ? 0 : 255);
    }
}

static void test_scan__page_stats_tell_blank_from_a_ruled_form(void **state)
{
    (void)state;
    enum { W = 400, H = 560 }; /* about A4 at 48 dpi; rules looked for at 1 px per px */
    static unsigned char page[W * H];
    double ink, rule;
    memset(page, 250, sizeof page);
    assert_int_equal(scan_prep__page_stats(page, W, H, 100, &ink, &rule), 0);
    assert_true(ink < 0.005);
    assert_true(rule < 0.1);
    /* a table rule across 70 % of the width, tilted by a pixel over its length */
    for (int x = 60; x < 340; x++) {
        page[(200 + (x > 200)) * W + x] = 30;
    }
    /* short marks of text: ink, but no long line */
    for (int y = 300; y < 520; y += 12) {
        for (int x = 40; x < 360; x += 9) {
            for (int k = 0; k < 5; k++) {
                page[(y + k) * W + x] = 20;
                page[(y + 2) * W + x + k] = 20;
            }
        }
    }
    assert_int_equal(scan_prep__page_stats(page, W, H, 100, &ink, &rule), 0);
    assert_true(ink > 0.005);
    assert_true(rule >= 0.6 && rule < 0.8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scan__crop_outside_the_page_or_over_budget_is_skipped),
        cmocka_unit_test(test_scan__crop_scaled_keeps_values_and_place),
        cmocka_unit_test(test_scan__otsu_splits_ink_from_paper),
        cmocka_unit_test(test_scan__local_mean_finds_faint_ink_on_uneven_paper),
        cmocka_unit_test(test_scan__page_stats_tell_blank_from_a_ruled_form),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
