/* summary: the clerk's own figures per kelurahan, as `sigacor report`
 * prints them, read from what this laptop holds (store_report: the list
 * sync brought and the clerk's records).  Opened from the worklist
 * (ACT_SUMMARY); any of Esc, Enter closes it.  Read when opened and when a
 * screen above it closes, so it never shows a stale count for long. */
#include "config.h"
#include "ui_int.h"
#include "store.h"
#include "wilayah.h"

#include <stdlib.h>
#include <string.h>

#define SUMMARY_MAX_ROWS 64

struct summary {
	struct store_report_row rows[SUMMARY_MAX_ROWS + 1];   /* + the total */
	size_t n;
};

static void load(struct ui *ui, struct summary *s)
{
	s->n = ui->store != NULL ? store_report(ui->store, s->rows, SUMMARY_MAX_ROWS) : 0;
	struct store_report_row *t = &s->rows[s->n];
	memset(t, 0, sizeof *t);
	for (size_t i = 0; i < s->n; i++) {
		const struct store_report_row *r = &s->rows[i];
		t->assigned += r->assigned;
		t->assigned_verified += r->assigned_verified;
		t->drafts += r->drafts;
		t->layak += r->layak;
		t->tidak_layak += r->tidak_layak;
		t->not_found += r->not_found;
		t->unsent += r->unsent;
		t->flagged += r->flagged + r->quarantined;
	}
}

static void *summary_open(struct ui *ui, void *arg)
{
	struct summary *s = calloc(1, sizeof *s);
	if (s != NULL)
		load(ui, s);
	return s;
}

/* name 15 columns, then eight figures of 8: 79 columns */
static void draw_row(int y, int cols, enum ui_role role, const char *name,
	const struct store_report_row *r)
{
	ui_put(y, 1, 14, role, name);
	ui_putf(y, 15, cols - 15, role, "%8lld%8lld%8lld%8lld%8lld%8lld%8lld%8lld",
		(long long)r->assigned, (long long)r->assigned_verified, (long long)r->drafts,
		(long long)r->layak, (long long)r->tidak_layak, (long long)r->not_found,
		(long long)r->unsent, (long long)r->flagged);
}

static void summary_draw(struct ui *ui, void *state)
{
	struct summary *s = state;
	ui_title(ui, _("Ringkasan per kelurahan"), ui->operator_name);
	ui_putf(2, 15, ui->cols - 15, ROLE_LABEL, "%8s%8s%8s%8s%8s%8s%8s%8s", _("Sasaran"),
		_("Selesai"), _("Draf"), _("Layak"), _("TdkLyk"), _("TdkAda"), _("Antre"), _("Tanda"));
	int y = 3;
	for (size_t i = 0; i < s->n && y < ui->rows - 4; i++) {
		const struct wilayah_kelurahan *k = wilayah_kelurahan_find(s->rows[i].kelurahan);
		draw_row(y++, ui->cols, ROLE_NORMAL, k != NULL ? k->name : s->rows[i].kelurahan,
			&s->rows[i]);
	}
	if (s->n == 0)
		ui_put(y++, 1, ui->cols - 2, ROLE_DIM, _("Belum ada rekaman atau daftar sasaran di laptop ini."));
	draw_row(++y, ui->cols, ROLE_TITLE, _("Jumlah"), &s->rows[s->n]);
	y += 2;
	ui_put(y++, 1, ui->cols - 2, ROLE_DIM, _("Selesai: sasaran dengan rekaman final. TdkLyk: tidak layak,"));
	ui_put(y++, 1, ui->cols - 2, ROLE_DIM, _("TdkAda: tidak ditemukan. Antre: belum terkirim. Tanda:"));
	ui_put(y, 1, ui->cols - 2, ROLE_DIM, _("ditandai atau dikarantina server."));
	ui->cursor_y = -1;
}

static unsigned summary_key(struct ui *ui, void *state, const struct ui_key *k)
{
	if (k->action == ACT_BACK || k->action == ACT_ENTER || k->action == ACT_SUMMARY)
		return UI_CLOSE;
	return UI_IGNORED;
}

static void summary_resume(struct ui *ui, void *state)
{
	load(ui, state);
}

static void summary_close(struct ui *ui, void *state, int reason)
{
	free(state);
}

static const enum ui_action *summary_hints(struct ui *ui, void *state)
{
	static const enum ui_action list[] = { ACT_BACK, ACT_HELP, ACT_LOCK, ACT_QUIT, ACT_NONE };
	return list;
}

const struct screen_ops screen_summary = {
	.name = "summary",
	.scope = SCOPE_LIST,
	.private_data = true,
	.hints = summary_hints,
	.open = summary_open,
	.draw = summary_draw,
	.key = summary_key,
	.resume = summary_resume,
	.close = summary_close,
};
