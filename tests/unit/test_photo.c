/* test_photo: the photo module on JPEGs built here (well-formed ones written
 * by libexif, malformed ones by a TIFF writer of our own), on a few real
 * photos in tests/data/photos, and on other file types.
 *
 * Every built case is read twice, from memory and from a file (the pread
 * window path), and the two readings must agree.
 *
 *   test_photo                     run the tests
 *   test_photo --write-corpus DIR  write the built JPEGs as fuzzing seeds */
#include "config.h"
#include "photo.h"

#include <errno.h>
#include <fcntl.h>
#include <libexif/exif-tag.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "photo_builder.h"
#include "tap.h"

#define EPS 1e-9

static char tmpdir[4200];
static const char *corpus_dir;         /* --write-corpus */
static int compared, disagreements;

/* ------------------------------------------------------------ helpers */

static void write_file(const char *path, const void *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL || (len > 0 && fwrite(data, 1, len, f) != len) || fclose(f) != 0) {
		perror(path);
		exit(99);
	}
}

static bool same_facts(const struct photo_facts *a, const struct photo_facts *b)
{
	return a->type == b->type && a->size == b->size && a->gps.present == b->gps.present &&
		a->gps.problem == b->gps.problem && a->gps.lat == b->gps.lat &&
		a->gps.lon == b->gps.lon && a->gps.has_alt == b->gps.has_alt &&
		a->gps.alt == b->gps.alt && a->gps.from_xmp == b->gps.from_xmp &&
		strcmp(a->gps.time_utc, b->gps.time_utc) == 0 &&
		strcmp(a->taken_at, b->taken_at) == 0 && a->orientation == b->orientation &&
		strcmp(a->sha256, b->sha256) == 0;
}

/* photo_read_buffer, and photo_read of the same bytes in a file. */
static enum photo_error read_both(const char *name, const struct buf *b, unsigned flags,
	struct photo_facts *f)
{
	char path[4400];
	struct photo_facts g;

	enum photo_error e = photo_read_buffer(b->p, b->len, flags, f);
	snprintf(path, sizeof path, "%s/case.jpg", tmpdir);
	write_file(path, b->p, b->len);
	enum photo_error e2 = photo_read(path, flags, &g);
	compared++;
	if (e != e2 || !same_facts(f, &g)) {
		disagreements++;
		tap_diag("%s: memory says %s/%s, file says %s/%s", name, photo_error_code(e),
			photo_gps_problem_code(f->gps.problem), photo_error_code(e2),
			photo_gps_problem_code(g.gps.problem));
	}
	if (corpus_dir != NULL) {
		snprintf(path, sizeof path, "%s/%s.jpg", corpus_dir, name);
		write_file(path, b->p, b->len);
	}
	return e;
}

static enum photo_error read_spec(const char *name, const struct tiff_spec *spec,
	struct photo_facts *f);

/* A JPEG whose EXIF has only a GPS IFD with these tags. */
static enum photo_error read_gps_tags(const char *name, bool le, const struct tag *tags,
	size_t n, struct photo_facts *f)
{
	struct tiff_spec spec = { .le = le, .gps = tags, .ngps = n };
	return read_spec(name, &spec, f);
}

static void expect_problem(const char *name, bool le, const struct tag *tags, size_t n,
	const char *want)
{
	struct photo_facts f;
	enum photo_error e = read_gps_tags(name, le, tags, n, &f);
	ok(e == PHOTO_ERR_NONE && !f.gps.present &&
		strcmp(photo_gps_problem_code(f.gps.problem), want) == 0,
		"%s: usable JPEG, no position, %s (got %s, %s)", name, want,
		photo_error_code(e), photo_gps_problem_code(f.gps.problem));
}

static void expect_position(const char *name, bool le, const struct tag *tags, size_t n,
	double lat, double lon)
{
	struct photo_facts f;
	enum photo_error e = read_gps_tags(name, le, tags, n, &f);
	ok(e == PHOTO_ERR_NONE && f.gps.present && fabs(f.gps.lat - lat) < EPS &&
		fabs(f.gps.lon - lon) < EPS && f.gps.problem == PHOTO_GPS_OK && !f.gps.from_xmp,
		"%s: %.7f,%.7f (got %s %.7f,%.7f)", name, lat, lon,
		photo_gps_problem_code(f.gps.problem), f.gps.lat, f.gps.lon);
}

#define N(a) (sizeof (a) / sizeof (a)[0])
#define REF(t, s) { .tag = (t), .format = FMT_ASCII, .count = 2, .bytes = s "\0" }
#define RAT(t, n, ...) { .tag = (t), .format = FMT_RATIONAL, .count = (n), .v = { __VA_ARGS__ } }
#define SRAT(t, n, ...) { .tag = (t), .format = FMT_SRATIONAL, .count = (n), .v = { __VA_ARGS__ } }
#define LATREF 0x0001
#define LAT 0x0002
#define LONREF 0x0003
#define LON 0x0004
#define ALTREF 0x0005
#define ALT 0x0006

/* Karawaci, Kota Tangerang: 6 11 25.31 S, 106 37 34.04 E */
#define KARAWACI_LAT RAT(LAT, 3, 6, 1, 11, 1, 2531, 100)
#define KARAWACI_LON RAT(LON, 3, 106, 1, 37, 1, 3404, 100)
static const double karawaci_lat = -(6.0 + 11.0 / 60 + 25.31 / 3600);
static const double karawaci_lon = 106.0 + 37.0 / 60 + 34.04 / 3600;

/* ------------------------------------------------------------ libexif-made */

static struct exif_spec tangerang_spec(bool le)
{
	struct exif_spec s = {
		.le = le, .gps = true,
		.lat = { 6, 1, 11, 1, 2531, 100 }, .lon = { 106, 1, 37, 1, 3404, 100 },
		.lat_ref = "S", .lon_ref = "E",
		.alt = true, .alt_num = 21, .alt_den = 1, .alt_ref = 0,
		.gps_date = "2025:03:14", .gps_time = { 2, 1, 21, 1, 5, 1 },
		.taken_at = "2025:03:14 09:21:05", .orientation = 6,
	};
	return s;
}

static enum photo_error read_libexif(const char *name, const struct exif_spec *s,
	struct photo_facts *f)
{
	struct buf tiff = { 0 }, jpeg = { 0 };
	exif_build_libexif(s, &tiff);
	jpeg_begin(&jpeg);
	jpeg_segment(&jpeg, 0xE0, "JFIF\0\1\1\0\0\1\0\1\0\0", 14);
	jpeg_exif(&jpeg, &tiff);
	jpeg_image(&jpeg);
	enum photo_error e = read_both(name, &jpeg, PHOTO_READ_EXIF | PHOTO_READ_HASH, f);
	buf_free(&tiff);
	buf_free(&jpeg);
	return e;
}

static void test_libexif_made(void)
{
	struct photo_facts f;

	for (int le = 0; le <= 1; le++) {
		struct exif_spec s = tangerang_spec(le);
		enum photo_error e = read_libexif(le ? "libexif_II" : "libexif_MM", &s, &f);
		const char *o = le ? "II" : "MM";
		is_int(e, PHOTO_ERR_NONE, "%s: a usable JPEG", o);
		is_str(photo_type_name(f.type), "jpeg", "%s: sniffed as jpeg", o);
		ok(f.gps.present && fabs(f.gps.lat - karawaci_lat) < EPS &&
			fabs(f.gps.lon - karawaci_lon) < EPS,
			"%s: S/E DMS gives %.7f,%.7f (got %.7f,%.7f)", o, karawaci_lat,
			karawaci_lon, f.gps.lat, f.gps.lon);
		ok(f.gps.has_alt && fabs(f.gps.alt - 21.0) < EPS, "%s: altitude 21 m", o);
		is_str(f.gps.time_utc, "2025-03-14T02:21:05Z", "%s: GPS date+time stamp in UTC", o);
		is_str(f.taken_at, "2025-03-14 09:21:05", "%s: DateTimeOriginal", o);
		is_int(f.orientation, 6, "%s: orientation", o);
		is_int(strlen(f.sha256), 64, "%s: SHA-256 asked for and given", o);
	}

	struct exif_spec s = tangerang_spec(true);
	s.alt_num = 32;
	s.alt_den = 10;
	s.alt_ref = 1;
	read_libexif("below_sea", &s, &f);
	ok(f.gps.has_alt && fabs(f.gps.alt + 3.2) < EPS, "AltitudeRef 1: -3.2 m (got %g)", f.gps.alt);
	s.alt_ref = -1;
	read_libexif("alt_no_ref", &s, &f);
	ok(f.gps.has_alt && fabs(f.gps.alt - 3.2) < EPS, "no AltitudeRef: above sea level");
	s.alt_den = 0;
	read_libexif("alt_zero_den", &s, &f);
	ok(!f.gps.has_alt && f.gps.present, "altitude 32/0 dropped, position kept");

	s = tangerang_spec(true);
	s.lat[0] = 6232498;
	s.lat[1] = 1000000;
	s.lat[2] = 0; s.lat[3] = 1; s.lat[4] = 0; s.lat[5] = 1;
	read_libexif("degrees_only", &s, &f);
	ok(f.gps.present && fabs(f.gps.lat + 6.232498) < EPS,
		"degrees-only layout 6232498/1000000, 0/1, 0/1: -6.232498 (got %.7f)", f.gps.lat);

	s = tangerang_spec(false);
	s.gps = false;
	read_libexif("no_gps", &s, &f);
	ok(!f.gps.present && f.gps.problem == PHOTO_GPS_NO_GPS, "EXIF without GPS: no_gps");
	is_str(f.taken_at, "2025-03-14 09:21:05", "EXIF without GPS: the time is still read");

	static const char *const bad_dates[] = { "1999:99:99 99:99:99", "0000:00:00 00:00:00",
		"2023:02:29 10:00:00", "2025:03:14 24:00:00", "2025-03-14", "    :  :     :  :  " };
	for (size_t i = 0; i < N(bad_dates); i++) {
		s = tangerang_spec(true);
		s.taken_at = bad_dates[i];
		read_libexif("bad_date", &s, &f);
		is_str(f.taken_at, "", "impossible DateTimeOriginal '%s' is absent", bad_dates[i]);
	}
	s = tangerang_spec(true);
	s.taken_at = "2024:02:29 23:59:59";
	read_libexif("leap_day", &s, &f);
	is_str(f.taken_at, "2024-02-29 23:59:59", "29 February of a leap year is a date");

	s = tangerang_spec(true);
	s.gps_date = "2025:13:14";
	read_libexif("bad_gps_date", &s, &f);
	ok(f.gps.present && f.gps.time_utc[0] == '\0', "GPS date stamp month 13: no GPS time");
	s = tangerang_spec(true);
	s.gps_time[0] = 24;
	read_libexif("bad_gps_time", &s, &f);
	is_str(f.gps.time_utc, "", "GPS time stamp hour 24: no GPS time");
	s = tangerang_spec(true);
	s.gps_time[4] = 5123;
	s.gps_time[5] = 100;
	read_libexif("frac_gps_time", &s, &f);
	is_str(f.gps.time_utc, "2025-03-14T02:21:51Z", "fractional GPS seconds are cut");

	s = tangerang_spec(true);
	s.orientation = 9;
	read_libexif("orientation_9", &s, &f);
	is_int(f.orientation, 0, "orientation 9 is absent");

	s = tangerang_spec(true);
	s.lat_ref = "s";
	read_libexif("lowercase_ref", &s, &f);
	ok(f.gps.present && f.gps.lat < 0, "a lower-case 's' is south too");
}

/* ------------------------------------------------------------ malformed */

static void test_malformed_gps(void)
{
	const struct tag ok_tags[] = { REF(LATREF, "S"), KARAWACI_LAT, REF(LONREF, "E"), KARAWACI_LON };
	expect_position("hand_II", true, ok_tags, N(ok_tags), karawaci_lat, karawaci_lon);
	expect_position("hand_MM", false, ok_tags, N(ok_tags), karawaci_lat, karawaci_lon);

	const struct tag zero_den[] = { REF(LATREF, "S"), RAT(LAT, 3, 6, 1, 12, 0, 5852, 100),
		REF(LONREF, "E"), KARAWACI_LON };
	expect_problem("zero_den_minutes", true, zero_den, N(zero_den), "zero_denominator");
	const struct tag all_zero_den[] = { REF(LATREF, ""), RAT(LAT, 3, 0, 0, 0, 0, 0, 0),
		REF(LONREF, ""), RAT(LON, 3, 0, 0, 0, 0, 0, 0) };
	expect_problem("all_0_0", false, all_zero_den, N(all_zero_den), "zero_denominator");

	const struct tag shorts[] = { REF(LATREF, "S"), { .tag = LAT, .format = FMT_SHORT,
		.count = 3, .v = { 6, 11, 25 } }, REF(LONREF, "E"), KARAWACI_LON };
	expect_problem("lat_as_short", true, shorts, N(shorts), "bad_format");
	const struct tag ascii[] = { REF(LATREF, "S"), { .tag = LAT, .format = FMT_ASCII,
		.count = 8, .bytes = "6.19036\0" }, REF(LONREF, "E"), KARAWACI_LON };
	expect_problem("lat_as_ascii", true, ascii, N(ascii), "bad_format");
	const struct tag four[] = { REF(LATREF, "S"), RAT(LAT, 4, 6, 1, 11, 1, 25, 1, 0, 1),
		REF(LONREF, "E"), KARAWACI_LON };
	expect_problem("lat_count_4", true, four, N(four), "bad_format");

	const struct tag count1_garbage[] = { RAT(LAT, 1, 0xFFFFFFFFu, 1), RAT(LON, 1, 0xFFFFFFFFu, 1) };
	expect_problem("count1_ffffffff", false, count1_garbage, N(count1_garbage), "out_of_range");
	const struct tag count1[] = { REF(LATREF, "S"), RAT(LAT, 1, 625, 100),
		REF(LONREF, "E"), RAT(LON, 1, 10663, 100) };
	expect_position("count1_decimal", true, count1, N(count1), -6.25, 106.63);
	const struct tag count2[] = { REF(LATREF, "S"), RAT(LAT, 2, 6, 1, 1234908, 100000),
		REF(LONREF, "E"), RAT(LON, 2, 106, 1, 3767, 100) };
	expect_position("count2_dmm", true, count2, N(count2),
		-(6 + 12.34908 / 60), 106 + 37.67 / 60);

	const struct tag no_latref[] = { KARAWACI_LAT, REF(LONREF, "E"), KARAWACI_LON };
	expect_problem("no_latref", true, no_latref, N(no_latref), "missing_ref");
	const struct tag empty_ref[] = { REF(LATREF, "S"), KARAWACI_LAT,
		{ .tag = LONREF, .format = FMT_ASCII, .count = 2, .bytes = "\0\0" }, KARAWACI_LON };
	expect_problem("empty_lonref", true, empty_ref, N(empty_ref), "missing_ref");
	const struct tag bad_ref[] = { REF(LATREF, "X"), KARAWACI_LAT, REF(LONREF, "E"), KARAWACI_LON };
	expect_problem("latref_X", true, bad_ref, N(bad_ref), "bad_ref");
	const struct tag swapped_ref[] = { REF(LATREF, "E"), KARAWACI_LAT, REF(LONREF, "S"), KARAWACI_LON };
	expect_problem("latref_E", true, swapped_ref, N(swapped_ref), "bad_ref");
	const struct tag long_ref[] = { { .tag = LATREF, .format = FMT_ASCII, .count = 6,
		.bytes = "South\0" }, KARAWACI_LAT, REF(LONREF, "E"), KARAWACI_LON };
	expect_problem("latref_South", true, long_ref, N(long_ref), "bad_ref");
	const struct tag short_ref[] = { { .tag = LATREF, .format = FMT_SHORT, .count = 1,
		.v = { 'S' } }, KARAWACI_LAT, REF(LONREF, "E"), KARAWACI_LON };
	expect_problem("latref_short", true, short_ref, N(short_ref), "bad_ref");

	static const struct { const char *name; struct tag tags[4]; size_t n; const char *want; } cases[] = {
		{ "placeholder_SW", { REF(LATREF, "S"), RAT(LAT, 3, 0, 1, 0, 1, 0, 1),
			REF(LONREF, "W"), RAT(LON, 3, 0, 1, 0, 1, 0, 1) }, 4, "placeholder_0_0" },
		{ "placeholder_SW_srational", { REF(LATREF, "S"), SRAT(LAT, 3, 0, 1, 0, 1, 0, 1),
			REF(LONREF, "W"), SRAT(LON, 3, 0, 1, 0, 1, 0, 1) }, 4, "placeholder_0_0" },
		{ "placeholder_noref", { RAT(LAT, 3, 0, 1, 0, 1, 0, 1), RAT(LON, 3, 0, 1, 0, 1, 0, 1) },
			2, "placeholder_0_0" },
		{ "minutes_60", { REF(LATREF, "S"), RAT(LAT, 3, 6, 1, 60, 1, 0, 1),
			REF(LONREF, "E"), KARAWACI_LON }, 4, "out_of_range" },
		{ "seconds_60", { REF(LATREF, "S"), KARAWACI_LAT, REF(LONREF, "E"),
			RAT(LON, 3, 106, 1, 37, 1, 6000, 100) }, 4, "out_of_range" },
		{ "lat_91", { REF(LATREF, "N"), RAT(LAT, 3, 91, 1, 0, 1, 0, 1),
			REF(LONREF, "E"), KARAWACI_LON }, 4, "out_of_range" },
		{ "lat_90_0_1", { REF(LATREF, "N"), RAT(LAT, 3, 90, 1, 0, 1, 1, 1),
			REF(LONREF, "E"), KARAWACI_LON }, 4, "out_of_range" },
		{ "lon_181", { REF(LATREF, "S"), KARAWACI_LAT, REF(LONREF, "W"),
			RAT(LON, 3, 181, 1, 0, 1, 0, 1) }, 4, "out_of_range" },
	};
	for (size_t i = 0; i < N(cases); i++)
		expect_problem(cases[i].name, i % 2 == 0, cases[i].tags, cases[i].n, cases[i].want);
	const struct tag lon180[] = { REF(LATREF, "S"), KARAWACI_LAT, REF(LONREF, "W"),
		RAT(LON, 3, 180, 1, 0, 1, 0, 1) };
	expect_position("lon_180W", true, lon180, N(lon180), karawaci_lat, -180.0);

	/* -6/1 -14/1 -1428/100 with Ref=S: the degrees are 6 14 14.28 S, not N */
	const struct tag srat_neg[] = { REF(LATREF, "S"),
		SRAT(LAT, 3, (uint32_t)-6, 1, (uint32_t)-14, 1, (uint32_t)-1428, 100),
		REF(LONREF, "E"), SRAT(LON, 3, 106, 1, 37, 1, 3404, (uint32_t)-100) };
	expect_position("srational_negative_S", true, srat_neg, N(srat_neg), -6.2373, karawaci_lon);
	const struct tag srat_min[] = { REF(LATREF, "N"), SRAT(LAT, 3, 0x80000000u, 1, 0, 1, 0, 1),
		REF(LONREF, "E"), KARAWACI_LON };
	expect_problem("srational_int_min", true, srat_min, N(srat_min), "out_of_range");

	const struct tag lat_only[] = { REF(LATREF, "S"), KARAWACI_LAT };
	expect_problem("lat_only", true, lat_only, N(lat_only), "corrupt_exif");
	const struct tag none[] = { { .tag = 0x0000, .format = FMT_BYTE, .count = 4, .bytes = "\2\3\0\0" } };
	expect_problem("gps_ifd_empty", true, none, N(none), "no_gps");
	const struct tag data_past_end[] = { REF(LATREF, "S"),
		{ .tag = LAT, .format = FMT_RATIONAL, .count = 3, .raw = true, .raw_value = 60000 },
		REF(LONREF, "E"), KARAWACI_LON };
	expect_problem("lat_data_past_end", true, data_past_end, N(data_past_end), "corrupt_exif");
	const struct tag huge_count[] = { REF(LATREF, "S"),
		{ .tag = LAT, .format = FMT_RATIONAL, .count = 0x20000000u, .raw = true, .raw_value = 8 },
		REF(LONREF, "E"), KARAWACI_LON };
	expect_problem("lat_count_huge", true, huge_count, N(huge_count), "corrupt_exif");
}

/* A JPEG with the EXIF of this spec. */
static enum photo_error read_spec(const char *name, const struct tiff_spec *spec,
	struct photo_facts *f)
{
	struct buf tiff = { 0 }, jpeg = { 0 };
	tiff_build(spec, &tiff);
	jpeg_begin(&jpeg);
	jpeg_exif(&jpeg, &tiff);
	jpeg_image(&jpeg);
	enum photo_error e = read_both(name, &jpeg, PHOTO_READ_EXIF, f);
	buf_free(&tiff);
	buf_free(&jpeg);
	return e;
}

static void test_malformed_tiff(void)
{
	const struct tag gps[] = { REF(LATREF, "S"), KARAWACI_LAT, REF(LONREF, "E"), KARAWACI_LON };
	const struct tag ifd0[] = { { .tag = 0x0112, .format = FMT_SHORT, .count = 1, .v = { 3 } } };
	const struct tag exif_ifd[] = {
		{ .tag = 0x9003, .format = FMT_ASCII, .count = 20, .bytes = "2025:03:14 09:21:05\0" },
		{ .tag = 0x927C, .format = FMT_UNDEFINED, .count = 24,
		  .bytes = "Canon\0\0\0garbage-garbage!" } };
	struct photo_facts f;
	enum photo_error e;

	struct tiff_spec s = { .le = true, .ifd0 = ifd0, .n0 = 1, .exif = exif_ifd, .nexif = 2,
		.gps = gps, .ngps = N(gps) };
	e = read_spec("with_makernote", &s, &f);
	ok(e == PHOTO_ERR_NONE && f.gps.present && f.orientation == 3 &&
		strcmp(f.taken_at, "2025-03-14 09:21:05") == 0,
		"IFD0 + Exif IFD with a maker note + GPS IFD: all read");
	ok(exif_tag_get_name_in_ifd((ExifTag)0xFFFF, EXIF_IFD_EXIF) == NULL,
		"libexif has no name for 0xFFFF in the Exif IFD (how the maker note is hidden)");

	struct tiff_spec past = { .le = true, .ifd0 = ifd0, .n0 = 1, .exif = exif_ifd, .nexif = 1,
		.gps_ptr_raw = true, .gps_ptr_value = 70000 };
	e = read_spec("gps_pointer_past_end", &past, &f);
	ok(e == PHOTO_ERR_NONE && !f.gps.present && f.gps.problem == PHOTO_GPS_CORRUPT_EXIF,
		"GPS pointer past the end of the segment: corrupt_exif (got %s)",
		photo_gps_problem_code(f.gps.problem));
	is_str(f.taken_at, "2025-03-14 09:21:05", "... and the rest of the EXIF is still read");

	struct tiff_spec ascii_ptr = { .le = false, .gps = gps, .ngps = N(gps),
		.gps_ptr_format = FMT_ASCII };
	e = read_spec("gps_pointer_ascii", &ascii_ptr, &f);
	ok(e == PHOTO_ERR_NONE && !f.gps.present && f.gps.problem == PHOTO_GPS_CORRUPT_EXIF,
		"GPS pointer of type ASCII is not followed: corrupt_exif");

	struct tiff_spec pointer_header = { .le = true, .gps_ptr_raw = true, .gps_ptr_value = 2 };
	e = read_spec("gps_pointer_into_header", &pointer_header, &f);
	ok(!f.gps.present && f.gps.problem == PHOTO_GPS_CORRUPT_EXIF,
		"GPS pointer into the TIFF header: corrupt_exif");

	/* a broken Exif pointer before the GPS pointer must not cost the GPS */
	const struct tag bad_exif_ptr[] = { { .tag = 0x8769, .format = FMT_LONG, .count = 1,
		.raw = true, .raw_value = 0xFFFFFF00u } };
	struct tiff_spec bad_exif = { .le = true, .ifd0 = bad_exif_ptr, .n0 = 1, .gps = gps,
		.ngps = N(gps) };
	e = read_spec("exif_pointer_past_end", &bad_exif, &f);
	ok(f.gps.present && fabs(f.gps.lat - karawaci_lat) < EPS,
		"an Exif pointer past the end does not hide the GPS IFD after it");

	/* a second GPS pointer inside the Exif IFD is met by libexif before IFD
	 * 0's; here it points to the Exif IFD itself, whose GPS-numbered tags
	 * (unknown in an Exif IFD) read as 50 N 8 W.  IFD 0's must win. */
	struct tag decoy[] = { exif_ifd[0], REF(LATREF, "N"), RAT(LAT, 3, 50, 1, 0, 1, 0, 1),
		REF(LONREF, "W"), RAT(LON, 3, 8, 1, 0, 1, 0, 1),
		{ .tag = 0x8825, .format = FMT_LONG, .count = 1, .raw = true,
		  .raw_value = 8 + 2 + 12 * 2 + 4 } };
	struct tiff_spec two_ptrs = { .le = false, .exif = decoy, .nexif = N(decoy), .gps = gps,
		.ngps = N(gps) };
	e = read_spec("gps_pointer_in_exif_ifd", &two_ptrs, &f);
	ok(f.gps.present && fabs(f.gps.lat - karawaci_lat) < EPS &&
		strcmp(f.taken_at, "2025-03-14 09:21:05") == 0,
		"a GPS pointer in the Exif IFD does not replace IFD 0's (got %s)",
		photo_gps_problem_code(f.gps.problem));

	/* the segment ends in the middle of the GPS IFD entries */
	struct tiff_spec cut = { .le = true, .ifd0 = ifd0, .n0 = 1, .gps = gps, .ngps = N(gps) };
	struct buf whole = { 0 };
	tiff_build(&cut, &whole);
	size_t gps_at = 8 + 2 + 12 * 2 + 4;
	cut.cut = gps_at + 2 + 12;
	e = read_spec("gps_ifd_cut", &cut, &f);
	ok(e == PHOTO_ERR_NONE && !f.gps.present && f.orientation == 3 &&
		f.gps.problem == PHOTO_GPS_CORRUPT_EXIF,
		"EXIF cut inside the GPS IFD: corrupt_exif, orientation still read (%s)",
		photo_gps_problem_code(f.gps.problem));
	cut.cut = gps_at - 4;
	e = read_spec("cut_before_gps_ifd", &cut, &f);
	ok(e == PHOTO_ERR_NONE && !f.gps.present && f.gps.problem == PHOTO_GPS_CORRUPT_EXIF,
		"EXIF cut right before the GPS IFD: corrupt_exif (got %s)",
		photo_gps_problem_code(f.gps.problem));
	cut.cut = whole.len - 1;
	e = read_spec("cut_last_byte", &cut, &f);
	ok(e == PHOTO_ERR_NONE && !f.gps.present,
		"EXIF one byte short of the longitude's last rational: no position (%s)",
		photo_gps_problem_code(f.gps.problem));
	buf_free(&whole);

	/* IFD 0 that points at itself through the GPS pointer */
	struct tiff_spec loop = { .le = true, .ifd0 = ifd0, .n0 = 1, .gps_ptr_raw = true,
		.gps_ptr_value = 8 };
	e = read_spec("gps_pointer_loop", &loop, &f);
	ok(e == PHOTO_ERR_NONE && !f.gps.present, "GPS pointer back to IFD 0: no position, no hang");
}

/* ------------------------------------------------------------ JPEG structure */

static struct buf gps_tiff(bool le, uint32_t lat_deg)
{
	const struct tag gps[] = { REF(LATREF, "S"), RAT(LAT, 3, lat_deg, 1, 11, 1, 2531, 100),
		REF(LONREF, "E"), KARAWACI_LON };
	struct tiff_spec s = { .le = le, .gps = gps, .ngps = N(gps) };
	struct buf tiff = { 0 };
	tiff_build(&s, &tiff);
	return tiff;
}

static void test_jpeg_structure(void)
{
	struct buf tiff = gps_tiff(true, 6), tiff2 = gps_tiff(true, 7), j = { 0 };
	struct photo_facts f;
	enum photo_error e;

	/* two Exif APP1 segments: the first one counts */
	jpeg_begin(&j);
	jpeg_exif(&j, &tiff);
	jpeg_exif(&j, &tiff2);
	jpeg_image(&j);
	e = read_both("two_exif_app1", &j, PHOTO_READ_EXIF, &f);
	ok(e == PHOTO_ERR_NONE && f.gps.present && fabs(f.gps.lat - karawaci_lat) < EPS,
		"two Exif APP1 segments: the first is read");
	buf_free(&j);

	/* junk and fill bytes between segments, as libjpeg tolerates them */
	jpeg_begin(&j);
	jpeg_segment(&j, 0xE0, "JFIF\0\1\1\0\0\1\0\1\0\0", 14);
	buf_add(&j, "\0\x11junk\xff\0", 8);
	jpeg_exif(&j, &tiff);
	buf_add(&j, "\xff\xff\xff", 3);
	jpeg_image(&j);
	e = read_both("junk_between_segments", &j, PHOTO_READ_EXIF, &f);
	ok(e == PHOTO_ERR_NONE && f.gps.present, "junk and fill bytes between segments: still read");
	buf_free(&j);

	/* APP1 whose length runs past the end of the file */
	jpeg_begin(&j);
	buf_add(&j, "\xff\xe1\xff\xff" "Exif\0\0", 10);
	buf_add(&j, tiff.p, tiff.len);
	e = read_both("app1_length_past_eof", &j, PHOTO_READ_EXIF, &f);
	is_str(photo_error_code(e), "broken_jpeg", "APP1 length 65535 in a short file: broken_jpeg");
	ok(f.type == PHOTO_TYPE_JPEG && !f.gps.present, "... still typed jpeg, no position");
	buf_free(&j);

	/* the file ends inside the Exif segment */
	jpeg_begin(&j);
	jpeg_exif(&j, &tiff);
	jpeg_image(&j);
	j.len = 2 + 4 + 6 + tiff.len / 2;
	e = read_both("truncated_in_app1", &j, PHOTO_READ_EXIF, &f);
	is_str(photo_error_code(e), "broken_jpeg", "file cut inside the APP1 segment: broken_jpeg");
	buf_free(&j);

	/* EXIF fine, image data gone */
	jpeg_begin(&j);
	jpeg_exif(&j, &tiff);
	buf_add(&j, "\xff\xd9", 2);
	e = read_both("no_image", &j, PHOTO_READ_EXIF, &f);
	is_str(photo_error_code(e), "broken_jpeg", "EXIF but no frame and no scan: broken_jpeg");
	buf_free(&j);

	jpeg_begin(&j);
	buf_add(&j, "\xff\x13garbage garbage garbage", 24);
	e = read_both("garbage_after_soi", &j, PHOTO_READ_EXIF, &f);
	is_str(photo_error_code(e), "broken_jpeg", "garbage after SOI: broken_jpeg");
	buf_free(&j);

	jpeg_begin(&j);
	for (int i = 0; i < 1500; i++)
		jpeg_segment(&j, 0xFE, "x", 1);
	jpeg_image(&j);
	e = read_both("1500_comments", &j, PHOTO_READ_EXIF, &f);
	is_str(photo_error_code(e), "broken_jpeg", "1500 segments before the image: refused, bounded");
	buf_free(&j);

	/* a corrupt EXIF in an otherwise good JPEG is still a usable photo */
	static const char *const bad_tiffs[] = { "\xff\xff\0*\0\0\0\x08", "II*\0\xff\xff\0\0",
		"MM\0*\0\0\0\x08", "" };
	static const size_t bad_lens[] = { 8, 8, 8, 0 };
	for (size_t i = 0; i < N(bad_tiffs); i++) {
		struct buf t = { 0 };
		buf_add(&t, bad_tiffs[i], bad_lens[i]);
		jpeg_begin(&j);
		jpeg_exif(&j, &t);
		jpeg_image(&j);
		e = read_both("corrupt_tiff", &j, PHOTO_READ_EXIF | PHOTO_READ_HASH, &f);
		ok(e == PHOTO_ERR_NONE && f.gps.problem == PHOTO_GPS_CORRUPT_EXIF && f.sha256[0] != '\0',
			"corrupt TIFF header #%zu: usable photo, corrupt_exif (got %s, %s)", i,
			photo_error_code(e), photo_gps_problem_code(f.gps.problem));
		buf_free(&j);
		buf_free(&t);
	}

	jpeg_begin(&j);
	jpeg_image(&j);
	e = read_both("plain", &j, PHOTO_READ_EXIF, &f);
	ok(e == PHOTO_ERR_NONE && f.gps.problem == PHOTO_GPS_NO_EXIF, "a JPEG without EXIF: no_exif");
	buf_free(&j);

	buf_free(&tiff);
	buf_free(&tiff2);
}

/* A large photo: EXIF after big segments, image data up to 12 MB. */
static void test_large_file(void)
{
	struct buf tiff = gps_tiff(false, 6), j = { 0 };
	static unsigned char filler[60000];
	char path[4400];
	struct photo_facts f;

	memset(filler, 'x', sizeof filler);
	jpeg_begin(&j);
	jpeg_segment(&j, 0xE2, filler, sizeof filler);
	jpeg_segment(&j, 0xE2, filler, sizeof filler);
	jpeg_exif(&j, &tiff);
	jpeg_image(&j);
	snprintf(path, sizeof path, "%s/large.jpg", tmpdir);
	write_file(path, j.p, j.len);
	if (truncate(path, 12L * 1024 * 1024) != 0)
		perror("truncate");
	enum photo_error e = photo_read(path, PHOTO_READ_EXIF, &f);
	ok(e == PHOTO_ERR_NONE && f.gps.present && fabs(f.gps.lat - karawaci_lat) < EPS,
		"12 MB JPEG, Exif after 120 KB of APP2: position read");
	ok(f.bytes_read > 0 && f.bytes_read <= 128 * 1024 + 32 * 1024,
		"... reading %lld bytes of 12 MB for it", (long long)f.bytes_read);
	is_int(f.size, 12L * 1024 * 1024, "... size from the file");
	buf_free(&j);
	buf_free(&tiff);

	if (truncate(path, PHOTO_MAX_BYTES + 1) != 0)
		perror("truncate");
	e = photo_read(path, PHOTO_READ_EXIF | PHOTO_READ_HASH, &f);
	is_str(photo_error_code(e), "too_large", "one byte over 30 MB: too_large");
	ok(f.type == PHOTO_TYPE_JPEG && f.sha256[0] == '\0', "... typed, and not hashed");
	unlink(path);
}

/* ------------------------------------------------------------ XMP */

static enum photo_error read_xmp(const char *name, const struct buf *tiff, const char *packet,
	struct photo_facts *f)
{
	struct buf j = { 0 };
	jpeg_begin(&j);
	if (tiff != NULL)
		jpeg_exif(&j, tiff);
	jpeg_xmp(&j, packet);
	jpeg_image(&j);
	enum photo_error e = read_both(name, &j, PHOTO_READ_EXIF, f);
	buf_free(&j);
	return e;
}

static void test_xmp(void)
{
	struct photo_facts f;
	const char *attr = "<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:RDF><rdf:Description "
		"xmlns:exif='http://ns.adobe.com/exif/1.0/' exif:GPSLatitudeRef='S' "
		"exif:GPSLatitude=\"6,12.34908S\" exif:GPSLongitude=\"106,37.6967E\"/>"
		"</rdf:RDF></x:xmpmeta>";
	const char *elem = "<rdf:Description><exif:GPSLongitude>106,37,34.04E</exif:GPSLongitude>"
		"<exif:GPSLatitude> 6,11,25.31S </exif:GPSLatitude></rdf:Description>";

	read_xmp("xmp_attr", NULL, attr, &f);
	ok(f.gps.present && f.gps.from_xmp && fabs(f.gps.lat + (6 + 12.34908 / 60)) < EPS &&
		fabs(f.gps.lon - (106 + 37.6967 / 60)) < EPS,
		"XMP attributes, DMM form: %.7f,%.7f from_xmp", f.gps.lat, f.gps.lon);
	read_xmp("xmp_elem", NULL, elem, &f);
	ok(f.gps.present && f.gps.from_xmp && fabs(f.gps.lat - karawaci_lat) < EPS &&
		fabs(f.gps.lon - karawaci_lon) < EPS, "XMP elements, DMS form");

	struct buf other = gps_tiff(true, 7);
	read_xmp("xmp_conflict", &other, attr, &f);
	ok(f.gps.present && !f.gps.from_xmp && fabs(f.gps.lat + (7 + 11.0 / 60 + 25.31 / 3600)) < EPS,
		"EXIF and XMP disagree: EXIF wins");
	buf_free(&other);

	static const char *const bad[] = {
		"<exif:GPSLatitude>6,12.3</exif:GPSLatitude><exif:GPSLongitude>106,37E</exif:GPSLongitude>",
		"<exif:GPSLatitude>6,12.3Q</exif:GPSLatitude><exif:GPSLongitude>106,37E</exif:GPSLongitude>",
		"<exif:GPSLatitude>6,72.3S</exif:GPSLatitude><exif:GPSLongitude>106,37E</exif:GPSLongitude>",
		"<exif:GPSLatitude>-6.2S</exif:GPSLatitude><exif:GPSLongitude>106,37E</exif:GPSLongitude>",
		"<exif:GPSLatitude>0,0S</exif:GPSLatitude><exif:GPSLongitude>0,0W</exif:GPSLongitude>",
		"<exif:GPSLatitude>6,12.3S</exif:GPSLatitude>",
		"<myexif:GPSLatitude>6,12.3S</myexif:GPSLatitude><myexif:GPSLongitude>106,37E</myexif:GPSLongitude>",
		"<exif:GPSLatitude>6,12.3S",
	};
	static const char *const want[] = { "missing_ref", "bad_ref", "out_of_range", "bad_format",
		"placeholder_0_0", "corrupt_exif", "no_exif", "no_exif" };
	for (size_t i = 0; i < N(bad); i++) {
		read_xmp("xmp_bad", NULL, bad[i], &f);
		ok(!f.gps.present && strcmp(photo_gps_problem_code(f.gps.problem), want[i]) == 0,
			"XMP #%zu refused: %s (got %s)", i, want[i], photo_gps_problem_code(f.gps.problem));
	}
}

/* ------------------------------------------------------------ types, files */

static void test_types(void)
{
	static const struct { const char *name; const char *bytes; size_t len; const char *type; } t[] = {
		{ "png", "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16, "png" },
		{ "heic", "\0\0\0\x18" "ftypheic\0\0\0\0mif1heic", 24, "heic" },
		{ "heif_mif1", "\0\0\0\x18" "ftypmif1\0\0\0\0mif1miaf", 24, "heic" },
		{ "avif", "\0\0\0\x1c" "ftypavif\0\0\0\0avifmif1miaf", 28, "avif" },
		{ "avif_as_mif1", "\0\0\0\x1c" "ftypmif1\0\0\0\0mif1avifmiaf", 28, "avif" },
		{ "mp4", "\0\0\0\x18" "ftypisom\0\0\0\0isomiso2", 24, "unknown" },
		{ "webp", "RIFF\x24\0\0\0WEBPVP8 ", 16, "webp" },
		{ "gif", "GIF89a\1\0\1\0", 10, "gif" },
		{ "tiff_le", "II*\0\x08\0\0\0", 8, "tiff" },
		{ "tiff_be", "MM\0*\0\0\0\x08", 8, "tiff" },
		{ "text", "hello, world", 12, "unknown" },
		{ "ff_d8_only", "\xff\xd8", 2, "unknown" },
	};
	struct photo_facts f;

	for (size_t i = 0; i < N(t); i++) {
		struct buf b = { 0 };
		buf_add(&b, t[i].bytes, t[i].len);
		enum photo_error e = read_both(t[i].name, &b, PHOTO_READ_EXIF | PHOTO_READ_HASH, &f);
		ok(e == PHOTO_ERR_NOT_JPEG && strcmp(photo_type_name(f.type), t[i].type) == 0 &&
			f.gps.problem == PHOTO_GPS_UNSUPPORTED,
			"%s: not_jpeg, type %s (got %s, %s)", t[i].name, t[i].type,
			photo_error_code(e), photo_type_name(f.type));
		buf_free(&b);
	}
	ok(strstr(photo_error_message(PHOTO_ERR_NOT_JPEG), "JPEG") != NULL,
		"the not_jpeg message tells the clerk to send a JPEG");
	is_str(photo_type_name(photo_sniff((const unsigned char *)"", 0)), "empty", "sniff of nothing");
}

static void test_files(void)
{
	char path[4400];
	struct photo_facts f;
	enum photo_error e;

	snprintf(path, sizeof path, "%s/empty.jpg", tmpdir);
	write_file(path, "", 0);
	e = photo_read(path, PHOTO_READ_EXIF | PHOTO_READ_HASH, &f);
	ok(e == PHOTO_ERR_EMPTY && f.type == PHOTO_TYPE_EMPTY, "0-byte file: empty");
	e = photo_read_buffer((const unsigned char *)"", 0, PHOTO_READ_EXIF, &f);
	is_int(e, PHOTO_ERR_EMPTY, "0-byte buffer: empty");
	unlink(path);

	e = photo_read(tmpdir, PHOTO_READ_EXIF, &f);
	is_str(photo_error_code(e), "not_file", "a directory: not_file");
	snprintf(path, sizeof path, "%s/fifo", tmpdir);
	if (mkfifo(path, 0600) == 0) {
		e = photo_read(path, PHOTO_READ_EXIF, &f);
		is_str(photo_error_code(e), "not_file", "a FIFO: not_file, without blocking");
		unlink(path);
	} else {
		tap_skip("mkfifo not possible here");
	}
	snprintf(path, sizeof path, "%s/does-not-exist.jpg", tmpdir);
	e = photo_read(path, PHOTO_READ_EXIF, &f);
	is_str(photo_error_code(e), "open", "a missing file: open");

	/* SHA-256: FIPS 180-2 example, then file = buffer = photo_read */
	char hex[PHOTO_SHA256_HEX];
	photo_sha256_buffer("abc", 3, hex);
	is_str(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256(\"abc\")");
	static unsigned char big[200000];
	for (size_t i = 0; i < sizeof big; i++)
		big[i] = (unsigned char)(i * 7 + (i >> 9));
	snprintf(path, sizeof path, "%s/big.bin", tmpdir);
	write_file(path, big, sizeof big);
	char from_file[PHOTO_SHA256_HEX], from_buf[PHOTO_SHA256_HEX];
	ok(photo_sha256_file(path, from_file), "photo_sha256_file on a 200 KB file");
	photo_sha256_buffer(big, sizeof big, from_buf);
	is_str(from_file, from_buf, "streamed hash (64 KiB chunks) = one-shot hash");
	ok(!photo_sha256_file(tmpdir, from_file) && from_file[0] == '\0', "no hash of a directory");
	unlink(path);

	struct buf j = { 0 };
	jpeg_begin(&j);
	jpeg_image(&j);
	snprintf(path, sizeof path, "%s/plain.jpg", tmpdir);
	write_file(path, j.p, j.len);
	photo_sha256_buffer(j.p, j.len, from_buf);
	e = photo_read(path, PHOTO_READ_HASH, &f);
	ok(e == PHOTO_ERR_NONE && strcmp(f.sha256, from_buf) == 0, "photo_read with PHOTO_READ_HASH");
	e = photo_read(path, PHOTO_READ_EXIF, &f);
	is_str(f.sha256, "", "no hash unless asked");
	unlink(path);
	buf_free(&j);

	for (int p = 0; p < PHOTO_GPS_PROBLEM_COUNT; p++)
		ok(photo_gps_problem_message(p)[0] != '\0' && strcmp(photo_gps_problem_code(p), "unknown") != 0,
			"problem %s has a message", photo_gps_problem_code(p));
	is_str(photo_gps_problem_code(PHOTO_GPS_PROBLEM_COUNT), "unknown", "out-of-range problem code");
	is_str(photo_error_code(PHOTO_ERROR_COUNT), "unknown", "out-of-range error code");
}

/* ------------------------------------------------------------ real photos */

static void test_real_photos(void)
{
	static const struct {
		const char *file;
		const char *problem;
		double lat, lon;
		const char *taken_at;
		int orientation;
	} t[] = {
		{ "mei__FujiFilm_FinePixS1Pro_1.jpg", "ok", 54.9896667, -1.9141667, "2002-07-13 15:58:28", 1 },
		{ "mei__Samsung_GT-I9000_Galaxy_S.jpg", "placeholder_0_0", 0, 0, "2011-04-02 18:30:10", 6 },
		{ "derived__tng_karangtengah_truncated_exif.jpg", "corrupt_exif", 0, 0, "2025-03-14 09:21:05", 1 },
		{ "pillow__exif_gps.jpg", "corrupt_exif", 0, 0, "2099-09-29 10:10:10", 0 },
		{ "pillow__hopper_orientation_6.jpg", "no_gps", 0, 0, "", 6 },
	};
	const char *data = getenv("TESTDATA");
	char path[4400];
	struct photo_facts f;

	for (size_t i = 0; i < N(t); i++) {
		snprintf(path, sizeof path, "%s/photos/%s", data ? data : "tests/data", t[i].file);
		enum photo_error e = photo_read(path, PHOTO_READ_EXIF | PHOTO_READ_HASH, &f);
		bool pos = strcmp(t[i].problem, "ok") == 0;
		ok(e == PHOTO_ERR_NONE && f.gps.present == pos &&
			strcmp(photo_gps_problem_code(f.gps.problem), t[i].problem) == 0 &&
			(!pos || (fabs(f.gps.lat - t[i].lat) < 1e-5 && fabs(f.gps.lon - t[i].lon) < 1e-5)),
			"%s: %s (got %s, %s %.7f,%.7f)", t[i].file, t[i].problem, photo_error_code(e),
			photo_gps_problem_code(f.gps.problem), f.gps.lat, f.gps.lon);
		is_str(f.taken_at, t[i].taken_at, "%s: taken_at", t[i].file);
		is_int(f.orientation, t[i].orientation, "%s: orientation", t[i].file);
	}
}

/* ------------------------------------------------------------ main */

int main(int argc, char **argv)
{
	const char *top = getenv("top_builddir");
	char base[4096];
	int n;

	if (argc == 3 && strcmp(argv[1], "--write-corpus") == 0)
		corpus_dir = argv[2];
	n = snprintf(base, sizeof base, "%s/tests/tmp", top ? top : ".");
	if (n < 0 || (size_t)n >= sizeof base)
		return 99;
	mkdir(base, 0700);
	snprintf(tmpdir, sizeof tmpdir, "%s/test_photo.XXXXXX", base);
	if (mkdtemp(tmpdir) == NULL) {
		perror(tmpdir);
		return 99;
	}

	test_libexif_made();
	test_malformed_gps();
	test_malformed_tiff();
	test_jpeg_structure();
	test_large_file();
	test_xmp();
	test_types();
	test_files();
	if (corpus_dir == NULL)
		test_real_photos();
	ok(disagreements == 0 && compared > 50,
		"memory and file readings agree on all %d built cases", compared);

	char path[4400];
	snprintf(path, sizeof path, "%s/case.jpg", tmpdir);
	unlink(path);
	if (rmdir(tmpdir) != 0)
		perror(tmpdir);
	return tap_done();
}
