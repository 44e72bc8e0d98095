/*
 * archive_verify.c - `beian verify`: every layer of the archive, every finding with a stable
 * code (beian/verify.h).
 *
 * The order is bottom up: the ledger's own chain first (ledger.c), then every file under
 * records/ (container, bag and content through load_bundle_read, and the bundle's SHA-256
 * against the ledger), then each record as a whole (versions contiguous, the hash chain of
 * Previous-Bundle-SHA256, the workflow replayed, dates in order), then the store (every
 * ledger line on disk, every bundle in the ledger, no crash residue, the index consistent
 * with the ledger (fresh, or lagging behind after a failed update), the paper anchor). A flipped
 * byte anywhere in a bundle always changes its SHA-256, so at least STORE-LEDGER-DIGEST names it
 * even where the ZIP and the bag stay readable.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "archive_bag.h"
#include "archive_content.h"
#include "archive_index.h"
#include "archive_load.h"
#include "archive_store.h"
#include "array.h"
#include "ledger.h"
#include "util.h"

/* One bundle file found on disk, with what could be read of it. */
typedef struct {
    char *rel;
    char record[STORE_RECORD_NO_SIZE];
    int version;
    char date[BEIAN_DATE_SIZE];
    char sha256[BEIAN_SHA256_HEX_SIZE];
    int loaded; /* clean through every layer */
    bag_meta meta;
    int review_pass;
} disk_bundle;

typedef struct {
    beian_archive *ar;
    const char *only; /* record filter */
    beian_findings *f;
    disk_bundle *b;
    size_t n, cap;
    int rc;
} walk;

#define ADD(W, ...)                                                                                \
    do {                                                                                           \
        if ((W)->rc == BEIAN_OK && beian_findings_add((W)->f, __VA_ARGS__) != BEIAN_OK) {          \
            (W)->rc = BEIAN_EINTERNAL;                                                             \
        }                                                                                          \
    } while (0)

static void add_bundle(walk *W, const char *rel, const char *record, int version, const char *date)
{
    if (BEIAN_ARRAY_GROW(W->b, W->cap, W->n + 1) != BEIAN_OK) {
        W->rc = BEIAN_EINTERNAL;
        return;
    }
    disk_bundle *d = &W->b[W->n];
    memset(d, 0, sizeof *d);
    d->rel = beian_strdup(rel);
    if (!d->rel) {
        W->rc = BEIAN_EINTERNAL;
        return;
    }
    memcpy(d->record, record, strlen(record) + 1);
    d->version = version;
    memcpy(d->date, date, BEIAN_DATE_SIZE);
    W->n++;
}

static int stray_visit(void *user, const store_entry *e)
{
    walk *W = user;
    if (e->level == STORE_AT_YEAR && !e->valid) {
        if (!W->only) {
            ADD(W, BEIAN_V_STORE_STRAY, e->rel, "is not a year folder of records/");
        }
    } else if (e->level == STORE_AT_RECORD && !e->valid) {
        ADD(W, BEIAN_V_STORE_STRAY, e->rel, "is not a record folder (records/<YEAR>/<RECORD>/)");
    } else if (e->level == STORE_AT_RECORD) {
        size_t n = 0;
        char *path = store_path(W->ar, e->rel);
        char **names = path ? store_list_dir(path, &n) : NULL;
        if (names && n == 0) {
            ADD(W, BEIAN_V_STORE_STRAY, e->rel,
                "is an empty record folder (a failed filing's, or made by hand); `beian fsck` "
                "removes it");
        }
        store_names_free(names, n);
        free(path);
    } else if (e->level == STORE_AT_FILE && !e->valid) {
        ADD(W, BEIAN_V_STORE_STRAY, e->rel,
            "is not a bundle beian names (v<N>-<YYYYMMDD>.zip, a plain file)");
    } else if (e->level == STORE_AT_FILE) {
        add_bundle(W, e->rel, e->record, e->version, e->date);
    }
    return W->rc;
}

/* Finds every file under records/; names that are not bundles are STORE-STRAY. */
static void walk_records(walk *W)
{
    int rc = store_walk(W->ar, W->only, stray_visit, W);
    if (W->rc == BEIAN_OK) {
        W->rc = rc;
    }
}

/* Crash residue: anything in tmp/, and temporary files beside the ledger and index. */
static void find_temps(walk *W)
{
    size_t n = 0;
    char *tmp = store_path(W->ar, STORE_TMP);
    char **names = tmp ? store_list_dir(tmp, &n) : NULL;
    free(tmp);
    for (size_t i = 0; i < n; i++) {
        char *rel = beian_asprintf("%s/%s", STORE_TMP, names[i]);
        ADD(W, BEIAN_V_STORE_TEMP, rel ? rel : STORE_TMP,
            "a temporary file left by an interrupted commit; run `beian fsck`");
        free(rel);
    }
    store_names_free(names, n);
    names = store_list_dir(W->ar->dir, &n);
    for (size_t i = 0; i < n; i++) {
        if (strstr(names[i], ".tmp-")) {
            ADD(W, BEIAN_V_STORE_TEMP, names[i],
                "a temporary file left by an interrupted update; run `beian fsck`");
        }
    }
    store_names_free(names, n);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* bsearch's order of a record number (the key) among bundles sorted by cmp_bundles */
static int cmp_bundle_record(const void *key, const void *b)
{
    return strcmp(key, ((const disk_bundle *)b)->record);
}

static int cmp_bundles(const void *a, const void *b)
{
    const disk_bundle *x = a;
    const disk_bundle *y = b;
    int c = strcmp(x->record, y->record);
    return c ? c : (x->version > y->version) - (x->version < y->version);
}

/* The ledger lines of record rec: lg->by_record[*lo .. *hi) (by version, and among the lines
 * of one version the latest first), found in O(log n) so that checking every record stays
 * linear in the size of the archive. */
static void record_lines(const ledger *lg, const char *rec, size_t *lo, size_t *hi)
{
    size_t a = 0, b = lg->sorted_n == lg->n ? lg->n : 0;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (strcmp(lg->by_record[mid]->record, rec) < 0) {
            a = mid + 1;
        } else {
            b = mid;
        }
    }
    *lo = a;
    for (b = a; b < lg->sorted_n && strcmp(lg->by_record[b]->record, rec) == 0; b++) {
    }
    *hi = b;
}

/* The latest ledger line of version v among by_record[lo .. hi) (one record's), or NULL. */
static const ledger_line *version_line(const ledger *lg, size_t lo, size_t hi, int v)
{
    size_t a = lo, b = hi;
    while (a < b) {
        size_t mid = a + (b - a) / 2;
        if (lg->by_record[mid]->version < v) {
            a = mid + 1;
        } else {
            b = mid;
        }
    }
    return a < hi && lg->by_record[a]->version == v ? lg->by_record[a] : NULL;
}

/* The record layer: one record's versions, in order (b[0..n) sorted by version). */
static void check_record(walk *W, const ledger *lg, disk_bundle *b, size_t n)
{
    const char *rec = b[0].record;
    size_t lo, hi;
    record_lines(lg, rec, &lo, &hi);
    int max = 0;
    for (size_t i = 0; i < n; i++) {
        max = b[i].version > max ? b[i].version : max;
    }
    if (hi > lo && lg->by_record[hi - 1]->version > max) {
        max = lg->by_record[hi - 1]->version;
    }
    beian_state state = BEIAN_STATE_NONE;
    const disk_bundle *prev = NULL;
    int chain_known = 1;
    size_t at = 0; /* b[at] is the first bundle of version v or later */
    for (int v = 1; v <= max && W->rc == BEIAN_OK; v++) {
        const disk_bundle *cur = NULL;
        size_t count = 0;
        while (at < n && b[at].version < v) {
            at++;
        }
        for (size_t i = at; i < n && b[i].version == v; i++) {
            cur = cur ? cur : &b[i];
            count++;
        }
        const ledger_line *ll = version_line(lg, lo, hi, v);
        int in_ledger = ll != NULL;
        if (count > 1) {
            ADD(W, BEIAN_V_REC_GAP, cur->rel, "%zu bundles claim %s v%d", count, rec, v);
        }
        if (!cur && !in_ledger) {
            ADD(W, BEIAN_V_REC_GAP, rec, "v%d is missing (the record has versions up to v%d)", v,
                max);
            prev = NULL;
            chain_known = 0;
            continue;
        }
        if (!cur || !cur->loaded) {
            /* missing (STORE-MISSING says so) or damaged (its own findings say so) */
            prev = cur;
            chain_known = 0;
            continue;
        }
        const bag_meta *m = &cur->meta;
        if (v > 1) {
            const char *want = prev ? prev->sha256 : NULL;
            if (!want) {
                const ledger_line *pl = version_line(lg, lo, hi, v - 1);
                want = pl ? pl->sha256 : NULL;
            }
            if (want && (!m->prev_sha || strcmp(m->prev_sha, want) != 0)) {
                ADD(W, BEIAN_V_REC_CHAIN, cur->rel,
                    "Previous-Bundle-SHA256 is %.12s…, but v%d's bundle is %.12s…: v%d was "
                    "replaced after this version was filed",
                    m->prev_sha ? m->prev_sha : "(none)", v - 1, want, v - 1);
            }
        }
        if (chain_known || v == 1) {
            beian_state next;
            if (beian_archive_workflow_next(state, m->event, cur->review_pass, &next) != BEIAN_OK) {
                ADD(W, BEIAN_V_REC_WORKFLOW, cur->rel,
                    "v%d files \"%s\" after the record was %s: the workflow does not allow it", v,
                    beian_archive_event_name(m->event), beian_archive_state_name(state));
            } else if (next != m->state) {
                ADD(W, BEIAN_V_REC_WORKFLOW, cur->rel,
                    "v%d says the record is now %s, but %s after %s leads to %s", v,
                    beian_archive_state_name(m->state), beian_archive_event_name(m->event),
                    beian_archive_state_name(state), beian_archive_state_name(next));
            }
        }
        if (prev && prev->loaded && strcmp(m->date, prev->meta.date) < 0) {
            ADD(W, BEIAN_V_REC_DATE, cur->rel, "v%d is dated %s, before v%d (%s)", v, m->date,
                v - 1, prev->meta.date);
        }
        if (ll &&
            (strcmp(ll->date, m->date) != 0 || ll->event != m->event || ll->state != m->state)) {
            ADD(W, BEIAN_V_STORE_LEDGER, STORE_LEDGER,
                "line %zu says %s v%d %s %s on %s, but the bundle says %s %s on %s", ll->seq, rec,
                v, beian_archive_event_name(ll->event), beian_archive_state_name(ll->state),
                ll->date, beian_archive_event_name(m->event), beian_archive_state_name(m->state),
                m->date);
        }
        state = m->state;
        prev = cur;
        chain_known = 1;
    }
}

/* Every ledger line has its file on disk (looked up among the files by name, in O(log n)). */
static void check_on_disk(walk *W, const ledger *lg)
{
    const char **rels = malloc((W->n ? W->n : 1) * sizeof *rels);
    if (!rels) {
        W->rc = BEIAN_EINTERNAL;
        return;
    }
    for (size_t i = 0; i < W->n; i++) {
        rels[i] = W->b[i].rel;
    }
    qsort(rels, W->n, sizeof *rels, cmp_str);
    for (size_t i = 0; i < lg->n && W->rc == BEIAN_OK; i++) {
        const ledger_line *l = &lg->lines[i];
        if (W->only && strcmp(l->record, W->only) != 0) {
            continue;
        }
        if (!bsearch(&l->path, rels, W->n, sizeof *rels, cmp_str)) {
            ADD(W, BEIAN_V_STORE_MISSING, l->path,
                "the ledger lists this bundle (line %zu: %s v%d %s) but it is not on disk "
                "(deleted or moved)",
                l->seq, l->record, l->version, beian_archive_event_name(l->event));
        }
    }
    free(rels);
}

/* The index: a cache of the ledger. Missing, or exactly the index of a prefix of the ledger
 * (an update that failed after a filing), is a lag the summary reports; anything that
 * contradicts the ledger is STORE-INDEX. */
static void check_index(walk *W, const ledger *lg, beian_verify_summary *summary)
{
    char *why = NULL;
    size_t ahead = 0;
    if (index_ahead(W->ar, lg, &ahead)) {
        /* the index follows the ledger, never precedes it: the ledger lost lines */
        ADD(W, BEIAN_V_STORE_LEDGER, STORE_LEDGER,
            "has %zu line%s, but index.db was made from a ledger of %zu: the ledger was cut "
            "short or replaced by an older copy; this is damage, not a stale cache (fsck does "
            "not repair it): restore ledger.txt from a copy",
            lg->n, lg->n == 1 ? "" : "s", ahead);
        summary->index = BEIAN_INDEX_WRONG;
        return;
    }
    int rc = index_check(W->ar, lg, &summary->index, &summary->index_lines, &why);
    if (rc != BEIAN_OK) {
        W->rc = rc;
    } else if (summary->index == BEIAN_INDEX_WRONG) {
        ADD(W, BEIAN_V_STORE_INDEX, INDEX_FILE, "%s; run `beian fsck` to rebuild it", why);
    }
    free(why);
}

static void check_anchor(walk *W, const ledger *lg, const char *anchor)
{
    size_t n = 0;
    char hash[BEIAN_SHA256_HEX_SIZE];
    if (ledger_parse_anchor(anchor, &n, hash) != BEIAN_OK) {
        W->rc = BEIAN_EUSAGE;
        return;
    }
    if (n > lg->n) {
        ADD(W, BEIAN_V_STORE_ANCHOR, STORE_LEDGER,
            "the anchor was taken at line %zu but the ledger has %zu lines: it was cut short", n,
            lg->n);
    } else if (strcmp(lg->lines[n - 1].hash, hash) != 0) {
        ADD(W, BEIAN_V_STORE_ANCHOR, STORE_LEDGER,
            "line %zu hashes to %.16s…, not %.16s… as on the anchor slip: the ledger up to "
            "there was rewritten",
            n, lg->lines[n - 1].hash, hash);
    }
}

int beian_archive_verify(beian_archive *ar, const beian_verify_options *opts,
                         beian_findings *findings, beian_verify_summary *summary)
{
    ledger lg;
    walk W = {ar, opts ? opts->record_no : NULL, findings, NULL, 0, 0, BEIAN_OK};
    memset(summary, 0, sizeof *summary);
    if (opts && opts->anchor) {
        size_t n;
        char h[BEIAN_SHA256_HEX_SIZE];
        if (ledger_parse_anchor(opts->anchor, &n, h) != BEIAN_OK) {
            return beian_ctx_fail(ar->ctx, BEIAN_EUSAGE,
                                  "--anchor takes LINES:HASH as printed on the anchor slip, "
                                  "not \"%s\"",
                                  opts->anchor);
        }
    }
    size_t before = beian_findings_count(findings);
    int locked_here = ar->lock_fd < 0;
    int rc = locked_here ? store_lock_shared(ar) : BEIAN_OK;
    if (rc != BEIAN_OK) {
        return rc;
    }
    rc = ledger_load(ar, &lg, findings);
    if (rc != BEIAN_OK) {
        if (locked_here) {
            store_unlock(ar);
        }
        return rc;
    }
    if (lg.sorted_n != lg.n) {
        W.rc = BEIAN_EINTERNAL; /* ledger_load sorts what it loads; the record layer needs it */
        goto done;
    }
    walk_records(&W);
    if (W.only && W.n == 0 && !ledger_latest(&lg, W.only)) {
        beian_ctx_fail(ar->ctx, BEIAN_ENOINPUT,
                       "there is no record %s in the archive %s (see: beian list)", W.only,
                       ar->dir);
        W.rc = BEIAN_ENOINPUT;
        goto done;
    }
    if (!W.only) {
        find_temps(&W);
    }
    /* every file: all layers, and its digest against the ledger */
    for (size_t i = 0; i < W.n && W.rc == BEIAN_OK; i++) {
        disk_bundle *d = &W.b[i];
        load_bundle lb;
        int lrc = load_bundle_read(ar, d->rel, &lb, findings);
        if (lrc == BEIAN_OK) {
            d->loaded = 1;
            memcpy(d->sha256, lb.sha256, BEIAN_SHA256_HEX_SIZE);
            d->meta = lb.meta;
            memset(&lb.meta, 0, sizeof lb.meta);
            d->review_pass = lb.event.review_pass;
            load_bundle_release(&lb);
        } else if (lrc == BEIAN_EINTERNAL) {
            W.rc = lrc;
            break;
        } else {
            if (lrc != BEIAN_EDATA) {
                ADD(&W, BEIAN_V_ZIP_UNREADABLE, d->rel, "cannot be read: %s",
                    lrc == BEIAN_ENOINPUT ? "it vanished or may not be read"
                                          : beian_ctx_message(ar->ctx));
            }
            char *p = store_path(ar, d->rel);
            if (!p || store_sha256_file(p, d->sha256, NULL) != BEIAN_OK) {
                d->sha256[0] = '\0';
            }
            free(p);
        }
        if (opts && opts->progress) {
            opts->progress(opts->progress_user, i + 1, W.n);
        }
        const ledger_line *l = ledger_find_path(&lg, d->rel);
        if (!l) {
            ADD(&W, BEIAN_V_STORE_UNLEDGERED, d->rel,
                "the ledger does not list this bundle (an interrupted commit: run `beian fsck`; "
                "or a planted file)");
        } else if (d->sha256[0] && strcmp(l->sha256, d->sha256) != 0) {
            ADD(&W, BEIAN_V_STORE_DIGEST, d->rel,
                "its SHA-256 is %.16s…, but the ledger recorded %.16s… when it was filed (line "
                "%zu): the bundle was altered or replaced",
                d->sha256, l->sha256, l->seq);
        }
    }
    check_on_disk(&W, &lg);
    /* the record layer */
    qsort(W.b, W.n, sizeof *W.b, cmp_bundles);
    size_t records = 0;
    for (size_t i = 0; i < W.n && W.rc == BEIAN_OK;) {
        size_t k = i;
        while (k < W.n && strcmp(W.b[k].record, W.b[i].record) == 0) {
            k++;
        }
        check_record(&W, &lg, &W.b[i], k - i);
        records++;
        i = k;
    }
    /* records whose every bundle is gone (W.b is sorted by record now) */
    for (size_t i = 0; i < lg.n; i++) {
        const ledger_line *l = &lg.lines[i];
        int seen = (W.only && strcmp(l->record, W.only) != 0) || ledger_latest(&lg, l->record) != l;
        if (!seen) {
            seen = bsearch(l->record, W.b, W.n, sizeof *W.b, cmp_bundle_record) != NULL;
        }
        records += !seen;
    }
    if (!W.only && !lg.damaged && W.rc == BEIAN_OK) {
        check_index(&W, &lg, summary);
    }
    if (opts && opts->anchor && W.rc == BEIAN_OK) {
        check_anchor(&W, &lg, opts->anchor);
    }
    summary->records = records;
    summary->bundles = W.n;
    summary->ledger_lines = lg.n;
    memcpy(summary->head, lg.head, BEIAN_SHA256_HEX_SIZE);
done:
    for (size_t i = 0; i < W.n; i++) {
        free(W.b[i].rel);
        bag_meta_release(&W.b[i].meta);
    }
    free(W.b);
    ledger_release(&lg);
    if (locked_here) {
        store_unlock(ar);
    }
    if (W.rc != BEIAN_OK) {
        return W.rc;
    }
    return beian_findings_count(findings) > before ? BEIAN_EDATA : BEIAN_OK;
}

int beian_archive_verify_bundle_file(beian_ctx *ctx, const char *path, beian_findings *f)
{
    beian_buf b;
    int err = 0;
    beian_bundle *bundle = NULL;
    bag_meta m;
    size_t before = beian_findings_count(f);
    memset(&m, 0, sizeof m);
    int rc = beian_file_read(path, BEIAN_BUNDLE_MAX_BYTES, &b, &err);
    if (rc == BEIAN_EDATA) {
        return beian_findings_add(f, BEIAN_V_ZIP_SIZE, path, "the file is larger than %u MiB",
                                  BEIAN_BUNDLE_MAX_BYTES >> 20) == BEIAN_OK
                   ? BEIAN_EDATA
                   : BEIAN_EINTERNAL;
    }
    if (rc != BEIAN_OK) {
        return beian_ctx_fail(ctx, rc, "%s: cannot read: %s", path, strerror(err));
    }
    rc = beian_bundle_read(b.data, b.len, path, &bundle, f);
    if (rc == BEIAN_OK) {
        rc = bag_check(bundle, path, &m, f);
    }
    if (rc == BEIAN_OK && m.record) {
        char rec[STORE_RECORD_NO_SIZE], date[BEIAN_DATE_SIZE];
        int version;
        const char *rel = strstr(path, STORE_RECORDS "/");
        if (rel && store_parse_bundle_rel(rel, rec, &version, date)) {
            rc = load_check_name(path, &m, path, f);
        }
        if (rc == BEIAN_OK) {
            rc = content_check(ctx, bundle, &m, path, NULL, f);
        }
    }
    bag_meta_release(&m);
    beian_bundle_free(bundle);
    beian_buf_release(&b);
    if (rc == BEIAN_EINTERNAL) {
        return rc;
    }
    return beian_findings_count(f) > before ? BEIAN_EDATA : BEIAN_OK;
}
