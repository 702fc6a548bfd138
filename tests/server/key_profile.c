/* key_profile ROOT NAME < PASSWORD: what the screens do when the clerk
 * chooses a profile's laptop password, for the shell tests that need a
 * keyed profile without a terminal: the data key made and wrapped by the
 * password (profile_set_password), then the first keyed open, which
 * encrypts the clear database in place and seals its photo files
 * (store_open_keyed).  Exit 0 when done. */
#include "config.h"
#include "store.h"
#include "ui.h"
#include "ui_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	char password[256], err[512], dir[4096];
	unsigned char key[PROFILE_KEY_BYTES];
	if (argc != 3 || fgets(password, sizeof password, stdin) == NULL) {
		fprintf(stderr, "usage: key_profile ROOT NAME < PASSWORD\n");
		return 2;
	}
	password[strcspn(password, "\n")] = '\0';
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
