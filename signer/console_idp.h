/*
 * The keys of the console's identity provider (DESIGN.md section 7), read
 * by the signer before its sandbox from idp.jwks_file, which guisectl
 * idp-keys writes and a timer refreshes (then a reload starts a signer
 * that reads it again): the id_tokens of staff signing in are checked on
 * them (common/idp_token.h).
 */
#ifndef GUISE_CONSOLE_IDP_H
#define GUISE_CONSOLE_IDP_H

#include "config.h"
#include "jwks.h"

/*
 * Read the provider's keys when the configuration has a console; 0, or -1
 * (logged, naming the file and how to make it).
 */
int	console_idp_load(const struct config *);

/* The keys read; an empty set without a console. */
const struct jwks_set *console_idp_keys(void);

#endif
