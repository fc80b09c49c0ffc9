/*
 * Passing a descriptor over a Unix socket (SCM_RIGHTS) with a short name:
 * the parent hands the signer a new audit file, and the front end a new
 * signer's socket.
 */
#ifndef GUISE_FDPASS_H
#define GUISE_FDPASS_H

#include <stddef.h>

/* Send fd with the text name.  Returns 0 or -1. */
int	fd_send(int sock, int fd, const char *name);

/* Send a message of one word without a descriptor ("pause", "paused"). */
int	msg_send(int sock, const char *name);

/*
 * Receive a descriptor and its name (namelen bytes with the NUL).  Returns
 * the descriptor (close-on-exec); -1 for a message without one (its name
 * is then in name, or "" if it was malformed); -2 when the other end has
 * closed or the socket cannot be read.
 */
int	fd_recv(int sock, char *name, size_t namelen);

#endif
