/* test_store_candidates: the households assigned for verification in the
 * store: the forward migration, the download by pages with its cursor
 * (resume, replace, an abandoned pass, a broken page) and the worklist's
 * view (joined with the registry and the records, filters, paging). */
#include "config.h"
#include "store.h"
#include "tap.h"
#include "store/fixture.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Registry: A (RW 002), C (RW 003); D is assigned but not in the registry. */
#define NIK_A "3671011503850002"
#define NIK_B "3671075503850002"
#define NIK_C "3671137112990001"
#define NIK_D "3671090101000001"
#define KK1 "3671010101090001"
#define KK2 "3671130101100002"
#define KEL "36.71.01.1001"

static char root[4096], dir[4200];

static struct store *open_store(void)
{
	struct store *s = NULL;
	char err[512];
	if (store_open(dir, &s, err, sizeof err) != STORE_OK)
		tap_diag("store_open: %s", err);
	return s;
}

static void sql(const char *text)
{
	char db[4300];
	sqlite3 *h;
	snprintf(db, sizeof db, "%s/sigacor.db", dir);
	sqlite3_open(db, &h);
	char *err = NULL;
	if (sqlite3_exec(h, text, NULL, NULL, &err) != SQLITE_OK)
		tap_diag("sql: %s", err != NULL ? err : "?");
	sqlite3_free(err);
	sqlite3_close(h);
}

static struct candidate cand(const char *nik, const char *kk, const char *program)
{
	struct candidate c;
	memset(&c, 0, sizeof c);
	snprintf(c.nik, sizeof c.nik, "%s", nik);
	snprintf(c.kk, sizeof c.kk, "%s", kk);
	snprintf(c.kelurahan, sizeof c.kelurahan, "%s", KEL);
	snprintf(c.program, sizeof c.program, "%s", program);
	return c;
}

/* "NIK:programs:rw:state " for each row, state "-" without a record */
static bool collect(const struct store_candidate_row *c, void *ctx)
{
	char *out = ctx;
	size_t n = strlen(out);
	snprintf(out + n, 2048 - n, "%s:%s:%s:%s:%s ", c->nik, c->programs, c->name,
		c->rw[0] != '\0' ? c->rw : "-",
		c->has_record ? record_state_code(c->record_state) : "-");
	return true;
}

static size_t list(struct store *s, int state, const char *text, const char *rw,
	size_t offset, size_t limit, char out[2048])
{
	struct store_filter f = { text, state, rw, offset, limit };
	out[0] = '\0';
	return store_candidate_list(s, &f, collect, out);
}

static void test_migration(void)
{
	struct store *s = open_store();
	store_close(s);
	/* a laptop still on schema 1: no candidates table, no name index */
	/* schema 9's columns are named by its triggers: these go first, and
	 * come back as schema 1 had them (migration 9 replaces them) */
	sql("DROP TRIGGER records_frozen_update; DROP TRIGGER record_photos_frozen_delete;"
		" DROP TABLE purge_files; ALTER TABLE records DROP COLUMN accepted_at;"
		" ALTER TABLE records DROP COLUMN purged_at;"
		" CREATE TRIGGER records_frozen_update BEFORE UPDATE ON records"
		" WHEN OLD.state <> 'draft' AND NEW.name IS NOT OLD.name"
		" BEGIN SELECT RAISE(ABORT, 'sigacor: frozen record'); END;"
		" CREATE TRIGGER record_photos_frozen_delete BEFORE DELETE ON record_photos"
		" WHEN (SELECT state FROM records WHERE uuid = OLD.uuid) <> 'draft'"
		" BEGIN SELECT RAISE(ABORT, 'sigacor: frozen record'); END;");
	sql("DROP TABLE progress; DROP TABLE photo_queue; DROP TRIGGER records_answers_frozen; DROP TABLE reviews;"
		" ALTER TABLE records DROP COLUMN answers_review;"
		" DROP TABLE candidates; DROP TABLE residents_name; DROP TABLE phone_positions;"
		" ALTER TABLE record_photos DROP COLUMN original_sha256;"
		" ALTER TABLE record_photos DROP COLUMN original_size;"
		" ALTER TABLE record_photos DROP COLUMN original_width;"
		" ALTER TABLE record_photos DROP COLUMN original_height;"
		" PRAGMA user_version = 1");
	s = open_store();
	ok(s != NULL, "a schema-1 database opens");
	struct store_pull_state ps;
	store_sync_candidates_state(s, &ps);
	ok(store_sync_candidates_begin(s, "c0", 0) == STORE_OK &&
		store_sync_candidates_page(s, NULL, 0, "", true) == STORE_OK,
		"... and is migrated forward: the candidates table works");
	store_close(s);
}

static void import_registry(struct store *s)
{
	ok(fixture_import_registry(s, root, "nik,kk,name,rw,kelurahan\n"
		NIK_A "," KK1 ",Budi Santoso,2," KEL "\n"
		NIK_B "," KK1 ",Siti Aminah,2," KEL "\n"
		NIK_C "," KK2 ",Dewi Lestari,3," KEL "\n"),
		"registry of A, B, C imported");
}

static void test_pull(struct store *s)
{
	struct candidate page1[] = { cand(NIK_A, KK1, "PKH"), cand(NIK_A, KK1, "BPNT") };
	struct candidate page2[] = { cand(NIK_C, KK2, "PKH"), cand(NIK_D, KK2, "") };
	char out[2048];
	ok(store_sync_candidates_page(s, page1, 2, "c1.x.2", false) == STORE_REJECTED,
		"a page before a pass began is refused");
	ok(store_sync_candidates_begin(s, "c1", 4) == STORE_OK, "a pass begins");
	ok(store_sync_candidates_page(s, page1, 2, "c1.x.2", false) == STORE_OK, "page 1 stored");
	store_close(s);
	/* the laptop went off: the pass resumes at its cursor */
	s = open_store();
	struct store_pull_state ps;
	store_sync_candidates_state(s, &ps);
	ok(ps.batch > 0 && strcmp(ps.cursor, "c1.x.2") == 0 && ps.received == 2 &&
		ps.total == 4 && strcmp(ps.snapshot, "c1") == 0 && strcmp(ps.done_snapshot, "c0") == 0,
		"after a restart: pass in progress, cursor %s, %lld of %lld", ps.cursor,
		(long long)ps.received, (long long)ps.total);
	is_int((long long)list(s, -1, NULL, NULL, 0, 0, out), 1, "page 1 already listed (one NIK, two programs)");

	struct candidate broken[] = { cand(NIK_C, KK2, "PKH"), cand("367113711299000", KK2, "PKH") };
	ok(store_sync_candidates_page(s, broken, 2, "c1.x.4", true) == STORE_REJECTED,
		"a page with a 15-digit NIK is refused: %s", store_error(s));
	struct candidate badprog[] = { cand(NIK_C, KK2, "P K H") };
	ok(store_sync_candidates_page(s, badprog, 1, "c1.x.4", true) == STORE_REJECTED,
		"a program with spaces is refused");
	store_sync_candidates_state(s, &ps);
	ok(ps.received == 2 && strcmp(ps.cursor, "c1.x.2") == 0 && ps.batch > 0,
		"... nothing of those pages written");

	ok(store_sync_candidates_page(s, page2, 2, "", true) == STORE_OK, "last page stored");
	store_sync_candidates_state(s, &ps);
	ok(ps.batch == 0 && ps.cursor[0] == '\0' && strcmp(ps.done_snapshot, "c1") == 0,
		"the pass is done (snapshot %s)", ps.done_snapshot);
	is_int((long long)list(s, -1, NULL, NULL, 0, 0, out), 3, "3 households listed");
	ok(strncmp(out, NIK_D "::", 18) == 0, "not in the registry: no name, first: %s", out);
	ok(strstr(out, NIK_A ":PKH,BPNT:Budi Santoso:002:-") != NULL ||
		strstr(out, NIK_A ":BPNT,PKH:Budi Santoso:002:-") != NULL,
		"both programs of A, name and RW from the registry");
	store_close(s);
}

static void test_view(struct store *s)
{
	char out[2048];
	struct record r;
	memset(&r, 0, sizeof r);
	snprintf(r.nik, sizeof r.nik, "%s", NIK_C);
	snprintf(r.name, sizeof r.name, "Dewi Lestari");
	ok(store_record_save(s, &r) == STORE_OK, "a draft for C");
	int64_t assigned, unverified;
	store_candidate_counts(s, &assigned, &unverified);
	ok(assigned == 3 && unverified == 2, "counts: 3 assigned, 2 without a record (%lld, %lld)",
		(long long)assigned, (long long)unverified);
	list(s, -1, NULL, NULL, 0, 0, out);
	ok(strstr(out, NIK_C ":PKH:Dewi Lestari:003:draft") != NULL, "C shows its draft: %s", out);
	is_int((long long)list(s, STORE_STATE_UNVERIFIED, NULL, NULL, 0, 0, out), 2,
		"without a record: 2");
	ok(strstr(out, NIK_C) == NULL, "... C is not among them");
	is_int((long long)list(s, STATE_DRAFT, NULL, NULL, 0, 0, out), 1, "with a draft: 1");
	is_int((long long)list(s, STATE_FINAL, NULL, NULL, 0, 0, out), 0, "with a final record: 0");
	ok(list(s, -1, "3671 01", NULL, 0, 0, out) == 1 && strstr(out, NIK_A) != NULL,
		"NIK prefix (spaces ignored): %s", out);
	ok(list(s, -1, "BUDI", NULL, 0, 0, out) == 1 && strstr(out, NIK_A) != NULL,
		"part of the name, any case");
	ok(list(s, -1, NULL, "3", 0, 0, out) == 1 && strstr(out, NIK_C) != NULL,
		"RW 3 = 003: %s", out);
	ok(list(s, -1, NULL, NULL, 1, 1, out) == 1 && strncmp(out, NIK_A, 16) == 0,
		"offset 1 limit 1: the second (by RW): %s", out);
}

static void test_replace(struct store *s)
{
	char out[2048];
	struct candidate only_d[] = { cand(NIK_D, KK2, "PKH") };
	struct candidate b[] = { cand(NIK_B, KK1, "PKH") };
	struct candidate c[] = { cand(NIK_C, KK2, "BPNT") };
	ok(store_sync_candidates_begin(s, "c2", 1) == STORE_OK &&
		store_sync_candidates_page(s, only_d, 1, "", true) == STORE_OK, "a new pass: only D");
	ok(list(s, -1, NULL, NULL, 0, 0, out) == 1 && strstr(out, NIK_D ":PKH:") != NULL,
		"the list is replaced (A and C gone, D's program updated): %s", out);
	/* a pass abandoned half-way (410), then a fresh one */
	ok(store_sync_candidates_begin(s, "c3", 2) == STORE_OK &&
		store_sync_candidates_page(s, b, 1, "c3.x.1", false) == STORE_OK, "pass c3, one page");
	is_int((long long)list(s, -1, NULL, NULL, 0, 0, out), 2,
		"during a pass the old list stays (with the new pages)");
	ok(store_sync_candidates_begin(s, "c4", 1) == STORE_OK &&
		store_sync_candidates_page(s, c, 1, "", true) == STORE_OK, "pass c4 from the start");
	ok(list(s, -1, NULL, NULL, 0, 0, out) == 1 && strstr(out, NIK_C ":BPNT:") != NULL,
		"only c4's list remains (B of the abandoned pass gone): %s", out);
	ok(store_sync_candidates_begin(s, "c5", 0) == STORE_OK &&
		store_sync_candidates_page(s, NULL, 0, "", true) == STORE_OK &&
		list(s, -1, NULL, NULL, 0, 0, out) == 0, "an empty list empties it");
}

int main(void)
{
	if (!fixture_tmpdir("test_store_candidates", root, sizeof root)) {
		printf("Bail out! no temp folder\n");
		return 1;
	}
	snprintf(dir, sizeof dir, "%s/profile/petugas1", root);
	test_migration();
	struct store *s = open_store();
	if (s == NULL) {
		printf("Bail out! cannot open the store\n");
		return 1;
	}
	import_registry(s);
	test_pull(s);
	s = open_store();
	test_view(s);
	test_replace(s);
	store_close(s);
	fixture_rmdir(root);
	return tap_done();
}
