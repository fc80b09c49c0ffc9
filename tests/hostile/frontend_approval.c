/*
 * Four-eyes approval (PROTO_APPROVAL_DECIDE, _LINK, _EXPIRE; DESIGN.md
 * section 8), attacked as a broken-into front end would: it holds the
 * approvals the signer answered for a user who needs one (their ids and
 * grants), bearer tokens of two API clients, and tries to get a link for
 * that user without an approver's yes: the approval's grant followed as a
 * link's, linked while still pending, altered, under another approval's
 * id; a link grant of a user who needs none presented as an approval; the
 * requester approving their own request, the asking client approving,
 * someone who may not approve, the user approving their own
 * impersonation, a token without approve:impersonations; a decision and a
 * link twice (also across a restart), the link asked for by another
 * client; an expiry recorded before its time; a link granted before its
 * user came to need an approval.  Each is refused by the
 * signer; the refusals of a decision are on the record, and the rest leave
 * nothing.  Then the legitimate way works: another client names an
 * approver, the requester's client gets one link, which is followed and
 * exchanged for tokens.
 *
 *	frontend_approval SIGNER CONFIG_DIR
 *
 * CONFIG_DIR is a configuration of tests/lib/mkconfig.sh of its own, which
 * this program changes first (approval_prepare): an approval policy, a
 * user who needs an approval, approvers (one blocked), a second API
 * client.  The other hostile cases keep their configuration as it was.
 * TAP on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frontend_peer.h"

#define VIP		"auth0|vip-1"		/* needs an approval */
#define LEAD		"auth0|lead-1"		/* may approve */
#define LEAD_BLOCKED	"auth0|lead-2"		/* would, but is blocked */
#define APPROVER_APP	"approver"		/* the second API client */
#define DECIDED		"impersonation.approval_decided"
#define EXPIRED		"impersonation.approval_expired"
#define REQUESTED	"impersonation.requested"

static char	 approver_secret[PROTO_SECRET_MAX + 1] =
		    "approver-app-secret-0123456789abcdef";
static char	 approver_tok[PROTO_TOKEN_MAX + 1];	/* approve: */
static char	 own_approve_tok[PROTO_TOKEN_MAX + 1];	/* backoffice's */
static char	 approver_link_tok[PROTO_TOKEN_MAX + 1];	/* impersonate: */

/* An approval as PROTO_LINK answered it: its id and grant. */
struct approval {
	char	 id[PROTO_APPROVAL_ID_MAX + 1];
	char	 grant[PROTO_GRANT_MAX + 1];
};

/* What a decision answered: the rule of a refusal, or the approved grant. */
struct decision {
	char		 rule[64];
	uint32_t	 refusal;
	char		 grant[PROTO_GRANT_MAX + 1];
};

/*
 * The approval policy, the users it names and the second API client; the
 * requester (SUPPORT) and the target (VIP) are approvers too, so that
 * only approver_is_requester and approver_is_target stop them.
 */
static int
approval_prepare(int ttl)
{
	char		 path[1100];
	json_t		*conf, *secrets, *users, *imp, *c;
	size_t		 i;
	int		 rc = -1;

	snprintf(path, sizeof(path), "%s/guise.json", dir);
	if ((conf = json_load_file(path, 0, NULL)) == NULL)
		return -1;
	imp = json_object_get(conf, "impersonation");
	json_array_foreach(json_object_get(conf, "clients"), i, c)
		if (strcmp(json_string_value(json_object_get(c,
		    "client_id")), "backoffice") == 0)
			json_array_append_new(json_object_get(c, "scopes"),
			    json_string("approve:impersonations"));
	if (json_array_append_new(json_object_get(conf, "clients"),
	    json_pack("{s:s, s:s, s:s, s:[s], s:[s,s]}", "client_id",
	    APPROVER_APP, "name", "approvals", "app_type", "non_interactive",
	    "grant_types", "client_credentials", "scopes",
	    "approve:impersonations", "impersonate:users")) == 0 &&
	    json_object_set_new(imp, "approval", json_pack("{s:{s:[s], "
	    "s:[]}, s:{s:[s], s:[s,s]}, s:i}", "required", "roles", "vip",
	    "users", "approvers", "roles", "support-lead", "users", SUPPORT,
	    VIP, "ttl", ttl)) == 0 &&
	    json_dump_file(conf, path, JSON_INDENT(2)) == 0)
		rc = 0;
	json_decref(conf);
	if (rc == -1)
		return -1;

	snprintf(path, sizeof(path), "%s/secrets.json", dir);
	if ((secrets = json_load_file(path, 0, NULL)) == NULL ||
	    json_object_set_new(secrets, APPROVER_APP,
	    json_string(approver_secret)) == -1 ||
	    json_dump_file(secrets, path, 0) == -1)
		rc = -1;
	json_decref(secrets);

	snprintf(path, sizeof(path), "%s/users.json", dir);
	if ((users = json_load_file(path, 0, NULL)) == NULL ||
	    json_array_append_new(users, json_pack("{s:s, s:s, s:b, s:s, "
	    "s:{s:[s]}}", "user_id", VIP, "email", "vera@example.com",
	    "email_verified", 1, "name", "Vera Vip", "app_metadata", "roles",
	    "vip")) == -1 ||
	    json_array_append_new(users, json_pack("{s:s, s:s, s:b, s:s, "
	    "s:{s:[s]}}", "user_id", LEAD, "email", "lee@example.com",
	    "email_verified", 1, "name", "Lee Lead", "app_metadata", "roles",
	    "support-lead")) == -1 ||
	    json_array_append_new(users, json_pack("{s:s, s:s, s:b, s:s, "
	    "s:b, s:{s:[s]}}", "user_id", LEAD_BLOCKED, "email",
	    "len@example.com", "email_verified", 1, "name", "Len Lead",
	    "blocked", 1, "app_metadata", "roles", "support-lead")) == -1 ||
	    json_dump_file(users, path, 0) == -1)
		rc = -1;
	json_decref(users);
	return rc;
}

/* Set impersonation.approval.ttl, for the next signer to read. */
static int
set_approval_ttl(int ttl)
{
	char	 path[1100];
	json_t	*conf, *a;
	int	 rc = -1;

	snprintf(path, sizeof(path), "%s/guise.json", dir);
	if ((conf = json_load_file(path, 0, NULL)) == NULL)
		return -1;
	a = json_object_get(json_object_get(conf, "impersonation"),
	    "approval");
	if (json_object_set_new(a, "ttl", json_integer(ttl)) == 0 &&
	    json_dump_file(conf, path, JSON_INDENT(2)) == 0)
		rc = 0;
	json_decref(conf);
	return rc;
}

/* A client_credentials token of client with this scope, into out. */
static int
token_of(const char *client, const char *secret, const char *scope,
    char *out, size_t outlen)
{
	struct proto_msg	 req, rep;

	token_msg(&req, next_id++, client, secret, audience, scope,
	    "127.0.0.1", "peer");
	if (request(&s, &req, &rep) == -1 || rep.status != PROTO_OK)
		return -1;
	return copy_field(out, outlen, rep.u.token_rep.token);
}

/*
 * PROTO_LINK by SUPPORT for user with token: the status; the approval
 * asked for in *a, or the link granted in *link, or the refusal's rule
 * (each "" when the reply has none).
 */
static uint32_t
ask(const char *token, const char *user, struct approval *a,
    struct sealed *link, char *rule, size_t rulelen)
{
	struct proto_msg	 req, rep;

	memset(a, 0, sizeof(*a));
	memset(link, 0, sizeof(*link));
	rule[0] = '\0';
	memset(&req, 0, sizeof(req));
	req.type = PROTO_LINK;
	req.id = next_id++;
	req.u.link_req.bearer = proto_str(token);
	req.u.link_req.user_id = proto_str(user);
	req.u.link_req.impersonator_id = proto_str(SUPPORT);
	req.u.link_req.client_id = proto_str("storefront");
	req.u.link_req.callback_url = proto_str(CALLBACK);
	req.u.link_req.response_type = 1;
	req.u.link_req.scope = proto_str("openid profile email");
	req.u.link_req.nonce = proto_str("n-0S6_WzA2Mj");
	req.u.link_req.reason = proto_str("ticket 4711");
	req.u.link_req.ip = proto_str("127.0.0.1");
	req.u.link_req.user_agent = proto_str("peer");
	if (request(&s, &req, &rep) == -1)
		return (uint32_t)-1;
	if (rep.status != PROTO_OK)
		return rep.status;
	if (copy_field(rule, rulelen, rep.u.link_rep.rule) == -1 ||
	    copy_field(a->id, sizeof(a->id), rep.u.link_rep.approval_id) ==
	    -1 || copy_field(link->secret, sizeof(link->secret),
	    rep.u.link_rep.ticket) == -1)
		return (uint32_t)-1;
	/* One grant: the approval's when there is an id, else the link's. */
	if (copy_field(a->id[0] != '\0' ? a->grant : link->grant,
	    sizeof(a->grant), rep.u.link_rep.grant) == -1)
		return (uint32_t)-1;
	return PROTO_OK;
}

/* A pending approval for VIP, asked for by backoffice; 0, or -1. */
static int
pending(struct approval *a)
{
	struct sealed	 link;
	char		 rule[64];

	return ask(bearer, VIP, a, &link, rule, sizeof(rule)) == PROTO_OK &&
	    a->id[0] != '\0' && a->grant[0] != '\0' &&
	    link.secret[0] == '\0' && rule[0] == '\0' ? 0 : -1;
}

static void
approval_msg(struct proto_msg *m, uint16_t type, const char *id,
    const char *grant, const char *token)
{
	memset(m, 0, sizeof(*m));
	m->type = type;
	m->id = next_id++;
	m->u.approval_req.approval_id = proto_str(id);
	m->u.approval_req.grant = proto_str(grant);
	m->u.approval_req.bearer = proto_str(token);
	m->u.approval_req.session = proto_str("");
	m->u.approval_req.console_grant = proto_str("");
	m->u.approval_req.approver_id = proto_str("");
	m->u.approval_req.ip = proto_str("127.0.0.1");
	m->u.approval_req.user_agent = proto_str("peer");
}

/*
 * PROTO_APPROVAL_DECIDE of id with grant, by token naming approver: the
 * status, and the reply in *d.
 */
static uint32_t
decide(const char *id, const char *grant, const char *token,
    const char *approver, int approve, struct decision *d)
{
	struct proto_msg	 req, rep;

	memset(d, 0, sizeof(*d));
	approval_msg(&req, PROTO_APPROVAL_DECIDE, id, grant, token);
	req.u.approval_req.approver_id = proto_str(approver);
	req.u.approval_req.approve = approve;
	if (request(&s, &req, &rep) == -1)
		return (uint32_t)-1;
	if (rep.status != PROTO_OK)
		return rep.status;
	d->refusal = rep.u.approval_rep.refusal;
	if (copy_field(d->rule, sizeof(d->rule), rep.u.approval_rep.rule) ==
	    -1 || copy_field(d->grant, sizeof(d->grant),
	    rep.u.approval_rep.grant) == -1)
		return (uint32_t)-1;
	return PROTO_OK;
}

/*
 * PROTO_APPROVAL_LINK of id with grant, by token: the status, the link in
 * *link ("" when none) and a refusal's rule.
 */
static uint32_t
link_of(const char *id, const char *grant, const char *token,
    struct sealed *link, char *rule, size_t rulelen)
{
	struct proto_msg	 req, rep;

	memset(link, 0, sizeof(*link));
	rule[0] = '\0';
	approval_msg(&req, PROTO_APPROVAL_LINK, id, grant, token);
	if (request(&s, &req, &rep) == -1)
		return (uint32_t)-1;
	if (rep.status != PROTO_OK)
		return rep.status;
	if (copy_field(rule, rulelen, rep.u.link_rep.rule) == -1 ||
	    copy_field(link->secret, sizeof(link->secret),
	    rep.u.link_rep.ticket) == -1 || copy_field(link->grant,
	    sizeof(link->grant), rep.u.link_rep.grant) == -1)
		return (uint32_t)-1;
	return PROTO_OK;
}

/* PROTO_APPROVAL_EXPIRE of id with grant: the status. */
static uint32_t
expire(const char *id, const char *grant)
{
	struct proto_msg	 req, rep;

	approval_msg(&req, PROTO_APPROVAL_EXPIRE, id, grant, "");
	if (request(&s, &req, &rep) == -1)
		return (uint32_t)-1;
	return rep.status;
}

/*
 * The records of the current audit file of event, for the approval id
 * (any for NULL), with outcome and rule (any for NULL); -1 when the file
 * cannot be read.
 */
static int
records(const char *event, const char *id, const char *outcome,
    const char *rule)
{
	FILE		*f;
	char		 line[16384];
	json_t		*r;
	const char	*v;
	int		 n = 0, m;

	if ((f = fopen(audit_file, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((r = json_loads(line, 0, NULL)) == NULL)
			continue;
		m = (v = json_string_value(json_object_get(r, "event"))) !=
		    NULL && strcmp(v, event) == 0;
		if (m && id != NULL)
			m = (v = json_string_value(json_object_get(r,
			    "approval_id"))) != NULL && strcmp(v, id) == 0;
		if (m && outcome != NULL)
			m = (v = json_string_value(json_object_get(r,
			    "outcome"))) != NULL && strcmp(v, outcome) == 0;
		if (m && rule != NULL)
			m = (v = json_string_value(json_object_get(r,
			    "rule"))) != NULL && strcmp(v, rule) == 0;
		n += m;
		json_decref(r);
	}
	fclose(f);
	return n;
}

/* The records of an approval's id, any event. */
static int
all_records(const char *id)
{
	return records(REQUESTED, id, NULL, NULL) +
	    records(DECIDED, id, NULL, NULL) +
	    records(EXPIRED, id, NULL, NULL);
}

/*
 * Skipping the approval: PROTO_LINK for VIP gives no ticket; the
 * approval's grant is no link grant; a pending one is not linked.
 */
static void
test_skip(void)
{
	struct approval	 a;
	struct decision	 d;
	struct sealed	 link;
	char		 rule[64];
	uint32_t	 st;
	int		 tokens;

	st = ask(bearer, VIP, &a, &link, rule, sizeof(rule));
	CHECK(st == PROTO_OK && link.secret[0] == '\0' &&
	    link.grant[0] == '\0' && a.id[0] != '\0' && a.grant[0] != '\0' &&
	    rule[0] == '\0', "PROTO_LINK for a user who needs an approval: no "
	    "ticket, no link grant, an approval id and its grant (%s)",
	    proto_status_name(st));
	CHECK(records(REQUESTED, a.id, "pending", "approval_required") == 1,
	    "recorded once as impersonation.requested, pending, under its "
	    "id");
	st = follow(a.id, a.grant, SUPPORT, NULL, &tokens, rule,
	    sizeof(rule));
	CHECK(st == PROTO_ERR_INVALID_GRANT && !tokens, "the pending "
	    "approval's grant followed as a link, under its id: nothing "
	    "(%s%s%s)", proto_status_name(st), tokens ? " tokens " : " ",
	    rule);
	st = link_of(a.id, a.grant, bearer, &link, rule, sizeof(rule));
	CHECK(st == PROTO_ERR_INVALID_GRANT && link.secret[0] == '\0',
	    "PROTO_APPROVAL_LINK of the pending (not approved) approval by "
	    "the client that asked: no link (%s)", proto_status_name(st));
	st = decide(a.id, a.grant, approver_tok, LEAD, 1, &d);
	if (st != PROTO_OK || d.grant[0] == '\0') {
		CHECK(0, "an approver's yes to try the approved grant with "
		    "(%s)", proto_status_name(st));
		return;
	}
	st = follow(a.id, d.grant, SUPPORT, NULL, &tokens, rule,
	    sizeof(rule));
	CHECK(st == PROTO_ERR_INVALID_GRANT && !tokens, "the approved "
	    "grant followed as a link, under the approval's id: nothing "
	    "(%s%s%s)", proto_status_name(st), tokens ? " tokens " : " ",
	    rule);
	CHECK(records(REQUESTED, a.id, "allowed", NULL) == 0,
	    "no link of that approval recorded");
}

/*
 * Forged: an approval grant altered, under another approval's id; a link
 * grant of a user who needs no approval presented as one.
 */
static void
test_forged(void)
{
	struct approval	 a, b, c;
	struct decision	 d;
	struct sealed	 link, customer;
	char		 rule[64], bad[PROTO_GRANT_MAX + 1];
	uint32_t	 st;
	int		 all, i, before;

	if (pending(&a) == -1 || pending(&b) == -1) {
		CHECK(0, "two pending approvals to forge with");
		return;
	}
	before = records(DECIDED, NULL, NULL, NULL);
	all = 1;
	for (i = 0; all && i < 600; i++) {
		altered(a.grant, (size_t)i, bad, sizeof(bad));
		st = decide(a.id, bad, approver_tok, LEAD, 1, &d);
		if (st != PROTO_ERR_INVALID_GRANT || d.grant[0] != '\0') {
			diag("byte %d altered: %s", i, proto_status_name(st));
			all = 0;
		}
	}
	CHECK(all, "an approval grant with any one of its bytes altered, "
	    "approved by an approver of another client: refused, every "
	    "time");
	st = decide(b.id, a.grant, approver_tok, LEAD, 1, &d);
	CHECK(st == PROTO_ERR_INVALID_GRANT && d.grant[0] == '\0',
	    "approval A's grant under approval B's id: refused (%s)",
	    proto_status_name(st));
	st = decide("", a.grant, approver_tok, LEAD, 1, &d);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "approval A's grant under no "
	    "id: refused (%s)", proto_status_name(st));
	CHECK(records(DECIDED, NULL, NULL, NULL) == before, "none of them "
	    "recorded a decision");

	/* A link of a user who needs no approval, as an approval. */
	st = ask(bearer, CUSTOMER, &c, &customer, rule, sizeof(rule));
	if (st != PROTO_OK || customer.secret[0] == '\0') {
		CHECK(0, "a link for the customer (%s)",
		    proto_status_name(st));
		return;
	}
	st = decide(customer.secret, customer.grant, approver_tok, LEAD, 1,
	    &d);
	CHECK(st == PROTO_ERR_INVALID_GRANT && d.grant[0] == '\0', "a link "
	    "grant of a user who needs no approval, decided as an approval "
	    "under its ticket: refused (%s)", proto_status_name(st));
	st = link_of(customer.secret, customer.grant, bearer, &link, rule,
	    sizeof(rule));
	CHECK(st == PROTO_ERR_INVALID_GRANT && link.secret[0] == '\0',
	    "... and linked as an approved one: refused (%s)",
	    proto_status_name(st));
	st = expire(customer.secret, customer.grant);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "... and expired as one: "
	    "refused (%s)", proto_status_name(st));

	/* A yes under the right id, its approved grant under the wrong. */
	st = decide(a.id, a.grant, approver_tok, LEAD, 1, &d);
	st = st == PROTO_OK ? link_of(b.id, d.grant, bearer, &link, rule,
	    sizeof(rule)) : st;
	CHECK(st == PROTO_ERR_INVALID_GRANT && link.secret[0] == '\0',
	    "approval A's approved grant linked under approval B's id: "
	    "refused (%s)", proto_status_name(st));
	altered(d.grant, 40, bad, sizeof(bad));
	st = link_of(a.id, bad, bearer, &link, rule, sizeof(rule));
	CHECK(st == PROTO_ERR_INVALID_GRANT && link.secret[0] == '\0',
	    "approval A's approved grant with a byte altered: refused (%s)",
	    proto_status_name(st));
	CHECK(records(REQUESTED, b.id, "allowed", NULL) == 0 &&
	    records(REQUESTED, a.id, "allowed", NULL) == 0,
	    "and no link was recorded for either");
}

/*
 * Who decides: not the requester, not the client that asked, only an
 * approver who is not blocked, not the user, with approve:impersonations.
 */
static void
test_deciders(void)
{
	struct approval	 a;
	struct decision	 d;
	char		 tok[PROTO_TOKEN_MAX + 1];
	uint32_t	 st;

	if (pending(&a) == -1) {
		CHECK(0, "a pending approval to decide");
		return;
	}
	st = decide(a.id, a.grant, approver_tok, SUPPORT, 1, &d);
	CHECK(st == PROTO_OK && strcmp(d.rule, "approver_is_requester") == 0 &&
	    d.refusal == 403 && d.grant[0] == '\0', "the requester named as "
	    "the approver (by another client): refused, approver_is_requester "
	    "403, no grant (%s %s)", proto_status_name(st), d.rule);
	CHECK(records(DECIDED, a.id, "denied", "approver_is_requester") == 1,
	    "... and that refusal is on the record under the approval's id");
	st = decide(a.id, a.grant, own_approve_tok, LEAD, 1, &d);
	CHECK(st == PROTO_OK && strcmp(d.rule, "approver_same_client") == 0 &&
	    d.refusal == 403 && d.grant[0] == '\0', "an approver named by the "
	    "client that asked (its token holds approve:impersonations): "
	    "refused, approver_same_client (%s %s)", proto_status_name(st),
	    d.rule);
	st = decide(a.id, a.grant, approver_tok, CUSTOMER, 1, &d);
	CHECK(st == PROTO_OK && strcmp(d.rule, "approver_allowed") == 0 &&
	    d.grant[0] == '\0', "a user who is no approver: refused, "
	    "approver_allowed (%s %s)", proto_status_name(st), d.rule);
	st = decide(a.id, a.grant, approver_tok, LEAD_BLOCKED, 1, &d);
	CHECK(st == PROTO_OK && strcmp(d.rule, "approver_allowed") == 0 &&
	    d.grant[0] == '\0', "a blocked approver: refused, "
	    "approver_allowed (%s %s)", proto_status_name(st), d.rule);
	st = decide(a.id, a.grant, approver_tok, "auth0|nobody", 1, &d);
	CHECK(st == PROTO_OK && strcmp(d.rule, "approver_allowed") == 0 &&
	    d.grant[0] == '\0', "an approver who is nobody in the roster: "
	    "refused, approver_allowed (%s %s)", proto_status_name(st),
	    d.rule);
	st = decide(a.id, a.grant, approver_tok, VIP, 1, &d);
	CHECK(st == PROTO_OK && strcmp(d.rule, "approver_is_target") == 0 &&
	    d.grant[0] == '\0', "the user approving their own "
	    "impersonation: refused, approver_is_target (%s %s)",
	    proto_status_name(st), d.rule);
	CHECK(records(DECIDED, a.id, "denied", NULL) == 6,
	    "each of the six refusals recorded, denied");
	st = decide(a.id, a.grant, bearer, LEAD, 1, &d);
	CHECK(st == PROTO_ERR_BEARER && d.grant[0] == '\0', "a bearer token "
	    "without approve:impersonations: refused (%s)",
	    proto_status_name(st));
	st = decide(a.id, a.grant, approver_link_tok, LEAD, 1, &d);
	CHECK(st == PROTO_ERR_BEARER, "the approving client's token with "
	    "impersonate:users only: refused (%s)", proto_status_name(st));
	snprintf(tok, sizeof(tok), "%s", approver_tok);
	tok[strchr(tok, '.') - tok + 5] ^= 0x01;
	st = decide(a.id, a.grant, tok, LEAD, 1, &d);
	CHECK(st == PROTO_ERR_BEARER, "its token with a byte of its claims "
	    "changed: refused (%s)", proto_status_name(st));
	st = decide(a.id, a.grant, "", LEAD, 1, &d);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "no token and no console "
	    "session: refused (%s)", proto_status_name(st));
	st = decide(a.id, a.grant, approver_tok, "", 1, &d);
	CHECK(st == PROTO_ERR_REQUEST, "no approver named: refused (%s)",
	    proto_status_name(st));
	CHECK(records(DECIDED, a.id, NULL, NULL) == 6, "those are not on the "
	    "record (no authority was proved)");

	/* Still pending: an approver decides it, and it is linked. */
	st = decide(a.id, a.grant, approver_tok, LEAD, 1, &d);
	CHECK(st == PROTO_OK && d.rule[0] == '\0' && d.grant[0] != '\0' &&
	    records(DECIDED, a.id, "approved", NULL) == 1, "after every "
	    "refusal it is still pending: an approver decides it (%s)",
	    proto_status_name(st));
}

/*
 * Once: a decision, a link; only the client that asked links; across a
 * restart too.  The happy path ends in tokens.
 */
static void
test_once(void)
{
	struct approval	 a, r;
	struct decision	 d, d2;
	struct sealed	 link, link2, code;
	char		 rule[64], id_token[PROTO_ID_TOKEN_MAX + 1];
	json_t		*c;
	uint32_t	 st;
	int		 tokens, ok;

	if (pending(&a) == -1 || pending(&r) == -1) {
		CHECK(0, "pending approvals to decide once");
		return;
	}
	st = decide(a.id, a.grant, approver_tok, LEAD, 1, &d);
	CHECK(st == PROTO_OK && d.rule[0] == '\0' && d.grant[0] != '\0',
	    "an approver named by another client: approved, its grant (%s)",
	    proto_status_name(st));
	CHECK(records(DECIDED, a.id, "approved", NULL) == 1, "recorded "
	    "approved, once");
	st = decide(a.id, a.grant, approver_tok, LEAD, 1, &d2);
	CHECK(st == PROTO_ERR_REDEEMED && d2.grant[0] == '\0', "the same "
	    "decision again: refused (%s)", proto_status_name(st));
	st = decide(a.id, a.grant, approver_tok, LEAD, 0, &d2);
	CHECK(st == PROTO_ERR_REDEEMED, "a no after the yes: refused (%s)",
	    proto_status_name(st));
	st = link_of(a.id, d.grant, approver_link_tok, &link, rule,
	    sizeof(rule));
	CHECK(st == PROTO_ERR_GRANT && link.secret[0] == '\0', "the link "
	    "asked for by another client than the one that asked: refused "
	    "(%s)", proto_status_name(st));
	st = link_of(a.id, d.grant, approver_tok, &link, rule, sizeof(rule));
	CHECK(st == PROTO_ERR_BEARER && link.secret[0] == '\0', "... by a "
	    "token without impersonate:users: refused (%s)",
	    proto_status_name(st));
	st = link_of(a.id, d.grant, bearer, &link, rule, sizeof(rule));
	CHECK(st == PROTO_OK && rule[0] == '\0' && link.secret[0] != '\0' &&
	    link.grant[0] != '\0', "the client that asked: a ticket and a "
	    "link grant (%s)", proto_status_name(st));
	CHECK(records(REQUESTED, a.id, "allowed", NULL) == 1, "recorded "
	    "allowed under the approval's id");
	st = link_of(a.id, d.grant, bearer, &link2, rule, sizeof(rule));
	CHECK(st == PROTO_ERR_REDEEMED && link2.secret[0] == '\0', "the "
	    "link asked for again: refused (%s)", proto_status_name(st));

	/* The rejected approval: nothing to link, decided once. */
	st = decide(r.id, r.grant, approver_tok, LEAD, 0, &d2);
	CHECK(st == PROTO_OK && d2.rule[0] == '\0' && d2.grant[0] == '\0' &&
	    records(DECIDED, r.id, "rejected", NULL) == 1, "a no: recorded "
	    "rejected, no grant (%s)", proto_status_name(st));
	st = decide(r.id, r.grant, approver_tok, LEAD, 1, &d2);
	CHECK(st == PROTO_ERR_REDEEMED && d2.grant[0] == '\0', "a yes after "
	    "the no: refused (%s)", proto_status_name(st));

	/* The signer remembers across a restart (from its records). */
	ok = crash_and_restart(0) == 0;
	CHECK(ok, "a malformed frame ends the signer; another starts");
	st = decide(a.id, a.grant, approver_tok, LEAD, 1, &d2);
	CHECK(st == PROTO_ERR_REDEEMED, "after the restart, the decision "
	    "again: refused (%s)", proto_status_name(st));
	st = link_of(a.id, d.grant, bearer, &link2, rule, sizeof(rule));
	CHECK(st == PROTO_ERR_REDEEMED && link2.secret[0] == '\0', "after "
	    "the restart, the link again: refused (%s)",
	    proto_status_name(st));

	/* The link the approval gave is followed, once, to tokens. */
	ok = follow(link.secret, link.grant, SUPPORT, &code, &tokens, rule,
	    sizeof(rule)) == PROTO_OK && tokens && rule[0] == '\0' &&
	    exchange(PROTO_CODE_TOKENS, "storefront", storefront_secret,
	    code.secret, code.grant, CALLBACK, &tokens, id_token,
	    sizeof(id_token)) == PROTO_OK && tokens;
	if (ok)
		legit_tokens++;
	c = ok ? claims_of(id_token) : NULL;
	CHECK(c != NULL && strcmp(json_string_value(json_object_get(c,
	    "sub")), VIP) == 0 && strcmp(json_string_value(json_object_get(
	    json_object_get(c, "act"), "sub")), SUPPORT) == 0, "that link "
	    "followed and its code exchanged: an id_token for the user, "
	    "acted by the requester");
	json_decref(c);
	st = follow(link.secret, link.grant, SUPPORT, NULL, &tokens, NULL,
	    0);
	CHECK(st == PROTO_ERR_REDEEMED && !tokens, "the link followed "
	    "again: nothing (%s)", proto_status_name(st));
}

/*
 * Expiry: not before its time, and then once; nothing decided or linked
 * past it.  The signer restarts with approvals of 1 s for it.
 */
static void
test_expiry(void)
{
	struct approval	 a, b, c;
	struct decision	 d, db, dc;
	struct sealed	 link;
	char		 rule[64];
	uint32_t	 st;

	if (pending(&a) == -1) {
		CHECK(0, "a pending approval to expire");
		return;
	}
	st = expire(a.id, a.grant);
	CHECK(st == PROTO_ERR_REQUEST && records(EXPIRED, a.id, NULL, NULL) ==
	    0, "PROTO_APPROVAL_EXPIRE before the approval's expiry: refused, "
	    "nothing recorded (%s)", proto_status_name(st));
	st = decide(a.id, a.grant, approver_tok, LEAD, 1, &d);
	st = st == PROTO_OK ? expire(a.id, d.grant) : st;
	CHECK(st == PROTO_ERR_REQUEST && records(EXPIRED, a.id, NULL, NULL) ==
	    0, "... nor its approved grant before it (%s)",
	    proto_status_name(st));

	if (set_approval_ttl(1) == -1 || crash_and_restart(0) == -1 ||
	    pending(&a) == -1 || pending(&b) == -1 ||
	    decide(b.id, b.grant, approver_tok, LEAD, 1, &db) != PROTO_OK ||
	    db.grant[0] == '\0' || pending(&c) == -1 ||
	    decide(c.id, c.grant, approver_tok, LEAD, 1, &dc) != PROTO_OK ||
	    link_of(c.id, dc.grant, bearer, &link, rule, sizeof(rule)) !=
	    PROTO_OK || link.secret[0] == '\0') {
		CHECK(0, "a signer with approvals of 1 s, one pending, one "
		    "approved, one approved and linked");
		return;
	}
	sleep(2);
	st = decide(a.id, a.grant, approver_tok, LEAD, 1, &d);
	CHECK(st == PROTO_ERR_INVALID_GRANT, "a decision past the approval's "
	    "expiry: refused (%s)", proto_status_name(st));
	st = link_of(b.id, db.grant, bearer, &link, rule, sizeof(rule));
	CHECK(st == PROTO_ERR_INVALID_GRANT && link.secret[0] == '\0',
	    "an approved approval linked past its expiry: refused (%s)",
	    proto_status_name(st));
	st = expire(a.id, a.grant);
	CHECK(st == PROTO_OK && records(EXPIRED, a.id, "expired", NULL) == 1,
	    "the pending one past its expiry: recorded expired (%s)",
	    proto_status_name(st));
	st = expire(b.id, db.grant);
	CHECK(st == PROTO_OK && records(EXPIRED, b.id, "expired", NULL) == 1,
	    "the approved one never used: recorded expired (%s)",
	    proto_status_name(st));
	st = expire(a.id, a.grant);
	CHECK(st == PROTO_ERR_REDEEMED && records(EXPIRED, a.id, NULL, NULL) ==
	    1, "expired again: refused, recorded once (%s)",
	    proto_status_name(st));
	st = expire(b.id, a.grant);
	CHECK(st == PROTO_ERR_INVALID_GRANT && all_records(b.id) == 3,
	    "one approval's grant expired under another's id: refused");

	/*
	 * Decided or used, an approval is not expired afterwards: its ids
	 * are kept as long as an expiry is taken, across a restart too.
	 */
	st = expire(b.id, b.grant);
	CHECK(st == PROTO_ERR_REDEEMED && records(EXPIRED, b.id, NULL, NULL) ==
	    1, "the pending grant of an approval decided before its expiry, "
	    "expired after it: refused (%s)", proto_status_name(st));
	st = expire(c.id, dc.grant);
	CHECK(st == PROTO_ERR_REDEEMED && records(EXPIRED, c.id, NULL, NULL) ==
	    0, "the approved grant of an approval linked before its expiry, "
	    "expired after it: refused (%s)", proto_status_name(st));
	st = expire(c.id, c.grant);
	CHECK(st == PROTO_ERR_REDEEMED && records(EXPIRED, c.id, NULL, NULL) ==
	    0, "... nor its pending grant (%s)", proto_status_name(st));
	st = crash_and_restart(0) == 0 ? expire(c.id, dc.grant) :
	    (uint32_t)-1;
	CHECK(st == PROTO_ERR_REDEEMED && records(EXPIRED, c.id, NULL, NULL) ==
	    0, "... nor after a restart (%s)", proto_status_name(st));
}

/*
 * The roster changes under a link: a link granted for the customer, who
 * then gets the role that needs an approval, is refused when followed
 * (policy_recheck): the link names no approval.
 */
static void
test_recheck(void)
{
	struct approval	 a;
	struct sealed	 link;
	char		 path[1100], rule[64];
	json_t		*users, *u;
	size_t		 i;
	uint32_t	 st;
	int		 tokens, ok = 0;

	st = ask(bearer, CUSTOMER, &a, &link, rule, sizeof(rule));
	snprintf(path, sizeof(path), "%s/users.json", dir);
	if (st == PROTO_OK && link.secret[0] != '\0' &&
	    (users = json_load_file(path, 0, NULL)) != NULL) {
		json_array_foreach(users, i, u)
			if (strcmp(json_string_value(json_object_get(u,
			    "user_id")), CUSTOMER) == 0)
				json_object_set_new(u, "app_metadata",
				    json_pack("{s:[s]}", "roles", "vip"));
		ok = json_dump_file(users, path, 0) == 0 &&
		    crash_and_restart(0) == 0;
		json_decref(users);
	}
	if (!ok) {
		CHECK(0, "a link for the customer, who then needs an approval");
		return;
	}
	st = follow(link.secret, link.grant, SUPPORT, NULL, &tokens, rule,
	    sizeof(rule));
	CHECK(st == PROTO_OK && !tokens &&
	    strcmp(rule, "approval_required") == 0, "a link granted before "
	    "its user came to need an approval, followed after: refused, "
	    "approval_required, nothing issued (%s %s)",
	    proto_status_name(st), rule);
}

/*
 * The audit log: every link for VIP allowed names an approval that an
 * approver approved; token.issued only for the legitimate flow.
 */
static int
approvals_clean(void)
{
	FILE		*f;
	char		 line[16384];
	json_t		*r;
	const char	*event, *outcome, *user, *id, *grant;
	int		 bad = 0, issued = 0;

	if ((f = fopen(audit_file, "r")) == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((r = json_loads(line, 0, NULL)) == NULL)
			continue;
		event = json_string_value(json_object_get(r, "event"));
		outcome = json_string_value(json_object_get(r, "outcome"));
		user = json_string_value(json_object_get(r, "user_id"));
		id = json_string_value(json_object_get(r, "approval_id"));
		grant = json_string_value(json_object_get(r, "grant"));
		if (event != NULL && strcmp(event, REQUESTED) == 0 &&
		    user != NULL && strcmp(user, VIP) == 0 &&
		    outcome != NULL && strcmp(outcome, "allowed") == 0 &&
		    (id == NULL || records(DECIDED, id, "approved", NULL) !=
		    1)) {
			diag("a link without an approval: %s", line);
			bad++;
		}
		if (event != NULL && strcmp(event, "token.issued") == 0 &&
		    grant != NULL && strcmp(grant, "client_credentials") != 0)
			issued++;
		json_decref(r);
	}
	fclose(f);
	if (issued != legit_tokens) {
		diag("%d impersonated token.issued, %d legitimate", issued,
		    legit_tokens);
		bad++;
	}
	return bad == 0;
}

int
main(int argc, char *argv[])
{
	int	 fd;

	if (argc != 3) {
		fprintf(stderr, "usage: frontend_approval SIGNER CONFIG_DIR\n");
		return 2;
	}
	signer_prog = argv[1];
	snprintf(dir, sizeof(dir), "%s", argv[2]);
	signal(SIGPIPE, SIG_IGN);
	snprintf(signer_log, sizeof(signer_log), "%s/signer.log", dir);
	if ((fd = open(signer_log, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND,
	    0600)) == -1 || dup2(fd, STDERR_FILENO) == -1) {
		printf("Bail out! %s: %s\n", signer_log, strerror(errno));
		return 1;
	}
	close(fd);
	if (approval_prepare(900) == -1 || load_config(dir) == -1 ||
	    start() == -1 ||
	    client_token("read:users impersonate:users", bearer,
	    sizeof(bearer)) == -1 ||
	    client_token("approve:impersonations", own_approve_tok,
	    sizeof(own_approve_tok)) == -1 ||
	    token_of(APPROVER_APP, approver_secret, "approve:impersonations",
	    approver_tok, sizeof(approver_tok)) == -1 ||
	    token_of(APPROVER_APP, approver_secret, "impersonate:users",
	    approver_link_tok, sizeof(approver_link_tok)) == -1) {
		printf("Bail out! cannot set up a signer in %s\n", dir);
		return 1;
	}
	test_skip();
	test_forged();
	test_deciders();
	test_once();
	test_expiry();
	test_recheck();
	CHECK(approvals_clean(), "the audit log holds no link for the user "
	    "without an approver's yes, and exactly %d impersonated "
	    "token.issued records, the legitimate ones", legit_tokens);
	signer_stop(&s);
	return check_done();
}
