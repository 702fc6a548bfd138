/* worklist: the operator's records with their state, and the households
 * assigned for verification that have no record here: the clerk's own to
 * do ("Sasaran"), those a colleague verified ("Selesai": the outcome and
 * who, from the kelurahan's progress feed) and those the city assigned to
 * another clerk ("Rekan"); searched by NIK or name as the clerk types,
 * filtered by state and RW, with counts and the status line (sync and the
 * kelurahan's progress). */
#include "config.h"
#include "ui_int.h"
#include "store.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct row {
	char uuid[RECORD_UUID_LEN + 1];
	char nik[NIK_LEN + 1];
	char name[RECORD_NAME_MAX];
	char rw[4];
	bool rw_loaded;
	bool in_registry;
	bool candidate;               /* assigned, no record yet: uuid is "" */
	enum candidate_place place;   /* whose: mine, done by anyone, another clerk's */
	char who[64];                 /* who verified it, or whom it is assigned to */
	enum record_outcome outcome;  /* CANDIDATE_DONE_ELSEWHERE: the city's outcome */
	enum record_state state;
	enum decision decision;
	bool photos_waiting;          /* sent before its photos, still queued */
	int64_t updated_at;
	/* the city sent it back and no final correction answers it yet:
	 * REVIEW_OPEN_REVISIT rows come first (the store's order), with the note */
	enum { REVIEW_SETTLED, REVIEW_OPEN_REJECTED, REVIEW_OPEN_REVISIT } review;
	char review_note[RECORD_TEXT_MAX];
};

struct worklist {
	struct ui_field search;
	int state_filter;             /* enum record_state, FILTER_UNVERIFIED or -1 */
	char rw_filter[4];
	struct row *rows;
	size_t count, cap;
	int selected, top;
	int64_t counts[STATE_COUNT];
	int64_t assigned, unverified; /* candidate households; those without a record here */
	int64_t todo;                 /* of those, mine to do */
	struct store_kelurahan_progress kelurahan;   /* the status line's figures */
};

/* The state filter's pseudo-state after the record states: the assigned
 * households without a record. */
#define FILTER_UNVERIFIED STATE_COUNT

static const char *const state_labels[STATE_COUNT] = {
	[STATE_DRAFT] = N_("Draf"),
	[STATE_FINAL] = N_("Final"),
	[STATE_SENDING] = N_("Mengirim"),
	[STATE_ACCEPTED] = N_("Terkirim"),
	[STATE_FLAGGED] = N_("Ditandai"),
	[STATE_QUARANTINED] = N_("Karantina"),
};

const char *ui_state_label(enum record_state s)
{
	return s < STATE_COUNT ? _(state_labels[s]) : "?";
}

const char *ui_decision_label(enum decision d)
{
	switch (d) {
	case DECISION_LAYAK: return _("Layak");
	case DECISION_TIDAK_LAYAK: return _("Tidak layak");
	default: return "";
	}
}

static struct row *new_row(struct worklist *w)
{
	if (w->count == w->cap) {
		size_t cap = w->cap == 0 ? 64 : w->cap * 2;
		struct row *p = realloc(w->rows, cap * sizeof *p);
		if (p == NULL)
			return NULL;
		w->rows = p;
		w->cap = cap;
	}
	struct row *row = &w->rows[w->count++];
	memset(row, 0, sizeof *row);
	return row;
}

static bool collect_candidate(const struct store_candidate_row *c, void *ctx)
{
	struct worklist *w = ctx;
	if (w->state_filter == FILTER_UNVERIFIED && c->place != CANDIDATE_MINE)
		return true;               /* "Sasaran": what is still mine to do */
	struct row *row = new_row(w);
	if (row == NULL)
		return false;
	row->place = c->place;
	row->outcome = record_outcome_of(c->done_decision, c->done_reason);
	snprintf(row->who, sizeof row->who, "%s",
		c->place == CANDIDATE_DONE_ELSEWHERE ? c->done_by : c->assigned_to);
	if (c->revisit && c->place == CANDIDATE_MINE)
		row->review = REVIEW_OPEN_REVISIT;
	snprintf(row->nik, sizeof row->nik, "%s", c->nik);
	snprintf(row->name, sizeof row->name, "%s", c->name);
	snprintf(row->rw, sizeof row->rw, "%s", c->rw);
	row->rw_loaded = true;
	row->in_registry = c->name[0] != '\0';
	row->candidate = true;
	return true;
}

static bool collect(const struct record *r, void *ctx)
{
	struct row *row = new_row(ctx);
	if (row == NULL)
		return false;
	snprintf(row->uuid, sizeof row->uuid, "%s", r->uuid);
	snprintf(row->nik, sizeof row->nik, "%s", r->nik);
	snprintf(row->name, sizeof row->name, "%s", r->name);
	row->in_registry = r->in_registry;
	row->state = r->state;
	row->decision = r->decision;
	row->photos_waiting = r->photos_waiting;
	row->updated_at = r->updated_at;
	if (!r->review_answered && strcmp(r->review, "revisit") == 0)
		row->review = REVIEW_OPEN_REVISIT;
	else if (!r->review_answered && strcmp(r->review, "rejected") == 0)
		row->review = REVIEW_OPEN_REJECTED;
	snprintf(row->review_note, sizeof row->review_note, "%s", r->review_note);
	return true;
}

/* A record the city sent back whose household it reassigned since: the
 * new assignee answers it, so here it is another clerk's, not a to-do. */
static void mark_reassigned(struct ui *ui, struct worklist *w)
{
	for (size_t i = 0; i < w->count; i++) {
		struct row *row = &w->rows[i];
		if (row->candidate || row->review == REVIEW_SETTLED)
			continue;
		char assignee[64];
		store_candidate_assignee(ui->store, row->nik, assignee, sizeof assignee);
		if (assignee[0] != '\0' && strcmp(assignee, store_operator(ui->store)) != 0) {
			row->place = CANDIDATE_NOT_MINE;
			row->review = REVIEW_SETTLED;
			snprintf(row->who, sizeof row->who, "%s", assignee);
		}
	}
}

/* The households the city sent back for a visit that are mine but have no
 * record here (a reassigned one) go first, above my records, in the order
 * they came (the store lists them first among the candidates). */
static void lift_revisits(struct worklist *w, size_t first_candidate)
{
	size_t end = first_candidate;
	while (end < w->count && w->rows[end].review == REVIEW_OPEN_REVISIT)
		end++;
	for (size_t i = first_candidate; i < end; i++) {
		struct row lifted = w->rows[i];
		memmove(&w->rows[i - first_candidate + 1], &w->rows[i - first_candidate],
			first_candidate * sizeof lifted);
		w->rows[i - first_candidate] = lifted;
	}
}

static void reload(struct ui *ui, struct worklist *w)
{
	struct row keep = { .uuid = "" };
	if (w->selected >= 0 && (size_t)w->selected < w->count)
		keep = w->rows[w->selected];
	w->count = 0;
	struct store_filter f = {
		.text = w->search.text[0] != '\0' ? w->search.text : NULL,
		.state = w->state_filter,
		.rw = w->rw_filter[0] != '\0' ? w->rw_filter : NULL,
	};
	if (w->state_filter != FILTER_UNVERIFIED) {
		store_record_list(ui->store, &f, collect, w);
		mark_reassigned(ui, w);
	}
	size_t records = w->count;
	if (w->state_filter < 0 || w->state_filter == FILTER_UNVERIFIED) {
		/* after the records: the assigned households without a record here */
		f.state = STORE_STATE_UNVERIFIED;
		store_candidate_list(ui->store, &f, collect_candidate, w);
		lift_revisits(w, records);
	}
	store_record_counts(ui->store, w->counts);
	store_candidate_counts(ui->store, &w->assigned, &w->unverified);
	w->todo = store_candidate_todo(ui->store);
	store_kelurahan_progress(ui->store, &w->kelurahan);
	w->selected = 0;
	for (size_t i = 0; i < w->count && keep.nik[0] != '\0'; i++)
		if (w->rows[i].candidate == keep.candidate && strcmp(w->rows[i].uuid, keep.uuid) == 0
			&& strcmp(w->rows[i].nik, keep.nik) == 0)
			w->selected = (int)i;
}

static void *worklist_open(struct ui *ui, void *arg)
{
	struct worklist *w = calloc(1, sizeof *w);
	if (w == NULL)
		return NULL;
	ui_field_init(&w->search, FIELD_TEXT, 64);
	w->state_filter = -1;
	reload(ui, w);
	return w;
}

static void row_rw(struct ui *ui, struct row *row)
{
	if (row->rw_loaded)
		return;
	row->rw_loaded = true;
	struct resident res;
	if (row->in_registry && store_resident_get(ui->store, row->nik, &res) == STORE_OK)
		snprintf(row->rw, sizeof row->rw, "%s", res.rw);
}

/* "Semua 5  Draf 2  Final 3 ...  Sasaran 4"; skip_zero leaves out the
 * states nothing is in.  Returns the display width. */
static int counts_line(struct worklist *w, bool skip_zero, char *line, size_t len)
{
	/* all: what the list shows unfiltered, the households still to verify
	 * included ("Semua 0" over nine of them read as a bug) */
	int64_t all = w->unverified;
	for (int s = 0; s < STATE_COUNT; s++)
		all += w->counts[s];
	int used = snprintf(line, len, _("Semua %lld"), (long long)all);
	for (int s = 0; s < STATE_COUNT && used > 0 && (size_t)used < len; s++)
		if (!skip_zero || w->counts[s] > 0)
			used += snprintf(line + used, len - (size_t)used, "  %s %lld",
				_(state_labels[s]), (long long)w->counts[s]);
	if (w->assigned > 0 && used > 0 && (size_t)used < len)
		snprintf(line + used, len - (size_t)used, "  %s %lld", _("Sasaran"),
			(long long)w->todo);
	return ui_text_width(line);
}

static void draw_counts(struct ui *ui, struct worklist *w)
{
	char line[256];
	if (counts_line(w, false, line, sizeof line) > ui->cols - 2)
		counts_line(w, true, line, sizeof line);    /* 80 columns: what is there */
	ui_put(2, 1, ui->cols - 2, ROLE_DIM, line);
}

static const char *outcome_label(enum record_outcome o)
{
	switch (o) {
	case OUTCOME_LAYAK: return _("Layak");
	case OUTCOME_NOT_FOUND: return _("Tidak ditemukan");
	case OUTCOME_TIDAK_LAYAK: return _("Tidak layak");
	default: return "";
	}
}

/* Not mine to do: verified by a colleague (the outcome and who, never
 * more) or assigned to another clerk; a word, not a colour, says which. */
static void draw_not_mine(struct ui *ui, int y, int x, const struct row *row, bool selected)
{
	enum ui_role role = selected ? ROLE_SELECTED : ROLE_DIM;
	char rest[160];
	if (row->place == CANDIDATE_DONE_ELSEWHERE) {
		ui_put(y, x, 9, role, _("Selesai"));
		snprintf(rest, sizeof rest, _("%s, oleh %s"), outcome_label(row->outcome), row->who);
	} else {
		ui_put(y, x, 9, role, _("Rekan"));
		snprintf(rest, sizeof rest, _("tugas %s"), row->who);
	}
	ui_put_marked(y, x + 10, ui->cols - x - 11, role, rest);
}

static void draw_row(struct ui *ui, struct worklist *w, int y, struct row *row, bool selected, int name_w)
{
	enum ui_role role = selected ? ROLE_SELECTED : ROLE_NORMAL;
	if (selected)
		ui_fill(y, 0, ui->cols, role);
	char when[24] = "";
	time_t t = (time_t)row->updated_at;
	struct tm tm;
	if (t > 0 && localtime_r(&t, &tm) != NULL)
		strftime(when, sizeof when, "%d-%m %H:%M", &tm);
	row_rw(ui, row);
	int x = 1;
	ui_put(y, x, 16, role, row->nik);
	x += 17;
	ui_put_marked(y, x, name_w, role, row->name);
	x += name_w + 1;
	ui_put(y, x, 3, role, row->rw[0] != '\0' ? row->rw : "-");
	x += 4;
	if (row->place != CANDIDATE_MINE) {
		draw_not_mine(ui, y, x, row, selected);
		return;
	}
	if (row->candidate && row->review == REVIEW_SETTLED) {
		/* no record yet: "Sasaran" as the filter and the counts say it, in
		 * the status column's width; no decision yet */
		ui_put(y, x, 9, selected ? role : ROLE_LABEL, _("Sasaran"));
		ui_put(y, x + 10, 11, selected ? role : ROLE_DIM, _("belum"));
		return;
	}
	enum ui_role state_role = role;
	if (!selected && (row->state == STATE_FLAGGED || row->state == STATE_QUARANTINED
		|| row->review != REVIEW_SETTLED))
		state_role = ROLE_WARN;
	if (row->review != REVIEW_SETTLED) {
		/* sent back by the city: what to do, then the reviewer's note in
		 * place of the decision and the time */
		ui_put(y, x, 9, state_role, row->review == REVIEW_OPEN_REVISIT
			? _("Kunjungi") : _("Ditolak"));
		ui_put_marked(y, x + 10, ui->cols - x - 11, role, row->review_note[0] != '\0'
			? row->review_note
			: _(record_review_label(row->review == REVIEW_OPEN_REVISIT ? "revisit" : "rejected")));
		return;
	}
	/* the server holds the record, "menunggu foto" until they go */
	ui_put(y, x, 9, state_role, row->photos_waiting ? _("Tnp foto") : ui_state_label(row->state));
	x += 10;
	ui_put(y, x, 11, role, ui_decision_label(row->decision));
	x += 12;
	ui_put(y, x, ui->cols - x, role, when);
}

/* The kelurahan's progress (all clerks, after the last sync) in words when
 * they fit the width, else in short forms. */
static void progress_line(const struct store_kelurahan_progress *k, int width, char *line, size_t len)
{
	snprintf(line, len, _("Kel. %lld/%lld diverifikasi: layak %lld, tdk layak %lld, "
		"tdk ditemukan %lld, ditandai %lld"), (long long)k->verified, (long long)k->assigned,
		(long long)k->layak, (long long)k->tidak_layak, (long long)k->not_found,
		(long long)k->flagged);
	if (ui_text_width(line) > width)
		snprintf(line, len, _("Kel %lld/%lld: L%lld TL%lld TD%lld ditandai %lld"),
			(long long)k->verified, (long long)k->assigned, (long long)k->layak,
			(long long)k->tidak_layak, (long long)k->not_found, (long long)k->flagged);
}

/* The bottom lines: the kelurahan's progress when the city assigned
 * households, then the sync's state (each whole on its own line at 80
 * columns).  Returns the rows they take. */
static int draw_status_lines(struct ui *ui, struct worklist *w)
{
	int y = ui->rows - 1;
	ui_fill(y, 0, ui->cols, ROLE_STATUS);
	ui_putf(y, 1, ui->cols - 2, ROLE_STATUS, _("Sinkronisasi: %s"), ui->sync_status);
	if (w->kelurahan.assigned == 0)
		return 1;
	char line[192];
	progress_line(&w->kelurahan, ui->cols - 2, line, sizeof line);
	ui_fill(y - 1, 0, ui->cols, ROLE_STATUS);
	ui_put(y - 1, 1, ui->cols - 2, ROLE_STATUS, line);
	return 2;
}

static void worklist_draw(struct ui *ui, void *state)
{
	struct worklist *w = state;
	char who[96];
	snprintf(who, sizeof who, _("Petugas: %s"), ui->operator_name);
	ui_title(ui, _("sigacor: daftar verifikasi"), who);

	/* placed by the label's width: translations are longer or shorter */
	int x = 1 + ui_put(1, 1, 24, ROLE_LABEL, _("Cari NIK/nama:")) + 1;
	int cx = ui_field_draw(&w->search, 1, x, 28, true);
	ui_show_cursor(ui, 1, cx);
	char filters[128];
	snprintf(filters, sizeof filters, _("Status: %s  RW: %s"),
		w->state_filter < 0 ? _("semua") : w->state_filter == FILTER_UNVERIFIED ? _("Sasaran")
			: ui_state_label((enum record_state)w->state_filter),
		w->rw_filter[0] != '\0' ? w->rw_filter : _("semua"));
	ui_put(1, x + 30, ui->cols - x - 31, ROLE_NORMAL, filters);
	draw_counts(ui, w);

	int name_w = ui->cols - 80 + 24;
	ui_putf(3, 1, ui->cols - 2, ROLE_LABEL, "%-16s %-*s %-3s %-9s %-11s %s", _("NIK"), name_w,
		_("Nama"), _("RW"), _("Status"), _("Keputusan"), _("Diubah"));
	int first_y = 4, visible = ui->rows - draw_status_lines(ui, w) - first_y;
	ui_list_scroll(&w->top, w->selected, visible);
	for (int i = 0; i < visible && (size_t)(w->top + i) < w->count; i++)
		draw_row(ui, w, first_y + i, &w->rows[w->top + i], w->top + i == w->selected, name_w);
	if (w->count == 0)
		ui_put(first_y + 1, 2, ui->cols - 4, ROLE_DIM, w->search.len > 0
			? _("Tidak ada rekaman yang cocok. NIK lengkap + Enter: mulai verifikasi NIK itu.")
			: w->state_filter >= 0 || w->rw_filter[0] != '\0'
			? _("Tidak ada yang cocok dengan saringan ini (F4: status, F7: RW).")
			: _("Belum ada rekaman. Tekan F3 atau Ctrl-T untuk verifikasi baru."));

}

/* ---- actions ---- */

static struct row *current(struct worklist *w)
{
	if (w->selected < 0 || (size_t)w->selected >= w->count)
		return NULL;
	return &w->rows[w->selected];
}

static bool answer_discard(struct ui *ui, void *ctx, bool yes, const char *const *inputs)
{
	struct worklist *w = ctx;
	struct row *row = current(w);
	if (!yes || row == NULL)
		return true;
	struct record *r = malloc(sizeof *r);
	bool have = r != NULL && store_record_get(ui->store, row->uuid, r) == STORE_OK;
	if (store_record_delete_draft(ui->store, row->uuid) != STORE_OK) {
		ui_message(ui, ROLE_ERROR, _("Draf tidak bisa dibuang: %s"), store_error(ui->store));
	} else {
		/* its photos go too, unless another record names them */
		for (int k = 0; have && k < PHOTO_KIND_COUNT; k++)
			if (r->photos[k].attached)
				store_photo_discard(ui->store, r->photos[k].sha256);
		ui_message(ui, ROLE_OK, "%s", _("Draf dibuang."));
	}
	free(r);
	reload(ui, w);
	return true;
}

static void ask_discard(struct ui *ui, struct worklist *w)
{
	struct row *row = current(w);
	if (row == NULL)
		return;
	if (row->candidate) {
		ui_message(ui, ROLE_ERROR, "%s", _("Rumah tangga sasaran ini belum punya rekaman; "
			"Enter untuk memverifikasinya."));
		return;
	}
	if (row->state != STATE_DRAFT) {
		ui_message(ui, ROLE_ERROR, "%s", _("Hanya draf yang bisa dibuang; rekaman final dikoreksi dengan F6."));
		return;
	}
	char line[256];
	snprintf(line, sizeof line, "%s  %s", row->nik, row->name);
	struct ui_dialog_args d = {
		.title = _("Buang draf"),
		.lines = { _("Draf ini akan dihapus beserta isinya:"), line, NULL },
		.yes_label = _("Buang"),
		.answer = answer_discard,
		.ctx = w,
	};
	ui_dialog(ui, &d);
}

static bool answer_rw(struct ui *ui, void *ctx, bool yes, const char *const *inputs)
{
	struct worklist *w = ctx;
	if (!yes)
		return true;
	const char *rw = inputs[0];
	size_t n = strlen(rw);
	if (n > 3 || strspn(rw, "0123456789") != n) {
		ui_message(ui, ROLE_ERROR, "%s", _("RW ditulis dengan angka, misalnya 3 atau 003."));
		return false;
	}
	if (n == 0)
		w->rw_filter[0] = '\0';
	else
		snprintf(w->rw_filter, sizeof w->rw_filter, "%03ld", strtol(rw, NULL, 10));
	reload(ui, w);
	return true;
}

static bool answer_logout(struct ui *ui, void *ctx, bool yes, const char *const *inputs)
{
	if (yes)
		ui_logout(ui);
	return !yes;     /* after a logout this dialog is already gone */
}

static unsigned open_selected(struct ui *ui, struct worklist *w)
{
	struct row *row = current(w);
	if (row != NULL && row->candidate && row->place == CANDIDATE_DONE_ELSEWHERE) {
		/* a second visit is what the shared progress is there to spare */
		ui_message(ui, ROLE_NORMAL, _("Sudah diverifikasi oleh %s (%s); tidak perlu dikunjungi lagi."),
			row->who, outcome_label(row->outcome));
		return UI_HANDLED;
	}
	if (row != NULL && row->candidate) {
		/* a new verification of that household: the NIK and the registry's
		 * data filled in */
		ui_open_form(ui, NULL, row->nik, false);
		return UI_HANDLED;
	}
	if (row != NULL) {
		ui_open_form(ui, row->uuid, NULL, false);
		return UI_HANDLED;
	}
	char nik[NIK_LEN + 1];
	if (w->search.len > 0 && nik_normalise(w->search.text, nik) && strlen(nik) == NIK_LEN) {
		ui_open_form(ui, NULL, nik, false);
		ui_field_set(&w->search, "");
		return UI_HANDLED;
	}
	ui_message(ui, ROLE_NORMAL, "%s", _("Tidak ada rekaman terpilih. F3 atau Ctrl-T: verifikasi baru."));
	return UI_HANDLED;
}

static unsigned worklist_key(struct ui *ui, void *state, const struct ui_key *k)
{
	struct worklist *w = state;
	int page = ui->rows - 6;
	bool changed = false;
	if (ui_key_is_help_char(k))
		return UI_IGNORED;         /* no NIK or name has a '?' */
	if (k->action != ACT_HOME && k->action != ACT_END && ui_field_key(&w->search, k, &changed)) {
		if (changed)
			reload(ui, w);
		return UI_HANDLED;
	}
	if (ui_list_move(&w->selected, (int)w->count, page, k->action))
		return UI_HANDLED;
	switch (k->action) {
	case ACT_ENTER:
		return open_selected(ui, w);
	case ACT_NEW:
		ui_open_form(ui, NULL, NULL, false);
		return UI_HANDLED;
	case ACT_FILTER_STATE:
		/* the record states, then (when the city assigned households) those
		 * without a record, then all again */
		w->state_filter++;
		if (w->state_filter > FILTER_UNVERIFIED ||
			(w->state_filter == FILTER_UNVERIFIED && w->assigned == 0))
			w->state_filter = -1;
		reload(ui, w);
		return UI_HANDLED;
	case ACT_FILTER_RW: {
		struct ui_dialog_args d = {
			.title = _("Saring menurut RW"),
			.lines = { _("Nomor RW (kosongkan untuk semua RW):"), NULL },
			.yes_label = _("Saring"),
			.ninputs = 1,
			.input_labels = { _("RW") },
			.input_values = { w->rw_filter },
			.input_max = { 3 },
			.answer = answer_rw,
			.ctx = w,
		};
		ui_dialog(ui, &d);
		return UI_HANDLED;
	}
	case ACT_DISCARD:
		ask_discard(ui, w);
		return UI_HANDLED;
	case ACT_SUMMARY:
		ui_push(ui, &screen_summary, NULL);
		return UI_HANDLED;
	case ACT_CORRECT: {
		struct row *row = current(w);
		if (row == NULL || row->candidate || row->state == STATE_DRAFT)
			ui_message(ui, ROLE_ERROR, "%s", _("Koreksi hanya untuk rekaman final; draf bisa langsung diubah."));
		else
			ui_open_form(ui, row->uuid, NULL, true);
		return UI_HANDLED;
	}
	case ACT_SYNC: {
		const struct ui_sync *sync = ui_sync_hook(ui);
		if (sync != NULL && sync->sync_now != NULL) {
			sync->sync_now(sync->ctx);
			/* the bottom line follows it; say so, or F5 seems to do nothing */
			ui_message(ui, ROLE_NORMAL, "%s", _("Sinkronisasi diminta; kemajuannya di baris Sinkronisasi di bawah."));
		} else
			ui_message(ui, ROLE_NORMAL, "%s", _("Sinkronisasi belum tersedia: belum terhubung ke server."));
		return UI_HANDLED;
	}
	case ACT_BACK: {
		if (w->search.len > 0) {
			ui_field_set(&w->search, "");
			reload(ui, w);
			return UI_HANDLED;
		}
		char line[128];
		snprintf(line, sizeof line, _("Keluar dari profil %s dan kembali ke pilihan petugas?"), ui->operator_name);
		struct ui_dialog_args d = {
			.title = _("Ganti petugas"),
			.lines = { line, NULL },
			.yes_label = _("Keluar dari profil"),
			.answer = answer_logout,
		};
		ui_dialog(ui, &d);
		return UI_HANDLED;
	}
	default:
		return UI_IGNORED;
	}
}

static void worklist_resume(struct ui *ui, void *state)
{
	reload(ui, state);
}

static void worklist_close(struct ui *ui, void *state, int reason)
{
	struct worklist *w = state;
	free(w->rows);
	free(w);
}

static const enum ui_action *worklist_hints(struct ui *ui, void *state)
{
	static const enum ui_action list[] = { ACT_HELP, ACT_NEW, ACT_FILTER_STATE,
		ACT_FILTER_RW, ACT_SYNC, ACT_LOCK, ACT_QUIT, ACT_NONE };
	return list;
}

const struct screen_ops screen_worklist = {
	.name = "worklist",
	.scope = SCOPE_LIST,
	.private_data = true,
	.hints = worklist_hints,
	.open = worklist_open,
	.draw = worklist_draw,
	.key = worklist_key,
	.resume = worklist_resume,
	.close = worklist_close,
};
