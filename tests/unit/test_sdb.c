/* The server's SQLite backend keeps the statements a connection prepared
 * (src/server/sdb_sqlite.c): a statement given back is reset and unbound
 * and holds no snapshot; the same SQL twice at once gets two statements;
 * a connection closed while a statement is out frees it when it comes
 * back; more statements than the cache holds, and a changed schema, still
 * work. */
#include "config.h"
#include "../../src/server/sdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../tap.h"

static char path[256];

static sdb *open_db(void)
{
	sdb *db = NULL;
	if (sdb_sqlite_open(path, &db, SDB_SQLITE_OPEN_READWRITE | SDB_SQLITE_OPEN_CREATE) != SDB_OK)
		return NULL;
	sdb_sqlite_busy_timeout(db, 2000);
	return db;
}

/* the one integer a query gives (-1: none, -2: an error) */
static long long one(sdb *db, const char *sql, long long param)
{
	sdb_stmt *st;
	if (sdb_prepare(db, sql, -1, &st, NULL) != SDB_OK)
		return -2;
	if (param >= 0)
		sdb_bind_int64(st, 1, param);
	int rc = sdb_step(st);
	long long v = rc == SDB_ROW ? (sdb_column_type(st, 0) == SDB_NULL ? -3
		: sdb_column_int64(st, 0)) : rc == SDB_DONE ? -1 : -2;
	sdb_finalize(st);
	return v;
}

static void given_back_is_reset(sdb *db)
{
	const char *sql = "SELECT ?1";
	ok(one(db, sql, 7) == 7, "a statement answers its parameter");
	ok(one(db, sql, -1) == -3, "taken again, its parameter left unbound is NULL, not the last value");
	ok(one(db, sql, 9) == 9, "and bound again it answers the new value");
}

static void same_sql_twice_at_once(sdb *db)
{
	const char *sql = "SELECT n FROM t WHERE n >= ? ORDER BY n";
	sdb_stmt *outer, *inner;
	bool ok = sdb_prepare(db, sql, -1, &outer, NULL) == SDB_OK;
	ok = ok && sdb_bind_int64(outer, 1, 1) == SDB_OK && sdb_step(outer) == SDB_ROW;
	long long first = ok ? sdb_column_int64(outer, 0) : -1;
	ok = ok && sdb_prepare(db, sql, -1, &inner, NULL) == SDB_OK;
	ok(ok && inner != outer, "the same SQL while its statement is out gets a second statement");
	if (!ok)
		return;
	sdb_bind_int64(inner, 1, 3);
	long long inner_first = sdb_step(inner) == SDB_ROW ? sdb_column_int64(inner, 0) : -1;
	sdb_finalize(inner);
	long long second = sdb_step(outer) == SDB_ROW ? sdb_column_int64(outer, 0) : -1;
	sdb_finalize(outer);
	ok(first == 1 && inner_first == 3 && second == 2,
		"each keeps its own place (outer 1 then 2, inner 3): %lld %lld %lld",
		first, second, inner_first);
}

static void error_then_reuse(sdb *db)
{
	const char *sql = "INSERT INTO t(n) VALUES (?)";
	sdb_stmt *st;
	int rc = sdb_prepare(db, sql, -1, &st, NULL);
	sdb_bind_int64(st, 1, 1);
	int step = rc == SDB_OK ? sdb_step(st) : rc;
	int fin = rc == SDB_OK ? sdb_finalize(st) : rc;
	ok(step == SDB_CONSTRAINT && fin == SDB_CONSTRAINT,
		"a failed step's code comes back from finalize too: %d %d", step, fin);
	rc = sdb_prepare(db, sql, -1, &st, NULL);
	sdb_bind_int64(st, 1, 10);
	step = rc == SDB_OK ? sdb_step(st) : rc;
	sdb_finalize(st);
	ok(step == SDB_DONE && one(db, "SELECT count(*) FROM t WHERE n = 10", -1) == 1,
		"the same statement taken again inserts");
}

static void no_snapshot_kept(sdb *a)
{
	sdb *b = open_db();
	ok(one(a, "SELECT count(*) FROM t", -1) == 4, "four rows seen");
	ok(b != NULL && sdb_exec(b, "INSERT INTO t(n) VALUES (20)", NULL) == SDB_OK,
		"another connection adds a row");
	ok(one(a, "SELECT count(*) FROM t", -1) == 5,
		"the statement taken again sees it: the one given back held no read snapshot");
	sdb_close(b);
}

static void beyond_the_cache(sdb *db)
{
	int right = 0;
	for (int i = 0; i < 700; i++) {
		char sql[64];
		snprintf(sql, sizeof sql, "SELECT %d + ?1", i);
		right += one(db, sql, 1) == i + 1;
	}
	ok(right == 700, "700 distinct statements on one connection all answer (%d)", right);
}

static void schema_changed(sdb *db)
{
	const char *sql = "SELECT count(*) FROM u";
	sdb_exec(db, "CREATE TABLE u(x)", NULL);
	long long before = one(db, sql, -1);
	sdb *b = open_db();
	sdb_exec(b, "DROP TABLE u; CREATE TABLE u(y, z); INSERT INTO u VALUES (1, 2)", NULL);
	sdb_close(b);
	ok(before == 0 && one(db, sql, -1) == 1,
		"a kept statement follows a table dropped and made again by another connection");
}

static void closed_while_out(void)
{
	sdb *db = open_db();
	sdb_stmt *st;
	bool ok = db != NULL && sdb_prepare(db, "SELECT n FROM t", -1, &st, NULL) == SDB_OK
		&& sdb_step(st) == SDB_ROW;
	sdb_close(db);
	ok(ok && sdb_finalize(st) == SDB_OK,
		"a connection closed while its statement is out: the statement is freed when given back");
}

int main(void)
{
	snprintf(path, sizeof path, "/tmp/test_sdb.%d.db", (int)getpid());
	sdb *db = open_db();
	ok(db != NULL && sdb_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(n INTEGER UNIQUE);"
		"INSERT INTO t VALUES (1), (2), (3)", NULL) == SDB_OK, "a WAL database");
	given_back_is_reset(db);
	same_sql_twice_at_once(db);
	error_then_reuse(db);
	no_snapshot_kept(db);
	beyond_the_cache(db);
	schema_changed(db);
	sdb_close(db);
	closed_while_out();
	char aux[300];
	unlink(path);
	snprintf(aux, sizeof aux, "%s-wal", path);
	unlink(aux);
	snprintf(aux, sizeof aux, "%s-shm", path);
	unlink(aux);
	return tap_done();
}
