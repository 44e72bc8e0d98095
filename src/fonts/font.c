/*
 * font.c - the font set: roles to faces, coverage and metrics through harfbuzz, and
 * per-document subsets through hb-subset.
 *
 * Faces are memory-mapped and parsed once per process (hb_blob_create_from_file), so a batch
 * of a thousand forms pays for parsing once. Before a face is used it is checked: only faces
 * with head, hhea, hmtx, cmap and maxp tables and either glyf and loca (TrueType outlines)
 * or CFF (OpenType CFF, embedded as CIDFontType0) are accepted.
 *
 * This file is the one that includes harfbuzz's headers (tests/unit/test_ttf.c uses hb-subset
 * too, to make test fonts). fonts/fonts.json, the roles' chains, is read with jansson (through
 * util/json.c).
 */
#define _GNU_SOURCE
#include "beian/font.h"

#include <dirent.h>
#include <strings.h>
#include <hb-ot.h>
#include <hb-subset.h>
#include <hb.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beian/ttf.h"
#include "ctx_private.h"
#include "font_digest.h"
#include "sha256.h"
#include "util.h"

enum { MAX_FACES = 16, CHAIN_MAX = MAX_FACES, CACHE_SIZE = 4096 };
#define CACHE_EMPTY 0xFFFFFFFFu

/*
 * Embedded subsets are rescaled to 64 units per em (beian_ttf_rescale): 1/64 em is 0.07 mm
 * at 12 pt, about a 600 dpi printer's dot and invisible at 300 dpi, and coordinates that small
 * deflate about 20 % better, which is most of what keeps a form with 200 different characters
 * under 30 KiB.
 * Every width beian measures is the rescaled one, so layout, PDF widths and the font program
 * agree to the unit.
 */
#define QUANT_UPEM 64u

typedef struct {
    char *path;
    int index;
    char *name;
    char digest[BEIAN_SHA256_HEX_SIZE]; /* of the file, computed on first use */
    font_identity id;                   /* the file when it was opened (font_digest.c) */
    hb_blob_t *blob;
    hb_face_t *face;
    hb_font_t *font;
    unsigned upem;
    unsigned q_upem;   /* units per em of the embedded subsets (QUANT_UPEM, or upem) */
    int ascent, descent; /* 1/1000 em */
    int cap_height;      /* 1/1000 em */
    char psname[64];     /* PostScript name, PDF name characters only */
    int cff;             /* CFF outlines (OpenType 'OTTO'), not glyf */
} face_rec;

struct beian_fonts {
    face_rec faces[MAX_FACES];
    int nfaces;
    int chain[2][CHAIN_MAX]; /* per role, face indexes in lookup order */
    int nchain[2];
    /* Faces that print Latin letters and digits (latin_char) before the role's chain, scaled
     * per role to the role's first face (latin_scale_for); scale 0: not used in that role */
    int latin[CHAIN_MAX], nlatin;
    double latin_scale[2][CHAIN_MAX];
    int oom; /* memory ran out while faces were opened: the set is not what fonts.json says */
    /* Answers already given, direct-mapped by code point: the layout asks the same few
     * hundred characters thousands of times a page, and every harfbuzz lookup costs about
     * a hundred instructions. Not observable state (the fonts never change once loaded), so
     * the const accessors fill them; a beian_fonts is used by one thread. */
    struct {
        uint32_t key; /* role << 24 | cp, CACHE_EMPTY when unused */
        int face;
    } lookups[CACHE_SIZE];
    struct {
        uint32_t key; /* face << 24 | cp */
        int width;
    } advances[CACHE_SIZE];
};

static void face_release(face_rec *f)
{
    hb_font_destroy(f->font);
    hb_face_destroy(f->face);
    hb_blob_destroy(f->blob);
    free(f->path);
    free(f->name);
}

void beian_fonts_free(beian_fonts *fs)
{
    if (!fs) {
        return;
    }
    for (int i = 0; i < fs->nfaces; i++) {
        face_release(&fs->faces[i]);
    }
    free(fs);
}

/* The face's PostScript name for the PDF's /BaseFont, reduced to characters a PDF name takes
 * unescaped (the name table is untrusted); "Font" when it has none. */
static void ps_name(face_rec *f)
{
    char raw[128];
    unsigned size = sizeof raw;
    size_t k = 0;
    if (hb_ot_name_get_utf8(f->face, HB_OT_NAME_ID_POSTSCRIPT_NAME, HB_LANGUAGE_INVALID, &size,
                            raw) > 0) {
        for (size_t i = 0; raw[i] && k + 1 < sizeof f->psname; i++) {
            char c = raw[i];
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                c == '-' || c == '_' || c == '.') {
                f->psname[k++] = c;
            }
        }
    }
    if (k == 0) {
        memcpy(f->psname, "Font", 4);
        k = 4;
    }
    f->psname[k] = '\0';
}

static int has_table(hb_face_t *face, const char *tag)
{
    hb_blob_t *b = hb_face_reference_table(face, hb_tag_from_string(tag, 4));
    unsigned len = hb_blob_get_length(b);
    hb_blob_destroy(b);
    return len > 0;
}

/* Opens path#index as a checked TrueType face; returns its slot or -1. */
static int open_face(beian_fonts *fs, const char *path, int index)
{
    for (int i = 0; i < fs->nfaces; i++) {
        if (fs->faces[i].index == index && strcmp(fs->faces[i].path, path) == 0) {
            return i;
        }
    }
    if (fs->nfaces == MAX_FACES || !beian_path_exists(path)) {
        return -1;
    }
    face_rec f = {0};
    font_identity_of(path, &f.id); /* before it is mapped: a later change only misses */
    f.blob = hb_blob_create_from_file_or_fail(path);
    if (!f.blob) {
        return -1;
    }
    if ((unsigned)index >= hb_face_count(f.blob)) {
        hb_blob_destroy(f.blob);
        return -1;
    }
    f.face = hb_face_create(f.blob, (unsigned)index);
    if (f.face == hb_face_get_empty() && hb_blob_get_length(f.blob) > 0) {
        fs->oom = 1; /* harfbuzz gives the empty face when it cannot allocate one */
        hb_blob_destroy(f.blob);
        return -1;
    }
    /* TrueType outlines, or CFF ones (embedded as CIDFontType0, see pdf.c) */
    static const char *const need[] = {"glyf", "loca", "head", "hhea", "hmtx", "cmap", "maxp"};
    f.cff = has_table(f.face, "CFF ") && !has_table(f.face, "glyf");
    for (size_t i = f.cff ? 2 : 0; i < sizeof need / sizeof need[0]; i++) {
        if (!has_table(f.face, need[i])) {
            hb_face_destroy(f.face);
            hb_blob_destroy(f.blob);
            return -1;
        }
    }
    f.font = hb_font_create(f.face);
    f.upem = hb_face_get_upem(f.face);
    if (f.upem == 0) {
        f.upem = 1000;
    }
    hb_font_set_scale(f.font, (int)f.upem, (int)f.upem);
    hb_font_extents_t ext;
    if (hb_font_get_h_extents(f.font, &ext)) {
        f.ascent = (int)((long)ext.ascender * 1000 / (long)f.upem);
        f.descent = (int)((long)ext.descender * 1000 / (long)f.upem);
    } else {
        f.ascent = 880, f.descent = -120;
    }
    hb_position_t cap = 0;
    f.cap_height = hb_ot_metrics_get_position(f.font, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap) && cap > 0
                       ? (int)((long)cap * 1000 / (long)f.upem)
                       : f.ascent * 7 / 10;
    ps_name(&f);
    char name[256];
    unsigned size = sizeof name;
    if (hb_ot_name_get_utf8(f.face, HB_OT_NAME_ID_FONT_FAMILY, hb_language_from_string("en", -1),
                            &size, name) == 0) {
        snprintf(name, sizeof name, "%s", path);
    }
    f.name = beian_strdup(name);
    f.path = beian_strdup(path);
    f.index = index;
    if (!f.name || !f.path || f.font == hb_font_get_empty()) {
        fs->oom = 1;
        face_release(&f);
        return -1;
    }
    f.q_upem = f.cff && f.upem > QUANT_UPEM ? QUANT_UPEM : f.upem; /* glyf: the probe below */
    fs->faces[fs->nfaces] = f;
    int slot = fs->nfaces++;
    if (f.upem > QUANT_UPEM && !f.cff) { /* CFF subsets are embedded as they are */
        /* probe: rescale a one-character subset; the tables, not the characters, decide */
        hb_set_t *all = hb_set_create();
        hb_face_collect_unicodes(f.face, all);
        hb_codepoint_t first = HB_SET_VALUE_INVALID;
        unsigned char *data = NULL;
        size_t len = 0;
        int rc = BEIAN_OK;
        if (!hb_set_allocation_successful(all) || !hb_set_next(all, &first)) {
            /* the face has a cmap (checked above): no character at all means harfbuzz
             * could not allocate while reading it */
            rc = BEIAN_EINTERNAL;
        } else {
            rc = beian_fonts_subset(fs, slot, &first, 1, &data, &len, NULL);
        }
        if (rc == BEIAN_OK && data) {
            unsigned char *q = NULL;
            size_t qlen = 0;
            rc = beian_ttf_rescale(data, len, QUANT_UPEM, &q, &qlen);
            if (rc == BEIAN_OK) {
                fs->faces[slot].q_upem = QUANT_UPEM;
            } else if (rc == BEIAN_EDATA) {
                rc = BEIAN_OK; /* a font the rescaler does not take is embedded as it is */
            }
            free(q);
        }
        free(data);
        hb_set_destroy(all);
        if (rc != BEIAN_OK) {
            /* out of memory: embedding unscaled would silently change the output */
            fs->oom = 1;
            face_release(&fs->faces[slot]);
            fs->nfaces--;
            return -1;
        }
    }
    return slot;
}

/* Resolves a candidate ("file.ttf", "/abs/file.ttc#1") to a face slot, or -1. */
static int candidate(beian_fonts *fs, const char *dir, const char *spec)
{
    char *s = beian_strdup(spec);
    int index = 0;
    int slot = -1;
    if (!s) {
        fs->oom = 1;
        return -1;
    }
    char *hash = strrchr(s, '#');
    if (hash) {
        *hash = '\0';
        index = (int)strtol(hash + 1, NULL, 10);
    }
    char *path = strchr(s, '/') ? beian_strdup(s) : beian_path_join(dir, s);
    if (path) {
        slot = open_face(fs, path, index);
    } else {
        fs->oom = 1;
    }
    free(path);
    free(s);
    return slot;
}

static void chain_add(beian_fonts *fs, int role, int slot)
{
    if (slot < 0 || fs->nchain[role] == CHAIN_MAX) {
        return;
    }
    for (int i = 0; i < fs->nchain[role]; i++) {
        if (fs->chain[role][i] == slot) {
            return;
        }
    }
    fs->chain[role][fs->nchain[role]++] = slot;
}

static int first_of(beian_fonts *fs, const char *dir, json_t *list)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        int slot = json_is_string(v) ? candidate(fs, dir, json_string_value(v)) : -1;
        if (slot >= 0) {
            return slot;
        }
    }
    return -1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* TrueType and OpenType files dropped into the fonts folder, sorted by name (stable order). */
static void dropped_fonts(beian_fonts *fs, const char *dir, int *slots, int *n)
{
    DIR *d = opendir(dir);
    char *names[64];
    int count = 0;
    *n = 0;
    if (!d) {
        return;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL && count < 64) {
        size_t len = strlen(e->d_name);
        if (len > 4 && (strcasecmp(e->d_name + len - 4, ".ttf") == 0 ||
                        strcasecmp(e->d_name + len - 4, ".otf") == 0 ||
                        strcasecmp(e->d_name + len - 4, ".ttc") == 0)) {
            names[count] = beian_strdup(e->d_name);
            if (!names[count]) {
                fs->oom = 1;
                continue;
            }
            count++;
        }
    }
    closedir(d);
    qsort(names, (size_t)count, sizeof(char *), cmp_str);
    for (int i = 0; i < count; i++) {
        int slot = candidate(fs, dir, names[i]);
        if (slot >= 0 && *n < MAX_FACES) {
            slots[(*n)++] = slot;
        }
        free(names[i]);
    }
}

/* Height of glyph cp above the baseline (its whole height when whole), in em; 0 if absent. */
static double glyph_height(const face_rec *f, uint32_t cp, int whole)
{
    hb_codepoint_t g = 0;
    hb_glyph_extents_t e;
    if (!hb_font_get_nominal_glyph(f->font, cp, &g) || !hb_font_get_glyph_extents(f->font, g, &e)) {
        return 0;
    }
    return (double)(whole ? -e.height : e.y_bearing) / (double)f->upem;
}

/* The scale that makes latin's H LATIN_CAP_RATIO of cjk's 国. Faces drawn together keep 0.86
 * (Noto Serif/Sans CJK, bench/fonts/README.md), Times New Roman beside 宋体 in the Word form
 * about 0.77; 0.82 gives Liberation Serif beside UMing x1.05, digits that neither outgrow
 * UMing's light ideographs nor look small (by eye, 110 and 200 dpi). To 1/100 (a readable
 * trace); 1 when a glyph is missing; within 0.8-1.25 so odd metrics stay readable. */
#define LATIN_CAP_RATIO 0.82
static double latin_scale_for(const face_rec *cjk, const face_rec *latin)
{
    double hanzi = glyph_height(cjk, 0x56FD, 1);
    double cap = glyph_height(latin, 'H', 0);
    if (hanzi <= 0 || cap <= 0) {
        return 1.0;
    }
    double k = LATIN_CAP_RATIO * hanzi / cap;
    k = k < 0.8 ? 0.8 : k > 1.25 ? 1.25 : k;
    return (double)(long)(k * 100 + 0.5) / 100;
}

/* The characters the Latin faces print before the role's chain: Basic Latin, Latin-1 and
 * Latin Extended-A/B, except the middle dot U+00B7, the 间隔号 of 阿依古丽·买买提, which
 * belongs to the Chinese face (GB/T 15834). */
static int latin_char(uint32_t cp)
{
    return cp >= 0x20 && cp <= 0x24F && cp != 0xB7 && (cp < 0x7F || cp >= 0xA0);
}

/* 1 when face has Latin of its own drawn to go with it: proportional (i narrower than M),
 * as Noto Serif CJK's; a typewriter Latin (UMing, 仿宋_GB2312) or none is not. */
static int own_latin(const face_rec *f)
{
    hb_codepoint_t i, m;
    return hb_font_get_nominal_glyph(f->font, 'i', &i) &&
           hb_font_get_nominal_glyph(f->font, 'M', &m) &&
           hb_font_get_glyph_h_advance(f->font, i) < hb_font_get_glyph_h_advance(f->font, m);
}

/* Reads the optional "latin" list of fonts.json: every face found, in order, used in the
 * roles whose first face has no Latin of its own. */
static void latin_faces(beian_fonts *fs, const char *dir, json_t *list)
{
    size_t i;
    json_t *v;
    json_array_foreach(list, i, v)
    {
        int slot = json_is_string(v) ? candidate(fs, dir, json_string_value(v)) : -1;
        if (slot >= 0 && fs->nlatin < CHAIN_MAX) {
            fs->latin[fs->nlatin++] = slot;
        }
    }
    for (int role = 0; role < 2; role++) {
        const face_rec *cjk = fs->nchain[role] ? &fs->faces[fs->chain[role][0]] : NULL;
        for (int k = 0; k < fs->nlatin; k++) {
            fs->latin_scale[role][k] = !cjk                ? 1.0
                                       : own_latin(cjk) ? 0
                                                        : latin_scale_for(cjk, &fs->faces[fs->latin[k]]);
        }
    }
}

static int fonts_load(beian_ctx *ctx, beian_fonts **out)
{
    int rc = BEIAN_OK;
    json_error_t jerr;
    json_t *root = NULL;
    beian_buf text;
    beian_buf_init(&text);
    char *conf = beian_path_join(ctx->fonts_dir, "fonts.json");
    beian_fonts *fs = calloc(1, sizeof *fs);
    *out = NULL;
    if (!conf || !fs) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    for (size_t i = 0; i < CACHE_SIZE; i++) {
        fs->lookups[i].key = fs->advances[i].key = CACHE_EMPTY;
    }
    /* read, then parse through beian_json_loadb: jansson reports a failed allocation in its
     * lexer as a syntax error, which would blame the configuration for a lack of memory */
    int err = 0;
    rc = beian_file_read(conf, 1u << 20, &text, &err);
    if (rc == BEIAN_EINTERNAL) {
        goto done;
    }
    if (rc != BEIAN_OK) {
        rc = beian_ctx_fail(ctx, BEIAN_ECONFIG, "%s: cannot read the font configuration: %s",
                            conf, err ? strerror(err) : "larger than 1 MiB");
        goto done;
    }
    int oom = 0;
    root = beian_json_loadb(text.data, text.len, JSON_REJECT_DUPLICATES, &jerr, &oom);
    if (oom) {
        rc = BEIAN_EINTERNAL;
        goto done;
    }
    if (!root) {
        rc = beian_ctx_fail(ctx, BEIAN_ECONFIG, "%s:%d: cannot read the font configuration: %s",
                            conf, jerr.line, jerr.text);
        goto done;
    }
    json_t *roles = json_object_get(root, "roles");
    json_t *title = json_object_get(roles, "title");
    json_t *body = json_object_get(roles, "body");
    json_t *fallback = json_object_get(roles, "fallback");
    if (!json_is_array(title) || !json_is_array(body) || !json_is_array(fallback)) {
        rc = beian_ctx_fail(ctx, BEIAN_ECONFIG,
                            "%s: \"roles\" must give lists \"title\", \"body\" and \"fallback\"",
                            conf);
        goto done;
    }
    int body_slot = first_of(fs, ctx->fonts_dir, body);
    int title_slot = first_of(fs, ctx->fonts_dir, title);
    int dropped[MAX_FACES], ndropped;
    dropped_fonts(fs, ctx->fonts_dir, dropped, &ndropped);
    for (int role = 0; role < 2; role++) {
        if (role == BEIAN_ROLE_TITLE) {
            chain_add(fs, role, title_slot);
        }
        chain_add(fs, role, body_slot);
        for (int i = 0; i < ndropped; i++) {
            chain_add(fs, role, dropped[i]);
        }
        size_t i;
        json_t *v;
        json_array_foreach(fallback, i, v)
        {
            if (json_is_string(v)) {
                chain_add(fs, role, candidate(fs, ctx->fonts_dir, json_string_value(v)));
            }
        }
    }
    json_t *latin = json_object_get(roles, "latin");
    if (latin && !json_is_array(latin)) {
        rc = beian_ctx_fail(ctx, BEIAN_ECONFIG, "%s: \"latin\" must be a list of fonts", conf);
        goto done;
    }
    latin_faces(fs, ctx->fonts_dir, latin);
    if (fs->oom) {
        /* never print in another font than the configuration names because memory ran out */
        rc = beian_ctx_fail(ctx, BEIAN_EINTERNAL, "out of memory while opening the fonts");
        goto done;
    }
    if (fs->nchain[BEIAN_ROLE_BODY] == 0) {
        rc = beian_ctx_fail(ctx, BEIAN_ECONFIG,
                            "no usable TrueType font was found for the body text (see %s); "
                            "install fonts-arphic-uming and fonts-wqy-zenhei (make deps), or "
                            "drop a TrueType font into %s",
                            conf, ctx->fonts_dir);
        goto done;
    }
    *out = fs;
    fs = NULL;
done:
    json_decref(root);
    beian_buf_release(&text);
    free(conf);
    beian_fonts_free(fs);
    return rc;
}

static void fonts_release(void *fs)
{
    beian_fonts_free(fs);
}

int beian_ctx_fonts(beian_ctx *ctx, beian_fonts **out)
{
    if (!ctx->fonts) {
        beian_fonts *fs = NULL;
        int rc = fonts_load(ctx, &fs);
        if (rc != BEIAN_OK) {
            *out = NULL;
            return rc;
        }
        ctx->fonts = fs;
        ctx->fonts_release = fonts_release;
    }
    *out = ctx->fonts;
    return BEIAN_OK;
}

size_t beian_fonts_count(const beian_fonts *fs)
{
    return (size_t)fs->nfaces;
}

const char *beian_fonts_path(const beian_fonts *fs, int face)
{
    return fs->faces[face].path;
}

int beian_fonts_index(const beian_fonts *fs, int face)
{
    return fs->faces[face].index;
}

const char *beian_fonts_name(const beian_fonts *fs, int face)
{
    return fs->faces[face].name;
}

const char *beian_fonts_digest(const beian_fonts *cfs, int face)
{
    beian_fonts *fs = (beian_fonts *)cfs; /* the digest is computed once and cached */
    face_rec *f = &fs->faces[face];
    if (f->digest[0]) {
        return f->digest;
    }
    unsigned len = 0;
    const char *data = hb_blob_get_data(f->blob, &len);
    if (font_digest(f->path, &f->id, data, len, f->digest) != BEIAN_OK) {
        f->digest[0] = '\0';
        return "";
    }
    return f->digest;
}

uint32_t beian_fonts_glyph(const beian_fonts *fs, int face, uint32_t cp)
{
    hb_codepoint_t g = 0;
    if (!hb_font_get_nominal_glyph(fs->faces[face].font, cp, &g)) {
        return 0;
    }
    return g;
}

/* cp below 2^24 and role or face below 256 make a key; anything else is never cached */
static int cache_key(unsigned hi, uint32_t cp, uint32_t *key)
{
    if (cp >= 0x1000000u || hi >= 0xFFu) {
        return 0;
    }
    *key = (uint32_t)hi << 24 | cp;
    return 1;
}

int beian_fonts_lookup(const beian_fonts *fs, beian_font_role role, uint32_t cp)
{
    uint32_t key;
    int cached = cache_key((unsigned)role, cp, &key);
    beian_fonts *mut = (beian_fonts *)fs; /* the cache only, see struct beian_fonts */
    size_t slot = (cp * 2654435761u >> 20) % CACHE_SIZE;
    if (cached && fs->lookups[slot].key == key) {
        return fs->lookups[slot].face;
    }
    int face = -1;
    for (int i = 0; latin_char(cp) && i < fs->nlatin && face < 0; i++) {
        if (fs->latin_scale[role][i] > 0 && beian_fonts_glyph(fs, fs->latin[i], cp) != 0) {
            face = fs->latin[i];
        }
    }
    for (int i = 0; i < fs->nchain[role] && face < 0; i++) {
        if (beian_fonts_glyph(fs, fs->chain[role][i], cp) != 0) {
            face = fs->chain[role][i];
        }
    }
    if (cached) {
        mut->lookups[slot].key = key;
        mut->lookups[slot].face = face;
    }
    return face;
}

int beian_fonts_chain(const beian_fonts *fs, beian_font_role role, size_t i)
{
    return i < (size_t)fs->nchain[role] ? fs->chain[role][i] : -1;
}

double beian_fonts_embolden(const beian_fonts *fs, beian_font_role role)
{
    return role == BEIAN_ROLE_TITLE && fs->nchain[role] > 0 && fs->nchain[BEIAN_ROLE_BODY] > 0 &&
                   fs->chain[role][0] == fs->chain[BEIAN_ROLE_BODY][0]
               ? BEIAN_FONTS_EMBOLDEN
               : 0;
}

unsigned beian_fonts_embed_upem(const beian_fonts *fs, int face)
{
    return fs->faces[face].q_upem;
}

int beian_fonts_is_cff(const beian_fonts *fs, int face)
{
    return fs->faces[face].cff;
}

int beian_fonts_latin(const beian_fonts *fs, size_t i)
{
    return i < (size_t)fs->nlatin ? fs->latin[i] : -1;
}

int beian_fonts_latin_used(const beian_fonts *fs, beian_font_role role, size_t i)
{
    return i < (size_t)fs->nlatin && fs->latin_scale[role][i] > 0;
}

double beian_fonts_scale(const beian_fonts *fs, beian_font_role role, int face)
{
    for (int i = 0; i < fs->nlatin; i++) {
        if (fs->latin[i] == face && fs->latin_scale[role][i] > 0) {
            return fs->latin_scale[role][i];
        }
    }
    return 1.0;
}

int beian_fonts_private_use(uint32_t cp)
{
    return (cp >= 0xE000 && cp <= 0xF8FF) || cp >= 0xF0000;
}

int beian_fonts_face_for(const beian_fonts *fs, beian_font_role role, uint32_t cp)
{
    return beian_fonts_private_use(cp) ? -1 : beian_fonts_lookup(fs, role, cp);
}

const char *beian_fonts_unprintable(const beian_fonts *fs, beian_font_role role, uint32_t cp)
{
    if (beian_fonts_private_use(cp)) {
        return "is a private-use character, which has no agreed meaning and prints differently "
               "in every font; replace it";
    }
    if (beian_fonts_lookup(fs, role, cp) < 0) {
        return "is in none of the installed fonts; install a font that has it "
               "(fonts-hanazono, fonts-babelstone-han) or drop one into fonts/";
    }
    return NULL;
}

static int advance(const beian_fonts *fs, int face, uint32_t cp);

int beian_fonts_advance(const beian_fonts *fs, int face, uint32_t cp)
{
    uint32_t key;
    int cached = cache_key((unsigned)face, cp, &key);
    beian_fonts *mut = (beian_fonts *)fs; /* the cache only, see struct beian_fonts */
    size_t slot = ((cp ^ (uint32_t)face << 17) * 2654435761u >> 20) % CACHE_SIZE;
    if (cached && fs->advances[slot].key == key) {
        return fs->advances[slot].width;
    }
    int width = advance(fs, face, cp);
    if (cached) {
        mut->advances[slot].key = key;
        mut->advances[slot].width = width;
    }
    return width;
}

static int advance(const beian_fonts *fs, int face, uint32_t cp)
{
    const face_rec *f = &fs->faces[face];
    hb_codepoint_t g = beian_fonts_glyph(fs, face, cp);
    hb_position_t adv = hb_font_get_glyph_h_advance(f->font, g);
    /* libharu stores widths as (advance * 1000 / upem) truncated; measure the same way so a
     * line that fits here fits in the PDF. */
    if (f->q_upem != f->upem) {
        /* the rescaled advance, rounded half up as beian_ttf_rescale rounds */
        long q = ((long)adv * f->q_upem * 2 + f->upem) / (2L * f->upem);
        return (int)(q * 1000 / (long)f->q_upem);
    }
    return (int)((long)adv * 1000 / (long)f->upem);
}

void beian_fonts_extents(const beian_fonts *fs, int face, int *ascent, int *descent)
{
    *ascent = fs->faces[face].ascent;
    *descent = fs->faces[face].descent;
}

int beian_fonts_cap_height(const beian_fonts *fs, int face)
{
    return fs->faces[face].cap_height;
}

const char *beian_fonts_postscript_name(const beian_fonts *fs, int face)
{
    return fs->faces[face].psname;
}

int beian_fonts_subset(beian_fonts *fs, int face, const uint32_t *cps, size_t n,
                       unsigned char **data, size_t *len, uint32_t *gids)
{
    int rc = BEIAN_EINTERNAL;
    hb_subset_plan_t *plan = NULL;
    hb_face_t *sub = NULL;
    hb_blob_t *blob = NULL;
    *data = NULL;
    *len = 0;
    hb_subset_input_t *in = hb_subset_input_create_or_fail();
    if (!in) {
        return BEIAN_EINTERNAL;
    }
    hb_set_t *uni = hb_subset_input_unicode_set(in);
    for (size_t i = 0; i < n; i++) {
        hb_set_add(uni, cps[i]);
    }
    hb_subset_input_set_flags(in, HB_SUBSET_FLAGS_NO_HINTING);
    /* What a PDF viewer needs of a CIDFontType2 program (ISO 32000-1, 9.9): the glyphs and
     * their metrics. The PDF maps codes to glyphs itself (CIDToGIDMap), so cmap goes, and
     * with it name, post and OS/2 (the descriptor carries the metrics), and the layout
     * tables: about 1 KB of every document. */
    hb_set_t *drop = hb_subset_input_set(in, HB_SUBSET_SETS_DROP_TABLE_TAG);
    static const char *const tables[] = {"GSUB", "GPOS", "GDEF", "BASE", "JSTF", "morx", "kern",
                                         "vhea", "vmtx", "VORG", "DSIG", "EBDT", "EBLC", "EBSC",
                                         "gasp", "hdmx", "LTSH", "VDMX", "MATH", "cmap", "name",
                                         "post", "OS/2", "PCLT", "meta", "STAT"};
    for (size_t i = 0; i < sizeof tables / sizeof tables[0]; i++) {
        hb_set_add(drop, hb_tag_from_string(tables[i], 4));
    }
    if (!hb_set_allocation_successful(uni) || !hb_set_allocation_successful(drop)) {
        goto done;
    }
    plan = hb_subset_plan_create_or_fail(fs->faces[face].face, in);
    if (!plan) {
        goto done;
    }
    if (gids) {
        /* each character's glyph in the subset: its glyph in the face, renumbered */
        const hb_map_t *to_old = hb_subset_plan_unicode_to_old_glyph_mapping(plan);
        const hb_map_t *to_new = hb_subset_plan_old_to_new_glyph_mapping(plan);
        for (size_t i = 0; i < n; i++) {
            hb_codepoint_t old = hb_map_get(to_old, cps[i]);
            hb_codepoint_t g = old == HB_MAP_VALUE_INVALID ? old : hb_map_get(to_new, old);
            if (g == HB_MAP_VALUE_INVALID) {
                goto done; /* a character the face lacks: the layout checked it has it */
            }
            gids[i] = g;
        }
    }
    sub = hb_subset_plan_execute_or_fail(plan);
    if (!sub) {
        goto done;
    }
    blob = hb_face_reference_blob(sub);
    unsigned blen = 0;
    const char *bytes = hb_blob_get_data(blob, &blen);
    if (!bytes || blen == 0) {
        goto done;
    }
    if (fs->faces[face].q_upem != fs->faces[face].upem) {
        /* decided when the face was opened (a probe rescale succeeded): must succeed again */
        rc = beian_ttf_rescale((const unsigned char *)bytes, blen, fs->faces[face].q_upem, data,
                               len);
        if (rc != BEIAN_OK) {
            rc = BEIAN_EINTERNAL;
        }
        goto done;
    }
    *data = malloc(blen);
    if (!*data) {
        goto done;
    }
    memcpy(*data, bytes, blen);
    *len = blen;
    rc = BEIAN_OK;
done:
    hb_blob_destroy(blob);
    hb_face_destroy(sub);
    hb_subset_plan_destroy(plan);
    hb_subset_input_destroy(in);
    return rc;
}

/* harfbuzz draw callbacks forwarding to a beian_outline_sink, scaling font units to em. */
typedef struct {
    const beian_outline_sink *sink;
    void *user;
    double k; /* 1 / upem */
} outline_ctx;

static void o_move(hb_draw_funcs_t *df, void *d, hb_draw_state_t *st, float x, float y, void *u)
{
    (void)df, (void)st, (void)u;
    outline_ctx *o = d;
    o->sink->move_to(o->user, x * o->k, y * o->k);
}

static void o_line(hb_draw_funcs_t *df, void *d, hb_draw_state_t *st, float x, float y, void *u)
{
    (void)df, (void)st, (void)u;
    outline_ctx *o = d;
    o->sink->line_to(o->user, x * o->k, y * o->k);
}

static void o_quad(hb_draw_funcs_t *df, void *d, hb_draw_state_t *st, float cx, float cy,
                   float x, float y, void *u)
{
    (void)df, (void)st, (void)u;
    outline_ctx *o = d;
    o->sink->quad_to(o->user, cx * o->k, cy * o->k, x * o->k, y * o->k);
}

static void o_cubic(hb_draw_funcs_t *df, void *d, hb_draw_state_t *st, float c1x, float c1y,
                    float c2x, float c2y, float x, float y, void *u)
{
    (void)df, (void)st, (void)u;
    outline_ctx *o = d;
    o->sink->cubic_to(o->user, c1x * o->k, c1y * o->k, c2x * o->k, c2y * o->k, x * o->k,
                      y * o->k);
}

static void o_close(hb_draw_funcs_t *df, void *d, hb_draw_state_t *st, void *u)
{
    (void)df, (void)st, (void)u;
    outline_ctx *o = d;
    o->sink->close_path(o->user);
}

void beian_fonts_outline(const beian_fonts *fs, int face, uint32_t gid,
                         const beian_outline_sink *sink, void *user)
{
    hb_draw_funcs_t *df = hb_draw_funcs_create();
    hb_draw_funcs_set_move_to_func(df, o_move, NULL, NULL);
    hb_draw_funcs_set_line_to_func(df, o_line, NULL, NULL);
    hb_draw_funcs_set_quadratic_to_func(df, o_quad, NULL, NULL);
    hb_draw_funcs_set_cubic_to_func(df, o_cubic, NULL, NULL);
    hb_draw_funcs_set_close_path_func(df, o_close, NULL, NULL);
    outline_ctx o = {sink, user, 1.0 / fs->faces[face].upem};
    hb_font_get_glyph_shape(fs->faces[face].font, gid, df, &o);
    hb_draw_funcs_destroy(df);
}

const char *beian_fonts_library_version(void)
{
    return hb_version_string();
}
