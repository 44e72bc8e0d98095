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
    if (dl->npages == dl->cap) {
        size_t cap = dl->cap ? dl->cap * 2 : 4;
        beian_page *p = realloc(dl->pages, cap * sizeof *p);
        if (!p) {
            return NULL;
        }
        dl->pages = p;
        dl->cap = cap;
    }
    beian_page *page = &dl->pages[dl->npages++];
    memset(page, 0, sizeof *page);
    page->width = width;
    page->height = height;
    return page;
}

int beian_page_add(beian_page *page, const beian_op *op)
{
    if (page->nops == page->cap) {
        size_t cap = page->cap ? page->cap * 2 : 64;
        beian_op *p = realloc(page->ops, cap * sizeof *p);
        if (!p) {
            return BEIAN_EINTERNAL;
        }
        page->ops = p;
        page->cap = cap;
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
                beian_buf_appendf(&b, " face=%d size=%.2f \"%s\"", op->face, op->size, op->text);
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
