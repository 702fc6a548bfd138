/* db: the server's data folder and its SQLite database.
 *
 * DIR/server.db in WAL mode with synchronous=FULL: a commit that returned is
 * on disk, and a killed server loses nothing that was answered.  Readers
 * never block the writer.  Each server thread has its own connection for
 * reading; every write of the server goes through db_write(): one writer
 * connection, writers queued in the process (not spinning in SQLite's busy
 * handler), and group commit (see below).  On PostgreSQL the photos'
 * arrivals go to a second such writer beside it (db_write_aside). */
#include "config.h"
#include "server.h"
#include "sdb.h"

#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define DB_BUSY_TIMEOUT_MS 10000
#define DB_BATCH_MAX 256            /* writes in one group commit at most */
#define DB_CHECKPOINT_PAGES 4000    /* WAL pages that wake the checkpointer */
#define DB_CHECKPOINT_PAGES_MAX 65536   /* ... who waits for a pause up to these (256 MiB) */
#define DB_CHECKPOINT_PAUSE_MS 200  /* no commit this long: a pause in the writes */

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
	/* the cross-record checks (crosscheck.c): a photo's records */
	"CREATE INDEX IF NOT EXISTS verification_photos_sha256 ON verification_photos(sha256);"
	/* the feed of GET /verifications/changes, per operator */
	"CREATE TABLE IF NOT EXISTS changes("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" verification_id TEXT NOT NULL REFERENCES verifications(id),"
	" operator_id INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS changes_operator ON changes(operator_id, seq);"
	/* v2: the dashboard's supervisors, scope = a region code (city,
	 * kecamatan or kelurahan), and their cookie sessions (SHA-256 only) */
	"CREATE TABLE IF NOT EXISTS supervisors("
	" id INTEGER PRIMARY KEY,"
	" name TEXT NOT NULL UNIQUE,"
	" pwhash TEXT NOT NULL,"
	" scope TEXT NOT NULL,"
	" disabled INTEGER NOT NULL DEFAULT 0,"
	" created_at INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS web_sessions("
	" hash TEXT PRIMARY KEY,"
	" supervisor_id INTEGER NOT NULL REFERENCES supervisors(id),"
	" csrf TEXT NOT NULL,"
	" created_at INTEGER NOT NULL,"
	" expires_at INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS web_sessions_supervisor ON web_sessions(supervisor_id);"
	/* v3: every review a record gets, in order (the record keeps only the
	 * latest).  A trigger writes it, so `review` and the dashboard cannot
	 * forget; the dashboard names its supervisor in reviewer. */
	"CREATE TABLE IF NOT EXISTS review_log("
	" id INTEGER PRIMARY KEY,"
	" verification_id TEXT NOT NULL REFERENCES verifications(id),"
	" outcome TEXT NOT NULL, note TEXT NOT NULL, at INTEGER,"
	" reviewer TEXT NOT NULL DEFAULT '');"
	"CREATE INDEX IF NOT EXISTS review_log_verification ON review_log(verification_id, id);"
	"CREATE TRIGGER IF NOT EXISTS review_logged AFTER UPDATE OF review, review_note, reviewed_at "
	" ON verifications WHEN new.review != '' BEGIN"
	" INSERT INTO review_log(verification_id, outcome, note, at)"
	" VALUES (new.id, new.review, new.review_note, new.reviewed_at); END;"
	/* v4: the review a changes entry reports (ledger_review), so a clerk
	 * who syncs after two reviews gets both, not only the last; and the
	 * correction that answers a review (PUT's answers_review) */
	"CREATE TABLE IF NOT EXISTS change_reviews("
	" seq INTEGER PRIMARY KEY REFERENCES changes(seq),"
	" review_id INTEGER NOT NULL REFERENCES review_log(id));"
	/* v4: the KK of each record (the same KK marked layak twice is flagged) */
	"CREATE INDEX IF NOT EXISTS verifications_kk ON verifications(kk);"
	"CREATE TABLE IF NOT EXISTS review_answers("
	" review_id INTEGER PRIMARY KEY REFERENCES review_log(id),"
	" verification_id TEXT NOT NULL REFERENCES verifications(id));"
	/* households (by KK) the city assigned to one operator (assign.c);
	 * kept across candidate re-imports */
	"CREATE TABLE IF NOT EXISTS assignments("
	" kk TEXT PRIMARY KEY,"
	" operator_id INTEGER NOT NULL REFERENCES operators(id),"
	" assigned_at INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS assignments_operator ON assignments(operator_id);"
	/* v5: the photos a record names that the server does not hold yet (a
	 * record sent before its photos, "Photos-Later"); the record is
	 * complete when it has no row here.  A row goes in the transaction
	 * that learns the photo is stored (api_blob_arrived). */
	"CREATE TABLE IF NOT EXISTS waiting_photos("
	" verification_id TEXT NOT NULL REFERENCES verifications(id),"
	" sha256 TEXT NOT NULL, size INTEGER NOT NULL,"
	" PRIMARY KEY(verification_id, sha256)) WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS waiting_photos_sha256 ON waiting_photos(sha256);"
	/* v6: the kelurahan's shared progress (GET /progress): an entry each
	 * time a NIK's records change (stored, flagged, reviewed, corrected),
	 * written by triggers so no path that changes a record can forget it.
	 * A database from before gets one entry per record, once. */
	"CREATE TABLE IF NOT EXISTS progress("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	" kelurahan TEXT NOT NULL, nik TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS progress_kelurahan ON progress(kelurahan, seq);"
	"INSERT INTO progress(kelurahan, nik) SELECT kelurahan, nik FROM verifications"
	" WHERE NOT EXISTS (SELECT 1 FROM progress) ORDER BY received_at, id;"
	"CREATE TRIGGER IF NOT EXISTS progress_stored AFTER INSERT ON verifications BEGIN"
	" INSERT INTO progress(kelurahan, nik) VALUES (new.kelurahan, new.nik); END;"
	"CREATE TRIGGER IF NOT EXISTS progress_changed AFTER UPDATE OF flags, review, review_note,"
	" reviewed_at, superseded_by ON verifications WHEN old.flags != new.flags"
	" OR old.review != new.review OR old.review_note != new.review_note"
	" OR old.reviewed_at IS NOT new.reviewed_at OR old.superseded_by IS NOT new.superseded_by"
	" BEGIN INSERT INTO progress(kelurahan, nik) VALUES (new.kelurahan, new.nik); END;"
	/* v7: the registry's changes (GET /residents/changes): an entry per
	 * resident an import added, changed or took out of a kelurahan (one
	 * corrected name costs a laptop one row, not its kelurahan).  seq is
	 * numbered by the import (meta registry_seq); entries at or below
	 * registry_floor were pruned, or never written (a first import). */
	"CREATE TABLE IF NOT EXISTS registry_changes("
	" seq INTEGER PRIMARY KEY,"
	" kelurahan TEXT NOT NULL, nik TEXT NOT NULL);"
	"CREATE INDEX IF NOT EXISTS registry_changes_kelurahan ON registry_changes(kelurahan, seq);"
	/* v8: a session's deposit token (doc/PROTOCOL.md "The deposit token"):
	 * only the sealed deposit endpoints take it; it lives and dies with the
	 * session row it names (revoked, disabled: both refused).  SHA-256 only,
	 * as for the session token. */
	"CREATE TABLE IF NOT EXISTS deposit_tokens("
	" hash TEXT PRIMARY KEY,"
	" token_hash TEXT NOT NULL UNIQUE REFERENCES tokens(hash),"
	" created_at INTEGER NOT NULL);"
	/* v9: nothing here; on PostgreSQL the triggers that tell the server
	 * processes to read again what they keep (db_pg.c, kept.c) */
	"INSERT OR IGNORE INTO meta(key, value) VALUES ('residents_snapshot', 0), "
	" ('candidates_snapshot', 0), ('registry_seq', 0), ('registry_floor', 0);";

/* A folder that exists with loose modes (0777: another user could rename
 * server.db, issue 8) is made 0700, saying so; one of another user is
 * refused. */
static bool mkdir_private(const char *path)
{
	struct stat st;
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		fprintf(stderr, "sigacor-server: %s: %s\n", path, strerror(errno));
		return false;
	}
	if (stat(path, &st) != 0)
		return false;
	if (st.st_uid != geteuid()) {
		fprintf(stderr, "sigacor-server: %s: %s\n", path,
			_("folder ini milik pengguna lain; pakai folder data milik pengguna server"));
		return false;
	}
	if ((st.st_mode & 077) != 0) {
		if (chmod(path, st.st_mode & 07700) != 0) {
			fprintf(stderr, "sigacor-server: %s: %s\n", path, strerror(errno));
			return false;
		}
		fprintf(stderr, "sigacor-server: %s: %s\n", path,
			_("folder ini bisa dibaca atau ditulis pengguna lain; izinnya diperketat menjadi 0700"));
	}
	return true;
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
	}
	if (!mkdir_private(dir))
		return false;
	char path[4096];
	snprintf(path, sizeof path, "%s/blobs", dir);
	if (!mkdir_private(path))
		return false;
	snprintf(path, sizeof path, "%s/blobs/tmp", dir);
	return mkdir_private(path);
}

bool db_exec(struct sdb *db, const char *sql)
{
	char *msg = NULL;
	if (sdb_exec(db, sql, &msg) == SDB_OK)
		return true;
	fprintf(stderr, "sigacor-server: %s: %s\n", sdb_backend_name(db), msg != NULL ? msg : sdb_errmsg(db));
	sdb_free(msg);
	return false;
}

struct sdb *db_open(const char *dir)
{
	char *conninfo = db_pg_conninfo(dir);
	if (conninfo != NULL) {
		sdb *pg = db_pg_open(conninfo, DB_SCHEMA_VERSION);
		free(conninfo);
		return pg;
	}
	char path[4096];
	snprintf(path, sizeof path, "%s/server.db", dir);
	sdb *db = NULL;
	if (sdb_sqlite_open(path, &db, SDB_SQLITE_OPEN_READWRITE | SDB_SQLITE_OPEN_CREATE
		| SDB_SQLITE_OPEN_NOMUTEX) != SDB_OK) {
		fprintf(stderr, "sigacor-server: %s: %s\n", path,
			db != NULL ? sdb_errmsg(db) : "out of memory");
		sdb_close(db);
		return NULL;
	}
	sdb_sqlite_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	if (!db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; "
		"PRAGMA foreign_keys=ON;")) {
		sdb_close(db);
		return NULL;
	}
	/* schema: created or migrated under the write lock, once */
	int version = 0;
	sdb_stmt *st;
	if (sdb_prepare(db, "PRAGMA user_version", -1, &st, NULL) == SDB_OK) {
		if (sdb_step(st) == SDB_ROW)
			version = sdb_column_int(st, 0);
		sdb_finalize(st);
	}
	if (version < DB_SCHEMA_VERSION) {
		char sql[64];
		snprintf(sql, sizeof sql, "PRAGMA user_version=%d;", DB_SCHEMA_VERSION);
		if (!db_begin(db) || !db_exec(db, schema) || !db_exec(db, sql) || !db_commit(db)) {
			db_rollback(db);
			sdb_close(db);
			return NULL;
		}
	} else if (version > DB_SCHEMA_VERSION) {
		fprintf(stderr, "sigacor-server: %s: %s\n", path,
			_("basis data dibuat oleh versi yang lebih baru"));
		sdb_close(db);
		return NULL;
	}
	return db;
}

#define WRITE_LOCK_PG "SELECT pg_advisory_xact_lock(" DB_PG_WRITE_LOCK ")"
#define BEGIN_WRITE_PG "BEGIN; " WRITE_LOCK_PG
#define BEGIN_WRITE_SQLITE "BEGIN IMMEDIATE"

/* the write lock now, so a writer never fails halfway on busy */
bool db_begin(struct sdb *db)
{
	return db_exec(db, sdb_is_postgresql(db) ? BEGIN_WRITE_PG : BEGIN_WRITE_SQLITE);
}

/* one statement sent ahead of its answer (sdb_step_later) */
static bool exec_later(sdb *db, const char *sql)
{
	sdb_stmt *st;
	if (sdb_prepare(db, sql, -1, &st, NULL) != SDB_OK)
		return false;
	int rc = sdb_step_later(st);
	sdb_finalize(st);
	return rc == SDB_DONE;
}

/* SQLite's deferred transaction reads one snapshot; PostgreSQL's default
 * (read committed) would take a new one for each statement.  PostgreSQL's
 * BEGIN goes ahead of the first query, in its round trip. */
bool db_begin_read(struct sdb *db)
{
	return sdb_is_postgresql(db) ? exec_later(db, "BEGIN ISOLATION LEVEL REPEATABLE READ")
		: db_exec(db, "BEGIN");
}

bool db_commit(struct sdb *db) { return db_exec(db, "COMMIT"); }

void db_rollback(struct sdb *db)
{
	if (!sdb_autocommit(db))
		sdb_exec(db, "ROLLBACK", NULL);
}

long long db_meta_get(struct sdb *db, const char *key)
{
	sdb_stmt *st;
	long long v = -1;
	if (sdb_prepare(db, "SELECT value FROM meta WHERE key = ?", -1, &st, NULL) != SDB_OK)
		return -1;
	sdb_bind_text(st, 1, key, -1, SDB_STATIC);
	if (sdb_step(st) == SDB_ROW)
		v = sdb_column_int64(st, 0);
	sdb_finalize(st);
	return v;
}

bool db_meta_set(struct sdb *db, const char *key, long long value)
{
	sdb_stmt *st;
	if (sdb_prepare(db, "INSERT INTO meta(key, value) VALUES (?, ?) "
		"ON CONFLICT(key) DO UPDATE SET value = excluded.value", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, key, -1, SDB_STATIC);
	sdb_bind_int64(st, 2, value);
	bool ok = sdb_step(st) == SDB_DONE;
	sdb_finalize(st);
	return ok;
}

/* ---- reading connections: a pool, lent to a thread for one request
 *
 * A connection per thread meant opening SQLite (schema parsed, page cache
 * cold) for every client when libmicrohttpd ran a thread per connection,
 * 1,204 at once in the morning; the workers (workers.c) borrow too.  A few pooled connections with
 * warm caches serve two cores as well; a request waits its turn here. */
#define DB_POOL_MAX 16

static pthread_key_t thread_key;
static pthread_once_t thread_once = PTHREAD_ONCE_INIT;
static const char *thread_dir;
static bool thread_dir_on_postgresql;
static struct {
	pthread_mutex_t lock;
	pthread_cond_t freed;
	sdb *idle[DB_POOL_MAX];
	size_t n_idle, n_open;
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER, .freed = PTHREAD_COND_INITIALIZER };

static void pool_put(sdb *db)
{
	if (!sdb_autocommit(db))
		sdb_exec(db, "ROLLBACK", NULL);
	pthread_mutex_lock(&pool.lock);
	pool.idle[pool.n_idle++] = db;      /* a lost one is closed when borrowed */
	pthread_cond_signal(&pool.freed);
	pthread_mutex_unlock(&pool.lock);
}

static void thread_ended(void *db)
{
	pool_put(db);
}

static void make_key(void)
{
	pthread_key_create(&thread_key, thread_ended);
}

void db_thread_init(const char *dir)
{
	thread_dir = dir;
	char *conninfo = db_pg_conninfo(dir);
	thread_dir_on_postgresql = conninfo != NULL;
	free(conninfo);
	pthread_once(&thread_once, make_key);
}

bool db_is_postgresql(void)
{
	return thread_dir_on_postgresql;
}

struct sdb *db_thread(void)
{
	sdb *db = pthread_getspecific(thread_key);
	if (db != NULL || thread_dir == NULL)
		return db;
	pthread_mutex_lock(&pool.lock);
	while (pool.n_idle == 0 && pool.n_open >= DB_POOL_MAX)
		pthread_cond_wait(&pool.freed, &pool.lock);
	while (pool.n_idle > 0 && db == NULL) {
		db = pool.idle[--pool.n_idle];
		if (sdb_connection_lost(db)) {
			/* PostgreSQL restarted while it was idle: connect afresh */
			sdb_close(db);
			pool.n_open--;
			db = NULL;
		}
	}
	if (db == NULL)
		pool.n_open++;
	pthread_mutex_unlock(&pool.lock);
	if (db == NULL) {
		db = db_open(thread_dir);
		if (db == NULL) {
			pthread_mutex_lock(&pool.lock);
			pool.n_open--;
			pthread_cond_signal(&pool.freed);
			pthread_mutex_unlock(&pool.lock);
			return NULL;
		}
		/* Readers read the file, not map it (mmap_size 0): SQLite unmaps a
		 * connection's whole mapping when a read begins after another
		 * connection's commit, so in a burst of records every read paid an
		 * munmap (a stop of the process's threads on every core) and a page
		 * fault for each page it touched again. */
	}
	pthread_setspecific(thread_key, db);
	return db;
}

void db_thread_release(void)
{
	if (thread_dir == NULL)
		return;
	sdb *db = pthread_getspecific(thread_key);
	if (db == NULL)
		return;
	pthread_setspecific(thread_key, NULL);
	pool_put(db);
}

/* ---- the writer: one connection, group commit
 *
 * With a connection per thread, 1,204 writers met in SQLite's busy handler,
 * which sleeps and retries (1, 2, 5 ... 100 ms): the lock sat idle between
 * retries, the unlucky ones waited past the timeout and got 503, and each
 * commit paid its own fsync.  Here a write is queued; the thread that finds
 * the connection free runs the queue, each write inside one batch
 * transaction under a savepoint, and commits the batch when the queue is
 * empty (one fsync with synchronous=FULL).  Nobody is answered before the
 * COMMIT that holds their change has returned.
 *
 * The thread holding the connection runs the writes queued behind it too
 * (each waiting thread's function and context stay valid while it
 * sleeps): handing the connection from thread to thread cost a wake-up
 * for every write (the server made 8 % fewer context switches in the
 * 1,204-clerk burst without them).  Once its own write is committed it
 * passes the role to the oldest waiting write, so that its own answer is
 * not held up by a city's. */

struct db_ticket {
	void (*ask)(struct sdb *, void *);    /* NULL: not an asked write */
	bool (*fn)(struct sdb *, void *);
	void *ctx;
	bool done, ok;
	int code;                       /* SQLite error of a failed batch */
	pthread_cond_t wake;            /* done, or the connection is this one's to run */
	struct db_ticket *next;
};

struct group_writer {
	pthread_mutex_t lock;
	bool in_use;                    /* a thread runs the queue */
	unsigned waiting;
	struct db_ticket *head, *tail;  /* writes not yet run, oldest first */
	sdb *db;
	bool savepoint;                 /* the open transaction has savepoint w */
	bool aside;                     /* the second writer: no lock, no savepoints */
};

/* The one writer, and on PostgreSQL a second one beside it for the writes
 * that need none of its order (db_write_aside). */
static struct group_writer writer = { .lock = PTHREAD_MUTEX_INITIALIZER },
	aside = { .lock = PTHREAD_MUTEX_INITIALIZER, .aside = true };

/* the checkpointer: copies the WAL back into the database outside any request */
static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	bool running, stop, due;
	int pages;                      /* in the WAL at the last commit */
	struct timespec last_commit;    /* CLOCK_MONOTONIC */
	unsigned long long done;        /* checkpoints run */
} ckpt = { .lock = PTHREAD_MUTEX_INITIALIZER, .wake = PTHREAD_COND_INITIALIZER };

static int on_wal_commit(void *ctx, sdb *db, const char *name, int pages)
{
	(void)ctx;
	(void)db;
	(void)name;
	pthread_mutex_lock(&ckpt.lock);
	ckpt.pages = pages;
	clock_gettime(CLOCK_MONOTONIC, &ckpt.last_commit);
	if (pages >= DB_CHECKPOINT_PAGES) {
		ckpt.due = true;
		pthread_cond_signal(&ckpt.wake);
	}
	pthread_mutex_unlock(&ckpt.lock);
	return SDB_OK;
}

static long long ms_since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t->tv_sec) * 1000LL + (now.tv_nsec - t->tv_nsec) / 1000000;
}

/* With ckpt.lock held: a due checkpoint waits for a pause in the writes.
 * Copying the WAL during a burst of records took its share of two cores
 * from the requests (5 % of the server's CPU in the city's sync burst);
 * the WAL only grows meanwhile, up to DB_CHECKPOINT_PAGES_MAX. */
static void wait_for_pause(void)
{
	while (!ckpt.stop && ckpt.pages < DB_CHECKPOINT_PAGES_MAX
		&& ms_since(&ckpt.last_commit) < DB_CHECKPOINT_PAUSE_MS) {
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += DB_CHECKPOINT_PAUSE_MS * 1000000L;
		until.tv_sec += until.tv_nsec / 1000000000L;
		until.tv_nsec %= 1000000000L;
		pthread_cond_timedwait(&ckpt.wake, &ckpt.lock, &until);
	}
}

static void *checkpointer(void *arg)
{
	sdb *db = arg;
	pthread_mutex_lock(&ckpt.lock);
	for (;;) {
		while (!ckpt.due && !ckpt.stop)
			pthread_cond_wait(&ckpt.wake, &ckpt.lock);
		wait_for_pause();
		if (ckpt.stop)
			break;
		ckpt.due = false;
		pthread_mutex_unlock(&ckpt.lock);
		/* PASSIVE: never waits for readers or the writer, who go on meanwhile */
		sdb_sqlite_checkpoint_passive(db);
		pthread_mutex_lock(&ckpt.lock);
		ckpt.done++;
	}
	pthread_mutex_unlock(&ckpt.lock);
	sdb_close(db);
	return NULL;
}

static void checkpointer_start(void)
{
	sdb *db = db_open(thread_dir);
	if (db == NULL)
		return;
	pthread_mutex_lock(&ckpt.lock);
	ckpt.stop = false;
	ckpt.running = pthread_create(&ckpt.thread, NULL, checkpointer, db) == 0;
	pthread_mutex_unlock(&ckpt.lock);
	if (!ckpt.running)
		sdb_close(db);
}

/* a writer's connection, opened on first use (with the connection held) */
static sdb *writer_db(struct group_writer *w)
{
	if (w->db != NULL && sdb_autocommit(w->db) && sdb_connection_lost(w->db)) {
		sdb_close(w->db);       /* PostgreSQL restarted since the last write */
		w->db = NULL;
	}
	if (w->db != NULL || thread_dir == NULL)
		return w->db;
	w->db = db_open(thread_dir);
	if (w->db == NULL || sdb_is_postgresql(w->db))
		return w->db;           /* PostgreSQL checkpoints by itself */
	checkpointer_start();
	/* the writer looks up NIKs and ids all over the file: a big cache, and
	 * the file mapped rather than copied page by page */
	db_exec(w->db, "PRAGMA cache_size=-65536; PRAGMA mmap_size=1073741824");
	if (ckpt.running) {
		db_exec(w->db, "PRAGMA wal_autocheckpoint=0");
		sdb_sqlite_wal_hook(w->db, on_wal_commit, NULL);
	}
	return w->db;
}

/* End a batch: every write in it learns how it went. */
static void finish_batch(struct db_ticket *list, bool ok, int code)
{
	while (list != NULL) {
		struct db_ticket *t = list;
		list = t->next;            /* t is gone once its thread wakes */
		t->done = true;
		t->ok = ok;
		t->code = code;
		pthread_cond_signal(&t->wake);
	}
}

/* The second writer's writes are sent ahead (sdb_step_later) with no
 * savepoint: the batch's BEGIN and its writes travel together, and any
 * error fails the whole batch at its COMMIT. */
static bool run_aside(sdb *db, bool first, bool (*fn)(struct sdb *, void *), void *ctx,
	int *code)
{
	if ((first && !exec_later(db, "BEGIN")) || !fn(db, ctx)) {
		*code = sdb_errcode(db);
		return false;
	}
	return true;
}

/* With the connection held: run fn under a savepoint of the open batch.
 * false when the transaction itself is gone (failed BEGIN, or SQLite rolled
 * everything back after an I/O error): *code says why. */
static bool run_in_batch(struct group_writer *w, sdb *db, bool first,
	bool (*fn)(struct sdb *, void *), void *ctx, int *code)
{
	if (w->aside)
		return run_aside(db, first, fn, ctx, code);
	/* The savepoint of a write stays open until the next write's opens
	 * (ROLLBACK TO keeps it; COMMIT takes it along): one statement of
	 * savepoints a write, each a round trip on PostgreSQL. */
	const char *open;
	bool opened;
	if (sdb_autocommit(db)) {
		w->savepoint = false;
		open = sdb_is_postgresql(db) ? BEGIN_WRITE_PG "; SAVEPOINT w"
			: BEGIN_WRITE_SQLITE "; SAVEPOINT w";
		opened = db_exec(db, open);
	} else if (sdb_is_postgresql(db))
		/* sent ahead of the write's first query, in its round trip */
		opened = (!w->savepoint || exec_later(db, "RELEASE w"))
			&& exec_later(db, "SAVEPOINT w");
	else
		opened = db_exec(db, w->savepoint ? "RELEASE w; SAVEPOINT w" : "SAVEPOINT w");
	if (!opened) {
		*code = sdb_errcode(db);
		return false;
	}
	w->savepoint = true;
	bool keep = fn(db, ctx);
	if (!keep && !sdb_autocommit(db))
		sdb_exec(db, "ROLLBACK TO w", NULL);
	if (sdb_autocommit(db)) {
		*code = SDB_IOERR;
		return false;
	}
	return true;
}

void db_wal_state(int *pages, unsigned long long *checkpoints)
{
	pthread_mutex_lock(&ckpt.lock);
	*pages = ckpt.pages;
	*checkpoints = ckpt.done;
	pthread_mutex_unlock(&ckpt.lock);
}

unsigned db_write_waiting(void)
{
	pthread_mutex_lock(&writer.lock);
	unsigned n = writer.waiting;
	pthread_mutex_unlock(&writer.lock);
	return n;
}

/* The values named in the asked batch running (db_batch_named), as
 * hashes: open addressing, 0 free.  Only the thread running the writer's
 * batch touches them. */
#define BATCH_KEYS 4096
static struct {
	uint64_t hash[BATCH_KEYS];
	unsigned n;
} named;

static uint64_t key_hash(const char *key)
{
	uint64_t h = 14695981039346656037u;     /* FNV-1a */
	while (*key != '\0')
		h = (h ^ (unsigned char)*key++) * 1099511628211u;
	return h | 1;                           /* never 0, the free mark */
}

bool db_batch_named(const char *key)
{
	if (named.n >= BATCH_KEYS / 2)
		return true;            /* full: every later write asks again */
	uint64_t h = key_hash(key);
	for (size_t i = h % BATCH_KEYS;; i = (i + 1) % BATCH_KEYS) {
		if (named.hash[i] == h)
			return true;
		if (named.hash[i] == 0) {
			named.hash[i] = h;
			named.n++;
			return false;
		}
	}
}

/* asked batches committed, and those that one failed statement made run
 * again write by write (for /metrics) */
static struct {
	pthread_mutex_t lock;
	unsigned long long run, run_again;
} asked_count = { .lock = PTHREAD_MUTEX_INITIALIZER };

void db_asked_batches(unsigned long long *run, unsigned long long *run_again)
{
	pthread_mutex_lock(&asked_count.lock);
	*run = asked_count.run;
	*run_again = asked_count.run_again;
	pthread_mutex_unlock(&asked_count.lock);
}

static struct db_ticket *take_queued(struct group_writer *w)
{
	struct db_ticket *t = w->head;
	if (t != NULL) {
		w->head = t->next;
		if (w->head == NULL)
			w->tail = NULL;
		w->waiting--;
		t->next = NULL;
	}
	return t;
}

/* The asked batch, every statement sent ahead: the lock, each write's
 * reads, each write's writes, COMMIT; one round trip for the reads, one
 * for the rest (and one more for each write whose reads were stale).
 * true when all of it is committed. */
static bool run_asked(sdb *db, struct db_ticket **batch, unsigned n)
{
	unsigned long failures = sdb_failures(db);
	memset(&named, 0, sizeof named);
	if (!exec_later(db, "BEGIN") || !exec_later(db, WRITE_LOCK_PG))
		return false;
	for (unsigned i = 0; i < n; i++)
		batch[i]->ask(db, batch[i]->ctx);
	for (unsigned i = 0; i < n; i++)
		batch[i]->fn(db, batch[i]->ctx);     /* false: it sent no write */
	return exec_later(db, "COMMIT") && sdb_settle(db) == SDB_OK
		&& sdb_failures(db) == failures;
}

/* The batch again, each write alone under its savepoint (one failed:
 * only it fails now), and committed; false when the transaction is lost. */
static bool run_each(struct group_writer *w, sdb *db, struct db_ticket **batch, unsigned n,
	int *code)
{
	db_rollback(db);
	bool alive = true;
	for (unsigned i = 0; alive && i < n; i++)
		alive = run_in_batch(w, db, i == 0, batch[i]->fn, batch[i]->ctx, code);
	if (alive && !db_commit(db)) {
		*code = sdb_errcode(db);
		alive = false;
	}
	if (!alive)
		db_rollback(db);
	return alive;
}

/* With w->lock held and the connection ours: the asked writes at the head
 * of the queue as one batch (PostgreSQL; db_write_asked).  Over a link of
 * 0.5 ms a record took two round trips under the write lock, 2.1 ms, and
 * a city's burst queued behind them (p99 2 s). */
static void run_asked_batch(struct group_writer *w)
{
	struct db_ticket *batch[DB_BATCH_MAX];
	unsigned n = 0;
	while (n < DB_BATCH_MAX && w->head != NULL && w->head->ask != NULL)
		batch[n++] = take_queued(w);
	pthread_mutex_unlock(&w->lock);
	sdb *db = writer_db(w);
	int code = SDB_CANTOPEN;
	bool ok = db != NULL && run_asked(db, batch, n), again = !ok && db != NULL;
	if (again) {
		/* the database's own words (its primary message, no row's values) */
		fprintf(stderr, "sigacor-server: %s: %s (%s)\n", sdb_backend_name(db), sdb_errmsg(db),
			_("sebuah pernyataan gagal; batch rekaman ditulis ulang satu per satu"));
		code = SDB_OK;
		ok = run_each(w, db, batch, n, &code);
	}
	pthread_mutex_lock(&asked_count.lock);
	asked_count.run++;
	asked_count.run_again += again;
	pthread_mutex_unlock(&asked_count.lock);
	if (!ok && db != NULL)
		fprintf(stderr, "sigacor-server: %s: %s\n", sdb_backend_name(db), sdb_errmsg(db));
	if (db != NULL && sdb_connection_lost(db)) {
		sdb_close(db);          /* PostgreSQL restarted: the next write connects afresh */
		w->db = NULL;
	}
	struct db_ticket *list = NULL;
	for (unsigned i = n; i-- > 0;) {
		batch[i]->next = list;
		list = batch[i];
	}
	pthread_mutex_lock(&w->lock);
	finish_batch(list, ok, code);
}

/* With w->lock held and the connection ours: run queued writes into one
 * batch until the queue is empty (or the batch full, or an asked write is
 * next: it goes in a batch of its kind), then commit it. */
static void run_batch(struct group_writer *w)
{
	if (w->head != NULL && w->head->ask != NULL) {
		run_asked_batch(w);
		return;
	}
	struct db_ticket *batch = NULL;
	unsigned n = 0;
	sdb *db = NULL;
	bool alive = true;
	int code = SDB_OK;
	struct db_ticket *t;
	while (alive && n < DB_BATCH_MAX && w->head != NULL && w->head->ask == NULL
		&& (t = take_queued(w)) != NULL) {
		pthread_mutex_unlock(&w->lock);
		/* the connection once a batch: asking PostgreSQL's whether it is
		 * in a transaction reads every answer sent ahead, a round trip
		 * for each of the second writer's writes (27 ms of a photo's
		 * answer over a link of 0.5 ms, 4 ms on the socket) */
		if (n == 0)
			db = writer_db(w);
		code = SDB_CANTOPEN;
		alive = db != NULL && run_in_batch(w, db, n == 0, t->fn, t->ctx, &code);
		if (!alive && db != NULL)
			fprintf(stderr, "sigacor-server: %s: %s\n", sdb_backend_name(db), sdb_errmsg(db));
		pthread_mutex_lock(&w->lock);
		t->next = batch;
		batch = t;
		n++;
	}
	pthread_mutex_unlock(&w->lock);
	if (alive) {
		alive = db_commit(db);
		code = alive ? SDB_OK : sdb_errcode(db);
	}
	/* the batch is lost with its transaction: all of it fails */
	if (!alive && db != NULL)
		db_rollback(db);
	if (db != NULL && sdb_connection_lost(db)) {
		/* PostgreSQL restarted: the next write connects afresh */
		sdb_close(db);
		w->db = NULL;
	}
	pthread_mutex_lock(&w->lock);
	finish_batch(batch, alive, code);
}

static enum db_write_result group_write(struct group_writer *w,
	void (*ask)(struct sdb *, void *), bool (*fn)(struct sdb *, void *), void *ctx)
{
	struct db_ticket me = { .ask = ask, .fn = fn, .ctx = ctx };
	pthread_cond_init(&me.wake, NULL);
	pthread_mutex_lock(&w->lock);
	if (w->tail != NULL)
		w->tail->next = &me;
	else
		w->head = &me;
	w->tail = &me;
	w->waiting++;
	while (!me.done && w->in_use)
		pthread_cond_wait(&me.wake, &w->lock);
	if (!me.done) {
		/* the connection is free: run the queue from its oldest write */
		w->in_use = true;
		while (!me.done)
			run_batch(w);
		w->in_use = false;
		if (w->head != NULL)        /* the oldest waiting write runs the next batch */
			pthread_cond_signal(&w->head->wake);
	}
	pthread_mutex_unlock(&w->lock);
	pthread_cond_destroy(&me.wake);
	return me.ok ? DB_WRITE_OK : me.code == SDB_BUSY ? DB_WRITE_BUSY : DB_WRITE_FAILED;
}

enum db_write_result db_write(bool (*fn)(struct sdb *, void *), void *ctx)
{
	return group_write(&writer, NULL, fn, ctx);
}

enum db_write_result db_write_aside(bool (*fn)(struct sdb *, void *), void *ctx)
{
	return group_write(db_is_postgresql() ? &aside : &writer, NULL, fn, ctx);
}

enum db_write_result db_write_asked(void (*ask)(struct sdb *, void *),
	bool (*fn)(struct sdb *, void *), void *ctx)
{
	/* SQLite: nothing to gain, each statement runs when it is stepped */
	return group_write(&writer, db_is_postgresql() ? ask : NULL, fn, ctx);
}

void db_close_all(void)
{
	pthread_mutex_lock(&ckpt.lock);
	ckpt.stop = true;
	pthread_cond_signal(&ckpt.wake);
	bool running = ckpt.running;
	ckpt.running = false;
	pthread_mutex_unlock(&ckpt.lock);
	if (running)
		pthread_join(ckpt.thread, NULL);
	struct group_writer *both[] = { &writer, &aside };
	for (size_t i = 0; i < 2; i++) {
		pthread_mutex_lock(&both[i]->lock);
		if (both[i]->db != NULL)
			sdb_close(both[i]->db);
		both[i]->db = NULL;
		pthread_mutex_unlock(&both[i]->lock);
	}
	pthread_mutex_lock(&pool.lock);
	while (pool.n_idle > 0)
		sdb_close(pool.idle[--pool.n_idle]);
	pthread_mutex_unlock(&pool.lock);
}
