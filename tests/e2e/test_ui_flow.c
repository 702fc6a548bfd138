/* The clerk's job end to end, in the real sigacor in a pty: one recipient
 * from NIK to a final record and a restart that finds it; an invalid NIK;
 * a NIK not in the registry; photos without GPS and coordinates typed by
 * hand. */
#include "config.h"
#include "e2e.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define CIKOKOL_LAT -6.205818
#define CIKOKOL_LON 106.628278

/* "YYYY:MM:DD HH:MM:SS" days ago (EXIF form) */
static void exif_time(int days_ago, char buf[20])
{
	time_t t = time(NULL) - (time_t)days_ago * 86400;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, 20, "%Y:%m:%d %H:%M:%S", &tm);
}

/* Keys typed in the screens, NIK digits excluded, for the clerk's count. */
static int keys;

static void key(struct vt *t, const char *k)
{
	keys++;
	vt_send(t, k);
}

/* Field n (0-based) of a CSV line without quotes, into out. */
static bool csv_field(const char *line, int n, char *out, size_t cap)
{
	const char *p = line;
	for (int i = 0; i < n; i++) {
		p = strchr(p, ',');
		if (p == NULL)
			return false;
		p++;
	}
	size_t len = strcspn(p, ",\n");
	if (len >= cap)
		return false;
	memcpy(out, p, len);
	out[len] = '\0';
	return true;
}

/* The registry part of the record the screens made and of one `sigacor add`
 * makes for the same NIK: one fill-in (registry_fill_record), the same
 * fields.  Export columns: 2 nik, 3 kk, 4 name, 5 address, 6 kelurahan,
 * 20 in_registry. */
static void test_fill_in_same_as_add(struct e2e *e)
{
	static const int columns[] = { 2, 3, 4, 5, 6, 20 };
	const char *add[] = { "add", "--nik", "3671011503850002", NULL };
	const char *export_args[] = { "export", NULL };
	char path[PATH_MAX + 16];
	snprintf(path, sizeof path, "%s/export.csv", e->dir);
	ok(e2e_cli(e, "siti", add) == 0, "sigacor add: a draft for the NIK the screens verified");
	ok(e2e_cli_to(e, "siti", export_args, path) == 0, "sigacor export");
	char lines[3][2048] = { "", "", "" };
	FILE *f = fopen(path, "r");
	int n = 0;
	while (f != NULL && n < 3 && fgets(lines[n], sizeof lines[n], f) != NULL)
		n++;
	bool more = f != NULL && fgetc(f) != EOF;
	if (f != NULL)
		fclose(f);
	ok(n == 3 && !more && strchr(lines[1], '"') == NULL && strchr(lines[2], '"') == NULL,
		"two records, no quoted fields");
	for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++) {
		char a[512], b[512];
		bool got = csv_field(lines[1], columns[i], a, sizeof a)
			&& csv_field(lines[2], columns[i], b, sizeof b);
		ok(got && a[0] != '\0' && strcmp(a, b) == 0, "column %d the same from the screens and "
			"from add: '%s'", columns[i], got ? a : "?");
	}
	char address[512];
	ok(csv_field(lines[1], 5, address, sizeof address)
		&& strstr(address, "RT 001/RW 002") != NULL, "the address carries RT/RW: %s", address);
}

static void test_full_verification(void)
{
	struct e2e e;
	char taken[20];
	ok(e2e_init(&e, "ui-flow"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile with the test residents");
	long now = (long)time(NULL);
	exif_time(1, taken);
	/* taken in this order, so the newest (Rumah) is listed first */
	ok(e2e_photo(&e, "ktp.jpg", CIKOKOL_LAT, CIKOKOL_LON, taken, now - 300)
		&& e2e_photo(&e, "kk.jpg", CIKOKOL_LAT, CIKOKOL_LON + 0.0001, taken, now - 200)
		&& e2e_photo(&e, "rumah.jpg", CIKOKOL_LAT + 0.0001, CIKOKOL_LON, taken, now - 100),
		"three photos with GPS in Cikokol");

	struct vt *t = e2e_start_login(&e, "siti");
	e2e_ok(t, vt_altscreen(t), "the screens use the alternate screen");

	keys = 0;
	key(t, "<F3>");
	e2e_wait(t, "Verifikasi baru", "F3 opens a new verification");
	vt_send(t, "36710115038500");
	e2e_wait(t, "36710115038500__", "the digits typed so far, and the places left");
	e2e_ok(t, !vt_has_text(t, "BUDI SANTOSO"), "nothing filled in before the 16th digit");
	vt_send(t, "02");
	e2e_wait(t, "BUDI SANTOSO", "16th digit: the name from the registry");
	e2e_ok(t, vt_has_text(t, "JL. MAWAR NO. 5 RT 001/RW 002"), "address with RT/RW");
	e2e_ok(t, vt_has_text(t, "Cikokol, Kec. Tangerang"), "kelurahan");
	e2e_ok(t, vt_has_text(t, "KK 3671010101100001"), "KK number");
	e2e_ok(t, vt_has_text(t, "15-03-1985"), "birth date");
	e2e_ok(t, vt_has_text(t, "sah; laki-laki, 15-03-1985"), "the NIK is valid, in words");

	key(t, "<Enter>");
	e2e_wait(t, "Enter: pilih foto", "Enter moves to the KTP slot");
	key(t, "<Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto KTP", "the picker opens for the KTP");
	e2e_ok(t, vt_has_text(t, "/photos"), "it starts in the inbox");
	int r_rumah, r_ktp, c;
	e2e_ok(t, vt_find(t, "rumah.jpg", &r_rumah, &c) && vt_find(t, "ktp.jpg", &r_ktp, &c)
		&& r_rumah < r_ktp, "newest first");
	e2e_ok(t, vt_has_text(t, "GPS -6.20"), "GPS of the highlighted photo");
	e2e_ok(t, vt_has_text(t, "Kel. Cikokol"), "and its kelurahan");
	key(t, "<Down>");
	key(t, "<Down>");
	key(t, "<Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto KK", "KTP attached: on to the KK");
	e2e_ok(t, vt_has_text(t, "[Foto KTP] ktp.jpg"), "the attached file is tagged");
	key(t, "<Down>");
	key(t, "<Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto Rumah", "KK attached: on to the house");
	key(t, "<Enter>");
	e2e_wait(t, "dari foto Rumah", "all three attached: coordinates from the Rumah photo");
	e2e_ok(t, vt_has_text(t, "ktp.jpg") && vt_has_text(t, "kk.jpg") && vt_has_text(t, "rumah.jpg"),
		"the three slots name their files");
	e2e_ok(t, vt_has_text(t, "Kel. Cikokol"), "the point is in Cikokol");
	e2e_ok(t, vt_has_text(t, "l: layak"), "focus on the decision");
	key(t, "l");
	e2e_wait(t, "[x] Layak", "l marks Layak");
	key(t, "<F9>");
	e2e_wait(t, "Finalkan rekaman", "F9 asks to confirm");
	e2e_ok(t, vt_has_text(t, "Tidak ada peringatan"), "no warnings for this one");
	key(t, "<Enter>");
	e2e_wait(t, "difinalkan", "finalised, back in the list");
	e2e_ok(t, vt_has_text(t, "Final") && vt_has_text(t, "Layak"), "the list shows it final and layak");
	tap_diag("keys for one record from the worklist, NIK excluded: %d", keys);
	ok(keys <= 15, "at most 15 keys for one record (%d)", keys);
	e2e_quit(t, "<F10>", "F10 quits with status 0");
	e2e_ok(t, !vt_altscreen(t) && !vt_has_text(t, "BUDI"), "back on the normal screen, no personal data");
	e2e_ok(t, strstr(vt_scrollback(t), "BUDI") == NULL, "nothing personal in the scrollback");
	vt_free(t);

	t = e2e_start_login(&e, "siti");
	e2e_wait(t, "BUDI SANTOSO", "after a restart the record is there");
	e2e_ok(t, vt_has_text(t, "Final"), "still final");
	vt_send(t, "<Enter>");
	e2e_wait(t, "beku", "opened: frozen");
	e2e_ok(t, vt_has_text(t, "rumah.jpg") && vt_has_text(t, "[x] Layak"), "with its photos and decision");
	vt_send(t, "x");
	vt_wait_quiet(t, 150, E2E_TIMEOUT);
	e2e_ok(t, !vt_has_text(t, "Layak  x") && vt_has_text(t, "beku"), "typing changes nothing");
	e2e_quit(t, "<Esc><C-x>", "Ctrl-X quits");
	vt_free(t);
	test_fill_in_same_as_add(&e);
	e2e_cleanup(&e);
}

static void test_invalid_nik(void)
{
	struct e2e e;
	ok(e2e_init(&e, "ui-badnik"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile");
	struct vt *t = e2e_start_login(&e, "siti");
	vt_send(t, "<C-t>");
	e2e_wait(t, "Verifikasi baru", "Ctrl-T opens a new verification");
	vt_send(t, "367101151385");
	e2e_wait(t, "bulan lahir harus 01-12", "month 13 is named as typed");
	vt_send(t, "0002");
	vt_wait_quiet(t, 100, E2E_TIMEOUT);
	e2e_ok(t, vt_has_text(t, "bulan lahir harus 01-12") && !vt_has_text(t, "BUDI"), "16 digits, still invalid");
	vt_send(t, "<Enter>");
	e2e_wait(t, "NIK belum sah", "Enter refuses an invalid NIK");
	for (int i = 0; i < 16; i++)
		vt_send(t, "<BS>");
	vt_send(t, "3671A");
	e2e_wait(t, "hanya boleh berisi angka", "a letter is named");
	for (int i = 0; i < 5; i++)
		vt_send(t, "<BS>");
	vt_send(t, "0001011503850002");
	e2e_wait(t, "kode provinsi", "an unknown province is named");
	vt_send(t, "<Esc>");
	e2e_wait(t, "Draf belum tersimpan", "leaving asks: an invalid NIK cannot be a draft");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Belum ada rekaman", "left without saving");
	e2e_quit(t, "<F10>", "quit");
	vt_free(t);
	e2e_cleanup(&e);
}

static void test_not_in_registry(void)
{
	struct e2e e;
	ok(e2e_init(&e, "ui-noreg"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile");
	struct vt *t = e2e_start_login(&e, "siti");
	/* typed in the search box first: no match, Enter starts with it */
	vt_send(t, "3671016506950008");
	e2e_wait(t, "Tidak ada rekaman yang cocok", "search finds nothing");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Tidak ada di data kependudukan", "not in the registry: said so");
	e2e_ok(t, vt_has_text(t, "NIK tidak ada di data kependudukan: periksa NIK-nya"),
		"and warned about in the list of warnings (a typo is likely)");
	e2e_ok(t, vt_has_text(t, "perempuan, 25-06-1995"), "the NIK itself is decoded");
	vt_send(t, "Sri Wahyuni<Enter>");
	vt_send(t, "Gg. Kenari No. 2, RT 3 RW 4<Enter>");
	e2e_wait(t, "belum dipilih; Enter: pilih", "name and address by hand, then the kelurahan");
	vt_send(t, "<Enter>5");
	e2e_wait(t, "Enter: pilih foto", "Cikokol picked from the NIK's kecamatan, then the photos");
	vt_send(t, "<F2>");
	e2e_wait(t, "Draf tersimpan", "F2 saves a draft");
	vt_send(t, "<Esc>");
	e2e_wait(t, "Sri Wahyuni", "the list shows the typed name");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Gg. Kenari No. 2", "reopened with the typed address");
	e2e_ok(t, vt_has_text(t, "Tidak ada di data kependudukan"), "still marked not in the registry");
	e2e_quit(t, "<Esc><F10>", "quit");
	vt_free(t);
	e2e_cleanup(&e);
}

static void test_no_gps_manual_coordinates(void)
{
	struct e2e e;
	char taken[20];
	exif_time(2, taken);
	ok(e2e_init(&e, "ui-nogps"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile");
	long now = (long)time(NULL);
	ok(e2e_photo(&e, "a_ktp.jpg", 0, 0, taken, now - 30)
		&& e2e_photo(&e, "b_kk.jpg", 0, 0, taken, now - 20)
		&& e2e_copy_photo(&e, "whatsapp_karawaci.jpg", 0), "photos without GPS");
	struct vt *t = e2e_start_login(&e, "siti");
	vt_send(t, "<F3>3671015708900003");
	e2e_wait(t, "SITI AMINAH", "registry fill-in");
	vt_send(t, "<Enter><Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto KTP", "picker");
	/* type to filter */
	vt_send(t, "ktp");
	e2e_wait(t, "1 dari", "typing filters the list");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto KK", "KTP attached");
	vt_send(t, "kk<Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto Rumah", "KK attached");
	vt_send(t, "whats");
	e2e_wait(t, "tanpa GPS: tidak ada data EXIF", "the picker says why there is no GPS");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Enter: isi manual", "no GPS anywhere: the coordinates are asked for");
	e2e_ok(t, vt_has_text(t, "whatsapp_karawaci.jpg"), "the WhatsApp photo is attached");
	e2e_ok(t, vt_has_text(t, "ada foto tanpa GPS"), "the warning is shown");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Koordinat rumah (manual)", "Enter opens the manual entry");
	vt_send(t, "-6,2058<Enter>106.6283<Enter><Enter>");
	e2e_wait(t, "Tulis alasan", "a reason is required");
	vt_send(t, "foto kiriman WhatsApp<Enter>");
	e2e_wait(t, "(diisi manual)", "coordinates typed by hand");
	e2e_ok(t, vt_has_text(t, "-6.205800, 106.628300") && vt_has_text(t, "Kel. Cikokol"),
		"decimal comma accepted; the kelurahan is shown");
	vt_send(t, "t");
	e2e_wait(t, "Alasan tidak layak", "t asks for the official reason");
	vt_send(t, "3");
	e2e_wait(t, "Sudah mampu", "reason 3 chosen");
	vt_send(t, "<F9>");
	e2e_wait(t, "Periksa peringatan ini dulu", "the warnings are shown before finalising");
	e2e_ok(t, vt_has_text(t, "ada foto tanpa GPS"), "including the photo without GPS");
	vt_send(t, "<Enter>");
	e2e_wait(t, "difinalkan", "finalised");
	e2e_ok(t, vt_has_text(t, "Tidak layak"), "the list shows the decision");

	/* the picker starts where the last photo came from */
	char sub[PATH_MAX + 8];
	snprintf(sub, sizeof sub, "%s/sub", e.photos);
	ok(mkdir(sub, 0700) == 0 && e2e_photo(&e, "sub/c_ktp.jpg", 0, 0, taken, now - 10), "a photo in a sub-folder");
	vt_send(t, "<F3>3671011503850002<Enter><Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto KTP", "picker for another record");
	e2e_ok(t, !vt_has_text(t, "/photos/sub"), "it starts in the inbox");
	vt_send(t, "sub<Enter>");
	e2e_wait(t, "/photos/sub", "Enter on a folder goes into it");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto KK", "a photo from there attached");
	vt_send(t, "<Esc><Esc>");
	e2e_wait(t, "Cari NIK/nama", "draft kept");
	vt_send(t, "<F3>3671012001700004<Enter><Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto KTP", "picker for the next record");
	e2e_ok(t, !vt_has_text(t, "/photos/sub"), "the configured inbox wins over the folder used last");
	vt_send(t, "sub<Enter>");
	e2e_wait(t, "/photos/sub", "into the sub-folder");
	vt_send(t, "<Left>");
	e2e_wait(t, "b_kk.jpg", "Left goes up to the parent folder");
	e2e_quit(t, "<Esc><Esc><F10>", "quit");
	vt_free(t);
	e2e_cleanup(&e);
}

/* A fresh machine: the first volunteer makes a profile on the screen. */
static void test_new_profile(void)
{
	struct e2e e;
	ok(e2e_init(&e, "ui-newprofile"), "test folder");
	struct vt *t = e2e_start(&e, 24, 80, NULL);
	e2e_wait(t, "Profil petugas baru", "no profile yet: asked to make one");
	e2e_ok(t, vt_has_text(t, "Lupa kata sandi = hilang yang belum terkirim"),
		"where the password is chosen: what a forgotten one loses (issue 12)");
	vt_send(t, "ani<Enter>abc<Enter>abc<Enter>");
	e2e_wait(t, "Kata sandi terlalu pendek", "a short password is refused");
	vt_send(t, "<BS><BS><BS>rahasia1<Enter>rahasia2<Enter>");
	e2e_wait(t, "tidak sama", "two different passwords are refused");
	vt_send(t, E2E_PASSWORD "<Enter>" E2E_PASSWORD "<Enter>");
	e2e_wait(t, "Cari NIK/nama", "the profile is made and opened");
	e2e_ok(t, vt_has_text(t, "Petugas: ani"), "for ani");
	e2e_quit(t, "<F10>", "quit");
	vt_free(t);

	char path[PATH_MAX + 32], hash[256] = "";
	struct stat st;
	snprintf(path, sizeof path, "%s/ani/profile.key", e.data);
	FILE *f = fopen(path, "r");
	ok(f != NULL && fgets(hash, sizeof hash, f) != NULL, "the key file exists");
	if (f != NULL)
		fclose(f);
	ok(strncmp(hash, "sigacor-key-1 ", 14) == 0, "it holds the wrapped data key");
	ok(strstr(hash, E2E_PASSWORD) == NULL, "not the password");
	ok(stat(path, &st) == 0 && (st.st_mode & 0777) == 0600, "mode 0600");
	ok(stat(e.data, &st) == 0 && (st.st_mode & 0777) == 0700, "the data folder is 0700");

	t = e2e_start(&e, 24, 80, NULL);
	e2e_wait(t, "Pilih petugas", "next time: the list of profiles");
	vt_send(t, "<Enter>salah-sandi<Enter>");
	e2e_wait(t, "Kata sandi salah", "a wrong password is refused");
	vt_send(t, E2E_PASSWORD "<Enter>");
	e2e_wait(t, "Petugas: ani", "the right one opens the profile");
	vt_send(t, "<Esc>");
	e2e_wait(t, "Ganti petugas", "Esc in the list offers to switch operator");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Pilih petugas", "logged out: back to the profiles");
	e2e_quit(t, "<C-x>", "quit");
	vt_free(t);
	e2e_cleanup(&e);
}

int main(void)
{
	test_new_profile();
	test_full_verification();
	test_invalid_nik();
	test_not_in_registry();
	test_no_gps_manual_coordinates();
	return tap_done();
}
