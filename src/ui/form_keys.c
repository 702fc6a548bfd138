/* form_keys: what each key does on the verification form, and the
 * dialogs it opens (coordinates, reason, finalise, leave, discard). */
#include "config.h"
#include "form_int.h"
#include "geo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool answer_coord(struct ui *ui, void *ctx, bool yes, const char *const *inputs)
{
	struct form *f = ctx;
	if (!yes)
		return true;
	if (inputs[0][0] == '\0' && inputs[1][0] == '\0') {
		/* emptied: back to the photos' GPS */
		f->rec.coord_source = COORD_NONE;
		f->rec.coord_reason[0] = '\0';
		form_refresh_coord(ui, f);
		form_changed(ui, f);
		return true;
	}
	double lat, lon;
	if (!geo_parse_degrees(inputs[0], &lat) || !geo_parse_degrees(inputs[1], &lon) || !geo_valid(lat, lon)) {
		ui_message(ui, ROLE_ERROR, "%s", _("Koordinat tidak sah: tulis derajat desimal, misalnya -6.1783 dan 106.6300."));
		return false;
	}
	if (inputs[2][0] == '\0') {
		ui_message(ui, ROLE_ERROR, "%s", _("Tulis alasan koordinat diisi manual (misalnya: foto dari WhatsApp, GPS mati)."));
		return false;
	}
	f->rec.has_coord = true;
	f->rec.lat = lat;
	f->rec.lon = lon;
	f->rec.coord_source = COORD_MANUAL;
	ui_copy(f->rec.coord_reason, sizeof f->rec.coord_reason, inputs[2]);
	form_changed(ui, f);
	form_move_focus(f, 1);
	return true;
}

static void ask_coord(struct ui *ui, struct form *f)
{
	char lat[32] = "", lon[32] = "";
	if (f->rec.has_coord) {
		snprintf(lat, sizeof lat, "%.6f", f->rec.lat);
		snprintf(lon, sizeof lon, "%.6f", f->rec.lon);
	}
	struct ui_dialog_args d = {
		.title = _("Koordinat rumah (manual)"),
		.lines = { _("Tidak ada foto dengan GPS? Baca koordinat dari peta atau ponsel."),
			_("Derajat desimal: -6.1783 dan 106.6300, atau keduanya di Lintang."),
			_("Kosongkan lintang dan bujur untuk kembali memakai GPS foto."), NULL },
		.yes_label = _("Pakai"),
		.ninputs = 3,
		.input_labels = { _("Lintang"), _("Bujur"), _("Alasan") },
		.input_values = { lat, lon, f->rec.coord_reason },
		.input_max = { 48, 24, 200 },
		.split_pair = true,
		.answer = answer_coord,
		.ctx = f,
	};
	ui_dialog(ui, &d);
}

static void reason_chosen(struct ui *ui, void *ctx, int index)
{
	struct form *f = ctx;
	f->rec.reason = (enum reason)(index + 1);
	form_changed(ui, f);
	if (f->rec.reason == REASON_LAINNYA)
		form_move_focus(f, 1);     /* the reason's text first */
	else
		form_focus_evidence(f);
}

static void ask_reason(struct ui *ui, struct form *f)
{
	const char *items[REASON_COUNT];
	for (int r = 1; r < REASON_COUNT; r++)
		items[r - 1] = _(form_reason_label((enum reason)r));
	struct ui_choice_args c = {
		.title = _("Alasan tidak layak"),
		.items = items,
		.count = REASON_COUNT - 1,
		.selected = f->rec.reason > REASON_NONE ? (int)f->rec.reason - 1 : 0,
		.chosen = reason_chosen,
		.ctx = f,
	};
	ui_choose(ui, &c);
}

static void set_decision(struct ui *ui, struct form *f, enum decision d)
{
	f->rec.decision = d;
	if (d == DECISION_LAYAK) {
		f->rec.reason = REASON_NONE;
		f->rec.reason_text[0] = '\0';
		ui_field_set(&f->reason_text, "");
	}
	form_changed(ui, f);
	f->focus = F_DECISION;
	if (d == DECISION_TIDAK_LAYAK) {
		f->focus = F_REASON;
		if (f->rec.reason == REASON_NONE)
			ask_reason(ui, f);
	} else {
		form_move_focus(f, 1);
	}
}

static bool answer_finalise(struct ui *ui, void *ctx, bool yes, const char *const *inputs)
{
	struct form *f = ctx;
	if (!yes)
		return true;
	form_sync_fields(f);
	ui_copy(f->rec.operator_name, sizeof f->rec.operator_name, ui->operator_name);
	unsigned problems = 0;
	if (store_record_finalise(ui->store, &f->rec, &problems) != STORE_OK) {
		f->problems = problems;
		f->show_problems = problems != 0;
		ui_message(ui, ROLE_ERROR, _("Belum difinalkan: %s"), store_error(ui->store));
		return true;
	}
	f->dirty = false;
	f->frozen = true;
	ui_message(ui, ROLE_OK, _("Rekaman %s difinalkan dan masuk antrean kirim."), f->rec.nik);
	ui_close_later(ui, f);
	return true;
}

/* More blockers and warnings than the panel has rows for: all of them in
 * a list to read (the panel ends in "... dan N lagi (F9 ...)"). */
_Static_assert(FORM_PANEL_MAX <= LINES_MAX, "every panel line fits the list");
static void show_all_problems(struct ui *ui, struct form *f)
{
	struct ui_lines_args a = { .title = _("Belum bisa difinalkan / peringatan") };
	a.count = form_panel_lines(f, a.lines, a.roles);
	if (a.count > form_panel_room(ui))
		ui_show_lines(ui, &a);
}

static void finalise(struct ui *ui, struct form *f)
{
	if (f->frozen) {
		ui_message(ui, ROLE_NORMAL, "%s", _("Rekaman ini sudah final. F6: buat koreksi."));
		return;
	}
	form_sync_fields(f);
	form_refresh_warnings(ui, f);
	f->problems = record_check_final(&f->rec, time(NULL));
	if (f->problems != 0) {
		f->show_problems = true;
		for (int p = 0; p < RECORD_PROBLEM_COUNT; p++)
			if (f->problems & (1u << p)) {
				enum form_field field = form_problem_field((enum record_problem)p);
				if (form_field_active(f, field))
					f->focus = field;
				ui_message(ui, ROLE_ERROR, _("Belum bisa difinalkan: %s."),
					_(record_problem_message((enum record_problem)p)));
				break;
			}
		show_all_problems(ui, f);
		return;
	}
	struct ui_dialog_args d = {
		.title = _("Finalkan rekaman"),
		.yes_label = _("Finalkan"),
		.answer = answer_finalise,
		.ctx = f,
	};
	int n = 0;
	char head[200];
	snprintf(head, sizeof head, _("%s  %s: %s"), f->rec.nik, f->rec.name, ui_decision_label(f->rec.decision));
	d.lines[n++] = head;
	d.lines[n++] = _("Setelah final, rekaman dibekukan dan masuk antrean kirim.");
	d.lines[n++] = "";
	bool unknown = f->nik_complete && !f->resident_found;
	if (f->warnings == 0 && !unknown) {
		d.lines[n++] = _("Tidak ada peringatan.");
	} else {
		d.roles[n] = ROLE_VALUE;
		d.lines[n++] = _("Periksa peringatan ini dulu:");
		if (unknown) {
			d.roles[n] = ROLE_WARN;
			d.lines[n++] = _(FORM_NOT_IN_REGISTRY);
		}
		for (int w = 0; w < RECORD_WARNING_COUNT && n < DIALOG_LINES; w++)
			if (f->warnings & (1u << w)) {
				d.roles[n] = ROLE_WARN;
				d.lines[n++] = _(record_warning_message((enum record_warning)w));
			}
	}
	ui_dialog(ui, &d);
}

static bool answer_leave(struct ui *ui, void *ctx, bool yes, const char *const *inputs)
{
	struct form *f = ctx;
	if (yes) {
		f->dirty = false;          /* the clerk chose to drop it */
		if (f->rec.uuid[0] == '\0')
			form_discard_all_photos(ui, &f->rec);
		ui_close_later(ui, f);
	}
	return true;
}

/* Esc: keep the draft and go back to the list. */
static unsigned leave(struct ui *ui, struct form *f)
{
	if (!f->dirty || f->frozen)
		return UI_CLOSE;
	if (f->nik.len == 0 && f->rec.uuid[0] == '\0')
		return UI_CLOSE;           /* nothing typed yet */
	if (form_save_draft(ui, f, true)) {
		ui_message(ui, ROLE_OK, _("Draf %s tersimpan."), f->rec.nik);
		return UI_CLOSE;
	}
	struct ui_dialog_args d = {
		.title = _("Draf belum tersimpan"),
		.lines = { ui->message, _("Tinggalkan formulir tanpa menyimpan perubahan?"), NULL },
		.roles = { ROLE_ERROR },
		.yes_label = _("Tinggalkan"),
		.no_label = _("Kembali ke formulir"),
		.answer = answer_leave,
		.ctx = f,
	};
	ui_dialog(ui, &d);
	return UI_HANDLED;
}

static bool answer_discard(struct ui *ui, void *ctx, bool yes, const char *const *inputs)
{
	struct form *f = ctx;
	if (!yes)
		return true;
	if (f->rec.uuid[0] != '\0' && store_record_delete_draft(ui->store, f->rec.uuid) != STORE_OK) {
		ui_message(ui, ROLE_ERROR, _("Draf tidak bisa dibuang: %s"), store_error(ui->store));
		return true;
	}
	f->dirty = false;
	form_discard_all_photos(ui, &f->rec);
	ui_message(ui, ROLE_OK, "%s", _("Draf dibuang."));
	ui_close_later(ui, f);
	return true;
}

static void near_chosen(struct ui *ui, void *ctx, int index)
{
	struct form *f = ctx;
	if (index >= 0 && (size_t)index < f->near_count) {
		ui_field_set(&f->nik, f->near[index].nik);
		f->dirty = true;
		form_nik_changed(ui, f);
		ui_message(ui, ROLE_OK, _("NIK diganti dengan %s (%s)."), f->rec.nik, f->rec.name);
	}
	form_move_focus(f, 1);    /* the photos, or the name when kept */
}

/* A NIK the registry does not know, registered ones a slip away: offer
 * them (name and address) or keep the NIK as typed. */
static void ask_near(struct ui *ui, struct form *f)
{
	char lines[FORM_NEAR_MAX + 1][256];     /* copied by the list */
	const char *items[FORM_NEAR_MAX + 1];
	int n = 0;
	for (size_t i = 0; i < f->near_count; i++, n++) {
		const struct resident *r = &f->near[i];
		snprintf(lines[n], sizeof lines[n], "%s  %s, %s RT %s/RW %s", r->nik, r->name,
			r->address, r->rt, r->rw);
		items[n] = lines[n];
	}
	snprintf(lines[n], sizeof lines[n], _("tetap %s (tidak ada di data kependudukan)"), f->rec.nik);
	items[n] = lines[n];
	n++;
	struct ui_choice_args c = {
		.title = _("Maksudnya NIK terdaftar ini? (beda satu angka)"),
		.items = items,
		.count = n,
		.chosen = near_chosen,
		.ctx = f,
	};
	ui_choose(ui, &c);
}

static unsigned enter(struct ui *ui, struct form *f)
{
	switch (f->focus) {
	case F_NIK:
		if (!f->nik_complete) {
			char reason[256];
			enum ui_role role;
			form_nik_reason(f, reason, sizeof reason, &role);
			ui_message(ui, ROLE_ERROR, _("NIK belum sah: %s"), reason);
			return UI_HANDLED;
		}
		if (!f->resident_found && f->near_count > 0) {
			ask_near(ui, f);
			return UI_HANDLED;
		}
		form_move_focus(f, 1);
		return UI_HANDLED;
	case F_KTP:
	case F_KK:
	case F_RUMAH: {
		struct picker_args pa = { f, (int)(f->focus - F_KTP) };
		ui_push(ui, &screen_picker, &pa);
		return UI_HANDLED;
	}
	case F_KELURAHAN:
		form_ask_kelurahan(ui, f);
		return UI_HANDLED;
	case F_COORD:
		ask_coord(ui, f);
		return UI_HANDLED;
	case F_DECISION:
		if (f->rec.decision == DECISION_NONE)
			ui_message(ui, ROLE_NORMAL, "%s", _("Tekan l untuk layak atau t untuk tidak layak."));
		else
			form_move_focus(f, 1);
		return UI_HANDLED;
	case F_REASON:
		ask_reason(ui, f);
		return UI_HANDLED;
	case F_NOTES:
		ui_message(ui, ROLE_NORMAL, "%s", _("Selesai? F9 atau Ctrl-F: finalkan. F2 atau Ctrl-O: simpan draf."));
		return UI_HANDLED;
	default:
		form_move_focus(f, 1);
		return UI_HANDLED;
	}
}

static unsigned frozen_key(struct ui *ui, struct form *f, const struct ui_key *k)
{
	switch (k->action) {
	case ACT_BACK:
		return UI_CLOSE;
	case ACT_CORRECT:
		form_make_correction(f);
		f->focus = F_KTP;
		if (!form_field_active(f, F_KTP))
			form_focus_evidence(f);
		ui_message(ui, ROLE_NORMAL, "%s", _("Koreksi: ubah yang perlu, lalu finalkan. Rekaman lama tetap tersimpan."));
		return UI_HANDLED;
	case ACT_FINALISE:
	case ACT_SAVE:
	case ACT_DISCARD:
		finalise(ui, f);
		return UI_HANDLED;
	default:
		return UI_IGNORED;
	}
}

/* F4 on a photo slot: its photo drawn in the terminal (the copy kept) */
static unsigned view_photo(struct ui *ui, struct form *f, int slot)
{
	unsigned char *data;
	size_t len;
	if (slot < 0) {
		ui_message(ui, ROLE_WARN, "%s", _("Pindah ke kotak foto (KTP, KK atau rumah) untuk melihat fotonya."));
		return UI_HANDLED;
	}
	const struct record_photo *p = &f->rec.photos[slot];
	if (!p->attached) {
		ui_message(ui, ROLE_WARN, _("%s belum terlampir: Enter untuk memilih."), ui_photo_kind_label(slot));
		return UI_HANDLED;
	}
	if (!form_photo_bytes(ui, f, slot, &data, &len))
		return UI_HANDLED;
	unsigned flags = ui_view_photo(ui, NULL, data, len, p->original_name[0] != '\0'
		? p->original_name : ui_photo_kind_label(slot));
	free(data);
	return flags;
}

static unsigned form_key(struct ui *ui, void *state, const struct ui_key *k)
{
	struct form *f = state;
	if (f->frozen)
		return frozen_key(ui, f, k);
	struct ui_field *tf = form_focused_text(f);
	bool text_changed = false;
	if (tf == &f->nik && ui_key_is_help_char(k))
		return UI_IGNORED;         /* help: a NIK has no '?' */
	if (tf != NULL && ui_field_key(tf, k, &text_changed)) {
		if (text_changed) {
			f->dirty = true;
			f->show_problems = false;
			if (tf == &f->nik)
				form_nik_changed(ui, f);
		}
		return UI_HANDLED;
	}
	int slot = f->focus >= F_KTP && f->focus <= F_RUMAH ? (int)(f->focus - F_KTP) : -1;
	switch (k->action) {
	case ACT_ENTER:
		return enter(ui, f);
	case ACT_DOWN:
		form_move_focus(f, 1);
		return UI_HANDLED;
	case ACT_UP:
		form_move_focus(f, -1);
		return UI_HANDLED;
	case ACT_HOME:
		f->focus = F_NIK;
		return UI_HANDLED;
	case ACT_END:
		f->focus = F_NOTES;
		return UI_HANDLED;
	case ACT_LAYAK:
		set_decision(ui, f, DECISION_LAYAK);
		return UI_HANDLED;
	case ACT_TIDAK_LAYAK:
		set_decision(ui, f, DECISION_TIDAK_LAYAK);
		return UI_HANDLED;
	case ACT_LEFT:
	case ACT_RIGHT:
		if (f->focus == F_DECISION)
			set_decision(ui, f, f->rec.decision == DECISION_LAYAK ? DECISION_TIDAK_LAYAK : DECISION_LAYAK);
		return UI_HANDLED;
	case ACT_BACKSPACE:
	case ACT_DELETE:
		if (slot >= 0)
			form_detach_photo(ui, f, slot);
		return UI_HANDLED;
	case ACT_SAVE:
		form_save_draft(ui, f, false);
		return UI_HANDLED;
	case ACT_FINALISE:
		finalise(ui, f);
		return UI_HANDLED;
	case ACT_DISCARD: {
		struct ui_dialog_args d = {
			.title = _("Buang draf"),
			.lines = { _("Semua isi formulir ini dibuang (foto yang sudah disalin tetap aman)."), NULL },
			.yes_label = _("Buang"),
			.answer = answer_discard,
			.ctx = f,
		};
		ui_dialog(ui, &d);
		return UI_HANDLED;
	}
	case ACT_FIND:
		form_find_resident(ui, f);
		return UI_HANDLED;
	case ACT_VIEW:
		return view_photo(ui, f, slot);
	case ACT_CORRECT:
		ui_message(ui, ROLE_NORMAL, "%s", _("Ini masih draf: ubah langsung saja."));
		return UI_HANDLED;
	case ACT_BACK:
		return leave(ui, f);
	case ACT_QUIT:
		if (f->dirty && f->nik_complete && !form_save_draft(ui, f, true))
			return leave(ui, f);
		return UI_IGNORED;         /* the loop quits */
	default:
		return UI_IGNORED;
	}
}

static void form_resume(struct ui *ui, void *state)
{
	struct form *f = state;
	/* back from the picker: on to the coordinates or the decision */
	/* (a dialog closing over an empty slot, the reason list say, leaves
	 * the focus where the form put it) */
	if (f->focus >= F_KTP && f->focus <= F_RUMAH && f->rec.photos[f->focus - F_KTP].attached
		&& form_next_empty_slot(f, F_KTP - F_KTP) < 0)
		f->focus = f->rec.has_coord ? F_DECISION : F_COORD;
}


static const enum ui_action *form_hints(struct ui *ui, void *state)
{
	static const enum ui_action editing[] = { ACT_HELP, ACT_ENTER, ACT_SAVE, ACT_FINALISE,
		ACT_BACK, ACT_DISCARD, ACT_LOCK, ACT_NONE };
	/* on the NIK the search by name takes finalising's place (80 columns
	 * hold no more; F9 still works) */
	static const enum ui_action nik[] = { ACT_HELP, ACT_ENTER, ACT_SAVE, ACT_FIND,
		ACT_BACK, ACT_DISCARD, ACT_FINALISE, ACT_LOCK, ACT_NONE };
	static const enum ui_action decision[] = { ACT_HELP, ACT_LAYAK, ACT_TIDAK_LAYAK, ACT_SAVE,
		ACT_FINALISE, ACT_BACK, ACT_NONE };
	/* on a photo slot F4 shows it (discarding is rarer there) */
	static const enum ui_action photo[] = { ACT_HELP, ACT_ENTER, ACT_VIEW, ACT_SAVE, ACT_FINALISE,
		ACT_BACK, ACT_LOCK, ACT_NONE };
	static const enum ui_action frozen[] = { ACT_HELP, ACT_CORRECT, ACT_BACK, ACT_NONE };
	const struct form *f = state;
	if (f->frozen)
		return frozen;
	if (f->focus >= F_KTP && f->focus <= F_RUMAH)
		return photo;
	return f->focus == F_DECISION ? decision : f->focus == F_NIK ? nik : editing;
}

const struct screen_ops screen_form = {
	.name = "form",
	.scope = SCOPE_FORM | SCOPE_EDIT,
	.private_data = true,
	.hints = form_hints,
	.open = form_open,
	.draw = form_draw,
	.key = form_key,
	.resume = form_resume,
	.close = form_close,
};
