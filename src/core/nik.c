#include "config.h"
#include "nik.h"

#include <string.h>

#include "calendar.h"
#include "i18n.h"
#include "wilayah.h"

/* Lengths of the region prefixes and positions (0-based) of the fields */
#define PREFIX_PROVINCE 2
#define PREFIX_REGENCY 4
#define PREFIX_KECAMATAN 6
#define POS_DAY 6
#define POS_MONTH 8
#define POS_YEAR 10
#define POS_SERIAL 12

#define WOMAN_DAY_OFFSET 40
#define KOTA_TANGERANG_DIGITS "3671"

static const struct {
	const char *code;
	const char *message;
} problems[NIK_PROBLEM_COUNT] = {
#define NIK_ROW(e, code, msg) [e] = { code, msg },
	NIK_PROBLEMS(NIK_ROW)
#undef NIK_ROW
};

const char *nik_problem_code(enum nik_problem p)
{
	return (unsigned)p < NIK_PROBLEM_COUNT ? problems[p].code : "";
}

const char *nik_problem_message(enum nik_problem p)
{
	return (unsigned)p < NIK_PROBLEM_COUNT ? problems[p].message : "";
}

bool nik_problem_is_warning(enum nik_problem p)
{
	return p >= NIK_WARN_REGENCY && p < NIK_PROBLEM_COUNT;
}

int nik_first_problem(const struct nik_info *info)
{
	unsigned sets[2] = { info->errors, info->warnings };
	for (size_t s = 0; s < 2; s++)
		for (int p = 0; p < NIK_PROBLEM_COUNT; p++)
			if (sets[s] & (1u << p))
				return p;
	return -1;
}

static bool is_separator(char c)
{
	return c == ' ' || c == '\t' || c == '.' || c == '-';
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool nik_normalise(const char *input, char out[NIK_LEN + 1])
{
	size_t n = 0;
	out[0] = '\0';
	if (input == NULL)
		return false;
	for (const char *p = input; *p != '\0'; p++) {
		if (is_separator(*p))
			continue;
		if (!is_digit(*p) || n == NIK_LEN)
			return false;
		out[n++] = *p;
		out[n] = '\0';
	}
	return true;
}

/* What the clerk typed, separators dropped: the first NIK_LEN positions
 * (a character that is not a digit keeps its place so later fields do not
 * shift), how many positions there were, and whether one was not a digit. */
struct scan {
	char pos[NIK_LEN];
	size_t count;
	bool bad_char;
};

static void scan_input(const char *input, struct scan *s, char digits[NIK_LEN + 1])
{
	size_t ndigits = 0;
	memset(s, 0, sizeof *s);
	for (const char *p = input; p != NULL && *p != '\0'; p++) {
		if (is_separator(*p))
			continue;
		if (!is_digit(*p))
			s->bad_char = true;
		else if (ndigits < NIK_LEN)
			digits[ndigits++] = *p;
		if (s->count < NIK_LEN)
			s->pos[s->count] = *p;
		s->count++;
	}
	digits[ndigits] = '\0';
}

/* The field at [start, start+len) when it was typed in full, in digits. */
static bool field_number(const struct scan *s, size_t start, size_t len, int *value)
{
	if (start + len > s->count || start + len > NIK_LEN)
		return false;
	int v = 0;
	for (size_t i = start; i < start + len; i++) {
		if (!is_digit(s->pos[i]))
			return false;
		v = v * 10 + (s->pos[i] - '0');
	}
	*value = v;
	return true;
}

/* The first len positions as a string, when they are all digits. */
static bool field_prefix(const struct scan *s, size_t len, char *out)
{
	int ignored;
	if (!field_number(s, 0, len, &ignored))
		return false;
	memcpy(out, s->pos, len);
	out[len] = '\0';
	return true;
}

static void add(unsigned *set, enum nik_problem p)
{
	*set |= 1u << p;
}

static void check_region(const struct scan *s, struct nik_info *out)
{
	char prefix[PREFIX_KECAMATAN + 1];
	if (!field_prefix(s, PREFIX_PROVINCE, prefix))
		return;
	const struct wilayah_region *province = wilayah_province(prefix);
	if (province == NULL) {
		add(&out->errors, NIK_ERR_PROVINCE);
		return;
	}
	out->province = province->name;

	if (!field_prefix(s, PREFIX_REGENCY, prefix))
		return;
	/* a NIK keeps the region where it was first issued: a warning only */
	if (strcmp(prefix, KOTA_TANGERANG_DIGITS) != 0)
		add(&out->warnings, NIK_WARN_OUTSIDE);
	const struct wilayah_region *regency = wilayah_regency(prefix);
	if (regency == NULL) {
		/* the lists may lag a new pemekaran */
		add(&out->warnings, NIK_WARN_REGENCY);
		return;
	}
	out->regency = regency->name;
	if (regency->retired)
		add(&out->warnings, NIK_WARN_RETIRED);

	if (!field_prefix(s, PREFIX_KECAMATAN, prefix))
		return;
	const struct wilayah_region *kecamatan = wilayah_kecamatan(prefix);
	if (kecamatan == NULL) {
		add(&out->warnings, NIK_WARN_KECAMATAN);
		return;
	}
	out->kecamatan = kecamatan->name;
	if (kecamatan->retired)
		add(&out->warnings, NIK_WARN_RETIRED);
}

/* y-m-d exists and is not after today (ty-tm-td) */
static bool plausible_birth(int y, int m, int d, int ty, int tm, int td)
{
	return d <= calendar_days_in_month(y, m) && calendar_key(y, m, d) <= calendar_key(ty, tm, td);
}

static void check_birth(const struct scan *s, time_t today, struct nik_info *out)
{
	int dd = 0, mm = 0, yy = 0;
	bool have_day = field_number(s, POS_DAY, 2, &dd);
	bool day_ok = false, month_ok = false;
	if (have_day) {
		if (dd >= 1 && dd <= 31) {
			out->sex = NIK_SEX_MALE;
			day_ok = true;
		} else if (dd >= 1 + WOMAN_DAY_OFFSET && dd <= 31 + WOMAN_DAY_OFFSET) {
			out->sex = NIK_SEX_FEMALE;
			dd -= WOMAN_DAY_OFFSET;
			day_ok = true;
		} else {
			add(&out->errors, NIK_ERR_DAY);
		}
	}
	if (field_number(s, POS_MONTH, 2, &mm)) {
		month_ok = mm >= 1 && mm <= 12;
		if (!month_ok)
			add(&out->errors, NIK_ERR_MONTH);
	}
	if (!day_ok || !month_ok || !field_number(s, POS_YEAR, 2, &yy))
		return;

	int ty, tm, td;
	if (!calendar_today(today, &ty, &tm, &td)) {
		/* no calendar for today: judge the date alone */
		ty = 9999;
		tm = 12;
		td = 31;
	}
	/* the century is not in the NIK: the latest one not in the future */
	for (int century = 2000; century >= 1900; century -= 100) {
		if (plausible_birth(century + yy, mm, dd, ty, tm, td)) {
			out->birth_year = century + yy;
			out->birth_month = mm;
			out->birth_day = dd;
			return;
		}
	}
	add(&out->errors, NIK_ERR_DATE);
}

void nik_check(const char *input, time_t today, struct nik_info *out)
{
	struct scan s;
	memset(out, 0, sizeof *out);
	scan_input(input, &s, out->nik);
	if (s.count == 0) {
		add(&out->errors, NIK_ERR_EMPTY);
		return;
	}
	if (s.bad_char)
		add(&out->errors, NIK_ERR_CHAR);
	if (s.count != NIK_LEN)
		add(&out->errors, NIK_ERR_LENGTH);

	check_region(&s, out);
	check_birth(&s, today, out);
	int serial;
	/* with a wrong length the last four are not the serial */
	if (s.count == NIK_LEN && field_number(&s, POS_SERIAL, 4, &serial) && serial == 0)
		add(&out->errors, NIK_ERR_SERIAL);
	out->valid = out->errors == 0;
}

long nik_days_from_civil(int y, int m, int d)
{
	return calendar_days_from_civil(y, m, d);
}

/* Howard Hinnant's civil_from_days, the inverse of calendar_days_from_civil */
void nik_civil_from_days(long days, int *y, int *m, int *d)
{
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}
