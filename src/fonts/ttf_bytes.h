/*
 * ttf_bytes.h - big-endian readers and writers and the bounds check that every part of the
 * TrueType rescaler (ttf.c, ttf_tables.c, ttf_glyf.c) reads font bytes with. Header only:
 * the helpers are a line each and inline, so no file calls another for them.
 */
#ifndef BEIAN_TTF_BYTES_H
#define BEIAN_TTF_BYTES_H

#include <stddef.h>
#include <stdint.h>

#define TAG(a, b, c, d)                                                                            \
    (((uint32_t)(a) << 24) | ((uint32_t)(b) << 16) | ((uint32_t)(c) << 8) | (uint32_t)(d))

static inline unsigned rd16(const unsigned char *p)
{
    return ((unsigned)p[0] << 8) | p[1];
}

static inline int32_t rds16(const unsigned char *p)
{
    unsigned v = rd16(p);
    return v >= 0x8000 ? (int32_t)v - 0x10000 : (int32_t)v;
}

static inline uint32_t rd32(const unsigned char *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Stores the low 16 bits of v (two's complement for negative values). */
static inline void wr16(unsigned char *p, int32_t v)
{
    uint32_t u = (uint32_t)v;
    p[0] = (unsigned char)((u >> 8) & 0xFF);
    p[1] = (unsigned char)(u & 0xFF);
}

static inline void wr32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24);
    p[1] = (unsigned char)((v >> 16) & 0xFF);
    p[2] = (unsigned char)((v >> 8) & 0xFF);
    p[3] = (unsigned char)(v & 0xFF);
}

/* Whether [off, off + n) lies inside [0, len), without overflowing. */
static inline int fits(size_t off, size_t n, size_t len)
{
    return off <= len && n <= len - off;
}

static inline int32_t clamp16(int32_t v)
{
    return v < -32768 ? -32768 : v > 32767 ? 32767 : v;
}

#endif
