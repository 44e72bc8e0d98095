/*
 * archive_index.c - the register (台账) and index.tsv, its cache.
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
#include "archive_index.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_content.h"
#include "archive_load.h"
#include "file.h"
#include "util.h"

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
        memcpy(r->date, l->date, BEIAN_DATE_SIZE);
        r->version = l->version;
        r->state = l->state;
        load_bundle lb;
        int lrc = load_bundle_read(ar, l->path, &lb, NULL);
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
            load_bundle_release(&lb);
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
    int rc = store_replace_file(ar, STORE_INDEX, text, len, NULL, &renamed);
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
        memcpy(r.date, f[4], BEIAN_DATE_SIZE);
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
    char *path = store_path(ar, STORE_INDEX);
    ledger probe;
    memset(&probe, 0, sizeof probe);
    probe.n = n;
    memcpy(probe.head, head, BEIAN_SHA256_HEX_SIZE);
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
static int index_parse_header(const char *text, size_t len, size_t *n,
                              char head[BEIAN_SHA256_HEX_SIZE])
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

int index_ahead(beian_archive *ar, const ledger *lg, size_t *made_from)
{
    beian_buf have;
    int err = 0;
    size_t k = 0;
    char head[BEIAN_SHA256_HEX_SIZE];
    char *path = store_path(ar, STORE_INDEX);
    int ahead = 0;
    beian_buf_init(&have);
    if (path && beian_file_read(path, INDEX_MAX_BYTES, &have, &err) == BEIAN_OK &&
        index_parse_header((const char *)have.data, have.len, &k, head) && k > lg->n) {
        ahead = 1;
        *made_from = k;
    }
    beian_buf_release(&have);
    free(path);
    return ahead;
}

int index_check(beian_archive *ar, const ledger *lg, beian_index_state *state, size_t *made_from,
                char **why)
{
    beian_buf have;
    int err = 0;
    char *want = NULL;
    size_t want_len = 0;
    char *path = store_path(ar, STORE_INDEX);
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
    char head[BEIAN_SHA256_HEX_SIZE];
    const char *text = (const char *)have.data;
    if (!index_parse_header(text, have.len, &k, head)) {
        *why = beian_strdup("its first line does not name the ledger it was made from");
    } else if (k > lg->n) {
        *why = beian_asprintf("was made from a ledger of %zu line%s, but ledger.txt has %zu: the "
                              "ledger was cut short, or the index comes from elsewhere",
                              k, k == 1 ? "" : "s", lg->n);
    } else if (strcmp(head, k ? lg->lines[k - 1].hash : STORE_ZERO_HASH) != 0) {
        *why = beian_asprintf("was made from a ledger whose line %zu hashes to %.16s…, but line "
                              "%zu of ledger.txt hashes to %.16s…: the ledger was rewritten, or "
                              "the index comes from elsewhere",
                              k, head, k, k ? lg->lines[k - 1].hash : STORE_ZERO_HASH);
    } else {
        /* what beian writes for the ledger's first k lines */
        ledger prefix = *lg;
        prefix.n = k;
        memcpy(prefix.head, head, BEIAN_SHA256_HEX_SIZE);
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

/* ---- the register ---- */

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
