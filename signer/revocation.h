/* RFC 7009 revocation: the signer's decision and its record. */
#ifndef GUISE_REVOCATION_H
#define GUISE_REVOCATION_H

#include "answers.h"
#include "config.h"

/* The configuration the answer goes by (its issuer). */
void		 revocation_init(const struct config *);

/*
 * A client gives back a token: PROTO_ERR_CLIENT when it is not who it
 * says, PROTO_ERR_BEARER (nothing recorded) when the token does not
 * verify, PROTO_ERR_GRANT (recorded, denied) when the token is another
 * client's; otherwise token.revoked is recorded, as the front end says it
 * revoked it or could not, and the reply is the token's jti and exp.
 */
answer_fn	 answer_revoke;

/*
 * Has the token of jti been revoked?  The signer remembers every
 * revocation it recorded until the token expires (redeemed.h, and so a
 * restart's last ten minutes), so that a token its client gave back asks
 * for no link and ends no session, whatever the front end presents.
 */
int		 revocation_has(const char *jti, long long now);

#endif
