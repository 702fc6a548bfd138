/* dialog: a box over the current screen with a question, optional inputs,
 * Enter for yes and Esc for no. */
#include "config.h"
#include "ui_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LINE_BYTES 256

struct dialog {
	char title[128];
	char lines[DIALOG_LINES][LINE_BYTES];
	enum ui_role roles[DIALOG_LINES];
	int nlines;
	char yes[48], no[48];
	int ninputs, focus;
	bool split_pair;
	char labels[DIALOG_INPUTS][64];
	struct ui_field inputs[DIALOG_INPUTS];
	bool (*answer)(struct ui *ui, void *ctx, bool yes, const char *const *inputs);
	void *ctx;
};

static void *dialog_open(struct ui *ui, void *arg)
{
	const struct ui_dialog_args *a = arg;
	struct dialog *d = calloc(1, sizeof *d);
	if (d == NULL)
		return NULL;
	snprintf(d->title, sizeof d->title, "%s", a->title != NULL ? a->title : "");
	for (int i = 0; i < DIALOG_LINES && a->lines[i] != NULL; i++) {
		snprintf(d->lines[i], LINE_BYTES, "%s", a->lines[i]);
		d->roles[i] = a->roles[i];
		d->nlines++;
	}
	snprintf(d->yes, sizeof d->yes, "%s", a->yes_label != NULL ? a->yes_label : _("Ya"));
	snprintf(d->no, sizeof d->no, "%s", a->no_label != NULL ? a->no_label : _("Batal"));
	d->ninputs = a->ninputs < 0 ? 0 : a->ninputs > DIALOG_INPUTS ? DIALOG_INPUTS : a->ninputs;
	for (int i = 0; i < d->ninputs; i++) {
		snprintf(d->labels[i], sizeof d->labels[i], "%s", a->input_labels[i] ? a->input_labels[i] : "");
		ui_field_init(&d->inputs[i], FIELD_TEXT, a->input_max[i]);
		if (a->input_values[i] != NULL)
			ui_field_set(&d->inputs[i], a->input_values[i]);
	}
	d->answer = a->answer;
	d->ctx = a->ctx;
	d->split_pair = a->split_pair && d->ninputs >= 2;
	return d;
}

bool ui_dialog(struct ui *ui, const struct ui_dialog_args *args)
{
	return ui_push(ui, &screen_dialog, (void *)args);
}

/* A framed box in the dialog role with a title in its top edge. */
static void draw_box(int top, int left, int height, int width, const char *title)
{
	for (int y = 0; y < height; y++)
		ui_fill(top + y, left, width, ROLE_DIALOG);
	attr_t attr = ui_role_attr(ROLE_DIALOG);
	wattr_set(stdscr, attr & ~A_COLOR, (short)PAIR_NUMBER((int)attr), NULL);
	mvwhline(stdscr, top, left, ACS_HLINE, width);
	mvwhline(stdscr, top + height - 1, left, ACS_HLINE, width);
	mvwvline(stdscr, top, left, ACS_VLINE, height);
	mvwvline(stdscr, top, left + width - 1, ACS_VLINE, height);
	mvwaddch(stdscr, top, left, ACS_ULCORNER);
	mvwaddch(stdscr, top, left + width - 1, ACS_URCORNER);
	mvwaddch(stdscr, top + height - 1, left, ACS_LLCORNER);
	mvwaddch(stdscr, top + height - 1, left + width - 1, ACS_LRCORNER);
	wattr_set(stdscr, A_NORMAL, 0, NULL);
	char framed[160];
	snprintf(framed, sizeof framed, " %s ", title);
	ui_put(top, left + 2, width - 4, ROLE_DIALOG, framed);
}

static void dialog_draw(struct ui *ui, void *state)
{
	struct dialog *d = state;
	int width = ui->cols - 8 < 72 ? ui->cols - 8 : 72;
	int height = d->nlines + d->ninputs + 4 + (d->ninputs > 0);
	if (height > ui->rows - 1)
		height = ui->rows - 1;
	int top = (ui->rows - height) / 2, left = (ui->cols - width) / 2;
	draw_box(top, left, height, width, d->title);
	int y = top + 1, inner = width - 4;
	for (int i = 0; i < d->nlines && y < top + height - 2; i++, y++)
		ui_put_marked(y, left + 2, inner, d->roles[i] == ROLE_NORMAL ? ROLE_DIALOG : d->roles[i], d->lines[i]);
	if (d->ninputs > 0)
		y++;
	int label_w = 0;
	for (int i = 0; i < d->ninputs; i++)
		if (ui_text_width(d->labels[i]) > label_w)
			label_w = ui_text_width(d->labels[i]);
	label_w = label_w > inner / 2 ? inner / 2 : label_w;
	for (int i = 0; i < d->ninputs && y < top + height - 2; i++, y++) {
		ui_put(y, left + 2, label_w, ROLE_DIALOG, d->labels[i]);
		int cx = ui_field_draw(&d->inputs[i], y, left + 3 + label_w, inner - label_w - 1, i == d->focus);
		if (i == d->focus)
			ui_show_cursor(ui, y, cx);
	}
	char keys[160];
	snprintf(keys, sizeof keys, "Enter: %s   Esc: %s", d->yes, d->no);
	ui_put(top + height - 2, left + 2, inner, ROLE_DIALOG, keys);
}

/* An overlay keeps every key but the global ones (quit, lock, redraw, help):
 * those the main loop handles. */
static unsigned overlay_passes(enum ui_action action)
{
	switch (action) {
	case ACT_QUIT:
	case ACT_LOCK:
	case ACT_REDRAW:
	case ACT_HELP:
		return UI_IGNORED;
	default:
		return UI_HANDLED;
	}
}

static unsigned finish(struct ui *ui, struct dialog *d, bool yes)
{
	const char *values[DIALOG_INPUTS + 1] = { NULL };
	for (int i = 0; i < d->ninputs; i++)
		values[i] = d->inputs[i].text;
	if (d->answer == NULL || d->answer(ui, d->ctx, yes, values))
		return UI_CLOSE;
	return UI_HANDLED;
}

/* The first empty input after the focus, or -1. */
static int next_empty_input(const struct dialog *d)
{
	for (int i = d->focus + 1; i < d->ninputs; i++)
		if (d->inputs[i].len == 0)
			return i;
	return -1;
}

/* "a, b" or "a b" in the first input: b goes into the second (what was
 * there is replaced: the clerk typed both). */
static void split_first_input(struct dialog *d)
{
	char first[sizeof d->inputs[0].text];
	snprintf(first, sizeof first, "%s", d->inputs[0].text);
	char *end = first + strlen(first);
	while (end > first && end[-1] == ' ')
		*--end = '\0';
	/* the separator: a comma followed by a space, else a space (a lone
	 * comma may be a decimal comma: "-6,2058") */
	char *sep = strstr(first, ", ");
	if (sep == NULL)
		sep = strchr(first, ' ');
	if (sep == NULL && strchr(first, '.') != NULL)
		sep = strchr(first, ',');    /* "-6.2058,106.6283" */
	if (sep == NULL || sep == first)
		return;
	char *second = sep + 1;
	while (*second == ' ' || *second == ',')
		second++;
	if (*second == '\0')
		return;
	*sep = '\0';
	ui_field_set(&d->inputs[1], second);
	ui_field_set(&d->inputs[0], first);
}

static unsigned dialog_key(struct ui *ui, void *state, const struct ui_key *k)
{
	struct dialog *d = state;
	if (d->ninputs > 0 && k->action != ACT_UP && k->action != ACT_DOWN
		&& k->action != ACT_ENTER && ui_field_key(&d->inputs[d->focus], k, NULL))
		return UI_HANDLED;
	switch (k->action) {
	case ACT_ENTER: {
		if (d->focus == 0 && d->split_pair)
			split_first_input(d);
		/* on to what is still empty; nothing left: the answer (one
		 * Enter when the inputs came filled in) */
		int next = next_empty_input(d);
		if (next >= 0) {
			d->focus = next;
			return UI_HANDLED;
		}
		return finish(ui, d, true);
	}
	case ACT_BACK:
		return finish(ui, d, false);
	case ACT_UP:
		if (d->focus > 0)
			d->focus--;
		return UI_HANDLED;
	case ACT_DOWN:
		if (d->focus + 1 < d->ninputs)
			d->focus++;
		return UI_HANDLED;
	default:
		return overlay_passes(k->action);
	}
}

static void dialog_close(struct ui *ui, void *state, int reason)
{
	struct dialog *d = state;
	for (int i = 0; i < d->ninputs; i++)
		ui_field_wipe(&d->inputs[i]);
	free(d);
}

static const enum ui_action dialog_hints_list[] = { ACT_ENTER, ACT_BACK, ACT_NONE };

static const enum ui_action *dialog_hints(struct ui *ui, void *state)
{
	return dialog_hints_list;
}

const struct screen_ops screen_dialog = {
	.name = "dialog",
	.scope = SCOPE_ALL,
	.overlay = true,
	.hints = dialog_hints,
	.open = dialog_open,
	.draw = dialog_draw,
	.key = dialog_key,
	.close = dialog_close,
};

/* ---- a list to choose from ---- */

#define CHOICE_MAX 18   /* a kecamatan's kelurahan and one more row */

struct choice {
	char title[128];
	char items[CHOICE_MAX][256];
	int count, selected;
	void (*chosen)(struct ui *ui, void *ctx, int index);
	void *ctx;
};

static void *choice_open(struct ui *ui, void *arg)
{
	const struct ui_choice_args *a = arg;
	struct choice *c = calloc(1, sizeof *c);
	if (c == NULL)
		return NULL;
	snprintf(c->title, sizeof c->title, "%s", a->title);
	c->count = a->count > CHOICE_MAX ? CHOICE_MAX : a->count;
	for (int i = 0; i < c->count; i++)
		snprintf(c->items[i], sizeof c->items[i], "%s", a->items[i]);
	c->selected = a->selected >= 0 && a->selected < c->count ? a->selected : 0;
	c->chosen = a->chosen;
	c->ctx = a->ctx;
	return c;
}

bool ui_choose(struct ui *ui, const struct ui_choice_args *args)
{
	return ui_push(ui, &screen_choice, (void *)args);
}

static void choice_draw(struct ui *ui, void *state)
{
	struct choice *c = state;
	int width = 50, height = c->count + 4;
	for (int i = 0; i < c->count; i++)       /* a long item (a resident found) widens it */
		if (ui_text_width(c->items[i]) + 10 > width)
			width = ui_text_width(c->items[i]) + 10;
	if (width > ui->cols - 2)
		width = ui->cols - 2;
	int top = (ui->rows - height) / 2, left = (ui->cols - width) / 2;
	draw_box(top, left, height, width, c->title);
	for (int i = 0; i < c->count; i++) {
		enum ui_role role = i == c->selected ? ROLE_SELECTED : ROLE_DIALOG;
		ui_fill(top + 2 + i, left + 2, width - 4, role);
		char item[300];
		/* numbers right-aligned, so the names line up past 9 */
		snprintf(item, sizeof item, "%*d  %s", c->count > 9 ? 2 : 1, i + 1, c->items[i]);
		ui_put_marked(top + 2 + i, left + 3, width - 6, role, item);
	}
	ui_putf(top + height - 2, left + 3, width - 6, ROLE_DIALOG, _("Angka 1-%d: langsung pilih   Esc: batal"),
		c->count < 9 ? c->count : 9);
}

static unsigned choice_key(struct ui *ui, void *state, const struct ui_key *k)
{
	struct choice *c = state;
	if (k->is_char && k->ch >= '1' && k->ch <= '9' && (int)(k->ch - '1') < c->count) {
		c->selected = (int)(k->ch - '1');
		c->chosen(ui, c->ctx, c->selected);
		return UI_CLOSE;
	}
	switch (k->action) {
	case ACT_UP:
		c->selected = c->selected > 0 ? c->selected - 1 : c->count - 1;
		return UI_HANDLED;
	case ACT_DOWN:
		c->selected = c->selected + 1 < c->count ? c->selected + 1 : 0;
		return UI_HANDLED;
	case ACT_HOME:
		c->selected = 0;
		return UI_HANDLED;
	case ACT_END:
		c->selected = c->count - 1;
		return UI_HANDLED;
	case ACT_ENTER:
		c->chosen(ui, c->ctx, c->selected);
		return UI_CLOSE;
	case ACT_BACK:
		return UI_CLOSE;
	default:
		return overlay_passes(k->action);
	}
}

static void choice_close(struct ui *ui, void *state, int reason)
{
	free(state);
}

const struct screen_ops screen_choice = {
	.name = "choice",
	.scope = SCOPE_ALL,
	.overlay = true,
	.hints = dialog_hints,
	.open = choice_open,
	.draw = choice_draw,
	.key = choice_key,
	.close = choice_close,
};

/* ---- a list of lines to read ---- */

#define LINES_WRAPPED 160

struct lines {
	char title[128];
	char text[LINES_WRAPPED][LINE_BYTES];
	enum ui_role roles[LINES_WRAPPED];
	int count;
	int top;
	int width;                /* the text column the lines were wrapped to */
	int visible;              /* rows shown at the last draw */
};

/* One line cut at spaces into rows of width columns; the rows after the
 * first are indented under the text after the "- ". */
static void lines_add_wrapped(struct lines *l, const char *text, enum ui_role role, int width)
{
	const char *indent = "";
	while (*text != '\0' && l->count < LINES_WRAPPED) {
		int room = width - ui_text_width(indent);
		size_t fit = ui_text_wrap(text, room);
		snprintf(l->text[l->count], LINE_BYTES, "%s%.*s", indent, (int)fit, text);
		l->roles[l->count++] = role;
		text += fit;
		while (*text == ' ')
			text++;
		indent = "  ";
	}
}

static void *lines_open(struct ui *ui, void *arg)
{
	const struct ui_lines_args *a = arg;
	struct lines *l = calloc(1, sizeof *l);
	if (l == NULL)
		return NULL;
	snprintf(l->title, sizeof l->title, "%s", a->title != NULL ? a->title : "");
	l->width = (ui->cols - 8 < 72 ? ui->cols - 8 : 72) - 4;
	for (int i = 0; i < a->count && i < LINES_MAX; i++)
		lines_add_wrapped(l, a->lines[i] != NULL ? a->lines[i] : "", a->roles[i], l->width);
	return l;
}

bool ui_show_lines(struct ui *ui, const struct ui_lines_args *args)
{
	return ui_push(ui, &screen_lines, (void *)args);
}

static void lines_draw(struct ui *ui, void *state)
{
	struct lines *l = state;
	int width = l->width + 4;
	int height = l->count + 4;
	if (height > ui->rows - 1)
		height = ui->rows - 1;
	int top = (ui->rows - height) / 2, left = (ui->cols - width) / 2;
	draw_box(top, left, height, width, l->title);
	l->visible = height - 4 > 1 ? height - 4 : 1;
	if (l->top > l->count - l->visible)
		l->top = l->count - l->visible > 0 ? l->count - l->visible : 0;
	for (int i = 0; i < l->visible && l->top + i < l->count; i++) {
		enum ui_role role = l->roles[l->top + i];
		ui_put(top + 1 + i, left + 2, l->width, role == ROLE_NORMAL ? ROLE_DIALOG : role, l->text[l->top + i]);
	}
	char keys[160];
	if (l->count > l->visible)
		snprintf(keys, sizeof keys, _("%d-%d dari %d baris   Panah/PgDn: gulir   Enter/Esc: tutup"),
			l->top + 1, l->top + l->visible, l->count);
	else
		snprintf(keys, sizeof keys, "%s", _("Enter/Esc: tutup"));
	ui_put(top + height - 2, left + 2, l->width, ROLE_DIALOG, keys);
}

static unsigned lines_key(struct ui *ui, void *state, const struct ui_key *k)
{
	struct lines *l = state;
	int last_top = l->count - l->visible > 0 ? l->count - l->visible : 0;
	switch (k->action) {
	case ACT_ENTER:
	case ACT_BACK:
		return UI_CLOSE;
	case ACT_UP:
	case ACT_DOWN:
	case ACT_PGUP:
	case ACT_PGDN:
	case ACT_HOME:
	case ACT_END:
		/* the window moves, not a selection: the top row is the "cursor" */
		ui_list_move(&l->top, last_top + 1, l->visible, k->action);
		return UI_HANDLED;
	default:
		return overlay_passes(k->action);
	}
}

static void lines_close(struct ui *ui, void *state, int reason)
{
	free(state);
}

const struct screen_ops screen_lines = {
	.name = "lines",
	.scope = SCOPE_ALL,
	.overlay = true,
	.hints = dialog_hints,
	.open = lines_open,
	.draw = lines_draw,
	.key = lines_key,
	.close = lines_close,
};
