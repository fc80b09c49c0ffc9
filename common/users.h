/*
 * The users directory: the users_file (a JSON array or NDJSON of Auth0 user
 * objects, as Auth0's user export writes them), validated at load, indexed
 * by user_id and by email, and replaced as a whole on reload.  The front end
 * serves its current directory (users_init and users_by_id below); the
 * loader is common so that the signer can keep a copy of its own, on which
 * it decides (DESIGN.md section 4).  Both only ever read the file.
 */
#ifndef GUISE_USERS_H
#define GUISE_USERS_H

#include <stddef.h>

#include <jansson.h>

struct user {
	json_t		*obj;		/* the user object as loaded */
	const char	*user_id;	/* views into obj */
	const char	*email;		/* NULL when the user has none */
	int		 blocked;
	int		 email_verified;
};

struct directory;

#define USERS_FILE_MAX		(512 * 1024 * 1024)	/* bytes */
#define USERS_MAX		1000000
#define USER_ID_MAX		256	/* bytes */
#define USER_EMAIL_MAX		512	/* bytes */

/*
 * Load file into a new directory.  On error return NULL and write one line
 * naming the file, the line and the problem into err.
 */
struct directory	*directory_load(const char *file, char *err,
			    size_t errlen);
/* The same from fd (closed), which holds file. */
struct directory	*directory_load_fd(int fd, const char *file, char *err,
			    size_t errlen);
/* The same from the len bytes at buf; name is used in messages. */
struct directory	*directory_parse(const char *buf, size_t len,
			    const char *name, char *err, size_t errlen);
void			 directory_free(struct directory *);
size_t			 directory_count(const struct directory *);
const struct user	*directory_user(const struct directory *, size_t i);

/*
 * Lookups in one directory (NULL is an empty one): the user with this
 * user_id (byte for byte), and the users with this email (ASCII
 * case-insensitive), in file order.  directory_by_email writes at most max
 * of them into out and returns how many there are in all.
 */
const struct user	*directory_by_id(const struct directory *,
			    const char *user_id);
size_t			 directory_by_email(const struct directory *,
			    const char *email, const struct user **out,
			    size_t max);

/* The current directory of the front end, and its lookups. */
/* Load file, or what fd holds (closed); -1 keeps the old one. */
int			 users_init(const char *file);
int			 users_init_fd(int fd, const char *file);
const struct directory	*users_current(void);
const struct user	*users_by_id(const char *user_id);
/* Every user with this email (case-insensitive); returns how many. */
size_t			 users_by_email(const char *email,
			    const struct user **out, size_t max);

/*
 * What searches read, copied at load into one block of memory in file
 * order, so that a scan of every user reads memory in sequence instead of
 * chasing the pointers of each JSON object.  user_attr() returns the
 * attribute (NUL-terminated, its length in *len), or NULL when the user
 * has none.  UA_CONNECTIONS is every identity's connection, each
 * NUL-terminated, *len the total; UA_LOGINS_COUNT is its decimal text.
 * The user must come from a directory.
 */
enum user_attr {
	UA_USER_ID,
	UA_EMAIL,
	UA_NAME,
	UA_NICKNAME,
	UA_GIVEN_NAME,
	UA_FAMILY_NAME,
	UA_CREATED_AT,
	UA_UPDATED_AT,
	UA_LAST_LOGIN,
	UA_LOGINS_COUNT,
	UA_CONNECTIONS,
	UA_APP_METADATA,	/* for user_meta_any() only */
	UA_USER_METADATA,
	UA__MAX
};

const char		*user_attr(const struct user *, enum user_attr,
			    size_t *len);

/* The kinds of scalar user_meta_any() passes on; "text" is JSON's. */
#define USER_META_STRING	's'
#define USER_META_INTEGER	'i'
#define USER_META_REAL		'r'	/* printed with %.17g */
#define USER_META_TRUE		't'	/* text "true" */
#define USER_META_FALSE		'f'	/* text "false" */

/*
 * Call fn on each scalar found at the dotted path (pathlen bytes) of the
 * user's UA_APP_METADATA or UA_USER_METADATA, where an array anywhere on
 * the way stands for each of its elements, until fn returns non-zero:
 * return that, or 0.
 */
int			 user_meta_any(const struct user *, enum user_attr,
			    const char *path, size_t pathlen,
			    int (*fn)(void *arg, int kind, const char *text,
			    size_t len), void *arg);

/* Free the current directory (at exit, and for leak checks). */
void			 users_close(void);

/* Copy len bytes of src to dst with A-Z lowered, and a NUL after them. */
void			 users_fold(char *dst, const char *src, size_t len);

/* Whether the user has role in app_metadata.roles. */
int			 user_has_role(const struct user *, const char *role);

#endif
