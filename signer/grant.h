/*
 * Grants (DESIGN.md section 4, "No login without a grant"): what the signer
 * decided when it made a link, sealed with the grant key so that the front
 * end can store it but neither make nor alter one.  Only the signer links
 * this module, and it holds the keys.
 */
#ifndef GUISE_GRANT_H
#define GUISE_GRANT_H

#include <stddef.h>

#include "grantkey.h"
#include "proto.h"

#define GRANT_ID_BYTES		32
#define GRANT_HASH_BYTES	32		/* SHA-256 */
#define GRANT_SEALED_MAX	6144		/* bytes of a sealed grant */
#define GRANT_CALLBACK_MAX	2048

/*
 * A link's; a code's; or a login's: a followed link for an application
 * that starts its own login, kept under the browser's login cookie until
 * the application's request arrives at /authorize.
 */
enum grant_kind {
	GRANT_KIND_LINK = 1,
	GRANT_KIND_CODE = 2,
	GRANT_KIND_LOGIN = 3,
	GRANT_KIND_CONSOLE = 4,	/* a console session: who signed in (as
				 * impersonator_id), no response type */
	GRANT_KIND_SIGNIN = 5,	/* a console sign-in the signer began: under
				 * its state, with its nonce, and its PKCE
				 * verifier in code_challenge */
	GRANT_KIND_SESSION = 6,	/* an impersonation session (session.h):
				 * under its sid, until it ends by itself */
	GRANT_KIND_WEBHOOK = 7,	/* an event the signer built (webhook.h):
				 * under its body, its type in scope, no
				 * response type */
	GRANT_KIND_APPROVAL = 8,	/* a link asked for that waits for an
				 * approver (approval.h): under its
				 * approval_id, until the approval expires */
	GRANT_KIND_APPROVED = 9	/* ... and approved: under the same id,
				 * until the same expiry */
};

struct grant {
	enum grant_kind	 kind;
	unsigned char	 id[GRANT_ID_BYTES];	/* random, 256 bits */
	long long	 exp;			/* unix seconds */
	/* code, login: when its link was followed; 0 for a link */
	long long	 auth_time;
	/* SHA-256 of the ticket (link), code or login cookie it travels
	 * under */
	unsigned char	 ticket_hash[GRANT_HASH_BYTES];
	/*
	 * A link asked for at the console: SHA-256 of the console session's
	 * cookie, which the browser that follows it must hold (and the code
	 * or login made of it keeps); all zero for a link of the API's.
	 */
	unsigned char	 session_hash[GRANT_HASH_BYTES];
	/* ... and that console session's grant id: signed out, it is
	 * redeemed, and what it asked for goes no further. */
	unsigned char	 session_id[GRANT_ID_BYTES];
	int		 response_type;		/* 1 code, 2 token */
	char		 impersonator_id[PROTO_USER_ID_MAX + 1];
	char		 user_id[PROTO_USER_ID_MAX + 1];
	/* the application logged in to */
	char		 client_id[PROTO_CLIENT_ID_MAX + 1];
	char		 caller[PROTO_CLIENT_ID_MAX + 1];	/* who asked */
	char		 callback_url[GRANT_CALLBACK_MAX + 1];
	char		 scope[PROTO_SCOPE_MAX + 1];
	char		 nonce[PROTO_NONCE_MAX + 1];	/* "" when none */
	char		 reason[PROTO_REASON_MAX + 1];	/* "" when none */
	/* code: the application's PKCE S256 challenge, "" when none */
	char		 code_challenge[PROTO_CHALLENGE_MAX + 1];
	/* code, login, session: the impersonation session the followed link
	 * began; "" for a link */
	char		 sid[PROTO_SID_MAX + 1];
	/* the approval that allowed it (link and what follows); "" when
	 * none was needed */
	char		 approval_id[PROTO_APPROVAL_ID_MAX + 1];
};

/*
 * Read the grant key file (common/grantkey.h) before the sandbox; -1
 * (logged, naming the file and line) on any error, and the keys loaded
 * before stay.
 */
int	grant_keys_load(const char *path);

/* Seal g with the newest key into out: returns the length, or -1. */
long	grant_seal(const struct grant *g, unsigned char *out, size_t outlen);

/*
 * Verify and decode len bytes: 0 with *g filled, or -1 (unknown kid, bad
 * MAC, malformed, trailing bytes).  The MAC is checked, in constant time,
 * before any field is decoded.
 */
int	grant_open(const unsigned char *in, size_t len, struct grant *g);

/* OPENSSL_cleanse the keys, for exit. */
void	grant_keys_wipe(void);

#endif
