/*
 * test_message.c - message ids (beian/message.h): the English text of an id is what the
 * command line always printed, the zh-CN text is asked for by name and never by the locale,
 * and a problem added with an id keeps its id and arguments for the page.
 */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "beian/message.h"

static void test_message__english_is_the_cli_text_with_its_arguments(void **state)
{
    (void)state;
    const char *a[] = {"1389501234"};
    char *s = beian_message_format(BEIAN_MSG_NOT_MOBILE, "en", a, 1);
    assert_string_equal(s, "\"1389501234\" is not a mobile number: expected 11 digits starting "
                           "with 13 to 19, such as 13912345678");
    free(s);
}

static void test_message__zh_cn_may_reorder_and_repeat_arguments(void **state)
{
    (void)state;
    const char *a[] = {"2026-11-01", "7", "2026-11-24"};
    char *s = beian_message_format(BEIAN_MSG_QR_CODE_EXPIRED, "zh-CN", a, 3);
    assert_non_null(strstr(s, "2026-11-01 比填表日期 2026-11-24 早 7 天以上"));
    assert_non_null(strstr(s, "微信群二维码 7 天有效"));
    free(s);
}

static void test_message__the_language_is_asked_for_not_taken_from_the_locale(void **state)
{
    (void)state;
    setlocale(LC_ALL, "C");
    const char *a[] = {"群名称"};
    char *zh = beian_message_format(BEIAN_MSG_FIELD_MISSING, "zh-CN", a, 1);
    char *en = beian_message_format(BEIAN_MSG_FIELD_MISSING, "fr", a, 1);
    assert_string_equal(zh, "未填写：本表的“群名称”为必填项");
    assert_string_equal(en, "is missing: 群名称 is required on this form");
    assert_true(beian_message_language("zh-CN") && beian_message_language("en"));
    assert_false(beian_message_language("fr") || beian_message_language(NULL));
    free(zh);
    free(en);
}

static void test_message__every_id_has_a_name_and_both_texts(void **state)
{
    (void)state;
    for (int i = 1; i < BEIAN_MSG_COUNT_; i++) {
        assert_non_null(beian_message_name((beian_msg)i));
        assert_non_null(beian_message_template((beian_msg)i, "en"));
        const char *zh = beian_message_template((beian_msg)i, "zh-CN");
        assert_non_null(zh);
        assert_string_not_equal(zh, beian_message_template((beian_msg)i, "en"));
        for (int k = 1; k < i; k++) {
            assert_string_not_equal(beian_message_name((beian_msg)i), beian_message_name((beian_msg)k));
        }
    }
    assert_null(beian_message_name(BEIAN_MSG_NONE));
    assert_null(beian_message_format(BEIAN_MSG_COUNT_, "en", NULL, 0));
}

static void test_message__a_problem_keeps_its_id_and_arguments(void **state)
{
    (void)state;
    beian_problems *pr = beian_problems_new();
    const char *cp = "U+0007";
    assert_int_equal(beian_problems_add_msg(pr, BEIAN_SEV_ERROR, "a.json", 3, 0, "name", "名称",
                                            BEIAN_MSG_FIELD_CONTROL, 1, &cp),
                     BEIAN_OK);
    assert_int_equal(beian_problems_add(pr, BEIAN_SEV_WARNING, NULL, 0, 0, NULL, NULL, "plain %d", 1),
                     BEIAN_OK);
    const beian_problem *p = beian_problems_get(pr, 0);
    assert_int_equal(p->msg, BEIAN_MSG_FIELD_CONTROL);
    assert_string_equal(p->message, "contains the control character U+0007; remove it");
    assert_int_equal(p->nargs, 1);
    assert_string_equal(p->args[0], "U+0007");
    p = beian_problems_get(pr, 1);
    assert_int_equal(p->msg, BEIAN_MSG_NONE);
    assert_null(p->args);
    assert_string_equal(p->message, "plain 1");
    beian_problems *dst = beian_problems_new();
    assert_int_equal(beian_problems_take(dst, pr), BEIAN_OK);
    assert_int_equal(beian_problems_get(dst, 0)->msg, BEIAN_MSG_FIELD_CONTROL);
    beian_problems_free(pr);
    beian_problems_free(dst);
}

static void test_message__warnings_before_signing_quote_the_article_in_both(void **state)
{
    (void)state;
    const char *a[] = {"宁职院团委", "PT-2026-0003", "宁职院团委", "已备案", "2026-11-02",
                       "platform"};
    char *en = beian_message_format(BEIAN_MSG_ALREADY_FILED, "en", a, 6);
    char *zh = beian_message_format(BEIAN_MSG_ALREADY_FILED, "zh-CN", a, 6);
    assert_string_equal(en, "\"宁职院团委\" is already filed as PT-2026-0003 (宁职院团委, 已备案 "
                            "since 2026-11-02): is this a second filing of the same platform? (use "
                            "`beian change PT-2026-0003` for new data)");
    assert_non_null(strstr(zh, "“宁职院团委”已备案为 PT-2026-0003（宁职院团委，自 2026-11-02 起已备案）"));
    assert_null(strstr(zh, "platform"));
    free(en);
    free(zh);
    const char *t[] = {"科员"};
    en = beian_message_format(BEIAN_MSG_NOT_HEAD_TITLE, "en", t, 1);
    zh = beian_message_format(BEIAN_MSG_NOT_HEAD_TITLE, "zh-CN", t, 1);
    assert_string_equal(en, "\"科员\" does not look like the title of a unit head (书记, 院长, 部长, "
                            "处长, 主任...): 第七条 asks for the unit's principal (党总支书记 or "
                            "部门正职领导)");
    assert_non_null(strstr(zh, "“科员”不像单位主要负责人的职务"));
    assert_non_null(strstr(zh, "第七条规定由所在单位主要负责人"));
    free(en);
    free(zh);
    const char *m[] = {"马昇", "admin_name", "管理员姓名"};
    zh = beian_message_format(BEIAN_MSG_HEAD_IS_ADMIN, "zh-CN", m, 3);
    assert_string_equal(zh, "“马昇”既是负责人，又填在“管理员姓名”栏：第十条要求落实专人负责，签字前请确认确需如此");
    free(zh);
    const char *j[] = {"600", "微信", "200"};
    zh = beian_message_format(BEIAN_MSG_OVER_JOIN_LIMIT, "zh-CN", j, 3);
    assert_non_null(strstr(zh, "群成员 600 人：微信群超过 200 人后无法扫码入群"));
    assert_non_null(strstr(zh, "第十二条"));
    free(zh);
    const char *w[] = {"小程序"};
    zh = beian_message_format(BEIAN_MSG_APP_CLIENT, "zh-CN", w, 1);
    assert_non_null(strstr(zh, "（“小程序”）：第十三条规定原则上各部门、各院系不再单独新设"));
    free(zh);
}

static void test_message__a_sheets_excel_damage_keeps_the_cli_text(void **state)
{
    (void)state;
    const char *a[] = {"9516033456", "951", "6033456", "Excel"};
    char *en = beian_message_format(BEIAN_MSG_EXCEL_LEADING_ZERO, "en", a, 4);
    char *zh = beian_message_format(BEIAN_MSG_EXCEL_LEADING_ZERO, "zh-CN", a, 4);
    assert_string_equal(en, "\"9516033456\" looks like the office number 0951-6033456 without its "
                            "leading 0: Excel stored it as a number. Select the column in Excel or "
                            "WPS, set its format to 文本 (Text: 设置单元格格式 > 文本), type the "
                            "number with its area code and a hyphen (0951-6033456) and save the "
                            "sheet again");
    assert_non_null(strstr(zh, "“9516033456”像是丢了开头 0 的办公电话 0951-6033456"));
    assert_non_null(strstr(zh, "（0951-6033456）后再保存"));
    free(en);
    free(zh);
    const char *b[] = {"1.39E+10"};
    en = beian_message_format(BEIAN_MSG_EXCEL_SCIENTIFIC, "en", b, 1);
    assert_string_equal(en, "\"1.39E+10\" is a number Excel shortened to scientific notation, so "
                            "its digits are lost: select the column in Excel or WPS, set its "
                            "format to 文本 (Text: 设置单元格格式 > 文本), type or paste the numbers "
                            "again and save the sheet again (or give beian the .xlsx workbook, "
                            "which keeps every digit)");
    free(en);
}

static void test_message__json_syntax_said_in_both(void **state)
{
    (void)state;
    const char *a[] = {"colon", "\xEF\xBC\x9A", "4", "17", ":"};
    char *en = beian_message_format(BEIAN_MSG_JSON_FULL_WIDTH, "en", a, 5);
    char *zh = beian_message_format(BEIAN_MSG_JSON_FULL_WIDTH, "zh-CN", a, 5);
    assert_string_equal(en, "JSON syntax error: a full-width colon ： at line 4, column 17: JSON "
                            "needs the half-width : (switch the input method to English "
                            "punctuation to type it)");
    assert_string_equal(zh, "JSON 格式错误：第 4 行第 17 列有全角符号 ：，JSON 要求用半角符号 :"
                            "（请把输入法切换到英文标点再输入）");
    free(en);
    free(zh);
    const char *f[] = {"workgroup-filing", "group_name", "群名称"};
    en = beian_message_format(BEIAN_MSG_JSON_NOT_A_FIELD, "en", f, 3);
    assert_string_equal(en, "is not a field of form workgroup-filing (see: beian forms "
                            "workgroup-filing)");
    free(en);
    en = beian_message_format(BEIAN_MSG_JSON_NOT_A_FIELD_HINT, "en", f, 3);
    assert_string_equal(en, "is not a field of form workgroup-filing; did you mean group_name "
                            "(群名称)?");
    free(en);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_message__english_is_the_cli_text_with_its_arguments),
        cmocka_unit_test(test_message__zh_cn_may_reorder_and_repeat_arguments),
        cmocka_unit_test(test_message__the_language_is_asked_for_not_taken_from_the_locale),
        cmocka_unit_test(test_message__every_id_has_a_name_and_both_texts),
        cmocka_unit_test(test_message__a_problem_keeps_its_id_and_arguments),
        cmocka_unit_test(test_message__warnings_before_signing_quote_the_article_in_both),
        cmocka_unit_test(test_message__a_sheets_excel_damage_keeps_the_cli_text),
        cmocka_unit_test(test_message__json_syntax_said_in_both),
    };
    return cmocka_run_group_tests_name("message", tests, NULL, NULL);
}
