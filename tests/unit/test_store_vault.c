/* test_store_vault: a profile's store through the vault (store_open_keyed):
 *   - a clear profile of the previous release (store_open) is encrypted in
 *     place on the first keyed open: its residents all there, no name and
 *     no "SQLite format 3" left in any file of the profile;
 *   - the upgrade killed with SIGKILL at its crash points (every one, or
 *     the first and last of each name and a spread: tests/store/crashpoints.h):
 *     each time the profile is either the old clear one or the new
 *     encrypted one, whole, and the next keyed open finishes the job;
 *   - a wrong key: refused with a sentence, no byte changed;
 *   - a registry import into an encrypted profile, read back by NIK;
 *   - an import whose sort of the rows by NIK spills to temp files: looked
 *     at while it runs, they hold no name in a keyed profile (and do in a
 *     clear one, which shows that the look finds them);
 *   - that import killed with SIGKILL at its crash points:
 *     each time the registry is the old one or the new one, whole, with a
 *     name index that agrees. */
#include "config.h"
#include "store.h"
#include "registry.h"
#include "vault.h"
#include "tap.h"
#include "store/fixture.h"
#include "store/crashpoints.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define RESIDENTS 3000
/* more rows than a small import's 2 MB sort holds in memory; every i stays
 * below 160000 (a NIK holds its day: 15 + i / 9999) */
#define SPILL_RESIDENTS 40000
#define SPILL_FROM 10000
#define KILLED_FROM 50000
/* an import over 16 MB (store/import.c BIG_IMPORT_BYTES: indexes built
 * at the end, a rollback journal instead of the WAL): rows made long by
 * their address */
#define BIG_RESIDENTS 70000
#define BIG_PAD 220
#define KILLS 12

static char root[512], clear_dir[600], work[600];
static unsigned char key[32], other_key[32];

/* 9999 serial numbers a birth day, from the 15th of March 1980 */
static void nik_of(int i, char *buf, size_t len)
{
	snprintf(buf, len, "367101%02d0380%04d", 15 + i / 9999, i % 9999 + 1);
}

static void name_of(int i, char *buf, size_t len)
{
	snprintf(buf, len, "Warga Rahasia %05d", i);
}

/* count residents from from, in NIK order or (scattered) in an order
 * SQLite's sorter has to sort: a step coprime with count; each address
 * pad bytes longer */
static bool write_registry_in(const char *path, int from, int count, bool scattered, int pad)
{
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return false;
	fprintf(f, "nik,kk,name,address,kelurahan\n");
	for (int k = 0; k < count; k++) {
		int i = from + (scattered ? (int)((k * 7919L) % count) : k);
		char nik[32], name[64];
		nik_of(i, nik, sizeof nik);
		name_of(i, name, sizeof name);
		fprintf(f, "%s,3671010101%06d,%s,Jl. Tersembunyi %05d%*s,36.71.01.1001\n", nik, i,
			name, i, pad, "");
	}
	return fclose(f) == 0;
}

static bool write_registry(const char *path, int from, int count)
{
	return write_registry_in(path, from, count, false, 0);
}

/* the registry file at path (want rows) imported */
static bool import_file(struct store *s, const char *path, long want,
	void (*progress)(long, long, void *), void *ctx)
{
	FILE *f = fopen(path, "rb");
	long rows = 0;
	enum store_status st = f != NULL ? store_import_residents(s, f, progress, ctx, &rows)
		: STORE_IO;
	if (f != NULL)
		fclose(f);
	if (st != STORE_OK)
		tap_diag("import: %s", store_error(s));
	return st == STORE_OK && rows == want;
}

static bool import(struct store *s, int from)
{
	char path[700];
	snprintf(path, sizeof path, "%s/registry.csv", root);
	return write_registry(path, from, RESIDENTS) && import_file(s, path, RESIDENTS, NULL, NULL);
}

static bool holds(const char *path, const char *needle)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return false;
	size_t n = strlen(needle), got;
	static char buf[1 << 16];
	size_t keep = 0;
	bool found = false;
	while (!found && (got = fread(buf + keep, 1, sizeof buf - keep, f)) > 0) {
		size_t len = keep + got;
		found = memmem(buf, len, needle, n) != NULL;
		keep = len >= n ? n - 1 : len;
		memmove(buf, buf + len - keep, keep);
	}
	fclose(f);
	return found;
}

/* Files in dir (not below) that hold the magic or a sample of the names. */
static int leaks_in_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return -1;
	int found = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_type != DT_REG)
			continue;
		char path[1200];
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		bool leak = holds(path, "SQLite format 3");
		for (int i = 0; i < RESIDENTS && !leak; i += 97) {
			char name[64];
			name_of(i, name, sizeof name);
			leak = holds(path, name);
		}
		if (leak) {
			tap_diag("%s holds clear data", path);
			found++;
		}
	}
	closedir(d);
	return found;
}

static int64_t residents_in(const char *dir, const unsigned char *k)
{
	struct store *s;
	char err[512];
	enum store_status st = k != NULL ? store_open_keyed(dir, k, &s, err, sizeof err)
		: store_open(dir, &s, err, sizeof err);
	if (st != STORE_OK) {
		tap_diag("open %s: %s", dir, err);
		return -1;
	}
	int64_t n = store_resident_count(s);
	store_close(s);
	return n;
}

static void file_hash(const char *path, unsigned char out[32])
{
	crypto_generichash_state h;
	crypto_generichash_init(&h, NULL, 0, 32);
	FILE *f = fopen(path, "rb");
	unsigned char buf[65536];
	size_t n;
	while (f != NULL && (n = fread(buf, 1, sizeof buf, f)) > 0)
		crypto_generichash_update(&h, buf, n);
	if (f != NULL)
		fclose(f);
	crypto_generichash_final(&h, out, 32);
}

static void db_of(const char *dir, char *buf, size_t len)
{
	snprintf(buf, len, "%s/sigacor.db", dir);
}

static bool copy_dir(const char *from, const char *to)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -a '%s' '%s'", to, from, to);
	return system(cmd) == 0;
}

static bool copy_profile(void)
{
	return copy_dir(clear_dir, work);
}

/* the kills of a run: every crash point up to this many, else the first
 * and last of each name plus KILLS spread over the run */
#define KILL_ALL_UP_TO 40
#define MAX_KILLS 256

/* a keyed open of work (the upgrade, when it is clear), in a child */
static void open_work(void *ctx)
{
	struct store *s;
	char err[512];
	(void)ctx;
	_exit(store_open_keyed(work, key, &s, err, sizeof err) == STORE_OK ? 0 : 1);
}

/* The profile after a kill: the old one as it was, or the new one whole;
 * and the next keyed open finishes the job.  clear: which it was. */
static bool upgrade_whole(const char *db, bool *clear)
{
	*clear = vault_file_is_clear(db);
	int64_t n = residents_in(work, *clear ? NULL : key);
	int64_t after = residents_in(work, key);
	if (n == RESIDENTS && after == RESIDENTS && !vault_file_is_clear(db) &&
		leaks_in_dir(work) == 0)
		return true;
	tap_diag("%s, %lld residents, %lld after the next open", *clear ? "clear" : "encrypted",
		(long long)n, (long long)after);
	return false;
}

static void test_upgrade_killed(void)
{
	char db[700];
	db_of(work, db, sizeof db);
	struct crash_points points;
	if (!copy_profile())
		return;
	bool counted = crash_count(open_work, NULL, &points);
	is_int(residents_in(work, key), RESIDENTS, "an unkilled upgrade keeps every resident");
	if (!ok(counted && points.n > 0, "... and passes %d crash points", points.n))
		return;
	int at[MAX_KILLS], stayed_clear = 0, encrypted = 0;
	int kills = crash_plan(&points, KILL_ALL_UP_TO, KILLS, at, MAX_KILLS);
	for (int k = 0; k < kills && copy_profile(); k++) {
		struct crash_outcome out;
		crash_run(open_work, NULL, at[k], &out);
		bool clear = false, whole = out.killed && upgrade_whole(db, &clear);
		clear ? stayed_clear++ : encrypted++;
		ok(whole, "upgrade killed at crash point %d of %d (%s): the old profile or the new "
			"one, whole", at[k], points.n, out.point);
	}
	tap_diag("%d kills left the clear profile, %d the encrypted one", stayed_clear, encrypted);
	crash_points_free(&points);
}

/* ---- temp files during an import ---- */

struct temp_scan {
	int files;          /* the most temp files seen open at once */
	int leaks;          /* names found in them */
};

struct temp_look {
	struct temp_scan *scan;
	long rows;
};

static void names_in(const char *link, void *ctx)
{
	struct temp_look *look = ctx;
	for (long i = SPILL_FROM; i < SPILL_FROM + look->rows; i += 499) {
		char name[64];
		name_of((int)i, name, sizeof name);
		look->scan->leaks += holds(link, name);
	}
}

/* The progress of the import: the temp files SQLite holds open, and a
 * sample of the names read so far looked for in them. */
static void scan_temp_files(long bytes, long rows, void *ctx)
{
	struct temp_look look = { ctx, rows };
	(void)bytes;
	int files = fixture_sqlite_temp_files(names_in, &look);
	if (files > look.scan->files)
		look.scan->files = files;
}

/* How many rows an import test writes, and how long */
struct import_size {
	int rows, pad;
};
static const struct import_size spill_size = { SPILL_RESIDENTS, 0 };
static const struct import_size big_size = { BIG_RESIDENTS, BIG_PAD };

/* size.rows residents from from, written to name in root (scattered: out
 * of NIK order, so that SQLite's sorter sorts them), imported */
static bool import_many(struct store *s, const char *name, int from, bool scattered,
	struct import_size size, void (*progress)(long, long, void *), void *ctx)
{
	char path[700];
	snprintf(path, sizeof path, "%s/%s", root, name);
	return write_registry_in(path, from, size.rows, scattered, size.pad) &&
		import_file(s, path, size.rows, progress, ctx);
}

static bool import_spilling(struct store *s, struct temp_scan *scan)
{
	memset(scan, 0, sizeof *scan);
	return import_many(s, "spill.csv", SPILL_FROM, true, spill_size, scan_temp_files, scan);
}

static void test_import_temp_files(void)
{
	struct store *s;
	char err[512];
	struct temp_scan scan;
	if (ok(store_open(clear_dir, &s, err, sizeof err) == STORE_OK &&
		import_spilling(s, &scan), "a clear profile: an import of %d residents",
		SPILL_RESIDENTS)) {
		ok(scan.files > 0 && scan.leaks > 0, "its sort spilled to %d temp file(s), and the "
			"scan finds %d names in them (the scan works)", scan.files, scan.leaks);
	}
	store_close(s);
	if (ok(store_open_keyed(work, key, &s, err, sizeof err) == STORE_OK &&
		import_spilling(s, &scan), "the encrypted profile: the same import")) {
		ok(scan.files > 0, "its sort spilled to %d temp file(s)", scan.files);
		is_int(scan.leaks, 0, "they hold no name while the import runs");
	}
	store_close(s);
}

/* ---- an import killed ---- */

/* The registry in dir: how many residents (-1 when it does not open), and
 * whether the name index finds the one resident named as the killed import
 * named it (0 or 1; -1 when it does not answer). */
static int64_t registry_after(const char *dir, int *named)
{
	struct store *s;
	char err[512], name[64];
	*named = -1;
	if (store_open_keyed(dir, key, &s, err, sizeof err) != STORE_OK) {
		tap_diag("open %s: %s", dir, err);
		return -1;
	}
	int64_t n = store_resident_count(s);
	struct resident found[4];
	name_of(KILLED_FROM + 4321, name, sizeof name);
	*named = (int)store_residents_find(s, name, found, 4);
	store_close(s);
	return n;
}

/* An import into the profile in dir of the registry file csv, in a child */
struct import_job {
	const char *dir;
	char csv[700];
	long rows;
};

static void import_in_child(void *ctx)
{
	const struct import_job *job = ctx;
	struct store *s;
	char err[512];
	_exit(store_open_keyed(job->dir, key, &s, err, sizeof err) == STORE_OK &&
		import_file(s, job->csv, job->rows, NULL, NULL) ? 0 : 1);
}

/* scattered: through SQLite's sorter; in NIK order: as the file is read */
static void test_import_killed(bool scattered, struct import_size size)
{
	char order[64];
	snprintf(order, sizeof order, "%s%s", size.pad > 0 ? "over 16 MB, " : "",
		scattered ? "out of NIK order" : "in NIK order");
	char killed[700];
	snprintf(killed, sizeof killed, "%s/killed", root);
	struct import_job job = { killed, "", size.rows };
	snprintf(job.csv, sizeof job.csv, "%s/killed.csv", root);
	int named;
	int64_t before = residents_in(work, key);
	struct crash_points points;
	if (!write_registry_in(job.csv, KILLED_FROM, size.rows, scattered, size.pad) ||
		!copy_dir(work, killed))
		return;
	bool counted = crash_count(import_in_child, &job, &points);
	int64_t after = registry_after(killed, &named);
	ok(counted && after == before + size.rows && named == 1, "an unkilled import %s: %lld "
		"residents, the name index finds a new one; %d crash points passed", order,
		(long long)after, points.n);
	is_int(leaks_in_dir(killed), 0, "... no file of the profile holds a name afterwards");
	if (!ok(points.n > 0, "... the import passes crash points"))
		return;
	int at[MAX_KILLS], old = 0, new = 0;
	int kills = crash_plan(&points, KILL_ALL_UP_TO, KILLS, at, MAX_KILLS);
	for (int k = 0; k < kills && copy_dir(work, killed); k++) {
		struct crash_outcome out;
		crash_run(import_in_child, &job, at[k], &out);
		int64_t n = registry_after(killed, &named);
		bool was_old = n == before && named == 0, was_new = n == after && named == 1;
		old += was_old;
		new += was_new;
		ok(out.killed && (was_old || was_new), "import %s killed at crash point %d of %d "
			"(%s): %s registry (%lld residents, the name found %d times)", order, at[k],
			points.n, out.point, was_old ? "the old" : was_new ? "the new" : "NEITHER",
			(long long)n, named);
	}
	tap_diag("%d kills left the old registry, %d the new one", old, new);
	crash_points_free(&points);
}

/* A big import while another connection (the screens) holds the profile
 * open: the import cannot have the database to itself for a rollback
 * journal and runs in WAL mode; the other connection reads the result. */
static void test_import_big_shared(void)
{
	char shared[700], err[512];
	snprintf(shared, sizeof shared, "%s/shared", root);
	int64_t before = residents_in(work, key);
	struct store *screens = NULL, *s = NULL;
	if (!copy_dir(work, shared) || store_open_keyed(shared, key, &screens, err, sizeof err)
		!= STORE_OK || store_open_keyed(shared, key, &s, err, sizeof err) != STORE_OK) {
		ok(false, "two connections to one profile: %s", err);
		store_close(screens);
		return;
	}
	ok(store_resident_count(screens) == before && import_many(s, "shared.csv", KILLED_FROM,
		false, big_size, NULL, NULL), "an import over 16 MB while another connection is open");
	store_close(s);
	is_int(store_resident_count(screens), before + BIG_RESIDENTS,
		"the other connection reads the new registry");
	store_close(screens);
	is_int(residents_in(shared, key), before + BIG_RESIDENTS, "and so does the next open");
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	snprintf(root, sizeof root, "%s/test_store_vault.XXXXXX",
		getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(root) == NULL)
		return 1;
	snprintf(clear_dir, sizeof clear_dir, "%s/clear", root);
	snprintf(work, sizeof work, "%s/work", root);
	randombytes_buf(key, sizeof key);
	randombytes_buf(other_key, sizeof other_key);

	/* a profile as the previous release leaves it */
	struct store *s;
	char err[512], db[700];
	if (!ok(store_open(clear_dir, &s, err, sizeof err) == STORE_OK && import(s, 0),
		"a clear profile with %d residents", RESIDENTS))
		return tap_done();
	store_close(s);
	db_of(clear_dir, db, sizeof db);
	ok(vault_file_is_clear(db) && leaks_in_dir(clear_dir) > 0,
		"its database is clear: the scan finds the names (the scan works)");

	test_upgrade_killed();

	/* the encrypted profile in use */
	db_of(work, db, sizeof db);
	unsigned char before[32], after[32];
	file_hash(db, before);
	is_int(store_open_keyed(work, other_key, &s, err, sizeof err), STORE_IO,
		"a wrong key is refused");
	ok(strstr(err, "kunci") != NULL, "with a sentence: %s", err);
	store_close(s);
	file_hash(db, after);
	ok(memcmp(before, after, sizeof before) == 0, "the wrong key changed no byte");
	is_int(residents_in(work, key), RESIDENTS, "the right key still opens it, all there");
	if (ok(store_open_keyed(work, key, &s, err, sizeof err) == STORE_OK, "keyed open")) {
		ok(import(s, RESIDENTS), "a second registry import into the encrypted profile");
		struct resident r;
		char nik[32], name[64];
		nik_of(RESIDENTS + 17, nik, sizeof nik);
		name_of(RESIDENTS + 17, name, sizeof name);
		ok(store_resident_get(s, nik, &r) == STORE_OK && strcmp(r.name, name) == 0,
			"a resident found by NIK: %s", r.name);
		is_int(store_resident_count(s), 2 * RESIDENTS, "both imports there");
		is_int(leaks_in_dir(work), 0, "while open: no file of the profile holds a name "
			"or the SQLite magic (WAL included)");
		store_close(s);
	}
	is_int(leaks_in_dir(work), 0, "after closing: none either");
	test_import_temp_files();
	test_import_killed(true, spill_size);
	test_import_killed(false, spill_size);
	test_import_killed(false, big_size);
	test_import_big_shared();
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", root);
	return tap_done();
}
