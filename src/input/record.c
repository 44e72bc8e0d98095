/*
 * record.c - reads a data file into a record and validates it against its form.
 *
 * The reader refuses what a person could not have meant (bytes that are not UTF-8, JSON
 * syntax errors, duplicate keys, unknown fields, values of the wrong JSON type) and the
 * validator checks each field by its type. Every problem is collected, with the line of the
 * field's key in the data file (jansson keeps no positions, so the key is found in the text),
 * so the user fixes the whole file in one go.
 */
#define _GNU_SOURCE
#include "beian/record.h"

#include <ctype.h>
#include <strings.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/date.h"
#include "beian/font.h"
#include "beian/scan.h"
#include "ctx_private.h"
#include "sha256.h"
#include "util.h"

/*
 * Most keys one object of a data file may have (the top level, "fields"). A form has at most
 * 200 fields (form.c), each given once; past this the file is not a record someone wrote, and
 * refusing it early bounds the work of listing every unknown key with its line.
 */
enum { RECORD_MAX_KEYS = 500 };

beian_record *beian_record_new(const beian_form *form)
{
    beian_record *r = calloc(1, sizeof *r);
    if (!r) {
        return NULL;
    }
    r->form = form;
    r->values = calloc(form->nfields ? form->nfields : 1, sizeof(char *));
    r->lines = calloc(form->nfields ? form->nfields : 1, sizeof(int));
    if (!r->values || !r->lines) {
        beian_record_free(r);
        return NULL;
    }
    return r;
}

void beian_record_free(beian_record *r)
{
    if (!r) {
        return;
    }
    if (r->values) {
        for (size_t i = 0; i < r->form->nfields; i++) {
            free(r->values[i]);
        }
    }
    free(r->values);
    free(r->lines);
    free(r->path);
    free(r->date);
    free(r->record_no);
    if (r->owns_form) {
        beian_form_free((beian_form *)r->form);
    }
    free(r);
}

/* Trims ASCII white space and U+3000 (ideographic space) from both ends; returns a copy. */
static char *trimmed(const char *s)
{
    size_t len = strlen(s);
    size_t a = 0, b = len;
    for (;;) {
        if (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r' || s[a] == '\n')) {
            a++;
        } else if (b - a >= 3 && memcmp(s + a, "\xE3\x80\x80", 3) == 0) {
            a += 3;
        } else {
            break;
        }
    }
    for (;;) {
        if (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r' ||
                      s[b - 1] == '\n')) {
            b--;
        } else if (b - a >= 3 && memcmp(s + b - 3, "\xE3\x80\x80", 3) == 0) {
            b -= 3;
        } else {
            break;
        }
    }
    return beian_strndup(s + a, b - a);
}

int beian_record_set(beian_record *r, int field, const char *value, int line)
{
    if (field < 0 || (size_t)field >= r->form->nfields) {
        return BEIAN_EINTERNAL;
    }
    free(r->values[field]);
    r->values[field] = NULL;
    r->lines[field] = line;
    if (!value) {
        return BEIAN_OK;
    }
    char *v = trimmed(value);
    if (!v) {
        return BEIAN_EINTERNAL;
    }
    /* Windows line ends in multi-line text become plain line feeds. */
    char *w = v;
    for (char *p = v; *p; p++) {
        if (!(p[0] == '\r' && p[1] == '\n')) {
            *w++ = *p;
        }
    }
    *w = '\0';
    if (!v[0]) {
        free(v);
        return BEIAN_OK;
    }
    r->values[field] = v;
    return BEIAN_OK;
}

const char *beian_record_get(const beian_record *r, const char *id)
{
    int i = beian_form_field_index(r->form, id, 0);
    return i >= 0 ? r->values[i] : NULL;
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}

static int is_mobile(const char *v)
{
    return strlen(v) == 11 && v[0] == '1' && v[1] >= '3' && v[1] <= '9' && all_digits(v, 11);
}

/* Area code 0xx or 0xxx, a hyphen, 7 or 8 digits, optionally "-" and an extension. */
static int is_office(const char *v)
{
    const char *dash = strchr(v, '-');
    if (!dash || v[0] != '0') {
        return 0;
    }
    size_t area = (size_t)(dash - v);
    if (area < 3 || area > 4 || !all_digits(v, area)) {
        return 0;
    }
    const char *num = dash + 1;
    const char *ext = strchr(num, '-');
    size_t len = ext ? (size_t)(ext - num) : strlen(num);
    if (len < 7 || len > 8 || !all_digits(num, len) || num[0] == '0') {
        return 0;
    }
    if (ext) {
        size_t el = strlen(ext + 1);
        return el >= 1 && el <= 6 && all_digits(ext + 1, el);
    }
    return 1;
}

static int is_email(const char *v)
{
    const char *at = strchr(v, '@');
    if (!at || at == v || strchr(at + 1, '@') || strlen(v) > 254) {
        return 0;
    }
    for (const char *p = v; p < at; p++) {
        if (!isalnum((unsigned char)*p) && !strchr("._%+-", *p)) {
            return 0;
        }
    }
    if (v[0] == '.' || at[-1] == '.' || strstr(v, "..")) {
        return 0;
    }
    const char *dom = at + 1;
    const char *dot = strrchr(dom, '.');
    if (!dot || dot == dom || strlen(dot + 1) < 2) {
        return 0;
    }
    size_t label = 0;
    for (const char *p = dom; *p; p++) {
        if (*p == '.') {
            if (label == 0 || p[-1] == '-') {
                return 0;
            }
            label = 0;
        } else if (isalnum((unsigned char)*p) || (*p == '-' && label > 0)) {
            label++;
        } else {
            return 0;
        }
    }
    return label > 0;
}

/* What is wrong with a value of this type, or NULL when it is right. */
static const char *type_problem(const beian_field *fd, const char *v)
{
    switch (fd->type) {
    case BEIAN_FIELD_MOBILE:
        return is_mobile(v) ? NULL
                            : "is not a mobile number: expected 11 digits starting with 13 to 19, "
                              "such as 13912345678";
    case BEIAN_FIELD_PHONE:
        return is_mobile(v) || is_office(v)
                   ? NULL
                   : "is not a phone number: expected a mobile number (11 digits starting with 13 "
                     "to 19, such as 13912345678) or an office number with its area code (such "
                     "as 0951-1234567)";
    case BEIAN_FIELD_OFFICE_PHONE:
        return is_office(v) ? NULL
                            : "is not an office number: expected the area code, a hyphen and the "
                              "number, such as 0951-1234567";
    case BEIAN_FIELD_EMAIL:
        return is_email(v) ? NULL : "is not an e-mail address: expected one such as name@nxtc.edu.cn";
    case BEIAN_FIELD_DATE:
        return beian_date_valid(v) ? NULL
                                   : "is not a date: expected a real calendar date written "
                                     "YYYY-MM-DD, such as 2026-11-24";
    case BEIAN_FIELD_COUNT: {
        size_t n = strlen(v);
        if (n == 0 || n > 7 || !all_digits(v, n) || v[0] == '0') {
            return "is not a positive whole number: expected a number such as 45";
        }
        return NULL;
    }
    default:
        return NULL;
    }
}

/* A control character other than a line feed (and tab in multi-line text), or 0. */
static int bad_control(const char *v, int multiline)
{
    for (const unsigned char *p = (const unsigned char *)v; *p; p++) {
        if (*p < 0x20 || *p == 0x7F) {
            if (*p == '\n' && multiline) {
                continue;
            }
            return *p;
        }
    }
    return 0;
}

static int field_problem(beian_problems *pr, const beian_record *r, int i, const char *fmt,
                         const char *a)
{
    const beian_field *fd = &r->form->fields[i];
    return beian_problems_add(pr, BEIAN_SEV_ERROR, r->path, r->lines[i], 0, fd->id, fd->label,
                              fmt, a ? a : "");
}

/*
 * Validates r. reported (may be NULL) marks the fields whose value the data file gave with the
 * wrong JSON type: that was said already, so their absence is not reported again as "is
 * missing" (nor a group of "one of" fields they belong to).
 */
static int record_validate(const beian_record *r, beian_problems *pr, const unsigned char *reported)
{
    size_t before = beian_problems_errors(pr);
    const beian_form *f = r->form;
    for (size_t i = 0; i < f->nfields; i++) {
        const beian_field *fd = &f->fields[i];
        const char *v = r->values[i];
        if (!v) {
            if (fd->required && !(reported && reported[i])) {
                field_problem(pr, r, (int)i, "is missing: %s is required on this form",
                              fd->label);
            }
            continue;
        }
        size_t chars = beian_utf8_count(v);
        if (chars > fd->max_chars) {
            char msg[160];
            snprintf(msg, sizeof msg, "is too long: %zu characters, at most %zu are allowed",
                     chars, fd->max_chars);
            field_problem(pr, r, (int)i, "%s", msg);
            continue;
        }
        int multiline = fd->type == BEIAN_FIELD_MULTILINE;
        int c = bad_control(v, multiline);
        if (c == '\n') {
            field_problem(pr, r, (int)i,
                          "contains a line break: %s is a single line; remove the break",
                          fd->label);
            continue;
        }
        if (c) {
            char msg[120];
            snprintf(msg, sizeof msg, "contains the control character U+%04X; remove it", c);
            field_problem(pr, r, (int)i, "%s", msg);
            continue;
        }
        const char *what = type_problem(fd, v);
        if (what) {
            char *msg = beian_asprintf("\"%s\" %s", v, what);
            field_problem(pr, r, (int)i, "%s", msg ? msg : what);
            free(msg);
        }
    }
    for (size_t g = 0; g < f->n_one_of; g++) {
        int any = 0, brc = BEIAN_OK;
        beian_buf names;
        beian_buf_init(&names);
        for (const int *k = f->one_of[g]; *k >= 0; k++) {
            any |= r->values[*k] != NULL || (reported && reported[*k]);
            if (brc == BEIAN_OK) {
                brc = beian_buf_appendf(&names, "%s%s (%s)", k == f->one_of[g] ? "" : ", ",
                                        f->fields[*k].id, f->fields[*k].label);
            }
        }
        if (!any && f->one_of[g][0] >= 0) {
            const beian_field *fd = &f->fields[f->one_of[g][0]];
            /* without memory for the names the problem is still an error, never dropped */
            beian_problems_add(pr, BEIAN_SEV_ERROR, r->path, 0, 0, fd->id, fd->label,
                               "is missing: give at least one of %s",
                               brc == BEIAN_OK ? (char *)names.data
                                               : "the fields grouped with it (see: beian forms)");
        }
        beian_buf_release(&names);
    }
    for (size_t i = 0; i < f->nfields; i++) {
        const beian_field *fd = &f->fields[i];
        const char *v = r->values[i];
        if (fd->valid_days > 0 && v && r->date && beian_date_valid(v) &&
            beian_date_valid(r->date) &&
            beian_date_days(v) + fd->valid_days < beian_date_days(r->date)) {
            beian_problems_add(pr, BEIAN_SEV_WARNING, r->path, r->lines[i], 0, fd->id, fd->label,
                               "%s is more than %d days before the submission date %s: a code "
                               "made then (WeChat group codes last %d days) will have expired; "
                               "make a new code for the form",
                               v, fd->valid_days, r->date, fd->valid_days);
        }
    }
    if (r->date && !beian_date_valid(r->date)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, r->path, r->date_line, 0, "date", "提交日期",
                           "\"%s\" is not a date: expected a real calendar date written "
                           "YYYY-MM-DD, such as 2026-11-24",
                           r->date);
    }
    return beian_problems_errors(pr) > before ? BEIAN_EDATA : BEIAN_OK;
}

int beian_record_validate(const beian_record *r, beian_problems *pr)
{
    return record_validate(r, pr, NULL);
}

/* Line (1-based) of the first `"key"` followed by a colon in text, or 0. memmem looks for
 * the whole quoted key, so a file of many keys costs one fast scan per key (and the number of
 * keys is limited, RECORD_MAX_KEYS), not a loop over every byte per key. */
static int key_line(const char *text, size_t len, const char *key)
{
    size_t klen = strlen(key);
    char *needle = klen < len ? malloc(klen + 2) : NULL;
    int line = 1, found = 0;
    size_t counted = 0; /* line is the line of offset `counted` */
    size_t from = 0;
    if (!needle) {
        return 0;
    }
    needle[0] = '"';
    memcpy(needle + 1, key, klen);
    needle[klen + 1] = '"';
    while (!found && from < len) {
        const char *hit = memmem(text + from, len - from, needle, klen + 2);
        if (!hit) {
            break;
        }
        size_t i = (size_t)(hit - text);
        size_t j = i + klen + 2;
        while (j < len && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r' ||
                           text[j] == '\n')) {
            j++;
        }
        if (j < len && text[j] == ':') {
            for (; counted < i; counted++) {
                line += text[counted] == '\n';
            }
            found = 1;
        }
        from = i + 1;
    }
    free(needle);
    return found ? line : 0;
}

/* Line and column of byte offset off in text. */
static void position(const unsigned char *text, size_t off, int *line, int *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if ((text[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static void known_forms(beian_ctx *ctx, beian_buf *out)
{
    char **ids = NULL;
    size_t n = 0;
    if (beian_form_ids(ctx, &ids, &n) == BEIAN_OK) {
        for (size_t i = 0; i < n; i++) {
            beian_buf_appendf(out, "%s%s", i ? ", " : "", ids[i]);
        }
    }
    beian_form_ids_free(ids, n);
    beian_buf_terminate(out);
}

/*
 * The key whose value holds byte off (the last `"key":` before it on its line), and its
 * label when the file names a form that has such a field; for messages about a file that
 * cannot be parsed. *key and *label are malloc'd or NULL.
 */
static void key_before(beian_ctx *ctx, const unsigned char *text, size_t len, size_t off,
                       char **key, char **label)
{
    *key = NULL;
    *label = NULL;
    size_t ls = off;
    while (ls > 0 && text[ls - 1] != '\n') {
        ls--;
    }
    for (size_t i = ls; i < off; i++) {
        if (text[i] != '"') {
            continue;
        }
        size_t j = i + 1;
        while (j < off && text[j] != '"' && j - i < 64) {
            j++;
        }
        size_t k = j + 1;
        while (k < off && (text[k] == ' ' || text[k] == '\t')) {
            k++;
        }
        if (j < off && text[j] == '"' && k < off && text[k] == ':') {
            free(*key);
            *key = beian_strndup((const char *)text + i + 1, j - i - 1);
            i = k;
        }
    }
    /* the form, from a `"form": "id"` anywhere in the text */
    const char *f = memmem(text, len, "\"form\"", 6);
    if (!*key || !f) {
        return;
    }
    const char *q = memchr(f + 6, '"', len - (size_t)(f + 6 - (const char *)text));
    const char *e = q ? memchr(q + 1, '"', len - (size_t)(q + 1 - (const char *)text)) : NULL;
    if (!e || e - q > 65) {
        return;
    }
    char *id = beian_strndup(q + 1, (size_t)(e - q - 1));
    beian_problems *ignored = beian_problems_new();
    beian_form *form = NULL;
    if (id && ignored && beian_form_load(ctx, id, &form, ignored) == BEIAN_OK) {
        int fi = beian_form_field_index(form, *key, 1);
        if (fi >= 0) {
            *label = beian_strdup(form->fields[fi].label);
        }
    }
    beian_form_free(form);
    beian_problems_free(ignored);
    free(id);
}

/*
 * Every character of every value must be printable from the fonts: checked here too, so
 * that `check` lists these problems together with the field problems, not after them.
 * (Without fonts nothing is said here; rendering reports the configuration.)
 */
static int check_characters(beian_ctx *ctx, const beian_record *r, beian_problems *pr)
{
    beian_fonts *fonts = NULL;
    int rc = BEIAN_OK;
    if (beian_ctx_fonts(ctx, &fonts) != BEIAN_OK) {
        return BEIAN_OK;
    }
    for (size_t i = 0; i < r->form->nfields; i++) {
        const char *v = r->values[i];
        const beian_field *fd = &r->form->fields[i];
        if (!v || fd->type == BEIAN_FIELD_QR || fd->type == BEIAN_FIELD_IMAGE) {
            continue; /* QR payloads are encoded, not printed; pictures are paths */
        }
        if (beian_fonts_report_unprintable(fonts, BEIAN_ROLE_BODY, v, pr, r->path, r->lines[i],
                                           fd->id, fd->label) > 0) {
            rc = BEIAN_EDATA;
        }
    }
    return rc;
}

/* What a JSON value that is not a string is, for a message: "the number 2026", "true", "a
 * list [...]", "an object {...}"; and a number as the text it should have been ("2026"). */
static void json_kind(const json_t *v, char *out, size_t size, char *as_text, size_t text_size)
{
    snprintf(as_text, text_size, "...");
    if (json_is_integer(v)) {
        snprintf(as_text, text_size, "%lld", (long long)json_integer_value(v));
        snprintf(out, size, "the number %s", as_text);
    } else if (json_is_real(v)) {
        snprintf(as_text, text_size, "%.15g", json_real_value(v));
        snprintf(out, size, "the number %s", as_text);
    } else if (json_is_boolean(v)) {
        snprintf(out, size, "%s", json_is_true(v) ? "true" : "false");
    } else if (json_is_array(v)) {
        snprintf(out, size, "a list [...]");
    } else {
        snprintf(out, size, "an object {...}");
    }
}

/*
 * For every QR cell of the record's form whose picture field is given (group_qr_image), reads
 * the picture (path relative to the data file), decodes it and stores the payload in the
 * cell's QR field. A picture with no readable code, with more than one, or disagreeing with a
 * QR field given as text is a problem naming the field. Returns BEIAN_OK or BEIAN_EDATA.
 */
static int resolve_qr_pictures(beian_ctx *ctx, beian_record *rec, beian_problems *pr)
{
    const beian_form *f = rec->form;
    int rc = BEIAN_OK;
    for (size_t i = 0; i < f->ncells; i++) {
        const beian_cell *c = &f->cells[i];
        if (c->kind != BEIAN_CELL_QR || c->qr_image_field < 0 || !rec->values[c->qr_image_field]) {
            continue;
        }
        int fi = c->qr_image_field;
        const beian_field *fd = &f->fields[fi];
        char *dir = beian_path_dirname(rec->path ? rec->path : ".");
        char *path = dir ? beian_path_join(dir, rec->values[fi]) : NULL;
        free(dir);
        if (!path) {
            return beian_ctx_fail(ctx, BEIAN_EINTERNAL, "out of memory");
        }
        beian_problems *sub = beian_problems_new();
        char **codes = NULL;
        size_t n = 0;
        int src = sub ? beian_scan_codes(ctx, path, &codes, &n, sub)
                      : beian_ctx_fail(ctx, BEIAN_EINTERNAL, "out of memory");
        if (src == BEIAN_EINTERNAL) {
            rc = BEIAN_EINTERNAL;
        } else if (src != BEIAN_OK) {
            const beian_problem *p = beian_problems_get(sub, 0);
            beian_problems_add(pr, BEIAN_SEV_ERROR, rec->path, rec->lines[fi], 0, fd->id,
                               fd->label, "%s: %s", rec->values[fi],
                               p ? p->message : "cannot be read");
            rc = BEIAN_EDATA;
        } else if (n != 1) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, rec->path, rec->lines[fi], 0, fd->id,
                               fd->label,
                               n == 0 ? "%s: no readable QR code in the picture; save the "
                                        "group's code again from the chat app (or give its "
                                        "link as group_qr)"
                                      : "%s: the picture holds more than one QR code; crop it "
                                        "to the group's code",
                               rec->values[fi]);
            rc = BEIAN_EDATA;
        } else if (rec->values[c->qr_field] && strcmp(rec->values[c->qr_field], codes[0]) != 0) {
            const beian_field *qf = &f->fields[c->qr_field];
            beian_problems_add(pr, BEIAN_SEV_ERROR, rec->path, rec->lines[fi], 0, fd->id,
                               fd->label,
                               "the picture's code (%s) differs from %s (%s); give only one",
                               codes[0], qf->id, qf->label);
            rc = BEIAN_EDATA;
        } else if (!rec->values[c->qr_field]) {
            size_t max = f->fields[c->qr_field].max_chars;
            if (beian_utf8_check((const unsigned char *)codes[0], strlen(codes[0])) !=
                    strlen(codes[0]) ||
                beian_utf8_count(codes[0]) > max) {
                beian_problems_add(pr, BEIAN_SEV_ERROR, rec->path, rec->lines[fi], 0, fd->id,
                                   fd->label,
                                   "the picture's code is not text of at most %zu characters",
                                   max);
                rc = BEIAN_EDATA;
            } else if (beian_record_set(rec, c->qr_field, codes[0], rec->lines[fi]) != BEIAN_OK) {
                rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL, "out of memory");
            }
        }
        beian_scan_codes_free(codes, n);
        beian_problems_free(sub);
        free(path);
        if (rc == BEIAN_EINTERNAL) {
            return rc;
        }
    }
    return rc;
}

static int record_read(beian_ctx *ctx, const char *path, const unsigned char *data, size_t len,
                       beian_record **out, beian_problems *pr)
{
    int rc = BEIAN_EDATA;
    json_t *root = NULL;
    beian_form *form = NULL;
    beian_record *r = NULL;
    unsigned char *wrong_type = NULL; /* per field: its value had the wrong JSON type */
    *out = NULL;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3; /* a UTF-8 byte order mark, as Windows Notepad writes it */
        len -= 3;
    }
    size_t badbyte = beian_utf8_check(data, len);
    if (badbyte < len) {
        int line, col;
        char *key = NULL, *label = NULL;
        position(data, badbyte, &line, &col);
        key_before(ctx, data, len, badbyte, &key, &label);
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, line, col, key, label,
                           "the file is not UTF-8 text (byte 0x%02X); save it as UTF-8 "
                           "(in Notepad: 另存为, 编码 UTF-8)",
                           data[badbyte]);
        free(key);
        free(label);
        return BEIAN_EDATA;
    }
    if (memchr(data, '\0', len)) {
        int line, col;
        position(data, (size_t)((const unsigned char *)memchr(data, '\0', len) - data), &line,
                 &col);
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, line, col, NULL, NULL,
                           "the file contains a NUL byte; it is not a text file");
        return BEIAN_EDATA;
    }
    json_error_t jerr;
    int oom = 0;
    root = beian_json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr, &oom);
    if (oom) {
        return beian_ctx_fail(ctx, BEIAN_EINTERNAL, "%s: out of memory while reading it", path);
    }
    if (!root) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, jerr.line, jerr.column, NULL, NULL,
                           "JSON syntax error: %s", jerr.text);
        return BEIAN_EDATA;
    }
    if (!json_is_object(root)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 1, 0, NULL, NULL,
                           "expected an object {\"form\": ..., \"fields\": {...}}");
        goto done;
    }
    if (json_object_size(root) > RECORD_MAX_KEYS) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 1, 0, NULL, NULL,
                           "the top level has %zu keys; a data file has \"form\", \"fields\" "
                           "and, optionally, \"date\"",
                           json_object_size(root));
        goto done;
    }
    const char *key;
    json_t *v;
    json_object_foreach(root, key, v)
    {
        if (strcmp(key, "form") && strcmp(key, "fields") && strcmp(key, "date")) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, path, key_line((const char *)data, len, key),
                               0, key, NULL,
                               "unknown key; a data file has \"form\", \"fields\" and, "
                               "optionally, \"date\"");
        }
    }
    json_t *jform = json_object_get(root, "form");
    if (!json_is_string(jform)) {
        beian_buf known;
        beian_buf_init(&known);
        known_forms(ctx, &known);
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, key_line((const char *)data, len, "form"),
                           0, "form", "表格",
                           "%s: name the form as a string, one of: %s",
                           jform ? "is not a string" : "is missing",
                           known.data ? (char *)known.data : "");
        beian_buf_release(&known);
        goto done;
    }
    rc = beian_form_load(ctx, json_string_value(jform), &form, pr);
    if (rc == BEIAN_EDATA) {
        beian_buf known;
        beian_buf_init(&known);
        known_forms(ctx, &known);
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, key_line((const char *)data, len, "form"),
                           0, "form", "表格", "there is no form \"%s\"; known forms: %s",
                           json_string_value(jform), known.data ? (char *)known.data : "");
        beian_buf_release(&known);
        goto done;
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = BEIAN_EDATA;
    r = beian_record_new(form);
    if (!r) {
        rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL, "%s: out of memory while reading it", path);
        goto done;
    }
    r->owns_form = 1;
    r->path = beian_strdup(path);
    form = NULL;
    wrong_type = calloc(r->form->nfields ? r->form->nfields : 1, 1);
    if (!r->path || !wrong_type) {
        rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL, "%s: out of memory while reading it", path);
        goto done;
    }
    json_t *jdate = json_object_get(root, "date");
    if (jdate && !json_is_string(jdate)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, key_line((const char *)data, len, "date"),
                           0, "date", "提交日期",
                           "must be a date in quotes, such as \"2026-11-24\"");
    } else if (jdate) {
        r->date = beian_strdup(json_string_value(jdate));
        if (!r->date) {
            rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL, "%s: out of memory while reading it", path);
            goto done;
        }
        r->date_line = key_line((const char *)data, len, "date");
    }
    json_t *fields = json_object_get(root, "fields");
    if (!json_is_object(fields)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, key_line((const char *)data, len, "fields"),
                           0, "fields", NULL,
                           "%s: the values go in an object \"fields\": {\"%s\": \"...\", ...}",
                           fields ? "is not an object" : "is missing", r->form->fields[0].id);
        goto done;
    }
    if (json_object_size(fields) > RECORD_MAX_KEYS) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, key_line((const char *)data, len, "fields"),
                           0, "fields", NULL,
                           "has %zu entries; form %s has %zu fields and at most %d entries are "
                           "read",
                           json_object_size(fields), r->form->id, r->form->nfields,
                           RECORD_MAX_KEYS);
        goto done;
    }
    json_object_foreach(fields, key, v)
    {
        int line = key_line((const char *)data, len, key);
        int i = beian_form_field_index(r->form, key, 1);
        if (i < 0) {
            const char *s = beian_form_suggest(r->form, key);
            const beian_field *sf = s ? &r->form->fields[beian_form_field_index(r->form, s, 0)]
                                      : NULL;
            beian_problems_add(pr, BEIAN_SEV_ERROR, path, line, 0, key, NULL,
                               "is not a field of form %s%s%s%s%s%s", r->form->id,
                               s ? "; did you mean " : " (see: beian forms ",
                               s ? s : r->form->id, s ? " (" : ")", s ? sf->label : "",
                               s ? ")?" : "");
            continue;
        }
        const beian_field *fd = &r->form->fields[i];
        char num[32];
        const char *sv = NULL;
        if (json_is_string(v)) {
            sv = json_string_value(v);
        } else if (json_is_integer(v) && fd->type == BEIAN_FIELD_COUNT) {
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            sv = num;
        } else if (json_is_null(v)) {
            sv = NULL;
        } else {
            /* said once, as what it is: not also "is missing" (record_validate) */
            char got[64], as_text[40];
            json_kind(v, got, sizeof got, as_text, sizeof as_text);
            if (beian_problems_add(pr, BEIAN_SEV_ERROR, path, line, 0, fd->id, fd->label,
                                   "must be text in quotes, such as \"%s\", not %s",
                                   fd->example ? fd->example : as_text, got) != BEIAN_OK) {
                rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL, "%s: out of memory while reading it",
                                    path);
                goto done;
            }
            if (r->values[i] || r->lines[i] || wrong_type[i]) {
                beian_problems_add(pr, BEIAN_SEV_ERROR, path, line, 0, fd->id, fd->label,
                                   "is given twice (by its id and by its label)");
            }
            wrong_type[i] = 1;
            continue;
        }
        if (wrong_type[i]) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, path, line, 0, fd->id, fd->label,
                               "is given twice (by its id and by its label)");
            continue;
        }
        if (r->values[i] || r->lines[i]) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, path, line, 0, fd->id, fd->label,
                               "is given twice (by its id and by its label)");
            continue;
        }
        if (beian_record_set(r, i, sv, line) != BEIAN_OK) {
            rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL, "%s: out of memory while reading it", path);
            goto done;
        }
        if (!r->lines[i]) {
            r->lines[i] = line;
        }
    }
    rc = BEIAN_OK;
done:
    json_decref(root);
    beian_form_free(form);
    if (rc == BEIAN_OK && r) {
        if (record_validate(r, pr, wrong_type) != BEIAN_OK || beian_problems_errors(pr) > 0) {
            rc = BEIAN_EDATA;
        } else {
            rc = resolve_qr_pictures(ctx, r, pr);
        }
        if (check_characters(ctx, r, pr) != BEIAN_OK) {
            rc = rc == BEIAN_OK ? BEIAN_EDATA : rc;
        }
    }
    free(wrong_type);
    if (rc == BEIAN_OK) {
        *out = r;
    } else {
        beian_record_free(r);
    }
    return rc;
}

/*
 * A refusal is only as good as its list of problems: when one could not be added (no
 * memory), the file is not called bad; it is "out of memory" (BEIAN_EINTERNAL), and no
 * record is returned.
 */
int beian_record_read_buffer(beian_ctx *ctx, const char *path, const unsigned char *data,
                             size_t len, beian_record **out, beian_problems *pr)
{
    int rc = record_read(ctx, path, data, len, out, pr);
    if (rc != BEIAN_EINTERNAL && beian_problems_lost(pr)) {
        beian_record_free(*out);
        *out = NULL;
        rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL, "%s: out of memory while reading it", path);
    }
    return rc;
}

int beian_record_read_file(beian_ctx *ctx, const char *path, beian_record **out,
                           beian_problems *pr)
{
    beian_buf b;
    int err = 0;
    *out = NULL;
    int rc = beian_file_read(path, BEIAN_RECORD_MAX_BYTES, &b, &err);
    if (rc == BEIAN_ENOINPUT) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL, "cannot read: %s",
                           strerror(err));
        return rc;
    }
    if (rc == BEIAN_EDATA) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "the file is larger than %d KiB; a data file holds one record",
                           BEIAN_RECORD_MAX_BYTES / 1024);
        return rc;
    }
    if (rc == BEIAN_EINTERNAL) {
        return beian_ctx_fail(ctx, rc, "%s: out of memory while reading it", path);
    }
    if (rc != BEIAN_OK) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL, "cannot read: %s",
                           strerror(err));
        return rc;
    }
    rc = beian_record_read_buffer(ctx, path, b.data, b.len, out, pr);
    beian_buf_release(&b);
    return rc;
}

int beian_record_canonical(const beian_record *r, char **json, size_t *len)
{
    json_t *root = json_object();
    json_t *fields = json_object();
    int rc = BEIAN_EINTERNAL;
    *json = NULL;
    *len = 0;
    if (!root || !fields) {
        goto done;
    }
    for (size_t i = 0; i < r->form->nfields; i++) {
        if (r->values[i] &&
            json_object_set_new(fields, r->form->fields[i].id, json_string(r->values[i])) != 0) {
            goto done;
        }
    }
    if (json_object_set_new(root, "form", json_string(r->form->id)) != 0 ||
        (r->date && json_object_set_new(root, "date", json_string(r->date)) != 0) ||
        json_object_set(root, "fields", fields) != 0) {
        goto done;
    }
    *json = beian_json_dumps(root, JSON_SORT_KEYS | JSON_COMPACT); /* checked: see util.h */
    if (*json) {
        *len = strlen(*json);
        rc = BEIAN_OK;
    }
done:
    json_decref(fields);
    json_decref(root);
    return rc;
}

int beian_record_digest(const beian_record *r, char out[65])
{
    char *json = NULL;
    size_t len = 0;
    out[0] = '\0';
    int rc = beian_record_canonical(r, &json, &len);
    if (rc == BEIAN_OK) {
        rc = beian_sha256_hex(json, len, out);
    }
    free(json);
    return rc;
}
