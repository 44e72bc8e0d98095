/*
 * batch_run.h - the state of one `beian batch` run, shared by the files that carry it out:
 * batch_run.c (progress, names, problems, refusals), batch_files.c (the output folders and
 * their temporary files), batch_render.c (the second pass, on workers) and cmd_batch.c (the
 * command: options, the first pass, the summary). See cmd_batch.c for the whole story.
 */
#ifndef BEIAN_BATCH_RUN_H
#define BEIAN_BATCH_RUN_H

#include <stddef.h>

#include "beian/batch.h"
#include "beian/common.h"
#include "beian/form.h"
#include "beian/layout.h"
#include "beian/sheet.h"

enum { BATCH_MAX_JOBS = 64 };

typedef struct {
    /* options */
    const char *form_id, *sheet_path, *out_dir, *combined, *png_dir;
    const char *encoding, *sheet_name;
    double dpi;
    int force, skip_invalid, jobs, strict;
    /* state */
    beian_ctx *ctx;
    beian_form *form;
    beian_sheet *sheet;
    beian_batch *batch;
    beian_problems *pr;      /* problems that are not a row's (the header's) */
    beian_problems **row_pr; /* per row, NULL while the row has none */
    beian_layout_options layout;
    size_t nrows;
    unsigned char *valid; /* per row: it will be printed */
    char **names;         /* per valid row: file name stem */
    size_t *first_page;   /* per valid row, with --combined: its first page in `all` */
    size_t *npages;       /* per valid row: pages of its form */
    beian_dlist *all;     /* --combined: every valid row's pages, in row order */
    size_t *todo;         /* the valid rows */
    size_t ntodo;
    size_t nfailed;            /* rows the second pass found not to fit */
    long pid;                  /* names the temporary files */
    char *made_out, *made_png; /* the first folder this run created for each, or NULL */
    /* progress */
    int bar;
    double t0, last_draw;
} batch_run;

/* Seconds on the monotonic clock. */
double batch_now(void);
/* The progress bar on stderr: only on a terminal (run->bar), at most ten redraws a second. */
void batch_progress(batch_run *run, const char *what, size_t done, size_t total, int final);
/* DIR/STEM.pdf, DIR/STEM.png, DIR/STEM-2.png; with tmp, the temporary name it is written
 * to first: DIR/STEM.pdf.tmp-PID, named like the util layer's temporary files (file.c) so that
 * the tests' search for left-over "*.tmp-*" files finds the batch's too. Caller frees. */
char *batch_out_path(const batch_run *run, size_t row, int png, size_t page, int tmp);
/* Every (temporary, final) pair the second pass writes, in row order, through fn; stops at
 * the first non-zero return. */
int batch_each_output(const batch_run *run,
                      int (*fn)(const batch_run *, const char *tmp, const char *final, void *user),
                      void *user);
/* The problems of row (made on first use; NULL when out of memory). */
beian_problems *batch_row_problems(batch_run *run, size_t row);
/* Every problem: the header's, then each row's, in row order. */
void batch_print_all_problems(const batch_run *run);
/* Reports a failure that is not the data's; returns rc. */
int batch_report_internal(batch_run *run, int rc, beian_problems *pr);
/* Clears the context's message before a library call. */
void batch_forget_message(batch_run *run);
/* "rows 5, 9–12": the rows that will not be printed, by their numbers in Excel (malloc'd). */
char *batch_list_bad_lines(const batch_run *run, size_t *count);
/* Lays row out to collect its layout problems (a row the first pass found valid). */
int batch_layout_problems(batch_run *run, size_t row);
/* Refuses to replace files without --force; nothing has been written when it says so. */
int batch_refuse_existing(const batch_run *run);
/* The "cannot print" ending: every problem, the rows, and that nothing was written. */
int batch_refuse_rows(batch_run *run);
/* Releases everything the run holds (not the run itself). */
void batch_run_free(batch_run *run);

#endif
