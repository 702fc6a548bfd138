/* fuzz_exif: photo_read_buffer on arbitrary bytes (libFuzzer).
 *
 * An input starting with 'E' is the TIFF data of an Exif segment and one
 * starting with 'X' an XMP packet: each is wrapped in a whole JPEG, so the
 * mutations reach the EXIF and XMP readers instead of breaking the JPEG
 * structure.  Any other input is read as a file as it is.  Whatever the
 * input, nothing may crash, and a position must be a real coordinate. */
#include "config.h"
#include "photo.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/photo_builder.h"

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void check(const struct photo_facts *f)
{
	if (f->gps.present && (!(fabs(f->gps.lat) <= 90.0) || !(fabs(f->gps.lon) <= 180.0) ||
	    (f->gps.lat == 0.0 && f->gps.lon == 0.0)))
		abort();
	if (f->orientation < 0 || f->orientation > 8)
		abort();
	if (memchr(f->taken_at, '\0', sizeof f->taken_at) == NULL ||
	    memchr(f->gps.time_utc, '\0', sizeof f->gps.time_utc) == NULL)
		abort();
}

/* SOI, APP1 of magic + payload, the 1x1 image. */
static void read_wrapped(const char *magic, size_t magic_len, const unsigned char *payload,
	size_t n)
{
	struct buf seg = { 0 }, jpeg = { 0 };
	struct photo_facts f;

	if (n > 65533 - magic_len)
		n = 65533 - magic_len;
	buf_add(&seg, magic, magic_len);
	buf_add(&seg, payload, n);
	jpeg_begin(&jpeg);
	jpeg_segment(&jpeg, 0xE1, seg.p, seg.len);
	jpeg_image(&jpeg);
	if (photo_read_buffer(jpeg.p, jpeg.len, PHOTO_READ_EXIF | PHOTO_READ_HASH, &f) != PHOTO_ERR_NONE)
		abort();        /* a whole JPEG is usable, whatever its EXIF */
	check(&f);
	buf_free(&seg);
	buf_free(&jpeg);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct photo_facts f;

	if (size > 0 && data[0] == 'E') {
		read_wrapped("Exif\0\0", 6, data + 1, size - 1);
	} else if (size > 0 && data[0] == 'X') {
		read_wrapped("http://ns.adobe.com/xap/1.0/", 29, data + 1, size - 1);
	} else {
		(void)photo_read_buffer(data, size, PHOTO_READ_EXIF, &f);
		check(&f);
	}
	return 0;
}
