/* test_store_vault_photos: a keyed store's photo files (issue 12), with a
 * real SQLite file through store_open_keyed and real JPEGs:
 *   - the three photos of a record (KTP, KK, the house, this one large so a
 *     smaller copy is kept) go in sealed: no file under the profile holds a
 *     JPEG header (FF D8 FF at its head, a JFIF or Exif name anywhere), no
 *     file name holds a photo's SHA-256;
 *   - the EXIF position still read, the clear bytes given back whole (the
 *     small photo byte for byte), the same photo stored once (dedup);
 *   - a changed byte, a cut file, a file swapped for another photo's:
 *     refused with a sentence;
 *   - purge removes the sealed files;
 *   - a phone photo fetched into the profile's inbox is sealed (clear in a
 *     folder the clerk chose), and attaches from there;
 *   - a clear profile's photo files are sealed at the first keyed open, and
 *     a kill at its crash points (tests/store/crashpoints.h) leaves each
 *     photo clear or sealed, never neither. */
#include "config.h"
#include "store.h"
#include "photo.h"
#include "vault.h"
#include "tap.h"
#include "store/fixture.h"
#include "store/crashpoints.h"

#include <dirent.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* the kills: every crash point (up to this many; else the first and last
 * of each name plus KILL_SPREAD spread over the run) */
#define KILL_ALL_UP_TO 400
#define KILL_SPREAD 24
#define MAX_KILLS 400
#define OLD_PHOTOS 24

static char root[512], files[600], keyed_dir[600], clear_dir[600], work[600];
static unsigned char key[32];

static void path_in(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static struct store *open_keyed(const char *dir)
{
	struct store *s = NULL;
	char err[512];
	if (store_open_keyed(dir, key, &s, err, sizeof err) != STORE_OK)
		tap_diag("store_open_keyed: %s", err);
	return s;
}

static bool load(const char *path, unsigned char **data, size_t *len)
{
	return photo_load_file(path, data, len);
}

/* What would show a clear photo: a JPEG's SOI and marker at the head of the
 * file, or a JPEG header's JFIF / Exif name anywhere. */
static bool shows_jpeg(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return false;
	static unsigned char buf[1 << 22];
	size_t n = fread(buf, 1, sizeof buf, f);
	fclose(f);
	if (n >= 3 && buf[0] == 0xFF && buf[1] == 0xD8 && buf[2] == 0xFF)
		return true;
	for (size_t i = 0; i + 6 <= n; i++)
		if (memcmp(buf + i, "JFIF\0", 5) == 0 || memcmp(buf + i, "Exif\0\0", 6) == 0)
			return true;
	return false;
}

struct scan {
	int files, jpeg, named;      /* files; showing a JPEG; named after a hash */
	bool quiet;                  /* a clear profile: no diagnostics */
	const char *const *hashes;   /* SHA-256s no file name may hold */
	size_t n_hashes;
};

static void scan_dir(const char *dir, struct scan *sc)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char path[1400];
		struct stat sb;
		path_in(path, sizeof path, dir, e->d_name);
		if (lstat(path, &sb) != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			scan_dir(path, sc);
			continue;
		}
		sc->files++;
		if (shows_jpeg(path)) {
			if (!sc->quiet)
				tap_diag("%s shows a JPEG", path);
			sc->jpeg++;
		}
		for (size_t i = 0; i < sc->n_hashes; i++) {
			char head[17];
			snprintf(head, sizeof head, "%.16s", sc->hashes[i]);
			if (strstr(e->d_name, head) != NULL) {
				tap_diag("%s is named after a photo's hash", path);
				sc->named++;
			}
		}
	}
	if (d != NULL)
		closedir(d);
}

/* Files below the profile's photos folder. */
static int photo_files(const char *dir)
{
	char photos[700];
	path_in(photos, sizeof photos, dir, "photos");
	struct scan sc = { 0 };
	scan_dir(photos, &sc);
	return sc.files;
}

static void make_photo(const char *name, bool gps, int side, char *path, size_t len)
{
	struct fixture_photo spec = { gps, -6.190364, 106.626122, "2025:03:14 09:21:05", name,
		side, side * 3 / 4, 0, false };
	path_in(path, len, files, name);
	fixture_jpeg(path, &spec);
}

static void flip_byte(const char *path, long at)
{
	FILE *f = fopen(path, "r+b");
	if (f == NULL)
		return;
	fseek(f, at, SEEK_SET);
	int c = fgetc(f);
	fseek(f, at, SEEK_SET);
	fputc(c ^ 0x5A, f);
	fclose(f);
}

static void copy_file(const char *from, const char *to)
{
	unsigned char *d;
	size_t n;
	if (load(from, &d, &n)) {
		fixture_write(to, d, n);
		free(d);
	}
}

static void fill_record(struct record *r)
{
	memset(r, 0, sizeof *r);
	snprintf(r->nik, sizeof r->nik, "3671011503850002");
	snprintf(r->kk, sizeof r->kk, "3671010101010001");
	snprintf(r->name, sizeof r->name, "Siti Rahasia");
	snprintf(r->address, sizeof r->address, "Jl. Tersembunyi 7");
	snprintf(r->kelurahan, sizeof r->kelurahan, "36.71.01.1001");
	r->decision = DECISION_LAYAK;
}

static void test_keyed_record(void)
{
	struct store *s = open_keyed(keyed_dir);
	if (!ok(s != NULL && store_is_keyed(s), "a keyed store"))
		return;
	char ktp[700], kk[700], rumah[700];
	make_photo("ktp.jpg", false, 0, ktp, sizeof ktp);
	make_photo("kk.jpg", false, 0, kk, sizeof kk);
	make_photo("rumah.jpg", true, 2400, rumah, sizeof rumah);
	struct record *r = calloc(1, sizeof *r);
	fill_record(r);
	const char *paths[PHOTO_KIND_COUNT] = { [PHOTO_KIND_KTP] = ktp, [PHOTO_KIND_KK] = kk,
		[PHOTO_KIND_RUMAH] = rumah };
	bool all = true;
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		if (paths[k] != NULL && store_photo_import(s, paths[k], &r->photos[k]) != STORE_OK) {
			tap_diag("import %s: %s", paths[k], store_error(s));
			all = false;
		}
	ok(all, "the KTP, KK and house photos go into the keyed store");
	const struct record_photo *house = &r->photos[PHOTO_KIND_RUMAH];
	ok(house->has_gps && house->lat < -6.19 && house->lat > -6.191 && house->lon > 106.626 &&
		house->lon < 106.627, "the house photo's EXIF position is read");
	ok(house->size < house->original_size, "the house photo is kept as a smaller copy "
		"(%lld bytes from %lld)", (long long)house->size, (long long)house->original_size);
	r->has_coord = true;
	r->lat = house->lat;
	r->lon = house->lon;
	r->coord_source = COORD_EXIF;
	unsigned problems = 0;
	if (!is_int(store_record_finalise(s, r, &problems), STORE_OK, "the record finalised"))
		tap_diag("%s", store_error(s));

	/* nothing on disk shows a photo or names one */
	const char *hashes[PHOTO_KIND_COUNT];
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		hashes[k] = r->photos[k].sha256;
	struct scan sc = { .hashes = hashes, .n_hashes = PHOTO_KIND_COUNT };
	scan_dir(keyed_dir, &sc);
	ok(sc.files > 0 && sc.jpeg == 0, "no file under the profile shows a JPEG (%d files)",
		sc.files);
	is_int(sc.named, 0, "no file is named after a photo's SHA-256");
	char stored[4200] = "";
	bool named = store_photo_path(s, r->photos[PHOTO_KIND_KTP].sha256, stored, sizeof stored);
	ok(named && strstr(stored, ".sgv") != NULL, "stored as a sealed file: %s",
		strrchr(stored, '/') + 1);

	/* the clear bytes, through the store only */
	unsigned char *got, *want;
	size_t got_len, want_len;
	ok(store_photo_bytes(s, r->photos[PHOTO_KIND_KTP].sha256, &got, &got_len) == STORE_OK &&
		load(ktp, &want, &want_len) && got_len == want_len &&
		memcmp(got, want, got_len) == 0, "the KTP photo read back byte for byte");
	free(got);
	free(want);
	struct photo_facts facts;
	char sha[PHOTO_SHA256_HEX];
	ok(store_photo_bytes(s, house->sha256, &got, &got_len) == STORE_OK &&
		photo_read_buffer(got, got_len, PHOTO_READ_EXIF, &facts) == PHOTO_ERR_NONE &&
		facts.gps.present && facts.gps.lat < -6.19 && facts.gps.lat > -6.191,
		"the stored house copy's EXIF GPS reads from its clear bytes");
	photo_sha256_buffer(got, got_len, sha);
	is_str(sha, house->sha256, "... and its bytes hash to the SHA-256 the protocol sends");
	free(got);

	/* the same photo again: the same sealed file */
	int before = photo_files(keyed_dir);
	struct record_photo again;
	ok(store_photo_import(s, ktp, &again) == STORE_OK &&
		strcmp(again.sha256, r->photos[PHOTO_KIND_KTP].sha256) == 0 &&
		photo_files(keyed_dir) == before, "the same photo imported again is stored once "
		"(%d files)", before);

	/* a changed byte, a cut file, another photo's file */
	char kk_file[4200], saved[4300];
	store_photo_path(s, r->photos[PHOTO_KIND_KK].sha256, kk_file, sizeof kk_file);
	snprintf(saved, sizeof saved, "%s.saved", kk_file);
	copy_file(kk_file, saved);
	flip_byte(kk_file, 200);
	is_int(store_photo_bytes(s, r->photos[PHOTO_KIND_KK].sha256, &got, &got_len),
		STORE_REJECTED, "a changed byte in the sealed KK photo is refused");
	ok(strstr(store_error(s), "berubah atau rusak") != NULL, "... with a sentence: %s",
		store_error(s));
	ok(got == NULL, "... and no bytes are given");
	is_int(store_photo_verify(s, r->photos[PHOTO_KIND_KK].sha256, r->photos[PHOTO_KIND_KK].size),
		STORE_REJECTED, "the sync's check refuses it too");
	copy_file(saved, kk_file);
	truncate(kk_file, 100);
	is_int(store_photo_bytes(s, r->photos[PHOTO_KIND_KK].sha256, &got, &got_len),
		STORE_REJECTED, "a cut sealed file is refused");
	copy_file(stored, kk_file);     /* the KTP's sealed file under the KK's name */
	is_int(store_photo_bytes(s, r->photos[PHOTO_KIND_KK].sha256, &got, &got_len),
		STORE_REJECTED, "another photo's sealed file under its name is refused");
	copy_file(saved, kk_file);
	unlink(saved);
	is_int(store_photo_bytes(s, r->photos[PHOTO_KIND_KK].sha256, &got, &got_len), STORE_OK,
		"the file put back reads again");
	free(got);

	/* purge: the record accepted long ago loses its sealed files */
	is_int(store_record_settle(s, r->uuid, STATE_ACCEPTED, ""), STORE_OK, "accepted");
	struct store_purge_result pr;
	is_int(store_purge(s, (int64_t)time(NULL) + 40 * 86400, &pr), STORE_OK, "purged");
	ok(pr.records == 1 && photo_files(keyed_dir) == 0, "purge removed the record's sealed "
		"files (%lld removed, %d left)", (long long)pr.photos, photo_files(keyed_dir));
	store_close(s);
	free(r);
}

/* The phone's photo inbox: a photo fetched into PROFILE/inbox is sealed,
 * one fetched where the clerk asked (inbox fetch --to) is clear; the
 * sealed one attaches like any file. */
static void test_inbox(void)
{
	struct store *s = open_keyed(keyed_dir);
	if (s == NULL)
		return;
	char phone[700], inbox[700], in_inbox[1400], elsewhere[1400];
	make_photo("IMG_0001.jpg", true, 0, phone, sizeof phone);
	unsigned char *data, *got;
	size_t len = 0, got_len;
	load(phone, &data, &len);
	path_in(inbox, sizeof inbox, keyed_dir, "inbox");
	mkdir(inbox, 0700);
	path_in(in_inbox, sizeof in_inbox, inbox, "0a1b2c3d-IMG_0001.jpg");
	path_in(elsewhere, sizeof elsewhere, files, "fetched-IMG_0001.jpg");
	ok(store_file_write(s, in_inbox, data, len) && store_file_write(s, elsewhere, data, len),
		"inbox: a phone photo fetched into the profile's inbox and into a folder asked for");
	ok(!shows_jpeg(in_inbox) && store_file_sealed(s, in_inbox), "inbox: sealed in the profile");
	ok(shows_jpeg(elsewhere) && !store_file_sealed(s, elsewhere),
		"inbox: clear where the clerk asked for it");
	ok(store_file_has(s, in_inbox, (int64_t)len) && store_file_has(s, elsewhere, (int64_t)len),
		"inbox: both known as fetched (not fetched again)");
	ok(store_file_bytes(s, in_inbox, &got, &got_len) == STORE_OK && got_len == len &&
		memcmp(got, data, len) == 0, "inbox: its clear bytes read back whole");
	free(got);
	struct record_photo slot;
	char sha[PHOTO_SHA256_HEX], file_sha[PHOTO_SHA256_HEX] = "";
	photo_sha256_buffer(data, len, sha);
	ok(store_file_sha256(s, in_inbox, file_sha) && strcmp(file_sha, sha) == 0,
		"inbox: the sealed file's photo is known by its clear SHA-256 (handover's count)");
	ok(store_photo_import(s, in_inbox, &slot) == STORE_OK && strcmp(slot.sha256, sha) == 0 &&
		slot.has_gps && slot.lat < -6.19 && slot.lat > -6.191,
		"inbox: the sealed photo attaches, hash and GPS of the clear photo");
	flip_byte(in_inbox, 300);
	is_int(store_photo_import(s, in_inbox, &slot), STORE_REJECTED,
		"inbox: a changed byte is refused");
	ok(strstr(store_error(s), "berubah atau rusak") != NULL, "... with a sentence: %s",
		store_error(s));
	struct scan sc = { 0 };
	scan_dir(keyed_dir, &sc);
	is_int(sc.jpeg, 0, "inbox: no file under the profile shows a JPEG");
	free(data);
	store_close(s);
}

/* ---- a clear profile of the previous release, opened keyed ---- */

static char old_sha[OLD_PHOTOS][PHOTO_SHA256_HEX];
static char old_path[OLD_PHOTOS][700];

static bool copy_profile(void)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -a '%s' '%s'", work, clear_dir, work);
	return system(cmd) == 0;
}

static bool same_bytes(const unsigned char *data, size_t len, int i)
{
	unsigned char *want;
	size_t want_len;
	bool same = load(old_path[i], &want, &want_len) && want_len == len &&
		memcmp(want, data, len) == 0;
	free(want);
	return same;
}

/* Photo i of the old profile in dir, as it lies: clear (its old file,
 * whole) and/or sealed (opened with the key, whole), looked at without
 * opening the store (which would finish the job). */
static void old_photo_state(const struct vault *v, const char *dir, int i, bool *clear,
	bool *sealed)
{
	char path[4096], name[VAULT_NAME_HEX];
	unsigned char digest[32], *data;
	size_t len;
	snprintf(path, sizeof path, "%s/photos/%.2s/%.64s.jpg", dir, old_sha[i], old_sha[i]);
	*clear = load(path, &data, &len) && same_bytes(data, len, i);
	free(data);
	sodium_hex2bin(digest, sizeof digest, old_sha[i], 64, NULL, NULL, NULL);
	vault_file_name(v, digest, sizeof digest, name);
	snprintf(path, sizeof path, "%s/photos/%.2s/%s.sgv", dir, name, name);
	*sealed = vault_open_file(v, path, &data, &len) && same_bytes(data, len, i);
	free(data);
}

/* Every old photo sealed, none clear, each read back whole by the store. */
static int upgraded_wrong(const char *dir)
{
	struct store *s = open_keyed(dir);
	if (s == NULL)
		return OLD_PHOTOS;
	int wrong = 0;
	for (int i = 0; i < OLD_PHOTOS; i++) {
		unsigned char *data;
		size_t len;
		char clear[4096];
		snprintf(clear, sizeof clear, "%s/photos/%.2s/%.64s.jpg", dir, old_sha[i], old_sha[i]);
		bool fine = store_photo_bytes(s, old_sha[i], &data, &len) == STORE_OK &&
			same_bytes(data, len, i) && access(clear, F_OK) != 0;
		free(data);
		wrong += !fine;
	}
	struct scan sc = { 0 };
	scan_dir(dir, &sc);
	store_close(s);
	return wrong + sc.jpeg;
}

/* the first keyed open of work, in a child */
static void open_work(void *ctx)
{
	(void)ctx;
	_exit(open_keyed(work) != NULL ? 0 : 1);
}

/* After a kill: how many old photos are neither clear nor sealed, and
 * whether the next open sealed the rest */
static bool photos_after_kill(const struct vault *v, int *sealed_n)
{
	int neither = 0;
	*sealed_n = 0;
	for (int i = 0; i < OLD_PHOTOS; i++) {
		bool clear, sealed;
		old_photo_state(v, work, i, &clear, &sealed);
		neither += !clear && !sealed;
		*sealed_n += sealed;
	}
	int wrong = upgraded_wrong(work);
	if (neither != 0 || wrong != 0)
		tap_diag("%d photos neither clear nor sealed; %d wrong after the next open", neither,
			wrong);
	return neither == 0 && wrong == 0;
}

static void test_upgrade_killed(void)
{
	struct crash_points points;
	if (!copy_profile())
		return;
	bool counted = crash_count(open_work, NULL, &points);
	if (!ok(counted && points.n > 0, "the first keyed open passes %d crash points", points.n))
		return;
	struct vault *v = vault_new(key);
	int at[MAX_KILLS], partly = 0;
	int kills = crash_plan(&points, KILL_ALL_UP_TO, KILL_SPREAD, at, MAX_KILLS);
	for (int k = 0; k < kills && copy_profile(); k++) {
		struct crash_outcome out;
		int sealed_n = 0;
		crash_run(open_work, NULL, at[k], &out);
		bool whole = out.killed && photos_after_kill(v, &sealed_n);
		partly += sealed_n > 0 && sealed_n < OLD_PHOTOS;
		ok(whole, "first keyed open killed at crash point %d of %d (%s): %d of %d photos "
			"sealed, each clear or sealed; the next open sealed the rest", at[k], points.n,
			out.point, sealed_n, OLD_PHOTOS);
	}
	vault_free(v);
	tap_diag("%d of %d kills stopped the photos' sealing half-way", partly, kills);
	crash_points_free(&points);
}

static void test_clear_upgrade(void)
{
	struct store *s;
	char err[512];
	if (!ok(store_open(clear_dir, &s, err, sizeof err) == STORE_OK, "a clear profile"))
		return;
	bool all = true;
	for (int i = 0; i < OLD_PHOTOS; i++) {
		char name[32];
		struct record_photo slot;
		snprintf(name, sizeof name, "old-%02d.jpg", i);
		make_photo(name, i % 2 == 0, 0, old_path[i], sizeof old_path[i]);
		all = all && store_photo_import(s, old_path[i], &slot) == STORE_OK;
		snprintf(old_sha[i], sizeof old_sha[i], "%s", slot.sha256);
	}
	struct record *r = calloc(1, sizeof *r);
	fill_record(r);
	all = all && store_photo_import(s, old_path[0], &r->photos[PHOTO_KIND_KTP]) == STORE_OK &&
		store_record_save(s, r) == STORE_OK;
	store_close(s);
	struct scan sc = { .quiet = true };
	scan_dir(clear_dir, &sc);
	ok(all && sc.jpeg == OLD_PHOTOS, "%d clear photo files in it (the scan sees them: %d)",
		OLD_PHOTOS, sc.jpeg);
	if (!copy_profile())
		return;
	s = open_keyed(work);
	ok(s != NULL && store_record_save(s, r) == STORE_OK, "the first keyed open; the draft "
		"naming an old photo saves again (its sealed file found)");
	store_close(s);
	is_int(upgraded_wrong(work), 0, "every old photo sealed, none left clear, each read "
		"back whole");
	test_upgrade_killed();
	free(r);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	char dir[512];
	if (!fixture_tmpdir("test_store_vault_photos", dir, sizeof dir))
		return 1;
	snprintf(root, sizeof root, "%s", dir);
	path_in(files, sizeof files, root, "files");
	path_in(keyed_dir, sizeof keyed_dir, root, "keyed");
	path_in(clear_dir, sizeof clear_dir, root, "clear");
	path_in(work, sizeof work, root, "work");
	mkdir(files, 0700);
	randombytes_buf(key, sizeof key);
	test_keyed_record();
	test_inbox();
	test_clear_upgrade();
	int rc = tap_done();
	if (rc == 0)
		fixture_rmdir(root);
	return rc;
}
