#include <string.h>

#include "profile.h"
#include "scope.h"

static const char *const profile_scope[] = { "name", "given_name",
    "family_name", "nickname", "picture", "updated_at", NULL };
static const char *const email_scope[] = { "email", "email_verified", NULL };
static const char *const single[] = { "name", "given_name", "family_name",
    "nickname", "picture", "updated_at", "email", "email_verified",
    "user_metadata", "app_metadata", NULL };

static void
copy_claims(json_t *out, const struct user *u, const char *const *names)
{
	json_t	*v;
	size_t	 i;

	for (i = 0; names[i] != NULL; i++)
		if ((v = json_object_get(u->obj, names[i])) != NULL)
			json_object_set(out, names[i], v);
}

json_t *
profile_claims(const struct user *u, const char *scope)
{
	json_t	*out;
	size_t	 i;

	if ((out = json_object()) == NULL)
		return NULL;
	if (scope_has(scope, "profile"))
		copy_claims(out, u, profile_scope);
	if (scope_has(scope, "email"))
		copy_claims(out, u, email_scope);
	for (i = 0; single[i] != NULL; i++) {
		const char	*one[2] = { single[i], NULL };

		if (scope_has(scope, single[i]))
			copy_claims(out, u, one);
	}
	return out;
}

json_t *
profile_impersonator(const char *impersonator_id, const struct user *u)
{
	json_t	*who;

	who = json_pack("{s:s}", "user_id", impersonator_id);
	if (who != NULL && u != NULL && u->email != NULL)
		json_object_set_new(who, "email", json_string(u->email));
	return who;
}
