/*
 * cmd_search.c - `beian search TEXT`: every record whose data held TEXT in any field of any
 * version (beian_archive_search), with the versions and dates it held it: an aligned table on
 * a terminal, tab-separated lines elsewhere, CSV with a BOM for Excel, or JSON.
 */
#define _GNU_SOURCE
#include "cmd_search.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "beian/archive.h"
#include "cli.h"
#include "cli_archive.h"
#include "cli_table.h"
#include "util.h"

enum { OPT_FORMAT = 1 };

static const cli_option options[] = {
    {OPT_FORMAT, 0, "format", "F",
     "table, tsv, csv (UTF-8 with a BOM, so Excel reads the Chinese) or json"},
    CLI_ARCHIVE_OPTION_DIR,
    CLI_ARCHIVE_OPTION_WAIT,
    CLI_OPTION_QUIET("no notes on stderr"),
    CLI_OPTIONS_END,
};

const cli_spec cmd_search_spec = {
    .name = "search",
    .summary = "find records by any value of any version: a name, a phone, a group",
    .usage = "beian search TEXT [--format table|tsv|csv|json] [--archive DIR]",
    .description =
        "Looks for TEXT in every field of every version (names, phone numbers, e-mails, group "
        "and platform names, accounts, units), ignoring case, full-width forms, spaces and "
        "hyphens (13800138000 finds 138-0013-8000). Each hit names the record, the field "
        "(by its Chinese label), the value, and the versions that held it: from the version "
        "that brought it until the change that replaced it, or to the latest version. "
        "Columns: 编号, 名称, 字段, 值, 自 (from), 至 (until).",
    .options = options,
    .example = "beian search 王某",
};

static char *from_text(const beian_search_hit *h)
{
    return beian_asprintf("v%d (%s)", h->from_version, h->from_date);
}

static char *until_text(const beian_search_hit *h)
{
    if (!h->until_version) {
        return beian_asprintf("still in v%d (latest)", h->latest_version);
    }
    return beian_asprintf("the %s of v%d (%s)",
                          h->until_event == BEIAN_EVENT_CHANGED ? "change" : "filing",
                          h->until_version, h->until_date);
}

static void csv_cell(beian_buf *b, const char *s, int last)
{
    beian_buf_appendf(b, "\"");
    for (const char *p = s; *p; p++) {
        beian_buf_appendf(b, *p == '"' ? "\"\"" : "%c", *p);
    }
    beian_buf_appendf(b, "\"%s", last ? "\r\n" : ",");
}

static void json_str(beian_buf *b, const char *key, const char *s, int comma)
{
    beian_buf_appendf(b, "\"%s\": \"", key);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            beian_buf_appendf(b, "\\%c", *p);
        } else if (*p < 0x20) {
            beian_buf_appendf(b, "\\u%04x", *p);
        } else {
            beian_buf_appendf(b, "%c", *p);
        }
    }
    beian_buf_appendf(b, "\"%s", comma ? ", " : "");
}

static int print_hits(const beian_search_hit *h, size_t n, const char *format)
{
    beian_buf b;
    beian_buf_init(&b);
    if (strcmp(format, "table") == 0) {
        enum { NC = 6 };
        const char **cells = calloc((n + 1) * NC, sizeof *cells);
        char **own = calloc(2 * n + 1, sizeof *own);
        static const char *const head[NC] = {"编号", "名称", "字段", "值", "自 (from)",
                                             "至 (until)"};
        int ok = cells && own;
        for (size_t k = 0; ok && k < NC; k++) {
            cells[k] = head[k];
        }
        for (size_t i = 0; ok && i < n; i++) {
            own[2 * i] = from_text(&h[i]);
            own[2 * i + 1] = until_text(&h[i]);
            const char *row[NC] = {h[i].record_no, h[i].name,     h[i].label,
                                   h[i].value,     own[2 * i], own[2 * i + 1]};
            ok = own[2 * i] && own[2 * i + 1];
            memcpy(cells + (i + 1) * NC, row, sizeof row);
        }
        if (ok && n) {
            cli_table_print(stdout, cells, n + 1, NC);
        }
        for (size_t i = 0; own && i < 2 * n; i++) {
            free(own[i]);
        }
        free(own);
        free(cells);
        return ok ? BEIAN_OK : BEIAN_EINTERNAL;
    }
    if (strcmp(format, "csv") == 0) {
        beian_buf_append(&b, "\xEF\xBB\xBF", 3); /* the BOM: Excel then reads UTF-8 */
        static const char *const head[] = {"编号", "名称", "表格", "字段", "字段名", "值",
                                           "自版本", "自日期", "至版本", "至日期"};
        for (size_t k = 0; k < 10; k++) {
            csv_cell(&b, head[k], k == 9);
        }
    } else if (strcmp(format, "json") == 0) {
        beian_buf_appendf(&b, "[");
    }
    for (size_t i = 0; i < n; i++) {
        char fv[16], uv[16];
        snprintf(fv, sizeof fv, "%d", h[i].from_version);
        snprintf(uv, sizeof uv, "%d", h[i].until_version);
        if (format[0] == 'c') {
            const char *row[] = {h[i].record_no, h[i].name,  h[i].form_id,   h[i].field,
                                 h[i].label,     h[i].value, fv,            h[i].from_date,
                                 h[i].until_version ? uv : "", h[i].until_date};
            for (size_t k = 0; k < 10; k++) {
                csv_cell(&b, row[k], k == 9);
            }
        } else if (format[0] == 'j') {
            beian_buf_appendf(&b, "%s\n  {", i ? "," : "");
            json_str(&b, "record", h[i].record_no, 1);
            json_str(&b, "name", h[i].name, 1);
            json_str(&b, "form", h[i].form_id, 1);
            json_str(&b, "field", h[i].field, 1);
            json_str(&b, "label", h[i].label, 1);
            json_str(&b, "value", h[i].value, 1);
            beian_buf_appendf(&b, "\"from_version\": %d, ", h[i].from_version);
            json_str(&b, "from_date", h[i].from_date, 1);
            if (h[i].until_version) {
                beian_buf_appendf(&b, "\"until_version\": %d, ", h[i].until_version);
                json_str(&b, "until_date", h[i].until_date, 1);
                json_str(&b, "until_event", beian_archive_event_name(h[i].until_event), 1);
            } else {
                beian_buf_appendf(&b, "\"until_version\": null, \"until_date\": null, ");
            }
            beian_buf_appendf(&b, "\"latest_version\": %d, ", h[i].latest_version);
            json_str(&b, "state", beian_archive_state_name(h[i].state), 0);
            beian_buf_appendf(&b, "}");
        } else {
            /* the last two columns (the change, its date) are empty while it holds */
            char until[24] = "";
            if (h[i].until_version) {
                snprintf(until, sizeof until, "v%d", h[i].until_version);
            }
            beian_buf_appendf(&b, "%s\t%s\t%s\t%s\t%s\tv%d\t%s\t%s\t%s\n", h[i].record_no,
                              h[i].name, h[i].field, h[i].label, h[i].value, h[i].from_version,
                              h[i].from_date, until, h[i].until_date);
        }
    }
    if (format[0] == 'j') {
        beian_buf_appendf(&b, "%s]\n", n ? "\n" : "");
    }
    int rc = beian_buf_terminate(&b);
    if (rc == BEIAN_OK) {
        fwrite(b.data, 1, b.len, stdout);
    }
    beian_buf_release(&b);
    return rc;
}

int cmd_search(beian_ctx *ctx, int argc, char **argv)
{
    cli_archive_common c;
    const char *text = NULL, *format = NULL;
    int nargs = 0, id;
    cli_args a;
    cli_archive_common_init(&c);
    cli_args_init(&a, &cmd_search_spec, argc, argv);
    while ((id = cli_args_next(&a)) != CLI_ARGS_END) {
        if (id == CLI_ARGS_BAD) {
            return BEIAN_EUSAGE;
        } else if (id == CLI_ARGS_ARG) {
            text = nargs++ ? text : a.value;
        } else if (id == OPT_FORMAT) {
            if (strcmp(a.value, "table") && strcmp(a.value, "tsv") && strcmp(a.value, "csv") &&
                strcmp(a.value, "json")) {
                cli_error(BEIAN_EUSAGE, "search: --format is table, tsv, csv or json, not \"%s\"",
                          a.value);
                return cli_usage(&cmd_search_spec);
            }
            format = a.value;
        } else if (cli_archive_option("search", id, a.value, &c) != BEIAN_OK) {
            return cli_usage(&cmd_search_spec);
        }
    }
    if (nargs != 1) {
        cli_error(BEIAN_EUSAGE, "search: say what to look for, once, e.g. beian search 王某");
        return cli_usage(&cmd_search_spec);
    }
    if (!format) {
        format = isatty(STDOUT_FILENO) ? "table" : "tsv";
    }
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    beian_search_hit *hits = NULL;
    size_t n = 0;
    int rc = pr ? cli_archive_open(ctx, &c, "search", 0, &ar) : BEIAN_EINTERNAL;
    if (rc == BEIAN_OK) {
        rc = beian_archive_search(ar, text, &hits, &n, pr);
        cli_report(ctx, rc, pr);
    }
    if (rc == BEIAN_OK) {
        rc = print_hits(hits, n, format);
        if (rc != BEIAN_OK) {
            rc = cli_error(rc, "out of memory");
        } else if (fflush(stdout) != 0) {
            rc = cli_error(BEIAN_EIO, "cannot write the results: %s", strerror(errno));
        } else if (n == 0) {
            cli_note("nothing in this archive holds \"%s\"", text);
        }
    }
    beian_search_hits_free(hits, n);
    beian_archive_free(ar);
    beian_problems_free(pr);
    return rc;
}
