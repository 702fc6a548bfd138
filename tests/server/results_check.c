/* results_check: the report tests' geography, judged by core's own
 * point-in-polygon (never by the code under test).
 *   results_check inside CODE N     N distinct points well inside the kelurahan, "lat lon" a line
 *   results_check houses FILE       validate a houses GeoJSON (RFC 7946); prints the feature count
 *   results_check kelurahan FILE    validate a kelurahan-polygons GeoJSON; prints the feature count
 * Exit 0 when valid, 1 with the reason on stderr. */
#include "config.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo.h"
#include "wilayah.h"

static int fail(const char *what, int index)
{
	fprintf(stderr, "results_check: feature %d: %s\n", index, what);
	return 1;
}

/* well inside: the city's look-up names k, and 20 m away on each side is still k */
static bool well_inside(const struct wilayah_kelurahan *k, double lat, double lon)
{
	const double d = 0.0002;
	return geo_kelurahan_at(lat, lon) == k && geo_distance_to_kelurahan_m(k, lat + d, lon) == 0
		&& geo_distance_to_kelurahan_m(k, lat - d, lon) == 0
		&& geo_distance_to_kelurahan_m(k, lat, lon + d) == 0
		&& geo_distance_to_kelurahan_m(k, lat, lon - d) == 0;
}

/* up to want points of a step x step grid over the bounding box that are
 * well inside; printed when print */
static int grid(const struct wilayah_kelurahan *k, int step, int want, bool print)
{
	int n = 0;
	for (int i = 1; i < step && n < want; i++)
		for (int j = 1; j < step && n < want; j++) {
			double lat = k->min_lat + (k->max_lat - k->min_lat) * i / step;
			double lon = k->min_lon + (k->max_lon - k->min_lon) * j / step;
			if (!well_inside(k, lat, lon))
				continue;
			if (print)
				printf("%.7f %.7f\n", lat, lon);
			n++;
		}
	return n;
}

static int inside(const char *code, int want)
{
	const struct wilayah_kelurahan *k = wilayah_kelurahan_find(code);
	if (k == NULL)
		return fail("unknown kelurahan", 0);
	for (int step = 8; step < 1024; step *= 2)
		if (grid(k, step, want, false) == want) {
			grid(k, step, want, true);
			return 0;
		}
	return fail("not enough points inside", 0);
}

static cJSON *load(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	static char buf[16 << 20];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = '\0';
	return cJSON_ParseWithOpts(buf, NULL, true);
}

/* a GeoJSON position: [lon, lat] with both finite and in range */
static bool position(const cJSON *p, double *lat, double *lon)
{
	if (!cJSON_IsArray(p) || cJSON_GetArraySize(p) != 2)
		return false;
	const cJSON *x = cJSON_GetArrayItem(p, 0), *y = cJSON_GetArrayItem(p, 1);
	if (!cJSON_IsNumber(x) || !cJSON_IsNumber(y))
		return false;
	*lon = x->valuedouble;
	*lat = y->valuedouble;
	return geo_valid(*lat, *lon);
}

static const char *prop_str(const cJSON *props, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(props, name);
	return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* RFC 7946: a FeatureCollection of Features, each with a geometry and properties */
static const cJSON *features(const cJSON *root)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(root, "type");
	if (!cJSON_IsString(type) || strcmp(type->valuestring, "FeatureCollection") != 0)
		return NULL;
	const cJSON *f = cJSON_GetObjectItemCaseSensitive(root, "features");
	return cJSON_IsArray(f) ? f : NULL;
}

/* f is a Feature whose geometry has the type; its coordinates and properties */
static bool feature(const cJSON *f, const char *geometry_type, const cJSON **coords,
	const cJSON **props)
{
	const cJSON *type = cJSON_GetObjectItemCaseSensitive(f, "type");
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(f, "geometry");
	const cJSON *gt = cJSON_GetObjectItemCaseSensitive(g, "type");
	*coords = cJSON_GetObjectItemCaseSensitive(g, "coordinates");
	*props = cJSON_GetObjectItemCaseSensitive(f, "properties");
	return cJSON_IsString(type) && strcmp(type->valuestring, "Feature") == 0
		&& cJSON_IsString(gt) && strcmp(gt->valuestring, geometry_type) == 0
		&& cJSON_IsObject(*props);
}

static int check_houses(const cJSON *list)
{
	int i = 0;
	const cJSON *f, *coords, *props;
	cJSON_ArrayForEach(f, list) {
		double lat, lon;
		if (!feature(f, "Point", &coords, &props) || !position(coords, &lat, &lon))
			return fail("not a Feature with a valid Point [lon, lat]", i);
		if (prop_str(props, "id") == NULL
			|| prop_str(props, "decision") == NULL || prop_str(props, "reason") == NULL)
			return fail("properties id, decision, reason missing", i);
		if (cJSON_GetObjectItemCaseSensitive(props, "nik") != NULL
			|| cJSON_GetObjectItemCaseSensitive(props, "kk") != NULL)
			return fail("a NIK or KK in the properties", i);
		const char *kel = prop_str(props, "kelurahan");
		const struct wilayah_kelurahan *k = kel != NULL ? wilayah_kelurahan_find(kel) : NULL;
		if (k == NULL)
			return fail("no kelurahan property of the city", i);
		if (geo_distance_to_kelurahan_m(k, lat, lon) > 0)
			return fail("the point is outside its kelurahan polygon", i);
		i++;
	}
	printf("%d\n", i);
	return 0;
}

/* twice the signed area of a ring: > 0 counterclockwise (lon as x, lat as y) */
static double ring_area2(const cJSON *ring)
{
	double sum = 0, plat = 0, plon = 0, lat, lon;
	int n = 0;
	const cJSON *p;
	cJSON_ArrayForEach(p, ring) {
		if (!position(p, &lat, &lon))
			return NAN;
		if (n++ > 0)
			sum += plon * lat - lon * plat;
		plat = lat;
		plon = lon;
	}
	return sum;
}

static int check_kelurahan(const cJSON *list)
{
	int i = 0;
	const cJSON *f, *rings, *props;
	cJSON_ArrayForEach(f, list) {
		if (!feature(f, "Polygon", &rings, &props) || !cJSON_IsArray(rings)
			|| cJSON_GetArraySize(rings) < 1)
			return fail("not a Feature with a Polygon", i);
		const cJSON *outer = cJSON_GetArrayItem(rings, 0);
		int n = cJSON_GetArraySize(outer);
		double lat0, lon0, latn, lonn;
		if (n < 4 || !position(cJSON_GetArrayItem(outer, 0), &lat0, &lon0)
			|| !position(cJSON_GetArrayItem(outer, n - 1), &latn, &lonn)
			|| lat0 != latn || lon0 != lonn)
			return fail("the ring is not closed or too short", i);
		if (!(ring_area2(outer) > 0))
			return fail("the exterior ring is not counterclockwise", i);
		const char *code = prop_str(props, "code");
		const struct wilayah_kelurahan *k = code != NULL ? wilayah_kelurahan_find(code) : NULL;
		if (k == NULL || (size_t)n != k->ring_len)
			return fail("code missing or the ring is not that kelurahan's", i);
		if (!cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(props, "assigned"))
			|| !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(props, "verified")))
			return fail("progress figures missing", i);
		i++;
	}
	printf("%d\n", i);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "inside") == 0)
		return inside(argv[2], atoi(argv[3]));
	if (argc != 3 || (strcmp(argv[1], "houses") != 0 && strcmp(argv[1], "kelurahan") != 0)) {
		fprintf(stderr, "usage: results_check inside CODE N | houses FILE | kelurahan FILE\n");
		return 2;
	}
	cJSON *root = load(argv[2]);
	const cJSON *list = root != NULL ? features(root) : NULL;
	int rc = list == NULL ? fail("not a GeoJSON FeatureCollection", 0)
		: strcmp(argv[1], "houses") == 0 ? check_houses(list) : check_kelurahan(list);
	cJSON_Delete(root);
	return rc;
}
