/*
 * web_sheet.c - the 批量 part of the API: a sheet (CSV in any encoding `beian batch` reads, or
 * .xlsx) checked row by row with the problems as `batch` reports them (by row and column,
 * repeated ones said once), then printed as one print job or as a ZIP of one PDF per row; and
 * the empty templates of a form (CSV with a BOM, .xlsx with text-formatted columns so that
 * Excel keeps phone numbers as typed).
 */
#define _GNU_SOURCE
#include "web_private.h"

#include <stdlib.h>
#include <string.h>

#include "beian/batch.h"
#include "beian/dlist.h"
#include "beian/form.h"
#include "beian/layout.h"
#include "beian/message.h"
#include "beian/pdf.h"
#include "beian/render.h"
#include "beian/sheet.h"
#include "util.h"
#include "zipio.h"

/* Rows one request prints; a larger sheet is for `beian batch`, which streams. */
#define WEB_SHEET_MAX_ROWS 1000
/* The ZIP's entries are dated 1980-01-01, not by the clock (same input, same bytes). */
#define ZIP_DOS_DATE ((0u << 9) | (1u << 5) | 1u)

typedef enum { SHEET_CHECK, SHEET_PRINT_JOB, SHEET_ZIP } sheet_want;

typedef struct {
    beian_form *form;
    beian_sheet *sheet;
    beian_batch *batch;
    beian_record **recs;
    size_t n;
} sheet_run;

static void run_free(sheet_run *s)
{
    for (size_t i = 0; s->recs && i < s->n; i++) {
        beian_record_free(s->recs[i]);
    }
    free(s->recs);
    beian_batch_free(s->batch);
    beian_sheet_free(s->sheet);
    beian_form_free(s->form);
}

/* The row problem q was copied from (same line, field and message), or NULL. */
static const beian_problem *source_of(const beian_problem *q, beian_problems *const *rows,
                                      size_t n)
{
    for (size_t r = 0; r < n; r++) {
        for (size_t i = 0; rows[r] && i < beian_problems_count(rows[r]); i++) {
            const beian_problem *p = beian_problems_get(rows[r], i);
            if (p->line == q->line && p->msg && strcmp(p->message, q->message) == 0 &&
                ((!p->field && !q->field) || (p->field && q->field && !strcmp(p->field, q->field)))) {
                return p;
            }
        }
    }
    return NULL;
}

/*
 * beian_batch_merge_problems (what `beian batch` prints: a problem repeated down a column said
 * once, with its rows) appended to pr, with the message id and arguments of every problem it
 * kept as it was, so that the page can say it in Chinese; a merged one ("rows 2–91: ...") is
 * said as batch says it.
 */
static int merge_keeping_ids(beian_problems *const *rows, size_t n, beian_problems *pr)
{
    beian_problems *merged = beian_problems_new();
    int rc = merged ? beian_batch_merge_problems(rows, n, merged) : BEIAN_EINTERNAL;
    for (size_t i = 0; rc == BEIAN_OK && i < beian_problems_count(merged); i++) {
        const beian_problem *q = beian_problems_get(merged, i);
        const beian_problem *p = source_of(q, rows, n);
        rc = p ? beian_problems_add_msg(pr, q->severity, q->file, q->line, q->column, q->field,
                                        q->label, (beian_msg)p->msg, p->nargs,
                                        (const char *const *)p->args)
               : beian_problems_add(pr, q->severity, q->file, q->line, q->column, q->field,
                                    q->label, "%s", q->message);
    }
    beian_problems_free(merged);
    return rc;
}

/* Reads and checks every row into s; the problems (merged as batch merges them) go to pr.
 * BEIAN_OK when every row can be printed, BEIAN_EDATA, or another failure of ctx. */
static int read_rows(beian_ctx *ctx, const web_request *req, sheet_run *s, beian_problems *pr)
{
    const char *id = req->arg(req->conn, "form");
    const char *name = req->arg(req->conn, "name");
    beian_problems **rows = NULL;
    int rc = id ? beian_form_load(ctx, id, &s->form, pr) : BEIAN_EDATA;
    if (rc != BEIAN_OK) {
        if (rc == BEIAN_EDATA && beian_problems_errors(pr) == 0) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, "form", "表格",
                               "there is no form \"%s\"", id ? id : "");
        }
        return rc;
    }
    if (!req->body) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, NULL, NULL, "the request carries no sheet");
        return BEIAN_EDATA;
    }
    rc = beian_sheet_read_buffer(name && name[0] ? name : "sheet", req->body, req->len, NULL,
                                 &s->sheet, pr);
    if (rc == BEIAN_OK) {
        rc = beian_batch_new(s->form, s->sheet, &s->batch, pr);
    }
    if (rc != BEIAN_OK) {
        return rc;
    }
    s->n = beian_batch_rows(s->batch);
    if (s->n > WEB_SHEET_MAX_ROWS) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, beian_sheet_path(s->sheet), 0, 0, NULL, NULL,
                           "the sheet has %zu rows; the page prints at most %d at a time (use "
                           "beian batch for more)",
                           s->n, WEB_SHEET_MAX_ROWS);
        s->n = 0;
        return BEIAN_EDATA;
    }
    s->recs = calloc(s->n ? s->n : 1, sizeof *s->recs);
    rows = calloc(s->n ? s->n : 1, sizeof *rows);
    rc = s->recs && rows ? BEIAN_OK : BEIAN_EINTERNAL;
    for (size_t r = 0; rc == BEIAN_OK && r < s->n; r++) {
        rows[r] = beian_problems_new();
        int k = rows[r] ? beian_batch_record(s->batch, r, &s->recs[r], rows[r]) : BEIAN_EINTERNAL;
        rc = k == BEIAN_EINTERNAL ? k : BEIAN_OK;
    }
    if (rc == BEIAN_OK) {
        rc = merge_keeping_ids(rows, s->n, pr);
    }
    for (size_t r = 0; rows && r < s->n; r++) {
        beian_problems_free(rows[r]);
    }
    free(rows);
    if (rc == BEIAN_OK && s->n == 0) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, beian_sheet_path(s->sheet), 0, 0, NULL, NULL,
                           "the sheet has no rows under its header");
    }
    if (rc != BEIAN_OK) {
        return beian_ctx_fail(ctx, BEIAN_EINTERNAL, "out of memory");
    }
    return beian_problems_errors(pr) ? BEIAN_EDATA : BEIAN_OK;
}

/* Every row laid out (and dropped), for the problems only the layout finds. */
static int lay_out_rows(beian_ctx *ctx, sheet_run *s, beian_problems *pr)
{
    int rc = BEIAN_OK;
    for (size_t r = 0; r < s->n && rc != BEIAN_EINTERNAL; r++) {
        beian_layout_options opts = BEIAN_LAYOUT_OPTIONS_INIT;
        beian_dlist *dl = NULL;
        int k = beian_layout_form(ctx, s->form, s->recs[r], &opts, &dl, pr);
        beian_dlist_free(dl);
        rc = k == BEIAN_OK ? rc : k;
    }
    return rc;
}

/* Every row laid out into one display list, printed as one PDF (the print job). */
static int print_job(beian_ctx *ctx, sheet_run *s, unsigned char **pdf, size_t *len,
                     beian_problems *pr)
{
    beian_dlist *all = NULL;
    int rc = BEIAN_OK;
    for (size_t r = 0; rc == BEIAN_OK && r < s->n; r++) {
        beian_layout_options opts = BEIAN_LAYOUT_OPTIONS_INIT;
        beian_dlist *dl = NULL;
        rc = beian_layout_form(ctx, s->form, s->recs[r], &opts, &dl, pr);
        if (rc == BEIAN_OK && all) {
            rc = beian_dlist_append(all, dl);
            beian_dlist_free(dl);
        } else if (rc == BEIAN_OK) {
            all = dl;
        }
    }
    if (rc == BEIAN_OK) {
        rc = beian_pdf_render(ctx, all, pdf, len);
    }
    beian_dlist_free(all);
    return rc;
}

/* One PDF per row (what `beian batch -o DIR` writes), named as batch names them, in a ZIP. */
static int zip_of_pdfs(beian_ctx *ctx, sheet_run *s, unsigned char **zip, size_t *len,
                       beian_problems *pr)
{
    beian_zip_entry *e = calloc(s->n, sizeof *e);
    char why[BEIAN_ZIP_WHY_SIZE] = "";
    int rc = e ? BEIAN_OK : BEIAN_EINTERNAL;
    size_t done = 0;
    for (; rc == BEIAN_OK && done < s->n; done++) {
        beian_layout_options opts = BEIAN_LAYOUT_OPTIONS_INIT;
        unsigned char *pdf = NULL;
        size_t n = 0;
        char *base = beian_batch_name(s->batch, done, s->recs[done]);
        rc = base ? beian_render(ctx, s->form, s->recs[done], &opts, NULL, &pdf, &n, pr)
                  : BEIAN_EINTERNAL;
        e[done].name = base ? beian_asprintf("%s.pdf", base) : NULL;
        e[done].data = pdf;
        e[done].len = n;
        free(base);
        if (rc == BEIAN_OK && !e[done].name) {
            rc = BEIAN_EINTERNAL;
        }
    }
    if (rc == BEIAN_OK) {
        rc = beian_zip_write(e, s->n, ZIP_DOS_DATE, SIZE_MAX, zip, len, why);
    }
    for (size_t i = 0; e && i < done; i++) {
        free((char *)e[i].name);
        free((void *)e[i].data);
    }
    free(e);
    return rc == BEIAN_EINTERNAL ? beian_ctx_fail(ctx, rc, "out of memory") : rc;
}

void web_sheet_handle(beian_web *w, const web_request *req, web_reply *rep, int want)
{
    beian_ctx *ctx = web_pool_get(&w->pool);
    beian_problems *pr = beian_problems_new();
    sheet_run s = {0};
    unsigned char *out = NULL;
    size_t len = 0;
    int rc = pr ? read_rows(ctx, req, &s, pr) : BEIAN_EINTERNAL;
    if (rc == BEIAN_OK && want == SHEET_CHECK) {
        rc = lay_out_rows(ctx, &s, pr); /* a value too long for its cell, as batch finds it */
    }
    if (rc == BEIAN_OK && want == SHEET_PRINT_JOB) {
        rc = print_job(ctx, &s, &out, &len, pr);
    } else if (rc == BEIAN_OK && want == SHEET_ZIP) {
        rc = zip_of_pdfs(ctx, &s, &out, &len, pr);
    }
    if (rc == BEIAN_OK && want != SHEET_CHECK) {
        rep->status = 200;
        rep->type = want == SHEET_ZIP ? "application/zip" : "application/pdf";
        rep->body = out;
        rep->len = len;
        rep->filename = beian_asprintf("%s-%zu.%s", s.form->id, s.n, want == SHEET_ZIP ? "zip" : "pdf");
        out = NULL;
    } else if (rc == BEIAN_OK || rc == BEIAN_EDATA) {
        const char *lang = req->arg(req->conn, "lang");
        web_reply_problems(rep, pr, lang && strcmp(lang, "zh-CN") == 0 ? "zh-CN" : "en",
                           (long)s.n);
    } else {
        web_reply_failure(rep, ctx, rc);
    }
    free(out);
    run_free(&s);
    beian_problems_free(pr);
    web_pool_put(&w->pool, ctx);
}

/* The form's columns in its order, by their Chinese labels (the picture of a QR code has no
 * place in a sheet: its path would mean nothing to the page). */
static int template_columns(const beian_form *f, const beian_field **cols, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < f->nfields; i++) {
        if (f->fields[i].type != BEIAN_FIELD_IMAGE) {
            cols[(*n)++] = &f->fields[i];
        }
    }
    return BEIAN_OK;
}

static void xml_text(beian_buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '<') {
            beian_buf_appendf(b, "&lt;");
        } else if (*s == '>') {
            beian_buf_appendf(b, "&gt;");
        } else if (*s == '&') {
            beian_buf_appendf(b, "&amp;");
        } else {
            beian_buf_append(b, s, 1);
        }
    }
}

/* A workbook of one sheet: the header row, and every column formatted as text (numFmt 49,
 * "@") so that Excel keeps 13912345678 and 0951-1234567 as typed. */
static int xlsx_template(const beian_field **cols, size_t n, unsigned char **out, size_t *len)
{
    static const char types[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
        "<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
        "<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
        "<Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>"
        "<Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>"
        "<Override PartName=\"/xl/styles.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml\"/>"
        "</Types>";
    static const char rels[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/>"
        "</Relationships>";
    static const char workbook[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
        "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
        "<sheets><sheet name=\"备案\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
    static const char wbrels[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
        "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
        "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles\" Target=\"styles.xml\"/>"
        "</Relationships>";
    static const char styles[] =
        "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
        "<styleSheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
        "<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"宋体\"/></font></fonts>"
        "<fills count=\"2\"><fill><patternFill patternType=\"none\"/></fill>"
        "<fill><patternFill patternType=\"gray125\"/></fill></fills>"
        "<borders count=\"1\"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"
        "<cellStyleXfs count=\"1\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\"/></cellStyleXfs>"
        "<cellXfs count=\"2\"><xf numFmtId=\"0\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\"/>"
        "<xf numFmtId=\"49\" fontId=\"0\" fillId=\"0\" borderId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/></cellXfs>"
        "</styleSheet>";
    beian_buf sheet;
    beian_buf_init(&sheet);
    beian_buf_appendf(&sheet, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
                              "<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                              "<cols><col min=\"1\" max=\"%zu\" width=\"18\" style=\"1\" customWidth=\"1\"/></cols>"
                              "<sheetData><row r=\"1\">",
                      n);
    for (size_t i = 0; i < n; i++) {
        char col[4] = {0};
        if (i >= 26) {
            col[0] = (char)('A' + i / 26 - 1);
        }
        col[i >= 26] = (char)('A' + i % 26); /* A..Z, AA..ZZ: a form has at most 200 fields */
        beian_buf_appendf(&sheet, "<c r=\"%s1\" s=\"1\" t=\"inlineStr\"><is><t>", col);
        xml_text(&sheet, cols[i]->label);
        beian_buf_appendf(&sheet, "</t></is></c>");
    }
    beian_buf_appendf(&sheet, "</row></sheetData></worksheet>");
    if (beian_buf_terminate(&sheet) != BEIAN_OK) {
        beian_buf_release(&sheet);
        return BEIAN_EINTERNAL;
    }
    beian_zip_entry e[] = {
        {"[Content_Types].xml", types, sizeof types - 1},
        {"_rels/.rels", rels, sizeof rels - 1},
        {"xl/workbook.xml", workbook, sizeof workbook - 1},
        {"xl/_rels/workbook.xml.rels", wbrels, sizeof wbrels - 1},
        {"xl/styles.xml", styles, sizeof styles - 1},
        {"xl/worksheets/sheet1.xml", sheet.data, sheet.len},
    };
    char why[BEIAN_ZIP_WHY_SIZE];
    int rc = beian_zip_write(e, sizeof e / sizeof e[0], ZIP_DOS_DATE, SIZE_MAX, out, len, why);
    beian_buf_release(&sheet);
    return rc;
}

void web_sheet_template(beian_web *w, const web_request *req, web_reply *rep)
{
    const char *id = req->arg(req->conn, "form");
    const char *fmt = req->arg(req->conn, "format");
    int xlsx = fmt && strcmp(fmt, "xlsx") == 0;
    beian_ctx *ctx = web_pool_get(&w->quick);
    beian_problems *pr = beian_problems_new();
    beian_form *f = NULL;
    const beian_field **cols = NULL;
    size_t n = 0;
    if (!pr || !id || beian_form_load(ctx, id, &f, pr) != BEIAN_OK) {
        web_reply_error(rep, 404, "no such form");
        goto done;
    }
    cols = calloc(f->nfields, sizeof *cols);
    if (!cols) {
        goto done;
    }
    template_columns(f, cols, &n);
    if (xlsx) {
        if (xlsx_template(cols, n, &rep->body, &rep->len) != BEIAN_OK) {
            goto done;
        }
        rep->type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    } else {
        beian_buf b;
        beian_buf_init(&b);
        beian_buf_append(&b, "\xEF\xBB\xBF", 3); /* a BOM: Excel then reads the file as UTF-8 */
        for (size_t i = 0; i < n; i++) {
            beian_buf_appendf(&b, "%s%s", i ? "," : "", cols[i]->label);
        }
        beian_buf_appendf(&b, "\r\n");
        if (beian_buf_terminate(&b) != BEIAN_OK) {
            beian_buf_release(&b);
            goto done;
        }
        rep->body = b.data;
        rep->len = b.len;
        rep->type = "text/csv; charset=utf-8";
    }
    rep->status = 200;
    rep->filename = beian_asprintf("%s-template.%s", f->id, xlsx ? "xlsx" : "csv");
done:
    free(cols);
    beian_form_free(f);
    beian_problems_free(pr);
    web_pool_put(&w->quick, ctx);
}
