/* blobs: photos stored by content hash, DIR/blobs/ab/<sha256>.
 *
 * An upload streams into DIR/blobs/partial/<sha256> while being hashed; only
 * when the hash matches the name and the bytes start like a JPEG is the file
 * fsync'd, renamed into place and the folder fsync'd.  A server killed at
 * any moment leaves either the whole photo or nothing under its final name.
 * An upload cut short leaves its partial file, which a later PUT with
 * Upload-Offset continues (doc/PROTOCOL.md "Resuming a photo"): the bytes
 * already there are hashed again, so what is finally renamed is checked
 * whole, whatever happened between the pieces.  One upload at a time writes
 * a partial file (flock).  The phone's inbox upload (blob_upload_begin_unnamed)
 * is named only when whole, so it goes to DIR/blobs/tmp and a cut one is gone. */
#include "config.h"
#include "server.h"
#include "common.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

struct blob_upload {
	int fd;
	char sha256[PROTO_SHA256_LEN + 1];
	char tmp_path[4096];
	char dir_path[4096];            /* DIR/blobs/ab */
	char final_path[4096 + 128];
	char root[4096];                /* DIR, for a photo named only when whole */
	struct util_sha256 hash;
	long long size;
	unsigned char head[3];          /* first bytes, for the JPEG check */
	bool failed;
};

/* DIR/blobs/ab and DIR/blobs/ab/<sha256>; false when they do not fit */
static bool blob_paths(const char *dir, const char *sha256, char *sub, size_t sub_cap,
	char *path, size_t path_cap)
{
	int a = snprintf(sub, sub_cap, "%s/blobs/%.2s", dir, sha256);
	int b = snprintf(path, path_cap, "%s/%s", sub, sha256);
	return a > 0 && (size_t)a < sub_cap && b > 0 && (size_t)b < path_cap;
}

bool blob_path(const char *dir, const char *sha256, char *path, size_t cap)
{
	char sub[4096];
	return blob_paths(dir, sha256, sub, sizeof sub, path, cap);
}

bool blob_exists(const char *dir, const char *sha256, long long *size)
{
	char sub[4096], path[4096];
	struct stat st;
	if (!blob_paths(dir, sha256, sub, sizeof sub, path, sizeof path)
		|| stat(path, &st) != 0 || !S_ISREG(st.st_mode))
		return false;
	if (size != NULL)
		*size = (long long)st.st_size;
	return true;
}

static bool partial_path(const char *dir, const char *sha256, char *path, size_t cap,
	bool make_dir)
{
	int n = snprintf(path, cap, "%s/blobs/partial", dir);
	if (n <= 0 || (size_t)n >= cap)
		return false;
	if (make_dir && mkdir(path, 0700) != 0 && errno != EEXIST)
		return false;
	n = snprintf(path, cap, "%s/blobs/partial/%s", dir, sha256);
	return n > 0 && (size_t)n < cap;
}

long long blob_partial_size(const char *dir, const char *sha256)
{
	char path[4096];
	struct stat st;
	if (!partial_path(dir, sha256, path, sizeof path, false) || lstat(path, &st) != 0 ||
		!S_ISREG(st.st_mode))
		return -1;
	return (long long)st.st_size;
}

/* The bytes already in the partial file into the hash (and the JPEG check's
 * first bytes), leaving the file offset at its end. */
static bool rehash(struct blob_upload *u, long long held)
{
	unsigned char buf[65536];
	long long done = 0;
	while (done < held) {
		ssize_t n = pread(u->fd, buf, sizeof buf, (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		for (ssize_t i = 0; i < n && done + i < 3; i++)
			u->head[done + i] = buf[i];
		util_sha256_update(&u->hash, buf, (size_t)n);
		done += n;
	}
	u->size = held;
	return lseek(u->fd, (off_t)held, SEEK_SET) == (off_t)held;
}

struct blob_upload *blob_upload_begin(const char *dir, const char *sha256, long long offset,
	enum blob_begin *why, long long *held)
{
	struct blob_upload *u = calloc(1, sizeof *u);
	*why = BLOB_BEGIN_IO;
	*held = 0;
	if (u == NULL)
		return NULL;
	snprintf(u->sha256, sizeof u->sha256, "%s", sha256);
	u->fd = -1;
	if (partial_path(dir, sha256, u->tmp_path, sizeof u->tmp_path, true)
		&& blob_paths(dir, sha256, u->dir_path, sizeof u->dir_path, u->final_path,
			sizeof u->final_path))
		u->fd = open(u->tmp_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	struct stat st;
	if (u->fd < 0 || fstat(u->fd, &st) != 0) {
		blob_upload_keep(u);
		return NULL;
	}
	if (flock(u->fd, LOCK_EX | LOCK_NB) != 0) {
		*why = BLOB_BEGIN_BUSY;     /* another connection is sending it */
		blob_upload_keep(u);
		return NULL;
	}
	*held = (long long)st.st_size;
	if (!util_sha256_init(&u->hash)) {
		blob_upload_keep(u);
		return NULL;
	}
	if (offset >= 0 && offset != *held) {
		*why = BLOB_BEGIN_OFFSET;
		blob_upload_keep(u);
		return NULL;
	}
	/* no offset (a client that does not resume) or 0: from the start */
	if (offset <= 0 ? ftruncate(u->fd, 0) != 0 : !rehash(u, offset)) {
		blob_upload_keep(u);
		return NULL;
	}
	*why = BLOB_BEGIN_OK;
	return u;
}

/* The phone's upload: named by the hash of what arrives, in DIR/blobs/tmp
 * under a random name (nothing to resume: a cut upload is thrown away). */
struct blob_upload *blob_upload_begin_unnamed(const char *dir)
{
	struct blob_upload *u = calloc(1, sizeof *u);
	if (u == NULL)
		return NULL;
	unsigned char rnd[12];
	char rnd_hex[25];
	randombytes_buf(rnd, sizeof rnd);
	util_hex(rnd, sizeof rnd, rnd_hex);
	int n = snprintf(u->tmp_path, sizeof u->tmp_path, "%s/blobs/tmp/%s", dir, rnd_hex);
	int r = snprintf(u->root, sizeof u->root, "%s", dir);
	u->fd = -1;
	if (n > 0 && (size_t)n < sizeof u->tmp_path && r > 0 && (size_t)r < sizeof u->root)
		u->fd = open(u->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (u->fd < 0) {
		free(u);
		return NULL;
	}
	if (!util_sha256_init(&u->hash)) {
		blob_upload_abort(u);
		return NULL;
	}
	return u;
}

bool blob_upload_write(struct blob_upload *u, const char *data, size_t len)
{
	if (u->failed)
		return false;
	for (size_t i = 0; i < len && u->size + (long long)i < 3; i++)
		u->head[u->size + (long long)i] = (unsigned char)data[i];
	util_sha256_update(&u->hash, data, len);
	u->size += (long long)len;
	while (len > 0) {
		ssize_t n = write(u->fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			u->failed = true;
			return false;
		}
		data += n;
		len -= (size_t)n;
	}
	return true;
}

long long blob_upload_size(const struct blob_upload *u)
{
	return u->size;
}

static void blob_free(struct blob_upload *u)
{
	/* unlinked before the lock goes with the close: no one continues it */
	unlink(u->tmp_path);
	if (u->fd >= 0)
		close(u->fd);
	util_sha256_end(&u->hash);
	free(u);
}

void blob_upload_keep(struct blob_upload *u)
{
	if (u == NULL)
		return;
	if (u->fd >= 0)
		close(u->fd);
	util_sha256_end(&u->hash);
	free(u);
}

void blob_upload_abort(struct blob_upload *u)
{
	if (u != NULL)
		blob_free(u);
}

enum blob_result blob_upload_finish(struct blob_upload *u)
{
	char name[PROTO_SHA256_LEN + 1];
	return blob_upload_finish_named(u, name);
}

enum blob_result blob_upload_finish_named(struct blob_upload *u, char name[PROTO_SHA256_LEN + 1])
{
	char hex[PROTO_SHA256_LEN + 1];
	if (!util_sha256_final(&u->hash, hex))
		u->failed = true;
	memcpy(name, hex, sizeof hex);
	/* named by its content: the paths are known only now */
	bool named = true;
	if (u->sha256[0] == '\0') {
		memcpy(u->sha256, hex, sizeof hex);
		named = blob_paths(u->root, hex, u->dir_path, sizeof u->dir_path, u->final_path,
			sizeof u->final_path);
	}
	enum blob_result result;
	if (u->failed || !named)
		result = BLOB_IO_ERROR;
	else if (strcmp(hex, u->sha256) != 0)
		result = BLOB_MISMATCH;
	else if (u->size < 3 || u->head[0] != 0xff || u->head[1] != 0xd8 || u->head[2] != 0xff)
		result = BLOB_NOT_JPEG;
	else if (fsync(u->fd) != 0 || (mkdir(u->dir_path, 0700) != 0 && errno != EEXIST))
		result = BLOB_IO_ERROR;
	else if (access(u->final_path, F_OK) == 0)
		result = BLOB_HAD_IT;      /* another connection stored it meanwhile */
	else if (rename(u->tmp_path, u->final_path) != 0 || !common_fsync_dir(u->dir_path))
		result = BLOB_IO_ERROR;
	else
		result = BLOB_STORED;
	blob_free(u);      /* unlinks the partial name, a no-op after rename */
	return result;
}

void blob_clean_tmp(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/blobs/tmp", dir);
	DIR *d = opendir(path);
	if (d == NULL)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char file[4096 + 256];
		snprintf(file, sizeof file, "%s/%s", path, e->d_name);
		unlink(file);
	}
	closedir(d);
}
