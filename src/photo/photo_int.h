/* photo internals shared by the files of src/photo/ (not a public header).
 *
 * Everything reads the photo through a photo_src: bytes in memory, or a file
 * read in windows with pread, so that reading EXIF touches only the first
 * segments of a large JPEG. */
#ifndef SIGACOR_PHOTO_INT_H
#define SIGACOR_PHOTO_INT_H

#include "photo.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The file window: big enough for any JPEG segment (at most 65,537 bytes with
 * its marker) plus the headers that follow it. */
#define PHOTO_SRC_CAP (128u * 1024u)

struct photo_src {
	const unsigned char *mem;   /* the bytes, when reading from memory */
	int fd;                     /* else the file, read with pread */
	uint64_t size;              /* total bytes in the photo */
	unsigned char *buf;         /* file window of PHOTO_SRC_CAP bytes */
	uint64_t buf_off;           /* file offset of buf[0] */
	size_t buf_len;             /* valid bytes in buf */
	uint64_t bytes_read;        /* what pread has read so far */
	bool io_error;              /* a read failed (not merely short) */
};

/* n bytes at off, or NULL when they lie past the end, n exceeds the window,
 * or reading fails.  The pointer is valid until the next call. */
const unsigned char *photo_src_view(struct photo_src *src, uint64_t off, size_t n);

/* Where the interesting segments of a JPEG are, found by walking its markers
 * from SOI to SOS. */
struct jpeg_layout {
	bool whole;                 /* SOI ... SOF ... SOS found intact */
	bool exif_found;            /* an APP1 "Exif\0\0" segment before SOS */
	uint64_t exif_off;          /* the first one: offset of its TIFF header */
	size_t exif_len;            /* TIFF bytes in that segment (may be 0) */
	uint64_t xmp_off;           /* first APP1 XMP packet (after its namespace) */
	size_t xmp_len;             /* 0 when none */
};

void jpeg_walk(struct photo_src *src, struct jpeg_layout *out);

/* EXIF (TIFF bytes of the APP1 segment) into out->gps, taken_at, orientation.
 * Returns false only when memory runs out. */
bool exif_read_tiff(const unsigned char *tiff, size_t len, struct photo_facts *out);

/* The APP1 payload ("Exif\0\0" + TIFF, malloc'd) of a copy of the photo
 * whose TIFF bytes (NULL when none) gave facts: the entries behind each fact
 * found (GPS position, altitude and time, DateTimeOriginal, Orientation)
 * copied byte for byte, a position from XMP written as decimal degrees;
 * nothing else.  *out NULL when there is nothing to keep. */
void exif_build_copy(const unsigned char *tiff, size_t len, const struct photo_facts *facts,
	unsigned char **out, unsigned *out_len);

/* exif:GPSLatitude / exif:GPSLongitude of an XMP packet.  Fills gps and returns
 * PHOTO_GPS_OK, or NO_GPS when the packet has no coordinates, or the reason
 * they are unusable. */
enum photo_gps_problem xmp_read_gps(const unsigned char *xmp, size_t len, struct photo_gps *gps);

/* The checks EXIF and XMP share (gps.c).  One coordinate from its degrees,
 * minutes and seconds (non-negative): PHOTO_GPS_OK or OUT_OF_RANGE. */
enum photo_gps_problem gps_from_dms(double deg, double min, double sec, bool is_lat,
	double *out);

/* Put a position together: placeholder 0,0, then the hemisphere letters
 * (0 when absent; never guessed).  Fills gps->lat/lon/present on success. */
enum photo_gps_problem gps_set_position(struct photo_gps *gps, double lat, char lat_ref,
	double lon, char lon_ref);

#endif
