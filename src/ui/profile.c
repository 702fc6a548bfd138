/* profile: operator profiles on a shared laptop.  <root>/<name>/ is the
 * store's profile folder; next to the database the operator's password
 * wraps the profile's data key (profile_key.c): the password is checked by
 * unwrapping it. */
#include "config.h"
#include "ui_int.h"
#include "ui.h"
#include "common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOCK_FILE "ui.lock"

bool profile_name_valid(const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > PROFILE_NAME_MAX || name[0] == '.' || name[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && c != '.' && c != '_' && c != '-')
			return false;
	}
	return true;
}

bool profile_path(const char *root, const char *name, char *buf, size_t len)
{
	if (!profile_name_valid(name))
		return false;
	int n = snprintf(buf, len, "%s/%s", root, name);
	return n > 0 && (size_t)n < len;
}

bool profile_make_folder(const char *dir)
{
	char buf[PATH_MAX];
	int n = snprintf(buf, sizeof buf, "%s", dir);
	if (n <= 0 || (size_t)n >= sizeof buf)
		return false;
	for (char *p = buf + 1; ; p++) {
		bool end = *p == '\0';
		if (!end && *p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) != 0 && errno != EEXIST)
			return false;
		if (end)
			break;
		*p = '/';
	}
	struct stat sb;
	return stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode);
}

static bool file_in_profile(const char *root, const char *name, const char *file,
	char *buf, size_t len)
{
	if (!profile_name_valid(name))
		return false;
	int n = snprintf(buf, len, "%s/%s/%s", root, name, file);
	return n > 0 && (size_t)n < len;
}

bool profile_default_root(char *buf, size_t len)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;
	if (xdg != NULL && xdg[0] == '/')
		n = snprintf(buf, len, "%s/sigacor", xdg);
	else if (home != NULL && home[0] != '\0')
		n = snprintf(buf, len, "%s/.local/share/sigacor", home);
	else
		return false;
	return n > 0 && (size_t)n < len;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

size_t profile_list(const char *root, char names[][PROFILE_NAME_MAX + 1], size_t max)
{
	DIR *d = opendir(root);
	if (d == NULL)
		return 0;
	size_t count = 0;
	struct dirent *e;
	while (count < max && (e = readdir(d)) != NULL) {
		if (!profile_name_valid(e->d_name))
			continue;
		char path[PATH_MAX];
		struct stat st;
		if (!profile_path(root, e->d_name, path, sizeof path) || stat(path, &st) != 0
			|| !S_ISDIR(st.st_mode))
			continue;
		/* valid names are at most PROFILE_NAME_MAX bytes */
		memcpy(names[count], e->d_name, strlen(e->d_name) + 1);
		count++;
	}
	closedir(d);
	qsort(names, count, sizeof names[0], compare_names);
	return count;
}

bool ui_only_profile(const char *root, char *name, size_t len)
{
	char names[2][PROFILE_NAME_MAX + 1];
	if (profile_list(root, names, 2) != 1 || strlen(names[0]) >= len)
		return false;
	memcpy(name, names[0], strlen(names[0]) + 1);
	return true;
}

bool profile_has_password(const char *root, const char *name)
{
	char legacy[PATH_MAX];
	return profile_key_exists(root, name) || profile_legacy_password(root, name, legacy, sizeof legacy);
}

bool profile_set_password(const char *root, const char *name, const char *password,
	char *err, size_t errlen)
{
	char dir[PATH_MAX], legacy[PATH_MAX];
	unsigned char key[PROFILE_KEY_BYTES];
	if (sodium_init() < 0) {
		snprintf(err, errlen, "%s", _("pustaka kriptografi gagal dimulai"));
		return false;
	}
	if (!profile_path(root, name, dir, sizeof dir)) {
		snprintf(err, errlen, "%s", _("nama petugas tidak sah"));
		return false;
	}
	if (!profile_key_create(root, name, password, key)) {
		snprintf(err, errlen, _("kata sandi gagal disimpan: %s"), strerror(errno));
		return false;
	}
	sodium_memzero(key, sizeof key);
	if (profile_legacy_password(root, name, legacy, sizeof legacy))
		unlink(legacy);
	return true;
}

bool profile_create_keyed(const char *root, const char *name, const char *password,
	unsigned char key[PROFILE_KEY_BYTES])
{
	char dir[PATH_MAX];
	if (!profile_path(root, name, dir, sizeof dir)) {
		errno = EINVAL;
		return false;
	}
	return profile_make_folder(dir) && profile_key_create(root, name, password, key);
}

/* A profile of the release before issue 12 holds only an Argon2id string:
 * the right password gives it a data key (and the string goes). */
static bool check_legacy_password(const char *root, const char *name, const char *password)
{
	char path[PATH_MAX], hash[crypto_pwhash_STRBYTES + 2], err[128];
	if (!profile_legacy_password(root, name, path, sizeof path))
		return false;
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return false;
	bool read_ok = fgets(hash, sizeof hash, f) != NULL;
	fclose(f);
	if (!read_ok)
		return false;
	hash[strcspn(hash, "\n")] = '\0';
	if (crypto_pwhash_str_verify(hash, password, strlen(password)) != 0)
		return false;
	return profile_set_password(root, name, password, err, sizeof err);
}

bool profile_password_key(const char *root, const char *name, const char *password,
	unsigned char key[PROFILE_KEY_BYTES])
{
	if (sodium_init() < 0)
		return false;
	if (!profile_key_exists(root, name) && !check_legacy_password(root, name, password))
		return false;
	return profile_key_unwrap(root, name, password, key);
}

bool profile_check_password(const char *root, const char *name, const char *password)
{
	unsigned char key[PROFILE_KEY_BYTES];
	bool ok = profile_password_key(root, name, password, key);
	sodium_memzero(key, sizeof key);
	return ok;
}

int profile_lock(const char *root, const char *name)
{
	char path[PATH_MAX];
	if (!file_in_profile(root, name, LOCK_FILE, path, sizeof path))
		return -1;
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		int saved = errno;      /* EWOULDBLOCK: another session holds it */
		close(fd);
		errno = saved;
		return -1;
	}
	return fd;
}
