/* store/records: verification records, their photos' rows and the outbox.
 * Every write is one BEGIN IMMEDIATE transaction: the record, its photo rows
 * and (when final) its outbox entry appear together or not at all. */
#include "config.h"
#include "store.h"
#include "flag.h"
#include "format.h"
#include "geo.h"
#include "store_int.h"
#include "i18n.h"
#include "nik.h"
#include "wilayah.h"

#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RECORD_COLUMNS "uuid, nik, in_registry, name, address, kelurahan, kk, decision," \
	" reason, reason_text, notes, lat, lon, coord_source, coord_reason, operator," \
	" supersedes, state, created_at, updated_at, finalised_at, server_message"
/* RECORD_COLUMNS as read: a purged record (purge.c) keeps no name of its
 * own; the registry copy's name of its NIK stands in, for the worklist */
#define RECORD_READ_COLUMNS "uuid, nik, in_registry, CASE WHEN purged_at IS NULL THEN name" \
	" ELSE coalesce((SELECT p.name FROM residents p WHERE p.nik = records.nik), '') END," \
	" address, kelurahan, kk, decision, reason, reason_text, notes, lat, lon, coord_source," \
	" coord_reason, operator, supersedes, state, created_at, updated_at, finalised_at," \
	" server_message"
/* read with RECORD_READ_COLUMNS: the review this correction answers, the latest
 * review the city sent back and whether a final correction answers it */
#define RECORD_REVIEW_COLUMNS ", answers_review," \
	" (SELECT outcome FROM reviews v WHERE v.uuid = records.uuid ORDER BY v.id DESC LIMIT 1)," \
	" (SELECT note FROM reviews v WHERE v.uuid = records.uuid ORDER BY v.id DESC LIMIT 1)," \
	" EXISTS (SELECT 1 FROM records c WHERE c.supersedes = records.uuid AND c.state <> 'draft'),"\
	" EXISTS (SELECT 1 FROM photo_queue q WHERE q.uuid = records.uuid)"

/* an unknown code (a newer release's) reads as no source */
static enum coord_source coord_source_parse(const char *t)
{
	enum coord_source c = COORD_NONE;
	return t != NULL && record_coord_source_parse(t, &c) ? c : COORD_NONE;
}

/* ---- reading ---- */

static void record_from_row(sqlite3_stmt *st, struct record *r)
{
	memset(r, 0, sizeof *r);
	store_column_text(st, 0, r->uuid, sizeof r->uuid);
	store_column_text(st, 1, r->nik, sizeof r->nik);
	r->in_registry = sqlite3_column_int(st, 2) != 0;
	store_column_text(st, 3, r->name, sizeof r->name);
	store_column_text(st, 4, r->address, sizeof r->address);
	store_column_text(st, 5, r->kelurahan, sizeof r->kelurahan);
	store_column_text(st, 6, r->kk, sizeof r->kk);
	if (!record_decision_parse((const char *)sqlite3_column_text(st, 7), &r->decision))
		r->decision = DECISION_NONE;
	if (!record_reason_parse((const char *)sqlite3_column_text(st, 8), &r->reason))
		r->reason = REASON_NONE;
	store_column_text(st, 9, r->reason_text, sizeof r->reason_text);
	store_column_text(st, 10, r->notes, sizeof r->notes);
	r->has_coord = sqlite3_column_type(st, 11) != SQLITE_NULL;
	r->lat = sqlite3_column_double(st, 11);
	r->lon = sqlite3_column_double(st, 12);
	r->coord_source = coord_source_parse((const char *)sqlite3_column_text(st, 13));
	store_column_text(st, 14, r->coord_reason, sizeof r->coord_reason);
	store_column_text(st, 15, r->operator_name, sizeof r->operator_name);
	store_column_text(st, 16, r->supersedes, sizeof r->supersedes);
	if (!record_state_parse((const char *)sqlite3_column_text(st, 17), &r->state))
		r->state = STATE_DRAFT;
	r->created_at = sqlite3_column_int64(st, 18);
	r->updated_at = sqlite3_column_int64(st, 19);
	r->finalised_at = sqlite3_column_int64(st, 20);
	store_column_text(st, 21, r->server_message, sizeof r->server_message);
	r->answers_review = sqlite3_column_int64(st, 22);
	store_column_text(st, 23, r->review, sizeof r->review);
	store_column_text(st, 24, r->review_note, sizeof r->review_note);
	r->review_answered = sqlite3_column_int(st, 25) != 0;
	r->photos_waiting = sqlite3_column_int(st, 26) != 0;
}

enum store_status store_record_get(struct store *s, const char *uuid, struct record *out)
{
	sqlite3_stmt *st;
	enum store_status rc = store_stmt_get(s, STMT_RECORD_GET, "SELECT " RECORD_READ_COLUMNS
		RECORD_REVIEW_COLUMNS " FROM records WHERE uuid = ?", &st);
	if (rc != STORE_OK)
		return rc;
	store_bind_text(st, 1, uuid);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		record_from_row(st, out);
	else if (step == SQLITE_DONE)
		rc = store_fail(s, STORE_NOT_FOUND, _("Rekaman %s tidak ada."), uuid);
	else
		rc = store_fail_sql(s, step, "records");
	store_stmt_put(s, st);
	if (rc == STORE_OK)
		rc = store_photos_load(s, out->uuid, out);
	return rc;
}

/* ---- checks before writing ---- */

static bool terminated(const char *field, size_t size)
{
	return memchr(field, '\0', size) != NULL;
}

#define FIELD_OK(r, f) terminated((r)->f, sizeof (r)->f)

static bool strings_terminated(const struct record *r)
{
	bool ok = FIELD_OK(r, uuid) && FIELD_OK(r, nik) && FIELD_OK(r, name) &&
		FIELD_OK(r, address) && FIELD_OK(r, kelurahan) && FIELD_OK(r, kk) &&
		FIELD_OK(r, reason_text) && FIELD_OK(r, notes) && FIELD_OK(r, coord_reason) &&
		FIELD_OK(r, operator_name) && FIELD_OK(r, supersedes) && FIELD_OK(r, server_message);
	for (int k = 0; ok && k < PHOTO_KIND_COUNT; k++)
		ok = FIELD_OK(&r->photos[k], sha256) && FIELD_OK(&r->photos[k], taken_at) &&
			FIELD_OK(&r->photos[k], original_name);
	return ok;
}

static bool digits_only(const char *t)
{
	for (; *t != '\0'; t++)
		if (*t < '0' || *t > '9')
			return false;
	return true;
}

/* What no record may hold, draft or not.  The rules for final records are
 * record_check_final's. */
static enum store_status check_shape(struct store *s, const struct record *r)
{
	if (!strings_terminated(r) || (unsigned)r->decision > DECISION_TIDAK_LAYAK ||
		(unsigned)r->reason >= REASON_COUNT || (unsigned)r->coord_source >= COORD_SOURCE_COUNT)
		return store_fail(s, STORE_REJECTED, _("Isi rekaman tidak sah."));
	if (!digits_only(r->nik) || !digits_only(r->kk) || strlen(r->kk) > NIK_LEN)
		return store_fail(s, STORE_REJECTED, _("NIK dan nomor KK hanya boleh berisi angka."));
	if (r->kelurahan[0] != '\0' && wilayah_kelurahan_find(r->kelurahan) == NULL)
		return store_fail(s, STORE_REJECTED, _("Kode kelurahan %s bukan kelurahan Kota "
			"Tangerang."), r->kelurahan);
	if (!format_text(r->name, false) || !format_text(r->address, false) ||
		!format_text(r->operator_name, false) || !format_text(r->reason_text, true) ||
		!format_text(r->notes, true) || !format_text(r->coord_reason, true))
		return store_fail(s, STORE_REJECTED, _("Teks berisi karakter yang tidak sah."));
	if (r->has_coord && (!isfinite(r->lat) || !isfinite(r->lon)))
		return store_fail(s, STORE_REJECTED, _("Koordinat tidak sah."));
	if (r->supersedes[0] != '\0' && strcmp(r->supersedes, r->uuid) == 0)
		return store_fail(s, STORE_REJECTED, _("Rekaman tidak bisa mengoreksi dirinya sendiri."));
	return STORE_OK;
}

/* The existing row's state (inside the write transaction). */
static enum store_status existing_state(struct store *s, const char *uuid, bool *found,
	enum record_state *state, int64_t *created)
{
	sqlite3_stmt *st;
	*found = false;
	enum store_status rc = store_prepare(s, "SELECT state, created_at FROM records"
		" WHERE uuid = ?", &st);
	if (rc != STORE_OK)
		return rc;
	store_bind_text(st, 1, uuid);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		*found = true;
		if (!record_state_parse((const char *)sqlite3_column_text(st, 0), state))
			*state = STATE_FINAL;    /* unknown: never overwrite it */
		*created = sqlite3_column_int64(st, 1);
	} else if (step != SQLITE_DONE)
		rc = store_fail_sql(s, step, "records");
	sqlite3_finalize(st);
	return rc;
}

static enum store_status check_supersedes(struct store *s, const struct record *r)
{
	if (r->supersedes[0] == '\0')
		return STORE_OK;
	bool found;
	enum record_state state;
	int64_t created;
	enum store_status rc = existing_state(s, r->supersedes, &found, &state, &created);
	if (rc != STORE_OK)
		return rc;
	if (!found)
		return store_fail(s, STORE_REJECTED, _("Rekaman yang dikoreksi (%s) tidak ada."),
			r->supersedes);
	if (state == STATE_DRAFT)
		return store_fail(s, STORE_REJECTED, _("Rekaman %s masih draf: ubah saja "
			"drafnya, tidak perlu koreksi."), r->supersedes);
	return STORE_OK;
}

/* A correction answers the city's latest review of the record it corrects
 * when that sent it back (rejected or revisit); else 0. */
static enum store_status review_to_answer(struct store *s, const char *uuid, int64_t *out)
{
	sqlite3_stmt *st;
	enum store_status rc = store_prepare(s, "SELECT id, outcome FROM reviews WHERE uuid = ?"
		" ORDER BY id DESC LIMIT 1", &st);
	if (rc != STORE_OK)
		return rc;
	store_bind_text(st, 1, uuid);
	int step = sqlite3_step(st);
	*out = 0;
	if (step == SQLITE_ROW) {
		const char *outcome = (const char *)sqlite3_column_text(st, 1);
		if (outcome != NULL && (strcmp(outcome, "rejected") == 0 || strcmp(outcome, "revisit") == 0))
			*out = sqlite3_column_int64(st, 0);
	} else if (step != SQLITE_DONE)
		rc = store_fail_sql(s, step, "reviews");
	sqlite3_finalize(st);
	return rc;
}

/* Under the write lock: may this record be written, and with what id,
 * creation time, registry flag and operator? */
static enum store_status prepare_write(struct store *s, struct record *w)
{
	bool found = false;
	enum record_state state = STATE_DRAFT;
	int64_t created = 0;
	enum store_status rc = STORE_OK;
	if (w->uuid[0] != '\0') {
		rc = existing_state(s, w->uuid, &found, &state, &created);
		if (rc == STORE_OK && !found)
			rc = store_fail(s, STORE_NOT_FOUND, _("Rekaman %s tidak ada."), w->uuid);
		if (rc == STORE_OK && state != STATE_DRAFT)
			rc = store_fail(s, STORE_FROZEN, _("Rekaman sudah final dan tidak bisa "
				"diubah; buat rekaman koreksi."));
	} else {
		unsigned char bytes[16];
		randombytes_buf(bytes, sizeof bytes);
		record_uuid_format(bytes, w->uuid);
		created = store_now();
	}
	if (rc == STORE_OK)
		rc = check_supersedes(s, w);
	if (rc == STORE_OK && w->supersedes[0] != '\0' && w->answers_review == 0)
		rc = review_to_answer(s, w->supersedes, &w->answers_review);
	if (rc != STORE_OK)
		return rc;
	w->created_at = created;
	w->updated_at = store_now();
	w->state = STATE_DRAFT;
	w->finalised_at = 0;
	w->server_message[0] = '\0';
	/* in_registry is the fill-in's (registry_fill_record), set when the name
	 * and address were taken from the registry; a sync between that and this
	 * save must not make the record claim otherwise */
	if (w->operator_name[0] == '\0')
		store_copy(w->operator_name, sizeof w->operator_name, s->operator_name);
	return STORE_OK;
}

static void bind_optional_text(sqlite3_stmt *st, int i, const char *t)
{
	if (t[0] != '\0')
		store_bind_text(st, i, t);
	else
		sqlite3_bind_null(st, i);
}

/* Insert or update the draft row, then its photo rows. */
static enum store_status write_draft(struct store *s, const struct record *w)
{
	enum store_status rc = store_photos_check(s, w);
	sqlite3_stmt *st;
	if (rc == STORE_OK)
		rc = store_prepare(s, "INSERT INTO records (" RECORD_COLUMNS ", answers_review)"
			" VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '', ?21)"
			" ON CONFLICT (uuid) DO UPDATE SET nik = excluded.nik,"
			" in_registry = excluded.in_registry, name = excluded.name,"
			" address = excluded.address, kelurahan = excluded.kelurahan, kk = excluded.kk,"
			" decision = excluded.decision, reason = excluded.reason,"
			" reason_text = excluded.reason_text, notes = excluded.notes, lat = excluded.lat,"
			" lon = excluded.lon, coord_source = excluded.coord_source,"
			" coord_reason = excluded.coord_reason, operator = excluded.operator,"
			" supersedes = excluded.supersedes, updated_at = excluded.updated_at,"
			" answers_review = excluded.answers_review"
			" WHERE records.state = excluded.state", &st);
	if (rc != STORE_OK)
		return rc;
	const char *texts[] = { w->uuid, w->nik, NULL, w->name, w->address, w->kelurahan, w->kk,
		record_decision_code(w->decision), record_reason_code(w->reason), w->reason_text,
		w->notes };
	for (int i = 0; i < (int)(sizeof texts / sizeof texts[0]); i++)
		store_bind_text(st, i + 1, texts[i]);
	sqlite3_bind_int(st, 3, w->in_registry);
	if (w->has_coord) {
		sqlite3_bind_double(st, 12, w->lat);
		sqlite3_bind_double(st, 13, w->lon);
	}
	store_bind_text(st, 14, record_coord_source_code(w->has_coord ? w->coord_source : COORD_NONE));
	store_bind_text(st, 15, w->coord_reason);
	store_bind_text(st, 16, w->operator_name);
	bind_optional_text(st, 17, w->supersedes);
	store_bind_text(st, 18, record_state_code(STATE_DRAFT));
	sqlite3_bind_int64(st, 19, w->created_at);
	sqlite3_bind_int64(st, 20, w->updated_at);
	sqlite3_bind_int64(st, 21, w->answers_review);
	if ((rc = store_run(s, st, "records")) != STORE_OK)
		return rc;
	return store_photos_write(s, w);
}

/* "foto KTP belum dilampirkan; koordinat rumah belum ada" */
static enum store_status fail_problems(struct store *s, unsigned problems)
{
	char list[STORE_ERR_MAX - 64] = "";
	size_t used = 0;
	for (int p = 0; p < RECORD_PROBLEM_COUNT; p++) {
		if (!(problems & (1u << p)))
			continue;
		int n = snprintf(list + used, sizeof list - used, "%s%s", used > 0 ? "; " : "",
			gettext(record_problem_message((enum record_problem)p)));
		if (n < 0 || (size_t)n >= sizeof list - used)
			break;
		used += (size_t)n;
	}
	return store_fail(s, STORE_REJECTED, _("Rekaman belum bisa final: %s."), list);
}

static enum store_status freeze(struct store *s, struct record *w)
{
	sqlite3_stmt *st;
	int64_t now = store_now();
	enum store_status rc = store_prepare(s, "UPDATE records SET state = ?,"
		" finalised_at = ?, updated_at = ? WHERE uuid = ? AND state = ?", &st);
	if (rc != STORE_OK)
		return rc;
	store_bind_text(st, 1, record_state_code(STATE_FINAL));
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_int64(st, 3, now);
	store_bind_text(st, 4, w->uuid);
	store_bind_text(st, 5, record_state_code(STATE_DRAFT));
	if ((rc = store_run(s, st, "records")) != STORE_OK)
		return rc;
	if ((rc = store_prepare(s, "INSERT INTO outbox (uuid, queued_at) VALUES (?, ?)", &st))
		!= STORE_OK)
		return rc;
	store_bind_text(st, 1, w->uuid);
	sqlite3_bind_int64(st, 2, now);
	if ((rc = store_run(s, st, "outbox")) != STORE_OK)
		return rc;
	w->state = STATE_FINAL;
	w->finalised_at = now;
	w->updated_at = now;
	return STORE_OK;
}

static const struct store_final_copy *final_copy;

void store_set_final_copy(const struct store_final_copy *copy)
{
	final_copy = copy;
}

/* the copy of the record made final, before the commit that makes it so */
static enum store_status write_final_copy(struct store *s, const struct record *w)
{
	char err[STORE_ERR_MAX];
	if (final_copy == NULL || final_copy->write(s, w, err, sizeof err))
		return STORE_OK;
	return store_fail(s, STORE_IO, "%s", err);
}

/* Save as a draft, or (final) check the rules, save and freeze, all in one
 * transaction; r changes only when it succeeds. */
static enum store_status write_record(struct store *s, struct record *r, bool final,
	unsigned *problems)
{
	if (problems != NULL)
		*problems = 0;
	enum store_status rc = check_shape(s, r);
	if (rc != STORE_OK)
		return rc;
	struct record *w = malloc(sizeof *w);
	if (w == NULL)
		return store_fail(s, STORE_IO, _("Memori tidak cukup."));
	*w = *r;
	rc = store_begin(s);
	if (rc == STORE_OK)
		rc = prepare_write(s, w);
	if (rc == STORE_OK && final) {
		unsigned bits = record_check_final(w, time(NULL));
		if (problems != NULL)
			*problems = bits;
		if (bits != 0)
			rc = fail_problems(s, bits);
	}
	if (rc == STORE_OK)
		rc = write_draft(s, w);
	if (rc == STORE_OK && final)
		rc = freeze(s, w);
	bool copied = rc == STORE_OK && final && final_copy != NULL;
	if (copied)
		rc = write_final_copy(s, w);
	if (rc == STORE_OK)
		rc = store_commit(s);
	else
		store_rollback(s);
	if (rc != STORE_OK && copied)
		final_copy->undo(s, w->uuid);
	if (rc == STORE_OK)
		*r = *w;
	free(w);
	return rc;
}

enum store_status store_record_save(struct store *s, struct record *r)
{
	return write_record(s, r, false, NULL);
}

enum store_status store_record_finalise(struct store *s, struct record *r, unsigned *problems)
{
	return write_record(s, r, true, problems);
}

enum store_status store_record_delete_draft(struct store *s, const char *uuid)
{
	enum store_status rc = store_begin(s);
	bool found = false;
	enum record_state state = STATE_DRAFT;
	int64_t created;
	if (rc == STORE_OK)
		rc = existing_state(s, uuid, &found, &state, &created);
	if (rc == STORE_OK && !found)
		rc = store_fail(s, STORE_NOT_FOUND, _("Rekaman %s tidak ada."), uuid);
	if (rc == STORE_OK && state != STATE_DRAFT)
		rc = store_fail(s, STORE_FROZEN, _("Rekaman final tidak bisa dihapus."));
	sqlite3_stmt *st;
	if (rc == STORE_OK)
		rc = store_prepare(s, "DELETE FROM records WHERE uuid = ?", &st);
	if (rc == STORE_OK) {
		store_bind_text(st, 1, uuid);
		rc = store_run(s, st, "records");
	}
	if (rc == STORE_OK)
		rc = store_commit(s);
	else
		store_rollback(s);
	return rc;
}

/* ---- warnings that need other records ---- */

/* The record's own line of corrections (what it supersedes, and what
 * supersedes it) is not "another record". */
#define CHAIN_CTE \
	"WITH RECURSIVE up(u) AS (SELECT ?1 UNION SELECT ?2" \
	"   UNION SELECT r.supersedes FROM records r JOIN up ON r.uuid = up.u" \
	"   WHERE r.supersedes IS NOT NULL)," \
	" down(u) AS (SELECT ?1 UNION SELECT r.uuid FROM records r JOIN down ON r.supersedes = down.u)," \
	" chain(u) AS (SELECT u FROM up UNION SELECT u FROM down) "

/* Record o belongs to the KK: typed on it, or its NIK's in the registry
 * (a resident's record may leave kk empty). */
#define KK_OF_RECORD(kk) "(o.kk = " kk " OR o.nik IN (SELECT nik FROM residents WHERE kk = " kk "))"

/* Another current record of the KK whose house lies over FLAG_KK_FAR_M
 * from r's: the server flags it (house_far_from_kk); here the clerk's own
 * records only (a colleague's coordinates never come to this laptop). */
static bool kk_house_far(struct store *s, const struct record *r, const char *kk)
{
	sqlite3_stmt *st;
	if (!r->has_coord || kk[0] == '\0' || store_stmt_get(s, STMT_RECORD_KK_COORDS, CHAIN_CTE
		"SELECT lat, lon FROM records o WHERE " KK_OF_RECORD("?3") " AND lat IS NOT NULL AND lon IS NOT NULL"
		" AND uuid NOT IN chain AND NOT EXISTS (SELECT 1 FROM records c WHERE c.supersedes = o.uuid)",
		&st) != STORE_OK)
		return false;
	store_bind_text(st, 1, r->uuid);
	store_bind_text(st, 2, r->supersedes);
	store_bind_text(st, 3, kk);
	bool far = false;
	while (!far && sqlite3_step(st) == SQLITE_ROW)
		far = geo_distance_m(r->lat, r->lon, sqlite3_column_double(st, 0),
			sqlite3_column_double(st, 1)) > FLAG_KK_FAR_M;
	store_stmt_put(s, st);
	return far;
}

/* The NIK and the KK's layak are judged against this laptop's records and
 * against the kelurahan's shared progress (GET /progress: what colleagues
 * verified, by NIK), so a clerk is warned offline of a colleague's work too.
 * A progress row of this clerk is one of the records already; a colleague's
 * layak the city rejected in review is no layak. */
unsigned store_record_warnings(struct store *s, const struct record *r)
{
	struct resident res;
	char kk[NIK_LEN + 1];
	store_copy(kk, sizeof kk, r->kk);
	if (kk[0] == '\0' && r->nik[0] != '\0' && store_resident_get(s, r->nik, &res) == STORE_OK)
		memcpy(kk, res.kk, sizeof kk);
	sqlite3_stmt *st;
	if (store_stmt_get(s, STMT_RECORD_WARNINGS, CHAIN_CTE "SELECT"
		" EXISTS (SELECT 1 FROM records WHERE nik = ?3 AND uuid NOT IN chain)"
		"  OR EXISTS (SELECT 1 FROM progress WHERE nik = ?3 AND operator <> ?9),"
		" EXISTS (SELECT 1 FROM record_photos WHERE sha256 IN (?4, ?5, ?6)"
		"   AND uuid NOT IN chain),"
		" EXISTS (SELECT 1 FROM records o WHERE " KK_OF_RECORD("?7") " AND nik <> ?3 AND decision = ?8"
		"   AND uuid NOT IN chain"
		"   AND NOT EXISTS (SELECT 1 FROM records c WHERE c.supersedes = o.uuid))"
		"  OR EXISTS (SELECT 1 FROM residents m JOIN progress p ON p.nik = m.nik"
		"   WHERE m.kk = ?7 AND m.nik <> ?3 AND p.decision = ?8 AND p.operator <> ?9"
		"   AND p.review <> 'rejected')",
		&st) != STORE_OK)
		return 0;
	store_bind_text(st, 1, r->uuid);
	store_bind_text(st, 2, r->supersedes);
	store_bind_text(st, 3, r->nik);
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		if (r->photos[k].attached)
			store_bind_text(st, 4 + k, r->photos[k].sha256);
	if (kk[0] != '\0')
		store_bind_text(st, 7, kk);
	store_bind_text(st, 8, record_decision_code(DECISION_LAYAK));
	store_bind_text(st, 9, store_operator(s));
	unsigned bits = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		if (r->nik[0] != '\0' && sqlite3_column_int(st, 0))
			bits |= 1u << RECORD_WARN_NIK_DUPLICATE;
		if (sqlite3_column_int(st, 1))
			bits |= 1u << RECORD_WARN_PHOTO_REUSED;
		if (sqlite3_column_int(st, 2))
			bits |= 1u << RECORD_WARN_KK_LAYAK;
	}
	store_stmt_put(s, st);
	if (kk_house_far(s, r, kk))
		bits |= 1u << RECORD_WARN_KK_FAR;
	return bits;
}

/* ---- lists and counts ---- */

/* ... and the household is still this clerk's: one the city reassigned
 * goes to its new assignee's list (store_candidate_list) */
#define REVISIT_OPEN "(SELECT outcome FROM reviews v WHERE v.uuid = records.uuid" \
	" ORDER BY v.id DESC LIMIT 1) = 'revisit' AND NOT EXISTS (SELECT 1 FROM records c" \
	" WHERE c.supersedes = records.uuid AND c.state <> 'draft') AND NOT EXISTS (SELECT 1" \
	" FROM candidates k WHERE k.nik = records.nik AND k.assigned_to NOT IN ('', records.operator))"

static void list_sql(const struct store_filter *f, bool *by_nik, char *sql, size_t len)
{
	*by_nik = store_filter_by_nik(f);
	/* a household the city sent back for a visit comes first, until a
	 * final correction answers it */
	snprintf(sql, len, "SELECT " RECORD_READ_COLUMNS RECORD_REVIEW_COLUMNS " FROM records WHERE 1"
		"%s%s%s ORDER BY (" REVISIT_OPEN ") DESC, updated_at DESC, created_at DESC, uuid"
		" LIMIT ? OFFSET ?",
		f->state >= 0 ? " AND state = :state" : "",
		f->text == NULL || f->text[0] == '\0' ? "" : *by_nik
			? " AND nik >= :lo AND nik < :hi"
			: " AND name LIKE :like ESCAPE '\\'",
		f->rw != NULL && f->rw[0] != '\0' ? " AND EXISTS (SELECT 1 FROM residents"
			" WHERE residents.nik = records.nik AND residents.rw = :rw)" : "");
}

bool store_filter_by_nik(const struct store_filter *f)
{
	char digits[NIK_LEN + 1];
	return f->text != NULL && f->text[0] != '\0' && nik_normalise(f->text, digits) &&
		digits[0] != '\0';
}

static void bind_named(sqlite3_stmt *st, const char *name, const char *value)
{
	int i = sqlite3_bind_parameter_index(st, name);
	if (i > 0)
		store_bind_text(st, i, value);
}

void store_filter_bind(sqlite3_stmt *st, const struct store_filter *f, bool by_nik)
{
	if (f->state >= 0)
		bind_named(st, ":state", record_state_code((enum record_state)f->state));
	if (f->text != NULL && by_nik) {
		char lo[NIK_LEN + 1], hi[NIK_LEN + 2];
		nik_normalise(f->text, lo);
		snprintf(hi, sizeof hi, "%s:", lo);
		bind_named(st, ":lo", lo);
		bind_named(st, ":hi", hi);
	} else if (f->text != NULL && f->text[0] != '\0') {
		char like[RECORD_NAME_MAX * 2 + 3];
		store_like_pattern(f->text, like, sizeof like);
		bind_named(st, ":like", like);
	}
	if (f->rw != NULL && f->rw[0] != '\0') {
		char rw[8];
		long v = strtol(f->rw, NULL, 10);
		snprintf(rw, sizeof rw, "%03ld", v >= 0 && v < 1000 ? v : 0);
		bind_named(st, ":rw", rw);
	}
	int n = sqlite3_bind_parameter_count(st);
	sqlite3_bind_int64(st, n - 1, f->limit > 0 ? (sqlite3_int64)f->limit : -1);
	sqlite3_bind_int64(st, n, (sqlite3_int64)f->offset);
}

/* Visit the records; *status says whether the end was really reached. */
static size_t visit_records(struct store *s, const struct store_filter *f,
	bool (*each)(const struct record *r, void *ctx), void *ctx, enum store_status *status)
{
	char sql[2048];
	bool by_nik;
	sqlite3_stmt *st;
	list_sql(f, &by_nik, sql, sizeof sql);
	*status = store_prepare(s, sql, &st);
	if (*status != STORE_OK)
		return 0;
	store_filter_bind(st, f, by_nik);
	struct record *r = malloc(sizeof *r);
	size_t visited = 0;
	int rc = SQLITE_DONE;
	*status = r == NULL ? store_fail(s, STORE_IO, "%s", _("Memori tidak cukup.")) : STORE_OK;
	while (r != NULL && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		record_from_row(st, r);
		*status = store_photos_load(s, r->uuid, r);
		if (*status != STORE_OK)
			break;
		visited++;
		if (!each(r, ctx))
			break;
	}
	if (*status == STORE_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
		*status = store_fail_sql(s, rc, "records");
	sqlite3_finalize(st);
	free(r);
	return visited;
}

size_t store_record_list(struct store *s, const struct store_filter *f,
	bool (*each)(const struct record *r, void *ctx), void *ctx)
{
	enum store_status status;
	return visit_records(s, f, each, ctx, &status);
}

enum store_status store_record_each(struct store *s, const struct store_filter *f,
	bool (*each)(const struct record *r, void *ctx), void *ctx)
{
	enum store_status status;
	visit_records(s, f, each, ctx, &status);
	return status;
}

void store_record_counts(struct store *s, int64_t counts[STATE_COUNT])
{
	for (int i = 0; i < STATE_COUNT; i++)
		counts[i] = 0;
	sqlite3_stmt *st;
	if (store_stmt_get(s, STMT_RECORD_COUNTS,
		"SELECT state, count(*) FROM records GROUP BY state", &st) != STORE_OK)
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		enum record_state state;
		if (record_state_parse((const char *)sqlite3_column_text(st, 0), &state))
			counts[state] = sqlite3_column_int64(st, 1);
	}
	store_stmt_put(s, st);
}

/* ---- the city's reviews ---- */

enum store_status store_record_reviews(struct store *s, const char *uuid,
	bool (*each)(const struct store_review *r, void *ctx), void *ctx)
{
	sqlite3_stmt *st;
	enum store_status rc = store_prepare(s, "SELECT v.id, v.outcome, v.note, v.reviewer, v.at,"
		" (SELECT c.uuid FROM records c WHERE c.answers_review = v.id ORDER BY c.created_at"
		" LIMIT 1) FROM reviews v WHERE v.uuid = ? ORDER BY v.id", &st);
	if (rc != STORE_OK)
		return rc;
	store_bind_text(st, 1, uuid);
	struct store_review r;
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		r.id = sqlite3_column_int64(st, 0);
		store_column_text(st, 1, r.outcome, sizeof r.outcome);
		store_column_text(st, 2, r.note, sizeof r.note);
		store_column_text(st, 3, r.reviewer, sizeof r.reviewer);
		r.at = sqlite3_column_int64(st, 4);
		store_column_text(st, 5, r.answered_by, sizeof r.answered_by);
		if (!each(&r, ctx))
			break;
	}
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		rc = store_fail_sql(s, step, "reviews");
	sqlite3_finalize(st);
	return rc;
}
