/* The profile's password guards the command line too (issue 12): a
 * headless command that reads or writes personal data needs the password
 * (one line of stdin here) or `sigacor unlock`; `sigacor lock` and the
 * screens' idle lock end the unlock; a wrong password changes nothing; a
 * profile of the previous release (an Argon2id string only) gets its data
 * key with the right password. */
#include "config.h"
#include "e2e.h"
#include "tap.h"
#include "store/fixture.h"

#include <keyutils.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BUDI "3671011503850002"
#define LOCKED 5

static char out[PATH_MAX + 16];

/* the command's exit status with input as its stdin (NULL: none) */
static int run(struct e2e *e, const char *op, const char *const args[], const char *input)
{
	return e2e_cli_input(e, op, args, input, out);
}

static void read_text(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");
	size_t n = f != NULL ? fread(buf, 1, len - 1, f) : 0;
	if (f != NULL)
		fclose(f);
	buf[n] = '\0';
}

static bool out_has(const char *text)
{
	char buf[8192];
	FILE *f = fopen(out, "r");
	size_t n = f != NULL ? fread(buf, 1, sizeof buf - 1, f) : 0;
	if (f != NULL)
		fclose(f);
	buf[n] = '\0';
	return strstr(buf, text) != NULL;
}

static const char *const lookup[] = { "lookup", BUDI, NULL };

static void locked_commands_refused(struct e2e *e)
{
	char csv[PATH_MAX];
	snprintf(csv, sizeof csv, "%s/ui/residents.csv", getenv("TESTDATA"));
	const char *const export[] = { "export", "--format", "json", NULL };
	const char *const add[] = { "add", "--nik", BUDI, "--decision", "layak", NULL };
	const char *const import[] = { "import-residents", csv, NULL };
	ok(run(e, "siti", lookup, NULL) == LOCKED && !out_has("BUDI"), "locked: lookup refused (5), no name out");
	ok(run(e, "siti", export, NULL) == LOCKED && !out_has(BUDI), "locked: export refused");
	ok(run(e, "siti", add, NULL) == LOCKED, "locked: add refused");
	ok(run(e, "siti", import, NULL) == LOCKED, "locked: import-residents refused");
	const char *const reviews[] = { "reviews", BUDI, NULL };
	ok(run(e, "siti", reviews, NULL) == LOCKED, "locked: reviews refused");
	const char *const status[] = { "status", "--json", NULL };
	ok(run(e, "siti", status, NULL) == LOCKED,
		"locked: status refused too (its counts are in the encrypted database)");
	ok(run(e, "siti", export, NULL) == LOCKED, "the refusals added no record");
	ok(run(e, "siti", export, E2E_PASSWORD "\n") == 0 && out_has("[") && !out_has(BUDI),
		"with the password: export answers (no records)");
}

static void wrong_password(struct e2e *e)
{
	char key_path[PATH_MAX + 32], before[512] = "", after[512] = "";
	snprintf(key_path, sizeof key_path, "%s/siti/profile.key", e->data);
	read_text(key_path, before, sizeof before);
	ok(run(e, "siti", lookup, "salah-sandi\n") == LOCKED && !out_has("BUDI"),
		"a wrong password is refused (5)");
	read_text(key_path, after, sizeof after);
	ok(before[0] != '\0' && strcmp(before, after) == 0, "the key file is untouched");
	ok(run(e, "siti", lookup, E2E_PASSWORD "\n") == 0 && out_has("BUDI SANTOSO"),
		"the right password: lookup answers");
}

static void unlock_and_lock(struct e2e *e)
{
	const char *const unlock[] = { "unlock", "--minutes", "5", NULL };
	const char *const lock[] = { "lock", NULL };
	ok(run(e, "siti", unlock, "salah-sandi\n") == LOCKED, "unlock: a wrong password is refused");
	ok(run(e, "siti", lookup, NULL) == LOCKED, "still locked");
	ok(run(e, "siti", unlock, E2E_PASSWORD "\n") == 0 && out_has("terbuka sampai"), "sigacor unlock");
	ok(run(e, "siti", lookup, NULL) == 0 && out_has("BUDI SANTOSO"), "unlocked: lookup without the password");
	ok(run(e, "siti", lock, NULL) == 0, "sigacor lock");
	ok(run(e, "siti", lookup, NULL) == LOCKED, "locked again");

	/* an entry planted by another process of this OS user is not the key */
	char dir[PATH_MAX + 16], real[PATH_MAX], desc[PATH_MAX + 16];
	unsigned char fake[32];
	randombytes_buf(fake, sizeof fake);
	snprintf(dir, sizeof dir, "%s/siti", e->data);
	ok(realpath(dir, real) != NULL, "profile path");
	snprintf(desc, sizeof desc, "sigacor:%s", real);
	key_serial_t k = add_key("user", desc, fake, sizeof fake, KEY_SPEC_USER_KEYRING);
	ok(k >= 0, "a planted keyring entry");
	ok(run(e, "siti", lookup, NULL) == LOCKED, "a planted key does not unlock");
	if (k >= 0)
		keyctl_invalidate(k);
}

static void idle_lock_ends_unlock(struct e2e *e)
{
	const char *const unlock[] = { "unlock", NULL };
	ok(run(e, "siti", unlock, E2E_PASSWORD "\n") == 0, "unlocked");
	e2e_setenv(e, "SIGACOR_IDLE_SECONDS", "1");
	struct vt *t = e2e_start_login(e, "siti");
	e2e_wait(t, "Layar terkunci", "the screens lock when idle");
	ok(run(e, "siti", lookup, NULL) == LOCKED, "the idle lock ended the unlock");
	e2e_quit(t, "<F10>", "quit from the lock screen");
	vt_free(t);
	e2e_setenv(e, "SIGACOR_IDLE_SECONDS", NULL);
}

/* a profile of the release before issue 12: operator.pwhash only */
static void legacy_profile(struct e2e *e)
{
	char hash[crypto_pwhash_STRBYTES], path[PATH_MAX + 32], line[crypto_pwhash_STRBYTES + 2];
	ok(e2e_clear_profile(e, "lama"), "a second profile, clear");
	ok(crypto_pwhash_str(hash, E2E_PASSWORD, strlen(E2E_PASSWORD),
		crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0, "hash");
	snprintf(line, sizeof line, "%s\n", hash);
	snprintf(path, sizeof path, "%s/lama/operator.pwhash", e->data);
	ok(fixture_write_text(path, line), "its password as the previous release kept it");
	ok(run(e, "lama", lookup, NULL) == LOCKED, "guarded: lookup refused");
	ok(run(e, "lama", lookup, "salah-sandi\n") == LOCKED && access(path, F_OK) == 0,
		"a wrong password changes nothing");
	ok(run(e, "lama", lookup, E2E_PASSWORD "\n") == 0 && out_has("BUDI SANTOSO"), "the right one opens it");
	snprintf(path, sizeof path, "%s/lama/profile.key", e->data);
	struct stat st;
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "it now has a wrapped data key (0600)");
	snprintf(path, sizeof path, "%s/lama/operator.pwhash", e->data);
	ok(access(path, F_OK) != 0, "and the old hash is gone");
	ok(run(e, "lama", lookup, E2E_PASSWORD "\n") == 0, "the password still opens it");
}

/* the first line sqlite3 prints for sql on op's database (clear: made as
 * an earlier release made it, before the screens give it a password) */
static void query(struct e2e *e, const char *op, const char *sql, char *buf, size_t len)
{
	char cmd[PATH_MAX * 2 + 512];
	snprintf(cmd, sizeof cmd, "sqlite3 '%s/%s/sigacor.db' \"%s\" 2>&1", e->data, op, sql);
	FILE *p = popen(cmd, "r");
	buf[0] = '\0';
	if (p != NULL) {
		if (fgets(buf, (int)len, p) == NULL)
			buf[0] = '\0';
		pclose(p);
	}
	buf[strcspn(buf, "\n")] = '\0';
}

/* issue 12 item 4: the screens' start purges what the server accepted
 * long ago (accepted_at set in the fixture: no waiting for days).  A
 * clear profile of an earlier release gets the fixture; the screens then
 * give it a password (the database encrypted in place) and purge; the
 * result is read back with export and the password. */
static void purge_at_start(struct e2e *e)
{
	char ktp[PATH_MAX + 32], kk[PATH_MAX + 32], rumah[PATH_MAX + 32], got[256];
	snprintf(ktp, sizeof ktp, "ktp=%s/p-ktp.jpg", e->photos);
	snprintf(kk, sizeof kk, "kk=%s/p-kk.jpg", e->photos);
	snprintf(rumah, sizeof rumah, "rumah=%s/p-rumah.jpg", e->photos);
	const char *const add[] = { "add", "--nik", BUDI, "--decision", "layak", "--photo", ktp,
		"--photo", kk, "--photo", rumah, "--lat", "-6.1728844", "--lon", "106.6318515",
		"--coord-reason", "titik dari peta", "--notes", "catatan rahasia", "--final", NULL };
	ok(e2e_clear_profile(e, "purna") && e2e_photo(e, "p-ktp.jpg", -6.1728, 106.6318, NULL, 0)
		&& e2e_photo(e, "p-kk.jpg", -6.1729, 106.6319, NULL, 0)
		&& e2e_photo(e, "p-rumah.jpg", -6.1730, 106.6320, NULL, 0)
		&& e2e_cli_before(e, "purna", add, out) == 0,
		"a clear profile's final record with three photos (as an earlier release made it)");
	query(e, "purna", "UPDATE records SET state = 'accepted', accepted_at = 1000 WHERE notes = 'catatan rahasia';"
		" DELETE FROM outbox; SELECT count(*) FROM record_photos", got, sizeof got);
	ok(strcmp(got, "3") == 0, "fixture: the server accepted it long ago (%s photo rows)", got);
	struct vt *t = e2e_start_login(e, "purna");
	e2e_quit(t, "<F10>", "the screens open (a password chosen) and close");
	vt_free(t);
	char db[PATH_MAX + 32];
	snprintf(db, sizeof db, "%s/purna/sigacor.db", e->data);
	FILE *f = fopen(db, "rb");
	char head[16] = "";
	ok(f != NULL && fread(head, 1, sizeof head, f) == sizeof head && memcmp(head, "SQLite format 3", 15) != 0,
		"the screens' password encrypted the database in place");
	if (f != NULL)
		fclose(f);
	const char *const export[] = { "export", "--format", "json", NULL };
	ok(run(e, "purna", export, E2E_PASSWORD "\n") == 0 && out_has("\"state\":\"accepted\"")
		&& !out_has("catatan rahasia") && out_has("\"photos\":[]"),
		"the screens' start purged it: no notes, no photos (export with the password)");
	char cmd[PATH_MAX + 64];
	snprintf(cmd, sizeof cmd, "find '%s/purna/photos' -type f | grep -q .", e->data);
	ok(system(cmd) != 0, "and no photo file is left");
}

int main(void)
{
	struct e2e e;
	if (sodium_init() < 0)
		return 1;
	ok(e2e_init(&e, "ui-privacy"), "test folder");
	snprintf(out, sizeof out, "%s/out.txt", e.dir);
	ok(e2e_profile(&e, "siti"), "profile");
	struct vt *t = e2e_start_login(&e, "siti");
	e2e_quit(t, "<F10>", "the password chosen in the screens");
	vt_free(t);
	locked_commands_refused(&e);
	wrong_password(&e);
	unlock_and_lock(&e);
	idle_lock_ends_unlock(&e);
	legacy_profile(&e);
	purge_at_start(&e);
	e2e_cleanup(&e);
	return tap_done();
}
