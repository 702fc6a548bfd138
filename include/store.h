/* store: everything on disk for one operator profile.
 * SQLite (WAL, synchronous=FULL, foreign keys, writes in BEGIN IMMEDIATE,
 * busy_timeout, forward migrations by user_version) plus the photo files,
 * copied in by content hash.  All SQL of the client lives in src/store/.
 *
 * Layout of a profile directory (0700, files 0600):
 *   sigacor.db            the database
 *   photos/ab/abcdef….jpg attached photos by SHA-256
 */
#ifndef SIGACOR_STORE_H
#define SIGACOR_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "record.h"

struct store;

enum store_status {
	STORE_OK = 0,
	STORE_NOT_FOUND,
	STORE_BUSY,          /* another process holds the database too long */
	STORE_REJECTED,      /* the input breaks a rule; see store_error() */
	STORE_FROZEN,        /* a final record cannot change */
	STORE_IO,            /* disk, permissions, corruption */
};

/* Open (creating when missing) the profile directory dir. */
enum store_status store_open(const char *dir, struct store **out, char *err, size_t errlen);
void store_close(struct store *s);
/* The last error as a sentence in the operator's language (translated). */
const char *store_error(const struct store *s);
const char *store_dir(const struct store *s);

/* ---- the registry copy (residents) ---- */
struct resident {
	char nik[NIK_LEN + 1];
	char kk[NIK_LEN + 1];
	char name[RECORD_NAME_MAX];
	char sex[2];                 /* "L", "P" or "" */
	char birth_place[64];
	char birth_date[11];         /* "YYYY-MM-DD" or "" */
	char address[RECORD_ADDRESS_MAX];
	char rt[4], rw[4];
	char kelurahan[16];          /* "36.71.01.1001" */
};

/* Import a CSV (header: nik,kk,name,kelurahan at least; optional sex,
 * birth_place,birth_date,address,rt,rw).  All or nothing: on a bad row
 * nothing changes and the error names the line.  progress may be NULL; it is
 * called now and then with bytes read so far. */
enum store_status store_import_residents(struct store *s, FILE *csv,
	void (*progress)(long bytes, long rows, void *ctx), void *ctx, long *rows_out);
enum store_status store_resident_get(struct store *s, const char *nik, struct resident *out);
int64_t store_resident_count(struct store *s);
/* Members of the same KK (for the form), at most max. */
size_t store_residents_by_kk(struct store *s, const char *kk, struct resident *out, size_t max);

/* ---- verification records ---- */

/* Copy a photo file into the profile (temp file, fsync, rename, fsync dir)
 * and fill slot (sha256, size, EXIF facts).  The row naming it is written by
 * store_record_save.  Rejects what photo_read rejects, with its message. */
enum store_status store_photo_import(struct store *s, const char *path,
	struct record_photo *slot);
/* Path of a stored photo by hash (into buf). */
bool store_photo_path(const struct store *s, const char *sha256, char *buf, size_t len);

/* Save a draft (new when r->uuid is "", then r->uuid is filled). */
enum store_status store_record_save(struct store *s, struct record *r);
/* Check the rules, freeze the record and queue it for sync, in one
 * transaction.  problems (may be NULL) gets record_check_final bits. */
enum store_status store_record_finalise(struct store *s, struct record *r, unsigned *problems);
enum store_status store_record_get(struct store *s, const char *uuid, struct record *out);
/* Delete a draft (never a final record). */
enum store_status store_record_delete_draft(struct store *s, const char *uuid);

/* Warnings that need other records (RECORD_WARN_PHOTO_REUSED,
 * RECORD_WARN_NIK_DUPLICATE, RECORD_WARN_KK_LAYAK) as bits. */
unsigned store_record_warnings(struct store *s, const struct record *r);

struct store_filter {
	const char *text;            /* NIK prefix or part of the name, or NULL */
	int state;                   /* enum record_state, or -1 for all */
	const char *rw;              /* or NULL */
	size_t offset, limit;        /* limit 0 = all */
};
/* Calls each for every matching record, newest first; stops when each
 * returns false.  Returns the number visited. */
size_t store_record_list(struct store *s, const struct store_filter *f,
	bool (*each)(const struct record *r, void *ctx), void *ctx);
void store_record_counts(struct store *s, int64_t counts[STATE_COUNT]);

/* ---- small settings kept with the data (cursor, server URL, ...) ---- */
bool store_meta_get(struct store *s, const char *key, char *buf, size_t len);
enum store_status store_meta_set(struct store *s, const char *key, const char *value);

#endif
