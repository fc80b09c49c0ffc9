/*
 * guisectl idp-keys -f FILE [-o OUT]: the console's identity provider's
 * public keys (DESIGN.md section 7) into console.idp.jwks_file, or OUT.
 * The provider is found by its discovery document, which must name the
 * configured issuer byte for byte (a document that names another is for
 * another provider, or was served by someone else).  Its JWKS is checked
 * as the signer will read it (common/idp_jwks.c) and replaces the old
 * file only whole: on any failure the old file stays as it was, so that
 * a timer that runs this can never leave the signer without keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "config.h"
#include "guisectl.h"
#include "https_client.h"
#include "https_url.h"
#include "idp_discovery.h"
#include "idp_jwks.h"
#include "log.h"

/*
 * libevent's own warnings would be a second, vaguer line beside the one
 * this command prints; the client's error says what failed.
 */
static void
quiet(int severity, const char *msg)
{
	(void)severity;
	(void)msg;
}

static int
fetch(const struct console_config *cc, const char *what, const char *url,
    char **body, size_t *len)
{
	char	 err[HTTPS_ERR_MAX], show[HTTPS_URL_MAX + 1];

	if (https_fetch(cc->idp_ca_file, url, HTTPS_JSON, HTTPS_TIMEOUT, body,
	    len, err, sizeof(err)) == -1) {
		idp_shown(show, sizeof(show), url);
		log_warnx("%s %s: %s", what, show, err);
		return -1;
	}
	return 0;
}

/* The discovery document's jwks_uri, once it names our issuer. */
static char *
discover(const struct console_config *cc)
{
	struct idp_discovery	 d;
	char			 url[HTTPS_URL_MAX + 1], err[512];
	char			*body, *out = NULL;
	size_t			 len;

	if (snprintf(url, sizeof(url), "%s%s", cc->idp_issuer,
	    IDP_DISCOVERY_PATH) >= (int)sizeof(url)) {
		log_warnx("console.idp.issuer: too long");
		return NULL;
	}
	if (fetch(cc, "discovery", url, &body, &len) == -1)
		return NULL;
	if (idp_discovery_parse(body, len, url, cc->idp_issuer, &d, err,
	    sizeof(err)) == -1)
		log_warnx("discovery %s; refused", err);
	else {
		out = d.jwks_uri;
		d.jwks_uri = NULL;
		idp_discovery_free(&d);
	}
	free(body);
	return out;
}

static int
idp_keys(const struct console_config *cc, const char *file)
{
	struct idp_kids	 kids;
	char		 err[512];
	char		*jwks_uri, *body = NULL;
	size_t		 len, i;
	int		 rc = -1;

	if ((jwks_uri = discover(cc)) == NULL)
		return -1;
	if (fetch(cc, "jwks_uri", jwks_uri, &body, &len) == -1)
		goto done;
	if (idp_jwks_check(body, len, jwks_uri, &kids, err,
	    sizeof(err)) == -1) {
		log_warnx("jwks_uri %s; %s not changed", err, file);
		goto done;
	}
	/* Public keys: the signer reads the file as its own user. */
	if (newfile_replace(file, body, len, 0644) == -1)
		goto done;
	printf("%s: %zu key%s from %s:", file, kids.n, kids.n == 1 ? "" : "s",
	    jwks_uri);
	for (i = 0; i < kids.n; i++)
		printf(" %s", kids.kid[i]);
	printf("\n");
	rc = 0;
 done:
	free(body);
	free(jwks_uri);
	return rc;
}

int
idp_keys_main(int argc, char *argv[])
{
	struct config	*conf;
	char		 err[512];
	const char	*file = NULL, *out = NULL;
	int		 ch, rc;

	while ((ch = getopt(argc, argv, "f:o:")) != -1) {
		switch (ch) {
		case 'f':
			file = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			ctl_usage("idp-keys");
		}
	}
	if (file == NULL || optind != argc)
		ctl_usage("idp-keys");
	if ((conf = config_load(file, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		return -1;
	}
	if (!conf->console.enabled) {
		log_warnx("%s: no console.idp: no provider to fetch keys from",
		    file);
		config_free(conf);
		return -1;
	}
	event_set_log_callback(quiet);
	rc = idp_keys(&conf->console, out != NULL ? out :
	    conf->console.idp_jwks_file);
	config_free(conf);
	return rc;
}
