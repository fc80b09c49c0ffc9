#ifndef GUISE_CONFINE_H
#define GUISE_CONFINE_H

#include "config.h"

/*
 * Confine the front end for good (confine.c): Landlock, then its seccomp
 * allow-list.  no_new_privs must be set.  Returns 0, or -1 with a message
 * when it cannot be confined as the configuration requires.
 */
int	confine_frontend(const struct config *);

#endif
