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
#include "form_int.h"
#include "evidence.h"
#include "geo.h"
#include "wilayah.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const reason_labels[REASON_COUNT] = {
#define FORM_REASON_LABEL(e, code, label) [e] = label,
	RECORD_REASONS(FORM_REASON_LABEL)
#undef FORM_REASON_LABEL
};
const char *form_reason_label(enum reason r)
{
	return reason_labels[r < REASON_COUNT ? r : REASON_NONE];
}

static int form_attached_sha(const struct form *f, const char *sha256);

/* ---- the record and the registry ---- */

static void registry_facts(const struct form *f, struct record_registry_facts *facts)
{
	registry_record_facts(f->resident_found ? &f->res : NULL, facts);
}

void form_refresh_warnings(struct ui *ui, struct form *f)
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

/* The house coordinates follow the photos (their GPS, else the phone's
 * position when it uploaded one) unless typed by hand. */
void form_refresh_coord(struct ui *ui, struct form *f)
{
	if (f->rec.coord_source == COORD_MANUAL)
		return;
	f->rec.coord_reason[0] = '\0';     /* a phone's accuracy, said again below */
	double lat, lon;
	if (record_coord_from_photos(&f->rec, &lat, &lon)) {
		f->rec.has_coord = true;
		f->rec.lat = lat;
		f->rec.lon = lon;
		f->rec.coord_source = COORD_EXIF;
	} else {
		f->rec.has_coord = false;
		f->rec.coord_source = COORD_NONE;
		store_record_coord_from_phone(ui->store, &f->rec);
	}
}

/* Copy what the text fields hold into the record. */
void form_sync_fields(struct form *f)
{
	/* rec.nik is form_nik_changed's: the NIK is normalised there, once */
	if (!f->rec.in_registry) {
		ui_copy(f->rec.name, sizeof f->rec.name, f->name.text);
		ui_copy(f->rec.address, sizeof f->rec.address, f->address.text);
		/* no address kelurahan outside the registry: the one the clerk
		 * picked, else the one the house is in */
		const struct wilayah_kelurahan *k = f->rec.has_coord ? geo_kelurahan_at(f->rec.lat, f->rec.lon) : NULL;
		ui_copy(f->rec.kelurahan, sizeof f->rec.kelurahan, f->kelurahan_chosen[0] != '\0'
			? f->kelurahan_chosen : k != NULL ? k->code : "");
	}
	ui_copy(f->rec.reason_text, sizeof f->rec.reason_text, f->reason_text.text);
	ui_copy(f->rec.notes, sizeof f->rec.notes, f->notes.text);
}

/* After each change of the NIK text: check it, and on 16 valid digits ask
 * the registry once. */
void form_nik_changed(struct ui *ui, struct form *f)
{
	nik_check(f->nik.text, time(NULL), &f->info);
	char digits[NIK_LEN + 1];
	f->nik_digits_ok = nik_normalise(f->nik.text, digits);
	ui_copy(f->rec.nik, sizeof f->rec.nik, f->nik_digits_ok ? digits : "");
	f->nik_complete = f->nik_digits_ok && strlen(digits) == NIK_LEN && f->info.valid;
	/* "3671 0749 1005 0001" is kept as its 16 digits: with the spaces it
	 * did not fit the field and showed cut ("71 0749 1005 0001") */
	if (f->nik_complete && strcmp(f->nik.text, digits) != 0)
		ui_field_set(&f->nik, digits);
	if (!f->nik_complete) {
		if (f->resident_found) {
			/* the filled-in data belonged to another NIK */
			f->rec.name[0] = f->rec.address[0] = f->rec.kelurahan[0] = f->rec.kk[0] = '\0';
		}
		f->resident_found = false;
		f->near_count = 0;
		f->rec.in_registry = false;
		f->looked_up[0] = '\0';
		f->warnings = 0;
		return;
	}
	if (strcmp(f->looked_up, digits) != 0) {
		snprintf(f->looked_up, sizeof f->looked_up, "%s", digits);
		f->resident_found = store_resident_get(ui->store, digits, &f->res) == STORE_OK;
		registry_fill_record(f->resident_found ? &f->res : NULL, &f->rec, NULL);
		f->near_count = f->resident_found ? 0
			: store_residents_near_nik(ui->store, digits, NULL, f->near, FORM_NEAR_MAX);
		if (!f->resident_found) {
			ui_copy(f->rec.name, sizeof f->rec.name, f->name.text);
			ui_copy(f->rec.address, sizeof f->rec.address, f->address.text);
		}
	}
	form_sync_fields(f);
	form_refresh_warnings(ui, f);
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
bool form_save_draft(struct ui *ui, struct form *f, bool quiet)
{
	if (f->frozen)
		return true;
	form_sync_fields(f);
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

void form_discard_all_photos(struct ui *ui, const struct record *r)
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
		unsigned char *data;
		size_t len;
		struct photo_facts facts;
		f->gps_known[k] = false;
		/* through the store: the file is sealed in a keyed profile */
		if (!p->attached || p->has_gps ||
			store_photo_bytes(ui->store, p->sha256, &data, &len) != STORE_OK)
			continue;
		if (photo_read_buffer(data, len, PHOTO_READ_EXIF, &facts) == PHOTO_ERR_NONE) {
			f->gps_known[k] = true;
			f->gps_problem[k] = facts.gps.problem;
		}
		free(data);
	}
}

static void load_fields(struct form *f)
{
	ui_field_set(&f->nik, f->rec.nik);
	ui_field_set(&f->name, f->rec.in_registry ? "" : f->rec.name);
	ui_field_set(&f->address, f->rec.in_registry ? "" : f->rec.address);
	/* what the draft says stays, whatever a photo says later */
	ui_copy(f->kelurahan_chosen, sizeof f->kelurahan_chosen, f->rec.in_registry ? "" : f->rec.kelurahan);
	ui_field_set(&f->reason_text, f->rec.reason_text);
	ui_field_set(&f->notes, f->rec.notes);
}

/* A correction starts as a copy of the final record that names it. */
void form_make_correction(struct form *f)
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

void *form_open(struct ui *ui, void *arg)
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
			form_make_correction(f);
		load_fields(f);
		form_nik_changed(ui, f);
		read_photo_facts(ui, f);
		form_refresh_warnings(ui, f);
		f->focus = F_NIK;
		if (!f->frozen && f->nik_complete)
			f->focus = (enum form_field)(F_KTP + (form_next_empty_slot(f, 0) > 0 ? form_next_empty_slot(f, 0) : 0));
		if (!form_field_active(f, f->focus))
			form_focus_evidence(f);
	} else {
		f->rec.state = STATE_DRAFT;
		if (a->nik != NULL) {
			ui_field_set(&f->nik, a->nik);
			form_nik_changed(ui, f);
			f->dirty = true;
			if (f->nik_complete)
				form_move_focus(f, 1);   /* the name when not in the registry */
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

bool form_field_active(const struct form *f, enum form_field field)
{
	if (f->frozen)
		return field == F_NIK;
	switch (field) {
	case F_NAME:
	case F_ADDRESS:
	case F_KELURAHAN:
		return f->nik_complete && !f->rec.in_registry;
	case F_REASON:
		return f->rec.decision == DECISION_TIDAK_LAYAK;
	case F_REASON_TEXT:
		return f->rec.decision == DECISION_TIDAK_LAYAK && f->rec.reason == REASON_LAINNYA;
	case F_KTP:
	case F_KK:
	case F_RUMAH:
		/* only the slots the outcome needs or offers (doc/EVIDENCE.md) */
		return evidence_slot_shown(&f->rec, (enum photo_kind)(field - F_KTP));
	default:
		return true;
	}
}

void form_move_focus(struct form *f, int step)
{
	int field = (int)f->focus;
	for (int i = 0; i < F_COUNT; i++) {
		field += step;
		if (field < 0 || field >= F_COUNT)
			return;
		if (form_field_active(f, (enum form_field)field)) {
			f->focus = (enum form_field)field;
			return;
		}
	}
}

struct ui_field *form_focused_text(struct form *f)
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

/* ---- actions ---- */

void form_changed(struct ui *ui, struct form *f)
{
	f->dirty = true;
	f->show_problems = false;
	form_sync_fields(f);
	form_refresh_warnings(ui, f);
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
	form_refresh_coord(ui, f);
	form_changed(ui, f);
	/* a photo took effort to find: keep it at once when the NIK allows */
	if (f->nik_complete)
		form_save_draft(ui, f, true);
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

bool form_photo_bytes(struct ui *ui, const struct form *f, int kind, unsigned char **data,
	size_t *len)
{
	const struct record_photo *p = kind >= 0 && kind < PHOTO_KIND_COUNT ? &f->rec.photos[kind] : NULL;
	*data = NULL;
	if (p == NULL || !p->attached || ui->store == NULL)
		return false;
	if (store_photo_bytes(ui->store, p->sha256, data, len) == STORE_OK)
		return true;
	ui_message(ui, ROLE_ERROR, "%s", store_error(ui->store));
	return false;
}

int form_attached_copy(const struct form *f, const char *name, long long size)
{
	int kind = form_attached_kind(f, name);
	return kind >= 0 && f->rec.photos[kind].original_size == size ? kind : -1;
}

int form_next_empty_slot(const struct form *f, int kind)
{
	for (int i = 0; i < PHOTO_KIND_COUNT; i++) {
		int k = (kind + i) % PHOTO_KIND_COUNT;
		if (!f->rec.photos[k].attached && (evidence_for(f->rec.decision, f->rec.reason)->needed
			& EVIDENCE_PHOTO(k)))
			return k;
	}
	return -1;
}

/* After the outcome is chosen: on to the first piece of its evidence still
 * missing (a photo slot it needs, else the place: an offered slot whose
 * photo would give it, else the coordinates), else onwards.  A household
 * not found goes straight to the address photo. */
void form_focus_evidence(struct form *f)
{
	const struct evidence_rule *rule = evidence_for(f->rec.decision, f->rec.reason);
	int slot = form_next_empty_slot(f, 0);
	if (slot >= 0) {
		f->focus = (enum form_field)(F_KTP + slot);
		return;
	}
	if (!rule->location || f->rec.has_coord) {
		form_move_focus(f, 1);
		return;
	}
	f->focus = F_COORD;
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		if ((rule->offered & EVIDENCE_PHOTO(k)) && !f->rec.photos[k].attached) {
			f->focus = (enum form_field)(F_KTP + k);
			return;
		}
}

void form_detach_photo(struct ui *ui, struct form *f, int kind)
{
	if (!f->rec.photos[kind].attached)
		return;
	char sha[PHOTO_SHA256_HEX];
	snprintf(sha, sizeof sha, "%s", f->rec.photos[kind].sha256);
	memset(&f->rec.photos[kind], 0, sizeof f->rec.photos[kind]);
	f->gps_known[kind] = false;
	form_refresh_coord(ui, f);
	form_changed(ui, f);
	if (f->nik_complete)
		form_save_draft(ui, f, true);
	if (form_attached_sha(f, sha) < 0)
		discard_photo(ui, sha);
	ui_message(ui, ROLE_NORMAL, _("%s dilepas."), ui_photo_kind_label(kind));
}

enum form_field form_problem_field(enum record_problem p)
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

void form_close(struct ui *ui, void *state, int reason)
{
	struct form *f = state;
	/* quitting, a hang-up or SIGTERM: keep what can be kept */
	if (reason != CLOSE_NORMAL && f->dirty && !f->frozen && f->nik_complete)
		form_save_draft(ui, f, true);
	free(f);
}
