/*
 * PKCE (RFC 7636) with S256, the only method guise serves: checked by the
 * signer when a code is exchanged, and by the front end before it takes a
 * code presented again for a replay of its own client's.
 */
#ifndef GUISE_PKCE_H
#define GUISE_PKCE_H

#define PKCE_CHALLENGE_LEN	43	/* base64url of a SHA-256 */

/* Is s a challenge of S256's shape: 43 characters of base64url? */
int	pkce_is_challenge(const char *s);

/*
 * Does verifier answer challenge?  With challenge "" only the empty
 * verifier does (a verifier for a code asked for without a challenge is
 * refused: RFC 9700 2.1.1); otherwise the verifier must be 43 to 128
 * unreserved characters whose BASE64URL(SHA256()) is the challenge.
 */
int	pkce_holds(const char *challenge, const char *verifier);

#endif
