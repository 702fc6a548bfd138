/* store/vault: an encrypting SQLite VFS over the default one (see
 * include/vault.h for what is encrypted how).
 *
 * What SQLite does with files that shapes this code (3.40):
 *   - the database: whole pages at page offsets, except the header read on
 *     open (100 bytes at 0) and the change counter (16 bytes at 24): a part
 *     of a page is served by decrypting its whole page;
 *   - the WAL: a 32-byte header, then frames of a 24-byte header and a page;
 *     writes come header and page apart, the recovery reads both in one
 *     call; the frame checksum covers the clear page, reserved bytes too, so
 *     a decrypted page's reserved bytes are always given back as zeros (SQLite
 *     never writes them: a fresh page is zeroed, a read one comes from here);
 *   - the rollback journal: headers at sector offsets, records of a 4-byte
 *     page number, the page, a 4-byte checksum: a page always lies at an
 *     offset 4 past a multiple of 8, a header never does;
 *   - after a crash a WAL frame or journal record may be half written: such a
 *     page is handed back as random bytes, its checksum fails and SQLite
 *     stops the log there, as it does without encryption. */
#include "config.h"
#include "vault.h"
#include "common.h"
#include "crashpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGE VAULT_PAGE_SIZE
#define USABLE (PAGE - VAULT_RESERVE)
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define WAL_HEADER 32
#define WAL_FRAME_HEADER 24
#define WAL_FRAME (WAL_FRAME_HEADER + PAGE)
#define AD_BYTES 9
#define KDF_CONTEXT "sgvault1"      /* crypto_kdf contexts are 8 bytes */
#define KDF_PAGES 1
#define KDF_FILES 2
#define KDF_NAMES 3

_Static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == VAULT_KEY_BYTES, "page key");
_Static_assert(crypto_secretstream_xchacha20poly1305_KEYBYTES == VAULT_KEY_BYTES, "file key");
_Static_assert(NONCE_BYTES + TAG_BYTES == VAULT_RESERVE, "reserve holds nonce and tag");

struct vault {
	sqlite3_vfs vfs;               /* first: SQLite hands back a sqlite3_vfs * */
	sqlite3_vfs *real;
	unsigned char *page_key;       /* sodium_malloc'ed, the file and name keys after it */
	unsigned char *file_key;
	unsigned char *name_key;
	/* nonces: a random prefix drawn once, then a counter: unique for this
	 * key without a getrandom() call per page written */
	unsigned char nonce_prefix[NONCE_BYTES - 8];
	uint64_t nonce_counter;
	char name[64];
};

enum file_kind { KIND_MAIN, KIND_WAL, KIND_JOURNAL, KIND_TEMP, KIND_CLEAR };

struct vault_file {
	sqlite3_file base;
	struct vault *vault;
	enum file_kind kind;
	unsigned char temp_key[crypto_stream_xchacha20_KEYBYTES];
	unsigned char temp_nonce[crypto_stream_xchacha20_NONCEBYTES];
	sqlite3_file *real;
	/* WAL: the frame header written last (its page comes in the next write) */
	sqlite3_int64 frame_at;
	uint32_t frame_pgno;
};

/* vault_copy_sealed: on this thread, WAL pages sealed as their database
 * page go to the database as they are; the one read last, until written */
static _Thread_local bool copy_sealed;
static _Thread_local const void *copy_pending;

#define REAL_OFFSET ((sizeof(struct vault_file) + 15) & ~(size_t)15)

static sqlite3_file *real_of(sqlite3_file *file)
{
	return ((struct vault_file *)file)->real;
}

static void page_ad(unsigned char ad[AD_BYTES], char kind, uint64_t where)
{
	ad[0] = (unsigned char)kind;
	for (int i = 0; i < 8; i++)
		ad[1 + i] = (unsigned char)(where >> (8 * i));
}

/* A WAL page sealed as the database page its frame holds (associated data
 * 'd' and that page number) carries this bit in its nonce's last byte: a
 * checkpoint may copy it into the database as it is (vault_copy_sealed).
 * Frames written before 2026-12-07 were sealed with their offset in the WAL
 * and lack it; the nonce counter never reaches it. */
#define SEALED_AS_PAGE 0x80

static void seal_marked(struct vault *v, const unsigned char *clear, unsigned char *out,
	char kind, uint64_t where, unsigned char mark)
{
	unsigned char ad[AD_BYTES];
	unsigned char *nonce = out + USABLE, *tag = out + USABLE + NONCE_BYTES;
	page_ad(ad, kind, where);
	uint64_t n = __atomic_fetch_add(&((struct vault *)v)->nonce_counter, 1, __ATOMIC_RELAXED);
	memcpy(nonce, v->nonce_prefix, sizeof v->nonce_prefix);
	for (int i = 0; i < 8; i++)
		nonce[sizeof v->nonce_prefix + (size_t)i] = (unsigned char)(n >> (8 * i));
	nonce[NONCE_BYTES - 1] |= mark;
	crypto_aead_xchacha20poly1305_ietf_encrypt_detached(out, tag, NULL, clear, USABLE,
		ad, AD_BYTES, NULL, nonce, v->page_key);
}

static void seal_page(struct vault *v, const unsigned char *clear, unsigned char *out,
	char kind, uint64_t where)
{
	seal_marked(v, clear, out, kind, where, 0);
}

/* In place; false (page unchanged) when the key is wrong or a byte changed. */
static bool open_page(const struct vault *v, unsigned char *page, char kind, uint64_t where)
{
	unsigned char ad[AD_BYTES], nonce[NONCE_BYTES], tag[TAG_BYTES];
	page_ad(ad, kind, where);
	memcpy(nonce, page + USABLE, NONCE_BYTES);
	memcpy(tag, page + USABLE + NONCE_BYTES, TAG_BYTES);
	if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(page, NULL, page, USABLE, tag,
		ad, AD_BYTES, nonce, v->page_key) != 0)
		return false;
	memset(page + USABLE, 0, VAULT_RESERVE);
	return true;
}

/* ---------------------------------------------------------------- database */

static int main_read(struct vault_file *f, unsigned char *out, int amt, sqlite3_int64 off)
{
	if (off % PAGE == 0 && amt % PAGE == 0) {
		int rc = f->real->pMethods->xRead(f->real, out, amt, off);
		if (rc != SQLITE_OK) {
			if (rc == SQLITE_IOERR_SHORT_READ)
				memset(out, 0, (size_t)amt);   /* past the end: a new file */
			return rc;
		}
		for (int i = 0; i < amt / PAGE; i++) {
			uint64_t pgno = (uint64_t)(off / PAGE) + (uint64_t)i + 1;
			if (!open_page(f->vault, out + (size_t)i * PAGE, 'd', pgno))
				return pgno == 1 ? SQLITE_NOTADB : SQLITE_CORRUPT;
		}
		return SQLITE_OK;
	}
	sqlite3_int64 start = off - off % PAGE;
	if (off + amt > start + PAGE)
		return SQLITE_IOERR_READ;
	unsigned char page[PAGE];
	int rc = f->real->pMethods->xRead(f->real, page, PAGE, start);
	if (rc == SQLITE_IOERR_SHORT_READ) {
		memset(out, 0, (size_t)amt);
		return rc;
	}
	if (rc != SQLITE_OK)
		return rc;
	uint64_t pgno = (uint64_t)(start / PAGE) + 1;
	if (!open_page(f->vault, page, 'd', pgno))
		return pgno == 1 ? SQLITE_NOTADB : SQLITE_CORRUPT;
	memcpy(out, page + (off - start), (size_t)amt);
	return SQLITE_OK;
}

/* Page 1 must say our page size and reserve, or the tag would overwrite
 * live bytes (vault_prepare sets both before the first write). */
static bool header_fits(const unsigned char *page1)
{
	return ((page1[16] << 8) | page1[17]) == PAGE && page1[20] == VAULT_RESERVE;
}

/* Pages between the file's end and a write past it: sealed zeros, never a
 * hole.  In rollback mode SQLite writes pages past the end out of order
 * (a spill; the zero page pager_truncate puts at the new end), and a page
 * it freed in the transaction is never written (DONT_WRITE).  It reads such
 * a page back when it reuses it in the same transaction (btree.c's
 * pHasContent), and a hole reads as zeros on disk, which no key opens: it
 * would be taken for tampering. */
static int fill_to(struct vault_file *f, sqlite3_int64 off)
{
	sqlite3_int64 end;
	int rc = f->real->pMethods->xFileSize(f->real, &end);
	if (rc != SQLITE_OK)
		return rc;
	static const unsigned char zeros[PAGE];
	unsigned char page[PAGE];
	for (sqlite3_int64 at = (end + PAGE - 1) / PAGE * PAGE; at < off && rc == SQLITE_OK; at += PAGE) {
		seal_page(f->vault, zeros, page, 'd', (uint64_t)(at / PAGE) + 1);
		rc = f->real->pMethods->xWrite(f->real, page, PAGE, at);
	}
	return rc;
}

static int main_write(struct vault_file *f, const unsigned char *in, int amt, sqlite3_int64 off)
{
	if (off % PAGE != 0 || amt % PAGE != 0)
		return SQLITE_IOERR_WRITE;
	int rc = fill_to(f, off);
	if (rc != SQLITE_OK)
		return rc;
	if (copy_pending != NULL && in == copy_pending && amt == PAGE) {
		copy_pending = NULL;       /* sealed as this page: checked as its WAL frame was written */
		return f->real->pMethods->xWrite(f->real, in, PAGE, off);
	}
	unsigned char page[PAGE];
	for (int i = 0; i < amt / PAGE; i++) {
		const unsigned char *clear = in + (size_t)i * PAGE;
		uint64_t pgno = (uint64_t)(off / PAGE) + (uint64_t)i + 1;
		if (pgno == 1 && !header_fits(clear))
			return SQLITE_IOERR_WRITE;
		seal_page(f->vault, clear, page, 'd', pgno);
		rc = f->real->pMethods->xWrite(f->real, page, PAGE, off + (sqlite3_int64)i * PAGE);
		if (rc != SQLITE_OK)
			return rc;
	}
	return SQLITE_OK;
}

/* ---------------------------------------------------------------- WAL, journal */

static bool wal_page_at(int amt, sqlite3_int64 off)
{
	return amt == PAGE && off >= WAL_HEADER + WAL_FRAME_HEADER &&
		(off - WAL_HEADER - WAL_FRAME_HEADER) % WAL_FRAME == 0;
}

static bool wal_frame_at(int amt, sqlite3_int64 off)
{
	return amt == WAL_FRAME && off >= WAL_HEADER && (off - WAL_HEADER) % WAL_FRAME == 0;
}

static bool wal_frame_header_at(int amt, sqlite3_int64 off)
{
	return amt == WAL_FRAME_HEADER && off >= WAL_HEADER && (off - WAL_HEADER) % WAL_FRAME == 0;
}

static bool journal_page_at(int amt, sqlite3_int64 off)
{
	return amt == PAGE && off % 8 == 4;
}

/* the database page a WAL frame holds: its header's first 4 bytes */
static uint32_t frame_pgno(const unsigned char *header)
{
	return (uint32_t)header[0] << 24 | (uint32_t)header[1] << 16 | (uint32_t)header[2] << 8 |
		header[3];
}

static bool sealed_as_page(const unsigned char *page)
{
	return (page[USABLE + NONCE_BYTES - 1] & SEALED_AS_PAGE) != 0;
}

/* A WAL page at offset off of a frame for page pgno: sealed as that
 * database page, or (frames of older versions) at its offset */
static bool open_wal_page(const struct vault *v, unsigned char *page, uint32_t pgno,
	sqlite3_int64 off)
{
	return sealed_as_page(page) ? open_page(v, page, 'd', pgno)
		: open_page(v, page, 'w', (uint64_t)off);
}

/* A page alone from the WAL: a reader's (its frame header read with it, for
 * the page number), or a checkpoint's under vault_copy_sealed (as it is,
 * when sealed as its page). */
static int wal_page_read(struct vault_file *f, unsigned char *out, sqlite3_int64 off)
{
	copy_pending = NULL;
	int rc;
	if (copy_sealed) {
		rc = f->real->pMethods->xRead(f->real, out, PAGE, off);
		if (rc == SQLITE_OK && sealed_as_page(out)) {
			copy_pending = out;
			return SQLITE_OK;
		}
		if (rc == SQLITE_OK && !open_page(f->vault, out, 'w', (uint64_t)off))
			return SQLITE_CORRUPT;
		return rc;
	}
	unsigned char frame[WAL_FRAME];
	rc = f->real->pMethods->xRead(f->real, frame, WAL_FRAME, off - WAL_FRAME_HEADER);
	if (rc != SQLITE_OK)
		return rc;
	if (!open_wal_page(f->vault, frame + WAL_FRAME_HEADER, frame_pgno(frame), off))
		return SQLITE_CORRUPT;           /* a committed frame: tampered */
	memcpy(out, frame + WAL_FRAME_HEADER, PAGE);
	return SQLITE_OK;
}

/* A half-written page after a crash: random bytes, whose checksum fails. */
static void unreadable(unsigned char *page)
{
	randombytes_buf(page, PAGE);
}

static int log_read(struct vault_file *f, unsigned char *out, int amt, sqlite3_int64 off)
{
	if (f->kind == KIND_WAL && wal_page_at(amt, off))
		return wal_page_read(f, out, off);
	int rc = f->real->pMethods->xRead(f->real, out, amt, off);
	if (rc != SQLITE_OK)
		return rc;
	if (f->kind == KIND_WAL && wal_frame_at(amt, off)) {
		unsigned char *page = out + WAL_FRAME_HEADER;
		if (!open_wal_page(f->vault, page, frame_pgno(out), off + WAL_FRAME_HEADER))
			unreadable(page);             /* the recovery ends the log here */
	} else if (f->kind == KIND_JOURNAL && journal_page_at(amt, off)) {
		if (!open_page(f->vault, out, 'j', (uint64_t)off))
			unreadable(out);
	}
	return SQLITE_OK;
}

/* A WAL page is sealed as the database page its frame holds, so that a
 * checkpoint can copy it as it is.  SQLite writes a frame's header, then
 * its page; a page whose header came otherwise is told by the file. */
static int seal_wal_page(struct vault_file *f, const unsigned char *clear, unsigned char *out,
	sqlite3_int64 off)
{
	uint32_t pgno = f->frame_pgno;
	if (f->frame_at != off - WAL_FRAME_HEADER) {
		unsigned char header[WAL_FRAME_HEADER];
		int rc = f->real->pMethods->xRead(f->real, header, WAL_FRAME_HEADER,
			off - WAL_FRAME_HEADER);
		if (rc != SQLITE_OK)
			return rc == SQLITE_IOERR_SHORT_READ ? SQLITE_IOERR_WRITE : rc;
		pgno = frame_pgno(header);
	}
	if (pgno == 0 || (pgno == 1 && !header_fits(clear)))
		return SQLITE_IOERR_WRITE;
	seal_marked(f->vault, clear, out, 'd', pgno, SEALED_AS_PAGE);
	return SQLITE_OK;
}

static int log_write(struct vault_file *f, const unsigned char *in, int amt, sqlite3_int64 off)
{
	unsigned char buf[WAL_FRAME];
	int rc;
	if (f->kind == KIND_WAL && wal_frame_header_at(amt, off)) {
		f->frame_at = off;
		f->frame_pgno = frame_pgno(in);
		return f->real->pMethods->xWrite(f->real, in, amt, off);
	} else if (f->kind == KIND_WAL && wal_page_at(amt, off)) {
		if ((rc = seal_wal_page(f, in, buf, off)) != SQLITE_OK)
			return rc;
	} else if (f->kind == KIND_WAL && wal_frame_at(amt, off)) {
		memcpy(buf, in, WAL_FRAME_HEADER);
		f->frame_at = off;
		f->frame_pgno = frame_pgno(in);
		if ((rc = seal_wal_page(f, in + WAL_FRAME_HEADER, buf + WAL_FRAME_HEADER,
			off + WAL_FRAME_HEADER)) != SQLITE_OK)
			return rc;
	} else if (f->kind == KIND_JOURNAL && journal_page_at(amt, off))
		seal_page(f->vault, in, buf, 'j', (uint64_t)off);
	else
		return f->real->pMethods->xWrite(f->real, in, amt, off);
	return f->real->pMethods->xWrite(f->real, buf, amt, off);
}

/* ---------------------------------------------------------------- temp files */

/* XChaCha20 keystream from byte offset off: a temp file is read and written
 * anywhere, in any size. */
static void temp_xor(struct vault_file *f, unsigned char *buf, size_t amt, sqlite3_int64 off)
{
	uint64_t block = (uint64_t)off / 64;
	size_t skip = (size_t)((uint64_t)off % 64);
	if (skip != 0 && amt > 0) {
		unsigned char stream[64] = { 0 };
		crypto_stream_xchacha20_xor_ic(stream, stream, sizeof stream, f->temp_nonce, block,
			f->temp_key);
		size_t n = amt < 64 - skip ? amt : 64 - skip;
		for (size_t i = 0; i < n; i++)
			buf[i] ^= stream[skip + i];
		buf += n;
		amt -= n;
		block++;
	}
	if (amt > 0)
		crypto_stream_xchacha20_xor_ic(buf, buf, amt, f->temp_nonce, block, f->temp_key);
}

static int temp_read(struct vault_file *f, unsigned char *out, int amt, sqlite3_int64 off)
{
	int rc = f->real->pMethods->xRead(f->real, out, amt, off);
	if (rc == SQLITE_OK) {
		temp_xor(f, out, (size_t)amt, off);
		return rc;
	}
	if (rc != SQLITE_IOERR_SHORT_READ)
		return rc;
	sqlite3_int64 size = 0;
	if (f->real->pMethods->xFileSize(f->real, &size) != SQLITE_OK)
		size = off;
	size_t have = size > off ? (size_t)(size - off) : 0;
	if (have > (size_t)amt)
		have = (size_t)amt;
	temp_xor(f, out, have, off);
	memset(out + have, 0, (size_t)amt - have);   /* past the end reads as zeros */
	return rc;
}

static int temp_write(struct vault_file *f, const unsigned char *in, int amt, sqlite3_int64 off)
{
	unsigned char *buf = malloc((size_t)amt);
	if (buf == NULL)
		return SQLITE_IOERR_NOMEM;
	memcpy(buf, in, (size_t)amt);
	temp_xor(f, buf, (size_t)amt, off);
	int rc = f->real->pMethods->xWrite(f->real, buf, amt, off);
	free(buf);
	return rc;
}

/* ---------------------------------------------------------------- io methods */

static int file_read(sqlite3_file *file, void *out, int amt, sqlite3_int64 off)
{
	struct vault_file *f = (struct vault_file *)file;
	switch (f->kind) {
	case KIND_MAIN:
		return main_read(f, out, amt, off);
	case KIND_WAL:
	case KIND_JOURNAL:
		return log_read(f, out, amt, off);
	case KIND_TEMP:
		return temp_read(f, out, amt, off);
	default:
		return f->real->pMethods->xRead(f->real, out, amt, off);
	}
}

static int write_kind(struct vault_file *f, const void *in, int amt, sqlite3_int64 off)
{
	switch (f->kind) {
	case KIND_MAIN:
		return main_write(f, in, amt, off);
	case KIND_WAL:
	case KIND_JOURNAL:
		return log_write(f, in, amt, off);
	case KIND_TEMP:
		return temp_write(f, in, amt, off);
	default:
		return f->real->pMethods->xWrite(f->real, in, amt, off);
	}
}

/* The crash points of a file's durable steps: each write, sync and
 * truncation of the database, its WAL or journal (include/crashpoint.h).
 * Temp files have none: they die with the process. */
enum file_step { STEP_WRITTEN, STEP_SYNCED, STEP_TRUNCATED };

static const char *const step_names[][3] = {
	[KIND_MAIN] = { "vault.db_written", "vault.db_synced", "vault.db_truncated" },
	[KIND_WAL] = { "vault.wal_written", "vault.wal_synced", "vault.wal_truncated" },
	[KIND_JOURNAL] = { "vault.journal_written", "vault.journal_synced",
		"vault.journal_truncated" },
	[KIND_CLEAR] = { "vault.super_journal_written", "vault.super_journal_synced",
		"vault.super_journal_truncated" },
};

static void file_step_done(const struct vault_file *f, enum file_step step)
{
	if (f->kind != KIND_TEMP)
		crashpoint(step_names[f->kind][step]);
}

static int file_write(sqlite3_file *file, const void *in, int amt, sqlite3_int64 off)
{
	struct vault_file *f = (struct vault_file *)file;
	int rc = write_kind(f, in, amt, off);
	file_step_done(f, STEP_WRITTEN);
	return rc;
}

static int file_close(sqlite3_file *file)
{
	struct vault_file *f = (struct vault_file *)file;
	int rc = f->real->pMethods->xClose(f->real);
	sodium_memzero(f->temp_key, sizeof f->temp_key);
	return rc;
}

static int file_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	int rc = real_of(file)->pMethods->xTruncate(real_of(file), size);
	file_step_done((struct vault_file *)file, STEP_TRUNCATED);
	return rc;
}

static int file_sync(sqlite3_file *file, int flags)
{
	int rc = real_of(file)->pMethods->xSync(real_of(file), flags);
	file_step_done((struct vault_file *)file, STEP_SYNCED);
	return rc;
}

static int file_size(sqlite3_file *file, sqlite3_int64 *size)
{
	return real_of(file)->pMethods->xFileSize(real_of(file), size);
}

static int file_lock(sqlite3_file *file, int level)
{
	return real_of(file)->pMethods->xLock(real_of(file), level);
}

static int file_unlock(sqlite3_file *file, int level)
{
	return real_of(file)->pMethods->xUnlock(real_of(file), level);
}

static int file_check_lock(sqlite3_file *file, int *out)
{
	return real_of(file)->pMethods->xCheckReservedLock(real_of(file), out);
}

static int file_control(sqlite3_file *file, int op, void *arg)
{
	return real_of(file)->pMethods->xFileControl(real_of(file), op, arg);
}

static int file_sector_size(sqlite3_file *file)
{
	return real_of(file)->pMethods->xSectorSize(real_of(file));
}

static int file_device(sqlite3_file *file)
{
	return real_of(file)->pMethods->xDeviceCharacteristics(real_of(file));
}

static int file_shm_map(sqlite3_file *file, int region, int size, int extend, void volatile **p)
{
	return real_of(file)->pMethods->xShmMap(real_of(file), region, size, extend, p);
}

static int file_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
	return real_of(file)->pMethods->xShmLock(real_of(file), offset, n, flags);
}

static void file_shm_barrier(sqlite3_file *file)
{
	real_of(file)->pMethods->xShmBarrier(real_of(file));
}

static int file_shm_unmap(sqlite3_file *file, int delete_flag)
{
	return real_of(file)->pMethods->xShmUnmap(real_of(file), delete_flag);
}

/* version 2: no xFetch, so SQLite never maps the (encrypted) file itself */
static const sqlite3_io_methods vault_io = {
	.iVersion = 2,
	.xClose = file_close,
	.xRead = file_read,
	.xWrite = file_write,
	.xTruncate = file_truncate,
	.xSync = file_sync,
	.xFileSize = file_size,
	.xLock = file_lock,
	.xUnlock = file_unlock,
	.xCheckReservedLock = file_check_lock,
	.xFileControl = file_control,
	.xSectorSize = file_sector_size,
	.xDeviceCharacteristics = file_device,
	.xShmMap = file_shm_map,
	.xShmLock = file_shm_lock,
	.xShmBarrier = file_shm_barrier,
	.xShmUnmap = file_shm_unmap,
};

/* ---------------------------------------------------------------- the VFS */

static enum file_kind kind_of(int flags)
{
	if (flags & SQLITE_OPEN_MAIN_DB)
		return KIND_MAIN;
	if (flags & SQLITE_OPEN_WAL)
		return KIND_WAL;
	if (flags & SQLITE_OPEN_MAIN_JOURNAL)
		return KIND_JOURNAL;
	if (flags & SQLITE_OPEN_SUPER_JOURNAL)
		return KIND_CLEAR;            /* file names only */
	return KIND_TEMP;                 /* temp db, sorts, statement journals */
}

static int vfs_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *file, int flags,
	int *out_flags)
{
	struct vault *v = (struct vault *)vfs;
	struct vault_file *f = (struct vault_file *)file;
	memset(f, 0, sizeof *f);
	f->vault = v;
	f->kind = kind_of(flags);
	f->real = (sqlite3_file *)((char *)file + REAL_OFFSET);
	if (f->kind == KIND_TEMP) {
		randombytes_buf(f->temp_key, sizeof f->temp_key);
		randombytes_buf(f->temp_nonce, sizeof f->temp_nonce);
	}
	int rc = v->real->xOpen(v->real, name, f->real, flags, out_flags);
	if (rc != SQLITE_OK) {
		if (f->real->pMethods != NULL)
			f->real->pMethods->xClose(f->real);
		return rc;
	}
	file->pMethods = &vault_io;
	return SQLITE_OK;
}

#define REAL(v) (((struct vault *)(v))->real)

/* a rollback journal deleted: the commit of a transaction in that mode */
static int vfs_delete(sqlite3_vfs *v, const char *name, int sync_dir)
{
	int rc = REAL(v)->xDelete(REAL(v), name, sync_dir);
	crashpoint("vault.file_deleted");
	return rc;
}

static int vfs_access(sqlite3_vfs *v, const char *name, int flags, int *out)
{
	return REAL(v)->xAccess(REAL(v), name, flags, out);
}

static int vfs_full_pathname(sqlite3_vfs *v, const char *name, int len, char *out)
{
	return REAL(v)->xFullPathname(REAL(v), name, len, out);
}

static void *vfs_dl_open(sqlite3_vfs *v, const char *name)
{
	return REAL(v)->xDlOpen(REAL(v), name);
}

static void vfs_dl_error(sqlite3_vfs *v, int len, char *out)
{
	REAL(v)->xDlError(REAL(v), len, out);
}

static void (*vfs_dl_sym(sqlite3_vfs *v, void *lib, const char *sym))(void)
{
	return REAL(v)->xDlSym(REAL(v), lib, sym);
}

static void vfs_dl_close(sqlite3_vfs *v, void *lib)
{
	REAL(v)->xDlClose(REAL(v), lib);
}

static int vfs_randomness(sqlite3_vfs *v, int len, char *out)
{
	return REAL(v)->xRandomness(REAL(v), len, out);
}

static int vfs_sleep(sqlite3_vfs *v, int us)
{
	return REAL(v)->xSleep(REAL(v), us);
}

static int vfs_current_time(sqlite3_vfs *v, double *out)
{
	return REAL(v)->xCurrentTime(REAL(v), out);
}

static int vfs_last_error(sqlite3_vfs *v, int len, char *out)
{
	return REAL(v)->xGetLastError(REAL(v), len, out);
}

static int vfs_current_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
	return REAL(v)->xCurrentTimeInt64(REAL(v), out);
}

struct vault *vault_new(const unsigned char key[VAULT_KEY_BYTES])
{
	sqlite3_vfs *real = sqlite3_vfs_find(NULL);
	if (sodium_init() < 0 || real == NULL || real->iVersion < 2)
		return NULL;
	struct vault *v = calloc(1, sizeof *v);
	if (v == NULL)
		return NULL;
	v->page_key = sodium_malloc(3 * VAULT_KEY_BYTES);
	if (v->page_key == NULL) {
		free(v);
		return NULL;
	}
	randombytes_buf(v->nonce_prefix, sizeof v->nonce_prefix);
	crypto_kdf_derive_from_key(v->page_key, crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
		KDF_PAGES, KDF_CONTEXT, key);
	v->file_key = v->page_key + VAULT_KEY_BYTES;
	crypto_kdf_derive_from_key(v->file_key, VAULT_KEY_BYTES, KDF_FILES, KDF_CONTEXT, key);
	v->name_key = v->file_key + VAULT_KEY_BYTES;
	crypto_kdf_derive_from_key(v->name_key, VAULT_KEY_BYTES, KDF_NAMES, KDF_CONTEXT, key);
	snprintf(v->name, sizeof v->name, "sigacor-vault-%p", (void *)v);
	v->real = real;
	v->vfs = (sqlite3_vfs) {
		.iVersion = 2,
		.szOsFile = (int)(REAL_OFFSET + (size_t)real->szOsFile),
		.mxPathname = real->mxPathname,
		.zName = v->name,
		.xOpen = vfs_open,
		.xDelete = vfs_delete,
		.xAccess = vfs_access,
		.xFullPathname = vfs_full_pathname,
		.xDlOpen = vfs_dl_open,
		.xDlError = vfs_dl_error,
		.xDlSym = vfs_dl_sym,
		.xDlClose = vfs_dl_close,
		.xRandomness = vfs_randomness,
		.xSleep = vfs_sleep,
		.xCurrentTime = vfs_current_time,
		.xGetLastError = vfs_last_error,
		.xCurrentTimeInt64 = vfs_current_time64,
	};
	if (sqlite3_vfs_register(&v->vfs, 0) != SQLITE_OK) {
		sodium_free(v->page_key);
		free(v);
		return NULL;
	}
	return v;
}

void vault_free(struct vault *v)
{
	if (v == NULL)
		return;
	sqlite3_vfs_unregister(&v->vfs);
	sodium_free(v->page_key);        /* wipes it */
	free(v);
}

void vault_copy_sealed(bool on)
{
	copy_sealed = on;
	copy_pending = NULL;
}

unsigned long long vault_pages_sealed(const struct vault *v)
{
	return __atomic_load_n(&v->nonce_counter, __ATOMIC_RELAXED);
}

const char *vault_vfs_name(const struct vault *v)
{
	return v->name;
}

int vault_prepare(sqlite3 *db, const char *schema)
{
	int reserve = VAULT_RESERVE;
	int rc = sqlite3_file_control(db, schema, SQLITE_FCNTL_RESERVE_BYTES, &reserve);
	if (rc != SQLITE_OK)
		return rc;
	char sql[128];
	snprintf(sql, sizeof sql, "PRAGMA \"%s\".page_size = %d", schema, PAGE);
	return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

int vault_open(struct vault *v, const char *path, int flags, sqlite3 **db)
{
	int rc = sqlite3_open_v2(path, db, flags, v->name);
	if (rc != SQLITE_OK)
		return rc;
	sqlite3_extended_result_codes(*db, 1);
	rc = vault_prepare(*db, "main");
	if (rc != SQLITE_OK)
		return rc;
	/* reads page 1: a wrong key fails here, before anything is written */
	rc = sqlite3_exec(*db, "SELECT count(*) FROM sqlite_schema", NULL, NULL, NULL);
	return (rc & 0xff) == SQLITE_CORRUPT ? SQLITE_NOTADB : rc;
}

#define FILE_MAGIC "SGVF1\n"
#define FILE_MAGIC_BYTES 6

/* The file at path starts with the n bytes of magic. */
static bool starts_with(const char *path, const char *magic, size_t n)
{
	char head[16];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool same = n <= sizeof head && read(fd, head, n) == (ssize_t)n && memcmp(head, magic, n) == 0;
	close(fd);
	return same;
}

bool vault_file_is_sealed(const char *path)
{
	return starts_with(path, FILE_MAGIC, FILE_MAGIC_BYTES);
}

bool vault_file_is_clear(const char *path)
{
	return starts_with(path, "SQLite format 3", 16);   /* with its NUL */
}

/* ---------------------------------------------------------------- whole files */

#define FILE_ID_BYTES 16
#define FILE_CHUNK (64 * 1024)
#define SS_HEADER crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define SS_ABYTES crypto_secretstream_xchacha20poly1305_ABYTES
#define FILE_HEAD (FILE_MAGIC_BYTES + FILE_ID_BYTES + SS_HEADER)

static void one_file_key(const struct vault *v, const unsigned char id[FILE_ID_BYTES],
	unsigned char key[VAULT_KEY_BYTES])
{
	crypto_generichash(key, VAULT_KEY_BYTES, id, FILE_ID_BYTES, v->file_key, VAULT_KEY_BYTES);
}

size_t vault_sealed_size(size_t len)
{
	size_t chunks = len / FILE_CHUNK + 1;   /* the last one may be empty */
	if (len > 0 && len % FILE_CHUNK == 0)
		chunks--;
	return FILE_HEAD + len + chunks * SS_ABYTES;
}

void vault_file_name(const struct vault *v, const unsigned char *id, size_t id_len,
	char hex[VAULT_NAME_HEX])
{
	unsigned char mac[VAULT_KEY_BYTES];
	crypto_generichash(mac, sizeof mac, id, id_len, v->name_key, VAULT_KEY_BYTES);
	sodium_bin2hex(hex, VAULT_NAME_HEX, mac, sizeof mac);
}

static bool seal_into(const struct vault *v, int fd, const unsigned char *data, size_t len)
{
	unsigned char head[FILE_HEAD], key[VAULT_KEY_BYTES];
	crypto_secretstream_xchacha20poly1305_state st;
	memcpy(head, FILE_MAGIC, FILE_MAGIC_BYTES);
	randombytes_buf(head + FILE_MAGIC_BYTES, FILE_ID_BYTES);
	one_file_key(v, head + FILE_MAGIC_BYTES, key);
	crypto_secretstream_xchacha20poly1305_init_push(&st, head + FILE_MAGIC_BYTES + FILE_ID_BYTES,
		key);
	sodium_memzero(key, sizeof key);
	unsigned char *out = malloc(FILE_CHUNK + SS_ABYTES);
	bool fine = out != NULL && common_write_all(fd, head, sizeof head);
	size_t at = 0;
	while (fine) {
		size_t n = len - at < FILE_CHUNK ? len - at : FILE_CHUNK;
		bool last = at + n == len;
		unsigned long long out_len;
		crypto_secretstream_xchacha20poly1305_push(&st, out, &out_len, data + at, n, NULL, 0,
			last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
		fine = common_write_all(fd, out, (size_t)out_len);
		at += n;
		if (last)
			break;
	}
	free(out);
	sodium_memzero(&st, sizeof st);
	return fine;
}

bool vault_seal_file(const struct vault *v, const char *path, const unsigned char *data,
	size_t len)
{
	char tmp[PATH_MAX];
	if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return false;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return false;
	crashpoint("vault.seal_created");
	bool fine = seal_into(v, fd, data, len) && fsync(fd) == 0;
	fine = close(fd) == 0 && fine;
	if (fine)
		crashpoint("vault.seal_written");
	if (fine && common_rename_durable(tmp, path, "vault.seal_renamed"))
		return true;
	unlink(tmp);
	return false;
}

static bool open_from(const struct vault *v, const unsigned char *file, size_t size,
	unsigned char *out, size_t *out_len)
{
	if (size < FILE_HEAD || memcmp(file, FILE_MAGIC, FILE_MAGIC_BYTES) != 0)
		return false;
	unsigned char key[VAULT_KEY_BYTES];
	crypto_secretstream_xchacha20poly1305_state st;
	one_file_key(v, file + FILE_MAGIC_BYTES, key);
	int rc = crypto_secretstream_xchacha20poly1305_init_pull(&st,
		file + FILE_MAGIC_BYTES + FILE_ID_BYTES, key);
	sodium_memzero(key, sizeof key);
	size_t at = FILE_HEAD, have = 0;
	bool final = false;
	while (rc == 0 && !final && at < size) {
		size_t n = size - at < FILE_CHUNK + SS_ABYTES ? size - at : FILE_CHUNK + SS_ABYTES;
		unsigned long long got;
		unsigned char tag;
		rc = crypto_secretstream_xchacha20poly1305_pull(&st, out + have, &got, &tag, file + at,
			n, NULL, 0);
		if (rc == 0) {
			have += (size_t)got;
			at += n;
			final = tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL;
		}
	}
	*out_len = have;
	return rc == 0 && final && at == size;   /* cut short, or bytes after: refused */
}

static unsigned char *read_whole(const char *path, size_t *size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat sb;
	if (fd < 0)
		return NULL;
	unsigned char *buf = NULL;
	if (fstat(fd, &sb) == 0 && sb.st_size >= 0 &&
		(buf = malloc((size_t)sb.st_size + 1)) != NULL) {
		size_t have = 0;
		ssize_t n = 1;
		while (have < (size_t)sb.st_size &&
			((n = read(fd, buf + have, (size_t)sb.st_size - have)) > 0 || (n < 0 && errno == EINTR)))
			have += n > 0 ? (size_t)n : 0;
		*size = have;
	}
	close(fd);
	return buf;
}

bool vault_open_file(const struct vault *v, const char *path, unsigned char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	size_t size = 0;
	unsigned char *file = read_whole(path, &size);
	if (file == NULL)
		return false;
	unsigned char *out = malloc(size + 1);
	size_t out_len = 0;
	bool fine = out != NULL && open_from(v, file, size, out, &out_len);
	free(file);
	if (!fine) {
		free(out);
		return false;
	}
	*data = out;
	*len = out_len;
	return true;
}
