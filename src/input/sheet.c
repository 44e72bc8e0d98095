/*
 * sheet.c - a spreadsheet as a table of text cells: the reader's entry point and format
 * detection (the table itself is sheet_table.c, the readers csv.c and xlsx.c).
 *
 * The format is decided by the first bytes, not by the file name (offices rename files):
 * "PK\3\4" is a ZIP, read as an .xlsx workbook; the OLE2 signature is an old .xls (or an
 * encrypted workbook, or a WPS .et), which beian does not read and says how to re-save;
 * anything else is CSV text. A ZIP that is an OpenDocument file (.ods, as LibreOffice saves a
 * sheet) is told from a workbook by its first entry, which the OpenDocument standard requires
 * to be "mimetype", stored uncompressed, so its text is at a fixed place in the first bytes
 * and no ZIP reader is needed to name the file for what it is.
 */
#include "beian/sheet.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "beian/message.h"
#include "csv.h"
#include "sheet_table.h"
#include "util.h"
#include "xlsx.h"

/* The OLE2 compound file signature: .xls, .et, and encrypted .xlsx files. */
static const unsigned char ole2_magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

/*
 * The OpenDocument type of a ZIP (OASIS OpenDocument 1.2, part 3, section 3.3: the first
 * entry is "mimetype", stored, without an extra field in practice): "spreadsheet", "text",
 * "presentation", ... as a pointer into data with its length, or NULL when it is no
 * OpenDocument file. The local file header is 30 bytes; its name length is at offset 26 and
 * its extra field length at 28 (PKWARE APPNOTE 4.3.7), so the name starts at 30.
 */
static const char *odf_kind(const unsigned char *data, size_t len, size_t *kind_len)
{
    static const char prefix[] = "application/vnd.oasis.opendocument.";
    const size_t plen = sizeof prefix - 1;
    if (len < 38 || memcmp(data, "PK\x03\x04", 4) != 0 || memcmp(data + 30, "mimetype", 8) != 0) {
        return NULL;
    }
    size_t name_len = (size_t)data[26] | (size_t)data[27] << 8;
    size_t extra_len = (size_t)data[28] | (size_t)data[29] << 8;
    size_t size = (size_t)data[18] | (size_t)data[19] << 8 | (size_t)data[20] << 16 |
                  (size_t)data[21] << 24; /* compressed size: the stored text's length */
    size_t at = 30 + name_len + extra_len;
    if (name_len != 8 || at > len || size < plen || size > 80 || len - at < size ||
        memcmp(data + at, prefix, plen) != 0) {
        return NULL;
    }
    *kind_len = size - plen;
    return (const char *)data + at + plen;
}

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
        beian_problems_add_msg(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL, BEIAN_MSG_SHEET_XLS, 0,
                               NULL);
        rc = BEIAN_EDATA;
        goto done;
    }
    size_t kind_len = 0;
    const char *kind = odf_kind(data, len, &kind_len);
    if (kind && kind_len == 11 && memcmp(kind, "spreadsheet", 11) == 0) {
        beian_problems_add_msg(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL, BEIAN_MSG_SHEET_ODS, 0,
                               NULL);
        rc = BEIAN_EDATA;
        goto done;
    }
    if (kind) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "is an OpenDocument %.*s file, not a spreadsheet: give beian the "
                           "sheet, saved as an Excel workbook (.xlsx) or as CSV UTF-8",
                           (int)(kind_len < 40 ? kind_len : 40), kind);
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
        beian_problems_add_msg(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL, BEIAN_MSG_SHEET_EMPTY,
                               0, NULL);
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
