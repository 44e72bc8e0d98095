/*
 * record_check.c - validates a record against its form (beian_record_validate), for the
 * reader (record.c) and for records built in memory (a sheet's rows, batch.c).
 *
 * Each field is checked by its type (mobile, office and other phone numbers, e-mail, date,
 * count), its length in characters and its control characters; then the groups of "one of"
 * fields, the validity of QR codes at the form's date (填表日期), and the date itself. Every
 * problem is collected with the line of the field's key, so the user fixes the whole file in
 * one go. The characters are checked against the fonts here too, so that `check` lists those
 * problems together with the field problems.
 *
 * Before the checks, beian_record_normalise rewrites what a person typed into the one spelling
 * the record keeps (and hashes): full-width digits, letters and signs in fields that hold
 * numbers, addresses and dates, as a Chinese input method types them, and dates written
 * 2026/9/8 or 2026年9月8日. Each rewrite is a note naming the field, never silent.
 */
#define _GNU_SOURCE
#include "record_check.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "beian/date.h"
#include "beian/font.h"
#include "beian/message.h"
#include "ctx_private.h"
#include "util.h"

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

/* What is wrong with a value of this type (its message id, beian/message.h), or
 * BEIAN_MSG_NONE when it is right. */
static beian_msg type_problem(const beian_field *fd, const char *v)
{
    switch (fd->type) {
    case BEIAN_FIELD_MOBILE:
        return is_mobile(v) ? BEIAN_MSG_NONE : BEIAN_MSG_NOT_MOBILE;
    case BEIAN_FIELD_PHONE:
        return is_mobile(v) || is_office(v) ? BEIAN_MSG_NONE : BEIAN_MSG_NOT_PHONE;
    case BEIAN_FIELD_OFFICE_PHONE:
        return is_office(v) ? BEIAN_MSG_NONE : BEIAN_MSG_NOT_OFFICE_PHONE;
    case BEIAN_FIELD_EMAIL:
        return is_email(v) ? BEIAN_MSG_NONE : BEIAN_MSG_NOT_EMAIL;
    case BEIAN_FIELD_DATE: /* said by the date check, which knows why */
        return BEIAN_MSG_NONE;
    case BEIAN_FIELD_COUNT: {
        size_t n = strlen(v);
        if (n == 0 || n > 7 || !all_digits(v, n) || v[0] == '0') {
            return BEIAN_MSG_NOT_COUNT;
        }
        return BEIAN_MSG_NONE;
    }
    default:
        return BEIAN_MSG_NONE;
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

/* ---- normalising ---- */

/*
 * Fields whose text is made of ASCII: numbers, addresses, dates and counts. A text field named
 * *_number (group_number, 群号) holds a chat app's group number, digits too.
 */
static int ascii_field(const beian_field *fd)
{
    size_t n = strlen(fd->id);
    switch (fd->type) {
    case BEIAN_FIELD_MOBILE:
    case BEIAN_FIELD_PHONE:
    case BEIAN_FIELD_OFFICE_PHONE:
    case BEIAN_FIELD_EMAIL:
    case BEIAN_FIELD_DATE:
    case BEIAN_FIELD_COUNT:
        return 1;
    case BEIAN_FIELD_TEXT:
        return n >= 7 && strcmp(fd->id + n - 7, "_number") == 0;
    default:
        return 0;
    }
}

/* v with full-width ASCII (U+FF01..U+FF5E) and the ideographic space (U+3000) as ASCII; a copy
 * (malloc'd; NULL when out of memory). *changed is 1 when something was folded. */
static char *fold_fullwidth(const char *v, int *changed)
{
    size_t len = strlen(v), o = 0;
    char *out = malloc(len + 1);
    *changed = 0;
    if (!out) {
        return NULL;
    }
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t k = beian_utf8_decode((const unsigned char *)v + i, len - i, &cp);
        if (k == 0) {
            k = 1;
            cp = 0xFFFD;
        }
        uint32_t h = beian_utf8_halfwidth(cp);
        if (h != cp) {
            out[o++] = (char)h;
            *changed = 1;
        } else {
            memcpy(out + o, v + i, k); /* never longer than the original */
            o += k;
        }
        i += k;
    }
    out[o] = '\0';
    return out;
}

/* The spelling of value v of field fd the record keeps (malloc'd), or NULL when v is kept as
 * it is; *oom set when memory ran out. */
static char *normal_value(const beian_field *fd, int is_date, const char *v, int *oom)
{
    int changed = 0;
    char *w = ascii_field(fd) || is_date ? fold_fullwidth(v, &changed) : NULL;
    *oom = 0;
    if ((ascii_field(fd) || is_date) && !w) {
        *oom = 1;
        return NULL;
    }
    if (w && changed) {
        /* only the ends: a space inside a number is the checker's to refuse */
        size_t a = strspn(w, " "), b = strlen(w);
        while (b > a && w[b - 1] == ' ') {
            b--;
        }
        memmove(w, w + a, b - a);
        w[b - a] = '\0';
    }
    char iso[BEIAN_DATE_SIZE];
    if (is_date && beian_date_parse(w, iso, NULL, 0) == BEIAN_DATE_OK && strcmp(iso, v) != 0) {
        free(w);
        w = beian_strdup(iso);
        changed = 1;
        *oom = !w;
    }
    if (!changed) {
        free(w);
        w = NULL;
    }
    return w;
}

int beian_record_normalise(beian_record *r, beian_problems *pr)
{
    const beian_form *f = r->form;
    for (size_t i = 0; i <= f->nfields; i++) {
        /* the fields, then the record's own date */
        static const beian_field date_field = {.id = "date", .label = "填表日期",
                                               .type = BEIAN_FIELD_DATE};
        const beian_field *fd = i < f->nfields ? &f->fields[i] : &date_field;
        char **slot = i < f->nfields ? &r->values[i] : &r->date;
        int line = i < f->nfields ? r->lines[i] : r->date_line;
        int oom = 0;
        if (!*slot) {
            continue;
        }
        char *w = normal_value(fd, fd->type == BEIAN_FIELD_DATE, *slot, &oom);
        if (oom) {
            return BEIAN_EINTERNAL;
        }
        if (!w) {
            continue;
        }
        int added = beian_problems_add_msg(
            pr, BEIAN_SEV_NOTE, r->path, line, 0, fd->id, fd->label,
            fd->type == BEIAN_FIELD_DATE ? BEIAN_MSG_READ_AS_DATE : BEIAN_MSG_READ_AS_HALFWIDTH,
            BEIAN_MSG_ARGS(*slot, w));
        free(*slot);
        *slot = w;
        if (added != BEIAN_OK) {
            return BEIAN_EINTERNAL;
        }
    }
    return BEIAN_OK;
}

/* What a date that beian_date_parse has no reason for is told. */
#define NOT_A_DATE "is not a date: expected one such as 2026-11-24"

static int field_problem(beian_problems *pr, const beian_record *r, int i, beian_msg msg,
                         size_t nargs, const char *const *args)
{
    const beian_field *fd = &r->form->fields[i];
    return beian_problems_add_msg(pr, BEIAN_SEV_ERROR, r->path, r->lines[i], 0, fd->id,
                                  fd->label, msg, nargs, args);
}

/* 1 when v is (or starts like) a beian tracking code, "beian:" in any case after blanks
 * (issue 13, point 8: a group's QR code holding another record's tracking code). */
static int looks_like_tracking(const char *v)
{
    while (*v == ' ' || *v == '\t') {
        v++;
    }
    return strncasecmp(v, "beian:", 6) == 0;
}

int beian_record_check(const beian_record *r, beian_problems *pr,
                       const unsigned char *reported)
{
    size_t before = beian_problems_errors(pr);
    const beian_form *f = r->form;
    for (size_t i = 0; i < f->nfields; i++) {
        const beian_field *fd = &f->fields[i];
        const char *v = r->values[i];
        if (!v) {
            if (fd->required && !(reported && reported[i])) {
                field_problem(pr, r, (int)i, BEIAN_MSG_FIELD_MISSING, BEIAN_MSG_ARGS(fd->label));
            }
            continue;
        }
        size_t chars = beian_utf8_count(v);
        if (chars > fd->max_chars) {
            char given[24], most[24];
            snprintf(given, sizeof given, "%zu", chars);
            snprintf(most, sizeof most, "%zu", fd->max_chars);
            field_problem(pr, r, (int)i, BEIAN_MSG_FIELD_TOO_LONG, BEIAN_MSG_ARGS(given, most));
            continue;
        }
        int multiline = fd->type == BEIAN_FIELD_MULTILINE;
        int c = bad_control(v, multiline);
        if (c == '\n') {
            field_problem(pr, r, (int)i, BEIAN_MSG_FIELD_LINE_BREAK, BEIAN_MSG_ARGS(fd->label));
            continue;
        }
        if (c) {
            char cp[16];
            snprintf(cp, sizeof cp, "U+%04X", c);
            field_problem(pr, r, (int)i, BEIAN_MSG_FIELD_CONTROL, BEIAN_MSG_ARGS(cp));
            continue;
        }
        if (looks_like_tracking(v)) {
            field_problem(pr, r, (int)i, BEIAN_MSG_HOLDS_TRACKING_CODE, BEIAN_MSG_ARGS(v));
            continue;
        }
        beian_msg what = type_problem(fd, v);
        if (fd->type == BEIAN_FIELD_DATE && !beian_date_valid(v)) {
            char iso[BEIAN_DATE_SIZE], why[BEIAN_DATE_WHY_SIZE];
            beian_date_parse(v, iso, why, sizeof why);
            field_problem(pr, r, (int)i, BEIAN_MSG_NOT_DATE,
                          BEIAN_MSG_ARGS(v, why[0] ? why : NOT_A_DATE));
        } else if (what != BEIAN_MSG_NONE) {
            field_problem(pr, r, (int)i, what, BEIAN_MSG_ARGS(v));
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
            beian_problems_add_msg(
                pr, BEIAN_SEV_ERROR, r->path, 0, 0, fd->id, fd->label, BEIAN_MSG_ONE_OF_MISSING,
                BEIAN_MSG_ARGS(brc == BEIAN_OK ? (char *)names.data
                                               : "the fields grouped with it (see: beian forms)"));
        }
        beian_buf_release(&names);
    }
    for (size_t i = 0; i < f->nfields; i++) {
        const beian_field *fd = &f->fields[i];
        const char *v = r->values[i];
        if (fd->valid_days > 0 && v && r->date && beian_date_valid(v) &&
            beian_date_valid(r->date) &&
            beian_date_days(v) + fd->valid_days < beian_date_days(r->date)) {
            char days[16];
            snprintf(days, sizeof days, "%d", fd->valid_days);
            beian_problems_add_msg(pr, BEIAN_SEV_WARNING, r->path, r->lines[i], 0, fd->id,
                                   fd->label, BEIAN_MSG_QR_CODE_EXPIRED,
                                   BEIAN_MSG_ARGS(v, days, r->date));
        }
    }
    if (r->date && !beian_date_valid(r->date)) {
        char iso[BEIAN_DATE_SIZE], why[BEIAN_DATE_WHY_SIZE];
        beian_date_parse(r->date, iso, why, sizeof why);
        beian_problems_add_msg(pr, BEIAN_SEV_ERROR, r->path, r->date_line, 0, "date", "填表日期",
                               BEIAN_MSG_NOT_DATE,
                               BEIAN_MSG_ARGS(r->date, why[0] ? why : NOT_A_DATE));
    }
    return beian_problems_errors(pr) > before ? BEIAN_EDATA : BEIAN_OK;
}

int beian_record_validate(const beian_record *r, beian_problems *pr)
{
    return beian_record_check(r, pr, NULL);
}

int beian_record_check_characters(beian_ctx *ctx, const beian_record *r, beian_problems *pr)
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
