/* More of the screens: the warnings that must be seen before finalising,
 * a correction of a final record, the worklist's search, filters and
 * counts, and names cropped by display width. */
#include "config.h"
#include "e2e.h"
#include "tap.h"
#include "store/fixture.h"

#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define BUDI "3671011503850002"
#define SITI "3671015708900003"          /* same KK as BUDI */
#define AHMAD "3671010202800006"         /* registry birth date differs from the NIK */
#define RINA "3603016505750007"          /* NIK from Kabupaten Tangerang */
#define CIKOKOL -6.205818, 106.628278
#define KARAWACI -6.190364, 106.626122   /* another kelurahan, ~1.7 km away */
#define MONAS -6.175392, 106.827153      /* Jakarta */

static void exif_time(long days_ago, char buf[20])
{
	time_t t = time(NULL) - (time_t)(days_ago * 86400);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 20, "%Y:%m:%d %H:%M:%S", &tm);
}

/* Attach the file named (typed as a filter) to the slot the picker is on. */
static void pick(struct vt *t, const char *name, const char *next)
{
	char keys[128];
	snprintf(keys, sizeof keys, "%s<Enter>", name);
	vt_send(t, keys);
	vt_wait_text(t, next, E2E_TIMEOUT);
	vt_wait_quiet(t, E2E_SETTLE, E2E_TIMEOUT);
}

static void finalise_budi(struct vt *t)
{
	vt_send(t, "<F3>" BUDI "<Enter><Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto KTP", "BUDI: picker");
	pick(t, "budi_ktp", "Foto KK");
	pick(t, "budi_kk", "Foto Rumah");
	pick(t, "budi_rumah", "dari foto Rumah");
	vt_send(t, "l<F9>");
	e2e_wait(t, "Tidak ada peringatan", "BUDI: no warnings");
	vt_send(t, "<Enter>");
	e2e_wait(t, "difinalkan", "BUDI final, layak");
}

static void test_warnings(struct vt *t)
{
	finalise_budi(t);

	/* SITI: a photo of BUDI's record, an old one, a house in Karawaci */
	vt_send(t, "<F3>" SITI "<Enter><Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto KTP", "SITI: picker");
	pick(t, "budi_rumah", "Foto KK");
	pick(t, "old_kk", "Foto Rumah");
	pick(t, "karawaci", "dari foto Rumah");
	e2e_ok(t, vt_has_text(t, "Kel. Karawaci"), "the house is in Karawaci");
	vt_send(t, "l");
	e2e_wait(t, "[x] Layak", "SITI layak");
	e2e_ok(t, vt_has_text(t, "Peringatan") && vt_has_text(t, "lagi (F9 menampilkan semuanya)"),
		"the form lists the warnings it has room for");
	vt_send(t, "<F9>");
	e2e_wait(t, "Periksa peringatan ini dulu", "F9 shows every warning first");
	static const char *const expected[] = {
		"foto yang sama sudah dipakai di rekaman lain",
		"foto diambil lebih dari 30 hari yang lalu",
		"lokasi di kelurahan lain dari alamat penerima",
		"foto-foto berjarak lebih dari 500 m satu sama lain",
		"anggota lain dari KK yang sama sudah ditandai layak",
	};
	for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
		char what[160];
		snprintf(what, sizeof what, "warning: %s", expected[i]);
		e2e_ok(t, vt_has_text(t, expected[i]), what);
	}
	vt_send(t, "<Enter>");
	e2e_wait(t, "difinalkan", "warnings do not block: SITI final");

	vt_send(t, "<F3>" AHMAD);
	e2e_wait(t, "AHMAD FAUZI", "AHMAD filled in");
	e2e_ok(t, vt_has_text(t, "tanggal lahir atau jenis kelamin di NIK berbeda"),
		"the NIK's birth date disagrees with the registry: said at once");
	vt_send(t, "<Esc>");
	e2e_wait(t, "Cari NIK/nama", "AHMAD kept as a draft");

	vt_send(t, "<F3>" RINA);
	e2e_wait(t, "RINA MARLINA", "RINA filled in");
	e2e_ok(t, vt_has_text(t, "NIK terdaftar di luar Kota Tangerang"), "a NIK from outside the city is said");
	vt_send(t, "<Enter><Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto KTP", "RINA: picker");
	vt_send(t, "broken");
	e2e_wait(t, "bukan foto JPEG", "a file that is not a photo: said why");
	vt_send(t, "<Enter>");
	e2e_wait(t, "bukan foto JPEG", "Enter refuses it");
	e2e_ok(t, vt_has_text(t, "Pilih foto untuk: Foto KTP"), "the picker stays open");
	vt_send(t, "<BS><BS><BS><BS><BS><BS>monas");
	e2e_wait(t, "di luar Kota Tangerang", "the picker says the photo is outside the city");
	vt_send(t, "<Enter><Esc>");
	e2e_wait(t, "lokasi di luar Kota Tangerang", "and so does the form");
	vt_send(t, "<Esc>");
	e2e_wait(t, "Cari NIK/nama", "RINA kept as a draft");

	vt_send(t, "<F3>" BUDI);
	e2e_wait(t, "NIK ini sudah punya rekaman verifikasi", "a second record for a NIK is said");
	vt_send(t, "<F8>");
	e2e_wait(t, "Buang draf", "F8 offers to drop it");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Draf dibuang", "dropped");
}

static int counted;

static int count_file(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	if (flag == FTW_F)
		counted++;
	return 0;
}

/* Photo files the store holds for the profile. */
static int stored_photos(struct e2e *e)
{
	char dir[PATH_MAX + 16];
	snprintf(dir, sizeof dir, "%s/siti/photos", e->data);
	counted = 0;
	nftw(dir, count_file, 8, FTW_PHYS);
	return counted;
}

/* A photo attached and detached again leaves no file behind. */
static void test_detach(struct e2e *e, struct vt *t)
{
	int before = stored_photos(e);
	vt_send(t, AHMAD);
	e2e_wait(t, "AHMAD FAUZI", "AHMAD's draft found by its NIK");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Verifikasi (draf)", "the draft opens");
	vt_send(t, "<Enter>lone<Enter><Esc>");
	e2e_wait(t, "lone.jpg", "a photo attached");
	is_int(stored_photos(e), before + 1, "copied into the store");
	vt_send(t, "<BS>");
	e2e_wait(t, "dilepas", "Backspace on the slot detaches it");
	is_int(stored_photos(e), before, "and the copy no record names is gone");
	vt_send(t, "<Esc>");
	e2e_wait(t, "Cari NIK/nama", "back to the list");
	vt_send(t, "<Esc>");
	/* "Semua 4" is there before too: wait for the search box itself */
	e2e_ok(t, vt_wait_gone(t, "Cari NIK/nama: " AHMAD, E2E_TIMEOUT), "Esc clears the search");
	vt_wait_quiet(t, E2E_SETTLE, E2E_TIMEOUT);
}

static void test_correction(struct vt *t)
{
	vt_send(t, "SANTOSO");
	e2e_wait(t, "Cari NIK/nama: SANTOSO", "search by name");
	vt_wait_quiet(t, E2E_SETTLE, E2E_TIMEOUT);
	int row, col;
	e2e_ok(t, vt_find(t, BUDI, &row, &col) && !vt_has_text(t, SITI), "only BUDI's record");
	vt_send(t, "<Enter>");
	e2e_wait(t, "beku", "a final record opens frozen");
	vt_send(t, "<F6>");
	e2e_wait(t, "Koreksi rekaman final (draf)", "F6 starts a correction");
	e2e_ok(t, vt_has_text(t, "budi_rumah.jpg") && vt_has_text(t, "[x] Layak"), "a copy of the final record");
	vt_send(t, "t");
	e2e_wait(t, "Alasan tidak layak", "now not eligible: the reason is asked");
	vt_send(t, "<Down><Down><Enter>");
	e2e_wait(t, "Sudah mampu", "reason chosen with the arrows");
	vt_send(t, "<F9>");
	e2e_wait(t, "Finalkan rekaman", "confirm");
	vt_send(t, "<Enter>");
	e2e_wait(t, "difinalkan", "the correction is final");
	e2e_ok(t, vt_has_text(t, "Tidak layak") && vt_has_text(t, "Layak  "), "both records are listed");
	vt_send(t, "<Esc>");
	e2e_wait(t, "Semua 5", "Esc clears the search");
}

static int rows_with(struct vt *t, const char *text)
{
	int n = 0;
	for (int r = 4; r < vt_rows(t) - 3; r++)
		if (vt_find_in_row(t, r, text) >= 0)
			n++;
	return n;
}

static void test_filters(struct vt *t)
{
	e2e_ok(t, vt_has_text(t, "Semua 5  Draf 2  Final 3"), "counts by state");
	vt_send(t, "<F4>");
	e2e_wait(t, "Status: Draf", "F4: drafts only");
	e2e_ok(t, rows_with(t, "Draf") == 2 && rows_with(t, "Final") == 0, "two drafts listed");
	vt_send(t, "<C-g>");
	e2e_wait(t, "Status: Final", "Ctrl-G: finals only");
	e2e_ok(t, rows_with(t, "Final") == 3, "three finals listed");
	for (int i = 0; i < 5; i++)
		vt_send(t, "<F4>");
	e2e_wait(t, "Status: semua", "round to all again");
	vt_send(t, "<F7>");
	e2e_wait(t, "Saring menurut RW", "F7 asks for the RW");
	vt_send(t, "4<Enter>");
	e2e_wait(t, "RW: 004", "RW 4 is RW 004");
	e2e_ok(t, rows_with(t, AHMAD) == 1 && rows_with(t, BUDI) == 0, "only AHMAD lives in RW 004");
	vt_send(t, "<C-r><BS><BS><BS><Enter>");
	e2e_wait(t, "RW: semua", "emptied: every RW");
	vt_send(t, "aminah");
	e2e_wait(t, "Cari NIK/nama: aminah", "search by part of the name, any case");
	vt_wait_quiet(t, E2E_SETTLE, E2E_TIMEOUT);
	e2e_ok(t, vt_has_text(t, SITI), "SITI found");
	e2e_ok(t, rows_with(t, "36") == 1, "one match");
	vt_send(t, "<Esc>36710115");
	e2e_wait(t, BUDI, "search by the start of the NIK");
	e2e_ok(t, rows_with(t, "3671011503850002") == 2, "both of BUDI's records");
	vt_send(t, "<Esc>");
	e2e_wait(t, "Semua 5", "all again");
}

static void test_cropping(struct vt *t)
{
	vt_send(t, "<F3>3671012001700004<Esc><F3>3671014909920009<Esc>");
	e2e_wait(t, "Semua 7", "two more drafts");
	int r1 = -1, r2 = -1, col;
	for (int r = 4; r < vt_rows(t) - 3; r++) {
		if (vt_find_in_row(t, r, "3671012001700004") >= 0)
			r1 = r;
		if (vt_find_in_row(t, r, "3671014909920009") >= 0)
			r2 = r;
	}
	e2e_ok(t, r1 >= 0 && r2 >= 0, "both listed");
	e2e_ok(t, vt_find_in_row(t, r1, "MUHAMMAD RIZKY RAMADHAN") >= 0
		&& vt_find_in_row(t, r1, "HIDAYATULLAH") < 0, "a long name is cropped");
	e2e_ok(t, vt_find_in_row(t, r2, "TAN 陳美玲 SUSANTI") >= 0, "wide characters shown whole");
	col = vt_find_in_row(t, 3, "RW");
	e2e_ok(t, vt_find_in_row(t, r1, "003") == col && vt_find_in_row(t, r2, "005") == col,
		"the RW column lines up after both names (cropped by display width)");
	e2e_ok(t, vt_find_in_row(t, r1, "Draf") == vt_find_in_row(t, r2, "Draf"), "so does the state");
}

int main(void)
{
	struct e2e e;
	char yesterday[20], old[20];
	exif_time(1, yesterday);
	exif_time(40, old);
	long now = (long)time(NULL);
	ok(e2e_init(&e, "ui-more"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile");
	ok(e2e_photo(&e, "budi_ktp.jpg", CIKOKOL, yesterday, now - 600)
		&& e2e_photo(&e, "budi_kk.jpg", CIKOKOL, yesterday, now - 500)
		&& e2e_photo(&e, "budi_rumah.jpg", CIKOKOL, yesterday, now - 400)
		&& e2e_photo(&e, "old_kk.jpg", CIKOKOL, old, now - 300)
		&& e2e_photo(&e, "karawaci.jpg", KARAWACI, yesterday, now - 200)
		&& e2e_photo(&e, "monas.jpg", MONAS, yesterday, now - 100)
		&& e2e_photo(&e, "lone.jpg", CIKOKOL, yesterday, now - 50), "photos");
	char broken[PATH_MAX + 16];
	snprintf(broken, sizeof broken, "%s/broken.jpg", e.photos);
	ok(fixture_write_text(broken, "not a photo, just text\n"), "a text file named .jpg");
	struct vt *t = e2e_start(&e, 24, 80, NULL);
	e2e_login(t, "siti");
	test_warnings(t);
	test_detach(&e, t);
	test_correction(t);
	test_filters(t);
	test_cropping(t);
	vt_send(t, "<F10>");
	is_int(vt_wait_exit(t, E2E_TIMEOUT), 0, "quit");
	vt_free(t);
	e2e_cleanup(&e);
	return tap_done();
}
