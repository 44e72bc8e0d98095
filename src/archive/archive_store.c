/*
 * archive_store.c - the bottom of the archive: where it is, its lock, record numbers and bundle
 * paths, the durable writes of its files (through util/file.c's beian_file_replace), and the
 * one walk of the records/ tree that numbering, commit, verify and fsck share. Nothing here
 * knows what a bundle holds.
 */
#define _GNU_SOURCE
#include "archive_store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "array.h"
#include "beian/bundle.h"
#include "file.h"
#include "util.h"

/* ---- record numbers ---- */

/* Record number prefixes by form (issue 5: XMT 新媒体 for platforms, QUN 群 for work groups;
 * BA 备案 for any form a college adds). */
const char *store_prefix(const char *form_id)
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
    if (len == 0 || len >= STORE_RECORD_NO_SIZE) {
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

int beian_record_no_normalise(const char *s, char out[BEIAN_RECORD_NO_SIZE])
{
    size_t n = 0, len = s ? strlen(s) : 0;
    if (len == 0 || len >= BEIAN_RECORD_NO_SIZE) {
        return 0;
    }
    while ((s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= 'a' && s[n] <= 'z')) {
        n++;
    }
    if (n < 2 || n > 8 || s[n] != '-' || strspn(s + n + 1, "0123456789") != 4 ||
        s[n + 5] != '-') {
        return 0;
    }
    const char *seq = s + n + 6;
    size_t digits = strspn(seq, "0123456789");
    if (digits == 0 || seq[digits] != '\0') {
        return 0;
    }
    while (digits > 1 && *seq == '0') {
        seq++, digits--;
    }
    if (digits > 6 || (digits == 1 && *seq == '0')) {
        return 0; /* no record is numbered 0 */
    }
    for (size_t i = 0; i < n; i++) {
        out[i] = (char)(s[i] >= 'a' ? s[i] - 'a' + 'A' : s[i]);
    }
    memcpy(out + n, s + n, 6);
    int pad = digits < 4 ? (int)(4 - digits) : 0;
    snprintf(out + n + 6, BEIAN_RECORD_NO_SIZE - n - 6, "%.*s%s", pad, "0000", seq);
    return beian_record_no_valid(out);
}

/* ---- paths ---- */

char *store_path(const beian_archive *ar, const char *rel)
{
    return beian_path_join(ar->dir, rel);
}

char *store_bundle_rel(const char *record_no, int version, const char *date)
{
    const char *dash = strchr(record_no, '-');
    if (!dash || !beian_date_valid(date)) {
        return NULL;
    }
    return beian_asprintf("%s/%.4s/%s/v%d-%.4s%.2s%.2s.zip", STORE_RECORDS, dash + 1, record_no,
                          version, date, date + 5, date + 8);
}

int store_parse_bundle_rel(const char *rel, char record[STORE_RECORD_NO_SIZE], int *version,
                           char date[BEIAN_DATE_SIZE])
{
    size_t rl = strlen(STORE_RECORDS);
    if (strncmp(rel, STORE_RECORDS, rl) != 0 || rel[rl] != '/') {
        return 0;
    }
    const char *year = rel + rl + 1;
    if (strspn(year, "0123456789") != 4 || year[4] != '/') {
        return 0;
    }
    const char *rec = year + 5;
    const char *slash = strchr(rec, '/');
    if (!slash || (size_t)(slash - rec) >= STORE_RECORD_NO_SIZE) {
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
    if (ver < 1 || ver > STORE_VERSION_MAX || *end != '-' || strspn(end + 1, "0123456789") != 8 ||
        strcmp(end + 9, ".zip") != 0) {
        return 0;
    }
    snprintf(date, BEIAN_DATE_SIZE, "%.4s-%.2s-%.2s", end + 1, end + 5, end + 7);
    if (!beian_date_valid(date)) {
        return 0;
    }
    *version = (int)ver;
    return 1;
}

int store_sha256_file(const char *path, char out[BEIAN_SHA256_HEX_SIZE], size_t *size)
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

/* mkdir -p of DIR/rel, fsync'ing each parent of a directory it creates. */
int store_make_dirs(beian_archive *ar, const char *rel)
{
    int rc = BEIAN_OK;
    struct stat st;
    char *path = store_path(ar, rel);
    if (!path) {
        return BEIAN_EINTERNAL;
    }
    memset(&st, 0, sizeof st);
    size_t base = strlen(ar->dir);
    for (char *p = path + base + 1; rc == BEIAN_OK; p++) {
        if (*p != '/' && *p != '\0') {
            continue;
        }
        char c = *p;
        *p = '\0';
        if (mkdir(path, 0755) == 0) {
            char *parent = beian_path_dirname(path);
            rc = parent ? beian_file_sync_dir(parent) : BEIAN_EINTERNAL;
            if (rc == BEIAN_EIO) {
                rc = beian_ctx_fail(ar->ctx, rc, "%s: cannot sync the folder", parent);
            }
            free(parent);
        } else if (errno != EEXIST) {
            rc = beian_ctx_fail(ar->ctx, BEIAN_ECREATE, "%s: cannot create the folder: %s", path,
                                strerror(errno));
        } else if (lstat(path, &st) != 0 || !S_ISDIR(st.st_mode)) {
            /* writers never follow a link inside the archive: a records/2026 that points
             * elsewhere would put a filing outside it (issue 14) */
            rc = beian_ctx_fail(ar->ctx, BEIAN_ECREATE,
                                "%s is %s, not a folder: beian does not follow links inside the "
                                "archive (run `beian verify`)",
                                path, S_ISLNK(st.st_mode) ? "a symbolic link" : "something else");
        }
        *p = c;
        if (c == '\0') {
            break;
        }
    }
    free(path);
    return rc;
}

/* The context's message for a failed durable write of path. */
static int replace_failed(beian_archive *ar, int rc, const beian_file_report *rep,
                          const char *path)
{
    const char *where = rep->where ? rep->where : path;
    switch (rep->at) {
    case BEIAN_FILE_AT_CREATE:
        return beian_ctx_fail(ar->ctx, rc, "%s: cannot create a temporary file: %s", path,
                              strerror(rep->err));
    case BEIAN_FILE_AT_WRITE:
        return beian_ctx_fail(ar->ctx, rc, "%s: cannot write: %s", where, strerror(rep->err));
    case BEIAN_FILE_AT_PLACE:
        return beian_ctx_fail(ar->ctx, rc, "%s: cannot replace: %s", path, strerror(rep->err));
    case BEIAN_FILE_AT_SYNC:
        return beian_ctx_fail(ar->ctx, rc, "%s: cannot sync the folder", where);
    case BEIAN_FILE_AT_NONE:
        break;
    }
    return rc;
}

typedef struct {
    beian_archive *ar;
    const char *written; /* the step to report for "written", or NULL */
    const char *placed;  /* the step to report for "placed", or NULL */
} store_moments;

/* Maps beian_file_replace's moments to the commit's step names. */
static void store_moment(void *user, const char *moment)
{
    const store_moments *m = user;
    const char *step = strcmp(moment, "written") == 0 ? m->written : m->placed;
    if (step) {
        store_step(m->ar, step);
    }
}

int store_replace_file(beian_archive *ar, const char *rel, const void *data, size_t len,
                       const char *before, int *renamed)
{
    beian_file_report rep;
    store_moments m = {ar, before, NULL};
    beian_file_options o = {BEIAN_FILE_STRICT_SYNC, NULL, store_moment, &m};
    char *path = store_path(ar, rel);
    int rc = path ? beian_file_replace(path, data, len, &o, &rep) : BEIAN_EINTERNAL;
    if (renamed) {
        *renamed = path && rep.placed;
    }
    if (path && rc != BEIAN_OK && rc != BEIAN_EINTERNAL) {
        rc = replace_failed(ar, rc, &rep, path);
    }
    if (path) {
        beian_file_report_release(&rep);
    }
    free(path);
    return rc;
}

/* Removes DIR/rel and its parents up to records/ while they are empty (rmdir refuses the
 * others), syncing the folder above each one removed. Best effort. */
char *store_rel_not_plain(const beian_archive *ar, const char *rel)
{
    char *r = beian_strdup(rel);
    for (char *p = r; p && *p; p++) {
        char *slash = strchr(p, '/');
        if (slash) {
            *slash = '\0';
        }
        struct stat st;
        char *path = store_path(ar, r);
        int gone = !path || lstat(path, &st) != 0;
        int plain = gone || (slash ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
        free(path);
        if (gone || !plain) {
            if (gone) {
                free(r);
                r = NULL;
            }
            return r;
        }
        if (!slash) {
            break;
        }
        *slash = '/';
        p = slash;
    }
    free(r);
    return NULL;
}

void store_remove_empty_dirs(beian_archive *ar, const char *rel)
{
    char *r = beian_strdup(rel);
    while (r && strchr(r, '/') && strcmp(r, STORE_RECORDS) != 0) {
        char *p = store_path(ar, r);
        int gone = p && rmdir(p) == 0;
        char *slash = strrchr(r, '/');
        *slash = '\0';
        if (gone) {
            char *parent = store_path(ar, r);
            if (parent) {
                beian_file_sync_dir(parent);
            }
            free(parent);
        }
        free(p);
        if (!gone) {
            break;
        }
    }
    free(r);
}

int store_link_bundle(beian_archive *ar, const char *rel, const unsigned char *zip, size_t len,
                      beian_problems *pr)
{
    beian_file_report rep;
    char *final = store_path(ar, rel);
    char *tmpdir = store_path(ar, STORE_TMP);
    char *reldir = beian_path_dirname(rel);
    store_moments m = {ar, "temp-written", "linked"};
    beian_file_options o = {BEIAN_FILE_READONLY | BEIAN_FILE_EXCLUSIVE | BEIAN_FILE_STRICT_SYNC,
                            tmpdir, store_moment, &m};
    int rc = BEIAN_OK;
    memset(&rep, 0, sizeof rep);
    if (!final || !tmpdir || !reldir) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    rc = store_make_dirs(ar, reldir);
    if (rc == BEIAN_OK) {
        rc = store_make_dirs(ar, STORE_TMP);
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = beian_file_replace(final, zip, len, &o, &rep);
    if (rc == BEIAN_OK) {
        store_step(ar, "temp-removed");
    } else if (rep.at == BEIAN_FILE_AT_PLACE && rep.err == EEXIST) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                           "%s already exists but the ledger does not list it (an "
                           "interrupted commit?); run `beian fsck`, then try again",
                           rel);
        rc = BEIAN_EDATA;
    } else if (rep.at == BEIAN_FILE_AT_CREATE) {
        rc = beian_ctx_fail(ar->ctx, rc, "%s: cannot create a file: %s", tmpdir,
                            strerror(rep.err));
    } else if (rep.at == BEIAN_FILE_AT_PLACE) {
        rc = beian_ctx_fail(ar->ctx, rc, "%s: cannot link: %s", final, strerror(rep.err));
    } else if (rc != BEIAN_EINTERNAL) {
        rc = replace_failed(ar, rc, &rep, final);
    }
done:
    if (rc != BEIAN_OK && reldir && !rep.placed) {
        store_remove_empty_dirs(ar, reldir); /* a failed filing leaves no record folder */
    }
    beian_file_report_release(&rep);
    free(final);
    free(tmpdir);
    free(reldir);
    return rc;
}

/* ---- opening and locking ---- */

/* 1 when DIR holds an archive: its ledger or its records/ folder. */
static int holds_archive(beian_archive *ar)
{
    static const char *const marks[] = {STORE_LEDGER, STORE_RECORDS};
    struct stat st;
    for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++) {
        char *path = store_path(ar, marks[i]);
        int there = path && lstat(path, &st) == 0;
        free(path);
        if (there) {
            return 1;
        }
    }
    return 0;
}

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
        ar->created = 1;
    } else if (!S_ISDIR(st.st_mode)) {
        rc = beian_ctx_fail(ctx, BEIAN_ENOINPUT,
                            "%s: not a folder; --archive names the "
                            "archive's folder",
                            ar->dir);
        goto done;
    } else if (!holds_archive(ar)) {
        /* a mistyped --archive must not become a second, empty archive (issue 15): only the
         * command that files a new record makes one */
        if (!create) {
            rc = beian_ctx_fail(ctx, BEIAN_ENOINPUT,
                                "%s: no archive here (the folder has no ledger.txt and no "
                                "records/); give --archive DIR or set BEIAN_ARCHIVE (`beian "
                                "submit` makes a new archive)",
                                ar->dir);
            goto done;
        }
        ar->created = 1;
    }
    if (create) {
        rc = store_make_dirs(ar, STORE_RECORDS);
        if (rc == BEIAN_OK) {
            rc = store_make_dirs(ar, STORE_TMP);
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
    ar->lock_held = 0;
    store_unlock(ar);
    free(ar->dir);
    free(ar->command);
    free(ar);
}

const char *beian_archive_dir(const beian_archive *ar)
{
    return ar->dir;
}

int beian_archive_created(const beian_archive *ar)
{
    return ar->created;
}

void store_step(beian_archive *ar, const char *step)
{
    if (ar->step) {
        ar->step(ar->step_user, step);
    }
}

/* 1 when the file fd has open is the one at path (same device and inode). A lock file that
 * was deleted or replaced after it was opened would lock nothing: a second writer opening the
 * path afterwards gets another file and a lock of its own (issue 14). */
static int lock_is_at_path(int fd, const char *path)
{
    struct stat a, b;
    return fstat(fd, &a) == 0 && lstat(path, &b) == 0 && a.st_dev == b.st_dev &&
           a.st_ino == b.st_ino;
}

/* Takes the lock: exclusive for writers (and says who holds it), shared for readers so that
 * they never see a commit half done. A reader of an archive that was never written to (no
 * lock file) or that it may not write (a read-only copy) reads without it. */
static int lock(beian_archive *ar, int shared)
{
    if (ar->lock_fd >= 0) {
        return BEIAN_OK;
    }
    char *path = store_path(ar, STORE_LOCK);
    if (!path) {
        return BEIAN_EINTERNAL;
    }
    int fd = shared ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
                    : open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
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
            if (lock_is_at_path(fd, path)) {
                break;
            }
            /* the file was removed or replaced (while this process waited or before): its
             * lock guards nothing any more. Open what is at the path now and lock that. */
            close(fd);
            fd = shared ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
                        : open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
            if (fd < 0) {
                int rc = shared ? BEIAN_OK
                                : beian_ctx_fail(ar->ctx, BEIAN_ECREATE,
                                                 "%s: cannot open the lock file: %s", path,
                                                 strerror(errno));
                free(path);
                return rc;
            }
            continue;
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
                               "the archive %s is busy: %s holds its lock; waited %d seconds "
                               "(try again when it is done, or wait longer with --wait SECONDS; "
                               "the lock ends with that process, so there is nothing to remove: "
                               "deleting the lock file would not stop it)",
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

int store_lock(beian_archive *ar)
{
    if (ar->lock_fd >= 0 && ar->lock_shared) {
        store_unlock(ar); /* flock cannot be trusted to upgrade without a gap anyway */
    }
    return lock(ar, 0);
}

int store_lock_shared(beian_archive *ar)
{
    return lock(ar, 1);
}

int store_writer_active(beian_archive *ar)
{
    if (ar->lock_fd >= 0 && !ar->lock_shared) {
        return 0; /* this process is the writer */
    }
    char *path = store_path(ar, STORE_LOCK);
    int fd = path ? open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) : -1;
    int active = 0;
    if (fd >= 0) {
        if (flock(fd, LOCK_SH | LOCK_NB) == 0) {
            flock(fd, LOCK_UN);
        } else {
            active = errno == EWOULDBLOCK;
        }
        close(fd);
    }
    free(path);
    return active;
}

int store_lock_check(beian_archive *ar)
{
    char *path = store_path(ar, STORE_LOCK);
    int ok = path && ar->lock_fd >= 0 && lock_is_at_path(ar->lock_fd, path);
    free(path);
    if (!ok) {
        return beian_ctx_fail(ar->ctx, BEIAN_EBUSY,
                              "%s/%s was removed or replaced while this filing was prepared, so "
                              "another beian may be filing at the same time; nothing was filed, "
                              "try again",
                              ar->dir, STORE_LOCK);
    }
    return BEIAN_OK;
}

void store_unlock(beian_archive *ar)
{
    if (ar->lock_fd < 0 || ar->lock_held) {
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

/* A sheet of rows is filed under one hold of the lock: every commit finds it taken (lock()
 * returns at once) and leaves it taken (store_unlock returns at once), so no other writer gets
 * in between two rows, and each row is still its own commit with its own steps. */
int beian_archive_hold(beian_archive *ar)
{
    int rc = store_lock(ar);
    if (rc == BEIAN_OK) {
        ar->lock_held = 1;
    }
    return rc;
}

void beian_archive_release(beian_archive *ar)
{
    if (ar && ar->lock_held) {
        ar->lock_held = 0;
        store_unlock(ar);
    }
}

/* ---- the walk of records/ ---- */

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **store_list_dir(const char *path, size_t *n)
{
    DIR *d = opendir(path);
    char **names = NULL;
    size_t cap = 0;
    *n = 0;
    if (!d) {
        return NULL;
    }
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0) {
            continue;
        }
        char *name = beian_strdup(de->d_name);
        if (!name || BEIAN_ARRAY_GROW(names, cap, *n + 2) != BEIAN_OK) {
            free(name);
            break;
        }
        names[(*n)++] = name;
        names[*n] = NULL;
    }
    closedir(d);
    if (!names) {
        names = calloc(1, sizeof *names);
    }
    if (*n > 1) {
        qsort(names, *n, sizeof *names, cmp_names); /* a year's folder has thousands */
    }
    return names;
}

void store_names_free(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++) {
        free(names[i]);
    }
    free(names);
}

/* lstat of DIR/rel: 'd' folder, 'f' regular file, 'o' anything else, 0 missing. */
static char kind_of(const beian_archive *ar, const char *rel)
{
    struct stat st;
    char *p = store_path(ar, rel);
    char k = 0;
    if (p && lstat(p, &st) == 0) {
        k = S_ISDIR(st.st_mode) ? 'd' : S_ISREG(st.st_mode) ? 'f' : 'o';
    }
    free(p);
    return k;
}

typedef struct {
    beian_archive *ar;
    const char *only;
    store_walk_fn fn;
    void *user;
} walker;

/* Fills e for DIR/parent/name at level and judges it; the year is parent's last component. */
static int walk_entry(walker *w, store_level level, const char *parent, const char *year,
                      const char *name, store_entry *e, char **rel_out)
{
    char *rel = beian_asprintf("%s/%s", parent, name);
    memset(e, 0, sizeof *e);
    *rel_out = rel;
    if (!rel) {
        return BEIAN_EINTERNAL;
    }
    e->level = level;
    e->rel = rel;
    e->name = name;
    e->kind = kind_of(w->ar, rel);
    if (level == STORE_AT_YEAR) {
        e->valid = e->kind == 'd' && strlen(name) == 4 && strspn(name, "0123456789") == 4;
    } else if (level == STORE_AT_RECORD) {
        const char *dash = strchr(name, '-');
        e->valid = e->kind == 'd' && beian_record_no_valid(name) && dash &&
                   strncmp(dash + 1, year, 4) == 0;
    } else {
        e->valid = e->kind == 'f' && store_parse_bundle_rel(rel, e->record, &e->version, e->date);
    }
    return BEIAN_OK;
}

/* Walks the folder DIR/parent at level (its names one level down). */
static int walk_level(walker *w, store_level level, const char *parent, const char *year)
{
    size_t n = 0;
    char *path = store_path(w->ar, parent);
    char **names = NULL;
    if (path && level == STORE_AT_RECORD && w->only) {
        /* one record: its folder alone, not a listing of the year's thousands */
        char *one = beian_path_join(path, w->only);
        struct stat st;
        names = calloc(2, sizeof *names);
        if (names && one && lstat(one, &st) == 0 && (names[0] = beian_strdup(w->only)) != NULL) {
            n = 1;
        }
        free(one);
    } else if (path) {
        names = store_list_dir(path, &n);
    }
    int rc = path ? BEIAN_OK : BEIAN_EINTERNAL;
    free(path);
    for (size_t i = 0; i < n && rc == BEIAN_OK; i++) {
        store_entry e;
        char *rel = NULL;
        if (level == STORE_AT_RECORD && w->only && strcmp(names[i], w->only) != 0) {
            continue;
        }
        rc = walk_entry(w, level, parent, year, names[i], &e, &rel);
        if (rc == BEIAN_OK) {
            rc = w->fn(w->user, &e);
        }
        if (rc == STORE_WALK_SKIP) {
            rc = BEIAN_OK;
        } else if (rc == BEIAN_OK && e.valid && level != STORE_AT_FILE) {
            const char *y = level == STORE_AT_YEAR ? names[i] : year;
            rc = walk_level(w, (store_level)(level + 1), rel, y);
        }
        free(rel);
    }
    store_names_free(names, n);
    return rc;
}

int store_walk(beian_archive *ar, const char *only, store_walk_fn fn, void *user)
{
    walker w = {ar, only, fn, user};
    return walk_level(&w, STORE_AT_YEAR, STORE_RECORDS, NULL);
}

void beian_archive_index_readonly(beian_archive *ar, int on)
{
    ar->index_readonly = on != 0;
}
