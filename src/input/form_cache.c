/*
 * form_cache.c - a form definition's memory: freeing it, copying it deep, and the context's
 * cache of definitions already parsed.
 *
 * Every bundle of the archive carries its form definition byte for byte (data/form.json),
 * and an archive holds the same few definitions thousands of times: `beian verify` and
 * `beian reindex` parsed each one again, which was a third of their time. The cache keeps a
 * parsed copy of the last definitions loaded from memory, keyed by their bytes and the name
 * they were loaded under, and hands out a deep copy: every caller still owns the form it is
 * given (beian_form_free), may change it, and sees exactly what a fresh parse would give, so
 * the cache changes no result, only the time. Only definitions that loaded without a problem
 * are kept (a bad one is parsed again, so its problems are said again). The cache lives in
 * the context (a context is used by one thread at a time), not in a global.
 */
#include "form_cache.h"

#include <stdlib.h>
#include <string.h>

#include "ctx_private.h"
#include "util.h"

/* A handful: an archive holds a few forms, each in a few revisions. */
enum { CACHE_SLOTS = 16 };

typedef struct {
    beian_form *form[CACHE_SLOTS]; /* form->path and form->source are the key */
    size_t next;                   /* the slot replaced next (round robin) */
} form_cache;

void beian_form_free(beian_form *f)
{
    if (!f) {
        return;
    }
    free(f->id);
    free(f->path);
    free(f->attachment);
    free(f->title[0]);
    free(f->title[1]);
    free(f->col_w);
    free(f->row_h);
    for (size_t i = 0; i < f->ncells; i++) {
        beian_cell *c = &f->cells[i];
        free(c->text);
        for (size_t j = 0; j < c->n_parts; j++) {
            free(c->parts[j].prefix);
        }
        free(c->parts);
        free(c->qr_number_prefix);
        free(c->qr_date_prefix);
    }
    free(f->cells);
    for (size_t i = 0; i < f->nfields; i++) {
        beian_field *fd = &f->fields[i];
        free(fd->id);
        free(fd->label);
        free(fd->example);
        for (size_t j = 0; j < fd->n_aliases; j++) {
            free(fd->aliases[j]);
        }
        free(fd->aliases);
    }
    free(f->fields);
    for (size_t i = 0; i < f->nnotes; i++) {
        free(f->notes[i]);
    }
    free(f->notes);
    for (size_t i = 0; i < f->n_one_of; i++) {
        free(f->one_of[i]);
    }
    free(f->one_of);
    free(f->source);
    free(f);
}

/* Copy state: an allocation that fails sets oom; the copy is then freed whole. */
typedef struct {
    int oom;
} copier;

static char *dup_str(copier *c, const char *s)
{
    char *p = s ? beian_strdup(s) : NULL;
    c->oom |= s && !p;
    return p;
}

/* n elements of size each (n may be 0: then NULL, as the loader leaves an empty list). */
static void *dup_mem(copier *c, const void *src, size_t n, size_t size)
{
    if (!src || n == 0) {
        return NULL;
    }
    void *p = malloc(n * size);
    if (!p) {
        c->oom = 1;
        return NULL;
    }
    memcpy(p, src, n * size);
    return p;
}

static void copy_cells(copier *c, beian_form *to, const beian_form *from)
{
    to->cells = calloc(from->ncells ? from->ncells : 1, sizeof *to->cells);
    if (!to->cells) {
        c->oom = 1;
        return;
    }
    for (size_t i = 0; i < from->ncells; i++) {
        const beian_cell *s = &from->cells[i];
        beian_cell *d = &to->cells[i];
        *d = *s;
        d->text = dup_str(c, s->text);
        d->qr_number_prefix = dup_str(c, s->qr_number_prefix);
        d->qr_date_prefix = dup_str(c, s->qr_date_prefix);
        d->parts = dup_mem(c, s->parts, s->n_parts, sizeof *s->parts);
        d->n_parts = d->parts ? s->n_parts : 0;
        for (size_t j = 0; j < d->n_parts; j++) {
            d->parts[j].prefix = NULL;
        }
        for (size_t j = 0; j < d->n_parts; j++) {
            d->parts[j].prefix = dup_str(c, s->parts[j].prefix);
        }
        to->ncells = i + 1;
    }
}

static void copy_fields(copier *c, beian_form *to, const beian_form *from)
{
    to->fields = calloc(from->nfields ? from->nfields : 1, sizeof *to->fields);
    if (!to->fields) {
        c->oom = 1;
        return;
    }
    for (size_t i = 0; i < from->nfields; i++) {
        const beian_field *s = &from->fields[i];
        beian_field *d = &to->fields[i];
        *d = *s;
        d->id = dup_str(c, s->id);
        d->label = dup_str(c, s->label);
        d->example = dup_str(c, s->example);
        d->aliases = s->n_aliases ? calloc(s->n_aliases, sizeof(char *)) : NULL;
        d->n_aliases = d->aliases ? s->n_aliases : 0;
        c->oom |= s->n_aliases && !d->aliases;
        for (size_t j = 0; j < d->n_aliases; j++) {
            d->aliases[j] = dup_str(c, s->aliases[j]);
        }
        to->nfields = i + 1;
    }
}

/* The lists the loader ends with NULL (notes, one_of) or -1 (each group of one_of). */
static void copy_lists(copier *c, beian_form *to, const beian_form *from)
{
    if (from->notes) {
        to->notes = calloc(from->nnotes + 1, sizeof(char *));
        c->oom |= !to->notes;
        for (size_t i = 0; to->notes && i < from->nnotes; i++) {
            to->notes[i] = dup_str(c, from->notes[i]);
            to->nnotes = i + 1;
        }
    }
    if (from->one_of) {
        to->one_of = calloc(from->n_one_of + 1, sizeof(int *));
        c->oom |= !to->one_of;
        for (size_t i = 0; to->one_of && i < from->n_one_of; i++) {
            size_t n = 0;
            while (from->one_of[i][n] >= 0) {
                n++;
            }
            to->one_of[i] = dup_mem(c, from->one_of[i], n + 1, sizeof(int));
            to->n_one_of = i + 1;
        }
    }
}

/* A deep copy of f, or NULL when memory ran out. */
static beian_form *form_copy(const beian_form *f)
{
    copier c = {0};
    beian_form *to = calloc(1, sizeof *to);
    if (!to) {
        return NULL;
    }
    *to = *f;
    /* nothing of f's is owned by the copy until it is duplicated below */
    to->id = to->path = to->attachment = to->title[0] = to->title[1] = NULL;
    to->col_w = to->row_h = NULL;
    to->cells = NULL;
    to->fields = NULL;
    to->notes = NULL;
    to->one_of = NULL;
    to->source = NULL;
    to->ncells = to->nfields = to->nnotes = to->n_one_of = 0;
    to->id = dup_str(&c, f->id);
    to->path = dup_str(&c, f->path);
    to->attachment = dup_str(&c, f->attachment);
    to->title[0] = dup_str(&c, f->title[0]);
    to->title[1] = dup_str(&c, f->title[1]);
    to->col_w = dup_mem(&c, f->col_w, (size_t)f->ncols, sizeof(double));
    to->row_h = dup_mem(&c, f->row_h, (size_t)f->nrows, sizeof(double));
    to->source = malloc(f->source_len ? f->source_len : 1);
    c.oom |= !to->source;
    if (to->source && f->source_len) {
        memcpy(to->source, f->source, f->source_len);
    }
    copy_cells(&c, to, f);
    copy_fields(&c, to, f);
    copy_lists(&c, to, f);
    if (c.oom) {
        beian_form_free(to);
        return NULL;
    }
    return to;
}

static void cache_release(void *p)
{
    form_cache *fc = p;
    for (size_t i = 0; i < CACHE_SLOTS; i++) {
        beian_form_free(fc->form[i]);
    }
    free(fc);
}

int form_cache_get(beian_ctx *ctx, const char *path, const unsigned char *data, size_t len,
                   beian_form **out)
{
    form_cache *fc = ctx->forms;
    *out = NULL;
    for (size_t i = 0; fc && i < CACHE_SLOTS; i++) {
        const beian_form *f = fc->form[i];
        if (f && f->source_len == len && memcmp(f->source, data, len) == 0 &&
            strcmp(f->path, path) == 0) {
            *out = form_copy(f);
            return *out ? BEIAN_OK : BEIAN_EINTERNAL;
        }
    }
    return BEIAN_ENOINPUT;
}

void form_cache_put(beian_ctx *ctx, const beian_form *f)
{
    if (!f->path || !f->source) {
        return;
    }
    if (!ctx->forms) {
        ctx->forms = calloc(1, sizeof(form_cache));
        if (!ctx->forms) {
            return; /* no cache: the next load parses again */
        }
        ctx->forms_release = cache_release;
    }
    form_cache *fc = ctx->forms;
    beian_form *copy = form_copy(f);
    if (!copy) {
        return;
    }
    beian_form_free(fc->form[fc->next]);
    fc->form[fc->next] = copy;
    fc->next = (fc->next + 1) % CACHE_SLOTS;
}
