/* benchprofile: see benchprofile.h. */
#include "config.h"
#include "benchprofile.h"
#include "ui.h"
#include "ui_int.h"

#include <libgen.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>

/* The data root and the profile's name of the folder dir (root/name). */
static bool split_profile(const char *dir, char root[PATH_MAX], char name[PATH_MAX])
{
	char a[PATH_MAX], b[PATH_MAX];
	if (snprintf(a, sizeof a, "%s", dir) >= (int)sizeof a)
		return false;
	memcpy(b, a, sizeof b);
	snprintf(root, PATH_MAX, "%s", dirname(a));
	snprintf(name, PATH_MAX, "%s", basename(b));
	return profile_name_valid(name);
}

bool bench_profile_set_password(const char *dir, const char *password, char *err, size_t len)
{
	char root[PATH_MAX], name[PATH_MAX];
	if (!split_profile(dir, root, name)) {
		snprintf(err, len, "%s: not a profile folder (ROOT/NAME)", dir);
		return false;
	}
	return profile_make_folder(dir) && profile_set_password(root, name, password, err, len);
}

/* The data key of a profile with a password (password, or a line of stdin). */
static bool unwrap_key(const char *root, const char *name, const char *password,
	unsigned char key[PROFILE_KEY_BYTES])
{
	char line[258] = "";
	if (password == NULL) {
		if (fgets(line, sizeof line, stdin) == NULL)
			return false;
		line[strcspn(line, "\r\n")] = '\0';
		password = line;
	}
	bool ok = profile_password_key(root, name, password, key);
	sodium_memzero(line, sizeof line);
	return ok;
}

enum store_status bench_profile_open(const char *dir, const char *password, struct store **s,
	char *err, size_t len)
{
	char root[PATH_MAX], name[PATH_MAX];
	*s = NULL;
	if (!split_profile(dir, root, name)) {
		snprintf(err, len, "%s: not a profile folder (ROOT/NAME)", dir);
		return STORE_REJECTED;
	}
	if (!profile_has_password(root, name))
		return store_open(dir, s, err, len);
	unsigned char key[PROFILE_KEY_BYTES];
	if (!unwrap_key(root, name, password, key)) {
		snprintf(err, len, "%s: the password does not unwrap the profile's key", dir);
		return STORE_LOCKED;
	}
	enum store_status st = store_open_keyed(dir, key, s, err, len);
	sodium_memzero(key, sizeof key);
	return st;
}
