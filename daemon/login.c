#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "login.h"
#include "profile.h"
#include "users.h"

int
login_request(const struct impersonation *imp, enum proto_type type,
    struct login_request *lr)
{
	const struct user	*user, *impersonator;
	json_t			*claims;

	memset(lr, 0, sizeof(*lr));
	if ((user = users_by_id(imp->user_id)) == NULL ||
	    (impersonator = users_by_id(imp->impersonator_id)) == NULL)
		return -1;
	if ((claims = profile_claims(user, imp->scope)) == NULL)
		return -1;
	lr->profile = json_dumps(claims, JSON_COMPACT);
	json_decref(claims);
	if (lr->profile == NULL || strlen(lr->profile) > PROTO_PROFILE_MAX) {
		login_request_clear(lr);
		return -1;
	}
	lr->msg.type = type;
	lr->msg.u.login_req.client_id = proto_str(imp->client_id);
	lr->msg.u.login_req.user_id = proto_str(imp->user_id);
	lr->msg.u.login_req.impersonator_id = proto_str(imp->impersonator_id);
	lr->msg.u.login_req.impersonator_email =
	    proto_str(impersonator->email ? impersonator->email : "");
	lr->msg.u.login_req.scope = proto_str(imp->scope);
	lr->msg.u.login_req.nonce = proto_str(imp->nonce ? imp->nonce : "");
	lr->msg.u.login_req.profile = proto_str(lr->profile);
	lr->msg.u.login_req.auth_time = (uint32_t)imp->auth_time;
	return 0;
}

void
login_request_clear(struct login_request *lr)
{
	free(lr->profile);
	lr->profile = NULL;
}
