/* api_session: login (the password hashing slots; how often: throttle.c),
 * the bearer tokens, /me and logout (doc/PROTOCOL.md, sessions). */
#include "config.h"
#include "server.h"
#include "common.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <sqlite3.h>
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
	sqlite3 *db = db_thread();
	sqlite3_stmt *q;
	if (db == NULL || sqlite3_prepare_v2(db, "SELECT id, pwhash, disabled FROM operators "
		"WHERE name = ?", -1, &q, NULL) != SQLITE_OK) {
		throttle_login_done(req.operator_name, addr, now, THROTTLE_NOT_CHECKED);
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
	if (!issue_token(id, req.device, now, s.token, out))
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
	snprintf(ps.city_key, sizeof ps.city_key, "%s", city_key_public_hex());
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
