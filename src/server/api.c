/* api: the endpoints of doc/PROTOCOL.md, as functions from a request to a
 * struct reply.  Nothing here knows libmicrohttpd (serve.c does). */
#include "config.h"
#include "server.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct api_config config;

void api_configure(const struct api_config *cfg) { config = *cfg; }

const struct api_config *api_config(void) { return &config; }

/* ---------------------------------------------------------------- replies */

static const struct {
	const char *code;
	int status;
	bool retryable;
	const char *title, *detail;
} problems[] = {
#define PROBLEM_ROW(e, code, status, retry, title, detail) { code, status, retry, title, detail },
	PROBLEMS(PROBLEM_ROW)
#undef PROBLEM_ROW
};

static void reply_problem_full(struct reply *out, const struct proto_problem *pr)
{
	memset(out, 0, sizeof *out);
	out->status = pr->status;
	out->problem = true;
	out->body = proto_problem_encode(pr);
	out->len = out->body != NULL ? strlen(out->body) : 0;
	if (pr->status == 429 || pr->status == 503)
		out->retry_after = 5;
}

static void problem_init(struct proto_problem *pr, enum problem p, const char *detail)
{
	memset(pr, 0, sizeof *pr);
	snprintf(pr->code, sizeof pr->code, "%s", problems[p].code);
	snprintf(pr->title, sizeof pr->title, "%s", _(problems[p].title));
	snprintf(pr->detail, sizeof pr->detail, "%s", detail != NULL ? detail : _(problems[p].detail));
	pr->status = problems[p].status;
	pr->retryable = problems[p].retryable;
}

void reply_problem(struct reply *out, enum problem p, const char *detail)
{
	struct proto_problem pr;
	problem_init(&pr, p, detail);
	reply_problem_full(out, &pr);
}

void reply_json(struct reply *out, int status, char *body)
{
	memset(out, 0, sizeof *out);
	if (body == NULL) {
		reply_problem(out, PROBLEM_INTERNAL, NULL);
		return;
	}
	out->status = status;
	out->body = body;
	out->len = strlen(body);
}

static void reply_decode_error(struct reply *out, enum proto_status st, const struct proto_error *e)
{
	if (st == PROTO_ERR_JSON) {
		reply_problem(out, PROBLEM_MALFORMED_JSON, NULL);
		return;
	}
	if (st != PROTO_ERR_SHAPE) {
		reply_problem(out, PROBLEM_INTERNAL, NULL);
		return;
	}
	struct proto_problem pr;
	problem_init(&pr, PROBLEM_INVALID_FIELD, NULL);
	snprintf(pr.field, sizeof pr.field, "%s", e->field);
	/* the reason is English and technical; the clerk reads the field name */
	snprintf(pr.detail, sizeof pr.detail, "%s: %s (%s)", _(problems[PROBLEM_INVALID_FIELD].detail),
		e->field, e->reason);
	reply_problem_full(out, &pr);
}

/* a failed read (the caller ends its read transaction) */
static void reply_db_error(struct reply *out, sqlite3 *db)
{
	int code = db != NULL ? sqlite3_errcode(db) : SQLITE_ERROR;
	reply_problem(out, code == SQLITE_BUSY || code == SQLITE_LOCKED || db == NULL
		? PROBLEM_BUSY : PROBLEM_INTERNAL, NULL);
}

/* a write that was not committed: 503 only when another process held the
 * database past the busy timeout; the server's own writers queue instead */
static void reply_write_error(struct reply *out, enum db_write_result wr)
{
	reply_problem(out, wr == DB_WRITE_BUSY ? PROBLEM_BUSY : PROBLEM_INTERNAL, NULL);
}

/* ---------------------------------------------------------------- sessions */

static void token_hash(const char *token, char out[PROTO_SHA256_LEN + 1])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
	util_hex(digest, sizeof digest, out);
}

static bool load_kelurahan(sqlite3 *db, long long operator_id, size_t *n,
	char list[PROTO_KELURAHAN_MAX][16])
{
	sqlite3_stmt *st;
	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT kelurahan FROM operator_kelurahan WHERE operator_id = ? "
		"ORDER BY kelurahan", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, operator_id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < PROTO_KELURAHAN_MAX)
		snprintf(list[(*n)++], 16, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

/* Failed logins per operator name: five within 15 minutes lock the name
 * for the rest of the window.  A small fixed table: a collision only
 * shares a counter between two names. */
#define THROTTLE_SLOTS 1024
#define THROTTLE_MAX 5
#define THROTTLE_WINDOW 900
struct throttle_slot { uint32_t key; int failures; int64_t since; };
static struct throttle_slot throttle[THROTTLE_SLOTS];
static pthread_mutex_t throttle_lock = PTHREAD_MUTEX_INITIALIZER;

static uint32_t name_key(const char *name)
{
	uint32_t h = 2166136261u;
	for (; *name != '\0'; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

/* seconds the name must wait, 0 when it may try */
int login_throttle_wait(const char *name, int64_t now)
{
	uint32_t k = name_key(name);
	int wait = 0;
	pthread_mutex_lock(&throttle_lock);
	struct throttle_slot *t = &throttle[k % THROTTLE_SLOTS];
	if (t->key == k && t->failures >= THROTTLE_MAX && now - t->since < THROTTLE_WINDOW)
		wait = (int)(THROTTLE_WINDOW - (now - t->since));
	pthread_mutex_unlock(&throttle_lock);
	return wait;
}

void login_throttle_note(const char *name, int64_t now, bool failed)
{
	uint32_t k = name_key(name);
	pthread_mutex_lock(&throttle_lock);
	struct throttle_slot *t = &throttle[k % THROTTLE_SLOTS];
	if (!failed) {
		if (t->key == k)
			t->failures = 0;
	} else if (t->key != k || now - t->since >= THROTTLE_WINDOW) {
		t->key = k;
		t->failures = 1;
		t->since = now;
	} else
		t->failures++;
	pthread_mutex_unlock(&throttle_lock);
}

/* Argon2id needs 64 MiB and a core per check: one at a time per core (at
 * most 8, 512 MiB); further logins wait their turn on their own thread. */
static sem_t hash_slots;
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];

static void hash_init(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	sem_init(&hash_slots, 0, cores < 1 ? 1 : cores > 8 ? 8 : (unsigned)cores);
	/* verifying against a real hash for unknown names costs the same time */
	if (crypto_pwhash_str(dummy_hash, "-", 1, crypto_pwhash_OPSLIMIT_INTERACTIVE,
		crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
}

bool login_password_ok(const char *stored, const char *password)
{
	pthread_once(&hash_once, hash_init);
	if (stored == NULL)
		stored = dummy_hash;
	sem_wait(&hash_slots);
	bool ok = stored[0] != '\0'
		&& crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
	sem_post(&hash_slots);
	return ok;
}

struct new_token {
	long long operator_id;
	const char *device, *hash;
	int64_t now;
};

static bool store_token(sqlite3 *db, void *ctx)
{
	const struct new_token *t = ctx;
	sqlite3_stmt *st;
	bool ok;
	/* one live token per operator and device: logging in again replaces it */
	if (sqlite3_prepare_v2(db, "UPDATE tokens SET revoked_at = ? WHERE operator_id = ? "
		"AND device = ? AND revoked_at IS NULL", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, t->now);
	sqlite3_bind_int64(st, 2, t->operator_id);
	sqlite3_bind_text(st, 3, t->device, -1, SQLITE_STATIC);
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	if (!ok || sqlite3_prepare_v2(db, "INSERT INTO tokens(hash, operator_id, device, created_at, "
		"last_used_at) VALUES (?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, t->hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, t->operator_id);
	sqlite3_bind_text(st, 3, t->device, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, t->now);
	sqlite3_bind_int64(st, 5, t->now);
	ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	return ok;
}

/* false (and out filled) when the token could not be stored */
static bool issue_token(long long operator_id, const char *device, int64_t now,
	char token[PROTO_TOKEN_MAX + 1], struct reply *out)
{
	unsigned char raw[32];
	char hash[PROTO_SHA256_LEN + 1];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(token, PROTO_TOKEN_MAX + 1, raw, sizeof raw,
		sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	token_hash(token, hash);
	struct new_token t = { operator_id, device, hash, now };
	enum db_write_result wr = db_write(store_token, &t);
	if (wr != DB_WRITE_OK)
		reply_write_error(out, wr);
	return wr == DB_WRITE_OK;
}

void api_login(const char *body, size_t len, struct reply *out)
{
	struct proto_login_request req;
	struct proto_error err;
	enum proto_status st = proto_login_request_decode(body, len, &req, &err);
	if (st != PROTO_OK) {
		reply_decode_error(out, st, &err);
		return;
	}
	int64_t now = util_now();
	int wait = login_throttle_wait(req.operator_name, now);
	if (wait > 0) {
		reply_problem(out, PROBLEM_TOO_MANY_ATTEMPTS, NULL);
		out->retry_after = wait;
		sodium_memzero(&req, sizeof req);
		return;
	}
	sqlite3 *db = db_thread();
	sqlite3_stmt *q;
	if (db == NULL || sqlite3_prepare_v2(db, "SELECT id, pwhash, disabled FROM operators "
		"WHERE name = ?", -1, &q, NULL) != SQLITE_OK) {
		sodium_memzero(&req, sizeof req);
		reply_db_error(out, db);
		return;
	}
	sqlite3_bind_text(q, 1, req.operator_name, -1, SQLITE_STATIC);
	struct proto_session s = { .n_kelurahan = 0 };
	long long id = -1;
	bool disabled = false;
	char stored[crypto_pwhash_STRBYTES] = "";
	if (sqlite3_step(q) == SQLITE_ROW) {
		id = sqlite3_column_int64(q, 0);
		snprintf(stored, sizeof stored, "%s", (const char *)sqlite3_column_text(q, 1));
		disabled = sqlite3_column_int(q, 2) != 0;
	}
	sqlite3_finalize(q);
	db_thread_release();    /* nobody waits for a connection during Argon2id */
	bool good = login_password_ok(id >= 0 ? stored : NULL, req.password) && id >= 0;
	sodium_memzero(req.password, sizeof req.password);
	login_throttle_note(req.operator_name, now, !good);
	if (!good) {
		reply_problem(out, PROBLEM_INVALID_CREDENTIALS, NULL);
		return;
	}
	if (disabled) {
		reply_problem(out, PROBLEM_OPERATOR_DISABLED, NULL);
		return;
	}
	snprintf(s.operator_name, sizeof s.operator_name, "%s", req.operator_name);
	snprintf(s.device, sizeof s.device, "%s", req.device);
	if (!issue_token(id, req.device, now, s.token, out))
		return;
	db = db_thread();
	if (db == NULL || !load_kelurahan(db, id, &s.n_kelurahan, s.kelurahan)) {
		sodium_memzero(&s, sizeof s);
		reply_db_error(out, db);
		return;
	}
	reply_json(out, 200, proto_session_encode(&s));
	sodium_memzero(&s, sizeof s);
}

/* UPDATE tokens SET <column> = now WHERE hash = ... (sql names the column) */
static bool token_time(sqlite3 *db, const char *sql, const char *hash)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, util_now());
	sqlite3_bind_text(st, 2, hash, -1, SQLITE_STATIC);
	bool ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	return ok;
}

static bool touch_token(sqlite3 *db, void *hash)
{
	return token_time(db, "UPDATE tokens SET last_used_at = ? WHERE hash = ?", hash);
}

static bool revoke_token(sqlite3 *db, void *hash)
{
	return token_time(db, "UPDATE tokens SET revoked_at = ? WHERE hash = ? "
		"AND revoked_at IS NULL", hash);
}

bool api_authenticate(const char *authorization, struct session *s, struct reply *out)
{
	memset(s, 0, sizeof *s);
	if (authorization == NULL || strncmp(authorization, "Bearer ", 7) != 0
		|| strlen(authorization + 7) == 0 || strlen(authorization + 7) > PROTO_TOKEN_MAX) {
		reply_problem(out, PROBLEM_UNAUTHORIZED, NULL);
		return false;
	}
	token_hash(authorization + 7, s->token_hash);
	sqlite3 *db = db_thread();
	sqlite3_stmt *st;
	if (db == NULL || sqlite3_prepare_v2(db, "SELECT t.operator_id, t.device, t.revoked_at, "
		"t.last_used_at, o.name, o.disabled FROM tokens t JOIN operators o ON o.id = t.operator_id "
		"WHERE t.hash = ?", -1, &st, NULL) != SQLITE_OK) {
		reply_db_error(out, db);
		return false;
	}
	sqlite3_bind_text(st, 1, s->token_hash, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc == SQLITE_DONE)
			reply_problem(out, PROBLEM_UNAUTHORIZED, NULL);
		else
			reply_db_error(out, db);
		return false;
	}
	s->operator_id = sqlite3_column_int64(st, 0);
	snprintf(s->device, sizeof s->device, "%s", (const char *)sqlite3_column_text(st, 1));
	bool revoked = sqlite3_column_type(st, 2) != SQLITE_NULL;
	int64_t last_used = sqlite3_column_int64(st, 3);
	snprintf(s->operator_name, sizeof s->operator_name, "%s", (const char *)sqlite3_column_text(st, 4));
	bool disabled = sqlite3_column_int(st, 5) != 0;
	sqlite3_finalize(st);
	if (disabled) {
		reply_problem(out, PROBLEM_OPERATOR_DISABLED, NULL);
		return false;
	}
	if (revoked) {
		reply_problem(out, PROBLEM_UNAUTHORIZED, NULL);
		return false;
	}
	if (!load_kelurahan(db, s->operator_id, &s->n_kelurahan, s->kelurahan)) {
		reply_db_error(out, db);
		return false;
	}
	/* remember use now and then, not on every request: writes serialise */
	if (util_now() - last_used > 600)
		db_write(touch_token, s->token_hash);
	return true;
}

void api_me(const struct session *s, struct reply *out)
{
	struct proto_session ps = { .n_kelurahan = s->n_kelurahan };
	snprintf(ps.operator_name, sizeof ps.operator_name, "%s", s->operator_name);
	snprintf(ps.device, sizeof ps.device, "%s", s->device);
	memcpy(ps.kelurahan, s->kelurahan, sizeof ps.kelurahan);
	reply_json(out, 200, proto_session_encode(&ps));
}

void api_logout(const struct session *s, struct reply *out)
{
	char hash[PROTO_SHA256_LEN + 1];
	snprintf(hash, sizeof hash, "%s", s->token_hash);
	enum db_write_result wr = db_write(revoke_token, hash);
	if (wr != DB_WRITE_OK) {
		reply_write_error(out, wr);
		return;
	}
	char *body = malloc(32);
	if (body != NULL)
		snprintf(body, 32, "{\"status\":\"logged_out\"}");
	reply_json(out, 200, body);
}

static bool in_scope(const struct session *s, const char *kelurahan)
{
	for (size_t i = 0; i < s->n_kelurahan; i++)
		if (strcmp(s->kelurahan[i], kelurahan) == 0)
			return true;
	return false;
}

/* ---------------------------------------------------------------- pages */

static bool parse_limit(const char *s, long *out)
{
	if (s == NULL) {
		*out = PROTO_PAGE_DEFAULT;
		return true;
	}
	long v = 0;
	if (*s == '\0' || strlen(s) > 5)
		return false;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return false;
		v = v * 10 + (*s - '0');
	}
	*out = v;
	return v <= PROTO_PAGE_MAX;
}

/* a run of digits as a non-negative number; advances *s */
static bool take_number(const char **s, long long *out)
{
	const char *p = *s;
	long long v = 0;
	int n = 0;
	for (; *p >= '0' && *p <= '9' && n < 18; p++, n++)
		v = v * 10 + (*p - '0');
	if (n == 0)
		return false;
	*out = v;
	*s = p;
	return true;
}

/* Registry cursor "r<snapshot>.<kelurahan>.<row id>" (prefix 'c' for candidates):
 * a position after which the next page starts.  No NIK ever goes in a URL. */
struct list_cursor { long long snapshot; char kelurahan[16]; long long id; };

static bool parse_list_cursor(char prefix, const char *s, struct list_cursor *c)
{
	if (s == NULL || s[0] != prefix)
		return false;
	const char *p = s + 1;
	if (!take_number(&p, &c->snapshot) || *p++ != '.')
		return false;
	if (strlen(p) < 15 || p[13] != '.')
		return false;
	memcpy(c->kelurahan, p, 13);
	c->kelurahan[13] = '\0';
	if (strcmp(c->kelurahan, "36.71.00.0000") != 0 && !proto_is_kelurahan(c->kelurahan))
		return false;
	p += 14;
	return take_number(&p, &c->id) && *p == '\0';
}

static void format_list_cursor(char prefix, const struct list_cursor *c, char *out, size_t cap)
{
	snprintf(out, cap, "%c%lld.%s.%lld", prefix, c->snapshot, c->kelurahan, c->id);
}

struct list_query {
	char prefix;
	const char *snapshot_key;
	const char *count_sql;
	const char *page_sql;
	enum proto_page_kind kind;
};

static const struct list_query residents_query = {
	'r', "residents_snapshot",
	"SELECT count(*) FROM residents WHERE kelurahan = ?",
	/* Two halves so the index seeks to the cursor: the rest of the cursor's
	 * kelurahan, then the operator's later kelurahan.  One OR over both
	 * re-read every earlier row on each page (quadratic over a registry). */
	"SELECT id, kelurahan, nik, kk, name, sex, birth_place, birth_date, address, rt, rw "
	"FROM residents WHERE kelurahan = ?2 AND id > ?3 AND kelurahan IN "
	"(SELECT kelurahan FROM operator_kelurahan WHERE operator_id = ?1) "
	"UNION ALL "
	"SELECT id, kelurahan, nik, kk, name, sex, birth_place, birth_date, address, rt, rw "
	"FROM residents WHERE kelurahan IN "
	"(SELECT kelurahan FROM operator_kelurahan WHERE operator_id = ?1 AND kelurahan > ?2) "
	"ORDER BY kelurahan, id LIMIT ?4",
	PROTO_PAGE_RESIDENTS,
};

static const struct list_query candidates_query = {
	'c', "candidates_snapshot",
	"SELECT count(*) FROM candidates WHERE kelurahan = ?",
	"SELECT id, kelurahan, kk, nik, program FROM candidates WHERE kelurahan = ?2 AND id > ?3 "
	"AND kelurahan IN (SELECT kelurahan FROM operator_kelurahan WHERE operator_id = ?1) "
	"UNION ALL "
	"SELECT id, kelurahan, kk, nik, program FROM candidates WHERE kelurahan IN "
	"(SELECT kelurahan FROM operator_kelurahan WHERE operator_id = ?1 AND kelurahan > ?2) "
	"ORDER BY kelurahan, id LIMIT ?4",
	PROTO_PAGE_CANDIDATES,
};

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t cap)
{
	const unsigned char *v = sqlite3_column_text(st, col);
	snprintf(out, cap, "%s", v != NULL ? (const char *)v : "");
}

static void row_to_item(sqlite3_stmt *st, struct proto_page *page, size_t i)
{
	if (page->kind == PROTO_PAGE_RESIDENTS) {
		struct resident *r = &page->residents[i];
		copy_col(st, 1, r->kelurahan, sizeof r->kelurahan);
		copy_col(st, 2, r->nik, sizeof r->nik);
		copy_col(st, 3, r->kk, sizeof r->kk);
		copy_col(st, 4, r->name, sizeof r->name);
		copy_col(st, 5, r->sex, sizeof r->sex);
		copy_col(st, 6, r->birth_place, sizeof r->birth_place);
		copy_col(st, 7, r->birth_date, sizeof r->birth_date);
		copy_col(st, 8, r->address, sizeof r->address);
		copy_col(st, 9, r->rt, sizeof r->rt);
		copy_col(st, 10, r->rw, sizeof r->rw);
	} else {
		struct candidate *c = &page->candidates[i];
		copy_col(st, 1, c->kelurahan, sizeof c->kelurahan);
		copy_col(st, 2, c->kk, sizeof c->kk);
		copy_col(st, 3, c->nik, sizeof c->nik);
		copy_col(st, 4, c->program, sizeof c->program);
	}
}

/* The rows of a kelurahan, kept per snapshot: counting ~20,000 rows on
 * every page cost ~30 ms a page, and 1,204 operators asking at once made
 * it seconds.  A snapshot changes with every import, in the same
 * transaction as the rows, so a count of snapshot S stays right. */
#define COUNT_SLOTS 512
static struct count_slot {
	char prefix;
	char kelurahan[16];
	long long snapshot, count;
} counts[COUNT_SLOTS];
static size_t n_counts;
static pthread_mutex_t counts_lock = PTHREAD_MUTEX_INITIALIZER;

static bool cached_count(char prefix, const char *kelurahan, long long snapshot, long long *count)
{
	bool found = false;
	pthread_mutex_lock(&counts_lock);
	for (size_t i = 0; i < n_counts && !found; i++)
		if (counts[i].prefix == prefix && counts[i].snapshot == snapshot
			&& strcmp(counts[i].kelurahan, kelurahan) == 0) {
			*count = counts[i].count;
			found = true;
		}
	pthread_mutex_unlock(&counts_lock);
	return found;
}

static void cache_count(char prefix, const char *kelurahan, long long snapshot, long long count)
{
	pthread_mutex_lock(&counts_lock);
	size_t i = 0;
	while (i < n_counts && (counts[i].prefix != prefix || strcmp(counts[i].kelurahan, kelurahan) != 0))
		i++;
	if (i == n_counts && n_counts < COUNT_SLOTS)
		n_counts++;
	/* a newer snapshot replaces an older one; a full table just stops caching */
	if (i < n_counts && snapshot >= counts[i].snapshot) {
		counts[i].prefix = prefix;
		snprintf(counts[i].kelurahan, sizeof counts[i].kelurahan, "%s", kelurahan);
		counts[i].snapshot = snapshot;
		counts[i].count = count;
	}
	pthread_mutex_unlock(&counts_lock);
}

/* rows of the operator's kelurahan, inside the caller's read transaction */
static bool list_total(sqlite3 *db, const struct list_query *q, const struct session *s,
	long long snapshot, long long *total)
{
	*total = 0;
	for (size_t i = 0; i < s->n_kelurahan; i++) {
		long long n;
		if (!cached_count(q->prefix, s->kelurahan[i], snapshot, &n)) {
			sqlite3_stmt *st;
			if (sqlite3_prepare_v2(db, q->count_sql, -1, &st, NULL) != SQLITE_OK)
				return false;
			sqlite3_bind_text(st, 1, s->kelurahan[i], -1, SQLITE_STATIC);
			bool ok = sqlite3_step(st) == SQLITE_ROW;
			n = sqlite3_column_int64(st, 0);
			sqlite3_finalize(st);
			if (!ok)
				return false;
			cache_count(q->prefix, s->kelurahan[i], snapshot, n);
		}
		*total += n;
	}
	return true;
}

static bool read_list(sqlite3 *db, const struct list_query *q, const struct session *s,
	const struct list_cursor *from, long limit, struct proto_page *page)
{
	sqlite3_stmt *st;
	long long total;
	if (!list_total(db, q, s, from->snapshot, &total))
		return false;
	page->total = total;
	size_t size = q->kind == PROTO_PAGE_RESIDENTS ? sizeof *page->residents
		: sizeof *page->candidates;
	void *items = calloc((size_t)limit + 1, size);
	if (items == NULL)
		return false;
	if (q->kind == PROTO_PAGE_RESIDENTS)
		page->residents = items;
	else
		page->candidates = items;
	if (sqlite3_prepare_v2(db, q->page_sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_int64(st, 1, s->operator_id);
	sqlite3_bind_text(st, 2, from->kelurahan, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, from->id);
	sqlite3_bind_int64(st, 4, limit + 1);      /* one more tells whether more follow */
	struct list_cursor last = *from;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (page->count == (size_t)limit) {
			page->has_more = true;
			break;
		}
		row_to_item(st, page, page->count++);
		last.id = sqlite3_column_int64(st, 0);
		copy_col(st, 1, last.kelurahan, sizeof last.kelurahan);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return false;
	if (limit == 0)
		page->has_more = page->total > 0;
	if (page->has_more)
		format_list_cursor(q->prefix, &last, page->next_cursor, sizeof page->next_cursor);
	return true;
}

static void api_list(const struct list_query *q, const struct session *s, const char *cursor,
	const char *limit_text, struct reply *out)
{
	long limit;
	if (!parse_limit(limit_text, &limit)) {
		reply_problem(out, PROBLEM_BAD_REQUEST, _("limit harus bilangan 0 sampai 5000."));
		return;
	}
	struct list_cursor from = { .snapshot = -1, .kelurahan = "36.71.00.0000", .id = 0 };
	if (cursor != NULL && !parse_list_cursor(q->prefix, cursor, &from)) {
		reply_problem(out, PROBLEM_BAD_CURSOR, NULL);
		return;
	}
	sqlite3 *db = db_thread();
	/* one read transaction: the snapshot check and the page see the same data */
	if (db == NULL || !db_exec(db, "BEGIN")) {
		reply_db_error(out, db);
		return;
	}
	long long snapshot = db_meta_get(db, q->snapshot_key);
	if (cursor != NULL && from.snapshot != snapshot) {
		db_rollback(db);
		reply_problem(out, PROBLEM_CURSOR_EXPIRED, NULL);
		return;
	}
	from.snapshot = snapshot;
	struct proto_page page = { .kind = q->kind };
	snprintf(page.snapshot, sizeof page.snapshot, "%c%lld", q->prefix, snapshot);
	if (!read_list(db, q, s, &from, limit, &page)) {
		proto_page_free(&page);
		reply_db_error(out, db);
		db_rollback(db);
		return;
	}
	db_rollback(db);
	reply_json(out, 200, proto_page_encode(&page));
	out->list = true;
	proto_page_free(&page);
}

void api_residents(const struct session *s, const char *cursor, const char *limit, struct reply *out)
{
	api_list(&residents_query, s, cursor, limit, out);
}

void api_candidates(const struct session *s, const char *cursor, const char *limit, struct reply *out)
{
	api_list(&candidates_query, s, cursor, limit, out);
}

static void change_from_row(sqlite3_stmt *st, struct proto_change *c)
{
	c->seq = sqlite3_column_int64(st, 0);
	copy_col(st, 1, c->id, sizeof c->id);
	unsigned flags = (unsigned)sqlite3_column_int(st, 2);
	copy_col(st, 3, c->review, sizeof c->review);
	copy_col(st, 4, c->review_note, sizeof c->review_note);
	snprintf(c->status, sizeof c->status, "%s", flags != 0 ? "flagged" : "accepted");
	for (int f = 0; f < FLAG_COUNT && c->n_flags < PROTO_FLAGS_MAX; f++)
		if (flags & (1u << f))
			snprintf(c->flags[c->n_flags++], sizeof c->flags[0], "%s", flag_code((enum flag)f));
	ledger_message(flags, c->review, c->review_note, c->message, sizeof c->message);
}

void api_changes(const struct session *s, const char *cursor, const char *limit_text,
	struct reply *out)
{
	long limit;
	long long after = 0;
	const char *p = cursor;
	if (!parse_limit(limit_text, &limit)) {
		reply_problem(out, PROBLEM_BAD_REQUEST, _("limit harus bilangan 0 sampai 5000."));
		return;
	}
	if (cursor != NULL && (*p++ != 'v' || !take_number(&p, &after) || *p != '\0')) {
		reply_problem(out, PROBLEM_BAD_CURSOR, NULL);
		return;
	}
	struct proto_page page = { .kind = PROTO_PAGE_CHANGES, .total = -1 };
	page.changes = calloc((size_t)limit + 1, sizeof *page.changes);
	sqlite3 *db = db_thread();
	sqlite3_stmt *st;
	if (page.changes == NULL || db == NULL || sqlite3_prepare_v2(db,
		"SELECT c.seq, v.id, v.flags, v.review, v.review_note FROM changes c "
		"JOIN verifications v ON v.id = c.verification_id "
		"WHERE c.operator_id = ? AND c.seq > ? ORDER BY c.seq LIMIT ?", -1, &st, NULL) != SQLITE_OK) {
		proto_page_free(&page);
		reply_db_error(out, db);
		return;
	}
	sqlite3_bind_int64(st, 1, s->operator_id);
	sqlite3_bind_int64(st, 2, after);
	sqlite3_bind_int64(st, 3, limit + 1);
	int rc;
	long long last = after;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (page.count == (size_t)limit) {
			page.has_more = true;
			break;
		}
		change_from_row(st, &page.changes[page.count]);
		last = page.changes[page.count++].seq;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		proto_page_free(&page);
		reply_db_error(out, db);
		return;
	}
	snprintf(page.next_cursor, sizeof page.next_cursor, "v%lld", last);
	reply_json(out, 200, proto_page_encode(&page));
	out->list = true;
	proto_page_free(&page);
}

/* ---------------------------------------------------------------- records */

/* An earlier record with this id: its first answer when the content and the
 * operator are the same, id_conflict otherwise.  false when none. */
static bool replay(sqlite3 *db, const char *id, long long operator_id, const char *sha,
	struct reply *out, bool *failed)
{
	sqlite3_stmt *st;
	*failed = false;
	if (sqlite3_prepare_v2(db, "SELECT operator_id, body_sha256, first_status, first_response "
		"FROM verifications WHERE id = ?", -1, &st, NULL) != SQLITE_OK) {
		*failed = true;
		return false;
	}
	sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		*failed = rc != SQLITE_DONE;
		sqlite3_finalize(st);
		return false;
	}
	bool same = sqlite3_column_int64(st, 0) == operator_id
		&& strcmp((const char *)sqlite3_column_text(st, 1), sha) == 0;
	if (same)
		reply_json(out, sqlite3_column_int(st, 2),
			strdup((const char *)sqlite3_column_text(st, 3)));
	else
		reply_problem(out, PROBLEM_ID_CONFLICT, NULL);
	sqlite3_finalize(st);
	return true;
}

static bool check_rules(const struct record *r, struct reply *out)
{
	unsigned bad = record_check_final(r, (time_t)util_now());
	if (bad == 0)
		return true;
	struct proto_problem pr;
	problem_init(&pr, PROBLEM_VALIDATION, NULL);
	size_t len = strlen(pr.detail);
	for (int p = 0; p < RECORD_PROBLEM_COUNT && pr.n_errors < PROTO_PROBLEM_LIST_MAX; p++) {
		if (!(bad & (1u << p)))
			continue;
		snprintf(pr.errors[pr.n_errors++], sizeof pr.errors[0], "%s",
			record_problem_code((enum record_problem)p));
		int n = snprintf(pr.detail + len, sizeof pr.detail - len, " %s.",
			_(record_problem_message((enum record_problem)p)));
		if (n > 0 && (size_t)n < sizeof pr.detail - len)
			len += (size_t)n;
	}
	reply_problem_full(out, &pr);
	return false;
}

static bool check_blobs(const struct record *r, struct reply *out)
{
	struct proto_problem pr;
	problem_init(&pr, PROBLEM_MISSING_BLOBS, NULL);
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		if (r->photos[k].attached && !blob_exists(config.dir, r->photos[k].sha256, NULL))
			snprintf(pr.missing_blobs[pr.n_missing++], sizeof pr.missing_blobs[0], "%s",
				r->photos[k].sha256);
	if (pr.n_missing == 0)
		return true;
	snprintf(pr.detail, sizeof pr.detail, _("Server belum menerima %zu foto dari rekaman ini."),
		pr.n_missing);
	reply_problem_full(out, &pr);
	return false;
}

struct record_write {
	const struct record *r;
	const struct session *s;
	const char *canonical, *sha;
	struct reply *out;
};

/* Why the record may not supersede the one it names (untranslated), or
 * NULL: only an existing, not yet corrected record of the same NIK, the
 * sender's own or one the city sent back (review rejected or revisit) in
 * the sender's kelurahan.  Anything else would let one operator rewrite
 * another's work (issue 8). */
static const char *supersedes_problem(sqlite3 *db, const struct session *s,
	const struct record *r, bool *failed)
{
	sqlite3_stmt *st;
	*failed = false;
	if (r->supersedes[0] == '\0')
		return NULL;
	if (sqlite3_prepare_v2(db, "SELECT nik, operator_id, kelurahan, review, superseded_by "
		"FROM verifications WHERE id = ?", -1, &st, NULL) != SQLITE_OK) {
		*failed = true;
		return NULL;
	}
	sqlite3_bind_text(st, 1, r->supersedes, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	const char *why = NULL;
	if (rc == SQLITE_DONE)
		why = N_("Rekaman yang dikoreksi (supersedes) tidak ada di server.");
	else if (rc != SQLITE_ROW)
		*failed = true;
	else if (strcmp((const char *)sqlite3_column_text(st, 0), r->nik) != 0)
		why = N_("Koreksi harus untuk NIK yang sama dengan rekaman yang dikoreksi.");
	else if (sqlite3_column_int64(st, 1) != s->operator_id
		&& !(in_scope(s, (const char *)sqlite3_column_text(st, 2))
			&& (strcmp((const char *)sqlite3_column_text(st, 3), "rejected") == 0
				|| strcmp((const char *)sqlite3_column_text(st, 3), "revisit") == 0)))
		why = N_("Hanya rekaman sendiri, atau rekaman di wilayah tugas yang dikembalikan kota "
			"(ditolak atau kunjungi ulang), yang boleh dikoreksi.");
	else if (sqlite3_column_type(st, 4) != SQLITE_NULL)
		why = N_("Rekaman itu sudah dikoreksi oleh rekaman lain; koreksi yang terbaru.");
	sqlite3_finalize(st);
	return why;
}

static bool check_supersedes(sqlite3 *db, const struct record_write *w)
{
	bool failed;
	const char *why = supersedes_problem(db, w->s, w->r, &failed);
	if (failed)
		reply_db_error(w->out, db);
	if (why == NULL)
		return !failed;
	struct proto_problem pr;
	problem_init(&pr, PROBLEM_INVALID_FIELD, _(why));
	snprintf(pr.field, sizeof pr.field, "supersedes");
	reply_problem_full(w->out, &pr);
	return false;
}

/* inside db_write: the replay check and the insert see the same data */
static bool store_record(sqlite3 *db, void *ctx)
{
	struct record_write *w = ctx;
	bool failed;
	if (replay(db, w->r->uuid, w->s->operator_id, w->sha, w->out, &failed) || failed) {
		if (failed)
			reply_db_error(w->out, db);
		return false;
	}
	if (!check_supersedes(db, w) || !check_rules(w->r, w->out) || !check_blobs(w->r, w->out))
		return false;
	struct proto_verification_result res;
	if (!ledger_store(db, w->r, w->s->operator_id, w->s->device, w->canonical, w->sha,
		util_now(), &res)) {
		reply_db_error(w->out, db);
		return false;
	}
	reply_json(w->out, 201, proto_verification_result_encode(&res));
	return true;
}

void api_verification_put(const struct session *s, const char *id, const char *body, size_t len,
	struct reply *out)
{
	struct record *r = calloc(1, sizeof *r);
	struct proto_error err;
	if (r == NULL) {
		reply_problem(out, PROBLEM_INTERNAL, NULL);
		return;
	}
	enum proto_status pst = proto_record_decode(body, len, r, &err);
	char *canonical = NULL;
	if (pst != PROTO_OK) {
		reply_decode_error(out, pst, &err);
		goto done;
	}
	if (strcmp(r->uuid, id) != 0) {
		reply_problem(out, PROBLEM_ID_MISMATCH, NULL);
		goto done;
	}
	if (!in_scope(s, r->kelurahan)) {
		reply_problem(out, PROBLEM_OUT_OF_SCOPE, NULL);
		goto done;
	}
	/* the token says who sent it, whatever the body claims */
	snprintf(r->operator_name, sizeof r->operator_name, "%s", s->operator_name);
	canonical = proto_record_encode(r);
	if (canonical == NULL) {
		reply_problem(out, PROBLEM_INTERNAL, NULL);
		goto done;
	}
	unsigned char digest[crypto_hash_sha256_BYTES];
	char sha[PROTO_SHA256_LEN + 1];
	crypto_hash_sha256(digest, (const unsigned char *)canonical, strlen(canonical));
	util_hex(digest, sizeof digest, sha);
	struct record_write w = { r, s, canonical, sha, out };
	memset(out, 0, sizeof *out);
	enum db_write_result wr = db_write(store_record, &w);
	if (wr != DB_WRITE_OK) {
		free(out->body);
		reply_write_error(out, wr);
	}
done:
	free(canonical);
	free(r);
}

/* ---------------------------------------------------------------- blobs */

bool api_blob_have(const char *sha256, long long *size)
{
	return blob_exists(config.dir, sha256, size);
}

void api_blob_reply(const char *sha256, long long size, bool created, struct reply *out)
{
	struct proto_blob_answer answer = { .size = size };
	snprintf(answer.sha256, sizeof answer.sha256, "%s", sha256);
	reply_json(out, created ? 201 : 200, proto_blob_answer_encode(&answer));
}
