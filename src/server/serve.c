/* serve: `sigacor-server serve`, the HTTP side (libmicrohttpd).
 *
 * libmicrohttpd's few polling threads move bytes; the answers are made by
 * the workers (workers.c): once a request's body has come its connection
 * is suspended, a worker makes the answer and resumes it.  (A thread per
 * connection before: 1,204 runnable threads beside the database's one
 * writer.  Event threads that made answers themselves before that: one
 * slow login stalled every connection of its thread.)  A worker borrows a
 * pooled SQLite connection for reading; writes queue for the one writer
 * (db.c).
 * Bodies are streamed: JSON into a bounded buffer, photos straight to a
 * temporary file while hashing (blobs.c).  Each request is logged in one
 * line without NIKs, names, coordinates, tokens or query strings. */
#include "config.h"
#include "server.h"
#include "format.h"
#include "common.h"
#include "web.h"
#include "sealed.h"
#include "sdb.h"

#include <arpa/inet.h>
#include <errno.h>
#include <libdeflate.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <sodium.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* far above any photo limit, far below overflow */
#define UPLOAD_OFFSET_MAX (1LL << 40)

enum route {
	ROUTE_NONE = 0, ROUTE_LOGIN, ROUTE_LOGOUT, ROUTE_ME, ROUTE_RESIDENTS, ROUTE_CANDIDATES,
	ROUTE_CHANGES, ROUTE_VERIFICATION, ROUTE_BLOB, ROUTE_INBOX_CODES, ROUTE_INBOX,
	ROUTE_INBOX_PHOTO, ROUTE_HEALTHZ, ROUTE_PROGRESS, ROUTE_REGISTRY_CHANGES,
	ROUTE_SEALED_RECORD, ROUTE_SEALED_PHOTO, ROUTE_DEPOSIT_TOKEN,
};

/* log names: the route with its parameter left as a placeholder */
static const char *const route_names[] = {
	"-", "/auth/login", "/auth/logout", "/me", "/residents", "/candidates",
	"/verifications/changes", "/verifications/{id}", "/blobs/{sha256}", "/inbox/codes",
	"/inbox", "/inbox/{sha256}", "/healthz", "/progress", "/residents/changes",
	"/sealed/{id}", "/sealed/{id}/photo", "/auth/deposit-token",
};

struct request {
	enum route route;
	char arg[80];                   /* {id} or {sha256} */
	char request_id[17];
	char method[8];
	int64_t started_us;
	bool authed;
	struct session session;
	bool replied;
	/* JSON body */
	char *body;
	size_t len, cap, limit;
	bool too_large;
	/* photo body */
	struct blob_upload *blob;
	struct sealed_upload *sealed;   /* a sealed photo, opened as it arrives */
	long long received;
	/* for the log */
	int status;
	size_t out_bytes;
	/* the phone's upload page (inbox_page.c) */
	bool page;
	struct inbox_page *page_state;
	/* the dashboard's URLs (web.c) */
	bool web;
	struct web_request *web_state;
	struct guard_conn *guard;       /* the connection's watch (guard.c) */
	/* made on a worker (workers.c) while the connection is suspended:
	 * what the answer needs of the connection, taken before */
	struct work_item work;
	struct MHD_Connection *conn;
	char cursor[PROTO_CURSOR_MAX + 1], limit_text[16];
	bool has_cursor, has_limit, photos_later;
	char address[THROTTLE_ADDRESS_MAX];
	bool answered;                  /* answer holds the worker's reply */
	struct reply answer;
};

/* ---------------------------------------------------------------- replies */

static bool wants_gzip(struct MHD_Connection *c)
{
	const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	if (ae == NULL)
		return false;
	const char *g = strstr(ae, "gzip");
	return g != NULL && strncmp(g, "gzip;q=0", 8) != 0 && strncmp(g, "gzip; q=0", 9) != 0;
}

/* gzip of in, or NULL (then the plain body is sent).  libdeflate
 * compresses a whole buffer at once: at level 5 a registry page of 1,000
 * residents (220 KB) takes 1.0 ms and 28.6 KB, where zlib's level 5 took
 * 1.9 ms and 29.6 KB (zlib was 45 % of the server's CPU in a registry
 * pull); a compressor made for each answer costs about 3 µs and 656 KB
 * while it works (zlib's widest took 260 KB), freed with the answer. */
static char *gzip_buffer(const char *in, size_t len, size_t *out_len)
{
	struct libdeflate_compressor *z = libdeflate_alloc_compressor(5);
	if (z == NULL)
		return NULL;
	size_t cap = libdeflate_gzip_compress_bound(z, len);
	char *out = malloc(cap);
	*out_len = out != NULL ? libdeflate_gzip_compress(z, in, len, out, cap) : 0;
	libdeflate_free_compressor(z);
	if (*out_len == 0) {
		free(out);
		return NULL;
	}
	return out;
}

static enum MHD_Result send_reply(struct MHD_Connection *c, struct request *req,
	struct reply *rep)
{
	bool gz = false;
	if (rep->list && rep->body != NULL && wants_gzip(c)) {
		size_t zlen;
		char *z = gzip_buffer(rep->body, rep->len, &zlen);
		if (z != NULL) {
			free(rep->body);
			rep->body = z;
			rep->len = zlen;
			gz = true;
		}
	}
	struct MHD_Response *resp = rep->file
		? MHD_create_response_from_fd((size_t)rep->file_size, rep->file_fd)
		: rep->body != NULL
		? MHD_create_response_from_buffer(rep->len, rep->body, MHD_RESPMEM_MUST_FREE)
		: MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
	if (resp == NULL) {
		if (rep->file)
			close(rep->file_fd);
		free(rep->body);
		return MHD_NO;
	}
	if (rep->file) {
		rep->len = (size_t)rep->file_size;
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, PROTO_BLOB_TYPE);
	}
	rep->body = NULL;       /* MHD frees it now */
	MHD_add_response_header(resp, PROTO_MARKER_HEADER, PROTO_MARKER_VALUE);
	MHD_add_response_header(resp, "X-Request-Id", req->request_id);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if ((rep->len > 0 && !rep->file) || rep->problem)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, rep->problem
			? PROTO_PROBLEM_TYPE : PROTO_JSON_TYPE "; charset=utf-8");
	if (gz)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	if (rep->list)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	if (rep->next_cursor[0] != '\0')
		MHD_add_response_header(resp, PROTO_NEXT_CURSOR_HEADER, rep->next_cursor);
	if (rep->retry_after > 0) {
		char ra[16];
		snprintf(ra, sizeof ra, "%d", rep->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	if (rep->allow != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, rep->allow);
	if (rep->has_upload_offset) {
		char off[24];
		snprintf(off, sizeof off, "%lld", rep->upload_offset);
		MHD_add_response_header(resp, "Upload-Offset", off);
	}
	req->status = rep->status;
	req->out_bytes = rep->len;
	req->replied = true;
	enum MHD_Result r = MHD_queue_response(c, (unsigned)rep->status, resp);
	MHD_destroy_response(resp);
	return r;
}

static enum MHD_Result send_problem(struct MHD_Connection *c, struct request *req,
	enum problem p, const char *detail)
{
	struct reply rep;
	reply_problem(&rep, p, detail);
	return send_reply(c, req, &rep);
}

/* ---------------------------------------------------------------- routing */

static const char *const methods_of[] = {
	[ROUTE_LOGIN] = "POST", [ROUTE_LOGOUT] = "POST", [ROUTE_ME] = "GET",
	[ROUTE_RESIDENTS] = "GET", [ROUTE_CANDIDATES] = "GET", [ROUTE_CHANGES] = "GET",
	[ROUTE_VERIFICATION] = "PUT", [ROUTE_BLOB] = "HEAD, PUT", [ROUTE_INBOX_CODES] = "POST",
	[ROUTE_INBOX] = "GET", [ROUTE_INBOX_PHOTO] = "GET, DELETE", [ROUTE_HEALTHZ] = "GET",
	[ROUTE_PROGRESS] = "GET", [ROUTE_REGISTRY_CHANGES] = "GET",
	[ROUTE_SEALED_RECORD] = "PUT", [ROUTE_SEALED_PHOTO] = "PUT",
	[ROUTE_DEPOSIT_TOKEN] = "POST",
};

/* serve --no-progress-feed */
static bool no_progress_feed;

static enum route route_of(const char *url, char *arg, size_t arg_cap)
{
	static const struct { const char *path; enum route route; } fixed[] = {
		{ "/auth/login", ROUTE_LOGIN }, { "/auth/logout", ROUTE_LOGOUT }, { "/me", ROUTE_ME },
		{ "/residents", ROUTE_RESIDENTS }, { "/candidates", ROUTE_CANDIDATES },
		{ "/verifications/changes", ROUTE_CHANGES }, { "/inbox/codes", ROUTE_INBOX_CODES },
		{ "/inbox", ROUTE_INBOX }, { "/progress", ROUTE_PROGRESS },
		{ "/residents/changes", ROUTE_REGISTRY_CHANGES },
		{ "/auth/deposit-token", ROUTE_DEPOSIT_TOKEN },
	};
	size_t plen = strlen(PROTO_PREFIX);
	arg[0] = '\0';
	if (strcmp(url, "/healthz") == 0)
		return ROUTE_HEALTHZ;      /* the proxy's probe, outside the API (ops.c) */
	if (strncmp(url, PROTO_PREFIX, plen) != 0)
		return ROUTE_NONE;
	const char *rest = url + plen;
	for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
		if (strcmp(rest, fixed[i].path) == 0)
			return fixed[i].route;
	if (strncmp(rest, "/verifications/", 15) == 0 && strchr(rest + 15, '/') == NULL
		&& strlen(rest + 15) < arg_cap) {
		snprintf(arg, arg_cap, "%s", rest + 15);
		return ROUTE_VERIFICATION;
	}
	if (strncmp(rest, "/blobs/", 7) == 0 && strchr(rest + 7, '/') == NULL
		&& strlen(rest + 7) < arg_cap) {
		snprintf(arg, arg_cap, "%s", rest + 7);
		return ROUTE_BLOB;
	}
	if (strncmp(rest, "/sealed/", 8) == 0 && strlen(rest + 8) < arg_cap) {
		snprintf(arg, arg_cap, "%s", rest + 8);
		char *photo = strchr(arg, '/');
		if (photo == NULL)
			return ROUTE_SEALED_RECORD;
		if (strcmp(photo, "/photo") != 0)
			return ROUTE_NONE;
		*photo = '\0';
		return ROUTE_SEALED_PHOTO;
	}
	if (strncmp(rest, "/inbox/", 7) == 0 && strchr(rest + 7, '/') == NULL
		&& strlen(rest + 7) < arg_cap) {
		snprintf(arg, arg_cap, "%s", rest + 7);
		return ROUTE_INBOX_PHOTO;
	}
	return ROUTE_NONE;
}

static bool method_fits(enum route r, const char *method)
{
	if (r == ROUTE_BLOB)
		return strcmp(method, "HEAD") == 0 || strcmp(method, "PUT") == 0;
	if (r == ROUTE_INBOX_PHOTO)
		return strcmp(method, "GET") == 0 || strcmp(method, "DELETE") == 0;
	return strcmp(method, methods_of[r]) == 0;
}

/* "application/json" or "application/json; charset=utf-8" */
static bool content_type_is(struct MHD_Connection *c, const char *want)
{
	const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	size_t n = strlen(want);
	if (ct == NULL || strncasecmp(ct, want, n) != 0)
		return false;
	return ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ';
}

/* Content-Length if given (-1 when absent or not a number) */
static long long content_length(struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl == NULL || *cl == '\0')
		return -1;
	char *end;
	long long v = strtoll(cl, &end, 10);
	return *end == '\0' && v >= 0 ? v : -1;
}

/* ---------------------------------------------------------------- the handler */

/* The request line and headers together, as the protocol bounds them
 * (16 KiB).  libmicrohttpd itself only refuses what no longer fits its
 * connection memory (CONNECTION_MEMORY, about 32 KiB of headers), with an
 * HTML page of its own. */
#define HEADERS_MAX (16 * 1024)

static enum MHD_Result add_header_size(void *cls, enum MHD_ValueKind kind, const char *key,
	const char *value)
{
	size_t *total = cls;
	(void)kind;
	*total += strlen(key) + (value != NULL ? strlen(value) : 0) + 4;   /* ": " and CRLF */
	return MHD_YES;
}

static bool headers_too_large(struct MHD_Connection *c, const char *url, const char *method)
{
	size_t total = strlen(method) + strlen(url) + 12;                /* " HTTP/1.1\r\n" */
	MHD_get_connection_values(c, MHD_HEADER_KIND, add_header_size, &total);
	return total > HEADERS_MAX;
}

/* "Photos-Later: 1" on a record PUT: the client sends the photos after the
 * record (doc/PROTOCOL.md "Records before their photos") */
static bool photos_later(struct MHD_Connection *c)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Photos-Later");
	return v != NULL && strcmp(v, "1") == 0;
}

/* The Upload-Offset header of a photo PUT: -1 when absent; false when it is
 * not a plain number. */
static bool upload_offset(struct MHD_Connection *c, long long *out)
{
	const char *v = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Upload-Offset");
	*out = -1;
	if (v == NULL)
		return true;
	long long n = 0;
	if (*v == '\0')
		return false;
	for (; *v != '\0'; v++) {
		if (*v < '0' || *v > '9' || n > (UPLOAD_OFFSET_MAX - (*v - '0')) / 10)
			return false;
		n = n * 10 + (*v - '0');
	}
	*out = n;
	return true;
}

/* Everything that can be decided from the headers: route, method, token,
 * content type, size; for a photo also "already have it". */
static enum MHD_Result on_headers(struct MHD_Connection *c, struct request *req,
	const char *url, const char *method)
{
	req->route = route_of(url, req->arg, sizeof req->arg);
	if (req->route == ROUTE_PROGRESS && no_progress_feed)
		req->route = ROUTE_NONE;   /* the answer of a server before the feed */
	if (req->route == ROUTE_NONE)
		return send_problem(c, req, PROBLEM_NOT_FOUND, NULL);
	if (!method_fits(req->route, method)) {
		struct reply rep;
		reply_problem(&rep, PROBLEM_METHOD_NOT_ALLOWED, NULL);
		rep.allow = methods_of[req->route];
		return send_reply(c, req, &rep);
	}
	if (((req->route == ROUTE_VERIFICATION || req->route == ROUTE_SEALED_RECORD
			|| req->route == ROUTE_SEALED_PHOTO) && !proto_is_uuid(req->arg))
		|| ((req->route == ROUTE_BLOB || req->route == ROUTE_INBOX_PHOTO)
			&& !format_sha256_hex(req->arg)))
		return send_problem(c, req, PROBLEM_BAD_REQUEST,
			_("Alamat harus memuat UUID atau SHA-256 huruf kecil."));
	if (req->route != ROUTE_LOGIN && req->route != ROUTE_HEALTHZ) {
		struct reply rep;
		const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
			MHD_HTTP_HEADER_AUTHORIZATION);
		bool deposit_route = req->route == ROUTE_SEALED_RECORD
			|| req->route == ROUTE_SEALED_PHOTO;
		if (!api_authenticate(auth, deposit_route, &req->session, &rep))
			return send_reply(c, req, &rep);
		req->authed = true;
	}
	long long length = content_length(c);
	if (req->route == ROUTE_LOGIN || req->route == ROUTE_VERIFICATION) {
		if (!content_type_is(c, PROTO_JSON_TYPE))
			return send_problem(c, req, PROBLEM_UNSUPPORTED_MEDIA_TYPE,
				_("Isi harus berjenis application/json."));
		req->limit = req->route == ROUTE_LOGIN ? PROTO_LOGIN_MAX : PROTO_JSON_MAX;
	} else if (req->route == ROUTE_SEALED_RECORD || req->route == ROUTE_SEALED_PHOTO) {
		if (!content_type_is(c, SEALED_TYPE))
			return send_problem(c, req, PROBLEM_UNSUPPORTED_MEDIA_TYPE,
				_("Kiriman tersegel harus berjenis application/octet-stream."));
		req->limit = PROTO_JSON_MAX + SEALED_RECORD_OVERHEAD;
		if (req->route == ROUTE_SEALED_PHOTO) {
			struct reply rep;
			if ((req->sealed = sealed_upload_begin(&rep)) == NULL)
				return send_reply(c, req, &rep);
			return MHD_YES;
		}
	} else
		req->limit = PROTO_LOGIN_MAX;      /* logout may carry "{}" */
	if (req->route == ROUTE_BLOB) {
		if (strcmp(method, "HEAD") == 0)
			return MHD_YES;
		const struct api_config *cfg = api_config();
		if (!content_type_is(c, PROTO_BLOB_TYPE))
			return send_problem(c, req, PROBLEM_UNSUPPORTED_MEDIA_TYPE,
				_("Foto harus dikirim sebagai image/jpeg."));
		if (length > cfg->max_photo)
			return send_problem(c, req, PROBLEM_TOO_LARGE, _("Foto melebihi batas ukuran server."));
		long long size;
		if (api_blob_have(req->arg, &size)) {
			struct reply rep;
			api_blob_reply(req->arg, size, false, &rep);
			return send_reply(c, req, &rep);
		}
		long long offset, held;
		if (!upload_offset(c, &offset))
			return send_problem(c, req, PROBLEM_BAD_REQUEST,
				_("Upload-Offset harus bilangan bulat 0 atau lebih."));
		enum blob_begin why;
		req->blob = blob_upload_begin(cfg->dir, req->arg, offset, &why, &held);
		if (req->blob != NULL)
			return MHD_YES;
		if (why == BLOB_BEGIN_BUSY)
			return send_problem(c, req, PROBLEM_BUSY, NULL);
		if (why != BLOB_BEGIN_OFFSET)
			return send_problem(c, req, PROBLEM_INTERNAL, NULL);
		/* answered before the body travels (Expect: 100-continue) */
		struct reply rep;
		reply_problem(&rep, PROBLEM_OFFSET_MISMATCH, NULL);
		rep.has_upload_offset = true;
		rep.upload_offset = held;
		return send_reply(c, req, &rep);
	}
	if (length > (long long)req->limit)
		return send_problem(c, req, PROBLEM_TOO_LARGE, NULL);
	return MHD_YES;
}

/* false: the client keeps sending far past the limit, close the connection */
static bool on_data(struct request *req, const char *data, size_t size)
{
	req->received += (long long)size;
	long long limit = req->route == ROUTE_BLOB ? api_config()->max_photo : (long long)req->limit;
	if (req->received > 2 * limit + 1024 * 1024)
		return false;
	if (req->route == ROUTE_SEALED_PHOTO) {
		/* the size the sealer named is checked against the limit inside */
		if (req->sealed != NULL)
			sealed_upload_data(req->sealed, data, size);
		return req->received <= 2 * api_config()->max_photo + 1024 * 1024;
	}
	if (req->route == ROUTE_BLOB) {
		if (req->blob == NULL)
			return true;
		if (blob_upload_size(req->blob) + (long long)size > api_config()->max_photo) {
			/* chunked upload past the limit: drop it, answer 413 at the end */
			blob_upload_abort(req->blob);
			req->blob = NULL;
			req->too_large = true;
			return true;
		}
		blob_upload_write(req->blob, data, size);
		return true;
	}
	if (!req->too_large && common_append(&req->body, &req->len, &req->cap, req->limit, data,
		size) != COMMON_APPENDED)
		req->too_large = true;
	return true;
}

static void blob_answer(struct request *req, struct reply *rep)
{
	if (strcmp(req->method, "HEAD") == 0) {
		long long size;
		memset(rep, 0, sizeof *rep);
		rep->status = api_blob_have(req->arg, &size) ? 200 : 404;
		/* a photo cut on its way: where to go on from */
		long long held = rep->status == 404 ? blob_partial_size(api_config()->dir, req->arg) : -1;
		rep->has_upload_offset = held >= 0;
		rep->upload_offset = held;
		return;
	}
	if (req->too_large) {
		reply_problem(rep, PROBLEM_TOO_LARGE, _("Foto melebihi batas ukuran server."));
		return;
	}
	long long size = blob_upload_size(req->blob);
	enum blob_result br = blob_upload_finish(req->blob);
	req->blob = NULL;
	api_blob_result(br, req->arg, size, rep);
}

/* The answer of a request whose body has arrived, on a worker: nothing of
 * the connection is used here but what on_complete took from it. */
static void make_answer(struct request *req, struct reply *rep)
{
	const char *cursor = req->has_cursor ? req->cursor : NULL;
	const char *limit = req->has_limit ? req->limit_text : NULL;
	if (req->route == ROUTE_BLOB) {
		blob_answer(req, rep);
		return;
	}
	if (req->route == ROUTE_SEALED_PHOTO) {
		sealed_upload_finish(req->sealed, rep);
		req->sealed = NULL;
		return;
	}
	if (req->too_large) {
		reply_problem(rep, PROBLEM_TOO_LARGE, NULL);
		return;
	}
	switch (req->route) {
	case ROUTE_LOGIN:
		api_login(req->body, req->len, req->address, rep);
		if (req->body != NULL)
			sodium_memzero(req->body, req->len);      /* a password was in it */
		break;
	case ROUTE_LOGOUT: api_logout(&req->session, rep); break;
	case ROUTE_ME: api_me(&req->session, rep); break;
	case ROUTE_DEPOSIT_TOKEN: api_deposit_token(&req->session, rep); break;
	case ROUTE_RESIDENTS: api_residents(&req->session, cursor, limit, rep); break;
	case ROUTE_CANDIDATES: api_candidates(&req->session, cursor, limit, rep); break;
	case ROUTE_CHANGES: api_changes(&req->session, cursor, limit, rep); break;
	case ROUTE_PROGRESS: api_progress(&req->session, cursor, limit, rep); break;
	case ROUTE_REGISTRY_CHANGES:
		api_registry_changes(&req->session, cursor, limit, rep);
		break;
	case ROUTE_VERIFICATION:
		api_verification_put(&req->session, req->arg, req->body, req->len,
			req->photos_later, rep);
		break;
	case ROUTE_SEALED_RECORD:
		api_sealed_record_put(&req->session, req->arg, req->body, req->len, rep);
		break;
	case ROUTE_HEALTHZ: ops_health(rep); break;
	case ROUTE_INBOX_CODES: api_inbox_code_new(&req->session, rep); break;
	case ROUTE_INBOX: api_inbox_list(&req->session, rep); break;
	case ROUTE_INBOX_PHOTO:
		if (strcmp(req->method, "DELETE") == 0)
			api_inbox_delete(&req->session, req->arg, rep);
		else
			api_inbox_fetch(&req->session, req->arg, rep);
		break;
	default:
		reply_problem(rep, PROBLEM_NOT_FOUND, NULL);
		break;
	}
}

static void answer_on_worker(struct work_item *w)
{
	struct request *req = (struct request *)((char *)w - offsetof(struct request, work));
	make_answer(req, &req->answer);
	db_thread_release();
	req->answered = true;
	/* libmicrohttpd calls on_request again, which sends the answer */
	MHD_resume_connection(req->conn);
}

/* What the answer needs of the connection, taken in libmicrohttpd's thread. */
static void take_inputs(struct MHD_Connection *c, struct request *req)
{
	const char *cursor = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "cursor");
	const char *limit = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
	req->has_cursor = cursor != NULL;
	req->has_limit = limit != NULL;
	/* longer than any valid one: refused as invalid by the API, not cut to a valid one */
	snprintf(req->cursor, sizeof req->cursor, "%s", cursor != NULL && strlen(cursor)
		< sizeof req->cursor ? cursor : cursor != NULL ? "\x01too-long" : "");
	snprintf(req->limit_text, sizeof req->limit_text, "%s", limit != NULL && strlen(limit)
		< sizeof req->limit_text ? limit : limit != NULL ? "x" : "");
	req->photos_later = req->route == ROUTE_VERIFICATION && photos_later(c);
	if (req->route == ROUTE_LOGIN) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
			MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		throttle_address(ci != NULL ? ci->client_addr : NULL, req->address,
			sizeof req->address);
	}
}

/* The body has arrived: the answer is made on a worker while the connection
 * is suspended (workers.c), then sent when libmicrohttpd calls again. */
static enum MHD_Result on_complete(struct MHD_Connection *c, struct request *req)
{
	if (req->answered)
		return send_reply(c, req, &req->answer);
	take_inputs(c, req);
	req->conn = c;
	req->work.run = answer_on_worker;
	int retry_after = 0;
	MHD_suspend_connection(c);      /* before the worker can resume it */
	if (!workers_submit(req->route == ROUTE_LOGIN ? WORK_LOGIN : WORK_API, &req->work,
			&retry_after)) {
		/* the queue is longer than its bound: come back later */
		reply_problem(&req->answer, PROBLEM_BUSY, NULL);
		req->answer.retry_after = retry_after;
		req->answered = true;
		MHD_resume_connection(c);
	}
	return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
	const char *method, const char *version, const char *upload_data,
	size_t *upload_data_size, void **con_cls)
{
	struct request *req = *con_cls;
	if (req == NULL) {
		req = calloc(1, sizeof *req);
		if (req == NULL)
			return MHD_NO;
		unsigned char rnd[8];
		randombytes_buf(rnd, sizeof rnd);
		util_hex(rnd, sizeof rnd, req->request_id);
		req->started_us = common_now_us();
		ops_request_started();
		snprintf(req->method, sizeof req->method, "%s", strlen(method) < sizeof req->method
			? method : "?");
		*con_cls = req;
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
			MHD_CONNECTION_INFO_SOCKET_CONTEXT);
		req->guard = ci != NULL ? ci->socket_context : NULL;
		const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
			MHD_HTTP_HEADER_TRANSFER_ENCODING);
		guard_headers_done(req->guard, content_length(c) > 0 || te != NULL);
		bool huge = headers_too_large(c, url, method);
		/* the operations paths are the API's (ops.c): /metrics is not on
		 * this listener, and says so with a 404 rather than a login page */
		bool ops_path = strcmp(url, "/healthz") == 0 || strcmp(url, "/metrics") == 0;
		req->page = !huge && inbox_page_owns(url);
		req->web = !huge && !req->page && !ops_path && web_owns(url);
		enum MHD_Result r = huge ? send_problem(c, req, PROBLEM_HEADERS_TOO_LARGE, NULL)
			: req->page ? (enum MHD_Result)inbox_page_handle(c, url, method, upload_data,
			upload_data_size, &req->page_state)
			: req->web ? (enum MHD_Result)web_handle(c, url, method, upload_data,
			upload_data_size, &req->web_state) : on_headers(c, req, url, method);
		db_thread_release();
		return r;
	}
	if (req->page) {
		req->received += (long long)*upload_data_size;
		if (*upload_data_size > 0)
			guard_body(req->guard, *upload_data_size);
		else
			guard_body_done(req->guard);
		enum MHD_Result r = (enum MHD_Result)inbox_page_handle(c, url, method, upload_data,
			upload_data_size, &req->page_state);
		db_thread_release();
		return r;
	}
	if (req->web) {
		req->received += (long long)*upload_data_size;
		/* the dashboard's form bodies are timed like the API's */
		if (*upload_data_size > 0)
			guard_body(req->guard, *upload_data_size);
		else
			guard_body_done(req->guard);
		enum MHD_Result r = (enum MHD_Result)web_handle(c, url, method, upload_data,
			upload_data_size, &req->web_state);
		db_thread_release();
		return r;
	}
	if (req->replied)
		return MHD_YES;
	if (*upload_data_size > 0) {
		guard_body(req->guard, *upload_data_size);
		bool go_on = on_data(req, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return go_on ? MHD_YES : MHD_NO;
	}
	guard_body_done(req->guard);
	return on_complete(c, req);
}

/* Every connection is watched from accept to close (guard.c).  CLOSED
 * comes before libmicrohttpd closes the socket. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
	enum MHD_ConnectionNotificationCode code)
{
	(void)cls;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c,
			MHD_CONNECTION_INFO_CONNECTION_FD);
		*socket_context = ci != NULL ? guard_open(ci->connect_fd) : NULL;
	} else {
		guard_close(*socket_context);
		*socket_context = NULL;
	}
}

/* One line per request; never a NIK, a name, coordinates, a token or a query. */
static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
	enum MHD_RequestTerminationCode toe)
{
	struct request *req = *con_cls;
	if (req == NULL)
		return;
	guard_request_done(req->guard);      /* the next request's headers are timed */
	int64_t took_us = common_now_us() - req->started_us;
	struct ops_log_line line = { .request_id = req->request_id, .method = req->method,
		.route = route_names[req->route], .in_bytes = req->received,
		.ms = (long long)(took_us / 1000), .role = "op",
		.who = req->authed ? req->session.operator_name : "-",
		.aborted = toe != MHD_REQUEST_TERMINATED_COMPLETED_OK };
	if (req->web) {
		web_request_log(req->web_state, &line.route, &req->status, &req->out_bytes, &line.who);
		line.role = "sv";
	}
	if (req->page) {
		inbox_page_log(req->page_state, &req->status, &req->out_bytes);
		line.route = "/u/{code}";
		line.role = "ph";
	}
	line.status = req->status;
	line.out_bytes = req->out_bytes;
	ops_request_done(line.route, req->status, took_us);
	ops_log_request(&line);
	web_request_free(req->web_state);
	inbox_page_free(req->page_state);
	/* only a cut upload is still open here: its bytes wait for the rest */
	blob_upload_keep(req->blob);
	sealed_upload_free(req->sealed);
	if (req->body != NULL) {
		sodium_memzero(req->body, req->cap);
		free(req->body);
	}
	free(req);
	*con_cls = NULL;
}

/* A connection's memory in libmicrohttpd (headers, read buffer).  Over
 * 32 KiB libmicrohttpd 0.9.75 maps it with mmap(2) for each connection
 * and unmaps it at the end (a TLB shootdown on every core), and zeroes it
 * at each request: at 64 KiB that was 12 % of the server's CPU in a
 * city's burst (doc/BENCHMARKS.md).  At 32 KiB it comes from malloc. */
#define CONNECTION_MEMORY ((size_t)(32 * 1024))

/* libmicrohttpd on the listening socket fd: a few polling threads
 * (poll(2): its epoll mode lost the end of a connection cut mid-upload,
 * cut_link.test), requests suspended while a worker answers them. */
static struct MHD_Daemon *start_daemon(const struct serve_options *o, int fd, bool tls,
	char *cert, char *key)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned pollers = cores < 2 ? 2 : cores > 8 ? 8 : (unsigned)cores;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_ALLOW_SUSPEND_RESUME
		| MHD_USE_POLL | MHD_USE_ERROR_LOG;
	if (tls)
		flags |= MHD_USE_TLS;
	return MHD_start_daemon(flags, 0, NULL, NULL, on_request, NULL,
		MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_THREAD_POOL_SIZE, pollers,
		MHD_OPTION_CONNECTION_LIMIT, o->max_connections,
		MHD_OPTION_PER_IP_CONNECTION_LIMIT, o->max_per_address,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
		MHD_OPTION_THREAD_STACK_SIZE, (size_t)(1024 * 1024),
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60,
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, CONNECTION_MEMORY,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
		tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, key,
		MHD_OPTION_HTTPS_MEM_CERT, cert,
		MHD_OPTION_END);
}

/* The main thread's housekeeping until SIGINT or SIGTERM: the tokens'
 * marks of last use, written every few seconds. */
#define HOUSEKEEPING_S 5

static void wait_for_stop(const sigset_t *stop)
{
	const struct timespec every = { HOUSEKEEPING_S, 0 };
	while (sigtimedwait(stop, NULL, &every) < 0)
		api_tokens_flush();
}

int serve_main(int argc, char **argv)
{
	struct serve_options o;
	if (!serve_options_parse(argc, argv, &o)) {
		serve_usage();
		return 2;
	}
	if (sodium_init() < 0 || !db_prepare_dir(o.dir, true) || !city_key_load_default(o.dir,
		o.city_key))
		return 1;
	bool tls = o.cert != NULL;
	char *cert = NULL, *key = NULL;
	if (tls && (!MHD_is_feature_supported(MHD_FEATURE_TLS)
		|| (cert = serve_read_file(o.cert)) == NULL || (key = serve_read_file(o.key)) == NULL)) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS))
			fprintf(stderr, "sigacor-server: %s\n", _("libmicrohttpd ini tanpa dukungan TLS"));
		free(cert);
		free(key);
		return 1;
	}
	/* held for the process's life: the folder cannot move to PostgreSQL
	 * under a running server */
	if (db_dir_lock(o.dir, false) < 0) {
		fprintf(stderr, "sigacor-server: %s: %s\n", o.dir,
			_("folder data ini sedang dipindahkan ke PostgreSQL"));
		return 1;
	}
	/* the schema is made here, once, before any thread opens the database */
	struct sdb *main_db = db_open(o.dir);
	if (main_db == NULL)
		return 1;
	blob_clean_tmp(o.dir);
	/* "https://kota.example/" and "https://kota.example" name one address */
	char public_url[512] = "";
	if (o.public_url != NULL) {
		snprintf(public_url, sizeof public_url, "%s", o.public_url);
		for (size_t n = strlen(public_url); n > 0 && public_url[n - 1] == '/'; n--)
			public_url[n - 1] = '\0';
	}
	struct inbox_config icfg = { .keep_days = o.inbox_days, .code_minutes = o.inbox_code_minutes,
		.public_url = o.public_url != NULL ? public_url : NULL, .assets = o.web_assets };
	if (!inbox_prepare(main_db, o.dir, icfg.inbox_dir, sizeof icfg.inbox_dir)) {
		sdb_close(main_db);
		return 1;
	}
	inbox_configure(&icfg);
	struct api_config cfg = { .dir = o.dir, .max_photo = o.max_photo_mb * 1024 * 1024 };
	api_configure(&cfg);
	/* photos stored by a server stopped before it told their records */
	if (!api_blobs_reconcile(main_db)) {
		sdb_close(main_db);
		return 1;
	}
	ops_set_json_log(o.json_log);
	struct web_config wcfg = { .dir = o.dir, .assets = o.web_assets, .leaflet = o.leaflet,
		.tiles = o.tiles, .tls = tls };
	web_configure(&wcfg);
	db_thread_init(o.dir);
	inbox_expire();
	char shown[96];
	int fd = serve_listen_on("listen", o.listen, tls ? LISTEN_ANY : LISTEN_LOOPBACK, shown,
		sizeof shown);
	if (fd < 0) {
		sdb_close(main_db);
		free(cert);
		free(key);
		return 2;
	}
	/* the threads inherit this mask; the main thread waits for the signals */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* slow headers and bodies are cut by the watchdog: a body is judged
	 * after twice the header time, at 100 bytes/s (the client's own
	 * low-speed limit) */
	no_progress_feed = o.no_progress_feed;
	struct guard_limits limits = { o.header_timeout_s, 2 * o.header_timeout_s, 100 };
	/* libmicrohttpd's polling threads only move bytes; the answers are
	 * made by the workers (workers.c), a connection suspended meanwhile */
	struct MHD_Daemon *d = NULL;
	/* timed before the first burst of logins can come */
	o.workers.login_seed_us = login_check_cost_us();
	if (kept_start(o.dir) && guard_start(&limits) && workers_start(&o.workers))
		d = start_daemon(&o, fd, tls, cert, key);
	if (d == NULL) {
		fprintf(stderr, "sigacor-server: %s\n", _("server HTTP gagal dimulai"));
		workers_stop();
		kept_stop();
		guard_stop();
		close(fd);
		sdb_close(main_db);
		free(cert);
		free(key);
		return 1;
	}
	char metrics_shown[96];
	if (o.metrics_listen != NULL && !ops_listen(o.metrics_listen, metrics_shown,
		sizeof metrics_shown)) {
		workers_stop();
		MHD_stop_daemon(d);
		kept_stop();
		guard_stop();
		db_close_all();
		sdb_close(main_db);
		free(cert);
		free(key);
		return 2;
	}
	/* before "listening on": whoever waits for that line finds both */
	if (o.metrics_listen != NULL)
		printf("metrics listening on %s\n", metrics_shown);
	printf("listening on %s\n", shown);
	fflush(stdout);
	fprintf(stderr, "sigacor-server: %s %s%s\n", _("mendengar di"), shown, tls ? " (HTTPS)" : "");
	wait_for_stop(&stop);
	fprintf(stderr, "sigacor-server: %s\n", _("berhenti"));
	ops_listen_stop();
	/* the queued answers are made and their connections resumed first:
	 * libmicrohttpd stops no suspended connection */
	workers_stop();
	api_tokens_flush();
	MHD_stop_daemon(d);
	kept_stop();
	guard_stop();
	unsigned long long cut_headers, cut_bodies;
	guard_counts(&cut_headers, &cut_bodies);
	if (cut_headers + cut_bodies > 0)
		fprintf(stderr, _("sigacor-server: %llu sambungan lambat diputus (%llu saat header, "
			"%llu saat isi)\n"), cut_headers + cut_bodies, cut_headers, cut_bodies);
	db_close_all();
	sdb_close(main_db);
	free(cert);
	free(key);
	return 0;
}
