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

/* Inside the union of the 104 kelurahan polygons. */
bool geo_in_kota_tangerang(double lat, double lon);

/* Plausible WGS84 coordinates (finite, within ranges, not the 0,0 placeholder). */
bool geo_valid(double lat, double lon);

/* Parse a decimal-degree coordinate as typed by a clerk ("-6.1783", also with
 * a comma as the decimal mark "-6,1783").  false on anything else. */
bool geo_parse_degrees(const char *text, double *out);

#endif
