/* sync: the client's conversation with the city server (doc/PROTOCOL.md).
 *
 * One engine, two drivers: the screens (ui) and the headless `sigacor
 * sync` / `sigacor login`.  The engine never blocks: it is a state machine
 * over one curl multi handle, advanced by sync_perform() whenever one of its
 * sockets is ready or its timeout has passed.  Every step that changes what
 * the clerk sees is committed to the store before the next step starts, so a
 * power cut or SIGKILL anywhere resumes by sending again (the server dedupes
 * by record id and photo hash).
 *
 * A run does, in order:
 *   1. GET /me: token still good?  (401: log in again; 403: disabled)
 *   2. push: each queued record (outbox): its photos first (HEAD, then PUT
 *      when the server lacks one), then the record (PUT).  accepted/flagged
 *      settle the record; a refusal of that one record (422, 413, 403
 *      out_of_scope) quarantines it with the server's message and the queue
 *      goes on.
 *   3. pull: the registry extract of the operator's kelurahan, page by page,
 *      each page committed with its cursor (an interrupted download resumes;
 *      a finished pass replaces the local copy; unchanged: skipped).
 *   4. pull: the households assigned for verification (candidates), the
 *      same way (a finished pass replaces the list).
 *   5. pull: the changes feed (flags and review outcomes of sent records).
 *   6. pull: the kelurahan's progress (who verified which household, with
 *      what outcome), from the cursor of the last run: only what changed.
 * Timeouts, 408, 429, 5xx and dropped connections are retried with
 * exponential backoff and full jitter, honouring Retry-After.  401/403, a TLS
 * failure, a captive portal (no X-Sigacor-Server header) or a broken reply
 * stop the whole run; the queue stays as it is.
 *
 * Driving it from a poll loop (the screens):
 *
 *     struct sync *s = sync_new(store, &cfg, err, sizeof err);
 *     sync_start(s);
 *     for (;;) {
 *         struct pollfd fds[1 + SYNC_MAX_FDS] = { { .fd = 0, .events = POLLIN } };
 *         int timeout = 100;                          // the UI's own tick
 *         int n = 1 + sync_fds(s, fds + 1, SYNC_MAX_FDS, &timeout);
 *         poll(fds, n, timeout);
 *         sync_perform(s);                            // cheap when nothing is due
 *         sync_progress(s, &p);                       // draw the bar
 *         ...keys...
 *     }
 *
 * or let curl wait (it handles fds it cannot express as pollfds, e.g. during
 * DNS):  sync_poll(s, extra_fds, n_extra, timeout_ms); sync_perform(s);
 *
 * One struct sync per thread; the struct store given to it must not be used
 * by another thread at the same time.  All messages are in the clerk's
 * language (translated). */
#ifndef SIGACOR_SYNC_H
#define SIGACOR_SYNC_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "store.h"
#include "proto.h"

#define SYNC_URL_MAX 512
#define SYNC_PATH_MAX 4096
#define SYNC_MESSAGE_MAX 512
/* sync_fds never returns more than this many descriptors */
#define SYNC_MAX_FDS 8

struct sync;

struct sync_config {
	/* Server base ("https://kota.example/" or ".../api/v1"); "" = the one
	 * saved by the last login. */
	char server_url[SYNC_URL_MAX];
	/* Extra CA bundle (PEM) for a city CA; "" = the one saved at login, or
	 * the system's.  Certificate checks cannot be turned off. */
	char ca_file[SYNC_PATH_MAX];
	long connect_timeout_s;      /* 20 */
	/* A transfer slower than low_speed_limit bytes/s for low_speed_time_s is
	 * dropped and retried: no total timeout, so a 30 MB photo over a slow
	 * line still goes through.  100 B/s for 60 s. */
	long low_speed_limit;
	long low_speed_time_s;
	/* Backoff: the n-th retry of a request waits a random time in
	 * [0, min(cap, base * 2^(n-1))], and at least Retry-After. 1 s, 10 min. */
	long retry_base_ms;
	long retry_cap_ms;
	/* Tries of one request before the run gives up (0 = never: the screens
	 * retry until the clerk cancels).  Default 8 (about 4 minutes). */
	int max_attempts;
	unsigned page_limit;         /* items per downloaded page: 1000 */
	bool push;                   /* a run sends the queue (default true) */
	bool pull;                   /* a run downloads registry + changes (true) */
	/* A registry snapshot that would drop more than half of the copy
	 * (snapshot_shrink_suspicious) is not taken: the copy stays and the run
	 * ends SYNC_REGISTRY_KEPT, unless this is set (false; `sigacor sync
	 * --accept-small-registry`). */
	bool accept_small_registry;
	/* Records go (and the pull runs) but no photo bytes: the photos of the
	 * records sent stay queued for a later run (false; `sigacor sync
	 * --no-photos`).  The daily photo budget stops photos the same way. */
	bool no_photos;
	/* login: accept a city key other than the one pinned (false; `sigacor
	 * login --new-city-key`) */
	bool new_city_key;
};

/* Defaults, then these environment variables when set (for tests and for
 * a city's odd network; bad values are ignored):
 *   SIGACOR_SYNC_RETRY_BASE_MS, SIGACOR_SYNC_RETRY_CAP_MS,
 *   SIGACOR_SYNC_MAX_ATTEMPTS, SIGACOR_SYNC_LOW_SPEED_LIMIT,
 *   SIGACOR_SYNC_LOW_SPEED_TIME, SIGACOR_SYNC_CONNECT_TIMEOUT,
 *   SIGACOR_SYNC_PAGE_LIMIT, SIGACOR_CA_FILE. */
void sync_config_init(struct sync_config *cfg);

/* The engine for the profile opened as st (not owned; keep it open until
 * sync_free).  NULL with a sentence in err when curl cannot start. */
struct sync *sync_new(struct store *st, const struct sync_config *cfg, char *err, size_t errlen);
void sync_free(struct sync *s);

/* Start a run (push, then pull).  false, with the reason in the progress
 * message, when a job is already running or the profile is not logged in. */
bool sync_start(struct sync *s);
/* Start a login: POST /auth/login with the profile's device name.  On
 * success the token is saved (0600, never printed) with the server URL and
 * the operator's kelurahan.  The password is copied and wiped after use. */
bool sync_login_start(struct sync *s, const char *operator_name, const char *password);
/* Start a logout: the server revokes the token, then the local token is
 * removed (also when the server cannot be reached: the laptop forgets it). */
bool sync_logout_start(struct sync *s);
/* Stop the current job soon: the transfer is dropped, a record being sent
 * goes back to the queue.  The job then ends with SYNC_CANCELLED. */
void sync_cancel(struct sync *s);

/* ---- the loop */
/* The engine's sockets as pollfds (at most max) and the longest the caller
 * may wait before calling sync_perform (*timeout_ms is lowered, never
 * raised; -1 in it means "no limit of the caller").  Returns how many fds
 * were written. */
int sync_fds(struct sync *s, struct pollfd *fds, int max, int *timeout_ms);
/* Wait (curl_multi_poll) for the engine's sockets and the caller's extra
 * fds (their revents are filled), at most timeout_ms.  Returns the number of
 * ready descriptors, or -1 on failure. */
int sync_poll(struct sync *s, struct pollfd *extra, unsigned n_extra, int timeout_ms);
/* Advance: move data, handle finished requests, start the next ones.  Does
 * a bounded amount of work (one database commit at most), so the caller's
 * keys stay responsive.  Returns true while a job runs. */
bool sync_perform(struct sync *s);
bool sync_running(const struct sync *s);

enum sync_job { SYNC_JOB_NONE, SYNC_JOB_RUN, SYNC_JOB_LOGIN, SYNC_JOB_LOGOUT };

enum sync_phase {
	SYNC_IDLE,                   /* nothing started yet */
	SYNC_CONNECTING,             /* GET /me, or the login request */
	SYNC_PUSHING,                /* sending the queue */
	SYNC_PULLING_RESIDENTS,
	SYNC_PULLING_CANDIDATES,     /* the households assigned for verification */
	SYNC_PULLING_CHANGES,
	SYNC_FINISHED,               /* see outcome */
};

/* How the last job ended.  X(enum, "code") */
#define SYNC_OUTCOMES(X) \
	X(SYNC_OK,              "ok")            /* done: the whole queue was accepted */ \
	X(SYNC_QUARANTINED,     "quarantined")   /* done, but the server refused some records */ \
	X(SYNC_REGISTRY_KEPT,   "registry_kept") /* done, but the server's registry was too small to replace the copy */ \
	X(SYNC_RUNNING,         "running")       /* not finished yet */ \
	X(SYNC_NOT_LOGGED_IN,   "not_logged_in") /* no token, or no server URL: log in first */ \
	X(SYNC_LOGIN_NEEDED,    "login_needed")  /* 401: the token is no longer valid */ \
	X(SYNC_BAD_CREDENTIALS, "bad_credentials") /* login: wrong name or password */ \
	X(SYNC_DISABLED,        "disabled")      /* 403 operator_disabled */ \
	X(SYNC_PORTAL,          "portal")        /* an answer not from a sigacor server */ \
	X(SYNC_TLS,             "tls")           /* certificate or TLS failure */ \
	X(SYNC_NETWORK,         "network")       /* gave up retrying (offline, server down) */ \
	X(SYNC_SERVER,          "server")        /* the server's answer broke the protocol */ \
	X(SYNC_LOCAL,           "local")         /* this laptop's disk or data */ \
	X(SYNC_CITY_KEY,        "city_key")      /* the server's city key is not the one pinned at login */ \
	X(SYNC_CANCELLED,       "cancelled")

enum sync_outcome {
#define SYNC_OUTCOME_ENUM(e, code) e,
	SYNC_OUTCOMES(SYNC_OUTCOME_ENUM)
#undef SYNC_OUTCOME_ENUM
	SYNC_OUTCOME_COUNT
};
const char *sync_outcome_code(enum sync_outcome o);

struct sync_progress {
	enum sync_job job;
	enum sync_phase phase;
	bool running;
	enum sync_outcome outcome;   /* SYNC_RUNNING while running */
	/* push: records handled in this run; total = handled + still queued */
	int64_t records_done, records_total;
	int64_t records_accepted, records_flagged, records_quarantined;
	/* push: photo bytes (uploaded, or already on the server) of this run */
	int64_t bytes_done, bytes_total;
	int64_t photos_uploaded, photos_skipped;
	/* the photo upload rate (bytes/s) measured in this run, else the one
	 * the last runs saved in the profile; 0 = never measured */
	int64_t photo_rate;
	/* records left in the queue because their photos would pass the
	 * profile's daily photo budget (0 = none held back) */
	int64_t budget_waiting;
	/* pull: residents of the current pass (done includes what an
	 * interrupted earlier run stored); received: items of this run */
	int64_t residents_done, residents_total, residents_received;
	int64_t residents_pages;     /* pages fetched in this run */
	/* pull: the candidates list, counted the same way */
	int64_t candidates_done, candidates_total, candidates_received;
	int64_t changes_applied;
	/* the kelurahan's progress: NIKs whose outcome this run brought (a
	 * sync after the first brings only what changed since) */
	int64_t progress_received;
	int64_t bytes_downloaded;    /* bodies received in this run */
	/* waiting before a retry: when (ms from now) and which try comes next */
	int retry_in_ms;
	int attempt;
	/* what exists only on this laptop (refreshed at start, after each
	 * record and at the end) */
	struct store_local_only local;
	/* a sentence for the status line: what happens now, or why it stopped */
	char message[SYNC_MESSAGE_MAX];
	/* the last server request id, for the clerk to quote to support */
	char request_id[24];
};
void sync_progress(const struct sync *s, struct sync_progress *out);

/* ---- the cost of a sync, for the clerk before and during a run
 * (src/sync/push.c).  The rate is what the photo uploads of the last runs
 * measured on this profile's link (bytes/s, 0 = never measured). */
int64_t sync_photo_rate_saved(struct store *st);
/* Seconds to send bytes at rate, rounded up; -1 when the rate is unknown. */
int64_t sync_expected_seconds(int64_t bytes, int64_t rate);
/* "3,1 MB" (decimal megabytes, one decimal, Indonesian comma) */
void sync_format_megabytes(int64_t bytes, char *out, size_t len);
/* "45 dtk", "12 mnt", "2 jam 5 mnt"; "?" when seconds < 0 */
void sync_format_duration(int64_t seconds, char *out, size_t len);
/* The profile's daily photo budget in MB (0 = no limit): a run sends no
 * record whose photos would take today's uploads past it; they wait for
 * tomorrow, or for a larger budget (`sigacor sync --photo-budget-mb`). */
int64_t sync_photo_budget_mb(struct store *st);
enum store_status sync_photo_budget_set(struct store *st, int64_t mb);
/* Photo bytes uploaded today (local date) from this profile. */
int64_t sync_photo_bytes_today(struct store *st);

/* The base URL a login would use for text ("https://host/api/v1"), checked:
 * https anywhere, plain http only to this machine (127.0.0.0/8, ::1,
 * localhost).  false with a sentence in err. */
bool sync_url_normalise(const char *in, char *out, size_t len, char *err, size_t errlen);

/* The retry delay (ms) before try number attempt (2 = first retry) with a
 * random value r in [0, 1), at least retry_after_ms.  Exposed for tests. */
long sync_backoff_ms(const struct sync_config *cfg, int attempt, double r, long retry_after_ms);

/* The link's rate counts the time photo bytes were moving, once even when
 * two uploads overlapped: the milliseconds of [started_ms, now_ms] after
 * *busy_until_ms (the end of the time counted so far), which becomes now_ms.
 * Exposed for tests. */
int64_t sync_busy_ms(int64_t *busy_until_ms, int64_t started_ms, int64_t now_ms);

/* ---- the photo inbox on the server (doc/PROTOCOL.md "Photo inbox"),
 * src/sync/inbox.c.  Small blocking requests (the clerk waits for the
 * answer anyway), on their own connection, beside a running sync. */
enum sync_inbox_result {
	SYNC_INBOX_OK,
	SYNC_INBOX_NOT_LOGGED_IN,    /* no token, or the server no longer takes it */
	SYNC_INBOX_NETWORK,          /* no answer from the server: try again */
	SYNC_INBOX_REFUSED,          /* the server said no (err holds its sentence) */
	SYNC_INBOX_LOCAL,            /* this laptop: memory, disk, a bad file */
};
struct sync_inbox_code {
	char code[PROTO_INBOX_CODE_LEN + 1];
	char url[SYNC_URL_MAX + 64];  /* what the phone opens */
	int64_t expires_at;
};
/* A one-time code for the phone's upload page. */
enum sync_inbox_result sync_inbox_code_new(struct sync *s, struct sync_inbox_code *out,
	char *err, size_t errlen);
/* The clerk's inbox (call proto_inbox_list_free on out afterwards). */
enum sync_inbox_result sync_inbox_list(struct sync *s, struct proto_inbox_list *out,
	char *err, size_t errlen);
/* Download one photo into folder as "<first 8 of its hash>-<its name>",
 * hash checked, written whole or not at all (common_write_file); the
 * path into path.  An existing file of the same content is kept. */
enum sync_inbox_result sync_inbox_fetch(struct sync *s, const struct proto_inbox_photo *photo,
	const char *folder, char *path, size_t path_len, char *err, size_t errlen);
enum sync_inbox_result sync_inbox_delete(struct sync *s, const char *sha256, char *err,
	size_t errlen);

/* ---- the sealed outbox: sending without the clerk's password (issue 12
 * item 3, doc/PROTOCOL.md section 7a), src/sync/sealed_outbox.c.
 *
 * The city's public key pinned in the profile folder (city.pin, with the
 * server and CA file a locked sync needs without the database). */
struct sync_city_pin {
	char key[PROTO_CITY_KEY_HEX + 1];
	char server[SYNC_URL_MAX];
	char ca_file[SYNC_PATH_MAX];
};
bool sync_city_pin_read(const char *profile_dir, struct sync_city_pin *out);
bool sync_city_pin_write(const char *profile_dir, const struct sync_city_pin *pin);
/* What a login or sync makes of the key the server gave ("" = none):
 * pinned when there was no pin (NEW), or replace asked (REPLACED); CHANGED:
 * another key than the pinned one, refused, nothing written. */
enum sync_pin_check { SYNC_PIN_SAME, SYNC_PIN_NONE, SYNC_PIN_NEW, SYNC_PIN_REPLACED,
	SYNC_PIN_CHANGED, SYNC_PIN_FAILED };
enum sync_pin_check sync_city_pin_check(const char *profile_dir, const char *server_key,
	bool replace, const char *server, const char *ca_file);
/* At finalisation (the store calls it inside the transaction, before the
 * commit; sync_sealed_install registers it for the process): the record as
 * the push sends it and its photos sealed to the pinned key into
 * sealed/<id>/, crash-safe.  No pin: nothing sealed, true, and
 * sync_sealed_notice() says so ("" otherwise). */
void sync_sealed_install(void);
bool sync_seal_final(struct store *s, const struct record *r, char *err, size_t errlen);
const char *sync_sealed_notice(void);
/* THE LOCKED PATH: send every sealed deposit of the profile folder (photos,
 * then the record; oldest first), with neither the store nor the data key:
 * the server and token from the folder's files.  Each one accepted leaves
 * a receipt (sealed/receipts/<id>) and goes; one refused moves to
 * sealed/quarantine/<id>/ with why.  false: the run stopped (out->outcome,
 * out->message); what was not sent stays for the next run. */
struct sync_sealed_result {
	int waiting, sent, refused, photos_sent;
	enum sync_outcome outcome;
	char message[SYNC_MESSAGE_MAX];
};
bool sync_sealed_deposit(const char *profile_dir, const struct sync_config *cfg,
	struct sync_sealed_result *out);
/* In an unlocked store: the receipts settle their records (as the push
 * would have); deposits of records no longer waiting are removed.  Returns
 * how many settled.  sync_start calls it. */
int sync_sealed_settle(struct store *s);
/* The sealed copy of a record that went by the normal push goes. */
void sync_sealed_forget(const char *profile_dir, const char *uuid);

#endif
