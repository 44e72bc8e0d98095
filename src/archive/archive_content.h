/* archive_content.h - the documents inside a bundle's data/ folder beyond the bag
 * (archive_content.c). Private to the library. */
#ifndef BEIAN_ARCHIVE_CONTENT_H
#define BEIAN_ARCHIVE_CONTENT_H

#include <stddef.h>

#include "archive_bag.h"
#include "archive_event_doc.h"
#include "beian/bundle.h"
#include "beian/form.h"
#include "beian/record.h"
#include "beian/verify.h"

/* The documents of a bundle's data/ folder (ASCII names; docs/archive.md describes them). */
#define DATA_RECORD "data/record.json"
#define DATA_FORM "data/form.json"
#define DATA_PDF "data/form.pdf"
#define DATA_EVENT "data/event.json"
#define DATA_PROVENANCE "data/provenance.json"

/* data/provenance.json for a document just rendered. */
int content_provenance_dump(beian_ctx *ctx, unsigned char **json, size_t *len);
/*
 * Rebuilds the archived record from data/record.json against the archived definition
 * data/form.json (not the forms folder: the definition may have changed since). *form and
 * *rec are the caller's (the record borrows the form).
 */
int content_record(beian_ctx *ctx, const beian_bundle *b, beian_form **form, beian_record **rec,
                   char **why);
/* Checks the documents of a bundle against its bag-info (REC-CONTENT); *ev is filled when
 * event.json parses (may be NULL). */
int content_check(beian_ctx *ctx, const beian_bundle *b, const bag_meta *m, const char *label,
                  event_doc *ev, beian_findings *f);
/* "宁职院信息工程学院" (名称 / 群名称 / the first value) of a record; caller frees. */
char *content_record_name(const beian_record *rec);
/* What a scan is by its magic bytes: "pdf", "png", "jpg", or NULL. */
const char *content_scan_ext(const unsigned char *data, size_t len);

#endif
