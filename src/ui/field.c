/* field: a one-line UTF-8 text input edited at a cursor, drawn within a
 * width that scrolls sideways to keep the cursor visible. */
#include "config.h"
#include "ui_int.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

void ui_field_init(struct ui_field *f, enum ui_field_kind kind, size_t max)
{
	memset(f, 0, sizeof *f);
	f->kind = kind;
	f->max = max == 0 || max >= sizeof f->text ? sizeof f->text - 1 : max;
}

void ui_field_set(struct ui_field *f, const char *text)
{
	size_t n = strlen(text);
	if (n > f->max)
		n = f->max;
	/* never keep half a character */
	while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
		n--;
	memcpy(f->text, text, n);
	f->text[n] = '\0';
	f->len = n;
	f->cursor = n;
	f->scroll = 0;
}

void ui_field_wipe(struct ui_field *f)
{
	sodium_memzero(f->text, sizeof f->text);
	f->len = f->cursor = 0;
	f->scroll = 0;
}

static size_t prev_boundary(const struct ui_field *f, size_t at)
{
	if (at == 0)
		return 0;
	at--;
	while (at > 0 && ((unsigned char)f->text[at] & 0xC0) == 0x80)
		at--;
	return at;
}

static size_t next_boundary(const struct ui_field *f, size_t at)
{
	if (at >= f->len)
		return f->len;
	at++;
	while (at < f->len && ((unsigned char)f->text[at] & 0xC0) == 0x80)
		at++;
	return at;
}

static void remove_range(struct ui_field *f, size_t from, size_t to)
{
	memmove(f->text + from, f->text + to, f->len - to + 1);
	f->len -= to - from;
	f->cursor = from;
}

static bool insert_char(struct ui_field *f, wint_t ch)
{
	char mb[MB_LEN_MAX];
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t n = wcrtomb(mb, (wchar_t)ch, &st);
	if (n == (size_t)-1 || f->len + n > f->max) {
		beep();
		return false;
	}
	memmove(f->text + f->cursor + n, f->text + f->cursor, f->len - f->cursor + 1);
	memcpy(f->text + f->cursor, mb, n);
	f->len += n;
	f->cursor += n;
	return true;
}

bool ui_field_key(struct ui_field *f, const struct ui_key *k, bool *changed)
{
	bool dummy;
	if (changed == NULL)
		changed = &dummy;
	*changed = false;
	if (ui_key_printable(k)) {
		*changed = insert_char(f, k->ch);
		return true;
	}
	switch (k->action) {
	case ACT_BACKSPACE:
		if (f->cursor > 0) {
			remove_range(f, prev_boundary(f, f->cursor), f->cursor);
			*changed = true;
		}
		return true;
	case ACT_DELETE:
		if (f->cursor < f->len) {
			remove_range(f, f->cursor, next_boundary(f, f->cursor));
			*changed = true;
		}
		return true;
	case ACT_LEFT:
		f->cursor = prev_boundary(f, f->cursor);
		return true;
	case ACT_RIGHT:
		f->cursor = next_boundary(f, f->cursor);
		return true;
	case ACT_HOME:
		f->cursor = 0;
		return true;
	case ACT_END:
		f->cursor = f->len;
		return true;
	default:
		return false;
	}
}

/* Columns of text[0, upto). */
static int width_of(const struct ui_field *f, size_t upto)
{
	if (f->kind == FIELD_SECRET) {
		int n = 0;
		for (size_t i = 0; i < upto; i++)
			n += ((unsigned char)f->text[i] & 0xC0) != 0x80;
		return n;
	}
	char tmp[sizeof f->text];
	memcpy(tmp, f->text, upto);
	tmp[upto] = '\0';
	return ui_text_width(tmp);
}

int ui_field_draw(struct ui_field *f, int y, int x, int width, bool focused)
{
	if (width <= 1)
		return x;
	int cursor_col = width_of(f, f->cursor);
	/* keep the cursor within [scroll, scroll + width - 1] */
	if (cursor_col < f->scroll)
		f->scroll = cursor_col;
	if (cursor_col >= f->scroll + width)
		f->scroll = cursor_col - width + 1;
	/* Typing in the plain attribute costs one byte per character on the
	 * wire; the focus shows in the label and the cursor. */
	enum ui_role role = focused ? ROLE_NORMAL : ROLE_VALUE;
	ui_fill(y, x, width, role);
	if (f->kind == FIELD_SECRET) {
		char stars[sizeof f->text];
		int n = width_of(f, f->len) - f->scroll;
		n = n < 0 ? 0 : n > width ? width : n;
		memset(stars, '*', (size_t)n);
		stars[n] = '\0';
		ui_put(y, x, width, role, stars);
	} else {
		/* skip the characters scrolled out on the left */
		size_t at = 0;
		int skipped = 0;
		while (at < f->len && skipped < f->scroll) {
			size_t next = next_boundary(f, at);
			char one[8];
			size_t n = next - at < sizeof one ? next - at : sizeof one - 1;
			memcpy(one, f->text + at, n);
			one[n] = '\0';
			skipped += ui_text_width(one);
			at = next;
		}
		ui_put(y, x + (skipped - f->scroll), width, role, f->text + at);
	}
	return x + cursor_col - f->scroll;
}
