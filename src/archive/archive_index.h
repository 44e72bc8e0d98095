/*
 * archive_index.h - index.db, the register's index in SQLite (archive_index.c): derived from
 * the ledger and the bundles, caught up after each filing and whenever a reader finds it
 * behind, rebuilt by `beian reindex` and fsck, never trusted over the ledger. Private to the
 * library.
 */
#ifndef BEIAN_ARCHIVE_INDEX_H
#define BEIAN_ARCHIVE_INDEX_H

#include <stddef.h>

#include "archive_store.h"
#include "ledger.h"
#include "sqldb.h"

#define INDEX_FILE "index.db"
/* The layout of the tables below; an index of another version is rebuilt, not migrated. */
#define INDEX_SCHEMA 3

/* What the table meta says: the schema, and the ledger the index was made from (its lines,
 * their last hash, and the mark a commit reads the ledger after). */
typedef struct {
    int schema; /* 0: no index tables */
    size_t lines;
    char head[BEIAN_SHA256_HEX_SIZE];
    size_t bytes; /* 0: not known (a private index, or an index of schema 2) */
    char sha256[BEIAN_SHA256_HEX_SIZE];
} index_meta;

/* An index open for reading: index.db caught up to a ledger, or (temp) a private database
 * built from the ledger and the bundles when index.db cannot be used (BEIAN_NO_INDEX=1, a
 * read-only copy whose index is behind, an index that contradicts the ledger). */
typedef struct {
    beian_sqldb *db;
    int temp;
} index_db;

/*
 * Opens the index of ledger lg for reading, catching index.db up when it is behind. What
 * keeps it from being used is a warning or a note in pr (an index ahead of the ledger: the
 * ledger was cut short), and the index is then built from the bundles. BEIAN_OK or a failure
 * (memory, the disk).
 */
int index_open(beian_archive *ar, const ledger *lg, index_db *out, beian_problems *pr);
void index_close(index_db *ix);
/* What every reader of the register opens: index.db as it is when it was made from exactly
 * the ledger on disk (its line count and last line's hash: no need to parse the ledger),
 * else index_open of the ledger loaded (a damaged ledger is a warning in pr). */
int index_open_register(beian_archive *ar, index_db *out, beian_problems *pr);
/*
 * A writer's index (lock held): lg is loaded after index.db's mark when the ledger still
 * begins with what the index was made from (only the lines added since: the commit does not
 * read the whole ledger), else whole; index.db is caught up to it. *ahead > 0 when index.db
 * knows more lines than the ledger has (cut short: the caller refuses). When index.db cannot
 * be used (BEIAN_NO_INDEX=1, unwritable, contradicting the ledger) lg is the whole ledger
 * and out a private index built from it. lg->damaged: the caller refuses.
 */
int index_open_writer(beian_archive *ar, ledger *lg, index_db *out, size_t *ahead);
/* After a commit, index.db caught up to lg (the writer's, with the new line) through ix. A
 * failure leaves it behind; the context's message says why. */
int index_writer_done(beian_archive *ar, index_db *ix, const ledger *lg);
/* The hash of lg's line k (1-based; 0: the zero hash), or NULL when lg does not hold it. */
const char *index_line_hash(const ledger *lg, size_t k);
/* 1 when this process may write index.db at path (it may be created, or it is writable). */
int index_writable(beian_archive *ar, const char *path);
/* Reads the table meta (schema 0 when there is none). */
int index_meta_read(beian_sqldb *db, index_meta *m);
/* Opens index.db read-only for verify's checks (BEIAN_ENOINPUT: there is none). */
int index_open_for_check(beian_archive *ar, beian_sqldb **db);

/* After a commit (lock held): index.db caught up to lg. A failure leaves it behind, which
 * the next reader or filing catches up; the context's message says why. */
int index_update(beian_archive *ar, const ledger *lg);
/* Rebuilds index.db from lg and the bundles alone (lock held): `beian reindex`, fsck. */
int index_rebuild(beian_archive *ar, const ledger *lg);
/*
 * What index.db is to the ledger lg: FRESH, BEHIND (its rows are exactly those of the first
 * *made_from lines: an update that has not happened yet, not damage), MISSING (also: of an
 * older schema), or WRONG with *why (malloc'd) saying how it contradicts the ledger. Opens it
 * read-only. Returns BEIAN_OK or BEIAN_EINTERNAL.
 */
int index_check(beian_archive *ar, const ledger *lg, beian_index_state *state, size_t *made_from,
                char **why);
/* 1 when index.db knows more ledger lines than lg has (*made_from: how many): the index is
 * never written before its ledger, so the ledger was cut short (or replaced by an older
 * copy). That is damage to report, not a stale index to rebuild. 0 otherwise. */
int index_ahead(beian_archive *ar, const ledger *lg, size_t *made_from);
/* The text search compares: half-width, ASCII in lower case, without spaces and hyphens
 * (so 138-0013-8000 and 13800138000 meet); caller frees. */
char *index_norm(const char *s);

#endif
