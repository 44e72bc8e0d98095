/* archive_scans.h - the scan files of a filing as data/event.json names them (archive_scans.c).
 * Private to the library. */
#ifndef BEIAN_ARCHIVE_SCANS_H
#define BEIAN_ARCHIVE_SCANS_H

#include "archive_event_doc.h"

/* A file name as UTF-8 for event.json (caller frees; NULL when out of memory). */
char *scans_utf8_name(const char *name);

/*
 * The scan entries of doc from ev: doc->scan and scan_name for this event's scan, entry first
 * ("data/signed.png", "data/review-2026.png"; "" when the event files no scan); for a scan of
 * several files also doc->scan_files (the further files as <first's stem>-p<page>.<ext>); and
 * doc->signed_files: this approval's files, or those of the signed copy carried from prev.
 * BEIAN_EDATA with a problem when a further file is no scan; BEIAN_EINTERNAL.
 */
int scans_event_doc(const beian_event *ev, const char *first, const event_doc *prev,
                    event_doc *doc, beian_problems *pr);

#endif
