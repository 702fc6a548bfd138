/* test_inbox_screen: photos from the clerk's phone through the screens
 * (sigacor in a pty, a real sigacor-server on 127.0.0.1).  In the photo
 * picker, "Kotak foto di server" shows a QR code: it decodes (zbarimg on a
 * rendering of the captured screen) to the address shown beside it; the
 * "phone" (curl) opens that page and sends three photos; Enter brings them
 * into the profile, byte for byte, and one is attached like any photo.
 * Under vt100 the address and the code are shown instead of a QR code. */
#include "config.h"
#include "e2e.h"
#include "synctest.h"
#include "tap.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BUDI "3671011503850002"

/* e2e_ok with the description formatted */
static void check(struct vt *t, bool cond, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void check(struct vt *t, bool cond, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	e2e_ok(t, cond, what);
}

static const char *const phone_photos[] = {
	"pillow__exif_gps.jpg", "mei__Samsung_GT-I9000_Galaxy_S.jpg", "pillow__hopper_orientation_6.jpg",
};

/* The QR rows of the screen (black on white half blocks) as a PBM image,
 * 8 pixels a module with a white border; false when there are none. */
static bool screen_qr_to_pbm(struct vt *t, const char *pbm)
{
	static bool bits[120][100];
	int w = 0, h = 0, first_col = -1;
	for (int r = 0; r < vt_rows(t) && h < 118; r++) {
		const char *row = vt_row(t, r);
		const char *q = strstr(row, "\xe2\x96");     /* the first half or full block */
		if (q == NULL || r < 2)
			continue;
		if (first_col < 0)
			first_col = 1;      /* the QR code is drawn from column 1 */
		int x = 0;
		/* column 1 onwards, one glyph a module column */
		const char *p = row;
		int col = 0;
		while (*p != '\0' && col < first_col) {
			p += ((unsigned char)*p & 0xe0) == 0xe0 ? 3 : 1;
			col++;
		}
		for (; *p != '\0' && x < 99; x++) {
			bool top = false, bottom = false;
			if (strncmp(p, "\xe2\x96\x88", 3) == 0)
				top = bottom = true;
			else if (strncmp(p, "\xe2\x96\x80", 3) == 0)
				top = true;
			else if (strncmp(p, "\xe2\x96\x84", 3) == 0)
				bottom = true;
			else if (*p != ' ')
				break;
			bits[h][x] = top;
			bits[h + 1][x] = bottom;
			p += *p == ' ' ? 1 : 3;
		}
		if (x > w)
			w = x;
		h += 2;
	}
	if (h == 0)
		return false;
	FILE *f = fopen(pbm, "w");
	if (f == NULL)
		return false;
	const int s = 6, border = 4;
	fprintf(f, "P1\n%d %d\n", (w + 2 * border) * s, (h + 2 * border) * s);
	for (int y = -border; y < h + border; y++)
		for (int sy = 0; sy < s; sy++) {
			for (int x = -border; x < w + border; x++)
				for (int sx = 0; sx < s; sx++)
					fputs(y >= 0 && y < h && x >= 0 && x < w && bits[y][x] ? "1 " : "0 ", f);
			fputc('\n', f);
		}
	return fclose(f) == 0;
}

/* zbarimg's reading of the image, or "" */
static void decode_qr(const char *pbm, char *out, size_t len)
{
	char cmd[PATH_MAX + 64];
	snprintf(cmd, sizeof cmd, "zbarimg -q --raw '%s' 2>/dev/null", pbm);
	out[0] = '\0';
	FILE *p = popen(cmd, "r");
	if (p == NULL)
		return;
	if (fgets(out, (int)len, p) != NULL)
		out[strcspn(out, "\r\n")] = '\0';
	pclose(p);
}

/* the "phone": open the page once, send the three photos, and for the one
 * without GPS (hopper) where the phone was; true when all three were
 * stored and the position taken */
static bool phone_sends(const char *url, const char *dir)
{
	char cmd[8192];
	const char *data = getenv("TESTDATA");
	snprintf(cmd, sizeof cmd, "set -e; key=$(curl -sf '%s' | grep -o 'data-key=\"[0-9a-f]*\"' "
		"| cut -d'\"' -f2); n=0; for f in %s %s %s; do "
		"code=$(curl -s -o /dev/null -w '%%{http_code}' -X POST -H 'Content-Type: image/jpeg' "
		"-H \"X-Upload-Key: $key\" -H \"X-File-Name: $f\" --data-binary @'%s/photos/'$f "
		"'%s/photos'); [ \"$code\" = 201 ] && n=$((n+1)); done; [ $n -eq 3 ]; "
		"sha=$(sha256sum '%s/photos/%s' | cut -c1-64); "
		"curl -sf -o /dev/null -X POST -H 'Content-Type: application/json' -H \"X-Upload-Key: $key\" "
		"--data-binary '{\"lat\":-6.17831,\"lon\":106.63098,\"accuracy_m\":9}' "
		"'%s/photos/'$sha/position >'%s/phone.log' 2>&1",
		url, phone_photos[0], phone_photos[1], phone_photos[2], data, url, data, phone_photos[2], url, dir);
	return system(cmd) == 0;
}

/* the URL on screen: "http://127.0.0.1:PORT/u/CODE" */
static bool shown_url(struct vt *t, char *out, size_t len)
{
	int row, col;
	if (!vt_find(t, "http://127.0.0.1:", &row, &col))
		return false;
	const char *s = vt_row(t, row);
	const char *start = strstr(s, "http://127.0.0.1:");
	size_t n = strcspn(start, " \xe2");
	snprintf(out, len, "%.*s", (int)n, start);
	return strstr(out, "/u/") != NULL;
}

static struct vt *open_picker(struct e2e *e)
{
	struct vt *t = e2e_start_login(e, "siti");
	if (t == NULL)
		return NULL;
	vt_send(t, "<F3>");
	e2e_wait(t, "Verifikasi baru", "F3: a new record");
	vt_send(t, BUDI);
	e2e_wait(t, "BUDI SANTOSO", "the NIK fills in");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Enter: pilih foto", "on the KTP slot");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto KTP", "the picker");
	return t;
}

static void test_qr_and_fetch(struct e2e *e, const char *profile)
{
	struct vt *t = open_picker(e);
	if (t == NULL)
		return;
	e2e_ok(t, vt_has_text(t, "[Kotak foto di server: kirim foto dari ponsel]"),
		"the picker's first row is the server's photo inbox");
	vt_send(t, "<Home>");
	e2e_wait(t, "Enter: kode QR untuk ponsel", "on it, the details line says what Enter does");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Pindai dengan kamera ponsel", "Enter: the QR code and the words beside it");
	char url[256] = "", decoded[256], pbm[PATH_MAX + 16];
	check(t, shown_url(t, url, sizeof url), "the address is shown: %s", url);
	snprintf(pbm, sizeof pbm, "%s/screen-qr.pbm", e->dir);
	e2e_ok(t, screen_qr_to_pbm(t, pbm), "the screen holds a QR code of half blocks");
	decode_qr(pbm, decoded, sizeof decoded);
	check(t, url[0] != '\0' && strcmp(decoded, url) == 0,
		"the QR code decodes to the address beside it (%s)", decoded);
	e2e_ok(t, vt_has_text(t, "dan ketik kode"), "and the code to type, for a phone without a camera app");

	vt_send(t, "<Enter>");
	e2e_wait(t, "Belum ada foto baru dari ponsel", "Enter before the phone sent anything: said so");
	e2e_ok(t, phone_sends(url, e->dir), "the phone opens the page and sends three photos");
	vt_send(t, "<Enter>");
	e2e_wait(t, "3 foto dari ponsel ada di folder ini", "Enter: the three photos come down");
	char folder[PATH_MAX * 2];
	snprintf(folder, sizeof folder, "%s/inbox", profile);
	/* the screens' profile has a password: the inbox holds each photo
	 * sealed, its clear bytes those the phone sent (read as sigacor reads) */
	struct st_client k;
	st_client_init(&k, e->data, "siti");
	k.password = E2E_PASSWORD;
	struct store *st = NULL;
	char why[512];
	bool opened = st_open_profile(&k, &st, why, sizeof why) == STORE_OK;
	int same = 0, sealed = 0;
	for (size_t i = 0; opened && i < 3; i++) {
		char want[PATH_MAX], got[PATH_MAX * 3], sha_cmd[PATH_MAX + 64];
		snprintf(want, sizeof want, "%s/photos/%s", getenv("TESTDATA"), phone_photos[i]);
		snprintf(sha_cmd, sizeof sha_cmd, "sha256sum '%s' | cut -c1-64", want);
		char sha[80] = "", clear_sha[65] = "";
		FILE *p = popen(sha_cmd, "r");
		if (p != NULL) {
			if (fgets(sha, sizeof sha, p) != NULL)
				sha[strcspn(sha, "\n")] = '\0';
			pclose(p);
		}
		snprintf(got, sizeof got, "%s/%.8s-%s", folder, sha, phone_photos[i]);
		same += store_file_sha256(st, got, clear_sha) && strcmp(clear_sha, sha) == 0;
		sealed += !st_same_file(want, got);
	}
	if (st != NULL)
		store_close(st);
	check(t, opened, "the profile opens with its password (%s)", opened ? "ok" : why);
	check(t, same == 3, "in PROFILE/inbox, the clear bytes those the phone sent (%d of 3)", same);
	check(t, sealed == 3, "... sealed on disk, not the phone's bytes (%d of 3)", sealed);
	e2e_ok(t, vt_has_text(t, "/inbox"), "the picker now shows that folder");
	/* the one the phone sent without GPS, found by typing part of its name */
	vt_send(t, "hopper<Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto KK", "Enter attaches one as the KTP: on to the KK");
	e2e_ok(t, vt_has_text(t, "[Foto KTP]"), "the attached file is tagged");
	vt_send(t, "<Esc>");
	e2e_wait(t, "-6.178310, 106.630980  (ponsel saat unggah)",
		"no GPS in the photo: the house placed where the phone was at upload, and said so");
	e2e_quit(t, "<Esc><F10>", "quit");
	vt_free(t);
}

static void test_vt100(struct e2e *e)
{
	e2e_setenv(e, "TERM", "vt100");
	struct vt *t = open_picker(e);
	if (t == NULL)
		return;
	vt_send(t, "<Up>");
	vt_send(t, "<Enter>");
	e2e_wait(t, "Buka alamat ini di ponsel", "vt100: the address instead of a QR code");
	char url[256] = "";
	e2e_ok(t, shown_url(t, url, sizeof url) && vt_has_text(t, "dan ketik kode")
		&& !vt_has_text(t, "\xe2\x96\x80"), "the address and the code, no half blocks");
	vt_send(t, "<Esc>");
	e2e_wait(t, "[Kotak foto di server", "Esc returns to the list");
	vt_send(t, "<Esc>");
	e2e_quit(t, "<Esc><F10>", "quit");
	vt_free(t);
	e2e_setenv(e, "TERM", "xterm-256color");
}

int main(void)
{
	struct e2e e;
	st_init();
	if (!e2e_init(&e, "inbox-screen") || !e2e_profile(&e, "siti"))
		return tap_done();
	char srv_dir[PATH_MAX + 16], assets[PATH_MAX];
	snprintf(srv_dir, sizeof srv_dir, "%s/server", e.dir);
	snprintf(assets, sizeof assets, "%s/assets/web", getenv("top_srcdir"));
	const char *add[] = { "add-operator", "siti", "--kelurahan", "36.71.01.1005", NULL };
	const char *extra[] = { "--web-assets", assets, NULL };
	/* the registry holds the household, so the pull at login keeps it */
	char csv[PATH_MAX + 16];
	snprintf(csv, sizeof csv, "%s/residents.csv", e.dir);
	const char *import[] = { "import-residents", csv, NULL };
	struct st_server srv;
	if (!ok(mkdir(srv_dir, 0700) == 0 && st_write_text(csv, "nik,kk,name,sex,birth_place,"
		"birth_date,address,rt,rw,kelurahan\n" BUDI ",3671010101100001,BUDI SANTOSO,L,Tangerang,"
		"1985-03-15,JL. MAWAR NO. 5,001,002,36.71.01.1005\n")
		&& st_server_admin(srv_dir, NULL, import) == 0
		&& st_server_admin(srv_dir, ST_PASSWORD "\n", add) == 0
		&& st_server_start(&srv, srv_dir, 0, extra), "a real server with the clerk"))
		return tap_done();
	struct st_client c;
	st_client_init(&c, e.data, "siti");
	c.password = E2E_PASSWORD;
	ok(st_login(&c, srv.url) == 0, "the profile logged in");
	test_qr_and_fetch(&e, c.profile);
	test_vt100(&e);
	st_server_stop(&srv, SIGTERM);
	return tap_done();
}
