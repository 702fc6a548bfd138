/* cli/cmd_records: verification records: add, export and status.
 * add goes through exactly the store calls the screens use
 * (store_photo_import, store_record_save, store_record_finalise). */
#include "config.h"
#include "cli.h"
#include "csv.h"
#include "geo.h"
#include "i18n.h"
#include "nik.h"
#include "photo.h"
#include "sync.h"
#include "vault.h"
#include "wilayah.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- add ---- */

enum { ADD_NIK, ADD_PHOTO, ADD_DECISION, ADD_REASON, ADD_REASON_TEXT, ADD_LAT, ADD_LON,
	ADD_COORD_REASON, ADD_NOTES, ADD_NAME, ADD_ADDRESS, ADD_SUPERSEDES, ADD_FINAL,
	ADD_FIELDS_FROM, ADD_KELURAHAN };

static const struct cli_option add_options[] = {
	{ "nik", true, ADD_NIK },
	{ "photo", true, ADD_PHOTO },
	{ "decision", true, ADD_DECISION },
	{ "reason", true, ADD_REASON },
	{ "reason-text", true, ADD_REASON_TEXT },
	{ "lat", true, ADD_LAT },
	{ "lon", true, ADD_LON },
	{ "coord-reason", true, ADD_COORD_REASON },
	{ "notes", true, ADD_NOTES },
	{ "name", true, ADD_NAME },
	{ "address", true, ADD_ADDRESS },
	{ "kelurahan", true, ADD_KELURAHAN },
	{ "supersedes", true, ADD_SUPERSEDES },
	{ "final", false, ADD_FINAL },
	{ "fields-from", true, ADD_FIELDS_FROM },
	{ NULL, false, 0 },
};

struct add_args {
	const char *nik, *decision, *reason, *reason_text, *lat, *lon, *coord_reason;
	const char *notes, *name, *address, *kelurahan, *supersedes, *fields_from;
	const char *photo[PHOTO_KIND_COUNT];
	bool final;
	char *fields_text;              /* what --fields-from read (owned) */
};

/* The fields a file may give instead of the command line, where every user
 * of the machine sees them in ps (issue 8). */
#define FIELDS_FROM_MAX 16384

/* --fields-from FILE (or - for standard input): lines NAME=VALUE for name,
 * address, notes, reason-text and coord-reason; empty lines and lines
 * starting with # are skipped.  A field also given as an option is an error. */
static int read_fields(struct add_args *a, const char **slot[])
{
	bool in = strcmp(a->fields_from, "-") == 0;
	FILE *f = in ? stdin : fopen(a->fields_from, "r");
	if (f == NULL) {
		cli_error(_("--fields-from %s tidak bisa dibuka: %s."), a->fields_from, strerror(errno));
		return CLI_EXIT_FAILURE;
	}
	a->fields_text = malloc(FIELDS_FROM_MAX + 1);
	size_t n = a->fields_text != NULL ? fread(a->fields_text, 1, FIELDS_FROM_MAX + 1, f) : 0;
	if (!in)
		fclose(f);
	if (a->fields_text == NULL || n > FIELDS_FROM_MAX)
		return cli_usage("add", _("--fields-from: isi paling banyak %d byte."), FIELDS_FROM_MAX);
	a->fields_text[n] = '\0';
	static const int ids[] = { ADD_NAME, ADD_ADDRESS, ADD_NOTES, ADD_REASON_TEXT,
		ADD_COORD_REASON };
	char *save = NULL;
	for (char *line = strtok_r(a->fields_text, "\n", &save); line != NULL;
		line = strtok_r(NULL, "\n", &save)) {
		line[strcspn(line, "\r")] = '\0';
		char *eq = strchr(line, '=');
		if (line[0] == '\0' || line[0] == '#')
			continue;
		int id = -1;
		for (size_t i = 0; eq != NULL && i < sizeof ids / sizeof ids[0]; i++)
			if (strlen(add_options[ids[i]].name) == (size_t)(eq - line)
				&& strncmp(line, add_options[ids[i]].name, (size_t)(eq - line)) == 0)
				id = ids[i];
		if (id < 0)
			return cli_usage("add", _("--fields-from: baris \"%.40s\" harus NAMA=ISI dengan "
				"NAMA name, address, notes, reason-text atau coord-reason."), line);
		if (*slot[id] != NULL)
			return cli_usage("add", _("Pilihan --%s disebut dua kali."), add_options[id].name);
		*slot[id] = eq + 1;
	}
	return CLI_EXIT_OK;
}

static int add_photo_arg(struct add_args *a, const char *value)
{
	const char *eq = strchr(value, '=');
	char kind[16];
	enum photo_kind k;
	if (eq == NULL || eq == value || (size_t)(eq - value) >= sizeof kind || eq[1] == '\0')
		return cli_usage("add", _("--photo harus JENIS=FILE (ktp=..., kk=... atau "
			"rumah=...), bukan \"%s\"."), value);
	memcpy(kind, value, (size_t)(eq - value));
	kind[eq - value] = '\0';
	if (!record_photo_kind_parse(kind, &k))
		return cli_usage("add", _("Jenis foto tidak dikenal: %s (pakai ktp, kk atau rumah)."),
			kind);
	if (a->photo[k] != NULL)
		return cli_usage("add", _("Foto %s disebut dua kali."), kind);
	a->photo[k] = eq + 1;
	return CLI_EXIT_OK;
}

static int parse_add(int argc, char **argv, struct add_args *a)
{
	struct cli_parser p;
	cli_parser_init(&p, argc, argv);
	const char **slot[] = { [ADD_NIK] = &a->nik, [ADD_DECISION] = &a->decision,
		[ADD_REASON] = &a->reason, [ADD_REASON_TEXT] = &a->reason_text, [ADD_LAT] = &a->lat,
		[ADD_LON] = &a->lon, [ADD_COORD_REASON] = &a->coord_reason, [ADD_NOTES] = &a->notes,
		[ADD_NAME] = &a->name, [ADD_ADDRESS] = &a->address, [ADD_SUPERSEDES] = &a->supersedes,
		[ADD_FIELDS_FROM] = &a->fields_from, [ADD_KELURAHAN] = &a->kelurahan };
	const char *value;
	int id;
	while ((id = cli_next(&p, add_options, &value)) != CLI_END) {
		if (id == CLI_BAD)
			return CLI_EXIT_FAILURE;
		if (id == CLI_ARG)
			return cli_usage("add", _("Argumen tidak dikenal: %s"), value);
		if (id == ADD_FINAL)
			a->final = true;
		else if (id == ADD_PHOTO) {
			if (add_photo_arg(a, value) != CLI_EXIT_OK)
				return CLI_EXIT_FAILURE;
		} else if (*slot[id] != NULL)
			return cli_usage("add", _("Pilihan --%s disebut dua kali."), add_options[id].name);
		else
			*slot[id] = value;
	}
	if (a->fields_from != NULL && read_fields(a, slot) != CLI_EXIT_OK)
		return CLI_EXIT_FAILURE;
	if (a->nik == NULL)
		return cli_usage("add", "%s", _("--nik wajib diisi."));
	if ((a->lat == NULL) != (a->lon == NULL))
		return cli_usage("add", "%s", _("--lat dan --lon harus diisi bersama."));
	return CLI_EXIT_OK;
}

static int copy_text(char *dst, size_t len, const char *src, const char *option)
{
	if (src == NULL)
		return CLI_EXIT_OK;
	if (strlen(src) >= len) {
		cli_error(_("Isi --%s terlalu panjang (paling banyak %zu byte)."), option, len - 1);
		return CLI_EXIT_REJECTED;
	}
	memcpy(dst, src, strlen(src) + 1);
	return CLI_EXIT_OK;
}

/* Fill the record from the arguments alone (no disk writes). */
static int fill_fields(const struct add_args *a, struct record *r)
{
	struct nik_info info;
	nik_check(a->nik, time(NULL), &info);
	if (!info.valid) {
		int p = nik_first_problem(&info);
		cli_error(_("NIK %s tidak sah: %s"), a->nik, p >= 0
			? gettext(nik_problem_message((enum nik_problem)p)) : "");
		return CLI_EXIT_REJECTED;
	}
	memcpy(r->nik, info.nik, sizeof r->nik);
	if (a->decision != NULL && !record_decision_parse(a->decision, &r->decision)) {
		cli_error(_("Keputusan tidak dikenal: %s (pakai layak atau tidak-layak)."), a->decision);
		return CLI_EXIT_REJECTED;
	}
	if (a->reason != NULL && !record_reason_parse(a->reason, &r->reason)) {
		cli_error(_("Kode alasan tidak dikenal: %s (lihat sigacor add --help)."), a->reason);
		return CLI_EXIT_REJECTED;
	}
	if (a->lat != NULL) {
		if (!geo_parse_degrees(a->lat, &r->lat) || !geo_parse_degrees(a->lon, &r->lon)) {
			cli_error(_("Koordinat tidak sah: %s, %s (contoh: -6.1783 106.6319)."), a->lat, a->lon);
			return CLI_EXIT_REJECTED;
		}
		r->has_coord = true;
		r->coord_source = COORD_MANUAL;
	}
	/* a NIK outside the registry: the kelurahan the clerk names (as the
	 * form's list), else the house's (pick_coordinates) */
	const struct wilayah_kelurahan *k = a->kelurahan != NULL ? wilayah_kelurahan_find(a->kelurahan) : NULL;
	if (a->kelurahan != NULL && k == NULL) {
		cli_error(_("Kelurahan tidak dikenal: %s (kode Kemendagri kelurahan Kota Tangerang, "
			"misalnya 36.71.01.1005)."), a->kelurahan);
		return CLI_EXIT_REJECTED;
	}
	if (k != NULL)
		snprintf(r->kelurahan, sizeof r->kelurahan, "%s", k->code);
	int status = copy_text(r->reason_text, sizeof r->reason_text, a->reason_text, "reason-text");
	if (status == CLI_EXIT_OK)
		status = copy_text(r->coord_reason, sizeof r->coord_reason, a->coord_reason, "coord-reason");
	if (status == CLI_EXIT_OK)
		status = copy_text(r->notes, sizeof r->notes, a->notes, "notes");
	if (status == CLI_EXIT_OK)
		status = copy_text(r->name, sizeof r->name, a->name, "name");
	if (status == CLI_EXIT_OK)
		status = copy_text(r->address, sizeof r->address, a->address, "address");
	if (status == CLI_EXIT_OK)
		status = copy_text(r->supersedes, sizeof r->supersedes, a->supersedes, "supersedes");
	return status;
}

/* Read every photo before anything is written, so a bad one stops the
 * command with nothing copied.  Slots get the facts (as the store will).
 * Without the store (s NULL: before the password), a photo of a keyed
 * profile's inbox (sealed) is left for the call with the store, which
 * reads it from its clear bytes in memory. */
static int read_photos(struct store *s, const struct add_args *a, struct record *r)
{
	for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
		if (a->photo[k] == NULL || (s == NULL) == vault_file_is_sealed(a->photo[k]))
			continue;
		struct photo_facts f;
		unsigned char *data = NULL;
		size_t len = 0;
		if (s != NULL && store_file_bytes(s, a->photo[k], &data, &len) != STORE_OK) {
			cli_error("%s", store_error(s));
			return CLI_EXIT_REJECTED;
		}
		/* the hash too: a phone's position at upload is kept by it */
		enum photo_error e = data != NULL
			? photo_read_buffer(data, len, PHOTO_READ_EXIF | PHOTO_READ_HASH, &f)
			: photo_read(a->photo[k], PHOTO_READ_EXIF | PHOTO_READ_HASH, &f);
		free(data);
		if (e == PHOTO_ERR_NONE && f.type != PHOTO_TYPE_JPEG)
			e = PHOTO_ERR_NOT_JPEG;
		if (e != PHOTO_ERR_NONE) {
			cli_error(_("Foto %s (%s): %s"), record_photo_kind_code((enum photo_kind)k),
				a->photo[k], gettext(photo_error_message(e)));
			return CLI_EXIT_REJECTED;
		}
		struct record_photo *p = &r->photos[k];
		p->attached = true;
		p->size = f.size;
		p->has_gps = f.gps.present;
		p->lat = f.gps.lat;
		p->lon = f.gps.lon;
		snprintf(p->taken_at, sizeof p->taken_at, "%s", f.taken_at);
		snprintf(p->original_sha256, sizeof p->original_sha256, "%s", f.sha256);
	}
	return CLI_EXIT_OK;
}

static void apply_registry(struct store *s, const struct add_args *a, struct record *r,
	struct record_registry_facts *facts)
{
	struct resident res;
	bool found = store_resident_get(s, r->nik, &res) == STORE_OK;
	if (found && (a->name != NULL || a->address != NULL || a->kelurahan != NULL))
		cli_warning("%s", _("NIK ada di data kependudukan: nama, alamat dan kelurahan diambil dari "
			"sana, --name, --address dan --kelurahan diabaikan."));
	registry_fill_record(found ? &res : NULL, r, facts);
}

static void pick_coordinates(struct store *s, struct record *r)
{
	if (!r->has_coord && record_coord_from_photos(r, &r->lat, &r->lon)) {
		r->has_coord = true;
		r->coord_source = COORD_EXIF;
	}
	if (!r->has_coord)
		store_record_coord_from_phone(s, r);
	/* a NIK outside the registry: the kelurahan where the house stands */
	if (r->kelurahan[0] == '\0' && r->has_coord) {
		const struct wilayah_kelurahan *k = geo_kelurahan_at(r->lat, r->lon);
		if (k != NULL)
			snprintf(r->kelurahan, sizeof r->kelurahan, "%s", k->code);
	}
}

static int report_problems(unsigned problems)
{
	cli_error("%s", _("Rekaman belum bisa final, tidak ada yang disimpan:"));
	for (int p = 0; p < RECORD_PROBLEM_COUNT; p++)
		if (problems & (1u << p))
			fprintf(stderr, "  - %s\n", gettext(record_problem_message((enum record_problem)p)));
	return CLI_EXIT_REJECTED;
}

/* Copy the photos into the store; on failure drop those copied so far. */
static int import_photos(struct store *s, const struct add_args *a, struct record *r)
{
	for (int k = 0; k < PHOTO_KIND_COUNT; k++) {
		if (a->photo[k] == NULL)
			continue;
		enum store_status st = store_photo_import(s, a->photo[k], &r->photos[k]);
		if (st == STORE_OK)
			continue;
		cli_error("%s", store_error(s));
		for (int j = 0; j < k; j++)
			if (r->photos[j].attached)
				store_photo_discard(s, r->photos[j].sha256);
		return cli_exit_for(st);
	}
	return CLI_EXIT_OK;
}

static unsigned all_warnings(struct store *s, const struct record *r,
	const struct record_registry_facts *facts)
{
	return record_warnings(r, r->in_registry ? facts : NULL, time(NULL)) |
		store_record_warnings(s, r);
}

static void print_added(const struct cli *c, const struct record *r, unsigned warnings)
{
	for (int w = 0; w < RECORD_WARNING_COUNT; w++)
		if (warnings & (1u << w))
			cli_warning("%s", gettext(record_warning_message((enum record_warning)w)));
	if (!c->json) {
		printf("%s\n", r->uuid);
		return;
	}
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "uuid", r->uuid);
	cJSON_AddStringToObject(o, "state", record_state_code(r->state));
	cJSON *list = cJSON_AddArrayToObject(o, "warnings");
	for (int w = 0; w < RECORD_WARNING_COUNT; w++)
		if (warnings & (1u << w))
			cJSON_AddItemToArray(list, cJSON_CreateString(
				record_warning_code((enum record_warning)w)));
	cli_print_json(o);
}

static int save_record(struct store *s, const struct cli *c, const struct add_args *a,
	struct record *r, const struct record_registry_facts *facts)
{
	int status = import_photos(s, a, r);
	if (status != CLI_EXIT_OK)
		return status;
	unsigned warnings = all_warnings(s, r, facts);   /* before it counts itself */
	unsigned problems = 0;
	enum store_status st = a->final ? store_record_finalise(s, r, &problems)
		: store_record_save(s, r);
	if (st == STORE_OK) {
		print_added(c, r, warnings);
		/* no city key pinned: the record is saved but not sealed */
		if (a->final && sync_sealed_notice()[0] != '\0')
			cli_warning("%s", sync_sealed_notice());
		return CLI_EXIT_OK;
	}
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		if (r->photos[k].attached)
			store_photo_discard(s, r->photos[k].sha256);
	if (problems != 0)
		return report_problems(problems);
	cli_error("%s", store_error(s));
	return cli_exit_for(st);
}

int cli_cmd_add(struct cli *c, int argc, char **argv)
{
	struct add_args a;
	memset(&a, 0, sizeof a);
	if (parse_add(argc, argv, &a) != CLI_EXIT_OK) {
		free(a.fields_text);
		return CLI_EXIT_FAILURE;
	}
	struct record *r = calloc(1, sizeof *r);
	if (r == NULL)
		return CLI_EXIT_FAILURE;
	int status = fill_fields(&a, r);
	if (status == CLI_EXIT_OK)
		status = read_photos(NULL, &a, r);
	struct store *s = NULL;
	bool stdin_free = a.fields_from == NULL || strcmp(a.fields_from, "-") != 0;
	if (status == CLI_EXIT_OK)
		status = cli_new_profile(c, stdin_free);
	if (status == CLI_EXIT_OK)
		status = cli_unlock_profile(c, stdin_free);
	if (status == CLI_EXIT_OK)
		status = cli_open_store(c, &s);
	if (status == CLI_EXIT_OK)
		status = read_photos(s, &a, r);
	if (status == CLI_EXIT_OK) {
		struct record_registry_facts facts;
		apply_registry(s, &a, r, &facts);
		pick_coordinates(s, r);
		/* the rules first, so a record that cannot be final copies nothing */
		unsigned problems = a.final ? record_check_final(r, time(NULL)) : 0;
		status = problems != 0 ? report_problems(problems) : save_record(s, c, &a, r, &facts);
	}
	store_close(s);
	free(r);
	free(a.fields_text);
	return status;
}

/* ---- export ---- */

enum { EXPORT_FORMAT, EXPORT_STATE };

static const struct cli_option export_options[] = {
	{ "format", true, EXPORT_FORMAT },
	{ "state", true, EXPORT_STATE },
	{ NULL, false, 0 },
};

static const char *const csv_header[] = { "uuid", "state", "nik", "kk", "name", "address",
	"kelurahan", "decision", "reason", "reason_text", "notes", "lat", "lon", "coord_source",
	"coord_reason", "photo_ktp_sha256", "photo_kk_sha256", "photo_rumah_sha256", "operator",
	"supersedes", "in_registry", "created_at", "updated_at", "finalised_at", "server_message",
	"photo_state" };
#define CSV_COLUMNS (sizeof csv_header / sizeof csv_header[0])

struct export_ctx {
	bool first;                 /* JSON: no comma before the first row */
};

/* What the server holds of the record's photos: "menunggu foto" (sent
 * before its photos, some still queued), "lengkap" (sent, all there), ""
 * (not on the server) */
static const char *photo_state(const struct record *r)
{
	if (r->state != STATE_ACCEPTED && r->state != STATE_FLAGGED)
		return "";
	return r->photos_waiting ? "menunggu foto" : "lengkap";
}

static bool export_csv_row(const struct record *r, void *ctx)
{
	(void)ctx;
	char lat[32] = "", lon[32] = "", created[21], updated[21], finalised[21];
	if (r->has_coord) {
		snprintf(lat, sizeof lat, "%.7f", r->lat);
		snprintf(lon, sizeof lon, "%.7f", r->lon);
	}
	cli_iso_time(r->created_at, created);
	cli_iso_time(r->updated_at, updated);
	cli_iso_time(r->finalised_at, finalised);
	const char *fields[CSV_COLUMNS] = { r->uuid, record_state_code(r->state), r->nik, r->kk,
		r->name, r->address, r->kelurahan, record_decision_code(r->decision),
		record_reason_code(r->reason), r->reason_text, r->notes, lat, lon,
		record_coord_source_code(r->coord_source), r->coord_reason,
		r->photos[PHOTO_KIND_KTP].attached ? r->photos[PHOTO_KIND_KTP].sha256 : "",
		r->photos[PHOTO_KIND_KK].attached ? r->photos[PHOTO_KIND_KK].sha256 : "",
		r->photos[PHOTO_KIND_RUMAH].attached ? r->photos[PHOTO_KIND_RUMAH].sha256 : "",
		r->operator_name, r->supersedes, r->in_registry ? "1" : "0", created, updated,
		finalised, r->server_message, photo_state(r) };
	static const bool free_text[CSV_COLUMNS] = { [4] = true, [5] = true, [9] = true,
		[10] = true, [14] = true, [24] = true };
	for (size_t i = 0; i < CSV_COLUMNS; i++)
		csv_write_field(stdout, fields[i], free_text[i], i + 1 == CSV_COLUMNS ? '\n' : ',');
	return !ferror(stdout);
}

static cJSON *photo_json(const struct record_photo *p, enum photo_kind k)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", record_photo_kind_code(k));
	cJSON_AddStringToObject(o, "sha256", p->sha256);
	cJSON_AddNumberToObject(o, "size", (double)p->size);
	if (p->has_gps) {
		cJSON_AddNumberToObject(o, "lat", p->lat);
		cJSON_AddNumberToObject(o, "lon", p->lon);
	} else {
		cJSON_AddNullToObject(o, "lat");
		cJSON_AddNullToObject(o, "lon");
	}
	cJSON_AddItemToObject(o, "taken_at", cli_json_text(p->taken_at));
	cJSON_AddItemToObject(o, "original_name", cli_json_text(p->original_name));
	return o;
}

static cJSON *coord_json(const struct record *r)
{
	if (!r->has_coord)
		return cJSON_CreateNull();
	cJSON *o = cJSON_CreateObject();
	cJSON_AddNumberToObject(o, "lat", r->lat);
	cJSON_AddNumberToObject(o, "lon", r->lon);
	cJSON_AddStringToObject(o, "source", record_coord_source_code(r->coord_source));
	cJSON_AddItemToObject(o, "reason", cli_json_text(r->coord_reason));
	return o;
}

static void add_time(cJSON *o, const char *key, int64_t t)
{
	char buf[21];
	cli_iso_time(t, buf);
	cJSON_AddItemToObject(o, key, cli_json_text(buf));
}

static bool export_json_row(const struct record *r, void *ctx)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "uuid", r->uuid);
	cJSON_AddStringToObject(o, "state", record_state_code(r->state));
	cJSON_AddStringToObject(o, "nik", r->nik);
	cJSON_AddItemToObject(o, "kk", cli_json_text(r->kk));
	cJSON_AddBoolToObject(o, "in_registry", r->in_registry);
	cJSON_AddStringToObject(o, "name", r->name);
	cJSON_AddItemToObject(o, "address", cli_json_text(r->address));
	cJSON_AddItemToObject(o, "kelurahan", cli_json_text(r->kelurahan));
	cJSON_AddItemToObject(o, "decision", cli_json_text(record_decision_code(r->decision)));
	cJSON_AddItemToObject(o, "reason", cli_json_text(record_reason_code(r->reason)));
	cJSON_AddItemToObject(o, "reason_text", cli_json_text(r->reason_text));
	cJSON_AddItemToObject(o, "notes", cli_json_text(r->notes));
	cJSON_AddItemToObject(o, "coord", coord_json(r));
	cJSON *photos = cJSON_AddArrayToObject(o, "photos");
	for (int k = 0; k < PHOTO_KIND_COUNT; k++)
		if (r->photos[k].attached)
			cJSON_AddItemToArray(photos, photo_json(&r->photos[k], (enum photo_kind)k));
	cJSON_AddStringToObject(o, "operator", r->operator_name);
	cJSON_AddItemToObject(o, "supersedes", cli_json_text(r->supersedes));
	add_time(o, "created_at", r->created_at);
	add_time(o, "updated_at", r->updated_at);
	add_time(o, "finalised_at", r->finalised_at);
	cJSON_AddItemToObject(o, "server_message", cli_json_text(r->server_message));
	struct export_ctx *x = ctx;
	cJSON_AddStringToObject(o, "photo_state", photo_state(r));
	fputs(x->first ? "\n" : ",\n", stdout);
	x->first = false;
	char *text = cJSON_PrintUnformatted(o);
	if (text != NULL)
		fputs(text, stdout);
	cJSON_free(text);
	cJSON_Delete(o);
	return !ferror(stdout);
}

int cli_cmd_export(struct cli *c, int argc, char **argv)
{
	struct cli_parser p;
	cli_parser_init(&p, argc, argv);
	const char *value, *format = c->json ? "json" : "csv";
	struct store_filter f = { NULL, -1, NULL, 0, 0 };
	int id;
	while ((id = cli_next(&p, export_options, &value)) != CLI_END) {
		if (id == CLI_BAD)
			return CLI_EXIT_FAILURE;
		if (id == CLI_ARG)
			return cli_usage("export", _("Argumen tidak dikenal: %s"), value);
		if (id == EXPORT_FORMAT)
			format = value;
		else {
			enum record_state state;
			if (!record_state_parse(value, &state))
				return cli_usage("export", _("Status tidak dikenal: %s"), value);
			f.state = (int)state;
		}
	}
	bool json = strcmp(format, "json") == 0;
	if (!json && strcmp(format, "csv") != 0)
		return cli_usage("export", _("--format harus csv atau json, bukan \"%s\"."), format);
	struct store *s = NULL;
	if (cli_profile_exists(c)) {
		int status = cli_unlock_profile(c, true);
		if (status == CLI_EXIT_OK)
			status = cli_open_store(c, &s);
		if (status != CLI_EXIT_OK)
			return status;
	}
	struct export_ctx x = { true };
	if (json)
		fputs("[", stdout);
	else
		for (size_t i = 0; i < CSV_COLUMNS; i++)
			csv_write_field(stdout, csv_header[i], false, i + 1 == CSV_COLUMNS ? '\n' : ',');
	/* a read error is never taken for the end of the records */
	enum store_status st = s != NULL
		? store_record_each(s, &f, json ? export_json_row : export_csv_row, &x) : STORE_OK;
	if (st != STORE_OK)
		cli_error("%s", store_error(s));
	else if (json)
		fputs("\n]\n", stdout);
	store_close(s);
	return st == STORE_OK ? CLI_EXIT_OK : CLI_EXIT_FAILURE;
}

/* ---- status ---- */

static const char *const state_labels[STATE_COUNT] = {
	N_("draf"), N_("final, menunggu kirim"), N_("sedang dikirim"), N_("diterima"),
	N_("ditandai untuk ditinjau"), N_("ditolak server (karantina)"),
};

/* "Jatah foto harian:  20,0 MB, hari ini terkirim 3,4 MB" */
static void print_budget(int64_t budget_mb, int64_t today)
{
	char budget[32], sent[32];
	sync_format_megabytes(today, sent, sizeof sent);
	if (budget_mb <= 0) {
		printf("%-20s %s\n", _("Jatah foto harian:"), _("tanpa batas"));
		return;
	}
	sync_format_megabytes(budget_mb * 1000000, budget, sizeof budget);
	printf("%-20s ", _("Jatah foto harian:"));
	printf(_("%s, hari ini terkirim %s\n"), budget, sent);
}

/* The kelurahan's progress, every operator's work together (the progress
 * feed of the last sync, and this laptop's own final records). */
static void print_kelurahan(const struct store_kelurahan_progress *k)
{
	printf("%-20s ", _("Kemajuan kelurahan:"));
	printf(_("%lld dari %lld rumah tangga sasaran diverifikasi (semua petugas)\n"),
		(long long)k->verified, (long long)k->assigned);
	printf("  %-18s %lld\n", _("layak"), (long long)k->layak);
	printf("  %-18s %lld\n", _("tidak layak"), (long long)k->tidak_layak);
	printf("  %-18s %lld\n", _("tidak ditemukan"), (long long)k->not_found);
	printf("  %-18s %lld\n", _("ditandai"), (long long)k->flagged);
}

static void print_kelurahan_json(cJSON *o, const struct store_kelurahan_progress *k)
{
	cJSON *kel = cJSON_AddObjectToObject(o, "kelurahan_progress");
	cJSON_AddNumberToObject(kel, "assigned", (double)k->assigned);
	cJSON_AddNumberToObject(kel, "verified", (double)k->verified);
	cJSON_AddNumberToObject(kel, "layak", (double)k->layak);
	cJSON_AddNumberToObject(kel, "tidak_layak", (double)k->tidak_layak);
	cJSON_AddNumberToObject(kel, "not_found", (double)k->not_found);
	cJSON_AddNumberToObject(kel, "flagged", (double)k->flagged);
}

int cli_cmd_status(struct cli *c, int argc, char **argv)
{
	const char *extra[1];
	int n = 0;
	if (!cli_plain_args(argc, argv, extra, 1, &n))
		return CLI_EXIT_FAILURE;
	if (n > 0)
		return cli_usage("status", _("Argumen tidak dikenal: %s"), extra[0]);
	int64_t counts[STATE_COUNT] = { 0 }, registry = 0, outbox = 0, total = 0;
	int64_t assigned = 0, unverified = 0, mine = 0, rate = 0;
	int64_t budget_mb = 0, today = 0;
	struct store_local_only local = { 0 };
	struct store_kelurahan_progress kel = { 0 };
	struct store *s = NULL;
	if (!cli_profile_exists(c)) {
		/* zeros would read as an empty profile: say it is not there */
		cli_error(_("Profil petugas \"%s\" tidak ada di %s (pilih dengan --operator)."),
			c->operator_name, c->data_root);
		return CLI_EXIT_REJECTED;
	}
	{
		int status = cli_open_store(c, &s);
		if (status != CLI_EXIT_OK)
			return status;
		if (store_check_integrity(s) != STORE_OK) {
			cli_error("%s", store_error(s));
			store_close(s);
			return CLI_EXIT_FAILURE;
		}
		store_record_counts(s, counts);
		registry = store_resident_count(s);
		outbox = store_outbox_count(s);
		store_candidate_counts(s, &assigned, &unverified);
		mine = store_candidates_assigned_to(s, c->operator_name);
		store_kelurahan_progress(s, &kel);
		store_sync_local_only(s, &local);
		rate = sync_photo_rate_saved(s);
		budget_mb = sync_photo_budget_mb(s);
		today = sync_photo_bytes_today(s);
	}
	for (int i = 0; i < STATE_COUNT; i++)
		total += counts[i];
	if (c->json) {
		cJSON *o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "data_dir", c->profile_dir);
		cJSON_AddStringToObject(o, "operator", c->operator_name);
		cJSON_AddNumberToObject(o, "registry_size", (double)registry);
		cJSON *rec = cJSON_AddObjectToObject(o, "records");
		for (int i = 0; i < STATE_COUNT; i++)
			cJSON_AddNumberToObject(rec, record_state_code((enum record_state)i), (double)counts[i]);
		cJSON_AddNumberToObject(o, "total", (double)total);
		cJSON_AddNumberToObject(o, "outbox", (double)outbox);
		cJSON *cand = cJSON_AddObjectToObject(o, "candidates");
		cJSON_AddNumberToObject(cand, "assigned", (double)assigned);
		cJSON_AddNumberToObject(cand, "unverified", (double)unverified);
		cJSON_AddNumberToObject(cand, "assigned_to_me", (double)mine);
		print_kelurahan_json(o, &kel);
		cJSON *photos = cJSON_AddObjectToObject(o, "photos");
		cJSON_AddNumberToObject(photos, "queued_bytes", (double)local.queued_bytes);
		cJSON_AddNumberToObject(photos, "rate_bytes_per_s", (double)rate);
		cJSON_AddNumberToObject(photos, "expected_seconds",
			(double)sync_expected_seconds(local.queued_bytes, rate));
		cJSON_AddNumberToObject(photos, "budget_mb", (double)budget_mb);
		cJSON_AddNumberToObject(photos, "sent_today", (double)today);
		/* records the server holds that wait for their photos */
		cJSON_AddNumberToObject(photos, "records_waiting", (double)local.photos_waiting);
		cli_print_json(o);
	} else {
		printf("%-20s %s\n", _("Folder data:"), c->profile_dir);
		printf("%-20s %s\n", _("Petugas:"), c->operator_name);
		printf("%-20s %lld\n", _("Data kependudukan:"), (long long)registry);
		printf("%-20s %lld\n", _("Rekaman:"), (long long)total);
		for (int i = 0; i < STATE_COUNT; i++)
			printf("  %-12s %6lld  %s\n", record_state_code((enum record_state)i),
				(long long)counts[i], gettext(state_labels[i]));
		printf("%-20s %lld\n", _("Antrean kirim:"), (long long)outbox);
		if (local.photos_waiting > 0)
			printf("%-20s %lld %s\n", _("Terkirim tanpa foto:"), (long long)local.photos_waiting,
				_("rekaman (fotonya menyusul)"));
		char cost[160];
		cli_photo_cost(local.queued_bytes, rate, cost, sizeof cost);
		printf("%-20s %s\n", _("Foto antre:"), cost);
		print_budget(budget_mb, today);
		printf("%-20s %lld (%s %lld)\n", _("Rumah tangga sasaran:"), (long long)assigned,
			_("belum diverifikasi:"), (long long)unverified);
		printf("%-20s %lld\n", _("Ditugaskan ke saya:"), (long long)mine);
		print_kelurahan(&kel);
	}
	store_close(s);
	return CLI_EXIT_OK;
}
