/* sync/http: one libcurl easy handle per request, with the settings every
 * request shares (doc/PROTOCOL.md section 1), a bounded answer buffer and
 * the headers that tell a sigacor server from a captive portal. */
#include "config.h"
#include "sync.h"
#include "sync_int.h"
#include "common.h"
#include "sealed.h"

#include <ctype.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>
#include <strings.h>

static size_t on_body(char *data, size_t size, size_t nmemb, void *ctx)
{
	struct http_xfer *x = ctx;
	size_t n = size * nmemb;
	enum common_append_result r = common_append(&x->body, &x->len, &x->cap, x->limit, data, n);
	if (r == COMMON_TOO_BIG)
		x->too_big = true;
	/* anything but n: curl aborts with CURLE_WRITE_ERROR */
	return r == COMMON_APPENDED ? n : 0;
}

/* "Name: value" -> value (trimmed) into out when the name matches. */
static bool header_value(const char *line, size_t n, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);
	if (n <= nl || line[nl] != ':' || strncasecmp(line, name, nl) != 0)
		return false;
	const char *v = line + nl + 1, *end = line + n;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	size_t len = (size_t)(end - v);
	if (len >= cap)
		len = cap - 1;
	memcpy(out, v, len);
	out[len] = '\0';
	return true;
}

static size_t on_header(char *line, size_t size, size_t nmemb, void *ctx)
{
	struct http_xfer *x = ctx;
	size_t n = size * nmemb;
	char value[96];
	if (n >= 5 && strncmp(line, "HTTP/", 5) == 0) {
		/* a new answer (after "100 Continue"): forget the last one's headers */
		x->marker = false;
		x->content_type[0] = '\0';
		x->request_id[0] = '\0';
		x->upload_offset = -1;
		x->next_cursor[0] = '\0';
	} else if (header_value(line, n, PROTO_NEXT_CURSOR_HEADER, x->next_cursor,
		sizeof x->next_cursor)) {
		/* a hint only: the page's own next_cursor decides (pull.c) */
	} else if (header_value(line, n, "Upload-Offset", value, sizeof value)) {
		char *end;
		long long v = strtoll(value, &end, 10);
		x->upload_offset = end != value && *end == '\0' && v >= 0 ? v : -1;
	} else if (header_value(line, n, PROTO_MARKER_HEADER, value, sizeof value)) {
		x->marker = strcmp(value, PROTO_MARKER_VALUE) == 0;
	} else if (header_value(line, n, "Content-Type", value, sizeof value)) {
		snprintf(x->content_type, sizeof x->content_type, "%s", value);
	} else if (header_value(line, n, "X-Request-Id", value, sizeof value)) {
		/* shown to the clerk: keep only what a request id is made of */
		size_t o = 0;
		for (size_t i = 0; value[i] != '\0' && o + 1 < sizeof x->request_id; i++)
			if (isalnum((unsigned char)value[i]) || value[i] == '-')
				x->request_id[o++] = value[i];
		x->request_id[o] = '\0';
	}
	return n;
}

static int on_progress(void *ctx, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
	curl_off_t ulnow)
{
	struct http_xfer *x = ctx;
	x->dlnow = dlnow;
	x->ulnow = ulnow;
	return 0;
}

static size_t on_read(char *buf, size_t size, size_t nmemb, void *ctx)
{
	struct http_xfer *x = ctx;
	size_t n = fread(buf, 1, size * nmemb, x->upload);
	if (n == 0 && ferror(x->upload))
		return CURL_READFUNC_ABORT;
	return n;
}

static int on_seek(void *ctx, curl_off_t offset, int origin)
{
	struct http_xfer *x = ctx;
	if (origin == SEEK_SET)         /* curl counts from the start of the body */
		offset += x->upload_from;
	return fseeko(x->upload, (off_t)offset, origin) == 0 ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
}

static bool add_header(struct http_xfer *x, const char *h)
{
	struct curl_slist *l = curl_slist_append(x->headers, h);
	if (l == NULL)
		return false;
	x->headers = l;
	return true;
}

bool http_add_header(struct http_xfer *x, const char *header)
{
	return add_header(x, header) &&
		curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers) == CURLE_OK;
}

static bool set_common(struct http_xfer *x, const struct sync_config *cfg, const char *ca_file)
{
	CURL *e = x->easy;
	bool ok = true;
#if LIBCURL_VERSION_NUM >= 0x075500
	ok = ok && curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https") == CURLE_OK;
#else
	ok = ok && curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS))
		== CURLE_OK;
#endif
	ok = ok && curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT, cfg->connect_timeout_s) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, cfg->low_speed_limit) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, cfg->low_speed_time_s) == CURLE_OK;
	/* gzip/deflate for the list pages; the limit applies to what it unpacks to */
	ok = ok && curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "") == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK;
	/* certificate checks stay on (libcurl's default); a city CA may be added */
	ok = ok && curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK;
	if (ca_file != NULL && ca_file[0] != '\0')
		ok = ok && curl_easy_setopt(e, CURLOPT_CAINFO, ca_file) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_USERAGENT, "sigacor/" PACKAGE_VERSION) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_ERRORBUFFER, x->errbuf) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_WRITEDATA, x) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_HEADERDATA, x) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_XFERINFOFUNCTION, on_progress) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_XFERINFODATA, x) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_NOPROGRESS, 0L) == CURLE_OK;
	ok = ok && curl_easy_setopt(e, CURLOPT_PRIVATE, x) == CURLE_OK;
	/* never CURLOPT_VERBOSE: it would print the Authorization header */
	return ok;
}

struct http_xfer *http_new(const struct sync_config *cfg, const char *ca_file,
	const char *method, const char *url, const char *token, size_t body_limit)
{
	struct http_xfer *x = calloc(1, sizeof *x);
	if (x == NULL)
		return NULL;
	x->upload_offset = -1;
	x->limit = body_limit;
	x->easy = curl_easy_init();
	bool ok = x->easy != NULL && set_common(x, cfg, ca_file) &&
		curl_easy_setopt(x->easy, CURLOPT_URL, url) == CURLE_OK;
	ok = ok && add_header(x, "Accept: " PROTO_JSON_TYPE ", " PROTO_PROBLEM_TYPE);
	if (ok && token != NULL) {
		char auth[PROTO_TOKEN_MAX + 32];
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		ok = add_header(x, auth);
		memset(auth, 0, sizeof auth);
	}
	if (ok && strcmp(method, "HEAD") == 0)
		ok = curl_easy_setopt(x->easy, CURLOPT_NOBODY, 1L) == CURLE_OK;
	else if (ok && strcmp(method, "POST") == 0)
		ok = curl_easy_setopt(x->easy, CURLOPT_POST, 1L) == CURLE_OK &&
			curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, "") == CURLE_OK &&
			curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE, 0L) == CURLE_OK;
	else if (ok && strcmp(method, "PUT") == 0)
		ok = curl_easy_setopt(x->easy, CURLOPT_CUSTOMREQUEST, "PUT") == CURLE_OK;
	if (ok)
		ok = curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers) == CURLE_OK;
	if (!ok) {
		http_free(x);
		return NULL;
	}
	return x;
}

bool http_set_json(struct http_xfer *x, char *json)
{
	free(x->send_body);
	x->send_body = json;
	if (json == NULL)
		return false;
	/* a JSON body is small: no "Expect: 100-continue" round trip */
	return add_header(x, "Content-Type: " PROTO_JSON_TYPE) && add_header(x, "Expect:") &&
		curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_POSTFIELDS, json) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(json))
			== CURLE_OK;
}

/* the body read from the file (curl's read and seek callbacks) */
static bool upload_from_file(struct http_xfer *x, int64_t size, int64_t offset)
{
	return curl_easy_setopt(x->easy, CURLOPT_HTTPHEADER, x->headers) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_CUSTOMREQUEST, NULL) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_UPLOAD, 1L) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_READFUNCTION, on_read) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_READDATA, x) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_SEEKFUNCTION, on_seek) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_SEEKDATA, x) == CURLE_OK &&
		curl_easy_setopt(x->easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)(size - offset))
			== CURLE_OK;
}

bool http_set_sealed_file(struct http_xfer *x, const char *path, int64_t size)
{
	x->upload = fopen(path, "rb");
	if (x->upload == NULL)
		return false;
	x->upload_size = size;
	x->upload_from = 0;
	return add_header(x, "Content-Type: " SEALED_TYPE) && add_header(x, "Expect:")
		&& upload_from_file(x, size, 0);
}

bool http_set_photo(struct http_xfer *x, unsigned char *data, size_t len, int64_t offset)
{
	char resume[48];
	x->upload_data = data;
	x->upload_data_len = len;
	/* the clear bytes stay in memory: read by curl through a memory stream,
	 * never written to a temp file */
	x->upload = data != NULL && len > 0 ? fmemopen(data, len, "rb") : NULL;
	if (x->upload == NULL)
		return false;
	int64_t size = (int64_t)len;
	if (offset < 0 || offset > size || fseeko(x->upload, (off_t)offset, SEEK_SET) != 0)
		return false;
	x->upload_size = size;
	x->upload_from = offset;
	snprintf(resume, sizeof resume, "Upload-Offset: %lld", (long long)offset);
	/* UPLOAD makes it a PUT with the body read from the stream; the server
	 * answers 200 (has it) or 413 to "Expect: 100-continue" before the body
	 * travels.  Asked for whatever the size (libcurl adds it only over
	 * 1 MB): a photo the server holds then never costs its bytes again */
	return add_header(x, "Content-Type: " PROTO_BLOB_TYPE) &&
		add_header(x, "Expect: 100-continue") && add_header(x, resume) &&
		upload_from_file(x, size, offset);
}

void http_finish(struct http_xfer *x, CURLcode result)
{
	x->result = result;
	long status = 0;
	curl_easy_getinfo(x->easy, CURLINFO_RESPONSE_CODE, &status);
	x->status = status;
	curl_off_t after = 0;
	if (curl_easy_getinfo(x->easy, CURLINFO_RETRY_AFTER, &after) == CURLE_OK && after > 0)
		x->retry_after_s = after > 86400 ? 86400 : (long)after;
}

bool http_status_transient(long status)
{
	return status == 408 || status == 429 || status == 500 || status == 502 ||
		status == 503 || status == 504;
}

static bool tls_failure(CURLcode rc)
{
	switch (rc) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_USE_SSL_FAILED:
		return true;
	default:
		return false;
	}
}

static bool network_failure(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
	case CURLE_HTTP2:
	case CURLE_HTTP2_STREAM:
	case CURLE_SEND_FAIL_REWIND:
	case CURLE_BAD_CONTENT_ENCODING:   /* a gzip stream cut short */
		return true;
	default:
		return false;
	}
}

enum http_class http_classify(const struct http_xfer *x)
{
	if (x->too_big)
		return HTTP_TOO_BIG;
	if (x->result == CURLE_READ_ERROR || x->result == CURLE_ABORTED_BY_CALLBACK)
		return HTTP_LOCAL;
	if (tls_failure(x->result))
		return HTTP_TLS;
	if (network_failure(x->result))
		return HTTP_TRANSIENT;
	if (x->result != CURLE_OK)
		return HTTP_BROKEN;
	if (!x->marker) {
		/* a proxy in front of a restarting server answers these itself */
		if (http_status_transient(x->status))
			return HTTP_TRANSIENT;
		return HTTP_PORTAL;
	}
	return HTTP_ANSWERED;
}

void http_free(struct http_xfer *x)
{
	if (x == NULL)
		return;
	if (x->easy != NULL)
		curl_easy_cleanup(x->easy);
	curl_slist_free_all(x->headers);
	if (x->upload != NULL)
		fclose(x->upload);
	if (x->upload_data != NULL)      /* a clear photo */
		sodium_memzero(x->upload_data, x->upload_data_len);
	free(x->upload_data);
	if (x->send_body != NULL)        /* a login body holds the password */
		memset(x->send_body, 0, strlen(x->send_body));
	free(x->send_body);
	free(x->body);
	free(x);
}
