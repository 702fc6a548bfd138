/* test_proto: the wire structs round-trip, and the decoders refuse what a
 * hostile or broken peer might send without crashing. */
#include "config.h"
#include "proto.h"
#include "proto_int.h"
#include "format.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

static void fill_record(struct record *r)
{
	memset(r, 0, sizeof *r);
	snprintf(r->uuid, sizeof r->uuid, "0f8fad5b-d9cb-469f-a165-70867728950e");
	snprintf(r->nik, sizeof r->nik, "3671015503850002");
	r->in_registry = true;
	snprintf(r->name, sizeof r->name, "Sri Wahyuni Ma'ruf");
	snprintf(r->address, sizeof r->address, "Perum Griya Asri, Blok C2 No. 7");
	snprintf(r->kelurahan, sizeof r->kelurahan, "36.71.01.1001");
	snprintf(r->kk, sizeof r->kk, "3671011503120001");
	r->decision = DECISION_TIDAK_LAYAK;
	r->reason = REASON_LAINNYA;
	snprintf(r->reason_text, sizeof r->reason_text, "pindah ke \"Bekasi\"\nsejak 2024");
	snprintf(r->notes, sizeof r->notes, "José da Costa — tetangga");
	r->has_coord = true;
	r->lat = -6.178316;
	r->lon = 106.630981;
	r->coord_source = COORD_MANUAL;
	snprintf(r->coord_reason, sizeof r->coord_reason, "foto dari WhatsApp tanpa GPS");
	for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
		struct record_photo *p = &r->photos[k];
		p->attached = true;
		for (int i = 0; i < 64; i++)
			p->sha256[i] = "0123456789abcdef"[(i + k) % 16];
		p->size = 1000000 + k;
		snprintf(p->original_name, sizeof p->original_name, "KTP Sri Wahyuni.jpg");
	}
	r->photos[PHOTO_KIND_RUMAH].has_gps = true;
	r->photos[PHOTO_KIND_RUMAH].lat = -6.1783;
	r->photos[PHOTO_KIND_RUMAH].lon = 106.6309;
	snprintf(r->photos[PHOTO_KIND_RUMAH].taken_at, 20, "2025-03-14 09:15:02");
	snprintf(r->operator_name, sizeof r->operator_name, "siti.sukarasa");
	r->created_at = 1741918200;
	r->finalised_at = 1741918600;
	r->state = STATE_FINAL;
}

static enum proto_status decode_record(const char *json, struct record *r, struct proto_error *e)
{
	return proto_record_decode(json, strlen(json), r, e);
}

/* json with from replaced by to (the first one) */
static char *replaced(const char *json, const char *from, const char *to)
{
	const char *at = strstr(json, from);
	if (at == NULL)
		return NULL;
	size_t n = strlen(json) - strlen(from) + strlen(to) + 1;
	char *out = malloc(n);
	snprintf(out, n, "%.*s%s%s", (int)(at - json), json, to, at + strlen(from));
	return out;
}

/* the encoded record with one member's text replaced */
static char *record_with(const char *from, const char *to)
{
	struct record r;
	fill_record(&r);
	char *json = proto_record_encode(&r);
	char *out = json != NULL ? replaced(json, from, to) : NULL;
	free(json);
	return out;
}

static void expect_shape_error(const char *from, const char *to, const char *field)
{
	char *json = record_with(from, to);
	struct record r;
	struct proto_error e;
	enum proto_status st = json != NULL ? decode_record(json, &r, &e) : PROTO_OK;
	ok(st == PROTO_ERR_SHAPE && strcmp(e.field, field) == 0,
		"%s -> %s refused at %s (got %d at '%s': %s)", from, to, field, st,
		json != NULL ? e.field : "", json != NULL ? e.reason : "no match");
	free(json);
}

static void test_record(void)
{
	struct record a, b;
	struct proto_error e;
	fill_record(&a);
	char *json = proto_record_encode(&a);
	ok(json != NULL, "record encodes");
	ok(strstr(json, "\"nik\":\"3671015503850002\"") != NULL, "NIK is a JSON string");
	ok(strstr(json, "KTP Sri") == NULL, "a photo's original file name is never sent");
	ok(strstr(json, "\"state\"") == NULL, "client-only state is not sent");
	is_int(decode_record(json, &b, &e), PROTO_OK, "record decodes (%s %s)", e.field, e.reason);
	is_str(b.uuid, a.uuid, "uuid");
	is_str(b.nik, a.nik, "nik");
	is_str(b.name, a.name, "name with apostrophe");
	is_str(b.address, a.address, "address with comma");
	is_str(b.reason_text, a.reason_text, "multi-line text with quotes");
	is_str(b.notes, a.notes, "UTF-8 notes");
	ok(b.decision == a.decision && b.reason == a.reason, "decision and reason");
	ok(b.has_coord && b.lat == a.lat && b.lon == a.lon && b.coord_source == COORD_MANUAL,
		"coordinates exactly, and their source");
	is_str(b.coord_reason, a.coord_reason, "coordinate reason");
	/* every source by its wire name, the phone's too (issue 16) */
	for (int c = COORD_EXIF; c < COORD_SOURCE_COUNT; c++) {
		struct record p = a, q;
		p.coord_source = (enum coord_source)c;
		char *pj = proto_record_encode(&p);
		char wire[48];
		snprintf(wire, sizeof wire, "\"source\":\"%s\"", record_coord_source_code(p.coord_source));
		ok(pj != NULL && strstr(pj, wire) != NULL && decode_record(pj, &q, &e) == PROTO_OK
			&& q.coord_source == p.coord_source, "coordinate source %s both ways", wire);
		free(pj);
	}
	bool photos = true;
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		photos = photos && b.photos[k].attached && strcmp(b.photos[k].sha256, a.photos[k].sha256) == 0
			&& b.photos[k].size == a.photos[k].size && b.photos[k].original_name[0] == '\0';
	ok(photos, "three photos with hash and size");
	ok(b.photos[PHOTO_KIND_RUMAH].has_gps && !b.photos[PHOTO_KIND_KTP].has_gps
		&& b.photos[PHOTO_KIND_RUMAH].lat == -6.1783, "photo GPS or null");
	is_str(b.photos[PHOTO_KIND_RUMAH].taken_at, "2025-03-14 09:15:02", "taken_at");
	ok(b.created_at == a.created_at && b.finalised_at == a.finalised_at, "times");
	char *again = proto_record_encode(&b);
	ok(again != NULL && strcmp(again, json) == 0, "encoding is canonical: decode + encode gives the same text");
	free(again);
	free(json);

	/* unknown members ignored; whitespace allowed; trailing junk not */
	json = record_with("{\"id\"", " {\n \"future_field\": {\"a\": [1, 2]}, \"id\"");
	is_int(json != NULL ? (int)decode_record(json, &b, &e) : -1, PROTO_OK, "unknown members are ignored");
	free(json);
	json = record_with("\"finalised_at\":\"2025-03-14T02:16:40Z\"}",
		"\"finalised_at\":\"2025-03-14T02:16:40Z\"} x");
	is_int(json != NULL ? (int)decode_record(json, &b, &e) : -1, PROTO_ERR_JSON, "text after the object");
	free(json);
	/* issue 8: "A\u0000B" was stored as "A" */
	json = record_with("\"notes\":\"", "\"notes\":\"A\\u0000B ");
	is_int(json != NULL ? (int)decode_record(json, &b, &e) : -1, PROTO_ERR_JSON,
		"\\u0000 in a string is refused, not cut");
	free(json);
	json = record_with("\"notes\":\"", "\"notes\":\"A\\\\u0000B ");
	is_int(json != NULL ? (int)decode_record(json, &b, &e) : -1, PROTO_OK,
		"an escaped backslash before u0000 is plain text");
	ok(strncmp(b.notes, "A\\u0000B ", 9) == 0, "... kept as typed");
	free(json);

	expect_shape_error("\"nik\":\"3671015503850002\"", "\"nik\":3671015503850002", "nik");
	expect_shape_error("\"nik\":\"3671015503850002\"", "\"nik\":\"367101550385000\"", "nik");
	expect_shape_error("\"nik\":\"3671015503850002\"", "\"nik\":\"3671 0155 0385 0002\"", "nik");
	expect_shape_error("\"in_registry\":true", "\"in_registry\":1", "in_registry");
	expect_shape_error("\"id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\"",
		"\"id\":\"0F8FAD5B-D9CB-469F-A165-70867728950E\"", "id");
	expect_shape_error("\"kelurahan\":\"36.71.01.1001\"", "\"kelurahan\":\"3671011001\"", "kelurahan");
	expect_shape_error("\"decision\":\"tidak-layak\"", "\"decision\":\"maybe\"", "decision");
	expect_shape_error("\"reason\":\"lainnya\"", "\"reason\":\"bosan\"", "reason");
	expect_shape_error("\"lat\":-6.178316", "\"lat\":-96.1", "coord.lat");
	expect_shape_error("\"lat\":-6.178316", "\"lat\":\"-6.1\"", "coord.lat");
	expect_shape_error("\"source\":\"manual\"", "\"source\":\"gps\"", "coord.source");
	expect_shape_error("\"kind\":\"kk\"", "\"kind\":\"ktp\"", "photos[1].kind");
	expect_shape_error("\"kind\":\"kk\"", "\"kind\":\"selfie\"", "photos[1].kind");
	expect_shape_error("\"size\":1000001", "\"size\":1.5", "photos[1].size");
	expect_shape_error("\"size\":1000001", "\"size\":-1", "photos[1].size");
	expect_shape_error("\"taken_at\":\"2025-03-14 09:15:02\"", "\"taken_at\":\"kemarin\"",
		"photos[2].taken_at");
	expect_shape_error("\"supersedes\":\"\"", "\"supersedes\":null", "supersedes");
	expect_shape_error("\"supersedes\":\"\"",
		"\"supersedes\":\"0f8fad5b-d9cb-469f-a165-70867728950e\"", "supersedes");
	expect_shape_error("\"created_at\":\"2025-03-14T02:10:00Z\"",
		"\"created_at\":\"2025-02-30T02:10:00Z\"", "created_at");
	expect_shape_error("\"name\":\"Sri Wahyuni Ma'ruf\"", "\"name\":\"Sri\\u0001\"", "name");
	expect_shape_error("\"name\":\"Sri Wahyuni Ma'ruf\"", "\"name\":\"Sri \xc3\x28\"", "name");
	expect_shape_error("\"name\":\"Sri Wahyuni Ma'ruf\"", "\"name\":\"\xed\xa0\x80\"", "name");
	expect_shape_error("\"name\":\"Sri Wahyuni Ma'ruf\",", "", "name");
	expect_shape_error("\"coord\":{", "\"coord\":\"here\",\"old\":{", "coord");

	/* a name one byte too long for the record is refused, not cut */
	char big[RECORD_NAME_MAX + 32];
	memset(big, 'a', RECORD_NAME_MAX);
	big[RECORD_NAME_MAX] = '\0';
	char to[RECORD_NAME_MAX + 64];
	snprintf(to, sizeof to, "\"name\":\"%s\"", big);
	expect_shape_error("\"name\":\"Sri Wahyuni Ma'ruf\"", to, "name");
	big[RECORD_NAME_MAX - 1] = '\0';
	snprintf(to, sizeof to, "\"name\":\"%s\"", big);
	json = record_with("\"name\":\"Sri Wahyuni Ma'ruf\"", to);
	is_int(json != NULL ? (int)decode_record(json, &b, &e) : -1, PROTO_OK, "a name of 127 bytes fits");
	free(json);

	/* no coordinates is null */
	fill_record(&a);
	a.has_coord = false;
	json = proto_record_encode(&a);
	ok(json != NULL && strstr(json, "\"coord\":null") != NULL, "no coordinates: coord null");
	is_int(decode_record(json, &b, &e), PROTO_OK, "and decodes");
	ok(!b.has_coord, "as no coordinates");
	free(json);
}

static void test_garbage(void)
{
	static const char *const inputs[] = {
		"", " ", "null", "[]", "\"x\"", "{", "{\"id\":", "<html><body>Login</body></html>",
		"{\"items\":5}", "{\"items\":[{}],\"next_cursor\":\"\",\"has_more\":false,\"total\":1}",
		"{\"status\":\"x\",\"code\":\"y\"}", "{\"token\":[],\"operator\":\"a\"}",
		"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
	};
	bool all = true;
	for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
		const char *in = inputs[i];
		size_t n = strlen(in);
		struct record r;
		struct proto_session s;
		struct proto_page p;
		struct proto_problem pr;
		struct proto_verification_result vr;
		struct proto_login_request lr;
		all = all && proto_record_decode(in, n, &r, NULL) != PROTO_OK
			&& proto_session_decode(in, n, &s, NULL) != PROTO_OK
			&& proto_problem_decode(in, n, &pr, NULL) != PROTO_OK
			&& proto_verification_result_decode(in, n, &vr, NULL) != PROTO_OK
			&& proto_login_request_decode(in, n, &lr, NULL) != PROTO_OK;
		for (int k = PROTO_PAGE_RESIDENTS; k <= PROTO_PAGE_REGISTRY; k++) {
			all = all && proto_page_decode(in, n, (enum proto_page_kind)k, &p, NULL) != PROTO_OK;
			proto_page_free(&p);
		}
	}
	ok(all, "garbage, HTML and wrong shapes are refused by every decoder");
	struct record r;
	ok(proto_record_decode(NULL, 0, &r, NULL) == PROTO_ERR_JSON, "no body");
	/* a length shorter than the text: only that much is read */
	const char *two = "{\"status\":400,\"code\":\"x\"}{\"status\":";
	struct proto_problem pr;
	is_int(proto_problem_decode(two, 25, &pr, NULL), PROTO_OK, "the length bounds the text");
}

static void test_session_and_login(void)
{
	struct proto_login_request lr = { .operator_name = "siti", .password = "rahasia \"x\"", .device = "laptop 1" }, lr2;
	char *json = proto_login_request_encode(&lr);
	struct proto_error e;
	is_int(proto_login_request_decode(json, strlen(json), &lr2, &e), PROTO_OK, "login request round trip");
	is_str(lr2.password, lr.password, "password with quotes");
	free(json);
	const char *bad = "{\"operator\":\"Siti\",\"password\":\"x\",\"device\":\"d\"}";
	ok(proto_login_request_decode(bad, strlen(bad), &lr2, &e) == PROTO_ERR_SHAPE
		&& strcmp(e.field, "operator") == 0, "capital letters in an operator name are refused");

	struct proto_session s = { .token = "abc", .operator_name = "siti", .device = "d", .n_kelurahan = 2,
		.kelurahan = { "36.71.01.1001", "36.71.01.1002" } }, s2;
	json = proto_session_encode(&s);
	is_int(proto_session_decode(json, strlen(json), &s2, &e), PROTO_OK, "session round trip");
	ok(s2.n_kelurahan == 2 && strcmp(s2.kelurahan[1], "36.71.01.1002") == 0, "kelurahan list");
	free(json);
	const char *many = "{\"token\":\"t\",\"operator\":\"a\",\"device\":\"d\",\"kelurahan\":["
		"\"36.71.01.1001\",\"36.71.01.1001\",\"36.71.01.1001\",\"36.71.01.1001\",\"36.71.01.1001\","
		"\"36.71.01.1001\",\"36.71.01.1001\",\"36.71.01.1001\",\"36.71.01.1001\",\"36.71.01.1001\","
		"\"36.71.01.1001\",\"36.71.01.1001\",\"36.71.01.1001\",\"36.71.01.1001\",\"36.71.01.1001\","
		"\"36.71.01.1001\",\"36.71.01.1001\"]}";
	ok(proto_session_decode(many, strlen(many), &s2, &e) == PROTO_ERR_SHAPE, "17 kelurahan are too many");
	char token[PROTO_TOKEN_MAX + 100];
	snprintf(token, sizeof token, "{\"token\":\"%0*d\",\"operator\":\"a\",\"device\":\"d\",\"kelurahan\":[]}",
		PROTO_TOKEN_MAX + 1, 7);
	ok(proto_session_decode(token, strlen(token), &s2, &e) == PROTO_ERR_SHAPE
		&& strcmp(e.field, "token") == 0, "a token over 128 bytes is refused");
	/* the city's key (sealed outbox): absent, 64 hex digits, or refused */
	json = proto_session_encode(&s);
	ok(json != NULL && strstr(json, "city_key") == NULL && proto_session_decode(json, strlen(json),
		&s2, &e) == PROTO_OK && s2.city_key[0] == '\0', "no city key: absent on the wire, \"\" decoded");
	free(json);
	memset(s.city_key, 'a', PROTO_CITY_KEY_HEX);
	s.city_key[PROTO_CITY_KEY_HEX] = '\0';
	json = proto_session_encode(&s);
	ok(json != NULL && proto_session_decode(json, strlen(json), &s2, &e) == PROTO_OK
		&& strcmp(s2.city_key, s.city_key) == 0, "city_key round trip");
	free(json);
	const char *bad_key = "{\"token\":\"t\",\"operator\":\"a\",\"device\":\"d\",\"kelurahan\":[],"
		"\"city_key\":\"ABCD\"}";
	ok(proto_session_decode(bad_key, strlen(bad_key), &s2, &e) == PROTO_ERR_SHAPE
		&& strcmp(e.field, "city_key") == 0, "a city_key that is not 64 lower-case hex digits is refused");
	/* the deposit token: absent (a server before it, GET /me), base64url, or refused */
	json = proto_session_encode(&s);
	ok(json != NULL && strstr(json, "deposit_token") == NULL && proto_session_decode(json,
		strlen(json), &s2, &e) == PROTO_OK && s2.deposit_token[0] == '\0',
		"no deposit token: absent on the wire, \"\" decoded");
	free(json);
	snprintf(s.deposit_token, sizeof s.deposit_token, "Ab-_09zZ");
	json = proto_session_encode(&s);
	ok(json != NULL && proto_session_decode(json, strlen(json), &s2, &e) == PROTO_OK
		&& strcmp(s2.deposit_token, "Ab-_09zZ") == 0, "deposit_token round trip");
	free(json);
	const char *bad_deposit = "{\"token\":\"t\",\"operator\":\"a\",\"device\":\"d\","
		"\"kelurahan\":[],\"deposit_token\":\"a b\"}";
	ok(proto_session_decode(bad_deposit, strlen(bad_deposit), &s2, &e) == PROTO_ERR_SHAPE
		&& strcmp(e.field, "deposit_token") == 0, "a deposit_token with other than base64url is refused");
}

/* the registry's changes: a resident as now, or gone by NIK and kelurahan;
 * a resident page's registry_cursor is optional */
static void test_registry_pages(void)
{
	struct proto_registry_change rc[2] = {
		{ .seq = 42, .removed = false, .resident = { "3671015503850002", "3671011503120001",
		  "Sri Wahyuningsih", "P", "Brebes", "1985-03-15", "Jl. Kenanga No. 12", "003", "011",
		  "36.71.01.1001" } },
		{ .seq = 43, .removed = true, .resident = { .nik = "3671011503850002",
		  .kelurahan = "36.71.01.1001" } },
	};
	struct proto_page p = { .kind = PROTO_PAGE_REGISTRY, .count = 2, .registry = rc,
		.next_cursor = "g57", .total = 19233, .snapshot = "r4" }, q;
	char *json = proto_page_encode(&p);
	struct proto_error e;
	is_int(proto_page_decode(json, strlen(json), PROTO_PAGE_REGISTRY, &q, &e), PROTO_OK,
		"registry changes page round trip (%s %s)", e.field, e.reason);
	ok(q.count == 2 && !q.registry[0].removed && q.registry[0].seq == 42
		&& strcmp(q.registry[0].resident.name, "Sri Wahyuningsih") == 0 && q.registry[1].removed
		&& strcmp(q.registry[1].resident.nik, "3671011503850002") == 0
		&& q.registry[1].resident.name[0] == '\0' && strcmp(q.snapshot, "r4") == 0
		&& q.total == 19233, "registry change fields: a resident, a removal by NIK");
	ok(strstr(json, "{\"seq\":43,\"removed\":true,\"nik\":\"3671011503850002\","
		"\"kelurahan\":\"36.71.01.1001\"}") != NULL, "a removal carries no other field");
	proto_page_free(&q);
	free(json);
	static const char *const bad[] = {
		/* a resident that breaks the registry rule; a removal without its kelurahan */
		"{\"items\":[{\"seq\":1,\"removed\":false,\"nik\":\"3671015503850002\",\"kk\":\"1\",\"name\":\"A\",\"sex\":\"\",\"birth_place\":\"\",\"birth_date\":\"\",\"address\":\"\",\"rt\":\"\",\"rw\":\"\",\"kelurahan\":\"36.71.01.1001\"}],\"next_cursor\":\"g1\",\"has_more\":false,\"total\":1,\"snapshot\":\"r1\"}",
		"{\"items\":[{\"seq\":1,\"removed\":true,\"nik\":\"3671015503850002\"}],\"next_cursor\":\"g1\",\"has_more\":false,\"total\":1,\"snapshot\":\"r1\"}",
	};
	bool refused = true;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		refused = refused && proto_page_decode(bad[i], strlen(bad[i]), PROTO_PAGE_REGISTRY, &q,
			&e) == PROTO_ERR_SHAPE;
		proto_page_free(&q);
	}
	ok(refused, "a broken resident or a removal without its kelurahan is refused");

	struct resident one = { "3671015503850002", "3671011503120001", "Sri", "", "", "", "", "", "",
		"36.71.01.1001" };
	struct proto_page rp = { .kind = PROTO_PAGE_RESIDENTS, .count = 1, .residents = &one,
		.total = 1, .snapshot = "r4", .registry_cursor = "g57" };
	json = proto_page_encode(&rp);
	ok(proto_page_decode(json, strlen(json), PROTO_PAGE_RESIDENTS, &q, &e) == PROTO_OK
		&& strcmp(q.registry_cursor, "g57") == 0, "a resident page gives its registry_cursor");
	proto_page_free(&q);
	free(json);
	rp.registry_cursor[0] = '\0';
	json = proto_page_encode(&rp);
	ok(strstr(json, "registry_cursor") == NULL && proto_page_decode(json, strlen(json),
		PROTO_PAGE_RESIDENTS, &q, &e) == PROTO_OK && q.registry_cursor[0] == '\0',
		"... and one without (an older server) reads as none");
	proto_page_free(&q);
	free(json);
}

/* a resident's fields into it, member by member, in the registry's order */
static void cjson_add_resident(cJSON *it, const struct resident *r)
{
	static const char *const names[] = { "nik", "kk", "name", "sex", "birth_place",
		"birth_date", "address", "rt", "rw", "kelurahan" };
	const char *values[] = { r->nik, r->kk, r->name, r->sex, r->birth_place, r->birth_date,
		r->address, r->rt, r->rw, r->kelurahan };
	for (size_t f = 0; f < sizeof names / sizeof names[0]; f++)
		cJSON_AddStringToObject(it, names[f], values[f]);
}

/* the page's members after its items (a registry cursor on a residents
 * page only), printed as cJSON prints them; o is freed */
static char *cjson_page_print(cJSON *o, const struct proto_page *p)
{
	cJSON_AddStringToObject(o, "next_cursor", p->next_cursor);
	cJSON_AddBoolToObject(o, "has_more", p->has_more);
	cJSON_AddNumberToObject(o, "total", (double)p->total);
	cJSON_AddStringToObject(o, "snapshot", p->snapshot);
	if (p->kind == PROTO_PAGE_RESIDENTS && p->registry_cursor[0] != '\0')
		cJSON_AddStringToObject(o, "registry_cursor", p->registry_cursor);
	char *text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return text;
}

/* A residents page as cJSON prints it, the tree built member by member
 * (what proto_page_encode wrote before it wrote the text itself). */
static char *cjson_residents_page(const struct proto_page *p)
{
	cJSON *o = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(o, "items");
	for (size_t i = 0; i < p->count; i++) {
		cJSON *it = cJSON_CreateObject();
		cjson_add_resident(it, &p->residents[i]);
		cJSON_AddItemToArray(items, it);
	}
	return cjson_page_print(o, p);
}

/* p as written by proto_page_encode is cjson's print of it (holding
 * needle, when given) */
static void text_is_cjsons(const struct proto_page *p, char *(*cjson)(const struct proto_page *),
	const char *needle, const char *what)
{
	char *mine = proto_page_encode(p), *theirs = cjson(p);
	ok(mine != NULL && theirs != NULL && strcmp(mine, theirs) == 0
		&& (needle == NULL || strstr(mine, needle) != NULL), "%s:\n# %s\n# %s", what, mine, theirs);
	free(mine);
	free(theirs);
}

/* p made an empty last page */
static void empty_last_page(struct proto_page *p)
{
	p->count = 0;
	p->has_more = false;
	p->total = -1;
	p->next_cursor[0] = '\0';
	p->registry_cursor[0] = '\0';
}

/* The residents page written as text is what cJSON wrote, escapes too. */
static void test_residents_text(void)
{
	struct resident res[3] = {
		{ "3671015503850002", "3671011503120001", "Sri \"Yuni\" \\ W\u00e4hyuni\t\x01\x1f/\x7f",
		  "P", "Brebes\n", "1985-03-15", "Jl. Kenanga\r\b\f No. 12", "003", "011",
		  "36.71.01.1001" },
		{ "3671011503850002", "3671011503120001", "Budi", "", "", "", "", "", "",
		  "36.71.01.1001" },
		{ "3671011503850003", "3671011503120001", "\xe2\x80\x8bZero\xc2\xa0width", "L", "", "",
		  "", "", "", "36.71.01.1001" },
	};
	struct proto_page p = { .kind = PROTO_PAGE_RESIDENTS, .count = 3, .residents = res,
		.next_cursor = "r1.36.71.01.1001.2", .has_more = true, .total = 2000000,
		.snapshot = "r1", .registry_cursor = "g57" };
	text_is_cjsons(&p, cjson_residents_page, NULL, "a residents page's text is cJSON's, byte for byte");
	empty_last_page(&p);
	text_is_cjsons(&p, cjson_residents_page, NULL,
		"... and an empty last page without a registry cursor");
}

/* A registry changes page as cJSON prints it, as registry_change_to_json
 * built it before the page was written as text */
static char *cjson_registry_page(const struct proto_page *p)
{
	cJSON *o = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(o, "items");
	for (size_t i = 0; i < p->count; i++) {
		const struct proto_registry_change *c = &p->registry[i];
		cJSON *it = cJSON_CreateObject();
		if (c->removed) {
			cJSON_AddNumberToObject(it, "seq", (double)c->seq);
			cJSON_AddBoolToObject(it, "removed", true);
			cJSON_AddStringToObject(it, "nik", c->resident.nik);
			cJSON_AddStringToObject(it, "kelurahan", c->resident.kelurahan);
		} else {
			cjson_add_resident(it, &c->resident);
			cJSON_AddNumberToObject(it, "seq", (double)c->seq);
			cJSON_AddBoolToObject(it, "removed", false);
		}
		cJSON_AddItemToArray(items, it);
	}
	return cjson_page_print(o, p);
}

/* The registry changes page written as text is what cJSON wrote: escapes,
 * removals, a seq past 32 bits, one past 10^15 (printed with an exponent,
 * so the page is left to the tree) */
static void test_registry_text(void)
{
	struct proto_registry_change ch[3] = {
		{ .seq = 1, .removed = false, .resident = { "3671015503850002", "3671011503120001",
		  "Sri \"Yuni\" \\ W\u00e4hyuni\t\x01\x1f/\x7f", "P", "Brebes\n", "1985-03-15",
		  "Jl. Kenanga\r\b\f No. 12", "003", "011", "36.71.01.1001" } },
		{ .seq = 3000000000LL, .removed = true, .resident = { .nik = "3671011503850002",
		  .kelurahan = "36.71.01.1001" } },
		{ .seq = 999999999999999LL, .removed = false, .resident = { "3671011503850003",
		  "3671011503120001", "Ani", "L", "", "", "", "", "", "36.71.01.1001" } },
	};
	struct proto_page p = { .kind = PROTO_PAGE_REGISTRY, .count = 3, .registry = ch,
		.next_cursor = "g999999999999999", .has_more = true, .total = 4000000000LL,
		.snapshot = "r7" };
	text_is_cjsons(&p, cjson_registry_page, NULL,
		"a registry changes page's text is cJSON's, byte for byte");
	ch[2].seq = 1000000000000000LL;
	text_is_cjsons(&p, cjson_registry_page, "e+15",
		"... and with a seq of 10^15 (the tree's, with an exponent)");
	empty_last_page(&p);
	text_is_cjsons(&p, cjson_registry_page, NULL, "... and an empty last page");
}

static void test_pages(void)
{
	struct resident res[2] = {
		{ "3671015503850002", "3671011503120001", "Sri", "P", "Brebes", "1985-03-15",
		  "Jl. Kenanga No. 12", "003", "011", "36.71.01.1001" },
		{ "3671011503850002", "3671011503120001", "Budi", "", "", "", "", "", "",
		  "36.71.01.1001" },     /* optional registry columns absent */
	};
	struct proto_page p = { .kind = PROTO_PAGE_RESIDENTS, .count = 2, .residents = res,
		.next_cursor = "r1.36.71.01.1001.2", .has_more = true, .total = 10, .snapshot = "r1" }, q;
	char *json = proto_page_encode(&p);
	struct proto_error e;
	is_int(proto_page_decode(json, strlen(json), PROTO_PAGE_RESIDENTS, &q, &e), PROTO_OK,
		"resident page round trip (%s %s)", e.field, e.reason);
	ok(q.count == 2 && strcmp(q.residents[1].name, "Budi") == 0 && q.has_more && q.total == 10
		&& strcmp(q.next_cursor, p.next_cursor) == 0 && strcmp(q.snapshot, "r1") == 0, "page fields");
	proto_page_free(&q);
	char *bad = json;
	char *at = strstr(bad, "\"sex\":\"P\"");
	if (at != NULL)
		at[7] = 'X';
	ok(proto_page_decode(bad, strlen(bad), PROTO_PAGE_RESIDENTS, &q, &e) == PROTO_ERR_SHAPE
		&& strcmp(e.field, "items[0].sex") == 0, "a bad item is named by index (%s)", e.field);
	proto_page_free(&q);
	free(json);
	const char *more = "{\"items\":[],\"next_cursor\":\"\",\"has_more\":true,\"total\":-1,\"snapshot\":\"\"}";
	ok(proto_page_decode(more, strlen(more), PROTO_PAGE_RESIDENTS, &q, &e) == PROTO_ERR_SHAPE,
		"has_more without a cursor is refused (it would loop forever)");
	proto_page_free(&q);

	struct proto_change ch = { .seq = 42, .id = "0f8fad5b-d9cb-469f-a165-70867728950e",
		.status = "flagged", .n_flags = 1, .flags = { "duplicate_nik" }, .review = "revisit",
		.review_note = "foto buram", .message = "NIK ini juga diverifikasi" };
	struct proto_page cp = { .kind = PROTO_PAGE_CHANGES, .count = 1, .changes = &ch,
		.next_cursor = "v42", .total = -1 };
	json = proto_page_encode(&cp);
	is_int(proto_page_decode(json, strlen(json), PROTO_PAGE_CHANGES, &q, &e), PROTO_OK, "changes page");
	ok(q.count == 1 && q.changes[0].seq == 42 && q.changes[0].n_flags == 1
		&& strcmp(q.changes[0].review, "revisit") == 0, "change fields");
	ok(strstr(json, "snapshot") == NULL, "changes pages have no snapshot");
	ok(!q.changes[0].has_record && strstr(json, "\"nik\"") == NULL,
		"a change without the record's facts: none sent, none read (a server before them)");
	proto_page_free(&q);
	free(json);
	/* the record's worklist facts (a fresh profile gets the record back) */
	ch.has_record = true;
	snprintf(ch.nik, sizeof ch.nik, "3671015503850002");
	snprintf(ch.kk, sizeof ch.kk, "3671011503120002");
	snprintf(ch.kelurahan, sizeof ch.kelurahan, "36.71.01.1001");
	snprintf(ch.decision, sizeof ch.decision, "tidak-layak");
	snprintf(ch.reason, sizeof ch.reason, "tidak-ditemukan");
	ch.in_registry = true;
	ch.created_at = 1741918000;
	ch.finalised_at = 1741918600;
	json = proto_page_encode(&cp);
	is_int(proto_page_decode(json, strlen(json), PROTO_PAGE_CHANGES, &q, &e), PROTO_OK,
		"changes page with the record's facts");
	ok(q.count == 1 && q.changes[0].has_record && strcmp(q.changes[0].nik, ch.nik) == 0
		&& strcmp(q.changes[0].kk, ch.kk) == 0 && strcmp(q.changes[0].reason, "tidak-ditemukan") == 0
		&& q.changes[0].in_registry && q.changes[0].supersedes[0] == '\0'
		&& q.changes[0].created_at == 1741918000 && q.changes[0].finalised_at == 1741918600,
		"the record's facts round-trip: NIK, KK, kelurahan, outcome, dates");
	proto_page_free(&q);
	/* "layak" with a reason: as long, padded with JSON's white space */
	char *layak = strstr(json, "\"decision\":\"tidak-layak\"");
	if (layak != NULL)
		memcpy(layak + 11, "\"layak\"      ", 13);
	ok(layak != NULL && proto_page_decode(json, strlen(json), PROTO_PAGE_CHANGES, &q, &e)
		== PROTO_ERR_SHAPE, "a change whose outcome is not a record's is refused (%s)", e.field);
	proto_page_free(&q);
	free(json);

	/* the kelurahan's progress: the outcome and who, checked as a record's codes */
	struct proto_progress pg = { .seq = 57, .nik = "3671015503850002", .kelurahan = "36.71.01.1001",
		.decision = "tidak-layak", .reason = "tidak-ditemukan", .operator_name = "siti.sukarasa",
		.verified_at = 1741918600, .flagged = true, .review = "" };
	struct proto_page pp = { .kind = PROTO_PAGE_PROGRESS, .count = 1, .progress = &pg,
		.next_cursor = "p57", .total = -1 };
	json = proto_page_encode(&pp);
	is_int(proto_page_decode(json, strlen(json), PROTO_PAGE_PROGRESS, &q, &e), PROTO_OK, "progress page");
	ok(q.count == 1 && q.progress[0].seq == 57 && q.progress[0].flagged
		&& q.progress[0].verified_at == 1741918600 && strcmp(q.progress[0].operator_name, "siti.sukarasa") == 0
		&& strcmp(q.progress[0].reason, "tidak-ditemukan") == 0 && strstr(json, "snapshot") == NULL,
		"progress fields, no snapshot");
	proto_page_free(&q);
	free(json);
	static const char *const bad_progress[] = {
		/* layak with a reason, an unknown reason, no decision, an operator name that is not one */
		"{\"items\":[{\"seq\":1,\"nik\":\"3671015503850002\",\"kelurahan\":\"36.71.01.1001\",\"decision\":\"layak\",\"reason\":\"meninggal\",\"operator\":\"siti\",\"verified_at\":\"\",\"flagged\":false,\"review\":\"\"}],\"next_cursor\":\"p1\",\"has_more\":false,\"total\":-1}",
		"{\"items\":[{\"seq\":1,\"nik\":\"3671015503850002\",\"kelurahan\":\"36.71.01.1001\",\"decision\":\"tidak-layak\",\"reason\":\"hilang\",\"operator\":\"siti\",\"verified_at\":\"\",\"flagged\":false,\"review\":\"\"}],\"next_cursor\":\"p1\",\"has_more\":false,\"total\":-1}",
		"{\"items\":[{\"seq\":1,\"nik\":\"3671015503850002\",\"kelurahan\":\"36.71.01.1001\",\"decision\":\"\",\"reason\":\"\",\"operator\":\"siti\",\"verified_at\":\"\",\"flagged\":false,\"review\":\"\"}],\"next_cursor\":\"p1\",\"has_more\":false,\"total\":-1}",
		"{\"items\":[{\"seq\":1,\"nik\":\"3671015503850002\",\"kelurahan\":\"36.71.01.1001\",\"decision\":\"layak\",\"reason\":\"\",\"operator\":\"Siti <b>\",\"verified_at\":\"\",\"flagged\":false,\"review\":\"\"}],\"next_cursor\":\"p1\",\"has_more\":false,\"total\":-1}",
	};
	bool refused = true;
	for (size_t i = 0; i < sizeof bad_progress / sizeof bad_progress[0]; i++) {
		refused = refused && proto_page_decode(bad_progress[i], strlen(bad_progress[i]),
			PROTO_PAGE_PROGRESS, &q, &e) == PROTO_ERR_SHAPE;
		proto_page_free(&q);
	}
	ok(refused, "progress items with a wrong outcome or operator are refused");
	test_registry_pages();
}

static void test_problem_and_result(void)
{
	struct proto_problem p = { .status = 422, .code = "missing_blobs", .title = "Foto belum diunggah",
		.detail = "Server belum menerima 1 foto.", .n_missing = 1 }, q;
	memset(p.missing_blobs[0], 'a', 64);
	p.missing_blobs[0][64] = '\0';
	char *json = proto_problem_encode(&p);
	struct proto_error e;
	is_int(proto_problem_decode(json, strlen(json), &q, &e), PROTO_OK, "problem round trip");
	ok(q.status == 422 && q.n_missing == 1 && strcmp(q.type, "urn:sigacor:problem:missing_blobs") == 0
		&& !q.retryable, "problem fields and type");
	free(json);
	const char *sparse = "{\"status\":503,\"code\":\"busy\"}";
	ok(proto_problem_decode(sparse, strlen(sparse), &q, &e) == PROTO_OK && q.status == 503,
		"a sparse problem (status and code) is enough");
	const char *badhash = "{\"status\":422,\"code\":\"missing_blobs\",\"missing_blobs\":[\"../../etc\"]}";
	ok(proto_problem_decode(badhash, strlen(badhash), &q, &e) == PROTO_ERR_SHAPE,
		"missing_blobs must be hashes (a client builds paths from them)");

	struct proto_verification_result r = { .id = "0f8fad5b-d9cb-469f-a165-70867728950e",
		.status = "flagged", .n_flags = 1, .flags = { "duplicate_nik" },
		.received_at = "2025-03-14T05:01:09Z" }, r2;
	json = proto_verification_result_encode(&r);
	is_int(proto_verification_result_decode(json, strlen(json), &r2, &e), PROTO_OK, "result round trip");
	ok(r2.n_flags == 1 && strcmp(r2.status, "flagged") == 0, "result fields");
	free(json);
	const char *odd = "{\"id\":\"0f8fad5b-d9cb-469f-a165-70867728950e\",\"status\":\"ok\",\"flags\":[],"
		"\"received_at\":\"2025-03-14T05:01:09Z\"}";
	ok(proto_verification_result_decode(odd, strlen(odd), &r2, &e) == PROTO_ERR_SHAPE,
		"an unknown status is refused");
}

/* PUT /blobs answers: written by the server, read by the client's push */
static void test_blob_answer(void)
{
	struct proto_blob_answer a = { .size = 2097152 }, b;
	memset(a.sha256, 'c', 64);
	a.sha256[64] = '\0';
	char *json = proto_blob_answer_encode(&a);
	struct proto_error e;
	is_int(proto_blob_answer_decode(json, strlen(json), &b, &e), PROTO_OK, "blob answer round trip");
	ok(strcmp(a.sha256, b.sha256) == 0 && b.size == a.size, "blob answer fields");
	free(json);
	const char *upper = "{\"sha256\":\"ABCDEF\",\"size\":1}";
	ok(proto_blob_answer_decode(upper, strlen(upper), &b, &e) == PROTO_ERR_SHAPE
		&& strcmp(e.field, "sha256") == 0, "a blob answer without a SHA-256 name is refused");
	const char *negative = "{\"sha256\":\"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\",\"size\":-1}";
	ok(proto_blob_answer_decode(negative, strlen(negative), &b, &e) == PROTO_ERR_SHAPE
		&& strcmp(e.field, "size") == 0, "a negative size is refused");
}

/* the photo inbox: the code, the list with a phone's position */
static void test_inbox(void)
{
	struct proto_inbox_code c = { .code = "K7M2Q9XH4C", .path = "/u/K7M2Q9XH4C",
		.expires_at = 1796401499 }, c2;
	struct proto_error e;
	char *json = proto_inbox_code_encode(&c);
	is_int(proto_inbox_code_decode(json, strlen(json), &c2, &e), PROTO_OK, "inbox code round trip");
	ok(strcmp(c2.code, c.code) == 0 && strcmp(c2.path, c.path) == 0 && c2.url[0] == '\0'
		&& c2.expires_at == c.expires_at, "inbox code fields");
	free(json);
	const char *o_code = "{\"code\":\"K7M2Q9XH4O\",\"path\":\"/u/K7M2Q9XH4O\",\"expires_at\":1}";
	ok(proto_inbox_code_decode(o_code, strlen(o_code), &c2, &e) == PROTO_ERR_SHAPE
		&& strcmp(e.field, "code") == 0, "a code with an O (read as 0) is refused");
	const char *elsewhere = "{\"code\":\"K7M2Q9XH4C\",\"path\":\"/u/AAAAAAAAAA\",\"expires_at\":1}";
	ok(proto_inbox_code_decode(elsewhere, strlen(elsewhere), &c2, &e) == PROTO_ERR_SHAPE
		&& strcmp(e.field, "path") == 0, "a path that is not the code's page is refused");
	ok(proto_is_inbox_code("23456789AB") && !proto_is_inbox_code("23456789ab")
		&& !proto_is_inbox_code("23456789A") && !proto_is_inbox_code("1234567890"),
		"inbox code alphabet and length");

	struct proto_inbox_photo ph[2] = { { .size = 1097, .name = "IMG_2031.jpg", .uploaded_at = 5,
		.expires_at = 9 }, { .size = 7, .name = "b.jpg", .has_phone_position = true,
		.phone = { -6.1783, 106.631, 12 } } };
	memset(ph[0].sha256, 'a', 64);
	memset(ph[1].sha256, 'b', 64);
	struct proto_inbox_list l = { .n = 2, .photos = ph }, l2;
	json = proto_inbox_list_encode(&l);
	is_int(proto_inbox_list_decode(json, strlen(json), &l2, &e), PROTO_OK, "inbox list round trip");
	ok(l2.n == 2 && !l2.photos[0].has_phone_position && l2.photos[1].has_phone_position
		&& l2.photos[1].phone.lat == -6.1783 && l2.photos[1].phone.accuracy_m == 12
		&& strcmp(l2.photos[0].name, "IMG_2031.jpg") == 0, "inbox list fields, position only where given");
	proto_inbox_list_free(&l2);
	free(json);
	const char *bad = "{\"photos\":[{\"sha256\":\"../../etc/passwd\",\"size\":1,\"name\":\"x\","
		"\"uploaded_at\":1,\"expires_at\":2}]}";
	ok(proto_inbox_list_decode(bad, strlen(bad), &l2, &e) == PROTO_ERR_SHAPE
		&& strcmp(e.field, "photos[0].sha256") == 0, "a list item not named by a SHA-256 is refused");
	proto_inbox_list_free(&l2);
	const char *far = "{\"lat\":-6.1,\"lon\":181,\"accuracy_m\":3}";
	struct proto_phone_position pos;
	ok(proto_phone_position_decode(far, strlen(far), &pos, &e) == PROTO_ERR_SHAPE
		&& strcmp(e.field, "lon") == 0, "a position off the globe is refused");
}

static void test_helpers(void)
{
	int64_t t;
	char buf[21];
	ok(proto_time_parse("2024-02-29T23:59:59Z", &t) && t == 1709251199, "leap day time");
	proto_time_format(t, buf);
	is_str(buf, "2024-02-29T23:59:59Z", "time format");
	ok(!proto_time_parse("2023-02-29T00:00:00Z", &t) && !proto_time_parse("2024-01-01 00:00:00", &t)
		&& !proto_time_parse("2024-01-01T00:00:00+07:00", &t), "bad times refused");
	ok(proto_is_kelurahan("36.71.13.1008") && !proto_is_kelurahan("36.72.01.1001"), "kelurahan shape");
	ok(proto_is_operator_name("siti.sukarasa_2") && !proto_is_operator_name("-x")
		&& !proto_is_operator_name(""), "operator names");
	ok(format_text("Zoë", false) && !format_text("a\nb", false) && format_text("a\nb", true)
		&& !format_text("\xc0\xaf", false), "text check (overlong UTF-8 refused)");
	char name[16];
	format_file_name("../../etc/passwd", name, sizeof name);
	is_str(name, "foto.jpg", "a file name with a leading dot becomes foto.jpg");
	format_file_name("a/b\\c\x01" "d\xc3\xa9.jpg", name, sizeof name);
	is_str(name, "a_b_c_d__.jpg", "slashes, controls and non-ASCII become _");
	format_file_name("IMG_20250314_091502.jpg", name, sizeof name);
	is_str(name, "IMG_20250314_09", "a long name is cut to fit");
}

/* ---------------------------------------------------------------- the page scan */

/* the items of both (zeroed where unset: either reading starts from zeros) */
static bool same_items(const struct proto_page *a, const struct proto_page *b)
{
	if (a->count == 0)
		return true;
	return a->kind == PROTO_PAGE_RESIDENTS
		? memcmp(a->residents, b->residents, a->count * sizeof *a->residents) == 0
		: memcmp(a->registry, b->registry, a->count * sizeof *a->registry) == 0;
}

static bool same_page(const struct proto_page *a, const struct proto_page *b)
{
	return a->kind == b->kind && a->count == b->count && a->has_more == b->has_more
		&& a->total == b->total && strcmp(a->next_cursor, b->next_cursor) == 0
		&& strcmp(a->snapshot, b->snapshot) == 0
		&& strcmp(a->registry_cursor, b->registry_cursor) == 0 && same_items(a, b);
}

/* What the scan takes, the tree takes alike; what it leaves, the tree
 * still reads (then proto_page_decode gives the tree's answer) */
static int scan_agrees(const char *json, size_t len, enum proto_page_kind kind, bool *scanned)
{
	struct proto_page a, b;
	*scanned = proto_page_scan(json, len, kind, &a);
	enum proto_status st = proto_page_decode_tree(json, len, kind, &b, NULL);
	int agree = !*scanned || (st == PROTO_OK && same_page(&a, &b));
	proto_page_free(&a);
	proto_page_free(&b);
	return agree;
}

static void expect_scan_of(enum proto_page_kind kind, const char *json, bool scans,
	enum proto_status st, const char *what)
{
	bool scanned = false;
	struct proto_page q;
	struct proto_error e;
	int agree = json != NULL && scan_agrees(json, strlen(json), kind, &scanned);
	enum proto_status got = json != NULL
		? proto_page_decode(json, strlen(json), kind, &q, &e) : PROTO_ERR_JSON;
	ok(agree && scanned == scans && got == st, "%s: %s by the scan, %d (got %s, %d: %s %s)",
		what, scans ? "read" : "left to the tree", st, scanned ? "read" : "left", got,
		json != NULL ? e.field : "no match", json != NULL ? e.reason : "");
	if (json != NULL)
		proto_page_free(&q);
}

static void expect_scan(const char *json, bool scans, enum proto_status st, const char *what)
{
	expect_scan_of(PROTO_PAGE_RESIDENTS, json, scans, st, what);
}

/* every byte of json changed to each of these, and every cut: the scan
 * never takes what the tree would not, nor reads it otherwise */
static void sweep_scan(const char *json, enum proto_page_kind kind)
{
	static const char swaps[] = "\"\\,:{}[] 0-9a\x01\x7f";
	size_t len = strlen(json), tried = 0, scanned_n = 0;
	int agreed = 1;
	char *m = malloc(len + 1);
	for (size_t i = 0; i < len; i++) {
		for (size_t k = 0; k < sizeof swaps - 1; k++) {
			memcpy(m, json, len + 1);
			m[i] = swaps[k];
			bool scanned;
			agreed &= scan_agrees(m, len, kind, &scanned);
			tried++;
			scanned_n += scanned;
		}
		bool scanned;
		agreed &= scan_agrees(json, i, kind, &scanned);
		tried++;
		scanned_n += scanned;
	}
	free(m);
	ok(agreed && scanned_n > 0 && scanned_n < tried,
		"%zu changed pages: the %zu the scan read, the tree read alike", tried, scanned_n);
}

static void test_residents_scan(void)
{
	struct resident res[3] = {
		{ "3671015503850002", "3671011503120001", "Sri W\u00e4hyuni", "P", "Brebes",
		  "1985-03-15", "Jl. Kenanga No. 12", "003", "011", "36.71.01.1001" },
		{ "3671011503850002", "3671011503120001", "Budi", "", "", "", "", "", "",
		  "36.71.01.1001" },
		{ "3671011503850003", "3671011503120001", "Ani", "L", "", "", "Gg. Mawar", "", "",
		  "36.71.01.1001" },
	};
	struct proto_page p = { .kind = PROTO_PAGE_RESIDENTS, .count = 3, .residents = res,
		.next_cursor = "r1.36.71.01.1001.3", .has_more = true, .total = 2000000,
		.snapshot = "r1", .registry_cursor = "g57" };
	char *json = proto_page_encode(&p);
	struct proto_page q;
	ok(proto_page_scan(json, strlen(json), PROTO_PAGE_RESIDENTS, &q) && same_page(&p, &q),
		"a page as the server writes it is read by the scan, every field");
	proto_page_free(&q);
	expect_scan(json, true, PROTO_OK, "the server's page");
	char *t;
	expect_scan(t = replaced(json, "{\"nik\"", "\n\t{ \"nik\" "), true, PROTO_OK, "white space");
	free(t);
	expect_scan(t = replaced(json, "\"nik\":\"3671015503850002\",\"kk\":\"3671011503120001\"",
		"\"kk\":\"3671011503120001\",\"nik\":\"3671015503850002\""), true, PROTO_OK,
		"members in another order");
	free(t);
	expect_scan(t = replaced(json, "\"name\":\"Budi\"", "\"name\":\"B\\u0075di\""), false, PROTO_OK,
		"an escape");
	free(t);
	expect_scan(t = replaced(json, "\"name\":\"Budi\"", "\"name\":\"Budi\",\"agama\":\"\""),
		false, PROTO_OK, "a member unknown");
	free(t);
	expect_scan(t = replaced(json, "\"name\":\"Budi\"", "\"name\":\"Budi\",\"name\":\"X\""),
		false, PROTO_OK, "a member twice");
	free(t);
	expect_scan(t = replaced(json, "\"total\":2000000", "\"total\":2e6"), false, PROTO_OK,
		"a number with an exponent");
	free(t);
	expect_scan(t = replaced(json, "\"name\":\"Budi\"", "\"name\":\"Bu\x01" "di\""), false,
		PROTO_ERR_SHAPE, "a control character");
	free(t);
	expect_scan(t = replaced(json, "\"3671011503850003\"", "\"3671011503850X03\""), false,
		PROTO_ERR_SHAPE, "a NIK with a letter");
	free(t);
	expect_scan(t = replaced(json, "\"name\":\"Ani\",", ""), false, PROTO_ERR_SHAPE,
		"a member missing");
	free(t);
	expect_scan(t = replaced(json, "\"has_more\":true", "\"has_more\":1"), false,
		PROTO_ERR_SHAPE, "has_more a number");
	free(t);
	expect_scan(t = replaced(json, "\"total\":2000000", "\"total\":-2"), false,
		PROTO_ERR_SHAPE, "a total below -1");
	free(t);
	expect_scan(t = replaced(json, "\"total\":2000000", "\"total\":02000000"), false,
		PROTO_OK, "a leading zero (cJSON reads it)");
	free(t);

	sweep_scan(json, PROTO_PAGE_RESIDENTS);
	free(json);
}

static void test_registry_scan(void)
{
	struct proto_registry_change ch[3] = {
		{ .seq = 41, .removed = false, .resident = { "3671015503850002", "3671011503120001",
		  "Sri W\u00e4hyuni", "P", "Brebes", "1985-03-15", "Jl. Kenanga No. 12", "003", "011",
		  "36.71.01.1001" } },
		{ .seq = 42, .removed = true, .resident = { .nik = "3671011503850002",
		  .kelurahan = "36.71.01.1001" } },
		{ .seq = 57, .removed = false, .resident = { "3671011503850003", "3671011503120001",
		  "Ani", "L", "", "", "Gg. Mawar", "", "", "36.71.01.1001" } },
	};
	struct proto_page p = { .kind = PROTO_PAGE_REGISTRY, .count = 3, .registry = ch,
		.next_cursor = "g57", .has_more = true, .total = 2000000, .snapshot = "r2" };
	char *json = proto_page_encode(&p);
	struct proto_page q;
	ok(json != NULL && proto_page_scan(json, strlen(json), PROTO_PAGE_REGISTRY, &q)
		&& same_page(&p, &q), "a page of changes as the server writes it is read by the scan");
	proto_page_free(&q);
	enum proto_page_kind k = PROTO_PAGE_REGISTRY;
	expect_scan_of(k, json, true, PROTO_OK, "the server's page of changes");
	char *t;
	expect_scan_of(k, t = replaced(json, "\"seq\":42,\"removed\":true",
		"\"removed\":true, \"seq\":42"), true, PROTO_OK, "a removal's members in another order");
	free(t);
	expect_scan_of(k, t = replaced(json, "\"seq\":42,", "\"seq\":42,\"name\":\"X\","), false,
		PROTO_OK, "a removal with a resident's field (the tree ignores it)");
	free(t);
	expect_scan_of(k, t = replaced(json, "\"snapshot\":\"r2\"",
		"\"snapshot\":\"r2\",\"registry_cursor\":\"g1\""), false, PROTO_OK,
		"a registry_cursor, a residents page's member");
	free(t);
	expect_scan_of(k, t = replaced(json, "\"seq\":42", "\"seq\":0"), false, PROTO_ERR_SHAPE,
		"a seq of 0");
	free(t);
	expect_scan_of(k, t = replaced(json, "\"removed\":true", "\"removed\":1"), false,
		PROTO_ERR_SHAPE, "removed a number");
	free(t);
	expect_scan_of(k, t = replaced(json, "\"removed\":true,\"nik\":\"3671011503850002\"",
		"\"removed\":true,\"nik\":\"367101150385000\""), false, PROTO_ERR_SHAPE,
		"a removal's NIK of 15 digits");
	free(t);
	expect_scan_of(k, t = replaced(json, "\"removed\":true,\"nik\":\"3671011503850002\",\"kelurahan\":\"36.71.01.1001\"",
		"\"removed\":true,\"nik\":\"3671011503850002\",\"kelurahan\":\"36.71.01\""), false,
		PROTO_ERR_SHAPE, "a removal's kelurahan cut short");
	free(t);
	expect_scan_of(k, t = replaced(json, "\"name\":\"Ani\",", ""), false, PROTO_ERR_SHAPE,
		"a change without its name");
	free(t);
	expect_scan_of(k, t = replaced(json, "\"3671011503850003\"", "\"3671011503850X03\""), false,
		PROTO_ERR_SHAPE, "a change's NIK with a letter");
	free(t);
	sweep_scan(json, PROTO_PAGE_REGISTRY);
	free(json);
}

int main(void)
{
	test_record();
	test_garbage();
	test_session_and_login();
	test_pages();
	test_residents_text();
	test_registry_text();
	test_residents_scan();
	test_registry_scan();
	test_problem_and_result();
	test_blob_answer();
	test_inbox();
	test_helpers();
	return tap_done();
}
