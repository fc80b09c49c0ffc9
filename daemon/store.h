/*
 * The single-use bookkeeping of the impersonation flow: links (tickets),
 * logins (a followed link's cookie, for an application that starts its
 * own login), authorization codes and revoked access tokens.  This is the seam where a
 * shared store (Redis, DESIGN.md section 6) will replace the in-memory one
 * of store_mem.c; callers see only these functions.  Every table has a hard
 * bound: past it a put fails and the caller answers 503.
 */
#ifndef GUISE_STORE_H
#define GUISE_STORE_H

#include <time.h>

#include "jti.h"

#define STORE_LINKS_MAX		65536
#define STORE_LOGINS_MAX	65536	/* followed, not yet at /authorize */
#define STORE_CODES_MAX		65536	/* issued, not yet redeemed */
/* Small entries, living code_ttl: 262,144 keeps 4,369 logins a second at
 * the default code_ttl of 60 s (the flow benchmark makes 5,000 a second
 * for a few seconds); past it a code exchange is 503. */
#define STORE_SPENT_MAX		262144
#define STORE_REVOKED_MAX	262144	/* small entries, live token_ttl */

enum response_type {
	RESPONSE_CODE = 1,
	RESPONSE_TOKEN
};

/*
 * What the front end keeps of an impersonation that the signer allowed:
 * where its link or code leads, and the signer's grant, which alone says
 * who is logged in as whom and which the signer checks at every step (the
 * front end can neither read its seal nor make one).  Links and codes
 * carry it; its strings are its own copies (impersonation_dup).
 */
struct impersonation {
	const char		*client_id;	/* the application logged in to */
	const char		*callback_url;	/* a login's: "" */
	const char		*state;		/* NULL when not given */
	const char		*grant;		/* sealed, base64url */
	/* a code's PKCE S256 challenge, NULL when none: it proves a replay */
	const char		*code_challenge;
	enum response_type	 response_type;
};

enum code_state {
	CODE_UNKNOWN,		/* never issued, expired, or spent longer ago
				 * than its spent mark lives */
	CODE_FRESH,		/* now marked spent: this redemption is the one */
	CODE_SPENT,		/* redeemed before */
	CODE_FULL		/* live, but no room to mark it spent: 503 */
};

enum replay {
	REPLAY_NONE,		/* unknown, or another client's: nothing done */
	REPLAY_REVOKED,		/* the code's access token is revoked */
	REPLAY_AGAIN,		/* revoked by a replay before: nothing more */
	REPLAY_FAILED		/* its client's, but no room to revoke: 503 */
};

int	store_init(void);
/* Forget what has expired at now (the front end: every second). */
void	store_sweep(time_t now);
void	store_close(void);

struct impersonation	*impersonation_dup(const struct impersonation *);
void			 impersonation_free(struct impersonation *);

/* Keep imp under ticket for ttl seconds; takes imp.  -1 when full. */
int	store_link_put(const char *ticket, struct impersonation *imp, int ttl);
/* The impersonation of a live ticket, removed from the store: the caller
 * owns it.  NULL for an unknown, used or expired ticket. */
struct impersonation *store_link_take(const char *ticket);

/*
 * The same for a login cookie's value, under its application's client_id:
 * a grant that /authorize redeems.  Taken only for that client, so that a
 * value sent under another client's cookie leaves it where it was.
 */
int	store_login_put(const char *client_id, const char *login,
	    struct impersonation *imp, int ttl);
struct impersonation *store_login_take(const char *client_id,
	    const char *login);

/* Keep imp under code for ttl seconds; takes imp.  -1 when full. */
int	store_code_put(const char *code, struct impersonation *imp, int ttl);
/*
 * Redeem code.  The first redemption of a live code gets CODE_FRESH with
 * *imp (owned by the store, valid until the next store call), and the code
 * is marked spent for ttl seconds: the mark, which keeps the code's client
 * and grant, is what tells a replay (store_code_replay).
 * Without room for the mark the code is left as it was: CODE_FULL, so that
 * no code is redeemed whose replay could not be told.
 */
enum code_state store_code_redeem(const char *code, int ttl,
	    const struct impersonation **imp);
/* The redemption failed before anything was issued: let it be tried again. */
void	store_code_release(const char *code);
/* Its tokens were issued: the code leaves the live ones, its mark stays. */
void	store_code_spend(const char *code);
/* Refused for good, nothing issued: the code is forgotten, mark and all. */
void	store_code_discard(const char *code);
/*
 * client_id, authenticated, presents code again with verifier (NULL:
 * none).  Only when the code is marked spent, client_id is its client and,
 * for a code asked for with a PKCE challenge, verifier answers it (a
 * public client's name proves nothing: its verifier does) is the code's
 * access token (jti_for_code, into jti) revoked until exp: REPLAY_REVOKED,
 * or REPLAY_FAILED when the revocation list is full; REPLAY_AGAIN once a
 * replay has revoked it.  These set *imp (as store_code_redeem), for the
 * record.  Anything else is REPLAY_NONE and revokes nothing: an unknown
 * code is not a replay that can be proved.
 */
enum replay store_code_replay(const char *code, const char *client_id,
	    const char *verifier, time_t exp,
	    const struct impersonation **imp, char jti[JTI_LEN + 1]);

/*
 * The record of code's revocation was not written: the next proven
 * replay is REPLAY_REVOKED again (the revocation stands), and recorded.
 */
void	store_code_replay_unrecorded(const char *code);

/* Revoke the access token jti until it expires anyway; -1 when full. */
/*
 * The console's sessions (DESIGN.md section 7), under their cookie's
 * value, living until their absolute end and, used, for idle seconds more
 * each time.  (A sign-in under way is kept by the browser: its cookie
 * holds the signer's sign-in grant.)
 */
#define STORE_SESSIONS_MAX	4096
#define STORE_CSRF_LEN		43	/* 256 bits, base64url */

struct console_session {
	char	*grant;		/* the signer's console grant */
	char	*user_id;	/* who signed in, as the signer said */
	char	*email;
	char	 csrf[STORE_CSRF_LEN + 1];
	time_t	 expires;	/* absolute */
	time_t	 seen;		/* last used: the idle lifetime runs from it */
};

int	store_session_put(const char *cookie, struct console_session *);
/* The live session, now used; NULL when there is none or it idled out. */
const struct console_session *store_session_use(const char *cookie,
	    int idle, time_t now);
/* Remove and return the session (the caller frees it), or NULL. */
struct console_session *store_session_take(const char *cookie);
void	console_session_free(struct console_session *);

int	store_revoke(const char *jti, time_t exp);
int	store_is_revoked(const char *jti);

#endif
