/*
 * archive_lookup.h - what a commit asks the register's index about the archive
 * (archive_lookup.c), instead of reading the whole ledger: a record's versions, the highest
 * record number of a kind and year, the newest date filed, the record a draft's digest names.
 * The index is the writer's (index_open_writer: caught up to the ledger under the lock) or a
 * reader's (index_open_register), so its answers are the ledger's. Private to the library.
 */
#ifndef BEIAN_ARCHIVE_LOOKUP_H
#define BEIAN_ARCHIVE_LOOKUP_H

#include "archive_index.h"
#include "ledger.h"

/* The ledger lines of record's versions, in ledger order, into out (release with
 * ledger_release; prev is not filled). An unknown record gives none. */
int lookup_versions(index_db *ix, const char *record, ledger *out);
/* The highest sequence number of the records <prefix>-<year>-NNNN (0: none yet). */
int lookup_highest_number(index_db *ix, const char *prefix, const char *year, long *max);
/* The newest event date of the archive ("" when it is empty). */
int lookup_newest_date(index_db *ix, char out[BEIAN_DATE_SIZE]);

/* The records whose data in force digests to digest16 (a draft's code: 16 lower-case hex
 * digits), as "A, B" into records (size bytes; cut when full) and their count *n. */
int lookup_draft(index_db *ix, const char *digest16, char *records, size_t size, size_t *n);

#endif
