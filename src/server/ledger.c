/* ledger: verification records, their flags and review outcomes.
 * Every function runs inside the caller's write transaction. */
#include "config.h"
#include "server.h"
#include "sdb.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool review_outcome_valid(const char *outcome)
{
	return strcmp(outcome, "confirmed") == 0 || strcmp(outcome, "rejected") == 0
		|| strcmp(outcome, "revisit") == 0;
}

void ledger_message(unsigned flags, const char *review, const char *note, char *out, size_t cap)
{
	size_t len = 0;
	out[0] = '\0';
	const char *head = NULL;
	if (strcmp(review, "confirmed") == 0)
		head = N_("Kota sudah memeriksa dan menerima verifikasi ini.");
	else if (strcmp(review, "rejected") == 0)
		head = N_("Kota menolak verifikasi ini; buat koreksi.");
	else if (strcmp(review, "revisit") == 0)
		head = N_("Kota meminta kunjungan ulang ke rumah ini.");
	if (head != NULL) {
		/* the server speaks Indonesian; the client may translate by code */
		snprintf(out, cap, "%s%s%s", head, note[0] != '\0' ? " " : "", note);
		return;
	}
	for (int f = 0; f < FLAG_COUNT && len + 1 < cap; f++) {
		if (!(flags & (1u << f)))
			continue;
		int n = snprintf(out + len, cap - len, "%s%s", len > 0 ? " " : "", flag_message((enum flag)f));
		if (n < 0)
			break;
		len += (size_t)n < cap - len ? (size_t)n : cap - len - 1;
	}
}

static bool step_done(sdb_stmt *st)
{
	int rc = sdb_step(st);
	sdb_finalize(st);
	return rc == SDB_DONE;
}

/* A write whose answer is read later (sdb_step_later): on PostgreSQL a
 * record's inserts go out together, each was a round trip under the write
 * lock.  Its caller settles them before it says the record is stored. */
static bool send_write(sdb_stmt *st)
{
	int rc = sdb_step_later(st);
	sdb_finalize(st);
	return rc == SDB_DONE;
}

/* A correction that answers a review (answers_review) is noted with it, so
 * the review's history shows what answered it. */
static bool note_answer(sdb *db, const struct record *r)
{
	sdb_stmt *st;
	if (r->answers_review <= 0)
		return true;
	if (sdb_prepare(db, "INSERT INTO review_answers(review_id, verification_id) "
		"VALUES (?, ?)", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_int64(st, 1, r->answers_review);
	sdb_bind_text(st, 2, r->uuid, -1, SDB_TRANSIENT);
	return send_write(st);
}

/* the record's entry in its operator's changes feed; *seq (if given) its number */
static bool add_change_seq(sdb *db, const char *id, long long *seq)
{
	sdb_stmt *st;
	if (sdb_prepare(db, "INSERT INTO changes(verification_id, operator_id) "
		"SELECT id, operator_id FROM verifications WHERE id = ? RETURNING seq",
		-1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, id, -1, SDB_TRANSIENT);
	int rc = sdb_step(st);
	if (rc == SDB_ROW) {
		if (seq != NULL)
			*seq = sdb_column_int64(st, 0);
		rc = sdb_step(st);
	}
	sdb_finalize(st);
	return rc == SDB_DONE;
}

/* the same without its number, sent ahead */
static bool add_change(sdb *db, const char *id)
{
	sdb_stmt *st;
	if (sdb_prepare(db, "INSERT INTO changes(verification_id, operator_id) "
		"SELECT id, operator_id FROM verifications WHERE id = ?", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, id, -1, SDB_STATIC);
	return send_write(st);
}

/* Groups of current records (not superseded) that must hold one record:
 * a NIK verified once, a KK marked layak once.  ?1 is the group's value. */
#define GROUP_NIK "nik = ?1 AND superseded_by IS NULL"
#define KK_LAYAK(P) "kk = " P " AND kk != '' AND decision = 'layak' AND superseded_by IS NULL"
#define GROUP_KK_LAYAK KK_LAYAK("?1")

/* After a record was stored in a group (group_sql, value) that held another
 * current record (own_flags said so; the writer is ours, so it still does):
 * every record of it gets flag, and each that gains the flag gets a change
 * entry for its operator (the new one has its own). */
static bool refresh_group(sdb *db, const char *group_sql, const char *value, enum flag flag,
	const char *new_id)
{
	sdb_stmt *st;
	char sql[512];
	const int bit = 1 << flag;
	snprintf(sql, sizeof sql, "INSERT INTO changes(verification_id, operator_id) "
		"SELECT id, operator_id FROM verifications WHERE %s "
		"AND (flags & ?2) = 0 AND id != ?3 ORDER BY received_at, id", group_sql);
	if (sdb_prepare(db, sql, -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, value, -1, SDB_STATIC);
	sdb_bind_int(st, 2, bit);
	sdb_bind_text(st, 3, new_id, -1, SDB_STATIC);
	if (!send_write(st))
		return false;
	/* only the records without the flag: PostgreSQL writes a new version of
	 * every row an UPDATE names, changed or not (a NIK's hundredth record
	 * rewrote ninety-nine) */
	snprintf(sql, sizeof sql, "UPDATE verifications SET flags = flags | ?2 WHERE %s "
		"AND (flags & ?2) = 0", group_sql);
	if (sdb_prepare(db, sql, -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, value, -1, SDB_STATIC);
	sdb_bind_int(st, 2, bit);
	return send_write(st);
}

/* db_batch_named for a record's value of one kind */
static bool batch_named(const char *kind, const char *value)
{
	char key[4 + PROTO_SHA256_LEN + 1];
	snprintf(key, sizeof key, "%s:%s", kind, value);
	return db_batch_named(key);
}

static bool layak_with_kk(const struct record *r)
{
	return r->decision == DECISION_LAYAK && r->kk[0] != '\0';
}

/* The question for the new record's own flags, in one statement (each is
 * a round trip under the write lock on PostgreSQL): where the city's
 * registry has its NIK, and whether another current record is in its
 * groups (its NIK; its KK when it says layak: ?3 is NULL otherwise, which equals no KK.  Not
 * '': most records without a KK have '', and PostgreSQL's plan for a
 * parameter counted them all through the kk index, for every record). */
static sdb_stmt *own_flags_ask(sdb *db, const struct record *r)
{
	sdb_stmt *st;
	if (sdb_prepare(db, "SELECT (SELECT kelurahan FROM residents WHERE nik = ?1), "
		"EXISTS (SELECT 1 FROM verifications WHERE " GROUP_NIK " AND id != ?2), "
		"EXISTS (SELECT 1 FROM verifications WHERE " KK_LAYAK("?3") " AND id != ?2)",
		-1, &st, NULL) != SDB_OK)
		return NULL;
	sdb_bind_text(st, 1, r->nik, -1, SDB_STATIC);
	sdb_bind_text(st, 2, r->uuid, -1, SDB_STATIC);
	if (layak_with_kk(r))
		sdb_bind_text(st, 3, r->kk, -1, SDB_STATIC);
	else
		sdb_bind_null(st, 3);
	return st;
}

/* own_flags_ask's answer as flags; st finalised */
static unsigned own_flags_read(sdb_stmt *st, const struct record *r)
{
	unsigned flags = 0;
	if (st != NULL && sdb_step(st) == SDB_ROW) {
		const char *kel = (const char *)sdb_column_text(st, 0);
		if (kel == NULL)          /* kelurahan is NOT NULL: no such resident */
			flags |= r->in_registry ? 1u << FLAG_NOT_IN_REGISTRY : 0;
		else if (strcmp(kel, r->kelurahan) != 0)
			flags |= 1u << FLAG_REGISTRY_OTHER_KELURAHAN;
		flags |= sdb_column_int64(st, 1) > 0 ? 1u << FLAG_DUPLICATE_NIK : 0;
		flags |= sdb_column_int64(st, 2) > 0 ? 1u << FLAG_KK_LAYAK_TWICE : 0;
	}
	sdb_finalize(st);
	return flags;
}

static bool mark_superseded(sdb *db, const struct record *r)
{
	if (r->supersedes[0] == '\0')
		return true;
	sdb_stmt *st;
	if (sdb_prepare(db, "UPDATE verifications SET superseded_by = ? "
		"WHERE id = ? AND superseded_by IS NULL", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, r->uuid, -1, SDB_STATIC);
	sdb_bind_text(st, 2, r->supersedes, -1, SDB_STATIC);
	return send_write(st);
}

/* The record's photos in one statement, a row each (on PostgreSQL each
 * statement is a round trip under the write lock). */
/* rows placeholder rows of columns each, "(?,?),(?,?)", after sql */
static void append_value_rows(char *sql, size_t cap, int rows, int columns)
{
	for (int i = 0; i < rows * columns; i++) {
		size_t at = strlen(sql);
		bool first = i % columns == 0, last = i % columns == columns - 1;
		snprintf(sql + at, cap - at, "%s%s?%s", first && i > 0 ? "," : "", first ? "(" : ",",
			last ? ")" : "");
	}
}

static bool insert_photos(sdb *db, const struct record *r)
{
	char sql[400] = "INSERT INTO verification_photos(verification_id, kind, sha256, size, lat, "
		"lon, taken_at) VALUES ";
	int rows = 0;
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		rows += r->photos[k].attached;
	if (rows == 0)
		return true;
	append_value_rows(sql, sizeof sql, rows, 7);
	sdb_stmt *st;
	if (sdb_prepare(db, sql, -1, &st, NULL) != SDB_OK)
		return false;
	int i = 0;
	for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
		const struct record_photo *p = &r->photos[k];
		if (!p->attached)
			continue;
		sdb_bind_text(st, i + 1, r->uuid, -1, SDB_STATIC);
		sdb_bind_text(st, i + 2, record_photo_kind_code((enum photo_kind)k), -1, SDB_STATIC);
		sdb_bind_text(st, i + 3, p->sha256, -1, SDB_STATIC);
		sdb_bind_int64(st, i + 4, p->size);
		if (p->has_gps) {
			sdb_bind_double(st, i + 5, p->lat);
			sdb_bind_double(st, i + 6, p->lon);
		}
		sdb_bind_text(st, i + 7, p->taken_at, -1, SDB_STATIC);
		i += 7;
	}
	return send_write(st);
}

/* The photos of kinds waiting that the server does not hold yet: the
 * record waits for them (two kinds of one photo wait as one row: ON
 * CONFLICT), in one statement as the photos. */
static bool insert_waiting(sdb *db, const struct record *r, unsigned waiting)
{
	char sql[256] = "INSERT INTO waiting_photos(verification_id, sha256, size) VALUES ";
	int rows = 0;
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		rows += (waiting & (1u << k)) != 0;
	if (rows == 0)
		return true;
	append_value_rows(sql, sizeof sql, rows, 3);
	sdb_stmt *st;
	size_t at = strlen(sql);
	snprintf(sql + at, sizeof sql - at, " ON CONFLICT DO NOTHING");
	if (sdb_prepare(db, sql, -1, &st, NULL) != SDB_OK)
		return false;
	int i = 1;
	for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
		if (!(waiting & (1u << k)))
			continue;
		sdb_bind_text(st, i++, r->uuid, -1, SDB_STATIC);
		sdb_bind_text(st, i++, r->photos[k].sha256, -1, SDB_STATIC);
		sdb_bind_int64(st, i++, r->photos[k].size);
	}
	return send_write(st);
}

/* distinct photos among the kinds waiting */
static int64_t waiting_count(const struct record *r, unsigned waiting)
{
	int64_t n = 0;
	for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
		bool again = false;
		for (int j = 0; j < k; j++)
			again = again || ((waiting & (1u << j))
				&& strcmp(r->photos[j].sha256, r->photos[k].sha256) == 0);
		n += (waiting & (1u << k)) && !again;
	}
	return n;
}

bool ledger_photo_arrived(struct sdb *db, const char *sha256, long long size)
{
	sdb_stmt *st;
	if (sdb_prepare(db, "DELETE FROM waiting_photos WHERE sha256 = ? AND size = ?", -1,
		&st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, sha256, -1, SDB_STATIC);
	sdb_bind_int64(st, 2, size);
	return send_write(st);      /* its answer comes with the COMMIT */
}

int ledger_photos_waiting(struct sdb *db, const char *id)
{
	sdb_stmt *st;
	if (sdb_prepare(db, "SELECT count(*) FROM waiting_photos WHERE verification_id = ?",
		-1, &st, NULL) != SDB_OK)
		return -1;
	sdb_bind_text(st, 1, id, -1, SDB_STATIC);
	int n = sdb_step(st) == SDB_ROW ? sdb_column_int(st, 0) : -1;
	sdb_finalize(st);
	return n;
}

static void result_flags(unsigned flags, struct proto_verification_result *res)
{
	res->n_flags = 0;
	for (int f = 0; f < FLAG_COUNT && res->n_flags < PROTO_FLAGS_MAX; f++)
		if (flags & (1u << f))
			snprintf(res->flags[res->n_flags++], sizeof res->flags[0], "%s", flag_code((enum flag)f));
	snprintf(res->status, sizeof res->status, "%s", flags != 0 ? "flagged" : "accepted");
}

static bool insert_record(sdb *db, const struct record *r, long long operator_id,
	const char *device, const char *json, const char *sha, int64_t now, unsigned flags,
	const char *response)
{
	sdb_stmt *st;
	if (sdb_prepare(db, "INSERT INTO verifications(id, operator_id, device, body_sha256, "
		"body, nik, kk, name, address, kelurahan, in_registry, decision, reason, reason_text, "
		"notes, lat, lon, coord_source, coord_reason, supersedes, created_at, finalised_at, "
		"received_at, flags, first_status, first_response) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,"
		"?,?,?,?,?,?,?,?,?,?,201,?)", -1, &st, NULL) != SDB_OK)
		return false;
	int i = 1;
	sdb_bind_text(st, i++, r->uuid, -1, SDB_STATIC);
	sdb_bind_int64(st, i++, operator_id);
	sdb_bind_text(st, i++, device, -1, SDB_STATIC);
	sdb_bind_text(st, i++, sha, -1, SDB_STATIC);
	sdb_bind_text(st, i++, json, -1, SDB_STATIC);
	sdb_bind_text(st, i++, r->nik, -1, SDB_STATIC);
	sdb_bind_text(st, i++, r->kk, -1, SDB_STATIC);
	sdb_bind_text(st, i++, r->name, -1, SDB_STATIC);
	sdb_bind_text(st, i++, r->address, -1, SDB_STATIC);
	sdb_bind_text(st, i++, r->kelurahan, -1, SDB_STATIC);
	sdb_bind_int(st, i++, r->in_registry);
	sdb_bind_text(st, i++, record_decision_code(r->decision), -1, SDB_STATIC);
	sdb_bind_text(st, i++, record_reason_code(r->reason), -1, SDB_STATIC);
	sdb_bind_text(st, i++, r->reason_text, -1, SDB_STATIC);
	sdb_bind_text(st, i++, r->notes, -1, SDB_STATIC);
	if (r->has_coord) {
		sdb_bind_double(st, i++, r->lat);
		sdb_bind_double(st, i++, r->lon);
	} else
		i += 2;
	sdb_bind_text(st, i++, record_coord_source_code(r->coord_source), -1, SDB_STATIC);
	sdb_bind_text(st, i++, r->coord_reason, -1, SDB_STATIC);
	sdb_bind_text(st, i++, r->supersedes, -1, SDB_STATIC);
	sdb_bind_int64(st, i++, r->created_at);
	sdb_bind_int64(st, i++, r->finalised_at);
	sdb_bind_int64(st, i++, now);
	sdb_bind_int(st, i++, (int)flags);
	sdb_bind_text(st, i++, response, -1, SDB_STATIC);
	return send_write(st);
}

void ledger_checks_send(struct sdb *db, const struct record *r, struct ledger_checks *c)
{
	/* asked together (one round trip on PostgreSQL), read later */
	c->own = own_flags_ask(db, r);
	if (c->own != NULL)
		sdb_send(c->own);
	crosscheck_send(db, r, &c->cc);
	c->sent = true;
}

void ledger_checks_drop(struct ledger_checks *c)
{
	if (!c->sent)
		return;
	sdb_finalize(c->own);
	c->own = NULL;
	crosscheck_drop(&c->cc);
	c->sent = false;
}

bool ledger_batch_named(const struct record *r)
{
	/* every key named (|, not ||): a later record's reads may need any */
	bool named = batch_named("i", r->uuid) | batch_named("n", r->nik)
		| (r->kk[0] != '\0' && batch_named("k", r->kk));
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		named |= r->photos[k].attached && batch_named("p", r->photos[k].sha256);
	return named;
}

bool ledger_store(struct sdb *db, const struct record *r, struct ledger_checks *c,
	long long operator_id, const char *device, const char *canonical_json,
	const char *canonical_sha256, int64_t now, unsigned waiting_kinds,
	struct proto_verification_result *result)
{
	memset(result, 0, sizeof *result);
	snprintf(result->id, sizeof result->id, "%s", r->uuid);
	proto_time_format(now, result->received_at);
	/* supersede first, so the corrected record no longer counts */
	if (!mark_superseded(db, r)) {
		ledger_checks_drop(c);
		return false;
	}
	if (!c->sent)
		ledger_checks_send(db, r, c);
	/* cc: the other records a shared flag reaches */
	struct crosscheck *cc = &c->cc;
	unsigned flags = own_flags_read(c->own, r) | crosscheck_flags(r, cc);
	c->own = NULL;
	c->sent = false;
	result_flags(flags, result);
	/* the first answer (kept for replays) says how many photos it waited for */
	result->photos_waiting = waiting_count(r, waiting_kinds);
	char *response = proto_verification_result_encode(result);
	bool ok = response != NULL
		&& insert_record(db, r, operator_id, device, canonical_json, canonical_sha256, now,
			flags, response)
		&& insert_photos(db, r) && insert_waiting(db, r, waiting_kinds)
		&& add_change(db, r->uuid) && note_answer(db, r)
		/* a group that held no other current record holds this one alone
		 * now (the writer is ours): nothing to spread, no count to ask */
		&& (!(flags & 1u << FLAG_DUPLICATE_NIK)
			|| refresh_group(db, GROUP_NIK, r->nik, FLAG_DUPLICATE_NIK, r->uuid))
		&& (!(flags & 1u << FLAG_KK_LAYAK_TWICE)
			|| refresh_group(db, GROUP_KK_LAYAK, r->kk, FLAG_KK_LAYAK_TWICE, r->uuid))
		&& crosscheck_spread(db, cc);
	free(response);
	return ok;
}

bool ledger_review_allowed(struct sdb *db, const char *id, const char *outcome,
	bool *photos_waiting)
{
	*photos_waiting = false;
	if (strcmp(outcome, "confirmed") != 0)
		return true;
	int n = ledger_photos_waiting(db, id);
	*photos_waiting = n > 0;
	return n == 0;
}

bool ledger_review(struct sdb *db, const char *id, const char *outcome, const char *note,
	const char *reviewer, int64_t now, bool *found)
{
	sdb_stmt *st;
	*found = false;
	if (sdb_prepare(db, "UPDATE verifications SET review = ?, review_note = ?, "
		"reviewed_at = ? WHERE id = ?", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, outcome, -1, SDB_STATIC);
	sdb_bind_text(st, 2, note, -1, SDB_STATIC);
	sdb_bind_int64(st, 3, now);
	sdb_bind_text(st, 4, id, -1, SDB_STATIC);
	if (!step_done(st))
		return false;
	*found = sdb_changes(db) > 0;
	if (!*found)
		return true;
	/* the trigger logged the review (the writer is ours alone, so it is the
	 * newest row of the record): say who made it, and tie the clerk's
	 * changes entry to it */
	if (sdb_prepare(db, "UPDATE review_log SET reviewer = ?1 WHERE id = "
		"(SELECT max(id) FROM review_log WHERE verification_id = ?2)", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, reviewer, -1, SDB_STATIC);
	sdb_bind_text(st, 2, id, -1, SDB_STATIC);
	long long seq = -1;
	if (!step_done(st) || !add_change_seq(db, id, &seq))
		return false;
	if (sdb_prepare(db, "INSERT INTO change_reviews(seq, review_id) SELECT ?1, "
		"max(id) FROM review_log WHERE verification_id = ?2", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_int64(st, 1, seq);
	sdb_bind_text(st, 2, id, -1, SDB_STATIC);
	return step_done(st);
}

