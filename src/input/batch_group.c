/*
 * batch_group.c - the problems of a sheet's rows said once per column (beian/batch.h).
 *
 * A column that Excel turned into 1.39E+10 gives the same problem in every row; ninety copies
 * of a long message hide the one other problem of the sheet. Problems of the same severity
 * and field whose messages agree except for the values they quote ("..." in the message: the
 * cell as it was) are merged into one that lists its rows as ranges, "rows 2–91", and keeps
 * the advice once. The order is kept: a merged problem stands where its first row's did.
 */
#define _GNU_SOURCE
#include "beian/batch.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Runs of rows listed before "and N more rows": a message stays one readable line. */
enum { GROUP_MAX_RUNS = 12 };

char *beian_batch_format_rows(const int *rows, size_t n)
{
    beian_buf b;
    size_t runs = 0, i = 0;
    int rc;
    beian_buf_init(&b);
    rc = beian_buf_appendf(&b, "%s ", n == 1 ? "row" : "rows");
    while (rc == BEIAN_OK && i < n) {
        size_t j = i;
        while (j + 1 < n && rows[j + 1] == rows[j] + 1) {
            j++;
        }
        if (runs == GROUP_MAX_RUNS) {
            rc = beian_buf_appendf(&b, " and %zu more", n - i);
            break;
        }
        if (j == i) {
            rc = beian_buf_appendf(&b, "%s%d", runs ? ", " : "", rows[i]);
        } else {
            /* an en dash, as a range is printed in Chinese and English text alike */
            rc = beian_buf_appendf(&b, "%s%d\xE2\x80\x93%d", runs ? ", " : "", rows[i], rows[j]);
        }
        runs++;
        i = j + 1;
    }
    if (rc != BEIAN_OK || beian_buf_terminate(&b) != BEIAN_OK) {
        beian_buf_release(&b);
        return NULL;
    }
    return (char *)b.data;
}

typedef struct {
    const beian_problem *first; /* borrowed from the rows' lists */
    char *key;                  /* the message with every quoted value left out */
    uint32_t hash;
    int *rows;
    size_t nrows, cap;
    int values_differ;
} group;

/* The message with the text between double quotes removed ("\"1.39E+10\" is" -> "\"\" is"),
 * malloc'd; NULL when out of memory. */
static char *message_key(const char *m)
{
    size_t n = strlen(m), o = 0;
    char *k = malloc(n + 1);
    int quoted = 0;
    if (!k) {
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        if (m[i] == '"') {
            quoted = !quoted;
            k[o++] = '"';
        } else if (!quoted) {
            k[o++] = m[i];
        }
    }
    k[o] = '\0';
    return k;
}

/* FNV-1a of the key, severity and field: most problems are told apart without strcmp. */
static uint32_t key_hash(const char *key, const beian_problem *p)
{
    uint32_t h = 2166136261u ^ (uint32_t)p->severity;
    for (const char *s = key; *s; s++) {
        h = (h ^ (unsigned char)*s) * 16777619u;
    }
    for (const char *s = p->field ? p->field : ""; *s; s++) {
        h = (h ^ (unsigned char)*s) * 16777619u;
    }
    return h;
}

static int same_group(const group *g, const beian_problem *p, const char *key, uint32_t h)
{
    const beian_problem *q = g->first;
    return g->hash == h && q->severity == p->severity &&
           strcmp(q->field ? q->field : "", p->field ? p->field : "") == 0 &&
           strcmp(q->file ? q->file : "", p->file ? p->file : "") == 0 && strcmp(g->key, key) == 0;
}

/* Adds one problem to its group (made when new). BEIAN_OK or BEIAN_EINTERNAL. */
static int add_to_groups(group **groups, size_t *ngroups, size_t *cap, const beian_problem *p)
{
    char *key = message_key(p->message);
    if (!key) {
        return BEIAN_EINTERNAL;
    }
    uint32_t h = key_hash(key, p);
    group *g = NULL;
    for (size_t i = 0; i < *ngroups && !g; i++) {
        if (same_group(&(*groups)[i], p, key, h)) {
            g = &(*groups)[i];
        }
    }
    if (g) {
        free(key);
    } else {
        if (BEIAN_ARRAY_GROW(*groups, *cap, *ngroups + 1) != BEIAN_OK) {
            free(key);
            return BEIAN_EINTERNAL;
        }
        g = &(*groups)[(*ngroups)++];
        memset(g, 0, sizeof *g);
        g->first = p;
        g->key = key;
        g->hash = h;
    }
    if (g->nrows > 0 && g->rows[g->nrows - 1] == p->line) {
        return BEIAN_OK; /* twice in one row: one row */
    }
    if (BEIAN_ARRAY_GROW(g->rows, g->cap, g->nrows + 1) != BEIAN_OK) {
        return BEIAN_EINTERNAL;
    }
    g->rows[g->nrows++] = p->line;
    g->values_differ |= strcmp(g->first->message, p->message) != 0;
    return BEIAN_OK;
}

static int emit(const group *g, beian_problems *out)
{
    const beian_problem *p = g->first;
    if (g->nrows == 1) {
        return beian_problems_add(out, p->severity, p->file, p->line, p->column, p->field,
                                  p->label, "%s", p->message);
    }
    char *rows = beian_batch_format_rows(g->rows, g->nrows);
    if (!rows) {
        return BEIAN_EINTERNAL;
    }
    int rc = beian_problems_add(out, p->severity, p->file, 0, 0, p->field, p->label, "%s: %s%s",
                                rows, p->message,
                                g->values_differ ? " (the value quoted is the first row's; the "
                                                   "other rows have their own)"
                                                 : "");
    free(rows);
    return rc;
}

int beian_batch_merge_problems(beian_problems *const *rows, size_t nrows, beian_problems *out)
{
    group *groups = NULL;
    size_t ngroups = 0, cap = 0;
    int rc = BEIAN_OK;
    for (size_t r = 0; r < nrows && rc == BEIAN_OK; r++) {
        for (size_t i = 0; rows[r] && i < beian_problems_count(rows[r]) && rc == BEIAN_OK; i++) {
            rc = add_to_groups(&groups, &ngroups, &cap, beian_problems_get(rows[r], i));
        }
    }
    for (size_t i = 0; i < ngroups && rc == BEIAN_OK; i++) {
        rc = emit(&groups[i], out);
    }
    for (size_t i = 0; i < ngroups; i++) {
        free(groups[i].key);
        free(groups[i].rows);
    }
    free(groups);
    return rc;
}
