/*
 * register.c - the register (台账) of the archive: filtering, CSV, JSON and the printed table.
 *
 * The printed register is drawn like the forms: the college's title lines in the title font,
 * a ruled table in the body font, and text wrapped inside its cell by the layout's Chinese
 * line-breaking (beian_layout_wrap). It goes through the display list, so the PDF backend
 * (and the PNG preview) draw it like any form. A4 landscape (297 x 210 mm, GB/T 148), the
 * paper of the forms turned for the width of a table.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/layout.h"
#include "beian/register.h"
#include "util.h"

const char *const beian_register_headings[BEIAN_REGISTER_COLUMNS] = {
    "编号", "类别", "名称", "单位", "管理员", "状态", "最近事项", "日期", "表格", "版本"};

const char *beian_register_kind(const beian_record_facts *r)
{
    if (strncmp(r->info.record_no, "XMT-", 4) == 0) {
        return "新媒体平台";
    }
    return strncmp(r->info.record_no, "QUN-", 4) == 0 ? "网络工作群" : "其他";
}

int beian_register_match(const beian_record_facts *r, const beian_register_filter *f)
{
    if (f->state_set && r->info.state != f->state) {
        return 0;
    }
    if (f->form && strcmp(r->info.form_id, f->form) != 0) {
        return 0;
    }
    if (f->unit && (!r->unit || !strstr(r->unit, f->unit))) {
        return 0;
    }
    if (f->year) {
        const char *dash = strchr(r->info.record_no, '-');
        if (!dash || strtol(dash + 1, NULL, 10) != f->year) {
            return 0;
        }
    }
    return 1;
}

void beian_register_cells(const beian_record_facts *r, const char *cells[BEIAN_REGISTER_COLUMNS],
                          char buf[16])
{
    snprintf(buf, 16, "v%d", r->info.version);
    cells[0] = r->info.record_no;
    cells[1] = beian_register_kind(r);
    cells[2] = r->info.name ? r->info.name : "";
    cells[3] = r->unit ? r->unit : "";
    cells[4] = r->admin ? r->admin : "";
    cells[5] = beian_archive_state_label(r->info.state);
    cells[6] = beian_archive_event_label(r->last_event);
    cells[7] = r->info.date;
    cells[8] = r->info.form_id ? r->info.form_id : "";
    cells[9] = buf;
}

static void csv_cell(beian_buf *b, const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n")) {
        beian_buf_append(b, "\"", 1);
        for (const char *p = s; *p; p++) {
            beian_buf_append(b, p, 1);
            if (*p == '"') {
                beian_buf_append(b, "\"", 1);
            }
        }
        beian_buf_append(b, "\"", 1);
    } else {
        beian_buf_append(b, s, strlen(s));
    }
    beian_buf_append(b, last ? "\r\n" : ",", last ? 2 : 1);
}

int beian_register_csv(const beian_record_facts *const *rows, size_t n, char **out, size_t *len)
{
    beian_buf b;
    beian_buf_init(&b);
    *out = NULL;
    *len = 0;
    beian_buf_append(&b, "\xEF\xBB\xBF", 3); /* the BOM: Excel then reads UTF-8 */
    /* the register's columns, then 未经校验: 是 when the signed copy in force was filed
     * without its code read (--unverified), as the table says beside the state */
    for (int c = 0; c < BEIAN_REGISTER_COLUMNS; c++) {
        csv_cell(&b, beian_register_headings[c], 0);
    }
    csv_cell(&b, "未经校验", 1);
    for (size_t i = 0; i < n; i++) {
        const char *cells[BEIAN_REGISTER_COLUMNS];
        char buf[16];
        beian_register_cells(rows[i], cells, buf);
        for (int c = 0; c < BEIAN_REGISTER_COLUMNS; c++) {
            csv_cell(&b, cells[c], 0);
        }
        csv_cell(&b, rows[i]->info.unverified ? "是" : "", 1);
    }
    if (beian_buf_terminate(&b) != BEIAN_OK) {
        beian_buf_release(&b);
        return BEIAN_EINTERNAL;
    }
    *len = b.len;
    *out = (char *)b.data;
    return BEIAN_OK;
}

int beian_register_json(const beian_record_facts *const *rows, size_t n, char **out, size_t *len)
{
    int rc = BEIAN_EINTERNAL;
    json_t *arr = json_array();
    char *s = NULL;
    *out = NULL;
    *len = 0;
    for (size_t i = 0; arr && i < n; i++) {
        const beian_record_facts *r = rows[i];
        json_t *o = json_pack(
            "{s:s, s:s, s:s, s:s, s:s?, s:s?, s:s, s:s, s:s, s:s, s:s, s:i, s:b}", "record",
            r->info.record_no, "kind", beian_register_kind(r), "form", r->info.form_id, "name",
            r->info.name ? r->info.name : "", "unit", r->unit, "admin", r->admin, "state",
            beian_archive_state_name(r->info.state), "state_label", beian_archive_state_label(r->info.state),
            "event", beian_archive_event_name(r->last_event), "event_label",
            beian_archive_event_label(r->last_event), "date", r->info.date, "version", r->info.version,
            "unverified", r->info.unverified != 0);
        if (!o || json_array_append_new(arr, o) != 0) {
            goto done;
        }
    }
    s = arr ? beian_json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
    if (s) {
        *out = beian_asprintf("%s\n", s);
        if (*out) {
            *len = strlen(*out);
            rc = BEIAN_OK;
        }
    }
done:
    free(s);
    json_decref(arr);
    return rc;
}

/* ---- the printed register ---- */

#define MM (72.0 / 25.4)
#define PAGE_W (297 * MM) /* A4 landscape */
#define PAGE_H (210 * MM)
#define MARGIN (15 * MM)
#define BODY_SIZE 9.0 /* pt: the table's text */
#define LINE_GAP 1.25 /* line height as a multiple of the size */
#define PAD (1.5 * MM)

/* The printed columns: 序号 then cells 0..7 (widths in mm; scaled to the page). */
static const double col_mm[] = {10, 30, 22, 56, 50, 26, 28, 18, 22};
#define NCOLS (sizeof col_mm / sizeof col_mm[0])

typedef struct {
    beian_ctx *ctx;
    beian_fonts *fonts;
    beian_dlist *dl;
    beian_page *page;
    int status;
} reg;

/* Draws text with its baseline at (x, y), one op per run of one face (like the forms). */
static double emit(reg *R, beian_font_role role, const char *text, size_t a, size_t b, double x,
                   double y, double size)
{
    double w = 0;
    if (R->status == BEIAN_OK &&
        beian_page_add_text(R->page, R->fonts, role, text, a, b, x, y, size, &w) != BEIAN_OK) {
        R->status = BEIAN_EINTERNAL;
    }
    return w;
}

static double text_width(reg *R, beian_font_role role, const char *text, double size)
{
    beian_line *lines = NULL;
    size_t n = 0;
    double w = 0;
    if (beian_layout_wrap(R->fonts, role, text, size, 1e9, &lines, &n, NULL, NULL, NULL) ==
            BEIAN_OK &&
        n) {
        w = lines[0].width;
    }
    free(lines);
    return w;
}

static void line(reg *R, double x, double y, double w, double h, double width)
{
    beian_op op = {.kind = BEIAN_OP_LINE, .x = x, .y = y, .w = w, .h = h, .line_width = width};
    if (R->status == BEIAN_OK && beian_page_add(R->page, &op) != BEIAN_OK) {
        R->status = BEIAN_EINTERNAL;
    }
}

static void centred(reg *R, beian_font_role role, const char *text, double y, double size)
{
    double w = text_width(R, role, text, size);
    emit(R, role, text, 0, strlen(text), (PAGE_W - w) / 2, y, size);
}

/* A table row: wrapped cells; returns its height, drawing it only when draw is set. */
static double row(reg *R, const char *const *cells, const double *widths, double top, int draw,
                  int heading)
{
    double h = 0;
    beian_line *lines[NCOLS] = {NULL};
    size_t nl[NCOLS] = {0};
    double lh = BODY_SIZE * LINE_GAP;
    for (size_t c = 0; c < NCOLS && R->status == BEIAN_OK; c++) {
        if (beian_layout_wrap(R->fonts, BEIAN_ROLE_BODY, cells[c], BODY_SIZE, widths[c] - 2 * PAD,
                              &lines[c], &nl[c], NULL, NULL, NULL) != BEIAN_OK) {
            R->status = BEIAN_EINTERNAL;
        }
        double ch = (nl[c] ? (double)nl[c] : 1) * lh + 2 * PAD;
        h = ch > h ? ch : h;
    }
    if (draw) {
        double x = MARGIN;
        for (size_t c = 0; c < NCOLS && R->status == BEIAN_OK; c++) {
            double block = (double)nl[c] * lh;
            double y = top - (h - block) / 2 - BODY_SIZE; /* vertically centred */
            for (size_t k = 0; k < nl[c]; k++) {
                double tx = x + PAD;
                if (heading || c == 0) { /* headings and 序号 centred */
                    tx = x + (widths[c] - lines[c][k].width) / 2;
                }
                emit(R, BEIAN_ROLE_BODY, cells[c], lines[c][k].start, lines[c][k].end, tx,
                     y + 0.15 * BODY_SIZE, BODY_SIZE);
                y -= lh;
            }
            line(R, x, top - h, 0, h, 0.5); /* the cell's left rule */
            x += widths[c];
        }
        line(R, x, top - h, 0, h, 0.5);
        line(R, MARGIN, top - h, x - MARGIN, 0, 0.5);
    }
    for (size_t c = 0; c < NCOLS; c++) {
        free(lines[c]);
    }
    return h;
}

/* Starts a page: the title lines, the subtitle, the headings. Returns the top of the body. */
static double new_page(reg *R, const char *subtitle, const double *widths, double table_w)
{
    R->page = beian_dlist_add_page(R->dl, PAGE_W, PAGE_H);
    if (!R->page) {
        R->status = BEIAN_EINTERNAL;
        return 0;
    }
    double y = PAGE_H - MARGIN - 14;
    centred(R, BEIAN_ROLE_TITLE, "宁夏职业技术学院 宁夏开放大学", y, 14);
    y -= 24;
    centred(R, BEIAN_ROLE_TITLE, "新媒体平台及网络工作群备案台账", y, 18);
    y -= 18;
    if (subtitle && subtitle[0]) {
        emit(R, BEIAN_ROLE_BODY, subtitle, 0, strlen(subtitle), MARGIN, y, 10.5);
    }
    y -= 8;
    const char *head[NCOLS] = {"序号"};
    for (size_t c = 1; c < NCOLS; c++) {
        head[c] = beian_register_headings[c - 1];
    }
    line(R, MARGIN, y, table_w, 0, 0.5);
    return y - row(R, head, widths, y, 1, 1);
}

int beian_register_layout(beian_ctx *ctx, const beian_record_facts *const *rows, size_t n,
                          const char *subtitle, const char *date, beian_dlist **out,
                          beian_problems *pr)
{
    reg R = {ctx, NULL, NULL, NULL, BEIAN_OK};
    double widths[NCOLS], total = 0, table_w = PAGE_W - 2 * MARGIN;
    (void)pr;
    *out = NULL;
    int rc = beian_ctx_fonts(ctx, &R.fonts);
    if (rc != BEIAN_OK) {
        return rc;
    }
    R.dl = beian_dlist_new(R.fonts);
    if (!R.dl) {
        return BEIAN_EINTERNAL;
    }
    R.dl->title = beian_strdup("新媒体平台及网络工作群备案台账");
    R.dl->date = date ? beian_strdup(date) : NULL;
    for (size_t c = 0; c < NCOLS; c++) {
        total += col_mm[c];
    }
    for (size_t c = 0; c < NCOLS; c++) {
        widths[c] = col_mm[c] / total * table_w;
    }
    double bottom = MARGIN + 12; /* room for 第n页/共N页 */
    double y = new_page(&R, subtitle, widths, table_w);
    for (size_t i = 0; i < n && R.status == BEIAN_OK; i++) {
        const char *cells[BEIAN_REGISTER_COLUMNS];
        const char *printed[NCOLS];
        char buf[16], num[24];
        beian_register_cells(rows[i], cells, buf);
        snprintf(num, sizeof num, "%zu", i + 1);
        printed[0] = num;
        for (size_t c = 1; c < NCOLS; c++) {
            printed[c] = cells[c - 1];
        }
        double h = row(&R, printed, widths, y, 0, 0);
        if (y - h < bottom) {
            y = new_page(&R, subtitle, widths, table_w);
        }
        y -= row(&R, printed, widths, y, 1, 0);
    }
    if (n == 0 && R.status == BEIAN_OK) {
        emit(&R, BEIAN_ROLE_BODY, "（无记录）", 0, strlen("（无记录）"), MARGIN + PAD, y - 16, 10.5);
    }
    for (size_t p = 0; p < R.dl->npages && R.status == BEIAN_OK; p++) {
        char foot[64];
        snprintf(foot, sizeof foot, "第%zu页/共%zu页", p + 1, R.dl->npages);
        R.page = &R.dl->pages[p];
        centred(&R, BEIAN_ROLE_BODY, foot, MARGIN, 9);
    }
    if (R.status != BEIAN_OK || !R.dl->title || (date && !R.dl->date)) {
        beian_dlist_free(R.dl);
        return BEIAN_EINTERNAL;
    }
    *out = R.dl;
    return BEIAN_OK;
}
