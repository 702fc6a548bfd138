/* sigacor reviews NIK|UUID: the city's reviews of the clerk's records, as
 * the changes feed brought them (store_record_reviews): every review kept,
 * oldest first, with who made it, when, the note and the correction on
 * this laptop that answers it. */
#include "config.h"
#include "cli.h"
#include "i18n.h"
#include "nik.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct reviews_out {
	const struct cli *c;
	struct store *s;
	cJSON *list;                  /* --json: the records */
	cJSON *reviews;               /* --json: the current record's reviews */
	int records, shown;
	enum store_status status;
};

static void local_time(int64_t t, char buf[24])
{
	time_t tt = (time_t)t;
	struct tm tm;
	buf[0] = '\0';
	if (t > 0 && localtime_r(&tt, &tm) != NULL)
		strftime(buf, 24, "%Y-%m-%d %H:%M", &tm);
}

static bool print_review(const struct store_review *v, void *ctx)
{
	struct reviews_out *o = ctx;
	o->shown++;
	if (o->reviews != NULL) {
		char at[21];
		cli_iso_time(v->at, at);
		cJSON *j = cJSON_CreateObject();
		cJSON_AddNumberToObject(j, "id", (double)v->id);
		cJSON_AddStringToObject(j, "outcome", v->outcome);
		cJSON_AddItemToObject(j, "note", cli_json_text(v->note));
		cJSON_AddItemToObject(j, "reviewer", cli_json_text(v->reviewer));
		cJSON_AddItemToObject(j, "at", cli_json_text(at));
		cJSON_AddItemToObject(j, "answered_by", cli_json_text(v->answered_by));
		cJSON_AddItemToArray(o->reviews, j);
		return true;
	}
	char when[24];
	local_time(v->at, when);
	printf(_("  %s  %s, oleh %s"), when[0] != '\0' ? when : "-", gettext(record_review_label(v->outcome)),
		v->reviewer[0] != '\0' ? v->reviewer : _("(tidak tercatat)"));
	if (v->note[0] != '\0')
		printf(": %s", v->note);
	putchar('\n');
	if (v->answered_by[0] != '\0')
		printf(_("    dijawab dengan koreksi %s\n"), v->answered_by);
	return true;
}

static bool print_record(const struct record *r, void *ctx)
{
	struct reviews_out *o = ctx;
	o->records++;
	if (o->list != NULL) {
		cJSON *j = cJSON_CreateObject();
		cJSON_AddStringToObject(j, "uuid", r->uuid);
		cJSON_AddStringToObject(j, "nik", r->nik);
		cJSON_AddStringToObject(j, "state", record_state_code(r->state));
		cJSON_AddItemToObject(j, "review", cli_json_text(r->review));
		cJSON_AddBoolToObject(j, "answered", r->review_answered);
		o->reviews = cJSON_AddArrayToObject(j, "reviews");
		cJSON_AddItemToArray(o->list, j);
	} else
		printf(_("Rekaman %s (NIK %s, %s):\n"), r->uuid, r->nik, record_state_code(r->state));
	int before = o->shown;
	o->status = store_record_reviews(o->s, r->uuid, print_review, o);
	if (o->list == NULL && o->status == STORE_OK && o->shown == before)
		printf("  %s\n", _("belum diperiksa kota"));
	return o->status == STORE_OK;
}

int cli_cmd_reviews(struct cli *c, int argc, char **argv)
{
	const char *arg[1];
	int count;
	if (!cli_plain_args(argc, argv, arg, 1, &count))
		return CLI_EXIT_FAILURE;
	if (count != 1)
		return cli_usage("reviews", _("Tulis tepat satu NIK atau UUID rekaman: sigacor reviews NIK"));
	char nik[NIK_LEN + 1];
	bool by_uuid = strlen(arg[0]) == RECORD_UUID_LEN && strchr(arg[0], '-') != NULL;
	if (!by_uuid && (!nik_normalise(arg[0], nik) || strlen(nik) != NIK_LEN))
		return cli_usage("reviews", _("\"%s\" bukan NIK (16 angka) atau UUID rekaman."), arg[0]);
	if (!cli_profile_exists(c)) {
		cli_error("%s", _("Belum ada rekaman di laptop ini."));
		return CLI_EXIT_REJECTED;
	}
	struct reviews_out o = { .c = c, .status = STORE_OK };
	/* the reviewers' notes name the household: personal data */
	int status = cli_unlock_profile(c, true);
	if (status == CLI_EXIT_OK)
		status = cli_open_store(c, &o.s);
	if (status != CLI_EXIT_OK)
		return status;
	if (c->json)
		o.list = cJSON_CreateArray();
	enum store_status st;
	if (by_uuid) {
		struct record *r = calloc(1, sizeof *r);
		st = r == NULL ? STORE_IO : store_record_get(o.s, arg[0], r);
		if (st == STORE_OK && !print_record(r, &o))
			st = o.status;
		free(r);
	} else {
		struct store_filter f = { .text = nik, .state = -1 };
		st = store_record_each(o.s, &f, print_record, &o);
		if (st == STORE_OK)
			st = o.status;
	}
	if (st == STORE_OK && o.records == 0) {
		cli_error(_("Tidak ada rekaman untuk %s di laptop ini."), arg[0]);
		st = STORE_NOT_FOUND;
	} else if (st != STORE_OK)
		cli_error("%s", store_error(o.s));
	if (st == STORE_OK && o.list != NULL) {
		cli_print_json(o.list);
		o.list = NULL;
	}
	cJSON_Delete(o.list);
	store_close(o.s);
	return cli_exit_for(st);
}
