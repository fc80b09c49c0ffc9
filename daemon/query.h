/*
 * The user search query language: the subset of Lucene that Auth0's user
 * search v3 documents.
 *
 *	field:value		a whole value, ASCII case-insensitive
 *	field:"a phrase"	quoted; \" and \\ are the only escapes
 *	field:val*		a trailing '*': a prefix (a '*' anywhere
 *				else is an error; inside quotes it is
 *				a literal '*')
 *	a AND b, a OR b, NOT a, ( ... )
 *	a b			adjacency: the default operator is OR, as in
 *				Lucene and Elasticsearch
 *
 * NOT binds tightest, then AND, then OR (and adjacency).  Keywords are
 * uppercase; a term always names its field.  user_id is compared byte for
 * byte (ids are opaque and Auth0's are case-sensitive), which also keeps a
 * search through the user_id index and a full scan in agreement.
 *
 * The parser is pure and bounded: no global state, no allocation, the
 * whole tree and the decoded values live in the caller's struct query.
 */
#ifndef GUISE_QUERY_H
#define GUISE_QUERY_H

#include <stddef.h>

#define QUERY_INPUT_MAX		2048	/* bytes of query text */
#define QUERY_TERMS_MAX		64
#define QUERY_DEPTH_MAX		16	/* parentheses and NOTs, nested */
#define QUERY_NODES_MAX		256	/* terms, operators and NOTs */
/* Each term's decoded path and value, NUL-terminated, never longer than
 * its text in the input. */
#define QUERY_TEXT_MAX		(QUERY_INPUT_MAX + 2 * QUERY_TERMS_MAX)

struct user;

enum query_field {
	QF_USER_ID = 1,
	QF_EMAIL,
	QF_NAME,
	QF_NICKNAME,
	QF_GIVEN_NAME,
	QF_FAMILY_NAME,
	QF_CREATED_AT,
	QF_UPDATED_AT,
	QF_LAST_LOGIN,
	QF_LOGINS_COUNT,
	QF_EMAIL_VERIFIED,
	QF_BLOCKED,
	QF_CONNECTION,		/* identities.connection */
	QF_APP_METADATA,	/* app_metadata.<path> */
	QF_USER_METADATA	/* user_metadata.<path> */
};

enum query_op {
	QN_TERM = 1,
	QN_AND,
	QN_OR,
	QN_NOT			/* of left */
};

struct query_node {
	enum query_op	 op;
	int		 left, right;		/* node indexes, operators */
	enum query_field field;			/* terms */
	size_t		 path;			/* offset in text: metadata */
	size_t		 pathlen;
	size_t		 value;			/* offset in text */
	size_t		 valuelen;
	int		 prefix;		/* a trailing '*' */
	int		 boolval;		/* email_verified, blocked */
};

/* Offsets rather than pointers, so that a struct query may be copied. */
struct query {
	struct query_node nodes[QUERY_NODES_MAX];
	size_t		 nnodes;
	size_t		 nterms;
	int		 root;
	char		 text[QUERY_TEXT_MAX];
	size_t		 textlen;
	size_t		 errpos;	/* after an error: its character, from 1 */
};

/*
 * Parse the len bytes at s into q.  Returns 0, or -1 with err holding
 * "query error at character N: problem" (N counts UTF-8 characters from 1)
 * and q->errpos set to N.
 */
int		 query_parse(struct query *q, const char *s, size_t len,
		    char *err, size_t errlen);

/* Whether the user matches the parsed query. */
int		 query_match(const struct query *q, const struct user *u);

/*
 * When the whole query is one term on field with an exact value (no
 * wildcard), that value, NUL-terminated; otherwise NULL.  The search uses
 * it to answer through an index instead of a scan.
 */
const char	*query_exact(const struct query *q, enum query_field field);

#endif
