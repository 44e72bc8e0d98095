/*
 * layout.c - form + record -> display list. The only place that knows geometry.
 *
 * The page is built top down: the 附件 label, the two title lines, the table (cell borders,
 * labels, values, QR codes, signature and seal blocks), the notes, then any 附页
 * (continuation sheets). Values wrap by the Chinese line-breaking rules (no line starts with
 * closing punctuation, none ends with opening punctuation; Latin words stay whole unless a
 * single word is wider than the cell), shrink in 0.5 pt steps down to the form's minimum,
 * and then either continue on a 附页 or are reported. Units: mm in form definitions, points
 * in the display list (1 mm = 72 / 25.4 pt).
 */
#define _GNU_SOURCE
#include "beian/layout.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/qr.h"
#include "beian/tracking.h"
#include "layout_cell.h"
#include "util.h"

#define FOOTER_QR_MM 26.0 /* the tracking code with its quiet zone: a version 2 code has
                             0.79 mm modules: 3 px in a 100 dpi scan, and they survive blur */
#define FOOTER_Y_MM 1.0   /* the quiet zone may reach the edge; the modules start at 4 mm,
                             where printers print */

/* One line of fixed text (title, label, note) at a size that fits width, from the role. */
static double line_text(lay *L, beian_font_role role, const char *text, double size, double x,
                        double baseline, double width, int center)
{
    beian_line *lines = NULL;
    size_t n = 0;
    beian_layout_check_text(L, role, text, -1);
    if (beian_layout_wrap(L->fonts, role, text, size, 1e9, &lines, &n, NULL, NULL, NULL) !=
            BEIAN_OK ||
        n == 0) {
        free(lines);
        L->status = BEIAN_EINTERNAL;
        return 0;
    }
    double w = lines[0].width;
    free(lines);
    if (w > width && w > 0) {
        size *= width / w;
        w = width;
    }
    beian_layout_emit_text(L, role, text, 0, strlen(text), center ? x + (width - w) / 2 : x,
                           baseline, size);
    return size;
}

/* The QR code of the tracking payload of one page (page 0: none printed); *m is malloc'd. */
static int footer_code(lay *L, const char *digest, int page, unsigned char **m, int *modules)
{
    char payload[BEIAN_TRACKING_PAYLOAD_SIZE];
    *m = NULL;
    if (beian_tracking_format_copy(L->opts->record_no, L->opts->version, digest,
                                   (beian_tracking_copy)L->opts->tracking_copy, page, payload,
                                   sizeof payload) != BEIAN_OK ||
        beian_qr_encode(payload, strlen(payload), BEIAN_QR_M, m, modules) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    if (*modules > 25) { /* larger than version 2: level L keeps the modules large */
        unsigned char *ml = NULL;
        int nl = 0;
        if (beian_qr_encode(payload, strlen(payload), BEIAN_QR_L, &ml, &nl) == BEIAN_OK &&
            nl < *modules) {
            free(*m);
            *m = ml;
            *modules = nl;
        } else {
            free(ml);
        }
    }
    return BEIAN_OK;
}

/* The tracking footer of every page: record, version, date, page n/N, and the QR code whose
 * payload (beian/tracking.h) matches a signed paper copy to its archive record. */
static void layout_footer(lay *L)
{
    const beian_form *f = L->form;
    char digest[BEIAN_SHA256_HEX_SIZE];
    char date[BEIAN_DATE_CN_SIZE] = "";
    if (L->opts->tracking_digest) {
        snprintf(digest, sizeof digest, "%s", L->opts->tracking_digest);
    } else if (beian_record_digest(L->rec, digest) != BEIAN_OK) {
        L->status = BEIAN_EINTERNAL;
        return;
    }
    const char *iso = L->opts->date ? L->opts->date : L->rec->date;
    if (iso && !beian_date_format_cn(iso, date, sizeof date)) {
        date[0] = '\0';
    }
    /* the form's page in the code, where it keeps the code at 25 modules (beian/tracking.h);
     * a reprint's code says it is a copy instead */
    int paged = !L->opts->tracking_copy && L->opts->version <= BEIAN_TRACKING_PAGE_VERSION_MAX &&
                L->dl->npages <= BEIAN_TRACKING_PAGE_MAX;
    unsigned char *m = NULL;
    int modules = 0;
    double side = MM(FOOTER_QR_MM);
    double right = MM(f->page_w) - MM(f->margin_right);
    double left = MM(f->margin_left);
    for (size_t p = 0; p < L->dl->npages && L->status != BEIAN_EINTERNAL; p++) {
        L->page = &L->dl->pages[p];
        if (paged || p == 0) { /* one code per page, or one for all */
            free(m);
            if (footer_code(L, digest, paged ? (int)p + 1 : 0, &m, &modules) != BEIAN_OK) {
                L->status = BEIAN_EINTERNAL;
                break;
            }
        }
        beian_op op = {.kind = BEIAN_OP_QR, .x = right - side, .y = MM(FOOTER_Y_MM), .w = side,
                       .h = side, .modules = modules, .matrix = m};
        beian_layout_add_op(L, &op);
        /* few distinct characters: every one of them is a glyph embedded in the PDF */
        char version[32] = "草稿";
        if (L->opts->record_no) {
            snprintf(version, sizeof version, "%s　第%d版", L->opts->record_no, L->opts->version);
        }
        /* the filed form shows the filing's date (备案日期), a draft the day the form was
         * filled (填表日期, the data's "date"): two dates, each named (issue 15) */
        const char *which = L->opts->record_no && L->opts->date ? "备案日期："
                            : iso == L->rec->date                ? "填表日期："
                                                                 : "日期：";
        char *line1 = beian_asprintf("%s%s%s%s　第%zu页/共%zu页", version, date[0] ? "　" : "",
                                     date[0] ? which : "", date, p + 1, L->dl->npages);
        if (!line1) {
            L->status = BEIAN_EINTERNAL;
        } else {
            line_text(L, BEIAN_ROLE_BODY, line1, FOOTER_SIZE, left,
                      MM(FOOTER_Y_MM) + side / 2 - FOOTER_SIZE / 3, right - side - left, 0);
        }
        free(line1);
    }
    free(m);
}

/* A framed reprint mark (补打 ...) at the top right of every page. */
static void layout_reprint(lay *L)
{
    const beian_form *f = L->form;
    double size = 10;
    for (size_t p = 0; p < L->dl->npages && L->status != BEIAN_EINTERNAL; p++) {
        L->page = &L->dl->pages[p];
        beian_line *lines = NULL;
        size_t n = 0;
        beian_layout_check_text(L, BEIAN_ROLE_TITLE, L->opts->reprint, -1);
        if (beian_layout_wrap(L->fonts, BEIAN_ROLE_TITLE, L->opts->reprint, size, 1e9, &lines, &n,
                              NULL, NULL, NULL) != BEIAN_OK || n == 0) {
            free(lines);
            L->status = BEIAN_EINTERNAL;
            return;
        }
        double w = lines[0].width;
        free(lines);
        double right = MM(f->page_w) - MM(f->margin_right);
        double top = MM(f->page_h) - MM(f->margin_top) + size * 0.4;
        beian_op box = {.kind = BEIAN_OP_RECT, .x = right - w - 8, .y = top - size * 1.9,
                        .w = w + 8, .h = size * 1.9, .line_width = 1.2};
        beian_layout_add_op(L, &box);
        beian_layout_emit_text(L, BEIAN_ROLE_TITLE, L->opts->reprint, 0, strlen(L->opts->reprint),
                  right - w - 4, top - size * 1.35, size);
    }
}

/* The 附页: the rest of every field that did not fit its cell, page after page. */
static void layout_continuation(lay *L)
{
    const beian_form *f = L->form;
    double pw = MM(f->page_w), ph = MM(f->page_h);
    double left = MM(f->margin_left), width = pw - MM(f->margin_left) - MM(f->margin_right);
    double bottom = MM(f->margin_bottom);
    double size = f->sizes.value, lh = size * LEADING * 1.15;
    double y = 0;
    int sheet = 0;
    for (int k = 0; k < L->ncont && L->status != BEIAN_EINTERNAL; k++) {
        const beian_field *fd = &f->fields[L->cont_field[k]];
        const char *all = L->rec->values[L->cont_field[k]];
        const char *rest = all + L->cont_offset[k];
        beian_line *lines = NULL;
        size_t n = 0;
        if (beian_layout_wrap(L->fonts, BEIAN_ROLE_BODY, rest, size, width, &lines, &n, NULL,
                              NULL, NULL) != BEIAN_OK) {
            L->status = BEIAN_EINTERNAL;
            return;
        }
        for (size_t i = 0; i <= n; i++) {
            if (sheet == 0 || y - lh < bottom) {
                L->page = beian_dlist_add_page(L->dl, pw, ph);
                if (!L->page) {
                    L->status = BEIAN_EINTERNAL;
                    break;
                }
                sheet++;
                y = ph - MM(f->margin_top);
                char head[160];
                snprintf(head, sizeof head, "附页%s", sheet > 1 ? "（续）" : "");
                line_text(L, BEIAN_ROLE_TITLE, head, f->sizes.title, left, y - f->sizes.title,
                          width, 1);
                y -= f->sizes.title * 1.6;
                char *sub = beian_asprintf("%s%s", f->title[1], "（续）");
                if (sub) {
                    line_text(L, BEIAN_ROLE_BODY, sub, size, left, y - size, width, 1);
                }
                free(sub);
                y -= size * 2.5;
                if (i > 0) {
                    char *h2 = beian_asprintf("%s（接上页）", fd->label);
                    if (h2) {
                        line_text(L, BEIAN_ROLE_TITLE, h2, size, left, y - size, width, 0);
                    }
                    free(h2);
                    y -= lh;
                }
            }
            if (i == 0) {
                char *h2 = beian_asprintf("%s（接表内“%s”栏）", fd->label, fd->label);
                if (h2) {
                    line_text(L, BEIAN_ROLE_TITLE, h2, size, left, y - size, width, 0);
                }
                free(h2);
                y -= lh;
                if (n == 0) {
                    break;
                }
            }
            if (i < n) {
                beian_layout_emit_text(L, BEIAN_ROLE_BODY, rest, lines[i].start, lines[i].end, left,
                          y - size, size);
                y -= lh;
            }
        }
        y -= lh;
        free(lines);
    }
}

int beian_layout_form(beian_ctx *ctx, const beian_form *f, const beian_record *rec,
                      const beian_layout_options *opts, beian_dlist **out, beian_problems *pr)
{
    beian_layout_options dflt = BEIAN_LAYOUT_OPTIONS_INIT;
    lay L = {0};
    *out = NULL;
    L.ctx = ctx;
    L.form = f;
    L.rec = rec;
    L.opts = opts ? opts : &dflt;
    L.pr = pr;
    int rc = beian_ctx_fonts(ctx, &L.fonts);
    if (rc != BEIAN_OK) {
        return rc;
    }
    L.reported = calloc(f->nfields ? f->nfields : 1, 1);
    L.dl = beian_dlist_new(L.fonts);
    if (!L.reported || !L.dl) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    if (opts && opts->record_no) {
        L.dl->title = beian_asprintf("%s %s", f->title[1], opts->record_no);
    } else {
        L.dl->title = beian_strdup(f->title[1]);
    }
    const char *doc_date = opts && opts->date ? opts->date : rec ? rec->date : NULL;
    if (doc_date && beian_date_valid(doc_date)) {
        L.dl->date = beian_strdup(doc_date);
    }
    double pw = MM(f->page_w), ph = MM(f->page_h);
    L.page = beian_dlist_add_page(L.dl, pw, ph);
    if (!L.page || !L.dl->title || (doc_date && beian_date_valid(doc_date) && !L.dl->date)) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    double left = MM(f->margin_left), width = pw - MM(f->margin_left) - MM(f->margin_right);
    double y = ph - MM(f->margin_top);
    line_text(&L, BEIAN_ROLE_TITLE, f->attachment, f->sizes.attachment, left,
              y - f->sizes.attachment, width, 0);
    y -= f->sizes.attachment * 1.6;
    for (int i = 0; i < 2; i++) {
        line_text(&L, BEIAN_ROLE_TITLE, f->title[i], f->sizes.title, left, y - f->sizes.title,
                  width, 1);
        y -= f->sizes.title * 1.4;
    }
    y -= MM(2.5);
    double table_w = 0;
    for (int c = 0; c < f->ncols; c++) {
        table_w += MM(f->col_w[c]);
    }
    double x0 = left + (width - table_w) / 2;
    /* the grid first, as one run of strokes, then the cells' content */
    for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < f->ncells && L.status != BEIAN_EINTERNAL; i++) {
        const beian_cell *c = &f->cells[i];
        double x = x0, top = y, w = 0, h = 0;
        for (int k = 0; k < c->col; k++) {
            x += MM(f->col_w[k]);
        }
        for (int k = 0; k < c->row; k++) {
            top -= MM(f->row_h[k]);
        }
        for (int k = 0; k < c->colspan; k++) {
            w += MM(f->col_w[c->col + k]);
        }
        for (int k = 0; k < c->rowspan; k++) {
            h += MM(f->row_h[c->row + k]);
        }
        if (pass == 0) {
            beian_op border = {.kind = BEIAN_OP_RECT, .x = x, .y = top - h, .w = w, .h = h,
                               .line_width = 0.75};
            beian_layout_add_op(&L, &border);
        } else {
            beian_layout_cell(&L, c, x, top, w, h);
        }
    }
    }
    for (int r = 0; r < f->nrows; r++) {
        y -= MM(f->row_h[r]);
    }
    y -= MM(2);
    for (size_t i = 0; i < f->nnotes; i++) {
        line_text(&L, BEIAN_ROLE_BODY, f->notes[i], f->sizes.note, x0, y - f->sizes.note,
                  table_w, 0);
        y -= f->sizes.note * LEADING;
    }
    if (L.ncont > 0 && L.status == BEIAN_OK) {
        layout_continuation(&L);
    }
    if (L.status == BEIAN_OK && L.opts->tracking && rec && !L.opts->blank) {
        layout_footer(&L);
    }
    if (L.status == BEIAN_OK && L.opts->reprint) {
        layout_reprint(&L);
    }
    rc = L.status;
done:
    free(L.reported);
    if (rc == BEIAN_OK) {
        *out = L.dl;
    } else {
        beian_dlist_free(L.dl);
    }
    return rc;
}

