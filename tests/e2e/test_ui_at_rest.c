/* test_ui_at_rest: nothing of a keyed profile is readable on disk (issue 12
 * "done means").  A profile made headless (import-residents with the
 * password on stdin: keyed from its first byte), opened in the real
 * screens with that password, then a registry import, a draft and a final record with three photos
 * through the commands with the password: every byte of every file under
 * the data folder is read raw and none holds a NIK, KK number, name or
 * address of the test registry, "SQLite format 3", or a JPEG/EXIF marker.
 * The same scan over a clear profile (made as a release before issue 12
 * made them) finds them, so the scan can fail; that profile's first
 * command on a terminal (lookup) has its laptop password chosen twice and
 * encrypts it in place, after which the scan finds nothing there either. */
#include "config.h"
#include "csv.h"
#include "e2e.h"
#include "tap.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_NEEDLES 64
#define BUDI "3671011503850002"

static char needles[MAX_NEEDLES][128];
static size_t needle_count;

static void need(const char *text)
{
	if (needle_count < MAX_NEEDLES && strlen(text) >= 5)
		snprintf(needles[needle_count++], sizeof needles[0], "%s", text);
}

/* The test registry's NIK, KK, name and address of every row. */
static bool load_needles(void)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/ui/residents.csv", getenv("TESTDATA"));
	FILE *f = fopen(path, "rb");
	struct csv_reader *r = f != NULL ? csv_open(f) : NULL;
	const char **fields;
	size_t n;
	long line;
	while (r != NULL && csv_next(r, &fields, &n, &line) == CSV_ROW)
		if (line > 1 && n >= 7) {
			need(fields[0]);
			need(fields[1]);
			need(fields[2]);
			need(fields[6]);
		}
	if (r != NULL)
		csv_free(r);
	if (f != NULL)
		fclose(f);
	/* what marks a clear database or a clear photo */
	need("SQLite format 3");
	need("JFIF");
	need("Exif\\0");
	return needle_count > 8;
}

struct scan {
	int files;
	int hits;
	char first[512];
};
static struct scan found;

static bool has(const unsigned char *data, size_t len, const char *needle)
{
	if (strcmp(needle, "Exif\\0") == 0)
		return memmem(data, len, "Exif\0\0", 6) != NULL;
	return memmem(data, len, needle, strlen(needle)) != NULL;
}

static int scan_file(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	(void)ftw;
	if (type != FTW_F || !S_ISREG(sb->st_mode))
		return 0;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return 0;
	size_t len = (size_t)sb->st_size;
	unsigned char *data = malloc(len + 1);
	bool read = data != NULL && fread(data, 1, len, f) == len;
	fclose(f);
	found.files++;
	for (size_t i = 0; read && i < needle_count; i++)
		if (has(data, len, needles[i])) {
			if (found.hits++ == 0)
				snprintf(found.first, sizeof found.first, "%s in %s", needles[i], path);
		}
	/* a JPEG's start of image at the head of a file */
	if (read && len >= 3 && data[0] == 0xFF && data[1] == 0xD8 && data[2] == 0xFF && found.hits++ == 0)
		snprintf(found.first, sizeof found.first, "a JPEG at the head of %s", path);
	free(data);
	return 0;
}

static struct scan scan(const char *folder)
{
	memset(&found, 0, sizeof found);
	nftw(folder, scan_file, 16, FTW_PHYS);
	return found;
}

/* A draft and a final record with three photos (with GPS), through the
 * command line; input: the password line, or NULL for a clear profile
 * (filled as an earlier release did: tests/tools/sigacor-before). */
static bool records(struct e2e *e, const char *op, const char *input)
{
	char ktp[PATH_MAX + 32], kk[PATH_MAX + 32], rumah[PATH_MAX + 32];
	snprintf(ktp, sizeof ktp, "ktp=%s/r-ktp.jpg", e->photos);
	snprintf(kk, sizeof kk, "kk=%s/r-kk.jpg", e->photos);
	snprintf(rumah, sizeof rumah, "rumah=%s/r-rumah.jpg", e->photos);
	const char *const final[] = { "add", "--nik", BUDI, "--decision", "layak", "--photo", ktp,
		"--photo", kk, "--photo", rumah, "--notes", "rumah semi permanen", "--final", NULL };
	const char *const draft[] = { "add", "--nik", "3671015708900003", "--decision", "tidak-layak",
		"--reason", "pindah", NULL };
	char out[PATH_MAX + 32];
	snprintf(out, sizeof out, "%s/out-%s.txt", e->dir, op);
	if (input == NULL)
		return e2e_cli_before(e, op, final, out) == 0 && e2e_cli_before(e, op, draft, out) == 0;
	return e2e_cli_input(e, op, final, input, out) == 0 && e2e_cli_input(e, op, draft, input, out) == 0;
}

static bool clear_header(const char *folder)
{
	char db[PATH_MAX + 16], head[16] = "";
	snprintf(db, sizeof db, "%s/sigacor.db", folder);
	FILE *f = fopen(db, "rb");
	bool read = f != NULL && fread(head, 1, sizeof head, f) == sizeof head;
	if (f != NULL)
		fclose(f);
	return read && memcmp(head, "SQLite format 3", 15) == 0;
}

/* A clear profile's first headless command on a terminal (issue 12): the
 * laptop password chosen twice, as for a new profile; typed differently,
 * nothing changes; the same twice, the profile is encrypted in place and
 * the command answers. */
static void encrypted_by_first_command(struct e2e *e, const char *folder)
{
	const char *const lookup[] = { "--operator", "terbuka", "lookup", BUDI, NULL };
	struct vt *t = e2e_start(e, 24, 80, lookup);
	e2e_wait(t, "Kata sandi laptop baru terbuka:", "lookup on a terminal asks a new laptop password");
	e2e_ok(t, vt_has_text(t, "belum terenkripsi") && vt_has_text(t, "Lupa kata sandi"),
		"after saying the profile is not encrypted and what a forgotten password costs");
	vt_send(t, "sandi-baru-1<Enter>");
	e2e_wait(t, "Ulangi kata sandi laptop:", "then asks it again");
	vt_send(t, "sandi-lain-2<Enter>");
	int code = vt_wait_exit(t, E2E_TIMEOUT);
	e2e_ok(t, code == 1 && vt_has_text(t, "kedua kata sandi laptop") && !vt_has_text(t, "BUDI SANTOSO")
		&& clear_header(folder), "typed differently: refused (1), nothing shown, still clear");
	vt_free(t);
	t = e2e_start(e, 24, 80, lookup);
	e2e_wait(t, "Kata sandi laptop baru terbuka:", "asked again");
	vt_send(t, "sandi-baru-1<Enter>");
	e2e_wait(t, "Ulangi kata sandi laptop:", "and again");
	vt_send(t, "sandi-baru-1<Enter>");
	code = vt_wait_exit(t, E2E_TIMEOUT);
	e2e_ok(t, code == 0 && vt_has_text(t, "kini terenkripsi") && vt_has_text(t, "BUDI SANTOSO")
		&& !clear_header(folder), "the same twice: encrypted in place, and lookup answers (0)");
	vt_free(t);
	struct scan after = scan(folder);
	ok(after.files >= 5 && after.hits == 0,
		"then every file of that profile (%d) read raw: no NIK, KK, name, address, SQLite or JPEG/EXIF marker%s%s",
		after.files, after.hits ? "; found " : "", after.first);
}

int main(void)
{
	struct e2e e;
	ok(e2e_init(&e, "ui-at-rest"), "test folder");
	bool loaded = load_needles();
	ok(loaded, "the test registry's NIKs, KK numbers, names and addresses (%zu needles)", needle_count);
	ok(e2e_photo(&e, "r-ktp.jpg", -6.1728, 106.6318, NULL, 0)
		&& e2e_photo(&e, "r-kk.jpg", -6.1729, 106.6319, NULL, 0)
		&& e2e_photo(&e, "r-rumah.jpg", -6.1730, 106.6320, NULL, 0), "three photos with GPS");

	/* the anchor: a profile without a password shows all of it */
	ok(e2e_clear_profile(&e, "terbuka") && records(&e, "terbuka", NULL), "a profile without a password: records");
	char folder[PATH_MAX + 16];
	snprintf(folder, sizeof folder, "%s/terbuka", e.data);
	struct scan clear = scan(folder);
	ok(clear.hits > 0, "the scan finds the data in a clear profile (%d hits; first: %s)", clear.hits,
		clear.first);
	encrypted_by_first_command(&e, folder);

	ok(e2e_profile(&e, "siti"), "siti's registry copy imported (keyed from its first byte)");
	/* the screens: another password is refused, the one given to the
	 * import opens it */
	const char *const as_siti[] = { "--operator", "siti", NULL };
	struct vt *t = e2e_start(&e, 24, 80, as_siti);
	e2e_wait(t, "Petugas: siti", "the screens ask siti's password (she has one)");
	e2e_ok(t, !vt_has_text(t, "Ulangi kata sandi"), "not a new password to choose");
	vt_send(t, "salah-sandi<Enter>");
	e2e_wait(t, "Kata sandi salah", "another password is refused");
	vt_send(t, E2E_PASSWORD "<Enter>");
	e2e_wait(t, "Cari NIK/nama", "the password given to the import opens it");
	e2e_quit(t, "<F10>", "quit");
	vt_free(t);
	char csv[PATH_MAX];
	snprintf(csv, sizeof csv, "%s/ui/residents.csv", getenv("TESTDATA"));
	const char *const import[] = { "import-residents", csv, NULL };
	ok(e2e_cli(&e, "siti", import) == 0, "the registry imported again, into the encrypted database");
	ok(records(&e, "siti", E2E_PASSWORD "\n"), "a final record with three photos and a draft, with the password");
	snprintf(folder, sizeof folder, "%s/siti", e.data);
	struct scan keyed = scan(folder);
	ok(keyed.files >= 5 && keyed.hits == 0,
		"every file of the keyed profile (%d) read raw: no NIK, KK, name, address, SQLite or JPEG/EXIF marker%s%s",
		keyed.files, keyed.hits ? "; found " : "", keyed.first);
	const char *const lookup[] = { "lookup", BUDI, NULL };
	char out[PATH_MAX + 32];
	snprintf(out, sizeof out, "%s/lookup.txt", e.dir);
	ok(e2e_cli_input(&e, "siti", lookup, E2E_PASSWORD "\n", out) == 0, "and the password still reads it");
	e2e_cleanup(&e);
	return tap_done();
}
