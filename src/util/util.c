/*
 * util.c - growable buffers, checked string formatting, UTF-8 decoding and checking.
 * (Files are file.c, JSON json.c.)
 */
#define _GNU_SOURCE
#include "util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
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
    /* the first allocation of a buffer holds a short text whole */
    if (beian_array_grow(&b->data, &b->cap, need < 256 ? 256 : need, 1) != BEIAN_OK) {
        b->failed = 1;
        return BEIAN_EINTERNAL;
    }
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

uint32_t beian_utf8_halfwidth(uint32_t cp)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E) {
        return cp - 0xFEE0; /* full-width forms of ASCII 0x21..0x7E */
    }
    return cp == 0x3000 ? ' ' : cp;
}
