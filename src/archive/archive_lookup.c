/*
 * archive_lookup.c - a commit's questions to the register's index (archive_lookup.h). Each
 * is one query on an indexed column, so a filing costs the same in an archive of ten records
 * or ten thousand.
 */
#include "archive_lookup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "util.h"

/* The ledger line of the current row of versions (seq, line_hash, record, version, event,
 * state, date, path, sha256); 0 when a column is not what the ledger would hold. */
static int row_line(beian_sqldb_stmt *st, ledger_line *l)
{
    memset(l, 0, sizeof *l);
    l->seq = (size_t)beian_sqldb_int(st, 0);
    const char *hash = beian_sqldb_text(st, 1);
    const char *rec = beian_sqldb_text(st, 2);
    const char *date = beian_sqldb_text(st, 6);
    const char *sha = beian_sqldb_text(st, 8);
    if (!beian_sha256_hex_valid(hash) || !beian_sha256_hex_valid(sha) ||
        strlen(rec) >= STORE_RECORD_NO_SIZE || !beian_date_valid(date) ||
        beian_archive_event_parse(beian_sqldb_text(st, 4), &l->event) != BEIAN_OK ||
        beian_archive_state_parse(beian_sqldb_text(st, 5), &l->state) != BEIAN_OK) {
        return 0;
    }
    memcpy(l->hash, hash, BEIAN_SHA256_HEX_SIZE);
    memcpy(l->sha256, sha, BEIAN_SHA256_HEX_SIZE);
    memcpy(l->record, rec, strlen(rec) + 1);
    memcpy(l->date, date, BEIAN_DATE_SIZE);
    l->version = (int)beian_sqldb_int(st, 3);
    l->path = beian_strdup(beian_sqldb_text(st, 7));
    return l->path ? 1 : -1;
}

int lookup_versions(index_db *ix, const char *record, ledger *out)
{
    beian_sqldb_stmt *st = NULL;
    size_t cap = 0;
    memset(out, 0, sizeof *out);
    int rc = beian_sqldb_prepare(ix->db,
                                 "SELECT seq, line_hash, record, version, event, state, date, "
                                 "path, sha256 FROM versions WHERE record = ?1 ORDER BY seq",
                                 &st);
    rc = rc ? rc : beian_sqldb_bind_text(st, 1, record);
    int r = 0;
    while (rc == BEIAN_OK && (r = beian_sqldb_step(st)) == 1) {
        ledger_line l;
        int ok = row_line(st, &l);
        if (ok <= 0) {
            rc = ok < 0 ? BEIAN_EINTERNAL : BEIAN_EDATA;
            break;
        }
        if (BEIAN_ARRAY_GROW(out->lines, cap, out->n + 1) != BEIAN_OK) {
            free(l.path);
            rc = BEIAN_EINTERNAL;
            break;
        }
        out->lines[out->n++] = l;
    }
    if (rc == BEIAN_OK && r < 0) {
        rc = -r;
    }
    beian_sqldb_finalize(st);
    if (rc != BEIAN_OK) {
        ledger_release(out);
    }
    return rc;
}

int lookup_highest_number(index_db *ix, const char *prefix, const char *year, long *max)
{
    beian_sqldb_stmt *st = NULL;
    char *like = beian_asprintf("%s-%s-[0-9]*", prefix, year);
    *max = 0;
    int rc = like ? beian_sqldb_prepare(ix->db,
                                        "SELECT record FROM records WHERE record GLOB ?1 ORDER BY "
                                        "length(record) DESC, record DESC LIMIT 1",
                                        &st)
                  : BEIAN_EINTERNAL;
    rc = rc ? rc : beian_sqldb_bind_text(st, 1, like);
    int r = rc == BEIAN_OK ? beian_sqldb_step(st) : 0;
    if (r == 1) {
        const char *rec = beian_sqldb_text(st, 0);
        size_t pl = strlen(prefix);
        if (beian_record_no_valid(rec) && strlen(rec) > pl + 6) {
            *max = strtol(rec + pl + 6, NULL, 10);
        }
    } else if (r < 0) {
        rc = -r;
    }
    beian_sqldb_finalize(st);
    free(like);
    return rc;
}

int lookup_newest_date(index_db *ix, char out[BEIAN_DATE_SIZE])
{
    beian_sqldb_stmt *st = NULL;
    out[0] = '\0';
    int rc = beian_sqldb_prepare(ix->db, "SELECT max(date) FROM versions", &st);
    int r = rc == BEIAN_OK ? beian_sqldb_step(st) : 0;
    if (r == 1 && beian_date_valid(beian_sqldb_text(st, 0))) {
        memcpy(out, beian_sqldb_text(st, 0), BEIAN_DATE_SIZE);
    } else if (r < 0) {
        rc = -r;
    }
    beian_sqldb_finalize(st);
    return rc;
}

int lookup_draft(index_db *ix, const char *digest16, char *records, size_t size, size_t *n)
{
    beian_sqldb_stmt *st = NULL;
    char *glob = beian_asprintf("%.16s*", digest16);
    *n = 0;
    records[0] = '\0';
    int rc = glob ? beian_sqldb_prepare(ix->db,
                                        "SELECT record FROM records WHERE digest GLOB ?1 ORDER BY "
                                        "record",
                                        &st)
                  : BEIAN_EINTERNAL;
    rc = rc ? rc : beian_sqldb_bind_text(st, 1, glob);
    int r = 0;
    while (rc == BEIAN_OK && (r = beian_sqldb_step(st)) == 1) {
        size_t o = strlen(records);
        snprintf(records + o, size - o, "%s%s", o ? ", " : "", beian_sqldb_text(st, 0));
        (*n)++;
    }
    if (rc == BEIAN_OK && r < 0) {
        rc = -r;
    }
    beian_sqldb_finalize(st);
    free(glob);
    return rc;
}
