/*
 * cmd_reprint.c - reading the archive: `beian log` (a record's history), `beian list` (the
 * register, 台账) and `beian reprint` (a version's form, marked 补打).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "beian/archive.h"
#include "cli.h"
#include "cmd_archive.h"

/* Parses the common options and at most max_args arguments; extra[] handles the rest. */
typedef struct {
    const char *name;
    int has_value;
    const char **value; /* for options with a value */
    int *flag;          /* for flags */
} extra_opt;

static int parse(const char *command, int argc, char **argv, archive_cli_common *c,
                 const extra_opt *extra, size_t nextra, const char **args, int max_args, int *nargs)
{
    memset(c, 0, sizeof *c);
    c->wait = 30;
    *nargs = 0;
    for (int i = 1; i < argc; i++) {
        int took = archive_cli_common_option(command, argc, argv, &i, c);
        if (took < 0) {
            return cli_usage(command);
        }
        if (took) {
            continue;
        }
        const char *a = argv[i];
        if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            cli_quiet = 1;
            continue;
        }
        size_t k = 0;
        for (; k < nextra; k++) {
            if (strcmp(a, extra[k].name) == 0) {
                break;
            }
        }
        if (k < nextra) {
            if (extra[k].has_value) {
                if (i + 1 >= argc) {
                    cli_error(BEIAN_EUSAGE, "%s: %s needs a value", command, a);
                    return cli_usage(command);
                }
                *extra[k].value = argv[++i];
            } else {
                *extra[k].flag = 1;
            }
            continue;
        }
        if (a[0] == '-' || *nargs >= max_args) {
            cli_error(BEIAN_EUSAGE, "%s: unexpected %s", command, a);
            return cli_usage(command);
        }
        args[(*nargs)++] = a;
    }
    return BEIAN_OK;
}

int cmd_log(beian_ctx *ctx, int argc, char **argv)
{
    archive_cli_common c;
    const char *args[1];
    int nargs = 0;
    int rc = parse("log", argc, argv, &c, NULL, 0, args, 1, &nargs);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (nargs != 1 || !beian_record_no_valid(args[0])) {
        cli_error(BEIAN_EUSAGE, "log: say which record, e.g. beian log XMT-2026-0007 (see: beian "
                                "list)");
        return cli_usage("log");
    }
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    beian_record_info info;
    beian_version_info *v = NULL;
    size_t n = 0;
    memset(&info, 0, sizeof info);
    rc = pr ? archive_cli_open(ctx, &c, "log", 0, &ar) : BEIAN_EINTERNAL;
    if (rc == BEIAN_OK) {
        rc = beian_archive_history(ar, args[0], &info, &v, &n, pr);
        archive_cli_report(ctx, rc, pr);
    }
    if (rc == BEIAN_OK) {
        printf("%s  %s  (%s)  %s %s\n", info.record_no, info.name ? info.name : "?",
               info.form_id ? info.form_id : "?", beian_archive_state_label(info.state),
               beian_archive_state_name(info.state));
        for (size_t i = 0; i < n; i++) {
            printf("v%-3d %s  %-9s %-12s %s  sha256 %.16s%s%s\n", v[i].version, v[i].date,
                   beian_archive_event_name(v[i].event), beian_archive_event_label(v[i].event), v[i].path,
                   v[i].sha256, v[i].detail ? "  " : "", v[i].detail ? v[i].detail : "");
        }
    }
    beian_version_infos_free(v, n);
    beian_record_info_release(&info);
    beian_archive_free(ar);
    beian_problems_free(pr);
    return rc;
}

int cmd_reprint(beian_ctx *ctx, int argc, char **argv)
{
    archive_cli_common c;
    const char *out = NULL;
    int exact = 0, mask = 0;
    const char *args[1];
    int nargs = 0;
    const extra_opt extra[] = {{"-o", 1, &out, NULL},
                               {"--output", 1, &out, NULL},
                               {"--exact", 0, NULL, &exact},
                               {"--mask", 0, NULL, &mask}};
    int rc = parse("reprint", argc, argv, &c, extra, 4, args, 1, &nargs);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (nargs != 1 || !out) {
        cli_error(BEIAN_EUSAGE, nargs != 1 ? "reprint: say which record, e.g. XMT-2026-0007 or "
                                             "XMT-2026-0007@v2"
                                           : "reprint: say where the PDF goes with -o OUT.pdf");
        return cli_usage("reprint");
    }
    if (exact && mask) {
        cli_error(BEIAN_EUSAGE, "reprint: --exact gives the archived bytes; it cannot mask them");
        return cli_usage("reprint");
    }
    if (!c.date[0]) {
        cli_error(BEIAN_EUSAGE,
                  "reprint: give the reprint date with --date YYYY-MM-DD (or --date "
                  "today): it is printed in the 补打 mark and kept in the reprint log");
        return cli_usage("reprint");
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
        long x = strtol(v, &end, 10);
        if (*end || end == v || x < 1 || x > 100000) {
            cli_error(BEIAN_EUSAGE, "reprint: \"%s\": the version goes after @ as v2 or 2",
                      args[0]);
            return cli_usage("reprint");
        }
        version = (int)x;
    }
    if (!beian_record_no_valid(record)) {
        cli_error(BEIAN_EUSAGE, "reprint: \"%s\" is not a record number such as XMT-2026-0007",
                  record);
        return cli_usage("reprint");
    }
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    beian_findings *f = beian_findings_new();
    unsigned char *pdf = NULL;
    size_t len = 0;
    beian_reprint_info info;
    rc = pr && f ? archive_cli_open(ctx, &c, "reprint", 0, &ar) : BEIAN_EINTERNAL;
    if (rc != BEIAN_OK) {
        goto done;
    }
    beian_reprint_options ro = {version, c.date, exact, mask};
    rc = beian_archive_reprint(ar, record, &ro, &pdf, &len, &info, f, pr);
    if (rc != BEIAN_OK) {
        archive_cli_print_findings(f);
        archive_cli_report(ctx, rc, pr);
        cli_error(rc, "%s: nothing was reprinted", record);
        goto done;
    }
    cli_print_problems(pr);
    int err = 0;
    rc = beian_file_write_atomic(out, pdf, len, &err);
    if (rc != BEIAN_OK) {
        cli_error(rc, "%s: cannot write: %s", out, strerror(err));
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
