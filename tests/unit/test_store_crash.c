/* test_store_crash: a child saves whole records with photos (the photo
 * copy, the reuse of a photo already stored, a draft, its finalisation)
 * and is killed with SIGKILL at each crash point it passes
 * (include/crashpoint.h: every file step and commit, counted by one
 * unkilled run); after each kill the profile must be consistent:
 *   - PRAGMA integrity_check is "ok", no foreign key is broken;
 *   - every record has its three photo rows, every final one its outbox row;
 *   - every photo row names a file that exists with that size and SHA-256;
 *   - every record the child saw committed is there.
 * Each run starts from a copy of the same profile (one record already
 * there), so each passes the same crash points; the child reports each
 * record it saw committed through a pipe. */
#include "config.h"
#include "store.h"
#include "photo.h"
#include "tap.h"
#include "store/fixture.h"
#include "store/crashpoints.h"

#include <errno.h>
#include <poll.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* a run's records: the fourth reuses the first one's KTP photo */
#define RECORDS_PER_RUN 4
/* every crash point up to this many is a kill (else each name's first and
 * last and KILL_SPREAD more) */
#define KILL_ALL_UP_TO 400
#define KILL_SPREAD 40
#define MAX_KILLS 400
#define NIK_OUTSIDE "3671090101000001"   /* not in the (empty) registry */

static char root[4096], base[4200], profile[4200], files[4200];

/* ---------------------------------------------------------------- child */

static void report(int fd, const char *line)
{
	size_t n = strlen(line);
	if (write(fd, line, n) != (ssize_t)n)
		_exit(3);
}

static bool child_photo(struct store *s, int run, int i, int k, struct record_photo *slot)
{
	char path[4400], salt[64];
	/* every third KTP photo is the same file: the reuse path runs too */
	if (k == PHOTO_KIND_KTP && i % 3 == 0)
		snprintf(salt, sizeof salt, "shared-ktp");
	else
		snprintf(salt, sizeof salt, "r%d-i%d-k%d", run, i, k);
	snprintf(path, sizeof path, "%s/%d-%s.jpg", files, (int)getpid(), salt);
	struct fixture_photo spec = { k == PHOTO_KIND_RUMAH, -6.190364, 106.626122,
		"2025:03:14 09:21:05", salt };
	if (!fixture_jpeg(path, &spec))
		return false;
	bool ok = store_photo_import(s, path, slot) == STORE_OK;
	unlink(path);
	return ok;
}

/* the records of one run into the store in dir; each one committed
 * reported through fd ("C uuid") */
static void save_records(const char *dir, int fd, int run)
{
	struct store *s;
	char err[512];
	if (store_open(dir, &s, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "child open: %s\n", err);
		_exit(4);
	}
	struct record *r = malloc(sizeof *r);
	for (int i = 0; r != NULL && i < RECORDS_PER_RUN; i++) {
		memset(r, 0, sizeof *r);
		snprintf(r->nik, sizeof r->nik, NIK_OUTSIDE);
		snprintf(r->name, sizeof r->name, "Warga %d-%d", run, i);
		r->decision = DECISION_LAYAK;
		for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
			if (!child_photo(s, run, i, k, &r->photos[k]))
				_exit(5);
		}
		r->has_coord = true;
		r->lat = r->photos[PHOTO_KIND_RUMAH].lat;
		r->lon = r->photos[PHOTO_KIND_RUMAH].lon;
		r->coord_source = COORD_EXIF;
		if (store_record_save(s, r) != STORE_OK)
			_exit(6);
		if (store_record_finalise(s, r, NULL) != STORE_OK)
			_exit(7);
		char line[64];
		snprintf(line, sizeof line, "C %s\n", r->uuid);
		report(fd, line);
	}
	store_close(s);
	free(r);
}

struct run {
	int fd;                     /* the pipe's end the child writes */
	int number;
};

static void child(void *ctx)
{
	const struct run *run = ctx;
	save_records(profile, run->fd, run->number);
}

/* ---------------------------------------------------------------- parent */

struct reader {
	int fd;
	char buf[65536];
	size_t len;
	char committed[64][40];     /* uuids the child reported after commit */
	int ncommitted;
};

/* Read one line; false at EOF or after the timeout. */
static bool read_line(struct reader *rd, char *line, size_t len, int timeout_ms)
{
	for (;;) {
		char *nl = memchr(rd->buf, '\n', rd->len);
		if (nl != NULL) {
			size_t n = (size_t)(nl - rd->buf);
			snprintf(line, len, "%.*s", (int)n, rd->buf);
			memmove(rd->buf, nl + 1, rd->len - n - 1);
			rd->len -= n + 1;
			return true;
		}
		struct pollfd pfd = { rd->fd, POLLIN, 0 };
		if (poll(&pfd, 1, timeout_ms) <= 0)
			return false;
		ssize_t got = read(rd->fd, rd->buf + rd->len, sizeof rd->buf - rd->len);
		if (got <= 0)
			return false;
		rd->len += (size_t)got;
	}
}

static void take(struct reader *rd, const char *line)
{
	if (line[0] == 'C' && rd->ncommitted < 64)
		snprintf(rd->committed[rd->ncommitted++], 40, "%.36s", line + 2);
}

static long long one_int(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st;
	long long v = -1;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static bool integrity_ok(sqlite3 *h, char *why, size_t len)
{
	sqlite3_stmt *st;
	bool ok = sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
		sqlite3_step(st) == SQLITE_ROW &&
		strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
	sqlite3_finalize(st);
	if (!ok)
		snprintf(why, len, "integrity_check is not ok");
	else if (one_int(h, "SELECT count(*) FROM pragma_foreign_key_check") != 0) {
		snprintf(why, len, "a foreign key is broken");
		ok = false;
	}
	return ok;
}

static bool records_whole(sqlite3 *h, char *why, size_t len)
{
	long long half = one_int(h, "SELECT count(*) FROM records r WHERE"
		" (SELECT count(*) FROM record_photos p WHERE p.uuid = r.uuid) <> 3");
	long long unqueued = one_int(h, "SELECT count(*) FROM records r WHERE state = 'final'"
		" AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.uuid = r.uuid)");
	if (half != 0 || unqueued != 0) {
		snprintf(why, len, "%lld records without their 3 photos, %lld final ones not queued",
			half, unqueued);
		return false;
	}
	return true;
}

static bool photos_whole(struct store *s, sqlite3 *h, char *why, size_t len)
{
	sqlite3_stmt *st;
	bool ok = sqlite3_prepare_v2(h, "SELECT DISTINCT sha256, size FROM record_photos",
		-1, &st, NULL) == SQLITE_OK;
	while (ok && sqlite3_step(st) == SQLITE_ROW) {
		const char *sha = (const char *)sqlite3_column_text(st, 0);
		long long size = sqlite3_column_int64(st, 1);
		char path[4400], got[65] = "";
		struct stat sb;
		if (!store_photo_path(s, sha, path, sizeof path) || stat(path, &sb) != 0 ||
			sb.st_size != size || !photo_sha256_file(path, got) || strcmp(got, sha) != 0) {
			snprintf(why, len, "photo %s: missing, wrong size or wrong hash", sha);
			ok = false;
		}
	}
	sqlite3_finalize(st);
	return ok;
}

static bool committed_there(struct store *s, const struct reader *rd, char *why, size_t len)
{
	struct record *r = malloc(sizeof *r);
	bool ok = r != NULL;
	for (int i = 0; ok && i < rd->ncommitted; i++) {
		if (store_record_get(s, rd->committed[i], r) != STORE_OK || r->state != STATE_FINAL) {
			snprintf(why, len, "committed record %s is lost", rd->committed[i]);
			ok = false;
		}
	}
	free(r);
	return ok;
}

/* Everything that must hold after a kill; why says what broke. */
static bool check_profile(const struct reader *rd, long long *records, char *why, size_t len)
{
	struct store *s;
	char err[512];
	if (store_open(profile, &s, err, sizeof err) != STORE_OK) {
		snprintf(why, len, "reopen failed: %.400s", err);
		return false;
	}
	char db[4400];
	snprintf(db, sizeof db, "%s/sigacor.db", profile);
	sqlite3 *h;
	sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL);
	bool ok = integrity_ok(h, why, len) && records_whole(h, why, len) &&
		photos_whole(s, h, why, len) && committed_there(s, rd, why, len);
	*records = one_int(h, "SELECT count(*) FROM records");
	sqlite3_close(h);
	store_close(s);
	return ok;
}

static bool copy_base(void)
{
	char cmd[16384];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && cp -a '%s' '%s'", profile, base, profile);
	return system(cmd) == 0;
}

/* The run killed at crash point at (of points), its profile checked. */
static bool run_killed(int at, int points, long long *committed_total)
{
	int fds[2];
	if (!copy_base() || pipe(fds) != 0)
		return false;
	struct run run = { fds[1], 1 };     /* the same photos each run: the same points */
	struct crash_outcome out;
	crash_run(child, &run, at, &out);
	close(fds[1]);
	struct reader *rd = calloc(1, sizeof *rd);
	rd->fd = fds[0];
	char line[128], why[512] = "";
	while (read_line(rd, line, sizeof line, 0))   /* what it wrote before dying */
		take(rd, line);
	close(fds[0]);
	long long records = 0;
	bool fine = out.killed && check_profile(rd, &records, why, sizeof why);
	if (!out.killed)
		snprintf(why, sizeof why, "the child stopped by itself (status %d)", out.status);
	ok(fine, "killed at crash point %d of %d (%s): %s, %lld records, %d committed this run%s%s",
		at, points, out.point, fine ? "consistent" : "BROKEN", records, rd->ncommitted,
		fine ? "" : ": ", why);
	*committed_total += rd->ncommitted;
	free(rd);
	return fine;
}

/* The profile every run starts from: one record saved already, so a run
 * reuses what is stored as well as adding to it. */
static bool make_base(void)
{
	int fds[2];
	if (pipe(fds) != 0)
		return false;
	save_records(base, fds[1], 0);
	close(fds[0]);
	close(fds[1]);
	return true;
}

/* One unkilled run from the base profile: its crash points */
static bool count_points(struct crash_points *points)
{
	int fds[2];
	if (pipe(fds) != 0)
		return false;
	struct run run = { fds[1], 1 };
	bool counted = crash_count(child, &run, points);
	close(fds[0]);
	close(fds[1]);
	return counted;
}

int main(void)
{
	if (!fixture_tmpdir("test_store_crash", root, sizeof root)) {
		printf("Bail out! no temp folder\n");
		return 1;
	}
	snprintf(base, sizeof base, "%s/base", root);
	snprintf(profile, sizeof profile, "%s/profile", root);
	snprintf(files, sizeof files, "%s/files", root);
	mkdir(files, 0700);
	struct crash_points points = { 0 };
	bool counted = make_base() && copy_base() && count_points(&points);
	if (!ok(counted && points.n > 0, "an unkilled run of %d records passes %d crash points",
		RECORDS_PER_RUN, counted ? points.n : 0))
		return tap_done();
	int at[MAX_KILLS], failures = 0;
	long long committed = 0;
	int kills = crash_plan(&points, KILL_ALL_UP_TO, KILL_SPREAD, at, MAX_KILLS);
	for (int k = 0; k < kills && failures < 3; k++)
		failures += !run_killed(at[k], points.n, &committed);
	ok(committed > 0, "the children committed %lld records in all (the kills were not all early)",
		committed);
	crash_points_free(&points);
	if (failures == 0)
		fixture_rmdir(root);
	else
		tap_diag("profile kept for inspection: %s", root);
	return tap_done();
}
