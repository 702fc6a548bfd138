/* proto: JSON <-> structs for doc/PROTOCOL.md (cJSON): the shapes, the
 * strict reading and the writing every message shares (proto_int.h), login
 * and problems.  Pages: proto_page.c; records and their answers:
 * proto_record.c. */
#include "config.h"
#include "proto.h"
#include "proto_int.h"
#include "format.h"
#include "calendar.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- shapes */

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool proto_is_uuid(const char *s)
{
	if (s == NULL || strlen(s) != RECORD_UUID_LEN)
		return false;
	for (int i = 0; i < RECORD_UUID_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !is_lower_hex(s[i]))
			return false;
	}
	return true;
}

bool proto_is_kelurahan(const char *s)
{
	/* 36.71.DD.DDDD */
	if (s == NULL || strlen(s) != 13 || strncmp(s, "36.71.", 6) != 0)
		return false;
	return is_digit(s[6]) && is_digit(s[7]) && s[8] == '.' && is_digit(s[9])
		&& is_digit(s[10]) && is_digit(s[11]) && is_digit(s[12]);
}

bool proto_is_operator_name(const char *s)
{
	size_t n = s == NULL ? 0 : strlen(s);
	if (n == 0 || n > PROTO_OPERATOR_MAX || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || is_digit(c) || c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* A record's standing on the server: "accepted" or "flagged" */
bool wire_is_status(const char *s)
{
	return strcmp(s, "accepted") == 0 || strcmp(s, "flagged") == 0;
}

/* ---------------------------------------------------------------- time */

void proto_time_format(int64_t t, char out[21])
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (gmtime_r(&tt, &tm) == NULL || strftime(out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm) != 20)
		snprintf(out, 21, "1970-01-01T00:00:00Z");
}

bool proto_time_parse(const char *s, int64_t *out)
{
	if (!format_shape(s, "dddd-dd-ddTdd:dd:ddZ"))
		return false;
	int y = format_number(s, 4), mo = format_number(s + 5, 2), d = format_number(s + 8, 2);
	int h = format_number(s + 11, 2), mi = format_number(s + 14, 2), se = format_number(s + 17, 2);
	if (y < 1970 || !calendar_is_day(y, mo, d) || h > 23 || mi > 59 || se > 59)
		return false;
	*out = (int64_t)calendar_days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se;
	return true;
}

/* "YYYY-MM-DD HH:MM:SS" (a camera's clock) or "" */
bool wire_is_taken_at(const char *s)
{
	return s[0] == '\0' || format_shape(s, "dddd-dd-dd dd:dd:dd");
}

/* ---------------------------------------------------------------- decoding */


/* a + b into dst, cut to fit: these are diagnostics, a cut path is fine */
void wire_join(char *dst, size_t cap, const char *a, const char *b)
{
	if (snprintf(dst, cap, "%s%s", a, b) >= (int)cap)
		dst[cap - 1] = '\0';
}

bool wire_fail(struct ctx *c, const char *field, const char *reason)
{
	if (c->err != NULL) {
		wire_join(c->err->field, sizeof c->err->field, c->path, field);
		snprintf(c->err->reason, sizeof c->err->reason, "%s", reason);
	}
	return false;
}


/* A required member of the type is_type accepts (else: must, the reason),
 * or NULL with the failure noted. */
static const cJSON *typed_member(struct ctx *c, const cJSON *obj, const char *name,
	cJSON_bool (*is_type)(const cJSON *const item), const char *must)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (it == NULL)
		return wire_fail(c, name, "is required"), NULL;
	if (!is_type(it))
		return wire_fail(c, name, must), NULL;
	return it;
}

/* A required string member that fits cap (with its NUL). */
bool wire_get_str(struct ctx *c, const cJSON *obj, const char *name, char *buf, size_t cap,
	enum text_kind kind)
{
	const cJSON *it = typed_member(c, obj, name, cJSON_IsString, "must be a string");
	if (it == NULL)
		return false;
	if (it->valuestring == NULL)
		return wire_fail(c, name, "must be a string");
	size_t n = strlen(it->valuestring);
	if (n >= cap)
		return wire_fail(c, name, "is too long");
	if (!format_text(it->valuestring, kind == TEXT_MULTILINE))
		return wire_fail(c, name, "is not clean UTF-8 text");
	memcpy(buf, it->valuestring, n + 1);
	return true;
}

/* An optional string member: absent leaves buf "" */
bool wire_get_str_opt(struct ctx *c, const cJSON *obj, const char *name, char *buf,
	size_t cap)
{
	buf[0] = '\0';
	if (cJSON_GetObjectItemCaseSensitive(obj, name) == NULL)
		return true;
	return wire_get_str(c, obj, name, buf, cap, TEXT_MULTILINE);
}

bool wire_get_bool(struct ctx *c, const cJSON *obj, const char *name, bool *out)
{
	const cJSON *it = typed_member(c, obj, name, cJSON_IsBool, "must be true or false");
	if (it != NULL)
		*out = cJSON_IsTrue(it);
	return it != NULL;
}

/* An integer that a double holds exactly (|v| <= 2^53). */
bool wire_get_int(struct ctx *c, const cJSON *obj, const char *name, int64_t min,
	int64_t max, int64_t *out)
{
	const cJSON *it = typed_member(c, obj, name, cJSON_IsNumber, "must be a number");
	if (it == NULL)
		return false;
	double v = it->valuedouble;
	if (!isfinite(v) || v != floor(v) || v < -9007199254740992.0 || v > 9007199254740992.0)
		return wire_fail(c, name, "must be a whole number");
	if (v < (double)min || v > (double)max)
		return wire_fail(c, name, "is out of range");
	*out = (int64_t)v;
	return true;
}

bool wire_get_int_opt(struct ctx *c, const cJSON *obj, const char *name, int64_t min,
	int64_t max, int64_t *out)
{
	*out = 0;
	return cJSON_GetObjectItemCaseSensitive(obj, name) == NULL
		|| wire_get_int(c, obj, name, min, max, out);
}

bool wire_get_double(struct ctx *c, const cJSON *obj, const char *name, double min,
	double max, double *out)
{
	const cJSON *it = typed_member(c, obj, name, cJSON_IsNumber, "must be a number");
	if (it == NULL)
		return false;
	if (!isfinite(it->valuedouble))
		return wire_fail(c, name, "must be a number");
	if (it->valuedouble < min || it->valuedouble > max)
		return wire_fail(c, name, "is out of range");
	*out = it->valuedouble;
	return true;
}

bool wire_get_nik(struct ctx *c, const cJSON *obj, const char *name, char out[NIK_LEN + 1],
	bool may_be_empty)
{
	if (!wire_get_str(c, obj, name, out, NIK_LEN + 1, TEXT_LINE))
		return false;
	if (may_be_empty && out[0] == '\0')
		return true;
	return format_nik_digits(out) || wire_fail(c, name, "must be 16 digits");
}

bool wire_get_kelurahan(struct ctx *c, const cJSON *obj, const char *name, char out[16])
{
	return wire_get_str(c, obj, name, out, 16, TEXT_LINE)
		&& (proto_is_kelurahan(out) || wire_fail(c, name, "must be a code like 36.71.01.1001"));
}

bool wire_get_operator(struct ctx *c, const cJSON *obj, char out[PROTO_OPERATOR_MAX + 1])
{
	return wire_get_str(c, obj, "operator", out, PROTO_OPERATOR_MAX + 1, TEXT_LINE)
		&& (proto_is_operator_name(out) || wire_fail(c, "operator", "must be 1-63 of a-z 0-9 . _ -"));
}

/* A required array member of at most max items. */
const cJSON *wire_get_array(struct ctx *c, const cJSON *obj, const char *name, size_t max)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (it == NULL)
		return wire_fail(c, name, "is required"), NULL;
	if (!cJSON_IsArray(it))
		return wire_fail(c, name, "must be an array"), NULL;
	if ((size_t)cJSON_GetArraySize(it) > max)
		return wire_fail(c, name, "has too many items"), NULL;
	return it;
}

/* A list of short strings of [a-z0-9_-] (flags, codes). */
bool wire_get_codes(struct ctx *c, const cJSON *obj, const char *name, size_t max,
	char *out, size_t width, size_t *n)
{
	*n = 0;
	const cJSON *arr = wire_get_array(c, obj, name, max);
	if (arr == NULL)
		return false;
	const cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsString(it) || it->valuestring == NULL)
			return wire_fail(c, name, "must hold strings");
		size_t len = strlen(it->valuestring);
		if (len == 0 || len >= width)
			return wire_fail(c, name, "holds a bad code");
		for (size_t i = 0; i < len; i++) {
			char ch = it->valuestring[i];
			if (!((ch >= 'a' && ch <= 'z') || is_digit(ch) || ch == '_' || ch == '-'))
				return wire_fail(c, name, "holds a bad code");
		}
		memcpy(out + *n * width, it->valuestring, len + 1);
		(*n)++;
	}
	return true;
}

/* A \u0000 escape in any string: cJSON keeps C strings, so "A\u0000B"
 * would silently become "A" (issue 8).  Backslashes occur only inside
 * strings of valid JSON, so skipping each escape pair is enough. */
static bool has_nul_escape(const char *json, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (json[i] != '\\')
			continue;
		if (json[i + 1] == 'u' && i + 5 < len && memcmp(json + i + 2, "0000", 4) == 0)
			return true;
		i++;                    /* the escaped character */
	}
	return false;
}

/* Parse text into an object; PROTO_ERR_JSON when it is not one. */
static enum proto_status wire_parse_object(const char *json, size_t len, cJSON **out,
	struct proto_error *err)
{
	if (err != NULL)
		memset(err, 0, sizeof *err);
	*out = NULL;
	if (json == NULL) {
		if (err != NULL)
			snprintf(err->reason, sizeof err->reason, "no body");
		return PROTO_ERR_JSON;
	}
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(json, len, &end, false);
	if (root == NULL) {
		if (err != NULL)
			snprintf(err->reason, sizeof err->reason, "not JSON");
		return PROTO_ERR_JSON;
	}
	/* only white space may follow the object */
	for (const char *p = end; p != NULL && p < json + len; p++)
		if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n') {
			cJSON_Delete(root);
			if (err != NULL)
				snprintf(err->reason, sizeof err->reason, "text after the JSON value");
			return PROTO_ERR_JSON;
		}
	if (!cJSON_IsObject(root)) {
		cJSON_Delete(root);
		if (err != NULL)
			snprintf(err->reason, sizeof err->reason, "not a JSON object");
		return PROTO_ERR_JSON;
	}
	if (has_nul_escape(json, len)) {
		cJSON_Delete(root);
		if (err != NULL)
			snprintf(err->reason, sizeof err->reason, "\\u0000 in a string");
		return PROTO_ERR_JSON;
	}
	*out = root;
	return PROTO_OK;
}

enum proto_status wire_decode(const char *json, size_t len, struct proto_error *err,
	bool (*from_json)(struct ctx *c, const cJSON *o, void *out), void *out)
{
	cJSON *o;
	enum proto_status st = wire_parse_object(json, len, &o, err);
	if (st != PROTO_OK)
		return st;
	struct ctx c = { .err = err };
	bool ok = from_json(&c, o, out);
	cJSON_Delete(o);
	return ok ? PROTO_OK : c.nomem ? PROTO_ERR_NOMEM : PROTO_ERR_SHAPE;
}

/* ---------------------------------------------------------------- encoding */

char *wire_finish(cJSON *root, bool ok)
{
	char *text = ok && root != NULL ? cJSON_PrintUnformatted(root) : NULL;
	cJSON_Delete(root);
	return text;
}

/* o when ok, else NULL (o freed) */
cJSON *wire_keep(cJSON *o, bool ok)
{
	if (ok)
		return o;
	cJSON_Delete(o);
	return NULL;
}

/* cJSON_Add*ToObject return NULL on failure; fold them into one flag */
bool wire_add_str(cJSON *obj, const char *name, const char *value)
{
	return cJSON_AddStringToObject(obj, name, value) != NULL;
}

bool wire_add_num(cJSON *obj, const char *name, double value)
{
	return cJSON_AddNumberToObject(obj, name, value) != NULL;
}

bool wire_add_bool(cJSON *obj, const char *name, bool value)
{
	return cJSON_AddBoolToObject(obj, name, value) != NULL;
}

bool wire_add_codes(cJSON *obj, const char *name, const char *codes, size_t width, size_t n)
{
	cJSON *arr = cJSON_AddArrayToObject(obj, name);
	if (arr == NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		cJSON *s = cJSON_CreateString(codes + i * width);
		if (s == NULL || !cJSON_AddItemToArray(arr, s)) {
			cJSON_Delete(s);
			return false;
		}
	}
	return true;
}

/* ---------------------------------------------------------------- login */

char *proto_login_request_encode(const struct proto_login_request *in)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && wire_add_str(o, "operator", in->operator_name)
		&& wire_add_str(o, "password", in->password) && wire_add_str(o, "device", in->device);
	return wire_finish(o, ok);
}

static bool login_request_from_json(struct ctx *c, const cJSON *o, void *v)
{
	struct proto_login_request *out = v;
	return wire_get_operator(c, o, out->operator_name)
		&& wire_get_str(c, o, "password", out->password, sizeof out->password, TEXT_LINE)
		&& (out->password[0] != '\0' || wire_fail(c, "password", "is empty"))
		&& wire_get_str(c, o, "device", out->device, sizeof out->device, TEXT_LINE)
		&& (out->device[0] != '\0' || wire_fail(c, "device", "is empty"));
}

enum proto_status proto_login_request_decode(const char *json, size_t len,
	struct proto_login_request *out, struct proto_error *err)
{
	memset(out, 0, sizeof *out);
	return wire_decode(json, len, err, login_request_from_json, out);
}

char *proto_session_encode(const struct proto_session *in)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && wire_add_str(o, "token", in->token)
		&& wire_add_str(o, "operator", in->operator_name) && wire_add_str(o, "device", in->device)
		&& wire_add_codes(o, "kelurahan", in->kelurahan[0], sizeof in->kelurahan[0],
			in->n_kelurahan);
	if (ok && in->city_key[0] != '\0')
		ok = wire_add_str(o, "city_key", in->city_key);
	if (ok && in->deposit_token[0] != '\0')
		ok = wire_add_str(o, "deposit_token", in->deposit_token);
	return wire_finish(o, ok);
}

static bool session_from_json(struct ctx *c, const cJSON *o, void *v)
{
	struct proto_session *out = v;
	bool ok = wire_get_str(c, o, "token", out->token, sizeof out->token, TEXT_LINE)
		&& wire_get_operator(c, o, out->operator_name)
		&& wire_get_str(c, o, "device", out->device, sizeof out->device, TEXT_LINE);
	ok = ok && wire_get_str_opt(c, o, "city_key", out->city_key, sizeof out->city_key);
	if (ok && out->city_key[0] != '\0' && (strlen(out->city_key) != PROTO_CITY_KEY_HEX
		|| strspn(out->city_key, "0123456789abcdef") != PROTO_CITY_KEY_HEX))
		return wire_fail(c, "city_key", "must be 64 lower-case hex digits");
	/* kept on one line of a file and sent in a header: base64url only */
	ok = ok && wire_get_str_opt(c, o, "deposit_token", out->deposit_token,
		sizeof out->deposit_token);
	if (ok && strspn(out->deposit_token, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789-_") != strlen(out->deposit_token))
		return wire_fail(c, "deposit_token", "must hold letters, digits, - and _ only");
	const cJSON *arr = ok ? wire_get_array(c, o, "kelurahan", PROTO_KELURAHAN_MAX) : NULL;
	if (arr == NULL)
		return false;
	const cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsString(it) || !proto_is_kelurahan(it->valuestring))
			return wire_fail(c, "kelurahan", "must hold codes like 36.71.01.1001");
		memcpy(out->kelurahan[out->n_kelurahan++], it->valuestring, 14);
	}
	return true;
}

enum proto_status proto_session_decode(const char *json, size_t len,
	struct proto_session *out, struct proto_error *err)
{
	memset(out, 0, sizeof *out);
	return wire_decode(json, len, err, session_from_json, out);
}

/* ---------------------------------------------------------------- problems */

char *proto_problem_encode(const struct proto_problem *in)
{
	char type[sizeof in->type];
	if (in->type[0] != '\0')
		snprintf(type, sizeof type, "%s", in->type);
	else
		snprintf(type, sizeof type, "urn:sigacor:problem:%s", in->code);
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && wire_add_str(o, "type", type) && wire_add_str(o, "title", in->title)
		&& wire_add_num(o, "status", in->status) && wire_add_str(o, "detail", in->detail)
		&& wire_add_str(o, "code", in->code) && wire_add_bool(o, "retryable", in->retryable);
	if (ok && in->field[0] != '\0')
		ok = wire_add_str(o, "field", in->field);
	if (ok && in->n_missing > 0)
		ok = wire_add_codes(o, "missing_blobs", in->missing_blobs[0], sizeof in->missing_blobs[0],
			in->n_missing);
	if (ok && in->n_errors > 0)
		ok = wire_add_codes(o, "errors", in->errors[0], sizeof in->errors[0], in->n_errors);
	return wire_finish(o, ok);
}

/* code and status are required; the rest is optional but type-checked, so a
 * client can still act on a sparse problem from a proxy in front. */
static bool problem_from_json(struct ctx *c, const cJSON *o, void *v)
{
	struct proto_problem *out = v;
	int64_t status;
	bool ok = wire_get_int(c, o, "status", 100, 599, &status)
		&& wire_get_str(c, o, "code", out->code, sizeof out->code, TEXT_LINE)
		&& wire_get_str_opt(c, o, "type", out->type, sizeof out->type)
		&& wire_get_str_opt(c, o, "title", out->title, sizeof out->title)
		&& wire_get_str_opt(c, o, "detail", out->detail, sizeof out->detail)
		&& wire_get_str_opt(c, o, "field", out->field, sizeof out->field);
	out->status = (int)status;
	if (ok && cJSON_GetObjectItemCaseSensitive(o, "retryable") != NULL)
		ok = wire_get_bool(c, o, "retryable", &out->retryable);
	if (ok && cJSON_GetObjectItemCaseSensitive(o, "missing_blobs") != NULL) {
		ok = wire_get_codes(c, o, "missing_blobs", PROTO_PROBLEM_LIST_MAX, out->missing_blobs[0],
			sizeof out->missing_blobs[0], &out->n_missing);
		for (size_t i = 0; ok && i < out->n_missing; i++)
			ok = format_sha256_hex(out->missing_blobs[i])
				|| wire_fail(c, "missing_blobs", "must hold sha256 hex digests");
	}
	if (ok && cJSON_GetObjectItemCaseSensitive(o, "errors") != NULL)
		ok = wire_get_codes(c, o, "errors", PROTO_PROBLEM_LIST_MAX, out->errors[0],
			sizeof out->errors[0], &out->n_errors);
	return ok;
}

enum proto_status proto_problem_decode(const char *json, size_t len,
	struct proto_problem *out, struct proto_error *err)
{
	memset(out, 0, sizeof *out);
	return wire_decode(json, len, err, problem_from_json, out);
}

const char *proto_status_message(enum proto_status s)
{
	switch (s) {
	case PROTO_OK: return "ok";
	case PROTO_ERR_JSON: return "not a JSON object";
	case PROTO_ERR_SHAPE: return "unexpected JSON shape";
	case PROTO_ERR_NOMEM: return "out of memory";
	}
	return "?";
}
