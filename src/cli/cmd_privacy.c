/* cli/cmd_privacy: less to lose on a shared laptop (issue 12 items 4-5):
 * `sigacor purge` (what the server accepted long ago leaves the laptop). */
#include "config.h"
#include "cli.h"
#include "i18n.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- purge */

static bool parse_days(const char *text, int64_t *out)
{
	char *end;
	errno = 0;
	long long v = strtoll(text, &end, 10);
	if (errno != 0 || end == text || *end != '\0' || v < 0 || v > STORE_PURGE_DAYS_MAX)
		return false;
	*out = v;
	return true;
}

void cli_report_purge(const struct cli *c, const struct store_purge_result *r)
{
	if (c->json || (r->records == 0 && r->photos == 0))
		return;
	printf(_("Dihapus dari laptop ini (sudah diterima server): data pribadi %lld rekaman, "
		"%lld file foto.\n"), (long long)r->records, (long long)r->photos);
}

enum { OPT_DAYS };

int cli_cmd_purge(struct cli *c, int argc, char **argv)
{
	static const struct cli_option opts[] = { { "days", true, OPT_DAYS }, { NULL, false, 0 } };
	struct cli_parser p;
	cli_parser_init(&p, argc, argv);
	const char *value, *days_text = NULL;
	for (int id; (id = cli_next(&p, opts, &value)) != CLI_END;) {
		if (id == CLI_ARG)
			return cli_usage("purge", _("Argumen tidak dikenal: %s"), value);
		if (id != OPT_DAYS)
			return CLI_EXIT_FAILURE;
		days_text = value;
	}
	int64_t days = 0;
	if (days_text != NULL && !parse_days(days_text, &days))
		return cli_usage("purge", _("--days harus 0 sampai %d hari (0 = jangan pernah), "
			"bukan \"%s\"."), STORE_PURGE_DAYS_MAX, days_text);
	if (!cli_profile_exists(c)) {
		cli_error(_("Profil %s belum ada."), c->operator_name);
		return CLI_EXIT_REJECTED;
	}
	/* no password: a purge reads no personal data, it only removes it */
	struct store *st;
	int status = cli_open_store(c, &st);
	if (status != CLI_EXIT_OK)
		return status;
	enum store_status rc = days_text != NULL ? store_purge_days_set(st, days) : STORE_OK;
	struct store_purge_result r = { 0, 0 };
	if (rc == STORE_OK)
		rc = store_purge(st, (int64_t)time(NULL), &r);
	if (rc != STORE_OK) {
		cli_error("%s", store_error(st));
		store_close(st);
		return cli_exit_for(rc);
	}
	days = store_purge_days(st);
	store_close(st);
	if (c->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "days", (double)days);
		cJSON_AddNumberToObject(o, "records_purged", (double)r.records);
		cJSON_AddNumberToObject(o, "photos_removed", (double)r.photos);
		cli_print_json(o);
		return CLI_EXIT_OK;
	}
	cli_report_purge(c, &r);
	if (days == 0)
		printf("%s\n", _("Lama simpan: tidak pernah dihapus (0 hari)."));
	else
		printf(_("Lama simpan: rekaman yang diterima server dihapus dari laptop ini setelah "
			"%lld hari.\n"), (long long)days);
	return CLI_EXIT_OK;
}
