/* format: the shapes of strings that both ends check (see include/format.h). */
#include "config.h"
#include "format.h"

#include <stdio.h>
#include "calendar.h"

#include <string.h>

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

bool format_shape(const char *s, const char *shape)
{
	if (s == NULL)
		return false;
	for (; *shape != '\0'; s++, shape++)
		if (*s == '\0' || (*shape == 'd' ? !is_digit(*s) : *s != *shape))
			return false;
	return *s == '\0';
}

bool format_digits(const char *s, size_t n)
{
	if (s == NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!is_digit(s[i]))
			return false;
	return s[n] == '\0';
}

bool format_only_digits(const char *s)
{
	return s != NULL && format_digits(s, strlen(s));
}

bool format_nik_digits(const char *s)
{
	return format_digits(s, 16);
}

bool format_sha256_hex(const char *s)
{
	if (s == NULL)
		return false;
	for (int i = 0; i < FORMAT_SHA256_LEN; i++)
		if (!is_digit(s[i]) && !(s[i] >= 'a' && s[i] <= 'f'))
			return false;
	return s[FORMAT_SHA256_LEN] == '\0';
}

void format_file_name(const char *in, char *out, size_t cap)
{
	size_t n = 0;
	for (; in != NULL && *in != '\0' && n + 1 < cap; in++)
		out[n++] = (*in >= 0x20 && *in < 0x7f && *in != '/' && *in != '\\') ? *in : '_';
	out[n] = '\0';
	if (n == 0 || out[0] == '.')
		snprintf(out, cap, "foto.jpg");
}

/* The length of the UTF-8 sequence led by c and its first bits, or 0. */
static int utf8_lead(unsigned c, unsigned *cp)
{
	if (c >= 0xc2 && c <= 0xdf) {
		*cp = c & 0x1f;
		return 2;
	}
	if (c >= 0xe0 && c <= 0xef) {
		*cp = c & 0x0f;
		return 3;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		*cp = c & 0x07;
		return 4;
	}
	return 0;
}

bool format_text(const char *s, bool multiline)
{
	const unsigned char *p = (const unsigned char *)s;
	if (p == NULL)
		return false;
	while (*p != '\0') {
		unsigned c = *p;
		if (c < 0x80) {
			if ((c < 0x20 && !(multiline && (c == '\n' || c == '\t'))) || c == 0x7f)
				return false;
			p++;
			continue;
		}
		unsigned cp;
		int len = utf8_lead(c, &cp);
		if (len == 0)
			return false;
		for (int i = 1; i < len; i++) {
			if ((p[i] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i] & 0x3f);
		}
		/* overlong forms, surrogates and beyond U+10FFFF */
		if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff))
			|| (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		p += len;
	}
	return true;
}

int format_number(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

bool format_date(const char *s, int min_year, int *y, int *m, int *d)
{
	if (!format_shape(s, "dddd-dd-dd"))
		return false;
	int year = format_number(s, 4), month = format_number(s + 5, 2), day = format_number(s + 8, 2);
	if (year < min_year || !calendar_is_day(year, month, day))
		return false;
	if (y != NULL)
		*y = year;
	if (m != NULL)
		*m = month;
	if (d != NULL)
		*d = day;
	return true;
}
