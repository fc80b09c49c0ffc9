/*
 * A record's time, "YYYY-MM-DDTHH:MM:SS.mmmZ" as audit.c writes it, back
 * to milliseconds since the epoch.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit_time.h"

long long
audit_time_ms(const char *s)
{
	struct tm	 tm;
	int		 ms, n = 0;
	time_t		 t;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || strlen(s) != AUDIT_TIME_LEN ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec,
	    &ms, &n) != 7 || n != AUDIT_TIME_LEN)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	if ((t = timegm(&tm)) == (time_t)-1)
		return 0;
	return (long long)t * 1000 + ms;
}
