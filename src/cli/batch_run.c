/*
 * batch_run.c - what every part of a `beian batch` run shares (batch_run.h): the progress bar,
 * the output names, the problems kept per row so that they print in row order, and the two
 * refusals (rows that cannot be printed, files that exist already).
 */
#define _GNU_SOURCE
#include "batch_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "util.h"
#include "cli.h"

double batch_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- progress: only on a terminal, at most ten redraws a second ---- */

void batch_progress(batch_run *run, const char *what, size_t done, size_t total, int final)
{
    if (!run->bar || total == 0) {
        return;
    }
    double t = batch_now();
    if (!final && t - run->last_draw < 0.1 && done < total) {
        return;
    }
    run->last_draw = t;
    double el = t - run->t0;
    double rate = el > 0 ? (double)done / el : 0;
    char bar[64];
    const int width = 24;
    int fill = (int)((double)width * (double)done / (double)total);
    for (int i = 0; i < width; i++) {
        bar[i] = i < fill ? '#' : '-';
    }
    bar[width] = '\0';
    if (done < total && rate > 0) {
        double left = (double)(total - done) / rate;
        fprintf(stderr, "\r\033[Kbeian: %s [%s] %zu/%zu forms  %.0f/s  %.0f s left", what, bar,
                done, total, rate, left + 0.5);
    } else {
        fprintf(stderr, "\r\033[Kbeian: %s [%s] %zu/%zu forms  %.0f/s", what, bar, done, total,
                rate);
    }
    if (final) {
        fputs("\r\033[K", stderr);
    }
    fflush(stderr);
}

/* ---- output names ---- */

/* DIR/STEM.pdf, DIR/STEM.png, DIR/STEM-2.png; with tmp, the temporary name it is written
 * to first: DIR/STEM.pdf.tmp-PID, named like the util layer's temporary files (file.c) so that
 * the tests' search for left-over "*.tmp-*" files finds the batch's too. Caller frees. */
char *batch_out_path(const batch_run *run, size_t row, int png, size_t page, int tmp)
{
    const char *dir = png ? run->png_dir : run->out_dir;
    char suffix[32];
    if (png && page > 0) {
        snprintf(suffix, sizeof suffix, "-%zu.png", page + 1);
    } else {
        snprintf(suffix, sizeof suffix, "%s", png ? ".png" : ".pdf");
    }
    if (tmp) {
        return beian_asprintf("%s/%s%s.tmp-%ld", dir, run->names[row], suffix, run->pid);
    }
    return beian_asprintf("%s/%s%s", dir, run->names[row], suffix);
}

/* Every (temporary, final) pair the second pass writes, in row order, through fn; stops at
 * the first non-zero return. */
int batch_each_output(const batch_run *run,
                       int (*fn)(const batch_run *, const char *tmp, const char *final, void *user),
                       void *user)
{
    for (size_t i = 0; i < run->ntodo; i++) {
        size_t row = run->todo[i];
        for (int png = 0; png < 2; png++) {
            if (!(png ? run->png_dir : run->out_dir)) {
                continue;
            }
            size_t pages = png && run->npages[row] > 1 ? run->npages[row] : 1;
            for (size_t p = 0; p < pages; p++) {
                char *tmp = batch_out_path(run, row, png, p, 1);
                char *final = batch_out_path(run, row, png, p, 0);
                int rc = tmp && final ? fn(run, tmp, final, user)
                                      : cli_error(BEIAN_EINTERNAL, "out of memory");
                free(tmp);
                free(final);
                if (rc != BEIAN_OK) {
                    return rc;
                }
            }
        }
    }
    return BEIAN_OK;
}

typedef struct {
    size_t count;
    const char *first;
    char *first_copy;
} exists_scan;

static int find_existing(const batch_run *run, const char *tmp, const char *final, void *user)
{
    (void)run, (void)tmp;
    exists_scan *s = user;
    struct stat st;
    if (lstat(final, &st) == 0) {
        if (s->count++ == 0) {
            s->first_copy = beian_strdup(final);
        }
    }
    return BEIAN_OK;
}

/* ---- problems, kept per row so that they print in row order ---- */

beian_problems *batch_row_problems(batch_run *run, size_t row)
{
    if (!run->row_pr[row]) {
        run->row_pr[row] = beian_problems_new();
    }
    return run->row_pr[row];
}

/* The header's problems, then the rows', with a problem repeated down a column said once
 * (beian_batch_merge_problems); without memory for that, row by row. */
void batch_print_all_problems(const batch_run *run)
{
    beian_problems *merged = beian_problems_new();
    cli_print_problems(run->pr);
    if (merged && beian_batch_merge_problems(run->row_pr, run->nrows, merged) == BEIAN_OK) {
        cli_print_problems(merged);
    } else {
        for (size_t r = 0; r < run->nrows; r++) {
            if (run->row_pr[r]) {
                cli_print_problems(run->row_pr[r]);
            }
        }
    }
    beian_problems_free(merged);
}

/* Reports a failure that is not the data's. A library call that returns BEIAN_EINTERNAL
 * without a message (the batch module has no context) ran out of memory. */
int batch_report_internal(batch_run *run, int rc, beian_problems *pr)
{
    if (pr) {
        cli_print_problems(pr);
    }
    const char *m = beian_ctx_message(run->ctx);
    return cli_error(rc, "%s", m[0] ? m : rc == BEIAN_EINTERNAL ? "out of memory" : "failed");
}

/* Clears the context's message before a library call, so that report_internal never prints
 * an older failure's message for one that left none. */
void batch_forget_message(batch_run *run)
{
    beian_ctx_fail(run->ctx, BEIAN_OK, "%s", "");
}

/* "rows 5, 9–12": the rows that will not be printed, by the numbers Excel shows (those of
 * the messages and the file names). */
char *batch_list_bad_lines(const batch_run *run, size_t *count)
{
    int *rows = malloc((run->nrows ? run->nrows : 1) * sizeof *rows);
    size_t n = 0;
    for (size_t r = 0; rows && r < run->nrows; r++) {
        if (!run->valid[r]) {
            rows[n++] = beian_batch_row_number(run->batch, r);
        }
    }
    *count = n;
    char *text = rows ? beian_batch_format_rows(rows, n) : NULL;
    free(rows);
    return text;
}

/* Lays row out to collect its layout problems (a row the first pass found valid). */
int batch_layout_problems(batch_run *run, size_t row)
{
    beian_record *rec = NULL;
    beian_dlist *dl = NULL;
    beian_problems *pr = batch_row_problems(run, row);
    batch_forget_message(run);
    int rc = pr ? beian_batch_record(run->batch, row, &rec, pr) : BEIAN_EINTERNAL;
    if (rc == BEIAN_OK) {
        rc = beian_layout_form(run->ctx, run->form, rec, &run->layout, &dl, pr);
    }
    beian_dlist_free(dl);
    beian_record_free(rec);
    if (rc == BEIAN_EDATA) {
        run->valid[row] = 0;
        return BEIAN_OK;
    }
    return rc == BEIAN_OK ? BEIAN_OK : batch_report_internal(run, rc, pr);
}

/* Refuses to replace files without --force; nothing has been written when it says so. */
int batch_refuse_existing(const batch_run *run)
{
    exists_scan scan = {0, NULL, NULL};
    if (run->force) {
        return BEIAN_OK;
    }
    batch_each_output(run, find_existing, &scan);
    if (scan.count == 0) {
        return BEIAN_OK;
    }
    int rc = cli_error(BEIAN_ECREATE,
                       "%s already exists%s; nothing was written: use --force to replace %s, "
                       "or choose another folder",
                       scan.first_copy ? scan.first_copy : "a file",
                       scan.count > 1 ? " (and more)" : "", scan.count > 1 ? "them" : "it");
    if (scan.count > 1) {
        cli_note("%zu of the files beian would write exist already", scan.count);
    }
    free(scan.first_copy);
    return rc;
}

/* The "cannot print" ending: every problem, the rows, and that nothing was written. */
int batch_refuse_rows(batch_run *run)
{
    size_t nbad = 0;
    char *lines = batch_list_bad_lines(run, &nbad);
    batch_print_all_problems(run);
    cli_error(BEIAN_EDATA,
              "%s: %zu of %zu rows cannot be printed (%s); nothing was "
              "written%s",
              run->sheet_path, nbad, run->nrows, lines ? lines : "?",
              nbad < run->nrows && !run->skip_invalid
                  ? " (fix them, or print the other rows with --skip-invalid)"
                  : "");
    free(lines);
    return BEIAN_EDATA;
}

void batch_run_free(batch_run *run)
{
    for (size_t r = 0; r < run->nrows; r++) {
        if (run->names) {
            free(run->names[r]);
        }
        if (run->row_pr) {
            beian_problems_free(run->row_pr[r]);
        }
    }
    free(run->names);
    free(run->row_pr);
    free(run->made_out);
    free(run->made_png);
    free(run->valid);
    free(run->first_page);
    free(run->npages);
    free(run->todo);
    beian_dlist_free(run->all);
    beian_batch_free(run->batch);
    beian_sheet_free(run->sheet);
    beian_form_free(run->form);
    beian_problems_free(run->pr);
}
