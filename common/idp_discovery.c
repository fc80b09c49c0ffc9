#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "https_url.h"
#include "idp_discovery.h"
#include "jsonread.h"

void
idp_shown(char *out, size_t outlen, const char *s)
{
	size_t	 i;

	for (i = 0; s != NULL && s[i] != '\0' && i + 1 < outlen; i++)
		out[i] = ((unsigned char)s[i] >= 0x20 && s[i] != 0x7f) ?
		    s[i] : '?';
	out[i] = '\0';
}

/* An endpoint of the document: a URL the outbound client takes. */
static int
endpoint(struct jsonread *jr, json_t *doc, const char *key, int https,
    char **out)
{
	struct https_url	 u;
	const char		*s, *problem;

	if (jr_get_str(jr, doc, key, 1, &s) == -1)
		return -1;
	if ((problem = https_url_parse(s, &u)) != NULL)
		return jr_error(jr, key, "%s", problem);
	free(u.target);
	if (https && !u.tls)
		return jr_error(jr, key, "not https:// where the issuer is");
	if ((*out = strdup(s)) == NULL)
		return jr_error(jr, key, "out of memory");
	return 0;
}

int
idp_discovery_parse(const char *body, size_t len, const char *url,
    const char *issuer, struct idp_discovery *d, char *err, size_t errlen)
{
	struct jsonread	 jr;
	json_t		*doc;
	const char	*named;
	char		 show[128];
	int		 https = strncmp(issuer, "https://", 8) == 0;
	int		 rc = -1;

	memset(d, 0, sizeof(*d));
	jr_init(&jr, url, NULL, err, errlen);
	if ((doc = jr_load(&jr, body, len)) == NULL ||
	    jr_get_str(&jr, doc, "issuer", 1, &named) == -1)
		goto done;
	if (strcmp(named, issuer) != 0) {
		idp_shown(show, sizeof(show), named);
		snprintf(err, errlen, "%s: issuer \"%s\" is not "
		    "console.idp.issuer \"%s\"", url, show, issuer);
		goto done;
	}
	if (endpoint(&jr, doc, "authorization_endpoint", https,
	    &d->authorization_endpoint) == -1 ||
	    endpoint(&jr, doc, "token_endpoint", https,
	    &d->token_endpoint) == -1 ||
	    endpoint(&jr, doc, "jwks_uri", https, &d->jwks_uri) == -1)
		goto done;
	rc = 0;
 done:
	json_decref(doc);
	if (rc == -1)
		idp_discovery_free(d);
	return rc;
}

void
idp_discovery_free(struct idp_discovery *d)
{
	free(d->authorization_endpoint);
	free(d->token_endpoint);
	free(d->jwks_uri);
	memset(d, 0, sizeof(*d));
}
