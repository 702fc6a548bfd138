/* calendar: today's day on the local clock (see include/calendar.h). */
#include "config.h"
#include "calendar.h"

bool calendar_today(time_t today, int *y, int *m, int *d)
{
	struct tm now;
	if (localtime_r(&today, &now) == NULL)
		return false;
	*y = now.tm_year + 1900;
	*m = now.tm_mon + 1;
	*d = now.tm_mday;
	return true;
}

bool calendar_not_after(int y, int m, int d, time_t today)
{
	int ty, tm, td;
	if (!calendar_today(today, &ty, &tm, &td))
		return true;
	return calendar_key(y, m, d) <= calendar_key(ty, tm, td);
}
