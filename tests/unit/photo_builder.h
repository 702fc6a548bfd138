/* photo_builder: JPEGs made to order for the photo tests.
 *
 * A JPEG is SOI, the segments a test chooses (APP1 Exif, XMP, junk...), then
 * a real 1x1 grey baseline image (DQT, SOF0, DHT, SOS, data, EOI) that
 * libjpeg decodes without a warning.  The EXIF comes either from libexif
 * (exif_data_save_data: the well-formed cases) or from a TIFF writer of our
 * own that writes any format, count and offset a test asks for (the
 * malformed cases). */
#ifndef SIGACOR_PHOTO_BUILDER_H
#define SIGACOR_PHOTO_BUILDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf {
	unsigned char *p;
	size_t len, cap;
};

void buf_add(struct buf *b, const void *data, size_t n);
void buf_free(struct buf *b);

/* SOI; then segments; then the 1x1 image through EOI. */
void jpeg_begin(struct buf *b);
void jpeg_segment(struct buf *b, unsigned marker, const void *payload, size_t n);
void jpeg_exif(struct buf *b, const struct buf *tiff);       /* APP1 "Exif\0\0" + tiff */
void jpeg_xmp(struct buf *b, const char *packet);             /* APP1 XMP */
void jpeg_image(struct buf *b);

/* TIFF (EXIF) entries for the hand writer.  Values by format: SHORT/LONG
 * from v[], (S)RATIONAL from v[] as numerator, denominator pairs, byte
 * formats (BYTE, ASCII, UNDEFINED) from bytes (count bytes). */
struct tag {
	uint16_t tag, format;
	uint32_t count;
	uint32_t v[8];
	const char *bytes;
	bool raw;               /* write raw_value into the value field, no data */
	uint32_t raw_value;
};

#define FMT_BYTE 1
#define FMT_ASCII 2
#define FMT_SHORT 3
#define FMT_LONG 4
#define FMT_RATIONAL 5
#define FMT_UNDEFINED 7
#define FMT_SRATIONAL 10

struct tiff_spec {
	bool le;                        /* "II" or "MM" */
	const struct tag *ifd0; size_t n0;
	const struct tag *exif; size_t nexif;   /* NULL: no Exif IFD */
	const struct tag *gps; size_t ngps;     /* NULL: no GPS IFD */
	/* the GPS pointer in IFD 0; all zero: a LONG pointing at the GPS IFD */
	uint16_t gps_ptr_format;
	bool gps_ptr_raw;
	uint32_t gps_ptr_value;
	size_t cut;                     /* keep only this many bytes (0: all) */
};

void tiff_build(const struct tiff_spec *spec, struct buf *out);

/* A well-formed EXIF written by libexif: GPS from degrees/minutes/seconds
 * (given as rationals), refs, altitude, times, orientation. */
struct exif_spec {
	bool le;
	bool gps;
	uint32_t lat[6], lon[6];        /* d, m, s as numerator/denominator pairs */
	const char *lat_ref, *lon_ref;  /* NULL: no ref entry */
	bool alt;
	uint32_t alt_num, alt_den;
	int alt_ref;                    /* -1: no ref entry */
	const char *gps_date;           /* "2025:03:14" or NULL */
	uint32_t gps_time[6];           /* h, m, s pairs; used with gps_date */
	const char *taken_at;           /* DateTimeOriginal or NULL */
	int orientation;                /* 0: none */
};

void exif_build_libexif(const struct exif_spec *spec, struct buf *out);

#endif
