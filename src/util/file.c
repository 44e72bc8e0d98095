/*
 * file.c - whole-file reads with a size limit, atomic writes, and paths. Every output of beian
 * goes through beian_file_write_atomic (or the stage/commit pair), which is what makes "no
 * partial PDF left behind" true even when the process is killed mid-write.
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

int beian_file_stage(const char *path, const void *data, size_t len, char **tmp_out,
                     int *errno_out)
{
    int rc = BEIAN_OK;
    int fd = -1;
    char *tmp = beian_asprintf("%s.tmp-XXXXXX", path);
    *tmp_out = NULL;
    if (errno_out) {
        *errno_out = 0;
    }
    if (!tmp) {
        return BEIAN_EINTERNAL;
    }
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        if (errno_out) {
            *errno_out = errno;
        }
        free(tmp);
        return BEIAN_ECREATE;
    }
    if (fchmod(fd, 0644) != 0) {
        goto io_error;
    }
    const unsigned char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            goto io_error;
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0) {
        goto io_error;
    }
    int c = close(fd);
    fd = -1;
    if (c != 0) {
        goto io_error;
    }
    *tmp_out = tmp;
    return BEIAN_OK;
io_error:
    if (errno_out) {
        *errno_out = errno;
    }
    rc = BEIAN_EIO;
    if (fd >= 0) {
        close(fd);
    }
    unlink(tmp);
    free(tmp);
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
    int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (dfd >= 0) {
        (void)fsync(dfd); /* best effort: some file systems refuse fsync on directories */
        close(dfd);
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
    char *tmp = NULL;
    int rc = beian_file_stage(path, data, len, &tmp, errno_out);
    return rc == BEIAN_OK ? beian_file_commit(tmp, path, errno_out) : rc;
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
