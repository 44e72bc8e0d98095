/*
 * test_batch.c - rows of a sheet as records: headers by id, label or alias; problems said
 * once at the header or per row with FILE:LINE, field and label; the cells Excel changed
 * refused with how to re-export them; dates in the system's format; safe file names.
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/batch.h"
#include "beian/common.h"
#include "beian/form.h"
#include "beian/record.h"
#include "beian/sheet.h"
#include "csv.h"
#include "util.h"

typedef struct {
    beian_ctx *ctx;
    beian_form *wg, *app;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    char *dir = beian_path_dirname(__FILE__);
    char *forms = beian_asprintf("%s/../../forms", dir);
    beian_ctx_options o = {forms, NULL};
    beian_problems *pr = beian_problems_new();
    assert_int_equal(beian_ctx_new(&f->ctx, &o), BEIAN_OK);
    assert_int_equal(beian_form_load(f->ctx, "workgroup-filing", &f->wg, pr), BEIAN_OK);
    assert_int_equal(beian_form_load(f->ctx, "platform-application", &f->app, pr), BEIAN_OK);
    beian_problems_free(pr);
    free(forms);
    free(dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    beian_form_free(f->wg);
    beian_form_free(f->app);
    beian_ctx_free(f->ctx);
    free(f);
    return 0;
}

static const char header[] =
    "group_qr,group_number,群名称,建群范围,管理员姓名1,admin1_mobile,Email,群成员数量,"
    "member_types,所属部门名称（盖章）,部门负责人,职务,办公电话,mobile\n";
static const char good_row[] =
    "https://weixin.qq.com/g/A1,52841937,计算机1班,信息工程学院,张三,13895012345,"
    "a@nxtc.edu.cn,46,学生,信息工程学院,周晓明,书记,0951-6033456,13909512345\n";

static beian_sheet *sheet_of(const char *text)
{
    beian_sheet *sh = NULL;
    beian_problems *pr = beian_problems_new();
    assert_int_equal(beian_sheet_read_buffer("groups.csv", (const unsigned char *)text,
                                             strlen(text), NULL, &sh, pr),
                     BEIAN_OK);
    beian_problems_free(pr);
    return sh;
}

/* Every problem as "LINE field: message" lines, for assertions. */
static char *dump(const beian_problems *pr)
{
    beian_buf b;
    beian_buf_init(&b);
    for (size_t i = 0; i < beian_problems_count(pr); i++) {
        const beian_problem *p = beian_problems_get(pr, i);
        beian_buf_appendf(&b, "%s:%d %s (%s): %s\n", p->file ? p->file : "-", p->line,
                          p->field ? p->field : "-", p->label ? p->label : "-", p->message);
    }
    beian_buf_terminate(&b);
    return b.data ? (char *)b.data : beian_strdup("");
}

static void expect_in(const char *all, const char *what)
{
    if (!strstr(all, what)) {
        fail_msg("problems lack \"%s\":\n%s", what, all);
    }
}

static void test_batch__headers_by_id_label_alias_and_template_marks(void **state)
{
    fixture *f = *state;
    char text[1024];
    /* "*群名称" (required mark), full-width digit and spaces, an alias */
    snprintf(text, sizeof text, "%s%s",
             "group_qr,group_number,*群名称,建群范围,管理员姓名 １,admin1_mobile,邮箱,群成员数量,"
             "member_types,所属部门名称（盖章）,部门负责人,职务,办公电话,mobile\n",
             good_row);
    beian_sheet *sh = sheet_of(text);
    beian_batch *b = NULL;
    beian_record *rec = NULL;
    beian_problems *pr = beian_problems_new();
    assert_int_equal(beian_batch_new(f->wg, sh, &b, pr), BEIAN_OK);
    assert_int_equal(beian_problems_count(pr), 0);
    assert_int_equal(beian_batch_record(b, 0, &rec, pr), BEIAN_OK);
    assert_string_equal(beian_record_get(rec, "group_name"), "计算机1班");
    assert_string_equal(beian_record_get(rec, "admin1_name"), "张三");
    assert_string_equal(beian_record_get(rec, "email"), "a@nxtc.edu.cn");
    assert_string_equal(rec->path, "groups.csv");
    assert_int_equal(rec->lines[beian_form_field_index(f->wg, "email", 0)], 2);
    beian_record_free(rec);
    beian_batch_free(b);
    beian_problems_free(pr);
    beian_sheet_free(sh);
}

static void test_batch__unknown_column_suggests_the_closest_field(void **state)
{
    fixture *f = *state;
    char text[1024];
    snprintf(text, sizeof text, "%.*s,部门负责人手机号\n%.*s,x\n", (int)strlen(header) - 8, header,
             (int)strlen(good_row) - 13, good_row);
    beian_sheet *sh = sheet_of(text);
    beian_batch *b = NULL;
    beian_problems *pr = beian_problems_new();
    beian_batch_options strict = {.strict = 1};
    assert_int_equal(beian_batch_open(f->wg, sh, &strict, &b, pr), BEIAN_OK);
    char *all = dump(pr);
    expect_in(all, "groups.csv:1 - (-): column N \"部门负责人手机号\" is not a field of "
                   "workgroup-filing; did you mean mobile (部门负责人手机)?");
    free(all);
    beian_batch_free(b);
    beian_problems_free(pr);
    /* without --strict: ignored, with a note that says so and suggests the field */
    pr = beian_problems_new();
    assert_int_equal(beian_batch_new(f->wg, sh, &b, pr), BEIAN_OK);
    all = dump(pr);
    expect_in(all, "groups.csv:1 - (-): column N \"部门负责人手机号\" (did you mean mobile "
                   "(部门负责人手机)?) is no field of workgroup-filing and is ignored");
    /* mobile has no column now: said once, at the header */
    expect_in(all, "groups.csv:1 mobile (部门负责人手机): is required, but the sheet has no "
                   "column for it");
    beian_problems_free(pr);
    pr = beian_problems_new();
    beian_record *rec = NULL;
    assert_int_equal(beian_batch_record(b, 0, &rec, pr), BEIAN_EDATA);
    assert_int_equal(beian_problems_count(pr), 0); /* not repeated for the row */
    free(all);
    beian_batch_free(b);
    beian_problems_free(pr);
    beian_sheet_free(sh);
}

static void test_batch__two_columns_for_one_field_and_headless_values(void **state)
{
    fixture *f = *state;
    char text[1024];
    snprintf(text, sizeof text, "%.*s,group_name,\n%.*s,again,stray\n", (int)strlen(header) - 1,
             header, (int)strlen(good_row) - 1, good_row);
    beian_sheet *sh = sheet_of(text);
    beian_batch *b = NULL;
    beian_problems *pr = beian_problems_new();
    beian_batch_options strict = {.strict = 1};
    assert_int_equal(beian_batch_open(f->wg, sh, &strict, &b, pr), BEIAN_OK);
    char *all = dump(pr);
    expect_in(all, "group_name (群名称): columns C (\"群名称\") and O (\"group_name\") both give "
                   "this field");
    expect_in(all, "column P has no header, but 1 row has values in it (the first is row 2)");
    free(all);
    beian_batch_free(b);
    beian_problems_free(pr);
    pr = beian_problems_new();
    assert_int_equal(beian_batch_new(f->wg, sh, &b, pr), BEIAN_OK);
    all = dump(pr);
    expect_in(all, "column P (no header; values in 1 row, the first is row 2) is no field of "
                   "workgroup-filing and is ignored");
    free(all);
    beian_batch_free(b);
    beian_problems_free(pr);
    beian_sheet_free(sh);
}

static void test_batch__office_columns_are_ignored_with_one_note(void **state)
{
    fixture *f = *state;
    char text[2048];
    snprintf(text, sizeof text, "序号,%.*s,备注\n1,%.*s,新建\n", (int)strlen(header) - 1, header,
             (int)strlen(good_row) - 1, good_row);
    beian_sheet *sh = sheet_of(text);
    beian_batch *b = NULL;
    beian_record *rec = NULL;
    beian_problems *pr = beian_problems_new();
    assert_int_equal(beian_batch_new(f->wg, sh, &b, pr), BEIAN_OK);
    char *all = dump(pr);
    assert_string_equal(all, "groups.csv:1 - (-): columns A \"序号\", P \"备注\" are no field of "
                             "workgroup-filing and are ignored (with --strict a column that is "
                             "no field is refused)\n");
    assert_int_equal(beian_problems_errors(pr), 0);
    assert_int_equal(beian_batch_record(b, 0, &rec, pr), BEIAN_OK);
    assert_string_equal(beian_record_get(rec, "group_name"), "计算机1班");
    beian_record_free(rec);
    free(all);
    beian_batch_free(b);
    beian_problems_free(pr);
    beian_sheet_free(sh);
}

static void test_batch__headers_the_paper_form_repeats_are_read_by_their_place(void **state)
{
    fixture *f = *state;
    /* the paper form's header: 手机 after each name, 姓名 under 管理员 */
    static const char text[] =
        "群二维码,群名称,建群范围,姓名,手机,姓名,手机,Email,群成员数量,覆盖人员类型,所属部门名称,"
        "部门负责人,职务,办公电话,手机\n"
        "https://weixin.qq.com/g/A1,计算机1班,信息工程学院,张三,13895012345,李四,13895012346,"
        "a@nxtc.edu.cn,46,学生,信息工程学院,周晓明,书记,0951-6033456,13909512345\n";
    beian_sheet *sh = sheet_of(text);
    beian_batch *b = NULL;
    beian_record *rec = NULL;
    beian_problems *pr = beian_problems_new();
    assert_int_equal(beian_batch_new(f->wg, sh, &b, pr), BEIAN_OK);
    char *all = dump(pr);
    expect_in(all, "groups.csv:1 - (-): headers the form repeats are read by their place in the "
                   "form (the field after the column on their left): D \"姓名\" as admin1_name "
                   "(管理员姓名 1), E \"手机\" as admin1_mobile (管理员1手机), F \"姓名\" as "
                   "admin2_name (管理员姓名 2), G \"手机\" as admin2_mobile (管理员2手机), O "
                   "\"手机\" as mobile (部门负责人手机)");
    assert_int_equal(beian_problems_errors(pr), 0);
    assert_int_equal(beian_batch_record(b, 0, &rec, pr), BEIAN_OK);
    assert_string_equal(beian_record_get(rec, "admin1_mobile"), "13895012345");
    assert_string_equal(beian_record_get(rec, "admin2_name"), "李四");
    assert_string_equal(beian_record_get(rec, "admin2_mobile"), "13895012346");
    assert_string_equal(beian_record_get(rec, "mobile"), "13909512345");
    beian_record_free(rec);
    free(all);
    beian_batch_free(b);
    beian_problems_free(pr);
    beian_sheet_free(sh);
}

static void test_batch__row_problems_read_file_line_field_and_label(void **state)
{
    fixture *f = *state;
    char text[2048];
    snprintf(text, sizeof text,
             "%s%s"
             "https://weixin.qq.com/g/A3,,\"计算机\n3班\",范围,李四,139,b@nxtc.edu.cn,0,学生,"
             "信息工程学院,周晓明,书记,0951-6033456,13909512345\n",
             header, good_row);
    beian_sheet *sh = sheet_of(text);
    beian_batch *b = NULL;
    beian_record *rec = NULL;
    beian_problems *pr = beian_problems_new();
    assert_int_equal(beian_batch_new(f->wg, sh, &b, pr), BEIAN_OK);
    assert_int_equal(beian_batch_rows(b), 2);
    assert_int_equal(beian_batch_record(b, 1, &rec, pr), BEIAN_EDATA);
    assert_null(rec);
    char *all = dump(pr);
    expect_in(all, "groups.csv:3 admin1_mobile (管理员1手机): \"139\" is not a mobile number");
    expect_in(all, "groups.csv:3 member_count (群成员数量): \"0\" is not a positive whole number");
    expect_in(all, "groups.csv:3 group_name (群名称): contains a line break");
    free(all);
    beian_batch_free(b);
    beian_problems_free(pr);
    beian_sheet_free(sh);
}

static void test_batch__excel_mangled_numbers_say_how_to_reexport(void **state)
{
    fixture *f = *state;
    char text[2048];
    snprintf(text, sizeof text,
             "%s"
             "https://weixin.qq.com/g/A1,\"5,28E+07\",计算机1班,\"多行\n范围\",张三,1.39E+10,"
             "a@nxtc.edu.cn,46,学生,信息工程学院,周晓明,书记,9516033456,13909512345.0\n",
             header);
    beian_sheet *sh = sheet_of(text);
    beian_batch *b = NULL;
    beian_record *rec = NULL;
    beian_problems *pr = beian_problems_new();
    assert_int_equal(beian_batch_new(f->wg, sh, &b, pr), BEIAN_OK);
    assert_int_equal(beian_batch_record(b, 0, &rec, pr), BEIAN_EDATA);
    char *all = dump(pr);
    expect_in(all, "groups.csv:2 admin1_mobile (管理员1手机): \"1.39E+10\" is a number Excel "
                   "shortened to scientific notation, so its digits are lost: select the column "
                   "in Excel or WPS, set its format to 文本");
    expect_in(all, "office_phone (办公电话): \"9516033456\" looks like the office number "
                   "0951-6033456 without its leading 0");
    expect_in(all, "mobile (部门负责人手机): \"13909512345.0\" was saved as a number with "
                   "decimals");
    /* each damaged cell is said once, not again as "not a mobile number" */
    assert_null(strstr(all, "is not a mobile number"));
    assert_int_equal(beian_problems_count(pr), 3);
    free(all);
    beian_batch_free(b);
    beian_problems_free(pr);
    beian_sheet_free(sh);
}

static void test_batch__problems_and_names_give_the_row_excel_shows_not_the_csv_line(void **state)
{
    fixture *f = *state;
    char text[2048];
    snprintf(text, sizeof text,
             "%s"
             "https://weixin.qq.com/g/A1,1,计算机1班,\"多行\n范围\",张三,13895012345,"
             "a@nxtc.edu.cn,46,学生,信息工程学院,周晓明,书记,0951-6033456,13909512345\n"
             "https://weixin.qq.com/g/A2,2,计算机2班,范围,李四,139,"
             "a@nxtc.edu.cn,46,学生,信息工程学院,周晓明,书记,0951-6033456,13909512345\n",
             header);
    beian_sheet *sh = sheet_of(text);
    beian_batch *b = NULL;
    beian_record *rec = NULL;
    beian_problems *pr = beian_problems_new();
    assert_int_equal(beian_batch_new(f->wg, sh, &b, pr), BEIAN_OK);
    assert_int_equal(beian_batch_record(b, 1, &rec, pr), BEIAN_EDATA);
    char *all = dump(pr);
    /* the CSV line is 4 (a cell above holds a line break); Excel shows row 3 */
    expect_in(all, "groups.csv:3 admin1_mobile (管理员1手机): \"139\" is not a mobile number");
    assert_null(strstr(all, "groups.csv:4"));
    char *name = beian_batch_name(b, 1, NULL);
    assert_string_equal(name, "0003");
    free(name);
    free(all);
    beian_batch_free(b);
    beian_problems_free(pr);
    beian_sheet_free(sh);
}

static void test_batch__dates_in_the_system_format_and_workbook_serials(void **state)
{
    fixture *f = *state;
    beian_problems *pr = beian_problems_new();
    beian_sheet *sh = beian_sheet_alloc("apps.xlsx");
    const char *head[] = {"name", "applicant_unit", "apply_date"};
    for (size_t c = 0; c < 3; c++) {
        assert_int_equal(beian_sheet_push_cell(sh, c, head[c], strlen(head[c]), 0, 1, pr),
                         BEIAN_OK);
    }
    assert_int_equal(beian_sheet_end_row(sh, 1, 1, pr), BEIAN_OK);
    const char *dates[] = {"2026/11/24", "2026年1月5日", "46350", "2026-02-30"};
    const int flags[] = {0, 0, BEIAN_CELL_NUMBER, 0};
    for (int r = 0; r < 4; r++) {
        assert_int_equal(beian_sheet_push_cell(sh, 0, "x", 1, 0, r + 2, pr), BEIAN_OK);
        assert_int_equal(
            beian_sheet_push_cell(sh, 2, dates[r], strlen(dates[r]), flags[r], r + 2, pr),
            BEIAN_OK);
        assert_int_equal(beian_sheet_end_row(sh, r + 2, r + 2, pr), BEIAN_OK);
    }
    beian_batch *b = NULL;
    assert_int_equal(beian_batch_new(f->app, sh, &b, pr), BEIAN_OK);
    const char *want[] = {"2026-11-24", "2026-01-05", "2026-11-24", NULL};
    for (size_t r = 0; r < 4; r++) {
        beian_record *rec = NULL;
        beian_problems *rp = beian_problems_new();
        beian_batch_record(b, r, &rec, rp); /* other fields are missing: only the date counts */
        char *all = dump(rp);
        if (want[r]) {
            assert_null(strstr(all, "apply_date"));
        } else {
            expect_in(all, "apply_date (申请时间): \"2026-02-30\" is not a possible date: "
                           "February 2026 has 28 days");
        }
        free(all);
        beian_record_free(rec);
        beian_problems_free(rp);
    }
    beian_batch_free(b);
    beian_sheet_free(sh);
    beian_problems_free(pr);
}

static void test_batch__file_names_are_numbered_and_safe(void **state)
{
    fixture *f = *state;
    char text[2048];
    snprintf(text, sizeof text,
             "%s"
             "https://weixin.qq.com/g/A1,1,\"../计算机 1班: \"\"新\"\"/群?\",范围,张三,"
             "13895012345,a@nxtc.edu.cn,46,学生,信息工程学院,周晓明,书记,0951-6033456,"
             "13909512345\n"
             "https://weixin.qq.com/g/A1,1,"
             "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十,范围,张三,"
             "13895012345,a@nxtc.edu.cn,46,学生,信息工程学院,周晓明,书记,0951-6033456,"
             "13909512345\n",
             header);
    beian_sheet *sh = sheet_of(text);
    beian_batch *b = NULL;
    beian_problems *pr = beian_problems_new();
    assert_int_equal(beian_batch_new(f->wg, sh, &b, pr), BEIAN_OK);
    for (size_t r = 0; r < 2; r++) {
        beian_record *rec = NULL;
        assert_int_equal(beian_batch_record(b, r, &rec, pr), BEIAN_OK);
        char *name = beian_batch_name(b, r, rec);
        if (r == 0) {
            assert_string_equal(name, "0002-计算机_1班_新_群"); /* row 2 in Excel */
        } else {
            /* 80 bytes of the name at most, cut between characters */
            assert_true(strlen(name) <= 5 + 80);
            assert_int_equal(beian_utf8_check((const unsigned char *)name, strlen(name)),
                             strlen(name));
            assert_memory_equal(name, "0003-一二三", 5 + 9);
        }
        assert_null(strchr(name, '/'));
        free(name);
        beian_record_free(rec);
    }
    char *bare = beian_batch_name(b, 1, NULL);
    assert_string_equal(bare, "0003");
    free(bare);
    beian_batch_free(b);
    beian_problems_free(pr);
    beian_sheet_free(sh);
}

static void test_batch__rows_are_listed_as_ranges(void **state)
{
    (void)state;
    static const int rows[] = {2, 3, 4, 5, 9, 12, 13};
    char *t = beian_batch_format_rows(rows, 7);
    assert_string_equal(t, "rows 2\xE2\x80\x93" "5, 9, 12\xE2\x80\x93" "13");
    free(t);
    t = beian_batch_format_rows(rows + 4, 1);
    assert_string_equal(t, "row 9");
    free(t);
}

static void test_batch__a_problem_repeated_down_a_column_is_said_once(void **state)
{
    (void)state;
    beian_problems *rows[4] = {beian_problems_new(), NULL, beian_problems_new(),
                               beian_problems_new()};
    beian_problems *out = beian_problems_new();
    for (int r = 0; r < 4; r++) {
        if (rows[r]) {
            beian_problems_add(rows[r], BEIAN_SEV_ERROR, "s.csv", r + 2, 0, "admin1_mobile",
                               "管理员1手机", "\"%s\" is a number Excel shortened",
                               r == 3 ? "1.38E+10" : "1.39E+10");
        }
    }
    beian_problems_add(rows[2], BEIAN_SEV_ERROR, "s.csv", 4, 0, "email", "Email", "is wrong");
    assert_int_equal(beian_batch_merge_problems(rows, 4, out), BEIAN_OK);
    char *all = dump(out);
    assert_string_equal(all, "s.csv:0 admin1_mobile (管理员1手机): rows 2, 4\xE2\x80\x93" "5: "
                             "\"1.39E+10\" is a number Excel shortened (the value quoted is the "
                             "first row's; the other rows have their own)\n"
                             "s.csv:4 email (Email): is wrong\n");
    free(all);
    for (int r = 0; r < 4; r++) {
        beian_problems_free(rows[r]);
    }
    beian_problems_free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_batch__headers_by_id_label_alias_and_template_marks),
        cmocka_unit_test(test_batch__unknown_column_suggests_the_closest_field),
        cmocka_unit_test(test_batch__two_columns_for_one_field_and_headless_values),
        cmocka_unit_test(test_batch__row_problems_read_file_line_field_and_label),
        cmocka_unit_test(test_batch__excel_mangled_numbers_say_how_to_reexport),
        cmocka_unit_test(test_batch__problems_and_names_give_the_row_excel_shows_not_the_csv_line),
        cmocka_unit_test(test_batch__dates_in_the_system_format_and_workbook_serials),
        cmocka_unit_test(test_batch__file_names_are_numbered_and_safe),
        cmocka_unit_test(test_batch__rows_are_listed_as_ranges),
        cmocka_unit_test(test_batch__office_columns_are_ignored_with_one_note),
        cmocka_unit_test(test_batch__headers_the_paper_form_repeats_are_read_by_their_place),
        cmocka_unit_test(test_batch__a_problem_repeated_down_a_column_is_said_once),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
