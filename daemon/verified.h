/*
 * Tokens whose signature the front end knows to be good, so that it checks
 * each signature at most once (verified.c says why and what is kept).
 */
#ifndef GUISE_VERIFIED_H
#define GUISE_VERIFIED_H

#include <stddef.h>

/* Remember that token (len bytes, all of it) has a good signature. */
void	verified_add(const char *token, size_t len);
/* Whether these exact bytes were remembered since the keys last changed. */
int	verified_known(const char *token, size_t len);
/* Forget everything: the keys changed. */
void	verified_forget(void);

#endif
