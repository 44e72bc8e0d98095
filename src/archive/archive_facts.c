/*
 * archive_facts.c - what the regulation's rules and the register read from the archive: for
 * every record, each version's event with the dates the deadlines count from (changed_on,
 * closed_on, opened_on, the review's year and result), and the fields of its latest data that
 * the register prints and the checks before signing compare (name, unit, administrator,
 * account, QR payload, group number).
 *
 * All of it is read from the index (archive_index.c), which took it from the ledger (the
 * order and the states) and the bundles (the rest), each checked like any reader checks it:
 * a bundle that was missing, damaged or differed from the ledger is a warning, never
 * trusted (verify says why).
 */
#include <stdlib.h>
#include <string.h>

#include <stdio.h>

#include "archive_index.h"
#include "ledger.h"
#include "util.h"

void beian_record_facts_free(beian_record_facts *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) {
        beian_record_info_release(&r[i].info);
        free(r[i].unit);
        free(r[i].admin);
        free(r[i].account);
        free(r[i].qr);
        free(r[i].number);
        free(r[i].events);
    }
    free(r);
}

/* The text of column i, or NULL when it is NULL; *rc set on a failed copy. */
static char *col(beian_sqldb_stmt *st, int i, int *rc)
{
    if (beian_sqldb_is_null(st, i)) {
        return NULL;
    }
    char *s = beian_strdup(beian_sqldb_text(st, i));
    if (!s) {
        *rc = BEIAN_EINTERNAL;
    }
    return s;
}

/* The records that share one of the values the checks before signing compare (?1 to ?4:
 * the QR payload, the account, the group number, the name; each an indexed column). */
#define LIKE_WHERE " WHERE qr = ?1 OR account = ?2 OR number = ?3 OR name = ?4"

/* Binds the values of keys (NULL: all records, nothing bound). */
static int bind_keys(beian_sqldb_stmt *st, const char *const *keys)
{
    int rc = BEIAN_OK;
    for (int i = 0; keys && i < 4 && rc == BEIAN_OK; i++) {
        rc = beian_sqldb_bind_text(st, i + 1, keys[i]); /* NULL binds NULL: matches nothing */
    }
    return rc;
}

static int read_records(beian_sqldb *db, const char *const *keys, beian_record_facts **out,
                        size_t *n_out)
{
    beian_sqldb_stmt *st = NULL;
    beian_record_facts *rows = NULL;
    size_t n = 0, cap = 0;
    int r = 0;
#define RECORDS_SQL                                                                                \
    "SELECT record, coalesce(form, '?'), coalesce(name, '?'), state, version, date, last_event, " \
    "unit, admin, account, qr, number, unverified FROM records"
    int rc = beian_sqldb_prepare(db,
                                 keys ? RECORDS_SQL LIKE_WHERE " ORDER BY record"
                                      : RECORDS_SQL " ORDER BY record",
                                 &st);
    rc = rc ? rc : bind_keys(st, keys);
    while (rc == BEIAN_OK && (r = beian_sqldb_step(st)) == 1) {
        if (BEIAN_ARRAY_GROW(rows, cap, n + 1) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
            break;
        }
        beian_record_facts *x = &rows[n++];
        memset(x, 0, sizeof *x);
        snprintf(x->info.record_no, sizeof x->info.record_no, "%s", beian_sqldb_text(st, 0));
        x->info.form_id = col(st, 1, &rc);
        x->info.name = col(st, 2, &rc);
        if (beian_archive_state_parse(beian_sqldb_text(st, 3), &x->info.state) != BEIAN_OK ||
            beian_archive_event_parse(beian_sqldb_text(st, 6), &x->last_event) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
        }
        x->info.version = (int)beian_sqldb_int(st, 4);
        snprintf(x->info.date, sizeof x->info.date, "%s", beian_sqldb_text(st, 5));
        x->unit = col(st, 7, &rc);
        x->admin = col(st, 8, &rc);
        x->account = col(st, 9, &rc);
        x->qr = col(st, 10, &rc);
        x->number = col(st, 11, &rc);
        x->info.unverified = (int)beian_sqldb_int(st, 12); /* issue 13 */
    }
    if (rc == BEIAN_OK && r < 0) {
        rc = -r;
    }
    beian_sqldb_finalize(st);
    *out = rows;
    *n_out = n;
    return rc;
}

/* Each version's event facts, into its record's row (both in record order); a version whose
 * bundle could not be read when it was indexed is a warning. */
static int read_events(beian_archive *ar, beian_sqldb *db, const char *const *keys,
                       beian_record_facts *rows, size_t n, beian_problems *pr)
{
    beian_sqldb_stmt *st = NULL;
    size_t at = 0;
    int r = 0;
#define EVENTS_SQL                                                                                 \
    "SELECT record, version, event, state, date, changed_on, closed_on, opened_on, review_year, "   \
    "review_pass, bundle, path FROM versions"
    int rc = beian_sqldb_prepare(db,
                                 keys ? EVENTS_SQL " WHERE record IN (SELECT record FROM "
                                                   "records" LIKE_WHERE ") ORDER BY record, seq"
                                      : EVENTS_SQL " ORDER BY record, seq",
                                 &st);
    rc = rc ? rc : bind_keys(st, keys);
    while (rc == BEIAN_OK && (r = beian_sqldb_step(st)) == 1) {
        const char *rec = beian_sqldb_text(st, 0);
        while (at < n && strcmp(rows[at].info.record_no, rec) < 0) {
            at++;
        }
        if (at == n || strcmp(rows[at].info.record_no, rec) != 0) {
            continue;
        }
        beian_record_facts *x = &rows[at];
        beian_event_facts *grown = realloc(x->events, (x->n_events + 1) * sizeof *grown);
        if (!grown) {
            rc = BEIAN_EINTERNAL;
            break;
        }
        x->events = grown;
        beian_event_facts *e = &grown[x->n_events++];
        memset(e, 0, sizeof *e);
        e->version = (int)beian_sqldb_int(st, 1);
        if (beian_archive_event_parse(beian_sqldb_text(st, 2), &e->event) != BEIAN_OK ||
            beian_archive_state_parse(beian_sqldb_text(st, 3), &e->state) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
        }
        snprintf(e->date, sizeof e->date, "%s", beian_sqldb_text(st, 4));
        snprintf(e->changed_on, sizeof e->changed_on, "%s", beian_sqldb_text(st, 5));
        snprintf(e->closed_on, sizeof e->closed_on, "%s", beian_sqldb_text(st, 6));
        snprintf(e->opened_on, sizeof e->opened_on, "%s", beian_sqldb_text(st, 7));
        e->review_year = (int)beian_sqldb_int(st, 8);
        e->review_pass = (int)beian_sqldb_int(st, 9);
        const char *bundle = beian_sqldb_text(st, 10);
        if (strcmp(bundle, "ok") != 0) {
            beian_problems_add(pr, BEIAN_SEV_WARNING, ar->dir, 0, 0, NULL, NULL,
                               "%s v%d (%s) is %s and was left out (run `beian verify %s`)", rec,
                               e->version, beian_sqldb_text(st, 11), bundle, rec);
        }
    }
    if (rc == BEIAN_OK && r < 0) {
        rc = -r;
    }
    beian_sqldb_finalize(st);
    return rc;
}

static int facts(beian_archive *ar, const char *const *keys, beian_record_facts **out,
                 size_t *n_out, beian_problems *pr)
{
    index_db ix;
    beian_record_facts *rows = NULL;
    size_t n = 0;
    *out = NULL;
    *n_out = 0;
    int rc = index_open_register(ar, &ix, pr);
    if (rc == BEIAN_OK) {
        rc = read_records(ix.db, keys, &rows, &n);
    }
    if (rc == BEIAN_OK) {
        rc = read_events(ar, ix.db, keys, rows, n, pr);
    }
    index_close(&ix);
    if (rc != BEIAN_OK) {
        beian_record_facts_free(rows, n);
        return rc;
    }
    *out = rows;
    *n_out = n;
    return BEIAN_OK;
}

int beian_archive_facts(beian_archive *ar, beian_record_facts **out, size_t *n_out,
                        beian_problems *pr)
{
    return facts(ar, NULL, out, n_out, pr);
}

int beian_archive_facts_like(beian_archive *ar, const char *const keys[BEIAN_RULES_KEYS],
                             beian_record_facts **out, size_t *n_out, beian_problems *pr)
{
    return facts(ar, keys, out, n_out, pr);
}
