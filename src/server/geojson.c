/* geojson: `sigacor-server geojson`, the campaign on a map (RFC 7946, opens
 * in QGIS): the verified houses as points, or the kelurahan polygons with
 * their figures (stats.c) as properties.  Positions are [lon, lat] (WGS84),
 * exterior rings counterclockwise.  A house carries no NIK, and no name or
 * address unless --with-names: the file travels further than the database. */
#include "config.h"
#include "server.h"
#include "stats.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wilayah.h"
#include "sdb.h"

enum geojson_layer { LAYER_NONE, LAYER_HOUSES, LAYER_KELURAHAN };

struct geojson_options {
	const char *dir, *out, *wilayah;
	enum geojson_layer layer;
	bool with_names;
};

static void geojson_usage(void)
{
	fprintf(stderr, "%s", _("Pemakaian: sigacor-server geojson --data FOLDER --layer houses|kelurahan\n"
		"        [--with-names] [--wilayah KODE] [--out FILE]\n"));
}

static bool parse_geojson(int argc, char **argv, struct geojson_options *o)
{
	memset(o, 0, sizeof *o);
	const char *layer = NULL;
	const struct command_option options[] = {
		{ "data", &o->dir, NULL, N_("--data FOLDER wajib diisi") },
		{ "layer", &layer, NULL, N_("--layer harus houses atau kelurahan") },
		{ "out", &o->out, NULL, NULL },
		{ "wilayah", &o->wilayah, NULL, NULL },
		{ "with-names", NULL, &o->with_names, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	if (!util_parse_options(argc, argv, options, 0, NULL)) {
		geojson_usage();
		return false;
	}
	o->layer = strcmp(layer, "houses") == 0 ? LAYER_HOUSES
		: strcmp(layer, "kelurahan") == 0 ? LAYER_KELURAHAN : LAYER_NONE;
	if (o->layer == LAYER_NONE) {
		fprintf(stderr, "sigacor-server: %s\n", _("--layer harus houses atau kelurahan"));
		geojson_usage();
		return false;
	}
	return stats_scope_option_ok(o->wilayah);
}

/* ---------------------------------------------------------------- writing */

struct geojson_out {
	FILE *f;
	bool first;
	bool with_names;
	long features;
};

static void begin_collection(struct geojson_out *g)
{
	fputs("{\"type\":\"FeatureCollection\",\"features\":[", g->f);
	g->first = true;
}

/* a Feature: geometry is JSON text already, properties a cJSON object (freed) */
static bool put_feature(struct geojson_out *g, const char *geometry, cJSON *props)
{
	char *p = props != NULL ? cJSON_PrintUnformatted(props) : NULL;
	cJSON_Delete(props);
	if (p == NULL)
		return false;
	fprintf(g->f, "%s\n{\"type\":\"Feature\",\"geometry\":%s,\"properties\":%s}",
		g->first ? "" : ",", geometry, p);
	free(p);
	g->first = false;
	g->features++;
	return true;
}

static void end_collection(struct geojson_out *g)
{
	fputs("\n]}\n", g->f);
}

static bool put_house(const struct stats_household *h, void *ctx)
{
	struct geojson_out *g = ctx;
	if (!h->has_coord)
		return true;
	char geometry[96];
	snprintf(geometry, sizeof geometry, "{\"type\":\"Point\",\"coordinates\":[%.7f,%.7f]}",
		h->lon, h->lat);
	const struct wilayah_kelurahan *k = wilayah_kelurahan_find(h->kelurahan);
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "id", h->id);
	cJSON_AddStringToObject(p, "kelurahan", h->kelurahan);
	cJSON_AddStringToObject(p, "kelurahan_name", k != NULL ? k->name : "");
	cJSON_AddStringToObject(p, "decision", h->decision);
	cJSON_AddStringToObject(p, "reason", h->reason);
	cJSON_AddStringToObject(p, "review", h->review);
	cJSON_AddBoolToObject(p, "flagged", h->flagged);
	if (g->with_names) {
		cJSON_AddStringToObject(p, "name", h->name);
		cJSON_AddStringToObject(p, "address", h->address);
	}
	return put_feature(g, geometry, p);
}

/* [[lon,lat],...] of the ring, counterclockwise (RFC 7946 3.1.6) */
static char *ring_json(const struct wilayah_kelurahan *k)
{
	double area2 = 0;
	for (size_t i = 1; i < k->ring_len; i++)
		area2 += k->ring[i - 1].lon * k->ring[i].lat - k->ring[i].lon * k->ring[i - 1].lat;
	bool reverse = area2 < 0;
	size_t cap = 32 + k->ring_len * 32, len = 0;
	char *buf = malloc(cap);
	if (buf == NULL)
		return NULL;
	len += (size_t)snprintf(buf, cap, "{\"type\":\"Polygon\",\"coordinates\":[[");
	for (size_t i = 0; i < k->ring_len; i++) {
		const struct wilayah_point *pt = &k->ring[reverse ? k->ring_len - 1 - i : i];
		len += (size_t)snprintf(buf + len, cap - len, "%s[%.7f,%.7f]", i > 0 ? "," : "",
			pt->lon, pt->lat);
	}
	snprintf(buf + len, cap - len, "]]}");
	return buf;
}

static bool put_kelurahan(struct geojson_out *g, const struct stats_row *row)
{
	const struct wilayah_kelurahan *k = wilayah_kelurahan_find(row->code);
	char *geometry = k != NULL ? ring_json(k) : NULL;
	if (geometry == NULL)
		return false;
	cJSON *p = cJSON_CreateObject();
	cJSON_AddStringToObject(p, "code", k->code);
	cJSON_AddStringToObject(p, "name", k->name);
	cJSON_AddStringToObject(p, "kecamatan_code", k->kecamatan_code);
	cJSON_AddStringToObject(p, "kecamatan", k->kecamatan_name);
	for (size_t i = 0; i < stats_column_count(); i++)
		cJSON_AddNumberToObject(p, stats_column_key(i), (double)stats_column_value(&row->c, i));
	cJSON_AddNumberToObject(p, "progress_percent", stats_progress_permille(&row->c) / 10.0);
	bool ok = put_feature(g, geometry, p);
	free(geometry);
	return ok;
}

static bool write_layer(sdb *db, const struct geojson_options *o, struct geojson_out *g)
{
	begin_collection(g);
	bool ok = true;
	if (o->layer == LAYER_HOUSES)
		ok = stats_each_household(db, o->wilayah, false, put_house, g);
	else {
		struct stats s;
		ok = stats_collect(db, o->wilayah, &s);
		for (size_t i = 0; ok && i < s.n[STATS_KELURAHAN]; i++)
			ok = put_kelurahan(g, &s.rows[STATS_KELURAHAN][i]);
		stats_free(&s);
	}
	end_collection(g);
	return ok;
}

int geojson_main(int argc, char **argv)
{
	struct geojson_options o;
	if (!parse_geojson(argc, argv, &o))
		return 2;
	sdb *db = results_open(o.dir);
	if (db == NULL)
		return 1;
	struct geojson_out g = { .f = results_out_open(o.out), .with_names = o.with_names };
	bool ok = g.f != NULL && write_layer(db, &o, &g);
	sdb_close(db);
	if (g.f == NULL || !results_out_close(g.f, o.out, ok))
		return 1;
	fprintf(stderr, _("%ld fitur ditulis\n"), g.features);
	return 0;
}
