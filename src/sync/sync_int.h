/* sync internals shared by the files of src/sync/ (not a public header). */
#ifndef SIGACOR_SYNC_INT_H
#define SIGACOR_SYNC_INT_H

#include "curl_lazy.h"
#include <stdio.h>
#include "proto.h"
#include "store.h"
#include "sync.h"

/* Bodies we accept: small answers, and list pages (a page of 5000 items
 * is about 3 MB; anything larger is a misbehaving server). */
#define HTTP_SMALL_MAX (64 * 1024)
#define HTTP_PAGE_MAX (16 * 1024 * 1024)

/* ---------------------------------------------------------------- http.c */

/* One request and its answer. */
struct http_xfer {
	CURL *easy;
	struct curl_slist *headers;
	char *send_body;             /* JSON request body (owned), or NULL */
	FILE *upload;                /* photo request body, or NULL */
	unsigned char *upload_data;  /* a photo's clear bytes under upload (owned) */
	size_t upload_data_len;
	int64_t upload_size;
	int64_t upload_from;         /* the body is the file from this byte on */
	/* the answer */
	char *body;                  /* NUL-terminated when len > 0 */
	size_t len, cap, limit;
	bool too_big;                /* the body passed limit: transfer aborted */
	bool marker;                 /* X-Sigacor-Server: 1 in the final answer */
	char content_type[96];
	char request_id[24];
	int64_t upload_offset;       /* the answer's Upload-Offset, -1 when none */
	/* a list page's next cursor from its header ("" when none): the next
	 * page is asked for with it before this one is read (pull.c) */
	char next_cursor[PROTO_CURSOR_MAX + 1];
	long status;
	long retry_after_s;
	CURLcode result;
	char errbuf[CURL_ERROR_SIZE];
	curl_off_t ulnow, dlnow;
};

/* How a finished transfer went, before its status code is looked at. */
enum http_class {
	HTTP_ANSWERED,               /* a sigacor server answered: see status */
	HTTP_TRANSIENT,              /* connection, timeout, 408/429/5xx from a proxy: retry */
	HTTP_TLS,                    /* certificate or TLS handshake failure */
	HTTP_PORTAL,                 /* an answer not from a sigacor server */
	HTTP_TOO_BIG,                /* the body passed its limit */
	HTTP_BROKEN,                 /* not HTTP, or another failure that a retry will not mend */
	HTTP_LOCAL,                  /* reading the photo file failed */
};

/* A new request to url.  method: "GET", "HEAD", "POST", "PUT".  token may be
 * NULL (login).  body_limit: the most the answer may hold. */
struct http_xfer *http_new(const struct sync_config *cfg, const char *ca_file,
	const char *method, const char *url, const char *token, size_t body_limit);
/* One more request header ("Name: value"); false when out of memory. */
bool http_add_header(struct http_xfer *x, const char *header);
/* The request body: JSON text (taken over, freed with x) or a file. */
bool http_set_json(struct http_xfer *x, char *json);
/* The body of a photo PUT: the clear bytes of the photo (store_photo_bytes;
 * taken over, wiped and freed with x, even on failure) from byte offset on
 * (Upload-Offset, doc/PROTOCOL.md "Resuming a photo"). */
bool http_set_photo(struct http_xfer *x, unsigned char *data, size_t len, int64_t offset);
/* The body of a sealed deposit (doc/PROTOCOL.md section 7a): the file whole. */
bool http_set_sealed_file(struct http_xfer *x, const char *path, int64_t size);
/* The clerk's sentence of a verification answer's flags (push.c). */
void sync_flags_message(const struct proto_verification_result *r, char *out, size_t len);
/* After CURLMSG_DONE: record the result, status and Retry-After. */
void http_finish(struct http_xfer *x, CURLcode result);
enum http_class http_classify(const struct http_xfer *x);
/* The status is one a retry may mend (408, 429, 500, 502, 503, 504). */
bool http_status_transient(long status);
void http_free(struct http_xfer *x);

/* ---------------------------------------------------------------- engine */

/* Server URL (the config's, else the profile's) and token into s; false
 * with the reason in the progress message when the profile has none. */
bool sync_session_load(struct sync *s);

enum sync_step {
	STEP_NONE,
	STEP_LOGIN,                  /* POST /auth/login */
	STEP_LOGOUT,                 /* POST /auth/logout */
	STEP_ME,                     /* GET /me */
	STEP_DEPOSIT_TOKEN,          /* POST /auth/deposit-token (an old login, keyed) */
	STEP_NEXT_RECORD,            /* (no transfer) take the next queued record */
	STEP_BLOB_PUT,               /* PUT /blobs/{sha256} of photo photo_kind */
	STEP_RECORD_PUT,             /* PUT /verifications/{id} */
	STEP_RESIDENTS_START,        /* (no transfer) resume or probe */
	STEP_RESIDENTS_PROBE,        /* GET /residents?limit=0 */
	STEP_RESIDENTS_PAGE,         /* GET /residents?cursor=&limit= */
	STEP_REGISTRY_PAGE,          /* GET /residents/changes?cursor= (since the copy) */
	STEP_CANDIDATES_PROBE,       /* GET /candidates?limit=0 */
	STEP_CANDIDATES_PAGE,        /* GET /candidates?cursor=&limit= */
	STEP_CHANGES_PAGE,           /* GET /verifications/changes?cursor= */
	STEP_PROGRESS_PAGE,          /* GET /progress?cursor= (the kelurahan's progress) */
	STEP_FINISH,                 /* (no transfer) the run is over */
};

struct sync {
	struct store *store;
	struct sync_config cfg;
	CURLM *multi;
	struct http_xfer *xfer;      /* in flight, or NULL */

	char base[SYNC_URL_MAX];     /* "https://host/api/v1" */
	char ca_file[SYNC_PATH_MAX];
	char token[PROTO_TOKEN_MAX + 1];

	enum sync_job job;
	enum sync_step step;
	bool running;
	bool cancel;
	bool ready;                  /* the step is to be started by the next perform */
	int attempt;                 /* tries of the current request, 1 = first */
	int64_t retry_at_ms;         /* waiting until then (monotonic), 0 = not */

	/* login */
	char login_operator[PROTO_OPERATOR_MAX + 1];
	char login_password[PROTO_PASSWORD_MAX + 1];

	struct proto_session session;        /* from /me or login */

	/* push: the record being sent (have_record), or the record whose
	 * queued photo is being sent after it (photo_after: have_record is
	 * false, the photo stays in the queue until the server holds it) */
	bool have_record;
	bool photo_after;
	int64_t photos_refused_in_run;       /* queued photos the server refused */
	struct record rec;
	int photo_kind;                      /* next photo slot to check */
	int missing_rounds;                  /* 422 missing_blobs answered so far */
	int64_t blob_offset;                 /* where the server holds the photo up to */
	int offset_rounds;                   /* 409 offset_mismatch for this photo */
	/* the link's measured rate: the photo PUT in flight started then, from
	 * that offset; the bytes and milliseconds of this run's finished ones */
	int64_t blob_started_ms, blob_started_offset;
	int64_t run_sent_bytes, run_sent_ms;
	int64_t run_busy_until_ms;           /* the end of the time in run_sent_ms */
	/* the next queued photo, its PUT started on a second connection while
	 * the one before waits for its answer, so that the link never idles
	 * between photos; its step takes the transfer over once the queue gets
	 * to it (x NULL: none) */
	struct photo_ahead {
		struct http_xfer *x;
		bool done;                   /* answered (x finished, out of the multi) */
		/* or the next page of the registry, asked while this one is
		 * stored: its cursor ("" for a photo) */
		char page_cursor[PROTO_CURSOR_MAX + 1];
		enum sync_step page_step;
		char uuid[RECORD_UUID_LEN + 1];
		enum photo_kind kind;
		int64_t started_ms;
	} ahead;
	int64_t quarantined_in_run;

	/* pull */
	struct store_pull_state pull;
	bool pass_restarted;
	bool changes_restarted;
	bool progress_restarted;
	bool registry_first_page;            /* the changes feed's first page this run */
	/* the server's registry was too small to replace the copy (kept) */
	bool registry_kept;
	int64_t registry_kept_have, registry_kept_offered;
	char page_cursor[PROTO_CURSOR_MAX + 1];   /* the cursor asked for */
	struct store_pull_state cand;        /* the candidates pass */
	bool cand_restarted;
	struct store_change *chg_buf;

	struct sync_progress prog;
};


/* End the job with an outcome and a sentence (printf-like, translated by
 * the caller); a record being sent goes back to the queue. */
void sync_stop(struct sync *s, enum sync_outcome outcome, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Go on with step (started by the next sync_perform). */
void sync_goto(struct sync *s, enum sync_step step);
/* Start the request of the current step; false when it could not be made
 * (the job was stopped). */
bool sync_send(struct sync *s, struct http_xfer *x);
/* Send a JSON body (taken over, freed in any case) with method to path. */
bool sync_send_json(struct sync *s, const char *method, const char *path, char *json);
/* url = base + path (path starts with '/') */
struct http_xfer *sync_request(struct sync *s, const char *method, const char *path,
	size_t body_limit);
/* The finished transfer failed in a way the run cannot step over, or needs
 * a retry: handle it (retry with backoff, or stop) and return true.  false:
 * a sigacor server answered; the step looks at the status. */
bool sync_transfer_failed(struct sync *s, const struct http_xfer *x);
/* A sigacor server answered a status the step does not handle itself:
 * 401, 403 operator_disabled, retryable ones, or anything unexpected
 * (stops the run).  problem may be NULL. */
void sync_unexpected(struct sync *s, const struct http_xfer *x, const struct proto_problem *pb);
/* A decoder's complaint as short text ("items[0].nik: must be a string"). */
struct sync_detail {
	char text[192];
};
struct sync_detail sync_proto_detail(const struct proto_error *e);
/* Decode x's body as a problem (false when it is not one). */
bool sync_problem(const struct http_xfer *x, struct proto_problem *pb);
/* Retry the current step later (backoff, Retry-After); stops the run once
 * max_attempts is reached.  why: sentence for the status line. */
void sync_retry(struct sync *s, long retry_after_s, const char *why);
void sync_refresh_local(struct sync *s);

/* push.c */
void push_next_record(struct sync *s);
void push_start(struct sync *s);
void push_done(struct sync *s, struct http_xfer *x);
/* Put the record being sent back in the queue (the run stopped). */
void push_requeue(struct sync *s, const char *why);
/* This run's photo upload rate (bytes/s) counting the bytes of the PUTs in
 * flight; the saved rate while too little went to measure. */
int64_t push_rate(const struct sync *s);
/* The photo bytes of the PUTs in flight (the one of the step, the one ahead). */
int64_t push_bytes_in_flight(const struct sync *s);
/* Forget the photo sent ahead (the run stops, or goes elsewhere); what of it
 * went is on the server, and its next PUT goes on from there. */
void push_ahead_drop(struct sync *s);
/* engine.c: the transfer x, already started (finished when done), becomes
 * the one of step (STEP_BLOB_PUT, STEP_RESIDENTS_PAGE), its first try. */
void sync_take_over(struct sync *s, enum sync_step step, struct http_xfer *x, bool done);
/* engine.c: start x beside the step's transfer as the one ahead (its
 * request written now, so the server works while this process does);
 * false when it could not be started (x freed). */
bool sync_send_ahead(struct sync *s, struct http_xfer *x);

/* pull.c */
void pull_residents_start(struct sync *s);
void pull_start(struct sync *s);
void pull_done(struct sync *s, struct http_xfer *x);

/* session.c */
void session_start(struct sync *s);
void session_done(struct sync *s, struct http_xfer *x);

#endif
