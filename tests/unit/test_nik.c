/* NIK validation and decoding: the shared test vectors and the edge cases
 * of doc/NIK.md, each with a fixed "today". */
#include "config.h"
#include "nik.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "../tap.h"

#define BIT(p) (1u << (p))

/* noon UTC, so the calendar date is the same in every time zone */
static time_t date_at_noon(int y, int m, int d)
{
	/* days from 1970-01-01 (Howard Hinnant's days_from_civil) */
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	long days = era * 146097 + doe - 719468;
	return (time_t)(days * 86400 + 12 * 3600);
}

static time_t today;

/* What each vector of tests/data/nik/nik_test_vectors.csv must give, exactly. */
static const struct {
	const char *nik;
	unsigned errors, warnings;
} expected[] = {
	{ "3671011503850002", 0, 0 },
	{ "3671075503850002", 0, 0 },
	{ "3671137112990001", 0, 0 },
	{ "3671090101000001", 0, 0 },
	{ "3603121708450003", 0, BIT(NIK_WARN_OUTSIDE) },
	{ "3101010207800001", 0, BIT(NIK_WARN_OUTSIDE) },
	{ "9101011010900001", 0, BIT(NIK_WARN_OUTSIDE) | BIT(NIK_WARN_RETIRED) },
	{ "3671011503850000", BIT(NIK_ERR_SERIAL), 0 },
	{ "3671013203850001", BIT(NIK_ERR_DAY), 0 },
	{ "3671014003850001", BIT(NIK_ERR_DAY), 0 },
	{ "3671010003850001", BIT(NIK_ERR_DAY), 0 },
	{ "3671017203850001", BIT(NIK_ERR_DAY), 0 },
	{ "3671011513850001", BIT(NIK_ERR_MONTH), 0 },
	{ "3671011500850001", BIT(NIK_ERR_MONTH), 0 },
	{ "3671013002850001", BIT(NIK_ERR_DATE), 0 },
	{ "3671012902010001", BIT(NIK_ERR_DATE), 0 },
	{ "3671016902000001", 0, 0 },
	/* the file says "invalid (unknown region)"; an unknown kecamatan is a
	 * warning here because the lists may lag new kecamatan (doc/NIK.md) */
	{ "3671141503850001", 0, BIT(NIK_WARN_KECAMATAN) },
	{ "3672011503850001", 0, BIT(NIK_WARN_OUTSIDE) },
	{ "0071011503850001", BIT(NIK_ERR_PROVINCE), 0 },
	{ "3771011503850001", BIT(NIK_ERR_PROVINCE), 0 },
	{ "367101150385001", BIT(NIK_ERR_LENGTH), 0 },
	{ "36710115038500011", BIT(NIK_ERR_LENGTH), 0 },
	{ "3671O11503850001", BIT(NIK_ERR_CHAR), 0 },
	{ "3671 0115 0385 0001", 0, 0 },
};

static void test_vectors(void)
{
	const char *dir = getenv("TESTDATA");
	char path[4096];
	snprintf(path, sizeof path, "%s/nik/nik_test_vectors.csv", dir != NULL ? dir : "tests/data");
	FILE *f = fopen(path, "rb");
	if (!ok(f != NULL, "open %s", path))
		return;
	struct csv_reader *r = csv_open(f);
	const char **fields;
	size_t count;
	long line;
	is_int(csv_next(r, &fields, &count, &line), CSV_ROW, "vector header");
	size_t seen = 0;
	while (csv_next(r, &fields, &count, &line) == CSV_ROW) {
		if (!ok(count == 3, "line %ld has nik,expected,reason", line))
			continue;
		size_t i = 0;
		while (i < sizeof expected / sizeof expected[0] && strcmp(expected[i].nik, fields[0]) != 0)
			i++;
		if (!ok(i < sizeof expected / sizeof expected[0], "vector %s is in the table", fields[0]))
			continue;
		seen++;
		struct nik_info info;
		nik_check(fields[0], today, &info);
		is_int(info.errors, expected[i].errors, "%s errors (%s)", fields[0], fields[2]);
		is_int(info.warnings, expected[i].warnings, "%s warnings", fields[0]);
		/* the file's own verdict; the one documented exception aside */
		bool file_valid = strncmp(fields[1], "valid", 5) == 0 ||
			strstr(fields[1], "valid after") != NULL ||
			strcmp(fields[0], "3671141503850001") == 0;
		is_int(info.valid, file_valid, "%s valid: file says '%s'", fields[0], fields[1]);
	}
	is_int(seen, sizeof expected / sizeof expected[0], "every vector was read");
	csv_free(r);
	fclose(f);
}

static void test_decode(void)
{
	struct nik_info info;
	nik_check("3671011503850002", today, &info);
	is_str(info.nik, "3671011503850002", "digits kept");
	is_str(info.province, "Banten", "province");
	is_str(info.regency, "Kota Tangerang", "regency");
	is_str(info.kecamatan, "Tangerang", "kecamatan");
	ok(info.birth_year == 1985 && info.birth_month == 3 && info.birth_day == 15, "born 1985-03-15");
	is_int(info.sex, NIK_SEX_MALE, "male");

	nik_check("3671075503850002", today, &info);
	ok(info.valid && info.sex == NIK_SEX_FEMALE && info.birth_day == 15, "day 55: woman born on the 15th");
	is_str(info.kecamatan, "Karawaci", "kecamatan 07 Karawaci");

	nik_check("3671137112990001", today, &info);
	ok(info.valid && info.birth_day == 31 && info.birth_month == 12 && info.birth_year == 1999,
		"day 71: woman born 1999-12-31");

	nik_check("9101011010900001", today, &info);
	is_str(info.regency, "Kabupaten Merauke", "retired regency named from the old list");
	is_str(info.kecamatan, "Merauke", "retired kecamatan named");
	is_str(info.province, "Papua", "province 91 Papua");
	ok(info.valid && (info.warnings & BIT(NIK_WARN_RETIRED)), "retired Papua prefix 9101: valid, warns");

	nik_check("9301011010900001", today, &info);
	ok(info.valid && !(info.warnings & BIT(NIK_WARN_RETIRED)), "its successor 9301 does not warn");

	nik_check("3603121708450003", today, &info);
	is_str(info.regency, "Kabupaten Tangerang", "3603 Kabupaten Tangerang");
	is_int(info.warnings, BIT(NIK_WARN_OUTSIDE), "out-of-city NIK: one warning");

	nik_check("3699011503850001", today, &info);
	ok(info.valid && info.regency == NULL && info.kecamatan == NULL, "unknown regency: valid, no names");
	is_int(info.warnings, BIT(NIK_WARN_REGENCY) | BIT(NIK_WARN_OUTSIDE), "unknown regency warns");
}

static void check_birth(const char *nik, time_t when, int y, int m, int d, const char *what)
{
	struct nik_info info;
	nik_check(nik, when, &info);
	if (y == 0) {
		ok(!info.valid && info.errors == BIT(NIK_ERR_DATE) && info.birth_year == 0,
			"%s: %s is a date error", what, nik);
		return;
	}
	ok(info.valid && info.birth_year == y && info.birth_month == m && info.birth_day == d,
		"%s: %s born %04d-%02d-%02d (got %04d-%02d-%02d)", what, nik, y, m, d,
		info.birth_year, info.birth_month, info.birth_day);
}

static void test_dates(void)
{
	check_birth("3671016902000001", today, 2000, 2, 29, "29 Feb 00: 2000 is leap");
	check_birth("3671016902000001", date_at_noon(2000, 2, 28), 0, 0, 0,
		"29 Feb 00 seen on 2000-02-28: 2000 in the future, 1900 not leap");
	check_birth("3671016902000001", date_at_noon(2000, 2, 29), 2000, 2, 29, "born today");
	check_birth("3671012902040001", date_at_noon(2004, 2, 28), 1904, 2, 29,
		"29 Feb 04 before it happened in 2004: 1904 (leap)");
	check_birth("3671012902960001", today, 1996, 2, 29, "29 Feb 96");
	check_birth("3671012902970001", today, 0, 0, 0, "29 Feb 97");
	check_birth("3671010106250001", today, 2025, 6, 1, "born on 'today' 2025-06-01");
	check_birth("3671010206250001", today, 1925, 6, 2, "tomorrow in 2025 means 1925");
	check_birth("3671013112240001", today, 2024, 12, 31, "last year");
	check_birth("3671010101300001", today, 1930, 1, 1, "YY 30 in 2025 means 1930");
	check_birth("3671013104850001", today, 0, 0, 0, "31 April");
	check_birth("3671017104850001", today, 0, 0, 0, "31 April for a woman (71)");
	check_birth("3671017101850001", today, 1985, 1, 31, "31 January for a woman (71)");
	check_birth("3671014101850001", today, 1985, 1, 1, "1 January for a woman (41)");
	check_birth("3671013101850001", today, 1985, 1, 31, "31 January for a man");
}

static void expect(const char *input, unsigned errors, const char *what)
{
	struct nik_info info;
	nik_check(input, today, &info);
	is_int(info.errors, errors, "%s: '%s'", what, input != NULL ? input : "(null)");
	ok(info.valid == (errors == 0), "%s: valid iff no errors", what);
}

static void test_errors(void)
{
	expect("", BIT(NIK_ERR_EMPTY), "empty");
	expect(NULL, BIT(NIK_ERR_EMPTY), "NULL");
	expect(" .- ", BIT(NIK_ERR_EMPTY), "separators only");
	expect("3671O11503850001", BIT(NIK_ERR_CHAR), "letter O");
	expect("3671011503850OO1", BIT(NIK_ERR_CHAR), "letters O in the serial");
	expect("367l011503850001", BIT(NIK_ERR_CHAR), "lower-case l");
	expect("3671011503850001x", BIT(NIK_ERR_CHAR) | BIT(NIK_ERR_LENGTH), "trailing letter");
	expect("3671/0115/0385/0001", BIT(NIK_ERR_CHAR) | BIT(NIK_ERR_LENGTH), "slashes are not separators");
	expect("367101150385001", BIT(NIK_ERR_LENGTH), "15 digits");
	expect("36710115038500011", BIT(NIK_ERR_LENGTH), "17 digits");
	expect("0071011503850001", BIT(NIK_ERR_PROVINCE), "province 00");
	expect("3771011503850001", BIT(NIK_ERR_PROVINCE), "province 37");
	expect("3671013203850001", BIT(NIK_ERR_DAY), "day 32");
	expect("3671017203850001", BIT(NIK_ERR_DAY), "day 72");
	expect("3671019903850001", BIT(NIK_ERR_DAY), "day 99");
	expect("3671011500850001", BIT(NIK_ERR_MONTH), "month 00");
	expect("3671011513850001", BIT(NIK_ERR_MONTH), "month 13");
	expect("3671013002850001", BIT(NIK_ERR_DATE), "30 February");
	expect("3671011503850000", BIT(NIK_ERR_SERIAL), "serial 0000");
	expect("3671019999999999", BIT(NIK_ERR_DAY) | BIT(NIK_ERR_MONTH), "serial 9999 fine, date not");
	expect("0071013213850000",
		BIT(NIK_ERR_PROVINCE) | BIT(NIK_ERR_DAY) | BIT(NIK_ERR_MONTH) | BIT(NIK_ERR_SERIAL),
		"every error at once");
	expect("007101321385000", BIT(NIK_ERR_LENGTH) | BIT(NIK_ERR_PROVINCE) | BIT(NIK_ERR_DAY) |
		BIT(NIK_ERR_MONTH), "short: the serial is not judged");
	/* typing: fields are judged as soon as they are complete */
	expect("36", BIT(NIK_ERR_LENGTH), "typing '36'");
	expect("37", BIT(NIK_ERR_LENGTH) | BIT(NIK_ERR_PROVINCE), "typing '37'");
	expect("36710132", BIT(NIK_ERR_LENGTH) | BIT(NIK_ERR_DAY), "typing up to day 32");
	expect("3671013002", BIT(NIK_ERR_LENGTH), "typing: the year decides 30 Feb later");
	expect("3O71", BIT(NIK_ERR_CHAR) | BIT(NIK_ERR_LENGTH), "typing: no province judged over a letter");

	struct nik_info info;
	nik_check("3671 0115 0385 000", today, &info);
	is_str(info.nik, "367101150385000", "partial input: digits as far as they go");
	ok(info.sex == NIK_SEX_MALE && info.birth_year == 1985, "partial input still decodes its date");
}

static void test_normalise(void)
{
	char out[NIK_LEN + 1];
	ok(nik_normalise("3671 0115 0385 0001", out) && strcmp(out, "3671011503850001") == 0,
		"spaces stripped");
	ok(nik_normalise("3671.0115.0385-0001", out) && strcmp(out, "3671011503850001") == 0,
		"dots and dash stripped");
	ok(nik_normalise(" 36-71\t01 ", out) && strcmp(out, "367101") == 0, "a prefix normalises");
	ok(!nik_normalise("3671O11503850001", out), "letter O rejected");
	ok(!nik_normalise("367l011503850001", out), "letter l rejected");
	ok(!nik_normalise("36710115038500011", out), "17 digits rejected");
	ok(!nik_normalise(NULL, out) && out[0] == '\0', "NULL rejected");

	struct nik_info info;
	nik_check("3671.0115.0385-0001", today, &info);
	ok(info.valid && strcmp(info.nik, "3671011503850001") == 0, "nik_check normalises dots and dash");
	nik_check("3671 0115 0385 0001", today, &info);
	ok(info.valid && strcmp(info.nik, "3671011503850001") == 0, "nik_check normalises spaces");
}

static void test_problems(void)
{
	for (int p = 0; p < NIK_PROBLEM_COUNT; p++) {
		const char *code = nik_problem_code((enum nik_problem)p);
		ok(code[0] != '\0' && nik_problem_message((enum nik_problem)p)[0] != '\0',
			"problem %d has code '%s' and a message", p, code);
		for (int q = 0; q < p; q++)
			if (strcmp(code, nik_problem_code((enum nik_problem)q)) == 0)
				ok(false, "code '%s' is used twice", code);
	}
	is_str(nik_problem_code(NIK_ERR_LENGTH), "length", "code of NIK_ERR_LENGTH");
	is_str(nik_problem_code(NIK_PROBLEM_COUNT), "", "out-of-range code is empty");
	ok(!nik_problem_is_warning(NIK_ERR_SERIAL) && nik_problem_is_warning(NIK_WARN_REGENCY) &&
		nik_problem_is_warning(NIK_WARN_OUTSIDE), "errors and warnings told apart");

	struct nik_info info;
	nik_check("0071013213850000", today, &info);
	is_int(nik_first_problem(&info), NIK_ERR_PROVINCE, "first problem: the first error");
	nik_check("9101011010900001", today, &info);
	is_int(nik_first_problem(&info), NIK_WARN_RETIRED, "first problem: a warning when no error");
	nik_check("3671011503850002", today, &info);
	is_int(nik_first_problem(&info), -1, "no problem: -1");
}

int main(void)
{
	today = date_at_noon(2025, 6, 1);
	test_vectors();
	test_decode();
	test_dates();
	test_errors();
	test_normalise();
	test_problems();
	return tap_done();
}
