/* form_draw: what the verification form shows, row by row (see form.c
 * for what it means). */
#include "config.h"
#include "form_int.h"
#include "evidence.h"
#include "geo.h"
#include "wilayah.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_labels[PHOTO_KIND_COUNT] = {
	[PHOTO_KIND_KTP] = N_("Foto KTP"),
	[PHOTO_KIND_KK] = N_("Foto KK"),
	[PHOTO_KIND_RUMAH] = N_("Foto Rumah"),
};

const char *ui_photo_kind_label(int kind)
{
	return kind >= 0 && kind < PHOTO_KIND_COUNT ? _(kind_labels[kind]) : "";
}

/* ---- drawing ---- */

#define LABEL_W 12
#define VALUE_X 13

static void draw_label(struct form *f, int y, enum form_field field, const char *label)
{
	ui_put(y, 1, LABEL_W - 1, f->focus == field && !f->frozen ? ROLE_FOCUS : ROLE_LABEL, label);
}

static void format_date(const char *iso, char *buf, size_t len)
{
	int y, m, d;
	if (sscanf(iso, "%4d-%2d-%2d", &y, &m, &d) == 3)
		snprintf(buf, len, "%02d-%02d-%04d", d, m, y);
	else
		snprintf(buf, len, "%s", iso);
}

/* The reason beside the NIK, in words. */
void form_nik_reason(const struct form *f, char *buf, size_t len, enum ui_role *role)
{
	const char *digits = f->rec.nik;     /* normalised by form_nik_changed */
	*role = ROLE_DIM;
	buf[0] = '\0';
	if (f->nik.len == 0) {
		snprintf(buf, len, "%s", _("ketik 16 angka NIK"));
		return;
	}
	if (!f->nik_digits_ok) {
		*role = ROLE_ERROR;
		snprintf(buf, len, "%s", _(nik_problem_message(NIK_ERR_CHAR)));
		return;
	}
	int first = nik_first_problem(&f->info);
	if (strlen(digits) < NIK_LEN) {
		/* a wrong part is said as soon as it is typed; else the region */
		int wrong = -1;
		for (int p = 0; p < NIK_PROBLEM_COUNT && wrong < 0; p++)
			if ((f->info.errors & (1u << p)) && p != NIK_ERR_LENGTH)
				wrong = p;
		if (wrong >= 0) {
			*role = ROLE_ERROR;
			snprintf(buf, len, "%s", _(nik_problem_message((enum nik_problem)wrong)));
		} else {
			/* unchanged while typing: one byte per digit on the wire */
			snprintf(buf, len, "%s", _("ketik 16 angka NIK"));
		}
		return;
	}
	if (!f->info.valid) {
		*role = ROLE_ERROR;
		snprintf(buf, len, "%s", first >= 0 ? _(nik_problem_message((enum nik_problem)first)) : "");
		return;
	}
	*role = f->info.warnings != 0 ? ROLE_WARN : ROLE_OK;
	snprintf(buf, len, _("sah; %s, %02d-%02d-%04d, %s"),
		f->info.sex == NIK_SEX_FEMALE ? _("perempuan") : _("laki-laki"),
		f->info.birth_day, f->info.birth_month, f->info.birth_year,
		f->info.regency != NULL ? f->info.regency : "?");
}

static void draw_nik(struct ui *ui, struct form *f, int y)
{
	draw_label(f, y, F_NIK, _("NIK"));
	bool focused = f->focus == F_NIK && !f->frozen;
	int cx = ui_field_draw(&f->nik, y, VALUE_X, 18, focused);
	int typed = ui_text_width(f->nik.text);
	/* 16 places, so the clerk sees how many digits are left */
	if (typed < NIK_LEN)
		ui_put(y, VALUE_X + typed, NIK_LEN - typed, ROLE_DIM, "________________");
	if (focused)
		ui_show_cursor(ui, y, cx);
	char reason[256];
	enum ui_role role;
	form_nik_reason(f, reason, sizeof reason, &role);
	ui_put(y, VALUE_X + 19, ui->cols - VALUE_X - 20, role, reason);
}

static void draw_text_or_field(struct ui *ui, struct form *f, int y, enum form_field field,
	struct ui_field *tf, const char *value)
{
	if (form_field_active(f, field) && !f->frozen) {
		int cx = ui_field_draw(tf, y, VALUE_X, ui->cols - VALUE_X - 2, f->focus == field);
		if (f->focus == field)
			ui_show_cursor(ui, y, cx);
	} else {
		ui_put(y, VALUE_X, ui->cols - VALUE_X - 1, ROLE_VALUE, value);
	}
}

/* The registry's kelurahan, or for a NIK it does not know the one picked
 * (Enter) or the house's. */
static void draw_kelurahan(struct ui *ui, struct form *f, int y)
{
	draw_label(f, y, F_KELURAHAN, _("Kelurahan"));
	bool focused = f->focus == F_KELURAHAN && !f->frozen;
	const struct wilayah_kelurahan *k = f->rec.kelurahan[0] != '\0' ? wilayah_kelurahan_find(f->rec.kelurahan) : NULL;
	if (focused)
		ui_fill(y, VALUE_X, 40, ROLE_FOCUS);
	if (k != NULL)
		ui_putf(y, VALUE_X, 40, focused ? ROLE_FOCUS : ROLE_VALUE, "%s, Kec. %s", k->name, k->kecamatan_name);
	else if (form_field_active(f, F_KELURAHAN))
		ui_put(y, VALUE_X, 40, focused ? ROLE_FOCUS : ROLE_WARN, _("belum dipilih; Enter: pilih"));
}

static void draw_person(struct ui *ui, struct form *f)
{
	draw_label(f, 2, F_NAME, _("Nama"));
	draw_text_or_field(ui, f, 2, F_NAME, &f->name, f->rec.name);
	draw_label(f, 3, F_ADDRESS, _("Alamat"));
	draw_text_or_field(ui, f, 3, F_ADDRESS, &f->address, f->rec.address);
	draw_kelurahan(ui, f, 4);
	if (f->rec.kk[0] != '\0')
		ui_putf(4, 54, ui->cols - 55, ROLE_NORMAL, _("KK %s"), f->rec.kk);
	if (f->resident_found) {
		char born[16];
		format_date(f->res.birth_date, born, sizeof born);
		ui_put(5, 1, LABEL_W - 1, ROLE_LABEL, _("Lahir"));
		ui_putf(5, VALUE_X, ui->cols - VALUE_X - 1, ROLE_NORMAL, "%s%s%s, %s", f->res.birth_place,
			f->res.birth_place[0] != '\0' ? ", " : "", born,
			strcmp(f->res.sex, "P") == 0 ? _("perempuan") : strcmp(f->res.sex, "L") == 0 ? _("laki-laki") : "");
	} else if (f->nik_complete && f->near_count > 0) {
		ui_put_marked(5, 1, ui->cols - 2, ROLE_WARN,
			_("Tidak ada di data kependudukan. Mirip NIK terdaftar: Enter untuk melihat"));
	} else if (f->nik_complete) {
		ui_put(5, 1, ui->cols - 2, ROLE_WARN,
			_("Tidak ada di data kependudukan: tulis nama dan alamat sendiri."));
	}
}

void ui_format_size(long long bytes, char *buf, size_t len)
{
	if (bytes < 1024 * 1024)
		snprintf(buf, len, "%lld KB", (bytes + 1023) / 1024);
	else {
		snprintf(buf, len, "%.1f MB", (double)bytes / (1024.0 * 1024.0));
		if (!i18n_english()) {
			char *dot = strchr(buf, '.');
			if (dot != NULL)
				*dot = ',';
		}
	}
}

void ui_format_taken(const char *taken, char *buf, size_t len)
{
	int y, mo, d, h, mi;
	if (sscanf(taken, "%4d-%2d-%2d %2d:%2d", &y, &mo, &d, &h, &mi) == 5)
		snprintf(buf, len, "%02d-%02d-%04d %02d:%02d", d, mo, y, h, mi);
	else
		snprintf(buf, len, "%s", _("tanpa tanggal"));
}

static void draw_photo(struct ui *ui, struct form *f, int y, int kind)
{
	enum form_field field = (enum form_field)(F_KTP + kind);
	if (!evidence_slot_shown(&f->rec, (enum photo_kind)kind))
		return;                    /* the outcome needs no such photo */
	draw_label(f, y, field, ui_photo_kind_label(kind));
	const struct record_photo *p = &f->rec.photos[kind];
	bool focused = f->focus == field && !f->frozen;
	int width = ui->cols - VALUE_X - 1;
	if (focused)
		ui_fill(y, VALUE_X, width, ROLE_FOCUS);
	if (!p->attached) {
		ui_put(y, VALUE_X, width, focused ? ROLE_FOCUS : ROLE_DIM,
			focused ? _("belum ada; Enter: pilih foto") : _("belum ada"));
		return;
	}
	char size[24], when[24], gps[512], middle[64];
	ui_format_size(p->size, size, sizeof size);
	ui_format_taken(p->taken_at, when, sizeof when);
	/* the GPS first: a coordinate is never cut; then the date, the size,
	 * and the file name gets what is left (ending in "…" when cut) */
	if (p->has_gps)
		snprintf(gps, sizeof gps, "GPS %.5f, %.5f", p->lat, p->lon);
	else if (f->gps_known[kind])
		snprintf(gps, sizeof gps, _("tanpa GPS: %s"), _(photo_gps_problem_message(f->gps_problem[kind])));
	if (!p->has_gps && (!f->gps_known[kind] || ui_text_width(gps) > width - 30))
		snprintf(gps, sizeof gps, "%s", _("tanpa GPS"));   /* the reason did not fit */
	int gps_w = ui_text_width(gps);
	snprintf(middle, sizeof middle, "  %s  %s  ", size, when);
	if (width - gps_w - ui_text_width(middle) < 12)
		snprintf(middle, sizeof middle, "  %s  ", when);
	if (width - gps_w - ui_text_width(middle) < 12)
		snprintf(middle, sizeof middle, "  ");
	int name_w = width - gps_w - ui_text_width(middle);
	int x = VALUE_X;
	x += ui_put_marked(y, x, name_w, focused ? ROLE_FOCUS : ROLE_VALUE,
		p->original_name[0] != '\0' ? p->original_name : p->sha256);
	x += ui_put(y, x, VALUE_X + width - x, focused ? ROLE_FOCUS : ROLE_NORMAL, middle);
	ui_put(y, x, VALUE_X + width - x, focused ? ROLE_FOCUS : p->has_gps ? ROLE_NORMAL : ROLE_WARN, gps);
}

static const char *coord_origin(const struct record *r)
{
	if (r->coord_source == COORD_MANUAL)
		return _("diisi manual");
	if (r->coord_source == COORD_PHONE)
		return _("ponsel saat unggah");
	if (r->photos[PHOTO_KIND_RUMAH].attached && r->photos[PHOTO_KIND_RUMAH].has_gps)
		return _("dari foto Rumah");
	if (r->photos[PHOTO_KIND_KTP].attached && r->photos[PHOTO_KIND_KTP].has_gps)
		return _("dari foto KTP");
	return _("dari foto KK");
}

static void draw_coord(struct ui *ui, struct form *f, int y)
{
	draw_label(f, y, F_COORD, _("Koordinat"));
	bool focused = f->focus == F_COORD && !f->frozen;
	int width = ui->cols - VALUE_X - 1;
	if (focused)
		ui_fill(y, VALUE_X, width, ROLE_FOCUS);
	if (!f->rec.has_coord) {
		ui_put(y, VALUE_X, width, focused ? ROLE_FOCUS : ROLE_WARN,
			_("belum ada (tidak ada foto dengan GPS); Enter: isi manual"));
		return;
	}
	const struct wilayah_kelurahan *k = geo_kelurahan_at(f->rec.lat, f->rec.lon);
	char where[128];
	if (k != NULL)
		snprintf(where, sizeof where, _("Kel. %s"), k->name);
	else
		snprintf(where, sizeof where, "%s", _("di luar Kota Tangerang"));
	int x = VALUE_X;
	x += ui_putf(y, x, width, focused ? ROLE_FOCUS : ROLE_VALUE, "%.6f, %.6f", f->rec.lat, f->rec.lon);
	x += ui_putf(y, x, VALUE_X + width - x, focused ? ROLE_FOCUS : ROLE_NORMAL, "  (%s)  ", coord_origin(&f->rec));
	ui_put_marked(y, x, VALUE_X + width - x, focused ? ROLE_FOCUS : k != NULL ? ROLE_OK : ROLE_WARN, where);
}

static void draw_decision(struct ui *ui, struct form *f, int y)
{
	draw_label(f, y, F_DECISION, _("Keputusan"));
	bool focused = f->focus == F_DECISION && !f->frozen;
	enum ui_role role = focused ? ROLE_FOCUS : ROLE_VALUE;
	int x = VALUE_X;
	x += ui_putf(y, x, 20, role, "[%c] %s", f->rec.decision == DECISION_LAYAK ? 'x' : ' ', _("Layak"));
	x += ui_put(y, x, 3, ROLE_NORMAL, "   ");
	x += ui_putf(y, x, 20, role, "[%c] %s", f->rec.decision == DECISION_TIDAK_LAYAK ? 'x' : ' ', _("Tidak layak"));
	if (focused)
		ui_put(y, x + 3, ui->cols - x - 4, ROLE_DIM, _("l: layak   t: tidak layak"));
	if (f->rec.decision != DECISION_TIDAK_LAYAK)
		return;
	draw_label(f, y + 1, F_REASON, _("Alasan"));
	bool rfocus = f->focus == F_REASON && !f->frozen;
	const char *label = _(form_reason_label(f->rec.reason));
	x = VALUE_X + ui_put(y + 1, VALUE_X, 40, rfocus ? ROLE_FOCUS : f->rec.reason == REASON_NONE ? ROLE_WARN : ROLE_VALUE, label);
	if (rfocus)
		ui_put(y + 1, x + 3, ui->cols - x - 4, ROLE_DIM, _("Enter: pilih alasan"));
	if (f->rec.reason == REASON_LAINNYA) {
		draw_label(f, y + 2, F_REASON_TEXT, _("Alasan lain"));
		draw_text_or_field(ui, f, y + 2, F_REASON_TEXT, &f->reason_text, f->rec.reason_text);
	}
}

int form_panel_lines(const struct form *f, const char **lines, enum ui_role *roles)
{
	int count = 0;
	if (f->show_problems && f->problems != 0) {
		for (int p = 0; p < RECORD_PROBLEM_COUNT; p++)
			if (f->problems & (1u << p)) {
				roles[count] = ROLE_ERROR;
				lines[count++] = _(record_problem_message((enum record_problem)p));
			}
	}
	if (f->nik_complete && !f->resident_found) {
		roles[count] = ROLE_WARN;
		lines[count++] = _(FORM_NOT_IN_REGISTRY);
	}
	for (int w = 0; w < RECORD_WARNING_COUNT; w++)
		if (f->warnings & (1u << w)) {
			roles[count] = ROLE_WARN;
			lines[count++] = _(record_warning_message((enum record_warning)w));
		}
	return count;
}

int form_panel_room(const struct ui *ui)
{
	return ui->rows - 2 - PANEL_TOP;
}

/* Warnings, or what blocks finalising after F9 was refused. */
static void draw_panel(struct ui *ui, struct form *f, int top)
{
	int bottom = ui->rows - 2, y = top;
	const char *lines[FORM_PANEL_MAX];
	enum ui_role roles[FORM_PANEL_MAX];
	int count = form_panel_lines(f, lines, roles);
	if (count == 0)
		return;
	ui_put(y++, 1, ui->cols - 2, ROLE_LABEL, f->show_problems && f->problems != 0
		? _("Belum bisa difinalkan / peringatan:") : _("Peringatan (tidak menghalangi, tetapi periksa):"));
	for (int i = 0; i < count && y <= bottom; i++, y++) {
		if (y == bottom && i + 1 < count) {
			ui_putf(y, 3, ui->cols - 4, ROLE_DIM, _("... dan %d lagi (F9 menampilkan semuanya)"), count - i);
			break;
		}
		char line[320];
		snprintf(line, sizeof line, "- %s", lines[i]);
		ui_put_marked(y, 3, ui->cols - 4, roles[i], line);
	}
}

void form_draw(struct ui *ui, void *state)
{
	struct form *f = state;
	char title[160], right[96];
	if (f->frozen)
		snprintf(title, sizeof title, _("Rekaman %s (beku; F6: koreksi)"), ui_state_label(f->rec.state));
	else if (f->rec.supersedes[0] != '\0')
		snprintf(title, sizeof title, "%s", _("Koreksi rekaman final (draf)"));
	else if (f->rec.uuid[0] != '\0')
		snprintf(title, sizeof title, "%s", _("Verifikasi (draf)"));
	else
		snprintf(title, sizeof title, "%s", _("Verifikasi baru"));
	if (f->dirty || (f->rec.uuid[0] == '\0' && !f->frozen))
		snprintf(right, sizeof right, "%s", _("belum disimpan"));
	else if (f->saved_at[0] != '\0')
		snprintf(right, sizeof right, _("tersimpan %s"), f->saved_at);
	else
		right[0] = '\0';
	ui_title(ui, title, right);
	draw_nik(ui, f, 1);
	draw_person(ui, f);
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		draw_photo(ui, f, 7 + k, k);
	draw_coord(ui, f, 10);
	draw_decision(ui, f, 12);
	draw_label(f, 15, F_NOTES, _("Catatan"));
	draw_text_or_field(ui, f, 15, F_NOTES, &f->notes, f->rec.notes);
	if (f->frozen && f->rec.server_message[0] != '\0')
		ui_putf(16, 1, ui->cols - 2, ROLE_WARN, _("Pesan server: %s"), f->rec.server_message);
	draw_panel(ui, f, PANEL_TOP);
}

