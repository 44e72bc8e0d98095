/*
 * font_digest.h - the SHA-256 of a font file, cached between processes by the file's
 * identity (font_digest.c). Private to the fonts layer.
 */
#ifndef BEIAN_FONT_DIGEST_H
#define BEIAN_FONT_DIGEST_H

#include <stddef.h>

#include "sha256.h"

/* What stat(2) says of a font file when it was opened; known 0: it could not be asked. */
typedef struct {
    unsigned long long size, ino, dev;
    long long mtime_s, ctime_s;
    long mtime_ns, ctime_ns;
    int known;
} font_identity;

/* Fills id from path; 1 when stat succeeded. */
int font_identity_of(const char *path, font_identity *id);
/* The digest of data (the file at path, as id says it was when opened): from the cache when
 * it holds one for exactly this identity, else computed (and remembered). BEIAN_OK, or
 * BEIAN_EINTERNAL when hashing failed. */
int font_digest(const char *path, const font_identity *id, const void *data, size_t len,
                char out[BEIAN_SHA256_HEX_SIZE]);

#endif
