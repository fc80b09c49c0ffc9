#include <string.h>

#include <openssl/crypto.h>

#include "b64url.h"
#include "hex.h"
#include "pkce.h"

#define B64URL_CHARS	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" \
			"0123456789-_"

int
pkce_is_challenge(const char *s)
{
	return strlen(s) == PKCE_CHALLENGE_LEN &&
	    strspn(s, B64URL_CHARS) == PKCE_CHALLENGE_LEN;
}

int
pkce_holds(const char *challenge, const char *verifier)
{
	unsigned char	 h[SHA256_LEN];
	char		 b[B64URL_ENCODED_LEN(SHA256_LEN) + 1];
	size_t		 len = strlen(verifier);

	if (challenge[0] == '\0')
		return len == 0;
	if (!pkce_is_challenge(challenge) || len < 43 || len > 128 ||
	    strspn(verifier, B64URL_CHARS ".~") != len ||
	    sha256(verifier, len, h) == -1)
		return 0;
	b64url_encode(b, h, sizeof(h));
	return CRYPTO_memcmp(b, challenge, PKCE_CHALLENGE_LEN) == 0;
}
