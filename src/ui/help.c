/* help: every key, generated from the one action table (keys.c), the
 * screen it was opened from first. */
#include "config.h"
#include "ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HELP_LINES 160
#define KEYS_COLUMN 34

struct help_line {
	enum ui_role role;
	char keys[64];
	char text[160];
};

struct help {
	struct help_line lines[HELP_LINES];
	int count;
	int top;
	int visible;              /* lines shown at the last draw */
};

static const struct {
	unsigned scope;
	const char *title;
} sections[] = {
	{ SCOPE_OPERATOR, N_("Layar petugas") },
	{ SCOPE_LIST, N_("Daftar rekaman") },
	{ SCOPE_FORM, N_("Formulir verifikasi") },
	{ SCOPE_PICKER, N_("Pemilih foto") },
	{ SCOPE_EDIT, N_("Kolom teks dan kotak foto") },
	{ SCOPE_ALL, N_("Di semua layar") },
	{ SCOPE_MOVE, N_("Bergerak") },
};
#define SECTION_COUNT (sizeof sections / sizeof sections[0])

static void add(struct help *h, enum ui_role role, const char *keys, const char *text)
{
	if (h->count >= HELP_LINES)
		return;
	struct help_line *l = &h->lines[h->count++];
	l->role = role;
	snprintf(l->keys, sizeof l->keys, "%s", keys);
	snprintf(l->text, sizeof l->text, "%s", text);
}

/* The help text in lines of the text column's width (cut at spaces). */
static void add_wrapped(struct help *h, const char *keys, const char *text)
{
	int width = COLS - KEYS_COLUMN - 1;
	width = width < 20 ? 20 : width;
	while (*text != '\0') {
		size_t fit = ui_text_wrap(text, width);
		char part[160];
		snprintf(part, sizeof part, "%.*s", (int)fit, text);
		add(h, ROLE_NORMAL, keys, part);
		keys = "";
		text += fit;
		while (*text == ' ')
			text++;
	}
}

static void add_section(struct help *h, unsigned scope, const char *title)
{
	if (h->count > 0)
		add(h, ROLE_NORMAL, "", "");
	add(h, ROLE_VALUE, title, "");
	for (int a = ACT_NONE + 1; a < ACT_COUNT; a++) {
		if (!(ui_action_scope((enum ui_action)a) & scope))
			continue;
		char keys[64];
		ui_action_keys((enum ui_action)a, 3, keys, sizeof keys);
		add_wrapped(h, keys, ui_action_help((enum ui_action)a));
	}
}

/* roff for the man page: '-' is written "\-" (a minus, not a hyphen). */
static void put_roff(FILE *out, const char *text)
{
	for (const char *c = text; *c != '\0'; c++) {
		if (*c == '-' || *c == '\\')
			fputc('\\', out);
		fputc(*c, out);
	}
}

void ui_keys_man(FILE *out)
{
	for (size_t i = 0; i < SECTION_COUNT; i++) {
		fprintf(out, ".SS ");
		put_roff(out, _(sections[i].title));
		fputc('\n', out);
		for (int a = ACT_NONE + 1; a < ACT_COUNT; a++) {
			if (!(ui_action_scope((enum ui_action)a) & sections[i].scope))
				continue;
			char keys[64];
			ui_action_keys((enum ui_action)a, 3, keys, sizeof keys);
			fprintf(out, ".TP\n.B ");
			put_roff(out, keys);
			fputc('\n', out);
			put_roff(out, ui_action_help((enum ui_action)a));
			fputc('\n', out);
		}
	}
}

static void *help_open(struct ui *ui, void *arg)
{
	const struct screen_ops *from = arg;
	struct help *h = calloc(1, sizeof *h);
	if (h == NULL)
		return NULL;
	/* the keys of the screen the clerk came from, then those that work
	 * everywhere, then the other screens' */
	unsigned order[3] = { from != NULL ? from->scope & ~(unsigned)(SCOPE_ALL | SCOPE_MOVE) : 0,
		SCOPE_ALL | SCOPE_MOVE, ~0u };
	unsigned done = 0;
	for (int pass = 0; pass < 3; pass++)
		for (size_t i = 0; i < SECTION_COUNT; i++)
			if ((sections[i].scope & order[pass]) && !(sections[i].scope & done)) {
				add_section(h, sections[i].scope, _(sections[i].title));
				done |= sections[i].scope;
			}
	return h;
}

static void help_draw(struct ui *ui, void *state)
{
	struct help *h = state;
	int visible = ui->rows - 1;
	h->visible = visible;
	/* the last page is full: the top stops where the last line shows */
	if (h->top > h->count - visible)
		h->top = h->count - visible > 0 ? h->count - visible : 0;
	int last = h->top + visible < h->count ? h->top + visible : h->count;
	char where[32];
	snprintf(where, sizeof where, "%d-%d / %d", h->top + 1, last, h->count);
	ui_title(ui, _("Bantuan: semua tombol (Esc: tutup)"), where);
	for (int i = 0; h->top + i < last; i++) {
		const struct help_line *l = &h->lines[h->top + i];
		int y = 1 + i;
		if (l->role == ROLE_VALUE) {
			ui_put(y, 1, ui->cols - 2, ROLE_VALUE, l->keys);
			continue;
		}
		ui_put(y, 2, KEYS_COLUMN - 3, ROLE_LABEL, l->keys);
		ui_put(y, KEYS_COLUMN, ui->cols - KEYS_COLUMN - 1, ROLE_NORMAL, l->text);
	}
}

static unsigned help_key(struct ui *ui, void *state, const struct ui_key *k)
{
	struct help *h = state;
	int page = ui->rows - 2;
	/* the top line moves: it stops where the last page is full */
	int tops = h->count - h->visible + 1;
	if (ui_list_move(&h->top, tops > 1 ? tops : 1, page, k->action))
		return UI_HANDLED;
	switch (k->action) {
	case ACT_BACK:
	case ACT_ENTER:
	case ACT_HELP:
		return UI_CLOSE;
	case ACT_QUIT:
	case ACT_LOCK:
	case ACT_REDRAW:
		return UI_IGNORED;
	default:
		return UI_HANDLED;
	}
}

static void help_close(struct ui *ui, void *state, int reason)
{
	free(state);
}

static const enum ui_action help_hints_list[] = { ACT_BACK, ACT_PGDN, ACT_PGUP, ACT_NONE };

static const enum ui_action *help_hints(struct ui *ui, void *state)
{
	return help_hints_list;
}

const struct screen_ops screen_help = {
	.name = "help",
	.scope = SCOPE_ALL,
	.hints = help_hints,
	.open = help_open,
	.draw = help_draw,
	.key = help_key,
	.close = help_close,
};
