/*
 * archive_filed.c - which data the archive already holds: every submission and change with
 * the digest of its data (bag-info's Beian-Record-SHA256), so that a sheet filed a second time
 * (after a crash, or by mistake) recognises the rows already filed instead of numbering them
 * again (beian_archive_filed_data). Asked of the register's index, which took the order and
 * the states from the ledger and each digest from its bundle (read and checked like any reader
 * checks it); a bundle that was missing or damaged is skipped with a warning, never trusted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_index.h"
#include "util.h"

int beian_archive_filed_data(beian_archive *ar, beian_filed_data **out, size_t *n_out,
                             beian_problems *pr)
{
    index_db ix;
    beian_sqldb_stmt *st = NULL;
    beian_filed_data *rows = NULL;
    size_t n = 0, cap = 0;
    *out = NULL;
    *n_out = 0;
    int rc = index_open_register(ar, &ix, pr);
    if (rc != BEIAN_OK) {
        return rc;
    }
    rc = beian_sqldb_prepare(ix.db,
                             "SELECT v.record, v.version, v.date, v.digest, v.bundle, v.path, "
                             "r.version, r.state FROM versions v JOIN records r ON r.record = "
                             "v.record WHERE v.event IN ('submitted', 'changed') ORDER BY v.seq",
                             &st);
    int r = 0;
    while (rc == BEIAN_OK && (r = beian_sqldb_step(st)) == 1) {
        const char *rec = beian_sqldb_text(st, 0);
        const char *digest = beian_sqldb_text(st, 3);
        if (strcmp(beian_sqldb_text(st, 4), "ok") != 0) {
            beian_problems_add(pr, BEIAN_SEV_WARNING, ar->dir, 0, 0, NULL, NULL,
                               "%s v%lld (%s) is %s and was left out (run `beian verify %s`)",
                               rec, beian_sqldb_int(st, 1), beian_sqldb_text(st, 5),
                               beian_sqldb_text(st, 4), rec);
            continue;
        }
        if (!beian_sha256_hex_valid(digest) || strlen(rec) >= BEIAN_RECORD_NO_SIZE) {
            continue;
        }
        if (BEIAN_ARRAY_GROW(rows, cap, n + 1) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
            break;
        }
        beian_filed_data *d = &rows[n++];
        memset(d, 0, sizeof *d);
        memcpy(d->record_no, rec, strlen(rec) + 1);
        d->version = (int)beian_sqldb_int(st, 1);
        snprintf(d->date, sizeof d->date, "%s", beian_sqldb_text(st, 2));
        memcpy(d->record_sha, digest, BEIAN_ARCHIVE_HASH_SIZE);
        d->latest = (int)beian_sqldb_int(st, 6);
        if (beian_archive_state_parse(beian_sqldb_text(st, 7), &d->state) != BEIAN_OK) {
            d->state = BEIAN_STATE_NONE;
        }
    }
    if (rc == BEIAN_OK && r < 0) {
        rc = -r;
    }
    beian_sqldb_finalize(st);
    index_close(&ix);
    if (rc != BEIAN_OK) {
        free(rows);
        return rc;
    }
    *out = rows;
    *n_out = n;
    return BEIAN_OK;
}
