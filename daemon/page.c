/* The front end's few HTML pages, written by hand (page.h). */
#include <stdio.h>

#include <event2/buffer.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "page.h"
#include "reply.h"

void
page_escape(struct evbuffer *b, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			evbuffer_add_printf(b, "&amp;");
			break;
		case '<':
			evbuffer_add_printf(b, "&lt;");
			break;
		case '>':
			evbuffer_add_printf(b, "&gt;");
			break;
		case '"':
			evbuffer_add_printf(b, "&quot;");
			break;
		case '\'':
			evbuffer_add_printf(b, "&#39;");
			break;
		default:
			evbuffer_add(b, s, 1);
			break;
		}
	}
}

void
page_send(struct evhttp_request *req, int code, const char *reason,
    struct evbuffer *body, const char *script_hash)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	char			 csp[160];

	snprintf(csp, sizeof(csp), "default-src 'none'; %s%s%s"
	    "frame-ancestors 'none'", script_hash ? "script-src '" : "",
	    script_hash ? script_hash : "", script_hash ? "'; " : "");
	evhttp_add_header(h, "Content-Type", "text/html; charset=utf-8");
	evhttp_add_header(h, "Content-Security-Policy", csp);
	reply_no_store(req);
	evhttp_send_reply(req, code, reason, body);
}
