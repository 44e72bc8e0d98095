/*
 * archive_index.c - index.db, the register's index: what every reader of the register (list,
 * due, log, search, the checks before a filing) asks, in SQLite tables derived from the
 * ledger and the bundles (Fossil's model: the artifacts are the truth, the tables beside them
 * are rebuilt from them and never trusted over them).
 *
 * The table meta names the ledger the index was made from: its line count and the hash of
 * its last line. The index is written only after its ledger (the commit's last step), one
 * transaction per catch-up, so after a crash it is behind the ledger, never ahead: a reader
 * or the next filing that finds it behind reads the missing lines' bundles and adds them. An
 * index ahead of the ledger means the ledger lost lines (cut short, or an older copy put
 * back): that is damage to report, never a reason to rebuild. An index whose last line's
 * hash differs from the ledger's contradicts it: readers then use a private index built from
 * the bundles, verify reports STORE-INDEX, and fsck or `beian reindex` rebuild it.
 *
 * Tables (docs/archive.md): meta, versions (one row per ledger line, with the dates and
 * details of its event.json and whether its bundle was readable), records (one row per
 * record: its latest state and the fields the register prints), fields (every field of every
 * version that carries data: submissions, changes, and a record's first readable version)
 * with fields_fts (FTS5, trigram) over their normalised text, and warnings (the checks'
 * warnings kept in each event.json).
 */
#define _GNU_SOURCE
#include "archive_index.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "archive_content.h"
#include "archive_load.h"
#include "util.h"

/* Each field row goes into the text index as it is added; an index made anew fills it once
 * at the end instead ('rebuild': a row at a time, FTS5 flushes its pending terms at every
 * statement, a third of a reindex). */
#define FIELDS_TRIGGER                                                                             \
    "CREATE TRIGGER fields_ai AFTER INSERT ON fields BEGIN INSERT INTO fields_fts(rowid, norm) "  \
    "VALUES (new.id, new.norm); END;"

static const char schema_sql[] =
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE versions(seq INTEGER PRIMARY KEY, line_hash TEXT NOT NULL, record TEXT NOT "
    "NULL, version INTEGER NOT NULL, event TEXT NOT NULL, state TEXT NOT NULL, date TEXT NOT "
    "NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL, bundle TEXT NOT NULL, form TEXT, detail "
    "TEXT, changed_on TEXT, closed_on TEXT, opened_on TEXT, review_year INTEGER, review_pass "
    "INTEGER, scan TEXT, scan_name TEXT, has_data INTEGER NOT NULL, scan_unverified TEXT, "
    "signed_unverified TEXT, digest TEXT);"
    "CREATE INDEX versions_record ON versions(record, seq);"
    "CREATE TABLE records(record TEXT PRIMARY KEY, form TEXT, name TEXT, state TEXT NOT NULL, "
    "version INTEGER NOT NULL, date TEXT NOT NULL, last_event TEXT NOT NULL, unit TEXT, admin "
    "TEXT, account TEXT, qr TEXT, number TEXT, unverified INTEGER NOT NULL DEFAULT 0, digest "
    "TEXT);"
    "CREATE INDEX records_state ON records(state);"
    "CREATE TABLE fields(id INTEGER PRIMARY KEY, seq INTEGER NOT NULL, record TEXT NOT NULL, "
    "version INTEGER NOT NULL, field TEXT NOT NULL, label TEXT, value TEXT NOT NULL, norm TEXT "
    "NOT NULL);"
    "CREATE INDEX fields_record ON fields(record, version);"
    "CREATE VIRTUAL TABLE fields_fts USING fts5(norm, content='fields', content_rowid='id', "
    "tokenize='trigram');"
    FIELDS_TRIGGER
    "CREATE TABLE warnings(seq INTEGER NOT NULL, text TEXT NOT NULL);";

/* The lookups of the writers and the checks before signing (archive_lookup.c,
 * archive_facts.c); added to an index of the same schema made before them, as they change no
 * row. */
static const char lookup_sql[] =
    "CREATE INDEX IF NOT EXISTS versions_date ON versions(date);"
    "CREATE INDEX IF NOT EXISTS records_qr ON records(qr);"
    "CREATE INDEX IF NOT EXISTS records_account ON records(account);"
    "CREATE INDEX IF NOT EXISTS records_number ON records(number);"
    "CREATE INDEX IF NOT EXISTS records_name ON records(name);"
    "CREATE INDEX IF NOT EXISTS records_digest ON records(digest);";

static const char drop_sql[] =
    "DROP TRIGGER IF EXISTS fields_ai; DROP TABLE IF EXISTS fields_fts; DROP TABLE IF EXISTS "
    "fields; DROP TABLE IF EXISTS warnings; DROP TABLE IF EXISTS records; DROP TABLE IF EXISTS "
    "versions; DROP TABLE IF EXISTS meta;";

char *index_norm(const char *s)
{
    beian_buf b;
    size_t len = strlen(s);
    size_t at = 0;
    beian_buf_init(&b);
    while (at < len) {
        uint32_t cp = 0;
        size_t k = beian_utf8_decode((const unsigned char *)s + at, len - at, &cp);
        if (k == 0) {
            k = 1;
            cp = (unsigned char)s[at];
        }
        at += k;
        cp = beian_utf8_halfwidth(cp);
        if (cp == ' ' || cp == '-' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0x3000) {
            continue;
        }
        if (cp >= 'A' && cp <= 'Z') {
            cp += 'a' - 'A';
        }
        char enc[8];
        size_t n = beian_utf8_encode(cp, enc);
        enc[n] = '\0';
        beian_buf_appendf(&b, "%s", enc);
    }
    if (beian_buf_terminate(&b) != BEIAN_OK) {
        beian_buf_release(&b);
        return NULL;
    }
    return (char *)b.data;
}

/* ---- what the index knows ---- */

int index_meta_read(beian_sqldb *db, index_meta *m)
{
    beian_sqldb_stmt *st = NULL;
    memset(m, 0, sizeof *m);
    memcpy(m->head, STORE_ZERO_HASH, BEIAN_SHA256_HEX_SIZE);
    memcpy(m->sha256, STORE_ZERO_HASH, BEIAN_SHA256_HEX_SIZE);
    int rc = beian_sqldb_prepare(db, "SELECT count(*) FROM sqlite_master WHERE name='meta'", &st);
    int have = rc == BEIAN_OK && beian_sqldb_step(st) == 1 && beian_sqldb_int(st, 0) > 0;
    beian_sqldb_finalize(st);
    st = NULL;
    if (rc != BEIAN_OK || !have) {
        return rc;
    }
    rc = beian_sqldb_prepare(db, "SELECT key, value FROM meta", &st);
    int r = 0;
    while (rc == BEIAN_OK && (r = beian_sqldb_step(st)) == 1) {
        const char *k = beian_sqldb_text(st, 0);
        const char *v = beian_sqldb_text(st, 1);
        if (strcmp(k, "schema") == 0) {
            m->schema = (int)strtol(v, NULL, 10);
        } else if (strcmp(k, "ledger_lines") == 0) {
            m->lines = (size_t)strtoull(v, NULL, 10);
        } else if (strcmp(k, "ledger_head") == 0 && beian_sha256_hex_valid(v)) {
            memcpy(m->head, v, BEIAN_SHA256_HEX_SIZE);
        } else if (strcmp(k, "ledger_bytes") == 0) {
            m->bytes = (size_t)strtoull(v, NULL, 10);
        } else if (strcmp(k, "ledger_sha256") == 0 && beian_sha256_hex_valid(v)) {
            memcpy(m->sha256, v, BEIAN_SHA256_HEX_SIZE);
        }
    }
    beian_sqldb_finalize(st);
    return rc != BEIAN_OK ? rc : r < 0 ? -r : BEIAN_OK;
}

/* The meta rows of lg: its lines, head, and the mark a commit reads the ledger after (the
 * ledger's bytes and their digest; none for a private index, which no commit reads after). */
static int meta_write(beian_archive *ar, beian_sqldb *db, const ledger *lg, int temp)
{
    char n[32], schema[16], bytes[32];
    beian_sqldb_stmt *st = NULL;
    ledger_mark mark;
    memset(&mark, 0, sizeof mark);
    /* the mark vouches for a clean chain: none for a damaged ledger (its writers then read
     * it whole, and refuse) */
    int rc = temp || lg->damaged ? BEIAN_OK : ledger_mark_of(ar, lg, &mark);
    snprintf(n, sizeof n, "%zu", lg->base + lg->n);
    snprintf(schema, sizeof schema, "%d", INDEX_SCHEMA);
    snprintf(bytes, sizeof bytes, "%zu", mark.bytes);
    const char *kv[5][2] = {{"schema", schema},
                            {"ledger_lines", n},
                            {"ledger_head", lg->head},
                            {"ledger_bytes", bytes},
                            {"ledger_sha256", mark.sha256}};
    rc = rc ? rc : beian_sqldb_prepare(db, "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", &st);
    for (int i = 0; i < 5 && rc == BEIAN_OK; i++) {
        rc = beian_sqldb_bind_text(st, 1, kv[i][0]);
        if (rc == BEIAN_OK) {
            rc = beian_sqldb_bind_text(st, 2, kv[i][1]);
        }
        if (rc == BEIAN_OK) {
            rc = beian_sqldb_run(st);
        }
    }
    beian_sqldb_finalize(st);
    return rc;
}

/* ---- adding ledger lines ---- */

enum { ST_VERSION, ST_RECORD, ST_RECORD_DATA, ST_FIELD, ST_WARNING, ST_HAS_DATA, ST_N };

static const char *const apply_sql[ST_N] = {
    "INSERT INTO versions(seq, line_hash, record, version, event, state, date, path, sha256, "
    "bundle, form, detail, changed_on, closed_on, opened_on, review_year, review_pass, scan, "
    "scan_name, has_data, scan_unverified, signed_unverified, digest) VALUES (?1, ?2, ?3, ?4, "
    "?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)",
    "INSERT INTO records(record, form, state, version, date, last_event, unverified, digest) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT(record) DO UPDATE SET form = "
    "coalesce(form, excluded.form), state = excluded.state, version = excluded.version, date = "
    "excluded.date, last_event = excluded.last_event, unverified = excluded.unverified, digest = "
    "excluded.digest",
    "UPDATE records SET name = ?2, unit = ?3, admin = ?4, account = ?5, qr = ?6, number = ?7 "
    "WHERE record = ?1",
    "INSERT INTO fields(seq, record, version, field, label, value, norm) VALUES (?1, ?2, ?3, ?4, "
    "?5, ?6, ?7)",
    "INSERT INTO warnings(seq, text) VALUES (?1, ?2)",
    "SELECT count(*) FROM versions WHERE record = ?1 AND has_data = 1",
};

typedef struct {
    beian_archive *ar;
    beian_sqldb *db;
    beian_sqldb_stmt *st[ST_N];
} applier;

/* What a version adds, in a few words (`beian log`). */
static char *version_detail(const event_doc *e)
{
    beian_buf b;
    beian_buf_init(&b);
    if (e->event == BEIAN_EVENT_REVIEWED) {
        beian_buf_appendf(&b, "%d: %s", e->review_year, e->review_pass ? "pass" : "fail");
    }
    if (e->reason) {
        beian_buf_appendf(&b, "%sreason: %s", b.len ? "; " : "", e->reason);
    }
    if (e->scan) {
        beian_buf_appendf(&b, "%sscan %s (%s)", b.len ? "; " : "", e->scan,
                          e->scan_name && e->scan_name[0] ? e->scan_name : "?");
    }
    /* a scan of several files (a folder's pages of one form): every further file */
    for (size_t i = 1; i < e->n_scan_files; i++) {
        beian_buf_appendf(&b, ", %s (%s, from page %d)", e->scan_files[i].file,
                          e->scan_files[i].name && e->scan_files[i].name[0] ? e->scan_files[i].name
                                                                             : "?",
                          e->scan_files[i].page);
    }
    /* how the scan was matched to the record (issue 13) */
    if (e->scan_check && strcmp(e->scan_check, "draft") == 0) {
        beian_buf_appendf(&b, "; a draft's code (printed before filing), data of v%d",
                          e->printed_version);
    }
    if (e->scan_unverified) {
        beian_buf_appendf(&b, "; 未经校验 (unverified: no code read): %s", e->scan_unverified);
    }
    if (e->event == BEIAN_EVENT_SUBMITTED || e->event == BEIAN_EVENT_CHANGED) {
        beian_buf_appendf(&b, "%sform printed as v%d", b.len ? "; " : "", e->printed_version);
    }
    if (beian_buf_terminate(&b) != BEIAN_OK) {
        beian_buf_release(&b);
        return NULL;
    }
    return (char *)b.data;
}

/* The first of ids that the record has (tabs and line feeds made spaces), or NULL. */
static char *first_of(const beian_record *rec, const char *const *ids, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const char *v = beian_record_get(rec, ids[i]);
        if (v && v[0]) {
            char *s = beian_strdup(v);
            for (char *p = s; p && *p; p++) {
                if (*p == '\t' || *p == '\n' || *p == '\r') {
                    *p = ' ';
                }
            }
            return s;
        }
    }
    return NULL;
}

/* The register's columns of a version's data (field ids of forms/<id>.json). */
static int put_record_data(applier *A, const char *record, const beian_record *rec)
{
    static const char *const ids[6][3] = {{NULL},
                                          {"host_unit", "applicant_unit", "department"},
                                          {"admin_name", "admin1_name"},
                                          {"account"},
                                          {"group_qr"},
                                          {"group_number"}};
    static const size_t nids[6] = {0, 3, 2, 1, 1, 1};
    beian_sqldb_stmt *st = A->st[ST_RECORD_DATA];
    int rc = beian_sqldb_bind_text(st, 1, record);
    for (int i = 0; i < 6 && rc == BEIAN_OK; i++) {
        char *v = i == 0 ? content_record_name(rec) : first_of(rec, ids[i], nids[i]);
        rc = beian_sqldb_bind_text(st, i + 2, v);
        free(v);
    }
    return rc == BEIAN_OK ? beian_sqldb_run(st) : rc;
}

static int put_fields(applier *A, const ledger_line *l, const beian_record *rec)
{
    beian_sqldb_stmt *st = A->st[ST_FIELD];
    int rc = BEIAN_OK;
    for (size_t i = 0; i < rec->form->nfields && rc == BEIAN_OK; i++) {
        const char *v = rec->values[i];
        if (!v || !v[0]) {
            continue;
        }
        char *norm = index_norm(v);
        if (!norm) {
            return BEIAN_EINTERNAL;
        }
        rc = beian_sqldb_bind_int(st, 1, (long long)l->seq);
        rc = rc ? rc : beian_sqldb_bind_text(st, 2, l->record);
        rc = rc ? rc : beian_sqldb_bind_int(st, 3, l->version);
        rc = rc ? rc : beian_sqldb_bind_text(st, 4, rec->form->fields[i].id);
        rc = rc ? rc : beian_sqldb_bind_text(st, 5, rec->form->fields[i].label);
        rc = rc ? rc : beian_sqldb_bind_text(st, 6, v);
        rc = rc ? rc : beian_sqldb_bind_text(st, 7, norm);
        rc = rc ? rc : beian_sqldb_run(st);
        free(norm);
    }
    return rc;
}

/* 1 when the record has no version with data in the index yet. */
static int first_data(applier *A, const char *record)
{
    beian_sqldb_stmt *st = A->st[ST_HAS_DATA];
    int none = beian_sqldb_bind_text(st, 1, record) == BEIAN_OK && beian_sqldb_step(st) == 1 &&
               beian_sqldb_int(st, 0) == 0;
    beian_sqldb_reset(st);
    return none;
}

static int bind_version(beian_sqldb_stmt *st, const ledger_line *l, const char *bundle,
                        const load_bundle *lb, const char *detail, int has_data)
{
    const event_doc *e = lb ? &lb->event : NULL;
    int rc = beian_sqldb_bind_int(st, 1, (long long)l->seq);
    rc = rc ? rc : beian_sqldb_bind_text(st, 2, l->hash);
    rc = rc ? rc : beian_sqldb_bind_text(st, 3, l->record);
    rc = rc ? rc : beian_sqldb_bind_int(st, 4, l->version);
    rc = rc ? rc : beian_sqldb_bind_text(st, 5, beian_archive_event_name(l->event));
    rc = rc ? rc : beian_sqldb_bind_text(st, 6, beian_archive_state_name(l->state));
    rc = rc ? rc : beian_sqldb_bind_text(st, 7, l->date);
    rc = rc ? rc : beian_sqldb_bind_text(st, 8, l->path);
    rc = rc ? rc : beian_sqldb_bind_text(st, 9, l->sha256);
    rc = rc ? rc : beian_sqldb_bind_text(st, 10, bundle);
    rc = rc ? rc : beian_sqldb_bind_text(st, 11, lb ? lb->meta.form : NULL);
    rc = rc ? rc : beian_sqldb_bind_text(st, 12, detail);
    rc = rc ? rc : beian_sqldb_bind_text(st, 13, e ? e->changed_on : "");
    rc = rc ? rc : beian_sqldb_bind_text(st, 14, e ? e->closed_on : "");
    rc = rc ? rc : beian_sqldb_bind_text(st, 15, e ? e->opened_on : "");
    rc = rc ? rc : beian_sqldb_bind_int(st, 16, e ? e->review_year : 0);
    rc = rc ? rc : beian_sqldb_bind_int(st, 17, e ? e->review_pass : 0);
    rc = rc ? rc : beian_sqldb_bind_text(st, 18, e ? e->scan : NULL);
    rc = rc ? rc : beian_sqldb_bind_text(st, 19, e ? e->scan_name : NULL);
    rc = rc ? rc : beian_sqldb_bind_int(st, 20, has_data);
    rc = rc ? rc : beian_sqldb_bind_text(st, 21, e ? e->scan_unverified : NULL);
    rc = rc ? rc : beian_sqldb_bind_text(st, 22, e ? e->signed_unverified : NULL);
    rc = rc ? rc : beian_sqldb_bind_text(st, 23, lb ? lb->meta.record_sha : NULL);
    return rc;
}

/* One ledger line: its bundle read and checked like any reader checks it (a bundle that is
 * missing, damaged or differs from the ledger gives only the ledger's facts). */
static int apply_line(applier *A, const ledger_line *l)
{
    load_bundle lb;
    beian_form *form = NULL;
    beian_record *rec = NULL;
    char *why = NULL;
    char *detail = NULL;
    const char *bundle = "ok";
    int lrc = load_bundle_read(A->ar, l->path, &lb, NULL);
    if (lrc == BEIAN_EINTERNAL) {
        return lrc;
    }
    if (lrc == BEIAN_OK && strcmp(lb.sha256, l->sha256) != 0) {
        load_bundle_release(&lb);
        lrc = BEIAN_EDATA;
    }
    int ok = lrc == BEIAN_OK;
    if (!ok) {
        bundle = lrc == BEIAN_ENOINPUT ? "missing" : "damaged";
        detail = beian_strdup(lrc == BEIAN_ENOINPUT ? "MISSING: run beian verify"
                                                    : "DAMAGED: run beian verify");
    } else {
        detail = version_detail(&lb.event);
    }
    int rc = detail ? BEIAN_OK : BEIAN_EINTERNAL;
    int has_data = 0;
    if (rc == BEIAN_OK && ok &&
        (l->event == BEIAN_EVENT_SUBMITTED || l->event == BEIAN_EVENT_CHANGED ||
         first_data(A, l->record)) &&
        content_record(A->ar->ctx, lb.bundle, &form, &rec, &why) == BEIAN_OK) {
        has_data = 1;
    }
    if (rc == BEIAN_OK) {
        rc = bind_version(A->st[ST_VERSION], l, bundle, ok ? &lb : NULL, detail, has_data);
        rc = rc ? rc : beian_sqldb_run(A->st[ST_VERSION]);
    }
    if (rc == BEIAN_OK) {
        beian_sqldb_stmt *st = A->st[ST_RECORD];
        rc = beian_sqldb_bind_text(st, 1, l->record);
        rc = rc ? rc : beian_sqldb_bind_text(st, 2, ok ? lb.meta.form : NULL);
        rc = rc ? rc : beian_sqldb_bind_text(st, 3, beian_archive_state_name(l->state));
        rc = rc ? rc : beian_sqldb_bind_int(st, 4, l->version);
        rc = rc ? rc : beian_sqldb_bind_text(st, 5, l->date);
        rc = rc ? rc : beian_sqldb_bind_text(st, 6, beian_archive_event_name(l->event));
        rc = rc ? rc : beian_sqldb_bind_int(st, 7, ok && lb.event.signed_unverified != NULL);
        rc = rc ? rc : beian_sqldb_bind_text(st, 8, ok ? lb.meta.record_sha : NULL);
        rc = rc ? rc : beian_sqldb_run(st);
    }
    if (rc == BEIAN_OK && has_data) {
        rc = put_record_data(A, l->record, rec);
        rc = rc ? rc : put_fields(A, l, rec);
    }
    for (size_t i = 0; ok && rc == BEIAN_OK && i < lb.event.n_warnings; i++) {
        rc = beian_sqldb_bind_int(A->st[ST_WARNING], 1, (long long)l->seq);
        rc = rc ? rc : beian_sqldb_bind_text(A->st[ST_WARNING], 2, lb.event.warnings[i]);
        rc = rc ? rc : beian_sqldb_run(A->st[ST_WARNING]);
    }
    free(why);
    free(detail);
    beian_record_free(rec);
    beian_form_free(form);
    if (ok) {
        load_bundle_release(&lb);
    }
    return rc;
}

/* Adds lg's lines after its line number from (at least lg->base), inside a transaction. */
static int apply_lines(beian_archive *ar, beian_sqldb *db, const ledger *lg, size_t from)
{
    applier A;
    int rc = BEIAN_OK;
    memset(&A, 0, sizeof A);
    A.ar = ar;
    A.db = db;
    for (int i = 0; i < ST_N && rc == BEIAN_OK; i++) {
        rc = beian_sqldb_prepare(db, apply_sql[i], &A.st[i]);
    }
    for (size_t i = from - lg->base; i < lg->n && rc == BEIAN_OK; i++) {
        rc = apply_line(&A, &lg->lines[i]);
    }
    for (int i = 0; i < ST_N; i++) {
        beian_sqldb_finalize(A.st[i]);
    }
    return rc;
}

/* ---- catching up ---- */

typedef enum { SYNC_OK, SYNC_AHEAD, SYNC_WRONG, SYNC_SHORT } sync_result;

const char *index_line_hash(const ledger *lg, size_t k)
{
    if (k == 0) {
        return STORE_ZERO_HASH;
    }
    if (k == lg->base) {
        return lg->base_hash;
    }
    return k > lg->base && k <= lg->base + lg->n ? lg->lines[k - lg->base - 1].hash : NULL;
}

/* Brings db up to lg in one transaction: a missing or older schema is made anew, lines the
 * index lacks are added. An index ahead of lg or made from another ledger is left alone; so is
 * one behind the first line lg holds (SYNC_SHORT: lg was loaded after another mark). */
static int sync_db(beian_archive *ar, beian_sqldb *db, const ledger *lg, int rebuild,
                   sync_result *res, index_meta *m, int temp)
{
    *res = SYNC_OK;
    int rc = beian_sqldb_begin(db);
    if (rc != BEIAN_OK) {
        return rc;
    }
    size_t total = lg->base + lg->n;
    rc = index_meta_read(db, m);
    if (rc == BEIAN_OK && !rebuild && m->schema == INDEX_SCHEMA) {
        const char *h = index_line_hash(lg, m->lines);
        if (m->lines > total) {
            *res = SYNC_AHEAD;
        } else if (!h) {
            *res = SYNC_SHORT;
        } else if (strcmp(m->head, h)) {
            *res = SYNC_WRONG;
        }
        if (*res != SYNC_OK || m->lines == total) {
            beian_sqldb_rollback(db);
            return BEIAN_OK;
        }
    } else if (rc == BEIAN_OK && lg->base > 0) {
        *res = SYNC_SHORT; /* made anew from the whole ledger only */
        beian_sqldb_rollback(db);
        return BEIAN_OK;
    } else if (rc == BEIAN_OK) {
        m->lines = 0;
        rc = beian_sqldb_exec(db, drop_sql);
        rc = rc ? rc : beian_sqldb_exec(db, schema_sql);
        rc = rc ? rc : beian_sqldb_exec(db, lookup_sql);
        rc = rc ? rc : beian_sqldb_exec(db, "DROP TRIGGER fields_ai");
        rc = rc ? rc : apply_lines(ar, db, lg, 0);
        rc = rc ? rc : beian_sqldb_exec(db, "INSERT INTO fields_fts(fields_fts) VALUES('rebuild');"
                                            FIELDS_TRIGGER);
        m->lines = total; /* made: nothing more to add below */
    }
    if (m->lines < total) {
        rc = rc ? rc : apply_lines(ar, db, lg, m->lines);
    }
    /* never ahead of the ledger on the disk: the lines indexed are synced first (a reader may
     * see a writer's line before the writer's own fsync), unless they are known to be */
    if (!temp && lg->synced < lg->bytes) {
        rc = rc ? rc : ledger_sync(ar);
    }
    rc = rc ? rc : meta_write(ar, db, lg, temp);
    rc = rc ? rc : beian_sqldb_commit(db);
    if (rc != BEIAN_OK) {
        beian_sqldb_rollback(db);
    }
    return rc;
}

static int open_temp(beian_archive *ar, const ledger *lg, index_db *out)
{
    sync_result res;
    index_meta m;
    int rc = beian_sqldb_open(ar->ctx, NULL, BEIAN_SQLDB_TEMP, &out->db);
    if (rc == BEIAN_OK) {
        out->temp = 1;
        rc = sync_db(ar, out->db, lg, 1, &res, &m, 1);
    }
    return rc;
}

/* Every read of one reader in one snapshot: a filing's rows are added in one transaction,
 * and a reader's queries (records, then their versions) must not straddle two filings. */
static int index_snapshot(index_db *ix)
{
    return beian_sqldb_exec(ix->db, "BEGIN");
}

void index_close(index_db *ix)
{
    if (ix) {
        beian_sqldb_rollback(ix->db);
        beian_sqldb_close(ix->db);
        memset(ix, 0, sizeof *ix);
    }
}

/* 1 when BEIAN_NO_INDEX asks for the bundle-reading path */
static int no_index(void)
{
    /* the benchmark's bundle-reading path (docs/internals/performance.md), like
     * $BEIAN_ARCHIVE a switch of the environment rather than an option */
    const char *off = getenv("BEIAN_NO_INDEX");
    return off && off[0] && strcmp(off, "0") != 0;
}

/* 1 when this process may write index.db (it may be created, or it is writable). */
int index_writable(beian_archive *ar, const char *path)
{
    return !ar->index_readonly && access(ar->dir, W_OK) == 0 &&
           (access(path, F_OK) != 0 || access(path, W_OK) == 0);
}

int index_open(beian_archive *ar, const ledger *lg, index_db *out, beian_problems *pr)
{
    char *path = store_path(ar, INDEX_FILE);
    sync_result res = SYNC_OK;
    index_meta m;
    int rc = path ? BEIAN_OK : BEIAN_EINTERNAL;
    memset(out, 0, sizeof *out);
    memset(&m, 0, sizeof m);
    if (rc != BEIAN_OK || no_index()) {
        free(path);
        rc = rc == BEIAN_OK ? open_temp(ar, lg, out) : rc;
        if (rc != BEIAN_OK) {
            index_close(out);
        }
        return rc;
    }
    if (index_writable(ar, path)) {
        rc = beian_sqldb_open(ar->ctx, path, BEIAN_SQLDB_WRITE, &out->db);
        rc = rc ? rc : sync_db(ar, out->db, lg, 0, &res, &m, 0);
        if (rc == BEIAN_OK && res == SYNC_OK) {
            goto done;
        }
        if (rc == BEIAN_EINTERNAL) {
            goto done;
        }
        if (rc != BEIAN_OK) {
            beian_problems_add(pr, BEIAN_SEV_WARNING, ar->dir, 0, 0, NULL, NULL,
                               "%s; the register is read from the ledger and the bundles (`beian "
                               "reindex` rebuilds the index)",
                               beian_ctx_message(ar->ctx));
        }
    } else {
        rc = beian_sqldb_open(ar->ctx, path, BEIAN_SQLDB_IMMUTABLE, &out->db);
        rc = rc ? rc : index_meta_read(out->db, &m);
        if (rc == BEIAN_OK && m.schema == INDEX_SCHEMA && m.lines <= lg->n &&
            strcmp(m.head, m.lines ? lg->lines[m.lines - 1].hash : STORE_ZERO_HASH) == 0 &&
            m.lines == lg->n) {
            goto done;
        }
        if (rc == BEIAN_OK && m.schema == INDEX_SCHEMA && m.lines > lg->n) {
            res = SYNC_AHEAD;
        } else if (lg->n > 0) {
            beian_problems_add(pr, BEIAN_SEV_NOTE, ar->dir, 0, 0, NULL, NULL,
                               "the archive is read-only and index.db is %s: the register is "
                               "read from the ledger and the bundles",
                               rc == BEIAN_ENOINPUT ? "missing" : "behind the ledger");
        }
    }
    if (res == SYNC_AHEAD) {
        beian_problems_add(pr, BEIAN_SEV_WARNING, ar->dir, 0, 0, NULL, NULL,
                           "index.db was made from a ledger of %zu lines, but ledger.txt has "
                           "%zu: the ledger was cut short or replaced by an older copy (run "
                           "`beian verify`); the register is read from ledger.txt as it is",
                           m.lines, lg->n);
    } else if (res == SYNC_WRONG) {
        beian_problems_add(pr, BEIAN_SEV_WARNING, ar->dir, 0, 0, NULL, NULL,
                           "index.db contradicts the ledger (run `beian verify`; `beian fsck` "
                           "rebuilds it); the register is read from the ledger and the bundles");
    }
    beian_sqldb_close(out->db);
    out->db = NULL;
    rc = open_temp(ar, lg, out);
done:
    if (rc == BEIAN_OK) {
        rc = index_snapshot(out);
    }
    if (rc != BEIAN_OK) {
        index_close(out);
    }
    free(path);
    return rc;
}

int index_open_register(beian_archive *ar, index_db *out, beian_problems *pr)
{
    size_t n = 0;
    char head[BEIAN_SHA256_HEX_SIZE];
    int whole = 0;
    index_meta m;
    char *path = store_path(ar, INDEX_FILE);
    memset(out, 0, sizeof *out);
    int rc = path ? BEIAN_OK : BEIAN_EINTERNAL;
    if (path && !no_index() && access(path, F_OK) == 0 &&
        beian_sqldb_open(ar->ctx, path,
                         index_writable(ar, path) ? BEIAN_SQLDB_WRITE : BEIAN_SQLDB_IMMUTABLE,
                         &out->db) == BEIAN_OK) {
        /* fresh: its mark is still the ledger's end (size and last line: no need to read the
         * ledger), or else the ledger's complete lines are the ones it was made from (an
         * index without a mark; a writer's append in progress after them) */
        if (index_snapshot(out) == BEIAN_OK && index_meta_read(out->db, &m) == BEIAN_OK &&
            m.schema == INDEX_SCHEMA &&
            ((m.bytes > 0 && ledger_ends_at(ar, m.bytes, m.head)) ||
             ((rc = ledger_tail(ar, &n, head, &whole)) == BEIAN_OK && whole && m.lines == n &&
              strcmp(m.head, head) == 0))) {
            free(path);
            return BEIAN_OK;
        }
        index_close(out);
    }
    free(path);
    if (rc != BEIAN_OK) {
        return rc;
    }
    ledger lg;
    rc = ledger_load(ar, &lg, NULL);
    if (rc != BEIAN_OK) {
        return rc;
    }
    /* a filing committed and indexed since the ledger was read makes the index look ahead of
     * it: read the ledger again once before calling that damage */
    size_t made_from = 0;
    if (!lg.damaged && index_ahead(ar, &lg, &made_from)) {
        ledger_release(&lg);
        rc = ledger_load(ar, &lg, NULL);
        if (rc != BEIAN_OK) {
            return rc;
        }
    }
    if (lg.damaged) {
        beian_problems_add(pr, BEIAN_SEV_WARNING, ar->dir, 0, 0, NULL, NULL,
                           "the ledger is damaged; what follows may be incomplete (run `beian "
                           "verify`)");
    }
    rc = index_open(ar, &lg, out, pr);
    ledger_release(&lg);
    return rc;
}

int index_update(beian_archive *ar, const ledger *lg)
{
    char *path = store_path(ar, INDEX_FILE);
    beian_sqldb *db = NULL;
    sync_result res = SYNC_OK;
    index_meta m;
    int rc = path ? beian_sqldb_open(ar->ctx, path, BEIAN_SQLDB_WRITE, &db) : BEIAN_EINTERNAL;
    rc = rc ? rc : sync_db(ar, db, lg, 0, &res, &m, 0);
    if (rc == BEIAN_OK && res != SYNC_OK) {
        rc = beian_ctx_fail(ar->ctx, BEIAN_EDATA, "index.db %s the ledger",
                            res == SYNC_AHEAD ? "is ahead of" : "contradicts");
    }
    beian_sqldb_close(db);
    free(path);
    return rc;
}

int index_open_for_check(beian_archive *ar, beian_sqldb **db)
{
    char *path = store_path(ar, INDEX_FILE);
    int rc = path ? beian_sqldb_open(ar->ctx, path,
                                     index_writable(ar, path) ? BEIAN_SQLDB_READ : BEIAN_SQLDB_IMMUTABLE,
                                     db)
                  : BEIAN_EINTERNAL;
    free(path);
    return rc;
}

int index_ahead(beian_archive *ar, const ledger *lg, size_t *made_from)
{
    beian_sqldb *db = NULL;
    index_meta m;
    int ahead = 0;
    if (index_open_for_check(ar, &db) == BEIAN_OK && index_meta_read(db, &m) == BEIAN_OK &&
        m.schema == INDEX_SCHEMA && m.lines > lg->n) {
        ahead = 1;
        *made_from = m.lines;
    }
    beian_sqldb_close(db);
    return ahead;
}

/* 1 when the index already has a version at one of the paths of lg's lines (which come after
 * its mark): a bundle listed twice, which ledger_load would have found in the whole ledger. */
static int index_knows_paths(beian_sqldb *db, const ledger *lg)
{
    beian_sqldb_stmt *st = NULL;
    int known = 0;
    if (beian_sqldb_prepare(db, "SELECT 1 FROM versions WHERE path = ?1", &st) != BEIAN_OK) {
        return 0; /* the sync below fails the same way and the ledger is read whole */
    }
    for (size_t i = 0; i < lg->n && !known; i++) {
        known = beian_sqldb_bind_text(st, 1, lg->lines[i].path) == BEIAN_OK &&
                beian_sqldb_step(st) == 1;
        beian_sqldb_reset(st);
    }
    beian_sqldb_finalize(st);
    return known;
}

int index_open_writer(beian_archive *ar, ledger *lg, index_db *out, size_t *ahead)
{
    char *path = store_path(ar, INDEX_FILE);
    index_meta m;
    sync_result res = SYNC_OK;
    int matched = 0;
    int rc = path ? BEIAN_OK : BEIAN_EINTERNAL;
    memset(out, 0, sizeof *out);
    memset(&m, 0, sizeof m);
    *ahead = 0;
    if (rc == BEIAN_OK && !no_index() && index_writable(ar, path) &&
        beian_sqldb_open(ar->ctx, path, BEIAN_SQLDB_WRITE, &out->db) == BEIAN_OK &&
        index_meta_read(out->db, &m) == BEIAN_OK && m.schema == INDEX_SCHEMA && m.bytes > 0 &&
        beian_sqldb_exec(out->db, lookup_sql) == BEIAN_OK) {
        ledger_mark mark = {m.lines, m.bytes, "", ""};
        memcpy(mark.head, m.head, BEIAN_SHA256_HEX_SIZE);
        memcpy(mark.sha256, m.sha256, BEIAN_SHA256_HEX_SIZE);
        rc = ledger_load_after(ar, &mark, lg, &matched);
    }
    free(path);
    if (rc == BEIAN_OK && !matched) {
        rc = ledger_load(ar, lg, NULL); /* no mark, or the ledger does not begin with it */
    }
    if (rc != BEIAN_OK || lg->damaged) {
        return rc; /* the caller refuses a damaged ledger */
    }
    if (matched && out->db && lg->n > 0 && index_knows_paths(out->db, lg)) {
        lg->damaged = 1; /* a line after the mark files a bundle listed before it */
        return BEIAN_OK;
    }
    if (out->db && sync_db(ar, out->db, lg, 0, &res, &m, 0) == BEIAN_OK) {
        if (res == SYNC_OK) {
            return BEIAN_OK;
        }
        if (res == SYNC_AHEAD) {
            *ahead = m.lines;
            return BEIAN_OK;
        }
    }
    /* index.db cannot serve: a private index of the whole ledger (slow, but right) */
    beian_sqldb_close(out->db);
    out->db = NULL;
    if (lg->base > 0) {
        ledger_release(lg);
        rc = ledger_load(ar, lg, NULL);
        if (rc != BEIAN_OK || lg->damaged) {
            return rc;
        }
    }
    if (index_ahead(ar, lg, ahead)) {
        return BEIAN_OK;
    }
    rc = open_temp(ar, lg, out);
    if (rc != BEIAN_OK) {
        index_close(out);
    }
    return rc;
}

int index_writer_done(beian_archive *ar, index_db *ix, const ledger *lg)
{
    if (!ix->db || ix->temp) {
        return index_update(ar, lg);
    }
    sync_result res = SYNC_OK;
    index_meta m;
    int rc = sync_db(ar, ix->db, lg, 0, &res, &m, 0);
    if (rc == BEIAN_OK && res != SYNC_OK) {
        rc = beian_ctx_fail(ar->ctx, BEIAN_EDATA, "index.db %s the ledger",
                            res == SYNC_AHEAD ? "is ahead of" : "contradicts");
    }
    return rc;
}

int index_rebuild(beian_archive *ar, const ledger *lg)
{
    char *path = store_path(ar, INDEX_FILE);
    beian_sqldb *db = NULL;
    sync_result res;
    index_meta m;
    if (!path) {
        return BEIAN_EINTERNAL;
    }
    int rc = beian_sqldb_open(ar->ctx, path, BEIAN_SQLDB_WRITE, &db);
    if (rc == BEIAN_EIO) {
        /* not a database at all (overwritten): made anew; the lock keeps writers out, and
         * readers that had it open keep their own view until they close it */
        static const char *const ext[] = {"", "-wal", "-shm"};
        for (int i = 0; i < 3; i++) {
            char *p = beian_asprintf("%s%s", path, ext[i]);
            if (p && unlink(p) != 0 && errno != ENOENT) {
                rc = beian_ctx_fail(ar->ctx, BEIAN_EIO, "%s: cannot remove: %s", p,
                                    strerror(errno));
            }
            free(p);
        }
        rc = beian_sqldb_open(ar->ctx, path, BEIAN_SQLDB_WRITE, &db);
    }
    rc = rc ? rc : sync_db(ar, db, lg, 1, &res, &m, 0);
    beian_sqldb_close(db);
    free(path);
    return rc;
}

/* ---- the register ---- */

const char *beian_archive_index_library_version(void)
{
    return beian_sqldb_library_version();
}
