/*
 * The bodies of POST /oauth/token, /oauth/introspect, /oauth/revoke and
 * /users/{id}/impersonate, as params_read decodes them once libevent has
 * the bytes: the first input byte picks the Content-Type ('j' or 'J':
 * application/json, anything else: a form), the rest is the body.  Then
 * every parameter the endpoints read is looked up, as they look it up.
 */
#include <jansson.h>

#include "fuzz.h"
#include "params.h"

static const char *const names[] = {
	"grant_type", "client_id", "client_secret", "audience", "scope",
	"code", "redirect_uri", "protocol", "impersonator_id", "reason",
	"additionalParameters", "token", "", NULL
};

static const char *const nested[] = {
	"response_type", "state", "callback_url", "scope", "nonce",
	"redirect_uri", "", NULL
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* A parameter found is a whole C string: what the endpoints assume. */
static void
check_value(const char *v, int bad)
{
	if (v != NULL) {
		FUZZ_ASSERT(!bad);
		FUZZ_ASSERT(strlen(v) <= BODY_MAX);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct params	 p;
	json_error_t	 jerr;
	const char	*why = NULL, *v;
	size_t		 len, i;
	int		 json, ok, bad;

	if (size == 0)
		return 0;
	json = (data[0] | 0x20) == 'j';
	data++;
	len = size - 1;
	if (len > BODY_MAX)
		return 0;	/* params_read refuses it unread */

	/* params_read, but for the reading from the request. */
	memset(&p, 0, sizeof(p));
	p.buf = fuzz_copy(data, len);
	if (json) {
		p.json = json_loadb(p.buf, len, JSON_REJECT_DUPLICATES, &jerr);
		ok = p.json != NULL && json_is_object(p.json);
	} else {
		ok = form_parse(p.buf, len, &p.form, &why) == 0;
		FUZZ_ASSERT(ok || why != NULL);
	}
	if (ok) {
		for (i = 0; names[i] != NULL; i++) {
			bad = 0;
			v = params_get(&p, names[i], &bad);
			check_value(v, bad);
		}
		for (i = 0; nested[i] != NULL; i++) {
			bad = 0;
			v = params_get_in(&p, "additionalParameters", nested[i],
			    &bad);
			check_value(v, bad);
			bad = 0;
			v = params_get_in(&p, nested[i], nested[i], &bad);
			check_value(v, bad);
		}
	}
	params_free(&p);
	return 0;
}
