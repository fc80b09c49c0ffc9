/*
 * The Management API's users endpoints, read-only, in Auth0's v2 shapes:
 *
 *	GET /api/v2/users		search (users_search.c)
 *	GET /api/v2/users/{id}		one user; the id raw or %-encoded
 *	GET /api/v2/users-by-email	every user with this email
 *
 * Each needs a bearer token for {issuer}api/v2/ with read:users, checked
 * before anything in the request is looked at.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "bearer.h"
#include "form.h"
#include "frontend.h"
#include "http.h"
#include "path.h"
#include "reply.h"
#include "scope.h"
#include "users.h"
#include "users_search.h"

#define USERS_PREFIX	"/api/v2/users/"
#define MESSAGE_MAX	256

static int
authorized(struct evhttp_request *req)
{
	struct access	 a;

	return bearer_api_check(req, "read:users", &a) == 0;
}

static void
bad_query(struct evhttp_request *req, const char *message)
{
	reply_api_error(req, 400, message, "invalid_query_string");
}

static void
no_memory(struct evhttp_request *req)
{
	reply_api_error(req, 503, "Out of memory; try again", NULL);
}

int
api_query(struct evhttp_request *req, struct form *f, char **buf)
{
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*q = uri ? evhttp_uri_get_query(uri) : NULL;
	const char		*why;
	char			 msg[MESSAGE_MAX];
	size_t			 len;

	*buf = NULL;
	f->n = 0;
	if (q == NULL)
		return 0;
	len = strlen(q);	/* bounded by the header limit */
	if ((*buf = malloc(len + 1)) == NULL) {
		no_memory(req);
		return -1;
	}
	memcpy(*buf, q, len);
	if (form_parse(*buf, len, f, &why) == -1) {
		snprintf(msg, sizeof(msg), "Query validation error: %s", why);
		bad_query(req, msg);
		free(*buf);
		*buf = NULL;
		return -1;
	}
	return 0;
}

void
users_list(struct evhttp_request *req)
{
	if (authorized(req))
		users_search_answer(req);
}

void
users_search_answer(struct evhttp_request *req)
{
	struct users_search	 s;
	struct form		 f;
	char			*buf, err[MESSAGE_MAX];
	json_t			*out;

	if (api_query(req, &f, &buf) == -1)
		return;
	if (users_search_parse(&s, &f, err, sizeof(err)) == -1) {
		bad_query(req, err);
		free(buf);
		return;
	}
	free(buf);
	if ((out = users_search_run(users_current(), &s)) == NULL) {
		no_memory(req);
		return;
	}
	reply_json(req, 200, out, 0);
}

/*
 * The query string of a lookup: only the allowed parameters, and the
 * fields to show.  Returns 0, or -1 with the request answered.
 */
static int
read_fields(struct evhttp_request *req, const char *const *allowed,
    struct form *f, char **buf, struct users_fields *fields)
{
	char	 msg[MESSAGE_MAX];

	if (api_query(req, f, buf) == -1)
		return -1;
	if (users_params_check(f, allowed, msg, sizeof(msg)) == -1 ||
	    users_fields_parse(fields, form_get(f, "fields"),
	    form_get(f, "include_fields"), msg, sizeof(msg)) == -1) {
		free(*buf);
		*buf = NULL;
		bad_query(req, msg);
		return -1;
	}
	return 0;
}

void
users_get(struct evhttp_request *req)
{
	if (authorized(req))
		users_one_answer(req, USERS_PREFIX);
}

void
users_one_answer(struct evhttp_request *req, const char *prefix)
{
	static const char *const allowed[] = {
		"fields", "include_fields", NULL
	};
	const struct evhttp_uri	*uri = evhttp_request_get_evhttp_uri(req);
	const char		*path = uri ? evhttp_uri_get_path(uri) : NULL;
	const struct user	*u;
	struct users_fields	 fields;
	struct form		 f;
	char			 id[USER_ID_MAX + 1], *buf;
	json_t			*out;

	if (path == NULL || strncmp(path, prefix, strlen(prefix)) != 0 ||
	    strchr(path + strlen(prefix), '/') != NULL) {
		/* /api/v2/users/{id}/roles and the like are not served. */
		reply_api_error(req, 404, "Not Found", NULL);
		return;
	}
	if (path_segment(path, prefix, "", id, sizeof(id)) == -1) {
		reply_api_error(req, 400, "Path validation error: the user id "
		    "is empty, too long, malformed, not UTF-8, or holds a "
		    "control character", "invalid_uri");
		return;
	}
	if (read_fields(req, allowed, &f, &buf, &fields) == -1)
		return;
	free(buf);
	if ((u = users_by_id(id)) == NULL) {
		reply_api_error(req, 404, "The user does not exist.",
		    "inexistent_user");
		return;
	}
	if ((out = users_fields_apply(&fields, u)) == NULL) {
		no_memory(req);
		return;
	}
	reply_json(req, 200, out, 0);
}

/* The users with this email, shaped by fields; NULL when out of memory. */
static json_t *
email_matches(const char *email, const struct users_fields *fields)
{
	const struct user	**v;
	size_t			  i, n;
	json_t			 *out;

	n = users_by_email(email, NULL, 0);
	if ((v = calloc(n ? n : 1, sizeof(*v))) == NULL)
		return NULL;
	n = users_by_email(email, v, n);
	if ((out = json_array()) != NULL)
		for (i = 0; i < n; i++)
			if (json_array_append_new(out,
			    users_fields_apply(fields, v[i])) == -1) {
				json_decref(out);
				out = NULL;
				break;
			}
	free(v);
	return out;
}

void
users_get_by_email(struct evhttp_request *req)
{
	static const char *const allowed[] = {
		"email", "fields", "include_fields", NULL
	};
	struct users_fields	 fields;
	struct form		 f;
	const char		*email;
	char			*buf;
	json_t			*out;

	if (!authorized(req) ||
	    read_fields(req, allowed, &f, &buf, &fields) == -1)
		return;
	if ((email = form_get(&f, "email")) == NULL || *email == '\0') {
		free(buf);
		bad_query(req, "Query validation error: email is required");
		return;
	}
	out = email_matches(email, &fields);
	free(buf);
	if (out == NULL) {
		no_memory(req);
		return;
	}
	reply_json(req, 200, out, 0);
}
