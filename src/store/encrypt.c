/* store/encrypt: a profile's database through the vault (include/vault.h),
 * and the upgrade in place of a clear database made by a previous release.
 *
 * The upgrade, crash-safe: the clear database is copied (VACUUM INTO)
 * into sigacor.db.vault-new through the vault, that file is synced and
 * renamed over sigacor.db, the folder synced.  A kill before the rename
 * leaves the clear profile (the next open starts over), after it the
 * encrypted one.  The clear connection holds the database's exclusive lock
 * in rollback mode from before the copy to after the rename, so no other
 * sigacor process writes into the file being replaced, and neither a WAL
 * nor a rollback journal of the clear file is left to be taken for the
 * new file's. */
#include "config.h"
#include "store.h"
#include "store_int.h"
#include "i18n.h"
#include "common.h"
#include "crashpoint.h"
#include "vault.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static bool remove_if_there(const char *path)
{
	return unlink(path) == 0 || errno == ENOENT;
}

static bool exists(const char *path)
{
	return access(path, F_OK) == 0;
}

static bool sync_file(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool fine = fsync(fd) == 0;
	close(fd);
	return fine;
}

/* "file:" URI of path through the VFS name: the bytes a URI may not hold
 * as they are, %-escaped. */
static bool vault_uri(const char *path, const char *vfs, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "file:");
	for (const unsigned char *c = (const unsigned char *)path; *c != '\0'; c++) {
		bool plain = (*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
			(*c >= '0' && *c <= '9') || strchr("/._-~", *c) != NULL;
		int w = plain ? snprintf(buf + n, len - n, "%c", *c)
			: snprintf(buf + n, len - n, "%%%02X", *c);
		if (w < 0 || (size_t)w >= len - n)
			return false;
		n += (size_t)w;
	}
	int w = snprintf(buf + n, len - n, "?vfs=%s", vfs);
	return w >= 0 && (size_t)w < len - n;
}

static enum store_status copy_failed(struct store *s, sqlite3 *clear, const char *what)
{
	enum store_status st = store_fail(s, STORE_IO, _("Basis data profil belum bisa "
		"dienkripsi (%s: %s); data tetap seperti sebelumnya. Tutup program sigacor lain "
		"yang memakai profil ini, lalu coba lagi."), what, sqlite3_errmsg(clear));
	sqlite3_close(clear);
	return st;
}

/* Hold the clear database alone: rollback mode (its WAL checkpointed and
 * removed), exclusive locking mode, the exclusive lock taken. */
static int hold_alone(sqlite3 *clear)
{
	sqlite3_busy_timeout(clear, STORE_BUSY_MS);
	int rc = sqlite3_exec(clear, "PRAGMA journal_mode = DELETE; PRAGMA locking_mode = EXCLUSIVE;"
		"BEGIN EXCLUSIVE; COMMIT", NULL, NULL, NULL);
	return rc;
}

static enum store_status encrypt_in_place(struct store *s, const char *dbpath)
{
	char fresh[PATH_MAX + 16], fresh_journal[PATH_MAX + 32], wal[PATH_MAX + 8],
		journal[PATH_MAX + 16], uri[3 * PATH_MAX + 128];
	snprintf(fresh, sizeof fresh, "%s.vault-new", dbpath);
	snprintf(fresh_journal, sizeof fresh_journal, "%s-journal", fresh);
	snprintf(wal, sizeof wal, "%s-wal", dbpath);
	snprintf(journal, sizeof journal, "%s-journal", dbpath);
	if (!vault_uri(fresh, vault_vfs_name(s->vault), uri, sizeof uri))
		return store_fail(s, STORE_IO, _("Nama folder data terlalu panjang."));
	if (!remove_if_there(fresh) || !remove_if_there(fresh_journal))
		return store_fail(s, STORE_IO, _("Folder data %s tidak bisa dibuat atau ditulis: %s."),
			s->dir, strerror(errno));
	sqlite3 *clear = NULL;
	if (sqlite3_open_v2(dbpath, &clear, SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI, NULL) !=
		SQLITE_OK)
		return copy_failed(s, clear, "open");
	if (hold_alone(clear) != SQLITE_OK)
		return copy_failed(s, clear, "lock");
	crashpoint("vault.upgrade_locked");
	sqlite3_stmt *st = NULL;
	int page_size = 0;
	if (sqlite3_prepare_v2(clear, "PRAGMA page_size", -1, &st, NULL) == SQLITE_OK &&
		sqlite3_step(st) == SQLITE_ROW)
		page_size = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (page_size != VAULT_PAGE_SIZE)
		return copy_failed(s, clear, "page_size");
	/* the copy gets the vault's reserved bytes for nonce and tag */
	int reserve = VAULT_RESERVE;
	sqlite3_file_control(clear, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
	if (sqlite3_prepare_v2(clear, "VACUUM INTO ?", -1, &st, NULL) != SQLITE_OK)
		return copy_failed(s, clear, "vacuum");
	sqlite3_bind_text(st, 1, uri, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return copy_failed(s, clear, "vacuum");
	crashpoint("vault.upgrade_copied");
	if (exists(wal) || exists(journal) || !sync_file(fresh))
		return copy_failed(s, clear, "sync");
	crashpoint("vault.upgrade_synced");
	if (rename(fresh, dbpath) != 0)
		return copy_failed(s, clear, "rename");
	crashpoint("vault.upgrade_renamed");
	if (!common_fsync_dir(s->dir))
		return copy_failed(s, clear, "rename");
	sqlite3_close(clear);             /* the clear file's last link is gone */
	remove_if_there(fresh_journal);
	return STORE_OK;
}

enum store_status store_vault_open(struct store *s, const char *dbpath,
	const unsigned char key[VAULT_KEY_BYTES])
{
	s->vault = vault_new(key);
	if (s->vault == NULL)
		return store_fail(s, STORE_IO, _("Memori tidak cukup."));
	if (vault_file_is_clear(dbpath)) {
		enum store_status st = encrypt_in_place(s, dbpath);
		if (st != STORE_OK)
			return st;
	}
	int rc = vault_open(s->vault, dbpath, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, &s->db);
	if (rc == SQLITE_NOTADB)
		return store_fail(s, STORE_IO, _("Basis data profil ini tidak terbuka dengan kunci "
			"dari kata sandinya (kunci lain, atau berkas rusak). Tidak ada yang diubah."));
	return rc == SQLITE_OK ? STORE_OK : store_fail_sql(s, rc, "open");
}
