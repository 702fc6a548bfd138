/* operator: choose or create the operator profile on this machine, and the
 * idle lock that hides everything until the password is typed again. */
#include "config.h"
#include "ui_int.h"
#include "store.h"
#include "common.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PASSWORD_MIN PROFILE_PASSWORD_MIN
#define MAX_PROFILES 64

enum op_mode { OP_LIST, OP_PASSWORD, OP_NEW };

struct operator_screen {
	char names[MAX_PROFILES][PROFILE_NAME_MAX + 1];
	int count;
	int selected;             /* == count: "new profile" */
	enum op_mode mode;
	bool set_password_only;   /* a clear profile of an earlier release */
	int focus;                /* in OP_NEW: 0 name, 1 password, 2 again */
	struct ui_field name, pass, pass2;
	char chosen[PROFILE_NAME_MAX + 1];
};

static void reload(struct ui *ui, struct operator_screen *o)
{
	o->count = (int)profile_list(ui->data_root, o->names, MAX_PROFILES);
	if (o->selected > o->count)
		o->selected = o->count;
}

static void wipe_secrets(struct operator_screen *o)
{
	ui_field_wipe(&o->pass);
	ui_field_wipe(&o->pass2);
}

static void start_new(struct operator_screen *o, const char *name)
{
	o->mode = OP_NEW;
	o->set_password_only = false;
	ui_field_set(&o->name, name != NULL ? name : "");
	wipe_secrets(o);
	o->focus = name != NULL && name[0] != '\0' ? 1 : 0;
}

static void choose(struct ui *ui, struct operator_screen *o, const char *name)
{
	snprintf(o->chosen, sizeof o->chosen, "%s", name);
	wipe_secrets(o);
	if (profile_has_password(ui->data_root, name)) {
		o->mode = OP_PASSWORD;
		return;
	}
	/* a clear profile of an earlier release (the commands make keyed
	 * ones now): set a password, which encrypts it in place */
	start_new(o, name);
	o->set_password_only = true;
}

static void *operator_open(struct ui *ui, void *arg)
{
	const char *preselected = arg;
	struct operator_screen *o = calloc(1, sizeof *o);
	if (o == NULL)
		return NULL;
	ui_field_init(&o->name, FIELD_TEXT, PROFILE_NAME_MAX);
	ui_field_init(&o->pass, FIELD_SECRET, 256);
	ui_field_init(&o->pass2, FIELD_SECRET, 256);
	reload(ui, o);
	if (preselected != NULL && preselected[0] != '\0') {
		bool exists = false;
		for (int i = 0; i < o->count; i++)
			if (strcmp(o->names[i], preselected) == 0) {
				exists = true;
				o->selected = i;
			}
		if (exists)
			choose(ui, o, preselected);
		else
			start_new(o, preselected);
	} else if (o->count == 0) {
		start_new(o, NULL);
	}
	return o;
}

static void draw_list(struct ui *ui, struct operator_screen *o)
{
	ui_put(2, 2, ui->cols - 4, ROLE_NORMAL, _("Pilih petugas yang memakai komputer ini:"));
	int visible = ui->rows - 6;
	int first = o->selected >= visible ? o->selected - visible + 1 : 0;
	for (int i = first; i <= o->count && i - first < visible; i++) {
		int y = 4 + i - first;
		bool sel = i == o->selected;
		const char *text = i < o->count ? o->names[i] : _("+ profil petugas baru");
		if (sel)
			ui_fill(y, 2, 40, ROLE_SELECTED);
		ui_put(y, 4, 36, sel ? ROLE_SELECTED : ROLE_NORMAL, text);
	}
}

static void draw_labelled(struct ui *ui, int y, const char *label, struct ui_field *f, bool focused)
{
	ui_put(y, 2, 26, focused ? ROLE_FOCUS : ROLE_LABEL, label);
	int cx = ui_field_draw(f, y, 30, 32, focused);
	if (focused)
		ui_show_cursor(ui, y, cx);
}

static void operator_draw(struct ui *ui, void *state)
{
	struct operator_screen *o = state;
	ui_title(ui, _("sigacor: verifikasi penerima bansos Kota Tangerang"), _("Petugas"));
	switch (o->mode) {
	case OP_LIST:
		draw_list(ui, o);
		break;
	case OP_PASSWORD:
		ui_putf(2, 2, ui->cols - 4, ROLE_NORMAL, _("Petugas: %s"), o->chosen);
		draw_labelled(ui, 4, _("Kata sandi"), &o->pass, true);
		break;
	case OP_NEW:
		ui_put(2, 2, ui->cols - 4, ROLE_NORMAL, o->set_password_only
			? _("Profil ini belum punya kata sandi. Buat kata sandi:")
			: _("Profil petugas baru (data dan kata sandi sendiri):"));
		if (o->set_password_only)
			ui_putf(4, 2, ui->cols - 4, ROLE_NORMAL, _("Petugas: %s"), o->name.text);
		else
			draw_labelled(ui, 4, _("Nama petugas"), &o->name, o->focus == 0);
		draw_labelled(ui, 5, _("Kata sandi"), &o->pass, o->focus == 1);
		draw_labelled(ui, 6, _("Ulangi kata sandi"), &o->pass2, o->focus == 2);
		/* two short lines: one long sentence was cut at 80 columns */
		ui_putf(8, 2, ui->cols - 4, ROLE_DIM, _("Kata sandi minimal %d huruf."), PASSWORD_MIN);
		if (!o->set_password_only)
			ui_put(9, 2, ui->cols - 4, ROLE_DIM,
				_("Nama petugas: huruf, angka, titik, garis bawah, tanda hubung."));
		/* issue 12: what a forgotten password costs, said before it is chosen */
		ui_put(11, 2, ui->cols - 4, ROLE_NORMAL,
			_("Lupa kata sandi = hilang yang belum terkirim (draf, antrean)."));
		ui_put(12, 2, ui->cols - 4, ROLE_NORMAL,
			_("Yang sudah terkirim aman di server. Kirim sering: sigacor sync."));
		break;
	}
}

/* The password just typed gives the data key that opens the profile's
 * encrypted database; a wrong one opens nothing. */
static unsigned try_login(struct ui *ui, struct operator_screen *o, const char *name)
{
	/* ui_login replaces every screen, this one included */
	char copy[sizeof o->name.text];
	unsigned char key[PROFILE_KEY_BYTES];
	snprintf(copy, sizeof copy, "%s", name);
	bool right = profile_password_key(ui->data_root, copy, o->pass.text, key);
	wipe_secrets(o);
	if (!right) {
		ui_message(ui, ROLE_ERROR, "%s", _("Kata sandi salah."));
		return UI_HANDLED;
	}
	ui_login(ui, copy, key);
	sodium_memzero(key, sizeof key);
	return UI_HANDLED;
}

static unsigned create_profile(struct ui *ui, struct operator_screen *o)
{
	const char *name = o->name.text;
	if (!profile_name_valid(name)) {
		ui_message(ui, ROLE_ERROR, "%s", _("Nama petugas tidak sah: pakai huruf, angka, titik, garis bawah atau tanda hubung."));
		o->focus = 0;
		return UI_HANDLED;
	}
	if (!o->set_password_only)
		for (int i = 0; i < o->count; i++)
			if (strcmp(o->names[i], name) == 0) {
				ui_message(ui, ROLE_ERROR, "%s", _("Nama itu sudah dipakai petugas lain."));
				o->focus = 0;
				return UI_HANDLED;
			}
	if (strlen(o->pass.text) < PASSWORD_MIN) {
		ui_message(ui, ROLE_ERROR, _("Kata sandi terlalu pendek (minimal %d huruf)."), PASSWORD_MIN);
		o->focus = 1;
		return UI_HANDLED;
	}
	if (strcmp(o->pass.text, o->pass2.text) != 0) {
		ui_message(ui, ROLE_ERROR, "%s", _("Kedua kata sandi tidak sama. Ketik ulang."));
		wipe_secrets(o);
		o->focus = 1;
		return UI_HANDLED;
	}
	/* the folder first (and the data root); the database is made by the
	 * login, encrypted from its first byte (a clear profile of an earlier
	 * release is encrypted there in place) */
	char err[256] = "", dir[PATH_MAX];
	if (!profile_path(ui->data_root, name, dir, sizeof dir) || !profile_make_folder(dir)) {
		ui_message(ui, ROLE_ERROR, _("Profil tidak bisa dibuat: %s"), strerror(errno));
		return UI_HANDLED;
	}
	if (!profile_set_password(ui->data_root, name, o->pass.text, err, sizeof err)) {
		ui_message(ui, ROLE_ERROR, "%s", err);
		return UI_HANDLED;
	}
	return try_login(ui, o, name);
}

static unsigned key_new(struct ui *ui, struct operator_screen *o, const struct ui_key *k)
{
	struct ui_field *fields[3] = { &o->name, &o->pass, &o->pass2 };
	int first = o->set_password_only ? 1 : 0;
	if (k->action != ACT_UP && k->action != ACT_DOWN && ui_field_key(fields[o->focus], k, NULL))
		return UI_HANDLED;
	switch (k->action) {
	case ACT_ENTER:
		if (o->focus < 2) {
			o->focus++;
			return UI_HANDLED;
		}
		return create_profile(ui, o);
	case ACT_DOWN:
		o->focus = o->focus < 2 ? o->focus + 1 : 2;
		return UI_HANDLED;
	case ACT_UP:
		o->focus = o->focus > first ? o->focus - 1 : first;
		return UI_HANDLED;
	case ACT_BACK:
		wipe_secrets(o);
		reload(ui, o);
		o->mode = OP_LIST;
		return UI_HANDLED;
	default:
		return UI_IGNORED;
	}
}

static unsigned operator_key(struct ui *ui, void *state, const struct ui_key *k)
{
	struct operator_screen *o = state;
	if (o->mode == OP_NEW)
		return key_new(ui, o, k);
	if (o->mode == OP_PASSWORD) {
		if (ui_field_key(&o->pass, k, NULL))
			return UI_HANDLED;
		if (k->action == ACT_BACK) {
			wipe_secrets(o);
			o->mode = OP_LIST;
			return UI_HANDLED;
		}
		if (k->action != ACT_ENTER)
			return UI_IGNORED;
		return try_login(ui, o, o->chosen);
	}
	switch (k->action) {
	case ACT_UP:
		o->selected = o->selected > 0 ? o->selected - 1 : 0;
		return UI_HANDLED;
	case ACT_DOWN:
		o->selected = o->selected < o->count ? o->selected + 1 : o->count;
		return UI_HANDLED;
	case ACT_HOME:
		o->selected = 0;
		return UI_HANDLED;
	case ACT_END:
		o->selected = o->count;
		return UI_HANDLED;
	case ACT_NEW:
		start_new(o, NULL);
		return UI_HANDLED;
	case ACT_ENTER:
		if (o->selected >= o->count)
			start_new(o, NULL);
		else
			choose(ui, o, o->names[o->selected]);
		return UI_HANDLED;
	case ACT_BACK:
		ui_message(ui, ROLE_NORMAL, "%s", _("Untuk keluar tekan F10 atau Ctrl-X."));
		return UI_HANDLED;
	default:
		return UI_IGNORED;
	}
}

static void operator_close(struct ui *ui, void *state, int reason)
{
	struct operator_screen *o = state;
	wipe_secrets(o);
	free(o);
}

static const enum ui_action *operator_hints(struct ui *ui, void *state)
{
	static const enum ui_action list[] = { ACT_ENTER, ACT_NEW, ACT_HELP, ACT_QUIT, ACT_NONE };
	static const enum ui_action typing[] = { ACT_ENTER, ACT_BACK, ACT_HELP, ACT_QUIT, ACT_NONE };
	const struct operator_screen *o = state;
	return o->mode == OP_LIST ? list : typing;
}

const struct screen_ops screen_operator = {
	.name = "operator",
	.scope = SCOPE_OPERATOR,
	.hints = operator_hints,
	.open = operator_open,
	.draw = operator_draw,
	.key = operator_key,
	.close = operator_close,
};

/* ---- the idle lock ---- */

struct lock_screen {
	struct ui_field pass;
	int failures;
	long long retry_at_ms;    /* no password is checked before this */
};

/* After each wrong password the next is checked only later: 1, 2, 4 ...
 * up to 60 seconds, so guessing at an unattended laptop is slow. */
#define LOCK_DELAY_MAX_MS 60000

static long long lock_delay_ms(int failures)
{
	long long ms = 1000;
	for (int i = 1; i < failures && ms < LOCK_DELAY_MAX_MS; i++)
		ms *= 2;
	return ms < LOCK_DELAY_MAX_MS ? ms : LOCK_DELAY_MAX_MS;
}

static void *lock_open(struct ui *ui, void *arg)
{
	/* a locked screen leaves no `sigacor unlock` behind either */
	profile_key_forget(ui->data_root, ui->operator_name);
	struct lock_screen *l = calloc(1, sizeof *l);
	if (l != NULL)
		ui_field_init(&l->pass, FIELD_SECRET, 256);
	return l;
}

static void lock_draw(struct ui *ui, void *state)
{
	struct lock_screen *l = state;
	ui_title(ui, _("sigacor: layar terkunci"), NULL);
	int y = ui->rows / 2 - 3;
	ui_put(y, 4, ui->cols - 8, ROLE_VALUE, _("Layar terkunci. Data pribadi disembunyikan."));
	ui_putf(y + 2, 4, ui->cols - 8, ROLE_NORMAL, _("Petugas: %s"), ui->operator_name);
	ui_put(y + 4, 4, 20, ROLE_LABEL, _("Kata sandi"));
	int cx = ui_field_draw(&l->pass, y + 4, 26, 30, true);
	ui_show_cursor(ui, y + 4, cx);
	ui_put(y + 6, 4, ui->cols - 8, ROLE_DIM, _("Petugas lain? Tekan F10 atau Ctrl-X untuk keluar;"));
	ui_put(y + 7, 4, ui->cols - 8, ROLE_DIM, _("formulir yang terbuka disimpan sebagai draf."));
}

static unsigned lock_key(struct ui *ui, void *state, const struct ui_key *k)
{
	struct lock_screen *l = state;
	if (ui_field_key(&l->pass, k, NULL))
		return UI_HANDLED;
	switch (k->action) {
	case ACT_ENTER: {
		long long now = common_now_ms();
		if (now < l->retry_at_ms) {
			ui_field_wipe(&l->pass);
			ui_message(ui, ROLE_ERROR, _("Tunggu %lld detik lagi, lalu ketik kata sandi."),
				(l->retry_at_ms - now + 999) / 1000);
			return UI_HANDLED;
		}
		if (profile_check_password(ui->data_root, ui->operator_name, l->pass.text))
			return UI_CLOSE;
		ui_field_wipe(&l->pass);
		l->failures++;
		l->retry_at_ms = common_now_ms() + lock_delay_ms(l->failures);
		ui_message(ui, ROLE_ERROR, _("Kata sandi salah. Coba lagi setelah %lld detik."),
			lock_delay_ms(l->failures) / 1000);
		return UI_HANDLED;
	}
	case ACT_QUIT:
	case ACT_REDRAW:
		return UI_IGNORED;
	default:
		return UI_HANDLED;      /* nothing else while locked */
	}
}

static void lock_close(struct ui *ui, void *state, int reason)
{
	struct lock_screen *l = state;
	ui_field_wipe(&l->pass);
	free(l);
}

static const enum ui_action *lock_hints(struct ui *ui, void *state)
{
	static const enum ui_action list[] = { ACT_ENTER, ACT_QUIT, ACT_NONE };
	return list;
}

const struct screen_ops screen_lock = {
	.name = "lock",
	.scope = SCOPE_ALL,
	.hints = lock_hints,
	.open = lock_open,
	.draw = lock_draw,
	.key = lock_key,
	.close = lock_close,
};
