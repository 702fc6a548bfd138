/* report: `sigacor-server report`, the campaign's figures (stats.c) per
 * city, kecamatan, kelurahan and operator, as a terminal table, CSV, JSON
 * or an .xlsx workbook (libxlsxwriter: Dinsos staff work in spreadsheets). */
#include "config.h"
#include "server.h"
#include "stats.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "csv.h"
#include "wilayah.h"
#include "sdb.h"

enum report_format { FORMAT_TABLE, FORMAT_CSV, FORMAT_JSON, FORMAT_XLSX };

struct report_options {
	const char *dir;
	const char *out;
	const char *wilayah;
	enum report_format format;
	int level;                  /* enum stats_level, or -1 for all */
};

static const char *const format_names[] = { "table", "csv", "json", "xlsx" };

const char *const report_commands_help = N_(
"Hasil kampanye (dari rekaman, dihitung saat diminta):\n"
"  report --data FOLDER [--format table|csv|json|xlsx] [--out FILE]\n"
"        [--level city|kecamatan|kelurahan|operator] [--wilayah KODE]\n"
"        kemajuan dan hasil per kelurahan, kecamatan, kota dan petugas\n"
"  geojson --data FOLDER --layer houses|kelurahan [--with-names]\n"
"        [--wilayah KODE] [--out FILE]\n"
"        peta: rumah yang diverifikasi (titik, tanpa NIK) atau batas\n"
"        kelurahan beserta angka kemajuannya (GeoJSON, untuk QGIS)\n"
"  musdes --data FOLDER --kelurahan KODE [--rw RW] --out FILE.pdf\n"
"        [--campaign TEKS] [--date YYYY-MM-DD]\n"
"        daftar untuk musyawarah kelurahan (PDF A4, per RW, NIK disamarkan)\n");

static void report_usage(void)
{
	fprintf(stderr, "%s", _("Pemakaian: sigacor-server report --data FOLDER "
		"[--format table|csv|json|xlsx] [--out FILE]\n"
		"        [--level city|kecamatan|kelurahan|operator] [--wilayah KODE]\n"));
}

static bool parse_format(const char *s, enum report_format *out)
{
	for (size_t i = 0; i < sizeof format_names / sizeof format_names[0]; i++)
		if (strcmp(s, format_names[i]) == 0) {
			*out = (enum report_format)i;
			return true;
		}
	return false;
}

static bool parse_level(const char *s, int *out)
{
	for (int l = 0; l < STATS_LEVEL_COUNT; l++)
		if (strcmp(s, stats_level_code((enum stats_level)l)) == 0) {
			*out = l;
			return true;
		}
	return false;
}

static bool parse_report(int argc, char **argv, struct report_options *o)
{
	memset(o, 0, sizeof *o);
	o->level = -1;
	const char *format = NULL, *level = NULL;
	const struct command_option options[] = {
		{ "data", &o->dir, NULL, N_("--data FOLDER wajib diisi") },
		{ "format", &format, NULL, NULL },
		{ "out", &o->out, NULL, NULL },
		{ "level", &level, NULL, NULL },
		{ "wilayah", &o->wilayah, NULL, NULL },
		{ NULL, NULL, NULL, NULL },
	};
	if (!util_parse_options(argc, argv, options, 0, NULL)) {
		report_usage();
		return false;
	}
	if (format != NULL && !parse_format(format, &o->format)) {
		fprintf(stderr, "sigacor-server: %s\n", _("--format harus table, csv, json atau xlsx"));
		return false;
	}
	if (level != NULL && !parse_level(level, &o->level)) {
		fprintf(stderr, "sigacor-server: %s\n",
			_("--level harus city, kecamatan, kelurahan atau operator"));
		return false;
	}
	if (!stats_scope_option_ok(o->wilayah))
		return false;
	if (o->format == FORMAT_XLSX && o->out == NULL) {
		fprintf(stderr, "sigacor-server: %s\n", _("--format xlsx perlu --out FILE.xlsx"));
		return false;
	}
	return true;
}

static bool level_wanted(const struct report_options *o, int l)
{
	return o->level < 0 || o->level == l;
}

/* ---------------------------------------------------------------- table */

/* 1234567 -> "1.234.567" (the Indonesian thousands mark) */
static void group_digits(long long v, char *out, size_t cap)
{
	char raw[32];
	int n = snprintf(raw, sizeof raw, "%lld", v < 0 ? -v : v);
	size_t o = 0;
	if (v < 0 && o + 1 < cap)
		out[o++] = '-';
	for (int i = 0; i < n && o + 1 < cap; i++) {
		if (i > 0 && (n - i) % 3 == 0 && o + 1 < cap)
			out[o++] = '.';
		if (o + 1 < cap)
			out[o++] = raw[i];
	}
	out[o] = '\0';
}

/* One block of a terminal table: up to 7 figures beside the region's name,
 * 20 + 7 * 8 = 76 columns. */
#define BLOCK_MAX 7
struct table_block {
	const char *title;
	const char *heads[BLOCK_MAX];
	const char *keys[BLOCK_MAX];   /* stats column keys; "progress" = percent */
};

static const struct table_block blocks[] = {
	{ N_("Kemajuan dan hasil"),
	  { N_("Sasaran"), N_("Selesai"), N_("Diverif"), N_("Layak"), N_("TdkLyk"), N_("TdkAda"),
	    N_("Ditanda") },
	  { "assigned", "progress", "verified", "layak", "tidak_layak", "not_found", "flagged" } },
	{ N_("Tidak layak menurut alasan"),
	  { N_("Mening"), N_("Mampu"), N_("Menolak"), N_("Ganda"), N_("Pindah"), N_("Migran"),
	    N_("Lain") },
	  { "reason_meninggal", "reason_sudah_mampu", "reason_menolak", "reason_kepesertaan_ganda",
	    "reason_pindah", "reason_pekerja_migran", "reason_lainnya" } },
	{ N_("Pemeriksaan kota"),
	  { N_("Konfirm"), N_("Ditolak"), N_("Ulang"), N_("Belum"), NULL, NULL, NULL },
	  { "confirmed", "rejected", "revisit", "unreviewed", NULL, NULL, NULL } },
};

static long long value_by_key(const struct stats_counts *c, const char *key)
{
	for (size_t i = 0; i < stats_column_count(); i++)
		if (strcmp(stats_column_key(i), key) == 0)
			return stats_column_value(c, i);
	return 0;
}

static bool key_area_only(const char *key)
{
	if (strcmp(key, "progress") == 0)
		return true;
	for (size_t i = 0; i < stats_column_count(); i++)
		if (strcmp(stats_column_key(i), key) == 0)
			return stats_column_area_only(i);
	return false;
}

static void table_cell(FILE *f, const struct stats_row *r, const char *key, bool operator_row)
{
	char buf[32];
	if (operator_row && key_area_only(key))
		snprintf(buf, sizeof buf, "-");
	else if (strcmp(key, "progress") == 0) {
		int p = stats_progress_permille(&r->c);
		snprintf(buf, sizeof buf, "%d,%d%%", p / 10, p % 10);
	} else
		group_digits(value_by_key(&r->c, key), buf, sizeof buf);
	fprintf(f, "%8s", buf);
}

/* the name cut to 19 bytes at a character boundary, padded to 20 columns */
static void table_name(FILE *f, const char *name)
{
	size_t n = strlen(name);
	if (n > 19) {
		n = 19;
		while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
			n--;
	}
	size_t width = 0;
	for (size_t i = 0; i < n; i++)
		width += ((unsigned char)name[i] & 0xC0) != 0x80;
	fprintf(f, "%.*s%*s", (int)n, name, (int)(20 - width), "");
}

static void write_table(FILE *f, const struct stats *s, const struct report_options *o)
{
	for (int l = 0; l < STATS_LEVEL_COUNT; l++) {
		if (!level_wanted(o, l))
			continue;
		for (size_t b = 0; b < sizeof blocks / sizeof blocks[0]; b++) {
			fprintf(f, "%s: %s\n", _(stats_level_title((enum stats_level)l)), _(blocks[b].title));
			table_name(f, "");
			for (int c = 0; c < BLOCK_MAX && blocks[b].heads[c] != NULL; c++)
				fprintf(f, "%8s", _(blocks[b].heads[c]));
			fputc('\n', f);
			for (size_t i = 0; i < s->n[l]; i++) {
				table_name(f, s->rows[l][i].name);
				for (int c = 0; c < BLOCK_MAX && blocks[b].keys[c] != NULL; c++)
					table_cell(f, &s->rows[l][i], blocks[b].keys[c], l == STATS_OPERATOR);
				fputc('\n', f);
			}
			if (s->n[l] == 0)
				fprintf(f, "%s\n", _("(belum ada)"));
			fputc('\n', f);
		}
	}
	fprintf(f, "%s", _("Selesai: sasaran yang sudah diverifikasi. TdkLyk: tidak layak (selain\n"
		"tidak ditemukan). TdkAda: tidak ditemukan. Ditanda: ditandai untuk diperiksa.\n"));
}

/* ---------------------------------------------------------------- CSV */

static void write_csv(FILE *f, const struct stats *s, const struct report_options *o)
{
	fprintf(f, "level,code,name,kecamatan");
	for (size_t i = 0; i < stats_column_count(); i++)
		fprintf(f, ",%s", stats_column_key(i));
	fputc('\n', f);
	for (int l = 0; l < STATS_LEVEL_COUNT; l++) {
		if (!level_wanted(o, l))
			continue;
		for (size_t r = 0; r < s->n[l]; r++) {
			const struct stats_row *row = &s->rows[l][r];
			fprintf(f, "%s,", stats_level_code((enum stats_level)l));
			/* the file may be opened in a spreadsheet: names and
			 * codes never run as formulas (csv_write_field) */
			csv_write_field(f, row->code, true, ',');
			csv_write_field(f, row->name, true, ',');
			fprintf(f, "%s", l == STATS_KELURAHAN ? row->parent : "");
			for (size_t i = 0; i < stats_column_count(); i++) {
				if (l == STATS_OPERATOR && stats_column_area_only(i))
					fputc(',', f);
				else
					fprintf(f, ",%lld", stats_column_value(&row->c, i));
			}
			fputc('\n', f);
		}
	}
}

/* ---------------------------------------------------------------- JSON */

static cJSON *json_row(const struct stats_row *row, enum stats_level l)
{
	cJSON *o = cJSON_CreateObject();
	if (o == NULL)
		return NULL;
	cJSON_AddStringToObject(o, "code", row->code);
	cJSON_AddStringToObject(o, "name", row->name);
	if (l == STATS_KELURAHAN)
		cJSON_AddStringToObject(o, "kecamatan", row->parent);
	for (size_t i = 0; i < stats_column_count(); i++)
		if (l != STATS_OPERATOR || !stats_column_area_only(i))
			cJSON_AddNumberToObject(o, stats_column_key(i),
				(double)stats_column_value(&row->c, i));
	if (l != STATS_OPERATOR)
		cJSON_AddNumberToObject(o, "progress_percent", stats_progress_permille(&row->c) / 10.0);
	return o;
}

static bool write_json(FILE *f, const struct stats *s, const struct report_options *o)
{
	cJSON *root = cJSON_CreateObject();
	bool ok = root != NULL;
	char now[21];
	proto_time_format(util_now(), now);
	ok = ok && cJSON_AddStringToObject(root, "generated_at", now) != NULL
		&& cJSON_AddStringToObject(root, "scope",
			o->wilayah != NULL ? o->wilayah : WILAYAH_KOTA_TANGERANG) != NULL;
	for (int l = 0; ok && l < STATS_LEVEL_COUNT; l++) {
		if (!level_wanted(o, l))
			continue;
		cJSON *arr = cJSON_AddArrayToObject(root, stats_level_code((enum stats_level)l));
		ok = arr != NULL;
		for (size_t r = 0; ok && r < s->n[l]; r++) {
			cJSON *item = json_row(&s->rows[l][r], (enum stats_level)l);
			ok = item != NULL && cJSON_AddItemToArray(arr, item);
		}
	}
	char *text = ok ? cJSON_Print(root) : NULL;
	cJSON_Delete(root);
	if (text == NULL)
		return false;
	fprintf(f, "%s\n", text);
	free(text);
	return true;
}

/* ---------------------------------------------------------------- xlsx */

/* One sheet per level: a frozen header row and name columns, figures as numbers. */
static void xlsx_sheet(lxw_workbook *wb, lxw_format *bold, const struct stats *s, int l)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, _(stats_level_title((enum stats_level)l)));
	if (ws == NULL)
		return;
	bool kel = l == STATS_KELURAHAN;
	lxw_col_t first = kel ? 3 : 2;    /* code, name[, kecamatan] then the figures */
	worksheet_write_string(ws, 0, 0, _("Kode"), bold);
	worksheet_write_string(ws, 0, 1, l == STATS_OPERATOR ? _("Petugas") : _("Nama"), bold);
	if (kel)
		worksheet_write_string(ws, 0, 2, _("Kecamatan"), bold);
	lxw_col_t c = first;
	for (size_t i = 0; i < stats_column_count(); i++)
		if (l != STATS_OPERATOR || !stats_column_area_only(i))
			worksheet_write_string(ws, 0, c++, _(stats_column_title(i)), bold);
	for (size_t r = 0; r < s->n[l]; r++) {
		const struct stats_row *row = &s->rows[l][r];
		lxw_row_t y = (lxw_row_t)(r + 1);
		worksheet_write_string(ws, y, 0, row->code, NULL);
		worksheet_write_string(ws, y, 1, row->name, NULL);
		if (kel)
			worksheet_write_string(ws, y, 2, row->parent, NULL);
		c = first;
		for (size_t i = 0; i < stats_column_count(); i++)
			if (l != STATS_OPERATOR || !stats_column_area_only(i))
				worksheet_write_number(ws, y, c++, (double)stats_column_value(&row->c, i), NULL);
	}
	worksheet_set_column(ws, 0, 0, 14, NULL);
	worksheet_set_column(ws, 1, 1, 22, NULL);
	worksheet_set_column(ws, first, c, 12, NULL);
	worksheet_freeze_panes(ws, 1, 2);
}

static bool write_xlsx(const char *path, const struct stats *s, const struct report_options *o)
{
	lxw_workbook *wb = workbook_new(path);
	if (wb == NULL)
		return false;
	lxw_format *bold = workbook_add_format(wb);
	format_set_bold(bold);
	format_set_text_wrap(bold);
	for (int l = 0; l < STATS_LEVEL_COUNT; l++)
		if (level_wanted(o, l))
			xlsx_sheet(wb, bold, s, l);
	lxw_error err = workbook_close(wb);
	if (err != LXW_NO_ERROR) {
		fprintf(stderr, "sigacor-server: %s: %s\n", path, lxw_strerror(err));
		return false;
	}
	return true;
}

/* ---------------------------------------------------------------- command */

/* The results commands' shared steps (report, geojson, musdes). */
struct sdb *results_open(const char *dir)
{
	return db_prepare_dir(dir, false) ? db_open(dir) : NULL;
}

FILE *results_out_open(const char *path)
{
	FILE *f = path != NULL ? fopen(path, "w") : stdout;
	if (f == NULL)
		fprintf(stderr, "sigacor-server: %s: %s\n", path, strerror(errno));
	return f;
}

bool results_out_close(FILE *f, const char *path, bool ok)
{
	ok = !ferror(f) && ok;
	ok = (f == stdout ? fflush(f) == 0 : fclose(f) == 0) && ok;
	if (!ok)
		fprintf(stderr, "sigacor-server: %s: %s\n", path != NULL ? path : "stdout",
			_("gagal ditulis"));
	return ok;
}

static bool write_report(const struct stats *s, const struct report_options *o)
{
	if (o->format == FORMAT_XLSX)
		return write_xlsx(o->out, s, o);
	FILE *f = results_out_open(o->out);
	if (f == NULL)
		return false;
	bool ok = true;
	if (o->format == FORMAT_TABLE)
		write_table(f, s, o);
	else if (o->format == FORMAT_CSV)
		write_csv(f, s, o);
	else
		ok = write_json(f, s, o);
	return results_out_close(f, o->out, ok);
}

int report_main(int argc, char **argv)
{
	struct report_options o;
	if (!parse_report(argc, argv, &o))
		return 2;
	sdb *db = results_open(o.dir);
	if (db == NULL)
		return 1;
	struct stats s;
	bool ok = stats_collect(db, o.wilayah, &s);
	sdb_close(db);
	if (!ok)
		return 1;
	ok = write_report(&s, &o);
	stats_free(&s);
	return ok ? 0 : 1;
}
