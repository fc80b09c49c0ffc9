/* The front end: unprivileged, libevent HTTP(S), no secrets. */
#ifndef GUISE_FRONTEND_H
#define GUISE_FRONTEND_H

#include "config.h"

struct event_base;

struct frontend {
	const struct config	*conf;
	struct event_base	*base;
	char			*api_audience;		/* {issuer}api/v2/ */
	char			*userinfo_audience;	/* {issuer}userinfo */
	char			*jwks;			/* as the signer sent it */
	char			*discovery;		/* openid-configuration */
	int			 parent_ctl;		/* the parent's socket */
};

extern struct frontend	*fe;

/*
 * Run the front end until it is told to stop; never returns.  ctl is its
 * socket to the parent, which sends a new signer's socket on it; passed,
 * how many listening sockets systemd passed (listenfds.h).
 */
void	frontend_main(const struct config *, int signer_fd, int ctl,
	    int passed) __attribute__((noreturn));

#endif
