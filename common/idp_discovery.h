/*
 * The console's identity provider's discovery document (OpenID Connect
 * Discovery 1.0 section 3), as guisectl idp-keys and the front end's
 * sign-in read it: it must name the configured issuer byte for byte (a
 * document that names another is for another provider, or was served by
 * someone else), and under an https issuer every endpoint is https.
 */
#ifndef GUISE_IDP_DISCOVERY_H
#define GUISE_IDP_DISCOVERY_H

#include <stddef.h>

#define IDP_DISCOVERY_PATH	".well-known/openid-configuration"

struct idp_discovery {
	char	*authorization_endpoint;
	char	*token_endpoint;
	char	*jwks_uri;
};

/*
 * Read len bytes of body, fetched from url, for issuer: 0 with d filled
 * (free with idp_discovery_free), or -1 with err written.
 */
int	idp_discovery_parse(const char *body, size_t len, const char *url,
	    const char *issuer, struct idp_discovery *d, char *err,
	    size_t errlen);

void	idp_discovery_free(struct idp_discovery *);

/*
 * A string from the provider (or about it), fit for one line of a message
 * or a page: control characters made '?', cut to outlen; NULL is "".
 */
void	idp_shown(char *out, size_t outlen, const char *s);

#endif
