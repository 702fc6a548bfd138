/* proto_inbox: the photo inbox's messages (doc/PROTOCOL.md "Photo inbox"):
 * the one-time code, a phone's position at upload, the inbox list. */
#include "config.h"
#include "proto_int.h"
#include "format.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INBOX_ALPHABET "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

bool proto_is_inbox_code(const char *s)
{
	if (s == NULL || strlen(s) != PROTO_INBOX_CODE_LEN)
		return false;
	for (const char *p = s; *p != '\0'; p++)
		if (strchr(INBOX_ALPHABET, *p) == NULL)
			return false;
	return true;
}

/* ---------------------------------------------------------------- the code */

char *proto_inbox_code_encode(const struct proto_inbox_code *in)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && wire_add_str(o, "code", in->code) && wire_add_str(o, "path", in->path)
		&& wire_add_str(o, "url", in->url) && wire_add_num(o, "expires_at", (double)in->expires_at);
	return wire_finish(o, ok);
}

static bool code_from_json(struct ctx *c, const cJSON *o, void *v)
{
	struct proto_inbox_code *out = v;
	bool ok = wire_get_str(c, o, "code", out->code, sizeof out->code, TEXT_LINE)
		&& wire_get_str(c, o, "path", out->path, sizeof out->path, TEXT_LINE)
		&& wire_get_str_opt(c, o, "url", out->url, sizeof out->url)
		&& wire_get_int(c, o, "expires_at", 0, PROTO_BLOB_SIZE_MAX, &out->expires_at);
	if (ok && !proto_is_inbox_code(out->code))
		return wire_fail(c, "code", "must be 10 letters of the inbox alphabet");
	if (ok && (strncmp(out->path, "/u/", 3) != 0 || strcmp(out->path + 3, out->code) != 0))
		return wire_fail(c, "path", "must be /u/<code>");
	return ok;
}

enum proto_status proto_inbox_code_decode(const char *json, size_t len,
	struct proto_inbox_code *out, struct proto_error *err)
{
	memset(out, 0, sizeof *out);
	return wire_decode(json, len, err, code_from_json, out);
}

/* ---------------------------------------------------------------- a position */

static bool position_add(cJSON *o, const struct proto_phone_position *p)
{
	return wire_add_num(o, "lat", p->lat) && wire_add_num(o, "lon", p->lon)
		&& wire_add_num(o, "accuracy_m", p->accuracy_m);
}

static bool position_get(struct ctx *c, const cJSON *o, struct proto_phone_position *p)
{
	return wire_get_double(c, o, "lat", -90, 90, &p->lat)
		&& wire_get_double(c, o, "lon", -180, 180, &p->lon)
		&& wire_get_double(c, o, "accuracy_m", 0, 100000, &p->accuracy_m);
}

char *proto_phone_position_encode(const struct proto_phone_position *in)
{
	cJSON *o = cJSON_CreateObject();
	return wire_finish(o, o != NULL && position_add(o, in));
}

static bool position_from_json(struct ctx *c, const cJSON *o, void *v)
{
	return position_get(c, o, v);
}

enum proto_status proto_phone_position_decode(const char *json, size_t len,
	struct proto_phone_position *out, struct proto_error *err)
{
	memset(out, 0, sizeof *out);
	return wire_decode(json, len, err, position_from_json, out);
}

/* ---------------------------------------------------------------- the list */

static cJSON *photo_to_json(const struct proto_inbox_photo *p)
{
	cJSON *o = cJSON_CreateObject();
	bool ok = o != NULL && wire_add_str(o, "sha256", p->sha256)
		&& wire_add_num(o, "size", (double)p->size) && wire_add_str(o, "name", p->name)
		&& wire_add_num(o, "uploaded_at", (double)p->uploaded_at)
		&& wire_add_num(o, "expires_at", (double)p->expires_at);
	if (ok && p->has_phone_position) {
		cJSON *pos = cJSON_AddObjectToObject(o, "phone_position");
		ok = pos != NULL && position_add(pos, &p->phone);
	}
	return wire_keep(o, ok);
}

char *proto_inbox_list_encode(const struct proto_inbox_list *in)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *arr = o != NULL ? cJSON_AddArrayToObject(o, "photos") : NULL;
	bool ok = arr != NULL;
	for (size_t i = 0; ok && i < in->n; i++) {
		cJSON *item = photo_to_json(&in->photos[i]);
		ok = item != NULL && cJSON_AddItemToArray(arr, item);
	}
	return wire_finish(o, ok);
}

static bool photo_from_json(struct ctx *c, const cJSON *o, struct proto_inbox_photo *p)
{
	bool ok = wire_get_str(c, o, "sha256", p->sha256, sizeof p->sha256, TEXT_LINE)
		&& wire_get_int(c, o, "size", 0, PROTO_BLOB_SIZE_MAX, &p->size)
		&& wire_get_str(c, o, "name", p->name, sizeof p->name, TEXT_LINE)
		&& wire_get_int(c, o, "uploaded_at", 0, PROTO_BLOB_SIZE_MAX, &p->uploaded_at)
		&& wire_get_int(c, o, "expires_at", 0, PROTO_BLOB_SIZE_MAX, &p->expires_at);
	if (ok && !format_sha256_hex(p->sha256))
		return wire_fail(c, "sha256", "must be 64 lower-case hex digits");
	const cJSON *pos = ok ? cJSON_GetObjectItemCaseSensitive(o, "phone_position") : NULL;
	if (ok && pos != NULL && !cJSON_IsNull(pos)) {
		if (!cJSON_IsObject(pos))
			return wire_fail(c, "phone_position", "must be an object");
		p->has_phone_position = true;
		ok = position_get(c, pos, &p->phone);
	}
	return ok;
}

static bool list_from_json(struct ctx *c, const cJSON *o, void *v)
{
	struct proto_inbox_list *out = v;
	const cJSON *arr = wire_get_array(c, o, "photos", PROTO_INBOX_LIST_MAX);
	if (arr == NULL)
		return false;
	size_t n = (size_t)cJSON_GetArraySize(arr);
	out->photos = calloc(n > 0 ? n : 1, sizeof *out->photos);
	if (out->photos == NULL) {
		c->nomem = true;
		return false;
	}
	const cJSON *it;
	cJSON_ArrayForEach(it, arr) {
		snprintf(c->path, sizeof c->path, "photos[%zu].", out->n);
		if (!cJSON_IsObject(it))
			return wire_fail(c, "", "must be an object");
		if (!photo_from_json(c, it, &out->photos[out->n]))
			return false;
		out->n++;
	}
	c->path[0] = '\0';
	return true;
}

enum proto_status proto_inbox_list_decode(const char *json, size_t len,
	struct proto_inbox_list *out, struct proto_error *err)
{
	memset(out, 0, sizeof *out);
	return wire_decode(json, len, err, list_from_json, out);
}

void proto_inbox_list_free(struct proto_inbox_list *l)
{
	free(l->photos);
	l->photos = NULL;
	l->n = 0;
}
