/* sync/push: every queued record first, then their photos (doc/PROTOCOL.md
 * "Records before their photos"): a record goes with "Photos-Later: 1"; a
 * server that waits for its photos says photos_waiting, and the record is
 * settled with its photos queued in the same transaction
 * (store_record_settle_photos_later); when no record is left, the queued
 * photos go in queue order, each leaving the queue once the server holds it;
 * the next one's PUT starts on a second connection while one waits for its
 * answer (send_ahead), so the link does not idle between photos.
 * `sync --no-photos` and the daily photo budget stop before the photos: the
 * records still went.  A server without the extension (422 missing_blobs)
 * gets this record's photos first, then the record again, as before.
 * A photo is one PUT with "Expect: 100-continue": a server that
 * has it already answers 200 before the body travels, so there is no HEAD
 * round trip.  Each PUT says Upload-Offset: a server holding part of the
 * photo from a cut upload answers 409 with the offset it holds, before the
 * body, and the next PUT sends only the rest.  Every transition is
 * committed before the next request: final -> sending
 * (store_outbox_sending) -> accepted | flagged | quarantined
 * (store_record_settle).  A crash anywhere leaves the record
 * queued; sending it again is harmless because the server dedupes photos
 * by hash and records by id.  After each of these commits a crash point
 * "sync.*" (include/crashpoint.h), before the next: tests/sync/test_sync_kill
 * kills the run there. */
#include "config.h"
#include "sync.h"
#include "format.h"
#include "sync_int.h"
#include "common.h"
#include "crashpoint.h"
#include "flag.h"
#include "i18n.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- messages */

static void append(char *buf, size_t len, const char *text)
{
	size_t o = strlen(buf);
	if (o + 1 < len)
		snprintf(buf + o, len - o, "%s%s", o > 0 ? " " : "", text);
}

void sync_flags_message(const struct proto_verification_result *r, char *out, size_t len)
{
	out[0] = '\0';
	for (size_t i = 0; i < r->n_flags; i++) {
		enum flag f;
		const char *text = flag_parse(r->flags[i], &f) ? _(flag_message(f)) : NULL;
		char other[96];
		if (text == NULL) {
			snprintf(other, sizeof other, _("Ditandai server: %s."), r->flags[i]);
			text = other;
		}
		append(out, len, text);
	}
}

/* The server's reason for refusing one record, for the worklist. */
static void refusal_message(const struct http_xfer *x, const struct proto_problem *pb,
	bool problem, char *out, size_t len)
{
	if (!problem || pb->detail[0] == '\0') {
		snprintf(out, len, _("Server menolak rekaman ini (HTTP %ld)."), x->status);
		return;
	}
	snprintf(out, len, "%s", pb->detail);
	if (pb->field[0] != '\0') {
		char f[96];
		snprintf(f, sizeof f, _("(isian %s)"), pb->field);
		append(out, len, f);
	}
	for (size_t i = 0; i < pb->n_errors; i++) {
		const char *text = pb->errors[i];
		for (int p = 0; p < RECORD_PROBLEM_COUNT; p++)
			if (strcmp(pb->errors[i], record_problem_code((enum record_problem)p)) == 0)
				text = _(record_problem_message((enum record_problem)p));
		char one[256];
		snprintf(one, sizeof one, "%s%s", i == 0 ? "- " : "; ", text);
		append(out, len, one);
	}
	if (x->request_id[0] != '\0') {
		char id[48];
		snprintf(id, sizeof id, _("(kode %s)"), x->request_id);
		append(out, len, id);
	}
}

/* ---------------------------------------------------------------- the cost */

#define META_PHOTO_RATE "sync.photo_rate"
/* below this much sent, a rate says more about round trips than the link */
#define RATE_MIN_BYTES (32 * 1024)

int64_t sync_photo_rate_saved(struct store *st)
{
	char buf[32];
	if (!store_meta_get(st, META_PHOTO_RATE, buf, sizeof buf))
		return 0;
	long long rate = strtoll(buf, NULL, 10);
	return rate > 0 ? (int64_t)rate : 0;
}

int64_t sync_expected_seconds(int64_t bytes, int64_t rate)
{
	if (rate <= 0)
		return -1;
	return bytes <= 0 ? 0 : (bytes + rate - 1) / rate;
}

void sync_format_megabytes(int64_t bytes, char *out, size_t len)
{
	int64_t tenths = (bytes < 0 ? 0 : bytes + 50000) / 100000;
	snprintf(out, len, "%lld,%lld MB", (long long)(tenths / 10), (long long)(tenths % 10));
}

void sync_format_duration(int64_t seconds, char *out, size_t len)
{
	if (seconds < 0)
		snprintf(out, len, "?");
	else if (seconds < 60)
		snprintf(out, len, _("%lld dtk"), (long long)seconds);
	else if (seconds < 3600)
		snprintf(out, len, _("%lld mnt"), (long long)((seconds + 59) / 60));
	else
		snprintf(out, len, _("%lld jam %lld mnt"), (long long)(seconds / 3600),
			(long long)((seconds % 3600 + 59) / 60));
}

int64_t sync_busy_ms(int64_t *busy_until_ms, int64_t started_ms, int64_t now_ms)
{
	int64_t from = started_ms > *busy_until_ms ? started_ms : *busy_until_ms;
	if (now_ms > *busy_until_ms)
		*busy_until_ms = now_ms;
	return now_ms > from ? now_ms - from : 0;
}

static bool step_photo_in_flight(const struct sync *s)
{
	return s->xfer != NULL && s->step == STEP_BLOB_PUT && s->blob_started_ms > 0;
}

int64_t push_bytes_in_flight(const struct sync *s)
{
	int64_t bytes = step_photo_in_flight(s) ? (int64_t)s->xfer->ulnow : 0;
	if (s->ahead.x != NULL)
		bytes += (int64_t)s->ahead.x->ulnow;
	return bytes;
}

int64_t push_rate(const struct sync *s)
{
	int64_t bytes = s->run_sent_bytes + push_bytes_in_flight(s), ms = s->run_sent_ms;
	/* the time since the earliest PUT in flight began, counted once */
	int64_t started = step_photo_in_flight(s) ? s->blob_started_ms : 0;
	if (s->ahead.x != NULL && !s->ahead.done && (started == 0 || s->ahead.started_ms < started))
		started = s->ahead.started_ms;
	if (started > 0) {
		int64_t until = s->run_busy_until_ms;
		ms += sync_busy_ms(&until, started, common_now_ms());
	}
	if (bytes < RATE_MIN_BYTES || ms <= 0)
		return s->prog.photo_rate;
	return bytes * 1000 / ms;
}

#define META_BUDGET_MB "sync.photo_budget_mb"
#define META_TODAY "sync.photo_day"          /* "2026-12-04", local */
#define META_TODAY_BYTES "sync.photo_day_bytes"

static int64_t meta_number(struct store *st, const char *key)
{
	char buf[32];
	if (!store_meta_get(st, key, buf, sizeof buf))
		return 0;
	long long n = strtoll(buf, NULL, 10);
	return n > 0 ? (int64_t)n : 0;
}

static void today(char out[16])
{
	time_t now = time(NULL);
	struct tm tm;
	if (localtime_r(&now, &tm) == NULL || strftime(out, 16, "%Y-%m-%d", &tm) == 0)
		snprintf(out, 16, "?");
}

int64_t sync_photo_budget_mb(struct store *st)
{
	return meta_number(st, META_BUDGET_MB);
}

enum store_status sync_photo_budget_set(struct store *st, int64_t mb)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", (long long)(mb < 0 ? 0 : mb));
	return store_meta_set(st, META_BUDGET_MB, buf);
}

int64_t sync_photo_bytes_today(struct store *st)
{
	char day[16], then[16] = "";
	today(day);
	store_meta_get(st, META_TODAY, then, sizeof then);
	return strcmp(day, then) == 0 ? meta_number(st, META_TODAY_BYTES) : 0;
}

/* Photo bytes that went count against today's budget. */
static void count_today(struct sync *s, int64_t bytes)
{
	char day[16], buf[32];
	int64_t sum = sync_photo_bytes_today(s->store) + bytes;
	today(day);
	snprintf(buf, sizeof buf, "%lld", (long long)sum);
	/* the day first: a crash between the two counts the bytes of
	 * yesterday's day as today's, never fewer */
	(void)store_meta_set(s->store, META_TODAY, day);
	crashpoint("sync.photo_day_saved");
	(void)store_meta_set(s->store, META_TODAY_BYTES, buf);
}

/* bytes more photo would take today's uploads past the budget: it and those
 * behind it wait (the queue keeps its order). */
static bool over_budget(struct sync *s, int64_t bytes)
{
	int64_t budget = sync_photo_budget_mb(s->store);
	return budget > 0 && bytes > 0 && sync_photo_bytes_today(s->store) + bytes > budget * 1000000;
}

static int64_t record_photo_bytes(const struct record *r)
{
	int64_t bytes = 0;
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		if (r->photos[k].attached)
			bytes += r->photos[k].size;
	return bytes;
}

/* A photo went whole: its bytes and time count towards the link's rate,
 * kept in the profile so the next run's estimate starts from it. */
static void measure_upload(struct sync *s, int64_t size)
{
	if (s->blob_started_ms <= 0)
		return;
	count_today(s, size - s->blob_started_offset);
	/* counted, still queued: a kill here sends it again, counted twice */
	crashpoint("sync.photo_counted");
	s->run_sent_bytes += size - s->blob_started_offset;
	/* with the next photo sent ahead, two uploads shared the link for a
	 * while: that time counts once, or the rate would read half the link's */
	s->run_sent_ms += sync_busy_ms(&s->run_busy_until_ms, s->blob_started_ms, common_now_ms());
	s->blob_started_ms = 0;
	if (s->run_sent_bytes < RATE_MIN_BYTES || s->run_sent_ms <= 0)
		return;
	s->prog.photo_rate = s->run_sent_bytes * 1000 / s->run_sent_ms;
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", (long long)s->prog.photo_rate);
	/* an estimate only: a failed write leaves the last one */
	(void)store_meta_set(s->store, META_PHOTO_RATE, buf);
}

/* ---------------------------------------------------------------- the record */

/* photos_later: the server took the record and waits for its photos */
static void settle_record(struct sync *s, enum record_state state, const char *msg,
	bool photos_later)
{
	if ((photos_later ? store_record_settle_photos_later(s->store, s->rec.uuid, state, msg)
		: store_record_settle(s->store, s->rec.uuid, state, msg)) != STORE_OK) {
		sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
		return;
	}
	crashpoint("sync.record_settled");
	/* settled by the server's answer: its sealed copy has nothing left to do */
	sync_sealed_forget(store_dir(s->store), s->rec.uuid);
	s->have_record = false;
	s->prog.records_done++;
	if (state == STATE_QUARANTINED) {
		s->quarantined_in_run++;
		s->prog.records_quarantined++;
	} else if (state == STATE_FLAGGED)
		s->prog.records_flagged++;
	else
		s->prog.records_accepted++;
	sync_goto(s, STEP_NEXT_RECORD);
}

static void settle(struct sync *s, enum record_state state, const char *msg)
{
	settle_record(s, state, msg, false);
}

static void quarantine(struct sync *s, const char *msg)
{
	settle(s, STATE_QUARANTINED, msg);
}

/* The photo can never go as it is (msg says why).  Before its record: the
 * record is quarantined, as before.  After it (the server holds the record,
 * waiting): msg becomes the record's message, the photo stays queued (the
 * server still waits for it) but this run goes on to the next, and ends
 * saying so; the record stays incomplete until a correction replaces it. */
static void refuse_photo(struct sync *s, const char *msg)
{
	if (!s->photo_after) {
		quarantine(s, msg);
		return;
	}
	if (store_photo_queue_refused(s->store, s->rec.uuid, msg) != STORE_OK) {
		sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
		return;
	}
	crashpoint("sync.photo_refused");
	s->photos_refused_in_run++;
	s->photo_after = false;
	sync_goto(s, STEP_NEXT_RECORD);
}

void push_requeue(struct sync *s, const char *why)
{
	if (!s->have_record)
		return;
	s->have_record = false;
	/* due now: the next run (or the clerk's "sync now") takes it first */
	store_sync_requeue(s->store, s->rec.uuid, 0, why);
	crashpoint("sync.record_requeued");
}

static void blob_path(const char *sha256, char *buf, size_t len)
{
	snprintf(buf, len, "/blobs/%s", sha256);
}

/* The photo after the one of the step, its PUT started now on a second
 * connection: while the step's PUT waits for its answer (and, first, for
 * "100 Continue") the link carries this one, instead of idling a round trip
 * or two a photo.  Not when this run sends no photos, not past today's budget counting what the step's photo
 * still has to send, never the same photo twice at once (the server lets
 * one upload write a partial file).  Whatever goes wrong with it is left to
 * its own step, which takes the transfer over, answer and all
 * (next_queued_photo). */
static void send_ahead(struct sync *s)
{
	struct store_queued_photo q;
	if (s->ahead.x != NULL || s->cfg.no_photos || !s->photo_after || s->xfer == NULL ||
		s->step != STEP_BLOB_PUT ||
		store_photo_queue_next(s->store, s->photos_refused_in_run + 1, &q) != STORE_OK)
		return;
	const struct record_photo *p = &s->rec.photos[s->photo_kind];
	char path[128];
	unsigned char *data;
	size_t len;
	if (strcmp(q.sha256, p->sha256) == 0 || !format_sha256_hex(q.sha256) ||
		over_budget(s, p->size - s->blob_offset + q.size))
		return;
	/* a photo that does not read right is left to its own step */
	if (store_photo_bytes_unchecked(s->store, q.sha256, &data, &len) != STORE_OK)
		return;
	if ((int64_t)len != q.size) {
		free(data);
		return;
	}
	blob_path(q.sha256, path, sizeof path);
	struct http_xfer *x = sync_request(s, "PUT", path, HTTP_SMALL_MAX);
	if (x == NULL) {
		free(data);
		return;
	}
	if (!http_set_photo(x, data, len, 0) ||
		curl_multi_add_handle(s->multi, x->easy) != CURLM_OK) {
		http_free(x);
		return;
	}
	s->ahead.x = x;
	s->ahead.done = false;
	snprintf(s->ahead.uuid, sizeof s->ahead.uuid, "%s", q.uuid);
	s->ahead.kind = q.kind;
	s->ahead.started_ms = common_now_ms();
}

void push_ahead_drop(struct sync *s)
{
	if (s->ahead.x == NULL)
		return;
	if (!s->ahead.done)
		curl_multi_remove_handle(s->multi, s->ahead.x->easy);
	http_free(s->ahead.x);
	memset(&s->ahead, 0, sizeof s->ahead);
}

/* Nothing more to send in this run: the pull, or the end. */
static void push_over(struct sync *s)
{
	push_ahead_drop(s);
	if (s->cfg.pull) {
		s->prog.phase = SYNC_PULLING_RESIDENTS;
		sync_goto(s, STEP_RESIDENTS_START);
	} else
		sync_goto(s, STEP_FINISH);
}

/* Every record went: the queued photos, oldest record first, unless the
 * run sends none (--no-photos) or the next would pass today's budget. */
static void next_queued_photo(struct sync *s)
{
	struct store_queued_photo q;
	if (s->cfg.no_photos) {
		push_over(s);
		return;
	}
	enum store_status st = store_photo_queue_next(s->store, s->photos_refused_in_run, &q);
	if (st == STORE_NOT_FOUND) {
		push_over(s);
		return;
	}
	if (st != STORE_OK || store_record_get(s->store, q.uuid, &s->rec) != STORE_OK) {
		sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
		return;
	}
	if (over_budget(s, q.size)) {
		s->prog.budget_waiting = s->prog.local.photos_waiting;
		push_over(s);
		return;
	}
	s->photo_after = true;
	s->photo_kind = (int)q.kind;
	s->blob_offset = 0;
	s->offset_rounds = 0;
	char left[32];
	sync_format_megabytes(s->prog.local.queued_bytes, left, sizeof left);
	snprintf(s->prog.message, sizeof s->prog.message,
		_("Mengirim foto rekaman yang sudah terkirim (%s lagi)…"), left);
	/* dropped when the queue changed under it, or when it got no answer
	 * (a cut, a server serving one connection at a time): what went of it
	 * is on the server, and the step's own PUT, a first try, goes on */
	if (s->ahead.x != NULL && (strcmp(s->ahead.uuid, q.uuid) != 0 || s->ahead.kind != q.kind ||
		(s->ahead.done && http_classify(s->ahead.x) != HTTP_ANSWERED)))
		push_ahead_drop(s);
	if (s->ahead.x != NULL) {
		/* this photo's PUT went ahead: its answer is this step's */
		struct http_xfer *x = s->ahead.x;
		bool done = s->ahead.done;
		s->blob_started_ms = s->ahead.started_ms;
		s->blob_started_offset = 0;
		memset(&s->ahead, 0, sizeof s->ahead);
		sync_take_over(s, STEP_BLOB_PUT, x, done);
		if (!done)
			send_ahead(s);
		return;
	}
	sync_goto(s, STEP_BLOB_PUT);
}

void push_next_record(struct sync *s)
{
	struct store_outbox_item it;
	sync_refresh_local(s);
	s->photo_after = false;
	s->prog.records_total = s->prog.records_done + s->prog.local.queued;
	/* the photo bytes still queued, plus what this run already moved */
	s->prog.bytes_total = s->prog.bytes_done + s->prog.local.queued_bytes;
	/* every queued record, whenever its retry was planned: a run is the
	 * moment to try them all */
	if (store_outbox_due(s->store, INT64_MAX, &it, 1) == 0) {
		next_queued_photo(s);
		return;
	}
	if (store_record_get(s->store, it.uuid, &s->rec) != STORE_OK) {
		sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
		return;
	}
	/* read again: sending changed its state */
	if (store_outbox_sending(s->store, it.uuid) != STORE_OK ||
		store_record_get(s->store, it.uuid, &s->rec) != STORE_OK) {
		sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
		return;
	}
	/* marked sending, not yet sent: a kill here leaves it queued */
	crashpoint("sync.record_sending");
	s->have_record = true;
	s->photo_kind = 0;
	s->missing_rounds = 0;
	s->blob_offset = 0;
	s->offset_rounds = 0;
	snprintf(s->prog.message, sizeof s->prog.message, _("Mengirim rekaman %lld dari %lld…"),
		(long long)s->prog.records_done + 1, (long long)s->prog.records_total);
	/* the record first; its photos after every record */
	sync_goto(s, STEP_RECORD_PUT);
}

/* ---------------------------------------------------------------- requests */

static bool next_photo(struct sync *s)
{
	while (s->photo_kind < PHOTO_KIND_COUNT && !s->rec.photos[s->photo_kind].attached)
		s->photo_kind++;
	return s->photo_kind < PHOTO_KIND_COUNT;
}

/* The record as the server gets it.  The server links a correction only to
 * a record it holds (422 otherwise); one it refused (quarantined here) it
 * never stored, so a correction of that goes as a record of its own.  The
 * quarantined state is final, so every send of the correction is the same. */
static char *encode_for_server(struct sync *s)
{
	char supersedes[sizeof s->rec.supersedes];
	snprintf(supersedes, sizeof supersedes, "%s", s->rec.supersedes);
	struct record *old = supersedes[0] != '\0' ? calloc(1, sizeof *old) : NULL;
	if (old != NULL && store_record_get(s->store, supersedes, old) == STORE_OK
		&& old->state == STATE_QUARANTINED)
		s->rec.supersedes[0] = '\0';
	free(old);
	char *json = proto_record_encode(&s->rec);
	snprintf(s->rec.supersedes, sizeof s->rec.supersedes, "%s", supersedes);
	return json;
}

/* The photo file is gone or changed (st from store_photo_bytes or
 * store_photo_verify): this record can never be sent as it was
 * finalised.  An unreadable file stops the run instead. */
static void photo_unusable(struct sync *s, enum store_status st)
{
	if (st == STORE_IO || st == STORE_BUSY) {
		sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
		return;
	}
	char msg[RECORD_TEXT_MAX];
	snprintf(msg, sizeof msg, _("Foto %s: %s Buat rekaman koreksi dengan foto yang benar."),
		record_photo_kind_code((enum photo_kind)s->photo_kind), store_error(s->store));
	refuse_photo(s, msg);
}

static bool photo_broken(struct sync *s, const struct record_photo *p)
{
	enum store_status st = store_photo_verify(s->store, p->sha256, p->size);
	if (st == STORE_OK)
		return false;
	photo_unusable(s, st);
	return true;
}

void push_start(struct sync *s)
{
	char path[128];
	struct http_xfer *x = NULL;
	if (s->step == STEP_BLOB_PUT) {
		if (!next_photo(s)) {
			s->step = STEP_RECORD_PUT;
			s->attempt = 0;
		} else {
			const struct record_photo *p = &s->rec.photos[s->photo_kind];
			if (!format_sha256_hex(p->sha256)) {
				refuse_photo(s, _("Sidik foto (SHA-256) rusak di laptop ini."));
				return;
			}
			blob_path(p->sha256, path, sizeof path);
			/* the clear bytes through the store (sealed in a keyed
			 * profile): never the file itself */
			unsigned char *data;
			size_t len;
			enum store_status st = store_photo_bytes_unchecked(s->store, p->sha256, &data,
				&len);
			if (st == STORE_OK && (int64_t)len != p->size) {
				free(data);
				st = store_photo_verify(s->store, p->sha256, p->size);
			}
			if (st != STORE_OK) {
				photo_unusable(s, st);
				return;
			}
			x = sync_request(s, "PUT", path, HTTP_SMALL_MAX);
			if (x == NULL)
				free(data);
			if (x != NULL && !http_set_photo(x, data, len, s->blob_offset)) {
				http_free(x);
				sync_stop(s, SYNC_LOCAL, "%s", _("Memori tidak cukup."));
				return;
			}
			s->blob_started_ms = common_now_ms();
			s->blob_started_offset = s->blob_offset;
			if (sync_send(s, x) && s->photo_after)
				send_ahead(s);
			return;
		}
	}
	snprintf(path, sizeof path, "/verifications/%s", s->rec.uuid);
	char *json = encode_for_server(s);
	x = json != NULL ? sync_request(s, "PUT", path, HTTP_SMALL_MAX) : NULL;
	/* the server may take it before its photos (doc/PROTOCOL.md) */
	if (x == NULL || !http_add_header(x, "Photos-Later: 1") || !http_set_json(x, json)) {
		if (x != NULL && x->send_body == json)
			json = NULL;         /* x took it */
		http_free(x);
		free(json);
		sync_stop(s, SYNC_LOCAL, "%s", _("Memori tidak cukup."));
		return;
	}
	sync_send(s, x);
}

/* ---------------------------------------------------------------- answers */

/* {"sha256": "...", "size": N} naming the photo we sent */
static bool blob_answer_ok(const struct http_xfer *x, const struct record_photo *p)
{
	struct proto_blob_answer answer;
	return x->len > 0 && proto_blob_answer_decode(x->body, x->len, &answer, NULL) == PROTO_OK
		&& strcmp(answer.sha256, p->sha256) == 0 && answer.size == p->size;
}

static void photo_done(struct sync *s, bool uploaded)
{
	s->prog.bytes_done += s->rec.photos[s->photo_kind].size;
	if (uploaded)
		s->prog.photos_uploaded++;
	else
		s->prog.photos_skipped++;
	if (s->photo_after) {
		/* the server holds it (and told the record): out of the queue */
		if (store_photo_queue_done(s->store, s->rec.uuid, (enum photo_kind)s->photo_kind)
			!= STORE_OK) {
			sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
			return;
		}
		crashpoint("sync.photo_uploaded");
		s->photo_after = false;
		sync_goto(s, STEP_NEXT_RECORD);
		return;
	}
	s->photo_kind++;
	s->blob_offset = 0;
	s->offset_rounds = 0;
	sync_goto(s, STEP_BLOB_PUT);
}

/* The server holds held bytes of the photo, not what the last PUT said:
 * go on from there, unless it keeps saying so without getting further (a
 * link cut every few hundred KB moves it on each time: no limit then). */
static bool offset_again(struct sync *s, int64_t held)
{
	if (held > s->blob_offset)
		s->offset_rounds = 0;
	return ++s->offset_rounds <= 3;
}

static void put_blob_done(struct sync *s, struct http_xfer *x)
{
	const struct record_photo *p = &s->rec.photos[s->photo_kind];
	struct proto_problem pb;
	bool problem = sync_problem(x, &pb);
	char msg[RECORD_TEXT_MAX];
	if (x->status == 200 || x->status == 201) {
		if (!blob_answer_ok(x, p)) {
			sync_stop(s, SYNC_SERVER, "%s", _("Jawaban server atas kiriman foto rusak; "
				"sinkronisasi dihentikan, antrean tetap tersimpan."));
			return;
		}
		/* 200: the server had it and answered before the body travelled */
		if (x->status == 201)
			measure_upload(s, p->size);
		s->blob_started_ms = 0;
		photo_done(s, x->status == 201);
	} else if (x->status == 409 && problem && strcmp(pb.code, "offset_mismatch") == 0 &&
		x->upload_offset >= 0 && x->upload_offset <= p->size && offset_again(s, x->upload_offset)) {
		/* part of it went before a cut: send the rest only */
		s->blob_offset = x->upload_offset;
		sync_goto(s, STEP_BLOB_PUT);
	} else if (x->status == 422 && problem && strcmp(pb.code, "hash_mismatch") == 0) {
		/* changed on the way, or on this disk: which one?  (The server
		 * dropped its part: the next PUT starts from the beginning.) */
		s->blob_offset = 0;
		if (!photo_broken(s, p))
			sync_retry(s, 0, _("Foto rusak di perjalanan."));
	} else if (x->status == 413 || (x->status == 422 && problem &&
		strcmp(pb.code, "not_jpeg") == 0)) {
		refusal_message(x, &pb, problem, msg, sizeof msg);
		refuse_photo(s, msg);
	} else {
		sync_unexpected(s, x, problem ? &pb : NULL);
	}
}

/* A server without "Photos-Later" wants the record's photos first: they go
 * now, then the record again; unless this run sends no photos (or they
 * would pass the budget): then it waits in the queue, and so does the rest. */
static void photos_first(struct sync *s)
{
	bool budget = over_budget(s, record_photo_bytes(&s->rec));
	if (s->cfg.no_photos || budget) {
		if (budget)
			s->prog.budget_waiting = s->prog.local.queued;
		push_requeue(s, _("Server ini meminta foto sebelum rekamannya."));
		push_over(s);
		return;
	}
	s->photo_kind = 0;
	sync_goto(s, STEP_BLOB_PUT);
}

static void put_record_done(struct sync *s, struct http_xfer *x)
{
	struct proto_problem pb;
	bool problem = sync_problem(x, &pb);
	char msg[RECORD_TEXT_MAX];
	if (x->status == 200 || x->status == 201) {
		struct proto_verification_result r;
		struct proto_error e;
		memset(&e, 0, sizeof e);
		if (x->len == 0 || proto_verification_result_decode(x->body, x->len, &r, &e)
			!= PROTO_OK || strcmp(r.id, s->rec.uuid) != 0 ||
			(strcmp(r.status, "accepted") != 0 && strcmp(r.status, "flagged") != 0)) {
			sync_stop(s, SYNC_SERVER, _("Jawaban server atas rekaman rusak; sinkronisasi "
				"dihentikan, antrean tetap tersimpan. (Rincian: %s)"),
				sync_proto_detail(&e).text);
			return;
		}
		sync_flags_message(&r, msg, sizeof msg);
		settle_record(s, strcmp(r.status, "flagged") == 0 || r.n_flags > 0 ? STATE_FLAGGED :
			STATE_ACCEPTED, msg, r.photos_waiting > 0);
	} else if (x->status == 422 && problem && strcmp(pb.code, "missing_blobs") == 0) {
		/* a photo went missing on the server since its PUT: send
		 * them again, then the record once more */
		if (++s->missing_rounds > 2) {
			sync_stop(s, SYNC_SERVER, "%s", _("Server terus meminta foto yang sudah "
				"dikirim; sinkronisasi dihentikan, antrean tetap tersimpan."));
			return;
		}
		photos_first(s);
	} else if (x->status == 413 || x->status == 422 ||
		(x->status == 400 && (!problem || strcmp(pb.code, "malformed_json") == 0)) ||
		(x->status == 403 && problem && strcmp(pb.code, "out_of_scope") == 0)) {
		/* this one record is refused: it waits for a correction, the
		 * queue goes on */
		refusal_message(x, &pb, problem, msg, sizeof msg);
		quarantine(s, msg);
	} else {
		sync_unexpected(s, x, problem ? &pb : NULL);
	}
}

void push_done(struct sync *s, struct http_xfer *x)
{
	if (s->step == STEP_BLOB_PUT && http_classify(x) == HTTP_LOCAL) {
		if (!photo_broken(s, &s->rec.photos[s->photo_kind]))
			sync_retry(s, 0, _("File foto tidak terbaca sesaat."));
		return;
	}
	if (sync_transfer_failed(s, x))
		return;
	if (s->step == STEP_BLOB_PUT)
		put_blob_done(s, x);
	else
		put_record_done(s, x);
}
