/* cli/unlock: the profile's lock for headless commands (issue 12).  The
 * screens' password guards the personal data on the command line too:
 * a command that reads or writes it needs the password, or the unlock
 * `sigacor unlock` left in the kernel's user keyring for a while. */
#include "config.h"
#include "cli.h"
#include "i18n.h"
#include "ui.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define UNLOCK_MINUTES_DEFAULT 30
#define UNLOCK_MINUTES_MAX (12 * 60)
#define PASSWORD_MAX 256

static int refuse_locked(const struct cli *c)
{
	cli_error(_("Profil %s terkunci: data pribadinya perlu kata sandi. Jalankan dulu "
		"`sigacor unlock`, atau ketik kata sandi di terminal atau satu baris stdin."),
		c->operator_name);
	return CLI_EXIT_LOCKED;
}

/* The data key this command got (password or unlock), in guarded memory
 * (sodium_malloc: locked, never swapped) until the process ends: one
 * command opens the store more than once (sync: the budget, the run, the
 * purge after it) and a password piped on stdin can be read only once.
 * sodium_free wipes it. */
static unsigned char *held_key;

static void drop_held_key(void)
{
	sodium_free(held_key);
	held_key = NULL;
}

/* CLI_EXIT_OK, or CLI_EXIT_FAILURE said when memory is short. */
static int hold_key(const unsigned char key[PROFILE_KEY_BYTES])
{
	if (held_key == NULL) {
		held_key = sodium_malloc(PROFILE_KEY_BYTES);
		if (held_key == NULL) {
			cli_error("%s", _("Memori tidak cukup."));
			return CLI_EXIT_FAILURE;
		}
		atexit(drop_held_key);
	}
	memcpy(held_key, key, PROFILE_KEY_BYTES);
	return CLI_EXIT_OK;
}

/* The data key from the password the clerk types (or pipes). */
static int key_from_password(const struct cli *c, unsigned char key[PROFILE_KEY_BYTES])
{
	char password[PASSWORD_MAX + 2];
	bool read_ok = cli_read_password(c->operator_name, password, sizeof password)
		&& password[0] != '\0';
	bool ok = read_ok && profile_password_key(c->data_root, c->operator_name, password, key);
	sodium_memzero(password, sizeof password);
	if (!read_ok)
		return refuse_locked(c);
	if (!ok) {
		cli_error(_("Kata sandi salah untuk profil %s; tidak ada yang diubah."), c->operator_name);
		return CLI_EXIT_LOCKED;
	}
	return CLI_EXIT_OK;
}

/* Internal to this file: no password was given (nothing typed, no line
 * on stdin); the caller says what that means for its profile. */
#define NO_PASSWORD (-1)

/* The laptop password chosen for a profile that has none: a new profile,
 * or (upgrade) a clear one of an earlier release.  On a terminal the
 * warning the screens give and the password typed twice; elsewhere one
 * line of stdin (the caller made sure it may be read).  CLI_EXIT_OK,
 * NO_PASSWORD (not said), or CLI_EXIT_REJECTED with the reason said. */
static int choose_password(const struct cli *c, bool upgrade, char *pw, size_t len)
{
	bool tty = isatty(STDIN_FILENO);
	char prompt[160], again[PASSWORD_MAX + 2];
	if (tty) {
		fprintf(stderr, upgrade ? _("Profil %s dari versi sigacor sebelumnya belum terenkripsi: "
			"pilih kata sandi laptop (minimal %d huruf). Ia mengunci data pribadi di laptop ini.\n")
			: _("Profil baru %s: pilih kata sandi laptop (minimal %d huruf). Ia "
			"mengunci data pribadi di laptop ini.\n"), c->operator_name, PROFILE_PASSWORD_MIN);
		fprintf(stderr, "%s\n%s\n", _("Lupa kata sandi = hilang yang belum terkirim (draf, antrean)."),
			_("Yang sudah terkirim aman di server. Kirim sering: sigacor sync."));
	}
	snprintf(prompt, sizeof prompt, _("Kata sandi laptop baru %s: "), c->operator_name);
	if (!cli_read_secret(prompt, pw, len) || pw[0] == '\0')
		return NO_PASSWORD;
	if (strlen(pw) < PROFILE_PASSWORD_MIN) {
		cli_error(upgrade ? _("Profil %s tetap belum terenkripsi: kata sandi laptop terlalu pendek "
			"(minimal %d huruf). Tidak ada yang diubah.")
			: _("Profil %s tidak dibuat: kata sandi laptop terlalu pendek (minimal %d huruf)."),
			c->operator_name, PROFILE_PASSWORD_MIN);
		return CLI_EXIT_REJECTED;
	}
	if (tty) {
		snprintf(prompt, sizeof prompt, "%s", _("Ulangi kata sandi laptop: "));
		bool same = cli_read_secret(prompt, again, sizeof again) && strcmp(pw, again) == 0;
		sodium_memzero(again, sizeof again);
		if (!same) {
			cli_error(upgrade ? _("Profil %s tetap belum terenkripsi: kedua kata sandi laptop "
				"tidak sama. Tidak ada yang diubah.")
				: _("Profil %s tidak dibuat: kedua kata sandi laptop tidak sama."),
				c->operator_name);
			return CLI_EXIT_REJECTED;
		}
	}
	return CLI_EXIT_OK;
}

int cli_new_profile(const struct cli *c, bool stdin_free)
{
	if (cli_profile_exists(c) || cli_profile_keyed(c))
		return CLI_EXIT_OK;
	if (!stdin_free && !isatty(STDIN_FILENO)) {
		cli_error(_("Profil %s belum ada dan perlu kata sandi laptop: ketik di terminal, atau "
			"buat dulu dengan sigacor login."), c->operator_name);
		return CLI_EXIT_REJECTED;
	}
	char password[PASSWORD_MAX + 2];
	unsigned char key[PROFILE_KEY_BYTES];
	int status = choose_password(c, false, password, sizeof password);
	if (status == NO_PASSWORD) {
		cli_error(_("Profil %s tidak dibuat: kata sandi laptop tidak ada (di terminal, atau "
			"baris sesudah kata sandi server di stdin)."), c->operator_name);
		status = CLI_EXIT_REJECTED;
	} else if (status == CLI_EXIT_OK) {
		if (!profile_create_keyed(c->data_root, c->operator_name, password, key)) {
			cli_error(_("Profil baru tidak bisa dibuat: %s"), strerror(errno));
			status = CLI_EXIT_FAILURE;
		} else {
			status = hold_key(key);
		}
	}
	sodium_memzero(password, sizeof password);
	sodium_memzero(key, sizeof key);
	return status;
}

bool cli_profile_keyed(const struct cli *c)
{
	return profile_has_password(c->data_root, c->operator_name);
}

bool cli_profile_clear(const struct cli *c)
{
	return cli_profile_exists(c) && !profile_key_exists(c->data_root, c->operator_name);
}

/* ---- a clear profile of an earlier release: the upgrade (issue 12) ---- */

bool cli_clear_profiles_stay_clear;

/* This command goes on with its clear profile (cli_unlock_or_leave_clear). */
static bool left_clear;

/* No password at hand for a clear profile: what to do; nothing changed.
 * Exit as a profile without a password to choose does (1: as a new one),
 * or, with the screens' password of its release, as a locked one (5). */
static int refuse_clear(const struct cli *c, bool has_password)
{
	if (has_password) {
		cli_error(_("Profil %s dari versi sigacor sebelumnya belum terenkripsi: perintah ini "
			"mengenkripsinya dulu dengan kata sandi laptopnya. Ketik di terminal, beri satu "
			"baris stdin, atau jalankan sekali `sigacor unlock` di terminal. Tidak ada yang "
			"diubah."), c->operator_name);
		return CLI_EXIT_LOCKED;
	}
	cli_error(_("Profil %s dari versi sigacor sebelumnya belum terenkripsi dan belum punya kata "
		"sandi laptop: pilih satu (minimal %d huruf) di terminal atau sebagai satu baris stdin, "
		"atau jalankan sekali `sigacor unlock` di terminal; perintah ini lalu mengenkripsinya. "
		"Tidak ada yang diubah."), c->operator_name, PROFILE_PASSWORD_MIN);
	return CLI_EXIT_REJECTED;
}

/* The data key of a clear profile with the screens' password of its
 * release: that password, checked (profile_password_key then keeps the
 * data key wrapped in profile.key, and the old hash goes). */
static int old_password_key(const struct cli *c, unsigned char key[PROFILE_KEY_BYTES])
{
	char password[PASSWORD_MAX + 2], prompt[160];
	if (isatty(STDIN_FILENO))
		fprintf(stderr, _("Profil %s dari versi sigacor sebelumnya belum terenkripsi: kata sandi "
			"laptopnya (yang dipakai di layar) mengenkripsinya sekarang.\n"), c->operator_name);
	snprintf(prompt, sizeof prompt, _("Kata sandi laptop %s: "), c->operator_name);
	int status = NO_PASSWORD;
	if (cli_read_secret(prompt, password, sizeof password) && password[0] != '\0')
		status = profile_password_key(c->data_root, c->operator_name, password, key)
			? CLI_EXIT_OK : CLI_EXIT_LOCKED;
	sodium_memzero(password, sizeof password);
	if (status == CLI_EXIT_LOCKED)
		cli_error(_("Kata sandi salah untuk profil %s; tidak ada yang diubah."), c->operator_name);
	return status;
}

/* The data key of a clear profile without a password: one chosen as for
 * a new profile, wrapped in profile.key. */
static int new_password_key(const struct cli *c, unsigned char key[PROFILE_KEY_BYTES])
{
	char password[PASSWORD_MAX + 2];
	int status = choose_password(c, true, password, sizeof password);
	if (status == CLI_EXIT_OK && !profile_create_keyed(c->data_root, c->operator_name, password, key)) {
		cli_error(_("Kata sandi laptop tidak bisa disimpan: %s"), strerror(errno));
		status = CLI_EXIT_FAILURE;
	}
	sodium_memzero(password, sizeof password);
	return status;
}

/* The upgrade itself, the one the screens' login runs: the keyed open
 * encrypts the clear database in place (src/store/encrypt.c: a new file
 * renamed over the old one, so a kill leaves the old or the new, and a
 * profile.key beside a clear database is finished by its next keyed open)
 * and seals the photo files left clear; loading the session token seals
 * it too when the profile has a deposit token (src/store/sync_store.c). */
static int encrypt_now(const struct cli *c, const unsigned char key[PROFILE_KEY_BYTES])
{
	struct store *s;
	char err[1024], token[1024];
	if (store_open_keyed(c->profile_dir, key, &s, err, sizeof err) != STORE_OK) {
		cli_error("%s", err);
		return CLI_EXIT_FAILURE;
	}
	if (store_token_load(s, token, sizeof token))
		sodium_memzero(token, sizeof token);
	store_close(s);
	fprintf(stderr, _("sigacor: profil %s kini terenkripsi dengan kata sandi laptopnya.\n"),
		c->operator_name);
	return CLI_EXIT_OK;
}

/* A clear profile met by a command: its password (typed, or one line of
 * stdin when stdin_free), then the upgrade, and the key held for the
 * command.  Without a password: refused, or left clear for this command
 * when may_stay_clear (sync from cron). */
static int upgrade_clear(const struct cli *c, bool stdin_free, bool may_stay_clear)
{
	bool has_password = profile_has_password(c->data_root, c->operator_name);
	unsigned char key[PROFILE_KEY_BYTES];
	int status = NO_PASSWORD;
	if (stdin_free || isatty(STDIN_FILENO))
		status = has_password ? old_password_key(c, key) : new_password_key(c, key);
	if (status == NO_PASSWORD) {
		if (!may_stay_clear)
			return refuse_clear(c, has_password);
		left_clear = true;
		return CLI_EXIT_OK;
	}
	if (status == CLI_EXIT_OK)
		status = encrypt_now(c, key);
	if (status == CLI_EXIT_OK)
		status = hold_key(key);
	sodium_memzero(key, sizeof key);
	return status;
}

static bool upgrade_due(const struct cli *c)
{
	return held_key == NULL && !left_clear && !cli_clear_profiles_stay_clear && cli_profile_clear(c);
}

int cli_unlock_or_leave_clear(const struct cli *c, bool *clear)
{
	int status = upgrade_due(c) ? upgrade_clear(c, true, true) : cli_unlock_profile(c, true);
	*clear = left_clear;
	return status;
}

int cli_unlock_profile(const struct cli *c, bool stdin_free)
{
	unsigned char key[PROFILE_KEY_BYTES];
	if (upgrade_due(c))
		return upgrade_clear(c, stdin_free, false);
	if (!cli_profile_keyed(c) || held_key != NULL || left_clear)
		return CLI_EXIT_OK;
	int status = CLI_EXIT_OK;
	if (!profile_key_recall(c->data_root, c->operator_name, key)) {
		if (!stdin_free && !isatty(STDIN_FILENO))
			return refuse_locked(c);
		status = key_from_password(c, key);
	}
	if (status == CLI_EXIT_OK)
		status = hold_key(key);
	sodium_memzero(key, sizeof key);
	return status;
}

int cli_open_store(const struct cli *c, struct store **out)
{
	char err[1024];
	*out = NULL;
	int status = cli_unlock_profile(c, false);
	if (status != CLI_EXIT_OK)
		return status;
	if (held_key == NULL && !cli_profile_exists(c)) {
		/* issue 12: a profile is made keyed (cli_new_profile), never clear */
		cli_error(_("Profil %s belum ada: buat dulu dengan sigacor login (atau "
			"import-residents, add), dengan kata sandi laptopnya."), c->operator_name);
		return CLI_EXIT_REJECTED;
	}
	enum store_status st = held_key != NULL
		? store_open_keyed(c->profile_dir, held_key, out, err, sizeof err)
		: store_open(c->profile_dir, out, err, sizeof err);
	if (st == STORE_OK)
		return CLI_EXIT_OK;
	cli_error("%s", err);
	return cli_exit_for(st) == CLI_EXIT_LOCKED ? CLI_EXIT_LOCKED : CLI_EXIT_FAILURE;
}

enum { OPT_MINUTES };
static const struct cli_option unlock_options[] = {
	{ "minutes", true, OPT_MINUTES },
	{ NULL, false, 0 },
};

static bool parse_minutes(const char *text, long *out)
{
	char *end;
	long v = strtol(text, &end, 10);
	if (end == text || *end != '\0' || v < 1 || v > UNLOCK_MINUTES_MAX)
		return false;
	*out = v;
	return true;
}

int cli_cmd_unlock(struct cli *c, int argc, char **argv)
{
	struct cli_parser p;
	cli_parser_init(&p, argc, argv);
	const char *value;
	long minutes = UNLOCK_MINUTES_DEFAULT;
	int id;
	while ((id = cli_next(&p, unlock_options, &value)) != CLI_END) {
		if (id == CLI_BAD)
			return CLI_EXIT_FAILURE;
		if (id == CLI_ARG)
			return cli_usage("unlock", _("Argumen tidak dikenal: %s"), value);
		if (id == OPT_MINUTES && !parse_minutes(value, &minutes))
			return cli_usage("unlock", _("--minutes harus 1 sampai %d, bukan \"%s\"."),
				UNLOCK_MINUTES_MAX, value);
	}
	unsigned char key[PROFILE_KEY_BYTES];
	int status;
	if (upgrade_due(c)) {
		/* a clear profile of an earlier release: encrypted first, with
		 * its password (or one chosen now) */
		status = upgrade_clear(c, true, false);
		if (status != CLI_EXIT_OK)
			return status;
		memcpy(key, held_key, sizeof key);
	} else if (!profile_has_password(c->data_root, c->operator_name)) {
		cli_error(_("Profil %s belum ada: buat dulu dengan sigacor login (atau "
			"import-residents, add), dengan kata sandi laptopnya."), c->operator_name);
		return CLI_EXIT_REJECTED;
	} else {
		status = key_from_password(c, key);
		if (status != CLI_EXIT_OK)
			return status;
	}
	bool kept = profile_key_remember(c->data_root, c->operator_name, key, (unsigned)minutes * 60);
	sodium_memzero(key, sizeof key);
	if (!kept) {
		cli_error("%s", _("Keyring kernel menolak menyimpan kunci; profil tetap terkunci."));
		return CLI_EXIT_FAILURE;
	}
	time_t until = time(NULL) + minutes * 60;
	struct tm tm;
	char when[8] = "";
	if (localtime_r(&until, &tm) != NULL)
		strftime(when, sizeof when, "%H:%M", &tm);
	printf(_("Profil %s terbuka sampai %s (%ld menit); `sigacor lock` menguncinya lagi.\n"),
		c->operator_name, when, minutes);
	return CLI_EXIT_OK;
}

int cli_cmd_lock(struct cli *c, int argc, char **argv)
{
	const char *extra[1];
	int n = 0;
	if (!cli_plain_args(argc, argv, extra, 1, &n))
		return CLI_EXIT_FAILURE;
	if (n > 0)
		return cli_usage("lock", _("Argumen tidak dikenal: %s"), extra[0]);
	profile_key_forget(c->data_root, c->operator_name);
	printf(_("Profil %s terkunci.\n"), c->operator_name);
	return CLI_EXIT_OK;
}
