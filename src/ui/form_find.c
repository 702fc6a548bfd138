/* form_find: a resident found without the NIK (a lost KTP, a NIK nobody
 * remembers): the clerk types a name or a KK number, picks from the list,
 * the NIK fills in.  The search is the store's (store_residents_find). */
#include "config.h"
#include "form_int.h"

#include <stdio.h>
#include <string.h>

static void resident_chosen(struct ui *ui, void *ctx, int index)
{
	struct form *f = ctx;
	if (index < 0 || index >= f->nfound)
		return;
	ui_field_set(&f->nik, f->found_niks[index]);
	f->dirty = true;
	form_nik_changed(ui, f);
	form_changed(ui, f);
	f->focus = F_NIK;
	form_move_focus(f, 1);
}

static bool answer_find(struct ui *ui, void *ctx, bool yes, const char *const *inputs)
{
	struct form *f = ctx;
	if (!yes)
		return true;
	struct resident found[FORM_FIND_MAX];
	size_t n = store_residents_find(ui->store, inputs[0], found, FORM_FIND_MAX);
	if (n == 0) {
		ui_message(ui, ROLE_ERROR, _("Tidak ada penduduk dengan nama atau No. KK \"%s\" "
			"di data kependudukan laptop ini."), inputs[0]);
		return false;
	}
	char items[FORM_FIND_MAX][128];
	const char *item_ptrs[FORM_FIND_MAX];
	for (size_t i = 0; i < n; i++) {
		snprintf(items[i], sizeof items[i], "%s  %s  RT %s/RW %s", found[i].nik,
			found[i].name, found[i].rt[0] ? found[i].rt : "-", found[i].rw[0] ? found[i].rw : "-");
		item_ptrs[i] = items[i];
		memcpy(f->found_niks[i], found[i].nik, sizeof f->found_niks[i]);
	}
	f->nfound = (int)n;
	struct ui_choice_args c = {
		.title = _("Pilih penduduk"),
		.items = item_ptrs,
		.count = (int)n,
		.selected = 0,
		.chosen = resident_chosen,
		.ctx = f,
	};
	ui_choose(ui, &c);
	return true;
}

void form_find_resident(struct ui *ui, struct form *f)
{
	struct ui_dialog_args d = {
		.title = _("Cari penduduk tanpa NIK"),
		.lines = { _("Ketik awal nama (huruf besar/kecil dan aksen tidak berpengaruh),"),
			_("misalnya \"siti nur\", atau nomor KK (16 angka atau awalnya)."), NULL },
		.yes_label = _("Cari"),
		.ninputs = 1,
		.input_labels = { _("Nama / No. KK") },
		.input_max = { 120 },
		.answer = answer_find,
		.ctx = f,
	};
	ui_dialog(ui, &d);
}
