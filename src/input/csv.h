/* csv.h - the CSV reader (csv.c): decoding a file's text and parsing it into a sheet table. */
#ifndef BEIAN_CSV_H
#define BEIAN_CSV_H

#include <stddef.h>

#include "sheet_table.h"

/* text is UTF-8 without a BOM; sep is ',' or '\t' (0: detect). */
int beian_csv_parse(beian_sheet *sh, const char *text, size_t len, int sep,
                    beian_problems *problems);
/*
 * Decodes a CSV file to UTF-8 (detecting the encoding unless forced) and names what it
 * found in *format ("UTF-8 with BOM", "GB18030", ...; static). *out is malloc'd, without a BOM.
 * *sep_hint is '\t' for UTF-16 ("Unicode 文本" is tab-separated), else 0.
 */
int beian_csv_decode(const char *path, const unsigned char *data, size_t len, const char *encoding,
                     char **out, size_t *out_len, const char **format, int *sep_hint,
                     beian_problems *problems);

#endif
