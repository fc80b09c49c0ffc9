/*
 * The front end: a fork of the parent that never reads a secret.  In
 * order: load the users, bind the listeners (and read the TLS certificates
 * and keys), drop privileges, confine itself for good (confine.c), learn
 * the public keys from the signer, then serve.
 */
#include <sys/resource.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "approvals.h"
#include "audit_client.h"
#include "confine.h"
#include "fdpass.h"
#include "event_loop.h"
#include "frontend.h"
#include "http.h"
#include "jwks.h"
#include "log.h"
#include "notify.h"
#include "console.h"
#include "privdrop.h"
#include "proto.h"
#include "delivery.h"
#include "outbound.h"
#include "session_end.h"
#include "sessions.h"
#include "signer_client.h"
#include "store.h"
#include "tally.h"
#include "users.h"

struct frontend	*fe;

static int	configure(const struct config *);

#define FD_RESERVE	64	/* listeners, the signer, files of a reload */

/*
 * The cap on connections open at once is the descriptor limit: past it
 * accept(2) fails and the listeners pause (http.c).
 */
static void
limit_connections(int max)
{
	struct rlimit	 rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("getrlimit");
	rl.rlim_cur = (rlim_t)max + FD_RESERVE;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_cur > rl.rlim_max) {
		log_warnx("max_connections %d is over the descriptor limit: "
		    "%llu connections at most", max,
		    (unsigned long long)rl.rlim_max - FD_RESERVE);
		rl.rlim_cur = rl.rlim_max;
	}
	if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
		fatal("setrlimit");
}

#define DRAIN_MS	3000	/* at most, for the requests in flight */
#define DRAIN_STEP_MS	20

/* Stopping: look again until nothing waits for the signer, or time is up. */
static void
drain(evutil_socket_t fd, short what, void *arg)
{
	static int	 waited;
	struct timeval	 step = { 0, DRAIN_STEP_MS * 1000 };

	(void)fd;
	(void)what;
	if (signer_inflight() == 0 || (waited += DRAIN_STEP_MS) >= DRAIN_MS) {
		/* One more turn lets the last answers be written. */
		event_base_loopexit(fe->base, &step);
		return;
	}
	event_base_once(fe->base, -1, EV_TIMEOUT, drain, arg, &step);
}

/*
 * SIGTERM: take no new connection, write the refusals counted so far and
 * the deliveries still under way, finish what is in flight (those records
 * too) for up to DRAIN_MS, then exit; the parent stops the signer after
 * this.
 */
static void
stop(evutil_socket_t sig, short what, void *arg)
{
	(void)what;
	(void)arg;
	log_info("stopping on signal %d: %zu requests in flight", (int)sig,
	    signer_inflight());
	http_stop_listening();
	tally_flush();
	delivery_stop();
	drain(-1, 0, NULL);
}

static void
reload_audited(const struct proto_msg *rep, void *arg)
{
	(void)rep;
	(void)arg;
}

/*
 * A reload: the parent has checked the configuration, switched signers,
 * and opened for us (we can open nothing) the configuration and the users
 * file it names.  What does not load leaves the old in place.  Listeners
 * stay as they are: a change of them needs a restart.
 */
static void
reload_files(int conf_fd, int users_fd)
{
	struct config		*conf;
	char			 err[1024];
	int			 ok;

	if ((conf = config_load_fd(conf_fd, fe->conf, err, sizeof(err))) ==
	    NULL || configure(conf) == -1) {
		log_warnx("reload: %s: keeping the configuration", conf ? "out "
		    "of memory" : err);
		config_free(conf);
		close(users_fd);
		ok = 0;
	} else	/* it says why not */
		ok = users_init_fd(users_fd, conf->users_file) == 0;
	notify(ok ? "READY=1\nSTATUS=configuration and users reloaded" :
	    "READY=1\nSTATUS=the reload failed: serving the previous "
	    "configuration or users (see the log)");
	(void)audit_observed(ok ? PROTO_SEEN_RELOADED :
	    PROTO_SEEN_RELOAD_FAILED, NULL, NULL, 0, reload_audited, NULL);
}

/*
 * Take conf as the configuration: the audiences and the discovery document
 * follow it.  The configuration it replaces is not freed: requests in
 * flight may still point into it, and reloads are rare.
 */
static int
configure(const struct config *conf)
{
	char	 aud[1024];
	char	*api, *userinfo_aud, *discovery;

	snprintf(aud, sizeof(aud), "%sapi/v2/", conf->issuer);
	api = strdup(aud);
	snprintf(aud, sizeof(aud), "%suserinfo", conf->issuer);
	userinfo_aud = strdup(aud);
	if (api == NULL || userinfo_aud == NULL) {
		free(api);
		free(userinfo_aud);
		return -1;
	}
	fe->conf = conf;
	fe->api_audience = api;
	fe->userinfo_audience = userinfo_aud;
	if ((discovery = wellknown_build_discovery()) == NULL)
		return -1;
	free(fe->discovery);
	fe->discovery = discovery;
	return 0;
}

/* A new signer's keys: published and verified with from now on. */
static void
new_jwks(const struct proto_msg *rep, void *arg)
{
	char	*jwks;

	(void)arg;
	if (rep == NULL || rep->status != PROTO_OK) {
		log_warnx("the new signer did not say hello: keeping the keys");
		return;
	}
	if ((jwks = malloc(rep->u.hello_rep.jwks.len + 1)) == NULL)
		return;
	proto_strcpy(jwks, rep->u.hello_rep.jwks.len + 1, rep->u.hello_rep.jwks);
	if (strcmp(jwks, fe->jwks) == 0 || jwks_load(jwks) == -1) {
		free(jwks);
		return;
	}
	free(fe->jwks);
	fe->jwks = jwks;
	log_info("the signer's keys changed: the JWKS is new");
}

static uint32_t	 pause_id;	/* the parent's pause, answered when done */

/* Nothing is in flight with the old signer: the parent may switch. */
static void
paused(void)
{
	struct proto_msg	 rep;

	memset(&rep, 0, sizeof(rep));
	rep.type = PROTO_CTL_PAUSE;
	rep.id = pause_id;
	rep.status = PROTO_OK;
	if (ctl_send(fe->parent_ctl, &rep, PROTO_REPLY, NULL) == -1)
		log_warn("cannot tell the parent");
}

/*
 * A message from the parent: a new signer's socket (it restarted one, or
 * a reload switched to one), a pause before a planned switch, or a reload
 * with the configuration and the users file.
 */
static void
from_parent(evutil_socket_t ctl, short what, void *arg)
{
	struct proto_msg	 hello;
	struct ctl_msg		 c;
	const char		*why;
	int			 rc;

	(void)what;
	(void)arg;
	if ((rc = ctl_recv(ctl, PROTO_REQUEST, &c, &why)) == -2)
		fatalx("the parent is gone");
	if (rc == -1) {
		log_warnx("a malformed message from the parent: %s: ignored",
		    why);
		return;
	}
	switch (c.m.type) {
	case PROTO_CTL_PAUSE:
		/* A reload: hold requests until the next signer is here. */
		pause_id = c.m.id;
		signer_client_pause(paused);
		return;
	case PROTO_CTL_RELOAD:
		reload_files(c.fds[0], c.fds[1]);
		return;
	case PROTO_CTL_SIGNER:
		break;
	default:
		log_warnx("a message from the parent of type %s: ignored",
		    proto_type_name(c.m.type));
		ctl_close(&c);
		return;
	}
	log_info("a new signer is here");
	signer_client_attach(c.fds[0]);
	/* Its keys may be new (a reload): ask. */
	memset(&hello, 0, sizeof(hello));
	hello.type = PROTO_HELLO;
	if (signer_request(&hello, new_jwks, NULL) == -1)
		log_warnx("cannot ask the new signer for its keys");
}

/* Every second: what has expired goes, windows that have ended are told. */
static void
tick(evutil_socket_t fd, short what, void *arg)
{
	time_t	 now = time(NULL);

	(void)fd;
	(void)what;
	(void)arg;
	store_sweep(now);
	tally_sweep(now);
	session_end_unconfirmed();
	session_end_expired(now);
	sessions_sweep(now);
	approvals_tick(now);
}

/*
 * The signer reads its secrets from $CREDENTIALS_DIRECTORY; the front end
 * has loaded its TLS keys and never needs it again.  The string is wiped
 * where it is, in the environment block inherited from the parent, so
 * that no copy of the path is left to find.
 */
static void
forget_credentials(void)
{
	static const char	 name[] = "CREDENTIALS_DIRECTORY=";
	char			**e;

	for (e = environ; *e != NULL; e++)
		if (strncmp(*e, name, sizeof(name) - 1) == 0)
			explicit_bzero(*e, strlen(*e));
	(void)unsetenv("CREDENTIALS_DIRECTORY");
}

void
frontend_main(const struct config *conf, int signer_fd, int ctl,
    int passed)
{
	static struct frontend	 state;
	struct event		*ev_term, *ev_int, *ev_ctl, *ev_tick;
	struct timeval		 second = { 1, 0 };

	log_procname("frontend");
	fe = &state;
	signal(SIGPIPE, SIG_IGN);
	signal(SIGUSR1, SIG_IGN);	/* the parent's: it rotates the audit log */
	signal(SIGHUP, SIG_IGN);	/* the parent's: it sends a reload */

	if ((fe->base = event_loop_new()) == NULL)
		fatalx("event_base_new");
	if (users_init(conf->users_file) == -1)
		fatalx("cannot load the users directory");
	limit_connections(conf->max_connections);
	if (http_listen(fe->base, conf, passed) == -1)
		fatalx("cannot start the listeners");
	(void)notify_open();
	forget_credentials();
	if (privdrop(conf->user) == -1)
		fatalx("cannot drop privileges");
	if (store_init() == -1 || sessions_init() == -1 ||
	    approvals_init() == -1 || tally_init() == -1 ||
	    configure(conf) == -1)
		fatalx("out of memory");
	if (outbound_init(fe->base, conf) == -1 ||
	    delivery_init(conf) == -1)
		fatalx("cannot make the outbound client");
	if (console_init(conf) == -1)
		fatalx("cannot serve the console");

	ev_term = evsignal_new(fe->base, SIGTERM, stop, fe->base);
	ev_int = evsignal_new(fe->base, SIGINT, stop, fe->base);
	fe->parent_ctl = ctl;
	ev_ctl = event_new(fe->base, ctl, EV_READ | EV_PERSIST, from_parent,
	    NULL);
	ev_tick = event_new(fe->base, -1, EV_PERSIST, tick, NULL);
	if (ev_term == NULL || ev_int == NULL || ev_ctl == NULL ||
	    ev_tick == NULL || evsignal_add(ev_term, NULL) ||
	    evsignal_add(ev_int, NULL) || event_add(ev_ctl, NULL) ||
	    event_add(ev_tick, &second))
		fatalx("cannot handle signals");

	if (confine_frontend(conf) == -1)
		fatalx("cannot confine the front end");
	if ((fe->jwks = signer_hello(signer_fd)) == NULL ||
	    jwks_load(fe->jwks) == -1)
		fatalx("no usable keys from the signer");
	signer_client_init(fe->base, signer_fd);
	log_info("ready");
	notify("READY=1\nSTATUS=serving");
	event_base_dispatch(fe->base);
	exit(0);
}
