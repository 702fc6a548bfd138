/* store internals shared by the files of src/store/ (not a public header). */
#ifndef SIGACOR_STORE_INT_H
#define SIGACOR_STORE_INT_H

#include <sqlite3.h>
#include <limits.h>
#include "store.h"
#include "format.h"
#include "common.h"

#define STORE_ERR_MAX 1024
/* How long a writer waits for another process before STORE_BUSY. */
#define STORE_BUSY_MS 5000

/* The statements the screens run on every keystroke or list row, kept
 * prepared for the life of the store (compiling the warnings query alone
 * costs more than the whole look-up).  Each id belongs to one SQL text. */
enum store_stmt {
	STMT_RESIDENT_GET,
	STMT_RESIDENTS_BY_KK,
	STMT_RESIDENTS_BY_NIK_PREFIX,
	STMT_RESIDENTS_BY_NAME,
	STMT_RESIDENTS_BY_KK_PREFIX,
	STMT_RESIDENTS_BY_NAME_WORDS,
	STMT_RECORD_GET,
	STMT_RECORD_WARNINGS,
	STMT_RECORD_KK_COORDS,
	STMT_RECORD_COUNTS,
	STMT_PHOTOS_LOAD,
	STMT_COUNT
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *stmts[STMT_COUNT];   /* prepared on first use, or NULL */
	bool stmt_in_use[STMT_COUNT];
	char dir[PATH_MAX];
	char photos[PATH_MAX];       /* dir/photos */
	char operator_name[RECORD_OPERATOR_MAX];   /* the profile folder's name */
	char err[STORE_ERR_MAX];
	struct vault *vault;         /* the encrypting VFS, or NULL: a clear profile */
	struct checkpointer *checkpointer;   /* while a sync writes the registry, or NULL */
};

/* Open dbpath through a vault for key (s->vault), encrypting a clear
 * database of a previous release in place first (src/store/encrypt.c). */
enum store_status store_vault_open(struct store *s, const char *dbpath,
	const unsigned char key[32]);

/* SQLite's own: the writer copies the WAL back at its thousandth page */
#define STORE_WAL_AUTOCHECKPOINT 1000

/* While a sync writes the registry's changes page after page: the WAL
 * copied back by a thread of its own (src/store/checkpointer.c); stop gives
 * the writer its own checkpoints back.  Start does nothing when running,
 * or when it cannot (the writer then checkpoints as always).  Pace, before
 * the writer's next transaction: once the WAL holds
 * store_checkpointer_wal_max pages, waits for the copy to end (a test
 * lowers the bound). */
#define STORE_CHECKPOINTER_WAL_MAX 4096
extern int store_checkpointer_wal_max;
void store_checkpointer_start(struct store *s);
void store_checkpointer_stop(struct store *s);
void store_checkpointer_pace(struct store *s);

/* Set the error sentence (already translated by the caller) and return st. */
enum store_status store_fail(struct store *s, enum store_status st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Map an SQLite failure to a status with a sentence for the operator. */
enum store_status store_fail_sql(struct store *s, int rc, const char *what);
/* the clerk's sentence for a full disk (SQLITE_FULL, ENOSPC, EDQUOT) */
enum store_status store_disk_full(struct store *s);
/* the clerk's sentence for a damaged database (SQLITE_CORRUPT, a failed
 * quick check): what not to do, what to do */
enum store_status store_damaged(struct store *s, const char *detail);

/* BEGIN IMMEDIATE / COMMIT / ROLLBACK with SQLITE_BUSY mapped to STORE_BUSY. */
enum store_status store_begin(struct store *s);
enum store_status store_commit(struct store *s);
void store_rollback(struct store *s);

/* Prepare or fail with STORE_IO. */
enum store_status store_prepare(struct store *s, const char *sql, sqlite3_stmt **st);
/* The cached statement id (sql prepared on first use), bindings cleared;
 * if a caller further up holds it, a one-off statement.  Always give it
 * back with store_stmt_put, on success and on every error path. */
enum store_status store_stmt_get(struct store *s, enum store_stmt id, const char *sql,
	sqlite3_stmt **st);
/* Reset and unbind a statement from store_stmt_get (a one-off is finalised;
 * a cached one whose last step failed is finalised too, so a statement left
 * in a bad state is never reused). */
void store_stmt_put(struct store *s, sqlite3_stmt *st);
/* Finalise every cached statement (after schema changes, and at close). */
void store_stmt_flush(struct store *s);
/* Run one statement without results. */
enum store_status store_exec(struct store *s, const char *sql);
/* Step a prepared statement that returns no rows, then finalise it. */
enum store_status store_run(struct store *s, sqlite3_stmt *st, const char *what);
/* The one integer a query returns, or -1. */
int64_t store_count(struct store *s, const char *sql);
/* meta upsert inside a transaction the caller holds */
enum store_status store_meta_put(struct store *s, const char *key, const char *value);

/* A meta value as a number (0 when absent), and its upsert (inside a
 * transaction the caller holds). */
int64_t store_meta_int(struct store *s, const char *key);
enum store_status store_meta_put_int(struct store *s, const char *key, int64_t value);
/* A paged download's bookkeeping: meta rows "<prefix>.cursor", ".snapshot",
 * ".done_snapshot", ".batch", ".received", ".total" (prefix
 * "sync.residents", "sync.candidates").  begin: inside the caller's
 * transaction, a new pass numbered batch. */
void store_pull_state_load(struct store *s, const char *prefix, struct store_pull_state *out);
enum store_status store_pull_state_begin(struct store *s, const char *prefix, int64_t batch,
	const char *snapshot, int64_t total);

/* A pull pass (the registry, the candidate list), the one frame for both:
 * store_pull_begin opens a pass numbered from seq_key (prepare, when given,
 * runs first in the same transaction); store_pull_page writes one page in
 * one transaction: the pass must be open (and pass_ready agree, when
 * given), each item is checked (item_ok) and written with insert_sql (bind
 * gets its line, the first numbered received + 1), received and the cursor
 * move on, and the last page runs finish and marks the pass done. */
struct store_pull_list {
	const char *prefix;          /* "sync.residents": the meta keys' prefix */
	const char *name;            /* untranslated: "Data penduduk" */
	const char *not_begun;       /* untranslated message: no pass is open */
	bool (*pass_ready)(struct store *s);
	const char *insert_sql, *table;
	size_t item_size;
	bool (*item_ok)(const void *item);
	void (*bind)(sqlite3_stmt *st, const void *item, int64_t batch, int64_t line);
	enum store_status (*finish)(struct store *s, int64_t batch);
	/* after finish: the items the copy holds, to be the total the server
	 * announced (NULL: not checked) */
	int64_t (*held)(struct store *s);
	/* the last page's transaction (finish) rewrites most of the file: with
	 * a rollback journal when nothing else has the profile open
	 * (store_journal_mode) */
	bool big_finish;
};
enum store_status store_pull_begin(struct store *s, const char *prefix, const char *seq_key,
	const char *snapshot, int64_t total, enum store_status (*prepare)(struct store *s));
enum store_status store_pull_page(struct store *s, const struct store_pull_list *l,
	const void *items, size_t n, const char *next_cursor, bool last);
/* Switch the journal ("truncate", "wal"); false when it did not switch
 * (another connection has the database open: WAL stays).  Outside a
 * transaction only. */
bool store_journal_mode(struct store *s, const char *mode);
/* Index the residents' names again (residents_name, FTS5) from the whole
 * table: every writer of the residents table calls it before committing. */
enum store_status store_residents_name_rebuild(struct store *s);
/* Commit when rc is STORE_OK, else roll back; returns the outcome. */
enum store_status store_finish(struct store *s, enum store_status rc);

/* Bind helpers: "" binds as text (never NULL). */
void store_bind_text(sqlite3_stmt *st, int i, const char *text);
/* The same without SQLite's copy: text must stay as it is until the
 * statement is reset (a pull's page, bound row by row). */
void store_bind_text_kept(sqlite3_stmt *st, int i, const char *text);
/* Copy a text column into buf (always terminated, cut at a UTF-8 boundary). */
void store_column_text(sqlite3_stmt *st, int i, char *buf, size_t len);
/* Copy src into buf of len bytes: false when it does not fit. */
bool store_copy(char *buf, size_t len, const char *src);

/* "%text%" for LIKE ... ESCAPE '\\', with % _ and \\ in text escaped. */
void store_like_pattern(const char *text, char *buf, size_t len);

/* Seconds since the epoch (a test clock may be injected later). */
int64_t store_now(void);

/* The residents table since schema version 11, frozen (a change is a new
 * migration): the migration that made it and the registry pull's staging
 * table (sync_store.c) take the same columns.  The NIK is unique by an
 * index of its own (built after the rows in a pull), not the primary key;
 * import_batch and import_line say which import or pass wrote the row,
 * from which line, and find a NIK twice in one file without a second
 * index. */
#define STORE_RESIDENTS_COLUMNS \
	"  nik TEXT NOT NULL CHECK (length(nik) = 16)," \
	"  kk TEXT NOT NULL," \
	"  name TEXT NOT NULL," \
	"  sex TEXT NOT NULL DEFAULT ''," \
	"  birth_place TEXT NOT NULL DEFAULT ''," \
	"  birth_date TEXT NOT NULL DEFAULT ''," \
	"  address TEXT NOT NULL DEFAULT ''," \
	"  rt TEXT NOT NULL DEFAULT ''," \
	"  rw TEXT NOT NULL DEFAULT ''," \
	"  kelurahan TEXT NOT NULL," \
	"  import_batch INTEGER NOT NULL DEFAULT 0," \
	"  import_line INTEGER NOT NULL DEFAULT 0"
#define STORE_RESIDENTS_NIK_INDEX "CREATE UNIQUE INDEX residents_nik ON residents (nik)"
#define STORE_RESIDENTS_KK_INDEX "CREATE INDEX residents_kk ON residents (kk)"

/* the store's usual page cache (2 MB), set again after a bulk write that
 * raised it (a registry pass, its changes) */
#define STORE_USUAL_CACHE_PRAGMA "PRAGMA cache_size = -2000"
/* every commit on disk before it returns (a write that changes it for a
 * while sets this back) */
#define STORE_SYNCHRONOUS_PRAGMA "PRAGMA synchronous = FULL"

/* Photo rows of one record into r->photos (all slots reset first). */
enum store_status store_photos_load(struct store *s, const char *uuid, struct record *r);
/* Replace the photo rows of a draft by the attached slots of r. */
enum store_status store_photos_write(struct store *s, const struct record *r);
/* Every attached slot names a stored file of the right size. */
enum store_status store_photos_check(struct store *s, const struct record *r);

/* A list filter's text is a NIK prefix (else part of a name). */
bool store_filter_by_nik(const struct store_filter *f);
/* Bind the filter's :state (when >= 0), :lo/:hi or :like, :rw, and the last
 * two parameters LIMIT and OFFSET. */
void store_filter_bind(sqlite3_stmt *st, const struct store_filter *f, bool by_nik);

/* Bring the schema up to date (at open). */
enum store_status store_migrate(struct store *s);

/* A keyed store: seal the clear photo files a previous release left
 * (once; a meta row says it is done).  STORE_IO when one stays clear. */
enum store_status store_photos_seal_clear(struct store *s);

/* Open-time housekeeping of the photo folder (stale temp files). */
void store_photos_tidy(struct store *s);

#endif
