#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "log.h"
#include "reply.h"

static const char *
reason_phrase(int code)
{
	switch (code) {
	case 200: return "OK";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 413: return "Payload Too Large";
	case 415: return "Unsupported Media Type";
	case 429: return "Too Many Requests";
	case 503: return "Service Unavailable";
	default: return code < 500 ? "Bad Request" : "Internal Server Error";
	}
}

void
reply_body(struct evhttp_request *req, int code, const char *type,
    const char *text)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	/* A copy: text may be replaced (a reload) while this is sent. */
	if (text == NULL || evbuffer_add(evhttp_request_get_output_buffer(req),
	    text, strlen(text)) == -1) {
		log_warnx("out of memory answering a request");
		evhttp_send_error(req, 503, NULL);
		return;
	}
	evhttp_add_header(h, "Content-Type", type);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_send_reply(req, code, reason_phrase(code), NULL);
}

void
reply_json(struct evhttp_request *req, int code, json_t *body, int no_store)
{
	char	*text;

	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (no_store)
		reply_no_store(req);
	reply_body(req, code, "application/json", text);
	free(text);
}

void
reply_no_store(struct evhttp_request *req)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);

	evhttp_add_header(h, "Cache-Control", "no-store");
	evhttp_add_header(h, "Pragma", "no-cache");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
}

void
reply_text(struct evhttp_request *req, const char *text)
{
	reply_no_store(req);
	reply_body(req, 200, "text/plain; charset=utf-8", text);
}

void
reply_redirect(struct evhttp_request *req, const char *location)
{
	evhttp_add_header(evhttp_request_get_output_headers(req), "Location",
	    location);
	reply_no_store(req);
	evhttp_send_reply(req, 302, "Found", NULL);
}

void
reply_oauth_error(struct evhttp_request *req, int code, const char *error,
    const char *description)
{
	reply_json(req, code, json_pack("{s:s, s:s}", "error", error,
	    "error_description", description), 1);
}

void
reply_api_error(struct evhttp_request *req, int code, const char *message,
    const char *error_code)
{
	json_t	*body;

	body = json_pack("{s:i, s:s, s:s}", "statusCode", code,
	    "error", reason_phrase(code), "message", message);
	if (body != NULL && error_code != NULL)
		json_object_set_new(body, "errorCode", json_string(error_code));
	reply_json(req, code, body, 0);
}

void
reply_bearer_error(struct evhttp_request *req, const char *description)
{
	char	 value[256];

	/* RFC 6750 section 3.1: no error code when no token was sent. */
	if (description == NULL)
		snprintf(value, sizeof(value), "Bearer realm=\"guise\"");
	else
		snprintf(value, sizeof(value), "Bearer error=\"invalid_token\", "
		    "error_description=\"%s\"", description);
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "WWW-Authenticate", value);
	reply_api_error(req, 401, description ? description :
	    "Missing authentication", description ? "invalid_token" : NULL);
}

void
reply_unavailable(struct evhttp_request *req)
{
	reply_busy(req, "the token signer did not answer in time; try again");
}

void
reply_busy(struct evhttp_request *req, const char *why)
{
	evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Retry-After", "1");
	reply_oauth_error(req, 503, "temporarily_unavailable", why);
}
