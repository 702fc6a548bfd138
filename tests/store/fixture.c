#include "config.h"
#include "fixture.h"
#include "unit/photo_builder.h"

#include <fcntl.h>
#include <ftw.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool fixture_tmpdir(const char *name, char *buf, size_t len)
{
	const char *top = getenv("top_builddir");
	char base[4096];
	snprintf(base, sizeof base, "%s/tests/tmp", top != NULL && top[0] != '\0' ? top : ".");
	mkdir(base, 0700);
	if (snprintf(buf, len, "%s/%s.XXXXXX", base, name) >= (int)len)
		return false;
	return mkdtemp(buf) != NULL;
}

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(path);
}

void fixture_rmdir(const char *path)
{
	nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

bool fixture_write(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL)
		return false;
	bool ok = fwrite(data, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

bool fixture_write_text(const char *path, const char *text)
{
	return fixture_write(path, text, strlen(text));
}

/* degrees, minutes, seconds as numerator/denominator pairs */
static void to_dms(double v, uint32_t out[6])
{
	v = fabs(v);
	double deg = floor(v), min = floor((v - deg) * 60);
	double sec = ((v - deg) * 60 - min) * 60;
	uint32_t d[6] = { (uint32_t)deg, 1, (uint32_t)min, 1, (uint32_t)llround(sec * 10000), 10000 };
	memcpy(out, d, sizeof d);
}

bool fixture_jpeg(const char *path, const struct fixture_photo *spec)
{
	struct exif_spec e = { .le = true, .gps = spec->gps, .alt_ref = -1,
		.taken_at = spec->taken_at };
	if (spec->gps) {
		to_dms(spec->lat, e.lat);
		to_dms(spec->lon, e.lon);
		e.lat_ref = spec->lat < 0 ? "S" : "N";
		e.lon_ref = spec->lon < 0 ? "W" : "E";
	}
	struct buf tiff = { 0 }, jpeg = { 0 };
	jpeg_begin(&jpeg);
	if (spec->gps || spec->taken_at != NULL) {
		exif_build_libexif(&e, &tiff);
		jpeg_exif(&jpeg, &tiff);
	}
	if (spec->salt != NULL)
		jpeg_segment(&jpeg, 0xFE, spec->salt, strlen(spec->salt));
	jpeg_image(&jpeg);
	bool ok = fixture_write(path, jpeg.p, jpeg.len);
	buf_free(&tiff);
	buf_free(&jpeg);
	return ok;
}
