/*
 * form.c - loads and checks form definitions (forms/<id>.json).
 *
 * Cells are placed as in an HTML table: each row's cells fill the grid left to right,
 * skipping the positions taken by a rowspan from a row above. A definition whose spans do
 * not fill every row exactly, that binds a field twice, names an unknown field or cell
 * kind, or gives impossible sizes is refused with BEIAN_ECONFIG; every problem names the
 * file and the place as a JSON path (rows[3].cells[1]). The definition is read as jansson
 * values (parsed through util/json.c) and copied into beian_form; no json_t outlives the load.
 */
#define _GNU_SOURCE
#include "beian/form.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctx_private.h"
#include "form_cache.h"
#include "util.h"

/* Limits for definitions: generous for paper forms, small enough to refuse nonsense. */
enum { FORM_MAX_BYTES = 1 << 20, FORM_MAX_COLS = 32, FORM_MAX_ROWS = 100, FORM_MAX_FIELDS = 200 };

static const struct {
    const char *name;
    beian_field_type type;
} field_types[] = {
    {"text", BEIAN_FIELD_TEXT},   {"multiline", BEIAN_FIELD_MULTILINE},
    {"mobile", BEIAN_FIELD_MOBILE}, {"phone", BEIAN_FIELD_PHONE},
    {"office_phone", BEIAN_FIELD_OFFICE_PHONE}, {"email", BEIAN_FIELD_EMAIL},
    {"date", BEIAN_FIELD_DATE},   {"count", BEIAN_FIELD_COUNT},
    {"qr", BEIAN_FIELD_QR},       {"image", BEIAN_FIELD_IMAGE},
};

const char *beian_field_type_name(beian_field_type type)
{
    for (size_t i = 0; i < sizeof field_types / sizeof field_types[0]; i++) {
        if (field_types[i].type == type) {
            return field_types[i].name;
        }
    }
    return "?";
}

/* Loader state: the file name for messages and the problem list. An allocation that fails
 * sets oom (and bad): the definition is then refused as out of memory, never loaded with a
 * part missing or reported as wrong. */
typedef struct {
    const char *path;
    beian_problems *problems;
    int bad;
    int oom;
} loader;

/* p, noting in ld when an allocation failed (p is NULL). */
static void *need(loader *ld, void *p)
{
    if (!p) {
        ld->oom = ld->bad = 1;
    }
    return p;
}

static void bad(loader *ld, const char *place, const char *fmt, const char *a, const char *b)
{
    char *msg = need(ld, beian_asprintf(fmt, a ? a : "", b ? b : ""));
    if (beian_problems_add(ld->problems, BEIAN_SEV_ERROR, ld->path, 0, 0, NULL, NULL,
                           "bad form definition at %s: %s", place, msg ? msg : "?") != BEIAN_OK) {
        ld->oom = 1;
    }
    free(msg);
    ld->bad = 1;
}

static char *get_string(loader *ld, json_t *obj, const char *key, const char *place, int required)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required) {
            bad(ld, place, "\"%s\" is missing%s", key, NULL);
        }
        return NULL;
    }
    if (!json_is_string(v) || json_string_length(v) == 0) {
        bad(ld, place, "\"%s\" must be a non-empty string%s", key, NULL);
        return NULL;
    }
    return need(ld, beian_strdup(json_string_value(v)));
}

static double get_number(loader *ld, json_t *obj, const char *key, const char *place,
                         double dflt, double lo, double hi)
{
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (dflt < 0) {
            bad(ld, place, "\"%s\" is missing%s", key, NULL);
        }
        return dflt;
    }
    double d = json_number_value(v);
    if (!json_is_number(v) || d < lo || d > hi) {
        char range[64];
        snprintf(range, sizeof range, "%g and %g", lo, hi);
        bad(ld, place, "\"%s\" must be a number between %s", key, range);
        return dflt < 0 ? lo : dflt;
    }
    return d;
}

static int field_by_id(const beian_form *f, const char *id)
{
    for (size_t i = 0; i < f->nfields; i++) {
        if (strcmp(f->fields[i].id, id) == 0) {
            return (int)i;
        }
    }
    return -1;
}

int beian_form_field_index(const beian_form *f, const char *name, int by_label)
{
    int i = field_by_id(f, name);
    if (i >= 0 || !by_label) {
        return i;
    }
    for (size_t k = 0; k < f->nfields; k++) {
        if (strcmp(f->fields[k].label, name) == 0) {
            return (int)k;
        }
        for (size_t a = 0; a < f->fields[k].n_aliases; a++) {
            if (strcmp(f->fields[k].aliases[a], name) == 0) {
                return (int)k;
            }
        }
    }
    return -1;
}

/* Keys longer than this get no suggestion (field ids are short; the work is la * lb). */
enum { SUGGEST_MAX_LEN = 64 };

/* Levenshtein distance of a and b, or (size_t)-1 when either is longer than SUGGEST_MAX_LEN. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > SUGGEST_MAX_LEN || lb > SUGGEST_MAX_LEN) {
        return (size_t)-1;
    }
    size_t d[SUGGEST_MAX_LEN + 1];
    for (size_t j = 0; j <= lb; j++) {
        d[j] = j;
    }
    for (size_t i = 1; i <= la; i++) {
        size_t prev = d[0];
        d[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = d[j];
            size_t sub = prev + (a[i - 1] != b[j - 1]);
            size_t del = d[j] + 1, ins = d[j - 1] + 1;
            d[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
            prev = cur;
        }
    }
    return d[lb];
}

const char *beian_form_suggest(const beian_form *f, const char *name)
{
    const char *best = NULL;
    size_t best_d = (size_t)-1;
    for (size_t i = 0; i < f->nfields; i++) {
        const char *cands[2] = {f->fields[i].id, f->fields[i].label};
        for (int k = 0; k < 2; k++) {
            size_t d = edit_distance(name, cands[k]);
            if (d < best_d) {
                best_d = d;
                best = f->fields[i].id;
            }
        }
    }
    size_t len = strlen(name);
    /* Only suggest when the names are close: at most a third of the name differs. */
    return best && best_d <= (len < 6 ? 2 : len / 3) ? best : NULL;
}

static void load_fields(loader *ld, beian_form *f, json_t *arr)
{
    if (!json_is_array(arr) || json_array_size(arr) == 0 ||
        json_array_size(arr) > FORM_MAX_FIELDS) {
        bad(ld, "fields", "must be a list of 1 to 200 field definitions%s%s", NULL, NULL);
        return;
    }
    f->fields = need(ld, calloc(json_array_size(arr), sizeof *f->fields));
    if (!f->fields) {
        return;
    }
    size_t i;
    json_t *v;
    json_array_foreach(arr, i, v)
    {
        char place[64];
        snprintf(place, sizeof place, "fields[%zu]", i);
        if (!json_is_object(v)) {
            bad(ld, place, "must be an object%s%s", NULL, NULL);
            continue;
        }
        beian_field *fd = &f->fields[f->nfields];
        fd->id = get_string(ld, v, "id", place, 1);
        fd->label = get_string(ld, v, "label", place, 1);
        char *type = get_string(ld, v, "type", place, 1);
        fd->example = get_string(ld, v, "example", place, 0);
        if (!fd->id || !fd->label || !type) {
            free(fd->id);
            free(fd->label);
            free(fd->example);
            free(type);
            memset(fd, 0, sizeof *fd);
            continue;
        }
        int known = 0;
        for (size_t t = 0; t < sizeof field_types / sizeof field_types[0]; t++) {
            if (strcmp(type, field_types[t].name) == 0) {
                fd->type = field_types[t].type;
                known = 1;
            }
        }
        if (!known) {
            bad(ld, place,
                "unknown field type \"%s\" (known: text, multiline, mobile, phone, office_phone, "
                "email, date, count, qr, image)%s",
                type, NULL);
        }
        free(type);
        if (field_by_id(f, fd->id) >= 0) {
            bad(ld, place, "field id \"%s\" is defined twice%s", fd->id, NULL);
        }
        json_t *req = json_object_get(v, "required");
        fd->required = req ? json_is_true(req) : 1;
        json_t *cont = json_object_get(v, "continuation");
        fd->continuation = cont && json_is_true(cont);
        fd->max_chars = (size_t)get_number(ld, v, "max_chars", place, 200, 1, 100000);
        fd->valid_days = (int)get_number(ld, v, "valid_days", place, 0, 0, 3650);
        json_t *al = json_object_get(v, "aliases");
        if (al && json_is_array(al) && json_array_size(al) > 0 && json_array_size(al) < 16) {
            fd->aliases = need(ld, calloc(json_array_size(al), sizeof(char *)));
            size_t k;
            json_t *a;
            json_array_foreach(al, k, a)
            {
                if (json_is_string(a) && fd->aliases) {
                    fd->aliases[fd->n_aliases] = need(ld, beian_strdup(json_string_value(a)));
                    fd->n_aliases += fd->aliases[fd->n_aliases] != NULL;
                }
            }
        } else if (al) {
            bad(ld, place, "\"aliases\" must be a list of 1 to 15 names%s%s", NULL, NULL);
        }
        f->nfields++;
    }
    /* A name (an alias) that is also another field's id or alias would give a data file's key
     * or a CSV header two meanings; the first would silently win. */
    for (size_t a = 0; a < f->nfields; a++) {
        for (size_t k = 0; k < f->fields[a].n_aliases; k++) {
            const char *name = f->fields[a].aliases[k];
            for (size_t b = 0; name && b < f->nfields; b++) {
                int clash = b != a && f->fields[b].id && strcmp(f->fields[b].id, name) == 0;
                for (size_t m = 0; !clash && b != a && m < f->fields[b].n_aliases; m++) {
                    clash = strcmp(f->fields[b].aliases[m], name) == 0;
                }
                if (clash) {
                    char place[64];
                    snprintf(place, sizeof place, "fields[%zu].aliases", a);
                    bad(ld, place, "\"%s\" also names field \"%s\"", name, f->fields[b].id);
                    break;
                }
            }
        }
    }
}

static int cell_field(loader *ld, beian_form *f, json_t *cell, const char *key,
                      const char *place, int required, unsigned char *bound)
{
    char *id = get_string(ld, cell, key, place, required);
    if (!id) {
        return -1;
    }
    int k = field_by_id(f, id);
    if (k < 0) {
        const char *s = beian_form_suggest(f, id);
        bad(ld, place, "unknown field \"%s\"%s", id, s ? " (is a field id misspelt?)" : "");
    } else if (bound[k]) {
        bad(ld, place, "field \"%s\" is bound twice%s", id, NULL);
    } else {
        bound[k] = 1;
    }
    free(id);
    return k;
}

/* A QR cell's binding `key` must be a field of type `type`. */
static void require_type(loader *ld, const beian_form *f, int k, beian_field_type type,
                         const char *key, const char *place)
{
    if (k >= 0 && f->fields[k].type != type) {
        char *what = need(ld, beian_asprintf("\"%s\" must be a field of type %s", key,
                                             beian_field_type_name(type)));
        bad(ld, place, "%s, not %s", what ? what : key, beian_field_type_name(f->fields[k].type));
        free(what);
    }
}

static void load_cell(loader *ld, beian_form *f, json_t *v, beian_cell *c, const char *place,
                      unsigned char *bound)
{
    c->qr_field = c->qr_image_field = c->qr_number_field = c->qr_date_field = -1;
    c->rowspan = (int)get_number(ld, v, "rowspan", place, 1, 1, FORM_MAX_ROWS);
    c->colspan = (int)get_number(ld, v, "colspan", place, 1, 1, FORM_MAX_COLS);
    json_t *seal = json_object_get(v, "seal");
    c->seal = seal && json_is_true(seal);
    char *align = get_string(ld, v, "align", place, 0);
    char *kind = get_string(ld, v, "kind", place, 1);
    if (!kind) {
        free(align);
        return;
    }
    if (strcmp(kind, "label") == 0) {
        c->kind = BEIAN_CELL_LABEL;
        c->align = BEIAN_ALIGN_CENTER;
        c->text = get_string(ld, v, "text", place, 1);
    } else if (strcmp(kind, "field") == 0) {
        c->kind = BEIAN_CELL_FIELD;
        c->align = BEIAN_ALIGN_LEFT;
        c->parts = need(ld, calloc(1, sizeof *c->parts));
        if (c->parts) {
            c->n_parts = 1;
            c->parts[0].prefix = get_string(ld, v, "prefix", place, 0);
            c->parts[0].field = cell_field(ld, f, v, "field", place, 1, bound);
        }
    } else if (strcmp(kind, "fields") == 0) {
        c->kind = BEIAN_CELL_FIELDS;
        c->align = BEIAN_ALIGN_LEFT;
        json_t *parts = json_object_get(v, "parts");
        if (!json_is_array(parts) || json_array_size(parts) == 0 || json_array_size(parts) > 8) {
            bad(ld, place, "\"parts\" must be a list of 1 to 8 {prefix, field} objects%s%s", NULL,
                NULL);
        } else {
            c->parts = need(ld, calloc(json_array_size(parts), sizeof *c->parts));
            size_t k;
            json_t *p;
            json_array_foreach(parts, k, p)
            {
                if (!c->parts) {
                    break;
                }
                char pplace[160];
                snprintf(pplace, sizeof pplace, "%s.parts[%zu]", place, k);
                c->parts[k].prefix = get_string(ld, p, "prefix", pplace, 0);
                c->parts[k].field = cell_field(ld, f, p, "field", pplace, 1, bound);
                c->n_parts++;
            }
        }
    } else if (strcmp(kind, "sign") == 0) {
        c->kind = BEIAN_CELL_SIGN;
        c->text = get_string(ld, v, "signer", place, 1);
    } else if (strcmp(kind, "qr") == 0) {
        c->kind = BEIAN_CELL_QR;
        c->align = BEIAN_ALIGN_CENTER;
        c->qr_field = cell_field(ld, f, v, "field", place, 1, bound);
        c->qr_image_field = cell_field(ld, f, v, "image_field", place, 0, bound);
        c->qr_number_field = cell_field(ld, f, v, "number_field", place, 0, bound);
        c->qr_number_prefix = get_string(ld, v, "number_prefix", place, 0);
        c->qr_date_field = cell_field(ld, f, v, "date_field", place, 0, bound);
        c->qr_date_prefix = get_string(ld, v, "date_prefix", place, 0);
        /* The picture field names a file that is opened and decoded, and the payload field
         * is encoded: binding them to fields of another type would read or print nonsense. */
        require_type(ld, f, c->qr_field, BEIAN_FIELD_QR, "field", place);
        require_type(ld, f, c->qr_image_field, BEIAN_FIELD_IMAGE, "image_field", place);
        require_type(ld, f, c->qr_date_field, BEIAN_FIELD_DATE, "date_field", place);
    } else {
        bad(ld, place, "unknown cell kind \"%s\" (known: label, field, fields, sign, qr)%s", kind,
            NULL);
    }
    if (align) {
        if (strcmp(align, "left") == 0) {
            c->align = BEIAN_ALIGN_LEFT;
        } else if (strcmp(align, "center") == 0) {
            c->align = BEIAN_ALIGN_CENTER;
        } else {
            bad(ld, place, "\"align\" must be \"left\" or \"center\", not \"%s\"%s", align, NULL);
        }
    }
    free(align);
    free(kind);
}

static void load_rows(loader *ld, beian_form *f, json_t *rows)
{
    if (!json_is_array(rows) || json_array_size(rows) == 0 ||
        json_array_size(rows) > FORM_MAX_ROWS) {
        bad(ld, "rows", "must be a list of 1 to 100 rows%s%s", NULL, NULL);
        return;
    }
    f->nrows = (int)json_array_size(rows);
    f->row_h = calloc((size_t)f->nrows, sizeof(double));
    /* taken[r*ncols+c]: the grid position is covered by a cell */
    unsigned char *taken = calloc((size_t)f->nrows * (size_t)f->ncols, 1);
    unsigned char *bound = calloc(f->nfields ? f->nfields : 1, 1);
    unsigned char *row_bad = calloc((size_t)f->nrows, 1); /* already reported: no second word */
    size_t total = 0;
    size_t r;
    json_t *row;
    json_array_foreach(rows, r, row) total += json_array_size(json_object_get(row, "cells"));
    f->cells = calloc(total ? total : 1, sizeof *f->cells);
    if (!f->row_h || !taken || !bound || !row_bad || !f->cells) {
        ld->bad = ld->oom = 1;
        goto done;
    }
    json_array_foreach(rows, r, row)
    {
        char place[96];
        snprintf(place, sizeof place, "rows[%zu]", r);
        f->row_h[r] = get_number(ld, row, "height_mm", place, -1, 3, 280);
        json_t *cells = json_object_get(row, "cells");
        if (!json_is_array(cells)) {
            bad(ld, place, "\"cells\" must be a list%s%s", NULL, NULL);
            row_bad[r] = 1;
            continue;
        }
        int col = 0;
        size_t k;
        json_t *v;
        json_array_foreach(cells, k, v)
        {
            snprintf(place, sizeof place, "rows[%zu].cells[%zu]", r, k);
            if (!json_is_object(v)) {
                bad(ld, place, "must be an object%s%s", NULL, NULL);
                continue;
            }
            while (col < f->ncols && taken[r * (size_t)f->ncols + (size_t)col]) {
                col++;
            }
            beian_cell *c = &f->cells[f->ncells++];
            load_cell(ld, f, v, c, place, bound);
            c->row = (int)r;
            c->col = col;
            if (col + c->colspan > f->ncols) {
                char n[32];
                snprintf(n, sizeof n, "%d", f->ncols);
                bad(ld, place, "the cell does not fit: the row's spans add up to more than %s "
                               "columns%s", n, NULL);
                row_bad[r] = 1;
                break;
            }
            if ((int)r + c->rowspan > f->nrows) {
                bad(ld, place, "\"rowspan\" reaches below the last row%s%s", NULL, NULL);
                c->rowspan = f->nrows - (int)r;
            }
            for (int dr = 0; dr < c->rowspan; dr++) {
                for (int dc = 0; dc < c->colspan; dc++) {
                    size_t at = (r + (size_t)dr) * (size_t)f->ncols + (size_t)(col + dc);
                    if (taken[at]) {
                        bad(ld, place, "the cell overlaps another cell%s%s", NULL, NULL);
                    }
                    taken[at] = 1;
                }
            }
            col += c->colspan;
        }
    }
    for (r = 0; r < (size_t)f->nrows; r++) {
        for (int c = 0; c < f->ncols && !row_bad[r]; c++) {
            if (!taken[r * (size_t)f->ncols + (size_t)c]) {
                char place[64], n[32], empty[32];
                snprintf(place, sizeof place, "rows[%zu]", r);
                snprintf(n, sizeof n, "%d", f->ncols);
                snprintf(empty, sizeof empty, "%d", c + 1);
                bad(ld, place, "the row's spans add up to fewer than %s columns (column %s is "
                               "empty)", n, empty);
                break;
            }
        }
    }
done:
    free(taken);
    free(bound);
    free(row_bad);
}

static void load_one_of(loader *ld, beian_form *f, json_t *arr)
{
    if (!arr) {
        return;
    }
    if (!json_is_array(arr)) {
        bad(ld, "one_of", "must be a list of lists of field ids%s%s", NULL, NULL);
        return;
    }
    f->one_of = need(ld, calloc(json_array_size(arr) + 1, sizeof(int *)));
    size_t i;
    json_t *g;
    json_array_foreach(arr, i, g)
    {
        if (!f->one_of || !json_is_array(g)) {
            bad(ld, "one_of", "must be a list of lists of field ids%s%s", NULL, NULL);
            return;
        }
        int *ids = need(ld, calloc(json_array_size(g) + 1, sizeof(int)));
        if (!ids) {
            return;
        }
        f->one_of[f->n_one_of++] = ids;
        size_t k, n = 0;
        json_t *id;
        json_array_foreach(g, k, id)
        {
            int fi = json_is_string(id) ? field_by_id(f, json_string_value(id)) : -1;
            if (fi < 0) {
                bad(ld, "one_of", "names an unknown field \"%s\"%s",
                    json_is_string(id) ? json_string_value(id) : "?", NULL);
            } else {
                ids[n++] = fi;
            }
        }
        ids[n] = -1;
    }
}

static int form_parse(beian_ctx *ctx, const char *path, const unsigned char *data, size_t len,
                      beian_form **out, beian_problems *problems)
{
    loader ld = {path, problems, 0, 0};
    json_error_t jerr;
    beian_form *f = NULL;
    int oom = 0;
    json_t *root = beian_json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr, &oom);
    *out = NULL;
    if (oom) {
        return beian_ctx_fail(ctx, BEIAN_EINTERNAL, "%s: out of memory while reading it", path);
    }
    if (!root) {
        beian_problems_add(problems, BEIAN_SEV_ERROR, path, jerr.line, jerr.column, NULL, NULL,
                           "bad form definition: %s", jerr.text);
        return BEIAN_ECONFIG;
    }
    f = calloc(1, sizeof *f);
    if (!f) {
        json_decref(root);
        return beian_ctx_fail(ctx, BEIAN_EINTERNAL, "%s: out of memory while loading it", path);
    }
    f->path = need(&ld, beian_strdup(path));
    f->source = need(&ld, malloc(len ? len : 1));
    if (f->source) {
        memcpy(f->source, data, len);
        f->source_len = len;
    }
    if (!json_is_object(root)) {
        bad(&ld, "the top level", "must be an object%s%s", NULL, NULL);
        goto done;
    }
    f->id = get_string(&ld, root, "id", "the top level", 1);
    f->attachment = get_string(&ld, root, "attachment", "the top level", 1);
    json_t *title = json_object_get(root, "title");
    if (!json_is_array(title) || json_array_size(title) != 2 ||
        !json_is_string(json_array_get(title, 0)) || !json_is_string(json_array_get(title, 1))) {
        bad(&ld, "title", "must be a list of the two title lines%s%s", NULL, NULL);
    } else {
        f->title[0] = need(&ld, beian_strdup(json_string_value(json_array_get(title, 0))));
        f->title[1] = need(&ld, beian_strdup(json_string_value(json_array_get(title, 1))));
    }
    json_t *page = json_object_get(root, "page");
    json_t *margins = json_object_get(page, "margins_mm");
    f->page_w = get_number(&ld, page, "width_mm", "page", 210, 50, 1200);
    f->page_h = get_number(&ld, page, "height_mm", "page", 297, 50, 1200);
    f->margin_top = get_number(&ld, margins, "top", "page.margins_mm", 20, 0, 100);
    f->margin_right = get_number(&ld, margins, "right", "page.margins_mm", 20, 0, 100);
    f->margin_bottom = get_number(&ld, margins, "bottom", "page.margins_mm", 20, 0, 100);
    f->margin_left = get_number(&ld, margins, "left", "page.margins_mm", 20, 0, 100);
    json_t *sz = json_object_get(root, "font_sizes");
    f->sizes.label = get_number(&ld, sz, "label", "font_sizes", 12, 5, 40);
    f->sizes.value = get_number(&ld, sz, "value", "font_sizes", 12, 5, 40);
    f->sizes.min = get_number(&ld, sz, "min", "font_sizes", 7, 4, 40);
    f->sizes.title = get_number(&ld, sz, "title", "font_sizes", 18, 5, 60);
    f->sizes.attachment = get_number(&ld, sz, "attachment", "font_sizes", 14, 5, 40);
    f->sizes.note = get_number(&ld, sz, "note", "font_sizes", 12, 5, 40);
    if (f->sizes.min > f->sizes.value) {
        bad(&ld, "font_sizes", "\"min\" is larger than \"value\"%s%s", NULL, NULL);
    }
    json_t *cols = json_object_get(root, "columns_mm");
    if (!json_is_array(cols) || json_array_size(cols) == 0 ||
        json_array_size(cols) > FORM_MAX_COLS) {
        bad(&ld, "columns_mm", "must be a list of 1 to 32 column widths%s%s", NULL, NULL);
        goto done;
    }
    f->ncols = (int)json_array_size(cols);
    f->col_w = need(&ld, calloc((size_t)f->ncols, sizeof(double)));
    if (!f->col_w) {
        goto done;
    }
    double width = 0;
    for (int i = 0; i < f->ncols; i++) {
        json_t *w = json_array_get(cols, (size_t)i);
        if (!json_is_number(w) || json_number_value(w) < 3) {
            char place[32];
            snprintf(place, sizeof place, "columns_mm[%d]", i);
            bad(&ld, place, "a column width must be a number of at least 3 mm%s%s", NULL, NULL);
        } else {
            f->col_w[i] = json_number_value(w);
            width += f->col_w[i];
        }
    }
    if (width > f->page_w - f->margin_left - f->margin_right + 0.01) {
        bad(&ld, "columns_mm", "the columns are wider than the page between its margins%s%s",
            NULL, NULL);
    }
    load_fields(&ld, f, json_object_get(root, "fields"));
    if (ld.bad) {
        goto done;
    }
    load_rows(&ld, f, json_object_get(root, "rows"));
    if (!ld.bad) {
        double height = 0;
        for (int r = 0; r < f->nrows; r++) {
            height += f->row_h[r];
        }
        if (height > f->page_h - f->margin_top - f->margin_bottom) {
            bad(&ld, "rows", "the rows are taller than the page between its margins%s%s", NULL,
                NULL);
        }
    }
    load_one_of(&ld, f, json_object_get(root, "one_of"));
    json_t *notes = json_object_get(root, "notes");
    if (notes && !json_is_array(notes)) {
        bad(&ld, "notes", "must be a list of strings%s%s", NULL, NULL);
    } else if (notes) {
        f->notes = need(&ld, calloc(json_array_size(notes) + 1, sizeof(char *)));
        size_t i;
        json_t *n;
        json_array_foreach(notes, i, n)
        {
            if (f->notes && json_is_string(n)) {
                f->notes[f->nnotes] = need(&ld, beian_strdup(json_string_value(n)));
                f->nnotes += f->notes[f->nnotes] != NULL;
            } else if (f->notes) {
                bad(&ld, "notes", "must be a list of strings%s%s", NULL, NULL);
            }
        }
    }
done:
    json_decref(root);
    if (ld.oom) {
        beian_form_free(f);
        return beian_ctx_fail(ctx, BEIAN_EINTERNAL, "%s: out of memory while loading it", path);
    }
    if (ld.bad) {
        beian_form_free(f);
        return BEIAN_ECONFIG;
    }
    *out = f;
    return BEIAN_OK;
}

int beian_form_load_buffer(beian_ctx *ctx, const char *path, const unsigned char *data,
                           size_t len, beian_form **out, beian_problems *problems)
{
    int rc = form_cache_get(ctx, path, data, len, out);
    if (rc == BEIAN_EINTERNAL) {
        return beian_ctx_fail(ctx, rc, "%s: out of memory while loading it", path);
    }
    if (rc == BEIAN_OK) {
        return rc;
    }
    rc = form_parse(ctx, path, data, len, out, problems);
    if (rc == BEIAN_OK) {
        form_cache_put(ctx, *out);
    }
    return rc;
}

int beian_form_load_file(beian_ctx *ctx, const char *path, beian_form **out,
                         beian_problems *problems)
{
    beian_buf b;
    int err = 0;
    *out = NULL;
    int rc = beian_file_read(path, FORM_MAX_BYTES, &b, &err);
    if (rc == BEIAN_EDATA) {
        beian_problems_add(problems, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "bad form definition: the file is larger than 1 MiB");
        return BEIAN_ECONFIG;
    }
    if (rc == BEIAN_EINTERNAL) {
        return beian_ctx_fail(ctx, rc, "%s: out of memory while reading it", path);
    }
    if (rc != BEIAN_OK) {
        beian_problems_add(problems, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "cannot read the form definition: %s", strerror(err));
        return BEIAN_ECONFIG;
    }
    rc = beian_form_load_buffer(ctx, path, b.data, b.len, out, problems);
    beian_buf_release(&b);
    return rc;
}

static int safe_id(const char *id)
{
    if (!id[0] || strlen(id) > 64) {
        return 0;
    }
    for (const char *p = id; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-' || *p == '_')) {
            return 0;
        }
    }
    return 1;
}

int beian_form_load(beian_ctx *ctx, const char *id, beian_form **out, beian_problems *problems)
{
    *out = NULL;
    if (!safe_id(id)) {
        return BEIAN_EDATA;
    }
    char *path = beian_asprintf("%s/%s.json", ctx->forms_dir, id);
    if (!path) {
        return beian_ctx_fail(ctx, BEIAN_EINTERNAL, "out of memory");
    }
    if (!beian_path_exists(path)) {
        free(path);
        return BEIAN_EDATA;
    }
    int rc = beian_form_load_file(ctx, path, out, problems);
    if (rc == BEIAN_OK && strcmp((*out)->id, id) != 0) {
        beian_problems_add(problems, BEIAN_SEV_ERROR, path, 0, 0, NULL, NULL,
                           "bad form definition: its id \"%s\" differs from its file name",
                           (*out)->id);
        beian_form_free(*out);
        *out = NULL;
        rc = BEIAN_ECONFIG;
    }
    free(path);
    return rc;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int beian_form_ids(beian_ctx *ctx, char ***ids, size_t *n)
{
    *ids = NULL;
    *n = 0;
    DIR *d = opendir(ctx->forms_dir);
    if (!d) {
        return beian_ctx_fail(ctx, BEIAN_ECONFIG, "cannot open the forms directory %s",
                              ctx->forms_dir);
    }
    size_t cap = 0;
    struct dirent *e;
    int rc = BEIAN_OK;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len < 6 || strcmp(e->d_name + len - 5, ".json") != 0) {
            continue;
        }
        if (BEIAN_ARRAY_GROW(*ids, cap, *n + 1) != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
            break;
        }
        (*ids)[*n] = beian_strndup(e->d_name, len - 5);
        if (!(*ids)[*n]) {
            rc = BEIAN_EINTERNAL;
            break;
        }
        (*n)++;
    }
    closedir(d);
    if (*n) {
        qsort(*ids, *n, sizeof(char *), cmp_str);
    }
    return rc == BEIAN_OK ? rc : beian_ctx_fail(ctx, rc, "out of memory listing the forms");
}

void beian_form_ids_free(char **ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(ids[i]);
    }
    free(ids);
}
