/*
 * bundle.c - the archive's bundles as ZIP files: building one in memory and reading one with
 * every check a verifier makes. libzip itself is behind the ZIP adapter (util/zipio.c), which
 * keeps the workarounds for libzip 1.7.3 (the ZIP built in memory, not by zip_close on a file;
 * entries dated with zip_file_set_dostime, stored, with fixed Unix attributes); this file gives
 * it the entries in name order, so the same entries always make the same bytes.
 *
 * Reading is a verification in two passes. First the bytes are walked by hand, following
 * APPNOTE.TXT (PKWARE's .ZIP File Format Specification, 6.3.x): the end of central directory
 * record (4.3.16), every central directory header (4.3.12) and the local header (4.3.7)
 * and data (plus data descriptor, 4.3.9) it points to. Every byte of the file must belong to
 * exactly one entry, the central directory or the end record, so prepended, appended,
 * hidden or overlapping data is found. Then libzip opens the same bytes with ZIP_CHECKCONS
 * and every entry is read to its end (that is when libzip checks the CRC), never more than
 * its declared size plus one byte.
 */
#include "beian/bundle.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "beian/date.h"
#include "util.h"
#include "zipio.h"

#define SIG_LOCAL 0x04034b50u
#define SIG_CENTRAL 0x02014b50u
#define SIG_END 0x06054b50u
#define SIG_DESCRIPTOR 0x08074b50u
#define LOCAL_SIZE 30u   /* fixed part of a local file header (APPNOTE 4.3.7) */
#define CENTRAL_SIZE 46u /* fixed part of a central directory header (4.3.12) */
#define END_SIZE 22u     /* end of central directory record without comment (4.3.16) */
#define S_TYPE_MASK 0170000u
#define S_TYPE_LINK 0120000u
#define S_TYPE_DIR 0040000u
#define DOS_ATTR_DIR 0x10u
#define MADE_BY_UNIX 3u  /* "version made by", upper byte: UNIX (APPNOTE 4.4.2.2) */
#define METHOD_STORED 0u /* compression method: stored, no compression (4.4.5) */
#define METHOD_AES 99u   /* AE-x encryption marker (APPNOTE appendix E) */
#define FLAGS_ENCRYPTED 0x0041u /* general purpose bits 0 (encrypted) and 6 (strong) (4.4.4) */

int beian_bundle_name_safe(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || len > 200 || name[0] == '/' || name[len - 1] == '/') {
        return 0;
    }
    const char *comp = name;
    for (const char *p = name;; p++) {
        if (*p == '/' || *p == '\0') {
            size_t n = (size_t)(p - comp);
            if (n == 0 || (n == 1 && comp[0] == '.') ||
                (n == 2 && comp[0] == '.' && comp[1] == '.')) {
                return 0;
            }
            if (*p == '\0') {
                return 1;
            }
            comp = p + 1;
            continue;
        }
        unsigned char c = (unsigned char)*p;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-')) {
            return 0;
        }
    }
}

/* ---- writing ---- */

static int cmp_entry_names(const void *a, const void *b)
{
    const beian_bundle_entry *const *x = a;
    const beian_bundle_entry *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

/* DOS date of YYYY-MM-DD (APPNOTE 4.4.6: bits 15-9 year since 1980, 8-5 month, 4-0 day). */
static int dos_date(const char *date, uint16_t *out)
{
    if (!date || !beian_date_valid(date)) {
        return 0;
    }
    int y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
    int m = (date[5] - '0') * 10 + (date[6] - '0');
    int d = (date[8] - '0') * 10 + (date[9] - '0');
    if (y < 1980 || y > 2107) {
        return 0;
    }
    *out = (uint16_t)(((y - 1980) << 9) | (m << 5) | d);
    return 1;
}

int beian_bundle_zip(beian_ctx *ctx, const beian_bundle_entry *entries, size_t n, const char *date,
                     unsigned char **zip, size_t *len)
{
    int rc = BEIAN_EINTERNAL;
    const beian_bundle_entry **sorted = NULL;
    beian_zip_entry *ze = NULL;
    uint16_t ddate = 0;
    char why[BEIAN_ZIP_WHY_SIZE];
    *zip = NULL;
    *len = 0;
    if (n == 0 || n > BEIAN_BUNDLE_MAX_ENTRIES) {
        rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL, "a bundle holds 1 to %d entries, not %zu",
                            BEIAN_BUNDLE_MAX_ENTRIES, n);
        goto done;
    }
    if (!dos_date(date, &ddate)) {
        rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL,
                            "bundle date \"%s\" is not a date from "
                            "1980-01-01 to 2107-12-31",
                            date ? date : "(none)");
        goto done;
    }
    sorted = malloc(n * sizeof *sorted);
    ze = malloc(n * sizeof *ze);
    if (!sorted || !ze) {
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (!beian_bundle_name_safe(entries[i].name)) {
            rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL,
                                "bundle entry name \"%s\" is not a safe "
                                "relative ASCII path",
                                entries[i].name);
            goto done;
        }
        sorted[i] = &entries[i];
    }
    qsort(sorted, n, sizeof *sorted, cmp_entry_names);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(sorted[i - 1]->name, sorted[i]->name) == 0) {
            rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL, "bundle entry \"%s\" is given twice",
                                sorted[i]->name);
            goto done;
        }
    }
    for (size_t i = 0; i < n; i++) {
        ze[i] = (beian_zip_entry){sorted[i]->name, sorted[i]->data, sorted[i]->len};
    }
    rc = beian_zip_write(ze, n, ddate, BEIAN_BUNDLE_MAX_BYTES, zip, len, why);
    if (rc != BEIAN_OK) {
        rc = why[0] ? beian_ctx_fail(ctx, BEIAN_EINTERNAL, "libzip: %s", why)
                    : beian_ctx_fail(ctx, BEIAN_EINTERNAL,
                                     "cannot read back the bundle built in memory");
    }
done:
    free(sorted);
    free(ze);
    return rc;
}

/* ---- reading ---- */

typedef struct {
    uint16_t made_by, needed, flags, method, mtime, mdate, name_len, extra_len, comment_len, disk;
    uint32_t crc, csize, usize, ext_attr, local;
    const unsigned char *name;
    char *cname;       /* the name as a C string (NUL bytes make it unsafe) */
    size_t start, end; /* bytes of the local header, data and descriptor */
} cd_entry;

typedef struct {
    const unsigned char *p;
    size_t len;
    const char *label;
    beian_findings *f;
    cd_entry *e;
    size_t n;
    int bad;    /* a finding was added */
    int unsafe; /* one that makes reading the entries unsafe or meaningless */
} reader;

/* Findings after which the entries are not read: the structure cannot be trusted to say
 * where data is, or reading would cost too much. */
static int unsafe_code(const char *code)
{
    return strcmp(code, BEIAN_V_ZIP_UNREADABLE) == 0 || strcmp(code, BEIAN_V_ZIP_STRUCTURE) == 0 ||
           strcmp(code, BEIAN_V_ZIP_OVERLAP) == 0 || strcmp(code, BEIAN_V_ZIP_SIZE) == 0 ||
           strcmp(code, BEIAN_V_ZIP_ENCRYPTED) == 0;
}

static uint16_t rd16(const unsigned char *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t rd32(const unsigned char *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

#define FIND(R, code, ...)                                                                         \
    do {                                                                                           \
        (R)->bad = 1;                                                                              \
        (R)->unsafe |= unsafe_code(code);                                                          \
        if (beian_findings_add((R)->f, code, (R)->label, __VA_ARGS__) != BEIAN_OK) {               \
            return BEIAN_EINTERNAL;                                                                \
        }                                                                                          \
    } while (0)

/* The end of central directory record: the last signature whose comment reaches the end. */
static int find_end(reader *R, size_t *at)
{
    size_t lo = R->len > END_SIZE + 65535u ? R->len - END_SIZE - 65535u : 0;
    size_t fallback = SIZE_MAX;
    for (size_t i = R->len - END_SIZE + 1; i-- > lo;) {
        if (rd32(R->p + i) != SIG_END) {
            continue;
        }
        if (i + END_SIZE + rd16(R->p + i + 20) == R->len) {
            *at = i;
            return BEIAN_OK;
        }
        if (fallback == SIZE_MAX) {
            fallback = i;
        }
    }
    if (fallback == SIZE_MAX) {
        FIND(R, BEIAN_V_ZIP_UNREADABLE,
             "no end of central directory record: not a ZIP file, or cut short");
        return BEIAN_EDATA;
    }
    *at = fallback;
    return BEIAN_OK;
}

static int check_name(reader *R, cd_entry *e)
{
    const char *why = NULL;
    if (memchr(e->name, '\0', e->name_len)) {
        why = "holds a NUL byte";
    } else if (e->name_len == 0) {
        why = "is empty";
    } else if (e->name[0] == '/') {
        why = "is absolute (starts with \"/\")";
    } else if (memchr(e->name, '\\', e->name_len)) {
        why = "holds a backslash";
    } else if (e->name_len >= 2 && e->name[1] == ':') {
        why = "starts with a drive letter";
    } else {
        for (size_t i = 0; i < e->name_len; i++) {
            if (e->name[i] < 0x20 || e->name[i] >= 0x7f) {
                why = e->name[i] >= 0x80 ? "is not ASCII (beian names entries in ASCII)"
                                         : "holds a control character";
                break;
            }
        }
    }
    int is_dir = e->name_len > 0 && e->name[e->name_len - 1] == '/';
    if (!why && !is_dir && !beian_bundle_name_safe(e->cname)) {
        const char *s = e->cname;
        if (strcmp(s, "..") == 0 || strncmp(s, "../", 3) == 0 || strstr(s, "/../") ||
            (strlen(s) >= 3 && strcmp(s + strlen(s) - 3, "/..") == 0)) {
            why = "climbs out of the bundle with \"..\"";
        } else {
            why = "is not a plain relative path of letters, digits, '.', '_', '-' and '/'";
        }
    }
    if (why) {
        FIND(R, BEIAN_V_ZIP_UNSAFE_NAME, "entry \"%s\": the name %s", e->cname, why);
    }
    return BEIAN_OK;
}

static int check_entry_kind(reader *R, cd_entry *e)
{
    int unix_attrs = (e->made_by >> 8) == MADE_BY_UNIX;
    uint32_t mode = e->ext_attr >> 16;
    if ((unix_attrs && (mode & S_TYPE_MASK) == S_TYPE_LINK)) {
        FIND(R, BEIAN_V_ZIP_SYMLINK, "entry \"%s\" is a symbolic link; a bundle holds only files",
             e->cname);
    } else if ((e->name_len > 0 && e->name[e->name_len - 1] == '/') ||
               (unix_attrs && (mode & S_TYPE_MASK) == S_TYPE_DIR) || (e->ext_attr & DOS_ATTR_DIR)) {
        FIND(R, BEIAN_V_ZIP_DIRECTORY, "entry \"%s\" is a directory; a bundle holds only files",
             e->cname);
    }
    if ((e->flags & FLAGS_ENCRYPTED) || e->method == METHOD_AES) {
        FIND(R, BEIAN_V_ZIP_ENCRYPTED, "entry \"%s\" is encrypted; an archive must stay readable",
             e->cname);
    }
    if (e->method != METHOD_STORED) {
        FIND(R, BEIAN_V_ZIP_NOT_STORED,
             "entry \"%s\" is compressed (method %u); beian stores every entry as it is", e->cname,
             e->method);
    }
    if (e->usize > BEIAN_BUNDLE_MAX_ENTRY) {
        FIND(R, BEIAN_V_ZIP_SIZE, "entry \"%s\" declares %lu bytes, more than the %u MiB limit",
             e->cname, (unsigned long)e->usize, BEIAN_BUNDLE_MAX_ENTRY >> 20);
    } else if (e->usize > 0 &&
               (e->csize == 0 || (e->usize - 1) / e->csize >= BEIAN_BUNDLE_MAX_RATIO)) {
        /* usize > csize * RATIO, without the overflow: exactly RATIO times is allowed */
        FIND(R, BEIAN_V_ZIP_SIZE,
             "entry \"%s\" expands %lu bytes into %lu: more than %d times (a zip bomb?)", e->cname,
             (unsigned long)e->csize, (unsigned long)e->usize, BEIAN_BUNDLE_MAX_RATIO);
    }
    if (e->method == METHOD_STORED && e->csize != e->usize) {
        FIND(R, BEIAN_V_ZIP_STRUCTURE,
             "entry \"%s\" is stored but declares %lu bytes in the "
             "file and %lu bytes of data",
             e->cname, (unsigned long)e->csize, (unsigned long)e->usize);
    }
    return BEIAN_OK;
}

/* The local header and data of e: agree with the central directory, and where they end. */
static int check_local(reader *R, cd_entry *e)
{
    size_t at = e->local;
    if (at > R->len || R->len - at < LOCAL_SIZE || rd32(R->p + at) != SIG_LOCAL) {
        FIND(R, BEIAN_V_ZIP_STRUCTURE, "entry \"%s\": no local header at offset %zu", e->cname, at);
        return BEIAN_EDATA;
    }
    const unsigned char *h = R->p + at;
    uint16_t flags = rd16(h + 6), nlen = rd16(h + 26), xlen = rd16(h + 28);
    int descriptor = (e->flags & 0x0008u) != 0;
    const char *field = NULL;
    if (rd16(h + 4) != e->needed) {
        field = "version needed to extract";
    } else if (flags != e->flags) {
        field = "flags";
    } else if (rd16(h + 8) != e->method) {
        field = "compression method";
    } else if (rd16(h + 10) != e->mtime || rd16(h + 12) != e->mdate) {
        field = "date and time";
    } else if (!descriptor &&
               (rd32(h + 14) != e->crc || rd32(h + 18) != e->csize || rd32(h + 22) != e->usize)) {
        field = "CRC or sizes";
    } else if (nlen != e->name_len || R->len - at - LOCAL_SIZE < nlen ||
               memcmp(h + LOCAL_SIZE, e->name, nlen) != 0) {
        field = "name";
    }
    if (field) {
        FIND(R, BEIAN_V_ZIP_STRUCTURE,
             "entry \"%s\": the local header's %s disagrees with the central directory", e->cname,
             field);
        return BEIAN_EDATA;
    }
    uint64_t end = (uint64_t)at + LOCAL_SIZE + nlen + xlen + e->csize;
    if (descriptor) {
        /* APPNOTE 4.3.9: crc, sizes, optionally preceded by a signature */
        if (end + 4 <= R->len && rd32(R->p + end) == SIG_DESCRIPTOR) {
            end += 4;
        }
        if (end + 12 > R->len || rd32(R->p + end) != e->crc || rd32(R->p + end + 4) != e->csize ||
            rd32(R->p + end + 8) != e->usize) {
            FIND(R, BEIAN_V_ZIP_STRUCTURE,
                 "entry \"%s\": the data descriptor disagrees with the central directory",
                 e->cname);
            return BEIAN_EDATA;
        }
        end += 12;
    }
    if (end > R->len) {
        FIND(R, BEIAN_V_ZIP_STRUCTURE, "entry \"%s\" runs past the end of the file", e->cname);
        return BEIAN_EDATA;
    }
    e->start = at;
    e->end = (size_t)end;
    return BEIAN_OK;
}

static int cmp_start(const void *a, const void *b)
{
    const cd_entry *const *x = a;
    const cd_entry *const *y = b;
    return (*x)->start < (*y)->start ? -1 : (*x)->start > (*y)->start;
}

/* Every byte belongs to one entry, the central directory or the end record. */
static int check_coverage(reader *R, size_t cd_off, size_t cd_end, size_t end_at)
{
    int rc = BEIAN_OK;
    cd_entry **order = malloc((R->n ? R->n : 1) * sizeof *order);
    if (!order) {
        return BEIAN_EINTERNAL;
    }
    for (size_t i = 0; i < R->n; i++) {
        order[i] = &R->e[i];
    }
    qsort(order, R->n, sizeof *order, cmp_start);
    size_t pos = 0;
    const char *prev = NULL;
    for (size_t i = 0; i < R->n; i++) {
        cd_entry *e = order[i];
        if (e->start < pos) {
            if (beian_findings_add(R->f, BEIAN_V_ZIP_OVERLAP, R->label,
                                   "entries \"%s\" and \"%s\" share bytes (overlapping entries "
                                   "hide data or multiply it)",
                                   prev, e->cname) != BEIAN_OK) {
                rc = BEIAN_EINTERNAL;
                goto done;
            }
            R->bad = 1;
            R->unsafe = 1;
        } else if (e->start > pos) {
            if (beian_findings_add(
                    R->f, BEIAN_V_ZIP_STRAY_BYTES, R->label,
                    "%zu bytes at offset %zu belong to no entry (%s)", e->start - pos, pos,
                    pos == 0 ? "data before the first entry" : "hidden data") != BEIAN_OK) {
                rc = BEIAN_EINTERNAL;
                goto done;
            }
            R->bad = 1;
        }
        if (e->end > pos) {
            pos = e->end;
        }
        prev = e->cname;
    }
    if (pos > cd_off) {
        if (beian_findings_add(R->f, BEIAN_V_ZIP_OVERLAP, R->label,
                               "entry \"%s\" runs into the central directory",
                               prev ? prev : "?") != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
            goto done;
        }
        R->bad = 1;
        R->unsafe = 1;
    } else if (pos < cd_off || cd_end < end_at) {
        if (beian_findings_add(R->f, BEIAN_V_ZIP_STRAY_BYTES, R->label,
                               "%zu bytes before the %s belong to no entry",
                               pos < cd_off ? cd_off - pos : end_at - cd_end,
                               pos < cd_off ? "central directory" : "end record") != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
            goto done;
        }
        R->bad = 1;
    }
done:
    free(order);
    return rc;
}

static int check_names_unique(reader *R)
{
    for (size_t i = 0; i < R->n; i++) {
        for (size_t j = 0; j < i; j++) {
            if (strcmp(R->e[i].cname, R->e[j].cname) == 0) {
                FIND(R, BEIAN_V_ZIP_DUPLICATE,
                     "entry \"%s\" appears twice (programs disagree on which one they read)",
                     R->e[i].cname);
                break;
            }
            if (strcasecmp(R->e[i].cname, R->e[j].cname) == 0) {
                FIND(R, BEIAN_V_ZIP_CASE,
                     "entries \"%s\" and \"%s\" differ only in case (one overwrites the other "
                     "when unzipped on Windows or macOS)",
                     R->e[j].cname, R->e[i].cname);
                break;
            }
        }
    }
    return BEIAN_OK;
}

/* Parses the central directory into R->e. BEIAN_EDATA when it cannot be walked. */
static int parse_directory(reader *R, size_t *cd_off_out, size_t *cd_end_out, size_t *end_out)
{
    size_t end_at = 0;
    int rc = find_end(R, &end_at);
    if (rc != BEIAN_OK) {
        return rc;
    }
    const unsigned char *z = R->p + end_at;
    uint16_t comment = rd16(z + 20);
    if (end_at + END_SIZE + comment != R->len) {
        FIND(R, BEIAN_V_ZIP_STRAY_BYTES, "%zu bytes after the end of the ZIP (appended data)",
             R->len - end_at - END_SIZE);
    } else if (comment > 0) {
        FIND(R, BEIAN_V_ZIP_STRAY_BYTES, "the ZIP carries a %u-byte comment; beian writes none",
             comment);
    }
    uint16_t disk = rd16(z + 4), cd_disk = rd16(z + 6), n_disk = rd16(z + 8), n = rd16(z + 10);
    uint32_t cd_size = rd32(z + 12), cd_off = rd32(z + 16);
    if (disk != 0 || cd_disk != 0 || n_disk != n) {
        FIND(R, BEIAN_V_ZIP_STRUCTURE, "the ZIP claims to span several disks");
        return BEIAN_EDATA;
    }
    if (n == 0xFFFFu || cd_size == 0xFFFFFFFFu || cd_off == 0xFFFFFFFFu) {
        FIND(R, BEIAN_V_ZIP_STRUCTURE, "the ZIP uses ZIP64 records; beian bundles never need them");
        return BEIAN_EDATA;
    }
    if (n == 0) {
        FIND(R, BEIAN_V_ZIP_UNREADABLE, "the ZIP is empty");
        return BEIAN_EDATA;
    }
    if (n > BEIAN_BUNDLE_MAX_ENTRIES) {
        FIND(R, BEIAN_V_ZIP_SIZE, "the ZIP has %u entries, more than the limit of %d", n,
             BEIAN_BUNDLE_MAX_ENTRIES);
        return BEIAN_EDATA;
    }
    if ((uint64_t)cd_off + cd_size > end_at) {
        FIND(R, BEIAN_V_ZIP_STRUCTURE, "the central directory runs past the end record");
        return BEIAN_EDATA;
    }
    R->e = calloc(n, sizeof *R->e);
    if (!R->e) {
        return BEIAN_EINTERNAL;
    }
    size_t pos = cd_off, cd_end = (size_t)cd_off + cd_size;
    for (; R->n < n; R->n++) {
        cd_entry *e = &R->e[R->n];
        if (cd_end - pos < CENTRAL_SIZE || rd32(R->p + pos) != SIG_CENTRAL) {
            FIND(R, BEIAN_V_ZIP_STRUCTURE, "central directory header %zu of %u is damaged",
                 R->n + 1, n);
            return BEIAN_EDATA;
        }
        const unsigned char *h = R->p + pos;
        e->made_by = rd16(h + 4);
        e->needed = rd16(h + 6);
        e->flags = rd16(h + 8);
        e->method = rd16(h + 10);
        e->mtime = rd16(h + 12);
        e->mdate = rd16(h + 14);
        e->crc = rd32(h + 16);
        e->csize = rd32(h + 20);
        e->usize = rd32(h + 24);
        e->name_len = rd16(h + 28);
        e->extra_len = rd16(h + 30);
        e->comment_len = rd16(h + 32);
        e->disk = rd16(h + 34);
        e->ext_attr = rd32(h + 38);
        e->local = rd32(h + 42);
        size_t var = (size_t)e->name_len + e->extra_len + e->comment_len;
        if (cd_end - pos - CENTRAL_SIZE < var) {
            FIND(R, BEIAN_V_ZIP_STRUCTURE,
                 "central directory header %zu of %u runs past the "
                 "directory",
                 R->n + 1, n);
            return BEIAN_EDATA;
        }
        e->name = h + CENTRAL_SIZE;
        e->cname = beian_strndup((const char *)e->name, e->name_len);
        if (!e->cname) {
            return BEIAN_EINTERNAL;
        }
        /* printable in messages: a NUL in the name would cut it */
        for (char *c = e->cname; *c; c++) {
            if ((unsigned char)*c < 0x20 || *c == 0x7f) {
                *c = '?';
            }
        }
        if (e->disk != 0) {
            FIND(R, BEIAN_V_ZIP_STRUCTURE, "entry \"%s\" claims to start on another disk",
                 e->cname);
        }
        if (e->comment_len > 0) {
            FIND(R, BEIAN_V_ZIP_STRAY_BYTES, "entry \"%s\" carries a %u-byte comment", e->cname,
                 e->comment_len);
        }
        pos += CENTRAL_SIZE + var;
    }
    if (pos != cd_end) {
        FIND(R, BEIAN_V_ZIP_STRAY_BYTES,
             "%zu bytes at the end of the central directory belong "
             "to no entry",
             cd_end - pos);
    }
    *cd_off_out = cd_off;
    *cd_end_out = cd_end;
    *end_out = end_at;
    return BEIAN_OK;
}

static int is_nested_archive(const char *name, const unsigned char *d, size_t len)
{
    static const char *const suffixes[] = {".zip", ".jar", ".gz",  ".tgz", ".bz2", ".xz",
                                           ".7z",  ".rar", ".tar", ".zst", ".cab"};
    size_t nl = strlen(name);
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t sl = strlen(suffixes[i]);
        if (nl >= sl && strcasecmp(name + nl - sl, suffixes[i]) == 0) {
            return 1;
        }
    }
    /* magic numbers of ZIP, gzip, bzip2, xz, 7-Zip, RAR and zstd; tar's "ustar" at 257 */
    return (len >= 4 && d[0] == 'P' && d[1] == 'K' && (d[2] == 3 || d[2] == 5 || d[2] == 7)) ||
           (len >= 2 && d[0] == 0x1f && d[1] == 0x8b) || (len >= 3 && memcmp(d, "BZh", 3) == 0) ||
           (len >= 6 && memcmp(d,
                               "\xfd"
                               "7zXZ\0",
                               6) == 0) ||
           (len >= 6 && memcmp(d, "7z\xbc\xaf\x27\x1c", 6) == 0) ||
           (len >= 4 && memcmp(d, "Rar!", 4) == 0) ||
           (len >= 4 && memcmp(d, "\x28\xb5\x2f\xfd", 4) == 0) ||
           (len >= 262 && memcmp(d + 257, "ustar", 5) == 0);
}

/* Reads entry i of za to its end (libzip checks the CRC at the end) into b->entries[i]. */
static int read_entry(reader *R, beian_zip *za, size_t i, beian_bundle_entry *out)
{
    cd_entry *e = &R->e[i];
    beian_zip_file *zf = NULL;
    char why[BEIAN_ZIP_WHY_SIZE];
    int crc = 0;
    int rc = beian_zip_fopen(za, i, &zf, why);
    if (rc == BEIAN_EINTERNAL) {
        return rc;
    }
    if (rc != BEIAN_OK) {
        R->bad = 1;
        return beian_findings_add(R->f, BEIAN_V_ZIP_UNREADABLE, R->label,
                                  "entry \"%s\" cannot be opened: %s", e->cname, why);
    }
    /* read up to one byte past the declared size, then to the end: libzip checks the
     * CRC only when a read reaches the end of the entry */
    size_t want = (size_t)e->usize + 1, got = 0;
    long long r = 0;
    while (got < want && (r = beian_zip_fread(zf, out->data + got, want - got, &crc, why)) > 0) {
        got += (size_t)r;
    }
    if (r > 0 && got == want) {
        unsigned char extra;
        r = beian_zip_fread(zf, &extra, 1, &crc, why);
    }
    if (got > e->usize) {
        R->bad = 1;
        rc = beian_findings_add(R->f, BEIAN_V_ZIP_LENGTH, R->label,
                                "entry \"%s\" holds more data than the %lu bytes it declares",
                                e->cname, (unsigned long)e->usize);
    } else if (r < 0) {
        R->bad = 1;
        rc = beian_findings_add(R->f, crc ? BEIAN_V_ZIP_CRC : BEIAN_V_ZIP_UNREADABLE, R->label,
                                "entry \"%s\": %s", e->cname,
                                crc ? "its data does not match its CRC-32 (altered or "
                                      "damaged)"
                                    : why);
    } else if (got < e->usize) {
        R->bad = 1;
        rc = beian_findings_add(R->f, BEIAN_V_ZIP_LENGTH, R->label,
                                "entry \"%s\" holds %zu bytes of the %lu it declares", e->cname,
                                got, (unsigned long)e->usize);
    }
    beian_zip_fclose(zf);
    out->len = got <= e->usize ? got : e->usize;
    if (rc == BEIAN_OK && is_nested_archive(e->cname, out->data, out->len)) {
        R->bad = 1;
        rc = beian_findings_add(R->f, BEIAN_V_ZIP_NESTED, R->label,
                                "entry \"%s\" is itself an archive; a bundle holds no "
                                "archives inside (they escape every check)",
                                e->cname);
    }
    return rc;
}

/* Reads every entry to its end through libzip (which checks the CRC at the end). */
static int read_entries(reader *R, beian_bundle *b)
{
    beian_zip *za = NULL;
    char why[BEIAN_ZIP_WHY_SIZE];
    int rc = beian_zip_open(R->p, R->len, BEIAN_ZIP_CHECKCONS, &za, why);
    if (rc == BEIAN_EINTERNAL) {
        return rc;
    }
    if (rc != BEIAN_OK) {
        R->bad = 1;
        return beian_findings_add(R->f, BEIAN_V_ZIP_UNREADABLE, R->label, "libzip refuses it: %s",
                                  why) != BEIAN_OK
                   ? BEIAN_EINTERNAL
                   : BEIAN_OK;
    }
    if (beian_zip_count(za) != R->n) {
        R->bad = 1;
        rc = beian_findings_add(R->f, BEIAN_V_ZIP_STRUCTURE, R->label,
                                "libzip sees %lld entries where the directory has %zu",
                                (long long)beian_zip_count(za), R->n);
        goto done;
    }
    for (size_t i = 0; i < R->n && rc == BEIAN_OK; i++) {
        beian_bundle_entry *out = &b->entries[i];
        out->name = beian_strdup(R->e[i].cname);
        out->data = malloc((size_t)R->e[i].usize + 1);
        if (!out->name || !out->data) {
            rc = BEIAN_EINTERNAL;
            break;
        }
        b->n = i + 1;
        rc = read_entry(R, za, i, out);
    }
done:
    beian_zip_close(za);
    return rc;
}

int beian_bundle_read(const unsigned char *zip, size_t len, const char *label, beian_bundle **out,
                      beian_findings *findings)
{
    reader R = {zip, len, label, findings, NULL, 0, 0, 0};
    beian_bundle *b = NULL;
    size_t cd_off = 0, cd_end = 0, end_at = 0;
    int rc = BEIAN_OK;
    *out = NULL;
    if (len > BEIAN_BUNDLE_MAX_BYTES) {
        FIND(&R, BEIAN_V_ZIP_SIZE, "the file is %zu MiB, more than the %u MiB limit", len >> 20,
             BEIAN_BUNDLE_MAX_BYTES >> 20);
        return BEIAN_EDATA;
    }
    if (len < END_SIZE) {
        FIND(&R, BEIAN_V_ZIP_UNREADABLE, "%zu bytes: too short to be a ZIP file", len);
        return BEIAN_EDATA;
    }
    rc = parse_directory(&R, &cd_off, &cd_end, &end_at);
    if (rc != BEIAN_OK) {
        goto done;
    }
    uint64_t total = 0;
    for (size_t i = 0; i < R.n && rc == BEIAN_OK; i++) {
        rc = check_name(&R, &R.e[i]);
        if (rc == BEIAN_OK) {
            rc = check_entry_kind(&R, &R.e[i]);
        }
        total += R.e[i].usize;
    }
    if (rc == BEIAN_OK && total > BEIAN_BUNDLE_MAX_BYTES) {
        R.bad = 1;
        R.unsafe = 1;
        rc = beian_findings_add(findings, BEIAN_V_ZIP_SIZE, label,
                                "the entries declare %llu MiB in all, more than the %u MiB limit",
                                (unsigned long long)(total >> 20), BEIAN_BUNDLE_MAX_BYTES >> 20);
    }
    if (rc == BEIAN_OK) {
        rc = check_names_unique(&R);
    }
    int walked = 1;
    for (size_t i = 0; i < R.n && rc != BEIAN_EINTERNAL; i++) {
        int lrc = check_local(&R, &R.e[i]);
        if (lrc == BEIAN_EINTERNAL) {
            rc = lrc;
        } else if (lrc != BEIAN_OK) {
            walked = 0;
        }
    }
    if (rc == BEIAN_OK && walked) {
        rc = check_coverage(&R, cd_off, cd_end, end_at);
    }
    if (rc != BEIAN_OK || R.unsafe || !walked) {
        goto done;
    }
    b = calloc(1, sizeof *b);
    if (!b || !(b->entries = calloc(R.n, sizeof *b->entries))) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    rc = read_entries(&R, b);
done:
    for (size_t i = 0; i < R.n; i++) {
        free(R.e[i].cname);
    }
    free(R.e);
    if (rc == BEIAN_OK && R.bad) {
        rc = BEIAN_EDATA;
    }
    if (rc == BEIAN_OK) {
        *out = b;
    } else {
        beian_bundle_free(b);
    }
    return rc;
}

void beian_bundle_free(beian_bundle *b)
{
    if (!b) {
        return;
    }
    for (size_t i = 0; i < b->n; i++) {
        free(b->entries[i].name);
        free(b->entries[i].data);
    }
    free(b->entries);
    free(b);
}

const beian_bundle_entry *beian_bundle_get(const beian_bundle *b, const char *name)
{
    for (size_t i = 0; b && i < b->n; i++) {
        if (strcmp(b->entries[i].name, name) == 0) {
            return &b->entries[i];
        }
    }
    return NULL;
}

const char *beian_bundle_library_version(void)
{
    return beian_zip_library_version();
}
