/*
 * json.c - the jansson calls whose failures jansson 2.14 reports wrongly: parsing that tells
 * a lack of memory from bad JSON, and dumping that never returns a shortened text. Not the
 * only file that includes jansson.h: json_t is the data model of every module that reads or
 * builds JSON (json.h lists them); this file owns parsing and dumping.
 */
#define _GNU_SOURCE
#include "json.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/common.h"
#include "util.h"

/*
 * jansson's allocator hooks are process-wide and carry no user data, so the count of failed
 * allocations is kept per thread: the one mutable global of the library, and only a counter
 * compared before and after a parse on the same thread.
 */
static _Thread_local unsigned long json_alloc_failures;

static void *json_alloc(size_t n)
{
    void *p = malloc(n);
    if (!p) {
        json_alloc_failures++;
    }
    return p;
}

char *beian_json_dumps(const struct json_t *root, size_t flags)
{
    char *s = json_dumps(root, flags);
    json_error_t jerr;
    json_t *back = s ? json_loads(s, 0, &jerr) : NULL;
    if (!back || !json_equal(back, root)) {
        free(s);
        s = NULL;
    }
    json_decref(back);
    return s;
}

struct json_t *beian_json_loadb(const void *data, size_t len, size_t flags,
                                struct json_error_t *err, int *oom)
{
    json_set_alloc_funcs(json_alloc, free);
    unsigned long before = json_alloc_failures;
    json_t *root = json_loadb((const char *)data, len, flags, err);
    *oom = json_alloc_failures != before;
    if (*oom) {
        json_decref(root);
        root = NULL;
    }
    return root;
}
