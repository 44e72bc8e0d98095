/*
 * archive_reprint.c - `beian reprint`: the archived form of a version, years later, marked
 * as a reprint, only from a record that verifies, and every reprint logged.
 *
 * The page is re-rendered from the archived record and the archived form definition with the
 * same record number, version and date as when it was filed, plus the reprint mark. Before
 * that the page is rendered without the mark and compared with the archived PDF: equal bytes
 * prove the reprint shows exactly the archived content (info->identical); they differ when
 * beian or the fonts changed since (provenance.json tells which), and the caller says so.
 * --exact gives the archived PDF itself.
 *
 * reprints.log gets one line per reprint:
 *     <reprint-date> <record> v<N> <marked|masked|exact> <sha256 of the output> <bundle sha256>
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_content.h"
#include "archive_load.h"
#include "archive_store.h"
#include "file.h"
#include "ledger.h"
#include "beian/render.h"
#include "sha256.h"
#include "util.h"

#define REPRINTS_MAX_BYTES (64u * 1024u * 1024u)

/* 13995012345 -> 139****2345 */
static void mask_mobile(char *v)
{
    size_t n = strlen(v);
    if (n == 11 && strspn(v, "0123456789") == 11 && v[0] == '1') {
        memset(v + 3, '*', 4);
    }
}

/* wangkun@nxtc.edu.cn -> w***@nxtc.edu.cn */
static char *mask_email(const char *v)
{
    const char *at = strchr(v, '@');
    if (!at || at == v) {
        return beian_strdup(v);
    }
    return beian_asprintf("%c***%s", v[0], at);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Characters of an e-mail address's local part and domain (RFC 5322's dot-atom, less the
 * rarely used symbols that also end sentences). */
static int is_mail_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' ||
           c == '_' || c == '-' || c == '+' || c == '%';
}

/*
 * Free text with every mobile number and e-mail address in it masked as the contact fields
 * are (issue 14: a masked copy showed them inside 建群范围 and a group's name): a run of 11
 * ASCII digits starting with 1, also written 3-4-4 with '-' or ' ', keeps its first 3 and
 * last 4 digits; an address keeps the first character of its local part and its domain.
 * Dates (2026-11-24) and shorter numbers are left alone. Caller frees.
 */
static char *mask_text(const char *v)
{
    size_t n = strlen(v);
    char *out = beian_strdup(v);
    for (size_t i = 0; out && i < n;) {
        if (is_digit(out[i]) && (i == 0 || !is_digit(out[i - 1]))) {
            size_t run = strspn(out + i, "0123456789");
            int sep = run == 3 && i + 13 <= n && (out[i + 3] == '-' || out[i + 3] == ' ') &&
                      strspn(out + i + 4, "0123456789") == 4 && out[i + 8] == out[i + 3] &&
                      strspn(out + i + 9, "0123456789") == 4 && !is_digit(out[i + 13]);
            if (out[i] == '1' && (run == 11 || sep)) {
                memset(out + i + 3 + (sep ? 1 : 0), '*', 4);
                run = sep ? 13 : 11;
            }
            i += run;
            continue;
        }
        if (out[i] == '@' && i > 0 && is_mail_char(out[i - 1]) && i + 1 < n &&
            is_mail_char(out[i + 1])) {
            size_t start = i;
            while (start > 0 && is_mail_char(out[start - 1])) {
                start--;
            }
            const char *dot = memchr(out + i + 1, '.', strspn(out + i + 1,
                                     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789.-"));
            if (dot && i - start >= 1) {
                char *m = beian_asprintf("%.*s%c***%s", (int)start, out, out[start], out + i);
                if (!m) {
                    free(out);
                    return NULL;
                }
                free(out);
                out = m;
                i = start + 4 + 1;
                n = strlen(out);
                continue;
            }
        }
        i++;
    }
    return out;
}

static int mask_record(beian_record *rec)
{
    for (size_t i = 0; i < rec->form->nfields; i++) {
        char *v = rec->values[i];
        if (!v) {
            continue;
        }
        switch (rec->form->fields[i].type) {
        case BEIAN_FIELD_MOBILE:
        case BEIAN_FIELD_PHONE:
            mask_mobile(v);
            break;
        case BEIAN_FIELD_EMAIL: {
            char *m = mask_email(v);
            if (!m) {
                return BEIAN_EINTERNAL;
            }
            free(rec->values[i]);
            rec->values[i] = m;
            break;
        }
        case BEIAN_FIELD_TEXT:
        case BEIAN_FIELD_MULTILINE: {
            char *m = mask_text(v);
            if (!m) {
                return BEIAN_EINTERNAL;
            }
            free(rec->values[i]);
            rec->values[i] = m;
            break;
        }
        default:
            break;
        }
    }
    return BEIAN_OK;
}

static int log_reprint(beian_archive *ar, const char *line)
{
    beian_buf b;
    int err = 0;
    char *path = store_path(ar, STORE_REPRINTS);
    int rc = path ? store_lock(ar) : BEIAN_EINTERNAL;
    if (rc != BEIAN_OK) {
        free(path);
        return rc;
    }
    rc = beian_file_read(path, REPRINTS_MAX_BYTES, &b, &err);
    if (rc == BEIAN_ENOINPUT) {
        beian_buf_init(&b);
        rc = BEIAN_OK;
    }
    if (rc == BEIAN_OK && b.len > 0 && b.data[b.len - 1] != '\n') {
        rc = beian_buf_append(&b, "\n", 1);
    }
    if (rc == BEIAN_OK) {
        rc = beian_buf_appendf(&b, "%s\n", line);
    }
    if (rc == BEIAN_OK) {
        rc = store_replace_file(ar, STORE_REPRINTS, b.data, b.len, NULL, NULL);
    } else if (rc == BEIAN_EDATA) {
        rc = beian_ctx_fail(ar->ctx, BEIAN_EIO, "%s is larger than 64 MiB; move it aside", path);
    }
    beian_buf_release(&b);
    store_unlock(ar);
    free(path);
    return rc;
}

int beian_archive_reprint(beian_archive *ar, const char *record_no,
                          const beian_reprint_options *opts, unsigned char **pdf, size_t *len,
                          beian_reprint_info *info, beian_findings *findings, beian_problems *pr)
{
    ledger lg;
    load_bundle lb;
    beian_form *form = NULL;
    beian_record *rec = NULL;
    char *why = NULL, *mark = NULL, *logline = NULL;
    unsigned char *plain = NULL, *out = NULL;
    size_t plain_len = 0, out_len = 0;
    beian_verify_summary sum;
    memset(&lg, 0, sizeof lg);
    memset(&lb, 0, sizeof lb);
    memset(info, 0, sizeof *info);
    *pdf = NULL;
    *len = 0;
    if (!opts->date || !beian_date_valid(opts->date)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, "date", "补打日期",
                           "give the reprint date with --date YYYY-MM-DD (or --date today)");
        return BEIAN_EDATA;
    }
    beian_verify_options vo = {record_no, NULL, NULL, NULL};
    int rc = beian_archive_verify(ar, &vo, findings, &sum);
    if (rc == BEIAN_EDATA) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                           "%s is damaged (see above); a damaged record is not reprinted: "
                           "restore it from a backup first",
                           record_no);
        return rc;
    }
    if (rc != BEIAN_OK) {
        if (rc == BEIAN_ENOINPUT) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                               "there is no record %s in this archive (see: beian list)",
                               record_no);
        }
        return rc;
    }
    rc = ledger_load(ar, &lg, NULL);
    if (rc != BEIAN_OK) {
        goto done;
    }
    const ledger_line *line = ledger_latest(&lg, record_no);
    int latest = line ? line->version : 0;
    if (opts->version) {
        line = NULL;
        for (size_t i = 0; i < lg.n; i++) {
            if (strcmp(lg.lines[i].record, record_no) == 0 &&
                lg.lines[i].version == opts->version) {
                line = &lg.lines[i];
            }
        }
    }
    if (!line) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, NULL, NULL,
                           "%s has no version %d; it has v1 to v%d (see: beian log %s)", record_no,
                           opts->version, latest, record_no);
        rc = BEIAN_EDATA;
        goto done;
    }
    rc = load_bundle_read(ar, line->path, &lb, findings);
    if (rc != BEIAN_OK) {
        goto done;
    }
    const beian_bundle_entry *archived = beian_bundle_get(lb.bundle, DATA_PDF);
    memcpy(info->record_no, record_no, strlen(record_no) + 1);
    info->version = line->version;
    memcpy(info->bundle_sha256, lb.sha256, BEIAN_SHA256_HEX_SIZE);
    if (opts->exact) {
        out = malloc(archived->len ? archived->len : 1);
        if (!out) {
            rc = BEIAN_EINTERNAL;
            goto done;
        }
        memcpy(out, archived->data, archived->len);
        out_len = archived->len;
        info->identical = 1;
    } else {
        rc = content_record(ar->ctx, lb.bundle, &form, &rec, &why);
        if (rc != BEIAN_OK) {
            if (rc == BEIAN_EDATA) {
                beian_problems_add(pr, BEIAN_SEV_ERROR, line->path, 0, 0, NULL, NULL, "%s", why);
            }
            goto done;
        }
        beian_layout_options lo = BEIAN_LAYOUT_OPTIONS_INIT;
        lo.record_no = record_no;
        lo.version = lb.event.printed_version;
        lo.date = lb.event.printed_date;
        lo.tracking = 1;
        /* the page as it was filed, to compare with the archived bytes */
        rc = beian_render(ar->ctx, form, rec, &lo, NULL, &plain, &plain_len, pr);
        if (rc != BEIAN_OK) {
            goto done;
        }
        info->identical =
            plain_len == archived->len && memcmp(plain, archived->data, plain_len) == 0;
        /* the footer names the version the form was printed as; say which is which */
        const char *unverified = lb.event.signed_unverified ? "  签字件未经校验" : "";
        mark = lb.event.printed_version == line->version
                   ? beian_asprintf("补打（副本%s） %s  %s 第%d版  档案 %.8s%s",
                                    opts->mask ? "，已隐去联系方式" : "", opts->date, record_no,
                                    line->version, lb.sha256, unverified)
                   : beian_asprintf("补打（副本%s） %s  %s 档案第%d版（此表印于第%d版）  档案 %.8s%s",
                                    opts->mask ? "，已隐去联系方式" : "", opts->date, record_no,
                                    line->version, lb.event.printed_version, lb.sha256,
                                    unverified);
        if (!mark || (opts->mask && mask_record(rec) != BEIAN_OK)) {
            rc = BEIAN_EINTERNAL;
            goto done;
        }
        lo.reprint = mark;
        /* the copy's code says it is a copy, and carries the archived record's digest even
         * when the page shows masked data (issue 13, point 6) */
        lo.tracking_copy = opts->mask ? BEIAN_TRACKING_MASKED : BEIAN_TRACKING_REPRINT;
        lo.tracking_digest = lb.meta.record_sha;
        rc = beian_render(ar->ctx, form, rec, &lo, NULL, &out, &out_len, pr);
        if (rc != BEIAN_OK) {
            goto done;
        }
    }
    char out_sha[BEIAN_SHA256_HEX_SIZE];
    rc = beian_sha256_hex(out, out_len, out_sha);
    logline = beian_asprintf("%s %s v%d %s %s %s", opts->date, record_no, line->version,
                             opts->exact  ? "exact"
                             : opts->mask ? "masked"
                                          : "marked",
                             out_sha, lb.sha256);
    if (rc == BEIAN_OK) {
        rc = logline ? log_reprint(ar, logline) : BEIAN_EINTERNAL;
    }
    if (rc == BEIAN_OK) {
        *pdf = out;
        *len = out_len;
        out = NULL;
    }
done:
    free(why);
    free(mark);
    free(logline);
    free(plain);
    free(out);
    beian_record_free(rec);
    beian_form_free(form);
    load_bundle_release(&lb);
    ledger_release(&lg);
    return rc;
}

void beian_scan_files_free(beian_scan_file *files, size_t n)
{
    for (size_t i = 0; files && i < n; i++) {
        free(files[i].name);
        free(files[i].data);
    }
    free(files);
}

/* The files of the scan (the version's own, else the signed copy it carries) into *files. */
static int scan_files_copy(const load_bundle *lb, beian_scan_file **files, size_t *n)
{
    const event_doc *ev = &lb->event;
    const char *one = ev->scan ? ev->scan : ev->signed_copy;
    const event_doc_file *list = ev->scan ? ev->scan_files : ev->signed_files;
    size_t count = ev->scan ? ev->n_scan_files : ev->n_signed_files;
    const char *one_name = ev->scan ? ev->scan_name : NULL;
    event_doc_file single = {(char *)one, (char *)(one_name ? one_name : ""), 1};
    if (!count) {
        list = &single;
        count = 1;
    }
    if (!(*files = calloc(count, sizeof **files))) {
        return BEIAN_EINTERNAL;
    }
    for (size_t i = 0; i < count; i++) {
        const beian_bundle_entry *e = beian_bundle_get(lb->bundle, list[i].file);
        beian_scan_file *f = &(*files)[i];
        *n = i + 1;
        if (!e) {
            return BEIAN_EDATA; /* verify said it */
        }
        snprintf(f->entry, sizeof f->entry, "%s", e->name);
        f->page = list[i].page;
        f->name = beian_strdup(list[i].name ? list[i].name : "");
        f->data = malloc(e->len ? e->len : 1);
        if (!f->name || !f->data) {
            return BEIAN_EINTERNAL;
        }
        memcpy(f->data, e->data, e->len);
        f->len = e->len;
    }
    return BEIAN_OK;
}

int beian_archive_scan_copy(beian_archive *ar, const char *record_no, int version,
                            beian_scan_file **files, size_t *n, beian_findings *findings,
                            beian_problems *pr)
{
    ledger lg;
    load_bundle lb;
    beian_verify_summary sum;
    memset(&lg, 0, sizeof lg);
    memset(&lb, 0, sizeof lb);
    *files = NULL;
    *n = 0;
    beian_verify_options vo = {record_no, NULL, NULL, NULL};
    int rc = beian_archive_verify(ar, &vo, findings, &sum);
    if (rc != BEIAN_OK) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                           rc == BEIAN_ENOINPUT ? "there is no record %s in this archive (see: "
                                                  "beian list)"
                                                : "%s is damaged (see above): restore it from a "
                                                  "backup first",
                           record_no);
        return rc;
    }
    rc = ledger_load(ar, &lg, NULL);
    const ledger_line *line = rc == BEIAN_OK ? ledger_latest(&lg, record_no) : NULL;
    int latest = line ? line->version : 0;
    for (size_t i = 0; version && rc == BEIAN_OK && i < lg.n; i++) {
        if (strcmp(lg.lines[i].record, record_no) == 0) {
            line = lg.lines[i].version == version ? &lg.lines[i] : line;
        }
    }
    if (rc == BEIAN_OK && (!line || (version && line->version != version))) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, NULL, NULL,
                           "%s has no version %d; it has v1 to v%d (see: beian log %s)", record_no,
                           version, latest, record_no);
        rc = BEIAN_EDATA;
    }
    if (rc == BEIAN_OK) {
        rc = load_bundle_read(ar, line->path, &lb, findings);
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    const char *name = lb.event.scan ? lb.event.scan : lb.event.signed_copy;
    if (!name || !beian_bundle_get(lb.bundle, name)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, line->path, 0, 0, NULL, NULL,
                           "%s v%d carries no scan (its form was not signed and filed yet; see: "
                           "beian log %s)",
                           record_no, line->version, record_no);
        rc = BEIAN_EDATA;
        goto done;
    }
    rc = scan_files_copy(&lb, files, n);
    if (rc != BEIAN_OK) {
        beian_scan_files_free(*files, *n);
        *files = NULL;
        *n = 0;
    }
done:
    load_bundle_release(&lb);
    ledger_release(&lg);
    return rc;
}
