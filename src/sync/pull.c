/* sync/pull: the registry extract, the candidates list and the changes
 * feed, page by page.  Each
 * page is committed with the cursor that follows it, so memory holds one
 * page at most and a download cut anywhere resumes at the page after the
 * last one stored.  After each commit a crash point "sync.*"
 * (include/crashpoint.h), before the next: tests/sync/test_sync_kill kills
 * the run there. */
#include "config.h"
#include "sync.h"
#include "sync_int.h"
#include "crashpoint.h"
#include "i18n.h"
#include "snapshot.h"

#include <stdlib.h>
#include <string.h>

/* The operator's kelurahan as one string ("36.71.01.1001,36.71.01.1002"). */
static void scope_text(const struct sync *s, char *buf, size_t len)
{
	size_t o = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < s->session.n_kelurahan && o + 1 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i > 0 ? "," : "",
			s->session.kelurahan[i]);
}

#define KEY_RES_SCOPE "sync.residents.scope"
#define KEY_CAND_SCOPE "sync.candidates.scope"
#define KEY_PROG_SCOPE "sync.progress.scope"

/* The pass begun last was for the operator's present kelurahan (the city
 * may move an operator without touching the registry, so the snapshot
 * alone does not tell). */
static bool same_scope(struct sync *s, const char *key)
{
	char now[PROTO_KELURAHAN_MAX * 16 + 1], then[sizeof now] = "";
	scope_text(s, now, sizeof now);
	store_meta_get(s->store, key, then, sizeof then);
	return strcmp(now, then) == 0;
}

/* Remember the scope a new pass is for (key: KEY_RES_SCOPE, KEY_CAND_SCOPE
 * or KEY_PROG_SCOPE); point: the crash point after it. */
static enum store_status save_scope(struct sync *s, const char *key, const char *point)
{
	char scope[PROTO_KELURAHAN_MAX * 16 + 1];
	scope_text(s, scope, sizeof scope);
	enum store_status st = store_meta_set(s->store, key, scope);
	if (st == STORE_OK)
		crashpoint(point);
	return st;
}

/* ---------------------------------------------------------------- the two lists */

/* The registry and the candidate list download the same way (probe, pages
 * stored with their cursor, one restart when the city re-imports under us,
 * nothing outside the operator's kelurahan); this is what differs. */
enum pull_kind { PULL_RESIDENTS, PULL_CANDIDATES };

struct pull_list {
	const char *path;                 /* "/residents" */
	enum proto_page_kind page_kind;
	enum sync_phase phase;
	enum sync_step probe, page;
	const char *scope_key;
	enum store_status (*state)(struct store *s, struct store_pull_state *out);
	enum store_status (*begin)(struct store *s, const char *snapshot, int64_t total);
	const char *downloading, *changing, *outside;   /* untranslated messages */
	/* the crash points after a new pass is begun, its scope saved, a page
	 * stored (include/crashpoint.h) */
	const char *begun, *scope_saved, *page_stored;
};

static const struct pull_list lists[] = {
	[PULL_RESIDENTS] = { "/residents", PROTO_PAGE_RESIDENTS, SYNC_PULLING_RESIDENTS,
		STEP_RESIDENTS_PROBE, STEP_RESIDENTS_PAGE, KEY_RES_SCOPE,
		store_sync_residents_state, store_sync_residents_begin,
		N_("Mengunduh data penduduk…"),
		N_("Data penduduk di server berubah terus selama diunduh; coba lagi nanti."),
		N_("Server mengirim penduduk di luar kelurahan tugas petugas ini; unduhan "
			"dihentikan dan halaman itu dibuang."),
		"sync.residents_begun", "sync.residents_scope_saved", "sync.residents_page_stored" },
	[PULL_CANDIDATES] = { "/candidates", PROTO_PAGE_CANDIDATES, SYNC_PULLING_CANDIDATES,
		STEP_CANDIDATES_PROBE, STEP_CANDIDATES_PAGE, KEY_CAND_SCOPE,
		store_sync_candidates_state, store_sync_candidates_begin,
		N_("Mengunduh daftar rumah tangga sasaran…"),
		N_("Daftar rumah tangga sasaran di server berubah terus selama diunduh; coba lagi "
			"nanti."),
		N_("Server mengirim rumah tangga sasaran di luar kelurahan tugas petugas ini; "
			"unduhan dihentikan dan halaman itu dibuang."),
		"sync.candidates_begun", "sync.candidates_scope_saved", "sync.candidates_page_stored" },
};

static enum pull_kind kind_of_step(enum sync_step step)
{
	return step == STEP_CANDIDATES_PROBE || step == STEP_CANDIDATES_PAGE
		? PULL_CANDIDATES : PULL_RESIDENTS;
}

/* the engine's pass state and progress counters of one list */
struct pull_view {
	struct store_pull_state *state;
	bool *restarted;
	int64_t *done, *total, *received;
};

static struct pull_view view(struct sync *s, enum pull_kind k)
{
	if (k == PULL_RESIDENTS)
		return (struct pull_view){ &s->pull, &s->pass_restarted, &s->prog.residents_done,
			&s->prog.residents_total, &s->prog.residents_received };
	return (struct pull_view){ &s->cand, &s->cand_restarted, &s->prog.candidates_done,
		&s->prog.candidates_total, &s->prog.candidates_received };
}

/* what?limit=N&cursor=C into path; false when out of memory */
static bool list_path(const char *what, const char *cursor, unsigned limit, char *path,
	size_t cap)
{
	char *esc = NULL;
	if (cursor != NULL && cursor[0] != '\0' && (esc = curl_easy_escape(NULL, cursor, 0)) == NULL)
		return false;
	snprintf(path, cap, "%s?limit=%u%s%s", what, limit, esc != NULL ? "&cursor=" : "",
		esc != NULL ? esc : "");
	curl_free(esc);
	return true;
}

static struct http_xfer *list_request(struct sync *s, const char *what, const char *cursor,
	unsigned limit)
{
	char path[512];
	if (!list_path(what, cursor, limit, path, sizeof path)) {
		sync_stop(s, SYNC_LOCAL, "%s", _("Memori tidak cukup."));
		return NULL;
	}
	return sync_request(s, "GET", path, HTTP_PAGE_MAX);
}

/* The next page of step (the registry's pass, or its changes), asked now
 * while this one is read and stored: the server reads and encodes it on
 * its core while this process works on its own, instead of one waiting for
 * the other a page at a time.  Asked when the answer arrives, with the
 * cursor of its header (PROTO_NEXT_CURSOR_HEADER), else once the page is
 * read; a page whose own next_cursor differs drops it (take_ahead). */
static void fetch_ahead(struct sync *s, enum sync_step step, const char *cursor)
{
	char path[512];
	struct http_xfer *x;
	const char *what = step == STEP_REGISTRY_PAGE ? "/residents/changes" : lists[PULL_RESIDENTS].path;
	if (s->ahead.x == NULL && list_path(what, cursor, s->cfg.page_limit, path, sizeof path)
		&& (x = sync_request(s, "GET", path, HTTP_PAGE_MAX)) != NULL && sync_send_ahead(s, x)) {
		snprintf(s->ahead.page_cursor, sizeof s->ahead.page_cursor, "%s", cursor);
		s->ahead.page_step = step;
	}
}

/* The page asked ahead is this step's when it is for its cursor (and got
 * an answer or is still on its way); any other is dropped. */
static bool take_ahead(struct sync *s)
{
	if (s->ahead.x == NULL)
		return false;
	if (s->ahead.page_step != s->step || s->ahead.page_cursor[0] == '\0'
		|| strcmp(s->ahead.page_cursor, s->page_cursor) != 0
		|| (s->ahead.done && http_classify(s->ahead.x) != HTTP_ANSWERED)) {
		push_ahead_drop(s);
		return false;
	}
	struct http_xfer *x = s->ahead.x;
	bool done = s->ahead.done;
	enum sync_step step = s->ahead.page_step;
	memset(&s->ahead, 0, sizeof s->ahead);
	sync_take_over(s, step, x, done);
	return true;
}

void pull_start(struct sync *s)
{
	struct http_xfer *x;
	const struct pull_list *l = &lists[kind_of_step(s->step)];
	if ((s->step == STEP_RESIDENTS_PAGE || s->step == STEP_REGISTRY_PAGE) && take_ahead(s))
		return;
	push_ahead_drop(s);
	if (s->step == l->probe) {
		x = list_request(s, l->path, NULL, 0);
	} else if (s->step == l->page) {
		x = list_request(s, l->path, s->page_cursor, s->cfg.page_limit);
	} else if (s->step == STEP_REGISTRY_PAGE) {
		x = list_request(s, "/residents/changes", s->page_cursor, s->cfg.page_limit);
	} else if (s->step == STEP_PROGRESS_PAGE) {
		store_sync_progress_cursor(s->store, s->page_cursor, sizeof s->page_cursor);
		x = list_request(s, "/progress", s->page_cursor, s->cfg.page_limit);
	} else {
		store_sync_changes_cursor(s->store, s->page_cursor, sizeof s->page_cursor);
		x = list_request(s, "/verifications/changes", s->page_cursor, s->cfg.page_limit);
	}
	if (x != NULL)
		sync_send(s, x);
}

/* ---------------------------------------------------------------- answers */

static bool decode_page(struct sync *s, const struct http_xfer *x, enum proto_page_kind kind,
	struct proto_page *page)
{
	struct proto_error e;
	memset(&e, 0, sizeof e);
	memset(page, 0, sizeof *page);
	if (x->len == 0 || proto_page_decode(x->body, x->len, kind, page, &e) != PROTO_OK) {
		sync_stop(s, SYNC_SERVER, _("Halaman data dari server rusak; unduhan dihentikan, yang "
			"sudah tersimpan tetap ada. (Rincian: %s)"), sync_proto_detail(&e).text);
		return false;
	}
	/* a page must move on, and fit what we asked for */
	bool probe = s->step == STEP_RESIDENTS_PROBE || s->step == STEP_CANDIDATES_PROBE;
	if (page->count > s->cfg.page_limit || (!probe && page->has_more &&
		(page->next_cursor[0] == '\0' || strcmp(page->next_cursor, s->page_cursor) == 0))) {
		sync_stop(s, SYNC_SERVER, "%s", _("Halaman data dari server tidak masuk akal "
			"(penanda halaman); unduhan dihentikan."));
		return false;
	}
	return true;
}

static bool in_scope(const struct sync *s, const char *kelurahan)
{
	if (s->session.n_kelurahan == 0)
		return true;
	for (size_t i = 0; i < s->session.n_kelurahan; i++)
		if (strcmp(s->session.kelurahan[i], kelurahan) == 0)
			return true;
	return false;
}

static void to_changes_phase(struct sync *s)
{
	s->prog.phase = SYNC_PULLING_CHANGES;
	snprintf(s->prog.message, sizeof s->prog.message, "%s",
		_("Mengambil kabar rekaman dari server…"));
	sync_goto(s, STEP_CHANGES_PAGE);
}

/* The copy pulled last would lose more than half of its residents to this
 * snapshot, in the same kelurahan: an empty or broken import at the city,
 * not a registry to take without asking (doc/SYNC.md).  A moved operator's
 * copy is of other kelurahan, and a copy never pulled (a CSV import) is not
 * the city's, so neither is compared. */
static bool registry_too_small(struct sync *s, const struct proto_page *page)
{
	if (s->cfg.accept_small_registry || page->total < 0 || s->pull.done_snapshot[0] == '\0' ||
		!same_scope(s, KEY_RES_SCOPE))
		return false;
	/* counted only when the count could matter */
	int64_t bound = store_resident_count_bound(s->store);
	if (bound >= 0 && !snapshot_shrink_suspicious(bound, page->total))
		return false;
	s->registry_kept_have = store_resident_count(s->store);
	s->registry_kept_offered = page->total;
	return snapshot_shrink_suspicious(s->registry_kept_have, page->total);
}

static void list_start(struct sync *s, enum pull_kind k);

/* The candidates after the registry, the changes feed after the candidates. */
static void list_after(struct sync *s, enum pull_kind k)
{
	if (k == PULL_RESIDENTS)
		list_start(s, PULL_CANDIDATES);
	else
		to_changes_phase(s);
}

/* A pass an earlier run left in the middle goes on from its cursor; else
 * the server is asked whether the list changed (the probe). */
static void list_start(struct sync *s, enum pull_kind k)
{
	const struct pull_list *l = &lists[k];
	struct pull_view v = view(s, k);
	s->prog.phase = l->phase;
	l->state(s->store, v.state);
	snprintf(s->prog.message, sizeof s->prog.message, "%s", gettext(l->downloading));
	if (v.state->batch > 0 && same_scope(s, l->scope_key)) {
		snprintf(s->page_cursor, sizeof s->page_cursor, "%s", v.state->cursor);
		*v.done = v.state->received;
		*v.total = v.state->total;
		sync_goto(s, l->page);
	} else if (k == PULL_RESIDENTS && v.state->done_snapshot[0] != '\0'
		&& same_scope(s, l->scope_key)
		&& store_sync_registry_cursor(s->store, s->page_cursor, sizeof s->page_cursor)) {
		/* a copy the city sent whole: only what changed since */
		s->registry_first_page = true;
		sync_goto(s, STEP_REGISTRY_PAGE);
	} else {
		sync_goto(s, l->probe);
	}
}

void pull_residents_start(struct sync *s)
{
	if (!s->cfg.pull) {
		sync_goto(s, STEP_FINISH);
		return;
	}
	list_start(s, PULL_RESIDENTS);
	if (s->step == STEP_RESIDENTS_PAGE)
		snprintf(s->prog.message, sizeof s->prog.message, _("Melanjutkan unduhan data "
			"penduduk (%lld sudah tersimpan)…"), (long long)s->pull.received);
	else if (s->step == STEP_REGISTRY_PAGE)
		snprintf(s->prog.message, sizeof s->prog.message, "%s",
			_("Mengambil perubahan data penduduk…"));
	else
		snprintf(s->prog.message, sizeof s->prog.message, "%s",
			_("Memeriksa data penduduk di server…"));
}

/* The probe's answer: the list is current (or, for the registry, too small
 * to take), or a new pass begins. */
static void probe_done(struct sync *s, enum pull_kind k, const struct proto_page *page)
{
	const struct pull_list *l = &lists[k];
	struct pull_view v = view(s, k);
	if (page->snapshot[0] != '\0' && strcmp(page->snapshot, v.state->done_snapshot) == 0 &&
		v.state->batch == 0 && same_scope(s, l->scope_key)) {
		/* the copy is current; from now on only the changes since */
		if (k == PULL_RESIDENTS && page->registry_cursor[0] != '\0'
			&& store_sync_registry_cursor_adopt(s->store, page->registry_cursor) != STORE_OK) {
			sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
			return;
		}
		if (k == PULL_RESIDENTS && page->registry_cursor[0] != '\0')
			crashpoint("sync.registry_cursor_adopted");
		list_after(s, k);
		return;
	}
	if (k == PULL_RESIDENTS && registry_too_small(s, page)) {
		s->registry_kept = true;     /* said loudly when the run ends */
		list_after(s, k);
		return;
	}
	bool begun = l->begin(s->store, page->snapshot, page->total) == STORE_OK;
	if (begun)
		crashpoint(l->begun);
	if (!begun || save_scope(s, l->scope_key, l->scope_saved) != STORE_OK) {
		sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
		return;
	}
	l->state(s->store, v.state);
	s->page_cursor[0] = '\0';
	*v.done = 0;
	*v.total = page->total;
	snprintf(s->prog.message, sizeof s->prog.message, "%s", gettext(l->downloading));
	sync_goto(s, l->page);
}

static const char *item_kelurahan(const struct proto_page *page, size_t i)
{
	return page->kind == PROTO_PAGE_RESIDENTS ? page->residents[i].kelurahan
		: page->candidates[i].kelurahan;
}

/* the page and its cursor, in one transaction */
static enum store_status store_page(struct sync *s, const struct proto_page *page, bool last)
{
	return page->kind == PROTO_PAGE_RESIDENTS
		? store_sync_residents_page(s->store, page->residents, page->count,
			page->next_cursor, last)
		: store_sync_candidates_page(s->store, page->candidates, page->count,
			page->next_cursor, last);
}

static void page_done(struct sync *s, enum pull_kind k, const struct proto_page *page)
{
	const struct pull_list *l = &lists[k];
	struct pull_view v = view(s, k);
	if (v.state->snapshot[0] != '\0' && page->snapshot[0] != '\0' &&
		strcmp(v.state->snapshot, page->snapshot) != 0) {
		/* the city re-imported the list under us: start the pass again */
		if (*v.restarted) {
			sync_stop(s, SYNC_SERVER, "%s", gettext(l->changing));
			return;
		}
		*v.restarted = true;
		sync_goto(s, l->probe);
		return;
	}
	for (size_t i = 0; i < page->count; i++) {
		if (!in_scope(s, item_kelurahan(page, i))) {
			sync_stop(s, SYNC_SERVER, "%s", gettext(l->outside));
			return;
		}
	}
	bool last = !page->has_more;
	if (!last && k == PULL_RESIDENTS)
		fetch_ahead(s, STEP_RESIDENTS_PAGE, page->next_cursor);
	enum store_status st = store_page(s, page, last);
	if (st != STORE_OK) {
		/* rejected: the server sent what no registry holds */
		sync_stop(s, st == STORE_REJECTED ? SYNC_SERVER : SYNC_LOCAL, "%s",
			store_error(s->store));
		return;
	}
	crashpoint(l->page_stored);
	*v.done += (int64_t)page->count;
	*v.received += (int64_t)page->count;
	if (k == PULL_RESIDENTS)
		s->prog.residents_pages++;
	if (page->total >= 0)
		*v.total = page->total;
	/* the copy is the snapshot's whole; a kill before this line leaves no
	 * cursor, and the next probe (the copy current) gives it */
	if (last && k == PULL_RESIDENTS
		&& store_sync_registry_cursor_save(s->store, page->registry_cursor) != STORE_OK) {
		sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
		return;
	}
	if (last && k == PULL_RESIDENTS)
		crashpoint("sync.registry_cursor_saved");
	if (last) {
		list_after(s, k);
		return;
	}
	snprintf(s->page_cursor, sizeof s->page_cursor, "%s", page->next_cursor);
	sync_goto(s, l->page);
}

/* ---------------------------------------------------------------- registry changes */

static bool cursor_gone(const struct http_xfer *x, const struct proto_problem *pb, bool problem);

/* A page of the registry's changes.  The first is checked as a probe is:
 * a registry that would lose more than half of the copy is not taken. */
static void registry_page_done(struct sync *s, const struct proto_page *page)
{
	if (s->registry_first_page && registry_too_small(s, page)) {
		s->registry_kept = true;     /* said loudly when the run ends */
		list_after(s, PULL_RESIDENTS);
		return;
	}
	s->registry_first_page = false;
	struct store_registry_change *items = calloc(page->count > 0 ? page->count : 1, sizeof *items);
	if (items == NULL) {
		sync_stop(s, SYNC_LOCAL, "%s", _("Memori tidak cukup."));
		return;
	}
	for (size_t i = 0; i < page->count; i++) {
		if (!in_scope(s, page->registry[i].resident.kelurahan)) {
			free(items);
			sync_stop(s, SYNC_SERVER, "%s", gettext(lists[PULL_RESIDENTS].outside));
			return;
		}
		items[i].removed = page->registry[i].removed;
		items[i].resident = page->registry[i].resident;
	}
	if (page->has_more)
		fetch_ahead(s, STEP_REGISTRY_PAGE, page->next_cursor);
	enum store_status st = store_sync_registry_page(s->store, items, page->count,
		page->next_cursor, page->snapshot, !page->has_more);
	free(items);
	if (st != STORE_OK) {
		sync_stop(s, st == STORE_REJECTED ? SYNC_SERVER : SYNC_LOCAL, "%s",
			store_error(s->store));
		return;
	}
	crashpoint("sync.registry_changes_stored");
	s->prog.residents_received += (int64_t)page->count;
	s->prog.residents_pages++;
	if (page->has_more) {
		snprintf(s->page_cursor, sizeof s->page_cursor, "%s", page->next_cursor);
		sync_goto(s, STEP_REGISTRY_PAGE);
		return;
	}
	list_after(s, PULL_RESIDENTS);
}

/* The changes feed refused: a server before it (404), or a cursor it no
 * longer serves (pruned, another server): the copy is checked as before,
 * by the probe, and downloaded whole when the city's is newer. */
static bool registry_refused(struct sync *s, const struct http_xfer *x,
	const struct proto_problem *pb, bool problem)
{
	bool older = x->status == 404 && problem && strcmp(pb->code, "not_found") == 0;
	if (!older && !cursor_gone(x, pb, problem))
		return false;
	if (store_sync_registry_cursor_save(s->store, "") != STORE_OK) {
		sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
		return true;
	}
	crashpoint("sync.registry_cursor_cleared");
	sync_goto(s, STEP_RESIDENTS_PROBE);
	return true;
}

static void change_from_proto(struct store_change *out, const struct proto_change *in)
{
	memset(out, 0, sizeof *out);
	snprintf(out->uuid, sizeof out->uuid, "%s", in->id);
	bool flagged = strcmp(in->status, "flagged") == 0 || in->n_flags > 0 ||
		strcmp(in->review, "rejected") == 0 || strcmp(in->review, "revisit") == 0;
	out->state = flagged ? STATE_FLAGGED : STATE_ACCEPTED;
	if (in->message[0] != '\0')
		snprintf(out->message, sizeof out->message, "%s", in->message);
	else
		snprintf(out->message, sizeof out->message, "%s", in->review_note);
	if (in->review_id > 0 && in->review[0] != '\0') {
		out->review_id = in->review_id;
		snprintf(out->review, sizeof out->review, "%s", in->review);
		snprintf(out->review_note, sizeof out->review_note, "%s", in->review_note);
		snprintf(out->reviewer, sizeof out->reviewer, "%s", in->reviewer);
		out->reviewed_at = in->reviewed_at;
	}
	/* the decoder checked the codes (proto_page.c) */
	out->has_record = in->has_record && record_decision_parse(in->decision, &out->decision)
		&& (in->reason[0] == '\0' || record_reason_parse(in->reason, &out->reason));
	if (out->has_record) {
		snprintf(out->nik, sizeof out->nik, "%s", in->nik);
		snprintf(out->kk, sizeof out->kk, "%s", in->kk);
		snprintf(out->kelurahan, sizeof out->kelurahan, "%s", in->kelurahan);
		snprintf(out->supersedes, sizeof out->supersedes, "%s", in->supersedes);
		out->in_registry = in->in_registry;
		out->created_at = in->created_at;
		out->finalised_at = in->finalised_at;
	}
}

static void to_progress_phase(struct sync *s);

static void changes_page_done(struct sync *s, struct proto_page *page)
{
	size_t n = 0;
	for (size_t i = 0; i < page->count; i++)
		if (proto_is_uuid(page->changes[i].id))
			change_from_proto(&s->chg_buf[n++], &page->changes[i]);
	size_t applied = 0;
	if (store_sync_changes_page(s->store, s->chg_buf, n, page->next_cursor, &applied)
		!= STORE_OK) {
		sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
		return;
	}
	crashpoint("sync.changes_page_stored");
	s->prog.changes_applied += (int64_t)applied;
	if (page->has_more) {
		sync_goto(s, STEP_CHANGES_PAGE);
		return;
	}
	to_progress_phase(s);
}

/* ---------------------------------------------------------------- progress */

/* The copy of the kelurahan's progress forgotten, to be read again. */
static enum store_status progress_reset(struct sync *s)
{
	enum store_status st = store_sync_progress_reset(s->store);
	if (st == STORE_OK)
		crashpoint("sync.progress_reset");
	return st;
}

/* The kelurahan's progress after the changes feed, from the last run's
 * cursor.  A copy of other kelurahan (the city moved the operator) is
 * forgotten first and read again from the start. */
static void to_progress_phase(struct sync *s)
{
	if (!same_scope(s, KEY_PROG_SCOPE) && (progress_reset(s) != STORE_OK
		|| save_scope(s, KEY_PROG_SCOPE, "sync.progress_scope_saved") != STORE_OK)) {
		sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
		return;
	}
	snprintf(s->prog.message, sizeof s->prog.message, "%s",
		_("Mengambil kemajuan verifikasi kelurahan…"));
	sync_goto(s, STEP_PROGRESS_PAGE);
}

static void progress_from_proto(struct store_progress_item *out, const struct proto_progress *in)
{
	memset(out, 0, sizeof *out);
	out->seq = in->seq;
	snprintf(out->nik, sizeof out->nik, "%s", in->nik);
	snprintf(out->kelurahan, sizeof out->kelurahan, "%s", in->kelurahan);
	snprintf(out->decision, sizeof out->decision, "%s", in->decision);
	snprintf(out->reason, sizeof out->reason, "%s", in->reason);
	snprintf(out->operator_name, sizeof out->operator_name, "%s", in->operator_name);
	out->verified_at = in->verified_at;
	out->flagged = in->flagged;
	snprintf(out->review, sizeof out->review, "%s", in->review);
}

static void progress_page_done(struct sync *s, const struct proto_page *page)
{
	struct store_progress_item *items = calloc(page->count > 0 ? page->count : 1, sizeof *items);
	if (items == NULL) {
		sync_stop(s, SYNC_LOCAL, "%s", _("Memori tidak cukup."));
		return;
	}
	for (size_t i = 0; i < page->count; i++) {
		if (!in_scope(s, page->progress[i].kelurahan)) {
			free(items);
			sync_stop(s, SYNC_SERVER, "%s", _("Server mengirim kemajuan verifikasi di luar "
				"kelurahan tugas petugas ini; unduhan dihentikan dan halaman itu dibuang."));
			return;
		}
		progress_from_proto(&items[i], &page->progress[i]);
	}
	size_t applied = 0;
	enum store_status st = store_sync_progress_page(s->store, items, page->count,
		page->next_cursor, &applied);
	free(items);
	if (st != STORE_OK) {
		sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
		return;
	}
	crashpoint("sync.progress_page_stored");
	s->prog.progress_received += (int64_t)applied;
	sync_goto(s, page->has_more ? STEP_PROGRESS_PAGE : STEP_FINISH);
}

/* The answer to a progress page that is not a page. */
static void progress_refused(struct sync *s, const struct http_xfer *x,
	const struct proto_problem *pb, bool problem)
{
	if (x->status == 404 && problem && strcmp(pb->code, "not_found") == 0) {
		/* a server from before the shared progress: nothing to read */
		sync_goto(s, STEP_FINISH);
		return;
	}
	if (cursor_gone(x, pb, problem) && !s->progress_restarted) {
		/* a cursor of another server (or a restored one): from the start */
		s->progress_restarted = true;
		if (progress_reset(s) != STORE_OK) {
			sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
			return;
		}
		sync_goto(s, STEP_PROGRESS_PAGE);
		return;
	}
	sync_unexpected(s, x, problem ? pb : NULL);
}

static bool cursor_gone(const struct http_xfer *x, const struct proto_problem *pb, bool problem)
{
	return x->status == 410 || (x->status == 400 && problem &&
		strcmp(pb->code, "bad_cursor") == 0);
}

void pull_done(struct sync *s, struct http_xfer *x)
{
	if (sync_transfer_failed(s, x))
		return;
	if (x->status != 200) {
		struct proto_problem pb;
		bool problem = sync_problem(x, &pb);
		enum pull_kind k = kind_of_step(s->step);
		bool *restarted = view(s, k).restarted;
		if (s->step == lists[k].page && cursor_gone(x, &pb, problem) && !*restarted) {
			/* the list was re-imported since the pass began: start over */
			*restarted = true;
			sync_goto(s, lists[k].probe);
			return;
		}
		if (s->step == STEP_PROGRESS_PAGE) {
			progress_refused(s, x, &pb, problem);
			return;
		}
		if (s->step == STEP_REGISTRY_PAGE && registry_refused(s, x, &pb, problem))
			return;
		if (s->step == STEP_CHANGES_PAGE && cursor_gone(x, &pb, problem) &&
			!s->changes_restarted) {
			/* a cursor of another server: read the feed from its start */
			s->changes_restarted = true;
			if (store_sync_changes_page(s->store, NULL, 0, "", NULL) == STORE_OK)
				crashpoint("sync.changes_reset");
			sync_goto(s, STEP_CHANGES_PAGE);
			return;
		}
		sync_unexpected(s, x, problem ? &pb : NULL);
		return;
	}
	/* the next page asked for now, while this one is read and stored */
	if ((s->step == STEP_RESIDENTS_PAGE || s->step == STEP_REGISTRY_PAGE)
		&& x->next_cursor[0] != '\0')
		fetch_ahead(s, s->step, x->next_cursor);
	enum pull_kind k = kind_of_step(s->step);
	bool list_step = s->step == lists[k].probe || s->step == lists[k].page;
	enum proto_page_kind kind = list_step ? lists[k].page_kind
		: s->step == STEP_PROGRESS_PAGE ? PROTO_PAGE_PROGRESS
		: s->step == STEP_REGISTRY_PAGE ? PROTO_PAGE_REGISTRY : PROTO_PAGE_CHANGES;
	struct proto_page page;
	if (!decode_page(s, x, kind, &page)) {
		proto_page_free(&page);
		return;
	}
	if (kind == PROTO_PAGE_PROGRESS)
		progress_page_done(s, &page);
	else if (kind == PROTO_PAGE_REGISTRY)
		registry_page_done(s, &page);
	else if (!list_step)
		changes_page_done(s, &page);
	else if (s->step == lists[k].probe)
		probe_done(s, k, &page);
	else
		page_done(s, k, &page);
	proto_page_free(&page);
}
