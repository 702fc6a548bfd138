/* libFuzzer target: the sealed outbox's opener (include/sealed.h) on any
 * bytes, fed in pieces of any sizes.  Beyond not crashing: a photo sealed
 * here and given back whole opens to the same bytes; with one byte changed
 * (or cut short, or lengthened) it never opens; a record the same. */
#include "config.h"
#include "sealed.h"

#include <sodium.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static unsigned char pk[SEALED_KEY_BYTES], sk[SEALED_KEY_BYTES];

struct sink_state {
	unsigned char *clear;
	size_t len, cap;
};

static bool on_head(void *ctx, const char *sha, int64_t size)
{
	(void)ctx;
	return strlen(sha) == 64 && size > 0;
}

static bool on_clear(void *ctx, const unsigned char *p, size_t n)
{
	struct sink_state *s = ctx;
	if (s->len + n > s->cap)
		return false;
	memcpy(s->clear + s->len, p, n);
	s->len += n;
	return true;
}

/* feed in pieces whose sizes come from the input's first bytes */
static bool open_in_pieces(const unsigned char *sealed, size_t n, const uint8_t *steps,
	size_t n_steps, struct sink_state *out)
{
	struct sealed_photo_sink sink = { on_head, on_clear, out };
	struct sealed_photo_in *in = sealed_photo_in_new(pk, sk, &sink);
	if (in == NULL)
		abort();
	bool ok = true;
	for (size_t at = 0, i = 0; ok && at < n; i++) {
		size_t piece = n_steps > 0 ? (size_t)steps[i % n_steps] * 331 + 1 : n;
		if (piece > n - at)
			piece = n - at;
		ok = sealed_photo_in_feed(in, sealed + at, piece);
		at += piece;
	}
	ok = ok && sealed_photo_in_end(in);
	sealed_photo_in_free(in);
	return ok;
}

/* the photo sealed into memory (a temporary file in between) */
static unsigned char *seal_photo(const uint8_t *clear, size_t n, size_t *len)
{
	unsigned char digest[32];
	char sha[65];
	crypto_hash_sha256(digest, clear, n);
	sodium_bin2hex(sha, sizeof sha, digest, sizeof digest);
	FILE *in = tmpfile(), *out = tmpfile();
	unsigned char *sealed = NULL;
	if (in != NULL && out != NULL && fwrite(clear, 1, n, in) == n && fflush(in) == 0
		&& lseek(fileno(in), 0, SEEK_SET) == 0
		&& sealed_photo_seal(fileno(in), fileno(out), sha, (int64_t)n, pk)) {
		long end = lseek(fileno(out), 0, SEEK_END);
		sealed = end > 0 ? malloc((size_t)end) : NULL;
		if (sealed != NULL && (lseek(fileno(out), 0, SEEK_SET) != 0
			|| read(fileno(out), sealed, (size_t)end) != end)) {
			free(sealed);
			sealed = NULL;
		}
		*len = (size_t)end;
	}
	if (in != NULL)
		fclose(in);
	if (out != NULL)
		fclose(out);
	return sealed;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	if (!ready) {
		unsigned char seed[crypto_box_SEEDBYTES] = { 7 };
		if (sodium_init() < 0 || crypto_box_seed_keypair(pk, sk, seed) != 0)
			abort();
		ready = true;
	}
	if (size < 4)
		return 0;
	uint8_t mode = data[0], steps[2] = { data[1], data[2] };
	const uint8_t *rest = data + 3;
	size_t n = size - 3;
	struct sink_state got = { malloc(n + 1), 0, n + 1 };
	if (mode % 3 == 0) {
		/* any bytes as a sealed photo and as a sealed record */
		open_in_pieces(rest, n, steps, 2, &got);
		char *json = sealed_record_open(rest, n, pk, sk);
		free(json);
	} else if (mode % 3 == 1 && n > 0) {
		size_t len;
		unsigned char *sealed = seal_photo(rest, n, &len);
		if (sealed == NULL)
			abort();
		if (!open_in_pieces(sealed, len, steps, 2, &got) || got.len != n
			|| memcmp(got.clear, rest, n) != 0)
			abort();           /* whole: the same bytes back */
		size_t at = ((size_t)steps[0] << 8 | steps[1]) % len;
		sealed[at] ^= (unsigned char)(mode | 1);
		got.len = 0;
		if (open_in_pieces(sealed, len, steps, 2, &got))
			abort();           /* one byte changed: refused */
		sealed[at] ^= (unsigned char)(mode | 1);
		got.len = 0;
		if (open_in_pieces(sealed, len - 1 - at % 17, steps, 2, &got))
			abort();           /* cut short: refused */
		free(sealed);
	} else if (n > 0) {
		char *text = malloc(n + 1);
		memcpy(text, rest, n);
		text[n] = '\0';
		size_t len;
		unsigned char *sealed = sealed_record_seal(text, pk, &len);
		char *back = sealed != NULL ? sealed_record_open(sealed, len, pk, sk) : NULL;
		if (back == NULL || strcmp(back, text) != 0)
			abort();
		free(back);
		sealed[((size_t)steps[0] << 8 | steps[1]) % len] ^= 1;
		if ((back = sealed_record_open(sealed, len, pk, sk)) != NULL)
			abort();
		free(sealed);
		free(text);
	}
	free(got.clear);
	return 0;
}
