/* inbox_page: the page a clerk's phone opens from the QR code, /u/<code>
 * (doc/PROTOCOL.md "Photo inbox").  No account and no internet on the
 * phone's side: the code opens the page once, the page gets an upload key
 * good until the code expires, and each photo goes up as its own POST
 * (JPEG only, the server's size limit, hashed here, stored crash-safe by
 * blobs.c).  A position the phone gives is stored beside the photo as its
 * own source, never written into the photo.
 *
 *   GET  /u                         a box to type the code (from a vt100 screen)
 *   GET  /u/<code>                  the upload page (once)
 *   GET  /u/upload.js, /u/upload.css
 *   POST /u/<code>/photos           a photo (image/jpeg, X-Upload-Key, X-File-Name)
 *   POST /u/<code>/photos/<sha256>/position   {"lat","lon","accuracy_m"} */
#include "config.h"
#include "server.h"
#include "common.h"
#include "format.h"

#include <ctype.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

enum page_route { PAGE_NONE, PAGE_ENTER, PAGE_ASSET, PAGE_OPEN, PAGE_PHOTO, PAGE_POSITION };

struct inbox_page {
	enum page_route route;
	int status;
	size_t out_bytes;
	bool replied;
	char code[PROTO_INBOX_CODE_LEN + 1];
	char sha256[PROTO_SHA256_LEN + 1];
	char asset[32];
	char name[PROTO_FILE_NAME_MAX + 1];
	long long operator_id;
	struct blob_upload *blob;
	long long received;
	bool too_large;
	char *body;                     /* a position's JSON */
	size_t len, cap;
};

bool inbox_page_owns(const char *url)
{
	return strcmp(url, "/u") == 0 || strncmp(url, "/u/", 3) == 0;
}

void inbox_page_log(const struct inbox_page *p, int *status, size_t *out)
{
	if (p != NULL) {
		*status = p->status;
		*out = p->out_bytes;
	}
}

void inbox_page_free(struct inbox_page *p)
{
	if (p == NULL)
		return;
	blob_upload_abort(p->blob);
	free(p->body);
	free(p);
}

/* ---------------------------------------------------------------- replies */

static int page_queue(struct MHD_Connection *c, struct inbox_page *p, int status,
	struct MHD_Response *resp, const char *type)
{
	if (type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, PROTO_MARKER_HEADER, PROTO_MARKER_VALUE);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "Content-Security-Policy", "default-src 'self'; "
		"img-src 'self' blob: data:; style-src 'self'; script-src 'self'; object-src 'none'; "
		"base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	p->status = status;
	p->replied = true;
	int ret = MHD_queue_response(c, (unsigned)status, resp);
	MHD_destroy_response(resp);
	return ret;
}

/* body is taken over (NULL: out of memory) */
static int page_send(struct MHD_Connection *c, struct inbox_page *p, int status, char *body,
	const char *type)
{
	if (body == NULL)
		return MHD_NO;
	p->out_bytes = strlen(body);
	struct MHD_Response *resp = MHD_create_response_from_buffer(p->out_bytes, body,
		MHD_RESPMEM_MUST_FREE);
	if (resp == NULL) {
		free(body);
		return MHD_NO;
	}
	return page_queue(c, p, status, resp, type);
}

static int send_problem(struct MHD_Connection *c, struct inbox_page *p, enum problem pr,
	const char *detail)
{
	struct reply rep;
	reply_problem(&rep, pr, detail);
	return page_send(c, p, rep.status, rep.body, PROTO_PROBLEM_TYPE);
}

static char *html_page(const char *title, const char *body_html)
{
	size_t n = strlen(title) + strlen(body_html) + 512;
	char *out = malloc(n);
	if (out != NULL)
		snprintf(out, n, "<!DOCTYPE html>\n<html lang=\"id\"><head><meta charset=\"utf-8\">"
			"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
			"<title>%s</title><link rel=\"stylesheet\" href=\"/u/upload.css\"></head>"
			"<body>%s</body></html>\n", title, body_html);
	return out;
}

/* The code box, also the answer to a code that no longer works: both
 * languages on one page, the phone's owner may read either. */
static int send_enter(struct MHD_Connection *c, struct inbox_page *p, int status,
	const char *why)
{
	char body[2048];
	snprintf(body, sizeof body, "<main><h1>Kotak foto sigacor <small>/ photo inbox</small></h1>"
		"%s%s%s<form method=\"get\" action=\"/u\"><label for=\"code\">Kode dari layar sigacor "
		"/ code on the sigacor screen</label><input id=\"code\" name=\"code\" "
		"autocomplete=\"off\" autocapitalize=\"characters\" maxlength=\"16\" required>"
		"<button type=\"submit\">Buka / open</button></form></main>",
		why != NULL ? "<p class=\"problem\" role=\"alert\">" : "", why != NULL ? why : "",
		why != NULL ? "</p>" : "");
	return page_send(c, p, status, html_page("Kotak foto sigacor", body), "text/html; charset=utf-8");
}

static int send_upload_page(struct MHD_Connection *c, struct inbox_page *p, const char *key)
{
	char body[2048];
	snprintf(body, sizeof body, "<main id=\"inbox\" data-code=\"%s\" data-key=\"%s\">"
		"<h1>Kotak foto sigacor</h1><p id=\"intro\"></p>"
		"<label class=\"pick\" for=\"photos\"><span id=\"pick-label\"></span>"
		"<input id=\"photos\" type=\"file\" accept=\"image/jpeg\" multiple></label>"
		"<ul id=\"list\" aria-live=\"polite\"></ul><p id=\"status\" role=\"status\"></p>"
		"</main><script src=\"/u/upload.js\"></script>", p->code, key);
	return page_send(c, p, 200, html_page("Kotak foto sigacor", body), "text/html; charset=utf-8");
}

static int send_asset(struct MHD_Connection *c, struct inbox_page *p)
{
	const struct inbox_config *cfg = inbox_config();
	char path[4096];
	const char *type = strstr(p->asset, ".js") != NULL ? "text/javascript; charset=utf-8"
		: "text/css; charset=utf-8";
	int fd = cfg->assets != NULL && snprintf(path, sizeof path, "%s/%s", cfg->assets,
		p->asset) < (int)sizeof path ? open(path, O_RDONLY | O_CLOEXEC) : -1;
	struct stat st;
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		return send_problem(c, p, PROBLEM_NOT_FOUND, NULL);
	}
	struct MHD_Response *resp = MHD_create_response_from_fd((size_t)st.st_size, fd);
	if (resp == NULL) {
		close(fd);
		return MHD_NO;
	}
	p->out_bytes = (size_t)st.st_size;
	return page_queue(c, p, 200, resp, type);
}

/* ---------------------------------------------------------------- routes */

/* "abcd-efgh 23" -> "ABCDEFGH23": what a person types from the screen */
static void normalise_code(const char *in, char out[PROTO_INBOX_CODE_LEN + 1])
{
	size_t n = 0;
	for (; in != NULL && *in != '\0'; in++) {
		if (*in == ' ' || *in == '-')
			continue;
		if (n == PROTO_INBOX_CODE_LEN) {
			n = 0;
			break;
		}
		out[n++] = (char)toupper((unsigned char)*in);
	}
	out[n] = '\0';
}

static enum page_route route_of(const char *url, struct inbox_page *p)
{
	if (strcmp(url, "/u") == 0 || strcmp(url, "/u/") == 0)
		return PAGE_ENTER;
	const char *rest = url + 3;
	if (strcmp(rest, "upload.js") == 0 || strcmp(rest, "upload.css") == 0) {
		snprintf(p->asset, sizeof p->asset, "%s", rest);
		return PAGE_ASSET;
	}
	if (strlen(rest) < PROTO_INBOX_CODE_LEN)
		return PAGE_NONE;
	memcpy(p->code, rest, PROTO_INBOX_CODE_LEN);
	p->code[PROTO_INBOX_CODE_LEN] = '\0';
	if (!proto_is_inbox_code(p->code))
		return PAGE_NONE;
	rest += PROTO_INBOX_CODE_LEN;
	if (*rest == '\0')
		return PAGE_OPEN;
	if (strcmp(rest, "/photos") == 0)
		return PAGE_PHOTO;
	if (strncmp(rest, "/photos/", 8) == 0 && strlen(rest + 8) == PROTO_SHA256_LEN + 9
		&& strcmp(rest + 8 + PROTO_SHA256_LEN, "/position") == 0) {
		memcpy(p->sha256, rest + 8, PROTO_SHA256_LEN);
		p->sha256[PROTO_SHA256_LEN] = '\0';
		return format_sha256_hex(p->sha256) ? PAGE_POSITION : PAGE_NONE;
	}
	return PAGE_NONE;
}

static int on_open(struct MHD_Connection *c, struct inbox_page *p)
{
	char key[INBOX_KEY_HEX + 1];
	switch (inbox_code_open(p->code, key)) {
	case INBOX_CODE_OPENED:
		return send_upload_page(c, p, key);
	case INBOX_CODE_USED:
		return send_enter(c, p, 410, "Kode ini sudah dipakai. Minta kode baru di layar sigacor. "
			"/ This code was already used; ask sigacor for a new one.");
	case INBOX_CODE_EXPIRED:
		return send_enter(c, p, 410, "Kode ini sudah kedaluwarsa. Minta kode baru di layar "
			"sigacor. / This code has expired; ask sigacor for a new one.");
	case INBOX_CODE_UNKNOWN:
		return send_enter(c, p, 404, "Kode tidak dikenal; periksa lagi. / Unknown code; "
			"check it again.");
	case INBOX_CODE_FAILED:
		break;
	}
	return send_problem(c, p, PROBLEM_BUSY, NULL);
}

static bool content_type_is(struct MHD_Connection *c, const char *want)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen(want);
	return ct != NULL && strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';');
}

/* everything the headers decide for the two POSTs */
static int on_post_headers(struct MHD_Connection *c, struct inbox_page *p)
{
	const char *key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Upload-Key");
	if (!inbox_code_check(p->code, key, &p->operator_id))
		return send_problem(c, p, PROBLEM_UNAUTHORIZED, _("Kode kotak foto tidak berlaku lagi; "
			"minta kode baru di layar sigacor."));
	if (p->route == PAGE_POSITION)
		return content_type_is(c, PROTO_JSON_TYPE) ? MHD_YES : send_problem(c, p,
			PROBLEM_UNSUPPORTED_MEDIA_TYPE, _("Isi harus berjenis application/json."));
	if (!content_type_is(c, PROTO_BLOB_TYPE))
		return send_problem(c, p, PROBLEM_UNSUPPORTED_MEDIA_TYPE,
			_("Foto harus dikirim sebagai image/jpeg."));
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL && strtoll(cl, NULL, 10) > api_config()->max_photo)
		return send_problem(c, p, PROBLEM_TOO_LARGE, _("Foto melebihi batas ukuran server."));
	format_file_name(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-File-Name"), p->name,
		sizeof p->name);
	p->blob = blob_upload_begin_unnamed(inbox_dir());
	return p->blob != NULL ? MHD_YES : send_problem(c, p, PROBLEM_INTERNAL, NULL);
}

static void on_post_data(struct inbox_page *p, const char *data, size_t size)
{
	p->received += (long long)size;
	if (p->route == PAGE_POSITION) {
		if (!p->too_large && common_append(&p->body, &p->len, &p->cap, PROTO_LOGIN_MAX, data,
			size) != COMMON_APPENDED)
			p->too_large = true;
		return;
	}
	if (p->received > api_config()->max_photo) {
		blob_upload_abort(p->blob);
		p->blob = NULL;
		p->too_large = true;
	}
	if (p->blob != NULL)
		blob_upload_write(p->blob, data, size);
}

static int on_photo_done(struct MHD_Connection *c, struct inbox_page *p)
{
	if (p->too_large || p->blob == NULL)
		return send_problem(c, p, PROBLEM_TOO_LARGE, _("Foto melebihi batas ukuran server."));
	struct proto_blob_answer ans = { .size = blob_upload_size(p->blob) };
	enum blob_result br = blob_upload_finish_named(p->blob, ans.sha256);
	p->blob = NULL;
	if (br == BLOB_NOT_JPEG)
		return send_problem(c, p, PROBLEM_NOT_JPEG, NULL);
	if ((br != BLOB_STORED && br != BLOB_HAD_IT)
		|| !inbox_photo_add(p->operator_id, ans.sha256, ans.size, p->name))
		return send_problem(c, p, PROBLEM_BUSY, NULL);
	return page_send(c, p, br == BLOB_STORED ? 201 : 200, proto_blob_answer_encode(&ans),
		PROTO_JSON_TYPE);
}

static int on_position_done(struct MHD_Connection *c, struct inbox_page *p)
{
	struct proto_phone_position pos;
	struct proto_error e;
	if (p->too_large)
		return send_problem(c, p, PROBLEM_TOO_LARGE, NULL);
	if (p->body == NULL || proto_phone_position_decode(p->body, p->len, &pos, &e) != PROTO_OK)
		return send_problem(c, p, PROBLEM_INVALID_FIELD, NULL);
	if (!inbox_position_set(p->operator_id, p->sha256, &pos))
		return send_problem(c, p, PROBLEM_NOT_FOUND, _("Foto ini tidak ada di kotak foto Anda."));
	return page_send(c, p, 200, proto_phone_position_encode(&pos), PROTO_JSON_TYPE);
}

static int on_get(struct MHD_Connection *c, struct inbox_page *p)
{
	switch (p->route) {
	case PAGE_ENTER: {
		const char *typed = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "code");
		char code[PROTO_INBOX_CODE_LEN + 1];
		normalise_code(typed, code);
		if (typed == NULL)
			return send_enter(c, p, 200, NULL);
		if (!proto_is_inbox_code(code))
			return send_enter(c, p, 400, "Kode terdiri dari 10 huruf dan angka. / The code "
				"has 10 letters and digits.");
		snprintf(p->code, sizeof p->code, "%s", code);
		return on_open(c, p);
	}
	case PAGE_ASSET: return send_asset(c, p);
	case PAGE_OPEN: return on_open(c, p);
	default: return send_problem(c, p, PROBLEM_METHOD_NOT_ALLOWED, NULL);
	}
}

int inbox_page_handle(struct MHD_Connection *c, const char *url, const char *method,
	const char *upload_data, size_t *upload_data_size, struct inbox_page **state)
{
	struct inbox_page *p = *state;
	if (p == NULL) {
		p = *state = calloc(1, sizeof *p);
		if (p == NULL)
			return MHD_NO;
		p->route = route_of(url, p);
		if (p->route == PAGE_NONE)
			return send_enter(c, p, 404, "Alamat ini tidak ada. / No such page.");
		bool post = strcmp(method, "POST") == 0;
		if (post != (p->route == PAGE_PHOTO || p->route == PAGE_POSITION))
			return send_problem(c, p, PROBLEM_METHOD_NOT_ALLOWED, NULL);
		return post ? on_post_headers(c, p) : on_get(c, p);
	}
	if (p->replied) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		on_post_data(p, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	return p->route == PAGE_PHOTO ? on_photo_done(c, p) : on_position_done(c, p);
}
