/* proto: the wire protocol of doc/PROTOCOL.md as C structs, and their JSON
 * (cJSON inside, not in this header).  Shared by the client's sync engine and
 * by sigacor-server, so both ends read and write the same shapes.
 *
 * Decoding is strict, because the client reads replies that may come from a
 * captive portal or a hostile network: every field has its exact JSON type,
 * strings fit their buffers (too long is an error, never truncated), NIK and
 * KK are 16-digit *strings*, required fields must be present; unknown fields
 * are ignored so the server can add some later.  Decoders never crash on any
 * input and leave a short English reason in struct proto_error.
 *
 * Encoders return a malloc'd NUL-terminated JSON text (free() it), or NULL
 * when memory ran out.  Decoders take text and its length (need not be
 * NUL-terminated). */
#ifndef SIGACOR_PROTO_H
#define SIGACOR_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "record.h"
#include "registry.h"

#define PROTO_PREFIX "/api/v1"
/* Every answer of sigacor-server carries this header: a 200 without it came
 * from something else (captive portal, proxy). */
#define PROTO_MARKER_HEADER "X-Sigacor-Server"
#define PROTO_MARKER_VALUE "1"
/* a list page with more after it: its next_cursor, ahead of the body */
#define PROTO_NEXT_CURSOR_HEADER "X-Sigacor-Next-Cursor"
#define PROTO_JSON_TYPE "application/json"
#define PROTO_PROBLEM_TYPE "application/problem+json"
#define PROTO_BLOB_TYPE "image/jpeg"

/* Limits (doc/PROTOCOL.md "Limits") */
#define PROTO_JSON_MAX (64 * 1024)          /* bytes of any JSON request body */
#define PROTO_LOGIN_MAX 4096                /* bytes of a login body */
#define PROTO_PHOTO_MAX (30L * 1024 * 1024) /* default blob limit = PHOTO_MAX_BYTES */
#define PROTO_PAGE_DEFAULT 1000
#define PROTO_PAGE_MAX 5000
#define PROTO_REVIEWER_MAX 63               /* bytes of a reviewer's name (a supervisor or an account) */
#define PROTO_OPERATOR_MAX 63               /* bytes of an operator name, [a-z0-9._-] (fits record.operator_name) */
#define PROTO_DEVICE_MAX 64
#define PROTO_PASSWORD_MAX 1024
#define PROTO_TOKEN_MAX 128
#define PROTO_CURSOR_MAX 128
#define PROTO_KELURAHAN_MAX 16              /* kelurahan per operator */
#define PROTO_FLAGS_MAX 16
#define PROTO_FLAG_LEN 32
#define PROTO_SHA256_LEN 64
#define PROTO_CITY_KEY_HEX 64

enum proto_status {
	PROTO_OK = 0,
	PROTO_ERR_JSON,     /* not JSON at all (or not an object) */
	PROTO_ERR_SHAPE,    /* JSON, but a field is missing, of the wrong type or too long */
	PROTO_ERR_NOMEM,
};

struct proto_error {
	char field[64];         /* JSON path of the bad field: "photos[1].sha256" */
	char reason[96];        /* short English reason: "must be a string" */
};

/* ---- POST /auth/login */
struct proto_login_request {
	char operator_name[PROTO_OPERATOR_MAX + 1];
	char password[PROTO_PASSWORD_MAX + 1];
	char device[PROTO_DEVICE_MAX + 1];
};

struct proto_session {          /* the answer of login, and of GET /me (token "") */
	char token[PROTO_TOKEN_MAX + 1];
	char operator_name[PROTO_OPERATOR_MAX + 1];
	char device[PROTO_DEVICE_MAX + 1];
	size_t n_kelurahan;
	char kelurahan[PROTO_KELURAHAN_MAX][16];     /* "36.71.01.1001" */
	/* the city's X25519 public key for the sealed outbox, 64 hex digits;
	 * "" (absent on the wire) when the server has none (section 7a) */
	char city_key[PROTO_CITY_KEY_HEX + 1];
	/* login and POST /auth/deposit-token: a second token of the session
	 * that only the sealed deposit endpoints take (section 7a); "" (absent
	 * on the wire) from a server before it, and in GET /me */
	char deposit_token[PROTO_TOKEN_MAX + 1];
};

char *proto_login_request_encode(const struct proto_login_request *in);
enum proto_status proto_login_request_decode(const char *json, size_t len,
	struct proto_login_request *out, struct proto_error *err);
char *proto_session_encode(const struct proto_session *in);
enum proto_status proto_session_decode(const char *json, size_t len,
	struct proto_session *out, struct proto_error *err);

/* ---- GET /residents (the registry extract): struct resident of registry.h,
 * checked with registry_check on decoding */

/* ---- GET /candidates (households assigned for verification): struct
 * candidate of registry.h */

/* ---- GET /verifications/changes (review outcomes and flags) */
struct proto_change {
	int64_t seq;
	char id[RECORD_UUID_LEN + 1];
	char status[16];                /* "accepted" | "flagged" */
	size_t n_flags;
	char flags[PROTO_FLAGS_MAX][PROTO_FLAG_LEN];  /* "duplicate_nik", ... */
	char review[16];                /* "" | "confirmed" | "rejected" | "revisit" */
	char review_note[RECORD_TEXT_MAX];
	char message[RECORD_TEXT_MAX];  /* Indonesian sentence for the clerk, may be "" */
	/* the review this entry reports (0 and "" from a server before review
	 * ids): its id, who made it, when (unix seconds, 0 unknown) */
	int64_t review_id;
	char reviewer[PROTO_REVIEWER_MAX + 1];
	int64_t reviewed_at;
	/* the record's worklist facts, what a purge keeps (absent from a
	 * server before them): a fresh profile (login --new-profile) gets the
	 * clerk's records it does not know back with their outcome and state */
	bool has_record;
	char nik[NIK_LEN + 1], kk[NIK_LEN + 1], kelurahan[16];
	char decision[16];              /* "layak" | "tidak-layak" */
	char reason[32];                /* "" for layak, else a reason code */
	char supersedes[RECORD_UUID_LEN + 1];
	bool in_registry;
	int64_t created_at, finalised_at;
};

/* ---- GET /progress (the kelurahan's shared progress): per NIK, the
 * outcome of its deciding record and who verified it; never the record
 * itself, its photos or its notes */
struct proto_progress {
	int64_t seq;
	char nik[NIK_LEN + 1];
	char kelurahan[16];
	char decision[16];              /* "layak" | "tidak-layak" */
	char reason[32];                /* "" for layak, else a reason code */
	char operator_name[PROTO_OPERATOR_MAX + 1];
	int64_t verified_at;            /* the record's finalised_at (unix seconds) */
	bool flagged;                   /* a current record of the NIK has a flag */
	char review[16];                /* its latest review: "" | "confirmed" | ... */
};

/* ---- GET /residents/changes (the registry's changes since a cursor): a
 * resident as it is now, or gone from that kelurahan (removed, or moved
 * to another); never a whole kelurahan again for one corrected name */
struct proto_registry_change {
	int64_t seq;
	bool removed;                   /* only resident.nik and .kelurahan set */
	struct resident resident;
};

enum proto_page_kind { PROTO_PAGE_RESIDENTS, PROTO_PAGE_CANDIDATES, PROTO_PAGE_CHANGES,
	PROTO_PAGE_PROGRESS, PROTO_PAGE_REGISTRY };

/* One page of a cursor-paged list.  Exactly one of the item arrays is used,
 * as kind says.  total: items in the whole list (-1 when not given). */
struct proto_page {
	enum proto_page_kind kind;
	size_t count;
	struct resident *residents;
	struct candidate *candidates;
	struct proto_change *changes;
	struct proto_progress *progress;
	struct proto_registry_change *registry;
	char next_cursor[PROTO_CURSOR_MAX + 1];
	bool has_more;
	int64_t total;
	char snapshot[32];              /* residents/candidates: "r3"; changes, progress: "" */
	/* residents: where the registry's changes feed stands at this snapshot
	 * ("g41"; "" from a server before the feed) */
	char registry_cursor[32];
};

char *proto_page_encode(const struct proto_page *in);
/* Allocates the item array; call proto_page_free() whatever it returns. */
enum proto_status proto_page_decode(const char *json, size_t len, enum proto_page_kind kind,
	struct proto_page *out, struct proto_error *err);
void proto_page_free(struct proto_page *p);

/* ---- PUT /verifications/{id}: the record on the wire.
 * Sent: uuid, nik, in_registry, name, address, kelurahan, kk, decision,
 * reason, reason_text, notes, coordinates (+source, reason), the attached
 * photos (kind, sha256, size, gps, taken_at), operator_name, supersedes,
 * created_at, finalised_at.  Not sent: state, updated_at, server_message
 * and photo original_name (a file name may hold a person's name). */
char *proto_record_encode(const struct record *r);
/* Fills *out (zeroed first) from the wire form.  Checks types and lengths and
 * the shape of codes (uuid, NIK digits, sha256 hex, decision/reason/kind
 * codes); the record rules themselves are record_check_final()'s job. */
enum proto_status proto_record_decode(const char *json, size_t len, struct record *out,
	struct proto_error *err);

/* The answer to an accepted record (201, and 201 again on replay). */
struct proto_verification_result {
	char id[RECORD_UUID_LEN + 1];
	char status[16];                /* "accepted" | "flagged" */
	size_t n_flags;
	char flags[PROTO_FLAGS_MAX][PROTO_FLAG_LEN];
	char received_at[21];           /* "2025-01-02T03:04:05Z" */
	/* photos the record names that the server does not hold yet (a record
	 * sent with "Photos-Later: 1"); 0, and absent on the wire, when complete */
	int64_t photos_waiting;
};

char *proto_verification_result_encode(const struct proto_verification_result *in);
enum proto_status proto_verification_result_decode(const char *json, size_t len,
	struct proto_verification_result *out, struct proto_error *err);

/* ---- PUT /blobs/{sha256}: the answer naming the photo stored (201 or 200) */
#define PROTO_BLOB_SIZE_MAX ((int64_t)1 << 53)   /* what a JSON number holds exactly */
struct proto_blob_answer {
	char sha256[PROTO_SHA256_LEN + 1];
	int64_t size;
};
char *proto_blob_answer_encode(const struct proto_blob_answer *in);
enum proto_status proto_blob_answer_decode(const char *json, size_t len,
	struct proto_blob_answer *out, struct proto_error *err);

/* ---- the photo inbox (doc/PROTOCOL.md "Photo inbox"): photos a clerk
 * uploads from a phone's browser through a one-time code, kept on the
 * server for that clerk until fetched or expired. */
#define PROTO_INBOX_CODE_LEN 10             /* [2-9A-HJ-NP-Z]: no 0/O, 1/I/L */
#define PROTO_INBOX_LIST_MAX 500
#define PROTO_FILE_NAME_MAX 127
struct proto_inbox_code {               /* POST /inbox/codes answer */
	char code[PROTO_INBOX_CODE_LEN + 1];
	char path[32];                  /* "/u/<code>": the page, under the server's address */
	char url[512];                  /* the page's whole address when the server knows it, else "" */
	int64_t expires_at;             /* Unix seconds */
};
char *proto_inbox_code_encode(const struct proto_inbox_code *in);
enum proto_status proto_inbox_code_decode(const char *json, size_t len,
	struct proto_inbox_code *out, struct proto_error *err);

/* Where a phone said it was when it uploaded a photo (the browser's
 * Geolocation API): a separate source, never written into the photo. */
struct proto_phone_position {
	double lat, lon;
	double accuracy_m;
};
char *proto_phone_position_encode(const struct proto_phone_position *in);
enum proto_status proto_phone_position_decode(const char *json, size_t len,
	struct proto_phone_position *out, struct proto_error *err);

struct proto_inbox_photo {
	char sha256[PROTO_SHA256_LEN + 1];
	int64_t size;
	char name[PROTO_FILE_NAME_MAX + 1];     /* the phone's file name, for the clerk's eyes */
	int64_t uploaded_at, expires_at;        /* Unix seconds */
	bool has_phone_position;
	struct proto_phone_position phone;
};
struct proto_inbox_list {              /* GET /inbox */
	size_t n;
	struct proto_inbox_photo *photos;
};
char *proto_inbox_list_encode(const struct proto_inbox_list *in);
/* Allocates the array; call proto_inbox_list_free() whatever it returns. */
enum proto_status proto_inbox_list_decode(const char *json, size_t len,
	struct proto_inbox_list *out, struct proto_error *err);
void proto_inbox_list_free(struct proto_inbox_list *l);
/* true for a code of PROTO_INBOX_CODE_LEN letters of the inbox alphabet */
bool proto_is_inbox_code(const char *s);

/* ---- errors: application/problem+json (RFC 9457) */
#define PROTO_PROBLEM_LIST_MAX 16
struct proto_problem {
	char type[128];                 /* "urn:sigacor:problem:<code>" */
	char title[128];
	int status;
	char detail[RECORD_TEXT_MAX];   /* Indonesian sentence for the clerk */
	char code[48];                  /* stable machine code: "missing_blobs" */
	bool retryable;
	char field[64];                 /* invalid_field: which one, else "" */
	size_t n_missing;               /* missing_blobs */
	char missing_blobs[PROTO_PROBLEM_LIST_MAX][PROTO_SHA256_LEN + 1];
	size_t n_errors;                /* validation: record_problem codes ("photo_ktp") */
	char errors[PROTO_PROBLEM_LIST_MAX][32];
};

char *proto_problem_encode(const struct proto_problem *in);
enum proto_status proto_problem_decode(const char *json, size_t len,
	struct proto_problem *out, struct proto_error *err);

/* ---- small shared helpers */
bool proto_is_uuid(const char *s);          /* lower-case 8-4-4-4-12 hex */
bool proto_is_kelurahan(const char *s);     /* "36.71.DD.DDDD" shape (not the table) */
bool proto_is_operator_name(const char *s); /* 1-63 of [a-z0-9._-], not starting with . or - */
/* unix seconds <-> "YYYY-MM-DDTHH:MM:SSZ" (UTC).  Parse accepts only that form. */
void proto_time_format(int64_t t, char out[21]);
bool proto_time_parse(const char *s, int64_t *out);
const char *proto_status_message(enum proto_status s);

#endif
