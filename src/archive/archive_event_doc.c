/*
 * archive_event_doc.c - data/event.json: what happened in a version (event, state, date,
 * reason, scans, reviews, the rules' dates and warnings) and what the bundle carries from the
 * versions before it. Parsed strictly and written with sorted keys, so the same document
 * always has the same bytes.
 */
#include "archive_event_doc.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

void event_doc_files_free(event_doc_file *f, size_t n)
{
    for (size_t i = 0; f && i < n; i++) {
        free(f[i].file);
        free(f[i].name);
    }
    free(f);
}

void event_doc_release(event_doc *e)
{
    free(e->form);
    free(e->reason);
    free(e->scan);
    free(e->scan_name);
    free(e->signed_copy);
    free(e->scan_code);
    free(e->scan_check);
    free(e->scan_unverified);
    free(e->signed_unverified);
    free(e->reviews);
    event_doc_files_free(e->scan_files, e->n_scan_files);
    event_doc_files_free(e->signed_files, e->n_signed_files);
    for (size_t i = 0; i < e->n_warnings; i++) {
        free(e->warnings[i]);
    }
    free(e->warnings);
    memset(e, 0, sizeof *e);
}

static int copy_str(json_t *o, const char *key, char *out, size_t size)
{
    const char *s = json_string_value(json_object_get(o, key));
    if (!s || strlen(s) >= size) {
        return 0;
    }
    memcpy(out, s, strlen(s) + 1);
    return 1;
}

static char *dup_str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? beian_strdup(s) : NULL;
}

/* A list of scan files (scan.files, signed_files): optional, else at least two, the first
 * named first, pages rising. BEIAN_EDATA when malformed. */
static int parse_files(json_t *files, const char *first, event_doc_file **out, size_t *n_out)
{
    size_t n = json_array_size(files);
    if (!files) {
        return BEIAN_OK;
    }
    if (!json_is_array(files) || n < 2 || !first) {
        return BEIAN_EDATA;
    }
    if (!(*out = calloc(n, sizeof **out))) {
        return BEIAN_EINTERNAL;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *f = json_array_get(files, i);
        json_t *pg = json_object_get(f, "page");
        event_doc_file *ef = &(*out)[i];
        ef->file = dup_str(f, "file");
        ef->name = dup_str(f, "name");
        ef->page = json_is_integer(pg) ? (int)json_integer_value(pg) : 0;
        *n_out = i + 1;
        if (!ef->file || !ef->name || ef->page < 1 || ef->page > 999 ||
            (i == 0 && strcmp(ef->file, first) != 0) || (i > 0 && ef->page <= (*out)[i - 1].page)) {
            return BEIAN_EDATA;
        }
    }
    return BEIAN_OK;
}

/* Appends the list of n files to o under key (nothing when n is 0); 0 when out of memory. */
static int dump_files(json_t *o, const char *key, const event_doc_file *f, size_t n)
{
    json_t *files = n ? json_array() : NULL;
    if (files && json_object_set_new(o, key, files) != 0) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        if (json_array_append_new(files, json_pack("{s:s, s:s, s:i}", "file", f[i].file, "name",
                                                   f[i].name, "page", f[i].page)) != 0) {
            return 0;
        }
    }
    return 1;
}

int event_doc_parse(const unsigned char *json, size_t len, event_doc *e)
{
    int rc = BEIAN_EDATA;
    json_error_t jerr;
    memset(e, 0, sizeof *e);
    json_t *root = json_loadb((const char *)json, len, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(root)) {
        goto done;
    }
    json_t *printed = json_object_get(root, "printed");
    json_t *review = json_object_get(root, "review");
    json_t *scan = json_object_get(root, "scan");
    json_t *reviews = json_object_get(root, "reviews");
    json_t *ver = json_object_get(root, "version");
    if (!json_is_integer(ver) || json_integer_value(ver) < 1 || json_integer_value(ver) > 100000 ||
        !copy_str(root, "date", e->date, sizeof e->date) ||
        !copy_str(root, "record", e->record, sizeof e->record) ||
        beian_archive_event_parse(json_string_value(json_object_get(root, "event")), &e->event) != 0 ||
        beian_archive_state_parse(json_string_value(json_object_get(root, "state")), &e->state) != 0 ||
        !json_is_object(printed) || !json_is_integer(json_object_get(printed, "version")) ||
        !copy_str(printed, "date", e->printed_date, sizeof e->printed_date) ||
        (reviews && !json_is_array(reviews))) {
        goto done;
    }
    e->version = (int)json_integer_value(ver);
    e->printed_version = (int)json_integer_value(json_object_get(printed, "version"));
    e->form = dup_str(root, "form");
    e->reason = dup_str(root, "reason");
    e->signed_copy = dup_str(root, "signed");
    if (!e->form) {
        goto done;
    }
    if (json_is_object(review)) {
        const char *res = json_string_value(json_object_get(review, "result"));
        e->review_year = (int)json_integer_value(json_object_get(review, "year"));
        e->review_pass = res && strcmp(res, "pass") == 0;
        if (!res || e->review_year < 1900) {
            goto done;
        }
    }
    if (json_is_object(scan)) {
        e->scan = dup_str(scan, "file");
        e->scan_name = dup_str(scan, "name");
        e->scan_code = dup_str(scan, "code");
        e->scan_check = dup_str(scan, "check");
        e->scan_unverified = dup_str(scan, "unverified");
        if (!e->scan) {
            goto done;
        }
    }
    e->signed_unverified = dup_str(root, "signed_unverified");
    rc = parse_files(json_is_object(scan) ? json_object_get(scan, "files") : NULL, e->scan,
                     &e->scan_files, &e->n_scan_files);
    if (rc == BEIAN_OK) {
        rc = parse_files(json_object_get(root, "signed_files"), e->signed_copy, &e->signed_files,
                         &e->n_signed_files);
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = BEIAN_EDATA;
    /* the dates of the rules (issue 6): optional, absent from older bundles */
    const char *dkeys[] = {"changed_on", "closed_on", "opened_on"};
    char *dout[] = {e->changed_on, e->closed_on, e->opened_on};
    for (size_t k = 0; k < 3; k++) {
        json_t *d = json_object_get(root, dkeys[k]);
        if (d && (!copy_str(root, dkeys[k], dout[k], BEIAN_DATE_SIZE) || !beian_date_valid(dout[k]))) {
            goto done;
        }
    }
    json_t *warnings = json_object_get(root, "warnings");
    if (warnings && !json_is_array(warnings)) {
        goto done;
    }
    if (json_array_size(warnings)) {
        e->warnings = calloc(json_array_size(warnings), sizeof *e->warnings);
        if (!e->warnings) {
            rc = BEIAN_EINTERNAL;
            goto done;
        }
        for (size_t i = 0; i < json_array_size(warnings); i++) {
            const char *w = json_string_value(json_array_get(warnings, i));
            if (!w || !(e->warnings[i] = beian_strdup(w))) {
                goto done;
            }
            e->n_warnings = i + 1;
        }
    }
    size_t n = json_array_size(reviews);
    if (n) {
        e->reviews = calloc(n, sizeof *e->reviews);
        if (!e->reviews) {
            rc = BEIAN_EINTERNAL;
            goto done;
        }
        for (size_t i = 0; i < n; i++) {
            json_t *r = json_array_get(reviews, i);
            const char *res = json_string_value(json_object_get(r, "result"));
            event_doc_review *re = &e->reviews[i];
            re->year = (int)json_integer_value(json_object_get(r, "year"));
            re->version = (int)json_integer_value(json_object_get(r, "version"));
            re->pass = res && strcmp(res, "pass") == 0;
            if (!res || !copy_str(r, "date", re->date, sizeof re->date)) {
                goto done;
            }
        }
        e->n_reviews = n;
    }
    rc = BEIAN_OK;
done:
    json_decref(root);
    if (rc != BEIAN_OK) {
        event_doc_release(e);
    }
    return rc;
}

int event_doc_dump(const event_doc *e, unsigned char **out, size_t *len)
{
    int rc = BEIAN_EINTERNAL;
    char *s = NULL;
    json_t *root =
        json_pack("{s:s, s:s, s:s, s:{s:s, s:i}, s:s, s:[], s:s, s:i}", "date", e->date, "event",
                  beian_archive_event_name(e->event), "form", e->form, "printed", "date", e->printed_date,
                  "version", e->printed_version, "record", e->record, "reviews", "state",
                  beian_archive_state_name(e->state), "version", e->version);
    *out = NULL;
    *len = 0;
    if (!root) {
        goto done;
    }
    if (e->reason && json_object_set_new(root, "reason", json_string(e->reason)) != 0) {
        goto done;
    }
    if (e->signed_copy && json_object_set_new(root, "signed", json_string(e->signed_copy)) != 0) {
        goto done;
    }
    if (e->review_year &&
        json_object_set_new(root, "review",
                            json_pack("{s:s, s:i}", "result", e->review_pass ? "pass" : "fail",
                                      "year", e->review_year)) != 0) {
        goto done;
    }
    if (e->scan) {
        json_t *sc = json_pack("{s:s, s:s}", "file", e->scan, "name",
                               e->scan_name ? e->scan_name : "");
        if (json_object_set_new(root, "scan", sc) != 0 ||
            (e->scan_code && json_object_set_new(sc, "code", json_string(e->scan_code)) != 0) ||
            (e->scan_check && json_object_set_new(sc, "check", json_string(e->scan_check)) != 0) ||
            (e->scan_unverified &&
             json_object_set_new(sc, "unverified", json_string(e->scan_unverified)) != 0)) {
            goto done;
        }
        if (!dump_files(sc, "files", e->scan_files, e->n_scan_files)) {
            goto done;
        }
    }
    if (!dump_files(root, "signed_files", e->signed_files, e->n_signed_files)) {
        goto done;
    }
    if (e->signed_unverified &&
        json_object_set_new(root, "signed_unverified", json_string(e->signed_unverified)) != 0) {
        goto done;
    }
    const char *dkeys[] = {"changed_on", "closed_on", "opened_on"};
    const char *dval[] = {e->changed_on, e->closed_on, e->opened_on};
    for (size_t k = 0; k < 3; k++) {
        if (dval[k][0] && json_object_set_new(root, dkeys[k], json_string(dval[k])) != 0) {
            goto done;
        }
    }
    if (e->n_warnings) {
        json_t *w = json_array();
        if (json_object_set_new(root, "warnings", w) != 0) {
            goto done;
        }
        for (size_t i = 0; i < e->n_warnings; i++) {
            if (json_array_append_new(w, json_string(e->warnings[i])) != 0) {
                goto done;
            }
        }
    }
    json_t *reviews = json_object_get(root, "reviews");
    for (size_t i = 0; i < e->n_reviews; i++) {
        const event_doc_review *r = &e->reviews[i];
        if (json_array_append_new(reviews, json_pack("{s:s, s:s, s:i, s:i}", "date", r->date,
                                                     "result", r->pass ? "pass" : "fail", "version",
                                                     r->version, "year", r->year))) {
            goto done;
        }
    }
    s = beian_json_dumps(root, JSON_SORT_KEYS | JSON_INDENT(2)); /* checked: see util.h */
    if (!s) {
        goto done;
    }
    *out = (unsigned char *)beian_asprintf("%s\n", s);
    if (*out) {
        *len = strlen((char *)*out);
        rc = BEIAN_OK;
    }
done:
    free(s);
    json_decref(root);
    return rc;
}
