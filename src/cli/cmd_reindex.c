/*
 * cmd_reindex.c - `beian reindex`: index.db rebuilt from the ledger and the bundles alone
 * (beian_archive_reindex). The index is derived; this is the command that derives it anew.
 */
#include "cmd_reindex.h"

#include <stdio.h>

#include "beian/archive.h"
#include "cli.h"
#include "cli_archive.h"

static const cli_option options[] = {
    CLI_ARCHIVE_OPTION_DIR,
    CLI_ARCHIVE_OPTION_WAIT,
    CLI_OPTION_QUIET("no notes on stderr"),
    CLI_OPTIONS_END,
};

const cli_spec cmd_reindex_spec = {
    .name = "reindex",
    .summary = "rebuild index.db (the register's index) from the ledger and the bundles",
    .usage = "beian reindex [--archive DIR]",
    .description =
        "index.db holds what list, due, log and search read: it is derived from ledger.txt and "
        "the bundles, and brought up to date by itself after every filing. reindex reads every "
        "bundle and builds it anew. It refuses a damaged ledger, and an index that knows more "
        "filings than the ledger (the ledger was cut short: restore it from a copy).",
    .options = options,
    .example = "beian reindex --archive /mnt/backup/archive",
};

int cmd_reindex(beian_ctx *ctx, int argc, char **argv)
{
    cli_archive_common c;
    cli_args a;
    int id;
    cli_archive_common_init(&c);
    cli_args_init(&a, &cmd_reindex_spec, argc, argv);
    while ((id = cli_args_next(&a)) != CLI_ARGS_END) {
        if (id == CLI_ARGS_BAD) {
            return BEIAN_EUSAGE;
        }
        if (id == CLI_ARGS_ARG) {
            cli_error(BEIAN_EUSAGE, "reindex: %s is not an option", a.value);
            return cli_usage(&cmd_reindex_spec);
        }
        if (cli_archive_option("reindex", id, a.value, &c) != BEIAN_OK) {
            return cli_usage(&cmd_reindex_spec);
        }
    }
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    size_t lines = 0;
    int rc = pr ? cli_archive_open(ctx, &c, "reindex", 0, &ar) : BEIAN_EINTERNAL;
    if (rc == BEIAN_OK) {
        rc = beian_archive_reindex(ar, &lines, pr);
        cli_report(ctx, rc, pr);
    }
    if (rc == BEIAN_OK) {
        printf("rebuilt index.db from %zu ledger line%s and %s\n", lines,
               lines == 1 ? "" : "s", lines == 1 ? "its bundle" : "their bundles");
    }
    beian_archive_free(ar);
    beian_problems_free(pr);
    return rc;
}
