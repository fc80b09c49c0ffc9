/* The signer's answers of the impersonation flow, on grants it sealed. */
#ifndef GUISE_IMPERSONATION_H
#define GUISE_IMPERSONATION_H

#include "answers.h"
#include "config.h"
#include "grant.h"

/* Before the sandbox: what the answers go by, and the keys that verify
 * callers' tokens.  -1 with a message on error. */
int		 impersonation_init(const struct config *);

answer_fn	 answer_link;
answer_fn	 answer_follow;
answer_fn	 answer_code_tokens;
answer_fn	 answer_code_replayed;
answer_fn	 answer_authorize;

/*
 * The decision on a link of g for app, recorded, into rep (link_rep):
 * answer_link's, the console's (console_answers.c), and an approved
 * approval's (approval.c), whose grant approved the record redeems (NULL
 * for none).
 */
uint32_t	 link_decide(const struct grant *g, const struct client_config *app,
		    const struct grant *approved, const char *ip,
		    const char *agent, struct proto_msg *rep);

/* Was g asked for at the console (in a console session)? */
int		 from_console(const struct grant *g);

/*
 * Has the console session that asked for g signed out?  Then what it
 * asked for goes no further: its link, the login or code made of it, and
 * the impersonation session it began.
 */
int		 signed_out(const struct grant *g, long long now);

#endif
