/*
 * The signer protocol: framed, typed, explicit big-endian messages between
 * the front end and the signer over a socketpair (DESIGN.md section 4).
 *
 *	u32 len		whole frame, header included, at most PROTO_FRAME_MAX
 *	u16 version	PROTO_VERSION
 *	u16 type	enum proto_type, the same in a request and its reply
 *	u32 id		chosen by the front end, echoed by the signer
 *	u32 status	0 in requests; enum proto_status in replies
 *	fields		in the fixed order of the type's table in proto.c:
 *			u32 integers, strings as u16 length + bytes
 *
 * Decoding is one pure function over a bounded buffer, shared by both
 * sides: every field is checked against its own maximum, and a frame must
 * be consumed exactly.  A reply whose status is not PROTO_OK has no fields.
 */
#ifndef GUISE_PROTO_H
#define GUISE_PROTO_H

#include <stddef.h>
#include <stdint.h>

/* 5: the console (sign-in begun by the signer, its links, audit trail);
 * 6: impersonation sessions (their sid and grant, and their end), the
 * webhook events of the answers that make them, and PROTO_REVOKE (RFC 7009
 * revocation, recorded by the signer); 7: four-eyes approvals;
 * a front end and a signer of another version, as during an upgrade,
 * refuse each other's frames. */
#define PROTO_VERSION		7
#define PROTO_HEADER_LEN	16
#define PROTO_FRAME_MAX		65536

/* The signer finds its end of the socketpair here after exec. */
#define PROTO_SIGNER_FD		3
/*
 * And its end of the parent's control socket here: the parent sends a
 * PROTO_CTL_AUDIT_FILE on it when the log is rotated.
 */
#define PROTO_CONTROL_FD	4
#define PROTO_CONTROL_MAX	256
/*
 * And the audit log's anchor file here (doc/audit.md), opened by the
 * parent: the signer rewrites it in place after each commit.
 */
#define PROTO_ANCHOR_FD		5

/* Per-field maxima, in bytes. */
#define PROTO_CLIENT_ID_MAX	128
#define PROTO_SECRET_MAX	256
#define PROTO_AUDIENCE_MAX	512
#define PROTO_SCOPE_MAX		1024
#define PROTO_TOKEN_MAX		8192	/* an access token */
#define PROTO_ID_TOKEN_MAX	32768	/* profile claims make it larger */
#define PROTO_JWKS_MAX		60000
#define PROTO_USER_ID_MAX	256
#define PROTO_NONCE_MAX		512
#define PROTO_JTI_MAX		64
#define PROTO_SID_MAX		64	/* an impersonation session's id */
#define PROTO_APPROVAL_ID_MAX	64	/* an approval's id */
#define PROTO_CODE_MAX		64	/* an authorization code */
#define PROTO_EVENT_MAX		64	/* audit: event, outcome, rule names */
#define PROTO_REASON_MAX	1024
#define PROTO_IP_MAX		64
#define PROTO_AGENT_MAX		512
#define PROTO_CALLBACK_MAX	2048	/* a registered callback URL */
#define PROTO_TICKET_MAX	64	/* a link's ticket */
#define PROTO_GRANT_MAX		8192	/* a sealed grant, base64url */
#define PROTO_MESSAGE_MAX	256	/* a refusal's words for the client */
#define PROTO_LOGIN_MAX		64	/* a login cookie's value */
#define PROTO_CHALLENGE_MAX	128	/* a PKCE code_challenge or verifier */
#define PROTO_AUTHORIZATION_MAX	1024	/* an HTTP Authorization header's value */
#define PROTO_RECORDS_MAX	60000	/* the console's audit trail, JSON */
#define PROTO_WEBHOOK_MAX	16384	/* a webhook event's body, JSON */
#define PROTO_URL_MAX		2048	/* a webhook's URL */

enum proto_type {
	PROTO_HELLO = 1,	/* -> the public JWKS */
	PROTO_CLIENT_TOKEN,	/* client credentials -> an access token */
	PROTO_TEST_SYSCALL,	/* served only by the test build's signer */
	PROTO_CLIENT_AUTH,	/* client credentials -> yes or no */
	/*
	 * The impersonation flow (DESIGN.md section 4, "No login without a
	 * grant").  The front end names no one: the signer reads who asks
	 * from the bearer token, decides on its own copy of the users, and
	 * answers with a grant sealed with its grant key; every later step
	 * presents that grant, and the signer trusts nothing else.
	 */
	PROTO_LINK,		/* a bearer token's request -> the decision,
				 * and a ticket with its link grant */
	PROTO_FOLLOW,		/* a ticket and its grant -> a code with its
				 * code grant, or the tokens */
	PROTO_CODE_TOKENS,	/* a code, its grant, the client's secret ->
				 * the tokens */
	PROTO_CODE_REPLAYED,	/* a redeemed code presented again by its
				 * client -> on the record */
	PROTO_OBSERVED,		/* what only the front end sees -> on the
				 * record, as its word */
	PROTO_AUTHORIZE,	/* a login cookie and its grant, with the
				 * application's own request -> a code with
				 * its code grant, or the tokens */
	/*
	 * The support console (DESIGN.md section 7).  The signer begins each
	 * sign-in and redeems it once; the console's later requests present
	 * the console session's cookie and grant, and the signer trusts
	 * nothing else about who is at the console.
	 */
	PROTO_CONSOLE_SIGNIN,	/* the sign-in's state and grant, and the
				 * provider's id_token -> who signed in, and
				 * a console session with its grant */
	PROTO_CONSOLE_BEGIN,	/* -> a sign-in's state, nonce, PKCE
				 * challenge, and its grant */
	PROTO_CONSOLE_IDP_AUTH,	/* the sign-in's state and grant -> its PKCE
				 * verifier and the client authentication
				 * for the provider's token endpoint */
	PROTO_CONSOLE_LINK,	/* a console session's request -> the
				 * decision, and a link bound to it */
	PROTO_CONSOLE_AUDIT,	/* a console session's query -> the recent
				 * impersonation records, JSON */
	PROTO_CONSOLE_SIGNOUT,	/* a console session ended -> on the record,
				 * and its grant redeemed */
	/*
	 * Impersonation sessions (DESIGN.md section 8): a followed link
	 * answers with a session's sid and its grant; ending the session
	 * presents them with the authority of its cause (enum proto_end),
	 * which the signer checks.
	 */
	PROTO_SESSION_END,	/* a session's sid and grant, and who ends it
				 * -> on the record, its grant redeemed, and
				 * the application's logout token */
	PROTO_WEBHOOK_SIGN,	/* an event the signer built, and its grant,
				 * for a webhook's URL -> its id, a
				 * timestamp of now and its signature */
	/*
	 * RFC 7009 revocation: the client's credentials and the token it
	 * gives back.  The signer authenticates the client, verifies the
	 * token itself, refuses another client's (PROTO_ERR_GRANT), and
	 * records what the front end says it revoked (the revocation list
	 * is the front end's); a token that does not verify is
	 * PROTO_ERR_BEARER, and nothing is recorded.
	 */
	PROTO_REVOKE,		/* a client's token given back -> on the
				 * record, its jti and exp */
	/*
	 * Four-eyes approval (DESIGN.md section 8): PROTO_LINK and
	 * PROTO_CONSOLE_LINK answer a link for a user who needs an approval
	 * with an approval's id and its grant instead; these present them,
	 * with the authority of who asks (a bearer token, or a console
	 * session's cookie and grant), which the signer checks.
	 */
	PROTO_APPROVAL_DECIDE,	/* an approver's yes or no -> on the record,
				 * and for a yes the approved grant */
	PROTO_APPROVAL_LINK,	/* the approved grant, by who asked for the
				 * link -> the decision and the link, once */
	PROTO_APPROVAL_EXPIRE,	/* an approval past its expiry, never
				 * decided or never used -> on the record */
	/*
	 * The parent's control sockets (common/fdpass.h), never the
	 * socketpair of the front end and the signer: each request carries
	 * the descriptors proto_type_fds() says, and only PROTO_CTL_PAUSE
	 * is answered.
	 */
	PROTO_CTL_SIGNER,	/* to the front end: a new signer's socket */
	PROTO_CTL_PAUSE,	/* to the front end: hold requests -> none
				 * is in flight with the old signer */
	PROTO_CTL_RELOAD,	/* to the front end: the configuration and
				 * the users file, opened */
	PROTO_CTL_AUDIT_FILE,	/* to the signer: the new audit file, and
				 * the name of the one it replaces */
	PROTO_TYPE__MAX
};

/* What the front end saw, for PROTO_OBSERVED: the signer words it. */
enum proto_observed {
	PROTO_SEEN_AUTH_FAILED = 1,	/* failed client authentications */
	PROTO_SEEN_LINK_UNKNOWN,	/* links unknown, used or expired */
	PROTO_SEEN_RELOADED,		/* configuration and users reloaded */
	PROTO_SEEN_RELOAD_FAILED,	/* ... or not: the old ones stay */
	PROTO_SEEN_NO_LOGIN,		/* /authorize without a live login */
	PROTO_SEEN_LOGOUT_DELIVERED,	/* a logout token the application
					 * took (Back-Channel Logout) */
	PROTO_SEEN_LOGOUT_FAILED,	/* ... or never did, after every
					 * attempt: detail says why */
	PROTO_SEEN_WEBHOOK_DELIVERED,	/* an event a webhook took: detail
					 * names it and the URL */
	PROTO_SEEN_WEBHOOK_FAILED,	/* ... or never did, or was never
					 * sent (the queue full, a stop) */
	PROTO_SEEN__MAX
};

/* Why a session ends, for PROTO_SESSION_END: what the signer checks. */
enum proto_end {
	PROTO_END_API = 1,	/* bearer: a token with end:impersonations */
	PROTO_END_CONSOLE,	/* session and console_grant: the console
				 * session of the impersonator, who ends
				 * their own */
	PROTO_END_EXPIRED,	/* the session's grant has expired */
	PROTO_END_SIGNED_OUT,	/* the console session that asked for its
				 * link signed out */
	PROTO_END__MAX
};

enum proto_status {
	PROTO_OK = 0,
	PROTO_ERR_CLIENT,	/* unknown client or wrong secret, alike */
	PROTO_ERR_GRANT,	/* the client may not use this grant */
	PROTO_ERR_SCOPE,	/* scope empty or beyond the client's */
	PROTO_ERR_AUDIENCE,	/* not an audience this issuer serves */
	PROTO_ERR_INTERNAL,	/* the signer failed; nothing was issued */
	PROTO_ERR_REQUEST,	/* a field the signer will not sign */
	PROTO_ERR_AUDIT,	/* the audit log cannot be written: nothing done */
	PROTO_ERR_BEARER,	/* the bearer token does not hold */
	PROTO_ERR_INVALID_GRANT,	/* no grant of the signer's, or not for
				 * this ticket, code, client or callback, or
				 * expired, or no longer allowed */
	PROTO_ERR_REDEEMED,	/* the grant was redeemed before */
	PROTO_STATUS__MAX
};

enum proto_dir {
	PROTO_REQUEST,
	PROTO_REPLY
};

/* A string field: a view into the decoded frame, not NUL-terminated. */
struct proto_str {
	const char	*p;
	uint16_t	 len;
};

struct proto_msg {
	uint16_t	 type;
	uint32_t	 id;
	uint32_t	 status;
	union {
		struct {
			struct proto_str	 jwks;
		} hello_rep;
		struct {
			struct proto_str	 client_id;
			struct proto_str	 secret;
		} auth_req;
		/*
		 * A token given back by its client (RFC 7009): revoked says
		 * whether the front end revoked it (0: no room left in the
		 * revocation list, or another client's token, which it
		 * does not revoke).
		 */
		struct {
			struct proto_str	 client_id;
			struct proto_str	 secret;
			struct proto_str	 token;
			uint32_t		 revoked;
			struct proto_str	 ip;		/* for the audit log */
			struct proto_str	 user_agent;
		} revoke_req;
		/* The token the signer verified: its jti, and when it expires
		 * (unix seconds), as long as it must stay revoked. */
		struct {
			struct proto_str	 jti;
			uint32_t		 exp;
		} revoke_rep;
		/*
		 * What the front end saw (enum proto_observed), count times
		 * (0: once), from ip for client_id, of session sid, with the
		 * front end's detail: the signer writes the record, marked as
		 * the front end's word.
		 */
		struct {
			uint32_t		 what;
			struct proto_str	 client_id;
			struct proto_str	 ip;
			uint32_t		 count;
			struct proto_str	 sid;
			struct proto_str	 detail;
		} observed_req;
		struct {
			struct proto_str	 client_id;
			struct proto_str	 secret;
			struct proto_str	 audience;
			struct proto_str	 scope;
			struct proto_str	 ip;		/* for the audit log */
			struct proto_str	 user_agent;
		} token_req;
		struct {
			struct proto_str	 token;
			struct proto_str	 scope;
			uint32_t		 expires_in;
		} token_rep;
		struct {
			uint32_t		 which;
		} test_req;
		struct {
			struct proto_str	 previous;	/* a file name */
		} audit_file_req;
		/*
		 * A link asked for: bearer is the caller's access token,
		 * user_id the user to impersonate (the path's), the rest the
		 * request's body; callback_url "" for the first registered.
		 * response_type: 1 code, 2 token.
		 */
		struct {
			struct proto_str	 bearer;
			struct proto_str	 user_id;
			struct proto_str	 impersonator_id;
			struct proto_str	 client_id;
			struct proto_str	 callback_url;
			uint32_t		 response_type;
			struct proto_str	 scope;
			struct proto_str	 nonce;		/* may be empty */
			struct proto_str	 reason;	/* may be empty */
			struct proto_str	 ip;		/* for the audit log */
			struct proto_str	 user_agent;
		} link_req;
		/*
		 * The decision on a link (or a followed one): rule "" when
		 * allowed; otherwise the rule that refused, the HTTP status
		 * of the refusal and its words for the client.
		 */
		struct {
			struct proto_str	 rule;
			uint32_t		 refusal;
			struct proto_str	 message;
			struct proto_str	 ticket;
			struct proto_str	 grant;
			struct proto_str	 callback_url;
			/* impersonation.denied, for the webhooks sent it
			 * ("" when none is): the body and its grant */
			struct proto_str	 webhook;
			struct proto_str	 webhook_grant;
			/* allowed once an approver says yes: no ticket, and
			 * grant is the approval's, under this id */
			struct proto_str	 approval_id;
		} link_rep;
		/*
		 * An approval presented (PROTO_APPROVAL_*): its id and grant,
		 * and who presents it: a bearer token, or a console session's
		 * cookie and grant (the rest ""); a decision says approve
		 * (1 yes, 0 no) and, by a bearer, which approver speaks.
		 */
		struct {
			struct proto_str	 approval_id;
			struct proto_str	 grant;
			struct proto_str	 bearer;
			struct proto_str	 session;
			struct proto_str	 console_grant;
			uint32_t		 approve;
			struct proto_str	 approver_id;
			struct proto_str	 ip;
			struct proto_str	 user_agent;
		} approval_req;
		/*
		 * A decision taken (rule "") or refused (the rule, the HTTP
		 * status and words): approved, the grant that lets the link
		 * be asked for, under the same id; rejected, "".
		 */
		struct {
			struct proto_str	 rule;
			uint32_t		 refusal;
			struct proto_str	 message;
			struct proto_str	 grant;
		} approval_rep;
		/*
		 * A link followed: its ticket, its grant, the path's user,
		 * and the console session cookie of the browser that
		 * follows it ("" when it has none).
		 */
		struct {
			struct proto_str	 ticket;
			struct proto_str	 grant;
			struct proto_str	 impersonator_id;
			struct proto_str	 session;
			struct proto_str	 ip;
			struct proto_str	 user_agent;
		} follow_req;
		/*
		 * The application's own request at /authorize, for a login
		 * that a followed link began: the login cookie's value and
		 * the grant kept under it, then the request (response_type
		 * 1 code, 2 tokens; code_challenge S256, may be empty).
		 */
		struct {
			struct proto_str	 login;
			struct proto_str	 grant;
			struct proto_str	 client_id;
			struct proto_str	 redirect_uri;
			uint32_t		 response_type;
			struct proto_str	 scope;
			struct proto_str	 nonce;
			struct proto_str	 code_challenge;
			struct proto_str	 ip;
			struct proto_str	 user_agent;
		} authorize_req;
		/*
		 * A followed link or an application's request answered: a
		 * code and its grant (code flow), the tokens (implicit), or,
		 * for an application that starts its own login, a login
		 * cookie's value and its grant, with the user to hint.
		 */
		struct {
			struct proto_str	 rule;
			uint32_t		 refusal;
			struct proto_str	 message;
			struct proto_str	 code;
			struct proto_str	 login;
			struct proto_str	 login_hint;
			struct proto_str	 grant;
			struct proto_str	 id_token;
			struct proto_str	 access_token;
			struct proto_str	 access_jti;
			uint32_t		 expires_in;
			/*
			 * The impersonation session a followed link began
			 * (PROTO_FOLLOW: its grant and what the front end
			 * lists; PROTO_AUTHORIZE: its sid alone).
			 */
			struct proto_str	 sid;
			struct proto_str	 session;
			struct proto_str	 user_id;
			struct proto_str	 impersonator_id;
			struct proto_str	 reason;
			uint32_t		 session_exp;	/* unix seconds */
			/* impersonation.started, as link_rep's */
			struct proto_str	 webhook;
			struct proto_str	 webhook_grant;
		} follow_rep;
		/*
		 * A code exchanged, or (PROTO_CODE_REPLAYED) presented again
		 * by its client after it was: revoked says whether the front
		 * end revoked the access token it gave (the revocation list
		 * is the front end's; it may be full).
		 */
		struct {
			struct proto_str	 client_id;
			struct proto_str	 secret;
			struct proto_str	 code;
			struct proto_str	 grant;
			struct proto_str	 redirect_uri;	/* exchange */
			struct proto_str	 code_verifier;	/* exchange */
			uint32_t		 revoked;	/* replay */
			struct proto_str	 ip;
			struct proto_str	 user_agent;
		} code_req;
		struct {
			struct proto_str	 id_token;
			struct proto_str	 access_token;
			struct proto_str	 access_jti;
			uint32_t		 expires_in;
			struct proto_str	 sid;
		} login_rep;
		/*
		 * An impersonation session ended (enum proto_end): for
		 * PROTO_END_API the bearer token, for PROTO_END_CONSOLE the
		 * console session's cookie and grant; the rest "".
		 */
		struct {
			struct proto_str	 sid;
			struct proto_str	 grant;
			uint32_t		 cause;
			struct proto_str	 bearer;
			struct proto_str	 session;
			struct proto_str	 console_grant;
			struct proto_str	 ip;
			struct proto_str	 user_agent;
		} end_req;
		/* The Back-Channel Logout token, "" when the application
		 * registered no backchannel_logout_uri. */
		struct {
			struct proto_str	 logout_token;
			/* impersonation.ended, as link_rep's */
			struct proto_str	 webhook;
			struct proto_str	 webhook_grant;
		} end_rep;
		/* A webhook's event to sign, for the webhook at url. */
		struct {
			struct proto_str	 url;
			struct proto_str	 body;
			struct proto_str	 grant;
		} webhook_req;
		/* Its Standard Webhooks headers' values. */
		struct {
			struct proto_str	 id;
			uint32_t		 timestamp;
			struct proto_str	 signature;
		} webhook_rep;
		/*
		 * A console sign-in: the state the provider sent back with
		 * the code, the sign-in grant kept under it, and the
		 * provider's id_token the front end got for the code.
		 */
		struct {
			struct proto_str	 state;
			struct proto_str	 grant;
			struct proto_str	 id_token;
			struct proto_str	 ip;
			struct proto_str	 user_agent;
		} signin_req;
		/* A sign-in begun: what goes to the provider, and the grant. */
		struct {
			struct proto_str	 state;
			struct proto_str	 nonce;
			struct proto_str	 code_challenge;
			struct proto_str	 grant;
		} begin_rep;
		/* The sign-in's state and grant, before the code exchange. */
		struct {
			struct proto_str	 state;
			struct proto_str	 grant;
		} idp_auth_req;
		/*
		 * The code exchange's PKCE verifier and the client's
		 * authentication: a private_key_jwt assertion, or a Basic
		 * Authorization header value; the other is "".
		 */
		struct {
			struct proto_str	 code_verifier;
			struct proto_str	 assertion;
			struct proto_str	 authorization;
		} idp_auth_rep;
		/*
		 * A console session's request: its cookie's value and grant,
		 * then, for a link (reply link_rep), the user to impersonate,
		 * the application and the reason; for a sign-out, nothing.
		 */
		struct {
			struct proto_str	 session;
			struct proto_str	 grant;
			struct proto_str	 user_id;
			struct proto_str	 client_id;
			struct proto_str	 reason;
			struct proto_str	 ip;
			struct proto_str	 user_agent;
		} console_req;
		/*
		 * The audit trail asked for from the console: filters ("" or
		 * 0 for any; since and until in unix seconds) and at most
		 * limit records.
		 */
		struct {
			struct proto_str	 session;
			struct proto_str	 grant;
			struct proto_str	 impersonator_id;
			struct proto_str	 user_id;
			uint32_t		 since;
			uint32_t		 until;
			uint32_t		 limit;
		} audit_req;
		struct {
			struct proto_str	 records;
		} audit_rep;
		/*
		 * Who signed in (rule "" when allowed; else the rule that
		 * refused, its status and words), and the console session:
		 * its cookie's value and the grant kept under it.
		 */
		struct {
			struct proto_str	 rule;
			uint32_t		 refusal;
			struct proto_str	 message;
			struct proto_str	 user_id;
			struct proto_str	 email;
			struct proto_str	 session;
			struct proto_str	 grant;
		} signin_rep;
	} u;
};

/*
 * How long the frame at the start of buf is: 0 when fewer than 4 bytes are
 * there, -1 when its length is out of bounds (a protocol violation), or the
 * length, which may be more than avail.
 */
long		 proto_frame_len(const uint8_t *buf, size_t avail);

/*
 * Decode the one frame of exactly len bytes in buf.  Returns 0, or -1 and
 * sets *why to a static description of the violation.  String views in m
 * point into buf.
 */
int		 proto_decode(const uint8_t *buf, size_t len, enum proto_dir,
		    struct proto_msg *m, const char **why);

/*
 * Encode m into out (outlen bytes).  Returns the frame length, or -1 when a
 * field is over its maximum or the frame does not fit.
 */
long		 proto_encode(const struct proto_msg *m, enum proto_dir,
		    uint8_t *out, size_t outlen);

/* A string field from a C string; the length is checked by proto_encode. */
struct proto_str proto_str(const char *);

/* Copy a string field into dst as a C string; -1 when it does not fit. */
int		 proto_strcpy(char *dst, size_t dstlen, struct proto_str);

/* How many descriptors a request of this type carries (SCM_RIGHTS). */
unsigned int	 proto_type_fds(unsigned int type);

const char	*proto_type_name(unsigned int type);
/* A session's end_cause as the audit log and the API say it, or NULL. */
const char	*proto_end_name(unsigned int cause);
const char	*proto_status_name(unsigned int status);

#endif
