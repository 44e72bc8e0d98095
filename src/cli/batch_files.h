/*
 * batch_files.h - the output folders of `beian batch` and the files written into them before
 * they are moved into place (batch_files.c).
 */
#ifndef BEIAN_BATCH_FILES_H
#define BEIAN_BATCH_FILES_H

#include <stddef.h>

#include "batch_run.h"

/* Creates dir (and its parents) unless it exists. *made receives the first folder it created
 * (malloc'd, NULL when none), so that a refused run can take them away again. */
int batch_files_make_dir(const char *dir, char **made);
/* Removes the empty folders batch_files_make_dir created: dir and its parents up to made. */
void batch_files_unmake_dir(const char *dir, char *made);
/* Writes a new temporary file (it must not exist), without syncing: batch_files_sync_dir
 * syncs them all at once. */
int batch_files_write_new(const char *path, const unsigned char *data, size_t len);
/* Flushes the file system of dir once (every file written so far), and then dir itself. */
int batch_files_sync_dir(const char *dir);
/* Syncs dir after the renames (only the folder has changed since batch_files_sync_dir). */
int batch_files_sync_renames(const char *dir);
/* Removes every temporary file of the run. */
void batch_files_remove_tmp(const batch_run *run);
/* Moves every temporary file to its name, in row order; *moved counts them. Refuses a name
 * that appeared meanwhile unless --force. */
int batch_files_move(const batch_run *run, size_t *moved);

#endif
