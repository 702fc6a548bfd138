/* sync/engine: the job state machine over one curl multi handle, its loop
 * functions (fds, poll, perform), retries and the progress the screens
 * draw.  The steps themselves are in session.c, push.c and pull.c. */
#include "config.h"
#include "sync.h"
#include "sync_int.h"
#include "common.h"
#include "i18n.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/select.h>
#include <time.h>

const char *sync_outcome_code(enum sync_outcome o)
{
	static const char *const codes[] = {
#define SYNC_OUTCOME_CODE(e, code) code,
		SYNC_OUTCOMES(SYNC_OUTCOME_CODE)
#undef SYNC_OUTCOME_CODE
	};
	return (unsigned)o < SYNC_OUTCOME_COUNT ? codes[o] : "";
}

/* ---------------------------------------------------------------- config */

static void env_long(const char *name, long *out, long min, long max)
{
	const char *v = getenv(name);
	if (v == NULL || v[0] == '\0')
		return;
	char *end;
	errno = 0;
	long n = strtol(v, &end, 10);
	if (errno == 0 && *end == '\0' && n >= min && n <= max)
		*out = n;
}

void sync_config_init(struct sync_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->connect_timeout_s = 20;
	cfg->low_speed_limit = 100;
	cfg->low_speed_time_s = 60;
	cfg->retry_base_ms = 1000;
	cfg->retry_cap_ms = 10 * 60 * 1000;
	cfg->max_attempts = 8;
	cfg->page_limit = PROTO_PAGE_DEFAULT;
	cfg->push = true;
	cfg->pull = true;
	env_long("SIGACOR_SYNC_RETRY_BASE_MS", &cfg->retry_base_ms, 1, 3600L * 1000);
	env_long("SIGACOR_SYNC_RETRY_CAP_MS", &cfg->retry_cap_ms, 1, 24L * 3600 * 1000);
	long n = cfg->max_attempts;
	env_long("SIGACOR_SYNC_MAX_ATTEMPTS", &n, 0, 1000000);
	cfg->max_attempts = (int)n;
	env_long("SIGACOR_SYNC_LOW_SPEED_LIMIT", &cfg->low_speed_limit, 1, 1L << 30);
	env_long("SIGACOR_SYNC_LOW_SPEED_TIME", &cfg->low_speed_time_s, 1, 3600);
	env_long("SIGACOR_SYNC_CONNECT_TIMEOUT", &cfg->connect_timeout_s, 1, 600);
	n = cfg->page_limit;
	env_long("SIGACOR_SYNC_PAGE_LIMIT", &n, 1, PROTO_PAGE_MAX);
	cfg->page_limit = (unsigned)n;
	const char *ca = getenv("SIGACOR_CA_FILE");
	if (ca != NULL)
		snprintf(cfg->ca_file, sizeof cfg->ca_file, "%s", ca);
}

long sync_backoff_ms(const struct sync_config *cfg, int attempt, double r, long retry_after_ms)
{
	/* full jitter (AWS architecture blog): random in [0, step] */
	double step = (double)cfg->retry_base_ms;
	for (int i = 2; i < attempt && step < (double)cfg->retry_cap_ms; i++)
		step *= 2;
	if (step > (double)cfg->retry_cap_ms)
		step = (double)cfg->retry_cap_ms;
	if (r < 0 || r >= 1)
		r = 0;
	long delay = (long)(step * r);
	return delay < retry_after_ms ? retry_after_ms : delay;
}

static double random_unit(void)
{
	uint32_t v = 0;
	if (getrandom(&v, sizeof v, GRND_NONBLOCK) != (ssize_t)sizeof v)
		v = (uint32_t)common_now_ms() * 2654435761u;
	return (double)v / 4294967296.0;
}

/* ---------------------------------------------------------------- life */

struct sync *sync_new(struct store *st, const struct sync_config *cfg, char *err, size_t errlen)
{
	static bool curl_ready;
	if (!curl_ready) {
		if (!curl_lazy_load(err, errlen))
			return NULL;
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			snprintf(err, errlen, "%s", _("Pustaka jaringan (libcurl) gagal dimulai."));
			return NULL;
		}
		curl_ready = true;
	}
	struct sync *s = calloc(1, sizeof *s);
	if (s == NULL) {
		snprintf(err, errlen, "%s", _("Memori tidak cukup."));
		return NULL;
	}
	s->store = st;
	s->cfg = *cfg;
	if (s->cfg.page_limit == 0 || s->cfg.page_limit > PROTO_PAGE_MAX)
		s->cfg.page_limit = PROTO_PAGE_DEFAULT;
	s->multi = curl_multi_init();
	s->chg_buf = calloc(s->cfg.page_limit, sizeof *s->chg_buf);
	if (s->multi == NULL || s->chg_buf == NULL) {
		snprintf(err, errlen, "%s", _("Memori tidak cukup."));
		sync_free(s);
		return NULL;
	}
	/* the steps run one after the other on one connection; a second one
	 * carries the photo sent ahead while a photo waits for its answer */
	curl_multi_setopt(s->multi, CURLMOPT_MAX_HOST_CONNECTIONS, 2L);
	s->prog.phase = SYNC_IDLE;
	s->prog.outcome = SYNC_OK;
	store_sync_local_only(st, &s->prog.local);
	return s;
}

static void drop_transfer(struct sync *s)
{
	push_ahead_drop(s);
	if (s->xfer == NULL)
		return;
	curl_multi_remove_handle(s->multi, s->xfer->easy);
	http_free(s->xfer);
	s->xfer = NULL;
}

void sync_free(struct sync *s)
{
	if (s == NULL)
		return;
	drop_transfer(s);
	if (s->multi != NULL)
		curl_multi_cleanup(s->multi);
	memset(s->token, 0, sizeof s->token);
	memset(s->login_password, 0, sizeof s->login_password);
	free(s->chg_buf);
	free(s);
}

void sync_refresh_local(struct sync *s)
{
	store_sync_local_only(s->store, &s->prog.local);
}

static void set_message(struct sync *s, const char *fmt, va_list ap)
{
	vsnprintf(s->prog.message, sizeof s->prog.message, fmt, ap);
}

static void message(struct sync *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void message(struct sync *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	set_message(s, fmt, ap);
	va_end(ap);
}

/* ---------------------------------------------------------------- jobs */

static void begin_job(struct sync *s, enum sync_job job, enum sync_step first,
	enum sync_phase phase)
{
	struct store_local_only local = s->prog.local;
	memset(&s->prog, 0, sizeof s->prog);
	s->prog.local = local;
	s->prog.job = job;
	s->prog.phase = phase;
	s->prog.running = true;
	s->prog.outcome = SYNC_RUNNING;
	s->job = job;
	s->running = true;
	s->cancel = false;
	s->have_record = false;
	s->quarantined_in_run = 0;
	s->photos_refused_in_run = 0;
	s->photo_after = false;
	s->run_sent_bytes = 0;
	s->run_sent_ms = 0;
	s->run_busy_until_ms = 0;
	s->prog.photo_rate = sync_photo_rate_saved(s->store);
	s->pass_restarted = false;
	s->changes_restarted = false;
	s->progress_restarted = false;
	s->registry_kept = false;
	s->cand_restarted = false;
	s->missing_rounds = 0;
	sync_goto(s, first);
}

/* Server URL and token from the profile (a config URL wins). */
bool sync_session_load(struct sync *s)
{
	char url[SYNC_URL_MAX] = "";
	char err[256];
	if (s->cfg.server_url[0] != '\0')
		snprintf(url, sizeof url, "%s", s->cfg.server_url);
	else
		store_meta_get(s->store, "sync.server_url", url, sizeof url);
	if (url[0] == '\0' || !store_token_load(s->store, s->token, sizeof s->token)) {
		message(s, "%s", _("Belum masuk ke server. Jalankan: sigacor login --server ALAMAT "
			"--operator NAMA"));
		return false;
	}
	if (!sync_url_normalise(url, s->base, sizeof s->base, err, sizeof err)) {
		message(s, "%s", err);
		return false;
	}
	if (s->cfg.ca_file[0] != '\0')
		snprintf(s->ca_file, sizeof s->ca_file, "%s", s->cfg.ca_file);
	else
		store_meta_get(s->store, "sync.ca_file", s->ca_file, sizeof s->ca_file);
	return true;
}

static void refuse(struct sync *s, enum sync_job job, enum sync_outcome outcome)
{
	s->prog.job = job;
	s->prog.running = false;
	s->prog.phase = SYNC_FINISHED;
	s->prog.outcome = outcome;
}

bool sync_start(struct sync *s)
{
	if (s->running) {
		message(s, "%s", _("Sinkronisasi sedang berjalan."));
		return false;
	}
	if (!sync_session_load(s)) {
		refuse(s, SYNC_JOB_RUN, SYNC_NOT_LOGGED_IN);
		return false;
	}
	/* what a locked sync sent (sealed outbox) settles before the queue is read */
	sync_sealed_settle(s->store);
	sync_refresh_local(s);
	begin_job(s, SYNC_JOB_RUN, STEP_ME, SYNC_CONNECTING);
	message(s, "%s", _("Menghubungi server…"));
	return true;
}

bool sync_login_start(struct sync *s, const char *operator_name, const char *password)
{
	char url[SYNC_URL_MAX] = "", err[256];
	if (s->running) {
		message(s, "%s", _("Sinkronisasi sedang berjalan."));
		return false;
	}
	if (s->cfg.server_url[0] != '\0')
		snprintf(url, sizeof url, "%s", s->cfg.server_url);
	else
		store_meta_get(s->store, "sync.server_url", url, sizeof url);
	if (url[0] == '\0') {
		message(s, "%s", _("Alamat server belum diisi (--server ALAMAT)."));
		refuse(s, SYNC_JOB_LOGIN, SYNC_NOT_LOGGED_IN);
		return false;
	}
	if (!sync_url_normalise(url, s->base, sizeof s->base, err, sizeof err)) {
		message(s, "%s", err);
		refuse(s, SYNC_JOB_LOGIN, SYNC_NOT_LOGGED_IN);
		return false;
	}
	if (!proto_is_operator_name(operator_name) || strlen(password) == 0 ||
		strlen(password) > PROTO_PASSWORD_MAX) {
		message(s, "%s", strlen(password) == 0 ? _("Kata sandi kosong.") :
			_("Nama petugas atau kata sandi tidak sah untuk server: nama hanya huruf kecil, "
			"angka, titik, garis bawah dan tanda hubung."));
		refuse(s, SYNC_JOB_LOGIN, SYNC_BAD_CREDENTIALS);
		return false;
	}
	if (s->cfg.ca_file[0] != '\0')
		snprintf(s->ca_file, sizeof s->ca_file, "%s", s->cfg.ca_file);
	else
		store_meta_get(s->store, "sync.ca_file", s->ca_file, sizeof s->ca_file);
	snprintf(s->login_operator, sizeof s->login_operator, "%s", operator_name);
	snprintf(s->login_password, sizeof s->login_password, "%s", password);
	begin_job(s, SYNC_JOB_LOGIN, STEP_LOGIN, SYNC_CONNECTING);
	message(s, "%s", _("Masuk ke server…"));
	return true;
}

bool sync_logout_start(struct sync *s)
{
	if (s->running) {
		message(s, "%s", _("Sinkronisasi sedang berjalan."));
		return false;
	}
	if (!sync_session_load(s)) {
		/* nothing to revoke; make sure no token stays behind */
		store_token_delete(s->store);
		refuse(s, SYNC_JOB_LOGOUT, SYNC_NOT_LOGGED_IN);
		return false;
	}
	begin_job(s, SYNC_JOB_LOGOUT, STEP_LOGOUT, SYNC_CONNECTING);
	message(s, "%s", _("Keluar dari server…"));
	return true;
}

void sync_cancel(struct sync *s)
{
	if (s->running)
		s->cancel = true;
}

void sync_goto(struct sync *s, enum sync_step step)
{
	s->step = step;
	s->attempt = 0;
	s->retry_at_ms = 0;
	s->ready = true;
}

void sync_stop(struct sync *s, enum sync_outcome outcome, const char *fmt, ...)
{
	drop_transfer(s);
	if (fmt != NULL) {
		va_list ap;
		va_start(ap, fmt);
		set_message(s, fmt, ap);
		va_end(ap);
	}
	if (s->have_record)
		push_requeue(s, s->prog.message);
	memset(s->login_password, 0, sizeof s->login_password);
	s->running = false;
	s->ready = false;
	s->retry_at_ms = 0;
	s->step = STEP_NONE;
	s->prog.running = false;
	s->prog.phase = SYNC_FINISHED;
	s->prog.outcome = outcome;
	s->prog.retry_in_ms = 0;
	store_sync_registry_end(s->store);
	sync_refresh_local(s);
}

/* ---------------------------------------------------------------- requests */

struct http_xfer *sync_request(struct sync *s, const char *method, const char *path,
	size_t body_limit)
{
	char url[SYNC_URL_MAX + 512];
	if (snprintf(url, sizeof url, "%s%s", s->base, path) >= (int)sizeof url) {
		sync_stop(s, SYNC_LOCAL, "%s", _("Alamat permintaan terlalu panjang."));
		return NULL;
	}
	struct http_xfer *x = http_new(&s->cfg, s->ca_file, method, url,
		s->step == STEP_LOGIN ? NULL : s->token, body_limit);
	if (x == NULL)
		sync_stop(s, SYNC_LOCAL, "%s", _("Permintaan ke server tidak bisa dibuat "
			"(memori tidak cukup?)."));
	return x;
}

bool sync_send(struct sync *s, struct http_xfer *x)
{
	if (x == NULL)
		return false;
	if (curl_multi_add_handle(s->multi, x->easy) != CURLM_OK) {
		http_free(x);
		sync_stop(s, SYNC_LOCAL, "%s", _("Permintaan ke server tidak bisa dimulai."));
		return false;
	}
	s->xfer = x;
	s->attempt++;
	s->prog.attempt = s->attempt;
	return true;
}

bool sync_send_json(struct sync *s, const char *method, const char *path, char *json)
{
	struct http_xfer *x = json != NULL ? sync_request(s, method, path, HTTP_SMALL_MAX) : NULL;
	if (x == NULL || !http_set_json(x, json)) {
		if (x != NULL)
			http_free(x);        /* it took json */
		else
			free(json);
		if (s->running)
			sync_stop(s, SYNC_LOCAL, "%s", _("Memori tidak cukup."));
		return false;
	}
	return sync_send(s, x);
}

void sync_retry(struct sync *s, long retry_after_s, const char *why)
{
	if (s->cfg.max_attempts > 0 && s->attempt >= s->cfg.max_attempts) {
		sync_stop(s, SYNC_NETWORK, _("%s Sudah dicoba %d kali; antrean tetap tersimpan, "
			"coba lagi nanti."), why, s->attempt);
		return;
	}
	long delay = sync_backoff_ms(&s->cfg, s->attempt + 1, random_unit(),
		retry_after_s > 0 ? retry_after_s * 1000 : 0);
	s->retry_at_ms = common_now_ms() + delay;
	s->ready = false;
	message(s, _("%s Dicoba lagi dalam %ld detik."), why, (delay + 999) / 1000);
}

struct sync_detail sync_proto_detail(const struct proto_error *e)
{
	struct sync_detail d;
	if (e->field[0] != '\0')
		snprintf(d.text, sizeof d.text, "%s: %s", e->field, e->reason);
	else
		snprintf(d.text, sizeof d.text, "%s", e->reason[0] != '\0' ? e->reason : "?");
	return d;
}

bool sync_problem(const struct http_xfer *x, struct proto_problem *pb)
{
	struct proto_error e;
	memset(pb, 0, sizeof *pb);
	return x->len > 0 && proto_problem_decode(x->body, x->len, pb, &e) == PROTO_OK;
}

bool sync_transfer_failed(struct sync *s, const struct http_xfer *x)
{
	snprintf(s->prog.request_id, sizeof s->prog.request_id, "%s", x->request_id);
	switch (http_classify(x)) {
	case HTTP_ANSWERED:
		return false;
	case HTTP_TRANSIENT: {
		char why[SYNC_MESSAGE_MAX];
		if (x->result != CURLE_OK)
			snprintf(why, sizeof why, _("Sambungan ke server gagal (%s)."),
				x->errbuf[0] != '\0' ? x->errbuf : curl_easy_strerror(x->result));
		else
			snprintf(why, sizeof why, _("Server sibuk atau sedang bermasalah (HTTP %ld)."),
				x->status);
		sync_retry(s, x->retry_after_s, why);
		return true;
	}
	case HTTP_TLS:
		sync_stop(s, SYNC_TLS, _("Sambungan aman (TLS) ke server gagal: %s. Periksa jam "
			"laptop dan sertifikat kota; sinkronisasi dihentikan."),
			x->errbuf[0] != '\0' ? x->errbuf : curl_easy_strerror(x->result));
		return true;
	case HTTP_PORTAL:
		sync_stop(s, SYNC_PORTAL, _("Tersambung ke jaringan yang meminta login, bukan ke "
			"server kota (HTTP %ld tanpa tanda server). Buka peramban untuk login ke "
			"jaringan itu, lalu coba lagi."), x->status);
		return true;
	case HTTP_TOO_BIG:
		sync_stop(s, SYNC_SERVER, _("Jawaban server terlalu besar (lebih dari %zu bait); "
			"sinkronisasi dihentikan, antrean tetap tersimpan."), x->limit);
		return true;
	case HTTP_LOCAL:
		sync_stop(s, SYNC_LOCAL, "%s", _("File foto tidak bisa dibaca saat dikirim."));
		return true;
	case HTTP_BROKEN:
	default:
		sync_stop(s, SYNC_SERVER, _("Jawaban server tidak bisa dipahami (%s); "
			"sinkronisasi dihentikan, antrean tetap tersimpan."),
			x->errbuf[0] != '\0' ? x->errbuf : curl_easy_strerror(x->result));
		return true;
	}
}

void sync_unexpected(struct sync *s, const struct http_xfer *x, const struct proto_problem *pb)
{
	const char *code = pb != NULL ? pb->code : "";
	const char *detail = pb != NULL && pb->detail[0] != '\0' ? pb->detail : "";
	if (x->status == 401) {
		store_token_delete(s->store);
		sync_stop(s, SYNC_LOGIN_NEEDED, "%s", _("Sesi tidak berlaku lagi: masuk (login) "
			"kembali, lalu sinkronkan."));
	} else if (x->status == 403 && strcmp(code, "operator_disabled") == 0) {
		sync_stop(s, SYNC_DISABLED, "%s", _("Akun petugas ini sudah dinonaktifkan oleh "
			"kota. Hubungi admin kota; rekaman tetap tersimpan di laptop ini."));
	} else if (http_status_transient(x->status) || (pb != NULL && pb->retryable)) {
		char why[SYNC_MESSAGE_MAX];
		snprintf(why, sizeof why, _("Server sibuk atau sedang bermasalah (HTTP %ld)."),
			x->status);
		sync_retry(s, x->retry_after_s, why);
	} else {
		sync_stop(s, SYNC_SERVER, _("Server menjawab HTTP %ld %s%s%s Sinkronisasi "
			"dihentikan, antrean tetap tersimpan."), x->status, code,
			detail[0] != '\0' ? ": " : ".", detail);
	}
}

/* ---------------------------------------------------------------- loop */

/* The run is over: say how it went. */
static void finish_run(struct sync *s)
{
	sync_refresh_local(s);
	if (s->registry_kept)
		sync_stop(s, SYNC_REGISTRY_KEPT, _("PERHATIAN: data penduduk di server kota "
			"tinggal %lld orang, salinan di laptop ini %lld. Salinan di laptop TIDAK "
			"diganti (mungkin kesalahan impor di kota); pencarian NIK tetap memakai "
			"salinan lama. Hubungi admin kota. Jika kota memastikan datanya memang "
			"benar, jalankan: sigacor sync --accept-small-registry"),
			(long long)s->registry_kept_offered, (long long)s->registry_kept_have);
	else if (s->quarantined_in_run > 0)
		sync_stop(s, SYNC_QUARANTINED, _("Selesai, tetapi %lld rekaman ditolak server "
			"(karantina); lihat pesannya dan buat rekaman koreksi."),
			(long long)s->quarantined_in_run);
	else if (s->photos_refused_in_run > 0)
		sync_stop(s, SYNC_QUARANTINED, _("Selesai, tetapi server menolak %lld foto dari "
			"rekaman yang sudah dikirimnya (rekaman itu menunggu foto di server); lihat "
			"pesannya dan buat rekaman koreksi."), (long long)s->photos_refused_in_run);
	else if (s->prog.budget_waiting > 0) {
		char budget[32], used[32];
		sync_format_megabytes(sync_photo_budget_mb(s->store) * 1000000, budget, sizeof budget);
		sync_format_megabytes(sync_photo_bytes_today(s->store), used, sizeof used);
		sync_stop(s, SYNC_OK, _("Jatah foto harian %s hampir habis (hari ini terkirim %s): "
			"rekaman sudah terkirim, foto %lld rekaman menunggu besok. Ubah jatah: sigacor "
			"sync --photo-budget-mb MB (0 = tanpa batas)."), budget, used,
			(long long)s->prog.budget_waiting);
	} else if (s->cfg.no_photos && s->prog.local.photos_waiting > 0) {
		char mb[32];
		sync_format_megabytes(s->prog.local.queued_bytes, mb, sizeof mb);
		sync_stop(s, SYNC_OK, _("Sinkronisasi selesai tanpa foto (--no-photos): foto %lld "
			"rekaman (%s) menunggu sinkronisasi berikutnya."),
			(long long)s->prog.local.photos_waiting, mb);
	} else
		sync_stop(s, SYNC_OK, "%s", _("Sinkronisasi selesai."));
}

/* What each step does: start it, and take its transfer's answer (NULL for
 * the steps that send nothing). */
static const struct {
	void (*start)(struct sync *s);
	void (*done)(struct sync *s, struct http_xfer *x);
} steps[] = {
	[STEP_LOGIN] = { session_start, session_done },
	[STEP_LOGOUT] = { session_start, session_done },
	[STEP_ME] = { session_start, session_done },
	[STEP_DEPOSIT_TOKEN] = { session_start, session_done },
	[STEP_NEXT_RECORD] = { push_next_record, NULL },
	[STEP_BLOB_PUT] = { push_start, push_done },
	[STEP_RECORD_PUT] = { push_start, push_done },
	[STEP_RESIDENTS_START] = { pull_residents_start, NULL },
	[STEP_RESIDENTS_PROBE] = { pull_start, pull_done },
	[STEP_RESIDENTS_PAGE] = { pull_start, pull_done },
	[STEP_REGISTRY_PAGE] = { pull_start, pull_done },
	[STEP_CANDIDATES_PROBE] = { pull_start, pull_done },
	[STEP_CANDIDATES_PAGE] = { pull_start, pull_done },
	[STEP_CHANGES_PAGE] = { pull_start, pull_done },
	[STEP_PROGRESS_PAGE] = { pull_start, pull_done },
	[STEP_FINISH] = { finish_run, NULL },
};

static void start_step(struct sync *s)
{
	s->ready = false;
	s->retry_at_ms = 0;
	s->prog.retry_in_ms = 0;
	if ((size_t)s->step < sizeof steps / sizeof steps[0] && steps[s->step].start != NULL)
		steps[s->step].start(s);
	else
		sync_stop(s, SYNC_LOCAL, "%s", _("Langkah sinkronisasi tidak dikenal."));
}

static void transfer_done(struct sync *s, struct http_xfer *x)
{
	s->prog.bytes_downloaded += (int64_t)x->len;
	if ((size_t)s->step < sizeof steps / sizeof steps[0] && steps[s->step].done != NULL)
		steps[s->step].done(s, x);
	else
		sync_stop(s, SYNC_LOCAL, "%s", _("Langkah sinkronisasi tidak dikenal."));
}

bool sync_send_ahead(struct sync *s, struct http_xfer *x)
{
	int still;
	if (curl_multi_add_handle(s->multi, x->easy) != CURLM_OK) {
		http_free(x);
		return false;
	}
	s->ahead.x = x;
	s->ahead.done = false;
	s->ahead.started_ms = common_now_ms();
	/* the request goes out now, not at the next perform */
	curl_multi_perform(s->multi, &still);
	return true;
}

void sync_take_over(struct sync *s, enum sync_step step, struct http_xfer *x, bool done)
{
	s->step = step;
	s->attempt = 1;
	s->prog.attempt = 1;
	s->retry_at_ms = 0;
	s->ready = false;
	if (!done) {
		s->xfer = x;
		return;
	}
	transfer_done(s, x);
	http_free(x);
}

static bool ahead_in_flight(const struct sync *s)
{
	return s->ahead.x != NULL && !s->ahead.done;
}

static void collect(struct sync *s)
{
	int left;
	CURLMsg *msg;
	struct http_xfer *x = NULL;
	CURLcode result = CURLE_OK;
	/* every message: the one sent ahead may have finished too, and its step
	 * may take it over before the next perform */
	while ((msg = curl_multi_info_read(s->multi, &left)) != NULL) {
		if (msg->msg != CURLMSG_DONE)
			continue;
		if (ahead_in_flight(s) && msg->easy_handle == s->ahead.x->easy) {
			/* kept for its step (next_queued_photo) */
			http_finish(s->ahead.x, msg->data.result);
			curl_multi_remove_handle(s->multi, s->ahead.x->easy);
			s->ahead.done = true;
		} else if (x == NULL && s->xfer != NULL && msg->easy_handle == s->xfer->easy) {
			x = s->xfer;
			result = msg->data.result;
		}
	}
	if (x == NULL)
		return;
	s->xfer = NULL;
	http_finish(x, result);
	curl_multi_remove_handle(s->multi, x->easy);
	transfer_done(s, x);
	http_free(x);
}

bool sync_perform(struct sync *s)
{
	if (!s->running)
		return false;
	if (s->cancel) {
		sync_stop(s, SYNC_CANCELLED, "%s", _("Sinkronisasi dibatalkan; antrean tetap "
			"tersimpan."));
		return false;
	}
	if (s->xfer != NULL || ahead_in_flight(s)) {
		int still = 0;
		if (curl_multi_perform(s->multi, &still) != CURLM_OK) {
			sync_stop(s, SYNC_LOCAL, "%s", _("Pustaka jaringan gagal."));
			return false;
		}
		collect(s);
	}
	if (s->running && s->xfer == NULL && s->retry_at_ms != 0) {
		int64_t left = s->retry_at_ms - common_now_ms();
		s->prog.retry_in_ms = left > 0 ? (int)(left > INT_MAX ? INT_MAX : left) : 0;
		if (left <= 0) {
			s->retry_at_ms = 0;
			s->ready = true;
		}
	}
	if (s->running && s->xfer == NULL && s->ready)
		start_step(s);
	return s->running;
}

bool sync_running(const struct sync *s)
{
	return s->running;
}

/* The longest the caller may wait before sync_perform has work. */
static long engine_timeout(struct sync *s)
{
	if (!s->running)
		return -1;
	if (s->cancel || (s->xfer == NULL && s->ready))
		return 0;
	long t = -1;
	if (s->xfer != NULL || ahead_in_flight(s))
		curl_multi_timeout(s->multi, &t);
	if (s->xfer == NULL && s->retry_at_ms != 0) {
		int64_t left = s->retry_at_ms - common_now_ms();
		long wait = left <= 0 ? 0 : (long)(left > INT_MAX ? INT_MAX : left);
		if (t < 0 || wait < t)
			t = wait;
	}
	return t;
}

static void lower(int *timeout_ms, long t)
{
	if (t < 0)
		return;
	if (*timeout_ms < 0 || t < *timeout_ms)
		*timeout_ms = (int)(t > INT_MAX ? INT_MAX : t);
}

int sync_fds(struct sync *s, struct pollfd *fds, int max, int *timeout_ms)
{
	lower(timeout_ms, engine_timeout(s));
	if (!s->running || (s->xfer == NULL && !ahead_in_flight(s)) || max <= 0)
		return 0;
	fd_set r, w, e;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_ZERO(&e);
	int maxfd = -1;
	if (curl_multi_fdset(s->multi, &r, &w, &e, &maxfd) != CURLM_OK || maxfd < 0) {
		/* curl has no socket to show yet (name lookup in its thread): come
		 * back soon, as the libcurl documentation advises */
		lower(timeout_ms, 100);
		return 0;
	}
	int n = 0;
	for (int fd = 0; fd <= maxfd && n < max; fd++) {
		short ev = (short)((FD_ISSET(fd, &r) ? POLLIN : 0) | (FD_ISSET(fd, &w) ? POLLOUT : 0) |
			(FD_ISSET(fd, &e) ? POLLPRI : 0));
		if (ev != 0) {
			fds[n].fd = fd;
			fds[n].events = ev;
			fds[n].revents = 0;
			n++;
		}
	}
	return n;
}

int sync_poll(struct sync *s, struct pollfd *extra, unsigned n_extra, int timeout_ms)
{
	struct curl_waitfd w[16];
	if (n_extra > 16)
		n_extra = 16;
	for (unsigned i = 0; i < n_extra; i++) {
		w[i].fd = extra[i].fd;
		w[i].events = (short)(((extra[i].events & POLLIN) ? CURL_WAIT_POLLIN : 0) |
			((extra[i].events & POLLPRI) ? CURL_WAIT_POLLPRI : 0) |
			((extra[i].events & POLLOUT) ? CURL_WAIT_POLLOUT : 0));
		w[i].revents = 0;
	}
	int timeout = timeout_ms;
	lower(&timeout, engine_timeout(s));
	if (timeout < 0)
		timeout = 1000;
	int ready = 0;
	if (curl_multi_poll(s->multi, w, n_extra, timeout, &ready) != CURLM_OK)
		return -1;
	for (unsigned i = 0; i < n_extra; i++)
		extra[i].revents = (short)(((w[i].revents & CURL_WAIT_POLLIN) ? POLLIN : 0) |
			((w[i].revents & CURL_WAIT_POLLPRI) ? POLLPRI : 0) |
			((w[i].revents & CURL_WAIT_POLLOUT) ? POLLOUT : 0));
	return ready;
}

void sync_progress(const struct sync *s, struct sync_progress *out)
{
	*out = s->prog;
	/* the step's photo and the one sent ahead */
	out->bytes_done += push_bytes_in_flight(s);
	out->photo_rate = push_rate(s);
	if (s->xfer != NULL)
		out->bytes_downloaded += (int64_t)s->xfer->dlnow;
	if (s->running && s->retry_at_ms != 0 && s->xfer == NULL) {
		int64_t left = s->retry_at_ms - common_now_ms();
		out->retry_in_ms = left > 0 ? (int)(left > INT_MAX ? INT_MAX : left) : 0;
	}
}
