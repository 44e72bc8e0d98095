/*
 * cli_table.h - text in columns on a terminal: the width of UTF-8 text on the screen, and the
 * aligned tables `beian due` and `beian list` print (cli_table.c).
 */
#ifndef BEIAN_CLI_TABLE_H
#define BEIAN_CLI_TABLE_H

#include <stddef.h>
#include <stdio.h>

/* Columns on the screen of a UTF-8 string (CJK and full-width forms take two). */
size_t cli_text_columns(const char *s);
/* The same for the first len bytes of s. */
size_t cli_text_columns_n(const char *s, size_t len);
/* Prints rows x cols cells (row-major; row 0 the headings) aligned in columns, two spaces
 * apart; the last column is not padded. */
void cli_table_print(FILE *out, const char *const *cells, size_t rows, size_t cols);

#endif
