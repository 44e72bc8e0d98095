/*
 * xlsx.c - one worksheet of an .xlsx workbook (Office Open XML SpreadsheetML) into a sheet;
 * the only file that includes expat.h; the workbook's ZIP is read through the ZIP adapter
 * (util/zipio.c).
 *
 * A workbook is a ZIP of XML parts tied together by relationship files (ECMA-376 part 2,
 * Open Packaging Conventions): _rels/.rels names the workbook part, the workbook's .rels maps
 * each <sheet r:id> to its worksheet part and names the shared-string table. A cell
 * (<c r="B7" t="...">) holds its value in <v>: an index into the shared strings (t="s"), text
 * of a formula (t="str"), a boolean (t="b"), an error (t="e"), or a number (no t); an inline
 * string (t="inlineStr") holds rich text in <is>. Rich text is the concatenation of its <t>
 * runs; phonetic runs (<rPh>) are not part of the text. Strings escape characters XML cannot
 * carry as _xHHHH_ (ECMA-376 part 1, 22.9.2.19 ST_Xstring).
 *
 * Cells are kept as text. A number is kept as the digits the file stores (Excel stores
 * 13895012345 exactly, whatever the column shows), with a trailing ".0" dropped and a
 * small exponent written out, and flagged BEIAN_CELL_NUMBER so the batch module can say
 * when a number lost a leading 0. Names are matched on local names, so prefixed documents
 * and the Strict namespace read the same. A part is inflated in 64 KiB chunks straight into
 * expat, and stops at BEIAN_SHEET_MAX_PART_BYTES; a document type declaration (where entity
 * tricks live; Office never writes one) is refused.
 */
#define _GNU_SOURCE
#include <expat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/message.h"
#include "xlsx.h"
#include "zipio.h"
#include "util.h"

enum { XLSX_CHUNK = 64 * 1024, XLSX_MAX_STRINGS = 4 * 1024 * 1024 };

/* A streaming parse of one part: local names of elements, text between them. */
typedef struct xml_part xml_part;
typedef void (*xml_start_fn)(xml_part *x, const char *name, const char **atts);
typedef void (*xml_end_fn)(xml_part *x, const char *name);

struct xml_part {
    XML_Parser parser;
    xml_start_fn start;
    xml_end_fn end;
    void *user;
    int collect; /* append character data to text */
    beian_buf text;
    int rc; /* first failure of a handler (BEIAN_EDATA with a problem, or EINTERNAL) */
};

static const char *local_name(const char *name)
{
    const char *bar = strrchr(name, '|');
    return bar ? bar + 1 : name;
}

/* Value of the attribute with this local name, or NULL. */
static const char *attr(const char **atts, const char *name)
{
    for (size_t i = 0; atts[i]; i += 2) {
        if (strcmp(local_name(atts[i]), name) == 0) {
            return atts[i + 1];
        }
    }
    return NULL;
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
    xml_part *x = ud;
    if (x->rc == BEIAN_OK && x->start) {
        x->start(x, local_name(name), atts);
    }
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    xml_part *x = ud;
    if (x->rc == BEIAN_OK && x->end) {
        x->end(x, local_name(name));
    }
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    xml_part *x = ud;
    if (x->rc != BEIAN_OK || !x->collect) {
        return;
    }
    if (x->text.len + (size_t)len > BEIAN_SHEET_MAX_CELL_BYTES + 1) {
        return; /* the cell is too long anyway; its length is checked when it is stored */
    }
    if (beian_buf_append(&x->text, s, (size_t)len) != BEIAN_OK) {
        x->rc = BEIAN_EINTERNAL;
        XML_StopParser(x->parser, XML_FALSE);
    }
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    (void)name, (void)sysid, (void)pubid, (void)has_internal_subset;
    xml_part *x = ud;
    x->rc = BEIAN_EDATA;
    XML_StopParser(x->parser, XML_FALSE);
}

typedef struct {
    beian_zip *za;
    beian_sheet *sh;
    beian_problems *pr;
    const char *path;
} xlsx;

static int damaged(xlsx *w, const char *part, const char *what)
{
    beian_problems_add_msg(w->pr, BEIAN_SEV_ERROR, w->path, 0, 0, NULL, NULL,
                           BEIAN_MSG_XLSX_UNREADABLE,
                           BEIAN_MSG_ARGS(part ? part : "", part ? ": " : "", what));
    return BEIAN_EDATA;
}

/*
 * Parses part `name` of the workbook with the handlers of x. BEIAN_ENOINPUT (and no problem)
 * when the part does not exist.
 */
static int parse_part(xlsx *w, const char *name, xml_part *x)
{
    beian_zip_file *zf = NULL;
    char *chunk = NULL;
    char why[BEIAN_ZIP_WHY_SIZE];
    int rc = BEIAN_OK;
    size_t total = 0;
    size_t idx = 0;
    if (beian_zip_locate(w->za, name, 1, &idx) != BEIAN_OK) {
        return BEIAN_ENOINPUT;
    }
    x->parser = XML_ParserCreateNS(NULL, '|');
    chunk = malloc(XLSX_CHUNK);
    if (!x->parser || !chunk) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    XML_SetUserData(x->parser, x);
    XML_SetElementHandler(x->parser, on_start, on_end);
    XML_SetCharacterDataHandler(x->parser, on_text);
    XML_SetStartDoctypeDeclHandler(x->parser, on_doctype);
    rc = beian_zip_fopen(w->za, idx, &zf, why);
    if (rc == BEIAN_EINTERNAL) {
        goto done;
    }
    if (rc != BEIAN_OK) {
        rc = damaged(w, name, why);
        goto done;
    }
    for (;;) {
        long long n = beian_zip_fread(zf, chunk, XLSX_CHUNK, NULL, why);
        if (n < 0) {
            rc = damaged(w, name, why);
            goto done;
        }
        total += (size_t)n;
        if (total > BEIAN_SHEET_MAX_PART_BYTES) {
            beian_problems_add(w->pr, BEIAN_SEV_ERROR, w->path, 0, 0, NULL, NULL,
                               "the workbook's part %s inflates to more than %u MiB; beian "
                               "reads smaller sheets (split it, or save it as CSV UTF-8)",
                               name, BEIAN_SHEET_MAX_PART_BYTES / (1024 * 1024));
            rc = BEIAN_EDATA;
            goto done;
        }
        if (XML_Parse(x->parser, chunk, (int)n, n == 0) != XML_STATUS_OK) {
            if (x->rc != BEIAN_OK) {
                rc = x->rc;
                if (rc == BEIAN_EDATA && beian_problems_errors(w->pr) == 0) {
                    rc = damaged(w, name, "it declares a document type");
                }
            } else {
                char what[200];
                snprintf(what, sizeof what, "XML error on line %lu: %s",
                         (unsigned long)XML_GetCurrentLineNumber(x->parser),
                         XML_ErrorString(XML_GetErrorCode(x->parser)));
                rc = damaged(w, name, what);
            }
            goto done;
        }
        if (x->rc != BEIAN_OK) {
            rc = x->rc;
            goto done;
        }
        if (n == 0) {
            break;
        }
    }
done:
    beian_zip_fclose(zf);
    if (x->parser) {
        XML_ParserFree(x->parser);
        x->parser = NULL;
    }
    free(chunk);
    beian_buf_release(&x->text);
    return rc;
}

/* ---- relationships: Id -> (Type, Target) ---- */

typedef struct {
    char *id, *type, *target;
} rel;

typedef struct {
    rel *items;
    size_t n, cap;
} rels;

static void rels_free(rels *r)
{
    for (size_t i = 0; i < r->n; i++) {
        free(r->items[i].id);
        free(r->items[i].type);
        free(r->items[i].target);
    }
    free(r->items);
}

static void rels_start(xml_part *x, const char *name, const char **atts)
{
    rels *r = x->user;
    if (strcmp(name, "Relationship") != 0) {
        return;
    }
    const char *id = attr(atts, "Id"), *type = attr(atts, "Type");
    const char *target = attr(atts, "Target"), *mode = attr(atts, "TargetMode");
    if (!id || !type || !target || (mode && strcmp(mode, "External") == 0)) {
        return;
    }
    if (r->n == r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 16;
        rel *items = cap < 100000 ? realloc(r->items, cap * sizeof *items) : NULL;
        if (!items) {
            x->rc = BEIAN_EINTERNAL;
            return;
        }
        r->items = items;
        r->cap = cap;
    }
    rel *e = &r->items[r->n];
    e->id = beian_strdup(id);
    e->type = beian_strdup(type);
    e->target = beian_strdup(target);
    r->n++;
    if (!e->id || !e->type || !e->target) {
        x->rc = BEIAN_EINTERNAL;
    }
}

static int ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/*
 * The part name a relationship target points to: targets are relative to the directory of
 * the part that owns the .rels (base_dir, "" or ending in "/"), or absolute from the package
 * root when they begin with "/". "." and ".." segments are resolved; ".." above the root is
 * refused (NULL).
 */
static char *resolve_target(const char *base_dir, const char *target)
{
    char *joined =
        target[0] == '/' ? beian_strdup(target + 1) : beian_asprintf("%s%s", base_dir, target);
    if (!joined) {
        return NULL;
    }
    char *out = malloc(strlen(joined) + 1);
    if (!out) {
        free(joined);
        return NULL;
    }
    size_t o = 0;
    const char *p = joined;
    while (*p) {
        const char *slash = strchr(p, '/');
        size_t n = slash ? (size_t)(slash - p) : strlen(p);
        if (n == 0 || (n == 1 && p[0] == '.')) {
            /* skip */
        } else if (n == 2 && p[0] == '.' && p[1] == '.') {
            if (o == 0) {
                free(joined);
                free(out);
                return NULL;
            }
            while (o > 0 && out[o - 1] != '/') {
                o--;
            }
            if (o > 0) {
                o--; /* the slash before the removed segment */
            }
        } else {
            if (o > 0) {
                out[o++] = '/';
            }
            memcpy(out + o, p, n);
            o += n;
        }
        p += n;
        if (*p == '/') {
            p++;
        }
    }
    out[o] = '\0';
    free(joined);
    return out;
}

/* ---- the workbook: sheet names and their relationship ids ---- */

typedef struct {
    char *name, *rid;
    int hidden;
} sheet_ref;

typedef struct {
    sheet_ref *items;
    size_t n, cap;
} sheet_list;

static void sheet_list_free(sheet_list *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->items[i].name);
        free(l->items[i].rid);
    }
    free(l->items);
}

static void workbook_start(xml_part *x, const char *name, const char **atts)
{
    sheet_list *l = x->user;
    if (strcmp(name, "sheet") != 0) {
        return;
    }
    const char *nm = attr(atts, "name"), *rid = attr(atts, "id"), *state = attr(atts, "state");
    if (!nm || !rid) {
        return;
    }
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        sheet_ref *items = cap < 100000 ? realloc(l->items, cap * sizeof *items) : NULL;
        if (!items) {
            x->rc = BEIAN_EINTERNAL;
            return;
        }
        l->items = items;
        l->cap = cap;
    }
    sheet_ref *s = &l->items[l->n++];
    s->name = beian_strdup(nm);
    s->rid = beian_strdup(rid);
    s->hidden = state && strcmp(state, "visible") != 0;
    if (!s->name || !s->rid) {
        x->rc = BEIAN_EINTERNAL;
    }
}

/* ---- strings ---- */

static int hexval(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;
}

/* Decodes the _xHHHH_ escapes of s[0..*len) in place (the text only shrinks). */
static void unescape_xstring(char *s, size_t *len)
{
    size_t o = 0, n = *len;
    for (size_t i = 0; i < n;) {
        if (i + 7 <= n && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_') {
            int a = hexval(s[i + 2]), b = hexval(s[i + 3]), c = hexval(s[i + 4]),
                d = hexval(s[i + 5]);
            if (a >= 0 && b >= 0 && c >= 0 && d >= 0) {
                uint32_t cp = (uint32_t)(a << 12 | b << 8 | c << 4 | d);
                if (cp != 0 && (cp < 0xD800 || cp > 0xDFFF)) {
                    char enc[4];
                    size_t k = beian_utf8_encode(cp, enc);
                    memcpy(s + o, enc, k); /* k <= 3 < 7: never overtakes i */
                    o += k;
                    i += 7;
                    continue;
                }
            }
        }
        s[o++] = s[i++];
    }
    *len = o;
}

typedef struct {
    beian_buf arena; /* strings, NUL-terminated */
    size_t *offs;
    size_t n, cap;
    int in_si, in_t, in_rph;
} shared_strings;

static void sst_start(xml_part *x, const char *name, const char **atts)
{
    (void)atts;
    shared_strings *s = x->user;
    if (strcmp(name, "si") == 0) {
        s->in_si = 1;
        x->text.len = 0;
    } else if (strcmp(name, "rPh") == 0) {
        s->in_rph = 1;
    } else if (strcmp(name, "t") == 0 && s->in_si && !s->in_rph) {
        x->collect = 1;
    }
}

static void sst_end(xml_part *x, const char *name)
{
    shared_strings *s = x->user;
    if (strcmp(name, "t") == 0) {
        x->collect = 0;
    } else if (strcmp(name, "rPh") == 0) {
        s->in_rph = 0;
    } else if (strcmp(name, "si") == 0) {
        s->in_si = 0;
        if (s->n == s->cap) {
            size_t cap = s->cap ? s->cap * 2 : 1024;
            size_t *offs = cap <= XLSX_MAX_STRINGS ? realloc(s->offs, cap * sizeof *offs) : NULL;
            if (!offs) {
                x->rc = BEIAN_EINTERNAL;
                XML_StopParser(x->parser, XML_FALSE);
                return;
            }
            s->offs = offs;
            s->cap = cap;
        }
        size_t len = x->text.len;
        if (len) {
            unescape_xstring((char *)x->text.data, &len);
        }
        s->offs[s->n++] = s->arena.len;
        if ((len && beian_buf_append(&s->arena, x->text.data, len) != BEIAN_OK) ||
            beian_buf_append(&s->arena, "", 1) != BEIAN_OK) {
            x->rc = BEIAN_EINTERNAL;
            XML_StopParser(x->parser, XML_FALSE);
        }
        x->text.len = 0;
    }
}

/* ---- the worksheet ---- */

typedef struct {
    xlsx *w;
    const shared_strings *sst;
    long row;      /* current row number (1-based) */
    long col;      /* column of the last cell, -1 at a row's start */
    char type[16]; /* the cell's t attribute */
    int in_c, in_v, in_is, in_rph;
    int row_open;
    int row_has_r; /* the <row> gave its number */
} ws_state;

/* "B7" -> column 1 (0-based) and *row 7; 0 when ref is not a cell reference. */
static int parse_ref(const char *ref, long *col, long *row)
{
    long c = 0, r = 0;
    size_t i = 0;
    for (; ref[i] >= 'A' && ref[i] <= 'Z'; i++) {
        if (i >= 3) {
            return 0;
        }
        c = c * 26 + (ref[i] - 'A' + 1);
    }
    if (i == 0) {
        return 0;
    }
    size_t j = i;
    for (; ref[j] >= '0' && ref[j] <= '9'; j++) {
        if (j - i >= 7) {
            return 0;
        }
        r = r * 10 + (ref[j] - '0');
    }
    if (ref[j] != '\0' || j == i) {
        return 0;
    }
    *col = c - 1;
    *row = r;
    return 1;
}

/* Parses a decimal row number attribute (1..1048576 in Excel); 0 when invalid. */
static long parse_row(const char *s)
{
    long v = 0;
    if (!s || !*s) {
        return 0;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > 10000000) {
            return 0;
        }
        v = v * 10 + (*s - '0');
    }
    return v;
}

/*
 * A number cell's digits as a person typed them: "13895012345" stays, "45.0" becomes "45",
 * "1.3895012345E10" becomes "13895012345" (integers with at most 17 digits; anything else is
 * kept as stored). n is rewritten in place; its length never grows beyond 24 bytes + n.
 */
static void normalise_number(beian_buf *b)
{
    char *s = (char *)b->data;
    size_t n = b->len;
    char digits[32];
    size_t nd = 0, point = 0, i = 0;
    int seen_point = 0, neg = 0;
    long exp = 0;
    if (n == 0 || n > 30) {
        return;
    }
    if (s[0] == '-') {
        neg = 1;
        i = 1;
    }
    for (; i < n && ((s[i] >= '0' && s[i] <= '9') || s[i] == '.'); i++) {
        if (s[i] == '.') {
            if (seen_point) {
                return;
            }
            seen_point = 1;
            point = nd;
        } else {
            digits[nd++] = s[i];
        }
    }
    if (!seen_point) {
        point = nd;
    }
    if (i < n) {
        if (s[i] != 'E' && s[i] != 'e') {
            return;
        }
        i++;
        int eneg = 0;
        if (i < n && (s[i] == '+' || s[i] == '-')) {
            eneg = s[i] == '-';
            i++;
        }
        if (i == n) {
            return;
        }
        for (; i < n; i++) {
            if (s[i] < '0' || s[i] > '9' || exp > 100) {
                return;
            }
            exp = exp * 10 + (s[i] - '0');
        }
        exp = eneg ? -exp : exp;
    }
    long int_len = (long)point + exp; /* digits before the decimal point */
    /* the digits after the point must all be zero for an integer */
    for (long k = int_len < 0 ? 0 : int_len; k < (long)nd; k++) {
        if (digits[k] != '0') {
            return;
        }
    }
    if (int_len <= 0 || int_len > 17) {
        return;
    }
    char out[24];
    size_t o = 0;
    if (neg) {
        out[o++] = '-';
    }
    for (long k = 0; k < int_len; k++) {
        out[o++] = k < (long)nd ? digits[k] : '0';
    }
    /* leading zeros of the integer part ("0.0" -> "0") */
    size_t start = neg ? 1 : 0;
    while (o - start > 1 && out[start] == '0') {
        memmove(out + start, out + start + 1, o - start - 1);
        o--;
    }
    memcpy(s, out, o);
    b->len = o;
}

static void ws_start(xml_part *x, const char *name, const char **atts)
{
    ws_state *st = x->user;
    if (strcmp(name, "row") == 0) {
        long r = parse_row(attr(atts, "r"));
        st->row_has_r = r > st->row;
        st->row = r > st->row ? r : st->row + 1;
        st->col = -1;
        st->row_open = 1;
    } else if (strcmp(name, "c") == 0) {
        const char *ref = attr(atts, "r");
        const char *t = attr(atts, "t");
        long col = st->col + 1, row = st->row;
        if (ref && !parse_ref(ref, &col, &row)) {
            x->rc = damaged(st->w, NULL, "a cell has a malformed reference");
            return;
        }
        if (ref && row != st->row && st->col == -1 && !st->row_has_r && row > st->row) {
            st->row = row; /* a <row> without r: its cells say where it is */
        }
        if (col <= st->col || (ref && row != st->row)) {
            x->rc = damaged(st->w, NULL, "cells are out of order");
            return;
        }
        st->col = col;
        snprintf(st->type, sizeof st->type, "%s", t ? t : "n");
        st->in_c = 1;
        x->text.len = 0;
    } else if (st->in_c && strcmp(name, "v") == 0) {
        st->in_v = 1;
        x->collect = 1;
    } else if (st->in_c && strcmp(name, "is") == 0) {
        st->in_is = 1;
    } else if (st->in_is && strcmp(name, "rPh") == 0) {
        st->in_rph = 1;
    } else if (st->in_is && !st->in_rph && strcmp(name, "t") == 0) {
        x->collect = 1;
    }
}

static void ws_cell(xml_part *x, ws_state *st)
{
    const char *text = (const char *)x->text.data;
    size_t len = x->text.len;
    int flags = 0;
    beian_buf_terminate(&x->text);
    if (strcmp(st->type, "s") == 0) {
        long idx = parse_row(x->text.len ? (const char *)x->text.data : NULL);
        int zero = x->text.len == 1 && x->text.data[0] == '0';
        if ((idx == 0 && !zero) || (size_t)idx >= st->sst->n) {
            x->rc = damaged(st->w, NULL, "a cell points to a shared string that does not exist");
            return;
        }
        text = (const char *)st->sst->arena.data + st->sst->offs[idx];
        len = strlen(text);
    } else if (strcmp(st->type, "inlineStr") == 0 || strcmp(st->type, "str") == 0) {
        unescape_xstring((char *)x->text.data, &len);
    } else if (strcmp(st->type, "b") == 0) {
        text = len == 1 && text[0] == '1' ? "TRUE" : "FALSE";
        len = strlen(text);
    } else if (strcmp(st->type, "n") == 0) {
        normalise_number(&x->text);
        text = (const char *)x->text.data;
        len = x->text.len;
        flags = len ? BEIAN_CELL_NUMBER : 0;
    }
    /* "e" (an error such as #N/A) and "d" (an ISO date) are kept as written */
    int line = st->row > INT32_MAX ? INT32_MAX : (int)st->row;
    x->rc = beian_sheet_push_cell(st->w->sh, (size_t)st->col, text ? text : "", len, flags, line,
                                  st->w->pr);
}

static void ws_end(xml_part *x, const char *name)
{
    ws_state *st = x->user;
    if (strcmp(name, "c") == 0 && st->in_c) {
        ws_cell(x, st);
        st->in_c = st->in_v = st->in_is = 0;
        x->collect = 0;
        x->text.len = 0;
    } else if (strcmp(name, "v") == 0) {
        st->in_v = 0;
        x->collect = 0;
    } else if (strcmp(name, "rPh") == 0) {
        st->in_rph = 0;
    } else if (strcmp(name, "t") == 0 && st->in_is) {
        x->collect = 0;
    } else if (strcmp(name, "is") == 0) {
        st->in_is = 0;
    } else if (strcmp(name, "row") == 0 && st->row_open) {
        int line = st->row > INT32_MAX ? INT32_MAX : (int)st->row;
        x->rc = beian_sheet_end_row(st->w->sh, line, line, st->w->pr);
        st->row_open = 0;
    }
    if (x->rc != BEIAN_OK) {
        XML_StopParser(x->parser, XML_FALSE);
    }
}

/* The directory of a part name, with its trailing slash ("" at the root). */
static char *part_dir(const char *part)
{
    const char *slash = strrchr(part, '/');
    return beian_strndup(part, slash ? (size_t)(slash - part) + 1 : 0);
}

/* The .rels part of a part: xl/workbook.xml -> xl/_rels/workbook.xml.rels */
static char *rels_name(const char *part)
{
    const char *slash = strrchr(part, '/');
    size_t dir = slash ? (size_t)(slash - part) + 1 : 0;
    return beian_asprintf("%.*s_rels/%s.rels", (int)dir, part, part + dir);
}

static int xlsx_set_format(beian_sheet *sh, const char *name)
{
    char *format = beian_asprintf("xlsx, sheet \"%s\"", name);
    int rc = format ? beian_sheet_set_format(sh, format) : BEIAN_EINTERNAL;
    free(format);
    return rc;
}

int beian_xlsx_read(beian_sheet *sh, const unsigned char *data, size_t len, const char *sheet_name,
                    beian_problems *pr)
{
    xlsx w = {NULL, sh, pr, sh->path};
    char why[BEIAN_ZIP_WHY_SIZE];
    rels root = {0}, wb_rels = {0};
    sheet_list sheets = {0};
    shared_strings sst;
    char *wb_part = NULL, *wb_dir = NULL, *wb_rels_name = NULL, *ws_part = NULL, *sst_part = NULL;
    const sheet_ref *chosen = NULL;
    ws_state st;
    xml_part x_root = {NULL, rels_start, NULL, &root, 0, {NULL, 0, 0, 0}, BEIAN_OK};
    xml_part x_wb = {NULL, workbook_start, NULL, &sheets, 0, {NULL, 0, 0, 0}, BEIAN_OK};
    xml_part x_rels = {NULL, rels_start, NULL, &wb_rels, 0, {NULL, 0, 0, 0}, BEIAN_OK};
    xml_part x_sst = {NULL, sst_start, sst_end, &sst, 0, {NULL, 0, 0, 0}, BEIAN_OK};
    xml_part x_ws = {NULL, ws_start, ws_end, &st, 0, {NULL, 0, 0, 0}, BEIAN_OK};
    int rc;
    memset(&st, 0, sizeof st);
    st.w = &w;
    st.sst = &sst;
    st.col = -1;
    memset(&sst, 0, sizeof sst);
    beian_buf_init(&sst.arena);
    rc = beian_zip_open(data, len, 0, &w.za, why);
    if (rc == BEIAN_EDATA) {
        rc = damaged(&w, NULL, why);
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    /* 1. the workbook part, from the package relationships */
    rc = parse_part(&w, "_rels/.rels", &x_root);
    if (rc != BEIAN_OK && rc != BEIAN_ENOINPUT) {
        goto done;
    }
    for (size_t i = 0; i < root.n && !wb_part; i++) {
        if (ends_with(root.items[i].type, "/officeDocument")) {
            wb_part = resolve_target("", root.items[i].target);
        }
    }
    if (!wb_part && !(wb_part = beian_strdup("xl/workbook.xml"))) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    /* 2. the sheets it lists */
    rc = parse_part(&w, wb_part, &x_wb);
    if (rc == BEIAN_ENOINPUT) {
        rc = damaged(&w, NULL, "it has no workbook part; is it a Word or PowerPoint file?");
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    if (sheets.n == 0) {
        rc = damaged(&w, wb_part, "it lists no worksheet");
        goto done;
    }
    for (size_t i = 0; i < sheets.n && !chosen; i++) {
        if (sheet_name ? strcmp(sheets.items[i].name, sheet_name) == 0 : !sheets.items[i].hidden) {
            chosen = &sheets.items[i];
        }
    }
    if (!chosen && !sheet_name) {
        chosen = &sheets.items[0];
    }
    if (!chosen) {
        beian_buf names;
        beian_buf_init(&names);
        for (size_t i = 0; i < sheets.n; i++) {
            beian_buf_appendf(&names, "%s\"%s\"", i ? ", " : "", sheets.items[i].name);
        }
        beian_buf_terminate(&names);
        beian_problems_add(pr, BEIAN_SEV_ERROR, w.path, 0, 0, NULL, NULL,
                           "has no sheet named \"%s\"; its sheets are %s", sheet_name,
                           names.data ? (const char *)names.data : "");
        beian_buf_release(&names);
        rc = BEIAN_EDATA;
        goto done;
    }
    /* 3. the parts the workbook's relationships point to */
    wb_dir = part_dir(wb_part);
    wb_rels_name = rels_name(wb_part);
    if (!wb_dir || !wb_rels_name) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    rc = parse_part(&w, wb_rels_name, &x_rels);
    if (rc != BEIAN_OK && rc != BEIAN_ENOINPUT) {
        goto done;
    }
    for (size_t i = 0; i < wb_rels.n; i++) {
        const rel *r = &wb_rels.items[i];
        if (!ws_part && strcmp(r->id, chosen->rid) == 0) {
            ws_part = resolve_target(wb_dir, r->target);
        } else if (!sst_part && ends_with(r->type, "/sharedStrings")) {
            sst_part = resolve_target(wb_dir, r->target);
        }
    }
    if (!ws_part) {
        rc = damaged(&w, wb_rels_name, "the sheet's part is not found");
        goto done;
    }
    if (!sst_part && !(sst_part = beian_asprintf("%ssharedStrings.xml", wb_dir))) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    /* 4. shared strings (a workbook of only numbers or inline strings has none) */
    rc = parse_part(&w, sst_part, &x_sst);
    if (rc != BEIAN_OK && rc != BEIAN_ENOINPUT) {
        goto done;
    }
    /* 5. the cells */
    rc = parse_part(&w, ws_part, &x_ws);
    if (rc == BEIAN_ENOINPUT) {
        rc = damaged(&w, ws_part, "the sheet's part is missing");
    }
    if (rc != BEIAN_OK) {
        goto done;
    }
    rc = xlsx_set_format(sh, chosen->name);
done:
    beian_zip_close(w.za);
    rels_free(&root);
    rels_free(&wb_rels);
    sheet_list_free(&sheets);
    beian_buf_release(&sst.arena);
    free(sst.offs);
    free(wb_part);
    free(wb_dir);
    free(wb_rels_name);
    free(ws_part);
    free(sst_part);
    return rc;
}
