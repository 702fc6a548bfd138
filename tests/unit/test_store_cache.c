/* test_store_cache: the store's cache of prepared statements (store_int.h)
 * survives repeated use, failing calls, nested use and schema changes made
 * by another connection, and leaves nothing behind at close (run under
 * --enable-sanitizers, LeakSanitizer reports a statement never finalised). */
#include "config.h"
#include "store.h"
#include "store_int.h"
#include "tap.h"
#include "store/fixture.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NIK_A "3671011503850002"
#define NIK_B "3671075503850002"
#define NIK_C "3671137112990001"
#define NIK_D "3671090101000001"
#define KK1 "3671010101090001"
#define KK2 "3671130101100002"
#define REGISTRY "nik,kk,name,sex,birth_place,birth_date,address,rt,rw,kelurahan\n" \
	NIK_A "," KK1 ",Budi Santoso,L,Tangerang,1985-03-15,Jl. Merdeka 1,1,2,36.71.01.1001\n" \
	NIK_B "," KK1 ",Siti Aminah,P,Jakarta,1985-03-15,Jl. Merdeka 1,1,2,36.71.01.1001\n" \
	NIK_C "," KK2 ",Dewi Lestari,P,Tangerang,1999-12-31,Jl. Ciledug 5,7,3,36.71.13.1001\n"
#define ROUNDS 1000
#define FAIL_EVERY 100

static char root[4096], dir[4200], files[4200];

static int interrupt_always(void *ctx)
{
	(void)ctx;
	return 1;
}

static bool import_registry(struct store *s)
{
	char path[4300];
	snprintf(path, sizeof path, "%s/residents.csv", files);
	if (!fixture_write_text(path, REGISTRY))
		return false;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return false;
	long rows = 0;
	enum store_status st = store_import_residents(s, f, NULL, NULL, &rows);
	fclose(f);
	return st == STORE_OK && rows == 3;
}

/* A draft of A with one photo, whose hash the warnings query looks for. */
static bool save_draft(struct store *s, struct record *r)
{
	char path[4300];
	snprintf(path, sizeof path, "%s/ktp.jpg", files);
	struct fixture_photo spec = { false, 0, 0, "2025:03:14 09:21:05", "cache-ktp" };
	memset(r, 0, sizeof *r);
	snprintf(r->nik, sizeof r->nik, "%s", NIK_A);
	snprintf(r->kk, sizeof r->kk, "%s", KK1);
	snprintf(r->name, sizeof r->name, "Budi Santoso");
	r->decision = DECISION_LAYAK;
	return fixture_jpeg(path, &spec) &&
		store_photo_import(s, path, &r->photos[PHOTO_KIND_KTP]) == STORE_OK &&
		store_record_save(s, r) == STORE_OK;
}

/* One round of what the form and the worklist do; false on any surprise. */
static bool one_round(struct store *s, const struct record *draft, struct record *scratch)
{
	struct resident res, many[8];
	bool good = store_resident_get(s, NIK_A, &res) == STORE_OK &&
		strcmp(res.name, "Budi Santoso") == 0;
	good = good && store_resident_get(s, NIK_D, &res) == STORE_NOT_FOUND;
	good = good && store_residents_by_kk(s, KK1, many, 8) == 2 &&
		store_residents_search(s, "3671", many, 8) == 3 &&
		store_residents_search(s, "aminah", many, 8) == 1 &&
		strcmp(many[0].nik, NIK_B) == 0;
	/* the same photo on another NIK's new record: reused; then a record
	 * without photos must not see the previous call's bindings */
	memset(scratch, 0, sizeof *scratch);
	snprintf(scratch->nik, sizeof scratch->nik, "%s", NIK_C);
	scratch->photos[PHOTO_KIND_KTP] = draft->photos[PHOTO_KIND_KTP];
	good = good && (store_record_warnings(s, scratch) & (1u << RECORD_WARN_PHOTO_REUSED));
	memset(scratch->photos, 0, sizeof scratch->photos);
	good = good && store_record_warnings(s, scratch) == 0;
	good = good && store_record_get(s, draft->uuid, scratch) == STORE_OK &&
		scratch->photos[PHOTO_KIND_KTP].attached;
	int64_t counts[STATE_COUNT];
	store_record_counts(s, counts);
	return good && counts[STATE_DRAFT] == 1;
}

/* A real SQL failure in the middle of a cached statement's step. */
static bool failing_lookup(struct store *s)
{
	struct resident res;
	sqlite3_progress_handler(s->db, 1, interrupt_always, NULL);
	enum store_status st = store_resident_get(s, NIK_A, &res);
	sqlite3_progress_handler(s->db, 0, NULL, NULL);
	return st == STORE_IO && s->stmts[STMT_RESIDENT_GET] == NULL &&
		!s->stmt_in_use[STMT_RESIDENT_GET];
}

static void test_rounds(struct store *s, const struct record *draft)
{
	struct record *scratch = malloc(sizeof *scratch);
	int bad_rounds = 0, bad_failures = 0;
	for (int i = 1; i <= ROUNDS && scratch != NULL; i++) {
		if (!one_round(s, draft, scratch) && bad_rounds++ == 0)
			tap_diag("round %d went wrong: %s", i, store_error(s));
		if (i % FAIL_EVERY == FAIL_EVERY / 2 && !failing_lookup(s))
			bad_failures++;
	}
	free(scratch);
	is_int(bad_rounds, 0, "%d rounds of the form's and worklist's reads give the same answers",
		ROUNDS);
	is_int(bad_failures, 0, "an interrupted look-up every %d rounds fails cleanly and drops "
		"its statement", FAIL_EVERY);
	int held = 0;
	for (int id = 0; id < STMT_COUNT; id++)
		held += s->stmt_in_use[id];
	is_int(held, 0, "no cached statement is left marked in use");
	ok(s->stmts[STMT_RESIDENT_GET] != NULL && s->stmts[STMT_RECORD_WARNINGS] != NULL,
		"the look-up and the warnings statements stay prepared");
}

static void test_nested(struct store *s)
{
	sqlite3_stmt *outer = NULL;
	/* prepared by the rounds above, so the text given here is not compiled */
	ok(s->stmts[STMT_RESIDENTS_BY_KK] != NULL, "the by-KK statement is cached");
	is_int(store_stmt_get(s, STMT_RESIDENTS_BY_KK, "", &outer), STORE_OK,
		"take it as store_residents_by_kk would");
	sqlite3_bind_text(outer, 1, KK1, -1, SQLITE_STATIC);
	sqlite3_bind_int64(outer, 2, 8);
	ok(sqlite3_step(outer) == SQLITE_ROW, "... step it once");
	struct resident many[8];
	is_int(store_residents_by_kk(s, KK2, many, 8), 1,
		"a look-up by KK while it is held uses a statement of its own");
	ok(sqlite3_step(outer) == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(outer, 0),
		NIK_B) == 0, "... and the held one carries on where it was");
	store_stmt_put(s, outer);
	ok(s->stmts[STMT_RESIDENTS_BY_KK] == outer && !s->stmt_in_use[STMT_RESIDENTS_BY_KK],
		"given back, it stays cached");
}

/* Another program (a newer sigacor, the sqlite3 shell) changes the schema
 * while this store is open: the cached statements must follow. */
static void test_schema_change(struct store *s)
{
	char path[4300];
	snprintf(path, sizeof path, "%s/sigacor.db", dir);
	sqlite3 *other;
	bool opened = sqlite3_open_v2(path, &other, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK;
	ok(opened && sqlite3_exec(other, "DROP INDEX residents_kk;"
		"ALTER TABLE residents ADD COLUMN extra TEXT;"
		"CREATE INDEX residents_kk ON residents (kk)", NULL, NULL, NULL) == SQLITE_OK,
		"another connection drops and rebuilds an index and adds a column");
	sqlite3_close(other);
	struct resident res, many[8];
	ok(store_resident_get(s, NIK_C, &res) == STORE_OK && strcmp(res.kk, KK2) == 0,
		"the cached look-up still answers");
	is_int(store_residents_by_kk(s, KK1, many, 8), 2, "the cached by-KK query still answers");
}

/* A full disk (here: SQLite's page limit, which answers SQLITE_FULL as a
 * full disk would) says so and what to do, not "disk I/O error" (issue 8);
 * the draft saved before is untouched. */
static void test_disk_full(struct store *s, const struct record *draft)
{
	struct record *big = calloc(1, sizeof *big), *back = calloc(1, sizeof *back);
	sqlite3_stmt *st;
	long long pages = 0;
	if (sqlite3_prepare_v2(s->db, "PRAGMA page_count", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			pages = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA max_page_count = %lld", pages);
	sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	enum store_status rc = STORE_OK;
	for (int i = 0; big != NULL && i < 200 && rc == STORE_OK; i++) {
		memset(big, 0, sizeof *big);
		snprintf(big->nik, sizeof big->nik, "%s", NIK_B);
		big->decision = DECISION_LAYAK;
		memset(big->notes, 'x', RECORD_TEXT_MAX - 1);
		rc = store_record_save(s, big);
	}
	ok(rc == STORE_IO && strstr(store_error(s), "Disk laptop penuh") != NULL
		&& strstr(store_error(s), "Kosongkan ruang disk") != NULL,
		"a full disk: says the disk is full and what to do (%s)", store_error(s));
	sqlite3_exec(s->db, "PRAGMA max_page_count = 1073741823", NULL, NULL, NULL);
	ok(back != NULL && store_record_get(s, draft->uuid, back) == STORE_OK
		&& strcmp(back->name, draft->name) == 0, "the draft saved before is intact");
	free(big);
	free(back);
}

int main(void)
{
	if (!fixture_tmpdir("test_store_cache", root, sizeof root)) {
		printf("Bail out! no temp folder\n");
		return 1;
	}
	snprintf(dir, sizeof dir, "%s/profile/petugas1", root);
	snprintf(files, sizeof files, "%s/files", root);
	mkdir(files, 0700);
	struct store *s = NULL;
	char err[512];
	struct record *draft = calloc(1, sizeof *draft);
	if (draft == NULL || store_open(dir, &s, err, sizeof err) != STORE_OK ||
		!import_registry(s) || !save_draft(s, draft)) {
		printf("Bail out! cannot set up the store: %s\n", s != NULL ? store_error(s) : err);
		return 1;
	}
	test_rounds(s, draft);
	test_nested(s);
	test_schema_change(s);
	test_disk_full(s, draft);
	store_close(s);
	free(draft);
	fixture_rmdir(root);
	return tap_done();
}
