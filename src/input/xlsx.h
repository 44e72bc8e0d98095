/* xlsx.h - the .xlsx reader (xlsx.c): one worksheet of a workbook into a sheet table. */
#ifndef BEIAN_XLSX_H
#define BEIAN_XLSX_H

#include <stddef.h>

#include "sheet_table.h"

int beian_xlsx_read(beian_sheet *sh, const unsigned char *data, size_t len, const char *sheet_name,
                    beian_problems *problems);


#endif
