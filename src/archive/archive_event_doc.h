/* archive_event_doc.h - data/event.json, what happened in a version and what its bundle
 * carries (archive_event_doc.c). Private to the library. */
#ifndef BEIAN_ARCHIVE_EVENT_DOC_H
#define BEIAN_ARCHIVE_EVENT_DOC_H

#include <stddef.h>

#include "archive_store.h"

/* One review of a record, as data/event.json lists them. */
typedef struct {
    int year;
    int pass;
    char date[BEIAN_DATE_SIZE];
    int version;
} event_doc_review;

/* One file of a scan that is several files (a folder's pages of one form): its entry, its
 * original file name, the form's first page in it. */
typedef struct {
    char *file;
    char *name;
    int page;
} event_doc_file;

/* data/event.json */
typedef struct {
    beian_event_kind event;
    int version;
    char date[BEIAN_DATE_SIZE];
    char record[STORE_RECORD_NO_SIZE];
    char *form;
    beian_state state;
    int printed_version; /* the version whose footer data/form.pdf carries */
    char printed_date[BEIAN_DATE_SIZE];
    char *reason;
    int review_year, review_pass; /* this event's review; year 0 when none */
    char *scan;                   /* this event's scan: entry name, or NULL */
    char *scan_name;              /* its original file name */
    char *signed_copy;            /* the signed copy of the printed form (entry name), or NULL */
    event_doc_review *reviews;        /* every review so far */
    size_t n_reviews;
    /* added for the rules (issue 6); absent from older bundles: "" / NULL */
    char changed_on[BEIAN_DATE_SIZE]; /* the day a change happened (第七条) */
    char closed_on[BEIAN_DATE_SIZE];  /* the day a platform or group closed (第十三条) */
    char opened_on[BEIAN_DATE_SIZE];  /* the day a platform opened (第七条), carried to later
                                         versions */
    char **warnings;     /* the checks' warnings at this filing */
    size_t n_warnings;
    /* added for the intake (issue 13); absent from older bundles: NULL. How this event's scan
     * was matched to the record: scan_code the tracking code read from it, scan_check "code"
     * (the code names this record, version and data), "draft" (a draft's code whose digest is
     * the data of the version in force) or "unverified" (no code read; filed on the office's
     * word, scan_unverified its reason). signed_unverified: the reason when the signed copy the
     * bundle carries was filed unverified (carried with it to later versions). */
    char *scan_code;
    char *scan_check;
    char *scan_unverified;
    char *signed_unverified;
    /* added for scans of several files (issue 13, a folder's pages of one form); absent from
     * other bundles: 0. scan_files: every file of this event's scan, page order ([0] is scan);
     * signed_files: the same of the signed copy ([0] is signed_copy), carried with it. */
    event_doc_file *scan_files;
    size_t n_scan_files;
    event_doc_file *signed_files;
    size_t n_signed_files;
} event_doc;

void event_doc_release(event_doc *e);
void event_doc_files_free(event_doc_file *f, size_t n);
/* Parses data/event.json: BEIAN_OK, BEIAN_EDATA (not an event document) or BEIAN_EINTERNAL. */
int event_doc_parse(const unsigned char *json, size_t len, event_doc *out);
/* Writes it (keys sorted, two-space indent: the same bytes for the same document). */
int event_doc_dump(const event_doc *e, unsigned char **json, size_t *len);

#endif
