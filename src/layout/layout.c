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
#include "util.h"

#define MM(x) ((x) * 72.0 / 25.4)
#define LEADING 1.3      /* line height as a multiple of the font size */
#define PAD_X MM(1.8)    /* cell padding, left and right */
#define PAD_Y MM(1.2)    /* cell padding, top and bottom */
#define SEAL_MM 42.0     /* a 公章 is 40-42 mm across (GA 241-2000 sizes for unit seals) */
#define QR_MIN_MODULE_MM 0.5 /* smaller modules do not survive a fax-grade scan */
#define CONT_MARK "（下接附页）"
#define FOOTER_QR_MM 26.0 /* the tracking code with its quiet zone: a version 2 code has
                             0.79 mm modules: 3 px in a 100 dpi scan, and they survive blur */
#define FOOTER_Y_MM 1.0   /* the quiet zone may reach the edge; the modules start at 4 mm,
                             where printers print */
#define FOOTER_SIZE 8.0

typedef struct {
    beian_ctx *ctx;
    const beian_form *form;
    const beian_record *rec;
    const beian_layout_options *opts;
    beian_fonts *fonts;
    beian_dlist *dl;
    beian_page *page;
    beian_problems *pr;
    int status;
    /* fields continued on a 附页: field index and the byte offset where the rest begins */
    int cont_field[32];
    size_t cont_offset[32];
    int ncont;
    unsigned char *reported; /* per field: missing characters already reported */
} lay;

/* Closing punctuation that may not start a line (GB/T 15834 and common practice). */
static int no_start(uint32_t cp)
{
    static const uint32_t set[] = {0xFF0C, 0x3002, 0x3001, 0xFF1B, 0xFF1A, 0xFF1F, 0xFF01,
                                   0xFF09, 0x300B, 0x300D, 0x300F, 0x3011, 0x3015, 0x3009,
                                   0x201D, 0x2019, 0x2026, 0x2014, 0x00B7, 0xFF05, 0x2030,
                                   ',',    '.',    ';',    ':',    '?',    '!',    ')',
                                   ']',    '}',    '%',    0x30FC, 0xFF5E, 0x3017, 0x3019};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
        if (set[i] == cp) {
            return 1;
        }
    }
    return 0;
}

/* Opening punctuation that may not end a line. */
static int no_end(uint32_t cp)
{
    static const uint32_t set[] = {0xFF08, 0x300A, 0x300C, 0x300E, 0x3010, 0x3014, 0x3008,
                                   0x201C, 0x2018, '(',    '[',    '{',    0x3016, 0x3018};
    for (size_t i = 0; i < sizeof set / sizeof set[0]; i++) {
        if (set[i] == cp) {
            return 1;
        }
    }
    return 0;
}

/* Characters after which (and before which) a line may break: ideographs and CJK symbols. */
static int is_cjk(uint32_t cp)
{
    return cp >= 0x2E80;
}

/* The face that prints cp along the role's chain, or -1 (never for private-use characters:
 * the PDF backend uses U+E000-U+F8FF to carry characters above U+FFFF). */
static int face_for(const beian_fonts *fonts, beian_font_role role, uint32_t cp)
{
    return beian_fonts_private_use(cp) ? -1 : beian_fonts_lookup(fonts, role, cp);
}

static double char_width(const beian_fonts *fonts, beian_font_role role, uint32_t cp,
                         double size, uint32_t **missing, size_t *nmissing)
{
    int face = face_for(fonts, role, cp);
    if (face < 0) {
        if (missing) {
            for (size_t i = 0; i < *nmissing; i++) {
                if ((*missing)[i] == cp) {
                    return 0;
                }
            }
            uint32_t *m = realloc(*missing, (*nmissing + 1) * sizeof *m);
            if (m) {
                m[(*nmissing)++] = cp;
                *missing = m;
            }
        }
        return 0;
    }
    return beian_fonts_advance(fonts, face, cp) * size / 1000.0;
}

/* Start of the character before byte offset i (i > 0). */
static size_t prev_char(const unsigned char *s, size_t i)
{
    do {
        i--;
    } while (i > 0 && (s[i] & 0xC0) == 0x80);
    return i;
}

static uint32_t char_at(const unsigned char *s, size_t i)
{
    uint32_t cp = 0xFFFD;
    size_t n = beian_utf8_decode(s + i, 4, &cp);
    return n ? cp : 0xFFFD;
}

/*
 * Where to break a word that is wider than the line, at or before j: the kinsoku rules hold
 * here too, so the break moves back past closing punctuation after it and opening
 * punctuation before it, as long as the line keeps at least one character. A run of
 * punctuation longer than the line itself breaks at j.
 */
static size_t kinsoku_cut(const unsigned char *s, size_t a, size_t j)
{
    size_t cut = j;
    while (cut > a) {
        size_t p = prev_char(s, cut);
        if (!no_start(char_at(s, cut)) && !no_end(char_at(s, p))) {
            return cut;
        }
        cut = p;
    }
    return j;
}

static double span_width(const beian_fonts *fonts, beian_font_role role, const unsigned char *s,
                         size_t a, size_t b, double size)
{
    double w = 0;
    while (a < b) {
        uint32_t cp;
        size_t n = beian_utf8_decode(s + a, b - a, &cp);
        if (n == 0) {
            cp = 0xFFFD, n = 1;
        }
        w += char_width(fonts, role, cp, size, NULL, NULL);
        a += n;
    }
    return w;
}

typedef struct {
    size_t start, end;    /* bytes */
    double width;
    int space;            /* a break opportunity that is dropped at a line end */
    uint32_t first, last; /* code points at the ends, for the kinsoku rules */
} token;

static int push_line(beian_line **lines, size_t *n, size_t *cap, size_t a, size_t b, double w)
{
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        beian_line *p = realloc(*lines, c * sizeof *p);
        if (!p) {
            return BEIAN_EINTERNAL;
        }
        *lines = p;
        *cap = c;
    }
    (*lines)[(*n)++] = (beian_line){a, b, w};
    return BEIAN_OK;
}

int beian_layout_wrap(const beian_fonts *fonts, beian_font_role role, const char *text,
                      double size, double width, beian_line **lines, size_t *nlines,
                      uint32_t **missing, size_t *nmissing, int *forced)
{
    const unsigned char *s = (const unsigned char *)text;
    size_t len = strlen(text);
    size_t cap = 0;
    token *toks = NULL;
    size_t ntok = 0, tcap = 0;
    int rc = BEIAN_OK;
    *lines = NULL;
    *nlines = 0;
    if (forced) {
        *forced = 0;
    }
    size_t para = 0;
    while (para <= len) {
        size_t pend = para;
        while (pend < len && s[pend] != '\n') {
            pend++;
        }
        /* 1. tokens: one per ideograph, one per Latin word, one per space */
        ntok = 0;
        size_t i = para;
        while (i < pend) {
            uint32_t cp;
            size_t n = beian_utf8_decode(s + i, pend - i, &cp);
            if (n == 0) {
                cp = 0xFFFD, n = 1;
            }
            double w = char_width(fonts, role, cp, size, missing, nmissing);
            int space = cp == ' ' || cp == 0x3000;
            int word = !space && !is_cjk(cp);
            if (word && ntok > 0 && !toks[ntok - 1].space && !is_cjk(toks[ntok - 1].last) &&
                toks[ntok - 1].end == i) {
                token *t = &toks[ntok - 1]; /* extend the Latin word */
                t->end = i + n;
                t->width += w;
                t->last = cp;
            } else {
                if (ntok == tcap) {
                    tcap = tcap ? tcap * 2 : 64;
                    token *p = realloc(toks, tcap * sizeof *p);
                    if (!p) {
                        rc = BEIAN_EINTERNAL;
                        goto done;
                    }
                    toks = p;
                }
                toks[ntok++] = (token){i, i + n, w, space, cp, cp};
            }
            i += n;
        }
        /* 2. kinsoku: glue closing punctuation to what precedes, opening to what follows */
        size_t k = 0;
        for (size_t t = 0; t < ntok; t++) {
            if (k > 0 && !toks[t].space && !toks[k - 1].space &&
                (no_start(toks[t].first) || no_end(toks[k - 1].last))) {
                toks[k - 1].end = toks[t].end;
                toks[k - 1].width += toks[t].width;
                toks[k - 1].last = toks[t].last;
            } else {
                toks[k++] = toks[t];
            }
        }
        ntok = k;
        /* 3. greedy fill */
        size_t ls = para, le = para;
        double lw = 0, pending = 0;
        int empty = 1;
        for (size_t t = 0; t < ntok; t++) {
            token *tk = &toks[t];
            if (tk->space) {
                if (!empty) {
                    pending += tk->width;
                }
                continue;
            }
            if (!empty && lw + pending + tk->width > width) {
                if ((rc = push_line(lines, nlines, &cap, ls, le, lw)) != BEIAN_OK) {
                    goto done;
                }
                empty = 1;
            }
            if (empty && tk->width > width) {
                /* a single unbreakable piece wider than the line: break between characters */
                if (forced) {
                    *forced = 1;
                }
                size_t a = tk->start;
                double w = 0;
                size_t j = tk->start;
                while (j < tk->end) {
                    uint32_t cp;
                    size_t n = beian_utf8_decode(s + j, tk->end - j, &cp);
                    if (n == 0) {
                        cp = 0xFFFD, n = 1;
                    }
                    double cw = char_width(fonts, role, cp, size, NULL, NULL);
                    if (w + cw > width && j > a) {
                        size_t cut = kinsoku_cut(s, a, j);
                        double cut_w = span_width(fonts, role, s, a, cut, size);
                        if ((rc = push_line(lines, nlines, &cap, a, cut, cut_w)) != BEIAN_OK) {
                            goto done;
                        }
                        w = span_width(fonts, role, s, cut, j, size);
                        a = cut;
                    }
                    w += cw;
                    j += n;
                }
                ls = a, le = tk->end, lw = w, empty = 0, pending = 0;
                continue;
            }
            if (empty) {
                ls = tk->start, lw = tk->width, empty = 0;
            } else {
                lw += pending + tk->width;
            }
            le = tk->end;
            pending = 0;
        }
        if ((rc = push_line(lines, nlines, &cap, empty ? para : ls, empty ? para : le,
                            empty ? 0 : lw)) != BEIAN_OK) {
            goto done;
        }
        para = pend + 1;
    }
done:
    free(toks);
    if (rc != BEIAN_OK) {
        free(*lines);
        *lines = NULL;
        *nlines = 0;
    }
    return rc;
}

/* Emits text[a, b) at baseline (x, y) as runs of one face each. Returns the width drawn. */
static double emit_text(lay *L, beian_font_role role, const char *text, size_t a, size_t b,
                        double x, double y, double size)
{
    double w = 0;
    if (L->status != BEIAN_EINTERNAL &&
        beian_page_add_text(L->page, L->fonts, role, text, a, b, x, y, size, &w) != BEIAN_OK) {
        L->status = BEIAN_EINTERNAL;
    }
    return w;
}

/* Reports every character of text that cannot be printed, once per field. */
static void check_text(lay *L, beian_font_role role, const char *text, int field)
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
        emit_text(L, role, text, b->lines[i].start, b->lines[i].end, lx, base, b->size);
        y -= lh;
    }
}

static void add_op(lay *L, const beian_op *op)
{
    if (L->status != BEIAN_EINTERNAL && beian_page_add(L->page, op) != BEIAN_OK) {
        L->status = BEIAN_EINTERNAL;
    }
}

static void seal_circle(lay *L, double right, double bottom, double h, double max_w)
{
    double d = fmin(MM(SEAL_MM), fmin(h - MM(3), max_w - MM(4)));
    if (d < MM(20)) {
        return; /* no room for a seal mark worth the name */
    }
    double cx = right - MM(10) - d / 2;
    double cy = bottom + h / 2;
    beian_op op = {.kind = BEIAN_OP_CIRCLE, .x = cx, .y = cy, .w = d / 2, .line_width = 0.6,
                   .gray = 0.65, .dash = 2.5};
    add_op(L, &op);
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

/* Lays out a text value in its box; continues it on a 附页 or reports it when too long. */
static void layout_value(lay *L, int field, const char *text, double x, double top, double w,
                         double h, beian_align align)
{
    const beian_form *f = L->form;
    const beian_field *fd = field >= 0 ? &f->fields[field] : NULL;
    int multiline = fd && (fd->type == BEIAN_FIELD_MULTILINE);
    block b;
    check_text(L, BEIAN_ROLE_BODY, text, field);
    if (fit(L, BEIAN_ROLE_BODY, text, f->sizes.value, f->sizes.min, w, h, &b)) {
        draw_block(L, BEIAN_ROLE_BODY, text, &b, x, top, w, h, align,
                   multiline && b.n > 1, b.n);
        free(b.lines);
        return;
    }
    free(b.lines);
    if (fd && fd->continuation && L->ncont < 32) {
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
        draw_block(L, BEIAN_ROLE_BODY, text, &full, x, top, w, h, align, 1, keep);
        double mark_y = top - (double)keep * full.size * LEADING;
        block mark = {&(beian_line){0, strlen(CONT_MARK), 0}, 1, full.size};
        mark.lines[0].width = 0;
        draw_block(L, BEIAN_ROLE_BODY, CONT_MARK, &mark, x, mark_y, w, full.size * LEADING,
                   BEIAN_ALIGN_LEFT, 1, 1);
        L->cont_field[L->ncont] = field;
        L->cont_offset[L->ncont] = keep < full.n ? full.lines[keep].start : strlen(text);
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
    beian_problems_add(L->pr, BEIAN_SEV_ERROR, L->rec ? L->rec->path : NULL,
                       L->rec && field >= 0 ? L->rec->lines[field] : 0, 0, fd ? fd->id : NULL,
                       fd ? fd->label : NULL,
                       "does not fit its cell even at %.1f pt (%zu characters; about %zu fit); "
                       "shorten it",
                       f->sizes.min, chars, about);
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
            beian_problems_add(L->pr, BEIAN_SEV_ERROR, L->rec->path, L->rec->lines[c->qr_field],
                               0, fd->id, fd->label,
                               "is too long for the cell: %zu bytes make a QR code whose modules "
                               "would be smaller than %.1f mm, too small to scan from paper; use "
                               "a shorter link",
                               strlen(payload), QR_MIN_MODULE_MM);
            L->status = L->status == BEIAN_OK ? BEIAN_EDATA : L->status;
        } else {
            double y = top - (h - side - text_h) / 2 - side;
            beian_op op = {.kind = BEIAN_OP_QR, .x = x + (w - side) / 2, .y = y, .w = side,
                           .h = side, .modules = modules, .matrix = m};
            add_op(L, &op);
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
    char date[64];
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
    if (c->seal) {
        seal_circle(L, right, bottom, h, w);
    }
    const char *date = "年　　月　　日";
    block b = {&(beian_line){0, strlen(date), 0}, 1, size};
    check_text(L, BEIAN_ROLE_BODY, date, -1);
    check_text(L, BEIAN_ROLE_BODY, c->text, -1);
    double dw = 0, sw = 0;
    beian_line *lines = NULL;
    size_t n = 0;
    if (beian_layout_wrap(L->fonts, BEIAN_ROLE_BODY, date, size, 1e9, &lines, &n, NULL, NULL, NULL) ==
        BEIAN_OK && n) {
        dw = lines[0].width;
    }
    free(lines);
    if (beian_layout_wrap(L->fonts, BEIAN_ROLE_BODY, c->text, size, 1e9, &lines, &n, NULL, NULL, NULL) ==
        BEIAN_OK && n) {
        sw = lines[0].width;
    }
    free(lines);
    double date_x = right - MM(8) - dw;
    double sign_x = fmax(x + PAD_X, right - MM(80));
    if (sign_x + sw > right - PAD_X) {
        sign_x = x + PAD_X;
    }
    emit_text(L, BEIAN_ROLE_BODY, date, 0, strlen(date), date_x, bottom + MM(6), size);
    emit_text(L, BEIAN_ROLE_BODY, c->text, 0, strlen(c->text), sign_x, bottom + MM(17), size);
    (void)b;
}

static void layout_cell(lay *L, const beian_cell *c, double x, double top, double w, double h)
{
    const beian_form *f = L->form;
    double ix = x + PAD_X, iw = w - 2 * PAD_X, itop = top - PAD_Y, ih = h - 2 * PAD_Y;
    switch (c->kind) {
    case BEIAN_CELL_LABEL: {
        block b;
        check_text(L, BEIAN_ROLE_BODY, c->text, -1);
        fit(L, BEIAN_ROLE_BODY, c->text, f->sizes.label, f->sizes.min, iw, ih, &b);
        draw_block(L, BEIAN_ROLE_BODY, c->text, &b, ix, itop, iw, ih, c->align, 0, b.n);
        free(b.lines);
        break;
    }
    case BEIAN_CELL_FIELD: {
        const beian_cell_part *p = &c->parts[0];
        char date[64];
        const char *v = value_of(L, p->field, date, sizeof date);
        if (c->seal) {
            seal_circle(L, x + w, top - h, h, w);
        }
        if (!v && L->opts->blank && f->fields[p->field].type == BEIAN_FIELD_DATE) {
            v = "年　　月　　日";
            emit_text(L, BEIAN_ROLE_BODY, v, 0, strlen(v), ix, top - h / 2 - f->sizes.value * 0.35,
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
            char date[64];
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

/* One line of fixed text (title, label, note) at a size that fits width, from the role. */
static double line_text(lay *L, beian_font_role role, const char *text, double size, double x,
                        double baseline, double width, int center)
{
    beian_line *lines = NULL;
    size_t n = 0;
    check_text(L, role, text, -1);
    if (beian_layout_wrap(L->fonts, role, text, size, 1e9, &lines, &n, NULL, NULL, NULL) != BEIAN_OK ||
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
    emit_text(L, role, text, 0, strlen(text), center ? x + (width - w) / 2 : x, baseline, size);
    return size;
}

/* The tracking footer of every page: record, version, date, page n/N, and the QR code whose
 * payload (beian/tracking.h) matches a signed paper copy to its archive record. */
static void layout_footer(lay *L)
{
    const beian_form *f = L->form;
    char digest[65], payload[96], date[64] = "";
    if (beian_record_digest(L->rec, digest) != BEIAN_OK ||
        beian_tracking_format(L->opts->record_no, L->opts->version, digest, payload,
                              sizeof payload) != BEIAN_OK) {
        L->status = BEIAN_EINTERNAL;
        return;
    }
    const char *iso = L->opts->date ? L->opts->date : L->rec->date;
    if (iso && !beian_date_format_cn(iso, date, sizeof date)) {
        date[0] = '\0';
    }
    unsigned char *m = NULL;
    int modules = 0;
    if (beian_qr_encode(payload, strlen(payload), BEIAN_QR_M, &m, &modules) != BEIAN_OK) {
        L->status = BEIAN_EINTERNAL;
        return;
    }
    if (modules > 25) { /* larger than version 2: level L keeps the modules large */
        unsigned char *ml = NULL;
        int nl = 0;
        if (beian_qr_encode(payload, strlen(payload), BEIAN_QR_L, &ml, &nl) == BEIAN_OK &&
            nl < modules) {
            free(m);
            m = ml;
            modules = nl;
        } else {
            free(ml);
        }
    }
    double side = MM(FOOTER_QR_MM);
    double right = MM(f->page_w) - MM(f->margin_right);
    double left = MM(f->margin_left);
    for (size_t p = 0; p < L->dl->npages && L->status != BEIAN_EINTERNAL; p++) {
        L->page = &L->dl->pages[p];
        beian_op op = {.kind = BEIAN_OP_QR, .x = right - side, .y = MM(FOOTER_Y_MM), .w = side,
                       .h = side, .modules = modules, .matrix = m};
        add_op(L, &op);
        /* few distinct characters: every one of them is a glyph embedded in the PDF */
        char version[32] = "草稿";
        if (L->opts->record_no) {
            snprintf(version, sizeof version, "%s　第%d版", L->opts->record_no, L->opts->version);
        }
        char *line1 = beian_asprintf("%s%s%s　第%zu页/共%zu页", version, date[0] ? "　" : "", date,
                                     p + 1, L->dl->npages);
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
        check_text(L, BEIAN_ROLE_TITLE, L->opts->reprint, -1);
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
        add_op(L, &box);
        emit_text(L, BEIAN_ROLE_TITLE, L->opts->reprint, 0, strlen(L->opts->reprint),
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
                emit_text(L, BEIAN_ROLE_BODY, rest, lines[i].start, lines[i].end, left,
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
            add_op(&L, &border);
        } else {
            layout_cell(&L, c, x, top, w, h);
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
