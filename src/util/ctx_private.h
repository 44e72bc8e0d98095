/* ctx_private.h - the context's fields, for the library's own modules. */
#ifndef BEIAN_CTX_PRIVATE_H
#define BEIAN_CTX_PRIVATE_H

#include "beian/common.h"

struct beian_ctx {
    char *forms_dir;
    char *fonts_dir;
    char *message;
    /* The font set (fonts/font.c), loaded on first use and shared by every document of the
     * process. The context only owns it: the fonts layer sits above this one, so it leaves its
     * destructor here rather than the context calling up into it. */
    void *fonts;
    void (*fonts_release)(void *fonts);
    /* The form definitions parsed from memory (input/form_cache.c), kept for the next load
     * of the same bytes; owned the same way as the font set. */
    void *forms;
    void (*forms_release)(void *forms);
};

/* 1 when a problem could not be added to p for lack of memory (the list is incomplete, and a
 * refusal that relies on it must become BEIAN_EINTERNAL, "out of memory"). */
int beian_problems_lost(const beian_problems *p);

#endif
