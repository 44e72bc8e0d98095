/*
 * batch_files.c - the output folders of `beian batch` (batch_files.h). The second pass writes
 * each row's files to temporary names (STEM.pdf.tmp-PID) in the output folder, unsynced; once
 * every row is rendered the file system is synced once (syncfs), every file is renamed to its
 * name in row order, and the folder is synced (beian_file_sync_dir). One syncfs for the whole
 * run instead of an fsync per file keeps a thousand-row batch fast (an fsync and a folder
 * sync per file cost about as much as rendering the form: 2 ms) while it stays as durable:
 * nothing has its final name before all of it is on disk. The util layer's staged writes
 * (beian_file_stage, beian_file_commit) fsync each file and its folder, which is right for
 * the few files of `fill` and wrong for ten thousand.
 */
#define _GNU_SOURCE
#include "batch_files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "cli.h"

static int remove_tmp(const batch_run *run, const char *tmp, const char *final, void *user)
{
    (void)run, (void) final, (void)user;
    unlink(tmp);
    return BEIAN_OK;
}

static int move_into_place(const batch_run *run, const char *tmp, const char *final, void *user)
{
    size_t *moved = user;
    struct stat st;
    if (!run->force && lstat(final, &st) == 0) {
        return cli_error(BEIAN_ECREATE,
                         "%s: appeared while beian was printing; nothing more "
                         "was moved into place (use --force to replace files)",
                         final);
    }
    if (rename(tmp, final) != 0) {
        return cli_error(BEIAN_EIO, "%s: cannot move into place: %s", final, strerror(errno));
    }
    (*moved)++;
    return BEIAN_OK;
}

/*
 * Creates dir (and its parents) unless it exists. *made receives the first folder it created
 * (malloc'd, NULL when none), so that a refused run can take them away again.
 */
int batch_files_make_dir(const char *dir, char **made)
{
    char *p = beian_strdup(dir);
    int rc = BEIAN_OK;
    *made = NULL;
    if (!p) {
        return BEIAN_EINTERNAL;
    }
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0777) == 0) {
                if (!*made) {
                    *made = beian_strdup(p);
                }
            } else if (errno != EEXIST) {
                rc = cli_error(BEIAN_ECREATE, "%s: cannot create the folder: %s", p,
                               strerror(errno));
                break;
            }
            *s = c;
            if (!c) {
                break;
            }
        }
    }
    struct stat st;
    if (rc == BEIAN_OK && (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        rc = cli_error(BEIAN_ECREATE, "%s: is not a folder", dir);
    }
    free(p);
    return rc;
}

/* Removes the empty folders make_dir created: dir and its parents up to `made`. */
void batch_files_unmake_dir(const char *dir, char *made)
{
    if (!made) {
        return;
    }
    char *p = beian_strdup(dir);
    size_t stop = strlen(made);
    while (p && strlen(p) >= stop && rmdir(p) == 0) {
        char *slash = strrchr(p, '/');
        if (!slash) {
            break;
        }
        *slash = '\0';
    }
    free(p);
}

/* Writes a new file (it must not exist), without syncing: the caller syncs once. */
int batch_files_write_new(const char *path, const unsigned char *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0) {
        return cli_error(BEIAN_ECREATE, "%s: cannot create: %s", path, strerror(errno));
    }
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            int e = errno;
            close(fd);
            unlink(path);
            return cli_error(BEIAN_EIO, "%s: cannot write: %s", path, strerror(e));
        }
        off += (size_t)w;
    }
    if (close(fd) != 0) {
        int e = errno;
        unlink(path);
        return cli_error(BEIAN_EIO, "%s: cannot write: %s", path, strerror(e));
    }
    return BEIAN_OK;
}

/* One syncfs for every file the run wrote (they are all on dir's file system), then the
 * folder itself with the util layer's folder sync. */
int batch_files_sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return cli_error(BEIAN_EIO, "%s: %s", dir, strerror(errno));
    }
    int rc = syncfs(fd) == 0 ? BEIAN_OK : BEIAN_EIO;
    int err = errno;
    close(fd);
    if (rc == BEIAN_OK && beian_file_sync_dir(dir) != BEIAN_OK) {
        rc = BEIAN_EIO;
        err = errno;
    }
    if (rc != BEIAN_OK) {
        cli_error(rc, "%s: cannot sync: %s", dir, strerror(err));
    }
    return rc;
}

int batch_files_sync_renames(const char *dir)
{
    if (beian_file_sync_dir(dir) != BEIAN_OK) {
        return cli_error(BEIAN_EIO, "%s: cannot sync: %s", dir, strerror(errno));
    }
    return BEIAN_OK;
}

void batch_files_remove_tmp(const batch_run *run)
{
    batch_each_output(run, remove_tmp, NULL);
}

int batch_files_move(const batch_run *run, size_t *moved)
{
    return batch_each_output(run, move_into_place, moved);
}
