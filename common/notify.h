/*
 * sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET, when
 * systemd gave one (Type=notify); nothing otherwise.
 */
#ifndef GUISE_NOTIFY_H
#define GUISE_NOTIFY_H

/* Connect to $NOTIFY_SOCKET now; only the first call tries.  -1 (logged
 * the first time) when it could not. */
int	notify_open(void);

/* Whether $NOTIFY_SOCKET is an abstract socket ("@..."). */
int	notify_abstract(void);

/* Send state ("READY=1", "STATUS=...", ...); errors are only logged. */
void	notify(const char *state);

/* The notify socket's descriptor, or -1: no one may reconnect it. */
int	notify_fd(void);

#endif
