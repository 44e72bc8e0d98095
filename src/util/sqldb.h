/*
 * sqldb.h - the SQLite adapter (sqldb.c): the only file of beian that includes sqlite3.h. The
 * archive keeps its register's index (index.db) in SQLite; this adapter opens a database the
 * ways the archive needs (read-write in WAL mode, read-only, read-only and immutable for a
 * copy on a read-only medium, a private temporary one), runs statements, and turns SQLite's
 * result codes into our statuses with SQLite's message kept in the context.
 */
#ifndef BEIAN_SQLDB_H
#define BEIAN_SQLDB_H

#include <stddef.h>

#include "beian/common.h"

typedef struct beian_sqldb beian_sqldb;
typedef struct beian_sqldb_stmt beian_sqldb_stmt;

typedef enum {
    BEIAN_SQLDB_WRITE,     /* read-write, created when missing, WAL, synchronous=NORMAL */
    BEIAN_SQLDB_READ,      /* read-only (SQLite may still make the -shm file beside it) */
    BEIAN_SQLDB_IMMUTABLE, /* read-only and immutable: nothing is written, no lock is taken */
    BEIAN_SQLDB_TEMP       /* a private temporary database, deleted on close (path unused) */
} beian_sqldb_mode;

/* Opens path. BEIAN_ENOINPUT: a READ or IMMUTABLE database that is missing; BEIAN_EIO:
 * SQLite refused (the context's message says why); BEIAN_EINTERNAL: out of memory. */
int beian_sqldb_open(beian_ctx *ctx, const char *path, beian_sqldb_mode mode, beian_sqldb **out);
void beian_sqldb_close(beian_sqldb *db);
/* Runs SQL (one or more statements without results). */
int beian_sqldb_exec(beian_sqldb *db, const char *sql);
/* BEGIN IMMEDIATE, waiting for another writer up to the busy timeout (a writer must not take
 * a deferred transaction: upgrading it fails at once, whatever the timeout). */
int beian_sqldb_begin(beian_sqldb *db);
int beian_sqldb_commit(beian_sqldb *db);
/* Rolls back the open transaction, if any. */
void beian_sqldb_rollback(beian_sqldb *db);

int beian_sqldb_prepare(beian_sqldb *db, const char *sql, beian_sqldb_stmt **out);
void beian_sqldb_finalize(beian_sqldb_stmt *st);
/* Parameters count from 1; a NULL text binds SQL NULL. */
int beian_sqldb_bind_text(beian_sqldb_stmt *st, int i, const char *s);
int beian_sqldb_bind_int(beian_sqldb_stmt *st, int i, long long v);
/* 1: a row; 0: done; negative: minus a failure status, with the message in the context. */
int beian_sqldb_step(beian_sqldb_stmt *st);
/* Runs a statement that returns no rows, then resets it and clears its bindings. */
int beian_sqldb_run(beian_sqldb_stmt *st);
void beian_sqldb_reset(beian_sqldb_stmt *st);
/* Columns count from 0; text is "" for NULL and lives until the next step or reset. */
const char *beian_sqldb_text(beian_sqldb_stmt *st, int i);
int beian_sqldb_is_null(beian_sqldb_stmt *st, int i);
long long beian_sqldb_int(beian_sqldb_stmt *st, int i);

const char *beian_sqldb_library_version(void);

#endif
