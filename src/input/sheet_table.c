/*
 * sheet_table.c - the table a spreadsheet becomes: the builder the CSV and xlsx readers push
 * cells into, and the accessors of beian/sheet.h.
 *
 * The table keeps every cell's text in one arena so that a 10 000-row sheet costs a few
 * megabytes, not one allocation per cell. The builder drops rows whose cells are all empty,
 * makes the first non-empty row the header, and enforces the limits of beian/sheet.h.
 */
#include "sheet_table.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

beian_sheet *beian_sheet_alloc(const char *path)
{
    beian_sheet *sh = calloc(1, sizeof *sh);
    if (!sh) {
        return NULL;
    }
    beian_buf_init(&sh->arena);
    sh->path = beian_strdup(path ? path : "");
    sh->format = beian_strdup("");
    if (!sh->path || !sh->format) {
        beian_sheet_free(sh);
        return NULL;
    }
    return sh;
}

void beian_sheet_free(beian_sheet *sh)
{
    if (!sh) {
        return;
    }
    beian_buf_release(&sh->arena);
    free(sh->cells);
    free(sh->rows);
    free(sh->path);
    free(sh->format);
    free(sh);
}

int beian_sheet_set_format(beian_sheet *sh, const char *format)
{
    char *f = beian_strdup(format);
    if (!f) {
        return BEIAN_EINTERNAL;
    }
    free(sh->format);
    sh->format = f;
    return BEIAN_OK;
}

static int push_empty(beian_sheet *sh)
{
    if (BEIAN_ARRAY_GROW(sh->cells, sh->cells_cap, sh->ncells + 1) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    sh->cells[sh->ncells].off = SIZE_MAX;
    sh->cells[sh->ncells].flags = 0;
    sh->ncells++;
    return BEIAN_OK;
}

int beian_sheet_push_cell(beian_sheet *sh, size_t col, const char *text, size_t len, int flags,
                          int line, beian_problems *pr)
{
    size_t have = sh->ncells - sh->row_first;
    if (col >= BEIAN_SHEET_MAX_COLUMNS) {
        if (len == 0) {
            return BEIAN_OK; /* an empty cell far to the right changes nothing */
        }
        beian_problems_add(pr, BEIAN_SEV_ERROR, sh->path, line, 0, NULL, NULL,
                           "the row has a value in column %zu; a sheet may have at most %d "
                           "columns: delete the columns that are not fields of the form",
                           col + 1, BEIAN_SHEET_MAX_COLUMNS);
        return BEIAN_EDATA;
    }
    if (col < have) {
        return BEIAN_EINTERNAL; /* a reader bug: cells go left to right */
    }
    if (len > BEIAN_SHEET_MAX_CELL_BYTES) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, sh->path, line, 0, NULL, NULL,
                           "a cell in column %zu holds %zu bytes; beian reads cells of at most "
                           "%d KiB (is a quote character (\") missing at the end of a cell?)",
                           col + 1, len, BEIAN_SHEET_MAX_CELL_BYTES / 1024);
        return BEIAN_EDATA;
    }
    while (have < col) {
        if (push_empty(sh) != BEIAN_OK) {
            return BEIAN_EINTERNAL;
        }
        have++;
    }
    if (push_empty(sh) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    if (len == 0) {
        return BEIAN_OK;
    }
    sheet_cell *c = &sh->cells[sh->ncells - 1];
    c->off = sh->arena.len;
    c->flags = flags;
    if (beian_buf_append(&sh->arena, text, len) != BEIAN_OK ||
        beian_buf_append(&sh->arena, "", 1) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    /* a cell of only blanks counts as empty for the "is the row empty" test */
    for (size_t i = 0; i < len && !sh->row_nonempty; i++) {
        if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n') {
            sh->row_nonempty = 1;
        }
    }
    return BEIAN_OK;
}

int beian_sheet_end_row(beian_sheet *sh, int line, int number, beian_problems *pr)
{
    int rc = BEIAN_OK;
    if (!sh->row_nonempty) {
        /* drop it: Excel writes ",,,,," for rows that were only formatted */
        sh->ncells = sh->row_first;
        sh->arena.len = sh->row_arena;
        goto done;
    }
    if (sh->nrows >= (size_t)BEIAN_SHEET_MAX_ROWS + 1) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, sh->path, line, 0, NULL, NULL,
                           "the sheet has more than %d rows; split it into smaller sheets",
                           BEIAN_SHEET_MAX_ROWS);
        rc = BEIAN_EDATA;
        goto done;
    }
    if (BEIAN_ARRAY_GROW(sh->rows, sh->rows_cap, sh->nrows + 1) != BEIAN_OK) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    sh->rows[sh->nrows].line = line;
    sh->rows[sh->nrows].number = number;
    sh->rows[sh->nrows].first = sh->row_first;
    sh->rows[sh->nrows].n = sh->ncells - sh->row_first;
    sh->nrows++;
done:
    sh->row_first = sh->ncells;
    sh->row_arena = sh->arena.len;
    sh->row_nonempty = 0;
    return rc;
}

const char *beian_sheet_path(const beian_sheet *sh)
{
    return sh->path;
}

const char *beian_sheet_format(const beian_sheet *sh)
{
    return sh->format;
}

static const char *cell_text(const beian_sheet *sh, const sheet_row *r, size_t col)
{
    if (col >= r->n) {
        return "";
    }
    const sheet_cell *c = &sh->cells[r->first + col];
    return c->off == SIZE_MAX ? "" : (const char *)sh->arena.data + c->off;
}

size_t beian_sheet_columns(const beian_sheet *sh)
{
    return sh->nrows ? sh->rows[0].n : 0;
}

const char *beian_sheet_header(const beian_sheet *sh, size_t col)
{
    return sh->nrows ? cell_text(sh, &sh->rows[0], col) : "";
}

int beian_sheet_header_line(const beian_sheet *sh)
{
    return sh->nrows ? sh->rows[0].line : 0;
}

size_t beian_sheet_rows(const beian_sheet *sh)
{
    return sh->nrows ? sh->nrows - 1 : 0;
}

int beian_sheet_row_line(const beian_sheet *sh, size_t row)
{
    return row + 1 < sh->nrows ? sh->rows[row + 1].line : 0;
}

int beian_sheet_row_number(const beian_sheet *sh, size_t row)
{
    return row + 1 < sh->nrows ? sh->rows[row + 1].number : 0;
}

size_t beian_sheet_row_cells(const beian_sheet *sh, size_t row)
{
    return row + 1 < sh->nrows ? sh->rows[row + 1].n : 0;
}

const char *beian_sheet_cell(const beian_sheet *sh, size_t row, size_t col)
{
    return row + 1 < sh->nrows ? cell_text(sh, &sh->rows[row + 1], col) : "";
}

int beian_sheet_cell_flags(const beian_sheet *sh, size_t row, size_t col)
{
    if (row + 1 >= sh->nrows || col >= sh->rows[row + 1].n) {
        return 0;
    }
    return sh->cells[sh->rows[row + 1].first + col].flags;
}
