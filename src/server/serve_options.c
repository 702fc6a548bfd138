/* serve_options: the command line of `sigacor-server serve` (its
 * defaults, what each option may be, its usage line). */
#include "config.h"
#include "server.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

void serve_usage(void)
{
	fprintf(stderr, "%s", _("Pemakaian: sigacor-server serve --data FOLDER --listen ALAMAT:PORT "
		"[--cert FILE --key FILE] [--max-connections N] [--max-per-address N] "
		"[--header-timeout DETIK] [--max-photo-mb N]\n"
		"       [--web-assets FOLDER] [--leaflet FOLDER] [--tiles URL]\n"
		"       [--public-url URL] [--inbox-days N] [--inbox-code-minutes N]\n"
		"       [--metrics-listen ALAMAT:PORT] [--log-format text|json] [--no-progress-feed]\n"));
	fprintf(stderr, "%s", _("       [--city-key FILE]\n"));
	fprintf(stderr, "%s", _("       [--workers N] [--login-workers N] [--queue-wait-ms MS] [--login-wait-s DETIK]\n"));
}

/* http:// or https://, nothing else */
static bool is_web_address(const char *text)
{
	return strncmp(text, "https://", 8) == 0 || strncmp(text, "http://", 7) == 0;
}

/* an option's number in [min, max]; not given: the default stays */
static bool parse_count(const char *text, long long min, long long max, long long *out)
{
	return text == NULL || util_parse_count(text, min, max, out);
}

/* Sixteen API workers a core, at least 16 (most of a worker's time is
 * waiting: for the group commit of its record, for a photo's fsync, and
 * the reads queue behind the workers that wait; with four a core the
 * 1,204-clerk burst's p99 was 0.4-1.2 s, median 0.7 s, with sixteen
 * 0.47-0.66 s, doc/BENCHMARKS.md), at most 64; a login
 * worker a core, at most 8 (Argon2id: a core and 64 MiB each).  An API
 * answer waits at most 5 s, a login 30 s (the client gives up on a
 * silent server after 60 s): past that, 503 and Retry-After. */
static struct workers_config default_workers(void)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	unsigned n = cores < 1 ? 1 : cores > 16 ? 16 : (unsigned)cores;
	return (struct workers_config){ n * 16, n > 8 ? 8 : n, 5000, 30000 };
}

bool serve_options_parse(int argc, char **argv, struct serve_options *o)
{
	*o = (struct serve_options){ .max_connections = 2048, .max_per_address = 64,
		.header_timeout_s = 15, .max_photo_mb = PROTO_PHOTO_MAX / (1024 * 1024),
		.web_assets = SIGACOR_WEBDIR, .leaflet = "/usr/share/javascript/leaflet",
		.inbox_days = 7, .inbox_code_minutes = 15,
		.workers = default_workers() };
	const char *tiles = NULL, *max_connections = NULL, *max_per_address = NULL;
	const char *header_timeout = NULL, *max_photo_mb = NULL, *public_url = NULL;
	const char *inbox_days = NULL, *inbox_code_minutes = NULL, *log_format = NULL;
	const char *workers = NULL, *login_workers = NULL, *queue_wait = NULL, *login_wait = NULL;
	const struct command_option options[] = {
		{ "data", &o->dir, NULL, NULL }, { "listen", &o->listen, NULL, NULL },
		{ "cert", &o->cert, NULL, NULL }, { "key", &o->key, NULL, NULL },
		{ "max-connections", &max_connections, NULL, NULL },
		{ "max-photo-mb", &max_photo_mb, NULL, NULL },
		{ "web-assets", &o->web_assets, NULL, NULL }, { "leaflet", &o->leaflet, NULL, NULL },
		{ "tiles", &tiles, NULL, NULL },
		{ "max-per-address", &max_per_address, NULL, NULL },
		{ "header-timeout", &header_timeout, NULL, NULL },
		{ "public-url", &public_url, NULL, NULL }, { "inbox-days", &inbox_days, NULL, NULL },
		{ "inbox-code-minutes", &inbox_code_minutes, NULL, NULL },
		{ "metrics-listen", &o->metrics_listen, NULL, NULL },
		{ "log-format", &log_format, NULL, NULL }, { "city-key", &o->city_key, NULL, NULL },
		{ "no-progress-feed", NULL, &o->no_progress_feed, NULL },
		{ "workers", &workers, NULL, NULL }, { "login-workers", &login_workers, NULL, NULL },
		{ "queue-wait-ms", &queue_wait, NULL, NULL }, { "login-wait-s", &login_wait, NULL, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	long long connections = o->max_connections, per_address = o->max_per_address;
	long long timeout = o->header_timeout_s, days = o->inbox_days;
	long long code_minutes = o->inbox_code_minutes;
	long long api_n = o->workers.api_workers, login_n = o->workers.login_workers;
	long long api_wait = o->workers.api_wait_max_ms, login_s = o->workers.login_wait_max_ms / 1000;
	if (!util_parse_options(argc, argv, options, 0, NULL)
		|| !parse_count(max_connections, 1, 10000, &connections)
		|| !parse_count(max_per_address, 0, 10000, &per_address)
		|| !parse_count(header_timeout, 1, 600, &timeout)
		|| !parse_count(max_photo_mb, 1, 1024, &o->max_photo_mb)
		|| !parse_count(inbox_days, 1, 365, &days)
		|| !parse_count(inbox_code_minutes, 1, 1440, &code_minutes)
		|| !parse_count(workers, 1, 64, &api_n) || !parse_count(login_workers, 1, 64, &login_n)
		|| !parse_count(queue_wait, 0, 600000, &api_wait) || !parse_count(login_wait, 0, 600, &login_s))
		return false;
	o->workers = (struct workers_config){ (unsigned)api_n, (unsigned)login_n, (unsigned)api_wait,
		(unsigned)login_s * 1000 };
	o->max_connections = (unsigned)connections;
	o->max_per_address = (unsigned)per_address;
	o->header_timeout_s = (unsigned)timeout;
	o->inbox_days = (int)days;
	o->inbox_code_minutes = (int)code_minutes;
	/* a template like https://tile.example/{z}/{x}/{y}.png, nothing else */
	if ((tiles != NULL && !is_web_address(tiles))
		|| (public_url != NULL && !is_web_address(public_url)))
		return false;
	if (log_format != NULL && strcmp(log_format, "json") != 0 && strcmp(log_format, "text") != 0)
		return false;
	o->json_log = log_format != NULL && strcmp(log_format, "json") == 0;
	o->public_url = public_url;
	if (tiles != NULL)
		o->tiles = tiles;
	return o->dir != NULL && o->listen != NULL && (o->cert == NULL) == (o->key == NULL);
}
