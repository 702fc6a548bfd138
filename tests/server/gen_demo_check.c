/* gen_demo_check: checks a gen-demo residents CSV (and optionally its
 * candidate list) against the NIK rules and the household structure.
 * Prints one line per property, "PASS what" or "FAIL what: detail", for
 * gen_demo.test to turn into TAP; exits 1 when anything failed. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "csv.h"
#include "nik.h"
#include "wilayah.h"

struct property {
	const char *what;
	long failures;
	char first[256];
};

enum {
	P_HEADER, P_FIELDS, P_NIK_VALID, P_NIK_WARNINGS, P_NIK_UNIQUE, P_SEX, P_BIRTH,
	P_KK_FORMAT, P_KK_NOT_NIK, P_HOUSEHOLD, P_HOUSEHOLD_SIZE, P_KELURAHAN,
	P_ALL_KELURAHAN, P_RT_RW, P_NAME, P_MOSTLY_LOCAL, P_SOME_OUTSIDE,
	P_CANDIDATES, P_COUNT
};

static struct property props[P_COUNT] = {
	[P_HEADER] = { "header is nik,kk,name,sex,birth_place,birth_date,address,rt,rw,kelurahan", 0, "" },
	[P_FIELDS] = { "every row has 10 fields", 0, "" },
	[P_NIK_VALID] = { "every NIK is valid by nik_check", 0, "" },
	[P_NIK_WARNINGS] = { "no NIK has an unknown region", 0, "" },
	[P_NIK_UNIQUE] = { "NIKs are unique", 0, "" },
	[P_SEX] = { "sex column matches the NIK (day +40 for women)", 0, "" },
	[P_BIRTH] = { "birth_date is a real date before 2025 and matches the NIK for >99%", 0, "" },
	[P_KK_FORMAT] = { "KK is 16 digits issued in the household's kecamatan", 0, "" },
	[P_KK_NOT_NIK] = { "no KK number equals a NIK", 0, "" },
	[P_HOUSEHOLD] = { "rows of one KK are together and share address, RT, RW, kelurahan", 0, "" },
	[P_HOUSEHOLD_SIZE] = { "households have 1 to 7 members", 0, "" },
	[P_KELURAHAN] = { "every kelurahan code is one of Kota Tangerang's", 0, "" },
	[P_ALL_KELURAHAN] = { "all 104 kelurahan appear", 0, "" },
	[P_RT_RW] = { "RT is 001-015 and RW 001-012", 0, "" },
	[P_NAME] = { "names are non-empty", 0, "" },
	[P_MOSTLY_LOCAL] = { "most NIKs are registered in the kecamatan of residence", 0, "" },
	[P_SOME_OUTSIDE] = { "some NIKs are registered outside Kota Tangerang", 0, "" },
	[P_CANDIDATES] = { "candidates name a resident NIK with its KK and kelurahan", 0, "" },
};

static void fail(int p, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void fail(int p, long line, const char *fmt, ...)
{
	if (props[p].failures++ == 0) {
		char detail[200];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(detail, sizeof detail, fmt, ap);
		va_end(ap);
		snprintf(props[p].first, sizeof props[p].first, "line %ld: %s", line, detail);
	}
}

static bool all_digits(const char *s, size_t n)
{
	if (strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static bool sorted_has(const uint64_t *v, size_t n, uint64_t key)
{
	return bsearch(&key, v, n, sizeof *v, cmp_u64) != NULL;
}

struct household_state {
	char kk[17], address[300], rt[8], rw[8], kel[20];
	long size;
};

/* KK numbers seen (to check that a KK's rows are together) */
struct seen { uint64_t *v; size_t n, cap; };

static void seen_add(struct seen *s, uint64_t x)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 4096;
		s->v = realloc(s->v, s->cap * sizeof *s->v);
		if (s->v == NULL)
			exit(2);
	}
	s->v[s->n++] = x;
}

static void check_person(const char **f, long line, time_t today, long *local, long *outside)
{
	struct nik_info info;
	nik_check(f[0], today, &info);
	if (!info.valid)
		fail(P_NIK_VALID, line, "%s errors 0x%x", f[0], info.errors);
	if (info.warnings & ((1u << NIK_WARN_REGENCY) | (1u << NIK_WARN_KECAMATAN)))
		fail(P_NIK_WARNINGS, line, "%s warnings 0x%x", f[0], info.warnings);
	bool female = strcmp(f[3], "P") == 0;
	if ((!female && strcmp(f[3], "L") != 0)
		|| info.sex != (female ? NIK_SEX_FEMALE : NIK_SEX_MALE))
		fail(P_SEX, line, "%s sex %s", f[0], f[3]);
	if (strncmp(f[0], "3671", 4) != 0)
		(*outside)++;
	/* "36.71.05.1003" -> kecamatan digits 367105 */
	if (strlen(f[9]) == 13 && strncmp(f[0], "3671", 4) == 0
		&& f[0][4] == f[9][6] && f[0][5] == f[9][7])
		(*local)++;
	if (f[2][0] == '\0')
		fail(P_NAME, line, "empty name");
}

static long birth_mismatches;

static void check_birth(const char **f, long line)
{
	int y, m, d;
	char extra;
	if (sscanf(f[5], "%4d-%2d-%2d%c", &y, &m, &d, &extra) != 3 || strlen(f[5]) != 10
		|| y < 1900 || y > 2024 || m < 1 || m > 12 || d < 1 || d > 31) {
		fail(P_BIRTH, line, "birth_date %s", f[5]);
		return;
	}
	int nd = (f[0][6] - '0') * 10 + (f[0][7] - '0');
	int nm = (f[0][8] - '0') * 10 + (f[0][9] - '0');
	int ny = (f[0][10] - '0') * 10 + (f[0][11] - '0');
	if (nd > 40)
		nd -= 40;
	if (nd != d || nm != m || ny != y % 100)
		birth_mismatches++;
}

static void check_household(const char **f, long line, struct household_state *h,
	struct seen *kks, long *sizes_bad)
{
	if (!all_digits(f[1], 16) || strncmp(f[1], "3671", 4) != 0
		|| strlen(f[9]) != 13 || f[1][4] != f[9][6] || f[1][5] != f[9][7])
		fail(P_KK_FORMAT, line, "KK %s in %s", f[1], f[9]);
	if (strcmp(f[1], h->kk) == 0) {
		h->size++;
		if (strcmp(f[6], h->address) != 0 || strcmp(f[7], h->rt) != 0
			|| strcmp(f[8], h->rw) != 0 || strcmp(f[9], h->kel) != 0)
			fail(P_HOUSEHOLD, line, "KK %s: members differ in address", f[1]);
		if (h->size > 7)
			(*sizes_bad)++;
		return;
	}
	snprintf(h->kk, sizeof h->kk, "%s", f[1]);
	snprintf(h->address, sizeof h->address, "%s", f[6]);
	snprintf(h->rt, sizeof h->rt, "%s", f[7]);
	snprintf(h->rw, sizeof h->rw, "%s", f[8]);
	snprintf(h->kel, sizeof h->kel, "%s", f[9]);
	h->size = 1;
	seen_add(kks, strtoull(f[1], NULL, 10));
}

/* "003" -> 3; -1 unless exactly three digits */
static int three_digits(const char *s)
{
	return all_digits(s, 3) ? (s[0] - '0') * 100 + (s[1] - '0') * 10 + (s[2] - '0') : -1;
}

static void check_place(const char **f, long line, bool *kel_seen)
{
	const struct wilayah_kelurahan *k = wilayah_kelurahan_find(f[9]);
	if (k == NULL || strcmp(k->code, f[9]) != 0)
		fail(P_KELURAHAN, line, "kelurahan %s", f[9]);
	else
		for (size_t i = 0; i < wilayah_kelurahan_count(); i++)
			if (wilayah_kelurahan_at(i) == k)
				kel_seen[i] = true;
	int rt = three_digits(f[7]), rw = three_digits(f[8]);
	if (rt < 1 || rt > 15 || rw < 1 || rw > 12)
		fail(P_RT_RW, line, "RT %s RW %s", f[7], f[8]);
}

/* Every candidate names a resident: the NIK exists with that KK and kelurahan. */
static void check_candidates(const char *path, const char *residents_path)
{
	FILE *cf = fopen(path, "r");
	FILE *rf = fopen(residents_path, "r");
	if (cf == NULL || rf == NULL) {
		fail(P_CANDIDATES, 0, "cannot open %s or %s", path, residents_path);
		goto done;
	}
	/* key: NIK; value packed as KK digits + kelurahan code in a text line */
	struct cand { uint64_t nik; char kk[17]; char kel[16]; } *c = NULL;
	size_t n = 0, cap = 0;
	struct csv_reader *r = csv_open(cf);
	const char **f;
	size_t count;
	long line;
	enum csv_status st;
	bool header = true;
	while ((st = csv_next(r, &f, &count, &line)) == CSV_ROW) {
		if (header) {
			header = false;
			if (count != 4 || strcmp(f[0], "kk") != 0 || strcmp(f[1], "nik") != 0
				|| strcmp(f[2], "kelurahan") != 0 || strcmp(f[3], "program") != 0)
				fail(P_CANDIDATES, line, "header");
			continue;
		}
		if (count != 4 || !all_digits(f[1], 16)
			|| (strcmp(f[3], "PKH") != 0 && strcmp(f[3], "BPNT") != 0)) {
			fail(P_CANDIDATES, line, "bad row");
			continue;
		}
		if (n == cap) {
			cap = cap ? cap * 2 : 1024;
			c = realloc(c, cap * sizeof *c);
			if (c == NULL)
				exit(2);
		}
		c[n].nik = strtoull(f[1], NULL, 10);
		snprintf(c[n].kk, sizeof c[n].kk, "%s", f[0]);
		snprintf(c[n].kel, sizeof c[n].kel, "%s", f[2]);
		n++;
	}
	csv_free(r);
	if (n == 0)
		fail(P_CANDIDATES, 0, "no candidates");
	qsort(c, n, sizeof *c, cmp_u64);   /* nik is the first member */
	size_t found = 0;
	r = csv_open(rf);
	while ((st = csv_next(r, &f, &count, &line)) == CSV_ROW) {
		if (count != 10 || !all_digits(f[0], 16))
			continue;
		uint64_t key = strtoull(f[0], NULL, 10);
		struct cand *hit = bsearch(&key, c, n, sizeof *c, cmp_u64);
		if (hit == NULL)
			continue;
		found++;
		if (strcmp(hit->kk, f[1]) != 0 || strcmp(hit->kel, f[9]) != 0)
			fail(P_CANDIDATES, line, "candidate %s: KK or kelurahan differs", f[0]);
	}
	csv_free(r);
	if (found != n)
		fail(P_CANDIDATES, 0, "%zu of %zu candidates are residents", found, n);
	free(c);
done:
	if (cf != NULL)
		fclose(cf);
	if (rf != NULL)
		fclose(rf);
}

int main(int argc, char **argv)
{
	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: gen_demo_check RESIDENTS.csv [CANDIDATES.csv]\n");
		return 2;
	}
	FILE *in = fopen(argv[1], "r");
	if (in == NULL) {
		perror(argv[1]);
		return 2;
	}
	struct tm tm = { .tm_year = 125, .tm_mon = 0, .tm_mday = 1, .tm_hour = 12 };
	time_t today = timegm(&tm);
	struct csv_reader *r = csv_open(in);
	struct household_state h = { .kk = "" };
	struct seen niks = { 0 }, kks = { 0 };
	bool kel_seen[128] = { false };
	long rows = 0, local = 0, outside = 0, sizes_bad = 0;
	const char **f;
	size_t count;
	long line;
	enum csv_status st;
	bool header = true;
	while ((st = csv_next(r, &f, &count, &line)) == CSV_ROW) {
		if (header) {
			header = false;
			static const char *const want[] = { "nik", "kk", "name", "sex",
				"birth_place", "birth_date", "address", "rt", "rw", "kelurahan" };
			for (size_t i = 0; i < 10; i++)
				if (count != 10 || strcmp(f[i], want[i]) != 0) {
					fail(P_HEADER, line, "header field %zu", i);
					break;
				}
			continue;
		}
		rows++;
		if (count != 10 || !all_digits(f[0], 16)) {
			fail(P_FIELDS, line, "%zu fields", count);
			continue;
		}
		check_person(f, line, today, &local, &outside);
		check_birth(f, line);
		check_household(f, line, &h, &kks, &sizes_bad);
		check_place(f, line, kel_seen);
		seen_add(&niks, strtoull(f[0], NULL, 10));
	}
	if (st != CSV_EOF)
		fail(P_FIELDS, line, "CSV error: %s", csv_status_message(st));
	csv_free(r);
	fclose(in);

	qsort(niks.v, niks.n, sizeof *niks.v, cmp_u64);
	for (size_t i = 1; i < niks.n; i++)
		if (niks.v[i] == niks.v[i - 1])
			fail(P_NIK_UNIQUE, 0, "%016llu twice", (unsigned long long)niks.v[i]);
	/* a KK seen again after other KKs came between: its members are split */
	qsort(kks.v, kks.n, sizeof *kks.v, cmp_u64);
	for (size_t i = 1; i < kks.n; i++)
		if (kks.v[i] == kks.v[i - 1])
			fail(P_HOUSEHOLD, 0, "KK %016llu split", (unsigned long long)kks.v[i]);
	for (size_t i = 0; i < kks.n; i++)
		if (sorted_has(niks.v, niks.n, kks.v[i]))
			fail(P_KK_NOT_NIK, 0, "KK %016llu is also a NIK", (unsigned long long)kks.v[i]);
	if (sizes_bad > 0)
		fail(P_HOUSEHOLD_SIZE, 0, "%ld rows beyond 7 members", sizes_bad);
	if (birth_mismatches * 100 > rows)
		fail(P_BIRTH, 0, "%ld of %ld birth dates differ from the NIK", birth_mismatches, rows);
	for (size_t i = 0; i < wilayah_kelurahan_count(); i++)
		if (!kel_seen[i]) {
			fail(P_ALL_KELURAHAN, 0, "%s missing", wilayah_kelurahan_at(i)->code);
			break;
		}
	if (wilayah_kelurahan_count() != 104)
		fail(P_ALL_KELURAHAN, 0, "wilayah has %zu kelurahan", wilayah_kelurahan_count());
	if (local * 10 < rows * 7)
		fail(P_MOSTLY_LOCAL, 0, "%ld of %ld", local, rows);
	if (outside * 100 < rows || outside * 4 > rows)
		fail(P_SOME_OUTSIDE, 0, "%ld of %ld", outside, rows);
	if (argc == 3)
		check_candidates(argv[2], argv[1]);
	else
		props[P_CANDIDATES].what = NULL;

	int status = 0;
	printf("ROWS %ld\n", rows);
	for (int p = 0; p < P_COUNT; p++) {
		if (props[p].what == NULL)
			continue;
		if (props[p].failures == 0)
			printf("PASS %s\n", props[p].what);
		else {
			printf("FAIL %s: %ld failures, first %s\n", props[p].what,
				props[p].failures, props[p].first);
			status = 1;
		}
	}
	free(niks.v);
	free(kks.v);
	return status;
}
