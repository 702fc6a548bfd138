/* copybench: the smaller copy of a photo (photo_copy_make), for make bench.
 *   copybench make OUT SEED      a 4000x3000 phone-like photo (smooth light,
 *                                 edges, sensor noise; EXIF with GPS, time,
 *                                 orientation) at quality 92: about 4 MB
 *   copybench copy FILE [OUT]    make the copy as attaching does; prints
 *                                 "ORIGINAL_BYTES COPY_BYTES WxH"
 * Timing is runstat's (a process, as the anchor djpeg | cjpeg is). */
#include "config.h"
#include "photo.h"

#include <libexif/exif-data.h>
#include <libexif/exif-utils.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#define W 4000
#define H 3000

static ExifEntry *add(ExifData *ed, ExifIfd ifd, ExifTag tag, ExifFormat f, unsigned n)
{
	ExifEntry *e = exif_entry_new();
	e->tag = tag;
	e->format = f;
	e->components = n;
	e->size = exif_format_get_size(f) * n;
	e->data = calloc(1, e->size);
	exif_content_add_entry(ed->ifd[ifd], e);
	exif_entry_unref(e);
	return e;
}

static void rationals(ExifEntry *e, ExifByteOrder o, const unsigned *v)
{
	for (unsigned i = 0; i < e->components; i++)
		exif_set_rational(e->data + 8 * i, o, (ExifRational){ v[2 * i], v[2 * i + 1] });
}

static void phone_exif(unsigned seed, unsigned char **out, unsigned *len)
{
	ExifData *ed = exif_data_new();
	ExifByteOrder o = EXIF_BYTE_ORDER_INTEL;
	exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	exif_data_set_byte_order(ed, o);
	exif_set_short(add(ed, EXIF_IFD_0, EXIF_TAG_ORIENTATION, EXIF_FORMAT_SHORT, 1)->data, o, 1);
	memcpy(add(ed, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL, EXIF_FORMAT_ASCII, 20)->data,
		"2025:03:14 09:21:05", 20);
	memcpy(add(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE_REF, EXIF_FORMAT_ASCII, 2)->data, "S", 2);
	memcpy(add(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE_REF, EXIF_FORMAT_ASCII, 2)->data, "E", 2);
	unsigned lat[6] = { 6, 1, 10, 1, 1428 + seed % 100, 100 };
	unsigned lon[6] = { 106, 1, 37, 1, 4521, 100 };
	rationals(add(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE, EXIF_FORMAT_RATIONAL, 3), o, lat);
	rationals(add(ed, EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE, EXIF_FORMAT_RATIONAL, 3), o, lon);
	exif_data_save_data(ed, out, len);
	exif_data_unref(ed);
}

static int make(const char *path, unsigned seed)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL) {
		perror(path);
		return 1;
	}
	struct jpeg_compress_struct ci;
	struct jpeg_error_mgr err;
	ci.err = jpeg_std_error(&err);
	jpeg_create_compress(&ci);
	jpeg_stdio_dest(&ci, f);
	ci.image_width = W;
	ci.image_height = H;
	ci.input_components = 3;
	ci.in_color_space = JCS_RGB;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, 92, TRUE);
	ci.write_JFIF_header = FALSE;
	jpeg_start_compress(&ci, TRUE);
	unsigned char *app1;
	unsigned app1_len;
	phone_exif(seed, &app1, &app1_len);
	jpeg_write_marker(&ci, JPEG_APP0 + 1, app1, app1_len);
	free(app1);
	unsigned char *row = malloc(W * 3);
	unsigned rng = seed * 2654435761u + 1;
	for (int y = 0; y < H; y++) {
		for (int x = 0; x < W; x++) {
			/* a wall, a roof edge, a window, light falling off, noise */
			int base = y < H / 3 + x / 10 ? 170 : 120;
			if (x > 1500 && x < 2300 && y > 1400 && y < 2200)
				base = 60;
			base += (x + y) / 200 - 20;
			for (int c = 0; c < 3; c++) {
				rng = rng * 1103515245u + 12345u;
				/* texture at the scale of leaves and bricks (survives
				 * the downscale, as in a real photo) and sensor noise */
				unsigned cell = ((unsigned)(x / 5) * 73856093u) ^
					((unsigned)(y / 5) * 19349663u) ^ seed;
				cell = (cell ^ (cell >> 13)) * 1274126177u;
				int v = base + (c == 0 ? 10 : c == 2 ? -10 : 0) +
					(int)((cell >> 20) % 41) - 20 +
					(int)((rng >> 16) % 21) - 10;
				row[x * 3 + c] = (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
			}
		}
		JSAMPROW r = row;
		jpeg_write_scanlines(&ci, &r, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	free(row);
	return fclose(f) == 0 ? 0 : 1;
}

static int copy(const char *path, const char *out)
{
	struct photo_facts facts;
	struct photo_copy c;
	struct photo_copy_options opt = { PHOTO_COPY_LONG_SIDE, PHOTO_COPY_QUALITY };
	enum photo_error e = photo_read(path, PHOTO_READ_EXIF, &facts);
	if (e == PHOTO_ERR_NONE)
		e = photo_copy_make(path, &facts, &opt, &c);
	if (e != PHOTO_ERR_NONE) {
		fprintf(stderr, "%s: %s\n", path, photo_error_code(e));
		return 1;
	}
	size_t len = c.data != NULL ? c.len : (size_t)facts.size;
	printf("%lld %zu %dx%d\n", (long long)facts.size, len, c.width, c.height);
	if (out != NULL && c.data != NULL) {
		FILE *f = fopen(out, "wb");
		if (f == NULL || fwrite(c.data, 1, c.len, f) != c.len || fclose(f) != 0)
			return 1;
	}
	photo_copy_free(&c);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "make") == 0)
		return make(argv[2], (unsigned)strtoul(argv[3], NULL, 10));
	if ((argc == 3 || argc == 4) && strcmp(argv[1], "copy") == 0)
		return copy(argv[2], argc == 4 ? argv[3] : NULL);
	fprintf(stderr, "usage: copybench make OUT SEED | copybench copy FILE [OUT]\n");
	return 2;
}
