/*
 * test_form.c - form definitions (beian/form.h): the seed forms as data, and the loader
 * refusing a broken definition with the file and the place (a JSON path such as
 * rows[1].cells[0]) so the person editing a file in forms/ knows what to fix.
 *
 * Each refusal is checked against a small definition that loads cleanly, changed in one
 * place only, so a test fails for the reason it names.
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

#define DEF_PATH "forms/test-form.json"

/* A valid definition: 3 columns; 联系电话 spans two rows down the first column. %s: rows. */
static const char def_head[] =
    "{\n"
    "  \"id\": \"test-form\", \"attachment\": \"附件9\",\n"
    "  \"title\": [\"宁夏职业技术学院 宁夏开放大学\", \"测试登记表\"],\n"
    "  \"page\": {\"width_mm\": 210, \"height_mm\": 297,\n"
    "           \"margins_mm\": {\"top\": 18, \"right\": 25, \"bottom\": 20, \"left\": 25}},\n"
    "  \"font_sizes\": {\"label\": 12, \"value\": 12, \"min\": 7, \"title\": 18,\n"
    "                 \"attachment\": 14, \"note\": 12},\n"
    "  \"columns_mm\": [40, 50, 60],\n"
    "  \"fields\": [\n"
    "    {\"id\": \"name\", \"label\": \"名称\", \"type\": \"%s\", \"max_chars\": 40},\n"
    "    {\"id\": \"phone\", \"label\": \"联系电话\", \"type\": \"phone\", \"max_chars\": 20},\n"
    "    {\"id\": \"reason\", \"label\": \"申请理由\", \"type\": \"multiline\", \"max_chars\": 500}\n"
    "  ],\n"
    "  \"rows\": [\n";

static const char row0_ok[] =
    "{\"height_mm\": 12, \"cells\": [{\"kind\": \"label\", \"text\": \"名称\"},"
    " {\"kind\": \"field\", \"field\": \"name\", \"colspan\": 2}]}";
static const char row1_ok[] =
    "{\"height_mm\": 12, \"cells\": [{\"kind\": \"label\", \"text\": \"联系电话\", \"rowspan\": 2},"
    " {\"kind\": \"field\", \"field\": \"phone\", \"colspan\": 2}]}";
static const char row2_ok[] =
    "{\"height_mm\": 30, \"cells\": [{\"kind\": \"field\", \"field\": \"reason\", \"colspan\": 2}]}";

typedef struct {
    beian_ctx *ctx;
    beian_problems *pr;
    beian_form *form;
    char *def;
} fixture;

static int setup(void **state)
{
    fixture *fx = calloc(1, sizeof *fx);
    beian_ctx_options o = {"forms", "fonts"};
    if (!fx || beian_ctx_new(&fx->ctx, &o) != BEIAN_OK) {
        return -1;
    }
    fx->pr = beian_problems_new();
    *state = fx;
    return fx->pr ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    beian_form_free(fx->form);
    beian_problems_free(fx->pr);
    beian_ctx_free(fx->ctx);
    free(fx->def);
    free(fx);
    return 0;
}

/* Loads the test definition with the given name type and rows; returns the status. */
static int load(fixture *fx, const char *name_type, const char *r0, const char *r1,
                const char *r2)
{
    size_t cap = sizeof def_head + strlen(name_type) + strlen(r0) + strlen(r1) + strlen(r2) + 64;
    free(fx->def);
    fx->def = malloc(cap);
    assert_non_null(fx->def);
    int n = snprintf(fx->def, cap, def_head, name_type);
    assert_true(n > 0 && (size_t)n < cap);
    n += snprintf(fx->def + n, cap - (size_t)n, "    %s,\n    %s,\n    %s\n  ]\n}\n", r0, r1, r2);
    assert_true((size_t)n < cap);
    beian_form_free(fx->form);
    fx->form = NULL;
    return beian_form_load_buffer(fx->ctx, DEF_PATH, (const unsigned char *)fx->def, strlen(fx->def),
                                  &fx->form, fx->pr);
}

/* Asserts the definition was refused with a problem naming the file, the place and what. */
static void assert_refused_at(fixture *fx, int rc, const char *place, const char *what)
{
    assert_int_equal(rc, BEIAN_ECONFIG);
    assert_null(fx->form);
    size_t n = beian_problems_count(fx->pr);
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        const beian_problem *p = beian_problems_get(fx->pr, i);
        if (p->severity == BEIAN_SEV_ERROR && p->file && strcmp(p->file, DEF_PATH) == 0 &&
            p->message && strstr(p->message, place) && (!what || strstr(p->message, what))) {
            return;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const beian_problem *p = beian_problems_get(fx->pr, i);
        print_error("  problem: %s: %s\n", p->file ? p->file : "(no file)", p->message);
    }
    fail_msg("no problem names %s, %s and %s", DEF_PATH, place, what ? what : "");
}

static void test_form__valid_definition_loads(void **state)
{
    fixture *fx = *state;
    assert_int_equal(load(fx, "text", row0_ok, row1_ok, row2_ok), BEIAN_OK);
    assert_non_null(fx->form);
    assert_int_equal(beian_problems_errors(fx->pr), 0);
    assert_int_equal(fx->form->ncols, 3);
    assert_int_equal(fx->form->nrows, 3);
    assert_int_equal(fx->form->nfields, 3);
    /* the reason cell sits right of the rowspan, in columns 2 and 3 */
    const beian_cell *last = &fx->form->cells[fx->form->ncells - 1];
    assert_int_equal(last->row, 2);
    assert_int_equal(last->col, 1);
    assert_int_equal(last->colspan, 2);
}

static void test_form__unknown_cell_kind_is_refused_with_its_place(void **state)
{
    fixture *fx = *state;
    const char *r0 = "{\"height_mm\": 12, \"cells\": [{\"kind\": \"label\", \"text\": \"名称\"},"
                     " {\"kind\": \"box\", \"field\": \"name\", \"colspan\": 2}]}";
    assert_refused_at(fx, load(fx, "text", r0, row1_ok, row2_ok), "rows[0].cells[1]", "box");
}

static void test_form__spans_wider_than_the_grid_are_refused(void **state)
{
    fixture *fx = *state;
    const char *r0 = "{\"height_mm\": 12, \"cells\": [{\"kind\": \"label\", \"text\": \"名称\"},"
                     " {\"kind\": \"field\", \"field\": \"name\", \"colspan\": 3}]}";
    assert_refused_at(fx, load(fx, "text", r0, row1_ok, row2_ok), "rows[0].cells[1]", NULL);
}

static void test_form__spans_narrower_than_the_grid_are_refused(void **state)
{
    fixture *fx = *state;
    const char *r0 = "{\"height_mm\": 12, \"cells\": [{\"kind\": \"label\", \"text\": \"名称\"},"
                     " {\"kind\": \"field\", \"field\": \"name\"}]}";
    assert_refused_at(fx, load(fx, "text", r0, row1_ok, row2_ok), "rows[0]", NULL);
}

static void test_form__field_bound_twice_is_refused_naming_the_field(void **state)
{
    fixture *fx = *state;
    const char *r2 = "{\"height_mm\": 30, \"cells\": [{\"kind\": \"field\", \"field\": \"reason\"},"
                     " {\"kind\": \"field\", \"field\": \"name\"}]}";
    assert_refused_at(fx, load(fx, "text", row0_ok, row1_ok, r2), "rows[2].cells[1]", "name");
}

static void test_form__overlapping_rowspan_is_refused(void **state)
{
    fixture *fx = *state;
    /* name reaches down into row 1, where a label spanning columns 1-2 runs into it */
    const char *r0 = "{\"height_mm\": 12, \"cells\": [{\"kind\": \"label\", \"text\": \"名称\"},"
                     " {\"kind\": \"field\", \"field\": \"name\", \"rowspan\": 2},"
                     " {\"kind\": \"field\", \"field\": \"phone\"}]}";
    const char *r1 = "{\"height_mm\": 12, \"cells\": [{\"kind\": \"label\", \"text\": \"联系电话\","
                     " \"colspan\": 2}, {\"kind\": \"label\", \"text\": \"备注\"}]}";
    const char *r2 = "{\"height_mm\": 30, \"cells\": [{\"kind\": \"label\", \"text\": \"理由\"},"
                     " {\"kind\": \"field\", \"field\": \"reason\", \"colspan\": 2}]}";
    assert_refused_at(fx, load(fx, "text", r0, r1, r2), "rows[1].cells[0]", NULL);
}

static void test_form__rowspan_below_the_last_row_is_refused(void **state)
{
    fixture *fx = *state;
    const char *r2 = "{\"height_mm\": 30, \"cells\": [{\"kind\": \"field\", \"field\": \"reason\","
                     " \"colspan\": 2, \"rowspan\": 2}]}";
    assert_refused_at(fx, load(fx, "text", row0_ok, row1_ok, r2), "rows[2].cells[0]", NULL);
}

static void test_form__negative_row_height_is_refused(void **state)
{
    fixture *fx = *state;
    const char *r0 = "{\"height_mm\": -12, \"cells\": [{\"kind\": \"label\", \"text\": \"名称\"},"
                     " {\"kind\": \"field\", \"field\": \"name\", \"colspan\": 2}]}";
    assert_refused_at(fx, load(fx, "text", r0, row1_ok, row2_ok), "rows[0]", "height_mm");
}

static void test_form__missing_row_height_is_refused(void **state)
{
    fixture *fx = *state;
    const char *r0 = "{\"cells\": [{\"kind\": \"label\", \"text\": \"名称\"},"
                     " {\"kind\": \"field\", \"field\": \"name\", \"colspan\": 2}]}";
    assert_refused_at(fx, load(fx, "text", r0, row1_ok, row2_ok), "rows[0]", "height_mm");
}

static void test_form__unknown_field_type_is_refused(void **state)
{
    fixture *fx = *state;
    assert_refused_at(fx, load(fx, "telephone", row0_ok, row1_ok, row2_ok), "fields[0]",
                      "telephone");
}

static void test_form__cell_naming_an_unknown_field_is_refused(void **state)
{
    fixture *fx = *state;
    const char *r0 = "{\"height_mm\": 12, \"cells\": [{\"kind\": \"label\", \"text\": \"名称\"},"
                     " {\"kind\": \"field\", \"field\": \"nmae\", \"colspan\": 2}]}";
    assert_refused_at(fx, load(fx, "text", r0, row1_ok, row2_ok), "rows[0].cells[1]", "nmae");
}

static void test_form__json_syntax_error_gives_file_and_line(void **state)
{
    fixture *fx = *state;
    static const char def[] = "{\n  \"id\": \"test-form\",\n  \"attachment\": \"附件9\"\n"
                              "  \"title\": [\"a\", \"b\"]\n}\n";
    int rc = beian_form_load_buffer(fx->ctx, DEF_PATH, (const unsigned char *)def,
                                    strlen(def), &fx->form, fx->pr);
    assert_int_equal(rc, BEIAN_ECONFIG);
    assert_null(fx->form);
    assert_true(beian_problems_count(fx->pr) > 0);
    const beian_problem *p = beian_problems_get(fx->pr, 0);
    assert_string_equal(p->file, DEF_PATH);
    assert_int_equal(p->line, 4); /* the "title" that should have followed a comma */
}

/* The field ids of the form definitions (forms/<id>.json, docs/forms.md) are a contract: data
 * files and CSV headers use them. */
static void assert_fields(beian_ctx *ctx, const char *id, const char *const *ids,
                          const char *const *optional)
{
    beian_problems *pr = beian_problems_new();
    beian_form *f = NULL;
    assert_int_equal(beian_form_load(ctx, id, &f, pr), BEIAN_OK);
    assert_string_equal(f->id, id);
    assert_string_equal(f->title[0], "宁夏职业技术学院 宁夏开放大学");
    for (const char *const *k = ids; *k; k++) {
        int i = beian_form_field_index(f, *k, 0);
        if (i < 0) {
            fail_msg("form %s has no field %s", id, *k);
        }
        int opt = 0;
        for (const char *const *o = optional; *o; o++) {
            opt |= strcmp(*o, *k) == 0;
        }
        if (f->fields[i].required == opt) {
            fail_msg("form %s: field %s should be %s", id, *k, opt ? "optional" : "required");
        }
        assert_true(f->fields[i].label && f->fields[i].label[0]);
    }
    beian_form_free(f);
    beian_problems_free(pr);
}

static void test_form__seed_forms_define_the_design_field_ids(void **state)
{
    fixture *fx = *state;
    static const char *const reg[] = {"name", "account", "host_unit", "purpose", "admin_name",
                                      "admin_title", "admin_phone", "admin_email", "head_name",
                                      "head_title", "head_phone", "head_email", NULL};
    static const char *const app[] = {"name", "account", "applicant_unit", "apply_date",
                                      "admin_name", "admin_title", "admin_phone", "admin_email",
                                      "head_name", "head_title", "head_phone", "head_email",
                                      "reason", "purpose", NULL};
    static const char *const grp[] = {
        "group_qr", "group_qr_image", "group_number", "group_name", "scope", "admin1_name",
        "admin1_mobile", "admin2_name", "admin2_mobile", "email", "member_count",
        "member_types", "department", "dept_head", "dept_head_title", "office_phone", "mobile",
        NULL};
    static const char *const opt_platform[] = {"account", NULL};
    static const char *const opt_group[] = {"admin2_name", "admin2_mobile", "group_qr",
                                            "group_qr_image", "group_number", NULL};
    assert_fields(fx->ctx, "platform-registration", reg, opt_platform);
    assert_fields(fx->ctx, "platform-application", app, opt_platform);
    assert_fields(fx->ctx, "workgroup-filing", grp, opt_group);
}

static void test_form__seed_field_types_follow_the_design(void **state)
{
    fixture *fx = *state;
    static const struct {
        const char *form, *field;
        beian_field_type type;
    } cases[] = {
        {"platform-registration", "admin_phone", BEIAN_FIELD_PHONE},
        {"platform-registration", "head_email", BEIAN_FIELD_EMAIL},
        {"platform-registration", "purpose", BEIAN_FIELD_MULTILINE},
        {"platform-application", "apply_date", BEIAN_FIELD_DATE},
        {"platform-application", "head_phone", BEIAN_FIELD_PHONE},
        {"platform-application", "reason", BEIAN_FIELD_MULTILINE},
        {"workgroup-filing", "admin1_mobile", BEIAN_FIELD_MOBILE},
        {"workgroup-filing", "mobile", BEIAN_FIELD_MOBILE},
        {"workgroup-filing", "office_phone", BEIAN_FIELD_OFFICE_PHONE},
        {"workgroup-filing", "email", BEIAN_FIELD_EMAIL},
        {"workgroup-filing", "member_count", BEIAN_FIELD_COUNT},
        {"workgroup-filing", "group_qr", BEIAN_FIELD_QR},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        beian_form *f = NULL;
        assert_int_equal(beian_form_load(fx->ctx, cases[i].form, &f, fx->pr), BEIAN_OK);
        int k = beian_form_field_index(f, cases[i].field, 0);
        assert_true(k >= 0);
        if (f->fields[k].type != cases[i].type) {
            fail_msg("%s.%s is %s", cases[i].form, cases[i].field,
                     beian_field_type_name(f->fields[k].type));
        }
        beian_form_free(f);
    }
    /* a work group needs its QR code, a picture of it, or its number: one group of three */
    beian_form *f = NULL;
    assert_int_equal(beian_form_load(fx->ctx, "workgroup-filing", &f, fx->pr), BEIAN_OK);
    assert_int_equal(f->n_one_of, 1);
    int seen = 0;
    for (const int *k = f->one_of[0]; *k >= 0; k++) {
        const char *id = f->fields[*k].id;
        seen |= strcmp(id, "group_qr") == 0 ? 1 : strcmp(id, "group_qr_image") == 0 ? 2
              : strcmp(id, "group_number") == 0 ? 4 : 0;
    }
    assert_int_equal(seen, 7);
    beian_form_free(f);
}

static void test_form__ids_lists_the_three_seed_forms(void **state)
{
    fixture *fx = *state;
    char **ids = NULL;
    size_t n = 0;
    assert_int_equal(beian_form_ids(fx->ctx, &ids, &n), BEIAN_OK);
    int seen = 0;
    for (size_t i = 0; i < n; i++) {
        seen |= strcmp(ids[i], "platform-application") == 0 ? 1
              : strcmp(ids[i], "platform-registration") == 0 ? 2
              : strcmp(ids[i], "workgroup-filing") == 0 ? 4 : 0;
    }
    beian_form_ids_free(ids, n);
    assert_int_equal(seen, 7);
}

static void test_form__unsafe_or_unknown_id_is_not_a_form(void **state)
{
    fixture *fx = *state;
    beian_form *f = NULL;
    assert_int_equal(beian_form_load(fx->ctx, "../forms/workgroup-filing", &f, fx->pr), BEIAN_EDATA);
    assert_null(f);
    assert_int_equal(beian_form_load(fx->ctx, "platform-apply", &f, fx->pr), BEIAN_EDATA);
    assert_null(f);
}

static void test_form__suggests_a_close_field_id_only(void **state)
{
    fixture *fx = *state;
    beian_form *f = NULL;
    assert_int_equal(beian_form_load(fx->ctx, "platform-application", &f, fx->pr), BEIAN_OK);
    const char *s = beian_form_suggest(f, "admin_emial");
    assert_non_null(s);
    assert_string_equal(s, "admin_email");
    s = beian_form_suggest(f, "head_titel");
    assert_non_null(s);
    assert_string_equal(s, "head_title");
    assert_null(beian_form_suggest(f, "remarks_for_the_office"));
    beian_form_free(f);
}

/* Both NULL, or the same text. */
static void assert_same_str(const char *a, const char *b)
{
    if (!a || !b) {
        assert_ptr_equal(a, b);
    } else {
        assert_string_equal(a, b);
        assert_ptr_not_equal(a, b); /* a copy, not shared */
    }
}

/* a and b hold the same definition, and share no memory. */
static void assert_same_form(const beian_form *a, const beian_form *b)
{
    assert_same_str(a->id, b->id);
    assert_same_str(a->path, b->path);
    assert_same_str(a->attachment, b->attachment);
    assert_same_str(a->title[0], b->title[0]);
    assert_same_str(a->title[1], b->title[1]);
    assert_true(a->page_w == b->page_w && a->page_h == b->page_h);
    assert_true(a->margin_top == b->margin_top && a->margin_left == b->margin_left);
    assert_memory_equal(&a->sizes, &b->sizes, sizeof a->sizes);
    assert_int_equal(a->ncols, b->ncols);
    assert_memory_equal(a->col_w, b->col_w, (size_t)a->ncols * sizeof(double));
    assert_int_equal(a->nrows, b->nrows);
    assert_memory_equal(a->row_h, b->row_h, (size_t)a->nrows * sizeof(double));
    assert_int_equal(a->ncells, b->ncells);
    for (size_t i = 0; i < a->ncells; i++) {
        const beian_cell *x = &a->cells[i], *y = &b->cells[i];
        assert_int_equal(x->kind, y->kind);
        assert_true(x->row == y->row && x->col == y->col && x->rowspan == y->rowspan &&
                    x->colspan == y->colspan && x->align == y->align && x->seal == y->seal);
        assert_true(x->qr_field == y->qr_field && x->qr_image_field == y->qr_image_field &&
                    x->qr_number_field == y->qr_number_field &&
                    x->qr_date_field == y->qr_date_field);
        assert_same_str(x->text, y->text);
        assert_same_str(x->qr_number_prefix, y->qr_number_prefix);
        assert_same_str(x->qr_date_prefix, y->qr_date_prefix);
        assert_int_equal(x->n_parts, y->n_parts);
        for (size_t k = 0; k < x->n_parts; k++) {
            assert_int_equal(x->parts[k].field, y->parts[k].field);
            assert_same_str(x->parts[k].prefix, y->parts[k].prefix);
        }
    }
    assert_int_equal(a->nfields, b->nfields);
    for (size_t i = 0; i < a->nfields; i++) {
        const beian_field *x = &a->fields[i], *y = &b->fields[i];
        assert_same_str(x->id, y->id);
        assert_same_str(x->label, y->label);
        assert_same_str(x->example, y->example);
        assert_true(x->type == y->type && x->required == y->required &&
                    x->max_chars == y->max_chars && x->continuation == y->continuation &&
                    x->valid_days == y->valid_days);
        assert_int_equal(x->n_aliases, y->n_aliases);
        for (size_t k = 0; k < x->n_aliases; k++) {
            assert_same_str(x->aliases[k], y->aliases[k]);
        }
    }
    assert_int_equal(a->nnotes, b->nnotes);
    for (size_t i = 0; i < a->nnotes; i++) {
        assert_same_str(a->notes[i], b->notes[i]);
    }
    assert_int_equal(a->n_one_of, b->n_one_of);
    for (size_t i = 0; i < a->n_one_of; i++) {
        size_t k = 0;
        for (; a->one_of[i][k] >= 0; k++) {
            assert_int_equal(a->one_of[i][k], b->one_of[i][k]);
        }
        assert_int_equal(b->one_of[i][k], -1);
    }
    assert_int_equal(a->source_len, b->source_len);
    assert_memory_equal(a->source, b->source, a->source_len);
    assert_ptr_not_equal(a->source, b->source);
}

static void test_form__loaded_again_from_the_same_bytes_is_the_same_definition(void **state)
{
    fixture *fx = *state;
    beian_form *first = NULL, *again = NULL, *fresh = NULL;
    beian_ctx *other = NULL;
    beian_ctx_options o = {"forms", "fonts"};
    /* a seed form with notes, aliases, one_of and a QR cell: every part a copy must take */
    assert_int_equal(beian_form_load(fx->ctx, "workgroup-filing", &first, fx->pr), BEIAN_OK);
    assert_true(first->nnotes > 0 && first->n_one_of > 0);
    /* the same bytes under the same name: the context's parsed copy */
    assert_int_equal(beian_form_load_buffer(fx->ctx, first->path, first->source,
                                            first->source_len, &again, fx->pr),
                     BEIAN_OK);
    /* and a parse in a context that has seen nothing */
    assert_int_equal(beian_ctx_new(&other, &o), BEIAN_OK);
    assert_int_equal(beian_form_load(other, "workgroup-filing", &fresh, fx->pr), BEIAN_OK);
    assert_same_form(again, fresh);
    assert_same_form(first, again);
    /* each caller owns its own: changing or freeing one leaves the next load as it was */
    again->title[1][0] = 'X';
    beian_form_free(again);
    beian_form_free(first);
    again = NULL;
    assert_int_equal(beian_form_load(fx->ctx, "workgroup-filing", &again, fx->pr), BEIAN_OK);
    assert_same_form(again, fresh);
    assert_int_equal(beian_problems_count(fx->pr), 0);
    beian_form_free(again);
    beian_form_free(fresh);
    beian_ctx_free(other);
}

static void test_form__a_bad_definition_loaded_twice_is_refused_twice(void **state)
{
    fixture *fx = *state;
    const char *bad = "{\"id\": \"x\"}";
    beian_form *f = NULL;
    for (int i = 1; i <= 2; i++) {
        assert_int_equal(beian_form_load_buffer(fx->ctx, DEF_PATH, (const unsigned char *)bad,
                                                strlen(bad), &f, fx->pr),
                         BEIAN_ECONFIG);
        assert_null(f);
        assert_true(beian_problems_count(fx->pr) > 0);
        beian_problems_free(fx->pr);
        fx->pr = beian_problems_new();
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_form__valid_definition_loads, setup, teardown),
        cmocka_unit_test_setup_teardown(
            test_form__loaded_again_from_the_same_bytes_is_the_same_definition, setup, teardown),
        cmocka_unit_test_setup_teardown(test_form__a_bad_definition_loaded_twice_is_refused_twice,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_form__unknown_cell_kind_is_refused_with_its_place,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_form__spans_wider_than_the_grid_are_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_form__spans_narrower_than_the_grid_are_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_form__field_bound_twice_is_refused_naming_the_field,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_form__overlapping_rowspan_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_form__rowspan_below_the_last_row_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_form__negative_row_height_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_form__missing_row_height_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_form__unknown_field_type_is_refused, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_form__cell_naming_an_unknown_field_is_refused,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(test_form__json_syntax_error_gives_file_and_line, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_form__seed_forms_define_the_design_field_ids, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_form__seed_field_types_follow_the_design, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_form__ids_lists_the_three_seed_forms, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_form__unsafe_or_unknown_id_is_not_a_form, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_form__suggests_a_close_field_id_only, setup,
                                        teardown),
    };
    return cmocka_run_group_tests_name("form", tests, NULL, NULL);
}
