/*
 * verify.c - the table of verify codes and the findings list.
 *
 * The table is the single place a code's meaning and the advice given with it are written;
 * `beian verify --codes` prints it and docs/archive.md copies it. Each code has a fixture in
 * tests/fixtures/verify/<CODE>/ that must raise it.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "beian/verify.h"
#include "util.h"

static const beian_verify_code codes[] = {
    {BEIAN_V_ZIP_UNREADABLE, "the file is not a ZIP, is cut short, or libzip refuses it",
     "restore the bundle from a backup copy"},
    {BEIAN_V_ZIP_STRUCTURE,
     "the ZIP's headers contradict each other (local header against central directory, data "
     "descriptor, sizes, multi-disk or ZIP64 records)",
     "restore the bundle from a backup copy"},
    {BEIAN_V_ZIP_STRAY_BYTES,
     "bytes that belong to no entry: data before, between or after the entries, or a comment",
     "restore the bundle from a backup copy; someone may have hidden data in it"},
    {BEIAN_V_ZIP_OVERLAP, "two entries share bytes, or an entry runs into the directory",
     "restore the bundle from a backup copy; the file was crafted"},
    {BEIAN_V_ZIP_UNSAFE_NAME,
     "an entry name that is absolute, climbs out with \"..\", holds a backslash, a control "
     "character or non-ASCII bytes",
     "do not unzip it; restore the bundle from a backup copy"},
    {BEIAN_V_ZIP_DUPLICATE, "two entries with the same name",
     "restore the bundle from a backup copy; programs disagree on which entry they read"},
    {BEIAN_V_ZIP_CASE, "two entries whose names differ only in upper/lower case",
     "restore the bundle from a backup copy"},
    {BEIAN_V_ZIP_SYMLINK, "an entry is a symbolic link",
     "do not unzip it; restore the bundle from a backup copy"},
    {BEIAN_V_ZIP_DIRECTORY, "an entry is a directory", "restore the bundle from a backup copy"},
    {BEIAN_V_ZIP_ENCRYPTED, "an entry is encrypted", "restore the bundle from a backup copy"},
    {BEIAN_V_ZIP_NESTED, "an entry is itself an archive (ZIP, gzip, tar, 7z, ...)",
     "restore the bundle from a backup copy"},
    {BEIAN_V_ZIP_NOT_STORED, "an entry is compressed; beian stores every entry as it is",
     "restore the bundle from a backup copy"},
    {BEIAN_V_ZIP_SIZE,
     "the file, an entry or the total is larger than the limits, or an entry expands more "
     "than 100 times (a zip bomb)",
     "do not unzip it; restore the bundle from a backup copy"},
    {BEIAN_V_ZIP_CRC, "an entry's data does not match its CRC-32: it was altered or damaged",
     "restore the bundle from a backup copy"},
    {BEIAN_V_ZIP_LENGTH, "an entry holds more or fewer bytes than it declares",
     "restore the bundle from a backup copy"},
    {BEIAN_V_BAG_DECLARATION, "bagit.txt is missing or is not BagIt 1.0 in UTF-8",
     "restore the bundle from a backup copy"},
    {BEIAN_V_BAG_INFO, "bag-info.txt is missing, malformed, or lacks a field beian writes",
     "restore the bundle from a backup copy"},
    {BEIAN_V_BAG_OXUM, "Payload-Oxum (bytes.files of data/) does not match the payload",
     "restore the bundle from a backup copy"},
    {BEIAN_V_BAG_MANIFEST, "manifest-sha256.txt is missing or malformed",
     "restore the bundle from a backup copy"},
    {BEIAN_V_BAG_UNLISTED, "a file under data/ is not in manifest-sha256.txt (added later)",
     "restore the bundle from a backup copy"},
    {BEIAN_V_BAG_MISSING, "manifest-sha256.txt lists a file the bundle does not hold",
     "restore the bundle from a backup copy"},
    {BEIAN_V_BAG_DIGEST, "a file under data/ does not match its SHA-256 in the manifest",
     "restore the bundle from a backup copy"},
    {BEIAN_V_BAG_TAGMANIFEST,
     "tagmanifest-sha256.txt is missing, malformed, or a tag file does not match it",
     "restore the bundle from a backup copy"},
    {BEIAN_V_BAG_STRAY, "a file outside data/ that is not one of the bag's tag files",
     "restore the bundle from a backup copy"},
    {BEIAN_V_REC_CONTENT,
     "the record data, form definition, event or printed form in the bundle is missing, "
     "unreadable, or disagrees with bag-info.txt",
     "restore the bundle from a backup copy"},
    {BEIAN_V_REC_NAME,
     "the bundle's file or folder name disagrees with its bag-info.txt (record number, "
     "version, date)",
     "a bundle was renamed or moved: put it back under its own name"},
    {BEIAN_V_REC_GAP, "the record's versions are not 1, 2, 3, ... without a gap",
     "a version is missing: restore it from a backup copy"},
    {BEIAN_V_REC_CHAIN,
     "Previous-Bundle-SHA256 of a version is not the digest of the version before it",
     "a version was replaced after the next one was filed: restore it from a backup copy"},
    {BEIAN_V_REC_WORKFLOW,
     "an event the workflow does not allow in the record's state (e.g. after dissolution)",
     "the history was forged or mixed up: restore the record from a backup copy"},
    {BEIAN_V_REC_DATE, "a version is dated before the version it follows",
     "the history was forged or mixed up: restore the record from a backup copy"},
    {BEIAN_V_STORE_LEDGER,
     "ledger.txt is malformed, not written the way beian writes it, or its hash chain is "
     "broken (a line altered, removed or reordered), or it was cut short (index.db was made "
     "from more lines)",
     "restore ledger.txt from a backup copy"},
    {BEIAN_V_STORE_DIGEST,
     "a bundle's SHA-256 differs from the one the ledger recorded when it was filed (altered "
     "or forged)",
     "restore the bundle from a backup copy"},
    {BEIAN_V_STORE_MISSING, "the ledger lists a bundle that is not on disk (deleted or moved)",
     "restore the bundle from a backup copy"},
    {BEIAN_V_STORE_UNLEDGERED,
     "a bundle on disk that the ledger does not list (an interrupted commit, or planted)",
     "run `beian fsck`: it completes one interrupted commit (a crash leaves at most one) and "
     "sets a planted file aside; more than one is a lost ledger: restore it from a copy"},
    {BEIAN_V_STORE_STRAY,
     "a file in records/ that is not a bundle beian names, an empty record folder, or a "
     "symbolic link",
     "move the file out of the archive (fsck removes an empty record folder)"},
    {BEIAN_V_STORE_TEMP, "temporary files left by an interrupted commit", "run `beian fsck`"},
    {BEIAN_V_STORE_INDEX,
     "index.db contradicts the ledger: a row that differs from the ledger, a record the ledger "
     "lacks, or a ledger it was not made from (one that is only behind, or missing, is not "
     "damage: it is derived, and the next reader or filing catches it up)",
     "run `beian fsck` to rebuild it"},
    {BEIAN_V_STORE_ANCHOR,
     "the ledger does not match a paper anchor: lines before it were rewritten or the ledger "
     "was cut short",
     "restore ledger.txt and the bundles from a backup made before the damage"},
};

const beian_verify_code *beian_verify_codes(size_t *n)
{
    *n = sizeof codes / sizeof codes[0];
    return codes;
}

const beian_verify_code *beian_verify_code_find(const char *code)
{
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        if (strcmp(codes[i].code, code) == 0) {
            return &codes[i];
        }
    }
    return NULL;
}

struct beian_findings {
    beian_finding *items;
    size_t n, cap;
};

beian_findings *beian_findings_new(void)
{
    return calloc(1, sizeof(beian_findings));
}

void beian_findings_free(beian_findings *f)
{
    if (!f) {
        return;
    }
    for (size_t i = 0; i < f->n; i++) {
        free(f->items[i].path);
        free(f->items[i].message);
    }
    free(f->items);
    free(f);
}

int beian_findings_add(beian_findings *f, const char *code, const char *path, const char *fmt, ...)
{
    const beian_verify_code *c = beian_verify_code_find(code);
    if (!c) {
        return BEIAN_EINTERNAL; /* a code outside the table is a bug */
    }
    if (f->n == f->cap) {
        size_t cap = f->cap ? f->cap * 2 : 8;
        beian_finding *items = realloc(f->items, cap * sizeof *items);
        if (!items) {
            return BEIAN_EINTERNAL;
        }
        f->items = items;
        f->cap = cap;
    }
    va_list ap;
    va_start(ap, fmt);
    char *msg = beian_vasprintf(fmt, ap);
    va_end(ap);
    char *p = path ? beian_strdup(path) : NULL;
    if (!msg || (path && !p)) {
        free(msg);
        free(p);
        return BEIAN_EINTERNAL;
    }
    f->items[f->n].code = c->code;
    f->items[f->n].path = p;
    f->items[f->n].message = msg;
    f->n++;
    return BEIAN_OK;
}

size_t beian_findings_count(const beian_findings *f)
{
    return f ? f->n : 0;
}

const beian_finding *beian_findings_get(const beian_findings *f, size_t i)
{
    return f && i < f->n ? &f->items[i] : NULL;
}

int beian_findings_has(const beian_findings *f, const char *code)
{
    for (size_t i = 0; f && i < f->n; i++) {
        if (strcmp(f->items[i].code, code) == 0) {
            return 1;
        }
    }
    return 0;
}
