/* fuzz_exif: photo_read_buffer on arbitrary bytes (libFuzzer).
 * Whatever the input, it must not crash, and a position it reports must be
 * a real coordinate. */
#include "config.h"
#include "photo.h"

#include <math.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct photo_facts f;

	(void)photo_read_buffer(data, size, PHOTO_READ_EXIF, &f);
	if (f.gps.present && (!(fabs(f.gps.lat) <= 90.0) || !(fabs(f.gps.lon) <= 180.0) ||
	    (f.gps.lat == 0.0 && f.gps.lon == 0.0)))
		abort();
	if (f.orientation < 0 || f.orientation > 8)
		abort();
	return 0;
}
