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
    size_t n;
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
/* The ledger's line count and head from one read, without parsing or checking the chain
 * (readers that find their index made from exactly this ledger need no more). BEIAN_OK with
 * *whole 0 when the file does not end with a line feed (then ledger_load says why). */
int ledger_tail(beian_archive *ar, size_t *n, char head[BEIAN_SHA256_HEX_SIZE], int *whole);
/* BEIAN_OK when DIR/ledger.txt still has n lines and the given head (the ledger a commit
 * started from); else BEIAN_EBUSY with a message (or a failure to read it). The writer
 * checks this under its lock just before its ledger step: a second writer that got in (a
 * lock file deleted under a running commit) cannot make it drop a filing. */
int ledger_unchanged(beian_archive *ar, size_t n, const char head[BEIAN_SHA256_HEX_SIZE]);
/* The ledger line of record's latest version, or NULL. */
const ledger_line *ledger_latest(const ledger *lg, const char *record);
/* qsort's order of by_record, for arrays of `const ledger_line *`: by record, then version;
 * among lines of one version the first last (so a record's last is the one ledger_latest
 * picks). */
int ledger_cmp_record(const void *a, const void *b);
const ledger_line *ledger_find_path(const ledger *lg, const char *path);
/* Appends a line (seq, prev and hash are computed), with the steps "ledger-written" and
 * "ledger-renamed". The lock must be held. With unsynced (may be NULL), a failed sync of the
 * folder after the rename is no failure: the new ledger is in place (committed), *unsynced
 * is 1 and the context's message says why; nothing after the rename fails for memory. */
int ledger_append(beian_archive *ar, ledger *lg, const ledger_line *line, int *unsynced);
/* Parses "N:HASH". */
int ledger_parse_anchor(const char *s, size_t *n, char hash[BEIAN_SHA256_HEX_SIZE]);

#endif
