/*
 * cmd_fill.c - `beian check` and `beian fill`: one record to one PDF (and a PNG preview).
 * Everything is rendered in memory first and written atomically at the end, so a refused
 * record leaves no file behind and an existing output is never half-overwritten.
 */
#define _GNU_SOURCE
#include "cmd_fill.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "beian/archive.h"
#include "beian/form.h"
#include "beian/png.h"
#include "beian/record.h"
#include "beian/render.h"
#include "batch_files.h"
#include "cli.h"
#include "cmd_submit_sheet.h"
#include "cli_archive.h"

enum { OPT_ARCHIVE = 1, OPT_OUTPUT, OPT_PNG, OPT_DPI, OPT_BLANK, OPT_NO_TRACKING, OPT_NO_SEAL_MARK };

#define OPTION_ARCHIVE                                                                             \
    {OPT_ARCHIVE, 0, "archive", "DIR",                                                             \
     "the archive to compare with for the warnings before signing (default $BEIAN_ARCHIVE, "      \
     "else ./archive when it exists)"}

static const cli_option check_options[] = {
    OPTION_ARCHIVE,
    SHEET_OPTIONS_READ,
    CLI_OPTION_QUIET("no notes on stderr"),
    CLI_OPTIONS_END,
};

const cli_spec cmd_check_spec = {
    .name = "check",
    .summary = "validate a data file; every problem listed",
    .usage = "beian check DATA.json [--archive DIR]\n"
             "beian check [FORM-ID] SHEET.xlsx|SHEET.csv [options]",
    .description =
        "Reads the record, checks every field by its type and lays the form out without "
        "writing anything, so every problem that `fill` would refuse is listed at once. Exit 0 "
        "when the record can be printed, 65 when it cannot, 66 when the file is missing.\n\n"
        "Warnings of the checks before signing (the same person as 管理员 and 负责人, a 负责人 "
        "who is not a unit head, a group over 200 members, a second filing of what the archive "
        "already holds, a new app client) are printed and never change the exit code.",
    .options = check_options,
    .example = "beian check examples/workgroup-filing.json",
};

static const cli_option fill_options[] = {
    {OPT_OUTPUT, 'o', "output", "OUT.pdf",
     "the PDF to write (replaced atomically; nothing is written when the data has a problem)"},
    {OPT_PNG, 0, "png", "OUT.png", "also write a preview of page 1 (later pages: OUT-2.png, ...)"},
    {OPT_DPI, 0, "dpi", "N", "preview resolution (default 150)"},
    {OPT_BLANK, 0, "blank", "FORM-ID", "an empty form to fill in by hand"},
    {OPT_NO_TRACKING, 0, "no-tracking", NULL,
     "leave out the tracking footer (record, version, date, page, QR code) that matches a "
     "signed paper copy to its record"},
    {OPT_NO_SEAL_MARK, 0, "no-seal-mark", NULL,
     "leave out the dashed circle that shows where the seal goes (for a unit that stamps "
     "elsewhere)"},
    OPTION_ARCHIVE,
    CLI_OPTION_QUIET("no notes on stderr"),
    CLI_OPTIONS_END,
};

const cli_spec cmd_fill_spec = {
    .name = "fill",
    .summary = "print a filled (or blank) form to PDF, with a PNG preview",
    .usage = "beian fill DATA.json -o OUT.pdf [--png OUT.png] [--archive DIR]\n"
             "beian fill --blank FORM-ID -o OUT.pdf [--png OUT.png]",
    .description =
        "Checks the record like `beian check` and prints its form: every field in its cell, "
        "text that does not fit wrapped or continued on a 附页, and a tracking footer that "
        "`beian approve` reads back from the signed scan. Nothing is written when the data has "
        "a problem (exit 65); an existing OUT.pdf is replaced only when the new one is "
        "complete.",
    .options = fill_options,
    .example = "beian fill examples/platform-application.json -o out/application.pdf",
};

static int load_record(beian_ctx *ctx, const char *path, beian_record **rec,
                       beian_problems *pr)
{
    int rc = beian_record_read_file(ctx, path, rec, pr);
    if (rc != BEIAN_OK) {
        size_t n = beian_problems_errors(pr);
        cli_report(ctx, rc, pr);
        if (rc == BEIAN_EDATA && n > 1) {
            cli_error(rc, "%s: %zu problems; nothing was written", path, n);
        }
    }
    return rc;
}

/*
 * The checks before signing (docs/rules.md): printed as warnings, never changing the exit
 * code. The record is compared with the archive (--archive DIR, else $BEIAN_ARCHIVE, else
 * ./archive) when there is one; without an archive the other checks still run.
 */
static void warn_before_signing(beian_ctx *ctx, const beian_record *rec, const char *dir)
{
    beian_archive *ar = NULL;
    beian_archive_options o = BEIAN_ARCHIVE_OPTIONS_INIT;
    char **w = NULL;
    size_t n = 0;
    o.dir = dir;
    if (beian_archive_open(ctx, &o, 0, &ar) != BEIAN_OK) {
        ar = NULL; /* no archive to compare with */
    }
    if (cli_archive_warnings(ar, rec, NULL, &w, &n) != BEIAN_OK) {
        cli_note("the checks before signing could not run (out of memory)");
    }
    for (size_t i = 0; i < n; i++) {
        free(w[i]);
    }
    free(w);
    beian_archive_free(ar);
}

int cmd_check(beian_ctx *ctx, int argc, char **argv)
{
    const char *dir = NULL, *data = NULL;
    const char *args[2] = {NULL, NULL};
    int nargs = 0;
    sheet_options so;
    cli_args a;
    int c;
    memset(&so, 0, sizeof so);
    cli_args_init(&a, &cmd_check_spec, argc, argv);
    while ((c = cli_args_next(&a)) != CLI_ARGS_END) {
        if (c == CLI_ARGS_BAD) {
            return BEIAN_EUSAGE;
        } else if (c == OPT_ARCHIVE) {
            dir = a.value;
        } else if (c >= SHEET_OPT_SKIP_INVALID) {
            if (sheet_option(&so, "check", c, a.option, a.value) != BEIAN_OK) {
                return cli_usage(&cmd_check_spec);
            }
        } else if (nargs == 2) {
            cli_error(BEIAN_EUSAGE, "check: one data file (or a form and a sheet) at a time, not "
                                    "also \"%s\"", a.value);
            return cli_usage(&cmd_check_spec);
        } else {
            args[nargs++] = a.value;
        }
    }
    if (nargs == 0) {
        cli_error(BEIAN_EUSAGE, "check: give the data file (or the sheet) to check");
        return cli_usage(&cmd_check_spec);
    }
    if (sheet_args_name_sheet(args, nargs)) {
        return sheet_check_run(ctx, args, nargs, dir, &so);
    }
    if (so.given[0]) {
        cli_error(BEIAN_EUSAGE, "check: %s is for a sheet (CSV or .xlsx), not a data file",
                  so.given);
        return cli_usage(&cmd_check_spec);
    }
    data = args[0];
    beian_problems *pr = beian_problems_new();
    beian_record *rec = NULL;
    unsigned char *pdf = NULL;
    size_t len = 0;
    if (!pr) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    int rc = load_record(ctx, data, &rec, pr);
    if (rc == BEIAN_OK) {
        warn_before_signing(ctx, rec, dir);
        beian_layout_options opts = BEIAN_LAYOUT_OPTIONS_INIT;
        rc = beian_render(ctx, rec->form, rec, &opts, NULL, &pdf, &len, pr);
        cli_report(ctx, rc, pr);
        if (rc == BEIAN_OK) {
            printf("%s: ok (form %s, %s%s)\n", data, rec->form->id, rec->form->attachment,
                   rec->form->title[1]);
        }
    }
    free(pdf);
    beian_record_free(rec);
    beian_problems_free(pr);
    return rc;
}

/* OUT.png for page 1, OUT-2.png for page 2, ... */
static char *png_name(const char *base, size_t page)
{
    if (page == 0) {
        return beian_strdup(base);
    }
    size_t len = strlen(base);
    if (len > 4 && strcmp(base + len - 4, ".png") == 0) {
        return beian_asprintf("%.*s-%zu.png", (int)(len - 4), base, page + 1);
    }
    return beian_asprintf("%s-%zu", base, page + 1);
}

/* Reports a failed write of path. */
static int write_failed(int rc, const char *path, int err)
{
    if (rc == BEIAN_EINTERNAL) {
        return cli_error(rc, "%s: cannot write: out of memory", path);
    }
    return cli_error(rc, "%s: cannot write: %s", path, err ? strerror(err) : "I/O error");
}

/*
 * Writes the PDF and its previews all or nothing: every file is staged (written to a
 * temporary file and synced) before any is renamed into place, so a failure while writing
 * leaves every output as it was. The PDF, the product, is renamed first.
 */
static int write_all(const char *out, const unsigned char *pdf, size_t len, const char *png,
                     unsigned char **pngs, const size_t *png_len, size_t npages)
{
    size_t n = 1 + (png ? npages : 0);
    char **names = calloc(n, sizeof *names);
    char **tmps = calloc(n, sizeof *tmps);
    int rc = BEIAN_OK, err = 0;
    if (!names || !tmps) {
        free(names);
        free(tmps);
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    /* a missing folder is made, as `batch -o` makes it (and taken away again on failure) */
    char *dirs[2] = {beian_path_dirname(out), png ? beian_path_dirname(png) : NULL};
    char *made[2] = {NULL, NULL};
    for (size_t d = 0; d < 2 && rc == BEIAN_OK && dirs[d]; d++) {
        if (batch_files_make_dir(dirs[d], &made[d]) != BEIAN_OK) {
            rc = cli_error(BEIAN_ECREATE, "%s: cannot create the folder %s: %s",
                           d == 0 ? out : png, dirs[d], strerror(errno));
        }
    }
    for (size_t i = 0; i < n && rc == BEIAN_OK; i++) {
        names[i] = i == 0 ? beian_strdup(out) : png_name(png, i - 1);
        if (!names[i]) {
            rc = cli_error(BEIAN_EINTERNAL, "out of memory");
            break;
        }
        rc = beian_file_stage(names[i], i == 0 ? pdf : pngs[i - 1], i == 0 ? len : png_len[i - 1],
                              &tmps[i], &err);
        if (rc != BEIAN_OK) {
            rc = write_failed(rc, names[i], err);
        }
    }
    for (size_t i = 0; i < n; i++) {
        if (rc == BEIAN_OK) {
            int r = beian_file_commit(tmps[i], names[i], &err);
            if (r != BEIAN_OK) {
                rc = write_failed(r, names[i], err);
            }
        } else {
            beian_file_discard(tmps[i]);
        }
        tmps[i] = NULL;
        free(names[i]);
    }
    for (size_t d = 2; d-- > 0;) {
        if (rc != BEIAN_OK && dirs[d] && made[d]) {
            batch_files_unmake_dir(dirs[d], made[d]);
        }
        free(made[d]);
        free(dirs[d]);
    }
    free(names);
    free(tmps);
    return rc;
}

typedef struct {
    const char *out, *png, *blank, *dir, *data;
    double dpi;
    int tracking;
    int no_seal_mark;
} fill_args;

static int parse_fill(int argc, char **argv, fill_args *f)
{
    cli_args a;
    int c, nargs = 0;
    memset(f, 0, sizeof *f);
    f->dpi = 150;
    f->tracking = 1;
    cli_args_init(&a, &cmd_fill_spec, argc, argv);
    while ((c = cli_args_next(&a)) != CLI_ARGS_END) {
        switch (c) {
        case CLI_ARGS_BAD:
            return BEIAN_EUSAGE;
        case CLI_ARGS_ARG:
            f->data = a.value;
            nargs++;
            break;
        case OPT_OUTPUT:
            f->out = a.value;
            break;
        case OPT_PNG:
            f->png = a.value;
            break;
        case OPT_BLANK:
            f->blank = a.value;
            break;
        case OPT_NO_TRACKING:
            f->tracking = 0;
            break;
        case OPT_NO_SEAL_MARK:
            f->no_seal_mark = 1;
            break;
        case OPT_ARCHIVE:
            f->dir = a.value;
            break;
        case OPT_DPI:
            if (cli_option_dpi(a.value, &f->dpi) != BEIAN_OK) {
                return cli_usage(&cmd_fill_spec);
            }
            break;
        }
    }
    if (!f->out || (f->blank && nargs != 0) || (!f->blank && nargs != 1)) {
        if (!f->out) {
            cli_error(BEIAN_EUSAGE, "fill: say where the PDF goes with -o OUT.pdf");
        }
        return cli_usage(&cmd_fill_spec);
    }
    return BEIAN_OK;
}

int cmd_fill(beian_ctx *ctx, int argc, char **argv)
{
    fill_args f;
    if (parse_fill(argc, argv, &f) != BEIAN_OK) {
        return BEIAN_EUSAGE;
    }
    beian_problems *pr = beian_problems_new();
    beian_record *rec = NULL;
    beian_form *form = NULL;
    beian_dlist *dl = NULL;
    unsigned char *pdf = NULL;
    size_t len = 0;
    unsigned char **pngs = NULL;
    size_t *png_len = NULL;
    int rc;
    if (!pr) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    beian_layout_options opts = BEIAN_LAYOUT_OPTIONS_INIT;
    opts.tracking = f.tracking;
    opts.no_seal_mark = f.no_seal_mark;
    if (f.blank) {
        rc = beian_form_load(ctx, f.blank, &form, pr);
        if (rc == BEIAN_EDATA) {
            rc = cli_error(BEIAN_EUSAGE, "there is no form \"%s\" (see: beian forms)", f.blank);
            goto done;
        }
        if (rc != BEIAN_OK) {
            cli_report(ctx, rc, pr);
            goto done;
        }
        opts.blank = 1;
        opts.tracking = 0;
    } else {
        rc = load_record(ctx, f.data, &rec, pr);
        if (rc != BEIAN_OK) {
            goto done;
        }
        warn_before_signing(ctx, rec, f.dir);
    }
    rc = beian_render(ctx, f.blank ? form : rec->form, rec, &opts, &dl, &pdf, &len, pr);
    if (rc != BEIAN_OK) {
        cli_report(ctx, rc, pr);
        if (rc == BEIAN_EDATA) {
            cli_error(rc, "%s: nothing was written", f.blank ? f.blank : f.data);
        }
        goto done;
    }
    cli_print_problems(pr); /* warnings, if any */
    if (f.png) {
        pngs = calloc(dl->npages, sizeof *pngs);
        png_len = calloc(dl->npages, sizeof *png_len);
        if (!pngs || !png_len) {
            rc = cli_error(BEIAN_EINTERNAL, "out of memory");
            goto done;
        }
        for (size_t p = 0; p < dl->npages; p++) {
            rc = beian_png_render(ctx, dl, p, f.dpi, &pngs[p], &png_len[p]);
            if (rc != BEIAN_OK) {
                cli_report(ctx, rc, pr);
                goto done;
            }
        }
    }
    rc = write_all(f.out, pdf, len, f.png, pngs, png_len, dl->npages);
    if (rc == BEIAN_OK) {
        cli_note("wrote %s (%zu page%s, %.1f KiB)", f.out, dl->npages, dl->npages > 1 ? "s" : "",
                 (double)len / 1024.0);
    }
done:
    if (pngs) {
        for (size_t p = 0; p < dl->npages; p++) {
            free(pngs[p]);
        }
    }
    free(pngs);
    free(png_len);
    free(pdf);
    beian_dlist_free(dl);
    beian_record_free(rec);
    beian_form_free(form);
    beian_problems_free(pr);
    return rc;
}
