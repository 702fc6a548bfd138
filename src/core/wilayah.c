#include "config.h"
#include "wilayah.h"

#include <stddef.h>
#include <string.h>

#include "wilayah_data.h"

#define KELURAHAN_DIGITS 10

/* Order a key of NIK digits ("3671") against a dotted code ("36.71"). */
static int digits_cmp(const char *digits, const char *dotted)
{
	for (;;) {
		if (*dotted == '.') {
			dotted++;
			continue;
		}
		unsigned char a = (unsigned char)*digits, b = (unsigned char)*dotted;
		if (a != b || a == '\0')
			return (a > b) - (a < b);
		digits++;
		dotted++;
	}
}

static bool all_digits(const char *s, size_t len)
{
	if (s == NULL)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return s[len] == '\0';
}

/* Binary search over a sorted table of structs whose `code` member is at
 * code_offset (wilayah_region and wilayah_kelurahan share this look-up). */
static const void *find_code(const void *table, size_t count, size_t size,
	size_t code_offset, const char *digits)
{
	size_t lo = 0, hi = count;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const char *item = (const char *)table + mid * size;
		const char *code;
		memcpy(&code, item + code_offset, sizeof code);
		int c = digits_cmp(digits, code);
		if (c == 0)
			return item;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* The region each level found last, in this thread: the NIKs of a
 * registry come a kelurahan at a time, mostly of one kecamatan, and each
 * is checked at three levels (nik_check), two million of them in a pull. */
struct region_hit {
	const struct wilayah_region *table;
	char digits[8];
	const struct wilayah_region *found;
};
static _Thread_local struct region_hit last_hit[3];

static const struct wilayah_region *find_region(const struct wilayah_region *table,
	size_t count, const char *digits, size_t len)
{
	if (!all_digits(digits, len) || len >= sizeof last_hit[0].digits)
		return NULL;
	struct region_hit *hit = &last_hit[len / 2 - 1];
	if (hit->table == table && memcmp(hit->digits, digits, len + 1) == 0)
		return hit->found;
	const struct wilayah_region *found = find_code(table, count, sizeof *table,
		offsetof(struct wilayah_region, code), digits);
	hit->table = table;
	memcpy(hit->digits, digits, len + 1);
	hit->found = found;
	return found;
}

const struct wilayah_region *wilayah_province(const char *digits2)
{
	return find_region(wilayah_data_provinces, wilayah_data_provinces_count, digits2, 2);
}

const struct wilayah_region *wilayah_regency(const char *digits4)
{
	return find_region(wilayah_data_regencies, wilayah_data_regencies_count, digits4, 4);
}

const struct wilayah_region *wilayah_kecamatan(const char *digits6)
{
	return find_region(wilayah_data_kecamatan, wilayah_data_kecamatan_count, digits6, 6);
}

size_t wilayah_kelurahan_count(void)
{
	return wilayah_data_kelurahan_count;
}

const struct wilayah_kelurahan *wilayah_kelurahan_at(size_t i)
{
	return i < wilayah_data_kelurahan_count ? &wilayah_data_kelurahan[i] : NULL;
}

/* "36.71.01.1001" or "3671011001" into the ten digits; false otherwise. */
static bool kelurahan_digits(const char *code, char out[KELURAHAN_DIGITS + 1])
{
	if (code == NULL)
		return false;
	size_t len = strlen(code);
	if (len == KELURAHAN_DIGITS) {
		memcpy(out, code, KELURAHAN_DIGITS + 1);
		return all_digits(out, KELURAHAN_DIGITS);
	}
	if (len != KELURAHAN_DIGITS + 3 || code[2] != '.' || code[5] != '.' || code[8] != '.')
		return false;
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (code[i] != '.')
			out[n++] = code[i];
	out[n] = '\0';
	return all_digits(out, KELURAHAN_DIGITS);
}

const struct wilayah_kelurahan *wilayah_kelurahan_find(const char *code)
{
	char digits[KELURAHAN_DIGITS + 1];
	if (!kelurahan_digits(code, digits))
		return NULL;
	return find_code(wilayah_data_kelurahan, wilayah_data_kelurahan_count,
		sizeof wilayah_data_kelurahan[0], offsetof(struct wilayah_kelurahan, code), digits);
}
