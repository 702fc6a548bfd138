/* gps: the coordinate checks EXIF and XMP share.  A wrong coordinate is worse
 * than none, so every doubtful value is refused with its reason. */
#include "config.h"
#include "photo_int.h"

enum photo_gps_problem gps_from_dms(double deg, double min, double sec, bool is_lat,
	double *out)
{
	double limit = is_lat ? 90.0 : 180.0;

	if (!(deg >= 0.0 && min >= 0.0 && sec >= 0.0))
		return PHOTO_GPS_OUT_OF_RANGE;
	if (deg > limit || min >= 60.0 || sec >= 60.0)
		return PHOTO_GPS_OUT_OF_RANGE;
	double value = deg + min / 60.0 + sec / 3600.0;
	if (value > limit)
		return PHOTO_GPS_OUT_OF_RANGE;
	*out = value;
	return PHOTO_GPS_OK;
}

/* +1 or -1 from the hemisphere letter.  Lower case is accepted: it is just as
 * unambiguous. */
static enum photo_gps_problem ref_sign(char ref, bool is_lat, double *sign)
{
	char up = (ref >= 'a' && ref <= 'z') ? (char)(ref - 'a' + 'A') : ref;

	if (ref == '\0')
		return PHOTO_GPS_MISSING_REF;
	if (up == (is_lat ? 'N' : 'E')) {
		*sign = 1.0;
		return PHOTO_GPS_OK;
	}
	if (up == (is_lat ? 'S' : 'W')) {
		*sign = -1.0;
		return PHOTO_GPS_OK;
	}
	return PHOTO_GPS_BAD_REF;
}

enum photo_gps_problem gps_set_position(struct photo_gps *gps, double lat, char lat_ref,
	double lon, char lon_ref)
{
	double lat_sign = 1.0, lon_sign = 1.0;
	enum photo_gps_problem p;

	/* A camera without a fix writes 0,0, whatever letters come with it. */
	if (lat == 0.0 && lon == 0.0)
		return PHOTO_GPS_PLACEHOLDER;
	p = ref_sign(lat_ref, true, &lat_sign);
	if (p != PHOTO_GPS_OK)
		return p;
	p = ref_sign(lon_ref, false, &lon_sign);
	if (p != PHOTO_GPS_OK)
		return p;
	gps->lat = lat_sign * lat;
	gps->lon = lon_sign * lon;
	gps->present = true;
	gps->problem = PHOTO_GPS_OK;
	return PHOTO_GPS_OK;
}
