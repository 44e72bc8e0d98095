/*
 * archive_index_check.c - index.db held against the ledger, for verify (STORE-INDEX) and the
 * writers: is it the index of this ledger, of a prefix of it (behind), or does it contradict
 * it? The index itself is made in archive_index.c.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive_index.h"
#include "util.h"

/* The first row of versions (for the ledger's first k lines) that differs from the ledger,
 * as a malloc'd sentence, or NULL when all agree (*rc: a failure). */
static char *versions_differ(beian_sqldb *db, const ledger *lg, size_t k, int *rc)
{
    beian_sqldb_stmt *st = NULL;
    char *why = NULL;
    size_t i = 0;
    int r = 0;
    *rc = beian_sqldb_prepare(db,
                              "SELECT seq, line_hash, record, version, event, state, date, "
                              "path, sha256 FROM versions ORDER BY seq",
                              &st);
    while (*rc == BEIAN_OK && !why && (r = beian_sqldb_step(st)) == 1) {
        const ledger_line *l = i < k ? &lg->lines[i] : NULL;
        if (!l || (size_t)beian_sqldb_int(st, 0) != l->seq ||
            strcmp(beian_sqldb_text(st, 1), l->hash) || strcmp(beian_sqldb_text(st, 2), l->record) ||
            beian_sqldb_int(st, 3) != l->version ||
            strcmp(beian_sqldb_text(st, 4), beian_archive_event_name(l->event)) ||
            strcmp(beian_sqldb_text(st, 5), beian_archive_state_name(l->state)) ||
            strcmp(beian_sqldb_text(st, 6), l->date) || strcmp(beian_sqldb_text(st, 7), l->path) ||
            strcmp(beian_sqldb_text(st, 8), l->sha256)) {
            why = l ? beian_asprintf("its row for ledger line %zu (%s v%lld) differs from the "
                                     "ledger's (%s v%d)",
                                     i + 1, beian_sqldb_text(st, 2), beian_sqldb_int(st, 3),
                                     l->record, l->version)
                    : beian_asprintf("it has a row for ledger line %lld, which the ledger it "
                                     "names lacks",
                                     beian_sqldb_int(st, 0));
        }
        i++;
    }
    if (*rc == BEIAN_OK && r < 0) {
        *rc = -r;
    }
    if (*rc == BEIAN_OK && !why && i < k) {
        why = beian_asprintf("it lacks the row of ledger line %zu (%s v%d)", i + 1,
                             lg->lines[i].record, lg->lines[i].version);
    }
    beian_sqldb_finalize(st);
    return why;
}

/* The latest line of each record among the ledger's first k lines, by record (as
 * ledger_latest picks it: the first line of the highest version); *n how many. */
static const ledger_line **latest_lines(const ledger *lg, size_t k, size_t *n)
{
    const ledger_line **all = k ? malloc(k * sizeof *all) : NULL;
    size_t m = 0;
    *n = 0;
    if (!all) {
        return NULL;
    }
    for (size_t i = 0; i < k; i++) {
        all[i] = &lg->lines[i];
    }
    qsort(all, k, sizeof *all, ledger_cmp_record);
    for (size_t i = 0; i < k; i++) {
        if (i + 1 == k || strcmp(all[i]->record, all[i + 1]->record) != 0) {
            all[m++] = all[i];
        }
    }
    *n = m;
    return all;
}

static const ledger_line *find_latest(const ledger_line **latest, size_t n, const char *record)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(latest[mid]->record, record);
        if (c == 0) {
            return latest[mid];
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return NULL;
}

/* The first row of records that differs from the latest line of its record among the
 * ledger's first k lines, or a record the ledger lacks. */
static char *records_differ(beian_sqldb *db, const ledger *lg, size_t k, int *rc)
{
    beian_sqldb_stmt *st = NULL;
    char *why = NULL;
    size_t rows = 0, distinct = 0;
    int r = 0;
    const ledger_line **latest = latest_lines(lg, k, &distinct);
    if (k && !latest) {
        *rc = BEIAN_EINTERNAL;
        return NULL;
    }
    *rc = beian_sqldb_prepare(db, "SELECT record, state, version, date FROM records", &st);
    while (*rc == BEIAN_OK && !why && (r = beian_sqldb_step(st)) == 1) {
        const char *rec = beian_sqldb_text(st, 0);
        const ledger_line *l = find_latest(latest, distinct, rec);
        rows++;
        if (!l) {
            why = beian_asprintf("it has a record %s that the ledger lacks", rec);
        } else if (strcmp(beian_sqldb_text(st, 1), beian_archive_state_name(l->state)) ||
                   beian_sqldb_int(st, 2) != l->version || strcmp(beian_sqldb_text(st, 3), l->date)) {
            why = beian_asprintf("it says %s is %s at v%lld of %s, but the ledger says %s at v%d "
                                 "of %s",
                                 rec, beian_sqldb_text(st, 1), beian_sqldb_int(st, 2),
                                 beian_sqldb_text(st, 3), beian_archive_state_name(l->state),
                                 l->version, l->date);
        }
    }
    if (*rc == BEIAN_OK && r < 0) {
        *rc = -r;
    }
    if (*rc == BEIAN_OK && !why && rows != distinct) {
        why = beian_asprintf("it lists %zu records, the ledger %zu", rows, distinct);
    }
    beian_sqldb_finalize(st);
    free(latest);
    return why;
}

int index_check(beian_archive *ar, const ledger *lg, beian_index_state *state, size_t *made_from,
                char **why)
{
    beian_sqldb *db = NULL;
    index_meta m;
    *state = BEIAN_INDEX_WRONG;
    *made_from = 0;
    *why = NULL;
    int rc = index_open_for_check(ar, &db);
    if (rc == BEIAN_ENOINPUT) {
        *state = lg->n == 0 ? BEIAN_INDEX_FRESH : BEIAN_INDEX_MISSING;
        return BEIAN_OK;
    }
    rc = rc ? rc : index_meta_read(db, &m);
    if (rc == BEIAN_EINTERNAL) {
        beian_sqldb_close(db);
        return rc;
    }
    if (rc != BEIAN_OK) {
        *why = beian_asprintf("cannot be read (%s)", beian_ctx_message(ar->ctx));
    } else if (m.schema != INDEX_SCHEMA) {
        /* an older index (or an empty file): rebuilt at its next use, not damage */
        *state = lg->n == 0 ? BEIAN_INDEX_FRESH : BEIAN_INDEX_MISSING;
    } else if (m.lines > lg->n) {
        *why = beian_asprintf("was made from a ledger of %zu lines, but ledger.txt has %zu: the "
                              "ledger was cut short, or the index comes from elsewhere",
                              m.lines, lg->n);
    } else if (strcmp(m.head, m.lines ? lg->lines[m.lines - 1].hash : STORE_ZERO_HASH) != 0) {
        *why = beian_asprintf("was made from a ledger whose line %zu hashes to %.16s…, but line "
                              "%zu of ledger.txt hashes to %.16s…: the ledger was rewritten, or "
                              "the index comes from elsewhere",
                              m.lines, m.head, m.lines,
                              m.lines ? lg->lines[m.lines - 1].hash : STORE_ZERO_HASH);
    } else {
        char *d = versions_differ(db, lg, m.lines, &rc);
        if (rc == BEIAN_OK && !d) {
            d = records_differ(db, lg, m.lines, &rc);
        }
        if (d) {
            *why = beian_asprintf("does not match the ledger%s: %s",
                                  m.lines < lg->n ? "'s first lines" : "", d);
            free(d);
        } else if (rc == BEIAN_OK) {
            *state = m.lines == lg->n ? BEIAN_INDEX_FRESH : BEIAN_INDEX_BEHIND;
            *made_from = m.lines;
        }
    }
    beian_sqldb_close(db);
    if (rc == BEIAN_EINTERNAL || (*state == BEIAN_INDEX_WRONG && !*why)) {
        return BEIAN_EINTERNAL;
    }
    return BEIAN_OK;
}

