/* geo: distances, the kelurahan at a point, the city test with its gaps,
 * coordinate validity and parsing. */
#include "config.h"
#include "geo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "../tap.h"

/* Points whose kelurahan was read off the official map by hand. */
static const struct {
	double lat, lon;
	const char *code;
} inside[] = {
	{ -6.190364, 106.626122, "36.71.07.1001" },
	{ -6.194249, 106.675098, "36.71.05.1001" },
	{ -6.237315, 106.692357, "36.71.06.1004" },
	{ -6.172383, 106.623062, "36.71.07.1013" },
	{ -6.20103, 106.5738, "36.71.02.1002" },
	{ -6.232498, 106.726981, "36.71.13.1001" },
	{ -6.122567, 106.631375, "36.71.10.1003" },
	{ -6.240541, 106.748313, "36.71.13.1008" },
};

static const struct {
	double lat, lon;
	const char *what;
} outside[] = {
	{ -6.241401, 106.749787, "144 m east of Kreo Selatan" },
	{ -6.270646, 106.714558, "2 km south, Tangerang Selatan" },
	{ 6.159275, 106.668171, "the city's latitude with the sign lost" },
	{ -6.1754, 106.8272, "Monas, Jakarta" },
};

static void test_known_points(void)
{
	for (size_t i = 0; i < sizeof inside / sizeof inside[0]; i++) {
		const struct wilayah_kelurahan *k = geo_kelurahan_at(inside[i].lat, inside[i].lon);
		is_str(k != NULL ? k->code : NULL, inside[i].code, "(%f, %f) in %s", inside[i].lat,
			inside[i].lon, inside[i].code);
		ok(geo_in_kota_tangerang(inside[i].lat, inside[i].lon), "... and in the city");
		ok(geo_distance_to_kelurahan_m(k, inside[i].lat, inside[i].lon) == 0, "... distance 0 to it");
	}
	for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
		ok(geo_kelurahan_at(outside[i].lat, outside[i].lon) == NULL &&
			!geo_in_kota_tangerang(outside[i].lat, outside[i].lon),
			"(%f, %f) outside: %s", outside[i].lat, outside[i].lon, outside[i].what);
	}
	const struct wilayah_kelurahan *kreo = wilayah_kelurahan_find("36.71.13.1008");
	double d = geo_distance_to_kelurahan_m(kreo, -6.241401, 106.749787);
	ok(d > 100 && d < 190, "the point east of Kreo Selatan is %.0f m from its polygon (< 189 m to the "
		"ground-truth point inside)", d);
	ok(isinf(geo_distance_to_kelurahan_m(NULL, -6.2, 106.6)) &&
		isinf(geo_distance_to_kelurahan_m(kreo, NAN, 106.6)), "distance to nothing: infinite");
}

/* The kecamatan centroids of assets/wilayah/kota_tangerang_kecamatan.csv
 * (from the union of their kelurahan) fall inside that kecamatan. */
static void test_centroids(void)
{
	const char *top = getenv("top_srcdir");
	char path[4096];
	snprintf(path, sizeof path, "%s/assets/wilayah/kota_tangerang_kecamatan.csv", top != NULL ? top : ".");
	FILE *f = fopen(path, "rb");
	if (!ok(f != NULL, "open %s", path))
		return;
	struct csv_reader *r = csv_open(f);
	const char **fl;
	size_t n;
	long line;
	csv_next(r, &fl, &n, &line);
	ok(n >= 6 && strcmp(fl[0], "kode") == 0 && strcmp(fl[4], "centroid_lat") == 0 &&
		strcmp(fl[5], "centroid_lon") == 0, "header as expected");
	int rows = 0;
	while (csv_next(r, &fl, &n, &line) == CSV_ROW && n >= 6) {
		double lat, lon;
		rows++;
		if (!ok(geo_parse_degrees(fl[4], &lat) && geo_parse_degrees(fl[5], &lon), "centroid of %s parses", fl[0]))
			continue;
		const struct wilayah_kelurahan *k = geo_kelurahan_at(lat, lon);
		is_str(k != NULL ? k->kecamatan_code : NULL, fl[0], "centroid of kecamatan %s (%s) inside it",
			fl[0], fl[2]);
	}
	is_int(rows, 13, "13 kecamatan");
	csv_free(r);
	fclose(f);
}

static void test_gaps(void)
{
	/* between Gaga (36.71.13.1006) and its neighbours the simplified polygons
	 * leave a sliver: no kelurahan, but the city */
	ok(geo_kelurahan_at(-6.2436, 106.7303) == NULL, "(-6.2436, 106.7303) is in no polygon");
	ok(geo_in_kota_tangerang(-6.2436, 106.7303), "... but counts as in the city");
	ok(geo_kelurahan_at(-6.2444, 106.6997) == NULL && geo_in_kota_tangerang(-6.2444, 106.6997),
		"another sliver (-6.2444, 106.6997)");
	/* a 66 m wide hole near Cipondoh stays a hole: 33 m from every polygon */
	ok(!geo_in_kota_tangerang(-6.1916, 106.7139), "a gap wider than 2 x 30 m is not filled");
	/* slivers overlap too: the first kelurahan in code order wins */
	const struct wilayah_kelurahan *k = geo_kelurahan_at(-6.2459, 106.7304);
	int holders = 0;
	for (size_t i = 0; i < wilayah_kelurahan_count(); i++)
		if (geo_distance_to_kelurahan_m(wilayah_kelurahan_at(i), -6.2459, 106.7304) == 0)
			holders++;
	ok(k != NULL && holders == 2, "(-6.2459, 106.7304) lies in two overlapping polygons");
	for (size_t i = 0; k != NULL && i < wilayah_kelurahan_count(); i++)
		if (geo_distance_to_kelurahan_m(wilayah_kelurahan_at(i), -6.2459, 106.7304) == 0) {
			ok(wilayah_kelurahan_at(i) == k, "... and the first in code order, %s, is returned", k->code);
			break;
		}
}

static void near(double got, double want, double tolerance, const char *what)
{
	ok(fabs(got - want) <= tolerance, "%s: %.3f m (want %.3f)", what, got, want);
}

static void test_distance(void)
{
	/* reference values from an independent haversine with R = 6371008.8 m */
	near(geo_distance_m(0, 0, 1, 0), 111195.080, 0.01, "one degree of latitude");
	near(geo_distance_m(0, 0, 0, 180), 20015114.442, 0.01, "half the equator");
	near(geo_distance_m(-6.1754, 106.8272, -6.184371, 106.651994), 19394.502, 0.01, "Monas to Tangerang");
	near(geo_distance_m(-6.190364, 106.626122, -6.194249, 106.675098), 5431.323, 0.01, "Karawaci to Cipondoh");
	near(geo_distance_m(-6.241401, 106.749787, -6.240541, 106.748313), 188.920, 0.01, "a short hop");
	near(geo_distance_m(51.5007, -0.1246, 48.8584, 2.2945), 340539.390, 0.01, "Big Ben to the Eiffel Tower");
	near(geo_distance_m(-6.2, 106.6, -6.2, 106.6), 0, 0, "same point");
	near(geo_distance_m(90, 0, -90, 0), 20015114.442, 0.01, "pole to pole");
	ok(geo_distance_m(-6.2, 179.9999, -6.2, -179.9999) < 30, "across the antimeridian");
}

static void test_valid(void)
{
	ok(geo_valid(-6.1783, 106.632), "Tangerang is valid");
	ok(geo_valid(90, 180) && geo_valid(-90, -180), "the limits are valid");
	ok(!geo_valid(0, 0), "0,0 placeholder invalid");
	ok(!geo_valid(1e-9, -1e-9), "0,0 up to rounding invalid");
	ok(geo_valid(0, 106.6), "latitude 0 alone is valid");
	ok(!geo_valid(90.0001, 0) && !geo_valid(0, 180.0001) && !geo_valid(-91, 10), "out of range");
	ok(!geo_valid(NAN, 106) && !geo_valid(-6, INFINITY) && !geo_valid(-INFINITY, 0), "not finite");
	ok(geo_kelurahan_at(NAN, NAN) == NULL && !geo_in_kota_tangerang(NAN, 106.63), "NaN is nowhere");
}

static void parses(const char *text, double want)
{
	double v = 12345;
	ok(geo_parse_degrees(text, &v) && v == want, "'%s' -> %.10g (got %.10g)", text, want, v);
}

static void rejects(const char *text)
{
	double v = 12345;
	ok(!geo_parse_degrees(text, &v) && v == 12345, "'%s' rejected, output untouched", text ? text : "(null)");
}

static void test_parse(void)
{
	parses("-6.1783", -6.1783);
	parses("-6,1783", -6.1783);
	parses("106.6320123", 106.6320123);
	parses("+106,63", 106.63);
	parses(" -6.1783 ", -6.1783);
	parses("0", 0);
	parses("180", 180);
	parses("-180.0", -180);
	parses("-6.178312345678901234", -6.178312345678901);
	parses("-6.17831234567890", -6.1783123456789);

	const char *bad[] = { NULL, "", " ", "-", "+", ".5", "-,5", "6.", "6,", "abc", "-6.1783x",
		"-6.1783 x", "1e2", "0x10", "nan", "NaN", "inf", "-infinity", "180.0001", "-181", "1000",
		"-6.17.83", "-6,17,83", "--6", "6 .1", "\xe2\x88\x92" "6.1", "6.1\n7", "106.63.", "-6.1783;" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		rejects(bad[i]);
	char longfrac[64] = "1.";
	memset(longfrac + 2, '5', 40);
	longfrac[42] = '\0';
	rejects(longfrac);
}

int main(void)
{
	test_known_points();
	test_centroids();
	test_gaps();
	test_distance();
	test_valid();
	test_parse();
	return tap_done();
}
