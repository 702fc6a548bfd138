/* test_sync_kill: `sigacor sync` killed with SIGKILL at random points, many
 * times, against a real sigacor-server.  After every kill the laptop still
 * has every record (none lost, none half-written); at the end one more sync
 * finishes, the server holds each record exactly once with all its photos
 * byte-identical, the laptop shows all as sent and its registry copy whole.
 * The kill points are random but reproducible: SIGACOR_TEST_SEED=N. */
#include "config.h"
#include "synctest.h"
#include "tap.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define KEL "36.71.05.1001"
#define FIRST_RECORDS 40
#define MORE_RECORDS 3             /* queued before every other kill */
#define RECORDS (FIRST_RECORDS + KILLS / 2 * MORE_RECORDS)
#define RESIDENTS 60000L
#define KILLS 30

static uint64_t rng;

static unsigned next_random(void)
{
	rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(rng >> 33);
}

struct state {
	int64_t counts[STATE_COUNT];
	int64_t outbox;
	int64_t residents;
	int64_t photos_waiting;      /* records sent whose photos are still queued */
};

static bool read_state(const struct st_client *c, struct state *out)
{
	struct store *s;
	char err[512];
	memset(out, 0, sizeof *out);
	if (st_open_profile(c, &s, err, sizeof err) != STORE_OK) {
		tap_diag("store_open after a kill: %s", err);
		return false;
	}
	store_record_counts(s, out->counts);
	out->outbox = store_outbox_count(s);
	out->residents = store_resident_count(s);
	struct store_local_only local;
	if (store_sync_local_only(s, &local) == STORE_OK)
		out->photos_waiting = local.photos_waiting;
	store_close(s);
	return true;
}

int main(void)
{
	st_init();
	const char *seed_text = getenv("SIGACOR_TEST_SEED");
	unsigned seed = seed_text != NULL ? (unsigned)strtoul(seed_text, NULL, 10) :
		(unsigned)time(NULL) ^ (unsigned)getpid();
	rng = seed;
	tap_diag("kill points from seed %u (SIGACOR_TEST_SEED=%u repeats them)", seed, seed);

	char dir[4096], srv_dir[4200], csv[4200];
	if (!ok(st_tmpdir("sync-kill", dir, sizeof dir), "temp dir"))
		return tap_done();
	snprintf(srv_dir, sizeof srv_dir, "%s/server", dir);
	snprintf(csv, sizeof csv, "%s/registry.csv", dir);
	const char *kel[] = { KEL, NULL };
	const char *op[] = { "add-operator", "kim", "--kelurahan", KEL, NULL };
	struct st_server srv;
	bool up = st_server_registry(srv_dir, csv, RESIDENTS, 5, kel) &&
		st_server_admin(srv_dir, ST_PASSWORD "\n", op) == 0 &&
		st_server_start(&srv, srv_dir, 0, NULL);
	if (!ok(up, "server with %ld residents and operator kim", RESIDENTS))
		return tap_done();

	static char niks[RECORDS][17], uuids[RECORDS][37];
	static const char *list[RECORDS];
	int n = st_csv_niks(csv, niks, RECORDS), made = 0;
	for (int i = 0; i < n; i++)
		list[i] = niks[i];
	struct st_client c;
	st_client_init(&c, dir, "kim");
	made = n == RECORDS && st_login(&c, srv.url) == 0 ?
		st_make_records(&c, list, FIRST_RECORDS, KEL, 48 * 1024, "kill", uuids) : 0;
	ok(made == FIRST_RECORDS, "logged in, %d records with photos queued", made);

	setenv("SIGACOR_SYNC_PAGE_LIMIT", "1000", 1);
	setenv("SIGACOR_SYNC_RETRY_BASE_MS", "20", 1);
	setenv("SIGACOR_SYNC_RETRY_CAP_MS", "200", 1);
	const char *args[] = { "sync", NULL };
	int intact = 0, mid_push = 0, mid_pull = 0, between = 0, killed = 0;
	unsigned window = 200;           /* ms */
	int runs = 0;
	for (int k = 0; killed < KILLS && k < 3 * KILLS; k++, runs++) {
		struct state after;
		/* the clerk keeps working between syncs: new records come in */
		/* each batch its own photos: one photo on records of different
		 * NIKs is flagged by the server */
		char tag[32];
		snprintf(tag, sizeof tag, "more%d", made);
		if (k % 2 == 0 && made + MORE_RECORDS <= RECORDS)
			made += st_make_records(&c, list + made, MORE_RECORDS, KEL, 48 * 1024, tag,
				uuids + made);
		pid_t pid = st_sigacor_spawn(&c, args);
		/* a random moment of the run: window follows how long a run lasts
		 * (shorter once the registry is in, as there is less to do) */
		unsigned delay = next_random() % window;
		struct timespec ts = { 0, (long)delay * 1000000L };
		nanosleep(&ts, NULL);
		kill(pid, SIGKILL);
		int code = st_exit_code(st_wait(pid, 30000, NULL));
		killed += code == 128 + SIGKILL;
		if (code == 128 + SIGKILL)
			window = window * 11 / 10 < 600 ? window * 11 / 10 : 600;
		else
			window = window * 6 / 10 > 20 ? window * 6 / 10 : 20;
		bool readable = read_state(&c, &after);
		int64_t total = 0;
		for (int s = STATE_FINAL; s < STATE_COUNT; s++)
			total += after.counts[s];
		int64_t sent = after.counts[STATE_ACCEPTED] + after.counts[STATE_FLAGGED];
		bool whole = readable && total == made && after.counts[STATE_DRAFT] == 0 &&
			after.counts[STATE_QUARANTINED] == 0 &&
			after.outbox == after.counts[STATE_FINAL] + after.counts[STATE_SENDING];
		intact += whole;
		mid_push += sent > 0 && sent < RECORDS;
		mid_pull += after.residents > 0 && after.residents < RESIDENTS;
		between += after.photos_waiting > 0;
		tap_diag("kill %2d after %3u ms (exit %d): sent %lld/%d, sending %lld, residents %lld",
			k + 1, delay, code, (long long)sent, made,
			(long long)after.counts[STATE_SENDING], (long long)after.residents);
	}
	is_int(killed, KILLS, "%d syncs killed while running (%d started)", KILLS, runs);
	is_int(intact, runs, "after each kill every record is there, queued or sent");
	is_int(made, RECORDS, "%d records made in all", RECORDS);
	ok(mid_push > 0, "some kills landed in the middle of the push (%d)", mid_push);
	tap_diag("kills in the middle of the registry download: %d", mid_pull);
	tap_diag("kills with records sent and their photos still queued: %d", between);

	int code = st_sigacor(&c, NULL, 120000, args);
	char outcome[32] = "";
	st_out_str(&c, "outcome", outcome, sizeof outcome);
	ok(code == 0 && strcmp(outcome, "ok") == 0, "a last sync finishes: exit %d, %s", code,
		outcome);
	struct state end;
	read_state(&c, &end);
	ok(end.counts[STATE_ACCEPTED] == RECORDS && end.outbox == 0 &&
		end.counts[STATE_SENDING] == 0 && end.photos_waiting == 0,
		"the laptop shows all %d as sent, none waiting for photos", RECORDS);
	is_int(end.residents, RESIDENTS, "the registry copy is whole");
	int once = 0, photos = 0, identical = 0;
	ok(st_server_holds(srv_dir, &c, uuids, RECORDS, &once, &photos, &identical),
		"server export read");
	ok(once == RECORDS, "the server holds each record exactly once (%d of %d)", once, RECORDS);
	ok(photos == 3 * RECORDS && identical == photos,
		"all %d photos on the server, byte-identical (%d)", 3 * RECORDS, identical);
	st_server_stop(&srv, SIGTERM);
	if (tap_done() == 0) {
		st_rmdir(dir);
		return 0;
	}
	tap_diag("kept %s for a look", dir);
	return 1;
}
