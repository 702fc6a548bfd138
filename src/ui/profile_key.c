/* profile_key: the profile's data key and the unlock that outlives one
 * command (issue 12).
 *
 * A random 32-byte data key is made when the clerk chooses the password.
 * On disk (profile.key, 0600, replaced whole) it is kept only wrapped:
 * XChaCha20-Poly1305 (libsodium) under a key derived from the password
 * with Argon2id (crypto_pwhash, interactive limits, random salt).  So a
 * wrong password fails the wrap's tag, and a later password change
 * re-wraps 32 bytes instead of re-encrypting the profile.  A keyed
 * BLAKE2b of the data key lets a key found in the keyring be checked
 * without the password.
 *
 * `sigacor unlock` leaves the data key (never the password) in the
 * kernel's user keyring (libkeyutils) with a timeout; `sigacor lock` and
 * the screens' idle lock invalidate it. */
#include "config.h"
#include "ui_int.h"
#include "ui.h"
#include "common.h"
#include "store.h"

#include <errno.h>
#include <keyutils.h>
#include <limits.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KEY_FILE STORE_KEY_FILE
#define LEGACY_PASSWORD_FILE "operator.pwhash"
#define KEY_FORMAT "sigacor-key-1"
#define SALT_BYTES crypto_pwhash_SALTBYTES
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define WRAPPED_BYTES (PROFILE_KEY_BYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define CHECK_BYTES 16
#define KEYRING_TYPE "user"

struct key_file {
	unsigned long long opslimit;
	size_t memlimit;
	unsigned char salt[SALT_BYTES];
	unsigned char nonce[NONCE_BYTES];
	unsigned char wrapped[WRAPPED_BYTES];
	unsigned char check[CHECK_BYTES];
};

static bool profile_file(const char *root, const char *name, const char *file,
	char *buf, size_t len)
{
	char dir[PATH_MAX];
	if (!profile_path(root, name, dir, sizeof dir))
		return false;
	int n = snprintf(buf, len, "%s/%s", dir, file);
	return n > 0 && (size_t)n < len;
}

static bool regular_file(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
}

bool profile_key_exists(const char *root, const char *name)
{
	char path[PATH_MAX];
	return profile_file(root, name, KEY_FILE, path, sizeof path) && regular_file(path);
}

/* The profile's password of the release before issue 12: an Argon2id
 * string without a data key (profile_check_password upgrades it). */
bool profile_legacy_password(const char *root, const char *name, char *path, size_t len)
{
	return profile_file(root, name, LEGACY_PASSWORD_FILE, path, len) && regular_file(path);
}

static void key_check(const unsigned char key[PROFILE_KEY_BYTES], unsigned char check[CHECK_BYTES])
{
	static const char label[] = "sigacor key check v1";
	crypto_generichash(check, CHECK_BYTES, (const unsigned char *)label, sizeof label - 1,
		key, PROFILE_KEY_BYTES);
}

static bool derive_wrapping_key(const char *password, const struct key_file *kf,
	unsigned char out[PROFILE_KEY_BYTES])
{
	return crypto_pwhash(out, PROFILE_KEY_BYTES, password, strlen(password), kf->salt,
		kf->opslimit, kf->memlimit, crypto_pwhash_ALG_ARGON2ID13) == 0;
}

static bool hex_field(const char *hex, unsigned char *out, size_t n)
{
	size_t got = 0;
	return hex != NULL && sodium_hex2bin(out, n, hex, strlen(hex), NULL, &got, NULL) == 0
		&& got == n;
}

static bool read_key_file(const char *path, struct key_file *kf)
{
	char line[512];
	FILE *f = fopen(path, "re");
	if (f == NULL)
		return false;
	bool got = fgets(line, sizeof line, f) != NULL;
	fclose(f);
	if (!got)
		return false;
	line[strcspn(line, "\n")] = '\0';
	char *save = NULL;
	const char *format = strtok_r(line, " ", &save);
	const char *ops = strtok_r(NULL, " ", &save);
	const char *mem = strtok_r(NULL, " ", &save);
	const char *salt = strtok_r(NULL, " ", &save);
	const char *nonce = strtok_r(NULL, " ", &save);
	const char *wrapped = strtok_r(NULL, " ", &save);
	const char *check = strtok_r(NULL, " ", &save);
	if (format == NULL || strcmp(format, KEY_FORMAT) != 0 || ops == NULL || mem == NULL)
		return false;
	char *end;
	errno = 0;
	kf->opslimit = strtoull(ops, &end, 10);
	if (errno != 0 || *end != '\0' || kf->opslimit < crypto_pwhash_OPSLIMIT_MIN
		|| kf->opslimit > crypto_pwhash_OPSLIMIT_SENSITIVE)
		return false;
	unsigned long long m = strtoull(mem, &end, 10);
	if (errno != 0 || *end != '\0' || m < crypto_pwhash_MEMLIMIT_MIN
		|| m > crypto_pwhash_MEMLIMIT_SENSITIVE)
		return false;
	kf->memlimit = (size_t)m;
	return hex_field(salt, kf->salt, sizeof kf->salt) && hex_field(nonce, kf->nonce, sizeof kf->nonce)
		&& hex_field(wrapped, kf->wrapped, sizeof kf->wrapped)
		&& hex_field(check, kf->check, sizeof kf->check);
}

/* The header fields are the wrap's associated data: a file whose limits
 * were lowered by someone else fails the tag. */
static size_t header_text(const struct key_file *kf, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s %llu %zu", KEY_FORMAT, kf->opslimit, kf->memlimit);
	return n > 0 && (size_t)n < len ? (size_t)n : 0;
}

static bool write_key_file(const char *path, const struct key_file *kf)
{
	char header[96], salt[2 * SALT_BYTES + 1], nonce[2 * NONCE_BYTES + 1];
	char wrapped[2 * WRAPPED_BYTES + 1], check[2 * CHECK_BYTES + 1], line[512];
	if (header_text(kf, header, sizeof header) == 0)
		return false;
	sodium_bin2hex(salt, sizeof salt, kf->salt, sizeof kf->salt);
	sodium_bin2hex(nonce, sizeof nonce, kf->nonce, sizeof kf->nonce);
	sodium_bin2hex(wrapped, sizeof wrapped, kf->wrapped, sizeof kf->wrapped);
	sodium_bin2hex(check, sizeof check, kf->check, sizeof kf->check);
	int n = snprintf(line, sizeof line, "%s %s %s %s %s\n", header, salt, nonce, wrapped, check);
	return n > 0 && (size_t)n < sizeof line && common_write_file(path, line, (size_t)n);
}

bool profile_key_create(const char *root, const char *name, const char *password,
	unsigned char key[PROFILE_KEY_BYTES])
{
	char path[PATH_MAX], header[96];
	unsigned char wrapping[PROFILE_KEY_BYTES];
	struct key_file kf = { crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE,
		{ 0 }, { 0 }, { 0 }, { 0 } };
	if (sodium_init() < 0 || !profile_file(root, name, KEY_FILE, path, sizeof path))
		return false;
	randombytes_buf(key, PROFILE_KEY_BYTES);
	randombytes_buf(kf.salt, sizeof kf.salt);
	randombytes_buf(kf.nonce, sizeof kf.nonce);
	key_check(key, kf.check);
	size_t hn = header_text(&kf, header, sizeof header);
	bool ok = hn > 0 && derive_wrapping_key(password, &kf, wrapping)
		&& crypto_aead_xchacha20poly1305_ietf_encrypt(kf.wrapped, NULL, key, PROFILE_KEY_BYTES,
			(const unsigned char *)header, hn, NULL, kf.nonce, wrapping) == 0
		&& write_key_file(path, &kf);
	sodium_memzero(wrapping, sizeof wrapping);
	if (!ok)
		sodium_memzero(key, PROFILE_KEY_BYTES);
	return ok;
}

bool profile_key_unwrap(const char *root, const char *name, const char *password,
	unsigned char key[PROFILE_KEY_BYTES])
{
	char path[PATH_MAX], header[96];
	unsigned char wrapping[PROFILE_KEY_BYTES], check[CHECK_BYTES];
	struct key_file kf;
	if (sodium_init() < 0 || !profile_file(root, name, KEY_FILE, path, sizeof path)
		|| !read_key_file(path, &kf))
		return false;
	size_t hn = header_text(&kf, header, sizeof header);
	bool ok = hn > 0 && derive_wrapping_key(password, &kf, wrapping)
		&& crypto_aead_xchacha20poly1305_ietf_decrypt(key, NULL, NULL, kf.wrapped,
			sizeof kf.wrapped, (const unsigned char *)header, hn, kf.nonce, wrapping) == 0;
	sodium_memzero(wrapping, sizeof wrapping);
	if (ok) {
		key_check(key, check);
		ok = sodium_memcmp(check, kf.check, CHECK_BYTES) == 0;
	}
	if (!ok)
		sodium_memzero(key, PROFILE_KEY_BYTES);
	return ok;
}

/* ---- the unlock in the kernel's user keyring ---- */

/* One keyring entry per profile folder: the data root made absolute, so
 * two data roots of one OS user never share an unlock. */
static bool keyring_description(const char *root, const char *name, char *buf, size_t len)
{
	char dir[PATH_MAX], real[PATH_MAX];
	if (!profile_path(root, name, dir, sizeof dir) || realpath(dir, real) == NULL)
		return false;
	int n = snprintf(buf, len, "sigacor:%s", real);
	return n > 0 && (size_t)n < len;
}

static key_serial_t keyring_find(const char *root, const char *name)
{
	char desc[PATH_MAX + 16];
	if (!keyring_description(root, name, desc, sizeof desc))
		return -1;
	return (key_serial_t)keyctl_search(KEY_SPEC_USER_KEYRING, KEYRING_TYPE, desc, 0);
}

bool profile_key_remember(const char *root, const char *name,
	const unsigned char key[PROFILE_KEY_BYTES], unsigned seconds)
{
	char desc[PATH_MAX + 16];
	if (seconds == 0 || !keyring_description(root, name, desc, sizeof desc))
		return false;
	key_serial_t k = add_key(KEYRING_TYPE, desc, key, PROFILE_KEY_BYTES, KEY_SPEC_USER_KEYRING);
	if (k < 0)
		return false;
	/* readable by this OS user's processes (cron, another login), no one
	 * else; gone by itself after the timeout */
	if (keyctl_setperm(k, KEY_POS_ALL | KEY_USR_VIEW | KEY_USR_READ | KEY_USR_SEARCH) != 0
		|| keyctl_set_timeout(k, seconds) != 0) {
		keyctl_invalidate(k);
		return false;
	}
	return true;
}

bool profile_key_recall(const char *root, const char *name, unsigned char key[PROFILE_KEY_BYTES])
{
	char path[PATH_MAX];
	struct key_file kf;
	unsigned char check[CHECK_BYTES];
	if (sodium_init() < 0 || !profile_file(root, name, KEY_FILE, path, sizeof path)
		|| !read_key_file(path, &kf))
		return false;
	key_serial_t k = keyring_find(root, name);
	if (k < 0)
		return false;
	long n = keyctl_read(k, (char *)key, PROFILE_KEY_BYTES);
	if (n != PROFILE_KEY_BYTES) {
		sodium_memzero(key, PROFILE_KEY_BYTES);
		return false;
	}
	/* an entry another process of this user planted is not the key */
	key_check(key, check);
	if (sodium_memcmp(check, kf.check, CHECK_BYTES) != 0) {
		sodium_memzero(key, PROFILE_KEY_BYTES);
		return false;
	}
	return true;
}

bool profile_key_forget(const char *root, const char *name)
{
	bool any = false;
	key_serial_t k;
	/* every entry for the profile, should two unlocks have raced */
	for (int i = 0; i < 8 && (k = keyring_find(root, name)) >= 0 && keyctl_invalidate(k) == 0; i++)
		any = true;
	return any;
}
