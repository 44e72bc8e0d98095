/*
 * archive_read.c - a record's history (every version the ledger lists, with what its bundle
 * added) and the register (台账, one row per record), as the index holds them
 * (archive_index.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_index.h"
#include "ledger.h"
#include "util.h"

void beian_version_infos_free(beian_version_info *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].path);
        free(v[i].detail);
    }
    free(v);
}

int beian_archive_history(beian_archive *ar, const char *record_no, beian_record_info *info,
                          beian_version_info **versions, size_t *n, beian_problems *pr)
{
    index_db ix;
    beian_sqldb_stmt *st = NULL;
    beian_version_info *v = NULL;
    size_t nv = 0, cap = 0;
    int r = 0;
    memset(info, 0, sizeof *info);
    *versions = NULL;
    *n = 0;
    int rc = index_open_register(ar, &ix, pr);
    rc = rc ? rc
            : beian_sqldb_prepare(ix.db,
                                  "SELECT v.version, v.event, v.state, v.date, v.path, v.sha256, "
                                  "v.detail, r.form, r.name, v.scan_unverified FROM versions v JOIN "
                                  "records r ON "
                                  "r.record = v.record WHERE v.record = ?1 ORDER BY v.seq",
                                  &st);
    rc = rc ? rc : beian_sqldb_bind_text(st, 1, record_no);
    while (rc == BEIAN_OK && (r = beian_sqldb_step(st)) == 1) {
        if (BEIAN_ARRAY_GROW(v, cap, nv + 1) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
            break;
        }
        beian_version_info *x = &v[nv++];
        memset(x, 0, sizeof *x);
        x->version = (int)beian_sqldb_int(st, 0);
        if (beian_archive_event_parse(beian_sqldb_text(st, 1), &x->event) != BEIAN_OK ||
            beian_archive_state_parse(beian_sqldb_text(st, 2), &x->state) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
        }
        snprintf(x->date, sizeof x->date, "%s", beian_sqldb_text(st, 3));
        x->path = beian_strdup(beian_sqldb_text(st, 4));
        snprintf(x->sha256, sizeof x->sha256, "%s", beian_sqldb_text(st, 5));
        if (!beian_sqldb_is_null(st, 6) && beian_sqldb_text(st, 6)[0]) {
            x->detail = beian_strdup(beian_sqldb_text(st, 6));
            rc = x->detail ? rc : BEIAN_EINTERNAL;
        }
        if (!info->form_id && !beian_sqldb_is_null(st, 7)) {
            info->form_id = beian_strdup(beian_sqldb_text(st, 7));
        }
        x->unverified = !beian_sqldb_is_null(st, 9); /* 未经校验 (issue 13) */
        if (!info->name && !beian_sqldb_is_null(st, 8)) {
            info->name = beian_strdup(beian_sqldb_text(st, 8));
        }
        rc = x->path ? rc : BEIAN_EINTERNAL;
        snprintf(info->record_no, sizeof info->record_no, "%s", record_no);
        info->state = x->state;
        info->version = x->version;
        memcpy(info->date, x->date, BEIAN_DATE_SIZE);
    }
    if (rc == BEIAN_OK && r < 0) {
        rc = -r;
    }
    beian_sqldb_finalize(st);
    index_close(&ix);
    if (rc == BEIAN_OK && nv == 0) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                           "there is no record %s in this archive (see: beian list)", record_no);
        rc = BEIAN_ENOINPUT;
    }
    if (rc != BEIAN_OK) {
        beian_version_infos_free(v, nv);
        beian_record_info_release(info);
        return rc;
    }
    *versions = v;
    *n = nv;
    return BEIAN_OK;
}

/* ---- the register ---- */

void beian_record_info_release(beian_record_info *r)
{
    free(r->form_id);
    free(r->name);
    memset(r, 0, sizeof *r);
}

void beian_record_infos_free(beian_record_info *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) {
        beian_record_info_release(&r[i]);
    }
    free(r);
}

int beian_archive_list(beian_archive *ar, beian_record_info **records, size_t *n,
                       beian_problems *pr)
{
    index_db ix;
    beian_sqldb_stmt *st = NULL;
    beian_record_info *rows = NULL;
    size_t k = 0, cap = 0;
    int r = 0;
    *records = NULL;
    *n = 0;
    int rc = index_open_register(ar, &ix, pr);
    rc = rc ? rc
            : beian_sqldb_prepare(ix.db,
                                  "SELECT record, coalesce(form, '?'), coalesce(name, '?'), "
                                  "state, version, date, unverified FROM records ORDER BY record",
                                  &st);
    while (rc == BEIAN_OK && (r = beian_sqldb_step(st)) == 1) {
        if (BEIAN_ARRAY_GROW(rows, cap, k + 1) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
            break;
        }
        beian_record_info *x = &rows[k++];
        memset(x, 0, sizeof *x);
        snprintf(x->record_no, sizeof x->record_no, "%s", beian_sqldb_text(st, 0));
        snprintf(x->date, sizeof x->date, "%s", beian_sqldb_text(st, 5));
        x->form_id = beian_strdup(beian_sqldb_text(st, 1));
        x->name = beian_strdup(beian_sqldb_text(st, 2));
        x->version = (int)beian_sqldb_int(st, 4);
        x->unverified = (int)beian_sqldb_int(st, 6);
        if (!x->form_id || !x->name ||
            beian_archive_state_parse(beian_sqldb_text(st, 3), &x->state) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
        }
    }
    if (rc == BEIAN_OK && r < 0) {
        rc = -r;
    }
    beian_sqldb_finalize(st);
    index_close(&ix);
    if (rc != BEIAN_OK) {
        beian_record_infos_free(rows, k);
        return rc;
    }
    *records = rows;
    *n = k;
    return BEIAN_OK;
}
