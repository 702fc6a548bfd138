/* proto: JSON <-> structs for doc/PROTOCOL.md (cJSON). */
#include "config.h"
#include "proto.h"
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
static bool is_taken_at(const char *s)
{
	return s[0] == '\0' || format_shape(s, "dddd-dd-dd dd:dd:dd");
}

/* ---------------------------------------------------------------- decoding */

struct ctx {
	struct proto_error *err;
	char path[64];          /* prefix for field names: "photos[1]." */
	bool nomem;
};

/* a + b into dst, cut to fit: these are diagnostics, a cut path is fine */
static void join(char *dst, size_t cap, const char *a, const char *b)
{
	if (snprintf(dst, cap, "%s%s", a, b) >= (int)cap)
		dst[cap - 1] = '\0';
}

static bool fail(struct ctx *c, const char *field, const char *reason)
{
	if (c->err != NULL) {
		join(c->err->field, sizeof c->err->field, c->path, field);
		snprintf(c->err->reason, sizeof c->err->reason, "%s", reason);
	}
	return false;
}

enum text_kind { TEXT_LINE, TEXT_MULTILINE };

/* A required string member that fits cap (with its NUL). */
static bool get_str(struct ctx *c, const cJSON *obj, const char *name, char *buf, size_t cap,
	enum text_kind kind)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (it == NULL)
		return fail(c, name, "is required");
	if (!cJSON_IsString(it) || it->valuestring == NULL)
		return fail(c, name, "must be a string");
	size_t n = strlen(it->valuestring);
	if (n >= cap)
		return fail(c, name, "is too long");
	if (!format_text(it->valuestring, kind == TEXT_MULTILINE))
		return fail(c, name, "is not clean UTF-8 text");
	memcpy(buf, it->valuestring, n + 1);
	return true;
}

/* An optional string member: absent leaves buf "" */
static bool get_str_opt(struct ctx *c, const cJSON *obj, const char *name, char *buf,
	size_t cap)
{
	buf[0] = '\0';
	if (cJSON_GetObjectItemCaseSensitive(obj, name) == NULL)
		return true;
	return get_str(c, obj, name, buf, cap, TEXT_MULTILINE);
}

static bool get_bool(struct ctx *c, const cJSON *obj, const char *name, bool *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (it == NULL)
		return fail(c, name, "is required");
	if (!cJSON_IsBool(it))
		return fail(c, name, "must be true or false");
	*out = cJSON_IsTrue(it);
	return true;
}

/* An integer that a double holds exactly (|v| <= 2^53). */
static bool get_int(struct ctx *c, const cJSON *obj, const char *name, int64_t min,
	int64_t max, int64_t *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (it == NULL)
		return fail(c, name, "is required");
	if (!cJSON_IsNumber(it))
		return fail(c, name, "must be a number");
	double v = it->valuedouble;
	if (!isfinite(v) || v != floor(v) || v < -9007199254740992.0 || v > 9007199254740992.0)
		return fail(c, name, "must be a whole number");
	if (v < (double)min || v > (double)max)
		return fail(c, name, "is out of range");
	*out = (int64_t)v;
	return true;
}

static bool get_double(struct ctx *c, const cJSON *obj, const char *name, double min,
	double max, double *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (it == NULL)
		return fail(c, name, "is required");
	if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
		return fail(c, name, "must be a number");
	if (it->valuedouble < min || it->valuedouble > max)
		return fail(c, name, "is out of range");
	*out = it->valuedouble;
	return true;
}

static bool get_nik(struct ctx *c, const cJSON *obj, const char *name, char out[NIK_LEN + 1],
	bool may_be_empty)
{
	if (!get_str(c, obj, name, out, NIK_LEN + 1, TEXT_LINE))
		return false;
	if (may_be_empty && out[0] == '\0')
		return true;
	return format_nik_digits(out) || fail(c, name, "must be 16 digits");
}

static bool get_kelurahan(struct ctx *c, const cJSON *obj, const char *name, char out[16])
{
	return get_str(c, obj, name, out, 16, TEXT_LINE)
		&& (proto_is_kelurahan(out) || fail(c, name, "must be a code like 36.71.01.1001"));
}

static bool get_operator(struct ctx *c, const cJSON *obj, char out[PROTO_OPERATOR_MAX + 1])
{
	return get_str(c, obj, "operator", out, PROTO_OPERATOR_MAX + 1, TEXT_LINE)
		&& (proto_is_operator_name(out) || fail(c, "operator", "must be 1-63 of a-z 0-9 . _ -"));
}

/* A required array member of at most max items. */
static const cJSON *get_array(struct ctx *c, const cJSON *obj, const char *name, size_t max)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, name);
	if (it == NULL)
		return fail(c, name, "is required"), NULL;
	if (!cJSON_IsArray(it))
		return fail(c, name, "must be an array"), NULL;
	if ((size_t)cJSON_GetArraySize(it) > max)
		return fail(c, name, "has too many items"), NULL;
	return it;
}

/* A list of short strings of [a-z0-9_-] (flags, codes). */
static bool get_codes(struct ctx *c, const cJSON *obj, const char *name, size_t max,
	char *out, size_t width, size_t *n)
{
	*n = 0;
	const cJSON *arr = get_array(c, obj, name, max);
	if (arr == NULL)
		return false;
	const cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsString(it) || it->valuestring == NULL)
			return fail(c, name, "must hold strings");
		size_t len = strlen(it->valuestring);
		if (len == 0 || len >= width)
			return fail(c, name, "holds a bad code");
		for (size_t i = 0; i < len; i++) {
			char ch = it->valuestring[i];
			if (!((ch >= 'a' && ch <= 'z') || is_digit(ch) || ch == '_' || ch == '-'))
				return fail(c, name, "holds a bad code");
		}
		memcpy(out + *n * width, it->valuestring, len + 1);
		(*n)++;
	}
	return true;
}

/* Parse text into an object; PROTO_ERR_JSON when it is not one. */
static enum proto_status parse_object(const char *json, size_t len, cJSON **out,
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
	*out = root;
	return PROTO_OK;
}

/* The frame every decoder shares: parse, read the object's members with
 * from_json, free.  c->nomem turns a failure into PROTO_ERR_NOMEM. */
static enum proto_status decode(const char *json, size_t len, struct proto_error *err,
	bool (*from_json)(struct ctx *c, const cJSON *o, void *out), void *out)
{
	cJSON *o;
	enum proto_status st = parse_object(json, len, &o, err);
	if (st != PROTO_OK)
		return st;
	struct ctx c = { .err = err };
	bool ok = from_json(&c, o, out);
	cJSON_Delete(o);
	return ok ? PROTO_OK : c.nomem ? PROTO_ERR_NOMEM : PROTO_ERR_SHAPE;
}

/* ---------------------------------------------------------------- encoding */

static char *finish(cJSON *root, bool ok)
{
	char *text = ok && root != NULL ? cJSON_PrintUnformatted(root) : NULL;
	cJSON_Delete(root);
	return text;
}

/* o when ok, else NULL (o freed) */
static cJSON *keep(cJSON *o, bool ok)
{
	if (ok)
		return o;
	cJSON_Delete(o);
	return NULL;
}

/* cJSON_Add*ToObject return NULL on failure; fold them into one flag */
static bool add_str(cJSON *obj, const char *name, const char *value)
{
	return cJSON_AddStringToObject(obj, name, value) != NULL;
}

static bool add_num(cJSON *obj, const char *name, double value)
{
	return cJSON_AddNumberToObject(obj, name, value) != NULL;
}

static bool add_bool(cJSON *obj, const char *name, bool value)
{
	return cJSON_AddBoolToObject(obj, name, value) != NULL;
}

static bool add_codes(cJSON *obj, const char *name, const char *codes, size_t width, size_t n)
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
	bool ok = o != NULL && add_str(o, "operator", in->operator_name)
		&& add_str(o, "password", in->password) && add_str(o, "device", in->device);
	return finish(o, ok);
}

static bool login_request_from_json(struct ctx *c, const cJSON *o, void *v)
{
	struct proto_login_request *out = v;
	return get_operator(c, o, out->operator_name)
		&& get_str(c, o, "password", out->password, sizeof out->password, TEXT_LINE)
		&& (out->password[0] != '\0' || fail(c, "password", "is empty"))
		&& get_str(c, o, "device", out->device, sizeof out->device, TEXT_LINE)
		&& (out->device[0] != '\0' || fail(c, "device", "is empty"));
}

enum proto_status proto_login_request_decode(const char *json, size_t len,
	struct proto_login_request *out, struct proto_error *err)
{
	memset(out, 0, sizeof *out);
	return decode(json, len, err, login_request_from_json, out);
}

char *proto_session_encode(const struct proto_session *in)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && add_str(o, "token", in->token)
		&& add_str(o, "operator", in->operator_name) && add_str(o, "device", in->device)
		&& add_codes(o, "kelurahan", in->kelurahan[0], sizeof in->kelurahan[0],
			in->n_kelurahan);
	return finish(o, ok);
}

static bool session_from_json(struct ctx *c, const cJSON *o, void *v)
{
	struct proto_session *out = v;
	bool ok = get_str(c, o, "token", out->token, sizeof out->token, TEXT_LINE)
		&& get_operator(c, o, out->operator_name)
		&& get_str(c, o, "device", out->device, sizeof out->device, TEXT_LINE);
	const cJSON *arr = ok ? get_array(c, o, "kelurahan", PROTO_KELURAHAN_MAX) : NULL;
	if (arr == NULL)
		return false;
	const cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsString(it) || !proto_is_kelurahan(it->valuestring))
			return fail(c, "kelurahan", "must hold codes like 36.71.01.1001");
		memcpy(out->kelurahan[out->n_kelurahan++], it->valuestring, 14);
	}
	return true;
}

enum proto_status proto_session_decode(const char *json, size_t len,
	struct proto_session *out, struct proto_error *err)
{
	memset(out, 0, sizeof *out);
	return decode(json, len, err, session_from_json, out);
}

/* ---------------------------------------------------------------- pages */

static cJSON *resident_to_json(const struct resident *r)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && add_str(o, "nik", r->nik) && add_str(o, "kk", r->kk)
		&& add_str(o, "name", r->name) && add_str(o, "sex", r->sex)
		&& add_str(o, "birth_place", r->birth_place) && add_str(o, "birth_date", r->birth_date)
		&& add_str(o, "address", r->address) && add_str(o, "rt", r->rt)
		&& add_str(o, "rw", r->rw) && add_str(o, "kelurahan", r->kelurahan);
	return keep(o, ok);
}

static bool resident_from_json(struct ctx *c, const cJSON *o, struct resident *r)
{
	bool ok = get_str(c, o, "nik", r->nik, sizeof r->nik, TEXT_LINE)
		&& get_str(c, o, "kk", r->kk, sizeof r->kk, TEXT_LINE)
		&& get_str(c, o, "name", r->name, sizeof r->name, TEXT_LINE)
		&& get_str(c, o, "sex", r->sex, sizeof r->sex, TEXT_LINE)
		&& get_str(c, o, "birth_place", r->birth_place, sizeof r->birth_place, TEXT_LINE)
		&& get_str(c, o, "birth_date", r->birth_date, sizeof r->birth_date, TEXT_LINE)
		&& get_str(c, o, "address", r->address, sizeof r->address, TEXT_LINE)
		&& get_str(c, o, "rt", r->rt, sizeof r->rt, TEXT_LINE)
		&& get_str(c, o, "rw", r->rw, sizeof r->rw, TEXT_LINE)
		&& get_str(c, o, "kelurahan", r->kelurahan, sizeof r->kelurahan, TEXT_LINE);
	if (!ok)
		return false;
	/* the registry's own rule; the birth-date limit was the server's to
	 * judge at import (this machine's clock may be wrong) */
	struct registry_verdict v = registry_check(r, REGISTRY_ANY_DAY);
	if (v.problem == REGISTRY_OK)
		return true;
	char why[64];
	snprintf(why, sizeof why, "breaks the registry rule (%s)", registry_problem_code(v.problem));
	return fail(c, registry_field_name(registry_problem_field(v.problem)), why);
}

static cJSON *candidate_to_json(const struct proto_candidate *r)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && add_str(o, "kk", r->kk) && add_str(o, "nik", r->nik)
		&& add_str(o, "kelurahan", r->kelurahan) && add_str(o, "program", r->program);
	return keep(o, ok);
}

static bool candidate_from_json(struct ctx *c, const cJSON *o, struct proto_candidate *r)
{
	return get_nik(c, o, "kk", r->kk, false) && get_nik(c, o, "nik", r->nik, false)
		&& get_kelurahan(c, o, "kelurahan", r->kelurahan)
		&& get_str(c, o, "program", r->program, sizeof r->program, TEXT_LINE);
}

static bool is_review(const char *s)
{
	return s[0] == '\0' || strcmp(s, "confirmed") == 0 || strcmp(s, "rejected") == 0
		|| strcmp(s, "revisit") == 0;
}

static bool is_status(const char *s)
{
	return strcmp(s, "accepted") == 0 || strcmp(s, "flagged") == 0;
}

static cJSON *change_to_json(const struct proto_change *r)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && add_num(o, "seq", (double)r->seq) && add_str(o, "id", r->id)
		&& add_str(o, "status", r->status)
		&& add_codes(o, "flags", r->flags[0], sizeof r->flags[0], r->n_flags)
		&& add_str(o, "review", r->review) && add_str(o, "review_note", r->review_note)
		&& add_str(o, "message", r->message);
	return keep(o, ok);
}

static bool change_from_json(struct ctx *c, const cJSON *o, struct proto_change *r)
{
	return get_int(c, o, "seq", 1, INT64_MAX, &r->seq)
		&& get_str(c, o, "id", r->id, sizeof r->id, TEXT_LINE)
		&& (proto_is_uuid(r->id) || fail(c, "id", "must be a lower-case UUID"))
		&& get_str(c, o, "status", r->status, sizeof r->status, TEXT_LINE)
		&& (is_status(r->status) || fail(c, "status", "must be accepted or flagged"))
		&& get_codes(c, o, "flags", PROTO_FLAGS_MAX, r->flags[0], sizeof r->flags[0],
			&r->n_flags)
		&& get_str(c, o, "review", r->review, sizeof r->review, TEXT_LINE)
		&& (is_review(r->review) || fail(c, "review", "unknown outcome"))
		&& get_str(c, o, "review_note", r->review_note, sizeof r->review_note, TEXT_MULTILINE)
		&& get_str(c, o, "message", r->message, sizeof r->message, TEXT_MULTILINE);
}

char *proto_page_encode(const struct proto_page *in)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *items = o != NULL ? cJSON_AddArrayToObject(o, "items") : NULL;
	bool ok = items != NULL;
	for (size_t i = 0; ok && i < in->count; i++) {
		cJSON *item = in->kind == PROTO_PAGE_RESIDENTS ? resident_to_json(&in->residents[i])
			: in->kind == PROTO_PAGE_CANDIDATES ? candidate_to_json(&in->candidates[i])
			: change_to_json(&in->changes[i]);
		ok = item != NULL && cJSON_AddItemToArray(items, item);
		if (!ok)
			cJSON_Delete(item);
	}
	ok = ok && add_str(o, "next_cursor", in->next_cursor)
		&& add_bool(o, "has_more", in->has_more) && add_num(o, "total", (double)in->total);
	if (ok && in->kind != PROTO_PAGE_CHANGES)
		ok = add_str(o, "snapshot", in->snapshot);
	return finish(o, ok);
}

void proto_page_free(struct proto_page *p)
{
	if (p == NULL)
		return;
	free(p->residents);
	free(p->candidates);
	free(p->changes);
	p->residents = NULL;
	p->candidates = NULL;
	p->changes = NULL;
	p->count = 0;
}

static bool page_items(struct ctx *c, const cJSON *arr, struct proto_page *out)
{
	size_t n = (size_t)cJSON_GetArraySize(arr);
	size_t size = out->kind == PROTO_PAGE_RESIDENTS ? sizeof *out->residents
		: out->kind == PROTO_PAGE_CANDIDATES ? sizeof *out->candidates : sizeof *out->changes;
	void *items = calloc(n > 0 ? n : 1, size);
	if (items == NULL)
		return false;
	if (out->kind == PROTO_PAGE_RESIDENTS)
		out->residents = items;
	else if (out->kind == PROTO_PAGE_CANDIDATES)
		out->candidates = items;
	else
		out->changes = items;
	const cJSON *it;
	size_t i = 0;
	cJSON_ArrayForEach(it, arr) {
		snprintf(c->path, sizeof c->path, "items[%zu].", i);
		if (!cJSON_IsObject(it))
			return fail(c, "", "must be an object");
		bool ok = out->kind == PROTO_PAGE_RESIDENTS ? resident_from_json(c, it, &out->residents[i])
			: out->kind == PROTO_PAGE_CANDIDATES ? candidate_from_json(c, it, &out->candidates[i])
			: change_from_json(c, it, &out->changes[i]);
		if (!ok)
			return false;
		out->count = ++i;
	}
	c->path[0] = '\0';
	return true;
}

static bool page_from_json(struct ctx *c, const cJSON *o, void *v)
{
	struct proto_page *out = v;
	const cJSON *arr = get_array(c, o, "items", PROTO_PAGE_MAX);
	if (arr == NULL)
		return false;
	if (!page_items(c, arr, out)) {
		c->nomem = c->err == NULL || c->err->reason[0] == '\0';
		return false;
	}
	return get_str(c, o, "next_cursor", out->next_cursor, sizeof out->next_cursor, TEXT_LINE)
		&& get_bool(c, o, "has_more", &out->has_more)
		&& get_int(c, o, "total", -1, INT64_MAX, &out->total)
		&& (out->kind == PROTO_PAGE_CHANGES
			|| get_str(c, o, "snapshot", out->snapshot, sizeof out->snapshot, TEXT_LINE))
		&& (!out->has_more || out->next_cursor[0] != '\0'
			|| fail(c, "next_cursor", "is empty while has_more is true"));
}

enum proto_status proto_page_decode(const char *json, size_t len, enum proto_page_kind kind,
	struct proto_page *out, struct proto_error *err)
{
	memset(out, 0, sizeof *out);
	out->kind = kind;
	return decode(json, len, err, page_from_json, out);
}

/* ---------------------------------------------------------------- record */

static const char *coord_source_code(enum coord_source s)
{
	return s == COORD_EXIF ? "exif" : s == COORD_MANUAL ? "manual" : "";
}

static bool add_point(cJSON *o, const char *name, bool present, double lat, double lon)
{
	if (!present)
		return cJSON_AddNullToObject(o, name) != NULL;
	cJSON *p = cJSON_AddObjectToObject(o, name);
	return p != NULL && add_num(p, "lat", lat) && add_num(p, "lon", lon);
}

static bool add_photos(cJSON *o, const struct record *r)
{
	cJSON *arr = cJSON_AddArrayToObject(o, "photos");
	if (arr == NULL)
		return false;
	for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
		const struct record_photo *p = &r->photos[k];
		if (!p->attached)
			continue;
		cJSON *ph = cJSON_CreateObject();
		if (ph == NULL || !cJSON_AddItemToArray(arr, ph)) {
			cJSON_Delete(ph);
			return false;
		}
		if (!add_str(ph, "kind", record_photo_kind_code((enum photo_kind)k))
			|| !add_str(ph, "sha256", p->sha256) || !add_num(ph, "size", (double)p->size)
			|| !add_point(ph, "gps", p->has_gps, p->lat, p->lon)
			|| !add_str(ph, "taken_at", p->taken_at))
			return false;
	}
	return true;
}

char *proto_record_encode(const struct record *r)
{
	char created[21], finalised[21];
	proto_time_format(r->created_at, created);
	proto_time_format(r->finalised_at, finalised);
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && add_str(o, "id", r->uuid) && add_str(o, "nik", r->nik)
		&& add_bool(o, "in_registry", r->in_registry) && add_str(o, "name", r->name)
		&& add_str(o, "address", r->address) && add_str(o, "kelurahan", r->kelurahan)
		&& add_str(o, "kk", r->kk) && add_str(o, "decision", record_decision_code(r->decision))
		&& add_str(o, "reason", record_reason_code(r->reason))
		&& add_str(o, "reason_text", r->reason_text) && add_str(o, "notes", r->notes);
	if (ok && r->has_coord) {
		cJSON *co = cJSON_AddObjectToObject(o, "coord");
		ok = co != NULL && add_num(co, "lat", r->lat) && add_num(co, "lon", r->lon)
			&& add_str(co, "source", coord_source_code(r->coord_source))
			&& add_str(co, "reason", r->coord_reason);
	} else if (ok)
		ok = cJSON_AddNullToObject(o, "coord") != NULL;
	ok = ok && add_photos(o, r) && add_str(o, "operator", r->operator_name)
		&& add_str(o, "supersedes", r->supersedes) && add_str(o, "created_at", created)
		&& add_str(o, "finalised_at", finalised);
	return finish(o, ok);
}

/* {lat, lon} or null: *present says which */
static bool get_point(struct ctx *c, const cJSON *o, const char *name, bool *present,
	double *lat, double *lon)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
	*present = false;
	if (it == NULL)
		return fail(c, name, "is required (null when absent)");
	if (cJSON_IsNull(it))
		return true;
	if (!cJSON_IsObject(it))
		return fail(c, name, "must be an object or null");
	char saved[sizeof c->path];
	memcpy(saved, c->path, sizeof saved);
	char prefix[sizeof c->path];
	join(prefix, sizeof prefix, saved, name);
	join(c->path, sizeof c->path, prefix, ".");
	bool ok = get_double(c, it, "lat", -90.0, 90.0, lat)
		&& get_double(c, it, "lon", -180.0, 180.0, lon);
	memcpy(c->path, saved, sizeof saved);
	*present = ok;
	return ok;
}

static bool photo_from_json(struct ctx *c, const cJSON *o, struct record *r)
{
	char kind_code[16];
	enum photo_kind kind;
	if (!get_str(c, o, "kind", kind_code, sizeof kind_code, TEXT_LINE))
		return false;
	if (!record_photo_kind_parse(kind_code, &kind) || kind >= PHOTO_KIND_COUNT)
		return fail(c, "kind", "must be ktp, kk or rumah");
	struct record_photo *p = &r->photos[kind];
	if (p->attached)
		return fail(c, "kind", "appears twice");
	p->attached = true;
	int64_t size;
	return get_str(c, o, "sha256", p->sha256, sizeof p->sha256, TEXT_LINE)
		&& (format_sha256_hex(p->sha256) || fail(c, "sha256", "must be 64 lower-case hex digits"))
		&& get_int(c, o, "size", 0, INT64_MAX, &size) && ((p->size = size), true)
		&& get_point(c, o, "gps", &p->has_gps, &p->lat, &p->lon)
		&& get_str(c, o, "taken_at", p->taken_at, sizeof p->taken_at, TEXT_LINE)
		&& (is_taken_at(p->taken_at) || fail(c, "taken_at", "must be YYYY-MM-DD HH:MM:SS or empty"));
}

static bool photos_from_json(struct ctx *c, const cJSON *o, struct record *r)
{
	const cJSON *arr = get_array(c, o, "photos", PHOTO_KIND_COUNT);
	if (arr == NULL)
		return false;
	const cJSON *it;
	size_t i = 0;
	cJSON_ArrayForEach(it, arr) {
		snprintf(c->path, sizeof c->path, "photos[%zu].", i++);
		if (!cJSON_IsObject(it))
			return fail(c, "", "must be an object");
		if (!photo_from_json(c, it, r))
			return false;
	}
	c->path[0] = '\0';
	return true;
}

static bool coord_from_json(struct ctx *c, const cJSON *o, struct record *r)
{
	const cJSON *co = cJSON_GetObjectItemCaseSensitive(o, "coord");
	if (co == NULL)
		return fail(c, "coord", "is required (null when absent)");
	if (cJSON_IsNull(co))
		return true;
	if (!cJSON_IsObject(co))
		return fail(c, "coord", "must be an object or null");
	char source[16];
	snprintf(c->path, sizeof c->path, "coord.");
	bool ok = get_double(c, co, "lat", -90.0, 90.0, &r->lat)
		&& get_double(c, co, "lon", -180.0, 180.0, &r->lon)
		&& get_str(c, co, "source", source, sizeof source, TEXT_LINE)
		&& get_str(c, co, "reason", r->coord_reason, sizeof r->coord_reason, TEXT_MULTILINE);
	if (ok) {
		if (strcmp(source, "exif") == 0)
			r->coord_source = COORD_EXIF;
		else if (strcmp(source, "manual") == 0)
			r->coord_source = COORD_MANUAL;
		else if (source[0] != '\0')
			ok = fail(c, "source", "must be exif or manual");
	}
	c->path[0] = '\0';
	r->has_coord = ok;
	return ok;
}

static bool codes_from_json(struct ctx *c, const cJSON *o, struct record *r)
{
	char decision[16], reason[32];
	if (!get_str(c, o, "decision", decision, sizeof decision, TEXT_LINE))
		return false;
	if (!record_decision_parse(decision, &r->decision))
		return fail(c, "decision", "must be layak or tidak-layak");
	if (!get_str(c, o, "reason", reason, sizeof reason, TEXT_LINE))
		return false;
	if (!record_reason_parse(reason, &r->reason))
		return fail(c, "reason", "unknown reason code");
	return true;
}

static bool times_from_json(struct ctx *c, const cJSON *o, struct record *r)
{
	char t[32];
	int64_t v;
	if (!get_str(c, o, "created_at", t, sizeof t, TEXT_LINE))
		return false;
	if (!proto_time_parse(t, &v))
		return fail(c, "created_at", "must be YYYY-MM-DDTHH:MM:SSZ");
	r->created_at = v;
	if (!get_str(c, o, "finalised_at", t, sizeof t, TEXT_LINE))
		return false;
	if (!proto_time_parse(t, &v))
		return fail(c, "finalised_at", "must be YYYY-MM-DDTHH:MM:SSZ");
	r->finalised_at = v;
	return true;
}

static bool record_from_json(struct ctx *c, const cJSON *o, void *v)
{
	struct record *r = v;
	bool ok = get_str(c, o, "id", r->uuid, sizeof r->uuid, TEXT_LINE)
		&& (proto_is_uuid(r->uuid) || fail(c, "id", "must be a lower-case UUID"))
		&& get_nik(c, o, "nik", r->nik, false)
		&& get_bool(c, o, "in_registry", &r->in_registry)
		&& get_str(c, o, "name", r->name, sizeof r->name, TEXT_LINE)
		&& get_str(c, o, "address", r->address, sizeof r->address, TEXT_LINE)
		&& get_kelurahan(c, o, "kelurahan", r->kelurahan)
		&& get_nik(c, o, "kk", r->kk, true)
		&& codes_from_json(c, o, r)
		&& get_str(c, o, "reason_text", r->reason_text, sizeof r->reason_text, TEXT_MULTILINE)
		&& get_str(c, o, "notes", r->notes, sizeof r->notes, TEXT_MULTILINE)
		&& coord_from_json(c, o, r)
		&& photos_from_json(c, o, r)
		&& get_str(c, o, "operator", r->operator_name, sizeof r->operator_name, TEXT_LINE)
		&& get_str(c, o, "supersedes", r->supersedes, sizeof r->supersedes, TEXT_LINE)
		&& (r->supersedes[0] == '\0' || proto_is_uuid(r->supersedes)
			|| fail(c, "supersedes", "must be empty or a lower-case UUID"))
		&& (strcmp(r->supersedes, r->uuid) != 0 || fail(c, "supersedes", "names the record itself"))
		&& times_from_json(c, o, r);
	r->state = STATE_FINAL;
	return ok;
}

enum proto_status proto_record_decode(const char *json, size_t len, struct record *out,
	struct proto_error *err)
{
	memset(out, 0, sizeof *out);
	return decode(json, len, err, record_from_json, out);
}

/* ---------------------------------------------------------------- results */

char *proto_verification_result_encode(const struct proto_verification_result *in)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && add_str(o, "id", in->id) && add_str(o, "status", in->status)
		&& add_codes(o, "flags", in->flags[0], sizeof in->flags[0], in->n_flags)
		&& add_str(o, "received_at", in->received_at);
	return finish(o, ok);
}

static bool verification_result_from_json(struct ctx *c, const cJSON *o, void *v)
{
	struct proto_verification_result *out = v;
	int64_t t;
	return get_str(c, o, "id", out->id, sizeof out->id, TEXT_LINE)
		&& (proto_is_uuid(out->id) || fail(c, "id", "must be a lower-case UUID"))
		&& get_str(c, o, "status", out->status, sizeof out->status, TEXT_LINE)
		&& (is_status(out->status) || fail(c, "status", "must be accepted or flagged"))
		&& get_codes(c, o, "flags", PROTO_FLAGS_MAX, out->flags[0], sizeof out->flags[0],
			&out->n_flags)
		&& get_str(c, o, "received_at", out->received_at, sizeof out->received_at, TEXT_LINE)
		&& (proto_time_parse(out->received_at, &t)
			|| fail(c, "received_at", "must be YYYY-MM-DDTHH:MM:SSZ"));
}

enum proto_status proto_verification_result_decode(const char *json, size_t len,
	struct proto_verification_result *out, struct proto_error *err)
{
	memset(out, 0, sizeof *out);
	return decode(json, len, err, verification_result_from_json, out);
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
	bool ok = o != NULL && add_str(o, "type", type) && add_str(o, "title", in->title)
		&& add_num(o, "status", in->status) && add_str(o, "detail", in->detail)
		&& add_str(o, "code", in->code) && add_bool(o, "retryable", in->retryable);
	if (ok && in->field[0] != '\0')
		ok = add_str(o, "field", in->field);
	if (ok && in->n_missing > 0)
		ok = add_codes(o, "missing_blobs", in->missing_blobs[0], sizeof in->missing_blobs[0],
			in->n_missing);
	if (ok && in->n_errors > 0)
		ok = add_codes(o, "errors", in->errors[0], sizeof in->errors[0], in->n_errors);
	return finish(o, ok);
}

/* code and status are required; the rest is optional but type-checked, so a
 * client can still act on a sparse problem from a proxy in front. */
static bool problem_from_json(struct ctx *c, const cJSON *o, void *v)
{
	struct proto_problem *out = v;
	int64_t status;
	bool ok = get_int(c, o, "status", 100, 599, &status)
		&& get_str(c, o, "code", out->code, sizeof out->code, TEXT_LINE)
		&& get_str_opt(c, o, "type", out->type, sizeof out->type)
		&& get_str_opt(c, o, "title", out->title, sizeof out->title)
		&& get_str_opt(c, o, "detail", out->detail, sizeof out->detail)
		&& get_str_opt(c, o, "field", out->field, sizeof out->field);
	out->status = (int)status;
	if (ok && cJSON_GetObjectItemCaseSensitive(o, "retryable") != NULL)
		ok = get_bool(c, o, "retryable", &out->retryable);
	if (ok && cJSON_GetObjectItemCaseSensitive(o, "missing_blobs") != NULL) {
		ok = get_codes(c, o, "missing_blobs", PROTO_PROBLEM_LIST_MAX, out->missing_blobs[0],
			sizeof out->missing_blobs[0], &out->n_missing);
		for (size_t i = 0; ok && i < out->n_missing; i++)
			ok = format_sha256_hex(out->missing_blobs[i])
				|| fail(c, "missing_blobs", "must hold sha256 hex digests");
	}
	if (ok && cJSON_GetObjectItemCaseSensitive(o, "errors") != NULL)
		ok = get_codes(c, o, "errors", PROTO_PROBLEM_LIST_MAX, out->errors[0],
			sizeof out->errors[0], &out->n_errors);
	return ok;
}

enum proto_status proto_problem_decode(const char *json, size_t len,
	struct proto_problem *out, struct proto_error *err)
{
	memset(out, 0, sizeof *out);
	return decode(json, len, err, problem_from_json, out);
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
