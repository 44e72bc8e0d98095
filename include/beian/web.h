/*
 * beian/web.h - `beian ui`'s HTTP server: the page of web/ and the small JSON API it calls
 * (docs/web.md), serving one person on 127.0.0.1 behind a secret token.
 *
 * The server calls the library in process (record, check, layout, PDF, PNG, scan) from one
 * thread per connection; every render borrows one of `renders` contexts, each with the fonts
 * parsed when the server starts, so no context is ever used by two threads at once
 * (beian_ctx is not thread-safe) and at most `renders` documents are laid out at a time.
 */
#ifndef BEIAN_WEB_H
#define BEIAN_WEB_H

#include "beian/common.h"

/* Characters of a token (32 random bytes, URL-safe base64 without padding) and its NUL. */
#define BEIAN_WEB_TOKEN_SIZE 44

typedef struct {
    const char *static_dir;  /* the page's files (web/) */
    const char *archive_dir; /* compared with for the warnings before signing; NULL: default */
    unsigned port;           /* 0: a free port */
    const char *token;       /* the secret of the address (beian_web_token) */
    unsigned renders;        /* documents laid out at a time; 0: the number of cores */
    unsigned connections;    /* connections at a time; 0: 64 */
    unsigned header_seconds; /* a request's headers must arrive within this; 0: 30 */
} beian_web_options;

typedef struct beian_web beian_web;

/* A fresh random token (getrandom) into out. BEIAN_EINTERNAL when the kernel gives none. */
int beian_web_token(char out[BEIAN_WEB_TOKEN_SIZE]);

/*
 * Starts serving on 127.0.0.1 (only). ctx gives the data directories; it is not used by the
 * server's threads and stays the caller's. On failure the context's message says why
 * (BEIAN_EIO: the port cannot be opened; BEIAN_ECONFIG: no usable fonts or forms).
 */
int beian_web_start(beian_ctx *ctx, const beian_web_options *opts, beian_web **out);
/* The port the server listens on. */
unsigned beian_web_port(const beian_web *w);
/* Stops accepting, waits for the requests in progress and frees everything (NULL is fine). */
void beian_web_stop(beian_web *w);

/* The libmicrohttpd version the server runs with, for `beian --version`. */
const char *beian_web_library_version(void);

#endif
