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

#define PROTO_VERSION		1
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
#define PROTO_EMAIL_MAX		320
#define PROTO_NONCE_MAX		512
#define PROTO_PROFILE_MAX	16384	/* the profile claims, JSON */
#define PROTO_JTI_MAX		64
#define PROTO_CODE_MAX		64	/* an authorization code */
#define PROTO_EVENT_MAX		64	/* audit: event, outcome, rule names */
#define PROTO_REASON_MAX	1024
#define PROTO_IP_MAX		64
#define PROTO_AGENT_MAX		512
#define PROTO_HASH_MAX		64	/* hex SHA-256 */
#define PROTO_DETAIL_MAX	512

enum proto_type {
	PROTO_HELLO = 1,	/* -> the public JWKS */
	PROTO_CLIENT_TOKEN,	/* client credentials -> an access token */
	PROTO_TEST_SYSCALL,	/* served only by the test build's signer */
	PROTO_CODE_TOKENS,	/* code exchange -> id_token + access token */
	PROTO_IMPLICIT_TOKENS,	/* link redemption -> the same, no secret */
	PROTO_CLIENT_AUTH,	/* client credentials -> yes or no */
	PROTO_AUDIT,		/* a front end's event -> on disk */
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

enum proto_status {
	PROTO_OK = 0,
	PROTO_ERR_CLIENT,	/* unknown client or wrong secret, alike */
	PROTO_ERR_GRANT,	/* the client may not use this grant */
	PROTO_ERR_SCOPE,	/* scope empty or beyond the client's */
	PROTO_ERR_AUDIENCE,	/* not an audience this issuer serves */
	PROTO_ERR_INTERNAL,	/* the signer failed; nothing was issued */
	PROTO_ERR_REQUEST,	/* a field the signer will not sign */
	PROTO_ERR_AUDIT,	/* the audit log cannot be written: nothing done */
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
		 * An event the front end decided or saw, for the audit log:
		 * the signer accepts only the events that are the front
		 * end's (never token.issued), marks the record as the front
		 * end's word, and answers once it is on disk.  count: how
		 * many times it was seen, for refusals counted in aggregate
		 * (0: once).
		 */
		struct {
			struct proto_str	 event;
			struct proto_str	 outcome;
			struct proto_str	 rule;
			struct proto_str	 impersonator_id;
			struct proto_str	 user_id;
			struct proto_str	 client_id;
			struct proto_str	 caller;
			struct proto_str	 reason;
			struct proto_str	 ip;
			struct proto_str	 user_agent;
			struct proto_str	 link_hash;
			struct proto_str	 code_hash;
			struct proto_str	 revoked;	/* a jti */
			struct proto_str	 detail;
			uint32_t		 count;
		} audit_req;
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
		 * An impersonated login.  The signer sets iss, aud, iat, exp,
		 * jti, at_hash and the impersonation claims itself; profile is
		 * a JSON object of the other claims, which may not name those.
		 */
		struct {
			struct proto_str	 client_id;
			struct proto_str	 secret;	/* code only */
			struct proto_str	 code;		/* code only */
			struct proto_str	 user_id;
			struct proto_str	 impersonator_id;
			struct proto_str	 impersonator_email;
			struct proto_str	 scope;
			struct proto_str	 nonce;		/* may be empty */
			struct proto_str	 profile;
			uint32_t		 auth_time;
			struct proto_str	 ip;		/* for the audit log */
			struct proto_str	 user_agent;
		} login_req;
		struct {
			struct proto_str	 id_token;
			struct proto_str	 access_token;
			struct proto_str	 access_jti;
			uint32_t		 expires_in;
		} login_rep;
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
const char	*proto_status_name(unsigned int status);

#endif
