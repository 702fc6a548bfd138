/* backup: `sigacor-server backup` and `restore` of a data folder (the
 * SQLite database and the photos; doc/OPERATIONS.md "Backup").
 *
 * A backup is a data folder of its own: the database copied with SQLite's
 * online backup (one consistent snapshot while the server keeps writing),
 * then every photo and inbox file.  Photos are written before the records
 * that name them and never change (named by their SHA-256), so copying
 * them after the database holds every photo the snapshot names.  It is
 * built under BACKUP.part-PID and renamed whole: a backup cut short (power,
 * kill -9) never looks like one.  --since an earlier backup links the
 * photos it already holds instead of copying them again.
 *
 * restore checks a backup (the database's integrity, every photo its
 * records name present with its size and SHA-256) and makes it the data
 * folder the same way, only where no data folder is. */
#include "config.h"
#include "server.h"
#include "common.h"
#include "admin_int.h"
#include "sdb.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const backup_commands_help = N_(
"Cadangan:\n"
"  backup --data FOLDER --to CADANGAN [--since CADANGAN-LAMA]\n"
"        salin basis data (satu potret; server boleh tetap jalan) dan semua\n"
"        foto ke folder baru; foto yang sudah ada di cadangan lama ditautkan\n"
"  restore --from CADANGAN --data FOLDER [--db 'postgresql://...']\n"
"        periksa cadangan (basis data utuh; tiap foto rekaman ada, ukuran dan\n"
"        SHA-256-nya cocok), lalu jadikan folder data yang baru; cadangan\n"
"        PostgreSQL (pg_dump) dipulihkan ke basis data --db yang masih kosong\n");

#define DB_FILE "server.db"
#define COPY_CHUNK (1 << 16)

struct tree_copy {
	const char *since;           /* an earlier backup to link photos from, or NULL */
	long long files, linked, bytes;
};

static bool say_errno(const char *path)
{
	fprintf(stderr, "sigacor-server: %s: %s\n", path, strerror(errno));
	return false;
}

/* a/b into out; false (ENAMETOOLONG) when it does not fit */
static bool join(char *out, size_t cap, const char *a, const char *b)
{
	int n = b[0] != '\0' ? snprintf(out, cap, "%s/%s", a, b) : snprintf(out, cap, "%s", a);
	if (n > 0 && (size_t)n < cap)
		return true;
	errno = ENAMETOOLONG;
	return false;
}

/* Not copied: the database (copied by SQLite or pg_dump/pg_restore; the
 * connection string stays with its folder: it may hold a password),
 * uploads in progress. */
static bool skipped(const char *name)
{
	return strncmp(name, DB_FILE, strlen(DB_FILE)) == 0 || strcmp(name, "database") == 0
		|| strcmp(name, BACKUP_PG_DUMP) == 0 || strcmp(name, "tmp") == 0
		|| strcmp(name, "partial") == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

static bool copy_file(const char *from, const char *to, long long *bytes)
{
	int in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return say_errno(from);
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		close(in);
		return say_errno(to);
	}
	static char buf[COPY_CHUNK];
	ssize_t n;
	bool ok = true;
	while (ok && (n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		ok = n > 0 && common_write_all(out, buf, (size_t)n);
		*bytes += n > 0 ? n : 0;
	}
	ok = ok && fsync(out) == 0;
	if (!ok)
		say_errno(to);
	close(in);
	return close(out) == 0 && ok;
}

/* The same file in the earlier backup, linked (same name = same photo). */
static bool linked_from_since(const struct tree_copy *t, const char *rel, const char *to,
	const struct stat *st)
{
	char prev[PATH_MAX];
	struct stat ps;
	return t->since != NULL && join(prev, sizeof prev, t->since, rel) && lstat(prev, &ps) == 0
		&& S_ISREG(ps.st_mode) && ps.st_size == st->st_size && link(prev, to) == 0;
}

/* Copies the folder from/rel into to/rel, recursively; folders fsync'd. */
static bool copy_tree(struct tree_copy *t, const char *from, const char *to, const char *rel)
{
	char src[PATH_MAX], dst[PATH_MAX];
	if (!join(src, sizeof src, from, rel) || !join(dst, sizeof dst, to, rel))
		return say_errno(rel);
	if (rel[0] != '\0' && mkdir(dst, 0700) != 0)
		return say_errno(dst);
	DIR *d = opendir(src);
	if (d == NULL)
		return say_errno(src);
	bool ok = true;
	struct dirent *e;
	while (ok && (e = readdir(d)) != NULL) {
		if (skipped(e->d_name))
			continue;
		char child[PATH_MAX], s[PATH_MAX], o[PATH_MAX];
		struct stat st;
		if (!(rel[0] != '\0' ? join(child, sizeof child, rel, e->d_name)
				: join(child, sizeof child, e->d_name, ""))
			|| !join(s, sizeof s, from, child) || !join(o, sizeof o, to, child))
			ok = say_errno(e->d_name);
		else if (lstat(s, &st) != 0)
			ok = errno == ENOENT || say_errno(s);     /* gone meanwhile (inbox expiry) */
		else if (S_ISDIR(st.st_mode))
			ok = copy_tree(t, from, to, child);
		else if (!S_ISREG(st.st_mode))
			continue;                                /* a link or a socket is no data */
		else if (linked_from_since(t, child, o, &st))
			t->linked++;
		else {
			ok = copy_file(s, o, &t->bytes);
			t->files++;
		}
	}
	closedir(d);
	return ok && (common_fsync_dir(dst) || say_errno(dst));
}

/* SQLite's online backup: one read transaction, a consistent snapshot
 * (pg_dump's for a folder on PostgreSQL). */
static bool copy_database(const char *from_dir, const char *to_dir)
{
	char *conninfo = db_pg_conninfo(from_dir);
	if (conninfo != NULL) {
		bool dumped = backup_pg_dump(conninfo, to_dir);
		free(conninfo);
		return dumped;
	}
	char from[PATH_MAX], to[PATH_MAX];
	if (!join(from, sizeof from, from_dir, DB_FILE) || !join(to, sizeof to, to_dir, DB_FILE))
		return say_errno(to_dir);
	sdb *src = NULL, *dst = NULL;
	bool ok = sdb_sqlite_open(from, &src, SDB_SQLITE_OPEN_READONLY) == SDB_OK
		&& sdb_sqlite_open(to, &dst, SDB_SQLITE_OPEN_READWRITE | SDB_SQLITE_OPEN_CREATE) == SDB_OK;
	if (ok) {
		sdb_sqlite_busy_timeout(src, 10000);
		ok = sdb_sqlite_backup(src, dst);
		ok = ok && sdb_exec(dst, "PRAGMA wal_checkpoint(TRUNCATE)", NULL) == SDB_OK;
	}
	if (!ok)
		fprintf(stderr, "sigacor-server: %s: %s\n", from,
			dst != NULL && sdb_errcode(dst) != SDB_OK ? sdb_errmsg(dst)
			: src != NULL ? sdb_errmsg(src) : "out of memory");
	sdb_close(dst);
	sdb_close(src);
	if (ok) {
		/* the pages are on disk before the folder is named a backup */
		int fd = open(to, O_RDONLY | O_CLOEXEC);
		ok = fd >= 0 && fsync(fd) == 0;
		if (fd >= 0)
			close(fd);
	}
	return ok;
}

/* an empty folder (systemd's StateDirectory=, a fresh mount point) may be
 * the destination: rename(2) replaces it */
static bool empty_folder(const char *path)
{
	DIR *d = opendir(path);
	if (d == NULL)
		return false;
	struct dirent *e;
	bool empty = true;
	while (empty && (e = readdir(d)) != NULL)
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(d);
	return empty;
}

/* from (its database and files) into a new folder to, named only when
 * whole; restore_db: a backup on PostgreSQL is restored into that database */
static bool make_copy(const char *from, const char *to, const char *since, const char *restore_db,
	struct tree_copy *t)
{
	char part[PATH_MAX], parent[PATH_MAX];
	struct stat st;
	if (lstat(to, &st) == 0 && !empty_folder(to)) {
		fprintf(stderr, _("sigacor-server: %s sudah ada dan tidak kosong; tidak ada yang "
			"ditimpa.\n"), to);
		return false;
	}
	int n = snprintf(part, sizeof part, "%s.part-%ld", to, (long)getpid());
	if (n <= 0 || (size_t)n >= sizeof part || mkdir(part, 0700) != 0)
		return say_errno(to);
	memset(t, 0, sizeof *t);
	t->since = since;
	bool ok = (restore_db != NULL ? backup_pg_restore(from, restore_db, part)
			: copy_database(from, part)) && copy_tree(t, from, part, "")
		&& (rename(part, to) == 0 || say_errno(to));
	snprintf(parent, sizeof parent, "%s", to);
	char *slash = strrchr(parent, '/');
	if (slash != NULL)
		*(slash == parent ? slash + 1 : slash) = '\0';
	else
		snprintf(parent, sizeof parent, ".");
	if (ok && !common_fsync_dir(parent))
		ok = say_errno(parent);
	if (!ok)
		fprintf(stderr, _("sigacor-server: salinan tidak selesai; %s ditinggalkan untuk "
			"diperiksa atau dihapus.\n"), part);
	return ok;
}

int admin_backup(int argc, char **argv)
{
	struct admin_options o;
	if (!admin_parse(argc, argv, 0, &o))
		return 2;
	if (o.to == NULL) {
		fprintf(stderr, "%s\n", _("sigacor-server backup: --to FOLDER wajib diisi"));
		return 2;
	}
	struct tree_copy t;
	if (!make_copy(o.dir, o.to, o.since, NULL, &t))
		return 1;
	printf(_("cadangan di %s: basis data, %lld file disalin (%.1f MB), %lld ditautkan dari "
		"cadangan sebelumnya\n"), o.to, t.files, (double)t.bytes / 1e6, t.linked);
	return 0;
}

/* ---------------------------------------------------------------- restore */

/* The photo file holds what its name says (size and SHA-256). */
static bool photo_intact(const char *dir, const char *sha256, long long size)
{
	char path[PATH_MAX];
	if (!blob_path(dir, sha256, path, sizeof path))
		return false;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct util_sha256 h;
	static unsigned char buf[COPY_CHUNK];
	long long total = 0;
	ssize_t n = -1;
	if (util_sha256_init(&h))
		while ((n = read(fd, buf, sizeof buf)) > 0) {
			util_sha256_update(&h, buf, (size_t)n);
			total += n;
		}
	close(fd);
	char hex[65];
	return util_sha256_final(&h, hex) && n == 0 && total == size && strcmp(hex, sha256) == 0;
}

struct photo_check {
	const char *dir;
	long long photos, missing;
};

static bool check_photo(const char *sha256, long long size, void *ctx)
{
	struct photo_check *c = ctx;
	c->photos++;
	if (!photo_intact(c->dir, sha256, size) && c->missing++ < MAX_SHOWN_PROBLEMS)
		fprintf(stderr, _("foto %s hilang atau rusak di cadangan\n"), sha256);
	return true;
}

/* the dump reads back whole, and every photo a record names is there */
static bool pg_backup_sound(const char *dir)
{
	struct photo_check c = { dir, 0, 0 };
	if (!backup_pg_readable(dir) || !backup_pg_photos(dir, check_photo, &c)) {
		fprintf(stderr, _("sigacor-server: %s: basis data cadangan rusak atau tidak ada.\n"), dir);
		return false;
	}
	if (c.missing > 0)
		fprintf(stderr, _("sigacor-server: %lld dari %lld foto hilang atau rusak; tidak ada yang "
			"dipulihkan.\n"), c.missing, c.photos);
	return c.missing == 0;
}

/* The backup's database is whole, and every photo a record names is there. */
static bool backup_sound(const char *dir)
{
	if (backup_pg_has_dump(dir))
		return pg_backup_sound(dir);
	char path[PATH_MAX];
	sdb *db = NULL;
	sdb_stmt *st = NULL;
	bool ok = join(path, sizeof path, dir, DB_FILE) && sdb_sqlite_open(path, &db, SDB_SQLITE_OPEN_READONLY) == SDB_OK
		&& sdb_prepare(db, "PRAGMA integrity_check", -1, &st, NULL) == SDB_OK
		&& sdb_step(st) == SDB_ROW
		&& strcmp((const char *)sdb_column_text(st, 0), "ok") == 0;
	sdb_finalize(st);
	st = NULL;
	if (!ok) {
		fprintf(stderr, _("sigacor-server: %s: basis data cadangan rusak atau tidak ada.\n"), path);
		sdb_close(db);
		return false;
	}
	long long photos = 0, missing = 0;
	ok = sdb_prepare(db, "SELECT DISTINCT sha256, size FROM verification_photos",
		-1, &st, NULL) == SDB_OK;
	while (ok && sdb_step(st) == SDB_ROW) {
		const char *sha = (const char *)sdb_column_text(st, 0);
		photos++;
		if (!photo_intact(dir, sha, sdb_column_int64(st, 1)) && missing++ < MAX_SHOWN_PROBLEMS)
			fprintf(stderr, _("foto %s hilang atau rusak di cadangan\n"), sha);
	}
	sdb_finalize(st);
	sdb_close(db);
	if (missing > 0)
		fprintf(stderr, _("sigacor-server: %lld dari %lld foto hilang atau rusak; tidak ada yang "
			"dipulihkan.\n"), missing, photos);
	return ok && missing == 0;
}

int admin_restore(int argc, char **argv)
{
	struct admin_options o;
	if (!admin_parse(argc, argv, 0, &o))
		return 2;
	if (o.from == NULL) {
		fprintf(stderr, "%s\n", _("sigacor-server restore: --from FOLDER wajib diisi"));
		return 2;
	}
	bool pg = backup_pg_has_dump(o.from);
	if (pg && o.db == NULL) {
		fprintf(stderr, "%s\n", _("sigacor-server restore: cadangan ini dari PostgreSQL; "
			"--db 'postgresql://...' (basis data baru yang kosong) wajib diisi"));
		return 2;
	}
	struct tree_copy t;
	if (!backup_sound(o.from) || !make_copy(o.from, o.dir, NULL, pg ? o.db : NULL, &t))
		return 1;
	printf(_("dipulihkan ke %s dari %s: basis data dan %lld file; jalankan serve dengan "
		"--data %s\n"), o.dir, o.from, t.files, o.dir);
	return 0;
}
