/* mkphotos: JPEGs the size of a phone's photos, for the benchmarks.
 *   mkphotos DIR COUNT SIZE [LAT LON]
 * writes DIR/p0000.jpg ... : EXIF from libexif (GPS, time, orientation, as
 * a phone writes them), a comment that makes every file's bytes (and hash)
 * different, and a real 1x1 image whose scan data is padded to SIZE bytes
 * with pseudo-random bytes (no 0xFF, so no marker appears in it: a reader
 * that walks segments meets what it meets in a real photo).  The default
 * position is in Kota Tangerang (Kelurahan Sukarasa). */
#include "config.h"
#include "photo_builder.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void to_dms(double deg, uint32_t out[6])
{
	double a = fabs(deg);
	double d = floor(a), m = floor((a - d) * 60.0);
	double s = ((a - d) * 60.0 - m) * 60.0;
	out[0] = (uint32_t)d; out[1] = 1;
	out[2] = (uint32_t)m; out[3] = 1;
	out[4] = (uint32_t)llround(s * 10000.0); out[5] = 10000;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static unsigned rng_byte(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (unsigned)(rng_state >> 24) & 0xFF;
}

static int write_photo(const char *path, size_t size, double lat, double lon, unsigned n)
{
	struct exif_spec e = { .le = true, .gps = true, .alt = true, .alt_num = 23,
		.alt_den = 1, .alt_ref = 0, .gps_date = "2025:03:14",
		.gps_time = { 2, 1, 21, 1, 5, 1 }, .taken_at = "2025:03:14 09:21:05",
		.orientation = 1 };
	to_dms(lat, e.lat);
	to_dms(lon, e.lon);
	e.lat_ref = lat < 0 ? "S" : "N";
	e.lon_ref = lon < 0 ? "W" : "E";
	struct buf tiff = { 0 }, jpeg = { 0 };
	jpeg_begin(&jpeg);
	exif_build_libexif(&e, &tiff);
	jpeg_exif(&jpeg, &tiff);
	char salt[64];
	snprintf(salt, sizeof salt, "sigacor bench photo %u", n);
	jpeg_segment(&jpeg, 0xFE, salt, strlen(salt));
	jpeg_image(&jpeg);
	/* jpeg ends with the scan data and EOI (FF D9): pad the scan data */
	jpeg.len -= 2;
	unsigned char chunk[4096];
	while (jpeg.len + 2 < size) {
		size_t k = size - 2 - jpeg.len;
		if (k > sizeof chunk)
			k = sizeof chunk;
		for (size_t i = 0; i < k; i++) {
			unsigned b = rng_byte();
			chunk[i] = (unsigned char)(b == 0xFF ? 0xFE : b);
		}
		buf_add(&jpeg, chunk, k);
	}
	static const unsigned char eoi[2] = { 0xFF, 0xD9 };
	buf_add(&jpeg, eoi, 2);
	FILE *f = fopen(path, "wb");
	int ok = f != NULL && fwrite(jpeg.p, 1, jpeg.len, f) == jpeg.len;
	if (f != NULL && fclose(f) != 0)
		ok = 0;
	buf_free(&tiff);
	buf_free(&jpeg);
	return ok;
}

int main(int argc, char **argv)
{
	if (argc != 4 && argc != 6) {
		fprintf(stderr, "usage: mkphotos DIR COUNT SIZE [LAT LON]\n");
		return 2;
	}
	long count = strtol(argv[2], NULL, 10);
	long size = strtol(argv[3], NULL, 10);
	double lat = argc == 6 ? strtod(argv[4], NULL) : -6.1783;
	double lon = argc == 6 ? strtod(argv[5], NULL) : 106.6319;
	if (count <= 0 || count > 100000 || size < 1024 || size > (1L << 30)) {
		fprintf(stderr, "mkphotos: COUNT 1-100000, SIZE 1 KiB - 1 GiB\n");
		return 2;
	}
	for (long i = 0; i < count; i++) {
		char path[4096];
		snprintf(path, sizeof path, "%s/p%04ld.jpg", argv[1], i);
		if (!write_photo(path, (size_t)size, lat, lon, (unsigned)i)) {
			perror(path);
			return 1;
		}
	}
	return 0;
}
