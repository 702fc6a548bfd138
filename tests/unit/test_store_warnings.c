/* test_store_warnings: the warnings a clerk gets offline from others'
 * work (issue 10 item 5): a NIK or a KK's layak a colleague verified, as
 * the kelurahan's shared progress brought it (GET /progress); a house over
 * 2 km from the clerk's other records of the same KK (the server's
 * house_far_from_kk, seen early).  A real SQLite store. */
#include "config.h"
#include "flag.h"
#include "store.h"
#include "tap.h"
#include "store/fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Registry: A and B share KK1, C and E share KK2. */
#define NIK_A "3671011503850002"
#define NIK_B "3671075503850002"
#define NIK_C "3671137112990001"
#define NIK_E "3671134506900003"
#define KK1 "3671010101090001"
#define KK2 "3671130101100002"
#define KEL "36.71.01.1001"
#define ME "petugas1"
#define COLLEAGUE "budi"
/* Cikokol; 0.01 degree of latitude is about 1.1 km */
#define LAT -6.205818
#define LON 106.628278

static char root[4096], dir[4200];

static void import_registry(struct store *s)
{
	ok(fixture_import_registry(s, root, "nik,kk,name,rw,kelurahan\n"
		NIK_A "," KK1 ",Budi Santoso,2," KEL "\n"
		NIK_B "," KK1 ",Siti Aminah,2," KEL "\n"
		NIK_C "," KK2 ",Dewi Lestari,3," KEL "\n"
		NIK_E "," KK2 ",Eka Lestari,3," KEL "\n"),
		"registry of A, B (KK1), C, E (KK2) imported");
}

/* One item of the progress feed, stored as a sync stores it. */
static void progress(struct store *s, int seq, const char *nik, const char *decision,
	const char *who, const char *review)
{
	struct store_progress_item it;
	memset(&it, 0, sizeof it);
	it.seq = seq;
	snprintf(it.nik, sizeof it.nik, "%s", nik);
	snprintf(it.kelurahan, sizeof it.kelurahan, "%s", KEL);
	snprintf(it.decision, sizeof it.decision, "%s", decision);
	if (strcmp(decision, "layak") != 0)
		snprintf(it.reason, sizeof it.reason, "tidak-ditemukan");
	snprintf(it.operator_name, sizeof it.operator_name, "%s", who);
	it.verified_at = 1700000000 + seq;
	snprintf(it.review, sizeof it.review, "%s", review);
	char cursor[16];
	snprintf(cursor, sizeof cursor, "p%d", seq);
	size_t applied = 0;
	ok(store_sync_progress_page(s, &it, 1, cursor, &applied) == STORE_OK && applied == 1,
		"progress: %s %s by %s%s%s", nik, decision, who, *review ? ", review " : "", review);
}

/* A layak draft of nik, its house at lat (no photos: the warnings need none). */
static void draft(struct record *r, const char *nik, double lat)
{
	memset(r, 0, sizeof *r);
	snprintf(r->nik, sizeof r->nik, "%s", nik);
	r->decision = DECISION_LAYAK;
	r->has_coord = true;
	r->lat = lat;
	r->lon = LON;
	r->coord_source = COORD_MANUAL;
	snprintf(r->coord_reason, sizeof r->coord_reason, "uji");
}

static bool warns(struct store *s, const struct record *r, enum record_warning w)
{
	return (store_record_warnings(s, r) & (1u << w)) != 0;
}

static void test_colleagues(struct store *s)
{
	struct record *r = calloc(1, sizeof *r);
	draft(r, NIK_B, LAT);
	ok(!warns(s, r, RECORD_WARN_KK_LAYAK) && !warns(s, r, RECORD_WARN_NIK_DUPLICATE),
		"B, nobody's work yet: no kk_layak, no nik_duplicate");
	progress(s, 1, NIK_A, "layak", COLLEAGUE, "");
	ok(warns(s, r, RECORD_WARN_KK_LAYAK), "A (KK1) layak by a colleague: B warned kk_layak");
	ok(!warns(s, r, RECORD_WARN_NIK_DUPLICATE), "... and not nik_duplicate (another NIK)");
	progress(s, 2, NIK_A, "layak", COLLEAGUE, "rejected");
	ok(!warns(s, r, RECORD_WARN_KK_LAYAK), "the city rejected that layak in review: no kk_layak");
	progress(s, 3, NIK_B, "tidak-layak", COLLEAGUE, "");
	ok(warns(s, r, RECORD_WARN_NIK_DUPLICATE), "B itself verified by a colleague: nik_duplicate");

	draft(r, NIK_E, LAT);
	progress(s, 4, NIK_C, "layak", ME, "");
	ok(!warns(s, r, RECORD_WARN_KK_LAYAK),
		"C (KK2) layak in the progress by this clerk (her own record counts, not its echo): E not warned");
	draft(r, NIK_C, LAT);
	ok(!warns(s, r, RECORD_WARN_NIK_DUPLICATE), "C's own progress row: no nik_duplicate from it");
	progress(s, 5, NIK_C, "layak", COLLEAGUE, "");
	draft(r, NIK_E, LAT);
	ok(warns(s, r, RECORD_WARN_KK_LAYAK), "C layak by a colleague now: E warned kk_layak");
	free(r);
}

static void test_far(struct store *s)
{
	struct record *a = calloc(1, sizeof *a), *r = calloc(1, sizeof *r);
	draft(r, NIK_B, LAT + 0.03);
	ok(!warns(s, r, RECORD_WARN_KK_FAR), "no other record of KK1 here: no kk_far");
	draft(a, NIK_A, LAT);
	ok(store_record_save(s, a) == STORE_OK, "A's house saved in Cikokol");
	ok(warns(s, r, RECORD_WARN_KK_FAR), "B's house 3.3 km from A's (KK1): kk_far");
	draft(r, NIK_B, LAT + 0.015);
	ok(!warns(s, r, RECORD_WARN_KK_FAR), "B's house 1.7 km from A's: no kk_far (over %.0f m only)", FLAG_KK_FAR_M);
	draft(r, NIK_C, LAT + 0.03);
	ok(!warns(s, r, RECORD_WARN_KK_FAR), "C (KK2) 3.3 km away: no kk_far (another KK)");
	draft(r, NIK_B, LAT + 0.03);
	r->has_coord = false;
	ok(!warns(s, r, RECORD_WARN_KK_FAR), "B without coordinates: no kk_far");
	/* A's own draft moved: measured against the KK's other records, not its
	 * own saved place */
	a->lat = LAT + 0.03;
	ok(!warns(s, a, RECORD_WARN_KK_FAR), "A's draft itself moved 3.3 km: no kk_far from its old place");
	free(a);
	free(r);
}

int main(void)
{
	if (!fixture_tmpdir("test_store_warnings", root, sizeof root)) {
		printf("Bail out! no temp folder\n");
		return 1;
	}
	snprintf(dir, sizeof dir, "%s/profile/" ME, root);
	struct store *s = NULL;
	char err[512];
	if (store_open(dir, &s, err, sizeof err) != STORE_OK) {
		printf("Bail out! cannot open the store: %s\n", err);
		return 1;
	}
	import_registry(s);
	test_colleagues(s);
	test_far(s);
	store_close(s);
	fixture_rmdir(root);
	return tap_done();
}
