/*
 * archive_load.c - one bundle of the archive read and checked through every layer: the ZIP
 * container (bundle.c), the bag (archive_bag.c), its name against its bag-info, and the
 * documents (archive_content.c). Everything that reads a bundle of the archive goes through it.
 */
#include "archive_load.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_content.h"
#include "file.h"
#include "sha256.h"
#include "util.h"

void load_bundle_release(load_bundle *lb)
{
    beian_bundle_free(lb->bundle);
    bag_meta_release(&lb->meta);
    event_doc_release(&lb->event);
    memset(lb, 0, sizeof *lb);
}

int load_check_name(const char *path, const bag_meta *m, const char *label, beian_findings *f)
{
    /* the last four components: records/<YEAR>/<RECORD>/v<N>-<DATE>.zip */
    const char *p = path + strlen(path);
    int slashes = 0;
    while (p > path && slashes < 4) {
        p--;
        if (*p == '/') {
            slashes++;
        }
    }
    if (slashes == 4) {
        p++;
    }
    char rec[STORE_RECORD_NO_SIZE], date[BEIAN_DATE_SIZE];
    int version = 0;
    if (!store_parse_bundle_rel(p, rec, &version, date)) {
        return beian_findings_add(f, BEIAN_V_REC_NAME, label,
                                  "the file is not named records/<YEAR>/<RECORD>/v<N>-<YYYYMMDD>"
                                  ".zip");
    }
    if (strcmp(rec, m->record) != 0 || version != m->version || strcmp(date, m->date) != 0) {
        return beian_findings_add(f, BEIAN_V_REC_NAME, label,
                                  "the name says %s v%d of %s but bag-info.txt says %s v%d of %s "
                                  "(renamed or moved?)",
                                  rec, version, date, m->record, m->version, m->date);
    }
    return BEIAN_OK;
}

int load_bundle_read(beian_archive *ar, const char *rel, load_bundle *out, beian_findings *f)
{
    int rc = BEIAN_OK;
    int err = 0;
    beian_buf b;
    beian_findings *own = NULL;
    char *path = store_path(ar, rel);
    memset(out, 0, sizeof *out);
    beian_buf_init(&b);
    if (!f) {
        f = own = beian_findings_new();
    }
    if (!path || !f) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    size_t before = beian_findings_count(f);
    char *link = store_rel_not_plain(ar, rel);
    if (link) {
        /* a bundle is read where it is, never through a link inside the archive */
        rc = beian_findings_add(f, BEIAN_V_STORE_STRAY, rel,
                                "%s is a symbolic link or not a plain folder or file: beian "
                                "does not follow links inside the archive",
                                link);
        free(link);
        rc = rc == BEIAN_OK ? BEIAN_EDATA : rc;
        goto done;
    }
    rc = beian_file_read(path, BEIAN_BUNDLE_MAX_BYTES, &b, &err);
    if (rc == BEIAN_ENOINPUT) {
        goto done;
    }
    if (rc == BEIAN_EDATA) {
        rc = beian_findings_add(f, BEIAN_V_ZIP_SIZE, rel, "the file is larger than %u MiB",
                                BEIAN_BUNDLE_MAX_BYTES >> 20);
        goto done;
    }
    if (rc != BEIAN_OK) {
        rc = beian_ctx_fail(ar->ctx, rc, "%s: cannot read: %s", path, strerror(err));
        goto done;
    }
    rc = beian_sha256_hex(b.data, b.len, out->sha256);
    if (rc == BEIAN_OK) {
        rc = beian_bundle_read(b.data, b.len, rel, &out->bundle, f);
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = bag_check(out->bundle, rel, &out->meta, f);
    if (rc == BEIAN_OK && out->meta.record) {
        rc = load_check_name(rel, &out->meta, rel, f);
        if (rc == BEIAN_OK) {
            rc = content_check(ar->ctx, out->bundle, &out->meta, rel, &out->event, f);
            out->has_event = out->event.form != NULL;
        }
    }
    if (rc == BEIAN_OK && beian_findings_count(f) > before) {
        rc = BEIAN_EDATA;
    }
done:
    if (rc != BEIAN_OK) {
        load_bundle_release(out);
    }
    beian_buf_release(&b);
    beian_findings_free(own);
    free(path);
    return rc;
}
