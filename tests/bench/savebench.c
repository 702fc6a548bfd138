/* savebench: the durable save of a household's three photos (issue 12:
 * "durable save with three photos <= 30 ms"), in a clear store (store_open)
 * and in a keyed one (a profile with a password, opened as sigacor opens
 * it, tests/bench/benchprofile.h: each photo sealed), each run a fresh draft: store_photo_import of the three photos (each written whole:
 * temp file, fsync, rename, folder fsync) and store_record_save (a commit
 * with synchronous=FULL).  The photos are the copies a profile keeps
 * (doc/PHOTOS.md: made once here from the originals, untimed), so the time
 * is the store's, not the downscale's.  Between runs the draft and its
 * files are removed (untimed), so every run writes its files anew.
 *
 *   savebench DIR RUNS clear|keyed ORIGINAL1 ORIGINAL2 ORIGINAL3
 * DIR new or empty: the profile is DIR/clear or DIR/keyed.
 * prints one line a run: milliseconds. */
#include "config.h"
#include "benchprofile.h"
#include "photo.h"
#include "store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* The copy a profile keeps of original, written to path. */
static bool make_kept_copy(const char *original, const char *path)
{
	struct photo_facts facts;
	struct photo_copy copy;
	struct photo_copy_options opt = { PHOTO_COPY_LONG_SIDE, PHOTO_COPY_QUALITY };
	if (photo_read(original, PHOTO_READ_EXIF, &facts) != PHOTO_ERR_NONE ||
		photo_copy_make(original, &facts, &opt, &copy) != PHOTO_ERR_NONE)
		return false;
	FILE *f = fopen(path, "wb");
	bool fine = f != NULL && copy.data != NULL && fwrite(copy.data, 1, copy.len, f) == copy.len;
	if (f != NULL)
		fine = fclose(f) == 0 && fine;
	photo_copy_free(&copy);
	return fine;
}

static bool one_save(struct store *s, char photos[PHOTO_KIND_COUNT][4200], double *ms)
{
	struct record r;
	memset(&r, 0, sizeof r);
	snprintf(r.nik, sizeof r.nik, "3671011503850002");
	snprintf(r.name, sizeof r.name, "Bench");
	snprintf(r.kelurahan, sizeof r.kelurahan, "36.71.01.1001");
	double t0 = now_ms();
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		if (store_photo_import(s, photos[k], &r.photos[k]) != STORE_OK)
			return false;
	if (store_record_save(s, &r) != STORE_OK)
		return false;
	*ms = now_ms() - t0;
	bool gone = store_record_delete_draft(s, r.uuid) == STORE_OK;
	for (int k = 0; gone && k < PHOTO_KIND_COUNT; k++)
		gone = store_photo_discard(s, r.photos[k].sha256) == STORE_OK;
	return gone;
}

int main(int argc, char **argv)
{
	if (argc != 7 || (strcmp(argv[3], "clear") != 0 && strcmp(argv[3], "keyed") != 0)) {
		fprintf(stderr, "usage: savebench DIR RUNS clear|keyed ORIGINAL1 ORIGINAL2 ORIGINAL3\n");
		return 2;
	}
	const char *dir = argv[1];
	int runs = atoi(argv[2]);
	char photos[PHOTO_KIND_COUNT][4200], profile[4200], err[512];
	for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
		snprintf(photos[k], sizeof photos[k], "%s/kept-%d.jpg", dir, k);
		if (!make_kept_copy(argv[4 + k], photos[k])) {
			fprintf(stderr, "savebench: no copy of %s\n", argv[4 + k]);
			return 1;
		}
	}
	snprintf(profile, sizeof profile, "%s/%s", dir, argv[3]);
	static const char password[] = "bench-save-1";
	bool keyed = strcmp(argv[3], "keyed") == 0;
	struct store *s;
	if ((keyed && !bench_profile_set_password(profile, password, err, sizeof err))
		|| bench_profile_open(profile, keyed ? password : NULL, &s, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "savebench: %s\n", err);
		return 1;
	}
	for (int i = 0; i < runs; i++) {
		double ms;
		if (!one_save(s, photos, &ms)) {
			fprintf(stderr, "savebench: %s\n", store_error(s));
			store_close(s);
			return 1;
		}
		printf("%.3f\n", ms);
	}
	store_close(s);
	return 0;
}
