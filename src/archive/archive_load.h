/* archive_load.h - one bundle of the archive read and checked through every layer
 * (archive_load.c). Private to the library. */
#ifndef BEIAN_ARCHIVE_LOAD_H
#define BEIAN_ARCHIVE_LOAD_H

#include "archive_bag.h"
#include "archive_event_doc.h"
#include "archive_store.h"
#include "beian/bundle.h"
#include "beian/verify.h"

/* A bundle read from the archive, with what its bag-info and event.json say. */
typedef struct {
    beian_bundle *bundle;
    bag_meta meta;
    event_doc event;
    char sha256[BEIAN_SHA256_HEX_SIZE];
    int has_event;
} load_bundle;

/*
 * Reads DIR/rel and checks container, bag and content. BEIAN_OK: clean (out filled);
 * BEIAN_EDATA: findings say why (f may be NULL: then nothing is reported); BEIAN_ENOINPUT:
 * missing.
 */
int load_bundle_read(beian_archive *ar, const char *rel, load_bundle *out, beian_findings *f);
void load_bundle_release(load_bundle *lb);
/* Checks a bundle's path (…/records/<YEAR>/<RECORD>/v<N>-<DATE>.zip, the last four
 * components) against its bag-info: REC-NAME findings. */
int load_check_name(const char *path, const bag_meta *m, const char *label, beian_findings *f);

#endif
