/* The terminal side of the screens, in the real sigacor in a pty: the idle
 * lock, a resize below the minimum and back, monochrome, the TERMs clerks
 * have (PuTTY's keys too), a dropped session (SIGHUP) and a profile held by
 * another session. */
#include "config.h"
#include "e2e.h"
#include "tap.h"
#include "store/fixture.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define BUDI "3671011503850002"

/* A profile, logged in, a new form with BUDI filled in. */
static struct vt *open_budi(struct e2e *e, int rows, int cols)
{
	struct vt *t = e2e_start(e, rows, cols, NULL);
	e2e_login(t, "siti");
	vt_send(t, "<F3>" BUDI);
	e2e_wait(t, "BUDI SANTOSO", "form with personal data");
	return t;
}

static void test_idle_lock(void)
{
	struct e2e e;
	ok(e2e_init(&e, "ui-lock"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile");
	/* the timeout from the config file (idle_minutes=5 is the default) */
	char conf[PATH_MAX + 32];
	snprintf(conf, sizeof conf, "%s/config/sigacor", e.dir);
	mkdir(conf, 0700);
	snprintf(conf, sizeof conf, "%s/config/sigacor/ui.conf", e.dir);
	ok(fixture_write_text(conf, "# test\nidle_minutes = 5\nidle_seconds = 2\n"), "ui.conf: idle_seconds=2");
	struct vt *t = open_budi(&e, 24, 80);
	e2e_wait(t, "Layar terkunci", "idle: the screen locks by itself");
	e2e_ok(t, !vt_has_text(t, "BUDI") && !vt_has_text(t, BUDI), "no personal data while locked");
	vt_send(t, "salah123<Enter>salah456<Enter>");
	e2e_wait(t, "Tunggu", "wrong passwords: the next one (typed at once) waits, a growing delay");
	e2e_ok(t, !vt_has_text(t, "BUDI"), "still hidden");
	vt_send(t, "<F3><F1>");
	vt_wait_quiet(t, 150, E2E_TIMEOUT);
	e2e_ok(t, vt_has_text(t, "Layar terkunci") && !vt_has_text(t, "BUDI"), "other keys do nothing while locked");
	/* the right password once the delay (1 s after one counted failure;
	 * the second was refused unchecked) is over */
	vt_wait_quiet(t, 2500, E2E_TIMEOUT);
	vt_send(t, E2E_PASSWORD "<Enter>");
	e2e_wait(t, "BUDI SANTOSO", "the password unlocks: the form is back");
	e2e_ok(t, vt_has_text(t, BUDI), "as it was");
	/* locked again by hand; another volunteer quits: the form is kept */
	vt_send(t, "<C-k>");
	e2e_wait(t, "Layar terkunci", "Ctrl-K locks at once");
	vt_send(t, "<F10>");
	is_int(vt_wait_exit(t, E2E_TIMEOUT), 0, "F10 quits from the lock screen");
	vt_free(t);

	e2e_setenv(&e, "SIGACOR_IDLE_SECONDS", "0");    /* the environment wins: never */
	t = e2e_start(&e, 24, 80, NULL);
	e2e_login(t, "siti");
	e2e_wait(t, "BUDI SANTOSO", "the open form was saved as a draft when quitting");
	e2e_ok(t, vt_has_text(t, "Draf"), "as a draft");
	vt_send(t, "<C-x>");
	is_int(vt_wait_exit(t, E2E_TIMEOUT), 0, "quit");
	vt_free(t);
	e2e_cleanup(&e);
}

static void test_resize(void)
{
	struct e2e e;
	ok(e2e_init(&e, "ui-resize"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile");
	struct vt *t = open_budi(&e, 24, 80);
	vt_resize(t, 15, 60);
	e2e_wait(t, "terlalu kecil", "60x15: a clear notice");
	e2e_ok(t, vt_has_text(t, "sekarang 60 x 15"), "with the size now");
	e2e_ok(t, !vt_has_text(t, "BUDI"), "and nothing else");
	vt_send(t, "9");
	vt_wait_quiet(t, 100, E2E_TIMEOUT);
	vt_resize(t, 24, 80);
	e2e_wait(t, "BUDI SANTOSO", "back to 80x24: the form again");
	e2e_ok(t, vt_has_text(t, "NIK         " BUDI " "), "keys while too small changed nothing");
	e2e_ok(t, !vt_has_text(t, "terlalu kecil"), "the notice is gone");
	vt_resize(t, 40, 132);
	e2e_wait(t, "BUDI SANTOSO", "132x40 works too");
	int row, col;
	e2e_ok(t, vt_find(t, "F1", &row, &col) && row == 39, "the hint bar moves to the last row");
	vt_send(t, "<Esc><F10>");
	is_int(vt_wait_exit(t, E2E_TIMEOUT), 0, "quit");
	vt_free(t);
	e2e_cleanup(&e);
}

static void test_colours(void)
{
	struct e2e e;
	ok(e2e_init(&e, "ui-colour"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile");
	struct vt *t = e2e_start(&e, 24, 80, NULL);
	e2e_login(t, "siti");
	e2e_ok(t, vt_coloured_cells(t) > 0, "xterm-256color: colours");
	vt_send(t, "<F10>");
	vt_wait_exit(t, E2E_TIMEOUT);
	vt_free(t);

	e2e_setenv(&e, "NO_COLOR", "1");
	t = e2e_start(&e, 24, 80, NULL);
	e2e_login(t, "siti");
	vt_send(t, "<F3>" BUDI);
	e2e_wait(t, "BUDI SANTOSO", "form");
	is_int(vt_coloured_cells(t), 0, "NO_COLOR: not one coloured cell");
	struct vt_attrs a;
	int row, col;
	vt_find(t, "F1", &row, &col);
	vt_attrs_at(t, row, col, &a);
	e2e_ok(t, a.reverse, "key hints in reverse video");
	vt_find(t, "Verifikasi baru", &row, &col);
	vt_attrs_at(t, row, col, &a);
	e2e_ok(t, a.reverse, "title in reverse video");
	vt_find(t, "NIK ", &row, &col);
	vt_attrs_at(t, row, col, &a);
	e2e_ok(t, a.reverse, "the focused field's label in reverse video");
	vt_send(t, "<Esc><F10>");
	vt_wait_exit(t, E2E_TIMEOUT);
	vt_free(t);

	e2e_setenv(&e, "NO_COLOR", NULL);
	e2e_setenv(&e, "TERM", "vt100");
	t = e2e_start(&e, 24, 80, NULL);
	e2e_login(t, "siti");
	is_int(vt_coloured_cells(t), 0, "vt100 has no colours: monochrome");
	e2e_ok(t, vt_has_text(t, "Ctrl-K Kunci"), "vt100 has no F12: the hint shows Ctrl-K");
	vt_send(t, "<C-x>");
	is_int(vt_wait_exit(t, E2E_TIMEOUT), 0, "quit");
	vt_free(t);
	e2e_cleanup(&e);
}

static void test_terms(void)
{
	static const char *const terms[] = { "xterm", "xterm-256color", "screen", "tmux-256color",
		"linux", "vt100" };
	struct e2e e;
	ok(e2e_init(&e, "ui-terms"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile");
	for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
		char what[128];
		e2e_setenv(&e, "TERM", terms[i]);
		struct vt *t = e2e_start(&e, 24, 80, NULL);
		e2e_login(t, "siti");
		vt_send(t, "<F1>");
		snprintf(what, sizeof what, "TERM=%s: F1 opens the help", terms[i]);
		e2e_wait(t, "Bantuan: semua tombol", what);
		vt_send(t, "<Esc><F3>" BUDI);
		snprintf(what, sizeof what, "TERM=%s: F3 and the NIK", terms[i]);
		e2e_wait(t, "BUDI SANTOSO", what);
		vt_send(t, "<Down><Up><Esc>");
		snprintf(what, sizeof what, "TERM=%s: arrows and Esc back to the list", terms[i]);
		e2e_wait(t, "Cari NIK/nama", what);
		bool alt = vt_altscreen(t);
		vt_send(t, "<C-x>");
		snprintf(what, sizeof what, "TERM=%s: Ctrl-X quits", terms[i]);
		ok(vt_wait_exit(t, E2E_TIMEOUT) == 0, "%s", what);
		bool has_smcup = strcmp(terms[i], "linux") != 0 && strcmp(terms[i], "vt100") != 0;
		snprintf(what, sizeof what, "TERM=%s: alternate screen %s", terms[i], has_smcup ? "used" : "not available");
		e2e_ok(t, alt == has_smcup, what);
		snprintf(what, sizeof what, "TERM=%s: no personal data left on the screen", terms[i]);
		e2e_ok(t, !vt_has_text(t, "BUDI") && strstr(vt_scrollback(t), "BUDI") == NULL, what);
		vt_free(t);
	}
	/* PuTTY's default F1 (ESC [11~) and the Linux console's (ESC [[A)
	 * work whatever TERM says */
	e2e_setenv(&e, "TERM", "xterm");
	struct vt *t = e2e_start(&e, 24, 80, NULL);
	e2e_login(t, "siti");
	vt_send_raw(t, "\033[11~", 5);
	e2e_wait(t, "Bantuan: semua tombol", "PuTTY's F1 opens the help");
	vt_send(t, "<Esc>");
	e2e_wait(t, "Cari NIK/nama", "closed");
	vt_send_raw(t, "\033[[A", 4);
	e2e_wait(t, "Bantuan: semua tombol", "the Linux console's F1 too");
	vt_send(t, "<Esc>?");
	e2e_wait(t, "Bantuan: semua tombol", "? opens the help from the list");
	vt_send(t, "<Esc><F3>?");
	e2e_wait(t, "Bantuan: semua tombol", "and from the NIK field");
	vt_send(t, "<Esc>" BUDI "<Enter><End>?");
	e2e_wait(t, "Catatan     ?", "in the notes ? is a character");
	vt_send(t, "<Esc><F10>");
	vt_wait_exit(t, E2E_TIMEOUT);
	vt_free(t);
	e2e_cleanup(&e);
}

static void test_hangup(void)
{
	struct e2e e;
	ok(e2e_init(&e, "ui-hup"), "test folder");
	ok(e2e_profile(&e, "siti"), "profile");
	struct vt *t = open_budi(&e, 24, 80);
	vt_send(t, "<Enter>l");
	e2e_wait(t, "[x] Layak", "a decision typed, not saved yet");
	/* a second session of the same operator is refused while this one runs */
	struct vt *other = e2e_start(&e, 24, 80, NULL);
	vt_wait_text(other, "Pilih petugas", E2E_TIMEOUT);
	vt_wait_quiet(other, 100, E2E_TIMEOUT);
	vt_send(other, "<Enter>" E2E_PASSWORD "<Enter>");
	e2e_wait(other, "sedang dipakai di sesi lain", "the profile is held by the first session");
	vt_send(other, "<C-x>");
	vt_wait_exit(other, E2E_TIMEOUT);
	vt_free(other);

	vt_signal(t, SIGHUP);
	is_int(vt_wait_exit(t, E2E_TIMEOUT), 128 + SIGHUP, "SIGHUP ends the session");
	vt_free(t);

	t = e2e_start(&e, 24, 80, NULL);
	ok(e2e_login(t, "siti"), "the next session logs in: no lock left behind");
	e2e_wait(t, "BUDI SANTOSO", "the open form was kept as a draft");
	vt_send(t, "<Enter>");
	e2e_wait(t, "[x] Layak", "with the decision typed before the hang-up");
	vt_send(t, "<Esc><C-x>");
	vt_wait_exit(t, E2E_TIMEOUT);
	vt_free(t);
	e2e_cleanup(&e);
}

int main(void)
{
	test_idle_lock();
	test_resize();
	test_colours();
	test_terms();
	test_hangup();
	return tap_done();
}
