/*
 * util.c - growable buffers, UTF-8 decoding and checking, whole-file reads and atomic
 * writes. Every output of beian goes through beian_file_write_atomic, which is what makes
 * "no partial PDF left behind" true even when the process is killed mid-write.
 */
#define _GNU_SOURCE
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "beian/common.h"

void beian_buf_init(beian_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->failed = 0;
}

void beian_buf_release(beian_buf *b)
{
    free(b->data);
    beian_buf_init(b);
}

static int buf_reserve(beian_buf *b, size_t extra)
{
    if (b->failed || extra > SIZE_MAX - b->len - 1) {
        b->failed = 1;
        return BEIAN_EINTERNAL;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap) {
        return BEIAN_OK;
    }
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need) {
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    }
    unsigned char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = 1;
        return BEIAN_EINTERNAL;
    }
    b->data = p;
    b->cap = cap;
    return BEIAN_OK;
}

int beian_buf_append(beian_buf *b, const void *data, size_t len)
{
    if (buf_reserve(b, len) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    if (len) {
        memcpy(b->data + b->len, data, len);
    }
    b->len += len;
    b->data[b->len] = '\0';
    return BEIAN_OK;
}

int beian_buf_appendv(beian_buf *b, const char *fmt, va_list ap)
{
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    if (n < 0) {
        b->failed = 1;
        return BEIAN_EINTERNAL;
    }
    if (buf_reserve(b, (size_t)n) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return BEIAN_OK;
}

int beian_buf_appendf(beian_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = beian_buf_appendv(b, fmt, ap);
    va_end(ap);
    return rc;
}

int beian_buf_terminate(beian_buf *b)
{
    return buf_reserve(b, 0) == BEIAN_OK ? (b->data[b->len] = '\0', BEIAN_OK) : BEIAN_EINTERNAL;
}

char *beian_strdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

char *beian_strndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *beian_vasprintf(const char *fmt, va_list ap)
{
    beian_buf b;
    beian_buf_init(&b);
    if (beian_buf_appendv(&b, fmt, ap) != BEIAN_OK) {
        beian_buf_release(&b);
        return NULL;
    }
    return (char *)b.data;
}

char *beian_asprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = beian_vasprintf(fmt, ap);
    va_end(ap);
    return s;
}

size_t beian_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    if (len == 0) {
        return 0;
    }
    unsigned char c = s[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v;
    uint32_t min;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2, v = c & 0x1F, min = 0x80;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3, v = c & 0x0F, min = 0x800;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4, v = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (len < n) {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            return 0;
        }
        v = (v << 6) | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) {
        return 0;
    }
    *cp = v;
    return n;
}

size_t beian_utf8_encode(uint32_t cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t beian_utf8_check(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        size_t n = beian_utf8_decode(s + i, len - i, &cp);
        if (n == 0) {
            return i;
        }
        i += n;
    }
    return len;
}

size_t beian_utf8_count(const char *s)
{
    size_t n = 0;
    for (; *s; s++) {
        if (((unsigned char)*s & 0xC0) != 0x80) {
            n++;
        }
    }
    return n;
}

int beian_file_read(const char *path, size_t limit, beian_buf *out, int *errno_out)
{
    int rc = BEIAN_OK;
    FILE *f = fopen(path, "rb");
    struct stat st;
    beian_buf_init(out);
    if (!f) {
        if (errno_out) {
            *errno_out = errno;
        }
        /* no memory for the stream is not a missing file */
        return errno == ENOMEM ? BEIAN_EINTERNAL : BEIAN_ENOINPUT;
    }
    int have_st = fstat(fileno(f), &st) == 0;
    if (have_st && S_ISDIR(st.st_mode)) {
        if (errno_out) {
            *errno_out = EISDIR;
        }
        rc = BEIAN_ENOINPUT;
        goto done;
    }
    /* A regular file's size is known before any memory is spent on it; a pipe or a device
     * is read up to the limit and refused there. */
    if (have_st && S_ISREG(st.st_mode) && (uintmax_t)st.st_size > (uintmax_t)limit) {
        rc = BEIAN_EDATA;
        goto done;
    }
    unsigned char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (out->len + n > limit) {
            rc = BEIAN_EDATA;
            goto done;
        }
        if (beian_buf_append(out, chunk, n) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
            goto done;
        }
    }
    if (ferror(f)) {
        if (errno_out) {
            *errno_out = errno;
        }
        rc = BEIAN_EIO;
        goto done;
    }
    if (beian_buf_terminate(out) != BEIAN_OK) {
        rc = BEIAN_EINTERNAL;
    }
done:
    fclose(f);
    if (rc != BEIAN_OK) {
        beian_buf_release(out);
    }
    return rc;
}

int beian_file_stage(const char *path, const void *data, size_t len, char **tmp_out,
                     int *errno_out)
{
    int rc = BEIAN_OK;
    int fd = -1;
    char *tmp = beian_asprintf("%s.tmp-XXXXXX", path);
    *tmp_out = NULL;
    if (errno_out) {
        *errno_out = 0;
    }
    if (!tmp) {
        return BEIAN_EINTERNAL;
    }
    fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0) {
        if (errno_out) {
            *errno_out = errno;
        }
        free(tmp);
        return BEIAN_ECREATE;
    }
    if (fchmod(fd, 0644) != 0) {
        goto io_error;
    }
    const unsigned char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t w = write(fd, p, left);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            goto io_error;
        }
        p += w;
        left -= (size_t)w;
    }
    if (fsync(fd) != 0) {
        goto io_error;
    }
    int c = close(fd);
    fd = -1;
    if (c != 0) {
        goto io_error;
    }
    *tmp_out = tmp;
    return BEIAN_OK;
io_error:
    if (errno_out) {
        *errno_out = errno;
    }
    rc = BEIAN_EIO;
    if (fd >= 0) {
        close(fd);
    }
    unlink(tmp);
    free(tmp);
    return rc;
}

int beian_file_commit(char *tmp, const char *path, int *errno_out)
{
    if (errno_out) {
        *errno_out = 0;
    }
    if (rename(tmp, path) != 0) {
        if (errno_out) {
            *errno_out = errno;
        }
        unlink(tmp);
        free(tmp);
        return BEIAN_EIO;
    }
    free(tmp);
    char *dir = beian_path_dirname(path);
    int dfd = dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
    if (dfd >= 0) {
        (void)fsync(dfd); /* best effort: some file systems refuse fsync on directories */
        close(dfd);
    }
    free(dir);
    return BEIAN_OK;
}

void beian_file_discard(char *tmp)
{
    if (tmp) {
        unlink(tmp);
        free(tmp);
    }
}

int beian_file_write_atomic(const char *path, const void *data, size_t len, int *errno_out)
{
    char *tmp = NULL;
    int rc = beian_file_stage(path, data, len, &tmp, errno_out);
    return rc == BEIAN_OK ? beian_file_commit(tmp, path, errno_out) : rc;
}

/*
 * jansson's allocator hooks are process-wide and carry no user data, so the count of failed
 * allocations is kept per thread: the one mutable global of the library, and only a counter
 * compared before and after a parse on the same thread.
 */
static _Thread_local unsigned long json_alloc_failures;

static void *json_alloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        json_alloc_failures++;
    }
    return p;
}

char *beian_json_dumps(const struct json_t *root, size_t flags)
{
    char *s = json_dumps(root, flags);
    json_error_t jerr;
    json_t *back = s ? json_loads(s, 0, &jerr) : NULL;
    if (!back || !json_equal(back, root)) {
        free(s);
        s = NULL;
    }
    json_decref(back);
    return s;
}

struct json_t *beian_json_loadb(const void *data, size_t len, size_t flags,
                                struct json_error_t *err, int *oom)
{
    json_set_alloc_funcs(json_alloc, free);
    unsigned long before = json_alloc_failures;
    json_t *root = json_loadb((const char *)data, len, flags, err);
    *oom = json_alloc_failures != before;
    if (*oom) {
        json_decref(root);
        root = NULL;
    }
    return root;
}

char *beian_path_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) {
        return beian_strdup(".");
    }
    if (slash == path) {
        return beian_strdup("/");
    }
    return beian_strndup(path, (size_t)(slash - path));
}

char *beian_path_join(const char *a, const char *b)
{
    if (b[0] == '/' || !a || !a[0]) {
        return beian_strdup(b);
    }
    size_t la = strlen(a);
    return beian_asprintf("%s%s%s", a, a[la - 1] == '/' ? "" : "/", b);
}

int beian_path_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}
