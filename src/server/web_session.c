/* web_session: the dashboard's cookie sessions.
 *
 * The cookie holds 32 random bytes; the database only their SHA-256, so a
 * copy of server.db logs nobody in.  Each session has its own CSRF token
 * that every POST must send back (a form field or X-CSRF-Token), and an
 * expiry checked on every request.  Logins share the operators' throttle
 * and Argon2id queue (api.c), under a "web:" name so the two never lock
 * each other out. */
#include "config.h"
#include "server.h"
#include "web.h"
#include "sdb.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

void web_random_token(char out[WEB_TOKEN_LEN + 1])
{
	unsigned char raw[32];
	randombytes_buf(raw, sizeof raw);
	sodium_bin2base64(out, WEB_TOKEN_LEN + 1, raw, sizeof raw,
		sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof raw);
}

bool web_token_equal(const char *a, const char *b)
{
	size_t n = strlen(a);
	return n == WEB_TOKEN_LEN && strlen(b) == n && sodium_memcmp(a, b, n) == 0;
}

static void hash_token(const char *token, char out[65])
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(digest, (const unsigned char *)token, strlen(token));
	util_hex(digest, sizeof digest, out);
}

static void copy_text(sdb_stmt *st, int col, char *out, size_t cap)
{
	const unsigned char *v = sdb_column_text(st, col);
	snprintf(out, cap, "%s", v != NULL ? (const char *)v : "");
}

bool web_session_find(const char *token, struct web_session *out)
{
	memset(out, 0, sizeof *out);
	if (token == NULL || strlen(token) != WEB_TOKEN_LEN)
		return false;
	hash_token(token, out->token_hash);
	sdb *db = db_thread();
	sdb_stmt *st;
	if (db == NULL || sdb_prepare(db, "SELECT u.id, u.name, u.scope, s.csrf "
		"FROM web_sessions s JOIN supervisors u ON u.id = s.supervisor_id "
		"WHERE s.hash = ? AND s.expires_at > ? AND u.disabled = 0", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, out->token_hash, -1, SDB_STATIC);
	sdb_bind_int64(st, 2, util_now());
	bool found = sdb_step(st) == SDB_ROW;
	if (found) {
		out->who.id = sdb_column_int64(st, 0);
		copy_text(st, 1, out->who.name, sizeof out->who.name);
		copy_text(st, 2, out->who.scope, sizeof out->who.scope);
		copy_text(st, 3, out->csrf, sizeof out->csrf);
	}
	sdb_finalize(st);
	return found;
}

struct new_session {
	long long supervisor_id;
	char hash[65];
	char csrf[WEB_TOKEN_LEN + 1];
	int64_t now;
};

static bool store_session(sdb *db, void *ctx)
{
	const struct new_session *n = ctx;
	sdb_stmt *st;
	/* expired sessions go as new ones come: the table stays small */
	if (sdb_prepare(db, "DELETE FROM web_sessions WHERE expires_at <= ?", -1, &st,
		NULL) != SDB_OK)
		return false;
	sdb_bind_int64(st, 1, n->now);
	bool ok = sdb_step(st) == SDB_DONE;
	sdb_finalize(st);
	if (!ok || sdb_prepare(db, "INSERT INTO web_sessions(hash, supervisor_id, csrf, "
		"created_at, expires_at) VALUES (?, ?, ?, ?, ?)", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, n->hash, -1, SDB_STATIC);
	sdb_bind_int64(st, 2, n->supervisor_id);
	sdb_bind_text(st, 3, n->csrf, -1, SDB_STATIC);
	sdb_bind_int64(st, 4, n->now);
	sdb_bind_int64(st, 5, n->now + WEB_SESSION_SECONDS);
	ok = sdb_step(st) == SDB_DONE;
	sdb_finalize(st);
	return ok;
}

/* the stored hash of an active supervisor into stored ("" when none) */
static bool find_supervisor(const char *name, long long *id, char *stored, size_t cap)
{
	sdb *db = db_thread();
	sdb_stmt *st;
	*id = -1;
	stored[0] = '\0';
	if (db == NULL || sdb_prepare(db, "SELECT id, pwhash FROM supervisors "
		"WHERE name = ? AND disabled = 0", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, name, -1, SDB_STATIC);
	int rc = sdb_step(st);
	if (rc == SDB_ROW) {
		*id = sdb_column_int64(st, 0);
		copy_text(st, 1, stored, cap);
	}
	sdb_finalize(st);
	return rc == SDB_ROW || rc == SDB_DONE;
}

enum web_login_result web_login(const char *name, const char *password, const char *addr,
	char token[WEB_TOKEN_LEN + 1])
{
	char key[WEB_NAME_MAX + 8];
	int64_t now = util_now();
	if (name == NULL || password == NULL || strlen(name) > WEB_NAME_MAX
		|| strlen(password) > PROTO_PASSWORD_MAX)
		return WEB_LOGIN_BAD;
	snprintf(key, sizeof key, "web:%s", name);
	/* counted with the operators' logins of that address (throttle.c) */
	if (throttle_login_begin(key, addr, now) > 0)
		return WEB_LOGIN_THROTTLED;
	long long id;
	char stored[crypto_pwhash_STRBYTES];
	bool found = find_supervisor(name, &id, stored, sizeof stored);
	db_thread_release();    /* nobody waits for a connection during Argon2id */
	if (!found) {
		throttle_login_done(key, addr, now, THROTTLE_NOT_CHECKED);
		return WEB_LOGIN_ERROR;
	}
	bool good = login_password_ok(id >= 0 ? stored : NULL, password) && id >= 0;
	throttle_login_done(key, addr, util_now(), good ? THROTTLE_GOOD : THROTTLE_BAD);
	if (!good)
		return WEB_LOGIN_BAD;
	struct new_session n = { .supervisor_id = id, .now = now };
	web_random_token(token);
	web_random_token(n.csrf);
	hash_token(token, n.hash);
	return db_write(store_session, &n) == DB_WRITE_OK ? WEB_LOGIN_OK : WEB_LOGIN_ERROR;
}

static bool delete_session(sdb *db, void *hash)
{
	sdb_stmt *st;
	if (sdb_prepare(db, "DELETE FROM web_sessions WHERE hash = ?", -1, &st, NULL)
		!= SDB_OK)
		return false;
	sdb_bind_text(st, 1, hash, -1, SDB_STATIC);
	bool ok = sdb_step(st) == SDB_DONE;
	sdb_finalize(st);
	return ok;
}

bool web_logout(const struct web_session *s)
{
	char hash[65];
	snprintf(hash, sizeof hash, "%s", s->token_hash);
	return db_write(delete_session, hash) == DB_WRITE_OK;
}
