/* store/residents: the local copy of the population registry.
 * The CSV import streams row by row into one transaction with one prepared
 * statement, so memory stays flat and a broken row leaves nothing behind. */
#include "config.h"
#include "store.h"
#include "store_int.h"
#include "csv.h"
#include "i18n.h"
#include "nik.h"
#include "wilayah.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>

/* Above this file size the secondary indexes are dropped during the import
 * and built again at the end: one sort is far cheaper than a million
 * scattered index inserts. */
#define BIG_IMPORT_BYTES (16L * 1024 * 1024)
#define PROGRESS_EVERY 8192
/* Memory of a big import (goal: a peak of 32 MB for the whole program, on
 * old laptops with other programs open; the program alone is about 12 MB).
 * The page cache is what makes inserts in random NIK order fast; CREATE
 * INDEX's sorter keeps up to cache_size bytes in memory beside it, so the
 * cache shrinks before the index is built and the sorter spills to temp
 * files (temp_store FILE, set at open: SQLITE_TMPDIR, TMPDIR or /tmp,
 * unlinked at once).  Measured with 2,000,000 residents (BENCHMARKS.md):
 * 12 MiB + 4 MiB peak at 29 MB, random order 19 s; 8 MiB: 25 MB, 20 s;
 * 16 MiB: 33 MB.  The soft heap limit is a backstop over all of it. */
#define IMPORT_CACHE_KIB 12288
#define IMPORT_SORT_CACHE_KIB 4096
#define IMPORT_HEAP_LIMIT (24LL << 20)
#define DEFAULT_CACHE_KIB 2000

#define RESIDENT_COLUMNS "nik, kk, name, sex, birth_place, birth_date, address, rt, rw, kelurahan"

struct import {
	struct store *s;
	struct csv_reader *csv;
	int index[REGISTRY_FIELD_COUNT];        /* field position of each column, or -1 */
	size_t fields;               /* fields in the header */
	sqlite3_stmt *upsert;
	sqlite3_stmt *first_line;
	int64_t batch;
	time_t today;
	long line;
	long rows;
};

/* Trim spaces at both ends, in place. */
static char *trim(char *t)
{
	while (*t == ' ' || *t == '\t')
		t++;
	size_t n = strlen(t);
	while (n > 0 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
		t[--n] = '\0';
	return t;
}

static enum store_status row_fail(struct import *im, enum registry_field c, const char *why)
{
	return store_fail(im->s, STORE_REJECTED, _("Baris %ld, kolom %s: %s"),
		im->line, registry_field_name(c), why);
}

/* ---- the import ---- */

static enum store_status read_header(struct import *im)
{
	const char **f;
	size_t n;
	enum csv_status cs = csv_next(im->csv, &f, &n, &im->line);
	if (cs == CSV_EOF)
		return store_fail(im->s, STORE_REJECTED, _("File CSV kosong: baris judul "
			"(nik,kk,name,kelurahan,...) tidak ada."));
	if (cs != CSV_ROW)
		return store_fail(im->s, STORE_REJECTED, _("Baris %ld: %s"), im->line,
			gettext(csv_status_message(cs)));
	for (int c = 0; c < REGISTRY_FIELD_COUNT; c++)
		im->index[c] = -1;
	for (size_t i = 0; i < n; i++) {
		char name[64];
		if (!store_copy(name, sizeof name, f[i]))
			continue;     /* an unknown, very long column: ignored */
		const char *t = trim(name);
		for (int c = 0; c < REGISTRY_FIELD_COUNT; c++) {
			if (strcasecmp(t, registry_field_name(c)) != 0)
				continue;
			if (im->index[c] >= 0)
				return store_fail(im->s, STORE_REJECTED, _("Baris %ld: kolom %s "
					"muncul dua kali di baris judul."), im->line, registry_field_name(c));
			im->index[c] = (int)i;
		}
	}
	for (int c = 0; c < REGISTRY_FIELD_COUNT; c++)
		if (registry_field_required(c) && im->index[c] < 0)
			return store_fail(im->s, STORE_REJECTED, _("Baris judul tidak punya kolom "
				"wajib %s (wajib: nik,kk,name,kelurahan)."), registry_field_name(c));
	im->fields = n;
	return STORE_OK;
}

static enum store_status bind_and_insert(struct import *im, const struct resident *r)
{
	sqlite3_stmt *st = im->upsert;
	sqlite3_reset(st);
	for (int f = 0; f < REGISTRY_FIELD_COUNT; f++)
		sqlite3_bind_text(st, f + 1, registry_field_value(r, (enum registry_field)f), -1,
			SQLITE_STATIC);
	sqlite3_bind_int64(st, 11, im->batch);
	sqlite3_bind_int64(st, 12, im->line);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_DONE)
		return store_fail_sql(im->s, rc, "residents");
	if (sqlite3_changes(im->s->db) > 0)
		return STORE_OK;
	/* the row was written by this same import: the NIK is twice in the file */
	long first = 0;
	sqlite3_reset(im->first_line);
	sqlite3_bind_text(im->first_line, 1, r->nik, -1, SQLITE_STATIC);
	if (sqlite3_step(im->first_line) == SQLITE_ROW)
		first = (long)sqlite3_column_int64(im->first_line, 0);
	sqlite3_reset(im->first_line);
	char why[160];
	snprintf(why, sizeof why, _("NIK %s sudah ada di baris %ld (NIK ganda dalam file)"),
		r->nik, first);
	return row_fail(im, REGISTRY_NIK, why);
}

static bool blank_row(const char **f, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (const char *p = f[i]; *p != '\0'; p++)
			if (*p != ' ' && *p != '\t')
				return false;
	return true;
}

static enum store_status import_row(struct import *im, const char **f, size_t n)
{
	if (n != im->fields) {
		return store_fail(im->s, STORE_REJECTED, _("Baris %ld: ada %zu kolom, "
			"seharusnya %zu seperti baris judul (koma di dalam nama? beri tanda "
			"kutip \"...\")."), im->line, n, im->fields);
	}
	const char *v[REGISTRY_FIELD_COUNT];
	for (int c = 0; c < REGISTRY_FIELD_COUNT; c++)
		v[c] = im->index[c] >= 0 ? f[im->index[c]] : "";
	struct resident r;
	struct registry_verdict verdict = registry_parse(v, im->today, &r);
	if (verdict.problem != REGISTRY_OK)
		return row_fail(im, registry_problem_field(verdict.problem),
			gettext(registry_verdict_message(verdict)));
	return bind_and_insert(im, &r);
}

static enum store_status next_batch(struct import *im)
{
	char buf[32] = "";
	store_meta_get(im->s, "residents_import_batch", buf, sizeof buf);
	im->batch = strtoll(buf, NULL, 10) + 1;
	snprintf(buf, sizeof buf, "%lld", (long long)im->batch);
	return store_meta_put(im->s, "residents_import_batch", buf);
}

static enum store_status prepare_import(struct import *im)
{
	enum store_status st = next_batch(im);
	if (st == STORE_OK)
		st = store_prepare(im->s, "INSERT INTO residents (" RESIDENT_COLUMNS
			", import_batch, import_line) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
			" ON CONFLICT (nik) DO UPDATE SET kk = excluded.kk, name = excluded.name,"
			" sex = excluded.sex, birth_place = excluded.birth_place,"
			" birth_date = excluded.birth_date, address = excluded.address,"
			" rt = excluded.rt, rw = excluded.rw, kelurahan = excluded.kelurahan,"
			" import_batch = excluded.import_batch, import_line = excluded.import_line"
			" WHERE residents.import_batch <> excluded.import_batch", &im->upsert);
	if (st == STORE_OK)
		st = store_prepare(im->s, "SELECT import_line FROM residents WHERE nik = ?",
			&im->first_line);
	return st;
}

static enum store_status import_rows(struct import *im,
	void (*progress)(long bytes, long rows, void *ctx), void *ctx)
{
	for (;;) {
		const char **f;
		size_t n;
		enum csv_status cs = csv_next(im->csv, &f, &n, &im->line);
		if (cs == CSV_EOF)
			return STORE_OK;
		if (cs != CSV_ROW)
			return store_fail(im->s, STORE_REJECTED, _("Baris %ld: %s"), im->line,
				gettext(csv_status_message(cs)));
		if (blank_row(f, n))
			continue;
		enum store_status st = import_row(im, f, n);
		if (st != STORE_OK)
			return st;
		if (++im->rows % PROGRESS_EVERY == 0 && progress != NULL)
			progress(csv_bytes_read(im->csv), im->rows, ctx);
	}
}

static bool big_file(FILE *csv)
{
	struct stat sb;
	return fstat(fileno(csv), &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size >= BIG_IMPORT_BYTES;
}

static void set_cache_kib(struct store *s, int kib)
{
	char pragma[64];
	snprintf(pragma, sizeof pragma, "PRAGMA cache_size = -%d", kib);
	sqlite3_exec(s->db, pragma, NULL, NULL, NULL);
}

/* Bound the page cache and everything SQLite allocates for a big import;
 * returns the heap limit to restore.  The soft limit is process-wide, which
 * is fine: an import runs in a CLI command of its own. */
static sqlite3_int64 import_memory_bound(struct store *s)
{
	set_cache_kib(s, IMPORT_CACHE_KIB);
	return sqlite3_soft_heap_limit64(IMPORT_HEAP_LIMIT);
}

static void import_memory_restore(struct store *s, sqlite3_int64 heap_limit)
{
	sqlite3_soft_heap_limit64(heap_limit);
	set_cache_kib(s, DEFAULT_CACHE_KIB);
}

static enum store_status finish_import(struct import *im, bool big)
{
	char buf[32];
	enum store_status st = STORE_OK;
	if (big) {
		/* the sorter keeps up to cache_size bytes in memory beside the
		 * page cache (and ignores the heap limit): shrink the cache so
		 * both fit the bound; the rest is merged from temp files */
		set_cache_kib(im->s, IMPORT_SORT_CACHE_KIB);
		st = store_exec(im->s, "CREATE INDEX residents_kk ON residents (kk)");
	}
	if (st == STORE_OK)
		st = store_residents_name_rebuild(im->s);
	snprintf(buf, sizeof buf, "%lld", (long long)store_now());
	if (st == STORE_OK)
		st = store_meta_put(im->s, "residents_imported_at", buf);
	snprintf(buf, sizeof buf, "%ld", im->rows);
	if (st == STORE_OK)
		st = store_meta_put(im->s, "residents_import_rows", buf);
	/* no longer the copy the city sent: its changes do not apply to it */
	if (st == STORE_OK)
		st = store_sync_registry_not_the_citys(im->s);
	return st;
}

enum store_status store_import_residents(struct store *s, FILE *csv,
	void (*progress)(long bytes, long rows, void *ctx), void *ctx, long *rows_out)
{
	struct import im = { .s = s, .today = time(NULL) };
	if (rows_out != NULL)
		*rows_out = 0;
	im.csv = csv_open(csv);
	if (im.csv == NULL)
		return store_fail(s, STORE_IO, _("Memori tidak cukup."));
	bool big = big_file(csv);
	enum store_status st = store_begin(s);
	if (st == STORE_OK)
		st = read_header(&im);
	if (st == STORE_OK)
		st = prepare_import(&im);
	sqlite3_int64 heap_limit = -1;
	if (st == STORE_OK && big) {
		heap_limit = import_memory_bound(s);
		st = store_exec(s, "DROP INDEX residents_kk");
	}
	if (st == STORE_OK)
		st = import_rows(&im, progress, ctx);
	if (st == STORE_OK)
		st = finish_import(&im, big);
	long bytes = csv_bytes_read(im.csv);
	sqlite3_finalize(im.upsert);
	sqlite3_finalize(im.first_line);
	csv_free(im.csv);
	if (st == STORE_OK)
		st = store_commit(s);     /* durable here: synchronous=FULL */
	else
		store_rollback(s);
	if (heap_limit >= 0)
		import_memory_restore(s, heap_limit);
	if (big) {
		/* the kk index was dropped and built again: plan the cached
		 * look-ups afresh rather than rely on SQLite noticing */
		store_stmt_flush(s);
	}
	if (st == STORE_OK && progress != NULL)
		progress(bytes, im.rows, ctx);
	if (st == STORE_OK && rows_out != NULL)
		*rows_out = im.rows;
	return st;
}

/* ---- look-ups ---- */

static void resident_from_row(sqlite3_stmt *st, struct resident *r)
{
	memset(r, 0, sizeof *r);
	/* RESIDENT_COLUMNS are the registry's fields in their order */
	for (int f = 0; f < REGISTRY_FIELD_COUNT; f++) {
		size_t size;
		char *buffer = registry_field_buffer(r, (enum registry_field)f, &size);
		store_column_text(st, f, buffer, size);
	}
}

enum store_status store_resident_get(struct store *s, const char *nik, struct resident *out)
{
	char digits[NIK_LEN + 1];
	if (!nik_normalise(nik, digits) || strlen(digits) != NIK_LEN)
		return store_fail(s, STORE_NOT_FOUND, _("NIK %s tidak sah."), nik);
	sqlite3_stmt *st;
	enum store_status rc = store_stmt_get(s, STMT_RESIDENT_GET, "SELECT " RESIDENT_COLUMNS
		" FROM residents WHERE nik = ?", &st);
	if (rc != STORE_OK)
		return rc;
	sqlite3_bind_text(st, 1, digits, -1, SQLITE_STATIC);
	int step = sqlite3_step(st);
	if (step == SQLITE_ROW)
		resident_from_row(st, out);
	else if (step == SQLITE_DONE)
		rc = store_fail(s, STORE_NOT_FOUND, _("NIK %s tidak ada di data kependudukan."),
			digits);
	else
		rc = store_fail_sql(s, step, "residents");
	store_stmt_put(s, st);
	return rc;
}

int64_t store_resident_count(struct store *s)
{
	return store_count(s, "SELECT count(*) FROM residents");
}

static size_t residents_from(struct store *s, sqlite3_stmt *st, struct resident *out,
	size_t max)
{
	size_t n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		resident_from_row(st, &out[n++]);
	store_stmt_put(s, st);
	return n;
}

size_t store_residents_by_kk(struct store *s, const char *kk, struct resident *out, size_t max)
{
	sqlite3_stmt *st;
	if (max == 0 || store_stmt_get(s, STMT_RESIDENTS_BY_KK, "SELECT " RESIDENT_COLUMNS
		" FROM residents WHERE kk = ? ORDER BY birth_date, nik LIMIT ?", &st) != STORE_OK)
		return 0;
	store_bind_text(st, 1, kk);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	return residents_from(s, st, out, max);
}

/* One primary-key probe: true (and *out) when nik is registered. */
static bool resident_probe(struct store *s, const char *nik, struct resident *out)
{
	sqlite3_stmt *st;
	if (store_stmt_get(s, STMT_RESIDENT_GET, "SELECT " RESIDENT_COLUMNS
		" FROM residents WHERE nik = ?", &st) != STORE_OK)
		return false;
	sqlite3_bind_text(st, 1, nik, -1, SQLITE_STATIC);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	if (found)
		resident_from_row(st, out);
	store_stmt_put(s, st);
	return found;
}

static int resident_nik_cmp(const void *a, const void *b)
{
	return strcmp(((const struct resident *)a)->nik, ((const struct resident *)b)->nik);
}

size_t store_residents_near_nik(struct store *s, const char *nik, const char *kelurahan,
	struct resident *out, size_t max)
{
	char digits[NIK_LEN + 1];
	if (max == 0 || !nik_normalise(nik, digits) || strlen(digits) != NIK_LEN)
		return 0;
	size_t n = 0;
	struct resident found;
	char probe[NIK_LEN + 1];
	/* 16 x 9 replaced digits, then 15 neighbours swapped: each a lookup by
	 * the primary key, so a million residents cost the same as ten */
	for (int i = 0; i < NIK_LEN + NIK_LEN - 1 && n < max; i++) {
		for (char d = '0'; d <= '9' && n < max; d++) {
			memcpy(probe, digits, sizeof probe);
			if (i < NIK_LEN) {
				if (probe[i] == d)
					continue;
				probe[i] = d;
			} else {
				int at = i - NIK_LEN;
				if (d != '0' || probe[at] == probe[at + 1])
					continue;      /* one swap per pair */
				probe[at] = digits[at + 1];
				probe[at + 1] = digits[at];
			}
			if (!resident_probe(s, probe, &found))
				continue;
			if (kelurahan != NULL && kelurahan[0] != '\0' && strcmp(found.kelurahan, kelurahan) != 0)
				continue;
			out[n++] = found;
		}
	}
	qsort(out, n, sizeof *out, resident_nik_cmp);
	return n;
}

size_t store_residents_search(struct store *s, const char *text, struct resident *out, size_t max)
{
	char digits[NIK_LEN + 1];
	sqlite3_stmt *st;
	if (max == 0 || text == NULL || text[0] == '\0')
		return 0;
	if (nik_normalise(text, digits) && digits[0] != '\0') {
		/* a NIK prefix: a range on the primary key */
		char upper[NIK_LEN + 2];
		snprintf(upper, sizeof upper, "%s:", digits);   /* ':' sorts after '9' */
		if (store_stmt_get(s, STMT_RESIDENTS_BY_NIK_PREFIX, "SELECT " RESIDENT_COLUMNS
			" FROM residents WHERE nik >= ? AND nik < ? ORDER BY nik LIMIT ?", &st) != STORE_OK)
			return 0;
		store_bind_text(st, 1, digits);
		store_bind_text(st, 2, upper);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
		return residents_from(s, st, out, max);
	}
	/* part of a name: a scan (a registry copy is one kelurahan's residents,
	 * tens of thousands; a million take about half a second) */
	char pattern[RECORD_NAME_MAX * 2 + 3];
	store_like_pattern(text, pattern, sizeof pattern);
	if (store_stmt_get(s, STMT_RESIDENTS_BY_NAME, "SELECT " RESIDENT_COLUMNS
		" FROM residents WHERE name LIKE ? ESCAPE '\\' ORDER BY name COLLATE NOCASE LIMIT ?", &st) != STORE_OK)
		return 0;
	store_bind_text(st, 1, pattern);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	return residents_from(s, st, out, max);
}

/* ---- by name or KK, when the NIK is not known ---- */

enum store_status store_residents_name_rebuild(struct store *s)
{
	return store_exec(s, "INSERT INTO residents_name (residents_name) VALUES ('rebuild')");
}

/* The words of text as an FTS5 query: each a quoted prefix ("sri"* "wah"*),
 * all of them required.  Words split where the tokenizer splits (ASCII
 * other than letters and digits); false when there is no word. */
static bool name_query(const char *text, char *buf, size_t len)
{
	size_t o = 0;
	bool in_word = false, any = false;
	for (const unsigned char *p = (const unsigned char *)text; ; p++) {
		bool word_char = *p >= 0x80 || (*p >= '0' && *p <= '9') || ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z');
		if (word_char && !in_word) {
			if (o + 2 >= len)
				return false;
			if (any)
				buf[o++] = ' ';
			buf[o++] = '"';
			in_word = any = true;
		} else if (!word_char && in_word) {
			if (o + 3 >= len)
				return false;
			buf[o++] = '"';
			buf[o++] = '*';
			in_word = false;
		}
		if (*p == '\0')
			break;
		if (word_char) {
			if (o + 4 >= len)
				return false;
			buf[o++] = (char)*p;
		}
	}
	buf[o] = '\0';
	return any;
}

/* Digits only, ignoring spaces, dots and dashes (a KK as printed). */
static bool kk_digits(const char *text, char *buf, size_t len)
{
	size_t o = 0;
	for (const char *p = text; *p != '\0'; p++) {
		if (*p == ' ' || *p == '.' || *p == '-')
			continue;
		if (*p < '0' || *p > '9' || o + 1 >= len)
			return false;
		buf[o++] = *p;
	}
	buf[o] = '\0';
	return o > 0;
}

static int by_name(const void *a, const void *b)
{
	const struct resident *x = a, *y = b;
	int c = strcasecmp(x->name, y->name);
	return c != 0 ? c : strcmp(x->nik, y->nik);
}

size_t store_residents_find(struct store *s, const char *text, struct resident *out, size_t max)
{
	char kk[NIK_LEN + 1], upper[NIK_LEN + 2];
	char query[RECORD_NAME_MAX * 3 + 16];
	sqlite3_stmt *st;
	if (max == 0 || text == NULL)
		return 0;
	if (kk_digits(text, kk, sizeof kk)) {
		/* a KK number or its beginning: a range on the kk index */
		snprintf(upper, sizeof upper, "%s:", kk);   /* ':' sorts after '9' */
		if (store_stmt_get(s, STMT_RESIDENTS_BY_KK_PREFIX, "SELECT " RESIDENT_COLUMNS
			" FROM residents WHERE kk >= ? AND kk < ? ORDER BY kk, birth_date, nik LIMIT ?",
			&st) != STORE_OK)
			return 0;
		store_bind_text(st, 1, kk);
		store_bind_text(st, 2, upper);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
		return residents_from(s, st, out, max);
	}
	if (!name_query(text, query, sizeof query))
		return 0;
	/* the first max matches in the index's order, then sorted by name:
	 * no sort over every "Sri" of two million residents */
	if (store_stmt_get(s, STMT_RESIDENTS_BY_NAME_WORDS, "SELECT " RESIDENT_COLUMNS
		" FROM residents WHERE rowid IN (SELECT rowid FROM residents_name"
		" WHERE residents_name MATCH ? LIMIT ?)", &st) != STORE_OK)
		return 0;
	store_bind_text(st, 1, query);
	sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
	size_t n = residents_from(s, st, out, max);
	qsort(out, n, sizeof *out, by_name);
	return n;
}
