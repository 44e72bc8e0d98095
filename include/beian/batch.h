/*
 * beian/batch.h - the rows of a sheet as records of a form.
 *
 * The header row names the fields: by id, by Chinese label or by an alias the form lists,
 * forgiving what spreadsheets add (spaces, full-width brackets and digits, a "*" marking a
 * required column). Each row becomes one record whose path is the sheet and whose lines are
 * the row's line, so every problem reads FILE:LINE: field (label): what. Before a row is
 * validated, its cells are checked for what Excel does to numbers typed into a "常规"
 * (General) column - 1.39E+10 for a mobile number, an office number without its leading 0 -
 * and such a cell is refused with how to re-export the column as 文本 (Text), since the digits
 * cannot be recovered from the file. Dates that Excel wrote in the system's format
 * (2026/11/24, 2026年11月24日, or a date serial in a workbook) are read as YYYY-MM-DD.
 */
#ifndef BEIAN_BATCH_H
#define BEIAN_BATCH_H

#include <stddef.h>

#include "beian/common.h"
#include "beian/form.h"
#include "beian/record.h"
#include "beian/sheet.h"

typedef struct beian_batch beian_batch;

/*
 * Maps the columns of sheet to the fields of form (both borrowed; they must outlive the
 * batch). Problems of the header - a column that is no field (with the closest field), two
 * columns for one field, a required field without a column, values under a column without a
 * header - are appended to problems, and the batch is still made so that the rows can be
 * checked too: the caller looks at beian_problems_errors. Returns BEIAN_OK (*out set) or
 * BEIAN_EINTERNAL.
 */
int beian_batch_new(const beian_form *form, const beian_sheet *sheet, beian_batch **out,
                    beian_problems *problems);
void beian_batch_free(beian_batch *batch);

/* Number of rows (forms) and the line of row `row` (0-based) in the sheet. */
size_t beian_batch_rows(const beian_batch *batch);
int beian_batch_line(const beian_batch *batch, size_t row);

/*
 * Builds and validates the record of row `row`. Every problem of the row is appended (those
 * the header already explains, such as a required field without a column, are not repeated).
 * Returns BEIAN_OK with *out set (the caller frees it; its form is borrowed), BEIAN_EDATA
 * with *out NULL, or BEIAN_EINTERNAL.
 */
int beian_batch_record(const beian_batch *batch, size_t row, beian_record **out,
                       beian_problems *problems);

/*
 * The file name, without extension, for row `row` printed from rec: its number in the sheet,
 * zero-padded to 4 digits (more for a longer sheet), a hyphen, and the group's or platform's
 * name made safe for Windows and POSIX file systems ("0007-2026级计算机应用技术1班"). The
 * numbers make names unique. Caller frees; NULL when out of memory.
 */
char *beian_batch_name(const beian_batch *batch, size_t row, const beian_record *rec);

#endif
