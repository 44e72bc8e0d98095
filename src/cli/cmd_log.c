/*
 * cmd_log.c - `beian log RECORD`: a record's history, every version with its date, event,
 * bundle and what it added, read from the archive (beian_archive_history).
 */
#define _GNU_SOURCE
#include "cmd_log.h"

#include <stdio.h>
#include <string.h>

#include "beian/archive.h"
#include "beian/record.h"
#include "cli.h"
#include "cli_archive.h"

static const cli_option options[] = {
    CLI_ARCHIVE_OPTION_DIR,
    CLI_ARCHIVE_OPTION_WAIT,
    CLI_OPTION_QUIET("no notes on stderr"),
    CLI_OPTIONS_END,
};

const cli_spec cmd_log_spec = {
    .name = "log",
    .summary = "a record's history: every version with date and event",
    .usage = "beian log RECORD [--archive DIR]",
    .description =
        "Lists the record's versions, oldest first: version, date, event (提交, 批准备案, 退回, "
        "变更, 年审, 注销), the bundle and the first digits of its SHA-256, and what the version "
        "added (the scan, the reason, the review's result). A version whose bundle is missing "
        "or damaged is marked so (see: beian verify RECORD).",
    .options = options,
    .example = "beian log XMT-2026-0007",
};

int cmd_log(beian_ctx *ctx, int argc, char **argv)
{
    cli_archive_common c;
    const char *record = NULL;
    int nargs = 0, id;
    cli_args args;
    cli_archive_common_init(&c);
    cli_args_init(&args, &cmd_log_spec, argc, argv);
    while ((id = cli_args_next(&args)) != CLI_ARGS_END) {
        if (id == CLI_ARGS_BAD) {
            return BEIAN_EUSAGE;
        } else if (id == CLI_ARGS_ARG) {
            record = nargs++ ? record : args.value;
        } else if (cli_archive_option("log", id, args.value, &c) != BEIAN_OK) {
            return cli_usage(&cmd_log_spec);
        }
    }
    if (nargs != 1 || !beian_record_no_valid(record)) {
        cli_error(BEIAN_EUSAGE, "log: say which record, e.g. beian log XMT-2026-0007 (see: beian "
                                "list)");
        return cli_usage(&cmd_log_spec);
    }
    int rc;
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    beian_record_info info;
    beian_version_info *v = NULL;
    size_t n = 0;
    memset(&info, 0, sizeof info);
    rc = pr ? cli_archive_open(ctx, &c, "log", 0, &ar) : BEIAN_EINTERNAL;
    if (rc == BEIAN_OK) {
        rc = beian_archive_history(ar, record, &info, &v, &n, pr);
        cli_report(ctx, rc, pr);
    }
    if (rc == BEIAN_OK) {
        printf("%s  %s  (%s)  %s %s\n", info.record_no, info.name ? info.name : "?",
               info.form_id ? info.form_id : "?", beian_archive_state_label(info.state),
               beian_archive_state_name(info.state));
        for (size_t i = 0; i < n; i++) {
            printf("v%-3d %s  %-9s %-12s %s  sha256 %.16s%s%s\n", v[i].version, v[i].date,
                   beian_archive_event_name(v[i].event), beian_archive_event_label(v[i].event),
                   v[i].path,
                   v[i].sha256, v[i].detail ? "  " : "", v[i].detail ? v[i].detail : "");
        }
    }
    beian_version_infos_free(v, n);
    beian_record_info_release(&info);
    beian_archive_free(ar);
    beian_problems_free(pr);
    return rc;
}
