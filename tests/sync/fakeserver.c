/* fakeserver: a small misbehaving city server for the sync tests.
 *
 *   fakeserver SCENARIO LOGFILE
 *
 * Listens on 127.0.0.1 (a free port), prints "listening on 127.0.0.1:PORT",
 * answers each connection in a thread of its own, as the real server does
 * (Connection: close; the answers themselves one at a time, so that the
 * scenarios' counts stay simple) and appends one line per request to LOGFILE:  "<ms> <METHOD> <target> auth=<0|1> len=<body>".
 * Good answers follow doc/PROTOCOL.md; the SCENARIO swaps some for canned
 * bad ones (see answer()).  Plain sockets only, no libraries: what it sends
 * is exactly what is written here. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#define FAKE_TOKEN "faketoken-0123456789abcdef"
#define SCOPE "36.71.01.1001"

static const char *scenario = "good";
static FILE *log_file;
static int counts[16];               /* requests per route so far */
static int uploads;                  /* photo bodies received */

enum route { R_LOGIN, R_LOGOUT, R_ME, R_BLOB_HEAD, R_BLOB_PUT, R_RECORD, R_RESIDENTS,
	R_CHANGES, R_CANDIDATES, R_OTHER };

struct request {
	char method[16];
	char target[2048];               /* as sent (absolute-form through a proxy) */
	char path[2048];                 /* without scheme, host and query */
	char query[2048];
	bool auth;
	bool expect_continue;
	bool photos_later;               /* "Photos-Later: 1" on a record PUT */
	bool early;                  /* a photo PUT answered before its body */
	long long content_length;
	long long body_len;
};

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static bool send_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return false;
		p += w;
		n -= (size_t)w;
	}
	return true;
}

static bool sendf(int fd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool sendf(int fd, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return n > 0 && send_all(fd, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

/* ---------------------------------------------------------------- reading */

static bool read_head(int fd, char *buf, size_t cap, size_t *len, size_t *head_end)
{
	*len = 0;
	while (*len + 1 < cap) {
		ssize_t r = recv(fd, buf + *len, cap - 1 - *len, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return false;
		*len += (size_t)r;
		buf[*len] = '\0';
		if ((unsigned char)buf[0] == 0x16) {
			/* a TLS handshake to a plain HTTP server: answer in clear text,
			 * as a misconfigured server would */
			sendf(fd, "HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
			return false;
		}
		char *end = strstr(buf, "\r\n\r\n");
		if (end != NULL) {
			*head_end = (size_t)(end - buf) + 4;
			return true;
		}
	}
	return false;
}

static void parse_head(char *buf, struct request *rq)
{
	memset(rq, 0, sizeof *rq);
	rq->content_length = -1;
	char *line_end = strstr(buf, "\r\n");
	if (line_end != NULL)
		*line_end = '\0';
	sscanf(buf, "%15s %2047s", rq->method, rq->target);
	const char *t = rq->target;
	if (strncmp(t, "http://", 7) == 0) {        /* absolute-form: a proxy request */
		t = strchr(t + 7, '/');
		if (t == NULL)
			t = "/";
	}
	snprintf(rq->path, sizeof rq->path, "%s", t);
	char *q = strchr(rq->path, '?');
	if (q != NULL) {
		snprintf(rq->query, sizeof rq->query, "%s", q + 1);
		*q = '\0';
	}
	for (char *h = line_end != NULL ? line_end + 2 : NULL; h != NULL && *h != '\0';) {
		char *e = strstr(h, "\r\n");
		if (e != NULL)
			*e = '\0';
		if (strncasecmp(h, "Authorization: Bearer ", 22) == 0)
			rq->auth = strcmp(h + 22, FAKE_TOKEN) == 0;
		else if (strncasecmp(h, "Content-Length:", 15) == 0)
			rq->content_length = atoll(h + 15);
		else if (strncasecmp(h, "Expect:", 7) == 0 && strstr(h, "100") != NULL)
			rq->expect_continue = true;
		else if (strncasecmp(h, "Photos-Later: 1", 15) == 0)
			rq->photos_later = true;
		h = e != NULL ? e + 2 : NULL;
	}
}

/* Read (and drop) the body; slow: a little at a time with pauses. */
static void read_body(int fd, struct request *rq, size_t already, bool slow)
{
	if (rq->content_length <= 0)
		return;
	if (rq->expect_continue)
		sendf(fd, "HTTP/1.1 100 Continue\r\n\r\n");
	long long left = rq->content_length - (long long)already;
	rq->body_len = (long long)already;
	char buf[65536];
	while (left > 0) {
		size_t want = slow ? 16384 : sizeof buf;
		ssize_t r = recv(fd, buf, (size_t)left < want ? (size_t)left : want, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return;
		left -= r;
		rq->body_len += r;
		if (slow)
			nap_ms(20);
	}
}

static enum route route_of(const struct request *rq)
{
	const char *p = rq->path;
	if (strncmp(p, "/api/v1", 7) != 0)
		return R_OTHER;
	p += 7;
	if (strcmp(p, "/auth/login") == 0)
		return R_LOGIN;
	if (strcmp(p, "/auth/logout") == 0)
		return R_LOGOUT;
	if (strcmp(p, "/me") == 0)
		return R_ME;
	if (strncmp(p, "/blobs/", 7) == 0)
		return strcmp(rq->method, "HEAD") == 0 ? R_BLOB_HEAD : R_BLOB_PUT;
	if (strncmp(p, "/verifications/changes", 22) == 0)
		return R_CHANGES;
	if (strncmp(p, "/verifications/", 15) == 0)
		return R_RECORD;
	if (strcmp(p, "/residents") == 0)
		return R_RESIDENTS;
	if (strcmp(p, "/candidates") == 0)
		return R_CANDIDATES;
	return R_OTHER;
}

/* ---------------------------------------------------------------- answers */

static void reply(int fd, int status, const char *type, const char *extra, const char *body)
{
	static unsigned long id;
	const char *reason = status == 200 ? "OK" : status == 201 ? "Created" : "Status";
	sendf(fd, "HTTP/1.1 %d %s\r\nX-Sigacor-Server: 1\r\nX-Request-Id: %016lx\r\n"
		"Content-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n%s\r\n",
		status, reason, ++id, type, strlen(body), extra != NULL ? extra : "");
	send_all(fd, body, strlen(body));
}

static void json(int fd, int status, const char *body)
{
	reply(fd, status, "application/json", NULL, body);
}

static void problem(int fd, int status, const char *code, bool retryable, const char *detail,
	const char *more, const char *extra_headers)
{
	char body[2048];
	snprintf(body, sizeof body, "{\"type\":\"urn:sigacor:problem:%s\",\"title\":\"%s\","
		"\"status\":%d,\"detail\":\"%s\",\"code\":\"%s\",\"retryable\":%s%s}",
		code, code, status, detail, code, retryable ? "true" : "false",
		more != NULL ? more : "");
	reply(fd, status, "application/problem+json", extra_headers, body);
}

static void session(int fd, bool with_token)
{
	char body[512];
	snprintf(body, sizeof body, "{\"token\":\"%s\",\"operator\":\"fake\",\"device\":\"d\","
		"\"kelurahan\":[\"" SCOPE "\"]}", with_token ? FAKE_TOKEN : "");
	json(fd, 200, body);
}

static const char *const good_residents =
	"{\"items\":["
	"{\"nik\":\"3671015503850002\",\"kk\":\"3671011503120001\",\"name\":\"Sri Wahyuni\","
	"\"sex\":\"P\",\"birth_place\":\"Brebes\",\"birth_date\":\"1985-03-15\","
	"\"address\":\"Jl. Kenanga No. 12\",\"rt\":\"003\",\"rw\":\"011\","
	"\"kelurahan\":\"" SCOPE "\"},"
	"{\"nik\":\"3671011203800001\",\"kk\":\"3671011503120001\",\"name\":\"Budi Santoso\","
	"\"sex\":\"L\",\"birth_place\":\"Tangerang\",\"birth_date\":\"1980-03-12\","
	"\"address\":\"Jl. Kenanga No. 12\",\"rt\":\"003\",\"rw\":\"011\","
	"\"kelurahan\":\"" SCOPE "\"}],"
	"\"next_cursor\":\"\",\"has_more\":false,\"total\":2,\"snapshot\":\"f1\"}";

/* good_residents announcing a total of 3 */
static const char *short_residents(void)
{
	static char body[2048];
	const char *at = strstr(good_residents, "\"total\":2");
	snprintf(body, sizeof body, "%.*s\"total\":3%s", (int)(at - good_residents),
		good_residents, at + strlen("\"total\":2"));
	return body;
}

/* good_residents with a registry cursor, as a server whose registry has a
 * changes feed names it */
static const char *residents_with_cursor(void)
{
	static char body[2048];
	snprintf(body, sizeof body, "%.*s,\"registry_cursor\":\"g1\"}",
		(int)(strlen(good_residents) - 1), good_residents);
	return body;
}

/* A resident of good_residents as an item ("{...}"), i: 0 or 1. */
static void good_item(int i, char *out, size_t cap)
{
	const char *from = strchr(good_residents, '[') + 1;
	if (i == 1)
		from = strstr(from, "},{") + 2;
	const char *to = strchr(from, '}') + 1;
	snprintf(out, cap, "%.*s", (int)(to - from), from);
}

/* "wronghint": the registry in two pages whose first names in its header
 * a next cursor other than its own; that cursor's page holds an intruder
 * (the client must go by the page it read, not by the header). */
static void wrong_hint(int fd, const struct request *rq)
{
	char item[1024], body[2048];
	if (strstr(rq->query, "cursor=f1.bogus") != NULL) {
		json(fd, 200, "{\"items\":[{\"nik\":\"3671010101010001\",\"kk\":"
			"\"3671011503120001\",\"name\":\"Penyusup\",\"sex\":\"L\",\"birth_place\":\"\","
			"\"birth_date\":\"2001-01-01\",\"address\":\"\",\"rt\":\"003\",\"rw\":\"011\","
			"\"kelurahan\":\"" SCOPE "\"}],\"next_cursor\":\"\",\"has_more\":false,"
			"\"total\":2,\"snapshot\":\"f1\"}");
		return;
	}
	bool second = strstr(rq->query, "cursor=f1.2") != NULL;
	good_item(second ? 1 : 0, item, sizeof item);
	snprintf(body, sizeof body, "{\"items\":[%s],\"next_cursor\":\"%s\",\"has_more\":%s,"
		"\"total\":2,\"snapshot\":\"f1\"}", item, second ? "" : "f1.2",
		second ? "false" : "true");
	reply(fd, 200, "application/json", second ? NULL : "X-Sigacor-Next-Cursor: f1.bogus\r\n",
		body);
}

/* "expired": a server that serves none of the cursors the laptop holds
 * (another server's, or a restored one): 410 for each feed asked from a
 * cursor, the feeds from their start, a registry cursor with the
 * residents. */
static bool expired_answer(int fd, enum route r, const struct request *rq)
{
	bool from_cursor = strstr(rq->query, "cursor=") != NULL;
	bool progress = strcmp(rq->path, "/api/v1/progress") == 0;
	bool registry = strcmp(rq->path, "/api/v1/residents/changes") == 0;
	if (from_cursor && (progress || registry || r == R_CHANGES))
		problem(fd, 410, "cursor_expired", false, "Penanda halaman sudah tidak berlaku.",
			NULL, NULL);
	else if (progress)
		json(fd, 200, "{\"items\":[],\"next_cursor\":\"p1\",\"has_more\":false,\"total\":-1}");
	else if (r == R_RESIDENTS && strncmp(rq->query, "limit=0", 7) != 0)
		json(fd, 200, residents_with_cursor());
	else
		return false;
	return true;
}

/* The fake holds every photo sent to it, except: "upload", "slowupload",
 * "notjpeg" (which refuses each as no JPEG): it never had them; "missing": it lost them once the first record came,
 * until a photo is sent again. */
static bool has_photos(void)
{
	if (strcmp(scenario, "upload") == 0 || strcmp(scenario, "slowupload") == 0
		|| strcmp(scenario, "notjpeg") == 0)
		return false;
	return strcmp(scenario, "missing") != 0 || uploads > 0 || counts[R_RECORD] == 0;
}

static void good(int fd, enum route r, const struct request *rq)
{
	char body[1024];
	switch (r) {
	case R_LOGIN:
		session(fd, true);
		break;
	case R_LOGOUT:
		json(fd, 200, "{\"status\":\"logged_out\"}");
		break;
	case R_ME:
		session(fd, false);
		break;
	case R_BLOB_HEAD:
		reply(fd, has_photos() ? 200 : 404, "application/json", NULL, "");
		break;
	case R_BLOB_PUT:
		/* had it: 200 with the announced size, as the real server does */
		snprintf(body, sizeof body, "{\"sha256\":\"%.64s\",\"size\":%lld}",
			rq->path + strlen("/api/v1/blobs/"), rq->early ? rq->content_length :
			rq->body_len);
		json(fd, rq->early ? 200 : 201, body);
		break;
	case R_RECORD:
		/* the fake does not track which photos a record names: a record
		 * sent before its photos always waits for them (the client sends
		 * each, answered at once when the fake holds it) */
		snprintf(body, sizeof body, "{\"id\":\"%.36s\",\"status\":\"accepted\",\"flags\":[],"
			"\"received_at\":\"2026-01-01T00:00:00Z\"%s}",
			rq->path + strlen("/api/v1/verifications/"),
			rq->photos_later ? ",\"photos_waiting\":3" : "");
		json(fd, 201, body);
		break;
	case R_RESIDENTS:
		if (strstr(rq->query, "limit=0") != NULL && strstr(rq->query, "limit=0") == rq->query)
			json(fd, 200, "{\"items\":[],\"next_cursor\":\"\",\"has_more\":false,"
				"\"total\":2,\"snapshot\":\"f1\"}");
		else
			json(fd, 200, good_residents);
		break;
	case R_CHANGES:
		json(fd, 200, "{\"items\":[],\"next_cursor\":\"c1\",\"has_more\":false,\"total\":-1}");
		break;
	case R_CANDIDATES:
		json(fd, 200, "{\"items\":[{\"kk\":\"3671011503120001\",\"nik\":\"3671015503850002\","
			"\"kelurahan\":\"" SCOPE "\",\"program\":\"PKH\"}],\"next_cursor\":\"\","
			"\"has_more\":false,\"total\":1,\"snapshot\":\"c1\"}");
		break;
	default:
		problem(fd, 404, "not_found", false, "Alamat ini tidak ada di server.", NULL, NULL);
		break;
	}
}

/* The connection is cut hard: a TCP reset, not a clean close. */
static void reset(int fd)
{
	struct linger lg = { 1, 0 };
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}

static bool is(const char *name)
{
	return strcmp(scenario, name) == 0;
}

/* One answer; returns false when the connection must be reset. */
static bool answer(int fd, enum route r, const struct request *rq)
{
	int n = counts[r];                  /* earlier requests of this route */
	if (is("portal")) {            /* a captive portal: 200, HTML, no marker */
		static const char page[] = "<html><body>Login WiFi Kelurahan</body></html>";
		sendf(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %zu\r\n"
			"Connection: close\r\n\r\n%s", strlen(page), page);
		return true;
	}
	if (is("htmlmarker") && r == R_ME) {   /* our marker, but HTML */
		reply(fd, 200, "text/html", NULL, "<html><body>Maintenance</body></html>");
		return true;
	}
	if (is("redirect")) {
		sendf(fd, "HTTP/1.1 302 Found\r\nLocation: http://portal.invalid/\r\n"
			"Content-Length: 0\r\nConnection: close\r\n\r\n");
		return true;
	}
	if (is("reset"))
		return false;
	if (is("huge") && r == R_ME) {
		sendf(fd, "HTTP/1.1 200 OK\r\nX-Sigacor-Server: 1\r\nContent-Type: application/json\r\n"
			"Content-Length: 209715200\r\nConnection: close\r\n\r\n{\"token\":\"");
		char junk[65536];
		memset(junk, 'A', sizeof junk);
		for (int i = 0; i < 3200 && send_all(fd, junk, sizeof junk); i++)
			;
		return true;
	}
	if (is("drip") && r == R_ME) {
		sendf(fd, "HTTP/1.1 200 OK\r\nX-Sigacor-Server: 1\r\nContent-Type: application/json\r\n"
			"Content-Length: 1000\r\nConnection: close\r\n\r\n");
		for (int i = 0; i < 1000 && send_all(fd, " ", 1); i++)
			nap_ms(300);
		return true;
	}
	if (is("wrongtypes") && r == R_ME) {
		json(fd, 200, "{\"token\":\"\",\"operator\":42,\"device\":\"d\",\"kelurahan\":\"" SCOPE "\"}");
		return true;
	}
	if (is("truncated") && r == R_RECORD) {
		sendf(fd, "HTTP/1.1 201 Created\r\nX-Sigacor-Server: 1\r\nContent-Type: application/json\r\n"
			"Content-Length: 300\r\nConnection: close\r\n\r\n{\"id\":\"0f8fad5b-d9cb-469f");
		return true;
	}
	if (is("badjson") && r == R_RECORD) {
		json(fd, 201, "{\"id\": \"0f8fad5b-d9cb-469f-a165-70867728950e\", \"status\": ");
		return true;
	}
	if (is("niknumber") && r == R_RESIDENTS && strncmp(rq->query, "limit=0", 7) != 0) {
		json(fd, 200, "{\"items\":[{\"nik\":3671015503850002,\"kk\":\"3671011503120001\","
			"\"name\":\"Sri\",\"sex\":\"P\",\"birth_place\":\"\",\"birth_date\":\"1985-03-15\","
			"\"address\":\"\",\"rt\":\"003\",\"rw\":\"011\",\"kelurahan\":\"" SCOPE "\"}],"
			"\"next_cursor\":\"\",\"has_more\":false,\"total\":1,\"snapshot\":\"f1\"}");
		return true;
	}
	if (is("outscope") && r == R_RESIDENTS && strncmp(rq->query, "limit=0", 7) != 0) {
		json(fd, 200, "{\"items\":[{\"nik\":\"3671015503850002\",\"kk\":\"3671011503120001\","
			"\"name\":\"Sri\",\"sex\":\"P\",\"birth_place\":\"\",\"birth_date\":\"1985-03-15\","
			"\"address\":\"\",\"rt\":\"003\",\"rw\":\"011\",\"kelurahan\":\"36.71.02.1001\"}],"
			"\"next_cursor\":\"\",\"has_more\":false,\"total\":1,\"snapshot\":\"f1\"}");
		return true;
	}
	if (is("wronghint") && r == R_RESIDENTS && strncmp(rq->query, "limit=0", 7) != 0) {
		wrong_hint(fd, rq);
		return true;
	}
	if (is("shortpage") && r == R_RESIDENTS) {
		/* pages and total that disagree: 3 announced, 2 sent */
		if (strncmp(rq->query, "limit=0", 7) == 0)
			json(fd, 200, "{\"items\":[],\"next_cursor\":\"\",\"has_more\":false,"
				"\"total\":3,\"snapshot\":\"f1\"}");
		else
			json(fd, 200, short_residents());
		return true;
	}
	if (is("expired") && rq->auth && expired_answer(fd, r, rq))
		return true;
	if (is("deposit") && rq->auth && strcmp(rq->path, "/api/v1/auth/deposit-token") == 0) {
		/* a server that gives a session logged in before them a deposit token */
		json(fd, 200, "{\"token\":\"\",\"operator\":\"fake\",\"device\":\"d\",\"kelurahan\":[\""
			SCOPE "\"],\"deposit_token\":\"fakedeposit-0123456789abcdef\"}");
		return true;
	}
	if (is("notjpeg") && r == R_BLOB_PUT) {
		problem(fd, 422, "not_jpeg", false, "Berkas ini bukan foto JPEG.", NULL, NULL);
		return true;
	}
	if (is("e500") && r == R_RECORD && n < 2) {
		problem(fd, 500, "internal", true, "Terjadi kesalahan di server.", NULL, NULL);
		return true;
	}
	if (is("e429") && r == R_RECORD && n < 1) {
		problem(fd, 429, "too_many_requests", true, "Server sibuk.", NULL,
			"Retry-After: 2\r\n");
		return true;
	}
	if (is("proxy503") && r == R_RECORD && n < 1) {
		/* a proxy in front of a restarting server: no marker, HTML */
		sendf(fd, "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/html\r\n"
			"Content-Length: 21\r\nConnection: close\r\n\r\n<html>Gateway</html>\n");
		return true;
	}
	if (is("q422") && r == R_RECORD && n < 1) {
		problem(fd, 422, "validation", false, "Rekaman tidak memenuhi aturan verifikasi.",
			",\"errors\":[\"photo_ktp\"]", NULL);
		return true;
	}
	if (is("missing") && r == R_RECORD && n < 1) {
		char more[256];
		snprintf(more, sizeof more, ",\"missing_blobs\":[\"%064d\"]", 0);
		problem(fd, 422, "missing_blobs", false, "Server belum menerima semua foto.", more, NULL);
		return true;
	}
	if (is("e401") && r == R_ME) {
		problem(fd, 401, "unauthorized", false, "Sesi tidak berlaku lagi.", NULL, NULL);
		return true;
	}
	if (is("e403") && r == R_ME) {
		problem(fd, 403, "operator_disabled", false, "Akun dinonaktifkan.", NULL, NULL);
		return true;
	}
	if (is("e404") && r == R_RECORD) {
		problem(fd, 404, "not_found", false, "Alamat ini tidak ada.", NULL, NULL);
		return true;
	}
	if (r != R_LOGIN && r != R_OTHER && !rq->auth) {
		problem(fd, 401, "unauthorized", false, "Belum masuk.", NULL, NULL);
		return true;
	}
	good(fd, r, rq);
	return true;
}

/* the scenario's state (counts, uploads, the log) */
static pthread_mutex_t state_lock = PTHREAD_MUTEX_INITIALIZER;

static void serve_one(int fd)
{
	char head[65536];
	size_t len = 0, head_end = 0;
	if (!read_head(fd, head, sizeof head, &len, &head_end))
		return;
	size_t already = len - head_end;
	struct request rq;
	parse_head(head, &rq);
	enum route r = route_of(&rq);
	/* like the real server: a photo it holds is answered at once when the
	 * client waits for "100 Continue", and the body never travels */
	pthread_mutex_lock(&state_lock);
	rq.early = r == R_BLOB_PUT && rq.expect_continue && already == 0 && has_photos();
	pthread_mutex_unlock(&state_lock);
	/* bodies are read side by side, as a photo sent ahead of another */
	if (!is("reset") && !rq.early)
		read_body(fd, &rq, already, is("slowupload") && r == R_BLOB_PUT);
	pthread_mutex_lock(&state_lock);
	uploads += !is("reset") && !rq.early && r == R_BLOB_PUT && rq.body_len > 0;
	fprintf(log_file, "%lld %s %s auth=%d len=%lld%s\n", now_ms(), rq.method, rq.target,
		rq.auth, rq.body_len, rq.early ? " early" : "");
	fflush(log_file);
	if (!answer(fd, r, &rq))
		reset(fd);
	counts[r]++;
	pthread_mutex_unlock(&state_lock);
}

static void *serve_thread(void *arg)
{
	int fd = (int)(intptr_t)arg;
	serve_one(fd);
	close(fd);
	return NULL;
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: fakeserver SCENARIO LOGFILE\n");
		return 2;
	}
	scenario = argv[1];
	log_file = fopen(argv[2], "a");
	if (log_file == NULL) {
		perror(argv[2]);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t al = sizeof a;
	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof a) != 0 || listen(s, 16) != 0 ||
		getsockname(s, (struct sockaddr *)&a, &al) != 0) {
		perror("fakeserver");
		return 1;
	}
	printf("listening on 127.0.0.1:%d\n", ntohs(a.sin_port));
	fflush(stdout);
	for (;;) {
		int c = accept(s, NULL, NULL);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			return 1;
		}
		/* a client that stops reading must not hold the fake forever */
		struct timeval tv = { 10, 0 };
		setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
		pthread_t t;
		pthread_attr_t attr;
		pthread_attr_init(&attr);
		pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
		if (pthread_create(&t, &attr, serve_thread, (void *)(intptr_t)c) != 0)
			serve_thread((void *)(intptr_t)c);
		pthread_attr_destroy(&attr);
	}
}
