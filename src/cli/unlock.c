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

static bool hold_key(const unsigned char key[PROFILE_KEY_BYTES])
{
	if (held_key == NULL) {
		held_key = sodium_malloc(PROFILE_KEY_BYTES);
		if (held_key == NULL)
			return false;
		atexit(drop_held_key);
	}
	memcpy(held_key, key, PROFILE_KEY_BYTES);
	return true;
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

/* A new profile's laptop password: on a terminal, the warning the screens
 * give and the password typed twice; elsewhere one line of stdin (the line
 * after the server's password for login).  false, with the reason said,
 * when there is none or it will not do. */
static bool choose_password(const struct cli *c, bool stdin_free, char *pw, size_t len)
{
	bool tty = isatty(STDIN_FILENO);
	if (!tty && !stdin_free) {
		cli_error(_("Profil %s belum ada dan perlu kata sandi laptop: ketik di terminal, atau "
			"buat dulu dengan sigacor login."), c->operator_name);
		return false;
	}
	char prompt[160], again[PASSWORD_MAX + 2];
	if (tty) {
		fprintf(stderr, _("Profil baru %s: pilih kata sandi laptop (minimal %d huruf). Ia "
			"mengunci data pribadi di laptop ini.\n"), c->operator_name, PROFILE_PASSWORD_MIN);
		fprintf(stderr, "%s\n%s\n", _("Lupa kata sandi = hilang yang belum terkirim (draf, antrean)."),
			_("Yang sudah terkirim aman di server. Kirim sering: sigacor sync."));
	}
	snprintf(prompt, sizeof prompt, _("Kata sandi laptop baru %s: "), c->operator_name);
	bool ok = cli_read_secret(prompt, pw, len) && pw[0] != '\0';
	if (!ok) {
		cli_error(_("Profil %s tidak dibuat: kata sandi laptop tidak ada (di terminal, atau "
			"baris sesudah kata sandi server di stdin)."), c->operator_name);
		return false;
	}
	if (strlen(pw) < PROFILE_PASSWORD_MIN) {
		cli_error(_("Profil %s tidak dibuat: kata sandi laptop terlalu pendek (minimal %d huruf)."),
			c->operator_name, PROFILE_PASSWORD_MIN);
		return false;
	}
	if (tty) {
		snprintf(prompt, sizeof prompt, "%s", _("Ulangi kata sandi laptop: "));
		ok = cli_read_secret(prompt, again, sizeof again) && strcmp(pw, again) == 0;
		sodium_memzero(again, sizeof again);
		if (!ok) {
			cli_error(_("Profil %s tidak dibuat: kedua kata sandi laptop tidak sama."),
				c->operator_name);
			return false;
		}
	}
	return true;
}

int cli_new_profile(const struct cli *c, bool stdin_free)
{
	if (cli_profile_exists(c) || cli_profile_keyed(c))
		return CLI_EXIT_OK;
	char password[PASSWORD_MAX + 2];
	unsigned char key[PROFILE_KEY_BYTES];
	int status = CLI_EXIT_REJECTED;
	if (choose_password(c, stdin_free, password, sizeof password)) {
		status = CLI_EXIT_OK;
		if (!profile_create_keyed(c->data_root, c->operator_name, password, key)) {
			cli_error(_("Profil baru tidak bisa dibuat: %s"), strerror(errno));
			status = CLI_EXIT_FAILURE;
		} else if (!hold_key(key)) {
			cli_error("%s", _("Memori tidak cukup."));
			status = CLI_EXIT_FAILURE;
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

int cli_unlock_profile(const struct cli *c, bool stdin_free)
{
	unsigned char key[PROFILE_KEY_BYTES];
	if (!cli_profile_keyed(c) || held_key != NULL)
		return CLI_EXIT_OK;
	int status = CLI_EXIT_OK;
	if (!profile_key_recall(c->data_root, c->operator_name, key)) {
		if (!stdin_free && !isatty(STDIN_FILENO))
			return refuse_locked(c);
		status = key_from_password(c, key);
	}
	if (status == CLI_EXIT_OK && !hold_key(key)) {
		cli_error("%s", _("Memori tidak cukup."));
		status = CLI_EXIT_FAILURE;
	}
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
	if (!profile_has_password(c->data_root, c->operator_name)) {
		cli_error(_("Profil %s belum punya kata sandi: pilih dulu di layar (sigacor tanpa "
			"perintah)."), c->operator_name);
		return CLI_EXIT_REJECTED;
	}
	unsigned char key[PROFILE_KEY_BYTES];
	int status = key_from_password(c, key);
	if (status != CLI_EXIT_OK)
		return status;
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
