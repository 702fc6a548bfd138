/* key_profile ROOT NAME < PASSWORD: what the screens do when the clerk
 * chooses a profile's laptop password, for the shell tests that need a
 * keyed profile without a terminal: the data key made and wrapped by the
 * password (profile_set_password), then the first keyed open, which
 * encrypts the clear database in place and seals its photo files
 * (store_open_keyed).  Exit 0 when done.
 *
 * key_profile --legacy ROOT NAME < PASSWORD: what the screens of the
 * release before issue 12 did instead: the password's Argon2id string in
 * the profile's operator.pwhash, the database left clear. */
#include "config.h"
#include "store.h"
#include "ui.h"
#include "ui_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

static bool write_legacy_hash(const char *root, const char *name, const char *password)
{
	char path[4200], line[crypto_pwhash_STRBYTES + 1];
	if (sodium_init() < 0 || crypto_pwhash_str(line, password, strlen(password),
		crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
		return false;
	snprintf(path, sizeof path, "%s/%s/operator.pwhash", root, name);
	FILE *f = fopen(path, "wx");
	bool ok = f != NULL && fprintf(f, "%s\n", line) > 0;
	return f != NULL && fclose(f) == 0 && ok;
}

int main(int argc, char **argv)
{
	char password[256], err[512] = "", dir[4096];
	unsigned char key[PROFILE_KEY_BYTES];
	bool legacy = argc == 4 && strcmp(argv[1], "--legacy") == 0;
	if ((argc != 3 && !legacy) || fgets(password, sizeof password, stdin) == NULL) {
		fprintf(stderr, "usage: key_profile [--legacy] ROOT NAME < PASSWORD\n");
		return 2;
	}
	password[strcspn(password, "\n")] = '\0';
	if (legacy) {
		bool written = write_legacy_hash(argv[2], argv[3], password);
		sodium_memzero(password, sizeof password);
		if (!written)
			perror("key_profile: operator.pwhash");
		return written ? 0 : 1;
	}
	struct store *s = NULL;
	bool ok = snprintf(dir, sizeof dir, "%s/%s", argv[1], argv[2]) < (int)sizeof dir
		&& profile_make_folder(dir)
		&& profile_set_password(argv[1], argv[2], password, err, sizeof err)
		&& profile_password_key(argv[1], argv[2], password, key)
		&& store_open_keyed(dir, key, &s, err, sizeof err) == STORE_OK;
	sodium_memzero(password, sizeof password);
	sodium_memzero(key, sizeof key);
	store_close(s);
	if (!ok)
		fprintf(stderr, "key_profile: %s\n", err);
	return ok ? 0 : 1;
}
