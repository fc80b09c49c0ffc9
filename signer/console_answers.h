/* The signer's answers for the support console (DESIGN.md section 7). */
#ifndef GUISE_CONSOLE_ANSWERS_H
#define GUISE_CONSOLE_ANSWERS_H

#include "answers.h"
#include "config.h"

void		 console_answers_init(const struct config *);

answer_fn	 answer_console_begin;
answer_fn	 answer_console_idp_auth;
answer_fn	 answer_console_signin;
answer_fn	 answer_console_link;
answer_fn	 answer_console_audit;
answer_fn	 answer_console_signout;

struct grant;

/*
 * The console session a request presents: its grant (into *g), under its
 * cookie, alive and not signed out, and a person the roster still has, not
 * blocked, and still allowed at the console (as at sign-in): 0, or -1.
 */
int		 console_session(struct proto_str cookie, struct proto_str grant,
		    struct grant *g, long long now);

#endif
