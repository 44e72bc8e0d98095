/* file.h - whole-file reads, atomic writes and paths (file.c). */
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

#endif
