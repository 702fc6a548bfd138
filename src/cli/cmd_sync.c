/* cli/cmd_sync: `sigacor login`, `sigacor logout` and the headless
 * `sigacor sync` (cron, the jump host).  They drive the same engine as the
 * screens (sync.h) with a poll loop of their own. */
#include "config.h"
#include "cli.h"
#include "i18n.h"
#include "proto.h"
#include "sync.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Exit status of login/sync beyond the common 0/1/2 (see the help). */
enum { EXIT_RETRY_LATER = 3, EXIT_LOGIN = 4 };

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int exit_for(enum sync_outcome o)
{
	switch (o) {
	case SYNC_OK:
		return CLI_EXIT_OK;
	case SYNC_QUARANTINED:
	case SYNC_BAD_CREDENTIALS:
		return CLI_EXIT_REJECTED;
	case SYNC_NOT_LOGGED_IN:
	case SYNC_LOGIN_NEEDED:
	case SYNC_DISABLED:
	case SYNC_CITY_KEY:
		return EXIT_LOGIN;
	case SYNC_LOCAL:
		return CLI_EXIT_FAILURE;
	default:
		return EXIT_RETRY_LATER;
	}
}

/* Run the job to its end; progress lines on stderr when asked. */
static void drive(struct sync *s, bool show)
{
	char last[SYNC_MESSAGE_MAX] = "";
	struct sync_progress p;
	catch_signals();
	while (sync_perform(s)) {
		if (stop_requested)
			sync_cancel(s);
		if (show) {
			sync_progress(s, &p);
			if (strcmp(p.message, last) != 0) {
				fprintf(stderr, "sigacor: %s\n", p.message);
				snprintf(last, sizeof last, "%s", p.message);
			}
		}
		/* at most 250 ms between looks at the stop flag */
		sync_poll(s, NULL, 0, 250);
	}
}

void cli_photo_cost(int64_t bytes, int64_t rate, char *out, size_t len)
{
	char mb[32], when[32];
	sync_format_megabytes(bytes, mb, sizeof mb);
	if (rate <= 0) {
		snprintf(out, len, _("%s (laju jaringan belum terukur)"), mb);
		return;
	}
	sync_format_duration(sync_expected_seconds(bytes, rate), when, sizeof when);
	snprintf(out, len, _("%s, ±%s pada %lld kbit/s (terukur)"), mb, when,
		(long long)((rate * 8 + 500) / 1000));
}

/* ---------------------------------------------------------------- login */

enum { OPT_NEW_PROFILE = 100, OPT_YES, OPT_NEW_CITY_KEY, OPT_SEALED_ONLY };
enum { OPT_SERVER, OPT_OPERATOR, OPT_CA_FILE, OPT_PROGRESS, OPT_PUSH_ONLY, OPT_PULL_ONLY,
	OPT_ACCEPT_SMALL_REGISTRY, OPT_PHOTO_BUDGET_MB, OPT_NO_PHOTOS };

static int set_login_profile(struct cli *c, const char *name)
{
	if (!proto_is_operator_name(name))
		return cli_usage("login", _("Nama petugas \"%s\" tidak sah untuk server: pakai huruf "
			"kecil, angka, titik, garis bawah atau tanda hubung."), name);
	if (strcmp(c->operator_name, name) == 0)
		return CLI_EXIT_OK;
	if (strcmp(c->operator_name, "default") != 0)
		return cli_usage("login", _("Dua nama petugas berbeda: %s dan %s."),
			c->operator_name, name);
	snprintf(c->operator_name, sizeof c->operator_name, "%s", name);
	if (snprintf(c->profile_dir, sizeof c->profile_dir, "%s/%s", c->data_root, name)
		>= (int)sizeof c->profile_dir)
		return cli_usage("login", "%s", _("Folder data (--data-dir) terlalu panjang."));
	return CLI_EXIT_OK;
}

static int report(const struct cli *c, const struct sync_progress *p)
{
	if (c->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "outcome", sync_outcome_code(p->outcome));
		cJSON_AddStringToObject(o, "message", p->message);
		cli_print_json(o);
	} else if (p->outcome == SYNC_OK) {
		printf("%s\n", p->message);
	} else {
		cli_error("%s", p->message);
	}
	return exit_for(p->outcome);
}

/* Open the profile, run one job to its end, close it; prog tells how it
 * went.  false (with the reason printed) when the profile or the engine
 * cannot open. */
static bool run_job(const struct cli *c, const struct sync_config *cfg, enum sync_job job,
	const char *password, bool show, struct sync_progress *prog)
{
	struct store *st;
	if (cli_open_store(c, &st) != CLI_EXIT_OK)
		return false;
	char err[256];
	struct sync *s = sync_new(st, cfg, err, sizeof err);
	if (s == NULL) {
		cli_error("%s", err);
		store_close(st);
		return false;
	}
	bool started = job == SYNC_JOB_LOGIN ? sync_login_start(s, c->operator_name, password) :
		job == SYNC_JOB_LOGOUT ? sync_logout_start(s) : sync_start(s);
	if (started)
		drive(s, show);
	sync_progress(s, prog);
	sync_free(s);
	store_close(st);
	return true;
}

/* The old profile's server and CA (login --new-profile without --server):
 * from its pin, kept in clear because its database needs the password this
 * clerk forgot, or from a clear profile's settings (no personal data). */
static void old_server(const struct cli *c, struct sync_config *cfg)
{
	struct sync_city_pin pin;
	if (cfg->server_url[0] == '\0' && sync_city_pin_read(c->profile_dir, &pin)) {
		snprintf(cfg->server_url, sizeof cfg->server_url, "%s", pin.server);
		if (cfg->ca_file[0] == '\0')
			snprintf(cfg->ca_file, sizeof cfg->ca_file, "%s", pin.ca_file);
	}
	if (cfg->server_url[0] == '\0' && cli_profile_clear(c)) {
		/* settings only, of a profile this login replaces: not upgraded */
		struct store *old;
		char err[256];
		if (store_open(c->profile_dir, &old, err, sizeof err) == STORE_OK) {
			store_meta_get(old, "sync.server_url", cfg->server_url, sizeof cfg->server_url);
			if (cfg->ca_file[0] == '\0')
				store_meta_get(old, "sync.ca_file", cfg->ca_file, sizeof cfg->ca_file);
			store_close(old);
		}
	}
}

/* A login that makes the profile: the first on this laptop, or
 * login --new-profile (the local password is forgotten).  The fresh
 * profile is made under DATA/.new-PID/NAME, keyed with the new laptop
 * password before anything is written in it (issue 12), and the server's
 * password is checked there, so a wrong one costs nothing; then the old
 * profile, if any, is wiped as profile remove does (what was only there is
 * said before) and the fresh one takes its place.  After a forgotten
 * password a pull brings the registry, the households and the news of
 * records back. */
static int login_fresh_profile(struct cli *c, struct sync_config *cfg, const char *password,
	bool yes, bool forgotten)
{
	char what[512] = "";
	int64_t lost = 0;
	if (cli_profile_exists(c) && !cli_only_here(c->data_root, c->operator_name, what,
		sizeof what, &lost))
		return CLI_EXIT_FAILURE;
	old_server(c, cfg);
	struct cli fresh = *c;
	if (snprintf(fresh.data_root, sizeof fresh.data_root, "%s/" CLI_NEW_PROFILE_PREFIX "%ld",
		c->data_root, (long)getpid()) >= (int)sizeof fresh.data_root
		|| snprintf(fresh.profile_dir, sizeof fresh.profile_dir, "%s/%s", fresh.data_root,
		c->operator_name) >= (int)sizeof fresh.profile_dir
		|| (mkdir(c->data_root, 0700) != 0 && errno != EEXIST) || mkdir(fresh.data_root, 0700) != 0) {
		cli_error(_("Profil baru tidak bisa dibuat: %s"), strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	/* the laptop password: the line after the server's on stdin */
	int status = cli_new_profile(&fresh, true);
	struct sync_progress prog;
	bool ran = status == CLI_EXIT_OK && run_job(&fresh, cfg, SYNC_JOB_LOGIN, password, false, &prog);
	if (status == CLI_EXIT_OK)
		status = ran && prog.outcome == SYNC_OK ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
	if (status == CLI_EXIT_OK && lost > 0) {
		cli_warning(_("profil lama %s punya yang hanya ada di laptop ini dan akan hilang: %s."),
			c->operator_name, what);
		status = cli_confirm_new_profile(c->operator_name, yes);
	}
	if (status == CLI_EXIT_OK)
		status = cli_profile_replace(c->data_root, c->operator_name, fresh.data_root);
	if (status != CLI_EXIT_OK) {
		/* the old profile stays as it was; the fresh one goes */
		cli_remove_tree(fresh.data_root);
		if (ran && prog.outcome != SYNC_OK)
			return report(c, &prog);
		return status;
	}
	if (!forgotten)
		return report(c, &prog);
	printf(_("Profil baru %s dibuat dengan kata sandi laptop yang baru; data penduduk dan "
		"daftar sasaran diunduh.\n"), c->operator_name);
	cfg->push = false;
	if (!run_job(c, cfg, SYNC_JOB_RUN, NULL, false, &prog))
		return CLI_EXIT_FAILURE;
	return report(c, &prog);
}

int cli_cmd_login(struct cli *c, int argc, char **argv)
{
	static const struct cli_option opts[] = {
		{ "server", true, OPT_SERVER }, { "operator", true, OPT_OPERATOR },
		{ "ca-file", true, OPT_CA_FILE }, { "new-profile", false, OPT_NEW_PROFILE },
		{ "yes", false, OPT_YES }, { "new-city-key", false, OPT_NEW_CITY_KEY },
		{ NULL, false, 0 },
	};
	struct sync_config cfg;
	sync_config_init(&cfg);
	bool new_profile = false, yes = false;
	const char *server = NULL, *name = NULL, *value;
	struct cli_parser p;
	cli_parser_init(&p, argc, argv);
	for (int id; (id = cli_next(&p, opts, &value)) != CLI_END;) {
		switch (id) {
		case OPT_SERVER: server = value; break;
		case OPT_OPERATOR: name = value; break;
		case OPT_NEW_PROFILE: new_profile = true; break;
		case OPT_YES: yes = true; break;
		case OPT_NEW_CITY_KEY: cfg.new_city_key = true; break;
		case OPT_CA_FILE: {
			/* kept for later syncs, which may run from another folder */
			char full[PATH_MAX];
			if (access(value, R_OK) != 0 || realpath(value, full) == NULL ||
				strlen(full) >= sizeof cfg.ca_file)
				return cli_usage("login", _("File CA %s tidak bisa dibaca."), value);
			memcpy(cfg.ca_file, full, strlen(full) + 1);
			break;
		}
		case CLI_ARG:
			return cli_usage("login", _("Argumen tidak dikenal: %s (kata sandi tidak pernah "
				"ditulis di baris perintah)"), value);
		default:
			return CLI_EXIT_FAILURE;
		}
	}
	int rc = set_login_profile(c, name != NULL ? name : c->operator_name);
	if (rc != CLI_EXIT_OK)
		return rc;
	if (server != NULL) {
		char norm[SYNC_URL_MAX], err[256];
		if (!sync_url_normalise(server, norm, sizeof norm, err, sizeof err))
			return cli_usage("login", "%s", err);
		snprintf(cfg.server_url, sizeof cfg.server_url, "%s", server);
	}
	/* an existing profile with a password: the laptop's key before the
	 * server's password (its database is encrypted) */
	if (!new_profile && cli_profile_exists(c) && !cli_profile_clear(c)) {
		rc = cli_unlock_profile(c, false);
		if (rc != CLI_EXIT_OK)
			return rc;
	}
	char password[PROTO_PASSWORD_MAX + 2];
	if (!cli_read_password(c->operator_name, password, sizeof password) || password[0] == '\0') {
		memset(password, 0, sizeof password);
		cli_error("%s", _("Kata sandi tidak terbaca (dari terminal, atau satu baris di stdin)."));
		return CLI_EXIT_REJECTED;
	}
	if (new_profile || (!cli_profile_exists(c) && !cli_profile_keyed(c))) {
		int status = login_fresh_profile(c, &cfg, password, yes, new_profile);
		memset(password, 0, sizeof password);
		return status;
	}
	/* a clear profile of an earlier release: encrypted first, with its
	 * laptop password after the server's (as a new profile's is chosen) */
	if (cli_profile_clear(c) && (rc = cli_unlock_profile(c, true)) != CLI_EXIT_OK) {
		memset(password, 0, sizeof password);
		return rc;
	}
	struct sync_progress prog;
	bool ran = run_job(c, &cfg, SYNC_JOB_LOGIN, password, false, &prog);
	memset(password, 0, sizeof password);
	if (!ran)
		return CLI_EXIT_FAILURE;
	return report(c, &prog);
}

int cli_cmd_logout(struct cli *c, int argc, char **argv)
{
	static const struct cli_option opts[] = { { NULL, false, 0 } };
	const char *value;
	struct cli_parser p;
	cli_parser_init(&p, argc, argv);
	for (int id; (id = cli_next(&p, opts, &value)) != CLI_END;)
		return id == CLI_ARG ? cli_usage("logout", _("Argumen tidak dikenal: %s"), value) :
			CLI_EXIT_FAILURE;
	if (!cli_profile_exists(c)) {
		cli_error(_("Profil %s belum ada."), c->operator_name);
		return EXIT_LOGIN;
	}
	struct sync_config cfg;
	sync_config_init(&cfg);
	cfg.max_attempts = 2;        /* the laptop forgets the token anyway */
	struct sync_progress prog;
	if (!run_job(c, &cfg, SYNC_JOB_LOGOUT, NULL, false, &prog))
		return CLI_EXIT_FAILURE;
	if (prog.outcome == SYNC_NOT_LOGGED_IN) {
		printf("%s\n", _("Profil ini belum masuk ke server; tidak ada yang dicabut."));
		return CLI_EXIT_OK;
	}
	return report(c, &prog);
}

/* ---------------------------------------------------------------- sync */

static void print_summary_json(const struct sync_progress *p)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "outcome", sync_outcome_code(p->outcome));
	cJSON_AddStringToObject(o, "message", p->message);
	cJSON_AddNumberToObject(o, "records_done", (double)p->records_done);
	cJSON_AddNumberToObject(o, "records_accepted", (double)p->records_accepted);
	cJSON_AddNumberToObject(o, "records_flagged", (double)p->records_flagged);
	cJSON_AddNumberToObject(o, "records_quarantined", (double)p->records_quarantined);
	cJSON_AddNumberToObject(o, "photos_uploaded", (double)p->photos_uploaded);
	cJSON_AddNumberToObject(o, "photos_skipped", (double)p->photos_skipped);
	cJSON_AddNumberToObject(o, "bytes_done", (double)p->bytes_done);
	cJSON_AddNumberToObject(o, "residents_received", (double)p->residents_received);
	cJSON_AddNumberToObject(o, "residents_done", (double)p->residents_done);
	cJSON_AddNumberToObject(o, "residents_total", (double)p->residents_total);
	cJSON_AddNumberToObject(o, "residents_pages", (double)p->residents_pages);
	cJSON_AddNumberToObject(o, "candidates_received", (double)p->candidates_received);
	cJSON_AddNumberToObject(o, "candidates_done", (double)p->candidates_done);
	cJSON_AddNumberToObject(o, "candidates_total", (double)p->candidates_total);
	cJSON_AddNumberToObject(o, "changes_applied", (double)p->changes_applied);
	cJSON_AddNumberToObject(o, "progress_received", (double)p->progress_received);
	cJSON_AddNumberToObject(o, "attempt", p->attempt);
	cJSON *local = cJSON_AddObjectToObject(o, "local_only");
	if (local != NULL) {
		cJSON_AddNumberToObject(local, "drafts", (double)p->local.drafts);
		cJSON_AddNumberToObject(local, "queued", (double)p->local.queued);
		cJSON_AddNumberToObject(local, "quarantined", (double)p->local.quarantined);
		cJSON_AddNumberToObject(local, "queued_bytes", (double)p->local.queued_bytes);
		cJSON_AddNumberToObject(local, "photos_waiting", (double)p->local.photos_waiting);
	}
	cJSON_AddNumberToObject(o, "photo_rate_bytes_per_s", (double)p->photo_rate);
	cJSON_AddNumberToObject(o, "budget_waiting", (double)p->budget_waiting);
	if (p->request_id[0] != '\0')
		cJSON_AddStringToObject(o, "request_id", p->request_id);
	cli_print_json(o);
}

static void print_summary_text(const struct sync_progress *p)
{
	FILE *out = p->outcome == SYNC_OK ? stdout : stderr;
	fprintf(out, "%s%s\n", p->outcome == SYNC_OK ? "" : "sigacor: ", p->message);
	printf(_("Terkirim: %lld rekaman (%lld ditandai), %lld dikarantina; foto diunggah %lld, "
		"sudah ada %lld.\n"), (long long)(p->records_accepted + p->records_flagged),
		(long long)p->records_flagged, (long long)p->records_quarantined,
		(long long)p->photos_uploaded, (long long)p->photos_skipped);
	if (p->residents_received > 0)
		printf(_("Data penduduk: %lld diterima (%lld dari %lld).\n"),
			(long long)p->residents_received, (long long)p->residents_done,
			(long long)p->residents_total);
	if (p->candidates_received > 0)
		printf(_("Rumah tangga sasaran: %lld diterima (%lld dari %lld).\n"),
			(long long)p->candidates_received, (long long)p->candidates_done,
			(long long)p->candidates_total);
	if (p->photos_uploaded > 0 && p->photo_rate > 0)
		printf(_("Laju kirim foto terukur: %lld kbit/s.\n"),
			(long long)((p->photo_rate * 8 + 500) / 1000));
	printf(_("Hanya ada di laptop ini: %lld draf, %lld dalam antrean, %lld dikarantina.\n"),
		(long long)p->local.drafts, (long long)p->local.queued,
		(long long)p->local.quarantined);
	if (p->local.photos_waiting > 0) {
		char mb[32];
		sync_format_megabytes(p->local.queued_bytes, mb, sizeof mb);
		printf(_("Terkirim tanpa foto: %lld rekaman (menunggu foto, %s).\n"),
			(long long)p->local.photos_waiting, mb);
	}
	if (p->request_id[0] != '\0' && p->outcome != SYNC_OK)
		printf(_("Kode permintaan terakhir: %s\n"), p->request_id);
}

/* --photo-budget-mb MB: the profile's daily photo budget from now on. */
static int save_budget(struct cli *c, const char *text)
{
	char *end;
	errno = 0;
	long long mb = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || mb < 0 || mb > 1000000)
		return cli_usage("sync", _("--photo-budget-mb: jumlah MB bulat 0 sampai 1000000 "
			"(0 = tanpa batas), bukan %s."), text);
	struct store *st = NULL;
	int status = cli_open_store(c, &st);
	if (status != CLI_EXIT_OK)
		return status;
	if (sync_photo_budget_set(st, mb) != STORE_OK) {
		cli_error("%s", store_error(st));
		status = CLI_EXIT_FAILURE;
	}
	store_close(st);
	return status;
}

/* Before the run: what will go and how long it should take. */
static void announce_cost(struct cli *c, bool no_photos)
{
	struct store *st = NULL;
	if (cli_open_store(c, &st) != CLI_EXIT_OK)
		return;
	struct store_local_only local;
	if (store_sync_local_only(st, &local) != STORE_OK)
		local.queued = local.queued_bytes = 0;
	if (no_photos && local.queued > 0)
		fprintf(stderr, _("sigacor: akan dikirim %lld rekaman tanpa foto (--no-photos)\n"),
			(long long)local.queued);
	else if (local.queued > 0 || local.queued_bytes > 0) {
		char cost[160];
		cli_photo_cost(local.queued_bytes, sync_photo_rate_saved(st), cost, sizeof cost);
		fprintf(stderr, _("sigacor: akan dikirim %lld rekaman, foto %s\n"),
			(long long)local.queued, cost);
	}
	store_close(st);
}

/* After a good run: what the server accepted long ago leaves the laptop
 * (store/purge.c).  A failure is said, the sync's status stays. */
static void purge_after_sync(const struct cli *c)
{
	struct store *st = NULL;
	if (cli_open_store(c, &st) != CLI_EXIT_OK)
		return;
	struct store_purge_result r;
	if (store_purge_due(st, &r) == STORE_OK)
		cli_report_purge(c, &r);
	else
		cli_warning("%s", store_error(st));
	store_close(st);
}

/* The sealed deposits of this run: a line (stdout; stderr beside the
 * JSON summary), or the JSON object of `sync --sealed-only --json`. */
static void report_sealed(const struct cli *c, const struct sync_sealed_result *r, bool alone)
{
	if (c->json && alone) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "outcome", sync_outcome_code(r->outcome));
		cJSON_AddNumberToObject(o, "sealed_waiting", r->waiting);
		cJSON_AddNumberToObject(o, "sealed_sent", r->sent);
		cJSON_AddNumberToObject(o, "sealed_refused", r->refused);
		cJSON_AddNumberToObject(o, "sealed_photos_sent", r->photos_sent);
		cJSON_AddStringToObject(o, "message", r->message);
		cli_print_json(o);
		return;
	}
	if (r->waiting == 0 && !alone)
		return;
	FILE *f = c->json ? stderr : stdout;
	fprintf(f, _("Kiriman tersegel: %d dari %d rekaman terkirim (%d foto), %d ditolak.\n"),
		r->sent, r->waiting, r->photos_sent, r->refused);
	if (r->message[0] != '\0')
		fprintf(f, "%s\n", r->message);
}

int cli_cmd_sync(struct cli *c, int argc, char **argv)
{
	static const struct cli_option opts[] = {
		{ "progress", false, OPT_PROGRESS }, { "push-only", false, OPT_PUSH_ONLY },
		{ "pull-only", false, OPT_PULL_ONLY }, { "ca-file", true, OPT_CA_FILE },
		{ "accept-small-registry", false, OPT_ACCEPT_SMALL_REGISTRY },
		{ "photo-budget-mb", true, OPT_PHOTO_BUDGET_MB },
		{ "no-photos", false, OPT_NO_PHOTOS }, { "sealed-only", false, OPT_SEALED_ONLY },
		{ NULL, false, 0 },
	};
	struct sync_config cfg;
	sync_config_init(&cfg);
	bool show = false, sealed_only = false;
	const char *value, *budget = NULL;
	struct cli_parser p;
	cli_parser_init(&p, argc, argv);
	for (int id; (id = cli_next(&p, opts, &value)) != CLI_END;) {
		switch (id) {
		case OPT_PROGRESS: show = true; break;
		case OPT_PUSH_ONLY: cfg.pull = false; break;
		case OPT_PULL_ONLY: cfg.push = false; break;
		case OPT_ACCEPT_SMALL_REGISTRY: cfg.accept_small_registry = true; break;
		case OPT_PHOTO_BUDGET_MB: budget = value; break;
		case OPT_NO_PHOTOS: cfg.no_photos = true; break;
		case OPT_SEALED_ONLY: sealed_only = true; break;
		case OPT_CA_FILE: snprintf(cfg.ca_file, sizeof cfg.ca_file, "%s", value); break;
		case CLI_ARG:
			return cli_usage("sync", _("Argumen tidak dikenal: %s"), value);
		default:
			return CLI_EXIT_FAILURE;
		}
	}
	if (!cfg.push && !cfg.pull)
		return cli_usage("sync", "%s", _("--push-only dan --pull-only tidak bisa bersamaan."));
	if (!cli_profile_exists(c)) {
		cli_error(_("Profil %s belum ada: jalankan dulu sigacor login."), c->operator_name);
		return EXIT_LOGIN;
	}
	/* a clear profile of an earlier release is encrypted first when a
	 * password is at hand; from cron (none) its outbox still goes, clear as
	 * it is, and the pull waits: no new personal data into a clear profile */
	bool left_clear = false, pull_wanted = cfg.pull;
	if (cfg.push && !sealed_only && cli_profile_clear(c)) {
		int status = cli_unlock_or_leave_clear(c, &left_clear);
		if (status != CLI_EXIT_OK)
			return status;
		if (left_clear) {
			cfg.pull = false;
			cli_warning(_("profil %s dari versi sigacor sebelumnya belum terenkripsi: rekaman "
				"final tetap dikirim, tetapi data penduduk dan daftar sasaran tidak diunduh ke "
				"profil yang belum terenkripsi. Jalankan sekali `sigacor unlock` di terminal "
				"(kata sandi laptop) untuk mengenkripsinya."), c->operator_name);
		}
	}
	if (budget != NULL) {
		int status = save_budget(c, budget);
		if (status != CLI_EXIT_OK)
			return status;
	}
	if (cfg.push || sealed_only) {
		/* what was sealed at finalisation goes first: it needs no key */
		struct sync_sealed_result sealed;
		bool went = sync_sealed_deposit(c->profile_dir, &cfg, &sealed);
		report_sealed(c, &sealed, sealed_only);
		if (!went || sealed_only)
			return exit_for(sealed.outcome);
	}
	/* the rest (the outbox not sealed, the pull, the receipts) reads the
	 * encrypted database: the unlock, or the password on a terminal or as
	 * one line of stdin (sync reads nothing else there) */
	if (cli_unlock_profile(c, true) != CLI_EXIT_OK) {
		if (cfg.push)
			cli_error("%s", _("Yang tersegel sudah dikirim; sisa sinkronisasi (rekaman yang "
			"belum tersegel, data penduduk, daftar sasaran) menunggu kata sandi profil."));
		return CLI_EXIT_LOCKED;
	}
	if (show && cfg.push)
		announce_cost(c, cfg.no_photos);
	struct sync_progress prog;
	if (!run_job(c, &cfg, SYNC_JOB_RUN, NULL, show, &prog))
		return CLI_EXIT_FAILURE;
	if (c->json)
		print_summary_json(&prog);
	else
		print_summary_text(&prog);
	if (prog.outcome == SYNC_OK)
		purge_after_sync(c);
	/* 0 only when everything queued was accepted (flagged counts: the
	 * server holds it) */
	if (prog.outcome == SYNC_OK && (prog.local.queued > 0 || prog.local.photos_waiting > 0))
		return EXIT_RETRY_LATER;
	/* all sent, the pull left for the password: as a locked profile */
	if (prog.outcome == SYNC_OK && left_clear && pull_wanted)
		return CLI_EXIT_LOCKED;
	return exit_for(prog.outcome);
}
