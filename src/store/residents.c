/* store/residents: the local copy of the population registry: look-ups by
 * NIK, KK and name (the CSV import is in import.c). */
#include "config.h"
#include "store.h"
#include "store_int.h"
#include "i18n.h"
#include "nik.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define RESIDENT_COLUMNS "nik, kk, name, sex, birth_place, birth_date, address, rt, rw, kelurahan"

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

/* rowids are distinct and from 1 up (SQLite gives them; a migration only
 * copies them): the largest is at least the count, read from the table's
 * last leaf where count(*) reads a whole index (50 ms for 2,000,000) */
int64_t store_resident_count_bound(struct store *s)
{
	return store_count(s, "SELECT coalesce(max(rowid), 0) FROM residents");
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

/* FTS5 writes its terms out each time this much has gathered, then merges
 * what it wrote: 4 MiB instead of its 1 MiB costs 0.5 s less over
 * 2,000,000 names; more gains nothing (the setting lives in the index's
 * config row: set for the rebuild, then back to FTS5's default) */
#define NAME_INDEX_BUFFER (4L << 20)
#define NAME_INDEX_BUFFER_DEFAULT (1L << 20)

static enum store_status name_index_buffer(struct store *s, long bytes)
{
	char sql[128];
	snprintf(sql, sizeof sql, "INSERT INTO residents_name (residents_name, rank)"
		" VALUES ('hashsize', %ld)", bytes);
	return store_exec(s, sql);
}

enum store_status store_residents_name_rebuild(struct store *s)
{
	enum store_status st = name_index_buffer(s, NAME_INDEX_BUFFER);
	if (st == STORE_OK)
		st = store_exec(s, "INSERT INTO residents_name (residents_name) VALUES ('rebuild')");
	if (st == STORE_OK)
		st = name_index_buffer(s, NAME_INDEX_BUFFER_DEFAULT);
	return st;
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
