#include "config.h"
#include "geo.h"

#include <math.h>
#include <stdint.h>

/* IUGG mean Earth radius */
#define EARTH_RADIUS_M 6371008.8
#define DEG_TO_RAD (M_PI / 180.0)
#define METRES_PER_DEGREE (EARTH_RADIUS_M * DEG_TO_RAD)
/* (0, 0) within about a centimetre: the "no fix" placeholder of cameras */
#define NULL_ISLAND_DEG 1e-7
#define MAX_INT_DIGITS 3
#define MAX_FRAC_DIGITS 15
#define MAX_TYPED_DIGITS 30

double geo_distance_m(double lat1, double lon1, double lat2, double lon2)
{
	double p1 = lat1 * DEG_TO_RAD, p2 = lat2 * DEG_TO_RAD;
	double dp = p2 - p1, dl = (lon2 - lon1) * DEG_TO_RAD;
	double h = sin(dp / 2) * sin(dp / 2) + cos(p1) * cos(p2) * sin(dl / 2) * sin(dl / 2);
	return 2 * EARTH_RADIUS_M * asin(fmin(1.0, sqrt(h)));
}

bool geo_valid(double lat, double lon)
{
	if (!isfinite(lat) || !isfinite(lon))
		return false;
	if (lat < -90 || lat > 90 || lon < -180 || lon > 180)
		return false;
	return !(fabs(lat) < NULL_ISLAND_DEG && fabs(lon) < NULL_ISLAND_DEG);
}

/* Ray casting towards +lon: inside when the ray crosses the ring an odd
 * number of times.  The ring is closed (last point = first), so its last
 * "edge" has zero length and never counts. */
static bool ring_contains(const struct wilayah_point *ring, size_t n, double lat, double lon)
{
	bool inside = false;
	for (size_t i = 0, j = n - 1; i < n; j = i++) {
		double yi = ring[i].lat, yj = ring[j].lat;
		if ((yi > lat) != (yj > lat)) {
			double x = ring[j].lon + (lat - yj) * (ring[i].lon - ring[j].lon) / (yi - yj);
			if (lon < x)
				inside = !inside;
		}
	}
	return inside;
}

static bool in_box(const struct wilayah_kelurahan *k, double lat, double lon, double margin_lat,
	double margin_lon)
{
	return lat >= k->min_lat - margin_lat && lat <= k->max_lat + margin_lat &&
		lon >= k->min_lon - margin_lon && lon <= k->max_lon + margin_lon;
}

static bool kelurahan_contains(const struct wilayah_kelurahan *k, double lat, double lon)
{
	return in_box(k, lat, lon, 0, 0) && ring_contains(k->ring, k->ring_len, lat, lon);
}

const struct wilayah_kelurahan *geo_kelurahan_at(double lat, double lon)
{
	if (!isfinite(lat) || !isfinite(lon))
		return NULL;
	size_t n = wilayah_kelurahan_count();
	for (size_t i = 0; i < n; i++) {
		const struct wilayah_kelurahan *k = wilayah_kelurahan_at(i);
		if (kelurahan_contains(k, lat, lon))
			return k;
	}
	return NULL;
}

/* Metres from the point to the nearest edge, on a plane tangent at the
 * point: at a few kilometres the error is far below the polygons' own. */
static double ring_edge_distance_m(const struct wilayah_point *ring, size_t n, double lat, double lon)
{
	double ky = METRES_PER_DEGREE, kx = METRES_PER_DEGREE * cos(lat * DEG_TO_RAD);
	double best = INFINITY;
	for (size_t i = 1; i < n; i++) {
		double ax = (ring[i - 1].lon - lon) * kx, ay = (ring[i - 1].lat - lat) * ky;
		double dx = (ring[i].lon - lon) * kx - ax, dy = (ring[i].lat - lat) * ky - ay;
		double len2 = dx * dx + dy * dy;
		double t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
		t = fmax(0.0, fmin(1.0, t));
		best = fmin(best, hypot(ax + t * dx, ay + t * dy));
	}
	return best;
}

double geo_distance_to_kelurahan_m(const struct wilayah_kelurahan *k, double lat, double lon)
{
	if (k == NULL || !isfinite(lat) || !isfinite(lon))
		return INFINITY;
	if (kelurahan_contains(k, lat, lon))
		return 0;
	return ring_edge_distance_m(k->ring, k->ring_len, lat, lon);
}

bool geo_in_kota_tangerang(double lat, double lon)
{
	if (!geo_valid(lat, lon))
		return false;
	if (geo_kelurahan_at(lat, lon) != NULL)
		return true;
	/* in a sliver gap between the simplified polygons */
	double margin_lat = GEO_GAP_M / METRES_PER_DEGREE;
	double margin_lon = margin_lat / cos(lat * DEG_TO_RAD);
	size_t n = wilayah_kelurahan_count();
	for (size_t i = 0; i < n; i++) {
		const struct wilayah_kelurahan *k = wilayah_kelurahan_at(i);
		if (in_box(k, lat, lon, margin_lat, margin_lon) &&
		    ring_edge_distance_m(k->ring, k->ring_len, lat, lon) <= GEO_GAP_M)
			return true;
	}
	return false;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

/* Not strtod: that follows LC_NUMERIC (a comma in id_ID) and accepts
 * exponents, hex, "nan" and "inf". */
bool geo_parse_degrees(const char *text, double *out)
{
	static const double pow10[MAX_FRAC_DIGITS + 1] = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6,
		1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15 };
	if (text == NULL)
		return false;
	const char *p = skip_blanks(text);
	bool negative = *p == '-';
	if (*p == '-' || *p == '+')
		p++;
	uint64_t mantissa = 0;
	int int_digits = 0, frac_digits = 0, scale = 0;
	for (; is_digit(*p); p++, int_digits++) {
		if (int_digits == MAX_INT_DIGITS)
			return false;
		mantissa = mantissa * 10 + (uint64_t)(*p - '0');
	}
	if (int_digits == 0)
		return false;
	if (*p == '.' || *p == ',') {
		p++;
		for (; is_digit(*p); p++, frac_digits++) {
			if (frac_digits == MAX_TYPED_DIGITS)
				return false;
			if (scale < MAX_FRAC_DIGITS) {
				mantissa = mantissa * 10 + (uint64_t)(*p - '0');
				scale++;
			}
		}
		if (frac_digits == 0)
			return false;
	}
	if (*skip_blanks(p) != '\0')
		return false;
	double v = (double)mantissa / pow10[scale];
	if (v > 180)
		return false;
	*out = negative ? -v : v;
	return true;
}

bool geo_kelurahan_inner_point(const struct wilayah_kelurahan *k, double *lat, double *lon)
{
	enum { STEPS = 24 };
	double best = -1.0;
	for (int i = 1; i < STEPS; i++)
		for (int j = 1; j < STEPS; j++) {
			double la = k->min_lat + (k->max_lat - k->min_lat) * i / STEPS;
			double lo = k->min_lon + (k->max_lon - k->min_lon) * j / STEPS;
			if (geo_kelurahan_at(la, lo) != k)
				continue;
			double inside = ring_edge_distance_m(k->ring, k->ring_len, la, lo);
			if (inside > best) {
				best = inside;
				*lat = la;
				*lon = lo;
			}
			if (best >= 100.0)
				return true;
		}
	return best >= 0.0;
}
