/*
 * archive_bag.c - the BagIt layer of a bundle (RFC 8493, BagIt 1.0): the tag files written
 * around the payload under data/, and their check.
 *
 *     bagit.txt               the declaration (RFC 8493 2.1.1)
 *     bag-info.txt            metadata (2.2.2): Bagging-Date, Payload-Oxum, and beian's own
 *                             Beian-* labels; Previous-Bundle-SHA256 chains the versions
 *     manifest-sha256.txt     "<sha256>  data/<file>" for every payload file (2.1.3), the
 *                             format `sha256sum -c` reads
 *     tagmanifest-sha256.txt  the same for the three tag files above (2.2.1)
 *
 * The bag sits at the ZIP root (not in a top-level folder) so that a bundle is the bag.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "archive_bag.h"
#include "beian/version.h"
#include "sha256.h"
#include "util.h"

#define DECLARATION "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"

void bag_meta_release(bag_meta *m)
{
    free(m->record);
    free(m->date);
    free(m->form);
    free(m->record_sha);
    free(m->prev_sha);
    free(m->description);
    memset(m, 0, sizeof *m);
}

static int cmp_names(const void *a, const void *b)
{
    const beian_bundle_entry *x = a;
    const beian_bundle_entry *y = b;
    return strcmp(x->name, y->name);
}

/* Appends "<sha256>  <name>\n" for each entry, in name order. */
static int manifest_text(const beian_bundle_entry *e, size_t n, beian_buf *out)
{
    int rc = BEIAN_OK;
    beian_bundle_entry *sorted = malloc((n ? n : 1) * sizeof *sorted);
    if (!sorted) {
        return BEIAN_EINTERNAL;
    }
    memcpy(sorted, e, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_names);
    for (size_t i = 0; i < n && rc == BEIAN_OK; i++) {
        char hex[BEIAN_SHA256_HEX_SIZE];
        rc = beian_sha256_hex(sorted[i].data, sorted[i].len, hex);
        if (rc == BEIAN_OK) {
            rc = beian_buf_appendf(out, "%s  %s\n", hex, sorted[i].name);
        }
    }
    free(sorted);
    return rc;
}

/* RFC 8493 2.2.2: "It is RECOMMENDED that lines not exceed 79 characters in length"; a long
 * value continues on lines indented with whitespace. */
#define BAG_INFO_WIDTH 79
#define BAG_INFO_INDENT "  "

/* Characters (not bytes: 名称 is two) of s[0..n). */
static size_t chars(const char *s, size_t n)
{
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    }
    return c;
}

/*
 * One "Label: value" of bag-info, folded at 79 characters (line breaks and tabs in the value
 * become spaces first). A value without spaces that does not fit after its label (a SHA-256)
 * goes on its own indented line; a longer value breaks at single spaces, each break taking the
 * place of its space, so that a reader unfolding "line break + whitespace" to one space (or to
 * nothing right after the label) gets the value back. A run of text longer than a line is left
 * whole: the value never changes for the sake of the width.
 */
static int append_value(beian_buf *b, const char *label, const char *value)
{
    char *v = beian_strdup(value);
    int rc = v ? BEIAN_OK : BEIAN_EINTERNAL;
    for (char *p = v; p && *p; p++) {
        *p = (*p == '\n' || *p == '\r' || *p == '\t') ? ' ' : *p;
    }
    size_t label_cols = strlen(label) + 2, len = v ? strlen(v) : 0;
    if (rc == BEIAN_OK && label_cols + chars(v, len) <= BAG_INFO_WIDTH) {
        rc = beian_buf_appendf(b, "%s: %s\n", label, v);
    } else if (rc == BEIAN_OK && !strchr(v, ' ')) {
        rc = beian_buf_appendf(b, "%s:\n" BAG_INFO_INDENT "%s\n", label, v);
    } else if (rc == BEIAN_OK) {
        /* pieces between single spaces, as many on a line as fit */
        size_t used = label_cols, start = 0;
        int first = 1;
        rc = beian_buf_appendf(b, "%s:", label);
        while (rc == BEIAN_OK && start < len) {
            size_t end = start + 1;
            while (end < len && !(v[end] == ' ' && v[end - 1] != ' ' && end + 1 < len &&
                                  v[end + 1] != ' ')) {
                end++;
            }
            size_t cols = chars(v + start, end - start);
            if (first || used + 1 + cols <= BAG_INFO_WIDTH) {
                rc = beian_buf_append(b, " ", 1);
                used += 1 + cols;
            } else {
                rc = beian_buf_append(b, "\n" BAG_INFO_INDENT, 1 + strlen(BAG_INFO_INDENT));
                used = strlen(BAG_INFO_INDENT) + cols;
            }
            if (rc == BEIAN_OK) {
                rc = beian_buf_append(b, v + start, end - start);
            }
            first = 0;
            start = end + 1; /* past the space the break or the " " stands for */
        }
        if (rc == BEIAN_OK) {
            rc = beian_buf_append(b, "\n", 1);
        }
    }
    free(v);
    return rc == BEIAN_OK ? BEIAN_OK : BEIAN_EINTERNAL;
}

int bag_build(beian_ctx *ctx, const bag_meta *m, const beian_bundle_entry *payload, size_t n,
              unsigned char **zip, size_t *len)
{
    int rc = BEIAN_EINTERNAL;
    beian_buf info, manifest, tags;
    beian_bundle_entry *all = NULL;
    unsigned long long octets = 0;
    beian_buf_init(&info);
    beian_buf_init(&manifest);
    beian_buf_init(&tags);
    for (size_t i = 0; i < n; i++) {
        octets += payload[i].len;
    }
    if (manifest_text(payload, n, &manifest) != BEIAN_OK ||
        beian_buf_appendf(&info,
                          "Bag-Software-Agent: beian %s\n"
                          "Bagging-Date: %s\n"
                          "External-Identifier: %s v%d\n"
                          "Payload-Oxum: %llu.%zu\n"
                          "Beian-Record: %s\n"
                          "Beian-Version: %d\n"
                          "Beian-Event: %s\n"
                          "Beian-State: %s\n",
                          BEIAN_VERSION, m->date, m->record, m->version, octets, n, m->record,
                          m->version, beian_archive_event_name(m->event),
                          beian_archive_state_name(m->state)) != BEIAN_OK ||
        append_value(&info, "Beian-Form", m->form) != BEIAN_OK ||
        append_value(&info, "Beian-Record-SHA256", m->record_sha) != BEIAN_OK ||
        (m->prev_sha && append_value(&info, "Previous-Bundle-SHA256", m->prev_sha) != BEIAN_OK) ||
        (m->description &&
         append_value(&info, "Internal-Sender-Description", m->description) != BEIAN_OK)) {
        goto done;
    }
    all = calloc(n + 4, sizeof *all);
    if (!all) {
        goto done;
    }
    memcpy(all, payload, n * sizeof *all);
    beian_bundle_entry tagfiles[3] = {
        {BAG_DECLARATION, (unsigned char *)DECLARATION, strlen(DECLARATION)},
        {BAG_INFO, info.data, info.len},
        {BAG_MANIFEST, manifest.data, manifest.len},
    };
    if (manifest_text(tagfiles, 3, &tags) != BEIAN_OK) {
        goto done;
    }
    memcpy(all + n, tagfiles, sizeof tagfiles);
    all[n + 3] = (beian_bundle_entry){BAG_TAGMANIFEST, tags.data, tags.len};
    rc = beian_bundle_zip(ctx, all, n + 4, m->date, zip, len);
done:
    free(all);
    beian_buf_release(&info);
    beian_buf_release(&manifest);
    beian_buf_release(&tags);
    return rc;
}

/* ---- checking ---- */

typedef struct {
    char *path;
    char hex[BEIAN_SHA256_HEX_SIZE];
    int seen;
} manifest_line;

typedef struct {
    manifest_line *lines;
    size_t n;
} manifest;

static void manifest_release(manifest *mf)
{
    for (size_t i = 0; i < mf->n; i++) {
        free(mf->lines[i].path);
    }
    free(mf->lines);
    mf->lines = NULL;
    mf->n = 0;
}

static manifest_line *manifest_find(manifest *mf, const char *path);

/* Parses a manifest; *bad_line is the first line that is not "<64 hex> <path>" with a path
 * under prefix (NULL: outside data/), or that repeats a path (0: none). */
static int manifest_parse(const beian_bundle_entry *e, const char *prefix, manifest *mf,
                          size_t *bad_line)
{
    *bad_line = 0;
    size_t lineno = 0;
    const char *p = (const char *)e->data, *end = p + e->len;
    if (memchr(e->data, '\0', e->len)) {
        *bad_line = 1;
        return BEIAN_OK;
    }
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
        lineno++;
        if (ll > 0 && p[ll - 1] == '\r') {
            ll--;
        }
        size_t sp = 64;
        while (sp < ll && (p[sp] == ' ' || p[sp] == '\t')) {
            sp++;
        }
        if (ll < 66 || sp == 64 || sp >= ll || !nl) {
            *bad_line = lineno;
            return BEIAN_OK;
        }
        manifest_line l = {NULL, "", 0};
        for (int i = 0; i < 64; i++) {
            char c = p[i];
            if (c >= 'A' && c <= 'F') {
                c = (char)(c - 'A' + 'a');
            }
            l.hex[i] = c;
        }
        l.hex[64] = '\0';
        if (!beian_sha256_hex_valid(l.hex)) {
            *bad_line = lineno;
            return BEIAN_OK;
        }
        l.path = beian_strndup(p + sp, ll - sp);
        if (!l.path) {
            return BEIAN_EINTERNAL;
        }
        int under = strncmp(l.path, "data/", 5) == 0;
        if ((prefix ? !under : under) || manifest_find(mf, l.path)) {
            free(l.path);
            *bad_line = lineno;
            return BEIAN_OK;
        }
        manifest_line *grown = realloc(mf->lines, (mf->n + 1) * sizeof *grown);
        if (!grown) {
            free(l.path);
            return BEIAN_EINTERNAL;
        }
        mf->lines = grown;
        mf->lines[mf->n++] = l;
        p = nl + 1;
    }
    return BEIAN_OK;
}

static manifest_line *manifest_find(manifest *mf, const char *path)
{
    for (size_t i = 0; i < mf->n; i++) {
        if (strcmp(mf->lines[i].path, path) == 0) {
            return &mf->lines[i];
        }
    }
    return NULL;
}

/* A folded value [v, ve) unfolded: each line break with the whitespace around it is one space,
 * or nothing where the value starts on a continuation line (a bundle written before values
 * were folded has no breaks and comes back unchanged). malloc'd; NULL when out of memory. */
static char *unfold(const char *v, const char *ve)
{
    char *out = malloc((size_t)(ve - v) + 1);
    size_t k = 0;
    for (const char *p = v; out && p < ve; p++) {
        if (*p == '\r' || *p == '\n') {
            while (k > 0 && (out[k - 1] == ' ' || out[k - 1] == '\t')) {
                k--;
            }
            while (p + 1 < ve && (p[1] == '\r' || p[1] == '\n' || p[1] == ' ' || p[1] == '\t')) {
                p++;
            }
            if (k > 0) {
                out[k++] = ' ';
            }
            continue;
        }
        out[k++] = *p;
    }
    if (out) {
        out[k] = '\0';
    }
    return out;
}

/* The value of label in bag-info text (folded lines joined); NULL when absent. *count says
 * how many times it appears. */
static char *info_value(const beian_bundle_entry *e, const char *label, int *count)
{
    char *value = NULL;
    size_t ll = strlen(label);
    const char *p = (const char *)e->data, *end = p + e->len;
    *count = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        if ((size_t)(le - p) > ll && memcmp(p, label, ll) == 0 && p[ll] == ':') {
            const char *v = p + ll + 1;
            while (v < le && (*v == ' ' || *v == '\t')) {
                v++;
            }
            const char *ve = le;
            /* folded continuation lines (RFC 8493 2.2.2) */
            while (ve < end && ve + 1 < end && (ve[1] == ' ' || ve[1] == '\t')) {
                const char *n2 = memchr(ve + 1, '\n', (size_t)(end - ve - 1));
                ve = n2 ? n2 : end;
            }
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ')) {
                ve--;
            }
            (*count)++;
            if (!value) {
                value = unfold(v, ve);
            }
        }
        p = nl ? nl + 1 : end;
    }
    return value;
}

static int bag_info_check(const beian_bundle_entry *e, const char *label, bag_meta *m,
                          beian_findings *f)
{
    static const char *const required[] = {"Bagging-Date",  "Payload-Oxum",       "Beian-Record",
                                           "Beian-Version", "Beian-Event",        "Beian-State",
                                           "Beian-Form",    "Beian-Record-SHA256"};
    char *v[8] = {NULL};
    char *prev = NULL, *desc = NULL;
    int rc = BEIAN_OK, count = 0, bad = 0;
    if (memchr(e->data, '\0', e->len) || beian_utf8_check(e->data, e->len) != e->len) {
        return beian_findings_add(f, BEIAN_V_BAG_INFO, label, "bag-info.txt is not UTF-8 text");
    }
    for (size_t i = 0; i < 8; i++) {
        v[i] = info_value(e, required[i], &count);
        if (!v[i] || count != 1) {
            rc = beian_findings_add(f, BEIAN_V_BAG_INFO, label, "bag-info.txt %s %s",
                                    count ? "repeats" : "lacks", required[i]);
            bad = 1;
        }
    }
    prev = info_value(e, "Previous-Bundle-SHA256", &count);
    desc = info_value(e, "Internal-Sender-Description", &count);
    if (bad || rc != BEIAN_OK) {
        goto done;
    }
    char *end;
    long ver = strtol(v[3], &end, 10);
    beian_event_kind ev;
    beian_state st;
    const char *what = NULL;
    if (!beian_date_valid(v[0])) {
        what = "Bagging-Date is not a date";
    } else if (strspn(v[1], "0123456789.") != strlen(v[1]) || !strchr(v[1], '.')) {
        what = "Payload-Oxum is not <bytes>.<files>";
    } else if (!beian_record_no_valid(v[2])) {
        what = "Beian-Record is not a record number";
    } else if (*end || ver < 1 || ver > 100000) {
        what = "Beian-Version is not a version number";
    } else if (beian_archive_event_parse(v[4], &ev) != BEIAN_OK) {
        what = "Beian-Event names no event";
    } else if (beian_archive_state_parse(v[5], &st) != BEIAN_OK || st == BEIAN_STATE_NONE) {
        what = "Beian-State names no state";
    } else if (!beian_sha256_hex_valid(v[7])) {
        what = "Beian-Record-SHA256 is not a SHA-256";
    } else if (ver > 1 && (!prev || !beian_sha256_hex_valid(prev))) {
        what = "Previous-Bundle-SHA256 is missing or not a SHA-256 (every version after the "
               "first names the bundle before it)";
    } else if (ver == 1 && prev) {
        what = "Previous-Bundle-SHA256 is given in version 1";
    }
    if (what) {
        rc = beian_findings_add(f, BEIAN_V_BAG_INFO, label, "bag-info.txt: %s", what);
        goto done;
    }
    m->date = v[0];
    m->record = v[2];
    m->version = (int)ver;
    m->event = ev;
    m->state = st;
    m->form = v[6];
    m->record_sha = v[7];
    m->prev_sha = prev;
    m->description = desc;
    v[0] = v[2] = v[6] = v[7] = NULL;
    prev = desc = NULL;
done:
    for (size_t i = 0; i < 8; i++) {
        free(v[i]);
    }
    free(prev);
    free(desc);
    return rc;
}

/* Checks the payload against manifest-sha256.txt and Payload-Oxum. */
static int payload_check(const beian_bundle *b, const char *label, const char *oxum,
                         beian_findings *f)
{
    int rc = BEIAN_OK;
    manifest mf = {NULL, 0};
    size_t bad_line = 0;
    const beian_bundle_entry *me = beian_bundle_get(b, BAG_MANIFEST);
    if (!me) {
        return beian_findings_add(f, BEIAN_V_BAG_MANIFEST, label, "no manifest-sha256.txt");
    }
    rc = manifest_parse(me, "data/", &mf, &bad_line);
    if (rc != BEIAN_OK) {
        goto done;
    }
    if (bad_line) {
        rc = beian_findings_add(f, BEIAN_V_BAG_MANIFEST, label,
                                "manifest-sha256.txt line %zu is not \"<sha256>  data/<file>\" "
                                "for a file not listed before",
                                bad_line);
        goto done;
    }
    unsigned long long octets = 0;
    size_t streams = 0;
    for (size_t i = 0; i < b->n && rc == BEIAN_OK; i++) {
        const beian_bundle_entry *e = &b->entries[i];
        if (strncmp(e->name, "data/", 5) != 0) {
            continue;
        }
        octets += e->len;
        streams++;
        manifest_line *ml = manifest_find(&mf, e->name);
        char hex[BEIAN_SHA256_HEX_SIZE];
        if (!ml) {
            rc = beian_findings_add(f, BEIAN_V_BAG_UNLISTED, label,
                                    "%s is not in manifest-sha256.txt (added after filing?)",
                                    e->name);
            continue;
        }
        ml->seen = 1;
        rc = beian_sha256_hex(e->data, e->len, hex);
        if (rc == BEIAN_OK && strcmp(hex, ml->hex) != 0) {
            rc = beian_findings_add(f, BEIAN_V_BAG_DIGEST, label,
                                    "%s does not match its SHA-256 in manifest-sha256.txt (the "
                                    "file was altered)",
                                    e->name);
        }
    }
    for (size_t i = 0; i < mf.n && rc == BEIAN_OK; i++) {
        if (!mf.lines[i].seen) {
            rc = beian_findings_add(f, BEIAN_V_BAG_MISSING, label,
                                    "manifest-sha256.txt lists %s, which the bundle lacks",
                                    mf.lines[i].path);
        }
    }
    if (rc == BEIAN_OK && oxum) {
        char want[48];
        snprintf(want, sizeof want, "%llu.%zu", octets, streams);
        if (strcmp(want, oxum) != 0) {
            rc = beian_findings_add(f, BEIAN_V_BAG_OXUM, label,
                                    "Payload-Oxum says %s but data/ holds %s (bytes.files)", oxum,
                                    want);
        }
    }
done:
    manifest_release(&mf);
    return rc;
}

static int is_tag_file(const char *name)
{
    return strcmp(name, BAG_DECLARATION) == 0 || strcmp(name, BAG_INFO) == 0 ||
           strcmp(name, BAG_MANIFEST) == 0 || strcmp(name, BAG_TAGMANIFEST) == 0;
}

static int tagmanifest_check(const beian_bundle *b, const char *label, beian_findings *f)
{
    int rc = BEIAN_OK;
    manifest mf = {NULL, 0};
    size_t bad_line = 0;
    const beian_bundle_entry *te = beian_bundle_get(b, BAG_TAGMANIFEST);
    if (!te) {
        return beian_findings_add(f, BEIAN_V_BAG_TAGMANIFEST, label, "no tagmanifest-sha256.txt");
    }
    rc = manifest_parse(te, NULL, &mf, &bad_line);
    if (rc != BEIAN_OK) {
        goto done;
    }
    if (bad_line) {
        rc = beian_findings_add(f, BEIAN_V_BAG_TAGMANIFEST, label,
                                "tagmanifest-sha256.txt line %zu is not \"<sha256>  <file>\"",
                                bad_line);
        goto done;
    }
    for (size_t i = 0; i < b->n && rc == BEIAN_OK; i++) {
        const beian_bundle_entry *e = &b->entries[i];
        if (strncmp(e->name, "data/", 5) == 0 || strcmp(e->name, BAG_TAGMANIFEST) == 0) {
            continue;
        }
        manifest_line *ml = manifest_find(&mf, e->name);
        char hex[BEIAN_SHA256_HEX_SIZE];
        if (!ml) {
            rc = beian_findings_add(f, BEIAN_V_BAG_TAGMANIFEST, label,
                                    "tagmanifest-sha256.txt does not list %s", e->name);
            continue;
        }
        ml->seen = 1;
        rc = beian_sha256_hex(e->data, e->len, hex);
        if (rc == BEIAN_OK && strcmp(hex, ml->hex) != 0) {
            rc = beian_findings_add(f, BEIAN_V_BAG_TAGMANIFEST, label,
                                    "%s does not match its SHA-256 in tagmanifest-sha256.txt",
                                    e->name);
        }
    }
    for (size_t i = 0; i < mf.n && rc == BEIAN_OK; i++) {
        if (!mf.lines[i].seen) {
            rc = beian_findings_add(f, BEIAN_V_BAG_TAGMANIFEST, label,
                                    "tagmanifest-sha256.txt lists %s, which the bundle lacks",
                                    mf.lines[i].path);
        }
    }
done:
    manifest_release(&mf);
    return rc;
}

int bag_check(const beian_bundle *b, const char *label, bag_meta *m, beian_findings *f)
{
    int rc = BEIAN_OK;
    memset(m, 0, sizeof *m);
    const beian_bundle_entry *decl = beian_bundle_get(b, BAG_DECLARATION);
    if (!decl) {
        rc = beian_findings_add(f, BEIAN_V_BAG_DECLARATION, label, "no bagit.txt: not a bag");
    } else if (decl->len != strlen(DECLARATION) || memcmp(decl->data, DECLARATION, decl->len)) {
        rc = beian_findings_add(f, BEIAN_V_BAG_DECLARATION, label,
                                "bagit.txt is not \"BagIt-Version: 1.0\" with UTF-8 tag files");
    }
    for (size_t i = 0; i < b->n && rc == BEIAN_OK; i++) {
        const char *name = b->entries[i].name;
        if (strncmp(name, "data/", 5) != 0 && !is_tag_file(name)) {
            rc = beian_findings_add(f, BEIAN_V_BAG_STRAY, label,
                                    "%s is outside data/ and is not a tag file of the bag", name);
        }
    }
    const beian_bundle_entry *info = beian_bundle_get(b, BAG_INFO);
    if (rc == BEIAN_OK) {
        rc = info ? bag_info_check(info, label, m, f)
                  : beian_findings_add(f, BEIAN_V_BAG_INFO, label, "no bag-info.txt");
    }
    if (rc == BEIAN_OK) {
        int count = 0;
        char *oxum = info ? info_value(info, "Payload-Oxum", &count) : NULL;
        rc = payload_check(b, label, oxum, f);
        free(oxum);
    }
    if (rc == BEIAN_OK) {
        rc = tagmanifest_check(b, label, f);
    }
    return rc;
}
