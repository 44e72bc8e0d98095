/*
 * cmd_submit_sheet.c - `beian submit` and `beian check` given the office's sheet (CSV or
 * .xlsx, read as `beian batch` reads it) instead of one data file.
 *
 * First every row is built and checked, and laid out (a text too long for its cell is found
 * now, not in the middle of the filing): when a row has a problem every problem of every row
 * is listed and nothing is filed (with --skip-invalid the other rows are). Then the archive's
 * lock is taken once (beian_archive_hold) and each row is filed as its own record, one commit
 * each: a crash leaves the rows before it filed and at most one commit half done, which
 * `beian fsck` completes or removes, as for any filing. A row whose data the archive already
 * holds (the same digest: the sheet filed again after a crash, or twice by mistake) is not
 * numbered again: "row 7 is already QUN-2026-0031", so a second run completes the rest.
 *
 * stdout gets the table of sheet rows and their numbers (--format csv: CSV with a BOM, for
 * Excel); -o DIR and --combined write the printed forms, with their numbers, to sign.
 */
#define _GNU_SOURCE
#include "cmd_submit_sheet.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "util.h"
#include "beian/archive.h"
#include "beian/batch.h"
#include "beian/dlist.h"
#include "beian/form.h"
#include "beian/layout.h"
#include "beian/pdf.h"
#include "beian/record.h"
#include "beian/render.h"
#include "beian/sheet.h"
#include "batch_files.h"
#include "cli.h"
#include "cli_table.h"

int sheet_option(sheet_options *o, const char *command, int id, const char *option,
                 const char *value)
{
    if (!o->given[0]) {
        snprintf(o->given, sizeof o->given, "%s", option);
    }
    switch (id) {
    case SHEET_OPT_SKIP_INVALID:
        o->skip_invalid = 1;
        break;
    case SHEET_OPT_COMBINED:
        o->combined = value;
        break;
    case SHEET_OPT_FORMAT:
        if (strcmp(value, "csv") != 0 && strcmp(value, "table") != 0) {
            return cli_error(BEIAN_EUSAGE, "%s: --format is table or csv, not \"%s\"", command,
                             value);
        }
        o->csv = strcmp(value, "csv") == 0;
        break;
    case SHEET_OPT_ENCODING:
        o->encoding = value;
        break;
    case SHEET_OPT_SHEET:
        o->sheet_name = value;
        break;
    case SHEET_OPT_STRICT:
        o->strict = 1;
        break;
    case SHEET_OPT_FORCE:
        o->force = 1;
        break;
    }
    return BEIAN_OK;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), t = strlen(tail);
    return n >= t && strcasecmp(s + n - t, tail) == 0;
}

int sheet_args_name_sheet(const char *const *args, int nargs)
{
    if (nargs == 2) {
        return 1; /* FORM-ID SHEET */
    }
    if (nargs != 1) {
        return 0;
    }
    const char *p = args[0];
    if (ends_with(p, ".csv") || ends_with(p, ".tsv") || ends_with(p, ".xlsx") ||
        ends_with(p, ".xls") || ends_with(p, ".ods")) {
        return 1;
    }
    unsigned char head[4] = {0};
    FILE *f = fopen(p, "rb");
    size_t n = f ? fread(head, 1, sizeof head, f) : 0;
    if (f) {
        fclose(f);
    }
    return n == 4 && memcmp(head, "PK\3\4", 4) == 0;
}

/* ---- the sheet, its rows and their checks ---- */

typedef struct {
    beian_ctx *ctx;
    const char *path;
    beian_form *form;
    beian_sheet *sheet;
    beian_batch *batch;
    beian_problems *pr;      /* the header's */
    beian_problems **row_pr; /* per row, NULL when none */
    beian_problems **row_warn; /* per row: the checks before signing, said once at the end */
    beian_record **recs;     /* per valid row */
    size_t nrows, nvalid;
} sheet_job;

static void job_free(sheet_job *j)
{
    for (size_t r = 0; r < j->nrows; r++) {
        beian_problems_free(j->row_pr ? j->row_pr[r] : NULL);
        beian_problems_free(j->row_warn ? j->row_warn[r] : NULL);
        beian_record_free(j->recs ? j->recs[r] : NULL);
    }
    free(j->row_pr);
    free(j->row_warn);
    free(j->recs);
    beian_batch_free(j->batch);
    beian_sheet_free(j->sheet);
    beian_form_free(j->form);
    beian_problems_free(j->pr);
}

/* The one form whose columns the sheet's header names without a problem, or NULL. */
static char *guess_form(sheet_job *j, const sheet_options *o)
{
    char **ids = NULL, *found = NULL;
    size_t n = 0, hits = 0;
    if (beian_form_ids(j->ctx, &ids, &n) != BEIAN_OK) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        beian_form *form = NULL;
        beian_batch *b = NULL;
        beian_problems *pr = beian_problems_new();
        beian_batch_options bo = BEIAN_BATCH_OPTIONS_INIT;
        bo.strict = o->strict;
        if (pr && beian_form_load(j->ctx, ids[i], &form, pr) == BEIAN_OK &&
            beian_batch_open(form, j->sheet, &bo, &b, pr) == BEIAN_OK &&
            beian_problems_errors(pr) == 0) {
            hits++;
            free(found);
            found = beian_strdup(ids[i]);
        }
        beian_batch_free(b);
        beian_form_free(form);
        beian_problems_free(pr);
    }
    beian_form_ids_free(ids, n);
    if (hits != 1) {
        free(found);
        return NULL;
    }
    return found;
}

/* Reads the sheet and maps its columns to the form's fields (the form given, or the one its
 * header names). */
static int job_open(beian_ctx *ctx, const char *command, const char *const *args, int nargs,
                    const sheet_options *o, sheet_job *j)
{
    beian_sheet_options so = BEIAN_SHEET_OPTIONS_INIT;
    char *guessed = NULL;
    memset(j, 0, sizeof *j);
    j->ctx = ctx;
    j->path = args[nargs - 1];
    if (!(j->pr = beian_problems_new())) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    so.encoding = o->encoding;
    so.sheet_name = o->sheet_name;
    int rc = beian_sheet_read_file(j->path, &so, &j->sheet, j->pr);
    if (rc != BEIAN_OK) {
        cli_print_problems(j->pr);
        if (rc == BEIAN_ENOINPUT && beian_problems_count(j->pr) == 0) {
            cli_error(rc, "%s: cannot read the sheet: %s", j->path, strerror(errno));
        }
        return rc == BEIAN_EINTERNAL ? cli_error(rc, "%s: out of memory", j->path) : rc;
    }
    const char *form_id = nargs == 2 ? args[0] : NULL;
    if (!form_id) {
        form_id = guessed = guess_form(j, o);
        if (!form_id) {
            return cli_error(BEIAN_EUSAGE,
                             "%s: say which form the sheet's rows fill: beian %s FORM-ID %s "
                             "(see: beian forms)",
                             j->path, command, j->path);
        }
        cli_note("%s: its columns are those of %s", j->path, form_id);
    }
    rc = beian_form_load(ctx, form_id, &j->form, j->pr);
    if (rc == BEIAN_EDATA) {
        free(guessed);
        return cli_error(BEIAN_EUSAGE, "there is no form \"%s\" (see: beian forms)", form_id);
    }
    free(guessed);
    if (rc != BEIAN_OK) {
        return cli_report(ctx, rc, j->pr);
    }
    beian_batch_options bo = BEIAN_BATCH_OPTIONS_INIT;
    bo.strict = o->strict;
    if (beian_batch_open(j->form, j->sheet, &bo, &j->batch, j->pr) != BEIAN_OK) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    j->nrows = beian_batch_rows(j->batch);
    j->row_pr = calloc(j->nrows ? j->nrows : 1, sizeof *j->row_pr);
    j->recs = calloc(j->nrows ? j->nrows : 1, sizeof *j->recs);
    j->row_warn = calloc(j->nrows ? j->nrows : 1, sizeof *j->row_warn);
    for (size_t r = 0; j->row_warn && r < j->nrows; r++) {
        if (!(j->row_warn[r] = beian_problems_new())) {
            return cli_error(BEIAN_EINTERNAL, "out of memory");
        }
    }
    if (!j->row_pr || !j->recs || !j->row_warn) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    return BEIAN_OK;
}

/* Every row built, validated and laid out; prints every problem (a problem repeated down a
 * column once). BEIAN_OK when the header has no error and at least one row is right. */
static int job_check(sheet_job *j)
{
    beian_layout_options lo = BEIAN_LAYOUT_OPTIONS_INIT;
    int rc = BEIAN_OK;
    for (size_t r = 0; r < j->nrows; r++) {
        beian_dlist *dl = NULL;
        if (!(j->row_pr[r] = beian_problems_new())) {
            return cli_error(BEIAN_EINTERNAL, "out of memory");
        }
        beian_ctx_fail(j->ctx, BEIAN_OK, "%s", "");
        rc = beian_batch_record(j->batch, r, &j->recs[r], j->row_pr[r]);
        if (rc == BEIAN_OK) {
            rc = beian_layout_form(j->ctx, j->form, j->recs[r], &lo, &dl, j->row_pr[r]);
        }
        beian_dlist_free(dl);
        if (rc == BEIAN_OK) {
            j->nvalid++;
        } else {
            beian_record_free(j->recs[r]);
            j->recs[r] = NULL;
        }
        if (rc != BEIAN_OK && rc != BEIAN_EDATA) {
            return cli_report(j->ctx, rc, j->row_pr[r]);
        }
    }
    size_t header_errors = beian_problems_errors(j->pr);
    beian_problems *all = beian_problems_new();
    if (!all || beian_problems_take(all, j->pr) != BEIAN_OK ||
        beian_batch_merge_problems(j->row_pr, j->nrows, all) != BEIAN_OK) {
        beian_problems_free(all);
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    cli_print_problems(all);
    beian_problems_free(all);
    if (header_errors > 0) {
        return cli_error(BEIAN_EDATA,
                         "%s: the header row has %zu problem%s; nothing was done (the columns "
                         "%s takes: beian forms %s)",
                         j->path, header_errors, header_errors == 1 ? "" : "s", j->form->id,
                         j->form->id);
    }
    if (j->nrows == 0) {
        return cli_error(BEIAN_EDATA, "%s: the sheet has a header row but no rows", j->path);
    }
    return BEIAN_OK;
}

/* The checks before signing of every row, a warning repeated down the sheet said once with
 * its rows. */
static void job_print_warnings(const sheet_job *j)
{
    beian_problems *all = beian_problems_new();
    if (!all || beian_batch_merge_problems(j->row_warn, j->nrows, all) != BEIAN_OK) {
        cli_error(BEIAN_EINTERNAL, "out of memory");
    } else {
        cli_print_problems(all);
    }
    beian_problems_free(all);
}

/* "rows 4, 7": the rows that are not right (malloc'd). */
static char *bad_rows(const sheet_job *j, size_t *count)
{
    int *rows = calloc(j->nrows ? j->nrows : 1, sizeof *rows);
    size_t n = 0;
    if (!rows) {
        return NULL;
    }
    for (size_t r = 0; r < j->nrows; r++) {
        if (!j->recs[r]) {
            rows[n++] = beian_batch_row_number(j->batch, r);
        }
    }
    *count = n;
    char *s = beian_batch_format_rows(rows, n);
    free(rows);
    return s;
}

/* Refuses a sheet with a bad row (unless --skip-invalid and a row is right). */
static int job_refuse(const sheet_job *j, const sheet_options *o, const char *what)
{
    if (j->nvalid == j->nrows || (o->skip_invalid && j->nvalid > 0)) {
        return BEIAN_OK;
    }
    size_t nbad = 0;
    char *rows = bad_rows(j, &nbad);
    cli_error(BEIAN_EDATA, "%s: %zu of %zu rows have problems (%s); %s%s", j->path, nbad,
              j->nrows, rows ? rows : "?", what,
              o->skip_invalid ? "" : " (--skip-invalid files the others)");
    free(rows);
    return BEIAN_EDATA;
}

int sheet_check_run(beian_ctx *ctx, const char *const *args, int nargs, const char *archive_dir,
                    const sheet_options *o)
{
    sheet_job j;
    beian_archive *ar = NULL;
    beian_archive_options ao = BEIAN_ARCHIVE_OPTIONS_INIT;
    int rc = job_open(ctx, "check", args, nargs, o, &j);
    if (rc == BEIAN_OK) {
        rc = job_check(&j);
    }
    if (rc == BEIAN_OK) {
        ao.dir = archive_dir;
        if (beian_archive_open(ctx, &ao, 0, &ar) != BEIAN_OK) {
            ar = NULL; /* no archive to compare with */
        }
        for (size_t r = 0; r < j.nrows; r++) {
            char **w = NULL;
            size_t n = 0;
            if (j.recs[r] &&
                cli_archive_warnings_keep(ar, j.recs[r], NULL, &w, &n, j.row_warn[r],
                                          beian_batch_row_number(j.batch, r)) != BEIAN_OK) {
                cli_note("the checks before signing could not run (out of memory)");
            }
            for (size_t i = 0; i < n; i++) {
                free(w[i]);
            }
            free(w);
        }
        job_print_warnings(&j);
        if (j.nvalid < j.nrows) {
            size_t nbad = 0;
            char *rows = bad_rows(&j, &nbad);
            rc = cli_error(BEIAN_EDATA, "%s: %zu of %zu rows have problems (%s)", j.path, nbad,
                           j.nrows, rows ? rows : "?");
            free(rows);
        } else {
            printf("%s: ok (%zu row%s, form %s, %s%s)\n", j.path, j.nrows,
                   j.nrows == 1 ? "" : "s", j.form->id, j.form->attachment, j.form->title[1]);
        }
    }
    beian_archive_free(ar);
    job_free(&j);
    return rc;
}

/* ---- filing ---- */

/* What became of one row. */
typedef struct {
    char record_no[BEIAN_RECORD_NO_SIZE];
    int version;
    char date[BEIAN_DATE_SIZE]; /* the filing's */
    int already;                /* filed before (this run's row, or an earlier run) */
    int printable;              /* its form is still the one to sign (v1, submitted) */
    unsigned char *pdf;         /* filed now: the printed form */
    size_t pdf_len;
} row_result;

/* The archive's data digests, and each row filed now added to them. */
typedef struct {
    beian_filed_data *d;
    size_t n, cap;
} filed_set;

static const beian_filed_data *filed_find(const filed_set *f, const char *sha)
{
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->d[i].record_sha, sha) == 0) {
            return &f->d[i];
        }
    }
    return NULL;
}

static int filed_add(filed_set *f, const row_result *r, const char *sha)
{
    if (BEIAN_ARRAY_GROW(f->d, f->cap, f->n + 1) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    beian_filed_data *d = &f->d[f->n++];
    memset(d, 0, sizeof *d);
    memcpy(d->record_no, r->record_no, sizeof d->record_no);
    d->version = d->latest = r->version;
    memcpy(d->date, r->date, sizeof d->date);
    memcpy(d->record_sha, sha, BEIAN_ARCHIVE_HASH_SIZE);
    d->state = BEIAN_STATE_SUBMITTED;
    return BEIAN_OK;
}

/* Files row r (or recognises it); BEIAN_OK, or the failure after saying it. */
static int file_row(sheet_job *j, beian_archive *ar, const sheet_submit *s, size_t r,
                    filed_set *filed, row_result *out)
{
    beian_record *rec = j->recs[r];
    int row = beian_batch_row_number(j->batch, r);
    const char *date = s->common->date[0] ? s->common->date : rec->date;
    char sha[BEIAN_ARCHIVE_HASH_SIZE];
    if (!rec->date && !(rec->date = beian_strdup(date))) {
        return cli_error(BEIAN_EINTERNAL, "out of memory"); /* as the commit would date it */
    }
    if (beian_record_digest(rec, sha) != BEIAN_OK) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    const beian_filed_data *d = filed_find(filed, sha);
    if (d) {
        memcpy(out->record_no, d->record_no, sizeof out->record_no);
        out->version = d->version;
        memcpy(out->date, d->date, sizeof out->date);
        out->already = 1;
        out->printable = d->version == 1 && d->latest == 1 && d->state == BEIAN_STATE_SUBMITTED;
        if (d->version == 1) {
            cli_note("%s: row %d is already %s (filed %s); skipped", j->path, row, d->record_no,
                     d->date);
        } else {
            cli_note("%s: row %d is already %s v%d (filed %s); skipped", j->path, row,
                     d->record_no, d->version, d->date);
        }
        return BEIAN_OK;
    }
    char **warnings = NULL;
    size_t n_warnings = 0;
    beian_problems *pr = beian_problems_new();
    beian_commit_result res;
    memset(&res, 0, sizeof res);
    int rc = pr ? cli_archive_warnings_keep(ar, rec, NULL, &warnings, &n_warnings, j->row_warn[r],
                                            row)
                : BEIAN_EINTERNAL;
    if (rc == BEIAN_OK) {
        beian_event ev = BEIAN_EVENT_INIT;
        ev.kind = BEIAN_EVENT_SUBMITTED;
        ev.date = date;
        ev.record = rec;
        ev.opened_on = s->opened_on;
        ev.date_confirmed = s->date_confirmed;
        ev.warnings = (const char *const *)warnings;
        ev.n_warnings = n_warnings;
        rc = beian_archive_commit(ar, NULL, &ev, &res, pr);
        if (rc != BEIAN_OK) {
            cli_report(j->ctx, rc, pr);
            cli_error(rc, "%s: row %d: nothing was filed for it", j->path, row);
        }
    } else {
        cli_error(rc, "out of memory");
    }
    if (rc == BEIAN_OK) {
        cli_print_problems(pr); /* warnings */
        memcpy(out->record_no, res.record_no, sizeof out->record_no);
        out->version = res.version;
        memcpy(out->date, date, BEIAN_DATE_SIZE);
        out->printable = 1;
        out->pdf = res.pdf;
        out->pdf_len = res.pdf_len;
        res.pdf = NULL;
        cli_note("%s: row %d filed as %s v1 (%s)", j->path, row, res.record_no, res.path);
        rc = filed_add(filed, out, sha);
        if (rc != BEIAN_OK) {
            cli_error(rc, "out of memory");
        }
    }
    for (size_t i = 0; i < n_warnings; i++) {
        free(warnings[i]);
    }
    free(warnings);
    beian_commit_result_release(&res);
    beian_problems_free(pr);
    return rc;
}

/* One CSV cell, quoted when it must be. */
static void csv_cell(const char *s, int last)
{
    if (strpbrk(s, ",\"\r\n")) {
        putchar('"');
        for (; *s; s++) {
            if (*s == '"') {
                putchar('"');
            }
            putchar(*s);
        }
        putchar('"');
    } else {
        fputs(s, stdout);
    }
    fputs(last ? "\r\n" : ",", stdout);
}

/* The table of rows and their numbers on stdout: aligned on a terminal, tab-separated into a
 * file (the same columns), or CSV with a BOM. */
static int print_table(const sheet_job *j, const row_result *res, const sheet_options *o)
{
    enum { NC = 4 };
    static const char *const head[NC] = {"行", "备案编号", "名称", "本次"};
    size_t n = 0;
    for (size_t r = 0; r < j->nrows; r++) {
        n += res[r].record_no[0] != '\0';
    }
    const char **cells = calloc((n + 1) * NC, sizeof *cells);
    char (*rows)[16] = calloc(n + 1, sizeof *rows);
    if (!cells || !rows) {
        free(cells);
        free(rows);
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    memcpy(cells, head, sizeof head);
    size_t k = 1;
    for (size_t r = 0; r < j->nrows; r++) {
        if (!res[r].record_no[0]) {
            continue;
        }
        snprintf(rows[k], sizeof rows[k], "%d", beian_batch_row_number(j->batch, r));
        const char *name = beian_record_get(j->recs[r], "group_name");
        if (!name) {
            name = beian_record_get(j->recs[r], "name");
        }
        cells[k * NC] = rows[k];
        cells[k * NC + 1] = res[r].record_no;
        cells[k * NC + 2] = name ? name : "";
        cells[k * NC + 3] = res[r].already ? "已备案（跳过）" : "新备案";
        k++;
    }
    if (o->csv) {
        fputs("\xEF\xBB\xBF", stdout);
        for (size_t i = 0; i < k * NC; i++) {
            csv_cell(cells[i], i % NC == NC - 1);
        }
    } else if (isatty(STDOUT_FILENO)) {
        cli_table_print(stdout, cells, k, NC);
    } else {
        for (size_t i = 0; i < k * NC; i++) {
            fputs(cells[i], stdout);
            fputc(i % NC == NC - 1 ? '\n' : '\t', stdout);
        }
    }
    free(cells);
    free(rows);
    return fflush(stdout) == 0 ? BEIAN_OK
                               : cli_error(BEIAN_EIO, "cannot write the table: %s",
                                           strerror(errno));
}

/* The form of a row filed now (its archived PDF) or before and still to sign (laid out again
 * as it was filed: the same number, version, date and tracking code). */
static int row_form(sheet_job *j, size_t r, const row_result *res, beian_dlist **dl,
                    unsigned char **pdf, size_t *len, beian_problems *pr)
{
    beian_layout_options lo = BEIAN_LAYOUT_OPTIONS_INIT;
    lo.record_no = res->record_no;
    lo.version = res->version;
    lo.date = res->date;
    lo.tracking = 1;
    if (dl) {
        return beian_layout_form(j->ctx, j->form, j->recs[r], &lo, dl, pr);
    }
    if (res->pdf) {
        *pdf = res->pdf;
        *len = res->pdf_len;
        return BEIAN_OK;
    }
    return beian_render(j->ctx, j->form, j->recs[r], &lo, NULL, pdf, len, pr);
}

/* Writes path unless a file with other bytes is there (without --force); one with the same
 * bytes (a sheet filed again) is left as it is. */
static int write_form(const char *path, const unsigned char *data, size_t len, int force)
{
    beian_buf old;
    int err = 0;
    beian_buf_init(&old);
    if (!force && beian_file_read(path, 64u * 1024 * 1024, &old, &err) == BEIAN_OK) {
        int same = old.len == len && memcmp(old.data, data, len) == 0;
        beian_buf_release(&old);
        return same ? BEIAN_OK
                    : cli_error(BEIAN_ECREATE,
                                "%s exists already and was left as it is (--force replaces it)",
                                path);
    }
    return cli_write_file(path, data, len);
}

/* -o DIR and --combined: the forms to sign, in row order. The filings stand whatever happens
 * here; a failure says how to get the forms again. */
static int write_forms(sheet_job *j, const sheet_submit *s, const row_result *res)
{
    int rc = BEIAN_OK;
    beian_problems *pr = beian_problems_new();
    beian_fonts *fonts = NULL;
    beian_dlist *all = NULL;
    char *made = NULL;
    if (!pr) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    if (s->out_dir && (rc = batch_files_make_dir(s->out_dir, &made)) != BEIAN_OK) {
        rc = cli_error(rc, "%s: cannot create the folder: %s", s->out_dir, strerror(errno));
    }
    free(made);
    for (size_t r = 0; rc == BEIAN_OK && s->out_dir && r < j->nrows; r++) {
        unsigned char *pdf = NULL;
        size_t len = 0;
        if (!res[r].printable) {
            continue;
        }
        char *stem = beian_batch_name(j->batch, r, j->recs[r]);
        char *file = stem ? beian_asprintf("%s.pdf", stem) : NULL;
        char *path = file ? beian_path_join(s->out_dir, file) : NULL;
        rc = path ? row_form(j, r, &res[r], NULL, &pdf, &len, pr) : BEIAN_EINTERNAL;
        if (rc == BEIAN_OK) {
            rc = write_form(path, pdf, len, s->opts->force);
        } else {
            cli_report(j->ctx, rc, pr);
        }
        if (pdf != res[r].pdf) {
            free(pdf);
        }
        free(path);
        free(file);
        free(stem);
    }
    if (rc == BEIAN_OK && s->opts->combined) {
        rc = beian_ctx_fonts(j->ctx, &fonts);
        all = rc == BEIAN_OK ? beian_dlist_new(fonts) : NULL;
        rc = all ? BEIAN_OK : cli_report(j->ctx, rc == BEIAN_OK ? BEIAN_EINTERNAL : rc, NULL);
        for (size_t r = 0; rc == BEIAN_OK && r < j->nrows; r++) {
            beian_dlist *dl = NULL;
            if (!res[r].printable) {
                continue;
            }
            rc = row_form(j, r, &res[r], &dl, NULL, NULL, pr);
            if (rc == BEIAN_OK && !all->title && dl->title) {
                all->title = beian_strdup(dl->title);
            }
            if (rc == BEIAN_OK) {
                rc = beian_dlist_append(all, dl);
            }
            beian_dlist_free(dl);
            if (rc != BEIAN_OK) {
                cli_report(j->ctx, rc, pr);
            }
        }
        unsigned char *job = NULL;
        size_t len = 0;
        if (rc == BEIAN_OK && all->npages == 0) {
            cli_note("%s: no form to sign (every row was filed before and moved on)",
                     s->opts->combined);
        } else if (rc == BEIAN_OK && (rc = beian_pdf_render(j->ctx, all, &job, &len)) == BEIAN_OK) {
            rc = cli_write_file(s->opts->combined, job, len);
        } else if (rc == BEIAN_OK) {
            cli_report(j->ctx, rc, NULL);
        }
        free(job);
    }
    if (rc != BEIAN_OK) {
        cli_error(rc, "the rows are filed all the same (do not file them again by hand); file "
                      "the sheet again to write the forms, or get each with `beian reprint "
                      "RECORD --exact -o FILE --date today`");
    }
    beian_dlist_free(all);
    beian_problems_free(pr);
    return rc;
}

/* Refuses what cannot work before anything is filed: outputs inside the archive, a row
 * without a date. */
static int submit_preflight(sheet_job *j, beian_archive *ar, const sheet_submit *s)
{
    int rc = cli_archive_output_ok(ar, "submit", s->out_dir);
    if (rc == BEIAN_OK) {
        rc = cli_archive_output_ok(ar, "submit", s->opts->combined);
    }
    for (size_t r = 0; rc == BEIAN_OK && r < j->nrows; r++) {
        if (j->recs[r] && !j->recs[r]->date && !s->common->date[0]) {
            rc = cli_error(BEIAN_EUSAGE,
                           "%s: row %d has no date (填表日期), so nothing was filed; give the "
                           "date of the filing with --date YYYY-MM-DD (or --date today)",
                           j->path, beian_batch_row_number(j->batch, r));
        }
    }
    return rc;
}

int sheet_submit_run(beian_ctx *ctx, const sheet_submit *s)
{
    sheet_job j;
    beian_archive *ar = NULL;
    filed_set filed = {NULL, 0, 0};
    row_result *res = NULL;
    size_t done = 0, skipped = 0;
    int rc = job_open(ctx, "submit", s->args, s->nargs, s->opts, &j);
    if (rc == BEIAN_OK) {
        rc = job_check(&j);
    }
    if (rc == BEIAN_OK) {
        rc = job_refuse(&j, s->opts, "nothing was filed");
    }
    if (rc == BEIAN_OK && !(res = calloc(j.nrows, sizeof *res))) {
        rc = cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    if (rc == BEIAN_OK) {
        rc = cli_archive_open(ctx, s->common, "submit", 1, &ar);
    }
    if (rc == BEIAN_OK) {
        rc = submit_preflight(&j, ar, s);
    }
    if (rc == BEIAN_OK && (rc = beian_archive_hold(ar)) != BEIAN_OK) {
        cli_error(rc, "%s", beian_ctx_message(ctx));
    }
    if (rc == BEIAN_OK) {
        beian_problems *pr = beian_problems_new();
        rc = pr ? beian_archive_filed_data(ar, &filed.d, &filed.n, pr) : BEIAN_EINTERNAL;
        filed.cap = filed.n; /* the rows filed now are appended to it (filed_add) */
        cli_report(ctx, rc, pr);
        beian_problems_free(pr);
    }
    for (size_t r = 0; rc == BEIAN_OK && r < j.nrows; r++) {
        if (j.recs[r]) {
            rc = file_row(&j, ar, s, r, &filed, &res[r]);
            done += rc == BEIAN_OK && !res[r].already;
            skipped += rc == BEIAN_OK && res[r].already;
        }
    }
    beian_archive_release(ar);
    if (res) {
        job_print_warnings(&j);
    }
    if (res && (done || skipped)) {
        int trc = print_table(&j, res, s->opts);
        int wrc = s->out_dir || s->opts->combined ? write_forms(&j, s, res) : BEIAN_OK;
        if (rc == BEIAN_OK) {
            rc = trc != BEIAN_OK ? trc : wrc;
        }
    }
    if (res && rc != BEIAN_OK && (done || skipped)) {
        cli_error(rc, "%s: %zu row%s filed, %zu filed before; file the sheet again to file the "
                      "rest (the rows filed are recognised and skipped)",
                  j.path, done, done == 1 ? "" : "s", skipped);
    } else if (res && rc == BEIAN_OK) {
        size_t nbad = 0;
        char *bad = bad_rows(&j, &nbad);
        cli_note("%s: %zu row%s filed%s%zu already filed%s%s%s", j.path, done,
                 done == 1 ? "" : "s", ", ", skipped, nbad ? "; skipped the rows with problems (" : "",
                 nbad && bad ? bad : "", nbad ? ")" : "");
        free(bad);
    }
    for (size_t r = 0; res && r < j.nrows; r++) {
        free(res[r].pdf);
    }
    free(res);
    free(filed.d);
    beian_archive_free(ar);
    job_free(&j);
    return rc;
}
