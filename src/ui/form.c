/* form: the verification of one recipient.
 *
 * The flow is built for few keys: the NIK is checked as it is typed and on
 * the 16th valid digit the registry fills in the rest; Enter moves on to
 * the first photo slot, where Enter opens the picker (it fills the three
 * slots in a row); the coordinates come from the Rumah photo; 'l' marks
 * Layak; F9 finalises after one confirmation that lists the warnings.
 *
 * When the draft is written (and only then, always through store, each
 * write one transaction): on F2, after a photo is attached, when the form
 * is left (Esc, quit, hang-up, SIGTERM).  A draft needs a NIK of 16 digits.
 * SIGKILL or a power cut loses only what was typed since the last write. */
#include "config.h"
#include "ui_int.h"
#include "store.h"
#include "nik.h"
#include "geo.h"
#include "photo.h"
#include "record.h"
#include "wilayah.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum form_field {
	F_NIK, F_NAME, F_ADDRESS, F_KTP, F_KK, F_RUMAH, F_COORD,
	F_DECISION, F_REASON, F_REASON_TEXT, F_NOTES, F_COUNT
};

struct form {
	struct record rec;
	bool frozen;                  /* not a draft: shown, never changed */
	bool dirty;
	enum form_field focus;
	struct ui_field nik, name, address, reason_text, notes;
	struct nik_info info;
	bool nik_complete;            /* 16 digits, valid */
	bool resident_found;
	struct resident res;
	char looked_up[NIK_LEN + 1];  /* the NIK the registry was asked about */
	bool gps_known[PHOTO_KIND_COUNT];
	enum photo_gps_problem gps_problem[PHOTO_KIND_COUNT];
	unsigned warnings;
	unsigned problems;            /* shown after a refused finalise */
	bool show_problems;
	char saved_at[16];            /* "HH:MM" of the last write */
};

static const char *const kind_labels[PHOTO_KIND_COUNT] = {
	[PHOTO_KIND_KTP] = N_("Foto KTP"),
	[PHOTO_KIND_KK] = N_("Foto KK"),
	[PHOTO_KIND_RUMAH] = N_("Foto Rumah"),
};

const char *ui_photo_kind_label(int kind)
{
	return kind >= 0 && kind < PHOTO_KIND_COUNT ? _(kind_labels[kind]) : "";
}

static const char *const reason_labels[REASON_COUNT] = {
#define FORM_REASON_LABEL(e, code, label) [e] = label,
	RECORD_REASONS(FORM_REASON_LABEL)
#undef FORM_REASON_LABEL
};

static void move_focus(struct form *f, int step);
static int form_attached_sha(const struct form *f, const char *sha256);

/* ---- the record and the registry ---- */

static void registry_facts(const struct form *f, struct record_registry_facts *facts)
{
	memset(facts, 0, sizeof *facts);
	if (!f->resident_found)
		return;
	int y, m, d;
	if (sscanf(f->res.birth_date, "%4d-%2d-%2d", &y, &m, &d) == 3) {
		facts->birth_year = y;
		facts->birth_month = m;
		facts->birth_day = d;
	}
	facts->sex = strcmp(f->res.sex, "L") == 0 ? NIK_SEX_MALE
		: strcmp(f->res.sex, "P") == 0 ? NIK_SEX_FEMALE : NIK_SEX_UNKNOWN;
}

static void refresh_warnings(struct ui *ui, struct form *f)
{
	if (!f->nik_complete) {
		f->warnings = 0;
		return;
	}
	struct record_registry_facts facts;
	registry_facts(f, &facts);
	f->warnings = record_warnings(&f->rec, f->resident_found ? &facts : NULL, time(NULL))
		| store_record_warnings(ui->store, &f->rec);
}

/* The house coordinates follow the photos unless typed by hand. */
static void refresh_coord(struct form *f)
{
	if (f->rec.coord_source == COORD_MANUAL)
		return;
	double lat, lon;
	if (record_coord_from_photos(&f->rec, &lat, &lon)) {
		f->rec.has_coord = true;
		f->rec.lat = lat;
		f->rec.lon = lon;
		f->rec.coord_source = COORD_EXIF;
	} else {
		f->rec.has_coord = false;
		f->rec.coord_source = COORD_NONE;
	}
}

/* Copy what the text fields hold into the record. */
static void sync_fields(struct form *f)
{
	char digits[NIK_LEN + 1];
	if (nik_normalise(f->nik.text, digits))
		ui_copy(f->rec.nik, sizeof f->rec.nik, digits);
	else
		f->rec.nik[0] = '\0';
	if (!f->rec.in_registry) {
		ui_copy(f->rec.name, sizeof f->rec.name, f->name.text);
		ui_copy(f->rec.address, sizeof f->rec.address, f->address.text);
		/* no address kelurahan outside the registry: take the one the
		 * house is in, so the record still names its kelurahan */
		const struct wilayah_kelurahan *k = f->rec.has_coord ? geo_kelurahan_at(f->rec.lat, f->rec.lon) : NULL;
		ui_copy(f->rec.kelurahan, sizeof f->rec.kelurahan, k != NULL ? k->code : "");
	}
	ui_copy(f->rec.reason_text, sizeof f->rec.reason_text, f->reason_text.text);
	ui_copy(f->rec.notes, sizeof f->rec.notes, f->notes.text);
}

static void fill_from_registry(struct form *f)
{
	f->rec.in_registry = true;
	ui_copy(f->rec.name, sizeof f->rec.name, f->res.name);
	int n = -1;
	if (f->res.rt[0] != '\0' || f->res.rw[0] != '\0')
		n = snprintf(f->rec.address, sizeof f->rec.address, "%s RT %s/RW %s",
			f->res.address, f->res.rt, f->res.rw);
	if (n < 0 || (size_t)n >= sizeof f->rec.address)
		ui_copy(f->rec.address, sizeof f->rec.address, f->res.address);
	ui_copy(f->rec.kelurahan, sizeof f->rec.kelurahan, f->res.kelurahan);
	ui_copy(f->rec.kk, sizeof f->rec.kk, f->res.kk);
}

/* After each change of the NIK text: check it, and on 16 valid digits ask
 * the registry once. */
static void nik_changed(struct ui *ui, struct form *f)
{
	nik_check(f->nik.text, time(NULL), &f->info);
	char digits[NIK_LEN + 1];
	bool digits_ok = nik_normalise(f->nik.text, digits);
	f->nik_complete = digits_ok && strlen(digits) == NIK_LEN && f->info.valid;
	if (!f->nik_complete) {
		if (f->resident_found) {
			/* the filled-in data belonged to another NIK */
			f->rec.name[0] = f->rec.address[0] = f->rec.kelurahan[0] = f->rec.kk[0] = '\0';
		}
		f->resident_found = false;
		f->rec.in_registry = false;
		f->looked_up[0] = '\0';
		f->warnings = 0;
		return;
	}
	if (strcmp(f->looked_up, digits) != 0) {
		snprintf(f->looked_up, sizeof f->looked_up, "%s", digits);
		f->resident_found = store_resident_get(ui->store, digits, &f->res) == STORE_OK;
		if (f->resident_found) {
			fill_from_registry(f);
		} else {
			f->rec.in_registry = false;
			f->rec.kk[0] = '\0';
			ui_copy(f->rec.name, sizeof f->rec.name, f->name.text);
			ui_copy(f->rec.address, sizeof f->rec.address, f->address.text);
		}
	}
	sync_fields(f);
	refresh_warnings(ui, f);
}

static void note_saved(struct form *f)
{
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm) != NULL)
		strftime(f->saved_at, sizeof f->saved_at, "%H:%M", &tm);
	f->dirty = false;
}

/* Write the draft.  quiet: no message on success (autosave). */
static bool save_draft(struct ui *ui, struct form *f, bool quiet)
{
	if (f->frozen)
		return true;
	sync_fields(f);
	if (!f->nik_complete) {
		ui_message(ui, ROLE_ERROR, "%s", _("Draf belum bisa disimpan: NIK belum sah."));
		return false;
	}
	ui_copy(f->rec.operator_name, sizeof f->rec.operator_name, ui->operator_name);
	enum store_status st = store_record_save(ui->store, &f->rec);
	if (st != STORE_OK) {
		ui_message(ui, ROLE_ERROR, _("Draf tidak tersimpan: %s"), store_error(ui->store));
		return false;
	}
	note_saved(f);
	if (!quiet)
		ui_message(ui, ROLE_OK, "%s", _("Draf tersimpan."));
	return true;
}

/* A photo copied into the store that no record names any more (replaced,
 * detached, or its draft dropped) goes; store keeps one a record names. */
static void discard_photo(struct ui *ui, const char *sha256)
{
	if (sha256[0] != '\0')
		store_photo_discard(ui->store, sha256);
}

static void discard_all_photos(struct ui *ui, const struct record *r)
{
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		if (r->photos[k].attached)
			discard_photo(ui, r->photos[k].sha256);
}

/* ---- opening ---- */

struct form_open_args {
	const char *uuid;
	const char *nik;
	bool correct;
};

static void read_photo_facts(struct ui *ui, struct form *f)
{
	for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
		const struct record_photo *p = &f->rec.photos[k];
		char path[PATH_MAX];
		struct photo_facts facts;
		f->gps_known[k] = false;
		if (!p->attached || p->has_gps || !store_photo_path(ui->store, p->sha256, path, sizeof path))
			continue;
		if (photo_read(path, PHOTO_READ_EXIF, &facts) == PHOTO_ERR_NONE) {
			f->gps_known[k] = true;
			f->gps_problem[k] = facts.gps.problem;
		}
	}
}

static void load_fields(struct form *f)
{
	ui_field_set(&f->nik, f->rec.nik);
	ui_field_set(&f->name, f->rec.in_registry ? "" : f->rec.name);
	ui_field_set(&f->address, f->rec.in_registry ? "" : f->rec.address);
	ui_field_set(&f->reason_text, f->rec.reason_text);
	ui_field_set(&f->notes, f->rec.notes);
}

/* A correction starts as a copy of the final record that names it. */
static void make_correction(struct form *f)
{
	char old[RECORD_UUID_LEN + 1];
	snprintf(old, sizeof old, "%s", f->rec.uuid);
	ui_copy(f->rec.supersedes, sizeof f->rec.supersedes, old);
	f->rec.uuid[0] = '\0';
	f->rec.state = STATE_DRAFT;
	f->rec.created_at = f->rec.updated_at = f->rec.finalised_at = 0;
	f->rec.server_message[0] = '\0';
	f->frozen = false;
	f->dirty = true;
}

static void *form_open(struct ui *ui, void *arg)
{
	const struct form_open_args *a = arg;
	struct form *f = calloc(1, sizeof *f);
	if (f == NULL)
		return NULL;
	ui_field_init(&f->nik, FIELD_TEXT, 24);
	ui_field_init(&f->name, FIELD_TEXT, RECORD_NAME_MAX - 1);
	ui_field_init(&f->address, FIELD_TEXT, RECORD_ADDRESS_MAX - 1);
	ui_field_init(&f->reason_text, FIELD_TEXT, RECORD_TEXT_MAX - 1);
	ui_field_init(&f->notes, FIELD_TEXT, RECORD_TEXT_MAX - 1);
	if (a->uuid != NULL) {
		if (store_record_get(ui->store, a->uuid, &f->rec) != STORE_OK) {
			ui_message(ui, ROLE_ERROR, _("Rekaman tidak bisa dibuka: %s"), store_error(ui->store));
			free(f);
			return NULL;
		}
		f->frozen = f->rec.state != STATE_DRAFT;
		if (a->correct && f->frozen)
			make_correction(f);
		load_fields(f);
		nik_changed(ui, f);
		read_photo_facts(ui, f);
		refresh_warnings(ui, f);
		f->focus = F_NIK;
		if (!f->frozen && f->nik_complete)
			f->focus = (enum form_field)(F_KTP + (form_next_empty_slot(f, 0) > 0 ? form_next_empty_slot(f, 0) : 0));
	} else {
		f->rec.state = STATE_DRAFT;
		if (a->nik != NULL) {
			ui_field_set(&f->nik, a->nik);
			nik_changed(ui, f);
			f->dirty = true;
			if (f->nik_complete)
				move_focus(f, 1);   /* the name when not in the registry */
		}
	}
	return f;
}

bool ui_open_form(struct ui *ui, const char *uuid, const char *nik, bool correct)
{
	struct form_open_args a = { uuid, nik, correct };
	return ui_push(ui, &screen_form, &a);
}

/* ---- focus ---- */

static bool field_active(const struct form *f, enum form_field field)
{
	if (f->frozen)
		return field == F_NIK;
	switch (field) {
	case F_NAME:
	case F_ADDRESS:
		return f->nik_complete && !f->rec.in_registry;
	case F_REASON:
		return f->rec.decision == DECISION_TIDAK_LAYAK;
	case F_REASON_TEXT:
		return f->rec.decision == DECISION_TIDAK_LAYAK && f->rec.reason == REASON_LAINNYA;
	default:
		return true;
	}
}

static void move_focus(struct form *f, int step)
{
	int field = (int)f->focus;
	for (int i = 0; i < F_COUNT; i++) {
		field += step;
		if (field < 0 || field >= F_COUNT)
			return;
		if (field_active(f, (enum form_field)field)) {
			f->focus = (enum form_field)field;
			return;
		}
	}
}

static struct ui_field *focused_text(struct form *f)
{
	if (f->frozen)
		return NULL;
	switch (f->focus) {
	case F_NIK: return &f->nik;
	case F_NAME: return &f->name;
	case F_ADDRESS: return &f->address;
	case F_REASON_TEXT: return &f->reason_text;
	case F_NOTES: return &f->notes;
	default: return NULL;
	}
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
static void nik_reason(const struct form *f, char *buf, size_t len, enum ui_role *role)
{
	char digits[NIK_LEN + 1];
	*role = ROLE_DIM;
	buf[0] = '\0';
	if (f->nik.len == 0) {
		snprintf(buf, len, "%s", _("ketik 16 angka NIK"));
		return;
	}
	if (!nik_normalise(f->nik.text, digits)) {
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
	nik_reason(f, reason, sizeof reason, &role);
	ui_put(y, VALUE_X + 19, ui->cols - VALUE_X - 20, role, reason);
}

static void draw_text_or_field(struct ui *ui, struct form *f, int y, enum form_field field,
	struct ui_field *tf, const char *value)
{
	if (field_active(f, field) && !f->frozen) {
		int cx = ui_field_draw(tf, y, VALUE_X, ui->cols - VALUE_X - 2, f->focus == field);
		if (f->focus == field)
			ui_show_cursor(ui, y, cx);
	} else {
		ui_put(y, VALUE_X, ui->cols - VALUE_X - 1, ROLE_VALUE, value);
	}
}

static void draw_person(struct ui *ui, struct form *f)
{
	draw_label(f, 2, F_NAME, _("Nama"));
	draw_text_or_field(ui, f, 2, F_NAME, &f->name, f->rec.name);
	draw_label(f, 3, F_ADDRESS, _("Alamat"));
	draw_text_or_field(ui, f, 3, F_ADDRESS, &f->address, f->rec.address);
	ui_put(4, 1, LABEL_W - 1, ROLE_LABEL, _("Kelurahan"));
	const struct wilayah_kelurahan *k = f->rec.kelurahan[0] != '\0' ? wilayah_kelurahan_find(f->rec.kelurahan) : NULL;
	if (k != NULL)
		ui_putf(4, VALUE_X, 40, ROLE_VALUE, "%s, Kec. %s", k->name, k->kecamatan_name);
	if (f->rec.kk[0] != '\0')
		ui_putf(4, 54, ui->cols - 55, ROLE_NORMAL, _("KK %s"), f->rec.kk);
	if (f->resident_found) {
		char born[16];
		format_date(f->res.birth_date, born, sizeof born);
		ui_put(5, 1, LABEL_W - 1, ROLE_LABEL, _("Lahir"));
		ui_putf(5, VALUE_X, ui->cols - VALUE_X - 1, ROLE_NORMAL, "%s%s%s, %s", f->res.birth_place,
			f->res.birth_place[0] != '\0' ? ", " : "", born,
			strcmp(f->res.sex, "P") == 0 ? _("perempuan") : strcmp(f->res.sex, "L") == 0 ? _("laki-laki") : "");
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
	char size[24], when[24], text[512];
	ui_format_size(p->size, size, sizeof size);
	ui_format_taken(p->taken_at, when, sizeof when);
	int x = VALUE_X;
	x += ui_put(y, x, 24, focused ? ROLE_FOCUS : ROLE_VALUE, p->original_name[0] != '\0' ? p->original_name : p->sha256);
	snprintf(text, sizeof text, "  %s  %s  ", size, when);
	x += ui_put(y, x, VALUE_X + width - x, focused ? ROLE_FOCUS : ROLE_NORMAL, text);
	if (p->has_gps)
		snprintf(text, sizeof text, "GPS %.5f, %.5f", p->lat, p->lon);
	else if (f->gps_known[kind])
		snprintf(text, sizeof text, _("tanpa GPS: %s"), _(photo_gps_problem_message(f->gps_problem[kind])));
	if (!p->has_gps && (!f->gps_known[kind] || ui_text_width(text) > VALUE_X + width - x))
		snprintf(text, sizeof text, "%s", _("tanpa GPS"));   /* the reason did not fit */
	ui_put(y, x, VALUE_X + width - x, focused ? ROLE_FOCUS : p->has_gps ? ROLE_NORMAL : ROLE_WARN, text);
}

static const char *coord_origin(const struct record *r)
{
	if (r->coord_source == COORD_MANUAL)
		return _("diisi manual");
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
	ui_put(y, x, VALUE_X + width - x, focused ? ROLE_FOCUS : k != NULL ? ROLE_OK : ROLE_WARN, where);
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
	const char *label = _(reason_labels[f->rec.reason < REASON_COUNT ? f->rec.reason : REASON_NONE]);
	x = VALUE_X + ui_put(y + 1, VALUE_X, 40, rfocus ? ROLE_FOCUS : f->rec.reason == REASON_NONE ? ROLE_WARN : ROLE_VALUE, label);
	if (rfocus)
		ui_put(y + 1, x + 3, ui->cols - x - 4, ROLE_DIM, _("Enter: pilih alasan"));
	if (f->rec.reason == REASON_LAINNYA) {
		draw_label(f, y + 2, F_REASON_TEXT, _("Alasan lain"));
		draw_text_or_field(ui, f, y + 2, F_REASON_TEXT, &f->reason_text, f->rec.reason_text);
	}
}

/* Warnings, or what blocks finalising after F9 was refused. */
static void draw_panel(struct ui *ui, struct form *f, int top)
{
	int bottom = ui->rows - 2, y = top;
	int count = 0;
	const char *lines[RECORD_PROBLEM_COUNT + RECORD_WARNING_COUNT];
	enum ui_role roles[RECORD_PROBLEM_COUNT + RECORD_WARNING_COUNT];
	if (f->show_problems && f->problems != 0) {
		for (int p = 0; p < RECORD_PROBLEM_COUNT; p++)
			if (f->problems & (1u << p)) {
				roles[count] = ROLE_ERROR;
				lines[count++] = _(record_problem_message((enum record_problem)p));
			}
	}
	for (int w = 0; w < RECORD_WARNING_COUNT; w++)
		if (f->warnings & (1u << w)) {
			roles[count] = ROLE_WARN;
			lines[count++] = _(record_warning_message((enum record_warning)w));
		}
	if (count == 0)
		return;
	ui_put(y++, 1, ui->cols - 2, ROLE_LABEL, f->show_problems && f->problems != 0
		? _("Belum bisa difinalkan / peringatan:") : _("Peringatan (tidak menghalangi, tetapi periksa):"));
	for (int i = 0; i < count && y <= bottom; i++, y++) {
		if (y == bottom && i + 1 < count) {
			ui_putf(y, 3, ui->cols - 4, ROLE_DIM, _("... dan %d lagi (F9 menampilkan semuanya)"), count - i);
			break;
		}
		ui_putf(y, 3, ui->cols - 4, roles[i], "- %s", lines[i]);
	}
}

static void form_draw(struct ui *ui, void *state)
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
	draw_panel(ui, f, 17);
}

/* ---- actions ---- */

static void changed(struct ui *ui, struct form *f)
{
	f->dirty = true;
	f->show_problems = false;
	sync_fields(f);
	refresh_warnings(ui, f);
}

bool form_attach_photo(struct ui *ui, struct form *f, int kind, const char *path,
	const struct photo_facts *facts)
{
	struct record_photo slot;
	memset(&slot, 0, sizeof slot);
	if (store_photo_import(ui->store, path, &slot) != STORE_OK) {
		ui_message(ui, ROLE_ERROR, _("Foto tidak bisa dilampirkan: %s"), store_error(ui->store));
		return false;
	}
	if (slot.original_name[0] == '\0') {
		const char *base = strrchr(path, '/');
		snprintf(slot.original_name, sizeof slot.original_name, "%s", base != NULL ? base + 1 : path);
	}
	char replaced[PHOTO_SHA256_HEX];
	snprintf(replaced, sizeof replaced, "%s", f->rec.photos[kind].attached ? f->rec.photos[kind].sha256 : "");
	f->rec.photos[kind] = slot;
	f->gps_known[kind] = facts != NULL;
	f->gps_problem[kind] = facts != NULL ? facts->gps.problem : PHOTO_GPS_OK;
	refresh_coord(f);
	changed(ui, f);
	/* a photo took effort to find: keep it at once when the NIK allows */
	if (f->nik_complete)
		save_draft(ui, f, true);
	if (strcmp(replaced, slot.sha256) != 0 && form_attached_sha(f, replaced) < 0)
		discard_photo(ui, replaced);
	return true;
}

/* The slot holding the photo with this hash, or -1. */
static int form_attached_sha(const struct form *f, const char *sha256)
{
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		if (f->rec.photos[k].attached && strcmp(f->rec.photos[k].sha256, sha256) == 0)
			return k;
	return -1;
}

int form_attached_kind(const struct form *f, const char *name)
{
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		if (f->rec.photos[k].attached && strcmp(f->rec.photos[k].original_name, name) == 0)
			return k;
	return -1;
}

int form_next_empty_slot(const struct form *f, int kind)
{
	for (int i = 0; i < PHOTO_KIND_COUNT; i++) {
		int k = (kind + i) % PHOTO_KIND_COUNT;
		if (!f->rec.photos[k].attached)
			return k;
	}
	return -1;
}

static void detach_photo(struct ui *ui, struct form *f, int kind)
{
	if (!f->rec.photos[kind].attached)
		return;
	char sha[PHOTO_SHA256_HEX];
	snprintf(sha, sizeof sha, "%s", f->rec.photos[kind].sha256);
	memset(&f->rec.photos[kind], 0, sizeof f->rec.photos[kind]);
	f->gps_known[kind] = false;
	refresh_coord(f);
	changed(ui, f);
	if (f->nik_complete)
		save_draft(ui, f, true);
	if (form_attached_sha(f, sha) < 0)
		discard_photo(ui, sha);
	ui_message(ui, ROLE_NORMAL, _("%s dilepas."), ui_photo_kind_label(kind));
}

static bool answer_coord(struct ui *ui, void *ctx, bool yes, const char *const *inputs)
{
	struct form *f = ctx;
	if (!yes)
		return true;
	if (inputs[0][0] == '\0' && inputs[1][0] == '\0') {
		/* emptied: back to the photos' GPS */
		f->rec.coord_source = COORD_NONE;
		f->rec.coord_reason[0] = '\0';
		refresh_coord(f);
		changed(ui, f);
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
	changed(ui, f);
	move_focus(f, 1);
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
			_("Derajat desimal, misalnya -6.1783 dan 106.6300."),
			_("Kosongkan lintang dan bujur untuk kembali memakai GPS foto."), NULL },
		.yes_label = _("Pakai"),
		.ninputs = 3,
		.input_labels = { _("Lintang"), _("Bujur"), _("Alasan") },
		.input_values = { lat, lon, f->rec.coord_reason },
		.input_max = { 24, 24, 200 },
		.answer = answer_coord,
		.ctx = f,
	};
	ui_dialog(ui, &d);
}

static void reason_chosen(struct ui *ui, void *ctx, int index)
{
	struct form *f = ctx;
	f->rec.reason = (enum reason)(index + 1);
	changed(ui, f);
	move_focus(f, 1);
}

static void ask_reason(struct ui *ui, struct form *f)
{
	const char *items[REASON_COUNT];
	for (int r = 1; r < REASON_COUNT; r++)
		items[r - 1] = _(reason_labels[r]);
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
	changed(ui, f);
	f->focus = F_DECISION;
	if (d == DECISION_TIDAK_LAYAK) {
		f->focus = F_REASON;
		if (f->rec.reason == REASON_NONE)
			ask_reason(ui, f);
	} else {
		move_focus(f, 1);
	}
}

static enum form_field problem_field(enum record_problem p)
{
	switch (p) {
	case RECORD_ERR_NIK: return F_NIK;
	case RECORD_ERR_NAME: return F_NAME;
	case RECORD_ERR_PHOTO_KTP: return F_KTP;
	case RECORD_ERR_PHOTO_KK: return F_KK;
	case RECORD_ERR_PHOTO_RUMAH: return F_RUMAH;
	case RECORD_ERR_DECISION: return F_DECISION;
	case RECORD_ERR_REASON: return F_REASON;
	case RECORD_ERR_REASON_TEXT: return F_REASON_TEXT;
	case RECORD_ERR_COORD:
	case RECORD_ERR_COORD_RANGE:
	case RECORD_ERR_COORD_REASON: return F_COORD;
	default: return F_NOTES;
	}
}

static bool answer_finalise(struct ui *ui, void *ctx, bool yes, const char *const *inputs)
{
	struct form *f = ctx;
	if (!yes)
		return true;
	sync_fields(f);
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

static void finalise(struct ui *ui, struct form *f)
{
	if (f->frozen) {
		ui_message(ui, ROLE_NORMAL, "%s", _("Rekaman ini sudah final. F6: buat koreksi."));
		return;
	}
	sync_fields(f);
	refresh_warnings(ui, f);
	f->problems = record_check_final(&f->rec, time(NULL));
	if (f->problems != 0) {
		f->show_problems = true;
		for (int p = 0; p < RECORD_PROBLEM_COUNT; p++)
			if (f->problems & (1u << p)) {
				enum form_field field = problem_field((enum record_problem)p);
				if (field_active(f, field))
					f->focus = field;
				ui_message(ui, ROLE_ERROR, _("Belum bisa difinalkan: %s."),
					_(record_problem_message((enum record_problem)p)));
				break;
			}
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
	if (f->warnings == 0) {
		d.lines[n++] = _("Tidak ada peringatan.");
	} else {
		d.roles[n] = ROLE_VALUE;
		d.lines[n++] = _("Periksa peringatan ini dulu:");
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
			discard_all_photos(ui, &f->rec);
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
	if (save_draft(ui, f, true)) {
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
	discard_all_photos(ui, &f->rec);
	ui_message(ui, ROLE_OK, "%s", _("Draf dibuang."));
	ui_close_later(ui, f);
	return true;
}

static unsigned enter(struct ui *ui, struct form *f)
{
	switch (f->focus) {
	case F_NIK:
		if (!f->nik_complete) {
			char reason[256];
			enum ui_role role;
			nik_reason(f, reason, sizeof reason, &role);
			ui_message(ui, ROLE_ERROR, _("NIK belum sah: %s"), reason);
			return UI_HANDLED;
		}
		move_focus(f, 1);
		return UI_HANDLED;
	case F_KTP:
	case F_KK:
	case F_RUMAH: {
		struct picker_args pa = { f, (int)(f->focus - F_KTP) };
		ui_push(ui, &screen_picker, &pa);
		return UI_HANDLED;
	}
	case F_COORD:
		ask_coord(ui, f);
		return UI_HANDLED;
	case F_DECISION:
		if (f->rec.decision == DECISION_NONE)
			ui_message(ui, ROLE_NORMAL, "%s", _("Tekan l untuk layak atau t untuk tidak layak."));
		else
			move_focus(f, 1);
		return UI_HANDLED;
	case F_REASON:
		ask_reason(ui, f);
		return UI_HANDLED;
	case F_NOTES:
		ui_message(ui, ROLE_NORMAL, "%s", _("Selesai? F9 atau Ctrl-F: finalkan. F2 atau Ctrl-O: simpan draf."));
		return UI_HANDLED;
	default:
		move_focus(f, 1);
		return UI_HANDLED;
	}
}

static unsigned frozen_key(struct ui *ui, struct form *f, const struct ui_key *k)
{
	switch (k->action) {
	case ACT_BACK:
		return UI_CLOSE;
	case ACT_CORRECT:
		make_correction(f);
		f->focus = F_KTP;
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

static unsigned form_key(struct ui *ui, void *state, const struct ui_key *k)
{
	struct form *f = state;
	if (f->frozen)
		return frozen_key(ui, f, k);
	struct ui_field *tf = focused_text(f);
	bool text_changed = false;
	if (tf == &f->nik && ui_key_is_help_char(k))
		return UI_IGNORED;         /* help: a NIK has no '?' */
	if (tf != NULL && ui_field_key(tf, k, &text_changed)) {
		if (text_changed) {
			f->dirty = true;
			f->show_problems = false;
			if (tf == &f->nik)
				nik_changed(ui, f);
		}
		return UI_HANDLED;
	}
	int slot = f->focus >= F_KTP && f->focus <= F_RUMAH ? (int)(f->focus - F_KTP) : -1;
	switch (k->action) {
	case ACT_ENTER:
		return enter(ui, f);
	case ACT_DOWN:
		move_focus(f, 1);
		return UI_HANDLED;
	case ACT_UP:
		move_focus(f, -1);
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
			detach_photo(ui, f, slot);
		return UI_HANDLED;
	case ACT_SAVE:
		save_draft(ui, f, false);
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
	case ACT_CORRECT:
		ui_message(ui, ROLE_NORMAL, "%s", _("Ini masih draf: ubah langsung saja."));
		return UI_HANDLED;
	case ACT_BACK:
		return leave(ui, f);
	case ACT_QUIT:
		if (f->dirty && f->nik_complete && !save_draft(ui, f, true))
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
	if (f->focus >= F_KTP && f->focus <= F_RUMAH && form_next_empty_slot(f, F_KTP - F_KTP) < 0)
		f->focus = f->rec.has_coord ? F_DECISION : F_COORD;
}

static void form_close(struct ui *ui, void *state, int reason)
{
	struct form *f = state;
	/* quitting, a hang-up or SIGTERM: keep what can be kept */
	if (reason != CLOSE_NORMAL && f->dirty && !f->frozen && f->nik_complete)
		save_draft(ui, f, true);
	free(f);
}

static const enum ui_action *form_hints(struct ui *ui, void *state)
{
	static const enum ui_action editing[] = { ACT_HELP, ACT_ENTER, ACT_SAVE, ACT_FINALISE,
		ACT_BACK, ACT_DISCARD, ACT_LOCK, ACT_NONE };
	static const enum ui_action decision[] = { ACT_HELP, ACT_LAYAK, ACT_TIDAK_LAYAK, ACT_SAVE,
		ACT_FINALISE, ACT_BACK, ACT_NONE };
	static const enum ui_action frozen[] = { ACT_HELP, ACT_CORRECT, ACT_BACK, ACT_NONE };
	const struct form *f = state;
	if (f->frozen)
		return frozen;
	return f->focus == F_DECISION ? decision : editing;
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
