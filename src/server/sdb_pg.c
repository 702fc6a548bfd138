/* sdb_pg: the PostgreSQL backend of sdb.h, through libpq (issue 14).
 *
 * A statement's SQL has its `?`/`?N` placeholders rewritten to `$N` once;
 * each connection prepares a statement once under a generated name
 * (PQprepare) and keeps it, keyed by its SQL text, so the server's requests
 * pay one round trip per statement as with SQLite's prepare.  Values travel
 * in text format; booleans come back as "t"/"f" and read as 1/0.  The first
 * sdb_step runs the statement and keeps the whole result: the server's
 * queries are pages with a LIMIT.  SQLSTATEs map to sdb's codes: a
 * serialization failure, a deadlock or a lock timeout is SDB_BUSY (try
 * again), a unique violation SDB_CONSTRAINT_UNIQUE, a lost connection
 * SDB_IOERR.
 *
 * sdb_step_later sends a statement in libpq's pipeline mode and goes on
 * without its answer; the answers are read with the next statement that
 * waits for one (sent behind them: one round trip for all) or by
 * sdb_settle.  Under the one write lock a record's inserts were a round
 * trip each. */
#include "config.h"
#include "sdb_backend.h"
#include "common.h"

#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_CACHE_SLOTS 512          /* distinct statements a connection keeps */
#define PG_MAX_PARAMS 128           /* placeholders in one statement */
/* statements sent ahead of their answers: a batch of records is sent
 * whole (some ten statements a record; a settle midway is a round trip).
 * libpq takes in answers while it waits to send, so the server is never
 * stuck writing to us while we write to it. */
#define PG_PIPELINE_MAX 2048
#define SDB_PG_CONNECT_TIMEOUT "10"   /* seconds (libpq connect_timeout) */
#define PG_BOOLOID 16
#define PG_BYTEAOID 17
#define PG_TEXTOID 25
#define PG_INT8OID 20
#define PG_INT2OID 21
#define PG_INT4OID 23
#define PG_FLOAT4OID 700
#define PG_FLOAT8OID 701
#define PG_NUMERICOID 1700

struct pg_cached {
	char *sql;                      /* as the caller wrote it (first: sdb_cache_slot) */
	int params;
	unsigned name;
};

struct pg {
	struct sdb base;
	PGconn *conn;
	long long changes;
	int code;                       /* of the last call, sdb's extended code */
	unsigned long failures;         /* errors set so far (sdb_failures) */
	char *message;
	unsigned next_name;
	struct pg_cached cache[PG_CACHE_SLOTS];
	char *line;                     /* a COPY row being made */
	size_t line_cap;
	int pending;                    /* sent in pipeline mode, answers not read */
	struct pg_stmt *awaiting[PG_PIPELINE_MAX];  /* of each: who waits for its rows */
};

struct pg_param {
	char *value;                    /* NULL: SQL NULL */
	int length, format;
	bool owned;
	char number[32];
};

struct pg_stmt {
	struct sdb_stmt base;
	struct pg *db;
	const char *sql;                /* the cache's copy of the caller's SQL */
	char name[16];
	int n;
	struct pg_param *params;
	PGresult *res;
	bool ran;
	int row, rows;
	bool awaited;                   /* sent ahead: its rows come with the pipeline */
	int early;                      /* the pipeline's error, for a statement it aborted */
	/* sdb_stream: read through a cursor, PG_FETCH_ROWS at a time */
	bool stream, cursor_open, began;
	char cursor[24];
};

#define PG_FETCH_ROWS 1000

static const struct sdb_backend pg_backend;
static int pg_exec(sdb *d, const char *sql, char **errmsg);

/* ---- errors */

static void pg_set_error(struct pg *db, int code, const char *message)
{
	db->code = code;
	db->failures += code != SDB_OK;
	free(db->message);
	db->message = strdup(message != NULL ? message : "");
	size_t n = db->message != NULL ? strlen(db->message) : 0;
	while (n > 0 && db->message[n - 1] == '\n')
		db->message[--n] = '\0';
}

static int code_of_sqlstate(const char *state)
{
	if (state == NULL)
		return SDB_IOERR;
	if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0
		|| strcmp(state, "55P03") == 0)
		return SDB_BUSY;
	if (strcmp(state, "23505") == 0)
		return SDB_CONSTRAINT_UNIQUE;
	if (strncmp(state, "23", 2) == 0)
		return SDB_CONSTRAINT;
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57P", 3) == 0)
		return SDB_IOERR;
	return SDB_ERROR;
}

/* the result's status as sdb's code; an error is kept on the connection */
static int pg_result_code(struct pg *db, PGresult *res)
{
	ExecStatusType s = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK) {
		db->code = SDB_OK;
		const char *n = PQcmdTuples(res);
		db->changes = n[0] != '\0' ? strtoll(n, NULL, 10) : 0;
		return SDB_OK;
	}
	const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	int code = PQstatus(db->conn) == CONNECTION_BAD ? SDB_IOERR : code_of_sqlstate(state);
	/* refused only because an earlier statement failed: that one's words
	 * are the cause, and stay the message */
	if (state != NULL && strcmp(state, "25P02") == 0 && db->code != SDB_OK) {
		db->code = code;
		db->failures++;
		return code & 0xff;
	}
	/* the primary message only: the detail may quote a row's values (a NIK) */
	const char *primary = res != NULL ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	pg_set_error(db, code, primary != NULL ? primary : PQerrorMessage(db->conn));
	return code & 0xff;
}

/* ---- the pipeline: statements sent ahead of their answers */

static int take_rows(struct pg_stmt *s, PGresult *res);

/* One statement's answer (its results, until NULL): an error kept in *code
 * (the first of the pipeline: the statements it aborted say nothing more);
 * the rows handed to s, the statement that waits for them (or NULL). */
static void read_answer(struct pg *db, struct pg_stmt *s, int *code)
{
	PGresult *res;
	while ((res = PQgetResult(db->conn)) != NULL) {
		ExecStatusType st = PQresultStatus(res);
		bool failed = st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK;
		if (failed && st != PGRES_PIPELINE_ABORTED && *code == SDB_OK)
			*code = pg_result_code(db, res);
		if (s != NULL && s->awaited && !failed) {
			s->awaited = false;
			take_rows(s, res);
		} else
			PQclear(res);
	}
}

/* Close the pipeline: a sync after what was sent, every answer read, the
 * connection back in its ordinary mode.  SDB_OK or the first error; a
 * statement whose rows never came gets that error as its own. */
static int close_pipeline(struct pg *db)
{
	int code = SDB_OK;
	if (PQpipelineSync(db->conn) != 1) {
		pg_set_error(db, SDB_IOERR, PQerrorMessage(db->conn));
		code = SDB_IOERR;
	}
	for (int i = 0; i < db->pending; i++)
		read_answer(db, db->awaiting[i], &code);
	PGresult *sync = PQgetResult(db->conn);
	bool synced = sync != NULL && PQresultStatus(sync) == PGRES_PIPELINE_SYNC;
	PQclear(sync);
	if ((!synced || PQexitPipelineMode(db->conn) != 1) && code == SDB_OK) {
		pg_set_error(db, SDB_IOERR, PQerrorMessage(db->conn));
		code = SDB_IOERR;
	}
	for (int i = 0; i < db->pending; i++) {
		struct pg_stmt *s = db->awaiting[i];
		if (s != NULL && s->awaited) {
			s->awaited = false;
			s->early = code != SDB_OK ? code : SDB_IOERR;
		}
		db->awaiting[i] = NULL;
	}
	db->pending = 0;
	return code & 0xff;
}

/* the answers of what was sent ahead, before the connection is used as usual */
static int settle(struct pg *db)
{
	return db->pending > 0 ? close_pipeline(db) : SDB_OK;
}

/* the bound parameters as libpq takes them */
static void param_arrays(const struct pg_stmt *s, const char **values, int *lengths,
	int *formats)
{
	for (int i = 0; i < s->n; i++) {
		values[i] = s->params[i].value;
		lengths[i] = s->params[i].length;
		formats[i] = s->params[i].format;
	}
}

/* Send the prepared statement s in pipeline mode (entered when it is not);
 * its rows, if it waits for them (awaited), come with the pipeline's close. */
static bool send_ahead(struct pg_stmt *s, bool awaited)
{
	struct pg *db = s->db;
	const char *values[PG_MAX_PARAMS];
	int lengths[PG_MAX_PARAMS], formats[PG_MAX_PARAMS];
	if (db->pending == PG_PIPELINE_MAX && settle(db) != SDB_OK)
		return false;
	param_arrays(s, values, lengths, formats);
	s->ran = true;
	if ((PQpipelineStatus(db->conn) == PQ_PIPELINE_OFF && PQenterPipelineMode(db->conn) != 1)
		|| PQsendQueryPrepared(db->conn, s->name, s->n, values, lengths, formats, 0) != 1) {
		pg_set_error(db, SDB_IOERR, PQerrorMessage(db->conn));
		return false;
	}
	s->awaited = awaited;
	s->early = SDB_OK;
	db->awaiting[db->pending++] = awaited ? s : NULL;
	return true;
}

/* ---- placeholders: ? and ?N to $N, outside quotes; how many there are,
 * and which numbers the SQL never names (used[n - 1] false) */

static char *rewrite_placeholders(const char *sql, size_t len, int *count,
	bool used[PG_MAX_PARAMS])
{
	/* "?N" stays as long; a bare "?" becomes at most "$128" (more
	 * placeholders than PG_MAX_PARAMS stop the rewrite) */
	char *out = malloc(len * 4 + 1);
	if (out == NULL)
		return NULL;
	size_t o = 0;
	int highest = 0;
	char quote = 0;
	for (size_t i = 0; i < len; i++) {
		char c = sql[i];
		if (quote != 0) {
			if (c == quote)
				quote = 0;
			out[o++] = c;
		} else if (c == '\'' || c == '"') {
			quote = c;
			out[o++] = c;
		} else if (c == '?') {
			int n = 0;
			while (i + 1 < len && sql[i + 1] >= '0' && sql[i + 1] <= '9')
				n = n * 10 + (sql[++i] - '0');
			if (n == 0)
				n = highest + 1;
			if (n > highest)
				highest = n;
			if (n > PG_MAX_PARAMS)
				break;          /* the caller refuses the statement */
			used[n - 1] = true;
			o += (size_t)sprintf(out + o, "$%d", n);
		} else
			out[o++] = c;
	}
	out[o] = '\0';
	*count = highest;
	return out;
}

/* ---- the statement cache of a connection */

/* the slot of sql: its entry, or the empty slot it would take (NULL: full) */
static struct pg_cached *cache_slot(struct pg *db, const char *sql, size_t len)
{
	return sdb_cache_slot(db->cache, PG_CACHE_SLOTS, sizeof db->cache[0], sql, len);
}

static bool cache_add(struct pg *db, struct pg_cached *c, const char *sql, size_t len)
{
	if (settle(db) != SDB_OK)
		return false;
	int n;
	bool used[PG_MAX_PARAMS] = { false };
	char *text = rewrite_placeholders(sql, len, &n, used);
	if (text == NULL)
		return false;
	if (n > PG_MAX_PARAMS) {
		free(text);
		pg_set_error(db, SDB_ERROR, "too many placeholders");
		return false;
	}
	/* a number the SQL skips (?2 and ?3 without ?1) gets a type of its own,
	 * as SQLite lets it be; PostgreSQL infers the others from their use */
	Oid types[PG_MAX_PARAMS];
	for (int i = 0; i < n; i++)
		types[i] = used[i] ? 0 : PG_TEXTOID;
	unsigned name = ++db->next_name;
	char id[16];
	snprintf(id, sizeof id, "s%u", name);
	int code = pg_result_code(db, PQprepare(db->conn, id, text, n, types));
	free(text);
	if (code != SDB_OK)
		return false;
	c->sql = strndup(sql, len);
	c->params = n;
	c->name = name;
	return c->sql != NULL;
}

/* ---- statements */

static int pg_prepare(sdb *d, const char *sql, int len, sdb_stmt **st, const char **tail)
{
	struct pg *db = (struct pg *)d;
	size_t n = len < 0 ? strlen(sql) : (size_t)len;
	if (tail != NULL)
		*tail = sql + n;
	struct pg_cached *c = cache_slot(db, sql, n);
	if (c == NULL) {
		pg_set_error(db, SDB_ERROR, "too many distinct statements");
		return SDB_ERROR;
	}
	if (c->sql == NULL && !cache_add(db, c, sql, n))
		return db->code & 0xff;

	struct pg_stmt *s = calloc(1, sizeof *s);
	if (s == NULL || (c->params > 0
		&& (s->params = calloc((size_t)c->params, sizeof *s->params)) == NULL)) {
		free(s);
		return SDB_ERROR;
	}
	s->base.be = &pg_backend;
	s->db = db;
	s->n = c->params;
	s->sql = c->sql;
	snprintf(s->name, sizeof s->name, "s%u", c->name);
	*st = &s->base;
	return SDB_OK;
}

static struct pg_param *param(sdb_stmt *st, int i)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	if (i < 1 || i > s->n)
		return NULL;
	struct pg_param *p = &s->params[i - 1];
	if (p->owned)
		free(p->value);
	p->value = NULL;
	p->owned = false;
	p->length = 0;
	p->format = 0;
	return p;
}

static int bind_bytes(sdb_stmt *st, int i, const void *v, int len, enum sdb_lifetime life,
	int format)
{
	struct pg_param *p = param(st, i);
	if (p == NULL)
		return SDB_ERROR;
	size_t n = len < 0 ? strlen(v) : (size_t)len;
	/* text travels NUL-terminated: a length-bounded or passing value is copied */
	if (life == SDB_STATIC && len < 0)
		p->value = (char *)v;
	else {
		if ((p->value = malloc(n + 1)) == NULL)
			return SDB_ERROR;
		memcpy(p->value, v, n);
		p->value[n] = '\0';
		p->owned = true;
	}
	p->length = (int)n;
	p->format = format;
	return SDB_OK;
}

static int pg_bind_text(sdb_stmt *st, int i, const char *s, int len, enum sdb_lifetime life)
{
	return s == NULL ? pg_backend.bind_null(st, i) : bind_bytes(st, i, s, len, life, 0);
}

static int pg_bind_blob(sdb_stmt *st, int i, const void *p, int len, enum sdb_lifetime life)
{
	return p == NULL ? pg_backend.bind_null(st, i)
		: bind_bytes(st, i, p, len < 0 ? 0 : len, life == SDB_STATIC ? SDB_TRANSIENT : life, 1);
}

static int pg_bind_int64(sdb_stmt *st, int i, long long v)
{
	struct pg_param *p = param(st, i);
	if (p == NULL)
		return SDB_ERROR;
	snprintf(p->number, sizeof p->number, "%lld", v);
	p->value = p->number;
	return SDB_OK;
}

static int pg_bind_double(sdb_stmt *st, int i, double v)
{
	struct pg_param *p = param(st, i);
	if (p == NULL)
		return SDB_ERROR;
	snprintf(p->number, sizeof p->number, "%.17g", v);
	p->value = p->number;
	return SDB_OK;
}

static int pg_bind_null(sdb_stmt *st, int i)
{
	return param(st, i) != NULL ? SDB_OK : SDB_ERROR;
}

/* the result res as the statement's current rows */
static int take_rows(struct pg_stmt *s, PGresult *res)
{
	PQclear(s->res);
	s->res = res;
	int code = pg_result_code(s->db, res);
	s->rows = code == SDB_OK ? PQntuples(res) : 0;
	s->row = -1;
	return code;
}

/* a streamed statement's next rows from its cursor */
static int fetch(struct pg_stmt *s)
{
	if (settle(s->db) != SDB_OK)
		return s->db->code & 0xff;
	char sql[64];
	snprintf(sql, sizeof sql, "FETCH FORWARD %d FROM %s", PG_FETCH_ROWS, s->cursor);
	return take_rows(s, PQexec(s->db->conn, sql));
}

/* DECLARE a cursor for the statement, in a transaction of its own when
 * none is open (a cursor lives in one), and fetch its first rows */
static int open_cursor(struct pg_stmt *s, const char *const *values, const int *lengths,
	const int *formats)
{
	struct pg *db = s->db;
	if (PQtransactionStatus(db->conn) == PQTRANS_IDLE) {
		if (pg_exec(&db->base, "BEGIN", NULL) != SDB_OK)
			return db->code & 0xff;
		s->began = true;
	}
	int n;
	bool used[PG_MAX_PARAMS] = { false };
	char *text = rewrite_placeholders(s->sql, strlen(s->sql), &n, used);
	size_t len = text != NULL ? strlen(text) + 64 : 0;
	char *declare = text != NULL ? malloc(len) : NULL;
	if (declare == NULL) {
		free(text);
		pg_set_error(db, SDB_ERROR, strerror(ENOMEM));
		return SDB_ERROR;
	}
	snprintf(s->cursor, sizeof s->cursor, "sdb_c%u", ++db->next_name);
	snprintf(declare, len, "DECLARE %s NO SCROLL CURSOR FOR %s", s->cursor, text);
	Oid types[PG_MAX_PARAMS];
	for (int i = 0; i < n; i++)
		types[i] = used[i] ? 0 : PG_TEXTOID;
	PGresult *res = PQexecParams(db->conn, declare, n, types, values, lengths, formats, 0);
	free(text);
	free(declare);
	int code = pg_result_code(db, res);
	PQclear(res);
	if (code != SDB_OK)
		return code;
	s->cursor_open = true;
	return fetch(s);
}

static int run(struct pg_stmt *s)
{
	struct pg *db = s->db;
	if (s->stream) {
		if (settle(db) != SDB_OK)
			return db->code & 0xff;
		const char *values[PG_MAX_PARAMS];
		int lengths[PG_MAX_PARAMS], formats[PG_MAX_PARAMS];
		param_arrays(s, values, lengths, formats);
		s->ran = true;
		return open_cursor(s, values, lengths, formats);
	}
	/* behind what was sent ahead (or alone): all the answers in one trip */
	if (!send_ahead(s, true))
		return SDB_IOERR;
	close_pipeline(db);
	return s->early;
}

static int pg_step(sdb_stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	if (!s->ran) {
		int code = run(s);
		if (code != SDB_OK)
			return code;
	} else if (s->awaited)
		close_pipeline(s->db);
	if (s->early != SDB_OK)
		return s->early;
	if (s->row + 1 >= s->rows && s->cursor_open && s->rows == PG_FETCH_ROWS) {
		int code = fetch(s);
		if (code != SDB_OK)
			return code;
	}
	if (s->row + 1 < s->rows) {
		s->row++;
		return SDB_ROW;
	}
	s->row = s->rows;
	return SDB_DONE;
}

/* sdb_step_later: sent now, its answer read with the next one waited for */
static int pg_step_later(sdb_stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	if (s->stream || s->ran)
		return pg_step(st);
	return send_ahead(s, false) ? SDB_DONE : SDB_IOERR;
}

/* sdb_send: sent now, its rows read at its first step */
static void pg_send(sdb_stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	if (!s->stream && !s->ran && !send_ahead(s, true))
		s->early = SDB_IOERR;      /* its first step says so */
}

static int pg_settle(sdb *d)
{
	return settle((struct pg *)d);
}

static unsigned long pg_failures(sdb *d)
{
	return ((struct pg *)d)->failures;
}

/* a cursor closed, and the transaction it opened ended (rolled back if
 * a statement in it failed) */
static void close_cursor(struct pg_stmt *s)
{
	struct pg *db = s->db;
	if ((s->cursor_open || s->began) && settle(db) != SDB_OK)
		s->cursor_open = false;      /* the transaction failed: ended below */
	if (s->cursor_open && PQtransactionStatus(db->conn) == PQTRANS_INTRANS) {
		char sql[48];
		snprintf(sql, sizeof sql, "CLOSE %s", s->cursor);
		PQclear(PQexec(db->conn, sql));
	}
	if (s->began)
		PQclear(PQexec(db->conn, PQtransactionStatus(db->conn) == PQTRANS_INTRANS
			? "COMMIT" : "ROLLBACK"));
	s->cursor_open = false;
	s->began = false;
}

static int pg_reset(sdb_stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	for (int i = 0; s->awaited && i < s->db->pending; i++)
		if (s->db->awaiting[i] == s)
			s->db->awaiting[i] = NULL;      /* its answer is read and dropped */
	s->awaited = false;
	s->early = SDB_OK;
	close_cursor(s);
	PQclear(s->res);
	s->res = NULL;
	s->ran = false;
	s->rows = 0;
	return SDB_OK;
}

static void pg_stream(sdb_stmt *st)
{
	((struct pg_stmt *)st)->stream = true;
}

static int pg_finalize(sdb_stmt *st)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	pg_reset(st);
	for (int i = 0; i < s->n; i++)
		if (s->params[i].owned)
			free(s->params[i].value);
	free(s->params);
	free(s);
	return SDB_OK;
}

/* the current row's value (NULL for SQL NULL or no row) */
static const char *value(sdb_stmt *st, int i)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	if (s->res == NULL || s->row < 0 || s->row >= s->rows || i < 0 || i >= PQnfields(s->res)
		|| PQgetisnull(s->res, s->row, i))
		return NULL;
	return PQgetvalue(s->res, s->row, i);
}

static long long pg_column_int64(sdb_stmt *st, int i)
{
	const char *v = value(st, i);
	if (v == NULL)
		return 0;
	if (v[0] == 't' && v[1] == '\0')
		return 1;
	/* numeric (a sum of bigints) and float text read as SQLite would */
	return strchr(v, '.') != NULL ? (long long)strtod(v, NULL) : strtoll(v, NULL, 10);
}

static double pg_column_double(sdb_stmt *st, int i)
{
	const char *v = value(st, i);
	return v != NULL ? strtod(v, NULL) : 0.0;
}

static const unsigned char *pg_column_text(sdb_stmt *st, int i)
{
	return (const unsigned char *)value(st, i);
}

static int pg_column_type(sdb_stmt *st, int i)
{
	struct pg_stmt *s = (struct pg_stmt *)st;
	if (value(st, i) == NULL)
		return SDB_NULL;
	switch (PQftype(s->res, i)) {
	case PG_BOOLOID: case PG_INT2OID: case PG_INT4OID: case PG_INT8OID:
		return SDB_INTEGER;
	case PG_FLOAT4OID: case PG_FLOAT8OID: case PG_NUMERICOID:
		return SDB_FLOAT;
	case PG_BYTEAOID:
		return SDB_BLOB;
	default:
		return SDB_TEXT;
	}
}

/* ---- connections */

static int pg_exec(sdb *d, const char *sql, char **errmsg)
{
	struct pg *db = (struct pg *)d;
	int code = settle(db);
	if (code == SDB_OK) {
		PGresult *res = PQexec(db->conn, sql);
		code = pg_result_code(db, res);
		PQclear(res);
	}
	if (code != SDB_OK && errmsg != NULL)
		*errmsg = strdup(db->message != NULL ? db->message : "");
	return code;
}

bool sdb_connection_lost(sdb *d)
{
	if (!d->be->postgresql)
		return false;
	/* an idle connection has nothing to read: a server that went away left
	 * its goodbye (FATAL: terminating connection) or EOF on the socket */
	PGconn *conn = ((struct pg *)d)->conn;
	if (PQstatus(conn) == CONNECTION_BAD)
		return true;
	struct pollfd p = { .fd = PQsocket(conn), .events = POLLIN };
	return p.fd < 0 || poll(&p, 1, 0) != 0;
}

static long long pg_changes64(sdb *d) { return ((struct pg *)d)->changes; }

/* (what was sent ahead is answered first: until then a transaction is busy) */
static bool pg_autocommit(sdb *d)
{
	settle((struct pg *)d);
	return PQtransactionStatus(((struct pg *)d)->conn) == PQTRANS_IDLE;
}

static int pg_extended_errcode(sdb *d) { return ((struct pg *)d)->code; }

static const char *pg_errmsg(sdb *d)
{
	struct pg *db = (struct pg *)d;
	return db->message != NULL ? db->message : "";
}

static int pg_close(sdb *d)
{
	struct pg *db = (struct pg *)d;
	PQfinish(db->conn);
	for (size_t i = 0; i < PG_CACHE_SLOTS; i++)
		free(db->cache[i].sql);
	free(db->message);
	free(db->line);
	free(db);
	return SDB_OK;
}

static const struct sdb_backend pg_backend = {
	.name = "PostgreSQL", .postgresql = true,
	.prepare = pg_prepare, .bind_text = pg_bind_text, .bind_blob = pg_bind_blob,
	.bind_int64 = pg_bind_int64, .bind_double = pg_bind_double, .bind_null = pg_bind_null,
	.step = pg_step, .step_later = pg_step_later, .send = pg_send,
	.settle = pg_settle, .failures = pg_failures, .reset = pg_reset,
	.finalize = pg_finalize, .stream = pg_stream,
	.column_int64 = pg_column_int64, .column_double = pg_column_double,
	.column_text = pg_column_text, .column_type = pg_column_type, .exec = pg_exec,
	.changes64 = pg_changes64, .autocommit = pg_autocommit,
	.extended_errcode = pg_extended_errcode, .errmsg = pg_errmsg, .close = pg_close,
};

sdb *sdb_pg_connect(const char *conninfo, char **why)
{
	*why = NULL;
	struct pg *db = calloc(1, sizeof *db);
	if (db == NULL) {
		*why = strdup(strerror(ENOMEM));
		return NULL;
	}
	db->base.be = &pg_backend;
	/* a host that does not answer fails after SDB_PG_CONNECT_TIMEOUT, not
	 * after TCP's minutes (a worker's connection, the listener's reconnect
	 * and with it the server's stop); a connect_timeout in the --db URL
	 * comes after ours and wins */
	static const char *const keys[] = { "connect_timeout", "dbname", NULL };
	const char *values[] = { SDB_PG_CONNECT_TIMEOUT, conninfo, NULL };
	db->conn = PQconnectdbParams(keys, values, 1);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		pg_set_error(db, SDB_CANTOPEN, PQerrorMessage(db->conn));
		*why = db->message;
		db->message = NULL;
		pg_close(&db->base);
		return NULL;
	}
	return &db->base;
}

/* ---- notifications: a connection of its own that listens (kept.c) */

bool sdb_pg_listen(sdb *d, const char *channel)
{
	struct pg *db = (struct pg *)d;
	if (!d->be->postgresql || settle(db) != SDB_OK)
		return false;
	char *name = PQescapeIdentifier(db->conn, channel, strlen(channel));
	if (name == NULL)
		return false;
	size_t size = strlen(name) + 8;
	char *sql = malloc(size);
	bool ok = false;
	if (sql != NULL) {
		snprintf(sql, size, "LISTEN %s", name);
		PGresult *res = PQexec(db->conn, sql);
		ok = res != NULL && PQresultStatus(res) == PGRES_COMMAND_OK;
		if (!ok)
			pg_result_code(db, res);
		PQclear(res);
	}
	free(sql);
	PQfreemem(name);
	return ok;
}

static int take_notifications(PGconn *conn)
{
	int n = 0;
	for (PGnotify *note; (note = PQnotifies(conn)) != NULL; n++)
		PQfreemem(note);
	return n;
}

int sdb_pg_wait_notifications(sdb *d, int wake_fd, int timeout_ms)
{
	if (!d->be->postgresql)
		return -1;
	PGconn *conn = ((struct pg *)d)->conn;
	int n = take_notifications(conn);
	if (n > 0)
		return n;
	struct pollfd p[2] = { { .fd = PQsocket(conn), .events = POLLIN },
		{ .fd = wake_fd, .events = POLLIN } };
	if (p[0].fd < 0)
		return -1;
	int ready = poll(p, wake_fd >= 0 ? 2 : 1, timeout_ms);
	if (ready < 0)
		return errno == EINTR ? 0 : -1;
	if (!(p[0].revents & (POLLIN | POLLHUP | POLLERR)))
		return 0;
	if (!PQconsumeInput(conn) || PQstatus(conn) == CONNECTION_BAD)
		return -1;
	return take_notifications(conn);
}

/* ---- COPY ... FROM STDIN: a SQLite folder's rows moved in (migrate_pg.c) */

bool sdb_pg_copy_begin(sdb *d, const char *sql)
{
	struct pg *db = (struct pg *)d;
	if (!d->be->postgresql || settle(db) != SDB_OK)
		return false;
	PGresult *res = PQexec(db->conn, sql);
	bool ok = res != NULL && PQresultStatus(res) == PGRES_COPY_IN;
	if (!ok)
		pg_result_code(db, res);
	PQclear(res);
	return ok;
}

/* room for need more bytes of the row being made */
static bool line_room(struct pg *db, size_t used, size_t need)
{
	if (used + need <= db->line_cap)
		return true;
	size_t cap = (used + need) * 2;
	char *p = realloc(db->line, cap);
	if (p == NULL)
		return false;
	db->line = p;
	db->line_cap = cap;
	return true;
}

/* COPY's text format: tab between values, \N for NULL, a backslash before
 * a backslash and escapes for the tab, newline and carriage return */
static size_t copy_value(char *out, const char *v)
{
	size_t o = 0;
	if (v == NULL) {
		memcpy(out, "\\N", 2);
		return 2;
	}
	for (; *v != '\0'; v++) {
		char c = *v == '\t' ? 't' : *v == '\n' ? 'n' : *v == '\r' ? 'r' : *v == '\\' ? '\\' : 0;
		if (c != 0) {
			out[o++] = '\\';
			out[o++] = c;
		} else {
			out[o++] = *v;
		}
	}
	return o;
}

bool sdb_pg_copy_row(sdb *d, const char *const *values, int n)
{
	struct pg *db = (struct pg *)d;
	size_t used = 0;
	for (int i = 0; i < n; i++) {
		size_t len = values[i] != NULL ? strlen(values[i]) : 0;
		if (!line_room(db, used, len * 2 + 3)) {
			pg_set_error(db, SDB_ERROR, strerror(ENOMEM));
			return false;
		}
		if (i > 0)
			db->line[used++] = '\t';
		used += copy_value(db->line + used, values[i]);
	}
	db->line[used++] = '\n';
	if (PQputCopyData(db->conn, db->line, (int)used) != 1) {
		pg_set_error(db, SDB_IOERR, PQerrorMessage(db->conn));
		return false;
	}
	return true;
}

bool sdb_pg_copy_end(sdb *d, long long *rows)
{
	struct pg *db = (struct pg *)d;
	bool ok = PQputCopyEnd(db->conn, NULL) == 1;
	if (!ok)
		pg_set_error(db, SDB_IOERR, PQerrorMessage(db->conn));
	PGresult *res;
	while ((res = PQgetResult(db->conn)) != NULL) {
		if (ok && pg_result_code(db, res) != SDB_OK)
			ok = false;
		else if (ok)
			*rows = db->changes;
		PQclear(res);
	}
	return ok;
}

/* Whether the connection answers SELECT 1 within timeout_ms; false too when
 * wake_fd becomes readable first.  A link that drops packets without a
 * word would hold a blocking query for TCP's minutes, and whoever waits to
 * join the caller's thread with it.  Notifications read meanwhile stay
 * for sdb_pg_wait_notifications. */
bool sdb_pg_answers(sdb *d, int wake_fd, int timeout_ms)
{
	if (!d->be->postgresql)
		return false;
	PGconn *conn = ((struct pg *)d)->conn;
	if (!PQsendQuery(conn, "SELECT 1"))
		return false;
	int64_t until = common_now_ms() + timeout_ms;
	while (PQisBusy(conn)) {
		int64_t left = until - common_now_ms();
		struct pollfd p[2] = { { .fd = PQsocket(conn), .events = POLLIN },
			{ .fd = wake_fd, .events = POLLIN } };
		if (left <= 0 || p[0].fd < 0)
			return false;
		int ready = poll(p, wake_fd >= 0 ? 2 : 1, (int)left);
		if (ready < 0 && errno != EINTR)
			return false;
		if (ready > 0 && wake_fd >= 0 && (p[1].revents & POLLIN))
			return false;
		if (ready > 0 && !PQconsumeInput(conn))
			return false;
	}
	bool ok = true;
	PGresult *res;
	while ((res = PQgetResult(conn)) != NULL) {
		ok = ok && PQresultStatus(res) == PGRES_TUPLES_OK;
		PQclear(res);
	}
	return ok;
}

