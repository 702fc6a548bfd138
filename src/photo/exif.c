/* exif: GPS, time and orientation from the TIFF bytes of an Exif APP1.
 *
 * libexif parses the entries; we trust none of what it returns.  Every entry
 * is checked here for its format, count and size before a byte is read, and
 * every value for its range.
 *
 * Before libexif runs, a short walk of IFD 0 of our own, on a private copy:
 *  - checks the GPS pointer: one LONG inside the data (libexif follows a
 *    pointer of any type, even a string's offset);
 *  - moves that pointer to the front of IFD 0, so that it is the one libexif
 *    follows (libexif takes the first GPS pointer met, in any IFD);
 *  - hides the maker note: we need nothing in it, and its vendor parsers are
 *    the riskiest and slowest part of libexif, which cannot skip them;
 *  - hides IFD 0 pointers that point past the data (libexif 0.6.24 gives up
 *    the rest of IFD 0 at the first one). */
#include "config.h"
#include "photo_int.h"
#include "calendar.h"

#include <libexif/exif-data.h>
#include <libexif/exif-log.h>
#include <libexif/exif-mem.h>
#include <libexif/exif-utils.h>
#include <stdlib.h>
#include <string.h>

#define TAG_EXIF_POINTER 0x8769
#define TAG_GPS_POINTER 0x8825
#define TAG_INTEROP_POINTER 0xA005
#define TAG_THUMBNAIL_OFFSET 0x0201
#define TAG_THUMBNAIL_LENGTH 0x0202
#define TAG_MAKER_NOTE 0x927C
/* A tag libexif does not know in the Exif IFD, so that, with
 * EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS, it skips the entry unread (the unit
 * test checks that libexif indeed has no name for it). */
#define TAG_HIDDEN 0xFFFF

#define TIFF_FORMAT_LONG 4
#define TIFF_FORMAT_IFD 13

/* ------------------------------------------------------------ our IFD walk */

struct tiff {
	unsigned char *p;       /* our private copy, after the 6-byte Exif header */
	size_t len;
	bool le;                /* "II" */
};

static unsigned get16(const struct tiff *t, size_t off)
{
	const unsigned char *b = t->p + off;
	return t->le ? (unsigned)b[0] | ((unsigned)b[1] << 8)
		     : ((unsigned)b[0] << 8) | b[1];
}

static uint32_t get32(const struct tiff *t, size_t off)
{
	const unsigned char *b = t->p + off;
	return t->le ? (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) | ((uint32_t)b[3] << 24)
		     : ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

static void put16(struct tiff *t, size_t off, unsigned v)
{
	unsigned char *b = t->p + off;
	b[t->le ? 0 : 1] = (unsigned char)(v & 0xFF);
	b[t->le ? 1 : 0] = (unsigned char)(v >> 8);
}

/* An IFD starts inside the data, after the 8-byte header, with room for its
 * entry count. */
static bool ifd_offset_ok(const struct tiff *t, uint32_t off)
{
	return off >= 8 && off < t->len && t->len - off >= 2;
}

/* How many entries of the IFD at ifd lie inside the data. */
static size_t ifd_entries(const struct tiff *t, uint32_t ifd)
{
	size_t n = get16(t, ifd);
	size_t room = (t->len - ifd - 2) / 12;
	return n < room ? n : room;
}

/* The IFD's entry count promises more than the data holds. */
static bool ifd_truncated(const struct tiff *t, uint32_t ifd)
{
	return ifd_entries(t, ifd) < get16(t, ifd);
}

/* Offset of the entry with this tag in the IFD at ifd, or 0 when absent. */
static size_t ifd_find(const struct tiff *t, uint32_t ifd, unsigned tag)
{
	size_t n = ifd_entries(t, ifd);
	for (size_t i = 0; i < n; i++) {
		size_t e = ifd + 2 + 12 * i;
		if (get16(t, e) == tag)
			return e;
	}
	return 0;
}

enum pointer_state { POINTER_NONE, POINTER_OK, POINTER_BAD };

/* A sub-IFD pointer must be one LONG (or IFD) naming a place inside the data. */
static enum pointer_state ifd_pointer(const struct tiff *t, uint32_t ifd, unsigned tag,
	uint32_t *target)
{
	size_t e = ifd_find(t, ifd, tag);
	if (e == 0)
		return POINTER_NONE;
	unsigned format = get16(t, e + 2);
	if ((format != TIFF_FORMAT_LONG && format != TIFF_FORMAT_IFD) || get32(t, e + 4) != 1)
		return POINTER_BAD;
	*target = get32(t, e + 8);
	return ifd_offset_ok(t, *target) ? POINTER_OK : POINTER_BAD;
}

static void hide_maker_note(struct tiff *t, uint32_t ifd0)
{
	uint32_t exif_ifd;
	if (ifd_pointer(t, ifd0, TAG_EXIF_POINTER, &exif_ifd) != POINTER_OK)
		return;
	size_t e = ifd_find(t, exif_ifd, TAG_MAKER_NOTE);
	if (e != 0)
		put16(t, e, TAG_HIDDEN);
}

/* libexif loads the GPS IFD from the first GPS pointer it meets, in any
 * IFD, and ignores the later ones: a pointer inside the Exif IFD (read
 * before IFD 0's GPS pointer) would win.  Moving IFD 0's GPS pointer to the
 * front makes the one we checked the one libexif follows. */
static void gps_pointer_first(struct tiff *t, uint32_t ifd0)
{
	unsigned char first[12];
	size_t e = ifd_find(t, ifd0, TAG_GPS_POINTER);
	size_t front = ifd0 + 2;

	if (e == 0 || e == front)
		return;
	memcpy(first, t->p + front, 12);
	memcpy(t->p + front, t->p + e, 12);
	memcpy(t->p + e, first, 12);
}

/* libexif 0.6.24 stops reading IFD 0 at the first pointer (sub-IFD or
 * thumbnail) that points past the data, losing the entries after it, such
 * as the GPS pointer after a broken Exif pointer.  Hide those pointers. */
static void hide_bad_pointers(struct tiff *t, uint32_t ifd0)
{
	static const unsigned pointer_tags[] = { TAG_EXIF_POINTER, TAG_GPS_POINTER,
		TAG_INTEROP_POINTER, TAG_THUMBNAIL_OFFSET, TAG_THUMBNAIL_LENGTH };
	size_t n = ifd_entries(t, ifd0);

	for (size_t i = 0; i < n; i++) {
		size_t e = ifd0 + 2 + 12 * i;
		unsigned tag = get16(t, e);
		for (size_t k = 0; k < sizeof pointer_tags / sizeof pointer_tags[0]; k++)
			if (tag == pointer_tags[k] && get32(t, e + 8) >= t->len)
				put16(t, e, TAG_HIDDEN);
	}
}

/* Our walk of IFD 0 and the edits of the private copy described at the top.
 * False when IFD 0 cannot be found. */
static bool prepare(struct tiff *t, enum pointer_state *gps_ptr, bool *gps_truncated)
{
	uint32_t ifd0 = get32(t, 4), gps_ifd;

	if (!ifd_offset_ok(t, ifd0))
		return false;
	*gps_ptr = ifd_pointer(t, ifd0, TAG_GPS_POINTER, &gps_ifd);
	*gps_truncated = *gps_ptr == POINTER_OK && ifd_truncated(t, gps_ifd);
	if (*gps_ptr == POINTER_OK)
		gps_pointer_first(t, ifd0);
	hide_maker_note(t, ifd0);
	hide_bad_pointers(t, ifd0);
	return true;
}

/* ------------------------------------------------------------ entry checks */

struct reader {
	ExifData *ed;
	ExifByteOrder order;
	bool corrupt;           /* libexif reported corrupt data */
};

static ExifEntry *entry_get(const struct reader *r, ExifIfd ifd, ExifTag tag)
{
	ExifEntry *e = exif_content_get_entry(r->ed->ifd[ifd], tag);
	if (e == NULL || e->data == NULL || e->components == 0)
		return NULL;
	/* the size must be what format and count say, or we read out of bounds */
	unsigned unit = exif_format_get_size(e->format);
	if (unit == 0 || e->components > e->size / unit || e->size != unit * e->components)
		return NULL;
	return e;
}

/* n-th rational (or signed rational, taken by absolute value); false on a
 * zero denominator. */
static bool rational_at(const struct reader *r, const ExifEntry *e, unsigned i, double *out)
{
	int64_t num, den;

	if (e->format == EXIF_FORMAT_SRATIONAL) {
		ExifSRational v = exif_get_srational(e->data + 8 * i, r->order);
		num = v.numerator < 0 ? -(int64_t)v.numerator : v.numerator;
		den = v.denominator < 0 ? -(int64_t)v.denominator : v.denominator;
	} else {
		ExifRational v = exif_get_rational(e->data + 8 * i, r->order);
		num = v.numerator;
		den = v.denominator;
	}
	if (den == 0)
		return false;
	*out = (double)num / (double)den;
	return true;
}

static bool is_rational(const ExifEntry *e)
{
	return e->format == EXIF_FORMAT_RATIONAL || e->format == EXIF_FORMAT_SRATIONAL;
}

/* Degrees, minutes, seconds.  Three rationals is the standard; one (decimal
 * degrees) and two (degrees, decimal minutes) hold the same kind of value and
 * some writers use them, so they are read too: the range checks refuse any
 * garbage they carry (such as 4294967295/1 degrees). */
static enum photo_gps_problem coord_format(const ExifEntry *e)
{
	if (!is_rational(e) || e->components < 1 || e->components > 3)
		return PHOTO_GPS_BAD_FORMAT;
	return PHOTO_GPS_OK;
}

static enum photo_gps_problem coord_parts(const struct reader *r, const ExifEntry *e,
	double part[3])
{
	part[0] = part[1] = part[2] = 0.0;
	for (unsigned i = 0; i < e->components; i++)
		if (!rational_at(r, e, i, &part[i]))
			return PHOTO_GPS_ZERO_DENOMINATOR;
	return PHOTO_GPS_OK;
}

/* The hemisphere letter: '\0' when absent or empty, '?' when the entry is
 * not a one-letter string (gps_set_position calls that a bad ref). */
static char ref_letter(const struct reader *r, ExifTag tag)
{
	ExifEntry *e = entry_get(r, EXIF_IFD_GPS, tag);
	if (e == NULL)
		return '\0';
	if (exif_format_get_size(e->format) != 1)
		return '?';
	for (unsigned i = 1; i < e->size; i++)
		if (e->data[i] != '\0' && e->data[i] != ' ')
			return '?';
	return (char)e->data[0];
}

/* ------------------------------------------------------------ GPS */

static enum photo_gps_problem read_position(const struct reader *r, struct photo_gps *gps)
{
	ExifEntry *lat_e = entry_get(r, EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE);
	ExifEntry *lon_e = entry_get(r, EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE);
	double lat_p[3], lon_p[3], lat, lon;
	enum photo_gps_problem p;

	if (lat_e == NULL && lon_e == NULL) {
		/* an entry libexif dropped as broken also counts as absent here */
		bool tags = exif_content_get_entry(r->ed->ifd[EXIF_IFD_GPS], EXIF_TAG_GPS_LATITUDE) ||
			exif_content_get_entry(r->ed->ifd[EXIF_IFD_GPS], EXIF_TAG_GPS_LONGITUDE);
		return tags ? PHOTO_GPS_BAD_FORMAT : PHOTO_GPS_NO_GPS;
	}
	if (lat_e == NULL || lon_e == NULL)
		return PHOTO_GPS_CORRUPT_EXIF;
	if ((p = coord_format(lat_e)) != PHOTO_GPS_OK || (p = coord_format(lon_e)) != PHOTO_GPS_OK)
		return p;
	if ((p = coord_parts(r, lat_e, lat_p)) != PHOTO_GPS_OK ||
	    (p = coord_parts(r, lon_e, lon_p)) != PHOTO_GPS_OK)
		return p;
	if ((p = gps_from_dms(lat_p[0], lat_p[1], lat_p[2], true, &lat)) != PHOTO_GPS_OK ||
	    (p = gps_from_dms(lon_p[0], lon_p[1], lon_p[2], false, &lon)) != PHOTO_GPS_OK)
		return p;
	return gps_set_position(gps, lat, ref_letter(r, EXIF_TAG_GPS_LATITUDE_REF),
		lon, ref_letter(r, EXIF_TAG_GPS_LONGITUDE_REF));
}

/* GPSAltitudeRef 1 means below sea level; absent means above. */
static void read_altitude(const struct reader *r, struct photo_gps *gps)
{
	ExifEntry *e = entry_get(r, EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE);
	ExifEntry *ref = entry_get(r, EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE_REF);
	double metres;
	unsigned below = 0;

	if (e == NULL || !is_rational(e) || e->components != 1 || !rational_at(r, e, 0, &metres))
		return;
	if (ref != NULL) {
		if (exif_format_get_size(ref->format) != 1 || ref->data[0] > 1)
			return;
		below = ref->data[0];
	}
	if (metres > 100000.0)
		return;
	gps->has_alt = true;
	gps->alt = below ? -metres : metres;
}

/* ------------------------------------------------------------ time */

static bool digits(const unsigned char *s, size_t n, int *out)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* a day of the calendar (core's), not before cameras */
static bool date_ok(int y, int mo, int d)
{
	return y >= 1900 && calendar_is_day(y, mo, d);
}

static void put_digits(char *p, int value, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + value % 10);
		value /= 10;
	}
}

/* "YYYY-MM-DD?HH:MM:SS" and a NUL (20 bytes) from validated fields. */
static void write_datetime(char *out, int y, int mo, int d, int h, int mi, int s, char mid)
{
	put_digits(out, y, 4);
	out[4] = '-';
	put_digits(out + 5, mo, 2);
	out[7] = '-';
	put_digits(out + 8, d, 2);
	out[10] = mid;
	put_digits(out + 11, h, 2);
	out[13] = ':';
	put_digits(out + 14, mi, 2);
	out[16] = ':';
	put_digits(out + 17, s, 2);
	out[19] = '\0';
}

/* "YYYY:MM:DD" (or with '-'), the date part of both EXIF date forms. */
static bool parse_date(const unsigned char *s, int *y, int *mo, int *d)
{
	return digits(s, 4, y) && (s[4] == ':' || s[4] == '-') &&
		digits(s + 5, 2, mo) && s[7] == s[4] && digits(s + 8, 2, d) &&
		date_ok(*y, *mo, *d);
}

/* DateTimeOriginal "YYYY:MM:DD HH:MM:SS"; impossible dates are absent. */
static void read_taken_at(const struct reader *r, struct photo_facts *out)
{
	ExifEntry *e = entry_get(r, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL);
	int y, mo, d, h, mi, s;

	if (e == NULL || e->format != EXIF_FORMAT_ASCII || e->size < 19)
		return;
	const unsigned char *t = e->data;
	if (!parse_date(t, &y, &mo, &d) || t[10] != ' ' ||
	    !digits(t + 11, 2, &h) || t[13] != ':' || !digits(t + 14, 2, &mi) ||
	    t[16] != ':' || !digits(t + 17, 2, &s) || h > 23 || mi > 59 || s > 59)
		return;
	write_datetime(out->taken_at, y, mo, d, h, mi, s, ' ');
}

/* GPSDateStamp + GPSTimeStamp (three rationals, seconds may be fractional). */
static void read_gps_time(const struct reader *r, struct photo_gps *gps)
{
	ExifEntry *date = entry_get(r, EXIF_IFD_GPS, EXIF_TAG_GPS_DATE_STAMP);
	ExifEntry *time = entry_get(r, EXIF_IFD_GPS, EXIF_TAG_GPS_TIME_STAMP);
	double hms[3];
	int y, mo, d;

	if (date == NULL || time == NULL || date->format != EXIF_FORMAT_ASCII ||
	    date->size < 10 || time->format != EXIF_FORMAT_RATIONAL || time->components != 3)
		return;
	if (!parse_date(date->data, &y, &mo, &d))
		return;
	for (unsigned i = 0; i < 3; i++)
		if (!rational_at(r, time, i, &hms[i]))
			return;
	if (hms[0] >= 24.0 || hms[1] >= 60.0 || hms[2] >= 60.0 ||
	    hms[0] != (double)(int)hms[0] || hms[1] != (double)(int)hms[1])
		return;
	write_datetime(gps->time_utc, y, mo, d, (int)hms[0], (int)hms[1], (int)hms[2], 'T');
	gps->time_utc[19] = 'Z';
	gps->time_utc[20] = '\0';
}

static void read_orientation(const struct reader *r, struct photo_facts *out)
{
	ExifEntry *e = entry_get(r, EXIF_IFD_0, EXIF_TAG_ORIENTATION);
	unsigned v;

	if (e == NULL || e->components != 1)
		return;
	if (e->format == EXIF_FORMAT_SHORT)
		v = exif_get_short(e->data, r->order);
	else if (e->format == EXIF_FORMAT_LONG)
		v = exif_get_long(e->data, r->order);
	else
		return;
	if (v >= 1 && v <= 8)
		out->orientation = (int)v;
}

/* ------------------------------------------------------------ libexif */

static void on_log(ExifLog *log, ExifLogCode code, const char *domain,
	const char *format, va_list args, void *data)
{
	(void)log; (void)domain; (void)format; (void)args;
	if (code == EXIF_LOG_CODE_CORRUPT_DATA)
		*(bool *)data = true;
}

static bool load(struct reader *r, const unsigned char *exif, size_t len)
{
	ExifLog *log = exif_log_new();

	r->ed = exif_data_new();
	if (r->ed == NULL || log == NULL) {
		if (log != NULL)
			exif_log_unref(log);
		return false;
	}
	exif_log_set_func(log, on_log, &r->corrupt);
	exif_data_log(r->ed, log);
	exif_log_unref(log);            /* the ExifData holds its own reference */
	/* never "fix" the data: we want to see what the file says */
	exif_data_unset_option(r->ed, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	exif_data_set_option(r->ed, EXIF_DATA_OPTION_IGNORE_UNKNOWN_TAGS);
	exif_data_load_data(r->ed, exif, (unsigned)len);
	r->order = exif_data_get_byte_order(r->ed);
	return true;
}

static void read_gps(const struct reader *r, enum pointer_state gps_ptr, bool truncated,
	struct photo_gps *gps)
{
	if (gps_ptr == POINTER_BAD) {
		gps->problem = PHOTO_GPS_CORRUPT_EXIF;
		return;
	}
	if (gps_ptr == POINTER_NONE) {
		gps->problem = PHOTO_GPS_NO_GPS;
		return;
	}
	enum photo_gps_problem p = read_position(r, gps);
	if (p == PHOTO_GPS_NO_GPS && (truncated ||
	    (r->corrupt && r->ed->ifd[EXIF_IFD_GPS]->count == 0)))
		p = PHOTO_GPS_CORRUPT_EXIF;
	gps->problem = p;
	read_altitude(r, gps);
	read_gps_time(r, gps);
}

/* Our checks and libexif on a private copy of the TIFF bytes.  r->ed stays
 * NULL when the bytes are no TIFF or IFD 0 cannot be found; false only when
 * memory runs out. */
static bool open_tiff(const unsigned char *tiff, size_t len, struct reader *r,
	enum pointer_state *gps_ptr, bool *gps_truncated)
{
	r->ed = NULL;
	if (len < 8 || len > 0xFFFF)
		return true;
	if (memcmp(tiff, "II*\0", 4) != 0 && memcmp(tiff, "MM\0*", 4) != 0)
		return true;
	/* libexif wants the Exif header first; the copy is also ours to edit */
	unsigned char *copy = malloc(6 + len);
	if (copy == NULL)
		return false;
	memcpy(copy, "Exif\0\0", 6);
	memcpy(copy + 6, tiff, len);
	struct tiff t = { .p = copy + 6, .len = len, .le = tiff[0] == 'I' };
	if (!prepare(&t, gps_ptr, gps_truncated)) {
		free(copy);
		return true;
	}
	bool loaded = load(r, copy, 6 + len);
	free(copy);
	return loaded;
}

bool exif_read_tiff(const unsigned char *tiff, size_t len, struct photo_facts *out)
{
	struct reader r = { .ed = NULL };
	enum pointer_state gps_ptr;
	bool gps_truncated;

	out->gps.problem = PHOTO_GPS_CORRUPT_EXIF;
	bool loaded = open_tiff(tiff, len, &r, &gps_ptr, &gps_truncated);
	if (loaded && r.ed != NULL) {
		read_gps(&r, gps_ptr, gps_truncated, &out->gps);
		read_taken_at(&r, out);
		read_orientation(&r, out);
	}
	if (r.ed != NULL)
		exif_data_unref(r.ed);
	return loaded;
}

/* ------------------------------------------------------------ the copy's EXIF */

static ExifEntry *entry_add(ExifData *ed, ExifIfd ifd, ExifTag tag, ExifFormat format,
	unsigned long components)
{
	ExifMem *mem = exif_mem_new_default();
	ExifEntry *e = mem != NULL ? exif_entry_new_mem(mem) : NULL;
	unsigned size = exif_format_get_size(format) * (unsigned)components;
	if (e != NULL && (e->data = exif_mem_alloc(mem, size)) == NULL) {
		exif_entry_unref(e);
		e = NULL;
	}
	if (mem != NULL)
		exif_mem_unref(mem);
	if (e == NULL)
		return NULL;
	e->tag = tag;
	e->format = format;
	e->components = components;
	e->size = size;
	exif_content_add_entry(ed->ifd[ifd], e);
	exif_entry_unref(e);            /* the IFD holds it */
	return e;
}

/* The original's entry, byte for byte (the copy has the same byte order). */
static void entry_copy(ExifData *dst, const struct reader *r, ExifIfd ifd, ExifTag tag)
{
	const ExifEntry *from = entry_get(r, ifd, tag);
	ExifEntry *e = from != NULL
		? entry_add(dst, ifd, tag, from->format, from->components) : NULL;
	if (e != NULL)
		memcpy(e->data, from->data, from->size);
}

/* A position from XMP: one rational of decimal degrees and its letter. */
static void coordinate_add(ExifData *dst, ExifTag tag, ExifTag ref_tag, double value,
	char pos, char neg)
{
	ExifByteOrder order = exif_data_get_byte_order(dst);
	ExifEntry *ref = entry_add(dst, EXIF_IFD_GPS, ref_tag, EXIF_FORMAT_ASCII, 2);
	ExifEntry *e = entry_add(dst, EXIF_IFD_GPS, tag, EXIF_FORMAT_RATIONAL, 1);
	if (ref == NULL || e == NULL)
		return;
	ref->data[0] = (unsigned char)(value < 0 ? neg : pos);
	ref->data[1] = '\0';
	double a = value < 0 ? -value : value;
	ExifRational q = { (ExifLong)(a * 10000000.0 + 0.5), 10000000 };
	exif_set_rational(e->data, order, q);
}

void exif_build_copy(const unsigned char *tiff, size_t len, const struct photo_facts *facts,
	unsigned char **out, unsigned *out_len)
{
	struct reader r = { .ed = NULL };
	enum pointer_state gps_ptr;
	bool gps_truncated;
	*out = NULL;
	*out_len = 0;
	if (tiff != NULL && !open_tiff(tiff, len, &r, &gps_ptr, &gps_truncated))
		return;
	ExifData *dst = exif_data_new();
	if (dst == NULL)
		goto done;
	exif_data_unset_option(dst, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
	exif_data_set_byte_order(dst, r.ed != NULL ? r.order : EXIF_BYTE_ORDER_INTEL);
	const struct photo_gps *g = &facts->gps;
	if (r.ed != NULL) {
		if (facts->orientation > 0)
			entry_copy(dst, &r, EXIF_IFD_0, EXIF_TAG_ORIENTATION);
		if (facts->taken_at[0] != '\0')
			entry_copy(dst, &r, EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL);
		if (g->present && !g->from_xmp) {
			entry_copy(dst, &r, EXIF_IFD_GPS, EXIF_TAG_GPS_VERSION_ID);
			entry_copy(dst, &r, EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE_REF);
			entry_copy(dst, &r, EXIF_IFD_GPS, EXIF_TAG_GPS_LATITUDE);
			entry_copy(dst, &r, EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE_REF);
			entry_copy(dst, &r, EXIF_IFD_GPS, EXIF_TAG_GPS_LONGITUDE);
		}
		if (g->has_alt) {
			entry_copy(dst, &r, EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE_REF);
			entry_copy(dst, &r, EXIF_IFD_GPS, EXIF_TAG_GPS_ALTITUDE);
		}
		if (g->time_utc[0] != '\0') {
			entry_copy(dst, &r, EXIF_IFD_GPS, EXIF_TAG_GPS_DATE_STAMP);
			entry_copy(dst, &r, EXIF_IFD_GPS, EXIF_TAG_GPS_TIME_STAMP);
		}
	}
	if (g->present && g->from_xmp) {
		coordinate_add(dst, EXIF_TAG_GPS_LATITUDE, EXIF_TAG_GPS_LATITUDE_REF, g->lat, 'N', 'S');
		coordinate_add(dst, EXIF_TAG_GPS_LONGITUDE, EXIF_TAG_GPS_LONGITUDE_REF, g->lon, 'E', 'W');
	}
	bool any = false;
	for (int i = 0; i < EXIF_IFD_COUNT; i++)
		any = any || dst->ifd[i]->count > 0;
	if (any) {
		exif_data_save_data(dst, out, out_len);
		if (*out != NULL && *out_len > 0xFFFF - 2) {  /* no room in a segment */
			free(*out);
			*out = NULL;
			*out_len = 0;
		}
	}
done:
	if (dst != NULL)
		exif_data_unref(dst);
	if (r.ed != NULL)
		exif_data_unref(r.ed);
}
