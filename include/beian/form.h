/*
 * beian/form.h - form definitions: the paper form as data.
 *
 * A definition (forms/<id>.json) gives the page, the column grid in mm, the rows with
 * their heights, the cells with their spans and kinds, and the fields with their Chinese
 * labels, types and limits. The loader refuses an invalid definition (unknown cell kind,
 * spans that do not fill the grid, a field bound twice, ...) naming the file and the place.
 */
#ifndef BEIAN_FORM_H
#define BEIAN_FORM_H

#include <stddef.h>

#include "beian/common.h"

typedef enum {
    BEIAN_FIELD_TEXT,         /* one paragraph of text */
    BEIAN_FIELD_MULTILINE,    /* text with line breaks */
    BEIAN_FIELD_MOBILE,       /* 11 digits, 1[3-9]xxxxxxxxx */
    BEIAN_FIELD_PHONE,        /* a mobile or an office number */
    BEIAN_FIELD_OFFICE_PHONE, /* area code and number, e.g. 0951-1234567 */
    BEIAN_FIELD_EMAIL,
    BEIAN_FIELD_DATE,  /* YYYY-MM-DD, printed as 2026年11月24日 */
    BEIAN_FIELD_COUNT, /* a positive integer */
    BEIAN_FIELD_QR,    /* a QR payload, printed as a QR code */
    BEIAN_FIELD_IMAGE  /* a picture file, path relative to the data file */
} beian_field_type;

typedef struct {
    char *id;
    char *label;       /* the Chinese label, as users know the field */
    beian_field_type type;
    int required;
    size_t max_chars;  /* in characters (code points) */
    int continuation;  /* may continue on a 续页 when it does not fit its cell */
    char **aliases;    /* other accepted names (CSV headers) */
    size_t n_aliases;
    char *example;     /* a valid example value, for messages */
    int valid_days;    /* date fields: how long what it dates stays valid (a WeChat group code:
                          7 days); 0 when it does not expire */
} beian_field;

typedef enum {
    BEIAN_CELL_LABEL,  /* fixed text */
    BEIAN_CELL_FIELD,  /* one field's value, optionally after a prefix */
    BEIAN_CELL_FIELDS, /* several "prefix value" parts, one per line */
    BEIAN_CELL_SIGN,   /* signature and seal block: signer line and 年 月 日 */
    BEIAN_CELL_QR      /* a QR code from a field, with an optional number under it */
} beian_cell_kind;

typedef enum { BEIAN_ALIGN_CENTER, BEIAN_ALIGN_LEFT } beian_align;

typedef struct {
    char *prefix; /* printed before the value, e.g. "名称：" (may be NULL) */
    int field;    /* index into the form's fields */
} beian_cell_part;

typedef struct {
    beian_cell_kind kind;
    int row, col, rowspan, colspan;
    beian_align align;
    char *text;             /* LABEL: the text; SIGN: the signer line ("负责人（签字盖章）：") */
    beian_cell_part *parts; /* FIELD (one part) and FIELDS */
    size_t n_parts;
    int seal;               /* draw a dashed seal circle where the 公章 goes */
    int qr_field;           /* QR: field holding the payload */
    int qr_image_field;     /* QR: field holding a picture of the code, or -1 */
    int qr_number_field;    /* QR: field printed under the code (群号), or -1 */
    char *qr_number_prefix; /* QR: e.g. "群号：" */
    int qr_date_field;      /* QR: field with the date the code was made, printed small, or -1 */
    char *qr_date_prefix;   /* QR: e.g. "二维码生成日期：" */
} beian_cell;

typedef struct {
    double label, value, min, title, attachment, note; /* font sizes in pt */
} beian_form_sizes;

typedef struct {
    char *id;
    char *path;          /* the file it was loaded from */
    char *attachment;    /* "附件4" */
    char *title[2];      /* the two title lines */
    double page_w, page_h;                  /* mm */
    double margin_top, margin_right, margin_bottom, margin_left; /* mm */
    double *col_w;       /* mm */
    int ncols;
    double *row_h;       /* mm */
    int nrows;
    beian_cell *cells;
    size_t ncells;
    beian_field *fields;
    size_t nfields;
    char **notes;        /* lines printed under the table ("备注：一个群填写一张。") */
    size_t nnotes;
    int **one_of;        /* groups of field indexes of which at least one is required; -1 ends */
    size_t n_one_of;
    beian_form_sizes sizes;
    unsigned char *source; /* the definition's bytes, archived with the record */
    size_t source_len;
} beian_form;

/* Loads and checks one definition file. On BEIAN_ECONFIG the problems say what and where. */
int beian_form_load_file(beian_ctx *ctx, const char *path, beian_form **out,
                         beian_problems *problems);
/* Parses a definition from memory (path names it in messages). */
int beian_form_load_buffer(beian_ctx *ctx, const char *path, const unsigned char *data,
                           size_t len, beian_form **out, beian_problems *problems);
/* Loads <forms_dir>/<id>.json. BEIAN_EDATA when there is no such form (id not safe or absent). */
int beian_form_load(beian_ctx *ctx, const char *id, beian_form **out, beian_problems *problems);
void beian_form_free(beian_form *form);

/* Lists the ids of the forms in the forms directory, sorted; caller frees with
 * beian_form_ids_free. */
int beian_form_ids(beian_ctx *ctx, char ***ids, size_t *n);
void beian_form_ids_free(char **ids, size_t n);

/* Index of the field with this id (or, if by_label, this label or alias), or -1. */
int beian_form_field_index(const beian_form *form, const char *name, int by_label);
/* The field whose id is closest to name (edit distance), or NULL. */
const char *beian_form_suggest(const beian_form *form, const char *name);
const char *beian_field_type_name(beian_field_type type);

#endif
