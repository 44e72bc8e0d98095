/*
 * cmd_batch.c - `beian batch`: one printed form per row of a spreadsheet.
 *
 * The first pass builds every row's record and validates it, collecting every problem of
 * every row; with --combined it also lays every row out, since the print job needs all the
 * pages. It names each output file and refuses to replace existing ones without --force.
 * If a row cannot be printed (and --skip-invalid was not given) the problems are listed
 * and nothing is written.
 *
 * The second pass renders: one PDF (and PNG previews) per row, written to hidden temporary
 * files in the output folder and moved to their names, in row order, only when every row
 * has been rendered; and/or the combined print job, which is the display lists of all rows
 * rendered as one document so that each font is embedded once. Per file, a row is laid out
 * only in the second pass (layout is a tenth of a form's cost): a row whose text does not
 * fit its cell is found there, the temporary files are removed, and the problems of every
 * such row are listed, so nothing is written then either.
 *
 * -j N forks N workers for the second pass, after the fonts are parsed and (with
 * --combined) every row is laid out: the workers share both copy-on-write and need no
 * locking (a context is not thread-safe; a process is its own context). Row i goes to worker
 * i mod N; each file's bytes depend only on its row, so the output is the same for any N.
 * Workers report each row on a pipe in one short line (written at once, so lines of
 * different workers never mix): "D row pages" when it is rendered, "L row" when it does not
 * fit, "E" when rendering failed (the worker has said why on stderr).
 */
#define _GNU_SOURCE
#include "cmd_batch.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"
#include "beian/batch.h"
#include "beian/font.h"
#include "beian/form.h"
#include "beian/layout.h"
#include "beian/pdf.h"
#include "beian/png.h"
#include "beian/record.h"
#include "beian/sheet.h"
#include "cli.h"

enum {
    BATCH_MAX_JOBS = 64,
    LIST_LINES = 10 /* lines listed in a summary before "and N more" */
};

typedef struct {
    /* options */
    const char *form_id, *sheet_path, *out_dir, *combined, *png_dir;
    const char *encoding, *sheet_name;
    double dpi;
    int force, skip_invalid, jobs;
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

/* The signal that asked the second pass to stop (SIGINT, SIGTERM, SIGHUP), or 0. The only
 * mutable global here: a signal handler has nowhere else to put it. */
static volatile sig_atomic_t batch_stop;

static void on_stop_signal(int sig)
{
    batch_stop = sig;
}

static const int stop_signals[] = {SIGINT, SIGTERM, SIGHUP};

/* Catches the stop signals (without SA_RESTART, so a blocked read returns), or restores
 * the default action. */
static void catch_stop_signals(int on)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on ? on_stop_signal : SIG_DFL;
    for (size_t i = 0; i < sizeof stop_signals / sizeof stop_signals[0]; i++) {
        sigaction(stop_signals[i], &sa, NULL);
    }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- progress: only on a terminal, at most ten redraws a second ---- */

static void progress(batch_run *run, const char *what, size_t done, size_t total, int final)
{
    if (!run->bar || total == 0) {
        return;
    }
    double t = now();
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

/* DIR/STEM.pdf, DIR/STEM.png, DIR/STEM-2.png; with tmp, the hidden name it is written to
 * first: DIR/.beian-PID-STEM.pdf.tmp. Caller frees. */
static char *out_path(const batch_run *run, size_t row, int png, size_t page, int tmp)
{
    const char *dir = png ? run->png_dir : run->out_dir;
    char suffix[32];
    if (png && page > 0) {
        snprintf(suffix, sizeof suffix, "-%zu.png", page + 1);
    } else {
        snprintf(suffix, sizeof suffix, "%s", png ? ".png" : ".pdf");
    }
    if (tmp) {
        return beian_asprintf("%s/.beian-%ld-%s%s.tmp", dir, run->pid, run->names[row], suffix);
    }
    return beian_asprintf("%s/%s%s", dir, run->names[row], suffix);
}

/* Every (temporary, final) pair the second pass writes, in row order, through fn; stops at
 * the first non-zero return. */
static int each_output(const batch_run *run,
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
                char *tmp = out_path(run, row, png, p, 1);
                char *final = out_path(run, row, png, p, 0);
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
static int make_dir(const char *dir, char **made)
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
static void unmake_dir(const char *dir, char *made)
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
static int write_new(const char *path, const unsigned char *data, size_t len)
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

/* Flushes the folder's new files to disk once, and then the folder itself. */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return cli_error(BEIAN_EIO, "%s: %s", dir, strerror(errno));
    }
    int rc = syncfs(fd) == 0 && fsync(fd) == 0 ? BEIAN_OK : BEIAN_EIO;
    if (rc != BEIAN_OK) {
        cli_error(rc, "%s: cannot sync: %s", dir, strerror(errno));
    }
    close(fd);
    return rc;
}

/* ---- problems, kept per row so that they print in row order ---- */

static beian_problems *row_problems(batch_run *run, size_t row)
{
    if (!run->row_pr[row]) {
        run->row_pr[row] = beian_problems_new();
    }
    return run->row_pr[row];
}

static void print_all_problems(const batch_run *run)
{
    cli_print_problems(run->pr);
    for (size_t r = 0; r < run->nrows; r++) {
        if (run->row_pr[r]) {
            cli_print_problems(run->row_pr[r]);
        }
    }
}

/* Reports a failure that is not the data's. A library call that returns BEIAN_EINTERNAL
 * without a message (the batch module has no context) ran out of memory. */
static int report_internal(batch_run *run, int rc, beian_problems *pr)
{
    if (pr) {
        cli_print_problems(pr);
    }
    const char *m = beian_ctx_message(run->ctx);
    return cli_error(rc, "%s", m[0] ? m : rc == BEIAN_EINTERNAL ? "out of memory" : "failed");
}

/* Clears the context's message before a library call, so that report_internal never prints
 * an older failure's message for one that left none. */
static void forget_message(batch_run *run)
{
    beian_ctx_fail(run->ctx, BEIAN_OK, "%s", "");
}

/* "5, 9, 12 and 3 more": the lines of the rows that will not be printed. */
static char *list_bad_lines(const batch_run *run, size_t *count)
{
    beian_buf b;
    size_t n = 0;
    beian_buf_init(&b);
    for (size_t r = 0; r < run->nrows; r++) {
        if (run->valid[r]) {
            continue;
        }
        if (n < LIST_LINES) {
            beian_buf_appendf(&b, "%s%d", n ? ", " : "", beian_batch_line(run->batch, r));
        }
        n++;
    }
    if (n > LIST_LINES) {
        beian_buf_appendf(&b, " and %zu more", n - LIST_LINES);
    }
    *count = n;
    if (beian_buf_terminate(&b) != BEIAN_OK) {
        beian_buf_release(&b);
        return NULL;
    }
    return (char *)b.data;
}

/* Lays row out to collect its layout problems (a row the first pass found valid). */
static int layout_problems(batch_run *run, size_t row)
{
    beian_record *rec = NULL;
    beian_dlist *dl = NULL;
    beian_problems *pr = row_problems(run, row);
    forget_message(run);
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
    return rc == BEIAN_OK ? BEIAN_OK : report_internal(run, rc, pr);
}

/* ---- the first pass: every row checked (and, for a print job, laid out) ---- */

static int check_rows(batch_run *run)
{
    beian_fonts *fonts = NULL;
    int rc = beian_ctx_fonts(run->ctx, &fonts); /* parsed once, before any fork */
    if (rc != BEIAN_OK) {
        return report_internal(run, rc, NULL);
    }
    if (run->combined) {
        run->all = beian_dlist_new(fonts);
        if (!run->all) {
            return cli_error(BEIAN_EINTERNAL, "out of memory");
        }
    }
    for (size_t r = 0; r < run->nrows; r++) {
        beian_record *rec = NULL;
        beian_dlist *dl = NULL;
        beian_problems *pr = row_problems(run, r);
        if (!pr) {
            return cli_error(BEIAN_EINTERNAL, "out of memory");
        }
        forget_message(run);
        rc = beian_batch_record(run->batch, r, &rec, pr);
        if (rc == BEIAN_OK && run->all) {
            rc = beian_layout_form(run->ctx, run->form, rec, &run->layout, &dl, pr);
        }
        if (rc == BEIAN_OK) {
            run->valid[r] = 1;
            run->names[r] = beian_batch_name(run->batch, r, rec);
            rc = run->names[r] ? BEIAN_OK : BEIAN_EINTERNAL; /* no memory: never a shorter name */
        }
        if (rc == BEIAN_OK && run->all) {
            run->first_page[r] = run->all->npages;
            run->npages[r] = dl->npages;
            if (!run->all->title && dl->title) {
                run->all->title = beian_strdup(dl->title);
            }
            rc = beian_dlist_append(run->all, dl);
        }
        beian_dlist_free(dl);
        beian_record_free(rec);
        if (rc != BEIAN_OK && rc != BEIAN_EDATA) {
            return report_internal(run, rc, pr);
        }
        if (beian_problems_count(pr) == 0) {
            beian_problems_free(pr);
            run->row_pr[r] = NULL;
        }
        progress(run, "checking", r + 1, run->nrows, r + 1 == run->nrows);
    }
    return BEIAN_OK;
}

/* ---- the second pass ---- */

enum { RENDER_ALL, RENDER_LAYOUT_ONLY };

/*
 * Renders row's outputs to their temporary files. *fits is 0 when its text does not fit
 * (nothing is written for it); in RENDER_LAYOUT_ONLY mode the row is only laid out (a row
 * above did not fit, so nothing will be kept anyway). *pages receives its page count.
 */
static int render_row(batch_run *run, size_t row, int mode, int *fits, size_t *pages)
{
    beian_record *rec = NULL;
    beian_dlist *own = NULL, view;
    const beian_dlist *dl;
    beian_problems *pr = NULL;
    unsigned char *data = NULL;
    size_t len = 0;
    char *path = NULL;
    int rc;
    *fits = 1;
    *pages = 0;
    if (run->all) {
        /* a view of this row's pages in the combined list: laid out once, in the first pass */
        view = *run->all;
        view.pages = run->all->pages + run->first_page[row];
        view.npages = run->npages[row];
        view.cap = view.npages;
        dl = &view;
    } else {
        pr = beian_problems_new();
        forget_message(run);
        rc = pr ? beian_batch_record(run->batch, row, &rec, pr) : BEIAN_EINTERNAL;
        if (rc == BEIAN_OK) {
            rc = beian_layout_form(run->ctx, run->form, rec, &run->layout, &own, pr);
        }
        if (rc == BEIAN_EDATA) {
            *fits = 0; /* the parent lays it out again to list why */
            rc = BEIAN_OK;
            goto done;
        }
        if (rc != BEIAN_OK) {
            rc = report_internal(run, rc, pr);
            goto done;
        }
        dl = own;
    }
    *pages = dl->npages;
    if (mode == RENDER_LAYOUT_ONLY) {
        rc = BEIAN_OK;
        goto done;
    }
    if (run->out_dir) {
        forget_message(run);
        rc = beian_pdf_render(run->ctx, dl, &data, &len);
        if (rc != BEIAN_OK) {
            rc = report_internal(run, rc, NULL);
            goto done;
        }
        path = out_path(run, row, 0, 0, 1);
        rc = path ? write_new(path, data, len) : cli_error(BEIAN_EINTERNAL, "out of memory");
        free(path);
        path = NULL;
        free(data);
        data = NULL;
        if (rc != BEIAN_OK) {
            goto done;
        }
    }
    for (size_t p = 0; run->png_dir && p < dl->npages; p++) {
        forget_message(run);
        rc = beian_png_render(run->ctx, dl, p, run->dpi, &data, &len);
        if (rc != BEIAN_OK) {
            rc = report_internal(run, rc, NULL);
            goto done;
        }
        path = out_path(run, row, 1, p, 1);
        rc = path ? write_new(path, data, len) : cli_error(BEIAN_EINTERNAL, "out of memory");
        free(path);
        path = NULL;
        free(data);
        data = NULL;
        if (rc != BEIAN_OK) {
            goto done;
        }
    }
    rc = BEIAN_OK;
done:
    free(data);
    beian_dlist_free(own);
    beian_record_free(rec);
    beian_problems_free(pr);
    return rc;
}

/* What the parent learns of a row, from a worker or from render_row in-process. */
static void row_done(batch_run *run, size_t row, int fits, size_t pages)
{
    if (row >= run->nrows) {
        return;
    }
    if (fits) {
        run->npages[row] = pages;
    } else if (run->valid[row]) {
        run->valid[row] = 0;
        run->nfailed++;
    }
}

/* Message to the parent, in one write so that workers' lines never mix (PIPE_BUF). */
static void tell(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tell(int fd, const char *fmt, ...)
{
    char msg[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    while (n > 0 && write(fd, msg, (size_t)n) < 0 && errno == EINTR) {
    }
}

/* A worker: rows k, k + n, k + 2n, ... of todo. */
static void worker(batch_run *run, int k, int n, int fd)
{
    int rc = BEIAN_OK, mode = RENDER_ALL;
    for (size_t i = (size_t)k; i < run->ntodo; i += (size_t)n) {
        int fits = 0;
        size_t pages = 0, row = run->todo[i];
        rc = render_row(run, row, mode, &fits, &pages);
        if (rc != BEIAN_OK) {
            tell(fd, "E\n");
            break;
        }
        if (fits) {
            tell(fd, "D %zu %zu\n", row, pages);
        } else {
            tell(fd, "L %zu\n", row);
            if (!run->skip_invalid) {
                mode = RENDER_LAYOUT_ONLY;
            }
        }
    }
    fflush(stderr);
    _exit(rc);
}

/* Reads the workers' lines until every worker has closed the pipe. */
static int collect(batch_run *run, int fd, pid_t *pids, int started)
{
    char buf[4096];
    size_t have = 0, done = 0;
    int rc = BEIAN_OK;
    for (;;) {
        ssize_t got = read(fd, buf + have, sizeof buf - have);
        if (got < 0 && errno == EINTR) {
            if (batch_stop && rc == BEIAN_OK) {
                rc = BEIAN_EIO;
                for (int w = 0; w < started; w++) {
                    kill(pids[w], SIGTERM);
                }
            }
            continue;
        }
        if (got <= 0) {
            break;
        }
        have += (size_t)got;
        char *line = buf, *nl;
        while ((nl = memchr(line, '\n', have - (size_t)(line - buf))) != NULL) {
            *nl = '\0';
            unsigned long long row = 0, pages = 0;
            if (line[0] == 'D' && sscanf(line, "D %llu %llu", &row, &pages) == 2) {
                row_done(run, (size_t)row, 1, (size_t)pages);
                done++;
            } else if (line[0] == 'L' && sscanf(line, "L %llu", &row) == 1) {
                row_done(run, (size_t)row, 0, 0);
                done++;
            } else if (rc == BEIAN_OK) {
                rc = BEIAN_EINTERNAL; /* the worker said why; stop the others */
                for (int w = 0; w < started; w++) {
                    kill(pids[w], SIGTERM);
                }
            }
            line = nl + 1;
        }
        have -= (size_t)(line - buf);
        memmove(buf, line, have);
        progress(run, "printing", done, run->ntodo, 0);
    }
    progress(run, "printing", done, run->ntodo, 1);
    return rc;
}

static int render_files(batch_run *run)
{
    int jobs = run->jobs;
    if ((size_t)jobs > run->ntodo) {
        jobs = (int)run->ntodo;
    }
    run->t0 = now();
    if (jobs <= 1) {
        int mode = RENDER_ALL;
        for (size_t i = 0; i < run->ntodo; i++) {
            int fits = 0;
            size_t pages = 0;
            int rc = render_row(run, run->todo[i], mode, &fits, &pages);
            if (rc != BEIAN_OK) {
                return rc;
            }
            row_done(run, run->todo[i], fits, pages);
            if (!fits && !run->skip_invalid) {
                mode = RENDER_LAYOUT_ONLY;
            }
            progress(run, "printing", i + 1, run->ntodo, i + 1 == run->ntodo);
            if (batch_stop) {
                progress(run, "printing", i + 1, run->ntodo, 1);
                return BEIAN_EIO;
            }
        }
        return BEIAN_OK;
    }
    pid_t pids[BATCH_MAX_JOBS];
    int pfd[2];
    int rc = BEIAN_OK;
    int started = 0;
    if (pipe(pfd) != 0) {
        return cli_error(BEIAN_EINTERNAL, "cannot start workers: %s", strerror(errno));
    }
    fflush(stdout);
    fflush(stderr);
    for (; started < jobs; started++) {
        pid_t pid = fork();
        if (pid < 0) {
            rc = cli_error(BEIAN_EINTERNAL, "cannot start worker %d: %s", started + 1,
                           strerror(errno));
            for (int i = 0; i < started; i++) {
                kill(pids[i], SIGTERM);
            }
            break;
        }
        if (pid == 0) {
            catch_stop_signals(0); /* a worker just stops; the parent cleans up */
            close(pfd[0]);
            run->bar = 0;
            worker(run, started, jobs, pfd[1]);
        }
        pids[started] = pid;
    }
    close(pfd[1]);
    int crc = collect(run, pfd[0], pids, started);
    close(pfd[0]);
    if (rc == BEIAN_OK) {
        rc = crc;
    }
    for (int i = 0; i < started; i++) {
        int status = 0;
        while (waitpid(pids[i], &status, 0) < 0 && errno == EINTR) {
        }
        if (batch_stop) {
            continue; /* stopped on purpose */
        }
        if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && rc == BEIAN_OK) {
            rc = WEXITSTATUS(status);
        } else if (WIFSIGNALED(status) && rc == BEIAN_OK) {
            rc = cli_error(BEIAN_EINTERNAL, "worker %d stopped by signal %d", i + 1,
                           WTERMSIG(status));
        }
    }
    return rc;
}

/* Rows the second pass found not to fit: their problems, and the todo list without them. */
static int drop_failed_rows(batch_run *run)
{
    size_t k = 0;
    for (size_t i = 0; i < run->ntodo; i++) {
        size_t row = run->todo[i];
        if (!run->valid[row]) {
            int rc = layout_problems(run, row);
            if (rc != BEIAN_OK) {
                return rc;
            }
            continue;
        }
        run->todo[k++] = row;
    }
    run->ntodo = k;
    return BEIAN_OK;
}

/* The print job, in memory: rendered before any file is written, so that a failure leaves
 * nothing behind. */
static int render_combined(batch_run *run, unsigned char **data, size_t *len)
{
    forget_message(run);
    int rc = beian_pdf_render(run->ctx, run->all, data, len);
    return rc == BEIAN_OK ? BEIAN_OK : report_internal(run, rc, NULL);
}

static int write_combined(const batch_run *run, const unsigned char *data, size_t len)
{
    int err = 0;
    int rc = beian_file_write_atomic(run->combined, data, len, &err);
    return rc == BEIAN_OK ? BEIAN_OK
                          : cli_error(rc, "%s: cannot write: %s", run->combined, strerror(err));
}

/* The print job's folder must exist (as for `fill -o`); said before any work is done. */
static int check_combined_dir(const batch_run *run)
{
    struct stat st;
    char *dir = beian_path_dirname(run->combined);
    int ok = dir && stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
    int rc = ok ? BEIAN_OK
                : cli_error(BEIAN_ECREATE, "%s: cannot write: the folder %s does not exist",
                            run->combined, dir ? dir : "?");
    free(dir);
    return rc;
}

/* Sum of the sizes of the PDFs the second pass moved into place. */
static int add_size(const batch_run *run, const char *tmp, const char *final, void *user)
{
    (void)run, (void)tmp;
    size_t *sum = user;
    struct stat st;
    size_t n = strlen(final);
    if (n > 4 && strcmp(final + n - 4, ".pdf") == 0 && stat(final, &st) == 0) {
        *sum += (size_t)st.st_size;
    }
    return BEIAN_OK;
}

static void mib(char *out, size_t size, size_t bytes)
{
    if (bytes >= 1024 * 1024) {
        snprintf(out, size, "%.1f MiB", (double)bytes / (1024.0 * 1024.0));
    } else {
        snprintf(out, size, "%.0f KiB", (double)bytes / 1024.0);
    }
}

/* ---- the command ---- */

static int parse_options(batch_run *run, int argc, char **argv)
{
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                             {"combined", required_argument, NULL, 'c'},
                                             {"png", required_argument, NULL, 'p'},
                                             {"dpi", required_argument, NULL, 'd'},
                                             {"skip-invalid", no_argument, NULL, 's'},
                                             {"force", no_argument, NULL, 'f'},
                                             {"jobs", required_argument, NULL, 'j'},
                                             {"encoding", required_argument, NULL, 'e'},
                                             {"sheet", required_argument, NULL, 'S'},
                                             {"quiet", no_argument, NULL, 'q'},
                                             {NULL, 0, NULL, 0}};
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:j:q", longopts, NULL)) != -1) {
        char *end = NULL;
        switch (c) {
        case 'o':
            run->out_dir = optarg;
            break;
        case 'c':
            run->combined = optarg;
            break;
        case 'p':
            run->png_dir = optarg;
            break;
        case 'd':
            run->dpi = strtod(optarg, &end);
            if (*end || run->dpi < 30 || run->dpi > 1200) {
                cli_error(BEIAN_EUSAGE, "--dpi takes a resolution from 30 to 1200, not \"%s\"",
                          optarg);
                return cli_usage("batch");
            }
            break;
        case 's':
            run->skip_invalid = 1;
            break;
        case 'f':
            run->force = 1;
            break;
        case 'j': {
            long j = strtol(optarg, &end, 10);
            if (*end || end == optarg || j < 1 || j > BATCH_MAX_JOBS) {
                cli_error(BEIAN_EUSAGE, "-j takes a number of workers from 1 to %d, not \"%s\"",
                          BATCH_MAX_JOBS, optarg);
                return cli_usage("batch");
            }
            run->jobs = (int)j;
            break;
        }
        case 'e':
            run->encoding = optarg;
            break;
        case 'S':
            run->sheet_name = optarg;
            break;
        case 'q':
            cli_quiet = 1;
            break;
        default:
            cli_error(BEIAN_EUSAGE, "batch: unknown option or missing value: %s", argv[optind - 1]);
            return cli_usage("batch");
        }
    }
    if (argc - optind != 2) {
        cli_error(BEIAN_EUSAGE, "batch: give the form and the sheet: beian batch FORM-ID FILE");
        return cli_usage("batch");
    }
    run->form_id = argv[optind];
    run->sheet_path = argv[optind + 1];
    if (!run->out_dir && !run->combined && !run->png_dir) {
        cli_error(BEIAN_EUSAGE, "batch: say where the forms go: -o DIR (one PDF per row), "
                                "--combined OUT.pdf (one print job), or --png DIR");
        return cli_usage("batch");
    }
    return BEIAN_OK;
}

static void run_free(batch_run *run)
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

/* Refuses to replace files without --force; nothing has been written when it says so. */
static int refuse_existing(const batch_run *run)
{
    exists_scan scan = {0, NULL, NULL};
    if (run->force) {
        return BEIAN_OK;
    }
    each_output(run, find_existing, &scan);
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
static int refuse_rows(batch_run *run)
{
    size_t nbad = 0;
    char *lines = list_bad_lines(run, &nbad);
    print_all_problems(run);
    cli_error(BEIAN_EDATA,
              "%s: %zu of %zu rows cannot be printed (line%s %s); nothing was "
              "written%s",
              run->sheet_path, nbad, run->nrows, nbad == 1 ? "" : "s", lines ? lines : "?",
              nbad < run->nrows && !run->skip_invalid
                  ? " (fix them, or print the other rows with --skip-invalid)"
                  : "");
    free(lines);
    return BEIAN_EDATA;
}

static int setup(batch_run *run)
{
    beian_sheet_options so = BEIAN_SHEET_OPTIONS_INIT;
    int rc = beian_form_load(run->ctx, run->form_id, &run->form, run->pr);
    if (rc == BEIAN_EDATA) {
        return cli_error(BEIAN_EUSAGE, "there is no form \"%s\" (see: beian forms)", run->form_id);
    }
    if (rc != BEIAN_OK) {
        return report_internal(run, rc, run->pr);
    }
    so.encoding = run->encoding;
    so.sheet_name = run->sheet_name;
    rc = beian_sheet_read_file(run->sheet_path, &so, &run->sheet, run->pr);
    if (rc != BEIAN_OK) {
        cli_print_problems(run->pr);
        return rc == BEIAN_EINTERNAL ? cli_error(rc, "%s: out of memory", run->sheet_path) : rc;
    }
    rc = beian_batch_new(run->form, run->sheet, &run->batch, run->pr);
    if (rc != BEIAN_OK) {
        return cli_error(rc, "out of memory");
    }
    run->nrows = beian_batch_rows(run->batch);
    size_t n = run->nrows ? run->nrows : 1;
    run->valid = calloc(n, 1);
    run->names = calloc(n, sizeof *run->names);
    run->row_pr = calloc(n, sizeof *run->row_pr);
    run->first_page = calloc(n, sizeof *run->first_page);
    run->npages = calloc(n, sizeof *run->npages);
    run->todo = calloc(n, sizeof *run->todo);
    if (!run->valid || !run->names || !run->row_pr || !run->first_page || !run->npages ||
        !run->todo) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    return BEIAN_OK;
}

/* The per-file outputs: rendered to temporary files, then moved into place in row order. */
static int write_files(batch_run *run)
{
    size_t moved = 0;
    int rc = BEIAN_OK;
    if ((run->out_dir && (rc = make_dir(run->out_dir, &run->made_out)) != BEIAN_OK) ||
        (run->png_dir && (rc = make_dir(run->png_dir, &run->made_png)) != BEIAN_OK)) {
        goto done;
    }
    catch_stop_signals(1);
    rc = render_files(run);
    catch_stop_signals(0);
    if (batch_stop) {
        rc = BEIAN_EIO;
        each_output(run, remove_tmp, NULL);
        cli_error(rc, "interrupted; nothing was written");
        goto done;
    }
    if (rc == BEIAN_OK && run->nfailed > 0) {
        /* rows whose text does not fit: list why; without --skip-invalid, keep nothing */
        if ((rc = drop_failed_rows(run)) == BEIAN_OK && !run->skip_invalid) {
            each_output(run, remove_tmp, NULL); /* the rows rendered before it was known */
            rc = refuse_rows(run);
            goto done;
        }
    }
    if (rc == BEIAN_OK) {
        rc = refuse_existing(run); /* every page is known now */
    }
    if (rc == BEIAN_OK && run->out_dir) {
        rc = sync_dir(run->out_dir);
    }
    if (rc == BEIAN_OK && run->png_dir) {
        rc = sync_dir(run->png_dir);
    }
    if (rc == BEIAN_OK) {
        rc = each_output(run, move_into_place, &moved);
    }
    if (rc != BEIAN_OK) {
        each_output(run, remove_tmp, NULL);
        if (moved == 0) {
            cli_error(rc, "nothing was written");
        }
        goto done;
    }
    /* the renames themselves */
    if ((run->out_dir && sync_dir(run->out_dir) != BEIAN_OK) ||
        (run->png_dir && sync_dir(run->png_dir) != BEIAN_OK)) {
        rc = BEIAN_EIO;
    }
done:
    if (rc != BEIAN_OK && moved == 0) {
        /* folders this run made and left empty go too: nothing was written */
        if (run->out_dir) {
            unmake_dir(run->out_dir, run->made_out);
        }
        if (run->png_dir) {
            unmake_dir(run->png_dir, run->made_png);
        }
    }
    return rc;
}

static void summary(batch_run *run, double secs, size_t combined_bytes)
{
    size_t nbad = 0;
    char *lines = list_bad_lines(run, &nbad);
    beian_buf s;
    char size[32];
    beian_buf_init(&s);
    beian_buf_appendf(&s, "%zu form%s from %s (%s):", run->ntodo, run->ntodo == 1 ? "" : "s",
                      run->sheet_path, beian_sheet_format(run->sheet));
    if (run->out_dir) {
        size_t bytes = 0;
        each_output(run, add_size, &bytes);
        mib(size, sizeof size, bytes);
        beian_buf_appendf(&s, " %zu PDF%s in %s (%s)", run->ntodo, run->ntodo == 1 ? "" : "s",
                          run->out_dir, size);
    }
    if (run->combined) {
        mib(size, sizeof size, combined_bytes);
        beian_buf_appendf(&s, "%s %s (%zu page%s, %s)", run->out_dir ? "," : "", run->combined,
                          run->all->npages, run->all->npages == 1 ? "" : "s", size);
    }
    if (run->png_dir) {
        beian_buf_appendf(&s, "%s previews in %s", run->out_dir || run->combined ? "," : "",
                          run->png_dir);
    }
    if (nbad) {
        beian_buf_appendf(&s, "; skipped %zu row%s with problems (line%s %s)", nbad,
                          nbad == 1 ? "" : "s", nbad == 1 ? "" : "s", lines ? lines : "?");
    }
    beian_buf_appendf(&s, "; %.2f s, %.0f forms/s", secs, secs > 0 ? (double)run->ntodo / secs : 0);
    beian_buf_terminate(&s);
    cli_note("%s", s.data ? (const char *)s.data : "done");
    beian_buf_release(&s);
    free(lines);
}

int cmd_batch(beian_ctx *ctx, int argc, char **argv)
{
    batch_run run;
    beian_layout_options lo = BEIAN_LAYOUT_OPTIONS_INIT;
    unsigned char *job = NULL;
    size_t job_len = 0;
    int rc;
    memset(&run, 0, sizeof run);
    run.ctx = ctx;
    run.dpi = 150;
    run.jobs = 1;
    run.layout = lo;
    run.pid = (long)getpid();
    double start = now();
    if ((rc = parse_options(&run, argc, argv)) != BEIAN_OK) {
        return rc;
    }
    run.bar = isatty(STDERR_FILENO) && !cli_quiet;
    if (!(run.pr = beian_problems_new())) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    if ((run.combined && (rc = check_combined_dir(&run)) != BEIAN_OK) ||
        (rc = setup(&run)) != BEIAN_OK) {
        goto done;
    }
    size_t header_errors = beian_problems_errors(run.pr);
    if (run.nrows == 0) {
        cli_print_problems(run.pr);
        rc = cli_error(BEIAN_EDATA, "%s: the sheet has a header row but no rows to print",
                       run.sheet_path);
        goto done;
    }
    /* pass 1 */
    run.t0 = now();
    if ((rc = check_rows(&run)) != BEIAN_OK) {
        goto done;
    }
    for (size_t r = 0; r < run.nrows; r++) {
        if (run.valid[r]) {
            run.todo[run.ntodo++] = r;
        }
    }
    if (header_errors > 0) {
        print_all_problems(&run);
        rc = cli_error(BEIAN_EDATA,
                       "%s: the header row has %zu problem%s; nothing was written (the columns "
                       "%s takes: beian forms %s)",
                       run.sheet_path, header_errors, header_errors == 1 ? "" : "s", run.form->id,
                       run.form->id);
        goto done;
    }
    if (run.ntodo < run.nrows && (!run.skip_invalid || run.ntodo == 0)) {
        /* refused: list the layout problems of the other rows too, all in one go */
        for (size_t i = 0; !run.all && i < run.ntodo; i++) {
            if ((rc = layout_problems(&run, run.todo[i])) != BEIAN_OK) {
                goto done;
            }
        }
        rc = refuse_rows(&run);
        goto done;
    }
    if ((rc = refuse_existing(&run)) != BEIAN_OK) {
        goto done;
    }
    /* pass 2 */
    if (run.combined && (rc = render_combined(&run, &job, &job_len)) != BEIAN_OK) {
        goto done;
    }
    if ((run.out_dir || run.png_dir) && (rc = write_files(&run)) != BEIAN_OK) {
        if (batch_stop) {
            /* cleaned up: now die of the signal, as the shell and the caller expect */
            int sig = batch_stop;
            free(job);
            run_free(&run);
            raise(sig);
            return rc;
        }
        goto done;
    }
    if (run.combined && (rc = write_combined(&run, job, job_len)) != BEIAN_OK) {
        goto done;
    }
    print_all_problems(&run); /* the skipped rows', and any warnings */
    summary(&run, now() - start, job_len);
    rc = BEIAN_OK;
done:
    free(job);
    run_free(&run);
    return rc;
}
