/*
 * record.c - reads a data file into a record and validates it against its form.
 *
 * The reader refuses what a person could not have meant (bytes that are not UTF-8, JSON
 * syntax errors, duplicate keys, unknown fields, values of the wrong JSON type) and the
 * validator checks each field by its type. Every problem is collected, with the line of the
 * field's key in the data file (jansson keeps no positions, so the key is found in the text),
 * so the user fixes the whole file in one go. The reader is a sequence of named steps
 * (record_read); the validator is record_check.c.
 */
#define _GNU_SOURCE
#include "beian/record.h"
#include "beian/message.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/scan.h"
#include "ctx_private.h"
#include "record_check.h"
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
        int src = sub ? beian_scan_picture_codes(ctx, path, &codes, &n, sub)
                      : beian_ctx_fail(ctx, BEIAN_EINTERNAL, "out of memory");
        if (src == BEIAN_EINTERNAL) {
            rc = BEIAN_EINTERNAL;
        } else if (src != BEIAN_OK) {
            const beian_problem *p = beian_problems_get(sub, 0);
            beian_problems_add_msg(pr, BEIAN_SEV_ERROR, rec->path, rec->lines[fi], 0, fd->id,
                                   fd->label, BEIAN_MSG_PICTURE_UNREADABLE,
                                   BEIAN_MSG_ARGS(rec->values[fi],
                                                  p ? p->message : "cannot be read"));
            rc = BEIAN_EDATA;
        } else if (n != 1) {
            beian_problems_add_msg(
                pr, BEIAN_SEV_ERROR, rec->path, rec->lines[fi], 0, fd->id, fd->label,
                n == 0 ? BEIAN_MSG_PICTURE_NO_CODE : BEIAN_MSG_PICTURE_MANY_CODES,
                BEIAN_MSG_ARGS(rec->values[fi]));
            rc = BEIAN_EDATA;
        } else if (rec->values[c->qr_field] && strcmp(rec->values[c->qr_field], codes[0]) != 0) {
            const beian_field *qf = &f->fields[c->qr_field];
            beian_problems_add_msg(pr, BEIAN_SEV_ERROR, rec->path, rec->lines[fi], 0, fd->id,
                                   fd->label, BEIAN_MSG_PICTURE_DIFFERS,
                                   BEIAN_MSG_ARGS(codes[0], qf->id, qf->label));
            rc = BEIAN_EDATA;
        } else if (!rec->values[c->qr_field]) {
            size_t max = f->fields[c->qr_field].max_chars;
            if (beian_utf8_check((const unsigned char *)codes[0], strlen(codes[0])) !=
                    strlen(codes[0]) ||
                beian_utf8_count(codes[0]) > max) {
                char most[24];
                snprintf(most, sizeof most, "%zu", max);
                beian_problems_add_msg(pr, BEIAN_SEV_ERROR, rec->path, rec->lines[fi], 0,
                                       fd->id, fd->label, BEIAN_MSG_PICTURE_CODE_TOO_LONG,
                                       BEIAN_MSG_ARGS(most));
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

/*
 * One read of a data file, step by step (record_read): the text, the JSON, the form, the
 * date, the fields, then the checks. Each step adds what it finds wrong to pr and returns
 * BEIAN_OK to go on, BEIAN_EDATA to stop with the problems so far, or another status (no
 * memory, a bad form definition) to stop with that.
 */
typedef struct {
    beian_ctx *ctx;
    const char *path;
    const unsigned char *data; /* the file, after any byte order mark */
    size_t len;
    beian_problems *pr;
    json_t *root;
    beian_record *rec;        /* owns its form */
    unsigned char *wrong_type; /* per field: its value had the wrong JSON type */
} reader;

static int out_of_memory(reader *R)
{
    return beian_ctx_fail(R->ctx, BEIAN_EINTERNAL, "%s: out of memory while reading it", R->path);
}

static int line_of(const reader *R, const char *key)
{
    return key_line((const char *)R->data, R->len, key);
}

/* The bytes: UTF-8 (a byte order mark, as Windows Notepad writes it, is skipped), no NUL. */
static int read_text(reader *R)
{
    if (R->len >= 3 && memcmp(R->data, "\xEF\xBB\xBF", 3) == 0) {
        R->data += 3;
        R->len -= 3;
    }
    const unsigned char *data = R->data;
    size_t len = R->len;
    size_t badbyte = beian_utf8_check(data, len);
    if (badbyte < len) {
        int line, col;
        char *key = NULL, *label = NULL;
        position(data, badbyte, &line, &col);
        key_before(R->ctx, data, len, badbyte, &key, &label);
        char byte[8];
        snprintf(byte, sizeof byte, "0x%02X", data[badbyte]);
        beian_problems_add_msg(R->pr, BEIAN_SEV_ERROR, R->path, line, col, key, label,
                               BEIAN_MSG_JSON_NOT_UTF8, BEIAN_MSG_ARGS(byte));
        free(key);
        free(label);
        return BEIAN_EDATA;
    }
    if (memchr(data, '\0', len)) {
        int line, col;
        position(data, (size_t)((const unsigned char *)memchr(data, '\0', len) - data), &line,
                 &col);
        beian_problems_add_msg(R->pr, BEIAN_SEV_ERROR, R->path, line, col, NULL, NULL,
                               BEIAN_MSG_JSON_NUL, 0, NULL);
        return BEIAN_EDATA;
    }
    return BEIAN_OK;
}

/*
 * What a Chinese input method puts where JSON needs ASCII punctuation, outside any string:
 * the full-width colon, comma, quotation marks, braces and brackets, each with its name and
 * the character JSON needs.
 */
static const struct {
    const char *utf8, *name, *ascii;
} full_width_punct[] = {
    {"\xEF\xBC\x9A", "colon", ":"},               /* ： U+FF1A */
    {"\xEF\xBC\x8C", "comma", ","},               /* ， U+FF0C */
    {"\xE2\x80\x9C", "opening quotation mark", "\""}, /* “ U+201C */
    {"\xE2\x80\x9D", "closing quotation mark", "\""}, /* ” U+201D */
    {"\xEF\xBD\x9B", "opening brace", "{"},       /* ｛ U+FF5B */
    {"\xEF\xBD\x9D", "closing brace", "}"},       /* ｝ U+FF5D */
    {"\xEF\xBC\xBB", "opening bracket", "["},     /* ［ U+FF3B */
    {"\xEF\xBC\xBD", "closing bracket", "]"},     /* ］ U+FF3D */
};

/*
 * The likely cause of a JSON syntax error that jansson found before byte `stop` (its
 * position: just after the token it could not take): the first full-width punctuation mark
 * outside a string, or the first comma that has only white space before a closing } or ].
 * Adds the problem and returns 1, or returns 0 when neither comes before stop.
 */
static int syntax_hint(const reader *R, size_t stop)
{
    const unsigned char *t = R->data;
    int in_string = 0;
    for (size_t i = 0; i < R->len && i < stop; i++) {
        if (in_string) {
            if (t[i] == '\\') {
                i++;
            } else if (t[i] == '"') {
                in_string = 0;
            }
            continue;
        }
        if (t[i] == '"') {
            in_string = 1;
            continue;
        }
        int line, col;
        if (t[i] == ',') {
            size_t j = i + 1;
            while (j < R->len && strchr(" \t\r\n", t[j]) && t[j]) {
                j++;
            }
            if (j < R->len && j < stop && (t[j] == '}' || t[j] == ']')) {
                position(t, i, &line, &col);
                char at[2][16];
                snprintf(at[0], sizeof at[0], "%d", line);
                snprintf(at[1], sizeof at[1], "%d", col);
                beian_problems_add_msg(R->pr, BEIAN_SEV_ERROR, R->path, line, col, NULL, NULL,
                                       BEIAN_MSG_JSON_TRAILING_COMMA,
                                       BEIAN_MSG_ARGS(t[j] == '}' ? "}" : "]", at[0], at[1],
                                                      t[j] == '}' ? "entry" : "item"));
                return 1;
            }
            continue;
        }
        for (size_t k = 0; t[i] >= 0x80 && k < sizeof full_width_punct / sizeof *full_width_punct;
             k++) {
            if (R->len - i >= 3 && memcmp(t + i, full_width_punct[k].utf8, 3) == 0) {
                position(t, i, &line, &col);
                char at[2][16];
                snprintf(at[0], sizeof at[0], "%d", line);
                snprintf(at[1], sizeof at[1], "%d", col);
                beian_problems_add_msg(R->pr, BEIAN_SEV_ERROR, R->path, line, col, NULL, NULL,
                                       BEIAN_MSG_JSON_FULL_WIDTH,
                                       BEIAN_MSG_ARGS(full_width_punct[k].name,
                                                      full_width_punct[k].utf8, at[0], at[1],
                                                      full_width_punct[k].ascii));
                return 1;
            }
        }
    }
    return 0;
}

/* The JSON: an object of at most RECORD_MAX_KEYS keys; unknown top-level keys are listed. */
static int read_json(reader *R)
{
    json_error_t jerr;
    int oom = 0;
    R->root = beian_json_loadb(R->data, R->len, JSON_REJECT_DUPLICATES, &jerr, &oom);
    if (oom) {
        return out_of_memory(R);
    }
    if (!R->root) {
        if (jerr.position > 0 && syntax_hint(R, (size_t)jerr.position)) {
            return BEIAN_EDATA;
        }
        char at[2][16];
        snprintf(at[0], sizeof at[0], "%d", jerr.line);
        snprintf(at[1], sizeof at[1], "%d", jerr.column);
        beian_problems_add_msg(R->pr, BEIAN_SEV_ERROR, R->path, jerr.line, jerr.column, NULL,
                               NULL, BEIAN_MSG_JSON_SYNTAX, BEIAN_MSG_ARGS(jerr.text, at[0], at[1]));
        return BEIAN_EDATA;
    }
    if (!json_is_object(R->root)) {
        beian_problems_add_msg(R->pr, BEIAN_SEV_ERROR, R->path, 1, 0, NULL, NULL,
                               BEIAN_MSG_JSON_NOT_OBJECT, 0, NULL);
        return BEIAN_EDATA;
    }
    if (json_object_size(R->root) > RECORD_MAX_KEYS) {
        char n[24];
        snprintf(n, sizeof n, "%zu", json_object_size(R->root));
        beian_problems_add_msg(R->pr, BEIAN_SEV_ERROR, R->path, 1, 0, NULL, NULL,
                               BEIAN_MSG_JSON_TOO_MANY_KEYS, BEIAN_MSG_ARGS(n));
        return BEIAN_EDATA;
    }
    const char *key;
    json_t *v;
    json_object_foreach(R->root, key, v)
    {
        if (strcmp(key, "form") && strcmp(key, "fields") && strcmp(key, "date")) {
            beian_problems_add_msg(R->pr, BEIAN_SEV_ERROR, R->path, line_of(R, key), 0, key,
                                   NULL, BEIAN_MSG_JSON_UNKNOWN_KEY, 0, NULL);
        }
    }
    return BEIAN_OK;
}

/* The form the file names: loaded, and an empty record of it made (R->rec owns the form). */
static int read_form(reader *R)
{
    beian_form *form = NULL;
    json_t *jform = json_object_get(R->root, "form");
    if (!json_is_string(jform)) {
        beian_buf known;
        beian_buf_init(&known);
        known_forms(R->ctx, &known);
        beian_problems_add_msg(R->pr, BEIAN_SEV_ERROR, R->path, line_of(R, "form"), 0, "form",
                               "表格",
                               jform ? BEIAN_MSG_JSON_FORM_NOT_TEXT : BEIAN_MSG_JSON_FORM_MISSING,
                               BEIAN_MSG_ARGS(known.data ? (char *)known.data : ""));
        beian_buf_release(&known);
        return BEIAN_EDATA;
    }
    int rc = beian_form_load(R->ctx, json_string_value(jform), &form, R->pr);
    if (rc == BEIAN_EDATA) {
        beian_buf known;
        beian_buf_init(&known);
        known_forms(R->ctx, &known);
        beian_problems_add_msg(R->pr, BEIAN_SEV_ERROR, R->path, line_of(R, "form"), 0, "form",
                               "表格", BEIAN_MSG_JSON_FORM_UNKNOWN,
                               BEIAN_MSG_ARGS(json_string_value(jform),
                                              known.data ? (char *)known.data : ""));
        beian_buf_release(&known);
    }
    if (rc != BEIAN_OK) {
        beian_form_free(form);
        return rc;
    }
    R->rec = beian_record_new(form);
    if (!R->rec) {
        beian_form_free(form);
        return out_of_memory(R);
    }
    R->rec->owns_form = 1;
    R->rec->path = beian_strdup(R->path);
    R->wrong_type = calloc(form->nfields ? form->nfields : 1, 1);
    if (!R->rec->path || !R->wrong_type) {
        return out_of_memory(R);
    }
    return BEIAN_OK;
}

/* The optional submission date: a string (checked as a date by the validator). */
static int read_date(reader *R)
{
    json_t *jdate = json_object_get(R->root, "date");
    if (jdate && !json_is_string(jdate)) {
        beian_problems_add_msg(R->pr, BEIAN_SEV_ERROR, R->path, line_of(R, "date"), 0, "date",
                               "填表日期", BEIAN_MSG_JSON_DATE_NOT_TEXT, 0, NULL);
    } else if (jdate) {
        R->rec->date = beian_strdup(json_string_value(jdate));
        if (!R->rec->date) {
            return out_of_memory(R);
        }
        R->rec->date_line = line_of(R, "date");
    }
    return BEIAN_OK;
}

/* A value as the text the record keeps: a string, a whole number for a count field, or
 * null (no value). Returns 0 when the JSON type is wrong for the field. */
static int field_text(const beian_field *fd, const json_t *v, char *num, size_t size,
                      const char **text)
{
    *text = NULL;
    if (json_is_string(v)) {
        *text = json_string_value(v);
    } else if (json_is_integer(v) && fd->type == BEIAN_FIELD_COUNT) {
        snprintf(num, size, "%lld", (long long)json_integer_value(v));
        *text = num;
    } else if (!json_is_null(v)) {
        return 0;
    }
    return 1;
}

/* One entry of "fields": the key mapped to a field (by id or label), its value's type
 * checked, the value stored. Problems go on; only running out of memory stops. */
static int read_field(reader *R, const char *key, const json_t *v)
{
    beian_record *r = R->rec;
    int line = line_of(R, key);
    int i = beian_form_field_index(r->form, key, 1);
    if (i < 0) {
        const char *s = beian_form_suggest(r->form, key);
        const beian_field *sf = s ? &r->form->fields[beian_form_field_index(r->form, s, 0)]
                                  : NULL;
        beian_problems_add_msg(R->pr, BEIAN_SEV_ERROR, R->path, line, 0, key, NULL,
                               s ? BEIAN_MSG_JSON_NOT_A_FIELD_HINT : BEIAN_MSG_JSON_NOT_A_FIELD,
                               BEIAN_MSG_ARGS(r->form->id, s ? s : "", s ? sf->label : ""));
        return BEIAN_OK;
    }
    const beian_field *fd = &r->form->fields[i];
    char num[32];
    const char *sv = NULL;
    int twice = r->values[i] || r->lines[i] || R->wrong_type[i];
    if (!field_text(fd, v, num, sizeof num, &sv)) {
        /* said once, as what it is: not also "is missing" (the validator) */
        char got[64], as_text[40];
        json_kind(v, got, sizeof got, as_text, sizeof as_text);
        if (beian_problems_add_msg(R->pr, BEIAN_SEV_ERROR, R->path, line, 0, fd->id, fd->label,
                                   BEIAN_MSG_NOT_TEXT,
                                   BEIAN_MSG_ARGS(fd->example ? fd->example : as_text, got)) !=
            BEIAN_OK) {
            return out_of_memory(R);
        }
        if (twice) {
            beian_problems_add_msg(R->pr, BEIAN_SEV_ERROR, R->path, line, 0, fd->id, fd->label,
                                   BEIAN_MSG_GIVEN_TWICE, 0, NULL);
        }
        R->wrong_type[i] = 1;
        return BEIAN_OK;
    }
    if (twice) {
        beian_problems_add_msg(R->pr, BEIAN_SEV_ERROR, R->path, line, 0, fd->id, fd->label,
                               BEIAN_MSG_GIVEN_TWICE, 0, NULL);
        return BEIAN_OK;
    }
    if (beian_record_set(r, i, sv, line) != BEIAN_OK) {
        return out_of_memory(R);
    }
    if (!r->lines[i]) {
        r->lines[i] = line;
    }
    return BEIAN_OK;
}

/* "fields": an object of at most RECORD_MAX_KEYS entries, each read by read_field. */
static int read_fields(reader *R)
{
    const beian_record *r = R->rec;
    json_t *fields = json_object_get(R->root, "fields");
    if (!json_is_object(fields)) {
        beian_problems_add_msg(
            R->pr, BEIAN_SEV_ERROR, R->path, line_of(R, "fields"), 0, "fields", NULL,
            fields ? BEIAN_MSG_JSON_FIELDS_NOT_OBJECT : BEIAN_MSG_JSON_FIELDS_MISSING,
            BEIAN_MSG_ARGS(r->form->fields[0].id));
        return BEIAN_EDATA;
    }
    if (json_object_size(fields) > RECORD_MAX_KEYS) {
        char n[3][24];
        snprintf(n[0], sizeof n[0], "%zu", json_object_size(fields));
        snprintf(n[1], sizeof n[1], "%zu", r->form->nfields);
        snprintf(n[2], sizeof n[2], "%d", RECORD_MAX_KEYS);
        beian_problems_add_msg(R->pr, BEIAN_SEV_ERROR, R->path, line_of(R, "fields"), 0, "fields",
                               NULL, BEIAN_MSG_JSON_TOO_MANY_FIELDS,
                               BEIAN_MSG_ARGS(n[0], r->form->id, n[1], n[2]));
        return BEIAN_EDATA;
    }
    const char *key;
    json_t *v;
    json_object_foreach(fields, key, v)
    {
        int rc = read_field(R, key, v);
        if (rc != BEIAN_OK) {
            return rc;
        }
    }
    return BEIAN_OK;
}

/* The checks of a record read whole: the spellings normalised, the validator, then (only when
 * nothing is wrong so far) the QR pictures, and in any case the characters against the fonts. */
static int read_check(reader *R)
{
    int rc;
    if (beian_record_normalise(R->rec, R->pr) != BEIAN_OK) {
        return out_of_memory(R);
    }
    if (beian_record_check(R->rec, R->pr, R->wrong_type) != BEIAN_OK ||
        beian_problems_errors(R->pr) > 0) {
        rc = BEIAN_EDATA;
    } else {
        rc = resolve_qr_pictures(R->ctx, R->rec, R->pr);
    }
    if (beian_record_check_characters(R->ctx, R->rec, R->pr) != BEIAN_OK) {
        rc = rc == BEIAN_OK ? BEIAN_EDATA : rc;
    }
    return rc;
}

static int record_read(beian_ctx *ctx, const char *path, const unsigned char *data, size_t len,
                       beian_record **out, beian_problems *pr)
{
    reader R = {.ctx = ctx, .path = path, .data = data, .len = len, .pr = pr};
    *out = NULL;
    int rc = read_text(&R);
    if (rc == BEIAN_OK) {
        rc = read_json(&R);
    }
    if (rc == BEIAN_OK) {
        rc = read_form(&R);
    }
    if (rc == BEIAN_OK) {
        rc = read_date(&R);
    }
    if (rc == BEIAN_OK) {
        rc = read_fields(&R);
    }
    if (rc == BEIAN_OK) {
        rc = read_check(&R);
    }
    json_decref(R.root);
    free(R.wrong_type);
    if (rc == BEIAN_OK) {
        *out = R.rec;
    } else {
        beian_record_free(R.rec);
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

int beian_record_digest(const beian_record *r, char out[BEIAN_SHA256_HEX_SIZE])
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

