#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "params.h"

/* The media type of a Content-Type value, without parameters. */
static int
media_type_is(const char *value, const char *want)
{
	size_t	 n = strlen(want);

	if (value == NULL)
		return 0;
	while (*value == ' ')
		value++;
	return strncasecmp(value, want, n) == 0 &&
	    (value[n] == '\0' || value[n] == ';' || value[n] == ' ');
}

int
params_read(struct evhttp_request *req, struct params *p, const char **why)
{
	struct evbuffer	*body = evhttp_request_get_input_buffer(req);
	const char	*ctype;
	size_t		 len = evbuffer_get_length(body);
	json_error_t	 jerr;

	memset(p, 0, sizeof(*p));
	if (len > BODY_MAX) {
		*why = "the body is too large";
		return -1;
	}
	ctype = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Content-Type");
	if ((p->buf = malloc(len + 1)) == NULL) {
		*why = "out of memory";
		return -1;
	}
	evbuffer_copyout(body, p->buf, len);
	p->buf[len] = '\0';

	if (media_type_is(ctype, "application/x-www-form-urlencoded"))
		return form_parse(p->buf, len, &p->form, why);
	if (media_type_is(ctype, "application/json")) {
		p->json = json_loadb(p->buf, len, JSON_REJECT_DUPLICATES, &jerr);
		if (p->json == NULL || !json_is_object(p->json)) {
			*why = "the body is not a JSON object";
			return -1;
		}
		return 0;
	}
	*why = "the body must be application/x-www-form-urlencoded or "
	    "application/json";
	return -1;
}

const char *
params_get(const struct params *p, const char *name, int *bad)
{
	json_t	*v;

	if (p->json == NULL)
		return form_get(&p->form, name);
	if ((v = json_object_get(p->json, name)) == NULL)
		return NULL;
	/* A string with a NUL inside would be cut short: refuse it. */
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

const char *
params_get_in(const struct params *p, const char *object, const char *name,
    int *bad)
{
	char	 key[128];
	json_t	*o, *v;

	if (p->json == NULL) {
		/* Forms write nested parameters as object[name]. */
		if ((size_t)snprintf(key, sizeof(key), "%s[%s]", object, name) >=
		    sizeof(key))
			return NULL;
		return form_get(&p->form, key);
	}
	if ((o = json_object_get(p->json, object)) == NULL)
		return NULL;
	if (!json_is_object(o)) {
		*bad = 1;
		return NULL;
	}
	if ((v = json_object_get(o, name)) == NULL)
		return NULL;
	if (!json_is_string(v) ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		*bad = 1;
		return NULL;
	}
	return json_string_value(v);
}

int
params_bool(const struct params *p, const char *name, int *out)
{
	const char	*s;
	json_t		*v;

	if (p->json != NULL) {
		if ((v = json_object_get(p->json, name)) == NULL)
			return 1;
		if (!json_is_boolean(v))
			return -1;
		*out = json_is_true(v);
		return 0;
	}
	if ((s = form_get(&p->form, name)) == NULL)
		return 1;
	if (strcmp(s, "true") != 0 && strcmp(s, "false") != 0)
		return -1;
	*out = strcmp(s, "true") == 0;
	return 0;
}

int
params_text(const char *s, size_t max)
{
	size_t	 len = strlen(s), i;

	if (len > max)
		return 0;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return 0;
	return 1;
}

void
params_free(struct params *p)
{
	json_decref(p->json);
	free(p->buf);
	memset(p, 0, sizeof(*p));
}
