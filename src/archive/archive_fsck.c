/*
 * archive_fsck.c - `beian fsck`: repairs what an interrupted commit leaves, and nothing else.
 *
 * A crash at any step of the commit (archive_commit.c) leaves one of:
 *   - a temporary file in tmp/ (before "linked", or after it and before "temp-removed"),
 *   - a temporary index beside the real one,
 *   - a complete bundle linked under records/ that the ledger does not list yet
 *     ("linked" .. before "ledger-written"), with (after a power failure in the append) a
 *     torn last line of the ledger, which is cut (or, when it is a whole line that lost only
 *     its line feed, completed),
 *   - an index older than the ledger ("ledger-written" .. "indexed"),
 *   - an empty record folder (a crash right after it was made).
 * fsck removes temporary files and empty record folders, completes the commit of an
 * unledgered bundle when it checks out entirely (every layer, next version of its record,
 * chained to the ledger's last version, allowed by the workflow), sets any other unledgered
 * file aside in quarantine/ (never deletes a bundle), and rebuilds the index. Tampering
 * (an altered, deleted or forged bundle, a rewritten ledger) is not repaired: verify reports
 * it, and a backup restores it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "archive_index.h"

#include "archive_load.h"
#include "archive_store.h"
#include "array.h"
#include "file.h"
#include "ledger.h"
#include "util.h"

static void note(beian_problems *pr, const char *dir, const char *fmt, const char *a, const char *b)
{
    beian_problems_add(pr, BEIAN_SEV_NOTE, dir, 0, 0, NULL, NULL, fmt, a, b);
}

/* Removes every file in tmp/ and every "*.tmp-*" file beside the ledger and index. */
static int remove_temps(beian_archive *ar, int dry, beian_problems *pr)
{
    const char *dirs[] = {STORE_TMP, ""};
    for (int k = 0; k < 2; k++) {
        size_t n = 0;
        char *path = dirs[k][0] ? store_path(ar, dirs[k]) : beian_strdup(ar->dir);
        char **names = path ? store_list_dir(path, &n) : NULL;
        for (size_t i = 0; i < n; i++) {
            if (!dirs[k][0] && !strstr(names[i], ".tmp-")) {
                continue;
            }
            char *f = beian_path_join(path, names[i]);
            if (f && (dry || unlink(f) == 0)) {
                note(pr, ar->dir,
                     dry ? "would remove %s%s (left by an interrupted commit)"
                         : "removed %s%s (left by an interrupted commit)",
                     dirs[k][0] ? "tmp/" : "", names[i]);
            }
            free(f);
        }
        store_names_free(names, n);
        free(path);
    }
    return BEIAN_OK;
}

/* Removes record folders left empty by a crash right after they were made. */
typedef struct {
    beian_archive *ar;
    int dry;
    beian_problems *pr;
} empty_walk;

static int empty_visit(void *user, const store_entry *e)
{
    empty_walk *w = user;
    if (e->level != STORE_AT_RECORD || !e->valid) {
        return BEIAN_OK;
    }
    size_t n = 0;
    char *path = store_path(w->ar, e->rel);
    char **names = path ? store_list_dir(path, &n) : NULL;
    int empty = names && n == 0;
    store_names_free(names, n);
    if (empty && (w->dry || rmdir(path) == 0)) {
        note(w->pr, w->ar->dir,
             w->dry ? "would remove the empty folder %s%s" : "removed the empty folder %s%s", "",
             e->rel);
    }
    free(path);
    return STORE_WALK_SKIP;
}

static void remove_empty_folders(beian_archive *ar, int dry, beian_problems *pr)
{
    empty_walk w = {ar, dry, pr};
    (void)store_walk(ar, NULL, empty_visit, &w); /* best effort, as the removal of temps */
}

/* The bundles under records/ that the ledger does not list. */
typedef struct {
    const ledger *lg;
    char **rels;
    size_t n, cap;
} loose_walk;

static int loose_visit(void *user, const store_entry *e)
{
    loose_walk *w = user;
    if (e->level != STORE_AT_FILE || !e->valid || ledger_find_path(w->lg, e->rel)) {
        return BEIAN_OK;
    }
    char *rel = beian_strdup(e->rel);
    if (!rel || BEIAN_ARRAY_GROW(w->rels, w->cap, w->n + 1) != BEIAN_OK) {
        free(rel);
        return BEIAN_EINTERNAL;
    }
    w->rels[w->n++] = rel;
    return BEIAN_OK;
}

/* The bundles under records/ that the ledger does not list, sorted by record and version. */
static int unledgered(beian_archive *ar, const ledger *lg, char ***out, size_t *n)
{
    loose_walk w = {lg, NULL, 0, 0};
    int rc = store_walk(ar, NULL, loose_visit, &w);
    *out = w.rels;
    *n = w.n;
    if (rc != BEIAN_OK) {
        return rc;
    }
    /* by record, then by version number (v10 after v9) */
    for (size_t i = 1; i < *n; i++) {
        for (size_t k = i; k > 0; k--) {
            char ra[STORE_RECORD_NO_SIZE], rb[STORE_RECORD_NO_SIZE];
            char da[BEIAN_DATE_SIZE], db[BEIAN_DATE_SIZE];
            int va = 0, vb = 0;
            store_parse_bundle_rel((*out)[k - 1], ra, &va, da);
            store_parse_bundle_rel((*out)[k], rb, &vb, db);
            int c = strcmp(ra, rb);
            if (c < 0 || (c == 0 && va <= vb)) {
                break;
            }
            char *t = (*out)[k];
            (*out)[k] = (*out)[k - 1];
            (*out)[k - 1] = t;
        }
    }
    return BEIAN_OK;
}

/* Why rel cannot simply join the ledger, or NULL when it can (then *line is filled). */
static char *why_not_next(beian_archive *ar, const ledger *lg, const char *rel, ledger_line *line)
{
    load_bundle lb;
    beian_findings *f = beian_findings_new();
    char *why = NULL;
    if (!f) {
        return beian_strdup("out of memory");
    }
    int rc = load_bundle_read(ar, rel, &lb, f);
    if (rc != BEIAN_OK) {
        const beian_finding *x = beian_findings_get(f, 0);
        why = beian_asprintf("it does not verify (%s: %s)", x ? x->code : "?",
                             x ? x->message : beian_ctx_message(ar->ctx));
        beian_findings_free(f);
        return why;
    }
    beian_findings_free(f);
    const ledger_line *latest = ledger_latest(lg, lb.meta.record);
    int want = latest ? latest->version + 1 : 1;
    beian_state from = latest ? latest->state : BEIAN_STATE_NONE, to;
    if (lb.meta.version != want) {
        why = beian_asprintf("it is v%d but the ledger's next version of %s is v%d",
                             lb.meta.version, lb.meta.record, want);
    } else if (latest && (!lb.meta.prev_sha || strcmp(lb.meta.prev_sha, latest->sha256) != 0)) {
        why = beian_asprintf("it does not chain to v%d in the ledger", latest->version);
    } else if (beian_archive_workflow_next(from, lb.meta.event, lb.event.review_pass, &to) !=
                   BEIAN_OK ||
               to != lb.meta.state) {
        why = beian_asprintf("the workflow does not allow %s after %s",
                             beian_archive_event_name(lb.meta.event),
                             beian_archive_state_name(from));
    } else if (latest && strcmp(lb.meta.date, latest->date) < 0) {
        why = beian_asprintf("it is dated before v%d", latest->version);
    } else {
        memset(line, 0, sizeof *line);
        memcpy(line->sha256, lb.sha256, BEIAN_SHA256_HEX_SIZE);
        memcpy(line->date, lb.meta.date, BEIAN_DATE_SIZE);
        memcpy(line->record, lb.meta.record, strlen(lb.meta.record) + 1);
        line->version = lb.meta.version;
        line->event = lb.meta.event;
        line->state = lb.meta.state;
    }
    load_bundle_release(&lb);
    return why;
}

/* Moves rel to quarantine/<rel with '/' as '_'>, never over an existing file. */
static int quarantine(beian_archive *ar, const char *rel)
{
    int rc = BEIAN_OK;
    char *qdir = store_path(ar, STORE_QUARANTINE);
    char *flat = beian_strdup(rel);
    for (char *p = flat; p && *p; p++) {
        *p = *p == '/' ? '_' : *p;
    }
    char *src = store_path(ar, rel);
    char *dst = qdir && flat ? beian_path_join(qdir, flat) : NULL;
    if (!qdir || !flat || !src || !dst) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    if (mkdir(qdir, 0755) != 0 && errno != EEXIST) {
        rc = beian_ctx_fail(ar->ctx, BEIAN_ECREATE, "%s: %s", qdir, strerror(errno));
        goto done;
    }
    if (link(src, dst) != 0 || unlink(src) != 0) {
        rc = beian_ctx_fail(ar->ctx, BEIAN_EIO, "cannot move %s to %s: %s", src, dst,
                            strerror(errno));
        goto done;
    }
    beian_file_sync_dir(qdir);
    char *sdir = beian_path_dirname(src);
    if (sdir) {
        beian_file_sync_dir(sdir);
    }
    free(sdir);
done:
    free(qdir);
    free(flat);
    free(src);
    free(dst);
    return rc;
}

int beian_archive_fsck(beian_archive *ar, int dry, beian_problems *pr)
{
    ledger lg;
    char **loose = NULL;
    size_t nloose = 0;
    int rc = store_lock(ar);
    memset(&lg, 0, sizeof lg);
    if (rc != BEIAN_OK) {
        return rc;
    }
    remove_temps(ar, dry, pr);
    size_t cut = 0;
    int completed = 0;
    rc = ledger_cut_torn(ar, dry, &cut, &completed);
    if (rc != BEIAN_OK) {
        goto done;
    }
    if (cut || completed) {
        char what[64];
        snprintf(what, sizeof what, "%zu bytes", cut);
        note(pr, ar->dir,
             completed ? (dry ? "would add the line feed the ledger's last line lost%s%s (a "
                                "filing interrupted by a power failure)"
                              : "added the line feed the ledger's last line lost%s%s (a "
                                "filing interrupted by a power failure)")
                       : (dry ? "would cut the torn last line of the ledger (%s%s), left by a "
                                "filing interrupted while it was written"
                              : "cut the torn last line of the ledger (%s%s), left by a "
                                "filing interrupted while it was written"),
             completed ? "" : what, "");
    }
    beian_findings *lf = beian_findings_new();
    rc = lf ? ledger_load(ar, &lg, lf) : BEIAN_EINTERNAL;
    if (rc != BEIAN_OK) {
        beian_findings_free(lf);
        goto done;
    }
    /* a dry run sees the torn line it would repair: that alone is no damage */
    int torn_only = dry && lg.torn && beian_findings_count(lf) == 1;
    beian_findings_free(lf);
    if (lg.damaged && !torn_only) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                           "the ledger is damaged: fsck does not rewrite history; restore "
                           "ledger.txt from a backup (run `beian verify` for details)");
        rc = BEIAN_EDATA;
        goto done;
    }
    size_t ahead = 0;
    if (index_ahead(ar, &lg, &ahead)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                           "the ledger has %zu lines but index.db was made from %zu: the ledger "
                           "was cut short or replaced by an older copy; fsck does not rewrite "
                           "history: restore ledger.txt from a copy",
                           lg.n, ahead);
        rc = BEIAN_EDATA;
        goto done;
    }
    rc = unledgered(ar, &lg, &loose, &nloose);
    if (rc == BEIAN_OK && nloose > 1) {
        /* a crash leaves at most one commit half done: one bundle the ledger lacks. More is
         * a ledger lost, cut short or replaced, and completing them would invent history. */
        beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                           "%zu bundles are not in the ledger (the first %s); a crash leaves at "
                           "most one, so the ledger was lost, cut short or replaced: fsck does "
                           "not rewrite history; restore ledger.txt from a copy",
                           nloose, loose[0]);
        rc = BEIAN_EDATA;
        goto done;
    }
    for (size_t i = 0; i < nloose && rc == BEIAN_OK; i++) {
        ledger_line line;
        char *why = why_not_next(ar, &lg, loose[i], &line);
        if (!why) {
            line.path = loose[i];
            if (!dry) {
                rc = ledger_append(ar, &lg, &line, NULL);
            }
            if (rc == BEIAN_OK) {
                char what[96];
                snprintf(what, sizeof what, "%s v%d %s", line.record, line.version,
                         beian_archive_event_name(line.event));
                note(pr, ar->dir,
                     dry ? "would complete the interrupted commit of %s (%s)"
                         : "completed the interrupted commit of %s (%s)",
                     loose[i], what);
            }
        } else {
            if (!dry) {
                rc = quarantine(ar, loose[i]);
            }
            if (rc == BEIAN_OK) {
                beian_problems_add(pr, BEIAN_SEV_WARNING, ar->dir, 0, 0, NULL, NULL,
                                   "%s %s to quarantine/: %s", dry ? "would move" : "moved",
                                   loose[i], why);
            }
        }
        free(why);
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    remove_empty_folders(ar, dry, pr);
    /* the index, derived: rebuilt unless it is the index of the whole ledger */
    beian_index_state st = BEIAN_INDEX_WRONG;
    size_t made_from = 0;
    char *why = NULL;
    rc = index_check(ar, &lg, &st, &made_from, &why);
    free(why);
    if (rc == BEIAN_OK && st != BEIAN_INDEX_FRESH) {
        if (!dry) {
            rc = index_rebuild(ar, &lg);
        }
        if (rc == BEIAN_OK) {
            note(pr, ar->dir, "%s%s", dry ? "would rebuild" : "rebuilt",
                 " index.db from the ledger and the bundles");
        }
    }
    /* index.tsv, the index of earlier versions of beian, is gone */
    char *old = store_path(ar, "index.tsv");
    if (rc == BEIAN_OK && old && access(old, F_OK) == 0) {
        if (!dry && unlink(old) != 0) {
            rc = beian_ctx_fail(ar->ctx, BEIAN_EIO, "%s: cannot remove: %s", old,
                                strerror(errno));
        } else {
            note(pr, ar->dir, "%s%s", dry ? "would remove" : "removed",
                 " index.tsv (index.db replaces it)");
        }
    }
    free(old);
done:
    for (size_t i = 0; i < nloose; i++) {
        free(loose[i]);
    }
    free(loose);
    ledger_release(&lg);
    store_unlock(ar);
    return rc;
}

int beian_archive_reindex(beian_archive *ar, size_t *lines, beian_problems *pr)
{
    ledger lg;
    size_t ahead = 0;
    *lines = 0;
    int rc = store_lock(ar);
    if (rc != BEIAN_OK) {
        return rc;
    }
    rc = ledger_load(ar, &lg, NULL);
    if (rc == BEIAN_OK && lg.damaged) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                           "the ledger is damaged (run `beian verify` for details); the index is "
                           "rebuilt once ledger.txt is restored from a copy");
        rc = BEIAN_EDATA;
    } else if (rc == BEIAN_OK && index_ahead(ar, &lg, &ahead)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                           "the ledger has %zu lines but index.db was made from %zu: the ledger "
                           "was cut short or replaced by an older copy; rebuilding the index "
                           "would hide that: restore ledger.txt from a copy (run `beian verify`)",
                           lg.n, ahead);
        rc = BEIAN_EDATA;
    } else if (rc == BEIAN_OK) {
        rc = index_rebuild(ar, &lg);
        *lines = lg.n;
    }
    ledger_release(&lg);
    store_unlock(ar);
    return rc;
}
