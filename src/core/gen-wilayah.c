/* gen-wilayah: turn assets/wilayah/ into C tables (run at build time).
 *
 *   gen-wilayah ASSETS_DIR > wilayah_data.c
 *
 * Reads the Kemendagri code lists and the Kota Tangerang kelurahan polygons,
 * checks them (codes well formed and consistent, no duplicates, every
 * kelurahan has exactly one closed ring in range) and prints sorted static
 * tables for src/core/wilayah.c.  Any problem stops the build with a message
 * naming the file and line: wrong data compiled in would mislabel every NIK. */
#include "config.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

#define MAX_NAME 120
#define MAX_JSON_BYTES (16L * 1024 * 1024)
#define MAX_RING 100000

/* Indonesia, generously: catches swapped [lat,lon] pairs */
#define LAT_MIN (-12.0)
#define LAT_MAX 7.0
#define LON_MIN 94.0
#define LON_MAX 142.0

struct entry {
	char *code;       /* dotted */
	char *name;
	bool retired;
};

struct table {
	struct entry *v;
	size_t n, cap;
};

struct kelurahan {
	char *code, *name, *kec_code, *kec_name;
	double *lat, *lon;
	size_t ring_len;
};

struct kel_table {
	struct kelurahan *v;
	size_t n, cap;
};

/* what has to be freed before exit, so sanitizer builds stay quiet */
static struct table provinces, regencies, kecamatan;
static struct kel_table kelurahan;

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gen-wilayah: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (q == NULL)
		die("out of memory");
	return q;
}

static char *xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;
	char *d = xrealloc(NULL, n);
	memcpy(d, s, n);
	return d;
}

/* ---------------------------------------------------------------- CSV input */

struct csv_file {
	char path[4096];
	FILE *f;
	struct csv_reader *r;
	const char **fields;
	size_t count, header_count;
	long line;
	size_t col[8];
};

static void csv_begin(struct csv_file *cf, const char *dir, const char *name,
	const char *const *columns, size_t ncol)
{
	int n = snprintf(cf->path, sizeof cf->path, "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof cf->path)
		die("%s/%s: path too long", dir, name);
	cf->f = fopen(cf->path, "rb");
	if (cf->f == NULL)
		die("%s: cannot open", cf->path);
	cf->r = csv_open(cf->f);
	if (cf->r == NULL)
		die("out of memory");
	enum csv_status s = csv_next(cf->r, &cf->fields, &cf->count, &cf->line);
	if (s != CSV_ROW)
		die("%s: no header line (%s)", cf->path, csv_status_message(s));
	cf->header_count = cf->count;
	for (size_t i = 0; i < ncol; i++) {
		size_t j = 0;
		while (j < cf->count && strcmp(cf->fields[j], columns[i]) != 0)
			j++;
		if (j == cf->count)
			die("%s: column '%s' missing from the header", cf->path, columns[i]);
		cf->col[i] = j;
	}
}

static bool csv_row(struct csv_file *cf)
{
	enum csv_status s = csv_next(cf->r, &cf->fields, &cf->count, &cf->line);
	if (s == CSV_EOF)
		return false;
	if (s != CSV_ROW)
		die("%s:%ld: %s", cf->path, cf->line, csv_status_message(s));
	if (cf->count != cf->header_count)
		die("%s:%ld: %zu fields, the header has %zu", cf->path, cf->line,
			cf->count, cf->header_count);
	return true;
}

static const char *csv_col(const struct csv_file *cf, size_t i)
{
	return cf->fields[cf->col[i]];
}

static void csv_end(struct csv_file *cf)
{
	csv_free(cf->r);
	fclose(cf->f);
}

/* ---------------------------------------------------------------- checks */

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "36", "36.71", "36.71.01" (parts of 2 digits) or with a last part of 4
 * digits for a kelurahan "36.71.01.1001". */
static bool code_has_shape(const char *code, size_t parts, size_t last_width)
{
	const char *p = code;
	for (size_t i = 0; i < parts; i++) {
		size_t width = i + 1 == parts ? last_width : 2;
		for (size_t j = 0; j < width; j++)
			if (!is_digit(*p++))
				return false;
		if (i + 1 < parts && *p++ != '.')
			return false;
	}
	return *p == '\0';
}

static void check_code(const struct csv_file *cf, const char *code, size_t parts, size_t last_width)
{
	if (!code_has_shape(code, parts, last_width))
		die("%s:%ld: malformed code '%s'", cf->path, cf->line, code);
}

/* The digits of a dotted code must equal the NIK column ("36.71" / "3671"). */
static void check_digits(const struct csv_file *cf, const char *code, const char *digits)
{
	const char *d = digits;
	for (const char *c = code; *c != '\0'; c++) {
		if (*c == '.')
			continue;
		if (*d++ != *c)
			die("%s:%ld: NIK digits '%s' do not match code '%s'", cf->path, cf->line, digits, code);
	}
	if (*d != '\0')
		die("%s:%ld: NIK digits '%s' do not match code '%s'", cf->path, cf->line, digits, code);
}

/* The code of the enclosing region: "36.71.01" -> "36.71" must be parent. */
static void check_parent(const struct csv_file *cf, const char *code, const char *parent)
{
	size_t n = strlen(parent);
	if (strncmp(code, parent, n) != 0 || code[n] != '.')
		die("%s:%ld: code '%s' is not inside '%s'", cf->path, cf->line, code, parent);
}

static bool utf8_valid(const unsigned char *s)
{
	while (*s != '\0') {
		size_t more;
		if (*s < 0x80)
			more = 0;
		else if (*s >= 0xC2 && *s <= 0xDF)
			more = 1;
		else if (*s >= 0xE0 && *s <= 0xEF)
			more = 2;
		else if (*s >= 0xF0 && *s <= 0xF4)
			more = 3;
		else
			return false;
		s++;
		for (size_t i = 0; i < more; i++, s++)
			if ((*s & 0xC0) != 0x80)
				return false;
	}
	return true;
}

static void check_name(const struct csv_file *cf, const char *name)
{
	size_t n = strlen(name);
	if (n == 0 || n > MAX_NAME)
		die("%s:%ld: name empty or longer than %d bytes", cf->path, cf->line, MAX_NAME);
	if (name[0] == ' ' || name[n - 1] == ' ')
		die("%s:%ld: name '%s' has leading or trailing spaces", cf->path, cf->line, name);
	for (const unsigned char *p = (const unsigned char *)name; *p != '\0'; p++)
		if (*p < 0x20 || *p == 0x7F)
			die("%s:%ld: control character in name", cf->path, cf->line);
	if (!utf8_valid((const unsigned char *)name))
		die("%s:%ld: name is not valid UTF-8", cf->path, cf->line);
}

/* ---------------------------------------------------------------- tables */

static void table_add(struct table *t, const char *code, const char *name, bool retired)
{
	if (t->n == t->cap) {
		t->cap = t->cap != 0 ? t->cap * 2 : 64;
		t->v = xrealloc(t->v, t->cap * sizeof *t->v);
	}
	t->v[t->n].code = xstrdup(code);
	t->v[t->n].name = xstrdup(name);
	t->v[t->n].retired = retired;
	t->n++;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->code, ((const struct entry *)b)->code);
}

/* Sorting the dotted codes sorts the NIK digits too: every part has a fixed
 * width.  The look-ups in wilayah.c rely on it. */
static void table_sort(struct table *t, const char *what)
{
	qsort(t->v, t->n, sizeof *t->v, entry_cmp);
	for (size_t i = 1; i < t->n; i++)
		if (strcmp(t->v[i - 1].code, t->v[i].code) == 0)
			die("%s: code %s appears twice", what, t->v[i].code);
}

static const struct entry *table_find(const struct table *t, const char *code)
{
	struct entry key = { .code = (char *)code };
	return bsearch(&key, t->v, t->n, sizeof *t->v, entry_cmp);
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].code);
		free(t->v[i].name);
	}
	free(t->v);
}

/* "KAB. BOVEN DIGOEL" -> "Kabupaten Boven Digoel", as the current list
 * writes names; the retired list is in capitals. */
static char *retired_regency_name(const char *upper)
{
	char buf[MAX_NAME * 2];
	const char *rest = upper;
	const char *prefix = "";
	if (strncmp(upper, "KAB. ", 5) == 0) {
		prefix = "Kabupaten ";
		rest = upper + 5;
	} else if (strncmp(upper, "KOTA ", 5) == 0) {
		prefix = "Kota ";
		rest = upper + 5;
	}
	int n = snprintf(buf, sizeof buf, "%s%s", prefix, rest);
	if (n < 0 || (size_t)n >= sizeof buf)
		die("retired regency name too long: %s", upper);
	bool word_start = true;
	for (char *p = buf + strlen(prefix); *p != '\0'; p++) {
		if (*p >= 'A' && *p <= 'Z' && !word_start)
			*p = (char)(*p - 'A' + 'a');
		word_start = *p == ' ' || *p == '-' || *p == '(' || *p == '/';
	}
	return xstrdup(buf);
}

static void load_provinces(const char *dir)
{
	static const char *const cols[] = { "kode", "nama" };
	struct csv_file cf;
	csv_begin(&cf, dir, "provinsi.csv", cols, 2);
	while (csv_row(&cf)) {
		check_code(&cf, csv_col(&cf, 0), 1, 2);
		check_name(&cf, csv_col(&cf, 1));
		table_add(&provinces, csv_col(&cf, 0), csv_col(&cf, 1), false);
	}
	csv_end(&cf);
	table_sort(&provinces, "provinsi.csv");
}

static void load_regencies(const char *dir)
{
	static const char *const cols[] = { "kode", "kode_nik4", "provinsi_kode", "nama" };
	struct csv_file cf;
	csv_begin(&cf, dir, "kabupaten_kota.csv", cols, 4);
	while (csv_row(&cf)) {
		const char *code = csv_col(&cf, 0);
		check_code(&cf, code, 2, 2);
		check_digits(&cf, code, csv_col(&cf, 1));
		check_parent(&cf, code, csv_col(&cf, 2));
		if (table_find(&provinces, csv_col(&cf, 2)) == NULL)
			die("%s:%ld: unknown province %s", cf.path, cf.line, csv_col(&cf, 2));
		check_name(&cf, csv_col(&cf, 3));
		table_add(&regencies, code, csv_col(&cf, 3), false);
	}
	csv_end(&cf);
	table_sort(&regencies, "kabupaten_kota.csv");
	size_t current = regencies.n;

	static const char *const rcols[] = { "kode", "kode_nik4", "nama_lama", "current_code_same_name" };
	csv_begin(&cf, dir, "kabupaten_kota_retired.csv", rcols, 4);
	while (csv_row(&cf)) {
		const char *code = csv_col(&cf, 0);
		check_code(&cf, code, 2, 2);
		check_digits(&cf, code, csv_col(&cf, 1));
		char province[3] = { code[0], code[1], '\0' };
		if (table_find(&provinces, province) == NULL)
			die("%s:%ld: unknown province %s", cf.path, cf.line, province);
		check_name(&cf, csv_col(&cf, 2));
		/* the table is sorted up to `current`; retired rows go after it */
		struct table now = { regencies.v, current, current };
		if (table_find(&now, code) != NULL)
			die("%s:%ld: retired code %s is also a current code", cf.path, cf.line, code);
		if (table_find(&now, csv_col(&cf, 3)) == NULL)
			die("%s:%ld: successor %s is not a current code", cf.path, cf.line, csv_col(&cf, 3));
		char *name = retired_regency_name(csv_col(&cf, 2));
		table_add(&regencies, code, name, true);
		free(name);
	}
	csv_end(&cf);
	table_sort(&regencies, "kabupaten_kota*.csv");
}

static void load_kecamatan(const char *dir)
{
	static const char *const cols[] = { "kode", "kode_nik6", "kabupaten_kode", "nama", "status" };
	struct csv_file cf;
	csv_begin(&cf, dir, "kecamatan_all.csv", cols, 5);
	while (csv_row(&cf)) {
		const char *code = csv_col(&cf, 0);
		check_code(&cf, code, 3, 2);
		check_digits(&cf, code, csv_col(&cf, 1));
		check_parent(&cf, code, csv_col(&cf, 2));
		const struct entry *regency = table_find(&regencies, csv_col(&cf, 2));
		if (regency == NULL)
			die("%s:%ld: unknown kabupaten/kota %s", cf.path, cf.line, csv_col(&cf, 2));
		check_name(&cf, csv_col(&cf, 3));
		const char *status = csv_col(&cf, 4);
		bool retired = strcmp(status, "retired") == 0;
		if (!retired && strcmp(status, "current") != 0)
			die("%s:%ld: status '%s' is neither current nor retired", cf.path, cf.line, status);
		if (!retired && regency->retired)
			die("%s:%ld: current kecamatan %s in retired kabupaten/kota", cf.path, cf.line, code);
		table_add(&kecamatan, code, csv_col(&cf, 3), retired);
	}
	csv_end(&cf);
	table_sort(&kecamatan, "kecamatan_all.csv");
}

static int kelurahan_cmp(const void *a, const void *b)
{
	return strcmp(((const struct kelurahan *)a)->code, ((const struct kelurahan *)b)->code);
}

static struct kelurahan *kelurahan_find(const char *code)
{
	struct kelurahan key = { .code = (char *)code };
	return bsearch(&key, kelurahan.v, kelurahan.n, sizeof *kelurahan.v, kelurahan_cmp);
}

static void load_kelurahan(const char *dir)
{
	static const char *const cols[] = { "kode", "kecamatan_kode", "kecamatan", "kelurahan" };
	struct csv_file cf;
	csv_begin(&cf, dir, "kota_tangerang_kelurahan.csv", cols, 4);
	while (csv_row(&cf)) {
		const char *code = csv_col(&cf, 0), *kec = csv_col(&cf, 1);
		check_code(&cf, code, 4, 4);
		check_parent(&cf, kec, "36.71");
		check_parent(&cf, code, kec);
		const struct entry *k = table_find(&kecamatan, kec);
		if (k == NULL || k->retired)
			die("%s:%ld: kecamatan %s is not a current code", cf.path, cf.line, kec);
		if (strcmp(k->name, csv_col(&cf, 2)) != 0)
			die("%s:%ld: kecamatan %s is '%s' here but '%s' in kecamatan_all.csv",
				cf.path, cf.line, kec, csv_col(&cf, 2), k->name);
		check_name(&cf, csv_col(&cf, 3));
		if (kelurahan.n == kelurahan.cap) {
			kelurahan.cap = kelurahan.cap != 0 ? kelurahan.cap * 2 : 128;
			kelurahan.v = xrealloc(kelurahan.v, kelurahan.cap * sizeof *kelurahan.v);
		}
		kelurahan.v[kelurahan.n++] = (struct kelurahan) {
			.code = xstrdup(code), .name = xstrdup(csv_col(&cf, 3)),
			.kec_code = xstrdup(kec), .kec_name = xstrdup(k->name),
		};
	}
	csv_end(&cf);
	if (kelurahan.n == 0)
		die("%s: no kelurahan", cf.path);
	qsort(kelurahan.v, kelurahan.n, sizeof *kelurahan.v, kelurahan_cmp);
	for (size_t i = 1; i < kelurahan.n; i++)
		if (strcmp(kelurahan.v[i - 1].code, kelurahan.v[i].code) == 0)
			die("%s: kelurahan %s appears twice", cf.path, kelurahan.v[i].code);
}

/* ---------------------------------------------------------------- polygons */

static char *read_file(const char *path, long max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		die("%s: cannot open", path);
	char *buf = NULL;
	size_t n = 0, cap = 0;
	for (;;) {
		if (n == cap) {
			cap = cap != 0 ? cap * 2 : 65536;
			if (cap > (size_t)max + 1)
				die("%s: larger than %ld bytes", path, max);
			buf = xrealloc(buf, cap);
		}
		size_t got = fread(buf + n, 1, cap - n, f);
		n += got;
		if (got == 0)
			break;
	}
	if (ferror(f))
		die("%s: read error", path);
	fclose(f);
	*len = n;
	return buf;
}

static const char *json_string(const cJSON *obj, const char *key, const char *where)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	if (!cJSON_IsString(v) || v->valuestring == NULL)
		die("%s: '%s' missing or not a string", where, key);
	return v->valuestring;
}

static void load_ring(struct kelurahan *k, const cJSON *ring, const char *where)
{
	int n = cJSON_GetArraySize(ring);
	if (!cJSON_IsArray(ring) || n < 4 || n > MAX_RING)
		die("%s: the ring needs 4 to %d points", where, MAX_RING);
	k->lat = xrealloc(NULL, (size_t)n * sizeof *k->lat);
	k->lon = xrealloc(NULL, (size_t)n * sizeof *k->lon);
	k->ring_len = (size_t)n;
	size_t i = 0;
	const cJSON *pt;
	cJSON_ArrayForEach(pt, ring) {
		const cJSON *lon = cJSON_GetArrayItem(pt, 0), *lat = cJSON_GetArrayItem(pt, 1);
		if (!cJSON_IsArray(pt) || cJSON_GetArraySize(pt) < 2 ||
		    !cJSON_IsNumber(lon) || !cJSON_IsNumber(lat))
			die("%s: point %zu is not [lon, lat]", where, i);
		double x = lon->valuedouble, y = lat->valuedouble;
		if (!isfinite(x) || !isfinite(y) || x < LON_MIN || x > LON_MAX || y < LAT_MIN || y > LAT_MAX)
			die("%s: point %zu (%g, %g) is not [lon, lat] in Indonesia", where, i, x, y);
		k->lon[i] = x;
		k->lat[i] = y;
		i++;
	}
	if (k->lat[0] != k->lat[n - 1] || k->lon[0] != k->lon[n - 1])
		die("%s: the ring is not closed", where);
}

static void load_polygons(const char *dir)
{
	char path[4096];
	int pn = snprintf(path, sizeof path, "%s/kota_tangerang_kelurahan.geojson", dir);
	if (pn < 0 || (size_t)pn >= sizeof path)
		die("%s: path too long", dir);
	size_t len;
	char *text = read_file(path, MAX_JSON_BYTES, &len);
	cJSON *root = cJSON_ParseWithLength(text, len);
	if (root == NULL)
		die("%s: not valid JSON", path);
	const cJSON *features = cJSON_GetObjectItemCaseSensitive(root, "features");
	if (!cJSON_IsArray(features))
		die("%s: no 'features' array", path);
	const cJSON *f;
	cJSON_ArrayForEach(f, features) {
		const cJSON *props = cJSON_GetObjectItemCaseSensitive(f, "properties");
		const cJSON *geom = cJSON_GetObjectItemCaseSensitive(f, "geometry");
		if (!cJSON_IsObject(props) || !cJSON_IsObject(geom))
			die("%s: a feature without properties or geometry", path);
		const char *code = json_string(props, "kode", path);
		char where[4200];
		snprintf(where, sizeof where, "%s: %s", path, code);
		struct kelurahan *k = kelurahan_find(code);
		if (k == NULL)
			die("%s: not in kota_tangerang_kelurahan.csv", where);
		if (k->lat != NULL)
			die("%s: two polygons", where);
		const cJSON *kec = cJSON_GetObjectItemCaseSensitive(props, "kecamatan_kode");
		if (kec != NULL && (!cJSON_IsString(kec) || strcmp(kec->valuestring, k->kec_code) != 0))
			die("%s: kecamatan_kode differs from the CSV", where);
		if (strcmp(json_string(geom, "type", where), "Polygon") != 0)
			die("%s: only Polygon geometries are supported", where);
		const cJSON *rings = cJSON_GetObjectItemCaseSensitive(geom, "coordinates");
		/* geo.c tests the outer ring only: a hole would be silently ignored */
		if (!cJSON_IsArray(rings) || cJSON_GetArraySize(rings) != 1)
			die("%s: the polygon must have exactly one ring (holes are not supported)", where);
		load_ring(k, cJSON_GetArrayItem(rings, 0), where);
	}
	for (size_t i = 0; i < kelurahan.n; i++)
		if (kelurahan.v[i].lat == NULL)
			die("%s: no polygon for kelurahan %s", path, kelurahan.v[i].code);
	cJSON_Delete(root);
	free(text);
}

/* ---------------------------------------------------------------- output */

/* A C string literal: ASCII as is, everything else in octal; '?' escaped
 * so no trigraph can form. */
static void put_string(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\' || *p == '?')
			printf("\\%c", *p);
		else if (*p >= 0x20 && *p < 0x7F)
			putchar(*p);
		else
			printf("\\%03o", *p);
	}
	putchar('"');
}

/* The shortest decimal that reads back as the same double. */
static void put_double(double v)
{
	char buf[40];
	for (int prec = 7; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	fputs(buf, stdout);
}

static void put_regions(const char *name, const struct table *t)
{
	printf("const struct wilayah_region %s[] = {\n", name);
	for (size_t i = 0; i < t->n; i++) {
		fputs("\t{ ", stdout);
		put_string(t->v[i].code);
		fputs(", ", stdout);
		put_string(t->v[i].name);
		printf(", %s },\n", t->v[i].retired ? "true" : "false");
	}
	printf("};\nconst size_t %s_count = %zu;\n\n", name, t->n);
}

static void put_ring(size_t index, const struct kelurahan *k)
{
	printf("static const struct wilayah_point ring_%zu[%zu] = {\n", index, k->ring_len);
	for (size_t i = 0; i < k->ring_len; i++) {
		fputs("\t{ ", stdout);
		put_double(k->lat[i]);
		fputs(", ", stdout);
		put_double(k->lon[i]);
		fputs(" },\n", stdout);
	}
	fputs("};\n", stdout);
}

static void put_kelurahan(void)
{
	for (size_t i = 0; i < kelurahan.n; i++)
		put_ring(i, &kelurahan.v[i]);
	fputs("\nconst struct wilayah_kelurahan wilayah_data_kelurahan[] = {\n", stdout);
	for (size_t i = 0; i < kelurahan.n; i++) {
		const struct kelurahan *k = &kelurahan.v[i];
		double min_lat = k->lat[0], max_lat = k->lat[0], min_lon = k->lon[0], max_lon = k->lon[0];
		for (size_t j = 1; j < k->ring_len; j++) {
			min_lat = fmin(min_lat, k->lat[j]);
			max_lat = fmax(max_lat, k->lat[j]);
			min_lon = fmin(min_lon, k->lon[j]);
			max_lon = fmax(max_lon, k->lon[j]);
		}
		fputs("\t{ ", stdout);
		put_string(k->code);
		fputs(", ", stdout);
		put_string(k->name);
		fputs(", ", stdout);
		put_string(k->kec_code);
		fputs(", ", stdout);
		put_string(k->kec_name);
		printf(", ring_%zu, %zu,\n\t  ", i, k->ring_len);
		put_double(min_lat);
		fputs(", ", stdout);
		put_double(min_lon);
		fputs(", ", stdout);
		put_double(max_lat);
		fputs(", ", stdout);
		put_double(max_lon);
		fputs(" },\n", stdout);
	}
	printf("};\nconst size_t wilayah_data_kelurahan_count = %zu;\n", kelurahan.n);
}

static void free_all(void)
{
	table_free(&provinces);
	table_free(&regencies);
	table_free(&kecamatan);
	for (size_t i = 0; i < kelurahan.n; i++) {
		struct kelurahan *k = &kelurahan.v[i];
		free(k->code);
		free(k->name);
		free(k->kec_code);
		free(k->kec_name);
		free(k->lat);
		free(k->lon);
	}
	free(kelurahan.v);
}

int main(int argc, char **argv)
{
	if (argc != 2)
		die("usage: gen-wilayah ASSETS_DIR > wilayah_data.c");
	const char *dir = argv[1];
	load_provinces(dir);
	load_regencies(dir);
	load_kecamatan(dir);
	load_kelurahan(dir);
	load_polygons(dir);

	puts("/* Generated by gen-wilayah from assets/wilayah/: do not edit. */");
	puts("#include \"config.h\"");
	puts("#include \"wilayah_data.h\"\n");
	put_regions("wilayah_data_provinces", &provinces);
	put_regions("wilayah_data_regencies", &regencies);
	put_regions("wilayah_data_kecamatan", &kecamatan);
	put_kelurahan();
	free_all();
	if (fflush(stdout) != 0 || ferror(stdout))
		die("write error");
	return 0;
}
