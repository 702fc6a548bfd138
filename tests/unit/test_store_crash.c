/* test_store_crash: a child saves whole records with photos in a loop and
 * is killed with SIGKILL at random moments; after each kill the profile
 * must be consistent:
 *   - PRAGMA integrity_check is "ok", no foreign key is broken;
 *   - every record has its three photo rows, every final one its outbox row;
 *   - every photo row names a file that exists with that size and SHA-256;
 *   - every record the child saw committed is there.
 * The kill moment: the child reports each step through a pipe; the parent
 * waits for a random number of steps, then a random number of microseconds
 * (so the kill lands inside SQLite, fsync or a rename), then kills.
 * SIGACOR_CRASH_RUNS and SIGACOR_CRASH_SEED override the defaults. */
#include "config.h"
#include "store.h"
#include "photo.h"
#include "tap.h"
#include "store/fixture.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_RUNS 100
#define STEPS_PER_RECORD 5          /* 3 photos, save, finalise */
#define MAX_STEPS 30                /* the kill comes within ~6 records */
#define MAX_DELAY_US 3000
#define CHILD_MAX_RECORDS 200       /* a child nobody kills stops by itself */
#define PIPE_TIMEOUT_MS 20000
#define NIK_OUTSIDE "3671090101000001"   /* not in the (empty) registry */

static char root[4096], profile[4200], files[4200];

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

static void child(int fd, int run)
{
	struct store *s;
	char err[512];
	report(fd, "s\n");
	if (store_open(profile, &s, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "child open: %s\n", err);
		_exit(4);
	}
	struct record *r = malloc(sizeof *r);
	for (int i = 0; r != NULL && i < CHILD_MAX_RECORDS; i++) {
		memset(r, 0, sizeof *r);
		snprintf(r->nik, sizeof r->nik, NIK_OUTSIDE);
		snprintf(r->name, sizeof r->name, "Warga %d-%d", run, i);
		r->decision = DECISION_LAYAK;
		for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
			if (!child_photo(s, run, i, k, &r->photos[k]))
				_exit(5);
			report(fd, "p\n");
		}
		r->has_coord = true;
		r->lat = r->photos[PHOTO_KIND_RUMAH].lat;
		r->lon = r->photos[PHOTO_KIND_RUMAH].lon;
		r->coord_source = COORD_EXIF;
		if (store_record_save(s, r) != STORE_OK)
			_exit(6);
		report(fd, "d\n");
		if (store_record_finalise(s, r, NULL) != STORE_OK)
			_exit(7);
		char line[64];
		snprintf(line, sizeof line, "C %s\n", r->uuid);
		report(fd, line);
	}
	_exit(0);
}

/* ---------------------------------------------------------------- parent */

struct reader {
	int fd;
	char buf[65536];
	size_t len;
	int steps;
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
	rd->steps++;
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

static bool run_once(int run, long long *records, long long *committed_total)
{
	int fds[2];
	if (pipe(fds) != 0)
		return false;
	fflush(stdout);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		child(fds[1], run);
	}
	close(fds[1]);
	struct reader *rd = calloc(1, sizeof *rd);
	rd->fd = fds[0];
	int target = 1 + rand() % MAX_STEPS;
	long delay_us = rand() % MAX_DELAY_US;
	char line[128];
	bool alive = true;
	while (rd->steps < target && (alive = read_line(rd, line, sizeof line, PIPE_TIMEOUT_MS)))
		take(rd, line);
	struct timespec d = { 0, delay_us * 1000 };
	nanosleep(&d, NULL);
	kill(pid, SIGKILL);
	int status = 0;
	waitpid(pid, &status, 0);
	while (read_line(rd, line, sizeof line, 0))   /* what it wrote before dying */
		take(rd, line);
	close(fds[0]);
	char why[512] = "";
	bool killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
	bool fine = alive && killed && check_profile(rd, records, why, sizeof why);
	if (!alive || !killed)
		snprintf(why, sizeof why, "the child stopped by itself (status %d)", status);
	ok(fine, "run %d: killed after %d steps + %ld us: %s, %lld records, "
		"%d committed this run%s%s", run, rd->steps, delay_us, fine ? "consistent" : "BROKEN",
		*records, rd->ncommitted, fine ? "" : ": ", why);
	*committed_total += rd->ncommitted;
	free(rd);
	return fine;
}

int main(void)
{
	const char *runs_env = getenv("SIGACOR_CRASH_RUNS");
	const char *seed_env = getenv("SIGACOR_CRASH_SEED");
	int runs = runs_env != NULL ? (int)strtol(runs_env, NULL, 10) : DEFAULT_RUNS;
	unsigned seed = seed_env != NULL ? (unsigned)strtoul(seed_env, NULL, 10)
		: (unsigned)time(NULL) ^ (unsigned)getpid();
	srand(seed);
	tap_diag("seed %u (SIGACOR_CRASH_SEED=%u repeats this run)", seed, seed);
	if (!fixture_tmpdir("test_store_crash", root, sizeof root)) {
		printf("Bail out! no temp folder\n");
		return 1;
	}
	snprintf(profile, sizeof profile, "%s/profile", root);
	snprintf(files, sizeof files, "%s/files", root);
	mkdir(files, 0700);
	long long records = 0, committed = 0;
	int failures = 0;
	for (int run = 1; run <= runs && failures < 3; run++)
		failures += !run_once(run, &records, &committed);
	ok(committed > 0, "the children committed %lld records in all (the kills were not all early)",
		committed);
	ok(records >= committed, "no committed record lost: %lld in the store", records);
	if (failures == 0)
		fixture_rmdir(root);
	else
		tap_diag("profile kept for inspection: %s", root);
	return tap_done();
}
