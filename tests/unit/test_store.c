/*
 * The in-memory store's codes (daemon/store_mem.c): a redeemed code frees
 * its place among the live ones at once, so that more logins than
 * STORE_CODES_MAX fit in one code lifetime; a replay revokes only when the
 * code is marked spent and its own client presents it; and a full table
 * fails closed (CODE_FULL, REPLAY_FAILED) instead of dropping a revocation.
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "store.h"

#define LOGINS	(STORE_CODES_MAX + 5000)

static struct impersonation *
new_imp(void)
{
	struct impersonation	 imp = {
		.client_id = "storefront",
		.callback_url = "http://127.0.0.1:3000/callback",
		.grant = "AQlzaWduZWQtYnktdGhlLXNpZ25lcg",
		.response_type = RESPONSE_CODE,
	};

	return impersonation_dup(&imp);
}

/* A code issued, redeemed and its tokens issued. */
static int
login(const char *code)
{
	const struct impersonation	*imp;

	if (store_code_put(code, new_imp(), 60) == -1 ||
	    store_code_redeem(code, 60, &imp) != CODE_FRESH)
		return -1;
	store_code_spend(code);
	return 0;
}

static char	 jti[JTI_LEN + 1];

static int
revoked_jti_of(const char *code)
{
	char	 j[JTI_LEN + 1];

	return jti_for_code(code, j) == 0 && store_is_revoked(j);
}

/*
 * A code asked for with a PKCE challenge: a replay is its client's only
 * with the verifier (a public client's name proves nothing).
 */
static void
test_pkce_replay(void)
{
	struct impersonation	 pk = {
		.client_id = "spa",
		.callback_url = "http://127.0.0.1:3002/callback.html",
		.grant = "AQlzaWduZWQtYnktdGhlLXNpZ25lcg",
		.code_challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
		.response_type = RESPONSE_CODE,
	};
	const struct impersonation	*imp;
	const char	*verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
	time_t		 exp = time(NULL) + 3600;

	CHECK(store_init() == 0, "store_init");
	CHECK(store_code_put("pkce", impersonation_dup(&pk), 60) == 0 &&
	    store_code_redeem("pkce", 60, &imp) == CODE_FRESH,
	    "a PKCE code redeemed");
	store_code_spend("pkce");
	CHECK(store_code_replay("pkce", "spa", NULL, exp, &imp, jti) ==
	    REPLAY_NONE && !revoked_jti_of("pkce"),
	    "replayed without its verifier: revokes nothing");
	CHECK(store_code_replay("pkce", "spa", "dBjftJeZ4CVP-mB92K27uhbUJU1p1"
	    "r_wW1gFWFOEjXX", exp, &imp, jti) == REPLAY_NONE &&
	    !revoked_jti_of("pkce"),
	    "replayed with a wrong verifier: revokes nothing");
	CHECK(store_code_replay("pkce", "spa", verifier, exp, &imp, jti) ==
	    REPLAY_REVOKED && revoked_jti_of("pkce") &&
	    strcmp(imp->code_challenge, pk.code_challenge) == 0,
	    "replayed with its verifier (RFC 7636's example): revoked");
	CHECK(store_code_replay("pkce", "spa", verifier, exp, &imp, jti) ==
	    REPLAY_AGAIN, "replayed again: revoked before, nothing more");
	store_code_replay_unrecorded("pkce");
	CHECK(store_code_replay("pkce", "spa", verifier, exp, &imp, jti) ==
	    REPLAY_REVOKED && revoked_jti_of("pkce"),
	    "its record not written (the signer died): the next proven "
	    "replay revokes, still, and is recorded");
	store_close();
}

int
main(void)
{
	const struct impersonation	*imp;
	time_t				 exp = time(NULL) + 3600;
	char				 code[32];
	size_t				 i, ok = 0;

	CHECK(store_init() == 0, "store_init");
	for (i = 0; i < LOGINS; i++) {
		snprintf(code, sizeof(code), "code-%zu", i);
		if (login(code) == 0)
			ok++;
	}
	CHECK(ok == LOGINS, "%d logins in one code lifetime: %zu redeemed",
	    LOGINS, ok);
	CHECK(store_code_redeem("code-0", 60, &imp) == CODE_SPENT,
	    "a spent code is known as spent");
	CHECK(store_code_redeem("code-never", 60, &imp) == CODE_UNKNOWN,
	    "a code never issued is unknown");

	CHECK(store_code_put("kept", new_imp(), 60) == 0 &&
	    store_code_redeem("kept", 60, &imp) == CODE_FRESH &&
	    strcmp(imp->callback_url, "http://127.0.0.1:3000/callback") == 0,
	    "a fresh code, with its impersonation");
	CHECK(store_code_redeem("kept", 60, &imp) == CODE_SPENT,
	    "redeemed again before its tokens came back: spent");
	store_code_release("kept");
	CHECK(store_code_redeem("kept", 60, &imp) == CODE_FRESH,
	    "released after a failed issue: good again");
	store_code_discard("kept");
	CHECK(store_code_redeem("kept", 60, &imp) == CODE_UNKNOWN &&
	    store_code_replay("kept", "storefront", NULL, exp, &imp, jti) ==
	    REPLAY_NONE, "discarded (refused at exchange): forgotten");

	/* Replays: only the code's own client, only a code marked spent. */
	CHECK(store_code_replay("code-never", "storefront", NULL, exp, &imp, jti) ==
	    REPLAY_NONE && !revoked_jti_of("code-never"),
	    "an unknown code revokes nothing");
	CHECK(store_code_replay("code-1", "backoffice", NULL, exp, &imp, jti) ==
	    REPLAY_NONE && !revoked_jti_of("code-1"),
	    "another client's replay revokes nothing");
	CHECK(store_code_replay("code-1", "storefront", NULL, exp, &imp, jti) ==
	    REPLAY_REVOKED && revoked_jti_of("code-1") &&
	    strcmp(imp->grant, "AQlzaWduZWQtYnktdGhlLXNpZ25lcg") == 0 &&
	    strcmp(imp->client_id, "storefront") == 0,
	    "its own client's replay revokes, and keeps the code's grant for "
	    "the signer's record");
	CHECK(store_code_replay("code-1", "storefront", NULL, exp, &imp, jti) ==
	    REPLAY_AGAIN, "a replay of a replay: revoked before, nothing more "
	    "(no second record)");

	/* The revocation list full: a replay revokes nothing and says so. */
	for (i = 1; i < STORE_REVOKED_MAX; i++) {
		snprintf(code, sizeof(code), "jti-%zu", i);
		if (store_revoke(code, exp) == -1)
			break;
	}
	CHECK(i == STORE_REVOKED_MAX && store_revoke("one-more", exp) == -1,
	    "the revocation list holds %d tokens, no more", STORE_REVOKED_MAX);
	CHECK(store_code_replay("code-2", "storefront", NULL, exp, &imp, jti) ==
	    REPLAY_FAILED && !revoked_jti_of("code-2") &&
	    strcmp(imp->grant, "AQlzaWduZWQtYnktdGhlLXNpZ25lcg") == 0,
	    "revocation list full: REPLAY_FAILED, nothing revoked");

	/* The spent marks full: a fresh code is not redeemed, and stays. */
	for (i = LOGINS; i < STORE_SPENT_MAX; i++) {
		snprintf(code, sizeof(code), "code-%zu", i);
		if (login(code) == -1)
			break;
	}
	CHECK(i == STORE_SPENT_MAX, "%d codes marked spent", STORE_SPENT_MAX);
	CHECK(store_code_put("late", new_imp(), 60) == 0 &&
	    store_code_redeem("late", 60, &imp) == CODE_FULL,
	    "no room to mark a code spent: CODE_FULL");
	CHECK(store_code_redeem("late", 60, &imp) == CODE_FULL,
	    "and it is still live, not spent");
	store_close();
	test_pkce_replay();
	return check_done();
}
