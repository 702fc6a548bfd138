/* jpeg: walk the markers of a JPEG from SOI to SOS.
 *
 * Finds the first Exif and XMP APP1 segments and tells whether the file is a
 * whole image (a frame header, then the start of the image data).  It reads
 * segment headers only, never the image data.  Every loop is bounded: junk
 * between segments is skipped as libjpeg does, up to a budget. */
#include "config.h"
#include "photo_int.h"

#include <string.h>

/* More segments than any camera writes before its image data. */
#define MAX_SEGMENTS 1000
/* Junk and fill bytes tolerated between segments, in all. */
#define JUNK_BUDGET (64u * 1024u)
#define SCAN_CHUNK 4096u

static const char exif_magic[] = "Exif\0\0";                  /* 6 bytes */
static const char xmp_magic[] = "http://ns.adobe.com/xap/1.0/"; /* and a NUL: 29 */
#define EXIF_MAGIC_LEN 6u
#define XMP_MAGIC_LEN 29u

static unsigned be16(const unsigned char *p)
{
	return ((unsigned)p[0] << 8) | p[1];
}

/* Skip to the next 0xFF that starts a marker (not a stuffed FF 00). */
static bool resync(struct photo_src *src, uint64_t *off, size_t *budget)
{
	while (*budget > 0 && *off + 2 <= src->size) {
		size_t n = SCAN_CHUNK;
		if (n > *budget + 1)
			n = *budget + 1;
		if (n > src->size - *off)
			n = (size_t)(src->size - *off);
		const unsigned char *p = photo_src_view(src, *off, n);
		if (p == NULL)
			return false;
		for (size_t i = 0; i + 1 < n; i++) {
			if (p[i] == 0xFF && p[i + 1] != 0x00) {
				*off += i;
				*budget -= i;
				return true;
			}
		}
		*off += n - 1;
		*budget = *budget > n - 1 ? *budget - (n - 1) : 0;
	}
	return false;
}

static bool is_sof(unsigned m)
{
	return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

/* A frame header that describes a real image: width, 1-4 components, and a
 * length that matches them. */
static bool sof_sane(struct photo_src *src, uint64_t payload, unsigned len)
{
	if (len < 6)
		return false;
	const unsigned char *p = photo_src_view(src, payload, 6);
	if (p == NULL)
		return false;
	unsigned width = be16(p + 3), ncomp = p[5];
	return width > 0 && ncomp >= 1 && ncomp <= 4 && len == 6 + 3 * ncomp;
}

static void note_app1(struct photo_src *src, uint64_t payload, unsigned len,
	struct jpeg_layout *out)
{
	unsigned want = len < XMP_MAGIC_LEN ? len : XMP_MAGIC_LEN;
	if (want < EXIF_MAGIC_LEN)
		return;
	const unsigned char *p = photo_src_view(src, payload, want);
	if (p == NULL)
		return;
	if (!out->exif_found && memcmp(p, exif_magic, EXIF_MAGIC_LEN) == 0) {
		out->exif_found = true;
		out->exif_off = payload + EXIF_MAGIC_LEN;
		out->exif_len = len - EXIF_MAGIC_LEN;
	} else if (out->xmp_len == 0 && want == XMP_MAGIC_LEN &&
		   memcmp(p, xmp_magic, XMP_MAGIC_LEN) == 0 && len > XMP_MAGIC_LEN) {
		out->xmp_off = payload + XMP_MAGIC_LEN;
		out->xmp_len = len - XMP_MAGIC_LEN;
	}
}

void jpeg_walk(struct photo_src *src, struct jpeg_layout *out)
{
	uint64_t off = 2;               /* after SOI, which the sniffer saw */
	size_t budget = JUNK_BUDGET;
	bool sof_seen = false;

	memset(out, 0, sizeof *out);
	for (int segments = 0; segments < MAX_SEGMENTS; ) {
		const unsigned char *h = photo_src_view(src, off, 2);
		if (h == NULL)
			return;
		if (h[0] != 0xFF || h[1] == 0x00) {
			if (!resync(src, &off, &budget))
				return;
			continue;
		}
		if (h[1] == 0xFF) {             /* fill byte before a marker */
			if (budget == 0)
				return;
			budget--;
			off++;
			continue;
		}
		unsigned marker = h[1];
		off += 2;
		if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
			segments++;             /* standalone, no length */
			continue;
		}
		if (marker == 0xD8 || marker == 0xD9)
			return;                 /* SOI again, or EOI before any image data */
		const unsigned char *l = photo_src_view(src, off, 2);
		if (l == NULL)
			return;
		unsigned len = be16(l);
		if (len < 2 || len > src->size - off)
			return;                 /* cut off, or a length that lies */
		if (marker == 0xDA) {
			out->whole = sof_seen && len >= 8;
			return;
		}
		if (is_sof(marker)) {
			if (!sof_sane(src, off + 2, len - 2))
				return;
			sof_seen = true;
		} else if (marker == 0xE1) {
			note_app1(src, off + 2, len - 2, out);
		}
		off += len;
		segments++;
	}
}
