/*
 * archive_search.c - finding records by any value of any version (beian_archive_search): the
 * auditor's "which groups did 王某 administer, and when?".
 *
 * The index keeps every field of every version that carries data (archive_index.c), with a
 * normalised copy (index_norm) under an FTS5 trigram table. Three characters or more are
 * looked up there; one or two (a trigram table cannot hold them, and SQLite 3.40's LIKE on
 * it misses two-character Chinese patterns) by instr() over the normalised column of the
 * fields table itself. The matches of one record's field and value are then laid over the
 * record's data versions: each unbroken run is one hit, from the version that brought the
 * value to the change that replaced it (or to the latest version, when it still holds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_index.h"
#include "ledger.h"
#include "util.h"

void beian_search_hits_free(beian_search_hit *h, size_t n)
{
    for (size_t i = 0; h && i < n; i++) {
        free(h[i].form_id);
        free(h[i].name);
        free(h[i].field);
        free(h[i].label);
        free(h[i].value);
    }
    free(h);
}

/* A record's data versions, oldest first, and what the register says of it now. */
typedef struct {
    char record[BEIAN_RECORD_NO_SIZE];
    int *version;
    char (*date)[BEIAN_DATE_SIZE];
    beian_event_kind *event;
    size_t n;
    char *form, *name;
    int latest;
    beian_state state;
} data_versions;

static void data_versions_release(data_versions *d)
{
    free(d->version);
    free(d->date);
    free(d->event);
    free(d->form);
    free(d->name);
    memset(d, 0, sizeof *d);
}

static int data_versions_read(beian_sqldb *db, const char *record, data_versions *d)
{
    beian_sqldb_stmt *st = NULL;
    int r = 0;
    data_versions_release(d);
    snprintf(d->record, sizeof d->record, "%s", record);
    int rc = beian_sqldb_prepare(db,
                                 "SELECT version, date, event FROM versions WHERE record = ?1 "
                                 "AND has_data = 1 ORDER BY seq",
                                 &st);
    rc = rc ? rc : beian_sqldb_bind_text(st, 1, record);
    while (rc == BEIAN_OK && (r = beian_sqldb_step(st)) == 1) {
        size_t k = d->n + 1;
        int *v = realloc(d->version, k * sizeof *v);
        d->version = v ? v : d->version;
        char(*dt)[BEIAN_DATE_SIZE] = realloc(d->date, k * sizeof *dt);
        d->date = dt ? dt : d->date;
        beian_event_kind *ev = realloc(d->event, k * sizeof *ev);
        d->event = ev ? ev : d->event;
        if (!v || !dt || !ev) {
            rc = BEIAN_EINTERNAL;
            break;
        }
        v[d->n] = (int)beian_sqldb_int(st, 0);
        snprintf(dt[d->n], BEIAN_DATE_SIZE, "%s", beian_sqldb_text(st, 1));
        if (beian_archive_event_parse(beian_sqldb_text(st, 2), &ev[d->n]) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
        }
        d->n = k;
    }
    if (rc == BEIAN_OK && r < 0) {
        rc = -r;
    }
    beian_sqldb_finalize(st);
    st = NULL;
    rc = rc ? rc
            : beian_sqldb_prepare(db,
                                  "SELECT coalesce(form, '?'), coalesce(name, '?'), version, "
                                  "state FROM records WHERE record = ?1",
                                  &st);
    rc = rc ? rc : beian_sqldb_bind_text(st, 1, record);
    if (rc == BEIAN_OK && (r = beian_sqldb_step(st)) == 1) {
        d->form = beian_strdup(beian_sqldb_text(st, 0));
        d->name = beian_strdup(beian_sqldb_text(st, 1));
        d->latest = (int)beian_sqldb_int(st, 2);
        if (!d->form || !d->name ||
            beian_archive_state_parse(beian_sqldb_text(st, 3), &d->state) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
        }
    } else if (rc == BEIAN_OK) {
        rc = r < 0 ? -r : BEIAN_EINTERNAL;
    }
    beian_sqldb_finalize(st);
    return rc;
}

typedef struct {
    beian_search_hit *hits;
    size_t n, cap;
} hit_list;

/* The hits of one (record, field, value): the runs of in[] (1 for each data version that
 * holds the value) over the record's data versions. */
static int add_runs(hit_list *L, const data_versions *d, const char *field, const char *label,
                    const char *value, const unsigned char *in)
{
    for (size_t i = 0; i < d->n; i++) {
        if (!in[i] || (i > 0 && in[i - 1])) {
            continue;
        }
        size_t j = i;
        while (j < d->n && in[j]) {
            j++;
        }
        if (BEIAN_ARRAY_GROW(L->hits, L->cap, L->n + 1) != BEIAN_OK) {
            return BEIAN_EINTERNAL;
        }
        beian_search_hit *h = &L->hits[L->n++];
        memset(h, 0, sizeof *h);
        memcpy(h->record_no, d->record, sizeof h->record_no);
        h->form_id = beian_strdup(d->form);
        h->name = beian_strdup(d->name);
        h->field = beian_strdup(field);
        h->label = beian_strdup(label);
        h->value = beian_strdup(value);
        h->from_version = d->version[i];
        memcpy(h->from_date, d->date[i], BEIAN_DATE_SIZE);
        if (j < d->n) {
            h->until_version = d->version[j];
            memcpy(h->until_date, d->date[j], BEIAN_DATE_SIZE);
            h->until_event = d->event[j];
        }
        h->latest_version = d->latest;
        h->state = d->state;
        if (!h->form_id || !h->name || !h->field || !h->label || !h->value) {
            return BEIAN_EINTERNAL;
        }
    }
    return BEIAN_OK;
}

/* The FTS5 query of a phrase: the text in double quotes, its own quotes doubled. */
static char *phrase(const char *s)
{
    beian_buf b;
    beian_buf_init(&b);
    beian_buf_appendf(&b, "\"");
    for (const char *p = s; *p; p++) {
        beian_buf_appendf(&b, *p == '"' ? "\"\"" : "%c", *p);
    }
    beian_buf_appendf(&b, "\"");
    if (beian_buf_terminate(&b) != BEIAN_OK) {
        beian_buf_release(&b);
        return NULL;
    }
    return (char *)b.data;
}

static int find(beian_sqldb *db, const char *norm, hit_list *L)
{
    static const char cols[] = "SELECT f.record, f.field, coalesce(f.label, f.field), f.value, "
                               "f.version FROM fields f ";
    static const char order[] = " ORDER BY f.record, f.field, f.value, f.seq";
    int trigram = beian_utf8_count(norm) >= 3;
    char *sql = beian_asprintf("%s%s%s", cols,
                               trigram ? "WHERE f.id IN (SELECT rowid FROM fields_fts WHERE "
                                         "fields_fts MATCH ?1)"
                                       : "WHERE instr(f.norm, ?1) > 0",
                               order);
    char *q = trigram ? phrase(norm) : beian_strdup(norm);
    beian_sqldb_stmt *st = NULL;
    data_versions d;
    unsigned char *in = NULL;
    char *field = NULL, *label = NULL, *value = NULL;
    int r = 0;
    memset(&d, 0, sizeof d);
    int rc = sql && q ? beian_sqldb_prepare(db, sql, &st) : BEIAN_EINTERNAL;
    rc = rc ? rc : beian_sqldb_bind_text(st, 1, q);
    while (rc == BEIAN_OK && (r = beian_sqldb_step(st)) >= 0) {
        const char *rec = r ? beian_sqldb_text(st, 0) : "";
        int same = r && field && strcmp(rec, d.record) == 0 &&
                   strcmp(beian_sqldb_text(st, 1), field) == 0 &&
                   strcmp(beian_sqldb_text(st, 3), value) == 0;
        if (!same && field) {
            rc = add_runs(L, &d, field, label, value, in);
            free(field);
            free(label);
            free(value);
            field = label = value = NULL;
        }
        if (r == 0 || rc != BEIAN_OK) {
            break;
        }
        if (!same) {
            if (strcmp(rec, d.record) != 0) {
                rc = data_versions_read(db, rec, &d);
                free(in);
                in = rc == BEIAN_OK ? malloc(d.n + 1) : NULL;
                rc = in ? rc : BEIAN_EINTERNAL;
            }
            if (rc == BEIAN_OK) {
                memset(in, 0, d.n + 1);
                field = beian_strdup(beian_sqldb_text(st, 1));
                label = beian_strdup(beian_sqldb_text(st, 2));
                value = beian_strdup(beian_sqldb_text(st, 3));
                rc = field && label && value ? BEIAN_OK : BEIAN_EINTERNAL;
            }
        }
        int v = (int)beian_sqldb_int(st, 4);
        for (size_t i = 0; rc == BEIAN_OK && i < d.n; i++) {
            in[i] |= d.version[i] == v;
        }
    }
    if (rc == BEIAN_OK && r < 0) {
        rc = -r;
    }
    free(field);
    free(label);
    free(value);
    free(in);
    data_versions_release(&d);
    beian_sqldb_finalize(st);
    free(q);
    free(sql);
    return rc;
}

int beian_archive_search(beian_archive *ar, const char *text, beian_search_hit **hits, size_t *n,
                         beian_problems *pr)
{
    index_db ix;
    hit_list L;
    memset(&L, 0, sizeof L);
    *hits = NULL;
    *n = 0;
    char *norm = index_norm(text);
    if (!norm) {
        return BEIAN_EINTERNAL;
    }
    if (!norm[0]) {
        free(norm);
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, NULL, NULL,
                           "say what to search for: a name, a phone number, a group's name…");
        return BEIAN_EUSAGE;
    }
    int rc = index_open_register(ar, &ix, pr);
    if (rc == BEIAN_OK) {
        rc = find(ix.db, norm, &L);
    }
    index_close(&ix);
    free(norm);
    if (rc != BEIAN_OK) {
        beian_search_hits_free(L.hits, L.n);
        return rc;
    }
    *hits = L.hits;
    *n = L.n;
    return BEIAN_OK;
}
