/*
 * cmd_verify.c - `beian verify`, `beian fsck` and `beian anchor`: proving the archive
 * intact, repairing what a crash left, and anchoring the ledger on paper.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"
#include "beian/archive.h"
#include "beian/verify.h"
#include "cli.h"
#include "cmd_archive.h"

static int print_codes(void)
{
    size_t n = 0;
    const beian_verify_code *c = beian_verify_codes(&n);
    for (size_t i = 0; i < n; i++) {
        printf("%-20s %s\n%-20s -> %s\n", c[i].code, c[i].meaning, "", c[i].action);
    }
    return BEIAN_OK;
}

static int is_bundle_file(const char *s)
{
    size_t n = strlen(s);
    struct stat st;
    return n > 4 && strcmp(s + n - 4, ".zip") == 0 && stat(s, &st) == 0 && S_ISREG(st.st_mode);
}

/* A progress line on stderr, only when it is a terminal (a verify of a large archive reads
 * every bundle). */
static void progress(void *user, size_t done, size_t total)
{
    (void)user;
    fprintf(stderr, "\rbeian: verify: %zu/%zu bundles", done, total);
    if (done == total) {
        fputs("\r\033[K", stderr);
    }
}

/* Prints the findings and the closing line; returns the exit status. */
static int verdict(int rc, const beian_findings *f, const char *what)
{
    archive_cli_print_findings(f);
    if (rc == BEIAN_EDATA) {
        size_t n = beian_findings_count(f);
        cli_error(rc, "verify: %s is DAMAGED: %zu problem%s (codes: beian verify --codes)", what, n,
                  n == 1 ? "" : "s");
    }
    return rc;
}

int cmd_verify(beian_ctx *ctx, int argc, char **argv)
{
    archive_cli_common c;
    const char *target = NULL, *anchor = NULL;
    memset(&c, 0, sizeof c);
    c.wait = 30;
    for (int i = 1; i < argc; i++) {
        int took = archive_cli_common_option("verify", argc, argv, &i, &c);
        if (took < 0) {
            return cli_usage("verify");
        }
        if (took) {
            continue;
        }
        if (strcmp(argv[i], "--codes") == 0) {
            return print_codes();
        } else if (strcmp(argv[i], "--anchor") == 0 && i + 1 < argc) {
            anchor = argv[++i];
        } else if (strncmp(argv[i], "--anchor=", 9) == 0) {
            anchor = argv[i] + 9;
        } else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
            cli_quiet = 1;
        } else if (argv[i][0] == '-' || target) {
            cli_error(BEIAN_EUSAGE, "verify: unexpected %s", argv[i]);
            return cli_usage("verify");
        } else {
            target = argv[i];
        }
    }
    beian_findings *f = beian_findings_new();
    beian_archive *ar = NULL;
    int rc;
    if (!f) {
        return cli_error(BEIAN_EINTERNAL, "out of memory");
    }
    if (target && is_bundle_file(target)) {
        if (anchor) {
            beian_findings_free(f);
            cli_error(BEIAN_EUSAGE, "verify: --anchor checks an archive's ledger, not one bundle");
            return cli_usage("verify");
        }
        rc = beian_archive_verify_bundle_file(ctx, target, f);
        if (rc == BEIAN_OK) {
            printf("%s: ok (container, bag and content intact; its place in the ledger is "
                   "checked by verifying the archive)\n",
                   target);
        } else if (rc == BEIAN_EDATA) {
            verdict(rc, f, target);
        } else {
            cli_error(rc, "%s", beian_ctx_message(ctx));
        }
        beian_findings_free(f);
        return rc;
    }
    if (target && !beian_record_no_valid(target)) {
        beian_findings_free(f);
        cli_error(BEIAN_EUSAGE,
                  "verify: \"%s\" is neither a record number (XMT-2026-0007) nor a "
                  "bundle file (.zip)",
                  target);
        return cli_usage("verify");
    }
    rc = archive_cli_open(ctx, &c, "verify", 0, &ar);
    if (rc != BEIAN_OK) {
        beian_findings_free(f);
        return rc;
    }
    beian_verify_options vo = {target, anchor, NULL, NULL};
    if (!cli_quiet && isatty(STDERR_FILENO)) {
        vo.progress = progress;
    }
    beian_verify_summary sum;
    rc = beian_archive_verify(ar, &vo, f, &sum);
    if ((rc == BEIAN_OK || rc == BEIAN_EDATA) && sum.index == BEIAN_INDEX_BEHIND) {
        cli_note("note: index.tsv is behind the ledger (made from %zu of its %zu lines: updating "
                 "it failed after a filing); the next filing or `beian fsck` rebuilds it, and "
                 "`beian list` reads the ledger until then",
                 sum.index_lines, sum.ledger_lines);
    } else if ((rc == BEIAN_OK || rc == BEIAN_EDATA) && sum.index == BEIAN_INDEX_MISSING) {
        cli_note("note: index.tsv is missing; the next filing or `beian fsck` rebuilds it, and "
                 "`beian list` reads the ledger until then");
    }
    if (rc == BEIAN_OK) {
        printf("%s: ok: %zu bundle%s of %zu record%s, ledger of %zu line%s intact (head %s)%s\n",
               target ? target : beian_archive_dir(ar), sum.bundles, sum.bundles == 1 ? "" : "s",
               sum.records, sum.records == 1 ? "" : "s", sum.ledger_lines,
               sum.ledger_lines == 1 ? "" : "s", sum.head, anchor ? "; matches the anchor" : "");
    } else if (rc == BEIAN_EDATA) {
        char what[600];
        if (target) {
            snprintf(what, sizeof what, "%s", target);
        } else {
            snprintf(what, sizeof what, "the archive %s", beian_archive_dir(ar));
        }
        verdict(rc, f, what);
    } else {
        cli_error(rc, "%s", beian_ctx_message(ctx));
    }
    beian_archive_free(ar);
    beian_findings_free(f);
    return rc;
}

int cmd_fsck(beian_ctx *ctx, int argc, char **argv)
{
    archive_cli_common c;
    int dry = 0;
    memset(&c, 0, sizeof c);
    c.wait = 30;
    for (int i = 1; i < argc; i++) {
        int took = archive_cli_common_option("fsck", argc, argv, &i, &c);
        if (took < 0) {
            return cli_usage("fsck");
        }
        if (took) {
            continue;
        }
        if (strcmp(argv[i], "--dry-run") == 0 || strcmp(argv[i], "-n") == 0) {
            dry = 1;
        } else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
            cli_quiet = 1;
        } else {
            cli_error(BEIAN_EUSAGE, "fsck: unexpected %s", argv[i]);
            return cli_usage("fsck");
        }
    }
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    beian_findings *f = beian_findings_new();
    int rc = pr && f ? archive_cli_open(ctx, &c, "fsck", 0, &ar) : BEIAN_EINTERNAL;
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = beian_archive_fsck(ar, dry, pr);
    size_t actions = 0;
    for (size_t i = 0; i < beian_problems_count(pr); i++) {
        const beian_problem *p = beian_problems_get(pr, i);
        if (p->severity != BEIAN_SEV_ERROR) {
            printf("%s%s\n", p->severity == BEIAN_SEV_WARNING ? "warning: " : "", p->message);
            actions++;
        } else {
            fprintf(stderr, "beian: %s: error: %s\n", beian_archive_dir(ar), p->message);
        }
    }
    if (rc != BEIAN_OK) {
        if (beian_problems_errors(pr) == 0) {
            cli_error(rc, "%s", beian_ctx_message(ctx));
        }
        goto done;
    }
    if (actions == 0) {
        printf("nothing to repair\n");
    }
    if (dry) {
        goto done;
    }
    /* what fsck cannot repair: tampering, for verify to name */
    beian_verify_summary sum;
    rc = beian_archive_verify(ar, NULL, f, &sum);
    if (rc == BEIAN_OK) {
        printf("%s: ok: %zu bundle%s of %zu record%s verify\n", beian_archive_dir(ar), sum.bundles,
               sum.bundles == 1 ? "" : "s", sum.records, sum.records == 1 ? "" : "s");
    } else if (rc == BEIAN_EDATA) {
        archive_cli_print_findings(f);
        cli_error(rc, "fsck: what remains is not the trace of a crash but damage; restore it "
                      "from a backup (codes: beian verify --codes)");
    }
done:
    beian_archive_free(ar);
    beian_problems_free(pr);
    beian_findings_free(f);
    return rc;
}

int cmd_anchor(beian_ctx *ctx, int argc, char **argv)
{
    archive_cli_common c;
    const char *out = NULL;
    memset(&c, 0, sizeof c);
    c.wait = 30;
    for (int i = 1; i < argc; i++) {
        int took = archive_cli_common_option("anchor", argc, argv, &i, &c);
        if (took < 0) {
            return cli_usage("anchor");
        }
        if (took) {
            continue;
        }
        if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && i + 1 < argc) {
            out = argv[++i];
        } else if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0) {
            cli_quiet = 1;
        } else {
            cli_error(BEIAN_EUSAGE, "anchor: unexpected %s", argv[i]);
            return cli_usage("anchor");
        }
    }
    if (out && !c.date[0]) {
        cli_error(BEIAN_EUSAGE, "anchor: the slip carries a date: give it with --date YYYY-MM-DD "
                                "(or --date today)");
        return cli_usage("anchor");
    }
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    beian_findings *f = beian_findings_new();
    unsigned char *pdf = NULL;
    size_t len = 0, lines = 0;
    char head[65];
    int rc = pr && f ? archive_cli_open(ctx, &c, "anchor", 0, &ar) : BEIAN_EINTERNAL;
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = out ? beian_archive_anchor_slip(ar, c.date, &pdf, &len, &lines, head, f, pr)
             : beian_archive_anchor(ar, &lines, head, f);
    if (rc != BEIAN_OK) {
        archive_cli_print_findings(f);
        archive_cli_report(ctx, rc, pr);
        if (beian_findings_count(f)) {
            cli_error(rc, "anchor: the ledger is damaged; an anchor of it would prove nothing");
        }
        goto done;
    }
    if (out) {
        int err = 0;
        rc = beian_file_write_atomic(out, pdf, len, &err);
        if (rc != BEIAN_OK) {
            cli_error(rc, "%s: cannot write: %s", out, strerror(err));
            goto done;
        }
        cli_note("wrote %s: have it signed and sealed and file it; later, `beian verify --anchor "
                 "%zu:%s` proves the ledger up to here unchanged",
                 out, lines, head);
    }
    printf("%zu:%s\n", lines, head);
done:
    free(pdf);
    beian_archive_free(ar);
    beian_problems_free(pr);
    beian_findings_free(f);
    return rc;
}
