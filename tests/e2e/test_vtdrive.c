/* The harness itself: keys in, screen out, sizes, exit codes, the
 * alternate screen.  Runs /bin/sh, so it needs no part of sigacor. */
#include "config.h"
#include "vtdrive.h"
#include "tap.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *env_xterm[] = { "TERM=xterm-256color", "LANG=C.UTF-8", "PATH=/usr/bin:/bin", NULL };
static const char *env_linux[] = { "TERM=linux", "LANG=C.UTF-8", "PATH=/usr/bin:/bin", NULL };

static struct vt *sh(const char *script, const char **env, int rows, int cols)
{
	const char *argv[] = { "/bin/sh", "-c", script, NULL };
	return vt_spawn(argv, env, rows, cols);
}

static void test_echo(void)
{
	struct vt *t = sh("printf 'ready\\n'; read x; printf 'got <%s>\\n' \"$x\"; exit 3", env_xterm, 24, 80);
	ok(t != NULL, "spawn /bin/sh in a pty");
	ok(vt_wait_text(t, "ready", 5000), "first output read");
	is_str(vt_row(t, 0), "ready", "row 0 as text, trailing blanks trimmed");
	ok(vt_send(t, "abc<lt>d<Enter>"), "keys sent");
	ok(vt_wait_text(t, "got <abc<d>", 5000), "typed line read back");
	is_int(vt_wait_exit(t, 5000), 3, "exit status");
	ok(vt_bytes_received(t) > 10, "bytes counted");
	vt_free(t);
}

static void test_size_and_resize(void)
{
	struct vt *t = sh("stty size; read x; stty size; read x", env_xterm, 24, 80);
	ok(vt_wait_text(t, "24 80", 5000), "pty starts at 24x80");
	ok(vt_resize(t, 15, 60), "resize");
	vt_send(t, "<Enter>");
	ok(vt_wait_text(t, "15 60", 5000), "the program sees 15x60");
	is_int(vt_rows(t), 15, "emulator rows follow");
	vt_send(t, "<Enter>");
	is_int(vt_wait_exit(t, 5000), 0, "exit 0");
	vt_free(t);
}

static void test_keys_by_term(void)
{
	/* od shows the bytes the terminal sent for F1 and Up */
	struct vt *t = sh("stty raw -echo; echo ready; dd bs=1 count=6 2>/dev/null | od -An -c; stty sane", env_xterm, 24, 80);
	vt_wait_text(t, "ready", 5000);
	vt_send(t, "<F1><Up>");
	ok(vt_wait_text(t, "033   O   P 033   O   A", 5000), "xterm: F1 and Up as terminfo says");
	vt_wait_exit(t, 5000);
	vt_free(t);

	t = sh("stty raw -echo; echo ready; dd bs=1 count=5 2>/dev/null | od -An -c; stty sane", env_linux, 24, 80);
	vt_wait_text(t, "ready", 5000);
	vt_send(t, "<F1><C-x>");
	if (!ok(vt_wait_text(t, "033   [   [   A 030", 5000), "linux: F1 is ESC [ [ A; Ctrl-X is 030")) {
		char *d = vt_dump(t);
		tap_diag("screen:\n%s", d);
		free(d);
	}
	vt_wait_exit(t, 5000);
	ok(!vt_send(t, "<Nope>"), "unknown key name refused");
	vt_free(t);
}

static void test_altscreen_and_attrs(void)
{
	struct vt *t = sh("printf 'plain\\n'; tput smcup; tput bold; printf 'B'; tput sgr0; "
		"tput rev; printf 'R'; tput sgr0; tput setaf 1; printf 'C'; tput sgr0; printf '\\n'; "
		"read x; tput rmcup", env_xterm, 24, 80);
	ok(vt_wait_text(t, "BRC", 5000), "text on the alternate screen");
	ok(vt_altscreen(t), "alternate screen detected");
	ok(!vt_has_text(t, "plain"), "normal screen hidden");
	int row, col;
	ok(vt_find(t, "BRC", &row, &col), "find gives a position");
	struct vt_attrs a;
	vt_attrs_at(t, row, col, &a);
	ok(a.bold && !a.reverse && a.fg == -1, "bold cell");
	vt_attrs_at(t, row, col + 1, &a);
	ok(a.reverse && !a.bold, "reverse cell");
	vt_attrs_at(t, row, col + 2, &a);
	is_int(a.fg, 1, "red foreground is palette 1");
	is_int(vt_coloured_cells(t), 1, "one coloured cell");
	vt_send(t, "<Enter>");
	vt_wait_exit(t, 5000);
	ok(!vt_altscreen(t) && vt_altscreen_used(t), "back on the normal screen");
	ok(vt_has_text(t, "plain") && !vt_has_text(t, "BRC"), "normal screen restored");
	vt_free(t);
}

static void test_quiet_and_signal(void)
{
	struct vt *t = sh("i=0; while [ $i -lt 50 ]; do echo line$i; i=$((i+1)); done; "
		"trap 'echo HUP; exit 7' HUP; while :; do read x || exit 9; done", env_xterm, 10, 40);
	ok(vt_wait_quiet(t, 200, 5000), "output goes quiet");
	ok(vt_has_text(t, "line49"), "last line on screen");
	ok(strstr(vt_scrollback(t), "line0") != NULL, "first lines went to the scrollback");
	ok(!vt_wait_text(t, "never", 100), "a text that never comes times out");
	vt_signal(t, SIGHUP);
	int st = vt_wait_exit(t, 5000);
	ok(st == 7 || st == 9 || st == 128 + SIGHUP, "hang-up ends the child (status %d)", st);
	vt_free(t);
}

int main(void)
{
	test_echo();
	test_size_and_resize();
	test_keys_by_term();
	test_altscreen_and_attrs();
	test_quiet_and_signal();
	return tap_done();
}
