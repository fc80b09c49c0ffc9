/*
 * The search behind GET /api/v2/users: find the matching users (through an
 * index when the query allows it), sort them stably when asked, cut the
 * page, and shape each user as fields asks.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "users_search.h"

#define ECHO_MAX	64	/* longest client text repeated in a message */

/* What sort accepts; index 0 is "no sort". */
static const struct {
	const char	*name;
	enum user_attr	 attr;
	int		 integer;
} sort_keys[] = {
	{ NULL,			UA__MAX,		0 },
	{ "user_id",		UA_USER_ID,		0 },
	{ "email",		UA_EMAIL,		0 },
	{ "name",		UA_NAME,		0 },
	{ "nickname",		UA_NICKNAME,		0 },
	{ "given_name",		UA_GIVEN_NAME,		0 },
	{ "family_name",	UA_FAMILY_NAME,		0 },
	{ "created_at",		UA_CREATED_AT,		0 },
	{ "updated_at",		UA_UPDATED_AT,		0 },
	{ "last_login",		UA_LAST_LOGIN,		0 },
	{ "logins_count",	UA_LOGINS_COUNT,	1 },
};

#define SORT_NKEYS	(sizeof(sort_keys) / sizeof(sort_keys[0]))

struct hit {
	const struct user	*user;
	const char		*s;		/* the string key, or NULL */
	long long		 i;		/* the integer key */
	int			 has;		/* the user has the key */
	size_t			 pos;		/* in file order: stability */
};

static const char *const search_params[] = {
	"q", "search_engine", "page", "per_page", "include_totals", "sort",
	"fields", "include_fields", NULL
};

static int
say(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
say(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	 ap;

	if (err != NULL && errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Client text is repeated in messages only when short, printable ASCII. */
static int
echoable(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (i == ECHO_MAX || s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	return 1;
}

int
users_params_check(const struct form *f, const char *const *allowed,
    char *err, size_t errlen)
{
	size_t	 i, j;

	for (i = 0; i < f->n; i++) {
		for (j = 0; allowed[j] != NULL; j++)
			if (strcmp(f->p[i].name, allowed[j]) == 0)
				break;
		if (allowed[j] != NULL)
			continue;
		if (echoable(f->p[i].name))
			return say(err, errlen, "Query validation error: "
			    "unknown parameter \"%s\"", f->p[i].name);
		return say(err, errlen, "Query validation error: an unknown "
		    "parameter");
	}
	return 0;
}

int
query_bool(const char *v, int def, int *out)
{
	if (v == NULL)
		*out = def;
	else if (strcmp(v, "true") == 0)
		*out = 1;
	else if (strcmp(v, "false") == 0)
		*out = 0;
	else
		return -1;
	return 0;
}

/* Decimal digits only, at most max. */
static int
parse_count(const char *v, size_t max, size_t *out)
{
	size_t	 n = 0;

	if (*v == '\0')
		return -1;
	for (; *v != '\0'; v++) {
		if (*v < '0' || *v > '9')
			return -1;
		n = n * 10 + (size_t)(*v - '0');
		if (n > max)
			return -1;
	}
	*out = n;
	return 0;
}

static int
field_name_ok(const char *s, size_t len)
{
	size_t	 i;
	char	 c;

	if (len == 0 || len > ECHO_MAX)
		return 0;
	for (i = 0; i < len; i++) {
		c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.'))
			return 0;
	}
	return 1;
}

int
users_fields_parse(struct users_fields *f, const char *fields,
    const char *include_fields, char *err, size_t errlen)
{
	const char	*p, *comma;
	size_t		 len, used = 0;

	f->n = 0;
	if (query_bool(include_fields, 1, &f->include) == -1)
		return say(err, errlen, "Query validation error: "
		    "include_fields must be true or false");
	if (fields == NULL || *fields == '\0')
		return 0;
	if (strlen(fields) >= sizeof(f->text))
		return say(err, errlen, "Query validation error: fields is "
		    "longer than %zu bytes", sizeof(f->text) - 1);
	for (p = fields;; p = comma + 1) {
		comma = strchr(p, ',');
		len = comma ? (size_t)(comma - p) : strlen(p);
		if (!field_name_ok(p, len))
			return say(err, errlen, "Query validation error: fields "
			    "must be a comma-separated list of field names");
		if (f->n == FIELDS_MAX)
			return say(err, errlen, "Query validation error: more "
			    "than %d fields", FIELDS_MAX);
		f->off[f->n++] = used;
		memcpy(f->text + used, p, len);
		f->text[used + len] = '\0';
		used += len + 1;
		if (comma == NULL)
			return 0;
	}
}

static int
fields_has(const struct users_fields *f, const char *key)
{
	size_t	 i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->text + f->off[i], key) == 0)
			return 1;
	return 0;
}

json_t *
users_fields_apply(const struct users_fields *f, const struct user *u)
{
	json_t		*out, *v;
	const char	*key;
	size_t		 i;

	if (f->n == 0)
		return json_incref(u->obj);
	if ((out = json_object()) == NULL)
		return NULL;
	if (f->include) {
		for (i = 0; i < f->n; i++) {
			key = f->text + f->off[i];
			if ((v = json_object_get(u->obj, key)) != NULL &&
			    json_object_set(out, key, v) == -1)
				goto fail;
		}
		return out;
	}
	json_object_foreach(u->obj, key, v)
		if (!fields_has(f, key) && json_object_set(out, key, v) == -1)
			goto fail;
	return out;
 fail:
	json_decref(out);
	return NULL;
}

/* "field:1" or "field:-1" on one of sort_keys. */
static int
parse_sort(struct users_search *s, const char *v, char *err, size_t errlen)
{
	const char	*colon = strrchr(v, ':');
	size_t		 i, len;

	if (colon != NULL && (strcmp(colon, ":1") == 0 ||
	    strcmp(colon, ":-1") == 0)) {
		len = (size_t)(colon - v);
		for (i = 1; i < SORT_NKEYS; i++)
			if (strlen(sort_keys[i].name) == len &&
			    memcmp(sort_keys[i].name, v, len) == 0) {
				s->sort = (int)i;
				s->descending = colon[1] == '-';
				return 0;
			}
	}
	return say(err, errlen, "Query validation error: sort must be "
	    "field:1 or field:-1 with a field among user_id, email, name, "
	    "nickname, given_name, family_name, created_at, updated_at, "
	    "last_login, logins_count");
}

int
paging_parse(struct paging *pg, const struct form *f, char *err,
    size_t errlen)
{
	const char	*v;

	pg->page = 0;
	pg->per_page = SEARCH_PER_PAGE_DEFAULT;
	if ((v = form_get(f, "page")) != NULL &&
	    parse_count(v, SEARCH_PAGE_MAX, &pg->page) == -1)
		return say(err, errlen, "Query validation error: page must be "
		    "an integer from 0 to %d", SEARCH_PAGE_MAX);
	if ((v = form_get(f, "per_page")) != NULL &&
	    (parse_count(v, SEARCH_PER_PAGE_MAX, &pg->per_page) == -1 ||
	    pg->per_page == 0))
		return say(err, errlen, "Query validation error: per_page "
		    "must be an integer from 1 to %d", SEARCH_PER_PAGE_MAX);
	if (query_bool(form_get(f, "include_totals"), 0,
	    &pg->include_totals) == -1)
		return say(err, errlen, "Query validation error: "
		    "include_totals must be true or false");
	return 0;
}

static int
parse_q(struct users_search *s, const struct form *f, char *err,
    size_t errlen)
{
	const char	*v;
	size_t		 i;

	if ((v = form_get(f, "search_engine")) != NULL &&
	    strcmp(v, "v3") != 0) {
		if (echoable(v))
			return say(err, errlen, "Query validation error: "
			    "search_engine \"%s\" is not supported: only v3 is",
			    v);
		return say(err, errlen, "Query validation error: only "
		    "search_engine v3 is supported");
	}
	s->has_query = 0;
	if ((v = form_get(f, "q")) == NULL)
		return 0;
	/* An empty or blank q asks for nothing in particular: every user. */
	for (i = 0; v[i] == ' ' || v[i] == '\t'; i++)
		;
	if (v[i] == '\0')
		return 0;
	if (query_parse(&s->query, v, strlen(v), err, errlen) == -1)
		return -1;
	s->has_query = 1;
	return 0;
}

int
users_search_parse(struct users_search *s, const struct form *f, char *err,
    size_t errlen)
{
	const char	*v;

	s->sort = 0;
	s->descending = 0;
	if (users_params_check(f, search_params, err, errlen) == -1 ||
	    paging_parse(&s->paging, f, err, errlen) == -1 ||
	    users_fields_parse(&s->fields, form_get(f, "fields"),
	    form_get(f, "include_fields"), err, errlen) == -1)
		return -1;
	if ((v = form_get(f, "sort")) != NULL &&
	    parse_sort(s, v, err, errlen) == -1)
		return -1;
	return parse_q(s, f, err, errlen);
}

/* ASCII case-insensitive; keys equal but for case keep the file order. */
static int
key_cmp(const char *a, const char *b)
{
	size_t	 i;
	int	 ca, cb;

	for (i = 0;; i++) {
		ca = (unsigned char)a[i];
		cb = (unsigned char)b[i];
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (ca == '\0')
			return 0;
	}
}

/* Users without the key go last whichever the direction. */
static int
hit_cmp(const void *a, const void *b, void *arg)
{
	const struct hit	*ha = a, *hb = b;
	const int		*descending = arg;
	int			 c = 0;

	if (ha->has != hb->has)
		return ha->has ? -1 : 1;
	if (ha->has && ha->s != NULL)
		c = key_cmp(ha->s, hb->s);
	else if (ha->has)
		c = (ha->i > hb->i) - (ha->i < hb->i);
	if (c != 0)
		return *descending ? -c : c;
	return (ha->pos > hb->pos) - (ha->pos < hb->pos);
}

static void
hit_key(struct hit *h, int sort)
{
	size_t	 len;

	h->s = user_attr(h->user, sort_keys[sort].attr, &len);
	h->has = h->s != NULL;
	if (h->has && sort_keys[sort].integer) {
		/* Digits only: the loader printed them. */
		h->i = strtoll(h->s, NULL, 10);
		h->s = NULL;
	}
}

/* How many users find() may return, to size its array. */
static size_t
find_bound(const struct directory *d, const struct users_search *s)
{
	const char	*key;

	if (!s->has_query)
		return directory_count(d);
	if (query_exact(&s->query, QF_USER_ID) != NULL)
		return 1;
	if ((key = query_exact(&s->query, QF_EMAIL)) != NULL)
		return directory_by_email(d, key, NULL, 0);
	return directory_count(d);
}

/*
 * Every matching user into v (*np of them), in file order.  One exact
 * user_id or email is answered by the index, without a scan.
 */
static int
find(const struct directory *d, const struct users_search *s,
    const struct user ***vp, size_t *np)
{
	const struct user	**v;
	const char		 *key;
	size_t			  i, n = find_bound(d, s), m = 0;

	if ((v = calloc(n ? n : 1, sizeof(*v))) == NULL)
		return -1;
	if (!s->has_query)
		for (m = 0; m < n; m++)
			v[m] = directory_user(d, m);
	else if ((key = query_exact(&s->query, QF_USER_ID)) != NULL)
		m = (v[0] = directory_by_id(d, key)) != NULL;
	else if ((key = query_exact(&s->query, QF_EMAIL)) != NULL)
		m = directory_by_email(d, key, v, n);
	else
		for (i = 0; i < n; i++)
			if (query_match(&s->query, directory_user(d, i)))
				v[m++] = directory_user(d, i);
	*vp = v;
	*np = m;
	return 0;
}

/* Sort v stably on the search's key. */
static int
sort_users(const struct users_search *s, const struct user **v, size_t n)
{
	struct hit	*h;
	size_t		 i;
	int		 descending = s->descending;

	if ((h = calloc(n ? n : 1, sizeof(*h))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		h[i].user = v[i];
		h[i].pos = i;
		hit_key(&h[i], s->sort);
	}
	qsort_r(h, n, sizeof(*h), hit_cmp, &descending);
	for (i = 0; i < n; i++)
		v[i] = h[i].user;
	free(h);
	return 0;
}

static json_t *
page_of(const struct users_search *s, const struct user **v, size_t n)
{
	json_t	*users;
	const struct paging	*pg = &s->paging;
	size_t	 i, start = pg->page * pg->per_page;

	if ((users = json_array()) == NULL)
		return NULL;
	for (i = start; i < n && i - start < pg->per_page; i++)
		if (json_array_append_new(users,
		    users_fields_apply(&s->fields, v[i])) == -1) {
			json_decref(users);
			return NULL;
		}
	if (!pg->include_totals)
		return users;
	return json_pack("{s:I, s:I, s:I, s:I, s:o}",
	    "start", (json_int_t)start, "limit", (json_int_t)pg->per_page,
	    "length", (json_int_t)json_array_size(users),
	    "total", (json_int_t)n, "users", users);
}

json_t *
users_search_run(const struct directory *d, const struct users_search *s)
{
	const struct user	**v;
	size_t			  n;
	json_t			 *out = NULL;

	if (find(d, s, &v, &n) == -1)
		return NULL;
	if (s->sort <= 0 || (size_t)s->sort >= SORT_NKEYS ||
	    sort_users(s, v, n) == 0)
		out = page_of(s, v, n);
	free(v);
	return out;
}
