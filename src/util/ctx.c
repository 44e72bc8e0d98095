/*
 * ctx.c - the context (data directories, the slot of the process-wide font set, the last message)
 * and problem lists. Directories default to $BEIAN_FORMS / $BEIAN_FONTS, else to the
 * installed layout next to the executable: <bin>/../forms for a build tree and
 * <bin>/../share/beian/forms for `make install`.
 */
#define _GNU_SOURCE
#include "beian/common.h"
#include "beian/message.h"

#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctx_private.h"
#include "util.h"

struct beian_problems {
    beian_problem *items;
    size_t n;
    size_t cap;
    int lost; /* a problem could not be added (no memory): the list is incomplete */
};

int beian_problems_lost(const beian_problems *p)
{
    return p && p->lost;
}

beian_problems *beian_problems_new(void)
{
    return calloc(1, sizeof(beian_problems));
}

static void problem_release(beian_problem *p)
{
    free(p->file);
    free(p->field);
    free(p->label);
    free(p->message);
    for (size_t i = 0; i < p->nargs; i++) {
        free(p->args[i]);
    }
    free(p->args);
}

void beian_problems_free(beian_problems *p)
{
    if (!p) {
        return;
    }
    for (size_t i = 0; i < p->n; i++) {
        problem_release(&p->items[i]);
    }
    free(p->items);
    free(p);
}

static int problems_push(beian_problems *p, beian_problem *item)
{
    if (BEIAN_ARRAY_GROW(p->items, p->cap, p->n + 1) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    p->items[p->n++] = *item;
    return BEIAN_OK;
}

int beian_problems_add(beian_problems *p, beian_severity sev, const char *file, int line,
                       int column, const char *field, const char *label, const char *fmt, ...)
{
    beian_problem item = {sev, NULL, line, column, NULL, NULL, NULL, 0, NULL, 0};
    va_list ap;
    va_start(ap, fmt);
    item.message = beian_vasprintf(fmt, ap);
    va_end(ap);
    item.file = beian_strdup(file);
    item.field = beian_strdup(field);
    item.label = beian_strdup(label);
    if (!item.message || (file && !item.file) || (field && !item.field) ||
        (label && !item.label) || problems_push(p, &item) != BEIAN_OK) {
        problem_release(&item);
        p->lost = 1;
        return BEIAN_EINTERNAL;
    }
    return BEIAN_OK;
}

int beian_problems_add_msg(beian_problems *p, beian_severity sev, const char *file, int line,
                           int column, const char *field, const char *label, beian_msg msg,
                           size_t nargs, const char *const *args)
{
    beian_problem item = {sev, NULL, line, column, NULL, NULL, NULL, (int)msg, NULL, 0};
    int ok = 1;
    item.message = beian_message_format(msg, "en", args, nargs);
    item.file = beian_strdup(file);
    item.field = beian_strdup(field);
    item.label = beian_strdup(label);
    item.args = nargs ? calloc(nargs, sizeof *item.args) : NULL;
    for (size_t i = 0; item.args && i < nargs; i++) {
        item.args[i] = beian_strdup(args[i] ? args[i] : "");
        item.nargs = i + 1;
        ok &= item.args[i] != NULL;
    }
    if (!ok || !item.message || (nargs && !item.args) || (file && !item.file) ||
        (field && !item.field) || (label && !item.label) || problems_push(p, &item) != BEIAN_OK) {
        problem_release(&item);
        p->lost = 1;
        return BEIAN_EINTERNAL;
    }
    return BEIAN_OK;
}

size_t beian_problems_count(const beian_problems *p)
{
    return p ? p->n : 0;
}

size_t beian_problems_errors(const beian_problems *p)
{
    size_t n = 0;
    for (size_t i = 0; p && i < p->n; i++) {
        n += p->items[i].severity == BEIAN_SEV_ERROR;
    }
    return n;
}

const beian_problem *beian_problems_get(const beian_problems *p, size_t i)
{
    return i < p->n ? &p->items[i] : NULL;
}

int beian_problems_take(beian_problems *dst, beian_problems *src)
{
    for (size_t i = 0; i < src->n; i++) {
        if (problems_push(dst, &src->items[i]) != BEIAN_OK) {
            /* the rest stay in src (freed with it); dst knows it is incomplete */
            memmove(src->items, src->items + i, (src->n - i) * sizeof *src->items);
            src->n -= i;
            dst->lost = 1;
            return BEIAN_EINTERNAL;
        }
    }
    dst->lost |= src->lost;
    src->n = 0;
    return BEIAN_OK;
}

/* The executable's directory into *out: BEIAN_OK (*out NULL when it cannot be known), or
 * BEIAN_EINTERNAL when memory ran out. */
static int exe_dir(char **out)
{
    char path[PATH_MAX];
    *out = NULL;
    ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
    if (n <= 0) {
        return BEIAN_OK;
    }
    path[n] = '\0';
    *out = beian_path_dirname(path);
    return *out ? BEIAN_OK : BEIAN_EINTERNAL;
}

/* Picks <env>, else the first of <exe>/../<name> (bin/ in the checkout),
 * <exe>/../share/beian/<name> (installed), <exe>/../../<name> (a build directory's bin/),
 * else <name> in the working directory. NULL only when memory ran out: a directory missed
 * for want of memory would be reported as missing data. */
static char *data_dir(const char *given, const char *env, const char *name)
{
    if (given) {
        return beian_strdup(given);
    }
    const char *e = getenv(env);
    if (e && e[0]) {
        return beian_strdup(e);
    }
    char *dir = NULL;
    if (exe_dir(&dir) != BEIAN_OK) {
        return NULL;
    }
    static const char *const layouts[] = {"%s/../%s", "%s/../share/beian/%s", "%s/../../%s"};
    for (size_t i = 0; dir && i < sizeof layouts / sizeof layouts[0]; i++) {
        char *p = beian_asprintf(layouts[i], dir, name);
        if (!p || beian_path_exists(p)) {
            free(dir);
            return p;
        }
        free(p);
    }
    free(dir);
    return beian_strdup(name);
}

int beian_ctx_new(beian_ctx **out, const beian_ctx_options *opts)
{
    *out = NULL;
    beian_ctx *ctx = calloc(1, sizeof *ctx);
    if (!ctx) {
        return BEIAN_EINTERNAL;
    }
    ctx->forms_dir = data_dir(opts ? opts->forms_dir : NULL, "BEIAN_FORMS", "forms");
    ctx->fonts_dir = data_dir(opts ? opts->fonts_dir : NULL, "BEIAN_FONTS", "fonts");
    ctx->message = beian_strdup("");
    if (!ctx->forms_dir || !ctx->fonts_dir || !ctx->message) {
        beian_ctx_free(ctx);
        return BEIAN_EINTERNAL;
    }
    *out = ctx;
    return BEIAN_OK;
}

void beian_ctx_free(beian_ctx *ctx)
{
    if (!ctx) {
        return;
    }
    if (ctx->fonts && ctx->fonts_release) {
        ctx->fonts_release(ctx->fonts);
    }
    if (ctx->forms && ctx->forms_release) {
        ctx->forms_release(ctx->forms);
    }
    free(ctx->forms_dir);
    free(ctx->fonts_dir);
    free(ctx->message);
    free(ctx);
}

const char *beian_ctx_forms_dir(const beian_ctx *ctx)
{
    return ctx->forms_dir;
}

const char *beian_ctx_fonts_dir(const beian_ctx *ctx)
{
    return ctx->fonts_dir;
}

const char *beian_ctx_message(const beian_ctx *ctx)
{
    /* NULL after a message could not be formatted: that is only ever for lack of memory */
    return ctx->message ? ctx->message : "out of memory";
}

int beian_ctx_fail(beian_ctx *ctx, int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *m = beian_vasprintf(fmt, ap);
    va_end(ap);
    free(ctx->message);
    ctx->message = m; /* NULL (no memory) reads as "out of memory" */
    return status;
}
