/* calendar: the proleptic Gregorian calendar every date in the program lives
 * in (core, pure): NIK birth dates, registry rows, photo times, the wire's
 * timestamps.  Written once here so the leap-year rule cannot differ. */
#ifndef SIGACOR_CALENDAR_H
#define SIGACOR_CALENDAR_H

#include <stdbool.h>
#include <time.h>

static inline bool calendar_is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* m: 1-12 */
static inline int calendar_days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return m == 2 && calendar_is_leap(y) ? 29 : days[m - 1];
}

/* y-m-d is a day of the calendar (any month and day numbers may be given). */
static inline bool calendar_is_day(int y, int m, int d)
{
	return m >= 1 && m <= 12 && d >= 1 && d <= calendar_days_in_month(y, m);
}

/* Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
static inline long calendar_days_from_civil(int y, int m, int d)
{
	y -= m <= 2;
	long era = (y >= 0 ? y : y - 399) / 400;
	long yoe = y - era * 400;
	long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* One number per day that orders like the days: 20260131 */
static inline long calendar_key(int y, int m, int d)
{
	return (long)y * 10000 + m * 100 + d;
}

/* The local calendar day of the moment today; false when there is none. */
bool calendar_today(time_t today, int *y, int *m, int *d);

/* y-m-d is not after the local calendar day of today (a machine with no
 * calendar for today judges every day as not after it). */
bool calendar_not_after(int y, int m, int d, time_t today);

#endif
