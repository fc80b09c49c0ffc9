#ifndef GUISE_MONOTONIC_H
#define GUISE_MONOTONIC_H

/* CLOCK_MONOTONIC in microseconds: for intervals, never for dates. */
long long	monotonic_us(void);

#endif
