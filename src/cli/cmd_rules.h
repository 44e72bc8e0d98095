/* cmd_rules.h - what `beian due` and the register `beian list` share: the aligned table they
 * print (the commands themselves are declared in cmd_archive.h, for the command table). */
#ifndef BEIAN_CMD_RULES_H
#define BEIAN_CMD_RULES_H

#include <stddef.h>
#include <stdio.h>

#include "beian/common.h"

/* Columns on the screen of a UTF-8 string (CJK and full-width forms take two). */
size_t cli_text_columns(const char *s);
/* Prints rows x cols cells (row-major; row 0 the headings) aligned in columns, two spaces
 * apart; the last column is not padded. */
void cli_table_print(FILE *out, const char *const *cells, size_t rows, size_t cols);

#endif
