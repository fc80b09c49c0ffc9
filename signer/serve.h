#ifndef GUISE_SERVE_H
#define GUISE_SERVE_H

#include "config.h"

/* Answer requests on fd until the front end closes it; never returns. */
void	serve(const struct config *, int fd) __attribute__((noreturn));

#endif
