/*
 * csv.c - CSV text as Excel and WPS write it on Chinese Windows, into a sheet.
 *
 * Decoding: a byte-order mark decides (EF BB BF "CSV UTF-8", FF FE "Unicode 文本" which is
 * UTF-16LE with tabs, FE FF UTF-16BE); without one, text that is strict UTF-8 is UTF-8 and
 * anything else is GB18030 ("CSV (逗号分隔)" is written in code page 936, and GB18030 is its
 * superset), converted with glibc's iconv. A forced encoding skips the guessing. Bytes that
 * fit no encoding are reported with their line, never replaced silently.
 *
 * Parsing follows RFC 4180 as Excel applies it: a cell that begins with a quote may hold the
 * separator, line breaks and doubled quotes; lines end with CRLF, LF or a lone CR. Where
 * Excel is lenient (a quote inside an unquoted cell, text after a closing quote) so is this
 * reader: the characters are kept. A quoted cell still open at the end of the file is an
 * error naming the line it opened on, since everything after it would be swallowed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "beian/message.h"
#include "csv.h"
#include "util.h"

typedef enum { ENC_DETECT, ENC_UTF8, ENC_GB18030, ENC_UTF16LE, ENC_UTF16BE, ENC_UTF16 } csv_enc;

static int enc_parse(const char *name, csv_enc *enc)
{
    static const struct {
        const char *name;
        csv_enc enc;
    } names[] = {{"utf-8", ENC_UTF8},       {"utf8", ENC_UTF8},        {"gb18030", ENC_GB18030},
                 {"gbk", ENC_GB18030},      {"gb2312", ENC_GB18030},   {"cp936", ENC_GB18030},
                 {"936", ENC_GB18030},      {"utf-16le", ENC_UTF16LE}, {"utf16le", ENC_UTF16LE},
                 {"utf-16be", ENC_UTF16BE}, {"utf16be", ENC_UTF16BE},  {"utf-16", ENC_UTF16},
                 {"utf16", ENC_UTF16},      {"unicode", ENC_UTF16}};
    if (!name) {
        *enc = ENC_DETECT;
        return 1;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcasecmp(name, names[i].name) == 0) {
            *enc = names[i].enc;
            return 1;
        }
    }
    return 0;
}

/* 1 + the number of line feeds in s[0..n). */
static int line_of(const char *s, size_t n)
{
    int line = 1;
    for (size_t i = 0; i < n; i++) {
        line += s[i] == '\n';
    }
    return line;
}

/*
 * Converts data to UTF-8 with iconv. On a byte sequence that is not valid in `from`, *bad is
 * set to its offset in data and *out (NUL-terminated) holds what was converted before it.
 */
static int convert(const char *from, const unsigned char *data, size_t len, char **out,
                   size_t *out_len, size_t *bad)
{
    iconv_t cd = iconv_open("UTF-8", from);
    char *buf = NULL;
    int rc = BEIAN_EINTERNAL;
    *bad = SIZE_MAX;
    if (cd == (iconv_t)-1) {
        return BEIAN_EINTERNAL;
    }
    /* GB18030 and UTF-16 grow by at most 3/2 in UTF-8; +16 for tiny inputs and the NUL */
    size_t cap = len / 2 * 3 + 16;
    buf = malloc(cap);
    if (!buf) {
        goto done;
    }
    char *in = (char *)data;
    size_t in_left = len;
    size_t used = 0;
    while (in_left > 0) {
        char *o = buf + used;
        size_t o_left = cap - used - 1;
        size_t r = iconv(cd, &in, &in_left, &o, &o_left);
        used = (size_t)(o - buf);
        if (r != (size_t)-1) {
            break;
        }
        if (errno == E2BIG) {
            if (beian_array_grow(&buf, &cap, cap + 1, 1) != BEIAN_OK) {
                goto done; /* at least doubles: iconv asks for room, not for how much */
            }
            continue;
        }
        /* EILSEQ, or EINVAL: a sequence cut off at the end of the file */
        *bad = (size_t)(in - (char *)data);
        break;
    }
    buf[used] = '\0';
    *out = buf;
    *out_len = used;
    buf = NULL;
    rc = BEIAN_OK;
done:
    free(buf);
    iconv_close(cd);
    return rc;
}

static void bytes_at(const unsigned char *data, size_t len, size_t off, char *hex, size_t size)
{
    size_t n = 0;
    hex[0] = '\0';
    for (size_t i = off; i < len && i < off + 4 && n + 6 < size; i++) {
        n += (size_t)snprintf(hex + n, size - n, "%s0x%02X", i > off ? " " : "", data[i]);
    }
}

int beian_csv_decode(const char *path, const unsigned char *data, size_t len, const char *encoding,
                     char **out, size_t *out_len, const char **format, int *sep_hint,
                     beian_problems *pr)
{
    csv_enc enc;
    char *text = NULL;
    size_t text_len = 0;
    size_t bad = SIZE_MAX;
    int rc = BEIAN_OK;
    *out = NULL;
    *out_len = 0;
    *sep_hint = 0;
    if (!enc_parse(encoding, &enc)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, NULL, NULL,
                           "unknown encoding \"%s\": use utf-8, gb18030 (also for GBK and "
                           "GB2312) or utf-16",
                           encoding);
        return BEIAN_EUSAGE;
    }
    int has_bom8 = len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0;
    int has_le = len >= 2 && data[0] == 0xFF && data[1] == 0xFE;
    int has_be = len >= 2 && data[0] == 0xFE && data[1] == 0xFF;
    if (enc == ENC_DETECT) {
        if (has_bom8) {
            enc = ENC_UTF8;
        } else if (has_le || has_be) {
            enc = ENC_UTF16;
        } else if (len >= 4 && data[0] && !data[1] && data[2] && !data[3]) {
            enc = ENC_UTF16LE; /* "Unicode 文本" that lost its BOM: ASCII headers, zero bytes */
        } else {
            enc = beian_utf8_check(data, len) == len ? ENC_UTF8 : ENC_GB18030;
            if (enc == ENC_GB18030) {
                /* where UTF-8 failed, for the message if GB18030 fails too */
                bad = beian_utf8_check(data, len);
            }
        }
    }
    if (enc == ENC_UTF16) {
        enc = has_be ? ENC_UTF16BE : ENC_UTF16LE;
    }
    const unsigned char *body = data;
    size_t body_len = len;
    if (enc == ENC_UTF8 && has_bom8) {
        body += 3;
        body_len -= 3;
    } else if ((enc == ENC_UTF16LE && has_le) || (enc == ENC_UTF16BE && has_be)) {
        body += 2;
        body_len -= 2;
    }
    switch (enc) {
    case ENC_UTF8: {
        *format = has_bom8 ? "UTF-8 with BOM" : "UTF-8";
        size_t at = beian_utf8_check(body, body_len);
        if (at != body_len) {
            char hex[40];
            bytes_at(body, body_len, at, hex, sizeof hex);
            beian_problems_add_msg(pr, BEIAN_SEV_ERROR, path, line_of((const char *)body, at), 0,
                                   NULL, NULL, BEIAN_MSG_CSV_NOT_UTF8, BEIAN_MSG_ARGS(hex));
            return BEIAN_EDATA;
        }
        text = beian_strndup((const char *)body, body_len);
        text_len = body_len;
        if (!text) {
            return BEIAN_EINTERNAL;
        }
        break;
    }
    case ENC_GB18030:
    case ENC_UTF16LE:
    case ENC_UTF16BE: {
        const char *from = enc == ENC_GB18030   ? "GB18030"
                           : enc == ENC_UTF16LE ? "UTF-16LE"
                                                : "UTF-16BE";
        size_t utf8_bad = bad;
        *format = from;
        if (enc != ENC_GB18030) {
            *sep_hint = '\t';
        }
        if ((rc = convert(from, body, body_len, &text, &text_len, &bad)) != BEIAN_OK) {
            return rc;
        }
        if (bad != SIZE_MAX) {
            char hex[40];
            bytes_at(body, body_len, bad, hex, sizeof hex);
            int line = line_of(text, text_len);
            if (enc != ENC_GB18030 && body_len % 2 != 0) {
                /* UTF-16 ends in half a character: cut short or damaged */
                beian_problems_add(pr, BEIAN_SEV_ERROR, path, line, 0, NULL, NULL,
                                   "the file is %s text (\"Unicode 文本\") but has an odd number "
                                   "of bytes (%zu): UTF-16 stores every character in 2 or 4 "
                                   "bytes, so the file was cut short or damaged. Save the sheet "
                                   "again from Excel or WPS as \"Unicode 文本\" (Unicode Text) "
                                   "or as \"CSV UTF-8\"",
                                   from, len);
            } else if (enc != ENC_GB18030) {
                beian_problems_add(pr, BEIAN_SEV_ERROR, path, line, 0, NULL, NULL,
                                   "the file is %s text (\"Unicode 文本\") but holds bytes that "
                                   "are not UTF-16 (%s): it was damaged or saved in another "
                                   "encoding. Save the sheet again from Excel or WPS as "
                                   "\"Unicode 文本\" (Unicode Text) or as \"CSV UTF-8\"",
                                   from, hex);
            } else if (encoding) {
                beian_problems_add(pr, BEIAN_SEV_ERROR, path, line, 0, NULL, NULL,
                                   "the text is not valid %s (bytes %s): is it saved in "
                                   "another encoding? Save it again as \"CSV UTF-8\"",
                                   from, hex);
            } else {
                char line8[24];
                snprintf(line8, sizeof line8, "%d",
                         line_of((const char *)data, utf8_bad < len ? utf8_bad : 0));
                beian_problems_add_msg(pr, BEIAN_SEV_ERROR, path, line, 0, NULL, NULL,
                                       BEIAN_MSG_CSV_NOT_UTF8_GB, BEIAN_MSG_ARGS(line8, hex));
            }
            free(text);
            return BEIAN_EDATA;
        }
        break;
    }
    default:
        return BEIAN_EINTERNAL;
    }
    /* a BOM that iconv passed through, or a second one after a forced encoding */
    size_t skip = text_len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    if (skip) {
        memmove(text, text + skip, text_len - skip + 1);
        text_len -= skip;
    }
    const char *nul = memchr(text, '\0', text_len);
    if (nul) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, line_of(text, (size_t)(nul - text)), 0, NULL,
                           NULL,
                           "the file holds a NUL character: it is not a text (CSV) file; give "
                           "beian the CSV or .xlsx file that Excel or WPS saved");
        free(text);
        return BEIAN_EDATA;
    }
    *out = text;
    *out_len = text_len;
    return BEIAN_OK;
}

/* The separator of the first record: tab or semicolon when they outnumber commas. */
static int detect_sep(const char *s, size_t len)
{
    size_t comma = 0, tab = 0, semi = 0;
    int quoted = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && (c == '\n' || c == '\r')) {
            if (comma + tab + semi > 0) {
                break; /* blank lines before the header do not decide */
            }
        } else if (!quoted) {
            comma += c == ',';
            tab += c == '\t';
            semi += c == ';';
        }
    }
    if (tab > comma && tab >= semi) {
        return '\t';
    }
    return semi > comma ? ';' : ',';
}

int beian_csv_parse(beian_sheet *sh, const char *s, size_t len, int sep, beian_problems *pr)
{
    beian_buf cell;
    int rc = BEIAN_OK;
    int line = 1;       /* current line */
    int row_line = 1;   /* line the current record started on */
    int number = 1;     /* record number, as a spreadsheet program counts rows */
    int quote_line = 0; /* line a still-open quoted cell began on */
    int quoted = 0;     /* inside a quoted cell */
    size_t col = 0;
    int cell_flags = 0;
    int row_has_cells = 0;
    beian_buf_init(&cell);
    if (sep == 0) {
        sep = detect_sep(s, len);
    }
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < len && s[i + 1] == '"') {
                    rc = beian_buf_append(&cell, "\"", 1);
                    i++;
                } else {
                    quoted = 0;
                }
            } else {
                if (c == '\n' || (c == '\r' && !(i + 1 < len && s[i + 1] == '\n'))) {
                    line++;
                }
                rc = beian_buf_append(&cell, &c, 1);
            }
        } else if (c == '"' && cell.len == 0 && !cell_flags) {
            quoted = 1;
            cell_flags = 1; /* the cell was quoted: a later quote is literal text */
            quote_line = line;
            row_has_cells = 1;
        } else if (c == sep) {
            rc = beian_sheet_push_cell(sh, col, (const char *)cell.data, cell.len, 0, row_line, pr);
            cell.len = 0;
            cell_flags = 0;
            col++;
            row_has_cells = 1;
        } else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < len && s[i + 1] == '\n') {
                i++;
            }
            if (row_has_cells || cell.len) {
                rc = beian_sheet_push_cell(sh, col, (const char *)cell.data, cell.len, 0, row_line,
                                           pr);
            }
            if (rc == BEIAN_OK) {
                rc = beian_sheet_end_row(sh, row_line, number, pr);
            }
            cell.len = 0;
            cell_flags = 0;
            col = 0;
            row_has_cells = 0;
            line++;
            row_line = line;
            number++;
        } else {
            rc = beian_buf_append(&cell, &c, 1);
            row_has_cells = 1;
        }
        if (rc == BEIAN_OK && cell.len > BEIAN_SHEET_MAX_CELL_BYTES) {
            /* let push_cell word the problem, before the cell grows any further */
            rc = beian_sheet_push_cell(sh, col, (const char *)cell.data, cell.len, 0, row_line, pr);
        }
        if (rc != BEIAN_OK) {
            goto done;
        }
    }
    if (quoted) {
        beian_problems_add_msg(pr, BEIAN_SEV_ERROR, sh->path, quote_line, 0, NULL, NULL,
                               BEIAN_MSG_CSV_QUOTE_OPEN, 0, NULL);
        rc = BEIAN_EDATA;
        goto done;
    }
    if (row_has_cells || cell.len) {
        rc = beian_sheet_push_cell(sh, col, (const char *)cell.data, cell.len, 0, row_line, pr);
        if (rc == BEIAN_OK) {
            rc = beian_sheet_end_row(sh, row_line, number, pr);
        }
    }
done:
    beian_buf_release(&cell);
    return rc;
}
