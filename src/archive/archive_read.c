/*
 * archive_read.c - reading the archive: one bundle checked through every layer, a record's
 * history, and the register (台账) kept in index.tsv.
 *
 * index.tsv is a cache derived from the ledger (the source of truth) and the bundles it
 * lists, never trusted: its first line names the ledger it was made from (line count and the
 * hash of that line), so a reader can tell it is stale and derive the rows from the ledger
 * and the bundles instead. Every writer replaces it whole (temporary file, fsync, rename),
 * never appends, so a failed update leaves the previous, complete index: one made from a
 * prefix of the ledger. That is a lag, not damage: the next filing or `beian fsck` rebuilds
 * it. verify accepts an index that is missing or exactly the index of a prefix of the ledger
 * (index_check), and reports one that contradicts the ledger as STORE-INDEX.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_private.h"
#include "sha256.h"
#include "util.h"

#define INDEX_MAX_BYTES (64u * 1024u * 1024u)

void loaded_bundle_release(loaded_bundle *lb)
{
    beian_bundle_free(lb->bundle);
    bag_meta_release(&lb->meta);
    event_doc_release(&lb->event);
    memset(lb, 0, sizeof *lb);
}

int archive_check_name(const char *path, const bag_meta *m, const char *label, beian_findings *f)
{
    /* the last four components: records/<YEAR>/<RECORD>/v<N>-<DATE>.zip */
    const char *p = path + strlen(path);
    int slashes = 0;
    while (p > path && slashes < 4) {
        p--;
        if (*p == '/') {
            slashes++;
        }
    }
    if (slashes == 4) {
        p++;
    }
    char rec[32], date[11];
    int version = 0;
    if (!archive_parse_bundle_rel(p, rec, &version, date)) {
        return beian_findings_add(f, BEIAN_V_REC_NAME, label,
                                  "the file is not named records/<YEAR>/<RECORD>/v<N>-<YYYYMMDD>"
                                  ".zip");
    }
    if (strcmp(rec, m->record) != 0 || version != m->version || strcmp(date, m->date) != 0) {
        return beian_findings_add(f, BEIAN_V_REC_NAME, label,
                                  "the name says %s v%d of %s but bag-info.txt says %s v%d of %s "
                                  "(renamed or moved?)",
                                  rec, version, date, m->record, m->version, m->date);
    }
    return BEIAN_OK;
}

int bundle_load(beian_archive *ar, const char *rel, loaded_bundle *out, beian_findings *f)
{
    int rc = BEIAN_OK;
    int err = 0;
    beian_buf b;
    beian_findings *own = NULL;
    char *path = archive_path(ar, rel);
    memset(out, 0, sizeof *out);
    beian_buf_init(&b);
    if (!f) {
        f = own = beian_findings_new();
    }
    if (!path || !f) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    size_t before = beian_findings_count(f);
    rc = beian_file_read(path, BEIAN_BUNDLE_MAX_BYTES, &b, &err);
    if (rc == BEIAN_ENOINPUT) {
        goto done;
    }
    if (rc == BEIAN_EDATA) {
        rc = beian_findings_add(f, BEIAN_V_ZIP_SIZE, rel, "the file is larger than %u MiB",
                                BEIAN_BUNDLE_MAX_BYTES >> 20);
        goto done;
    }
    if (rc != BEIAN_OK) {
        rc = beian_ctx_fail(ar->ctx, rc, "%s: cannot read: %s", path, strerror(err));
        goto done;
    }
    rc = beian_sha256_hex(b.data, b.len, out->sha256);
    if (rc == BEIAN_OK) {
        rc = beian_bundle_read(b.data, b.len, rel, &out->bundle, f);
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = bag_check(out->bundle, rel, &out->meta, f);
    if (rc == BEIAN_OK && out->meta.record) {
        rc = archive_check_name(rel, &out->meta, rel, f);
        if (rc == BEIAN_OK) {
            rc = content_check(ar->ctx, out->bundle, &out->meta, rel, &out->event, f);
            out->has_event = out->event.form != NULL;
        }
    }
    if (rc == BEIAN_OK && beian_findings_count(f) > before) {
        rc = BEIAN_EDATA;
    }
done:
    if (rc != BEIAN_OK) {
        loaded_bundle_release(out);
    }
    beian_buf_release(&b);
    beian_findings_free(own);
    free(path);
    return rc;
}

/* ---- the index ---- */

static char *index_header(const ledger *lg)
{
    return beian_asprintf("# beian index, derived from ledger.txt (beian fsck rebuilds it): "
                          "ledger %zu %s\n# record\tform\tversion\tstate\tdate\tname\n",
                          lg->n, lg->head);
}

static int cmp_rows(const void *a, const void *b)
{
    const beian_record_info *x = a;
    const beian_record_info *y = b;
    return strcmp(x->record_no, y->record_no);
}

static int rows_text(const ledger *lg, beian_record_info *rows, size_t n, char **text, size_t *len)
{
    beian_buf b;
    char *head = index_header(lg);
    int rc = head ? BEIAN_OK : BEIAN_EINTERNAL;
    beian_buf_init(&b);
    qsort(rows, n, sizeof *rows, cmp_rows);
    if (rc == BEIAN_OK) {
        rc = beian_buf_appendf(&b, "%s", head);
    }
    for (size_t i = 0; i < n && rc == BEIAN_OK; i++) {
        rc = beian_buf_appendf(&b, "%s\t%s\t%d\t%s\t%s\t%s\n", rows[i].record_no,
                               rows[i].form_id ? rows[i].form_id : "?", rows[i].version,
                               beian_archive_state_name(rows[i].state), rows[i].date,
                               rows[i].name ? rows[i].name : "?");
    }
    free(head);
    if (rc != BEIAN_OK) {
        beian_buf_release(&b);
        return rc;
    }
    *text = (char *)b.data;
    *len = b.len;
    return BEIAN_OK;
}

void beian_record_info_release(beian_record_info *r)
{
    free(r->form_id);
    free(r->name);
    memset(r, 0, sizeof *r);
}

void beian_record_infos_free(beian_record_info *r, size_t n)
{
    for (size_t i = 0; r && i < n; i++) {
        beian_record_info_release(&r[i]);
    }
    free(r);
}

/* One row per record of the ledger, read from each record's latest bundle. */
static int rows_from_bundles(beian_archive *ar, const ledger *lg, beian_record_info **out,
                             size_t *n_out)
{
    beian_record_info *rows = NULL;
    size_t n = 0;
    int rc = BEIAN_OK;
    *out = NULL;
    *n_out = 0;
    for (size_t i = 0; i < lg->n && rc == BEIAN_OK; i++) {
        const ledger_line *l = ledger_latest(lg, lg->lines[i].record);
        int seen = 0;
        for (size_t k = 0; k < n && !seen; k++) {
            seen = strcmp(rows[k].record_no, l->record) == 0;
        }
        if (seen) {
            continue;
        }
        beian_record_info *grown = realloc(rows, (n + 1) * sizeof *grown);
        if (!grown) {
            rc = BEIAN_EINTERNAL;
            break;
        }
        rows = grown;
        beian_record_info *r = &rows[n++];
        memset(r, 0, sizeof *r);
        memcpy(r->record_no, l->record, strlen(l->record) + 1);
        memcpy(r->date, l->date, 11);
        r->version = l->version;
        r->state = l->state;
        loaded_bundle lb;
        int lrc = bundle_load(ar, l->path, &lb, NULL);
        if (lrc == BEIAN_EINTERNAL) {
            rc = lrc;
            break;
        }
        if (lrc == BEIAN_OK) {
            beian_form *form = NULL;
            beian_record *rec = NULL;
            char *why = NULL;
            r->form_id = beian_strdup(lb.meta.form);
            if (content_record(ar->ctx, lb.bundle, &form, &rec, &why) == BEIAN_OK) {
                r->name = content_record_name(rec);
            }
            free(why);
            beian_record_free(rec);
            beian_form_free(form);
            loaded_bundle_release(&lb);
        }
    }
    if (rc != BEIAN_OK) {
        beian_record_infos_free(rows, n);
        return rc;
    }
    *out = rows;
    *n_out = n;
    return BEIAN_OK;
}

int index_render(beian_archive *ar, const ledger *lg, char **text, size_t *len)
{
    beian_record_info *rows = NULL;
    size_t n = 0;
    int rc = rows_from_bundles(ar, lg, &rows, &n);
    if (rc == BEIAN_OK) {
        rc = rows_text(lg, rows, n, text, len);
    }
    beian_record_infos_free(rows, n);
    return rc;
}

/* Replaces index.tsv whole. Once the new file is in place, a failed sync of its folder is no
 * failure: a crash that lost the rename would leave the previous index, which only lags. */
static int index_replace(beian_archive *ar, const char *text, size_t len)
{
    int renamed = 0;
    int rc = archive_replace_file(ar, ARCHIVE_INDEX, text, len, NULL, &renamed);
    return renamed ? BEIAN_OK : rc;
}

int index_write(beian_archive *ar, const ledger *lg)
{
    char *text = NULL;
    size_t len = 0;
    int rc = index_render(ar, lg, &text, &len);
    if (rc == BEIAN_OK) {
        rc = index_replace(ar, text, len);
    }
    free(text);
    return rc;
}

/* Parses the rows of index text (after its two header lines). */
static int index_parse(const char *text, beian_record_info **out, size_t *n_out)
{
    beian_record_info *rows = NULL;
    size_t n = 0;
    int rc = BEIAN_OK;
    const char *p = text;
    *out = NULL;
    *n_out = 0;
    while (*p) {
        const char *nl = strchr(p, '\n');
        if (!nl) {
            rc = BEIAN_EDATA;
            break;
        }
        if (*p == '#') {
            p = nl + 1;
            continue;
        }
        char *line = beian_strndup(p, (size_t)(nl - p));
        char *f[6] = {NULL};
        int k = 0;
        for (char *s = line; s && k < 6; k++) {
            f[k] = s;
            s = strchr(s, '\t');
            if (s) {
                *s++ = '\0';
            }
        }
        beian_record_info r;
        memset(&r, 0, sizeof r);
        char *end = NULL;
        if (!line || k != 6 || !beian_record_no_valid(f[0]) ||
            beian_archive_state_parse(f[3], &r.state) != BEIAN_OK || !beian_date_valid(f[4]) ||
            (r.version = (int)strtol(f[2], &end, 10)) < 1 || *end) {
            free(line);
            rc = line ? BEIAN_EDATA : BEIAN_EINTERNAL;
            break;
        }
        memcpy(r.record_no, f[0], strlen(f[0]) + 1);
        memcpy(r.date, f[4], 11);
        r.form_id = beian_strdup(f[1]);
        r.name = beian_strdup(f[5]);
        free(line);
        beian_record_info *grown =
            r.form_id && r.name ? realloc(rows, (n + 1) * sizeof *grown) : NULL;
        if (!grown) {
            beian_record_info_release(&r);
            rc = BEIAN_EINTERNAL;
            break;
        }
        rows = grown;
        rows[n++] = r;
        p = nl + 1;
    }
    if (rc != BEIAN_OK) {
        beian_record_infos_free(rows, n);
        return rc;
    }
    *out = rows;
    *n_out = n;
    return BEIAN_OK;
}

/* The index text when it is fresh for (n, head); NULL otherwise. */
static char *index_if_fresh(beian_archive *ar, size_t n, const char *head)
{
    beian_buf b;
    int err = 0;
    char *path = archive_path(ar, ARCHIVE_INDEX);
    ledger probe;
    memset(&probe, 0, sizeof probe);
    probe.n = n;
    memcpy(probe.head, head, 65);
    char *want = index_header(&probe);
    char *text = NULL;
    if (path && want && beian_file_read(path, INDEX_MAX_BYTES, &b, &err) == BEIAN_OK) {
        if (b.len >= strlen(want) && memcmp(b.data, want, strlen(want)) == 0 &&
            !memchr(b.data, '\0', b.len)) {
            text = (char *)b.data;
        } else {
            beian_buf_release(&b);
        }
    }
    free(want);
    free(path);
    return text;
}

/* Parses the first line of an index: the number of ledger lines and the hash it names. */
static int index_parse_header(const char *text, size_t len, size_t *n, char head[65])
{
    static const char lead[] = "# beian index, derived from ledger.txt (beian fsck rebuilds it): "
                               "ledger ";
    size_t k = sizeof lead - 1;
    if (len < k || memcmp(text, lead, k) != 0) {
        return 0;
    }
    size_t v = 0, digits = 0;
    while (k < len && text[k] >= '0' && text[k] <= '9' && digits < 12) {
        v = v * 10 + (size_t)(text[k++] - '0');
        digits++;
    }
    if (digits == 0 || (digits > 1 && text[k - digits] == '0') || k + 66 > len || text[k] != ' ' ||
        text[k + 65] != '\n') {
        return 0;
    }
    memcpy(head, text + k + 1, 64);
    head[64] = '\0';
    if (!beian_sha256_hex_valid(head)) {
        return 0;
    }
    *n = v;
    return 1;
}

int index_check(beian_archive *ar, const ledger *lg, beian_index_state *state, size_t *made_from,
                char **why)
{
    beian_buf have;
    int err = 0;
    char *want = NULL;
    size_t want_len = 0;
    char *path = archive_path(ar, ARCHIVE_INDEX);
    *state = BEIAN_INDEX_WRONG;
    *made_from = 0;
    *why = NULL;
    beian_buf_init(&have);
    if (!path) {
        return BEIAN_EINTERNAL;
    }
    int rc = beian_file_read(path, INDEX_MAX_BYTES, &have, &err);
    free(path);
    if (rc == BEIAN_ENOINPUT && err == ENOENT) {
        *state = lg->n == 0 ? BEIAN_INDEX_FRESH : BEIAN_INDEX_MISSING;
        return BEIAN_OK;
    }
    if (rc == BEIAN_EINTERNAL) {
        return rc;
    }
    if (rc != BEIAN_OK) {
        *why = rc == BEIAN_EDATA
                   ? beian_asprintf("is larger than %u MiB, far more than any register",
                                    INDEX_MAX_BYTES >> 20)
                   : beian_asprintf("cannot be read: %s", strerror(err));
        return *why ? BEIAN_OK : BEIAN_EINTERNAL;
    }
    size_t k = 0;
    char head[65];
    const char *text = (const char *)have.data;
    if (!index_parse_header(text, have.len, &k, head)) {
        *why = beian_strdup("its first line does not name the ledger it was made from");
    } else if (k > lg->n) {
        *why = beian_asprintf("was made from a ledger of %zu line%s, but ledger.txt has %zu: the "
                              "ledger was cut short, or the index comes from elsewhere",
                              k, k == 1 ? "" : "s", lg->n);
    } else if (strcmp(head, k ? lg->lines[k - 1].hash : ARCHIVE_ZERO_HASH) != 0) {
        *why = beian_asprintf("was made from a ledger whose line %zu hashes to %.16s…, but line "
                              "%zu of ledger.txt hashes to %.16s…: the ledger was rewritten, or "
                              "the index comes from elsewhere",
                              k, head, k, k ? lg->lines[k - 1].hash : ARCHIVE_ZERO_HASH);
    } else {
        /* what beian writes for the ledger's first k lines */
        ledger prefix = *lg;
        prefix.n = k;
        memcpy(prefix.head, head, 65);
        rc = index_render(ar, &prefix, &want, &want_len);
        if (rc != BEIAN_OK) {
            beian_buf_release(&have);
            return rc;
        }
        if (have.len != want_len || memcmp(have.data, want, want_len) != 0) {
            *why = beian_asprintf(
                "does not match the ledger%s and the bundles it lists (a row was edited, added or "
                "removed)",
                k < lg->n ? "'s first lines" : "");
        } else {
            *state = k == lg->n ? BEIAN_INDEX_FRESH : BEIAN_INDEX_BEHIND;
            *made_from = k;
        }
        free(want);
    }
    beian_buf_release(&have);
    if (*state == BEIAN_INDEX_WRONG && !*why) {
        return BEIAN_EINTERNAL;
    }
    return BEIAN_OK;
}

int index_update(beian_archive *ar, const ledger *lg, size_t old_n, const char *old_head,
                 const beian_record_info *row)
{
    char *old = index_if_fresh(ar, old_n, old_head);
    beian_record_info *rows = NULL;
    size_t n = 0;
    char *text = NULL;
    size_t len = 0;
    int rc;
    if (!old || index_parse(old, &rows, &n) != BEIAN_OK) {
        free(old);
        return index_write(ar, lg);
    }
    free(old);
    size_t i = 0;
    while (i < n && strcmp(rows[i].record_no, row->record_no) != 0) {
        i++;
    }
    if (i == n) {
        beian_record_info *grown = realloc(rows, (n + 1) * sizeof *grown);
        if (!grown) {
            beian_record_infos_free(rows, n);
            return BEIAN_EINTERNAL;
        }
        rows = grown;
        memset(&rows[n++], 0, sizeof *rows);
    }
    beian_record_info_release(&rows[i]);
    rows[i] = *row;
    rows[i].form_id = beian_strdup(row->form_id);
    rows[i].name = beian_strdup(row->name ? row->name : "?");
    rc = rows[i].form_id && rows[i].name ? rows_text(lg, rows, n, &text, &len) : BEIAN_EINTERNAL;
    if (rc == BEIAN_OK) {
        rc = index_replace(ar, text, len);
    }
    free(text);
    beian_record_infos_free(rows, n);
    return rc;
}

/* ---- the register and the history ---- */

int beian_archive_list(beian_archive *ar, beian_record_info **records, size_t *n,
                       beian_problems *pr)
{
    ledger lg;
    *records = NULL;
    *n = 0;
    int rc = ledger_load(ar, &lg, NULL);
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (lg.damaged) {
        beian_problems_add(pr, BEIAN_SEV_WARNING, ar->dir, 0, 0, NULL, NULL,
                           "the ledger is damaged; this list may be incomplete (run `beian "
                           "verify`)");
    }
    char *text = index_if_fresh(ar, lg.n, lg.head);
    if (text) {
        rc = index_parse(text, records, n);
        free(text);
        if (rc == BEIAN_OK) {
            goto done;
        }
    }
    if (lg.n > 0) {
        beian_problems_add(pr, BEIAN_SEV_NOTE, ar->dir, 0, 0, NULL, NULL,
                           "index.tsv is behind the ledger or missing; the list is read from the "
                           "ledger and the bundles (the next filing or `beian fsck` rebuilds the "
                           "index)");
    }
    rc = rows_from_bundles(ar, &lg, records, n);
    if (rc == BEIAN_OK) {
        qsort(*records, *n, sizeof **records, cmp_rows);
    }
done:
    ledger_release(&lg);
    return rc;
}

void beian_version_infos_free(beian_version_info *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].path);
        free(v[i].detail);
    }
    free(v);
}

/* What a version adds, in a few words. */
static char *version_detail(const loaded_bundle *lb)
{
    const event_doc *e = &lb->event;
    beian_buf b;
    beian_buf_init(&b);
    if (e->event == BEIAN_EVENT_REVIEWED) {
        beian_buf_appendf(&b, "%d: %s", e->review_year, e->review_pass ? "pass" : "fail");
    }
    if (e->reason) {
        beian_buf_appendf(&b, "%sreason: %s", b.len ? "; " : "", e->reason);
    }
    if (e->scan) {
        beian_buf_appendf(&b, "%sscan %s (%s)", b.len ? "; " : "", e->scan,
                          e->scan_name && e->scan_name[0] ? e->scan_name : "?");
    }
    if (e->event == BEIAN_EVENT_SUBMITTED || e->event == BEIAN_EVENT_CHANGED) {
        beian_buf_appendf(&b, "%sform printed as v%d", b.len ? "; " : "", e->printed_version);
    }
    if (!b.data) {
        return NULL;
    }
    return (char *)b.data;
}

int beian_archive_history(beian_archive *ar, const char *record_no, beian_record_info *info,
                          beian_version_info **versions, size_t *n, beian_problems *pr)
{
    ledger lg;
    beian_version_info *v = NULL;
    size_t nv = 0;
    int rc = ledger_load(ar, &lg, NULL);
    memset(info, 0, sizeof *info);
    *versions = NULL;
    *n = 0;
    if (rc != BEIAN_OK) {
        return rc;
    }
    if (lg.damaged) {
        beian_problems_add(pr, BEIAN_SEV_WARNING, ar->dir, 0, 0, NULL, NULL,
                           "the ledger is damaged; this history may be incomplete (run `beian "
                           "verify %s`)",
                           record_no);
    }
    for (size_t i = 0; i < lg.n && rc == BEIAN_OK; i++) {
        const ledger_line *l = &lg.lines[i];
        if (strcmp(l->record, record_no) != 0) {
            continue;
        }
        beian_version_info *grown = realloc(v, (nv + 1) * sizeof *grown);
        if (!grown) {
            rc = BEIAN_EINTERNAL;
            break;
        }
        v = grown;
        beian_version_info *x = &v[nv++];
        memset(x, 0, sizeof *x);
        x->version = l->version;
        x->event = l->event;
        x->state = l->state;
        memcpy(x->date, l->date, 11);
        memcpy(x->sha256, l->sha256, 65);
        x->path = beian_strdup(l->path);
        loaded_bundle lb;
        int lrc = bundle_load(ar, l->path, &lb, NULL);
        if (lrc == BEIAN_OK && strcmp(lb.sha256, l->sha256) != 0) {
            lrc = BEIAN_EDATA;
        }
        if (lrc == BEIAN_OK) {
            x->detail = version_detail(&lb);
            if (!info->form_id) {
                info->form_id = beian_strdup(lb.meta.form);
            }
            beian_form *form = NULL;
            beian_record *rec = NULL;
            char *why = NULL;
            if (content_record(ar->ctx, lb.bundle, &form, &rec, &why) == BEIAN_OK) {
                free(info->name);
                info->name = content_record_name(rec);
            }
            free(why);
            beian_record_free(rec);
            beian_form_free(form);
            loaded_bundle_release(&lb);
        } else if (lrc == BEIAN_EINTERNAL) {
            rc = lrc;
        } else {
            x->detail = beian_strdup(lrc == BEIAN_ENOINPUT ? "MISSING: run beian verify"
                                                           : "DAMAGED: run beian verify");
        }
        memcpy(info->record_no, l->record, strlen(l->record) + 1);
        info->state = l->state;
        info->version = l->version;
        memcpy(info->date, l->date, 11);
    }
    ledger_release(&lg);
    if (rc == BEIAN_OK && nv == 0) {
        beian_problems_add(pr, BEIAN_SEV_ERROR, ar->dir, 0, 0, NULL, NULL,
                           "there is no record %s in this archive (see: beian list)", record_no);
        rc = BEIAN_ENOINPUT;
    }
    if (rc != BEIAN_OK) {
        beian_version_infos_free(v, nv);
        beian_record_info_release(info);
        return rc;
    }
    *versions = v;
    *n = nv;
    return BEIAN_OK;
}
