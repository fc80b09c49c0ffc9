/*
 * The in-memory store's codes (daemon/store_mem.c): a redeemed code frees
 * its place among the live ones at once, so that more logins than
 * STORE_CODES_MAX fit in one code lifetime, and a replay is still known as
 * one, with the client the code was issued to.
 */
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "check.h"
#include "store.h"

#define LOGINS	(STORE_CODES_MAX + 5000)

static struct impersonation *
new_imp(void)
{
	struct impersonation	 imp = {
		.impersonator_id = "auth0|support-1",
		.user_id = "auth0|customer-1",
		.client_id = "storefront",
		.caller = "backoffice",
		.callback_url = "http://127.0.0.1:3000/callback",
		.scope = "openid",
		.response_type = RESPONSE_CODE,
	};

	return impersonation_dup(&imp);
}

int
main(void)
{
	const struct impersonation	*imp;
	struct event_base		*base = event_base_new();
	char				 code[32];
	size_t				 i, put = 0, fresh = 0;

	CHECK(base != NULL && store_init(base) == 0, "store_init");
	for (i = 0; i < LOGINS; i++) {
		snprintf(code, sizeof(code), "code-%zu", i);
		if (store_code_put(code, new_imp(), 60) == 0)
			put++;
		if (store_code_redeem(code, &imp) == CODE_FRESH)
			fresh++;
		store_code_spend(code, 60);
	}
	CHECK(put == LOGINS && fresh == LOGINS,
	    "%d logins in one code lifetime: %zu codes kept, %zu redeemed",
	    LOGINS, put, fresh);
	CHECK(store_code_redeem("code-0", &imp) == CODE_SPENT &&
	    strcmp(imp->client_id, "storefront") == 0,
	    "a replay of a spent code is known, with its client");
	CHECK(store_code_redeem("code-never", &imp) == CODE_UNKNOWN,
	    "a code never issued is unknown");

	CHECK(store_code_put("kept", new_imp(), 60) == 0 &&
	    store_code_redeem("kept", &imp) == CODE_FRESH, "a fresh code");
	CHECK(store_code_redeem("kept", &imp) == CODE_SPENT,
	    "redeemed again before its tokens came back: spent");
	store_code_release("kept");
	CHECK(store_code_redeem("kept", &imp) == CODE_FRESH,
	    "released after a failed issue: good again");
	event_base_free(base);
	return check_done();
}
