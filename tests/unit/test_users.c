/*
 * The users directory and the search over it: loading the array form and
 * NDJSON, every validation error with the line it names, duplicate ids,
 * the indexes, reload keeping the old directory when the new file is
 * broken, and the search parameters (paging, totals, sort, fields, the
 * indexed shortcut agreeing with a scan).
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "form.h"
#include "users.h"
#include "users_search.h"

static char	 tmpdir[64], path[128];

static void
write_file(const char *text)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) == EOF) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

static struct directory *
load(const char *text, char *err, size_t errlen)
{
	write_file(text);
	return directory_load(path, err, errlen);
}

/* text loads into n users. */
static int
loads(const char *text, size_t n)
{
	struct directory	*d;
	char			 err[1024];
	int			 ok;

	if ((d = load(text, err, sizeof(err))) == NULL) {
		printf("# %s\n", err);
		return 0;
	}
	ok = directory_count(d) == n;
	directory_free(d);
	return ok;
}

/* text is refused with an error that starts with the path and has want. */
static int
refused(const char *text, const char *want)
{
	struct directory	*d;
	char			 err[1024];

	if ((d = load(text, err, sizeof(err))) != NULL) {
		directory_free(d);
		printf("# accepted\n");
		return 0;
	}
	printf("# %s\n", err);
	return strncmp(err, path, strlen(path)) == 0 &&
	    strstr(err, want) != NULL;
}

static void
test_forms(void)
{
	CHECK(loads("[{\"user_id\": \"a\"}, {\"user_id\": \"b\"}]", 2),
	    "an array on one line");
	CHECK(loads("[\n  {\"user_id\": \"a\"},\n  {\"user_id\": \"b\"}\n]\n", 2),
	    "an array over lines");
	CHECK(loads("[]", 0) && loads(" [ ]\n", 0), "an empty array");
	CHECK(loads("{\"user_id\": \"a\"}\n{\"user_id\": \"b\"}\n"
	    "{\"user_id\": \"c\"}", 3), "NDJSON, no newline at the end");
	CHECK(loads("\n{\"user_id\": \"a\"}\r\n\n{\"user_id\": \"b\"}  \n", 2),
	    "NDJSON with blank lines and CRLF");
	CHECK(loads("{\"user_id\": \"a\",\n \"email\": \"a@x\"}\n"
	    "{\"user_id\": \"b\"}\n", 2), "an NDJSON object over two lines");
	CHECK(loads("\xef\xbb\xbf[{\"user_id\": \"a\"}]", 1),
	    "a byte order mark");
	CHECK(loads("[{\"user_id\": \"a\", \"email\": \"a@x\", "
	    "\"email_verified\": true, \"name\": \"A\", \"nickname\": \"a\", "
	    "\"given_name\": \"A\", \"family_name\": \"B\", \"picture\": \"p\", "
	    "\"identities\": [{\"connection\": \"c\", \"provider\": \"auth0\", "
	    "\"user_id\": \"a\", \"isSocial\": false}], \"app_metadata\": "
	    "{\"roles\": [\"r\"]}, \"user_metadata\": {}, \"blocked\": false, "
	    "\"created_at\": \"2024-01-01T00:00:00.000Z\", \"updated_at\": "
	    "\"2024-01-01T00:00:00.000Z\", \"last_login\": \"2024-01-01\", "
	    "\"logins_count\": 3, \"extra\": [1, {\"x\": null}]}]", 1),
	    "every member of Auth0's export, and one it does not know");
}

static void
test_syntax(void)
{
	CHECK(refused("", "line 1: no users") &&
	    refused("\n\n  \n", "line 4: no users"), "an empty file");
	CHECK(refused("[\n{\"user_id\": \"a\"},\n{\"user_id\": \"b\",\n"
	    "\"email\": }\n]", "line 4: "), "a JSON error names its line");
	CHECK(refused("{\"user_id\": \"a\"}\n{\"user_id\": \"b\"\n",
	    "line 3: "), "a truncated last line of NDJSON");
	CHECK(refused("[{\"user_id\": \"a\"}\n{\"user_id\": \"b\"}]",
	    "line 2: expected ',' or ']' after a user"), "a missing comma");
	CHECK(refused("[{\"user_id\": \"a\"},\n]",
	    "line 2: expected a user object"), "a trailing comma");
	CHECK(refused("[{\"user_id\": \"a\"}", "expected ',' or ']'"),
	    "an unclosed array");
	CHECK(refused("[{\"user_id\": \"a\"}]\n[]",
	    "line 2: unexpected data after the array"), "two arrays");
	CHECK(refused("[1]", "line 1: expected a user object") &&
	    refused("[\"a\"]", "expected a user object") &&
	    refused("{\"user_id\": \"a\"}\n42\n",
	    "line 2: expected a user object"), "a user that is no object");
	CHECK(refused("{\"user_id\": \"a\"} {\"user_id\": \"b\"}\n",
	    "line 1: expected the end of the line after a user"),
	    "two NDJSON users on one line");
	CHECK(refused("{\"user_id\": \"a\"}\n{\"user_id\": \"b\", "
	    "\"user_id\": \"c\"}\n", "line 2: duplicate object key"),
	    "a duplicate key in an object");
	CHECK(refused("[{\"user_id\": \"a\", \"name\": \"\xff\"}]",
	    "line 1: "), "invalid UTF-8");
}

/* A user_id of len bytes loads (ok) or is refused as too long. */
static int
long_id(size_t len, int ok)
{
	char	 text[USER_ID_MAX + 64];

	snprintf(text, sizeof(text), "{\"user_id\": \"%0*d\"}", (int)len, 7);
	return ok ? loads(text, 1) : refused(text, "longer than 256 bytes");
}

static void
test_validation(void)
{
	CHECK(refused("[\n{\"user_id\": \"a\"},\n{\"email\": \"b@x\"}\n]",
	    "line 3: user_id is missing"), "no user_id");
	CHECK(refused("[{\"user_id\": 5}]", "line 1: user_id must be a string"),
	    "a number for user_id");
	CHECK(refused("{\"user_id\": \"\"}", "user_id is empty"),
	    "an empty user_id");
	CHECK(refused("{\"user_id\": \"a\\nb\"}", "control character") &&
	    refused("{\"user_id\": \"a\\u0000b\"}", "\\u0000 is not allowed") &&
	    refused("{\"user_id\": \"a\\u007fb\"}", "control character"),
	    "control characters and NUL in user_id");
	CHECK(long_id(USER_ID_MAX, 1) && long_id(USER_ID_MAX + 1, 0),
	    "a user_id of 256 bytes, and of 257");
	CHECK(refused("{\"user_id\": \"a\"}\n{\"user_id\": \"b\"}\n"
	    "{\"user_id\": \"c\"}\n{\"user_id\": \"d\", \"email\": 3}\n",
	    "line 4: user \"d\": email must be a string"),
	    "the message names the line and the user");
	CHECK(refused("{\"user_id\": \"a\", \"email\": \"a\\u0000@x\"}",
	    "\\u0000 is not allowed"), "a NUL in an email (jansson refuses it)");
	CHECK(refused("{\"user_id\": \"a\", \"email_verified\": \"yes\"}",
	    "user \"a\": email_verified must be true or false"),
	    "email_verified");
	CHECK(refused("{\"user_id\": \"a\", \"blocked\": 1}",
	    "user \"a\": blocked must be true or false"), "blocked");
	CHECK(refused("{\"user_id\": \"a\", \"name\": 5}", "name must be a "
	    "string") && refused("{\"user_id\": \"a\", \"nickname\": []}",
	    "nickname must be a string") &&
	    refused("{\"user_id\": \"a\", \"given_name\": null}",
	    "given_name must be a string") &&
	    refused("{\"user_id\": \"a\", \"family_name\": {}}",
	    "family_name must be a string") &&
	    refused("{\"user_id\": \"a\", \"picture\": true}",
	    "picture must be a string"), "the name members and picture");
	CHECK(refused("{\"user_id\": \"a\", \"created_at\": 5}",
	    "created_at must be a string") &&
	    refused("{\"user_id\": \"a\", \"logins_count\": \"3\"}",
	    "logins_count must be an integer") &&
	    refused("{\"user_id\": \"a\", \"logins_count\": -1}",
	    "logins_count is negative"), "dates and logins_count");
	CHECK(refused("{\"user_id\": \"a\", \"app_metadata\": []}",
	    "app_metadata must be an object") &&
	    refused("{\"user_id\": \"a\", \"user_metadata\": \"x\"}",
	    "user_metadata must be an object"), "metadata must be objects");
	CHECK(refused("{\"user_id\": \"a\", \"app_metadata\": "
	    "{\"roles\": \"admin\"}}", "app_metadata.roles must be an array") &&
	    refused("{\"user_id\": \"a\", \"app_metadata\": "
	    "{\"roles\": [\"x\", 1]}}", "app_metadata.roles[1] must be a "
	    "string"), "app_metadata.roles");
	CHECK(refused("{\"user_id\": \"a\", \"identities\": {}}",
	    "identities must be an array") &&
	    refused("{\"user_id\": \"a\", \"identities\": [{}, 1]}",
	    "identities[1] must be an object") &&
	    refused("{\"user_id\": \"a\", \"identities\": "
	    "[{\"connection\": 5}]}", "identities[0].connection must be a "
	    "string"), "identities");
	CHECK(refused("[\n{\"user_id\": \"a\"},\n{\"user_id\": \"x\"},\n"
	    "{\"user_id\": \"b\"},\n{\"user_id\": \"c\"},\n{\"user_id\": \"x\"},\n"
	    "{\"user_id\": \"a\"}\n]", "line 6: user \"x\": duplicate user_id "
	    "(first on line 3)"), "the first duplicate in the file is named");
}

static void
test_files(void)
{
	char			 err[1024], other[160];
	struct directory	*d;

	snprintf(other, sizeof(other), "%s/missing.json", tmpdir);
	d = directory_load(other, err, sizeof(err));
	printf("# %s\n", err);
	CHECK(d == NULL && strstr(err, other) != NULL &&
	    strstr(err, "No such file") != NULL, "a missing file");
	d = directory_load(tmpdir, err, sizeof(err));
	printf("# %s\n", err);
	CHECK(d == NULL && strstr(err, "not a regular file") != NULL,
	    "a folder");
}

static const char users_json[] =
    "[{\"user_id\": \"auth0|1\", \"email\": \"Sam@Example.com\", "
    "\"name\": \"Sam One\", \"logins_count\": 5, "
    "\"app_metadata\": {\"roles\": [\"support\", \"ops\"]}},\n"
    " {\"user_id\": \"auth0|2\", \"email\": \"sam@example.com\", "
    "\"name\": \"sam two\", \"blocked\": true},\n"
    " {\"user_id\": \"auth0|3\", \"email\": \"ada@example.com\", "
    "\"name\": \"Ada\", \"logins_count\": 9},\n"
    " {\"user_id\": \"google|4\", \"name\": \"Bob\", \"logins_count\": 5},\n"
    " {\"user_id\": \"auth0|5\", \"email\": \"SAM@example.COM\"}]\n";

static void
test_lookups(void)
{
	struct directory	*d;
	const struct user	*u, *v[4];
	char			 err[1024], longmail[USER_EMAIL_MAX + 8];

	if ((d = load(users_json, err, sizeof(err))) == NULL) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	u = directory_by_id(d, "auth0|3");
	CHECK(u != NULL && strcmp(u->email, "ada@example.com") == 0,
	    "by user_id");
	CHECK(directory_by_id(d, "auth0|9") == NULL &&
	    directory_by_id(d, "AUTH0|3") == NULL &&
	    directory_by_id(d, "") == NULL, "unknown ids, and case counts");
	CHECK(directory_by_email(d, "sam@EXAMPLE.com", v, 4) == 3 &&
	    strcmp(v[0]->user_id, "auth0|1") == 0 &&
	    strcmp(v[1]->user_id, "auth0|2") == 0 &&
	    strcmp(v[2]->user_id, "auth0|5") == 0,
	    "by email, case-insensitive, every user in file order");
	CHECK(directory_by_email(d, "sam@example.com", v, 1) == 3 &&
	    strcmp(v[0]->user_id, "auth0|1") == 0 &&
	    directory_by_email(d, "sam@example.com", NULL, 0) == 3,
	    "the count is of all, at most max written");
	CHECK(directory_by_email(d, "nobody@example.com", v, 4) == 0 &&
	    directory_by_email(d, "", v, 4) == 0, "no such email");
	memset(longmail, 'a', sizeof(longmail) - 1);
	longmail[sizeof(longmail) - 1] = '\0';
	CHECK(directory_by_email(d, longmail, v, 4) == 0,
	    "an email longer than any loaded one");
	u = directory_by_id(d, "auth0|2");
	CHECK(u != NULL && u->blocked && !u->email_verified &&
	    directory_by_id(d, "auth0|1")->blocked == 0, "blocked");
	u = directory_by_id(d, "auth0|1");
	CHECK(user_has_role(u, "ops") && user_has_role(u, "support") &&
	    !user_has_role(u, "admin") && !user_has_role(u, "OPS") &&
	    !user_has_role(directory_by_id(d, "google|4"), "ops"),
	    "user_has_role");
	CHECK(directory_count(NULL) == 0 && directory_user(NULL, 0) == NULL &&
	    directory_by_id(NULL, "a") == NULL &&
	    directory_by_email(NULL, "a", v, 4) == 0 &&
	    directory_user(d, 5) == NULL, "an absent directory is empty");
	directory_free(d);
}

static void
test_reload(void)
{
	write_file("[{\"user_id\": \"a\"}, {\"user_id\": \"b\"}]");
	CHECK(users_init(path) == 0 && directory_count(users_current()) == 2 &&
	    users_by_id("a") != NULL, "users_init");
	write_file("[{\"user_id\": \"c\"}, {\"user_id\": \"c\"}]");
	CHECK(users_init_fd(open(path, O_RDONLY), path) == -1 &&
	    directory_count(users_current()) == 2 &&
	    users_by_id("a") != NULL && users_by_id("c") == NULL,
	    "a broken file keeps the old directory");
	unlink(path);
	CHECK(users_init(path) == -1 && users_by_id("b") != NULL,
	    "a missing file keeps the old directory");
	write_file("{\"user_id\": \"c\", \"email\": \"C@x\"}\n"
	    "{\"user_id\": \"d\"}\n{\"user_id\": \"e\"}\n");
	CHECK(users_init_fd(open(path, O_RDONLY), path) == 0 &&
	    directory_count(users_current()) == 3 &&
	    users_by_id("a") == NULL && users_by_id("c") != NULL &&
	    users_by_email("c@X", NULL, 0) == 1, "a good file from a "
	    "descriptor replaces it");
	users_close();
	CHECK(users_current() == NULL && users_by_id("c") == NULL,
	    "users_close");
	write_file("[{\"user_id\": 1}]");
	CHECK(users_init(path) == -1 && users_current() == NULL,
	    "users_init refuses a broken file");
}

/* Search: parse the query string qs (a copy; form_parse decodes it). */

static struct users_search	 s;
static char			 qsbuf[4096], serr[512];

static int
search_parse(const char *qs)
{
	struct form	 f;
	const char	*why;
	size_t		 len = strlen(qs);

	memcpy(qsbuf, qs, len + 1);
	serr[0] = '\0';
	if (form_parse(qsbuf, len, &f, &why) == -1) {
		snprintf(serr, sizeof(serr), "form: %s", why);
		return -1;
	}
	return users_search_parse(&s, &f, serr, sizeof(serr));
}

/* The search's answer as compact JSON text (the caller frees it). */
static char *
search(const struct directory *d, const char *qs)
{
	json_t	*out;
	char	*text;

	if (search_parse(qs) == -1) {
		printf("# %s\n", serr);
		return NULL;
	}
	if ((out = users_search_run(d, &s)) == NULL)
		return NULL;
	text = json_dumps(out, JSON_COMPACT);
	json_decref(out);
	return text;
}

/* The user_ids of the answer, comma-separated, as text. */
static int
ids_are(const struct directory *d, const char *qs, const char *want)
{
	json_t		*out, *a, *u;
	char		 got[512];
	size_t		 i, len;
	int		 ok;

	if (search_parse(qs) == -1) {
		printf("# %s\n", serr);
		return 0;
	}
	if ((out = users_search_run(d, &s)) == NULL)
		return 0;
	a = json_is_array(out) ? out : json_object_get(out, "users");
	got[0] = '\0';
	json_array_foreach(a, i, u) {
		len = strlen(got);
		snprintf(got + len, sizeof(got) - len, "%s%s", i ? "," : "",
		    json_string_value(json_object_get(u, "user_id")));
	}
	json_decref(out);
	ok = strcmp(got, want) == 0;
	if (!ok)
		printf("# %s: got \"%s\", wanted \"%s\"\n", qs, got, want);
	return ok;
}

static int
search_refused(const char *qs, const char *want)
{
	if (search_parse(qs) == 0) {
		printf("# accepted\n");
		return 0;
	}
	printf("# %s\n", serr);
	return strstr(serr, want) != NULL;
}

static int
text_is(char *got, const char *want)
{
	int	 ok = got != NULL && strcmp(got, want) == 0;

	if (!ok)
		printf("# got %s\n", got ? got : "NULL");
	free(got);
	return ok;
}

static void
test_search(void)
{
	struct directory	*d;
	char			 err[1024];

	if ((d = load(users_json, err, sizeof(err))) == NULL) {
		printf("Bail out! %s\n", err);
		exit(1);
	}
	CHECK(ids_are(d, "", "auth0|1,auth0|2,auth0|3,google|4,auth0|5"),
	    "no query: every user in file order");
	CHECK(ids_are(d, "q=&search_engine=v3", "auth0|1,auth0|2,auth0|3,"
	    "google|4,auth0|5"), "an empty q is no query");
	CHECK(ids_are(d, "q=email%3A%22sam%40example.com%22",
	    "auth0|1,auth0|2,auth0|5") &&
	    ids_are(d, "q=email:sam@example.com*",
	    "auth0|1,auth0|2,auth0|5"),
	    "an email through the index and by a scan agree");
	CHECK(ids_are(d, "q=user_id:auth0|3", "auth0|3") &&
	    ids_are(d, "q=user_id:%22auth0%7C3%22", "auth0|3") &&
	    ids_are(d, "q=user_id:auth0|7", ""), "a user_id through the index");
	CHECK(ids_are(d, "q=name:sam*+AND+NOT+blocked:true", "auth0|1"),
	    "a scan");
	CHECK(ids_are(d, "per_page=2", "auth0|1,auth0|2") &&
	    ids_are(d, "per_page=2&page=1", "auth0|3,google|4") &&
	    ids_are(d, "per_page=2&page=2", "auth0|5") &&
	    ids_are(d, "per_page=2&page=3", ""), "paging");
	CHECK(text_is(search(d, "q=user_id:auth0|3&include_totals=true&"
	    "fields=user_id"), "{\"start\":0,\"limit\":50,\"length\":1,"
	    "\"total\":1,\"users\":[{\"user_id\":\"auth0|3\"}]}"),
	    "include_totals");
	CHECK(text_is(search(d, "include_totals=true&per_page=2&page=2&"
	    "fields=user_id"), "{\"start\":4,\"limit\":2,\"length\":1,"
	    "\"total\":5,\"users\":[{\"user_id\":\"auth0|5\"}]}"),
	    "include_totals on the last page");
	CHECK(text_is(search(d, "include_totals=false&per_page=1&"
	    "fields=name,user_id,nothing"),
	    "[{\"name\":\"Sam One\",\"user_id\":\"auth0|1\"}]"),
	    "fields: only those, in the asked order");
	CHECK(text_is(search(d, "q=user_id:auth0|3&fields=email,"
	    "logins_count,name&include_fields=false"),
	    "[{\"user_id\":\"auth0|3\"}]"), "include_fields=false");
	CHECK(ids_are(d, "sort=name:1", "auth0|3,google|4,auth0|1,auth0|2,"
	    "auth0|5") && ids_are(d, "sort=name:-1", "auth0|2,auth0|1,"
	    "google|4,auth0|3,auth0|5"),
	    "sort by name both ways, case-insensitive, missing last");
	CHECK(ids_are(d, "sort=logins_count:1", "auth0|1,google|4,auth0|3,"
	    "auth0|2,auth0|5") && ids_are(d, "sort=logins_count:-1",
	    "auth0|3,auth0|1,google|4,auth0|2,auth0|5"),
	    "sort by a number is stable both ways");
	CHECK(ids_are(d, "sort=email:1&q=email:sam*", "auth0|1,auth0|2,"
	    "auth0|5") && ids_are(d, "sort=email:-1&q=email:sam*",
	    "auth0|1,auth0|2,auth0|5"), "equal keys keep the file order");
	CHECK(ids_are(d, "sort=user_id:-1&per_page=2&page=1",
	    "auth0|3,auth0|2"), "sort, then the page");
	CHECK(ids_are(d, "sort=created_at:1", "auth0|1,auth0|2,auth0|3,"
	    "google|4,auth0|5"), "nobody has the key: file order");
	directory_free(d);
	CHECK(ids_are(NULL, "q=name:x", "") && ids_are(NULL, "", ""),
	    "no directory is an empty one");
}

static void
test_search_refused(void)
{
	CHECK(search_refused("per_page=101", "per_page must be an integer "
	    "from 1 to 100") && search_refused("per_page=0", "per_page") &&
	    search_refused("per_page=-1", "per_page") &&
	    search_refused("per_page=", "per_page") &&
	    search_refused("per_page=1e2", "per_page"), "per_page");
	CHECK(search_parse("per_page=100&page=1000000") == 0 &&
	    s.paging.per_page == 100 && s.paging.page == 1000000, "the largest page");
	CHECK(search_refused("page=1000001", "page must be") &&
	    search_refused("page=99999999999999999999999", "page must be") &&
	    search_refused("page=x", "page must be"), "page");
	CHECK(search_refused("include_totals=yes", "include_totals") &&
	    search_refused("include_fields=1&fields=a", "include_fields"),
	    "booleans are true or false");
	CHECK(search_refused("sort=name", "sort must be") &&
	    search_refused("sort=name:2", "sort must be") &&
	    search_refused("sort=picture:1", "sort must be") &&
	    search_refused("sort=:1", "sort must be"), "sort");
	CHECK(search_refused("fields=a,,b", "fields") &&
	    search_refused("fields=a,", "fields") &&
	    search_refused("fields=a%20b", "fields"), "fields");
	CHECK(search_refused("search_engine=v2",
	    "search_engine \"v2\" is not supported") &&
	    search_refused("search_engine=%C3%A9", "only search_engine v3") &&
	    search_refused("search_engine=v%07", "only search_engine v3"),
	    "search_engine, named only when safe to repeat");
	CHECK(search_refused("q=name:a+AND", "query error at character 11: "),
	    "a query error says where");
	CHECK(search_refused("connection=x", "unknown parameter "
	    "\"connection\""), "an unknown parameter");
	CHECK(search_parse("q=name:a&search_engine=v3&page=0&per_page=1&"
	    "include_totals=true&sort=email:-1&fields=email&"
	    "include_fields=true") == 0 && s.has_query && s.paging.include_totals &&
	    s.descending && s.fields.n == 1 && s.fields.include,
	    "every parameter at once");
}

int
main(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "%s/guise-users.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/users.json", tmpdir);
	test_forms();
	test_syntax();
	test_validation();
	test_files();
	test_lookups();
	test_reload();
	test_search();
	test_search_refused();
	unlink(path);
	rmdir(tmpdir);
	return check_done();
}
