/*
 * Which hosts plain http may go to: one rule for the configuration (an
 * initiate_login_uri, the console's provider) and the outbound client
 * (https_url.h), so that what is let go over http and what is connected
 * to over it are one.
 */
#ifndef GUISE_LOOPBACK_H
#define GUISE_LOOPBACK_H

/* 1 when host (no brackets) is 127.0.0.0/8, ::1 or "localhost". */
int	host_is_loopback(const char *host);

#endif
