/* proto_record: a verification record on the wire, and the answers to
 * sending it and its photos (doc/PROTOCOL.md). */
#include "config.h"
#include "proto.h"
#include "proto_int.h"
#include "format.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- record */

static bool add_point(cJSON *o, const char *name, bool present, double lat, double lon)
{
	if (!present)
		return cJSON_AddNullToObject(o, name) != NULL;
	cJSON *p = cJSON_AddObjectToObject(o, name);
	return p != NULL && wire_add_num(p, "lat", lat) && wire_add_num(p, "lon", lon);
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
		if (!wire_add_str(ph, "kind", record_photo_kind_code((enum photo_kind)k))
			|| !wire_add_str(ph, "sha256", p->sha256) || !wire_add_num(ph, "size", (double)p->size)
			|| !add_point(ph, "gps", p->has_gps, p->lat, p->lon)
			|| !wire_add_str(ph, "taken_at", p->taken_at))
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
	bool ok = o != NULL && wire_add_str(o, "id", r->uuid) && wire_add_str(o, "nik", r->nik)
		&& wire_add_bool(o, "in_registry", r->in_registry) && wire_add_str(o, "name", r->name)
		&& wire_add_str(o, "address", r->address) && wire_add_str(o, "kelurahan", r->kelurahan)
		&& wire_add_str(o, "kk", r->kk) && wire_add_str(o, "decision", record_decision_code(r->decision))
		&& wire_add_str(o, "reason", record_reason_code(r->reason))
		&& wire_add_str(o, "reason_text", r->reason_text) && wire_add_str(o, "notes", r->notes);
	if (ok && r->has_coord) {
		cJSON *co = cJSON_AddObjectToObject(o, "coord");
		ok = co != NULL && wire_add_num(co, "lat", r->lat) && wire_add_num(co, "lon", r->lon)
			&& wire_add_str(co, "source", record_coord_source_code(r->coord_source))
			&& wire_add_str(co, "reason", r->coord_reason);
	} else if (ok)
		ok = cJSON_AddNullToObject(o, "coord") != NULL;
	ok = ok && add_photos(o, r) && wire_add_str(o, "operator", r->operator_name)
		&& wire_add_str(o, "supersedes", r->supersedes) && wire_add_str(o, "created_at", created)
		&& wire_add_str(o, "finalised_at", finalised);
	/* only when set: the canonical form of every other record stays as before */
	if (ok && r->answers_review > 0)
		ok = wire_add_num(o, "answers_review", (double)r->answers_review);
	return wire_finish(o, ok);
}

/* {lat, lon} or null: *present says which */
static bool get_point(struct ctx *c, const cJSON *o, const char *name, bool *present,
	double *lat, double *lon)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
	*present = false;
	if (it == NULL)
		return wire_fail(c, name, "is required (null when absent)");
	if (cJSON_IsNull(it))
		return true;
	if (!cJSON_IsObject(it))
		return wire_fail(c, name, "must be an object or null");
	char saved[sizeof c->path];
	memcpy(saved, c->path, sizeof saved);
	char prefix[sizeof c->path];
	wire_join(prefix, sizeof prefix, saved, name);
	wire_join(c->path, sizeof c->path, prefix, ".");
	bool ok = wire_get_double(c, it, "lat", -90.0, 90.0, lat)
		&& wire_get_double(c, it, "lon", -180.0, 180.0, lon);
	memcpy(c->path, saved, sizeof saved);
	*present = ok;
	return ok;
}

static bool photo_from_json(struct ctx *c, const cJSON *o, struct record *r)
{
	char kind_code[16];
	enum photo_kind kind;
	if (!wire_get_str(c, o, "kind", kind_code, sizeof kind_code, TEXT_LINE))
		return false;
	if (!record_photo_kind_parse(kind_code, &kind) || kind >= PHOTO_KIND_COUNT)
		return wire_fail(c, "kind", "must be ktp, kk or rumah");
	struct record_photo *p = &r->photos[kind];
	if (p->attached)
		return wire_fail(c, "kind", "appears twice");
	p->attached = true;
	int64_t size;
	return wire_get_str(c, o, "sha256", p->sha256, sizeof p->sha256, TEXT_LINE)
		&& (format_sha256_hex(p->sha256) || wire_fail(c, "sha256", "must be 64 lower-case hex digits"))
		&& wire_get_int(c, o, "size", 0, INT64_MAX, &size) && ((p->size = size), true)
		&& get_point(c, o, "gps", &p->has_gps, &p->lat, &p->lon)
		&& wire_get_str(c, o, "taken_at", p->taken_at, sizeof p->taken_at, TEXT_LINE)
		&& (wire_is_taken_at(p->taken_at) || wire_fail(c, "taken_at", "must be YYYY-MM-DD HH:MM:SS or empty"));
}

static bool photos_from_json(struct ctx *c, const cJSON *o, struct record *r)
{
	const cJSON *arr = wire_get_array(c, o, "photos", PHOTO_KIND_COUNT);
	if (arr == NULL)
		return false;
	const cJSON *it;
	size_t i = 0;
	cJSON_ArrayForEach(it, arr) {
		snprintf(c->path, sizeof c->path, "photos[%zu].", i++);
		if (!cJSON_IsObject(it))
			return wire_fail(c, "", "must be an object");
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
		return wire_fail(c, "coord", "is required (null when absent)");
	if (cJSON_IsNull(co))
		return true;
	if (!cJSON_IsObject(co))
		return wire_fail(c, "coord", "must be an object or null");
	char source[16];
	snprintf(c->path, sizeof c->path, "coord.");
	bool ok = wire_get_double(c, co, "lat", -90.0, 90.0, &r->lat)
		&& wire_get_double(c, co, "lon", -180.0, 180.0, &r->lon)
		&& wire_get_str(c, co, "source", source, sizeof source, TEXT_LINE)
		&& wire_get_str(c, co, "reason", r->coord_reason, sizeof r->coord_reason, TEXT_MULTILINE);
	/* "" (a version 1 client that did not say) stays COORD_NONE */
	if (ok && !record_coord_source_parse(source, &r->coord_source))
		ok = wire_fail(c, "source", "must be exif, manual or phone");
	c->path[0] = '\0';
	r->has_coord = ok;
	return ok;
}

static bool codes_from_json(struct ctx *c, const cJSON *o, struct record *r)
{
	char decision[16], reason[32];
	if (!wire_get_str(c, o, "decision", decision, sizeof decision, TEXT_LINE))
		return false;
	if (!record_decision_parse(decision, &r->decision))
		return wire_fail(c, "decision", "must be layak or tidak-layak");
	if (!wire_get_str(c, o, "reason", reason, sizeof reason, TEXT_LINE))
		return false;
	if (!record_reason_parse(reason, &r->reason))
		return wire_fail(c, "reason", "unknown reason code");
	return true;
}

static bool times_from_json(struct ctx *c, const cJSON *o, struct record *r)
{
	char t[32];
	int64_t v;
	if (!wire_get_str(c, o, "created_at", t, sizeof t, TEXT_LINE))
		return false;
	if (!proto_time_parse(t, &v))
		return wire_fail(c, "created_at", "must be YYYY-MM-DDTHH:MM:SSZ");
	r->created_at = v;
	if (!wire_get_str(c, o, "finalised_at", t, sizeof t, TEXT_LINE))
		return false;
	if (!proto_time_parse(t, &v))
		return wire_fail(c, "finalised_at", "must be YYYY-MM-DDTHH:MM:SSZ");
	r->finalised_at = v;
	return true;
}

static bool record_from_json(struct ctx *c, const cJSON *o, void *v)
{
	struct record *r = v;
	bool ok = wire_get_str(c, o, "id", r->uuid, sizeof r->uuid, TEXT_LINE)
		&& (proto_is_uuid(r->uuid) || wire_fail(c, "id", "must be a lower-case UUID"))
		&& wire_get_nik(c, o, "nik", r->nik, false)
		&& wire_get_bool(c, o, "in_registry", &r->in_registry)
		&& wire_get_str(c, o, "name", r->name, sizeof r->name, TEXT_LINE)
		&& wire_get_str(c, o, "address", r->address, sizeof r->address, TEXT_LINE)
		&& wire_get_kelurahan(c, o, "kelurahan", r->kelurahan)
		&& wire_get_nik(c, o, "kk", r->kk, true)
		&& codes_from_json(c, o, r)
		&& wire_get_str(c, o, "reason_text", r->reason_text, sizeof r->reason_text, TEXT_MULTILINE)
		&& wire_get_str(c, o, "notes", r->notes, sizeof r->notes, TEXT_MULTILINE)
		&& coord_from_json(c, o, r)
		&& photos_from_json(c, o, r)
		&& wire_get_str(c, o, "operator", r->operator_name, sizeof r->operator_name, TEXT_LINE)
		&& wire_get_str(c, o, "supersedes", r->supersedes, sizeof r->supersedes, TEXT_LINE)
		&& (r->supersedes[0] == '\0' || proto_is_uuid(r->supersedes)
			|| wire_fail(c, "supersedes", "must be empty or a lower-case UUID"))
		&& (strcmp(r->supersedes, r->uuid) != 0 || wire_fail(c, "supersedes", "names the record itself"))
		&& wire_get_int_opt(c, o, "answers_review", 0, INT64_MAX, &r->answers_review)
		&& (r->answers_review == 0 || r->supersedes[0] != '\0'
			|| wire_fail(c, "answers_review", "only a correction (supersedes) answers a review"))
		&& times_from_json(c, o, r);
	r->state = STATE_FINAL;
	return ok;
}

enum proto_status proto_record_decode(const char *json, size_t len, struct record *out,
	struct proto_error *err)
{
	memset(out, 0, sizeof *out);
	return wire_decode(json, len, err, record_from_json, out);
}

/* ---------------------------------------------------------------- results */

char *proto_verification_result_encode(const struct proto_verification_result *in)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && wire_add_str(o, "id", in->id) && wire_add_str(o, "status", in->status)
		&& wire_add_codes(o, "flags", in->flags[0], sizeof in->flags[0], in->n_flags)
		&& wire_add_str(o, "received_at", in->received_at)
		&& (in->photos_waiting == 0 || wire_add_num(o, "photos_waiting", (double)in->photos_waiting));
	return wire_finish(o, ok);
}

static bool verification_result_from_json(struct ctx *c, const cJSON *o, void *v)
{
	struct proto_verification_result *out = v;
	int64_t t;
	return wire_get_str(c, o, "id", out->id, sizeof out->id, TEXT_LINE)
		&& (proto_is_uuid(out->id) || wire_fail(c, "id", "must be a lower-case UUID"))
		&& wire_get_str(c, o, "status", out->status, sizeof out->status, TEXT_LINE)
		&& (wire_is_status(out->status) || wire_fail(c, "status", "must be accepted or flagged"))
		&& wire_get_codes(c, o, "flags", PROTO_FLAGS_MAX, out->flags[0], sizeof out->flags[0],
			&out->n_flags)
		&& wire_get_str(c, o, "received_at", out->received_at, sizeof out->received_at, TEXT_LINE)
		&& (proto_time_parse(out->received_at, &t)
			|| wire_fail(c, "received_at", "must be YYYY-MM-DDTHH:MM:SSZ"))
		&& wire_get_int_opt(c, o, "photos_waiting", 0, PHOTO_KIND_COUNT, &out->photos_waiting);
}

enum proto_status proto_verification_result_decode(const char *json, size_t len,
	struct proto_verification_result *out, struct proto_error *err)
{
	memset(out, 0, sizeof *out);
	return wire_decode(json, len, err, verification_result_from_json, out);
}

/* ---------------------------------------------------------------- a photo's answer */

char *proto_blob_answer_encode(const struct proto_blob_answer *in)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && wire_add_str(o, "sha256", in->sha256)
		&& wire_add_num(o, "size", (double)in->size);
	return wire_finish(o, ok);
}

static bool blob_answer_from_json(struct ctx *c, const cJSON *o, void *v)
{
	struct proto_blob_answer *out = v;
	return wire_get_str(c, o, "sha256", out->sha256, sizeof out->sha256, TEXT_LINE)
		&& (format_sha256_hex(out->sha256)
			|| wire_fail(c, "sha256", "must be 64 lower-case hex digits"))
		&& wire_get_int(c, o, "size", 0, PROTO_BLOB_SIZE_MAX, &out->size);
}

enum proto_status proto_blob_answer_decode(const char *json, size_t len,
	struct proto_blob_answer *out, struct proto_error *err)
{
	memset(out, 0, sizeof *out);
	return wire_decode(json, len, err, blob_answer_from_json, out);
}
