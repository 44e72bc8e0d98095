/*
 * fuzz_sheet.c - the sheet reader (beian_sheet_read_buffer: CSV in any of its encodings, or
 * an .xlsx workbook) on arbitrary bytes.
 *
 * The first byte picks the encoding option (detection most of the time, else each explicit
 * encoding), the rest is the file. Every cell of an accepted sheet is read, and the limits of
 * sheet.h are checked as contracts.
 */
#include <string.h>

#include "beian/sheet.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const encodings[] = {NULL,       "utf-8",    "gb18030", "gbk",
                                            "utf-16le", "utf-16be", "utf-16",  NULL};
    if (size < 1) {
        return 0;
    }
    beian_sheet_options opts = BEIAN_SHEET_OPTIONS_INIT;
    opts.encoding = encodings[data[0] & 7];
    data++;
    size--;
    beian_problems *pr = beian_problems_new();
    beian_sheet *sh = NULL;
    if (!pr) {
        return 0;
    }
    int rc = beian_sheet_read_buffer("fuzz.csv", data, size, &opts, &sh, pr);
    FUZZ_CHECK((rc == BEIAN_OK) == (sh != NULL));
    if (rc == BEIAN_EDATA) {
        FUZZ_CHECK(beian_problems_errors(pr) > 0);
    }
    if (sh) {
        size_t cols = beian_sheet_columns(sh), rows = beian_sheet_rows(sh);
        FUZZ_CHECK(rows <= BEIAN_SHEET_MAX_ROWS);
        FUZZ_CHECK(beian_sheet_format(sh) != NULL && beian_sheet_path(sh) != NULL);
        size_t total = 0;
        for (size_t c = 0; c < cols; c++) {
            total += strlen(beian_sheet_header(sh, c));
        }
        for (size_t r = 0; r < rows; r++) {
            size_t cells = beian_sheet_row_cells(sh, r);
            FUZZ_CHECK(beian_sheet_row_line(sh, r) > 0);
            for (size_t c = 0; c <= cells; c++) { /* one past the end is "" */
                const char *t = beian_sheet_cell(sh, r, c);
                FUZZ_CHECK(t != NULL);
                FUZZ_CHECK(strlen(t) <= BEIAN_SHEET_MAX_CELL_BYTES * 4);
                total += strlen(t) + (size_t)beian_sheet_cell_flags(sh, r, c);
            }
        }
        (void)total;
    }
    beian_sheet_free(sh);
    beian_problems_free(pr);
    return 0;
}
