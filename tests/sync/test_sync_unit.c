/* test_sync_unit: the parts of sync that need no server: server address
 * rules, backoff, configuration from the environment, and the store
 * functions of sync (token file, registry pages with their cursor, changes,
 * requeue, what exists only on this laptop). */
#include "config.h"
#include "sealed.h"
#include "sync.h"
#include "synctest.h"
#include "tap.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_urls(void)
{
	static const struct {
		const char *in, *want;      /* want NULL: refused */
	} cases[] = {
		{ "https://sigacor.tangerangkota.go.id", "https://sigacor.tangerangkota.go.id/api/v1" },
		{ "  https://kota.example/api/v1/ ", "https://kota.example/api/v1" },
		{ "https://kota.example:8443/sigacor/", "https://kota.example:8443/sigacor/api/v1" },
		{ "HTTPS://kota.example", "HTTPS://kota.example/api/v1" },
		{ "http://127.0.0.1:8080", "http://127.0.0.1:8080/api/v1" },
		{ "http://localhost:9/", "http://localhost:9/api/v1" },
		{ "http://[::1]:5", "http://[::1]:5/api/v1" },
		{ "http://kota.example", NULL },
		{ "http://127.0.0.1.example.com", NULL },
		{ "http://10.0.0.1", NULL },
		{ "http://127.0.0.1@evil.example", NULL },
		{ "https://user:sandi@kota.example", NULL },
		{ "https://kota.example/?token=x", NULL },
		{ "https://kota example", NULL },
		{ "ftp://kota.example", NULL },
		{ "kota.example", NULL },
		{ "https://", NULL },
		{ "https://:443", NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char out[SYNC_URL_MAX], err[256] = "";
		bool ok = sync_url_normalise(cases[i].in, out, sizeof out, err, sizeof err);
		if (cases[i].want != NULL)
			ok(ok && strcmp(out, cases[i].want) == 0, "url \"%s\" -> %s (%s)", cases[i].in,
				ok ? out : "refused", err);
		else
			ok(!ok && err[0] != '\0', "url \"%s\" refused: %s", cases[i].in, err);
	}
}

static void test_backoff(void)
{
	struct sync_config cfg;
	sync_config_init(&cfg);
	is_int(cfg.retry_base_ms, 1000, "backoff starts at 1 s");
	is_int(cfg.retry_cap_ms, 600000, "backoff cap 10 min");
	is_int(sync_backoff_ms(&cfg, 2, 0.0, 0), 0, "full jitter may wait 0");
	is_int(sync_backoff_ms(&cfg, 2, 0.9999, 0), 999, "first retry: at most 1 s");
	is_int(sync_backoff_ms(&cfg, 3, 0.9999, 0), 1999, "second retry: at most 2 s");
	is_int(sync_backoff_ms(&cfg, 5, 0.5, 0), 4000, "fourth retry: half of 8 s");
	is_int(sync_backoff_ms(&cfg, 40, 0.9999, 0), 599940, "capped at 10 min");
	is_int(sync_backoff_ms(&cfg, 1000000, 0.5, 0), 300000, "no overflow for huge attempts");
	is_int(sync_backoff_ms(&cfg, 2, 0.1, 30000), 30000, "Retry-After is a minimum");
	is_int(sync_backoff_ms(&cfg, 10, 0.9999, 30000), 255974, "... not a maximum");
	is_int(sync_backoff_ms(&cfg, 2, 1.5, 0), 0, "a random value out of range is clamped");
}

/* Two photos on the link at once: the rate counts their time once. */
static void test_busy_time(void)
{
	int64_t until = 0, ms = 0;
	ms += sync_busy_ms(&until, 1000, 11000);     /* photo 1: 1 s .. 11 s */
	is_int(ms, 10000, "one photo alone: its 10 s");
	ms += sync_busy_ms(&until, 9000, 20000);     /* photo 2 sent ahead at 9 s */
	is_int(ms, 19000, "a photo sent ahead while the first went: 1 s .. 20 s counted once");
	is_int(until, 20000, "counted up to its end");
	ms += sync_busy_ms(&until, 21000, 23000);    /* after a pause */
	is_int(ms, 21000, "the idle second between is not counted");
	int64_t before = until;
	ms += sync_busy_ms(&until, 15000, 18000);    /* within what is counted */
	is_int(ms, 21000, "a photo whose time is already counted adds nothing");
	is_int(until, before, "... nor moves the end back");
}

static void test_config_env(void)
{
	struct sync_config cfg;
	setenv("SIGACOR_SYNC_RETRY_BASE_MS", "7", 1);
	setenv("SIGACOR_SYNC_MAX_ATTEMPTS", "0", 1);
	setenv("SIGACOR_SYNC_LOW_SPEED_TIME", "abc", 1);
	setenv("SIGACOR_SYNC_PAGE_LIMIT", "999999", 1);
	sync_config_init(&cfg);
	is_int(cfg.retry_base_ms, 7, "SIGACOR_SYNC_RETRY_BASE_MS");
	is_int(cfg.max_attempts, 0, "SIGACOR_SYNC_MAX_ATTEMPTS=0: retry until cancelled");
	is_int(cfg.low_speed_time_s, 60, "a bad value is ignored");
	is_int(cfg.page_limit, 1000, "a page limit over the protocol's is ignored");
	ok(cfg.low_speed_limit == 100 && cfg.connect_timeout_s == 20, "low speed 100 B/s, connect 20 s");
	unsetenv("SIGACOR_SYNC_RETRY_BASE_MS");
	unsetenv("SIGACOR_SYNC_MAX_ATTEMPTS");
	unsetenv("SIGACOR_SYNC_LOW_SPEED_TIME");
	unsetenv("SIGACOR_SYNC_PAGE_LIMIT");
}

static void test_token(struct store *s, const char *profile)
{
	char path[4400], buf[256];
	struct stat sb;
	snprintf(path, sizeof path, "%s/session-token", profile);
	ok(!store_token_load(s, buf, sizeof buf), "no token before login");
	is_int(store_token_save(s, "tok-ABC_123", ""), STORE_OK, "token saved");
	ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600, "token file is 0600 (%o)",
		(unsigned)(sb.st_mode & 0777));
	ok(store_token_load(s, buf, sizeof buf) && strcmp(buf, "tok-ABC_123") == 0, "token read back");
	chmod(path, 0644);
	ok(store_token_load(s, buf, sizeof buf), "a token others could read is still used...");
	ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600, "... and made 0600 again");
	ok(store_token_save(s, "bad\ntoken", "") == STORE_REJECTED, "a token with a newline is refused");
	is_int(store_token_delete(s), STORE_OK, "token deleted");
	ok(access(path, F_OK) != 0 && !store_token_load(s, buf, sizeof buf), "no token file left");
	ok(symlink("/etc/hostname", path) == 0 && !store_token_load(s, buf, sizeof buf),
		"a symlink in place of the token is not followed");
	unlink(path);
}

static int64_t received_of(struct store *s, struct store_pull_state *p)
{
	store_sync_residents_state(s, p);
	return p->received;
}

static void resident(struct resident *r, const char *nik, const char *name)
{
	memset(r, 0, sizeof *r);
	snprintf(r->nik, sizeof r->nik, "%s", nik);
	snprintf(r->kk, sizeof r->kk, "3671011503120001");
	snprintf(r->name, sizeof r->name, "%s", name);
	snprintf(r->kelurahan, sizeof r->kelurahan, "36.71.01.1001");
	snprintf(r->rt, sizeof r->rt, "003");
}

static void test_residents(struct store *s, const char *dir)
{
	char csv[4400];
	snprintf(csv, sizeof csv, "%s/old.csv", dir);
	st_write_text(csv, "nik,kk,name,kelurahan\n"
		"3671014101900001,3671011503120009,Orang Lama,36.71.01.1001\n");
	FILE *f = fopen(csv, "rb");
	long rows = 0;
	is_int(store_import_residents(s, f, NULL, NULL, &rows), STORE_OK, "a resident from a CSV");
	fclose(f);

	struct store_pull_state p;
	struct resident page[2];
	is_int(store_sync_residents_begin(s, "r7", 3), STORE_OK, "a pass begins");
	store_sync_residents_state(s, &p);
	ok(p.batch > 0 && strcmp(p.snapshot, "r7") == 0 && p.total == 3 && p.cursor[0] == '\0',
		"pass state: batch %lld, snapshot %s", (long long)p.batch, p.snapshot);
	resident(&page[0], "3671015503850002", "Sri Wahyuni");
	resident(&page[1], "3671011203800001", "Budi Santoso");
	is_int(store_sync_residents_page(s, page, 2, "cur-1", false), STORE_OK, "page 1 stored");
	ok(received_of(s, &p) == 2 && strcmp(p.cursor, "cur-1") == 0, "cursor and count with it");
	resident(&page[0], "3671015503850003", "Rusak\x01Nama");
	ok(store_sync_residents_page(s, page, 1, "cur-2", false) == STORE_REJECTED,
		"a page with a broken name is refused: %s", store_error(s));
	ok(received_of(s, &p) == 2 && strcmp(p.cursor, "cur-1") == 0 &&
		store_resident_get(s, "3671015503850003", &page[1]) == STORE_NOT_FOUND,
		"nothing of the refused page, cursor unchanged");
	is_int(store_resident_count(s), 1, "the copy is untouched during the pass");
	ok(store_resident_get(s, "3671011203800001", &page[1]) == STORE_NOT_FOUND,
		"a staged resident is not in the copy yet");
	resident(&page[0], "3671015503850004", "Siti Aminah");
	resident(&page[1], "3671015503850002", "Sri Wahyuni Baru");
	is_int(store_sync_residents_page(s, page, 2, "", true), STORE_OK,
		"last page (one NIK sent again)");
	store_sync_residents_state(s, &p);
	ok(p.batch == 0 && p.cursor[0] == '\0' && strcmp(p.done_snapshot, "r7") == 0,
		"pass done: snapshot r7 remembered");
	is_int(store_resident_count(s), 3, "the copy is the pass: the old resident went");
	struct resident got;
	ok(store_resident_get(s, "3671014101900001", &got) == STORE_NOT_FOUND &&
		store_resident_get(s, "3671015503850004", &got) == STORE_OK &&
		strcmp(got.name, "Siti Aminah") == 0, "old gone, new there");
	ok(store_resident_get(s, "3671015503850002", &got) == STORE_OK &&
		strcmp(got.name, "Sri Wahyuni Baru") == 0, "a NIK sent twice keeps its later row");
	ok(store_sync_residents_page(s, page, 1, "x", false) == STORE_REJECTED,
		"a page without a pass is refused");

	/* pages that do not add up to the total announced */
	is_int(store_sync_residents_begin(s, "r8", 4), STORE_OK, "a pass of 4 begins");
	resident(&page[0], "3671015503850005", "Dewi Lestari");
	resident(&page[1], "3671015503850006", "Agus Salim");
	is_int(store_sync_residents_page(s, page, 2, "cur-a", false), STORE_OK, "2 of them");
	ok(store_sync_residents_page(s, page, 1, "", true) == STORE_REJECTED &&
		strstr(store_error(s), "tidak lengkap: 2 dari 4") != NULL,
		"a last page leaving 2 (one sent twice) of 4 is refused: %s", store_error(s));
	store_sync_residents_state(s, &p);
	is_int(store_resident_count(s), 3, "the copy stays the one before");
	ok(store_resident_get(s, "3671015503850005", &got) == STORE_NOT_FOUND &&
		store_resident_get(s, "3671015503850004", &got) == STORE_OK,
		"none of the short pass in it");
	ok(p.batch == 0 && p.cursor[0] == '\0' && strcmp(p.done_snapshot, "r7") == 0,
		"the short pass dropped (not resumed), r7 still the snapshot done");
	is_int(store_sync_residents_begin(s, "r9", 2), STORE_OK, "a pass of 2 begins");
	is_int(store_sync_residents_page(s, page, 2, "", true), STORE_OK,
		"its 2 in one last page are taken");
	is_int(store_resident_count(s), 2, "the copy is the pass");
}

static void test_queue(struct store *s, const struct st_client *c)
{
	struct store_local_only lo;
	is_int(store_sync_local_only(s, &lo), STORE_OK, "local-only counts");
	ok(lo.queued == 2 && lo.drafts == 0 && lo.queued_photos == 6 && lo.queued_bytes > 6 * 1000,
		"2 queued with 6 photos, %lld bytes", (long long)lo.queued_bytes);

	struct store_outbox_item it[2];
	is_int(store_outbox_due(s, INT64_MAX, it, 2), 2, "both in the outbox");
	is_int(store_outbox_sending(s, it[0].uuid), STORE_OK, "first is sending");
	struct record r;
	store_record_get(s, it[0].uuid, &r);
	is_int(r.state, STATE_SENDING, "state sending");
	is_int(store_sync_requeue(s, it[0].uuid, 0, "jaringan putus"), STORE_OK, "requeued");
	store_record_get(s, it[0].uuid, &r);
	is_int(r.state, STATE_FINAL, "state final again");
	struct store_outbox_item again;
	store_outbox_due(s, INT64_MAX, &again, 1);
	is_str(again.last_error, "jaringan putus", "the error kept in the outbox row");

	/* the changes feed: one of ours, one unknown */
	struct store_change ch[2];
	memset(ch, 0, sizeof ch);
	snprintf(ch[0].uuid, sizeof ch[0].uuid, "%s", it[1].uuid);
	ch[0].state = STATE_FLAGGED;
	snprintf(ch[0].message, sizeof ch[0].message, "NIK ini juga diverifikasi oleh petugas lain.");
	snprintf(ch[1].uuid, sizeof ch[1].uuid, "0f8fad5b-d9cb-469f-a165-70867728950e");
	ch[1].state = STATE_ACCEPTED;
	size_t applied = 99;
	is_int(store_sync_changes_page(s, ch, 2, "c-42", &applied), STORE_OK, "changes applied");
	is_int(applied, 1, "one record changed (the unknown id skipped)");
	store_record_get(s, it[1].uuid, &r);
	ok(r.state == STATE_FLAGGED && strstr(r.server_message, "petugas lain") != NULL,
		"flagged with the server's message");
	char cur[64];
	ok(store_sync_changes_cursor(s, cur, sizeof cur) && strcmp(cur, "c-42") == 0, "cursor kept");
	is_int(store_outbox_count(s), 1, "a record the server has leaves the queue");
	applied = 99;
	store_sync_changes_page(s, ch, 1, "c-43", &applied);
	is_int(applied, 0, "the same change again changes nothing");
	store_sync_local_only(s, &lo);
	/* the server may have taken it before its photos: they are queued (a
	 * photo it holds is answered at once) */
	ok(lo.queued == 1 && lo.queued_photos == 6 && lo.photos_waiting == 1,
		"local-only: 1 queued now, the other's 3 photos queued after it");

	/* a photo file changed on disk is found out */
	char path[4400];
	store_photo_path(s, r.photos[PHOTO_KIND_KK].sha256, path, sizeof path);
	is_int(store_photo_verify(s, r.photos[PHOTO_KIND_KK].sha256, r.photos[PHOTO_KIND_KK].size),
		STORE_OK, "photo verifies");
	chmod(path, 0600);
	FILE *f = fopen(path, "r+b");
	if (f != NULL) {
		fputc('X', f);
		fclose(f);
	}
	ok(store_photo_verify(s, r.photos[PHOTO_KIND_KK].sha256, r.photos[PHOTO_KIND_KK].size)
		== STORE_REJECTED, "a changed photo: %s", store_error(s));
	unlink(path);
	ok(store_photo_verify(s, r.photos[PHOTO_KIND_KK].sha256, -1) == STORE_NOT_FOUND,
		"a missing photo: %s", store_error(s));
	(void)c;
}


/* The sealed outbox of a keyed profile (store_open_keyed): at finalisation
 * each photo is sealed to the city's key from its clear bytes (the file in
 * the profile is sealed under the data key); the city opens it to the
 * photo as attached. */
struct opened_photo {
	unsigned char *data;
	size_t len;
};

static bool opened_head(void *ctx, const char *sha256_hex, int64_t size)
{
	(void)ctx;
	return sha256_hex != NULL && size > 0;
}

static bool opened_clear(void *ctx, const unsigned char *data, size_t len)
{
	struct opened_photo *o = ctx;
	unsigned char *more = realloc(o->data, o->len + len + 1);
	if (more == NULL)
		return false;
	memcpy(more + o->len, data, len);
	o->data = more;
	o->len += len;
	return true;
}

static void test_sealed_keyed(const char *dir)
{
	struct st_client k;
	st_client_init(&k, dir, "kunci");
	unsigned char key[32], pk[SEALED_KEY_BYTES], sk[SEALED_KEY_BYTES];
	randombytes_buf(key, sizeof key);
	crypto_box_keypair(pk, sk);
	struct store *s;
	char err[512] = "";
	if (!ok(store_open_keyed(k.profile, key, &s, err, sizeof err) == STORE_OK,
		"sealed keyed: a keyed profile %s", err))
		return;
	struct sync_city_pin pin = { .server = "http://127.0.0.1:9" };
	sealed_key_hex(pk, pin.key);
	sync_city_pin_write(k.profile, &pin);
	sync_sealed_install();
	struct record r;
	memset(&r, 0, sizeof r);
	snprintf(r.nik, sizeof r.nik, "3671015503850010");
	snprintf(r.name, sizeof r.name, "Penerima Tersegel");
	snprintf(r.kelurahan, sizeof r.kelurahan, "36.71.01.1001");
	r.decision = DECISION_LAYAK;
	r.has_coord = true;
	r.lat = -6.17;
	r.lon = 106.63;
	r.coord_source = COORD_EXIF;
	bool attached = true;
	for (int i = 0; i < PHOTO_KIND_COUNT; i++) {
		char path[4400], salt[32];
		snprintf(salt, sizeof salt, "sealed-%d", i);
		snprintf(path, sizeof path, "%s/%s.jpg", dir, salt);
		attached = attached && st_make_photo(path, salt, 20000) &&
			store_photo_import(s, path, &r.photos[i]) == STORE_OK;
	}
	unsigned problems = 0;
	ok(attached && store_record_finalise(s, &r, &problems) == STORE_OK,
		"sealed keyed: a record with 3 photos finalised (%s)", store_error(s));
	int same = 0;
	for (int i = 0; i < PHOTO_KIND_COUNT; i++) {
		char path[4600];
		snprintf(path, sizeof path, "%s/sealed/%s/photo-%s", k.profile, r.uuid,
			record_photo_kind_code((enum photo_kind)i));
		size_t len = 0;
		char *file = st_read_file(path, &len);
		struct opened_photo o = { NULL, 0 };
		struct sealed_photo_sink sink = { opened_head, opened_clear, &o };
		struct sealed_photo_in *in = sealed_photo_in_new(pk, sk, &sink);
		bool opened = file != NULL && in != NULL && sealed_photo_in_feed(in, file, len) &&
			sealed_photo_in_end(in);
		unsigned char *want = NULL;
		size_t want_len = 0;
		store_photo_bytes(s, r.photos[i].sha256, &want, &want_len);
		same += opened && want != NULL && o.len == want_len && memcmp(o.data, want, o.len) == 0;
		sealed_photo_in_free(in);
		free(file);
		free(o.data);
		free(want);
	}
	is_int(same, PHOTO_KIND_COUNT, "sealed keyed: the city opens each sealed photo to the "
		"photo as attached");
	store_close(s);
}

int main(void)
{
	st_init();
	test_urls();
	test_backoff();
	test_busy_time();
	test_config_env();

	char dir[4096];
	if (!ok(st_tmpdir("sync-unit", dir, sizeof dir), "temp dir"))
		return tap_done();
	struct st_client c;
	st_client_init(&c, dir, "uji");
	const char *niks[] = { "3671015503850002", "3671011203800001" };
	is_int(st_make_records(&c, niks, 2, "36.71.01.1001", 3000, "unit", NULL), 2,
		"two final records");
	struct store *s;
	char err[512];
	if (!ok(st_open_profile(&c, &s, err, sizeof err) == STORE_OK, "open %s", err))
		return tap_done();
	test_token(s, c.profile);
	test_residents(s, dir);
	test_queue(s, &c);
	store_close(s);
	test_sealed_keyed(dir);
	st_rmdir(dir);
	return tap_done();
}
