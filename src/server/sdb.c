/* sdb: the calls of sdb.h, each handed to the backend of its connection or
 * statement (sdb_backend.h). */
#include "sdb_backend.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int sdb_prepare(sdb *db, const char *sql, int len, sdb_stmt **st, const char **tail)
{
	*st = NULL;
	return db->be->prepare(db, sql, len, st, tail);
}

int sdb_bind_text(sdb_stmt *st, int i, const char *s, int len, enum sdb_lifetime life)
{
	return st->be->bind_text(st, i, s, len, life);
}

int sdb_bind_blob(sdb_stmt *st, int i, const void *p, int len, enum sdb_lifetime life)
{
	return st->be->bind_blob(st, i, p, len, life);
}

int sdb_bind_int64(sdb_stmt *st, int i, long long v) { return st->be->bind_int64(st, i, v); }
int sdb_bind_int(sdb_stmt *st, int i, int v) { return st->be->bind_int64(st, i, v); }
int sdb_bind_double(sdb_stmt *st, int i, double v) { return st->be->bind_double(st, i, v); }
int sdb_bind_null(sdb_stmt *st, int i) { return st->be->bind_null(st, i); }
int sdb_step(sdb_stmt *st) { return st->be->step(st); }
int sdb_reset(sdb_stmt *st) { return st->be->reset(st); }

int sdb_step_later(sdb_stmt *st)
{
	if (st->be->step_later != NULL)
		return st->be->step_later(st);
	int rc = st->be->step(st);
	return rc == SDB_ROW ? SDB_DONE : rc;
}

void sdb_send(sdb_stmt *st)
{
	if (st->be->send != NULL)
		st->be->send(st);
}

int sdb_settle(sdb *db)
{
	return db->be->settle != NULL ? db->be->settle(db) : SDB_OK;
}

unsigned long sdb_failures(sdb *db)
{
	return db->be->failures != NULL ? db->be->failures(db) : 0;
}

void sdb_stream(sdb_stmt *st)
{
	if (st->be->stream != NULL)
		st->be->stream(st);
}

int sdb_finalize(sdb_stmt *st)
{
	return st != NULL ? st->be->finalize(st) : SDB_OK;
}

long long sdb_column_int64(sdb_stmt *st, int i) { return st->be->column_int64(st, i); }
int sdb_column_int(sdb_stmt *st, int i) { return (int)st->be->column_int64(st, i); }
double sdb_column_double(sdb_stmt *st, int i) { return st->be->column_double(st, i); }
const unsigned char *sdb_column_text(sdb_stmt *st, int i) { return st->be->column_text(st, i); }
int sdb_column_type(sdb_stmt *st, int i) { return st->be->column_type(st, i); }

int sdb_exec(sdb *db, const char *sql, char **errmsg)
{
	if (errmsg != NULL)
		*errmsg = NULL;
	return db->be->exec(db, sql, errmsg);
}

void sdb_free(void *p) { free(p); }
int sdb_changes(sdb *db) { return (int)db->be->changes64(db); }
long long sdb_changes64(sdb *db) { return db->be->changes64(db); }
bool sdb_autocommit(sdb *db) { return db->be->autocommit(db); }
int sdb_errcode(sdb *db) { return db->be->extended_errcode(db) & 0xff; }
int sdb_extended_errcode(sdb *db) { return db->be->extended_errcode(db); }
const char *sdb_errmsg(sdb *db) { return db->be->errmsg(db); }

int sdb_close(sdb *db)
{
	return db != NULL ? db->be->close(db) : SDB_OK;
}

const char *sdb_backend_name(const sdb *db) { return db->be->name; }
bool sdb_is_postgresql(const sdb *db) { return db->be->postgresql; }

static uint32_t hash_sql(const char *s, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

void *sdb_cache_slot(void *table, size_t n, size_t stride, const char *sql, size_t len)
{
	uint32_t h = hash_sql(sql, len);
	for (size_t probe = 0; probe < n; probe++) {
		char *entry = (char *)table + ((h + probe) % n) * stride;
		const char *text = *(char **)entry;
		if (text == NULL || (strncmp(text, sql, len) == 0 && text[len] == '\0'))
			return entry;
	}
	return NULL;
}
