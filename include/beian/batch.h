/*
 * beian/batch.h - the rows of a sheet as records of a form.
 *
 * The header row names the fields: by id, by Chinese label or by an alias the form lists,
 * forgiving what spreadsheets add (spaces, full-width brackets and digits, a "*" marking a
 * required column). Each row becomes one record whose path is the sheet and whose lines are
 * the row's number as Excel shows it, so every problem reads FILE:ROW: field (label): what.
 * Before a row is validated, its cells are checked for what Excel does to numbers typed into
 * a "常规" (General) column - 1.39E+10 for a mobile number, an office number without its
 * leading 0 - and such a cell is refused with how to re-export the column as 文本 (Text),
 * since the digits cannot be recovered from the file. Dates that Excel wrote in the system's
 * format (2026/11/24, 2026年11月24日, or a date serial in a workbook) are read as YYYY-MM-DD;
 * full-width digits an input method typed are read as digits (beian_record_normalise).
 */
#ifndef BEIAN_BATCH_H
#define BEIAN_BATCH_H

#include <stddef.h>

#include "beian/common.h"
#include "beian/form.h"
#include "beian/record.h"
#include "beian/sheet.h"

typedef struct beian_batch beian_batch;

typedef struct {
    /* refuse a column that is no field of the form (and values under a column without a
     * header) instead of ignoring it with a note */
    int strict;
} beian_batch_options;

#define BEIAN_BATCH_OPTIONS_INIT {.strict = 0}

/*
 * Maps the columns of sheet to the fields of form (both borrowed; they must outlive the
 * batch). A column is a field by its id, label or alias; a header the paper form repeats
 * (手机 after 管理员姓名 1, 管理员姓名 2 and 部门负责人) is read by its place: the first field
 * after the one on its left whose label holds it, with a note saying how each was read. A
 * column that is no field (序号, 备注) and values under a column without a header are ignored
 * with one note naming them (and the closest field), or with opts->strict each is an error.
 * Problems of the header - two columns for one field, a required field without a column -
 * are appended to problems, and the batch is still made so that the rows can be checked too:
 * the caller looks at beian_problems_errors. opts may be NULL (the defaults). Returns BEIAN_OK
 * (*out set) or BEIAN_EINTERNAL.
 */
int beian_batch_open(const beian_form *form, const beian_sheet *sheet,
                     const beian_batch_options *opts, beian_batch **out,
                     beian_problems *problems);
/* beian_batch_open with the default options. */
int beian_batch_new(const beian_form *form, const beian_sheet *sheet, beian_batch **out,
                    beian_problems *problems);
void beian_batch_free(beian_batch *batch);

/* Number of rows (forms) and the line of row `row` (0-based) in the sheet's file. */
size_t beian_batch_rows(const beian_batch *batch);
int beian_batch_line(const beian_batch *batch, size_t row);
/* The number Excel or WPS shows left of row `row` (0-based; the header is row 1 when nothing
 * is above it): the one number messages, file names and summaries give a row. */
int beian_batch_row_number(const beian_batch *batch, size_t row);

/*
 * Builds and validates the record of row `row`. Every problem of the row is appended (those
 * the header already explains, such as a required field without a column, are not repeated).
 * Returns BEIAN_OK with *out set (the caller frees it; its form is borrowed), BEIAN_EDATA
 * with *out NULL, or BEIAN_EINTERNAL.
 */
int beian_batch_record(const beian_batch *batch, size_t row, beian_record **out,
                       beian_problems *problems);

/*
 * The file name, without extension, for row `row` printed from rec: its row number as Excel
 * shows it (beian_batch_row_number; the first row under the header is 0002), zero-padded to 4
 * digits (more for a longer sheet), a hyphen, and the group's or platform's name made safe
 * for Windows and POSIX file systems ("0007-2026级计算机应用技术1班"). The numbers make names
 * unique. Caller frees; NULL when out of memory.
 */
char *beian_batch_name(const beian_batch *batch, size_t row, const beian_record *rec);

/*
 * Row numbers as a message lists them: "row 7", "rows 2–91", "rows 2–5, 9, 12–14" (ranges
 * with an en dash; after 12 runs "and N more"). rows are ascending. Caller frees; NULL when
 * out of memory.
 */
char *beian_batch_format_rows(const int *rows, size_t n);

/*
 * The problems of many rows (rows[r] may be NULL: no problems) appended to out with those
 * repeated down a column said once: problems of the same severity, file and field whose
 * messages differ at most in the values they quote become one, without a line, whose message
 * starts with its rows ("rows 2–91: \"1.39E+10\" is a number Excel shortened ..."). The
 * others are copied as they are, in order. Returns BEIAN_OK or BEIAN_EINTERNAL.
 */
int beian_batch_merge_problems(beian_problems *const *rows, size_t nrows, beian_problems *out);

#endif
