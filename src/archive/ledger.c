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
    memset(lg, 0, sizeof *lg);
}

static int ledger_push(ledger *lg, const ledger_line *l)
{
    ledger_line *p = realloc(lg->lines, (lg->n + 1) * sizeof *p);
    if (!p) {
        return BEIAN_EINTERNAL;
    }
    lg->lines = p;
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
        if (ledger_find_path(lg, l.path)) {
            rc = finding(lg, f, "%sline %zu%s", "", lineno, " files a bundle already listed");
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
done:
    beian_buf_release(&b);
    free(path);
    if (rc != BEIAN_OK) {
        ledger_release(lg);
    }
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
    ledger_line *room = realloc(lg->lines, (lg->n + 1) * sizeof *room);
    if (!room) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    lg->lines = room;
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
