/*
 * cmd_reprint.c - `beian reprint RECORD[@vN]`: a version's form printed again from the
 * archive, marked 补打 (副本), or the archived PDF itself with --exact; every reprint is
 * logged in the archive (beian_archive_reprint).
 */
#define _GNU_SOURCE
#include "cmd_reprint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/archive.h"
#include "beian/record.h"
#include "cli.h"
#include "cli_archive.h"
#include "util.h"

enum { OPT_OUT = 1, OPT_EXACT, OPT_MASK, OPT_SCAN_OUT };

static const cli_option options[] = {
    {OPT_OUT, 'o', "output", "PDF", "where the reprint goes (required)"},
    CLI_ARCHIVE_OPTION_DATE("the reprint date (required)"),
    {OPT_EXACT, 0, "exact", NULL, "the archived PDF itself, byte for byte, without a mark"},
    {OPT_MASK, 0, "mask", NULL,
     "mobile numbers and e-mails masked (139****2345), for copies that leave the office"},
    {OPT_SCAN_OUT, 0, "scan-out", "FILE",
     "instead of the form: the signed scan filed with the version, byte for byte (its kind, "
     "PDF, PNG, JPEG or TIFF, is the filed one's; no date needed)"},
    CLI_ARCHIVE_OPTION_DIR,
    CLI_ARCHIVE_OPTION_WAIT,
    CLI_OPTION_QUIET("no notes on stderr"),
    CLI_OPTIONS_END,
};

const cli_spec cmd_reprint_spec = {
    .name = "reprint",
    .summary = "reprint an archived form, marked 补打 (副本)",
    .usage = "beian reprint RECORD[@vN] -o OUT.pdf --date D|today [--exact|--mask]\n"
             "beian reprint RECORD[@vN] --scan-out FILE",
    .description =
        "Verifies the record first and refuses a damaged one. Then prints the form of the "
        "version (default: the latest) from the archived record and form definition, as it was "
        "filed, with a reprint mark on every page: 补打（副本）, the reprint date, the record "
        "number and version, and the first digits of the bundle's SHA-256. Every reprint is "
        "added to reprints.log in the archive. With --scan-out the signed scan filed with the "
        "version (or the signed copy it carries) is written instead, exactly as filed; a scan "
        "filed as several files (the pages of a form from a folder of scans) is written as FILE "
        "for the first and FILE with -p<page> before its extension for each further one "
        "(scan.jpg, scan-p2.jpg).",
    .options = options,
    .example = "beian reprint QUN-2026-0012@v2 -o 补打.pdf --date today --mask",
};

static int parse_reprint(int argc, char **argv, cli_archive_common *c, const char **out,
                         int *exact, int *mask, const char **scan_out, const char **args,
                         int *nargs)
{
    cli_args a;
    int id;
    cli_archive_common_init(c);
    cli_args_init(&a, &cmd_reprint_spec, argc, argv);
    while ((id = cli_args_next(&a)) != CLI_ARGS_END) {
        if (id == CLI_ARGS_BAD) {
            return BEIAN_EUSAGE;
        } else if (id == CLI_ARGS_ARG) {
            if (*nargs >= 1) {
                cli_error(BEIAN_EUSAGE, "reprint: unexpected %s", a.value);
                return cli_usage(&cmd_reprint_spec);
            }
            args[(*nargs)++] = a.value;
        } else if (id == OPT_OUT) {
            *out = a.value;
        } else if (id == OPT_EXACT) {
            *exact = 1;
        } else if (id == OPT_MASK) {
            *mask = 1;
        } else if (id == OPT_SCAN_OUT) {
            *scan_out = a.value;
        } else if (cli_archive_option("reprint", id, a.value, c) != BEIAN_OK) {
            return cli_usage(&cmd_reprint_spec);
        }
    }
    return BEIAN_OK;
}

/* Where file k of a scan of several goes: path itself for the first (page 1), else path with
 * "-p<page>" before its extension and the filed file's own extension (scan.png, scan-p2.jpg). */
static char *scan_out_path(const char *path, const beian_scan_file *f, int first)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    const char *dot = strrchr(base, '.');
    const char *ext = strrchr(f->entry, '.');
    size_t stem = dot && dot != base ? (size_t)(dot - path) : strlen(path);
    if (first) {
        return beian_strdup(path);
    }
    return beian_asprintf("%.*s-p%d%s", (int)stem, path, f->page, ext ? ext : "");
}

/* --scan-out: the filed scan of the version, byte for byte: FILE, and for a scan filed as
 * several files (the pages of a form from a folder) one more file per further one. */
static int write_scan(beian_ctx *ctx, beian_archive *ar, const char *record, int version, const char *path,
                      beian_findings *f, beian_problems *pr)
{
    beian_scan_file *files = NULL;
    size_t n = 0;
    int rc = beian_archive_scan_copy(ar, record, version, &files, &n, f, pr);
    if (rc != BEIAN_OK) {
        cli_archive_print_findings(f);
        cli_report(ctx, rc, pr);
        cli_error(rc, "%s: no scan was written", record);
    }
    for (size_t i = 0; rc == BEIAN_OK && i < n; i++) {
        char *out = scan_out_path(path, &files[i], i == 0);
        if (!out) {
            rc = cli_error(BEIAN_EINTERNAL, "out of memory");
        } else if ((rc = cli_write_file(out, files[i].data, files[i].len)) == BEIAN_OK) {
            if (n == 1) {
                cli_note("wrote %s: %s of %s, %zu bytes as filed", out, files[i].entry, record,
                         files[i].len);
            } else {
                cli_note("wrote %s: %s of %s (file %zu of %zu, from page %d on; filed from %s), "
                         "%zu bytes as filed",
                         out, files[i].entry, record, i + 1, n, files[i].page,
                         files[i].name[0] ? files[i].name : "?", files[i].len);
            }
        }
        free(out);
    }
    beian_scan_files_free(files, n);
    return rc;
}

int cmd_reprint(beian_ctx *ctx, int argc, char **argv)
{
    cli_archive_common c;
    const char *out = NULL, *scan_out = NULL;
    int exact = 0, mask = 0;
    const char *args[1] = {NULL};
    int nargs = 0;
    int rc = parse_reprint(argc, argv, &c, &out, &exact, &mask, &scan_out, args, &nargs);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (scan_out && (out || exact || mask)) {
        cli_error(BEIAN_EUSAGE, "reprint: --scan-out writes the filed scan alone; leave out -o, "
                                "--exact and --mask");
        return cli_usage(&cmd_reprint_spec);
    }
    if (nargs != 1 || (!out && !scan_out)) {
        cli_error(BEIAN_EUSAGE, nargs != 1 ? "reprint: say which record, e.g. XMT-2026-0007 or "
                                             "XMT-2026-0007@v2"
                                           : "reprint: say where the PDF goes with -o OUT.pdf");
        return cli_usage(&cmd_reprint_spec);
    }
    if (exact && mask) {
        cli_error(BEIAN_EUSAGE, "reprint: --exact gives the archived bytes; it cannot mask them");
        return cli_usage(&cmd_reprint_spec);
    }
    if (!c.date[0] && !scan_out) {
        cli_error(BEIAN_EUSAGE,
                  "reprint: give the reprint date with --date YYYY-MM-DD (or --date "
                  "today): it is printed in the 补打 mark and kept in the reprint log");
        return cli_usage(&cmd_reprint_spec);
    }
    char record[32];
    int version = 0;
    const char *at = strchr(args[0], '@');
    size_t rl = at ? (size_t)(at - args[0]) : strlen(args[0]);
    if (rl >= sizeof record) {
        rl = sizeof record - 1;
    }
    memcpy(record, args[0], rl);
    record[rl] = '\0';
    if (at) {
        char *end;
        const char *v = at[1] == 'v' ? at + 2 : at + 1;
        /* digits only: strtol would take "+1", " 1" and "-0" as numbers (issue 14) */
        long x = v[0] >= '1' && v[0] <= '9' ? strtol(v, &end, 10) : 0;
        if (x == 0 || *end || end == v || x < 1 || x > 100000) {
            cli_error(BEIAN_EUSAGE, "reprint: \"%s\": the version goes after @ as v2 or 2",
                      args[0]);
            return cli_usage(&cmd_reprint_spec);
        }
        version = (int)x;
    }
    if (!beian_record_no_valid(record)) {
        cli_error(BEIAN_EUSAGE, "reprint: \"%s\" is not a record number such as XMT-2026-0007",
                  record);
        return cli_usage(&cmd_reprint_spec);
    }
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    beian_findings *f = beian_findings_new();
    unsigned char *pdf = NULL;
    size_t len = 0;
    beian_reprint_info info;
    rc = pr && f ? cli_archive_open(ctx, &c, "reprint", 0, &ar) : BEIAN_EINTERNAL;
    if (rc == BEIAN_OK) {
        rc = cli_archive_output_ok(ar, "reprint", scan_out ? scan_out : out);
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    if (scan_out) {
        rc = write_scan(ctx, ar, record, version, scan_out, f, pr);
        goto done;
    }
    beian_reprint_options ro = {version, c.date, exact, mask};
    rc = beian_archive_reprint(ar, record, &ro, &pdf, &len, &info, f, pr);
    if (rc != BEIAN_OK) {
        cli_archive_print_findings(f);
        cli_report(ctx, rc, pr);
        cli_error(rc, "%s: nothing was reprinted", record);
        goto done;
    }
    cli_print_problems(pr);
    rc = cli_write_file(out, pdf, len);
    if (rc != BEIAN_OK) {
        goto done;
    }
    if (!exact && !info.identical) {
        fprintf(stderr,
                "beian: %s: warning: the page is drawn again from the archived record "
                "and form definition, but beian or the fonts changed since it was filed (see "
                "data/provenance.json in the bundle): the text is the archived text, the glyphs "
                "may differ; --exact gives the archived PDF itself\n",
                out);
    }
    cli_note("wrote %s: %s v%d%s, bundle sha256 %.16s…; logged in reprints.log", out,
             info.record_no, info.version,
             exact  ? " exactly as archived"
             : mask ? " marked 补打, contacts masked"
                    : " marked 补打",
             info.bundle_sha256);
done:
    free(pdf);
    beian_archive_free(ar);
    beian_problems_free(pr);
    beian_findings_free(f);
    return rc;
}
