/* lookup: NIK lookups on a registry copy, timed one by one.
 *   lookup sigacor PROFILE_DIR NIKFILE   as the form does it: nik_check,
 *                                        store_resident_get, then the
 *                                        warnings that need other records
 *   lookup sigacor-get PROFILE_DIR NIKFILE  store_resident_get alone
 *   lookup sqlite DB NIKFILE             a bare SQLite point lookup (one
 *                                        prepared SELECT by primary key)
 *   lookup first DB NIK                  open the database and look one NIK
 *                                        up, then exit (the start-up anchor)
 *   lookup names PROFILE_DIR QUERYFILE   the form's search by name or KK
 *                                        (store_residents_find, 20 rows), one
 *                                        query a line
 * A PROFILE_DIR with a password is opened as sigacor opens it (encrypted,
 * tests/bench/benchprofile.h), the password one line of stdin.
 * prints "p50_us p99_us max_us found/total" (nothing for first). */
#include "config.h"
#include "benchprofile.h"
#include "nik.h"
#include "record.h"
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_NIKS 200000

static double now_us(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static size_t read_niks(const char *path, char (*niks)[NIK_LEN + 1], size_t max)
{
	FILE *f = fopen(path, "r");
	if (f == NULL) {
		perror(path);
		return 0;
	}
	char line[128];
	size_t n = 0;
	while (n < max && fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strlen(line) == NIK_LEN)
			memcpy(niks[n++], line, NIK_LEN + 1);
	}
	fclose(f);
	return n;
}

static sqlite3_stmt *bare_prepare(sqlite3 *db)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(db, "SELECT nik, kk, name, sex, birth_place, birth_date,"
			" address, rt, rw, kelurahan FROM residents WHERE nik = ?1", -1, &st, NULL)
		!= SQLITE_OK)
		return NULL;
	return st;
}

static int bare_lookup(sqlite3_stmt *st, const char *nik, struct resident *r)
{
	sqlite3_bind_text(st, 1, nik, NIK_LEN, SQLITE_STATIC);
	int found = sqlite3_step(st) == SQLITE_ROW;
	if (found) {
		snprintf(r->name, sizeof r->name, "%s", (const char *)sqlite3_column_text(st, 2));
		snprintf(r->kk, sizeof r->kk, "%s", (const char *)sqlite3_column_text(st, 1));
		snprintf(r->address, sizeof r->address, "%s", (const char *)sqlite3_column_text(st, 6));
	}
	sqlite3_reset(st);
	return found;
}

/* The form's work once the 16th digit is in (src/ui/form.c nik_changed). */
static int form_lookup(struct store *s, const char *nik, struct resident *r, int get_only)
{
	if (get_only)
		return store_resident_get(s, nik, r) == STORE_OK;
	struct nik_info info;
	nik_check(nik, time(NULL), &info);
	char digits[NIK_LEN + 1];
	if (!nik_normalise(nik, digits) || !info.valid)
		return 0;
	int found = store_resident_get(s, digits, r) == STORE_OK;
	struct record rec;
	memset(&rec, 0, sizeof rec);
	memcpy(rec.nik, digits, sizeof rec.nik);
	if (found) {
		rec.in_registry = true;
		snprintf(rec.kk, sizeof rec.kk, "%s", r->kk);
		snprintf(rec.kelurahan, sizeof rec.kelurahan, "%s", r->kelurahan);
	}
	(void)store_record_warnings(s, &rec);
	return found;
}

/* The form's search without the NIK: each line of the file one query. */
static int name_searches(const char *dir, const char *path)
{
	FILE *f = fopen(path, "r");
	struct store *s = NULL;
	char err[512];
	if (f == NULL || bench_profile_open(dir, NULL, &s, err, sizeof err) != STORE_OK) {
		fprintf(stderr, "lookup: %s %s\n", path, s == NULL ? err : "");
		if (f != NULL)
			fclose(f);
		return 1;
	}
	static double us[MAX_NIKS];
	static struct resident found[20];
	size_t n = 0, hits = 0;
	char line[256];
	while (n < MAX_NIKS && fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		double t0 = now_us();
		hits += store_residents_find(s, line, found, 20) > 0;
		us[n++] = now_us() - t0;
	}
	fclose(f);
	store_close(s);
	if (n == 0)
		return 1;
	qsort(us, n, sizeof *us, cmp_double);
	printf("%.2f %.2f %.2f %zu/%zu\n", us[n / 2], us[(size_t)((double)n * 0.99)],
		us[n - 1], hits, n);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: lookup sigacor|sqlite DIR|DB NIKFILE | lookup names DIR QUERYFILE | lookup first DB NIK\n");
		return 2;
	}
	if (strcmp(argv[1], "names") == 0)
		return name_searches(argv[2], argv[3]);
	if (strcmp(argv[1], "first") == 0) {
		sqlite3 *db = NULL;
		if (sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
			return 1;
		sqlite3_stmt *st = bare_prepare(db);
		struct resident r;
		int found = st != NULL && bare_lookup(st, argv[3], &r);
		sqlite3_finalize(st);
		sqlite3_close(db);
		return found ? 0 : 1;
	}
	static char niks[MAX_NIKS][NIK_LEN + 1];
	size_t n = read_niks(argv[3], niks, MAX_NIKS);
	if (n == 0)
		return 1;
	double *us = calloc(n, sizeof *us);
	struct store *s = NULL;
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int bare = strcmp(argv[1], "sqlite") == 0;
	int get_only = strcmp(argv[1], "sigacor-get") == 0;
	if (bare) {
		if (sqlite3_open_v2(argv[2], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK
			|| (st = bare_prepare(db)) == NULL) {
			fprintf(stderr, "lookup: %s: %s\n", argv[2], sqlite3_errmsg(db));
			return 1;
		}
	} else {
		char err[512];
		if (bench_profile_open(argv[2], NULL, &s, err, sizeof err) != STORE_OK) {
			fprintf(stderr, "lookup: %s\n", err);
			return 1;
		}
	}
	size_t found = 0;
	for (size_t i = 0; i < n; i++) {
		struct resident r;
		double t0 = now_us();
		found += bare ? bare_lookup(st, niks[i], &r) : form_lookup(s, niks[i], &r, get_only);
		us[i] = now_us() - t0;
	}
	qsort(us, n, sizeof *us, cmp_double);
	printf("%.2f %.2f %.2f %zu/%zu\n", us[n / 2], us[(size_t)((double)n * 0.99)],
		us[n - 1], found, n);
	free(us);
	sqlite3_finalize(st);
	sqlite3_close(db);
	store_close(s);
	return 0;
}
