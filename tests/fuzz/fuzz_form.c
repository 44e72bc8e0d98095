/*
 * fuzz_form.c - the form-definition loader (beian_form_load_buffer) on arbitrary bytes.
 *
 * Beyond "no crash, no leak": a refused definition says why, and an accepted one keeps the
 * promises layout relies on: every cell inside the grid, field bindings in range, positive
 * sizes, and an empty record of it validates without crashing.
 */
#include "beian/form.h"
#include "beian/record.h"
#include "fuzz.h"

static int field_ok(const beian_form *f, int i, int may_be_absent)
{
    return (may_be_absent && i == -1) || (i >= 0 && (size_t)i < f->nfields);
}

static void check_form(const beian_form *f)
{
    FUZZ_CHECK(f->id && f->ncols > 0 && f->nrows > 0 && f->nfields > 0);
    FUZZ_CHECK(f->page_w > 0 && f->page_h > 0);
    for (int c = 0; c < f->ncols; c++) {
        FUZZ_CHECK(f->col_w[c] > 0);
    }
    for (int r = 0; r < f->nrows; r++) {
        FUZZ_CHECK(f->row_h[r] > 0);
    }
    for (size_t i = 0; i < f->ncells; i++) {
        const beian_cell *c = &f->cells[i];
        FUZZ_CHECK(c->row >= 0 && c->col >= 0 && c->rowspan >= 1 && c->colspan >= 1);
        FUZZ_CHECK(c->row + c->rowspan <= f->nrows && c->col + c->colspan <= f->ncols);
        for (size_t k = 0; k < c->n_parts; k++) {
            FUZZ_CHECK(field_ok(f, c->parts[k].field, 0));
        }
        if (c->kind == BEIAN_CELL_QR) {
            FUZZ_CHECK(field_ok(f, c->qr_field, 0));
            FUZZ_CHECK(field_ok(f, c->qr_image_field, 1));
            FUZZ_CHECK(field_ok(f, c->qr_number_field, 1));
            FUZZ_CHECK(field_ok(f, c->qr_date_field, 1));
        }
    }
    for (size_t g = 0; g < f->n_one_of; g++) {
        for (const int *k = f->one_of[g]; *k >= 0; k++) {
            FUZZ_CHECK(field_ok(f, *k, 0));
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    beian_ctx *ctx = fuzz_ctx();
    beian_problems *pr = beian_problems_new();
    beian_form *form = NULL;
    if (!pr || size > 1024 * 1024) {
        beian_problems_free(pr);
        return 0;
    }
    int rc = beian_form_load_buffer(ctx, "fuzz-form.json", data, size, &form, pr);
    FUZZ_CHECK((rc == BEIAN_OK) == (form != NULL));
    if (rc == BEIAN_ECONFIG) {
        FUZZ_CHECK(beian_problems_errors(pr) > 0);
    }
    if (form) {
        check_form(form);
        beian_record *rec = beian_record_new(form);
        if (rec) {
            (void)beian_record_validate(rec, pr);
            beian_record_free(rec);
        }
    }
    beian_form_free(form);
    beian_problems_free(pr);
    return 0;
}
