/*
 * cli_archive.c - what the archive commands share (cli_archive.h): the options --archive,
 * --wait and --date, opening the archive, the checks before signing, verify's findings.
 *
 * Dates never come silently from the clock: --date YYYY-MM-DD, or the data file's "date"
 * for submit and change, or the explicit --date today.
 */
#define _GNU_SOURCE
#include "cli_archive.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "file.h"
#include "util.h"
#include "beian/date.h"
#include "beian/rules.h"
#include "cli.h"

/* The commit steps of the archive (docs/archive.md), in order. */
static const char *const crash_steps[] = {"locked",         "built",        "temp-written",
                                          "linked",         "temp-removed", "ledger-written",
                                          "ledger-synced",  "indexed"};

/* 1 when the hook's variable value ("STEP" or "STEP:N") names step, the N-th time it is
 * reached (the first when N is not given); *count counts the times. */
static int hook_hits(const char *value, const char *step, int *count)
{
    size_t len = strcspn(value, ":");
    if (strlen(step) != len || strncmp(value, step, len) != 0) {
        return 0;
    }
    long nth = value[len] == ':' ? strtol(value + len + 1, NULL, 10) : 1;
    return ++*count == nth;
}

/* BEIAN_CRASH_AT=STEP kills the process at that step of a commit (STEP:N at the N-th commit
 * that reaches it: a crash in the middle of a sheet): fault injection for the
 * tests that prove `beian fsck` repairs whatever a crash leaves. BEIAN_PAUSE_AT=STEP sleeps
 * there for BEIAN_PAUSE_SECONDS (default 2, at most 60): the tests that race a second writer
 * against a commit in progress (a lock file deleted mid-commit) use it. Both are test hooks. */
static void crash_hook(void *user, const char *step)
{
    (void)user;
    static int crash_count; /* a test hook's counter: the one mutable global, in the CLI */
    const char *at = getenv("BEIAN_CRASH_AT");
    if (at && hook_hits(at, step, &crash_count)) {
        fflush(NULL);
        raise(SIGKILL);
    }
    const char *pause_at = getenv("BEIAN_PAUSE_AT");
    if (pause_at && strcmp(pause_at, step) == 0) {
        const char *s = getenv("BEIAN_PAUSE_SECONDS");
        long secs = s && s[0] ? strtol(s, NULL, 10) : 2;
        struct timespec t = {secs < 0 ? 0 : secs > 60 ? 60 : secs, 0};
        while (nanosleep(&t, &t) != 0) {
        }
    }
}

int cli_archive_today(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;
    return now != (time_t)-1 && localtime_r(&now, &tm) && strftime(out, 11, "%Y-%m-%d", &tm) == 10;
}

void cli_archive_common_init(cli_archive_common *c)
{
    memset(c, 0, sizeof *c);
    c->wait = 30;
}

int cli_archive_option(const char *command, int id, const char *value, cli_archive_common *c)
{
    if (id == CLI_ARCHIVE_OPT_DIR) {
        c->archive = value;
    } else if (id == CLI_ARCHIVE_OPT_WAIT) {
        char *end;
        long w = strtol(value, &end, 10);
        if (*end || end == value || w < 0 || w > 86400) {
            return cli_error(BEIAN_EUSAGE, "%s: --wait takes seconds from 0 to 86400, not \"%s\"",
                             command, value);
        }
        c->wait = (int)w;
    } else {
        return cli_date_value(command, "--date", value, c->date);
    }
    return BEIAN_OK;
}

int cli_date_value(const char *command, const char *option, const char *value,
                   char out[BEIAN_DATE_SIZE])
{
    char why[BEIAN_DATE_WHY_SIZE];
    if (strcmp(value, "today") == 0) {
        if (!cli_archive_today(out)) {
            return cli_error(BEIAN_EUSAGE, "%s: cannot read today's date from the clock", command);
        }
        return BEIAN_OK;
    }
    /* the spellings a data file accepts (2026/9/8, 2026年9月8日, ...), one parser for both */
    if (beian_date_parse(value, out, why, sizeof why) == BEIAN_DATE_OK) {
        return BEIAN_OK;
    }
    return cli_error(BEIAN_EUSAGE,
                     "%s: %s takes a date as YYYY-MM-DD (e.g. 2026-11-24, also 2026/11/24 or "
                     "2026年11月24日) or \"today\", not \"%s\": %s",
                     command, option, value, why);
}

int cli_archive_open(beian_ctx *ctx, const cli_archive_common *c, const char *command,
                     int create, beian_archive **ar)
{
    beian_archive_options o = BEIAN_ARCHIVE_OPTIONS_INIT;
    char what[64];
    const char *at = getenv("BEIAN_CRASH_AT");
    if (at && at[0]) {
        int known = 0;
        for (size_t i = 0; i < sizeof crash_steps / sizeof crash_steps[0]; i++) {
            size_t len = strcspn(at, ":");
            known |= strlen(crash_steps[i]) == len && strncmp(at, crash_steps[i], len) == 0;
        }
        if (!known) {
            cli_error(BEIAN_EUSAGE,
                      "BEIAN_CRASH_AT=%s names no commit step (locked, built, "
                      "temp-written, linked, temp-removed, ledger-written, ledger-synced, "
                      "indexed)",
                      at);
            return BEIAN_EUSAGE;
        }
    }
    snprintf(what, sizeof what, "beian %s", command);
    o.dir = c->archive;
    o.wait_seconds = c->wait;
    o.step = crash_hook;
    o.command = what;
    int rc = beian_archive_open(ctx, &o, create, ar);
    if (rc != BEIAN_OK) {
        cli_error(rc, "%s", beian_ctx_message(ctx));
    } else if (beian_archive_created(*ar)) {
        cli_note("created a new archive at %s", beian_archive_dir(*ar));
    }
    return rc;
}

int cli_archive_output_ok(const beian_archive *ar, const char *command, const char *out)
{
    if (out && ar && beian_path_within(out, beian_archive_dir(ar))) {
        return cli_error(BEIAN_ECREATE,
                         "%s: -o %s is inside the archive %s; only beian's own steps write "
                         "there (its bundles, ledger and index are evidence): choose a file "
                         "outside it; nothing was done",
                         command, out, beian_archive_dir(ar));
    }
    return BEIAN_OK;
}

void cli_archive_print_findings(const beian_findings *f)
{
    for (size_t i = 0; i < beian_findings_count(f); i++) {
        const beian_finding *x = beian_findings_get(f, i);
        fprintf(stderr, "beian: %s%serror: %s: %s\n", x->path ? x->path : "", x->path ? ": " : "",
                x->code, x->message);
    }
}

int cli_archive_warnings(beian_archive *ar, const beian_record *rec, const char *self,
                         char ***out, size_t *n_out)
{
    return cli_archive_warnings_keep(ar, rec, self, out, n_out, NULL, 0);
}

int cli_archive_warnings_keep(beian_archive *ar, const beian_record *rec, const char *self,
                              char ***out, size_t *n_out, beian_problems *keep, int line)
{
    beian_record_facts *facts = NULL;
    size_t n = 0;
    beian_problems *quiet = beian_problems_new();
    beian_problems *warn = beian_problems_new();
    char **list = NULL;
    size_t k = 0;
    int rc = quiet && warn ? BEIAN_OK : BEIAN_EINTERNAL;
    *out = NULL;
    *n_out = 0;
    if (rc == BEIAN_OK && ar) {
        const char *keys[BEIAN_RULES_KEYS];
        beian_rules_keys(rec, keys);
        rc = beian_archive_facts_like(ar, keys, &facts, &n, quiet); /* damage is verify's */
    }
    if (rc == BEIAN_OK) {
        rc = beian_rules_check(rec, facts, n, self, warn);
    }
    size_t count = warn ? beian_problems_count(warn) : 0;
    if (rc == BEIAN_OK && count && !(list = calloc(count, sizeof *list))) {
        rc = BEIAN_EINTERNAL;
    }
    for (; rc == BEIAN_OK && k < count; k++) {
        const beian_problem *p = beian_problems_get(warn, k);
        list[k] = beian_asprintf("%s (%s): %s", p->field ? p->field : "-", p->label ? p->label : "",
                                 p->message);
        rc = list[k] ? BEIAN_OK : BEIAN_EINTERNAL;
    }
    for (size_t i = 0; rc == BEIAN_OK && keep && i < count; i++) {
        const beian_problem *p = beian_problems_get(warn, i);
        rc = beian_problems_add(keep, p->severity, p->file, line, 0, p->field, p->label, "%s",
                                p->message);
    }
    if (rc == BEIAN_OK) {
        if (!keep) {
            cli_print_problems(warn);
        }
        *out = list;
        *n_out = count;
        list = NULL;
    }
    for (size_t i = 0; list && i < k; i++) {
        free(list[i]);
    }
    free(list);
    beian_record_facts_free(facts, n);
    beian_problems_free(quiet);
    beian_problems_free(warn);
    return rc;
}
