/* sync/pull: the registry extract, the candidates list and the changes
 * feed, page by page.  Each
 * page is committed with the cursor that follows it, so memory holds one
 * page at most and a download cut anywhere resumes at the page after the
 * last one stored. */
#include "config.h"
#include "sync.h"
#include "sync_int.h"
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

/* Remember the scope a new pass is for (key: KEY_RES_SCOPE or
 * KEY_CAND_SCOPE). */
static enum store_status save_scope(struct sync *s, const char *key)
{
	char scope[PROTO_KELURAHAN_MAX * 16 + 1];
	scope_text(s, scope, sizeof scope);
	return store_meta_set(s->store, key, scope);
}

void pull_residents_start(struct sync *s)
{
	if (!s->cfg.pull) {
		sync_goto(s, STEP_FINISH);
		return;
	}
	s->prog.phase = SYNC_PULLING_RESIDENTS;
	store_sync_residents_state(s->store, &s->pull);
	if (s->pull.batch > 0 && same_scope(s, KEY_RES_SCOPE)) {
		/* an earlier run stopped in the middle of a pass: go on from there */
		snprintf(s->page_cursor, sizeof s->page_cursor, "%s", s->pull.cursor);
		s->prog.residents_done = s->pull.received;
		s->prog.residents_total = s->pull.total;
		snprintf(s->prog.message, sizeof s->prog.message, _("Melanjutkan unduhan data "
			"penduduk (%lld sudah tersimpan)…"), (long long)s->pull.received);
		sync_goto(s, STEP_RESIDENTS_PAGE);
	} else {
		snprintf(s->prog.message, sizeof s->prog.message, "%s",
			_("Memeriksa data penduduk di server…"));
		sync_goto(s, STEP_RESIDENTS_PROBE);
	}
}

static struct http_xfer *list_request(struct sync *s, const char *what, const char *cursor,
	unsigned limit)
{
	char path[512];
	char *esc = NULL;
	if (cursor != NULL && cursor[0] != '\0') {
		esc = curl_easy_escape(NULL, cursor, 0);
		if (esc == NULL) {
			sync_stop(s, SYNC_LOCAL, "%s", _("Memori tidak cukup."));
			return NULL;
		}
	}
	snprintf(path, sizeof path, "%s?limit=%u%s%s", what, limit, esc != NULL ? "&cursor=" : "",
		esc != NULL ? esc : "");
	curl_free(esc);
	return sync_request(s, "GET", path, HTTP_PAGE_MAX);
}

void pull_start(struct sync *s)
{
	struct http_xfer *x;
	if (s->step == STEP_RESIDENTS_PROBE) {
		x = list_request(s, "/residents", NULL, 0);
	} else if (s->step == STEP_RESIDENTS_PAGE) {
		x = list_request(s, "/residents", s->page_cursor, s->cfg.page_limit);
	} else if (s->step == STEP_CANDIDATES_PROBE) {
		x = list_request(s, "/candidates", NULL, 0);
	} else if (s->step == STEP_CANDIDATES_PAGE) {
		x = list_request(s, "/candidates", s->page_cursor, s->cfg.page_limit);
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

/* After the registry: the households assigned for verification, resumed
 * where an earlier run stopped, else asked whether they changed. */
static void candidates_start(struct sync *s)
{
	s->prog.phase = SYNC_PULLING_CANDIDATES;
	store_sync_candidates_state(s->store, &s->cand);
	if (s->cand.batch > 0 && same_scope(s, KEY_CAND_SCOPE)) {
		snprintf(s->page_cursor, sizeof s->page_cursor, "%s", s->cand.cursor);
		s->prog.candidates_done = s->cand.received;
		s->prog.candidates_total = s->cand.total;
		sync_goto(s, STEP_CANDIDATES_PAGE);
	} else {
		sync_goto(s, STEP_CANDIDATES_PROBE);
	}
	snprintf(s->prog.message, sizeof s->prog.message, "%s",
		_("Mengunduh daftar rumah tangga sasaran…"));
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
	s->registry_kept_have = store_resident_count(s->store);
	s->registry_kept_offered = page->total;
	return snapshot_shrink_suspicious(s->registry_kept_have, page->total);
}

static void probe_done(struct sync *s, struct proto_page *page)
{
	if (page->snapshot[0] != '\0' && strcmp(page->snapshot, s->pull.done_snapshot) == 0 &&
		s->pull.batch == 0 && same_scope(s, KEY_RES_SCOPE)) {
		candidates_start(s);         /* the copy is current */
		return;
	}
	if (registry_too_small(s, page)) {
		s->registry_kept = true;     /* said loudly when the run ends */
		candidates_start(s);
		return;
	}
	if (store_sync_residents_begin(s->store, page->snapshot, page->total) != STORE_OK ||
		save_scope(s, KEY_RES_SCOPE) != STORE_OK) {
		sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
		return;
	}
	store_sync_residents_state(s->store, &s->pull);
	s->page_cursor[0] = '\0';
	s->prog.residents_done = 0;
	s->prog.residents_total = page->total;
	snprintf(s->prog.message, sizeof s->prog.message, "%s", _("Mengunduh data penduduk…"));
	sync_goto(s, STEP_RESIDENTS_PAGE);
}

static void residents_page_done(struct sync *s, struct proto_page *page)
{
	if (s->pull.snapshot[0] != '\0' && page->snapshot[0] != '\0' &&
		strcmp(s->pull.snapshot, page->snapshot) != 0) {
		/* the city re-imported the registry under us: start the pass again */
		if (s->pass_restarted) {
			sync_stop(s, SYNC_SERVER, "%s", _("Data penduduk di server berubah terus "
				"selama diunduh; coba lagi nanti."));
			return;
		}
		s->pass_restarted = true;
		sync_goto(s, STEP_RESIDENTS_PROBE);
		return;
	}
	for (size_t i = 0; i < page->count; i++) {
		if (!in_scope(s, page->residents[i].kelurahan)) {
			sync_stop(s, SYNC_SERVER, "%s", _("Server mengirim penduduk di luar kelurahan "
				"tugas petugas ini; unduhan dihentikan dan halaman itu dibuang."));
			return;
		}
	}
	bool last = !page->has_more;
	enum store_status st = store_sync_residents_page(s->store, page->residents, page->count,
		page->next_cursor, last);
	if (st != STORE_OK) {
		/* rejected: the server sent what no registry holds */
		sync_stop(s, st == STORE_REJECTED ? SYNC_SERVER : SYNC_LOCAL, "%s",
			store_error(s->store));
		return;
	}
	s->prog.residents_done += (int64_t)page->count;
	s->prog.residents_received += (int64_t)page->count;
	s->prog.residents_pages++;
	if (page->total >= 0)
		s->prog.residents_total = page->total;
	if (last) {
		candidates_start(s);
		return;
	}
	snprintf(s->page_cursor, sizeof s->page_cursor, "%s", page->next_cursor);
	sync_goto(s, STEP_RESIDENTS_PAGE);
}

static void candidates_probe_done(struct sync *s, struct proto_page *page)
{
	if (page->snapshot[0] != '\0' && strcmp(page->snapshot, s->cand.done_snapshot) == 0 &&
		s->cand.batch == 0 && same_scope(s, KEY_CAND_SCOPE)) {
		to_changes_phase(s);         /* the list is current */
		return;
	}
	if (store_sync_candidates_begin(s->store, page->snapshot, page->total) != STORE_OK ||
		save_scope(s, KEY_CAND_SCOPE) != STORE_OK) {
		sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
		return;
	}
	store_sync_candidates_state(s->store, &s->cand);
	s->page_cursor[0] = '\0';
	s->prog.candidates_done = 0;
	s->prog.candidates_total = page->total;
	sync_goto(s, STEP_CANDIDATES_PAGE);
}

static void candidates_page_done(struct sync *s, struct proto_page *page)
{
	if (s->cand.snapshot[0] != '\0' && page->snapshot[0] != '\0' &&
		strcmp(s->cand.snapshot, page->snapshot) != 0) {
		/* the city replaced the list under us: start the pass again */
		if (s->cand_restarted) {
			sync_stop(s, SYNC_SERVER, "%s", _("Daftar rumah tangga sasaran di server "
				"berubah terus selama diunduh; coba lagi nanti."));
			return;
		}
		s->cand_restarted = true;
		sync_goto(s, STEP_CANDIDATES_PROBE);
		return;
	}
	for (size_t i = 0; i < page->count; i++) {
		const struct proto_candidate *in = &page->candidates[i];
		if (!in_scope(s, in->kelurahan)) {
			sync_stop(s, SYNC_SERVER, "%s", _("Server mengirim rumah tangga sasaran di luar "
				"kelurahan tugas petugas ini; unduhan dihentikan dan halaman itu dibuang."));
			return;
		}
		struct candidate *c = &s->cand_buf[i];
		memset(c, 0, sizeof *c);
		snprintf(c->nik, sizeof c->nik, "%s", in->nik);
		snprintf(c->kk, sizeof c->kk, "%s", in->kk);
		snprintf(c->kelurahan, sizeof c->kelurahan, "%s", in->kelurahan);
		snprintf(c->program, sizeof c->program, "%s", in->program);
	}
	bool last = !page->has_more;
	enum store_status st = store_sync_candidates_page(s->store, s->cand_buf, page->count,
		page->next_cursor, last);
	if (st != STORE_OK) {
		sync_stop(s, st == STORE_REJECTED ? SYNC_SERVER : SYNC_LOCAL, "%s",
			store_error(s->store));
		return;
	}
	s->prog.candidates_done += (int64_t)page->count;
	s->prog.candidates_received += (int64_t)page->count;
	if (page->total >= 0)
		s->prog.candidates_total = page->total;
	if (last) {
		to_changes_phase(s);
		return;
	}
	snprintf(s->page_cursor, sizeof s->page_cursor, "%s", page->next_cursor);
	sync_goto(s, STEP_CANDIDATES_PAGE);
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
}

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
	s->prog.changes_applied += (int64_t)applied;
	if (page->has_more) {
		sync_goto(s, STEP_CHANGES_PAGE);
		return;
	}
	sync_goto(s, STEP_FINISH);
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
		if (s->step == STEP_RESIDENTS_PAGE && cursor_gone(x, &pb, problem) &&
			!s->pass_restarted) {
			/* the registry was re-imported since the pass began: start over */
			s->pass_restarted = true;
			sync_goto(s, STEP_RESIDENTS_PROBE);
			return;
		}
		if (s->step == STEP_CANDIDATES_PAGE && cursor_gone(x, &pb, problem) &&
			!s->cand_restarted) {
			/* the list was replaced since the pass began: start over */
			s->cand_restarted = true;
			sync_goto(s, STEP_CANDIDATES_PROBE);
			return;
		}
		if (s->step == STEP_CHANGES_PAGE && cursor_gone(x, &pb, problem) &&
			!s->changes_restarted) {
			/* a cursor of another server: read the feed from its start */
			s->changes_restarted = true;
			store_sync_changes_page(s->store, NULL, 0, "", NULL);
			sync_goto(s, STEP_CHANGES_PAGE);
			return;
		}
		sync_unexpected(s, x, problem ? &pb : NULL);
		return;
	}
	enum proto_page_kind kind = s->step == STEP_CHANGES_PAGE ? PROTO_PAGE_CHANGES :
		s->step == STEP_CANDIDATES_PROBE || s->step == STEP_CANDIDATES_PAGE ?
		PROTO_PAGE_CANDIDATES : PROTO_PAGE_RESIDENTS;
	struct proto_page page;
	if (!decode_page(s, x, kind, &page)) {
		proto_page_free(&page);
		return;
	}
	if (s->step == STEP_RESIDENTS_PROBE)
		probe_done(s, &page);
	else if (s->step == STEP_RESIDENTS_PAGE)
		residents_page_done(s, &page);
	else if (s->step == STEP_CANDIDATES_PROBE)
		candidates_probe_done(s, &page);
	else if (s->step == STEP_CANDIDATES_PAGE)
		candidates_page_done(s, &page);
	else
		changes_page_done(s, &page);
	proto_page_free(&page);
}
