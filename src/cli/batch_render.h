/*
 * batch_render.h - the second pass of `beian batch`: every row rendered to its files, on
 * -j N worker processes, then moved into place (batch_render.c).
 */
#ifndef BEIAN_BATCH_RENDER_H
#define BEIAN_BATCH_RENDER_H

#include "batch_run.h"

/* Renders every row to its files and moves them into place (all or nothing, unless
 * --skip-invalid and a row did not fit). */
int batch_render_write_files(batch_run *run);
/* The signal that stopped the second pass (SIGINT, SIGTERM, SIGHUP), or 0. */
int batch_render_stop_signal(void);

#endif
