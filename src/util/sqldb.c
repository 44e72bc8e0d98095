/*
 * sqldb.c - the SQLite adapter: opening, transactions, prepared statements (sqldb.h).
 *
 * Every failure becomes BEIAN_EIO with SQLite's own message in the context (SQLITE_NOMEM
 * becomes BEIAN_EINTERNAL, SQLITE_BUSY BEIAN_EBUSY), so callers never see SQLite's codes.
 * A writer waits up to 30 s for the database's own lock: the archive's lock orders the
 * filings; this one only orders a filing's index update against a reader catching it up.
 */
#include "sqldb.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

#define SQLDB_BUSY_MS 30000

struct beian_sqldb {
    beian_ctx *ctx;
    sqlite3 *h;
};

struct beian_sqldb_stmt {
    beian_sqldb *db;
    sqlite3_stmt *h;
};

static int fail(beian_sqldb *db, int code, const char *what)
{
    int base = code & 0xff;
    if (base == SQLITE_NOMEM) {
        return BEIAN_EINTERNAL;
    }
    int rc = base == SQLITE_BUSY || base == SQLITE_LOCKED ? BEIAN_EBUSY : BEIAN_EIO;
    return beian_ctx_fail(db->ctx, rc, "index.db: %s: %s", what,
                          db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(code));
}

/* "file:PATH?QUERY" with the characters a URI gives a meaning escaped. */
static char *make_uri(const char *path, const char *query)
{
    beian_buf b;
    beian_buf_init(&b);
    beian_buf_appendf(&b, "file:");
    for (const char *p = path; *p; p++) {
        beian_buf_appendf(&b, strchr("?#%", *p) ? "%%%02X" : "%c", (unsigned char)*p);
    }
    beian_buf_appendf(&b, "%s", query);
    if (beian_buf_terminate(&b) != BEIAN_OK) {
        beian_buf_release(&b);
        return NULL;
    }
    return (char *)b.data;
}

int beian_sqldb_open(beian_ctx *ctx, const char *path, beian_sqldb_mode mode, beian_sqldb **out)
{
    beian_sqldb *db = calloc(1, sizeof *db);
    char *uri = NULL;
    int flags = SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    int rc = BEIAN_OK;
    *out = NULL;
    if (!db) {
        return BEIAN_EINTERNAL;
    }
    db->ctx = ctx;
    if ((mode == BEIAN_SQLDB_READ || mode == BEIAN_SQLDB_IMMUTABLE) && access(path, F_OK) != 0) {
        free(db);
        return BEIAN_ENOINPUT;
    }
    if (mode == BEIAN_SQLDB_WRITE || mode == BEIAN_SQLDB_TEMP) {
        flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    } else {
        flags |= SQLITE_OPEN_READONLY;
    }
    uri = mode == BEIAN_SQLDB_TEMP    ? beian_strdup("")
          : mode == BEIAN_SQLDB_WRITE ? make_uri(path, "")
          : mode == BEIAN_SQLDB_READ  ? make_uri(path, "?mode=ro")
                                      : make_uri(path, "?immutable=1");
    if (!uri) {
        free(db);
        return BEIAN_EINTERNAL;
    }
    int code = sqlite3_open_v2(uri, &db->h, flags, NULL);
    free(uri);
    if (code != SQLITE_OK) {
        rc = fail(db, code, "cannot open");
        beian_sqldb_close(db);
        return rc;
    }
    sqlite3_extended_result_codes(db->h, 1);
    sqlite3_busy_timeout(db->h, SQLDB_BUSY_MS);
    if (mode == BEIAN_SQLDB_WRITE) {
        /* NORMAL: a power failure may lose the last updates of this derived index, never
         * corrupt it; the ledger is the durable record, and the index catches up from it */
        rc = beian_sqldb_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
    } else if (mode == BEIAN_SQLDB_TEMP) {
        rc = beian_sqldb_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;");
    }
    if (rc != BEIAN_OK) {
        beian_sqldb_close(db);
        return rc;
    }
    *out = db;
    return BEIAN_OK;
}

void beian_sqldb_close(beian_sqldb *db)
{
    if (db) {
        sqlite3_close_v2(db->h);
        free(db);
    }
}

int beian_sqldb_exec(beian_sqldb *db, const char *sql)
{
    char *msg = NULL;
    int code = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
    sqlite3_free(msg);
    return code == SQLITE_OK ? BEIAN_OK : fail(db, code, "a statement failed");
}

int beian_sqldb_begin(beian_sqldb *db)
{
    return beian_sqldb_exec(db, "BEGIN IMMEDIATE");
}

int beian_sqldb_commit(beian_sqldb *db)
{
    return beian_sqldb_exec(db, "COMMIT");
}

void beian_sqldb_rollback(beian_sqldb *db)
{
    if (db && !sqlite3_get_autocommit(db->h)) {
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    }
}

int beian_sqldb_prepare(beian_sqldb *db, const char *sql, beian_sqldb_stmt **out)
{
    beian_sqldb_stmt *st = calloc(1, sizeof *st);
    *out = NULL;
    if (!st) {
        return BEIAN_EINTERNAL;
    }
    st->db = db;
    int code = sqlite3_prepare_v2(db->h, sql, -1, &st->h, NULL);
    if (code != SQLITE_OK) {
        free(st);
        return fail(db, code, "cannot prepare a query");
    }
    *out = st;
    return BEIAN_OK;
}

void beian_sqldb_finalize(beian_sqldb_stmt *st)
{
    if (st) {
        sqlite3_finalize(st->h);
        free(st);
    }
}

int beian_sqldb_bind_text(beian_sqldb_stmt *st, int i, const char *s)
{
    int code =
        s ? sqlite3_bind_text(st->h, i, s, -1, SQLITE_TRANSIENT) : sqlite3_bind_null(st->h, i);
    return code == SQLITE_OK ? BEIAN_OK : fail(st->db, code, "cannot bind a value");
}

int beian_sqldb_bind_int(beian_sqldb_stmt *st, int i, long long v)
{
    int code = sqlite3_bind_int64(st->h, i, v);
    return code == SQLITE_OK ? BEIAN_OK : fail(st->db, code, "cannot bind a value");
}

int beian_sqldb_step(beian_sqldb_stmt *st)
{
    int code = sqlite3_step(st->h);
    if (code == SQLITE_ROW) {
        return 1;
    }
    if (code == SQLITE_DONE) {
        return 0;
    }
    return -fail(st->db, code, "a query failed");
}

int beian_sqldb_run(beian_sqldb_stmt *st)
{
    int r = beian_sqldb_step(st);
    beian_sqldb_reset(st);
    return r < 0 ? -r : BEIAN_OK;
}

void beian_sqldb_reset(beian_sqldb_stmt *st)
{
    sqlite3_reset(st->h);
    sqlite3_clear_bindings(st->h);
}

const char *beian_sqldb_text(beian_sqldb_stmt *st, int i)
{
    const unsigned char *s = sqlite3_column_text(st->h, i);
    return s ? (const char *)s : "";
}

int beian_sqldb_is_null(beian_sqldb_stmt *st, int i)
{
    return sqlite3_column_type(st->h, i) == SQLITE_NULL;
}

long long beian_sqldb_int(beian_sqldb_stmt *st, int i)
{
    return sqlite3_column_int64(st->h, i);
}

const char *beian_sqldb_library_version(void)
{
    return sqlite3_libversion();
}
