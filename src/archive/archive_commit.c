/*
 * archive_commit.c - the commit protocol that makes a filing durable and never lost to a crash
 * or a second writer: beian_archive_commit, as a sequence of named steps (in the manner of
 * SQLite's pager, which splits its commit into phases). Each step is one function below; its
 * comment says what it leaves on disk when the process stops there.
 *
 *   commit_check    the event's own arguments, the record's canonical JSON and digest; the
 *                   fonts are parsed before any lock is taken
 *   commit_lock     flock(LOCK_EX) on DIR/lock, waiting up to wait_seconds (a second writer
 *                   then fails with BEIAN_EBUSY naming the holder), and the ledger read
 *   commit_number   a new record number, or the previous version read back and checked; the
 *                   workflow decides what this event makes of the record's state
 *   commit_event    data/event.json, starting from what the previous version carries
 *   commit_render   the payload: the printed form and provenance, or what is carried over
 *   commit_bag      the bag built in memory, read back and verified like any bundle
 *   commit_link     written to DIR/tmp/, fsync'ed, link()ed to its final name
 *   commit_ledger   one more line, if DIR/lock and the ledger's head are still the ones this
 *                   commit locked and read (a lock file deleted mid-commit): the commit point
 *   commit_index    index.db caught up (derived: a failure is only a warning)
 *
 * The step names the hook hears (docs/archive.md names each; BEIAN_CRASH_AT=STEP stops the
 * process there in tests), in order:
 *
 *   locked          the lock is held (commit_lock)
 *   built           the bundle built in memory and verified (commit_bag)
 *   temp-written    written to DIR/tmp/ and fsync'ed (commit_link)
 *   linked          link()ed to records/<YEAR>/<RECORD>/v<N>-<DATE>.zip: link never replaces
 *                   an existing name, unlike rename, so two writers cannot overwrite a bundle
 *   temp-removed    the directory fsync'ed, the temporary name removed
 *   ledger-written  the new ledger written beside the old one and fsync'ed (commit_ledger)
 *   ledger-renamed  renamed over ledger.txt, directory fsync'ed: the commit point
 *   indexed         index.db caught up (commit_index)
 *
 * A crash before "linked" leaves only a temporary file; after it and before
 * "ledger-renamed", a complete bundle that the ledger does not list yet. `beian fsck`
 * removes the first and completes the second after checking it (archive_fsck.c).
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive_bag.h"
#include "archive_check.h"
#include "archive_content.h"
#include "archive_event_doc.h"
#include "archive_index.h"
#include "archive_scans.h"
#include "archive_load.h"
#include "archive_lookup.h"
#include "archive_store.h"
#include "beian/render.h"
#include "file.h"
#include "ledger.h"
#include "sha256.h"
#include "util.h"

/* The most entries a payload holds: record, form, PDF, provenance, event, the signed copy
 * and this event's scan (each up to 9 files, one per page of a form: archive_scans.c). */
#define COMMIT_MAX_ENTRIES 32
/* The size of a scan's entry name: "data/review-YYYY.ext" or "data/signed.ext". */
#define COMMIT_SCAN_ENTRY_SIZE 32

void beian_commit_result_release(beian_commit_result *res)
{
    free(res->path);
    free(res->pdf);
    memset(res, 0, sizeof *res);
}

/* A payload under construction. */
typedef struct {
    beian_bundle_entry e[COMMIT_MAX_ENTRIES];
    unsigned char *owned[COMMIT_MAX_ENTRIES];
    size_t n;
} payload;

static int payload_add(payload *p, const char *name, const unsigned char *data, size_t len,
                       unsigned char *owned)
{
    if (p->n >= COMMIT_MAX_ENTRIES) {
        free(owned);
        return BEIAN_EINTERNAL;
    }
    p->e[p->n] = (beian_bundle_entry){(char *)name, (unsigned char *)data, len};
    p->owned[p->n] = owned;
    p->n++;
    return BEIAN_OK;
}

static void payload_release(payload *p)
{
    for (size_t i = 0; i < p->n; i++) {
        free(p->owned[i]);
    }
    p->n = 0;
}

/* Copies an entry of the previous bundle into the payload. */
static int payload_carry(payload *p, const beian_bundle *prev, const char *name)
{
    const beian_bundle_entry *e = beian_bundle_get(prev, name);
    return e ? payload_add(p, e->name, e->data, e->len, NULL) : BEIAN_EINTERNAL;
}

/* "附件4 网络工作群备案登记表：<name>", the bag's Internal-Sender-Description. */
static char *describe(const beian_form *form, const char *name)
{
    return beian_asprintf("%s %s：%s", form->attachment ? form->attachment : "",
                          form->title[1] ? form->title[1] : form->id, name ? name : "");
}

/*
 * A filing whose bundle this process linked but whose ledger step failed (an I/O error, not
 * a kill) must not leave the bundle behind: "nothing was filed" is then true at
 * once, not only after fsck. The ledger on disk decides: when it lists the bundle (the rename
 * happened, only its sync failed) the bundle stays; otherwise it is unlinked. Best effort:
 * whatever this cannot undo, verify reports and fsck repairs.
 */
static void undo_unledgered(beian_archive *ar, const char *rel)
{
    ledger disk;
    if (ledger_load(ar, &disk, NULL) != BEIAN_OK) {
        return;
    }
    int listed = ledger_find_path(&disk, rel) != NULL;
    ledger_release(&disk);
    char *final = listed ? NULL : store_path(ar, rel);
    char *dir = final ? beian_path_dirname(final) : NULL;
    if (final && unlink(final) == 0 && dir) {
        beian_file_sync_dir(dir);
        char *reldir = beian_path_dirname(rel);
        if (reldir) {
            store_remove_empty_dirs(ar, reldir); /* a failed filing leaves no folder */
        }
        free(reldir);
    }
    free(final);
    free(dir);
}

/* Reads the bundle back and checks it like verify would: a bug never reaches the disk. */
static int self_check(beian_archive *ar, const unsigned char *zip, size_t len, const char *rel)
{
    beian_findings *f = beian_findings_new();
    beian_bundle *b = NULL;
    bag_meta m;
    int rc = f ? beian_bundle_read(zip, len, rel, &b, f) : BEIAN_EINTERNAL;
    memset(&m, 0, sizeof m);
    if (rc == BEIAN_OK) {
        rc = bag_check(b, rel, &m, f);
    }
    if (rc == BEIAN_OK && beian_findings_count(f) == 0) {
        rc = content_check(ar->ctx, b, &m, rel, NULL, f);
    }
    if (rc != BEIAN_EINTERNAL && beian_findings_count(f) > 0) {
        const beian_finding *x = beian_findings_get(f, 0);
        rc = beian_ctx_fail(ar->ctx, BEIAN_EINTERNAL,
                            "the bundle built for %s does not verify (%s: %s); nothing was "
                            "filed",
                            rel, x->code, x->message);
    }
    bag_meta_release(&m);
    beian_bundle_free(b);
    beian_findings_free(f);
    return rc;
}

/* The next number: one past the highest the ledger lists (through the writer's index, which
 * is the ledger's). Only the ledger: a folder under records/ proves nothing (a failed
 * filing's, or one planted there), and a bundle linked by a commit that did not reach the
 * ledger is found by its name when the link fails (run fsck). */
static int next_record_no(beian_archive *ar, index_db *ix, const char *prefix, const char *year,
                          char out[STORE_RECORD_NO_SIZE])
{
    long max = 0;
    int rc = lookup_highest_number(ix, prefix, year, &max);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (max >= STORE_RECORD_SEQ_MAX) {
        return beian_ctx_fail(ar->ctx, BEIAN_EDATA, "no record numbers left for %s-%s", prefix,
                              year);
    }
    snprintf(out, STORE_RECORD_NO_SIZE, "%s-%s-%04ld", prefix, year, max + 1);
    return BEIAN_OK;
}

typedef struct {
    const ledger *lg;
    char *found;
} loose_walk;

static int loose_visit(void *user, const store_entry *e)
{
    loose_walk *w = user;
    if (e->level == STORE_AT_FILE && e->valid && !w->found && !ledger_find_path(w->lg, e->rel)) {
        w->found = beian_strdup(e->rel);
        return w->found ? BEIAN_OK : BEIAN_EINTERNAL;
    }
    return BEIAN_OK;
}

/* The first bundle of record that the ledger does not list (a crash between "linked" and
 * "ledger-renamed"), or NULL. Filing on top of it would make two bundles of one version. */
static char *unledgered_of(beian_archive *ar, const ledger *lg, const char *record)
{
    loose_walk w = {lg, NULL};
    if (store_walk(ar, record, loose_visit, &w) != BEIAN_OK) {
        free(w.found);
        return NULL;
    }
    return w.found;
}

/* ---- the commit's steps ---- */

/* Everything one commit works on, from its arguments to what it leaves on disk. */
typedef struct {
    beian_archive *ar;
    const char *record_no; /* NULL for a submission */
    const beian_event *ev;
    beian_record *rec; /* ev->record: the data of a submission or change, else NULL */
    beian_problems *pr;
    const char *scan_ext;
    char *canon; /* the record's canonical JSON */
    size_t canon_len;
    char record_sha[BEIAN_SHA256_HEX_SIZE];
    ledger lg;    /* the ledger's lines after the index's mark (usually none), its head */
    index_db ix;  /* the writer's index, caught up to lg */
    ledger mine;  /* the lines of this record's versions (a later event) */
    load_bundle prev; /* the previous version; prev.bundle NULL for a submission */
    char number[STORE_RECORD_NO_SIZE];
    beian_state from, to;
    int version;
    event_doc doc;
    char scan_entry[COMMIT_SCAN_ENTRY_SIZE];
    payload pl;
    unsigned char *pdf, *ejson, *prov;
    size_t pdf_len, ejson_len, prov_len;
    char *name, *desc; /* the record's name; the bag's description */
    char *rel;         /* the new bundle's path */
    unsigned char *zip;
    size_t zip_len;
    char sha256[BEIAN_SHA256_HEX_SIZE]; /* of the new bundle */
} commit;

static void commit_release(commit *c)
{
    ledger_release(&c->lg);
    ledger_release(&c->mine);
    index_close(&c->ix);
    load_bundle_release(&c->prev);
    payload_release(&c->pl);
    event_doc_release(&c->doc);
    free(c->rel);
    free(c->canon);
    free(c->name);
    free(c->desc);
    free(c->zip);
    free(c->pdf);
    free(c->ejson);
    free(c->prov);
}

/*
 * Step 1: the arguments alone, before anything is locked: the event's fields, the record
 * number's form, the fonts (parsed now, not under the lock), the record's canonical JSON and
 * its digest. Leaves nothing on disk.
 */
static int commit_check(commit *c)
{
    const beian_event *ev = c->ev;
    int rc = check_event(c->ar, ev, &c->scan_ext, c->pr);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if ((c->record_no == NULL) != (ev->kind == BEIAN_EVENT_SUBMITTED)) {
        return beian_ctx_fail(c->ar->ctx, BEIAN_EINTERNAL,
                              "a submission has no record number yet; "
                              "every later event has one");
    }
    if (c->record_no && !beian_record_no_valid(c->record_no)) {
        beian_problems_add(c->pr, BEIAN_SEV_ERROR, NULL, 0, 0, NULL, NULL,
                           "\"%s\" is not a record number such as XMT-2026-0007 or QUN-2026-0012 "
                           "(see: beian list)",
                           c->record_no);
        return BEIAN_EDATA;
    }
    if (!c->rec) {
        return BEIAN_OK;
    }
    beian_fonts *fonts = NULL;
    rc = beian_ctx_fonts(c->ar->ctx, &fonts); /* parse fonts before taking the lock */
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (!c->rec->date && !(c->rec->date = beian_strdup(ev->date))) {
        return BEIAN_EINTERNAL;
    }
    if (beian_record_canonical(c->rec, &c->canon, &c->canon_len) != BEIAN_OK ||
        beian_sha256_hex(c->canon, c->canon_len, c->record_sha) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    return BEIAN_OK;
}

/*
 * Step 2 ("locked"): the writers' lock, and the ledger as it is under it. Leaves the lock
 * file (with this process named in it); the lock itself goes with the process.
 */
static int commit_lock(commit *c)
{
    int rc = store_lock(c->ar);
    if (rc != BEIAN_OK) {
        return rc;
    }
    store_step(c->ar, "locked");
    size_t ahead = 0;
    rc = index_open_writer(c->ar, &c->lg, &c->ix, &ahead);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (c->lg.damaged) {
        beian_problems_add(c->pr, BEIAN_SEV_ERROR, c->ar->dir, 0, 0, NULL, NULL,
                           "the ledger is damaged (run `beian verify` for details); nothing is "
                           "filed until it is restored");
        return BEIAN_EDATA;
    }
    if (ahead) {
        beian_problems_add(c->pr, BEIAN_SEV_ERROR, c->ar->dir, 0, 0, NULL, NULL,
                           "the ledger has %zu lines but index.db was made from %zu: the ledger "
                           "was cut short; nothing is filed until ledger.txt is restored from a "
                           "copy (run `beian verify` for details)",
                           c->lg.base + c->lg.n, ahead);
        return BEIAN_EDATA;
    }
    return BEIAN_OK;
}

/* The previous version of a later event, read back and checked against the ledger. */
static int commit_previous(commit *c, const ledger_line *latest)
{
    beian_findings *f = beian_findings_new();
    int rc = f ? BEIAN_OK : BEIAN_EINTERNAL;
    const ledger_line *l = NULL;
    /* every version of the record, the latest kept: no event is filed on a record whose
     * bundles do not verify (one replaced by a link, or altered, among them) */
    for (size_t i = 0; i < c->mine.n && rc == BEIAN_OK; i++) {
        load_bundle other;
        l = &c->mine.lines[i];
        load_bundle *lb = l == latest ? &c->prev : &other;
        rc = load_bundle_read(c->ar, l->path, lb, f);
        if (rc == BEIAN_OK && strcmp(lb->sha256, l->sha256) != 0) {
            beian_findings_add(f, BEIAN_V_STORE_DIGEST, l->path, "differs from the ledger");
            rc = BEIAN_EDATA;
        }
        if (lb == &other) {
            load_bundle_release(&other);
        }
    }
    if (rc == BEIAN_EDATA || rc == BEIAN_ENOINPUT) {
        const beian_finding *x = beian_findings_get(f, 0);
        beian_problems_add(c->pr, BEIAN_SEV_ERROR, c->ar->dir, 0, 0, NULL, NULL,
                           "%s v%d (%s) is %s%s; run `beian verify %s` and restore it "
                           "before filing more",
                           c->record_no, l->version, l->path,
                           rc == BEIAN_ENOINPUT ? "missing" : "damaged: ",
                           x && rc != BEIAN_ENOINPUT ? x->code : "", c->record_no);
        rc = BEIAN_EDATA;
    }
    beian_findings_free(f);
    return rc;
}

/* The newest date of the ledger and the record's first year, for check_dates. */
static int commit_dates(commit *c)
{
    char newest[BEIAN_DATE_SIZE];
    int first_year = 0;
    int rc = lookup_newest_date(&c->ix, newest);
    if (rc != BEIAN_OK) {
        return rc;
    }
    for (size_t i = 0; i < c->mine.n && !first_year; i++) {
        if (c->mine.lines[i].version == 1) {
            first_year = (int)strtol(c->mine.lines[i].date, NULL, 10);
        }
    }
    return check_dates(c->ev, newest, first_year, c->pr);
}

/*
 * Step 3: the record's number and version. A submission takes the next free number; a later
 * event reads the record's latest bundle back (it must verify and match the ledger, and no
 * unledgered bundle may lie beside it). The workflow then says what the event makes of the
 * record, and the date may not go back. Leaves nothing on disk.
 */
static int commit_number(commit *c)
{
    const beian_event *ev = c->ev;
    int rc;
    if (ev->kind == BEIAN_EVENT_SUBMITTED) {
        char year[5];
        memcpy(year, ev->date, 4);
        year[4] = '\0';
        rc = next_record_no(c->ar, &c->ix, store_prefix(c->rec->form->id), year, c->number);
        if (rc != BEIAN_OK) {
            return rc;
        }
        /* the number is the index's answer: a bundle already under it means the index does
         * not know a record the archive has (or a crash left one), never a second v1 */
        char *left = unledgered_of(c->ar, &c->mine, c->number);
        if (left) {
            beian_problems_add(c->pr, BEIAN_SEV_ERROR, c->ar->dir, 0, 0, NULL, NULL,
                               "the next number, %s, is taken: %s is there but not in the "
                               "register; run `beian fsck` (an interrupted filing) or `beian "
                               "reindex` (a damaged index.db), then try again",
                               c->number, left);
            free(left);
            return BEIAN_EDATA;
        }
    } else {
        rc = lookup_versions(&c->ix, c->record_no, &c->mine);
        if (rc != BEIAN_OK) {
            return rc;
        }
        const ledger_line *latest = ledger_latest(&c->mine, c->record_no);
        if (!latest) {
            beian_problems_add(c->pr, BEIAN_SEV_ERROR, c->ar->dir, 0, 0, NULL, NULL,
                               "there is no record %s in this archive (see: beian list)",
                               c->record_no);
            return BEIAN_ENOINPUT;
        }
        memcpy(c->number, c->record_no, strlen(c->record_no) + 1);
        char *left = unledgered_of(c->ar, &c->mine, c->record_no);
        if (left) {
            beian_problems_add(c->pr, BEIAN_SEV_ERROR, c->ar->dir, 0, 0, NULL, NULL,
                               "an interrupted filing left %s, which the ledger does not list; "
                               "run `beian fsck` first, then try again",
                               left);
            free(left);
            return BEIAN_EDATA;
        }
        rc = commit_previous(c, latest);
        if (rc != BEIAN_OK) {
            return rc;
        }
        c->from = latest->state;
        c->version = latest->version + 1;
    }
    if (beian_archive_workflow_next(c->from, ev->kind, ev->review_pass, &c->to) != BEIAN_OK) {
        beian_problems_add(c->pr, BEIAN_SEV_ERROR, NULL, 0, 0, NULL, NULL,
                           "cannot %s %s: it is %s (%s since v%d, %s); what it allows now: %s",
                           check_verb(ev->kind), c->number, beian_archive_state_label(c->from),
                           beian_archive_state_name(c->from), c->version - 1, c->prev.event.date,
                           beian_archive_workflow_allowed(c->from));
        return BEIAN_EDATA;
    }
    rc = commit_dates(c);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (c->prev.bundle && strcmp(ev->date, c->prev.meta.date) < 0) {
        beian_problems_add(c->pr, BEIAN_SEV_ERROR, NULL, 0, 0, "date", "日期",
                           "%s is before %s, the date of %s v%d (%s); events are filed in order",
                           ev->date, c->prev.meta.date, c->number, c->version - 1,
                           beian_archive_event_name(c->prev.meta.event));
        return BEIAN_EDATA;
    }
    if (c->rec && c->prev.bundle && strcmp(c->record_sha, c->prev.meta.record_sha) == 0) {
        beian_problems_add(c->pr, BEIAN_SEV_WARNING, c->rec->path, 0, 0, NULL, NULL,
                           "the data is the same as in v%d; the form is printed again as v%d",
                           c->version - 1, c->version);
    }
    return BEIAN_OK;
}

/* What the event document carries over from the previous version, and the event's own
 * reason, dates and warnings. */
static int commit_event_carry(commit *c)
{
    const beian_event *ev = c->ev;
    event_doc *doc = &c->doc;
    const event_doc *prev = &c->prev.event;
    if (c->prev.bundle) {
        doc->form = beian_strdup(prev->form);
        doc->printed_version = prev->printed_version;
        memcpy(doc->printed_date, prev->printed_date, BEIAN_DATE_SIZE);
        doc->signed_copy = beian_strdup(prev->signed_copy);
        if (prev->n_reviews) {
            doc->reviews = calloc(prev->n_reviews + 1, sizeof *doc->reviews);
            if (!doc->reviews) {
                return BEIAN_EINTERNAL;
            }
            memcpy(doc->reviews, prev->reviews, prev->n_reviews * sizeof *doc->reviews);
            doc->n_reviews = prev->n_reviews;
        }
        if (!c->rec) {
            memcpy(c->record_sha, c->prev.meta.record_sha, BEIAN_SHA256_HEX_SIZE);
        }
        /* the rules' dates: the opening day is carried from version to version */
        memcpy(doc->opened_on, prev->opened_on, BEIAN_DATE_SIZE);
    }
    if (ev->reason && !(doc->reason = beian_strdup(ev->reason))) {
        return BEIAN_EINTERNAL;
    }
    if (ev->opened_on) {
        memcpy(doc->opened_on, ev->opened_on, BEIAN_DATE_SIZE);
    }
    if (ev->changed_on) {
        memcpy(doc->changed_on, ev->changed_on, BEIAN_DATE_SIZE);
    }
    if (ev->closed_on) {
        memcpy(doc->closed_on, ev->closed_on, BEIAN_DATE_SIZE);
    }
    if (ev->n_warnings) {
        doc->warnings = calloc(ev->n_warnings, sizeof *doc->warnings);
        if (!doc->warnings) {
            return BEIAN_EINTERNAL;
        }
        for (size_t i = 0; i < ev->n_warnings; i++) {
            if (!(doc->warnings[i] = beian_strdup(ev->warnings[i]))) {
                return BEIAN_EINTERNAL;
            }
            doc->n_warnings = i + 1;
        }
    }
    return BEIAN_OK;
}

/* A review: one more entry in the list of reviews, and its scan's entry name. */
static int commit_event_review(commit *c)
{
    const beian_event *ev = c->ev;
    event_doc *doc = &c->doc;
    for (size_t i = 0; i < doc->n_reviews; i++) {
        if (doc->reviews[i].year == ev->year && (doc->reviews[i].pass || c->from == BEIAN_STATE_REVIEW_FAILED)) { /* 第八条 */
            beian_problems_add(c->pr, BEIAN_SEV_ERROR, NULL, 0, 0, "year", "年审年度",
                               "%s was already reviewed for %d (v%d, %s; after a failed review it is changed first)", c->number, ev->year,
                               doc->reviews[i].version, doc->reviews[i].date);
            return BEIAN_EDATA;
        }
    }
    if (!doc->reviews) {
        doc->reviews = calloc(1, sizeof *doc->reviews);
        if (!doc->reviews) {
            return BEIAN_EINTERNAL;
        }
    }
    doc->reviews[doc->n_reviews++] = (event_doc_review){ev->year, ev->review_pass, "", c->version};
    memcpy(doc->reviews[doc->n_reviews - 1].date, ev->date, BEIAN_DATE_SIZE);
    doc->review_year = ev->year;
    doc->review_pass = ev->review_pass;
    if (ev->scan) {
        snprintf(c->scan_entry, sizeof c->scan_entry, "data/review-%d.%s", ev->year, c->scan_ext);
    }
    return BEIAN_OK;
}

/*
 * Step 4: data/event.json, starting from what the previous version carries, then what this
 * event changes: a new form printed (submission, change), the signed copy (approval), a
 * review. Leaves nothing on disk.
 */
static int commit_event(commit *c)
{
    const beian_event *ev = c->ev;
    event_doc *doc = &c->doc;
    memcpy(doc->record, c->number, strlen(c->number) + 1);
    memcpy(doc->date, ev->date, BEIAN_DATE_SIZE);
    doc->event = ev->kind;
    doc->version = c->version;
    doc->state = c->to;
    int rc = commit_event_carry(c);
    if (rc != BEIAN_OK) {
        return rc;
    }
    switch (ev->kind) {
    case BEIAN_EVENT_SUBMITTED:
    case BEIAN_EVENT_CHANGED:
        if (c->prev.bundle && strcmp(c->rec->form->id, c->prev.event.form) != 0) {
            beian_problems_add(c->pr, BEIAN_SEV_ERROR, c->rec->path, 0, 0, "form", "表格",
                               "%s was filed on form %s; a change uses the same form, not %s",
                               c->number, c->prev.event.form, c->rec->form->id);
            return BEIAN_EDATA;
        }
        free(doc->form);
        free(doc->signed_copy); /* the new form is not signed yet */
        doc->signed_copy = NULL;
        doc->form = beian_strdup(c->rec->form->id);
        doc->printed_version = c->version;
        memcpy(doc->printed_date, ev->date, BEIAN_DATE_SIZE);
        break;
    case BEIAN_EVENT_APPROVED:
        snprintf(c->scan_entry, sizeof c->scan_entry, "data/signed.%s", c->scan_ext);
        free(doc->signed_copy);
        doc->signed_copy = beian_strdup(c->scan_entry);
        break;
    case BEIAN_EVENT_REJECTED:
        free(doc->signed_copy);
        doc->signed_copy = NULL;
        break;
    case BEIAN_EVENT_REVIEWED:
        rc = commit_event_review(c);
        if (rc != BEIAN_OK) {
            return rc;
        }
        break;
    case BEIAN_EVENT_DISSOLVED:
        break;
    }
    if (!doc->form) {
        return BEIAN_EINTERNAL;
    }
    rc = check_scan_event(ev, c->number, &c->prev.event, c->record_sha, c->version - 1, doc, c->pr);
    if (rc != BEIAN_OK) {
        return rc;
    }
    return scans_event_doc(ev, c->scan_entry, &c->prev.event, doc, c->pr);
}

/* The payload of new data: the record, its form definition, the form printed with this
 * version's footer and tracking code, and the provenance of that print. */
static int commit_render_new(commit *c)
{
    beian_record *rec = c->rec;
    beian_layout_options opts = BEIAN_LAYOUT_OPTIONS_INIT;
    opts.record_no = c->number;
    opts.version = c->version;
    opts.date = c->ev->date;
    opts.tracking = 1;
    int rc = beian_render(c->ar->ctx, rec->form, rec, &opts, NULL, &c->pdf, &c->pdf_len, c->pr);
    if (rc != BEIAN_OK) {
        return rc;
    }
    rc = content_provenance_dump(c->ar->ctx, &c->prov, &c->prov_len);
    if (rc == BEIAN_OK) {
        rc = payload_add(&c->pl, DATA_RECORD, (unsigned char *)c->canon, c->canon_len, NULL);
    }
    if (rc == BEIAN_OK) {
        rc = payload_add(&c->pl, DATA_FORM, rec->form->source, rec->form->source_len, NULL);
    }
    if (rc == BEIAN_OK) {
        rc = payload_add(&c->pl, DATA_PDF, c->pdf, c->pdf_len, NULL);
    }
    if (rc == BEIAN_OK) {
        rc = payload_add(&c->pl, DATA_PROVENANCE, c->prov, c->prov_len, NULL);
    }
    c->name = content_record_name(rec);
    c->desc = describe(rec->form, c->name);
    return rc;
}

/* The payload of an event without new data: the previous version's documents carried over,
 * and the record's name rebuilt from them for the bag's description. */
static int commit_render_carried(commit *c)
{
    static const char *const carried[] = {DATA_RECORD, DATA_FORM, DATA_PDF, DATA_PROVENANCE};
    int rc = BEIAN_OK;
    for (size_t i = 0; i < sizeof carried / sizeof carried[0] && rc == BEIAN_OK; i++) {
        rc = payload_carry(&c->pl, c->prev.bundle, carried[i]);
    }
    if (rc == BEIAN_OK && c->doc.signed_copy && strcmp(c->doc.signed_copy, c->scan_entry) != 0) {
        rc = payload_carry(&c->pl, c->prev.bundle, c->doc.signed_copy);
        for (size_t i = 1; rc == BEIAN_OK && i < c->doc.n_signed_files; i++) {
            rc = payload_carry(&c->pl, c->prev.bundle, c->doc.signed_files[i].file);
        }
    }
    beian_form *form = NULL;
    beian_record *old = NULL;
    char *why = NULL;
    if (rc == BEIAN_OK &&
        content_record(c->ar->ctx, c->prev.bundle, &form, &old, &why) == BEIAN_OK) {
        c->name = content_record_name(old);
        c->desc = describe(form, c->name);
    }
    free(why);
    beian_record_free(old);
    beian_form_free(form);
    return rc;
}

/*
 * Step 5: the payload, the record's complete state at this version: new data rendered, or
 * the previous version's documents carried; this event's scan; data/event.json. Leaves
 * nothing on disk.
 */
static int commit_render(commit *c)
{
    int rc = c->rec ? commit_render_new(c) : commit_render_carried(c);
    if (rc == BEIAN_OK && c->ev->scan && c->scan_entry[0]) {
        rc = payload_add(&c->pl, c->doc.scan, c->ev->scan, c->ev->scan_len, NULL);
    }
    for (size_t i = 1; rc == BEIAN_OK && i < c->doc.n_scan_files; i++) {
        const beian_scan_part *p = &c->ev->scan_more[i - 1];
        rc = payload_add(&c->pl, c->doc.scan_files[i].file, p->data, p->len, NULL);
    }
    if (rc == BEIAN_OK) {
        rc = event_doc_dump(&c->doc, &c->ejson, &c->ejson_len);
    }
    if (rc == BEIAN_OK) {
        rc = payload_add(&c->pl, DATA_EVENT, c->ejson, c->ejson_len, NULL);
    }
    return rc;
}

/*
 * Step 6 ("built"): the bag around the payload, zipped in memory, read back and checked like
 * verify would (a bug never reaches the disk). Leaves nothing on disk.
 */
static int commit_bag(commit *c)
{
    bag_meta meta;
    memset(&meta, 0, sizeof meta);
    meta.record = c->number;
    meta.version = c->version;
    meta.event = c->ev->kind;
    meta.state = c->to;
    meta.date = (char *)c->ev->date;
    meta.form = c->doc.form;
    meta.record_sha = c->record_sha;
    meta.prev_sha = c->prev.bundle ? c->prev.sha256 : NULL;
    meta.description = c->desc;
    c->rel = store_bundle_rel(c->number, c->version, c->ev->date);
    if (!c->rel) {
        return BEIAN_EINTERNAL;
    }
    int rc = bag_build(c->ar->ctx, &meta, c->pl.e, c->pl.n, &c->zip, &c->zip_len);
    if (rc == BEIAN_OK) {
        rc = self_check(c->ar, c->zip, c->zip_len, c->rel);
    }
    if (rc == BEIAN_OK) {
        rc = beian_sha256_hex(c->zip, c->zip_len, c->sha256);
    }
    if (rc == BEIAN_OK) {
        store_step(c->ar, "built");
    }
    return rc;
}

/*
 * Step 7 ("temp-written", "linked", "temp-removed"): the bundle written to tmp/ and fsync'ed,
 * then link()ed to its final name and its folder fsync'ed. Stopped before "linked" it leaves a
 * temporary file in tmp/ (fsck removes it); after, a complete bundle the ledger does not list
 * (fsck checks it and completes the commit). A name that exists already is an earlier
 * interrupted filing's: fsck decides about it.
 */
static int commit_link(commit *c)
{
    return store_link_bundle(c->ar, c->rel, c->zip, c->zip_len, c->pr);
}

/*
 * Step 8 ("ledger-written", "ledger-renamed"): one more line in the ledger, written beside it,
 * fsync'ed and renamed over it: the commit point. Stopped before the rename it leaves a
 * temporary ledger (fsck removes it) and the unledgered bundle of step 7; after it the filing
 * stands. A failure that is not a kill unlinks the bundle again unless the ledger lists it.
 * First, under the lock: the lock file still the one locked, the ledger still the one read. */
static int commit_ledger(commit *c)
{
    const beian_event *ev = c->ev;
    ledger_line line;
    int unsynced = 0;
    memset(&line, 0, sizeof line);
    memcpy(line.sha256, c->sha256, BEIAN_SHA256_HEX_SIZE);
    memcpy(line.date, ev->date, BEIAN_DATE_SIZE);
    memcpy(line.record, c->number, strlen(c->number) + 1);
    line.version = c->version;
    line.event = ev->kind;
    line.state = c->to;
    line.path = c->rel;
    int rc = store_lock_check(c->ar);
    if (rc == BEIAN_OK) {
        rc = ledger_unchanged(c->ar, &c->lg);
    }
    if (rc == BEIAN_OK) {
        rc = ledger_append(c->ar, &c->lg, &line, &unsynced);
    }
    if (rc != BEIAN_OK) {
        undo_unledgered(c->ar, c->rel);
        return rc;
    }
    /* committed: what follows only derives */
    if (unsynced) {
        /* the new ledger is in place; only its folder's sync failed. Saying "nothing was
         * filed" now would be false (the next filing sees it), and a retry would file it
         * twice. The bundle's own folder was synced: after a power failure that lost the
         * ledger's rename, fsck completes the filing from it. */
        beian_problems_add(c->pr, BEIAN_SEV_WARNING, c->ar->dir, 0, 0, NULL, NULL,
                           "%s v%d is filed, but the disk reported an error while storing the "
                           "ledger (%s): check the disk, and if the computer loses power before "
                           "it is fixed, run `beian fsck`, which completes the filing from its "
                           "bundle",
                           c->number, c->version, beian_ctx_message(c->ar->ctx));
    }
    return BEIAN_OK;
}

/*
 * Step 9 ("indexed"): the result handed to the caller, and index.db caught up with the new
 * ledger line. The index is derived from the ledger: a failure leaves it behind, which the
 * next reader or filing catches up, and verify accepts. The filing itself stands.
 */
static void commit_index(commit *c, beian_commit_result *res)
{
    memcpy(res->record_no, c->number, strlen(c->number) + 1);
    res->version = c->version;
    res->state = c->to;
    memcpy(res->sha256, c->sha256, BEIAN_SHA256_HEX_SIZE);
    res->path = c->rel;
    c->rel = NULL;
    if (c->pdf) {
        res->pdf = c->pdf;
        res->pdf_len = c->pdf_len;
        c->pdf = NULL;
    }
    beian_ctx_fail(c->ar->ctx, BEIAN_OK, "%s", ""); /* a failure below without a message: memory */
    if (index_writer_done(c->ar, &c->ix, &c->lg) != BEIAN_OK) {
        const char *why = beian_ctx_message(c->ar->ctx);
        beian_problems_add(c->pr, BEIAN_SEV_WARNING, c->ar->dir, 0, 0, NULL, NULL,
                           "%s v%d is filed, but index.db (the register's index) could not be "
                           "updated (%s); nothing is lost: the next reader or filing catches it "
                           "up from the ledger, and `beian reindex` rebuilds it",
                           c->number, c->version, why[0] ? why : "out of memory");
    }
    store_step(c->ar, "indexed");
}

int beian_archive_commit(beian_archive *ar, const char *record_no, const beian_event *ev,
                         beian_commit_result *res, beian_problems *pr)
{
    commit c;
    memset(&c, 0, sizeof c);
    memset(res, 0, sizeof *res);
    c.ar = ar;
    c.record_no = record_no;
    c.ev = ev;
    c.rec = ev->record;
    c.pr = pr;
    c.from = BEIAN_STATE_NONE;
    c.to = BEIAN_STATE_NONE;
    c.version = 1;
    int rc = commit_check(&c);
    if (rc != BEIAN_OK) {
        commit_release(&c);
        return rc; /* the lock was never taken */
    }
    rc = commit_lock(&c);
    if (rc == BEIAN_OK) {
        rc = commit_number(&c);
    }
    if (rc == BEIAN_OK) {
        rc = commit_event(&c);
    }
    if (rc == BEIAN_OK) {
        rc = commit_render(&c);
    }
    if (rc == BEIAN_OK) {
        rc = commit_bag(&c);
    }
    if (rc == BEIAN_OK) {
        rc = commit_link(&c);
    }
    if (rc == BEIAN_OK) {
        rc = commit_ledger(&c);
    }
    if (rc == BEIAN_OK) {
        commit_index(&c, res);
    }
    store_unlock(ar);
    commit_release(&c);
    return rc;
}
