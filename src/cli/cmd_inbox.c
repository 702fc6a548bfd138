/* `sigacor inbox`: the clerk's photo inbox on the city server, for scripts
 * and for a terminal without the screens (doc/PROTOCOL.md "Photo inbox").
 *
 *   sigacor inbox                     the photos waiting, oldest first
 *   sigacor inbox code                a one-time code: the address, the code, a QR code
 *   sigacor inbox fetch [SHA...] [--to FOLDER] [--delete]
 *   sigacor inbox delete SHA... */
#include "config.h"
#include "cli.h"
#include "sync.h"
#include "ui.h"
#include "i18n.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_TRY_LATER = 3, EXIT_LOGIN = 4 };
enum { OPT_TO, OPT_DELETE };

static int exit_of(enum sync_inbox_result r, const char *err)
{
	if (r == SYNC_INBOX_OK)
		return CLI_EXIT_OK;
	cli_error("%s", err);
	switch (r) {
	case SYNC_INBOX_NOT_LOGGED_IN: return EXIT_LOGIN;
	case SYNC_INBOX_NETWORK: return EXIT_TRY_LATER;
	case SYNC_INBOX_REFUSED: return CLI_EXIT_REJECTED;
	default: return CLI_EXIT_FAILURE;
	}
}

/* the profile's store and a sync engine over it, or an exit status */
static int open_engine(const struct cli *c, struct store **st, struct sync **s)
{
	if (!cli_profile_exists(c)) {
		cli_error(_("Profil %s belum ada."), c->operator_name);
		return EXIT_LOGIN;
	}
	if (cli_open_store(c, st) != CLI_EXIT_OK)
		return CLI_EXIT_FAILURE;
	struct sync_config cfg;
	sync_config_init(&cfg);
	char err[256];
	*s = sync_new(*st, &cfg, err, sizeof err);
	if (*s != NULL)
		return CLI_EXIT_OK;
	cli_error("%s", err);
	store_close(*st);
	return CLI_EXIT_FAILURE;
}

static void close_engine(struct store *st, struct sync *s)
{
	sync_free(s);
	store_close(st);
}

static void print_photo(const struct proto_inbox_photo *p)
{
	char when[32] = "";
	time_t t = (time_t)p->uploaded_at;
	struct tm tm;
	if (localtime_r(&t, &tm) != NULL)
		strftime(when, sizeof when, "%d-%m-%Y %H:%M", &tm);
	printf("%.12s  %8.1f KB  %s  %s", p->sha256, (double)p->size / 1024, when, p->name);
	if (p->has_phone_position)
		printf(_("  posisi ponsel saat unggah %.6f, %.6f (±%.0f m)"), p->phone.lat, p->phone.lon,
			p->phone.accuracy_m);
	putchar('\n');
}

static cJSON *photo_json(const struct proto_inbox_photo *p, const char *path)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "sha256", p->sha256);
	cJSON_AddNumberToObject(o, "size", (double)p->size);
	cJSON_AddStringToObject(o, "name", p->name);
	cJSON_AddNumberToObject(o, "uploaded_at", (double)p->uploaded_at);
	if (p->has_phone_position) {
		cJSON *pos = cJSON_AddObjectToObject(o, "phone_position");
		cJSON_AddNumberToObject(pos, "lat", p->phone.lat);
		cJSON_AddNumberToObject(pos, "lon", p->phone.lon);
		cJSON_AddNumberToObject(pos, "accuracy_m", p->phone.accuracy_m);
	}
	if (path != NULL)
		cJSON_AddStringToObject(o, "path", path);
	return o;
}

static int list(const struct cli *c, struct sync *s)
{
	struct proto_inbox_list l;
	char err[SYNC_MESSAGE_MAX];
	enum sync_inbox_result r = sync_inbox_list(s, &l, err, sizeof err);
	if (r != SYNC_INBOX_OK)
		return exit_of(r, err);
	if (c->json) {
		cJSON *arr = cJSON_CreateArray();
		for (size_t i = 0; i < l.n; i++)
			cJSON_AddItemToArray(arr, photo_json(&l.photos[i], NULL));
		cli_print_json(arr);
	} else if (l.n == 0)
		printf("%s\n", _("Kotak foto kosong. Kirim foto dari ponsel: sigacor inbox code"));
	for (size_t i = 0; !c->json && i < l.n; i++)
		print_photo(&l.photos[i]);
	proto_inbox_list_free(&l);
	return CLI_EXIT_OK;
}

/* the QR code only where it can be drawn: a UTF-8 terminal */
static void print_qr(const char *url)
{
	struct ui_qr q;
	if (!isatty(STDOUT_FILENO) || !ui_qr_drawable() || !ui_qr_make(url, &q))
		return;
	for (int r = 0; r < q.rows; r++)
		printf("\033[30;107m%s\033[0m\n", q.line[r]);      /* black on white */
	ui_qr_free(&q);
}

static int code(const struct cli *c, struct sync *s)
{
	struct sync_inbox_code ic;
	char err[SYNC_MESSAGE_MAX];
	enum sync_inbox_result r = sync_inbox_code_new(s, &ic, err, sizeof err);
	if (r != SYNC_INBOX_OK)
		return exit_of(r, err);
	if (c->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "code", ic.code);
		cJSON_AddStringToObject(o, "url", ic.url);
		cJSON_AddNumberToObject(o, "expires_at", (double)ic.expires_at);
		cli_print_json(o);
		return CLI_EXIT_OK;
	}
	print_qr(ic.url);
	long minutes = (long)((ic.expires_at - (int64_t)time(NULL) + 59) / 60);
	printf(_("Buka di ponsel: %s\natau buka %.*s/u dan ketik kode %.4s-%.4s-%s\n"
		"Kode berlaku %ld menit, sekali buka.\n"), ic.url,
		(int)(strlen(ic.url) - strlen(ic.code) - 3), ic.url, ic.code, ic.code + 4, ic.code + 8,
		minutes);
	return CLI_EXIT_OK;
}

static bool wanted(const struct proto_inbox_photo *p, char **shas, int n)
{
	if (n == 0)
		return true;
	for (int i = 0; i < n; i++)
		if (strlen(shas[i]) >= 8 && strncmp(p->sha256, shas[i], strlen(shas[i])) == 0)
			return true;
	return false;
}

/* default folder: PROFILE/inbox, beside the profile's own photos */
static int fetch(const struct cli *c, struct sync *s, const char *to, bool del, char **shas,
	int n)
{
	char folder[PATH_MAX];
	snprintf(folder, sizeof folder, "%s", to != NULL ? to : c->profile_dir);
	if (to == NULL && strlen(folder) + 7 < sizeof folder)
		strcat(folder, "/inbox");
	struct proto_inbox_list l;
	char err[SYNC_MESSAGE_MAX], path[PATH_MAX];
	enum sync_inbox_result r = sync_inbox_list(s, &l, err, sizeof err);
	cJSON *arr = c->json ? cJSON_CreateArray() : NULL;
	int got = 0;
	for (size_t i = 0; r == SYNC_INBOX_OK && i < l.n; i++) {
		if (!wanted(&l.photos[i], shas, n))
			continue;
		r = sync_inbox_fetch(s, &l.photos[i], folder, path, sizeof path, err, sizeof err);
		if (r == SYNC_INBOX_OK && del)
			r = sync_inbox_delete(s, l.photos[i].sha256, err, sizeof err);
		if (r != SYNC_INBOX_OK)
			break;
		got++;
		if (arr != NULL)
			cJSON_AddItemToArray(arr, photo_json(&l.photos[i], path));
		else
			printf("%s\n", path);
	}
	proto_inbox_list_free(&l);
	if (arr != NULL)
		cli_print_json(arr);
	if (r == SYNC_INBOX_OK && got < n) {
		cli_error("%s", _("Sebagian foto yang diminta tidak ada di kotak foto."));
		return CLI_EXIT_REJECTED;
	}
	return exit_of(r, err);
}

static int delete(struct sync *s, char **shas, int n)
{
	char err[SYNC_MESSAGE_MAX];
	for (int i = 0; i < n; i++) {
		enum sync_inbox_result r = sync_inbox_delete(s, shas[i], err, sizeof err);
		if (r != SYNC_INBOX_OK)
			return exit_of(r, err);
	}
	return CLI_EXIT_OK;
}

int cli_cmd_inbox(struct cli *c, int argc, char **argv)
{
	static const struct cli_option opts[] = {
		{ "to", true, OPT_TO }, { "delete", false, OPT_DELETE }, { NULL, false, 0 },
	};
	const char *to = NULL, *value, *what = NULL;
	bool del = false;
	char **args = calloc((size_t)argc + 1, sizeof *args);
	int n = 0;
	struct cli_parser p;
	cli_parser_init(&p, argc, argv);
	for (int id; args != NULL && (id = cli_next(&p, opts, &value)) != CLI_END;) {
		if (id == OPT_TO)
			to = value;
		else if (id == OPT_DELETE)
			del = true;
		else if (id == CLI_ARG && what == NULL)
			what = value;
		else if (id == CLI_ARG)
			args[n++] = (char *)value;
		else {
			free(args);
			return CLI_EXIT_FAILURE;
		}
	}
	bool listing = what == NULL || strcmp(what, "list") == 0;
	int rc = CLI_EXIT_FAILURE;
	if (args == NULL)
		cli_error("%s", _("Memori tidak cukup."));
	else if (!listing && strcmp(what, "code") != 0 && strcmp(what, "fetch") != 0
		&& strcmp(what, "delete") != 0)
		rc = cli_usage("inbox", _("Argumen tidak dikenal: %s"), what);
	else if ((listing || strcmp(what, "code") == 0) && n > 0)
		rc = cli_usage("inbox", _("Argumen tidak dikenal: %s"), args[0]);
	else if (strcmp(what != NULL ? what : "", "delete") == 0 && n == 0)
		rc = cli_usage("inbox", "%s", _("Sebutkan sidik (SHA-256) foto yang dihapus."));
	else {
		struct store *st;
		struct sync *s;
		rc = open_engine(c, &st, &s);
		if (rc == CLI_EXIT_OK) {
			rc = listing ? list(c, s) : strcmp(what, "code") == 0 ? code(c, s)
				: strcmp(what, "fetch") == 0 ? fetch(c, s, to, del, args, n) : delete(s, args, n);
			close_engine(st, s);
		}
	}
	free(args);
	return rc;
}
