/* sync/session: the server address, login, logout and the GET /me check
 * that opens every run. */
#include "config.h"
#include "sync.h"
#include "sync_int.h"
#include "crashpoint.h"
#include "i18n.h"

#include <ctype.h>
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ---------------------------------------------------------------- the URL */

static bool loopback_host(const char *host, size_t n)
{
	if ((n == 9 && strncasecmp(host, "localhost", 9) == 0) ||
		(n == 5 && strncmp(host, "[::1]", 5) == 0))
		return true;
	/* 127.0.0.0/8 written as a dotted quad */
	if (n < 7 || n > 15 || strncmp(host, "127.", 4) != 0)
		return false;
	int dots = 0;
	for (size_t i = 0; i < n; i++) {
		if (host[i] == '.')
			dots++;
		else if (!isdigit((unsigned char)host[i]))
			return false;
	}
	return dots == 3;
}

bool sync_url_normalise(const char *in, char *out, size_t len, char *err, size_t errlen)
{
	while (*in == ' ' || *in == '\t')
		in++;
	size_t n = strlen(in);
	while (n > 0 && (in[n - 1] == ' ' || in[n - 1] == '\t' || in[n - 1] == '/'))
		n--;
	bool tls;
	size_t scheme;
	if (n > 8 && strncasecmp(in, "https://", 8) == 0) {
		tls = true;
		scheme = 8;
	} else if (n > 7 && strncasecmp(in, "http://", 7) == 0) {
		tls = false;
		scheme = 7;
	} else {
		snprintf(err, errlen, "%s", _("Alamat server harus diawali https://"));
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c <= 0x20 || c >= 0x7F || c == '?' || c == '#' || c == '@' || c == '\\' ||
			c == '"' || c == '<' || c == '>') {
			snprintf(err, errlen, "%s", _("Alamat server tidak sah (tanpa spasi, nama "
				"pengguna, ? atau #)."));
			return false;
		}
	}
	const char *host = in + scheme;
	const char *slash = memchr(host, '/', n - scheme);
	size_t hostport = slash != NULL ? (size_t)(slash - host) : n - scheme;
	size_t hostlen = hostport;
	if (hostport > 0 && host[0] == '[') {
		const char *close = memchr(host, ']', hostport);
		hostlen = close != NULL ? (size_t)(close - host) + 1 : 0;
	} else {
		const char *colon = memchr(host, ':', hostport);
		if (colon != NULL)
			hostlen = (size_t)(colon - host);
	}
	if (hostlen == 0) {
		snprintf(err, errlen, "%s", _("Alamat server tanpa nama mesin."));
		return false;
	}
	if (!tls && !loopback_host(host, hostlen)) {
		snprintf(err, errlen, "%s", _("Alamat server harus memakai https:// (http:// "
			"hanya untuk server di laptop ini sendiri)."));
		return false;
	}
	static const char api[] = PROTO_PREFIX;
	size_t apilen = sizeof api - 1;
	bool has_api = n >= apilen && strncmp(in + n - apilen, api, apilen) == 0;
	if ((size_t)snprintf(out, len, "%.*s%s", (int)n, in, has_api ? "" : api) >= len) {
		snprintf(err, errlen, "%s", _("Alamat server terlalu panjang."));
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------- device */

/* A stable name of this laptop and profile for the server's token list:
 * chosen once, kept in the profile. */
static void device_name(struct sync *s, char *out, size_t len)
{
	if (store_meta_get(s->store, "sync.device", out, len) && out[0] != '\0')
		return;
	char host[65] = "";
	if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
		snprintf(host, sizeof host, "laptop");
	host[sizeof host - 1] = '\0';
	/* printable ASCII only: a host name is, but be sure */
	for (char *p = host; *p != '\0'; p++)
		if ((unsigned char)*p < 0x21 || (unsigned char)*p > 0x7E)
			*p = '-';
	snprintf(out, len, "%.40s:%.23s", host, store_operator(s->store));
	store_meta_set(s->store, "sync.device", out);
}

/* ---------------------------------------------------------------- requests */

void session_start(struct sync *s)
{
	struct http_xfer *x;
	if (s->step == STEP_LOGIN) {
		struct proto_login_request rq;
		memset(&rq, 0, sizeof rq);
		snprintf(rq.operator_name, sizeof rq.operator_name, "%s", s->login_operator);
		snprintf(rq.password, sizeof rq.password, "%s", s->login_password);
		device_name(s, rq.device, sizeof rq.device);
		char *json = proto_login_request_encode(&rq);
		memset(&rq, 0, sizeof rq);
		/* the body holds the password: http_free wipes it */
		sync_send_json(s, "POST", "/auth/login", json);
		return;
	} else if (s->step == STEP_LOGOUT) {
		x = sync_request(s, "POST", "/auth/logout", HTTP_SMALL_MAX);
	} else if (s->step == STEP_DEPOSIT_TOKEN) {
		x = sync_request(s, "POST", "/auth/deposit-token", HTTP_SMALL_MAX);
	} else {
		x = sync_request(s, "GET", "/me", HTTP_SMALL_MAX);
	}
	sync_send(s, x);
}

static void save_scope(struct sync *s, const struct proto_session *ses)
{
	char list[PROTO_KELURAHAN_MAX * 16 + 1] = "";
	size_t o = 0;
	for (size_t i = 0; i < ses->n_kelurahan && i < PROTO_KELURAHAN_MAX; i++)
		o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i > 0 ? "," : "",
			ses->kelurahan[i]);
	char old[sizeof list] = "";
	store_meta_get(s->store, "sync.kelurahan", old, sizeof old);
	if (strcmp(old, list) != 0)
		store_meta_set(s->store, "sync.kelurahan", list);
}

static bool decode_session(struct sync *s, const struct http_xfer *x, struct proto_session *out)
{
	struct proto_error e;
	memset(&e, 0, sizeof e);
	if (x->len == 0 || proto_session_decode(x->body, x->len, out, &e) != PROTO_OK) {
		sync_stop(s, SYNC_SERVER, _("Jawaban server rusak; sinkronisasi dihentikan, antrean "
			"tetap tersimpan. (Rincian: %s)"), sync_proto_detail(&e).text);
		return false;
	}
	for (size_t i = 0; i < out->n_kelurahan; i++)
		if (!proto_is_kelurahan(out->kelurahan[i])) {
			sync_stop(s, SYNC_SERVER, "%s", _("Jawaban server rusak (kode kelurahan); "
				"sinkronisasi dihentikan."));
			return false;
		}
	return true;
}

/* The server's city key against the profile's pin (login: pinned, or
 * replaced when asked; a sync: pinned when none yet).  false: the job
 * stopped (a changed key, or the pin could not be written). */
static bool check_city_key(struct sync *s, const struct proto_session *ses, bool login)
{
	const char *dir = store_dir(s->store);
	const char *ca = s->cfg.ca_file[0] != '\0' ? s->cfg.ca_file : s->ca_file;
	switch (sync_city_pin_check(dir, ses->city_key, login && s->cfg.new_city_key, s->base, ca)) {
	case SYNC_PIN_CHANGED:
		sync_stop(s, SYNC_CITY_KEY, "%s", _("Kunci kota dari server ini berbeda dengan yang "
			"tersimpan di laptop ini. Jangan lanjutkan dulu: tanyakan ke admin kota apakah "
			"kuncinya memang diganti; bila ya, jalankan sigacor login --new-city-key."));
		return false;
	case SYNC_PIN_FAILED:
		sync_stop(s, SYNC_LOCAL, _("Kunci kota tidak bisa disimpan di %s: %s."), dir,
			strerror(errno));
		return false;
	default:
		return true;
	}
}

/* The login's tokens into the profile (the session token sealed in a
 * keyed one, the deposit token clear: store_token_save), wiped from ses.
 * false: the job stopped. */
static bool save_tokens(struct sync *s, struct proto_session *ses)
{
	bool saved = ses->token[0] != '\0'
		&& store_token_save(s->store, ses->token, ses->deposit_token) == STORE_OK;
	if (!saved)
		sync_stop(s, ses->token[0] == '\0' ? SYNC_SERVER : SYNC_LOCAL, "%s",
			ses->token[0] == '\0' ? _("Server tidak memberi token sesi.") :
			store_error(s->store));
	sodium_memzero(ses->token, sizeof ses->token);
	sodium_memzero(ses->deposit_token, sizeof ses->deposit_token);
	return saved;
}

static void login_done(struct sync *s, struct http_xfer *x)
{
	struct proto_problem pb;
	bool problem = sync_problem(x, &pb);
	if (x->status == 200) {
		struct proto_session ses;
		if (!decode_session(s, x, &ses))
			return;
		memset(s->login_password, 0, sizeof s->login_password);
		if (!check_city_key(s, &ses, true)) {
			memset(&ses, 0, sizeof ses);
			return;
		}
		/* the server the tokens are for before them, an earlier login's
		 * tokens gone first: a kill on the way leaves no token (the next
		 * sync asks to log in), never one beside another server's address
		 * or one that no logout could revoke */
		if (store_token_delete(s->store) != STORE_OK) {
			memset(&ses, 0, sizeof ses);
			sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
			return;
		}
		store_meta_set(s->store, "sync.server_url", s->base);
		store_meta_set(s->store, "sync.operator", ses.operator_name);
		if (s->cfg.ca_file[0] != '\0')
			store_meta_set(s->store, "sync.ca_file", s->cfg.ca_file);
		save_scope(s, &ses);
		crashpoint("sync.login_server_saved");
		if (!save_tokens(s, &ses)) {
			memset(&ses, 0, sizeof ses);
			return;
		}
		crashpoint("sync.login_tokens_saved");
		s->session = ses;
		char list[PROTO_KELURAHAN_MAX * 16 + 1] = "";
		store_meta_get(s->store, "sync.kelurahan", list, sizeof list);
		sync_stop(s, SYNC_OK, _("Berhasil masuk sebagai %s (kelurahan %s)."),
			ses.operator_name, list[0] != '\0' ? list : "-");
	} else if (x->status == 401 || x->status == 422 ||
		(x->status == 429 && problem && strcmp(pb.code, "too_many_attempts") == 0)) {
		sync_stop(s, SYNC_BAD_CREDENTIALS, "%s", problem && pb.detail[0] != '\0' ? pb.detail :
			_("Nama petugas atau kata sandi salah."));
	} else {
		sync_unexpected(s, x, problem ? &pb : NULL);
	}
}

static void logout_done(struct sync *s, struct http_xfer *x)
{
	bool answered = http_classify(x) == HTTP_ANSWERED;
	if (store_token_delete(s->store) != STORE_OK) {
		sync_stop(s, SYNC_LOCAL, "%s", store_error(s->store));
		return;
	}
	crashpoint("sync.logout_token_deleted");
	if (answered && (x->status == 200 || x->status == 401 || x->status == 403))
		sync_stop(s, SYNC_OK, "%s", _("Sudah keluar: token sesi dicabut dan dihapus dari "
			"laptop ini."));
	else
		sync_stop(s, SYNC_NETWORK, "%s", _("Token sesi dihapus dari laptop ini, tetapi "
			"server tidak bisa dihubungi untuk mencabutnya; minta admin kota mencabutnya."));
}

/* The token is good: the run's work, push then pull. */
static void run_after_session(struct sync *s)
{
	if (s->cfg.push) {
		s->prog.phase = SYNC_PUSHING;
		sync_goto(s, STEP_NEXT_RECORD);
	} else if (s->cfg.pull) {
		s->prog.phase = SYNC_PULLING_RESIDENTS;
		sync_goto(s, STEP_RESIDENTS_START);
	} else {
		sync_goto(s, STEP_FINISH);
	}
}

static void me_done(struct sync *s, struct http_xfer *x)
{
	if (sync_transfer_failed(s, x))
		return;
	if (x->status != 200) {
		struct proto_problem pb;
		bool problem = sync_problem(x, &pb);
		sync_unexpected(s, x, problem ? &pb : NULL);
		return;
	}
	struct proto_session ses;
	if (!decode_session(s, x, &ses) || !check_city_key(s, &ses, false))
		return;
	s->session = ses;
	save_scope(s, &ses);
	if (store_token_deposit_due(s->store))
		sync_goto(s, STEP_DEPOSIT_TOKEN);
	else
		run_after_session(s);
}

/* A keyed profile logged in before deposit tokens: its session token is
 * clear for the locked sync.  The server gives the session a deposit
 * token; the session token is then sealed (store_token_save).  A server
 * before it (404), or any answer but 401/403: the run goes on as before,
 * and the next unlocked sync asks again. */
static void deposit_token_done(struct sync *s, struct http_xfer *x)
{
	if (sync_transfer_failed(s, x))
		return;
	struct proto_problem pb;
	bool problem = sync_problem(x, &pb);
	if (x->status == 401 || (x->status == 403 && problem
		&& strcmp(pb.code, "operator_disabled") == 0)) {
		sync_unexpected(s, x, problem ? &pb : NULL);
		return;
	}
	struct proto_session ses;
	struct proto_error e;
	if (x->status == 200 && x->len > 0
		&& proto_session_decode(x->body, x->len, &ses, &e) == PROTO_OK
		&& ses.deposit_token[0] != '\0'
		&& store_token_save(s->store, s->token, ses.deposit_token) == STORE_OK)
		crashpoint("sync.deposit_token_saved");
	sodium_memzero(&ses, sizeof ses);
	run_after_session(s);
}

void session_done(struct sync *s, struct http_xfer *x)
{
	if (s->step == STEP_LOGOUT) {
		logout_done(s, x);
		return;
	}
	if (s->step == STEP_ME) {
		me_done(s, x);
		return;
	}
	if (s->step == STEP_DEPOSIT_TOKEN) {
		deposit_token_done(s, x);
		return;
	}
	if (!sync_transfer_failed(s, x))
		login_done(s, x);
}
