/* fixture: what the store and CLI tests share: fresh temp folders, files,
 * and small real JPEGs (tests/unit/photo_builder) with chosen GPS. */
#ifndef SIGACOR_STORE_FIXTURE_H
#define SIGACOR_STORE_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>

/* A fresh empty folder $top_builddir/tests/tmp/<name>.XXXXXX into buf. */
bool fixture_tmpdir(const char *name, char *buf, size_t len);
/* rm -r of a folder made by fixture_tmpdir. */
void fixture_rmdir(const char *path);
bool fixture_write(const char *path, const void *data, size_t len);
bool fixture_write_text(const char *path, const char *text);
/* Import csv (the registry's text) into the store, written first as
 * folder/residents.csv. */
struct store;
bool fixture_import_registry(struct store *s, const char *folder, const char *csv);

/* The temp files SQLite holds open, already unlinked (etilqs_*): each
 * named to `each` by its /proc/self/fd link, which opens it; how many. */
int fixture_sqlite_temp_files(void (*each)(const char *link, void *ctx), void *ctx);

struct fixture_photo {
	bool gps;
	double lat, lon;             /* decimal degrees, S and W negative */
	const char *taken_at;        /* "2025:03:14 09:21:05" or NULL */
	const char *salt;            /* a comment that makes the bytes unique, or NULL */
	int width, height;           /* a real image of this size (libjpeg); 0: 1x1 */
	int orientation;             /* EXIF Orientation 1-8, 0: none */
	bool dark_left;              /* the image's left half black, its right half
	                                white (to see which way a preview turned it) */
};
/* A JPEG that photo_read accepts (small unless width and height are given). */
bool fixture_jpeg(const char *path, const struct fixture_photo *spec);

#endif
