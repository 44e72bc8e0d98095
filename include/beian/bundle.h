/*
 * beian/bundle.h - the bundle container: a deterministic ZIP written and read in memory.
 *
 * Writing: entries are stored (not deflated) in byte order of their names, every entry with
 * the same DOS time taken from the bundle date (midnight), the same Unix attributes (a
 * regular file, 0644) and no extra fields, comment or encryption. Same entries and date,
 * same bytes, whatever the time zone or the clock.
 *
 * Reading is verification: the file is walked byte by byte (central directory, local
 * headers, data) and every entry is read to its end through libzip opened with
 * ZIP_CHECKCONS. Anything libzip would accept but an archive must not hold (unsafe or
 * duplicate names, symlinks, directories, overlapping entries, stray bytes, encryption,
 * nested archives, sizes out of limits, a CRC or a length that does not match) becomes a
 * ZIP- finding (beian/verify.h), and then no entry is returned.
 */
#ifndef BEIAN_BUNDLE_H
#define BEIAN_BUNDLE_H

#include <stddef.h>

#include "beian/common.h"
#include "beian/verify.h"

/* Limits of what a bundle may hold; a bundle is one record's forms and a few scans. */
#define BEIAN_BUNDLE_MAX_BYTES (512u * 1024u * 1024u) /* the ZIP file */
#define BEIAN_BUNDLE_MAX_ENTRY (128u * 1024u * 1024u) /* one entry (a scan: 64 MiB) */
#define BEIAN_BUNDLE_MAX_ENTRIES 1000
#define BEIAN_BUNDLE_MAX_RATIO 100 /* inflated / stored size of one entry; more is refused */

typedef struct {
    char *name;          /* ASCII path, '/'-separated, relative */
    unsigned char *data; /* owned */
    size_t len;
} beian_bundle_entry;

typedef struct {
    beian_bundle_entry *entries; /* in the ZIP's order */
    size_t n;
} beian_bundle;

/*
 * Builds the ZIP of entries[0..n) (any order; they are written sorted by name) dated date
 * (YYYY-MM-DD, 1980..2107). *zip is malloc'd. Names must be safe relative ASCII paths and
 * unique; BEIAN_EINTERNAL with the context's message otherwise, or when libzip fails.
 */
int beian_bundle_zip(beian_ctx *ctx, const beian_bundle_entry *entries, size_t n, const char *date,
                     unsigned char **zip, size_t *len);

/*
 * Checks the container zip[0..len) and, when it is sound, reads every entry into *out
 * (caller frees with beian_bundle_free). label names the bundle in findings. Returns BEIAN_OK
 * (with *out) when no ZIP- finding was added, BEIAN_EDATA (no *out) when some was, and
 * BEIAN_EINTERNAL when out of memory.
 */
int beian_bundle_read(const unsigned char *zip, size_t len, const char *label, beian_bundle **out,
                      beian_findings *findings);

void beian_bundle_free(beian_bundle *b);

/* The entry called name, or NULL. */
const beian_bundle_entry *beian_bundle_get(const beian_bundle *b, const char *name);

/* 1 when name is a path beian writes into a bundle: non-empty components of [A-Za-z0-9._-]
 * separated by '/', none "." or "..", at most 200 bytes. */
int beian_bundle_name_safe(const char *name);

/* The libzip version bundles are written with, for `beian --version`. */
const char *beian_bundle_library_version(void);

#endif
