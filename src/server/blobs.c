/* blobs: photos stored by content hash, DIR/blobs/ab/<sha256>.
 *
 * An upload streams into DIR/blobs/tmp/<random> while being hashed; only when
 * the hash matches the name and the bytes start like a JPEG is the file
 * fsync'd, renamed into place and the folder fsync'd.  A server killed at
 * any moment leaves either the whole photo or nothing (plus a temporary file
 * that the next start removes). */
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
#include <sys/stat.h>
#include <unistd.h>

struct blob_upload {
	int fd;
	char sha256[PROTO_SHA256_LEN + 1];
	char tmp_path[4096];
	char dir_path[4096];            /* DIR/blobs/ab */
	char final_path[4096 + 128];
	crypto_hash_sha256_state hash;
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

struct blob_upload *blob_upload_begin(const char *dir, const char *sha256)
{
	struct blob_upload *u = calloc(1, sizeof *u);
	if (u == NULL)
		return NULL;
	unsigned char rnd[12];
	char rnd_hex[25];
	randombytes_buf(rnd, sizeof rnd);
	util_hex(rnd, sizeof rnd, rnd_hex);
	snprintf(u->sha256, sizeof u->sha256, "%s", sha256);
	int n = snprintf(u->tmp_path, sizeof u->tmp_path, "%s/blobs/tmp/%s", dir, rnd_hex);
	u->fd = -1;
	if (n > 0 && (size_t)n < sizeof u->tmp_path
		&& blob_paths(dir, sha256, u->dir_path, sizeof u->dir_path, u->final_path,
			sizeof u->final_path))
		u->fd = open(u->tmp_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (u->fd < 0) {
		free(u);
		return NULL;
	}
	crypto_hash_sha256_init(&u->hash);
	return u;
}

bool blob_upload_write(struct blob_upload *u, const char *data, size_t len)
{
	if (u->failed)
		return false;
	for (size_t i = 0; i < len && u->size + (long long)i < 3; i++)
		u->head[u->size + (long long)i] = (unsigned char)data[i];
	crypto_hash_sha256_update(&u->hash, (const unsigned char *)data, len);
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
	if (u->fd >= 0)
		close(u->fd);
	unlink(u->tmp_path);
	free(u);
}

void blob_upload_abort(struct blob_upload *u)
{
	if (u != NULL)
		blob_free(u);
}

enum blob_result blob_upload_finish(struct blob_upload *u)
{
	unsigned char digest[crypto_hash_sha256_BYTES];
	char hex[PROTO_SHA256_LEN + 1];
	crypto_hash_sha256_final(&u->hash, digest);
	util_hex(digest, sizeof digest, hex);
	enum blob_result result;
	if (u->failed)
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
	blob_free(u);      /* unlinks the temporary name, a no-op after rename */
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
