/*
 * test_sheet.c - spreadsheets as the office saves them: CSV quoting and line numbers, the
 * encodings Excel and WPS write on Chinese Windows, and .xlsx workbooks (shared, inline and
 * rich strings, numbers kept as their digits), each refusal saying where and what to do.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/common.h"
#include "beian/sheet.h"
#include "util.h"

/* Reads data as a sheet, expecting status rc; the problems are returned for a look. */
static beian_sheet *read_as(const char *data, size_t len, const char *encoding, int rc,
                            beian_problems **pr)
{
    beian_sheet_options o = BEIAN_SHEET_OPTIONS_INIT;
    beian_sheet *sh = NULL;
    o.encoding = encoding;
    *pr = beian_problems_new();
    assert_int_equal(
        beian_sheet_read_buffer("t.csv", (const unsigned char *)data, len, &o, &sh, *pr), rc);
    if (rc == BEIAN_OK) {
        assert_non_null(sh);
    } else {
        assert_null(sh);
        assert_true(beian_problems_errors(*pr) > 0);
    }
    return sh;
}

static beian_sheet *read_ok(const char *text)
{
    beian_problems *pr;
    beian_sheet *sh = read_as(text, strlen(text), NULL, BEIAN_OK, &pr);
    beian_problems_free(pr);
    return sh;
}

/* The first problem's message contains what. */
static void expect_problem(beian_problems *pr, int line, const char *what)
{
    const beian_problem *p = beian_problems_get(pr, 0);
    assert_non_null(p);
    assert_int_equal(p->line, line);
    if (!strstr(p->message, what)) {
        fail_msg("message \"%s\" lacks \"%s\"", p->message, what);
    }
}

static void test_sheet__quoted_cells_keep_commas_quotes_and_line_breaks(void **state)
{
    (void)state;
    beian_sheet *sh = read_ok("a,b,c\r\n"
                              "\"x, y\",\"he said \"\"hi\"\"\",\"line 1\r\nline 2\"\r\n"
                              "plain,\"\",last\r\n");
    assert_int_equal(beian_sheet_columns(sh), 3);
    assert_int_equal(beian_sheet_rows(sh), 2);
    assert_string_equal(beian_sheet_cell(sh, 0, 0), "x, y");
    assert_string_equal(beian_sheet_cell(sh, 0, 1), "he said \"hi\"");
    assert_string_equal(beian_sheet_cell(sh, 0, 2), "line 1\r\nline 2");
    assert_string_equal(beian_sheet_cell(sh, 1, 1), "");
    assert_string_equal(beian_sheet_cell(sh, 1, 5), ""); /* beyond the row: empty */
    beian_sheet_free(sh);
}

static void test_sheet__rows_know_their_line_and_spreadsheet_row(void **state)
{
    (void)state;
    beian_sheet *sh = read_ok("\n"
                              "a,b\n"
                              "1,\"two\nlines\"\n"
                              ",\n"
                              "3,4");
    assert_int_equal(beian_sheet_header_line(sh), 2);
    assert_int_equal(beian_sheet_rows(sh), 2); /* ",": an empty row is left out */
    assert_int_equal(beian_sheet_row_line(sh, 0), 3);
    assert_int_equal(beian_sheet_row_number(sh, 0), 3);
    assert_int_equal(beian_sheet_row_line(sh, 1), 6);   /* after the two-line cell */
    assert_int_equal(beian_sheet_row_number(sh, 1), 5); /* what Excel shows */
    assert_string_equal(beian_sheet_cell(sh, 1, 1), "4");
    beian_sheet_free(sh);
}

static void test_sheet__old_mac_line_ends_and_lenient_quotes(void **state)
{
    (void)state;
    beian_sheet *sh = read_ok("a,b\r5\" tall,\"x\"y\r");
    assert_int_equal(beian_sheet_rows(sh), 1);
    assert_string_equal(beian_sheet_cell(sh, 0, 0), "5\" tall");
    assert_string_equal(beian_sheet_cell(sh, 0, 1), "xy");
    beian_sheet_free(sh);
}

static void test_sheet__unclosed_quote_names_the_line_it_opened_on(void **state)
{
    (void)state;
    beian_problems *pr;
    const char *csv = "a,b\n1,2\n3,\"never closed\n4,5\n";
    read_as(csv, strlen(csv), NULL, BEIAN_EDATA, &pr);
    expect_problem(pr, 3, "never closed");
    beian_problems_free(pr);
}

static void test_sheet__tabs_and_semicolons_are_detected(void **state)
{
    (void)state;
    beian_sheet *sh = read_ok("a\tb\tc,d\n1\t2\t3,4\n");
    assert_int_equal(beian_sheet_columns(sh), 3);
    assert_string_equal(beian_sheet_cell(sh, 0, 2), "3,4");
    beian_sheet_free(sh);
    sh = read_ok("a;b\n1;2\n");
    assert_string_equal(beian_sheet_cell(sh, 0, 1), "2");
    beian_sheet_free(sh);
}

/* text converted from UTF-8 to `to` with iconv; caller frees. */
static char *encode(const char *text, const char *to, size_t *len)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t in_left = strlen(text), cap = in_left * 4 + 8, out_left = cap;
    char *out = malloc(cap), *in = (char *)text, *o = out;
    assert_true(iconv(cd, &in, &in_left, &o, &out_left) != (size_t)-1);
    iconv_close(cd);
    *len = cap - out_left;
    return out;
}

static const char chinese[] = "群名称,建群范围\r\n计算机1班,\"信息工程学院,全体学生\"\r\n";

static void test_sheet__gb18030_without_bom_is_detected(void **state)
{
    (void)state;
    size_t len;
    char *gb = encode(chinese, "GB18030", &len);
    beian_problems *pr;
    beian_sheet *sh = read_as(gb, len, NULL, BEIAN_OK, &pr);
    assert_string_equal(beian_sheet_format(sh), "GB18030");
    assert_string_equal(beian_sheet_header(sh, 0), "群名称");
    assert_string_equal(beian_sheet_cell(sh, 0, 1), "信息工程学院,全体学生");
    beian_sheet_free(sh);
    beian_problems_free(pr);
    free(gb);
}

static void test_sheet__utf8_bom_is_dropped_from_the_first_header(void **state)
{
    (void)state;
    char buf[256];
    snprintf(buf, sizeof buf, "\xEF\xBB\xBF%s", chinese);
    beian_sheet *sh = read_ok(buf);
    assert_string_equal(beian_sheet_format(sh), "UTF-8 with BOM");
    assert_string_equal(beian_sheet_header(sh, 0), "群名称");
    beian_sheet_free(sh);
}

static void test_sheet__utf16_unicode_text_with_tabs(void **state)
{
    (void)state;
    size_t len;
    char *u16 =
        encode("群名称\t建群范围\r\n计算机1班\t信息工程学院,全体学生\r\n", "UTF-16LE", &len);
    char *data = malloc(len + 2);
    data[0] = (char)0xFF;
    data[1] = (char)0xFE;
    memcpy(data + 2, u16, len);
    beian_problems *pr;
    beian_sheet *sh = read_as(data, len + 2, NULL, BEIAN_OK, &pr);
    assert_string_equal(beian_sheet_format(sh), "UTF-16LE");
    assert_int_equal(beian_sheet_columns(sh), 2);
    assert_string_equal(beian_sheet_cell(sh, 0, 1), "信息工程学院,全体学生");
    beian_sheet_free(sh);
    beian_problems_free(pr);
    free(u16);
    free(data);
}

static void test_sheet__forced_encoding_wins_and_unknown_is_a_usage_error(void **state)
{
    (void)state;
    size_t len;
    char *gb = encode(chinese, "GB18030", &len);
    beian_problems *pr;
    beian_sheet *sh = read_as(gb, len, "GBK", BEIAN_OK, &pr);
    assert_string_equal(beian_sheet_cell(sh, 0, 0), "计算机1班");
    beian_sheet_free(sh);
    beian_problems_free(pr);
    read_as(gb, len, "big5hkscs", BEIAN_EUSAGE, &pr);
    beian_problems_free(pr);
    /* GB18030 bytes read as UTF-8: refused with the line, never replaced */
    read_as(gb, len, "utf-8", BEIAN_EDATA, &pr);
    expect_problem(pr, 1, "not valid UTF-8");
    beian_problems_free(pr);
    free(gb);
}

static void test_sheet__bytes_of_no_encoding_are_refused_with_their_line(void **state)
{
    (void)state;
    beian_problems *pr;
    const char bad[] = "a,b\n1,2\n3,\x80\x80\n";
    read_as(bad, sizeof bad - 1, NULL, BEIAN_EDATA, &pr);
    expect_problem(pr, 3, "neither UTF-8");
    beian_problems_free(pr);
}

static void test_sheet__old_xls_and_binary_files_say_how_to_resave(void **state)
{
    (void)state;
    beian_problems *pr;
    const char xls[] = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest";
    read_as(xls, sizeof xls - 1, NULL, BEIAN_EDATA, &pr);
    expect_problem(pr, 0, ".xlsx");
    beian_problems_free(pr);
    const char nul[] = "a,b\n1,\0\n";
    read_as(nul, sizeof nul - 1, NULL, BEIAN_EDATA, &pr);
    expect_problem(pr, 2, "NUL");
    beian_problems_free(pr);
}

/* A ZIP whose first entry is the stored "mimetype" of an OpenDocument file of this kind, as
 * LibreOffice writes it (the rest of the file does not matter for naming it). */
static size_t odf_bytes(char *out, const char *kind)
{
    char mime[96];
    size_t n = (size_t)snprintf(mime, sizeof mime, "application/vnd.oasis.opendocument.%s", kind);
    memset(out, 0, 30);
    memcpy(out, "PK\x03\x04\x0A\x00", 6); /* signature, version 1.0, stored (method 0) */
    out[18] = out[22] = (char)n;             /* compressed and uncompressed size */
    out[26] = 8;                             /* name length */
    memcpy(out + 30, "mimetype", 8);
    memcpy(out + 38, mime, n);
    memcpy(out + 38 + n, "PK\x03\x04", 4);  /* the next entry begins */
    return 38 + n + 4;
}

static void test_sheet__opendocument_files_are_named_for_what_they_are(void **state)
{
    (void)state;
    beian_problems *pr;
    char ods[160];
    size_t n = odf_bytes(ods, "spreadsheet");
    read_as(ods, n, NULL, BEIAN_EDATA, &pr);
    expect_problem(pr, 0, "is an OpenDocument spreadsheet (.ods");
    expect_problem(pr, 0, "save it as an Excel workbook (文件 > 另存为");
    expect_problem(pr, 0, "CSV UTF-8");
    assert_int_equal(beian_problems_count(pr), 1);
    beian_problems_free(pr);
    n = odf_bytes(ods, "text");
    read_as(ods, n, NULL, BEIAN_EDATA, &pr);
    expect_problem(pr, 0, "is an OpenDocument text file, not a spreadsheet");
    beian_problems_free(pr);
    /* a ZIP whose first entry is not a stored mimetype goes to the workbook reader */
    n = odf_bytes(ods, "spreadsheet");
    memcpy(ods + 30, "mimetypx", 8);
    read_as(ods, n, NULL, BEIAN_EDATA, &pr);
    const beian_problem *p = beian_problems_get(pr, 0);
    assert_null(strstr(p->message, "OpenDocument"));
    beian_problems_free(pr);
}

static void test_sheet__limits_on_cells_and_columns(void **state)
{
    (void)state;
    size_t n = BEIAN_SHEET_MAX_CELL_BYTES + 10;
    char *big = malloc(n + 16);
    memcpy(big, "a\n\"", 3);
    memset(big + 3, 'x', n);
    memcpy(big + 3 + n, "\"\n", 3);
    beian_problems *pr;
    read_as(big, strlen(big), NULL, BEIAN_EDATA, &pr);
    expect_problem(pr, 2, "KiB");
    beian_problems_free(pr);
    free(big);
    beian_buf wide;
    beian_buf_init(&wide);
    beian_buf_append(&wide, "a\n", 2);
    for (int i = 0; i < BEIAN_SHEET_MAX_COLUMNS + 1; i++) {
        beian_buf_append(&wide, "v,", 2);
    }
    beian_buf_append(&wide, "\n", 1);
    read_as((const char *)wide.data, wide.len, NULL, BEIAN_EDATA, &pr);
    expect_problem(pr, 2, "columns");
    beian_problems_free(pr);
    beian_buf_release(&wide);
}

static void test_sheet__empty_file_explains_the_header(void **state)
{
    (void)state;
    beian_problems *pr;
    read_as("\n,,\n", 4, NULL, BEIAN_EDATA, &pr);
    expect_problem(pr, 0, "first row");
    beian_problems_free(pr);
}

/* ---- xlsx ---- */

static char *fixture(const char *name)
{
    /* tests/unit/test_sheet.c -> tests/data/batch/NAME */
    char *dir = beian_path_dirname(__FILE__);
    char *p = beian_asprintf("%s/../data/batch/%s", dir, name);
    free(dir);
    return p;
}

static beian_sheet *read_xlsx(const char *sheet_name, int rc, beian_problems **pr)
{
    beian_sheet_options o = BEIAN_SHEET_OPTIONS_INIT;
    beian_sheet *sh = NULL;
    char *path = fixture("workgroups.xlsx");
    o.sheet_name = sheet_name;
    *pr = beian_problems_new();
    assert_int_equal(beian_sheet_read_file(path, &o, &sh, *pr), rc);
    free(path);
    return sh;
}

static void test_sheet__xlsx_first_sheet_with_shared_inline_and_rich_strings(void **state)
{
    (void)state;
    beian_problems *pr;
    beian_sheet *sh = read_xlsx(NULL, BEIAN_OK, &pr);
    assert_string_equal(beian_sheet_format(sh), "xlsx, sheet \"工作群\"");
    assert_int_equal(beian_sheet_columns(sh), 14);
    assert_string_equal(beian_sheet_header(sh, 2), "*群名称");
    assert_int_equal(beian_sheet_rows(sh), 3);
    assert_string_equal(beian_sheet_cell(sh, 0, 2), "2026级护理1班");       /* inline string */
    assert_string_equal(beian_sheet_cell(sh, 0, 10), "周晓明");             /* runs, no rPh */
    assert_string_equal(beian_sheet_cell(sh, 1, 3), "第一行\r\n第二行");    /* _x000D_ */
    assert_string_equal(beian_sheet_cell(sh, 1, 6), "hl2026b@nxtc.edu.cn"); /* formula */
    assert_int_equal(beian_sheet_row_line(sh, 2), 4); /* a row without r attributes */
    beian_sheet_free(sh);
    beian_problems_free(pr);
}

static void test_sheet__xlsx_numbers_are_kept_as_their_digits(void **state)
{
    (void)state;
    beian_problems *pr;
    beian_sheet *sh = read_xlsx(NULL, BEIAN_OK, &pr);
    assert_string_equal(beian_sheet_cell(sh, 0, 5), "13895012345");
    assert_int_equal(beian_sheet_cell_flags(sh, 0, 5), BEIAN_CELL_NUMBER);
    assert_string_equal(beian_sheet_cell(sh, 1, 5), "13895012346"); /* 1.3895012346E10 */
    assert_string_equal(beian_sheet_cell(sh, 1, 7), "48");          /* 48.0 */
    assert_int_equal(beian_sheet_cell_flags(sh, 2, 5), 0);          /* a text cell */
    beian_sheet_free(sh);
    beian_problems_free(pr);
}

static void test_sheet__xlsx_sheet_by_name_and_unknown_name_lists_them(void **state)
{
    (void)state;
    beian_problems *pr;
    beian_sheet *sh = read_xlsx("Excel改过", BEIAN_OK, &pr);
    assert_int_equal(beian_sheet_rows(sh), 1);
    assert_string_equal(beian_sheet_cell(sh, 0, 12), "9516033456");
    beian_sheet_free(sh);
    beian_problems_free(pr);
    read_xlsx("nope", BEIAN_EDATA, &pr);
    expect_problem(pr, 0, "\"工作群\", \"Excel改过\"");
    beian_problems_free(pr);
}

static void test_sheet__damaged_workbooks_are_refused_not_crashed_on(void **state)
{
    (void)state;
    beian_buf b;
    beian_problems *pr;
    char *path = fixture("workgroups.xlsx");
    beian_buf_init(&b);
    assert_int_equal(beian_file_read(path, 1 << 20, &b, NULL), BEIAN_OK);
    /* cut short: the central directory is gone */
    read_as((const char *)b.data, b.len / 2, NULL, BEIAN_EDATA, &pr);
    expect_problem(pr, 0, "save it again");
    beian_problems_free(pr);
    /* every byte flipped in turn: any answer but a crash (ASan watches) */
    for (size_t i = 0; i < b.len; i += 7) {
        beian_sheet_options o = BEIAN_SHEET_OPTIONS_INIT;
        beian_sheet *sh = NULL;
        b.data[i] ^= 0x5A;
        pr = beian_problems_new();
        int rc = beian_sheet_read_buffer("f.xlsx", b.data, b.len, &o, &sh, pr);
        assert_true(rc == BEIAN_OK || rc == BEIAN_EDATA);
        beian_sheet_free(sh);
        beian_problems_free(pr);
        b.data[i] ^= 0x5A;
    }
    beian_buf_release(&b);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sheet__quoted_cells_keep_commas_quotes_and_line_breaks),
        cmocka_unit_test(test_sheet__rows_know_their_line_and_spreadsheet_row),
        cmocka_unit_test(test_sheet__old_mac_line_ends_and_lenient_quotes),
        cmocka_unit_test(test_sheet__unclosed_quote_names_the_line_it_opened_on),
        cmocka_unit_test(test_sheet__tabs_and_semicolons_are_detected),
        cmocka_unit_test(test_sheet__gb18030_without_bom_is_detected),
        cmocka_unit_test(test_sheet__utf8_bom_is_dropped_from_the_first_header),
        cmocka_unit_test(test_sheet__utf16_unicode_text_with_tabs),
        cmocka_unit_test(test_sheet__forced_encoding_wins_and_unknown_is_a_usage_error),
        cmocka_unit_test(test_sheet__bytes_of_no_encoding_are_refused_with_their_line),
        cmocka_unit_test(test_sheet__old_xls_and_binary_files_say_how_to_resave),
        cmocka_unit_test(test_sheet__opendocument_files_are_named_for_what_they_are),
        cmocka_unit_test(test_sheet__limits_on_cells_and_columns),
        cmocka_unit_test(test_sheet__empty_file_explains_the_header),
        cmocka_unit_test(test_sheet__xlsx_first_sheet_with_shared_inline_and_rich_strings),
        cmocka_unit_test(test_sheet__xlsx_numbers_are_kept_as_their_digits),
        cmocka_unit_test(test_sheet__xlsx_sheet_by_name_and_unknown_name_lists_them),
        cmocka_unit_test(test_sheet__damaged_workbooks_are_refused_not_crashed_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
