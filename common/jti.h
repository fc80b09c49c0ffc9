/*
 * The jti of the access token made from an authorization code is derived
 * from the code, so that a replay of the code revokes that token whenever
 * it comes, even after the code itself is forgotten: no list of spent codes
 * has to be kept for as long as their tokens live.  Both the signer (which
 * sets jti) and the front end (which revokes it) compute it here.
 */
#ifndef GUISE_JTI_H
#define GUISE_JTI_H

#include "b64url.h"

#define JTI_BYTES	16
#define JTI_LEN		B64URL_ENCODED_LEN(JTI_BYTES)

/* out: JTI_LEN + 1 bytes.  Returns 0, or -1 if hashing fails. */
int	jti_for_code(const char *code, char *out);

#endif
