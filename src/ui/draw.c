/* draw: colour roles and text cropped by display width. */
#include "config.h"
#include "ui_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wctype.h>

/* ---- colour roles ---- */

struct role_style {
	short fg, bg;             /* -1 = the terminal's default */
	attr_t colour_attr;       /* added in the colour scheme */
	attr_t mono_attr;         /* the whole style in monochrome */
};

static const struct role_style styles[ROLE_COUNT] = {
	[ROLE_NORMAL]    = { -1, -1, A_NORMAL, A_NORMAL },
	[ROLE_TITLE]     = { COLOR_WHITE, COLOR_BLUE, A_BOLD, A_REVERSE },
	[ROLE_LABEL]     = { COLOR_CYAN, -1, A_NORMAL, A_NORMAL },
	[ROLE_VALUE]     = { -1, -1, A_BOLD, A_BOLD },
	[ROLE_FOCUS]     = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[ROLE_SELECTED]  = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[ROLE_OK]        = { COLOR_GREEN, -1, A_NORMAL, A_NORMAL },
	[ROLE_WARN]      = { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[ROLE_ERROR]     = { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[ROLE_DIM]       = { COLOR_BLUE, -1, A_BOLD, A_DIM },
	[ROLE_HINT_KEY]  = { COLOR_BLACK, COLOR_CYAN, A_NORMAL, A_REVERSE },
	[ROLE_HINT_TEXT] = { -1, -1, A_NORMAL, A_NORMAL },
	[ROLE_STATUS]    = { COLOR_WHITE, COLOR_BLUE, A_NORMAL, A_REVERSE },
	[ROLE_DIALOG]    = { COLOR_BLACK, COLOR_WHITE, A_NORMAL, A_NORMAL },
};

static bool colour_on;

void ui_colours_init(void)
{
	const char *no_colour = getenv("NO_COLOR");
	colour_on = has_colors() && (no_colour == NULL || no_colour[0] == '\0');
	if (!colour_on)
		return;
	start_color();
	bool defaults = use_default_colors() == OK;
	for (int r = 1; r < ROLE_COUNT; r++) {
		short fg = styles[r].fg, bg = styles[r].bg;
		if (!defaults) {
			fg = fg < 0 ? COLOR_WHITE : fg;
			bg = bg < 0 ? COLOR_BLACK : bg;
		}
		init_pair((short)r, fg, bg);
	}
}

bool ui_colours_on(void)
{
	return colour_on;
}

attr_t ui_role_attr(enum ui_role role)
{
	if (role <= ROLE_NORMAL || role >= ROLE_COUNT)
		return A_NORMAL;
	if (!colour_on)
		return styles[role].mono_attr;
	return COLOR_PAIR(role) | styles[role].colour_attr;
}

static void set_role(enum ui_role role)
{
	attr_t attr = ui_role_attr(role);
	wattr_set(stdscr, attr & ~A_COLOR, (short)PAIR_NUMBER((int)attr), NULL);
}

/* ---- text by display width ---- */

/* The next character of s (at most n bytes): its wide value (L'?' for
 * what cannot be shown), its byte length and its columns. */
static size_t next_char(const char *s, size_t n, wchar_t *wc, int *cols)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t used = mbrtowc(wc, s, n, &st);
	if (used == (size_t)-1 || used == (size_t)-2 || used == 0) {
		*wc = L'?';
		*cols = 1;
		return 1;
	}
	int w = wcwidth(*wc);
	if (w < 0 || !iswprint((wint_t)*wc)) {
		*wc = L'?';
		w = 1;
	}
	*cols = w;
	return used;
}

size_t ui_text_wrap(const char *s, int width)
{
	size_t fit = ui_text_fit(s, width, NULL);
	if (s[fit] != '\0') {
		size_t cut = fit;
		while (cut > 0 && s[cut] != ' ')
			cut--;
		if (cut > 0)
			fit = cut;
	}
	return fit;
}

/* The bytes of s that fit in width columns, and the columns they take
 * (*cols); with draw, each character is put at the cursor on the way, so
 * what is measured and what is drawn never differ. */
static size_t text_walk(const char *s, int width, bool draw, int *cols)
{
	size_t len = strlen(s), at = 0;
	int used = 0;
	while (at < len) {
		wchar_t wc;
		int w;
		size_t n = next_char(s + at, len - at, &wc, &w);
		if (used + w > width)
			break;
		if (draw)
			waddnwstr(stdscr, &wc, 1);
		used += w;
		at += n;
	}
	*cols = used;
	return at;
}

size_t ui_text_fit(const char *s, int width, int *cols)
{
	int used;
	size_t at = text_walk(s, width, false, &used);
	if (cols != NULL)
		*cols = used;
	return at;
}

int ui_text_width(const char *s)
{
	int cols;
	ui_text_fit(s, INT_MAX, &cols);
	return cols;
}

int ui_put(int y, int x, int width, enum ui_role role, const char *s)
{
	if (width <= 0 || y < 0 || y >= LINES || x >= COLS)
		return 0;
	if (x + width > COLS)
		width = COLS - x;
	int used;
	set_role(role);
	move(y, x);
	text_walk(s, width, true, &used);
	wattr_set(stdscr, A_NORMAL, 0, NULL);
	return used;
}

int ui_put_marked(int y, int x, int width, enum ui_role role, const char *s)
{
	if (ui_text_width(s) <= width || width < 2)
		return ui_put(y, x, width, role, s);
	char cut[1024];
	size_t keep = ui_text_fit(s, width - 1, NULL);
	snprintf(cut, sizeof cut, "%.*s\u2026", (int)(keep < sizeof cut - 4 ? keep : sizeof cut - 4), s);
	return ui_put(y, x, width, role, cut);
}

int ui_putf(int y, int x, int width, enum ui_role role, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return ui_put(y, x, width, role, buf);
}

void ui_fill(int y, int x, int width, enum ui_role role)
{
	if (y < 0 || y >= LINES || x >= COLS || width <= 0)
		return;
	if (x + width > COLS)
		width = COLS - x;
	set_role(role);
	mvhline(y, x, ' ', width);
	wattr_set(stdscr, A_NORMAL, 0, NULL);
}

size_t ui_copy(char *dst, size_t len, const char *src)
{
	if (len == 0)
		return 0;
	size_t n = strlen(src);
	if (n >= len) {
		n = len - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;       /* do not cut a character in half */
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
	return n;
}
