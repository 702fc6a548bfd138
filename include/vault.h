/* vault: a profile's SQLite database encrypted at rest (issue 12 item 1).
 *
 * An SQLite VFS that wraps the default one and encrypts, with libsodium:
 *   - every page of the main database file, the pages in the WAL and in a
 *     rollback journal: XChaCha20-Poly1305 (IETF) over the page's first
 *     VAULT_PAGE_SIZE - VAULT_RESERVE bytes, the random nonce and the tag in
 *     the page's VAULT_RESERVE reserved bytes; associated data: the page
 *     number in the database and in the WAL (the one its frame holds, so a
 *     checkpoint copies it as it is), the page's offset in a journal (and in
 *     a WAL written before 2026-12-07), so pages cannot be moved to another
 *     page unnoticed.  A WAL page put in the database in place of its own
 *     page is a version of that page this profile wrote, as an older copy of
 *     a database page is; SQLite's frame checksums (salted per WAL, chained,
 *     over the clear page) still refuse a frame moved within the WAL at its
 *     recovery;
 *   - temp files (sorts, temp tables): XChaCha20 with a random key per file,
 *     positioned by offset (confidentiality only: they die with the process).
 * A write past the database file's end fills the pages between with
 * sealed zero pages: the file has no holes, which would not open.
 * The -shm file (page numbers and hashes, no content) stays as SQLite
 * writes it.  Page size is fixed at VAULT_PAGE_SIZE.
 *
 * Used by the store only (the screens write no SQL).  The key is the
 * profile's 32-byte data key; the page key is derived from it (crypto_kdf),
 * held in sodium_malloc'ed memory, wiped when the vault is freed. */
#ifndef SIGACOR_VAULT_H
#define SIGACOR_VAULT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#define VAULT_KEY_BYTES 32
#define VAULT_PAGE_SIZE 4096
#define VAULT_RESERVE 40          /* 24-byte nonce + 16-byte tag */

struct vault;

/* Register a VFS for this key; NULL when memory or the RNG fails. */
struct vault *vault_new(const unsigned char key[VAULT_KEY_BYTES]);
/* Unregister and wipe.  Only after every connection opened with it closed. */
void vault_free(struct vault *v);
const char *vault_vfs_name(const struct vault *v);

/* Open (or create) path through the vault and check the key on page 1.
 * SQLITE_OK; SQLITE_NOTADB when the key is wrong or the file is not a vault
 * (a clear SQLite file: vault_file_is_clear); other codes from SQLite.
 * *db is set (to close with sqlite3_close_v2) even on failure, like
 * sqlite3_open_v2. */
int vault_open(struct vault *v, const char *path, int flags, sqlite3 **db);

/* On this thread only, from on until off: a checkpoint's copy of a WAL
 * page sealed as its database page writes it to the database as it is,
 * without opening it and sealing it again (half of a checkpoint's
 * CPU).  Only around sqlite3_wal_checkpoint_v2 on a connection that runs
 * nothing else meanwhile: a page read from the WAL under it is handed to
 * SQLite still sealed, for the next write to the database to take. */
void vault_copy_sealed(bool on);

/* Pages sealed by this vault since vault_new (its nonce counter): what a
 * test or benchmark can see of the work done. */
unsigned long long vault_pages_sealed(const struct vault *v);

/* Set up an already opened connection on an empty vault file: page size
 * and reserved bytes, before its first write (vault_open does it). */
int vault_prepare(sqlite3 *db, const char *schema);

/* Photo files (and any whole file of the profile): libsodium's
 * crypto_secretstream_xchacha20poly1305 in 64 KiB chunks, a key of its own
 * per file (BLAKE2b keyed with a file key derived from the data key, over a
 * random 16-byte file id), the last chunk tagged FINAL.  Written crash-safe
 * (temp file 0600, fsync, rename, fsync the folder).  vault_open_file gives
 * the clear bytes in a malloc'ed buffer; false when the file is missing,
 * the key wrong, a byte changed or the file cut short. */
bool vault_seal_file(const struct vault *v, const char *path, const unsigned char *data,
	size_t len);
bool vault_open_file(const struct vault *v, const char *path, unsigned char **data, size_t *len);

/* The size of the file vault_seal_file writes for len clear bytes. */
size_t vault_sealed_size(size_t len);

/* A file name that says nothing of id without the key: keyed BLAKE2b-256
 * of id under a name key derived from the data key, 64 hex digits.  The
 * same id gives the same name (photo dedup), in this profile only. */
#define VAULT_NAME_HEX 65
void vault_file_name(const struct vault *v, const unsigned char *id, size_t id_len,
	char hex[VAULT_NAME_HEX]);

/* The file starts as vault_seal_file writes it. */
bool vault_file_is_sealed(const char *path);

/* The file starts "SQLite format 3": an unencrypted database. */
bool vault_file_is_clear(const char *path);

#endif
