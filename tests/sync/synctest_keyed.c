/* st_open_profile: a keyed profile opened the way sigacor opens it (the
 * screens' key file, src/ui/profile_key.c, unwrapped by the password).  A
 * file of its own: only the tests that look into a profile link the
 * screens' library. */
#include "config.h"
#include "synctest.h"
#include "ui_int.h"

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
