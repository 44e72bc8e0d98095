/* file.h - whole-file reads, durable writes and paths (file.c). */
#ifndef BEIAN_FILE_H
#define BEIAN_FILE_H

#include <stddef.h>

#include "util.h"

/* Reads a whole file. BEIAN_ENOINPUT when it is missing or unreadable, BEIAN_EDATA when
 * it is larger than limit (a regular file's size is checked before it is read),
 * BEIAN_EINTERNAL when out of memory. *errno_out (may be NULL) receives errno on failure. */
int beian_file_read(const char *path, size_t limit, beian_buf *out, int *errno_out);

/*
 * Writes data to path atomically: a temporary file in the same directory, fsync, rename,
 * fsync of the directory. On failure nothing is left at path (an existing file is kept
 * as it was) and no temporary file remains. Returns BEIAN_OK, BEIAN_ECREATE or BEIAN_EIO.
 */
int beian_file_write_atomic(const char *path, const void *data, size_t len, int *errno_out);

/*
 * The one durable-write primitive (the model is libgit2's git_filebuf with GIT_FILEBUF_FSYNC):
 * write data to a new temporary file, fsync it, give it its final name, fsync the folder.
 * The flags say how:
 *
 *   BEIAN_FILE_READONLY     the file's mode is 0444 (a bundle, never rewritten), not 0644
 *   BEIAN_FILE_EXCLUSIVE    the final name is made with link(), not rename(): it never replaces
 *                           an existing name (then BEIAN_EIO, at BEIAN_FILE_AT_PLACE, err
 *                           EEXIST); the temporary name is removed afterwards
 *   BEIAN_FILE_STRICT_SYNC  a failed fsync of the final folder is an error (BEIAN_EIO); with
 *                           BEIAN_FILE_EXCLUSIVE the new name is then removed again, so that
 *                           nothing was placed. Without it the sync is best effort and a failure
 *                           only sets dir_unsynced (rename cannot be undone)
 *
 * tmp_dir (may be NULL: the final file's folder) is where the temporary file is made; it must
 * be on the same file system. step (may be NULL) is called with "written" after the fsync of
 * the temporary file and with "placed" once the final name exists (before the folder's sync),
 * so that a caller can name the moments a crash may hit.
 */
#define BEIAN_FILE_READONLY 0x1u
#define BEIAN_FILE_EXCLUSIVE 0x2u
#define BEIAN_FILE_STRICT_SYNC 0x4u

typedef struct {
    unsigned flags;      /* BEIAN_FILE_* */
    const char *tmp_dir; /* NULL: beside the final file */
    void (*step)(void *user, const char *moment);
    void *step_user;
} beian_file_options;

#define BEIAN_FILE_OPTIONS_INIT {0, NULL, NULL, NULL}

/* Where beian_file_replace stopped, for the caller's message. */
typedef enum {
    BEIAN_FILE_AT_NONE = 0, /* it did not fail */
    BEIAN_FILE_AT_CREATE,   /* making the temporary file (where: its folder) */
    BEIAN_FILE_AT_WRITE,    /* writing or syncing it (where: the temporary file) */
    BEIAN_FILE_AT_PLACE,    /* rename or link (where: the final path) */
    BEIAN_FILE_AT_SYNC      /* syncing the final folder (where: the folder) */
} beian_file_at;

typedef struct {
    beian_file_at at; /* where it failed */
    int err;          /* errno of the failure; 0 when errno says nothing */
    int placed;       /* 1 when the final name holds the new data on return */
    int dir_unsynced; /* the folder's sync failed and it was no error (no STRICT_SYNC) */
    char *where;      /* the path the failure concerns, malloc'd; NULL when none */
} beian_file_report;

/*
 * Durably writes data to path as the flags say. Returns BEIAN_OK, BEIAN_ECREATE, BEIAN_EIO or
 * BEIAN_EINTERNAL (out of memory); rep (may be NULL) says where it stopped
 * and is released with beian_file_report_release. On failure no temporary file remains.
 */
int beian_file_replace(const char *path, const void *data, size_t len,
                       const beian_file_options *opts, beian_file_report *rep);
void beian_file_report_release(beian_file_report *rep);

/* fsync of a folder: BEIAN_OK (also where the file system does not sync folders) or
 * BEIAN_EIO. */
int beian_file_sync_dir(const char *path);

/*
 * The two halves of an atomic write, for commands that write several files and want none
 * written unless all could be: beian_file_stage writes data to a new temporary file beside
 * path and fsyncs it (*tmp_out, malloc'd; nothing is left on failure); beian_file_commit
 * renames it over path (and frees tmp; on failure it removes the temporary file);
 * beian_file_discard removes and frees a staged file. Return BEIAN_OK, BEIAN_ECREATE,
 * BEIAN_EIO or BEIAN_EINTERNAL (out of memory); *errno_out is 0 when errno says nothing.
 */
int beian_file_stage(const char *path, const void *data, size_t len, char **tmp_out,
                     int *errno_out);
int beian_file_commit(char *tmp, const char *path, int *errno_out);
void beian_file_discard(char *tmp);

/* Directory part of path ("." when none); caller frees. */
char *beian_path_dirname(const char *path);
/* a "/" b, or b alone when b is absolute; caller frees. */
char *beian_path_join(const char *a, const char *b);
int beian_path_exists(const char *path);
/*
 * 1 when writing path would put a file inside the folder dir or below it, after every
 * symbolic link is resolved: the folder path is in (realpath), or path itself is a link
 * whose target is. 0 otherwise, also when dir or path's folder does not exist (the write
 * then fails on its own).
 */
int beian_path_within(const char *path, const char *dir);

#endif
