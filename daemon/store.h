/*
 * The single-use bookkeeping of the impersonation flow: links (tickets),
 * authorization codes and revoked access tokens.  This is the seam where a
 * shared store (Redis, DESIGN.md section 6) will replace the in-memory one
 * of store_mem.c; callers see only these functions.  Every table has a hard
 * bound: past it a put fails and the caller answers 503.
 */
#ifndef GUISE_STORE_H
#define GUISE_STORE_H

#include <time.h>

#define STORE_LINKS_MAX		65536
#define STORE_CODES_MAX		65536	/* issued, not yet redeemed */
#define STORE_SPENT_MAX		65536	/* small entries, live code_ttl */
#define STORE_REVOKED_MAX	262144	/* small entries, live token_ttl */

struct event_base;

enum response_type {
	RESPONSE_CODE = 1,
	RESPONSE_TOKEN
};

/*
 * One impersonation, as asked for and allowed; links and codes carry it.
 * Its strings are its own copies (impersonation_dup), never changed.
 */
struct impersonation {
	const char		*impersonator_id;
	const char		*user_id;
	const char		*client_id;	/* the application logged in to */
	const char		*caller;	/* the client that asked */
	const char		*callback_url;
	const char		*state;		/* NULL when not given */
	const char		*scope;
	const char		*nonce;		/* NULL when not given */
	const char		*reason;	/* NULL when not given */
	enum response_type	 response_type;
	long long		 auth_time;	/* when the link was followed */
};

enum code_state {
	CODE_UNKNOWN,		/* never issued, or expired */
	CODE_FRESH,		/* now marked used: this redemption is the one */
	CODE_SPENT		/* redeemed before */
};

int	store_init(struct event_base *);

struct impersonation	*impersonation_dup(const struct impersonation *);
void			 impersonation_free(struct impersonation *);

/* Keep imp under ticket for ttl seconds; takes imp.  -1 when full. */
int	store_link_put(const char *ticket, struct impersonation *imp, int ttl);
/* The impersonation of a live ticket, removed from the store: the caller
 * owns it.  NULL for an unknown, used or expired ticket. */
struct impersonation *store_link_take(const char *ticket);

/* Keep imp under code for ttl seconds; takes imp.  -1 when full. */
int	store_code_put(const char *code, struct impersonation *imp, int ttl);
/*
 * Redeem code: the first redemption gets CODE_FRESH, and any later one
 * CODE_SPENT, both with *imp (owned by the store, valid until the next
 * store call).  What a replay revokes is the caller's business: the tokens
 * of a code are named by jti_for_code.
 */
enum code_state store_code_redeem(const char *code,
	    const struct impersonation **imp);
/* The redemption failed before anything was issued: let it be tried again. */
void	store_code_release(const char *code);
/*
 * Its tokens were issued: keep only what tells a replay (the client) for
 * ttl seconds more, and free the code's place among the live ones.
 */
void	store_code_spend(const char *code, int ttl);

/* Revoke the access token jti until it expires anyway; -1 when full. */
int	store_revoke(const char *jti, time_t exp);
int	store_is_revoked(const char *jti);

#endif
