/*
 * The wall clock of the unit programs that link the signer's audit
 * objects alone (test_audit_clock, test_redeemed, test_audit_index):
 * fake_clock.c defines clock_gettime, which the linker binds their calls
 * (and the program's) to, so that CLOCK_REALTIME reads fake_ms; any other
 * clock is the system's.
 */
#ifndef GUISE_FAKE_CLOCK_H
#define GUISE_FAKE_CLOCK_H

extern long long	fake_ms;	/* CLOCK_REALTIME, in ms */

/* ms as a record's time, YYYY-MM-DDTHH:MM:SS.mmmZ. */
void	rfc3339(long long ms, char out[32]);

#endif
