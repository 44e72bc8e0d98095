/* ctx_private.h - the context's fields, for the library's own modules. */
#ifndef BEIAN_CTX_PRIVATE_H
#define BEIAN_CTX_PRIVATE_H

#include "beian/common.h"
#include "beian/font.h"

struct beian_ctx {
    char *forms_dir;
    char *fonts_dir;
    char *message;
    beian_fonts *fonts; /* loaded on first use, shared by every document of the process */
};

/* 1 when a problem could not be added to p for lack of memory (the list is incomplete, and a
 * refusal that relies on it must become BEIAN_EINTERNAL, "out of memory"). */
int beian_problems_lost(const beian_problems *p);

#endif
