/* server: sigacor-server's internal interfaces (not a public header: only
 * files under src/server/ include it). */
#ifndef SIGACOR_SERVER_H
#define SIGACOR_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "i18n.h"
#include "proto.h"
#include "record.h"
#include "flag.h"

/* ---- gen-demo (gen_demo.c, word lists in demo_names.c) */

struct demo_region {
	const char *code6;      /* NIK prefix: kecamatan digits "332903" */
	const char *place;      /* a birth place that goes with it */
};

struct demo_group {
	const char *name;
	unsigned weight;                    /* percent of households */
	const char *const *male;
	size_t n_male;
	const char *const *female;
	size_t n_female;
	const char *const *male2;           /* second names, or NULL */
	size_t n_male2;
	const char *const *female2;
	size_t n_female2;
	const char *const *family;          /* surnames children inherit, or NULL */
	size_t n_family;
	const char *const *towns;           /* birth places of adults */
	size_t n_towns;
	const struct demo_region *home;     /* regions where adults first registered */
	size_t n_home;
};

const struct demo_group *demo_groups(size_t *count);
const char *const *demo_streets(size_t *count);
const char *const *demo_estates(size_t *count);

/* `sigacor-server gen-demo ...`; argv[0] is "gen-demo".  Returns the exit status. */
int gen_demo_main(int argc, char **argv);

/* ---- the data folder (db.c) */
struct sdb;
struct MHD_Connection;

/* DIR/server.db (WAL, synchronous=FULL, foreign keys, busy timeout) and
 * DIR/blobs/.  create: make the folder and the schema when missing. */
bool db_prepare_dir(const char *dir, bool create);
struct sdb *db_open(const char *dir);
/* db_pg.c: DIR/database names a PostgreSQL database (a libpq connection
 * string); NULL when DIR keeps SQLite's server.db.  Every write
 * transaction on PostgreSQL holds the advisory lock DB_PG_WRITE_LOCK: one
 * writer at a time across processes, as SQLite's write lock. */
#define DB_PG_WRITE_LOCK "742402"
#define DB_SCHEMA_VERSION 9         /* of both backends' schemas */
char *db_pg_conninfo(const char *dir);
/* DIR/database written whole (0600: it may hold a password) */
bool db_pg_save_conninfo(const char *dir, const char *conninfo);
/* connected, or NULL with libpq's reason on stderr */
struct sdb *db_pg_connect(const char *conninfo);
struct sdb *db_pg_open(const char *conninfo, int schema_version);
/* migrate_pg.c: DIR/serve.lock, held shared by each serve process for its
 * life and alone while a folder moves to PostgreSQL; the descriptor, or
 * -1 when another holds it so */
int db_dir_lock(const char *dir, bool alone);
/* DIR's server.db moved whole into the empty database of conninfo, then
 * DIR/database written and server.db kept as server.db.before-postgresql;
 * nothing changed on failure.  Returns the exit status. */
int db_pg_move_from_sqlite(const char *dir, const char *conninfo);
/* A reading connection for the calling thread, from a small pool (waits
 * when all are lent); it stays the thread's until db_thread_release(),
 * which the server calls at the end of each request step. */
struct sdb *db_thread(void);
void db_thread_release(void);
void db_thread_init(const char *dir);
/* The folder given to db_thread_init names a PostgreSQL database (its
 * database file): known without a connection, so that a request that only
 * asks does not hold one of the pool's. */
bool db_is_postgresql(void);
/* Run fn(db, ctx) as one write of the server: in turn with the other
 * writers, under a savepoint of a shared transaction (fn returns false to
 * undo its changes), and return once the COMMIT holding it is on disk
 * (group commit: one fsync for the writes that queued meanwhile).
 * DB_WRITE_BUSY: another process held the database past the busy timeout. */
enum db_write_result { DB_WRITE_OK, DB_WRITE_BUSY, DB_WRITE_FAILED };
enum db_write_result db_write(bool (*fn)(struct sdb *db, void *ctx), void *ctx);
/* A write that needs none of the writer's order (it raises no flag, numbers
 * no feed): on PostgreSQL it goes to a second writer beside the one, with
 * its own connection and no write lock; its fn must send its statements
 * ahead (sdb_step_later) and fails its whole batch if one fails (no
 * savepoint).  On SQLite, db_write. */
enum db_write_result db_write_aside(bool (*fn)(struct sdb *db, void *ctx), void *ctx);
/* A write whose reads can go before it (a record's checks).  On
 * PostgreSQL the writer takes the asked writes queued together and runs
 * them as one batch in a few round trips, not two a write: ask(db, ctx)
 * of each sends its reads (sdb_send), then fn(db, ctx) of each reads its
 * answers and sends its writes ahead (sdb_step_later) without settling;
 * fn makes no write before it knows it keeps them.  An earlier write of
 * the batch may have changed what a later one asked: each fn names the
 * values its reads look up (db_batch_named) and asks again when one was
 * named before.  If any statement of the batch fails, the writer rolls
 * it all back and runs each fn again alone, as db_write does (no ask,
 * under its savepoint), so that a failed write fails alone: fn must be
 * ready to run twice.  On SQLite, and for a write queued behind another
 * kind, db_write (fn alone). */
enum db_write_result db_write_asked(void (*ask)(struct sdb *db, void *ctx),
	bool (*fn)(struct sdb *db, void *ctx), void *ctx);
/* Inside an asked batch's fn: whether an earlier write of the batch named
 * key (its ask's answers may be stale), and key named now.  Two keys may
 * share a hash: then a write asks again for nothing. */
bool db_batch_named(const char *key);
/* close the writer and the pool, stop the checkpointer (at shutdown, once
 * no request runs) */
void db_close_all(void);
/* writes waiting for the writer now (for /metrics) */
unsigned db_write_waiting(void);
/* asked batches run since the start (db_write_asked), and those run again
 * write by write because one statement failed (for /metrics) */
void db_asked_batches(unsigned long long *run, unsigned long long *run_again);
/* SQLite: pages in the WAL at the last commit, and checkpoints run since
 * the start (for /metrics; 0 and 0 on PostgreSQL) */
void db_wal_state(int *pages, unsigned long long *checkpoints);
/* a write transaction (the write lock taken now: SQLite's BEGIN IMMEDIATE,
 * PostgreSQL's advisory lock) / COMMIT / ROLLBACK; false on failure (busy
 * after the timeout, disk full...). */
bool db_begin(struct sdb *db);
/* a read transaction whose queries all see one snapshot */
bool db_begin_read(struct sdb *db);
bool db_commit(struct sdb *db);
void db_rollback(struct sdb *db);
bool db_exec(struct sdb *db, const char *sql);
/* meta table: integer values (snapshots) */
long long db_meta_get(struct sdb *db, const char *key);
bool db_meta_set(struct sdb *db, const char *key, long long value);

/* registry_changes.c: an import of residents stages its rows (the
 * insert's ten values in the registry's field order), then applies them
 * as a difference that GET /residents/changes serves; before and after
 * are the registry's sizes. */
extern const char *const registry_staging_insert_sql;
bool registry_staging_open(struct sdb *db);
bool registry_staging_apply(struct sdb *db, long long before, long long after);

/* ---- verification flags (bits, include/flag.h) and review outcomes (ledger.c) */
bool review_outcome_valid(const char *outcome);

/* crosscheck.c: the flags from the city's other records and the record's
 * own facts (before r is stored), and the shared ones given to the other
 * records involved (after; each gaining one gets a change entry). */
#define CROSSCHECK_OTHERS_MAX 64    /* other records named per flag */
#define CROSSCHECK_SHARED 2         /* photo_other_nik, house_far_from_kk */
struct crosscheck_others {
	char id[CROSSCHECK_OTHERS_MAX][RECORD_UUID_LEN + 1];
	int n;
};
/* the other records found before r was stored, given their flag after */
struct crosscheck {
	struct sdb_stmt *query[CROSSCHECK_SHARED];   /* sent, not yet read */
	struct crosscheck_others others[CROSSCHECK_SHARED];
};
/* The queries for r sent (sdb_send: on PostgreSQL they travel with the
 * record's other checks), then their answers read into the flags. */
void crosscheck_send(struct sdb *db, const struct record *r, struct crosscheck *cc);
unsigned crosscheck_flags(const struct record *r, struct crosscheck *cc);
bool crosscheck_spread(struct sdb *db, const struct crosscheck *cc);

/* crosscheck_send's queries finalised unread (the record is not stored). */
void crosscheck_drop(struct crosscheck *cc);

/* The reads a record's flags need (its own, the groups, the shared flags),
 * sent before the record's replay check so that on PostgreSQL both travel
 * in one round trip under the write lock.  Not for a correction: its
 * checks must see the record it corrects superseded (ledger_store sends
 * them then).  ledger_store reads them; ledger_checks_drop when the record
 * is not stored (a replay, a refusal). */
struct ledger_checks {
	struct sdb_stmt *own;
	struct crosscheck cc;
	bool sent;
};
void ledger_checks_send(struct sdb *db, const struct record *r, struct ledger_checks *c);
void ledger_checks_drop(struct ledger_checks *c);
/* In an asked batch (db_write_asked): r's values that the checks look up
 * and its writes change (its id, NIK, KK, photos) named in the batch;
 * true when an earlier record of the batch named one, so that checks
 * asked before it may be stale.  A check that looks up another value
 * must name it here. */
bool ledger_batch_named(const struct record *r);

/* Store a decoded, validated record for operator_id inside the caller's
 * transaction, its checks those sent in c (not sent: sent here).
 * Fills the result (status, flags).  Updates the flags of the other
 * records of the same NIK and writes their change entries.  Its writes
 * are sent ahead (sdb_step_later): the caller settles them, or the COMMIT
 * of its batch does, before the record is said to be stored. */
bool ledger_store(struct sdb *db, const struct record *r, struct ledger_checks *c,
	long long operator_id, const char *device, const char *canonical_json,
	const char *canonical_sha256, int64_t now, unsigned waiting_kinds,
	struct proto_verification_result *result);
/* The photo sha256 of size bytes is stored: the records waiting for it
 * (waiting_photos) no longer do.  A record that named another size keeps
 * waiting (that photo can never arrive: it shows incomplete).  Sent ahead
 * (sdb_step_later): a failure comes with the transaction's COMMIT. */
bool ledger_photo_arrived(struct sdb *db, const char *sha256, long long size);
/* How many of the record's photos the server does not hold yet (-1: error). */
int ledger_photos_waiting(struct sdb *db, const char *id);
/* A record still waiting for photos cannot be confirmed (nobody saw its
 * evidence); rejected and revisit can go (the photos may never come).
 * false: not allowed (*photos_waiting true) or the read failed. */
bool ledger_review_allowed(struct sdb *db, const char *id, const char *outcome,
	bool *photos_waiting);
/* Set a review outcome (confirmed | rejected | revisit) by reviewer, keep
 * it in the record's history (review_log) and queue the change entry that
 * reports it. */
bool ledger_review(struct sdb *db, const char *id, const char *outcome, const char *note,
	const char *reviewer, int64_t now, bool *found);
/* The Indonesian sentence of a change entry (flags and review) into out. */
void ledger_message(unsigned flags, const char *review, const char *note, char *out, size_t cap);

/* ---- blobs (blobs.c): photos as DIR/blobs/ab/<sha256>, written whole or not at all */
struct blob_upload;
/* path of a stored blob into out; true when it exists (size into *size) */
bool blob_exists(const char *dir, const char *sha256, long long *size);
/* DIR/blobs/ab/<sha256> into path; false when it does not fit */
bool blob_path(const char *dir, const char *sha256, char *path, size_t cap);
/* Why blob_upload_begin gave no upload. */
enum blob_begin { BLOB_BEGIN_OK, BLOB_BEGIN_OFFSET, BLOB_BEGIN_BUSY, BLOB_BEGIN_IO };
/* An upload into DIR/blobs/partial/<sha256>.  offset: where the body starts
 * (Upload-Offset), -1 when the client did not say (then from 0).  NULL with
 * BLOB_BEGIN_OFFSET when the partial file holds *held bytes and offset is
 * another number, BUSY when another connection is writing it. */
struct blob_upload *blob_upload_begin(const char *dir, const char *sha256, long long offset,
	enum blob_begin *why, long long *held);
/* Bytes of the partial file of sha256, -1 when there is none. */
long long blob_partial_size(const char *dir, const char *sha256);
/* The connection was cut: keep the partial file for a later Upload-Offset. */
void blob_upload_keep(struct blob_upload *u);
/* The phone's upload into DIR/blobs/tmp, named by the hash of what arrives
 * (blob_upload_finish_named); nothing to resume. */
struct blob_upload *blob_upload_begin_unnamed(const char *dir);
bool blob_upload_write(struct blob_upload *u, const char *data, size_t len);
long long blob_upload_size(const struct blob_upload *u);
enum blob_result { BLOB_STORED, BLOB_HAD_IT, BLOB_MISMATCH, BLOB_NOT_JPEG, BLOB_IO_ERROR };
/* Verify, fsync, rename into place (or throw away); frees u. */
enum blob_result blob_upload_finish(struct blob_upload *u);
/* the same, writing the photo's SHA-256 into name */
enum blob_result blob_upload_finish_named(struct blob_upload *u, char name[PROTO_SHA256_LEN + 1]);
/* Drop an unfinished upload (connection lost); frees u. */
void blob_upload_abort(struct blob_upload *u);
/* Remove temporary files left by a killed server (at start only). */
void blob_clean_tmp(const char *dir);

/* ---- the HTTP API, independent of libmicrohttpd (api.c) */
struct api_config {
	const char *dir;
	long long max_photo;            /* bytes */
};
void api_configure(const struct api_config *cfg);
const struct api_config *api_config(void);

/* What to send back; body is malloc'd (or NULL). */
struct reply {
	int status;
	char *body;
	size_t len;
	bool problem;                   /* application/problem+json */
	bool list;                      /* a list page: gzip when accepted */
	/* a list page with more after it: its next cursor, also in a header
	 * (PROTO_NEXT_CURSOR_HEADER) so a client asks for the next page
	 * before it has read this one */
	char next_cursor[PROTO_CURSOR_MAX + 1];
	int retry_after;                /* seconds, 0 = no header */
	const char *allow;              /* 405: the methods allowed */
	bool has_upload_offset;         /* photos: send the Upload-Offset header */
	long long upload_offset;
	bool file;                      /* a photo: file_fd (owned) instead of body */
	int file_fd;
	long long file_size;
};

/* The operator behind a token. */
struct session {
	long long operator_id;
	char operator_name[PROTO_OPERATOR_MAX + 1];
	char device[PROTO_DEVICE_MAX + 1];
	char token_hash[PROTO_SHA256_LEN + 1];     /* of the session token */
	bool deposit_only;              /* authenticated by the deposit token */
	size_t n_kelurahan;
	char kelurahan[PROTO_KELURAHAN_MAX][16];
};

#define PROBLEMS(X) \
	X(PROBLEM_MALFORMED_JSON, "malformed_json", 400, false, N_("JSON rusak"), N_("Isi permintaan bukan objek JSON yang sah.")) \
	X(PROBLEM_BAD_REQUEST, "bad_request", 400, false, N_("Permintaan salah"), N_("Parameter permintaan tidak sah.")) \
	X(PROBLEM_BAD_CURSOR, "bad_cursor", 400, false, N_("Penanda halaman salah"), N_("Penanda halaman (cursor) tidak dikenal; mulai unduhan dari awal.")) \
	X(PROBLEM_UNAUTHORIZED, "unauthorized", 401, false, N_("Belum masuk"), N_("Sesi tidak berlaku lagi; silakan masuk (login) kembali.")) \
	X(PROBLEM_INVALID_CREDENTIALS, "invalid_credentials", 401, false, N_("Nama atau kata sandi salah"), N_("Nama petugas atau kata sandi salah.")) \
	X(PROBLEM_OPERATOR_DISABLED, "operator_disabled", 403, false, N_("Akun dinonaktifkan"), N_("Akun petugas ini sudah dinonaktifkan; hubungi admin kota.")) \
	X(PROBLEM_DEPOSIT_ONLY, "deposit_only", 403, false, N_("Hanya untuk kiriman tersegel"), N_("Token titipan ini hanya diterima untuk kiriman tersegel (PUT /sealed/…); buka profil di laptop untuk sinkronisasi penuh.")) \
	X(PROBLEM_OUT_OF_SCOPE, "out_of_scope", 403, false, N_("Di luar wilayah tugas"), N_("Kelurahan ini bukan wilayah tugas petugas ini.")) \
	X(PROBLEM_NOT_FOUND, "not_found", 404, false, N_("Tidak ada"), N_("Alamat ini tidak ada di server.")) \
	X(PROBLEM_METHOD_NOT_ALLOWED, "method_not_allowed", 405, false, N_("Metode salah"), N_("Metode HTTP ini tidak dipakai untuk alamat ini.")) \
	X(PROBLEM_CURSOR_EXPIRED, "cursor_expired", 410, false, N_("Data sudah diperbarui"), N_("Data di server sudah diperbarui sejak unduhan dimulai; unduh ulang dari awal.")) \
	X(PROBLEM_TOO_LARGE, "too_large", 413, false, N_("Terlalu besar"), N_("Kiriman melebihi batas ukuran server.")) \
	X(PROBLEM_HEADERS_TOO_LARGE, "headers_too_large", 431, false, N_("Header terlalu besar"), N_("Baris permintaan dan header melebihi 16 KiB.")) \
	X(PROBLEM_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", 415, false, N_("Jenis isi salah"), N_("Jenis isi (Content-Type) tidak diterima untuk alamat ini.")) \
	X(PROBLEM_INVALID_FIELD, "invalid_field", 422, false, N_("Isian tidak sah"), N_("Ada isian yang hilang, salah jenis, atau terlalu panjang.")) \
	X(PROBLEM_ID_MISMATCH, "id_mismatch", 422, false, N_("ID tidak cocok"), N_("ID di alamat berbeda dengan ID di isi rekaman.")) \
	X(PROBLEM_ID_CONFLICT, "id_conflict", 422, false, N_("ID sudah dipakai"), N_("ID rekaman ini sudah dipakai untuk isi yang lain; koreksi harus memakai ID baru.")) \
	X(PROBLEM_VALIDATION, "validation", 422, false, N_("Rekaman belum lengkap"), N_("Rekaman tidak memenuhi aturan verifikasi.")) \
	X(PROBLEM_MISSING_BLOBS, "missing_blobs", 422, false, N_("Foto belum diunggah"), N_("Server belum menerima semua foto rekaman ini.")) \
	X(PROBLEM_HASH_MISMATCH, "hash_mismatch", 422, false, N_("Foto rusak di jalan"), N_("Isi foto yang diterima tidak cocok dengan sidik (SHA-256) yang disebut.")) \
	X(PROBLEM_NOT_JPEG, "not_jpeg", 422, false, N_("Bukan foto JPEG"), N_("File yang dikirim bukan foto JPEG.")) \
	X(PROBLEM_SEALED_INVALID, "sealed_invalid", 422, false, N_("Kiriman tersegel rusak"), N_("Kiriman tersegel tidak bisa dibuka dengan kunci kota: rusak, terpotong, atau disegel untuk kunci lain.")) \
	X(PROBLEM_OFFSET_MISMATCH, "offset_mismatch", 409, false, N_("Lanjutkan dari bagian lain"), N_("Server memegang bagian lain dari foto ini; lanjutkan dari Upload-Offset.")) \
	X(PROBLEM_TOO_MANY_ATTEMPTS, "too_many_attempts", 429, true, N_("Terlalu sering salah"), N_("Terlalu banyak percobaan masuk yang salah; tunggu sebentar lalu coba lagi.")) \
	X(PROBLEM_INTERNAL, "internal", 500, true, N_("Kesalahan server"), N_("Terjadi kesalahan di server; coba lagi nanti.")) \
	X(PROBLEM_BUSY, "busy", 503, true, N_("Server sibuk"), N_("Server sedang sibuk; coba lagi sebentar lagi."))

enum problem {
#define PROBLEM_ENUM(e, code, status, retry, title, detail) e,
	PROBLEMS(PROBLEM_ENUM)
#undef PROBLEM_ENUM
	PROBLEM_COUNT
};

/* Fill out with a problem+json reply; detail NULL = the default sentence. */
void reply_problem(struct reply *out, enum problem p, const char *detail);
/* Fill out with a JSON reply that takes ownership of body. */
void reply_json(struct reply *out, int status, char *body);
/* The replies of a body that did not decode, a database error, a write
 * that did not happen (api.c, for every endpoint file). */
void reply_decode_error(struct reply *out, enum proto_status st, const struct proto_error *e);
void reply_db_error(struct reply *out, struct sdb *db);
void reply_write_error(struct reply *out, enum db_write_result wr);

/* addr: the client's address as throttle_address writes it */
void api_login(const char *body, size_t len, const char *addr, struct reply *out);
/* false (and out filled) when the Authorization header does not name a live token */
/* The session behind "Bearer TOKEN".  A session's deposit token is taken
 * only where deposit_route is true (the sealed deposit endpoints); anywhere
 * else it is refused with 403 deposit_only. */
bool api_authenticate(const char *authorization, bool deposit_route, struct session *s,
	struct reply *out);
/* kept.c: on PostgreSQL, the sessions of recent tokens (and api_list.c's
 * snapshots) kept in the process, emptied by the notifications of a
 * LISTENing connection (see there); on SQLite nothing is kept.  A lookup
 * takes the generation before its query and keeps what it read with it;
 * what is kept serves only while the generation is the same (0: nothing
 * is kept now). */
#define KEPT_MAX_AGE_S 30           /* what is kept is read again after this, whatever happens */
bool kept_start(const char *dir);
void kept_stop(void);
uint64_t kept_generation(void);
bool kept_session_get(const char *hash, struct session *s, int64_t *last_used);
void kept_session_put(uint64_t generation, const char *hash, const struct session *s,
	int64_t last_used);
void kept_session_used(const char *hash, int64_t when);
void kept_forget(void);
struct kept_counts {
	unsigned long long hits, misses;
	bool in_use, listening;
};
void kept_counts(struct kept_counts *c);
/* The tokens used since the last call get their last use written, in one
 * write (the main thread calls it every few seconds and at shutdown). */
void api_tokens_flush(void);
void api_me(const struct session *s, struct reply *out);
/* POST /auth/deposit-token: a new deposit token for the session (a profile
 * logged in before deposit tokens), answered as /me with deposit_token */
void api_deposit_token(const struct session *s, struct reply *out);
void api_logout(const struct session *s, struct reply *out);
void api_residents(const struct session *s, const char *cursor, const char *limit, struct reply *out);
/* Inside an import's transaction: the residents of each kelurahan in
 * snapshot (the one the import makes), kept in meta for the lists' totals
 * (a count of 125,000 rows was the first page's wait after an import);
 * those of older snapshots go. */
bool api_residents_counts_keep(struct sdb *db, long long snapshot);
void api_candidates(const struct session *s, const char *cursor, const char *limit, struct reply *out);
void api_changes(const struct session *s, const char *cursor, const char *limit, struct reply *out);
void api_progress(const struct session *s, const char *cursor, const char *limit, struct reply *out);
void api_registry_changes(const struct session *s, const char *cursor, const char *limit,
	struct reply *out);
/* photos_later: the request said "Photos-Later: 1" (doc/PROTOCOL.md): the
 * record is stored even when its photos are not, waiting for them */
void api_verification_put(const struct session *s, const char *id, const char *body, size_t len,
	bool photos_later, struct reply *out);
/* HEAD: true when the blob is stored */
bool api_blob_have(const char *sha256, long long *size);
void api_blob_reply(const char *sha256, long long size, bool created, struct reply *out);
/* the answer to a finished upload of size bytes (blob_upload_finish's result) */
void api_blob_result(enum blob_result br, const char *sha256, long long size, struct reply *out);
/* sealed_deposit.c: PUT /sealed/{id} (the sealed record, opened and put as
 * api_verification_put) and PUT /sealed/{id}/photo (a sealed photo opened
 * as it arrives into a blob upload; begin NULL: out holds the answer) */
void api_sealed_record_put(const struct session *s, const char *id, const char *body, size_t len,
	struct reply *out);
struct sealed_upload;
struct sealed_upload *sealed_upload_begin(struct reply *out);
void sealed_upload_data(struct sealed_upload *u, const char *data, size_t len);
void sealed_upload_finish(struct sealed_upload *u, struct reply *out);   /* frees u */
void sealed_upload_free(struct sealed_upload *u);                        /* a cut upload */
/* The photo is stored: the records waiting for it are told in one write
 * transaction (false: not committed). */
bool api_blob_arrived(const char *sha256, long long size);
/* At start, on the main connection before any thread: photos stored by a
 * server that stopped before it told the records waiting for them. */
bool api_blobs_reconcile(struct sdb *db);

/* ---- commands */
/* ---- the photo inbox (inbox.c: codes, photos, the API; inbox_page.c: the
 * phone's upload page at /u/) */
struct inbox_config {
	char inbox_dir[4096];           /* DATA/inbox: photos by hash under blobs/ */
	int code_minutes;               /* a code opens the page within this time (15) */
	int keep_days;                  /* photos are deleted after this many days (7) */
	const char *public_url;         /* "https://kota.example": whole URLs in answers, or NULL */
	const char *assets;             /* the page's script and style */
};
void inbox_configure(const struct inbox_config *cfg);
const char *inbox_dir(void);
const struct inbox_config *inbox_config(void);
/* folders, schema, leftovers of a crash; DATA/inbox into inbox_dir */
bool inbox_prepare(struct sdb *db, const char *data_dir, char *inbox_dir, size_t cap);
void api_inbox_code_new(const struct session *s, struct reply *out);
void api_inbox_list(const struct session *s, struct reply *out);
void api_inbox_fetch(const struct session *s, const char *sha256, struct reply *out);
void api_inbox_delete(const struct session *s, const char *sha256, struct reply *out);
#define INBOX_KEY_HEX 64
enum inbox_open { INBOX_CODE_OPENED, INBOX_CODE_USED, INBOX_CODE_EXPIRED, INBOX_CODE_UNKNOWN,
	INBOX_CODE_FAILED };
/* The page's first visit: key gets the upload key (hex) when OPENED. */
enum inbox_open inbox_code_open(const char *code, char key[INBOX_KEY_HEX + 1]);
/* true when code was opened, has not expired and key is its upload key */
bool inbox_code_check(const char *code, const char *key, long long *operator_id);
bool inbox_photo_add(long long operator_id, const char *sha256, long long size, const char *name);
bool inbox_position_set(long long operator_id, const char *sha256,
	const struct proto_phone_position *pos);
void inbox_expire(void);
bool inbox_page_owns(const char *url);
struct inbox_page;
/* like web_handle: libmicrohttpd's access handler for /u/ */
int inbox_page_handle(struct MHD_Connection *c, const char *url, const char *method,
	const char *upload_data, size_t *upload_data_size, struct inbox_page **state);
void inbox_page_log(const struct inbox_page *p, int *status, size_t *out);
void inbox_page_free(struct inbox_page *p);

/* ---- the workers (workers.c): a bounded pool makes the API's answers, a
 * queue of its own checks the logins' passwords; both first in, first out,
 * and an item that would wait past its queue's bound is refused (503 busy
 * with Retry-After) instead of queued */
enum work_queue { WORK_API, WORK_LOGIN, WORK_QUEUE_COUNT };
struct work_item {
	struct work_item *next;
	void (*run)(struct work_item *w);
	int64_t queued_us;              /* set by workers_submit */
};
struct workers_config {
	unsigned api_workers, login_workers;
	unsigned api_wait_max_ms, login_wait_max_ms;  /* 0: no bound */
	/* a login check's cost before any was timed: the first burst of a
	 * city's logins comes before the first one ends */
	int64_t login_seed_us;
};
bool workers_start(const struct workers_config *cfg);
/* Runs what is queued, then joins the workers. */
void workers_stop(void);
/* Queues w (run later on a worker); false and *retry_after_s when the
 * queue is stopping or its expected wait passes its bound. */
bool workers_submit(enum work_queue q, struct work_item *w, int *retry_after_s);
unsigned workers_waiting(enum work_queue q);

int serve_main(int argc, char **argv);
/* serve's command line (serve_options.c): defaults, then the options;
 * false when one is unknown or out of its range (then serve_usage) */
struct serve_options {
	const char *dir, *listen, *cert, *key;
	const char *web_assets, *leaflet, *tiles;
	const char *public_url;         /* the address phones reach, for the inbox's QR code */
	int inbox_days, inbox_code_minutes;
	unsigned max_connections;
	unsigned max_per_address;       /* 0: no limit (behind a proxy, benchmarks) */
	unsigned header_timeout_s;
	long long max_photo_mb;
	const char *metrics_listen;     /* GET /metrics and /healthz there, or NULL (ops.c) */
	bool json_log;                  /* --log-format json */
	/* --no-progress-feed: GET /progress answers 404 as a server before it
	 * did (a city that keeps who verified what from the other clerks) */
	bool no_progress_feed;
	const char *city_key;           /* --city-key FILE, else DIR/city.key when present */
	/* the workers (workers.c): --workers, --login-workers, --queue-wait-ms,
	 * --login-wait-s */
	struct workers_config workers;
};
bool serve_options_parse(int argc, char **argv, struct serve_options *o);
void serve_usage(void);          /* on stderr */
/* Where a listener may be: the loopback only (plain HTTP), also a private
 * network (10/8, 172.16/12, 192.168/16, fc00::/7: the monitoring side of
 * --metrics-listen), or anywhere (HTTPS). */
enum listen_reach { LISTEN_LOOPBACK, LISTEN_PRIVATE, LISTEN_ANY };
/* listen.c: "127.0.0.1:8080", "[::1]:0": a listening socket (-1 on error,
 * said on stderr naming --option), the address it got into shown. */
int serve_listen_on(const char *option, const char *spec, enum listen_reach reach, char *shown,
	size_t shown_cap);
/* A small file (at most 1 MB) read whole and NUL-terminated, or NULL (said). */
char *serve_read_file(const char *path);
/* sealed_deposit.c: the city's key pair and the sealed outbox (doc/PROTOCOL.md
 * section 7a).  keygen: `sigacor-server keygen`.  city_key_load_default:
 * given, else DIR/city.key when it exists (none: true, no sealed outbox);
 * false (said) when a file is there but unusable. */
int keygen_main(int argc, char **argv);
extern const char *const keygen_commands_help;     /* its lines of --help */
bool city_key_load_default(const char *dir, const char *given);
/* the public key as hex for the login answer, "" when none is loaded */
const char *city_key_public_hex(void);
int admin_add_operator(int argc, char **argv);
int admin_disable_operator(int argc, char **argv);
int admin_review(int argc, char **argv);
int admin_import_residents(int argc, char **argv);
int admin_import_candidates(int argc, char **argv);
int admin_export(int argc, char **argv);
int admin_flagged(int argc, char **argv);
/* the city's results (report.c): the command, and its lines of --help */
int report_main(int argc, char **argv);
int geojson_main(int argc, char **argv);        /* geojson.c */
int musdes_main(int argc, char **argv);         /* musdes.c */
extern const char *const report_commands_help;

/* The new password of an account: one line of stdin (asked twice at a
 * terminal), 8 to 1024 bytes, as an Argon2id string into hash (at least
 * crypto_pwhash_STRBYTES).  0, or the exit status after a message. */
int admin_password_hash(char *hash);

/* Logins of operators and supervisors (api.c): the Argon2id check runs a
 * few at a time; stored NULL (unknown name): checked against a dummy hash,
 * same time.  How often one may try: throttle.c below. */
bool login_password_ok(const char *stored, const char *password);
/* What one password check costs here (µs), timed once: the Argon2id of
 * the hash that unknown names are checked against. */
int64_t login_check_cost_us(void);

/* ---- login throttling (throttle.c), exact per (name, address) and per address */
struct sockaddr;
#define THROTTLE_ADDRESS_MAX 64
/* the address a login is counted under: IPv4 as is, IPv6 by its /64 */
void throttle_address(const struct sockaddr *sa, char *out, size_t cap);
/* Before the password check: 0 = go on (then throttle_login_done must
 * follow), else the seconds to wait (answer 429, no Argon2id). */
int throttle_login_begin(const char *name, const char *addr, int64_t now);
enum throttle_outcome { THROTTLE_GOOD, THROTTLE_BAD, THROTTLE_NOT_CHECKED };
void throttle_login_done(const char *name, const char *addr, int64_t now,
	enum throttle_outcome outcome);

/* ---- slow connections (guard.c): a watchdog shuts down connections that
 * send their headers or body too slowly (slowloris) */
struct guard_limits {
	unsigned header_deadline_s;     /* headers of a request (or idle between requests) */
	unsigned body_grace_s;          /* a body is judged after this long ... */
	unsigned body_min_rate;         /* ... by its average bytes per second */
};
struct guard_conn;
bool guard_start(const struct guard_limits *limits);
void guard_stop(void);
/* a connection accepted (fd: its socket) / about to be closed by libmicrohttpd */
struct guard_conn *guard_open(int fd);
void guard_close(struct guard_conn *g);
void guard_headers_done(struct guard_conn *g, bool body_follows);
void guard_body(struct guard_conn *g, size_t bytes);
void guard_body_done(struct guard_conn *g);
void guard_request_done(struct guard_conn *g);
/* connections cut so far, for the log at shutdown */
void guard_counts(unsigned long long *headers, unsigned long long *bodies);

/* ---- operations (ops.c, doc/OPERATIONS.md): /healthz, /metrics, the log line */
struct ops_log_line {
	const char *request_id, *method;
	const char *route;              /* a template ("/verifications/{id}"), never the URL */
	int status;
	long long in_bytes;
	size_t out_bytes;
	long long ms;
	const char *role, *who;         /* "op", "sv" or "ph", and the account's name or "-" */
	bool aborted;
};
/* one JSON object a line instead of the text line (serve --log-format json) */
void ops_set_json_log(bool json);
void ops_log_request(const struct ops_log_line *l);
/* a request's headers came / its answer went: in flight, and counted by
 * route template and status in the latency histogram */
void ops_request_started(void);
void ops_request_done(const char *route, int status, int64_t duration_us);
/* +1 when a login starts waiting for an Argon2id slot, -1 when it has one */
void ops_login_waiting(int delta);
/* GET /healthz: 200 {"status":"ok"} while the database reads, else 503 */
void ops_health(struct reply *out);
/* --metrics-listen: GET /metrics and GET /healthz on their own listener
 * (loopback or a private network); false when it cannot start (said) */
bool ops_listen(const char *spec, char *shown, size_t shown_cap);
void ops_listen_stop(void);

/* small helpers (util.c) */
void util_hex(const unsigned char *bytes, size_t n, char *out);   /* out: 2n+1 */
/* SHA-256 of a stream through OpenSSL's libcrypto, which uses the CPU's
 * SHA instructions: 4-5x libsodium's portable code, and hashing the photos
 * took 15 % of the server's CPU in a city's sync burst.  init false: out
 * of memory; final gives the digest in hex and ends h; end ends h without
 * one (a no-op on an ended or zeroed h). */
struct util_sha256 { void *ctx; };
bool util_sha256_init(struct util_sha256 *h);
void util_sha256_update(struct util_sha256 *h, const void *data, size_t len);
bool util_sha256_final(struct util_sha256 *h, char hex[65]);
void util_sha256_end(struct util_sha256 *h);
int64_t util_now(void);
/* the kelurahan code of a CSV or option value ("36.71.01.1001" or
 * "3671011001"), as the dotted code of the table, or NULL */
const char *util_kelurahan(const char *code);

/* One --name of a server command.  An option with a value stores optarg in
 * *text, one without sets *flag; required: the message (N_()) when it is
 * missing, or NULL.  A list ends with a NULL name. */
struct command_option {
	const char *name;
	const char **text;
	bool *flag;
	const char *required;
};
#define COMMAND_OPTIONS_MAX 24
/* Read argv's options against the list and exactly n_args positional
 * arguments (into args).  false: what was wrong is printed (getopt's word
 * for an unknown option, the message of a missing one); the caller prints
 * its usage.  Values not given keep what the caller put there. */
bool util_parse_options(int argc, char **argv, const struct command_option *list,
	int n_args, const char **args);
/* a whole decimal number in [min, max] into *out (untouched when false) */
bool util_parse_count(const char *text, long long min, long long max, long long *out);

#endif
