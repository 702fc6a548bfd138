/* store/purge: less to lose on a shared laptop (issue 12).  A record the
 * server accepted more than N days ago (the profile's setting, 14 by
 * default) keeps on the laptop only what the worklist shows: uuid, NIK, KK,
 * kelurahan, outcome (decision and reason code), state, operator, the
 * dates, the server's message and the line of corrections.  Its name,
 * address, notes, written reason, coordinates, photo rows, the review
 * notes and the phone positions of its photos go, and so do its photo
 * files.
 *
 * Crash-safe in two steps: (1) one transaction empties a batch of records
 * and lists in purge_files the photo files no row names any more; (2) each
 * listed file is unlinked, then its row deleted.  A kill leaves each record
 * whole or purged, and a file listed but still there: the next run (after
 * a sync, at the screens' start) finishes it.  A file is never removed
 * before the database says so. */
#include "config.h"
#include "store.h"
#include "store_int.h"
#include "i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define META_PURGE_DAYS "purge.days"
#define PURGE_BATCH "200"      /* records per transaction */
#define DAY_SECONDS 86400

/* What a purge may empty: accepted (or flagged: the server holds it) long
 * enough ago, not purged yet, not in the queue, no photo the server still
 * waits for (photo_queue), not sent back by the city
 * without a final correction answering it, no draft correction open. */
#define PURGE_DUE "state IN ('accepted', 'flagged') AND purged_at IS NULL" \
	" AND accepted_at IS NOT NULL AND accepted_at <= :cutoff" \
	" AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.uuid = records.uuid)" \
	" AND NOT EXISTS (SELECT 1 FROM photo_queue q WHERE q.uuid = records.uuid)" \
	" AND NOT EXISTS (SELECT 1 FROM records d WHERE d.supersedes = records.uuid" \
	"  AND d.state = 'draft')" \
	" AND NOT (coalesce((SELECT v.outcome FROM reviews v WHERE v.uuid = records.uuid" \
	"  ORDER BY v.id DESC LIMIT 1), '') IN ('revisit', 'rejected')" \
	"  AND NOT EXISTS (SELECT 1 FROM records c WHERE c.supersedes = records.uuid" \
	"  AND c.state <> 'draft'))"

int64_t store_purge_days(struct store *s)
{
	char buf[32] = "";
	if (!store_meta_get(s, META_PURGE_DAYS, buf, sizeof buf) || buf[0] == '\0')
		return STORE_PURGE_DAYS_DEFAULT;
	return strtoll(buf, NULL, 10);
}

enum store_status store_purge_days_set(struct store *s, int64_t days)
{
	if (days < 0 || days > STORE_PURGE_DAYS_MAX)
		return store_fail(s, STORE_REJECTED, _("Lama simpan harus 0 sampai %d hari."),
			STORE_PURGE_DAYS_MAX);
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", (long long)days);
	return store_meta_set(s, META_PURGE_DAYS, buf);
}

static enum store_status exec_cutoff(struct store *s, const char *sql, int64_t cutoff)
{
	sqlite3_stmt *st;
	enum store_status rc = store_prepare(s, sql, &st);
	if (rc != STORE_OK)
		return rc;
	int at = sqlite3_bind_parameter_index(st, ":cutoff");
	if (at > 0)
		sqlite3_bind_int64(st, at, cutoff);
	return store_run(s, st, "purge");
}

/* Step 1 for at most PURGE_BATCH records, in one transaction; *done gets
 * how many. */
static enum store_status purge_batch(struct store *s, int64_t cutoff, int64_t now,
	int64_t *done)
{
	*done = 0;
	enum store_status rc = store_begin(s);
	if (rc == STORE_OK)
		rc = store_exec(s, "CREATE TEMP TABLE IF NOT EXISTS purge_now"
			" (uuid TEXT PRIMARY KEY) WITHOUT ROWID; DELETE FROM purge_now");
	if (rc == STORE_OK)
		rc = exec_cutoff(s, "INSERT INTO purge_now SELECT uuid FROM records WHERE "
			PURGE_DUE " ORDER BY accepted_at LIMIT " PURGE_BATCH, cutoff);
	if (rc == STORE_OK)
		*done = store_count(s, "SELECT count(*) FROM purge_now");
	char sql[256];
	snprintf(sql, sizeof sql, "UPDATE records SET purged_at = %lld, name = '', address = '',"
		" reason_text = '', notes = '', lat = NULL, lon = NULL, coord_reason = ''"
		" WHERE uuid IN (SELECT uuid FROM purge_now)", (long long)now);
	if (rc == STORE_OK && *done > 0)
		rc = store_exec(s, sql);
	/* the files of these photos, unless another record still names them */
	if (rc == STORE_OK && *done > 0)
		rc = store_exec(s, "UPDATE reviews SET note = '' WHERE uuid IN (SELECT uuid FROM purge_now);"
			"CREATE TEMP TABLE IF NOT EXISTS purge_photos (sha256 TEXT PRIMARY KEY) WITHOUT ROWID;"
			"DELETE FROM purge_photos;"
			"INSERT OR IGNORE INTO purge_photos SELECT sha256 FROM record_photos"
			" WHERE uuid IN (SELECT uuid FROM purge_now);"
			"DELETE FROM record_photos WHERE uuid IN (SELECT uuid FROM purge_now);"
			"DELETE FROM purge_photos WHERE sha256 IN (SELECT sha256 FROM record_photos);"
			"DELETE FROM phone_positions WHERE sha256 IN (SELECT sha256 FROM purge_photos);"
			"INSERT OR IGNORE INTO purge_files SELECT sha256 FROM purge_photos;");
	if (rc != STORE_OK)
		*done = 0;
	return store_finish(s, rc);
}

/* Step 2 for one listed file: under the write lock, so no save can name it
 * between the look and the unlink; a row that names it again (the same
 * photo picked anew) keeps it. */
static enum store_status remove_listed_file(struct store *s, const char *sha256, bool *removed)
{
	char path[PATH_MAX];
	sqlite3_stmt *st;
	*removed = false;
	enum store_status rc = store_begin(s);
	if (rc == STORE_OK)
		rc = store_prepare(s, "SELECT EXISTS (SELECT 1 FROM record_photos WHERE sha256 = ?1)",
			&st);
	bool named = false;
	if (rc == STORE_OK) {
		store_bind_text(st, 1, sha256);
		named = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
		sqlite3_finalize(st);
	}
	if (rc == STORE_OK && !named && store_photo_path(s, sha256, path, sizeof path)) {
		if (unlink(path) == 0) {
			*removed = true;
			*strrchr(path, '/') = '\0';
			common_fsync_dir(path);
		} else if (errno != ENOENT)
			rc = store_fail(s, STORE_IO, _("File foto %.12s… tidak bisa dihapus: %s."),
				sha256, strerror(errno));
	}
	if (rc == STORE_OK)
		rc = store_prepare(s, "DELETE FROM purge_files WHERE sha256 = ?1", &st);
	if (rc == STORE_OK) {
		store_bind_text(st, 1, sha256);
		rc = store_run(s, st, "purge_files");
	}
	return store_finish(s, rc);
}

static enum store_status remove_listed_files(struct store *s, int64_t *photos)
{
	for (;;) {
		char sha256[65] = "";
		sqlite3_stmt *st;
		enum store_status rc = store_prepare(s, "SELECT sha256 FROM purge_files LIMIT 1", &st);
		if (rc != STORE_OK)
			return rc;
		int step = sqlite3_step(st);
		if (step == SQLITE_ROW)
			store_column_text(st, 0, sha256, sizeof sha256);
		sqlite3_finalize(st);
		if (step == SQLITE_DONE)
			return STORE_OK;
		if (step != SQLITE_ROW)
			return store_fail_sql(s, step, "purge_files");
		bool removed;
		if ((rc = remove_listed_file(s, sha256, &removed)) != STORE_OK)
			return rc;
		*photos += removed;
	}
}

bool store_purge_pending(struct store *s, int64_t now)
{
	int64_t days = store_purge_days(s);
	char sql[1024];
	snprintf(sql, sizeof sql, "SELECT EXISTS (SELECT 1 FROM purge_files)%s", days > 0 ?
		" OR EXISTS (SELECT 1 FROM records WHERE " PURGE_DUE ")" : "");
	sqlite3_stmt *st;
	if (store_prepare(s, sql, &st) != STORE_OK)
		return false;
	int at = sqlite3_bind_parameter_index(st, ":cutoff");
	if (at > 0)
		sqlite3_bind_int64(st, at, now - days * DAY_SECONDS);
	bool due = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return due;
}

enum store_status store_purge(struct store *s, int64_t now, struct store_purge_result *out)
{
	struct store_purge_result r = { 0, 0 };
	enum store_status rc = STORE_OK;
	int64_t days = store_purge_days(s);
	/* first what an interrupted run left, then the records due now */
	rc = remove_listed_files(s, &r.photos);
	for (int64_t n = 1; rc == STORE_OK && days > 0 && n > 0;) {
		rc = purge_batch(s, now - days * DAY_SECONDS, now, &n);
		r.records += n;
		if (rc == STORE_OK)
			rc = remove_listed_files(s, &r.photos);
	}
	if (rc == STORE_OK && (r.records > 0 || r.photos > 0)) {
		/* the emptied pages leave the WAL for the main file, whose freed
		 * space secure_delete has zeroed */
		sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
	}
	if (out != NULL)
		*out = r;
	return rc;
}

enum store_status store_purge_due(struct store *s, struct store_purge_result *out)
{
	int64_t now = store_now();
	if (!store_purge_pending(s, now)) {
		if (out != NULL)
			out->records = out->photos = 0;
		return STORE_OK;
	}
	return store_purge(s, now, out);
}

bool store_photo_attached(struct store *s, const char *sha256)
{
	sqlite3_stmt *st;
	if (store_prepare(s, "SELECT EXISTS (SELECT 1 FROM record_photos WHERE sha256 = ?1"
		" OR original_sha256 = ?1)", &st) != STORE_OK)
		return false;
	store_bind_text(st, 1, sha256);
	bool found = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	return found;
}
