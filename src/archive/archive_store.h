/*
 * archive_store.h - the bottom of the archive (archive_store.c): the archive handle, its fixed
 * names, record numbers, bundle paths, the lock, durable writes and the one walk of records/.
 * Private to the library.
 *
 * The archive's modules, bottom first (each calls only the ones above it in this list):
 *
 *   verify.c            findings and the table of verify codes (public only)
 *   bundle.c            a bundle's ZIP: build, read and check it (public only; libzip is
 *                       behind util/zipio.c)
 *   archive_workflow.c  event and state names, the workflow's transitions (public only)
 *   archive_store.c     store_*    this header
 *   ledger.c            ledger_*   ledger.txt: parse, check the hash chain, append
 *   archive_bag.c       bag_*      BagIt tag files: write and check (BAG- codes)
 *   archive_event_doc.c event_doc_*  data/event.json: parse and write
 *   archive_content.c   content_*  provenance, record reconstruction, content checks
 *   archive_load.c      load_*     reading one bundle through every layer
 *   archive_index.c     index_*    index.db, the register's index (SQLite): made, caught up,
 *                                  opened for readers and writers
 *   archive_index_check.c          index_check: index.db held against the ledger (verify)
 *   archive_lookup.c    lookup_*   a filing's questions to the index (versions, numbers)
 *   archive_check.c     check_*    a filing's arguments, a scan's tracking code
 *   archive_scans.c     scans_*    a filing's scan files as event.json names them
 *   archive_commit.c    the commit protocol, as named steps (beian_archive_commit)
 *   archive_read.c, archive_verify.c, archive_fsck.c, archive_reprint.c, archive_anchor.c,
 *   archive_facts.c, archive_filed.c
 *                       the public operations on top
 *
 * Naming: a function one archive file exports to the others is <module>_<verb>, where the
 * file is archive_<module>.c (or <module>.c), and it is declared in the header of the same
 * name beside it; its types carry the prefix too (ledger_line, bag_meta, event_doc). Public
 * functions are beian_<module>_<verb> and live in include/beian/. Everything else is static.
 */
#ifndef BEIAN_ARCHIVE_STORE_H
#define BEIAN_ARCHIVE_STORE_H

#include <stddef.h>

#include "beian/archive.h"
#include "beian/date.h"
#include "sha256.h"

#if BEIAN_ARCHIVE_HASH_SIZE != BEIAN_SHA256_HEX_SIZE
#error "the public hash size must be sha256.h's"
#endif

struct beian_archive {
    beian_ctx *ctx;
    char *dir;
    int wait_seconds;
    beian_archive_step_fn step;
    void *step_user;
    char *command;
    int lock_fd;     /* -1 when the lock is not held */
    int lock_shared; /* the lock held is a reader's */
    int created;     /* beian_archive_open made a new archive (there was none) */
    int lock_held;   /* beian_archive_hold: store_unlock keeps the lock until the release */
    int index_readonly; /* beian_archive_index_readonly: readers do not write index.db */
};

/* Fixed names inside the archive. */
#define STORE_LEDGER "ledger.txt"
#define STORE_INDEX "index.tsv"
#define STORE_REPRINTS "reprints.log"
#define STORE_LOCK "lock"
#define STORE_TMP "tmp"
#define STORE_RECORDS "records"
#define STORE_QUARANTINE "quarantine"
#define STORE_ZERO_HASH "0000000000000000000000000000000000000000000000000000000000000000"

/* A record number with its NUL (beian/archive.h). */
#define STORE_RECORD_NO_SIZE BEIAN_RECORD_NO_SIZE
/* Record numbers run to 999999 per prefix and year (beian_record_no_valid: 4 to 6 digits). */
#define STORE_RECORD_SEQ_MAX 999999L
/* Versions of one record a bundle name may carry (v1 .. v100000). */
#define STORE_VERSION_MAX 100000L

/* Calls the step hook (beian_archive_options.step) with a step's name. */
void store_step(beian_archive *ar, const char *step);

/* The writers' lock (exclusive), waiting up to wait_seconds: BEIAN_EBUSY naming the holder. */
int store_lock(beian_archive *ar);
/* The readers' lock (shared): waits for a commit in progress to finish. */
int store_lock_shared(beian_archive *ar);
/* 1 when another process holds the writers' lock now (a commit in progress); 0 when none
 * does, or this process is the writer. */
int store_writer_active(beian_archive *ar);
/* Lets the lock go, unless beian_archive_hold holds it (then beian_archive_release does). */
void store_unlock(beian_archive *ar);
/* BEIAN_OK when the writers' lock held is still the file at DIR/lock; else BEIAN_EBUSY with a
 * message (the file was deleted or replaced, and a second writer may have locked the new one). */
int store_lock_check(beian_archive *ar);

/* DIR/rel; caller frees. */
char *store_path(const beian_archive *ar, const char *rel);
/* records/<YEAR>/<RECORD>/v<N>-<YYYYMMDD>.zip; caller frees. */
char *store_bundle_rel(const char *record_no, int version, const char *date);
/* Parses a bundle path; 1 when it has the form above (record, version, date filled). */
int store_parse_bundle_rel(const char *rel, char record[STORE_RECORD_NO_SIZE], int *version,
                           char date[BEIAN_DATE_SIZE]);
/* SHA-256 of a file; BEIAN_ENOINPUT when missing. */
int store_sha256_file(const char *path, char out[BEIAN_SHA256_HEX_SIZE], size_t *size);

/* The record number prefix of a form (XMT, QUN, BA). */
const char *store_prefix(const char *form_id);
/* mkdir -p of DIR/rel, fsync'ing the parent of each folder it creates. */
int store_make_dirs(beian_archive *ar, const char *rel);

/*
 * Replaces DIR/rel by data: temporary file beside it, fsync, rename, fsync of the folder
 * (beian_file_replace with BEIAN_FILE_STRICT_SYNC). before (may be NULL) names the step
 * reported between the fsync and the rename. *renamed (renamed may be NULL) is 1 once the
 * rename happened: a failure after it (the folder's sync) leaves the new file in place.
 */
int store_replace_file(beian_archive *ar, const char *rel, const void *data, size_t len,
                       const char *before, int *renamed);

/*
 * Writes a bundle to tmp/ (mode 0444, fsync: the step "temp-written"), link()s it to DIR/rel
 * ("linked"), fsyncs its folder and removes the temporary name ("temp-removed"). A name that
 * exists already is a problem in pr (BEIAN_EDATA: an interrupted commit's); a failed sync of
 * the folder removes the link again (nothing was filed).
 */
int store_link_bundle(beian_archive *ar, const char *rel, const unsigned char *zip, size_t len,
                      beian_problems *pr);

/* The first component of rel (a path inside the archive, as a malloc'd prefix of rel) that
 * lstat finds to be a symbolic link or anything but a folder (a plain file for the last),
 * or NULL when there is none (also when a component is missing: the read then fails). */
char *store_rel_not_plain(const beian_archive *ar, const char *rel);
/* Removes the folder DIR/rel and its parents below records/ while they are empty. */
void store_remove_empty_dirs(beian_archive *ar, const char *rel);

/* ---- the walk of records/ ---- */

typedef enum {
    STORE_AT_YEAR = 1, /* records/<name> */
    STORE_AT_RECORD,   /* records/<YEAR>/<name> */
    STORE_AT_FILE      /* records/<YEAR>/<RECORD>/<name> */
} store_level;

typedef struct {
    store_level level;
    const char *rel;  /* records/..., relative to the archive */
    const char *name; /* its last component */
    char kind;        /* lstat: 'd' folder, 'f' regular file, 'o' anything else */
    /* year: a folder of four digits; record: a folder named by a valid record number of its
     * year; file: a plain file with a bundle's name (record, version and date filled) */
    int valid;
    char record[STORE_RECORD_NO_SIZE];
    int version;
    char date[BEIAN_DATE_SIZE];
} store_entry;

/* What a walker's callback returns besides BEIAN_OK (go on) and a failure (stop with it). */
#define STORE_WALK_SKIP 1 /* do not go into this folder */

typedef int (*store_walk_fn)(void *user, const store_entry *e);

/*
 * Walks records/ in name order: each year folder, each record folder of a valid year, each
 * name in a valid record folder, calling fn for each (a folder before what it holds). With
 * only (may be NULL), record folders of other names are passed over silently. Returns
 * BEIAN_OK, BEIAN_EINTERNAL (memory) or the first failure fn returned.
 */
int store_walk(beian_archive *ar, const char *only, store_walk_fn fn, void *user);

/* The names in a folder, sorted, without "." and ".."; NULL when it cannot be read. Free
 * with store_names_free. */
char **store_list_dir(const char *path, size_t *n);
void store_names_free(char **names, size_t n);

#endif
