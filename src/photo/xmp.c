/* xmp: exif:GPSLatitude / exif:GPSLongitude from an XMP packet, the fallback
 * when EXIF has no usable position.
 *
 * The XMP form is "DDD,MM,SSk" or "DDD,MM.mmk" with k one of N S E W, as an
 * attribute (exif:GPSLatitude="6,12.34908S") or an element
 * (<exif:GPSLatitude>6,12.34908S</exif:GPSLatitude>).  This is not an XML
 * parser: it looks for those two names with the usual "exif" prefix only,
 * and refuses anything that is not exactly that form.  Numbers are read by
 * hand: strtod would follow the locale's decimal comma. */
#include "config.h"
#include "photo_int.h"

#include <string.h>

#define MAX_VALUE 64
#define MAX_DIGITS 15

static bool is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The value of the first exif:<name> attribute or element; false when none. */
static bool find_value(const unsigned char *xmp, size_t len, const char *name,
	char value[MAX_VALUE])
{
	size_t name_len = strlen(name);
	const unsigned char *p = xmp, *end = xmp + len;

	while (p < end) {
		const unsigned char *hit = memmem(p, (size_t)(end - p), name, name_len);
		if (hit == NULL)
			return false;
		const unsigned char *q = hit + name_len;
		p = q;
		if (hit > xmp && hit[-1] != '<' && !is_space(hit[-1]))
			continue;       /* another prefix ending in "exif" */
		while (q < end && is_space(*q))
			q++;
		if (q >= end)
			return false;
		unsigned char stop;
		if (*q == '=') {
			q++;
			while (q < end && is_space(*q))
				q++;
			if (q >= end || (*q != '"' && *q != '\''))
				continue;
			stop = *q++;
		} else if (*q == '>') {
			q++;
			stop = '<';
		} else {
			continue;       /* exif:GPSLatitudeRef and the like */
		}
		size_t n = 0;
		while (q + n < end && q[n] != stop)
			n++;
		if (q + n >= end || n >= MAX_VALUE)
			return false;
		memcpy(value, q, n);
		value[n] = '\0';
		return true;
	}
	return false;
}

/* An unsigned decimal "12" or "12.345"; advances *s. */
static bool parse_number(const char **s, double *out)
{
	const char *p = *s;
	double v = 0.0, scale = 1.0;
	int count = 0;

	while (*p >= '0' && *p <= '9' && count < MAX_DIGITS) {
		v = v * 10.0 + (*p++ - '0');
		count++;
	}
	if (count == 0)
		return false;
	if (*p == '.') {
		p++;
		int frac = 0;
		while (*p >= '0' && *p <= '9' && count < MAX_DIGITS) {
			scale /= 10.0;
			v += (*p++ - '0') * scale;
			count++;
			frac++;
		}
		if (frac == 0)
			return false;
	}
	if (*p >= '0' && *p <= '9')
		return false;   /* too many digits */
	*s = p;
	*out = v;
	return true;
}

/* "D,M,Sk" or "D,M.mk" (also "Dk"): parts and the letter ('\0' if none). */
static enum photo_gps_problem parse_coord(const char *value, bool is_lat, double *out, char *ref)
{
	double part[3] = { 0.0, 0.0, 0.0 };
	const char *s = value;
	int n = 0;

	while (is_space((unsigned char)*s))
		s++;
	for (;;) {
		if (!parse_number(&s, &part[n]))
			return PHOTO_GPS_BAD_FORMAT;
		n++;
		if (*s != ',' || n == 3)
			break;
		s++;
	}
	*ref = '\0';
	if ((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z'))
		*ref = *s++;
	while (is_space((unsigned char)*s))
		s++;
	if (*s != '\0')
		return PHOTO_GPS_BAD_FORMAT;
	return gps_from_dms(part[0], part[1], part[2], is_lat, out);
}

enum photo_gps_problem xmp_read_gps(const unsigned char *xmp, size_t len, struct photo_gps *gps)
{
	char lat_s[MAX_VALUE], lon_s[MAX_VALUE];
	double lat, lon;
	char lat_ref, lon_ref;
	enum photo_gps_problem p;

	bool has_lat = find_value(xmp, len, "exif:GPSLatitude", lat_s);
	bool has_lon = find_value(xmp, len, "exif:GPSLongitude", lon_s);
	if (!has_lat && !has_lon)
		return PHOTO_GPS_NO_GPS;
	if (!has_lat || !has_lon)
		return PHOTO_GPS_CORRUPT_EXIF;
	if ((p = parse_coord(lat_s, true, &lat, &lat_ref)) != PHOTO_GPS_OK ||
	    (p = parse_coord(lon_s, false, &lon, &lon_ref)) != PHOTO_GPS_OK)
		return p;
	return gps_set_position(gps, lat, lat_ref, lon, lon_ref);
}
