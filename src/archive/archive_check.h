/* archive_check.h - a filing's arguments checked before the commit takes the lock, and a
 * scan's tracking code against its record (archive_check.c). Private to the library. */
#ifndef BEIAN_ARCHIVE_CHECK_H
#define BEIAN_ARCHIVE_CHECK_H

#include "archive_event_doc.h"
#include "archive_store.h"

/* "submit", "approve", ... : the command's verb for an event, for messages. */
const char *check_verb(beian_event_kind ev);
/* Checks the event's own arguments; *scan_ext is the scan's kind ("pdf", "png", "jpg") or
 * NULL. BEIAN_EDATA with a problem in pr when they are wrong. */
int check_event(beian_archive *ar, const beian_event *ev, const char **scan_ext,
                beian_problems *pr);
/*
 * Dates and years that cannot be true (issue 14), judged from the ledger alone (no clock):
 * newest is the newest date in the ledger ("" when empty), first_year the year of the
 * record's first version (0 for a submission). A review's year must lie between first_year
 * and the year of the event's date; an event dated more than a year after newest is refused
 * unless ev->date_confirmed. BEIAN_EDATA with a problem saying what would be right.
 */
int check_dates(const beian_event *ev, const char *newest, int first_year, beian_problems *pr);
/*
 * The scan of an approval or a review against the record (issue 13): its tracking code must name
 * this record, the printed version (prev's) and this data (record_sha), or be a draft's code
 * whose digest is this data; a reprint's code is refused; a scan without a code is filed only
 * with ev->unverified. Then doc (the new version's event document, its signed copy already
 * set) gets how the scan was checked and whether its signed copy is unverified (carried from
 * prev while the same copy is). BEIAN_EDATA with a problem; BEIAN_EINTERNAL.
 */
int check_scan_event(const beian_event *ev, const char *record_no, const event_doc *prev,
                     const char *record_sha, int latest_version, event_doc *doc,
                     beian_problems *pr);

#endif
