/*
 * beian/tracking.h - the tracking code printed in the footer of every filled page.
 *
 * The payload is a contract (documented in the README): a paper copy that comes back signed
 * and sealed is matched to its archive record by it alone.
 *
 *     beian:<RECORD>/<VERSION>/<DIGEST16>
 *
 * RECORD is the archive number (XMT-2026-0007, QUN-2026-0012) or DRAFT for a form printed
 * before it was archived; VERSION is the record version (0 for a draft); DIGEST16 is the first
 * 16 lowercase hex digits of the SHA-256 of the record's canonical JSON
 * (beian_record_canonical), printed in upper case: everything after "beian:" is then in the
 * QR alphanumeric set, which keeps the code small enough (version 2) for large modules in the
 * footer. Parsing accepts either case and gives the digits in lower case, as sha256sum
 * prints them. Example: beian:QUN-2026-0012/1/3F2A9C0D11E4B7A8
 *
 * Extension (issue 13): a reprint's code ends in one more field saying it is a copy, never the
 * signed form: /R for a marked reprint (补打（副本）), /M for a masked one (contact details
 * hidden; the digest is still the archived record's). An --exact reprint is the form itself and
 * carries the original code. Codes without the field (every printing before this) are read as
 * before.
 *
 *     beian:QUN-2026-0012/1/3F2A9C0D11E4B7A8/R
 *
 * Second extension (issue 13): a form's page may follow, /P<n> (1-999, no leading zero), so a
 * multi-page scan says which page is missing and that page 1 (the signatures) is there. The
 * layout prints it on pages 1-9 of versions up to 99, where the code stays at version 2
 * (25 modules); beyond that, and on reprints, it is left out and the page is unknown.
 *
 *     beian:QUN-2026-0012/1/3F2A9C0D11E4B7A8/P1
 */
#ifndef BEIAN_TRACKING_H
#define BEIAN_TRACKING_H

#include <stddef.h>

#include "beian/common.h"

#define BEIAN_TRACKING_PREFIX "beian:"

/* Sizes with the NUL: a record number of at most 31 characters, the 16 digest digits. */
#define BEIAN_TRACKING_RECORD_SIZE 32
#define BEIAN_TRACKING_DIGEST_LEN 16
/* Room for the longest payload: the prefix (6), a record (31), two slashes, a version (an int:
 * at most 10 digits), the digest (16) and a NUL are 66 bytes. */
#define BEIAN_TRACKING_PAYLOAD_SIZE 96

/* What a printed page is: the form itself, or a reprint's copy (the field after the digest). */
typedef enum {
    BEIAN_TRACKING_FORM = 0,    /* no field: the form (also an --exact reprint) */
    BEIAN_TRACKING_REPRINT = 'R', /* a marked reprint, 补打（副本） */
    BEIAN_TRACKING_MASKED = 'M'   /* a masked reprint (contact details hidden) */
} beian_tracking_copy;

typedef struct {
    char record[BEIAN_TRACKING_RECORD_SIZE]; /* "DRAFT" for a draft */
    int version;
    char digest16[BEIAN_TRACKING_DIGEST_LEN + 1]; /* lower case */
    beian_tracking_copy copy;
    int page; /* the form's page, 1..; 0 when the code does not say (earlier printings) */
} beian_tracking;

/* The largest page and version printed with a page field (the code then stays at 25 modules). */
#define BEIAN_TRACKING_PAGE_MAX 9
#define BEIAN_TRACKING_PAGE_VERSION_MAX 99

/* Formats the payload into out (size bytes; BEIAN_TRACKING_PAYLOAD_SIZE holds the longest).
 * record NULL means a draft; BEIAN_EINTERNAL when out is too small. */
int beian_tracking_format(const char *record, int version, const char *digest_hex, char *out,
                          size_t size);
/* The same with the copy field (BEIAN_TRACKING_FORM writes none) and the page (0: none;
 * at most 999). */
int beian_tracking_format_copy(const char *record, int version, const char *digest_hex,
                               beian_tracking_copy copy, int page, char *out, size_t size);
/* Parses a payload; BEIAN_EDATA when it is not a beian tracking code. */
int beian_tracking_parse(const char *payload, beian_tracking *out);

#endif
