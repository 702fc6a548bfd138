/* test_store_checkpointer: while the registry's changes come page after
 * page, a thread copies the WAL back (src/store/checkpointer.c), in a clear
 * and in a keyed profile: the database file is written during the feed,
 * the WAL stays within its bound (the writer's own checkpoints are off
 * meanwhile: without the thread it only grows), the thread ends with the
 * last page, with store_sync_registry_end and at the close, and every
 * change is there after a reopen, in the rows and in the name index. */
#include "config.h"
#include "store.h"
#include "store_int.h"
#include "tap.h"
#include "store/fixture.h"
#include "vault.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define RESIDENTS 20000
#define PAGES 12
#define PER_PAGE 500
#define WAL_MAX 64                /* pages in the WAL before the writer waits */
#define FRAME (4096 + 24)

static char root[4096];

/* resident i: NIK 367101 DDMMYY serial, valid by the registry's rules */
static void resident_at(int i, struct resident *r)
{
	memset(r, 0, sizeof *r);
	unsigned u = (unsigned)i;
	unsigned day = 1 + u % 28, month = 1 + (u / 28) % 12, year = 80 + (u / 336) % 20;
	unsigned serial = (1 + u / 6720) % 10000, family = (1 + u % 9000) % 10000;
	snprintf(r->nik, sizeof r->nik, "367101%02u%02u%02u%04u", day, month, year, serial);
	snprintf(r->kk, sizeof r->kk, "36710101%02u%02u%04u", month, year, family);
	snprintf(r->name, sizeof r->name, "Warga %d", i);
	snprintf(r->sex, sizeof r->sex, "L");
	snprintf(r->birth_place, sizeof r->birth_place, "Tangerang");
	snprintf(r->birth_date, sizeof r->birth_date, "19%02u-%02u-%02u", year % 100, month % 100,
		day % 100);
	snprintf(r->address, sizeof r->address, "Jl. Uji No. %d", i % 300);
	snprintf(r->rt, sizeof r->rt, "001");
	snprintf(r->rw, sizeof r->rw, "002");
	snprintf(r->kelurahan, sizeof r->kelurahan, "36.71.01.1001");
}

static bool import_registry(struct store *s, const char *dir)
{
	char path[4300];
	snprintf(path, sizeof path, "%s.csv", dir);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return false;
	fputs("nik,kk,name,sex,birth_place,birth_date,address,rt,rw,kelurahan\n", f);
	for (int i = 0; i < RESIDENTS; i++) {
		struct resident r;
		resident_at(i, &r);
		fprintf(f, "%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n", r.nik, r.kk, r.name, r.sex,
			r.birth_place, r.birth_date, r.address, r.rt, r.rw, r.kelurahan);
	}
	if (fclose(f) != 0 || (f = fopen(path, "rb")) == NULL)
		return false;
	long rows = 0;
	enum store_status st = store_import_residents(s, f, NULL, NULL, &rows);
	fclose(f);
	return st == STORE_OK && rows == RESIDENTS;
}

/* the page's residents, spread over the registry as a city's corrections are */
static int renamed_index(int page, int k)
{
	return (int)(((long long)(page * PER_PAGE + k) * 7919) % RESIDENTS);
}

static void renamed_page(int page, struct store_registry_change *items)
{
	for (int k = 0; k < PER_PAGE; k++) {
		items[k].removed = false;
		resident_at(renamed_index(page, k), &items[k].resident);
		snprintf(items[k].resident.name, sizeof items[k].resident.name, "Koreksi %d",
			renamed_index(page, k));
	}
}

static long long file_size(const char *dir, const char *name)
{
	char path[4300];
	struct stat sb;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return stat(path, &sb) == 0 ? (long long)sb.st_size : 0;
}

/* a hash of the database file as it is on disk */
static void file_hash(const char *dir, unsigned char out[32])
{
	char path[4300];
	snprintf(path, sizeof path, "%s/sigacor.db", dir);
	unsigned char *data = NULL;
	size_t len = 0;
	FILE *f = fopen(path, "rb");
	if (f != NULL) {
		fseek(f, 0, SEEK_END);
		len = (size_t)ftell(f);
		rewind(f);
		data = malloc(len);
		if (data == NULL || fread(data, 1, len, f) != len)
			len = 0;
		fclose(f);
	}
	crypto_generichash(out, 32, data, len, NULL, 0);
	free(data);
}

static int synchronous(struct store *s)
{
	sqlite3_stmt *st;
	int level = -1;
	if (sqlite3_prepare_v2(s->db, "PRAGMA synchronous", -1, &st, NULL) == SQLITE_OK
		&& sqlite3_step(st) == SQLITE_ROW)
		level = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return level;
}

static enum store_status open_profile(const char *dir, const unsigned char *key, struct store **s)
{
	char err[1024];
	return key != NULL ? store_open_keyed(dir, key, s, err, sizeof err)
		: store_open(dir, s, err, sizeof err);
}

static void feed_pages(struct store *s, const char *dir, const char *what)
{
	static struct store_registry_change items[PER_PAGE];
	unsigned char before[32], after[32];
	/* the import's WAL out of the way: the file's size is then the feed's */
	sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	file_hash(dir, before);
	long long wal_largest = 0;
	bool all_ok = true, running = true;
	unsigned long long sealed = s->vault != NULL ? vault_pages_sealed(s->vault) : 0;
	int unused, written = 0;
	sqlite3_db_status(s->db, SQLITE_DBSTATUS_CACHE_WRITE, &unused, &unused, 1);
	for (int page = 0; page < PAGES; page++) {
		renamed_page(page, items);
		char cursor[32];
		snprintf(cursor, sizeof cursor, "r%d", page + 1);
		all_ok &= store_sync_registry_page(s, items, PER_PAGE, cursor, "snap-2", false)
			== STORE_OK;
		running &= s->checkpointer != NULL;
		long long wal = file_size(dir, "sigacor.db-wal");
		if (wal > wal_largest)
			wal_largest = wal;
	}
	ok(all_ok, "%s: %d pages of %d renamed residents stored", what, PAGES, PER_PAGE);
	sqlite3_db_status(s->db, SQLITE_DBSTATUS_CACHE_WRITE, &written, &unused, 0);
	if (s->vault != NULL) {
		/* the writer seals each page it writes to the WAL; the thread's
		 * copy, pages as they are sealed, seals none of them again */
		sealed = vault_pages_sealed(s->vault) - sealed;
		ok(written > 1000 && sealed < (unsigned long long)written * 11 / 10,
			"%s: the thread copies pages as they are sealed (%llu sealed for %d written)",
			what, sealed, written);
	}
	ok(running, "%s: the checkpointer runs while the pages come", what);
	ok(synchronous(s) == 2, "%s: after a page the connection syncs each commit again "
		"(synchronous FULL)", what);
	file_hash(dir, after);
	ok(memcmp(before, after, 32) != 0, "%s: the database file is written during the feed", what);
	/* a page of 500 renames writes at most its 500 rows' leaves and the
	 * name index's new segment; the feed as a whole, thousands of pages,
	 * and the writer's own checkpoints would let the WAL reach 1,000 */
	long long bound = (long long)(WAL_MAX + PER_PAGE + 100) * FRAME + 32;
	ok(wal_largest > 0 && wal_largest <= bound, "%s: the WAL stays within its bound "
		"(largest %lld bytes, bound %lld)", what, wal_largest, bound);
	static struct store_registry_change last[1];
	last[0].removed = false;
	resident_at(0, &last[0].resident);
	snprintf(last[0].resident.name, sizeof last[0].resident.name, "Koreksi Terakhir");
	ok(store_sync_registry_page(s, last, 1, "r-last", "snap-2", true) == STORE_OK
		&& s->checkpointer == NULL, "%s: the last page ends the checkpointer", what);
}

static void check_reopened(const char *dir, const unsigned char *key, const char *what)
{
	struct store *s = NULL;
	if (!ok(open_profile(dir, key, &s) == STORE_OK, "%s: reopened", what))
		return;
	int wrong = 0;
	for (int page = 0; page < PAGES; page++)
		for (int k = 0; k < PER_PAGE; k++) {
			int i = renamed_index(page, k);
			struct resident want, got;
			resident_at(i, &want);
			char name[64];
			snprintf(name, sizeof name, i == 0 ? "Koreksi Terakhir" : "Koreksi %d", i);
			if (store_resident_get(s, want.nik, &got) != STORE_OK || strcmp(got.name, name) != 0)
				wrong++;
		}
	is_int(wrong, 0, "%s: every renamed resident has its new name", what);
	struct resident found[4];
	size_t n = store_residents_search(s, "Koreksi 7919", found, 4);
	ok(n >= 1 && strcmp(found[0].name, "Koreksi 7919") == 0,
		"%s: the name index finds a new name", what);
	ok(store_check_integrity(s) == STORE_OK, "%s: integrity check passes", what);
	store_close(s);
}

static void run(const char *what, const unsigned char *key)
{
	char dir[4200];
	snprintf(dir, sizeof dir, "%s/%s/petugas", root, what);
	struct store *s = NULL;
	if (!ok(open_profile(dir, key, &s) == STORE_OK && import_registry(s, dir),
		"%s: a registry of %d residents", what, RESIDENTS)) {
		store_close(s);
		return;
	}
	feed_pages(s, dir, what);
	/* a run cut after a page: the sync's end stops the thread */
	static struct store_registry_change one[1];
	resident_at(1, &one[0].resident);
	snprintf(one[0].resident.name, sizeof one[0].resident.name, "Koreksi 1");
	store_sync_registry_page(s, one, 1, "r-cut", "snap-3", false);
	bool started = s->checkpointer != NULL;
	store_sync_registry_end(s);
	ok(started && s->checkpointer == NULL, "%s: the sync's end stops the checkpointer", what);
	/* and the close, when a run is cut with the store still open */
	store_sync_registry_page(s, one, 1, "r-cut2", "snap-3", false);
	ok(s->checkpointer != NULL, "%s: a page starts it again", what);
	store_close(s);
	check_reopened(dir, key, what);
}

int main(void)
{
	if (sodium_init() < 0 || !fixture_tmpdir("checkpointer", root, sizeof root)) {
		ok(false, "setup");
		return tap_done();
	}
	store_checkpointer_wal_max = WAL_MAX;
	run("clear", NULL);
	unsigned char key[32];
	randombytes_buf(key, sizeof key);
	run("keyed", key);
	fixture_rmdir(root);
	return tap_done();
}
