/* test_vault: the encrypting VFS (include/vault.h) on real files:
 *   - a round trip, WAL mode, through close and reopen;
 *   - the raw bytes of the database, its WAL (frames not yet checkpointed)
 *     and a rollback journal hold none of the test NIKs and names, and
 *     never "SQLite format 3";
 *   - a wrong key is refused with SQLITE_NOTADB and changes no byte;
 *   - a changed byte in a page, and two pages swapped, are detected;
 *   - the WAL's pages are sealed as their database pages: a checkpoint
 *     under vault_copy_sealed copies them as they are, byte for byte, and
 *     the database opens whole; a WAL page read for another page of the
 *     database is refused; a WAL written before that (tests/data/vault) is
 *     still read and copied back;
 *   - a temp file (temp_store FILE, a sort bigger than the cache) works;
 *   - a photo file sealed and read back; no JPEG/EXIF marker or NIK in its
 *     bytes; a wrong key, a changed byte, a file cut short are refused;
 *   - a child writing transactions in WAL mode, then checkpointing them,
 *     killed with SIGKILL at each crash point it passes (every write, sync
 *     and truncation of the WAL and the database: include/crashpoint.h):
 *     after each kill the database opens (the WAL recovered), passes
 *     integrity_check, holds every transaction the child saw committed and
 *     no half of one. */
#include "config.h"
#include "vault.h"
#include "tap.h"
#include "store/fixture.h"
#include "store/crashpoints.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ROWS 300
#define ROWS_PER_TXN 20
#define TXNS_PER_RUN 6
/* every crash point of a run is a kill, up to this many (else each name's
 * first and last and KILL_SPREAD more) */
#define KILL_ALL_UP_TO 400
#define KILL_SPREAD 40
#define MAX_KILLS 400

static char dir[256];
static unsigned char key[VAULT_KEY_BYTES], other_key[VAULT_KEY_BYTES];

static void nik_of(int i, char *buf, size_t len)
{
	snprintf(buf, len, "36710901%08d", 1000000 + i);
}

static void name_of(int i, char *buf, size_t len)
{
	snprintf(buf, len, "Siti Rahmawati Nurhaliza %05d", i);
}

static void path_in(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static unsigned char *slurp(const char *path, size_t *len)
{
	*len = 0;
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	unsigned char *buf = NULL;
	size_t cap = 0;
	for (;;) {
		if (*len == cap) {
			cap = cap ? cap * 2 : 65536;
			buf = realloc(buf, cap);
		}
		size_t n = fread(buf + *len, 1, cap - *len, f);
		if (n == 0)
			break;
		*len += n;
	}
	fclose(f);
	return buf;
}

static bool holds_bytes(const unsigned char *buf, size_t len, const unsigned char *needle, size_t n)
{
	for (size_t i = 0; i + n <= len; i++)
		if (memcmp(buf + i, needle, n) == 0)
			return true;
	return false;
}

static bool holds(const unsigned char *buf, size_t len, const char *needle)
{
	return holds_bytes(buf, len, (const unsigned char *)needle, strlen(needle));
}

/* How many of the test NIKs and names, and the SQLite magic, the file holds;
 * -1 when the file is missing. */
static int leaks_in(const char *path)
{
	size_t len;
	unsigned char *buf = slurp(path, &len);
	if (buf == NULL)
		return -1;
	int found = holds(buf, len, "SQLite format 3") ? 1 : 0;
	for (int i = 0; i < ROWS; i += 7) {
		char nik[32], name[64];
		nik_of(i, nik, sizeof nik);
		name_of(i, name, sizeof name);
		found += holds(buf, len, nik) + holds(buf, len, name);
	}
	free(buf);
	return found;
}

static int exec(sqlite3 *db, const char *sql)
{
	int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		tap_diag("%s: %s", sql, sqlite3_errmsg(db));
	return rc;
}

static long long count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return n;
}

static bool fill(sqlite3 *db, int from, int to)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "INSERT INTO residents(nik, name) VALUES (?, ?)", -1, &st,
		NULL) != SQLITE_OK)
		return false;
	bool fine = true;
	for (int i = from; i < to && fine; i++) {
		char nik[32], name[64];
		nik_of(i, nik, sizeof nik);
		name_of(i, name, sizeof name);
		sqlite3_bind_text(st, 1, nik, -1, SQLITE_TRANSIENT);
		sqlite3_bind_text(st, 2, name, -1, SQLITE_TRANSIENT);
		fine = sqlite3_step(st) == SQLITE_DONE;
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return fine;
}

static const int RW = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;

/* The residents table made after the pragmas, ROWS rows in one transaction. */
static bool make_residents(sqlite3 *db, const char *pragmas)
{
	return exec(db, pragmas) == SQLITE_OK &&
		exec(db, "CREATE TABLE residents(nik TEXT PRIMARY KEY, name TEXT)") == SQLITE_OK &&
		exec(db, "BEGIN") == SQLITE_OK && fill(db, 0, ROWS) && exec(db, "COMMIT") == SQLITE_OK;
}

static void test_round_trip_and_scan(struct vault *v)
{
	char db_path[512], wal[520];
	path_in("wal.db", db_path, sizeof db_path);
	snprintf(wal, sizeof wal, "%s-wal", db_path);
	sqlite3 *db;
	is_int(vault_open(v, db_path, RW, &db), SQLITE_OK, "a new vault database opens");
	ok(make_residents(db, "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0"),
		"%d residents written in WAL mode", ROWS);
	/* the rows live in WAL frames now, not yet in the database */
	is_int(leaks_in(wal), 0, "the WAL holds no NIK, no name, no SQLite magic");
	is_int(leaks_in(db_path), 0, "the database file holds none either");
	is_int(count(db, "SELECT count(*) FROM residents WHERE name LIKE 'Siti%'"), ROWS,
		"the rows read back through the WAL");
	ok(exec(db, "PRAGMA wal_checkpoint(TRUNCATE)") == SQLITE_OK, "checkpoint");
	sqlite3_close_v2(db);
	is_int(leaks_in(db_path), 0, "after the checkpoint the database holds none");
	ok(!vault_file_is_clear(db_path), "the file does not start 'SQLite format 3'");

	is_int(vault_open(v, db_path, RW, &db), SQLITE_OK, "reopened with the key");
	char nik[32], name[64], sql[160];
	nik_of(123, nik, sizeof nik);
	name_of(123, name, sizeof name);
	snprintf(sql, sizeof sql, "SELECT count(*) FROM residents WHERE nik = '%s' AND name = '%s'",
		nik, name);
	is_int(count(db, sql), 1, "a resident found by NIK after reopening, with its name");
	is_int(count(db, "PRAGMA page_size"), VAULT_PAGE_SIZE, "page size");
	ok(exec(db, "PRAGMA integrity_check") == SQLITE_OK, "integrity_check runs");
	sqlite3_close_v2(db);
}

static void test_journal(struct vault *v)
{
	char db_path[512], journal[520];
	path_in("journal.db", db_path, sizeof db_path);
	snprintf(journal, sizeof journal, "%s-journal", db_path);
	sqlite3 *db;
	is_int(vault_open(v, db_path, RW, &db), SQLITE_OK, "a rollback-journal vault opens");
	/* PERSIST keeps the journal file and its pages after the commit */
	ok(make_residents(db, "PRAGMA journal_mode = PERSIST") && exec(db, "UPDATE residents SET name = name || ' x'") == SQLITE_OK,
		"rows written and all updated (their old pages go to the journal)");
	struct stat sb;
	ok(stat(journal, &sb) == 0 && sb.st_size > VAULT_PAGE_SIZE, "the journal holds pages");
	is_int(leaks_in(journal), 0, "the journal holds no NIK, no name, no SQLite magic");
	is_int(leaks_in(db_path), 0, "the database holds none");
	/* a rolled back change is undone from the (encrypted) journal */
	ok(exec(db, "BEGIN; DELETE FROM residents; ROLLBACK") == SQLITE_OK, "a rollback");
	is_int(count(db, "SELECT count(*) FROM residents"), ROWS, "the rows are back");
	sqlite3_close_v2(db);
}

/* pages of the file that are all zeros on disk: never written (a hole) */
static int holes_in(const char *path)
{
	size_t len;
	unsigned char *buf = slurp(path, &len);
	if (buf == NULL)
		return -1;
	static const unsigned char zeros[VAULT_PAGE_SIZE];
	int holes = 0;
	for (size_t off = 0; off + VAULT_PAGE_SIZE <= len; off += VAULT_PAGE_SIZE)
		holes += memcmp(buf + off, zeros, VAULT_PAGE_SIZE) == 0;
	free(buf);
	return holes;
}

/* In rollback mode a page SQLite frees in a transaction is never written
 * (DONT_WRITE) and is dropped when the cache spills; a page spilled past it
 * leaves it a hole in the file.  Reused in the same transaction it is read
 * again (btree.c's pHasContent): as zeros in a plain file, and here it
 * must be so too, not taken for tampering.  Tables a and c interleave
 * their pages; a is emptied while its last pages are still cached; every
 * page of c is rewritten, and the cache spills c's last pages, past a's.
 * With reuse, table d takes a's pages in the same transaction. */
static void spill_past_freed(struct vault *v, const char *name, bool reuse)
{
	char db_path[512];
	path_in(name, db_path, sizeof db_path);
	sqlite3 *db;
	is_int(vault_open(v, db_path, RW, &db), SQLITE_OK, "%s: a vault opens", name);
	/* secure_delete FAST, as the store sets it: ON writes freed pages */
	ok(exec(db, "PRAGMA journal_mode = TRUNCATE; PRAGMA cache_size = 20;"
		" PRAGMA secure_delete = FAST; CREATE TABLE a(x); CREATE TABLE c(x);"
		" CREATE TABLE d(x)") == SQLITE_OK, "%s: tables made, a cache of 20 pages", name);
	bool fine = exec(db, "BEGIN") == SQLITE_OK;
	for (int i = 0; i < 400 && fine; i++)
		fine = exec(db, "INSERT INTO a VALUES (randomblob(1500));"
			" INSERT INTO c VALUES (randomblob(1500))") == SQLITE_OK;
	fine = fine && exec(db, "DELETE FROM a; UPDATE c SET x = randomblob(1500)") == SQLITE_OK;
	for (int i = 0; i < (reuse ? 800 : 0) && fine; i++)
		fine = exec(db, "INSERT INTO d VALUES (randomblob(1500))") == SQLITE_OK;
	ok(fine && exec(db, "COMMIT") == SQLITE_OK, "%s: committed", name);
	is_int(count(db, "SELECT count(*) FROM d"), reuse ? 800 : 0, "%s: the rows of d", name);
	sqlite3_close_v2(db);
	is_int(holes_in(db_path), 0, "%s: no page of the file left unwritten", name);
}

static void test_spill_holes(struct vault *v)
{
	spill_past_freed(v, "spill.db", false);
	spill_past_freed(v, "spill-reuse.db", true);
}

#define WAL_HEADER_BYTES 32
#define FRAME_HEADER_BYTES 24
#define FRAME_BYTES (FRAME_HEADER_BYTES + VAULT_PAGE_SIZE)
#define MAX_PAGES 256

static uint32_t frame_pgno_at(const unsigned char *frame)
{
	return (uint32_t)frame[0] << 24 | (uint32_t)frame[1] << 16 | (uint32_t)frame[2] << 8 |
		frame[3];
}

/* The WAL's frames: how many, how many of their pages are marked sealed as
 * their database page (the nonce's last byte), and each page's newest
 * frame (an offset into wal, 0 for none) */
static int wal_frames(const unsigned char *wal, size_t len, int *marked,
	size_t newest[MAX_PAGES + 1])
{
	int frames = 0;
	*marked = 0;
	memset(newest, 0, (MAX_PAGES + 1) * sizeof newest[0]);
	for (size_t at = WAL_HEADER_BYTES; at + FRAME_BYTES <= len; at += FRAME_BYTES, frames++) {
		uint32_t pgno = frame_pgno_at(wal + at);
		*marked += (wal[at + FRAME_BYTES - VAULT_RESERVE + 23] & 0x80) != 0;
		if (pgno >= 1 && pgno <= MAX_PAGES)
			newest[pgno] = at + FRAME_HEADER_BYTES;
	}
	return frames;
}

/* pages of the database file equal to their newest WAL page, of those the
 * WAL holds (*pages) */
static int pages_as_in_wal(const unsigned char *wal, size_t wal_len, const char *db_path,
	int *pages)
{
	size_t newest[MAX_PAGES + 1], db_len;
	int marked, same = 0;
	wal_frames(wal, wal_len, &marked, newest);
	unsigned char *db = slurp(db_path, &db_len);
	*pages = 0;
	for (uint32_t p = 1; p <= MAX_PAGES; p++) {
		if (newest[p] == 0)
			continue;
		(*pages)++;
		size_t at = (size_t)(p - 1) * VAULT_PAGE_SIZE;
		same += db != NULL && at + VAULT_PAGE_SIZE <= db_len &&
			memcmp(db + at, wal + newest[p], VAULT_PAGE_SIZE) == 0;
	}
	free(db);
	return same;
}

/* a PASSIVE checkpoint on a connection of its own, as the store's
 * checkpointer makes it: everything in the WAL copied */
static bool checkpoint_sealed(struct vault *v, const char *db_path)
{
	sqlite3 *db;
	int log = -1, copied = -2;
	bool fine = vault_open(v, db_path, SQLITE_OPEN_READWRITE, &db) == SQLITE_OK;
	vault_copy_sealed(true);
	fine = fine && sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_PASSIVE, &log,
		&copied) == SQLITE_OK;
	vault_copy_sealed(false);
	sqlite3_close_v2(db);
	return fine && log == copied;
}

static bool integrity_ok(sqlite3 *db)
{
	return count(db, "SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'")
		== 1;
}

static bool rewrite(const char *path, const unsigned char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	return f != NULL && fwrite(data, 1, len, f) == len && fclose(f) == 0;
}

static bool copy_file(const char *from, const char *to)
{
	size_t len;
	unsigned char *data = slurp(from, &len);
	bool fine = data != NULL && rewrite(to, data, len);
	free(data);
	return fine;
}

/* A WAL frame's page sealed for another page: a reader refuses it.  (At a
 * recovery such a frame ends the log, as a half-written one does.) */
static void test_wal_page_moved(struct vault *v, const char *db_path, const char *wal_path)
{
	sqlite3 *db, *reader;
	/* the WAL recovered and indexed before the change, as in a running app */
	ok(vault_open(v, db_path, RW, &db) == SQLITE_OK &&
		count(db, "SELECT count(*) FROM residents") == ROWS, "the copy opens");
	size_t len;
	unsigned char *wal = slurp(wal_path, &len);
	size_t newest[MAX_PAGES + 1];
	int marked;
	wal_frames(wal, len, &marked, newest);
	/* the residents table's root, page 2, gets another page's sealed page */
	size_t from = 0;
	for (uint32_t p = 3; p <= MAX_PAGES && from == 0; p++)
		from = newest[p];
	FILE *f = fopen(wal_path, "r+b");
	bool moved = f != NULL && newest[2] != 0 && from != 0 &&
		fseek(f, (long)newest[2], SEEK_SET) == 0 &&
		fwrite(wal + from, 1, VAULT_PAGE_SIZE, f) == VAULT_PAGE_SIZE;
	moved = f != NULL && fclose(f) == 0 && moved;
	ok(moved, "a WAL page put in the frame of another page");
	is_int(vault_open(v, db_path, RW, &reader), SQLITE_OK, "a second connection opens");
	ok((sqlite3_exec(reader, "SELECT count(*) FROM residents WHERE name LIKE '%z%'", NULL,
		NULL, NULL) & 0xff) == SQLITE_CORRUPT, "reading it: SQLITE_CORRUPT");
	sqlite3_close_v2(reader);
	sqlite3_close_v2(db);
	free(wal);
}

static void test_copy_sealed(struct vault *v)
{
	char db_path[512], wal_path[520], moved[512], moved_wal[520];
	path_in("sealed.db", db_path, sizeof db_path);
	snprintf(wal_path, sizeof wal_path, "%s-wal", db_path);
	path_in("moved.db", moved, sizeof moved);
	snprintf(moved_wal, sizeof moved_wal, "%s-wal", moved);
	sqlite3 *db;
	ok(vault_open(v, db_path, RW, &db) == SQLITE_OK &&
		make_residents(db, "PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0") &&
		exec(db, "UPDATE residents SET name = name || ' z' WHERE rowid % 3 = 0") == SQLITE_OK,
		"%d residents and an update, in the WAL", ROWS);
	size_t len;
	unsigned char *wal = slurp(wal_path, &len);
	size_t newest[MAX_PAGES + 1];
	int marked = -1, frames = wal != NULL ? wal_frames(wal, len, &marked, newest) : 0;
	ok(frames > 10 && marked == frames, "every WAL page is marked sealed as its page "
		"(%d of %d frames)", marked, frames);
	/* a copy with the writer gone: for a page moved within the WAL */
	ok(copy_file(db_path, moved) && copy_file(wal_path, moved_wal), "a copy of both files");
	ok(checkpoint_sealed(v, db_path), "a checkpoint under vault_copy_sealed copies the WAL");
	int pages, same = pages_as_in_wal(wal, len, db_path, &pages);
	ok(pages > 5 && same == pages, "each page copied is its WAL page as it was sealed "
		"(%d of %d)", same, pages);
	sqlite3_close_v2(db);
	free(wal);
	ok(vault_open(v, db_path, RW, &db) == SQLITE_OK && integrity_ok(db) &&
		count(db, "SELECT count(*) FROM residents WHERE name LIKE '% z'") == ROWS / 3,
		"reopened: integrity_check ok, the update there");
	sqlite3_close_v2(db);
	test_wal_page_moved(v, moved, moved_wal);
}

/* tests/data/vault: a WAL whose pages were sealed with their offset */
static void test_legacy_wal(void)
{
	const char *data = getenv("TESTDATA");
	char from[600], db_path[512], wal_path[520];
	path_in("legacy-wal.db", db_path, sizeof db_path);
	snprintf(wal_path, sizeof wal_path, "%s-wal", db_path);
	snprintf(from, sizeof from, "%s/vault/legacy-wal.db", data ? data : "tests/data");
	bool copied = copy_file(from, db_path);
	snprintf(from, sizeof from, "%s/vault/legacy-wal.db-wal", data ? data : "tests/data");
	if (!ok(copied && copy_file(from, wal_path), "the old WAL copied from %s", from))
		return;
	unsigned char old_key[VAULT_KEY_BYTES];
	for (int i = 0; i < VAULT_KEY_BYTES; i++)
		old_key[i] = (unsigned char)(0x5a ^ i);
	struct vault *v = vault_new(old_key);
	size_t len, newest[MAX_PAGES + 1];
	unsigned char *wal = slurp(wal_path, &len);
	int marked = -1, frames = wal != NULL ? wal_frames(wal, len, &marked, newest) : 0;
	free(wal);
	ok(frames == 27 && marked == 0, "its %d frames are sealed at their offsets", frames);
	sqlite3 *db;
	ok(vault_open(v, db_path, RW, &db) == SQLITE_OK &&
		count(db, "SELECT count(*) FROM residents") == 200 &&
		count(db, "SELECT count(*) FROM residents WHERE name = 'Warga Diganti'") == 1,
		"the old WAL is read: 200 residents, the renamed one");
	/* the checkpointer's copy opens and seals such pages again (the
	 * connection above kept open: the last one to close copies the WAL) */
	ok(checkpoint_sealed(v, db_path), "a checkpoint under vault_copy_sealed copies it");
	sqlite3_close_v2(db);
	ok(vault_open(v, db_path, RW, &db) == SQLITE_OK && integrity_ok(db) &&
		count(db, "SELECT count(*) FROM residents WHERE name = 'Warga Diganti'") == 1,
		"reopened: integrity_check ok, the renamed resident there");
	sqlite3_close_v2(db);
	vault_free(v);
}

static bool same_file(const char *path, const unsigned char *before, size_t len)
{
	size_t now_len;
	unsigned char *now = slurp(path, &now_len);
	bool same = now != NULL && now_len == len && memcmp(now, before, len) == 0;
	free(now);
	return same;
}

static void test_wrong_key_and_tamper(struct vault *v)
{
	char db_path[512];
	path_in("wal.db", db_path, sizeof db_path);
	size_t len;
	unsigned char *before = slurp(db_path, &len);
	struct vault *wrong = vault_new(other_key);
	sqlite3 *db;
	is_int(vault_open(wrong, db_path, RW, &db), SQLITE_NOTADB, "a wrong key: SQLITE_NOTADB");
	ok(strstr(sqlite3_errmsg(db), "not a database") != NULL, "its message: %s",
		sqlite3_errmsg(db));
	ok(exec(db, "INSERT INTO residents VALUES ('1', 'x')") != SQLITE_OK,
		"a write with the wrong key fails too");
	sqlite3_close_v2(db);
	vault_free(wrong);
	ok(same_file(db_path, before, len), "the wrong key changed no byte");
	is_int(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK,
		"plain sqlite opens the file...");
	ok(exec(db, "SELECT count(*) FROM sqlite_schema") != SQLITE_OK, "...but cannot read it");
	sqlite3_close_v2(db);

	/* one byte changed in page 2 */
	char bad[512];
	path_in("tampered.db", bad, sizeof bad);
	unsigned char *copy = malloc(len);
	memcpy(copy, before, len);
	copy[VAULT_PAGE_SIZE + 100] ^= 0x01;
	FILE *f = fopen(bad, "wb");
	fwrite(copy, 1, len, f);
	fclose(f);
	is_int(vault_open(v, bad, RW, &db), SQLITE_OK, "the tampered file opens (page 1 intact)");
	int rc = sqlite3_exec(db, "SELECT count(*) FROM residents WHERE name LIKE '%z%'", NULL,
		NULL, NULL);
	ok((rc & 0xff) == SQLITE_CORRUPT, "reading the changed page: SQLITE_CORRUPT (%s)",
		sqlite3_errmsg(db));
	sqlite3_close_v2(db);

	/* pages 2 and 3 swapped */
	memcpy(copy, before, len);
	ok(len >= 3 * VAULT_PAGE_SIZE, "the file has at least 3 pages");
	memcpy(copy + VAULT_PAGE_SIZE, before + 2 * VAULT_PAGE_SIZE, VAULT_PAGE_SIZE);
	memcpy(copy + 2 * VAULT_PAGE_SIZE, before + VAULT_PAGE_SIZE, VAULT_PAGE_SIZE);
	f = fopen(bad, "wb");
	fwrite(copy, 1, len, f);
	fclose(f);
	is_int(vault_open(v, bad, RW, &db), SQLITE_OK, "the swapped file opens");
	ok((sqlite3_exec(db, "SELECT count(*) FROM residents WHERE name LIKE '%z%'", NULL, NULL,
		NULL) & 0xff) == SQLITE_CORRUPT, "two pages swapped: SQLITE_CORRUPT");
	sqlite3_close_v2(db);
	free(copy);
	free(before);
}

static void add_leaks(const char *link, void *found)
{
	*(int *)found += leaks_in(link);
}

/* The temp files SQLite holds open: how many, and how many NIKs and names
 * are in them. */
static int temp_file_leaks(int *files)
{
	int found = 0;
	*files = fixture_sqlite_temp_files(add_leaks, &found);
	return found;
}

static void test_temp_file(struct vault *v)
{
	char db_path[512];
	path_in("wal.db", db_path, sizeof db_path);
	sqlite3 *db;
	is_int(vault_open(v, db_path, RW, &db), SQLITE_OK, "opened for temp files");
	/* a temp table too big for its two-page cache goes to a temp file */
	ok(exec(db, "PRAGMA temp_store = FILE; PRAGMA temp.cache_size = 2;"
		"CREATE TEMP TABLE copy AS SELECT nik, name FROM residents ORDER BY name DESC") ==
		SQLITE_OK, "a temp table through temp files");
	is_int(count(db, "SELECT count(*) FROM copy WHERE name LIKE 'Siti%'"), ROWS,
		"the temp table reads back");
	int files;
	int leaks = temp_file_leaks(&files);
	ok(files > 0, "SQLite holds %d temp file(s) open", files);
	is_int(leaks, 0, "they hold no NIK and no name");
	sqlite3_close_v2(db);
}

/* ---------------------------------------------------------------- photo files */

static bool file_is(const char *path, const unsigned char *want, size_t len, struct vault *v)
{
	unsigned char *got;
	size_t got_len;
	bool same = vault_open_file(v, path, &got, &got_len) && got_len == len &&
		memcmp(got, want, len) == 0;
	free(got);
	return same;
}

static void test_files(struct vault *v)
{
	/* a JPEG-like photo: SOI, an EXIF block naming a NIK, then bytes */
	size_t len = 3 * 65536 + 1234;
	unsigned char *photo = malloc(len);
	randombytes_buf(photo, len);
	static const unsigned char head[] = { 0xFF, 0xD8, 0xFF, 0xE1, 0x00, 0x40, 'E', 'x', 'i', 'f' };
	memcpy(photo, head, sizeof head);
	char nik[32];
	nik_of(42, nik, sizeof nik);
	memcpy(photo + 100, nik, strlen(nik));
	char path[512], dir_listing[600];
	path_in("photo.jpg", path, sizeof path);
	ok(vault_seal_file(v, path, photo, len), "a photo sealed to a file");
	size_t raw_len;
	unsigned char *raw = slurp(path, &raw_len);
	/* the JPEG's start at the head, its first 16 bytes (marker, EXIF
	 * header) anywhere: "Exif" or FF D8 FF alone turn up by chance in
	 * 200 KB of ciphertext (FF D8 FF about one run in 80) */
	ok(raw != NULL && raw_len >= 3 && memcmp(raw, head, 3) != 0 && !holds_bytes(raw, raw_len, photo, 16)
		&& !holds(raw, raw_len, nik), "its bytes hold no JPEG or EXIF marker, no NIK");
	ok(file_is(path, photo, len, v), "read back byte-identical");
	snprintf(dir_listing, sizeof dir_listing, "%s.tmp-%ld", path, (long)getpid());
	ok(access(dir_listing, F_OK) != 0, "no temp file left");

	struct vault *wrong = vault_new(other_key);
	ok(!file_is(path, photo, len, wrong), "a wrong key: refused");
	vault_free(wrong);
	raw[raw_len / 2] ^= 0x20;
	ok(rewrite(path, raw, raw_len) && !file_is(path, photo, len, v), "a changed byte: refused");
	raw[raw_len / 2] ^= 0x20;
	ok(rewrite(path, raw, raw_len - (65536 + 17 + 1234 + 17)) && !file_is(path, photo,
		3 * 65536, v), "cut at a chunk's end (its last chunks gone): refused");
	ok(rewrite(path, raw, raw_len - 5) && !file_is(path, photo, len, v), "cut short: refused");
	free(raw);
	ok(vault_seal_file(v, path, photo, 2 * 65536) && file_is(path, photo, 2 * 65536, v),
		"a photo of exactly two chunks");
	ok(vault_seal_file(v, path, photo, 0) && file_is(path, photo, 0, v), "an empty file");
	free(photo);
}

/* ---------------------------------------------------------------- kill -9 */

/* What a child writes: TXNS_PER_RUN transactions into db_path, each
 * reported through fd once committed, then a checkpoint that copies them
 * into the database and truncates the WAL. */
struct writer {
	struct vault *vault;
	const char *db_path;
	int fd;
};

static void child_writes(void *ctx)
{
	const struct writer *w = ctx;
	sqlite3 *db;
	if (vault_open(w->vault, w->db_path, RW, &db) != SQLITE_OK)
		_exit(2);
	for (int t = 0; t < TXNS_PER_RUN; t++) {
		if (exec(db, "BEGIN IMMEDIATE") != SQLITE_OK ||
			!fill(db, 100000 + t * ROWS_PER_TXN, 100000 + (t + 1) * ROWS_PER_TXN) ||
			exec(db, "COMMIT") != SQLITE_OK)
			_exit(3);
		char line[32];
		int n = snprintf(line, sizeof line, "%d\n", t + 1);
		if (write(w->fd, line, (size_t)n) != n)
			_exit(4);
	}
	if (exec(db, "PRAGMA wal_checkpoint(TRUNCATE)") != SQLITE_OK)
		_exit(5);
	sqlite3_close_v2(db);
}

/* the last number the child wrote to fd (the transactions it saw
 * committed); the child is dead, so read to the end */
static int committed_seen(int fd)
{
	int seen = 0;
	char buf[4096];
	ssize_t n;
	while ((n = read(fd, buf, sizeof buf - 1)) > 0) {
		buf[n] = '\0';
		for (char *line = strtok(buf, "\n"); line != NULL; line = strtok(NULL, "\n"))
			seen = atoi(line);
	}
	return seen;
}

/* The kill database as each run finds it: the table, empty, in WAL mode,
 * its WAL checkpointed away, copied from base. */
static bool fresh_kill_db(const char *base, const char *db_path)
{
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "rm -f '%s' '%s-wal' '%s-shm' && cp '%s' '%s'", db_path, db_path,
		db_path, base, db_path);
	return system(cmd) == 0;
}

/* The database after a kill: it opens, passes integrity_check, holds
 * whole transactions only, at least the seen ones; why says what broke. */
static bool after_kill(struct vault *v, const char *db_path, int seen, char *why, size_t len)
{
	sqlite3 *db;
	if (vault_open(v, db_path, RW, &db) != SQLITE_OK) {
		snprintf(why, len, "reopen failed: %s", sqlite3_errmsg(db));
		sqlite3_close_v2(db);
		return false;
	}
	sqlite3_stmt *st;
	char check[64] = "";
	if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(check, sizeof check, "%s", sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	long long rows = count(db, "SELECT count(*) FROM residents");
	long long txns = count(db, "SELECT count(DISTINCT (CAST(substr(nik, 9) AS INTEGER) "
		"- 1100000) / 20) FROM residents");
	sqlite3_close_v2(db);
	snprintf(why, len, "check %s, rows %lld, transactions %lld, committed seen %d", check,
		rows, txns, seen);
	return strcmp(check, "ok") == 0 && rows % ROWS_PER_TXN == 0 &&
		rows / ROWS_PER_TXN == txns && txns >= seen;
}

/* One run killed at crash point at (of points), checked. */
static void kill_run(struct vault *v, const char *base, const char *db_path, int at, int points)
{
	int fds[2];
	if (!fresh_kill_db(base, db_path) || pipe(fds) != 0) {
		ok(false, "kill %d: no fresh database", at);
		return;
	}
	struct writer w = { v, db_path, fds[1] };
	struct crash_outcome out;
	crash_run(child_writes, &w, at, &out);
	close(fds[1]);
	int seen = committed_seen(fds[0]);
	close(fds[0]);
	char why[256];
	bool whole = after_kill(v, db_path, seen, why, sizeof why);
	ok(out.killed && whole, "WAL mode killed at crash point %d of %d (%s): integrity ok, "
		"every committed transaction there, none in half (%s)", at, points, out.point, why);
}

static void test_kill(struct vault *v)
{
	char db_path[512], base[512];
	path_in("kill.db", db_path, sizeof db_path);
	path_in("kill-base.db", base, sizeof base);
	sqlite3 *db;
	if (!ok(vault_open(v, base, RW, &db) == SQLITE_OK &&
		exec(db, "PRAGMA journal_mode = WAL;"
		"CREATE TABLE residents(nik TEXT PRIMARY KEY, name TEXT)") == SQLITE_OK,
		"the kill database made in WAL mode"))
		return;
	sqlite3_close_v2(db);
	int fds[2];
	struct crash_points points = { 0 };
	if (fresh_kill_db(base, db_path) && pipe(fds) == 0) {
		struct writer w = { v, db_path, fds[1] };
		crash_count(child_writes, &w, &points);
		close(fds[0]);
		close(fds[1]);
	}
	if (!ok(points.n > 0, "an unkilled run of %d transactions and a checkpoint passes %d "
		"crash points", TXNS_PER_RUN, points.n))
		return;
	int at[MAX_KILLS];
	int kills = crash_plan(&points, KILL_ALL_UP_TO, KILL_SPREAD, at, MAX_KILLS);
	for (int k = 0; k < kills; k++)
		kill_run(v, base, db_path, at[k], points.n);
	crash_points_free(&points);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	snprintf(dir, sizeof dir, "%s/test_vault.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR")
		: "/tmp");
	if (mkdtemp(dir) == NULL)
		return 1;
	randombytes_buf(key, sizeof key);
	randombytes_buf(other_key, sizeof other_key);
	struct vault *v = vault_new(key);
	if (!ok(v != NULL, "vault_new"))
		return tap_done();
	test_round_trip_and_scan(v);
	test_journal(v);
	test_spill_holes(v);
	test_wrong_key_and_tamper(v);
	test_copy_sealed(v);
	test_legacy_wal();
	test_temp_file(v);
	test_files(v);
	test_kill(v);
	vault_free(v);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", dir);
	return tap_done();
}
