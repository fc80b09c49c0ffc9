/*
 * GET and POST /userinfo: the impersonated user's profile as the access
 * token's scope allows, marked as an impersonation.  Only access tokens of
 * an impersonated login are good here (their audience is {issuer}userinfo),
 * and bearer_check refuses a revoked one.
 */
#include <stdio.h>
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "bearer.h"
#include "frontend.h"
#include "http.h"
#include "profile.h"
#include "reply.h"
#include "users.h"

void
userinfo(struct evhttp_request *req)
{
	const struct user	*u;
	struct access		 a;
	json_t			*claims;

	if (bearer_check(req, fe->userinfo_audience, &a) == -1)
		return;
	if ((u = users_by_id(a.sub)) == NULL) {
		reply_bearer_error(req, "the token's user no longer exists");
		return;
	}
	if ((claims = profile_claims(u, a.scope)) == NULL) {
		reply_unavailable(req);
		return;
	}
	json_object_set_new(claims, "sub", json_string(u->user_id));
	if (a.act_sub[0] != '\0') {
		json_object_set_new(claims, "impersonated", json_true());
		json_object_set_new(claims, "impersonator",
		    profile_impersonator(a.act_sub, users_by_id(a.act_sub)));
	}
	reply_json(req, 200, claims, 1);
}
