/* profile-sql: the tests' look into a clerk's profile, now that a profile
 * is encrypted from its first byte (issue 12): `sqlite3 PROFILE/sigacor.db`
 * reads only ciphertext.
 *
 *   profile-sql [--make-clear] DATA-ROOT NAME SQL
 *
 * opens the profile's database through the vault with its data key: from
 * the unlock `sigacor unlock` left in the kernel's keyring, else from the
 * password in $PROFILE_PASSWORD (unwrapped from profile.key); a profile
 * without profile.key (made before issue 12) opens clear.  Prints the rows
 * as the sqlite3 shell does by default (columns joined by |, NULL empty).
 * The SQL may call photo_file(SHA256): where the profile keeps that photo,
 * under photos/ ("xy/<keyed name>.sgv" when keyed, "ab/<sha256>.jpg" when
 * clear), as src/store/photos.c names it.
 * --make-clear first makes a profile that does not exist clear, as the
 * release before issue 12 did (store_open), for the tests of such profiles.
 * Exit 0, or 1 with the reason on stderr. */
#include "config.h"
#include "ui.h"
#include "ui_int.h"
#include "store.h"
#include "vault.h"

#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool data_key(const char *root, const char *name, unsigned char key[PROFILE_KEY_BYTES])
{
	if (profile_key_recall(root, name, key))
		return true;         /* no Argon2id for each look */
	const char *password = getenv("PROFILE_PASSWORD");
	return password != NULL && password[0] != '\0'
		&& profile_password_key(root, name, password, key);
}

/* photo_file(sha256 hex) */
static void photo_file(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	(void)argc;
	const struct vault *v = sqlite3_user_data(ctx);
	const char *sha = (const char *)sqlite3_value_text(argv[0]);
	unsigned char digest[32];
	char name[VAULT_NAME_HEX], path[160];
	if (sha == NULL || strlen(sha) != 64
		|| sodium_hex2bin(digest, sizeof digest, sha, 64, NULL, NULL, NULL) != 0) {
		sqlite3_result_null(ctx);
		return;
	}
	if (v != NULL) {
		vault_file_name(v, digest, sizeof digest, name);
		snprintf(path, sizeof path, "%.2s/%s.sgv", name, name);
	} else {
		snprintf(path, sizeof path, "%.2s/%s.jpg", sha, sha);
	}
	sqlite3_result_text(ctx, path, -1, SQLITE_TRANSIENT);
}

static int print_row(void *ctx, int n, char **values, char **names)
{
	(void)ctx;
	(void)names;
	for (int i = 0; i < n; i++)
		printf("%s%s", i > 0 ? "|" : "", values[i] != NULL ? values[i] : "");
	putchar('\n');
	return 0;
}

int main(int argc, char **argv)
{
	bool make_clear = argc == 5 && strcmp(argv[1], "--make-clear") == 0;
	if (argc != 4 && !make_clear) {
		fprintf(stderr, "usage: profile-sql [--make-clear] DATA-ROOT NAME SQL\n");
		return 1;
	}
	const char *root = argv[argc - 3], *name = argv[argc - 2], *sql = argv[argc - 1];
	char path[4200], dir[4096], err[512];
	snprintf(dir, sizeof dir, "%s/%s", root, name);
	snprintf(path, sizeof path, "%s/sigacor.db", dir);
	struct store *made = NULL;
	if (make_clear && store_open(dir, &made, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "profile-sql: %s\n", err);
		return 1;
	}
	store_close(made);
	sqlite3 *db = NULL;
	struct vault *v = NULL;
	int rc;
	if (sodium_init() < 0)
		return 1;
	if (profile_key_exists(root, name)) {
		unsigned char key[PROFILE_KEY_BYTES];
		if (!data_key(root, name, key)) {
			fprintf(stderr, "profile-sql: no key for %s/%s (PROFILE_PASSWORD, or sigacor unlock)\n",
				root, name);
			return 1;
		}
		v = vault_new(key);
		sodium_memzero(key, sizeof key);
		rc = v != NULL ? vault_open(v, path, SQLITE_OPEN_READWRITE, &db) : SQLITE_NOMEM;
	} else {
		rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL);
	}
	char *sql_err = NULL;
	if (rc == SQLITE_OK) {
		sqlite3_busy_timeout(db, 10000);
		sqlite3_create_function(db, "photo_file", 1, SQLITE_UTF8, v, photo_file, NULL, NULL);
		rc = sqlite3_exec(db, sql, print_row, NULL, &sql_err);
	}
	if (rc != SQLITE_OK)
		fprintf(stderr, "profile-sql: %s\n", sql_err != NULL ? sql_err : sqlite3_errstr(rc));
	sqlite3_free(sql_err);
	sqlite3_close_v2(db);
	vault_free(v);
	return rc == SQLITE_OK ? 0 : 1;
}
