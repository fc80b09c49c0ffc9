/*
 * A record's time read back (doc/audit.md, "A record"): the start reads the
 * last record's, and the rebuild of the redeemed grant ids every record's
 * it needs, so the one reading lives here.
 */
#ifndef GUISE_AUDIT_TIME_H
#define GUISE_AUDIT_TIME_H

#define AUDIT_TIME_LEN	24		/* YYYY-MM-DDTHH:MM:SS.mmmZ */

/* s, YYYY-MM-DDTHH:MM:SS.mmmZ, as milliseconds since the epoch; 0 if not. */
long long	audit_time_ms(const char *s);

#endif
