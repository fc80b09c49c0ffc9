/*
 * guise-signer: the only process that holds the client secrets, the JWT
 * private keys, the audit key and the grant key, and the one that decides
 * who may log in as whom.  The parent starts it with fork+exec, its
 * end of the socketpair to the front end on PROTO_SIGNER_FD.  In order:
 * load the configuration and the secrets, drop privileges, enter the
 * sandbox, warm up, then answer requests.
 */
#include <sys/prctl.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "approval.h"
#include "audit.h"
#include "cmdline.h"
#include "config.h"
#include "console_idp.h"
#include "fsync_async.h"
#include "console_answers.h"
#include "session.h"
#include "webhook.h"
#include "impersonation.h"
#include "keys.h"
#include "log.h"
#include "privdrop.h"
#include "proto.h"
#include "redeemed.h"
#include "roster.h"
#include "sandbox.h"
#include "secrets.h"
#include "serve.h"
#include "token.h"

/*
 * Do once, before the sandbox, what OpenSSL would otherwise do lazily on
 * the first token: load its configuration, seed its random generator and
 * set up the signing code paths.
 */
#ifdef GUISE_SANITIZE
/*
 * The sanitizer build (make check-asan): LeakSanitizer stops the world with
 * ptrace(2) at exit, which the sandbox rightly forbids, so the signer alone
 * is not checked for leaks; every other program is.
 */
const char	*__asan_default_options(void);

const char *
__asan_default_options(void)
{
	return "detect_leaks=0";
}
#endif

static void
warm_up(void)
{
	static char			 id[] = "warm-up";
	const struct client_config	 probe = { .client_id = id };
	unsigned char			 b[16];
	char				 tok[PROTO_TOKEN_MAX];
	char				 jti[PROTO_JTI_MAX + 1];

	if (RAND_bytes(b, sizeof(b)) != 1)
		fatalx("the random generator does not work");
	if (token_client_credentials(&probe, "warm-up", "warm-up", tok,
	    sizeof(tok), jti) == -1)
		fatalx("cannot sign with the active key");
	(void)secrets_check("warm-up", "warm-up", 7);
}

int
main(int argc, char *argv[])
{
	struct cmdline	 cl;
	struct config	*conf;
	const unsigned char	*key;
	char		 err[1024];
	struct stat	 st;
	size_t		 keylen;
	int		 cfd, anchor;

	/*
	 * Before any key is read: the front end may run as the same user
	 * (the unit's one dynamic user), and must not read us through
	 * ptrace or /proc.
	 */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		fatal("PR_SET_DUMPABLE");
	cmdline_parse(argc, argv, "guise-signer", &cl);
	log_init("signer", cl.debug);

	if ((conf = config_load(cl.file, err, sizeof(err))) == NULL)
		fatalx("%s", err);
	token_init(conf);
	if (keys_load(conf) == -1 || secrets_load(conf) == -1)
		fatalx("cannot load the signing material");
	/* Its own copy of the users, on which it decides (DESIGN.md 4). */
	if (roster_load(conf) == -1)
		fatalx("cannot load the users");
	console_answers_init(conf);
	approval_init(conf);
	session_init(conf);
	webhook_init(conf);
	if (impersonation_init(conf) == -1)
		fatalx("cannot verify tokens with the signing keys");
	if (console_idp_load(conf) == -1)
		fatalx("cannot read the console's identity provider's keys");
	if (cl.check)
		exit(0);
	key = secrets_audit_key(&keylen);
	/* The hostile-peer tests start the signer without a parent. */
	anchor = fstat(PROTO_ANCHOR_FD, &st) == 0 && S_ISREG(st.st_mode) ?
	    PROTO_ANCHOR_FD : -1;
	cfd = fstat(PROTO_CONTROL_FD, &st) == 0 && S_ISSOCK(st.st_mode) ?
	    PROTO_CONTROL_FD : -1;
	/*
	 * Grants redeemed before a restart stay redeemed.  Read before this
	 * start's records: on a log the parent has just rotated they would
	 * hide that the grants are in the file before it.
	 */
	if (redeemed_rebuild(conf) == -1)
		fatalx("cannot read which grants were redeemed");
	if (audit_open(conf, key, keylen, keys_describe(), anchor) == -1)
		fatalx("cannot open the audit log");
	if (audit_commit() == -1)
		log_warnx("the audit log is not writable: every request will "
		    "be refused until it is");

	if (fcntl(PROTO_SIGNER_FD, F_GETFD) == -1)
		fatalx("no socket on fd %d: guise-signer is started by guised",
		    PROTO_SIGNER_FD);
	signal(SIGPIPE, SIG_IGN);
	serve_signals();
	warm_up();
	(void)fsync_async_init();	/* or commits are synchronous */

	if (privdrop(conf->user) == -1)
		fatalx("cannot drop privileges");
	if (sandbox_enter() == -1)
		fatalx("cannot enter the sandbox");
	log_info("ready, active key %s", key_kid(keys_active()));

	serve(conf, PROTO_SIGNER_FD, cfd);
}
