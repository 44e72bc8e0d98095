/*
 * archive_intake.c - the signed paper comes back (issue 13): one decision, for the command line
 * and the web pages alike, whether a scan is the signed form of a record. The worst outcome of
 * the program is a wrong paper sealed into the archive, which cannot be corrected afterwards;
 * the next worst is refusing the right one. So:
 *
 *   - the scan's bytes are read once, by the caller, and these bytes are judged and filed;
 *   - every page is read (beian_scan_read); a tracking code counts only from a page's footer
 *     corner, so a group's QR code holding a beian: text is never taken for it;
 *   - a PDF page without a scanned picture (a form beian wrote) is no signed copy, and a
 *     reprint's code (/R, /M: beian/tracking.h) is never the signed form;
 *   - every page with a code names the same record, version and data; a form of several pages
 *     (a form and its 附页) is taken only when all its pages are read (by the page in their
 *     codes, or for earlier codes without it by their count), which also puts page 1, the one
 *     with the signatures, among them;
 *   - a draft's code (beian:DRAFT/0/<digest>, the paper departments sign before the office
 *     files it) is matched by its digest: to the named record, or to the one record whose data
 *     in force digests to it;
 *   - no code read is a refusal, always; filing such a paper takes a reason and the record's
 *     number, and even then page 1 must carry ink and a ruled table (thresholds measured in
 *     bench/scan/README.md, "Page tests").
 *
 * The checks against the record's state (the version in force, its digest) are made again by
 * the commit under the archive's lock (archive_check.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_content.h"
#include "archive_load.h"
#include "archive_lookup.h"
#include "beian/scan.h"
#include "ledger.h"
#include "util.h"

/* Page 1 of a paper filed unverified: blank below this share of ink (every printed page has at
 * least 1.26 %, a blank one 0.00 %), and a form when a ruled line spans this share of the page
 * width (every form page 0.70 or more, a text-only page at most 0.45). */
#define INTAKE_BLANK_INK 0.005
#define INTAKE_FORM_RULE 0.6

#define SCAN_LABEL "scan", "扫描件"

/* The same form: record, version, data and copy (the page may differ). */
static int same_code(const beian_tracking *a, const beian_tracking *b)
{
    return strcmp(a->record, b->record) == 0 && a->version == b->version &&
           strcmp(a->digest16, b->digest16) == 0 && a->copy == b->copy;
}

static const char *code_name(const beian_tracking *t, char *buf, size_t size)
{
    if (strcmp(t->record, "DRAFT") == 0) {
        snprintf(buf, size, "a draft (digest %s)", t->digest16);
    } else {
        snprintf(buf, size, "%s v%d", t->record, t->version);
    }
    return buf;
}

/* The pages' codes: *code the one they agree on (*coded pages carry it), or a refusal naming
 * the foreign page. Pages without a readable code are left out. */
static int intake_codes(const char *name, const beian_scan_doc *doc, beian_tracking *code,
                        size_t *coded, size_t *first, beian_problems *pr)
{
    *coded = 0;
    for (size_t i = 0; i < doc->n_pages; i++) {
        const beian_scan_page *p = &doc->pages[i];
        beian_tracking t;
        if (p->written) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, name, 0, 0, SCAN_LABEL,
                               "page %zu is no scan: a PDF page of text and fonts with no "
                               "scanned picture (a form as beian or another program wrote it, "
                               "unsigned); print it, have it signed and sealed, and scan the "
                               "paper",
                               i + 1);
            return BEIAN_EDATA;
        }
        if (!p->tracking || beian_tracking_parse(p->tracking, &t) != BEIAN_OK) {
            continue;
        }
        if (t.copy != BEIAN_TRACKING_FORM) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, name, 0, 0, SCAN_LABEL,
                               "page %zu is a %s of %s v%d, not the signed form: a copy is never "
                               "filed as the signed paper (if the original was lost, print the "
                               "form itself with `beian reprint %s --exact`, sign and seal it)",
                               i + 1,
                               t.copy == BEIAN_TRACKING_MASKED ? "masked reprint"
                                                               : "reprint (补打（副本）)",
                               t.record, t.version, t.record);
            return BEIAN_EDATA;
        }
        if (*coded && !same_code(&t, code)) {
            char a[64], b[64];
            beian_problems_add(pr, BEIAN_SEV_ERROR, name, 0, 0, SCAN_LABEL,
                               "page %zu carries the tracking code of %s, but page %zu that of "
                               "%s: a scan is one form; scan each form to its own file",
                               i + 1, code_name(&t, a, sizeof a), *first + 1,
                               code_name(code, b, sizeof b));
            return BEIAN_EDATA;
        }
        if (!*coded) {
            *code = t;
            *first = i;
        }
        (*coded)++;
    }
    return BEIAN_OK;
}

/* The record whose data in force digests to the draft's digest16 (asked of the index, which
 * keeps each record's digest). BEIAN_EDATA with a problem when none or several do. */
static int intake_find_draft(beian_archive *ar, const char *name, const beian_tracking *t,
                             char record_no[BEIAN_RECORD_NO_SIZE], beian_problems *pr)
{
    index_db ix;
    size_t found = 0;
    char others[128] = "";
    int rc = index_open_register(ar, &ix, pr);
    if (rc == BEIAN_OK) {
        rc = lookup_draft(&ix, t->digest16, others, sizeof others, &found);
        index_close(&ix);
    }
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (found == 1) {
        snprintf(record_no, BEIAN_RECORD_NO_SIZE, "%.*s", (int)(BEIAN_RECORD_NO_SIZE - 1), others);
        return BEIAN_OK;
    }
    if (found == 0) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, name, 0, 0, SCAN_LABEL,
                           "the paper is a draft (printed by `beian fill` before filing) whose "
                           "data is that of no record in this archive: file the data with "
                           "`beian submit DATA.json` first, or name the record it belongs to "
                           "(its data must be the same)");
    } else {
        beian_problems_add(pr, BEIAN_SEV_ERROR, name, 0, 0, SCAN_LABEL,
                           "the paper is a draft whose data is that of several records (%s): "
                           "name the one it belongs to: beian approve RECORD --scan FILE",
                           others);
    }
    return BEIAN_EDATA;
}

/* The number of pages of the form in force of record_no (its latest bundle's data/form.pdf);
 * 0 when it cannot be told (the commit then refuses or files as the code says). */
static int intake_form_pages(beian_archive *ar, const char *record_no, int *pages,
                             beian_problems *pr)
{
    index_db ix;
    ledger mine;
    *pages = 0;
    memset(&mine, 0, sizeof mine);
    int rc = index_open_register(ar, &ix, pr);
    if (rc == BEIAN_OK) {
        rc = lookup_versions(&ix, record_no, &mine);
        index_close(&ix);
    }
    if (rc != BEIAN_OK) {
        return rc;
    }
    const ledger_line *l = ledger_latest(&mine, record_no);
    if (!l) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                           "there is no record %s in this archive (see: beian list)", record_no);
        ledger_release(&mine);
        return BEIAN_ENOINPUT;
    }
    load_bundle lb;
    if (load_bundle_read(ar, l->path, &lb, NULL) == BEIAN_OK) {
        const beian_bundle_entry *pdf = beian_bundle_get(lb.bundle, DATA_PDF);
        int n = pdf ? beian_scan_pdf_pages(pdf->data, pdf->len) : -1;
        *pages = n > 0 ? n : 0;
        load_bundle_release(&lb);
    }
    ledger_release(&mine);
    return BEIAN_OK;
}

/*
 * A form of form_pages pages (0: unknown) against the pages of the scan with its code. Codes
 * that carry the form's page (beian/tracking.h) must show every page 1..form_pages; codes
 * without it (earlier printings) must be read on as many pages as the form has. Either way
 * page 1, with the signatures, is among them. BEIAN_EDATA with a problem naming what is missing.
 */
static int intake_pages(const char *name, const beian_scan_doc *doc, const char *record_no,
                        int form_pages, int join, beian_intake *out, beian_problems *pr)
{
    size_t coded = out->coded;
    unsigned char seen[BEIAN_TRACKING_PAGE_MAX + 1] = {0};
    int numbered = 1;
    beian_buf list;
    beian_buf_init(&list);
    for (size_t i = 0; i < doc->n_pages; i++) {
        beian_tracking t;
        if (!doc->pages[i].tracking || beian_tracking_parse(doc->pages[i].tracking, &t) != 0) {
            continue;
        }
        if (t.page == 0) {
            numbered = 0;
        } else if (form_pages > 0 && t.page > form_pages) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, name, 0, 0, SCAN_LABEL,
                               "page %zu carries the code of page %d, but the form of %s in "
                               "force has %d page%s: it was printed from other data",
                               i + 1, t.page, record_no, form_pages, form_pages == 1 ? "" : "s");
            return BEIAN_EDATA;
        } else if (t.page <= BEIAN_TRACKING_PAGE_MAX) {
            seen[t.page] = 1;
            out->shown |= 1u << t.page;
        }
    }
    int rc = BEIAN_OK;
    if (numbered && form_pages > 0 && form_pages <= BEIAN_TRACKING_PAGE_MAX) {
        for (int pg = 1; pg <= form_pages; pg++) {
            if (!seen[pg]) {
                beian_buf_appendf(&list, "%s%d", list.len ? ", " : "", pg);
            }
        }
        if (list.len && join) {
            out->partial = 1; /* the folder's other files may hold the rest */
        } else if (list.len) {
            beian_problems_add(pr, BEIAN_SEV_ERROR, name, 0, 0, SCAN_LABEL,
                               "the form of %s has %d pages, and page %s of it %s not among the "
                               "pages read%s: scan all %d pages of the signed paper into one PDF "
                               "or TIFF (a page whose code cannot be read: rescan it at 300 dpi)",
                               record_no, form_pages, (const char *)list.data,
                               strchr((const char *)list.data, ',') ? "are" : "is",
                               !seen[1] ? " (page 1 carries the signatures)" : "", form_pages);
            rc = BEIAN_EDATA;
        }
    } else if (form_pages > 1 && coded < (size_t)form_pages) {
        for (size_t i = 0; i < doc->n_pages; i++) {
            if (!doc->pages[i].tracking) {
                beian_buf_appendf(&list, "%s%zu", list.len ? ", " : "", i + 1);
            }
        }
        beian_problems_add(pr, BEIAN_SEV_ERROR, name, 0, 0, SCAN_LABEL,
                           "the form of %s has %d pages (page 1 with the signatures, then its "
                           "附页); the scan shows the tracking code on %zu of them%s%s%s: scan all "
                           "%d pages of the signed paper into one PDF or TIFF%s",
                           record_no, form_pages, coded, list.len ? "; no code read on page " : "",
                           list.len ? (const char *)list.data : "",
                           join && numbered == 0 ? "; its code does not say its page (printed by "
                                                   "an earlier beian), so it cannot be put "
                                                   "together with the folder's other files"
                                                 : "",
                           form_pages,
                           list.len ? " (rescan the pages without a code at 300 dpi)" : "");
        rc = BEIAN_EDATA;
    }
    beian_buf_release(&list);
    return rc;
}

/* No code read: refused, with what to do; or, with a reason, page 1 checked for a form. */
static int intake_uncoded(const char *name, const beian_scan_doc *doc,
                          const beian_intake_options *opts, beian_problems *pr)
{
    const char *verb = opts->kind == BEIAN_EVENT_REVIEWED ? "review" : "approve";
    int elsewhere = 0;
    for (size_t i = 0; i < doc->n_pages; i++) {
        elsewhere |= doc->pages[i].elsewhere;
    }
    if (!opts->unverified || !opts->unverified[0] || !opts->record_no) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, name, 0, 0, SCAN_LABEL,
                           "no beian tracking code found in the footer (the QR code at the "
                           "bottom right of each page)%s, so nothing shows which record and "
                           "version the paper is: rescan the paper at 300 dpi on a flatbed "
                           "scanner (a phone photo often loses the code). If the code itself is "
                           "torn or missing, file it on your word: beian %s RECORD --scan %s "
                           "--unverified \"REASON\" (the version is then shown as 未经校验)",
                           elsewhere ? "; a beian: code elsewhere on the page (in the form's "
                                       "fields) is not the tracking code"
                                     : "",
                           verb, name);
        return BEIAN_EDATA;
    }
    const beian_scan_page *p = &doc->pages[0];
    if (p->ink < INTAKE_BLANK_INK) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, name, 0, 0, SCAN_LABEL,
                           "page 1 is blank (%.2f %% of it is ink; a printed form has more than "
                           "1 %%): scan the signed form itself",
                           p->ink * 100);
        return BEIAN_EDATA;
    }
    if (p->rule < INTAKE_FORM_RULE) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, name, 0, 0, SCAN_LABEL,
                           "page 1 has no form on it (no ruled table line across the page; the "
                           "longest spans %.0f %% of its width, a form's more than 60 %%): scan "
                           "the signed form, page 1 (with the signatures) first",
                           p->rule * 100);
        return BEIAN_EDATA;
    }
    return BEIAN_OK;
}

int beian_archive_intake(beian_archive *ar, const char *name, const unsigned char *data,
                         size_t len, const beian_intake_options *opts, beian_intake *out,
                         beian_problems *pr)
{
    beian_scan_doc doc;
    size_t first = 0;
    int form_pages = 0;
    memset(out, 0, sizeof *out);
    if (beian_scan_sniff(data, len) == BEIAN_SCAN_UNKNOWN) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, name, 0, 0, SCAN_LABEL,
                           "not a PDF, PNG, JPEG or TIFF (judged by its first bytes); scan the "
                           "signed paper to one of those");
        return BEIAN_EDATA;
    }
    if (opts->record_no && !beian_record_no_valid(opts->record_no)) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, NULL, 0, 0, NULL, NULL,
                           "\"%s\" is not a record number such as XMT-2026-0007", opts->record_no);
        return BEIAN_EDATA;
    }
    int rc = BEIAN_OK;
    if (opts->record_no) { /* a record that does not exist is said first */
        rc = intake_form_pages(ar, opts->record_no, &form_pages, pr);
    }
    if (rc == BEIAN_OK) {
        rc = beian_scan_read(ar->ctx, name, data, len, &doc, pr);
    }
    if (rc != BEIAN_OK) {
        return rc;
    }
    out->pages = doc.n_pages;
    if (doc.n_pages == 0) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, name, 0, 0, SCAN_LABEL, "has no pages");
        rc = BEIAN_EDATA;
        goto done;
    }
    rc = intake_codes(name, &doc, &out->code, &out->coded, &first, pr);
    if (rc != BEIAN_OK) {
        goto done;
    }
    if (!out->coded) {
        rc = intake_uncoded(name, &doc, opts, pr);
        if (rc == BEIAN_OK) {
            out->check = BEIAN_INTAKE_UNVERIFIED;
            snprintf(out->record_no, sizeof out->record_no, "%s", opts->record_no);
        }
        goto done;
    }
    int draft = strcmp(out->code.record, "DRAFT") == 0;
    out->check = draft ? BEIAN_INTAKE_DRAFT : BEIAN_INTAKE_CODE;
    if (opts->record_no) {
        snprintf(out->record_no, sizeof out->record_no, "%s", opts->record_no);
    } else if (draft) {
        rc = intake_find_draft(ar, name, &out->code, out->record_no, pr);
    } else {
        snprintf(out->record_no, sizeof out->record_no, "%s", out->code.record);
    }
    if (rc == BEIAN_OK && !opts->record_no) {
        rc = intake_form_pages(ar, out->record_no, &form_pages, pr);
    }
    /* a code of another record than the one named: the commit says so, not the page count */
    int foreign = !draft && strcmp(out->code.record, out->record_no) != 0;
    out->form_pages = form_pages;
    if (rc == BEIAN_OK && !foreign) {
        rc = intake_pages(name, &doc, out->record_no, form_pages, opts->join, out, pr);
    }
done:
    beian_scan_doc_release(&doc);
    return rc;
}

int beian_archive_intake_same(const beian_intake *a, const beian_intake *b)
{
    return a->check == b->check && a->check != BEIAN_INTAKE_UNVERIFIED &&
           strcmp(a->record_no, b->record_no) == 0 && same_code(&a->code, &b->code);
}

/* The lowest page a file shows (bits 1..BEIAN_TRACKING_PAGE_MAX of shown). */
static int join_first_page(unsigned shown)
{
    for (int pg = 1; pg <= BEIAN_TRACKING_PAGE_MAX; pg++) {
        if (shown & (1u << pg)) {
            return pg;
        }
    }
    return BEIAN_TRACKING_PAGE_MAX + 1;
}

static const char *join_base(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

/* "a.png (page 1), b.png (page 3)": the files seen with their pages. */
static void join_seen(const beian_intake_part *parts, size_t n, beian_buf *out)
{
    for (size_t i = 0; i < n; i++) {
        beian_buf_appendf(out, "%s%s (page", i ? ", " : "", join_base(parts[i].name));
        const char *sep = " ";
        for (int pg = 1; pg <= BEIAN_TRACKING_PAGE_MAX; pg++) {
            if (parts[i].in->shown & (1u << pg)) {
                beian_buf_appendf(out, "%s%d", sep, pg);
                sep = ", ";
            }
        }
        beian_buf_appendf(out, ")");
    }
}

int beian_archive_intake_join(const beian_intake_part *parts, size_t n, size_t *order,
                              beian_problems *pr)
{
    const beian_intake *in = parts[0].in;
    int pages = in->form_pages;
    int rc = BEIAN_OK;
    beian_buf missing, seen;
    beian_buf_init(&missing);
    beian_buf_init(&seen);
    join_seen(parts, n, &seen);
    /* a page in two files: both named, never one picked */
    for (int pg = 1; pg <= pages && pg <= BEIAN_TRACKING_PAGE_MAX; pg++) {
        size_t first = n;
        for (size_t i = 0; i < n; i++) {
            if (!(parts[i].in->shown & (1u << pg))) {
                continue;
            }
            if (first == n) {
                first = i;
                continue;
            }
            beian_problems_add(pr, BEIAN_SEV_ERROR, parts[first].name, 0, 0, SCAN_LABEL,
                               "page %d (第%d页) of the form of %s v%d is in two files, %s and "
                               "%s: keep the scan of the signed paper and move the other out of "
                               "the folder (nothing of this form was filed)",
                               pg, pg, in->record_no, in->code.version,
                               join_base(parts[first].name), join_base(parts[i].name));
            rc = BEIAN_EDATA;
        }
        if (first == n) {
            beian_buf_appendf(&missing, "%s%d (第%d页)", missing.len ? ", " : "", pg, pg);
        }
    }
    if (missing.len) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, parts[0].name, 0, 0, SCAN_LABEL,
                           "the form of %s v%d has %d pages, and page %s of it %s in no file of "
                           "the folder%s; the files seen: %s. Scan the missing page into the "
                           "folder (or all pages into one PDF or TIFF); nothing of this form "
                           "was filed",
                           in->record_no, in->code.version, pages, (const char *)missing.data,
                           strchr((const char *)missing.data, ',') ? "are" : "is",
                           strncmp((const char *)missing.data, "1 ", 2) == 0
                               ? " (page 1 carries the signatures)"
                               : "",
                           (const char *)seen.data);
        rc = BEIAN_EDATA;
    }
    for (size_t i = 0; i < n; i++) { /* by first page: insertion sort, n is a form's pages */
        size_t j = i;
        for (; j > 0 && join_first_page(parts[order[j - 1]].in->shown) >
                            join_first_page(parts[i].in->shown);
             j--) {
            order[j] = order[j - 1];
        }
        order[j] = i;
    }
    beian_buf_release(&missing);
    beian_buf_release(&seen);
    return rc;
}
