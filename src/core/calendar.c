/* calendar: today's day on the local clock (see include/calendar.h). */
#include "config.h"
#include "calendar.h"

/* The day of the last moment asked for, per thread: a registry import
 * checks each of its rows against the same moment, and localtime_r takes
 * a lock and looks at TZ each time (two calls a row, 4 million for a
 * registry of 2 million).  TZ is not changed while the program runs. */
static _Thread_local struct {
	bool known;
	time_t moment;
	int y, m, d;
} last_day;

bool calendar_today(time_t today, int *y, int *m, int *d)
{
	if (!last_day.known || last_day.moment != today) {
		struct tm now;
		if (localtime_r(&today, &now) == NULL)
			return false;
		last_day.known = true;
		last_day.moment = today;
		last_day.y = now.tm_year + 1900;
		last_day.m = now.tm_mon + 1;
		last_day.d = now.tm_mday;
	}
	*y = last_day.y;
	*m = last_day.m;
	*d = last_day.d;
	return true;
}

bool calendar_not_after(int y, int m, int d, time_t today)
{
	int ty, tm, td;
	if (!calendar_today(today, &ty, &tm, &td))
		return true;
	return calendar_key(y, m, d) <= calendar_key(ty, tm, td);
}
