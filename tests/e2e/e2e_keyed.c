/* e2e_open_profile: the test's own look into a profile e2e_profile made,
 * keyed with E2E_PASSWORD (issue 12).  A file of its own: only the tests
 * that call it link the screens' key functions (PROFILE_KEY_LIBS). */
#include "config.h"
#include "e2e.h"
#include "ui.h"

#include <limits.h>
#include <sodium.h>
#include <stdio.h>

enum store_status e2e_open_profile(struct e2e *e, const char *operator_name, struct store **s,
	char *err, size_t len)
{
	char dir[PATH_MAX + 80];
	unsigned char key[PROFILE_KEY_BYTES];
	snprintf(dir, sizeof dir, "%s/%s", e->data, operator_name);
	if (!profile_password_key(e->data, operator_name, E2E_PASSWORD, key)) {
		snprintf(err, len, "E2E_PASSWORD does not unwrap %s's key", operator_name);
		*s = NULL;
		return STORE_LOCKED;
	}
	enum store_status st = store_open_keyed(dir, key, s, err, len);
	sodium_memzero(key, sizeof key);
	return st;
}
