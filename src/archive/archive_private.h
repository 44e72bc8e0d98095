/*
 * archive_private.h - what the archive's modules share: the archive handle, the ledger, the
 * bag (tag files), the documents inside a bundle, and small file helpers. Private to the
 * library.
 *
 *   archive.c          open, lock, paths, workflow table, numbering, the commit protocol
 *   ledger.c           ledger.txt: parse, check the hash chain, append
 *   archive_bag.c      BagIt tag files: write and check (BAG- codes)
 *   archive_content.c  data/event.json, provenance, record reconstruction (REC-CONTENT)
 *   archive_read.c     loading bundles, history, the index and the register
 *   archive_verify.c   verify: record and store layers (REC-, STORE- codes)
 *   archive_fsck.c     repair after a crash
 *   archive_reprint.c  reprints and the reprint log
 *   archive_anchor.c   the ledger anchor and its paper slip
 */
#ifndef BEIAN_ARCHIVE_PRIVATE_H
#define BEIAN_ARCHIVE_PRIVATE_H

#include <stddef.h>

#include "beian/archive.h"
#include "beian/bundle.h"
#include "beian/form.h"
#include "beian/record.h"
#include "beian/verify.h"

struct beian_archive {
    beian_ctx *ctx;
    char *dir;
    int wait_seconds;
    beian_archive_step_fn step;
    void *step_user;
    char *command;
    int lock_fd;     /* -1 when the lock is not held */
    int lock_shared; /* the lock held is a reader's */
};

/* Fixed names inside the archive. */
#define ARCHIVE_LEDGER "ledger.txt"
#define ARCHIVE_INDEX "index.tsv"
#define ARCHIVE_REPRINTS "reprints.log"
#define ARCHIVE_LOCK "lock"
#define ARCHIVE_TMP "tmp"
#define ARCHIVE_RECORDS "records"
#define ARCHIVE_QUARANTINE "quarantine"
#define ARCHIVE_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* Bundle entries (ASCII names; docs/archive.md describes them). */
#define BAG_DECLARATION "bagit.txt"
#define BAG_INFO "bag-info.txt"
#define BAG_MANIFEST "manifest-sha256.txt"
#define BAG_TAGMANIFEST "tagmanifest-sha256.txt"
#define DATA_RECORD "data/record.json"
#define DATA_FORM "data/form.json"
#define DATA_PDF "data/form.pdf"
#define DATA_EVENT "data/event.json"
#define DATA_PROVENANCE "data/provenance.json"

/* ---- archive.c ---- */

void archive_step(beian_archive *ar, const char *step);
/* The writers' lock (exclusive), waiting up to wait_seconds: BEIAN_EBUSY naming the holder. */
int archive_lock(beian_archive *ar);
/* The readers' lock (shared): waits for a commit in progress to finish. */
int archive_lock_shared(beian_archive *ar);
void archive_unlock(beian_archive *ar);
/* DIR/rel; caller frees. */
char *archive_path(const beian_archive *ar, const char *rel);
/* records/<YEAR>/<RECORD>/v<N>-<YYYYMMDD>.zip; caller frees. */
char *archive_bundle_rel(const char *record_no, int version, const char *date);
/* Parses a bundle path; 1 when it has the form above (record, version, date filled). */
int archive_parse_bundle_rel(const char *rel, char record[32], int *version, char date[11]);
int archive_fsync_dir(const char *path);
/*
 * Replaces DIR/rel by data: temporary file beside it, fsync, rename, fsync of the directory.
 * before (may be NULL) names the step reported between the fsync and the rename. *renamed
 * (renamed may be NULL) is 1 once the rename happened: a failure after it (the folder's sync)
 * leaves the new file in place.
 */
int archive_replace_file(beian_archive *ar, const char *rel, const void *data, size_t len,
                         const char *before, int *renamed);
/* SHA-256 of a file; BEIAN_ENOINPUT when missing. */
int archive_sha256_file(const char *path, char out[65], size_t *size);
/* The record number prefix of a form (XMT, QUN, BA). */
const char *archive_prefix(const char *form_id);

/* ---- ledger.c ---- */

typedef struct {
    size_t seq;
    char prev[65];
    char sha256[65];
    char hash[65]; /* of this line */
    char date[11];
    char record[32];
    int version;
    beian_event_kind event;
    beian_state state;
    char *path;
} ledger_line;

typedef struct {
    ledger_line *lines;
    size_t n;
    char head[65];
    int damaged; /* a STORE-LEDGER finding was made */
} ledger;

/*
 * Reads DIR/ledger.txt (absent: empty). Malformed lines and breaks of the hash chain are
 * STORE-LEDGER findings (f may be NULL) and set damaged; lines that parse are kept.
 */
int ledger_load(beian_archive *ar, ledger *lg, beian_findings *f);
void ledger_release(ledger *lg);
/* The ledger line of record's latest version, or NULL. */
const ledger_line *ledger_latest(const ledger *lg, const char *record);
const ledger_line *ledger_find_path(const ledger *lg, const char *path);
/* Appends a line (seq, prev and hash are computed), with the steps "ledger-written" and
 * "ledger-renamed". The lock must be held. With unsynced (may be NULL), a failed sync of the
 * folder after the rename is no failure: the new ledger is in place (committed), *unsynced
 * is 1 and the context's message says why; nothing after the rename fails for memory. */
int ledger_append(beian_archive *ar, ledger *lg, const ledger_line *line, int *unsynced);
/* Parses "N:HASH". */
int ledger_parse_anchor(const char *s, size_t *n, char hash[65]);

/* ---- archive_bag.c ---- */

typedef struct {
    char *record;
    int version;
    beian_event_kind event;
    beian_state state;
    char *date;
    char *form;
    char *record_sha;  /* SHA-256 of data/record.json */
    char *prev_sha;    /* of the previous version's bundle; NULL for version 1 */
    char *description; /* Internal-Sender-Description (UTF-8, one line), may be NULL */
} bag_meta;

void bag_meta_release(bag_meta *m);
/* Adds the tag files to payload[0..n) (names under data/) and builds the ZIP. */
int bag_build(beian_ctx *ctx, const bag_meta *m, const beian_bundle_entry *payload, size_t n,
              unsigned char **zip, size_t *len);
/* Checks the bag; fills *m from bag-info.txt when it parses (else leaves it zeroed).
 * Returns BEIAN_OK or BEIAN_EINTERNAL; findings tell the damage. */
int bag_check(const beian_bundle *b, const char *label, bag_meta *m, beian_findings *f);

/* ---- archive_content.c ---- */

typedef struct {
    int year;
    int pass;
    char date[11];
    int version;
} review_entry;

/* data/event.json */
typedef struct {
    beian_event_kind event;
    int version;
    char date[11];
    char record[32];
    char *form;
    beian_state state;
    int printed_version; /* the version whose footer data/form.pdf carries */
    char printed_date[11];
    char *reason;
    int review_year, review_pass; /* this event's review; year 0 when none */
    char *scan;                   /* this event's scan: entry name, or NULL */
    char *scan_name;              /* its original file name */
    char *signed_copy;            /* the signed copy of the printed form (entry name), or NULL */
    review_entry *reviews;        /* every review so far */
    size_t n_reviews;
    /* added for the rules (issue 6); absent from older bundles: "" / NULL */
    char changed_on[11]; /* the day a change happened (第七条) */
    char closed_on[11];  /* the day a platform or group closed (第十三条) */
    char opened_on[11];  /* the day a platform opened (第七条), carried to later versions */
    char **warnings;     /* the checks' warnings at this filing */
    size_t n_warnings;
} event_doc;

void event_doc_release(event_doc *e);
int event_doc_parse(const unsigned char *json, size_t len, event_doc *out);
int event_doc_dump(const event_doc *e, unsigned char **json, size_t *len);
/* data/provenance.json for a document just rendered. */
int provenance_dump(beian_ctx *ctx, unsigned char **json, size_t *len);
/*
 * Rebuilds the archived record from data/record.json against the archived definition
 * data/form.json (not the forms folder: the definition may have changed since). *form and
 * *rec are the caller's (the record borrows the form).
 */
int content_record(beian_ctx *ctx, const beian_bundle *b, beian_form **form, beian_record **rec,
                   char **why);
/* Checks the documents of a bundle against its bag-info (REC-CONTENT); *ev is filled when
 * event.json parses (may be NULL). */
int content_check(beian_ctx *ctx, const beian_bundle *b, const bag_meta *m, const char *label,
                  event_doc *ev, beian_findings *f);
/* "宁职院信息工程学院" (名称 / 群名称 / the first value) of a record; caller frees. */
char *content_record_name(const beian_record *rec);
/* What a scan is by its magic bytes: "pdf", "png", "jpg", or NULL. */
const char *content_scan_ext(const unsigned char *data, size_t len);

/* ---- archive_read.c ---- */

typedef struct {
    beian_bundle *bundle;
    bag_meta meta;
    event_doc event;
    char sha256[65];
    int has_event;
} loaded_bundle;

/*
 * Reads DIR/rel and checks container, bag and content. BEIAN_OK: clean (out filled);
 * BEIAN_EDATA: findings say why (f may be NULL: then nothing is reported); BEIAN_ENOINPUT:
 * missing.
 */
int bundle_load(beian_archive *ar, const char *rel, loaded_bundle *out, beian_findings *f);
void loaded_bundle_release(loaded_bundle *lb);
/* The text index.tsv should hold for this ledger (reads each record's latest bundle). */
int index_render(beian_archive *ar, const ledger *lg, char **text, size_t *len);
/* Rewrites index.tsv from the bundles (lock held). */
int index_write(beian_archive *ar, const ledger *lg);
/*
 * What index.tsv is to the ledger lg: FRESH, BEHIND (exactly the index of the first
 * *made_from lines: a failed update, not damage), MISSING, or WRONG with *why (malloc'd) saying
 * how it contradicts the ledger. Returns BEIAN_OK or BEIAN_EINTERNAL.
 */
int index_check(beian_archive *ar, const ledger *lg, beian_index_state *state, size_t *made_from,
                char **why);
/* After a commit: when index.tsv was fresh for the ledger before it (old_n lines, old_head),
 * replaces or adds row; otherwise rebuilds it from the bundles (lock held). */
int index_update(beian_archive *ar, const ledger *lg, size_t old_n, const char *old_head,
                 const beian_record_info *row);
/* Checks a bundle's path (…/records/<YEAR>/<RECORD>/v<N>-<DATE>.zip, the last four
 * components) against its bag-info: REC-NAME findings. */
int archive_check_name(const char *path, const bag_meta *m, const char *label, beian_findings *f);

#endif
