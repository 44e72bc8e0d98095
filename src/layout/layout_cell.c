/*
 * layout_cell.c - the content of the table's cells (beian_layout_cell), for the form layout
 * (layout.c): labels, values, QR codes with their number and date, and signature blocks with
 * a seal mark.
 *
 * A value is wrapped at the largest size from the form's value size down to its minimum in
 * 0.5 pt steps that fits its cell (words stay whole first; at the minimum a word may break
 * between characters). A value that fits at no size continues on a 附页 when the form allows
 * it (the cell is filled at the printed size, ended by （下接附页）, and layout.c prints the
 * rest), or else is reported with how many characters would fit.
 */
#define _GNU_SOURCE
#include "layout_cell.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/message.h"
#include "beian/qr.h"
#include "util.h"

#define SEAL_MM 42.0     /* a 公章 is 40-42 mm across (GA 241-2000 sizes for unit seals) */
#define SEAL_GAP_MM 3.0  /* between the seal space and a rule, and between it and text */
#define SIGN_SPACE_MM 28.0 /* room after 负责人（签字盖章）： for the signature */
#define QR_MIN_MODULE_MM 0.5 /* smaller modules do not survive a fax-grade scan */
#define CONT_MARK "（下接附页）"
#define CONT_MIN_RATIO 0.75 /* 小五 9 pt / 小四 12 pt: two Chinese type sizes down, no more */

double beian_layout_emit_text(lay *L, beian_font_role role, const char *text, size_t a, size_t b,
                              double x, double y, double size)
{
    double w = 0;
    if (L->status != BEIAN_EINTERNAL &&
        beian_page_add_text(L->page, L->fonts, role, text, a, b, x, y, size, &w) != BEIAN_OK) {
        L->status = BEIAN_EINTERNAL;
    }
    return w;
}

void beian_layout_check_text(lay *L, beian_font_role role, const char *text, int field)
{
    if (field >= 0 && L->reported[field]) {
        return;
    }
    const beian_field *fd = field >= 0 ? &L->form->fields[field] : NULL;
    if (beian_fonts_report_unprintable(L->fonts, role, text, L->pr,
                                       L->rec ? L->rec->path : L->form->path,
                                       field >= 0 && L->rec ? L->rec->lines[field] : 0,
                                       fd ? fd->id : NULL, fd ? fd->label : NULL) > 0) {
        L->status = L->status == BEIAN_OK ? BEIAN_EDATA : L->status;
        if (field >= 0) {
            L->reported[field] = 1;
        }
    }
}

typedef struct {
    beian_line *lines;
    size_t n;
    double size;
} block;

/* Wraps text at the largest size from size0 down to min (0.5 pt steps) whose lines fit h.
 * Returns 1 when it fits; otherwise the block holds the wrap at min. */
static int fit(lay *L, beian_font_role role, const char *text, double size0, double min,
               double w, double h, block *out)
{
    out->lines = NULL;
    out->n = 0;
    /* First pass: words stay whole (an e-mail address shrinks before it breaks); second
     * pass, at the minimum size only: a word may break between characters. */
    for (int pass = 0; pass < 2; pass++) {
        for (double size = pass ? min : size0; size >= min - 1e-9; size -= 0.5) {
            int forced = 0;
            free(out->lines);
            out->lines = NULL;
            if (beian_layout_wrap(L->fonts, role, text, size, w, &out->lines, &out->n, NULL, NULL,
                                  &forced) != BEIAN_OK) {
                L->status = BEIAN_EINTERNAL;
                return 0;
            }
            out->size = size;
            if (out->n * size * LEADING <= h + 1e-6 && (pass == 1 || !forced)) {
                return 1;
            }
        }
    }
    return 0;
}

/* A label is a word: it is set on the lines its form definition gives it (a '\n' in the
 * label, as the paper form breaks 党委宣传统战部/意见) and shrinks, down to min, until every
 * line fits w and all of them fit h. Returns 1 when it fits; otherwise falls back to fit(),
 * which may break between characters at min (a form definition the typeset test rejects). */
static int fit_label(lay *L, const char *text, double size0, double min, double w, double h,
                     block *out)
{
    out->lines = NULL;
    out->n = 0;
    for (double size = size0; size >= min - 1e-9; size -= 0.5) {
        free(out->lines);
        out->lines = NULL;
        if (beian_layout_wrap(L->fonts, BEIAN_ROLE_BODY, text, size, 1e9, &out->lines, &out->n,
                              NULL, NULL, NULL) != BEIAN_OK) {
            L->status = BEIAN_EINTERNAL;
            return 0;
        }
        out->size = size;
        int fits = out->n * size * LEADING <= h + 1e-6;
        for (size_t i = 0; fits && i < out->n; i++) {
            fits = out->lines[i].width <= w + 1e-6;
        }
        if (fits) {
            return 1;
        }
    }
    free(out->lines);
    return fit(L, BEIAN_ROLE_BODY, text, size0, min, w, h, out);
}

/* Draws lines of text in the box (x, top, w, h): vertically centred or from the top. */
static void draw_block(lay *L, beian_font_role role, const char *text, const block *b, double x,
                       double top, double w, double h, beian_align align, int from_top,
                       size_t nlines)
{
    double lh = b->size * LEADING;
    double used = (double)nlines * lh;
    double y = from_top ? top : top - (h - used) / 2;
    for (size_t i = 0; i < nlines && L->status == BEIAN_OK; i++) {
        double base = y - (lh - b->size) / 2 - b->size * 0.86;
        double lx = align == BEIAN_ALIGN_CENTER ? x + (w - b->lines[i].width) / 2 : x;
        beian_layout_emit_text(L, role, text, b->lines[i].start, b->lines[i].end, lx, base,
                               b->size);
        y -= lh;
    }
}

void beian_layout_add_op(lay *L, const beian_op *op)
{
    if (L->status != BEIAN_EINTERNAL && beian_page_add(L->page, op) != BEIAN_OK) {
        L->status = BEIAN_EINTERNAL;
    }
}

/* The seal space of a cell whose right edge is right and bottom is bottom: a circle of
 * SEAL_MM (smaller when the cell is) at the cell's right, SEAL_GAP_MM in from the rule,
 * centred in the cell's height. Returns the x where printed text must end to keep out of
 * it (SEAL_GAP_MM before its left edge), or right when the cell has no room for a seal worth
 * the name; draws the dashed circle unless the options leave it out. The place is the same
 * with or without the mark, so --no-seal-mark changes nothing else on the page. */
static double seal_space(lay *L, double right, double bottom, double h, double max_w)
{
    double d = fmin(MM(SEAL_MM), fmin(h - MM(3), max_w - MM(4)));
    if (d < MM(20)) {
        return right; /* no room for a seal mark worth the name */
    }
    double cx = right - MM(SEAL_GAP_MM) - d / 2;
    double cy = bottom + h / 2;
    if (!L->opts->no_seal_mark) {
        beian_op op = {.kind = BEIAN_OP_CIRCLE, .x = cx, .y = cy, .w = d / 2,
                       .line_width = 0.6, .gray = 0.65, .dash = 2.5};
        beian_layout_add_op(L, &op);
    }
    return cx - d / 2 - MM(SEAL_GAP_MM);
}

static const char *value_of(lay *L, int field, char *datebuf, size_t size)
{
    if (!L->rec || L->opts->blank || field < 0) {
        return NULL;
    }
    const char *v = L->rec->values[field];
    if (v && L->form->fields[field].type == BEIAN_FIELD_DATE &&
        beian_date_format_cn(v, datebuf, size)) {
        return datebuf;
    }
    return v;
}

/*
 * Where the continuation of text on a 附页 may begin, at or before the line start cut (and
 * after start, the kept text's first byte): never inside 《…》 (a title is read whole), nor
 * inside a run of Latin letters, digits and the characters of an e-mail address or a number
 * (a forced break may have cut one). Returns start when there is no such place: nothing of
 * the value is kept in the cell then.
 */
static int word_char(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           c == '@' || c == '.' || c == '_' || c == '-' || c == '+' || c == '%';
}

static size_t continuation_cut(const char *text, size_t start, size_t cut)
{
    static const char open[] = "《", close[] = "》";
    size_t n = sizeof open - 1; /* both 3 bytes in UTF-8 */
    /* an unclosed 《 in the kept text: continue from it */
    for (size_t i = cut; i >= start + n; i--) {
        if (memcmp(text + i - n, close, n) == 0) {
            break;
        }
        if (memcmp(text + i - n, open, n) == 0) {
            cut = i - n;
            break;
        }
    }
    while (cut > start && word_char((unsigned char)text[cut]) &&
           word_char((unsigned char)text[cut - 1])) {
        cut--;
    }
    return cut;
}

/* Lays out a text value in its box; continues it on a 附页 or reports it when too long. */
static void layout_value(lay *L, int field, const char *text, double x, double top, double w,
                         double h, beian_align align)
{
    const beian_form *f = L->form;
    const beian_field *fd = field >= 0 ? &f->fields[field] : NULL;
    int multiline = fd && (fd->type == BEIAN_FIELD_MULTILINE);
    block b;
    beian_layout_check_text(L, BEIAN_ROLE_BODY, text, field);
    /* A field that may continue on a 附页 shrinks two Chinese type sizes at most (小四 12 pt
     * through 五号 10.5 to 小五 9 pt: CONT_MIN_RATIO) and then continues, so it never prints
     * much smaller than its neighbours (not 7 pt beside 12); the others shrink down to the
     * form's minimum. A reason of about 300 characters still fits its cell on page 1. */
    int may_continue = fd && fd->continuation && L->ncont < LAYOUT_MAX_CONT;
    double min = may_continue ? fmax(f->sizes.min, f->sizes.value * CONT_MIN_RATIO)
                              : f->sizes.min;
    if (fit(L, BEIAN_ROLE_BODY, text, f->sizes.value, min, w, h, &b)) {
        draw_block(L, BEIAN_ROLE_BODY, text, &b, x, top, w, h, align,
                   multiline && b.n > 1, b.n);
        free(b.lines);
        return;
    }
    free(b.lines);
    if (may_continue) {
        /* keep the printed size, fill the cell, and continue the rest on a 附页 */
        block full;
        if (beian_layout_wrap(L->fonts, BEIAN_ROLE_BODY, text, f->sizes.value, w, &full.lines,
                              &full.n, NULL, NULL, NULL) != BEIAN_OK) {
            L->status = BEIAN_EINTERNAL;
            return;
        }
        full.size = f->sizes.value;
        size_t fits = (size_t)(h / (full.size * LEADING));
        size_t keep = fits > 1 ? fits - 1 : 0;
        keep = keep < full.n ? keep : full.n;
        size_t rest = keep < full.n ? full.lines[keep].start : strlen(text);
        if (keep > 0 && rest < strlen(text)) {
            /* the last kept line ends where the continuation may begin */
            size_t cut = continuation_cut(text, full.lines[0].start, rest);
            while (keep > 0 && cut <= full.lines[keep - 1].start) {
                keep--;
            }
            if (keep > 0) {
                full.lines[keep - 1].end = cut;
            }
            rest = keep > 0 ? cut : full.lines[0].start;
        }
        draw_block(L, BEIAN_ROLE_BODY, text, &full, x, top, w, h, align, 1, keep);
        double mark_y = top - (double)keep * full.size * LEADING;
        block mark = {&(beian_line){0, strlen(CONT_MARK), 0}, 1, full.size};
        mark.lines[0].width = 0;
        draw_block(L, BEIAN_ROLE_BODY, CONT_MARK, &mark, x, mark_y, w, full.size * LEADING,
                   BEIAN_ALIGN_LEFT, 1, 1);
        L->cont_field[L->ncont] = field;
        L->cont_offset[L->ncont] = rest;
        L->ncont++;
        free(full.lines);
        return;
    }
    size_t chars = beian_utf8_count(text);
    block minb;
    if (beian_layout_wrap(L->fonts, BEIAN_ROLE_BODY, text, f->sizes.min, w, &minb.lines, &minb.n,
                          NULL, NULL, NULL) != BEIAN_OK) {
        L->status = BEIAN_EINTERNAL;
        return;
    }
    size_t fit_lines = (size_t)(h / (f->sizes.min * LEADING));
    size_t about = minb.n ? chars * fit_lines / minb.n : chars;
    free(minb.lines);
    char pt[32], given[24], fit[24];
    snprintf(pt, sizeof pt, "%.1f", f->sizes.min);
    snprintf(given, sizeof given, "%zu", chars);
    snprintf(fit, sizeof fit, "%zu", about);
    beian_problems_add_msg(L->pr, BEIAN_SEV_ERROR, L->rec ? L->rec->path : NULL,
                           L->rec && field >= 0 ? L->rec->lines[field] : 0, 0,
                           fd ? fd->id : NULL, fd ? fd->label : NULL, BEIAN_MSG_DOES_NOT_FIT,
                           BEIAN_MSG_ARGS(pt, given, fit));
    if (L->status == BEIAN_OK) {
        L->status = BEIAN_EDATA;
    }
}

static void layout_qr(lay *L, const beian_cell *c, double x, double top, double w, double h)
{
    const beian_form *f = L->form;
    char num[256] = "";
    const char *payload = value_of(L, c->qr_field, NULL, 0);
    const char *number = value_of(L, c->qr_number_field, NULL, 0);
    if (c->qr_image_field >= 0 && value_of(L, c->qr_image_field, NULL, 0) && !payload) {
        const beian_field *fd = &f->fields[c->qr_image_field];
        beian_problems_add(L->pr, BEIAN_SEV_ERROR, L->rec->path, L->rec->lines[c->qr_image_field],
                           0, fd->id, fd->label,
                           "reading a QR code from a picture is not supported in this version; "
                           "give the code's text as group_qr (群二维码)");
        L->status = L->status == BEIAN_OK ? BEIAN_EDATA : L->status;
        return;
    }
    double text_h = 0;
    if (number) {
        snprintf(num, sizeof num, "%s%s", c->qr_number_prefix ? c->qr_number_prefix : "", number);
        text_h = f->sizes.value * LEADING;
    }
    if (payload) {
        unsigned char *m = NULL;
        int modules = 0;
        int rc = beian_qr_encode(payload, strlen(payload), BEIAN_QR_M, &m, &modules);
        double side = fmin(w, h - text_h);
        double module = modules ? side / (modules + 8) : 0;
        const beian_field *fd = &f->fields[c->qr_field];
        if (rc == BEIAN_EINTERNAL) {
            L->status = BEIAN_EINTERNAL;
        } else if (rc != BEIAN_OK || module < MM(QR_MIN_MODULE_MM)) {
            char bytes[24], mm[32];
            snprintf(bytes, sizeof bytes, "%zu", strlen(payload));
            snprintf(mm, sizeof mm, "%.1f", QR_MIN_MODULE_MM);
            beian_problems_add_msg(L->pr, BEIAN_SEV_ERROR, L->rec->path,
                                   L->rec->lines[c->qr_field], 0, fd->id, fd->label,
                                   BEIAN_MSG_QR_TOO_LONG, BEIAN_MSG_ARGS(bytes, mm));
            L->status = L->status == BEIAN_OK ? BEIAN_EDATA : L->status;
        } else {
            double y = top - (h - side - text_h) / 2 - side;
            beian_op op = {.kind = BEIAN_OP_QR, .x = x + (w - side) / 2, .y = y, .w = side,
                           .h = side, .modules = modules, .matrix = m};
            beian_layout_add_op(L, &op);
            top = y;
            h = text_h;
        }
        free(m);
        if (L->status != BEIAN_OK) {
            return;
        }
    }
    if (number) {
        layout_value(L, c->qr_number_field, num, x, top, w, h, BEIAN_ALIGN_CENTER);
    }
}

/* The date a group code was made, small, at the foot of the QR cell. Returns its height. */
static double qr_date_line(lay *L, const beian_cell *c, double x, double bottom, double w)
{
    char date[BEIAN_DATE_CN_SIZE];
    const char *d = value_of(L, c->qr_date_field, date, sizeof date);
    if (!d) {
        return 0;
    }
    char *text = beian_asprintf("%s%s", c->qr_date_prefix ? c->qr_date_prefix : "", d);
    if (!text) {
        L->status = BEIAN_EINTERNAL;
        return 0;
    }
    double size = FOOTER_SIZE;
    layout_value(L, c->qr_date_field, text, x, bottom + size * LEADING, w, size * LEADING,
                 BEIAN_ALIGN_CENTER);
    free(text);
    return size * LEADING;
}

static void layout_sign(lay *L, const beian_cell *c, double x, double bottom, double w,
                        double h)
{
    const beian_form *f = L->form;
    double size = f->sizes.label;
    double right = x + w;
    /* the signer line and the date end before the seal space: no printed text crosses it */
    double limit = c->seal ? seal_space(L, right, bottom, h, w) : right - MM(8);
    const char *date = "年　　月　　日";
    block b = {&(beian_line){0, strlen(date), 0}, 1, size};
    beian_layout_check_text(L, BEIAN_ROLE_BODY, date, -1);
    beian_layout_check_text(L, BEIAN_ROLE_BODY, c->text, -1);
    double dw = 0, sw = 0;
    beian_line *lines = NULL;
    size_t n = 0;
    if (beian_layout_wrap(L->fonts, BEIAN_ROLE_BODY, date, size, 1e9, &lines, &n, NULL, NULL,
                          NULL) == BEIAN_OK &&
        n) {
        dw = lines[0].width;
    }
    free(lines);
    if (beian_layout_wrap(L->fonts, BEIAN_ROLE_BODY, c->text, size, 1e9, &lines, &n, NULL, NULL,
                          NULL) == BEIAN_OK &&
        n) {
        sw = lines[0].width;
    }
    free(lines);
    double date_x = fmax(x + PAD_X, limit - dw);
    double sign_x = fmax(x + PAD_X, limit - sw - MM(SIGN_SPACE_MM));
    beian_layout_emit_text(L, BEIAN_ROLE_BODY, date, 0, strlen(date), date_x, bottom + MM(6), size);
    beian_layout_emit_text(L, BEIAN_ROLE_BODY, c->text, 0, strlen(c->text), sign_x,
                           bottom + MM(17), size);
    (void)b;
}

void beian_layout_cell(lay *L, const beian_cell *c, double x, double top, double w, double h)
{
    const beian_form *f = L->form;
    double ix = x + PAD_X, iw = w - 2 * PAD_X, itop = top - PAD_Y, ih = h - 2 * PAD_Y;
    switch (c->kind) {
    case BEIAN_CELL_LABEL: {
        block b;
        beian_layout_check_text(L, BEIAN_ROLE_BODY, c->text, -1);
        fit_label(L, c->text, f->sizes.label, f->sizes.min, iw, ih, &b);
        draw_block(L, BEIAN_ROLE_BODY, c->text, &b, ix, itop, iw, ih, c->align, 0, b.n);
        free(b.lines);
        break;
    }
    case BEIAN_CELL_FIELD: {
        const beian_cell_part *p = &c->parts[0];
        char date[BEIAN_DATE_CN_SIZE];
        const char *v = value_of(L, p->field, date, sizeof date);
        if (c->seal) { /* the value keeps out of the seal space */
            double limit = seal_space(L, x + w, top - h, h, w);
            iw = fmin(iw, limit - ix);
        }
        if (!v && L->opts->blank && f->fields[p->field].type == BEIAN_FIELD_DATE) {
            v = "年　　月　　日";
            beian_layout_emit_text(L, BEIAN_ROLE_BODY, v, 0, strlen(v), ix,
                                   top - h / 2 - f->sizes.value * 0.35,
                      f->sizes.value);
            break;
        }
        if (!v && !p->prefix) {
            break;
        }
        char *text = beian_asprintf("%s%s", p->prefix ? p->prefix : "", v ? v : "");
        if (!text) {
            L->status = BEIAN_EINTERNAL;
            break;
        }
        layout_value(L, p->field, text, ix, itop, iw, ih, c->align);
        free(text);
        break;
    }
    case BEIAN_CELL_FIELDS: {
        double part_h = ih / (double)c->n_parts;
        for (size_t i = 0; i < c->n_parts; i++) {
            const beian_cell_part *p = &c->parts[i];
            char date[BEIAN_DATE_CN_SIZE];
            const char *v = value_of(L, p->field, date, sizeof date);
            char *text = beian_asprintf("%s%s", p->prefix ? p->prefix : "", v ? v : "");
            if (!text) {
                L->status = BEIAN_EINTERNAL;
                break;
            }
            layout_value(L, p->field, text, ix, itop - part_h * (double)i, iw, part_h, c->align);
            free(text);
        }
        break;
    }
    case BEIAN_CELL_SIGN:
        layout_sign(L, c, x, top - h, w, h);
        break;
    case BEIAN_CELL_QR: {
        double dh = qr_date_line(L, c, ix, top - h + PAD_Y, iw);
        layout_qr(L, c, ix, itop, iw, ih - dh);
        break;
    }
    }
}
