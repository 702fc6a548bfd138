/* cli/cmd_check: commands that check input without touching the data:
 * nik and photo-info. */
#include "config.h"
#include "cli.h"
#include "geo.h"
#include "i18n.h"
#include "nik.h"
#include "photo.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

/* ---- nik ---- */

static cJSON *problem_codes(const struct nik_info *info, bool warnings)
{
	cJSON *list = cJSON_CreateArray();
	for (int p = 0; p < NIK_PROBLEM_COUNT; p++) {
		unsigned bits = warnings ? info->warnings : info->errors;
		if (bits & (1u << p))
			cJSON_AddItemToArray(list, cJSON_CreateString(nik_problem_code((enum nik_problem)p)));
	}
	return list;
}

static void nik_json(const struct nik_info *info)
{
	cJSON *o = cJSON_CreateObject();
	char date[40] = "";
	if (info->birth_year > 0)
		snprintf(date, sizeof date, "%04d-%02d-%02d", info->birth_year, info->birth_month,
			info->birth_day);
	cJSON_AddStringToObject(o, "nik", info->nik);
	cJSON_AddBoolToObject(o, "valid", info->valid);
	cJSON_AddItemToObject(o, "errors", problem_codes(info, false));
	cJSON_AddItemToObject(o, "warnings", problem_codes(info, true));
	cJSON_AddItemToObject(o, "province", cli_json_text(info->province));
	cJSON_AddItemToObject(o, "regency", cli_json_text(info->regency));
	cJSON_AddItemToObject(o, "kecamatan", cli_json_text(info->kecamatan));
	cJSON_AddItemToObject(o, "birth_date", cli_json_text(date));
	cJSON_AddItemToObject(o, "sex", cli_json_text(info->sex == NIK_SEX_MALE ? "L"
		: info->sex == NIK_SEX_FEMALE ? "P" : ""));
	cli_print_json(o);
}

static void nik_text(const struct nik_info *info)
{
	const char *unknown = _("(tidak dikenal)");
	printf("%-16s %s\n", "NIK:", info->nik);
	printf("%-16s %s\n", _("Provinsi:"), info->province != NULL ? info->province : unknown);
	printf("%-16s %s\n", _("Kabupaten/kota:"), info->regency != NULL ? info->regency : unknown);
	printf("%-16s %s\n", _("Kecamatan:"), info->kecamatan != NULL ? info->kecamatan : unknown);
	printf("%-16s %04d-%02d-%02d\n", _("Tanggal lahir:"), info->birth_year, info->birth_month,
		info->birth_day);
	printf("%-16s %s\n", _("Jenis kelamin:"), info->sex == NIK_SEX_FEMALE
		? _("perempuan (P)") : _("laki-laki (L)"));
}

int cli_cmd_nik(struct cli *c, int argc, char **argv)
{
	const char *args[1];
	int n;
	if (!cli_plain_args(argc, argv, args, 1, &n))
		return CLI_EXIT_FAILURE;
	if (n != 1)
		return cli_usage("nik", "%s", _("Tulis satu NIK: sigacor nik NIK"));
	struct nik_info info;
	nik_check(args[0], time(NULL), &info);
	if (c->json)
		nik_json(&info);
	else if (info.valid)
		nik_text(&info);
	for (int p = 0; p < NIK_PROBLEM_COUNT; p++) {
		if (info.errors & (1u << p))
			cli_error(_("NIK %s tidak sah: %s"), args[0],
				gettext(nik_problem_message((enum nik_problem)p)));
		if (info.warnings & (1u << p))
			cli_warning("%s", gettext(nik_problem_message((enum nik_problem)p)));
	}
	return info.valid ? CLI_EXIT_OK : CLI_EXIT_REJECTED;
}

/* ---- photo-info ---- */

static cJSON *gps_json(const struct photo_gps *g)
{
	if (!g->present)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "lat", g->lat);
	cJSON_AddNumberToObject(o, "lon", g->lon);
	if (g->has_alt)
		cJSON_AddNumberToObject(o, "alt", g->alt);
	else
		cJSON_AddNullToObject(o, "alt");
	return o;
}

static void photo_json(const char *file, enum photo_error e, const struct photo_facts *f,
	const struct wilayah_kelurahan *kel)
{
	cJSON *o = cJSON_CreateObject();
	bool usable = e == PHOTO_ERR_NONE;
	cJSON_AddStringToObject(o, "file", file);
	cJSON_AddItemToObject(o, "type", cli_json_text(f->type != PHOTO_TYPE_UNKNOWN
		? photo_type_name(f->type) : ""));
	cJSON_AddItemToObject(o, "sha256", cli_json_text(usable ? f->sha256 : ""));
	cJSON_AddItemToObject(o, "gps", usable ? gps_json(&f->gps) : cJSON_CreateNull());
	cJSON_AddItemToObject(o, "gps_problem", cli_json_text(usable && !f->gps.present
		? photo_gps_problem_code(f->gps.problem) : ""));
	cJSON_AddItemToObject(o, "taken_at", cli_json_text(usable ? f->taken_at : ""));
	if (usable && f->orientation > 0)
		cJSON_AddNumberToObject(o, "orientation", f->orientation);
	else
		cJSON_AddNullToObject(o, "orientation");
	cJSON_AddItemToObject(o, "kelurahan", cli_json_text(kel != NULL ? kel->code : ""));
	if (!usable)
		cJSON_AddStringToObject(o, "error", photo_error_code(e));
	cli_print_json(o);
}

static void photo_text(const char *file, const struct photo_facts *f,
	const struct wilayah_kelurahan *kel)
{
	printf("%-13s %s\n", "File:", file);
	printf("%-13s %s\n", _("Jenis:"), photo_type_name(f->type));
	printf("%-13s %s\n", "SHA-256:", f->sha256);
	if (f->gps.present) {
		printf("%-13s %.6f, %.6f", "GPS:", f->gps.lat, f->gps.lon);
		if (f->gps.has_alt)
			printf(_(" (tinggi %.0f m)"), f->gps.alt);
		printf("\n");
	} else
		printf("%-13s %s\n", "GPS:", gettext(photo_gps_problem_message(f->gps.problem)));
	printf("%-13s %s\n", _("Waktu foto:"), f->taken_at[0] != '\0' ? f->taken_at : "-");
	if (f->orientation > 0)
		printf("%-13s %d\n", _("Orientasi:"), f->orientation);
	if (kel != NULL)
		printf("%-13s %s %s (%s %s)\n", _("Kelurahan:"), kel->code, kel->name,
			_("Kec."), kel->kecamatan_name);
	else if (f->gps.present)
		printf("%-13s %s\n", _("Kelurahan:"), _("di luar Kota Tangerang"));
	printf("\n");
}

int cli_cmd_photo_info(struct cli *c, int argc, char **argv)
{
	int n;
	if (!cli_plain_args(argc, argv, NULL, 0, &n))
		return CLI_EXIT_FAILURE;
	if (n == 0)
		return cli_usage("photo-info", "%s", _("Tulis paling sedikit satu file foto."));
	struct cli_parser p;
	cli_parser_init(&p, argc, argv);
	const char *file;
	int status = CLI_EXIT_OK;
	while (cli_next(&p, cli_no_options, &file) == CLI_ARG) {
		struct photo_facts f;
		memset(&f, 0, sizeof f);
		enum photo_error e = photo_read(file, PHOTO_READ_EXIF | PHOTO_READ_HASH, &f);
		const struct wilayah_kelurahan *kel = e == PHOTO_ERR_NONE && f.gps.present
			? geo_kelurahan_at(f.gps.lat, f.gps.lon) : NULL;
		if (e != PHOTO_ERR_NONE) {
			cli_error(_("Foto %s: %s"), file, gettext(photo_error_message(e)));
			status = CLI_EXIT_REJECTED;
		}
		if (c->json)
			photo_json(file, e, &f, kel);
		else if (e == PHOTO_ERR_NONE)
			photo_text(file, &f, kel);
	}
	return status;
}
