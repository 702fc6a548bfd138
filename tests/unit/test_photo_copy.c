/* test_photo_copy: the smaller copy of a photo (photo_copy_make).
 *
 * The real photos of tests/data/photos are made small (so that every one is
 * decoded and encoded again) and their EXIF facts read back from the copy;
 * photos made here with libjpeg cover a phone-sized photo, progressive,
 * CMYK, grey, a cut file, a frame header of 400 MP and a broken frame. */
#include "config.h"
#include "photo.h"
#include "tap.h"
#include "photo_builder.h"

#include <libexif/exif-data.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

struct made {
	unsigned char *p;
	unsigned long len;
};

/* A w x h photo of smooth colour with some texture, in colour space cs,
 * optionally progressive, with the APP1 of app1 (or none). */
static struct made make_jpeg(int w, int h, J_COLOR_SPACE cs, bool progressive,
	const struct buf *app1)
{
	struct jpeg_compress_struct ci;
	struct jpeg_error_mgr err;
	struct made m = { NULL, 0 };
	int comps = cs == JCS_GRAYSCALE ? 1 : cs == JCS_CMYK ? 4 : 3;
	unsigned char *row = malloc((size_t)w * (size_t)comps);
	ci.err = jpeg_std_error(&err);
	jpeg_create_compress(&ci);
	jpeg_mem_dest(&ci, &m.p, &m.len);
	ci.image_width = (JDIMENSION)w;
	ci.image_height = (JDIMENSION)h;
	ci.input_components = comps;
	ci.in_color_space = cs;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, 92, TRUE);
	if (progressive)
		jpeg_simple_progression(&ci);
	jpeg_start_compress(&ci, TRUE);
	if (app1 != NULL)
		jpeg_write_marker(&ci, JPEG_APP0 + 1, app1->p, (unsigned)app1->len);
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++)
			for (int c = 0; c < comps; c++)
				row[x * comps + c] = (unsigned char)((x * (c + 1) + y * (3 - c) +
					((x * 7 + y * 13) % 17) * 4) & 0xFF);
		JSAMPROW r = row;
		jpeg_write_scanlines(&ci, &r, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	free(row);
	return m;
}

/* Frame size and components of a JPEG in memory, by libjpeg. */
static bool jpeg_size(const unsigned char *p, size_t len, int *w, int *h, int *comps)
{
	struct jpeg_decompress_struct ci;
	struct jpeg_error_mgr err;
	ci.err = jpeg_std_error(&err);
	jpeg_create_decompress(&ci);
	jpeg_mem_src(&ci, p, (unsigned long)len);
	bool ok = jpeg_read_header(&ci, TRUE) == JPEG_HEADER_OK;
	*w = (int)ci.image_width;
	*h = (int)ci.image_height;
	*comps = ci.num_components;
	jpeg_destroy_decompress(&ci);
	return ok;
}

static const struct photo_copy_options SMALL = { 64, 80 };
static const struct photo_copy_options DEFAULT = { PHOTO_COPY_LONG_SIDE, PHOTO_COPY_QUALITY };

/* The copy says what the original said: position, altitude, GPS time,
 * taken_at, orientation, to the bit. */
static void facts_equal(const struct photo_facts *a, const struct photo_facts *b,
	const char *what)
{
	ok(a->gps.present == b->gps.present && a->gps.lat == b->gps.lat &&
		a->gps.lon == b->gps.lon, "%s: the position read back equal (%.9f,%.9f / %.9f,%.9f)",
		what, a->gps.lat, a->gps.lon, b->gps.lat, b->gps.lon);
	ok(a->gps.has_alt == b->gps.has_alt && a->gps.alt == b->gps.alt,
		"%s: the altitude read back equal", what);
	is_str(b->gps.time_utc, a->gps.time_utc, "%s: the GPS time read back equal", what);
	is_str(b->taken_at, a->taken_at, "%s: the time taken read back equal", what);
	is_int(b->orientation, a->orientation, "%s: the orientation read back equal", what);
}

/* Nothing but the facts in the copy's EXIF: no thumbnail, no maker note. */
static void exif_is_bare(const struct photo_copy *c, const char *what)
{
	ExifData *ed = exif_data_new();
	bool bare = false;
	if (ed != NULL) {
		/* as it is: not "fixed" with the tags the specification asks for */
		exif_data_unset_option(ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
		exif_data_load_data(ed, c->data, (unsigned)c->len);
		bare = ed->data == NULL && ed->size == 0 && ed->ifd[EXIF_IFD_1]->count == 0 &&
			exif_content_get_entry(ed->ifd[EXIF_IFD_EXIF], EXIF_TAG_MAKER_NOTE) == NULL &&
			ed->ifd[EXIF_IFD_0]->count <= 1 &&   /* the orientation */
			ed->ifd[EXIF_IFD_EXIF]->count <= 1;  /* the time taken */
		tap_diag("%s: IFD 0 %u entries, Exif IFD %u, GPS IFD %u", what,
			ed->ifd[EXIF_IFD_0]->count, ed->ifd[EXIF_IFD_EXIF]->count,
			ed->ifd[EXIF_IFD_GPS]->count);
		exif_data_unref(ed);
	}
	ok(bare, "%s: the copy's EXIF holds the facts only (no thumbnail, no maker note)", what);
}

static void test_corpus(void)
{
	static const char *const files[] = {
		"mei__FujiFilm_FinePixS1Pro_1.jpg", "mei__Samsung_GT-I9000_Galaxy_S.jpg",
		"derived__tng_karangtengah_truncated_exif.jpg", "pillow__hopper_orientation_6.jpg",
	};
	const char *data = getenv("TESTDATA");
	char path[4400];
	for (size_t i = 0; i < N(files); i++) {
		struct photo_facts orig, back;
		struct photo_copy c;
		snprintf(path, sizeof path, "%s/photos/%s", data ? data : "tests/data", files[i]);
		is_int(photo_read(path, PHOTO_READ_EXIF | PHOTO_READ_HASH, &orig), PHOTO_ERR_NONE,
			"%s: read", files[i]);
		enum photo_error e = photo_copy_make(path, &orig, &SMALL, &c);
		if (!ok(e == PHOTO_ERR_NONE && c.data != NULL, "%s: a copy made (%s)", files[i],
			photo_error_code(e)))
			continue;
		int w = 0, h = 0, comps = 0;
		ok(jpeg_size(c.data, c.len, &w, &h, &comps) && (w == 64 || h == 64) &&
			w <= 64 && h <= 64 && w == c.width && h == c.height,
			"%s: the copy is %dx%d, 64 on the long side (said %dx%d)", files[i], w, h,
			c.width, c.height);
		ok(c.orig_width > 64 && c.orig_height > 64, "%s: the original's size kept (%dx%d)",
			files[i], c.orig_width, c.orig_height);
		is_int(photo_read_buffer(c.data, c.len, PHOTO_READ_EXIF, &back), PHOTO_ERR_NONE,
			"%s: the copy reads", files[i]);
		facts_equal(&orig, &back, files[i]);
		exif_is_bare(&c, files[i]);
		photo_copy_free(&c);
	}
}

static struct buf phone_exif(void)
{
	struct exif_spec spec = {
		.le = true, .gps = true,
		.lat = { 6, 1, 10, 1, 1428, 100 }, .lon = { 106, 1, 37, 1, 4521, 100 },
		.lat_ref = "S", .lon_ref = "E",
		.alt = true, .alt_num = 1234, .alt_den = 100, .alt_ref = 0,
		.gps_date = "2025:03:14", .gps_time = { 2, 1, 21, 1, 5, 1 },
		.taken_at = "2025:03:14 09:21:05", .orientation = 6,
	};
	struct buf tiff = { 0 }, app1 = { 0 };
	exif_build_libexif(&spec, &tiff);
	/* exif_build_libexif gives the TIFF; the segment wants its header */
	buf_add(&app1, "Exif\0\0", 6);
	buf_add(&app1, tiff.p, tiff.len);
	buf_free(&tiff);
	return app1;
}

/* A 12 MP photo with a phone's EXIF becomes 1600x1200 with the same facts. */
static void test_phone_photo(void)
{
	struct buf app1 = phone_exif();
	struct made m = make_jpeg(4000, 3000, JCS_RGB, false, &app1);
	struct photo_facts orig, back;
	struct photo_copy c;
	is_int(photo_read_buffer(m.p, m.len, PHOTO_READ_EXIF, &orig), PHOTO_ERR_NONE,
		"12 MP: read");
	ok(orig.gps.present && orig.gps.has_alt && orig.gps.time_utc[0] && orig.taken_at[0] &&
		orig.orientation == 6, "12 MP: every fact there to begin with");
	is_int(photo_copy_make_buffer(m.p, m.len, &orig, &DEFAULT, &c), PHOTO_ERR_NONE,
		"12 MP: copy made");
	ok(c.data != NULL && c.width == 1600 && c.height == 1200 && c.orig_width == 4000 &&
		c.orig_height == 3000, "12 MP: 4000x3000 to %dx%d", c.width, c.height);
	ok(c.data != NULL && c.len < m.len / 3, "12 MP: %zu bytes from %lu", c.len, m.len);
	if (c.data != NULL) {
		is_int(photo_read_buffer(c.data, c.len, PHOTO_READ_EXIF, &back), PHOTO_ERR_NONE,
			"12 MP: the copy reads");
		facts_equal(&orig, &back, "12 MP");
		exif_is_bare(&c, "12 MP");
		struct photo_copy again;
		is_int(photo_copy_make_buffer(m.p, m.len, &orig, &DEFAULT, &again), PHOTO_ERR_NONE,
			"12 MP: copy made again");
		ok(again.len == c.len && memcmp(again.data, c.data, c.len) == 0,
			"12 MP: the same photo gives the same copy (stored once)");
		photo_copy_free(&again);
	}
	photo_copy_free(&c);

	/* a portrait photo: 1600 is its height */
	struct made tall = make_jpeg(1200, 2000, JCS_RGB, false, NULL);
	is_int(photo_read_buffer(tall.p, tall.len, PHOTO_READ_EXIF, &orig), PHOTO_ERR_NONE,
		"portrait: read");
	is_int(photo_copy_make_buffer(tall.p, tall.len, &orig, &DEFAULT, &c), PHOTO_ERR_NONE,
		"portrait: copy made");
	ok(c.width == 960 && c.height == 1600, "portrait: 1200x2000 to %dx%d", c.width, c.height);
	photo_copy_free(&c);
	free(tall.p);

	/* the cut photo: headers whole, image data ending at half */
	size_t cut = m.len / 2;
	is_int(photo_read_buffer(m.p, cut, PHOTO_READ_EXIF, &orig), PHOTO_ERR_NONE,
		"cut: the headers are whole, photo_read takes it");
	is_int(photo_copy_make_buffer(m.p, cut, &orig, &DEFAULT, &c), PHOTO_ERR_TRUNCATED,
		"cut: refused as truncated");
	ok(c.data == NULL, "cut: no copy");
	ok(strstr(photo_error_message(PHOTO_ERR_TRUNCATED), "salin ulang") != NULL,
		"cut: the message tells the clerk what to do");
	free(m.p);
	buf_free(&app1);
}

/* The copy of m is want_w x want_h with want_comps components. */
static void copy_is(struct made m, int want_w, int want_h, int want_comps, const char *what)
{
	struct photo_facts f;
	struct photo_copy c;
	int w = 0, h = 0, comps = 0;
	photo_read_buffer(m.p, m.len, PHOTO_READ_EXIF, &f);
	is_int(photo_copy_make_buffer(m.p, m.len, &f, &DEFAULT, &c), PHOTO_ERR_NONE,
		"%s: copy made", what);
	ok(c.data && jpeg_size(c.data, c.len, &w, &h, &comps) && w == want_w && h == want_h &&
		comps == want_comps, "%s: %dx%d, %d components", what, w, h, comps);
	photo_copy_free(&c);
}

static void test_odd_photos(void)
{
	struct photo_facts f;
	struct photo_copy c;

	struct made prog = make_jpeg(2000, 1500, JCS_RGB, true, NULL);
	copy_is(prog, 1600, 1200, 3, "progressive");
	free(prog.p);
	struct made cmyk = make_jpeg(2400, 100, JCS_CMYK, false, NULL);
	copy_is(cmyk, 1600, 67, 3, "CMYK, in RGB");
	free(cmyk.p);
	struct made grey = make_jpeg(1700, 1000, JCS_GRAYSCALE, false, NULL);
	copy_is(grey, 1600, 941, 1, "grey, one component");

	/* the same bytes with a frame header saying 20000x20000 */
	unsigned char *huge = malloc(grey.len);
	memcpy(huge, grey.p, grey.len);
	for (size_t i = 2; i + 9 < grey.len; i++)
		if (huge[i] == 0xFF && huge[i + 1] == 0xC0) {
			huge[i + 5] = 20000 >> 8; huge[i + 6] = 20000 & 0xFF;
			huge[i + 7] = 20000 >> 8; huge[i + 8] = 20000 & 0xFF;
			break;
		}
	is_int(photo_read_buffer(huge, grey.len, PHOTO_READ_EXIF, &f), PHOTO_ERR_NONE,
		"400 MP: the headers read");
	is_int(photo_copy_make_buffer(huge, grey.len, &f, &DEFAULT, &c), PHOTO_ERR_TOO_MANY_PIXELS,
		"400 MP: refused before anything is decoded");
	free(huge);

	/* a frame header libjpeg refuses: sampling factors of 5 */
	unsigned char *bad = malloc(grey.len);
	memcpy(bad, grey.p, grey.len);
	for (size_t i = 2; i + 12 < grey.len; i++)
		if (bad[i] == 0xFF && bad[i + 1] == 0xC0) {
			bad[i + 11] = 0x55;
			break;
		}
	photo_read_buffer(bad, grey.len, PHOTO_READ_EXIF, &f);
	is_int(photo_copy_make_buffer(bad, grey.len, &f, &DEFAULT, &c), PHOTO_ERR_BAD_IMAGE,
		"broken frame: refused as a bad image");
	free(bad);
	free(grey.p);

	/* a photo not larger than the copy would be is kept as it is */
	struct buf tiny = { 0 };
	jpeg_begin(&tiny);
	jpeg_image(&tiny);
	photo_read_buffer(tiny.p, tiny.len, PHOTO_READ_EXIF, &f);
	is_int(photo_copy_make_buffer(tiny.p, tiny.len, &f, &DEFAULT, &c), PHOTO_ERR_NONE,
		"1x1: fine");
	ok(c.data == NULL && c.width == 1 && c.height == 1 && c.orig_width == 1,
		"1x1: kept as it is");
	buf_free(&tiny);

	struct made edge = make_jpeg(1600, 900, JCS_RGB, false, NULL);
	photo_read_buffer(edge.p, edge.len, PHOTO_READ_EXIF, &f);
	is_int(photo_copy_make_buffer(edge.p, edge.len, &f, &DEFAULT, &c), PHOTO_ERR_NONE,
		"1600x900: fine");
	ok(c.data == NULL && c.width == 1600, "1600x900: exactly the size, kept as it is");
	free(edge.p);
}

int main(void)
{
	test_corpus();
	test_phone_photo();
	test_odd_photos();
	return tap_done();
}
