/* proto internals shared by the files of src/proto/ (not a public header):
 * the strict reading of JSON members (a short English reason on the first
 * bad one) and the writing, used by every message. */
#ifndef SIGACOR_PROTO_INT_H
#define SIGACOR_PROTO_INT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>
#include "proto.h"

struct ctx {
	struct proto_error *err;
	char path[64];          /* prefix for field names: "photos[1]." */
	bool nomem;
};

enum text_kind { TEXT_LINE, TEXT_MULTILINE };

/* A record's standing on the server: "accepted" or "flagged" */
bool wire_is_status(const char *s);

/* "YYYY-MM-DD HH:MM:SS" (a camera's clock) or "" */
bool wire_is_taken_at(const char *s);

/* a + b into dst, cut to fit: these are diagnostics, a cut path is fine */
void wire_join(char *dst, size_t cap, const char *a, const char *b);

/* Note the first bad member (c->path + field) and why; returns false. */
bool wire_fail(struct ctx *c, const char *field, const char *reason);

/* A required string member that fits cap (with its NUL). */
bool wire_get_str(struct ctx *c, const cJSON *obj, const char *name, char *buf, size_t cap,
	enum text_kind kind);

/* An optional string member: absent leaves buf "" */
bool wire_get_str_opt(struct ctx *c, const cJSON *obj, const char *name, char *buf,
	size_t cap);

bool wire_get_bool(struct ctx *c, const cJSON *obj, const char *name, bool *out);

/* An integer that a double holds exactly (|v| <= 2^53). */
bool wire_get_int(struct ctx *c, const cJSON *obj, const char *name, int64_t min,
	int64_t max, int64_t *out);

/* An optional one: absent leaves *out 0 */
bool wire_get_int_opt(struct ctx *c, const cJSON *obj, const char *name, int64_t min,
	int64_t max, int64_t *out);

bool wire_get_double(struct ctx *c, const cJSON *obj, const char *name, double min,
	double max, double *out);

bool wire_get_nik(struct ctx *c, const cJSON *obj, const char *name, char out[NIK_LEN + 1],
	bool may_be_empty);

bool wire_get_kelurahan(struct ctx *c, const cJSON *obj, const char *name, char out[16]);

bool wire_get_operator(struct ctx *c, const cJSON *obj, char out[PROTO_OPERATOR_MAX + 1]);

/* A required array member of at most max items. */
const cJSON *wire_get_array(struct ctx *c, const cJSON *obj, const char *name, size_t max);

/* A list of short strings of [a-z0-9_-] (flags, codes). */
bool wire_get_codes(struct ctx *c, const cJSON *obj, const char *name, size_t max,
	char *out, size_t width, size_t *n);

/* The frame every decoder shares: parse, read the object's members with
 * from_json, free.  c->nomem turns a failure into PROTO_ERR_NOMEM. */
enum proto_status wire_decode(const char *json, size_t len, struct proto_error *err,
	bool (*from_json)(struct ctx *c, const cJSON *o, void *out), void *out);

char *wire_finish(cJSON *root, bool ok);

cJSON *wire_keep(cJSON *o, bool ok);

bool wire_add_str(cJSON *obj, const char *name, const char *value);

bool wire_add_num(cJSON *obj, const char *name, double value);

bool wire_add_bool(cJSON *obj, const char *name, bool value);

bool wire_add_codes(cJSON *obj, const char *name, const char *codes, size_t width, size_t n);

/* A residents page or a registry changes page read straight from its
 * text, when the server wrote it plainly (page_scan.c); false (and for
 * any other kind): read it as a tree instead, which accepts or refuses it
 * and names why.  May allocate the page's items either way. */
bool proto_page_scan(const char *json, size_t len, enum proto_page_kind kind,
	struct proto_page *out);

/* Any page read as a cJSON tree: every shape JSON allows, each fault named */
enum proto_status proto_page_decode_tree(const char *json, size_t len,
	enum proto_page_kind kind, struct proto_page *out, struct proto_error *err);

#endif
