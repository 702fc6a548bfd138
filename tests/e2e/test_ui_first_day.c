/* A clerk's first day (issue 15), in the real sigacor in a pty at 80x24:
 * F9 on a blocked record shows every blocker and warning; the coordinate
 * dialog takes a pasted pair and one Enter when it comes filled in; typed
 * coordinates are the house's (no "outside the city" from the photo). */
#include "config.h"
#include "e2e.h"
#include "store.h"
#include "tap.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#define BUDI "3671011503850002"
#define NOT_REGISTERED "3671016506950008"

static void test_f9_lists_every_blocker(void)
{
	struct e2e e;
	ok(e2e_init(&e, "ui-f9all"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile");
	struct vt *t = e2e_start_login(&e, "siti");
	vt_send(t, "<F3>" NOT_REGISTERED);
	e2e_wait(t, "Tidak ada di data kependudukan", "a NIK not in the registry");
	vt_send(t, "<F9>");
	e2e_wait(t, "Enter/Esc: tutup", "F9 on a blocked record opens the whole list");
	static const char *const expected[] = {
		"nama wajib diisi untuk NIK yang tidak ada di data kependudukan",
		"foto KTP belum dilampirkan",
		"foto KK belum dilampirkan",
		"foto rumah belum dilampirkan",
		"keputusan (layak / tidak layak) belum dipilih",
		"koordinat rumah belum ada",
		"NIK tidak ada di data kependudukan: periksa NIK-nya sekali lagi",
	};
	for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
		char what[160];
		snprintf(what, sizeof what, "listed whole: %s", expected[i]);
		e2e_ok(t, vt_has_text(t, expected[i]), what);
	}
	e2e_golden(&e, t, "form-all-problems");
	vt_send(t, "<Esc>");
	vt_wait_gone(t, "Enter/Esc: tutup", E2E_TIMEOUT);
	e2e_wait(t, "... dan", "closed: the form's panel again");
	e2e_ok(t, vt_has_text(t, "lagi (F9 menampilkan semuanya)"),
		"the panel under the form says F9 shows them all");
	e2e_quit(t, "<Esc><Esc><F10>", "quit");
	vt_free(t);
	e2e_cleanup(&e);
}

static void test_coordinate_dialog(void)
{
	struct e2e e;
	ok(e2e_init(&e, "ui-coord"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile");
	long now = (long)time(NULL);
	/* a house photo taken in Jakarta: outside Kota Tangerang */
	ok(e2e_photo(&e, "rumah_jakarta.jpg", -6.175392, 106.827153, NULL, now - 10), "a house photo outside the city");
	struct vt *t = e2e_start_login(&e, "siti");
	vt_send(t, "<F3>" BUDI);
	e2e_wait(t, "BUDI SANTOSO", "registry fill-in");
	vt_send(t, "<Enter><Down><Down><Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto Rumah", "the picker for the house");
	vt_send(t, "rumah<Enter>");
	e2e_wait(t, "Foto Rumah terlampir", "the house photo attached");
	vt_send(t, "<Esc>");
	e2e_wait(t, "dari foto Rumah", "its position is the house's");
	e2e_ok(t, vt_has_text(t, "lokasi di luar Kota Tangerang"), "outside the city: warned");
	vt_send(t, "<Down><Enter>");
	e2e_wait(t, "Koordinat rumah (manual)", "Enter on the coordinates opens the dialog");
	e2e_ok(t, vt_has_text(t, "keduanya di Lintang"), "the dialog says a pair may go in Lintang");
	/* the photo's latitude erased, then a pair as maps copy it */
	vt_send(t, "<End><BS><BS><BS><BS><BS><BS><BS><BS><BS>-6.205818, 106.628278<Enter>");
	vt_wait_quiet(t, E2E_SETTLE, E2E_TIMEOUT);
	e2e_ok(t, vt_has_text(t, "106.628278") && vt_has_text(t, "Koordinat rumah (manual)"),
		"the pair is split: the dialog asks for the reason next");
	vt_send(t, "GPS foto salah<Enter>");
	e2e_wait(t, "(diisi manual)", "one Enter after the reason: accepted");
	e2e_ok(t, vt_has_text(t, "-6.205818, 106.628278") && vt_has_text(t, "Kel. Cikokol"),
		"typed coordinates shown with their kelurahan");
	e2e_ok(t, !vt_has_text(t, "lokasi di luar Kota Tangerang"),
		"typed coordinates are the house's: the photo's position no longer warns");
	vt_send(t, "<Up><Enter>");
	e2e_wait(t, "Koordinat rumah (manual)", "the dialog again");
	vt_send(t, "<Enter>");
	ok(vt_wait_gone(t, "Koordinat rumah (manual)", E2E_TIMEOUT), "filled in: one Enter accepts");
	e2e_wait(t, "(diisi manual)", "still typed by hand");
	e2e_quit(t, "<Esc><F10>", "quit");
	vt_free(t);
	e2e_cleanup(&e);
}

/* Households assigned to siti (by the store's own download functions). */
static bool assign(struct e2e *e, const char *const *niks, const char *const *kks, int n)
{
	char err[512];
	struct store *s;
	/* the profile is keyed since import-residents made it (issue 12) */
	if (e2e_open_profile(e, "siti", &s, err, sizeof err) != STORE_OK)
		return false;
	struct candidate list[8];
	memset(list, 0, sizeof list);
	for (int i = 0; i < n && i < 8; i++) {
		snprintf(list[i].nik, sizeof list[i].nik, "%s", niks[i]);
		snprintf(list[i].kk, sizeof list[i].kk, "%s", kks[i]);
		snprintf(list[i].kelurahan, sizeof list[i].kelurahan, "%s", "36.71.01.1005");
		snprintf(list[i].program, sizeof list[i].program, "%s", "PKH");
	}
	bool done = store_sync_candidates_begin(s, "c1", n) == STORE_OK &&
		store_sync_candidates_page(s, list, (size_t)n, "", true) == STORE_OK;
	store_close(s);
	return done;
}

/* The name column (17..) of a worklist row, trimmed. */
static void row_name(struct vt *t, int row, char *out, size_t cap)
{
	const char *line = vt_row(t, row);
	snprintf(out, cap, "%s", strlen(line) > 18 ? line + 18 : "");
	char *gap = strstr(out, "  ");     /* the name ends before the RW column */
	if (gap != NULL)
		*gap = '\0';
}

static void test_worklist(void)
{
	struct e2e e;
	ok(e2e_init(&e, "ui-worklist"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile");
	static const char *const niks[] = { "3671011503850002", "3671015708900003",
		"3671014402880005", "3671010202800006" };
	static const char *const kks[] = { "3671010101100001", "3671010101100001",
		"3671010101100003", "3671010101100005" };
	ok(assign(&e, niks, kks, 4), "four households assigned");
	struct vt *t = e2e_start_login(&e, "siti");
	e2e_wait(t, "Sasaran 4", "the worklist counts the households to verify");
	e2e_ok(t, vt_has_text(t, "Semua 4"), "\"Semua\" counts what the list shows (not 0 over four rows)");
	int listed = 0;
	for (int r = 4; r < 23; r++)
		if (vt_find_in_row(t, r, "Sasaran") >= 0) {
			listed++;
			/* the label in the Status column (47..55), the Keputusan column
			 * (57..67) only "belum" */
			int at = vt_find_in_row(t, r, "Sasaran");
			e2e_ok(t, at == 47 && vt_find_in_row(t, r, "belum") == 57,
				"the household's label fits the Status column");
		}
	e2e_ok(t, listed == 4, "four rows to verify");
	/* a filter nothing matches says so */
	vt_send(t, "<C-r>");
	e2e_wait(t, "Nomor RW", "the RW filter");
	vt_send(t, "9<Enter>");
	e2e_wait(t, "Tidak ada yang cocok dengan saringan ini", "an empty filter says so");
	e2e_ok(t, !vt_has_text(t, "Belum ada rekaman"), "not that the profile is empty");
	vt_send(t, "<C-r><BS><BS><BS><Enter>");
	e2e_wait(t, "RW: semua", "the filter off");
	/* work on the 2nd row, come back: Down Down opens the 3rd row */
	vt_send(t, "<Down><Enter>");
	e2e_wait(t, "Verifikasi baru", "the 2nd household opened");
	vt_send(t, "<F2>");
	e2e_wait(t, "Draf tersimpan", "its draft saved");
	vt_send(t, "<Esc>");
	e2e_wait(t, "Draf 1", "back on the list");
	e2e_ok(t, vt_has_text(t, "Semua 4") && vt_has_text(t, "Sasaran 3"), "counts: one draft, three to verify");
	char third[128];
	row_name(t, 6, third, sizeof third);
	vt_send(t, "<Down><Down><Enter>");
	e2e_wait(t, "Verifikasi baru", "Down Down Enter opens a household");
	char what[sizeof third + 32];
	snprintf(what, sizeof what, "it is the 3rd row's (%s)", third);
	e2e_ok(t, third[0] != '\0' && vt_has_text(t, third), what);
	e2e_quit(t, "<Esc><F10>", "quit");
	vt_free(t);
	e2e_cleanup(&e);
}

/* A NIK one digit off BUDI's: his offered with name and address. */
static void test_near_nik(void)
{
	struct e2e e;
	ok(e2e_init(&e, "ui-near"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile");
	struct vt *t = e2e_start_login(&e, "siti");
	/* the last digit slipped: ...0003 for BUDI's ...0002 */
	vt_send(t, "<F3>3671011503850003");
	e2e_wait(t, "Mirip NIK terdaftar: Enter untuk melihat", "not in the registry, a registered NIK one digit away");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Maksudnya NIK terdaftar ini?", "Enter shows the registered NIKs one digit away");
	e2e_ok(t, vt_has_text(t, "1  3671011503850002  BUDI SANTOSO, JL. MAWAR NO. 5 RT 001/RW 002"),
		"BUDI's NIK with his name and address");
	e2e_ok(t, vt_has_text(t, "2  tetap 3671011503850003"), "or keep the NIK as typed");
	e2e_ok(t, vt_has_text(t, "Angka 1-2: langsung pilih"), "a digit picks");
	vt_send(t, "1");
	e2e_wait(t, "NIK diganti dengan 3671011503850002 (BUDI SANTOSO)", "1 picks BUDI's NIK");
	e2e_ok(t, vt_has_text(t, "JL. MAWAR NO. 5") && vt_has_text(t, "Kelurahan   Cikokol"),
		"the registry filled in the rest");
	e2e_ok(t, vt_has_text(t, "belum ada; Enter: pilih foto"), "on to the photos");
	/* two neighbours swapped, then kept as typed */
	vt_send(t, "<Up><End><BS><BS>20");
	e2e_wait(t, "Mirip NIK terdaftar", "...0020: BUDI's last two digits swapped");
	vt_send(t, "<Enter>");
	e2e_wait(t, "1  3671011503850002  BUDI SANTOSO", "BUDI offered for a swap too");
	vt_send(t, "2");
	vt_wait_gone(t, "Maksudnya NIK terdaftar ini?", E2E_TIMEOUT);
	e2e_wait(t, "Mirip NIK terdaftar", "kept as typed: still said to be unknown");
	e2e_ok(t, vt_has_text(t, "3671011503850020") && vt_has_text(t, "NIK tidak ada di data kependudukan: periksa"),
		"the typed NIK stays, with the warning");
	e2e_quit(t, "<Esc><Esc><F10>", "quit");
	vt_free(t);
	e2e_cleanup(&e);
}

/* A NIK the registry does not know: the Kelurahan field is reached like
 * the name and the address, Enter lists the kelurahan of the NIK's
 * kecamatan (a digit picks), its last row the other kecamatan; the draft
 * keeps what was picked. */
static void test_kelurahan_not_in_registry(void)
{
	struct e2e e;
	ok(e2e_init(&e, "ui-kelurahan"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile");
	struct vt *t = e2e_start_login(&e, "siti");
	vt_send(t, "<F3>" NOT_REGISTERED);
	e2e_wait(t, "Tidak ada di data kependudukan", "a NIK not in the registry");
	vt_send(t, "<Enter>SARI DEWI<Enter>JL. KENANGA 3<Enter>");
	e2e_wait(t, "belum dipilih; Enter: pilih", "after the address: the Kelurahan field, empty");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Kelurahan di Kec. Tangerang", "Enter lists the kelurahan of the NIK's kecamatan (367101)");
	e2e_ok(t, vt_has_text(t, "1  Sukarasa") && vt_has_text(t, "8  Babakan"),
		"its eight kelurahan, numbered");
	e2e_ok(t, vt_has_text(t, "9  Kecamatan lain"), "the last row opens the other kecamatan");
	vt_send(t, "5");
	e2e_wait(t, "Kelurahan   Cikokol, Kec. Tangerang", "5 picks Cikokol");
	e2e_ok(t, vt_has_text(t, "belum ada; Enter: pilih foto"), "on to the photos");
	vt_send(t, "<Up><Enter>");
	e2e_wait(t, "Kelurahan di Kec. Tangerang", "Up, Enter: the list again");
	vt_send(t, "9");
	e2e_wait(t, "7  Karawaci", "the list of Kota Tangerang's kecamatan");
	vt_send(t, "7");
	e2e_wait(t, "Kelurahan di Kec. Karawaci", "Karawaci's kelurahan");
	e2e_ok(t, vt_has_text(t, "16  Koang Jaya") && vt_has_text(t, "17  Kecamatan lain"),
		"all sixteen and the way out fit at 80x24");
	e2e_ok(t, vt_has_text(t, " 9  Bugel"), "numbers right-aligned past 9: the names line up");
	vt_send(t, "<End><Up><Enter>");
	e2e_wait(t, "Kelurahan   Koang Jaya, Kec. Karawaci", "the 16th picked with the arrows");
	vt_send(t, "<Esc>");
	e2e_wait(t, "SARI DEWI", "Esc keeps the draft, back on the list");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Kelurahan   Koang Jaya, Kec. Karawaci", "the draft reopened keeps the kelurahan picked");
	e2e_quit(t, "<Esc><F10>", "quit");
	vt_free(t);
	e2e_cleanup(&e);
}

int main(void)
{
	test_kelurahan_not_in_registry();
	test_near_nik();
	test_worklist();
	test_f9_lists_every_blocker();
	test_coordinate_dialog();
	return tap_done();
}
