#ifndef GUISE_LANDLOCK_H
#define GUISE_LANDLOCK_H

/* The kernel's Landlock ABI version, or -1 with errno when it has none. */
int	landlock_abi(void);

/*
 * Enter a Landlock domain that grants nothing of what it handles (see
 * landlock.c) but a TCP connect to the nports ports; no_new_privs must be
 * set.  scope_abstract: keep abstract
 * Unix sockets of other domains out of reach too (not when systemd's
 * NOTIFY_SOCKET is one).  Returns the ABI version enforced, or -1 with
 * errno set (ENOSYS or EOPNOTSUPP: no Landlock; EPERM: a system call
 * filter, such as a systemd unit's, refused the call).
 */
int	landlock_enter(int scope_abstract, const unsigned short *ports,
	    size_t nports);

#endif
