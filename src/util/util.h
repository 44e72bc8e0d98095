/*
 * util.h - small helpers shared by the library's modules: growable buffers, UTF-8 and
 * checked string formatting (util.c); it also brings in file.h and json.h.
 * Private to the library (not installed).
 */
#ifndef BEIAN_UTIL_H
#define BEIAN_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/* A growable byte buffer. Failure is sticky: once an append runs out of memory, `failed` is
 * set and every later append and terminate fails too, so a caller may build a text with
 * unchecked appends and check `failed` (or the last call) once at the end. */
typedef struct {
    unsigned char *data;
    size_t len;
    size_t cap;
    int failed;
} beian_buf;

void beian_buf_init(beian_buf *b);
void beian_buf_release(beian_buf *b);
int beian_buf_append(beian_buf *b, const void *data, size_t len);
int beian_buf_appendf(beian_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int beian_buf_appendv(beian_buf *b, const char *fmt, va_list ap);
/* NUL-terminates without counting the NUL in len. */
int beian_buf_terminate(beian_buf *b);

char *beian_strdup(const char *s);
char *beian_strndup(const char *s, size_t n);
char *beian_asprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *beian_vasprintf(const char *fmt, va_list ap);

/*
 * Decodes one UTF-8 sequence of s[0..len). Stores the code point and returns the length
 * (1-4), or 0 when the bytes are not well-formed UTF-8 (overlong forms, surrogates and
 * code points above U+10FFFF included).
 */
size_t beian_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp);
/* Encodes cp into out (at least 4 bytes); returns the length. */
size_t beian_utf8_encode(uint32_t cp, char *out);
/* Offset of the first ill-formed byte, or len when all of s is valid UTF-8. */
size_t beian_utf8_check(const unsigned char *s, size_t len);
/* Number of code points of a valid UTF-8 string. */
size_t beian_utf8_count(const char *s);
/* The half-width form of cp: full-width ASCII (U+FF01..U+FF5E, as Chinese input methods type
 * digits and signs) as ASCII, the ideographic space U+3000 as a space; any other cp as it is. */
uint32_t beian_utf8_halfwidth(uint32_t cp);

/* Arrays, files and JSON have headers of their own; most modules want them all. */
#include "array.h"
#include "file.h"
#include "json.h"

#endif
