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

#include <jpeglib.h>

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

int fixture_sqlite_temp_files(void (*each)(const char *link, void *ctx), void *ctx)
{
	int files = 0;
	for (int fd = 3; fd < 256; fd++) {
		char link[64], target[512];
		snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
		ssize_t n = readlink(link, target, sizeof target - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strstr(target, "(deleted)") == NULL || strstr(target, "etilqs") == NULL)
			continue;
		files++;
		each(link, ctx);
	}
	return files;
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

/* A w x h image of smooth colour and some texture, as libjpeg encodes it,
 * after our segments (its own SOI left out). */
static void add_real_image(struct buf *jpeg, int w, int h, bool dark_left)
{
	struct jpeg_compress_struct ci;
	struct jpeg_error_mgr err;
	unsigned char *out = NULL;
	unsigned long out_len = 0;
	unsigned char *row = malloc((size_t)w * 3);
	ci.err = jpeg_std_error(&err);
	jpeg_create_compress(&ci);
	jpeg_mem_dest(&ci, &out, &out_len);
	ci.image_width = (JDIMENSION)w;
	ci.image_height = (JDIMENSION)h;
	ci.input_components = 3;
	ci.in_color_space = JCS_RGB;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, 95, TRUE);
	ci.write_JFIF_header = FALSE;
	jpeg_start_compress(&ci, TRUE);
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++)
			for (int c = 0; c < 3; c++)
				row[x * 3 + c] = dark_left ? (x < w / 2 ? 0 : 255)
					: (unsigned char)((x * (c + 1) / 8 + y * (3 - c) / 8 +
					((x * 7 + y * 13 + c) % 23) * 5) & 0xFF);
		JSAMPROW r = row;
		jpeg_write_scanlines(&ci, &r, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	buf_add(jpeg, out + 2, out_len - 2);
	free(out);
	free(row);
}

bool fixture_jpeg(const char *path, const struct fixture_photo *spec)
{
	struct exif_spec e = { .le = true, .gps = spec->gps, .alt_ref = -1,
		.taken_at = spec->taken_at, .orientation = spec->orientation };
	if (spec->gps) {
		to_dms(spec->lat, e.lat);
		to_dms(spec->lon, e.lon);
		e.lat_ref = spec->lat < 0 ? "S" : "N";
		e.lon_ref = spec->lon < 0 ? "W" : "E";
	}
	struct buf tiff = { 0 }, jpeg = { 0 };
	jpeg_begin(&jpeg);
	if (spec->gps || spec->taken_at != NULL || spec->orientation != 0) {
		exif_build_libexif(&e, &tiff);
		jpeg_exif(&jpeg, &tiff);
	}
	if (spec->salt != NULL)
		jpeg_segment(&jpeg, 0xFE, spec->salt, strlen(spec->salt));
	if (spec->width > 0 && spec->height > 0)
		add_real_image(&jpeg, spec->width, spec->height, spec->dark_left);
	else
		jpeg_image(&jpeg);
	bool ok = fixture_write(path, jpeg.p, jpeg.len);
	buf_free(&tiff);
	buf_free(&jpeg);
	return ok;
}
