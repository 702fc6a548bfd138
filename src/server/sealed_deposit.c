/* sealed_deposit: the city's key pair (`sigacor-server keygen`, loaded by
 * serve) and the sealed outbox's endpoints (doc/PROTOCOL.md section 7a).
 * A laptop whose clerk is not there (cron, a locked profile) sends what it
 * sealed at finalisation; the server opens it with the secret key and runs
 * it through the same acceptance as a normal push: the record through
 * api_verification_put (dedupe by id, scope, rules), the photo through a
 * blob upload (SHA-256, JPEG check, the records waiting for it). */
#include "config.h"
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "sealed.h"

#define KEY_FILE_MAGIC "sigacor-city-key-1"
#define KEY_FILE_NAME "city.key"

/* the loaded pair: secret in sodium_malloc memory (locked, zeroed at free) */
static unsigned char city_pk[SEALED_KEY_BYTES];
static unsigned char *city_sk;
static char city_pk_hex[SEALED_KEY_HEX + 1];

const char *city_key_public_hex(void)
{
	return city_sk != NULL ? city_pk_hex : "";
}

/* "sigacor-city-key-1\npublic HEX\nsecret HEX\n" */
static bool parse_key_file(const char *text, unsigned char pk[SEALED_KEY_BYTES],
	unsigned char sk[SEALED_KEY_BYTES])
{
	char pk_hex[SEALED_KEY_HEX + 1], sk_hex[SEALED_KEY_HEX + 1], check[SEALED_KEY_BYTES];
	int used = 0;
	bool ok = sscanf(text, KEY_FILE_MAGIC "\npublic %64s\nsecret %64s\n%n", pk_hex, sk_hex,
		&used) == 2 && used > 0 && text[used] == '\0'
		&& sealed_key_parse(pk_hex, pk) && sealed_key_parse(sk_hex, sk);
	/* the public key must be the secret key's: a file mixed from two pairs is refused */
	ok = ok && crypto_scalarmult_base((unsigned char *)check, sk) == 0
		&& sodium_memcmp(check, pk, SEALED_KEY_BYTES) == 0;
	sodium_memzero(sk_hex, sizeof sk_hex);
	return ok;
}

static bool city_key_load(const char *path)
{
	char *text = serve_read_file(path);
	if (text == NULL)
		return false;
	city_sk = sodium_malloc(SEALED_KEY_BYTES);
	bool ok = city_sk != NULL && parse_key_file(text, city_pk, city_sk);
	sodium_memzero(text, strlen(text));
	free(text);
	if (!ok) {
		fprintf(stderr, "sigacor-server: %s: %s\n", path,
			_("bukan berkas kunci kota (buat dengan sigacor-server keygen)"));
		sodium_free(city_sk);
		city_sk = NULL;
		return false;
	}
	sealed_key_hex(city_pk, city_pk_hex);
	return true;
}

bool city_key_load_default(const char *dir, const char *given)
{
	char path[4096];
	if (given != NULL)
		return city_key_load(given);
	if (snprintf(path, sizeof path, "%s/" KEY_FILE_NAME, dir) >= (int)sizeof path)
		return false;
	/* no key file: the server runs without the sealed outbox */
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return true;
	return city_key_load(path);
}

const char *const keygen_commands_help = N_(
"Kunci kota (kiriman tersegel dari laptop yang terkunci, doc/SECURITY.md):\n"
"  keygen (--data FOLDER | --out FILE) [--force]\n"
"        buat pasangan kunci X25519; kunci rahasia ke FOLDER/city.key\n"
"        (0600), kunci publik ke stdout; menolak menimpa kunci yang ada\n"
"        tanpa --force (kiriman yang masih di jalan tak terbaca lagi)\n"
"  serve ... [--city-key FILE]\n"
"        memuat kunci dari FILE, atau FOLDER/city.key bila ada; tanpa kunci\n"
"        server tidak menerima kiriman tersegel\n");

int keygen_main(int argc, char **argv)
{
	const char *dir = NULL, *out = NULL;
	bool force = false;
	const struct command_option options[] = {
		{ "data", &dir, NULL, NULL }, { "out", &out, NULL, NULL },
		{ "force", NULL, &force, NULL }, { NULL, NULL, NULL, NULL },
	};
	if (!util_parse_options(argc, argv, options, 0, NULL) || (dir == NULL) == (out == NULL)) {
		fprintf(stderr, "%s", _("Pemakaian: sigacor-server keygen (--data FOLDER | --out FILE) "
			"[--force]\n"));
		return 2;
	}
	char path[4096];
	if (snprintf(path, sizeof path, "%s", out != NULL ? out : dir) >= (int)sizeof path
		|| (out == NULL && snprintf(path, sizeof path, "%s/" KEY_FILE_NAME, dir)
			>= (int)sizeof path))
		return 2;
	if (!force && access(path, F_OK) == 0) {
		fprintf(stderr, "sigacor-server: %s: %s\n", path, _("kunci kota sudah ada; kunci baru "
			"membuat semua kiriman tersegel yang belum sampai tak terbaca. Pakai --force "
			"hanya bila kunci lama memang hilang atau bocor."));
		return 1;
	}
	if (sodium_init() < 0)
		return 1;
	unsigned char pk[SEALED_KEY_BYTES];
	unsigned char *sk = sodium_malloc(SEALED_KEY_BYTES);
	char *text = sodium_malloc(256);
	if (sk == NULL || text == NULL)
		return 1;
	crypto_box_keypair(pk, sk);
	char pk_hex[SEALED_KEY_HEX + 1], sk_hex[SEALED_KEY_HEX + 1];
	sealed_key_hex(pk, pk_hex);
	sealed_key_hex(sk, sk_hex);
	int n = snprintf(text, 256, KEY_FILE_MAGIC "\npublic %s\nsecret %s\n", pk_hex, sk_hex);
	sodium_memzero(sk_hex, sizeof sk_hex);
	/* 0600, written whole (temp, fsync, rename, fsync the folder) */
	bool ok = n > 0 && common_write_file(path, text, (size_t)n);
	int saved = errno;
	sodium_free(text);
	sodium_free(sk);
	if (!ok) {
		fprintf(stderr, "sigacor-server: %s: %s\n", path, strerror(saved));
		return 1;
	}
	fprintf(stderr, _("Kunci kota ditulis ke %s (rahasia: simpan cadangannya di tempat "
		"terpisah). Kunci publik:\n"), path);
	printf("%s\n", pk_hex);
	return 0;
}

/* ---------------------------------------------------------------- records */

static bool key_missing(struct reply *out)
{
	if (city_sk != NULL)
		return false;
	reply_problem(out, PROBLEM_NOT_FOUND, _("Server ini tidak memakai kunci kota; kiriman "
		"tersegel tidak diterima."));
	return true;
}

void api_sealed_record_put(const struct session *s, const char *id, const char *body, size_t len,
	struct reply *out)
{
	if (key_missing(out))
		return;
	char *json = body != NULL ? sealed_record_open((const unsigned char *)body, len, city_pk,
		city_sk) : NULL;
	if (json == NULL) {
		reply_problem(out, PROBLEM_SEALED_INVALID, NULL);
		return;
	}
	/* exactly a normal push: the photos come first, so none may follow */
	api_verification_put(s, id, json, strlen(json), false, out);
	sodium_memzero(json, strlen(json));
	free(json);
}

/* ---------------------------------------------------------------- photos */

struct sealed_upload {
	struct sealed_photo_in *in;
	struct blob_upload *blob;
	char sha[PROTO_SHA256_LEN + 1];
	long long size;
	bool had_it, too_large;
	enum problem refused;        /* PROBLEM_COUNT: none */
};

static bool photo_head(void *ctx, const char *sha256_hex, int64_t size)
{
	struct sealed_upload *u = ctx;
	const struct api_config *cfg = api_config();
	snprintf(u->sha, sizeof u->sha, "%s", sha256_hex);
	u->size = size;
	if (size > cfg->max_photo) {
		u->too_large = true;
		return false;
	}
	long long held;
	if (api_blob_have(u->sha, &held)) {
		u->had_it = true;        /* the rest is read and checked, not stored */
		u->size = held;
		return true;
	}
	enum blob_begin why;
	u->blob = blob_upload_begin(cfg->dir, u->sha, -1, &why, &held);
	if (u->blob == NULL)
		u->refused = why == BLOB_BEGIN_BUSY || why == BLOB_BEGIN_OFFSET ? PROBLEM_BUSY
			: PROBLEM_INTERNAL;
	return u->blob != NULL;
}

static bool photo_clear(void *ctx, const unsigned char *data, size_t len)
{
	struct sealed_upload *u = ctx;
	return u->blob == NULL || blob_upload_write(u->blob, (const char *)data, len);
}

struct sealed_upload *sealed_upload_begin(struct reply *out)
{
	if (key_missing(out))
		return NULL;
	struct sealed_upload *u = calloc(1, sizeof *u);
	if (u == NULL) {
		reply_problem(out, PROBLEM_INTERNAL, NULL);
		return NULL;
	}
	u->refused = PROBLEM_COUNT;
	struct sealed_photo_sink sink = { photo_head, photo_clear, u };
	u->in = sealed_photo_in_new(city_pk, city_sk, &sink);
	if (u->in == NULL) {
		free(u);
		reply_problem(out, PROBLEM_INTERNAL, NULL);
		return NULL;
	}
	return u;
}

void sealed_upload_data(struct sealed_upload *u, const char *data, size_t len)
{
	sealed_photo_in_feed(u->in, data, len);
}

void sealed_upload_free(struct sealed_upload *u)
{
	if (u == NULL)
		return;
	if (u->blob != NULL)
		blob_upload_abort(u->blob);   /* never kept: a sealed photo is sent whole again */
	sealed_photo_in_free(u->in);
	free(u);
}

void sealed_upload_finish(struct sealed_upload *u, struct reply *out)
{
	bool whole = sealed_photo_in_end(u->in);
	if (u->too_large)
		reply_problem(out, PROBLEM_TOO_LARGE, _("Foto melebihi batas ukuran server."));
	else if (u->refused != PROBLEM_COUNT)
		reply_problem(out, u->refused, NULL);
	else if (!whole)
		reply_problem(out, PROBLEM_SEALED_INVALID, NULL);
	else if (u->had_it)
		api_blob_reply(u->sha, u->size, false, out);
	else {
		long long size = blob_upload_size(u->blob);
		enum blob_result br = blob_upload_finish(u->blob);
		u->blob = NULL;
		api_blob_result(br, u->sha, size, out);
	}
	sealed_upload_free(u);
}
