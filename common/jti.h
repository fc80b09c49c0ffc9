/*
 * The jti of the access token made from an authorization code is derived
 * from the code, so that the front end can name the token a replayed code
 * revokes from the code alone: nothing of the signer's answer is kept, and
 * a replay that comes while the first redemption is still at the signer
 * revokes the token it is about to get.  Both the signer (which sets jti)
 * and the front end (which revokes it) compute it here.
 */
#ifndef GUISE_JTI_H
#define GUISE_JTI_H

#include "b64url.h"

#define JTI_BYTES	16
#define JTI_LEN		B64URL_ENCODED_LEN(JTI_BYTES)

/* out: JTI_LEN + 1 bytes.  Returns 0, or -1 if hashing fails. */
int	jti_for_code(const char *code, char *out);

#endif
