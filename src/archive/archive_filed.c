/*
 * archive_filed.c - which data the archive already holds: every submission and change with
 * the digest of its data (bag-info's Beian-Record-SHA256), so that a sheet filed a second time
 * (after a crash, or by mistake) recognises the rows already filed instead of numbering them
 * again (beian_archive_filed_data). The ledger gives the order and the states; each bundle is
 * read and checked like any reader checks it, and one that is missing or damaged is skipped
 * with a warning, never trusted.
 */
#include <stdlib.h>
#include <string.h>

#include "archive_load.h"
#include "ledger.h"
#include "util.h"

int beian_archive_filed_data(beian_archive *ar, beian_filed_data **out, size_t *n_out,
                             beian_problems *pr)
{
    ledger lg;
    beian_filed_data *rows = NULL;
    size_t n = 0;
    *out = NULL;
    *n_out = 0;
    int rc = ledger_load(ar, &lg, NULL);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (lg.damaged) {
        beian_problems_add(pr, BEIAN_SEV_WARNING, ar->dir, 0, 0, NULL, NULL,
                           "the ledger is damaged; rows filed before may not be recognised (run "
                           "`beian verify`)");
    }
    for (size_t i = 0; i < lg.n && rc == BEIAN_OK; i++) {
        const ledger_line *l = &lg.lines[i];
        if (l->event != BEIAN_EVENT_SUBMITTED && l->event != BEIAN_EVENT_CHANGED) {
            continue;
        }
        load_bundle lb;
        int lrc = load_bundle_read(ar, l->path, &lb, NULL);
        if (lrc == BEIAN_OK && strcmp(lb.sha256, l->sha256) != 0) {
            load_bundle_release(&lb);
            lrc = BEIAN_EDATA;
        }
        if (lrc == BEIAN_EINTERNAL) {
            rc = lrc;
            break;
        }
        if (lrc != BEIAN_OK) {
            beian_problems_add(pr, BEIAN_SEV_WARNING, ar->dir, 0, 0, NULL, NULL,
                               "%s v%d (%s) is %s and was left out (run `beian verify %s`)",
                               l->record, l->version, l->path,
                               lrc == BEIAN_ENOINPUT ? "missing" : "damaged", l->record);
            continue;
        }
        beian_filed_data *grown = realloc(rows, (n + 1) * sizeof *grown);
        if (!grown || !lb.meta.record_sha || strlen(lb.meta.record_sha) != 64) {
            rc = grown ? BEIAN_OK : BEIAN_EINTERNAL;
            rows = grown ? grown : rows;
            load_bundle_release(&lb);
            continue;
        }
        rows = grown;
        beian_filed_data *d = &rows[n++];
        memset(d, 0, sizeof *d);
        memcpy(d->record_no, l->record, sizeof d->record_no);
        d->version = l->version;
        memcpy(d->date, l->date, BEIAN_DATE_SIZE);
        memcpy(d->record_sha, lb.meta.record_sha, BEIAN_ARCHIVE_HASH_SIZE);
        load_bundle_release(&lb);
    }
    for (size_t k = 0; rc == BEIAN_OK && k < n; k++) {
        const ledger_line *latest = ledger_latest(&lg, rows[k].record_no);
        rows[k].latest = latest ? latest->version : rows[k].version;
        rows[k].state = latest ? latest->state : BEIAN_STATE_NONE;
    }
    ledger_release(&lg);
    if (rc != BEIAN_OK) {
        free(rows);
        return rc;
    }
    *out = rows;
    *n_out = n;
    return BEIAN_OK;
}
