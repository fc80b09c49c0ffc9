/*
 * The signer's own copy of the users (DESIGN.md section 4): the signer
 * decides on impersonation and builds every claim from it, never from what
 * the front end says of a user.  It keeps of each user only what a
 * decision or a token needs, so that no more of the directory than that
 * sits in the process that holds the keys.
 */
#ifndef GUISE_ROSTER_H
#define GUISE_ROSTER_H

#include <stddef.h>

#include "config.h"
#include "users.h"

/*
 * Load conf->users_file before the sandbox, with the front end's loader
 * (the same validation, the same errors), and keep of each user only
 * user_id, email, email_verified, blocked, app_metadata (where the roles
 * are) and the claims tokens carry: name, given_name, family_name,
 * nickname, picture, updated_at, user_metadata.  Replaces a roster loaded
 * before; -1, logged with the loader's message, keeps it.
 */
int			 roster_load(const struct config *);

/*
 * The user with this user_id (byte for byte), or NULL.  Its obj holds only
 * the members above, and user_id and email point into it; user_has_role()
 * and profile_claims() take it, user_attr() and user_meta_any() do not
 * (they read a directory's search records, which the roster has none of).
 * Valid until the next roster_load() or roster_free().
 */
const struct user	*roster_user(const char *user_id);
/*
 * The users with this email (ASCII case-insensitive, as the directory's
 * index), at most max into out; returns how many there are.
 */
size_t			 roster_by_email(const char *email,
			    const struct user **out, size_t max);
size_t			 roster_count(void);
void			 roster_free(void);

#endif
