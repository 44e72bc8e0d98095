/*
 * batch_render.c - the second pass of `beian batch` (batch_render.h): one PDF (and PNG
 * previews) per row, written to temporary files and moved to their names only when every
 * row has been rendered.
 *
 * -j N forks N workers, after the fonts are parsed and (with --combined) every row is laid
 * out: the workers share both copy-on-write and need no locking (a context is not
 * thread-safe; a process is its own context). Row i goes to worker i mod N; each file's bytes
 * depend only on its row, so the output is the same for any N. Workers report each row on a
 * pipe in one short line (written at once, so lines of different workers never mix): "D row
 * pages" when it is rendered, "L row" when it does not fit, "E" when rendering failed (the
 * worker has said why on stderr).
 */
#define _GNU_SOURCE
#include "batch_render.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"
#include "beian/pdf.h"
#include "beian/png.h"
#include "beian/record.h"
#include "batch_files.h"
#include "cli.h"

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

/* ---- the second pass ---- */

enum { RENDER_ALL, RENDER_LAYOUT_ONLY };

/* Writes one rendered output of row (the PDF, or PNG page `page`) to its temporary file and
 * frees *data (set to NULL), whether or not the write succeeded. */
static int write_output(batch_run *run, size_t row, int png, size_t page, unsigned char **data,
                        size_t len)
{
    char *path = batch_out_path(run, row, png, page, 1);
    int rc = path ? batch_files_write_new(path, *data, len)
                  : cli_error(BEIAN_EINTERNAL, "out of memory");
    free(path);
    free(*data);
    *data = NULL;
    return rc;
}

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
        batch_forget_message(run);
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
            rc = batch_report_internal(run, rc, pr);
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
        batch_forget_message(run);
        rc = beian_pdf_render(run->ctx, dl, &data, &len);
        if (rc != BEIAN_OK) {
            rc = batch_report_internal(run, rc, NULL);
            goto done;
        }
        rc = write_output(run, row, 0, 0, &data, len);
        if (rc != BEIAN_OK) {
            goto done;
        }
    }
    for (size_t p = 0; run->png_dir && p < dl->npages; p++) {
        batch_forget_message(run);
        rc = beian_png_render(run->ctx, dl, p, run->dpi, &data, &len);
        if (rc != BEIAN_OK) {
            rc = batch_report_internal(run, rc, NULL);
            goto done;
        }
        rc = write_output(run, row, 1, p, &data, len);
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
        batch_progress(run, "printing", done, run->ntodo, 0);
    }
    batch_progress(run, "printing", done, run->ntodo, 1);
    return rc;
}

static int render_files(batch_run *run)
{
    int jobs = run->jobs;
    if ((size_t)jobs > run->ntodo) {
        jobs = (int)run->ntodo;
    }
    run->t0 = batch_now();
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
            batch_progress(run, "printing", i + 1, run->ntodo, i + 1 == run->ntodo);
            if (batch_stop) {
                batch_progress(run, "printing", i + 1, run->ntodo, 1);
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
            int rc = batch_layout_problems(run, row);
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

/* The per-file outputs: rendered to temporary files, then moved into place in row order. */
int batch_render_write_files(batch_run *run)
{
    size_t moved = 0;
    int rc = BEIAN_OK;
    if ((run->out_dir && (rc = batch_files_make_dir(run->out_dir, &run->made_out)) != BEIAN_OK) ||
        (run->png_dir && (rc = batch_files_make_dir(run->png_dir, &run->made_png)) != BEIAN_OK)) {
        goto done;
    }
    catch_stop_signals(1);
    rc = render_files(run);
    catch_stop_signals(0);
    if (batch_stop) {
        rc = BEIAN_EIO;
        batch_files_remove_tmp(run);
        cli_error(rc, "interrupted; nothing was written");
        goto done;
    }
    if (rc == BEIAN_OK && run->nfailed > 0) {
        /* rows whose text does not fit: list why; without --skip-invalid, keep nothing */
        if ((rc = drop_failed_rows(run)) == BEIAN_OK && !run->skip_invalid) {
            batch_files_remove_tmp(run); /* the rows rendered before it was known */
            rc = batch_refuse_rows(run);
            goto done;
        }
    }
    if (rc == BEIAN_OK) {
        rc = batch_refuse_existing(run); /* every page is known now */
    }
    if (rc == BEIAN_OK && run->out_dir) {
        rc = batch_files_sync_dir(run->out_dir);
    }
    if (rc == BEIAN_OK && run->png_dir) {
        rc = batch_files_sync_dir(run->png_dir);
    }
    if (rc == BEIAN_OK) {
        rc = batch_files_move(run, &moved);
    }
    if (rc != BEIAN_OK) {
        batch_files_remove_tmp(run);
        if (moved == 0) {
            cli_error(rc, "nothing was written");
        }
        goto done;
    }
    /* the renames themselves: only the folders changed since the syncfs */
    if ((run->out_dir && batch_files_sync_renames(run->out_dir) != BEIAN_OK) ||
        (run->png_dir && batch_files_sync_renames(run->png_dir) != BEIAN_OK)) {
        rc = BEIAN_EIO;
    }
done:
    if (rc != BEIAN_OK && moved == 0) {
        /* folders this run made and left empty go too: nothing was written */
        if (run->out_dir) {
            batch_files_unmake_dir(run->out_dir, run->made_out);
        }
        if (run->png_dir) {
            batch_files_unmake_dir(run->png_dir, run->made_png);
        }
    }
    return rc;
}

int batch_render_stop_signal(void)
{
    return batch_stop;
}
