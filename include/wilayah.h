/* wilayah: Kemendagri region codes (all Indonesia, current and retired) and
 * Kota Tangerang's kecamatan and kelurahan with their polygons.  The tables
 * are generated at build time from assets/wilayah/ (src/core/gen-wilayah.c) and
 * compiled in, so the program never looks for data files when it runs. */
#ifndef SIGACOR_WILAYAH_H
#define SIGACOR_WILAYAH_H

#include <stdbool.h>
#include <stddef.h>

#define WILAYAH_KOTA_TANGERANG "36.71"

struct wilayah_region {
	const char *code;       /* dotted Kemendagri code: "36", "36.71", "36.71.01" */
	const char *name;
	bool retired;           /* code of an earlier Permendagri (NIKs keep it) */
};

struct wilayah_point { double lat, lon; };

struct wilayah_kelurahan {
	const char *code;               /* "36.71.01.1001" */
	const char *name;               /* "Sukarasa" */
	const char *kecamatan_code;     /* "36.71.01" */
	const char *kecamatan_name;     /* "Tangerang" */
	const struct wilayah_point *ring;   /* closed polygon ring (WGS84) */
	size_t ring_len;
	double min_lat, min_lon, max_lat, max_lon;   /* bounding box */
};

/* Look-ups by the digits of a NIK prefix: "36", "3671", "367101".
 * NULL when unknown. */
const struct wilayah_region *wilayah_province(const char *digits2);
const struct wilayah_region *wilayah_regency(const char *digits4);
const struct wilayah_region *wilayah_kecamatan(const char *digits6);

/* Kota Tangerang kelurahan */
size_t wilayah_kelurahan_count(void);
const struct wilayah_kelurahan *wilayah_kelurahan_at(size_t i);
/* by dotted code "36.71.01.1001" (also accepts the 10 digits "3671011001") */
const struct wilayah_kelurahan *wilayah_kelurahan_find(const char *code);

#endif
