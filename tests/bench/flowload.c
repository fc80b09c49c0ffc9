/*
 * make bench: the whole impersonation flow under load (issue 7).  N flows
 * in flight, each a small state machine on its own keep-alive connection,
 * walk the four steps of the Auth0 how-to again and again: ask for a link,
 * follow it, exchange the code, read /userinfo.  A warm-up second is not
 * counted; then it measures for SECONDS seconds and prints one JSON object:
 * flows a second, errors, and each step's p50, p99 and p99.9 in
 * microseconds.  An unexpected answer is an error: it ends that flow and a
 * new one starts; the first few are shown on stderr.
 *
 *	flowload URL CONFIG_DIR [IN_FLIGHT [SECONDS]]
 *
 * URL is the daemon's base URL, plain http (http://127.0.0.1:18080/);
 * CONFIG_DIR a folder written by tests/lib/mkconfig.sh: secrets.json gives
 * the client secrets, guise.json the issuer.  A benchmark: it asserts
 * nothing about time, and exits 1 only when it cannot start.
 */
#include <sys/resource.h>

#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

#include <jansson.h>

#include "event_loop.h"

#define FL_IN_FLIGHT_MAX	1024
#define FL_IN_FLIGHT_DEFAULT	32
#define FL_SECONDS_MAX		3000	/* the bearer token lives 3600 s */
#define FL_SECONDS_DEFAULT	10
#define FL_WARMUP_SECS		1
#define FL_TIMEOUT_SECS		5	/* a request, and the connect */
#define FL_RETRY_MSECS		100	/* after a request got no answer */
#define FL_HEADERS_MAX		(16 * 1024)
#define FL_BODY_MAX		(64 * 1024)
#define FL_AUTH_MAX		4096	/* "Bearer " and a token */
#define FL_PATH_MAX		2048	/* a link's path and query */
#define FL_CODE_MAX		256
#define FL_SHOW_ERRORS		5
#define FL_SHOW_BYTES		512

/* The sample users and clients of tests/lib/mkconfig.sh. */
#define FL_IMPERSONATOR		"auth0|support-1"
#define FL_USER_PATH		"auth0%7Ccustomer-1"
#define FL_CALLER		"backoffice"
#define FL_APP			"storefront"
#define FL_CALLBACK		"http://127.0.0.1:3000/callback"

/*
 * Log-linear histogram of microseconds: exact below 128, then 64 buckets
 * per power of two (under 1.6 % error), up to 2^32 us.
 */
#define HIST_SUB_BITS		7
#define HIST_SUB		(1U << HIST_SUB_BITS)
#define HIST_HALF		(HIST_SUB / 2)
#define HIST_BUCKETS		(HIST_SUB + (32 - HIST_SUB_BITS) * HIST_HALF)

struct hist {
	uint64_t	 n;
	uint64_t	 max;
	uint64_t	 bucket[HIST_BUCKETS];
};

enum step {
	STEP_IMPERSONATE,
	STEP_LINK,
	STEP_EXCHANGE,
	STEP_USERINFO,
	STEP__MAX
};

enum phase {
	PHASE_WARMUP,
	PHASE_MEASURE,
	PHASE_DONE
};

struct flow {
	struct evhttp_connection	*conn;
	struct event			*retry;
	enum step			 step;
	enum evhttp_request_error	 reqerr;
	int				 failed;	/* reqerr is set */
	uint64_t			 t0;	/* the step's start, us */
	char				 path[FL_PATH_MAX];
	char				 code[FL_CODE_MAX];
	char				 auth[FL_AUTH_MAX];
};

static int	got_link(struct flow *, struct evhttp_request *);
static int	got_code(struct flow *, struct evhttp_request *);
static int	got_tokens(struct flow *, struct evhttp_request *);
static int	got_profile(struct flow *, struct evhttp_request *);

/* What each step must answer, and what reads the answer and goes on. */
static const struct step_desc {
	const char	*name;
	int		 status;
	int		(*done)(struct flow *, struct evhttp_request *);
} steps[STEP__MAX] = {
	{ "impersonate",	HTTP_OK,	got_link },
	{ "link",		HTTP_MOVETEMP,	got_code },
	{ "exchange",		HTTP_OK,	got_tokens },
	{ "userinfo",		HTTP_OK,	got_profile },
};

static struct {
	struct event_base	*base;
	char			*host;
	int			 port;
	char			*hostport;	/* the Host header */
	char			*issuer;
	char			*caller_secret;	/* form-encoded */
	char			*app_secret;	/* form-encoded */
	char			*token_path;
	char			*impersonate_path;
	char			*userinfo_path;
	char			*exchange_form;	/* all but the code */
	char			 bearer[FL_AUTH_MAX];
	enum phase		 phase;
	struct timeval		 measure;	/* SECONDS */
	uint64_t		 t_start, t_end;
	uint64_t		 flows;
	uint64_t		 errors;
	unsigned int		 shown;
	struct hist		 hist[STEP__MAX];
} bench;

static const char	 impersonate_body[] =
    "{\"protocol\":\"oauth2\",\"impersonator_id\":\"" FL_IMPERSONATOR "\","
    "\"client_id\":\"" FL_APP "\",\"additionalParameters\":"
    "{\"response_type\":\"code\",\"callback_url\":\"" FL_CALLBACK "\"}}";

static void	flow_start(struct flow *);

static uint64_t
now_us(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static size_t
hist_index(uint32_t v)
{
	unsigned int	 e;

	if (v < HIST_SUB)
		return v;
	e = 31 - (unsigned int)__builtin_clz(v);	/* v >= 2^e, e >= 7 */
	return HIST_SUB + (e - HIST_SUB_BITS) * HIST_HALF +
	    ((v >> (e - HIST_SUB_BITS + 1)) - HIST_HALF);
}

/* The largest value that falls into bucket i. */
static uint64_t
hist_upper(size_t i)
{
	size_t		 k, e, m;

	if (i < HIST_SUB)
		return i;
	k = i - HIST_SUB;
	e = k / HIST_HALF + HIST_SUB_BITS;
	m = k % HIST_HALF + HIST_HALF;
	return ((uint64_t)(m + 1) << (e - HIST_SUB_BITS + 1)) - 1;
}

static void
hist_add(struct hist *h, uint64_t us)
{
	if (us > UINT32_MAX)
		us = UINT32_MAX;
	h->bucket[hist_index((uint32_t)us)]++;
	h->n++;
	if (us > h->max)
		h->max = us;
}

/* The value at the given rank in ten-thousandths (5000 is the median). */
static uint64_t
hist_quantile(const struct hist *h, uint64_t per10k)
{
	uint64_t	 rank, seen = 0, v;
	size_t		 i;

	if (h->n == 0)
		return 0;
	if ((rank = (h->n * per10k + 9999) / 10000) == 0)
		rank = 1;
	for (i = 0; i < HIST_BUCKETS; i++) {
		if ((seen += h->bucket[i]) >= rank) {
			v = hist_upper(i);
			return v < h->max ? v : h->max;
		}
	}
	return h->max;
}

static const char *
reqerr_name(enum evhttp_request_error e)
{
	switch (e) {
	case EVREQ_HTTP_TIMEOUT:
		return "timeout";
	case EVREQ_HTTP_EOF:
		return "connection closed";
	case EVREQ_HTTP_INVALID_HEADER:
		return "invalid header";
	case EVREQ_HTTP_BUFFER_ERROR:
		return "buffer error";
	case EVREQ_HTTP_REQUEST_CANCEL:
		return "cancelled";
	case EVREQ_HTTP_DATA_TOO_LONG:
		return "answer too long";
	}
	return "unknown error";
}

/* The first bytes of an answer's body, control characters as '.'. */
static void
show_body(struct evhttp_request *req)
{
	struct evbuffer	*in;
	char		 buf[FL_SHOW_BYTES + 1];
	ev_ssize_t	 n;
	ev_ssize_t	 i;

	if (req == NULL ||
	    (in = evhttp_request_get_input_buffer(req)) == NULL ||
	    (n = evbuffer_copyout(in, buf, FL_SHOW_BYTES)) <= 0)
		return;
	for (i = 0; i < n; i++)
		if ((unsigned char)buf[i] < 0x20 || buf[i] == 0x7f)
			buf[i] = '.';
	buf[n] = '\0';
	fprintf(stderr, ": %s", buf);
}

static void
flow_retry(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	flow_start(arg);
}

/*
 * The flow ends here; count it, show the first few, and start another.
 * After no answer at all, wait a little: a daemon that is gone must not
 * make every flow spin on connect(2).
 */
static void
flow_fail(struct flow *f, struct evhttp_request *req, int status,
    const char *why)
{
	struct timeval	 pause = { 0, FL_RETRY_MSECS * 1000 };

	if (bench.phase == PHASE_MEASURE)
		bench.errors++;
	if (bench.shown < FL_SHOW_ERRORS) {
		bench.shown++;
		fprintf(stderr, "flowload: %s: ", steps[f->step].name);
		if (status == 0)
			fprintf(stderr, "no answer (%s)", f->failed ?
			    reqerr_name(f->reqerr) : why);
		else
			fprintf(stderr, "%d, %s", status, why);
		show_body(req);
		fputc('\n', stderr);
	}
	if (status == 0)
		evtimer_add(f->retry, &pause);
	else
		flow_start(f);
}

static void
flow_reqerr(enum evhttp_request_error e, void *arg)
{
	struct flow	*f = arg;

	f->reqerr = e;
	f->failed = 1;
}

static void
flow_answer(struct evhttp_request *req, void *arg)
{
	struct flow		*f = arg;
	const struct step_desc	*s = &steps[f->step];
	uint64_t		 us = now_us() - f->t0;
	int			 status;

	status = req == NULL ? 0 : evhttp_request_get_response_code(req);
	if (status != s->status) {
		flow_fail(f, req, status, status == 0 ? "no connection" :
		    "unexpected status");
		return;
	}
	if (bench.phase == PHASE_MEASURE)
		hist_add(&bench.hist[f->step], us);
	if (s->done(f, req) == -1)
		flow_fail(f, req, status, "unexpected answer");
}

/* A request for the flow's next step, with Host and, if given, auth. */
static struct evhttp_request *
flow_request(struct flow *f, const char *auth)
{
	struct evhttp_request	*req;
	struct evkeyvalq	*h;

	if ((req = evhttp_request_new(flow_answer, f)) == NULL)
		return NULL;
	evhttp_request_set_error_cb(req, flow_reqerr);
	h = evhttp_request_get_output_headers(req);
	if (evhttp_add_header(h, "Host", bench.hostport) == -1 ||
	    (auth != NULL &&
	    evhttp_add_header(h, "Authorization", auth) == -1)) {
		evhttp_request_free(req);
		return NULL;
	}
	return req;
}

static void
flow_send(struct flow *f, struct evhttp_request *req,
    enum evhttp_cmd_type cmd, const char *uri)
{
	f->failed = 0;
	f->t0 = now_us();
	if (req == NULL)
		flow_fail(f, NULL, 0, "cannot make the request");
	else if (evhttp_make_request(f->conn, req, cmd, uri) == -1)
		flow_fail(f, NULL, 0, "cannot send the request");
}

/* Step 1: ask for a link. */
static void
flow_start(struct flow *f)
{
	struct evhttp_request	*req;

	f->step = STEP_IMPERSONATE;
	if ((req = flow_request(f, bench.bearer)) != NULL &&
	    (evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/json") == -1 ||
	    evbuffer_add(evhttp_request_get_output_buffer(req),
	    impersonate_body, sizeof(impersonate_body) - 1) == -1)) {
		evhttp_request_free(req);
		req = NULL;
	}
	flow_send(f, req, EVHTTP_REQ_POST, bench.impersonate_path);
}

/*
 * Step 2: the answer is one absolute URL on this server; follow its path
 * and query on the same connection.
 */
static int
got_link(struct flow *f, struct evhttp_request *req)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	char		 link[FL_PATH_MAX + 256];
	const char	*p;
	size_t		 n, i;

	if ((n = evbuffer_get_length(in)) == 0 || n >= sizeof(link) ||
	    evbuffer_copyout(in, link, n) != (ev_ssize_t)n)
		return -1;
	while (n > 0 && (link[n - 1] == '\n' || link[n - 1] == '\r' ||
	    link[n - 1] == ' '))
		n--;
	link[n] = '\0';
	if (strncmp(link, "http://", 7) != 0 &&
	    strncmp(link, "https://", 8) != 0)
		return -1;
	if ((p = strchr(strstr(link, "://") + 3, '/')) == NULL ||
	    strlen(p) >= sizeof(f->path))
		return -1;
	for (i = 0; p[i] != '\0' && p[i] != '#'; i++) {
		if ((unsigned char)p[i] <= ' ' || p[i] == 0x7f)
			return -1;
		f->path[i] = p[i];
	}
	f->path[i] = '\0';
	f->step = STEP_LINK;
	flow_send(f, flow_request(f, NULL), EVHTTP_REQ_GET, f->path);
	return 0;
}

/* The code= parameter of a redirect's query, as it is encoded there. */
static int
location_code(const char *loc, char *code, size_t size)
{
	const char	*p;
	size_t		 n;

	if ((p = strchr(loc, '?')) == NULL)
		return -1;
	for (p++; *p != '\0' && *p != '#'; p += strcspn(p, "&#")) {
		if (*p == '&')
			p++;
		if (strncmp(p, "code=", 5) != 0)
			continue;
		p += 5;
		n = strspn(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstu"
		    "vwxyz0123456789-._~%");
		if (n == 0 || n >= size || (p[n] != '\0' && p[n] != '&' &&
		    p[n] != '#'))
			return -1;
		memcpy(code, p, n);
		code[n] = '\0';
		return 0;
	}
	return -1;
}

/* Step 3: exchange the code of the redirect as the application. */
static int
got_code(struct flow *f, struct evhttp_request *req)
{
	struct evhttp_request	*next;
	const char		*loc;

	loc = evhttp_find_header(evhttp_request_get_input_headers(req),
	    "Location");
	if (loc == NULL || location_code(loc, f->code, sizeof(f->code)) == -1)
		return -1;
	f->step = STEP_EXCHANGE;
	if ((next = flow_request(f, NULL)) != NULL &&
	    (evhttp_add_header(evhttp_request_get_output_headers(next),
	    "Content-Type", "application/x-www-form-urlencoded") == -1 ||
	    evbuffer_add_printf(evhttp_request_get_output_buffer(next),
	    "%s%s", bench.exchange_form, f->code) == -1)) {
		evhttp_request_free(next);
		next = NULL;
	}
	flow_send(f, next, EVHTTP_REQ_POST, bench.token_path);
	return 0;
}

/*
 * "Bearer " and the access_token of a token endpoint's JSON answer into
 * buf; also must be a non-empty string member when not NULL.  -1 when the
 * body is not JSON, a member is missing or the token too long.
 */
static int
answer_token(struct evhttp_request *req, const char *also, char *buf,
    size_t size)
{
	struct evbuffer	*in = evhttp_request_get_input_buffer(req);
	size_t		 n = evbuffer_get_length(in);
	const char	*body, *s, *t;
	json_t		*root;
	int		 r = -1, len;

	if (n == 0 || (body = (const char *)evbuffer_pullup(in, -1)) == NULL ||
	    (root = json_loadb(body, n, 0, NULL)) == NULL)
		return -1;
	s = json_string_value(json_object_get(root, "access_token"));
	t = also == NULL ? "-" : json_string_value(json_object_get(root, also));
	if (s != NULL && *s != '\0' && t != NULL && *t != '\0') {
		len = snprintf(buf, size, "Bearer %s", s);
		if (len > 0 && (size_t)len < size)
			r = 0;
	}
	json_decref(root);
	return r;
}

/* Step 4: read the profile with the new access token. */
static int
got_tokens(struct flow *f, struct evhttp_request *req)
{
	if (answer_token(req, "id_token", f->auth, sizeof(f->auth)) == -1)
		return -1;
	f->step = STEP_USERINFO;
	flow_send(f, flow_request(f, f->auth), EVHTTP_REQ_GET,
	    bench.userinfo_path);
	return 0;
}

static int
got_profile(struct flow *f, struct evhttp_request *req)
{
	(void)req;
	if (bench.phase == PHASE_MEASURE)
		bench.flows++;
	flow_start(f);
	return 0;
}

static void
token_answer(struct evhttp_request *req, void *arg)
{
	int	*ok = arg;

	if (req == NULL || evhttp_request_get_response_code(req) == 0)
		fprintf(stderr, "flowload: client_credentials for " FL_CALLER
		    ": no answer\n");
	else if (evhttp_request_get_response_code(req) != HTTP_OK) {
		fprintf(stderr, "flowload: client_credentials for " FL_CALLER
		    ": %d", evhttp_request_get_response_code(req));
		show_body(req);
		fputc('\n', stderr);
	} else if (answer_token(req, NULL, bench.bearer,
	    sizeof(bench.bearer)) == -1)
		fprintf(stderr, "flowload: no access_token in the answer\n");
	else
		*ok = 1;
	event_base_loopbreak(bench.base);
}

/* Once at start: the backoffice's bearer token for the endpoint. */
static int
bench_token(void)
{
	struct evhttp_connection	*conn;
	struct evhttp_request		*req;
	int				 ok = 0;

	if ((conn = evhttp_connection_base_new(bench.base, NULL, bench.host,
	    (ev_uint16_t)bench.port)) == NULL ||
	    (req = evhttp_request_new(token_answer, &ok)) == NULL)
		return -1;
	evhttp_connection_set_timeout(conn, FL_TIMEOUT_SECS);
	if (evhttp_add_header(evhttp_request_get_output_headers(req), "Host",
	    bench.hostport) == -1 ||
	    evhttp_add_header(evhttp_request_get_output_headers(req),
	    "Content-Type", "application/x-www-form-urlencoded") == -1 ||
	    evbuffer_add_printf(evhttp_request_get_output_buffer(req),
	    "grant_type=client_credentials&client_id=" FL_CALLER
	    "&client_secret=%s&audience=%sapi%%2Fv2%%2F", bench.caller_secret,
	    bench.issuer) == -1 ||
	    evhttp_make_request(conn, req, EVHTTP_REQ_POST,
	    bench.token_path) == -1) {
		evhttp_connection_free(conn);
		return -1;
	}
	event_base_dispatch(bench.base);
	evhttp_connection_free(conn);
	return ok ? 0 : -1;
}

/* A string member of a JSON file, form-encoded. */
static char *
config_string(const char *dir, const char *file, const char *name)
{
	char		 path[PATH_MAX];
	json_error_t	 err;
	json_t		*root;
	const char	*s;
	char		*v = NULL;
	int		 n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (n < 0 || (size_t)n >= sizeof(path))
		return NULL;
	if ((root = json_load_file(path, 0, &err)) == NULL) {
		fprintf(stderr, "flowload: %s:%d: %s\n", path, err.line,
		    err.text);
		return NULL;
	}
	if ((s = json_string_value(json_object_get(root, name))) == NULL)
		fprintf(stderr, "flowload: %s: no string %s\n", path, name);
	else
		v = evhttp_uriencode(s, -1, 1);
	json_decref(root);
	return v;
}

static int
bench_config(const char *dir)
{
	char	*cb;
	int	 r;

	if ((bench.caller_secret = config_string(dir, "secrets.json",
	    FL_CALLER)) == NULL ||
	    (bench.app_secret = config_string(dir, "secrets.json",
	    FL_APP)) == NULL ||
	    (bench.issuer = config_string(dir, "guise.json", "issuer")) == NULL)
		return -1;
	if ((cb = evhttp_uriencode(FL_CALLBACK, -1, 1)) == NULL)
		return -1;
	r = asprintf(&bench.exchange_form, "grant_type=authorization_code"
	    "&client_id=" FL_APP "&client_secret=%s&redirect_uri=%s&code=",
	    bench.app_secret, cb);
	free(cb);
	return r == -1 ? -1 : 0;
}

/* http://host[:port][/base/]: where the requests go. */
static int
bench_url(const char *url)
{
	struct evhttp_uri	*u;
	const char		*scheme, *host, *path;
	const char		*slash;
	int			 r = -1;

	if ((u = evhttp_uri_parse(url)) == NULL)
		return -1;
	scheme = evhttp_uri_get_scheme(u);
	host = evhttp_uri_get_host(u);
	path = evhttp_uri_get_path(u);
	if (path == NULL || *path == '\0')
		path = "/";
	slash = path[strlen(path) - 1] == '/' ? "" : "/";
	bench.port = evhttp_uri_get_port(u) == -1 ? 80 : evhttp_uri_get_port(u);
	if (scheme == NULL || strcmp(scheme, "http") != 0 || host == NULL ||
	    *host == '\0' || evhttp_uri_get_query(u) != NULL)
		goto out;
	if ((bench.host = strdup(host)) == NULL ||
	    asprintf(&bench.hostport, strchr(host, ':') != NULL ? "[%s]:%d" :
	    "%s:%d", host, bench.port) == -1 ||
	    asprintf(&bench.token_path, "%s%soauth/token", path, slash) == -1 ||
	    asprintf(&bench.impersonate_path, "%s%susers/%s/impersonate",
	    path, slash, FL_USER_PATH) == -1 ||
	    asprintf(&bench.userinfo_path, "%s%suserinfo", path, slash) == -1)
		goto out;
	r = 0;
 out:
	evhttp_uri_free(u);
	return r;
}

static long
number(const char *s, long min, long max)
{
	char	*end;
	long	 v;

	v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || v < min || v > max)
		return -1;
	return v;
}

/* Room for N connections and a few more. */
static void
raise_nofile(long n)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1 ||
	    rl.rlim_cur >= (rlim_t)n + 64)
		return;
	rl.rlim_cur = rl.rlim_max < (rlim_t)n + 64 ? rl.rlim_max :
	    (rlim_t)n + 64;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
}

static void
phase_end(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	bench.t_end = now_us();
	bench.phase = PHASE_DONE;
	event_base_loopbreak(bench.base);
}

static void
phase_measure(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	memset(bench.hist, 0, sizeof(bench.hist));
	bench.flows = bench.errors = 0;
	bench.phase = PHASE_MEASURE;
	bench.t_start = now_us();
	if (evtimer_add(arg, &bench.measure) == -1) {
		fprintf(stderr, "flowload: cannot set the end timer\n");
		event_base_loopbreak(bench.base);
	}
}

static void
report(long n, long seconds)
{
	double		 secs;
	const char	*sep = "";
	size_t		 i;

	secs = (double)(bench.t_end - bench.t_start) / 1e6;
	printf("{\"in_flight\":%ld,\"seconds\":%ld,\"flows\":%" PRIu64
	    ",\"flows_per_s\":%.1f,\"errors\":%" PRIu64 ",\"steps\":{",
	    n, seconds, bench.flows, secs > 0 ? (double)bench.flows / secs : 0,
	    bench.errors);
	for (i = 0; i < STEP__MAX; i++) {
		printf("%s\"%s\":{\"n\":%" PRIu64 ",\"p50_us\":%" PRIu64
		    ",\"p99_us\":%" PRIu64 ",\"p999_us\":%" PRIu64 "}", sep,
		    steps[i].name, bench.hist[i].n,
		    hist_quantile(&bench.hist[i], 5000),
		    hist_quantile(&bench.hist[i], 9900),
		    hist_quantile(&bench.hist[i], 9990));
		sep = ",";
	}
	printf("}}\n");
}

static void
bench_free(void)
{
	free(bench.host);
	free(bench.hostport);
	free(bench.issuer);
	free(bench.caller_secret);
	free(bench.app_secret);
	free(bench.token_path);
	free(bench.impersonate_path);
	free(bench.userinfo_path);
	free(bench.exchange_form);
}

static int
flows_open(struct flow *flows, long n)
{
	struct flow	*f;
	long		 i;

	for (i = 0; i < n; i++) {
		f = &flows[i];
		if ((f->conn = evhttp_connection_base_new(bench.base, NULL,
		    bench.host, (ev_uint16_t)bench.port)) == NULL ||
		    (f->retry = evtimer_new(bench.base, flow_retry, f)) == NULL)
			return -1;
		evhttp_connection_set_timeout(f->conn, FL_TIMEOUT_SECS);
		evhttp_connection_set_max_headers_size(f->conn, FL_HEADERS_MAX);
		evhttp_connection_set_max_body_size(f->conn, FL_BODY_MAX);
	}
	return 0;
}

static void
flows_close(struct flow *flows, long n)
{
	long	 i;

	for (i = 0; i < n; i++) {
		if (flows[i].conn != NULL)
			evhttp_connection_free(flows[i].conn);
		if (flows[i].retry != NULL)
			event_free(flows[i].retry);
	}
	free(flows);
}

int
main(int argc, char *argv[])
{
	struct timeval	 warmup = { FL_WARMUP_SECS, 0 };
	struct event	*ev_measure = NULL, *ev_end = NULL;
	struct flow	*flows;
	long		 n = FL_IN_FLIGHT_DEFAULT, seconds = FL_SECONDS_DEFAULT;
	long		 i;

	if (argc < 3 || argc > 5 ||
	    (argc > 3 && (n = number(argv[3], 1, FL_IN_FLIGHT_MAX)) == -1) ||
	    (argc > 4 &&
	    (seconds = number(argv[4], 1, FL_SECONDS_MAX)) == -1)) {
		fprintf(stderr, "usage: flowload URL CONFIG_DIR [IN_FLIGHT "
		    "(1-%d) [SECONDS (1-%d)]]\n", FL_IN_FLIGHT_MAX,
		    FL_SECONDS_MAX);
		return 2;
	}
	/* The daemon may close a connection while a request is written. */
	signal(SIGPIPE, SIG_IGN);
	if (bench_url(argv[1]) == -1) {
		fprintf(stderr, "flowload: %s: not an http://host[:port]/ "
		    "URL\n", argv[1]);
		return 2;
	}
	if (bench_config(argv[2]) == -1)
		return 1;
	raise_nofile(n);
	if ((bench.base = event_loop_new()) == NULL) {
		fprintf(stderr, "flowload: cannot set up libevent\n");
		return 1;
	}
	if (bench_token() == -1) {
		fprintf(stderr, "flowload: no bearer token from %s\n", argv[1]);
		return 1;
	}
	bench.measure.tv_sec = seconds;
	if ((flows = calloc((size_t)n, sizeof(*flows))) == NULL ||
	    flows_open(flows, n) == -1 ||
	    (ev_end = evtimer_new(bench.base, phase_end, NULL)) == NULL ||
	    (ev_measure = event_new(bench.base, -1, 0, phase_measure,
	    ev_end)) == NULL) {
		fprintf(stderr, "flowload: cannot set up %ld flows\n", n);
		return 1;
	}
	if (evtimer_add(ev_measure, &warmup) == -1)
		return 1;
	for (i = 0; i < n; i++)
		flow_start(&flows[i]);
	event_base_dispatch(bench.base);
	report(n, seconds);
	flows_close(flows, n);
	event_free(ev_measure);
	event_free(ev_end);
	event_base_free(bench.base);
	bench_free();
	return 0;
}
