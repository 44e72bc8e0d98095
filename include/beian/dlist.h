/*
 * beian/dlist.h - the display list: the seam between layout and the backends.
 *
 * A document is a list of pages; a page is a list of drawing operations in points, origin
 * at the bottom left. Backends (PDF through libharu, PNG through cairo) draw the same list
 * and know nothing about forms. beian_dlist_trace prints a list as text, for golden tests.
 */
#ifndef BEIAN_DLIST_H
#define BEIAN_DLIST_H

#include <stddef.h>

#include "beian/common.h"
#include "beian/font.h"

typedef enum {
    BEIAN_OP_LINE,   /* from (x, y) to (x + w, y + h) */
    BEIAN_OP_RECT,   /* (x, y, w, h), stroked, or filled when fill is set */
    BEIAN_OP_TEXT,   /* one run in one face: baseline at (x, y), width w */
    BEIAN_OP_QR,     /* modules x modules matrix drawn in the square (x, y, w, w) */
    BEIAN_OP_CIRCLE  /* centre (x, y), radius w */
} beian_op_kind;

typedef struct {
    beian_op_kind kind;
    double x, y, w, h;
    double line_width; /* stroke width in points */
    double gray;       /* 0 black .. 1 white */
    double dash;       /* dash and gap length in points, 0 for a solid line */
    int fill;
    int face;          /* TEXT: face of the font set */
    double size;       /* TEXT: font size in points */
    double stroke;     /* TEXT: outline stroke width in em for a synthetic bold, 0 for none */
    char *text;        /* TEXT: UTF-8, owned */
    int modules;       /* QR: modules per side, quiet zone not included */
    unsigned char *matrix; /* QR: modules*modules bytes, 1 = dark, owned */
} beian_op;

typedef struct {
    double width, height; /* points */
    beian_op *ops;
    size_t nops, cap;
} beian_page;

typedef struct {
    beian_fonts *fonts; /* borrowed from the context */
    beian_page *pages;
    size_t npages, cap;
    char *title; /* document title (form name and record number), owned */
    char *date;  /* document date YYYY-MM-DD (from the data, never the clock), owned, or NULL */
} beian_dlist;

beian_dlist *beian_dlist_new(beian_fonts *fonts);
void beian_dlist_free(beian_dlist *dl);
/* Appends a page and returns it (NULL when out of memory). */
beian_page *beian_dlist_add_page(beian_dlist *dl, double width, double height);
/* Appends a copy of op (text and matrix are copied). Returns BEIAN_OK or BEIAN_EINTERNAL. */
int beian_page_add(beian_page *page, const beian_op *op);
/*
 * Appends text[a, b) (UTF-8) with its baseline at (x, y) and size in points, as one TEXT op
 * per run of characters that the same face prints: each character goes to the first face of
 * the role's chain that has it. Characters no face has, and private-use ones, are left out
 * (never drawn as a box): callers check and report them before. *width (may be NULL) gets the
 * width drawn. Returns BEIAN_OK or BEIAN_EINTERNAL.
 */
int beian_page_add_text(beian_page *page, const beian_fonts *fonts, beian_font_role role,
                        const char *text, size_t a, size_t b, double x, double y, double size,
                        double *width);

/* Appends all pages of src to dst (src keeps nothing). */
int beian_dlist_append(beian_dlist *dst, beian_dlist *src);

/* A text dump of the list, one op a line, for tests; caller frees. */
char *beian_dlist_trace(const beian_dlist *dl);

/*
 * The backend interface: a backend is a set of callbacks over one document. Play walks the
 * list and calls them in order.
 */
typedef struct {
    int (*begin_page)(void *self, const beian_page *page, size_t index);
    int (*draw)(void *self, const beian_op *op);
    int (*end_page)(void *self);
} beian_backend;

int beian_dlist_play(const beian_dlist *dl, const beian_backend *be, void *self);

#endif
