/*
 * The user search query language (see query.h): a recursive-descent parser
 * whose recursion is bounded by QUERY_DEPTH_MAX, writing its tree into the
 * caller's struct query, and the matcher that walks that tree.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "users.h"
#include "utf8.h"

struct parser {
	struct query	*q;
	const char	*s;
	size_t		 len;
	size_t		 pos;
	int		 depth;
	char		*err;
	size_t		 errlen;
};

static const struct {
	const char		*name;
	enum query_field	 field;
} fields[] = {
	{ "user_id",			QF_USER_ID },
	{ "email",			QF_EMAIL },
	{ "name",			QF_NAME },
	{ "nickname",			QF_NICKNAME },
	{ "given_name",			QF_GIVEN_NAME },
	{ "family_name",		QF_FAMILY_NAME },
	{ "created_at",			QF_CREATED_AT },
	{ "updated_at",			QF_UPDATED_AT },
	{ "last_login",			QF_LAST_LOGIN },
	{ "logins_count",		QF_LOGINS_COUNT },
	{ "email_verified",		QF_EMAIL_VERIFIED },
	{ "blocked",			QF_BLOCKED },
	{ "identities.connection",	QF_CONNECTION },
};

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* ASCII-only on purpose: the locale must not change what matches. */
static int
fold_eq(const char *a, const char *b, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* The character (from 1) at byte offset off: UTF-8 lead bytes counted. */
static size_t
char_at(const char *s, size_t len, size_t off)
{
	size_t	 i, n = 1;

	for (i = 0; i < off && i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

static int
fail_at(struct parser *p, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail_at(struct parser *p, size_t off, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[160];

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->q->errpos = char_at(p->s, p->len, off);
	if (p->err != NULL && p->errlen > 0)
		snprintf(p->err, p->errlen, "query error at character %zu: %s",
		    p->q->errpos, msg);
	return -1;
}

static int
is_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int
at_end(const struct parser *p)
{
	return p->pos >= p->len;
}

static int
peek(const struct parser *p)
{
	return at_end(p) ? -1 : (unsigned char)p->s[p->pos];
}

/* Where a keyword or a value may end. */
static int
is_delim(const struct parser *p, size_t off)
{
	int	 c;

	if (off >= p->len)
		return 1;
	c = (unsigned char)p->s[off];
	return is_space(c) || c == '(' || c == ')';
}

static void
skip_space(struct parser *p)
{
	while (!at_end(p) && is_space(peek(p)))
		p->pos++;
}

/* The uppercase keyword kw, standing alone at the current position. */
static int
keyword(const struct parser *p, const char *kw)
{
	size_t	 n = strlen(kw);

	return p->len - p->pos >= n && memcmp(p->s + p->pos, kw, n) == 0 &&
	    is_delim(p, p->pos + n);
}

static int
new_node(struct parser *p, enum query_op op, int left, int right)
{
	struct query_node	*n;

	if (p->q->nnodes == QUERY_NODES_MAX)
		return fail_at(p, p->pos, "the query has more than %d "
		    "operators and terms", QUERY_NODES_MAX);
	n = &p->q->nodes[p->q->nnodes];
	memset(n, 0, sizeof(*n));
	n->op = op;
	n->left = left;
	n->right = right;
	return (int)p->q->nnodes++;
}

static int
text_putc(struct parser *p, char c)
{
	if (p->q->textlen == QUERY_TEXT_MAX)
		return fail_at(p, p->pos, "the query is too long");
	p->q->text[p->q->textlen++] = c;
	return 0;
}

static int
text_add(struct parser *p, const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (text_putc(p, s[i]) == -1)
			return -1;
	return text_putc(p, '\0');
}

/* A dotted path into metadata: non-empty segments of [A-Za-z0-9_-]. */
static int
valid_path(const char *s, size_t n)
{
	size_t	 i, seg = 0;
	int	 c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c == '.') {
			if (seg == 0)
				return 0;
			seg = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-'))
			return 0;
		seg++;
	}
	return seg > 0;
}

static int
metadata_field(struct parser *p, struct query_node *n, const char *name,
    size_t len, size_t start)
{
	static const char	 app[] = "app_metadata", usr[] = "user_metadata";
	size_t			 skip;

	if (len >= sizeof(app) && memcmp(name, app, sizeof(app) - 1) == 0 &&
	    name[sizeof(app) - 1] == '.') {
		n->field = QF_APP_METADATA;
		skip = sizeof(app);
	} else if (len >= sizeof(usr) &&
	    memcmp(name, usr, sizeof(usr) - 1) == 0 &&
	    name[sizeof(usr) - 1] == '.') {
		n->field = QF_USER_METADATA;
		skip = sizeof(usr);
	} else
		return 0;
	if (!valid_path(name + skip, len - skip)) {
		if (len - skip > 64)
			return fail_at(p, start, "bad metadata path");
		return fail_at(p, start, "bad metadata path \"%.*s\"",
		    (int)(len - skip), name + skip);
	}
	n->path = p->q->textlen;
	n->pathlen = len - skip;
	if (text_add(p, name + skip, len - skip) == -1)
		return -1;
	return 1;
}

/* Resolve the field name at start (len bytes) into n. */
static int
field_of(struct parser *p, struct query_node *n, size_t start, size_t len)
{
	const char	*name = p->s + start;
	size_t		 i;
	int		 r;

	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strlen(fields[i].name) == len &&
		    memcmp(fields[i].name, name, len) == 0) {
			n->field = fields[i].field;
			return 0;
		}
	if ((r = metadata_field(p, n, name, len, start)) != 0)
		return r == 1 ? 0 : -1;
	if ((len == 12 && memcmp(name, "app_metadata", len) == 0) ||
	    (len == 13 && memcmp(name, "user_metadata", len) == 0))
		return fail_at(p, start, "%.*s needs a path, as in "
		    "%.*s.plan", (int)len, name, (int)len, name);
	/* Echoed only when short: the message must stay valid UTF-8. */
	if (len > 64)
		return fail_at(p, start, "unknown field");
	return fail_at(p, start, "unknown field \"%.*s\"", (int)len, name);
}

/* A quoted phrase: p->pos is on the opening quote. */
static int
quoted_value(struct parser *p)
{
	size_t	 open = p->pos;
	int	 c;

	for (p->pos++; !at_end(p); p->pos++) {
		c = peek(p);
		if (c == '"')
			break;
		if (c == '\\') {
			if (++p->pos == p->len)
				break;
			c = peek(p);
			if (c != '"' && c != '\\')
				return fail_at(p, p->pos - 1, "bad escape in a "
				    "quoted value: only \\\" and \\\\ are allowed");
		}
		if (text_putc(p, (char)c) == -1)
			return -1;
	}
	if (at_end(p))
		return fail_at(p, open, "unterminated quoted value");
	p->pos++;
	if (peek(p) == '*')
		return fail_at(p, p->pos, "a '*' is allowed only at the end "
		    "of an unquoted value");
	if (!is_delim(p, p->pos))
		return fail_at(p, p->pos, "expected a space or ')' after the "
		    "quoted value");
	return text_putc(p, '\0');
}

/* An unquoted value: backslash escapes any character. */
static int
bare_value(struct parser *p, struct query_node *n)
{
	int	 c;

	for (; !is_delim(p, p->pos); p->pos++) {
		c = peek(p);
		if (c == '\\') {
			if (p->pos + 1 == p->len)
				return fail_at(p, p->pos, "a '\\' ends the query");
			c = (unsigned char)p->s[++p->pos];
		} else if (c == '*') {
			if (!is_delim(p, p->pos + 1))
				return fail_at(p, p->pos, "a '*' is allowed "
				    "only at the end of a value");
			n->prefix = 1;
			continue;
		} else if (c == '?')
			return fail_at(p, p->pos, "the '?' wildcard is not "
			    "supported");
		else if (c == '"')
			return fail_at(p, p->pos, "unexpected '\"' inside a "
			    "value");
		if (text_putc(p, (char)c) == -1)
			return -1;
	}
	return text_putc(p, '\0');
}

/* What a boolean or a number field accepts, checked once at parse time. */
static int
check_value(struct parser *p, struct query_node *n, size_t start)
{
	const char	*v = p->q->text + n->value;
	size_t		 i;

	if (n->field == QF_EMAIL_VERIFIED || n->field == QF_BLOCKED) {
		if (n->prefix || !((n->valuelen == 4 && fold_eq(v, "true", 4)) ||
		    (n->valuelen == 5 && fold_eq(v, "false", 5))))
			return fail_at(p, start, "expected true or false");
		n->boolval = n->valuelen == 4;
	} else if (n->field == QF_LOGINS_COUNT) {
		for (i = 0; i < n->valuelen; i++)
			if (v[i] < '0' || v[i] > '9')
				return fail_at(p, start, "expected a number");
		if (n->valuelen == 0 && !n->prefix)
			return fail_at(p, start, "expected a number");
	}
	return 0;
}

static int
value_of(struct parser *p, struct query_node *n)
{
	size_t	 start = p->pos;
	int	 c = peek(p);

	if (c == -1 || is_space(c) || c == ')')
		return fail_at(p, start, "expected a value after ':'");
	if (c == '(')
		return fail_at(p, start, "grouped values, as in field:(a b), "
		    "are not supported");
	if (c == '[' || c == '{')
		return fail_at(p, start, "range queries are not supported");
	n->value = p->q->textlen;
	if ((c == '"' ? quoted_value(p) : bare_value(p, n)) == -1)
		return -1;
	n->valuelen = p->q->textlen - n->value - 1;
	return check_value(p, n, start);
}

static int
term(struct parser *p)
{
	size_t	 start = p->pos, len;
	int	 c, i;

	while (!at_end(p)) {
		c = peek(p);
		if (is_space(c) || c == '(' || c == ')' || c == ':' ||
		    c == '"')
			break;
		p->pos++;
	}
	len = p->pos - start;
	if (len == 0)
		return fail_at(p, start, "expected a field name");
	if (peek(p) != ':') {
		if ((len == 3 && (fold_eq(p->s + start, "and", 3) ||
		    fold_eq(p->s + start, "not", 3))) ||
		    (len == 2 && fold_eq(p->s + start, "or", 2)))
			return fail_at(p, start, "operators are uppercase: "
			    "AND, OR, NOT");
		return fail_at(p, start, "a term needs a field, as in "
		    "name:value");
	}
	if (p->q->nterms == QUERY_TERMS_MAX)
		return fail_at(p, start, "the query has more than %d terms",
		    QUERY_TERMS_MAX);
	if ((i = new_node(p, QN_TERM, -1, -1)) == -1)
		return -1;
	if (field_of(p, &p->q->nodes[i], start, len) == -1)
		return -1;
	p->pos++;
	if (value_of(p, &p->q->nodes[i]) == -1)
		return -1;
	p->q->nterms++;
	return i;
}

static int	or_expr(struct parser *);

static int
enter(struct parser *p)
{
	if (++p->depth > QUERY_DEPTH_MAX)
		return fail_at(p, p->pos, "nesting deeper than %d",
		    QUERY_DEPTH_MAX);
	return 0;
}

static int
unary(struct parser *p)
{
	size_t	 open;
	int	 e;

	skip_space(p);
	if (at_end(p))
		return fail_at(p, p->pos, "expected a search term");
	if (keyword(p, "NOT")) {
		if (enter(p) == -1)
			return -1;
		p->pos += 3;
		if ((e = unary(p)) == -1)
			return -1;
		p->depth--;
		return new_node(p, QN_NOT, e, -1);
	}
	if (keyword(p, "AND") || keyword(p, "OR"))
		return fail_at(p, p->pos, "expected a search term before %s",
		    peek(p) == 'A' ? "AND" : "OR");
	if (peek(p) == ')')
		return fail_at(p, p->pos, "unexpected ')'");
	if (peek(p) != '(')
		return term(p);
	open = p->pos;
	if (enter(p) == -1)
		return -1;
	p->pos++;
	if ((e = or_expr(p)) == -1)
		return -1;
	skip_space(p);
	if (peek(p) != ')')
		return fail_at(p, p->pos, "expected ')' to close the '(' at "
		    "character %zu", char_at(p->s, p->len, open));
	p->pos++;
	p->depth--;
	return e;
}

static int
and_expr(struct parser *p)
{
	int	 left, right;

	if ((left = unary(p)) == -1)
		return -1;
	for (;;) {
		skip_space(p);
		if (!keyword(p, "AND"))
			return left;
		p->pos += 3;
		if ((right = unary(p)) == -1)
			return -1;
		if ((left = new_node(p, QN_AND, left, right)) == -1)
			return -1;
	}
}

/* OR, and adjacency: two terms side by side mean OR (Lucene's default). */
static int
or_expr(struct parser *p)
{
	int	 left, right;

	if ((left = and_expr(p)) == -1)
		return -1;
	for (;;) {
		skip_space(p);
		if (at_end(p) || peek(p) == ')')
			return left;
		if (keyword(p, "OR"))
			p->pos += 2;
		if ((right = and_expr(p)) == -1)
			return -1;
		if ((left = new_node(p, QN_OR, left, right)) == -1)
			return -1;
	}
}

int
query_parse(struct query *q, const char *s, size_t len, char *err,
    size_t errlen)
{
	struct parser	 p;
	size_t		 i, n;

	memset(&p, 0, sizeof(p));
	p.q = q;
	p.s = s;
	p.len = len;
	p.err = err;
	p.errlen = errlen;
	q->nnodes = q->nterms = q->textlen = q->errpos = 0;
	q->root = -1;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if (len > QUERY_INPUT_MAX) {
		p.len = QUERY_INPUT_MAX;
		return fail_at(&p, QUERY_INPUT_MAX, "the query is longer "
		    "than %d bytes", QUERY_INPUT_MAX);
	}
	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && !is_space(s[i])) ||
		    s[i] == 0x7f)
			return fail_at(&p, i, "a control character");
	for (i = 0; i < len; i += n)
		if ((n = utf8_char(s + i, len - i, NULL)) == 0)
			return fail_at(&p, i, "not valid UTF-8");
	skip_space(&p);
	if (at_end(&p))
		return fail_at(&p, p.pos, "the query is empty");
	if ((q->root = or_expr(&p)) == -1)
		return -1;
	/* or_expr stops only at the end or at a ')' that closes nothing. */
	if (!at_end(&p))
		return fail_at(&p, p.pos, "unexpected ')'");
	return 0;
}

/* Matching. */

/* have (hlen bytes) against the term's value: whole or prefix. */
static int
str_match(const struct query *q, const struct query_node *n,
    const char *have, size_t hlen, int fold)
{
	const char	*want = q->text + n->value;

	if (n->prefix ? hlen < n->valuelen : hlen != n->valuelen)
		return 0;
	if (!fold)
		return memcmp(have, want, n->valuelen) == 0;
	return fold_eq(have, want, n->valuelen);
}

/* A metadata scalar by its JSON text. */
static int
meta_scalar(void *arg, int kind, const char *text, size_t len)
{
	const struct query		*q = ((const void *const *)arg)[0];
	const struct query_node		*n = ((const void *const *)arg)[1];
	char				*end;

	/* "1.5" must find 1.5 whatever digits printing added. */
	if (kind == USER_META_REAL && !n->prefix && n->valuelen > 0 &&
	    strtod(q->text + n->value, &end) == strtod(text, NULL) &&
	    *end == '\0')
		return 1;
	return str_match(q, n, text, len, 1);
}

/* Any of the NUL-separated strings in list (len bytes in all). */
static int
list_match(const struct query *q, const struct query_node *n,
    const char *list, size_t len)
{
	const char	*end = list + len;
	size_t		 one;

	for (; list != NULL && list < end; list += one + 1) {
		one = strlen(list);
		if (str_match(q, n, list, one, 1))
			return 1;
	}
	return 0;
}

static const enum user_attr attr_of[] = {
	[QF_USER_ID] = UA_USER_ID,
	[QF_EMAIL] = UA_EMAIL,
	[QF_NAME] = UA_NAME,
	[QF_NICKNAME] = UA_NICKNAME,
	[QF_GIVEN_NAME] = UA_GIVEN_NAME,
	[QF_FAMILY_NAME] = UA_FAMILY_NAME,
	[QF_CREATED_AT] = UA_CREATED_AT,
	[QF_UPDATED_AT] = UA_UPDATED_AT,
	[QF_LAST_LOGIN] = UA_LAST_LOGIN,
	[QF_LOGINS_COUNT] = UA_LOGINS_COUNT,
	[QF_CONNECTION] = UA_CONNECTIONS,
	[QF_APP_METADATA] = UA_APP_METADATA,
	[QF_USER_METADATA] = UA_USER_METADATA,
};

static int
term_match(const struct query *q, const struct query_node *n,
    const struct user *u)
{
	const void	*ctx[2];
	const char	*s;
	size_t		 len;

	switch (n->field) {
	case QF_EMAIL_VERIFIED:
		return !u->email_verified == !n->boolval;
	case QF_BLOCKED:
		return !u->blocked == !n->boolval;
	case QF_APP_METADATA:
	case QF_USER_METADATA:
		ctx[0] = q;
		ctx[1] = n;
		return user_meta_any(u, attr_of[n->field], q->text + n->path,
		    n->pathlen, meta_scalar, ctx);
	default:
		break;
	}
	if ((s = user_attr(u, attr_of[n->field], &len)) == NULL)
		return 0;
	if (n->field == QF_CONNECTION)
		return list_match(q, n, s, len);
	/* user_id byte for byte: see query.h. */
	return str_match(q, n, s, len, n->field != QF_USER_ID);
}

static int
node_match(const struct query *q, int i, const struct user *u)
{
	const struct query_node	*n = &q->nodes[i];

	switch (n->op) {
	case QN_TERM:
		return term_match(q, n, u);
	case QN_AND:
		return node_match(q, n->left, u) && node_match(q, n->right, u);
	case QN_OR:
		return node_match(q, n->left, u) || node_match(q, n->right, u);
	case QN_NOT:
		return !node_match(q, n->left, u);
	}
	return 0;
}

int
query_match(const struct query *q, const struct user *u)
{
	if (q->root < 0 || (size_t)q->root >= q->nnodes)
		return 0;
	return node_match(q, q->root, u);
}

const char *
query_exact(const struct query *q, enum query_field field)
{
	const struct query_node	*n;

	if (q->root < 0 || (size_t)q->root >= q->nnodes)
		return NULL;
	n = &q->nodes[q->root];
	if (n->op != QN_TERM || n->field != field || n->prefix)
		return NULL;
	return q->text + n->value;
}
