/* store/db: opening the profile, the schema and its migrations, and the
 * small helpers every other store file uses (errors, transactions). */
#include "config.h"
#include "store.h"
#include "format.h"
#include "store_int.h"
#include "i18n.h"
#include "vault.h"
#include "crashpoint.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

enum store_status store_fail(struct store *s, enum store_status st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->err, sizeof s->err, fmt, ap);
	va_end(ap);
	return st;
}

/* The disk is full (SQLITE_FULL, ENOSPC, a quota): what was saved before
 * is safe, this change is not saved; say what to do (issue 8). */
enum store_status store_disk_full(struct store *s)
{
	return store_fail(s, STORE_IO, _("Disk laptop penuh: perubahan ini BELUM tersimpan "
		"(yang tersimpan sebelumnya tetap aman). Kosongkan ruang disk (hapus atau pindahkan "
		"file yang tidak perlu, mis. unduhan atau video), lalu simpan lagi (F2)."));
}

enum store_status store_fail_sql(struct store *s, int rc, const char *what)
{
	const char *detail = sqlite3_errmsg(s->db);
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return store_fail(s, STORE_BUSY, _("Data sedang dipakai program sigacor lain "
			"(di jendela atau oleh pengguna lain). Tunggu sebentar lalu coba lagi."));
	case SQLITE_CONSTRAINT:
		if (strstr(detail, "frozen record") != NULL)
			return store_fail(s, STORE_FROZEN, _("Rekaman sudah final dan tidak bisa "
				"diubah; buat rekaman koreksi."));
		return store_fail(s, STORE_REJECTED, _("Data ditolak (%s): %s."), what, detail);
	case SQLITE_FULL:
		return store_disk_full(s);
	case SQLITE_READONLY:
	case SQLITE_PERM:
	case SQLITE_CANTOPEN:
		return store_fail(s, STORE_IO, _("Tidak bisa menulis ke folder data %s (%s)."),
			s->dir, detail);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return store_damaged(s, detail);
	case SQLITE_IOERR:
		/* a write into the WAL on a full disk comes as an I/O error */
		if (sqlite3_system_errno(s->db) == ENOSPC || sqlite3_system_errno(s->db) == EDQUOT)
			return store_disk_full(s);
		return store_fail(s, STORE_IO, _("Gagal membaca atau menulis disk (%s): %s."),
			what, detail);
	default:
		return store_fail(s, STORE_IO, _("Kesalahan basis data (%s): %s."), what, detail);
	}
}

/* A big write (an import, a registry pull's last page) puts most of the
 * registry's pages anew.  In WAL mode each goes into the WAL and again into
 * the database at the checkpoint (in a keyed profile: sealed, opened and
 * sealed again).  With a rollback journal a page past the old end of the
 * file is written once, and only the pages the write overwrites are
 * journaled first.  The switch needs the database to itself: with another
 * connection open (the screens) it fails and the write runs in WAL mode.
 * A crash leaves a hot journal, which the next open rolls back before it
 * sets WAL again. */
bool store_journal_mode(struct store *s, const char *mode)
{
	char sql[64], now[16] = "";
	sqlite3_stmt *st;
	snprintf(sql, sizeof sql, "PRAGMA journal_mode = %s", mode);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return false;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
		snprintf(now, sizeof now, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return strcasecmp(now, mode) == 0;
}

enum store_status store_exec(struct store *s, const char *sql)
{
	int rc = sqlite3_exec(s->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? STORE_OK : store_fail_sql(s, rc, sql);
}

enum store_status store_prepare(struct store *s, const char *sql, sqlite3_stmt **st)
{
	int rc = sqlite3_prepare_v2(s->db, sql, -1, st, NULL);
	if (rc != SQLITE_OK) {
		*st = NULL;
		return store_fail_sql(s, rc, "prepare");
	}
	return STORE_OK;
}

enum store_status store_stmt_get(struct store *s, enum store_stmt id, const char *sql,
	sqlite3_stmt **st)
{
	if (s->stmt_in_use[id])
		return store_prepare(s, sql, st);
	if (s->stmts[id] == NULL) {
		int rc = sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
			&s->stmts[id], NULL);
		if (rc != SQLITE_OK) {
			s->stmts[id] = NULL;
			*st = NULL;
			return store_fail_sql(s, rc, "prepare");
		}
	}
	s->stmt_in_use[id] = true;
	*st = s->stmts[id];
	return STORE_OK;
}

void store_stmt_put(struct store *s, sqlite3_stmt *st)
{
	if (st == NULL)
		return;
	for (int id = 0; id < STMT_COUNT; id++) {
		if (s->stmts[id] != st)
			continue;
		s->stmt_in_use[id] = false;
		/* reset reports the last step's failure: start afresh next time */
		if (sqlite3_reset(st) != SQLITE_OK) {
			sqlite3_finalize(st);
			s->stmts[id] = NULL;
		} else
			sqlite3_clear_bindings(st);
		return;
	}
	sqlite3_finalize(st);
}

void store_stmt_flush(struct store *s)
{
	for (int id = 0; id < STMT_COUNT; id++) {
		sqlite3_finalize(s->stmts[id]);
		s->stmts[id] = NULL;
		s->stmt_in_use[id] = false;
	}
}

enum store_status store_run(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st);
	enum store_status out = rc == SQLITE_DONE ? STORE_OK : store_fail_sql(s, rc, what);
	sqlite3_finalize(st);
	return out;
}

int64_t store_count(struct store *s, const char *sql)
{
	sqlite3_stmt *st;
	if (store_prepare(s, sql, &st) != STORE_OK)
		return -1;
	int64_t n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
	sqlite3_finalize(st);
	return n;
}

enum store_status store_begin(struct store *s)
{
	return store_exec(s, "BEGIN IMMEDIATE");
}

enum store_status store_commit(struct store *s)
{
	crashpoint("store.commit");
	int rc = sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL);
	if (rc == SQLITE_OK) {
		crashpoint("store.committed");
		return STORE_OK;
	}
	enum store_status st = store_fail_sql(s, rc, "commit");
	store_rollback(s);
	return st;
}

void store_rollback(struct store *s)
{
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

void store_bind_text(sqlite3_stmt *st, int i, const char *text)
{
	sqlite3_bind_text(st, i, text != NULL ? text : "", -1, SQLITE_TRANSIENT);
}

void store_bind_text_kept(sqlite3_stmt *st, int i, const char *text)
{
	sqlite3_bind_text(st, i, text != NULL ? text : "", -1, SQLITE_STATIC);
}

void store_column_text(sqlite3_stmt *st, int i, char *buf, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	size_t n = t != NULL ? (size_t)sqlite3_column_bytes(st, i) : 0;
	if (len == 0)
		return;
	if (n >= len) {
		n = len - 1;
		/* never leave half a UTF-8 character at the end */
		while (n > 0 && (t[n] & 0xC0) == 0x80)
			n--;
	}
	if (n > 0)
		memcpy(buf, t, n);
	buf[n] = '\0';
}

bool store_copy(char *buf, size_t len, const char *src)
{
	size_t n = strlen(src);
	if (n >= len)
		return false;
	memcpy(buf, src, n + 1);
	return true;
}

/* Escape LIKE wildcards so a typed % or _ matches itself. */
void store_like_pattern(const char *text, char *buf, size_t len)
{
	size_t o = 0;
	if (len < 3)
		return;
	buf[o++] = '%';
	for (const char *p = text; *p != '\0' && o + 3 < len; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf[o++] = '\\';
		buf[o++] = *p;
	}
	buf[o++] = '%';
	buf[o] = '\0';
}

int64_t store_now(void)
{
	return (int64_t)time(NULL);
}

const char *store_error(const struct store *s)
{
	return s->err;
}

const char *store_dir(const struct store *s)
{
	return s->dir;
}

void store_set_busy_timeout(struct store *s, int ms)
{
	sqlite3_busy_timeout(s->db, ms);
}

const char *store_operator(const struct store *s)
{
	return s->operator_name;
}

/* mkdir of one folder (0700); a new one is made durable in its parent. */
static bool make_dir(char *path)
{
	if (mkdir(path, 0700) != 0)
		return errno == EEXIST;
	char *slash = strrchr(path, '/');
	if (slash == NULL)
		return common_fsync_dir(".");
	if (slash == path)
		return common_fsync_dir("/");
	*slash = '\0';
	bool ok = common_fsync_dir(path);
	*slash = '/';
	return ok;
}

/* mkdir -p with 0700 for what it creates. */
static bool make_dirs(const char *path)
{
	char buf[PATH_MAX];
	if (!store_copy(buf, sizeof buf, path))
		return false;
	for (char *p = buf + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (!make_dir(buf))
			return false;
		*p = '/';
	}
	if (!make_dir(buf))
		return false;
	struct stat sb;
	if (stat(buf, &sb) != 0)
		return false;
	if (!S_ISDIR(sb.st_mode)) {
		errno = ENOTDIR;
		return false;
	}
	return true;
}

static enum store_status configure(struct store *s)
{
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	sqlite3_extended_result_codes(s->db, 1);
	sqlite3_stmt *st;
	enum store_status rc = store_prepare(s, "PRAGMA journal_mode = WAL", &st);
	if (rc != STORE_OK)
		return rc;
	int step = sqlite3_step(st);
	bool wal = step == SQLITE_ROW &&
		sqlite3_stricmp((const char *)sqlite3_column_text(st, 0), "wal") == 0;
	sqlite3_finalize(st);
	if (step != SQLITE_ROW)
		return store_fail_sql(s, step, "journal_mode");
	if (!wal)
		return store_fail(s, STORE_IO, _("Folder data %s tidak mendukung mode WAL "
			"(folder jaringan?). Pakai folder di disk laptop."), s->dir);
	return store_exec(s, STORE_SYNCHRONOUS_PRAGMA ";"
		"PRAGMA foreign_keys = ON;"
		"PRAGMA trusted_schema = OFF;"
		"PRAGMA secure_delete = FAST;"
		/* sorts too big for memory (a registry import's index) spill to a
		 * temp file, whatever the SQLite build's default */
		"PRAGMA temp_store = FILE;"
		"PRAGMA journal_size_limit = 67108864");
}

/* Create the database file ourselves so it is 0600 from its first byte;
 * SQLite gives its -wal and -shm files the mode of the database. */
static bool precreate(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

static void basename_into(const char *dir, char *buf, size_t len)
{
	size_t n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	size_t start = n;
	while (start > 0 && dir[start - 1] != '/')
		start--;
	size_t take = n - start < len - 1 ? n - start : len - 1;
	memcpy(buf, dir + start, take);
	buf[take] = '\0';
}

/* A folder of the profile that other users may write (an existing one
 * made 0777: another user renamed the clerk's database, issue 8) is made
 * 0700; one that belongs to another user is refused.  The data root above
 * loses its group and other write bits when it is ours (it may be a shared
 * folder such as /tmp, which is left alone). */
static enum store_status tighten(struct store *s, const char *path, bool root)
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return STORE_OK;                /* made below, 0700 */
	if (sb.st_uid != geteuid()) {
		if (root)
			return STORE_OK;
		return store_fail(s, STORE_IO, _("Folder %s milik pengguna lain; sigacor tidak "
			"memakainya. Pakai folder data milik Anda sendiri (--data-dir)."), path);
	}
	mode_t want = root ? sb.st_mode & ~(mode_t)022 : (sb.st_mode & ~(mode_t)077);
	if ((sb.st_mode & 07777) != (want & 07777) && chmod(path, want & 07777) != 0)
		return store_fail(s, STORE_IO, _("Izin folder %s tidak bisa diperketat: %s."), path,
			strerror(errno));
	return STORE_OK;
}

static enum store_status tighten_all(struct store *s, const char *dir)
{
	char root[PATH_MAX];
	if (!store_copy(root, sizeof root, dir))
		return STORE_OK;
	size_t n = strlen(root);
	while (n > 1 && root[n - 1] == '/')
		root[--n] = '\0';
	char *slash = strrchr(root, '/');
	enum store_status rc = tighten(s, dir, false);
	if (rc == STORE_OK)
		rc = tighten(s, s->photos, false);
	if (rc == STORE_OK && slash != NULL && slash != root) {
		*slash = '\0';
		rc = tighten(s, root, true);
	}
	return rc;
}

static enum store_status open_dirs(struct store *s, const char *dir, const unsigned char *key)
{
	char dbpath[PATH_MAX];
	if (!store_copy(s->dir, sizeof s->dir, dir) ||
		snprintf(s->photos, sizeof s->photos, "%s/photos", dir) >= (int)sizeof s->photos ||
		snprintf(dbpath, sizeof dbpath, "%s/sigacor.db", dir) >= (int)sizeof dbpath)
		return store_fail(s, STORE_IO, _("Nama folder data terlalu panjang."));
	basename_into(dir, s->operator_name, sizeof s->operator_name);
	enum store_status tight = tighten_all(s, dir);
	if (tight != STORE_OK)
		return tight;
	if (!make_dirs(dir) || !make_dirs(s->photos) || !precreate(dbpath) ||
		!common_fsync_dir(dir))
		return store_fail(s, STORE_IO, _("Folder data %s tidak bisa dibuat atau ditulis: %s."),
			dir, strerror(errno));
	if (key != NULL)
		return store_vault_open(s, dbpath, key);
	int rc = sqlite3_open_v2(dbpath, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	if (rc != SQLITE_OK)
		return store_fail_sql(s, rc, "open");
	return STORE_OK;
}

static enum store_status open_with(const char *dir, const unsigned char *key, struct store **out,
	char *err, size_t errlen)
{
	*out = NULL;
	struct store *s = calloc(1, sizeof *s);
	if (s == NULL) {
		snprintf(err, errlen, "%s", _("Memori tidak cukup."));
		return STORE_IO;
	}
	enum store_status st = STORE_OK;
	if (sodium_init() < 0)
		st = store_fail(s, STORE_IO, _("Pembangkit angka acak tidak bisa dipakai."));
	if (st == STORE_OK)
		st = open_dirs(s, dir, key);
	if (st == STORE_OK)
		st = configure(s);
	if (st == STORE_OK)
		st = store_migrate(s);
	if (st != STORE_OK) {
		snprintf(err, errlen, "%s", s->err);
		store_close(s);
		return st;
	}
	/* a photo left clear is sealed at the next open: never a failed open */
	store_photos_seal_clear(s);
	store_photos_tidy(s);
	*out = s;
	return STORE_OK;
}

/* A keyed profile's folder: its database is never opened clear. */
static bool has_key_file(const char *dir)
{
	char path[PATH_MAX];
	return snprintf(path, sizeof path, "%s/" STORE_KEY_FILE, dir) < (int)sizeof path &&
		access(path, F_OK) == 0;
}

enum store_status store_open(const char *dir, struct store **out, char *err, size_t errlen)
{
	if (has_key_file(dir)) {
		*out = NULL;
		snprintf(err, errlen, _("Profil di %s memakai kata sandi: basis datanya terenkripsi "
			"dan hanya dibuka dengan kunci dari kata sandi itu (atau `sigacor unlock`)."), dir);
		return STORE_LOCKED;
	}
	return open_with(dir, NULL, out, err, errlen);
}

enum store_status store_open_keyed(const char *dir, const unsigned char key[32],
	struct store **out, char *err, size_t errlen)
{
	return open_with(dir, key, out, err, errlen);
}

void store_close(struct store *s)
{
	if (s == NULL)
		return;
	/* close_v2: finalised statements are gone; a failure here means a
	 * leaked statement, which would keep the WAL from being checkpointed */
	store_stmt_flush(s);
	store_checkpointer_stop(s);
	if (s->vault == NULL)
		sqlite3_close_v2(s->db);
	else if (sqlite3_close(s->db) == SQLITE_OK)
		vault_free(s->vault);    /* only once no connection can use its VFS */
	free(s);
}

enum store_status store_damaged(struct store *s, const char *detail)
{
	return store_fail(s, STORE_IO, _("Basis data profil ini RUSAK (%s). Jangan hapus atau "
		"ubah folder %s: salin seluruh folder itu ke flashdisk, lalu hubungi admin kota. "
		"Rekaman yang sudah diterima server aman; yang belum terkirim mungkin masih bisa "
		"diselamatkan dari salinan itu."), detail, s->dir);
}

enum store_status store_check_integrity(struct store *s)
{
	sqlite3_stmt *st;
	char first[256] = "";
	if (sqlite3_prepare_v2(s->db, "PRAGMA quick_check(1)", -1, &st, NULL) != SQLITE_OK)
		snprintf(first, sizeof first, "%s", sqlite3_errmsg(s->db));
	else {
		int rc = sqlite3_step(st);
		const unsigned char *text = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
		snprintf(first, sizeof first, "%s", text != NULL ? (const char *)text
			: sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
	}
	for (char *c = first; *c != '\0'; c++)
		if (*c == '\n' || *c == '\r')
			*c = ' ';              /* SQLite's report spans lines */
	return strcmp(first, "ok") == 0 ? STORE_OK : store_damaged(s, first);
}
