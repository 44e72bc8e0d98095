/*
 * cmd_batch.c - `beian batch`: one printed form per row of a spreadsheet.
 *
 * The first pass builds every row's record and validates it, collecting every problem of
 * every row; with --combined it also lays every row out, since the print job needs all the
 * pages. It names each output file and refuses to replace existing ones without --force.
 * If a row cannot be printed (and --skip-invalid was not given) the problems are listed
 * and nothing is written.
 *
 * The second pass renders: one PDF (and PNG previews) per row, written to temporary
 * files in the output folder and moved to their names, in row order, only when every row
 * has been rendered; and/or the combined print job, which is the display lists of all rows
 * rendered as one document so that each font is embedded once. Per file, a row is laid out
 * only in the second pass (layout is a tenth of a form's cost): a row whose text does not
 * fit its cell is found there, the temporary files are removed, and the problems of every
 * such row are listed, so nothing is written then either.
 *
 * The files: batch_run.c (what the parts share), batch_files.c (the folders, the temporary
 * files and the one sync), batch_render.c (the second pass, on -j N workers), and this file
 * (the options, the first pass, the print job and the summary).
 */
#define _GNU_SOURCE
#include "cmd_batch.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "beian/batch.h"
#include "beian/font.h"
#include "beian/form.h"
#include "beian/layout.h"
#include "beian/pdf.h"
#include "beian/record.h"
#include "beian/sheet.h"
#include "batch_render.h"
#include "batch_run.h"
#include "cli.h"

enum { OPT_OUT = 1, OPT_COMBINED, OPT_PNG, OPT_DPI, OPT_SKIP_INVALID, OPT_FORCE, OPT_JOBS,
       OPT_ENCODING, OPT_SHEET, OPT_STRICT };

static const cli_option options[] = {
    {OPT_OUT, 'o', "output", "DIR",
     "one PDF per row, named DIR/0002-<group or platform name>.pdf (its row in Excel)"},
    {OPT_COMBINED, 0, "combined", "OUT.pdf",
     "one print job with every form in row order (fonts embedded once)"},
    {OPT_PNG, 0, "png", "DIR",
     "a PNG preview per row (DIR/0002-<name>.png; more pages -2.png ...)"},
    {OPT_DPI, 0, "dpi", "N", "preview resolution (default 150)"},
    {OPT_SKIP_INVALID, 0, "skip-invalid", NULL,
     "print the rows that are right and list the others (exit 0 when at least one row was "
     "printed)"},
    {OPT_FORCE, 0, "force", NULL, "replace files that already exist in DIR (never without it)"},
    {OPT_JOBS, 'j', "jobs", "N", "render on N processes (default 1); the output is the same"},
    {OPT_ENCODING, 0, "encoding", "ENC",
     "the CSV's encoding when detection fails: utf-8, gb18030 (also GBK and GB2312), utf-16 "
     "(default: byte-order mark, else UTF-8 if the file is valid UTF-8, else GB18030)"},
    {OPT_SHEET, 0, "sheet", "NAME", "the worksheet of an .xlsx workbook (default: the first)"},
    {OPT_STRICT, 0, "strict", NULL,
     "refuse a column that is no field of the form (default: ignore it with a note)"},
    CLI_OPTION_QUIET("no progress bar and no summary line"),
    CLI_OPTIONS_END,
};

const cli_spec cmd_batch_spec = {
    .name = "batch",
    .summary = "print one form per row of a spreadsheet (CSV or .xlsx)",
    .usage = "beian batch FORM-ID FILE -o DIR|--combined OUT.pdf|--png DIR [options]",
    .description =
        "Prints one form per row of FILE: a CSV file as Excel or WPS saves it (GB18030/GBK, "
        "UTF-8 with or without BOM, or UTF-16 \"Unicode 文本\" with tabs) or an .xlsx workbook. "
        "The first row names the fields, by id or Chinese label (see: beian forms FORM-ID); "
        "a column that is no field (序号, 备注) is ignored with a note, and a header the paper "
        "form repeats (手机, 姓名) is read by its place. Rows are named by their numbers in "
        "Excel, in messages and in the file names (0002-... is row 2).\n\n"
        "Every row is checked before anything is written: if a row has a problem, every problem "
        "of every row is listed as FILE:ROW: field (label): what (a problem repeated down a "
        "column once, with its rows), nothing is written, and the "
        "exit code is 65. Keep phone numbers as text: a column Excel shows as 1.39E+10 is "
        "refused.\n\n"
        "A progress bar shows on stderr when it is a terminal; a one-line summary ends the run.",
    .options = options,
    .example = "beian batch workgroup-filing 工作群.xlsx -o out/ --combined out/all.pdf -j 2",
};

/* The value of one of batch's options (id OPT_*); BEIAN_OK or BEIAN_EUSAGE (said why). */
static int batch_option(batch_run *run, int id, const char *value)
{
    char *end = NULL;
    switch (id) {
    case OPT_OUT:
        run->out_dir = value;
        break;
    case OPT_COMBINED:
        run->combined = value;
        break;
    case OPT_PNG:
        run->png_dir = value;
        break;
    case OPT_DPI:
        return cli_option_dpi(value, &run->dpi);
    case OPT_SKIP_INVALID:
        run->skip_invalid = 1;
        break;
    case OPT_FORCE:
        run->force = 1;
        break;
    case OPT_JOBS: {
        long j = strtol(value, &end, 10);
        if (*end || end == value || j < 1 || j > BATCH_MAX_JOBS) {
            return cli_error(BEIAN_EUSAGE, "-j takes a number of workers from 1 to %d, not \"%s\"",
                             BATCH_MAX_JOBS, value);
        }
        run->jobs = (int)j;
        break;
    }
    case OPT_ENCODING:
        run->encoding = value;
        break;
    case OPT_SHEET:
        run->sheet_name = value;
        break;
    case OPT_STRICT:
        run->strict = 1;
        break;
    }
    return BEIAN_OK;
}

/* ---- the first pass: every row checked (and, for a print job, laid out) ---- */

static int check_rows(batch_run *run)
{
    beian_fonts *fonts = NULL;
    int rc = beian_ctx_fonts(run->ctx, &fonts); /* parsed once, before any fork */
    if (rc != BEIAN_OK) {
        return batch_report_internal(run, rc, NULL);
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
        beian_problems *pr = batch_row_problems(run, r);
        if (!pr) {
            return cli_error(BEIAN_EINTERNAL, "out of memory");
        }
        batch_forget_message(run);
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
            return batch_report_internal(run, rc, pr);
        }
        if (beian_problems_count(pr) == 0) {
            beian_problems_free(pr);
            run->row_pr[r] = NULL;
        }
        batch_progress(run, "checking", r + 1, run->nrows, r + 1 == run->nrows);
    }
    return BEIAN_OK;
}

/* The print job, in memory: rendered before any file is written, so that a failure leaves
 * nothing behind. */
static int render_combined(batch_run *run, unsigned char **data, size_t *len)
{
    batch_forget_message(run);
    int rc = beian_pdf_render(run->ctx, run->all, data, len);
    return rc == BEIAN_OK ? BEIAN_OK : batch_report_internal(run, rc, NULL);
}

static int write_combined(const batch_run *run, const unsigned char *data, size_t len)
{
    return cli_write_file(run->combined, data, len);
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
    const char *args[2] = {NULL, NULL};
    int nargs = 0, id;
    cli_args a;
    cli_args_init(&a, &cmd_batch_spec, argc, argv);
    while ((id = cli_args_next(&a)) != CLI_ARGS_END) {
        if (id == CLI_ARGS_BAD) {
            return BEIAN_EUSAGE;
        } else if (id == CLI_ARGS_ARG) {
            if (nargs < 2) {
                args[nargs] = a.value;
            }
            nargs++;
        } else if (batch_option(run, id, a.value) != BEIAN_OK) {
            return cli_usage(&cmd_batch_spec);
        }
    }
    if (nargs != 2) {
        cli_error(BEIAN_EUSAGE, "batch: give the form and the sheet: beian batch FORM-ID FILE");
        return cli_usage(&cmd_batch_spec);
    }
    run->form_id = args[0];
    run->sheet_path = args[1];
    if (!run->out_dir && !run->combined && !run->png_dir) {
        cli_error(BEIAN_EUSAGE, "batch: say where the forms go: -o DIR (one PDF per row), "
                                "--combined OUT.pdf (one print job), or --png DIR");
        return cli_usage(&cmd_batch_spec);
    }
    return BEIAN_OK;
}

static int setup(batch_run *run)
{
    beian_sheet_options so = BEIAN_SHEET_OPTIONS_INIT;
    int rc = beian_form_load(run->ctx, run->form_id, &run->form, run->pr);
    if (rc == BEIAN_EDATA) {
        return cli_error(BEIAN_EUSAGE, "there is no form \"%s\" (see: beian forms)", run->form_id);
    }
    if (rc != BEIAN_OK) {
        return batch_report_internal(run, rc, run->pr);
    }
    so.encoding = run->encoding;
    so.sheet_name = run->sheet_name;
    rc = beian_sheet_read_file(run->sheet_path, &so, &run->sheet, run->pr);
    if (rc != BEIAN_OK) {
        cli_print_problems(run->pr);
        return rc == BEIAN_EINTERNAL ? cli_error(rc, "%s: out of memory", run->sheet_path) : rc;
    }
    beian_batch_options bo = BEIAN_BATCH_OPTIONS_INIT;
    bo.strict = run->strict;
    rc = beian_batch_open(run->form, run->sheet, &bo, &run->batch, run->pr);
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

static void summary(batch_run *run, double secs, size_t combined_bytes)
{
    size_t nbad = 0;
    char *lines = batch_list_bad_lines(run, &nbad);
    beian_buf s;
    char size[32];
    beian_buf_init(&s);
    beian_buf_appendf(&s, "%zu form%s from %s (%s):", run->ntodo, run->ntodo == 1 ? "" : "s",
                      run->sheet_path, beian_sheet_format(run->sheet));
    if (run->out_dir) {
        size_t bytes = 0;
        batch_each_output(run, add_size, &bytes);
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
        beian_buf_appendf(&s, "; skipped %zu row%s with problems (%s)", nbad,
                          nbad == 1 ? "" : "s", lines ? lines : "?");
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
    double start = batch_now();
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
    run.t0 = batch_now();
    if ((rc = check_rows(&run)) != BEIAN_OK) {
        goto done;
    }
    for (size_t r = 0; r < run.nrows; r++) {
        if (run.valid[r]) {
            run.todo[run.ntodo++] = r;
        }
    }
    if (header_errors > 0) {
        batch_print_all_problems(&run);
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
            if ((rc = batch_layout_problems(&run, run.todo[i])) != BEIAN_OK) {
                goto done;
            }
        }
        rc = batch_refuse_rows(&run);
        goto done;
    }
    if ((rc = batch_refuse_existing(&run)) != BEIAN_OK) {
        goto done;
    }
    /* pass 2 */
    if (run.combined && (rc = render_combined(&run, &job, &job_len)) != BEIAN_OK) {
        goto done;
    }
    if ((run.out_dir || run.png_dir) && (rc = batch_render_write_files(&run)) != BEIAN_OK) {
        if (batch_render_stop_signal()) {
            /* cleaned up: now die of the signal, as the shell and the caller expect */
            int sig = batch_render_stop_signal();
            free(job);
            batch_run_free(&run);
            raise(sig);
            return rc;
        }
        goto done;
    }
    if (run.combined && (rc = write_combined(&run, job, job_len)) != BEIAN_OK) {
        goto done;
    }
    batch_print_all_problems(&run); /* the skipped rows', and any warnings */
    summary(&run, batch_now() - start, job_len);
    rc = BEIAN_OK;
done:
    free(job);
    batch_run_free(&run);
    return rc;
}
