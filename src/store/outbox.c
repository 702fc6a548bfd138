/* store/outbox: the queue the sync engine works from.
 * A row exists from the moment a record is final until the server has
 * answered for it for good (accepted, flagged or quarantined).  Each step is
 * committed before the next begins, so after a crash anywhere the row is
 * still there and the record is simply sent again; the server dedupes by
 * uuid. */
#include "config.h"
#include "store.h"
#include "store_int.h"
#include "i18n.h"

#include <string.h>

size_t store_outbox_due(struct store *s, int64_t now, struct store_outbox_item *out, size_t max)
{
	sqlite3_stmt *st;
	if (max == 0 || store_prepare(s, "SELECT uuid, attempts, next_attempt_at, queued_at,"
		" last_error FROM outbox WHERE next_attempt_at <= ?"
		" ORDER BY next_attempt_at, queued_at, uuid LIMIT ?", &st) != STORE_OK)
		return 0;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	size_t n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		struct store_outbox_item *it = &out[n++];
		memset(it, 0, sizeof *it);
		store_column_text(st, 0, it->uuid, sizeof it->uuid);
		it->attempts = sqlite3_column_int(st, 1);
		it->next_attempt_at = sqlite3_column_int64(st, 2);
		it->queued_at = sqlite3_column_int64(st, 3);
		store_column_text(st, 4, it->last_error, sizeof it->last_error);
	}
	sqlite3_finalize(st);
	return n;
}

int64_t store_outbox_count(struct store *s)
{
	return store_count(s, "SELECT count(*) FROM outbox");
}

/* One statement inside the caller's transaction, with ?1 = uuid,
 * ?2 = text, ?3 = number (each used or not); NOT_FOUND when it touched no
 * row. */
static enum store_status exec_bound(struct store *s, const char *sql, const char *uuid,
	const char *text, int64_t number)
{
	sqlite3_stmt *st;
	enum store_status rc = store_prepare(s, sql, &st);
	if (rc != STORE_OK)
		return rc;
	store_bind_text(st, 1, uuid);
	store_bind_text(st, 2, text);      /* SQLITE_RANGE when unused: harmless */
	sqlite3_bind_int64(st, 3, number);
	rc = store_run(s, st, "outbox");
	if (rc == STORE_OK && sqlite3_changes(s->db) == 0)
		rc = store_fail(s, STORE_NOT_FOUND, _("Rekaman %s tidak ada di antrean kirim."), uuid);
	return rc;
}

static enum store_status finish(struct store *s, enum store_status rc)
{
	if (rc == STORE_OK)
		return store_commit(s);
	store_rollback(s);
	return rc;
}

enum store_status store_outbox_sending(struct store *s, const char *uuid)
{
	enum store_status rc = store_begin(s);
	if (rc == STORE_OK)
		rc = exec_bound(s, "UPDATE outbox SET attempts = attempts + 1, state = ?2"
			" WHERE uuid = ?1", uuid, "sending", 0);
	if (rc == STORE_OK)
		rc = exec_bound(s, "UPDATE records SET state = ?2, updated_at = ?3 WHERE uuid = ?1",
			uuid, record_state_code(STATE_SENDING), store_now());
	return finish(s, rc);
}

enum store_status store_outbox_retry(struct store *s, const char *uuid,
	int64_t next_attempt_at, const char *error)
{
	enum store_status rc = store_begin(s);
	if (rc == STORE_OK)
		rc = exec_bound(s, "UPDATE outbox SET state = 'pending', last_error = ?2,"
			" next_attempt_at = ?3 WHERE uuid = ?1", uuid, error, next_attempt_at);
	return finish(s, rc);
}

static enum store_status settle(struct store *s, const char *uuid,
	enum record_state state, const char *server_message, bool photos_later)
{
	if (state != STATE_ACCEPTED && state != STATE_FLAGGED && state != STATE_QUARANTINED)
		return store_fail(s, STORE_REJECTED, _("Status akhir tidak sah."));
	enum store_status rc = store_begin(s);
	sqlite3_stmt *st;
	/* a correction the server took replaces the record it names: the
	 * photos that record still waited for are not needed any more */
	if (rc == STORE_OK && state != STATE_QUARANTINED && store_prepare(s, "DELETE FROM photo_queue"
		" WHERE uuid = (SELECT supersedes FROM records WHERE uuid = ?)", &st) == STORE_OK) {
		store_bind_text(st, 1, uuid);
		rc = store_run(s, st, "photo_queue");
	}
	/* its photos go after every record, in this transaction's queue */
	if (rc == STORE_OK && photos_later && store_prepare(s, "INSERT OR IGNORE INTO photo_queue"
		" (uuid, kind, sha256, size) SELECT uuid, kind, sha256, size FROM record_photos"
		" WHERE uuid = ?", &st) == STORE_OK) {
		store_bind_text(st, 1, uuid);
		rc = store_run(s, st, "photo_queue");
	}
	if (rc == STORE_OK)
		rc = store_prepare(s, "UPDATE records SET state = ?1, server_message = ?2,"
			" updated_at = ?3, accepted_at = CASE WHEN ?1 IN ('accepted', 'flagged')"
			" THEN coalesce(accepted_at, ?3) END WHERE uuid = ?4 AND state <> ?5", &st);
	if (rc == STORE_OK) {
		store_bind_text(st, 1, record_state_code(state));
		store_bind_text(st, 2, server_message);
		sqlite3_bind_int64(st, 3, store_now());
		store_bind_text(st, 4, uuid);
		store_bind_text(st, 5, record_state_code(STATE_DRAFT));
		rc = store_run(s, st, "records");
	}
	if (rc == STORE_OK && sqlite3_changes(s->db) == 0)
		rc = store_fail(s, STORE_NOT_FOUND, _("Rekaman final %s tidak ada."), uuid);
	/* the outbox row may already be gone (a later review outcome) */
	if (rc == STORE_OK && store_prepare(s, "DELETE FROM outbox WHERE uuid = ?", &st) == STORE_OK) {
		store_bind_text(st, 1, uuid);
		rc = store_run(s, st, "outbox");
	}
	return finish(s, rc);
}

enum store_status store_record_settle(struct store *s, const char *uuid,
	enum record_state state, const char *server_message)
{
	return settle(s, uuid, state, server_message, false);
}

enum store_status store_record_settle_photos_later(struct store *s, const char *uuid,
	enum record_state state, const char *server_message)
{
	return settle(s, uuid, state, server_message, true);
}

enum store_status store_photo_queue_next(struct store *s, int64_t skip,
	struct store_queued_photo *out)
{
	sqlite3_stmt *st;
	memset(out, 0, sizeof *out);
	enum store_status rc = store_prepare(s, "SELECT q.uuid, q.kind, q.sha256, q.size"
		" FROM photo_queue q JOIN records r ON r.uuid = q.uuid"
		" ORDER BY r.finalised_at, q.uuid, CASE q.kind WHEN 'ktp' THEN 0"
		" WHEN 'kk' THEN 1 ELSE 2 END LIMIT 1 OFFSET ?", &st);
	if (rc != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, skip);
	int step = sqlite3_step(st);
	char kind[16] = "";
	if (step == SQLITE_ROW) {
		store_column_text(st, 0, out->uuid, sizeof out->uuid);
		store_column_text(st, 1, kind, sizeof kind);
		store_column_text(st, 2, out->sha256, sizeof out->sha256);
		out->size = sqlite3_column_int64(st, 3);
		/* the table's CHECK lets only the three kinds in */
		(void)record_photo_kind_parse(kind, &out->kind);
	} else if (step == SQLITE_DONE)
		rc = STORE_NOT_FOUND;
	else
		rc = store_fail_sql(s, step, "photo_queue");
	sqlite3_finalize(st);
	return rc;
}

enum store_status store_photo_queue_done(struct store *s, const char *uuid, enum photo_kind kind)
{
	sqlite3_stmt *st;
	enum store_status rc = store_prepare(s, "DELETE FROM photo_queue WHERE uuid = ? AND kind = ?",
		&st);
	if (rc != STORE_OK)
		return rc;
	store_bind_text(st, 1, uuid);
	store_bind_text(st, 2, record_photo_kind_code(kind));
	return store_run(s, st, "photo_queue");
}

enum store_status store_photo_queue_refused(struct store *s, const char *uuid, const char *why)
{
	enum store_status rc = store_begin(s);
	if (rc == STORE_OK)
		rc = exec_bound(s, "UPDATE records SET server_message = ?2, updated_at = ?3"
			" WHERE uuid = ?1", uuid, why, store_now());
	return finish(s, rc);
}
