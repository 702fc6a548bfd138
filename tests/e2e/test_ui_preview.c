/* The photo seen in the terminal (F4, issue 13 item 5), in the real sigacor
 * in a pty at 80x24: in the picker and on the form's photo slot, on
 * xterm-256color (Unicode half blocks in colour), vt100 and LANG=C (plain
 * ASCII, no colour).  The picture fills the screen above a caption naming
 * the file; a photo whose left half is black shows its dark half on the
 * left, and the same photo with EXIF orientation 6 (turned a quarter
 * clockwise) shows it at the top; any key returns to the screen exactly as
 * it was; a damaged JPEG gives the reason in Indonesian and no picture. */
#include "config.h"
#include "e2e.h"
#include "store/fixture.h"
#include "tap.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define BUDI "3671011503850002"
#define ROWS 24
#define COLS 80
#define CAPTION "(tombol apa saja: kembali)"

static const char *say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *say(const char *fmt, ...)
{
	static char buf[256];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return buf;
}

/* A 400x300 photo, left half black and right half white, in e->photos. */
static bool halves_photo(struct e2e *e, const char *name, int orientation, long mtime)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof path, "%s/%s", e->photos, name);
	struct fixture_photo spec = { .taken_at = "2026:11:20 10:00:00", .salt = name,
		.width = 400, .height = 300, .orientation = orientation, .dark_left = true };
	struct timespec times[2] = { { mtime, 0 }, { mtime, 0 } };
	return fixture_jpeg(path, &spec) && utimensat(AT_FDCWD, path, times, 0) == 0;
}

/* A JPEG cut in the middle of its image data: its headers are whole (the
 * picker lists it), its picture is not. */
static bool cut_photo(struct e2e *e, const char *name, long mtime)
{
	char path[PATH_MAX * 2];
	snprintf(path, sizeof path, "%s/%s", e->photos, name);
	struct fixture_photo spec = { .salt = name, .width = 400, .height = 300 };
	struct stat st;
	struct timespec times[2] = { { mtime, 0 }, { mtime, 0 } };
	return fixture_jpeg(path, &spec) && stat(path, &st) == 0
		&& truncate(path, st.st_size / 2) == 0 && utimensat(AT_FDCWD, path, times, 0) == 0;
}

/* The character in a cell: column col of row as UTF-8 (every character on
 * these screens is one column wide); ' ' past the end. */
static unsigned cell_char(struct vt *t, int row, int col)
{
	const unsigned char *p = (const unsigned char *)vt_row(t, row);
	for (int c = 0; *p != '\0'; c++) {
		unsigned ch = *p++;
		int more = ch >= 0xf0 ? 3 : ch >= 0xe0 ? 2 : ch >= 0xc0 ? 1 : 0;
		if (more > 0)
			ch &= 0x3f >> more;
		for (; more > 0 && (*p & 0xc0) == 0x80; more--)
			ch = (ch << 6) | (*p++ & 0x3f);
		if (c == col)
			return ch;
	}
	return ' ';
}

/* Brightness 0-255 of a colour of the 256-colour palette; -1 default. */
static int palette_light(int index)
{
	if (index < 0)
		return -1;
	if (index < 16)
		return index == 7 ? 192 : index == 15 ? 255 : index == 8 ? 128 : index == 0 ? 0 : 100;
	if (index < 232) {
		int i = index - 16;
		static const int level[6] = { 0, 95, 135, 175, 215, 255 };
		return (level[i / 36] + level[i / 6 % 6] + level[i % 6]) / 3;
	}
	return 8 + (index - 232) * 10;
}

enum look { BLANK, DARK, LIGHT };

/* What a cell of the picture looks like: drawn in colour, by its colours
 * (the glyph's share of each); in ASCII, by its character (chafa draws
 * light on dark: a space is black, a dense character white). */
static enum look cell_look(struct vt *t, int row, int col)
{
	struct vt_attrs a;
	unsigned ch = cell_char(t, row, col);
	if (!vt_attrs_at(t, row, col, &a) || (a.fg < 0 && a.bg < 0))
		return ch == ' ' ? BLANK : LIGHT;
	int fg = palette_light(a.fg), bg = palette_light(a.bg);
	int light = ch == ' ' ? bg : ch == 0x2588 ? fg : bg < 0 ? fg : fg < 0 ? bg : (fg + bg) / 2;
	return light < 0 ? BLANK : light >= 128 ? LIGHT : DARK;
}

struct area { int light, dark; };

static struct area count(struct vt *t, int row0, int row1, int col0, int col1)
{
	struct area a = { 0, 0 };
	for (int r = row0; r < row1; r++)
		for (int c = col0; c < col1; c++) {
			enum look l = cell_look(t, r, c);
			a.light += l == LIGHT;
			a.dark += l == DARK;
		}
	return a;
}

/* Cells of the picture area that are not blank, and whether all of them
 * are plain ASCII. */
static int drawn_cells(struct vt *t, bool *ascii)
{
	int n = 0;
	*ascii = true;
	for (int r = 0; r < ROWS - 1; r++)
		for (int c = 0; c < COLS; c++) {
			unsigned ch = cell_char(t, r, c);
			struct vt_attrs a;
			vt_attrs_at(t, r, c, &a);
			if (ch != ' ' || a.bg >= 0 || a.bg == -2)
				n++;
			if (ch > 126)
				*ascii = false;
		}
	return n;
}

/* F4 on what is selected: the picture and its caption, checked; then Esc
 * and the screen as before.  colour: the terminal's mode. */
static void preview_and_back(struct vt *t, const char *name, bool colour, const char *what)
{
	char *before = vt_dump(t);
	vt_send(t, "<F4>");
	e2e_wait(t, CAPTION, say("%s: F4 shows %s", what, name));
	int row, col;
	e2e_ok(t, vt_find(t, name, &row, &col) && row == ROWS - 1,
		say("%s: the caption on the last row names %s", what, name));
	e2e_ok(t, !vt_has_text(t, "Pilih foto untuk") && !vt_has_text(t, "Verifikasi"),
		say("%s: the picture covers the screen", what));
	bool ascii;
	int drawn = drawn_cells(t, &ascii);
	tap_diag("%s: %d cells drawn", what, drawn);
	e2e_ok(t, drawn >= 600, say("%s: the picture fills the area above the caption", what));
	if (colour) {
		e2e_ok(t, vt_coloured_cells(t) >= 600 && !ascii,
			say("%s: in colour, with Unicode blocks", what));
	} else {
		is_int(vt_coloured_cells(t), 0, "%s", say("%s: no colour at all", what));
		e2e_ok(t, ascii, say("%s: plain ASCII characters only", what));
	}
	vt_send(t, "<Esc>");
	e2e_ok(t, vt_wait_gone(t, CAPTION, E2E_TIMEOUT) && vt_wait_quiet(t, E2E_SETTLE, E2E_TIMEOUT),
		say("%s: Esc returns", what));
	char *after = vt_dump(t);
	e2e_ok(t, strcmp(before, after) == 0, say("%s: the screen is back as it was", what));
	free(before);
	free(after);
}

/* F4, the picture's dark half where the photo upright has it. */
static void check_halves(struct vt *t, const char *name, bool turned, const char *what)
{
	vt_send(t, "<F4>");
	e2e_wait(t, CAPTION, say("%s: F4 shows %s", what, name));
	if (!turned) {
		/* landscape across the screen: black on the left, white on the right */
		struct area left = count(t, 0, ROWS - 1, 0, COLS / 3);
		struct area right = count(t, 0, ROWS - 1, COLS * 2 / 3, COLS);
		e2e_ok(t, right.light >= 150 && left.light * 10 <= right.light,
			say("%s: %s: white on the right, not on the left", what, name));
	} else {
		/* turned a quarter clockwise: the left half is now the top half */
		struct area top = count(t, 0, 8, 0, COLS);
		struct area bottom = count(t, ROWS - 9, ROWS - 1, 0, COLS);
		e2e_ok(t, bottom.light >= 60 && top.light * 10 <= bottom.light,
			say("%s: %s (orientation 6): white at the bottom, not at the top", what, name));
		struct area left = count(t, 0, ROWS - 1, 0, 20);
		struct area right = count(t, 0, ROWS - 1, COLS - 20, COLS);
		e2e_ok(t, left.light + left.dark + right.light + right.dark == 0,
			say("%s: %s: upright it is portrait, the sides of the screen stay blank", what, name));
	}
	vt_send(t, "<Esc>");
	e2e_ok(t, vt_wait_gone(t, CAPTION, E2E_TIMEOUT), say("%s: back from %s", what, name));
}

/* The filter typed so that only this file is listed (and selected); the
 * one typed before rubbed out (a Backspace more would open the parent). */
static size_t filter_len;

static void select_file(struct vt *t, const char *part)
{
	for (; filter_len > 0; filter_len--)
		vt_send(t, "<BS>");
	vt_send(t, part);
	filter_len = strlen(part);
	vt_wait_quiet(t, E2E_SETTLE, E2E_TIMEOUT);
}

static void run(const char *term, const char *lang, bool colour)
{
	char what[64];
	snprintf(what, sizeof what, "%s, LANG=%s", term, lang);
	struct e2e e;
	if (!e2e_init(&e, "preview"))
		return;
	e2e_setenv(&e, "TERM", term);
	e2e_setenv(&e, "LANG", lang);
	long now = (long)time(NULL);
	ok(e2e_profile(&e, "siti") && halves_photo(&e, "gelap_kiri.jpg", 0, now - 100)
		&& halves_photo(&e, "putar6.jpg", 6, now - 200) && cut_photo(&e, "rusak.jpg", now - 300),
		"%s: photos: halves upright, halves with orientation 6, a cut one", what);
	struct vt *t = e2e_start(&e, ROWS, COLS, NULL);
	if (!e2e_ok(t, t != NULL && e2e_login(t, "siti"), say("%s: logged in", what))) {
		vt_free(t);
		return;
	}
	vt_send(t, "<F3>");
	e2e_wait(t, "Verifikasi baru", say("%s: a new verification", what));
	vt_send(t, BUDI);
	e2e_wait(t, "BUDI SANTOSO", say("%s: the NIK fills in the resident", what));
	vt_send(t, "<Enter>");
	e2e_wait(t, "Enter: pilih foto", say("%s: on the KTP slot", what));
	vt_send(t, "<Enter>");
	e2e_wait(t, "Pilih foto untuk: Foto KTP", say("%s: the picker", what));
	e2e_ok(t, vt_has_text(t, "F4 Lihat foto"), say("%s: the hint bar names F4", what));

	select_file(t, "gelap");
	preview_and_back(t, "gelap_kiri.jpg", colour, what);
	check_halves(t, "gelap_kiri.jpg", false, what);
	select_file(t, "putar6");
	check_halves(t, "putar6.jpg", true, what);

	select_file(t, "rusak");
	vt_send(t, "<F4>");
	e2e_wait(t, "terpotong", say("%s: a cut JPEG: the reason", what));
	e2e_ok(t, vt_has_text(t, "Foto rusak.jpg tidak bisa ditampilkan") && vt_has_text(t, "Pilih foto untuk"),
		say("%s: names the file, the picker stays", what));

	/* attach the halves to the KTP, back to the form: F4 on its slot */
	select_file(t, "gelap");
	vt_send(t, "<Enter>");
	filter_len = 0;
	e2e_wait(t, "Pilih foto untuk: Foto KK", say("%s: the KTP attached", what));
	vt_send(t, "<Esc>");
	e2e_ok(t, vt_wait_gone(t, "Pilih foto untuk", E2E_TIMEOUT) && vt_wait_quiet(t, E2E_SETTLE, E2E_TIMEOUT),
		say("%s: back on the form", what));
	e2e_ok(t, vt_has_text(t, "gelap_kiri.jpg") && vt_has_text(t, "F4 Lihat foto"),
		say("%s: on the KTP slot, its file; the hint bar names F4", what));
	preview_and_back(t, "gelap_kiri.jpg", colour, what);
	e2e_quit(t, "<C-x>", what);
	vt_free(t);
	e2e_cleanup(&e);
}

int main(void)
{
	run("xterm-256color", "id_ID.UTF-8", true);
	run("vt100", "id_ID.UTF-8", false);
	run("xterm-256color", "C", false);
	return tap_done();
}
