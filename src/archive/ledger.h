/* ledger.h - ledger.txt, the hash-chained journal (ledger.c). Private to the library. */
#ifndef BEIAN_ARCHIVE_LEDGER_H
#define BEIAN_ARCHIVE_LEDGER_H

#include <stddef.h>

#include "archive_store.h"
#include "beian/verify.h"

typedef struct {
    size_t seq;
    char prev[BEIAN_SHA256_HEX_SIZE];
    char sha256[BEIAN_SHA256_HEX_SIZE];
    char hash[BEIAN_SHA256_HEX_SIZE]; /* of this line */
    char date[BEIAN_DATE_SIZE];
    char record[STORE_RECORD_NO_SIZE];
    int version;
    beian_event_kind event;
    beian_state state;
    char *path;
} ledger_line;

typedef struct {
    ledger_line *lines;
    size_t n;    /* lines loaded */
    size_t base; /* lines before lines[0] that were not loaded (ledger_load_after): lines[i]
                    is line base + i + 1 */
    char base_hash[BEIAN_SHA256_HEX_SIZE]; /* the hash of line base (zeros when base is 0) */
    size_t bytes;  /* of the file's complete lines */
    size_t synced; /* of those, how many are known to be on the disk (fsync'ed by this
                      process, or under an index's mark: indexed only once synced) */
    size_t torn;  /* bytes after the last line feed when no writer is at work: damage */
    beian_sha256_ctx *digest; /* of the first `bytes` bytes, kept by ledger_load_after and
                                 ledger_append (NULL: ledger_mark_of reads the file) */
    char head[BEIAN_SHA256_HEX_SIZE];
    int damaged; /* a STORE-LEDGER finding was made */
    /* the lines sorted by path, and by record then version, made by ledger_load for
     * lookups in O(log n); valid while sorted_n == n (a copy cut to a prefix, or a ledger
     * appended to, is searched line by line) */
    const ledger_line **by_path, **by_record;
    size_t sorted_n;
} ledger;

/*
 * Reads DIR/ledger.txt (absent: empty). Malformed lines and breaks of the hash chain are
 * STORE-LEDGER findings (f may be NULL) and set damaged; lines that parse are kept.
 */
int ledger_load(beian_archive *ar, ledger *lg, beian_findings *f);
void ledger_release(ledger *lg);

/* Where an index stands in the ledger: its first `lines` lines, `bytes` bytes whose SHA-256
 * is sha256, the last of them hashing to head. */
typedef struct {
    size_t lines, bytes;
    char head[BEIAN_SHA256_HEX_SIZE];
    char sha256[BEIAN_SHA256_HEX_SIZE];
} ledger_mark;

/*
 * The lines after the mark from (the index's): *matched 1 and lg holds only those lines (base
 * from->lines) when the ledger still begins with exactly the bytes the mark names (one
 * SHA-256 over them: an altered, cut or replaced ledger does not match); else *matched 0 and
 * the caller loads it whole. The lines after the mark are checked like ledger_load checks them
 * (lg->damaged). What the commit reads instead of parsing the whole ledger: the file is still
 * read and its marked bytes hashed once (a few ms at ten thousand records), but no line
 * before the mark is parsed or hashed line by line.
 */
int ledger_load_after(beian_archive *ar, const ledger_mark *from, ledger *lg, int *matched);
/* The mark of lg (loaded whole or after a mark) as the file is now. */
int ledger_mark_of(beian_archive *ar, const ledger *lg, ledger_mark *m);
/* fsync of ledger.txt: what an index is made from must be on the disk before the index is
 * (a line a writer appended but has not synced yet would otherwise be known to the index and
 * lost to a power failure: an index ahead of its ledger). */
int ledger_sync(beian_archive *ar);
/* fsck: a torn last line repaired (lock held). *completed 1: it was a whole line chained to
 * the one before, which only lacked its line feed, now added; else *cut bytes were cut (0:
 * none was torn). dry: only says what it would do. */
int ledger_cut_torn(beian_archive *ar, int dry, size_t *cut, int *completed);
/* The ledger's line count and head from one read, without parsing or checking the chain
 * (readers that find their index made from exactly this ledger need no more). BEIAN_OK with
 * *whole 0 when the file does not end with a line feed (then ledger_load says why). */
int ledger_tail(beian_archive *ar, size_t *n, char head[BEIAN_SHA256_HEX_SIZE], int *whole);
/* BEIAN_OK when DIR/ledger.txt still has lg's lines and head (the ledger a commit started
 * from); else BEIAN_EBUSY with a message (or a failure to read it). The writer checks this
 * under its lock just before its ledger step: a second writer that got in (a lock file
 * deleted under a running commit) cannot make it drop a filing. */
int ledger_unchanged(beian_archive *ar, const ledger *lg);
/* 1 when ledger.txt is exactly bytes long and its last line hashes to head (a mark's end):
 * one stat and one small read, whatever the ledger's length. */
int ledger_ends_at(beian_archive *ar, size_t bytes, const char head[BEIAN_SHA256_HEX_SIZE]);
/* The ledger line of record's latest version, or NULL. */
const ledger_line *ledger_latest(const ledger *lg, const char *record);
/* qsort's order of by_record, for arrays of `const ledger_line *`: by record, then version;
 * among lines of one version the first last (so a record's last is the one ledger_latest
 * picks). */
int ledger_cmp_record(const void *a, const void *b);
const ledger_line *ledger_find_path(const ledger *lg, const char *path);
/* Appends a line (seq, prev and hash are computed) with one write, then fsync: the steps
 * "ledger-written" (the commit point) and "ledger-synced". The lock must be held, and the
 * file must still be lg->bytes long. A write that fails is taken back (nothing filed). With
 * unsynced (may be NULL), a failed sync after a whole write is no failure: the line is in
 * place (committed), *unsynced is 1 and the context's message says why; nothing after the
 * write fails for memory. */
int ledger_append(beian_archive *ar, ledger *lg, const ledger_line *line, int *unsynced);
/* Parses "N:HASH". */
int ledger_parse_anchor(const char *s, size_t *n, char hash[BEIAN_SHA256_HEX_SIZE]);

#endif
