/* inbox: each clerk's photo inbox on the server (doc/PROTOCOL.md "Photo
 * inbox").  A clerk's laptop or jump host asks for a one-time code; the
 * clerk's phone opens /u/<code> (inbox_page.c) and uploads photos; the
 * laptop lists and fetches them with its bearer token.  Photos live by hash
 * in DIR/inbox/blobs/ (the same crash-safe store as the records' photos,
 * blobs.c), apart from the records' photos so that expiry can delete them.
 *
 * Codes are stored hashed (SHA-256): the database alone does not open
 * anyone's inbox.  A code opens the page once; the page then holds an upload
 * key (also stored hashed) that is good until the code expires. */
#include "config.h"
#include "server.h"
#include "common.h"
#include "format.h"
#include "sdb.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static struct inbox_config config = { .code_minutes = 15, .keep_days = 7 };

static const char inbox_schema[] =
	"CREATE TABLE IF NOT EXISTS inbox_codes("
	" code_hash TEXT PRIMARY KEY,"
	" operator_id INTEGER NOT NULL REFERENCES operators(id),"
	" created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
	" opened_at INTEGER, key_hash TEXT);"
	"CREATE TABLE IF NOT EXISTS inbox_photos("
	" operator_id INTEGER NOT NULL REFERENCES operators(id),"
	" sha256 TEXT NOT NULL, size INTEGER NOT NULL, name TEXT NOT NULL,"
	" uploaded_at INTEGER NOT NULL, expires_at INTEGER NOT NULL,"
	" phone_lat REAL, phone_lon REAL, phone_accuracy REAL,"
	" PRIMARY KEY(operator_id, sha256));"
	"CREATE INDEX IF NOT EXISTS inbox_photos_expiry ON inbox_photos(expires_at);"
	"CREATE INDEX IF NOT EXISTS inbox_photos_sha ON inbox_photos(sha256);";

void inbox_configure(const struct inbox_config *cfg) { config = *cfg; }

const char *inbox_dir(void) { return config.inbox_dir; }

const struct inbox_config *inbox_config(void) { return &config; }

bool inbox_prepare(struct sdb *db, const char *data_dir, char *inbox_dir, size_t cap)
{
	char path[4096];
	int n = snprintf(inbox_dir, cap, "%s/inbox", data_dir);
	if (n < 0 || (size_t)n >= cap)
		return false;
	const char *const subs[] = { "", "/blobs", "/blobs/tmp" };
	for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++) {
		snprintf(path, sizeof path, "%s%s", inbox_dir, subs[i]);
		if (mkdir(path, 0700) != 0 && errno != EEXIST) {
			fprintf(stderr, "sigacor-server: %s: %s\n", path, strerror(errno));
			return false;
		}
	}
	blob_clean_tmp(inbox_dir);
	return db_exec(db, inbox_schema);
}

/* ---------------------------------------------------------------- codes */

static void hash_hex(const char *text, char out[PROTO_SHA256_LEN + 1])
{
	unsigned char d[crypto_hash_sha256_BYTES];
	crypto_hash_sha256(d, (const unsigned char *)text, strlen(text));
	util_hex(d, sizeof d, out);
}

/* 10 letters of 31: about 49 bits, tried at most a few times a second per
 * address (the login throttle's limits), and good for minutes only */
static void new_code(char out[PROTO_INBOX_CODE_LEN + 1])
{
	static const char alphabet[] = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
	for (int i = 0; i < PROTO_INBOX_CODE_LEN; i++)
		out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
	out[PROTO_INBOX_CODE_LEN] = '\0';
}

struct code_write {
	long long operator_id;
	char code_hash[PROTO_SHA256_LEN + 1];
	int64_t now, expires_at;
	bool ok;
};

static bool insert_code(struct sdb *db, void *ctx)
{
	struct code_write *w = ctx;
	sdb_stmt *st;
	if (sdb_prepare(db, "INSERT INTO inbox_codes(code_hash, operator_id, created_at, "
		"expires_at) VALUES (?, ?, ?, ?)", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, w->code_hash, -1, SDB_STATIC);
	sdb_bind_int64(st, 2, w->operator_id);
	sdb_bind_int64(st, 3, w->now);
	sdb_bind_int64(st, 4, w->expires_at);
	w->ok = sdb_step(st) == SDB_DONE;
	sdb_finalize(st);
	/* codes a day past their time are of no use, even to a log */
	return w->ok && db_exec(db, "DELETE FROM inbox_codes WHERE expires_at < unixepoch() - 86400");
}

void api_inbox_code_new(const struct session *s, struct reply *out)
{
	struct proto_inbox_code code = { .expires_at = 0 };
	struct code_write w = { .operator_id = s->operator_id, .now = util_now() };
	w.expires_at = w.now + (int64_t)config.code_minutes * 60;
	new_code(code.code);
	hash_hex(code.code, w.code_hash);
	enum db_write_result wr = db_write(insert_code, &w);
	if (wr != DB_WRITE_OK || !w.ok) {
		reply_write_error(out, wr == DB_WRITE_OK ? DB_WRITE_FAILED : wr);
		return;
	}
	snprintf(code.path, sizeof code.path, "/u/%s", code.code);
	if (config.public_url != NULL)
		snprintf(code.url, sizeof code.url, "%s%s", config.public_url, code.path);
	code.expires_at = w.expires_at;
	reply_json(out, 201, proto_inbox_code_encode(&code));
}

struct code_open {
	char code_hash[PROTO_SHA256_LEN + 1];
	char key_hash[PROTO_SHA256_LEN + 1];
	int64_t now;
	enum inbox_open result;
};

static bool open_code(struct sdb *db, void *ctx)
{
	struct code_open *o = ctx;
	sdb_stmt *st;
	if (sdb_prepare(db, "SELECT expires_at, opened_at IS NOT NULL FROM inbox_codes "
		"WHERE code_hash = ?", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, o->code_hash, -1, SDB_STATIC);
	o->result = INBOX_CODE_UNKNOWN;
	if (sdb_step(st) == SDB_ROW)
		o->result = sdb_column_int64(st, 0) <= o->now ? INBOX_CODE_EXPIRED
			: sdb_column_int(st, 1) ? INBOX_CODE_USED : INBOX_CODE_OPENED;
	sdb_finalize(st);
	if (o->result != INBOX_CODE_OPENED)
		return true;
	if (sdb_prepare(db, "UPDATE inbox_codes SET opened_at = ?, key_hash = ? "
		"WHERE code_hash = ? AND opened_at IS NULL", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_int64(st, 1, o->now);
	sdb_bind_text(st, 2, o->key_hash, -1, SDB_STATIC);
	sdb_bind_text(st, 3, o->code_hash, -1, SDB_STATIC);
	bool ok = sdb_step(st) == SDB_DONE && sdb_changes(db) == 1;
	sdb_finalize(st);
	if (!ok)
		o->result = INBOX_CODE_FAILED;
	return ok;
}

enum inbox_open inbox_code_open(const char *code, char key[INBOX_KEY_HEX + 1])
{
	struct code_open o = { .now = util_now(), .result = INBOX_CODE_FAILED };
	unsigned char raw[INBOX_KEY_HEX / 2];
	randombytes_buf(raw, sizeof raw);
	util_hex(raw, sizeof raw, key);
	sodium_memzero(raw, sizeof raw);
	hash_hex(code, o.code_hash);
	hash_hex(key, o.key_hash);
	if (db_write(open_code, &o) != DB_WRITE_OK)
		return INBOX_CODE_FAILED;
	return o.result;
}

bool inbox_code_check(const char *code, const char *key, long long *operator_id)
{
	if (!proto_is_inbox_code(code) || key == NULL || strlen(key) != INBOX_KEY_HEX)
		return false;
	char code_hash[PROTO_SHA256_LEN + 1], key_hash[PROTO_SHA256_LEN + 1];
	hash_hex(code, code_hash);
	hash_hex(key, key_hash);
	sdb *db = db_thread();
	sdb_stmt *st;
	bool ok = false;
	if (db == NULL || sdb_prepare(db, "SELECT operator_id, key_hash FROM inbox_codes "
		"WHERE code_hash = ? AND expires_at > ? AND key_hash IS NOT NULL", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, code_hash, -1, SDB_STATIC);
	sdb_bind_int64(st, 2, util_now());
	if (sdb_step(st) == SDB_ROW) {
		const char *stored = (const char *)sdb_column_text(st, 1);
		ok = stored != NULL && sodium_memcmp(stored, key_hash, PROTO_SHA256_LEN) == 0;
		*operator_id = sdb_column_int64(st, 0);
	}
	sdb_finalize(st);
	return ok;
}

/* ---------------------------------------------------------------- photos */

struct photo_write {
	long long operator_id;
	const char *sha256, *name;
	long long size;
	const struct proto_phone_position *position;     /* NULL: a new photo */
	int64_t now;
	bool ok;
};

static bool insert_photo(struct sdb *db, void *ctx)
{
	struct photo_write *w = ctx;
	/* expiry may have removed the file since it was stored: then refuse,
	 * and the phone sends it again */
	if (!blob_exists(config.inbox_dir, w->sha256, NULL))
		return false;
	sdb_stmt *st;
	if (sdb_prepare(db, "INSERT INTO inbox_photos(operator_id, sha256, size, name, "
		"uploaded_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(operator_id, sha256) "
		"DO UPDATE SET name = excluded.name, uploaded_at = excluded.uploaded_at, "
		"expires_at = excluded.expires_at", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_int64(st, 1, w->operator_id);
	sdb_bind_text(st, 2, w->sha256, -1, SDB_STATIC);
	sdb_bind_int64(st, 3, w->size);
	sdb_bind_text(st, 4, w->name, -1, SDB_STATIC);
	sdb_bind_int64(st, 5, w->now);
	sdb_bind_int64(st, 6, w->now + (int64_t)config.keep_days * 86400);
	w->ok = sdb_step(st) == SDB_DONE;
	sdb_finalize(st);
	return w->ok;
}

bool inbox_photo_add(long long operator_id, const char *sha256, long long size, const char *name)
{
	struct photo_write w = { .operator_id = operator_id, .sha256 = sha256, .size = size,
		.name = name, .now = util_now() };
	return db_write(insert_photo, &w) == DB_WRITE_OK && w.ok;
}

static bool update_position(struct sdb *db, void *ctx)
{
	struct photo_write *w = ctx;
	sdb_stmt *st;
	if (sdb_prepare(db, "UPDATE inbox_photos SET phone_lat = ?, phone_lon = ?, "
		"phone_accuracy = ? WHERE operator_id = ? AND sha256 = ?", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_double(st, 1, w->position->lat);
	sdb_bind_double(st, 2, w->position->lon);
	sdb_bind_double(st, 3, w->position->accuracy_m);
	sdb_bind_int64(st, 4, w->operator_id);
	sdb_bind_text(st, 5, w->sha256, -1, SDB_STATIC);
	w->ok = sdb_step(st) == SDB_DONE && sdb_changes(db) == 1;
	sdb_finalize(st);
	return w->ok;
}

bool inbox_position_set(long long operator_id, const char *sha256,
	const struct proto_phone_position *pos)
{
	struct photo_write w = { .operator_id = operator_id, .sha256 = sha256, .position = pos };
	return db_write(update_position, &w) == DB_WRITE_OK && w.ok;
}

/* Photos past their time go, rows and files (a file is kept while another
 * clerk's inbox still holds the same photo).  In the writer, so that an
 * upload of the same photo cannot slip in between (insert_photo checks). */
static bool delete_expired(struct sdb *db, void *ctx)
{
	int64_t now = *(const int64_t *)ctx;
	sdb_stmt *del, *left;
	if (sdb_prepare(db, "DELETE FROM inbox_photos WHERE expires_at <= ? RETURNING sha256",
		-1, &del, NULL) != SDB_OK)
		return false;
	if (sdb_prepare(db, "SELECT 1 FROM inbox_photos WHERE sha256 = ?", -1, &left,
		NULL) != SDB_OK) {
		sdb_finalize(del);
		return false;
	}
	sdb_bind_int64(del, 1, now);
	char (*gone)[PROTO_SHA256_LEN + 1] = NULL;
	size_t n = 0;
	bool ok = true;
	int rc;
	while ((rc = sdb_step(del)) == SDB_ROW) {
		const char *sha = (const char *)sdb_column_text(del, 0);
		void *grown = realloc(gone, (n + 1) * sizeof *gone);
		if (grown == NULL || sha == NULL) {
			ok = false;
			break;
		}
		gone = grown;
		snprintf(gone[n++], sizeof gone[0], "%s", sha);
	}
	sdb_finalize(del);
	ok = ok && rc == SDB_DONE;
	for (size_t i = 0; ok && i < n; i++) {
		sdb_reset(left);
		sdb_bind_text(left, 1, gone[i], -1, SDB_STATIC);
		char path[4096];
		if (sdb_step(left) != SDB_ROW && blob_path(config.inbox_dir, gone[i], path, sizeof path))
			unlink(path);
	}
	sdb_finalize(left);
	free(gone);
	return ok;
}

void inbox_expire(void)
{
	int64_t now = util_now();
	db_write(delete_expired, &now);
}

/* ---------------------------------------------------------------- the API */

static void photo_from_row(sdb_stmt *st, struct proto_inbox_photo *p)
{
	memset(p, 0, sizeof *p);
	snprintf(p->sha256, sizeof p->sha256, "%s", (const char *)sdb_column_text(st, 0));
	p->size = sdb_column_int64(st, 1);
	snprintf(p->name, sizeof p->name, "%s", (const char *)sdb_column_text(st, 2));
	p->uploaded_at = sdb_column_int64(st, 3);
	p->expires_at = sdb_column_int64(st, 4);
	p->has_phone_position = sdb_column_type(st, 5) != SDB_NULL;
	p->phone.lat = sdb_column_double(st, 5);
	p->phone.lon = sdb_column_double(st, 6);
	p->phone.accuracy_m = sdb_column_double(st, 7);
}

void api_inbox_list(const struct session *s, struct reply *out)
{
	inbox_expire();
	sdb *db = db_thread();
	sdb_stmt *st;
	if (db == NULL || sdb_prepare(db, "SELECT sha256, size, name, uploaded_at, expires_at, "
		"phone_lat, phone_lon, phone_accuracy FROM inbox_photos WHERE operator_id = ? "
		"ORDER BY uploaded_at, sha256 LIMIT ?", -1, &st, NULL) != SDB_OK) {
		reply_db_error(out, db);
		return;
	}
	sdb_bind_int64(st, 1, s->operator_id);
	sdb_bind_int(st, 2, PROTO_INBOX_LIST_MAX);
	struct proto_inbox_list list = { .n = 0 };
	list.photos = calloc(PROTO_INBOX_LIST_MAX, sizeof *list.photos);
	int rc = SDB_DONE;
	while (list.photos != NULL && (rc = sdb_step(st)) == SDB_ROW)
		photo_from_row(st, &list.photos[list.n++]);
	sdb_finalize(st);
	if (list.photos == NULL || rc != SDB_DONE)
		reply_db_error(out, list.photos == NULL ? NULL : db);
	else
		reply_json(out, 200, proto_inbox_list_encode(&list));
	proto_inbox_list_free(&list);
}

/* true when the operator's inbox holds the photo */
static bool inbox_holds(long long operator_id, const char *sha256, bool *failed)
{
	sdb *db = db_thread();
	sdb_stmt *st;
	*failed = db == NULL || sdb_prepare(db, "SELECT 1 FROM inbox_photos WHERE "
		"operator_id = ? AND sha256 = ? AND expires_at > ?", -1, &st, NULL) != SDB_OK;
	if (*failed)
		return false;
	sdb_bind_int64(st, 1, operator_id);
	sdb_bind_text(st, 2, sha256, -1, SDB_STATIC);
	sdb_bind_int64(st, 3, util_now());
	bool held = sdb_step(st) == SDB_ROW;
	sdb_finalize(st);
	return held;
}

void api_inbox_fetch(const struct session *s, const char *sha256, struct reply *out)
{
	bool failed;
	char path[4096];
	/* another clerk's photo is "not found" too: an inbox is not a directory */
	if (!inbox_holds(s->operator_id, sha256, &failed)) {
		if (failed)
			reply_db_error(out, db_thread());
		else
			reply_problem(out, PROBLEM_NOT_FOUND, _("Foto ini tidak ada di kotak foto Anda."));
		return;
	}
	int fd = blob_path(config.inbox_dir, sha256, path, sizeof path)
		? open(path, O_RDONLY | O_CLOEXEC) : -1;
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		reply_problem(out, PROBLEM_NOT_FOUND, _("Foto ini tidak ada di kotak foto Anda."));
		return;
	}
	memset(out, 0, sizeof *out);
	out->status = 200;
	out->file = true;
	out->file_fd = fd;
	out->file_size = (long long)st.st_size;
}

static bool delete_photo(struct sdb *db, void *ctx)
{
	struct photo_write *w = ctx;
	sdb_stmt *st;
	if (sdb_prepare(db, "UPDATE inbox_photos SET expires_at = 0 WHERE operator_id = ? "
		"AND sha256 = ?", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_int64(st, 1, w->operator_id);
	sdb_bind_text(st, 2, w->sha256, -1, SDB_STATIC);
	w->ok = sdb_step(st) == SDB_DONE && sdb_changes(db) == 1;
	sdb_finalize(st);
	int64_t now = util_now();
	return w->ok && delete_expired(db, &now);
}

void api_inbox_delete(const struct session *s, const char *sha256, struct reply *out)
{
	struct photo_write w = { .operator_id = s->operator_id, .sha256 = sha256 };
	enum db_write_result wr = db_write(delete_photo, &w);
	if (wr != DB_WRITE_OK)
		reply_write_error(out, wr);
	else if (!w.ok)
		reply_problem(out, PROBLEM_NOT_FOUND, _("Foto ini tidak ada di kotak foto Anda."));
	else {
		memset(out, 0, sizeof *out);
		out->status = 204;
	}
}
