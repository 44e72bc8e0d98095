/* archive_index.h - index.tsv, one line per record: the register's cache, derived from the
 * ledger and the bundles and replaced whole (archive_index.c). Private to the library. */
#ifndef BEIAN_ARCHIVE_INDEX_H
#define BEIAN_ARCHIVE_INDEX_H

#include <stddef.h>

#include "archive_store.h"
#include "ledger.h"

/* The largest index.tsv that is read. */
#define INDEX_MAX_BYTES (64u * 1024u * 1024u)

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
/* 1 when index.tsv names a ledger of more lines than lg has (*made_from: how many): the
 * index is never written before its ledger, so the ledger was cut short (or replaced by an
 * older copy). That is damage to report, not a stale cache to rebuild. 0 otherwise. */
int index_ahead(beian_archive *ar, const ledger *lg, size_t *made_from);
/* After a commit: when index.tsv was fresh for the ledger before it (old_n lines, old_head),
 * replaces or adds row; otherwise rebuilds it from the bundles (lock held). */
int index_update(beian_archive *ar, const ledger *lg, size_t old_n, const char *old_head,
                 const beian_record_info *row);

#endif
