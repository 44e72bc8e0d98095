/*
 * beian/sheet.h - spreadsheets as the office has them: a table of text cells.
 *
 * A sheet is read from a CSV file (GB18030/GBK as Excel saves "CSV (逗号分隔)" on Chinese
 * Windows, UTF-8 with or without a BOM, UTF-16 with a BOM and tabs as "Unicode 文本") or from
 * the first worksheet (or a named one) of an .xlsx workbook. Every cell is kept as the text
 * the file holds, converted to UTF-8; nothing is interpreted as a number or a date here (what
 * a cell means is the batch module's business). Each row remembers the line it starts on in
 * the file (the row number in a workbook) so that messages read FILE:LINE.
 *
 * Untrusted input has limits: the file size, the rows, the columns and the length of a cell
 * (BEIAN_SHEET_MAX_*); a workbook's parts are inflated in a stream with their own size limit.
 */
#ifndef BEIAN_SHEET_H
#define BEIAN_SHEET_H

#include <stddef.h>

#include "beian/common.h"

/* Largest CSV file, and largest .xlsx file, beian reads (a 10 000-row sheet is about 3 MB). */
#define BEIAN_SHEET_MAX_BYTES (64u * 1024 * 1024)
/* Largest inflated worksheet or shared-string part of a workbook (zip bombs stop here). */
#define BEIAN_SHEET_MAX_PART_BYTES (256u * 1024 * 1024)
#define BEIAN_SHEET_MAX_ROWS 100000
#define BEIAN_SHEET_MAX_COLUMNS 256
/* A cell longer than this is refused (no field of a form allows more than a few hundred
 * characters; this only bounds memory). */
#define BEIAN_SHEET_MAX_CELL_BYTES (64 * 1024)

typedef struct beian_sheet beian_sheet;

typedef struct {
    /* NULL to detect (BOM, then strict UTF-8, else GB18030); else one of "utf-8", "gb18030"
     * ("gbk", "gb2312" and "cp936" are read as GB18030, their superset), "utf-16le",
     * "utf-16be", "utf-16" (BOM decides). Ignored for .xlsx. */
    const char *encoding;
    /* .xlsx: the worksheet to read by its tab name; NULL for the first one. */
    const char *sheet_name;
} beian_sheet_options;

#define BEIAN_SHEET_OPTIONS_INIT                                                                   \
    {                                                                                              \
        NULL, NULL                                                                                 \
    }

/* Bits of beian_sheet_cell_flags. */
enum {
    BEIAN_CELL_NUMBER = 1 /* .xlsx: the cell holds a number, not text */
};

/*
 * Reads a sheet from a file. The format is decided by the content (a ZIP is a workbook),
 * not by the name. BEIAN_ENOINPUT when the file is missing or unreadable; BEIAN_EDATA when it
 * cannot be read as a sheet, with the problems saying where and what to do (naming `path`).
 * *out is set only on BEIAN_OK and is owned by the caller.
 */
int beian_sheet_read_file(const char *path, const beian_sheet_options *opts, beian_sheet **out,
                          beian_problems *problems);
/* The same from memory; path names the data in messages. data is borrowed. */
int beian_sheet_read_buffer(const char *path, const unsigned char *data, size_t len,
                            const beian_sheet_options *opts, beian_sheet **out,
                            beian_problems *problems);
void beian_sheet_free(beian_sheet *sheet);

/* The file's name as given, for messages. */
const char *beian_sheet_path(const beian_sheet *sheet);
/* How the file was read, for notes: "UTF-8", "UTF-8 with BOM", "GB18030", "UTF-16LE",
 * "xlsx sheet 名称". */
const char *beian_sheet_format(const beian_sheet *sheet);

/* Number of columns of the header row. */
size_t beian_sheet_columns(const beian_sheet *sheet);
/* Header text of column col (as in the file), "" when empty. */
const char *beian_sheet_header(const beian_sheet *sheet, size_t col);
/* Line of the header row in the file (1 unless blank lines precede it). */
int beian_sheet_header_line(const beian_sheet *sheet);

/* Number of data rows (rows whose cells are all empty are left out). */
size_t beian_sheet_rows(const beian_sheet *sheet);
/* Line (CSV) or row number (xlsx) where data row `row` (0-based) starts. */
int beian_sheet_row_line(const beian_sheet *sheet, size_t row);
/* The row's number as Excel or WPS shows it: differs from the line in a CSV file when a cell
 * above holds a line break. */
int beian_sheet_row_number(const beian_sheet *sheet, size_t row);
/* Number of cells the row has (may exceed the header's columns). */
size_t beian_sheet_row_cells(const beian_sheet *sheet, size_t row);
/* Cell text (UTF-8, not trimmed); "" for an empty or absent cell. */
const char *beian_sheet_cell(const beian_sheet *sheet, size_t row, size_t col);
int beian_sheet_cell_flags(const beian_sheet *sheet, size_t row, size_t col);

#endif
