/* web_data: the JSON behind the dashboard's pages (doc/DASHBOARD.md).
 *
 * Every answer is read through the supervisor's scope: a list or a record
 * outside it is refused with the API's out_of_scope problem, and the map
 * only shows points inside it.  Only current records count (a corrected
 * record is replaced by its correction).  Reviews go through ledger_review,
 * the same write as `sigacor-server review`, so the clerk's next sync
 * brings the outcome home. */
#include "config.h"
#include "server.h"
#include "web.h"
#include "stats.h"
#include "format.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wilayah.h"
#include "sdb.h"

/* the scope rule of supervisor_covers() in SQL; ?1 is the scope code */
#define IN_SCOPE "(v.kelurahan = ?1 OR v.kelurahan LIKE ?1 || '.%')"
#define CURRENT "v.superseded_by IS NULL"

void web_problem(struct reply *out, enum web_lang lang, int status, const char *code,
	enum web_string detail)
{
	struct proto_problem pr;
	memset(&pr, 0, sizeof pr);
	snprintf(pr.code, sizeof pr.code, "%s", code);
	snprintf(pr.title, sizeof pr.title, "%s", code);
	snprintf(pr.detail, sizeof pr.detail, "%s", web_string(lang, detail));
	pr.status = status;
	pr.retryable = status == 503;
	out->status = status;
	out->problem = true;
	out->body = proto_problem_encode(&pr);
	out->len = out->body != NULL ? strlen(out->body) : 0;
}

static void reply_object(struct reply *out, cJSON *o, enum web_lang lang)
{
	char *text = o != NULL ? cJSON_PrintUnformatted(o) : NULL;
	cJSON_Delete(o);
	if (text == NULL) {
		web_problem(out, lang, 500, "internal", S_SERVER_ERROR);
		return;
	}
	out->status = 200;
	out->problem = false;
	out->body = text;
	out->len = strlen(text);
}

static void db_problem(struct reply *out, sdb *db, enum web_lang lang)
{
	int code = db != NULL ? sdb_errcode(db) : SDB_BUSY;
	if (code == SDB_BUSY || code == SDB_LOCKED)
		web_problem(out, lang, 503, "busy", S_BUSY);
	else
		web_problem(out, lang, 500, "internal", S_SERVER_ERROR);
}

static const char *text_col(sdb_stmt *st, int col)
{
	const unsigned char *v = sdb_column_text(st, col);
	return v != NULL ? (const char *)v : "";
}

/* "layak", "tidak-layak" or "tidak-ditemukan": the outcome as the city
 * counts it (core's rule, record_outcome_of, the report's too), as the
 * page's code */
static const char *outcome_of(const char *decision, const char *reason)
{
	static const char *const codes[] = { [OUTCOME_NONE] = "", [OUTCOME_LAYAK] = "layak",
		[OUTCOME_TIDAK_LAYAK] = "tidak-layak", [OUTCOME_NOT_FOUND] = "tidak-ditemukan" };
	return codes[record_outcome_of(decision, reason)];
}

/* outcome, reason code and the reason's label in the page's language */
static void add_outcome(cJSON *o, const char *decision, const char *reason_code, enum web_lang lang)
{
	enum reason reason = REASON_NONE;
	record_reason_parse(reason_code, &reason);
	cJSON_AddStringToObject(o, "outcome", outcome_of(decision, reason_code));
	cJSON_AddStringToObject(o, "reason", reason_code);
	cJSON_AddStringToObject(o, "reason_label", reason != REASON_NONE
		? web_reason_label(lang, reason) : "");
}

static cJSON *flags_array(unsigned flags)
{
	cJSON *a = cJSON_CreateArray();
	for (int f = 0; a != NULL && f < FLAG_COUNT; f++)
		if (flags & (1u << f))
			cJSON_AddItemToArray(a, cJSON_CreateString(flag_code((enum flag)f)));
	return a;
}

static void add_coord(cJSON *o, sdb_stmt *st, int lat_col)
{
	if (sdb_column_type(st, lat_col) == SDB_NULL) {
		cJSON_AddNullToObject(o, "lat");
		cJSON_AddNullToObject(o, "lon");
		return;
	}
	cJSON_AddNumberToObject(o, "lat", sdb_column_double(st, lat_col));
	cJSON_AddNumberToObject(o, "lon", sdb_column_double(st, lat_col + 1));
}

/* ---------------------------------------------------------------- the map */

/* the kelurahan's polygon as a GeoJSON geometry */
static cJSON *kelurahan_geometry(const struct wilayah_kelurahan *k)
{
	cJSON *geometry = cJSON_CreateObject();
	cJSON_AddStringToObject(geometry, "type", "Polygon");
	cJSON *rings = cJSON_AddArrayToObject(geometry, "coordinates");
	cJSON *ring = cJSON_CreateArray();
	cJSON_AddItemToArray(rings, ring);
	for (size_t i = 0; i < k->ring_len; i++) {
		/* ~1 m is plenty for shading; the page loads a third less */
		double xy[2] = { (double)(long)(k->ring[i].lon * 1e5) / 1e5,
			(double)(long)(k->ring[i].lat * 1e5) / 1e5 };
		cJSON_AddItemToArray(ring, cJSON_CreateDoubleArray(xy, 2));
	}
	return geometry;
}

static cJSON *kelurahan_feature(const struct wilayah_kelurahan *k, const struct web_session *s)
{
	cJSON *f = cJSON_CreateObject();
	cJSON_AddItemToObject(f, "geometry", kelurahan_geometry(k));
	cJSON_AddStringToObject(f, "type", "Feature");
	cJSON *p = cJSON_AddObjectToObject(f, "properties");
	cJSON_AddStringToObject(p, "code", k->code);
	cJSON_AddStringToObject(p, "name", k->name);
	cJSON_AddStringToObject(p, "kecamatan", k->kecamatan_name);
	cJSON_AddBoolToObject(p, "in_scope", supervisor_covers(&s->who, k->code));
	return f;
}

/* the current records with coordinates inside the scope, as points */
static bool add_points(sdb *db, const struct web_session *s, cJSON *points)
{
	sdb_stmt *st;
	if (sdb_prepare(db, "SELECT v.id, v.lat, v.lon, v.decision, v.reason, v.review, "
		"v.flags, v.kelurahan FROM verifications v WHERE " CURRENT " AND v.lat IS NOT NULL AND "
		IN_SCOPE " ORDER BY v.kelurahan, v.id", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_stream(st);
	sdb_bind_text(st, 1, s->who.scope, -1, SDB_STATIC);
	int rc;
	while ((rc = sdb_step(st)) == SDB_ROW) {
		cJSON *p = cJSON_CreateObject();
		cJSON_AddStringToObject(p, "id", text_col(st, 0));
		add_coord(p, st, 1);
		cJSON_AddStringToObject(p, "outcome", outcome_of(text_col(st, 3), text_col(st, 4)));
		cJSON_AddStringToObject(p, "review", text_col(st, 5));
		cJSON_AddBoolToObject(p, "flagged", sdb_column_int(st, 6) != 0);
		cJSON_AddStringToObject(p, "kelurahan", text_col(st, 7));
		cJSON_AddItemToArray(points, p);
	}
	sdb_finalize(st);
	return rc == SDB_DONE;
}

/* the shading: the campaign's figures of each kelurahan in scope, as the
 * report counts them (stats.c), onto its feature's properties */
static void add_progress(cJSON *features, const struct stats *st)
{
	static const char *const keys[] = { "assigned", "assigned_verified", "verified", "layak",
		"tidak_layak", "not_found", "flagged" };
	cJSON *f;
	cJSON_ArrayForEach(f, features) {
		cJSON *p = cJSON_GetObjectItemCaseSensitive(f, "properties");
		const char *code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(p, "code"));
		for (size_t i = 0; code != NULL && i < st->n[STATS_KELURAHAN]; i++) {
			const struct stats_row *row = &st->rows[STATS_KELURAHAN][i];
			if (strcmp(row->code, code) != 0)
				continue;
			const struct stats_counts *c = &row->c;
			const long long v[] = { c->assigned, c->assigned_verified, c->verified, c->layak,
				c->tidak_layak, c->not_found, c->flagged };
			for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
				cJSON_AddNumberToObject(p, keys[k], (double)v[k]);
			cJSON_AddNumberToObject(p, "progress_permille", stats_progress_permille(c));
		}
	}
}

void web_map_json(const struct web_session *s, struct reply *out, enum web_lang lang)
{
	cJSON *o = cJSON_CreateObject();
	cJSON *scope = cJSON_AddObjectToObject(o, "scope");
	cJSON_AddStringToObject(scope, "code", s->who.scope);
	cJSON_AddStringToObject(scope, "kind", supervisor_scope_kind(s->who.scope));
	cJSON *fc = cJSON_AddObjectToObject(o, "kelurahan");
	cJSON_AddStringToObject(fc, "type", "FeatureCollection");
	cJSON *features = cJSON_AddArrayToObject(fc, "features");
	for (size_t i = 0; i < wilayah_kelurahan_count(); i++)
		cJSON_AddItemToArray(features, kelurahan_feature(wilayah_kelurahan_at(i), s));
	cJSON *points = cJSON_AddArrayToObject(o, "points");
	sdb *db = db_thread();
	struct stats st;
	/* one read transaction: the points and the figures see the same records */
	if (db == NULL || !db_begin_read(db) || !add_points(db, s, points)
		|| !stats_collect(db, s->who.scope, &st)) {
		cJSON_Delete(o);
		db_problem(out, db, lang);
		if (db != NULL)
			db_rollback(db);
		return;
	}
	db_rollback(db);
	add_progress(features, &st);
	stats_free(&st);
	reply_object(out, o, lang);
}

/* ---------------------------------------------------------------- lists */

static bool filter_sql(const struct web_list_filter *f, char *sql, size_t cap)
{
	size_t len = strlen(sql);
	const char *outcome = f->outcome != NULL ? f->outcome : "";
	const char *flag = f->flag != NULL ? f->flag : "";
	const char *review = f->review != NULL ? f->review : "";
	const char *add[4] = { "", "", "", "" };
	if (strcmp(outcome, "layak") == 0)
		add[0] = " AND v.decision = 'layak'";
	else if (strcmp(outcome, "tidak-layak") == 0)
		add[0] = " AND v.decision = 'tidak-layak' AND v.reason != 'tidak-ditemukan'";
	else if (strcmp(outcome, "tidak-ditemukan") == 0)
		add[0] = " AND v.decision = 'tidak-layak' AND v.reason = 'tidak-ditemukan'";
	else if (outcome[0] != '\0')
		return false;
	if (strcmp(flag, "flagged") == 0)
		add[1] = " AND v.flags != 0";
	else if (strcmp(flag, "none") == 0)
		add[1] = " AND v.flags = 0";
	else if (flag[0] != '\0') {
		int bit = -1;
		for (int i = 0; i < FLAG_COUNT; i++)
			if (strcmp(flag, flag_code((enum flag)i)) == 0)
				bit = i;
		if (bit < 0)
			return false;
		add[1] = " AND (v.flags & (1 << ?3)) != 0";
	}
	if (strcmp(review, "none") == 0)
		add[2] = " AND v.review = ''";
	else if (review_outcome_valid(review))
		add[2] = " AND v.review = ?4";
	else if (review[0] != '\0')
		return false;
	const char *sort = f->sort != NULL ? f->sort : "";
	if (sort[0] == '\0' || strcmp(sort, "name") == 0)
		add[3] = " ORDER BY lower(v.name), v.id";
	else if (strcmp(sort, "address") == 0)
		add[3] = " ORDER BY lower(v.address), lower(v.name), v.id";
	else if (strcmp(sort, "coord") == 0)
		/* north to south, then west to east; houses without a point last */
		add[3] = " ORDER BY v.lat IS NULL, v.lat DESC, v.lon, v.id";
	else
		return false;
	int n = snprintf(sql + len, cap - len, "%s%s%s%s", add[0], add[1], add[2], add[3]);
	return n > 0 && (size_t)n < cap - len;
}

static int flag_bit(const char *flag)
{
	for (int i = 0; flag != NULL && i < FLAG_COUNT; i++)
		if (strcmp(flag, flag_code((enum flag)i)) == 0)
			return i;
	return -1;
}

/* the record's photos the server does not hold yet (0: complete) */
#define WAITING_SQL "(SELECT count(*) FROM waiting_photos w WHERE w.verification_id = v.id)"

static cJSON *list_row(sdb_stmt *st, enum web_lang lang)
{
	cJSON *r = cJSON_CreateObject();
	cJSON_AddStringToObject(r, "id", text_col(st, 0));
	cJSON_AddStringToObject(r, "name", text_col(st, 1));
	cJSON_AddStringToObject(r, "address", text_col(st, 2));
	add_outcome(r, text_col(st, 3), text_col(st, 4), lang);
	cJSON_AddItemToObject(r, "flags", flags_array((unsigned)sdb_column_int(st, 5)));
	cJSON_AddStringToObject(r, "review", text_col(st, 6));
	add_coord(r, st, 7);
	cJSON_AddStringToObject(r, "operator", text_col(st, 9));
	/* sent before its photos, which have not all arrived: "menunggu foto" */
	cJSON_AddNumberToObject(r, "photos_waiting", sdb_column_int(st, 10));
	return r;
}

void web_list_json(const struct web_session *s, const char *kelurahan,
	const struct web_list_filter *f, struct reply *out, enum web_lang lang)
{
	const struct wilayah_kelurahan *k = wilayah_kelurahan_find(kelurahan);
	if (k == NULL || strcmp(k->code, kelurahan) != 0) {
		web_problem(out, lang, 404, "not_found", S_NOT_FOUND);
		return;
	}
	if (!supervisor_covers(&s->who, k->code)) {
		web_problem(out, lang, 403, "out_of_scope", S_FORBIDDEN);
		return;
	}
	char sql[1024] = "SELECT v.id, v.name, v.address, v.decision, v.reason, v.flags, v.review, "
		"v.lat, v.lon, o.name, " WAITING_SQL " FROM verifications v JOIN operators o "
		"ON o.id = v.operator_id WHERE " CURRENT " AND v.kelurahan = ?2";
	if (!filter_sql(f, sql, sizeof sql)) {
		web_problem(out, lang, 400, "bad_request", S_LOAD_FAILED);
		return;
	}
	sdb *db = db_thread();
	sdb_stmt *st;
	if (db == NULL || sdb_prepare(db, sql, -1, &st, NULL) != SDB_OK) {
		db_problem(out, db, lang);
		return;
	}
	sdb_bind_text(st, 2, k->code, -1, SDB_STATIC);
	sdb_bind_int(st, 3, flag_bit(f->flag));
	sdb_bind_text(st, 4, f->review != NULL ? f->review : "", -1, SDB_STATIC);
	cJSON *o = cJSON_CreateObject();
	cJSON *kj = cJSON_AddObjectToObject(o, "kelurahan");
	cJSON_AddStringToObject(kj, "code", k->code);
	cJSON_AddStringToObject(kj, "name", k->name);
	cJSON_AddStringToObject(kj, "kecamatan", k->kecamatan_name);
	cJSON *rows = cJSON_AddArrayToObject(o, "records");
	int rc;
	while ((rc = sdb_step(st)) == SDB_ROW)
		cJSON_AddItemToArray(rows, list_row(st, lang));
	sdb_finalize(st);
	if (rc != SDB_DONE) {
		cJSON_Delete(o);
		db_problem(out, db, lang);
		return;
	}
	reply_object(out, o, lang);
}

/* ---------------------------------------------------------------- a record */

int web_record_kelurahan(const char *id, char kel[16])
{
	sdb *db = db_thread();
	sdb_stmt *st;
	if (db == NULL || sdb_prepare(db, "SELECT kelurahan FROM verifications WHERE id = ?",
		-1, &st, NULL) != SDB_OK)
		return -1;
	sdb_bind_text(st, 1, id, -1, SDB_STATIC);
	int rc = sdb_step(st);
	if (rc == SDB_ROW)
		snprintf(kel, 16, "%s", text_col(st, 0));
	sdb_finalize(st);
	return rc == SDB_ROW ? 1 : rc == SDB_DONE ? 0 : -1;
}

int web_record_photo(const char *id, const char *kind, char sha[65])
{
	sdb *db = db_thread();
	sdb_stmt *st;
	if (db == NULL || sdb_prepare(db, "SELECT sha256 FROM verification_photos "
		"WHERE verification_id = ? AND kind = ?", -1, &st, NULL) != SDB_OK)
		return -1;
	sdb_bind_text(st, 1, id, -1, SDB_STATIC);
	sdb_bind_text(st, 2, kind, -1, SDB_STATIC);
	int rc = sdb_step(st);
	if (rc == SDB_ROW)
		snprintf(sha, 65, "%s", text_col(st, 0));
	sdb_finalize(st);
	return rc == SDB_ROW && format_sha256_hex(sha) ? 1 : rc == SDB_DONE ? 0 : -1;
}

/* 403/404 into out unless the record exists inside the scope */
static bool record_in_scope(const struct web_session *s, const char *id, struct reply *out,
	enum web_lang lang)
{
	char kel[16];
	int found = proto_is_uuid(id) ? web_record_kelurahan(id, kel) : 0;
	if (found < 0)
		db_problem(out, db_thread(), lang);
	else if (found == 0)
		web_problem(out, lang, 404, "not_found", S_NOT_FOUND);
	else if (!supervisor_covers(&s->who, kel))
		web_problem(out, lang, 403, "out_of_scope", S_FORBIDDEN);
	return found == 1 && supervisor_covers(&s->who, kel);
}

static void add_time(cJSON *o, const char *name, sdb_stmt *st, int col)
{
	if (sdb_column_type(st, col) == SDB_NULL) {
		cJSON_AddNullToObject(o, name);
		return;
	}
	char t[21];
	proto_time_format(sdb_column_int64(st, col), t);
	cJSON_AddStringToObject(o, name, t);
}

static bool add_photos(sdb *db, const char *id, cJSON *o)
{
	sdb_stmt *st;
	cJSON *photos = cJSON_AddArrayToObject(o, "photos");
	if (sdb_prepare(db, "SELECT kind, sha256, size, lat, lon, taken_at, "
		"NOT EXISTS (SELECT 1 FROM waiting_photos w WHERE w.verification_id = p.verification_id "
		"AND w.sha256 = p.sha256) FROM verification_photos p WHERE verification_id = ? ORDER BY CASE kind "
		"WHEN 'ktp' THEN 0 WHEN 'kk' THEN 1 ELSE 2 END", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, id, -1, SDB_STATIC);
	int rc;
	while ((rc = sdb_step(st)) == SDB_ROW) {
		cJSON *p = cJSON_CreateObject();
		char url[128];
		snprintf(url, sizeof url, "/photos/%s/%s", id, text_col(st, 0));
		cJSON_AddStringToObject(p, "kind", text_col(st, 0));
		cJSON_AddStringToObject(p, "url", url);
		cJSON_AddStringToObject(p, "sha256", text_col(st, 1));
		cJSON_AddNumberToObject(p, "size", (double)sdb_column_int64(st, 2));
		add_coord(p, st, 3);
		cJSON_AddStringToObject(p, "taken_at", text_col(st, 5));
		/* false: the record came before this photo, which has not arrived */
		cJSON_AddBoolToObject(p, "arrived", sdb_column_int(st, 6) != 0);
		cJSON_AddItemToArray(photos, p);
	}
	sdb_finalize(st);
	return rc == SDB_DONE;
}

/* the record's reviews, oldest first; who: the supervisor, "" for `review` */
static bool add_history(sdb *db, const char *id, cJSON *o)
{
	sdb_stmt *st;
	cJSON *list = cJSON_AddArrayToObject(o, "history");
	if (sdb_prepare(db, "SELECT outcome, note, at, reviewer FROM review_log "
		"WHERE verification_id = ? ORDER BY id", -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, id, -1, SDB_STATIC);
	int rc;
	while ((rc = sdb_step(st)) == SDB_ROW) {
		cJSON *h = cJSON_CreateObject();
		cJSON_AddStringToObject(h, "outcome", text_col(st, 0));
		cJSON_AddStringToObject(h, "note", text_col(st, 1));
		add_time(h, "at", st, 2);
		cJSON_AddStringToObject(h, "reviewer", text_col(st, 3));
		cJSON_AddItemToArray(list, h);
	}
	sdb_finalize(st);
	return rc == SDB_DONE;
}

static cJSON *flag_list(unsigned flags, enum web_lang lang)
{
	cJSON *a = cJSON_CreateArray();
	for (int f = 0; a != NULL && f < FLAG_COUNT; f++) {
		if (!(flags & (1u << f)))
			continue;
		cJSON *item = cJSON_CreateObject();
		cJSON_AddStringToObject(item, "code", flag_code((enum flag)f));
		cJSON_AddStringToObject(item, "message", web_flag_message(lang, (enum flag)f));
		cJSON_AddItemToArray(a, item);
	}
	return a;
}

#define RECORD_SQL \
	"SELECT v.id, v.nik, v.kk, v.name, v.address, v.kelurahan, v.decision, v.reason, " \
	"v.reason_text, v.notes, v.lat, v.lon, v.coord_source, v.coord_reason, o.name, v.device, " \
	"v.finalised_at, v.received_at, v.flags, v.review, v.review_note, v.reviewed_at, " \
	"v.supersedes, v.superseded_by, v.in_registry, " WAITING_SQL " " \
	"FROM verifications v JOIN operators o ON o.id = v.operator_id WHERE v.id = ?"

static cJSON *record_object(sdb_stmt *st, const struct web_session *s, enum web_lang lang)
{
	cJSON *o = cJSON_CreateObject();
	static const char *const plain[] = { "id", "nik", "kk", "name", "address" };
	for (int i = 0; i < 5; i++)
		cJSON_AddStringToObject(o, plain[i], text_col(st, i));
	const struct wilayah_kelurahan *k = wilayah_kelurahan_find(text_col(st, 5));
	cJSON *kj = cJSON_AddObjectToObject(o, "kelurahan");
	cJSON_AddStringToObject(kj, "code", text_col(st, 5));
	cJSON_AddStringToObject(kj, "name", k != NULL ? k->name : "");
	cJSON_AddStringToObject(kj, "kecamatan", k != NULL ? k->kecamatan_name : "");
	if (k != NULL)          /* its outline, for the record's small map */
		cJSON_AddItemToObject(kj, "outline", kelurahan_geometry(k));
	cJSON_AddStringToObject(o, "decision", text_col(st, 6));
	add_outcome(o, text_col(st, 6), text_col(st, 7), lang);
	cJSON_AddStringToObject(o, "reason_text", text_col(st, 8));
	cJSON_AddStringToObject(o, "notes", text_col(st, 9));
	add_coord(o, st, 10);
	cJSON_AddStringToObject(o, "coord_source", text_col(st, 12));
	cJSON_AddStringToObject(o, "coord_reason", text_col(st, 13));
	cJSON_AddStringToObject(o, "operator", text_col(st, 14));
	cJSON_AddStringToObject(o, "device", text_col(st, 15));
	add_time(o, "finalised_at", st, 16);
	add_time(o, "received_at", st, 17);
	cJSON_AddItemToObject(o, "flags", flag_list((unsigned)sdb_column_int(st, 18), lang));
	cJSON *review = cJSON_AddObjectToObject(o, "review");
	cJSON_AddStringToObject(review, "outcome", text_col(st, 19));
	cJSON_AddStringToObject(review, "note", text_col(st, 20));
	add_time(review, "at", st, 21);
	cJSON_AddStringToObject(o, "supersedes", text_col(st, 22));
	cJSON_AddStringToObject(o, "superseded_by", text_col(st, 23));
	cJSON_AddBoolToObject(o, "in_registry", sdb_column_int(st, 24) != 0);
	cJSON_AddNumberToObject(o, "photos_waiting", sdb_column_int(st, 25));
	/* the scope was checked before: whoever may open it may review it */
	cJSON_AddBoolToObject(o, "can_review", supervisor_covers(&s->who, text_col(st, 5)));
	return o;
}

void web_record_json(const struct web_session *s, const char *id, struct reply *out,
	enum web_lang lang)
{
	if (!record_in_scope(s, id, out, lang))
		return;
	sdb *db = db_thread();
	sdb_stmt *st;
	if (db == NULL || !db_begin_read(db)
		|| sdb_prepare(db, RECORD_SQL, -1, &st, NULL) != SDB_OK) {
		db_problem(out, db, lang);
		if (db != NULL)
			db_rollback(db);
		return;
	}
	sdb_bind_text(st, 1, id, -1, SDB_STATIC);
	cJSON *o = sdb_step(st) == SDB_ROW ? record_object(st, s, lang) : NULL;
	sdb_finalize(st);
	if (o == NULL || !add_photos(db, id, o) || !add_history(db, id, o)) {
		cJSON_Delete(o);
		db_problem(out, db, lang);
		db_rollback(db);
		return;
	}
	db_rollback(db);
	reply_object(out, o, lang);
}

/* ---------------------------------------------------------------- review */

struct web_review_write {
	const char *id, *outcome, *note, *scope, *reviewer;
	bool found, in_scope, photos_waiting;
};

/* inside db_write: the scope is checked again on the writer's view */
static bool write_review(sdb *db, void *ctx)
{
	struct web_review_write *w = ctx;
	sdb_stmt *st;
	if (!ledger_review_allowed(db, w->id, w->outcome, &w->photos_waiting))
		return false;
	if (sdb_prepare(db, "SELECT count(*) FROM verifications v WHERE v.id = ?2 AND "
		IN_SCOPE, -1, &st, NULL) != SDB_OK)
		return false;
	sdb_bind_text(st, 1, w->scope, -1, SDB_STATIC);
	sdb_bind_text(st, 2, w->id, -1, SDB_STATIC);
	w->in_scope = sdb_step(st) == SDB_ROW && sdb_column_int(st, 0) == 1;
	sdb_finalize(st);
	if (!w->in_scope)
		return false;
	return ledger_review(db, w->id, w->outcome, w->note, w->reviewer, util_now(), &w->found)
		&& w->found;
}

void web_review(const struct web_session *s, const char *id, const char *body, size_t len,
	struct reply *out, enum web_lang lang)
{
	if (!record_in_scope(s, id, out, lang))
		return;
	cJSON *in = body != NULL ? cJSON_ParseWithLength(body, len) : NULL;
	const cJSON *outcome = cJSON_GetObjectItemCaseSensitive(in, "outcome");
	const cJSON *note = cJSON_GetObjectItemCaseSensitive(in, "note");
	if (!cJSON_IsString(outcome) || !review_outcome_valid(outcome->valuestring)
		|| (note != NULL && !cJSON_IsString(note))
		|| (note != NULL && (strlen(note->valuestring) >= RECORD_TEXT_MAX
			|| !format_text(note->valuestring, true)))) {
		cJSON_Delete(in);
		web_problem(out, lang, 422, "invalid_field", S_BAD_REVIEW);
		return;
	}
	struct web_review_write w = { id, outcome->valuestring,
		note != NULL ? note->valuestring : "", s->who.scope, s->who.name, false, false, false };
	enum db_write_result wr = db_write(write_review, &w);
	cJSON_Delete(in);
	if (w.photos_waiting)
		web_problem(out, lang, 409, "photos_waiting", S_CONFIRM_WAITING);
	else if (!w.in_scope)
		web_problem(out, lang, 403, "out_of_scope", S_FORBIDDEN);
	else if (wr != DB_WRITE_OK || !w.found)
		web_problem(out, lang, wr == DB_WRITE_BUSY ? 503 : 500, wr == DB_WRITE_BUSY ? "busy"
			: "internal", wr == DB_WRITE_BUSY ? S_BUSY : S_SERVER_ERROR);
	else
		web_record_json(s, id, out, lang);
}
