/*
 * A tiny TAP producer for the unit programs: each CHECK prints one
 * "ok N - what" or "not ok N - what" line, and check_done() exits non-zero
 * when any failed.  tests/run adds the lines of every program up.
 */
#ifndef GUISE_CHECK_H
#define GUISE_CHECK_H

#include <stdio.h>
#include <stdlib.h>

/*
 * One count per program.  A program of several files (frontend_peer)
 * defines CHECK_SHARED in each, and CHECK_DEFINE in the one that holds the
 * count: else each file would number its lines from 1 on its own.
 */
#if !defined(CHECK_SHARED)
static int	check_n, check_failed;
#elif defined(CHECK_DEFINE)
int		check_n, check_failed;
#else
extern int	check_n, check_failed;
#endif

#define CHECK(cond, ...) do {						\
	int	 check_ok_ = (cond) ? 1 : 0;				\
	check_n++;							\
	if (!check_ok_)							\
		check_failed++;						\
	printf("%sok %d - ", check_ok_ ? "" : "not ", check_n);		\
	printf(__VA_ARGS__);						\
	printf("\n");							\
	if (!check_ok_)							\
		printf("#   failed at %s:%d: %s\n", __FILE__, __LINE__,	\
		    #cond);						\
	fflush(stdout);							\
} while (0)

static inline int
check_done(void)
{
	printf("1..%d\n", check_n);
	return check_failed ? 1 : 0;
}

#endif
