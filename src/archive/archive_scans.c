/*
 * archive_scans.c - the scan files of a filing (issue 13). A scan is one file (a photo, a
 * scanner's PDF or multi-page TIFF), filed as data/signed.<ext> or data/review-<Y>.<ext>,
 * exactly as before; or, when a folder held the pages of one form as separate files (a scanner
 * writing one JPEG per page), several: the first (with page 1, the signatures) under that
 * name, each further one beside it as data/signed-p<page>.<ext>, <page> the form's first page
 * in it. data/event.json lists them all with their original names (docs/audit.md); the signed
 * copy's list is carried to later versions with it. Called by the commit (archive_commit.c).
 */
#include "archive_scans.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_content.h"
#include "util.h"

/* The largest file of a scan, as archive_check.c takes one. */
#define SCANS_MAX_BYTES (64u * 1024u * 1024u)
/* The highest page a file's name may carry (the tracking code's page field: 1-999). */
#define SCANS_PAGE_MAX 999

/* A file name from a GBK system (a USB stick written on Windows) keeps its ASCII and gets
 * '?' for the bytes that are not UTF-8. */
char *scans_utf8_name(const char *name)
{
    size_t len = strlen(name);
    char *out = malloc(len + 1);
    size_t o = 0;
    for (size_t i = 0; out && i < len;) {
        uint32_t cp;
        size_t n = beian_utf8_decode((const unsigned char *)name + i, len - i, &cp);
        if (n == 0 || cp < 0x20) {
            out[o++] = '?';
            i++;
        } else {
            memcpy(out + o, name + i, n);
            o += n;
            i += n;
        }
    }
    if (out) {
        out[o] = '\0';
    }
    return out;
}

static char *base_utf8(const char *path)
{
    const char *slash = path ? strrchr(path, '/') : NULL;
    return scans_utf8_name(slash ? slash + 1 : (path ? path : ""));
}

/* doc->scan_files: the first file and ev's further ones. */
static int scans_files(const beian_event *ev, const char *first, event_doc *doc,
                       beian_problems *pr)
{
    size_t n = ev->n_scan_more + 1;
    const char *dot = strrchr(first, '.');
    int stem = dot ? (int)(dot - first) : (int)strlen(first);
    doc->scan_files = calloc(n, sizeof *doc->scan_files);
    if (!doc->scan_files) {
        return BEIAN_EINTERNAL;
    }
    doc->scan_files[0] = (event_doc_file){beian_strdup(first), beian_strdup(doc->scan_name), 1};
    doc->n_scan_files = 1;
    if (!doc->scan_files[0].file || !doc->scan_files[0].name) {
        return BEIAN_EINTERNAL;
    }
    for (size_t i = 0; i < ev->n_scan_more; i++) {
        const beian_scan_part *p = &ev->scan_more[i];
        const char *ext = content_scan_ext(p->data, p->len);
        if (!ext || p->len > SCANS_MAX_BYTES) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, p->name, 0, 0, "scan", "扫描件",
                               ext ? "is larger than 64 MiB; scan at 300 dpi or save as JPEG"
                                   : "is not a PDF, PNG, JPEG or TIFF (judged by its first "
                                     "bytes); scan the signed paper to one of those");
            return BEIAN_EDATA;
        }
        if (p->page <= doc->scan_files[i].page || p->page > SCANS_PAGE_MAX) {
            return BEIAN_EINTERNAL; /* the intake joins files in page order */
        }
        event_doc_file *f = &doc->scan_files[i + 1];
        f->file = beian_asprintf("%.*s-p%d.%s", stem, first, p->page, ext);
        f->name = base_utf8(p->name);
        f->page = p->page;
        doc->n_scan_files = i + 2;
        if (!f->file || !f->name) {
            return BEIAN_EINTERNAL;
        }
    }
    return BEIAN_OK;
}

/* doc->signed_files: a copy of the n files. */
static int scans_signed(const event_doc_file *from, size_t n, event_doc *doc)
{
    doc->signed_files = calloc(n, sizeof *doc->signed_files);
    if (!doc->signed_files) {
        return BEIAN_EINTERNAL;
    }
    for (size_t i = 0; i < n; i++) {
        event_doc_file *f = &doc->signed_files[i];
        *f = (event_doc_file){beian_strdup(from[i].file), beian_strdup(from[i].name), from[i].page};
        doc->n_signed_files = i + 1;
        if (!f->file || !f->name) {
            return BEIAN_EINTERNAL;
        }
    }
    return BEIAN_OK;
}

int scans_event_doc(const beian_event *ev, const char *first, const event_doc *prev,
                    event_doc *doc, beian_problems *pr)
{
    int rc = BEIAN_OK;
    if (ev->scan && first[0]) {
        doc->scan = beian_strdup(first);
        doc->scan_name = base_utf8(ev->scan_name);
        if (!doc->scan || !doc->scan_name) {
            return BEIAN_EINTERNAL;
        }
        if (ev->n_scan_more) {
            rc = scans_files(ev, first, doc, pr);
        }
    }
    if (rc != BEIAN_OK || !doc->signed_copy) {
        return rc;
    }
    if (ev->kind == BEIAN_EVENT_APPROVED && doc->n_scan_files) {
        return scans_signed(doc->scan_files, doc->n_scan_files, doc);
    }
    if (ev->kind != BEIAN_EVENT_APPROVED && prev->signed_copy && prev->n_signed_files &&
        strcmp(prev->signed_copy, doc->signed_copy) == 0) {
        return scans_signed(prev->signed_files, prev->n_signed_files, doc);
    }
    return BEIAN_OK;
}
