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
 * to everything before it.
 *
 * The ledger is only ever appended to: one write(2) of the line and its line feed (O_APPEND),
 * then fsync. A filing costs the same with ten lines or a hundred thousand. What a crash can
 * leave is at most a torn last line (bytes after the last line feed): a reader ignores one
 * while a writer holds the lock (an append in progress), and otherwise it is damage that
 * `beian fsck` repairs (ledger_cut_torn: a whole line that only lost its line feed gets it
 * back; a part of a line is cut, and its bundle is then completed like any unledgered one).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

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
    beian_sha256_free(lg->digest);
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
        if (p != lg->lines) {
            lg->sorted_n = (size_t)-1; /* the sorted pointers point into the old array */
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

/* Reads ledger.txt into b; *missing 1 when there is none (a new archive). */
static int ledger_read(beian_archive *ar, beian_buf *b, int *missing)
{
    int err = 0;
    char *path = store_path(ar, STORE_LEDGER);
    *missing = 0;
    beian_buf_init(b);
    if (!path) {
        return BEIAN_EINTERNAL;
    }
    int rc = beian_file_read(path, LEDGER_MAX_BYTES, b, &err);
    if (rc == BEIAN_ENOINPUT && err == ENOENT) {
        *missing = 1;
        rc = BEIAN_OK;
    } else if (rc != BEIAN_OK) {
        rc = beian_ctx_fail(ar->ctx, rc == BEIAN_EDATA ? BEIAN_EDATA : BEIAN_EIO,
                            "%s: cannot read the ledger: %s", path,
                            rc == BEIAN_EDATA ? "larger than 256 MiB" : strerror(err));
    }
    free(path);
    return rc;
}

/* The offset where the line that ends at t[end] (or the text, when end is len) begins: just
 * after the last line feed before end, or 0. */
static size_t line_start(const unsigned char *t, size_t end)
{
    while (end > 0 && t[end - 1] != '\n') {
        end--;
    }
    return end;
}

/* The length of text's complete lines (up to and with its last line feed). A rest after it
 * is a torn line: another writer's append in progress, which is not the ledger yet, when a
 * writer holds the lock and it is not this process; else what a crash in the middle of an
 * append left (damage that fsck cuts). */
static size_t complete_part(beian_archive *ar, ledger *lg, const unsigned char *t, size_t len,
                            beian_findings *f, int *rc)
{
    size_t whole = line_start(t, len);
    *rc = BEIAN_OK;
    if (whole < len && !store_writer_active(ar)) {
        lg->torn = len - whole;
        *rc = finding(lg, f, "%s%zu%s", "the last line is cut short (",
                      len - whole,
                      " bytes after the last line feed): a filing was interrupted while the ledger "
                      "was written (power loss, a full disk; `beian fsck` cuts it), or the ledger "
                      "was truncated or edited");
    }
    return whole;
}

/* Parses the complete lines of text from offset at (the first base lines skipped, their last
 * hash prev) into lg. */
static int ledger_parse(ledger *lg, char *text, size_t len, size_t at, size_t base,
                        const char prev_in[BEIAN_SHA256_HEX_SIZE], beian_findings *f)
{
    int rc = BEIAN_OK;
    char prev[BEIAN_SHA256_HEX_SIZE];
    memcpy(prev, prev_in, BEIAN_SHA256_HEX_SIZE);
    lg->base = base;
    size_t lineno = base;
    char *next = at < len ? text + at : NULL;
    char *end = text + len;
    while (next && next < end) {
        char *line = next;
        char *nl = memchr(line, '\n', (size_t)(end - line));
        if (!nl) {
            break; /* complete_part cut the text at a line feed */
        }
        *nl = '\0';
        next = nl + 1;
        ledger_line l;
        lineno++;
        int ok = parse_line(line, &l);
        if (ok < 0) {
            return BEIAN_EINTERNAL;
        }
        if (!ok) {
            rc = finding(lg, f, "%sline %zu%s", "", lineno,
                         " is not a ledger line (seq, previous hash, bundle SHA-256, date, "
                         "record, version, event, state, path)");
            if (rc != BEIAN_OK) {
                return rc;
            }
            /* the chain continues from the damaged line's text */
            beian_sha256_hex(line, strlen(line), prev);
            continue;
        }
        char *canon = format_line(&l);
        if (!canon) {
            free(l.path);
            return BEIAN_EINTERNAL;
        }
        int canonical = strcmp(canon, line) == 0;
        free(canon);
        if (!canonical) {
            /* one line, one hash: a writer hashes the canonical text, so a line with a stray
             * space or a carriage return would chain differently for writer and reader */
            rc = finding(lg, f, "%sline %zu%s", "", lineno,
                         " is not written the way beian writes it (a space, tab or carriage "
                         "return added or removed): the ledger was edited");
        }
        if (rc == BEIAN_OK && (l.seq != lineno || strcmp(l.prev, prev) != 0)) {
            rc = finding(lg, f, "%sline %zu%s", "", lineno,
                         l.seq != lineno ? " is numbered out of order: a line was removed, "
                                           "inserted or moved"
                                         : " does not carry the hash of the line before it: a "
                                           "line before it was altered, removed or reordered");
        }
        if (rc != BEIAN_OK) {
            free(l.path);
            return rc;
        }
        beian_sha256_hex(line, strlen(line), l.hash);
        memcpy(prev, l.hash, BEIAN_SHA256_HEX_SIZE);
        if (ledger_push(lg, &l) != BEIAN_OK) {
            free(l.path);
            return BEIAN_EINTERNAL;
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
    return rc;
}

/* The lines of text before offset whole, counted, and the hash of the last of them. */
static int count_lines(const unsigned char *t, size_t whole, size_t *n, size_t *last_at,
                       char hash[BEIAN_SHA256_HEX_SIZE])
{
    *n = 0;
    *last_at = 0;
    memcpy(hash, STORE_ZERO_HASH, BEIAN_SHA256_HEX_SIZE);
    for (const unsigned char *p = t; whole && (p = memchr(p, '\n', whole - (size_t)(p - t))) != NULL;
         p++) {
        (*n)++;
        if ((size_t)(p - t) + 1 < whole) {
            *last_at = (size_t)(p - t) + 1;
        }
    }
    return *n ? beian_sha256_hex(t + *last_at, whole - 1 - *last_at, hash) : BEIAN_OK;
}

static void ledger_init(ledger *lg)
{
    memset(lg, 0, sizeof *lg);
    memcpy(lg->head, STORE_ZERO_HASH, BEIAN_SHA256_HEX_SIZE);
    memcpy(lg->base_hash, STORE_ZERO_HASH, BEIAN_SHA256_HEX_SIZE);
}

int ledger_load(beian_archive *ar, ledger *lg, beian_findings *f)
{
    beian_buf b;
    int missing = 0;
    ledger_init(lg);
    int rc = ledger_read(ar, &b, &missing);
    if (rc == BEIAN_OK && !missing) {
        size_t whole = complete_part(ar, lg, b.data, b.len, f, &rc);
        lg->bytes = whole;
        if (rc == BEIAN_OK && memchr(b.data, '\0', whole)) {
            rc = finding(lg, f, "%s%zu%s", "a NUL byte at offset ",
                         (size_t)((unsigned char *)memchr(b.data, '\0', whole) - b.data),
                         ": the ledger is not text any more");
        } else if (rc == BEIAN_OK) {
            rc = ledger_parse(lg, (char *)b.data, whole, 0, 0, STORE_ZERO_HASH, f);
        }
    }
    beian_buf_release(&b);
    if (rc != BEIAN_OK) {
        ledger_release(lg);
    }
    return rc;
}

int ledger_load_after(beian_archive *ar, const ledger_mark *from, ledger *lg, int *matched)
{
    beian_buf b;
    int missing = 0;
    ledger_init(lg);
    *matched = 0;
    int rc = ledger_read(ar, &b, &missing);
    if (rc != BEIAN_OK || missing) {
        beian_buf_release(&b);
        return rc;
    }
    int torn_rc = BEIAN_OK;
    size_t whole = complete_part(ar, lg, b.data, b.len, NULL, &torn_rc);
    /* the mark: the first from->bytes bytes are the lines the index was made from, ending
     * with the line whose hash is from->head, and their digest is from->sha256 */
    char hex[BEIAN_SHA256_HEX_SIZE];
    unsigned char md[BEIAN_SHA256_BYTES];
    size_t at = from->bytes;
    beian_sha256_ctx *d = NULL, *check = NULL;
    if (from->lines > 0 && at > 0 && at <= whole && b.data[at - 1] == '\n' &&
        !memchr(b.data, '\0', whole) && (d = beian_sha256_new()) != NULL) {
        beian_sha256_update(d, b.data, at);
        check = beian_sha256_dup(d);
        if (check && beian_sha256_final(check, md) == BEIAN_OK) {
            beian_sha256_to_hex(md, hex);
        } else {
            hex[0] = '\0';
        }
        size_t last = line_start(b.data, at - 1);
        char lh[BEIAN_SHA256_HEX_SIZE];
        if (strcmp(hex, from->sha256) == 0 &&
            beian_sha256_hex(b.data + last, at - 1 - last, lh) == BEIAN_OK &&
            strcmp(lh, from->head) == 0) {
            *matched = 1;
        }
    }
    beian_sha256_free(check);
    if (*matched) {
        lg->bytes = whole;
        lg->synced = at; /* an index is made only from lines on the disk */
        rc = ledger_parse(lg, (char *)b.data, whole, at, from->lines, from->head, NULL);
        memcpy(lg->base_hash, from->head, BEIAN_SHA256_HEX_SIZE);
        if (rc == BEIAN_OK && lg->n == 0) {
            memcpy(lg->head, from->head, BEIAN_SHA256_HEX_SIZE);
        }
        beian_sha256_update(d, b.data + at, whole - at);
        lg->digest = d;
        d = NULL;
    }
    beian_sha256_free(d);
    beian_buf_release(&b);
    if (rc != BEIAN_OK || !*matched) {
        ledger_release(lg);
        ledger_init(lg);
        *matched = rc == BEIAN_OK ? 0 : *matched;
    }
    return rc;
}

int ledger_mark_of(beian_archive *ar, const ledger *lg, ledger_mark *m)
{
    beian_buf b;
    int missing = 0;
    memset(m, 0, sizeof *m);
    m->lines = lg->base + lg->n;
    memcpy(m->head, lg->head, BEIAN_SHA256_HEX_SIZE);
    m->bytes = lg->bytes;
    unsigned char md[BEIAN_SHA256_BYTES];
    beian_sha256_ctx *d = lg->digest ? beian_sha256_dup(lg->digest) : NULL;
    if (d && beian_sha256_final(d, md) == BEIAN_OK) {
        beian_sha256_free(d);
        beian_sha256_to_hex(md, m->sha256);
        return BEIAN_OK; /* the running digest: no need to read the file again */
    }
    beian_sha256_free(d);
    int rc = ledger_read(ar, &b, &missing);
    if (rc == BEIAN_OK && (missing ? lg->bytes != 0 : b.len < lg->bytes)) {
        rc = beian_ctx_fail(ar->ctx, BEIAN_EDATA, "the ledger changed while it was indexed");
    }
    if (rc == BEIAN_OK) {
        rc = beian_sha256_hex(missing ? (const unsigned char *)"" : b.data, lg->bytes, m->sha256);
    }
    beian_buf_release(&b);
    return rc;
}

int ledger_tail(beian_archive *ar, size_t *n, char head[BEIAN_SHA256_HEX_SIZE], int *whole)
{
    beian_buf b;
    int missing = 0;
    ledger scratch;
    *n = 0;
    *whole = 0;
    memcpy(head, STORE_ZERO_HASH, BEIAN_SHA256_HEX_SIZE);
    int rc = ledger_read(ar, &b, &missing);
    if (rc != BEIAN_OK || missing) {
        beian_buf_release(&b);
        *whole = rc == BEIAN_OK;
        return rc == BEIAN_EINTERNAL ? rc : BEIAN_OK; /* ledger_load says why */
    }
    ledger_init(&scratch);
    int trc = BEIAN_OK;
    size_t len = complete_part(ar, &scratch, b.data, b.len, NULL, &trc);
    size_t last = 0;
    if (!scratch.torn && !memchr(b.data, '\0', len)) {
        rc = count_lines(b.data, len, n, &last, head);
        *whole = rc == BEIAN_OK;
    }
    beian_buf_release(&b);
    return rc;
}

int ledger_ends_at(beian_archive *ar, size_t bytes, const char head[BEIAN_SHA256_HEX_SIZE])
{
    /* the size, and the hash of the last line: what another writer's line would change */
    char *path = store_path(ar, STORE_LEDGER);
    int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    struct stat st;
    char tail[1024];
    int same = 0;
    if (fd < 0) {
        same = errno == ENOENT && bytes == 0;
    } else if (fstat(fd, &st) == 0 && (uintmax_t)st.st_size == (uintmax_t)bytes) {
        size_t take = bytes < sizeof tail ? bytes : sizeof tail;
        ssize_t got = take ? pread(fd, tail, take, (off_t)(bytes - take)) : 0;
        if (got == (ssize_t)take && (take == 0 || tail[take - 1] == '\n')) {
            size_t last = take ? line_start((const unsigned char *)tail, take - 1) : 0;
            char h[BEIAN_SHA256_HEX_SIZE];
            if (take == 0) {
                same = strcmp(head, STORE_ZERO_HASH) == 0;
            } else if ((last > 0 || take == bytes) &&
                       beian_sha256_hex(tail + last, take - 1 - last, h) == BEIAN_OK) {
                same = strcmp(h, head) == 0;
            }
        }
    }
    if (fd >= 0) {
        close(fd);
    }
    free(path);
    return same;
}

int ledger_unchanged(beian_archive *ar, const ledger *lg)
{
    if (!ledger_ends_at(ar, lg->bytes, lg->head)) {
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

/* Writes all of text to fd; 0 or the errno of the failure (a short write is ENOSPC). */
static int write_line(int fd, const char *text, size_t len)
{
    while (len > 0) {
        ssize_t w = write(fd, text, len);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return w < 0 ? errno : ENOSPC;
        }
        text += w;
        len -= (size_t)w;
    }
    return 0;
}

int ledger_append(beian_archive *ar, ledger *lg, const ledger_line *line, int *unsynced)
{
    int rc = BEIAN_OK;
    int fd = -1;
    if (unsynced) {
        *unsynced = 0;
    }
    ledger_line l = *line;
    char *text = NULL;
    char *path = store_path(ar, STORE_LEDGER);
    l.seq = lg->base + lg->n + 1;
    memcpy(l.prev, lg->head, BEIAN_SHA256_HEX_SIZE);
    l.path = beian_strdup(line->path);
    char *s = l.path ? format_line(&l) : NULL;
    text = s ? beian_asprintf("%s\n", s) : NULL;
    /* the hash, and room for the line, before the commit point: nothing after it may fail
     * for memory */
    if (!path || !text || beian_sha256_hex(s, strlen(s), l.hash) != BEIAN_OK ||
        ledger_room(lg) != BEIAN_OK) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    int created = lg->bytes == 0 && access(path, F_OK) != 0;
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    struct stat st;
    /* the ledger itself locked around the size check, the write and a cut: even two writers
     * that both hold "the" lock (its file deleted and made anew between them) cannot both
     * append after the same line, nor cut each other's line */
    if (fd >= 0 && flock(fd, LOCK_EX) != 0) {
        close(fd);
        fd = -1;
    }
    if (fd < 0 || fstat(fd, &st) != 0) {
        rc = beian_ctx_fail(ar->ctx, BEIAN_EIO, "%s: cannot open the ledger to add a line: %s",
                            path, strerror(errno));
        goto done;
    }
    if ((uintmax_t)st.st_size != (uintmax_t)lg->bytes) {
        rc = beian_ctx_fail(ar->ctx, BEIAN_EBUSY,
                            "the ledger changed while this filing was prepared (%ju bytes, not "
                            "%zu): another beian filed at the same time (was the lock file "
                            "removed?); nothing was filed, try again",
                            (uintmax_t)st.st_size, lg->bytes);
        goto done;
    }
    int err = write_line(fd, text, strlen(text));
    if (err != 0) {
        /* a line not written whole is taken back: readers see only complete lines, and a
         * torn one that stays (the truncation failed too) is what fsck cuts */
        if (ftruncate(fd, (off_t)lg->bytes) == 0) {
            fsync(fd);
        }
        rc = beian_ctx_fail(ar->ctx, err == ENOSPC || err == EDQUOT ? BEIAN_ECREATE : BEIAN_EIO,
                            "%s: cannot add the filing's line to the ledger: %s; nothing was "
                            "filed",
                            path, strerror(err));
        goto done;
    }
    /* the line is in the ledger: the commit point. Readers and the next writer see it. */
    store_step(ar, "ledger-written");
    int synced = 1;
    if (fsync(fd) != 0 || (created && beian_file_sync_dir(ar->dir) != BEIAN_OK)) {
        synced = 0;
        /* the line is in place, only the disk's confirmation failed: filed (taking it back
         * now could contradict a reader that has seen it) */
        beian_ctx_fail(ar->ctx, BEIAN_EIO, "%s: the disk reported an error on sync: %s", path,
                       strerror(errno));
        if (unsynced) {
            *unsynced = 1;
        }
    }
    store_step(ar, "ledger-synced");
    lg->lines[lg->n++] = l;
    if (lg->digest) {
        beian_sha256_update(lg->digest, text, strlen(text)); /* a failure is sticky: then the
                                                                mark is read from the file */
    }
    lg->bytes += strlen(text);
    if (synced) {
        lg->synced = lg->bytes; /* fsync takes the whole file to the disk */
    }
    memcpy(lg->head, l.hash, BEIAN_SHA256_HEX_SIZE);
    l.path = NULL;
done:
    if (fd >= 0) {
        close(fd);
    }
    free(l.path);
    free(s);
    free(text);
    free(path);
    return rc;
}

int ledger_sync(beian_archive *ar)
{
    char *path = store_path(ar, STORE_LEDGER);
    int fd = path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
    int rc = BEIAN_OK;
    if (fd < 0 ? errno != ENOENT : fsync(fd) != 0) {
        rc = beian_ctx_fail(ar->ctx, BEIAN_EIO, "%s: cannot sync the ledger: %s",
                            path ? path : STORE_LEDGER, strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
    }
    free(path);
    return rc;
}

int ledger_cut_torn(beian_archive *ar, int dry, size_t *cut, int *completed)
{
    beian_buf b;
    int missing = 0;
    *cut = 0;
    *completed = 0;
    int rc = ledger_read(ar, &b, &missing);
    if (rc != BEIAN_OK || missing || b.len == 0 || b.data[b.len - 1] == '\n') {
        beian_buf_release(&b);
        return rc;
    }
    size_t whole = line_start(b.data, b.len);
    /* the rest is a whole line that lost only its line feed when it chains to the line
     * before it: completed, so no filing is dropped; anything else is cut */
    ledger_line l;
    char prev[BEIAN_SHA256_HEX_SIZE];
    size_t n = 0, last = 0;
    char *rest = beian_strndup((const char *)b.data + whole, b.len - whole);
    rc = rest ? count_lines(b.data, whole, &n, &last, prev) : BEIAN_EINTERNAL;
    int ok = rc == BEIAN_OK && !memchr(rest, '\0', b.len - whole) ? parse_line(rest, &l) : 0;
    if (ok > 0) {
        char *canon = format_line(&l);
        *completed = canon && strcmp(canon, rest) == 0 && l.seq == n + 1 &&
                     strcmp(l.prev, prev) == 0;
        free(canon);
        free(l.path);
    }
    *cut = *completed ? 0 : b.len - whole;
    char *path = store_path(ar, STORE_LEDGER);
    int fd = !dry && path && rc == BEIAN_OK ? open(path, O_WRONLY | O_APPEND | O_CLOEXEC) : -1;
    if (!dry && rc == BEIAN_OK &&
        (fd < 0 || (*completed ? write_line(fd, "\n", 1) != 0 : ftruncate(fd, (off_t)whole) != 0) ||
         fsync(fd) != 0)) {
        rc = beian_ctx_fail(ar->ctx, BEIAN_EIO, "%s: cannot repair the torn last line: %s",
                            path ? path : STORE_LEDGER, strerror(errno));
    }
    if (fd >= 0) {
        close(fd);
    }
    free(path);
    free(rest);
    beian_buf_release(&b);
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
