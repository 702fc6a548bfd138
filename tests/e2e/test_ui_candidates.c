/* The households assigned for verification on the worklist: listed with
 * the registry's name and RW and "Sasaran" (no decision yet) until a record
 * exists, counted and filtered as "Sasaran", and Enter opens a new
 * verification with the NIK and the registry's data filled in.  The list is
 * put in the profile by the store's own download functions (the download
 * itself is tests/sync/test_sync_candidates). */
#include "config.h"
#include "e2e.h"
#include "store.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>

#define BUDI "3671011503850002"          /* BUDI SANTOSO, RW 002 */
#define DEWI "3671014402880005"          /* DÉWI ANGGRAÉNI, RW 003 */
#define KEL "36.71.01.1005"
/* a household without a record, in the Status column's width */
#define SASARAN "Sasaran   belum"

static int rows_with(struct vt *t, const char *text)
{
	int n = 0;
	for (int r = 4; r < vt_rows(t) - 1; r++)
		if (vt_find_in_row(t, r, text) >= 0)
			n++;
	return n;
}

static int row_of(struct vt *t, const char *text)
{
	for (int r = 4; r < vt_rows(t) - 1; r++)
		if (vt_find_in_row(t, r, text) >= 0)
			return r;
	return -1;
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

static bool assign(struct e2e *e)
{
	char err[512];
	struct store *s;
	/* the profile is keyed since import-residents made it (issue 12) */
	if (e2e_open_profile(e, "siti", &s, err, sizeof err) != STORE_OK)
		return false;
	struct candidate list[] = { cand(BUDI, "3671010101100001", "PKH"),
		cand(DEWI, "3671010101100003", "BPNT") };
	bool done = store_sync_candidates_begin(s, "c1", 2) == STORE_OK &&
		store_sync_candidates_page(s, list, 2, "", true) == STORE_OK;
	store_close(s);
	return done;
}

int main(void)
{
	struct e2e e;
	ok(e2e_init(&e, "ui-candidates"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile with the registry");
	ok(assign(&e), "two households assigned: BUDI and DEWI");
	struct vt *t = e2e_start_login(&e, "siti");
	e2e_wait(t, SASARAN, "the worklist lists the assigned households");
	int r = row_of(t, "BUDI SANTOSO");
	e2e_ok(t, r >= 0 && vt_find_in_row(t, r, BUDI) >= 0 && vt_find_in_row(t, r, "002") >= 0 &&
		vt_find_in_row(t, r, SASARAN) >= 0,
		"BUDI: NIK, the registry's name and RW, not verified yet");
	e2e_ok(t, rows_with(t, SASARAN) == 2, "both households listed");
	e2e_ok(t, vt_has_text(t, "Semua 2") && vt_has_text(t, "Sasaran 2"),
		"counts: all the list shows (2), 2 households to verify");
	for (int i = 0; i < STATE_COUNT + 1; i++)
		vt_send(t, "<F4>");
	e2e_wait(t, "Status: Sasaran", "F4 past the record states: the households to verify");
	e2e_ok(t, rows_with(t, SASARAN) == 2, "... both listed");
	vt_send(t, "<F4>");
	e2e_wait(t, "Status: semua", "F4 once more: all again");

	vt_send(t, "budi");
	e2e_wait(t, "Cari NIK/nama: budi", "search by the registry's name");
	e2e_ok(t, rows_with(t, SASARAN) == 1, "only BUDI's household");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Verifikasi baru", "Enter opens a new verification");
	e2e_ok(t, vt_has_text(t, "BUDI SANTOSO") && vt_has_text(t, "JL. MAWAR NO. 5"),
		"the registry's name and address are filled in");
	e2e_ok(t, vt_has_text(t, BUDI) || vt_has_text(t, "3671 0115 0385 0002") ||
		vt_has_text(t, "3671-0115-0385-0002") || vt_has_text(t, "367101 150385 0002"),
		"with BUDI's NIK");
	vt_send(t, "<F2>");
	e2e_wait(t, "Draf tersimpan", "F2 saves the draft");
	vt_send(t, "<Esc>");
	e2e_wait(t, "Sasaran 1", "back on the worklist: one household left to verify");
	vt_send(t, "<Esc>");
	e2e_wait(t, "ANGGRA", "the search cleared: DEWI listed again");
	e2e_ok(t, vt_has_text(t, "Draf 1"), "the draft counted");
	r = row_of(t, "BUDI SANTOSO");
	e2e_ok(t, r >= 0 && vt_find_in_row(t, r, "Draf") >= 0 &&
		vt_find_in_row(t, r, SASARAN) < 0 && rows_with(t, "BUDI SANTOSO") == 1,
		"BUDI is now his draft, listed once");
	e2e_ok(t, rows_with(t, SASARAN) == 1, "DEWI is still to verify");
	e2e_quit(t, "<F10>", "quit");
	vt_free(t);
	e2e_cleanup(&e);
	return tap_done();
}
