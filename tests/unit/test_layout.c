/*
 * test_layout.c - line breaking (beian_layout_wrap) and form layout (beian_layout_form).
 *
 * The wrap tests sweep the line width over a range, so every break position of a text full
 * of punctuation is tried; each sweep first proves that a naive break (fill the line, break
 * anywhere) would have broken the rule at some width, so the test cannot pass vacuously.
 * The form tests read the display list: sizes, text and seal circles, in points.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "beian/dlist.h"
#include "beian/font.h"
#include "beian/form.h"
#include "beian/layout.h"
#include "beian/record.h"
#include "util.h"

#define MM(x) ((x) * 72.0 / 25.4)
#define SIZE 12.0

/* Closing punctuation that may not start a line, opening that may not end one (GB/T 15834,
 * as src/layout/wrap.c applies it). */
static const char *const closing[] = {"，", "。", "、", "；", "：", "？", "！", "）", "》", "」", "』"};
static const char *const opening[] = {"（", "《", "「", "『"};

/* Dense punctuation, so that many widths would put it at a line edge. */
static const char punct_text[] =
    "学院认为，平台（账号）的开通、运营和注销，都要报备；请注意：是否已审核？已审核！"
    "参见《新媒体平台管理办法》「第七条」『附件』，以及《网络工作群备案登记表》。"
    "管理员（姓名）、负责人（职务）、联系电话（手机）、邮箱（Email）；"
    "主办单位意见：同意。审核意见：（一）同意；（二）报备；（三）存档。";

static beian_ctx *ctx;
static beian_fonts *fonts;

static int group_setup(void **state)
{
    (void)state;
    beian_ctx_options o = {"forms", "fonts"};
    if (beian_ctx_new(&ctx, &o) != BEIAN_OK || beian_ctx_fonts(ctx, &fonts) != BEIAN_OK) {
        return -1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    beian_ctx_free(ctx);
    return 0;
}

static int in_set(const char *s, const char *const *set, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strncmp(s, set[i], strlen(set[i])) == 0) {
            return 1;
        }
    }
    return 0;
}

/* Offset of the last UTF-8 character that ends at byte end. */
static size_t last_char(const char *s, size_t start, size_t end)
{
    size_t i = end;
    while (i > start) {
        i--;
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            break;
        }
    }
    return i;
}

static double advance(uint32_t cp)
{
    int face = beian_fonts_lookup(fonts, BEIAN_ROLE_BODY, cp);
    return face < 0 ? 0 : beian_fonts_advance(fonts, face, cp) * SIZE / 1000.0;
}

/* Does naive greedy breaking (fill the line, break between any two characters) break at
 * some position where bad(text, previous char, next char) holds, at this width? */
typedef int (*break_rule)(const char *text, size_t prev, size_t next);

static int naive_breaks(const char *text, double width, break_rule bad)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text), i = 0, prev = 0;
    double w = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = beian_utf8_decode(s + i, len - i, &cp);
        assert_true(n > 0);
        double cw = advance(cp);
        if (w + cw > width && i > 0) {
            if (bad(text, prev, i)) {
                return 1;
            }
            w = 0;
        }
        w += cw;
        prev = i;
        i += n;
    }
    return 0;
}

static int kinsoku_broken(const char *text, size_t prev, size_t next)
{
    return in_set(text + next, closing, sizeof closing / sizeof closing[0]) ||
           in_set(text + prev, opening, sizeof opening / sizeof opening[0]);
}

static int is_word_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
}

static int word_split(const char *text, size_t prev, size_t next)
{
    return is_word_char(text[prev]) && is_word_char(text[next]);
}

typedef struct {
    beian_line *lines;
    size_t n;
    uint32_t *missing;
    size_t nmissing;
    int forced;
} wrapped;

static void wrap(const char *text, double width, wrapped *w)
{
    memset(w, 0, sizeof *w);
    assert_int_equal(beian_layout_wrap(fonts, BEIAN_ROLE_BODY, text, SIZE, width, &w->lines,
                                       &w->n, &w->missing, &w->nmissing, &w->forced),
                     BEIAN_OK);
}

static void wrapped_free(wrapped *w)
{
    free(w->lines);
    free(w->missing);
}

/* The lines cover the text in order; what lies between them is only spaces and line feeds. */
static void assert_nothing_lost(const char *text, const wrapped *w)
{
    size_t at = 0;
    for (size_t i = 0; i < w->n; i++) {
        assert_true(w->lines[i].start >= at);
        assert_true(w->lines[i].end >= w->lines[i].start);
        for (size_t k = at; k < w->lines[i].start; k++) {
            if (text[k] != ' ' && text[k] != '\n') {
                fail_msg("byte %zu (\"%.6s\") is on no line", k, text + k);
            }
        }
        at = w->lines[i].end;
    }
    for (size_t k = at; text[k]; k++) {
        assert_true(text[k] == ' ' || text[k] == '\n');
    }
}

static void test_layout__no_line_starts_with_closing_punctuation(void **state)
{
    (void)state;
    int naive_would = 0;
    for (double width = 4 * SIZE; width <= 30 * SIZE; width += 1) {
        wrapped w;
        naive_would += naive_breaks(punct_text, width, kinsoku_broken);
        wrap(punct_text, width, &w);
        assert_true(w.n > 1);
        for (size_t i = 0; i < w.n; i++) {
            const char *line = punct_text + w.lines[i].start;
            if (in_set(line, closing, sizeof closing / sizeof closing[0])) {
                fail_msg("at width %.0f pt line %zu starts with \"%.3s\"", width, i + 1, line);
            }
        }
        assert_nothing_lost(punct_text, &w);
        wrapped_free(&w);
    }
    assert_true(naive_would > 10); /* the sweep does meet the rule */
}

static void test_layout__no_line_ends_with_opening_punctuation(void **state)
{
    (void)state;
    for (double width = 4 * SIZE; width <= 30 * SIZE; width += 1) {
        wrapped w;
        wrap(punct_text, width, &w);
        for (size_t i = 0; i < w.n; i++) {
            size_t a = w.lines[i].start, b = w.lines[i].end;
            assert_true(b > a);
            const char *last = punct_text + last_char(punct_text, a, b);
            if (in_set(last, opening, sizeof opening / sizeof opening[0])) {
                fail_msg("at width %.0f pt line %zu ends with \"%.3s\"", width, i + 1, last);
            }
        }
        wrapped_free(&w);
    }
}

static void test_layout__lines_fit_the_width(void **state)
{
    (void)state;
    for (double width = 6 * SIZE; width <= 30 * SIZE; width += 1) {
        wrapped w;
        wrap(punct_text, width, &w);
        for (size_t i = 0; i < w.n; i++) {
            if (w.lines[i].width > width + 1e-6) {
                fail_msg("at width %.0f pt line %zu is %.2f pt wide", width, i + 1,
                         w.lines[i].width);
            }
        }
        /* and no break is needless: two neighbouring lines would not fit on one */
        for (size_t i = 0; i + 1 < w.n; i++) {
            assert_true(w.lines[i].width + w.lines[i + 1].width > width);
        }
        wrapped_free(&w);
    }
}

static void test_layout__latin_words_are_not_split(void **state)
{
    (void)state;
    static const char text[] =
        "The account nxtc_library publishes notices in English and Chinese 中文通知 every "
        "week, with links such as https://lib.nxtc.edu.cn/notice and 2026-11-24 dates.";
    /* from just wider than the widest word (the link), so no word needs breaking */
    wrapped link;
    wrap("https://lib.nxtc.edu.cn/notice", 1e9, &link);
    double widest = link.lines[0].width;
    wrapped_free(&link);
    int breaks_inside_words = 0;
    for (double width = widest + 1; width <= 40 * SIZE; width += 2) {
        wrapped w;
        wrap(text, width, &w);
        assert_int_equal(w.forced, 0);
        assert_true(w.n > 1);
        for (size_t i = 0; i + 1 < w.n; i++) {
            size_t b = w.lines[i].end, a = w.lines[i + 1].start;
            /* between two lines: a space, or a boundary that is not inside a word */
            if (a == b && b > 0 && word_split(text, b - 1, b)) {
                fail_msg("at width %.0f pt a word is split at \"%.12s\"", width, text + b - 1);
            }
        }
        assert_nothing_lost(text, &w);
        breaks_inside_words += naive_breaks(text, width, word_split);
        wrapped_free(&w);
    }
    assert_true(breaks_inside_words > 0);
}

static void test_layout__word_wider_than_the_line_is_broken_and_flagged(void **state)
{
    (void)state;
    static const char text[] = "yangzizhe.maxiaozhe.suwenkun.fengzhikun@nxtc.edu.cn";
    double width = 8 * SIZE;
    wrapped w;
    wrap(text, width, &w);
    assert_int_equal(w.forced, 1);
    assert_true(w.n > 1);
    for (size_t i = 0; i < w.n; i++) {
        assert_true(w.lines[i].width <= width + 1e-6);
    }
    assert_int_equal(w.lines[0].start, 0);
    for (size_t i = 1; i < w.n; i++) {
        assert_int_equal(w.lines[i].start, w.lines[i - 1].end); /* not a byte lost */
    }
    assert_int_equal(w.lines[w.n - 1].end, strlen(text));
    wrapped_free(&w);
}

static void test_layout__word_wider_than_the_line_after_other_text_is_broken(void **state)
{
    (void)state;
    /* the link does not fit any line: it must be broken, not run past the cell's edge */
    static const char text[] = "群链接：https://weixin.qq.com/g/AQYAAKd8mVz1bX7cR3pT0sWq";
    for (double width = 8 * SIZE; width <= 14 * SIZE; width += SIZE) {
        wrapped w;
        wrap(text, width, &w);
        for (size_t i = 0; i < w.n; i++) {
            if (w.lines[i].width > width + 1e-6) {
                fail_msg("at width %.0f pt line %zu (\"%.*s\") is %.1f pt wide", width, i + 1,
                         (int)(w.lines[i].end - w.lines[i].start), text + w.lines[i].start,
                         w.lines[i].width);
            }
        }
        assert_int_equal(w.forced, 1);
        assert_nothing_lost(text, &w);
        wrapped_free(&w);
    }
}

static void test_layout__line_feeds_start_new_lines(void **state)
{
    (void)state;
    static const char text[] = "一、基本情况。\n二、开通的必要性。\n三、内容规划。";
    wrapped w;
    wrap(text, 40 * SIZE, &w);
    assert_int_equal(w.n, 3);
    assert_memory_equal(text + w.lines[1].start, "二、", strlen("二、"));
    assert_memory_equal(text + w.lines[2].start, "三、", strlen("三、"));
    assert_nothing_lost(text, &w);
    wrapped_free(&w);
}

static void test_layout__character_no_font_has_is_listed_as_missing(void **state)
{
    (void)state;
    static const char text[] = "学生\xEE\x80\x80名单"; /* U+E000, private use */
    wrapped w;
    wrap(text, 40 * SIZE, &w);
    assert_int_equal(w.nmissing, 1);
    assert_int_equal(w.missing[0], 0xE000);
    wrapped_free(&w);
}

/* ---- whole forms ---- */

typedef struct {
    const char *id, *value;
} kv;

static const kv application[] = {
    {"name", "宁职院财经学院"},
    {"account", "宁职院财经学院抖音号"},
    {"applicant_unit", "财经学院"},
    {"apply_date", "2026-11-24"},
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

typedef struct {
    beian_form *form;
    beian_record *rec;
    beian_problems *pr;
    beian_dlist *dl;
} laid;

/* Lays out the application form with its sample values, one of them replaced. */
static int lay_application(laid *L, const char *id, const char *value)
{
    memset(L, 0, sizeof *L);
    L->pr = beian_problems_new();
    assert_non_null(L->pr);
    assert_int_equal(beian_form_load(ctx, "platform-application", &L->form, L->pr), BEIAN_OK);
    L->rec = beian_record_new(L->form);
    assert_non_null(L->rec);
    for (const kv *k = application; k->id; k++) {
        const char *v = id && strcmp(id, k->id) == 0 ? value : k->value;
        int i = beian_form_field_index(L->form, k->id, 0);
        assert_true(i >= 0);
        assert_int_equal(beian_record_set(L->rec, i, v, 0), BEIAN_OK);
    }
    assert_int_equal(beian_record_validate(L->rec, L->pr), BEIAN_OK);
    beian_layout_options o = BEIAN_LAYOUT_OPTIONS_INIT;
    o.tracking = 0;
    return beian_layout_form(ctx, L->form, L->rec, &o, &L->dl, L->pr);
}

static void laid_free(laid *L)
{
    beian_dlist_free(L->dl);
    beian_record_free(L->rec);
    beian_form_free(L->form);
    beian_problems_free(L->pr);
}

/* Every text op of page p, concatenated in drawing order; caller frees. */
static char *page_text(const beian_dlist *dl, size_t p)
{
    beian_buf b;
    beian_buf_init(&b);
    for (size_t i = 0; i < dl->pages[p].nops; i++) {
        const beian_op *op = &dl->pages[p].ops[i];
        if (op->kind == BEIAN_OP_TEXT) {
            assert_int_equal(beian_buf_append(&b, op->text, strlen(op->text)), BEIAN_OK);
        }
    }
    assert_int_equal(beian_buf_terminate(&b), BEIAN_OK);
    return (char *)b.data;
}

static const beian_problem *problem_for(const beian_problems *pr, const char *field)
{
    for (size_t i = 0; i < beian_problems_count(pr); i++) {
        const beian_problem *p = beian_problems_get(pr, i);
        if (p->severity == BEIAN_SEV_ERROR && p->field && strcmp(p->field, field) == 0) {
            return p;
        }
    }
    return NULL;
}

static void test_layout__short_values_print_at_the_value_size(void **state)
{
    (void)state;
    laid L;
    assert_int_equal(lay_application(&L, NULL, NULL), BEIAN_OK);
    assert_int_equal(L.dl->npages, 1);
    int seen = 0;
    for (size_t i = 0; i < L.dl->pages[0].nops; i++) {
        const beian_op *op = &L.dl->pages[0].ops[i];
        if (op->kind == BEIAN_OP_TEXT && strcmp(op->text, "韩佳喆") == 0) {
            assert_true(op->size == L.form->sizes.value);
            seen = 1;
        }
    }
    assert_true(seen);
    laid_free(&L);
}

static void test_layout__date_prints_as_year_month_day_in_chinese(void **state)
{
    (void)state;
    laid L;
    assert_int_equal(lay_application(&L, NULL, NULL), BEIAN_OK);
    char *text = page_text(L.dl, 0);
    assert_non_null(strstr(text, "2026年11月24日"));
    assert_null(strstr(text, "2026-11-24"));
    free(text);
    laid_free(&L);
}

static void test_layout__long_name_shrinks_but_stays_whole(void **state)
{
    (void)state;
    /* 40 characters, the limit, in the 58 mm 名称 cell: too wide for one line at 12 pt */
    static const char name[] =
        "宁夏职业技术学院会计专业二〇二六级学生实习就业信息服务与校友联络宣传推广服务平台";
    assert_int_equal(beian_utf8_count(name), 40);
    laid L;
    assert_int_equal(lay_application(&L, "name", name), BEIAN_OK);
    assert_int_equal(L.dl->npages, 1);
    char *text = page_text(L.dl, 0);
    assert_non_null(strstr(text, name)); /* nothing cut */
    free(text);
    size_t chars = 0;
    for (size_t i = 0; i < L.dl->pages[0].nops; i++) {
        const beian_op *op = &L.dl->pages[0].ops[i];
        /* the title's 宁夏职业技术学院 (a run of its own before the space, which the Latin
         * face prints) is not the name */
        if (op->kind == BEIAN_OP_TEXT && strstr(name, op->text) &&
            op->size != L.form->sizes.title) {
            assert_true(op->size < L.form->sizes.value);
            assert_true(op->size >= L.form->sizes.min);
            chars += beian_utf8_count(op->text);
        }
    }
    assert_int_equal(chars, 40);
    laid_free(&L);
}

static void test_layout__single_line_field_too_long_even_at_minimum_is_refused(void **state)
{
    (void)state;
    /* 60 characters (the limit of the second 名称 cell, 45 mm wide and 13 mm high) */
    static const char v[] = "宁职院财经学院抖音号宁职院财经学院抖音号宁职院财经学院抖音号"
                            "宁职院财经学院抖音号宁职院财经学院抖音号宁职院财经学院抖音号";
    assert_int_equal(beian_utf8_count(v), 60);
    laid L;
    assert_int_equal(lay_application(&L, "account", v), BEIAN_EDATA);
    assert_null(L.dl);
    const beian_problem *p = problem_for(L.pr, "account");
    assert_non_null(p);
    assert_non_null(p->label);
    laid_free(&L);
}

static void test_layout__character_no_font_has_is_refused_with_code_point_and_field(void **state)
{
    (void)state;
    laid L;
    assert_int_equal(lay_application(&L, "admin_name", "韩\xEE\x80\x80喆"), BEIAN_EDATA);
    assert_null(L.dl);
    const beian_problem *p = problem_for(L.pr, "admin_name");
    assert_non_null(p);
    assert_string_equal(p->label, "管理员姓名");
    assert_non_null(strstr(p->message, "U+E000"));
    laid_free(&L);
}

static void test_layout__long_reason_continues_on_a_second_page(void **state)
{
    (void)state;
    /* about 1500 characters, each sentence numbered so order can be checked */
    beian_buf rb;
    beian_buf_init(&rb);
    for (int i = 1; i <= 40; i++) {
        assert_int_equal(
            beian_buf_appendf(&rb, "第%d条：学院严格执行内容三审制度，确保信息安全。", i),
            BEIAN_OK);
    }
    assert_int_equal(beian_buf_terminate(&rb), BEIAN_OK);
    char *reason = (char *)rb.data;
    laid L;
    assert_int_equal(lay_application(&L, "reason", reason), BEIAN_OK);
    assert_true(L.dl->npages >= 2);
    char *all = calloc(1, 1);
    for (size_t p = 0; p < L.dl->npages; p++) {
        char *t = page_text(L.dl, p);
        if (p > 0) {
            assert_non_null(strstr(t, "附页"));
        }
        char *joined = beian_asprintf("%s%s", all, t);
        free(all);
        free(t);
        all = joined;
        assert_non_null(all);
    }
    /* every sentence is printed, once, in order */
    const char *at = all;
    for (int i = 1; i <= 40; i++) {
        char s[64];
        snprintf(s, sizeof s, "第%d条", i);
        const char *hit = strstr(at, s);
        if (!hit) {
            fail_msg("sentence %d is lost or out of order", i);
        }
        at = hit + strlen(s);
    }
    free(all);
    free(reason);
    laid_free(&L);
}

static void test_layout__sign_cells_carry_a_dashed_seal_circle_of_40_to_42_mm(void **state)
{
    (void)state;
    laid L;
    assert_int_equal(lay_application(&L, NULL, NULL), BEIAN_OK);
    int circles = 0;
    for (size_t i = 0; i < L.dl->pages[0].nops; i++) {
        const beian_op *op = &L.dl->pages[0].ops[i];
        if (op->kind == BEIAN_OP_CIRCLE) {
            circles++;
            assert_true(2 * op->w >= MM(40) - 1e-6 && 2 * op->w <= MM(42) + 1e-6);
            assert_true(op->dash > 0);
            assert_true(op->gray > 0.3); /* light, so a real seal over it stays legible */
        }
    }
    assert_int_equal(circles, 2); /* 申请单位意见 and 党委宣传统战部意见 */
    char *text = page_text(L.dl, 0);
    const char *first = strstr(text, "负责人（签字盖章）：");
    assert_non_null(first);
    assert_non_null(strstr(first + 1, "负责人（签字盖章）："));
    free(text);
    laid_free(&L);
}

/*
 * The typeset checks (issue 17, point 6), on the display list of the seed forms filled from
 * examples/ and tests/data/, blank, and with a 附页: no glyph crosses a rule, another glyph,
 * the seal circle or the QR code, and every label is printed whole on the lines its form
 * definition gives it ('\n'). A glyph's box is its em square: from 0.12 em below the
 * baseline to 0.88 em above it, as wide as the run's advance.
 */
#define TOL 0.05 /* points: boxes that only touch do not overlap */

typedef struct {
    double x0, y0, x1, y1;
} box;

static box text_box(const beian_op *op)
{
    return (box){op->x, op->y - 0.12 * op->size, op->x + op->w, op->y + 0.88 * op->size};
}

static int boxes_overlap(box a, box b)
{
    return a.x0 < b.x1 - TOL && b.x0 < a.x1 - TOL && a.y0 < b.y1 - TOL && b.y0 < a.y1 - TOL;
}

/* A rule (a LINE op, or a side of a stroked RECT) through the inside of box b. */
static int rule_crosses(const beian_op *op, box b)
{
    double x0 = op->x, y0 = op->y, x1 = op->x + op->w, y1 = op->y + op->h;
    box r = {x0 < x1 ? x0 : x1, y0 < y1 ? y0 : y1, x0 < x1 ? x1 : x0, y0 < y1 ? y1 : y0};
    r.x0 -= op->line_width / 2, r.x1 += op->line_width / 2;
    r.y0 -= op->line_width / 2, r.y1 += op->line_width / 2;
    return boxes_overlap(r, b);
}

/* The circle's disc reaches into box b. */
static int circle_touches(const beian_op *op, box b)
{
    double cx = op->x < b.x0 ? b.x0 : op->x > b.x1 ? b.x1 : op->x;
    double cy = op->y < b.y0 ? b.y0 : op->y > b.y1 ? b.y1 : op->y;
    double dx = cx - op->x, dy = cy - op->y;
    return dx * dx + dy * dy < (op->w + op->line_width) * (op->w + op->line_width);
}

/* Counts the overlaps on page p, printing each under the name what (when not NULL). */
static int page_overlaps(const beian_page *pg, const char *what)
{
    int bad = 0;
    for (size_t i = 0; i < pg->nops; i++) {
        const beian_op *t = &pg->ops[i];
        if (t->kind != BEIAN_OP_TEXT) {
            continue;
        }
        box b = text_box(t);
        for (size_t k = 0; k < pg->nops; k++) {
            const beian_op *o = &pg->ops[k];
            int hit = 0;
            if (o->kind == BEIAN_OP_TEXT && k > i) {
                hit = boxes_overlap(b, text_box(o));
            } else if (o->kind == BEIAN_OP_LINE) {
                hit = rule_crosses(o, b);
            } else if (o->kind == BEIAN_OP_CIRCLE) {
                hit = circle_touches(o, b);
            } else if (o->kind == BEIAN_OP_QR) {
                hit = boxes_overlap(b, (box){o->x, o->y, o->x + o->w, o->y + o->h});
            }
            if (hit && what) {
                fprintf(stderr, "%s: \"%s\" overlaps op %zu (kind %d, \"%s\")\n", what, t->text,
                        k, (int)o->kind, o->kind == BEIAN_OP_TEXT ? o->text : "");
            }
            bad += hit;
        }
    }
    return bad;
}

/* The printed lines of page p: text ops on one baseline, in x order, concatenated, one a
 * line; caller frees. */
static char *page_lines(const beian_page *pg)
{
    beian_buf out;
    beian_buf_init(&out);
    unsigned char *done = calloc(pg->nops + 1, 1);
    assert_non_null(done);
    for (size_t i = 0; i < pg->nops; i++) {
        if (pg->ops[i].kind != BEIAN_OP_TEXT || done[i]) {
            continue;
        }
        double y = pg->ops[i].y, last = -1e9;
        for (;;) { /* next op on this baseline, left to right */
            size_t best = pg->nops;
            for (size_t k = 0; k < pg->nops; k++) {
                const beian_op *o = &pg->ops[k];
                if (o->kind == BEIAN_OP_TEXT && !done[k] && o->y > y - 0.01 && o->y < y + 0.01 &&
                    o->x >= last && (best == pg->nops || o->x < pg->ops[best].x)) {
                    best = k;
                }
            }
            if (best == pg->nops) {
                break;
            }
            done[best] = 1;
            last = pg->ops[best].x;
            beian_buf_append(&out, pg->ops[best].text, strlen(pg->ops[best].text));
        }
        beian_buf_append(&out, "\n", 1);
    }
    free(done);
    beian_buf_append(&out, "", 1);
    return (char *)out.data;
}

/* Counts the label lines of the form (its '\n' pieces) that no printed line holds whole. */
static int split_labels(const beian_form *form, const beian_dlist *dl, const char *what)
{
    int bad = 0;
    char *lines = page_lines(&dl->pages[0]);
    for (size_t c = 0; c < form->ncells; c++) {
        const beian_cell *cell = &form->cells[c];
        if (cell->kind != BEIAN_CELL_LABEL && cell->kind != BEIAN_CELL_SIGN) {
            continue;
        }
        const char *p = cell->text;
        while (*p) {
            size_t n = strcspn(p, "\n");
            char piece[256];
            snprintf(piece, sizeof piece, "%.*s", (int)n, p);
            if (!strstr(lines, piece)) {
                fprintf(stderr, "%s: the label line \"%s\" is not printed whole\n", what, piece);
                bad++;
            }
            p += n + (p[n] == '\n');
        }
    }
    free(lines);
    return bad;
}

static void check_typeset(const char *path, const char *blank_form)
{
    beian_problems *pr = beian_problems_new();
    beian_record *rec = NULL;
    beian_form *form = NULL;
    beian_dlist *dl = NULL;
    beian_layout_options o = BEIAN_LAYOUT_OPTIONS_INIT;
    assert_non_null(pr);
    if (blank_form) {
        assert_int_equal(beian_form_load(ctx, blank_form, &form, pr), BEIAN_OK);
        o.blank = 1;
        o.tracking = 0;
    } else {
        assert_int_equal(beian_record_read_file(ctx, path, &rec, pr), BEIAN_OK);
    }
    const beian_form *f = form ? form : rec->form;
    assert_int_equal(beian_layout_form(ctx, f, rec, &o, &dl, pr), BEIAN_OK);
    int bad = 0;
    for (size_t p = 0; p < dl->npages; p++) {
        bad += page_overlaps(&dl->pages[p], blank_form ? blank_form : path);
    }
    bad += split_labels(f, dl, blank_form ? blank_form : path);
    assert_int_equal(bad, 0);
    beian_dlist_free(dl);
    beian_record_free(rec);
    beian_form_free(form);
    beian_problems_free(pr);
}

static void test_layout__seed_forms_have_no_overlap_and_no_label_split_inside_a_word(void **state)
{
    (void)state;
    /* first, the check is not vacuous: a rule, a circle, a QR code and a glyph under a run */
    beian_page pg = {0};
    char run[] = "联系电话";
    beian_op ops[] = {
        {.kind = BEIAN_OP_TEXT, .x = 100, .y = 100, .w = 48, .size = 12, .text = run},
        {.kind = BEIAN_OP_LINE, .x = 90, .y = 105, .w = 100, .line_width = 0.5},
        {.kind = BEIAN_OP_CIRCLE, .x = 170, .y = 100, .w = 25, .line_width = 0.6},
        {.kind = BEIAN_OP_QR, .x = 140, .y = 90, .w = 20, .h = 20},
        {.kind = BEIAN_OP_TEXT, .x = 147, .y = 101, .w = 12, .size = 12, .text = run},
        {.kind = BEIAN_OP_LINE, .x = 100, .y = 200, .w = 100, .line_width = 0.5}};
    pg.ops = ops;
    pg.nops = sizeof ops / sizeof ops[0];
    /* each run crosses the first line, the circle and the QR code, and they overlap each
     * other; the second line is clear */
    assert_int_equal(page_overlaps(&pg, NULL), 7);

    static const char *const records[] = {
        "examples/platform-registration.json",    "examples/platform-application.json",
        "examples/workgroup-filing.json",         "tests/data/registration.json",
        "tests/data/application.json",            "tests/data/workgroup.json",
        "tests/data/application-long-reason.json", "tests/data/application-two-continued.json"};
    for (size_t i = 0; i < sizeof records / sizeof records[0]; i++) {
        check_typeset(records[i], NULL);
    }
    check_typeset(NULL, "platform-registration");
    check_typeset(NULL, "platform-application");
    check_typeset(NULL, "workgroup-filing");
}

static size_t count_of(const char *s, size_t n, const char *what)
{
    size_t c = 0, w = strlen(what);
    for (size_t i = 0; i + w <= n; i++) {
        c += memcmp(s + i, what, w) == 0;
    }
    return c;
}

static void test_layout__continuation_keeps_its_size_and_never_splits_a_title(void **state)
{
    (void)state;
    /* the cut moves over every position of the 《…》 titles as the filler grows */
    for (int k = 0; k < 12; k++) {
        beian_buf v;
        beian_buf_init(&v);
        beian_buf_append(&v, "甲", strlen("甲"));
        for (int i = 0; i < k; i++) {
            beian_buf_append(&v, "学", strlen("学"));
        }
        for (int i = 0; i < 40; i++) {
            beian_buf_appendf(&v, "依据《新媒体平台管理办法》第%d条，", i + 1);
        }
        beian_buf_append(&v, "", 1);
        laid L;
        assert_int_equal(lay_application(&L, "reason", (const char *)v.data), BEIAN_OK);
        assert_true(L.dl->npages >= 2);
        char *text = page_text(L.dl, 0);
        const char *a = strstr(text, "甲"), *b = a ? strstr(a, "（下接附页）") : NULL;
        assert_non_null(b);
        size_t n = (size_t)(b - a);
        assert_int_equal(count_of(a, n, "《"), count_of(a, n, "》"));
        assert_true(n > 100); /* the cell is filled, not left empty */
        for (size_t i = 0; i < L.dl->pages[0].nops; i++) {
            const beian_op *op = &L.dl->pages[0].ops[i];
            if (op->kind == BEIAN_OP_TEXT && strstr((const char *)v.data, op->text) &&
                strlen(op->text) > 12) {
                assert_true(op->size >= L.form->sizes.value * 0.75 - 1e-9);
            }
        }
        free(text);
        beian_buf_release(&v);
        laid_free(&L);
    }
}

static void test_layout__cff_program_is_cid_keyed_deterministic_and_boxed(void **state)
{
    (void)state;
    int face = beian_fonts_chain(fonts, BEIAN_ROLE_BODY, 0);
    if (face < 0 || !beian_fonts_is_cff(fonts, face)) {
        skip(); /* the body face is not a CFF face here (fonts-noto-cjk not installed) */
    }
    static const uint32_t cps[] = {0x56FD, 0x5B57, 0x3002, '7'};
    unsigned char *a = NULL, *b = NULL;
    size_t alen = 0, blen = 0;
    int bb[4], bb2[4];
    assert_int_equal(beian_fonts_cff_program(fonts, face, cps, 4, 0x100, &a, &alen, bb),
                     BEIAN_OK);
    assert_int_equal(beian_fonts_cff_program(fonts, face, cps, 4, 0x100, &b, &blen, bb2),
                     BEIAN_OK);
    assert_true(alen == blen && memcmp(a, b, alen) == 0); /* the same bytes every time */
    assert_true(alen > 4 && a[0] == 1 && a[1] == 0 && a[2] == 4); /* CFF 1.0, 4-byte header */
    /* 国 reaches from about the baseline to near the top of the em */
    assert_true(bb[0] >= -100 && bb[1] <= 0 && bb[2] >= 800 && bb[3] >= 700 && bb[3] <= 1000);
    /* the face's name is the Name INDEX's only entry */
    const char *name = beian_fonts_postscript_name(fonts, face);
    assert_true(a[4] == 0 && a[5] == 1 && memcmp(a + 4 + 3 + 8, name, strlen(name)) == 0);
    uint32_t none = 0xE000; /* a character the face lacks: refused, nothing returned */
    free(b);
    b = NULL;
    assert_int_equal(beian_fonts_cff_program(fonts, face, &none, 1, 0x100, &b, &blen, bb2),
                     BEIAN_EINTERNAL);
    assert_null(b);
    assert_int_equal(beian_fonts_cff_program(fonts, face, cps, 0, 0x100, &b, &blen, bb2),
                     BEIAN_EINTERNAL);
    free(a);
}

static void test_layout__fonts_describe_names_the_face_of_each_character(void **state)
{
    (void)state;
    char *d = beian_fonts_describe(fonts, BEIAN_ROLE_BODY, "联系电话 0951-6031234");
    assert_non_null(d);
    int body = beian_fonts_chain(fonts, BEIAN_ROLE_BODY, 0);
    int digits = beian_fonts_face_for(fonts, BEIAN_ROLE_BODY, '0');
    assert_true(body >= 0 && digits >= 0);
    assert_non_null(strstr(d, beian_fonts_path(fonts, body)));
    char want[512];
    snprintf(want, sizeof want, "  %s%s", beian_fonts_path(fonts, digits),
             beian_fonts_index(fonts, digits) > 0 ? "#" : " (");
    const char *line = strstr(d, want);
    assert_non_null(line);
    assert_non_null(strstr(line, "0951"));
    /* a Latin face, when one is configured, is scaled to the Chinese face's height */
    if (beian_fonts_latin(fonts, 0) == digits && beian_fonts_latin_used(fonts, BEIAN_ROLE_BODY, 0)) {
        double k = beian_fonts_scale(fonts, BEIAN_ROLE_BODY, digits);
        assert_true(k >= 0.8 && k <= 1.25);
        assert_non_null(strstr(d, "latin"));
    }
    free(d);
}

static void test_layout__the_seal_mark_can_be_left_out(void **state)
{
    (void)state;
    beian_problems *pr = beian_problems_new();
    beian_record *rec = NULL;
    beian_dlist *with = NULL, *without = NULL;
    assert_int_equal(
        beian_record_read_file(ctx, "examples/platform-application.json", &rec, pr), BEIAN_OK);
    beian_layout_options o = BEIAN_LAYOUT_OPTIONS_INIT;
    assert_int_equal(beian_layout_form(ctx, rec->form, rec, &o, &with, pr), BEIAN_OK);
    o.no_seal_mark = 1;
    assert_int_equal(beian_layout_form(ctx, rec->form, rec, &o, &without, pr), BEIAN_OK);
    int circles = 0;
    for (size_t i = 0; i < without->pages[0].nops; i++) {
        circles += without->pages[0].ops[i].kind == BEIAN_OP_CIRCLE;
    }
    assert_int_equal(circles, 0);
    /* and nothing else moves: the seal space stays clear */
    assert_int_equal(with->pages[0].nops, without->pages[0].nops + 2);
    beian_dlist_free(with);
    beian_dlist_free(without);
    beian_record_free(rec);
    beian_problems_free(pr);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_layout__no_line_starts_with_closing_punctuation),
        cmocka_unit_test(test_layout__no_line_ends_with_opening_punctuation),
        cmocka_unit_test(test_layout__lines_fit_the_width),
        cmocka_unit_test(test_layout__latin_words_are_not_split),
        cmocka_unit_test(test_layout__word_wider_than_the_line_is_broken_and_flagged),
        cmocka_unit_test(test_layout__word_wider_than_the_line_after_other_text_is_broken),
        cmocka_unit_test(test_layout__line_feeds_start_new_lines),
        cmocka_unit_test(test_layout__character_no_font_has_is_listed_as_missing),
        cmocka_unit_test(test_layout__short_values_print_at_the_value_size),
        cmocka_unit_test(test_layout__date_prints_as_year_month_day_in_chinese),
        cmocka_unit_test(test_layout__long_name_shrinks_but_stays_whole),
        cmocka_unit_test(test_layout__single_line_field_too_long_even_at_minimum_is_refused),
        cmocka_unit_test(test_layout__character_no_font_has_is_refused_with_code_point_and_field),
        cmocka_unit_test(test_layout__long_reason_continues_on_a_second_page),
        cmocka_unit_test(test_layout__sign_cells_carry_a_dashed_seal_circle_of_40_to_42_mm),
        cmocka_unit_test(test_layout__seed_forms_have_no_overlap_and_no_label_split_inside_a_word),
        cmocka_unit_test(test_layout__the_seal_mark_can_be_left_out),
        cmocka_unit_test(test_layout__fonts_describe_names_the_face_of_each_character),
        cmocka_unit_test(test_layout__cff_program_is_cid_keyed_deterministic_and_boxed),
        cmocka_unit_test(test_layout__continuation_keeps_its_size_and_never_splits_a_title),
    };
    return cmocka_run_group_tests_name("layout", tests, group_setup, group_teardown);
}
