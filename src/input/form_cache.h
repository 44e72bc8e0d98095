/*
 * form_cache.h - the context's cache of parsed form definitions (form_cache.c), as the
 * loader (form.c) uses it. Private to src/input.
 */
#ifndef BEIAN_FORM_CACHE_H
#define BEIAN_FORM_CACHE_H

#include "beian/form.h"

/* A copy of the definition parsed earlier from the same bytes under the same path: BEIAN_OK
 * with *out the caller's, BEIAN_ENOINPUT when there is none (parse it), BEIAN_EINTERNAL when
 * memory ran out. */
int form_cache_get(beian_ctx *ctx, const char *path, const unsigned char *data, size_t len,
                   beian_form **out);
/* Keeps a copy of f, a definition that loaded without a problem (f stays the caller's). A
 * failure to keep it is not an error: the next load parses again. */
void form_cache_put(beian_ctx *ctx, const beian_form *f);

#endif
