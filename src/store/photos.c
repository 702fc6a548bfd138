/* store/photos: photo files in the profile by content hash, and the rows
 * that attach them to records.
 *
 * A file goes in as photos/ab/abcdef….jpg: copied to a temp file in that
 * folder, fsync'ed, renamed, and the folder fsync'ed, all before any row can
 * name it.  So after a power cut a row never names a missing or half file;
 * at worst a file has no row (cleaned by store_photo_discard or kept).
 *
 * In a keyed store (store_open_keyed) the file is sealed (vault_seal_file:
 * written the same crash-safe way) under a name that is the keyed hash of
 * the photo's SHA-256 (vault_file_name): photos/xy/xyz….sgv.  The SHA-256
 * itself stays in the database (the protocol names photos by it); the same
 * photo gets the same name, so dedup works as before.  Every reader gets
 * the clear bytes from store_photo_bytes, never from the file. */
#include "config.h"
#include "store.h"
#include "format.h"
#include "store_int.h"
#include "i18n.h"
#include "photo.h"
#include "vault.h"
#include "crashpoint.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define COPY_CHUNK 65536
/* A temp file this old belongs to no running import: a crash left it. */
#define STALE_TEMP_SECONDS 3600
#define TEMP_PREFIX ".tmp-"
/* vault_seal_file's temp files: "<name>.tmp-<pid>" */
#define SEALED_TEMP_MARK ".tmp-"
#define CLEAR_SUFFIX ".jpg"
#define SEALED_SUFFIX ".sgv"
/* meta: every clear photo file of a previous release is sealed */
#define META_PHOTOS_SEALED "photos.sealed"

static bool clear_photo_path(const struct store *s, const char *sha256, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%.2s/%s" CLEAR_SUFFIX, s->photos, sha256, sha256);
	return n > 0 && (size_t)n < len;
}

bool store_photo_path(const struct store *s, const char *sha256, char *buf, size_t len)
{
	if (!format_sha256_hex(sha256))
		return false;
	if (s->vault == NULL)
		return clear_photo_path(s, sha256, buf, len);
	unsigned char digest[crypto_hash_sha256_BYTES];
	char name[VAULT_NAME_HEX];
	if (sodium_hex2bin(digest, sizeof digest, sha256, 64, NULL, NULL, NULL) != 0)
		return false;
	vault_file_name(s->vault, digest, sizeof digest, name);
	int n = snprintf(buf, len, "%s/%.2s/%s" SEALED_SUFFIX, s->photos, name, name);
	return n > 0 && (size_t)n < len;
}

bool store_is_keyed(const struct store *s)
{
	return s->vault != NULL;
}

/* The size on disk of a stored photo of size clear bytes. */
static int64_t disk_size(const struct store *s, int64_t size)
{
	return s->vault == NULL || size < 0 ? size : (int64_t)vault_sealed_size((size_t)size);
}

/* The folder of the file path (photos/ab), made durable before a file is
 * put in it; into buf. */
static bool shard_dir(struct store *s, const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL || (size_t)(slash - path) >= len)
		return false;
	memcpy(buf, path, (size_t)(slash - path));
	buf[slash - path] = '\0';
	if (mkdir(buf, 0700) == 0) {
		crashpoint("photo.shard_made");
		return common_fsync_dir(s->photos);
	}
	return errno == EEXIST;
}

/* A photo to import that this keyed profile sealed (a photo of the phone's
 * inbox): its clear bytes, or data NULL for any other file (read by path). */
struct opened {
	unsigned char *data;
	size_t len;
};

static bool copy_fd(int in, int out, int64_t *copied)
{
	unsigned char *buf = malloc(COPY_CHUNK);
	bool ok = buf != NULL;
	*copied = 0;
	while (ok) {
		ssize_t r = read(in, buf, COPY_CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ok = r == 0;
			break;
		}
		*copied += r;
		ok = *copied <= PHOTO_MAX_BYTES && common_write_all(out, buf, (size_t)r);
	}
	free(buf);
	return ok;
}

/* Write the photo (the bytes of copy, else the file at path) to a temp file
 * beside dest, check it is byte for byte what was hashed, make it durable
 * and rename it into place. */
static enum store_status copy_in(struct store *s, const char *path,
	const struct photo_copy *copy, const char *name, const char *sha256, int64_t size,
	const char *dest)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	if (!shard_dir(s, dest, dir, sizeof dir) ||
		snprintf(tmp, sizeof tmp, "%s/" TEMP_PREFIX "XXXXXX", dir) >= (int)sizeof tmp)
		return store_fail(s, STORE_IO, _("Folder foto %s tidak bisa ditulis: %s."),
			s->photos, strerror(errno));
	int in = copy->data != NULL ? -1 : open(path, O_RDONLY | O_CLOEXEC);
	if (copy->data == NULL && in < 0)
		return store_fail(s, STORE_REJECTED, _("Foto %s: %s"), name,
			gettext(photo_error_message(PHOTO_ERR_OPEN)));
	int out = mkostemp(tmp, O_CLOEXEC);
	if (out < 0) {
		if (in >= 0)
			close(in);
		return store_fail(s, STORE_IO, _("Folder foto %s tidak bisa ditulis: %s."),
			dir, strerror(errno));
	}
	int64_t copied = (int64_t)copy->len;
	bool ok = in >= 0 ? copy_fd(in, out, &copied) : common_write_all(out, copy->data, copy->len);
	int err = errno;
	if (ok && fsync(out) != 0) {
		ok = false;
		err = errno;
	}
	if (close(out) != 0 && ok) {
		ok = false;
		err = errno;
	}
	if (in >= 0)
		close(in);
	char got[PHOTO_SHA256_HEX] = "";
	if (ok && (copied != size || !photo_sha256_file(tmp, got) ||
		strcmp(got, sha256) != 0)) {
		unlink(tmp);
		return store_fail(s, STORE_REJECTED, _("Foto %s berubah saat disalin; "
			"lampirkan sekali lagi."), name);
	}
	if (ok)
		crashpoint("photo.copied");
	if (ok && common_rename_durable(tmp, dest, "photo.renamed"))
		return STORE_OK;
	if (ok)
		err = errno;
	unlink(tmp);
	if (err == ENOSPC || err == EDQUOT)
		return store_disk_full(s);
	return store_fail(s, STORE_IO, _("Foto %s gagal disimpan ke %s: %s."), name, dir,
		strerror(err));
}

/* The keyed store's copy_in: the photo (the bytes of copy, else those of
 * the sealed file opened, else the file at path) checked against what was
 * hashed and sealed to dest. */
static enum store_status seal_in(struct store *s, const char *path, const struct opened *in,
	const struct photo_copy *copy, const char *name, const char *sha256, int64_t size,
	const char *dest)
{
	unsigned char *own = NULL;
	const unsigned char *data = copy->data != NULL ? copy->data : in->data;
	size_t len = copy->data != NULL ? copy->len : in->len;
	if (data == NULL && !photo_load_file(path, &own, &len))
		return store_fail(s, STORE_REJECTED, _("Foto %s: %s"), name,
			gettext(photo_error_message(PHOTO_ERR_OPEN)));
	if (data == NULL)
		data = own;
	char got[PHOTO_SHA256_HEX], dir[PATH_MAX];
	photo_sha256_buffer(data, len, got);
	enum store_status st = STORE_OK;
	if ((int64_t)len != size || strcmp(got, sha256) != 0)
		st = store_fail(s, STORE_REJECTED, _("Foto %s berubah saat disalin; "
			"lampirkan sekali lagi."), name);
	else if (!shard_dir(s, dest, dir, sizeof dir) || !vault_seal_file(s->vault, dest, data, len))
		st = errno == ENOSPC || errno == EDQUOT ? store_disk_full(s)
			: store_fail(s, STORE_IO, _("Foto %s gagal disimpan ke %s: %s."), name,
				s->photos, strerror(errno));
	if (own != NULL)
		sodium_memzero(own, len);
	free(own);
	return st;
}

/* The file name the clerk picked, as text safe to show (not the path). */
static void display_name(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	const char *base = slash != NULL && slash[1] != '\0' ? slash + 1 : path;
	size_t n = strlen(base);
	if (n >= len) {
		n = len - 1;
		while (n > 0 && ((unsigned char)base[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(buf, base, n);
	buf[n] = '\0';
	if (!format_text(buf, false))
		for (char *p = buf; *p != '\0'; p++)
			if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7F)
				*p = '?';
}

/* The copy kept of a photo: smaller when it is large (doc/PHOTOS.md), its
 * hash and size in sha256/size. */
static enum store_status make_copy(struct store *s, const char *path,
	const struct opened *in, const char *name, const struct photo_facts *facts,
	struct photo_copy *copy, char sha256[PHOTO_SHA256_HEX], int64_t *size)
{
	struct photo_copy_options opt = { PHOTO_COPY_LONG_SIDE, PHOTO_COPY_QUALITY };
	enum photo_error pe = in->data != NULL
		? photo_copy_make_buffer(in->data, in->len, facts, &opt, copy)
		: photo_copy_make(path, facts, &opt, copy);
	if (pe != PHOTO_ERR_NONE)
		return store_fail(s, STORE_REJECTED, _("Foto %s: %s"), name,
			gettext(photo_error_message(pe)));
	if (copy->data == NULL) {
		memcpy(sha256, facts->sha256, PHOTO_SHA256_HEX);
		*size = facts->size;
	} else {
		photo_sha256_buffer(copy->data, copy->len, sha256);
		*size = (int64_t)copy->len;
	}
	return STORE_OK;
}

static enum store_status import_opened(struct store *s, const char *path,
	const struct opened *in, const char *name, struct record_photo *slot);

enum store_status store_photo_import(struct store *s, const char *path,
	struct record_photo *slot)
{
	char name[sizeof slot->original_name];
	display_name(path, name, sizeof name);
	struct opened in = { NULL, 0 };
	if (store_file_sealed(s, path) && store_file_bytes(s, path, &in.data, &in.len) != STORE_OK)
		return STORE_REJECTED;
	enum store_status st = import_opened(s, path, &in, name, slot);
	if (in.data != NULL)
		sodium_memzero(in.data, in.len);
	free(in.data);
	return st;
}

static enum store_status import_opened(struct store *s, const char *path,
	const struct opened *in, const char *name, struct record_photo *slot)
{
	struct photo_facts facts;
	enum photo_error pe = in->data != NULL
		? photo_read_buffer(in->data, in->len, PHOTO_READ_EXIF | PHOTO_READ_HASH, &facts)
		: photo_read(path, PHOTO_READ_EXIF | PHOTO_READ_HASH, &facts);
	if (pe == PHOTO_ERR_NONE && facts.type != PHOTO_TYPE_JPEG)
		pe = PHOTO_ERR_NOT_JPEG;
	if (pe != PHOTO_ERR_NONE)
		return store_fail(s, STORE_REJECTED, _("Foto %s: %s"), name,
			gettext(photo_error_message(pe)));
	struct photo_copy copy;
	char sha256[PHOTO_SHA256_HEX];
	int64_t size = 0;
	enum store_status st = make_copy(s, path, in, name, &facts, &copy, sha256, &size);
	if (st != STORE_OK)
		return st;
	char dest[PATH_MAX];
	struct stat sb;
	if (!store_photo_path(s, sha256, dest, sizeof dest))
		st = store_fail(s, STORE_IO, _("Nama folder data terlalu panjang."));
	/* the same content is already here: reuse it (a damaged copy of the
	 * wrong size is replaced) */
	else if (!(stat(dest, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == disk_size(s, size)))
		st = s->vault != NULL ? seal_in(s, path, in, &copy, name, sha256, size, dest)
			: copy_in(s, path, &copy, name, sha256, size, dest);
	photo_copy_free(&copy);
	if (st != STORE_OK)
		return st;
	memset(slot, 0, sizeof *slot);
	slot->attached = true;
	memcpy(slot->sha256, sha256, sizeof slot->sha256);
	slot->size = size;
	memcpy(slot->original_sha256, facts.sha256, sizeof slot->original_sha256);
	slot->original_size = facts.size;
	slot->original_width = copy.orig_width;
	slot->original_height = copy.orig_height;
	slot->has_gps = facts.gps.present;
	if (slot->has_gps) {
		slot->lat = facts.gps.lat;
		slot->lon = facts.gps.lon;
	}
	store_copy(slot->taken_at, sizeof slot->taken_at, facts.taken_at);
	memcpy(slot->original_name, name, sizeof slot->original_name);
	return STORE_OK;
}

enum store_status store_photos_check(struct store *s, const struct record *r)
{
	for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
		const struct record_photo *p = &r->photos[k];
		if (!p->attached)
			continue;
		char path[PATH_MAX];
		struct stat sb;
		if (!store_photo_path(s, p->sha256, path, sizeof path) || p->size <= 0 ||
			stat(path, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size != disk_size(s, p->size))
			return store_fail(s, STORE_REJECTED, _("Foto %s (%s) belum tersimpan di "
				"folder data; lampirkan ulang."), record_photo_kind_code(k),
				p->original_name);
	}
	return STORE_OK;
}

enum store_status store_photos_write(struct store *s, const struct record *r)
{
	sqlite3_stmt *del, *ins;
	enum store_status st = store_prepare(s, "DELETE FROM record_photos WHERE uuid = ?", &del);
	if (st != STORE_OK)
		return st;
	store_bind_text(del, 1, r->uuid);
	if ((st = store_run(s, del, "record_photos")) != STORE_OK)
		return st;
	if ((st = store_prepare(s, "INSERT INTO record_photos (uuid, kind, sha256, size,"
		" has_gps, lat, lon, taken_at, original_name, original_sha256, original_size,"
		" original_width, original_height) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		&ins)) != STORE_OK)
		return st;
	for (int k = 0; k < PHOTO_KIND_COUNT && st == STORE_OK; k++) {
		const struct record_photo *p = &r->photos[k];
		if (!p->attached)
			continue;
		sqlite3_reset(ins);
		sqlite3_clear_bindings(ins);
		store_bind_text(ins, 1, r->uuid);
		store_bind_text(ins, 2, record_photo_kind_code(k));
		store_bind_text(ins, 3, p->sha256);
		sqlite3_bind_int64(ins, 4, p->size);
		sqlite3_bind_int(ins, 5, p->has_gps);
		if (p->has_gps) {
			sqlite3_bind_double(ins, 6, p->lat);
			sqlite3_bind_double(ins, 7, p->lon);
		}
		store_bind_text(ins, 8, p->taken_at);
		store_bind_text(ins, 9, p->original_name);
		store_bind_text(ins, 10, p->original_sha256);
		sqlite3_bind_int64(ins, 11, p->original_size);
		sqlite3_bind_int(ins, 12, p->original_width);
		sqlite3_bind_int(ins, 13, p->original_height);
		int rc = sqlite3_step(ins);
		if (rc != SQLITE_DONE)
			st = store_fail_sql(s, rc, "record_photos");
	}
	sqlite3_finalize(ins);
	return st;
}

enum store_status store_photos_load(struct store *s, const char *uuid, struct record *r)
{
	memset(r->photos, 0, sizeof r->photos);
	sqlite3_stmt *st;
	enum store_status rc = store_stmt_get(s, STMT_PHOTOS_LOAD, "SELECT kind, sha256, size,"
		" has_gps, lat, lon,"
		" taken_at, original_name, original_sha256, original_size, original_width,"
		" original_height FROM record_photos WHERE uuid = ?", &st);
	if (rc != STORE_OK)
		return rc;
	store_bind_text(st, 1, uuid);
	int step;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		enum photo_kind k;
		if (!record_photo_kind_parse((const char *)sqlite3_column_text(st, 0), &k))
			continue;
		struct record_photo *p = &r->photos[k];
		p->attached = true;
		store_column_text(st, 1, p->sha256, sizeof p->sha256);
		p->size = sqlite3_column_int64(st, 2);
		p->has_gps = sqlite3_column_int(st, 3) != 0;
		p->lat = sqlite3_column_double(st, 4);
		p->lon = sqlite3_column_double(st, 5);
		store_column_text(st, 6, p->taken_at, sizeof p->taken_at);
		store_column_text(st, 7, p->original_name, sizeof p->original_name);
		store_column_text(st, 8, p->original_sha256, sizeof p->original_sha256);
		p->original_size = sqlite3_column_int64(st, 9);
		p->original_width = sqlite3_column_int(st, 10);
		p->original_height = sqlite3_column_int(st, 11);
	}
	if (step != SQLITE_DONE)
		rc = store_fail_sql(s, step, "record_photos");
	store_stmt_put(s, st);
	return rc;
}

enum store_status store_photo_discard(struct store *s, const char *sha256)
{
	char path[PATH_MAX], dir[PATH_MAX];
	if (!store_photo_path(s, sha256, path, sizeof path))
		return store_fail(s, STORE_REJECTED, _("Kode foto tidak sah."));
	/* under the write lock, so no save can attach the file meanwhile */
	enum store_status st = store_begin(s);
	if (st != STORE_OK)
		return st;
	sqlite3_stmt *q;
	if ((st = store_prepare(s, "SELECT 1 FROM record_photos WHERE sha256 = ? LIMIT 1", &q))
		!= STORE_OK) {
		store_rollback(s);
		return st;
	}
	store_bind_text(q, 1, sha256);
	int step = sqlite3_step(q);
	sqlite3_finalize(q);
	if (step == SQLITE_DONE && unlink(path) == 0) {
		memcpy(dir, path, sizeof dir);
		*strrchr(dir, '/') = '\0';
		common_fsync_dir(dir);
	}
	store_rollback(s);
	return step == SQLITE_ROW || step == SQLITE_DONE ? STORE_OK
		: store_fail_sql(s, step, "record_photos");
}

static void tidy_shard(const char *dir, time_t now)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, TEMP_PREFIX, strlen(TEMP_PREFIX)) != 0 &&
			strstr(e->d_name, SEALED_TEMP_MARK) == NULL)
			continue;
		char path[PATH_MAX];
		struct stat sb;
		if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path &&
			lstat(path, &sb) == 0 && S_ISREG(sb.st_mode) &&
			now - sb.st_mtime > STALE_TEMP_SECONDS)
			unlink(path);
	}
	closedir(d);
}

void store_photos_tidy(struct store *s)
{
	DIR *d = opendir(s->photos);
	if (d == NULL)
		return;
	time_t now = (time_t)store_now();
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (strlen(e->d_name) != 2 || e->d_name[0] == '.')
			continue;
		char dir[PATH_MAX];
		if (snprintf(dir, sizeof dir, "%s/%s", s->photos, e->d_name) < (int)sizeof dir)
			tidy_shard(dir, now);
	}
	closedir(d);
}

static enum store_status photo_bytes(struct store *s, const char *sha256, bool check_hash,
	unsigned char **data, size_t *len)
{
	char path[PATH_MAX];
	*data = NULL;
	*len = 0;
	if (!store_photo_path(s, sha256, path, sizeof path))
		return store_fail(s, STORE_REJECTED, _("Kode foto tidak sah."));
	if (access(path, F_OK) != 0)
		return store_fail(s, STORE_NOT_FOUND, _("File foto %.12s… tidak ada lagi di "
			"laptop ini."), sha256);
	bool read = s->vault != NULL ? vault_open_file(s->vault, path, data, len)
		: photo_load_file(path, data, len);
	if (!read && s->vault == NULL)
		return store_fail(s, STORE_IO, _("File foto %.12s… tidak bisa dibaca: %s."),
			sha256, strerror(errno));
	char got[PHOTO_SHA256_HEX] = "";
	if (read && check_hash)
		photo_sha256_buffer(*data, *len, got);
	if (read && (!check_hash || strcmp(got, sha256) == 0))
		return STORE_OK;
	free(*data);
	*data = NULL;
	*len = 0;
	/* a sealed file that does not open was changed, cut or replaced: the
	 * same words as a clear file whose hash is wrong */
	return store_fail(s, STORE_REJECTED, _("File foto %.12s… berubah atau rusak di "
		"laptop ini."), sha256);
}

enum store_status store_photo_bytes(struct store *s, const char *sha256, unsigned char **data,
	size_t *len)
{
	return photo_bytes(s, sha256, true, data, len);
}

enum store_status store_photo_bytes_unchecked(struct store *s, const char *sha256,
	unsigned char **data, size_t *len)
{
	return photo_bytes(s, sha256, false, data, len);
}

/* ---- a keyed profile's clear photo files of a previous release ---- */

/* photos/ab/<sha256>.jpg: sealed under its keyed name first, removed only
 * then.  A kill leaves the clear file (sealed anew next time), or both
 * (the clear one goes next time), never neither.  The rows name the
 * SHA-256, which stays: nothing in the database changes. */
static bool seal_clear_file(struct store *s, const char *clear, const char *sha256)
{
	char sealed[PATH_MAX], dir[PATH_MAX];
	struct stat sb;
	if (!store_photo_path(s, sha256, sealed, sizeof sealed))
		return false;
	if (stat(sealed, &sb) != 0) {
		unsigned char *data;
		size_t len;
		if (!photo_load_file(clear, &data, &len))
			return false;
		bool fine = shard_dir(s, sealed, dir, sizeof dir) &&
			vault_seal_file(s->vault, sealed, data, len);
		sodium_memzero(data, len);
		free(data);
		if (!fine)
			return false;
	}
	crashpoint("photo.sealed_beside_clear");
	if (unlink(clear) != 0)
		return false;
	crashpoint("photo.clear_removed");
	snprintf(dir, sizeof dir, "%s", clear);
	*strrchr(dir, '/') = '\0';
	return common_fsync_dir(dir);
}

static bool clear_photo_name(const char *name, char sha256[PHOTO_SHA256_HEX])
{
	size_t n = strlen(name);
	if (n != 64 + strlen(CLEAR_SUFFIX) || strcmp(name + 64, CLEAR_SUFFIX) != 0)
		return false;
	memcpy(sha256, name, 64);
	sha256[64] = '\0';
	return format_sha256_hex(sha256);
}

/* Seal the clear photos of one shard folder; false when one stays clear. */
static bool seal_clear_shard(struct store *s, const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL)
		return false;
	bool all = true;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char sha256[PHOTO_SHA256_HEX], path[PATH_MAX];
		if (clear_photo_name(e->d_name, sha256) &&
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name) < (int)sizeof path)
			all = seal_clear_file(s, path, sha256) && all;
	}
	closedir(d);
	return all;
}

enum store_status store_photos_seal_clear(struct store *s)
{
	if (s->vault == NULL || store_meta_int(s, META_PHOTOS_SEALED) == 1)
		return STORE_OK;
	DIR *d = opendir(s->photos);
	if (d == NULL)
		return store_fail(s, STORE_IO, _("Folder foto %s tidak bisa ditulis: %s."),
			s->photos, strerror(errno));
	bool all = true;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		char dir[PATH_MAX];
		if (strlen(e->d_name) == 2 && e->d_name[0] != '.' &&
			snprintf(dir, sizeof dir, "%s/%s", s->photos, e->d_name) < (int)sizeof dir)
			all = seal_clear_shard(s, dir) && all;
	}
	closedir(d);
	/* one left clear (unreadable, disk full): looked at again next open */
	if (!all)
		return store_fail(s, STORE_IO, _("Sebagian foto lama di %s belum bisa dienkripsi; "
			"dicoba lagi saat profil dibuka berikutnya."), s->photos);
	enum store_status st = store_begin(s);
	if (st == STORE_OK)
		st = store_finish(s, store_meta_put_int(s, META_PHOTOS_SEALED, 1));
	return st;
}

/* ---- other files of the profile that hold photos (the phone's inbox) ---- */

/* path lies in the profile folder (a file the clerk asked for elsewhere
 * stays clear: that is where the clerk wanted it) */
static bool in_profile(const struct store *s, const char *path)
{
	size_t n = strlen(s->dir);
	return strncmp(path, s->dir, n) == 0 && path[n] == '/' && strstr(path, "/../") == NULL;
}

bool store_file_write(struct store *s, const char *path, const void *data, size_t len)
{
	if (s->vault != NULL && in_profile(s, path))
		return vault_seal_file(s->vault, path, data, len);
	return common_write_file(path, data, len);
}

bool store_file_has(const struct store *s, const char *path, int64_t len)
{
	struct stat sb;
	int64_t want = s->vault != NULL && in_profile(s, path) ? disk_size(s, len) : len;
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size == want;
}

bool store_file_sealed(const struct store *s, const char *path)
{
	return s != NULL && s->vault != NULL && vault_file_is_sealed(path);
}

enum store_status store_file_bytes(struct store *s, const char *path, unsigned char **data,
	size_t *len)
{
	char name[RECORD_NAME_MAX];
	display_name(path, name, sizeof name);
	bool sealed = store_file_sealed(s, path);
	if (sealed ? vault_open_file(s->vault, path, data, len) : photo_load_file(path, data, len))
		return STORE_OK;
	if (sealed)
		return store_fail(s, STORE_REJECTED, _("Foto %s berubah atau rusak di laptop ini "
			"(tidak terbuka dengan kunci profil); ambil ulang dari ponsel."), name);
	return store_fail(s, STORE_REJECTED, _("Foto %s: %s"), name,
		gettext(photo_error_message(PHOTO_ERR_OPEN)));
}

bool store_file_sha256(struct store *s, const char *path, char out[PHOTO_SHA256_HEX])
{
	if (!store_file_sealed(s, path))
		return photo_sha256_file(path, out);
	unsigned char *data;
	size_t len;
	if (store_file_bytes(s, path, &data, &len) != STORE_OK)
		return false;
	photo_sha256_buffer(data, len, out);
	sodium_memzero(data, len);
	free(data);
	return true;
}
