/*
 * layout_cell.h - what the two files of the form layout share: the state of one layout
 * (layout.c builds the pages, layout_cell.c fills the table's cells), the page geometry and
 * the drawing helpers both use. Private to src/layout.
 */
#ifndef BEIAN_LAYOUT_CELL_H
#define BEIAN_LAYOUT_CELL_H

#include <stddef.h>

#include "beian/layout.h"

#define MM(x) ((x) * 72.0 / 25.4)
#define LEADING 1.3      /* line height as a multiple of the font size */
#define PAD_X MM(1.8)    /* cell padding, left and right */
#define PAD_Y MM(1.2)    /* cell padding, top and bottom */
#define FOOTER_SIZE 8.0

/* Most fields of one form that may continue on a 附页 (the forms in forms/ have two at most). */
#define LAYOUT_MAX_CONT 32

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
    int cont_field[LAYOUT_MAX_CONT];
    size_t cont_offset[LAYOUT_MAX_CONT];
    int ncont;
    unsigned char *reported; /* per field: missing characters already reported */
} lay;

/* Emits text[a, b) at baseline (x, y) as runs of one face each. Returns the width drawn. */
double beian_layout_emit_text(lay *L, beian_font_role role, const char *text, size_t a, size_t b,
                              double x, double y, double size);
/* Reports every character of text that cannot be printed, once per field (-1: fixed text). */
void beian_layout_check_text(lay *L, beian_font_role role, const char *text, int field);
/* Appends a copy of op to the current page. */
void beian_layout_add_op(lay *L, const beian_op *op);
/* Lays out cell c in the box (x, top, w, h): its label, value(s), QR code or signature. */
void beian_layout_cell(lay *L, const beian_cell *c, double x, double top, double w, double h);

/* The helpers set L->status: BEIAN_EINTERNAL (no memory) wins over BEIAN_EDATA (a problem
 * was reported), which wins over BEIAN_OK. */

#endif
