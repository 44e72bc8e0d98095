/*
 * web_pool.c - the contexts renders borrow. beian_ctx is not thread-safe (its fonts keep
 * harfbuzz state, its message is one buffer), so the server never shares one between threads:
 * it makes n contexts when it starts, parses the fonts of each right then (so no request pays
 * for it), and lends each to one request at a time. n, the number of cores by default, is
 * also the render semaphore: a connection's thread waits here while n documents are being
 * rendered, and the cores are never oversubscribed by renders. The server keeps two pools:
 * one for renders and one context for the checks made as a person types, which lay a form
 * out without a PDF and so never wait behind a render.
 */
#define _GNU_SOURCE
#include "web_private.h"

#include <stdlib.h>
#include <unistd.h>

#include "beian/font.h"

int web_pool_init(web_pool *p, beian_ctx *model, unsigned n)
{
    if (n == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        n = cores < 1 ? 1 : cores > 16 ? 16 : (unsigned)cores;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->freed, NULL);
    p->ctx = calloc(n, sizeof *p->ctx);
    p->busy = calloc(n, sizeof *p->busy);
    if (!p->ctx || !p->busy) {
        return beian_ctx_fail(model, BEIAN_EINTERNAL, "out of memory");
    }
    beian_ctx_options o = {beian_ctx_forms_dir(model), beian_ctx_fonts_dir(model)};
    for (unsigned i = 0; i < n; i++) {
        beian_fonts *fonts = NULL;
        if (beian_ctx_new(&p->ctx[i], &o) != BEIAN_OK) {
            return beian_ctx_fail(model, BEIAN_EINTERNAL, "out of memory");
        }
        p->n = i + 1;
        int rc = beian_ctx_fonts(p->ctx[i], &fonts);
        if (rc != BEIAN_OK) {
            return beian_ctx_fail(model, rc, "%s", beian_ctx_message(p->ctx[i]));
        }
    }
    return BEIAN_OK;
}

void web_pool_release(web_pool *p)
{
    for (unsigned i = 0; p->ctx && i < p->n; i++) {
        beian_ctx_free(p->ctx[i]);
    }
    free(p->ctx);
    free(p->busy);
    p->ctx = NULL;
    p->busy = NULL;
    p->n = 0;
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->freed);
}

beian_ctx *web_pool_get(web_pool *p)
{
    beian_ctx *c = NULL;
    pthread_mutex_lock(&p->lock);
    while (!c) {
        for (unsigned i = 0; i < p->n && !c; i++) {
            if (!p->busy[i]) {
                p->busy[i] = 1;
                c = p->ctx[i];
            }
        }
        if (!c) {
            pthread_cond_wait(&p->freed, &p->lock);
        }
    }
    pthread_mutex_unlock(&p->lock);
    return c;
}

void web_pool_put(web_pool *p, beian_ctx *ctx)
{
    pthread_mutex_lock(&p->lock);
    for (unsigned i = 0; i < p->n; i++) {
        if (p->ctx[i] == ctx) {
            p->busy[i] = 0;
        }
    }
    pthread_cond_signal(&p->freed);
    pthread_mutex_unlock(&p->lock);
}
