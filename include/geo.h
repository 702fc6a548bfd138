/* geo: points, distances and the Kota Tangerang polygons (core, pure). */
#ifndef SIGACOR_GEO_H
#define SIGACOR_GEO_H

#include <stdbool.h>
#include "wilayah.h"

/* Great-circle distance in metres (haversine, mean Earth radius). */
double geo_distance_m(double lat1, double lon1, double lat2, double lon2);

/* The Kota Tangerang kelurahan whose polygon contains the point, or NULL.
 * Where slivers of two polygons overlap, the first in code order wins. */
const struct wilayah_kelurahan *geo_kelurahan_at(double lat, double lon);

/* Inside the union of the 104 kelurahan polygons, or within GEO_GAP_M of
 * one of them.  The simplified polygons leave thin gaps between neighbours
 * (and pinched notches); a house there is in the city.  The price is a 30 m
 * wider outer edge, well inside the polygons' own error there (their union
 * differs from the official outline by about 5% of the area). */
#define GEO_GAP_M 30.0
bool geo_in_kota_tangerang(double lat, double lon);

/* Metres from the point to the kelurahan's polygon: 0 inside, else to the
 * nearest edge; INFINITY for a NULL kelurahan or coordinates not finite.
 * The polygons are simplified: within ~50 m of an edge the kelurahan of a
 * point is uncertain (assets/wilayah/SOURCES.md). */
double geo_distance_to_kelurahan_m(const struct wilayah_kelurahan *k, double lat, double lon);

/* Plausible WGS84 coordinates (finite, within ranges, not the 0,0 placeholder). */
bool geo_valid(double lat, double lon);

/* A point inside kelurahan k, at least 100 m from its edge when it has
 * one (the grid point of its bounding box farthest inside): for demo and
 * test data.  false when none was found. */
bool geo_kelurahan_inner_point(const struct wilayah_kelurahan *k, double *lat, double *lon);

/* Parse a decimal-degree coordinate as typed by a clerk ("-6.1783", also with
 * a comma as the decimal mark "-6,1783"; spaces around are ignored; at most
 * 3 digits before the mark; digits beyond the 15th decimal are ignored).
 * false, and *out untouched, on anything else: empty, letters, exponents,
 * "nan"/"inf", trailing junk, or beyond +-180.  Independent of the locale. */
bool geo_parse_degrees(const char *text, double *out);

#endif
