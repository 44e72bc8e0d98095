/*
 * sha256.h - SHA-256 (sha256.c, the only file that includes an OpenSSL header): one-shot and
 * incremental digests, raw or as 64 lowercase hex digits. Every failure (OpenSSL can fail to
 * allocate its context) is BEIAN_EINTERNAL with nothing written but an empty string.
 */
#ifndef BEIAN_SHA256_H
#define BEIAN_SHA256_H

#include <stddef.h>

#include "beian/common.h" /* BEIAN_SHA256_HEX_SIZE: 64 hex digits and a NUL */

#define BEIAN_SHA256_BYTES 32

/* The digest of data into md[32]. Returns BEIAN_OK or BEIAN_EINTERNAL. */
int beian_sha256(const void *data, size_t len, unsigned char md[BEIAN_SHA256_BYTES]);
/* The digest of data as hex into out ("" on failure). Returns BEIAN_OK or BEIAN_EINTERNAL. */
int beian_sha256_hex(const void *data, size_t len, char out[BEIAN_SHA256_HEX_SIZE]);
/* md as hex into out. */
void beian_sha256_to_hex(const unsigned char md[BEIAN_SHA256_BYTES],
                         char out[BEIAN_SHA256_HEX_SIZE]);
/* 1 when s is exactly 64 lowercase hex digits. */
int beian_sha256_hex_valid(const char *s);

/*
 * An incremental digest. Failure is sticky: once an update fails, the final call fails too,
 * so a writer may feed it unchecked and check once. new returns NULL without memory.
 */
typedef struct beian_sha256_ctx beian_sha256_ctx;
beian_sha256_ctx *beian_sha256_new(void);
/* A copy of the digest so far (the ledger's running digest: its mark now, and more lines
 * after); NULL without memory. */
beian_sha256_ctx *beian_sha256_dup(const beian_sha256_ctx *from);
void beian_sha256_update(beian_sha256_ctx *c, const void *data, size_t len);
/* Writes the digest to md[32]; BEIAN_OK or BEIAN_EINTERNAL. The context may then be freed. */
int beian_sha256_final(beian_sha256_ctx *c, unsigned char md[BEIAN_SHA256_BYTES]);
void beian_sha256_free(beian_sha256_ctx *c);

/* The OpenSSL version the digests run with, for `beian --version`. */
const char *beian_sha256_library_version(void);

#endif
