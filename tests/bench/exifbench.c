/* exifbench: reading a photo's position and time in one process, sigacor's
 * photo module beside bare libexif, over the same files.
 *   exifbench sigacor|sigacor-hash|libexif PASSES FILE...
 * prints "us_per_photo max_bytes_read": the mean over the best of PASSES
 * passes over all files (page cache warm), and for sigacor the most bytes
 * photo_read read from one file (its own count, cross-checked by bench.sh
 * with strace). */
#include "config.h"
#include "photo.h"

#include <libexif/exif-data.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* What a program that wants the position and the time does with libexif:
 * load the file's EXIF, look up the GPS and time tags, read them. */
static int libexif_read(const char *path)
{
	ExifData *d = exif_data_new_from_file(path);
	if (d == NULL)
		return 0;
	int found = 0;
	static const struct { ExifIfd ifd; ExifTag tag; } want[] = {
		{ EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_LATITUDE },
		{ EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_LATITUDE_REF },
		{ EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_LONGITUDE },
		{ EXIF_IFD_GPS, (ExifTag)EXIF_TAG_GPS_LONGITUDE_REF },
		{ EXIF_IFD_EXIF, EXIF_TAG_DATE_TIME_ORIGINAL },
		{ EXIF_IFD_0, EXIF_TAG_ORIENTATION },
	};
	for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
		ExifEntry *e = exif_content_get_entry(d->ifd[want[i].ifd], want[i].tag);
		if (e != NULL) {
			char v[64];
			exif_entry_get_value(e, v, sizeof v);
			found += v[0] != '\0';
		}
	}
	exif_data_unref(d);
	return found;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: exifbench sigacor|sigacor-hash|libexif PASSES FILE...\n");
		return 2;
	}
	const char *mode = argv[1];
	int passes = atoi(argv[2]) > 0 ? atoi(argv[2]) : 1;
	int nfiles = argc - 3;
	int is_libexif = strcmp(mode, "libexif") == 0;
	unsigned flags = PHOTO_READ_EXIF | (strcmp(mode, "sigacor-hash") == 0 ? PHOTO_READ_HASH : 0);
	double best = 1e30;
	long long max_read = 0;
	for (int p = 0; p < passes; p++) {
		long bad = 0;
		double t0 = now_s();
		for (int i = 0; i < nfiles; i++) {
			const char *path = argv[3 + i];
			if (is_libexif) {
				bad += libexif_read(path) < 4;
			} else {
				struct photo_facts f;
				memset(&f, 0, sizeof f);
				bad += photo_read(path, flags, &f) != PHOTO_ERR_NONE || !f.gps.present;
				if (f.bytes_read > max_read)
					max_read = f.bytes_read;
			}
		}
		double t = now_s() - t0;
		if (bad > 0) {
			fprintf(stderr, "exifbench: %ld of %d files gave no position\n", bad, nfiles);
			return 1;
		}
		if (t < best)
			best = t;
	}
	printf("%.3f %lld\n", best / nfiles * 1e6, max_read);
	return 0;
}
