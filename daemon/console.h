/*
 * The support console's front end (DESIGN.md section 7): its static pages
 * (console_pages.c), its sign-in with the organization's provider
 * (console_signin.c), and its JSON API (console_api.c), under /console/.
 * The front end keeps the console sessions (store.h) but decides nothing
 * about who may do what: every request that matters goes to the signer
 * with the session's cookie and the console grant the signer sealed.
 */
#ifndef GUISE_CONSOLE_H
#define GUISE_CONSOLE_H

#include "config.h"
#include "proto.h"
#include "store.h"

struct event_base;
struct evhttp_request;

#define CONSOLE_COOKIE		"__Host-guise-console"	/* SameSite=Strict */
#define CONSOLE_SIGNIN_COOKIE	"__Host-guise-signin"	/* SameSite=Lax */
#define CONSOLE_SIGNIN_TTL	600	/* the signer's sign-in lives as long;
					 * its cookie holds the sign-in grant */
#define CONSOLE_BODY_MAX	4096	/* a console POST's form */

/*
 * Before the front end confines itself, after outbound_init: its pages
 * read, and the outbound client made (the CA file read).  -1 with a
 * message when the console is configured and cannot be served.
 */
int	console_init(const struct config *);

/* console_pages.c: the pages read, and a GET of one by its name under
 * /console/ ("" for index.html). */
int	console_pages_load(const struct config *);
void	console_page(struct evhttp_request *, const char *name);

/* console_signin.c */
void	console_login(struct evhttp_request *);
void	console_callback(struct evhttp_request *);
void	console_logout(struct evhttp_request *);
/* The outbound client of console_init (outbound.h). */
int	console_signin_init(const struct config *);

/* console_api.c: /console/api/{name}. */
void	console_api(struct evhttp_request *, const char *name);

/* console_sessions.c: the active impersonations, and ending one. */
void	console_impersonations(struct evhttp_request *);
void	console_end(struct evhttp_request *, const struct console_session *,
	    const char *cookie);

/*
 * console_approvals.c: the 202 of a link that waits for an approver (rep,
 * the signer's link_rep with an approval_id, for base), kept with the
 * cookie of the console session that asked; the approvals the console
 * shows; deciding one, and opening an approved one.
 */
struct impersonation;
void	console_approval_asked(struct evhttp_request *,
	    const struct proto_msg *rep, const struct impersonation *base,
	    const char *impersonator_id, const char *user_id,
	    const char *reason, const char *cookie);
void	console_approvals(struct evhttp_request *, const char *cookie);
void	console_approval_decide(struct evhttp_request *,
	    const struct console_session *, const char *cookie);
void	console_approval_open(struct evhttp_request *,
	    const struct console_session *, const char *cookie);

/*
 * The console session of req's cookie (its value into cookie), now used;
 * NULL, with the request answered 401, when there is none.
 */
const struct console_session *console_session(struct evhttp_request *,
	    char cookie[PROTO_LOGIN_MAX + 1]);

/*
 * A POST of the console session s: its Origin must be the issuer's and
 * its form's csrf the session's.  0 with the form read into f (over buf,
 * which the caller frees), or -1 with the request answered 403 or 400.
 */
struct form;
int	console_post(struct evhttp_request *, const struct console_session *s,
	    struct form *f, char **buf);

/* A page of words: the sign-in's answers when it cannot go on. */
void	console_words(struct evhttp_request *, int code, const char *title,
	    const char *text);

#endif
