/*
 * sha256.c - the OpenSSL adapter (libcrypto's EVP interface): every SHA-256 of beian, the
 * tracking digest, bundle and ledger hashes, font digests and the PDF /ID, is computed here.
 */
#include "sha256.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>

#include "beian/common.h"

struct beian_sha256_ctx {
    EVP_MD_CTX *md;
    int ok;
};

int beian_sha256(const void *data, size_t len, unsigned char md[BEIAN_SHA256_BYTES])
{
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (EVP_Digest(data, len, buf, &n, EVP_sha256(), NULL) != 1 || n != BEIAN_SHA256_BYTES) {
        return BEIAN_EINTERNAL;
    }
    for (unsigned i = 0; i < BEIAN_SHA256_BYTES; i++) {
        md[i] = buf[i];
    }
    return BEIAN_OK;
}

void beian_sha256_to_hex(const unsigned char md[BEIAN_SHA256_BYTES],
                         char out[BEIAN_SHA256_HEX_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    for (unsigned i = 0; i < BEIAN_SHA256_BYTES; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[2 * BEIAN_SHA256_BYTES] = '\0';
}

int beian_sha256_hex(const void *data, size_t len, char out[BEIAN_SHA256_HEX_SIZE])
{
    unsigned char md[BEIAN_SHA256_BYTES];
    out[0] = '\0';
    if (beian_sha256(data, len, md) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    beian_sha256_to_hex(md, out);
    return BEIAN_OK;
}

int beian_sha256_hex_valid(const char *s)
{
    if (!s) {
        return 0;
    }
    for (int i = 0; i < 2 * BEIAN_SHA256_BYTES; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) {
            return 0;
        }
    }
    return s[2 * BEIAN_SHA256_BYTES] == '\0';
}

beian_sha256_ctx *beian_sha256_new(void)
{
    beian_sha256_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        return NULL;
    }
    c->md = EVP_MD_CTX_new();
    c->ok = c->md && EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) == 1;
    return c;
}

beian_sha256_ctx *beian_sha256_dup(const beian_sha256_ctx *from)
{
    beian_sha256_ctx *c = calloc(1, sizeof *c);
    if (!c) {
        return NULL;
    }
    c->md = EVP_MD_CTX_new();
    c->ok = from->ok && c->md && EVP_MD_CTX_copy_ex(c->md, from->md) == 1;
    return c;
}

void beian_sha256_update(beian_sha256_ctx *c, const void *data, size_t len)
{
    c->ok = c->ok && EVP_DigestUpdate(c->md, data, len) == 1;
}

int beian_sha256_final(beian_sha256_ctx *c, unsigned char md[BEIAN_SHA256_BYTES])
{
    unsigned char buf[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    c->ok = c->ok && EVP_DigestFinal_ex(c->md, buf, &n) == 1 && n == BEIAN_SHA256_BYTES;
    if (!c->ok) {
        return BEIAN_EINTERNAL;
    }
    for (unsigned i = 0; i < BEIAN_SHA256_BYTES; i++) {
        md[i] = buf[i];
    }
    return BEIAN_OK;
}

void beian_sha256_free(beian_sha256_ctx *c)
{
    if (c) {
        EVP_MD_CTX_free(c->md);
        free(c);
    }
}

const char *beian_sha256_library_version(void)
{
    return OpenSSL_version(OPENSSL_VERSION_STRING);
}
