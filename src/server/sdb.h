/* sdb: the server's database interface.  Every SQL the server runs goes
 * through these calls, so that two backends stand behind them: SQLite
 * (sdb_sqlite.c, the embedded default) and PostgreSQL through libpq
 * (sdb_pg.c, issue 14); sdb.c dispatches.  SQL is written with `?` or `?N`
 * placeholders, in the dialect both understand (doc/STORAGE.md).
 *
 * The result codes keep SQLite's numbers (checked at build time in
 * sdb_sqlite.c), so the SQLite backend needs no translation on the hot path;
 * the PostgreSQL backend maps SQLSTATEs to them.
 * What only SQLite has (its open flags, busy timeout, WAL hook and
 * checkpoints) is named sdb_sqlite_* and used only by db.c and the
 * admin commands that open the file.  doc/STORAGE.md says what a PostgreSQL
 * backend does in their place (backup -> pg_dump, busy timeout ->
 * lock_timeout, no WAL hook or checkpointer) and lists the SQL still in
 * SQLite's dialect. */
#ifndef SIGACOR_SERVER_SDB_H
#define SIGACOR_SERVER_SDB_H

#include <stdbool.h>

struct sdb;             /* one connection */
struct sdb_stmt;        /* one prepared statement */
typedef struct sdb sdb;
typedef struct sdb_stmt sdb_stmt;

/* results of step, exec, prepare and errcode */
enum {
	SDB_OK = 0,
	SDB_ERROR = 1,
	SDB_BUSY = 5,            /* another writer holds the lock: try again */
	SDB_LOCKED = 6,
	SDB_IOERR = 10,
	SDB_CANTOPEN = 14,
	SDB_CONSTRAINT = 19,     /* a UNIQUE, CHECK or FOREIGN KEY said no */
	SDB_ROW = 100,
	SDB_DONE = 101,
	SDB_CONSTRAINT_PRIMARYKEY = SDB_CONSTRAINT | (6 << 8),
	SDB_CONSTRAINT_UNIQUE = SDB_CONSTRAINT | (8 << 8),
};

/* column types */
enum { SDB_INTEGER = 1, SDB_FLOAT = 2, SDB_TEXT = 3, SDB_BLOB = 4, SDB_NULL = 5 };

/* how long a bound text or blob lives: until the statement's next step
 * (SDB_STATIC, the caller keeps it), or copied now (SDB_TRANSIENT) */
enum sdb_lifetime { SDB_STATIC, SDB_TRANSIENT };

int sdb_prepare(sdb *db, const char *sql, int len, sdb_stmt **st, const char **tail);
int sdb_bind_text(sdb_stmt *st, int i, const char *s, int len, enum sdb_lifetime life);
int sdb_bind_blob(sdb_stmt *st, int i, const void *p, int len, enum sdb_lifetime life);
int sdb_bind_int64(sdb_stmt *st, int i, long long v);
int sdb_bind_int(sdb_stmt *st, int i, int v);
int sdb_bind_double(sdb_stmt *st, int i, double v);
int sdb_bind_null(sdb_stmt *st, int i);
int sdb_step(sdb_stmt *st);
int sdb_reset(sdb_stmt *st);
/* A statement whose answer nobody reads (an INSERT or UPDATE that either
 * worked or fails the whole write): SQLite runs it now; PostgreSQL sends it
 * in libpq's pipeline mode and goes on, and its answer is read behind the
 * next statement that waits for one (in the same round trip) or by
 * sdb_settle.  SDB_DONE, or an error known now; PostgreSQL's own error then
 * comes from that next statement.  A write settles before it answers its
 * client: its rows must be in before "saved" is said.  The statement may
 * be finalized at once. */
int sdb_step_later(sdb_stmt *st);
/* A query whose rows are read a little later: PostgreSQL sends it now, in
 * the pipeline, so that several queries that do not depend on each other
 * (a record's checks) travel in one round trip, answered at the first
 * sdb_step of any of them; SQLite runs it at its first step as usual. */
void sdb_send(sdb_stmt *st);
/* Wait for the answers of what sdb_step_later sent: SDB_OK or the first
 * error among them. */
int sdb_settle(sdb *db);
/* How many errors the database has reported on this connection so far,
 * counted when they are read: on PostgreSQL also the error of a statement
 * sent ahead that nobody steps again, read with another's answer.  A
 * writer that sends many statements before it waits compares two counts
 * to learn whether any of them failed.  SQLite sends nothing ahead, each
 * error is returned by the call that met it, and this stays 0. */
unsigned long sdb_failures(sdb *db);
int sdb_finalize(sdb_stmt *st);
/* Before its first step: a statement whose rows may be a whole city's.
 * PostgreSQL otherwise hands a query's result over whole, in memory; now
 * it reads a thousand rows at a time through a cursor, in a transaction
 * of its own when none is open (ended when the statement is reset or
 * finalized: nothing else may write on the connection meanwhile).  SQLite
 * reads row by row anyway. */
void sdb_stream(sdb_stmt *st);
long long sdb_column_int64(sdb_stmt *st, int i);
int sdb_column_int(sdb_stmt *st, int i);
double sdb_column_double(sdb_stmt *st, int i);
const unsigned char *sdb_column_text(sdb_stmt *st, int i);
int sdb_column_type(sdb_stmt *st, int i);

/* exec runs one or more statements without results; *errmsg (if given)
 * is freed with sdb_free */
int sdb_exec(sdb *db, const char *sql, char **errmsg);
void sdb_free(void *p);
int sdb_changes(sdb *db);
long long sdb_changes64(sdb *db);
bool sdb_autocommit(sdb *db);   /* true outside a transaction */
int sdb_errcode(sdb *db);
int sdb_extended_errcode(sdb *db);
const char *sdb_errmsg(sdb *db);
int sdb_close(sdb *db);
/* "SQLite" or "PostgreSQL", for messages */
const char *sdb_backend_name(const sdb *db);
bool sdb_is_postgresql(const sdb *db);
/* the server is gone (PostgreSQL restarted): the connection is of no more
 * use; asked of an idle connection before it is lent (never blocks) */
bool sdb_connection_lost(sdb *db);

/* PostgreSQL: a libpq connection string or URI (postgresql://...).  NULL
 * and *why set (malloc'd) when it cannot connect. */
sdb *sdb_pg_connect(const char *conninfo, char **why);

/* PostgreSQL only, on a connection kept for it: LISTEN channel; then wait
 * up to timeout_ms (or until wake_fd, -1 for none, is readable) for
 * notifications: how many came (0: none), -1 when the connection is lost;
 * sdb_pg_answers: whether it answers SELECT 1 within timeout_ms (false also
 * when wake_fd is readable first) */
bool sdb_pg_listen(sdb *db, const char *channel);
int sdb_pg_wait_notifications(sdb *db, int wake_fd, int timeout_ms);
bool sdb_pg_answers(sdb *db, int wake_fd, int timeout_ms);

/* PostgreSQL only: COPY ... FROM STDIN (sql), its rows (values[i] NULL
 * for SQL NULL), its end (*rows: how many it took); false with the
 * connection's message */
bool sdb_pg_copy_begin(sdb *db, const char *sql);
bool sdb_pg_copy_row(sdb *db, const char *const *values, int n);
bool sdb_pg_copy_end(sdb *db, long long *rows);

/* SQLite only */
enum {
	SDB_SQLITE_OPEN_READONLY = 0x1,
	SDB_SQLITE_OPEN_READWRITE = 0x2,
	SDB_SQLITE_OPEN_CREATE = 0x4,
	SDB_SQLITE_OPEN_NOMUTEX = 0x8000,
};
int sdb_sqlite_open(const char *path, sdb **db, int flags);
int sdb_sqlite_busy_timeout(sdb *db, int ms);
/* one WAL hook per process (the writer's): fn is called after each commit */
void sdb_sqlite_wal_hook(sdb *db, int (*fn)(void *ctx, sdb *db, const char *name, int pages),
	void *ctx);
int sdb_sqlite_checkpoint_passive(sdb *db);
/* SQLite's online backup of src's main database into dst, whole */
bool sdb_sqlite_backup(sdb *src, sdb *dst);

#endif
