/* sdb_sqlite: the SQLite implementation of sdb.h, a thin pass-through (an
 * sdb is a sqlite3, an sdb_stmt a sqlite3_stmt, the codes are SQLite's). */
#include "sdb.h"

#include <assert.h>
#include <stddef.h>
#include <sqlite3.h>

static_assert(SDB_OK == SQLITE_OK && SDB_ERROR == SQLITE_ERROR && SDB_BUSY == SQLITE_BUSY
	&& SDB_LOCKED == SQLITE_LOCKED && SDB_IOERR == SQLITE_IOERR
	&& SDB_CANTOPEN == SQLITE_CANTOPEN && SDB_CONSTRAINT == SQLITE_CONSTRAINT
	&& SDB_ROW == SQLITE_ROW && SDB_DONE == SQLITE_DONE
	&& SDB_CONSTRAINT_PRIMARYKEY == SQLITE_CONSTRAINT_PRIMARYKEY
	&& SDB_CONSTRAINT_UNIQUE == SQLITE_CONSTRAINT_UNIQUE, "sdb codes are SQLite's");
static_assert(SDB_INTEGER == SQLITE_INTEGER && SDB_FLOAT == SQLITE_FLOAT && SDB_TEXT == SQLITE_TEXT
	&& SDB_BLOB == SQLITE_BLOB && SDB_NULL == SQLITE_NULL, "sdb types are SQLite's");
static_assert(SDB_SQLITE_OPEN_READONLY == SQLITE_OPEN_READONLY
	&& SDB_SQLITE_OPEN_READWRITE == SQLITE_OPEN_READWRITE
	&& SDB_SQLITE_OPEN_CREATE == SQLITE_OPEN_CREATE
	&& SDB_SQLITE_OPEN_NOMUTEX == SQLITE_OPEN_NOMUTEX, "open flags are SQLite's");

#define DB(d) ((sqlite3 *)(d))
#define ST(s) ((sqlite3_stmt *)(s))
#define LIFE(l) ((l) == SDB_STATIC ? SQLITE_STATIC : SQLITE_TRANSIENT)

int sdb_prepare(sdb *db, const char *sql, int len, sdb_stmt **st, const char **tail)
{
	return sqlite3_prepare_v2(DB(db), sql, len, (sqlite3_stmt **)st, tail);
}

int sdb_bind_text(sdb_stmt *st, int i, const char *s, int len, enum sdb_lifetime life)
{
	return sqlite3_bind_text(ST(st), i, s, len, LIFE(life));
}

int sdb_bind_blob(sdb_stmt *st, int i, const void *p, int len, enum sdb_lifetime life)
{
	return sqlite3_bind_blob(ST(st), i, p, len, LIFE(life));
}

int sdb_bind_int64(sdb_stmt *st, int i, long long v) { return sqlite3_bind_int64(ST(st), i, v); }
int sdb_bind_int(sdb_stmt *st, int i, int v) { return sqlite3_bind_int(ST(st), i, v); }
int sdb_bind_double(sdb_stmt *st, int i, double v) { return sqlite3_bind_double(ST(st), i, v); }
int sdb_bind_null(sdb_stmt *st, int i) { return sqlite3_bind_null(ST(st), i); }
int sdb_step(sdb_stmt *st) { return sqlite3_step(ST(st)); }
int sdb_reset(sdb_stmt *st) { return sqlite3_reset(ST(st)); }
int sdb_finalize(sdb_stmt *st) { return sqlite3_finalize(ST(st)); }
long long sdb_column_int64(sdb_stmt *st, int i) { return sqlite3_column_int64(ST(st), i); }
int sdb_column_int(sdb_stmt *st, int i) { return sqlite3_column_int(ST(st), i); }
double sdb_column_double(sdb_stmt *st, int i) { return sqlite3_column_double(ST(st), i); }
const unsigned char *sdb_column_text(sdb_stmt *st, int i) { return sqlite3_column_text(ST(st), i); }
int sdb_column_type(sdb_stmt *st, int i) { return sqlite3_column_type(ST(st), i); }

int sdb_exec(sdb *db, const char *sql, int (*row)(void *, int, char **, char **), void *ctx,
	char **errmsg)
{
	return sqlite3_exec(DB(db), sql, row, ctx, errmsg);
}

void sdb_free(void *p) { sqlite3_free(p); }
int sdb_changes(sdb *db) { return sqlite3_changes(DB(db)); }
long long sdb_changes64(sdb *db) { return sqlite3_changes64(DB(db)); }
long long sdb_last_insert_id(sdb *db) { return sqlite3_last_insert_rowid(DB(db)); }
bool sdb_autocommit(sdb *db) { return sqlite3_get_autocommit(DB(db)) != 0; }
int sdb_errcode(sdb *db) { return sqlite3_errcode(DB(db)); }
int sdb_extended_errcode(sdb *db) { return sqlite3_extended_errcode(DB(db)); }
const char *sdb_errmsg(sdb *db) { return sqlite3_errmsg(DB(db)); }
int sdb_close(sdb *db) { return sqlite3_close(DB(db)); }

int sdb_sqlite_open(const char *path, sdb **db, int flags)
{
	return sqlite3_open_v2(path, (sqlite3 **)db, flags, NULL);
}

int sdb_sqlite_close_v2(sdb *db) { return sqlite3_close_v2(DB(db)); }
int sdb_sqlite_busy_timeout(sdb *db, int ms) { return sqlite3_busy_timeout(DB(db), ms); }

/* the hook's own callback takes a sqlite3: one trampoline, one hook */
static struct {
	int (*fn)(void *ctx, sdb *db, const char *name, int pages);
	void *ctx;
} wal;

static int wal_trampoline(void *unused, sqlite3 *db, const char *name, int pages)
{
	(void)unused;
	return wal.fn(wal.ctx, (sdb *)db, name, pages);
}

void sdb_sqlite_wal_hook(sdb *db, int (*fn)(void *ctx, sdb *db, const char *name, int pages),
	void *ctx)
{
	wal.fn = fn;
	wal.ctx = ctx;
	sqlite3_wal_hook(DB(db), wal_trampoline, NULL);
}

int sdb_sqlite_checkpoint_passive(sdb *db)
{
	return sqlite3_wal_checkpoint_v2(DB(db), NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

bool sdb_sqlite_backup(sdb *src, sdb *dst)
{
	sqlite3_backup *b = sqlite3_backup_init(DB(dst), "main", DB(src), "main");
	bool ok = b != NULL && sqlite3_backup_step(b, -1) == SQLITE_DONE;
	return sqlite3_backup_finish(b) == SQLITE_OK && ok;
}
