#include <sys/syscall.h>

#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "fake_clock.h"

long long	 fake_ms;

int
clock_gettime(clockid_t id, struct timespec *ts)
{
	if (id != CLOCK_REALTIME)
		return (int)syscall(SYS_clock_gettime, id, ts);
	ts->tv_sec = (time_t)(fake_ms / 1000);
	ts->tv_nsec = (long)(fake_ms % 1000) * 1000000;
	return 0;
}

void
rfc3339(long long ms, char out[32])
{
	time_t		 t = (time_t)(ms / 1000);
	struct tm	 tm;
	size_t		 n;

	gmtime_r(&t, &tm);
	n = strftime(out, 32, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(out + n, 32 - n, ".%03dZ", (int)(ms % 1000));
}
