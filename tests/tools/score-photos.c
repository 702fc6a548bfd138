/* score-photos: run photo_read on every file of a photo corpus and compare
 * with its manifest.csv (columns file, set, has_gps, lat, lon, ...,
 * datetime_original, orientation, file_type, sha256; see the corpus README).
 *
 *   score-photos MANIFEST DIR [--bench]
 *
 * A file is looked for as DIR/<file>, then DIR/<set>/<file>.  Expectations:
 *   has_gps=yes    a position within 1e-5 degrees of lat/lon; except 0,0,
 *                  which sigacor refuses on purpose as a placeholder fix;
 *   no, invalid, vendor_only: no position;
 *   a file_type other than JPEG: not_jpeg.
 * Prints each mismatch, then the score line; exits 1 on a wrong coordinate
 * or a not_jpeg mismatch.  --bench also times EXIF-only reads. */
#include "config.h"
#include "photo.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_LINE 65536
#define MAX_FIELDS 40
#define TOLERANCE 1e-5

/* One CSV line (RFC 4180 quoting, no newlines inside fields) split in place. */
static int split_csv(char *line, char *field[], int max)
{
	int n = 0;
	char *r = line, *w = line;

	line[strcspn(line, "\r\n")] = '\0';
	while (n < max) {
		field[n++] = w;
		if (*r == '"') {
			r++;
			for (;;) {
				if (*r == '\0')
					break;
				if (*r == '"' && r[1] == '"') {
					*w++ = '"';
					r += 2;
				} else if (*r == '"') {
					r++;
					break;
				} else {
					*w++ = *r++;
				}
			}
		}
		while (*r != '\0' && *r != ',')
			*w++ = *r++;
		if (*r == '\0') {
			*w = '\0';
			break;
		}
		r++;
		*w++ = '\0';   /* writing never overtakes reading */
	}
	return n;
}

struct columns {
	int file, set, has_gps, lat, lon, datetime, orientation, file_type, sha256;
};

static int column(char *header[], int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(header[i], name) == 0)
			return i;
	fprintf(stderr, "score-photos: the manifest has no column '%s'\n", name);
	exit(2);
}

struct score {
	int gps_want, gps_ok, nogps_want, nogps_ok, other_want, other_ok;
	int wrong, missed, false_pos, placeholder, from_xmp, broken, hash_bad;
	int time_want, time_ok, orient_want, orient_ok;
	int64_t max_bytes;
	double sum_us;
	int timed;
};

static bool find_file(const char *dir, const char *set, const char *file, char *path, size_t size)
{
	snprintf(path, size, "%s/%s", dir, file);
	if (access(path, R_OK) == 0)
		return true;
	snprintf(path, size, "%s/%s/%s", dir, set, file);
	return access(path, R_OK) == 0;
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static void bench(const char *path, struct score *sc)
{
	struct photo_facts f;
	enum { ROUNDS = 200 };
	double t0 = now_us();
	for (int i = 0; i < ROUNDS; i++)
		(void)photo_read(path, PHOTO_READ_EXIF, &f);
	sc->sum_us += (now_us() - t0) / ROUNDS;
	sc->timed++;
}

/* "2008:10:22 16:28:39" as photo.c writes it: "2008-10-22 16:28:39". */
static void manifest_time(const char *m, char out[20])
{
	snprintf(out, 20, "%s", m);
	if (strlen(out) == 19) {
		out[4] = '-';
		out[7] = '-';
	}
}

static void check_jpeg(char *f[], const struct columns *c, const struct photo_facts *got,
	enum photo_error e, struct score *sc)
{
	const char *file = f[c->file], *has = f[c->has_gps];
	const struct photo_gps *g = &got->gps;

	if (e == PHOTO_ERR_BROKEN_JPEG)
		sc->broken++;
	if (e != PHOTO_ERR_NONE && e != PHOTO_ERR_BROKEN_JPEG)
		printf("ERROR    %-50s %s\n", file, photo_error_code(e));
	if (g->from_xmp)
		sc->from_xmp++;
	if (e == PHOTO_ERR_NONE && strcmp(got->sha256, f[c->sha256]) != 0) {
		sc->hash_bad++;
		printf("HASH     %-50s %s\n", file, got->sha256);
	}
	bool want = strcmp(has, "yes") == 0;
	double lat = want ? strtod(f[c->lat], NULL) : 0.0, lon = want ? strtod(f[c->lon], NULL) : 0.0;
	if (want && lat == 0.0 && lon == 0.0) {
		/* refused on purpose: a camera without a fix writes 0,0 */
		want = false;
		if (g->problem == PHOTO_GPS_PLACEHOLDER)
			sc->placeholder++;
	}
	if (want) {
		sc->gps_want++;
		if (!g->present) {
			sc->missed++;
			printf("MISSED   %-50s want %.7f,%.7f got %s (%s)\n", file, lat, lon,
				photo_gps_problem_code(g->problem), photo_error_code(e));
		} else if (fabs(g->lat - lat) > TOLERANCE || fabs(g->lon - lon) > TOLERANCE) {
			sc->wrong++;
			printf("WRONG    %-50s want %.7f,%.7f got %.7f,%.7f%s\n", file, lat, lon,
				g->lat, g->lon, g->from_xmp ? " (xmp)" : "");
		} else {
			sc->gps_ok++;
		}
	} else {
		sc->nogps_want++;
		if (g->present) {
			sc->false_pos++;
			sc->wrong++;
			printf("WRONG    %-50s want no GPS (%s) got %.7f,%.7f%s\n", file, has,
				g->lat, g->lon, g->from_xmp ? " (xmp)" : "");
		} else {
			sc->nogps_ok++;
			printf("no-gps   %-50s %-8s -> %s%s\n", file, has, photo_gps_problem_code(g->problem),
				e == PHOTO_ERR_BROKEN_JPEG ? " (broken_jpeg)" : "");
		}
	}
	if (e != PHOTO_ERR_NONE)
		return;
	if (f[c->datetime][0] != '\0' || got->taken_at[0] != '\0') {
		char t[20];
		manifest_time(f[c->datetime], t);
		sc->time_want++;
		if (strcmp(t, got->taken_at) == 0)
			sc->time_ok++;
		else
			printf("time     %-50s want '%s' got '%s'\n", file, f[c->datetime], got->taken_at);
	}
	if (f[c->orientation][0] != '\0' || got->orientation != 0) {
		sc->orient_want++;
		if (atoi(f[c->orientation]) == got->orientation)
			sc->orient_ok++;
		else
			printf("orient   %-50s want '%s' got %d\n", file, f[c->orientation], got->orientation);
	}
}

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4 || (argc == 4 && strcmp(argv[3], "--bench") != 0)) {
		fprintf(stderr, "usage: score-photos MANIFEST DIR [--bench]\n");
		return 2;
	}
	bool do_bench = argc == 4;
	FILE *in = fopen(argv[1], "r");
	if (in == NULL) {
		perror(argv[1]);
		return 2;
	}
	char *line = malloc(MAX_LINE), *header_line = malloc(MAX_LINE);
	char *f[MAX_FIELDS], *h[MAX_FIELDS];
	if (line == NULL || header_line == NULL || fgets(header_line, MAX_LINE, in) == NULL) {
		fprintf(stderr, "score-photos: empty manifest\n");
		return 2;
	}
	int nh = split_csv(header_line, h, MAX_FIELDS);
	struct columns c = {
		column(h, nh, "file"), column(h, nh, "set"), column(h, nh, "has_gps"),
		column(h, nh, "lat"), column(h, nh, "lon"), column(h, nh, "datetime_original"),
		column(h, nh, "orientation"), column(h, nh, "file_type"), column(h, nh, "sha256"),
	};
	struct score sc = { 0 };
	int files = 0;

	while (fgets(line, MAX_LINE, in) != NULL) {
		if (split_csv(line, f, MAX_FIELDS) != nh)
			continue;
		char path[4096];
		struct photo_facts got;
		files++;
		if (!find_file(argv[2], f[c.set], f[c.file], path, sizeof path)) {
			printf("MISSING  %s\n", f[c.file]);
			continue;
		}
		enum photo_error e = photo_read(path, PHOTO_READ_EXIF | PHOTO_READ_HASH, &got);
		if (got.bytes_read > sc.max_bytes)
			sc.max_bytes = got.bytes_read;
		if (strcmp(f[c.file_type], "JPEG") != 0) {
			sc.other_want++;
			if (e == PHOTO_ERR_NOT_JPEG)
				sc.other_ok++;
			printf("%-8s %-50s %-14s -> %s, type %s\n", e == PHOTO_ERR_NOT_JPEG ? "not-jpeg" : "NOT-JPEG?",
				f[c.file], f[c.file_type][0] ? f[c.file_type] : "(none)",
				photo_error_code(e), photo_type_name(got.type));
			continue;
		}
		check_jpeg(f, &c, &got, e, &sc);
		if (do_bench && e == PHOTO_ERR_NONE)
			bench(path, &sc);
	}
	fclose(in);
	free(line);
	free(header_line);

	printf("\n%d files: gps correct %d/%d, no-gps correct %d/%d, not_jpeg correct %d/%d, "
		"wrong coordinates %d\n", files, sc.gps_ok, sc.gps_want, sc.nogps_ok, sc.nogps_want,
		sc.other_ok, sc.other_want, sc.wrong);
	printf("missed %d, placeholder 0,0 refused %d, positions from XMP %d, broken_jpeg %d, "
		"sha256 mismatches %d\n", sc.missed, sc.placeholder, sc.from_xmp, sc.broken, sc.hash_bad);
	printf("taken_at agrees %d/%d, orientation agrees %d/%d, most bytes read for EXIF %lld\n",
		sc.time_ok, sc.time_want, sc.orient_ok, sc.orient_want, (long long)sc.max_bytes);
	if (do_bench && sc.timed > 0)
		printf("EXIF-only photo_read: %.1f us per photo on average (%d JPEGs, page cache warm)\n",
			sc.sum_us / sc.timed, sc.timed);
	return (sc.wrong > 0 || sc.other_ok != sc.other_want) ? 1 : 0;
}
