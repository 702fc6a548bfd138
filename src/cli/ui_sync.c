/* cli/ui_sync: the sync engine plugged into the screens (struct ui_sync of
 * ui.h).  Each run goes in a child process of the screens, with its own
 * connection to the profile's store: the screens never load libcurl and
 * OpenSSL (about 8 MB resident, doc/BENCHMARKS.md), and a slow network
 * cannot hold up a key.  The child sends its progress (struct
 * sync_progress, one write each, smaller than PIPE_BUF so never split)
 * through a pipe the screens' loop polls with the keyboard; the status line
 * shows a bar while a run goes, and what exists only on this laptop when it
 * is idle.  A run starts when an operator opens the screens, on F5, and
 * every few minutes.  The inbox's two requests run in a child too, waited
 * for (they are short). */
#include "config.h"
#include "cli.h"
#include "common.h"
#include "i18n.h"
#include "sync.h"
#include "ui.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* between two automatic runs */
#define AUTO_EVERY_MS (15 * 60 * 1000)
#define BAR_WIDTH 10
/* the child tells its progress at most this often (and when it ends) */
#define PROGRESS_EVERY_MS 100

_Static_assert(sizeof (struct sync_progress) <= PIPE_BUF, "a progress report is written whole");

struct bridge {
	struct store *store;         /* the screens' own: counts between runs */
	char dir[SYNC_PATH_MAX];     /* the profile, opened again by each child */
	unsigned char *key;          /* its data key (sodium_malloc'd), NULL: a clear profile */
	bool attached;
	pid_t child;                 /* the run in progress, or 0 */
	int from_child;              /* its progress reports, or -1 */
	struct sync_progress progress;  /* the last report */
	bool started;                /* the child said its run started */
	int64_t next_auto_ms;        /* 0: none planned */
	time_t last_end;
	bool was_running;
	char last[160];
	/* what data_changed saw last */
	int64_t seen_mark;
	bool seen_running;
};

/* ---------------------------------------------------------------- the child */

static volatile sig_atomic_t child_stop;

static void on_stop(int sig)
{
	(void)sig;
	child_stop = 1;
}

/* the engine on the profile's store, or NULL with the reason in err */
static struct sync *child_engine(const char *dir, const unsigned char *key, struct store **st,
	char *err, size_t errlen)
{
	struct sync_config cfg;
	*st = NULL;
	enum store_status opened = key != NULL ? store_open_keyed(dir, key, st, err, errlen)
		: store_open(dir, st, err, errlen);
	if (opened != STORE_OK)
		return NULL;
	sync_config_init(&cfg);
	cfg.max_attempts = 0;        /* on the screens: retry until the clerk leaves */
	struct sync *s = sync_new(*st, &cfg, err, errlen);
	if (s == NULL) {
		store_close(*st);
		*st = NULL;
	}
	return s;
}

/* The screens' signal handlers and mask are not the child's: it stops on
 * SIGTERM (the screens block it outside their wait), and leaves the
 * terminal's signals to the screens. */
static void child_signals(void)
{
	static const int to_default[] = { SIGHUP, SIGQUIT, SIGWINCH, SIGTSTP, SIGCONT };
	for (size_t i = 0; i < sizeof to_default / sizeof to_default[0]; i++)
		signal(to_default[i], SIG_DFL);
	signal(SIGTERM, on_stop);
	signal(SIGINT, SIG_IGN);
	signal(SIGPIPE, SIG_IGN);    /* the screens gone: the write fails, the run stops */
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
}

/* One run, its progress into fd; SIGTERM cancels it (a record being sent
 * goes back to the queue).  Never returns. */
static _Noreturn void run_child(const char *dir, const unsigned char *key, int fd)
{
	child_signals();
	struct store *st;
	struct sync_progress p;
	char err[256];
	struct sync *s = child_engine(dir, key, &st, err, sizeof err);
	if (s == NULL) {
		memset(&p, 0, sizeof p);
		p.phase = SYNC_FINISHED;
		p.outcome = SYNC_LOCAL;
		snprintf(p.message, sizeof p.message, "%s", err);
		common_write_all(fd, &p, sizeof p);
		_exit(1);
	}
	/* a first report at once when the run starts: the screens date a run's
	 * end only when it started (not logged in: it never did) */
	if (sync_start(s)) {
		sync_progress(s, &p);
		common_write_all(fd, &p, sizeof p);
	}
	bool cancelled = false;
	int64_t told = 0;
	do {
		if (child_stop && !cancelled) {
			sync_cancel(s);
			cancelled = true;
		}
		sync_poll(s, NULL, 0, PROGRESS_EVERY_MS);
		sync_perform(s);
		sync_progress(s, &p);
		if (p.running && common_now_ms() - told < PROGRESS_EVERY_MS)
			continue;
		told = common_now_ms();
		if (!common_write_all(fd, &p, sizeof p) && !cancelled) {
			sync_cancel(s);
			cancelled = true;
		}
	} while (p.running);
	sync_free(s);
	store_close(st);
	_exit(0);
}

/* ---------------------------------------------------------------- the screens' side */

static void run_ended(struct bridge *b, enum sync_outcome outcome, const char *why)
{
	b->progress.running = false;
	b->progress.phase = SYNC_FINISHED;
	b->progress.outcome = outcome;
	snprintf(b->progress.message, sizeof b->progress.message, "%s", why);
}

/* a server address and a token: what a run needs to start (sync_start's
 * own check, made here so a profile never logged in starts no process) */
static bool logged_in(struct bridge *b)
{
	char url[SYNC_URL_MAX] = "", token[PROTO_TOKEN_MAX + 1];
	bool has = store_meta_get(b->store, "sync.server_url", url, sizeof url) && url[0] != '\0'
		&& store_token_load(b->store, token, sizeof token);
	memset(token, 0, sizeof token);
	return has;
}

static void start_run(struct bridge *b)
{
	b->next_auto_ms = common_now_ms() + AUTO_EVERY_MS;
	if (!b->attached || b->child != 0)
		return;
	if (!logged_in(b)) {
		run_ended(b, SYNC_NOT_LOGGED_IN, _("Belum masuk ke server. Jalankan: sigacor login "
			"--server ALAMAT --operator NAMA"));
		b->progress.job = SYNC_JOB_RUN;
		return;
	}
	int fds[2];
	if (pipe2(fds, O_CLOEXEC) != 0) {
		run_ended(b, SYNC_LOCAL, strerror(errno));
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		run_child(b->dir, b->key, fds[1]);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		run_ended(b, SYNC_LOCAL, strerror(errno));
		return;
	}
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
	b->child = pid;
	b->from_child = fds[0];
	b->started = false;
	memset(&b->progress, 0, sizeof b->progress);
	b->progress.job = SYNC_JOB_RUN;
	b->progress.phase = SYNC_CONNECTING;
	b->progress.running = true;
	b->progress.outcome = SYNC_RUNNING;
}

/* Take the child's reports; at its end (the pipe closed) collect it.  wait:
 * block until it ends. */
static void read_child(struct bridge *b, bool wait)
{
	if (b->from_child < 0)
		return;
	if (wait)
		fcntl(b->from_child, F_SETFL, fcntl(b->from_child, F_GETFL) & ~O_NONBLOCK);
	struct sync_progress p;
	ssize_t n;
	while ((n = read(b->from_child, &p, sizeof p)) == (ssize_t)sizeof p) {
		b->progress = p;
		b->started = b->started || p.running;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	close(b->from_child);
	b->from_child = -1;
	int status;
	while (waitpid(b->child, &status, 0) < 0 && errno == EINTR)
		;
	b->child = 0;
	if (b->progress.running)     /* it died before its last word */
		run_ended(b, SYNC_LOCAL, _("proses sinkronisasi berhenti tiba-tiba"));
	/* a good run: what the server accepted long ago leaves the laptop
	 * (store/purge.c) */
	else if (b->progress.outcome == SYNC_OK && b->store != NULL)
		store_purge_due(b->store, NULL);
}

/* The key is copied into guarded memory: the children are forked from
 * the screens and open their own connection with it. */
static void forget_key(struct bridge *b)
{
	sodium_free(b->key);
	b->key = NULL;
}

static void on_attach(void *ctx, struct store *s, const char *operator_name,
	const unsigned char *key)
{
	struct bridge *b = ctx;
	(void)operator_name;
	forget_key(b);
	if (key != NULL && (b->key = sodium_malloc(PROFILE_KEY_BYTES)) != NULL)
		memcpy(b->key, key, PROFILE_KEY_BYTES);
	b->store = s;
	snprintf(b->dir, sizeof b->dir, "%s", store_dir(s));
	b->attached = true;
	b->from_child = -1;
	b->child = 0;
	memset(&b->progress, 0, sizeof b->progress);
	b->last_end = 0;
	b->was_running = false;
	b->seen_mark = 0;
	b->seen_running = false;
	start_run(b);
}

static void on_detach(void *ctx)
{
	struct bridge *b = ctx;
	if (b->child != 0) {
		kill(b->child, SIGTERM);     /* a record being sent goes back to the queue */
		read_child(b, true);
	}
	b->attached = false;
	b->store = NULL;
	forget_key(b);
	b->next_auto_ms = 0;
}

static int on_pollfds(void *ctx, struct pollfd *fds, int max, int *timeout_ms)
{
	struct bridge *b = ctx;
	if (!b->attached)
		return 0;
	if (b->child == 0 && b->next_auto_ms != 0) {
		int64_t left = b->next_auto_ms - common_now_ms();
		left = left < 0 ? 0 : left;
		if (*timeout_ms < 0 || left < *timeout_ms)
			*timeout_ms = (int)left;
	}
	if (b->from_child < 0 || max < 1)
		return 0;
	fds[0] = (struct pollfd){ .fd = b->from_child, .events = POLLIN };
	/* the bar moves while bytes flow: redraw at least twice a second */
	if (*timeout_ms < 0 || *timeout_ms > 500)
		*timeout_ms = 500;
	return 1;
}

static void on_tick(void *ctx, const struct pollfd *fds, int n)
{
	struct bridge *b = ctx;
	(void)fds;
	(void)n;
	if (!b->attached)
		return;
	read_child(b, false);
	if (b->child == 0 && b->next_auto_ms != 0 && common_now_ms() >= b->next_auto_ms)
		start_run(b);
}

static void on_sync_now(void *ctx)
{
	start_run(ctx);
}

/* Records settled and review outcomes show at once; a new registry or
 * candidates list when the run ends (not after every page). */
static bool on_data_changed(void *ctx)
{
	struct bridge *b = ctx;
	if (!b->attached)
		return false;
	const struct sync_progress p = b->progress;
	int64_t mark = p.records_accepted + p.records_flagged + p.records_quarantined +
		p.changes_applied;
	bool changed = mark != b->seen_mark || (b->seen_running && !p.running);
	b->seen_mark = mark;
	b->seen_running = p.running;
	return changed;
}
/* "12.345" (Indonesian thousands) */
static void thousands(int64_t n, char *out, size_t len)
{
	char digits[32];
	snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? 0 : n));
	size_t d = strlen(digits), o = 0;
	for (size_t i = 0; i < d && o + 2 < len; i++) {
		if (i > 0 && (d - i) % 3 == 0)
			out[o++] = '.';
		out[o++] = digits[i];
	}
	out[o] = '\0';
}

static void bar(int64_t done, int64_t total, char *out)
{
	int fill = total > 0 ? (int)(done * BAR_WIDTH / total) : 0;
	fill = fill < 0 ? 0 : fill > BAR_WIDTH ? BAR_WIDTH : fill;
	out[0] = '[';
	for (int i = 0; i < BAR_WIDTH; i++)
		out[1 + i] = i < fill ? '#' : '-';
	out[BAR_WIDTH + 1] = ']';
	out[BAR_WIDTH + 2] = '\0';
}

/* "; foto 1,2 MB ±40 dtk" (without the time when the link was never
 * measured) */
static void append_cost(struct store *st, int64_t bytes, char *line, size_t len)
{
	char mb[32], when[32];
	sync_format_megabytes(bytes, mb, sizeof mb);
	int64_t secs = sync_expected_seconds(bytes, sync_photo_rate_saved(st));
	size_t o = strlen(line);
	if (secs < 0) {
		snprintf(line + o, len - o, _("; foto %s"), mb);
		return;
	}
	sync_format_duration(secs, when, sizeof when);
	snprintf(line + o, len - o, _("; foto %s ±%s"), mb, when);
}

static const char *outcome_label(enum sync_outcome o)
{
	switch (o) {
	case SYNC_OK: return _("selesai");
	case SYNC_QUARANTINED: return _("ada rekaman ditolak server");
	case SYNC_REGISTRY_KEPT: return _("data penduduk server terlalu sedikit: salinan lama dipakai");
	case SYNC_NOT_LOGGED_IN: return _("belum login (sigacor login)");
	case SYNC_LOGIN_NEEDED: return _("perlu login lagi (sigacor login)");
	case SYNC_DISABLED: return _("akun dinonaktifkan kota");
	case SYNC_PORTAL: return _("jaringan minta login dulu (WiFi)");
	case SYNC_TLS: return _("sertifikat server ditolak");
	case SYNC_NETWORK: return _("server tidak terjangkau");
	case SYNC_SERVER: return _("jawaban server rusak");
	case SYNC_LOCAL: return _("gagal menulis data laptop");
	case SYNC_CANCELLED: return _("dibatalkan");
	default: return "";
	}
}

static void running_line(const struct sync_progress *p, char *buf, size_t len)
{
	char b[BAR_WIDTH + 3], x[32], y[32];
	if (p->retry_in_ms > 0) {
		snprintf(buf, len, _("gangguan; coba lagi %d dtk (percobaan %d)"),
			(p->retry_in_ms + 999) / 1000, p->attempt + 1);
	} else if (p->phase == SYNC_PUSHING) {
		bar(p->bytes_done, p->bytes_total, b);
		sync_format_megabytes(p->bytes_done, x, sizeof x);
		sync_format_megabytes(p->bytes_total, y, sizeof y);
		snprintf(buf, len, _("kirim %s %lld/%lld rekaman, %s/%s"), b,
			(long long)p->records_done, (long long)p->records_total, x, y);
		if (p->photo_rate > 0 && p->bytes_total > p->bytes_done) {
			char left[32];
			sync_format_duration(sync_expected_seconds(p->bytes_total - p->bytes_done,
				p->photo_rate), left, sizeof left);
			size_t o = strlen(buf);
			snprintf(buf + o, len - o, _(", sisa ±%s"), left);
		}
	} else if (p->phase == SYNC_PULLING_RESIDENTS && p->residents_total > 0) {
		bar(p->residents_done, p->residents_total, b);
		thousands(p->residents_done, x, sizeof x);
		thousands(p->residents_total, y, sizeof y);
		snprintf(buf, len, _("unduh penduduk %s %s/%s"), b, x, y);
	} else if (p->phase == SYNC_PULLING_CANDIDATES && p->candidates_total > 0) {
		bar(p->candidates_done, p->candidates_total, b);
		thousands(p->candidates_done, x, sizeof x);
		thousands(p->candidates_total, y, sizeof y);
		snprintf(buf, len, _("unduh sasaran %s %s/%s"), b, x, y);
	} else if (p->phase == SYNC_PULLING_CHANGES) {
		snprintf(buf, len, "%s", _("ambil kabar rekaman…"));
	} else {
		snprintf(buf, len, "%s", _("menghubungi server…"));
	}
}

static bool on_status(void *ctx, char *buf, size_t len)
{
	struct bridge *b = ctx;
	char line[sizeof b->last];
	if (!b->attached) {
		snprintf(line, sizeof line, "%s", _("belum terhubung ke server"));
	} else {
		struct sync_progress p = b->progress;
		if (b->was_running && !p.running && b->started)
			b->last_end = time(NULL);
		b->was_running = p.running;
		if (p.running) {
			running_line(&p, line, sizeof line);
		} else {
			/* the clerk saves and finalises between runs: count afresh */
			store_sync_local_only(b->store, &p.local);
			char when[16] = "";
			struct tm tm;
			if (b->last_end != 0 && localtime_r(&b->last_end, &tm) != NULL)
				strftime(when, sizeof when, " %H:%M", &tm);
			snprintf(line, sizeof line, _("%s%s; hanya di laptop: %lld antre, %lld draf"),
				p.phase == SYNC_IDLE ? _("belum sinkron") : outcome_label(p.outcome), when,
				(long long)p.local.queued, (long long)p.local.drafts);
			if (p.local.queued_bytes > 0)
				append_cost(b->store, p.local.queued_bytes, line, sizeof line);
			if (p.budget_waiting > 0 && p.local.queued > 0) {
				size_t o = strlen(line);
				snprintf(line + o, sizeof line - o, "%s", _(" (jatah foto hari ini habis)"));
			}
			if (p.local.quarantined > 0) {
				size_t o = strlen(line);
				snprintf(line + o, sizeof line - o, _(", %lld ditolak"),
					(long long)p.local.quarantined);
			}
		}
	}
	snprintf(buf, len, "%s", line);
	bool changed = strcmp(line, b->last) != 0;
	snprintf(b->last, sizeof b->last, "%s", line);
	return changed;
}

/* ---------------------------------------------------------------- the inbox */

/* what an inbox child answers, in one write */
struct inbox_answer {
	bool ok;
	int fetched;
	char url[SYNC_URL_MAX + 64];
	char code[PROTO_INBOX_CODE_LEN + 1];
	char err[512];
};
_Static_assert(sizeof (struct inbox_answer) <= PIPE_BUF, "an inbox answer is written whole");

/* each photo is taken off the server only once it is whole on this laptop */
static void fetch_all(struct sync *s, const char *folder, struct inbox_answer *a)
{
	struct proto_inbox_list l;
	char path[4096];
	enum sync_inbox_result r = sync_inbox_list(s, &l, a->err, sizeof a->err);
	bool listed = r == SYNC_INBOX_OK;
	for (size_t i = 0; r == SYNC_INBOX_OK && i < l.n; i++) {
		r = sync_inbox_fetch(s, &l.photos[i], folder, path, sizeof path, a->err, sizeof a->err);
		if (r == SYNC_INBOX_OK)
			r = sync_inbox_delete(s, l.photos[i].sha256, a->err, sizeof a->err);
		if (r == SYNC_INBOX_OK)
			a->fetched++;
	}
	if (listed)
		proto_inbox_list_free(&l);
	a->ok = r == SYNC_INBOX_OK;
}

static _Noreturn void inbox_child(const char *dir, const unsigned char *key, const char *folder,
	int fd)
{
	struct inbox_answer a;
	struct store *st;
	memset(&a, 0, sizeof a);
	child_signals();
	struct sync *s = child_engine(dir, key, &st, a.err, sizeof a.err);
	if (s != NULL && folder != NULL) {
		fetch_all(s, folder, &a);
	} else if (s != NULL) {
		struct sync_inbox_code ic;
		memset(&ic, 0, sizeof ic);
		a.ok = sync_inbox_code_new(s, &ic, a.err, sizeof a.err) == SYNC_INBOX_OK;
		snprintf(a.url, sizeof a.url, "%s", ic.url);
		snprintf(a.code, sizeof a.code, "%s", ic.code);
	}
	common_write_all(fd, &a, sizeof a);
	sync_free(s);
	store_close(st);
	_exit(0);
}

/* folder NULL: a one-time code; else every photo waiting into folder.
 * Blocks until the child has answered. */
static bool inbox_in_child(struct bridge *b, const char *folder, struct inbox_answer *a)
{
	int fds[2];
	memset(a, 0, sizeof *a);
	if (!b->attached) {
		snprintf(a->err, sizeof a->err, "%s", _("Belum terhubung ke server."));
		return false;
	}
	if (pipe2(fds, O_CLOEXEC) != 0) {
		snprintf(a->err, sizeof a->err, "%s", strerror(errno));
		return false;
	}
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		inbox_child(b->dir, b->key, folder, fds[1]);
	}
	close(fds[1]);
	ssize_t n = -1;
	if (pid > 0) {
		while ((n = read(fds[0], a, sizeof *a)) < 0 && errno == EINTR)
			;
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	close(fds[0]);
	if (n != (ssize_t)sizeof *a) {
		memset(a, 0, sizeof *a);
		snprintf(a->err, sizeof a->err, "%s", _("proses sinkronisasi berhenti tiba-tiba"));
	}
	return a->ok;
}

static bool on_inbox_code(void *ctx, char *url, size_t url_len, char *code, size_t code_len,
	char *err, size_t errlen)
{
	struct inbox_answer a;
	bool ok = inbox_in_child(ctx, NULL, &a);
	snprintf(url, url_len, "%s", ok ? a.url : "");
	snprintf(code, code_len, "%s", ok ? a.code : "");
	snprintf(err, errlen, "%s", a.err);
	return ok;
}

static bool on_inbox_fetch(void *ctx, const char *folder, int *fetched, char *err,
	size_t errlen)
{
	struct inbox_answer a;
	bool ok = inbox_in_child(ctx, folder, &a);
	*fetched = a.fetched;
	snprintf(err, errlen, "%s", a.err);
	return ok;
}

const struct ui_sync *cli_ui_sync(void)
{
	static struct bridge bridge;
	static const struct ui_sync hook = {
		&bridge, on_attach, on_detach, on_pollfds, on_tick, on_status, on_sync_now,
		on_data_changed, on_inbox_code, on_inbox_fetch,
	};
	return &hook;
}
