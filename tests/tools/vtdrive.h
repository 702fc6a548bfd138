/* vtdrive: run a program in a pseudo-terminal and read its screen through a
 * terminal emulator (libvterm), for the end-to-end tests of the screens.
 *
 * Nothing here sleeps a fixed time: every wait polls the pty until a
 * condition holds (a text appears, the output goes quiet, the child exits)
 * or a bounded timeout passes. */
#ifndef SIGACOR_VTDRIVE_H
#define SIGACOR_VTDRIVE_H

#include <stdbool.h>
#include <sys/types.h>
#include <stddef.h>
#include <stdio.h>

struct vt;

/* Start argv[0] (a path) with exactly the environment envp (NULL-terminated
 * "NAME=value" strings; TERM there also chooses the key sequences vt_send
 * types) in a pty of rows x cols.  NULL on failure (with a diagnostic). */
struct vt *vt_spawn(const char *const argv[], const char *const envp[], int rows, int cols);
/* Hang up and reap the child if it still runs, then free everything. */
void vt_free(struct vt *t);

/* Type keys.  Plain characters are sent as they are (UTF-8); names in angle
 * brackets are keys: <Enter> <Esc> <Tab> <S-Tab> <BS> <Del> <Up> <Down>
 * <Left> <Right> <Home> <End> <PgUp> <PgDn> <F1>..<F12> <C-x> (Ctrl and a
 * letter) and <lt> for '<' itself.  Special keys are sent the way the
 * terminal named by TERM sends them (its terminfo entry).  Returns false
 * (with a diagnostic) on an unknown name or a key this TERM lacks. */
bool vt_send(struct vt *t, const char *keys);
/* Send raw bytes (e.g. PuTTY's "\033[11~" for F1). */
bool vt_send_raw(struct vt *t, const char *bytes, size_t len);

/* Wait until text appears anywhere on the screen / disappears from it. */
bool vt_wait_text(struct vt *t, const char *text, int timeout_ms);
bool vt_wait_gone(struct vt *t, const char *text, int timeout_ms);
/* Wait until the program wrote nothing for quiet_ms (at most timeout_ms). */
bool vt_wait_quiet(struct vt *t, int quiet_ms, int timeout_ms);
/* Wait for the child to exit; its exit status, 128+signal, or -1 on timeout. */
int vt_wait_exit(struct vt *t, int timeout_ms);
/* Send a signal to the child (e.g. SIGHUP for a dropped SSH session). */
bool vt_signal(struct vt *t, int sig);

/* Row n (0-based) as UTF-8, trailing blanks removed.  The pointer stays
 * valid until the next vt_row call on t. */
const char *vt_row(struct vt *t, int n);
/* The whole screen, one line per row ('\n' after each), trailing blanks
 * removed; free() it. */
char *vt_dump(struct vt *t);
/* Where text first appears; false when it is not on the screen. */
bool vt_find(struct vt *t, const char *text, int *row, int *col);
bool vt_has_text(struct vt *t, const char *text);
/* The column where text first appears in row n, or -1. */
int vt_find_in_row(struct vt *t, int n, const char *text);
/* Lines that scrolled off the normal screen into the scrollback, as text. */
const char *vt_scrollback(struct vt *t);
bool vt_cursor(struct vt *t, int *row, int *col);
int vt_rows(const struct vt *t);
int vt_cols(const struct vt *t);

/* Change the window size (the child gets SIGWINCH from the kernel). */
bool vt_resize(struct vt *t, int rows, int cols);

struct vt_attrs {
	bool bold, underline, reverse, blink, italic;
	int fg, bg;         /* -1: the default colour, else the palette index
	                       (RGB colours give -2) */
};
bool vt_attrs_at(struct vt *t, int row, int col, struct vt_attrs *out);
/* Number of cells whose foreground or background is not the default. */
int vt_coloured_cells(struct vt *t);
/* Whether the program switched to the alternate screen (and is still on it). */
bool vt_altscreen(const struct vt *t);
/* the program's process id (its /proc entry, for tests of what it loaded) */
pid_t vt_pid(const struct vt *t);
/* Whether the alternate screen was ever entered. */
bool vt_altscreen_used(const struct vt *t);

/* Bytes the program wrote to the terminal so far (for the benchmarks). */
size_t vt_bytes_received(const struct vt *t);
/* Copy every byte the program writes to f as well (NULL: stop). */
void vt_trace(struct vt *t, FILE *f);

#endif
