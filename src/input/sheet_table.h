/*
 * sheet_table.h - the table builder (sheet_table.c) that the sheet readers (csv.c, xlsx.c)
 * push cells into. A reader pushes cells into the current row and then ends the row with its line;
 * the builder drops rows whose cells are all empty, makes the first non-empty row the
 * header, and enforces the row, column and cell limits of beian/sheet.h.
 */
#ifndef BEIAN_SHEET_TABLE_H
#define BEIAN_SHEET_TABLE_H

#include <stddef.h>

#include "beian/sheet.h"
#include "util.h"

typedef struct {
    size_t off; /* offset of the NUL-terminated text in the sheet's arena; SIZE_MAX: empty */
    int flags;  /* BEIAN_CELL_* */
} sheet_cell;

typedef struct {
    int line;     /* line (CSV) or row number (xlsx) where the row starts */
    int number;   /* the row's number in a spreadsheet program (records, blank ones too) */
    size_t first; /* index of its first cell in the cell array */
    size_t n;     /* number of cells */
} sheet_row;

struct beian_sheet {
    char *path;
    char *format;
    beian_buf arena; /* cell texts, each NUL-terminated */
    sheet_cell *cells;
    size_t ncells, cells_cap;
    sheet_row *rows; /* rows[0] is the header once there is one */
    size_t nrows, rows_cap;
    /* the row being built */
    size_t row_first; /* its first cell */
    size_t row_arena; /* arena length when it began (to drop an empty row) */
    int row_nonempty;
};

beian_sheet *beian_sheet_alloc(const char *path);
/*
 * Appends a cell at column col of the current row (col >= the cells it already has; a gap is
 * filled with empty cells). Returns BEIAN_OK, BEIAN_EDATA (a limit; the problem names line)
 * or BEIAN_EINTERNAL (no memory).
 */
int beian_sheet_push_cell(beian_sheet *sh, size_t col, const char *text, size_t len, int flags,
                          int line, beian_problems *problems);
/* Ends the current row, which started on line and is row `number` in a spreadsheet program.
 * Same returns as beian_sheet_push_cell. */
int beian_sheet_end_row(beian_sheet *sh, int line, int number, beian_problems *problems);
/* Replaces the format description (copied). */
int beian_sheet_set_format(beian_sheet *sh, const char *format);

#endif
