/* store/sync_store: what the sync engine keeps on disk (store code, built
 * into the store library like the rest of the client's SQL; declared at the
 * end of include/store.h).
 *   - the session: its tokens in files of their own, never in the database
 *     (backups and exports of sigacor.db then never carry them): the
 *     deposit token clear (0600), the session token sealed with the data
 *     key in a keyed profile (doc/STORE.md "The session's tokens");
 *   - registry pages written together with their cursor, and the swap to a
 *     finished pass;
 *   - the changes feed applied together with its cursor;
 *   - a record whose sending stopped back in the queue;
 *   - the counts of what exists only on this laptop. */
#include "config.h"
#include "store.h"
#include "format.h"
#include "store_int.h"
#include "i18n.h"
#include "photo.h"
#include "vault.h"
#include "crashpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* the session token in clear: a clear profile's, or a keyed profile's from
 * a server before deposit tokens (a locked sync needs it), or of a profile
 * logged in before them (until its next unlocked sync) */
#define TOKEN_FILE "session-token"
/* the session token sealed with the data key (a keyed profile) */
#define SEALED_TOKEN_FILE "session-token.sgv"
/* the deposit token, clear: only the sealed deposit endpoints take it */
#define DEPOSIT_TOKEN_FILE "deposit-token"
#define TOKEN_MAX 512

/* meta key of the changes feed */
#define KEY_CHANGES_CURSOR "sync.changes.cursor"
/* the store's own counter of residents imports (residents.c): a pass of
 * the pull takes its number from the same sequence */
#define KEY_IMPORT_BATCH "residents_import_batch"


/* ---------------------------------------------------------------- session */

static bool token_path_in(const char *dir, const char *name, char *buf, size_t len)
{
	return snprintf(buf, len, "%s/%s", dir, name) < (int)len;
}

static bool token_path(const struct store *s, const char *name, char *buf, size_t len)
{
	return token_path_in(store_dir(s), name, buf, len);
}

static bool token_valid(const char *token, size_t min)
{
	size_t n = strlen(token);
	return n >= min && n <= TOKEN_MAX && strpbrk(token, "\r\n") == NULL;
}

/* one line in a clear file of its own (0600, written whole) */
static bool write_clear_token(const char *path, const char *token)
{
	char line[TOKEN_MAX + 2];
	size_t n = (size_t)snprintf(line, sizeof line, "%s\n", token);
	bool ok = common_write_file(path, line, n);
	memset(line, 0, sizeof line);
	return ok;
}

/* The first line of a clear token file; false when it is missing, not a
 * plain file of ours, or empty. */
static bool read_clear_token(const char *path, char *buf, size_t len)
{
	if (len == 0)
		return false;
	buf[0] = '\0';
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat sb;
	/* ours, a plain file; others' bits are taken away, not trusted */
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_uid != geteuid() ||
		sb.st_size <= 0 || sb.st_size > TOKEN_MAX + 1) {
		close(fd);
		return false;
	}
	if ((sb.st_mode & 077) != 0)
		fchmod(fd, 0600);
	char tmp[TOKEN_MAX + 2];
	ssize_t n = read(fd, tmp, sizeof tmp - 1);
	close(fd);
	if (n <= 0)
		return false;
	tmp[n] = '\0';
	tmp[strcspn(tmp, "\r\n")] = '\0';
	size_t tl = strlen(tmp);
	bool ok = tl > 0 && tl < len;
	if (ok)
		memcpy(buf, tmp, tl + 1);
	memset(tmp, 0, sizeof tmp);
	return ok;
}

static bool read_sealed_token(const struct store *s, const char *path, char *buf, size_t len)
{
	unsigned char *data = NULL;
	size_t n = 0;
	if (len == 0 || !vault_open_file(s->vault, path, &data, &n))
		return false;
	bool ok = n > 0 && n < len && memchr(data, '\0', n) == NULL;
	if (ok) {
		memcpy(buf, data, n);
		buf[n] = '\0';
		ok = token_valid(buf, 1);
	}
	sodium_memzero(data, n);
	free(data);
	if (!ok)
		buf[0] = '\0';
	return ok;
}

static bool file_exists(const struct store *s, const char *name)
{
	char path[PATH_MAX];
	return token_path(s, name, path, sizeof path) && access(path, F_OK) == 0;
}

static bool remove_token_file(const struct store *s, const char *name)
{
	char path[PATH_MAX];
	return token_path(s, name, path, sizeof path) && (unlink(path) == 0 || errno == ENOENT);
}

/* Where the session token goes: sealed in a keyed profile that has a
 * deposit token (written first), else clear.  A clear one left from before
 * goes only once the sealed one is on disk, so a kill leaves one of them. */
static bool write_session_token(struct store *s, const char *token, bool sealed)
{
	char path[PATH_MAX];
	if (!token_path(s, sealed ? SEALED_TOKEN_FILE : TOKEN_FILE, path, sizeof path))
		return false;
	if (!sealed)
		return write_clear_token(path, token);
	if (!vault_seal_file(s->vault, path, (const unsigned char *)token, strlen(token)))
		return false;
	crashpoint("token.sealed_beside_clear");
	if (!remove_token_file(s, TOKEN_FILE))
		return false;
	crashpoint("token.clear_removed");
	return common_fsync_dir(store_dir(s));
}

enum store_status store_token_save(struct store *s, const char *token, const char *deposit)
{
	char path[PATH_MAX];
	if (!token_valid(token, 1) || !token_valid(deposit, 0))
		return store_fail(s, STORE_REJECTED, "%s", _("Token sesi dari server tidak sah."));
	if (!token_path(s, DEPOSIT_TOKEN_FILE, path, sizeof path))
		return store_fail(s, STORE_IO, "%s", _("Folder data terlalu panjang."));
	bool ok;
	if (deposit[0] == '\0')
		/* a server before deposit tokens: a locked sync sends with the
		 * session token, so it stays clear, and nothing of an older
		 * session may be taken instead */
		ok = remove_token_file(s, SEALED_TOKEN_FILE) && remove_token_file(s, DEPOSIT_TOKEN_FILE)
			&& write_session_token(s, token, false);
	else
		ok = write_clear_token(path, deposit) && write_session_token(s, token, s->vault != NULL);
	if (!ok)
		return store_fail(s, STORE_IO, _("Token sesi tidak bisa disimpan di %s: %s."),
			store_dir(s), strerror(errno));
	return STORE_OK;
}

/* A keyed profile's session token still clear beside a deposit token (a
 * profile keyed after its login, or a save cut short): sealed now. */
static void seal_clear_token(struct store *s, const char *token)
{
	if (s->vault != NULL && file_exists(s, DEPOSIT_TOKEN_FILE))
		write_session_token(s, token, true);
}

bool store_token_load(struct store *s, char *buf, size_t len)
{
	char path[PATH_MAX];
	if (s->vault != NULL && token_path(s, SEALED_TOKEN_FILE, path, sizeof path)
		&& access(path, F_OK) == 0) {
		if (!read_sealed_token(s, path, buf, len))
			return false;
		if (file_exists(s, TOKEN_FILE) && file_exists(s, DEPOSIT_TOKEN_FILE))
			remove_token_file(s, TOKEN_FILE);       /* a save cut short */
		return true;
	}
	if (!token_path(s, TOKEN_FILE, path, sizeof path) || !read_clear_token(path, buf, len))
		return false;
	seal_clear_token(s, buf);
	return true;
}

bool store_token_deposit_due(const struct store *s)
{
	return s->vault != NULL && !file_exists(s, DEPOSIT_TOKEN_FILE);
}

bool store_deposit_token_read(const char *dir, char *buf, size_t len)
{
	char path[PATH_MAX];
	return (token_path_in(dir, DEPOSIT_TOKEN_FILE, path, sizeof path)
			&& read_clear_token(path, buf, len))
		|| (token_path_in(dir, TOKEN_FILE, path, sizeof path) && read_clear_token(path, buf, len));
}

enum store_status store_token_delete(struct store *s)
{
	static const char *const files[] = { TOKEN_FILE, SEALED_TOKEN_FILE, DEPOSIT_TOKEN_FILE };
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
		if (!remove_token_file(s, files[i]))
			return store_fail(s, STORE_IO, _("Token sesi tidak bisa dihapus dari %s: %s."),
				store_dir(s), strerror(errno));
	common_fsync_dir(store_dir(s));
	return STORE_OK;
}

/* ---------------------------------------------------------------- the queue */

enum store_status store_sync_requeue(struct store *s, const char *uuid,
	int64_t next_attempt_at, const char *error)
{
	sqlite3_stmt *st;
	enum store_status rc = store_begin(s);
	if (rc == STORE_OK)
		rc = store_prepare(s, "UPDATE outbox SET state = 'pending', last_error = ?,"
			" next_attempt_at = ? WHERE uuid = ?", &st);
	if (rc == STORE_OK) {
		store_bind_text(st, 1, error);
		sqlite3_bind_int64(st, 2, next_attempt_at);
		store_bind_text(st, 3, uuid);
		rc = store_run(s, st, "outbox");
	}
	if (rc == STORE_OK && sqlite3_changes(s->db) == 0)
		rc = store_fail(s, STORE_NOT_FOUND, _("Rekaman %s tidak ada di antrean kirim."), uuid);
	/* only a record still marked as being sent goes back to "final" */
	if (rc == STORE_OK)
		rc = store_prepare(s, "UPDATE records SET state = ?, updated_at = ?"
			" WHERE uuid = ? AND state = ?", &st);
	if (rc == STORE_OK) {
		store_bind_text(st, 1, record_state_code(STATE_FINAL));
		sqlite3_bind_int64(st, 2, store_now());
		store_bind_text(st, 3, uuid);
		store_bind_text(st, 4, record_state_code(STATE_SENDING));
		rc = store_run(s, st, "records");
	}
	return store_finish(s, rc);
}

enum store_status store_sync_local_only(struct store *s, struct store_local_only *out)
{
	memset(out, 0, sizeof *out);
	sqlite3_stmt *st;
	enum store_status rc = store_prepare(s, "SELECT"
		" (SELECT count(*) FROM records WHERE state = 'draft'),"
		" (SELECT count(*) FROM outbox),"
		" (SELECT count(*) FROM records WHERE state = 'quarantined'),"
		" (SELECT count(*) FROM record_photos WHERE uuid IN (SELECT uuid FROM outbox))"
		"  + (SELECT count(*) FROM photo_queue),"
		" (SELECT coalesce(sum(size), 0) FROM record_photos"
		"   WHERE uuid IN (SELECT uuid FROM outbox))"
		"  + (SELECT coalesce(sum(size), 0) FROM photo_queue),"
		" (SELECT count(DISTINCT uuid) FROM photo_queue)", &st);
	if (rc != STORE_OK)
		return rc;
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW) {
		out->drafts = sqlite3_column_int64(st, 0);
		out->queued = sqlite3_column_int64(st, 1);
		out->quarantined = sqlite3_column_int64(st, 2);
		out->queued_photos = sqlite3_column_int64(st, 3);
		out->queued_bytes = sqlite3_column_int64(st, 4);
		out->photos_waiting = sqlite3_column_int64(st, 5);
	} else
		rc = store_fail_sql(s, step, "outbox");
	sqlite3_finalize(st);
	return rc;
}

enum store_status store_photo_verify(struct store *s, const char *sha256, int64_t size)
{
	unsigned char *data;
	size_t len;
	enum store_status st = store_photo_bytes(s, sha256, &data, &len);
	free(data);
	if (st == STORE_OK && size >= 0 && (int64_t)len != size)
		return store_fail(s, STORE_REJECTED, _("File foto %.12s… berubah atau rusak di "
			"laptop ini."), sha256);
	return st;
}

/* ---------------------------------------------------------------- registry pull */

/* A pass writes its pages into a staging table with the residents' columns
 * and no index but its rowid (the line in the pass): rows arrive in the
 * server's order, not by NIK, and an indexed table would take them one
 * random B-tree page at a time (thousands of pages written for 1,000
 * residents with a small cache).  Each page goes in with its cursor, so a
 * kill resumes; when the last page arrives the staging table becomes the
 * copy by a rename, and its indexes are built once, sorted (doc/STORE.md).
 * residents_pull was the staging table of versions that copied it into
 * the copy row by row: a pass they began is begun again. */
#define STAGING "residents_next"
#define STAGING_CREATE "CREATE TABLE IF NOT EXISTS " STAGING " (" STORE_RESIDENTS_COLUMNS ")"
/* the page cache while the indexes are built (their sorts spill to a
 * temporary file beyond it), then back to the store's usual 2 MB */
#define REBUILD_CACHE_PRAGMA "PRAGMA cache_size = -4096"

static bool staging_exists(struct store *s)
{
	sqlite3_stmt *st;
	if (store_prepare(s, "SELECT 1 FROM sqlite_master WHERE type = 'table'"
		" AND name = '" STAGING "'", &st) != STORE_OK)
		return false;
	bool yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

enum store_status store_sync_residents_state(struct store *s, struct store_pull_state *out)
{
	store_pull_state_load(s, "sync.residents", out);
	/* a pass begun by a version that wrote into the copy directly, or
	 * into residents_pull, has no staged pages here: begin it again
	 * rather than finish it with a hole */
	if (out->batch > 0 && !staging_exists(s))
		out->batch = 0;
	return STORE_OK;
}

/* the staging table of a new pass, empty */
static enum store_status open_staging(struct store *s)
{
	enum store_status rc = store_exec(s, "DROP TABLE IF EXISTS residents_pull");
	if (rc == STORE_OK)
		rc = store_exec(s, STAGING_CREATE);
	if (rc == STORE_OK)
		rc = store_exec(s, "DELETE FROM " STAGING);
	return rc;
}

enum store_status store_sync_residents_begin(struct store *s, const char *snapshot, int64_t total)
{
	/* numbered like the imports: a number never used by one or a pass */
	return store_pull_begin(s, "sync.residents", KEY_IMPORT_BATCH, snapshot, total,
		open_staging);
}

/* the server checked the birth dates against its own clock */
static bool resident_item_ok(const void *item)
{
	return registry_check(item, REGISTRY_ANY_DAY).problem == REGISTRY_OK;
}

/* the page outlives its rows' steps: bound without a copy */
static void bind_resident(sqlite3_stmt *st, const void *item, int64_t batch, int64_t line)
{
	const struct resident *r = item;
	sqlite3_bind_int64(st, 1, line);
	for (int f = 0; f < REGISTRY_FIELD_COUNT; f++)
		store_bind_text_kept(st, f + 2, registry_field_value(r, (enum registry_field)f));
	sqlite3_bind_int64(st, REGISTRY_FIELD_COUNT + 2, batch);
}

/* The NIK's unique index.  A NIK the server sent twice keeps its later
 * row, as the server meant: the earlier rows go and the index is built
 * again (only then is the table sorted twice). */
static enum store_status build_nik_index(struct store *s)
{
	int rc_sql = sqlite3_exec(s->db, STORE_RESIDENTS_NIK_INDEX, NULL, NULL, NULL);
	if (rc_sql == SQLITE_OK)
		return STORE_OK;
	if ((rc_sql & 0xff) != SQLITE_CONSTRAINT)
		return store_fail_sql(s, rc_sql, "residents");
	enum store_status rc = store_exec(s, "DELETE FROM residents WHERE rowid NOT IN"
		" (SELECT max(rowid) FROM residents GROUP BY nik)");
	if (rc == STORE_OK)
		rc = store_exec(s, STORE_RESIDENTS_NIK_INDEX);
	return rc;
}

/* The pass is whole: it replaces the copy (residents the city no longer
 * lists, or a CSV imported by hand, go).  The old copy is dropped and the
 * staging table renamed in its place; the NIK and kk indexes and the name
 * index are built once, from the whole table. */
static enum store_status rebuild_copy(struct store *s, int64_t batch)
{
	(void)batch;           /* each staged row has it already */
	enum store_status rc = store_exec(s, REBUILD_CACHE_PRAGMA);
	if (rc == STORE_OK)
		rc = store_exec(s, "DROP TABLE residents");
	if (rc == STORE_OK)
		rc = store_exec(s, "ALTER TABLE " STAGING " RENAME TO residents");
	if (rc == STORE_OK)
		rc = build_nik_index(s);
	if (rc == STORE_OK)
		rc = store_exec(s, STORE_RESIDENTS_KK_INDEX);
	if (rc == STORE_OK)
		rc = store_residents_name_rebuild(s);
	return rc;
}

static const struct store_pull_list resident_pull = {
	.prefix = "sync.residents",
	.name = N_("Data penduduk"),
	.not_begun = N_("Unduhan data penduduk belum dimulai."),
	.pass_ready = staging_exists,
	/* the line is the rowid and the import line both */
	.insert_sql = "INSERT INTO " STAGING " (rowid, nik, kk, name, sex, birth_place,"
		" birth_date, address, rt, rw, kelurahan, import_batch, import_line)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?1)",
	.table = STAGING,
	.item_size = sizeof (struct resident),
	.item_ok = resident_item_ok,
	.bind = bind_resident,
	.finish = rebuild_copy,
	.held = store_resident_count,
	.big_finish = true,
};

enum store_status store_sync_residents_page(struct store *s, const struct resident *items,
	size_t n, const char *next_cursor, bool last)
{
	enum store_status rc = store_pull_page(s, &resident_pull, items, n, next_cursor, last);
	if (last) {
		sqlite3_exec(s->db, STORE_USUAL_CACHE_PRAGMA, NULL, NULL, NULL);
		/* the kk index was dropped and built again: plan the cached
		 * look-ups afresh */
		store_stmt_flush(s);
	}
	return rc;
}

/* ---------------------------------------------------------------- changes feed */

bool store_sync_changes_cursor(struct store *s, char *buf, size_t len)
{
	if (len > 0)
		buf[0] = '\0';
	return store_meta_get(s, KEY_CHANGES_CURSOR, buf, len);
}

/* The review the entry reports joins the record's history, once (by the
 * server's id): an entry read again changes nothing. */
static enum store_status keep_review(struct store *s, const struct store_change *c, bool *applied)
{
	sqlite3_stmt *st;
	if (c->review_id <= 0 || c->review[0] == '\0')
		return STORE_OK;
	enum store_status rc = store_prepare(s, "INSERT OR IGNORE INTO reviews"
		" (id, uuid, outcome, note, reviewer, at) SELECT ?, uuid, ?, ?, ?, ? FROM records"
		" WHERE uuid = ? AND state IN ('accepted', 'flagged')", &st);
	if (rc != STORE_OK)
		return rc;
	sqlite3_bind_int64(st, 1, c->review_id);
	store_bind_text(st, 2, c->review);
	store_bind_text(st, 3, c->review_note);
	store_bind_text(st, 4, c->reviewer);
	sqlite3_bind_int64(st, 5, c->reviewed_at);
	store_bind_text(st, 6, c->uuid);
	rc = store_run(s, st, "reviews");
	if (rc == STORE_OK && sqlite3_changes(s->db) > 0)
		*applied = true;
	return rc;
}

/* A record of this clerk the profile does not hold (made on another
 * laptop, or before login --new-profile made this profile): kept as a
 * purge leaves one (purge.c): the worklist facts, its state and message,
 * no name, address, notes, coordinates or photos.  The record it corrects
 * is named only when held (its entry came first: it was stored first). */
static enum store_status restore_record(struct store *s, const struct store_change *c,
	bool *applied)
{
	sqlite3_stmt *st;
	enum store_status rc = store_prepare(s, "INSERT OR IGNORE INTO records (uuid, nik, in_registry,"
		" kelurahan, kk, decision, reason, supersedes, state, created_at, updated_at, finalised_at,"
		" accepted_at, purged_at, server_message, operator)"
		" SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT uuid FROM records WHERE uuid = ?8), ?9, ?10,"
		" ?11, ?12, ?11, ?11, ?13, ?14", &st);
	if (rc != STORE_OK)
		return rc;
	int64_t now = store_now();
	store_bind_text(st, 1, c->uuid);
	store_bind_text(st, 2, c->nik);
	sqlite3_bind_int(st, 3, c->in_registry);
	store_bind_text(st, 4, c->kelurahan);
	store_bind_text(st, 5, c->kk);
	store_bind_text(st, 6, record_decision_code(c->decision));
	store_bind_text(st, 7, c->reason != REASON_NONE ? record_reason_code(c->reason) : "");
	store_bind_text(st, 8, c->supersedes);
	store_bind_text(st, 9, record_state_code(c->state));
	sqlite3_bind_int64(st, 10, c->created_at);
	sqlite3_bind_int64(st, 11, now);
	sqlite3_bind_int64(st, 12, c->finalised_at);
	store_bind_text(st, 13, c->message);
	store_bind_text(st, 14, store_operator(s));
	rc = store_run(s, st, "records");
	if (rc == STORE_OK && sqlite3_changes(s->db) > 0)
		*applied = true;
	return rc;
}

static bool record_held(struct store *s, const char *uuid)
{
	sqlite3_stmt *st;
	if (store_prepare(s, "SELECT 1 FROM records WHERE uuid = ?", &st) != STORE_OK)
		return true;             /* the error is the next statement's */
	store_bind_text(st, 1, uuid);
	bool held = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return held;
}

static enum store_status apply_change(struct store *s, const struct store_change *c,
	bool *applied)
{
	sqlite3_stmt *st;
	*applied = false;
	if (c->state != STATE_ACCEPTED && c->state != STATE_FLAGGED)
		return STORE_OK;
	/* a record not held here (another laptop, a fresh profile) is kept
	 * below from the entry's facts; a draft cannot be on the server; a
	 * quarantined one the server never stored */
	enum store_status rc = store_prepare(s, "UPDATE records SET state = ?1,"
		" server_message = ?2, updated_at = ?3, accepted_at = coalesce(accepted_at, ?3)"
		" WHERE uuid = ?4"
		" AND state IN ('final', 'sending', 'accepted', 'flagged')"
		" AND (state <> ?5 OR server_message <> ?6)", &st);
	if (rc != STORE_OK)
		return rc;
	store_bind_text(st, 1, record_state_code(c->state));
	store_bind_text(st, 2, c->message);
	sqlite3_bind_int64(st, 3, store_now());
	store_bind_text(st, 4, c->uuid);
	store_bind_text(st, 5, record_state_code(c->state));
	store_bind_text(st, 6, c->message);
	rc = store_run(s, st, "records");
	if (rc != STORE_OK)
		return rc;
	*applied = sqlite3_changes(s->db) > 0;
	if (!*applied && c->has_record && !record_held(s, c->uuid)
		&& (rc = restore_record(s, c, applied)) != STORE_OK)
		return rc;
	if ((rc = keep_review(s, c, applied)) != STORE_OK)
		return rc;
	/* the server has it: whatever a crash left in the queue goes; it may
	 * have taken the record before its photos, so they are queued (a photo
	 * the server holds is answered before its body travels) */
	if ((rc = store_prepare(s, "INSERT OR IGNORE INTO photo_queue (uuid, kind, sha256, size)"
		" SELECT p.uuid, p.kind, p.sha256, p.size FROM record_photos p"
		" JOIN outbox o ON o.uuid = p.uuid WHERE p.uuid = ?", &st)) != STORE_OK)
		return rc;
	store_bind_text(st, 1, c->uuid);
	if ((rc = store_run(s, st, "photo_queue")) != STORE_OK)
		return rc;
	if ((rc = store_prepare(s, "DELETE FROM outbox WHERE uuid = ?", &st)) != STORE_OK)
		return rc;
	store_bind_text(st, 1, c->uuid);
	return store_run(s, st, "outbox");
}

enum store_status store_sync_changes_page(struct store *s, const struct store_change *changes,
	size_t n, const char *next_cursor, size_t *applied)
{
	size_t count = 0;
	enum store_status rc = store_begin(s);
	for (size_t i = 0; rc == STORE_OK && i < n; i++) {
		bool one = false;
		if (!format_text(changes[i].message, true) || !format_text(changes[i].review_note, true)
			|| !format_text(changes[i].reviewer, false))
			continue;
		rc = apply_change(s, &changes[i], &one);
		count += one;
	}
	if (rc == STORE_OK)
		rc = store_meta_put(s, KEY_CHANGES_CURSOR, next_cursor);
	rc = store_finish(s, rc);
	if (applied != NULL)
		*applied = rc == STORE_OK ? count : 0;
	return rc;
}
