/*
 * GET /api/v2/users as Auth0's Management API v2 answers it: the request's
 * parameters checked into a struct users_search, then run over a
 * directory.  Nothing here knows HTTP; the endpoints are in users_api.c.
 */
#ifndef GUISE_USERS_SEARCH_H
#define GUISE_USERS_SEARCH_H

#include <stddef.h>

#include <jansson.h>

#include "form.h"
#include "query.h"
#include "users.h"

#define SEARCH_PER_PAGE_DEFAULT	50
#define SEARCH_PER_PAGE_MAX	100	/* DESIGN.md section 3: above is a 400 */
#define SEARCH_PAGE_MAX		1000000
#define FIELDS_MAX		32
#define FIELDS_TEXT_MAX		1024

/* fields and include_fields: which members of each user to answer with. */
struct users_fields {
	size_t		 n;		/* 0: every member */
	int		 include;	/* 1: only these, 0: all but these */
	size_t		 off[FIELDS_MAX];
	char		 text[FIELDS_TEXT_MAX];
};

/* The Management API's paging, as every list of it takes it. */
struct paging {
	size_t			 page;		/* from 0 */
	size_t			 per_page;
	int			 include_totals;
};

struct users_search {
	struct query		 query;
	int			 has_query;	/* 0: every user */
	struct paging		 paging;
	int			 sort;		/* 0: file order */
	int			 descending;
	struct users_fields	 fields;
};

/*
 * Refuse any parameter of f whose name is not in the NULL-terminated list
 * allowed.  Returns 0, or -1 with a message for the client in err.
 */
int	 users_params_check(const struct form *f, const char *const *allowed,
	    char *err, size_t errlen);

/* fields (a comma-separated list, may be NULL) and include_fields. */
int	 users_fields_parse(struct users_fields *, const char *fields,
	    const char *include_fields, char *err, size_t errlen);

/* A new reference to the user's object as the fields ask; NULL: no memory. */
json_t	*users_fields_apply(const struct users_fields *, const struct user *);

/*
 * page, per_page and include_totals of a list's query: 0, or -1 with a
 * message for the client in err.
 */
int	 paging_parse(struct paging *, const struct form *, char *err,
	    size_t errlen);

/* "true" or "false" (NULL: def) into *out: 0, or -1. */
int	 query_bool(const char *v, int def, int *out);

/*
 * The parameters of GET /api/v2/users: q, search_engine, page, per_page,
 * include_totals, sort, fields, include_fields; any other is refused.
 * Returns 0, or -1 with a message for the client in err (a query syntax
 * error says where).
 */
int	 users_search_parse(struct users_search *, const struct form *,
	    char *err, size_t errlen);

/*
 * The answer: an array of users, or with include_totals {start, limit,
 * length, total, users}.  A query that is one exact user_id or email term
 * is answered through the index; any other scans every user.  NULL when
 * out of memory.
 */
json_t	*users_search_run(const struct directory *,
	    const struct users_search *);

#endif
