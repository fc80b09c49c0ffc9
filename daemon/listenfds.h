/*
 * Sockets that systemd listens on for guised (socket activation,
 * guised.socket) and passes at start, as sd_listen_fds(3) describes,
 * without libsystemd: LISTEN_PID names this process, LISTEN_FDS counts the
 * descriptors from 3.
 */
#ifndef GUISE_LISTENFDS_H
#define GUISE_LISTENFDS_H

#define LISTENFDS_START	3
#define LISTENFDS_MAX	16

/*
 * Take the passed sockets: the number of them (0 when none is for this
 * process), or -1 with a message when the variables are malformed.  They
 * are made close-on-exec, so that the signer never holds one, and the
 * variables are unset, so that no child takes them for its own.
 */
int	listenfds_take(void);

#endif
