/* api_session: login (the password hashing slots; how often: throttle.c),
 * the bearer tokens, /me and logout (doc/PROTOCOL.md, sessions). */
#include "config.h"
#include "server.h"
#include "common.h"
#include "sdb.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void token_hash(const char *token, char out[PROTO_SHA256_LEN + 1])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
	util_hex(digest, sizeof digest, out);
}

static bool load_kelurahan(sdb *db, long long operator_id, size_t *n,
	char list[PROTO_KELURAHAN_MAX][16])
{
	sdb_stmt *st;
	*n = 0;
	if (sdb_prepare(db, "SELECT kelurahan FROM operator_kelurahan WHERE operator_id = ? "
		"ORDER BY kelurahan", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_int64(st, 1, operator_id);
	int rc;
	while ((rc = sdb_step(st)) == SDB_ROW && *n < PROTO_KELURAHAN_MAX)
		snprintf(list[(*n)++], 16, "%s", (const char *)sdb_column_text(st, 0));
	sdb_finalize(st);
	return rc == SDB_ROW || rc == SDB_DONE;
}

/* Argon2id needs 64 MiB and a core per check: one at a time per core (at
 * most 8, 512 MiB); further logins wait their turn on their own thread. */
static sem_t hash_slots;
static pthread_once_t hash_once = PTHREAD_ONCE_INIT;
static char dummy_hash[crypto_pwhash_STRBYTES];
static int64_t check_cost_us;      /* what making dummy_hash took */

static void hash_init(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	sem_init(&hash_slots, 0, cores < 1 ? 1 : cores > 8 ? 8 : (unsigned)cores);
	/* verifying against a real hash for unknown names costs the same time */
	int64_t t0 = common_now_us();
	if (crypto_pwhash_str(dummy_hash, "-", 1, crypto_pwhash_OPSLIMIT_INTERACTIVE,
		crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		dummy_hash[0] = '\0';
	check_cost_us = common_now_us() - t0;
}

int64_t login_check_cost_us(void)
{
	pthread_once(&hash_once, hash_init);
	return check_cost_us;
}

bool login_password_ok(const char *stored, const char *password)
{
	pthread_once(&hash_once, hash_init);
	if (stored == NULL)
		stored = dummy_hash;
	ops_login_waiting(1);
	sem_wait(&hash_slots);
	ops_login_waiting(-1);
	bool ok = stored[0] != '\0'
		&& crypto_pwhash_str_verify(stored, password, strlen(password)) == 0;
	sem_post(&hash_slots);
	return ok;
}

struct new_token {
	long long operator_id;
	const char *device, *hash, *deposit_hash;
	int64_t now;
	bool replaced;                  /* the device's token before it was revoked */
};

/* the session's deposit token (doc/PROTOCOL.md section 7a): one per
 * session, a new one replaces the one before */
static bool store_deposit_token(sdb *db, const char *token_hash, const char *deposit_hash,
	int64_t now)
{
	sdb_stmt *st;
	if (sdb_prepare(db, "DELETE FROM deposit_tokens WHERE token_hash = ?", -1, &st, NULL)
		!= SDB_OK)
		return false;
	sdb_bind_text(st, 1, token_hash, -1, SDB_STATIC);
	bool ok = sdb_step(st) == SDB_DONE;
	sdb_finalize(st);
	if (!ok || sdb_prepare(db, "INSERT INTO deposit_tokens(hash, token_hash, created_at) "
		"VALUES (?, ?, ?)", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, deposit_hash, -1, SDB_STATIC);
	sdb_bind_text(st, 2, token_hash, -1, SDB_STATIC);
	sdb_bind_int64(st, 3, now);
	ok = sdb_step(st) == SDB_DONE;
	sdb_finalize(st);
	return ok;
}

static bool store_token(sdb *db, void *ctx)
{
	struct new_token *t = ctx;
	sdb_stmt *st;
	bool ok;
	/* one live token per operator and device: logging in again replaces it */
	if (sdb_prepare(db, "UPDATE tokens SET revoked_at = ? WHERE operator_id = ? "
		"AND device = ? AND revoked_at IS NULL", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_int64(st, 1, t->now);
	sdb_bind_int64(st, 2, t->operator_id);
	sdb_bind_text(st, 3, t->device, -1, SDB_STATIC);
	ok = sdb_step(st) == SDB_DONE;
	t->replaced = t->replaced || (ok && sdb_changes(db) > 0);
	sdb_finalize(st);
	if (!ok || sdb_prepare(db, "INSERT INTO tokens(hash, operator_id, device, created_at, "
		"last_used_at) VALUES (?, ?, ?, ?, ?)", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, t->hash, -1, SDB_STATIC);
	sdb_bind_int64(st, 2, t->operator_id);
	sdb_bind_text(st, 3, t->device, -1, SDB_STATIC);
	sdb_bind_int64(st, 4, t->now);
	sdb_bind_int64(st, 5, t->now);
	ok = sdb_step(st) == SDB_DONE;
	sdb_finalize(st);
	return ok && store_deposit_token(db, t->hash, t->deposit_hash, t->now);
}

/* 32 random bytes as base64url, and the SHA-256 the server keeps of it */
static void new_secret(char token[PROTO_TOKEN_MAX + 1], char hash[PROTO_SHA256_LEN + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(token, PROTO_TOKEN_MAX + 1, raw, sizeof raw,
		sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
	token_hash(token, hash);
}

/* The session token and its deposit token.  false (and out filled) when
 * they could not be stored. */
static bool issue_token(long long operator_id, const char *device, int64_t now,
	char token[PROTO_TOKEN_MAX + 1], char deposit[PROTO_TOKEN_MAX + 1], struct reply *out)
{
	char hash[PROTO_SHA256_LEN + 1], deposit_hash[PROTO_SHA256_LEN + 1];
	new_secret(token, hash);
	new_secret(deposit, deposit_hash);
	struct new_token t = { operator_id, device, hash, deposit_hash, now, false };
	enum db_write_result wr = db_write(store_token, &t);
	if (t.replaced)
		kept_forget();     /* the old token is refused from now on */
	if (wr != DB_WRITE_OK)
		reply_write_error(out, wr);
	return wr == DB_WRITE_OK;
}

void api_login(const char *body, size_t len, const char *addr, struct reply *out)
{
	struct proto_login_request req;
	struct proto_error err;
	enum proto_status st = proto_login_request_decode(body, len, &req, &err);
	if (st != PROTO_OK) {
		reply_decode_error(out, st, &err);
		return;
	}
	int64_t now = util_now();
	/* a refused try never reaches Argon2id (throttle.c) */
	int wait = throttle_login_begin(req.operator_name, addr, now);
	if (wait > 0) {
		reply_problem(out, PROBLEM_TOO_MANY_ATTEMPTS, NULL);
		out->retry_after = wait;
		sodium_memzero(&req, sizeof req);
		return;
	}
	sdb *db = db_thread();
	sdb_stmt *q;
	if (db == NULL || sdb_prepare(db, "SELECT id, pwhash, disabled FROM operators "
		"WHERE name = ?", -1, &q, NULL) != SDB_OK) {
		throttle_login_done(req.operator_name, addr, now, THROTTLE_NOT_CHECKED);
		sodium_memzero(&req, sizeof req);
		reply_db_error(out, db);
		return;
	}
	sdb_bind_text(q, 1, req.operator_name, -1, SDB_STATIC);
	struct proto_session s = { .n_kelurahan = 0 };
	long long id = -1;
	bool disabled = false;
	char stored[crypto_pwhash_STRBYTES] = "";
	int rc = sdb_step(q);
	if (rc == SDB_ROW) {
		id = sdb_column_int64(q, 0);
		snprintf(stored, sizeof stored, "%s", (const char *)sdb_column_text(q, 1));
		disabled = sdb_column_int(q, 2) != 0;
	}
	sdb_finalize(q);
	if (rc != SDB_ROW && rc != SDB_DONE) {
		/* the database failed: not a wrong password (which would count) */
		throttle_login_done(req.operator_name, addr, now, THROTTLE_NOT_CHECKED);
		sodium_memzero(&req, sizeof req);
		reply_db_error(out, db);
		return;
	}
	db_thread_release();    /* nobody waits for a connection during Argon2id */
	bool good = login_password_ok(id >= 0 ? stored : NULL, req.password) && id >= 0;
	sodium_memzero(req.password, sizeof req.password);
	throttle_login_done(req.operator_name, addr, util_now(), good ? THROTTLE_GOOD : THROTTLE_BAD);
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
	if (!issue_token(id, req.device, now, s.token, s.deposit_token, out))
		return;
	db = db_thread();
	if (db == NULL || !load_kelurahan(db, id, &s.n_kelurahan, s.kelurahan)) {
		sodium_memzero(&s, sizeof s);
		reply_db_error(out, db);
		return;
	}
	snprintf(s.city_key, sizeof s.city_key, "%s", city_key_public_hex());
	reply_json(out, 200, proto_session_encode(&s));
	sodium_memzero(&s, sizeof s);
}

/* UPDATE tokens SET <column> = now WHERE hash = ... (sql names the column) */
static bool token_time(sdb *db, const char *sql, const char *hash)
{
	sdb_stmt *st;
	if (sdb_prepare(db, sql, -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_int64(st, 1, util_now());
	sdb_bind_text(st, 2, hash, -1, SDB_STATIC);
	bool ok = sdb_step(st) == SDB_DONE;
	sdb_finalize(st);
	return ok;
}

/* A token's last use is written now and then, never on every request,
 * and not by the request itself: a clerk syncs once a day, so nearly every
 * sync found its token's mark old and queued a write of its own before the
 * records (1,204 writes in the city's burst).  The tokens seen are kept
 * here and written together by api_tokens_flush; a kill loses a few
 * seconds of marks, which only say when a device was last seen. */
#define TOUCH_MAX 4096
#define TOUCH_CHUNK 64            /* hashes an UPDATE names (one cached statement) */

static struct {
	pthread_mutex_t lock;
	size_t n;
	char hash[TOUCH_MAX][PROTO_SHA256_LEN + 1];
} touched = { .lock = PTHREAD_MUTEX_INITIALIZER };

static void remember_use(const char *hash)
{
	pthread_mutex_lock(&touched.lock);
	bool known = false;
	for (size_t i = 0; i < touched.n && !known; i++)
		known = strcmp(touched.hash[i], hash) == 0;
	/* when full, the token's next request after the flush comes back here */
	if (!known && touched.n < TOUCH_MAX)
		memcpy(touched.hash[touched.n++], hash, PROTO_SHA256_LEN + 1);
	pthread_mutex_unlock(&touched.lock);
}

struct touch_list {
	char (*hash)[PROTO_SHA256_LEN + 1];
	size_t n;
	int64_t now;
};

static bool touch_tokens(sdb *db, void *ctx)
{
	const struct touch_list *t = ctx;
	char sql[64 + TOUCH_CHUNK * 3] = "UPDATE tokens SET last_used_at = ? WHERE hash IN (?";
	for (int i = 1; i < TOUCH_CHUNK; i++)
		strcat(sql, ",?");
	strcat(sql, ")");
	for (size_t at = 0; at < t->n; at += TOUCH_CHUNK) {
		sdb_stmt *st;
		if (sdb_prepare(db, sql, -1, &st, NULL) != SDB_OK)
			return false;
		sdb_bind_int64(st, 1, t->now);
		/* a short last chunk names its last hash again */
		for (size_t i = 0; i < TOUCH_CHUNK; i++)
			sdb_bind_text(st, (int)i + 2, t->hash[at + i < t->n ? at + i : t->n - 1], -1,
				SDB_STATIC);
		bool ok = sdb_step(st) == SDB_DONE;
		sdb_finalize(st);
		if (!ok)
			return false;
	}
	return true;
}

void api_tokens_flush(void)
{
	struct touch_list t = { .now = util_now() };
	pthread_mutex_lock(&touched.lock);
	t.n = touched.n;
	t.hash = t.n > 0 ? malloc(t.n * sizeof *t.hash) : NULL;
	if (t.hash != NULL)
		memcpy(t.hash, touched.hash, t.n * sizeof *t.hash);
	touched.n = t.hash != NULL ? 0 : touched.n;
	pthread_mutex_unlock(&touched.lock);
	if (t.hash == NULL)
		return;
	if (db_write(touch_tokens, &t) != DB_WRITE_OK)
		fprintf(stderr, "sigacor-server: %s\n", _("waktu pakai token tidak tersimpan"));
	free(t.hash);
}

static bool revoke_token(sdb *db, void *hash)
{
	return token_time(db, "UPDATE tokens SET revoked_at = ? WHERE hash = ? "
		"AND revoked_at IS NULL", hash);
}

/* The session row behind a token: the session token itself, or the
 * session whose deposit token it is (deposit = 1); one row for each of
 * the operator's kelurahan (in order; NULL when none).  One statement
 * for what every request needs: on PostgreSQL each is a round trip. */
static const char session_of_token[] =
	"SELECT s.*, k.kelurahan FROM ("
	"SELECT t.hash, t.operator_id, t.device, t.revoked_at, t.last_used_at, o.name, o.disabled, "
	"0 AS deposit FROM tokens t JOIN operators o ON o.id = t.operator_id WHERE t.hash = ?1 "
	"UNION ALL SELECT t.hash, t.operator_id, t.device, t.revoked_at, t.last_used_at, o.name, "
	"o.disabled, 1 FROM deposit_tokens d JOIN tokens t ON t.hash = d.token_hash "
	"JOIN operators o ON o.id = t.operator_id WHERE d.hash = ?1) s "
	"LEFT JOIN operator_kelurahan k ON k.operator_id = s.operator_id ORDER BY k.kelurahan";

/* whether the session read answers this request (out: why not) */
static bool session_usable(const struct session *s, bool disabled, bool revoked,
	bool deposit_route, struct reply *out)
{
	if (disabled) {
		reply_problem(out, PROBLEM_OPERATOR_DISABLED, NULL);
		return false;
	}
	if (revoked) {
		reply_problem(out, PROBLEM_UNAUTHORIZED, NULL);
		return false;
	}
	if (s->deposit_only && !deposit_route) {
		reply_problem(out, PROBLEM_DEPOSIT_ONLY, NULL);
		return false;
	}
	return true;
}

/* The session behind a token's hash, from the database, and its last use;
 * false with the answer in out when there is none or it answers nothing. */
static bool read_session(const char *hash, bool deposit_route, struct session *s,
	int64_t *last_used, struct reply *out)
{
	sdb *db = db_thread();
	sdb_stmt *st;
	if (db == NULL || sdb_prepare(db, session_of_token, -1, &st, NULL) != SDB_OK) {
		reply_db_error(out, db);
		return false;
	}
	sdb_bind_text(st, 1, hash, -1, SDB_STATIC);
	int rc = sdb_step(st);
	if (rc != SDB_ROW) {
		sdb_finalize(st);
		if (rc == SDB_DONE)
			reply_problem(out, PROBLEM_UNAUTHORIZED, NULL);
		else
			reply_db_error(out, db);
		return false;
	}
	/* the session's own hash: logout and last use name the session row */
	snprintf(s->token_hash, sizeof s->token_hash, "%s", (const char *)sdb_column_text(st, 0));
	s->operator_id = sdb_column_int64(st, 1);
	snprintf(s->device, sizeof s->device, "%s", (const char *)sdb_column_text(st, 2));
	bool revoked = sdb_column_type(st, 3) != SDB_NULL;
	*last_used = sdb_column_int64(st, 4);
	snprintf(s->operator_name, sizeof s->operator_name, "%s", (const char *)sdb_column_text(st, 5));
	bool disabled = sdb_column_int(st, 6) != 0;
	s->deposit_only = sdb_column_int(st, 7) != 0;
	do {
		if (sdb_column_type(st, 8) != SDB_NULL && s->n_kelurahan < PROTO_KELURAHAN_MAX)
			snprintf(s->kelurahan[s->n_kelurahan++], 16, "%s",
				(const char *)sdb_column_text(st, 8));
	} while ((rc = sdb_step(st)) == SDB_ROW);
	sdb_finalize(st);
	if (rc != SDB_DONE) {
		reply_db_error(out, db);
		return false;
	}
	return session_usable(s, disabled, revoked, deposit_route, out);
}

/* A token's use is remembered now and then, not on every request: the
 * last use as it is now */
static int64_t note_use(const char *session_hash, int64_t last_used)
{
	int64_t now = util_now();
	if (now - last_used <= 600)
		return last_used;
	remember_use(session_hash);
	return now;
}

bool api_authenticate(const char *authorization, bool deposit_route, struct session *s,
	struct reply *out)
{
	memset(s, 0, sizeof *s);
	if (authorization == NULL || strncmp(authorization, "Bearer ", 7) != 0
		|| strlen(authorization + 7) == 0 || strlen(authorization + 7) > PROTO_TOKEN_MAX) {
		reply_problem(out, PROBLEM_UNAUTHORIZED, NULL);
		return false;
	}
	char hash[PROTO_SHA256_LEN + 1];
	token_hash(authorization + 7, hash);
	int64_t last_used;
	if (!deposit_route && kept_session_get(hash, s, &last_used)) {
		int64_t marked = note_use(s->token_hash, last_used);
		if (marked != last_used)
			kept_session_used(hash, marked);
		return true;
	}
	uint64_t generation = kept_generation();     /* before the query */
	if (!read_session(hash, deposit_route, s, &last_used, out))
		return false;
	last_used = note_use(s->token_hash, last_used);
	if (!s->deposit_only)
		kept_session_put(generation, hash, s, last_used);
	return true;
}

/* the session as GET /me gives it, with a deposit token when one was made */
static void reply_session(const struct session *s, const char *deposit_token, struct reply *out)
{
	struct proto_session ps = { .n_kelurahan = s->n_kelurahan };
	snprintf(ps.operator_name, sizeof ps.operator_name, "%s", s->operator_name);
	snprintf(ps.device, sizeof ps.device, "%s", s->device);
	memcpy(ps.kelurahan, s->kelurahan, sizeof ps.kelurahan);
	snprintf(ps.city_key, sizeof ps.city_key, "%s", city_key_public_hex());
	snprintf(ps.deposit_token, sizeof ps.deposit_token, "%s", deposit_token);
	reply_json(out, 200, proto_session_encode(&ps));
	sodium_memzero(&ps, sizeof ps);
}

void api_me(const struct session *s, struct reply *out)
{
	reply_session(s, "", out);
}

struct new_deposit {
	const char *token_hash, *deposit_hash;
	int64_t now;
};

static bool replace_deposit_token(sdb *db, void *ctx)
{
	const struct new_deposit *d = ctx;
	return store_deposit_token(db, d->token_hash, d->deposit_hash, d->now);
}

void api_deposit_token(const struct session *s, struct reply *out)
{
	char token[PROTO_TOKEN_MAX + 1], hash[PROTO_SHA256_LEN + 1];
	new_secret(token, hash);
	struct new_deposit d = { s->token_hash, hash, util_now() };
	enum db_write_result wr = db_write(replace_deposit_token, &d);
	if (wr == DB_WRITE_OK)
		reply_session(s, token, out);
	else
		reply_write_error(out, wr);
	sodium_memzero(token, sizeof token);
}

void api_logout(const struct session *s, struct reply *out)
{
	char hash[PROTO_SHA256_LEN + 1];
	snprintf(hash, sizeof hash, "%s", s->token_hash);
	enum db_write_result wr = db_write(revoke_token, hash);
	kept_forget();         /* refused from now on, before the answer says so */
	if (wr != DB_WRITE_OK) {
		reply_write_error(out, wr);
		return;
	}
	char *body = malloc(32);
	if (body != NULL)
		snprintf(body, 32, "{\"status\":\"logged_out\"}");
	reply_json(out, 200, body);
}
