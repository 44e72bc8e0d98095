/*
 * cmd_fill.c - `beian check` and `beian fill`: one record to one PDF (and a PNG preview).
 * Everything is rendered in memory first and written atomically at the end, so a refused
 * record leaves no file behind and an existing output is never half-overwritten.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "beian/form.h"
#include "beian/png.h"
#include "beian/record.h"
#include "beian/render.h"
#include "beian/archive.h"
#include "cli.h"
#include "cmd_archive.h"

/* Reports a status from the library that came with problems or a context message. */
static int report(beian_ctx *ctx, int rc, beian_problems *pr)
{
    cli_print_problems(pr);
    if (beian_problems_errors(pr) == 0 && rc != BEIAN_OK) {
        /* the library names every data, configuration and I/O failure; an internal failure
         * without a message is an allocation that failed */
        cli_error(rc, "%s", beian_ctx_message(ctx)[0]       ? beian_ctx_message(ctx)
                            : rc == BEIAN_EINTERNAL ? "out of memory"
                                                    : "failed (no details)");
    }
    return rc;
}

static int load_record(beian_ctx *ctx, const char *path, beian_record **rec,
                       beian_problems *pr)
{
    int rc = beian_record_read_file(ctx, path, rec, pr);
    if (rc != BEIAN_OK) {
        size_t n = beian_problems_errors(pr);
        report(ctx, rc, pr);
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
    if (archive_cli_warnings(ar, rec, NULL, &w, &n) != BEIAN_OK) {
        cli_note("the checks before signing could not run (out of memory)");
    }
    for (size_t i = 0; i < n; i++) {
        free(w[i]);
    }
    free(w);
    beian_archive_free(ar);
}

/* --archive DIR or --archive=DIR at argv[*i]: 1 when taken, -1 when its value is missing. */
static int archive_option(int argc, char **argv, int *i, const char **dir)
{
    if (strncmp(argv[*i], "--archive=", 10) == 0) {
        *dir = argv[*i] + 10;
        return 1;
    }
    if (strcmp(argv[*i], "--archive") != 0) {
        return 0;
    }
    if (*i + 1 >= argc) {
        return -1;
    }
    *dir = argv[++*i];
    return 1;
}

int cmd_check(beian_ctx *ctx, int argc, char **argv)
{
    const char *dir = NULL, *data = NULL;
    for (int i = 1; i < argc; i++) {
        int took = archive_option(argc, argv, &i, &dir);
        if (took < 0 || (!took && data)) {
            return cli_usage("check");
        }
        if (!took) {
            data = argv[i];
        }
    }
    if (!data) {
        return cli_usage("check");
    }
    argv[1] = (char *)data;
    beian_problems *pr = beian_problems_new();
    beian_record *rec = NULL;
    unsigned char *pdf = NULL;
    size_t len = 0;
    if (!pr) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    int rc = load_record(ctx, argv[1], &rec, pr);
    if (rc == BEIAN_OK) {
        warn_before_signing(ctx, rec, dir);
        beian_layout_options opts = BEIAN_LAYOUT_OPTIONS_INIT;
        rc = beian_render(ctx, rec->form, rec, &opts, NULL, &pdf, &len, pr);
        report(ctx, rc, pr);
        if (rc == BEIAN_OK) {
            printf("%s: ok (form %s, %s%s)\n", argv[1], rec->form->id, rec->form->attachment,
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
    free(names);
    free(tmps);
    return rc;
}

int cmd_fill(beian_ctx *ctx, int argc, char **argv)
{
    static const struct option longopts[] = {{"output", required_argument, NULL, 'o'},
                                              {"png", required_argument, NULL, 'p'},
                                              {"dpi", required_argument, NULL, 'd'},
                                              {"blank", required_argument, NULL, 'b'},
                                              {"quiet", no_argument, NULL, 'q'},
                                              {"no-tracking", no_argument, NULL, 'n'},
                                              {"archive", required_argument, NULL, 'a'},
                                              {NULL, 0, NULL, 0}};
    const char *out = NULL, *png = NULL, *blank = NULL, *dir = NULL;
    double dpi = 150;
    int tracking = 1;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "o:q", longopts, NULL)) != -1) {
        switch (c) {
        case 'o':
            out = optarg;
            break;
        case 'p':
            png = optarg;
            break;
        case 'b':
            blank = optarg;
            break;
        case 'q':
            cli_quiet = 1;
            break;
        case 'n':
            tracking = 0;
            break;
        case 'a':
            dir = optarg;
            break;
        case 'd': {
            char *end;
            dpi = strtod(optarg, &end);
            if (*end || dpi < 30 || dpi > 1200) {
                cli_error(BEIAN_EUSAGE, "--dpi takes a resolution from 30 to 1200, not \"%s\"",
                          optarg);
                return cli_usage("fill");
            }
            break;
        }
        default:
            cli_error(BEIAN_EUSAGE, "fill: unknown option or missing value: %s",
                      argv[optind - 1]);
            return cli_usage("fill");
        }
    }
    int nargs = argc - optind;
    if (!out || (blank && nargs != 0) || (!blank && nargs != 1)) {
        if (!out) {
            cli_error(BEIAN_EUSAGE, "fill: say where the PDF goes with -o OUT.pdf");
        }
        return cli_usage("fill");
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
    opts.tracking = tracking;
    if (blank) {
        rc = beian_form_load(ctx, blank, &form, pr);
        if (rc == BEIAN_EDATA) {
            rc = cli_error(BEIAN_EUSAGE, "there is no form \"%s\" (see: beian forms)", blank);
            goto done;
        }
        if (rc != BEIAN_OK) {
            report(ctx, rc, pr);
            goto done;
        }
        opts.blank = 1;
        opts.tracking = 0;
    } else {
        rc = load_record(ctx, argv[optind], &rec, pr);
        if (rc != BEIAN_OK) {
            goto done;
        }
        warn_before_signing(ctx, rec, dir);
    }
    rc = beian_render(ctx, blank ? form : rec->form, rec, &opts, &dl, &pdf, &len, pr);
    if (rc != BEIAN_OK) {
        report(ctx, rc, pr);
        if (rc == BEIAN_EDATA) {
            cli_error(rc, "%s: nothing was written", blank ? blank : argv[optind]);
        }
        goto done;
    }
    cli_print_problems(pr); /* warnings, if any */
    if (png) {
        pngs = calloc(dl->npages, sizeof *pngs);
        png_len = calloc(dl->npages, sizeof *png_len);
        if (!pngs || !png_len) {
            rc = cli_error(BEIAN_EINTERNAL, "out of memory");
            goto done;
        }
        for (size_t p = 0; p < dl->npages; p++) {
            rc = beian_png_render(ctx, dl, p, dpi, &pngs[p], &png_len[p]);
            if (rc != BEIAN_OK) {
                report(ctx, rc, pr);
                goto done;
            }
        }
    }
    rc = write_all(out, pdf, len, png, pngs, png_len, dl->npages);
    if (rc == BEIAN_OK) {
        cli_note("wrote %s (%zu page%s, %.1f KiB)", out, dl->npages, dl->npages > 1 ? "s" : "",
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
