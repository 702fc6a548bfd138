/* Every key the hint bar shows does what its label says, under the TERMs
 * clerks have (vt100 as PuTTY users often set it, xterm, putty, the Linux
 * console, screen): the test reads the hint bar of each screen from the
 * real sigacor in a pty, presses each key by the name shown (sent the way
 * that terminal sends it) and checks the effect.  A label the test has no
 * check for fails.  And under vt100, PuTTY's F6-F12 (sequences its
 * terminfo does not know) are never taken as Esc. */
#include "config.h"
#include "e2e.h"
#include "tap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <limits.h>
#include <sys/stat.h>

#define BUDI "3671011503850002"
#define ROWS 24
#define COLS 80
#define MAX_HINTS 16

struct hint {
	char key[32];
	char label[48];
};

/* The hint bar (last row): key cells are in reverse video or coloured. */
static int read_hints(struct vt *t, struct hint *out, int max)
{
	const char *row = vt_row(t, ROWS - 1);
	char text[COLS * 4 + 1];
	snprintf(text, sizeof text, "%s", row);
	size_t len = strlen(text);
	int n = 0, col = 0;
	while ((size_t)col < len && n < max) {
		struct vt_attrs a;
		vt_attrs_at(t, ROWS - 1, col, &a);
		if (!(a.reverse || a.bg != -1)) {
			col++;
			continue;
		}
		int start = col;
		while ((size_t)col < len && vt_attrs_at(t, ROWS - 1, col, &a) && (a.reverse || a.bg != -1))
			col++;
		snprintf(out[n].key, sizeof out[n].key, "%.*s", col - start, text + start);
		col++;   /* the blank */
		start = col;
		while ((size_t)col < len && !(text[col] == ' ' && (text[col + 1] == ' ' || text[col + 1] == '\0')))
			col++;
		snprintf(out[n].label, sizeof out[n].label, "%.*s", col - start, text + start);
		n++;
	}
	return n;
}

/* The key as vt_send names it. */
static void send_name(const char *key, char *buf, size_t len)
{
	if (key[0] == 'F' && key[1] >= '1' && key[1] <= '9')
		snprintf(buf, len, "<%s>", key);
	else if (strncmp(key, "Ctrl-", 5) == 0)
		snprintf(buf, len, "<C-%c>", key[5] | 0x20);
	else if (strcmp(key, "Enter") == 0 || strcmp(key, "Esc") == 0
		|| strcmp(key, "PgUp") == 0 || strcmp(key, "PgDn") == 0)
		snprintf(buf, len, "<%s>", key);
	else if (strcmp(key, "Panah kiri") == 0)
		snprintf(buf, len, "<Left>");
	else
		snprintf(buf, len, "%s", key);
}

/* What one label does on one screen: after the key, expect shows; then
 * restore ('@' is the same key again) brings back the screen, shown by
 * back.  expect NULL: the program ends (Keluar). */
struct check {
	const char *label;
	const char *expect;
	const char *restore;
	const char *back;
};

struct context {
	const char *name;
	const char *reach;        /* keys from the worklist */
	const char *shows;        /* text on the screen that says it is there */
	const char *hint;         /* and a label in its hint bar */
	const struct check *checks;
};

static const struct check worklist_checks[] = {
	{ "Bantuan", "Bantuan: semua tombol", "<Esc>", "Cari NIK/nama" },
	{ "Baru", "Verifikasi baru", "<Esc>", "Cari NIK/nama" },
	{ "Status", "Status: Draf", "@@@@@@", "Status: semua" },
	{ "RW", "Saring menurut RW", "<Esc>", "Cari NIK/nama" },
	{ "Kirim", "Sinkronisasi diminta", "", "Cari NIK/nama" },
	{ "Kunci", "Layar terkunci", E2E_PASSWORD "<Enter>", "Cari NIK/nama" },
	{ "Keluar", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

static const struct check form_checks[] = {
	{ "Bantuan", "Formulir verifikasi", "<Esc>", "BUDI SANTOSO" },
	{ "Lanjut", "Enter: pilih foto", "<C-a>", "BUDI SANTOSO" },
	{ "Simpan", "Draf tersimpan", "", "BUDI SANTOSO" },
	/* refused with more blockers than the panel's rows: the whole list */
	{ "Finalkan", "Enter/Esc: tutup", "<Esc><C-a>", "BUDI SANTOSO" },
	{ "Buang", "Semua isi formulir ini dibuang", "<Esc>", "BUDI SANTOSO" },
	{ "Cari nama", "Cari penduduk tanpa NIK", "<Esc>", "BUDI SANTOSO" },
	{ "Kunci", "Layar terkunci", E2E_PASSWORD "<Enter>", "BUDI SANTOSO" },
	{ "Kembali", "Cari NIK/nama", "", "Cari NIK/nama" },
	{ NULL, NULL, NULL, NULL },
};

static const struct check decision_checks[] = {
	{ "Bantuan", "Formulir verifikasi", "<Esc>", "l: layak" },
	{ "Layak", "[x] Layak", "<Up>", "l: layak" },
	{ "Tidak layak", "Alasan tidak layak", "<Esc>l<Up>", "l: layak" },
	{ "Simpan", "Draf tersimpan", "", "l: layak" },
	{ "Finalkan", "Enter/Esc: tutup", "<Esc><C-e><Up>", "l: layak" },
	{ "Kembali", "Cari NIK/nama", "", "Cari NIK/nama" },
	{ NULL, NULL, NULL, NULL },
};

static const struct check picker_checks[] = {
	{ "Bantuan", "Pemilih foto", "<Esc>", "Pilih foto untuk" },
	{ "Lanjut", "terlampir", "", "Pilih foto untuk" },
	{ "Folder induk", "photos/", "", "Pilih foto untuk" },
	/* Lanjut attached the only photo before: "../" is selected and F4 asks
	 * for a file (the picture itself: test_ui_preview) */
	{ "Lihat foto", "Pilih sebuah file foto dulu", "", "Pilih foto untuk" },
	{ "Kembali", "!Pilih foto untuk", "", "BUDI SANTOSO" },
	{ NULL, NULL, NULL, NULL },
};

static const struct check help_checks[] = {
	{ "Hal. turun", "!Bantuan: semua tombol (Esc: tutup)   1-", "", "Bantuan" },
	{ "Hal. naik", " 1-21 / ", "", "Bantuan" },
	{ "Kembali", "!Bantuan: semua tombol", "", "Cari NIK/nama" },
	{ NULL, NULL, NULL, NULL },
};

static const struct check dialog_checks[] = {
	{ "Lanjut", "!Nomor RW", "", "Cari NIK/nama" },
	{ "Kembali", "!Nomor RW", "", "Cari NIK/nama" },
	{ NULL, NULL, NULL, NULL },
};

static const struct check lines_checks[] = {
	{ "Lanjut", "!Enter/Esc: tutup", "", "BUDI SANTOSO" },
	{ "Kembali", "!Enter/Esc: tutup", "", "BUDI SANTOSO" },
	{ NULL, NULL, NULL, NULL },
};

static const struct context contexts[] = {
	{ "help", "<F1>", "Bantuan: semua tombol", "Hal. turun", help_checks },
	{ "RW dialog", "<C-r>", "Nomor RW", "Lanjut", dialog_checks },
	{ "blockers list", "<C-t>" BUDI "<C-f>", "Enter/Esc: tutup", "Lanjut", lines_checks },
	{ "form", "<C-t>" BUDI, "BUDI SANTOSO", "Lanjut", form_checks },
	{ "form decision", "<C-t>" BUDI "<Enter><C-e><Up>", "l: layak", "Layak", decision_checks },
	{ "picker", "<C-t>" BUDI "<Enter><Enter>", "Pilih foto untuk", "Folder induk", picker_checks },
	/* the worklist last: its Keluar ends the program */
	{ "worklist", "", "Cari NIK/nama", "Status", worklist_checks },
};

static const struct check *find_check(const struct check *checks, const char *label)
{
	for (const struct check *c = checks; c->label != NULL; c++)
		if (strcmp(c->label, label) == 0)
			return c;
	return NULL;
}

static void expand(const char *restore, const char *key, char *buf, size_t len)
{
	size_t used = 0;
	buf[0] = '\0';
	for (const char *p = restore; *p != '\0' && used + 40 < len; p++) {
		if (*p == '@')
			used += (size_t)snprintf(buf + used, len - used, "%s", key);
		else {
			buf[used++] = *p;
			buf[used] = '\0';
		}
	}
}

static bool hint_bar_has(struct vt *t, const char *label)
{
	return vt_find_in_row(t, ROWS - 1, label) >= 0;
}

static bool in_context(struct vt *t, const struct context *c)
{
	return vt_has_text(t, c->shows) && hint_bar_has(t, c->hint);
}

/* Esc until the worklist (its hint bar has Status). */
static void to_worklist(struct vt *t)
{
	vt_wait_quiet(t, 200, E2E_TIMEOUT);
	for (int i = 0; i < 4 && !hint_bar_has(t, "Status"); i++) {
		vt_send(t, "<Esc>");
		vt_wait_quiet(t, 200, E2E_TIMEOUT);
	}
}

static bool reach(struct vt *t, const struct context *c)
{
	vt_wait_quiet(t, 200, E2E_TIMEOUT);
	if (in_context(t, c))
		return true;
	to_worklist(t);
	vt_send(t, c->reach);
	vt_wait_text(t, c->shows, E2E_TIMEOUT);
	/* a frame may arrive in pieces: the hint bar (the last row) after
	 * what the screen shows */
	vt_wait_quiet(t, 200, E2E_TIMEOUT);
	/* the worklist may show the same name: wait for the screen's own hints
	 * (bounded: each round waits for output to settle) */
	for (int i = 0; i < 100 && !in_context(t, c); i++)
		vt_wait_quiet(t, 100, E2E_TIMEOUT);
	return in_context(t, c);
}

/* "text" appears, or "!text" goes. */
static bool wait_expect(struct vt *t, const char *expect)
{
	if (expect[0] == '!')
		return vt_wait_gone(t, expect + 1, E2E_TIMEOUT);
	return vt_wait_text(t, expect, E2E_TIMEOUT);
}

/* Each hint of one context: returns false once the program ended. */
static bool check_context(struct vt *t, const char *term, const struct context *c)
{
	char what[1024];
	snprintf(what, sizeof what, "TERM=%s %s: reached", term, c->name);
	if (!e2e_ok(t, reach(t, c), what))
		return true;
	struct hint hints[MAX_HINTS];
	int n = read_hints(t, hints, MAX_HINTS);
	snprintf(what, sizeof what, "TERM=%s %s: the hint bar shows keys", term, c->name);
	e2e_ok(t, n >= 2, what);
	int quit = -1;
	for (int i = 0; i < n; i++) {
		const struct check *ch = find_check(c->checks, hints[i].label);
		snprintf(what, sizeof what, "TERM=%s %s: hint \"%.31s %.47s\" has a check", term, c->name,
			hints[i].key, hints[i].label);
		if (!e2e_ok(t, ch != NULL, what))
			continue;
		if (ch->expect == NULL) {
			quit = i;           /* last: it ends the program */
			continue;
		}
		char key[40], restore[256];
		snprintf(what, sizeof what, "TERM=%s %s: back there for %.47s", term, c->name, hints[i].label);
		if (!e2e_ok(t, reach(t, c), what))
			continue;
		send_name(hints[i].key, key, sizeof key);
		vt_send(t, key);
		snprintf(what, sizeof what, "TERM=%s %s: %.39s does what it says (%.47s)", term, c->name,
			hints[i].key, hints[i].label);
		e2e_ok(t, wait_expect(t, ch->expect), what);
		vt_wait_quiet(t, E2E_SETTLE, E2E_TIMEOUT);
		expand(ch->restore, key, restore, sizeof restore);
		vt_send(t, restore);
		vt_wait_text(t, ch->back, E2E_TIMEOUT);
		vt_wait_quiet(t, E2E_SETTLE, E2E_TIMEOUT);
	}
	if (quit >= 0) {
		char key[40];
		reach(t, c);
		send_name(hints[quit].key, key, sizeof key);
		vt_send(t, key);
		snprintf(what, sizeof what, "TERM=%s %s: %.39s quits (%.47s)", term, c->name, hints[quit].key,
			hints[quit].label);
		ok(vt_wait_exit(t, E2E_TIMEOUT) == 0, "%s", what);
		return false;
	}
	to_worklist(t);
	return true;
}

static void test_term(struct e2e *e, const char *term)
{
	char what[128];
	e2e_setenv(e, "TERM", term);
	struct vt *t = e2e_start(e, ROWS, COLS, NULL);
	snprintf(what, sizeof what, "TERM=%s: logged in", term);
	ok(e2e_login(t, "siti"), "%s", what);
	for (size_t i = 0; i < sizeof contexts / sizeof contexts[0]; i++)
		if (!check_context(t, term, &contexts[i]))
			break;
	vt_free(t);
}

/* PuTTY (its default "ESC [n~" keys) with TERM=vt100: F6-F12 arrive as
 * sequences vt100's terminfo does not list. */
static void test_vt100_putty_keys(struct e2e *e)
{
	e2e_setenv(e, "TERM", "vt100");
	struct vt *t = e2e_start(e, ROWS, COLS, NULL);
	e2e_login(t, "siti");
	static const struct { const char *seq, *name; } fkeys[] = {
		{ "\033[17~", "F6" }, { "\033[23~", "F11" },
		{ "\033[1;5A", "Ctrl-Up" }, { "\033[3;5~", "Ctrl-Del" }, { "\033Oj", "keypad *" },
	};
	/* on the form, Esc would leave it and F10 would quit */
	vt_send(t, "<C-t>" BUDI "<Enter><C-e>");
	e2e_wait(t, "BUDI SANTOSO", "vt100: a form open");
	for (size_t i = 0; i < sizeof fkeys / sizeof fkeys[0]; i++) {
		char what[96];
		vt_send_raw(t, fkeys[i].seq, strlen(fkeys[i].seq));
		vt_wait_quiet(t, 150, E2E_TIMEOUT);
		snprintf(what, sizeof what, "vt100: PuTTY's %s is not Esc (the form stays)", fkeys[i].name);
		e2e_ok(t, vt_has_text(t, "BUDI SANTOSO") && !vt_has_text(t, "Cari NIK/nama"), what);
		snprintf(what, sizeof what, "vt100: PuTTY's %s types nothing into the notes", fkeys[i].name);
		e2e_ok(t, vt_find_in_row(t, 15, "~") < 0 && vt_find_in_row(t, 15, "[") < 0
			&& vt_find_in_row(t, 15, "j") < 0, what);
	}
	vt_send_raw(t, "\033[18~", 5);
	e2e_wait(t, "Cari penduduk tanpa NIK", "vt100: PuTTY's F7 opens the search by name");
	vt_send(t, "<Esc>");
	vt_wait_gone(t, "Cari penduduk tanpa NIK", E2E_TIMEOUT);
	vt_send_raw(t, "\033[20~", 5);
	e2e_wait(t, "Belum bisa difinalkan", "vt100: PuTTY's F9 finalises (refused: no photos yet)");
	vt_send(t, "<Esc>");
	vt_wait_gone(t, "Enter/Esc: tutup", E2E_TIMEOUT);
	vt_send_raw(t, "\033[19~", 5);
	e2e_wait(t, "Semua isi formulir ini dibuang", "vt100: PuTTY's F8 asks to discard");
	vt_send(t, "<Esc>");
	vt_wait_gone(t, "Semua isi formulir ini dibuang", E2E_TIMEOUT);
	vt_send_raw(t, "\033[24~", 5);
	e2e_wait(t, "Layar terkunci", "vt100: PuTTY's F12 locks");
	vt_send(t, E2E_PASSWORD "<Enter>");
	e2e_wait(t, "BUDI SANTOSO", "unlocked");
	vt_send_raw(t, "\033[21~", 5);
	ok(vt_wait_exit(t, E2E_TIMEOUT) == 0, "vt100: PuTTY's F10 quits (not the logout question)");
	vt_free(t);
}

/* A resident found without the NIK: by the beginning of the name (typed
 * without the accents and in small letters) or by the KK; the chosen NIK
 * fills in and the registry's name with it. */
static void test_find_resident(struct e2e *e, const char *term, const char *key)
{
	e2e_setenv(e, "TERM", term);
	struct vt *t = e2e_start(e, ROWS, COLS, NULL);
	e2e_login(t, "siti");
	vt_send(t, "<C-t>");
	e2e_wait(t, "Verifikasi baru", "a new form");
	char what[128];
	snprintf(what, sizeof what, "TERM=%s: the hint bar names the search", term);
	e2e_ok(t, hint_bar_has(t, "Cari nama"), what);
	vt_send(t, key);
	e2e_wait(t, "Cari penduduk tanpa NIK", "the search asks for a name or KK");
	vt_send(t, "zzz<Enter>");
	e2e_wait(t, "Tidak ada penduduk dengan nama", "nobody called zzz: said so, the dialog stays");
	vt_send(t, "<BS><BS><BS>dewi ang<Enter>");
	e2e_wait(t, "Pilih penduduk", "a list to pick from");
	e2e_ok(t, vt_has_text(t, "3671014402880005  D\u00c9WI ANGGRA\u00c9NI"),
		"'dewi ang' finds D\u00c9WI ANGGRA\u00c9NI (case and accents ignored)");
	vt_send(t, "<Enter>");
	vt_wait_gone(t, "Pilih penduduk", E2E_TIMEOUT);
	vt_wait_quiet(t, E2E_SETTLE, E2E_TIMEOUT);
	e2e_ok(t, vt_has_text(t, "3671014402880005") && vt_has_text(t, "JL. MELATI NO. 7"),
		"the NIK fills in, the registry's address with it");
	vt_send(t, key);
	e2e_wait(t, "Cari penduduk tanpa NIK", "search again");
	vt_send(t, "3671 0101 0110 0001<Enter>");
	e2e_wait(t, "Pilih penduduk", "by KK: a list");
	e2e_ok(t, vt_has_text(t, "BUDI SANTOSO") && vt_has_text(t, "SITI AMINAH"),
		"both members of KK 3671010101100001");
	vt_send(t, "2");
	vt_wait_gone(t, "Pilih penduduk", E2E_TIMEOUT);
	vt_wait_quiet(t, E2E_SETTLE, E2E_TIMEOUT);
	e2e_ok(t, vt_has_text(t, "3671015708900003"), "2 picks SITI AMINAH: her NIK fills in");
	vt_send(t, "<Esc>");
	vt_wait_quiet(t, E2E_SETTLE, E2E_TIMEOUT);
	vt_send(t, "<Esc><Esc><C-x>");
	ok(vt_wait_exit(t, E2E_TIMEOUT) == 0, "quit");
	vt_free(t);
}

/* Where the picker opens with no inbox configured: ~/Pictures on a fresh
 * profile, then the folder used last; a file path typed attaches it. */
static void test_picker_start(struct e2e *e)
{
	char pictures[PATH_MAX + 16], elsewhere[PATH_MAX + 16], typed[PATH_MAX + 128];
	snprintf(pictures, sizeof pictures, "%s/Pictures", e->home);
	snprintf(elsewhere, sizeof elsewhere, "%s/elsewhere", e->dir);
	ok(mkdir(pictures, 0700) == 0 && mkdir(elsewhere, 0700) == 0, "~/Pictures and another folder");
	ok(e2e_photo(e, "../home/Pictures/IMG_rumah.jpg", -6.1783, 106.63, NULL, 0)
		&& e2e_photo(e, "../elsewhere/IMG_ktp.jpg", -6.1783, 106.63, NULL, 0), "a photo in each");
	e2e_setenv(e, "TERM", "xterm");
	e2e_setenv(e, "SIGACOR_PHOTO_INBOX", NULL);
	ok(e2e_profile(e, "ani"), "a fresh profile (no folder used last)");
	struct vt *t = e2e_start(e, ROWS, COLS, NULL);
	e2e_login(t, "ani");
	vt_send(t, "<C-t>" BUDI "<Enter><Enter>");
	e2e_wait(t, "Pilih foto untuk", "picker without an inbox");
	e2e_ok(t, vt_has_text(t, "IMG_rumah.jpg"), "it opens in ~/Pictures, no path typed");
	e2e_ok(t, vt_has_text(t, "Backspace: folder induk"), "the hint says what Backspace does on an empty filter");
	e2e_ok(t, vt_has_text(t, "(EXIF)") || vt_has_text(t, "(tanpa tanggal EXIF)"), "the date says where it comes from");
	snprintf(typed, sizeof typed, "%s/IMG_ktp.jpg<Enter>", elsewhere);
	vt_send(t, typed);
	e2e_wait(t, "Foto KTP terlampir", "a file's path typed attaches it");
	ok(e2e_photo(e, "../elsewhere/IMG_20261204_090100_HDR_kiriman_WhatsApp.jpg", -6.1783, 106.63, NULL, 0),
		"a photo with a long name");
	snprintf(typed, sizeof typed, "%s/IMG_20261204_090100_HDR_kiriman_WhatsApp.jpg<Enter>", elsewhere);
	vt_send(t, typed);
	e2e_wait(t, "Foto KK terlampir", "attached as KK");
	vt_send(t, "<Esc>");
	e2e_wait(t, "Koordinat", "the form");
	int row, col;
	e2e_ok(t, vt_find(t, "Foto KK ", &row, &col) && strstr(vt_row(t, row), "GPS -6.17830, 106.63000") != NULL
		&& strstr(vt_row(t, row), "\u2026") != NULL,
		"the photo row keeps the whole coordinate; the long name is cut with …");
	vt_send(t, "<Esc>");
	e2e_wait(t, "Cari NIK/nama", "draft kept");
	vt_send(t, "<C-t>3671015708900003<Enter><Enter>");
	e2e_wait(t, "Pilih foto untuk", "picker for the next record");
	e2e_ok(t, vt_has_text(t, "IMG_ktp.jpg") && !vt_has_text(t, "IMG_rumah.jpg"), "it opens in the folder used last");
	vt_send(t, "<Esc><Esc><C-x>");
	ok(vt_wait_exit(t, E2E_TIMEOUT) == 0, "quit");
	vt_free(t);
	e2e_setenv(e, "SIGACOR_PHOTO_INBOX", e->photos);
}

int main(void)
{
	static const char *const terms[] = { "vt100", "xterm", "putty", "linux", "screen" };
	struct e2e e;
	ok(e2e_init(&e, "ui-keys"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile");
	ok(e2e_photo(&e, "rumah.jpg", -6.205818, 106.628278, NULL, (long)time(NULL) - 60), "a photo to pick");
	for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++)
		test_term(&e, terms[i]);
	test_vt100_putty_keys(&e);
	test_find_resident(&e, "xterm", "<F7>");
	test_find_resident(&e, "vt100", "<C-r>");
	test_picker_start(&e);
	e2e_cleanup(&e);
	return tap_done();
}
