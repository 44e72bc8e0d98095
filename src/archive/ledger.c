/*
 * ledger.c - ledger.txt, the archive's hash-chained journal: one line per bundle, in the
 * order they were filed.
 *
 *     <seq> <prev> <bundle-sha256> <date> <record> v<version> <event> <state> <path>
 *
 * prev is the SHA-256 of the previous line's text (without its line feed), 64 zeros for the
 * first line; a line's own hash is the next line's prev, and the hash of the last line is the
 * ledger's head. So a line cannot be altered, removed, inserted or reordered without breaking
 * the chain from there on, and the head (printed on an anchor slip, filed on paper) commits
 * to everything before it. The ledger is replaced as a whole (temporary file, fsync, rename):
 * a reader sees the old ledger or the new one, never half a line.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ledger.h"
#include "file.h"
#include "sha256.h"
#include "util.h"

#define LEDGER_MAX_BYTES (256u * 1024u * 1024u) /* about a million bundles */

void ledger_release(ledger *lg)
{
    for (size_t i = 0; i < lg->n; i++) {
        free(lg->lines[i].path);
    }
    free(lg->lines);
    free(lg->by_path);
    free(lg->by_record);
    memset(lg, 0, sizeof *lg);
}

static int cmp_path(const void *a, const void *b)
{
    const ledger_line *x = *(const ledger_line *const *)a;
    const ledger_line *y = *(const ledger_line *const *)b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->seq > y->seq) - (x->seq < y->seq);
}

/* by record, then version; among lines of one version (a damaged ledger) the first last, so
 * that the last of a record is the first line of its highest version */
int ledger_cmp_record(const void *a, const void *b)
{
    const ledger_line *x = *(const ledger_line *const *)a;
    const ledger_line *y = *(const ledger_line *const *)b;
    int c = strcmp(x->record, y->record);
    if (c == 0) {
        c = (x->version > y->version) - (x->version < y->version);
    }
    return c ? c : (x->seq < y->seq) - (x->seq > y->seq);
}

/* The two sorted indexes of lg (BEIAN_EINTERNAL when out of memory). */
static int ledger_sort(ledger *lg)
{
    free(lg->by_path);
    free(lg->by_record);
    lg->sorted_n = 0;
    lg->by_path = lg->n ? malloc(lg->n * sizeof *lg->by_path) : NULL;
    lg->by_record = lg->n ? malloc(lg->n * sizeof *lg->by_record) : NULL;
    if (lg->n && (!lg->by_path || !lg->by_record)) {
        return BEIAN_EINTERNAL;
    }
    for (size_t i = 0; i < lg->n; i++) {
        lg->by_path[i] = lg->by_record[i] = &lg->lines[i];
    }
    if (lg->n > 1) {
        qsort(lg->by_path, lg->n, sizeof *lg->by_path, cmp_path);
        qsort(lg->by_record, lg->n, sizeof *lg->by_record, ledger_cmp_record);
    }
    lg->sorted_n = lg->n;
    return BEIAN_OK;
}

/* Grows by doubling: the room is the smallest power of two that holds n lines (lines are
 * only ever added here), so a ledger of n lines is read in O(n), not O(n^2) copies. */
static int ledger_room(ledger *lg)
{
    if (lg->n == 0 || (lg->n & (lg->n - 1)) == 0) {
        size_t room = lg->n ? 2 * lg->n : 16;
        ledger_line *p = room > lg->n ? realloc(lg->lines, room * sizeof *p) : NULL;
        if (!p) {
            return BEIAN_EINTERNAL;
        }
        lg->lines = p;
    }
    return BEIAN_OK;
}

static int ledger_push(ledger *lg, const ledger_line *l)
{
    if (ledger_room(lg) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    lg->lines[lg->n++] = *l;
    return BEIAN_OK;
}

static char *format_line(const ledger_line *l)
{
    return beian_asprintf("%zu %s %s %s %s v%d %s %s %s", l->seq, l->prev, l->sha256, l->date,
                          l->record, l->version, beian_archive_event_name(l->event),
                          beian_archive_state_name(l->state), l->path);
}

/* Splits one line into its nine fields; 0 when it is not a ledger line. */
static int parse_line(const char *text, ledger_line *l)
{
    char seq[24], prev[80], sha[80], date[16], rec[40], ver[16], ev[24], st[24], path[260];
    char extra;
    memset(l, 0, sizeof *l);
    if (sscanf(text, "%23s %79s %79s %15s %39s %15s %23s %23s %259s %c", seq, prev, sha, date, rec,
               ver, ev, st, path, &extra) != 9) {
        return 0;
    }
    char *end;
    errno = 0;
    unsigned long long s = strtoull(seq, &end, 10);
    if (*end || errno || s == 0 || seq[0] == '0' || !beian_sha256_hex_valid(prev) || !beian_sha256_hex_valid(sha) ||
        !beian_date_valid(date) || !beian_record_no_valid(rec) || ver[0] != 'v' ||
        beian_archive_event_parse(ev, &l->event) != BEIAN_OK ||
        beian_archive_state_parse(st, &l->state) != BEIAN_OK) {
        return 0;
    }
    long v = strtol(ver + 1, &end, 10);
    if (*end || v < 1 || v > 100000 || ver[1] == '0') {
        return 0;
    }
    char r2[STORE_RECORD_NO_SIZE], d2[BEIAN_DATE_SIZE];
    int v2 = 0;
    if (!store_parse_bundle_rel(path, r2, &v2, d2) || strcmp(r2, rec) != 0 || v2 != v ||
        strcmp(d2, date) != 0) {
        return 0;
    }
    l->seq = (size_t)s;
    memcpy(l->prev, prev, BEIAN_SHA256_HEX_SIZE);
    memcpy(l->sha256, sha, BEIAN_SHA256_HEX_SIZE);
    memcpy(l->date, date, BEIAN_DATE_SIZE);
    memcpy(l->record, rec, strlen(rec) + 1);
    l->version = (int)v;
    l->path = beian_strdup(path);
    return l->path != NULL ? 1 : -1;
}

static int finding(ledger *lg, beian_findings *f, const char *fmt, const char *a, size_t n,
                   const char *b)
{
    lg->damaged = 1;
    if (!f) {
        return BEIAN_OK;
    }
    return beian_findings_add(f, BEIAN_V_STORE_LEDGER, STORE_LEDGER, fmt, a, n, b);
}

int ledger_load(beian_archive *ar, ledger *lg, beian_findings *f)
{
    int rc = BEIAN_OK;
    int err = 0;
    beian_buf b;
    char *path = store_path(ar, STORE_LEDGER);
    memset(lg, 0, sizeof *lg);
    memcpy(lg->head, STORE_ZERO_HASH, BEIAN_SHA256_HEX_SIZE);
    beian_buf_init(&b);
    if (!path) {
        return BEIAN_EINTERNAL;
    }
    rc = beian_file_read(path, LEDGER_MAX_BYTES, &b, &err);
    if (rc == BEIAN_ENOINPUT && err == ENOENT) {
        rc = BEIAN_OK; /* a new archive */
        goto done;
    }
    if (rc != BEIAN_OK) {
        rc = beian_ctx_fail(ar->ctx, rc == BEIAN_EDATA ? BEIAN_EDATA : BEIAN_EIO,
                            "%s: cannot read the ledger: %s", path,
                            rc == BEIAN_EDATA ? "larger than 256 MiB" : strerror(err));
        goto done;
    }
    if (b.len > 0 && b.data[b.len - 1] != '\n') {
        rc = finding(lg, f, "%s%zu%s", "the last line is cut short (no line feed after ", b.len,
                     " bytes): the ledger was truncated or edited");
        if (rc != BEIAN_OK) {
            goto done;
        }
    }
    if (b.len > 0 && memchr(b.data, '\0', b.len)) {
        rc = finding(lg, f, "%s%zu%s", "a NUL byte at offset ",
                     (size_t)((unsigned char *)memchr(b.data, '\0', b.len) - b.data),
                     ": the ledger is not text any more");
        goto done;
    }
    char prev[BEIAN_SHA256_HEX_SIZE];
    memcpy(prev, STORE_ZERO_HASH, BEIAN_SHA256_HEX_SIZE);
    size_t lineno = 0;
    char *next = b.len ? (char *)b.data : NULL;
    while (next && *next) {
        char *line = next;
        char *nl = strchr(line, '\n');
        if (nl) {
            *nl = '\0';
            next = nl + 1;
        } else {
            next = NULL;
        }
        ledger_line l;
        lineno++;
        int ok = parse_line(line, &l);
        if (ok < 0) {
            rc = BEIAN_EINTERNAL;
            goto done;
        }
        if (!ok) {
            rc = finding(lg, f, "%sline %zu%s", "", lineno,
                         " is not a ledger line (seq, previous hash, bundle SHA-256, date, "
                         "record, version, event, state, path)");
            if (rc != BEIAN_OK) {
                goto done;
            }
            /* the chain continues from the damaged line's text */
            beian_sha256_hex(line, strlen(line), prev);
            continue;
        }
        char *canon = format_line(&l);
        if (!canon) {
            free(l.path);
            rc = BEIAN_EINTERNAL;
            goto done;
        }
        int canonical = strcmp(canon, line) == 0;
        free(canon);
        if (!canonical) {
            /* one line, one hash: a writer hashes the canonical text, so a line with a stray
             * space or a carriage return would chain differently for writer and reader */
            rc = finding(lg, f, "%sline %zu%s", "", lineno,
                         " is not written the way beian writes it (a space, tab or carriage "
                         "return added or removed): the ledger was edited");
            if (rc != BEIAN_OK) {
                free(l.path);
                goto done;
            }
        }
        if (l.seq != lineno || strcmp(l.prev, prev) != 0) {
            rc = finding(lg, f, "%sline %zu%s", "", lineno,
                         l.seq != lineno ? " is numbered out of order: a line was removed, "
                                           "inserted or moved"
                                         : " does not carry the hash of the line before it: a "
                                           "line before it was altered, removed or reordered");
            if (rc != BEIAN_OK) {
                free(l.path);
                goto done;
            }
        }
        beian_sha256_hex(line, strlen(line), l.hash);
        memcpy(prev, l.hash, BEIAN_SHA256_HEX_SIZE);
        if (ledger_push(lg, &l) != BEIAN_OK) {
            free(l.path);
            rc = BEIAN_EINTERNAL;
            goto done;
        }
    }
    memcpy(lg->head, prev, BEIAN_SHA256_HEX_SIZE);
    rc = ledger_sort(lg);
    /* a bundle listed twice: each later line is a finding */
    for (size_t i = 1; rc == BEIAN_OK && i < lg->n; i++) {
        const ledger_line *a = lg->by_path[i - 1];
        const ledger_line *l = lg->by_path[i];
        if (strcmp(a->path, l->path) == 0) {
            rc = finding(lg, f, "%sline %zu%s", "", l->seq, " files a bundle already listed");
        }
    }
done:
    beian_buf_release(&b);
    free(path);
    if (rc != BEIAN_OK) {
        ledger_release(lg);
    }
    return rc;
}

int ledger_tail(beian_archive *ar, size_t *n, char head[BEIAN_SHA256_HEX_SIZE], int *whole)
{
    beian_buf b;
    int err = 0;
    char *path = store_path(ar, STORE_LEDGER);
    *n = 0;
    *whole = 0;
    memcpy(head, STORE_ZERO_HASH, BEIAN_SHA256_HEX_SIZE);
    beian_buf_init(&b);
    if (!path) {
        return BEIAN_EINTERNAL;
    }
    int rc = beian_file_read(path, LEDGER_MAX_BYTES, &b, &err);
    free(path);
    if (rc == BEIAN_ENOINPUT && err == ENOENT) {
        *whole = 1; /* a new archive */
        return BEIAN_OK;
    }
    if (rc != BEIAN_OK) {
        return rc == BEIAN_EINTERNAL ? rc : BEIAN_OK; /* ledger_load says why */
    }
    const char *t = (const char *)b.data;
    if (b.len > 0 && t[b.len - 1] == '\n' && !memchr(t, '\0', b.len)) {
        size_t last = 0;
        for (const char *p = t; (p = memchr(p, '\n', b.len - (size_t)(p - t))) != NULL; p++) {
            (*n)++;
            if ((size_t)(p - t) + 1 < b.len) {
                last = (size_t)(p - t) + 1;
            }
        }
        rc = beian_sha256_hex(t + last, b.len - 1 - last, head);
        *whole = rc == BEIAN_OK;
    }
    beian_buf_release(&b);
    return rc;
}

int ledger_unchanged(beian_archive *ar, size_t n, const char head[BEIAN_SHA256_HEX_SIZE])
{
    ledger now;
    int rc = ledger_load(ar, &now, NULL);
    if (rc != BEIAN_OK) {
        return rc;
    }
    int same = !now.damaged && now.n == n && strcmp(now.head, head) == 0;
    ledger_release(&now);
    if (!same) {
        return beian_ctx_fail(ar->ctx, BEIAN_EBUSY,
                              "the ledger changed while this filing was prepared: another beian "
                              "filed at the same time (was the lock file removed?); nothing was "
                              "filed, try again");
    }
    return BEIAN_OK;
}

const ledger_line *ledger_latest(const ledger *lg, const char *record)
{
    if (lg->sorted_n == lg->n && lg->by_record) {
        /* the last line of record in (record, version) order */
        size_t lo = 0, hi = lg->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(lg->by_record[mid]->record, record) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        const ledger_line *l = lo ? lg->by_record[lo - 1] : NULL;
        return l && strcmp(l->record, record) == 0 ? l : NULL;
    }
    const ledger_line *best = NULL;
    for (size_t i = 0; i < lg->n; i++) {
        if (strcmp(lg->lines[i].record, record) == 0 &&
            (!best || lg->lines[i].version > best->version)) {
            best = &lg->lines[i];
        }
    }
    return best;
}

const ledger_line *ledger_find_path(const ledger *lg, const char *path)
{
    if (lg->sorted_n == lg->n && lg->by_path) {
        size_t lo = 0, hi = lg->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (strcmp(lg->by_path[mid]->path, path) < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        const ledger_line *l = lo < lg->n ? lg->by_path[lo] : NULL;
        return l && strcmp(l->path, path) == 0 ? l : NULL;
    }
    for (size_t i = 0; i < lg->n; i++) {
        if (strcmp(lg->lines[i].path, path) == 0) {
            return &lg->lines[i];
        }
    }
    return NULL;
}

int ledger_append(beian_archive *ar, ledger *lg, const ledger_line *line, int *unsynced)
{
    int rc = BEIAN_OK;
    int renamed = 0;
    if (unsynced) {
        *unsynced = 0;
    }
    beian_buf text;
    char *s = NULL;
    ledger_line l = *line;
    beian_buf_init(&text);
    l.seq = lg->n + 1;
    memcpy(l.prev, lg->head, BEIAN_SHA256_HEX_SIZE);
    l.path = beian_strdup(line->path);
    if (!l.path) {
        return BEIAN_EINTERNAL;
    }
    for (size_t i = 0; i < lg->n && rc == BEIAN_OK; i++) {
        char *t = format_line(&lg->lines[i]);
        rc = t ? beian_buf_appendf(&text, "%s\n", t) : BEIAN_EINTERNAL;
        free(t);
    }
    s = format_line(&l);
    if (rc != BEIAN_OK || !s || beian_buf_appendf(&text, "%s\n", s) != BEIAN_OK) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    if (beian_sha256_hex(s, strlen(s), l.hash) != BEIAN_OK) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    /* room for the line before the commit point: nothing after it may fail for memory */
    if (ledger_room(lg) != BEIAN_OK) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    rc = store_replace_file(ar, STORE_LEDGER, text.data, text.len, "ledger-written", &renamed);
    if (rc != BEIAN_OK && renamed && unsynced) {
        *unsynced = 1; /* the new ledger is in place; only the folder's sync failed */
        rc = BEIAN_OK;
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    store_step(ar, "ledger-renamed");
    lg->lines[lg->n++] = l;
    memcpy(lg->head, l.hash, BEIAN_SHA256_HEX_SIZE);
    l.path = NULL;
done:
    free(l.path);
    free(s);
    beian_buf_release(&text);
    return rc;
}

int ledger_parse_anchor(const char *s, size_t *n, char hash[BEIAN_SHA256_HEX_SIZE])
{
    const char *colon = strchr(s, ':');
    char *end;
    if (!colon || colon == s) {
        return BEIAN_EUSAGE;
    }
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (end != colon || errno || v == 0 || s[0] == '-' || s[0] == '+') {
        return BEIAN_EUSAGE;
    }
    if (strlen(colon + 1) != 64) {
        return BEIAN_EUSAGE;
    }
    for (int i = 0; i < 64; i++) {
        char c = colon[1 + i];
        hash[i] = (char)(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
    }
    hash[64] = '\0';
    if (!beian_sha256_hex_valid(hash)) {
        return BEIAN_EUSAGE;
    }
    *n = (size_t)v;
    return BEIAN_OK;
}
