/*
 * dlist.c - the display list: pages of drawing operations, a text trace for golden tests,
 * and the player that feeds a backend.
 */
#include "beian/dlist.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

beian_dlist *beian_dlist_new(beian_fonts *fonts)
{
    beian_dlist *dl = calloc(1, sizeof *dl);
    if (dl) {
        dl->fonts = fonts;
    }
    return dl;
}

static void page_release(beian_page *p)
{
    for (size_t i = 0; i < p->nops; i++) {
        free(p->ops[i].text);
        free(p->ops[i].matrix);
    }
    free(p->ops);
}

void beian_dlist_free(beian_dlist *dl)
{
    if (!dl) {
        return;
    }
    for (size_t i = 0; i < dl->npages; i++) {
        page_release(&dl->pages[i]);
    }
    free(dl->pages);
    free(dl->title);
    free(dl->date);
    free(dl);
}

beian_page *beian_dlist_add_page(beian_dlist *dl, double width, double height)
{
    if (BEIAN_ARRAY_GROW(dl->pages, dl->cap, dl->npages + 1) != BEIAN_OK) {
        return NULL;
    }
    beian_page *page = &dl->pages[dl->npages++];
    memset(page, 0, sizeof *page);
    page->width = width;
    page->height = height;
    return page;
}

int beian_page_add(beian_page *page, const beian_op *op)
{
    if (BEIAN_ARRAY_GROW(page->ops, page->cap, page->nops + 1) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    beian_op copy = *op;
    copy.text = NULL;
    copy.matrix = NULL;
    if (op->text && !(copy.text = beian_strdup(op->text))) {
        return BEIAN_EINTERNAL;
    }
    if (op->matrix) {
        size_t n = (size_t)op->modules * (size_t)op->modules;
        copy.matrix = malloc(n ? n : 1);
        if (!copy.matrix) {
            free(copy.text);
            return BEIAN_EINTERNAL;
        }
        memcpy(copy.matrix, op->matrix, n);
    }
    page->ops[page->nops++] = copy;
    return BEIAN_OK;
}

int beian_page_add_text(beian_page *page, const beian_fonts *fonts, beian_font_role role,
                        const char *text, size_t a, size_t b, double x, double y, double size,
                        double *width)
{
    const unsigned char *s = (const unsigned char *)text;
    double x0 = x;
    size_t i = a;
    int rc = BEIAN_OK;
    while (i < b && rc == BEIAN_OK) {
        size_t run = i;
        int face = -1;
        double w = 0;
        while (i < b) {
            uint32_t cp;
            size_t n = beian_utf8_decode(s + i, b - i, &cp);
            if (n == 0) {
                cp = 0xFFFD, n = 1;
            }
            int f = beian_fonts_face_for(fonts, role, cp);
            if (f < 0) {
                if (i == run) { /* left out: no face has it */
                    run = i + n;
                    i += n;
                    continue;
                }
                break;
            }
            if (face >= 0 && f != face) {
                break;
            }
            face = f;
            w += beian_fonts_advance(fonts, f, cp) * size * beian_fonts_scale(fonts, role, f) /
                 1000.0;
            i += n;
        }
        if (face >= 0 && i > run) {
            char *piece = beian_strndup(text + run, i - run);
            /* a Latin face is drawn at its scaled size (beian_fonts_scale) */
            beian_op op = {.kind = BEIAN_OP_TEXT, .x = x, .y = y, .w = w, .h = size,
                           .face = face, .size = size * beian_fonts_scale(fonts, role, face),
                           .stroke = beian_fonts_embolden(fonts, role), .text = piece};
            if (!piece || beian_page_add(page, &op) != BEIAN_OK) {
                rc = BEIAN_EINTERNAL;
            }
            free(piece);
            x += w;
        }
    }
    if (width) {
        *width = x - x0;
    }
    return rc;
}

int beian_dlist_append(beian_dlist *dst, beian_dlist *src)
{
    for (size_t i = 0; i < src->npages; i++) {
        beian_page *p = beian_dlist_add_page(dst, src->pages[i].width, src->pages[i].height);
        if (!p) {
            return BEIAN_EINTERNAL;
        }
        *p = src->pages[i];
    }
    free(src->pages);
    src->pages = NULL;
    src->npages = src->cap = 0;
    return BEIAN_OK;
}

char *beian_dlist_trace(const beian_dlist *dl)
{
    static const char *const names[] = {"line", "rect", "text", "qr", "circle"};
    beian_buf b;
    beian_buf_init(&b);
    for (size_t i = 0; i < dl->npages; i++) {
        const beian_page *p = &dl->pages[i];
        beian_buf_appendf(&b, "page %zu %.2f x %.2f\n", i + 1, p->width, p->height);
        for (size_t k = 0; k < p->nops; k++) {
            const beian_op *op = &p->ops[k];
            beian_buf_appendf(&b, "  %s %.2f %.2f %.2f %.2f", names[op->kind], op->x, op->y,
                              op->w, op->h);
            if (op->kind == BEIAN_OP_TEXT) {
                beian_buf_appendf(&b, " face=%d size=%.2f%s \"%s\"", op->face, op->size,
                                  op->stroke > 0 ? " bold" : "", op->text);
            } else if (op->kind == BEIAN_OP_QR) {
                beian_buf_appendf(&b, " modules=%d", op->modules);
            } else {
                beian_buf_appendf(&b, " lw=%.2f gray=%.2f dash=%.1f%s", op->line_width, op->gray,
                                  op->dash, op->fill ? " fill" : "");
            }
            beian_buf_append(&b, "\n", 1);
        }
    }
    if (beian_buf_terminate(&b) != BEIAN_OK) {
        beian_buf_release(&b);
        return NULL;
    }
    return (char *)b.data;
}

int beian_dlist_play(const beian_dlist *dl, const beian_backend *be, void *self)
{
    for (size_t i = 0; i < dl->npages; i++) {
        const beian_page *p = &dl->pages[i];
        int rc = be->begin_page(self, p, i);
        for (size_t k = 0; rc == BEIAN_OK && k < p->nops; k++) {
            rc = be->draw(self, &p->ops[k]);
        }
        if (rc == BEIAN_OK) {
            rc = be->end_page(self);
        }
        if (rc != BEIAN_OK) {
            return rc;
        }
    }
    return BEIAN_OK;
}
