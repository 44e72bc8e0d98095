/* archive_bag.h - the BagIt tag files of a bundle: write and check (archive_bag.c). Private to
 * the library. */
#ifndef BEIAN_ARCHIVE_BAG_H
#define BEIAN_ARCHIVE_BAG_H

#include <stddef.h>

#include "archive_store.h"
#include "beian/bundle.h"
#include "beian/verify.h"

/* The bag's tag files (ASCII names; docs/archive.md describes them). */
#define BAG_DECLARATION "bagit.txt"
#define BAG_INFO "bag-info.txt"
#define BAG_MANIFEST "manifest-sha256.txt"
#define BAG_TAGMANIFEST "tagmanifest-sha256.txt"

typedef struct {
    char *record;
    int version;
    beian_event_kind event;
    beian_state state;
    char *date;
    char *form;
    char *record_sha;  /* SHA-256 of data/record.json */
    char *prev_sha;    /* of the previous version's bundle; NULL for version 1 */
    char *description; /* Internal-Sender-Description (UTF-8, one line), may be NULL */
} bag_meta;

void bag_meta_release(bag_meta *m);
/* Adds the tag files to payload[0..n) (names under data/) and builds the ZIP. */
int bag_build(beian_ctx *ctx, const bag_meta *m, const beian_bundle_entry *payload, size_t n,
              unsigned char **zip, size_t *len);
/* Checks the bag; fills *m from bag-info.txt when it parses (else leaves it zeroed).
 * Returns BEIAN_OK or BEIAN_EINTERNAL; findings tell the damage. */
int bag_check(const beian_bundle *b, const char *label, bag_meta *m, beian_findings *f);

#endif
