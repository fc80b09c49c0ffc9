/*
 * What the files of frontend_peer share: frontend_peer.c (main, the
 * attacks on links and codes), frontend_login.c (the attacks on the
 * logins an application starts), frontend_console.c (the console's),
 * frontend_session.c (ending impersonation sessions),
 * frontend_webhook.c (signing webhook events) and
 * frontend_plumbing.c (the peer's end of
 * the signer, and the state below).  check.h and peer.h keep their state
 * static for a program of one file; CHECK_SHARED and PEER_SHARED make them
 * share one copy here, so that the TAP lines are numbered in one sequence
 * and every file reads the secrets and paths load_config() read.
 */
#ifndef GUISE_FRONTEND_PEER_H
#define GUISE_FRONTEND_PEER_H

#define CHECK_SHARED
#define PEER_SHARED

#include <jansson.h>

#include "../unit/check.h"
#include "peer.h"

#define SUPPORT		"auth0|support-1"
#define CUSTOMER	"auth0|customer-1"
#define ADMIN		"auth0|admin-1"
#define BLOCKED		"auth0|blocked-1"
#define CALLBACK	"http://127.0.0.1:3000/callback"
#define OTHER_CALLBACK	"http://127.0.0.1:3001/callback"
#define LINK_TTL	3

/* Held by frontend_plumbing.c. */
extern const char	*signer_prog;
extern char		 dir[512];
extern char		 signer_log[600];
extern char		 other_secret[64];
extern char		 portal_secret[PROTO_SECRET_MAX + 1];
extern struct signer	 s;
extern uint32_t		 next_id;
extern char		 bearer[PROTO_TOKEN_MAX + 1];
extern int		 legit_tokens;	/* token.issued the audit log may hold */

/* A link, a code: what a grant travels under, and the grant. */
struct sealed {
	char	 secret[PROTO_TICKET_MAX + 1];
	char	 grant[PROTO_GRANT_MAX + 1];
};

/* frontend_plumbing.c */
int		 copy_field(char *, size_t, struct proto_str);
int		 prepare(void);
int		 set_ttls(int, int);
int		 start(void);
int		 client_token(const char *, char *, size_t);
int		 ask_link(const char *, const char *, const char *, const char *,
		    uint32_t, struct sealed *, char *, size_t, uint32_t *);
uint32_t	 follow(const char *, const char *, const char *,
		    struct sealed *, int *, char *, size_t);
uint32_t	 exchange_pkce(uint16_t, const char *, const char *,
		    const char *, const char *, const char *, const char *,
		    int *, char *, size_t);
uint32_t	 exchange(uint16_t, const char *, const char *, const char *,
		    const char *, const char *, int *, char *, size_t);
json_t		*claims_of(const char *);
int		 legit_flow(const char *);
void		 altered(const char *, size_t, char *, size_t);
int		 forge_token(const char *, long long, char *, size_t);
int		 log_lines(const char *);
int		 crash_and_restart(int);
int		 audit_clean(void);

/* frontend_login.c */
void		 test_logins(void);

/* frontend_console.c */
void		 test_console(void);

/* frontend_session.c */
void		 test_sessions(void);
uint32_t	 end_session(const char *, const char *, uint32_t,
		    const char *, const char *, const char *);
int		 session_records(const char *, const char *, json_t **);
int		 member_is(json_t *, const char *, const char *);

/* frontend_webhook.c */
void		 test_webhooks(void);

#endif
