/* form_place: the kelurahan of a household the registry copy does not know.
 * Without it the record names no kelurahan until a photo gives the house a
 * position (and none at all when the house cannot be found).  The clerk
 * picks it from a list: first the kelurahan of the kecamatan the NIK was
 * issued in (digits 1-6, usually where the person lives), the last row
 * opening the list of Kota Tangerang's kecamatan; a digit picks. */
#include "config.h"
#include "form_int.h"
#include "wilayah.h"

#include <stdio.h>
#include <string.h>

static void show_kecamatan(struct ui *ui, struct form *f);

static void kelurahan_chosen(struct ui *ui, void *ctx, int index)
{
	struct form *f = ctx;
	if (index == f->nplace) {       /* "Kecamatan lain" */
		show_kecamatan(ui, f);
		return;
	}
	if (index < 0 || index > f->nplace)
		return;
	ui_copy(f->kelurahan_chosen, sizeof f->kelurahan_chosen, f->place[index]->code);
	form_changed(ui, f);
	f->focus = F_KELURAHAN;
	form_move_focus(f, 1);
}

/* false (nothing shown) when no kelurahan here has that kecamatan */
static bool show_kelurahan_of(struct ui *ui, struct form *f, const char *kecamatan_code)
{
	const char *items[FORM_PLACE_MAX + 1];
	int selected = 0;
	f->nplace = 0;
	for (size_t i = 0; i < wilayah_kelurahan_count() && f->nplace < FORM_PLACE_MAX; i++) {
		const struct wilayah_kelurahan *k = wilayah_kelurahan_at(i);
		if (strcmp(k->kecamatan_code, kecamatan_code) != 0)
			continue;
		if (strcmp(k->code, f->rec.kelurahan) == 0)
			selected = f->nplace;
		f->place[f->nplace] = k;
		items[f->nplace++] = k->name;
	}
	if (f->nplace == 0)
		return false;
	items[f->nplace] = _("Kecamatan lain…");
	char title[96];
	snprintf(title, sizeof title, _("Kelurahan di Kec. %s"),
		f->nplace > 0 ? f->place[0]->kecamatan_name : "?");
	struct ui_choice_args c = { .title = title, .items = items, .count = f->nplace + 1,
		.selected = selected, .chosen = kelurahan_chosen, .ctx = f };
	return ui_choose(ui, &c);
}

static void kecamatan_chosen(struct ui *ui, void *ctx, int index)
{
	struct form *f = ctx;
	if (index >= 0 && index < f->nplace)
		(void)show_kelurahan_of(ui, f, f->place[index]->kecamatan_code);
}

/* Kota Tangerang's kecamatan, each named by its first kelurahan (the
 * table is ordered by code, so a kecamatan's kelurahan are together). */
static void show_kecamatan(struct ui *ui, struct form *f)
{
	const char *items[FORM_PLACE_MAX];
	f->nplace = 0;
	for (size_t i = 0; i < wilayah_kelurahan_count() && f->nplace < FORM_PLACE_MAX; i++) {
		const struct wilayah_kelurahan *k = wilayah_kelurahan_at(i);
		if (f->nplace > 0 && strcmp(f->place[f->nplace - 1]->kecamatan_code, k->kecamatan_code) == 0)
			continue;
		f->place[f->nplace] = k;
		items[f->nplace++] = k->kecamatan_name;
	}
	struct ui_choice_args c = { .title = _("Kecamatan"), .items = items, .count = f->nplace,
		.selected = 0, .chosen = kecamatan_chosen, .ctx = f };
	ui_choose(ui, &c);
}

void form_ask_kelurahan(struct ui *ui, struct form *f)
{
	const struct wilayah_kelurahan *now = f->rec.kelurahan[0] != '\0'
		? wilayah_kelurahan_find(f->rec.kelurahan) : NULL;
	/* "3671011505..." was issued in 36.71.01 */
	char issued[16];
	snprintf(issued, sizeof issued, "%.2s.%.2s.%.2s", f->rec.nik, f->rec.nik + 2, f->rec.nik + 4);
	const char *kecamatan = now != NULL ? now->kecamatan_code
		: strncmp(issued, WILAYAH_KOTA_TANGERANG ".", 6) == 0 ? issued : NULL;
	/* a kecamatan code that names no kelurahan here: the whole list */
	if (kecamatan == NULL || !show_kelurahan_of(ui, f, kecamatan))
		show_kecamatan(ui, f);
}
