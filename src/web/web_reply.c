/*
 * web_reply.c - the replies every handler of src/web/ gives the same way.
 */
#define _GNU_SOURCE
#include "web_private.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void web_reply_error(web_reply *rep, int status, const char *msg)
{
    free(rep->body);
    rep->status = status;
    rep->type = "application/json; charset=utf-8";
    /* msg is one of our own sentences, with no quote or backslash */
    rep->body = (unsigned char *)beian_asprintf("{\"error\":\"%s\"}", msg);
    rep->len = rep->body ? strlen((char *)rep->body) : 0;
}
