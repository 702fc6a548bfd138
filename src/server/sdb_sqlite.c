/* sdb_sqlite: the SQLite backend of sdb.h, a thin pass-through (the codes
 * are SQLite's); a connection and a statement wrap SQLite's own.  A
 * connection keeps the statements it prepared, by their SQL text: parsing
 * took a quarter of the server's CPU in a city's sync burst when every
 * request prepared its statements afresh (doc/BENCHMARKS.md). */
#include "config.h"
#include "sdb_backend.h"

#include <assert.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
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

#define LITE_CACHE_SLOTS 256         /* distinct statements a connection keeps */

struct lite_stmt;
struct lite_cached {
	char *sql;                      /* as the caller wrote it (first: sdb_cache_slot) */
	sqlite3_stmt *h;
	struct lite_stmt *lent;         /* the caller's handle on it, NULL when idle */
};
struct lite {
	struct sdb base;
	sqlite3 *h;
	struct lite_cached cache[LITE_CACHE_SLOTS];
};
struct lite_stmt {
	struct sdb_stmt base;
	sqlite3_stmt *h;
	struct lite_cached *slot;       /* NULL: finalized for good when done */
};

#define DB(d) (((struct lite *)(d))->h)
#define ST(s) (((struct lite_stmt *)(s))->h)
#define LIFE(l) ((l) == SDB_STATIC ? SQLITE_STATIC : SQLITE_TRANSIENT)

static const struct sdb_backend lite_backend;

static int lite_stmt_new(sqlite3_stmt *h, struct lite_cached *slot, sdb_stmt **st)
{
	struct lite_stmt *s = malloc(sizeof *s);
	if (s == NULL)
		return SQLITE_NOMEM;
	s->base.be = &lite_backend;
	s->h = h;
	s->slot = slot;
	if (slot != NULL)
		slot->lent = s;
	*st = &s->base;
	return SQLITE_OK;
}

/* sql's statement from the cache, or a new one the cache keeps when it
 * has room; one already lent (the same SQL twice at once) or a script
 * read statement by statement (tail asked) is prepared apart */
static int lite_prepare(sdb *db, const char *sql, int len, sdb_stmt **st, const char **tail)
{
	struct lite *l = (struct lite *)db;
	struct lite_cached *c = NULL;
	if (tail == NULL) {
		size_t n = len < 0 ? strlen(sql) : (size_t)len;
		c = sdb_cache_slot(l->cache, LITE_CACHE_SLOTS, sizeof l->cache[0], sql, n);
		if (c != NULL && c->lent != NULL)
			c = NULL;
		if (c != NULL && c->sql != NULL)
			return lite_stmt_new(c->h, c, st);
		if (c != NULL && (c->sql = strndup(sql, n)) == NULL)
			c = NULL;
	}
	sqlite3_stmt *h = NULL;
	int rc = sqlite3_prepare_v2(DB(db), sql, len, &h, tail);
	if (rc == SQLITE_OK && h == NULL)
		rc = SQLITE_MISUSE;     /* an empty statement */
	if (rc == SQLITE_OK && c != NULL)
		c->h = h;
	if (rc == SQLITE_OK && (rc = lite_stmt_new(h, c, st)) == SQLITE_OK)
		return SQLITE_OK;
	sqlite3_finalize(h);
	if (c != NULL) {
		free(c->sql);
		*c = (struct lite_cached){ NULL, NULL, NULL };
	}
	return rc;
}

static int lite_bind_text(sdb_stmt *st, int i, const char *s, int len, enum sdb_lifetime life)
{
	return sqlite3_bind_text(ST(st), i, s, len, LIFE(life));
}

static int lite_bind_blob(sdb_stmt *st, int i, const void *p, int len, enum sdb_lifetime life)
{
	return sqlite3_bind_blob(ST(st), i, p, len, LIFE(life));
}

static int lite_bind_int64(sdb_stmt *st, int i, long long v) { return sqlite3_bind_int64(ST(st), i, v); }
static int lite_bind_double(sdb_stmt *st, int i, double v) { return sqlite3_bind_double(ST(st), i, v); }
static int lite_bind_null(sdb_stmt *st, int i) { return sqlite3_bind_null(ST(st), i); }
static int lite_step(sdb_stmt *st) { return sqlite3_step(ST(st)); }
static int lite_reset(sdb_stmt *st) { return sqlite3_reset(ST(st)); }

/* a cached statement goes back to its connection, reset and unbound
 * (its read snapshot ends as with sqlite3_finalize) */
static int lite_finalize(sdb_stmt *st)
{
	struct lite_stmt *s = (struct lite_stmt *)st;
	int rc;
	if (s->slot != NULL) {
		rc = sqlite3_reset(s->h);
		sqlite3_clear_bindings(s->h);
		s->slot->lent = NULL;
	} else {
		rc = sqlite3_finalize(s->h);
	}
	free(s);
	return rc;
}

static long long lite_column_int64(sdb_stmt *st, int i) { return sqlite3_column_int64(ST(st), i); }
static double lite_column_double(sdb_stmt *st, int i) { return sqlite3_column_double(ST(st), i); }

static const unsigned char *lite_column_text(sdb_stmt *st, int i)
{
	return sqlite3_column_text(ST(st), i);
}

static int lite_column_type(sdb_stmt *st, int i) { return sqlite3_column_type(ST(st), i); }

static int lite_exec(sdb *db, const char *sql, char **errmsg)
{
	char *msg = NULL;
	int rc = sqlite3_exec(DB(db), sql, NULL, NULL, errmsg != NULL ? &msg : NULL);
	if (msg != NULL) {
		*errmsg = strdup(msg);
		sqlite3_free(msg);
	}
	return rc;
}

static long long lite_changes64(sdb *db) { return sqlite3_changes64(DB(db)); }
static bool lite_autocommit(sdb *db) { return sqlite3_get_autocommit(DB(db)) != 0; }
static int lite_extended_errcode(sdb *db) { return sqlite3_extended_errcode(DB(db)); }
static const char *lite_errmsg(sdb *db) { return sqlite3_errmsg(DB(db)); }

/* closes once the last statement is finalized (a pool's thread may still
 * hold one at shutdown: it is finalized for good when given back) */
static int lite_close(sdb *db)
{
	struct lite *l = (struct lite *)db;
	for (size_t i = 0; i < LITE_CACHE_SLOTS; i++) {
		struct lite_cached *c = &l->cache[i];
		if (c->lent != NULL)
			c->lent->slot = NULL;
		else
			sqlite3_finalize(c->h);
		free(c->sql);
	}
	int rc = sqlite3_close_v2(DB(db));
	free(db);
	return rc;
}

static const struct sdb_backend lite_backend = {
	.name = "SQLite", .postgresql = false,
	.prepare = lite_prepare, .bind_text = lite_bind_text, .bind_blob = lite_bind_blob,
	.bind_int64 = lite_bind_int64, .bind_double = lite_bind_double,
	.bind_null = lite_bind_null, .step = lite_step, .reset = lite_reset,
	.finalize = lite_finalize, .column_int64 = lite_column_int64,
	.column_double = lite_column_double, .column_text = lite_column_text,
	.column_type = lite_column_type, .exec = lite_exec, .changes64 = lite_changes64,
	.autocommit = lite_autocommit, .extended_errcode = lite_extended_errcode,
	.errmsg = lite_errmsg, .close = lite_close,
};

/* as sqlite3_open_v2: *db is set (for its message) even when opening failed */
int sdb_sqlite_open(const char *path, sdb **db, int flags)
{
	struct lite *l = calloc(1, sizeof *l);
	*db = NULL;
	if (l == NULL)
		return SQLITE_NOMEM;
	l->base.be = &lite_backend;
	int rc = sqlite3_open_v2(path, &l->h, flags, NULL);
	if (l->h == NULL) {
		free(l);
		return rc;
	}
	*db = &l->base;
	return rc;
}

int sdb_sqlite_busy_timeout(sdb *db, int ms) { return sqlite3_busy_timeout(DB(db), ms); }

/* the hook's own callback takes a sqlite3: one trampoline, one hook */
static struct {
	int (*fn)(void *ctx, sdb *db, const char *name, int pages);
	void *ctx;
	sdb *db;
} wal;

static int wal_trampoline(void *unused, sqlite3 *db, const char *name, int pages)
{
	(void)unused;
	(void)db;
	return wal.fn(wal.ctx, wal.db, name, pages);
}

void sdb_sqlite_wal_hook(sdb *db, int (*fn)(void *ctx, sdb *db, const char *name, int pages),
	void *ctx)
{
	wal.fn = fn;
	wal.ctx = ctx;
	wal.db = db;
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
