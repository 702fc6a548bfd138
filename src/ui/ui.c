/* ui: the one main loop.  It waits (ppoll) on the keyboard, on the sync
 * engine's fds and on the idle deadline together; signal handlers only set
 * flags that the loop acts on.  Screens live on a stack; the key goes to
 * the top one, and what it returns (UI_* flags) is acted on here. */
#include "config.h"
#include "ui_int.h"
#include "common.h"
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MIN_ROWS 24
#define MIN_COLS 80
/* How long a lone Esc waits for the rest of an escape sequence.  Bytes of
 * one key travel in one SSH packet, so a slow link does not split them. */
#define ESC_DELAY_MS 100
#define MAX_SYNC_FDS 16

static volatile sig_atomic_t got_winch, got_hangup, got_term, got_cont;

static void on_signal(int sig)
{
	switch (sig) {
	case SIGWINCH: got_winch = 1; break;
	case SIGHUP: got_hangup = 1; break;
	case SIGCONT: got_cont = 1; break;
	default: got_term = sig; break;
	}
}

/* ---- the screen stack ---- */

static void close_at(struct ui *ui, int index, int reason)
{
	const struct screen_ops *ops = ui->stack[index].ops;
	void *state = ui->stack[index].state;
	for (int i = index; i + 1 < ui->depth; i++)
		ui->stack[i] = ui->stack[i + 1];
	ui->depth--;
	if (ops->close != NULL)
		ops->close(ui, state, reason);
	if (ops == &screen_lock)
		ui->locked = false;
	if (index == ui->depth && ui->depth > 0) {
		const struct screen_ops *top = ui->stack[ui->depth - 1].ops;
		if (top->resume != NULL)
			top->resume(ui, ui->stack[ui->depth - 1].state);
	}
}

static void close_all(struct ui *ui, int reason)
{
	while (ui->depth > 0) {
		const struct screen_ops *ops = ui->stack[ui->depth - 1].ops;
		void *state = ui->stack[ui->depth - 1].state;
		ui->depth--;
		if (ops->close != NULL)
			ops->close(ui, state, reason);
	}
	ui->locked = false;
}

bool ui_push(struct ui *ui, const struct screen_ops *ops, void *arg)
{
	if (ui->depth >= UI_STACK_MAX)
		return false;
	void *state = ops->open != NULL ? ops->open(ui, arg) : NULL;
	if (ops->open != NULL && state == NULL)
		return false;
	ui->stack[ui->depth].ops = ops;
	ui->stack[ui->depth].state = state;
	ui->depth++;
	if (ops == &screen_lock)
		ui->locked = true;
	return true;
}

bool ui_reset_to(struct ui *ui, const struct screen_ops *ops, void *arg)
{
	close_all(ui, CLOSE_NORMAL);
	return ui_push(ui, ops, arg);
}

void ui_close_later(struct ui *ui, void *state)
{
	if (ui->nclose_later < (int)(sizeof ui->close_later / sizeof ui->close_later[0]))
		ui->close_later[ui->nclose_later++] = state;
}

static void close_state(struct ui *ui, void *state)
{
	for (int i = ui->depth - 1; i >= 0; i--)
		if (ui->stack[i].state == state) {
			close_at(ui, i, CLOSE_NORMAL);
			return;
		}
}

void ui_message(struct ui *ui, enum ui_role role, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(ui->message, sizeof ui->message, fmt, ap);
	va_end(ap);
	ui->message_role = role;
}

void ui_show_cursor(struct ui *ui, int y, int x)
{
	ui->cursor_y = y;
	ui->cursor_x = x;
}

void ui_title(struct ui *ui, const char *left, const char *right)
{
	ui_fill(0, 0, COLS, ROLE_TITLE);
	int rw = right != NULL ? ui_text_width(right) : 0;
	if (rw > COLS / 2)
		rw = COLS / 2;
	ui_put(0, 1, COLS - rw - 3, ROLE_TITLE, left);
	if (right != NULL)
		ui_put(0, COLS - rw - 1, rw, ROLE_TITLE, right);
}

const struct ui_sync *ui_sync_hook(const struct ui *ui)
{
	return ui->opts != NULL ? ui->opts->sync : NULL;
}

/* ---- logging in and out ---- */

bool ui_login(struct ui *ui, const char *name, const unsigned char key[PROFILE_KEY_BYTES])
{
	char dir[PATH_MAX], err[256] = "";
	if (!profile_path(ui->data_root, name, dir, sizeof dir)) {
		ui_message(ui, ROLE_ERROR, "%s", _("Nama petugas tidak sah."));
		return false;
	}
	int fd = profile_lock(ui->data_root, name);
	if (fd < 0) {
		ui_message(ui, ROLE_ERROR, "%s", _("Profil ini sedang dipakai di sesi lain di komputer ini."));
		return false;
	}
	struct store *s = NULL;
	if (store_open_keyed(dir, key, &s, err, sizeof err) != STORE_OK) {
		close(fd);
		ui_message(ui, ROLE_ERROR, _("Data petugas tidak bisa dibuka: %s"), err);
		return false;
	}
	/* cheap when nothing is due: what the server accepted long ago, and
	 * what an interrupted purge left, leave the laptop (store/purge.c) */
	store_purge_due(s, NULL);
	ui->store = s;
	ui->profile_lock_fd = fd;
	snprintf(ui->operator_name, sizeof ui->operator_name, "%s", name);
	snprintf(ui->profile_dir, sizeof ui->profile_dir, "%s", dir);
	const struct ui_sync *sync = ui_sync_hook(ui);
	if (sync != NULL && sync->attach != NULL)
		sync->attach(sync->ctx, s, name, key);
	return ui_reset_to(ui, &screen_worklist, NULL);
}

static void logout(struct ui *ui)
{
	const struct ui_sync *sync = ui_sync_hook(ui);
	if (ui->store != NULL && sync != NULL && sync->detach != NULL)
		sync->detach(sync->ctx);
	if (ui->store != NULL)
		store_close(ui->store);
	ui->store = NULL;
	if (ui->profile_lock_fd >= 0)
		close(ui->profile_lock_fd);
	ui->profile_lock_fd = -1;
	ui->operator_name[0] = '\0';
	ui->profile_dir[0] = '\0';
}

void ui_logout(struct ui *ui)
{
	close_all(ui, CLOSE_NORMAL);
	logout(ui);
	ui_push(ui, &screen_operator, NULL);
}

/* ---- drawing ---- */

static void draw_too_small(void)
{
	char size[96];
	snprintf(size, sizeof size, _("minimal %d x %d, sekarang %d x %d"), MIN_COLS, MIN_ROWS, COLS, LINES);
	const char *lines[] = { _("Layar terminal terlalu kecil."),
		_("Perbesar jendelanya;"), size, _("F10 / Ctrl-X: keluar") };
	int n = (int)(sizeof lines / sizeof lines[0]);
	int top = LINES > n ? (LINES - n) / 2 : 0;
	for (int i = 0; i < n && top + i < LINES; i++) {
		int w = ui_text_width(lines[i]);
		int x = w < COLS ? (COLS - w) / 2 : 0;
		ui_put(top + i, x, COLS - x, i == 0 ? ROLE_ERROR : ROLE_NORMAL, lines[i]);
	}
}

static void draw_hints(struct ui *ui)
{
	const struct screen_ops *ops = ui->stack[ui->depth - 1].ops;
	int y = LINES - 1, x = 0;
	ui_fill(y, 0, COLS, ROLE_HINT_TEXT);
	if (ops->hints == NULL)
		return;
	for (const enum ui_action *a = ops->hints(ui, ui->stack[ui->depth - 1].state); *a != ACT_NONE; a++) {
		char keys[48];
		ui_action_keys(*a, 1, keys, sizeof keys);
		const char *label = ui_action_label(*a);
		int need = ui_text_width(keys) + 1 + ui_text_width(label);
		if (x + need > COLS)
			break;
		x += ui_put(y, x, COLS - x, ROLE_HINT_KEY, keys);
		x += ui_put(y, x, COLS - x, ROLE_HINT_TEXT, " ");
		x += ui_put(y, x, COLS - x, ROLE_HINT_TEXT, label);
		x += ui_put(y, x, COLS - x, ROLE_HINT_TEXT, "  ");
	}
}

static void draw(struct ui *ui)
{
	werase(stdscr);
	ui->cursor_y = ui->cursor_x = -1;
	if (LINES < MIN_ROWS || COLS < MIN_COLS) {
		draw_too_small();
	} else if (ui->depth > 0) {
		ui->rows = LINES - 2;
		ui->cols = COLS;
		int bottom = ui->depth - 1;
		while (bottom > 0 && ui->stack[bottom].ops->overlay)
			bottom--;
		for (int i = bottom; i < ui->depth; i++)
			ui->stack[i].ops->draw(ui, ui->stack[i].state);
		if (ui->message[0] != '\0')
			ui_put_marked(LINES - 2, 0, COLS, ui->message_role, ui->message);
		draw_hints(ui);
	}
	if (ui->cursor_y >= 0) {
		curs_set(1);
		move(ui->cursor_y, ui->cursor_x);
	} else {
		curs_set(0);
		move(LINES - 1, COLS - 1);
	}
	wnoutrefresh(stdscr);
	doupdate();
}

void ui_draw_now(struct ui *ui)
{
	draw(ui);
}

/* ---- keys ---- */

static unsigned global_key(struct ui *ui, const struct ui_key *k)
{
	switch (k->action) {
	case ACT_HELP:
		if (ui->stack[ui->depth - 1].ops != &screen_help)
			ui_push(ui, &screen_help, (void *)ui->stack[ui->depth - 1].ops);
		return UI_HANDLED;
	case ACT_QUIT:
		return UI_QUIT;
	case ACT_LOCK:
		if (ui->store != NULL && !ui->locked)
			ui_push(ui, &screen_lock, NULL);
		return UI_HANDLED;
	case ACT_REDRAW:
		return UI_REPAINT;
	case ACT_NONE:
		return UI_HANDLED;
	default:
		return UI_HANDLED;
	}
}

/* Hand one key to the top screen; true when the program should end. */
static bool dispatch(struct ui *ui, const struct ui_key *k)
{
	ui->message[0] = '\0';
	unsigned r;
	if (LINES < MIN_ROWS || COLS < MIN_COLS || ui->depth == 0) {
		/* nothing is shown but the notice: only quit and redraw work */
		r = k->action == ACT_QUIT || k->action == ACT_REDRAW ? global_key(ui, k) : UI_HANDLED;
	} else {
		int index = ui->depth - 1;
		void *state = ui->stack[index].state;
		struct ui_key scoped = *k;
		ui_key_rescope(&scoped, ui->stack[index].ops->scope);
		r = ui->stack[index].ops->key(ui, state, &scoped);
		if (r == UI_IGNORED)
			r = global_key(ui, &scoped);
		/* the handler may have pushed another screen: close its own */
		if (r & UI_CLOSE)
			close_state(ui, state);
		while (ui->nclose_later > 0)
			close_state(ui, ui->close_later[--ui->nclose_later]);
	}
	if (r & UI_REPAINT)
		clearok(curscr, TRUE);
	return (r & UI_QUIT) != 0 || ui->depth == 0;
}

/* The rest of an escape sequence curses did not know (ESC [ ... final
 * byte, or ESC O and one byte): F11 from a terminal whose terminfo has no
 * kf11, Ctrl-arrows, ...  It arrived in one burst with the ESC, so it is
 * all waiting already.  Read and dropped: a key the table does not know
 * does nothing, and is never the Esc key. */
static void drop_sequence(wint_t introducer)
{
	if (introducer == 'O') {
		wint_t value;
		wget_wch(stdscr, &value);
		return;
	}
	for (int i = 0; i < 32; i++) {
		wint_t value;
		int r = wget_wch(stdscr, &value);
		if (r == ERR || r == KEY_CODE_YES || (value >= 0x40 && value <= 0x7e))
			return;
	}
}

/* One key: curses' result, except that ESC followed at once by '[' or 'O'
 * is an unknown sequence (dropped: false).  *pending gets a key read ahead
 * that is not part of one (Esc, then F3 typed quickly). */
static bool read_key(int *r, wint_t *value, bool *have_next, int *next_r, wint_t *next_value)
{
	*have_next = false;
	*r = wget_wch(stdscr, value);
	if (*r != OK || *value != UI_ESC)
		return *r != ERR;
	*next_r = wget_wch(stdscr, next_value);
	if (*next_r == ERR)
		return true;             /* the Esc key itself */
	if (*next_r == OK && (*next_value == '[' || *next_value == 'O')) {
		drop_sequence(*next_value);
		return false;
	}
	*have_next = true;
	return true;
}

static bool handle_key(struct ui *ui, int r, wint_t value, long long *last_input)
{
	if (r == KEY_CODE_YES && value == KEY_RESIZE)
		return false;            /* handled through got_winch */
	*last_input = common_now_ms();
	struct ui_key k;
	ui_key_classify(&k, r, value);
	return dispatch(ui, &k);
}

/* Read every key waiting; true when the program should end. */
static bool read_keys(struct ui *ui, long long *last_input)
{
	for (;;) {
		wint_t value, next_value = 0;
		int r, next_r = ERR;
		bool have_next;
		if (!read_key(&r, &value, &have_next, &next_r, &next_value)) {
			if (r == ERR)
				return false;
			*last_input = common_now_ms();
			continue;            /* an unknown sequence: nothing */
		}
		if (handle_key(ui, r, value, last_input))
			return true;
		if (have_next && handle_key(ui, next_r, next_value, last_input))
			return true;
		/* keys typed ahead are all handled before one redraw */
	}
}

static void apply_resize(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
}

/* Sync wrote what the worklist shows: reload it when it is on top (below a
 * form it reloads when the form closes). */
static void reload_worklist(struct ui *ui)
{
	if (ui->depth == 0 || ui->stack[ui->depth - 1].ops != &screen_worklist)
		return;
	if (screen_worklist.resume != NULL)
		screen_worklist.resume(ui, ui->stack[ui->depth - 1].state);
}

static void update_sync_status(struct ui *ui)
{
	const struct ui_sync *sync = ui_sync_hook(ui);
	if (sync == NULL || sync->status == NULL) {
		snprintf(ui->sync_status, sizeof ui->sync_status, "%s", _("belum terhubung ke server"));
		return;
	}
	sync->status(sync->ctx, ui->sync_status, sizeof ui->sync_status);
}

/* The loop.  Returns the exit status. */
static int run_loop(struct ui *ui, const sigset_t *wait_mask)
{
	long long last_input = common_now_ms();
	const struct ui_sync *sync = ui_sync_hook(ui);
	for (;;) {
		if (got_hangup || got_term)
			break;
		if (got_winch || got_cont) {
			got_winch = got_cont = 0;
			apply_resize();
		}
		if (ui->store != NULL && !ui->locked && ui->cfg.idle_seconds > 0
			&& common_now_ms() - last_input >= (long long)ui->cfg.idle_seconds * 1000) {
			/* keys typed as the lock appears were meant for the form: they
			 * must not land in the password field */
			flushinp();
			ui_push(ui, &screen_lock, NULL);
		}
		update_sync_status(ui);
		draw(ui);

		struct pollfd fds[1 + MAX_SYNC_FDS];
		fds[0].fd = STDIN_FILENO;
		fds[0].events = POLLIN;
		fds[0].revents = 0;
		int timeout = -1, nsync = 0;
		if (sync != NULL && sync->pollfds != NULL && ui->store != NULL)
			nsync = sync->pollfds(sync->ctx, fds + 1, MAX_SYNC_FDS, &timeout);
		nsync = nsync < 0 ? 0 : nsync > MAX_SYNC_FDS ? MAX_SYNC_FDS : nsync;
		if (ui->store != NULL && !ui->locked && ui->cfg.idle_seconds > 0) {
			long long left = last_input + (long long)ui->cfg.idle_seconds * 1000 - common_now_ms();
			left = left < 0 ? 0 : left;
			if (timeout < 0 || left < timeout)
				timeout = (int)left;
		}
		struct timespec ts = { timeout / 1000, (long)(timeout % 1000) * 1000000L };
		int n = ppoll(fds, (nfds_t)(1 + nsync), timeout < 0 ? NULL : &ts, wait_mask);
		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (fds[0].revents & (POLLHUP | POLLERR | POLLNVAL))) {
			got_hangup = 1;     /* the terminal went away without SIGHUP */
			break;
		}
		if (sync != NULL && sync->tick != NULL && ui->store != NULL)
			sync->tick(sync->ctx, fds + 1, n > 0 ? nsync : 0);
		if (sync != NULL && sync->data_changed != NULL && ui->store != NULL &&
			sync->data_changed(sync->ctx))
			reload_worklist(ui);
		if (n > 0 && (fds[0].revents & POLLIN) && read_keys(ui, &last_input))
			return 0;
	}
	if (got_hangup)
		return 128 + SIGHUP;
	return 128 + (int)got_term;
}

/* ---- the terminal ---- */

static SCREEN *term_screen;

/* A fatal path (exit() from anywhere) must not leave the terminal raw. */
static void restore_terminal(void)
{
	if (term_screen != NULL && !isendwin())
		endwin();
}

static void define_extra_keys(void)
{
	/* PuTTY's default function keys (ESC [11~ ...) and the Linux console's
	 * (ESC [[A ...) also mean F1-F12 whatever TERM says; Home/End in their
	 * common variants.  The hint bar still names only the keys terminfo
	 * lists (keys.c): those are the ones the clerk's terminal surely has. */
	static const struct { const char *seq; int key; } extra[] = {
		{ "\033[11~", KEY_F(1) }, { "\033[12~", KEY_F(2) }, { "\033[13~", KEY_F(3) },
		{ "\033[14~", KEY_F(4) }, { "\033[15~", KEY_F(5) },
		/* F6-F12 as PuTTY and xterm send them even when TERM=vt100 says
		 * there are no such keys (PuTTY's users often have vt100) */
		{ "\033[17~", KEY_F(6) }, { "\033[18~", KEY_F(7) }, { "\033[19~", KEY_F(8) },
		{ "\033[20~", KEY_F(9) }, { "\033[21~", KEY_F(10) }, { "\033[23~", KEY_F(11) },
		{ "\033[24~", KEY_F(12) },
		{ "\033[[A", KEY_F(1) }, { "\033[[B", KEY_F(2) }, { "\033[[C", KEY_F(3) },
		{ "\033[[D", KEY_F(4) }, { "\033[[E", KEY_F(5) },
		{ "\033OP", KEY_F(1) }, { "\033OQ", KEY_F(2) }, { "\033OR", KEY_F(3) }, { "\033OS", KEY_F(4) },
		{ "\033[1~", KEY_HOME }, { "\033[4~", KEY_END }, { "\033[H", KEY_HOME }, { "\033[F", KEY_END },
		{ "\033[A", KEY_UP }, { "\033[B", KEY_DOWN }, { "\033[C", KEY_RIGHT }, { "\033[D", KEY_LEFT },
		{ "\033OA", KEY_UP }, { "\033OB", KEY_DOWN }, { "\033OC", KEY_RIGHT }, { "\033OD", KEY_LEFT },
		{ "\033[Z", KEY_BTAB },
	};
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		if (key_defined(extra[i].seq) == 0)
			define_key(extra[i].seq, extra[i].key);
}

static bool terminal_start(void)
{
	const char *term = getenv("TERM");
	term_screen = newterm(NULL, stdout, stdin);
	if (term_screen == NULL) {
		fprintf(stderr, _("sigacor: jenis terminal \"%s\" tidak dikenal; coba TERM=xterm\n"),
			term != NULL ? term : "");
		return false;
	}
	set_term(term_screen);
	atexit(restore_terminal);
	raw();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(ESC_DELAY_MS);
	define_extra_keys();
	ui_colours_init();
	return true;
}

static void terminal_stop(void)
{
	/* Blank the screen first: terminals without an alternate screen
	 * (linux, vt100) would otherwise keep personal data in view. */
	werase(stdscr);
	wnoutrefresh(stdscr);
	doupdate();
	endwin();
	delscreen(term_screen);
	term_screen = NULL;
}

static void install_signals(sigset_t *wait_mask)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	static const int sigs[] = { SIGWINCH, SIGHUP, SIGTERM, SIGINT, SIGQUIT, SIGCONT };
	sigset_t block;
	sigemptyset(&block);
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) {
		sigaction(sigs[i], &sa, NULL);
		sigaddset(&block, sigs[i]);
	}
	signal(SIGPIPE, SIG_IGN);
	/* Delivered only inside ppoll, so a signal can never slip in between
	 * the flag check and the wait. */
	sigprocmask(SIG_BLOCK, &block, wait_mask);
}

int ui_run(const struct ui_options *opts)
{
	struct ui *ui = calloc(1, sizeof *ui);
	if (ui == NULL)
		return 2;
	ui->opts = opts;
	ui->profile_lock_fd = -1;
	umask(077);
	ui_config_load(&ui->cfg);
	if (opts != NULL && opts->data_root != NULL)
		snprintf(ui->data_root, sizeof ui->data_root, "%s", opts->data_root);
	else if (!profile_default_root(ui->data_root, sizeof ui->data_root)) {
		fprintf(stderr, "%s\n", _("sigacor: folder data tidak diketahui (HOME tidak diatur); pakai --data-dir"));
		free(ui);
		return 2;
	}
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "%s\n", _("sigacor: layar verifikasi perlu terminal; untuk skrip pakai perintah (sigacor --help)"));
		free(ui);
		return 2;
	}
	sigset_t wait_mask;
	install_signals(&wait_mask);
	if (!terminal_start()) {
		sigprocmask(SIG_SETMASK, &wait_mask, NULL);
		free(ui);
		return 2;
	}
	int status = 2;
	if (ui_push(ui, &screen_operator, (void *)(opts != NULL ? opts->operator_name : NULL)))
		status = run_loop(ui, &wait_mask);
	/* What is open is saved as a draft where it can be (see form.c). */
	close_all(ui, status == 0 ? CLOSE_QUIT : CLOSE_HANGUP);
	logout(ui);
	terminal_stop();
	sigprocmask(SIG_SETMASK, &wait_mask, NULL);
	free(ui);
	return status;
}
