#include <string.h>
#include <strings.h>

#include <event2/http.h>
#include <openssl/crypto.h>

#include "b64url.h"
#include "client_auth.h"
#include "form.h"
#include "utf8.h"

#define BASIC_MAX	(PROTO_CLIENT_ID_MAX * 3 + PROTO_SECRET_MAX * 3 + 1)

static int
copy_str(char *dst, size_t dstlen, const char *src)
{
	size_t	 len = strlen(src);

	if (len == 0 || len >= dstlen)
		return -1;
	memcpy(dst, src, len + 1);
	return 0;
}

/*
 * RFC 6749 section 2.3.1: the client_id and the secret are each
 * form-urlencoded (as UTF-8) before they are joined with ':' and
 * base64-encoded.
 */
int
client_auth_basic(const char *value, struct client_creds *c)
{
	char	 raw[BASIC_MAX + 1], *colon;
	size_t	 idlen, seclen, len;
	ssize_t	 n;

	if (strncasecmp(value, "Basic ", 6) != 0)
		return -1;
	value += 6;
	while (*value == ' ')
		value++;
	len = strlen(value);
	if (len > B64URL_ENCODED_LEN(BASIC_MAX) + 2 ||
	    (n = base64_decode(raw, BASIC_MAX, value, len)) <= 0)
		return -1;
	raw[n] = '\0';
	if ((colon = memchr(raw, ':', (size_t)n)) == NULL)
		return -1;
	*colon = '\0';
	if (form_unescape(raw, (size_t)(colon - raw), &idlen) == -1 ||
	    form_unescape(colon + 1, strlen(colon + 1), &seclen) == -1 ||
	    !utf8_valid(raw, idlen) || !utf8_valid(colon + 1, seclen) ||
	    copy_str(c->client_id, sizeof(c->client_id), raw) == -1 ||
	    copy_str(c->secret, sizeof(c->secret), colon + 1) == -1) {
		OPENSSL_cleanse(raw, sizeof(raw));
		return -1;
	}
	OPENSSL_cleanse(raw, sizeof(raw));
	c->basic = 1;
	return 0;
}

int
client_auth_read(struct evhttp_request *req, const struct params *p,
    struct client_creds *c, int *bad_request, const char **why)
{
	const char	*auth, *id, *secret;
	int		 bad = 0;

	memset(c, 0, sizeof(*c));
	*bad_request = 0;
	auth = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Authorization");
	id = params_get(p, "client_id", &bad);
	secret = params_get(p, "client_secret", &bad);
	if (bad) {
		*why = "client_id and client_secret must be strings";
		*bad_request = 1;
		return -1;
	}
	if (auth != NULL) {
		c->basic = 1;		/* failures then answer with a challenge */
		if (secret != NULL) {
			*why = "use one client authentication method, "
			    "not Basic and client_secret both";
			*bad_request = 1;
			return -1;
		}
		if (client_auth_basic(auth, c) == -1) {
			*why = "malformed Basic authorization";
			return -1;
		}
		/* A client_id in the body too must be the same client. */
		if (id != NULL && strcmp(id, c->client_id) != 0) {
			*why = "client_id does not match the authorization";
			*bad_request = 1;
			return -1;
		}
		return 0;
	}
	if (id == NULL) {
		*why = "client authentication is required";
		return -1;
	}
	if (secret == NULL) {
		if (copy_str(c->client_id, sizeof(c->client_id), id) == -1) {
			*why = "client authentication failed";
			return -1;
		}
		c->none = 1;
		return 0;
	}
	if (copy_str(c->client_id, sizeof(c->client_id), id) == -1 ||
	    copy_str(c->secret, sizeof(c->secret), secret) == -1) {
		*why = "client authentication failed";
		return -1;
	}
	return 0;
}

void
client_auth_clear(struct client_creds *c)
{
	OPENSSL_cleanse(c, sizeof(*c));
}
