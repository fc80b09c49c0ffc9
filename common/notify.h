/*
 * sd_notify(3) without libsystemd: one datagram to $NOTIFY_SOCKET, when
 * systemd gave one (Type=notify); nothing otherwise.
 */
#ifndef GUISE_NOTIFY_H
#define GUISE_NOTIFY_H

/* Send state ("READY=1", "STATUS=...", ...); errors are only logged. */
void	notify(const char *state);

#endif
