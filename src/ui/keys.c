/* keys: the one action table (UI_ACTIONS) turned into the key table, the
 * key names shown in the hint bar and on the help screen. */
#include "config.h"
#include "ui_int.h"

#include <stdio.h>
#include <string.h>
#include <wctype.h>

struct action_def {
	unsigned scope;
	int keys[3];
	const char *label;
	const char *help;
};

static const struct action_def actions[ACT_COUNT] = {
	[ACT_NONE] = { 0, { 0, 0, 0 }, "", "" },
#define UI_ACTION_DEF(a, scope, k1, k2, k3, label, help) \
	[a] = { scope, { k1, k2, k3 }, label, help },
	UI_ACTIONS(UI_ACTION_DEF)
#undef UI_ACTION_DEF
};

/* Characters in the table are below KEY_MIN; curses key codes are above.
 * A typed character such as U+0108 must not match KEY_F(0)+. */
static bool is_code(int key)
{
	return key >= KEY_MIN;
}

static enum ui_action lookup(int key, bool code)
{
	for (int a = 1; a < ACT_COUNT; a++)
		for (int i = 0; i < 3; i++) {
			int k = actions[a].keys[i];
			if (k != 0 && k == key && is_code(k) == code)
				return (enum ui_action)a;
		}
	return ACT_NONE;
}

void ui_key_classify(struct ui_key *k, int wget_result, wint_t value)
{
	memset(k, 0, sizeof *k);
	if (wget_result == KEY_CODE_YES) {
		k->code = (int)value;
		if (k->code == KEY_ENTER) {
			k->is_char = true;
			k->ch = '\n';
			k->code = 0;
		}
	} else {
		k->is_char = true;
		k->ch = value;
		if (value == '\r')
			k->ch = '\n';
		if (value == 127 || value == 8) {   /* Backspace as DEL or ^H */
			k->is_char = false;
			k->ch = 0;
			k->code = KEY_BACKSPACE;
		}
	}
	if (k->is_char)
		k->action = k->ch < 128 ? lookup((int)k->ch, false) : ACT_NONE;
	else
		k->action = lookup(k->code, true);
}

void ui_key_rescope(struct ui_key *k, unsigned scope)
{
	if (k->action == ACT_NONE || (actions[k->action].scope & scope) != 0)
		return;
	int key = k->is_char ? (int)k->ch : k->code;
	for (int a = 1; a < ACT_COUNT; a++)
		if ((actions[a].scope & scope) != 0)
			for (int i = 0; i < 3; i++)
				if (actions[a].keys[i] == key && key != 0) {
					k->action = (enum ui_action)a;
					return;
				}
}

bool ui_key_printable(const struct ui_key *k)
{
	return k->is_char && k->ch >= 32 && k->ch != 127 && iswprint(k->ch);
}

bool ui_key_is_help_char(const struct ui_key *k)
{
	return k->is_char && k->ch == '?';
}

/* The name of one key as printed on a keyboard. */
static void print_key_name(int key, char *buf, size_t len)
{
	if (key >= KEY_F(1) && key <= KEY_F(12)) {
		snprintf(buf, len, "F%d", key - KEY_F(0));
		return;
	}
	switch (key) {
	case '\n': snprintf(buf, len, "Enter"); return;
	case '\t': snprintf(buf, len, "Tab"); return;
	case UI_ESC: snprintf(buf, len, "Esc"); return;
	case KEY_BTAB: snprintf(buf, len, "Shift-Tab"); return;
	case KEY_UP: snprintf(buf, len, "%s", _("Panah atas")); return;
	case KEY_DOWN: snprintf(buf, len, "%s", _("Panah bawah")); return;
	case KEY_LEFT: snprintf(buf, len, "%s", _("Panah kiri")); return;
	case KEY_RIGHT: snprintf(buf, len, "%s", _("Panah kanan")); return;
	case KEY_PPAGE: snprintf(buf, len, "PgUp"); return;
	case KEY_NPAGE: snprintf(buf, len, "PgDn"); return;
	case KEY_HOME: snprintf(buf, len, "Home"); return;
	case KEY_END: snprintf(buf, len, "End"); return;
	case KEY_DC: snprintf(buf, len, "Del"); return;
	case KEY_BACKSPACE: snprintf(buf, len, "Backspace"); return;
	default: break;
	}
	if (key > 0 && key < 32)
		snprintf(buf, len, "Ctrl-%c", key + '@');
	else if (key >= 32 && key < 127)
		snprintf(buf, len, "%c", key);
	else
		snprintf(buf, len, "#%d", key);
}

/* A function key this terminal's terminfo does not list (vt100 has no
 * F11 or F12) is left out of the hint bar: the Ctrl alternative is shown
 * instead.  terminfo, not has_key(): ui.c defines PuTTY's and xterm's
 * sequences on top, and those a terminal may still not send. */
static bool key_usable(int key)
{
	if (key >= KEY_F(1) && key <= KEY_F(12)) {
		char cap[8];
		snprintf(cap, sizeof cap, "kf%d", key - KEY_F(0));
		const char *seq = tigetstr(cap);
		return seq != NULL && seq != (char *)-1 && seq[0] != '\0';
	}
	return true;
}

void ui_action_keys(enum ui_action a, int max, char *buf, size_t len)
{
	size_t used = 0;
	int shown = 0;
	buf[0] = '\0';
	if (a <= ACT_NONE || a >= ACT_COUNT)
		return;
	for (int i = 0; i < 3 && shown < max; i++) {
		int key = actions[a].keys[i];
		if (key == 0 || (max == 1 && !key_usable(key)))
			continue;
		char name[32];
		print_key_name(key, name, sizeof name);
		int n = snprintf(buf + used, len - used, "%s%s", shown > 0 ? " / " : "", name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
		shown++;
	}
}

const char *ui_action_label(enum ui_action a)
{
	return a > ACT_NONE && a < ACT_COUNT ? _(actions[a].label) : "";
}

const char *ui_action_help(enum ui_action a)
{
	return a > ACT_NONE && a < ACT_COUNT ? _(actions[a].help) : "";
}

unsigned ui_action_scope(enum ui_action a)
{
	return a > ACT_NONE && a < ACT_COUNT ? actions[a].scope : 0;
}
