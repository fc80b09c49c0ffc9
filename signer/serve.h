#ifndef GUISE_SERVE_H
#define GUISE_SERVE_H

#include "config.h"

/* Catch SIGTERM to stop with a last audit record; before the sandbox. */
void	serve_signals(void);

/*
 * Answer requests on fd until the front end closes it, and the parent's
 * messages on cfd (-1: none); never returns.
 */
void	serve(const struct config *, int fd, int cfd)
	    __attribute__((noreturn));

#endif
