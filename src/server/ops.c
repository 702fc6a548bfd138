/* ops: what the city's operations team watches (doc/OPERATIONS.md).
 * GET /healthz (the process answers and its database reads), GET /metrics
 * in Prometheus's text format (requests by route template and status,
 * latency histograms by route, the queues, records and photos stored) on a
 * listener of its own (--metrics-listen, never a public address: the
 * campaign's counts are the city's business), and the request log line, as
 * text or as one JSON object a line.  Routes are templates
 * ("/verifications/{id}"), never a URL: no NIK, name, token or query string
 * reaches a metric or a log. */
#include "config.h"
#include "server.h"
#include "common.h"
#include "sdb.h"

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* seconds; Prometheus's usual ladder, up to a slow Argon2id queue */
static const double bucket_bounds[] = {
	0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
};
#define N_BUCKETS (sizeof bucket_bounds / sizeof bucket_bounds[0])
/* the routes are a fixed set of templates (api, dashboard, phone page);
 * the last entry takes any past the bound rather than grow without end */
#define ROUTES_MAX 64
#define STATUSES_MAX 16

struct route_metrics {
	const char *route;              /* a static template string */
	unsigned long long buckets[N_BUCKETS + 1];     /* the last: +Inf */
	unsigned long long count;
	double sum_s;
	struct { int status; unsigned long long n; } statuses[STATUSES_MAX];
};

static struct {
	pthread_mutex_t lock;
	struct route_metrics routes[ROUTES_MAX];
	size_t n_routes;
	long in_flight, login_waiting;
	bool json_log;
	struct MHD_Daemon *listener;    /* --metrics-listen */
} ops = { .lock = PTHREAD_MUTEX_INITIALIZER };

void ops_set_json_log(bool json)
{
	ops.json_log = json;
}

/* the route's entry; the last one takes every route past ROUTES_MAX */
static struct route_metrics *route_entry(const char *route)
{
	for (size_t i = 0; i < ops.n_routes; i++)
		if (strcmp(ops.routes[i].route, route) == 0)
			return &ops.routes[i];
	if (ops.n_routes == ROUTES_MAX)
		return &ops.routes[ROUTES_MAX - 1];
	struct route_metrics *m = &ops.routes[ops.n_routes++];
	m->route = ops.n_routes == ROUTES_MAX ? "(other)" : route;
	return m;
}

static void count_status(struct route_metrics *m, int status)
{
	size_t i = 0;
	while (i < STATUSES_MAX && m->statuses[i].n > 0 && m->statuses[i].status != status)
		i++;
	if (i == STATUSES_MAX)
		i = STATUSES_MAX - 1;       /* an odd route with many statuses: lumped */
	m->statuses[i].status = status;
	m->statuses[i].n++;
}

void ops_request_done(const char *route, int status, int64_t duration_us)
{
	double s = (double)duration_us / 1e6;
	pthread_mutex_lock(&ops.lock);
	struct route_metrics *m = route_entry(route);
	size_t b = 0;
	while (b < N_BUCKETS && s > bucket_bounds[b])
		b++;
	m->buckets[b]++;
	m->count++;
	m->sum_s += s;
	count_status(m, status);
	ops.in_flight--;
	pthread_mutex_unlock(&ops.lock);
}

void ops_request_started(void)
{
	pthread_mutex_lock(&ops.lock);
	ops.in_flight++;
	pthread_mutex_unlock(&ops.lock);
}

void ops_login_waiting(int delta)
{
	pthread_mutex_lock(&ops.lock);
	ops.login_waiting += delta;
	pthread_mutex_unlock(&ops.lock);
}

/* ---------------------------------------------------------------- /metrics */

static void add_family(struct common_text *t, const char *name, const char *type, const char *help)
{
	common_text_printf(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void add_gauge(struct common_text *t, const char *name, const char *help, long long value)
{
	add_family(t, name, "gauge", help);
	common_text_printf(t, "%s %lld\n", name, value);
}

static void add_histogram(struct common_text *t, const struct route_metrics *m)
{
	unsigned long long cumulative = 0;
	for (size_t b = 0; b < N_BUCKETS; b++) {
		cumulative += m->buckets[b];
		common_text_printf(t, "sigacor_http_request_duration_seconds_bucket{route=\"%s\",le=\"%g\"} %llu\n",
			m->route, bucket_bounds[b], cumulative);
	}
	common_text_printf(t, "sigacor_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %llu\n"
		"sigacor_http_request_duration_seconds_sum{route=\"%s\"} %.6f\n"
		"sigacor_http_request_duration_seconds_count{route=\"%s\"} %llu\n",
		m->route, m->count, m->route, m->sum_s, m->route, m->count);
}

/* under ops.lock */
static void add_requests(struct common_text *t)
{
	add_family(t, "sigacor_http_requests_total", "counter",
		"Requests answered, by route template and HTTP status.");
	for (size_t i = 0; i < ops.n_routes; i++)
		for (size_t s = 0; s < STATUSES_MAX && ops.routes[i].statuses[s].n > 0; s++)
			common_text_printf(t, "sigacor_http_requests_total{route=\"%s\",status=\"%d\"} %llu\n",
				ops.routes[i].route, ops.routes[i].statuses[s].status,
				ops.routes[i].statuses[s].n);
	add_family(t, "sigacor_http_request_duration_seconds", "histogram",
		"Time from a request's headers to its answer, by route template.");
	for (size_t i = 0; i < ops.n_routes; i++)
		add_histogram(t, &ops.routes[i]);
}

/* the one number a query answers, or -1 */
static long long query_number(sdb *db, const char *sql)
{
	sdb_stmt *st;
	long long n = -1;
	if (db != NULL && sdb_prepare(db, sql, -1, &st, NULL) == SDB_OK) {
		if (sdb_step(st) == SDB_ROW)
			n = sdb_column_int64(st, 0);
		sdb_finalize(st);
	}
	return n;
}

/* the Prometheus text (malloc'd, length in *len), or NULL */
static char *metrics_text(size_t *len)
{
	struct common_text t = { 0 };
	sdb *db = db_thread();
	long long records = query_number(db, "SELECT count(*) FROM verifications");
	long long photos = query_number(db, "SELECT count(DISTINCT sha256) FROM verification_photos");
	db_thread_release();
	pthread_mutex_lock(&ops.lock);
	add_requests(&t);
	long in_flight = ops.in_flight, login_waiting = ops.login_waiting;
	pthread_mutex_unlock(&ops.lock);
	add_gauge(&t, "sigacor_requests_in_flight",
		"Requests received and not yet answered (this one included).", in_flight);
	add_gauge(&t, "sigacor_login_queue", "Logins waiting for an Argon2id slot.",
		login_waiting + (long long)workers_waiting(WORK_LOGIN));
	add_gauge(&t, "sigacor_work_queue", "API requests waiting for a worker (workers.c).",
		(long long)workers_waiting(WORK_API));
	add_gauge(&t, "sigacor_db_write_queue", "Writes waiting for the database's one writer.",
		(long long)db_write_waiting());
	unsigned long long asked, asked_again;
	db_asked_batches(&asked, &asked_again);
	add_family(&t, "sigacor_db_record_batches_total", "counter",
		"PostgreSQL: batches of new records written with their checks asked ahead.");
	common_text_printf(&t, "sigacor_db_record_batches_total %llu\n", asked);
	add_family(&t, "sigacor_db_record_batches_rerun_total", "counter",
		"PostgreSQL: of those, batches run again record by record because a statement failed.");
	common_text_printf(&t, "sigacor_db_record_batches_rerun_total %llu\n", asked_again);
	int wal_pages;
	unsigned long long checkpoints;
	db_wal_state(&wal_pages, &checkpoints);
	add_gauge(&t, "sigacor_db_wal_pages",
		"SQLite: pages in the write-ahead log at the last commit.", wal_pages);
	add_family(&t, "sigacor_db_checkpoints_total", "counter",
		"SQLite: checkpoints run (the log copied into the database after a pause in the writes).");
	common_text_printf(&t, "sigacor_db_checkpoints_total %llu\n", checkpoints);
	struct kept_counts sc;
	kept_counts(&sc);
	if (sc.in_use) {
		add_family(&t, "sigacor_session_cache_total", "counter",
			"PostgreSQL: API requests whose session was kept in the process (hit) or read.");
		common_text_printf(&t, "sigacor_session_cache_total{result=\"hit\"} %llu\n"
			"sigacor_session_cache_total{result=\"miss\"} %llu\n", sc.hits, sc.misses);
		add_gauge(&t, "sigacor_db_notifications_listening",
			"PostgreSQL: 1 while the connection that hears the database's changes is up (else nothing is kept).",
			sc.listening);
	}
	if (records >= 0 && photos >= 0) {
		add_gauge(&t, "sigacor_records_stored", "Verification records stored.", records);
		add_gauge(&t, "sigacor_photos_stored",
			"Photos (distinct files) of the stored records.", photos);
	}
	if (t.failed) {
		free(t.s);
		return NULL;
	}
	*len = t.len;
	return t.s;
}

/* ---------------------------------------------------------------- /healthz */

static const char health_ok[] = "{\"status\":\"ok\"}";
static const char health_down[] = "{\"status\":\"database_unavailable\"}";

static bool healthy(void)
{
	bool up = query_number(db_thread(), "SELECT count(*) FROM meta") >= 0;
	db_thread_release();
	return up;
}

void ops_health(struct reply *out)
{
	bool up = healthy();
	reply_json(out, up ? 200 : 503, strdup(up ? health_ok : health_down));
}

/* ---------------------------------------------------------------- the listener */

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *type,
	char *body, size_t len, bool owned)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(len, body,
		owned ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (r == NULL) {
		if (owned)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (status == 405)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET");
	enum MHD_Result res = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return res;
}

/* GET /metrics and GET /healthz, answered at the headers (no body is read) */
static enum MHD_Result on_ops_request(void *cls, struct MHD_Connection *c, const char *url,
	const char *method, const char *version, const char *upload_data,
	size_t *upload_data_size, void **con_cls)
{
	(void)cls, (void)version, (void)upload_data, (void)upload_data_size, (void)con_cls;
	int64_t started = common_now_us();
	static const char text_type[] = "text/plain; charset=utf-8";
	const char *route = strcmp(url, "/metrics") == 0 ? "/metrics"
		: strcmp(url, "/healthz") == 0 ? "/healthz" : "-";
	ops_request_started();
	enum MHD_Result r;
	unsigned status;
	if (route[0] == '-')
		r = answer(c, status = 404, text_type, (char *)"not found\n", 10, false);
	else if (strcmp(method, "GET") != 0)
		r = answer(c, status = 405, text_type, (char *)"GET only\n", 9, false);
	else if (route[1] == 'h') {
		bool up = healthy();
		const char *body = up ? health_ok : health_down;
		r = answer(c, status = up ? 200 : 503, "application/json", (char *)body, strlen(body),
			false);
	} else {
		size_t len = 0;
		char *body = metrics_text(&len);
		r = body != NULL
			? answer(c, status = 200, "text/plain; version=0.0.4; charset=utf-8", body, len, true)
			: answer(c, status = 500, text_type, (char *)"out of memory\n", 14, false);
	}
	ops_request_done(route, (int)status, common_now_us() - started);
	return r;
}

bool ops_listen(const char *spec, char *shown, size_t shown_cap)
{
	int fd = serve_listen_on("metrics-listen", spec, LISTEN_PRIVATE, shown, shown_cap);
	if (fd < 0)
		return false;
	/* one thread: a scrape is a few counters and two counts */
	ops.listener = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO
		| MHD_USE_ERROR_LOG, 0, NULL, NULL, on_ops_request, NULL,
		MHD_OPTION_LISTEN_SOCKET, fd,
		MHD_OPTION_CONNECTION_LIMIT, (unsigned)16,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)10,
		MHD_OPTION_END);
	if (ops.listener == NULL) {
		fprintf(stderr, "sigacor-server: --metrics-listen %s: %s\n", spec,
			_("server HTTP gagal dimulai"));
		close(fd);
		return false;
	}
	return true;
}

void ops_listen_stop(void)
{
	if (ops.listener != NULL)
		MHD_stop_daemon(ops.listener);
	ops.listener = NULL;
}

/* ---------------------------------------------------------------- the log */

static void log_json(const char *when, const struct ops_log_line *l)
{
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		return;
	cJSON_AddStringToObject(o, "ts", when);
	cJSON_AddStringToObject(o, "request_id", l->request_id);
	cJSON_AddStringToObject(o, "method", l->method);
	cJSON_AddStringToObject(o, "route", l->route);
	cJSON_AddNumberToObject(o, "status", l->status);
	cJSON_AddNumberToObject(o, "bytes_in", (double)l->in_bytes);
	cJSON_AddNumberToObject(o, "bytes_out", (double)l->out_bytes);
	cJSON_AddNumberToObject(o, "ms", (double)l->ms);
	cJSON_AddStringToObject(o, "role", l->role);
	cJSON_AddStringToObject(o, "who", l->who);
	cJSON_AddBoolToObject(o, "aborted", l->aborted);
	char *text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	if (text != NULL)
		fprintf(stderr, "%s\n", text);
	free(text);
}

void ops_log_request(const struct ops_log_line *l)
{
	char when[32];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (ops.json_log)
		log_json(when, l);
	else
		fprintf(stderr, "%s %s %s %s %d in=%lld out=%zu %lldms %s=%s%s\n", when, l->request_id,
			l->method, l->route, l->status, l->in_bytes, l->out_bytes, l->ms, l->role,
			l->who, l->aborted ? " aborted" : "");
}
