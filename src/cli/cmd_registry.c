/* cli/cmd_registry: the registry copy: import-residents and lookup. */
#include "config.h"
#include "cli.h"
#include "i18n.h"
#include "nik.h"
#include "wilayah.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* The one plain argument of a command; NULL after a usage message. */
static const char *one_arg(int argc, char **argv, const char *what)
{
	const char *arg[1];
	int count;
	if (!cli_plain_args(argc, argv, arg, 1, &count))
		return NULL;
	if (count != 1) {
		cli_usage(argv[0], _("Tulis tepat satu %s: sigacor %s %s"), what, argv[0], what);
		return NULL;
	}
	return arg[0];
}

/* ---- import-residents ---- */

struct progress {
	long total;          /* bytes, 0 when unknown (a pipe) */
	bool shown;
};

static void show_progress(long bytes, long rows, void *ctx)
{
	struct progress *pr = ctx;
	fputc('\r', stderr);   /* kept out of the messages: gettext warns about a \r in one */
	if (pr->total > 0)
		fprintf(stderr, _("Mengimpor data kependudukan: %ld baris (%ld%%)"), rows,
			bytes * 100 / pr->total);
	else
		fprintf(stderr, _("Mengimpor data kependudukan: %ld baris"), rows);
	fflush(stderr);
	pr->shown = true;
}

static FILE *open_csv(const char *path, long *size)
{
	*size = 0;
	if (strcmp(path, "-") == 0)
		return stdin;
	struct stat sb;
	if (stat(path, &sb) != 0) {
		cli_error(_("File %s tidak bisa dibuka: %s"), path, strerror(errno));
		return NULL;
	}
	if (S_ISDIR(sb.st_mode)) {
		cli_error(_("%s adalah folder, bukan file CSV."), path);
		return NULL;
	}
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		cli_error(_("File %s tidak bisa dibuka: %s"), path, strerror(errno));
	else if (S_ISREG(sb.st_mode))
		*size = (long)sb.st_size;
	return f;
}

int cli_cmd_import_residents(struct cli *c, int argc, char **argv)
{
	const char *path = one_arg(argc, argv, "FILE.csv");
	if (path == NULL)
		return CLI_EXIT_FAILURE;
	int locked = cli_new_profile(c, strcmp(path, "-") != 0);
	if (locked == CLI_EXIT_OK)
		locked = cli_unlock_profile(c, strcmp(path, "-") != 0);
	if (locked != CLI_EXIT_OK)
		return locked;
	struct progress pr = { 0, false };
	FILE *csv = open_csv(path, &pr.total);
	if (csv == NULL)
		return CLI_EXIT_REJECTED;
	struct store *s;
	int status = cli_open_store(c, &s);
	if (status != CLI_EXIT_OK) {
		if (csv != stdin)
			fclose(csv);
		return status;
	}
	long rows = 0;
	enum store_status st = store_import_residents(s, csv, isatty(STDERR_FILENO)
		? show_progress : NULL, &pr, &rows);
	if (pr.shown)
		fputc('\n', stderr);
	if (csv != stdin)
		fclose(csv);
	if (st != STORE_OK) {
		cli_error(_("Impor %s dibatalkan, tidak ada yang berubah: %s"), path, store_error(s));
		store_close(s);
		return cli_exit_for(st);
	}
	int64_t total = store_resident_count(s);
	if (c->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddNumberToObject(o, "imported", (double)rows);
		cJSON_AddNumberToObject(o, "registry_size", (double)total);
		cli_print_json(o);
	} else
		printf(_("%ld penduduk diimpor; data kependudukan kini berisi %lld penduduk.\n"),
			rows, (long long)total);
	store_close(s);
	return CLI_EXIT_OK;
}

/* ---- lookup ---- */

static void resident_json(const struct resident *r, const struct wilayah_kelurahan *kel)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "nik", r->nik);
	cJSON_AddStringToObject(o, "kk", r->kk);
	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddItemToObject(o, "sex", cli_json_text(r->sex));
	cJSON_AddItemToObject(o, "birth_place", cli_json_text(r->birth_place));
	cJSON_AddItemToObject(o, "birth_date", cli_json_text(r->birth_date));
	cJSON_AddItemToObject(o, "address", cli_json_text(r->address));
	cJSON_AddItemToObject(o, "rt", cli_json_text(r->rt));
	cJSON_AddItemToObject(o, "rw", cli_json_text(r->rw));
	cJSON_AddStringToObject(o, "kelurahan", r->kelurahan);
	cJSON_AddItemToObject(o, "kelurahan_name", cli_json_text(kel != NULL ? kel->name : ""));
	cJSON_AddItemToObject(o, "kecamatan_name", cli_json_text(kel != NULL
		? kel->kecamatan_name : ""));
	cli_print_json(o);
}

static void resident_text(const struct resident *r, const struct wilayah_kelurahan *kel)
{
	printf("%-15s %s\n", "NIK:", r->nik);
	printf("%-15s %s\n", _("Nomor KK:"), r->kk);
	printf("%-15s %s\n", _("Nama:"), r->name);
	printf("%-15s %s\n", _("Jenis kelamin:"), r->sex[0] != '\0' ? r->sex : "-");
	printf("%-15s %s\n", _("Tempat lahir:"), r->birth_place[0] != '\0' ? r->birth_place : "-");
	printf("%-15s %s\n", _("Tanggal lahir:"), r->birth_date[0] != '\0' ? r->birth_date : "-");
	printf("%-15s %s", _("Alamat:"), r->address[0] != '\0' ? r->address : "-");
	if (r->rt[0] != '\0' || r->rw[0] != '\0')
		printf(" RT %s/RW %s", r->rt[0] != '\0' ? r->rt : "-", r->rw[0] != '\0' ? r->rw : "-");
	printf("\n%-15s %s", _("Kelurahan:"), r->kelurahan);
	if (kel != NULL)
		printf(" %s (%s %s)", kel->name, _("Kec."), kel->kecamatan_name);
	printf("\n");
}

int cli_cmd_lookup(struct cli *c, int argc, char **argv)
{
	const char *nik = one_arg(argc, argv, "NIK");
	if (nik == NULL)
		return CLI_EXIT_FAILURE;
	struct nik_info info;
	nik_check(nik, time(NULL), &info);
	int p = nik_first_problem(&info);
	if (!info.valid) {
		cli_error(_("NIK %s tidak sah: %s"), nik, p >= 0
			? gettext(nik_problem_message((enum nik_problem)p)) : "");
		return CLI_EXIT_REJECTED;
	}
	if (!cli_profile_exists(c)) {
		cli_error(_("NIK %s tidak ada di data kependudukan (belum ada data di %s; "
			"impor dulu dengan sigacor import-residents)."), info.nik, c->profile_dir);
		return CLI_EXIT_REJECTED;
	}
	struct store *s;
	int status = cli_unlock_profile(c, true);
	if (status == CLI_EXIT_OK)
		status = cli_open_store(c, &s);
	if (status != CLI_EXIT_OK)
		return status;
	struct resident r;
	enum store_status st = store_resident_get(s, info.nik, &r);
	if (st == STORE_OK) {
		const struct wilayah_kelurahan *kel = wilayah_kelurahan_find(r.kelurahan);
		if (c->json)
			resident_json(&r, kel);
		else
			resident_text(&r, kel);
	} else
		cli_error("%s", store_error(s));
	store_close(s);
	return cli_exit_for(st);
}
