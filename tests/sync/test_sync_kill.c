/* test_sync_kill: `sigacor sync` killed with SIGKILL at its crash points
 * (include/crashpoint.h), run after run, against a real sigacor-server.
 * After every kill the laptop still has every record (none lost, none
 * half-written, none refused), and the server holds each one it shows as
 * sent and each photo out of its queue (asked while anything is left to
 * send: the pull does not change the server); at the end one more sync finishes, the
 * server holds each record exactly once with all its photos
 * byte-identical, the laptop shows all as sent and its registry copy whole.
 * Each kill is a TAP line naming the point ("kill at 212 vault.wal_written
 * (after sync.record_settled)": the last durable step before it).
 *
 * Where to kill.  Each killed run keeps what it made durable, so the next
 * one has less to do and passes other points; the plans (crash_plan: each
 * name's first and last point and KILL_SPREAD more, plus a point half way
 * after the first and the last of each durable step) follow that:
 *   - the push (records, then their photos): a twin laptop (operator ana,
 *     as many records and photos) syncs unkilled from the same start and
 *     its points are the plan; kim's runs are killed along it, each that
 *     much earlier in its own count as the twin's durable steps ("sync.*"
 *     points) kim's laptop has done; a planned durable step itself by its
 *     name (SIGACOR_CRASH_AT=N:NAME, the N-th pass of it), as the points of
 *     the writes before it vary by one or two from run to run.  Once the
 *     records went, the clerk makes MORE_RECORDS more, sent ahead of the
 *     queued photos.  A record's or a photo's step the plan went past
 *     with no kill right after it is killed at its next pass by name.
 *   - once nothing is left to send (the registry's pages, the candidates,
 *     the changes feed, the progress): the run is counted on a copy of the
 *     laptop's profile before each kill (it only reads from the server)
 *     and the kill placed in that count; the residents a killed download
 *     left and the pages that count stores must make the whole registry.
 *   - after a last sync: a sync with nothing to do, at each of its points.
 * A run that ends by itself before its point must have finished all. */
#include "config.h"
#include "synctest.h"
#include "tap.h"
#include "store/crashpoints.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#define KEL "36.71.05.1001"
#define FIRST_RECORDS 40
#define MORE_RECORDS 3               /* made once, while the photos go */
#define RECORDS (FIRST_RECORDS + MORE_RECORDS)
#define RESIDENTS 60000L
#define PAGE 1000                    /* residents a page (SIGACOR_SYNC_PAGE_LIMIT) */
#define PHOTO_BYTES (48 * 1024)
/* every point when a run passes at most this many; else each name's first
 * and last point and KILL_SPREAD more, evenly */
#define KILL_ALL_UP_TO 60
#define KILL_SPREAD 12
#define MAX_KILLS 200
#define RUN_MS 120000

struct state {
	int64_t counts[STATE_COUNT];
	int64_t outbox;
	int64_t residents;
	int64_t photos_waiting;      /* records sent whose photos are still queued */
	int64_t queued_photos;       /* photos not yet out of the queue */
	int64_t pulling;             /* residents of a download in progress, stored */
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
	if (store_sync_local_only(s, &local) == STORE_OK) {
		out->photos_waiting = local.photos_waiting;
		out->queued_photos = local.queued_photos;
	}
	/* a download's pages wait beside the copy until its last one */
	struct store_pull_state pull;
	if (store_sync_residents_state(s, &pull) == STORE_OK && pull.batch > 0)
		out->pulling = pull.received;
	store_close(s);
	return true;
}

static int64_t sent_of(const struct state *st)
{
	return st->counts[STATE_ACCEPTED] + st->counts[STATE_FLAGGED];
}

/* every record there, queued or sent; none a draft or refused */
static bool intact(const struct state *st, int made)
{
	int64_t total = 0;
	for (int s = STATE_FINAL; s < STATE_COUNT; s++)
		total += st->counts[s];
	return total == made && st->counts[STATE_DRAFT] == 0 &&
		st->counts[STATE_QUARANTINED] == 0 &&
		st->outbox == st->counts[STATE_FINAL] + st->counts[STATE_SENDING];
}

/* all sent with their photos, the registry copy whole */
static bool finished(const struct state *st, int made)
{
	return st->counts[STATE_ACCEPTED] == made && st->outbox == 0 &&
		st->counts[STATE_SENDING] == 0 && st->photos_waiting == 0 &&
		st->residents == RESIDENTS;
}

/* `sigacor sync` of c (input on its stdin, or nothing), killed at its
 * at-th crash point (0: never), or the at-th pass of the point name, each
 * point it passes logged to log; its exit code.  The variables are set for
 * the child only: this process passes crash points of its own when it
 * opens a profile. */
static int sync_run(struct st_client *c, int at, const char *name, const char *log,
	const char *input)
{
	static const char *const args[] = { "sync", NULL };
	char n[96];
	snprintf(n, sizeof n, "%d%s%s", at, name != NULL ? ":" : "", name != NULL ? name : "");
	unlink(log);
	setenv("SIGACOR_CRASH_LOG", log, 1);
	if (at > 0)
		setenv("SIGACOR_CRASH_AT", n, 1);
	int code = st_sigacor(c, input, RUN_MS, args);
	unsetenv("SIGACOR_CRASH_AT");
	unsetenv("SIGACOR_CRASH_LOG");
	return code;
}

/* 1-based place of the last point named "sync.*" in p (0: none) */
static int last_sync_point(const struct crash_points *p)
{
	for (int i = p->n; i > 0; i--)
		if (strncmp(p->name[i - 1], "sync.", 5) == 0)
			return i;
	return 0;
}

/* The twin's durable steps: its "sync.*" points, each with its place in
 * its run (1-based). */
struct steps {
	int n;
	int *at;
	const char **name;
};

static void steps_of(const struct crash_points *p, struct steps *out)
{
	out->n = 0;
	out->at = calloc((size_t)p->n + 1, sizeof *out->at);
	out->name = calloc((size_t)p->n + 1, sizeof *out->name);
	for (int i = 0; out->at != NULL && out->name != NULL && i < p->n; i++)
		if (strncmp(p->name[i], "sync.", 5) == 0) {
			out->at[out->n] = i + 1;
			out->name[out->n++] = p->name[i];
		}
}

static void steps_free(struct steps *st)
{
	free(st->at);
	free(st->name);
}

/* How many of the twin's steps kim's laptop has done (done before) after a
 * run that passed p.  Each sync.* point of the run is the twin's next step;
 * or, not one of a row of the same (the pages), the last one again: a
 * record killed while marked sending is marked again; or a step or two on:
 * a photo the server already holds whole is not counted again.  Any other
 * step is not the twin's (records the twin never had). */
#define STEP_SKIP 3
static int steps_done(const struct steps *st, int done, const struct crash_points *p)
{
	for (int i = 0; i < p->n; i++) {
		const char *name = p->name[i];
		if (strncmp(name, "sync.", 5) != 0)
			continue;
		bool again = done > 0 && strcmp(st->name[done - 1], name) == 0 &&
			(done == st->n || strcmp(st->name[done], name) != 0);
		for (int j = done; !again && j < st->n && j <= done + STEP_SKIP; j++)
			if (strcmp(st->name[j], name) == 0) {
				done = j + 1;
				break;
			}
	}
	return done;
}

/* The points a record costs in the twin's run: from its first
 * sync.record_sending to its last sync.record_settled, by the records. */
static int record_cost(const struct crash_points *p)
{
	int a = 0, b = 0;
	for (int i = 1; i <= p->n; i++) {
		if (a == 0 && strcmp(p->name[i - 1], "sync.record_sending") == 0)
			a = i;
		if (strcmp(p->name[i - 1], "sync.record_settled") == 0)
			b = i;
	}
	return b > a ? (b - a) / FIRST_RECORDS : 0;
}

#define MAX_NAMES 64

/* kim's laptop, and what its killed runs found */
struct bench {
	struct st_client c;
	struct st_client look;           /* a copy of it, for the checks */
	const char *srv_dir;
	int held_all;                    /* the server holds all made, once nothing is left */
	char log[4200];
	const char **niks;               /* of its records, made and to make */
	char (*uuids)[37];
	int made, runs, kills, ended;
	char last[160];                  /* the last kill, for a later check to name */
	bool last_checked;
	int counted, short_pages;        /* the download's sums checked, wrong */
	int mid_push, mid_photos, mid_pull;
	/* the durable steps a kill came right after (before the next) */
	char after[MAX_NAMES][CRASH_NAME_MAX];
	int n_after;
};

static bool seen(const struct bench *b, const char *name)
{
	for (int i = 0; i < b->n_after; i++)
		if (strcmp(b->after[i], name) == 0)
			return true;
	return false;
}

/* kim's profile copied over the look's */
static bool copy_profile(const struct bench *b)
{
	char cmd[20000];
	snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s' && cp -a '%s' '%s'", b->look.profile,
		b->look.root, b->c.profile, b->look.profile);
	return system(cmd) == 0;
}

/* The laptop's state, read from a copy of its profile: closing the store
 * would checkpoint the laptop's WAL, which a run after a crash would not
 * find done, so its points would no longer be the twin's. */
static bool look_state(struct bench *b, struct state *out)
{
	memset(out, 0, sizeof *out);
	return copy_profile(b) && read_state(&b->look, out);
}

/* What the server holds of kim's records: each once, photos byte-identical. */
struct held {
	int once, identical;
};

/* The server holds each record the laptop shows as sent, and each photo
 * out of its queue, byte-identical (look: the laptop's state, copied). */
static bool server_has(struct bench *b, const struct state *look, struct held *h)
{
	int photos = 0;
	memset(h, 0, sizeof *h);
	return st_server_holds(b->srv_dir, &b->look, b->uuids, b->made, &h->once, &photos,
		&h->identical) && h->once >= sent_of(look) &&
		h->identical >= 3 * b->made - look->queued_photos;
}

/* One sync of kim's, killed at its at-th crash point, or the at-th pass
 * of the point name; a TAP line of how it went.  killed: it died there;
 * else it ended by itself before, and must have finished everything.
 * passed: its points (crash_points_free). */
static bool kill_run(struct bench *b, int at, const char *name, struct crash_points *passed)
{
	struct state after;
	int code = sync_run(&b->c, at, name, b->log, NULL);
	crash_log_read(b->log, passed);
	bool readable = look_state(b, &after);
	bool there = name != NULL ? passed->n > 0 && strcmp(passed->name[passed->n - 1], name) == 0
		: passed->n == at;
	bool killed = code == 128 + SIGKILL && there;
	bool ended = code == 0;
	int durable = last_sync_point(passed);
	const char *point = passed->n > 0 ? passed->name[passed->n - 1] : "(none)";
	const char *step = durable > 0 ? passed->name[durable - 1] : "the start";
	/* the server only changes while something is left to send */
	struct held held = { b->held_all, 3 * b->held_all };
	bool whole = readable && intact(&after, b->made) &&
		(b->held_all > 0 || server_has(b, &after, &held));
	int64_t sent = sent_of(&after);
	b->runs++;
	b->kills += killed;
	b->ended += ended;
	b->mid_push += killed && sent > 0 && sent < b->made;
	b->mid_photos += killed && sent == b->made && after.photos_waiting > 0;
	b->mid_pull += killed && after.pulling > 0;
	if (killed && durable > 0 && !seen(b, step) && b->n_after < MAX_NAMES)
		snprintf(b->after[b->n_after++], CRASH_NAME_MAX, "%s", step);
	if (ended) {
		ok(whole && finished(&after, b->made), "run %d ended by itself before point %d%s%s "
			"(passed %d): finished, all %d sent, the registry whole", b->runs, at,
			name != NULL ? " of " : "", name != NULL ? name : "", passed->n, b->made);
		return false;
	}
	snprintf(b->last, sizeof b->last, "kill at %d %s (after %s)", passed->n, point, step);
	b->last_checked = false;
	ok(killed && whole, "kill at %d %s (after %s; exit %d): every record there, %lld of %d "
		"sent (the server holds %d), %lld photos queued (it holds %d), %lld residents "
		"(%lld pulled)", passed->n, point, step, code, (long long)sent, b->made, held.once,
		(long long)after.queued_photos, held.identical, (long long)after.residents,
		(long long)after.pulling);
	return killed;
}

/* Which of the first n durable steps of st no kill came right after
 * (before the next): a diagnostic, as a step that is one write can be
 * missed by a point or two (the points of a transaction vary from run to
 * run; a kill in a commit's checkpoint comes after the commit). */
static void steps_check(const struct bench *b, const struct steps *st, int n, const char *phase)
{
	char missed[1024] = "";
	for (int i = 0; i < n; i++) {
		bool before = false;
		for (int j = 0; j < i && !before; j++)
			before = strcmp(st->name[j], st->name[i]) == 0;
		if (before || seen(b, st->name[i]))
			continue;
		size_t o = strlen(missed);
		snprintf(missed + o, sizeof missed - o, " %s", st->name[i]);
	}
	tap_diag("in %s, steps no kill came right after:%s", phase,
		missed[0] != '\0' ? missed : " none");
}

static int ascending(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Where to kill a run that passes p (room for MAX_KILLS): crash_plan's
 * points, and half way from the first and from the last of each durable
 * step to the point of the next: a kill there finds the step done and
 * the next not, whatever a transaction's points vary. */
static int plan(const struct crash_points *p, int *at)
{
	int n = crash_plan(p, KILL_ALL_UP_TO, KILL_SPREAD, at, MAX_KILLS);
	struct steps st;
	steps_of(p, &st);
	for (int i = 0; i < st.n && n < MAX_KILLS; i++) {
		bool first = true, last = true;
		for (int j = 0; j < st.n; j++)
			if (strcmp(st.name[j], st.name[i]) == 0) {
				first = first && j >= i;
				last = last && j <= i;
			}
		int next = i + 1 < st.n ? st.at[i + 1] : p->n + 1;
		int mid = (st.at[i] + next) / 2;
		bool there = false;
		for (int k = 0; k < n && !there; k++)
			there = at[k] == mid;
		if ((first || last) && mid > st.at[i] && !there)
			at[n++] = mid;
	}
	steps_free(&st);
	qsort(at, (size_t)n, sizeof *at, ascending);
	return n;
}

/* A durable step of the push no kill came right after yet, while there is
 * still work of its kind (NULL: none): the plan follows the twin's count,
 * and the runs before can leave kim past the only points it planned for a
 * step (seen in about one run in ten for the photos). */
static const char *step_missed(const struct bench *b, const struct state *now)
{
	static const char *const records[] = { "sync.record_sending", "sync.record_settled" };
	for (size_t i = 0; now->outbox > 0 && i < sizeof records / sizeof records[0]; i++)
		if (!seen(b, records[i]))
			return records[i];
	if (now->outbox == 0 && now->queued_photos > 0 && !seen(b, "sync.photo_uploaded"))
		return "sync.photo_uploaded";
	return NULL;
}

/* The twin's point of its last step named name (0: none). */
static int last_step(const struct steps *st, const char *name)
{
	for (int i = st->n; i > 0; i--)
		if (strcmp(st->name[i - 1], name) == 0)
			return st->at[i - 1];
	return 0;
}

/* How many more times kim's runs pass a step of the push, as far as its
 * work left says (INT_MAX: not counted): a kill by a step's pass is
 * capped there.  The twin's steps come in the order its run sent records
 * and photos, which kim's runs need not keep: kim may be a record or more
 * further on than the twin's step it has done says, and a pass beyond its
 * last record would let the run end by itself, the pull with it. */
static int passes_left(const struct state *now, const char *name)
{
	if (strcmp(name, "sync.record_sending") == 0 || strcmp(name, "sync.record_settled") == 0)
		return now->outbox > 0 ? (int)now->outbox : 1;
	if (strcmp(name, "sync.photo_uploaded") == 0)
		return now->queued_photos > 0 ? (int)now->queued_photos : 1;
	return INT_MAX;
}

/* Kim's syncs killed at the twin's planned points while kim has anything
 * to send: each run goes on from where the runs before it left the
 * laptop, the twin's step it has done, so it is killed that much earlier
 * in its own count.  The clerk keeps working: records made once every
 * record went and the photos go, which the next run sends first. */
static void kill_push(struct bench *b, const struct crash_points *twin)
{
	static int at[MAX_KILLS];
	int planned = plan(twin, at);
	struct steps st;
	steps_of(twin, &st);
	int done = 0, extra = 0;
	struct state now;
	if (!look_state(b, &now))
		memset(&now, 0, sizeof now);
	for (int k = 0; k < planned; k++) {
		int own = at[k] - (done > 0 ? st.at[done - 1] : 0);
		if (own < 1)
			continue;            /* an earlier run went past it */
		/* a durable step itself: by its name, as the points before it
		 * vary a little from run to run */
		int pass = 0, i = done;
		while (i < st.n && st.at[i] < at[k])
			i++;
		const char *name = i < st.n && st.at[i] == at[k] ? st.name[i] : NULL;
		for (int j = done; name != NULL && j <= i; j++)
			pass += strcmp(st.name[j], name) == 0;
		/* a record killed while marked sending is marked again */
		if (name != NULL && done > 0 && strcmp(st.name[done - 1], "sync.record_sending") == 0
			&& strcmp(name, "sync.record_sending") == 0)
			pass++;
		if (name != NULL && pass > passes_left(&now, name))
			pass = passes_left(&now, name);
		struct crash_points passed;
		bool killed = kill_run(b, name != NULL ? pass : own + extra, name, &passed);
		done = steps_done(&st, done, &passed);
		crash_points_free(&passed);
		extra = 0;
		if (!killed || !look_state(b, &now) || (now.outbox == 0 && now.photos_waiting == 0))
			break;
		/* a step the plan is past (its next kill is beyond the twin's
		 * last such step) with no kill right after it: killed at its
		 * next pass, the plan going on from where that run leaves kim */
		const char *missed = step_missed(b, &now);
		if (missed != NULL && (k + 1 == planned || at[k + 1] > last_step(&st, missed))) {
			tap_diag("the plan is past %s with no kill right after it: killed at its "
				"next pass", missed);
			killed = kill_run(b, 1, missed, &passed);
			done = steps_done(&st, done, &passed);
			crash_points_free(&passed);
			if (!killed || !look_state(b, &now) || (now.outbox == 0 && now.photos_waiting == 0))
				break;
		}
		if (b->made == FIRST_RECORDS && now.outbox == 0 && now.photos_waiting > 0) {
			b->made += st_make_records(&b->c, b->niks + b->made, MORE_RECORDS, KEL,
				PHOTO_BYTES, "more", b->uuids + b->made);
			extra = MORE_RECORDS * record_cost(twin);
			if (!look_state(b, &now))
				break;
		}
	}
	steps_check(b, &st, done, "the push");
	steps_free(&st);
}

/* A download left in the middle (was) and the pages the run after it
 * stores (p) make the whole registry: what the kills left is what the
 * cursor says, no page skipped, none stored twice.  Said when not. */
static void pages_add_up(struct bench *b, const struct state *was, const struct crash_points *p)
{
	int64_t pages = 0;
	for (int i = 0; i < p->n; i++)
		pages += strcmp(p->name[i], "sync.residents_page_stored") == 0;
	b->counted++;
	if (was->pulling + pages * PAGE == RESIDENTS)
		return;
	b->short_pages++;
	ok(false, "after the %s: %lld residents stored and %lld pages to come make %lld, not "
		"%ld", b->last, (long long)was->pulling, (long long)pages,
		(long long)(was->pulling + pages * PAGE), RESIDENTS);
}

/* The points a sync of the laptop as it is now passes, counted on a copy
 * of its profile (not unlocked: the password on stdin).  Only once there
 * is nothing left to send: the copy's run then only reads from the server. */
static bool count_now(struct bench *b, struct crash_points *out)
{
	char pw[128];
	struct state was;
	snprintf(pw, sizeof pw, "%s\n", b->look.password);
	memset(out, 0, sizeof *out);
	if (!look_state(b, &was))
		return false;
	int code = sync_run(&b->look, 0, NULL, b->log, pw);
	bool counted = crash_log_read(b->log, out) > 0 && code == 0;
	if (counted && was.pulling > 0 && !b->last_checked)
		pages_add_up(b, &was, out);
	b->last_checked = true;
	return counted;
}

/* How many of first's steps are done when now's steps are the rest of
 * them (what is left of the same work); -1 when they are not. */
static int steps_left_of(const struct steps *first, const struct steps *now)
{
	int done = first->n - now->n;
	for (int i = 0; done >= 0 && i < now->n; i++)
		if (strcmp(first->name[done + i], now->name[i]) != 0)
			return -1;
	return done;
}

/* Where in now, a count with done of first's steps done, the point at of
 * first is: between the same two steps, as far between them (the points
 * of a transaction vary a little from run to run, the checkpoints a commit
 * makes more); 0 when it is done already. */
static int place_now(const struct crash_points *first, const struct steps *st,
	const struct crash_points *now, const struct steps *ns, int done, int at)
{
	int a = 0;                       /* first's steps at or before at */
	while (a < st->n && st->at[a] <= at)
		a++;
	int j = a - done;                /* the same step in now */
	if (j < 0 || (j == 0 && done > 0 && at <= st->at[done - 1]))
		return 0;
	int left = a > 0 ? st->at[a - 1] : 0, right = a < st->n ? st->at[a] : first->n;
	int left_now = j > 0 ? ns->at[j - 1] : 0, right_now = j < ns->n ? ns->at[j] : now->n;
	long span_first = right - left > 0 ? right - left : 1;
	int own = left_now + (int)((long)(at - left) * (right_now - left_now) / span_first);
	return own < 1 ? 1 : own > now->n ? now->n : own;
}

/* Kim's syncs killed at the points planned from first, a count of the run
 * on a copy; before each kill the run as the laptop is then is counted
 * again, and the kill placed in it.  false when the runs went another way
 * than first's (killed after the registry's last page, before its cursor:
 * the next run takes the cursor from the probe). */
static bool kill_planned(struct bench *b, const struct crash_points *first)
{
	static int at[MAX_KILLS];
	int planned = plan(first, at);
	struct crash_points now;
	struct steps st, ns;
	steps_of(first, &st);
	int done = 0;
	bool along = true;
	for (int k = 0; along && k < planned && count_now(b, &now); k++) {
		steps_of(&now, &ns);
		int left = steps_left_of(&st, &ns);
		int own = left >= 0 ? place_now(first, &st, &now, &ns, left, at[k]) : 0;
		steps_free(&ns);
		crash_points_free(&now);
		along = left >= 0;
		done = along ? left : done;
		struct crash_points passed;
		if (own > 0) {
			along = kill_run(b, own, NULL, &passed);
			crash_points_free(&passed);
		}
	}
	steps_check(b, &st, done, "the pull");
	steps_free(&st);
	return along;
}

/* Kim's syncs killed once nothing is left to send (the registry's pages,
 * the candidates, the changes feed, the progress), each planned from a
 * count of the run on a copy; planned again when the runs went another
 * way, until a plan was followed to its end. */
static void kill_pull(struct bench *b)
{
	struct crash_points first;
	struct state now;
	struct held held = { 0 };
	bool sent = look_state(b, &now) && now.outbox == 0 && now.photos_waiting == 0 &&
		server_has(b, &now, &held);
	if (!ok(sent, "the push killed along the twin's plan left nothing to send: the server "
		"holds all %d records (%d), their photos (%d)", b->made, held.once, held.identical))
		return;
	b->held_all = b->made;
	for (int round = 0; round < 3; round++) {
		bool counted = count_now(b, &first);
		if (!ok(counted, "nothing left to send: a sync now passes %d crash points",
			first.n))
			return;
		bool along = kill_planned(b, &first);
		crash_points_free(&first);
		if (along)
			return;
	}
}

/* Syncs once everything is there (the registry's changes since the copy,
 * the candidates, the changes feed, the kelurahan's progress), killed at
 * each point of one: each passes the same, as none leaves work behind. */
static void kill_after(struct bench *b)
{
	struct crash_points idle;
	int code = sync_run(&b->c, 0, NULL, b->log, NULL);
	crash_log_read(b->log, &idle);
	if (!ok(code == 0 && idle.n > 0, "a sync with nothing to send passes %d crash points",
		idle.n))
		return;
	static int at[MAX_KILLS];
	int planned = plan(&idle, at);
	for (int k = 0; k < planned; k++) {
		struct crash_points passed;
		bool killed = kill_run(b, at[k], NULL, &passed);
		crash_points_free(&passed);
		if (!killed)
			break;
	}
	crash_points_free(&idle);
}

int main(void)
{
	st_init();
	char dir[4096], srv_dir[4200], csv[4200];
	if (!ok(st_tmpdir("sync-kill", dir, sizeof dir), "temp dir"))
		return tap_done();
	snprintf(srv_dir, sizeof srv_dir, "%s/server", dir);
	snprintf(csv, sizeof csv, "%s/registry.csv", dir);
	const char *kel[] = { KEL, NULL };
	const char *op_kim[] = { "add-operator", "kim", "--kelurahan", KEL, NULL };
	const char *op_ana[] = { "add-operator", "ana", "--kelurahan", KEL, NULL };
	struct st_server srv;
	bool up = st_server_registry(srv_dir, csv, RESIDENTS, 5, kel) &&
		st_server_admin(srv_dir, ST_PASSWORD "\n", op_kim) == 0 &&
		st_server_admin(srv_dir, ST_PASSWORD "\n", op_ana) == 0 &&
		st_server_start(&srv, srv_dir, 0, NULL);
	if (!ok(up, "server with %ld residents and operators kim and ana", RESIDENTS))
		return tap_done();

	/* kim's NIKs first, then the twin's */
	static char niks[RECORDS + FIRST_RECORDS][17], uuids[RECORDS][37];
	static const char *list[RECORDS + FIRST_RECORDS];
	int n = st_csv_niks(csv, niks, RECORDS + FIRST_RECORDS);
	for (int i = 0; i < n; i++)
		list[i] = niks[i];
	static struct bench b;
	struct st_client twin;
	st_client_init(&b.c, dir, "kim");
	char look_root[4200];
	snprintf(look_root, sizeof look_root, "%s/look", dir);
	st_client_init(&b.look, look_root, "kim");
	st_client_init(&twin, dir, "ana");
	snprintf(b.log, sizeof b.log, "%s/crash.log", dir);
	b.niks = list;
	b.srv_dir = srv_dir;
	b.uuids = uuids;
	bool ready = n == RECORDS + FIRST_RECORDS && st_login(&b.c, srv.url) == 0 &&
		st_login(&twin, srv.url) == 0;
	b.made = ready ? st_make_records(&b.c, list, FIRST_RECORDS, KEL, PHOTO_BYTES, "kill",
		uuids) : 0;
	int twin_made = ready ? st_make_records(&twin, list + RECORDS, FIRST_RECORDS, KEL,
		PHOTO_BYTES, "twin", NULL) : 0;
	ok(b.made == FIRST_RECORDS && twin_made == FIRST_RECORDS,
		"both logged in, %d records with photos queued on each laptop", b.made);

	char page[16];
	snprintf(page, sizeof page, "%d", PAGE);
	setenv("SIGACOR_SYNC_PAGE_LIMIT", page, 1);
	setenv("SIGACOR_SYNC_RETRY_BASE_MS", "20", 1);
	setenv("SIGACOR_SYNC_RETRY_CAP_MS", "200", 1);
	char twin_log[4200];
	snprintf(twin_log, sizeof twin_log, "%s/twin.log", dir);
	struct crash_points points;
	int code = sync_run(&twin, 0, NULL, twin_log, NULL);
	crash_log_read(twin_log, &points);
	struct state twin_end;
	read_state(&twin, &twin_end);
	if (!ok(code == 0 && points.n > 0 && finished(&twin_end, FIRST_RECORDS),
		"the twin's unkilled sync finishes, passing %d crash points", points.n))
		return tap_done();
	kill_push(&b, &points);
	crash_points_free(&points);
	kill_pull(&b);
	tap_diag("%d runs killed, %d ended by themselves", b.kills, b.ended);
	ok(b.mid_push > 0, "kills with records mid-push: %d", b.mid_push);
	ok(b.mid_photos > 0, "kills with every record sent and photos still queued: %d",
		b.mid_photos);
	ok(b.mid_pull > 0, "kills in the middle of the registry download: %d", b.mid_pull);
	ok(b.counted > 0 && b.short_pages == 0, "after each of them the residents stored and the "
		"pages to come make the registry (%d counted)", b.counted);
	static const char *const key[] = { "sync.record_sending", "sync.record_settled",
		"sync.photo_uploaded", "sync.residents_page_stored" };
	for (size_t i = 0; i < sizeof key / sizeof key[0]; i++)
		ok(seen(&b, key[i]), "a kill right after %s (before the next durable step)", key[i]);
	/* whatever the kills left, one sync finishes it */
	const char *args[] = { "sync", NULL };
	code = st_sigacor(&b.c, NULL, RUN_MS, args);
	char outcome[32] = "";
	st_out_str(&b.c, "outcome", outcome, sizeof outcome);
	ok(code == 0 && strcmp(outcome, "ok") == 0, "a last sync finishes: exit %d, %s", code,
		outcome);
	kill_after(&b);

	is_int(b.made, RECORDS, "%d records made in all", RECORDS);
	struct state end;
	read_state(&b.c, &end);
	ok(end.counts[STATE_ACCEPTED] == RECORDS && end.outbox == 0 &&
		end.counts[STATE_SENDING] == 0 && end.photos_waiting == 0,
		"the laptop shows all %d as sent, none waiting for photos", RECORDS);
	is_int(end.residents, RESIDENTS, "the registry copy is whole");
	int once = 0, photos = 0, identical = 0;
	ok(st_server_holds(srv_dir, &b.c, uuids, RECORDS, &once, &photos, &identical),
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
