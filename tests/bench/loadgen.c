/* loadgen: the whole city syncing at once against a sigacor-server on
 * 127.0.0.1, for the benchmarks.
 *   loadgen --port PORT[,PORT...] --operators FILE --password PW --tokens FILE
 *           [--photo-kb N] [--max-seconds S]
 *           [--residents CSV --households-used FILE] [--server-pid PID]
 * (with several ports, one per server process, operator i talks to the
 * (i mod n)-th, as nginx spreads clerks over the processes)
 * FILE has one operator a line: "NAME KELURAHAN NIK" (a resident of that
 * kelurahan).  First every operator is logged in (a few at a time; tokens
 * are kept in --tokens and reused while the server accepts them, since a
 * login costs an Argon2id hash on purpose), and each operator's cursors of
 * the two feeds are read to their end (as a laptop keeps them from its last
 * sync).  Then all operators start at the same moment, each on its own
 * connection, and each runs one sync session as sigacor's sync does at the
 * end of a day (src/sync: push.c, pull.c):
 *   GET /me; PUT /verifications/{id} with "Photos-Later: 1" (records
 *   before their photos); PUT /blobs/{sha256} of each of its 3 photos with
 *   "Expect: 100-continue" and "Upload-Offset" (0, or after a 409 what the
 *   server says it holds: the rest is sent, as sigacor does; no HEAD); GET
 *   /residents?limit=0 and /candidates?limit=0 (has either changed?); GET
 *   /verifications/changes and /progress from the cursors.
 * Prints "operators requests errors seconds records_per_s p50_ms p99_ms
 * max_ms retries", and on stderr each step's p50/p99/max and the CPU the
 * burst took: the machine's (both cores), loadgen's, and the server
 * process's (--server-pid; its PostgreSQL backends are not in it); a 503, 429 or 504 and a refused, cut or timed-out
 * transfer are tried again as sigacor does (backoff, Retry-After; counted
 * in retries, the request's latency then from its first try); an error is
 * any other answer than the one the protocol promises.  Bounded by --max-seconds (default 300): whatever
 * is still running then is counted as an error.
 *   loadgen --port PORT --operators FILE --password PW --first-logins DEVICE
 *           [--max-seconds S]
 * instead logs every operator in at once on DEVICE (a new token each, as a
 * city's first morning), each from an address of its own (127.1.x.y, as
 * clerks behind many networks), and does as sigacor does with 503 or 429:
 * tries again after Retry-After.  Prints "operators seconds_all_done
 * retries errors p50_ms p99_ms max_ms" (a login's time from its first try
 * to its token). */
#include "config.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define MAX_OPS 20000
#define MAX_PORTS 8
#define PHOTOS 3
#define PAGE_LIMIT 1000                /* sigacor's page (PROTO_PAGE_DEFAULT) */

enum step { S_ME, S_RECORD, S_PUT_BLOB, S_RESIDENTS, S_CANDIDATES, S_CHANGES, S_PROGRESS,
	S_DONE };
/* the feeds an operator reads from its cursor */
enum feed { FEED_CHANGES, FEED_PROGRESS, FEED_COUNT };
static const char *const feed_path[FEED_COUNT] = { "/verifications/changes", "/progress" };

struct op {
	char name[64], kel[16], nik[17], token[160];
	char cursor[FEED_COUNT][160];     /* URL-safe, as the server gives them */
	enum step step;
	int photo;
	size_t offset;            /* of the photo's PUT: what the server holds of it */
	unsigned char *blob[PHOTOS];
	size_t blob_len;
	char sha[PHOTOS][65];
	char uuid[37];
	char *body;               /* the record JSON */
	CURL *easy;
	struct curl_slist *headers;
	char *reply;
	size_t reply_len;
	size_t sent;              /* upload position */
	const unsigned char *upload;
	size_t upload_len;
	double first_try;         /* of the current step's request */
	int attempts;             /* of it, told to come back or cut */
	double retry_at;          /* 0: not waiting to try again */
};

static struct op *ops;
static int nops;
static int ports[MAX_PORTS], nports;     /* server processes: operator i uses i % nports */
#define port ports[0]                   /* logins: any process answers */

static int op_port(const struct op *o)
{
	return ports[(o - ops) % nports];
}

/* "P" or "P1,P2,...": the server processes' ports */
static void read_ports(const char *list)
{
	nports = 0;
	for (const char *p = list; p != NULL && *p != '\0' && nports < MAX_PORTS;) {
		ports[nports++] = atoi(p);
		p = strchr(p, ',');
		if (p != NULL)
			p++;
	}
}
static long errors, requests, records, retries;
static double *lat_ms;
static size_t nlat, caplat;
static const char *const step_name[S_DONE] = { "me", "record", "photo", "residents",
	"candidates", "changes", "progress" };
static struct { double *ms; size_t n, cap; } by_step[S_DONE];   /* the same, per step */
/* each operator's whole sync, from the burst's start (when every operator
 * sends its first request) to its last answer: what a clerk waits for */
static struct { double *ms; size_t n, cap; } syncs;

/* CPU seconds of the whole machine (every core, /proc/stat), of a process
 * (/proc/PID/stat; 0 without one) and of loadgen itself: where a burst's
 * two cores went (on stderr) */
static double machine_cpu_s(void)
{
	unsigned long long user, nice, sys, idle, iowait, irq, softirq;
	FILE *f = fopen("/proc/stat", "r");
	bool ok = f != NULL && fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu", &user, &nice,
		&sys, &idle, &iowait, &irq, &softirq) == 7;
	if (f != NULL)
		fclose(f);
	return ok ? (double)(user + nice + sys + irq + softirq) / (double)sysconf(_SC_CLK_TCK) : 0;
}

static double process_cpu_s(long pid)
{
	char path[64], buf[1024];
	snprintf(path, sizeof path, "/proc/%ld/stat", pid);
	FILE *f = pid > 0 ? fopen(path, "r") : NULL;
	if (f == NULL)
		return 0;
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	const char *after_name = strrchr(buf, ')');     /* the name may hold spaces */
	unsigned long long utime = 0, stime = 0;
	if (after_name == NULL || sscanf(after_name + 2,
		"%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &utime, &stime) != 2)
		return 0;
	return (double)(utime + stime) / (double)sysconf(_SC_CLK_TCK);
}

static double own_cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec)
		+ (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static long burst_connections;          /* opened during the measured phase */
static long server_pid;                 /* --server-pid, 0 without */

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static size_t on_write(char *data, size_t size, size_t n, void *ctx)
{
	struct op *o = ctx;
	size_t len = size * n;
	char *p = realloc(o->reply, o->reply_len + len + 1);
	if (p == NULL)
		return 0;
	memcpy(p + o->reply_len, data, len);
	o->reply = p;
	o->reply_len += len;
	o->reply[o->reply_len] = '\0';
	return len;
}

static size_t on_read(char *buf, size_t size, size_t n, void *ctx)
{
	struct op *o = ctx;
	size_t left = o->upload_len - o->sent, want = size * n;
	if (want > left)
		want = left;
	memcpy(buf, o->upload + o->sent, want);
	o->sent += want;
	return want;
}

static void series_add(double **ms, size_t *n, size_t *cap, double value)
{
	if (*n == *cap) {
		*cap = *cap != 0 ? *cap * 2 : 16384;
		*ms = realloc(*ms, *cap * sizeof **ms);
		if (*ms == NULL)
			exit(1);
	}
	(*ms)[(*n)++] = value;
}

static void lat_add(double ms)
{
	series_add(&lat_ms, &nlat, &caplat, ms);
}

static void step_lat_add(enum step step, double ms)
{
	lat_add(ms);
	series_add(&by_step[step].ms, &by_step[step].n, &by_step[step].cap, ms);
}

static void uuid4(char out[37])
{
	unsigned char b[16];
	randombytes_buf(b, sizeof b);
	b[6] = (unsigned char)((b[6] & 0x0F) | 0x40);
	b[8] = (unsigned char)((b[8] & 0x3F) | 0x80);
	snprintf(out, 37, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12],
		b[13], b[14], b[15]);
}

/* ---- the transfers driven by epoll (curl_multi_socket_action): only
 * the sockets that are ready are looked at.  curl_multi_perform and
 * poll() went over all 1,204 connections at every turn, and that CPU
 * was taken from the server under test on the same two cores (and added
 * to every latency measured here). */
/* The operators are spread over several multi handles (groups), each with
 * its own connections: libcurl 7.88 goes through every connection of a
 * multi handle each time a transfer is taken out of it
 * (curl_multi_remove_handle, for connect-only connections), and with
 * 10,000 operators in one that was a third of loadgen's CPU, taken from
 * the server on the same two cores. */
#define GROUP_OPS 256

struct group {
	CURLM *multi;
	double deadline;            /* curl's timer, 0: none */
	int ep;                     /* the pump's epoll */
};

struct pump {
	int ep;
	struct group *groups;
	int ngroups;
};

/* what epoll hands back for a socket: whose it is.  Freed only after the
 * events of one epoll_wait are handled (one of them may close another). */
struct watched {
	struct group *g;
	curl_socket_t fd;
	struct watched *next_dead;
};
static struct watched *dead;

static int on_socket(CURL *e, curl_socket_t s, int what, void *ctx, void *sockp)
{
	(void)e;
	struct group *g = ctx;
	struct watched *w = sockp;
	if (what == CURL_POLL_REMOVE) {
		epoll_ctl(g->ep, EPOLL_CTL_DEL, s, NULL);
		curl_multi_assign(g->multi, s, NULL);
		if (w != NULL) {
			w->next_dead = dead;
			dead = w;
		}
		return 0;
	}
	if (w == NULL) {
		w = malloc(sizeof *w);
		if (w == NULL)
			exit(1);
		*w = (struct watched){ g, s, NULL };
		curl_multi_assign(g->multi, s, w);
	}
	struct epoll_event ev = { .events = ((what & CURL_POLL_IN) ? EPOLLIN : 0u)
		| ((what & CURL_POLL_OUT) ? EPOLLOUT : 0u), .data.ptr = w };
	if (epoll_ctl(g->ep, EPOLL_CTL_MOD, s, &ev) != 0)
		epoll_ctl(g->ep, EPOLL_CTL_ADD, s, &ev);
	return 0;
}

static int on_timer(CURLM *m, long ms, void *ctx)
{
	(void)m;
	struct group *g = ctx;
	g->deadline = ms < 0 ? 0 : now_s() + (double)ms / 1000.0;
	return 0;
}

/* n groups of multi handles, each keeping up to keep connections */
static void pump_init(struct pump *p, int n, long keep)
{
	p->ep = epoll_create1(EPOLL_CLOEXEC);
	p->groups = calloc((size_t)n, sizeof *p->groups);
	p->ngroups = n;
	if (p->ep < 0 || p->groups == NULL)
		exit(1);
	for (int i = 0; i < n; i++) {
		struct group *g = &p->groups[i];
		*g = (struct group){ curl_multi_init(), 0, p->ep };
		curl_multi_setopt(g->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 0L);
		curl_multi_setopt(g->multi, CURLMOPT_MAXCONNECTS, keep);
		curl_multi_setopt(g->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
		curl_multi_setopt(g->multi, CURLMOPT_SOCKETDATA, g);
		curl_multi_setopt(g->multi, CURLMOPT_TIMERFUNCTION, on_timer);
		curl_multi_setopt(g->multi, CURLMOPT_TIMERDATA, g);
	}
}

/* Wait up to max_ms for a ready socket or a group's timer, and let curl
 * act on what came; the finished transfers are then in
 * curl_multi_info_read of their group. */
static void pump_run(struct pump *p, int max_ms)
{
	int wait = max_ms, still;
	double now = now_s();
	for (int i = 0; i < p->ngroups; i++)
		if (p->groups[i].deadline > 0) {
			double left = (p->groups[i].deadline - now) * 1000.0;
			int ms = left <= 0 ? 0 : (int)left + 1;
			wait = ms < wait ? ms : wait;
		}
	struct epoll_event ev[256];
	int n = epoll_wait(p->ep, ev, 256, wait);
	for (int i = 0; i < n; i++) {
		struct watched *w = ev[i].data.ptr;
		int flags = ((ev[i].events & EPOLLIN) ? CURL_CSELECT_IN : 0)
			| ((ev[i].events & EPOLLOUT) ? CURL_CSELECT_OUT : 0)
			| ((ev[i].events & (EPOLLERR | EPOLLHUP)) ? CURL_CSELECT_ERR : 0);
		curl_multi_socket_action(w->g->multi, w->fd, flags, &still);
	}
	while (dead != NULL) {
		struct watched *next = dead->next_dead;
		free(dead);
		dead = next;
	}
	now = now_s();
	for (int i = 0; i < p->ngroups; i++) {
		struct group *g = &p->groups[i];
		if (g->deadline > 0 && now >= g->deadline) {
			g->deadline = 0;
			curl_multi_socket_action(g->multi, CURL_SOCKET_TIMEOUT, 0, &still);
		}
	}
}

static void pump_close(struct pump *p)
{
	for (int i = 0; i < p->ngroups; i++)
		curl_multi_cleanup(p->groups[i].multi);
	free(p->groups);
	close(p->ep);
}

/* A PUT of data with its content type. */
static void put_body(struct op *o, const char *content_type, const unsigned char *data, size_t len)
{
	o->headers = curl_slist_append(o->headers, content_type);
	o->upload = data;
	o->upload_len = len;
	o->sent = 0;
	curl_easy_setopt(o->easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(o->easy, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(o->easy, CURLOPT_READDATA, o);
	curl_easy_setopt(o->easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)len);
}

static struct pump *sync_pump;

/* the multi handle (group) of an operator's transfers */
static CURLM *op_multi(const struct op *o)
{
	return sync_pump->groups[(o - ops) % sync_pump->ngroups].multi;
}

/* Set up o->easy for the request of its current step. */
static void request(struct op *o)
{
	char url[512], auth[256];
	const char *base = "http://127.0.0.1";
	if (o->attempts == 0)
		o->first_try = now_s();
	curl_easy_reset(o->easy);
	curl_slist_free_all(o->headers);
	o->headers = NULL;
	free(o->reply);
	o->reply = NULL;
	o->reply_len = 0;
	snprintf(auth, sizeof auth, "Authorization: Bearer %s", o->token);
	o->headers = curl_slist_append(o->headers, auth);
	curl_easy_setopt(o->easy, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(o->easy, CURLOPT_WRITEDATA, o);
	curl_easy_setopt(o->easy, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(o->easy, CURLOPT_CONNECTTIMEOUT, 60L);
	curl_easy_setopt(o->easy, CURLOPT_PRIVATE, o);
	curl_easy_setopt(o->easy, CURLOPT_NOSIGNAL, 1L);
	switch (o->step) {
	case S_ME:
		snprintf(url, sizeof url, "%s:%d/api/v1/me", base, op_port(o));
		break;
	case S_RESIDENTS:
		snprintf(url, sizeof url, "%s:%d/api/v1/residents?limit=0", base, op_port(o));
		break;
	case S_CANDIDATES:
		snprintf(url, sizeof url, "%s:%d/api/v1/candidates?limit=0", base, op_port(o));
		break;
	case S_PUT_BLOB:
		snprintf(url, sizeof url, "%s:%d/api/v1/blobs/%s", base, op_port(o), o->sha[o->photo]);
		o->headers = curl_slist_append(o->headers, "Expect: 100-continue");
		char offset[64];
		snprintf(offset, sizeof offset, "Upload-Offset: %zu", o->offset);
		o->headers = curl_slist_append(o->headers, offset);
		put_body(o, "Content-Type: image/jpeg", o->blob[o->photo] + o->offset,
			o->blob_len - o->offset);
		break;
	case S_RECORD:
		snprintf(url, sizeof url, "%s:%d/api/v1/verifications/%s", base, op_port(o), o->uuid);
		o->headers = curl_slist_append(o->headers, "Photos-Later: 1");
		put_body(o, "Content-Type: application/json", (const unsigned char *)o->body,
			strlen(o->body));
		break;
	case S_CHANGES:
	case S_PROGRESS: {
		enum feed f = o->step == S_CHANGES ? FEED_CHANGES : FEED_PROGRESS;
		snprintf(url, sizeof url, "%s:%d/api/v1%s?limit=%d%s%s", base, op_port(o),
			feed_path[f], PAGE_LIMIT, o->cursor[f][0] != '\0' ? "&cursor=" : "", o->cursor[f]);
		break;
	}
	case S_DONE:
		return;
	}
	curl_easy_setopt(o->easy, CURLOPT_URL, url);
	curl_easy_setopt(o->easy, CURLOPT_HTTPHEADER, o->headers);
	/* a sync's child process ends after its last request, and its
	 * connection with it.  Kept open, the connections of the first clerks
	 * done took every place of both servers (--max-connections) until they
	 * were closed as idle 60 s later, and the other clerks of 10,000 waited
	 * that long for their first answer. */
	curl_easy_setopt(o->easy, CURLOPT_FORBID_REUSE, o->step == S_PROGRESS ? 1L : 0L);
	curl_multi_add_handle(op_multi(o), o->easy);
}

static bool expected(const struct op *o, long code)
{
	switch (o->step) {
	case S_PUT_BLOB:
	case S_RECORD:
		return code == 201 || code == 200;
	default:
		return code == 200;
	}
}

static void make_work(struct op *o, size_t photo_bytes)
{
	o->blob_len = photo_bytes;
	for (int k = 0; k < PHOTOS; k++) {
		o->blob[k] = malloc(photo_bytes);
		if (o->blob[k] == NULL)
			exit(1);
		randombytes_buf(o->blob[k], photo_bytes);
		memcpy(o->blob[k], "\xFF\xD8\xFF\xE0", 4);
		unsigned char h[crypto_hash_sha256_BYTES];
		crypto_hash_sha256(h, o->blob[k], photo_bytes);
		sodium_bin2hex(o->sha[k], sizeof o->sha[k], h, sizeof h);
	}
	uuid4(o->uuid);
	static const char *kinds[PHOTOS] = { "ktp", "kk", "rumah" };
	char photos[1024];
	size_t at = 0;
	for (int k = 0; k < PHOTOS; k++)
		at += (size_t)snprintf(photos + at, sizeof photos - at,
			"%s{\"kind\":\"%s\",\"sha256\":\"%s\",\"size\":%zu,"
			"\"gps\":{\"lat\":-6.1783,\"lon\":106.6319},\"taken_at\":\"2025-03-14 09:21:05\"}",
			k > 0 ? "," : "", kinds[k], o->sha[k], photo_bytes);
	size_t cap = 4096;
	o->body = malloc(cap);
	if (o->body == NULL)
		exit(1);
	snprintf(o->body, cap,
		"{\"id\":\"%s\",\"nik\":\"%s\",\"in_registry\":true,\"name\":\"\",\"address\":\"\","
		"\"kelurahan\":\"%s\",\"kk\":\"\",\"decision\":\"layak\",\"reason\":\"\","
		"\"reason_text\":\"\",\"notes\":\"bench\","
		"\"coord\":{\"lat\":-6.1783,\"lon\":106.6319,\"source\":\"exif\",\"reason\":\"\"},"
		"\"photos\":[%s],\"operator\":\"%s\",\"supersedes\":\"\","
		"\"created_at\":\"2025-03-14T02:10:00Z\",\"finalised_at\":\"2025-03-14T02:16:40Z\"}",
		o->uuid, o->nik, o->kel, photos, o->name);
}

/* ---- told to come back: as sigacor's sync does (include/sync.h), a 503,
 * 429 or 504 and a transfer that failed (refused, cut, timed out) are
 * tried again after full-jitter exponential backoff (1 s base, 10 min
 * cap), at least the Retry-After; the request's latency then runs from
 * its first try to its answer, and it is no error */

static bool retryable(CURLcode result, long code)
{
	if (result != CURLE_OK)
		return result == CURLE_COULDNT_CONNECT || result == CURLE_OPERATION_TIMEDOUT
			|| result == CURLE_SEND_ERROR || result == CURLE_RECV_ERROR
			|| result == CURLE_GOT_NOTHING;
	return code == 503 || code == 429 || code == 504;
}

/* true when the op waits to try its step again */
static bool come_back(struct op *o, CURLcode result, long code)
{
	if (!retryable(result, code))
		return false;
	curl_off_t after = 0;
	if (result == CURLE_OK)
		curl_easy_getinfo(o->easy, CURLINFO_RETRY_AFTER, &after);
	double cap = o->attempts < 10 ? (double)(1 << o->attempts) : 600.0;
	double delay = (double)randombytes_uniform(1000000) / 1e6 * (cap < 600 ? cap : 600);
	if (delay < (double)after)
		delay = (double)after;
	o->attempts++;
	o->retry_at = now_s() + delay;
	retries++;
	return true;
}

/* A 409 to a photo's PUT names in Upload-Offset what the server holds of
 * it (a part of an upload cut or turned away): the next PUT sends the rest,
 * at once, as sigacor does (src/sync/push.c); counted with the retries. */
static bool resume_photo(struct op *o, CURLcode result, long code)
{
	struct curl_header *h;
	if (result != CURLE_OK || code != 409 || o->step != S_PUT_BLOB
		|| curl_easy_header(o->easy, "Upload-Offset", 0, CURLH_HEADER, -1, &h) != CURLHE_OK)
		return false;
	char *end;
	unsigned long long at = strtoull(h->value, &end, 10);
	if (end == h->value || at > o->blob_len)
		return false;
	o->offset = (size_t)at;
	o->attempts++;
	o->retry_at = now_s();
	retries++;
	return true;
}

static void retry_due(void)
{
	double now = now_s();
	for (int i = 0; i < nops; i++)
		if (ops[i].retry_at > 0 && ops[i].retry_at <= now) {
			ops[i].retry_at = 0;
			request(&ops[i]);
		}
}

/* ---- a household of its own for every record (--residents, --households-used)
 * A campaign checks each family once.  Without these options every
 * operator sends its one NIK of the operators file again at every run, so
 * that each record is a duplicate of all the earlier runs' (after 20 runs
 * 243 records a NIK, whose duplicate checks then cost the writer more
 * than the record).  With them, operator j of a kelurahan takes the
 * kelurahan's resident number used + j (in the file's order), and FILE
 * keeps used for the next run. */

struct pool {
	char kel[16];
	char (*nik)[17];
	size_t n, cap;
	size_t taken;               /* operators of this run given one */
};

static struct pool *pool_of(struct pool *pools, size_t n, const char *kel)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(pools[i].kel, kel) == 0)
			return &pools[i];
	return NULL;
}

/* the residents of the operators' kelurahan: "nik,...,kelurahan" lines */
static struct pool *read_pools(const char *csv, size_t *npools)
{
	struct pool *pools = calloc((size_t)nops, sizeof *pools);
	FILE *f = fopen(csv, "r");
	if (pools == NULL || f == NULL) {
		perror(csv);
		exit(1);
	}
	*npools = 0;
	for (int i = 0; i < nops; i++)
		if (pool_of(pools, *npools, ops[i].kel) == NULL)
			snprintf(pools[(*npools)++].kel, sizeof pools[0].kel, "%s", ops[i].kel);
	char line[1024];
	while (fgets(line, sizeof line, f) != NULL) {
		char *kel = strrchr(line, ',');
		if (kel == NULL || strlen(line) < 17 || line[16] != ',')
			continue;
		kel[strcspn(kel, "\r\n")] = '\0';
		struct pool *p = pool_of(pools, *npools, kel + 1);
		if (p == NULL)
			continue;
		if (p->n == p->cap) {
			p->cap = p->cap != 0 ? p->cap * 2 : 1024;
			p->nik = realloc(p->nik, p->cap * sizeof *p->nik);
			if (p->nik == NULL)
				exit(1);
		}
		memcpy(p->nik[p->n], line, 16);
		p->nik[p->n++][16] = '\0';
	}
	fclose(f);
	return pools;
}

static void pick_households(const char *csv, const char *used_file)
{
	size_t npools, used = 0, most = 0;
	struct pool *pools = read_pools(csv, &npools);
	FILE *f = fopen(used_file, "r");
	if (f != NULL) {
		if (fscanf(f, "%zu", &used) != 1)
			used = 0;
		fclose(f);
	}
	for (int i = 0; i < nops; i++) {
		struct pool *p = pool_of(pools, npools, ops[i].kel);
		if (p == NULL || p->n == 0)
			continue;       /* keeps the operators file's NIK */
		memcpy(ops[i].nik, p->nik[(used + p->taken++) % p->n], 17);
		if (p->taken > most)
			most = p->taken;
	}
	f = fopen(used_file, "w");
	if (f == NULL || fprintf(f, "%zu\n", used + most) < 0 || fclose(f) != 0) {
		perror(used_file);
		exit(1);
	}
	for (size_t i = 0; i < npools; i++)
		free(pools[i].nik);
	free(pools);
}

/* ---- logins (before the measured phase) ---- */

static long simple_request(const char *url, const char *token, const char *body, char **reply)
{
	struct op tmp;
	memset(&tmp, 0, sizeof tmp);
	CURL *e = curl_easy_init();
	struct curl_slist *h = NULL;
	char auth[256];
	if (token != NULL) {
		snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
		h = curl_slist_append(h, auth);
	}
	if (body != NULL) {
		h = curl_slist_append(h, "Content-Type: application/json");
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, body);
	}
	curl_easy_setopt(e, CURLOPT_URL, url);
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, &tmp);
	curl_easy_setopt(e, CURLOPT_TIMEOUT, 60L);
	long code = 0;
	if (curl_easy_perform(e) == CURLE_OK)
		curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	curl_easy_cleanup(e);
	if (reply != NULL)
		*reply = tmp.reply;
	else
		free(tmp.reply);
	return code;
}

static bool login(struct op *o, const char *password)
{
	char url[256], body[512], *reply = NULL;
	if (o->token[0] != '\0') {
		snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/me", port);
		if (simple_request(url, o->token, NULL, NULL) == 200)
			return true;
	}
	snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/auth/login", port);
	snprintf(body, sizeof body, "{\"operator\":\"%s\",\"password\":\"%s\",\"device\":\"bench\"}",
		o->name, password);
	long code = simple_request(url, NULL, body, &reply);
	const char *t = reply != NULL ? strstr(reply, "\"token\":\"") : NULL;
	bool ok = code == 200 && t != NULL;
	if (ok) {
		t += 9;
		size_t len = strcspn(t, "\"");
		if (len >= sizeof o->token)
			ok = false;
		else {
			memcpy(o->token, t, len);
			o->token[len] = '\0';
		}
	} else
		fprintf(stderr, "loadgen: login %s: HTTP %ld\n", o->name, code);
	free(reply);
	return ok;
}

/* The value of "key":"..." in a JSON reply into out ("" when absent). */
static void json_string(const char *reply, const char *key, char *out, size_t cap)
{
	char pat[64];
	snprintf(pat, sizeof pat, "\"%s\":\"", key);
	const char *v = reply != NULL ? strstr(reply, pat) : NULL;
	out[0] = '\0';
	if (v == NULL)
		return;
	v += strlen(pat);
	size_t len = strcspn(v, "\"");
	if (len < cap) {
		memcpy(out, v, len);
		out[len] = '\0';
	}
}

/* o's cursor of feed f at its end, as its laptop keeps it after a sync */
static bool feed_to_end(struct op *o, enum feed f)
{
	o->cursor[f][0] = '\0';
	for (;;) {
		char url[512], *reply = NULL;
		snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1%s?limit=5000%s%s", port,
			feed_path[f], o->cursor[f][0] != '\0' ? "&cursor=" : "", o->cursor[f]);
		long code = simple_request(url, o->token, NULL, &reply);
		char next[sizeof o->cursor[f]];
		json_string(reply, "next_cursor", next, sizeof next);
		bool more = reply != NULL && strstr(reply, "\"has_more\":true") != NULL;
		free(reply);
		if (code != 200) {
			fprintf(stderr, "loadgen: %s %s: HTTP %ld\n", o->name, feed_path[f], code);
			return false;
		}
		if (next[0] != '\0')
			memcpy(o->cursor[f], next, sizeof next);
		if (!more)
			return true;
	}
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* p50, p99 and max of a series (-1 when empty) */
static void series_summary(double *ms, size_t n, double *p50, double *p99, double *mx)
{
	qsort(ms, n, sizeof *ms, cmp_double);
	*p50 = n > 0 ? ms[n / 2] : -1;
	*p99 = n > 0 ? ms[(size_t)((double)n * 0.99)] : -1;
	*mx = n > 0 ? ms[n - 1] : -1;
}

static void lat_summary(double *p50, double *p99, double *mx)
{
	series_summary(lat_ms, nlat, p50, p99, mx);
}

/* on stderr, for whoever looks for the slow step: "step p50 p99 max" */
static void print_steps(void)
{
	for (int i = 0; i < S_DONE; i++) {
		double p50, p99, mx;
		series_summary(by_step[i].ms, by_step[i].n, &p50, &p99, &mx);
		if (by_step[i].n > 0)
			fprintf(stderr, "loadgen: %-10s %6zu requests, p50 %.1f p99 %.1f max %.1f ms\n",
				step_name[i], by_step[i].n, p50, p99, mx);
	}
	double p50, p99, mx;
	series_summary(syncs.ms, syncs.n, &p50, &p99, &mx);
	if (syncs.n > 0)
		fprintf(stderr, "loadgen: %-10s %6zu operators, p50 %.1f p99 %.1f max %.1f ms\n",
			"whole sync", syncs.n, p50, p99, mx);
}

/* ---- first logins, all at once */

struct first_login {
	CURL *easy;
	char body[512], source[64];
	struct op answer;           /* its reply, as on_write keeps it */
	double started, retry_at;   /* retry_at 0: in flight or done */
	bool done;
};

static void first_login_send(struct first_login *f, CURLM *multi, const char *url)
{
	if (f->easy == NULL)
		f->easy = curl_easy_init();
	curl_easy_reset(f->easy);
	f->answer.reply_len = 0;
	static struct curl_slist *json;
	if (json == NULL)
		json = curl_slist_append(NULL, "Content-Type: application/json");
	curl_easy_setopt(f->easy, CURLOPT_URL, url);
	curl_easy_setopt(f->easy, CURLOPT_HTTPHEADER, json);
	curl_easy_setopt(f->easy, CURLOPT_POSTFIELDS, f->body);
	curl_easy_setopt(f->easy, CURLOPT_INTERFACE, f->source);
	curl_easy_setopt(f->easy, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(f->easy, CURLOPT_WRITEDATA, &f->answer);
	curl_easy_setopt(f->easy, CURLOPT_PRIVATE, f);
	curl_easy_setopt(f->easy, CURLOPT_NOSIGNAL, 1L);
	/* sigacor's own limit for a silent server */
	curl_easy_setopt(f->easy, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(f->easy, CURLOPT_LOW_SPEED_TIME, 60L);
	f->retry_at = 0;
	curl_multi_add_handle(multi, f->easy);
}

static int first_logins(const char *password, const char *device, double max_seconds)
{
	struct first_login *fl = calloc((size_t)nops, sizeof *fl);
	char url[128];
	snprintf(url, sizeof url, "http://127.0.0.1:%d/api/v1/auth/login", port);
	/* one group: each login has a connection of its own anyway */
	struct pump pump;
	pump_init(&pump, 1, (long)nops + 16);
	CURLM *multi = pump.groups[0].multi;
	double t0 = now_s(), end = t0 + max_seconds;
	int left = nops;
	for (int i = 0; i < nops; i++) {
		snprintf(fl[i].body, sizeof fl[i].body,
			"{\"operator\":\"%s\",\"password\":\"%s\",\"device\":\"%s\"}",
			ops[i].name, password, device);
		snprintf(fl[i].source, sizeof fl[i].source, "host!127.1.%d.%d", i / 250, 1 + i % 250);
		fl[i].started = t0;
		first_login_send(&fl[i], multi, url);
	}
	while (left > 0 && now_s() < end) {
		pump_run(&pump, 100);
		CURLMsg *m;
		int q;
		while ((m = curl_multi_info_read(multi, &q)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			struct first_login *f;
			long code = 0;
			curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&f);
			curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &code);
			curl_multi_remove_handle(multi, m->easy_handle);
			curl_off_t after = 0;
			curl_easy_getinfo(m->easy_handle, CURLINFO_RETRY_AFTER, &after);
			if (m->data.result == CURLE_OK && code == 200 && f->answer.reply != NULL
				&& strstr(f->answer.reply, "\"token\":\"") != NULL) {
				f->done = true;
				lat_add((now_s() - f->started) * 1000.0);
				left--;
			} else if (m->data.result == CURLE_OK && (code == 503 || code == 429)) {
				retries++;
				f->retry_at = now_s() + (after > 0 ? (double)after : 1.0);
			} else {
				if (errors < 10)
					fprintf(stderr, "loadgen: first login: %s, HTTP %ld\n",
						curl_easy_strerror(m->data.result), code);
				errors++;
				f->done = true;
				left--;
			}
		}
		double now = now_s();
		for (int i = 0; i < nops; i++)
			if (!fl[i].done && fl[i].retry_at > 0 && fl[i].retry_at <= now)
				first_login_send(&fl[i], multi, url);
	}
	double secs = now_s() - t0;
	errors += left;   /* cut off by the time bound */
	double p50, p99, mx;
	lat_summary(&p50, &p99, &mx);
	printf("%d %.3f %ld %ld %.1f %.1f %.1f\n", nops, secs, retries, errors, p50, p99, mx);
	for (int i = 0; i < nops; i++) {
		curl_easy_cleanup(fl[i].easy);
		free(fl[i].answer.reply);
	}
	pump_close(&pump);
	free(fl);
	return 0;
}

/* One answer of the burst: counted, and the operator's next request sent;
 * true when the operator is done (its sync ended, or an error ended it). */
static bool step_answered(CURLMsg *m, double t0)
{
	struct op *o = NULL;
	curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&o);
	long code = 0;
	curl_off_t us = 0;
	curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(m->easy_handle, CURLINFO_TOTAL_TIME_T, &us);
	long opened = 0;
	curl_easy_getinfo(m->easy_handle, CURLINFO_NUM_CONNECTS, &opened);
	burst_connections += opened;
	curl_multi_remove_handle(op_multi(o), m->easy_handle);
	if (come_back(o, m->data.result, code) || resume_photo(o, m->data.result, code))
		return false;
	requests++;
	step_lat_add(o->step, o->attempts > 0 ? (now_s() - o->first_try) * 1000.0
		: (double)us / 1000.0);
	o->attempts = 0;
	if (m->data.result != CURLE_OK || !expected(o, code)) {
		if (errors < 10)
			fprintf(stderr, "loadgen: %s step %d: %s, HTTP %ld %.200s\n", o->name,
				(int)o->step, curl_easy_strerror(m->data.result), code,
				o->reply != NULL ? o->reply : "");
		errors++;
		o->step = S_DONE;
		return true;
	}
	switch (o->step) {
	case S_RECORD:
		records++;
		o->step = S_PUT_BLOB;
		o->photo = 0;
		break;
	case S_PUT_BLOB:
		o->offset = 0;
		o->step = ++o->photo < PHOTOS ? S_PUT_BLOB : S_RESIDENTS;
		break;
	default:
		o->step++;
		break;
	}
	if (o->step == S_DONE) {
		series_add(&syncs.ms, &syncs.n, &syncs.cap, (now_s() - t0) * 1000.0);
		return true;
	}
	request(o);
	return false;
}

int main(int argc, char **argv)
{
	const char *opsfile = NULL, *password = NULL, *tokfile = NULL, *first_device = NULL;
	const char *residents = NULL, *households_used = NULL;
	size_t photo_kb = 32;
	double max_seconds = 300;
	for (int i = 1; i + 1 < argc; i += 2) {
		if (strcmp(argv[i], "--port") == 0)
			read_ports(argv[i + 1]);
		else if (strcmp(argv[i], "--operators") == 0)
			opsfile = argv[i + 1];
		else if (strcmp(argv[i], "--password") == 0)
			password = argv[i + 1];
		else if (strcmp(argv[i], "--tokens") == 0)
			tokfile = argv[i + 1];
		else if (strcmp(argv[i], "--photo-kb") == 0)
			photo_kb = (size_t)atol(argv[i + 1]);
		else if (strcmp(argv[i], "--first-logins") == 0)
			first_device = argv[i + 1];
		else if (strcmp(argv[i], "--max-seconds") == 0)
			max_seconds = strtod(argv[i + 1], NULL);
		else if (strcmp(argv[i], "--residents") == 0)
			residents = argv[i + 1];
		else if (strcmp(argv[i], "--households-used") == 0)
			households_used = argv[i + 1];
		else if (strcmp(argv[i], "--server-pid") == 0)
			server_pid = atol(argv[i + 1]);
	}
	if (port <= 0 || opsfile == NULL || password == NULL
		|| (tokfile == NULL && first_device == NULL) || photo_kb < 1
		|| (residents == NULL) != (households_used == NULL)) {
		fprintf(stderr, "usage: loadgen --port P --operators FILE --password PW --tokens FILE"
			" [--photo-kb N] [--max-seconds S]\n"
			"               [--residents CSV --households-used FILE] [--server-pid PID]\n"
			"       loadgen --port P --operators FILE --password PW --first-logins DEVICE"
			" [--max-seconds S]\n");
		return 2;
	}
	if (sodium_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return 1;
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	ops = calloc(MAX_OPS, sizeof *ops);
	FILE *f = fopen(opsfile, "r");
	if (ops == NULL || f == NULL) {
		perror(opsfile);
		return 1;
	}
	while (nops < MAX_OPS && fscanf(f, "%63s %15s %16s", ops[nops].name, ops[nops].kel,
			ops[nops].nik) == 3)
		nops++;
	fclose(f);
	if (first_device != NULL)
		return first_logins(password, first_device, max_seconds);
	/* tokens of earlier runs: "NAME TOKEN" */
	f = fopen(tokfile, "r");
	char tname[64], tok[160];
	while (f != NULL && fscanf(f, "%63s %159s", tname, tok) == 2)
		for (int i = 0; i < nops; i++)
			if (strcmp(ops[i].name, tname) == 0)
				snprintf(ops[i].token, sizeof ops[i].token, "%s", tok);
	if (f != NULL)
		fclose(f);
	if (residents != NULL)
		pick_households(residents, households_used);
	for (int i = 0; i < nops; i++)
		if (!login(&ops[i], password) || !feed_to_end(&ops[i], FEED_CHANGES)
			|| !feed_to_end(&ops[i], FEED_PROGRESS))
			return 1;
	f = fopen(tokfile, "w");
	for (int i = 0; f != NULL && i < nops; i++)
		fprintf(f, "%s %s\n", ops[i].name, ops[i].token);
	if (f != NULL)
		fclose(f);

	for (int i = 0; i < nops; i++)
		make_work(&ops[i], photo_kb * 1024);
	struct pump pump;
	pump_init(&pump, (nops + GROUP_OPS - 1) / GROUP_OPS, GROUP_OPS + 16);
	sync_pump = &pump;
	/* whoever watches the server (pg_stat_statements, perf) starts here */
	fprintf(stderr, "loadgen: %d operators ready, the burst begins\n", nops);
	double t0 = now_s(), end = t0 + max_seconds;
	double machine0 = machine_cpu_s(), own0 = own_cpu_s(), server0 = process_cpu_s(server_pid);
	for (int i = 0; i < nops; i++) {
		ops[i].easy = curl_easy_init();
		ops[i].step = S_ME;
		request(&ops[i]);
	}
	int running = nops;
	while (running > 0 && now_s() < end) {
		pump_run(&pump, 100);
		retry_due();
		for (int g = 0; g < pump.ngroups; g++) {
			CURLMsg *m;
			int left;
			while ((m = curl_multi_info_read(pump.groups[g].multi, &left)) != NULL)
				if (m->msg == CURLMSG_DONE && step_answered(m, t0))
					running--;
		}
	}
	double secs = now_s() - t0;
	fprintf(stderr, "loadgen: CPU in %.2f s: machine %.2f s, loadgen %.2f s, server %.2f s; "
		"%ld connections opened\n", secs, machine_cpu_s() - machine0, own_cpu_s() - own0,
		process_cpu_s(server_pid) - server0, burst_connections);
	errors += running;   /* cut off by the time bound */
	double p50, p99, mx;
	lat_summary(&p50, &p99, &mx);
	printf("%d %ld %ld %.3f %.1f %.2f %.2f %.2f %ld\n", nops, requests, errors, secs,
		(double)records / secs, p50, p99, mx, retries);
	print_steps();
	return 0;
}
