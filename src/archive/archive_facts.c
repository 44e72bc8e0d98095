/*
 * archive_facts.c - what the regulation's rules and the register read from the archive: for
 * every record, each version's event with the dates the deadlines count from (changed_on,
 * closed_on, opened_on, the review's year and result), and the fields of its latest data that
 * the register prints and the checks before signing compare (name, unit, administrator,
 * account, QR payload, group number).
 *
 * Each bundle is read once and checked like any reader checks it; a bundle that is missing,
 * damaged or differs from the ledger is skipped with a warning, never trusted (verify says
 * why). The ledger gives the order and the states; the bundles give the rest.
 */
#include <stdlib.h>
#include <string.h>

#include "archive_content.h"
#include "archive_load.h"
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

/* The first of ids that the record has, copied (tabs and line feeds made spaces), or NULL. */
static char *first_of(const beian_record *rec, const char *const *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *v = beian_record_get(rec, ids[i]);
        if (v && v[0]) {
            char *s = beian_strdup(v);
            for (char *p = s; p && *p; p++) {
                if (*p == '\t' || *p == '\n' || *p == '\r') {
                    *p = ' ';
                }
            }
            return s;
        }
    }
    return NULL;
}

/* The latest data's fields (by the field ids of the form definitions, forms/<id>.json). */
static int take_fields(beian_record_facts *r, const beian_record *rec)
{
    static const char *const unit[] = {"host_unit", "applicant_unit", "department"};
    static const char *const admin[] = {"admin_name", "admin1_name"};
    static const char *const account[] = {"account"};
    static const char *const qr[] = {"group_qr"};
    static const char *const number[] = {"group_number"};
    free(r->unit);
    free(r->admin);
    free(r->account);
    free(r->qr);
    free(r->number);
    free(r->info.name);
    r->unit = first_of(rec, unit, 3);
    r->admin = first_of(rec, admin, 2);
    r->account = first_of(rec, account, 1);
    r->qr = first_of(rec, qr, 1);
    r->number = first_of(rec, number, 1);
    r->info.name = content_record_name(rec);
    return r->info.name ? BEIAN_OK : BEIAN_EINTERNAL;
}

static beian_record_facts *find_or_add(beian_record_facts **rows, size_t *n, const char *record)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*rows)[i].info.record_no, record) == 0) {
            return &(*rows)[i];
        }
    }
    beian_record_facts *grown = realloc(*rows, (*n + 1) * sizeof *grown);
    if (!grown) {
        return NULL;
    }
    *rows = grown;
    beian_record_facts *r = &grown[(*n)++];
    memset(r, 0, sizeof *r);
    memcpy(r->info.record_no, record, strlen(record) + 1);
    return r;
}

static int cmp_facts(const void *a, const void *b)
{
    return strcmp(((const beian_record_facts *)a)->info.record_no,
                  ((const beian_record_facts *)b)->info.record_no);
}

int beian_archive_facts(beian_archive *ar, beian_record_facts **out, size_t *n_out,
                        beian_problems *pr)
{
    ledger lg;
    beian_record_facts *rows = NULL;
    size_t n = 0;
    *out = NULL;
    *n_out = 0;
    int rc = ledger_load(ar, &lg, NULL);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (lg.damaged) {
        beian_problems_add(pr, BEIAN_SEV_WARNING, ar->dir, 0, 0, NULL, NULL,
                           "the ledger is damaged; what follows may be incomplete (run `beian "
                           "verify`)");
    }
    for (size_t i = 0; i < lg.n && rc == BEIAN_OK; i++) {
        const ledger_line *l = &lg.lines[i];
        beian_record_facts *r = find_or_add(&rows, &n, l->record);
        beian_event_facts *grown = r ? realloc(r->events, (r->n_events + 1) * sizeof *grown) : NULL;
        if (!grown) {
            rc = BEIAN_EINTERNAL;
            break;
        }
        r->events = grown;
        beian_event_facts *e = &grown[r->n_events++];
        memset(e, 0, sizeof *e);
        e->version = l->version;
        e->event = l->event;
        e->state = l->state;
        memcpy(e->date, l->date, BEIAN_DATE_SIZE);
        r->info.state = l->state;
        r->info.version = l->version;
        memcpy(r->info.date, l->date, BEIAN_DATE_SIZE);
        r->last_event = l->event;

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
        memcpy(e->changed_on, lb.event.changed_on, BEIAN_DATE_SIZE);
        memcpy(e->closed_on, lb.event.closed_on, BEIAN_DATE_SIZE);
        memcpy(e->opened_on, lb.event.opened_on, BEIAN_DATE_SIZE);
        r->info.unverified = lb.event.signed_unverified != NULL; /* issue 13 */
        e->review_year = lb.event.review_year;
        e->review_pass = lb.event.review_pass;
        if (!r->info.form_id) {
            r->info.form_id = beian_strdup(lb.meta.form);
        }
        /* the data changes only with a submission or a change: read it then */
        if (l->event == BEIAN_EVENT_SUBMITTED || l->event == BEIAN_EVENT_CHANGED || !r->unit) {
            beian_form *form = NULL;
            beian_record *rec = NULL;
            char *why = NULL;
            if (content_record(ar->ctx, lb.bundle, &form, &rec, &why) == BEIAN_OK) {
                rc = take_fields(r, rec);
            }
            free(why);
            beian_record_free(rec);
            beian_form_free(form);
        }
        load_bundle_release(&lb);
    }
    ledger_release(&lg);
    for (size_t i = 0; rc == BEIAN_OK && i < n; i++) {
        if ((!rows[i].info.form_id && !(rows[i].info.form_id = beian_strdup("?"))) ||
            (!rows[i].info.name && !(rows[i].info.name = beian_strdup("?")))) {
            rc = BEIAN_EINTERNAL;
        }
    }
    if (rc != BEIAN_OK) {
        beian_record_facts_free(rows, n);
        return rc;
    }
    if (n > 1) {
        qsort(rows, n, sizeof *rows, cmp_facts);
    }
    *out = rows;
    *n_out = n;
    return BEIAN_OK;
}
