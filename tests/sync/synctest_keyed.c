/* st_open_profile: a keyed profile opened the way sigacor opens it (the
 * screens' key file, src/ui/profile_key.c, unwrapped by the password).  A
 * file of its own: only the tests that look into a profile link the
 * screens' library. */
#include "config.h"
#include "synctest.h"
#include "ui_int.h"
#include "vault.h"

#include <sodium.h>
#include <stdio.h>

enum store_status st_open_profile(const struct st_client *c, struct store **s, char *err, size_t len)
{
	if (!profile_key_exists(c->root, c->op))
		return store_open(c->profile, s, err, len);
	unsigned char key[PROFILE_KEY_BYTES];
	if (c->password == NULL || !profile_key_unwrap(c->root, c->op, c->password, key)) {
		snprintf(err, len, "the profile's password does not unwrap its key");
		*s = NULL;
		return STORE_LOCKED;
	}
	enum store_status st = store_open_keyed(c->profile, key, s, err, len);
	sodium_memzero(key, sizeof key);
	return st;
}

bool st_key_profile(const struct st_client *c)
{
	unsigned char key[PROFILE_KEY_BYTES];
	bool made = profile_create_keyed(c->root, c->op, c->password, key);
	sodium_memzero(key, sizeof key);
	return made;
}

bool st_profile_int(const struct st_client *c, const char *sql, int64_t *out)
{
	char path[sizeof c->profile + 16];
	snprintf(path, sizeof path, "%s/sigacor.db", c->profile);
	unsigned char key[PROFILE_KEY_BYTES];
	struct vault *v = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int rc;
	if (profile_key_exists(c->root, c->op)) {
		if (c->password == NULL || !profile_key_unwrap(c->root, c->op, c->password, key))
			return false;
		v = vault_new(key);
		sodium_memzero(key, sizeof key);
		rc = v != NULL ? vault_open(v, path, SQLITE_OPEN_READWRITE, &db) : SQLITE_NOMEM;
	} else {
		rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL);
	}
	bool got = rc == SQLITE_OK && sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK
		&& sqlite3_step(st) == SQLITE_ROW;
	if (got)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close_v2(db);
	vault_free(v);
	return got;
}
