/*
 * cmd_list.c - `beian list`: the register (台账) of every record, filtered by state, unit,
 * form and year; an aligned table on a terminal, the tab-separated lines of the archive's
 * first `list` elsewhere (scripts kept working), CSV with a BOM for Excel, JSON, or an A4
 * landscape PDF for the annual report (beian/register.h does the formats).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "beian/archive.h"
#include "beian/pdf.h"
#include "beian/record.h"
#include "beian/register.h"
#include "cli.h"
#include "cli_archive.h"
#include "cli_table.h"
#include "cmd_list.h"

enum { OPT_STATE = 1, OPT_UNIT, OPT_FORM, OPT_YEAR, OPT_FORMAT, OPT_PDF, OPT_SEARCH };

static const cli_option options[] = {
    {OPT_STATE, 0, "state", "STATE",
     "only records in this state: submitted, approved, changed, rejected, review-failed, "
     "dissolved"},
    {OPT_UNIT, 0, "unit", "TEXT",
     "only records whose unit (主办单位, 申请单位, 所属部门) contains TEXT"},
    {OPT_FORM, 0, "form", "FORM-ID", "only records of this form"},
    {OPT_YEAR, 0, "year", "YYYY", "only records filed in this year (the year in the number)"},
    {OPT_SEARCH, 0, "search", "TEXT",
     "only records whose data held TEXT in any field of any version (see: beian search)"},
    {OPT_FORMAT, 0, "format", "F",
     "table, tsv, csv (UTF-8 with a BOM, so Excel reads the Chinese) or json"},
    {OPT_PDF, 0, "pdf", "OUT.pdf",
     "print the register as an A4 landscape table, for the annual report"},
    CLI_ARCHIVE_OPTION_DATE("the date printed on the PDF (YYYY-MM-DD or today; none by default)"),
    CLI_ARCHIVE_OPTION_DIR,
    CLI_ARCHIVE_OPTION_WAIT,
    CLI_OPTION_QUIET("no notes on stderr"),
    CLI_OPTIONS_END,
};

const cli_spec cmd_list_spec = {
    .name = "list",
    .summary = "the register (台账): every record, as a table, CSV, JSON or PDF",
    .usage = "beian list [--state STATE] [--unit TEXT] [--form FORM-ID] [--year YYYY]\n"
             "beian list [--search TEXT]\n"
             "beian list [--format table|tsv|csv|json] [--pdf OUT.pdf [--date D]]",
    .description =
        "One row per record: number (编号), kind (类别), name (名称), unit (单位), administrator "
        "(管理员), state (状态), last event (最近事项) and its date, sorted by number. On a "
        "terminal an aligned table; redirected to a file (beian list > 台账.txt) the same "
        "columns with the header line, separated by tabs. --format tsv gives the lines of "
        "earlier versions (number, version, date, state, state in Chinese, form, name).",
    .options = options,
    .example = "beian list --year 2026 --format csv > 台账-2026.csv",
};

/* "状态：已备案；单位含：信息；共3条；制表日期：2026年12月10日" for the printed register. */
static char *subtitle(const beian_register_filter *f, size_t n, const char *date)
{
    beian_buf b;
    char cn[32];
    beian_buf_init(&b);
    if (f->state_set) {
        beian_buf_appendf(&b, "状态：%s；", beian_archive_state_label(f->state));
    }
    if (f->form) {
        beian_buf_appendf(&b, "表格：%s；", f->form);
    }
    if (f->unit) {
        beian_buf_appendf(&b, "单位含：%s；", f->unit);
    }
    if (f->year) {
        beian_buf_appendf(&b, "年度：%d；", f->year);
    }
    beian_buf_appendf(&b, "共%zu条", n);
    if (date && beian_date_format_cn(date, cn, sizeof cn)) {
        beian_buf_appendf(&b, "；制表日期：%s", cn);
    }
    if (beian_buf_terminate(&b) != BEIAN_OK) {
        beian_buf_release(&b);
        return NULL;
    }
    return (char *)b.data;
}

static int print_pdf(beian_ctx *ctx, const beian_record_facts *const *rows, size_t n,
                     const beian_register_filter *f, const char *date, const char *path)
{
    beian_dlist *dl = NULL;
    unsigned char *pdf = NULL;
    size_t len = 0;
    beian_problems *pr = beian_problems_new();
    char *sub = subtitle(f, n, date);
    int rc = pr && sub ? beian_register_layout(ctx, rows, n, sub, date, &dl, pr) : BEIAN_EINTERNAL;
    if (rc == BEIAN_OK) {
        rc = beian_pdf_render(ctx, dl, &pdf, &len);
    }
    if (rc != BEIAN_OK) {
        cli_report(ctx, rc, pr);
    } else {
        rc = cli_write_file(path, pdf, len);
        if (rc == BEIAN_OK) {
            cli_note("wrote %s (%zu record%s, %zu page%s)", path, n, n == 1 ? "" : "s",
                     dl->npages, dl->npages == 1 ? "" : "s");
        }
    }
    free(pdf);
    free(sub);
    beian_dlist_free(dl);
    beian_problems_free(pr);
    return rc;
}

/* The value of one of the register's options (id OPT_*); BEIAN_OK or BEIAN_EUSAGE. */
static int list_option(int id, const char *v, beian_register_filter *f, const char **format,
                       const char **pdf, const char **search)
{
    if (id == OPT_SEARCH) {
        *search = v;
    }
    if (id == OPT_STATE) {
        if (beian_archive_state_parse(v, &f->state) != BEIAN_OK) {
            return cli_error(BEIAN_EUSAGE,
                             "list: --state is one of submitted, approved, changed, rejected, "
                             "review-failed, dissolved; not \"%s\"",
                             v);
        }
        f->state_set = 1;
    } else if (id == OPT_FORM) {
        f->form = v;
    } else if (id == OPT_UNIT) {
        f->unit = v;
    } else if (id == OPT_YEAR) {
        char *end;
        long y = strtol(v, &end, 10);
        if (*end || y < 2000 || y > 2199) {
            return cli_error(BEIAN_EUSAGE, "list: --year takes a year such as 2026, not \"%s\"",
                             v);
        }
        f->year = (int)y;
    } else if (id == OPT_FORMAT) {
        if (strcmp(v, "table") && strcmp(v, "tsv") && strcmp(v, "csv") && strcmp(v, "json")) {
            return cli_error(BEIAN_EUSAGE, "list: --format is table, tsv, csv or json, not \"%s\"",
                             v);
        }
        *format = v;
    } else if (id == OPT_PDF) {
        *pdf = v;
    }
    return BEIAN_OK;
}

/* 1 when a hit names record (the hits come by record number). */
static int found(const beian_search_hit *h, size_t n, const char *record)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(h[mid].record_no, record);
        if (c == 0) {
            return 1;
        }
        if (c < 0) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return 0;
}

int cmd_list(beian_ctx *ctx, int argc, char **argv)
{
    cli_archive_common c;
    beian_register_filter f;
    const char *format = NULL, *pdf = NULL, *search = NULL;
    cli_args a;
    int id;
    cli_archive_common_init(&c);
    memset(&f, 0, sizeof f);
    cli_args_init(&a, &cmd_list_spec, argc, argv);
    while ((id = cli_args_next(&a)) != CLI_ARGS_END) {
        int rc = BEIAN_OK;
        if (id == CLI_ARGS_BAD) {
            return BEIAN_EUSAGE;
        } else if (id == CLI_ARGS_ARG) {
            rc = cli_error(BEIAN_EUSAGE, "list: %s is not an option", a.value);
        } else if (id >= CLI_ARCHIVE_OPT_DIR) {
            rc = cli_archive_option("list", id, a.value, &c);
        } else {
            rc = list_option(id, a.value, &f, &format, &pdf, &search);
        }
        if (rc != BEIAN_OK) {
            return cli_usage(&cmd_list_spec);
        }
    }
    if (!format && !pdf) {
        format = isatty(STDOUT_FILENO) ? "table" : "tabs"; /* the screen's columns, by tabs */
    }
    beian_archive *ar = NULL;
    beian_problems *pr = beian_problems_new();
    beian_record_facts *facts = NULL;
    const beian_record_facts **rows = NULL;
    const char **cells = NULL;
    beian_search_hit *hits = NULL;
    size_t nhits = 0;
    char (*vers)[16] = NULL;
    char *text = NULL;
    size_t n = 0, m = 0, len = 0;
    int rc = pr ? cli_archive_open(ctx, &c, "list", 0, &ar) : BEIAN_EINTERNAL;
    if (rc == BEIAN_OK) {
        rc = cli_archive_output_ok(ar, "list", pdf);
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = beian_archive_facts(ar, &facts, &n, pr);
    if (rc == BEIAN_OK && search) {
        rc = beian_archive_search(ar, search, &hits, &nhits, pr);
    }
    cli_report(ctx, rc, pr);
    if (rc != BEIAN_OK) {
        goto done;
    }
    rows = calloc(n + 1, sizeof *rows);
    if (!rows) {
        rc = cli_error(BEIAN_EINTERNAL, "out of memory");
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (beian_register_match(&facts[i], &f) &&
            (!search || found(hits, nhits, facts[i].info.record_no))) {
            rows[m++] = &facts[i];
        }
    }
    if (pdf) {
        rc = print_pdf(ctx, rows, m, &f, c.date[0] ? c.date : NULL, pdf);
        if (rc != BEIAN_OK || !format) {
            goto done;
        }
    }
    if (strcmp(format, "csv") == 0 || strcmp(format, "json") == 0) {
        rc = format[0] == 'c' ? beian_register_csv(rows, m, &text, &len)
                              : beian_register_json(rows, m, &text, &len);
        if (rc != BEIAN_OK) {
            rc = cli_error(rc, "out of memory");
            goto done;
        }
        fwrite(text, 1, len, stdout);
    } else if (strcmp(format, "tsv") == 0) {
        /* the archive's first register format, kept for scripts */
        for (size_t i = 0; i < m; i++) {
            const beian_record_info *r = &rows[i]->info;
            printf("%s\tv%d\t%s\t%s\t%s%s\t%s\t%s\n", r->record_no, r->version, r->date,
                   beian_archive_state_name(r->state), beian_archive_state_label(r->state),
                   r->unverified ? "（未经校验）" : "", r->form_id, r->name);
        }
    } else if (m) {
        enum { NC = 8 };
        cells = calloc((m + 1) * NC, sizeof *cells);
        vers = calloc(m, sizeof *vers);
        if (!cells || !vers) {
            rc = cli_error(BEIAN_EINTERNAL, "out of memory");
            goto done;
        }
        for (size_t k = 0; k < NC; k++) {
            cells[k] = beian_register_headings[k];
        }
        for (size_t i = 0; i < m; i++) {
            const char *all[BEIAN_REGISTER_COLUMNS];
            beian_register_cells(rows[i], all, vers[i]);
            if (rows[i]->info.unverified) { /* its signed copy was filed unverified */
                all[5] = rows[i]->info.state == BEIAN_STATE_APPROVED ? "已备案（未经校验）"
                                                                     : "未经校验";
            }
            memcpy(cells + (i + 1) * NC, all, NC * sizeof *cells);
        }
        for (size_t i = 0; strcmp(format, "tabs") == 0 && i < (m + 1) * NC; i++) {
            printf("%s%c", cells[i], i % NC == NC - 1 ? '\n' : '\t');
        }
        if (strcmp(format, "tabs") != 0) {
            cli_table_print(stdout, cells, m + 1, NC);
        }
    }
    if (fflush(stdout) != 0) {
        rc = cli_error(BEIAN_EIO, "cannot write the register: %s", strerror(errno));
    }
done:
    free(text);
    free(vers);
    free(cells);
    free(rows);
    beian_record_facts_free(facts, n);
    beian_search_hits_free(hits, nhits);
    beian_archive_free(ar);
    beian_problems_free(pr);
    return rc;
}
