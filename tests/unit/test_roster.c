/*
 * The signer's roster and its impersonation policy: what a stripped user
 * keeps (and, above all, what it does not), lookups byte for byte, views
 * that outlive the full directory, roles and profile claims on a roster
 * user, every rule of the policy and of its recheck, the rules of
 * four-eyes approval (who needs one, who may give one), and a reload that
 * fails keeping the roster loaded before.  Linked with the signer's
 * roster and policy objects only: daemon/policy.c has the same names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "check.h"
#include "config.h"
#include "policy.h"
#include "profile.h"
#include "roster.h"
#include "users.h"

static char	 tmpdir[64], path[128];

/* Every member a user may have; alice has them all, and more. */
#define ALICE	"{\"user_id\": \"auth0|alice\", " \
		"\"email\": \"Alice@Example.com\", \"email_verified\": true, " \
		"\"blocked\": false, \"name\": \"Alice Liddell\", " \
		"\"given_name\": \"Alice\", \"family_name\": \"Liddell\", " \
		"\"nickname\": \"al\", \"picture\": \"https://p.example/a\", " \
		"\"created_at\": \"2024-01-01T00:00:00.000Z\", " \
		"\"updated_at\": \"2024-02-01T00:00:00.000Z\", " \
		"\"last_login\": \"2024-03-01T00:00:00.000Z\", " \
		"\"logins_count\": 7, " \
		"\"identities\": [{\"connection\": \"Username-Password-" \
		"Authentication\", \"provider\": \"auth0\", " \
		"\"user_id\": \"alice\", \"isSocial\": false}], " \
		"\"app_metadata\": {\"roles\": [\"support\"], \"plan\": 1}, " \
		"\"user_metadata\": {\"theme\": \"dark\"}, " \
		"\"favourite_colour\": \"blue\"}\n"

static const char users_text[] =
    ALICE
    "{\"user_id\": \"auth0|bob\", \"email\": \"bob@example.com\", "
    "\"email_verified\": false, \"name\": \"Bob\", \"given_name\": \"Bob\", "
    "\"family_name\": \"Builder\", \"nickname\": \"bob\", "
    "\"picture\": \"https://p.example/b\", "
    "\"updated_at\": \"2024-02-02T00:00:00.000Z\", "
    "\"created_at\": \"2024-01-02T00:00:00.000Z\", \"logins_count\": 2, "
    "\"identities\": [], \"user_metadata\": {\"lang\": \"fr\"}, "
    "\"app_metadata\": {\"tier\": \"b\"}, \"custom\": {\"x\": 1}}\n"
    "{\"user_id\": \"auth0|carol\", \"blocked\": true}\n"
    "{\"user_id\": \"auth0|dave\", \"app_metadata\": "
    "{\"roles\": [\"admin\"]}}\n"
    "{\"user_id\": \"auth0|erin\"}\n"
    "{\"user_id\": \"auth0|frank\", \"blocked\": true, "
    "\"app_metadata\": {\"roles\": [\"support\"]}}\n"
    "{\"user_id\": \"auth0|gina\", \"app_metadata\": "
    "{\"roles\": [\"sales\"]}}\n"
    "{\"user_id\": \"auth0|hank\", \"app_metadata\": "
    "{\"roles\": [\"viewer\", \"support\"]}}\n"
    "{\"user_id\": \"auth0|ivan\"}\n";
#define NUSERS	9

static const char conf_text[] =
    "{\"issuer\": \"https://id.example/\", "
    "\"listen\": [{\"address\": \"127.0.0.1\", \"port\": 8080}], "
    "\"users_file\": \"users.json\", "
    "\"audit\": {\"path\": \"audit.log\"}, "
    "\"signer\": {\"keys\": [{\"kid\": \"k1\", \"alg\": \"ES256\", "
    "\"file\": \"k1.pem\"}], \"active_kid\": \"k1\", "
    "\"secrets_file\": \"secrets.json\", \"audit_key_file\": \"audit.key\", "
    "\"grant_key_file\": \"grant.key\"}, "
    "\"clients\": ["
    "{\"client_id\": \"store\", \"app_type\": \"regular_web\", "
    "\"callbacks\": [\"https://store.example/cb\"], "
    "\"grant_types\": [\"authorization_code\"], "
    "\"allow_impersonation\": true}, "
    "{\"client_id\": \"spa\", \"app_type\": \"spa\", "
    "\"callbacks\": [\"https://spa.example/cb\"], "
    "\"grant_types\": [\"implicit\"], \"allow_impersonation\": true}, "
    "{\"client_id\": \"closed\", \"app_type\": \"regular_web\", "
    "\"callbacks\": [\"https://closed.example/cb\"], "
    "\"grant_types\": [\"authorization_code\"]}], "
    "\"impersonation\": {"
    "\"impersonators\": {\"roles\": [\"support\"], "
    "\"users\": [\"auth0|ivan\"]}, "
    "\"protected\": {\"roles\": [\"admin\"], \"users\": [\"auth0|erin\"]}}}";

/* What the roster keeps, as roster.h lists it. */
static const char *const kept[] = {
	"user_id", "email", "email_verified", "blocked", "app_metadata",
	"name", "given_name", "family_name", "nickname", "picture",
	"updated_at", "user_metadata",
};
#define NKEPT	(sizeof(kept) / sizeof(kept[0]))

static void
write_file(const char *text)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL || fputs(text, f) == EOF ||
	    fclose(f) == EOF) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

/* Every member of u's object is one roster.h lists. */
static int
only_kept(const struct user *u)
{
	const char	*key;
	json_t		*v;
	size_t		 i;

	json_object_foreach(u->obj, key, v) {
		for (i = 0; i < NKEPT; i++)
			if (strcmp(key, kept[i]) == 0)
				break;
		if (i == NKEPT) {
			printf("# %s kept %s\n", u->user_id, key);
			return 0;
		}
	}
	return 1;
}

static void
test_stripped(void)
{
	const struct user	*a, *b, *c;
	size_t			 i;
	int			 all = 1;

	CHECK(roster_count() == NUSERS, "%d users in the roster",
	    NUSERS);
	a = roster_user("auth0|alice");
	b = roster_user("auth0|bob");
	c = roster_user("auth0|carol");
	if (a == NULL || b == NULL || c == NULL) {
		printf("Bail out! a user is missing from the roster\n");
		exit(1);
	}
	for (i = 0; i < NKEPT; i++)
		if (json_object_get(a->obj, kept[i]) == NULL) {
			printf("# alice lost %s\n", kept[i]);
			all = 0;
		}
	CHECK(all, "every listed member is kept");
	CHECK(json_object_size(a->obj) == NKEPT && only_kept(a),
	    "a user with more members keeps the listed ones alone");
	CHECK(json_object_get(a->obj, "identities") == NULL &&
	    json_object_get(a->obj, "created_at") == NULL &&
	    json_object_get(a->obj, "last_login") == NULL &&
	    json_object_get(a->obj, "logins_count") == NULL,
	    "no identities, created_at, last_login or logins_count");
	CHECK(json_object_get(a->obj, "favourite_colour") == NULL &&
	    json_object_get(b->obj, "custom") == NULL,
	    "no custom top-level member");
	CHECK(only_kept(b) && json_object_size(b->obj) == 11,
	    "a user without blocked keeps the other eleven");
	CHECK(only_kept(c) && json_object_size(c->obj) == 2,
	    "a user of two members keeps two");
	CHECK(json_integer_value(json_object_get(json_object_get(a->obj,
	    "app_metadata"), "plan")) == 1,
	    "app_metadata is kept whole, not its roles alone");
}

static void
test_views(void)
{
	const struct user	*a, *c;

	a = roster_user("auth0|alice");
	c = roster_user("auth0|carol");
	/* The full directory is freed: valgrind sees a view into it. */
	CHECK(a != NULL && strcmp(a->user_id, "auth0|alice") == 0 &&
	    a->user_id == json_string_value(json_object_get(a->obj,
	    "user_id")), "user_id points into the stripped object");
	CHECK(a != NULL && a->email != NULL &&
	    strcmp(a->email, "Alice@Example.com") == 0 &&
	    a->email == json_string_value(json_object_get(a->obj, "email")),
	    "email points into the stripped object, as the file spells it");
	CHECK(c != NULL && c->email == NULL, "no email: NULL");
	CHECK(a != NULL && a->email_verified && !a->blocked,
	    "email_verified and blocked read from the object");
	CHECK(c != NULL && c->blocked && !c->email_verified,
	    "a blocked user, email not verified when absent");
}

static void
test_lookups(void)
{
	const struct user	*u;
	int			 all = 1;
	static const char *const ids[] = { "auth0|alice", "auth0|bob",
	    "auth0|carol", "auth0|dave", "auth0|erin", "auth0|frank",
	    "auth0|gina", "auth0|hank", "auth0|ivan" };
	size_t			 i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if ((u = roster_user(ids[i])) == NULL ||
		    strcmp(u->user_id, ids[i]) != 0)
			all = 0;
	CHECK(all, "each user found by its id, whatever the file's order");
	CHECK(roster_user("auth0|nobody") == NULL, "a missing id: NULL");
	CHECK(roster_user("AUTH0|ALICE") == NULL &&
	    roster_user("auth0|alic") == NULL &&
	    roster_user("auth0|alice ") == NULL && roster_user("") == NULL,
	    "ids compared byte for byte");
	CHECK(roster_user("Alice@Example.com") == NULL,
	    "an email is no id");
}

static void
test_roles_claims(void)
{
	const struct user	*a, *b, *h;
	json_t			*cl, *who;

	a = roster_user("auth0|alice");
	b = roster_user("auth0|bob");
	h = roster_user("auth0|hank");
	CHECK(user_has_role(a, "support") && !user_has_role(a, "admin"),
	    "roles from app_metadata.roles");
	CHECK(user_has_role(h, "support") && user_has_role(h, "viewer") &&
	    !user_has_role(b, "support"), "any of several roles; none");

	cl = profile_claims(b, "openid profile email user_metadata");
	CHECK(cl != NULL && json_object_size(cl) == 9,
	    "profile_claims: nine claims for openid profile email "
	    "user_metadata");
	CHECK(cl != NULL &&
	    strcmp(json_string_value(json_object_get(cl, "name")), "Bob")
	    == 0 && json_object_get(cl, "given_name") != NULL &&
	    json_object_get(cl, "family_name") != NULL &&
	    json_object_get(cl, "nickname") != NULL &&
	    json_object_get(cl, "picture") != NULL &&
	    json_object_get(cl, "updated_at") != NULL,
	    "the profile claims");
	CHECK(cl != NULL && strcmp(json_string_value(json_object_get(cl,
	    "email")), "bob@example.com") == 0 &&
	    json_is_false(json_object_get(cl, "email_verified")),
	    "the email claims");
	CHECK(cl != NULL && json_equal(json_object_get(cl, "user_metadata"),
	    json_object_get(b->obj, "user_metadata")), "user_metadata");
	CHECK(cl != NULL && json_object_get(cl, "app_metadata") == NULL &&
	    json_object_get(cl, "created_at") == NULL,
	    "nothing the scope does not name");
	json_decref(cl);

	cl = profile_claims(a, "openid app_metadata");
	CHECK(cl != NULL && json_object_size(cl) == 1 &&
	    json_equal(json_object_get(cl, "app_metadata"),
	    json_object_get(a->obj, "app_metadata")),
	    "app_metadata when named");
	json_decref(cl);

	who = profile_impersonator("auth0|alice", a);
	CHECK(who != NULL && json_object_size(who) == 2 &&
	    strcmp(json_string_value(json_object_get(who, "email")),
	    "Alice@Example.com") == 0, "profile_impersonator on the roster");
	json_decref(who);
	who = profile_impersonator("auth0|gone", roster_user("auth0|gone"));
	CHECK(who != NULL && json_object_size(who) == 1,
	    "profile_impersonator without a record: its id alone");
	json_decref(who);
}

/* policy_check on app gives status, rule and message. */
static int
verdict(const struct config *conf, const char *app, const char *imp,
    const char *target, int status, const char *rule, const char *message)
{
	const struct client_config	*c = config_client(conf, app);
	struct policy_verdict		 v;
	int				 r;

	memset(&v, 0xa5, sizeof(v));
	r = policy_check(conf, c, imp, target, &v);
	if (r != v.status) {
		printf("# returned %d, verdict %d\n", r, v.status);
		return 0;
	}
	if (status == 0)
		return v.status == 0 && v.rule == NULL && v.message == NULL;
	printf("# %d %s: %s\n", v.status, v.rule ? v.rule : "(null)",
	    v.message ? v.message : "(null)");
	return v.status == status && v.rule != NULL &&
	    strcmp(v.rule, rule) == 0 && v.message != NULL &&
	    strcmp(v.message, message) == 0;
}

static int
reverdict(const struct config *conf, const char *app, const char *cb,
    int rt, const char *imp, const char *target, int status,
    const char *rule, const char *message)
{
	struct policy_verdict	 v;
	int			 r;

	memset(&v, 0xa5, sizeof(v));
	r = policy_recheck(conf, app, cb, rt, imp, target, 0, &v);
	if (r != v.status)
		return 0;
	if (status == 0)
		return v.status == 0 && v.rule == NULL;
	printf("# %d %s: %s\n", v.status, v.rule ? v.rule : "(null)",
	    v.message ? v.message : "(null)");
	return v.status == status && v.rule != NULL &&
	    strcmp(v.rule, rule) == 0 && strcmp(v.message, message) == 0;
}

static void
test_policy(const struct config *conf)
{
	CHECK(verdict(conf, "store", "auth0|alice", "auth0|bob", 0, NULL,
	    NULL), "allowed: an impersonator by role");
	CHECK(verdict(conf, "store", "auth0|ivan", "auth0|bob", 0, NULL,
	    NULL), "allowed: an impersonator listed by id");
	CHECK(verdict(conf, "store", "auth0|alice", "auth0|nobody", 404,
	    "target_exists", "the user does not exist"), "target_exists");
	CHECK(verdict(conf, "store", "auth0|ghost", "auth0|bob", 403,
	    "impersonator_exists", "the impersonator is not a known user"),
	    "impersonator_exists");
	CHECK(verdict(conf, "store", "auth0|frank", "auth0|bob", 403,
	    "impersonator_blocked", "the impersonator is blocked"),
	    "impersonator_blocked");
	CHECK(verdict(conf, "store", "auth0|gina", "auth0|bob", 403,
	    "impersonator_allowed", "the impersonator may not impersonate"),
	    "impersonator_allowed: a role not listed");
	CHECK(verdict(conf, "store", "auth0|bob", "auth0|gina", 403,
	    "impersonator_allowed", "the impersonator may not impersonate"),
	    "impersonator_allowed: no role");
	CHECK(verdict(conf, "store", "auth0|alice", "auth0|alice", 403,
	    "target_not_self", "an impersonator cannot impersonate "
	    "themselves"), "target_not_self");
	CHECK(verdict(conf, "store", "auth0|alice", "auth0|carol", 403,
	    "target_blocked", "the user is blocked"), "target_blocked");
	CHECK(verdict(conf, "store", "auth0|alice", "auth0|dave", 403,
	    "target_protected", "the user is protected from impersonation"),
	    "target_protected: a protected role");
	CHECK(verdict(conf, "store", "auth0|alice", "auth0|erin", 403,
	    "target_protected", "the user is protected from impersonation"),
	    "target_protected: listed by id");
	CHECK(verdict(conf, "store", "auth0|alice", "auth0|hank", 403,
	    "target_protected", "the user is protected from impersonation"),
	    "target_protected: whoever may impersonate (by role) is "
	    "protected");
	CHECK(verdict(conf, "store", "auth0|alice", "auth0|ivan", 403,
	    "target_protected", "the user is protected from impersonation"),
	    "target_protected: whoever may impersonate (by id) is protected");
	CHECK(verdict(conf, "closed", "auth0|alice", "auth0|bob", 403,
	    "application_opt_in", "this application does not allow "
	    "impersonation"), "application_opt_in");
	CHECK(verdict(conf, "closed", "auth0|alice", "auth0|nobody", 403,
	    "application_opt_in", "this application does not allow "
	    "impersonation"), "application_opt_in comes before target_exists");
	CHECK(verdict(conf, "store", "auth0|frank", "auth0|nobody", 404,
	    "target_exists", "the user does not exist"),
	    "target_exists comes before the impersonator's rules");
}

static void
test_recheck(const struct config *conf)
{
	CHECK(reverdict(conf, "store", "https://store.example/cb",
	    POLICY_RESPONSE_CODE, "auth0|alice", "auth0|bob", 0, NULL, NULL),
	    "recheck: allowed (code)");
	CHECK(reverdict(conf, "spa", "https://spa.example/cb",
	    POLICY_RESPONSE_TOKEN, "auth0|alice", "auth0|bob", 0, NULL, NULL),
	    "recheck: allowed (token)");
	CHECK(reverdict(conf, "gone", "https://store.example/cb",
	    POLICY_RESPONSE_CODE, "auth0|alice", "auth0|bob", 403,
	    "application_gone", "the application is gone"),
	    "application_gone");
	CHECK(reverdict(conf, "STORE", "https://store.example/cb",
	    POLICY_RESPONSE_CODE, "auth0|alice", "auth0|bob", 403,
	    "application_gone", "the application is gone"),
	    "application_gone: client ids byte for byte");
	CHECK(reverdict(conf, "store", "https://store.example/cb/",
	    POLICY_RESPONSE_CODE, "auth0|alice", "auth0|bob", 403,
	    "callback_unregistered", "the callback is no longer registered"),
	    "callback_unregistered: a trailing slash");
	CHECK(reverdict(conf, "store", "https://spa.example/cb",
	    POLICY_RESPONSE_CODE, "auth0|alice", "auth0|bob", 403,
	    "callback_unregistered", "the callback is no longer registered"),
	    "callback_unregistered: another application's");
	CHECK(reverdict(conf, "store", "https://store.example/cb",
	    POLICY_RESPONSE_TOKEN, "auth0|alice", "auth0|bob", 403,
	    "grant_not_allowed", "the application no longer allows this "
	    "response_type"), "grant_not_allowed: token, code only");
	CHECK(reverdict(conf, "spa", "https://spa.example/cb",
	    POLICY_RESPONSE_CODE, "auth0|alice", "auth0|bob", 403,
	    "grant_not_allowed", "the application no longer allows this "
	    "response_type"), "grant_not_allowed: code, implicit only");
	CHECK(reverdict(conf, "store", "https://store.example/cb", 0,
	    "auth0|alice", "auth0|bob", 403, "grant_not_allowed",
	    "the application no longer allows this response_type") &&
	    reverdict(conf, "store", "https://store.example/cb", 3,
	    "auth0|alice", "auth0|bob", 403, "grant_not_allowed",
	    "the application no longer allows this response_type"),
	    "grant_not_allowed: an unknown response_type");
	CHECK(reverdict(conf, "store", "https://store.example/cb",
	    POLICY_RESPONSE_CODE, "auth0|alice", "auth0|carol", 403,
	    "target_blocked", "the user is blocked"),
	    "recheck ends with policy_check");
	CHECK(reverdict(conf, "closed", "https://closed.example/cb",
	    POLICY_RESPONSE_CODE, "auth0|alice", "auth0|bob", 403,
	    "application_opt_in", "this application does not allow "
	    "impersonation"), "recheck: application_opt_in");
}

/*
 * The same policy with four-eyes approval: sales need an approval, the
 * support role and ivan may give one (frank has the role, but is
 * blocked).
 */
#define APPROVAL_TAIL ", \"approval\": {\"required\": {\"roles\": " \
		"[\"sales\"]}, \"approvers\": {\"roles\": [\"support\"], " \
		"\"users\": [\"auth0|ivan\"]}, \"ttl\": 600}}}"

/* recheck of alice impersonating target in store, approved or not. */
static int
recheck_approved(const struct config *conf, const char *target,
    int approved, int status, const char *rule)
{
	struct policy_verdict	 v;
	int			 r;

	memset(&v, 0xa5, sizeof(v));
	r = policy_recheck(conf, "store", "https://store.example/cb",
	    POLICY_RESPONSE_CODE, "auth0|alice", target, approved, &v);
	if (r != v.status)
		return 0;
	if (status == 0)
		return v.status == 0 && v.rule == NULL;
	printf("# %d %s: %s\n", v.status, v.rule ? v.rule : "(null)",
	    v.message ? v.message : "(null)");
	return v.status == status && v.rule != NULL &&
	    strcmp(v.rule, rule) == 0 && v.message != NULL;
}

static void
test_approval(const struct config *plain)
{
	struct config	*conf;
	char		 text[sizeof(conf_text) + sizeof(APPROVAL_TAIL)];
	char		 err[1024];
	size_t		 n = strlen(conf_text) - 2;	/* without "}}" */

	memcpy(text, conf_text, n);
	memcpy(text + n, APPROVAL_TAIL, sizeof(APPROVAL_TAIL));
	if ((conf = config_parse(text, strlen(text), "test.json", tmpdir, err,
	    sizeof(err))) == NULL) {
		CHECK(0, "a policy with approval: %s", err);
		return;
	}
	CHECK(conf->approval.enabled && conf->approval.ttl == 600,
	    "approval: parsed, ttl 600");
	CHECK(policy_needs_approval(conf, roster_user("auth0|gina")) &&
	    !policy_needs_approval(conf, roster_user("auth0|bob")) &&
	    !policy_needs_approval(conf, roster_user("auth0|alice")),
	    "policy_needs_approval: a role required matches, no other");
	CHECK(!policy_needs_approval(plain, roster_user("auth0|gina")),
	    "policy_needs_approval: never without approval in the policy");
	CHECK(policy_may_approve(conf, roster_user("auth0|alice")) &&
	    policy_may_approve(conf, roster_user("auth0|hank")) &&
	    policy_may_approve(conf, roster_user("auth0|ivan")),
	    "policy_may_approve: by role, by one of the roles, by id");
	CHECK(!policy_may_approve(conf, roster_user("auth0|frank")),
	    "policy_may_approve: not an approver who is blocked");
	CHECK(!policy_may_approve(conf, roster_user("auth0|gina")) &&
	    !policy_may_approve(conf, roster_user("auth0|bob")),
	    "policy_may_approve: not a role not listed, nor no role");
	CHECK(!policy_may_approve(plain, roster_user("auth0|alice")),
	    "policy_may_approve: nobody without approval in the policy");
	CHECK(recheck_approved(conf, "auth0|gina", 0, 403,
	    "approval_required"), "recheck: a user who needs an approval, "
	    "none given: approval_required");
	CHECK(recheck_approved(conf, "auth0|gina", 1, 0, NULL),
	    "recheck: ... approved: allowed");
	CHECK(recheck_approved(conf, "auth0|bob", 0, 0, NULL),
	    "recheck: a user who needs none, without one: allowed");
	CHECK(recheck_approved(conf, "auth0|carol", 1, 403, "target_blocked"),
	    "recheck: an approval does not lift the policy's rules");
	CHECK(recheck_approved(plain, "auth0|gina", 0, 0, NULL),
	    "recheck: without approval in the policy, none is needed");
	config_free(conf);
}

/* A file that does not load keeps the roster loaded before. */
static void
test_reload(const struct config *conf)
{
	write_file("{\"user_id\": \"auth0|zed\"}\n{\"user_id\": 7}\n");
	CHECK(roster_load(conf) == -1 && roster_count() == NUSERS &&
	    roster_user("auth0|alice") != NULL,
	    "a broken file: -1, the roster kept");
	unlink(path);
	CHECK(roster_load(conf) == -1 && roster_count() == NUSERS,
	    "a missing file: -1, the roster kept");
	write_file("[{\"user_id\": \"auth0|zed\", \"identities\": []}]");
	CHECK(roster_load(conf) == 0 && roster_count() == 1 &&
	    roster_user("auth0|alice") == NULL &&
	    roster_user("auth0|zed") != NULL &&
	    json_object_size(roster_user("auth0|zed")->obj) == 1,
	    "a new file replaces the roster");
	write_file("[]");
	CHECK(roster_load(conf) == 0 && roster_count() == 0 &&
	    roster_user("auth0|zed") == NULL, "an empty directory");
	roster_free();
	CHECK(roster_count() == 0 && roster_user("auth0|alice") == NULL,
	    "roster_free empties it");
	roster_free();
}

int
main(void)
{
	struct config	*conf;
	char		 err[1024];

	snprintf(tmpdir, sizeof(tmpdir), "%s/guise-roster.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL) {
		printf("Bail out! mkdtemp\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/users.json", tmpdir);
	if ((conf = config_parse(conf_text, strlen(conf_text), "test.json",
	    tmpdir, err, sizeof(err))) == NULL) {
		printf("Bail out! %s\n", err);
		return 1;
	}
	CHECK(strcmp(conf->users_file, path) == 0, "users_file is %s",
	    conf->users_file);
	write_file(users_text);
	if (roster_load(conf) == -1) {
		printf("Bail out! the roster does not load\n");
		return 1;
	}
	test_stripped();
	test_views();
	test_lookups();
	test_roles_claims();
	test_policy(conf);
	test_recheck(conf);
	test_approval(conf);
	test_reload(conf);
	config_free(conf);
	unlink(path);
	rmdir(tmpdir);
	return check_done();
}
