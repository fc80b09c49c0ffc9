/*
 * Sockets that systemd listens on for guised (socket activation,
 * guised.socket) and passes at start, as sd_listen_fds(3) describes,
 * without libsystemd: LISTEN_PID names this process, LISTEN_FDS counts the
 * descriptors from 3.  The parent takes them; the front end serves them,
 * each by the listener of its address and port.
 */
#ifndef GUISE_LISTENFDS_H
#define GUISE_LISTENFDS_H

#define LISTENFDS_START		3
#define LISTENFDS_MAX		16
#define LISTENFDS_NAME_MAX	64	/* "[v6 address]:port" */

/*
 * Take the passed sockets: the number of them (0 when none is for this
 * process), or -1 with a message when the variables are malformed.  They
 * are made close-on-exec, so that the signer never holds one, and the
 * variables are unset, so that no child takes them for its own.
 */
int	listenfds_take(void);

/* Each of the n passed descriptors is a listening TCP socket; -1 with a
 * message if one is not. */
int	listenfds_check(int n);

/* The passed socket bound to this numeric address and port, claimed, or
 * -1 when there is none. */
int	listenfds_claim(const char *address, int port);

/* A passed socket no listener claimed, its "ADDR:PORT" in name; or -1. */
int	listenfds_unclaimed(char *name, size_t len);

#endif
