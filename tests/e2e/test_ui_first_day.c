/* A clerk's first day (issue 15), in the real sigacor in a pty at 80x24:
 * F9 on a blocked record shows every blocker and warning; the coordinate
 * dialog takes a pasted pair and one Enter when it comes filled in; typed
 * coordinates are the house's (no "outside the city" from the photo). */
#include "config.h"
#include "e2e.h"
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

int main(void)
{
	test_f9_lists_every_blocker();
	test_coordinate_dialog();
	return tap_done();
}
