/* test_sync_fake: the client against a misbehaving server (fakeserver):
 * captive portal, redirects, resets, huge, dripping, truncated and malformed
 * replies, wrong JSON types, NIK as a number, residents of another
 * kelurahan, 5xx and 429 (Retry-After), 401/403/404, a 422 on one record,
 * missing photos, TLS to a plain server, proxies from the environment.
 * Each time: the real `sigacor sync` never crashes, ends with the right
 * outcome and exit status, and the queue is exactly as it should be.
 * Then the engine in this process: the loop keeps control during a slow
 * upload, and a cancel puts the record back in the queue. */
#include "config.h"
#include "sync.h"
#include "synctest.h"
#include "tap.h"
#include "store/crashpoints.h"

#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[4096];
static char niks[40][17];
static int n_niks;
static int next_nik;

struct expect {
	const char *scenario;
	int exit_code;
	const char *outcome;
	int queued;                  /* records left in the outbox */
	int accepted;                /* records accepted (or flagged) */
	int quarantined;
	bool https;                  /* talk TLS to the plain fake */
};

static const struct expect cases[] = {
	{ "good", 0, "ok", 0, 2, 0, false },
	{ "portal", 3, "portal", 2, 0, 0, false },
	{ "redirect", 3, "portal", 2, 0, 0, false },
	{ "htmlmarker", 3, "server", 2, 0, 0, false },
	{ "reset", 3, "network", 2, 0, 0, false },
	{ "huge", 3, "server", 2, 0, 0, false },
	{ "drip", 3, "network", 2, 0, 0, false },
	{ "wrongtypes", 3, "server", 2, 0, 0, false },
	{ "truncated", 3, "network", 2, 0, 0, false },
	{ "badjson", 3, "server", 2, 0, 0, false },
	{ "niknumber", 3, "server", 0, 2, 0, false },
	{ "outscope", 3, "server", 0, 2, 0, false },
	{ "shortpage", 3, "server", 0, 2, 0, false },
	{ "wronghint", 0, "ok", 0, 2, 0, false },
	{ "e500", 0, "ok", 0, 2, 0, false },
	{ "e429", 0, "ok", 0, 2, 0, false },
	{ "proxy503", 0, "ok", 0, 2, 0, false },
	{ "q422", 1, "quarantined", 0, 1, 1, false },
	{ "missing", 0, "ok", 0, 2, 0, false },
	{ "e401", 4, "login_needed", 2, 0, 0, false },
	{ "e403", 4, "disabled", 2, 0, 0, false },
	{ "e404", 3, "server", 2, 0, 0, false },
	{ "good", 3, "tls", 2, 0, 0, true },
};

/* The fake's log: how many requests whose line contains what. */
static int log_count(const char *log, const char *what)
{
	char *text = st_read_file(log, NULL);
	int n = 0;
	for (const char *p = text; p != NULL && (p = strstr(p, what)) != NULL; p++)
		n++;
	free(text);
	return n;
}

/* ms of the n-th (0-based) log line containing what, or -1 */
static long long log_time(const char *log, const char *what, int nth)
{
	char *text = st_read_file(log, NULL);
	long long t = -1;
	for (char *line = text, *nl; line != NULL && *line != '\0'; line = nl + 1) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			break;
		*nl = '\0';
		if (strstr(line, what) != NULL && nth-- == 0) {
			t = atoll(line);
			break;
		}
	}
	free(text);
	return t;
}

static bool copy_message(const struct record *r, void *ctx)
{
	snprintf(ctx, RECORD_TEXT_MAX, "%s", r->server_message);
	return false;
}

/* The server's message on the (first) quarantined record. */
static void quarantine_message(const struct st_client *c, char *msg, size_t len)
{
	struct store *s;
	char err[512];
	if (len < RECORD_TEXT_MAX || st_open_profile(c, &s, err, sizeof err) != STORE_OK)
		return;
	struct store_filter f = { NULL, STATE_QUARANTINED, NULL, 0, 0 };
	store_record_list(s, &f, copy_message, msg);
	store_close(s);
}

/* A profile logged in to url without asking the server (the fake may not
 * answer a login well), with two queued records; keyed, as sigacor makes
 * every profile (the sync gets the password on stdin). */
static bool prepare(struct st_client *c, const char *name, const char *url)
{
	st_client_init(c, dir, name);
	if (!st_key_profile(c))
		return false;
	const char *two[2] = { niks[next_nik % n_niks], niks[(next_nik + 1) % n_niks] };
	next_nik += 2;
	if (st_make_records(c, two, 2, "36.71.01.1001", 2500, name, NULL) != 2)
		return false;
	struct store *s;
	char err[512];
	if (st_open_profile(c, &s, err, sizeof err) != STORE_OK)
		return false;
	bool ok = store_token_save(s, "faketoken-0123456789abcdef", "") == STORE_OK &&
		store_meta_set(s, "sync.server_url", url) == STORE_OK;
	store_close(s);
	return ok;
}

/* The residents c's copy holds (-1: unreadable), and its download's state. */
static int64_t registry_of(const struct st_client *c, struct store_pull_state *pull)
{
	struct store *s;
	char err[512];
	int64_t n = -1;
	memset(pull, 0, sizeof *pull);
	pull->batch = -1;
	if (st_open_profile(c, &s, err, sizeof err) == STORE_OK) {
		n = store_resident_count(s);
		store_sync_residents_state(s, pull);
		store_close(s);
	}
	return n;
}

/* the copy holds nik with that name */
static bool resident_named(const struct st_client *c, const char *nik, const char *name)
{
	struct store *s;
	struct resident r;
	char err[512];
	bool yes = false;
	if (st_open_profile(c, &s, err, sizeof err) == STORE_OK) {
		yes = store_resident_get(s, nik, &r) == STORE_OK && strcmp(r.name, name) == 0;
		store_close(s);
	}
	return yes;
}

static void check_case(const struct expect *e, int index)
{
	char log[4200], name[64], url[96];
	snprintf(name, sizeof name, "c%02d-%s", index, e->scenario);
	snprintf(log, sizeof log, "%s/%s.fake", dir, name);
	struct st_server fake;
	if (!ok(st_fake_start(&fake, e->scenario, log), "%s: fake server up", name))
		return;
	snprintf(url, sizeof url, "%s://127.0.0.1:%d", e->https ? "https" : "http", fake.port);
	struct st_client c;
	if (!ok(prepare(&c, name, url), "%s: profile with 2 queued records", name)) {
		st_server_stop(&fake, SIGKILL);
		return;
	}
	int64_t t0 = st_now_ms();
	const char *args[] = { "sync", NULL };
	int code = st_sigacor(&c, ST_LAPTOP_PASSWORD "\n", 60000, args);
	int64_t took = st_now_ms() - t0;
	char outcome[64] = "", message[512] = "";
	st_out_str(&c, "outcome", outcome, sizeof outcome);
	st_out_str(&c, "message", message, sizeof message);
	ok(code == e->exit_code && strcmp(outcome, e->outcome) == 0,
		"%s: exit %d (want %d), outcome %s (want %s) in %lld ms: %s", name, code,
		e->exit_code, outcome, e->outcome, (long long)took, message);
	int64_t counts[STATE_COUNT] = { 0 }, outbox = -1;
	st_client_counts(&c, counts, &outbox);
	ok(outbox == e->queued && counts[STATE_FINAL] == e->queued && counts[STATE_SENDING] == 0,
		"%s: %d left queued as final, none stuck in sending (outbox %lld, final %lld)", name,
		e->queued, (long long)outbox, (long long)counts[STATE_FINAL]);
	ok(counts[STATE_ACCEPTED] + counts[STATE_FLAGGED] == e->accepted &&
		counts[STATE_QUARANTINED] == e->quarantined, "%s: %d accepted, %d quarantined",
		name, e->accepted, e->quarantined);
	ok(message[0] != '\0' && strchr(message, '<') == NULL,
		"%s: a sentence for the clerk, no HTML passed through", name);

	/* what only some cases can show */
	if (strcmp(e->scenario, "good") == 0 && !e->https) {
		ok(log_count(log, "auth=0") == 0, "good: every request carried the token");
		ok(log_count(log, "faketoken") == 0, "good: the token never in a URL");
		ok(log_count(log, "PUT /api/v1/blobs/") == 6 && log_count(log, "PUT /api/v1/verif") == 2,
			"good: 2 records, 6 photos");
		ok(log_count(log, "HEAD /api/v1/blobs/") == 0 && log_count(log, "len=0 early") == 6,
			"good: no HEAD; each photo the server has answered before its body (no byte sent)");
		ok(log_time(log, "PUT /api/v1/verif", 1) <= log_time(log, "PUT /api/v1/blobs/", 0),
			"good: every record before the photos");
		is_int(st_out_int(&c, "residents_received"), 2, "good: registry page stored");
	}
	if (strcmp(e->scenario, "reset") == 0 || strcmp(e->scenario, "drip") == 0)
		is_int(log_count(log, "GET /api/v1/me"), 3, "%s: tried 3 times (max attempts)", name);
	if (strcmp(e->scenario, "truncated") == 0)
		is_int(log_count(log, "PUT /api/v1/verif"), 3, "truncated: the record tried 3 times");
	if (strcmp(e->scenario, "e500") == 0)
		is_int(log_count(log, "PUT /api/v1/verif"), 4, "e500: 2 failures retried, then 2 records");
	if (strcmp(e->scenario, "e429") == 0) {
		long long gap = log_time(log, "PUT /api/v1/verif", 1) - log_time(log, "PUT /api/v1/verif", 0);
		ok(gap >= 2000, "e429: Retry-After 2 s honoured with a 20 ms backoff (%lld ms)", gap);
	}
	if (strcmp(e->scenario, "missing") == 0)
		ok(log_count(log, "PUT /api/v1/blobs/") - log_count(log, " early") == 1 &&
			log_count(log, "PUT /api/v1/verif") == 3,
			"missing: the missing photo uploaded, the record sent once more");
	if (strcmp(e->scenario, "q422") == 0) {
		char msg[RECORD_TEXT_MAX] = "";
		quarantine_message(&c, msg, sizeof msg);
		ok(strstr(msg, "aturan verifikasi") != NULL && strstr(msg, "foto KTP") != NULL,
			"q422: quarantined with the server's message: %s", msg);
	}
	if (strcmp(e->scenario, "niknumber") == 0 || strcmp(e->scenario, "outscope") == 0) {
		struct store_pull_state pull;
		is_int(registry_of(&c, &pull), 0, "%s: nothing of the bad page stored", name);
	}
	if (strcmp(e->scenario, "shortpage") == 0) {
		struct store_pull_state pull;
		int64_t n = registry_of(&c, &pull);
		ok(strstr(message, "tidak lengkap: 2 dari 3") != NULL && n == 0 && pull.batch == 0,
			"shortpage: 2 residents of the 3 announced are not taken as the copy "
			"(%lld residents, pass %lld dropped): %s", (long long)n, (long long)pull.batch,
			message);
	}
	if (strcmp(e->scenario, "wronghint") == 0) {
		struct store_pull_state pull;
		ok(registry_of(&c, &pull) == 2 && resident_named(&c, "3671011203800001", "Budi Santoso")
			&& !resident_named(&c, "3671010101010001", "Penyusup"),
			"wronghint: the copy is the two pages read, not the header's cursor's");
		/* the header's page may have been asked for (a new connection to
		 * the fake may not be under way before it is dropped) */
		ok(log_count(log, "cursor=f1.bogus") <= 1 && log_count(log, "cursor=f1.2") == 1,
			"wronghint: the page's own next cursor asked for once");
	}
	if (strcmp(e->scenario, "e401") == 0) {
		char path[4400];
		snprintf(path, sizeof path, "%s/session-token", c.profile);
		ok(access(path, F_OK) != 0, "e401: the dead token is removed");
	}
	st_server_stop(&fake, SIGTERM);
}

/* The real `sigacor login` (password on stdin) and `logout` against the
 * fake; then a sync through a proxy named by the environment. */
static void test_login_proxy(void)
{
	char log[4200];
	snprintf(log, sizeof log, "%s/login.fake", dir);
	struct st_server fake;
	if (!ok(st_fake_start(&fake, "good", log), "login: fake server up"))
		return;
	struct st_client c;
	st_client_init(&c, dir, "fake");
	is_int(st_login(&c, fake.url), 0, "login: exit 0");
	char path[4400], token[128] = "";
	struct stat sb;
	snprintf(path, sizeof path, "%s/session-token", c.profile);
	char *text = st_read_file(path, NULL);
	if (text != NULL)
		snprintf(token, sizeof token, "%.*s", (int)strcspn(text, "\n"), text);
	free(text);
	ok(stat(path, &sb) == 0 && (sb.st_mode & 0777) == 0600 &&
		strcmp(token, "faketoken-0123456789abcdef") == 0, "login: token saved, 0600");
	/* a server before deposit tokens (the fake's login gives none): the
	 * session token stays clear, for a locked sync to deposit with */
	char deposit[128] = "", dpath[4400];
	snprintf(dpath, sizeof dpath, "%s/deposit-token", c.profile);
	ok(access(dpath, F_OK) != 0 && store_deposit_token_read(c.profile, deposit, sizeof deposit)
		&& strcmp(deposit, token) == 0, "login at a server without deposit tokens: no "
		"deposit-token, a locked sync deposits with the session token as before");
	char *out = st_read_file(c.out, NULL), *err = st_read_file(c.err, NULL);
	ok(out != NULL && err != NULL && strstr(out, token) == NULL && strstr(err, token) == NULL,
		"login: the token is never printed");
	free(out);
	free(err);
	ok(log_count(log, "POST /api/v1/auth/login") == 1, "login: one POST /auth/login");
	const char *sync_args[] = { "sync", NULL };
	is_int(st_sigacor(&c, NULL, 30000, sync_args), 0, "sync after login: exit 0");

	/* the server's address is unreachable; only the proxy can answer */
	struct st_client p;
	st_client_init(&p, dir, "viaproxy");
	setenv("http_proxy", fake.url, 1);
	int code = st_login(&p, "http://127.0.0.1:9");
	int code2 = st_sigacor(&p, NULL, 30000, sync_args);
	unsetenv("http_proxy");
	ok(code == 0 && code2 == 0, "proxy from http_proxy: login %d, sync %d", code, code2);
	ok(log_count(log, "GET http://127.0.0.1:9/api/v1/me") == 1,
		"the request went to the proxy in absolute form");

	const char *logout_args[] = { "logout", NULL };
	is_int(st_sigacor(&c, NULL, 30000, logout_args), 0, "logout: exit 0");
	ok(access(path, F_OK) != 0 && log_count(log, "POST /api/v1/auth/logout") == 1,
		"logout: revoked at the server, token file gone");
	is_int(st_sigacor(&c, NULL, 30000, sync_args), 4, "sync after logout: 4, log in first");
	const char *bad_args[] = { "login", "--server", "http://kota.example", NULL };
	is_int(st_sigacor(&c, ST_PASSWORD "\n", 30000, bad_args), 2,
		"login refuses plain http to another machine");
	st_server_stop(&fake, SIGTERM);
}

/* `sigacor ARGS` of c killed with SIGKILL at the first pass of the crash
 * point (include/crashpoint.h): true when it died right there. */
static bool killed_at(struct st_client *c, const char *point, const char *input,
	const char *const args[])
{
	char at[96], log[4400];
	snprintf(at, sizeof at, "1:%s", point);
	snprintf(log, sizeof log, "%s.points", c->profile);
	unlink(log);
	setenv("SIGACOR_CRASH_AT", at, 1);
	setenv("SIGACOR_CRASH_LOG", log, 1);
	int code = st_sigacor(c, input, 60000, args);
	unsetenv("SIGACOR_CRASH_AT");
	unsetenv("SIGACOR_CRASH_LOG");
	struct crash_points p;
	crash_log_read(log, &p);
	bool there = code == 128 + SIGKILL && p.n > 0 && strcmp(p.name[p.n - 1], point) == 0;
	if (!there)
		tap_diag("%s: exit %d, %d points passed, the last %s", args[0], code, p.n,
			p.n > 0 ? p.name[p.n - 1] : "(none)");
	crash_points_free(&p);
	return there;
}

/* Any session or deposit token file in c's profile. */
static bool token_files(const struct st_client *c)
{
	static const char *const names[] = { "session-token", "session-token.sgv",
		"deposit-token" };
	char path[4400];
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(path, sizeof path, "%s/%s", c->profile, names[i]);
		if (access(path, F_OK) == 0)
			return true;
	}
	return false;
}

/* Photos of c's records still queued for the server (-1: unreadable). */
static int64_t photos_queued(const struct st_client *c)
{
	struct store *s;
	char err[512];
	struct store_local_only lo = { .queued_photos = -1 };
	if (st_open_profile(c, &s, err, sizeof err) != STORE_OK)
		return -1;
	store_sync_local_only(s, &lo);
	store_close(s);
	return lo.queued_photos;
}

static const char *const sync_args[] = { "sync", NULL };

/* A fake of scenario and a profile "kill-NAME" logged in to it with two
 * records queued; its log at log (cap bytes) */
static bool fake_and_profile(struct st_server *fake, struct st_client *c, const char *scenario,
	const char *name, char *log, size_t cap)
{
	snprintf(log, cap, "%s/kill-%s.fake", dir, name);
	char profile[64];
	snprintf(profile, sizeof profile, "kill-%s", name);
	return st_fake_start(fake, scenario, log) && prepare(c, profile, fake->url);
}

/* The record's answer breaks off three times: requeued, then killed; the
 * next sync against a good server sends each record once. */
static void kill_requeued(void)
{
	char log[4200];
	struct st_server fake, good;
	int64_t counts[STATE_COUNT] = { 0 }, outbox = -1;
	struct st_client c;
	if (!ok(fake_and_profile(&fake, &c, "truncated", "requeue", log, sizeof log),
		"requeue: a fake that breaks off each record's answer, 2 records queued"))
		return;
	ok(killed_at(&c, "sync.record_requeued", ST_LAPTOP_PASSWORD "\n", sync_args),
		"requeue: killed right after the record went back to the queue");
	st_server_stop(&fake, SIGTERM);
	st_client_counts(&c, counts, &outbox);
	ok(outbox == 2 && counts[STATE_FINAL] == 2 && counts[STATE_SENDING] == 0,
		"requeue: both still queued as final, none stuck in sending (outbox %lld)",
		(long long)outbox);
	snprintf(log, sizeof log, "%s/kill-requeue-good.fake", dir);
	if (!ok(st_fake_start(&good, "good", log), "requeue: a good server now"))
		return;
	struct store *s;
	char err[512];
	if (st_open_profile(&c, &s, err, sizeof err) == STORE_OK) {
		store_meta_set(s, "sync.server_url", good.url);
		store_close(s);
	}
	int code = st_sigacor(&c, ST_LAPTOP_PASSWORD "\n", 60000, sync_args);
	st_client_counts(&c, counts, &outbox);
	ok(code == 0 && counts[STATE_ACCEPTED] == 2 && outbox == 0 &&
		log_count(log, "PUT /api/v1/verif") == 2,
		"requeue: the next sync sends each once (exit %d, %lld accepted)", code,
		(long long)counts[STATE_ACCEPTED]);
	st_server_stop(&good, SIGTERM);
}

/* The server refuses the photos (no JPEG): killed after the first; the
 * records stay sent and every photo queued, run after run. */
static void kill_refused(void)
{
	char log[4200];
	struct st_server fake;
	int64_t counts[STATE_COUNT] = { 0 }, outbox = -1;
	struct st_client c;
	if (!ok(fake_and_profile(&fake, &c, "notjpeg", "refused", log, sizeof log),
		"refused: a fake that refuses every photo, 2 records queued"))
		return;
	ok(killed_at(&c, "sync.photo_refused", ST_LAPTOP_PASSWORD "\n", sync_args),
		"refused: killed right after the first photo was marked refused");
	st_client_counts(&c, counts, &outbox);
	int64_t queued = photos_queued(&c);
	ok(counts[STATE_ACCEPTED] == 2 && outbox == 0 && queued == 6,
		"refused: both records sent, all 6 photos still queued (%lld)", (long long)queued);
	int code = st_sigacor(&c, ST_LAPTOP_PASSWORD "\n", 60000, sync_args);
	char message[512] = "";
	st_out_str(&c, "message", message, sizeof message);
	st_client_counts(&c, counts, &outbox);
	queued = photos_queued(&c);
	ok(code != 0 && code != 128 + SIGKILL && counts[STATE_ACCEPTED] == 2 && queued == 6,
		"refused: the next sync ends (exit %d), the records sent, the photos kept queued "
		"(%lld): %s", code, (long long)queued, message);
	st_server_stop(&fake, SIGTERM);
}

/* The session token: a login again killed once the server's address is
 * saved (the earlier tokens deleted, no new one yet), then once its token
 * is; a logout once the token is deleted.  (A first login makes its
 * profile aside and moves it in place at its end: killed, it leaves none.) */
static void kill_token(void)
{
	char log[4200];
	struct st_server fake;
	struct st_client c;
	snprintf(log, sizeof log, "%s/kill-token.fake", dir);
	if (!ok(st_fake_start(&fake, "good", log), "token: fake server up"))
		return;
	st_client_init(&c, dir, "kill-token");
	const char *login_args[] = { "login", "--server", fake.url, NULL };
	static const char *const unlock_args[] = { "unlock", "--minutes", "60", NULL };
	char both[256], pw[128];
	/* as st_login: unlocked first, the server's password, the laptop's */
	snprintf(both, sizeof both, ST_PASSWORD "\n%s\n", c.password);
	snprintf(pw, sizeof pw, "%s\n", c.password);
	is_int(st_login(&c, fake.url), 0, "token: logged in");
	ok(st_sigacor(&c, pw, 30000, unlock_args) == 0
		&& killed_at(&c, "sync.login_server_saved", both, login_args),
		"token: a login again killed once the server's address was saved");
	ok(!token_files(&c) && st_sigacor(&c, pw, 30000, sync_args) == 4,
		"token: no token file left, the next sync asks to log in first (4)");
	ok(st_sigacor(&c, pw, 30000, unlock_args) == 0
		&& killed_at(&c, "sync.login_tokens_saved", both, login_args),
		"token: a login again killed right after its token was saved");
	int after = st_sigacor(&c, pw, 30000, sync_args);
	ok(after == 0 && log_count(log, "auth=0") == 3,
		"token: the token and its server serve the next sync (exit %d), the three logins "
		"the only requests without a token", after);
	static const char *const logout_args[] = { "logout", NULL };
	ok(killed_at(&c, "sync.logout_token_deleted", pw, logout_args) && !token_files(&c)
		&& log_count(log, "POST /api/v1/auth/logout") == 1,
		"token: logout revoked it and was killed right after deleting it: no token file");
	is_int(st_sigacor(&c, pw, 30000, sync_args), 4,
		"token: the next sync asks to log in first (4)");
	is_int(st_login(&c, fake.url), 0, "token: login again, to the end");
	st_server_stop(&fake, SIGTERM);
}

/* The three cursors c's profile holds: the changes feed's, the progress
 * feed's, the registry's ("" for none). */
struct cursors {
	char changes[128], progress[128], registry[128];
};

static bool read_cursors(const struct st_client *c, struct cursors *out)
{
	struct store *s;
	char err[512];
	memset(out, 0, sizeof *out);
	if (st_open_profile(c, &s, err, sizeof err) != STORE_OK)
		return false;
	store_sync_changes_cursor(s, out->changes, sizeof out->changes);
	store_sync_progress_cursor(s, out->progress, sizeof out->progress);
	store_sync_registry_cursor(s, out->registry, sizeof out->registry);
	store_close(s);
	return true;
}

/* A server that serves none of the laptop's cursors (410: another
 * server's, or a restored one), killed right after each is forgotten: the
 * forgetting was saved, so the next sync does not ask from it again and
 * ends well.  The registry first: once its cursor is forgotten, only a
 * whole registry names a new one. */
static void kill_expired(void)
{
	static const struct {
		const char *point, *asked;
	} expiries[] = {
		{ "sync.registry_cursor_cleared", "cursor=g1" },
		{ "sync.changes_reset", "cursor=c1" },
		{ "sync.progress_reset", "cursor=p1" },
	};
	char log[4200];
	struct st_server fake;
	struct st_client c;
	struct cursors cur;
	if (!ok(fake_and_profile(&fake, &c, "expired", "expired", log, sizeof log),
		"expired: a fake that serves no cursor the laptop holds, 2 records queued"))
		return;
	int code = st_sigacor(&c, ST_LAPTOP_PASSWORD "\n", 60000, sync_args);
	ok(code == 0 && read_cursors(&c, &cur) && strcmp(cur.changes, "c1") == 0
		&& strcmp(cur.progress, "p1") == 0 && strcmp(cur.registry, "g1") == 0,
		"expired: the first sync keeps its three cursors (exit %d; %s, %s, %s)", code,
		cur.changes, cur.progress, cur.registry);
	for (size_t i = 0; i < sizeof expiries / sizeof expiries[0]; i++) {
		ok(killed_at(&c, expiries[i].point, ST_LAPTOP_PASSWORD "\n", sync_args),
			"expired: killed right after %s", expiries[i].point);
		int before = log_count(log, expiries[i].asked);
		code = st_sigacor(&c, ST_LAPTOP_PASSWORD "\n", 60000, sync_args);
		ok(code == 0 && log_count(log, expiries[i].asked) == before,
			"expired: the next sync ends well and asks nothing from the forgotten cursor "
			"(exit %d, %d such requests)", code, log_count(log, expiries[i].asked) - before);
	}
	st_server_stop(&fake, SIGTERM);
}

/* A profile logged in before deposit tokens, killed right after the
 * server's deposit token is saved: the next sync asks for none again. */
static void kill_deposit(void)
{
	char log[4200], path[4400];
	struct st_server fake;
	struct st_client c;
	if (!ok(fake_and_profile(&fake, &c, "deposit", "deposit", log, sizeof log),
		"deposit: a fake that gives deposit tokens, a profile logged in without one"))
		return;
	ok(killed_at(&c, "sync.deposit_token_saved", ST_LAPTOP_PASSWORD "\n", sync_args),
		"deposit: killed right after the deposit token was saved");
	snprintf(path, sizeof path, "%s/deposit-token", c.profile);
	int asked = log_count(log, "POST /api/v1/auth/deposit-token");
	int code = st_sigacor(&c, ST_LAPTOP_PASSWORD "\n", 60000, sync_args);
	ok(access(path, F_OK) == 0 && code == 0
		&& log_count(log, "POST /api/v1/auth/deposit-token") == asked,
		"deposit: the token kept; the next sync ends well and asks for none (exit %d)", code);
	st_server_stop(&fake, SIGTERM);
}

/* Kills at the crash points only a misbehaving server reaches (the kill
 * test against the real server never passes them): nothing the clerk
 * saved is lost or doubled, and the next run goes on. */
static void test_rare_kills(void)
{
	kill_requeued();
	kill_refused();
	kill_token();
	kill_expired();
	kill_deposit();
}

/* The screens' way: the engine in this process under a poll loop with a
 * 100 ms tick.  A slow upload must not keep the loop away. */
static void test_engine_loop(void)
{
	char log[4200];
	snprintf(log, sizeof log, "%s/loop.fake", dir);
	struct st_server fake;
	if (!ok(st_fake_start(&fake, "slowupload", log), "loop: fake server up"))
		return;
	struct st_client c;
	st_client_init(&c, dir, "loop");
	const char *one[] = { niks[0], niks[1] };
	struct store *st;
	char err[512];
	if (!ok(st_make_records(&c, one, 1, "36.71.01.1001", 700 * 1000, "loop", NULL) == 1 &&
		st_open_profile(&c, &st, err, sizeof err) == STORE_OK, "loop: a record with 3 big photos")) {
		st_server_stop(&fake, SIGKILL);
		return;
	}
	store_token_save(st, "faketoken-0123456789abcdef", "");
	store_meta_set(st, "sync.server_url", fake.url);
	struct sync_config cfg;
	sync_config_init(&cfg);
	struct sync *s = sync_new(st, &cfg, err, sizeof err);
	ok(s != NULL && sync_start(s), "loop: run started");
	int fds_rw[2];
	if (pipe(fds_rw) != 0)
		fds_rw[0] = fds_rw[1] = -1;
	int64_t last = st_now_ms(), worst = 0, bytes_seen = -1;
	int ticks = 0, moves = 0;
	struct sync_progress p;
	int64_t end = st_now_ms() + 60000;
	while (s != NULL && sync_running(s) && st_now_ms() < end) {
		struct pollfd fds[1 + SYNC_MAX_FDS] = { { fds_rw[0], POLLIN, 0 } };
		int timeout = 100;
		int n = 1 + sync_fds(s, fds + 1, SYNC_MAX_FDS, &timeout);
		poll(fds, (nfds_t)n, timeout);
		sync_perform(s);
		sync_progress(s, &p);
		if (p.bytes_done != bytes_seen && p.bytes_done > 0 && p.bytes_done < p.bytes_total)
			moves++;
		bytes_seen = p.bytes_done;
		int64_t now = st_now_ms();
		if (now - last > worst)
			worst = now - last;
		last = now;
		ticks++;
	}
	if (s != NULL)
		sync_progress(s, &p);
	ok(s != NULL && p.outcome == SYNC_OK && p.photos_uploaded == 3 &&
		p.bytes_done == p.bytes_total && p.bytes_total > 3 * 690 * 1000,
		"loop: 3 photos (%lld bytes) uploaded, outcome %s", (long long)p.bytes_total,
		sync_outcome_code(p.outcome));
	ok(moves >= 20, "loop: the bar moved %d times during the upload (%d ticks)", moves, ticks);
	ok(worst < 1000, "loop: the loop got control back every %lld ms at worst", (long long)worst);
	tap_diag("loop: longest time between two ticks %lld ms", (long long)worst);

	/* cancel in the middle of an upload: the record went first (the server
	 * waits for its photos), its photos stay queued for the next run */
	const char *two[] = { niks[2] };
	st_make_records(&c, two, 1, "36.71.01.1001", 700 * 1000, "cancel", NULL);
	bool started = s != NULL && sync_start(s);
	for (end = st_now_ms() + 30000; started && sync_running(s) && st_now_ms() < end;) {
		sync_poll(s, NULL, 0, 100);
		sync_perform(s);
		sync_progress(s, &p);
		if (p.bytes_done > 0 && p.bytes_done < p.bytes_total)
			sync_cancel(s);
	}
	if (s != NULL)
		sync_progress(s, &p);
	int64_t counts[STATE_COUNT] = { 0 };
	store_record_counts(st, counts);
	struct store_local_only local = { 0 };
	store_sync_local_only(st, &local);
	ok(started && p.outcome == SYNC_CANCELLED && counts[STATE_FINAL] == 0 &&
		counts[STATE_SENDING] == 0 && store_outbox_count(st) == 0 &&
		local.photos_waiting == 1 && local.queued_photos >= 1,
		"cancel mid-upload: outcome %s, the record sent, the photo being sent still queued (%lld queued)",
		s != NULL ? sync_outcome_code(p.outcome) : "-", (long long)local.queued_photos);
	sync_free(s);
	store_close(st);
	if (fds_rw[0] >= 0) {
		close(fds_rw[0]);
		close(fds_rw[1]);
	}
	st_server_stop(&fake, SIGTERM);
}

int main(void)
{
	st_init();
	setenv("SIGACOR_SYNC_RETRY_BASE_MS", "20", 1);
	setenv("SIGACOR_SYNC_RETRY_CAP_MS", "200", 1);
	setenv("SIGACOR_SYNC_MAX_ATTEMPTS", "3", 1);
	setenv("SIGACOR_SYNC_LOW_SPEED_TIME", "1", 1);
	setenv("SIGACOR_SYNC_CONNECT_TIMEOUT", "5", 1);
	if (!ok(st_tmpdir("sync-fake", dir, sizeof dir), "temp dir"))
		return tap_done();
	char csv[4200];
	snprintf(csv, sizeof csv, "%s/demo.csv", dir);
	const char *argv[] = { getenv("SIGACOR_SERVER") != NULL ? getenv("SIGACOR_SERVER") :
		"./sigacor-server", "gen-demo", "--residents", "40", "--seed", "3", NULL };
	st_wait(st_spawn(argv, NULL, csv, NULL), 30000, NULL);
	n_niks = st_csv_niks(csv, niks, 40);
	if (!ok(n_niks >= 20, "valid NIKs from gen-demo (%d)", n_niks))
		return tap_done();
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		check_case(&cases[i], (int)i);
	test_login_proxy();
	test_rare_kills();
	test_engine_loop();
	st_rmdir(dir);
	return tap_done();
}
