/*
 * Four-eyes approvals as the front end keeps them (DESIGN.md section 8):
 * the signer's grant of each, what it was asked for (so that its link can
 * be made once approved), and its status, which the API and the console
 * show.  The front end decides nothing: every decision, every link and
 * every expiry is the signer's, on the grant (signer/approval.c), and the
 * status here only says what the signer answered.  Bounded: with
 * APPROVALS_MAX approvals kept, asking for another is answered 503.
 */
#ifndef GUISE_APPROVALS_H
#define GUISE_APPROVALS_H

#include <sys/queue.h>

#include <stdint.h>
#include <time.h>

#include <jansson.h>

#include "proto.h"
#include "store.h"
#include "table.h"

#define APPROVALS_MAX		4096
#define APPROVALS_LISTED_AFTER	3600	/* seconds past its expiry */

enum approval_status {
	APPROVAL_PENDING,
	APPROVAL_APPROVED,
	APPROVAL_REJECTED,
	APPROVAL_EXPIRED
};

struct approval {
	char			 id[PROTO_APPROVAL_ID_MAX + 1];
	char			*grant;		/* pending, then approved */
	enum approval_status	 status;
	int			 link_given;	/* approved, and used */
	int			 busy;		/* the signer is asked */
	int			 expiry_recorded;
	/* what the link will be made of: client_id, state, response_type */
	struct impersonation	*request;
	char			*impersonator_id;
	char			*user_id;
	char			*reason;	/* "" when none */
	char			*caller;	/* the client that asked, or
						 * "console" */
	char			*approver_id;	/* NULL until decided */
	/* table_key of the console cookie that asked: only that console
	 * session gets the link */
	unsigned char		 console[TABLE_KEY_LEN];
	int			 from_console;
	time_t			 requested_at, expires_at;
	TAILQ_ENTRY(approval)	 entry;		/* oldest first */
};

struct evhttp_request;

/* Who presents an approval to the signer: the rest "" or NULL. */
struct approval_authority {
	const char	*bearer;
	const char	*console_cookie;
	const char	*console_grant;
};

int	approvals_init(void);

/*
 * The signer's answer to a link request (link_rep with an approval_id):
 * kept, with the request it answers (its grant and callback not used),
 * who asked and why, and the console cookie that asked (NULL: the API).
 * The approval, or NULL when the reply is malformed or there is no room.
 */
struct approval *approvals_add(const struct proto_msg *rep,
	    const struct impersonation *request, const char *impersonator_id,
	    const char *user_id, const char *reason, const char *caller,
	    const char *console_cookie);

/* The approval of id, or NULL. */
struct approval *approvals_find(const char *id);

/* The approval as the API shows it, with link when not NULL. */
json_t	*approvals_json(const struct approval *, const char *link);

/* The pending approvals, oldest first, as a JSON array; NULL: memory. */
json_t	*approvals_pending(void);

/* The oldest approval kept, or NULL; the next is TAILQ_NEXT(a, entry). */
struct approval *approvals_oldest(void);

/* Was a asked for from the console session of console_cookie? */
int	approval_asked_from(const struct approval *a,
	    const char *console_cookie);

/*
 * Ask the signer to decide a (approve 1 or 0; approver_id for a bearer).
 * done gets the signer's reply (NULL: it could not be asked), after a's
 * status is set from it, and a again (NULL when it is gone).  -1 when a
 * is busy with the signer already (done is not called).
 */
int	approval_decide(struct approval *a, int approve,
	    const char *approver_id, const struct approval_authority *,
	    struct evhttp_request *origin,
	    void (*done)(const struct proto_msg *, struct approval *, void *),
	    void *arg);

/*
 * Ask the signer for a's link, for who asked for it; done as above.  A
 * reply of PROTO_OK without a rule holds the link's ticket and grant:
 * link_keep (http.h) makes the link of a->request.
 */
int	approval_link(struct approval *a, const struct approval_authority *,
	    struct evhttp_request *origin,
	    void (*done)(const struct proto_msg *, struct approval *, void *),
	    void *arg);

/*
 * The words and the rule of a refusal the signer decided and recorded (a
 * reply of PROTO_OK with a rule, to PROTO_APPROVAL_DECIDE or
 * PROTO_APPROVAL_LINK), each "refused" when the reply has none.
 */
void	approval_refusal(const struct proto_msg *rep,
	    char why[PROTO_MESSAGE_MAX + 1], char rule[PROTO_EVENT_MAX + 1]);

/*
 * Every second: the approvals past their expiry, never decided or never
 * used, are expired, and the signer is asked to record it; those listed
 * no longer are forgotten.
 */
void	approvals_tick(time_t now);

#endif
