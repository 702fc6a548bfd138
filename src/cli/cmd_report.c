/* cli/cmd_report: `sigacor report`, the clerk's own figures per kelurahan
 * from this laptop's store (store_report: what sync brought and what the
 * clerk made), as a table within 80 columns or JSON. */
#include "config.h"
#include "cli.h"
#include "i18n.h"
#include "wilayah.h"

#include <stdio.h>
#include <string.h>

#define REPORT_MAX_ROWS 128

static void add_row(struct store_report_row *to, const struct store_report_row *from)
{
	to->assigned += from->assigned;
	to->assigned_verified += from->assigned_verified;
	to->drafts += from->drafts;
	to->verified += from->verified;
	to->layak += from->layak;
	to->tidak_layak += from->tidak_layak;
	to->not_found += from->not_found;
	for (int r = 0; r < REASON_COUNT; r++)
		to->by_reason[r] += from->by_reason[r];
	to->unsent += from->unsent;
	to->accepted += from->accepted;
	to->flagged += from->flagged;
	to->quarantined += from->quarantined;
}

static const char *kelurahan_name(const char *code)
{
	const struct wilayah_kelurahan *k = wilayah_kelurahan_find(code);
	return k != NULL ? k->name : code;
}

static cJSON *json_row(const struct store_report_row *r, const char *name)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kelurahan", r->kelurahan);
	cJSON_AddStringToObject(o, "name", name);
	const struct { const char *key; int64_t v; } f[] = {
		{ "assigned", r->assigned }, { "assigned_verified", r->assigned_verified },
		{ "drafts", r->drafts }, { "verified", r->verified }, { "layak", r->layak },
		{ "tidak_layak", r->tidak_layak }, { "not_found", r->not_found },
		{ "unsent", r->unsent }, { "accepted", r->accepted }, { "flagged", r->flagged },
		{ "quarantined", r->quarantined },
	};
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		cJSON_AddNumberToObject(o, f[i].key, (double)f[i].v);
	cJSON *reasons = cJSON_AddObjectToObject(o, "tidak_layak_by_reason");
	for (int i = REASON_NONE + 1; i < REASON_COUNT; i++)
		if (i != REASON_TIDAK_DITEMUKAN)
			cJSON_AddNumberToObject(reasons, record_reason_code((enum reason)i),
				(double)r->by_reason[i]);
	return o;
}

/* the name cut to 19 bytes at a character boundary, padded to 20 columns */
static void print_name(const char *name)
{
	size_t n = strlen(name), width = 0;
	if (n > 19) {
		n = 19;
		while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
			n--;
	}
	for (size_t i = 0; i < n; i++)
		width += ((unsigned char)name[i] & 0xC0) != 0x80;
	printf("%.*s%*s", (int)n, name, (int)(20 - width), "");
}

static void print_table(const struct store_report_row *rows, size_t n,
	const struct store_report_row *total)
{
	/* two blocks: 20 + 7 * 8 = 76 and 20 + 4 * 10 = 60 columns */
	printf("%s\n%-20s%8s%8s%8s%8s%8s%8s%8s\n", _("Hasil kerja sendiri"), "", _("Sasaran"),
		_("Selesai"), _("Draf"), _("Diverif"), _("Layak"), _("TdkLyk"), _("TdkAda"));
	for (size_t i = 0; i <= n; i++) {
		const struct store_report_row *r = i < n ? &rows[i] : total;
		print_name(i < n ? kelurahan_name(r->kelurahan) : _("Jumlah"));
		printf("%8lld%8lld%8lld%8lld%8lld%8lld%8lld\n", (long long)r->assigned,
			(long long)r->assigned_verified, (long long)r->drafts, (long long)r->verified,
			(long long)r->layak, (long long)r->tidak_layak, (long long)r->not_found);
	}
	printf("\n%s\n%-20s%10s%10s%10s%10s\n", _("Pengiriman ke server kota"), "", _("Belum"),
		_("Diterima"), _("Ditandai"), _("Karantina"));
	for (size_t i = 0; i <= n; i++) {
		const struct store_report_row *r = i < n ? &rows[i] : total;
		print_name(i < n ? kelurahan_name(r->kelurahan) : _("Jumlah"));
		printf("%10lld%10lld%10lld%10lld\n", (long long)r->unsent, (long long)r->accepted,
			(long long)r->flagged, (long long)r->quarantined);
	}
	printf("\n%s", _("Sasaran: rumah tangga dari daftar kota; Selesai: yang sudah punya rekaman\n"
		"final; Draf: hanya draf; TdkLyk: tidak layak selain tidak ditemukan (TdkAda).\n"));
}

int cli_cmd_report(struct cli *c, int argc, char **argv)
{
	if (argc > 1)
		return cli_usage("report", _("Argumen tidak dikenal: %s"), argv[1]);
	static struct store_report_row rows[REPORT_MAX_ROWS];
	struct store_report_row total = { .kelurahan = "" };
	size_t n = 0;
	if (cli_profile_exists(c)) {
		struct store *s = NULL;
		int status = cli_open_store(c, &s);
		if (status != CLI_EXIT_OK)
			return status;
		n = store_report(s, rows, REPORT_MAX_ROWS);
		store_close(s);
	}
	for (size_t i = 0; i < n; i++)
		add_row(&total, &rows[i]);
	if (c->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "operator", c->operator_name);
		cJSON *arr = cJSON_AddArrayToObject(o, "kelurahan");
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(arr, json_row(&rows[i], kelurahan_name(rows[i].kelurahan)));
		cJSON_AddItemToObject(o, "total", json_row(&total, ""));
		cli_print_json(o);
	} else
		print_table(rows, n, &total);
	return CLI_EXIT_OK;
}
