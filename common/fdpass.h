/*
 * Passing descriptors over a Unix socket (SCM_RIGHTS) with a short name:
 * the parent hands the signer a new audit file, and the front end a new
 * signer's socket or, on a reload, the configuration and the users file
 * it opened (the front end can open no file itself).
 */
#ifndef GUISE_FDPASS_H
#define GUISE_FDPASS_H

#include <stddef.h>

#define FDPASS_MAX	2	/* descriptors in one message */

/* Send fd with the text name.  Returns 0 or -1. */
int	fd_send(int sock, int fd, const char *name);
/* The same with nfds (1 to FDPASS_MAX) descriptors. */
int	fds_send(int sock, const int *fds, size_t nfds, const char *name);

/* Send a message of one word without a descriptor ("pause", "paused"). */
int	msg_send(int sock, const char *name);

/*
 * Receive a descriptor and its name (namelen bytes with the NUL).  Returns
 * the descriptor (close-on-exec); -1 for a message without exactly one
 * (its name is then in name, or "" if it was malformed); -2 when the other
 * end has closed or the socket cannot be read.
 */
int	fd_recv(int sock, char *name, size_t namelen);

/*
 * The same for up to max descriptors, into fds, their number in *nfds.
 * Returns 0; -1 for a malformed message (its descriptors closed, name ""),
 * or one with more than max; -2 as fd_recv.
 */
int	fds_recv(int sock, int *fds, size_t max, size_t *nfds, char *name,
	    size_t namelen);

#endif
