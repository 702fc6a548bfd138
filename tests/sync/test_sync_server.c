/* test_sync_server: the real `sigacor` against a real `sigacor-server` on
 * 127.0.0.1.  Login; the registry pull of 100,000 residents, killed with
 * SIGKILL in the middle and resumed from its cursor, memory flat; push of
 * 200 records with photos while the server is killed and restarted; a
 * record the server refuses (quarantined, the queue goes on); a record of
 * another kelurahan; a disabled operator. */
#include "config.h"
#include "csv.h"
#include "photo.h"
#include "sync.h"
#include "synctest.h"
#include "tap.h"

#include <poll.h>
#include <sodium.h>

#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define K1 "36.71.01.1001"
#define K2 "36.71.01.1002"
#define K3 "36.71.01.1003"
#define K4 "36.71.01.1004"
#define K5 "36.71.02.1001"
#define RESIDENTS 100000L          /* in budi's four kelurahan */
#define OTHERS 1000L               /* in ani's */
#define RECORDS 200

static char dir[4096], srv_dir[4200], csv[4200];
static struct st_server srv;
static char k1_niks[RECORDS + 16][17], k5_niks[8][17];
static int n_k1, n_k5;

/* ---------------------------------------------------------------- setup */

static bool setup(void)
{
	/* 101 lines in a cycle: one to ani's kelurahan, 100 to budi's four */
	static const char *pattern[102];
	pattern[0] = K5;
	for (int i = 1; i < 101; i++)
		pattern[i] = (const char *[]){ K1, K2, K3, K4 }[i % 4];
	pattern[101] = NULL;
	snprintf(srv_dir, sizeof srv_dir, "%s/server", dir);
	snprintf(csv, sizeof csv, "%s/registry.csv", dir);
	if (!st_server_registry(srv_dir, csv, RESIDENTS + OTHERS, 11, pattern))
		return false;
	const char *budi[] = { "add-operator", "budi", "--kelurahan", K1 "," K2 "," K3 "," K4, NULL };
	const char *ani[] = { "add-operator", "ani", "--kelurahan", K5, NULL };
	if (st_server_admin(srv_dir, ST_PASSWORD "\n", budi) != 0 ||
		st_server_admin(srv_dir, ST_PASSWORD "\n", ani) != 0)
		return false;
	const char *extra[] = { "--max-photo-mb", "1", NULL };
	return st_server_start(&srv, srv_dir, 0, extra);
}

/* NIKs of K1 and K5 from the registry file. */
static void pick_niks(void)
{
	FILE *f = fopen(csv, "rb");
	struct csv_reader *r = f != NULL ? csv_open(f) : NULL;
	const char **fl;
	size_t n;
	bool header = true;
	while (r != NULL && csv_next(r, &fl, &n, NULL) == CSV_ROW) {
		if (header || n != 10) {
			header = false;
			continue;
		}
		if (strcmp(fl[9], K1) == 0 && n_k1 < RECORDS + 16)
			snprintf(k1_niks[n_k1++], 17, "%s", fl[0]);
		else if (strcmp(fl[9], K5) == 0 && n_k5 < 8)
			snprintf(k5_niks[n_k5++], 17, "%s", fl[0]);
	}
	csv_free(r);
	if (f != NULL)
		fclose(f);
}

static const char *const *nik_list(char (*niks)[17], int from, int n)
{
	static const char *list[RECORDS + 16];
	for (int i = 0; i < n && i < RECORDS + 16; i++)
		list[i] = niks[from + i];
	return list;
}

/* ---------------------------------------------------------------- login */

static void test_login(struct st_client *a)
{
	const char *sync_args[] = { "sync", NULL };
	is_int(st_sigacor(a, NULL, 30000, sync_args), 4, "sync before login: exit 4");
	const char *login_args[] = { "login", "--server", srv.url, NULL };
	is_int(st_sigacor(a, "salah-sandi\n", 30000, login_args), 1, "wrong password: exit 1");
	char path[4400];
	snprintf(path, sizeof path, "%s/session-token", a->profile);
	ok(access(path, F_OK) != 0, "... and no token saved");
	is_int(st_login(a, srv.url), 0, "login budi: exit 0");
	/* the login made the profile keyed (issue 12): the session token
	 * sealed with the data key, read back through the store */
	struct stat sb;
	char sealed[4400], *head = NULL;
	snprintf(sealed, sizeof sealed, "%s/session-token.sgv", a->profile);
	ok(access(path, F_OK) != 0 && stat(sealed, &sb) == 0 && (sb.st_mode & 0777) == 0600
		&& (head = st_read_file(sealed, NULL)) != NULL && strncmp(head, "SGVF1", 5) == 0,
		"token file sealed (session-token.sgv, 0600), none clear");
	free(head);
	char *token = calloc(1, 512), err_open[512];
	struct store *s = NULL;
	if (token != NULL && (st_open_profile(a, &s, err_open, sizeof err_open) != STORE_OK
		|| !store_token_load(s, token, 512)))
		token[0] = '\0';
	store_close(s);
	char db[4400];
	snprintf(db, sizeof db, "%s/sigacor.db", a->profile);
	size_t dblen = 0;
	char *dbtext = st_read_file(db, &dblen);
	char *out = st_read_file(a->out, NULL), *err = st_read_file(a->err, NULL);
	bool in_db = false;
	for (size_t i = 0; token != NULL && dbtext != NULL && strlen(token) > 0 &&
		i + strlen(token) <= dblen; i++)
		if (memcmp(dbtext + i, token, strlen(token)) == 0)
			in_db = true;
	ok(token != NULL && strlen(token) >= 32 && !in_db && out != NULL &&
		strstr(out, token) == NULL && err != NULL && strstr(err, token) == NULL,
		"the token is in its file only: not in sigacor.db, not printed");
	free(token);
	free(dbtext);
	free(out);
	free(err);
}

/* ---------------------------------------------------------------- pull */

struct pull_watch {
	const struct st_client *c;
	int64_t received;
};

static bool pass_progressed(void *ctx)
{
	struct pull_watch *w = ctx;
	struct store_pull_state p;
	if (!st_pull_state(w->c, false, &p))
		return false;
	w->received = p.received;
	return p.received >= 10000;
}

/* Rows of the pass in progress, staged apart from the copy (-1: none). */
static int64_t staged_count(const struct st_client *c)
{
	int64_t n = -1;
	st_profile_int(c, "SELECT count(*) FROM residents_next", &n);
	return n;
}

/* Every resident of budi's kelurahan is in the copy as the CSV has it, and
 * none of ani's. */
static void compare_registry(const struct st_client *c)
{
	struct store *s;
	char err[512];
	FILE *f = fopen(csv, "rb");
	struct csv_reader *r = f != NULL ? csv_open(f) : NULL;
	if (r == NULL || st_open_profile(c, &s, err, sizeof err) != STORE_OK) {
		ok(false, "registry comparison could not start");
		csv_free(r);
		if (f != NULL)
			fclose(f);
		return;
	}
	long same = 0, differ = 0, leaked = 0;
	const char **fl;
	size_t n;
	bool header = true;
	while (csv_next(r, &fl, &n, NULL) == CSV_ROW) {
		if (header || n != 10) {
			header = false;
			continue;
		}
		struct resident got;
		bool found = store_resident_get(s, fl[0], &got) == STORE_OK;
		if (strcmp(fl[9], K5) == 0) {
			leaked += found;
			continue;
		}
		const char *want[] = { got.nik, got.kk, got.name, got.sex, got.birth_place,
			got.birth_date, got.address, got.rt, got.rw, got.kelurahan };
		bool eq = found;
		for (int i = 0; eq && i < 10; i++)
			eq = strcmp(want[i], fl[i]) == 0;
		if (eq)
			same++;
		else if (differ++ < 3)
			tap_diag("resident %s differs or is missing", fl[0]);
	}
	store_close(s);
	csv_free(r);
	fclose(f);
	ok(same == RESIDENTS && differ == 0, "all %ld residents stored as the registry has them "
		"(%ld differ)", same, differ);
	is_int(leaked, 0, "no resident of another kelurahan reached the laptop");
}

static void test_pull(struct st_client *a, struct st_client *ani)
{
	setenv("SIGACOR_SYNC_PAGE_LIMIT", "2000", 1);
	const char *pull[] = { "sync", "--pull-only", NULL };
	pid_t pid = st_sigacor_spawn(a, pull);
	struct pull_watch w = { a, 0 };
	bool mid = st_wait_for(pass_progressed, &w, 120000);
	kill(pid, SIGKILL);
	int status = st_wait(pid, 10000, NULL);
	pass_progressed(&w);
	int64_t stored = st_resident_count(a);
	ok(mid && st_exit_code(status) == 128 + SIGKILL && w.received > 0 && w.received < RESIDENTS,
		"pull killed with SIGKILL after %lld residents", (long long)w.received);
	int64_t staged = staged_count(a);
	ok(w.received % 2000 == 0 && staged == w.received,
		"only whole pages were kept, each with its cursor (%lld staged)", (long long)staged);
	is_int(stored, 0, "the copy is untouched until the pass ends");

	/* the memory of this run is compared with a pull 100 times smaller */
	char *asan = getenv("ASAN_OPTIONS");
	char saved[512] = "";
	if (asan != NULL)
		snprintf(saved, sizeof saved, "%s", asan);
	/* under AddressSanitizer freed memory is held back (quarantine): keep that
	 * small so the peak shows what the program holds */
	char opts[600];
	snprintf(opts, sizeof opts, "%s%squarantine_size_mb=1", saved, saved[0] ? ":" : "");
	setenv("ASAN_OPTIONS", opts, 1);
	long big = -1, small = -1;
	int64_t t0 = st_now_ms();
	const char *args[] = { "sync", "--pull-only", NULL };
	pid = st_sigacor_spawn(a, args);
	int code = st_exit_code(st_wait_peak(pid, "sigacor", 180000, &big));
	int64_t took = st_now_ms() - t0;
	ok(code == 0 && st_out_int(a, "residents_received") == RESIDENTS - w.received &&
		st_out_int(a, "residents_done") == RESIDENTS,
		"resumed from the cursor: %lld more received, %lld in all (exit %d, %lld ms)",
		st_out_int(a, "residents_received"), st_out_int(a, "residents_done"), code,
		(long long)took);
	is_int(st_resident_count(a), RESIDENTS, "100,000 residents in the copy");
	compare_registry(a);

	is_int(st_login(ani, srv.url), 0, "login ani (another kelurahan)");
	pid = st_sigacor_spawn(ani, args);
	code = st_exit_code(st_wait_peak(pid, "sigacor", 60000, &small));
	ok(code == 0 && st_out_int(ani, "residents_received") == OTHERS &&
		st_resident_count(ani) == OTHERS, "ani receives only her kelurahan: %lld residents",
		(long long)st_resident_count(ani));
	if (asan != NULL)
		setenv("ASAN_OPTIONS", saved, 1);
	else
		unsetenv("ASAN_OPTIONS");
	/* AddressSanitizer's redzones and shadow roughly double what each
	 * allocation costs, so its builds get twice the margin */
	long margin = (asan != NULL ? 32 : 16) * 1024;
	ok(big > 0 && small > 0 && big - small < margin,
		"memory flat: peak %ld KiB for 90,000 residents, %ld KiB for 1,000", big, small);

	code = st_sigacor(a, NULL, 60000, args);
	ok(code == 0 && st_out_int(a, "residents_received") == 0,
		"registry unchanged: nothing downloaded again");

	/* the city gives ani a second kelurahan: same registry, new scope */
	const char *more[] = { "add-operator", "ani", "--kelurahan", K5 "," K2, NULL };
	is_int(st_server_admin(srv_dir, ST_PASSWORD "\n", more), 0, "ani gets a second kelurahan");
	code = st_sigacor(ani, NULL, 60000, args);
	is_int(code, 4, "her old session ended: log in again");
	code = st_login(ani, srv.url) == 0 ? st_sigacor(ani, NULL, 60000, args) : -1;
	ok(code == 0 && st_resident_count(ani) == OTHERS + RESIDENTS / 4,
		"the registry is pulled again for the new scope: %lld residents",
		(long long)st_resident_count(ani));
	unsetenv("SIGACOR_SYNC_PAGE_LIMIT");
}

/* ---------------------------------------------------------------- push */

struct push_watch {
	const struct st_client *c;
	int64_t accepted;
	const char *err_file;
};

static bool accepted_some(void *ctx)
{
	struct push_watch *w = ctx;
	int64_t counts[STATE_COUNT] = { 0 };
	if (!st_client_counts(w->c, counts, NULL))
		return false;
	w->accepted = counts[STATE_ACCEPTED] + counts[STATE_FLAGGED];
	return w->accepted >= RECORDS / 4;
}

static bool client_retrying(void *ctx)
{
	struct push_watch *w = ctx;
	char *text = st_read_file(w->err_file, NULL);
	bool yes = text != NULL && strstr(text, "Dicoba lagi") != NULL;
	free(text);
	return yes;
}

/* The server holds each of uuids exactly once with byte-identical photos. */
static void check_server_holds(const struct st_client *c, char (*uuids)[37], int n)
{
	int once = 0, photos = 0, identical = 0;
	ok(st_server_holds(srv_dir, c, uuids, n, &once, &photos, &identical), "server export read");
	ok(once == n, "the server holds each of the %d records exactly once (%d)", n, once);
	ok(photos == 3 * n && identical == photos, "all %d photos on the server, byte-identical (%d)",
		3 * n, identical);
}

static void test_push(struct st_client *a)
{
	static char uuids[RECORDS][37];
	int64_t t0 = st_now_ms();
	int made = st_make_records(a, nik_list(k1_niks, 0, RECORDS), RECORDS, K1, 24 * 1024,
		"push", uuids);
	ok(made == RECORDS, "%d records with 3 photos each queued (%lld ms)", made,
		(long long)(st_now_ms() - t0));
	setenv("SIGACOR_SYNC_RETRY_BASE_MS", "50", 1);
	setenv("SIGACOR_SYNC_RETRY_CAP_MS", "500", 1);
	setenv("SIGACOR_SYNC_MAX_ATTEMPTS", "200", 1);
	const char *args[] = { "sync", "--push-only", "--progress", NULL };
	pid_t pid = st_sigacor_spawn(a, args);
	struct push_watch w = { a, 0, a->err };
	bool some = st_wait_for(accepted_some, &w, 120000);
	int port = srv.port;
	st_server_stop(&srv, SIGKILL);
	ok(some && w.accepted < RECORDS, "server killed with SIGKILL after %lld records",
		(long long)w.accepted);
	ok(st_wait_for(client_retrying, &w, 30000), "the client notices and waits to retry");
	const char *extra[] = { "--max-photo-mb", "1", NULL };
	ok(st_server_start(&srv, srv_dir, port, extra), "server restarted on the same port");
	int code = st_exit_code(st_wait(pid, 180000, NULL));
	char outcome[32] = "";
	st_out_str(a, "outcome", outcome, sizeof outcome);
	ok(code == 0 && strcmp(outcome, "ok") == 0, "the sync goes on and ends: exit %d, %s",
		code, outcome);
	int64_t counts[STATE_COUNT] = { 0 }, outbox = -1;
	st_client_counts(a, counts, &outbox);
	ok(counts[STATE_ACCEPTED] == RECORDS && outbox == 0,
		"the laptop shows all %d as sent (accepted %lld, queue %lld)", RECORDS,
		(long long)counts[STATE_ACCEPTED], (long long)outbox);
	check_server_holds(a, uuids, RECORDS);
	unsetenv("SIGACOR_SYNC_MAX_ATTEMPTS");
}

/* A keyed profile (store_open_keyed: the database and photo files sealed;
 * budi's is keyed since his login made it) sends its photos from memory: a
 * copy of budi's profile with one more record, synced in this process
 * against the real server; the server holds each photo byte for byte as it
 * was attached (its SHA-256 the original's). */
static void test_push_keyed(const struct st_client *a)
{
	char root[4200], cmd[13000];
	snprintf(root, sizeof root, "%s/keyed", dir);
	struct st_client k;
	st_client_init(&k, root, a->op);
	snprintf(cmd, sizeof cmd, "mkdir -p '%s' && cp -a '%s' '%s'", root, a->profile, k.profile);
	static char uuid[1][37];
	bool copied = system(cmd) == 0;
	ok(copied && st_make_records(&k, nik_list(k1_niks, RECORDS + 5, 1), 1, K1, 30 * 1024,
		"keyed", uuid) == 1, "keyed: a copy of the profile with one more record");
	/* the photos as attached */
	struct store *s;
	char err[512] = "";
	struct record r;
	unsigned char *original[PHOTO_KIND_COUNT] = { NULL };
	size_t original_len[PHOTO_KIND_COUNT] = { 0 };
	bool read = st_open_profile(&k, &s, err, sizeof err) == STORE_OK &&
		store_record_get(s, uuid[0], &r) == STORE_OK;
	for (int i = 0; read && i < PHOTO_KIND_COUNT; i++)
		read = store_photo_bytes(s, r.photos[i].sha256, &original[i], &original_len[i])
			== STORE_OK;
	if (s != NULL)
		store_close(s);
	if (!ok(read && st_open_profile(&k, &s, err, sizeof err) == STORE_OK,
		"keyed: opened keyed (%s)", read ? err : "photos not read")) {
		for (int i = 0; i < PHOTO_KIND_COUNT; i++)
			free(original[i]);
		return;
	}
	char probe[4400];
	store_photo_path(s, r.photos[PHOTO_KIND_KTP].sha256, probe, sizeof probe);
	char *head = st_read_file(probe, NULL);
	ok(head != NULL && memcmp(head, "SGVF1", 5) == 0, "keyed: the KTP photo file is sealed");
	free(head);
	struct sync_config cfg;
	sync_config_init(&cfg);
	cfg.pull = false;
	struct sync *y = sync_new(s, &cfg, err, sizeof err);
	struct sync_progress p = { 0 };
	bool started = y != NULL && sync_start(y);
	for (int64_t end = st_now_ms() + 60000; started && sync_running(y) && st_now_ms() < end;) {
		sync_poll(y, NULL, 0, 100);
		sync_perform(y);
	}
	if (y != NULL)
		sync_progress(y, &p);
	ok(started && p.outcome == SYNC_OK && p.photos_uploaded == 3, "keyed: the sync sent the "
		"record and its 3 photos (outcome %s, %lld photos)", sync_outcome_code(p.outcome),
		(long long)p.photos_uploaded);
	sync_free(y);
	store_close(s);
	int same = 0;
	for (int i = 0; i < PHOTO_KIND_COUNT; i++) {
		char theirs[4400], sha[PHOTO_SHA256_HEX] = "";
		size_t len = 0;
		snprintf(theirs, sizeof theirs, "%s/blobs/%.2s/%s", srv_dir, r.photos[i].sha256,
			r.photos[i].sha256);
		char *blob = st_read_file(theirs, &len);
		if (blob != NULL)
			photo_sha256_buffer(blob, len, sha);
		same += blob != NULL && strcmp(sha, r.photos[i].sha256) == 0 &&
			len == original_len[i] && memcmp(blob, original[i], len) == 0;
		free(blob);
		free(original[i]);
	}
	is_int(same, PHOTO_KIND_COUNT, "keyed: the server holds each photo as attached, its "
		"SHA-256 the original's");
}

/* Lines of the server's log containing what. */
static long log_lines(const char *what)
{
	char *text = st_read_file(srv.log, NULL);
	long n = 0;
	for (const char *p = text; p != NULL && (p = strstr(p, what)) != NULL; p++)
		n++;
	free(text);
	return n;
}

/* Two more records with the photos of two already sent (a laptop sending
 * again after a crash does the same): the records go first, the server
 * holds every photo they name, so they are complete at once and no photo
 * PUT is made at all. */
static void test_resend(struct st_client *a)
{
	int made = st_make_records(a, nik_list(k1_niks, 0, 2), 2, K1, 24 * 1024, "push", NULL);
	long puts = log_lines("PUT /blobs/{sha256} ");
	const char *args[] = { "sync", "--push-only", NULL };
	int code = st_exit_code(st_wait(st_sigacor_spawn(a, args), 60000, NULL));
	ok(made == 2 && code == 0 &&
		st_out_int(a, "records_accepted") + st_out_int(a, "records_flagged") == 2 &&
		st_out_int(a, "photos_skipped") == 0 && st_out_int(a, "photos_uploaded") == 0,
		"records whose photos the server holds: accepted, complete, no photo sent (exit %d)",
		code);
	puts = log_lines("PUT /blobs/{sha256} ") - puts;
	ok(puts == 0 && log_lines("HEAD /blobs/") == 0, "no photo PUT, no HEAD: %ld", puts);
}

/* A record whose photos went half-way before a cut (the server keeps the
 * first part in blobs/partial, as a cut PUT leaves it): the client is told
 * the offset (409 before the body) and sends only the rest; the stored
 * photos are byte-identical to the client's (server_resume.test cuts real
 * connections at random bytes). */
static bool write_bytes(const char *path, const unsigned char *bytes, size_t len)
{
	FILE *f = fopen(path, "wb");
	bool ok = f != NULL && fwrite(bytes, 1, len, f) == len;
	return f != NULL && fclose(f) == 0 && ok;
}

static void test_resume(struct st_client *a)
{
	char uuid[1][37], err[512];
	int made = st_make_records(a, nik_list(k1_niks, 2, 1), 1, K1, 40 * 1024,
		"resume", uuid);
	struct store *s;
	struct record r;
	long long rest = 0;
	int parts = 0;
	char file[3][4400], sha[3][65];
	if (made == 1 && st_open_profile(a, &s, err, sizeof err) == STORE_OK) {
		if (store_record_get(s, uuid[0], &r) == STORE_OK)
			for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
				size_t len = 0;
				char part[4800], folder[4400];
				unsigned char *bytes = NULL;
				/* the profile is keyed: its file is sealed; the clear
				 * bytes kept beside for the comparison below */
				snprintf(file[k], sizeof file[k], "%s/resume-%d.jpg", dir, k);
				snprintf(sha[k], sizeof sha[k], "%s", r.photos[k].sha256);
				if (store_photo_bytes(s, r.photos[k].sha256, &bytes, &len) != STORE_OK
					|| !write_bytes(file[k], bytes, len)) {
					free(bytes);
					continue;
				}
				snprintf(folder, sizeof folder, "%s/blobs/partial", srv_dir);
				mkdir(folder, 0700);
				snprintf(part, sizeof part, "%s/%s", folder, sha[k]);
				FILE *f = fopen(part, "wb");
				if (bytes != NULL && f != NULL && fwrite(bytes, 1, len / 2, f) == len / 2) {
					parts++;
					rest += (long long)(len - len / 2);
				}
				if (f != NULL)
					fclose(f);
				free(bytes);
			}
		store_close(s);
	}
	ok(parts == 3, "a record whose 3 photos reached the server half-way (%lld bytes to go)",
		rest);
	long told = log_lines("PUT /blobs/{sha256} 409 in=0 ");
	size_t log_mark = 0;
	free(st_read_file(srv.log, &log_mark));
	const char *args[] = { "sync", "--push-only", NULL };
	int code = st_exit_code(st_wait(st_sigacor_spawn(a, args), 60000, NULL));
	told = log_lines("PUT /blobs/{sha256} 409 in=0 ") - told;
	ok(code == 0 && st_out_int(a, "photos_uploaded") == 3 && told == 3,
		"sync: each photo's first PUT answered 409 before its body (%ld), then uploaded "
		"(exit %d)", told, code);
	/* the bytes of the 201 answers of this sync are the rest only */
	size_t len = 0;
	char *text = st_read_file(srv.log, &len);
	long long in = 0;
	const char *stored = "PUT /blobs/{sha256} 201 in=";
	for (const char *p = text != NULL && log_mark <= len ? text + log_mark : NULL;
		p != NULL && (p = strstr(p, stored)) != NULL; p++)
		in += atoll(p + strlen(stored));
	free(text);
	ok(in == rest, "only the rest went: %lld bytes for %lld left", in, rest);
	bool same = parts == 3;
	for (int k = 0; k < 3 && same; k++) {
		char held[4800];
		snprintf(held, sizeof held, "%s/blobs/%.2s/%s", srv_dir, sha[k], sha[k]);
		same = st_same_file(file[k], held);
	}
	ok(same, "the server's photos are byte-identical to the client's");
}

/* ---------------------------------------------------------------- refusals */

static bool copy_message(const struct record *r, void *ctx)
{
	snprintf(ctx, RECORD_TEXT_MAX, "%s", r->server_message);
	return false;
}

/* The record's message and state on the laptop ("" and draft when none). */
static void record_message(const struct st_client *c, const char *uuid, char *msg,
	enum record_state *state)
{
	struct store *s;
	char err[512] = "";
	struct record r;
	msg[0] = '\0';
	*state = STATE_DRAFT;
	if (st_open_profile(c, &s, err, sizeof err) != STORE_OK)
		return;
	if (store_record_get(s, uuid, &r) == STORE_OK) {
		copy_message(&r, msg);
		*state = r.state;
	}
	store_close(s);
}

static void quarantined_message(const struct st_client *c, const char *uuid, char *msg)
{
	enum record_state state;
	record_message(c, uuid, msg, &state);
	if (state != STATE_QUARANTINED)
		msg[0] = '\0';
}

static void test_refusals(struct st_client *a)
{
	char big[1][37], good[2][37], other[1][37], msg[RECORD_TEXT_MAX];
	/* over the server's 1 MB photo limit */
	ok(st_make_records(a, nik_list(k1_niks, RECORDS, 1), 1, K1, 1500 * 1000, "big", big) == 1 &&
		st_make_records(a, nik_list(k1_niks, RECORDS + 1, 2), 2, K1, 8000, "ok", good) == 2 &&
		st_make_records(a, nik_list(k5_niks, 0, 1), 1, K5, 8000, "k5", other) == 1,
		"queued: one with a 1.5 MB photo, two good, one of another kelurahan");
	const char *args[] = { "sync", "--push-only", NULL };
	int code = st_sigacor(a, NULL, 60000, args);
	char outcome[32] = "";
	st_out_str(a, "outcome", outcome, sizeof outcome);
	ok(code == 1 && strcmp(outcome, "quarantined") == 0, "exit 1, outcome %s", outcome);
	is_int(st_out_int(a, "records_accepted"), 3,
		"the queue went on: the records first, the big one's and the two good ones accepted");
	enum record_state state;
	record_message(a, big[0], msg, &state);
	ok(state == STATE_ACCEPTED && strstr(msg, "batas ukuran") != NULL,
		"too large: the record on the server, its photo refused with the server's message: %s",
		msg);
	quarantined_message(a, other[0], msg);
	ok(strstr(msg, "wilayah tugas") != NULL,
		"another kelurahan's record refused, quarantined: %s", msg);
	int64_t counts[STATE_COUNT] = { 0 }, outbox = -1;
	st_client_counts(a, counts, &outbox);
	ok(counts[STATE_QUARANTINED] == 1 && outbox == 0, "1 quarantined, record queue empty");
	code = st_sigacor(a, NULL, 60000, args);
	ok(code == 1 && st_out_int(a, "records_done") == 0 && st_out_int(a, "photos_uploaded") == 0,
		"next run: no record queued; the refused photo still waits for a correction (exit %d)",
		code);
}

static void test_disabled(struct st_client *a)
{
	ok(st_make_records(a, nik_list(k1_niks, RECORDS + 3, 2), 2, K1, 8000, "dis", NULL) == 2,
		"two more queued");
	const char *args[] = { "disable-operator", "budi", NULL };
	is_int(st_server_admin(srv_dir, NULL, args), 0, "the city disables budi");
	const char *sync_args[] = { "sync", NULL };
	int code = st_sigacor(a, NULL, 60000, sync_args);
	char outcome[32] = "";
	st_out_str(a, "outcome", outcome, sizeof outcome);
	ok(code == 4 && strcmp(outcome, "disabled") == 0, "disabled: exit %d, outcome %s", code,
		outcome);
	int64_t counts[STATE_COUNT] = { 0 }, outbox = -1;
	st_client_counts(a, counts, &outbox);
	ok(outbox == 2 && counts[STATE_FINAL] == 2, "the two stay queued on the laptop");
	const char *login_args[] = { "login", "--server", srv.url, NULL };
	code = st_sigacor(a, ST_PASSWORD "\n", 30000, login_args);
	st_out_str(a, "outcome", outcome, sizeof outcome);
	ok(code == 4 && strcmp(outcome, "disabled") == 0, "login of a disabled operator: exit %d, %s",
		code, outcome);
}

int main(void)
{
	st_init();
	if (!ok(st_tmpdir("sync-server", dir, sizeof dir), "temp dir"))
		return tap_done();
	int64_t t0 = st_now_ms();
	bool up = setup();
	if (!ok(up, "server with %ld residents, operators budi and ani (%lld ms)",
		RESIDENTS + OTHERS, (long long)(st_now_ms() - t0))) {
		st_server_stop(&srv, SIGKILL);
		return tap_done();
	}
	pick_niks();
	ok(n_k1 >= RECORDS + 6 && n_k5 >= 1, "NIKs picked from the registry");
	struct st_client a, ani;
	st_client_init(&a, dir, "budi");
	st_client_init(&ani, dir, "ani");
	test_login(&a);
	test_pull(&a, &ani);
	test_push(&a);
	test_resend(&a);
	test_push_keyed(&a);
	test_resume(&a);
	test_refusals(&a);
	test_disabled(&a);
	st_server_stop(&srv, SIGTERM);
	st_rmdir(dir);
	return tap_done();
}
