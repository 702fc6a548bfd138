/* form_int.h: the verification form's parts, shared by its three files:
 * form.c (the record and the registry: what is true), form_draw.c (what
 * the clerk sees) and form_keys.c (what each key does).  Private to
 * src/ui/. */
#ifndef SIGACOR_FORM_INT_H
#define SIGACOR_FORM_INT_H

#include "ui_int.h"
#include "nik.h"
#include "photo.h"
#include "record.h"
#include "store.h"

struct wilayah_kelurahan;

/* Residents listed by one search by name or KK (the choice list's size). */
#define FORM_FIND_MAX 16
/* Registered NIKs one digit away offered for a NIK not in the registry
 * (digits 1-9 pick in the list). */
#define FORM_NEAR_MAX 8
/* Karawaci has 16 kelurahan, and the list's last row opens the kecamatan */
#define FORM_PLACE_MAX 17

enum form_field {
	F_NIK, F_NAME, F_ADDRESS, F_KELURAHAN, F_KTP, F_KK, F_RUMAH, F_COORD,
	F_DECISION, F_REASON, F_REASON_TEXT, F_NOTES, F_COUNT
};

struct form {
	struct record rec;
	bool frozen;                  /* not a draft: shown, never changed */
	bool dirty;
	enum form_field focus;
	struct ui_field nik, name, address, reason_text, notes;
	struct nik_info info;
	bool nik_digits_ok;           /* the text is digits and separators, at most 16
	                                 digits (normalised once, into rec.nik) */
	bool nik_complete;            /* 16 digits, valid */
	bool resident_found;
	struct resident res;
	char looked_up[NIK_LEN + 1];  /* the NIK the registry was asked about */
	char found_niks[FORM_FIND_MAX][NIK_LEN + 1];  /* the last search's list (form_find.c) */
	int nfound;
	struct resident near[FORM_NEAR_MAX]; /* registered NIKs one slip away */
	size_t near_count;
	/* not in the registry: the kelurahan the clerk picked (form_place.c) */
	char kelurahan_chosen[sizeof ((struct record *)0)->kelurahan];
	const struct wilayah_kelurahan *place[FORM_PLACE_MAX];  /* the list shown */
	int nplace;
	bool gps_known[PHOTO_KIND_COUNT];
	enum photo_gps_problem gps_problem[PHOTO_KIND_COUNT];
	unsigned warnings;
	unsigned problems;            /* shown after a refused finalise */
	bool show_problems;
	char saved_at[16];            /* "HH:MM" of the last write */
};

/* Said in the warnings and before finalising: a NIK the registry copy does
 * not know is often a typo, and then the record names nobody. */
#define FORM_NOT_IN_REGISTRY N_("NIK tidak ada di data kependudukan: periksa NIK-nya sekali lagi")

/* ---- form_place.c ---- */
/* The kelurahan of a household the registry does not know, from a list. */
void form_ask_kelurahan(struct ui *ui, struct form *f);

/* ---- form.c: the record and the registry ---- */
void *form_open(struct ui *ui, void *arg);
void form_close(struct ui *ui, void *state, int reason);
const char *form_reason_label(enum reason r);   /* untranslated */
/* Copy what the text fields hold into the record. */
void form_sync_fields(struct form *f);
/* After each change of the NIK text: check it, and on 16 valid digits ask
 * the registry once. */
void form_nik_changed(struct ui *ui, struct form *f);
void form_refresh_warnings(struct ui *ui, struct form *f);
/* The house coordinates follow the photos (their GPS, else the phone's
 * position at upload) unless typed by hand. */
void form_refresh_coord(struct ui *ui, struct form *f);
/* After any edit: dirty, the record and its warnings brought up to date. */
void form_changed(struct ui *ui, struct form *f);
/* Write the draft.  quiet: no message on success (autosave). */
bool form_save_draft(struct ui *ui, struct form *f, bool quiet);
void form_discard_all_photos(struct ui *ui, const struct record *r);
void form_detach_photo(struct ui *ui, struct form *f, int kind);
/* A final record becomes a new draft that supersedes it. */
void form_make_correction(struct form *f);
bool form_field_active(const struct form *f, enum form_field field);
void form_move_focus(struct form *f, int step);
void form_focus_evidence(struct form *f);
/* The text field under the focus, or NULL (a photo slot, the decision). */
struct ui_field *form_focused_text(struct form *f);
/* The field to go to for a problem that blocks finalising. */
enum form_field form_problem_field(enum record_problem p);

/* ---- form_find.c ---- */
/* Ask for a name or KK, list the residents found, the chosen one's NIK
 * fills in. */
void form_find_resident(struct ui *ui, struct form *f);

/* ---- form_draw.c ---- */
void form_draw(struct ui *ui, void *state);
/* The panel under the form: what blocks finalising (after a refused F9),
 * then the warnings; lines and roles hold FORM_PANEL_MAX. */
#define FORM_PANEL_MAX (RECORD_PROBLEM_COUNT + RECORD_WARNING_COUNT + 1)
#define PANEL_TOP 17
int form_panel_lines(const struct form *f, const char **lines, enum ui_role *roles);
/* The rows the panel has for its lines (under its heading). */
int form_panel_room(const struct ui *ui);
/* The reason beside the NIK, in words. */
void form_nik_reason(const struct form *f, char *buf, size_t len, enum ui_role *role);

#endif
