/*
 * archive.c - the archive store: where it is, its lock, the workflow, record numbers, and
 * the commit protocol that makes a filing durable and never lost to a crash or a second
 * writer.
 *
 * The commit of one bundle (docs/archive.md names each step; BEIAN_CRASH_AT=STEP stops the
 * process there in tests):
 *
 *   locked          flock(LOCK_EX) on DIR/lock, waiting up to wait_seconds (a second writer
 *                   then fails with BEIAN_EBUSY naming the holder written in the file)
 *   built           the bundle built in memory, read back and verified like any bundle
 *   temp-written    written to DIR/tmp/ and fsync'ed
 *   linked          link()ed to records/<YEAR>/<RECORD>/v<N>-<DATE>.zip: link never replaces
 *                   an existing name, unlike rename, so two writers cannot overwrite a bundle
 *   temp-removed    the directory fsync'ed, the temporary name removed
 *   ledger-written  the new ledger written beside the old one and fsync'ed
 *   ledger-renamed  renamed over ledger.txt, directory fsync'ed: the commit point
 *   indexed         index.tsv rewritten
 *
 * A crash before "linked" leaves only a temporary file; after it and before
 * "ledger-renamed", a complete bundle that the ledger does not list yet. `beian fsck`
 * removes the first and completes the second after checking it (archive_fsck.c).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "archive_private.h"
#include "beian/render.h"
#include "sha256.h"
#include "util.h"

/* ---- names ---- */

static const char *const event_names[] = {"submitted", "approved", "rejected",
                                          "changed",   "reviewed", "dissolved"};
static const char *const event_labels[] = {"提交", "批准备案", "退回", "变更", "年审", "注销"};
static const char *const state_names[] = {"none",     "submitted",     "approved", "changed",
                                          "rejected", "review-failed", "dissolved"};
static const char *const state_labels[] = {"未备案", "已提交，待审批", "已备案", "已变更，待审批",
                                           "已退回", "年审未通过",     "已注销"};

const char *beian_archive_event_name(beian_event_kind ev)
{
    return (unsigned)ev < 6 ? event_names[ev] : "?";
}

const char *beian_archive_event_label(beian_event_kind ev)
{
    return (unsigned)ev < 6 ? event_labels[ev] : "?";
}

int beian_archive_event_parse(const char *name, beian_event_kind *ev)
{
    for (int i = 0; name && i < 6; i++) {
        if (strcmp(name, event_names[i]) == 0) {
            *ev = (beian_event_kind)i;
            return BEIAN_OK;
        }
    }
    return BEIAN_EDATA;
}

const char *beian_archive_state_name(beian_state st)
{
    return (unsigned)st < 7 ? state_names[st] : "?";
}

const char *beian_archive_state_label(beian_state st)
{
    return (unsigned)st < 7 ? state_labels[st] : "?";
}

int beian_archive_state_parse(const char *name, beian_state *st)
{
    for (int i = 0; name && i < 7; i++) {
        if (strcmp(name, state_names[i]) == 0) {
            *st = (beian_state)i;
            return BEIAN_OK;
        }
    }
    return BEIAN_EDATA;
}

/* ---- the workflow ----
 *
 * From the regulation (seed, 附件1): a platform or group is filed and approved (art. 7),
 * changes of its administrator are filed again (art. 7, within 7 days), it is reviewed every
 * year and may not run on when it fails (art. 8), and its dissolution is filed (art. 13,
 * within 3 days). A returned (rejected) filing is corrected with a change and decided again.
 */
static const struct {
    beian_state from;
    beian_event_kind ev;
    beian_state to;
} transitions[] = {
    {BEIAN_STATE_NONE, BEIAN_EVENT_SUBMITTED, BEIAN_STATE_SUBMITTED},
    {BEIAN_STATE_SUBMITTED, BEIAN_EVENT_APPROVED, BEIAN_STATE_APPROVED},
    {BEIAN_STATE_SUBMITTED, BEIAN_EVENT_REJECTED, BEIAN_STATE_REJECTED},
    {BEIAN_STATE_SUBMITTED, BEIAN_EVENT_DISSOLVED, BEIAN_STATE_DISSOLVED},
    {BEIAN_STATE_CHANGED, BEIAN_EVENT_APPROVED, BEIAN_STATE_APPROVED},
    {BEIAN_STATE_CHANGED, BEIAN_EVENT_REJECTED, BEIAN_STATE_REJECTED},
    {BEIAN_STATE_CHANGED, BEIAN_EVENT_DISSOLVED, BEIAN_STATE_DISSOLVED},
    {BEIAN_STATE_APPROVED, BEIAN_EVENT_CHANGED, BEIAN_STATE_CHANGED},
    {BEIAN_STATE_APPROVED, BEIAN_EVENT_REVIEWED, BEIAN_STATE_APPROVED}, /* or failed */
    {BEIAN_STATE_APPROVED, BEIAN_EVENT_DISSOLVED, BEIAN_STATE_DISSOLVED},
    {BEIAN_STATE_REJECTED, BEIAN_EVENT_CHANGED, BEIAN_STATE_CHANGED},
    {BEIAN_STATE_REJECTED, BEIAN_EVENT_DISSOLVED, BEIAN_STATE_DISSOLVED},
    {BEIAN_STATE_REVIEW_FAILED, BEIAN_EVENT_CHANGED, BEIAN_STATE_CHANGED},
    {BEIAN_STATE_REVIEW_FAILED, BEIAN_EVENT_REVIEWED, BEIAN_STATE_APPROVED}, /* or failed */
    {BEIAN_STATE_REVIEW_FAILED, BEIAN_EVENT_DISSOLVED, BEIAN_STATE_DISSOLVED},
};

int beian_archive_workflow_next(beian_state from, beian_event_kind ev, int review_pass, beian_state *to)
{
    for (size_t i = 0; i < sizeof transitions / sizeof transitions[0]; i++) {
        if (transitions[i].from == from && transitions[i].ev == ev) {
            *to = ev == BEIAN_EVENT_REVIEWED && !review_pass ? BEIAN_STATE_REVIEW_FAILED
                                                             : transitions[i].to;
            return BEIAN_OK;
        }
    }
    return BEIAN_EDATA;
}

const char *beian_archive_workflow_allowed(beian_state st)
{
    switch (st) {
    case BEIAN_STATE_NONE:
        return "submit";
    case BEIAN_STATE_SUBMITTED:
    case BEIAN_STATE_CHANGED:
        return "approve, reject or dissolve";
    case BEIAN_STATE_APPROVED:
    case BEIAN_STATE_REVIEW_FAILED:
        return "change, review or dissolve";
    case BEIAN_STATE_REJECTED:
        return "change (to correct it) or dissolve";
    case BEIAN_STATE_DISSOLVED:
        break;
    }
    return "nothing more: a dissolved record is closed";
}

/* ---- record numbers ---- */

/* Record number prefixes by form (issue 5: XMT 新媒体 for platforms, QUN 群 for work groups;
 * BA 备案 for any form a college adds). */
const char *archive_prefix(const char *form_id)
{
    if (strcmp(form_id, "platform-registration") == 0 ||
        strcmp(form_id, "platform-application") == 0) {
        return "XMT";
    }
    if (strcmp(form_id, "workgroup-filing") == 0) {
        return "QUN";
    }
    return "BA";
}

int beian_record_no_valid(const char *s)
{
    size_t n = 0, len = s ? strlen(s) : 0;
    if (len == 0 || len > 31) {
        return 0;
    }
    while (s[n] >= 'A' && s[n] <= 'Z') {
        n++;
    }
    if (n < 2 || n > 8 || s[n] != '-') {
        return 0;
    }
    for (size_t i = n + 1; i < n + 5; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return 0;
        }
    }
    if (s[n + 5] != '-') {
        return 0;
    }
    size_t digits = strspn(s + n + 6, "0123456789");
    return digits >= 4 && digits <= 6 && s[n + 6 + digits] == '\0';
}

/* The sequence number of rec if it is <prefix>-<year>-NNNN, else 0. */
static long record_seq(const char *rec, const char *prefix, const char *year)
{
    size_t pl = strlen(prefix);
    if (!beian_record_no_valid(rec) || strncmp(rec, prefix, pl) != 0 || rec[pl] != '-' ||
        strncmp(rec + pl + 1, year, 4) != 0) {
        return 0;
    }
    return strtol(rec + pl + 6, NULL, 10);
}

/* The next number: one past the highest in the ledger or on disk (a bundle linked by a
 * commit that did not reach the ledger keeps its number). */
static int next_record_no(beian_archive *ar, const ledger *lg, const char *prefix, const char *year,
                          char out[32])
{
    long max = 0;
    for (size_t i = 0; i < lg->n; i++) {
        long s = record_seq(lg->lines[i].record, prefix, year);
        max = s > max ? s : max;
    }
    char *rel = beian_asprintf("%s/%s", ARCHIVE_RECORDS, year);
    char *dir = rel ? archive_path(ar, rel) : NULL;
    free(rel);
    if (!dir) {
        return BEIAN_EINTERNAL;
    }
    DIR *d = opendir(dir);
    free(dir);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        long s = record_seq(de->d_name, prefix, year);
        max = s > max ? s : max;
    }
    if (d) {
        closedir(d);
    }
    if (max >= 999999) {
        return beian_ctx_fail(ar->ctx, BEIAN_EDATA, "no record numbers left for %s-%s", prefix,
                              year);
    }
    snprintf(out, 32, "%s-%s-%04ld", prefix, year, max + 1);
    return BEIAN_OK;
}

/* ---- paths ---- */

char *archive_path(const beian_archive *ar, const char *rel)
{
    return beian_path_join(ar->dir, rel);
}

char *archive_bundle_rel(const char *record_no, int version, const char *date)
{
    const char *dash = strchr(record_no, '-');
    if (!dash || !beian_date_valid(date)) {
        return NULL;
    }
    return beian_asprintf("%s/%.4s/%s/v%d-%.4s%.2s%.2s.zip", ARCHIVE_RECORDS, dash + 1, record_no,
                          version, date, date + 5, date + 8);
}

int archive_parse_bundle_rel(const char *rel, char record[32], int *version, char date[11])
{
    size_t rl = strlen(ARCHIVE_RECORDS);
    if (strncmp(rel, ARCHIVE_RECORDS, rl) != 0 || rel[rl] != '/') {
        return 0;
    }
    const char *year = rel + rl + 1;
    if (strspn(year, "0123456789") != 4 || year[4] != '/') {
        return 0;
    }
    const char *rec = year + 5;
    const char *slash = strchr(rec, '/');
    if (!slash || (size_t)(slash - rec) > 31) {
        return 0;
    }
    memcpy(record, rec, (size_t)(slash - rec));
    record[slash - rec] = '\0';
    const char *dash = strchr(record, '-');
    if (!beian_record_no_valid(record) || !dash || strncmp(dash + 1, year, 4) != 0) {
        return 0;
    }
    const char *v = slash + 1;
    char *end;
    if (v[0] != 'v' || v[1] < '1' || v[1] > '9') {
        return 0;
    }
    long ver = strtol(v + 1, &end, 10);
    if (ver < 1 || ver > 100000 || *end != '-' || strspn(end + 1, "0123456789") != 8 ||
        strcmp(end + 9, ".zip") != 0) {
        return 0;
    }
    snprintf(date, 11, "%.4s-%.2s-%.2s", end + 1, end + 5, end + 7);
    if (!beian_date_valid(date)) {
        return 0;
    }
    *version = (int)ver;
    return 1;
}

int archive_sha256_file(const char *path, char out[65], size_t *size)
{
    beian_buf b;
    int err = 0;
    int rc = beian_file_read(path, BEIAN_BUNDLE_MAX_BYTES, &b, &err);
    if (rc == BEIAN_OK) {
        rc = beian_sha256_hex(b.data, b.len, out);
        if (size) {
            *size = b.len;
        }
    }
    beian_buf_release(&b);
    return rc;
}

int archive_fsync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return BEIAN_EIO;
    }
    int rc = fsync(fd) == 0 || errno == EINVAL ? BEIAN_OK : BEIAN_EIO; /* EINVAL: not supported */
    close(fd);
    return rc;
}

/* mkdir -p of DIR/rel, fsync'ing each parent of a directory it creates. */
static int make_dirs(beian_archive *ar, const char *rel)
{
    int rc = BEIAN_OK;
    char *path = archive_path(ar, rel);
    if (!path) {
        return BEIAN_EINTERNAL;
    }
    size_t base = strlen(ar->dir);
    for (char *p = path + base + 1; rc == BEIAN_OK; p++) {
        if (*p != '/' && *p != '\0') {
            continue;
        }
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0755) == 0) {
            char *parent = beian_path_dirname(path);
            rc = parent ? archive_fsync_dir(parent) : BEIAN_EINTERNAL;
            if (rc == BEIAN_EIO) {
                rc = beian_ctx_fail(ar->ctx, rc, "%s: cannot sync the folder", parent);
            }
            free(parent);
        } else if (errno != EEXIST) {
            rc = beian_ctx_fail(ar->ctx, BEIAN_ECREATE, "%s: cannot create the folder: %s", path,
                                strerror(errno));
        }
        *p = c;
        if (c == '\0') {
            break;
        }
    }
    free(path);
    return rc;
}

static int write_all(int fd, const unsigned char *p, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

int archive_replace_file(beian_archive *ar, const char *rel, const void *data, size_t len,
                         const char *before, int *renamed)
{
    int rc = BEIAN_OK;
    int fd = -1;
    if (renamed) {
        *renamed = 0;
    }
    char *path = archive_path(ar, rel);
    char *tmp = path ? beian_asprintf("%s.tmp-XXXXXX", path) : NULL;
    char *dir = path ? beian_path_dirname(path) : NULL;
    if (!tmp || !dir) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        free(tmp);
        tmp = NULL;
        rc = beian_ctx_fail(ar->ctx, BEIAN_ECREATE, "%s: cannot create a temporary file: %s", path,
                            strerror(errno));
        goto done;
    }
    if (fchmod(fd, 0644) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        rc = beian_ctx_fail(ar->ctx, BEIAN_EIO, "%s: cannot write: %s", tmp, strerror(errno));
        goto done;
    }
    close(fd);
    fd = -1;
    if (before) {
        archive_step(ar, before);
    }
    if (rename(tmp, path) != 0) {
        rc = beian_ctx_fail(ar->ctx, BEIAN_EIO, "%s: cannot replace: %s", path, strerror(errno));
        goto done;
    }
    free(tmp);
    tmp = NULL;
    if (renamed) {
        *renamed = 1;
    }
    if (archive_fsync_dir(dir) != BEIAN_OK) {
        rc = beian_ctx_fail(ar->ctx, BEIAN_EIO, "%s: cannot sync the folder", dir);
    }
done:
    if (fd >= 0) {
        close(fd);
    }
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    free(dir);
    free(path);
    return rc;
}

/* ---- opening and locking ---- */

int beian_archive_open(beian_ctx *ctx, const beian_archive_options *opts, int create,
                       beian_archive **out)
{
    beian_archive_options o = BEIAN_ARCHIVE_OPTIONS_INIT;
    beian_archive *ar = NULL;
    struct stat st;
    int rc = BEIAN_OK;
    *out = NULL;
    if (opts) {
        o = *opts;
    }
    const char *env = getenv("BEIAN_ARCHIVE");
    const char *dir = o.dir ? o.dir : (env && env[0] ? env : "archive");
    ar = calloc(1, sizeof *ar);
    if (!ar) {
        return BEIAN_EINTERNAL;
    }
    ar->ctx = ctx;
    ar->lock_fd = -1;
    ar->wait_seconds = o.wait_seconds < 0 ? 0 : o.wait_seconds;
    ar->step = o.step;
    ar->step_user = o.step_user;
    ar->dir = beian_strdup(dir);
    ar->command = beian_strdup(o.command ? o.command : "beian");
    if (!ar->dir || !ar->command) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    size_t dl = strlen(ar->dir);
    while (dl > 1 && ar->dir[dl - 1] == '/') {
        ar->dir[--dl] = '\0';
    }
    if (stat(ar->dir, &st) != 0) {
        if (!create || errno != ENOENT) {
            rc = beian_ctx_fail(ctx, BEIAN_ENOINPUT,
                                "%s: no archive here (%s); give --archive DIR or set "
                                "BEIAN_ARCHIVE",
                                ar->dir, strerror(errno));
            goto done;
        }
        if (mkdir(ar->dir, 0755) != 0 && errno != EEXIST) {
            rc = beian_ctx_fail(ctx, BEIAN_ECREATE, "%s: cannot create the archive: %s", ar->dir,
                                strerror(errno));
            goto done;
        }
    } else if (!S_ISDIR(st.st_mode)) {
        rc = beian_ctx_fail(ctx, BEIAN_ENOINPUT,
                            "%s: not a folder; --archive names the "
                            "archive's folder",
                            ar->dir);
        goto done;
    }
    if (create) {
        rc = make_dirs(ar, ARCHIVE_RECORDS);
        if (rc == BEIAN_OK) {
            rc = make_dirs(ar, ARCHIVE_TMP);
        }
    }
done:
    if (rc != BEIAN_OK) {
        beian_archive_free(ar);
    } else {
        *out = ar;
    }
    return rc;
}

void beian_archive_free(beian_archive *ar)
{
    if (!ar) {
        return;
    }
    archive_unlock(ar);
    free(ar->dir);
    free(ar->command);
    free(ar);
}

const char *beian_archive_dir(const beian_archive *ar)
{
    return ar->dir;
}

void archive_step(beian_archive *ar, const char *step)
{
    if (ar->step) {
        ar->step(ar->step_user, step);
    }
}

/* Takes the lock: exclusive for writers (and says who holds it), shared for readers so that
 * they never see a commit half done. A reader of an archive that was never written to (no
 * lock file) or that it may not write (a read-only copy) reads without it. */
static int lock(beian_archive *ar, int shared)
{
    if (ar->lock_fd >= 0) {
        return BEIAN_OK;
    }
    char *path = archive_path(ar, ARCHIVE_LOCK);
    if (!path) {
        return BEIAN_EINTERNAL;
    }
    int fd =
        shared ? open(path, O_RDONLY | O_CLOEXEC) : open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
        int rc = shared
                     ? BEIAN_OK
                     : beian_ctx_fail(ar->ctx, BEIAN_ECREATE, "%s: cannot open the lock file: %s",
                                      path, strerror(errno));
        free(path);
        return rc;
    }
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if (flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) == 0) {
            break;
        }
        if (errno != EWOULDBLOCK && errno != EINTR) {
            int rc =
                beian_ctx_fail(ar->ctx, BEIAN_EIO, "%s: cannot lock: %s", path, strerror(errno));
            close(fd);
            free(path);
            return rc;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        double waited =
            (double)(now.tv_sec - start.tv_sec) + (double)(now.tv_nsec - start.tv_nsec) / 1e9;
        if (waited >= ar->wait_seconds) {
            char holder[256] = "";
            ssize_t n = pread(fd, holder, sizeof holder - 1, 0);
            holder[n > 0 ? n : 0] = '\0';
            holder[strcspn(holder, "\n")] = '\0';
            int rc =
                beian_ctx_fail(ar->ctx, BEIAN_EBUSY,
                               "the archive %s is busy: %s holds its lock; waited %d "
                               "seconds (try again, or wait longer with --wait SECONDS)",
                               ar->dir, holder[0] ? holder : "another beian", ar->wait_seconds);
            close(fd);
            free(path);
            return rc;
        }
        struct timespec pause = {0, 20 * 1000 * 1000}; /* 20 ms between attempts */
        nanosleep(&pause, NULL);
    }
    if (!shared) {
        /* say who holds it, for the message a waiting writer gets */
        char note[256];
        int n = snprintf(note, sizeof note, "process %ld (%s)\n", (long)getpid(), ar->command);
        if (ftruncate(fd, 0) == 0 && n > 0) {
            ssize_t w = pwrite(fd, note, (size_t)n < sizeof note ? (size_t)n : sizeof note - 1, 0);
            (void)w; /* only a courtesy to the next writer */
        }
    }
    ar->lock_fd = fd;
    ar->lock_shared = shared;
    free(path);
    return BEIAN_OK;
}

int archive_lock(beian_archive *ar)
{
    if (ar->lock_fd >= 0 && ar->lock_shared) {
        archive_unlock(ar); /* flock cannot be trusted to upgrade without a gap anyway */
    }
    return lock(ar, 0);
}

int archive_lock_shared(beian_archive *ar)
{
    return lock(ar, 1);
}

void archive_unlock(beian_archive *ar)
{
    if (ar->lock_fd < 0) {
        return;
    }
    if (!ar->lock_shared && ftruncate(ar->lock_fd, 0) != 0) {
        /* the stale note is harmless: it is read only while someone holds the lock */
    }
    flock(ar->lock_fd, LOCK_UN);
    close(ar->lock_fd);
    ar->lock_fd = -1;
    ar->lock_shared = 0;
}

/* ---- committing ---- */

void beian_commit_result_release(beian_commit_result *res)
{
    free(res->path);
    free(res->pdf);
    memset(res, 0, sizeof *res);
}

/* Writes the bundle to tmp/, links it to its final name and removes the temporary name. */
static int commit_file(beian_archive *ar, const char *rel, const unsigned char *zip, size_t len,
                       beian_problems *pr)
{
    int rc = BEIAN_OK;
    int fd = -1;
    char *final = archive_path(ar, rel);
    char *dir = final ? beian_path_dirname(final) : NULL;
    char *tmpdir = archive_path(ar, ARCHIVE_TMP);
    char *reldir = beian_path_dirname(rel);
    const char *base = strrchr(rel, '/');
    char *tmp = tmpdir && base ? beian_asprintf("%s/%s.XXXXXX", tmpdir, base + 1) : NULL;
    if (!final || !dir || !tmpdir || !reldir || !tmp) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    rc = make_dirs(ar, reldir);
    if (rc == BEIAN_OK) {
        rc = make_dirs(ar, ARCHIVE_TMP);
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        free(tmp);
        tmp = NULL;
        rc = beian_ctx_fail(ar->ctx, BEIAN_ECREATE, "%s: cannot create a file: %s", tmpdir,
                            strerror(errno));
        goto done;
    }
    if (fchmod(fd, 0444) != 0 || write_all(fd, zip, len) != 0 || fsync(fd) != 0) {
        rc = beian_ctx_fail(ar->ctx, BEIAN_EIO, "%s: cannot write: %s", tmp, strerror(errno));
        goto done;
    }
    close(fd);
    fd = -1;
    archive_step(ar, "temp-written");
    if (link(tmp, final) != 0) {
        if (errno == EEXIST) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                               "%s already exists but the ledger does not list it (an "
                               "interrupted commit?); run `beian fsck`, then try again",
                               rel);
            rc = BEIAN_EDATA;
        } else {
            rc = beian_ctx_fail(ar->ctx, BEIAN_EIO, "%s: cannot link: %s", final, strerror(errno));
        }
        goto done;
    }
    archive_step(ar, "linked");
    if (archive_fsync_dir(dir) != BEIAN_OK) {
        /* the link is this process's (the ledger, under the lock, cannot list it): undo it,
         * so that "nothing was filed" holds at once */
        rc = beian_ctx_fail(ar->ctx, BEIAN_EIO, "%s: cannot sync the folder", dir);
        if (unlink(final) == 0) {
            archive_fsync_dir(dir);
        }
        goto done;
    }
    unlink(tmp);
    free(tmp);
    tmp = NULL;
    archive_fsync_dir(tmpdir); /* a left-over name in tmp/ is only litter for fsck */
    archive_step(ar, "temp-removed");
done:
    if (fd >= 0) {
        close(fd);
    }
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    free(final);
    free(dir);
    free(tmpdir);
    free(reldir);
    return rc;
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

/* A payload under construction. */
typedef struct {
    beian_bundle_entry e[16];
    unsigned char *owned[16];
    size_t n;
} payload;

static int payload_add(payload *p, const char *name, const unsigned char *data, size_t len,
                       unsigned char *owned)
{
    if (p->n >= 16) {
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

static const char *verb(beian_event_kind ev)
{
    static const char *const verbs[] = {"submit", "approve", "reject",
                                        "change", "review",  "dissolve"};
    return (unsigned)ev < 6 ? verbs[ev] : "?";
}

/* Checks the event's own arguments before anything is locked. */
static int check_event(beian_archive *ar, const beian_event *ev, const char **scan_ext,
                       beian_problems *pr)
{
    const char *where = ar->dir;
    *scan_ext = NULL;
    if (!ev->date || !beian_date_valid(ev->date)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, "date", "日期",
                           "\"%s\" is not a date; give it as YYYY-MM-DD, e.g. --date 2026-11-24 "
                           "(or --date today)",
                           ev->date ? ev->date : "");
        return BEIAN_EDATA;
    }
    if ((ev->kind == BEIAN_EVENT_SUBMITTED || ev->kind == BEIAN_EVENT_CHANGED) && !ev->record) {
        return beian_ctx_fail(ar->ctx, BEIAN_EINTERNAL, "%s needs the record data", verb(ev->kind));
    }
    if (ev->kind == BEIAN_EVENT_APPROVED && !ev->scan) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, where, 0, 0, NULL, NULL,
                           "an approval files the signed and sealed paper: give its scan with "
                           "--scan FILE (PDF, PNG or JPEG)");
        return BEIAN_EDATA;
    }
    if (ev->kind == BEIAN_EVENT_REJECTED && (!ev->reason || !ev->reason[0])) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, "reason", "退回理由",
                           "say why the filing is returned with --reason TEXT");
        return BEIAN_EDATA;
    }
    if (ev->kind == BEIAN_EVENT_REVIEWED && (ev->year < 2000 || ev->year > 2199)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, "year", "年审年度",
                           "give the year under review with --year YYYY");
        return BEIAN_EDATA;
    }
    if (ev->reason &&
        (strlen(ev->reason) > 2000 || beian_utf8_check((const unsigned char *)ev->reason,
                                                       strlen(ev->reason)) != strlen(ev->reason))) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, "reason", "理由",
                           "must be UTF-8 text of at most 2000 bytes");
        return BEIAN_EDATA;
    }
    /* the dates the rules count from (第七条, 第十三条): real dates, not after the filing */
    const struct {
        const char *value, *field, *label, *option;
        int allowed;
    } days[] = {
        {ev->changed_on, "changed_on", "变更日期", "--changed-on", ev->kind == BEIAN_EVENT_CHANGED},
        {ev->closed_on, "closed_on", "关闭日期", "--closed-on", ev->kind == BEIAN_EVENT_DISSOLVED},
        {ev->opened_on, "opened_on", "开通日期", "--opened-on", 1}};
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        if (!days[i].value) {
            continue;
        }
        if (!days[i].allowed) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, days[i].field, days[i].label,
                               "%s belongs to a %s, not to a filing that is %s", days[i].option,
                               i == 0 ? "change" : "dissolution", beian_archive_event_name(ev->kind));
            return BEIAN_EDATA;
        }
        if (!beian_date_valid(days[i].value) || strlen(days[i].value) != 10 ||
            strcmp(days[i].value, ev->date) > 0) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, days[i].field, days[i].label,
                               "\"%s\" must be a date YYYY-MM-DD on or before the filing date %s",
                               days[i].value, ev->date);
            return BEIAN_EDATA;
        }
    }
    if (ev->scan) {
        *scan_ext = content_scan_ext(ev->scan, ev->scan_len);
        if (!*scan_ext) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, ev->scan_name, 0, 0, "scan", "扫描件",
                               "is not a PDF, PNG or JPEG (judged by its first bytes); scan the "
                               "signed paper to one of those");
            return BEIAN_EDATA;
        }
        if (ev->scan_len > 64u * 1024u * 1024u) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, ev->scan_name, 0, 0, "scan", "扫描件",
                               "is larger than 64 MiB; scan at 300 dpi or save as JPEG");
            return BEIAN_EDATA;
        }
    }
    return BEIAN_OK;
}

/* The first bundle in the folder of rel that the ledger does not list (a crash between
 * "linked" and "ledger-renamed"), or NULL. Filing on top of it would make two bundles of
 * one version. */
static char *unledgered_in(beian_archive *ar, const ledger *lg, const char *rel)
{
    char *reldir = beian_path_dirname(rel);
    char *dir = reldir ? archive_path(ar, reldir) : NULL;
    DIR *d = dir ? opendir(dir) : NULL;
    char *found = NULL;
    struct dirent *de;
    while (d && !found && (de = readdir(d)) != NULL) {
        char *r = beian_asprintf("%s/%s", reldir, de->d_name);
        char rec[32], date[11];
        int v;
        if (r && archive_parse_bundle_rel(r, rec, &v, date) && !ledger_find_path(lg, r)) {
            found = r;
            r = NULL;
        }
        free(r);
    }
    if (d) {
        closedir(d);
    }
    free(dir);
    free(reldir);
    return found;
}

/* The scan's tracking code must name this record, the printed version and this data. */
static int check_scan_code(const beian_event *ev, const char *record_no, const event_doc *prev,
                           const char *record_sha, int latest_version, beian_problems *pr)
{
    const beian_tracking *t = ev->scan_code;
    if (!t) {
        return BEIAN_OK;
    }
    const char *file = ev->scan_name;
    if (strcmp(t->record, record_no) != 0) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, file, 0, 0, "scan", "扫描件",
                           "its tracking code names %s, not %s: this paper belongs to another "
                           "record",
                           strcmp(t->record, "DRAFT") == 0 ? "a draft (printed before filing)"
                                                           : t->record,
                           record_no);
        return BEIAN_EDATA;
    }
    if (t->version < prev->printed_version) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, file, 0, 0, "scan", "扫描件",
                           "its tracking code names version %d, but the form of %s was printed "
                           "again as version %d since (after a change): sign and scan that form",
                           t->version, record_no, prev->printed_version);
        return BEIAN_EDATA;
    }
    if (t->version != prev->printed_version) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, file, 0, 0, "scan", "扫描件",
                           "its tracking code names version %d, but the form of %s in force is "
                           "version %d (latest version: %d)",
                           t->version, record_no, prev->printed_version, latest_version);
        return BEIAN_EDATA;
    }
    if (strncmp(t->digest16, record_sha, 16) != 0) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, file, 0, 0, "scan", "扫描件",
                           "its tracking code carries data digest %s but %s's data digests to "
                           "%.16s: the paper was printed from other data",
                           t->digest16, record_no, record_sha);
        return BEIAN_EDATA;
    }
    return BEIAN_OK;
}

/* A file name as UTF-8 for event.json: a name from a GBK system (a USB stick written on
 * Windows) keeps its ASCII and gets '?' for the bytes that are not UTF-8. */
static char *utf8_name(const char *name)
{
    size_t len = strlen(name);
    char *out = malloc(len + 1);
    size_t o = 0;
    for (size_t i = 0; out && i < len;) {
        uint32_t cp;
        size_t n = beian_utf8_decode((const unsigned char *)name + i, len - i, &cp);
        if (n == 0 || cp < 0x20) {
            out[o++] = '?';
            i++;
        } else {
            memcpy(out + o, name + i, n);
            o += n;
            i += n;
        }
    }
    if (out) {
        out[o] = '\0';
    }
    return out;
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
    char *final = listed ? NULL : archive_path(ar, rel);
    char *dir = final ? beian_path_dirname(final) : NULL;
    if (final && unlink(final) == 0 && dir) {
        archive_fsync_dir(dir);
    }
    free(final);
    free(dir);
}

int beian_archive_commit(beian_archive *ar, const char *record_no, const beian_event *ev,
                         beian_commit_result *res, beian_problems *pr)
{
    int rc = BEIAN_OK;
    ledger lg;
    loaded_bundle prev;
    payload pl = {0};
    event_doc doc;
    bag_meta meta;
    char number[32] = "";
    char *rel = NULL, *canon = NULL, *name = NULL, *desc = NULL;
    size_t canon_len = 0;
    unsigned char *zip = NULL, *pdf = NULL, *ejson = NULL, *prov = NULL;
    size_t zip_len = 0, pdf_len = 0, ejson_len = 0, prov_len = 0;
    const char *scan_ext = NULL;
    char record_sha[65] = "", scan_entry[32] = "";
    beian_state from = BEIAN_STATE_NONE, to = BEIAN_STATE_NONE;
    int version = 1;
    size_t old_n = 0;
    char old_head[65];
    memset(&lg, 0, sizeof lg);
    memset(&prev, 0, sizeof prev);
    memset(&doc, 0, sizeof doc);
    memset(&meta, 0, sizeof meta);
    memset(res, 0, sizeof *res);

    rc = check_event(ar, ev, &scan_ext, pr);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if ((record_no == NULL) != (ev->kind == BEIAN_EVENT_SUBMITTED)) {
        return beian_ctx_fail(ar->ctx, BEIAN_EINTERNAL,
                              "a submission has no record number yet; "
                              "every later event has one");
    }
    if (record_no && !beian_record_no_valid(record_no)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, NULL, NULL,
                           "\"%s\" is not a record number such as XMT-2026-0007 or QUN-2026-0012 "
                           "(see: beian list)",
                           record_no);
        return BEIAN_EDATA;
    }
    beian_record *rec = ev->record;
    if (rec) {
        beian_fonts *fonts = NULL;
        rc = beian_ctx_fonts(ar->ctx, &fonts); /* parse fonts before taking the lock */
        if (rc != BEIAN_OK) {
            return rc;
        }
        if (!rec->date && !(rec->date = beian_strdup(ev->date))) {
            return BEIAN_EINTERNAL;
        }
        if (beian_record_canonical(rec, &canon, &canon_len) != BEIAN_OK ||
            beian_sha256_hex(canon, canon_len, record_sha) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
            goto done;
        }
    }

    rc = archive_lock(ar);
    if (rc != BEIAN_OK) {
        goto done;
    }
    archive_step(ar, "locked");
    rc = ledger_load(ar, &lg, NULL);
    if (rc != BEIAN_OK) {
        goto done;
    }
    if (lg.damaged) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                           "the ledger is damaged (run `beian verify` for details); nothing is "
                           "filed until it is restored");
        rc = BEIAN_EDATA;
        goto done;
    }
    old_n = lg.n;
    memcpy(old_head, lg.head, 65);

    if (ev->kind == BEIAN_EVENT_SUBMITTED) {
        char year[5];
        memcpy(year, ev->date, 4);
        year[4] = '\0';
        rc = next_record_no(ar, &lg, archive_prefix(rec->form->id), year, number);
        if (rc != BEIAN_OK) {
            goto done;
        }
    } else {
        const ledger_line *latest = ledger_latest(&lg, record_no);
        if (!latest) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                               "there is no record %s in this archive (see: beian list)",
                               record_no);
            rc = BEIAN_ENOINPUT;
            goto done;
        }
        memcpy(number, record_no, strlen(record_no) + 1);
        char *left = unledgered_in(ar, &lg, latest->path);
        if (left) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                               "an interrupted filing left %s, which the ledger does not list; "
                               "run `beian fsck` first, then try again",
                               left);
            free(left);
            rc = BEIAN_EDATA;
            goto done;
        }
        beian_findings *f = beian_findings_new();
        rc = f ? bundle_load(ar, latest->path, &prev, f) : BEIAN_EINTERNAL;
        if (rc == BEIAN_OK && strcmp(prev.sha256, latest->sha256) != 0) {
            beian_findings_add(f, BEIAN_V_STORE_DIGEST, latest->path, "differs from the ledger");
            rc = BEIAN_EDATA;
        }
        if (rc == BEIAN_EDATA || rc == BEIAN_ENOINPUT) {
            const beian_finding *x = beian_findings_get(f, 0);
            beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                               "%s v%d (%s) is %s%s; run `beian verify %s` and restore it "
                               "before filing more",
                               record_no, latest->version, latest->path,
                               rc == BEIAN_ENOINPUT ? "missing" : "damaged: ",
                               x && rc != BEIAN_ENOINPUT ? x->code : "", record_no);
            rc = BEIAN_EDATA;
        }
        beian_findings_free(f);
        if (rc != BEIAN_OK) {
            goto done;
        }
        from = latest->state;
        version = latest->version + 1;
    }
    if (beian_archive_workflow_next(from, ev->kind, ev->review_pass, &to) != BEIAN_OK) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, NULL, NULL,
                           "cannot %s %s: it is %s (%s since v%d, %s); what it allows now: %s",
                           verb(ev->kind), number, beian_archive_state_label(from), beian_archive_state_name(from),
                           version - 1, prev.event.date, beian_archive_workflow_allowed(from));
        rc = BEIAN_EDATA;
        goto done;
    }
    if (prev.bundle && strcmp(ev->date, prev.meta.date) < 0) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, "date", "日期",
                           "%s is before %s, the date of %s v%d (%s); events are filed in order",
                           ev->date, prev.meta.date, number, version - 1,
                           beian_archive_event_name(prev.meta.event));
        rc = BEIAN_EDATA;
        goto done;
    }
    if (rec && prev.bundle && strcmp(record_sha, prev.meta.record_sha) == 0) {
        beian_problems_add(pr, BEIAN_SEV_WARNING, rec->path, 0, 0, NULL, NULL,
                           "the data is the same as in v%d; the form is printed again as v%d",
                           version - 1, version);
    }

    /* the event document, starting from what the previous version carries */
    memcpy(doc.record, number, strlen(number) + 1);
    memcpy(doc.date, ev->date, 11);
    doc.event = ev->kind;
    doc.version = version;
    doc.state = to;
    if (prev.bundle) {
        doc.form = beian_strdup(prev.event.form);
        doc.printed_version = prev.event.printed_version;
        memcpy(doc.printed_date, prev.event.printed_date, 11);
        doc.signed_copy = beian_strdup(prev.event.signed_copy);
        if (prev.event.n_reviews) {
            doc.reviews = calloc(prev.event.n_reviews + 1, sizeof *doc.reviews);
            if (!doc.reviews) {
                rc = BEIAN_EINTERNAL;
                goto done;
            }
            memcpy(doc.reviews, prev.event.reviews, prev.event.n_reviews * sizeof *doc.reviews);
            doc.n_reviews = prev.event.n_reviews;
        }
        if (!rec) {
            memcpy(record_sha, prev.meta.record_sha, 65);
        }
    }
    if (ev->reason && !(doc.reason = beian_strdup(ev->reason))) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    /* the rules' dates: the opening day is carried from version to version */
    if (prev.bundle) {
        memcpy(doc.opened_on, prev.event.opened_on, 11);
    }
    if (ev->opened_on) {
        memcpy(doc.opened_on, ev->opened_on, 11);
    }
    if (ev->changed_on) {
        memcpy(doc.changed_on, ev->changed_on, 11);
    }
    if (ev->closed_on) {
        memcpy(doc.closed_on, ev->closed_on, 11);
    }
    if (ev->n_warnings) {
        doc.warnings = calloc(ev->n_warnings, sizeof *doc.warnings);
        if (!doc.warnings) {
            rc = BEIAN_EINTERNAL;
            goto done;
        }
        for (size_t i = 0; i < ev->n_warnings; i++) {
            if (!(doc.warnings[i] = beian_strdup(ev->warnings[i]))) {
                rc = BEIAN_EINTERNAL;
                goto done;
            }
            doc.n_warnings = i + 1;
        }
    }
    switch (ev->kind) {
    case BEIAN_EVENT_SUBMITTED:
    case BEIAN_EVENT_CHANGED:
        if (prev.bundle && strcmp(rec->form->id, prev.event.form) != 0) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, rec->path, 0, 0, "form", "表格",
                               "%s was filed on form %s; a change uses the same form, not %s",
                               number, prev.event.form, rec->form->id);
            rc = BEIAN_EDATA;
            goto done;
        }
        free(doc.form);
        free(doc.signed_copy); /* the new form is not signed yet */
        doc.signed_copy = NULL;
        doc.form = beian_strdup(rec->form->id);
        doc.printed_version = version;
        memcpy(doc.printed_date, ev->date, 11);
        break;
    case BEIAN_EVENT_APPROVED:
        rc = check_scan_code(ev, number, &prev.event, record_sha, version - 1, pr);
        if (rc != BEIAN_OK) {
            goto done;
        }
        snprintf(scan_entry, sizeof scan_entry, "data/signed.%s", scan_ext);
        free(doc.signed_copy);
        doc.signed_copy = beian_strdup(scan_entry);
        break;
    case BEIAN_EVENT_REJECTED:
        free(doc.signed_copy);
        doc.signed_copy = NULL;
        break;
    case BEIAN_EVENT_REVIEWED:
        for (size_t i = 0; i < doc.n_reviews; i++) {
            if (doc.reviews[i].year == ev->year) {
                beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, "year", "年审年度",
                                   "%s was already reviewed for %d (v%d, %s)", number, ev->year,
                                   doc.reviews[i].version, doc.reviews[i].date);
                rc = BEIAN_EDATA;
                goto done;
            }
        }
        if (!doc.reviews) {
            doc.reviews = calloc(1, sizeof *doc.reviews);
            if (!doc.reviews) {
                rc = BEIAN_EINTERNAL;
                goto done;
            }
        }
        doc.reviews[doc.n_reviews++] = (review_entry){ev->year, ev->review_pass, "", version};
        memcpy(doc.reviews[doc.n_reviews - 1].date, ev->date, 11);
        doc.review_year = ev->year;
        doc.review_pass = ev->review_pass;
        if (ev->scan) {
            snprintf(scan_entry, sizeof scan_entry, "data/review-%d.%s", ev->year, scan_ext);
        }
        break;
    case BEIAN_EVENT_DISSOLVED:
        break;
    }
    if (!doc.form) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    if (ev->scan && scan_entry[0]) {
        const char *slash = ev->scan_name ? strrchr(ev->scan_name, '/') : NULL;
        doc.scan = beian_strdup(scan_entry);
        doc.scan_name = utf8_name(slash ? slash + 1 : (ev->scan_name ? ev->scan_name : ""));
        if (!doc.scan || !doc.scan_name) {
            rc = BEIAN_EINTERNAL;
            goto done;
        }
    }

    /* the payload: the record's complete state at this version */
    if (rec) {
        beian_layout_options opts = BEIAN_LAYOUT_OPTIONS_INIT;
        opts.record_no = number;
        opts.version = version;
        opts.date = ev->date;
        opts.tracking = 1;
        rc = beian_render(ar->ctx, rec->form, rec, &opts, NULL, &pdf, &pdf_len, pr);
        if (rc != BEIAN_OK) {
            goto done;
        }
        rc = provenance_dump(ar->ctx, &prov, &prov_len);
        if (rc == BEIAN_OK) {
            rc = payload_add(&pl, DATA_RECORD, (unsigned char *)canon, canon_len, NULL);
        }
        if (rc == BEIAN_OK) {
            rc = payload_add(&pl, DATA_FORM, rec->form->source, rec->form->source_len, NULL);
        }
        if (rc == BEIAN_OK) {
            rc = payload_add(&pl, DATA_PDF, pdf, pdf_len, NULL);
        }
        if (rc == BEIAN_OK) {
            rc = payload_add(&pl, DATA_PROVENANCE, prov, prov_len, NULL);
        }
        name = content_record_name(rec);
        desc = describe(rec->form, name);
    } else {
        const char *carried[] = {DATA_RECORD, DATA_FORM, DATA_PDF, DATA_PROVENANCE};
        for (size_t i = 0; i < 4 && rc == BEIAN_OK; i++) {
            rc = payload_carry(&pl, prev.bundle, carried[i]);
        }
        if (rc == BEIAN_OK && doc.signed_copy && strcmp(doc.signed_copy, scan_entry) != 0) {
            rc = payload_carry(&pl, prev.bundle, doc.signed_copy);
        }
        beian_form *form = NULL;
        beian_record *old = NULL;
        char *why = NULL;
        if (rc == BEIAN_OK && content_record(ar->ctx, prev.bundle, &form, &old, &why) == BEIAN_OK) {
            name = content_record_name(old);
            desc = describe(form, name);
        }
        free(why);
        beian_record_free(old);
        beian_form_free(form);
    }
    if (rc == BEIAN_OK && ev->scan && scan_entry[0]) {
        rc = payload_add(&pl, doc.scan, ev->scan, ev->scan_len, NULL);
    }
    if (rc == BEIAN_OK) {
        rc = event_doc_dump(&doc, &ejson, &ejson_len);
    }
    if (rc == BEIAN_OK) {
        rc = payload_add(&pl, DATA_EVENT, ejson, ejson_len, NULL);
    }
    if (rc != BEIAN_OK) {
        goto done;
    }

    meta.record = number;
    meta.version = version;
    meta.event = ev->kind;
    meta.state = to;
    meta.date = (char *)ev->date;
    meta.form = doc.form;
    meta.record_sha = record_sha;
    meta.prev_sha = prev.bundle ? prev.sha256 : NULL;
    meta.description = desc;
    rel = archive_bundle_rel(number, version, ev->date);
    if (!rel) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    rc = bag_build(ar->ctx, &meta, pl.e, pl.n, &zip, &zip_len);
    if (rc == BEIAN_OK) {
        rc = self_check(ar, zip, zip_len, rel);
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    archive_step(ar, "built");
    rc = commit_file(ar, rel, zip, zip_len, pr);
    if (rc != BEIAN_OK) {
        goto done; /* the link may be an earlier interrupted filing's: fsck decides */
    }
    ledger_line line;
    memset(&line, 0, sizeof line);
    rc = beian_sha256_hex(zip, zip_len, line.sha256);
    memcpy(line.date, ev->date, 11);
    memcpy(line.record, number, strlen(number) + 1);
    line.version = version;
    line.event = ev->kind;
    line.state = to;
    line.path = rel;
    int unsynced = 0;
    if (rc == BEIAN_OK) {
        rc = ledger_append(ar, &lg, &line, &unsynced);
    }
    if (rc != BEIAN_OK) {
        undo_unledgered(ar, rel);
        goto done;
    }
    /* committed: what follows only derives */
    if (unsynced) {
        /* the new ledger is in place; only its folder's sync failed. Saying "nothing was
         * filed" now would be false (the next filing sees it), and a retry would file it
         * twice. The bundle's own folder was synced: after a power failure that lost the
         * ledger's rename, fsck completes the filing from it. */
        beian_problems_add(pr, BEIAN_SEV_WARNING, ar->dir, 0, 0, NULL, NULL,
                           "%s v%d is filed, but the disk reported an error while storing the "
                           "ledger (%s): check the disk, and if the computer loses power before "
                           "it is fixed, run `beian fsck`, which completes the filing from its "
                           "bundle",
                           number, version, beian_ctx_message(ar->ctx));
    }
    memcpy(res->record_no, number, strlen(number) + 1);
    res->version = version;
    res->state = to;
    memcpy(res->sha256, line.sha256, 65);
    res->path = rel;
    rel = NULL;
    if (pdf) {
        res->pdf = pdf;
        res->pdf_len = pdf_len;
        pdf = NULL;
    }
    beian_record_info row = {"", doc.form, name, to, version, ""};
    memcpy(row.record_no, number, strlen(number) + 1);
    memcpy(row.date, ev->date, 11);
    beian_ctx_fail(ar->ctx, BEIAN_OK, "%s", ""); /* a failure below without a message: memory */
    if (index_update(ar, &lg, old_n, old_head, &row) != BEIAN_OK) {
        /* the index is a cache of the ledger, replaced whole: a failure leaves the previous
         * one, which lags behind; readers see that and read the ledger, verify accepts it,
         * and the next filing or fsck rebuilds it. The filing itself stands. */
        const char *why = beian_ctx_message(ar->ctx);
        beian_problems_add(pr, BEIAN_SEV_WARNING, ar->dir, 0, 0, NULL, NULL,
                           "%s v%d is filed, but index.tsv (the register's cache) could not be "
                           "updated (%s); nothing is lost: `beian list` reads the ledger until "
                           "the next filing or `beian fsck` rebuilds it",
                           number, version, why[0] ? why : "out of memory");
    }
    archive_step(ar, "indexed");
done:
    archive_unlock(ar);
    ledger_release(&lg);
    loaded_bundle_release(&prev);
    payload_release(&pl);
    event_doc_release(&doc);
    free(rel);
    free(canon);
    free(name);
    free(desc);
    free(zip);
    free(pdf);
    free(ejson);
    free(prov);
    return rc;
}
