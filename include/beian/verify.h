/*
 * beian/verify.h - what `beian verify` finds, and the stable codes it names findings by.
 *
 * Verification works in four layers, each with its own codes (the table below, printed by
 * `beian verify --codes` and documented in docs/archive.md):
 *
 *   ZIP-   the container: the ZIP file itself, checked by reading its structure byte by byte
 *          (libzip accepts unsafe names, duplicates, symlinks, overlapping entries, ...);
 *   BAG-   the BagIt bag (RFC 8493) inside: manifests complete and matching;
 *   REC-   the record: versions contiguous, names agree with bag-info, the hash chain of
 *          Previous-Bundle-SHA256, the workflow, dates in order;
 *   STORE- the archive: the ledger's hash chain, every bundle in the ledger and every ledger
 *          line on disk, no crash residue, the index fresh, a paper anchor.
 *
 * A code is a contract: tests/fixtures/verify/<CODE>/ holds a damaged bundle or archive that
 * must raise it. Codes are never renamed or reused; new ones may be added.
 */
#ifndef BEIAN_VERIFY_H
#define BEIAN_VERIFY_H

#include <stddef.h>

#include "beian/common.h"

/* Container (the ZIP file). */
#define BEIAN_V_ZIP_UNREADABLE "ZIP-UNREADABLE"
#define BEIAN_V_ZIP_STRUCTURE "ZIP-STRUCTURE"
#define BEIAN_V_ZIP_STRAY_BYTES "ZIP-STRAY-BYTES"
#define BEIAN_V_ZIP_OVERLAP "ZIP-OVERLAP"
#define BEIAN_V_ZIP_UNSAFE_NAME "ZIP-UNSAFE-NAME"
#define BEIAN_V_ZIP_DUPLICATE "ZIP-DUPLICATE-NAME"
#define BEIAN_V_ZIP_CASE "ZIP-CASE-COLLISION"
#define BEIAN_V_ZIP_SYMLINK "ZIP-SYMLINK"
#define BEIAN_V_ZIP_DIRECTORY "ZIP-DIRECTORY"
#define BEIAN_V_ZIP_ENCRYPTED "ZIP-ENCRYPTED"
#define BEIAN_V_ZIP_NESTED "ZIP-NESTED-ARCHIVE"
#define BEIAN_V_ZIP_NOT_STORED "ZIP-NOT-STORED"
#define BEIAN_V_ZIP_SIZE "ZIP-SIZE"
#define BEIAN_V_ZIP_CRC "ZIP-CRC"
#define BEIAN_V_ZIP_LENGTH "ZIP-LENGTH"
/* The bag. */
#define BEIAN_V_BAG_DECLARATION "BAG-DECLARATION"
#define BEIAN_V_BAG_INFO "BAG-INFO"
#define BEIAN_V_BAG_OXUM "BAG-OXUM"
#define BEIAN_V_BAG_MANIFEST "BAG-MANIFEST"
#define BEIAN_V_BAG_UNLISTED "BAG-UNLISTED"
#define BEIAN_V_BAG_MISSING "BAG-MISSING-FILE"
#define BEIAN_V_BAG_DIGEST "BAG-DIGEST"
#define BEIAN_V_BAG_TAGMANIFEST "BAG-TAGMANIFEST"
#define BEIAN_V_BAG_STRAY "BAG-STRAY-FILE"
/* The record. */
#define BEIAN_V_REC_CONTENT "REC-CONTENT"
#define BEIAN_V_REC_NAME "REC-NAME"
#define BEIAN_V_REC_GAP "REC-VERSION-GAP"
#define BEIAN_V_REC_CHAIN "REC-CHAIN"
#define BEIAN_V_REC_WORKFLOW "REC-WORKFLOW"
#define BEIAN_V_REC_DATE "REC-DATE-ORDER"
/* The store. */
#define BEIAN_V_STORE_LEDGER "STORE-LEDGER"
#define BEIAN_V_STORE_DIGEST "STORE-LEDGER-DIGEST"
#define BEIAN_V_STORE_MISSING "STORE-MISSING"
#define BEIAN_V_STORE_UNLEDGERED "STORE-UNLEDGERED"
#define BEIAN_V_STORE_STRAY "STORE-STRAY"
#define BEIAN_V_STORE_TEMP "STORE-TEMP"
#define BEIAN_V_STORE_INDEX "STORE-INDEX"
#define BEIAN_V_STORE_ANCHOR "STORE-ANCHOR"

/* One row of the code table. */
typedef struct {
    const char *code;
    const char *meaning; /* what was found */
    const char *action;  /* what the office should do about it */
} beian_verify_code;

/* The table of every code, in layer order. */
const beian_verify_code *beian_verify_codes(size_t *n);
/* The row of code, or NULL. */
const beian_verify_code *beian_verify_code_find(const char *code);

/* One finding. Strings are owned by the list; code points into the static table. */
typedef struct {
    const char *code;
    char *path;    /* the bundle or file, relative to the archive (or as the user gave it) */
    char *message; /* what is wrong, in plain words */
} beian_finding;

typedef struct beian_findings beian_findings;

beian_findings *beian_findings_new(void);
void beian_findings_free(beian_findings *f);
/* Appends a finding (path may be NULL). code must be one of the table's. Returns BEIAN_OK or
 * BEIAN_EINTERNAL (no memory). */
int beian_findings_add(beian_findings *f, const char *code, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
size_t beian_findings_count(const beian_findings *f);
const beian_finding *beian_findings_get(const beian_findings *f, size_t i);
/* 1 when some finding has this code. */
int beian_findings_has(const beian_findings *f, const char *code);

#endif
