/* vtdrive: a program in a pty, its screen in libvterm (see vtdrive.h). */
#include "config.h"
#include "vtdrive.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* vterm.h before term.h: terminfo defines macros such as "bell" */
#include <vterm.h>
#include <curses.h>
#include <term.h>

/* Keys named in vt_send and the terminfo capability each comes from. */
static const struct {
	const char *name;
	const char *cap;        /* terminfo capability, or NULL: fixed bytes */
	const char *bytes;
} key_names[] = {
	{ "Enter", NULL, "\r" },   { "Esc", NULL, "\033" },  { "Tab", NULL, "\t" },
	{ "lt", NULL, "<" },       { "Space", NULL, " " },
	{ "S-Tab", "kcbt", NULL }, { "BS", "kbs", NULL },    { "Del", "kdch1", NULL },
	{ "Up", "kcuu1", NULL },   { "Down", "kcud1", NULL },
	{ "Left", "kcub1", NULL }, { "Right", "kcuf1", NULL },
	{ "Home", "khome", NULL }, { "End", "kend", NULL },
	{ "PgUp", "kpp", NULL },   { "PgDn", "knp", NULL },
	{ "F1", "kf1", NULL },     { "F2", "kf2", NULL },    { "F3", "kf3", NULL },
	{ "F4", "kf4", NULL },     { "F5", "kf5", NULL },    { "F6", "kf6", NULL },
	{ "F7", "kf7", NULL },     { "F8", "kf8", NULL },    { "F9", "kf9", NULL },
	{ "F10", "kf10", NULL },   { "F11", "kf11", NULL },  { "F12", "kf12", NULL },
};
#define KEY_NAME_COUNT (sizeof key_names / sizeof key_names[0])
#define KEY_SEQ_MAX 32

struct vt {
	pid_t pid;
	int fd;                       /* pty master */
	bool eof;                     /* the slave side is closed */
	bool exited;
	int status;                   /* as from waitpid */
	VTerm *term;
	VTermScreen *screen;
	int rows, cols;
	bool altscreen, altscreen_used;
	size_t bytes;                 /* written by the program */
	FILE *trace;
	char keys[KEY_NAME_COUNT][KEY_SEQ_MAX];   /* "" when the TERM lacks it */
	char *row_buf;
	size_t row_cap;
	char *scrollback;
	size_t sb_len, sb_cap;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void diag(const char *what, const char *detail)
{
	printf("# vtdrive: %s%s\n", what, detail);
	fflush(stdout);
}

/* ---- what the emulator reports back ---- */

static void on_output(const char *s, size_t len, void *user)
{
	struct vt *t = user;
	while (len > 0) {
		ssize_t n = write(t->fd, s, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		s += n;
		len -= (size_t)n;
	}
}

static int on_settermprop(VTermProp prop, VTermValue *val, void *user)
{
	struct vt *t = user;
	if (prop == VTERM_PROP_ALTSCREEN) {
		t->altscreen = val->boolean != 0;
		if (t->altscreen)
			t->altscreen_used = true;
	}
	return 1;
}

static size_t utf8_encode(uint32_t c, char out[4])
{
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xC0 | (c >> 6));
		out[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xE0 | (c >> 12));
		out[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		out[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (c >> 18));
	out[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((c >> 6) & 0x3F));
	out[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

static bool sb_append(struct vt *t, const char *s, size_t len)
{
	if (t->sb_len + len + 1 > t->sb_cap) {
		size_t cap = (t->sb_cap + len + 1) * 2;
		char *p = realloc(t->scrollback, cap);
		if (p == NULL)
			return false;
		t->scrollback = p;
		t->sb_cap = cap;
	}
	memcpy(t->scrollback + t->sb_len, s, len);
	t->sb_len += len;
	t->scrollback[t->sb_len] = '\0';
	return true;
}

static int on_sb_pushline(int cols, const VTermScreenCell *cells, void *user)
{
	struct vt *t = user;
	for (int c = 0; c < cols; c++) {
		char u[4];
		uint32_t ch = cells[c].chars[0];
		if (ch == (uint32_t)-1)
			continue;
		size_t n = utf8_encode(ch == 0 ? ' ' : ch, u);
		sb_append(t, u, n);
	}
	sb_append(t, "\n", 1);
	return 1;
}

static const VTermScreenCallbacks screen_callbacks = {
	.settermprop = on_settermprop,
	.sb_pushline = on_sb_pushline,
};

/* ---- keys from terminfo ---- */

static const char *env_get(const char *const envp[], const char *name)
{
	size_t len = strlen(name);
	for (size_t i = 0; envp[i] != NULL; i++)
		if (strncmp(envp[i], name, len) == 0 && envp[i][len] == '=')
			return envp[i] + len + 1;
	return NULL;
}

static void load_keys(struct vt *t, const char *term)
{
	int err = 0;
	int devnull = open("/dev/null", O_RDWR);
	TERMINAL *old = cur_term;
	bool have = term != NULL && setupterm(term, devnull, &err) == OK;
	for (size_t i = 0; i < KEY_NAME_COUNT; i++) {
		const char *seq = key_names[i].bytes;
		if (key_names[i].cap != NULL) {
			char *s = have ? tigetstr(key_names[i].cap) : NULL;
			seq = (s == NULL || s == (char *)-1) ? "" : s;
		}
		snprintf(t->keys[i], sizeof t->keys[i], "%s", seq);
	}
	if (have) {
		del_curterm(cur_term);
		set_curterm(old);
	}
	if (devnull >= 0)
		close(devnull);
	if (!have)
		diag("no terminfo entry for TERM=", term ? term : "(unset)");
}

/* ---- the pty ---- */

/* Read what the program wrote, waiting at most timeout_ms for the first
 * byte.  Returns bytes read, 0 on timeout, -1 once the pty is closed. */
static int pump(struct vt *t, int timeout_ms)
{
	if (t->eof)
		return -1;
	struct pollfd p = { .fd = t->fd, .events = POLLIN };
	int r = poll(&p, 1, timeout_ms < 0 ? 0 : timeout_ms);
	if (r < 0)
		return errno == EINTR ? 0 : -1;
	if (r == 0)
		return 0;
	char buf[8192];
	int total = 0;
	for (;;) {
		ssize_t n = read(t->fd, buf, sizeof buf);
		if (n > 0) {
			vterm_input_write(t->term, buf, (size_t)n);
			t->bytes += (size_t)n;
			if (t->trace != NULL)
				fwrite(buf, 1, (size_t)n, t->trace);
			total += (int)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		t->eof = true;          /* EIO on Linux once the slave is closed */
		break;
	}
	vterm_screen_flush_damage(t->screen);
	if (total == 0 && t->eof)
		return -1;
	return total;
}

/* The child starts with the signals as a login terminal gives them: a test
 * run under nohup (SIGHUP ignored) or from a shell that ignores SIGINT
 * would hand its ignored signals down, and a shell cannot trap a signal it
 * was started with ignored (POSIX): a hang-up would never reach it. */
static void start_as_in_a_terminal(void)
{
	const int sigs[] = { SIGHUP, SIGINT, SIGQUIT, SIGPIPE, SIGTERM, SIGTSTP, SIGTTIN, SIGTTOU };
	for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
		signal(sigs[i], SIG_DFL);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

struct vt *vt_spawn(const char *const argv[], const char *const envp[], int rows, int cols)
{
	struct vt *t = calloc(1, sizeof *t);
	if (t == NULL)
		return NULL;
	t->rows = rows;
	t->cols = cols;
	load_keys(t, env_get(envp, "TERM"));
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	fflush(stdout);
	t->pid = forkpty(&t->fd, NULL, NULL, &ws);
	if (t->pid < 0) {
		diag("forkpty: ", strerror(errno));
		free(t);
		return NULL;
	}
	if (t->pid == 0) {
		start_as_in_a_terminal();
		/* execve does not change the strings; its prototype predates const */
		execve(argv[0], (char *const *)argv, (char *const *)envp);
		fprintf(stderr, "vtdrive: exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	fcntl(t->fd, F_SETFL, fcntl(t->fd, F_GETFL) | O_NONBLOCK);
	fcntl(t->fd, F_SETFD, FD_CLOEXEC);
	t->term = vterm_new(rows, cols);
	vterm_set_utf8(t->term, 1);
	vterm_output_set_callback(t->term, on_output, t);
	t->screen = vterm_obtain_screen(t->term);
	vterm_screen_enable_altscreen(t->screen, 1);
	vterm_screen_set_callbacks(t->screen, &screen_callbacks, t);
	vterm_screen_reset(t->screen, 1);
	return t;
}

static void reap(struct vt *t, int options)
{
	if (t->exited)
		return;
	int status;
	pid_t r = waitpid(t->pid, &status, options);
	if (r == t->pid) {
		t->exited = true;
		t->status = status;
	}
}

void vt_free(struct vt *t)
{
	if (t == NULL)
		return;
	if (!t->exited) {
		kill(t->pid, SIGHUP);
		if (vt_wait_exit(t, 3000) < 0) {
			kill(t->pid, SIGKILL);
			reap(t, 0);
		}
	}
	close(t->fd);
	vterm_free(t->term);
	free(t->row_buf);
	free(t->scrollback);
	free(t);
}

bool vt_send_raw(struct vt *t, const char *bytes, size_t len)
{
	while (len > 0) {
		ssize_t n = write(t->fd, bytes, len);
		if (n < 0 && (errno == EINTR || errno == EAGAIN)) {
			pump(t, 10);        /* let the program drain its input */
			continue;
		}
		if (n <= 0) {
			diag("write to pty: ", strerror(errno));
			return false;
		}
		bytes += n;
		len -= (size_t)n;
	}
	return true;
}

static bool send_named(struct vt *t, const char *name, size_t len)
{
	if (len == 3 && name[0] == 'C' && name[1] == '-') {
		char c = (char)(name[2] & 0x1F);
		return vt_send_raw(t, &c, 1);
	}
	for (size_t i = 0; i < KEY_NAME_COUNT; i++) {
		if (strlen(key_names[i].name) == len && strncmp(key_names[i].name, name, len) == 0) {
			if (t->keys[i][0] == '\0') {
				diag("this TERM has no key ", key_names[i].name);
				return false;
			}
			return vt_send_raw(t, t->keys[i], strlen(t->keys[i]));
		}
	}
	char copy[32];
	snprintf(copy, sizeof copy, "%.*s", (int)(len < 31 ? len : 31), name);
	diag("unknown key name ", copy);
	return false;
}

bool vt_send(struct vt *t, const char *keys)
{
	const char *p = keys;
	while (*p != '\0') {
		const char *close = *p == '<' ? strchr(p + 1, '>') : NULL;
		if (close != NULL && close > p + 1) {
			if (!send_named(t, p + 1, (size_t)(close - p - 1)))
				return false;
			p = close + 1;
			continue;
		}
		size_t run = strcspn(p + 1, "<") + 1;
		if (!vt_send_raw(t, p, run))
			return false;
		p += run;
	}
	return true;
}

/* ---- reading the screen ---- */

static bool row_reserve(struct vt *t, size_t need)
{
	if (need <= t->row_cap)
		return true;
	char *p = realloc(t->row_buf, need);
	if (p == NULL)
		return false;
	t->row_buf = p;
	t->row_cap = need;
	return true;
}

/* Text of row n; cols_at (may be NULL, cols+1 entries) gets, for each byte
 * offset where a cell starts, the cell's column. */
static const char *row_text(struct vt *t, int n, int *cols_at, size_t cols_at_len)
{
	size_t cap = (size_t)t->cols * 4 * VTERM_MAX_CHARS_PER_CELL + 1;
	if (!row_reserve(t, cap))
		return "";
	size_t len = 0;
	for (int c = 0; c < t->cols; c++) {
		VTermScreenCell cell;
		VTermPos pos = { .row = n, .col = c };
		if (!vterm_screen_get_cell(t->screen, pos, &cell))
			continue;
		if (cell.chars[0] == (uint32_t)-1)
			continue;                   /* right half of a wide character */
		if (cols_at != NULL && len < cols_at_len)
			cols_at[len] = c;
		if (cell.chars[0] == 0)
			t->row_buf[len++] = ' ';
		for (int k = 0; k < VTERM_MAX_CHARS_PER_CELL && cell.chars[k] != 0; k++)
			len += utf8_encode(cell.chars[k], t->row_buf + len);
		if (cell.width == 2)
			c++;
	}
	while (len > 0 && t->row_buf[len - 1] == ' ')
		len--;
	t->row_buf[len] = '\0';
	return t->row_buf;
}

const char *vt_row(struct vt *t, int n)
{
	if (n < 0 || n >= t->rows)
		return "";
	return row_text(t, n, NULL, 0);
}

char *vt_dump(struct vt *t)
{
	size_t cap = (size_t)t->rows * ((size_t)t->cols * 4 + 1) + 1, len = 0;
	char *out = malloc(cap);
	if (out == NULL)
		return NULL;
	for (int r = 0; r < t->rows; r++) {
		const char *row = vt_row(t, r);
		size_t n = strlen(row);
		if (len + n + 2 > cap) {
			char *p = realloc(out, cap * 2 + n);
			if (p == NULL)
				break;
			out = p;
			cap = cap * 2 + n;
		}
		memcpy(out + len, row, n);
		len += n;
		out[len++] = '\n';
	}
	out[len] = '\0';
	return out;
}

bool vt_find(struct vt *t, const char *text, int *row, int *col)
{
	size_t cols_len = (size_t)t->cols * 4 * VTERM_MAX_CHARS_PER_CELL + 1;
	int *cols_at = calloc(cols_len, sizeof *cols_at);
	bool found = false;
	for (int r = 0; r < t->rows && !found; r++) {
		const char *s = row_text(t, r, cols_at, cols_len);
		const char *hit = strstr(s, text);
		if (hit != NULL) {
			found = true;
			if (row != NULL)
				*row = r;
			if (col != NULL)
				*col = cols_at != NULL ? cols_at[hit - s] : 0;
		}
	}
	free(cols_at);
	return found;
}

int vt_find_in_row(struct vt *t, int n, const char *text)
{
	size_t cols_len = (size_t)t->cols * 4 * VTERM_MAX_CHARS_PER_CELL + 1;
	int *cols_at = calloc(cols_len, sizeof *cols_at);
	if (cols_at == NULL || n < 0 || n >= t->rows) {
		free(cols_at);
		return -1;
	}
	const char *s = row_text(t, n, cols_at, cols_len);
	const char *hit = strstr(s, text);
	int col = hit != NULL ? cols_at[hit - s] : -1;
	free(cols_at);
	return col;
}

bool vt_has_text(struct vt *t, const char *text)
{
	return vt_find(t, text, NULL, NULL);
}

const char *vt_scrollback(struct vt *t)
{
	return t->scrollback != NULL ? t->scrollback : "";
}

bool vt_cursor(struct vt *t, int *row, int *col)
{
	VTermPos pos;
	vterm_state_get_cursorpos(vterm_obtain_state(t->term), &pos);
	*row = pos.row;
	*col = pos.col;
	return true;
}

int vt_rows(const struct vt *t) { return t->rows; }
int vt_cols(const struct vt *t) { return t->cols; }

static int colour_index(const VTermColor *c, bool fg)
{
	if (fg ? VTERM_COLOR_IS_DEFAULT_FG(c) : VTERM_COLOR_IS_DEFAULT_BG(c))
		return -1;
	if (VTERM_COLOR_IS_INDEXED(c))
		return c->indexed.idx;
	return -2;
}

bool vt_attrs_at(struct vt *t, int row, int col, struct vt_attrs *out)
{
	VTermScreenCell cell;
	VTermPos pos = { .row = row, .col = col };
	if (!vterm_screen_get_cell(t->screen, pos, &cell))
		return false;
	out->bold = cell.attrs.bold;
	out->underline = cell.attrs.underline != 0;
	out->reverse = cell.attrs.reverse;
	out->blink = cell.attrs.blink;
	out->italic = cell.attrs.italic;
	out->fg = colour_index(&cell.fg, true);
	out->bg = colour_index(&cell.bg, false);
	return true;
}

int vt_coloured_cells(struct vt *t)
{
	int n = 0;
	for (int r = 0; r < t->rows; r++)
		for (int c = 0; c < t->cols; c++) {
			struct vt_attrs a;
			if (vt_attrs_at(t, r, c, &a) && (a.fg != -1 || a.bg != -1))
				n++;
		}
	return n;
}

bool vt_altscreen(const struct vt *t) { return t->altscreen; }
pid_t vt_pid(const struct vt *t) { return t->pid; }
bool vt_altscreen_used(const struct vt *t) { return t->altscreen_used; }
size_t vt_bytes_received(const struct vt *t) { return t->bytes; }
void vt_trace(struct vt *t, FILE *f) { t->trace = f; }

/* ---- waiting ---- */

bool vt_wait_text(struct vt *t, const char *text, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	for (;;) {
		if (vt_has_text(t, text))
			return true;
		long long left = deadline - now_ms();
		if (left <= 0 || pump(t, (int)left) < 0)
			return vt_has_text(t, text);
	}
}

bool vt_wait_gone(struct vt *t, const char *text, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	for (;;) {
		if (!vt_has_text(t, text))
			return true;
		long long left = deadline - now_ms();
		if (left <= 0 || pump(t, (int)left) < 0)
			return !vt_has_text(t, text);
	}
}

bool vt_wait_quiet(struct vt *t, int quiet_ms, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	for (;;) {
		long long left = deadline - now_ms();
		if (left <= 0)
			return false;
		int n = pump(t, (int)(left < quiet_ms ? left : quiet_ms));
		if (n < 0)
			return true;            /* closed: nothing more will come */
		if (n == 0)
			return left >= quiet_ms;
	}
}

int vt_wait_exit(struct vt *t, int timeout_ms)
{
	long long deadline = now_ms() + timeout_ms;
	for (;;) {
		reap(t, WNOHANG);
		if (t->exited)
			break;
		long long left = deadline - now_ms();
		if (left <= 0)
			return -1;
		/* Drain the output (a full pty would block the child) and look
		 * again every few milliseconds once the pty has closed. */
		if (pump(t, (int)(left < 20 ? left : 20)) < 0) {
			struct pollfd none = { .fd = -1 };
			poll(&none, 1, 5);
		}
	}
	while (pump(t, 0) > 0)
		;
	if (WIFEXITED(t->status))
		return WEXITSTATUS(t->status);
	if (WIFSIGNALED(t->status))
		return 128 + WTERMSIG(t->status);
	return -1;
}

bool vt_signal(struct vt *t, int sig)
{
	return !t->exited && kill(t->pid, sig) == 0;
}

bool vt_resize(struct vt *t, int rows, int cols)
{
	struct winsize ws = { .ws_row = (unsigned short)rows, .ws_col = (unsigned short)cols };
	if (ioctl(t->fd, TIOCSWINSZ, &ws) != 0) {
		diag("TIOCSWINSZ: ", strerror(errno));
		return false;
	}
	t->rows = rows;
	t->cols = cols;
	vterm_set_size(t->term, rows, cols);
	vterm_screen_flush_damage(t->screen);
	return true;
}
