/* sync/inbox: the clerk's photo inbox on the server (doc/PROTOCOL.md
 * "Photo inbox"): a one-time code for the phone's upload page, the list,
 * a photo's download (hash checked, written whole or not at all), delete.
 * Blocking: each is one short request on its own easy handle, so it can
 * run while the engine's own transfer is in flight. */
#include "config.h"
#include "sync.h"
#include "sync_int.h"
#include "common.h"
#include "format.h"
#include "i18n.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* the answer of a call the server took (any status), or NULL with err */
static struct http_xfer *call(struct sync *s, const char *method, const char *path,
	size_t limit, enum sync_inbox_result *res, char *err, size_t errlen)
{
	if (!sync_session_load(s)) {
		*res = SYNC_INBOX_NOT_LOGGED_IN;
		snprintf(err, errlen, "%s", s->prog.message);
		return NULL;
	}
	char url[SYNC_URL_MAX + 128];
	snprintf(url, sizeof url, "%s%s", s->base, path);
	struct http_xfer *x = http_new(&s->cfg, s->ca_file, method, url, s->token, limit);
	if (x != NULL && strcmp(method, "DELETE") == 0
		&& curl_easy_setopt(x->easy, CURLOPT_CUSTOMREQUEST, "DELETE") != CURLE_OK) {
		http_free(x);
		x = NULL;
	}
	if (x == NULL) {
		*res = SYNC_INBOX_LOCAL;
		snprintf(err, errlen, "%s", _("Memori tidak cukup."));
		return NULL;
	}
	http_finish(x, curl_easy_perform(x->easy));
	if (http_classify(x) == HTTP_ANSWERED)
		return x;
	*res = SYNC_INBOX_NETWORK;
	snprintf(err, errlen, "%s", _("Server tidak dapat dihubungi; coba lagi sebentar lagi."));
	http_free(x);
	return NULL;
}

/* false (res and err set) unless the status is want */
static bool answered(struct http_xfer *x, long want, enum sync_inbox_result *res, char *err,
	size_t errlen)
{
	if (x->status == want)
		return true;
	struct proto_problem pb;
	bool problem = sync_problem(x, &pb);
	*res = x->status == 401 ? SYNC_INBOX_NOT_LOGGED_IN
		: http_status_transient(x->status) ? SYNC_INBOX_NETWORK : SYNC_INBOX_REFUSED;
	if (problem && pb.detail[0] != '\0')
		snprintf(err, errlen, "%s", pb.detail);
	else
		snprintf(err, errlen, _("Server menjawab %ld."), x->status);
	return false;
}

enum sync_inbox_result sync_inbox_code_new(struct sync *s, struct sync_inbox_code *out,
	char *err, size_t errlen)
{
	enum sync_inbox_result res = SYNC_INBOX_OK;
	memset(out, 0, sizeof *out);
	struct http_xfer *x = call(s, "POST", "/inbox/codes", HTTP_SMALL_MAX, &res, err, errlen);
	if (x == NULL || !answered(x, 201, &res, err, errlen)) {
		http_free(x);
		return res;
	}
	struct proto_inbox_code code;
	struct proto_error e;
	if (proto_inbox_code_decode(x->body, x->len, &code, &e) != PROTO_OK) {
		http_free(x);
		snprintf(err, errlen, "%s", _("Jawaban server tidak dapat dibaca."));
		return SYNC_INBOX_REFUSED;
	}
	http_free(x);
	snprintf(out->code, sizeof out->code, "%s", code.code);
	out->expires_at = code.expires_at;
	if (code.url[0] != '\0') {
		snprintf(out->url, sizeof out->url, "%s", code.url);
		return SYNC_INBOX_OK;
	}
	/* the address logged in to, without its /api/v1 */
	size_t n = strlen(s->base), p = strlen(PROTO_PREFIX);
	if (n >= p && strcmp(s->base + n - p, PROTO_PREFIX) == 0)
		n -= p;
	snprintf(out->url, sizeof out->url, "%.*s%s", (int)n, s->base, code.path);
	return SYNC_INBOX_OK;
}

enum sync_inbox_result sync_inbox_list(struct sync *s, struct proto_inbox_list *out,
	char *err, size_t errlen)
{
	enum sync_inbox_result res = SYNC_INBOX_OK;
	memset(out, 0, sizeof *out);
	struct http_xfer *x = call(s, "GET", "/inbox", HTTP_PAGE_MAX, &res, err, errlen);
	if (x == NULL || !answered(x, 200, &res, err, errlen)) {
		http_free(x);
		return res;
	}
	struct proto_error e;
	enum proto_status st = proto_inbox_list_decode(x->body, x->len, out, &e);
	http_free(x);
	if (st == PROTO_OK)
		return SYNC_INBOX_OK;
	proto_inbox_list_free(out);
	snprintf(err, errlen, "%s", _("Jawaban server tidak dapat dibaca."));
	return SYNC_INBOX_REFUSED;
}

/* "<8 hex>-<name>" with the name's odd characters made "_" */
static bool local_name(const struct proto_inbox_photo *photo, const char *folder, char *path,
	size_t len)
{
	char name[PROTO_FILE_NAME_MAX + 1];
	format_file_name(photo->name, name, sizeof name);
	int w = snprintf(path, len, "%s/%.8s-%s", folder, photo->sha256, name);
	return w > 0 && (size_t)w < len;
}

static bool sha_of(const char *data, size_t n, const char *want)
{
	unsigned char d[crypto_hash_sha256_BYTES];
	char hex[PROTO_SHA256_LEN + 1];
	static const char digits[] = "0123456789abcdef";
	crypto_hash_sha256(d, (const unsigned char *)data, n);
	for (size_t i = 0; i < sizeof d; i++) {
		hex[2 * i] = digits[d[i] >> 4];
		hex[2 * i + 1] = digits[d[i] & 15];
	}
	hex[PROTO_SHA256_LEN] = '\0';
	return strcmp(hex, want) == 0;
}

/* The phone's position at upload goes with the photo into the profile,
 * before the server forgets it (the photo is deleted there next). */
static enum sync_inbox_result keep_position(struct sync *s, const struct proto_inbox_photo *photo,
	char *err, size_t errlen)
{
	if (!photo->has_phone_position || s->store == NULL)
		return SYNC_INBOX_OK;
	if (store_phone_position_put(s->store, photo->sha256, photo->phone.lat, photo->phone.lon,
		photo->phone.accuracy_m) == STORE_OK)
		return SYNC_INBOX_OK;
	snprintf(err, errlen, "%s", store_error(s->store));
	return SYNC_INBOX_LOCAL;
}

enum sync_inbox_result sync_inbox_fetch(struct sync *s, const struct proto_inbox_photo *photo,
	const char *folder, char *path, size_t path_len, char *err, size_t errlen)
{
	if (!format_sha256_hex(photo->sha256) || !local_name(photo, folder, path, path_len)) {
		snprintf(err, errlen, "%s", _("Nama foto dari server tidak sah."));
		return SYNC_INBOX_REFUSED;
	}
	struct stat st;
	if (s->store != NULL ? store_file_has(s->store, path, photo->size)
		: stat(path, &st) == 0 && st.st_size == photo->size)
		return keep_position(s, photo, err, errlen);   /* fetched before (named by its hash) */
	char req[16 + PROTO_SHA256_LEN];
	snprintf(req, sizeof req, "/inbox/%s", photo->sha256);
	enum sync_inbox_result res = SYNC_INBOX_OK;
	struct http_xfer *x = call(s, "GET", req, (size_t)PROTO_PHOTO_MAX, &res, err, errlen);
	if (x == NULL || !answered(x, 200, &res, err, errlen)) {
		http_free(x);
		return res;
	}
	if (!sha_of(x->body, x->len, photo->sha256)) {
		snprintf(err, errlen, "%s", _("Foto rusak di jalan (sidik SHA-256 tidak cocok); "
			"coba lagi."));
		res = SYNC_INBOX_NETWORK;
	} else if (mkdir(folder, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errlen, _("Folder %s tidak dapat dibuat: %s"), folder, strerror(errno));
		res = SYNC_INBOX_LOCAL;
	} else if (!(s->store != NULL ? store_file_write(s->store, path, x->body, x->len)
		: common_write_file(path, x->body, x->len))) {
		/* sealed in a keyed profile's inbox: never a clear photo there */
		snprintf(err, errlen, _("Foto tidak dapat disimpan di %s: %s"), path, strerror(errno));
		res = SYNC_INBOX_LOCAL;
	}
	http_free(x);
	return res == SYNC_INBOX_OK ? keep_position(s, photo, err, errlen) : res;
}

enum sync_inbox_result sync_inbox_delete(struct sync *s, const char *sha256, char *err,
	size_t errlen)
{
	if (!format_sha256_hex(sha256)) {
		snprintf(err, errlen, "%s", _("Nama foto dari server tidak sah."));
		return SYNC_INBOX_REFUSED;
	}
	char req[16 + PROTO_SHA256_LEN];
	snprintf(req, sizeof req, "/inbox/%s", sha256);
	enum sync_inbox_result res = SYNC_INBOX_OK;
	struct http_xfer *x = call(s, "DELETE", req, HTTP_SMALL_MAX, &res, err, errlen);
	if (x != NULL)
		answered(x, 204, &res, err, errlen);
	http_free(x);
	return res;
}
