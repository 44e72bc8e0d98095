/*
 * test_record.c - records read from JSON and validated by field type (beian/record.h).
 *
 * Each value check starts from a record that validates cleanly and changes one field, so a
 * refusal is that field's and no other's. Problems must carry the field id, its Chinese label
 * and, when read from a file, the line of the key, so a secretary finds what to fix.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "beian/form.h"
#include "beian/record.h"
#include "util.h"

static beian_ctx *ctx;

static int group_setup(void **state)
{
    (void)state;
    beian_ctx_options o = {"forms", "fonts"};
    return beian_ctx_new(&ctx, &o) == BEIAN_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    beian_ctx_free(ctx);
    return 0;
}

typedef struct {
    const char *id, *value;
} kv;

static const kv workgroup[] = {
    {"group_qr", "https://weixin.qq.com/g/AQYAAKd8mVz1bX7cR3pT0sWq"},
    {"group_number", "68214375"},
    {"group_name", "2026级会计专业3班家校联系群"},
    {"scope", "财经学院2026级会计专业3班学生家长、班主任及任课教师"},
    {"admin1_name", "李宏喆"},
    {"admin1_mobile", "13619512468"},
    {"admin2_name", "王丽"},
    {"admin2_mobile", "17795016543"},
    {"email", "cj2026kj3@nxtc.edu.cn"},
    {"member_count", "58"},
    {"member_types", "学生家长、班主任、任课教师"},
    {"department", "财经学院"},
    {"dept_head", "赵明远"},
    {"dept_head_title", "党总支书记"},
    {"office_phone", "0951-6037790"},
    {"mobile", "13909517788"},
    {NULL, NULL},
};

static const kv application[] = {
    {"name", "宁职院财经学院"},
    {"applicant_unit", "财经学院"},
    {"apply_date", "2026-10-15"},
    {"admin_name", "韩佳喆"},
    {"admin_title", "团总支副书记"},
    {"admin_phone", "15202691234"},
    {"admin_email", "hanjiazhe@nxtc.edu.cn"},
    {"head_name", "田堃"},
    {"head_title", "财经学院院长"},
    {"head_phone", "0951-6037788"},
    {"head_email", "tiankun@nxtc.edu.cn"},
    {"reason", "为及时发布学院教学动态、实习实训、技能竞赛、招生就业等信息，学院拟开通抖音号。"},
    {"purpose", "以短视频形式展示专业教学、技能竞赛和学生活动。"},
    {NULL, NULL},
};

/*
 * Validates a record of form with the values of base, field id set to value (NULL: left out).
 * Returns the number of errors; each must name id and carry a label.
 */
static size_t errors_with(const char *form_id, const kv *base, const char *id, const char *value)
{
    beian_problems *pr = beian_problems_new();
    beian_form *f = NULL;
    assert_non_null(pr);
    assert_int_equal(beian_form_load(ctx, form_id, &f, pr), BEIAN_OK);
    beian_record *r = beian_record_new(f);
    assert_non_null(r);
    for (const kv *k = base; k->id; k++) {
        int i = beian_form_field_index(f, k->id, 0);
        assert_true(i >= 0);
        const char *v = id && strcmp(k->id, id) == 0 ? value : k->value;
        assert_int_equal(beian_record_set(r, i, v, 0), BEIAN_OK);
    }
    int rc = beian_record_validate(r, pr);
    size_t n = beian_problems_errors(pr);
    assert_int_equal(rc, n ? BEIAN_EDATA : BEIAN_OK);
    for (size_t i = 0; i < beian_problems_count(pr); i++) {
        const beian_problem *p = beian_problems_get(pr, i);
        if (p->severity != BEIAN_SEV_ERROR) {
            continue;
        }
        if (!p->field || !id || strcmp(p->field, id) != 0 || !p->label || !p->label[0]) {
            fail_msg("%s=\"%s\": problem about %s (%s): %s", id ? id : "-", value ? value : "",
                     p->field ? p->field : "no field", p->label ? p->label : "no label",
                     p->message);
        }
    }
    beian_record_free(r);
    beian_form_free(f);
    beian_problems_free(pr);
    return n;
}

static void expect_valid(const char *form, const kv *base, const char *id,
                         const char *const *values)
{
    for (const char *const *v = values; *v; v++) {
        if (errors_with(form, base, id, *v) != 0) {
            fail_msg("%s \"%s\" was refused", id, *v);
        }
    }
}

static void expect_refused(const char *form, const kv *base, const char *id,
                           const char *const *values)
{
    for (const char *const *v = values; *v; v++) {
        if (errors_with(form, base, id, *v) != 1) {
            fail_msg("%s \"%s\" was not refused (exactly once)", id, *v);
        }
    }
}

static void test_record__sample_records_validate(void **state)
{
    (void)state;
    assert_int_equal(errors_with("workgroup-filing", workgroup, NULL, NULL), 0);
    assert_int_equal(errors_with("platform-application", application, NULL, NULL), 0);
}

static void test_record__mobile_is_11_digits_starting_1_3_to_9(void **state)
{
    (void)state;
    static const char *const good[] = {"13619512468", "14712345678", "19912345678",
                                       "18095123456", NULL};
    static const char *const bad[] = {"1361951246",     "136195124681", "12619512468",
                                      "23619512468",    "1361951246a",  "+8613619512468",
                                      "136 1951 2468", "0951-6037790", NULL};
    expect_valid("workgroup-filing", workgroup, "admin1_mobile", good);
    expect_refused("workgroup-filing", workgroup, "admin1_mobile", bad);
    expect_refused("workgroup-filing", workgroup, "mobile", bad);
}

static void test_record__office_phone_needs_its_area_code(void **state)
{
    (void)state;
    static const char *const good[] = {"0951-6037790", "010-12345678", "0951-6037790-123", NULL};
    static const char *const bad[] = {"6037790",     "09516037790",  "0951-603779",
                                      "951-6037790", "13619512468", "0951-6037790-",
                                      NULL};
    expect_valid("workgroup-filing", workgroup, "office_phone", good);
    expect_refused("workgroup-filing", workgroup, "office_phone", bad);
}

static void test_record__contact_phone_takes_a_mobile_or_an_office_number(void **state)
{
    (void)state;
    static const char *const good[] = {"15202691234", "0951-6037788", NULL};
    static const char *const bad[] = {"6037788", "1520269123", "电话", NULL};
    expect_valid("platform-application", application, "admin_phone", good);
    expect_refused("platform-application", application, "admin_phone", bad);
}

static void test_record__email_must_be_an_address(void **state)
{
    (void)state;
    static const char *const good[] = {"cj2026kj3@nxtc.edu.cn", "li.ming+notice@nxtc.edu.cn",
                                       "office@mail.nxtc.edu.cn", NULL};
    static const char *const bad[] = {"cj2026kj3nxtc.edu.cn", "cj2026kj3@nxtc",
                                      "cj@@nxtc.edu.cn",      "@nxtc.edu.cn",
                                      "cj 2026@nxtc.edu.cn",  "cj2026@nxtc..edu.cn",
                                      "cj2026@.nxtc.edu.cn",  NULL};
    expect_valid("workgroup-filing", workgroup, "email", good);
    expect_refused("workgroup-filing", workgroup, "email", bad);
}

static void test_record__member_count_is_a_positive_whole_number(void **state)
{
    (void)state;
    static const char *const good[] = {"1", "58", "1200", NULL};
    static const char *const bad[] = {"0", "abc", "-5", "1.5", "五十八", NULL};
    expect_valid("workgroup-filing", workgroup, "member_count", good);
    expect_refused("workgroup-filing", workgroup, "member_count", bad);
}

static void test_record__date_must_exist_in_the_calendar(void **state)
{
    (void)state;
    static const char *const good[] = {"2026-11-24", "2028-02-29", "2000-02-29", NULL};
    static const char *const bad[] = {"2026-02-30", "2026-02-29", "2100-02-29", "2026-13-01",
                                      "2026-04-31", "2026-00-10", "2026/11/24", "2026-1-5",
                                      "20261124",   "明天",       NULL};
    expect_valid("platform-application", application, "apply_date", good);
    expect_refused("platform-application", application, "apply_date", bad);
}

static void test_record__required_field_left_out_is_refused(void **state)
{
    (void)state;
    assert_int_equal(errors_with("workgroup-filing", workgroup, "dept_head", NULL), 1);
    assert_int_equal(errors_with("workgroup-filing", workgroup, "dept_head", "   "), 1);
    /* the second administrator is optional */
    assert_int_equal(errors_with("workgroup-filing", workgroup, "admin2_name", NULL), 0);
}

static void test_record__field_longer_than_its_limit_is_refused(void **state)
{
    (void)state;
    /* 名称 allows 40 characters */
    static const char forty[] = "宁夏职业技术学院会计专业二〇二六级学生实习就业信息服务与校友联络宣传推广服务平台";
    static const char forty_one[] =
        "宁夏职业技术学院会计专业二〇二六级学生实习就业信息服务与校友联络宣传推广服务平台号";
    assert_int_equal(errors_with("platform-application", application, "name", forty), 0);
    assert_int_equal(errors_with("platform-application", application, "name", forty_one), 1);
}

static void test_record__line_break_in_a_single_line_field_is_refused(void **state)
{
    (void)state;
    assert_int_equal(errors_with("workgroup-filing", workgroup, "group_name", "会计3班\n家校群"), 1);
    /* multi-line text keeps its breaks */
    assert_int_equal(errors_with("workgroup-filing", workgroup, "scope", "学生家长；\n任课教师"), 0);
}

static void test_record__date_formats_as_chinese_without_padding(void **state)
{
    (void)state;
    char out[32];
    assert_int_equal(beian_date_format_cn("2026-11-24", out, sizeof out), 1);
    assert_string_equal(out, "2026年11月24日");
    /* GB/T 9704-2012 7.3.5.3: months and days are not padded with zeros */
    assert_int_equal(beian_date_format_cn("2026-03-05", out, sizeof out), 1);
    assert_string_equal(out, "2026年3月5日");
    assert_int_equal(beian_date_format_cn("2026-02-30", out, sizeof out), 0);
}

/* ---- reading data files ---- */

static beian_problems *read_json(const char *json, int expect_rc)
{
    beian_problems *pr = beian_problems_new();
    beian_record *r = NULL;
    assert_non_null(pr);
    int rc = beian_record_read_buffer(ctx, "data.json", (const unsigned char *)json, strlen(json),
                                      &r, pr);
    assert_int_equal(rc, expect_rc);
    if (expect_rc == BEIAN_OK) {
        assert_non_null(r);
    } else {
        assert_null(r);
    }
    beian_record_free(r);
    return pr;
}

static const beian_problem *find(const beian_problems *pr, const char *field)
{
    for (size_t i = 0; i < beian_problems_count(pr); i++) {
        const beian_problem *p = beian_problems_get(pr, i);
        if (p->severity == BEIAN_SEV_ERROR && p->field && strcmp(p->field, field) == 0) {
            return p;
        }
    }
    fail_msg("no problem names %s", field);
    return NULL;
}

static void test_record__every_problem_is_listed_with_field_label_and_line(void **state)
{
    (void)state;
    static const char json[] = "{\n"                                          /* 1 */
                               "  \"form\": \"workgroup-filing\",\n"           /* 2 */
                               "  \"fields\": {\n"                             /* 3 */
                               "    \"group_number\": \"68214375\",\n"         /* 4 */
                               "    \"group_name\": \"会计3班家校群\",\n"      /* 5 */
                               "    \"scope\": \"会计专业3班学生家长\",\n"     /* 6 */
                               "    \"admin1_name\": \"李宏喆\",\n"            /* 7 */
                               "    \"admin1_mobile\": \"1361951246\",\n"      /* 8 */
                               "    \"email\": \"cj2026kj3@nxtc\",\n"          /* 9 */
                               "    \"member_count\": \"abc\",\n"              /* 10 */
                               "    \"member_types\": \"学生家长\",\n"         /* 11 */
                               "    \"department\": \"财经学院\",\n"           /* 12 */
                               "    \"dept_head_title\": \"党总支书记\",\n"    /* 13 */
                               "    \"office_phone\": \"6037790\",\n"          /* 14 */
                               "    \"mobile\": \"13909517788\",\n"            /* 15 */
                               "    \"remark\": \"请尽快审核\"\n"              /* 16 */
                               "  }\n"
                               "}\n";
    beian_problems *pr = read_json(json, BEIAN_EDATA);
    assert_int_equal(beian_problems_errors(pr), 6);
    static const struct {
        const char *field, *label;
        int line;
    } want[] = {
        {"admin1_mobile", "管理员1手机", 8}, {"email", "Email", 9},
        {"member_count", "群成员数量", 10},  {"office_phone", "办公电话", 14},
        {"remark", NULL, 16},               {"dept_head", "部门负责人", 0},
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const beian_problem *p = find(pr, want[i].field);
        assert_string_equal(p->file, "data.json");
        if (want[i].label) {
            assert_non_null(p->label);
            assert_string_equal(p->label, want[i].label);
        }
        if (want[i].line) {
            assert_int_equal(p->line, want[i].line);
        }
    }
    beian_problems_free(pr);
}

static void test_record__json_syntax_error_has_line_and_column(void **state)
{
    (void)state;
    static const char json[] = "{\n"
                               "  \"form\": \"workgroup-filing\",\n"
                               "  \"fields\": {\n"
                               "    \"group_name\": \"会计3班家校群\"\n"
                               "    \"scope\": \"学生家长\"\n"
                               "  }\n"
                               "}\n";
    beian_problems *pr = read_json(json, BEIAN_EDATA);
    assert_int_equal(beian_problems_errors(pr), 1);
    const beian_problem *p = beian_problems_get(pr, 0);
    assert_int_equal(p->line, 5);
    /* the column points into the unexpected "scope" (columns 5 to 11) */
    assert_true(p->column >= 5 && p->column <= 12);
    beian_problems_free(pr);
}

static void test_record__non_utf8_bytes_are_refused_with_their_line(void **state)
{
    (void)state;
    /* 会计 in GBK is BB E1 BC C6 */
    static const char json[] = "{\n"
                               "  \"form\": \"workgroup-filing\",\n"
                               "  \"fields\": {\n"
                               "    \"group_name\": \"\xBB\xE1\xBC\xC6\"\n"
                               "  }\n"
                               "}\n";
    beian_problems *pr = read_json(json, BEIAN_EDATA);
    assert_int_equal(beian_problems_errors(pr), 1);
    const beian_problem *p = beian_problems_get(pr, 0);
    assert_int_equal(p->line, 4);
    beian_problems_free(pr);
}

static void test_record__utf8_byte_order_mark_is_accepted(void **state)
{
    (void)state;
    static const char json[] = "\xEF\xBB\xBF{\"form\": \"workgroup-filing\", \"fields\": {"
                               "\"group_number\": \"68214375\", \"group_name\": \"会计3班家校群\","
                               "\"scope\": \"学生家长\", \"admin1_name\": \"李宏喆\","
                               "\"admin1_mobile\": \"13619512468\", \"email\": \"cj@nxtc.edu.cn\","
                               "\"member_count\": 58, \"member_types\": \"学生家长\","
                               "\"department\": \"财经学院\", \"dept_head\": \"赵明远\","
                               "\"dept_head_title\": \"党总支书记\","
                               "\"office_phone\": \"0951-6037790\", \"mobile\": \"13909517788\"}}";
    beian_problems *pr = read_json(json, BEIAN_OK);
    assert_int_equal(beian_problems_errors(pr), 0);
    beian_problems_free(pr);
}

static void test_record__duplicate_key_is_refused(void **state)
{
    (void)state;
    static const char json[] = "{\n"
                               "  \"form\": \"workgroup-filing\",\n"
                               "  \"fields\": {\n"
                               "    \"group_name\": \"会计3班家校群\",\n"
                               "    \"group_name\": \"会计4班家校群\"\n"
                               "  }\n"
                               "}\n";
    beian_problems *pr = read_json(json, BEIAN_EDATA);
    assert_true(beian_problems_errors(pr) >= 1);
    const beian_problem *p = beian_problems_get(pr, 0);
    assert_int_equal(p->line, 5);
    assert_true((p->field && strcmp(p->field, "group_name") == 0) ||
                strstr(p->message, "group_name"));
    beian_problems_free(pr);
}

static void test_record__number_where_text_belongs_is_refused(void **state)
{
    (void)state;
    static const char json[] = "{\n"
                               "  \"form\": \"workgroup-filing\",\n"
                               "  \"fields\": {\n"
                               "    \"admin1_mobile\": 13619512468\n"
                               "  }\n"
                               "}\n";
    beian_problems *pr = read_json(json, BEIAN_EDATA);
    const beian_problem *p = find(pr, "admin1_mobile");
    assert_int_equal(p->line, 4);
    assert_string_equal(p->label, "管理员1手机");
    assert_non_null(strstr(p->message, "must be text in quotes"));
    assert_non_null(strstr(p->message, "not the number 13619512468"));
    /* said once, as the wrong type: not also "is missing" */
    size_t about = 0;
    for (size_t i = 0; i < beian_problems_count(pr); i++) {
        const beian_problem *q = beian_problems_get(pr, i);
        about += q->field && strcmp(q->field, "admin1_mobile") == 0;
    }
    assert_int_equal(about, 1);
    beian_problems_free(pr);
}

static void test_record__wrong_type_in_a_one_of_group_is_reported_once(void **state)
{
    (void)state;
    static const char json[] = "{\n"
                               "  \"form\": \"workgroup-filing\",\n"
                               "  \"fields\": {\n"
                               "    \"group_number\": 52841937\n"
                               "  }\n"
                               "}\n";
    beian_problems *pr = read_json(json, BEIAN_EDATA);
    const beian_problem *p = find(pr, "group_number");
    assert_int_equal(p->line, 4);
    assert_non_null(strstr(p->message, "such as"));
    for (size_t i = 0; i < beian_problems_count(pr); i++) {
        const beian_problem *q = beian_problems_get(pr, i);
        assert_null(strstr(q->message, "give at least one of"));
    }
    beian_problems_free(pr);
}

/* The work group's data file with its "date" and admin1_mobile as given. */
static char *workgroup_json(const char *date, const char *mobile)
{
    beian_buf b;
    beian_buf_init(&b);
    beian_buf_appendf(&b, "{\"form\": \"workgroup-filing\", \"date\": \"%s\",\n\"fields\": {\n",
                      date);
    for (const kv *p = workgroup; p->id; p++) {
        const char *v = strcmp(p->id, "admin1_mobile") == 0 ? mobile : p->value;
        beian_buf_appendf(&b, "%s\"%s\": \"%s\"\n", p == workgroup ? "" : ",", p->id, v);
    }
    beian_buf_appendf(&b, "}}\n");
    beian_buf_terminate(&b);
    return (char *)b.data;
}

static beian_record *read_ok(const char *json, beian_problems *pr)
{
    beian_record *r = NULL;
    assert_int_equal(beian_record_read_buffer(ctx, "data.json", (const unsigned char *)json,
                                              strlen(json), &r, pr),
                     BEIAN_OK);
    return r;
}

static void test_record__date_spellings_give_one_record_and_one_digest(void **state)
{
    (void)state;
    static const char *const spellings[] = {"2026/9/8", "2026年9月8日", "2026.9.8",
                                            "\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x92\xEF\xBC"
                                            "\x96-9-8", /* ２０２６-9-8 */
                                            NULL};
    char want[BEIAN_SHA256_HEX_SIZE], got[BEIAN_SHA256_HEX_SIZE];
    char *json = workgroup_json("2026-09-08", "13619512468");
    beian_problems *pr = beian_problems_new();
    beian_record *r = read_ok(json, pr);
    assert_int_equal(beian_problems_count(pr), 0); /* already right: no note */
    assert_int_equal(beian_record_digest(r, want), BEIAN_OK);
    beian_record_free(r);
    beian_problems_free(pr);
    free(json);
    for (const char *const *s = spellings; *s; s++) {
        json = workgroup_json(*s, "13619512468");
        pr = beian_problems_new();
        r = read_ok(json, pr);
        assert_string_equal(r->date, "2026-09-08");
        assert_int_equal(beian_record_digest(r, got), BEIAN_OK);
        assert_string_equal(got, want);
        const beian_problem *p = beian_problems_get(pr, 0);
        assert_non_null(p);
        assert_int_equal(p->severity, BEIAN_SEV_NOTE);
        assert_string_equal(p->field, "date");
        assert_non_null(strstr(p->message, "was read as \"2026-09-08\""));
        beian_record_free(r);
        beian_problems_free(pr);
        free(json);
    }
}

static void test_record__impossible_and_ambiguous_dates_are_refused_naming_the_field(void **state)
{
    (void)state;
    static const struct {
        const char *date, *why;
    } cases[] = {{"2026/2/30", "\"2026/2/30\" is not a possible date: February 2026 has 28 days"},
                 {"9/8/2026", "\"9/8/2026\" is ambiguous: the year is last"},
                 {"明天", "\"明天\" is not a date"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *json = workgroup_json(cases[i].date, "13619512468");
        beian_problems *pr = read_json(json, BEIAN_EDATA);
        const beian_problem *p = find(pr, "date");
        assert_string_equal(p->label, "填表日期");
        assert_int_equal(p->line, 1);
        if (!strstr(p->message, cases[i].why)) {
            fail_msg("\"%s\" lacks \"%s\"", p->message, cases[i].why);
        }
        beian_problems_free(pr);
        free(json);
    }
}

static void test_record__full_width_digits_in_a_phone_are_read_as_digits_with_a_note(void **state)
{
    (void)state;
    /* １３８９５１８７７０２ as a Chinese input method types it */
    char *json = workgroup_json("2026-09-08", "\xEF\xBC\x91\xEF\xBC\x93\xEF\xBC\x98\xEF\xBC\x99"
                                              "\xEF\xBC\x95\xEF\xBC\x91\xEF\xBC\x98\xEF\xBC\x97"
                                              "\xEF\xBC\x97\xEF\xBC\x90\xEF\xBC\x92");
    beian_problems *pr = beian_problems_new();
    beian_record *r = read_ok(json, pr);
    assert_string_equal(beian_record_get(r, "admin1_mobile"), "13895187702");
    const beian_problem *p = beian_problems_get(pr, 0);
    assert_non_null(p);
    assert_int_equal(p->severity, BEIAN_SEV_NOTE);
    assert_string_equal(p->field, "admin1_mobile");
    assert_int_equal(p->line, 8);
    assert_non_null(strstr(p->message, "was read as \"13895187702\""));
    beian_record_free(r);
    beian_problems_free(pr);
    free(json);
}

static void test_record__normalise_folds_full_width_only_where_ascii_belongs(void **state)
{
    (void)state;
    beian_problems *pr = beian_problems_new();
    beian_form *form = NULL;
    assert_int_equal(beian_form_load(ctx, "workgroup-filing", &form, pr), BEIAN_OK);
    beian_record *r = beian_record_new(form);
    static const kv typed[] = {
        {"member_count", "\xEF\xBC\x94\xEF\xBC\x95"},                 /* ４５ */
        {"email", "g1\xEF\xBC\xA0nxtc.edu.cn"},                          /* ＠ */
        {"group_number", "\xEF\xBC\x95\xEF\xBC\x92\xEF\xBC\x98\xEF\xBC\x94"}, /* ５２８４ */
        {"office_phone", "0951\xEF\xBC\x8D" "6033456"},                  /* －, as typed */
        {"group_qr_date", "2026.9.8"},
        {"group_name", "\xEF\xBC\x92\xEF\xBC\x90\xEF\xBC\x92\xEF\xBC\x96级1班"}, /* text: kept */
        {NULL, NULL}};
    static const char *const want[] = {"45", "g1@nxtc.edu.cn", "5284", "0951-6033456",
                                       "2026-09-08"};
    for (const kv *p = typed; p->id; p++) {
        assert_int_equal(beian_record_set(r, beian_form_field_index(form, p->id, 0), p->value, 1),
                         BEIAN_OK);
    }
    assert_int_equal(beian_record_normalise(r, pr), BEIAN_OK);
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(beian_record_get(r, typed[i].id), want[i]);
    }
    assert_string_equal(beian_record_get(r, "group_name"), typed[5].value);
    assert_int_equal(beian_problems_count(pr), 5); /* a note each, no error */
    assert_int_equal(beian_problems_errors(pr), 0);
    beian_record_free(r);
    beian_form_free(form);
    beian_problems_free(pr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_record__sample_records_validate),
        cmocka_unit_test(test_record__mobile_is_11_digits_starting_1_3_to_9),
        cmocka_unit_test(test_record__office_phone_needs_its_area_code),
        cmocka_unit_test(test_record__contact_phone_takes_a_mobile_or_an_office_number),
        cmocka_unit_test(test_record__email_must_be_an_address),
        cmocka_unit_test(test_record__member_count_is_a_positive_whole_number),
        cmocka_unit_test(test_record__date_must_exist_in_the_calendar),
        cmocka_unit_test(test_record__required_field_left_out_is_refused),
        cmocka_unit_test(test_record__field_longer_than_its_limit_is_refused),
        cmocka_unit_test(test_record__line_break_in_a_single_line_field_is_refused),
        cmocka_unit_test(test_record__date_formats_as_chinese_without_padding),
        cmocka_unit_test(test_record__every_problem_is_listed_with_field_label_and_line),
        cmocka_unit_test(test_record__json_syntax_error_has_line_and_column),
        cmocka_unit_test(test_record__non_utf8_bytes_are_refused_with_their_line),
        cmocka_unit_test(test_record__utf8_byte_order_mark_is_accepted),
        cmocka_unit_test(test_record__duplicate_key_is_refused),
        cmocka_unit_test(test_record__number_where_text_belongs_is_refused),
        cmocka_unit_test(test_record__wrong_type_in_a_one_of_group_is_reported_once),
        cmocka_unit_test(test_record__date_spellings_give_one_record_and_one_digest),
        cmocka_unit_test(test_record__normalise_folds_full_width_only_where_ascii_belongs),
        cmocka_unit_test(test_record__impossible_and_ambiguous_dates_are_refused_naming_the_field),
        cmocka_unit_test(test_record__full_width_digits_in_a_phone_are_read_as_digits_with_a_note),
    };
    return cmocka_run_group_tests_name("record", tests, group_setup, group_teardown);
}
