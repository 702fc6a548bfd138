/* store: everything on disk for one operator profile.
 * SQLite (WAL, synchronous=FULL, foreign keys, writes in BEGIN IMMEDIATE,
 * busy_timeout, forward migrations by user_version) plus the photo files,
 * copied in by content hash.  All SQL of the client lives in src/store/.
 *
 * Layout of a profile directory (0700, files 0600):
 *   sigacor.db            the database (and its -wal, -shm)
 *   photos/ab/abcdef….jpg attached photos by SHA-256
 *
 * One struct store is one SQLite connection: use it from one thread.  Other
 * processes may open the same profile at the same time; a writer waits up to
 * 5 s for another, then gets STORE_BUSY with a sentence saying so. */
#ifndef SIGACOR_STORE_H
#define SIGACOR_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "record.h"
#include "registry.h"

struct store;

enum store_status {
	STORE_OK = 0,
	STORE_NOT_FOUND,
	STORE_BUSY,          /* another process holds the database too long */
	STORE_REJECTED,      /* the input breaks a rule; see store_error() */
	STORE_FROZEN,        /* a final record cannot change */
	STORE_IO,            /* disk, permissions, corruption */
	STORE_LOCKED,        /* the profile has a password: only store_open_keyed opens it */
};

/* The file that makes a profile keyed (its data key wrapped by the
 * clerk's password, src/ui/profile_key.c): with it in the folder the
 * database is encrypted, and store_open refuses the folder. */
#define STORE_KEY_FILE "profile.key"


/* Open (creating when missing) the profile directory dir, in clear: for a
 * profile without a password (made headless).  A folder holding
 * STORE_KEY_FILE is refused with STORE_LOCKED and a sentence: a clear open
 * would make or upgrade a clear database beside the encrypted one. */
enum store_status store_open(const char *dir, struct store **out, char *err, size_t errlen);
/* The same for a profile with a password: the database encrypted with the
 * profile's 32-byte data key (include/vault.h); a clear database of a
 * previous release is encrypted in place first, crash-safe. */
enum store_status store_open_keyed(const char *dir, const unsigned char key[32],
	struct store **out, char *err, size_t errlen);
void store_close(struct store *s);
/* The last error as a sentence in the operator's language (translated). */
const char *store_error(const struct store *s);
const char *store_dir(const struct store *s);
/* How long a write waits for another process before STORE_BUSY (default
 * 5000 ms). */
void store_set_busy_timeout(struct store *s, int ms);
/* The profile's name (the last part of dir): the default operator name of
 * new records. */
const char *store_operator(const struct store *s);

/* ---- the registry copy (residents; struct resident: registry.h) ---- */

/* Import a CSV (header: nik,kk,name,kelurahan at least; optional sex,
 * birth_place,birth_date,address,rt,rw; other columns are ignored; names
 * are matched without regard to case).  All or nothing: on a bad row nothing
 * changes and the error names the line and the column.  A NIK twice in the
 * file is a broken row (the error names both lines).  Residents already in
 * the copy are updated (upsert); those absent from the file stay.
 * Checks: nik (nik_check, warnings allowed), kk 16 digits, name not empty,
 * kelurahan a Kota Tangerang code (dotted or 10 digits), sex L/P or empty,
 * birth_date YYYY-MM-DD (not in the future) or empty, rt/rw 1-3 digits
 * (kept zero-padded, "7" -> "007"), text valid UTF-8 without control
 * characters and within the struct resident sizes.  The fault reported is
 * the first in the file, although the rows go in sorted by NIK (doc/STORE.md).
 * progress may be NULL; it is called every few thousand rows with bytes read
 * so far while the file is read (the sorted rows then go in and the indexes
 * are built, without calls), and once at the end. */
enum store_status store_import_residents(struct store *s, FILE *csv,
	void (*progress)(long bytes, long rows, void *ctx), void *ctx, long *rows_out);
enum store_status store_resident_get(struct store *s, const char *nik, struct resident *out);
int64_t store_resident_count(struct store *s);
/* At least store_resident_count, at once: before a count of every row. */
int64_t store_resident_count_bound(struct store *s);
/* Members of the same KK (for the form), at most max. */
size_t store_residents_by_kk(struct store *s, const char *kk, struct resident *out, size_t max);
/* Residents whose NIK starts with text (when it is digits) or whose name
 * contains it (any case), by name, at most max. */
size_t store_residents_search(struct store *s, const char *text, struct resident *out, size_t max);
/* A resident whose NIK is not known: when text is digits (spaces, dots and
 * dashes ignored), those whose KK starts with them, by KK and birth date;
 * else those with a word of the name starting with each word of text (any
 * case, accents ignored: "jose" finds "José"), at most max, by name. */
size_t store_residents_find(struct store *s, const char *text, struct resident *out, size_t max);
/* Registered NIKs one keying slip away from nik (16 digits): one digit
 * replaced (16 x 9 primary-key probes) or two neighbouring digits swapped
 * (15 more), in kelurahan when it is not NULL or empty; at most max, in
 * NIK order.  For "did you mean" on a NIK the registry does not know. */
size_t store_residents_near_nik(struct store *s, const char *nik, const char *kelurahan,
	struct resident *out, size_t max);

/* ---- verification records ---- */

/* Copy a photo file into the profile (temp file, fsync, rename, fsync dir)
 * and fill slot (sha256, size, EXIF facts).  The row naming it is written by
 * store_record_save.  Rejects what photo_read rejects, with its message. */
enum store_status store_photo_import(struct store *s, const char *path,
	struct record_photo *slot);
/* Where the clerk's phone was when it uploaded the photo sha256 to the
 * photo inbox (kept when sigacor fetches it; store/phone.c). */
enum store_status store_phone_position_put(struct store *s, const char *sha256, double lat,
	double lon, double accuracy_m);
/* No photo with GPS: the house coordinates from the phone's position at
 * upload of the house photo, else the KTP's, else the KK's (COORD_PHONE,
 * the accuracy said in coord_reason).  false when none came with one. */
bool store_record_coord_from_phone(struct store *s, struct record *r);
/* A final record's copy outside the database (the sealed outbox,
 * include/sync.h): write runs inside the transaction that makes r final,
 * before its commit (false with a sentence: the record stays a draft);
 * undo when that commit then fails.  One per process; none by default. */
struct store_final_copy {
	bool (*write)(struct store *s, const struct record *r, char *err, size_t errlen);
	void (*undo)(struct store *s, const char *uuid);
};
void store_set_final_copy(const struct store_final_copy *copy);
/* The token a locked sync deposits with, read from the profile folder dir
 * without opening the store: the deposit token, else (a profile logged in
 * before deposit tokens, or at a server without them) the clear session
 * token; false when there is none. */
bool store_deposit_token_read(const char *dir, char *buf, size_t len);
/* Where the stored photo sha256 lies (into buf): photos/ab/<sha256>.jpg in
 * a clear store; in a keyed one a sealed file named by the keyed hash of
 * sha256 (doc/STORE.md "Photo files").  For counting and removing files:
 * the bytes are read with store_photo_bytes, never from this path. */
bool store_photo_path(const struct store *s, const char *sha256, char *buf, size_t len);
/* Other files of the profile that hold photos (the phone's photo inbox,
 * PROFILE/inbox): store_file_write writes data to path whole (temp file
 * 0600, fsync, rename), sealed (vault_seal_file) when the store is keyed
 * and path lies in the profile folder, clear elsewhere (a folder the clerk
 * chose); false with errno.  store_file_has: path holds len clear bytes as
 * store_file_write left them.  store_file_sealed: a keyed store and path is
 * a sealed file.  store_file_bytes: the clear bytes of a photo file (a
 * sealed one opened with the key, STORE_REJECTED with a sentence when it
 * was changed or is not this profile's; any other read as it is),
 * malloc'd.  store_photo_import takes a sealed file too. */
bool store_file_write(struct store *s, const char *path, const void *data, size_t len);
bool store_file_has(const struct store *s, const char *path, int64_t len);
bool store_file_sealed(const struct store *s, const char *path);
enum store_status store_file_bytes(struct store *s, const char *path, unsigned char **data,
	size_t *len);
/* The SHA-256 of a photo file's clear bytes (a sealed one opened), 64 hex
 * digits and NUL: which photo an inbox file is (handover's count). */
bool store_file_sha256(struct store *s, const char *path, char out[65]);
/* The store was opened with store_open_keyed. */
bool store_is_keyed(const struct store *s);
/* The clear bytes of the stored photo sha256 into *data (malloc'd, free
 * with free): opened through the vault in a keyed store, read in a clear
 * one; their SHA-256 is checked either way.  STORE_NOT_FOUND when the file
 * is gone, STORE_REJECTED when it was changed, cut or is not this
 * profile's (the sentence says so), STORE_IO when it cannot be read. */
enum store_status store_photo_bytes(struct store *s, const char *sha256, unsigned char **data,
	size_t *len);
/* The same without hashing them (a sealed file is still opened, so still
 * refused when changed or cut): for a photo upload, whose bytes the
 * server hashes (a mismatch is then checked with store_photo_verify); an
 * upload costs no more than it did when it read the file. */
enum store_status store_photo_bytes_unchecked(struct store *s, const char *sha256,
	unsigned char **data, size_t *len);
/* Remove a stored photo no record names (the clerk replaced or dropped it
 * before saving).  A photo some record names is kept; STORE_OK either way. */
enum store_status store_photo_discard(struct store *s, const char *sha256);

/* Save a draft (new when r->uuid is "", then r->uuid is filled).  The store
 * fills in_registry (the NIK is in the registry copy), created_at/updated_at,
 * state (draft) and operator_name when empty.  Every attached photo must be
 * in the store (store_photo_import).  STORE_NOT_FOUND for an unknown uuid,
 * STORE_FROZEN when that record is final, STORE_REJECTED for what no record
 * may hold (letters in the NIK, an unknown kelurahan, broken UTF-8, a
 * supersedes naming a missing or draft record).  On failure r is unchanged. */
enum store_status store_record_save(struct store *s, struct record *r);
/* Check the rules, save, freeze the record and queue it for sync, in one
 * transaction.  problems (may be NULL) gets record_check_final bits; when
 * any is set nothing is written and the result is STORE_REJECTED with the
 * problems as one sentence.  A correction is a new record (uuid "") whose
 * supersedes names the final record it corrects. */
enum store_status store_record_finalise(struct store *s, struct record *r, unsigned *problems);
enum store_status store_record_get(struct store *s, const char *uuid, struct record *out);
/* Delete a draft (never a final record). */
enum store_status store_record_delete_draft(struct store *s, const char *uuid);

/* Warnings that need other records (RECORD_WARN_PHOTO_REUSED,
 * RECORD_WARN_NIK_DUPLICATE, RECORD_WARN_KK_LAYAK) as bits.  Records of the
 * same line of corrections (supersedes, either way) are not "other"; drafts
 * count.  KK_LAYAK looks at r->kk, else at the registry's KK of r->nik, and
 * ignores records corrected by a later one.  See doc/STORE.md. */
unsigned store_record_warnings(struct store *s, const struct record *r);

struct store_filter {
	const char *text;            /* NIK prefix or part of the name, or NULL */
	int state;                   /* enum record_state, or -1 for all */
	const char *rw;              /* or NULL */
	size_t offset, limit;        /* limit 0 = all */
};
/* Calls each for every matching record (with its photos), most recently
 * changed first; stops when each returns false.  Returns the number visited.
 * rw matches the registry's RW of the record's NIK.  each must not write. */
size_t store_record_list(struct store *s, const struct store_filter *f,
	bool (*each)(const struct record *r, void *ctx), void *ctx);
/* The same for an export: STORE_OK only when every matching record was
 * read (or each stopped), so a read error (a corrupt page) never looks like
 * the end of the data; the error says what to do. */
enum store_status store_record_each(struct store *s, const struct store_filter *f,
	bool (*each)(const struct record *r, void *ctx), void *ctx);
/* SQLite's quick check of the whole profile database (sigacor status):
 * STORE_OK, or STORE_IO with a sentence saying it is damaged and what to
 * do (issue 8: a few corrupt pages went unnoticed). */
enum store_status store_check_integrity(struct store *s);
void store_record_counts(struct store *s, int64_t counts[STATE_COUNT]);

/* ---- the households assigned for verification (candidates) ----
 * The city's list for the operator's kelurahan, downloaded by sync (GET
 * /candidates).  One household may be in several programs. */
/* (struct candidate: registry.h) */

/* A candidate as the worklist shows it: once per NIK, with the registry's
 * name and RW ("" when the NIK is not in the registry copy) and the most
 * recently changed record of that NIK, when there is one. */
/* Whose it is on this laptop's list: assigned to this operator (or to
 * nobody) and still to do; verified by anyone per the progress feed (and
 * not sent back for a visit); assigned to another operator. */
enum candidate_place { CANDIDATE_MINE = 0, CANDIDATE_DONE_ELSEWHERE, CANDIDATE_NOT_MINE };

struct store_candidate_row {
	char nik[NIK_LEN + 1];
	char kk[NIK_LEN + 1];
	char kelurahan[16];
	char programs[64];           /* "PKH,BPNT" */
	char name[RECORD_NAME_MAX];
	char rt[4], rw[4];
	bool has_record;
	char record_uuid[RECORD_UUID_LEN + 1];
	enum record_state record_state;
	char assigned_to[64];        /* the city's assignee, "" for nobody */
	enum candidate_place place;
	bool revisit;                /* the city's latest review asks for a visit */
	/* the progress feed's outcome and who (CANDIDATE_DONE_ELSEWHERE): never
	 * more of a colleague's record */
	char done_decision[16], done_reason[32], done_by[64];
};

/* store_filter.state for store_candidate_list: candidates without any
 * record yet ("belum diverifikasi").  -1: all; a record state: those whose
 * latest record is in it. */
#define STORE_STATE_UNVERIFIED (-2)

/* Calls each for every matching candidate in walking order: this
 * operator's households the city sent back for a visit first, then this
 * operator's to-do, then those verified by anyone, then those assigned to
 * other operators, each by RW, RT, address, name, NIK; stops when each
 * returns false.  text matches the NIK (prefix) or the registry's name, rw
 * the registry's RW.  Returns the number visited.  each must not write. */
size_t store_candidate_list(struct store *s, const struct store_filter *f,
	bool (*each)(const struct store_candidate_row *c, void *ctx), void *ctx);
/* Households (distinct NIK) assigned, and those of them without a record. */
void store_candidate_counts(struct store *s, int64_t *assigned, int64_t *unverified);
/* Of those without a record here, the ones still this operator's to do
 * (CANDIDATE_MINE: a revisit of a reassigned household included). */
int64_t store_candidate_todo(struct store *s);
/* The operator the city assigned nik to, into buf ("" for nobody or not a
 * candidate). */
void store_candidate_assignee(struct store *s, const char *nik, char *buf, size_t len);
/* Households (distinct NIK) the city assigned to this operator by name. */
int64_t store_candidates_assigned_to(struct store *s, const char *operator_name);

/* The kelurahan's progress, all operators together: the assigned
 * households (distinct NIK), how many are verified (the city's outcome
 * from the progress feed, else this laptop's latest final record), split
 * as the city's report splits them, and how many the city flagged. */
struct store_kelurahan_progress {
	int64_t assigned, verified, layak, tidak_layak, not_found, flagged;
};
void store_kelurahan_progress(struct store *s, struct store_kelurahan_progress *out);

/* ---- the clerk's own figures per kelurahan (store/report.c) ----
 * Counted from this laptop's records and candidate list on each call.  A
 * household is a NIK, counted by its latest final record no final
 * correction replaced; households with only drafts are counted apart. */
struct store_report_row {
	char kelurahan[16];
	int64_t assigned, assigned_verified;   /* on the candidate list; with a final record */
	int64_t drafts;                        /* households with only drafts */
	int64_t verified, layak, tidak_layak, not_found;   /* verified = the three */
	int64_t by_reason[REASON_COUNT];       /* tidak_layak by reason */
	int64_t unsent, accepted, flagged, quarantined;   /* sync state of those records */
};
/* Fills out (at most max rows, in kelurahan code order); returns the count. */
size_t store_report(struct store *s, struct store_report_row *out, size_t max);

/* ---- the sync queue (outbox) ----
 * A final record has an outbox row until the server answered for good.  The
 * sync engine: store_outbox_due -> store_outbox_sending -> send ->
 * store_record_settle (accepted | flagged | quarantined) or
 * store_outbox_retry.  A crash between any two steps leaves the row: the
 * record is sent again and the server dedupes by uuid. */
struct store_outbox_item {
	char uuid[RECORD_UUID_LEN + 1];
	int attempts;
	int64_t next_attempt_at, queued_at;
	char last_error[256];
};
/* Rows whose next attempt is due at now, oldest first, at most max. */
size_t store_outbox_due(struct store *s, int64_t now, struct store_outbox_item *out, size_t max);
int64_t store_outbox_count(struct store *s);
/* The record is being sent: state sending, attempts + 1. */
enum store_status store_outbox_sending(struct store *s, const char *uuid);
/* The attempt failed for a passing reason: try again at next_attempt_at. */
enum store_status store_outbox_retry(struct store *s, const char *uuid,
	int64_t next_attempt_at, const char *error);
/* The server's answer for good (or a later review outcome): state
 * accepted, flagged or quarantined with its message; the outbox row goes. */
enum store_status store_record_settle(struct store *s, const char *uuid,
	enum record_state state, const char *server_message);

/* ---- photos after their record (doc/PROTOCOL.md "Records before their
 * photos"): the server took the record and waits for its photos.  Settled
 * as above, with every photo of the record queued in the same transaction;
 * each leaves the queue when the server holds it (or can never take it).
 * A record with queued photos is "terkirim tanpa foto" (its photos_waiting);
 * complete once its last one left. */
enum store_status store_record_settle_photos_later(struct store *s, const char *uuid,
	enum record_state state, const char *server_message);
struct store_queued_photo {
	char uuid[RECORD_UUID_LEN + 1];
	enum photo_kind kind;
	char sha256[65];
	int64_t size;
};
/* The next queued photo, oldest record first, after the first skip ones
 * (those refused in this run): STORE_OK, or STORE_NOT_FOUND when none. */
enum store_status store_photo_queue_next(struct store *s, int64_t skip,
	struct store_queued_photo *out);
/* The server holds the photo: it leaves the queue. */
enum store_status store_photo_queue_done(struct store *s, const char *uuid, enum photo_kind kind);
/* The photo can never go as it is: it stays queued (the server still waits
 * for it, the record shows so) and why becomes the record's message; the
 * correction that supersedes the record, once settled, takes it out. */
enum store_status store_photo_queue_refused(struct store *s, const char *uuid, const char *why);

/* The city's reviews of a record, oldest first (its history: every review
 * the changes feed brought, none replaced): who, when, what, the note, and
 * the correction on this laptop that answers it ("" none). */
struct store_review {
	int64_t id;                          /* the server's review id */
	char outcome[16];                    /* "confirmed" | "rejected" | "revisit" */
	char note[RECORD_TEXT_MAX];
	char reviewer[64];
	int64_t at;                          /* unix seconds, 0 unknown */
	char answered_by[RECORD_UUID_LEN + 1];
};
enum store_status store_record_reviews(struct store *s, const char *uuid,
	bool (*each)(const struct store_review *r, void *ctx), void *ctx);

/* ---- less to lose (store/purge.c, issue 12; doc/STORE.md "Purge") ----
 * A record the server accepted (or flagged) more than N days ago keeps only
 * what the worklist shows (uuid, NIK, KK, kelurahan, decision and reason
 * code, state, operator, dates, the server's message, supersedes); its
 * name, address, notes, written reason, coordinates, photo rows and files,
 * review notes and phone positions go.  Never a draft, a queued or
 * quarantined record, one whose photos the server still waits for
 * (photo_queue), one the city sent back (revisit, rejected) without a
 * final correction, nor one with a draft correction open.  Crash-safe: each
 * record whole or purged; a photo file goes only after the database says
 * so, and a run cut short is finished by the next. */
#define STORE_PURGE_DAYS_DEFAULT 14
#define STORE_PURGE_DAYS_MAX 3650
struct store_purge_result {
	int64_t records;             /* records emptied by this run */
	int64_t photos;              /* photo files removed by this run */
};
/* The profile's setting in days (0: never purge). */
int64_t store_purge_days(struct store *s);
enum store_status store_purge_days_set(struct store *s, int64_t days);
/* Something to purge at now (a cheap look: a few index probes). */
bool store_purge_pending(struct store *s, int64_t now);
/* Purge what is due at now (unix seconds); out may be NULL. */
enum store_status store_purge(struct store *s, int64_t now, struct store_purge_result *out);
/* The same at the current time, only when store_purge_pending says so: for
 * after a sync and the screens' start. */
enum store_status store_purge_due(struct store *s, struct store_purge_result *out);

/* A record holds this photo (by the SHA-256 of its file: the kept copy or
 * the photo the clerk picked): sigacor handover tells inbox photos not yet
 * attached. */
bool store_photo_attached(struct store *s, const char *sha256);

/* ---- small settings kept with the data (cursor, server URL, ...) ---- */
bool store_meta_get(struct store *s, const char *key, char *buf, size_t len);
enum store_status store_meta_set(struct store *s, const char *key, const char *value);

/* ==== sync engine's store functions (src/store/sync_store.c, owned by the
 * sync module; used by sync and by the `login`/`sync` commands) ==== */

/* What exists only on this laptop: not (yet) on the server. */
struct store_local_only {
	int64_t drafts;              /* not finalised */
	int64_t queued;              /* final or sending: in the outbox */
	int64_t quarantined;         /* refused by the server: need a correction */
	int64_t queued_photos;       /* photo files of queued records, and queued
	                              * photos of records sent before them */
	int64_t queued_bytes;        /* their size in bytes */
	int64_t photos_waiting;      /* records sent without (all) their photos */
};
enum store_status store_sync_local_only(struct store *s, struct store_local_only *out);

/* A record whose sending stopped (the run ended, was cancelled, gave up)
 * goes back to the queue: state final again (when it was sending), the
 * error and when its next attempt is due kept in the outbox row. */
enum store_status store_sync_requeue(struct store *s, const char *uuid,
	int64_t next_attempt_at, const char *error);

/* The stored photo file still hashes to sha256 (and has size bytes, unless
 * size < 0): STORE_OK; STORE_NOT_FOUND gone, STORE_REJECTED changed,
 * STORE_IO unreadable; each with a sentence. */
enum store_status store_photo_verify(struct store *s, const char *sha256, int64_t size);

/* The session's tokens, in files of their own in the profile folder
 * (written atomically, never in the database, never printed; doc/STORE.md
 * "The session's tokens"):
 *   - the deposit token (only the sealed deposit endpoints take it): clear,
 *     0600, so that a locked sync can send with it;
 *   - the session token (every route): in a keyed store sealed with the data
 *     key, so only an unlocked profile can use it; in a clear store clear.
 * store_token_save: deposit "" (a server before deposit tokens) keeps the
 * session token clear, as a locked sync then needs it.  store_token_load:
 * the session token; a keyed store's clear one beside a deposit token is
 * sealed on the way (an upgrade).  store_token_deposit_due: a keyed store
 * with no deposit token yet (logged in before them): the sync asks the
 * server for one (POST /auth/deposit-token).  store_token_delete: all. */
enum store_status store_token_save(struct store *s, const char *token, const char *deposit);
bool store_token_load(struct store *s, char *buf, size_t len);
bool store_token_deposit_due(const struct store *s);
enum store_status store_token_delete(struct store *s);

/* The registry download (residents), page by page.  A pass starts with
 * store_sync_residents_begin (a new pass number; a partial earlier pass is
 * forgotten), then each page and its next cursor are written in one
 * transaction; the last page (last = true) makes the pass the copy:
 * residents not in it are removed and its snapshot is remembered as done.
 * A last page after which the copy would not hold the total the server
 * announced is refused (STORE_REJECTED, the copy as it was) and the pass
 * dropped: the next sync does not resume it. */
struct store_pull_state {
	char cursor[129];            /* where an interrupted pass resumes, or "" */
	char snapshot[32];           /* the snapshot of the pass in progress */
	char done_snapshot[32];      /* the snapshot of the last finished pass */
	int64_t batch;               /* 0: no pass in progress */
	int64_t received;            /* items stored by the pass in progress */
	int64_t total;               /* items the server announced for it */
};
enum store_status store_sync_residents_state(struct store *s, struct store_pull_state *out);
enum store_status store_sync_residents_begin(struct store *s, const char *snapshot, int64_t total);
enum store_status store_sync_residents_page(struct store *s, const struct resident *items,
	size_t n, const char *next_cursor, bool last);

/* The registry's changes since the copy (GET /residents/changes,
 * src/store/registry_feed.c), for a copy the city sent whole: the cursor
 * where the copy reads on ("" when there is none: a CSV import, a server
 * before the feed), saved after a pass or when the server says the copy
 * is current.  Each page is applied (a resident as now, or gone from its
 * kelurahan; the name index kept) with its next cursor in one
 * transaction; the last one records snapshot as done.  A resident that
 * breaks the registry rule refuses the page whole: STORE_REJECTED. */
struct store_registry_change {
	bool removed;                        /* only resident.nik and .kelurahan */
	struct resident resident;
};
bool store_sync_registry_cursor(struct store *s, char *buf, size_t len);
/* save: after a pass (always); adopt: for a copy the server says is
 * current, when it has no cursor and was not imported by hand; after a
 * CSV import by hand, not the city's until a pass replaces it */
enum store_status store_sync_registry_cursor_save(struct store *s, const char *cursor);
enum store_status store_sync_registry_cursor_adopt(struct store *s, const char *cursor);
enum store_status store_sync_registry_not_the_citys(struct store *s);
enum store_status store_sync_registry_page(struct store *s, const struct store_registry_change *items,
	size_t n, const char *next_cursor, const char *snapshot, bool last);
/* The sync's run is over (done, stopped or failed): the page's helper
 * that copies the WAL back while the changes come (a thread) ends; the
 * last page and store_close end it too. */
void store_sync_registry_end(struct store *s);

/* The candidates download, the same way: begin a pass, each page with its
 * next cursor in one transaction, the last page makes the pass the list
 * (candidates not in it go).  A page with a broken item (NIK or KK not 16
 * digits, a program not [A-Za-z0-9-]{0,15}) is refused whole:
 * STORE_REJECTED. */
enum store_status store_sync_candidates_state(struct store *s, struct store_pull_state *out);
enum store_status store_sync_candidates_begin(struct store *s, const char *snapshot, int64_t total);
enum store_status store_sync_candidates_page(struct store *s, const struct candidate *items,
	size_t n, const char *next_cursor, bool last);

/* The changes feed (flags, review outcomes of sent records): each page
 * applied together with its next cursor.  An unknown id (a record of this
 * clerk made on another laptop, or before login --new-profile made this
 * profile) is kept as a purge leaves a record when the entry carries its
 * worklist facts (has_record): NIK, KK, kelurahan, outcome, state, dates,
 * no personal data; else skipped.  A record still queued (a crash after
 * the server stored it) leaves the queue.  applied: records that changed
 * or came. */
struct store_change {
	char uuid[RECORD_UUID_LEN + 1];
	enum record_state state;             /* STATE_ACCEPTED or STATE_FLAGGED */
	char message[RECORD_TEXT_MAX];       /* for the worklist, may be "" */
	/* the review the entry reports, kept in the record's history (0: none) */
	int64_t review_id;
	char review[16];                     /* "confirmed" | "rejected" | "revisit" */
	char review_note[RECORD_TEXT_MAX];
	char reviewer[64];
	int64_t reviewed_at;
	/* the record's worklist facts (from the server; false: not sent) */
	bool has_record;
	char nik[NIK_LEN + 1], kk[NIK_LEN + 1], kelurahan[16];
	enum decision decision;
	enum reason reason;
	char supersedes[RECORD_UUID_LEN + 1];
	bool in_registry;
	int64_t created_at, finalised_at;
};
bool store_sync_changes_cursor(struct store *s, char *buf, size_t len);
enum store_status store_sync_changes_page(struct store *s, const struct store_change *changes,
	size_t n, const char *next_cursor, size_t *applied);

/* The kelurahan's shared progress (GET /progress, src/store/progress.c):
 * per NIK, the outcome the city holds and who verified it, by any operator
 * of the kelurahan.  Each page upserted by NIK with its next cursor in one
 * transaction; reset forgets it all (another server, another kelurahan).
 * applied: items kept (one with a broken text is skipped). */
struct store_progress_item {
	int64_t seq;
	char nik[NIK_LEN + 1];
	char kelurahan[16];
	char decision[16];                   /* "layak" | "tidak-layak" */
	char reason[32];
	char operator_name[64];
	int64_t verified_at;
	bool flagged;
	char review[16];                     /* "" | "confirmed" | "rejected" | "revisit" */
};
bool store_sync_progress_cursor(struct store *s, char *buf, size_t len);
enum store_status store_sync_progress_page(struct store *s, const struct store_progress_item *items,
	size_t n, const char *next_cursor, size_t *applied);
enum store_status store_sync_progress_reset(struct store *s);

#endif
