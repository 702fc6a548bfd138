/* sdb_backend: what each backend of sdb.h provides (sdb.c dispatches).
 * A connection and a statement start with their backend's table, so one
 * process can hold both kinds (a SQLite backup beside PostgreSQL). */
#ifndef SIGACOR_SERVER_SDB_BACKEND_H
#define SIGACOR_SERVER_SDB_BACKEND_H

#include "sdb.h"

#include <stddef.h>

struct sdb_backend {
	const char *name;               /* "SQLite", "PostgreSQL": for messages */
	bool postgresql;                /* the dialect's few differences (doc/STORAGE.md) */
	int (*prepare)(sdb *db, const char *sql, int len, sdb_stmt **st, const char **tail);
	int (*bind_text)(sdb_stmt *st, int i, const char *s, int len, enum sdb_lifetime life);
	int (*bind_blob)(sdb_stmt *st, int i, const void *p, int len, enum sdb_lifetime life);
	int (*bind_int64)(sdb_stmt *st, int i, long long v);
	int (*bind_double)(sdb_stmt *st, int i, double v);
	int (*bind_null)(sdb_stmt *st, int i);
	int (*step)(sdb_stmt *st);
	int (*step_later)(sdb_stmt *st);    /* NULL: step now */
	void (*send)(sdb_stmt *st);         /* NULL: run at the first step */
	int (*settle)(sdb *db);             /* NULL: nothing is sent ahead */
	unsigned long (*failures)(sdb *db); /* NULL: each error is its own call's */
	int (*reset)(sdb_stmt *st);
	int (*finalize)(sdb_stmt *st);
	void (*stream)(sdb_stmt *st);   /* NULL: rows are read one by one anyway */
	long long (*column_int64)(sdb_stmt *st, int i);
	double (*column_double)(sdb_stmt *st, int i);
	const unsigned char *(*column_text)(sdb_stmt *st, int i);
	int (*column_type)(sdb_stmt *st, int i);
	/* errmsg, if given, is malloc'd */
	int (*exec)(sdb *db, const char *sql, char **errmsg);
	long long (*changes64)(sdb *db);
	bool (*autocommit)(sdb *db);
	int (*extended_errcode)(sdb *db);
	const char *(*errmsg)(sdb *db);
	int (*close)(sdb *db);
};

struct sdb { const struct sdb_backend *be; };
struct sdb_stmt { const struct sdb_backend *be; };

/* A connection's statement cache (both backends keep one: a statement is
 * parsed once per connection, not once per request): an open-addressed
 * table of n entries, stride bytes apart, each starting with its SQL text
 * (char *, NULL when the entry is free).  Gives sql's entry, or the free
 * one it would take; NULL when the table is full. */
void *sdb_cache_slot(void *table, size_t n, size_t stride, const char *sql, size_t len);

#endif
