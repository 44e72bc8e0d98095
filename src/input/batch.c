/*
 * batch.c - a sheet's rows as records of a form: header mapping, the cells Excel changed,
 * per-row validation with FILE:LINE messages, and the file names of the printed forms.
 *
 * The header is matched leniently (see beian/batch.h) but never guessed. Offices keep columns
 * of their own (序号, 备注): a column that is no field is ignored, never silently: one note
 * names every such column with the closest field as a suggestion, and with --strict each is
 * an error. A header the paper form repeats (手机, 姓名) is read by its place, and a note says
 * how. Problems the header explains are said once, at the header, not once per row: a sheet
 * of 200 rows without a 群名称 column gets one message.
 */
#define _GNU_SOURCE
#include "beian/batch.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/date.h"
#include "beian/message.h"
#include "ctx_private.h"
#include "util.h"

struct beian_batch {
    const beian_form *form;
    const beian_sheet *sheet;
    int *field_of;        /* per column: field index, or -1 */
    int *column_of;       /* per field: column index, or -1 */
    unsigned char *quiet; /* per field: its absence was reported at the header */
    size_t ncols;
    int name_field; /* field naming the files, or -1 */
};

void beian_batch_free(beian_batch *b)
{
    if (!b) {
        return;
    }
    free(b->field_of);
    free(b->column_of);
    free(b->quiet);
    free(b);
}

/* Excel's column name: 0 -> A, 25 -> Z, 26 -> AA. */
static void column_name(size_t col, char out[8])
{
    char tmp[8];
    size_t n = 0;
    col++;
    while (col > 0 && n < 7) {
        tmp[n++] = (char)('A' + (col - 1) % 26);
        col = (col - 1) / 26;
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = tmp[n - 1 - i];
    }
    out[n] = '\0';
}

/*
 * A header or label in a comparable form: no spaces (ASCII or U+3000), no "*" or "＊"
 * (templates mark required columns so), full-width ASCII (digits, letters, brackets) as
 * ASCII, ASCII letters in lower case. Caller frees.
 */
static char *normalise_name(const char *s)
{
    size_t len = strlen(s);
    char *out = malloc(len + 1);
    size_t o = 0;
    if (!out) {
        return NULL;
    }
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = beian_utf8_decode((const unsigned char *)s + i, len - i, &cp);
        if (k == 0) {
            k = 1;
            cp = (unsigned char)s[i];
        }
        cp = beian_utf8_halfwidth(cp);
        if (cp == ' ' || cp == '\t' || cp == '\r' || cp == '\n' || cp == '*') {
            i += k;
            continue;
        }
        if (cp < 0x80) {
            out[o++] = (char)tolower((int)cp);
        } else {
            char enc[4];
            size_t e = beian_utf8_encode(cp, enc);
            memcpy(out + o, enc, e); /* never longer than the original sequence */
            o += e;
        }
        i += k;
    }
    out[o] = '\0';
    return out;
}

/* The field a header names into *field, or -1. Returns BEIAN_OK or BEIAN_EINTERNAL (no
 * memory: never "no such field"). */
static int match_header(const beian_form *f, const char *header, int *field)
{
    int i = beian_form_field_index(f, header, 1);
    *field = i;
    if (i >= 0) {
        return BEIAN_OK;
    }
    char *h = normalise_name(header);
    if (!h) {
        return BEIAN_EINTERNAL;
    }
    int rc = BEIAN_OK;
    for (size_t k = 0; k < f->nfields && i < 0 && rc == BEIAN_OK; k++) {
        const beian_field *fd = &f->fields[k];
        for (size_t a = 0; a < fd->n_aliases + 2 && i < 0; a++) {
            const char *name = a == 0 ? fd->id : a == 1 ? fd->label : fd->aliases[a - 2];
            char *n = normalise_name(name);
            if (!n) {
                rc = BEIAN_EINTERNAL;
                break;
            }
            if (strcmp(n, h) == 0) {
                i = (int)k;
            }
            free(n);
        }
    }
    free(h);
    *field = i;
    return rc;
}

/* The field a header that matched nothing probably meant into *field, or -1: a label
 * contained in the header ("部门负责人手机号") or containing it, else the form's closest id
 * or label. Returns BEIAN_OK or BEIAN_EINTERNAL. */
static int suggest_field(const beian_form *f, const char *header, int *field)
{
    char *h = normalise_name(header);
    int best = -1;
    size_t best_len = 0;
    *field = -1;
    if (!h) {
        return BEIAN_EINTERNAL;
    }
    for (size_t k = 0; h[0] && k < f->nfields; k++) {
        char *n = normalise_name(f->fields[k].label);
        if (!n) {
            free(h);
            return BEIAN_EINTERNAL;
        }
        if (n[0] && (strstr(h, n) || strstr(n, h)) && strlen(n) > best_len) {
            best = (int)k;
            best_len = strlen(n);
        }
        free(n);
    }
    free(h);
    if (best < 0) {
        const char *id = beian_form_suggest(f, header);
        best = id ? beian_form_field_index(f, id, 0) : -1;
    }
    *field = best;
    return BEIAN_OK;
}

/* The number of rows with a value in column col, and the first of them (its number). */
static size_t headless_values(const beian_batch *b, size_t col, int *first)
{
    size_t rows = beian_sheet_rows(b->sheet), count = 0;
    *first = 0;
    for (size_t r = 0; r < rows; r++) {
        const char *v = beian_sheet_cell(b->sheet, r, col);
        if (v[0] && strspn(v, " \t\r\n") != strlen(v)) {
            if (!count++) {
                *first = beian_sheet_row_number(b->sheet, r);
            }
        }
    }
    return count;
}

/* Columns a note names before "and N more": a sheet of 250 columns gets one readable line. */
enum { NOTE_MAX_COLUMNS = 12 };

/* The header being mapped: what beian_batch_open says once at the end. */
typedef struct {
    beian_batch *b;
    const beian_batch_options *opts;
    beian_problems *pr;
    const char *path;
    int hline;
    beian_buf ignored;  /* the columns that are no field, for one note */
    beian_buf resolved; /* the columns read by their place in the form, for one note */
    size_t nignored, nresolved;
} header_map;

/*
 * The field a header that names no field stands for by its place, into *field (or -1): a word
 * the paper form repeats under several fields (手机 under 管理员姓名 1, 管理员姓名 2 and
 * 部门负责人; 姓名 under each 管理员) is the first of the fields whose label holds it that comes
 * after the field of the column on its left, in the form's order, and has no column yet.
 * Only words of two or more characters without digits, held by two or more labels, are read
 * so: anything else would be a guess.
 */
static int resolve_by_place(const header_map *M, size_t col, const char *header, int *field)
{
    const beian_form *f = M->b->form;
    char *h = normalise_name(header);
    int rc = BEIAN_OK, left = -1;
    size_t holders = 0;
    *field = -1;
    if (!h) {
        return BEIAN_EINTERNAL;
    }
    if (beian_utf8_count(h) < 2 || strpbrk(h, "0123456789")) {
        free(h);
        return BEIAN_OK;
    }
    for (size_t c = col; c-- > 0 && left < 0;) {
        left = M->b->field_of[c];
    }
    for (size_t k = 0; k < f->nfields && rc == BEIAN_OK; k++) {
        char *n = normalise_name(f->fields[k].label);
        if (!n) {
            rc = BEIAN_EINTERNAL;
        } else if (strstr(n, h)) {
            holders++;
            if (*field < 0 && (int)k > left && M->b->column_of[k] < 0) {
                *field = (int)k;
            }
        }
        free(n);
    }
    free(h);
    if (holders < 2) {
        *field = -1;
    }
    return rc;
}

/* A column whose header names no field: with --strict an error with the closest field as a
 * suggestion, else one entry of the note that lists the ignored columns. */
static int unknown_column(header_map *M, const char *name, const char *h)
{
    const beian_form *form = M->b->form;
    int s = -1;
    if (suggest_field(form, h, &s) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    char *hint = s >= 0 ? beian_asprintf("; did you mean %s (%s)?", form->fields[s].id,
                                         form->fields[s].label)
                        : beian_strdup("");
    if (!hint) {
        return BEIAN_EINTERNAL;
    }
    int rc;
    if (M->opts->strict) {
        rc = beian_problems_add(M->pr, BEIAN_SEV_ERROR, M->path, M->hline, 0, NULL, NULL,
                                "column %s \"%s\" is not a field of %s%s; head each column with "
                                "a field id or its Chinese label, or delete the column",
                                name, h, form->id, hint);
    } else if (M->nignored++ < NOTE_MAX_COLUMNS) {
        rc = beian_buf_appendf(&M->ignored, "%s%s \"%s\"%s%s%s", M->nignored > 1 ? ", " : "",
                               name, h, s >= 0 ? " (" : "", s >= 0 ? hint + 2 : "",
                               s >= 0 ? ")" : "");
    } else {
        rc = BEIAN_OK;
    }
    free(hint);
    return rc;
}

/* A column without a header: nothing when it is empty; else refused with --strict, or one
 * entry of the ignored columns' note. */
static int headless_column(header_map *M, size_t col, const char *name)
{
    int first = 0;
    size_t count = headless_values(M->b, col, &first);
    if (count == 0) {
        return BEIAN_OK;
    }
    if (M->opts->strict) {
        return beian_problems_add(
            M->pr, BEIAN_SEV_ERROR, M->path, M->hline, 0, NULL, NULL,
            "column %s has no header, but %zu row%s %s values in it (the first is row %d): head "
            "the column with a field id or Chinese label, or delete it",
            name, count, count == 1 ? "" : "s", count == 1 ? "has" : "have", first);
    }
    if (M->nignored++ >= NOTE_MAX_COLUMNS) {
        return BEIAN_OK;
    }
    return beian_buf_appendf(&M->ignored, "%s%s (no header; values in %zu row%s, the first is "
                                          "row %d)",
                             M->nignored > 1 ? ", " : "", name, count, count == 1 ? "" : "s",
                             first);
}

/* Column col: mapped to its field, or said what it is. */
static int map_column(header_map *M, size_t col)
{
    beian_batch *b = M->b;
    const beian_form *form = b->form;
    const char *h = beian_sheet_header(b->sheet, col);
    char name[8];
    int f = -1;
    column_name(col, name);
    b->field_of[col] = -1;
    if (strspn(h, " \t\r\n") == strlen(h)) {
        return headless_column(M, col, name);
    }
    if (match_header(form, h, &f) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    if (f < 0) {
        if (resolve_by_place(M, col, h, &f) != BEIAN_OK) {
            return BEIAN_EINTERNAL;
        }
        if (f >= 0 && beian_buf_appendf(&M->resolved, "%s%s \"%s\" as %s (%s)",
                                        M->nresolved++ ? ", " : "", name, h, form->fields[f].id,
                                        form->fields[f].label) != BEIAN_OK) {
            return BEIAN_EINTERNAL;
        }
    }
    if (f < 0) {
        return unknown_column(M, name, h);
    }
    if (b->column_of[f] >= 0) {
        char first[8];
        column_name((size_t)b->column_of[f], first);
        return beian_problems_add_msg(
            M->pr, BEIAN_SEV_ERROR, M->path, M->hline, 0, form->fields[f].id,
            form->fields[f].label, BEIAN_MSG_COLUMN_TWICE,
            BEIAN_MSG_ARGS(first, beian_sheet_header(b->sheet, (size_t)b->column_of[f]), name, h));
    }
    b->column_of[f] = (int)col;
    b->field_of[col] = f;
    return BEIAN_OK;
}

/* The fields the sheet has no column for: a required one, or a group of "one of" fields
 * none of which has a column, said once at the header (and not again per row). */
static int check_required(header_map *M)
{
    beian_batch *b = M->b;
    const beian_form *form = b->form;
    for (size_t k = 0; k < form->nfields; k++) {
        const beian_field *fd = &form->fields[k];
        if (fd->required && b->column_of[k] < 0) {
            if (beian_problems_add_msg(M->pr, BEIAN_SEV_ERROR, M->path, M->hline, 0, fd->id,
                                       fd->label, BEIAN_MSG_COLUMN_REQUIRED,
                                       BEIAN_MSG_ARGS(fd->id, fd->label)) != BEIAN_OK) {
                return BEIAN_EINTERNAL;
            }
            b->quiet[k] = 1;
        }
    }
    for (size_t g = 0; g < form->n_one_of; g++) {
        const int *grp = form->one_of[g];
        int any = 0, grc = BEIAN_OK;
        beian_buf names;
        beian_buf_init(&names);
        for (const int *k = grp; *k >= 0 && grc == BEIAN_OK; k++) {
            any |= b->column_of[*k] >= 0;
            grc = beian_buf_appendf(&names, "%s%s (%s)",
                                    k == grp   ? ""
                                    : k[1] < 0 ? " or "
                                               : ", ",
                                    form->fields[*k].id, form->fields[*k].label);
        }
        if (grc == BEIAN_OK && !any && grp[0] >= 0) {
            grc = beian_problems_add_msg(M->pr, BEIAN_SEV_ERROR, M->path, M->hline, 0, NULL,
                                         NULL, BEIAN_MSG_COLUMN_ONE_OF,
                                         BEIAN_MSG_ARGS((const char *)names.data));
            for (const int *k = grp; *k >= 0; k++) {
                b->quiet[*k] = 1;
            }
        }
        beian_buf_release(&names);
        if (grc != BEIAN_OK) {
            return BEIAN_EINTERNAL;
        }
    }
    return BEIAN_OK;
}

/* The two notes of a lenient header: the columns ignored, and those read by their place. */
static int header_notes(header_map *M)
{
    int rc = BEIAN_OK;
    if (M->nignored > NOTE_MAX_COLUMNS) {
        rc = beian_buf_appendf(&M->ignored, " and %zu more", M->nignored - NOTE_MAX_COLUMNS);
    }
    if (rc == BEIAN_OK && M->nignored && beian_buf_terminate(&M->ignored) == BEIAN_OK) {
        rc = beian_problems_add(M->pr, BEIAN_SEV_NOTE, M->path, M->hline, 0, NULL, NULL,
                                "%s %s %s no field of %s and %s ignored (with --strict a column "
                                "that is no field is refused)",
                                M->nignored == 1 ? "column" : "columns",
                                (const char *)M->ignored.data, M->nignored == 1 ? "is" : "are",
                                M->b->form->id, M->nignored == 1 ? "is" : "are");
    }
    if (rc == BEIAN_OK && M->nresolved && beian_buf_terminate(&M->resolved) == BEIAN_OK) {
        rc = beian_problems_add(M->pr, BEIAN_SEV_NOTE, M->path, M->hline, 0, NULL, NULL,
                                "%s read by %s place in the form (the field after the column on "
                                "%s left): %s",
                                M->nresolved == 1 ? "a header the form repeats is"
                                                  : "headers the form repeats are",
                                M->nresolved == 1 ? "its" : "their",
                                M->nresolved == 1 ? "its" : "their",
                                (const char *)M->resolved.data);
    }
    return rc;
}

int beian_batch_new(const beian_form *form, const beian_sheet *sheet, beian_batch **out,
                    beian_problems *pr)
{
    return beian_batch_open(form, sheet, NULL, out, pr);
}

int beian_batch_open(const beian_form *form, const beian_sheet *sheet,
                     const beian_batch_options *opts, beian_batch **out, beian_problems *pr)
{
    static const beian_batch_options defaults = BEIAN_BATCH_OPTIONS_INIT;
    beian_batch *b = calloc(1, sizeof *b);
    header_map M = {.b = b, .opts = opts ? opts : &defaults, .pr = pr,
                    .path = beian_sheet_path(sheet), .hline = beian_sheet_header_line(sheet)};
    int rc = BEIAN_EINTERNAL;
    beian_buf_init(&M.ignored);
    beian_buf_init(&M.resolved);
    *out = NULL;
    if (!b) {
        return BEIAN_EINTERNAL;
    }
    b->form = form;
    b->sheet = sheet;
    b->ncols = beian_sheet_columns(sheet);
    /* rows may be wider than the header: their extra cells are headless columns */
    size_t width = b->ncols;
    for (size_t r = 0; r < beian_sheet_rows(sheet); r++) {
        size_t n = beian_sheet_row_cells(sheet, r);
        width = n > width ? n : width;
    }
    b->field_of = malloc((width ? width : 1) * sizeof *b->field_of);
    b->column_of = malloc((form->nfields ? form->nfields : 1) * sizeof *b->column_of);
    b->quiet = calloc(form->nfields ? form->nfields : 1, 1);
    if (!b->field_of || !b->column_of || !b->quiet) {
        goto done;
    }
    for (size_t k = 0; k < form->nfields; k++) {
        b->column_of[k] = -1;
    }
    for (size_t c = 0; c < width; c++) {
        if (map_column(&M, c) != BEIAN_OK) {
            goto done;
        }
    }
    if (header_notes(&M) != BEIAN_OK || check_required(&M) != BEIAN_OK) {
        goto done;
    }
    b->ncols = width;
    b->name_field = beian_form_field_index(form, "group_name", 0);
    if (b->name_field < 0) {
        b->name_field = beian_form_field_index(form, "name", 0);
    }
    for (size_t k = 0; k < form->nfields && b->name_field < 0; k++) {
        if (form->fields[k].required && form->fields[k].type == BEIAN_FIELD_TEXT) {
            b->name_field = (int)k;
        }
    }
    *out = b;
    b = NULL;
    rc = BEIAN_OK;
done:
    beian_buf_release(&M.ignored);
    beian_buf_release(&M.resolved);
    beian_batch_free(b);
    return rc;
}

size_t beian_batch_rows(const beian_batch *b)
{
    return beian_sheet_rows(b->sheet);
}

int beian_batch_line(const beian_batch *b, size_t row)
{
    return beian_sheet_row_line(b->sheet, row);
}

int beian_batch_row_number(const beian_batch *b, size_t row)
{
    return beian_sheet_row_number(b->sheet, row);
}

/* ---- what Excel does to numbers ---- */

static int all_digits(const char *s)
{
    if (!*s) {
        return 0;
    }
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s)) {
            return 0;
        }
    }
    return 1;
}

/* 1.39E+10, 1.3895E10, -2E+05: how Excel shows a long number in a General column. */
static int is_scientific(const char *s)
{
    const char *p = s;
    if (*p == '+' || *p == '-') {
        p++;
    }
    if (!isdigit((unsigned char)*p)) {
        return 0;
    }
    while (isdigit((unsigned char)*p)) {
        p++;
    }
    if (*p == '.') {
        p++;
        if (!isdigit((unsigned char)*p)) {
            return 0;
        }
        while (isdigit((unsigned char)*p)) {
            p++;
        }
    }
    if (*p != 'E' && *p != 'e') {
        return 0;
    }
    p++;
    if (*p == '+' || *p == '-') {
        p++;
    }
    if (!isdigit((unsigned char)*p)) {
        return 0;
    }
    while (isdigit((unsigned char)*p)) {
        p++;
    }
    return *p == '\0';
}

/* 13895012345.0: digits, a point, only zeros. */
static int is_decimal_integer(const char *s)
{
    const char *dot = strchr(s, '.');
    if (!dot || dot == s) {
        return 0;
    }
    for (const char *p = s; p < dot; p++) {
        if (!isdigit((unsigned char)*p)) {
            return 0;
        }
    }
    if (!dot[1]) {
        return 0;
    }
    for (const char *p = dot + 1; *p; p++) {
        if (*p != '0') {
            return 0;
        }
    }
    return 1;
}

/*
 * What Excel did to value (a copy of the cell, trimmed) in a field of this type: the message
 * id (beian/message.h) with, for an office number that lost its 0, the area code without its
 * 0 in area, the rest of the number in *rest and what stored it in *by; BEIAN_MSG_NONE when
 * the cell looks as typed.
 */
static beian_msg excel_damage(const beian_field *fd, const char *v, int flags, char area[4],
                              const char **rest, const char **by)
{
    int numeric = fd->type == BEIAN_FIELD_MOBILE || fd->type == BEIAN_FIELD_PHONE ||
                  fd->type == BEIAN_FIELD_OFFICE_PHONE || fd->type == BEIAN_FIELD_COUNT;
    if ((numeric || fd->type == BEIAN_FIELD_TEXT) && is_scientific(v)) {
        return BEIAN_MSG_EXCEL_SCIENTIFIC;
    }
    if (!numeric || fd->type == BEIAN_FIELD_COUNT) {
        return BEIAN_MSG_NONE;
    }
    if (is_decimal_integer(v)) {
        return BEIAN_MSG_EXCEL_DECIMALS;
    }
    size_t n = strlen(v);
    int office = fd->type == BEIAN_FIELD_OFFICE_PHONE ||
                 (fd->type == BEIAN_FIELD_PHONE && !(n == 11 && v[0] == '1'));
    if (office && all_digits(v) && v[0] != '0' && n >= 9 && n <= 12) {
        /* area codes are 010 and 02x (two digits after the 0) or three digits after it */
        size_t k = v[0] == '1' || v[0] == '2' ? 2 : 3;
        memcpy(area, v, k);
        area[k] = '\0';
        *rest = v + k;
        *by = flags & BEIAN_CELL_NUMBER ? "the workbook" : "Excel";
        return BEIAN_MSG_EXCEL_LEADING_ZERO;
    }
    return BEIAN_MSG_NONE;
}

/* A date as Excel shows it in the system's format (2026/11/24, 2026年11月24日, ...) as
 * YYYY-MM-DD into out; 0 if it is none (the validator then says why). */
static int normalise_date(const char *v, char out[32])
{
    return beian_date_parse(v, out, NULL, 0) == BEIAN_DATE_OK;
}

/* Excel's date serial (1900 date system: day 1 is 1900-01-01, with its phantom 1900-02-29)
 * as YYYY-MM-DD; 0 when it is not a whole number of days from 1900-03-01 to 2199. */
static int serial_date(const char *v, char out[32])
{
    if (!all_digits(v) || strlen(v) > 6) {
        return 0;
    }
    long serial = strtol(v, NULL, 10);
    if (serial < 61 || serial > 109572) {
        return 0;
    }
    beian_date_from_days(serial - 25569, out); /* Excel's day 25569 is 1970-01-01 */
    return beian_date_valid(out);
}

static char *trim_copy(const char *s)
{
    size_t a = 0, b = strlen(s);
    while (a < b && strchr(" \t\r\n", s[a])) {
        a++;
    }
    while (b > a && strchr(" \t\r\n", s[b - 1])) {
        b--;
    }
    return beian_strndup(s + a, b - a);
}

/* A problem of the record, with its message id and arguments when it has one (so that a page
 * says it in its language), on the sheet's row when it has no line of its own. */
static int copy_problem(beian_problems *pr, const beian_problem *p, int line)
{
    int at = p->line ? p->line : line;
    if (p->msg) {
        return beian_problems_add_msg(pr, p->severity, p->file, at, p->column, p->field, p->label,
                                      (beian_msg)p->msg, p->nargs,
                                      (const char *const *)p->args);
    }
    return beian_problems_add(pr, p->severity, p->file, at, p->column, p->field, p->label, "%s",
                              p->message);
}

int beian_batch_record(const beian_batch *b, size_t row, beian_record **out, beian_problems *pr)
{
    const beian_form *f = b->form;
    const char *path = beian_sheet_path(b->sheet);
    /* every problem of the row names it by the number Excel or WPS shows at its left, which
     * differs from the CSV file's line when a cell above holds a line break */
    int line = beian_sheet_row_number(b->sheet, row);
    beian_record *rec = beian_record_new(f);
    beian_problems *mine = beian_problems_new();
    unsigned char *damaged = calloc(f->nfields ? f->nfields : 1, 1);
    int rc = BEIAN_EINTERNAL;
    *out = NULL;
    if (!rec || !mine || !damaged || !(rec->path = beian_strdup(path))) {
        goto done;
    }
    for (size_t c = 0; c < b->ncols; c++) {
        int k = b->field_of[c];
        if (k < 0) {
            continue;
        }
        const beian_field *fd = &f->fields[k];
        const char *cell = beian_sheet_cell(b->sheet, row, c);
        int flags = beian_sheet_cell_flags(b->sheet, row, c);
        char *v = trim_copy(cell);
        char date[32];
        if (!v) {
            goto done;
        }
        char area[4] = "";
        const char *rest = "", *by = "";
        beian_msg why = v[0] ? excel_damage(fd, v, flags, area, &rest, &by) : BEIAN_MSG_NONE;
        if (why) {
            damaged[k] = 1;
            if (beian_problems_add_msg(pr, BEIAN_SEV_ERROR, path, line, 0, fd->id, fd->label,
                                       why, BEIAN_MSG_ARGS(v, area, rest, by)) != BEIAN_OK) {
                free(v);
                goto done;
            }
        }
        const char *value = cell;
        if (fd->type == BEIAN_FIELD_DATE &&
            ((flags & BEIAN_CELL_NUMBER) ? serial_date(v, date) : normalise_date(v, date))) {
            value = date;
        }
        int set = beian_record_set(rec, k, value, line);
        free(v);
        if (set != BEIAN_OK) {
            goto done;
        }
    }
    if (beian_record_normalise(rec, mine) != BEIAN_OK) {
        goto done;
    }
    beian_record_validate(rec, mine);
    if (beian_problems_lost(mine)) {
        goto done; /* a refusal is only as good as its list of problems */
    }
    for (size_t i = 0; i < beian_problems_count(mine); i++) {
        const beian_problem *p = beian_problems_get(mine, i);
        int k = p->field ? beian_form_field_index(f, p->field, 0) : -1;
        if (k >= 0 && (damaged[k] || b->quiet[k])) {
            continue; /* said above, or at the header */
        }
        if (copy_problem(pr, p, line) != BEIAN_OK) {
            goto done;
        }
    }
    rc = BEIAN_OK;
    for (size_t k = 0; k < f->nfields; k++) {
        if (damaged[k]) {
            rc = BEIAN_EDATA;
        }
    }
    if (beian_problems_errors(mine) > 0) {
        /* only errors the header explained: the record still cannot be printed */
        rc = BEIAN_EDATA;
    }
    if (rc == BEIAN_OK) {
        *out = rec;
        rec = NULL;
    }
done:
    beian_record_free(rec);
    beian_problems_free(mine);
    free(damaged);
    return rc;
}

/* ---- file names ---- */

/* Characters Windows forbids in names, and ones that make shell use awkward. */
static int unsafe_char(uint32_t cp)
{
    return cp < 0x20 || cp == 0x7F || (cp < 0x80 && strchr("/\\:*?\"<>|", (int)cp)) || cp == ' ' ||
           cp == 0x3000 || (cp >= 0x2028 && cp <= 0x2029) || cp == 0xFEFF;
}

enum {
    NAME_MAX_BYTES = 80
}; /* of the name part: short enough for every file system's
      255-byte limit and for Windows' 260-character paths */

char *beian_batch_name(const beian_batch *b, size_t row, const beian_record *rec)
{
    size_t rows = beian_batch_rows(b);
    int number = beian_batch_row_number(b, row);
    int last = rows ? beian_batch_row_number(b, rows - 1) : 0;
    int width = 4;
    for (int n = last; n >= 10000; n /= 10) {
        width++;
    }
    const char *v = rec && b->name_field >= 0 ? rec->values[b->name_field] : NULL;
    beian_buf name;
    beian_buf_init(&name);
    size_t len = v ? strlen(v) : 0;
    int rc = BEIAN_OK;
    for (size_t i = 0; i < len && rc == BEIAN_OK;) {
        uint32_t cp;
        size_t k = beian_utf8_decode((const unsigned char *)v + i, len - i, &cp);
        if (k == 0) {
            break;
        }
        if (name.len + k > NAME_MAX_BYTES) {
            break;
        }
        if (unsafe_char(cp)) {
            if (name.len > 0 && name.data[name.len - 1] != '_') {
                rc = beian_buf_append(&name, "_", 1);
            }
        } else if (!(name.len == 0 && (cp == '.' || cp == '-' || cp == '_'))) {
            rc = beian_buf_append(&name, v + i, k);
        }
        i += k;
    }
    if (rc != BEIAN_OK) {
        beian_buf_release(&name);
        return NULL; /* never a shorter name */
    }
    /* Windows drops trailing dots and spaces; a trailing '_' only looks broken */
    while (name.len > 0 && (name.data[name.len - 1] == '.' || name.data[name.len - 1] == '_')) {
        name.len--;
    }
    char *out = name.len ? beian_asprintf("%0*d-%.*s", width, number, (int)name.len,
                                          (const char *)name.data)
                         : beian_asprintf("%0*d", width, number);
    beian_buf_release(&name);
    return out;
}
