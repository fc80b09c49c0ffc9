/*
 * The Management API's users endpoints.  For now the directory is empty:
 * the endpoint exists to be protected by the bearer check.
 */
#include <string.h>

#include <event2/http.h>
#include <jansson.h>

#include "bearer.h"
#include "frontend.h"
#include "http.h"
#include "reply.h"
#include "scope.h"

void
users_list(struct evhttp_request *req)
{
	struct access	 a;

	if (bearer_check(req, fe->api_audience, &a) == -1)
		return;
	if (!scope_has(a.scope, "read:users")) {
		reply_api_error(req, 403,
		    "Insufficient scope, expected any of: read:users",
		    "insufficient_scope");
		return;
	}
	reply_json(req, 200, json_array(), 0);
}
