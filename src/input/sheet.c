/*
 * sheet.c - a spreadsheet as a table of text cells: the reader's entry point and format
 * detection (the table itself is sheet_table.c, the readers csv.c and xlsx.c).
 *
 * The format is decided by the first bytes, not by the file name (offices rename files):
 * "PK\3\4" is a ZIP, read as an .xlsx workbook; the OLE2 signature is an old .xls (or an
 * encrypted workbook, or a WPS .et), which beian does not read and says how to re-save;
 * anything else is CSV text.
 */
#include "beian/sheet.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "sheet_table.h"
#include "util.h"
#include "xlsx.h"

/* The OLE2 compound file signature: .xls, .et, and encrypted .xlsx files. */
static const unsigned char ole2_magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

int beian_sheet_read_buffer(const char *path, const unsigned char *data, size_t len,
                            const beian_sheet_options *opts, beian_sheet **out, beian_problems *pr)
{
    beian_sheet_options none = BEIAN_SHEET_OPTIONS_INIT;
    beian_sheet *sh = NULL;
    char *text = NULL;
    size_t text_len = 0;
    const char *format = NULL;
    int sep = 0;
    int rc;
    *out = NULL;
    if (!opts) {
        opts = &none;
    }
    if (len > BEIAN_SHEET_MAX_BYTES) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "the file is larger than %u MiB; split the sheet",
                           BEIAN_SHEET_MAX_BYTES / (1024 * 1024));
        return BEIAN_EDATA;
    }
    sh = beian_sheet_alloc(path);
    if (!sh) {
        return BEIAN_EINTERNAL;
    }
    if (len >= 8 && memcmp(data, ole2_magic, 8) == 0) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "is an Excel 97-2003 (.xls), WPS (.et) or password-protected "
                           "workbook, which beian cannot read: open it and save it as an "
                           "Excel workbook (.xlsx) without a password, or as CSV UTF-8");
        rc = BEIAN_EDATA;
        goto done;
    }
    if (len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0) {
        rc = beian_xlsx_read(sh, data, len, opts->sheet_name, pr);
        goto done;
    }
    rc = beian_csv_decode(path, data, len, opts->encoding, &text, &text_len, &format, &sep, pr);
    if (rc != BEIAN_OK) {
        goto done;
    }
    if ((rc = beian_sheet_set_format(sh, format)) != BEIAN_OK) {
        goto done;
    }
    rc = beian_csv_parse(sh, text, text_len, sep, pr);
done:
    free(text);
    if (rc == BEIAN_OK && sh->nrows == 0) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "the sheet is empty: its first row should name the fields "
                           "(field ids or Chinese labels), and each row below it is one form");
        rc = BEIAN_EDATA;
    }
    if (rc == BEIAN_OK) {
        *out = sh;
    } else {
        beian_sheet_free(sh);
    }
    return rc;
}

int beian_sheet_read_file(const char *path, const beian_sheet_options *opts, beian_sheet **out,
                          beian_problems *pr)
{
    beian_buf b;
    int err = 0;
    beian_buf_init(&b);
    *out = NULL;
    int rc = beian_file_read(path, BEIAN_SHEET_MAX_BYTES, &b, &err);
    if (rc == BEIAN_EDATA) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "the file is larger than %u MiB; split the sheet",
                           BEIAN_SHEET_MAX_BYTES / (1024 * 1024));
    } else if (rc == BEIAN_ENOINPUT) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL, "cannot read the file: %s",
                           strerror(err));
    } else if (rc == BEIAN_OK) {
        rc = beian_sheet_read_buffer(path, b.data, b.len, opts, out, pr);
    }
    beian_buf_release(&b);
    return rc;
}
