/* db: the server's data folder and its SQLite database.
 *
 * DIR/server.db in WAL mode with synchronous=FULL: a commit that returned is
 * on disk, and a killed server loses nothing that was answered.  Readers
 * never block the writer; writers queue on BEGIN IMMEDIATE with a busy
 * timeout.  Each server thread has its own connection. */
#include "config.h"
#include "server.h"

#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DB_BUSY_TIMEOUT_MS 10000
#define SCHEMA_VERSION 1

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS operators("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" pwhash TEXT NOT NULL,"
	" disabled INTEGER NOT NULL DEFAULT 0,"
	" created_at INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS operator_kelurahan("
	" operator_id INTEGER NOT NULL REFERENCES operators(id),"
	" kelurahan TEXT NOT NULL,"
	" PRIMARY KEY(operator_id, kelurahan)) WITHOUT ROWID;"
	/* only SHA-256 of a token is kept: a copy of the database logs nobody in */
	"CREATE TABLE IF NOT EXISTS tokens("
	" hash TEXT PRIMARY KEY,"
	" operator_id INTEGER NOT NULL REFERENCES operators(id),"
	" device TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" last_used_at INTEGER NOT NULL,"
	" revoked_at INTEGER);"
	"CREATE INDEX IF NOT EXISTS tokens_operator ON tokens(operator_id, device);"
	"CREATE TABLE IF NOT EXISTS residents("
	" id INTEGER PRIMARY KEY,"
	" nik TEXT NOT NULL UNIQUE,"
	" kk TEXT NOT NULL, name TEXT NOT NULL, sex TEXT NOT NULL,"
	" birth_place TEXT NOT NULL, birth_date TEXT NOT NULL, address TEXT NOT NULL,"
	" rt TEXT NOT NULL, rw TEXT NOT NULL, kelurahan TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS residents_kelurahan ON residents(kelurahan, id);"
	"CREATE TABLE IF NOT EXISTS candidates("
	" id INTEGER PRIMARY KEY,"
	" kk TEXT NOT NULL, nik TEXT NOT NULL, kelurahan TEXT NOT NULL, program TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS candidates_kelurahan ON candidates(kelurahan, id);"
	"CREATE TABLE IF NOT EXISTS verifications("
	" id TEXT PRIMARY KEY,"
	" operator_id INTEGER NOT NULL REFERENCES operators(id),"
	" device TEXT NOT NULL,"
	" body_sha256 TEXT NOT NULL,"         /* of the canonical JSON: replay check */
	" body TEXT NOT NULL,"                /* the canonical JSON, for the record */
	" nik TEXT NOT NULL, kk TEXT NOT NULL, name TEXT NOT NULL, address TEXT NOT NULL,"
	" kelurahan TEXT NOT NULL, in_registry INTEGER NOT NULL,"
	" decision TEXT NOT NULL, reason TEXT NOT NULL, reason_text TEXT NOT NULL,"
	" notes TEXT NOT NULL,"
	" lat REAL, lon REAL, coord_source TEXT NOT NULL, coord_reason TEXT NOT NULL,"
	" supersedes TEXT NOT NULL, superseded_by TEXT,"
	" created_at INTEGER NOT NULL, finalised_at INTEGER NOT NULL, received_at INTEGER NOT NULL,"
	" flags INTEGER NOT NULL DEFAULT 0,"
	" review TEXT NOT NULL DEFAULT '', review_note TEXT NOT NULL DEFAULT '',"
	" reviewed_at INTEGER,"
	" first_status INTEGER NOT NULL, first_response TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS verifications_nik ON verifications(nik);"
	"CREATE INDEX IF NOT EXISTS verifications_supersedes ON verifications(supersedes);"
	"CREATE TABLE IF NOT EXISTS verification_photos("
	" verification_id TEXT NOT NULL REFERENCES verifications(id),"
	" kind TEXT NOT NULL, sha256 TEXT NOT NULL, size INTEGER NOT NULL,"
	" lat REAL, lon REAL, taken_at TEXT NOT NULL,"
	" PRIMARY KEY(verification_id, kind)) WITHOUT ROWID;"
	/* the feed of GET /verifications/changes, per operator */
	"CREATE TABLE IF NOT EXISTS changes("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" verification_id TEXT NOT NULL REFERENCES verifications(id),"
	" operator_id INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS changes_operator ON changes(operator_id, seq);"
	"INSERT OR IGNORE INTO meta(key, value) VALUES ('residents_snapshot', 0), "
	" ('candidates_snapshot', 0);";

static bool mkdir_private(const char *path)
{
	if (mkdir(path, 0700) == 0 || errno == EEXIST)
		return true;
	fprintf(stderr, "sigacor-server: %s: %s\n", path, strerror(errno));
	return false;
}

bool db_prepare_dir(const char *dir, bool create)
{
	struct stat st;
	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		if (!create) {
			fprintf(stderr, "sigacor-server: %s: %s\n", dir,
				_("folder data tidak ada (buat dengan add-operator atau import-residents)"));
			return false;
		}
		if (!mkdir_private(dir))
			return false;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/blobs", dir);
	if (!mkdir_private(path))
		return false;
	snprintf(path, sizeof path, "%s/blobs/tmp", dir);
	return mkdir_private(path);
}

bool db_exec(struct sqlite3 *db, const char *sql)
{
	char *msg = NULL;
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK)
		return true;
	fprintf(stderr, "sigacor-server: SQLite: %s\n", msg != NULL ? msg : sqlite3_errmsg(db));
	sqlite3_free(msg);
	return false;
}

struct sqlite3 *db_open(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/server.db", dir);
	sqlite3 *db = NULL;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
		| SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		fprintf(stderr, "sigacor-server: %s: %s\n", path,
			db != NULL ? sqlite3_errmsg(db) : "out of memory");
		sqlite3_close(db);
		return NULL;
	}
	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	if (!db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
		"PRAGMA foreign_keys=ON;")) {
		sqlite3_close(db);
		return NULL;
	}
	/* schema: created or migrated under the write lock, once */
	int version = 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			version = sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
	}
	if (version < SCHEMA_VERSION) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA user_version=%d;", SCHEMA_VERSION);
		if (!db_begin(db) || !db_exec(db, schema) || !db_exec(db, sql) || !db_commit(db)) {
			db_rollback(db);
			sqlite3_close(db);
			return NULL;
		}
	} else if (version > SCHEMA_VERSION) {
		fprintf(stderr, "sigacor-server: %s: %s\n", path,
			_("basis data dibuat oleh versi yang lebih baru"));
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

bool db_begin(struct sqlite3 *db) { return db_exec(db, "BEGIN IMMEDIATE"); }

bool db_commit(struct sqlite3 *db) { return db_exec(db, "COMMIT"); }

void db_rollback(struct sqlite3 *db)
{
	if (!sqlite3_get_autocommit(db))
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

long long db_meta_get(struct sqlite3 *db, const char *key)
{
	sqlite3_stmt *st;
	long long v = -1;
	if (sqlite3_prepare_v2(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

bool db_meta_set(struct sqlite3 *db, const char *key, long long value)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "INSERT INTO meta(key, value) VALUES (?, ?) "
		"ON CONFLICT(key) DO UPDATE SET value = excluded.value", -1, &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, value);
	bool ok = sqlite3_step(st) == SQLITE_DONE;
	sqlite3_finalize(st);
	return ok;
}

/* ---- one connection per thread */
static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;
static const char *thread_dir;

static void close_thread_db(void *db)
{
	sqlite3_close_v2(db);
}

static void make_key(void)
{
	pthread_key_create(&thread_key, close_thread_db);
}

void db_thread_init(const char *dir)
{
	thread_dir = dir;
	pthread_once(&thread_once, make_key);
}

struct sqlite3 *db_thread(void)
{
	sqlite3 *db = pthread_getspecific(thread_key);
	if (db == NULL && thread_dir != NULL) {
		db = db_open(thread_dir);
		if (db != NULL)
			pthread_setspecific(thread_key, db);
	}
	return db;
}
