/* api: the endpoints of doc/PROTOCOL.md, as functions from a request to a
 * struct reply.  Nothing here knows libmicrohttpd (serve.c does).  This
 * file: the replies, the records and the photos; api_session.c: login,
 * tokens, logout; api_list.c: the paged lists. */
#include "config.h"
#include "server.h"
#include "sdb.h"

#include <pthread.h>
#include <semaphore.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static struct api_config config;

void api_configure(const struct api_config *cfg) { config = *cfg; }

const struct api_config *api_config(void) { return &config; }

/* ---------------------------------------------------------------- replies */

static const struct {
	const char *code;
	int status;
	bool retryable;
	const char *title, *detail;
} problems[] = {
#define PROBLEM_ROW(e, code, status, retry, title, detail) { code, status, retry, title, detail },
	PROBLEMS(PROBLEM_ROW)
#undef PROBLEM_ROW
};

static void reply_problem_full(struct reply *out, const struct proto_problem *pr)
{
	memset(out, 0, sizeof *out);
	out->status = pr->status;
	out->problem = true;
	out->body = proto_problem_encode(pr);
	out->len = out->body != NULL ? strlen(out->body) : 0;
	if (pr->status == 429 || pr->status == 503)
		out->retry_after = 5;
}

static void problem_init(struct proto_problem *pr, enum problem p, const char *detail)
{
	memset(pr, 0, sizeof *pr);
	snprintf(pr->code, sizeof pr->code, "%s", problems[p].code);
	snprintf(pr->title, sizeof pr->title, "%s", _(problems[p].title));
	snprintf(pr->detail, sizeof pr->detail, "%s", detail != NULL ? detail : _(problems[p].detail));
	pr->status = problems[p].status;
	pr->retryable = problems[p].retryable;
}

void reply_problem(struct reply *out, enum problem p, const char *detail)
{
	struct proto_problem pr;
	problem_init(&pr, p, detail);
	reply_problem_full(out, &pr);
}

void reply_json(struct reply *out, int status, char *body)
{
	memset(out, 0, sizeof *out);
	if (body == NULL) {
		reply_problem(out, PROBLEM_INTERNAL, NULL);
		return;
	}
	out->status = status;
	out->body = body;
	out->len = strlen(body);
}

void reply_decode_error(struct reply *out, enum proto_status st, const struct proto_error *e)
{
	if (st == PROTO_ERR_JSON) {
		reply_problem(out, PROBLEM_MALFORMED_JSON, NULL);
		return;
	}
	if (st != PROTO_ERR_SHAPE) {
		reply_problem(out, PROBLEM_INTERNAL, NULL);
		return;
	}
	struct proto_problem pr;
	problem_init(&pr, PROBLEM_INVALID_FIELD, NULL);
	snprintf(pr.field, sizeof pr.field, "%s", e->field);
	/* the reason is English and technical; the clerk reads the field name */
	snprintf(pr.detail, sizeof pr.detail, "%s: %s (%s)", _(problems[PROBLEM_INVALID_FIELD].detail),
		e->field, e->reason);
	reply_problem_full(out, &pr);
}

/* a failed read (the caller ends its read transaction) */
void reply_db_error(struct reply *out, sdb *db)
{
	int code = db != NULL ? sdb_errcode(db) : SDB_ERROR;
	reply_problem(out, code == SDB_BUSY || code == SDB_LOCKED || db == NULL
		? PROBLEM_BUSY : PROBLEM_INTERNAL, NULL);
}

/* a write that was not committed: 503 only when another process held the
 * database past the busy timeout; the server's own writers queue instead */
void reply_write_error(struct reply *out, enum db_write_result wr)
{
	reply_problem(out, wr == DB_WRITE_BUSY ? PROBLEM_BUSY : PROBLEM_INTERNAL, NULL);
}

/* ---------------------------------------------------------------- records */

static bool in_scope(const struct session *s, const char *kelurahan)
{
	for (size_t i = 0; i < s->n_kelurahan; i++)
		if (strcmp(s->kelurahan[i], kelurahan) == 0)
			return true;
	return false;
}


/* The question for an earlier record with this id, sent (sdb_send: on
 * PostgreSQL it travels with the record's checks); NULL on failure. */
static sdb_stmt *replay_ask(sdb *db, const char *id)
{
	sdb_stmt *st;
	if (sdb_prepare(db, "SELECT operator_id, body_sha256, first_status, first_response "
		"FROM verifications WHERE id = ?", -1, &st, NULL) != SDB_OK)
		return NULL;
	sdb_bind_text(st, 1, id, -1, SDB_STATIC);
	sdb_send(st);
	return st;
}

/* replay_ask's answer: an earlier record with this id gives its first
 * answer when the content and the operator are the same, id_conflict
 * otherwise.  false when none; st finalised. */
static bool replay_read(sdb_stmt *st, long long operator_id, const char *sha,
	struct reply *out, bool *failed)
{
	*failed = st == NULL;
	int rc = st != NULL ? sdb_step(st) : SDB_ERROR;
	if (rc != SDB_ROW) {
		*failed = rc != SDB_DONE;
		sdb_finalize(st);
		return false;
	}
	bool same = sdb_column_int64(st, 0) == operator_id
		&& strcmp((const char *)sdb_column_text(st, 1), sha) == 0;
	if (same)
		reply_json(out, sdb_column_int(st, 2),
			strdup((const char *)sdb_column_text(st, 3)));
	else
		reply_problem(out, PROBLEM_ID_CONFLICT, NULL);
	sdb_finalize(st);
	return true;
}

static bool check_rules(const struct record *r, struct reply *out)
{
	unsigned bad = record_check_final(r, (time_t)util_now());
	if (bad == 0)
		return true;
	struct proto_problem pr;
	problem_init(&pr, PROBLEM_VALIDATION, NULL);
	size_t len = strlen(pr.detail);
	for (int p = 0; p < RECORD_PROBLEM_COUNT && pr.n_errors < PROTO_PROBLEM_LIST_MAX; p++) {
		if (!(bad & (1u << p)))
			continue;
		snprintf(pr.errors[pr.n_errors++], sizeof pr.errors[0], "%s",
			record_problem_code((enum record_problem)p));
		int n = snprintf(pr.detail + len, sizeof pr.detail - len, " %s.",
			_(record_problem_message((enum record_problem)p)));
		if (n > 0 && (size_t)n < sizeof pr.detail - len)
			len += (size_t)n;
	}
	reply_problem_full(out, &pr);
	return false;
}

/* Every photo the record names is stored, or (photos_later) may follow:
 * *waiting gets the kinds not stored yet.  A stored photo of another size
 * than the record says is refused either way. */
static bool check_blobs(const struct record *r, bool photos_later, unsigned *waiting,
	struct reply *out)
{
	struct proto_problem pr;
	problem_init(&pr, PROBLEM_MISSING_BLOBS, NULL);
	int position = 0, wrong_size = -1;
	*waiting = 0;
	for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
		long long size = -1;
		if (!r->photos[k].attached)
			continue;
		if (!blob_exists(config.dir, r->photos[k].sha256, &size)) {
			*waiting |= 1u << k;
			snprintf(pr.missing_blobs[pr.n_missing++], sizeof pr.missing_blobs[0], "%s",
				r->photos[k].sha256);
		} else if (size != r->photos[k].size && wrong_size < 0)
			wrong_size = position;
		position++;
	}
	if (wrong_size >= 0) {
		/* the record must describe the photo the server holds (issue 8) */
		problem_init(&pr, PROBLEM_INVALID_FIELD,
			_("Ukuran foto di rekaman tidak sama dengan foto yang diunggah."));
		snprintf(pr.field, sizeof pr.field, "photos[%d].size", wrong_size);
		reply_problem_full(out, &pr);
		return false;
	}
	if (pr.n_missing == 0 || photos_later)
		return true;
	snprintf(pr.detail, sizeof pr.detail, _("Server belum menerima %zu foto dari rekaman ini."),
		pr.n_missing);
	reply_problem_full(out, &pr);
	return false;
}

struct record_write {
	const struct record *r;
	const struct session *s;
	const char *canonical, *sha;
	bool photos_later;          /* the client sends the photos after the record */
	struct reply *out;
	/* sent by ask_record in an asked batch, not yet read */
	bool asked;
	sdb_stmt *replay;
	struct ledger_checks checks;
};

/* Why the record may not supersede the one it names (untranslated), or
 * NULL: only an existing, not yet corrected record of the same NIK, the
 * sender's own or one the city sent back (review rejected or revisit) in
 * the sender's kelurahan.  Anything else would let one operator rewrite
 * another's work (issue 8). */
static const char *supersedes_problem(sdb *db, const struct session *s,
	const struct record *r, bool *failed)
{
	sdb_stmt *st;
	*failed = false;
	if (r->supersedes[0] == '\0')
		return NULL;
	if (sdb_prepare(db, "SELECT nik, operator_id, kelurahan, review, superseded_by "
		"FROM verifications WHERE id = ?", -1, &st, NULL) != SDB_OK) {
		*failed = true;
		return NULL;
	}
	sdb_bind_text(st, 1, r->supersedes, -1, SDB_STATIC);
	int rc = sdb_step(st);
	const char *why = NULL;
	if (rc == SDB_DONE)
		why = N_("Rekaman yang dikoreksi (supersedes) tidak ada di server.");
	else if (rc != SDB_ROW)
		*failed = true;
	else if (strcmp((const char *)sdb_column_text(st, 0), r->nik) != 0)
		why = N_("Koreksi harus untuk NIK yang sama dengan rekaman yang dikoreksi.");
	else if (sdb_column_int64(st, 1) != s->operator_id
		&& !(in_scope(s, (const char *)sdb_column_text(st, 2))
			&& (strcmp((const char *)sdb_column_text(st, 3), "rejected") == 0
				|| strcmp((const char *)sdb_column_text(st, 3), "revisit") == 0)))
		why = N_("Hanya rekaman sendiri, atau rekaman di wilayah tugas yang dikembalikan kota "
			"(ditolak atau kunjungi ulang), yang boleh dikoreksi.");
	else if (sdb_column_type(st, 4) != SDB_NULL)
		why = N_("Rekaman itu sudah dikoreksi oleh rekaman lain; koreksi yang terbaru.");
	sdb_finalize(st);
	return why;
}

/* Why the review the correction says it answers is not one it can answer
 * (untranslated), or NULL: a review of the record it corrects that sent it
 * back (rejected or revisit). */
static const char *answer_problem(sdb *db, const struct record *r, bool *failed)
{
	sdb_stmt *st;
	*failed = false;
	if (r->answers_review <= 0)
		return NULL;
	if (sdb_prepare(db, "SELECT verification_id, outcome FROM review_log WHERE id = ?",
		-1, &st, NULL) != SDB_OK) {
		*failed = true;
		return NULL;
	}
	sdb_bind_int64(st, 1, r->answers_review);
	int rc = sdb_step(st);
	const char *why = NULL;
	if (rc == SDB_DONE || (rc == SDB_ROW
		&& strcmp((const char *)sdb_column_text(st, 0), r->supersedes) != 0))
		why = N_("Pemeriksaan yang dijawab (answers_review) bukan pemeriksaan rekaman yang dikoreksi.");
	else if (rc != SDB_ROW)
		*failed = true;
	else if (strcmp((const char *)sdb_column_text(st, 1), "confirmed") == 0)
		why = N_("Pemeriksaan itu menerima rekamannya; tidak ada yang perlu dijawab.");
	sdb_finalize(st);
	return why;
}

static bool check_supersedes(sdb *db, const struct record_write *w)
{
	bool failed;
	const char *field = "supersedes";
	const char *why = supersedes_problem(db, w->s, w->r, &failed);
	if (why == NULL && !failed) {
		why = answer_problem(db, w->r, &failed);
		field = "answers_review";
	}
	if (failed)
		reply_db_error(w->out, db);
	if (why == NULL)
		return !failed;
	struct proto_problem pr;
	problem_init(&pr, PROBLEM_INVALID_FIELD, _(why));
	snprintf(pr.field, sizeof pr.field, "%s", field);
	reply_problem_full(w->out, &pr);
	return false;
}

/* db_write_asked's ask: a new record's reads (its checks, the replay
 * check) sent before the batch's writes */
static void ask_record(sdb *db, void *ctx)
{
	struct record_write *w = ctx;
	ledger_checks_send(db, w->r, &w->checks);
	w->replay = replay_ask(db, w->r->uuid);
	w->asked = true;
}

/* The reads ask_record sent, unless an earlier record of the batch named
 * what they look up (then they are dropped, and *asked false: they are
 * sent again, behind that record's writes). */
static sdb_stmt *take_asked(struct record_write *w, struct ledger_checks *checks)
{
	sdb_stmt *st = w->replay;
	*checks = w->checks;
	w->replay = NULL;
	memset(&w->checks, 0, sizeof w->checks);
	w->asked = false;
	if (!ledger_batch_named(w->r))
		return st;
	ledger_checks_drop(checks);
	sdb_finalize(st);
	return NULL;
}

/* inside db_write: the replay check and the insert see the same data.
 * Run again when its asked batch failed (db_write_asked): each run starts
 * from an empty reply. */
static bool store_record(sdb *db, void *ctx)
{
	struct record_write *w = ctx;
	bool in_batch = w->asked;       /* settled with its batch */
	free(w->out->body);
	memset(w->out, 0, sizeof *w->out);
	struct ledger_checks checks = { 0 };
	sdb_stmt *asked = in_batch ? take_asked(w, &checks) : NULL;
	bool failed;
	/* a new record's checks go ahead of the replay check: one round trip
	 * for both on PostgreSQL (a correction's come after it supersedes) */
	if (!checks.sent && w->r->supersedes[0] == '\0')
		ledger_checks_send(db, w->r, &checks);
	if (replay_read(asked != NULL ? asked : replay_ask(db, w->r->uuid), w->s->operator_id,
		w->sha, w->out, &failed) || failed) {
		ledger_checks_drop(&checks);
		if (failed)
			reply_db_error(w->out, db);
		return false;
	}
	unsigned waiting;
	if (!check_supersedes(db, w) || !check_rules(w->r, w->out)
		|| !check_blobs(w->r, w->photos_later, &waiting, w->out)) {
		ledger_checks_drop(&checks);
		return false;
	}
	struct proto_verification_result res;
	if (!ledger_store(db, w->r, &checks, w->s->operator_id, w->s->device, w->canonical,
		w->sha, util_now(), waiting, &res)
		/* its rows are in before it says "stored" (in a batch: the COMMIT
		 * is read before anyone is answered) */
		|| (!in_batch && sdb_settle(db) != SDB_OK)) {
		reply_db_error(w->out, db);
		return false;
	}
	reply_json(w->out, 201, proto_verification_result_encode(&res));
	return true;
}

void api_verification_put(const struct session *s, const char *id, const char *body, size_t len,
	bool photos_later, struct reply *out)
{
	struct record *r = calloc(1, sizeof *r);
	struct proto_error err;
	if (r == NULL) {
		reply_problem(out, PROBLEM_INTERNAL, NULL);
		return;
	}
	enum proto_status pst = proto_record_decode(body, len, r, &err);
	char *canonical = NULL;
	if (pst != PROTO_OK) {
		reply_decode_error(out, pst, &err);
		goto done;
	}
	if (strcmp(r->uuid, id) != 0) {
		reply_problem(out, PROBLEM_ID_MISMATCH, NULL);
		goto done;
	}
	if (!in_scope(s, r->kelurahan)) {
		reply_problem(out, PROBLEM_OUT_OF_SCOPE, NULL);
		goto done;
	}
	/* the token says who sent it, whatever the body claims */
	snprintf(r->operator_name, sizeof r->operator_name, "%s", s->operator_name);
	canonical = proto_record_encode(r);
	if (canonical == NULL) {
		reply_problem(out, PROBLEM_INTERNAL, NULL);
		goto done;
	}
	unsigned char digest[crypto_hash_sha256_BYTES];
	char sha[PROTO_SHA256_LEN + 1];
	crypto_hash_sha256(digest, (const unsigned char *)canonical, strlen(canonical));
	util_hex(digest, sizeof digest, sha);
	struct record_write w = { r, s, canonical, sha, photos_later, out, false, NULL, { 0 } };
	memset(out, 0, sizeof *out);
	/* a correction supersedes before its checks: not asked ahead */
	enum db_write_result wr = r->supersedes[0] == '\0'
		? db_write_asked(ask_record, store_record, &w) : db_write(store_record, &w);
	if (wr != DB_WRITE_OK) {
		free(out->body);
		reply_write_error(out, wr);
	}
done:
	free(canonical);
	free(r);
}

/* ---------------------------------------------------------------- blobs */

bool api_blob_have(const char *sha256, long long *size)
{
	return blob_exists(config.dir, sha256, size);
}

/* inside db_write: the records waiting for this photo no longer wait for
 * it; a record whose last waiting photo this was is complete (the rows are
 * the state: gone in this transaction, or not at all). */
struct blob_arrival {
	const char *sha256;
	long long size;
	bool told;                      /* the write was made (a refused one is undone) */
};

static bool mark_arrived(sdb *db, void *ctx)
{
	struct blob_arrival *a = ctx;
	a->told = ledger_photo_arrived(db, a->sha256, a->size);
	return a->told;
}

bool api_blob_arrived(const char *sha256, long long size)
{
	sdb_stmt *st;
	struct blob_arrival a = { sha256, size, false };
	/* PostgreSQL: the DELETE goes to the second writer, beside the one,
	 * not queued behind it (three photos a record made three quarters of
	 * the writer's turns, each two round trips under its lock), and is
	 * committed with the photos that came meanwhile (it was a commit, a
	 * WAL fsync, for each photo).  It touches only this photo's rows,
	 * raises no flag and numbers no feed, so it needs none of the
	 * writer's order; a waiting row in a batch not yet committed is unseen
	 * by it, as it was by the read below.  SQLite has one writer
	 * connection: it stays queued.  No reading connection is held while
	 * the write waits for its commit: with the pool's 16 lent to photos
	 * waiting for an fsync, the other requests waited for one. */
	if (db_is_postgresql())
		return db_write_aside(mark_arrived, &a) == DB_WRITE_OK && a.told;
	/* most photos come before their record or wait for none: a read first
	 * spares the writer's queue */
	sdb *db = db_thread();
	if (db != NULL && sdb_prepare(db, "SELECT 1 FROM waiting_photos WHERE sha256 = ?",
		-1, &st, NULL) == SDB_OK) {
		sdb_bind_text(st, 1, sha256, -1, SDB_STATIC);
		int rc = sdb_step(st);
		sdb_finalize(st);
		if (rc == SDB_DONE)
			return true;
	}
	db_thread_release();
	return db_write(mark_arrived, &a) == DB_WRITE_OK && a.told;
}

bool api_blobs_reconcile(sdb *db)
{
	sdb_stmt *st;
	if (sdb_prepare(db, "SELECT DISTINCT sha256 FROM waiting_photos", -1, &st, NULL)
		!= SDB_OK)
		return false;
	bool ok = db_begin(db);
	int rc;
	while (ok && (rc = sdb_step(st)) == SDB_ROW) {
		char sha[PROTO_SHA256_LEN + 1];
		long long size;
		snprintf(sha, sizeof sha, "%s", (const char *)sdb_column_text(st, 0));
		if (blob_exists(config.dir, sha, &size))
			ok = ledger_photo_arrived(db, sha, size);
	}
	sdb_finalize(st);
	if (ok && db_commit(db))
		return true;
	db_rollback(db);
	return false;
}

void api_blob_result(enum blob_result br, const char *sha256, long long size, struct reply *out)
{
	switch (br) {
	case BLOB_STORED:
	case BLOB_HAD_IT:
		api_blob_reply(sha256, size, br == BLOB_STORED, out);
		return;
	case BLOB_MISMATCH:
		reply_problem(out, PROBLEM_HASH_MISMATCH, NULL);
		return;
	case BLOB_NOT_JPEG:
		reply_problem(out, PROBLEM_NOT_JPEG, NULL);
		return;
	case BLOB_IO_ERROR:
		break;
	}
	reply_problem(out, PROBLEM_INTERNAL, NULL);
}

void api_blob_reply(const char *sha256, long long size, bool created, struct reply *out)
{
	/* the photo is answered as held only once the records waiting for it
	 * know: else a busy answer, and the client's next PUT (200) tries again */
	if (!api_blob_arrived(sha256, size)) {
		reply_problem(out, PROBLEM_BUSY, NULL);
		return;
	}
	struct proto_blob_answer answer = { .size = size };
	snprintf(answer.sha256, sizeof answer.sha256, "%s", sha256);
	reply_json(out, created ? 201 : 200, proto_blob_answer_encode(&answer));
}
