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

#include "cmd_verify.h"

#include "beian/archive.h"
#include "beian/record.h"
#include "beian/verify.h"
#include "cli.h"
#include "cli_archive.h"

enum { OPT_ANCHOR = 1, OPT_CODES, OPT_DRY_RUN, OPT_OUT };

static const cli_option verify_options[] = {
    {OPT_ANCHOR, 0, "anchor", "LINES:HASH",
     "also prove the ledger matches an anchor slip (beian anchor)"},
    {OPT_CODES, 0, "codes", NULL, "list the codes, what each means and what to do"},
    CLI_ARCHIVE_OPTION_DIR,
    CLI_ARCHIVE_OPTION_WAIT,
    CLI_OPTION_QUIET("no progress line and no notes on stderr"),
    CLI_OPTIONS_END,
};

const cli_spec cmd_verify_spec = {
    .name = "verify",
    .summary = "prove the archive intact; exit 65 naming any damage",
    .usage = "beian verify [RECORD | BUNDLE.zip] [--anchor LINES:HASH] [--archive DIR]\n"
             "beian verify --codes",
    .description =
        "Checks every bundle (the ZIP container byte by byte, the BagIt manifests, the record "
        "inside), every record (versions 1, 2, 3... without gaps, each chained to the one before "
        "by Previous-Bundle-SHA256, the workflow, the dates) and the store (the ledger's hash "
        "chain, every bundle in the ledger with the digest it had when filed, every ledger line "
        "on disk, no leftovers of a crash, index.db consistent with the ledger). With RECORD, "
        "only that record (and the ledger's chain); with BUNDLE.zip, one bundle file on its own "
        "(container, bag, content).\n\n"
        "Each problem is printed as `beian: BUNDLE: error: CODE: what`; the codes are stable "
        "(see --codes). Exit 0 when all is intact, 65 when anything is damaged. index.db is "
        "derived from the ledger: one that is behind it (a filing could not update it) or "
        "missing is not damage; a note says so, and the next reader or filing catches it up.",
    .options = verify_options,
    .example = "beian verify --anchor 128:3f2a9c0d11e4b7a8...",
};

static const cli_option fsck_options[] = {
    {OPT_DRY_RUN, 'n', "dry-run", NULL, "say what would be repaired, change nothing"},
    CLI_ARCHIVE_OPTION_DIR,
    CLI_ARCHIVE_OPTION_WAIT,
    CLI_OPTION_QUIET("no notes on stderr"),
    CLI_OPTIONS_END,
};

const cli_spec cmd_fsck_spec = {
    .name = "fsck",
    .summary = "repair what an interrupted filing left behind",
    .usage = "beian fsck [--dry-run] [--archive DIR] [--wait SECONDS]",
    .description =
        "A filing killed half way (power cut, Ctrl-C) can leave a temporary file, or a complete "
        "bundle the ledger does not list yet, or an index behind the ledger. fsck removes the "
        "temporary files, completes the filing of a bundle that checks out entirely (or sets it "
        "aside in quarantine/ when it does not), rebuilds the index, and then verifies the "
        "archive. It never rewrites history: damage that is not the trace of a crash is left "
        "for verify to report (exit 65). Each repair is printed on stdout.",
    .options = fsck_options,
    .example = "beian fsck --archive /srv/beian/archive",
};

static const cli_option anchor_options[] = {
    {OPT_OUT, 'o', "output", "SLIP.pdf", "also print the anchor slip, to sign, seal and file"},
    CLI_ARCHIVE_OPTION_DATE("the date printed on the slip (required with -o)"),
    CLI_ARCHIVE_OPTION_DIR,
    CLI_ARCHIVE_OPTION_WAIT,
    CLI_OPTION_QUIET("no notes on stderr"),
    CLI_OPTIONS_END,
};

const cli_spec cmd_anchor_spec = {
    .name = "anchor",
    .summary = "anchor the ledger on paper: line count and head hash",
    .usage = "beian anchor [-o SLIP.pdf --date YYYY-MM-DD|today] [--archive DIR]",
    .description =
        "Prints LINES:HASH, the ledger's line count and the hash of its last line, which "
        "commits to every line before it. With -o, also a one-page slip with them and a QR "
        "code, to be signed, sealed and filed on paper. Later, `beian verify --anchor "
        "LINES:HASH` proves that nothing filed before the slip was rewritten or removed.",
    .options = anchor_options,
    .example = "beian anchor -o 账本锚定单-2026.pdf --date 2026-12-31",
};

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

/* After an intact verify: the records whose signed copy was filed without a tracking code
 * read (--unverified, issue 13) are named in the report. */
static void print_unverified(beian_archive *ar, const char *target)
{
    beian_record_facts *facts = NULL;
    size_t n = 0;
    beian_problems *pr = beian_problems_new();
    beian_archive_index_readonly(ar, 1); /* verify reports the index; it never repairs it */
    if (pr && beian_archive_facts(ar, &facts, &n, pr) == BEIAN_OK) {
        for (size_t i = 0; i < n; i++) {
            const beian_record_info *r = &facts[i].info;
            if (r->unverified && (!target || strcmp(target, r->record_no) == 0)) {
                printf("%s: 未经校验 (unverified): its signed copy was filed without a tracking "
                       "code read (see: beian log %s)\n",
                       r->record_no, r->record_no);
            }
        }
    }
    beian_record_facts_free(facts, n);
    beian_problems_free(pr);
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
    cli_archive_print_findings(f);
    if (rc == BEIAN_EDATA) {
        size_t n = beian_findings_count(f);
        cli_error(rc, "verify: %s is DAMAGED: %zu problem%s (codes: beian verify --codes)", what, n,
                  n == 1 ? "" : "s");
    }
    return rc;
}

int cmd_verify(beian_ctx *ctx, int argc, char **argv)
{
    cli_archive_common c;
    const char *target = NULL, *anchor = NULL;
    cli_args a;
    int id;
    cli_archive_common_init(&c);
    cli_args_init(&a, &cmd_verify_spec, argc, argv);
    while ((id = cli_args_next(&a)) != CLI_ARGS_END) {
        if (id == CLI_ARGS_BAD) {
            return BEIAN_EUSAGE;
        } else if (id == OPT_CODES) {
            return print_codes();
        } else if (id == OPT_ANCHOR) {
            anchor = a.value;
        } else if (id == CLI_ARGS_ARG && target) {
            cli_error(BEIAN_EUSAGE, "verify: unexpected %s", a.value);
            return cli_usage(&cmd_verify_spec);
        } else if (id == CLI_ARGS_ARG) {
            target = a.value;
        } else if (cli_archive_option("verify", id, a.value, &c) != BEIAN_OK) {
            return cli_usage(&cmd_verify_spec);
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
            return cli_usage(&cmd_verify_spec);
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
        return cli_usage(&cmd_verify_spec);
    }
    rc = cli_archive_open(ctx, &c, "verify", 0, &ar);
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
        cli_note("note: index.db is behind the ledger (made from %zu of its %zu lines: updating "
                 "it failed after a filing); the next reader or filing catches it up",
                 sum.index_lines, sum.ledger_lines);
    } else if ((rc == BEIAN_OK || rc == BEIAN_EDATA) && sum.index == BEIAN_INDEX_MISSING) {
        cli_note("note: index.db is missing; the next reader or filing builds it from the "
                 "ledger and the bundles");
    }
    if (rc == BEIAN_OK) {
        printf("%s: ok: %zu bundle%s of %zu record%s, ledger of %zu line%s intact (head %s)%s\n",
               target ? target : beian_archive_dir(ar), sum.bundles, sum.bundles == 1 ? "" : "s",
               sum.records, sum.records == 1 ? "" : "s", sum.ledger_lines,
               sum.ledger_lines == 1 ? "" : "s", sum.head, anchor ? "; matches the anchor" : "");
        print_unverified(ar, target);
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
    cli_archive_common c;
    int dry = 0;
    cli_args a;
    int id;
    cli_archive_common_init(&c);
    cli_args_init(&a, &cmd_fsck_spec, argc, argv);
    while ((id = cli_args_next(&a)) != CLI_ARGS_END) {
        if (id == CLI_ARGS_BAD) {
            return BEIAN_EUSAGE;
        } else if (id == OPT_DRY_RUN) {
            dry = 1;
        } else if (id == CLI_ARGS_ARG) {
            cli_error(BEIAN_EUSAGE, "fsck: unexpected %s", a.value);
            return cli_usage(&cmd_fsck_spec);
        } else if (cli_archive_option("fsck", id, a.value, &c) != BEIAN_OK) {
            return cli_usage(&cmd_fsck_spec);
        }
    }
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    beian_findings *f = beian_findings_new();
    int rc = pr && f ? cli_archive_open(ctx, &c, "fsck", 0, &ar) : BEIAN_EINTERNAL;
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
        cli_archive_print_findings(f);
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
    cli_archive_common c;
    const char *out = NULL;
    cli_args a;
    int id;
    cli_archive_common_init(&c);
    cli_args_init(&a, &cmd_anchor_spec, argc, argv);
    while ((id = cli_args_next(&a)) != CLI_ARGS_END) {
        if (id == CLI_ARGS_BAD) {
            return BEIAN_EUSAGE;
        } else if (id == OPT_OUT) {
            out = a.value;
        } else if (id == CLI_ARGS_ARG) {
            cli_error(BEIAN_EUSAGE, "anchor: unexpected %s", a.value);
            return cli_usage(&cmd_anchor_spec);
        } else if (cli_archive_option("anchor", id, a.value, &c) != BEIAN_OK) {
            return cli_usage(&cmd_anchor_spec);
        }
    }
    if (out && !c.date[0]) {
        cli_error(BEIAN_EUSAGE, "anchor: the slip carries a date: give it with --date YYYY-MM-DD "
                                "(or --date today)");
        return cli_usage(&cmd_anchor_spec);
    }
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    beian_findings *f = beian_findings_new();
    unsigned char *pdf = NULL;
    size_t len = 0, lines = 0;
    char head[65];
    int rc = pr && f ? cli_archive_open(ctx, &c, "anchor", 0, &ar) : BEIAN_EINTERNAL;
    if (rc == BEIAN_OK) {
        rc = cli_archive_output_ok(ar, "anchor", out);
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = out ? beian_archive_anchor_slip(ar, c.date, &pdf, &len, &lines, head, f, pr)
             : beian_archive_anchor(ar, &lines, head, f);
    if (rc != BEIAN_OK) {
        cli_archive_print_findings(f);
        cli_report(ctx, rc, pr);
        if (beian_findings_count(f)) {
            cli_error(rc, "anchor: the ledger is damaged; an anchor of it would prove nothing");
        }
        goto done;
    }
    if (out) {
        rc = cli_write_file(out, pdf, len);
        if (rc != BEIAN_OK) {
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
