/* cli/ui_sync: the sync engine plugged into the screens (struct ui_sync of
 * ui.h).  The screens' loop polls the engine's sockets with the keyboard
 * and calls tick after each wait; the status line shows a bar while a run
 * goes, and what exists only on this laptop when it is idle.  A run starts
 * when an operator opens the screens, on F5, and every few minutes. */
#include "config.h"
#include "cli.h"
#include "common.h"
#include "i18n.h"
#include "sync.h"
#include "ui.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* between two automatic runs */
#define AUTO_EVERY_MS (15 * 60 * 1000)
#define BAR_WIDTH 10

struct bridge {
	struct sync *engine;
	struct store *store;
	int64_t next_auto_ms;        /* 0: none planned */
	time_t last_end;
	bool was_running;
	char last[160];
	/* what data_changed saw last */
	int64_t seen_mark;
	bool seen_running;
};

static void start_run(struct bridge *b)
{
	b->next_auto_ms = common_now_ms() + AUTO_EVERY_MS;
	if (b->engine != NULL && !sync_running(b->engine))
		sync_start(b->engine);
}

static void on_attach(void *ctx, struct store *s, const char *operator_name)
{
	struct bridge *b = ctx;
	struct sync_config cfg;
	char err[256];
	(void)operator_name;
	sync_config_init(&cfg);
	cfg.max_attempts = 0;        /* on the screens: retry until the clerk leaves */
	b->store = s;
	b->engine = sync_new(s, &cfg, err, sizeof err);
	b->last_end = 0;
	b->was_running = false;
	b->seen_mark = 0;
	b->seen_running = false;
	start_run(b);
}

static void on_detach(void *ctx)
{
	struct bridge *b = ctx;
	if (b->engine != NULL && sync_running(b->engine)) {
		sync_cancel(b->engine);
		sync_perform(b->engine);     /* a record being sent goes back to the queue */
	}
	sync_free(b->engine);
	b->engine = NULL;
	b->store = NULL;
	b->next_auto_ms = 0;
}

static int on_pollfds(void *ctx, struct pollfd *fds, int max, int *timeout_ms)
{
	struct bridge *b = ctx;
	if (b->engine == NULL)
		return 0;
	if (!sync_running(b->engine) && b->next_auto_ms != 0) {
		int64_t left = b->next_auto_ms - common_now_ms();
		left = left < 0 ? 0 : left;
		if (*timeout_ms < 0 || left < *timeout_ms)
			*timeout_ms = (int)left;
	}
	int n = sync_fds(b->engine, fds, max < SYNC_MAX_FDS ? max : SYNC_MAX_FDS, timeout_ms);
	/* the bar moves while bytes flow: redraw at least twice a second */
	if (sync_running(b->engine) && (*timeout_ms < 0 || *timeout_ms > 500))
		*timeout_ms = 500;
	return n;
}

static void on_tick(void *ctx, const struct pollfd *fds, int n)
{
	struct bridge *b = ctx;
	(void)fds;
	(void)n;
	if (b->engine == NULL)
		return;
	if (!sync_running(b->engine) && b->next_auto_ms != 0 && common_now_ms() >= b->next_auto_ms)
		start_run(b);
	sync_perform(b->engine);
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
	if (b->engine == NULL)
		return false;
	struct sync_progress p;
	sync_progress(b->engine, &p);
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

/* "3,1 MB" */
static void megabytes(int64_t bytes, char *out, size_t len)
{
	int64_t tenths = (bytes + 50000) / 100000;
	snprintf(out, len, "%lld,%lld MB", (long long)(tenths / 10), (long long)(tenths % 10));
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
		megabytes(p->bytes_done, x, sizeof x);
		megabytes(p->bytes_total, y, sizeof y);
		snprintf(buf, len, _("kirim %s %lld/%lld rekaman, %s/%s"), b,
			(long long)p->records_done, (long long)p->records_total, x, y);
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
	if (b->engine == NULL) {
		snprintf(line, sizeof line, "%s", _("belum terhubung ke server"));
	} else {
		struct sync_progress p;
		sync_progress(b->engine, &p);
		if (b->was_running && !p.running)
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

static bool on_inbox_code(void *ctx, char *url, size_t url_len, char *code, size_t code_len,
	char *err, size_t errlen)
{
	struct bridge *b = ctx;
	struct sync_inbox_code ic;
	if (b->engine == NULL) {
		snprintf(err, errlen, "%s", _("Belum terhubung ke server."));
		return false;
	}
	if (sync_inbox_code_new(b->engine, &ic, err, errlen) != SYNC_INBOX_OK)
		return false;
	snprintf(url, url_len, "%s", ic.url);
	snprintf(code, code_len, "%s", ic.code);
	return true;
}

/* each photo is taken off the server only once it is whole on this laptop */
static bool on_inbox_fetch(void *ctx, const char *folder, int *fetched, char *err,
	size_t errlen)
{
	struct bridge *b = ctx;
	struct proto_inbox_list l;
	char path[4096];
	*fetched = 0;
	if (b->engine == NULL) {
		snprintf(err, errlen, "%s", _("Belum terhubung ke server."));
		return false;
	}
	enum sync_inbox_result r = sync_inbox_list(b->engine, &l, err, errlen);
	bool listed = r == SYNC_INBOX_OK;
	for (size_t i = 0; r == SYNC_INBOX_OK && i < l.n; i++) {
		r = sync_inbox_fetch(b->engine, &l.photos[i], folder, path, sizeof path, err, errlen);
		if (r == SYNC_INBOX_OK)
			r = sync_inbox_delete(b->engine, l.photos[i].sha256, err, errlen);
		if (r == SYNC_INBOX_OK)
			(*fetched)++;
	}
	if (listed)
		proto_inbox_list_free(&l);
	return r == SYNC_INBOX_OK;
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
