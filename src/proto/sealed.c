/* sealed: the sealed outbox's bytes, written by the laptop and opened by
 * the city server (the format is in include/sealed.h). */
#include "config.h"
#include "sealed.h"

#include <errno.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"

#define MAGIC_LEN 5
static const char record_magic[MAGIC_LEN] = { 'S', 'G', 'S', 'R', '1' };
static const char photo_magic[MAGIC_LEN] = { 'S', 'G', 'S', 'P', '1' };

/* stream key, SHA-256, size */
#define HEAD_CLEAR (crypto_secretstream_xchacha20poly1305_KEYBYTES + 32 + 8)
#define HEAD_SEALED (HEAD_CLEAR + crypto_box_SEALBYTES)
#define STREAM_HEADER crypto_secretstream_xchacha20poly1305_HEADERBYTES
#define PHOTO_PREFIX (MAGIC_LEN + HEAD_SEALED + STREAM_HEADER)
#define CHUNK_SEALED (SEALED_CHUNK + crypto_secretstream_xchacha20poly1305_ABYTES)

bool sealed_key_parse(const char *hex, unsigned char key[SEALED_KEY_BYTES])
{
	size_t bin_len;
	if (hex == NULL || strlen(hex) != SEALED_KEY_HEX || strspn(hex, "0123456789abcdef")
		!= SEALED_KEY_HEX)
		return false;
	return sodium_hex2bin(key, SEALED_KEY_BYTES, hex, SEALED_KEY_HEX, NULL, &bin_len, NULL) == 0
		&& bin_len == SEALED_KEY_BYTES;
}

void sealed_key_hex(const unsigned char key[SEALED_KEY_BYTES], char hex[SEALED_KEY_HEX + 1])
{
	sodium_bin2hex(hex, SEALED_KEY_HEX + 1, key, SEALED_KEY_BYTES);
}

unsigned char *sealed_record_seal(const char *json, const unsigned char pk[SEALED_KEY_BYTES],
	size_t *len)
{
	size_t n = strlen(json);
	unsigned char *out = malloc(MAGIC_LEN + crypto_box_SEALBYTES + n);
	if (out == NULL || sodium_init() < 0) {
		free(out);
		return NULL;
	}
	memcpy(out, record_magic, MAGIC_LEN);
	crypto_box_seal(out + MAGIC_LEN, (const unsigned char *)json, n, pk);
	*len = MAGIC_LEN + crypto_box_SEALBYTES + n;
	return out;
}

char *sealed_record_open(const unsigned char *in, size_t len,
	const unsigned char pk[SEALED_KEY_BYTES], const unsigned char sk[SEALED_KEY_BYTES])
{
	if (len < MAGIC_LEN + crypto_box_SEALBYTES || memcmp(in, record_magic, MAGIC_LEN) != 0
		|| sodium_init() < 0)
		return NULL;
	size_t n = len - MAGIC_LEN - crypto_box_SEALBYTES;
	char *json = malloc(n + 1);
	if (json == NULL)
		return NULL;
	if (crypto_box_seal_open((unsigned char *)json, in + MAGIC_LEN, len - MAGIC_LEN, pk, sk)
		!= 0 || memchr(json, '\0', n) != NULL) {
		free(json);
		return NULL;
	}
	json[n] = '\0';
	return json;
}

/* ---------------------------------------------------------------- photos */

static bool read_full(int fd, unsigned char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

static void put_size(unsigned char out[8], int64_t size)
{
	for (int i = 0; i < 8; i++)
		out[i] = (unsigned char)((uint64_t)size >> (8 * i));
}

static int64_t get_size(const unsigned char in[8])
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | in[i];
	return v > (uint64_t)INT64_MAX ? -1 : (int64_t)v;
}

/* the sealed head and the stream's header into out_fd; the stream's state
 * into st */
static bool write_head(int out_fd, const char *sha256_hex, int64_t size,
	const unsigned char pk[SEALED_KEY_BYTES], crypto_secretstream_xchacha20poly1305_state *st)
{
	unsigned char clear[HEAD_CLEAR], prefix[PHOTO_PREFIX];
	size_t bin_len;
	unsigned char *key = clear;
	crypto_secretstream_xchacha20poly1305_keygen(key);
	if (sodium_hex2bin(clear + 32, 32, sha256_hex, strlen(sha256_hex), NULL, &bin_len, NULL) != 0
		|| bin_len != 32)
		return false;
	put_size(clear + 64, size);
	memcpy(prefix, photo_magic, MAGIC_LEN);
	crypto_box_seal(prefix + MAGIC_LEN, clear, sizeof clear, pk);
	crypto_secretstream_xchacha20poly1305_init_push(st, prefix + MAGIC_LEN + HEAD_SEALED, key);
	sodium_memzero(clear, sizeof clear);
	return common_write_all(out_fd, prefix, sizeof prefix);
}

/* Where a photo's clear bytes come from: a file descriptor, or memory. */
struct clear_source {
	int fd;
	const unsigned char *data;   /* NULL: read fd */
	size_t len, at;
};

static bool source_read(struct clear_source *src, unsigned char *buf, size_t n)
{
	if (src->data == NULL)
		return read_full(src->fd, buf, n);
	if (src->len - src->at < n)
		return false;
	memcpy(buf, src->data + src->at, n);
	src->at += n;
	return true;
}

/* nothing after the size bytes sealed */
static bool source_ended(struct clear_source *src)
{
	unsigned char extra;
	return src->data != NULL ? src->at == src->len : read(src->fd, &extra, 1) == 0;
}

static bool seal_from(struct clear_source *src, int out_fd, const char *sha256_hex,
	int64_t size, const unsigned char pk[SEALED_KEY_BYTES])
{
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char *clear = malloc(SEALED_CHUNK), *sealed = malloc(CHUNK_SEALED);
	bool ok = clear != NULL && sealed != NULL && size > 0 && sodium_init() >= 0
		&& write_head(out_fd, sha256_hex, size, pk, &st);
	for (int64_t done = 0; ok && done < size;) {
		size_t n = size - done > SEALED_CHUNK ? SEALED_CHUNK : (size_t)(size - done);
		done += (int64_t)n;
		unsigned long long out_len;
		ok = source_read(src, clear, n);
		if (ok) {
			crypto_secretstream_xchacha20poly1305_push(&st, sealed, &out_len, clear, n, NULL, 0,
				done == size ? crypto_secretstream_xchacha20poly1305_TAG_FINAL : 0);
			ok = common_write_all(out_fd, sealed, (size_t)out_len);
		}
	}
	/* the file must hold exactly size bytes: a photo that changed is not sealed */
	ok = ok && source_ended(src);
	if (clear != NULL)
		sodium_memzero(clear, SEALED_CHUNK);
	sodium_memzero(&st, sizeof st);
	free(clear);
	free(sealed);
	return ok;
}

bool sealed_photo_seal(int in_fd, int out_fd, const char *sha256_hex, int64_t size,
	const unsigned char pk[SEALED_KEY_BYTES])
{
	struct clear_source src = { .fd = in_fd };
	return seal_from(&src, out_fd, sha256_hex, size, pk);
}

bool sealed_photo_seal_buffer(const unsigned char *data, size_t len, int out_fd,
	const char *sha256_hex, const unsigned char pk[SEALED_KEY_BYTES])
{
	struct clear_source src = { .fd = -1, .data = data, .len = len };
	return data != NULL && seal_from(&src, out_fd, sha256_hex, (int64_t)len, pk);
}

struct sealed_photo_in {
	unsigned char pk[SEALED_KEY_BYTES], sk[SEALED_KEY_BYTES];
	struct sealed_photo_sink sink;
	crypto_secretstream_xchacha20poly1305_state st;
	unsigned char *buf;          /* the prefix, then one sealed chunk at most */
	size_t held;
	bool headed, finished, failed;
	int64_t size, done;          /* clear bytes named and given out */
};

struct sealed_photo_in *sealed_photo_in_new(const unsigned char pk[SEALED_KEY_BYTES],
	const unsigned char sk[SEALED_KEY_BYTES], const struct sealed_photo_sink *sink)
{
	if (sodium_init() < 0)
		return NULL;
	struct sealed_photo_in *in = sodium_malloc(sizeof *in);
	if (in == NULL)
		return NULL;
	memset(in, 0, sizeof *in);
	in->buf = malloc(CHUNK_SEALED > PHOTO_PREFIX ? CHUNK_SEALED : PHOTO_PREFIX);
	if (in->buf == NULL) {
		sodium_free(in);
		return NULL;
	}
	memcpy(in->pk, pk, SEALED_KEY_BYTES);
	memcpy(in->sk, sk, SEALED_KEY_BYTES);
	in->sink = *sink;
	return in;
}

/* how many bytes the next piece is (the prefix, or the next chunk) */
static size_t next_piece(const struct sealed_photo_in *in)
{
	if (!in->headed)
		return PHOTO_PREFIX;
	int64_t left = in->size - in->done;
	return (left > SEALED_CHUNK ? SEALED_CHUNK : (size_t)left)
		+ crypto_secretstream_xchacha20poly1305_ABYTES;
}

static bool open_head(struct sealed_photo_in *in)
{
	unsigned char clear[HEAD_CLEAR];
	char sha[65];
	if (memcmp(in->buf, photo_magic, MAGIC_LEN) != 0
		|| crypto_box_seal_open(clear, in->buf + MAGIC_LEN, HEAD_SEALED, in->pk, in->sk) != 0)
		return false;
	in->size = get_size(clear + 64);
	bool ok = in->size > 0 && crypto_secretstream_xchacha20poly1305_init_pull(&in->st,
		in->buf + MAGIC_LEN + HEAD_SEALED, clear) == 0;
	sodium_bin2hex(sha, sizeof sha, clear + 32, 32);
	sodium_memzero(clear, sizeof clear);
	in->headed = true;
	return ok && in->sink.on_head(in->sink.ctx, sha, in->size);
}

static bool open_chunk(struct sealed_photo_in *in, size_t n)
{
	unsigned char *clear = malloc(SEALED_CHUNK);
	unsigned long long clear_len;
	unsigned char tag;
	bool ok = clear != NULL && crypto_secretstream_xchacha20poly1305_pull(&in->st, clear,
		&clear_len, &tag, in->buf, n, NULL, 0) == 0;
	if (ok) {
		in->done += (int64_t)clear_len;
		bool last = in->done == in->size;
		/* FINAL on the last chunk and nowhere else */
		ok = last == (tag == crypto_secretstream_xchacha20poly1305_TAG_FINAL)
			&& in->sink.on_clear(in->sink.ctx, clear, (size_t)clear_len);
		in->finished = last;
	}
	if (clear != NULL)
		sodium_memzero(clear, SEALED_CHUNK);
	free(clear);
	return ok;
}

bool sealed_photo_in_feed(struct sealed_photo_in *in, const void *data, size_t len)
{
	const unsigned char *p = data;
	while (!in->failed && len > 0) {
		if (in->finished) {
			in->failed = true;   /* bytes after the FINAL chunk */
			break;
		}
		size_t want = next_piece(in), take = want - in->held;
		if (take > len)
			take = len;
		memcpy(in->buf + in->held, p, take);
		in->held += take;
		p += take;
		len -= take;
		if (in->held < want)
			break;
		in->held = 0;
		in->failed = !(in->headed ? open_chunk(in, want) : open_head(in));
	}
	return !in->failed;
}

bool sealed_photo_in_end(struct sealed_photo_in *in)
{
	return !in->failed && in->finished && in->held == 0;
}

void sealed_photo_in_free(struct sealed_photo_in *in)
{
	if (in == NULL)
		return;
	free(in->buf);
	sodium_free(in);     /* zeroes the secret key and the stream state */
}
