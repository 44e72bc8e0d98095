/*
 * font_digest.c - the SHA-256 of a font file, which every filing records in
 * data/provenance.json, remembered between processes.
 *
 * The free CJK faces are large (Noto Serif CJK's collections, HanaMin, WenQuanYi: over 100 MB
 * together), and hashing them took two thirds of a filing's time and most of its memory (the
 * mapped pages count). So a digest, once computed, is kept in a small cache file with the
 * file's identity as stat(2) gives it: size, modification and change times to the
 * nanosecond, inode and device (the way git's index trusts a file unchanged). A file that is
 * replaced, rewritten or touched has another identity and is hashed again; the change time
 * cannot be set by a program. The identity is taken again after hashing, and a digest is kept
 * only when it did not change meanwhile and the file's times are more than two seconds old
 * (a change within one tick of a coarse clock would keep the identity). An unreadable,
 * damaged or foreign cache is ignored and written anew; no cache at all (no folder for it)
 * only costs the time.
 *
 * The cache lives in $BEIAN_CACHE_DIR, else $XDG_CACHE_HOME/beian, else ~/.cache/beian, in
 * font-digests.txt: a header line, then a line per file:
 *
 *     <sha256> <size> <mtime-sec>.<nsec> <ctime-sec>.<nsec> <inode> <device> <path>
 */
#define _GNU_SOURCE
#include "font_digest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "file.h"
#include "sha256.h"
#include "util.h"

#define DIGEST_HEADER "beian font digests 1\n"
#define DIGEST_FILE "font-digests.txt"
#define DIGEST_MAX_BYTES (256u * 1024u)
#define DIGEST_MAX_LINES 256

int font_identity_of(const char *path, font_identity *id)
{
    struct stat st;
    memset(id, 0, sizeof *id);
    if (stat(path, &st) != 0) {
        return 0;
    }
    id->size = (unsigned long long)st.st_size;
    id->mtime_s = (long long)st.st_mtim.tv_sec;
    id->mtime_ns = (long)st.st_mtim.tv_nsec;
    id->ctime_s = (long long)st.st_ctim.tv_sec;
    id->ctime_ns = (long)st.st_ctim.tv_nsec;
    id->ino = (unsigned long long)st.st_ino;
    id->dev = (unsigned long long)st.st_dev;
    id->known = 1;
    return 1;
}

/* The cache's folder (malloc'd), or NULL when there is none to use. */
static char *cache_dir(void)
{
    const char *d = getenv("BEIAN_CACHE_DIR");
    if (d && d[0]) {
        return beian_strdup(d);
    }
    d = getenv("XDG_CACHE_HOME");
    if (d && d[0] == '/') {
        return beian_path_join(d, "beian");
    }
    d = getenv("HOME");
    if (d && d[0] == '/') {
        return beian_asprintf("%s/.cache/beian", d);
    }
    return NULL;
}

/* Makes dir and the folders above it that are missing (0700: a user's cache); 1 when it is
 * there. */
static int make_dirs(const char *dir)
{
    char *p = beian_strdup(dir);
    int ok = p != NULL;
    for (char *s = p ? p + 1 : NULL; ok && s; s = strchr(s + 1, '/')) {
        char c = *s;
        if (c == '/') {
            *s = '\0';
        }
        if (mkdir(p, 0700) != 0 && errno != EEXIST) {
            ok = 0;
        }
        *s = c;
        if (c == '\0') {
            break;
        }
    }
    free(p);
    return ok;
}

/* The line of the cache for path with identity id, without its digest and line feed. */
static char *key_of(const char *path, const font_identity *id)
{
    return beian_asprintf("%llu %lld.%09ld %lld.%09ld %llu %llu %s", id->size, id->mtime_s,
                          id->mtime_ns, id->ctime_s, id->ctime_ns, id->ino, id->dev, path);
}

/* The path a cache line names (after its six other fields), or NULL. */
static const char *line_path(const char *line)
{
    const char *p = line;
    for (int field = 0; field < 6; field++) {
        p = strchr(p, ' ');
        if (!p) {
            return NULL;
        }
        p++;
    }
    return p;
}

/* Looks key up in the cache text; copies the digest into out and returns 1 when found. */
static int cache_find(char *text, const char *key, char out[BEIAN_SHA256_HEX_SIZE])
{
    size_t klen = strlen(key);
    for (char *line = text; line && *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line) : strlen(line);
        if (len == 64 + 1 + klen && line[64] == ' ' && memcmp(line + 65, key, klen) == 0) {
            char hex[BEIAN_SHA256_HEX_SIZE];
            memcpy(hex, line, 64);
            hex[64] = '\0';
            if (beian_sha256_hex_valid(hex)) {
                memcpy(out, hex, BEIAN_SHA256_HEX_SIZE);
                return 1;
            }
        }
        line = nl ? nl + 1 : NULL;
    }
    return 0;
}

/* Writes the cache anew: the line for key first, then the other files' lines of text (not
 * this path's), up to DIGEST_MAX_LINES. Best effort: a cache that cannot be written is none. */
static void cache_store(const char *dir, const char *file, const char *text, const char *path,
                        const char *key, const char digest[BEIAN_SHA256_HEX_SIZE])
{
    beian_buf b;
    beian_buf_init(&b);
    beian_buf_appendf(&b, "%s%s %s\n", DIGEST_HEADER, digest, key);
    int lines = 1;
    for (const char *line = text; line && *line && lines < DIGEST_MAX_LINES;) {
        const char *nl = strchr(line, '\n');
        if (!nl) {
            break;
        }
        const char *p = line_path(line);
        size_t plen = p ? (size_t)(nl - p) : 0;
        if (p && p < nl && !(plen == strlen(path) && memcmp(p, path, plen) == 0)) {
            beian_buf_appendf(&b, "%.*s\n", (int)(nl - line), line);
            lines++;
        }
        line = nl + 1;
    }
    int err = 0;
    if (beian_buf_terminate(&b) == BEIAN_OK) {
        if (make_dirs(dir)) {
            beian_file_write_atomic(file, b.data, b.len, &err);
        }
    }
    beian_buf_release(&b);
}

static int same_identity(const font_identity *a, const font_identity *b)
{
    return a->size == b->size && a->ino == b->ino && a->dev == b->dev &&
           a->mtime_s == b->mtime_s && a->mtime_ns == b->mtime_ns && a->ctime_s == b->ctime_s &&
           a->ctime_ns == b->ctime_ns;
}

/* 1 when the file changed so recently that a second change within the same tick of a coarse
 * clock would keep its identity (git's "racily clean" entries): such a digest is not kept. */
static int racy(const font_identity *id)
{
    time_t now = time(NULL);
    return id->mtime_s + 2 >= (long long)now || id->ctime_s + 2 >= (long long)now;
}

int font_digest(const char *path, const font_identity *id, const void *data, size_t len,
                char out[BEIAN_SHA256_HEX_SIZE])
{
    char *dir = id->known ? cache_dir() : NULL;
    char *file = dir ? beian_path_join(dir, DIGEST_FILE) : NULL;
    char *key = file ? key_of(path, id) : NULL;
    beian_buf text;
    int err = 0;
    int rc = BEIAN_OK;
    beian_buf_init(&text);
    const char *body = NULL;
    if (key && beian_file_read(file, DIGEST_MAX_BYTES, &text, &err) == BEIAN_OK &&
        beian_buf_terminate(&text) == BEIAN_OK &&
        strncmp((const char *)text.data, DIGEST_HEADER, strlen(DIGEST_HEADER)) == 0) {
        body = (const char *)text.data + strlen(DIGEST_HEADER);
        if (cache_find((char *)body, key, out)) {
            goto done;
        }
    }
    rc = beian_sha256_hex(data, len, out);
    font_identity now;
    if (rc == BEIAN_OK && key && font_identity_of(path, &now) && same_identity(&now, id) &&
        !racy(id)) {
        cache_store(dir, file, body, path, key, out);
    }
done:
    beian_buf_release(&text);
    free(key);
    free(file);
    free(dir);
    return rc;
}
