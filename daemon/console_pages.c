/*
 * The console's static pages, shipped with guise (CONSOLE_PAGES, or
 * console.pages): read once at start, before the front end confines
 * itself, and served from memory under a CSP that allows nothing but the
 * console's own files (DESIGN.md section 7).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "beside.h"
#include "console.h"
#include "log.h"
#include "reply.h"

#define PAGE_MAX	(256 * 1024)	/* bytes of one file */
#define CONSOLE_CSP	"default-src 'self'; frame-ancestors 'none'"

static struct page {
	const char	*name;
	const char	*type;
	char		*body;
	size_t		 len;
} pages[] = {
	{ "index.html",	"text/html; charset=utf-8", NULL, 0 },
	{ "console.js",	"text/javascript; charset=utf-8", NULL, 0 },
	{ "console.css", "text/css; charset=utf-8", NULL, 0 },
};

static int
page_read(const char *dir, struct page *p)
{
	char	 path[4096];
	ssize_t	 n;
	int	 fd;

	if (snprintf(path, sizeof(path), "%s/%s", dir, p->name) >=
	    (int)sizeof(path)) {
		log_warnx("console pages: %s: path too long", dir);
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("console pages: %s", path);
		return -1;
	}
	free(p->body);
	if ((p->body = malloc(PAGE_MAX)) == NULL) {
		close(fd);
		return -1;
	}
	p->len = 0;
	while ((n = read(fd, p->body + p->len, PAGE_MAX - p->len)) > 0)
		p->len += (size_t)n;
	close(fd);
	if (n == -1 || p->len == PAGE_MAX) {
		log_warnx("console pages: %s: %s", path, n == -1 ?
		    strerror(errno) : "too large");
		return -1;
	}
	return 0;
}

/*
 * Where the pages are when console.pages does not say: beside the running
 * guised as make install lays them out (PREFIX/sbin/guised, PREFIX/share/
 * guise/console), or as the build tree has them (build/guised,
 * build/tests/guised-test), or CONSOLE_PAGES.
 */
static const char *
pages_dir(char *buf, size_t buflen)
{
	const char *const	 tries[] = { "/../share/guise/console/index.html",
				    "/../daemon/console/index.html",
				    "/../../daemon/console/index.html" };

	if (beside_self(tries, sizeof(tries) / sizeof(tries[0]), R_OK, buf,
	    buflen) == -1)
		return CONSOLE_PAGES;
	buf[strlen(buf) - strlen("/index.html")] = '\0';
	return buf;
}

int
console_pages_load(const struct config *conf)
{
	char		 found[PATH_MAX + 64];
	const char	*dir = conf->console.pages != NULL ?
			    conf->console.pages : pages_dir(found, sizeof(found));
	size_t		 i;

	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (page_read(dir, &pages[i]) == -1)
			return -1;
	return 0;
}

void
console_page(struct evhttp_request *req, const char *name)
{
	struct evkeyvalq	*h = evhttp_request_get_output_headers(req);
	struct evbuffer		*b;
	size_t			 i;

	if (*name == '\0')
		name = "index.html";
	for (i = 0; i < sizeof(pages) / sizeof(pages[0]); i++)
		if (strcmp(name, pages[i].name) == 0)
			break;
	if (i == sizeof(pages) / sizeof(pages[0]) || pages[i].body == NULL) {
		reply_oauth_error(req, 404, "not_found", "no such page");
		return;
	}
	if ((b = evbuffer_new()) == NULL ||
	    evbuffer_add_reference(b, pages[i].body, pages[i].len, NULL,
	    NULL) == -1) {
		if (b != NULL)
			evbuffer_free(b);
		reply_unavailable(req);
		return;
	}
	evhttp_add_header(h, "Content-Type", pages[i].type);
	evhttp_add_header(h, "Content-Security-Policy", CONSOLE_CSP);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "Cache-Control", "no-cache");
	evhttp_send_reply(req, 200, "OK", b);
	evbuffer_free(b);
}
