/*
 * The user search: the Lucene query parser and its matcher, and the query
 * string of GET /api/v2/users around it.  An input that starts with '?' is
 * a whole query string (form_parse, users_search_parse, then
 * users_search_run over a fixed directory, as the endpoint does); any
 * other input is one q, parsed, then matched against every user.
 */
#include <jansson.h>

#include "form.h"
#include "fuzz.h"
#include "query.h"
#include "users.h"
#include "users_search.h"

static const char sample[] =
    "{\"user_id\": \"auth0|alice\", \"email\": \"Alice@Example.com\","
    " \"email_verified\": true, \"name\": \"Alice Liddell\","
    " \"nickname\": \"alice\", \"given_name\": \"Alice\","
    " \"family_name\": \"Liddell\", \"blocked\": false,"
    " \"identities\": [{\"connection\": \"Username-Password-Authentication\","
    " \"provider\": \"auth0\", \"user_id\": \"alice\", \"isSocial\": false},"
    " {\"connection\": \"github\"}],"
    " \"app_metadata\": {\"roles\": [\"support\", \"admin\"], \"plan\": \"gold\","
    " \"level\": 3, \"score\": 1.5, \"beta\": true, \"none\": null,"
    " \"org\": {\"name\": \"Wonder\", \"tags\": [\"a\", \"b\", [\"c\"]]},"
    " \"teams\": [{\"name\": \"red\"}, {\"name\": \"blue\"}]},"
    " \"user_metadata\": {\"lang\": \"en\"}, \"logins_count\": 42,"
    " \"created_at\": \"2024-01-02T03:04:05.000Z\","
    " \"updated_at\": \"2024-02-02T03:04:05.000Z\","
    " \"last_login\": \"2024-03-02T03:04:05.000Z\"}\n"
    "{\"user_id\": \"google-oauth2|bob\", \"email\": \"bob@example.org\","
    " \"email_verified\": false, \"name\": \"Bob Builder\", \"nickname\": \"bob\","
    " \"blocked\": true, \"identities\": [{\"connection\": \"google-oauth2\","
    " \"provider\": \"google-oauth2\", \"user_id\": \"123\", \"isSocial\": true}],"
    " \"app_metadata\": {\"plan\": \"silver\", \"level\": -1e300},"
    " \"logins_count\": 7}\n"
    "{\"user_id\": \"auth0|carol\", \"email\": \"carol@example.com\","
    " \"name\": \"Carol \\\"CJ\\\" Jones \\u00e9\","
    " \"user_metadata\": {\"lang\": \"fr\", \"prefs\": {\"theme\": \"dark\"}}}\n"
    "{\"user_id\": \"auth0|carol2\", \"email\": \"CAROL@example.com\"}\n"
    "{\"user_id\": \"auth0|dave\"}\n";

static struct directory		*dir;
static struct query		 q;
static struct users_search	 search;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	 err[256];

	(void)argc;
	(void)argv;
	if ((dir = directory_parse(sample, sizeof(sample) - 1, "sample",
	    err, sizeof(err))) == NULL)
		abort();
	return 0;
}

static void
check_query(const uint8_t *data, size_t size)
{
	const char	*exact;
	char		 err[256];
	size_t		 i;

	if (query_parse(&q, (const char *)data, size, err, sizeof(err)) == -1) {
		FUZZ_ASSERT(strncmp(err, "query error at character ", 25) == 0);
		FUZZ_ASSERT(q.errpos >= 1 && q.errpos <= size + 1);
		return;
	}
	FUZZ_ASSERT(q.root >= 0 && (size_t)q.root < q.nnodes);
	FUZZ_ASSERT(q.nnodes <= QUERY_NODES_MAX && q.nterms <= QUERY_TERMS_MAX);
	FUZZ_ASSERT(q.textlen <= QUERY_TEXT_MAX);
	for (i = 0; i < directory_count(dir); i++)
		(void)query_match(&q, directory_user(dir, i));
	/* What the index answers must be what a scan finds. */
	if ((exact = query_exact(&q, QF_USER_ID)) != NULL &&
	    directory_by_id(dir, exact) != NULL)
		FUZZ_ASSERT(query_match(&q, directory_by_id(dir, exact)));
	(void)query_exact(&q, QF_EMAIL);
}

static void
check_search(const uint8_t *data, size_t size)
{
	struct form	 f;
	const char	*why;
	char		*buf = fuzz_copy(data, size), err[512];
	json_t		*out;

	if (form_parse(buf, size, &f, &why) == 0 &&
	    users_search_parse(&search, &f, err, sizeof(err)) == 0) {
		if ((out = users_search_run(dir, &search)) == NULL)
			abort();
		json_decref(out);
	}
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 0 && data[0] == '?')
		check_search(data + 1, size - 1);
	else
		check_query(data, size);
	return 0;
}
