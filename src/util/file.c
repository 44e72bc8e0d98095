/*
 * file.c - whole-file reads with a size limit, durable writes, and paths. Every output of beian
 * goes through beian_file_replace (the archive, with its flags), beian_file_write_atomic or the
 * stage/commit pair, which all share temp_write: that is what makes "no partial PDF left
 * behind" true even when the process is killed mid-write.
 */
#define _GNU_SOURCE
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "beian/common.h"
#include "util.h"

int beian_file_read(const char *path, size_t limit, beian_buf *out, int *errno_out)
{
    int rc = BEIAN_OK;
    FILE *f = fopen(path, "rb");
    struct stat st;
    beian_buf_init(out);
    if (!f) {
        if (errno_out) {
            *errno_out = errno;
        }
        /* no memory for the stream is not a missing file */
        return errno == ENOMEM ? BEIAN_EINTERNAL : BEIAN_ENOINPUT;
    }
    int have_st = fstat(fileno(f), &st) == 0;
    if (have_st && S_ISDIR(st.st_mode)) {
        if (errno_out) {
            *errno_out = EISDIR;
        }
        rc = BEIAN_ENOINPUT;
        goto done;
    }
    /* A regular file's size is known before any memory is spent on it; a pipe or a device
     * is read up to the limit and refused there. */
    if (have_st && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > (uintmax_t)limit) {
        rc = BEIAN_EDATA;
        goto done;
    }
    unsigned char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (out->len + n > limit) {
            rc = BEIAN_EDATA;
            goto done;
        }
        if (beian_buf_append(out, chunk, n) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
            goto done;
        }
    }
    if (ferror(f)) {
        if (errno_out) {
            *errno_out = errno;
        }
        rc = BEIAN_EIO;
        goto done;
    }
    if (beian_buf_terminate(out) != BEIAN_OK) {
        rc = BEIAN_EINTERNAL;
    }
done:
    fclose(f);
    if (rc != BEIAN_OK) {
        beian_buf_release(out);
    }
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

/* Records where a write failed; returns rc. where is copied (may be NULL). */
static int file_fail(beian_file_report *rep, int rc, beian_file_at at, int err, const char *where)
{
    rep->at = at;
    rep->err = err;
    free(rep->where);
    rep->where = where ? beian_strdup(where) : NULL;
    return rc;
}

/*
 * The first half of every durable write: a new temporary file (beside path as
 * "<path>.tmp-XXXXXX", or in tmp_dir as "<tmp_dir>/<base of path>.XXXXXX"), written, given
 * its mode, fsync'ed and closed. *tmp_out is malloc'd; nothing is left on failure.
 */
static int temp_write(const char *path, const char *tmp_dir, mode_t mode, const void *data,
                      size_t len, char **tmp_out, beian_file_report *rep)
{
    const char *slash = strrchr(path, '/');
    char *tmp = tmp_dir ? beian_asprintf("%s/%s.XXXXXX", tmp_dir, slash ? slash + 1 : path)
                        : beian_asprintf("%s.tmp-XXXXXX", path);
    *tmp_out = NULL;
    if (!tmp) {
        return BEIAN_EINTERNAL;
    }
    int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        int err = errno;
        free(tmp);
        return file_fail(rep, BEIAN_ECREATE, BEIAN_FILE_AT_CREATE, err, tmp_dir ? tmp_dir : path);
    }
    if (fchmod(fd, mode) != 0 || write_all(fd, data, len) != 0 || fsync(fd) != 0) {
        int err = errno;
        close(fd);
        file_fail(rep, BEIAN_EIO, BEIAN_FILE_AT_WRITE, err, tmp);
        unlink(tmp);
        free(tmp);
        return BEIAN_EIO;
    }
    if (close(fd) != 0) {
        int err = errno;
        file_fail(rep, BEIAN_EIO, BEIAN_FILE_AT_WRITE, err, tmp);
        unlink(tmp);
        free(tmp);
        return BEIAN_EIO;
    }
    *tmp_out = tmp;
    return BEIAN_OK;
}

int beian_file_sync_dir(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return BEIAN_EIO;
    }
    int rc = fsync(fd) == 0 || errno == EINVAL ? BEIAN_OK : BEIAN_EIO; /* EINVAL: not supported */
    close(fd);
    return rc;
}

void beian_file_report_release(beian_file_report *rep)
{
    if (rep) {
        free(rep->where);
        memset(rep, 0, sizeof *rep);
    }
}

static void file_step(const beian_file_options *o, const char *moment)
{
    if (o->step) {
        o->step(o->step_user, moment);
    }
}

int beian_file_replace(const char *path, const void *data, size_t len,
                       const beian_file_options *opts, beian_file_report *rep)
{
    beian_file_options o = BEIAN_FILE_OPTIONS_INIT;
    beian_file_report local;
    char *tmp = NULL, *dir = NULL;
    int exclusive = 0;
    int rc;
    if (opts) {
        o = *opts;
    }
    exclusive = (o.flags & BEIAN_FILE_EXCLUSIVE) != 0;
    if (!rep) {
        rep = &local;
    }
    memset(rep, 0, sizeof *rep);
    dir = beian_path_dirname(path);
    if (!dir) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    rc = temp_write(path, o.tmp_dir, (o.flags & BEIAN_FILE_READONLY) ? 0444 : 0644, data, len,
                    &tmp, rep);
    if (rc != BEIAN_OK) {
        goto done;
    }
    file_step(&o, "written");
    if ((exclusive ? link(tmp, path) : rename(tmp, path)) != 0) {
        rc = file_fail(rep, BEIAN_EIO, BEIAN_FILE_AT_PLACE, errno, path);
        goto done;
    }
    if (!exclusive) {
        free(tmp); /* renamed: the temporary name is gone */
        tmp = NULL;
    }
    rep->placed = 1;
    file_step(&o, "placed");
    if (beian_file_sync_dir(dir) != BEIAN_OK) {
        if (o.flags & BEIAN_FILE_STRICT_SYNC) {
            rc = file_fail(rep, BEIAN_EIO, BEIAN_FILE_AT_SYNC, 0, dir);
            /* a link is undone, so that nothing was placed; a rename cannot be */
            if (exclusive && unlink(path) == 0) {
                rep->placed = 0;
                (void)beian_file_sync_dir(dir);
            }
            goto done;
        }
        rep->dir_unsynced = 1;
    }
    if (tmp) {
        unlink(tmp);
        char *tdir = beian_path_dirname(tmp);
        if (tdir) {
            (void)beian_file_sync_dir(tdir); /* a left-over temporary name is only litter */
        }
        free(tdir);
        free(tmp);
        tmp = NULL;
    }
done:
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
    free(dir);
    if (rep == &local) {
        beian_file_report_release(&local);
    }
    return rc;
}

int beian_file_stage(const char *path, const void *data, size_t len, char **tmp_out,
                     int *errno_out)
{
    beian_file_report rep;
    memset(&rep, 0, sizeof rep);
    int rc = temp_write(path, NULL, 0644, data, len, tmp_out, &rep);
    if (errno_out) {
        *errno_out = rep.err;
    }
    beian_file_report_release(&rep);
    return rc;
}

int beian_file_commit(char *tmp, const char *path, int *errno_out)
{
    if (errno_out) {
        *errno_out = 0;
    }
    if (rename(tmp, path) != 0) {
        if (errno_out) {
            *errno_out = errno;
        }
        unlink(tmp);
        free(tmp);
        return BEIAN_EIO;
    }
    free(tmp);
    char *dir = beian_path_dirname(path);
    if (dir) {
        (void)beian_file_sync_dir(dir); /* best effort, as beian_file_replace without STRICT */
    }
    free(dir);
    return BEIAN_OK;
}

void beian_file_discard(char *tmp)
{
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
}

int beian_file_write_atomic(const char *path, const void *data, size_t len, int *errno_out)
{
    beian_file_report rep;
    int rc = beian_file_replace(path, data, len, NULL, &rep);
    if (errno_out) {
        *errno_out = rep.err;
    }
    beian_file_report_release(&rep);
    return rc;
}

char *beian_path_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        return beian_strdup(".");
    }
    if (slash == path) {
        return beian_strdup("/");
    }
    return beian_strndup(path, (size_t)(slash - path));
}

char *beian_path_join(const char *a, const char *b)
{
    if (b[0] == '/' || !a || !a[0]) {
        return beian_strdup(b);
    }
    size_t la = strlen(a);
    return beian_asprintf("%s%s%s", a, a[la - 1] == '/' ? "" : "/", b);
}

int beian_path_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* 1 when the resolved path p is the resolved folder d or below it. */
static int resolved_within(const char *p, const char *d)
{
    size_t n = strlen(d);
    if (n == 1 && d[0] == '/') {
        return 1;
    }
    return strncmp(p, d, n) == 0 && (p[n] == '/' || p[n] == '\0');
}

int beian_path_within(const char *path, const char *dir)
{
    char *rdir = realpath(dir, NULL);
    char *folder = beian_path_dirname(path);
    char *rfolder = folder ? realpath(folder, NULL) : NULL;
    char *rpath = NULL;
    struct stat st;
    int in = 0;
    if (rdir && rfolder) {
        in = resolved_within(rfolder, rdir);
    }
    if (rdir && !in && lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
        (rpath = realpath(path, NULL)) != NULL) {
        in = resolved_within(rpath, rdir);
    }
    free(rdir);
    free(folder);
    free(rfolder);
    free(rpath);
    return in;
}
