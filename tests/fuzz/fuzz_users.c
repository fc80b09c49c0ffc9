/*
 * The users-file loader (directory_parse: a JSON array or NDJSON of user
 * objects), then every read of a loaded directory: the indexes agree with
 * the records, each attribute lies inside its arena, and the metadata
 * walker visits what it is asked for.
 */
#include "fuzz.h"
#include "users.h"

static const char *const paths[] = {
	"roles", "plan", "org.name", "teams.name", "a.b.c", "x"
};

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	return 0;
}

/* The scalar seen is text of the length said, of a known kind. */
static int
scalar(void *arg, int kind, const char *text, size_t len)
{
	size_t	*count = arg;

	FUZZ_ASSERT(kind == USER_META_STRING || kind == USER_META_INTEGER ||
	    kind == USER_META_REAL || kind == USER_META_TRUE ||
	    kind == USER_META_FALSE);
	FUZZ_ASSERT(text != NULL && memchr(text, '\0', len + 1) != NULL);
	(*count)++;
	return *count > 64;	/* stop early, sometimes */
}

static void
check_user(const struct directory *d, const struct user *u)
{
	const struct user	*same[4];
	const char		*a;
	size_t			 len, i, count;
	int			 attr;

	FUZZ_ASSERT(u->user_id != NULL && u->user_id[0] != '\0');
	FUZZ_ASSERT(directory_by_id(d, u->user_id) == u);
	if (u->email != NULL)
		FUZZ_ASSERT(directory_by_email(d, u->email, same, 4) >= 1);
	for (attr = 0; attr < UA__MAX; attr++) {
		a = user_attr(u, (enum user_attr)attr, &len);
		if (a == NULL || attr == UA_APP_METADATA ||
		    attr == UA_USER_METADATA)
			continue;
		/* Connections are each NUL-terminated, len the total. */
		if (attr == UA_CONNECTIONS)
			FUZZ_ASSERT(len > 0 && a[len - 1] == '\0');
		else
			FUZZ_ASSERT(a[len] == '\0' && strlen(a) == len);
	}
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		count = 0;
		user_meta_any(u, UA_APP_METADATA, paths[i], strlen(paths[i]),
		    scalar, &count);
		count = 0;
		user_meta_any(u, UA_USER_METADATA, paths[i], strlen(paths[i]),
		    scalar, &count);
	}
	(void)user_has_role(u, "support");
	(void)user_has_role(u, "admin");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct directory	*d;
	char			*buf, err[256];
	size_t			 i, n;

	/* Exactly size bytes: directory_parse takes a length. */
	if ((buf = malloc(size > 0 ? size : 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(buf, data, size);
	if ((d = directory_parse(buf, size, "users.json", err,
	    sizeof(err))) == NULL) {
		FUZZ_ASSERT(err[0] != '\0' && memchr(err, '\0', sizeof(err)));
		free(buf);
		return 0;
	}
	n = directory_count(d);
	for (i = 0; i < n; i++)
		check_user(d, directory_user(d, i));
	FUZZ_ASSERT(directory_by_id(d, "") == NULL);
	directory_free(d);
	free(buf);
	return 0;
}
