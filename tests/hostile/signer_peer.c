/*
 * signer_peer: plays the front end to a real guise-signer over a
 * socketpair, as guised would start it (DESIGN.md section 4).
 *
 *	signer_peer SIGNER TEST_SIGNER CONFIG_DIR
 *
 * A: the good path on the release signer: hello, client_token answers and
 *    refusals, ip and user_agent (real, at their maxima, empty) in the
 *    audit log, code and implicit logins, 50 pipelined requests, a clean
 *    exit when we close, an answer read or not.
 * B: hostile frames, one fresh release signer each: the signer must close
 *    without writing a byte (never a signature) and exit non-zero; each
 *    frame is first shown to fail proto_decode for the reason it is meant
 *    to, the same function the signer runs.
 * The sandbox of the test signer is signer_sandbox's: TEST_SIGNER is
 * still taken, and not used, so that the program is called as before.
 *
 * Every wait is bounded: a hung signer fails a check and is killed, it
 * never hangs the test.  TAP on stdout; the signers' stderr is ours.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "b64url.h"
#include "hex.h"
#include "proto.h"
#include "wire.h"

#include "../unit/check.h"
#include "peer.h"

#define QUIET_MS	200	/* silence that means "nothing more is coming" */
#define PIPELINE	50
#define FIRST_ID	1000	/* ids of the pipelined requests */

/* Where a request came from, for the audit log, as guised sends it. */
#define PEER_IP		"127.0.0.1"
#define PEER_AGENT	"curl/7.88.1"

static const char	*release_signer;
static off_t		 audit_from;	/* where this run's records start */

static int
str_eq(struct proto_str s, const char *want)
{
	return s.len == strlen(want) && memcmp(s.p, want, s.len) == 0;
}

/* The JWKS parses, has a non-empty "keys" array, and nothing private. */
static int
jwks_check(struct proto_str s, int *private)
{
	static const char	*secret_members[] = {
		"d", "p", "q", "dp", "dq", "qi", "k"
	};
	json_error_t		 jerr;
	json_t			*root, *keys, *k;
	size_t			 i, j;
	int			 ok;

	*private = 0;
	if ((root = json_loadb(s.p, s.len, 0, &jerr)) == NULL) {
		diag("JWKS: %s", jerr.text);
		return 0;
	}
	keys = json_object_get(root, "keys");
	ok = json_is_array(keys) && json_array_size(keys) > 0;
	json_array_foreach(keys, i, k)
		for (j = 0; j < sizeof(secret_members) /
		    sizeof(secret_members[0]); j++)
			if (json_object_get(k, secret_members[j]) != NULL)
				*private = 1;
	json_decref(root);
	return ok;
}

/* Split a compact JWS into its three parts, each valid base64url. */
static int
jws_split(struct proto_str tok, struct proto_str part[3])
{
	uint8_t		 raw[PROTO_TOKEN_MAX];
	const char	*p = tok.p, *end = tok.p + tok.len, *dot;
	int		 i;

	for (i = 0; i < 3; i++) {
		if ((dot = memchr(p, '.', (size_t)(end - p))) == NULL)
			dot = end;
		else if (i == 2)
			return -1;	/* a fourth part */
		part[i].p = p;
		part[i].len = (uint16_t)(dot - p);
		if (part[i].len == 0 || b64url_decode(raw, sizeof(raw),
		    part[i].p, part[i].len) <= 0)
			return -1;
		if (dot == end && i < 2)
			return -1;
		p = dot + 1;
	}
	return 0;
}

static json_t *
jws_json(struct proto_str part)
{
	uint8_t		 raw[PROTO_TOKEN_MAX];
	json_error_t	 jerr;
	ssize_t		 n;

	if ((n = b64url_decode(raw, sizeof(raw), part.p, part.len)) <= 0)
		return NULL;
	return json_loadb((const char *)raw, (size_t)n, 0, &jerr);
}

static int
json_str_is(const json_t *o, const char *key, const char *want)
{
	const char	*v = json_string_value(json_object_get(o, key));

	return v != NULL && strcmp(v, want) == 0;
}

/* The claims are the signer's own: issuer, audience, client, lifetime. */
static int
claims_check(struct proto_str tok, uint32_t expires_in)
{
	struct proto_str	 part[3];
	json_t			*hdr = NULL, *cl = NULL;
	json_int_t		 iat, exp;
	int			 ok = 0;

	if (jws_split(tok, part) == -1 ||
	    (hdr = jws_json(part[0])) == NULL ||
	    (cl = jws_json(part[1])) == NULL)
		goto done;
	iat = json_integer_value(json_object_get(cl, "iat"));
	exp = json_integer_value(json_object_get(cl, "exp"));
	ok = json_str_is(hdr, "typ", "at+jwt") &&
	    json_is_string(json_object_get(hdr, "kid")) &&
	    json_str_is(cl, "iss", issuer) &&
	    json_str_is(cl, "aud", audience) &&
	    json_str_is(cl, "client_id", "backoffice") &&
	    json_str_is(cl, "sub", "backoffice@clients") &&
	    json_is_string(json_object_get(cl, "jti")) &&
	    iat > 0 && exp - iat == (json_int_t)expires_in;
 done:
	json_decref(hdr);
	json_decref(cl);
	return ok;
}

/* The jti claim of an access token, into out; -1 when it has none. */
static int
token_jti(struct proto_str tok, char *out, size_t outlen)
{
	struct proto_str	 part[3];
	json_t			*cl;
	const char		*v;
	int			 rc = -1;

	if (jws_split(tok, part) == -1 || (cl = jws_json(part[1])) == NULL)
		return -1;
	if ((v = json_string_value(json_object_get(cl, "jti"))) != NULL &&
	    strlen(v) < outlen) {
		snprintf(out, outlen, "%s", v);
		rc = 0;
	}
	json_decref(cl);
	return rc;
}

/* A member of an audit record is want, or absent when want is empty. */
static int
audit_member_is(const json_t *rec, const char *name, const char *want)
{
	if (*want == '\0')
		return json_object_get(rec, name) == NULL;
	return json_str_is(rec, name, want);
}

/*
 * Of this run's records, the audit log holds exactly one event whose
 * member key is value, and it names the request's ip and user_agent.  The
 * signer commits its records before it replies, so the record is there
 * once the reply is.
 */
static int
audit_record_origin_is(const char *event, const char *key,
    const char *value, const char *ip, const char *agent)
{
	FILE		*fp;
	char		*line = NULL;
	size_t		 cap = 0;
	json_error_t	 jerr;
	json_t		*rec;
	int		 found = 0, ok = 0;

	if ((fp = fopen(audit_file, "r")) == NULL) {
		diag("%s: %s", audit_file, strerror(errno));
		return 0;
	}
	if (fseeko(fp, audit_from, SEEK_SET) == -1) {
		diag("%s: %s", audit_file, strerror(errno));
		fclose(fp);
		return 0;
	}
	while (getline(&line, &cap, fp) != -1) {
		if ((rec = json_loads(line, 0, &jerr)) == NULL) {
			diag("%s: %s", audit_file, jerr.text);
			continue;
		}
		if (json_str_is(rec, "event", event) &&
		    json_str_is(rec, key, value)) {
			found++;
			ok = audit_member_is(rec, "ip", ip) &&
			    audit_member_is(rec, "user_agent", agent);
		}
		json_decref(rec);
	}
	free(line);
	fclose(fp);
	if (found != 1 || !ok)
		diag("%s %s: %d records, ip and user_agent %s", key, value,
		    found, ok ? "as sent" : "not as sent");
	return found == 1 && ok;
}

/* The token.issued of this jti names the request's ip and user_agent. */
static int
audit_origin_is(const char *jti, const char *ip, const char *agent)
{
	return audit_record_origin_is("token.issued", "jti", jti, ip, agent);
}

/* One request on the good-path signer, one status expected. */
static void
expect_status(struct signer *s, const struct proto_msg *req, uint32_t want,
    const char *what)
{
	struct proto_msg	 rep;
	int			 ok;

	ok = request(s, req, &rep) == 0;
	if (ok && rep.status != want)
		diag("%s: got %s", what, proto_status_name(rep.status));
	CHECK(ok && rep.type == req->type && rep.id == req->id &&
	    rep.status == want, "A: %s: %s", what, proto_status_name(want));
}

/*
 * A client_token request with this ip and user_agent gets a token, and
 * the audit log records them with it.
 */
static void
expect_origin(struct signer *s, uint32_t id, const char *ip,
    const char *agent, const char *what)
{
	struct proto_msg	 req, rep;
	char			 jti[128];
	int			 ok;

	token_msg(&req, id, "backoffice", backoffice_secret, audience,
	    "read:users", ip, agent);
	ok = request(s, &req, &rep) == 0 && rep.type == PROTO_CLIENT_TOKEN &&
	    rep.id == id;
	if (ok && rep.status != PROTO_OK)
		diag("%s: got %s", what, proto_status_name(rep.status));
	ok = ok && rep.status == PROTO_OK;
	CHECK(ok && claims_check(rep.u.token_rep.token,
	    rep.u.token_rep.expires_in),
	    "A: %s (%zu and %zu bytes): a token", what, strlen(ip),
	    strlen(agent));
	CHECK(ok && token_jti(rep.u.token_rep.token, jti, sizeof(jti)) == 0 &&
	    audit_origin_is(jti, ip, agent),
	    "A: %s: the audit log records them with the token's jti", what);
}

/*
 * A link asked for with this ip and user_agent is granted (the bearer
 * token is backoffice's), and the audit log records them with the link.
 */
static void
expect_link(struct signer *s, uint32_t id, const char *token,
    const char *ip, const char *agent)
{
	struct proto_msg	 req, rep;
	char			 ticket[PROTO_TICKET_MAX + 1];
	char			 hash[SHA256_HEX_LEN + 1];
	int			 ok;

	link_msg(&req, id, token, ip, agent);
	ok = request(s, &req, &rep) == 0 && rep.type == PROTO_LINK &&
	    rep.id == id;
	if (ok && rep.status != PROTO_OK)
		diag("link: got %s", proto_status_name(rep.status));
	ok = ok && rep.status == PROTO_OK && rep.u.link_rep.rule.len == 0;
	CHECK(ok && rep.u.link_rep.ticket.len > 0 &&
	    rep.u.link_rep.grant.len > 0,
	    "A: a link with ip %s and a user_agent of %zu bytes: a ticket and "
	    "its grant", ip, strlen(agent));
	CHECK(ok && proto_strcpy(ticket, sizeof(ticket),
	    rep.u.link_rep.ticket) == 0 && sha256_hex(ticket, hash) == 0 &&
	    audit_record_origin_is("impersonation.requested", "link_hash",
	    hash, ip, agent),
	    "A: the audit log records ip and user_agent with the link");
}

static void
pipelined(struct signer *s)
{
	static uint8_t		 out[PIPELINE * 512];
	struct proto_msg	 req, rep;
	size_t			 outlen = 0;
	long			 n;
	int			 i, seen[PIPELINE], got = 0, inorder = 1;
	int			 allok = 1, once = 1;
	struct pollfd		 pfd;

	memset(seen, 0, sizeof(seen));
	for (i = 0; i < PIPELINE; i++) {
		token_msg(&req, FIRST_ID + i, "backoffice", backoffice_secret,
		    audience, "read:users", PEER_IP, PEER_AGENT);
		if ((n = proto_encode(&req, PROTO_REQUEST, out + outlen,
		    sizeof(out) - outlen)) == -1)
			break;
		outlen += (size_t)n;
	}
	if (i == PIPELINE && send_all(s->fd, out, outlen) == 0) {
		for (got = 0; got < PIPELINE; got++) {
			if (recv_reply(s->fd, &rep) == -1)
				break;
			if (rep.id != (uint32_t)(FIRST_ID + got))
				inorder = 0;
			if (rep.id >= FIRST_ID && rep.id < FIRST_ID + PIPELINE)
				seen[rep.id - FIRST_ID]++;
			if (rep.type != PROTO_CLIENT_TOKEN ||
			    rep.status != PROTO_OK)
				allok = 0;
		}
	}
	for (i = 0; i < PIPELINE; i++)
		if (seen[i] != 1)
			once = 0;
	CHECK(got == PIPELINE, "A: %d replies to %d requests in one write "
	    "(got %d)", PIPELINE, PIPELINE, got);
	CHECK(got == PIPELINE && inorder && once,
	    "A: every pipelined id answered once, in order");
	CHECK(got == PIPELINE && allok,
	    "A: every pipelined request gets a token");

	pfd.fd = s->fd;
	pfd.events = POLLIN;
	CHECK(got == PIPELINE && poll(&pfd, 1, QUIET_MS) == 0,
	    "A: nothing more after the %d replies", PIPELINE);
}

/* prefix, then c up to size - 1 bytes, NUL-terminated. */
static void
fill_str(char *buf, size_t size, const char *prefix, int c)
{
	size_t	 n = strlen(prefix);

	if (n >= size)
		abort();
	memcpy(buf, prefix, n);
	memset(buf + n, c, size - 1 - n);
	buf[size - 1] = '\0';
}

static void
good_path(void)
{
	struct signer		 s;
	struct proto_msg	 req, rep;
	char			 longid[PROTO_CLIENT_ID_MAX + 1];
	char			 ipmax[PROTO_IP_MAX + 1];
	char			 agentmax[PROTO_AGENT_MAX + 1];
	char			 jti[128], bearer[PROTO_TOKEN_MAX + 1];
	int			 ok, tok, private = 0;
	struct proto_str	 part[3];
	struct stat		 st;

	audit_from = stat(audit_file, &st) == 0 ? st.st_size : 0;
	if (signer_start(&s, release_signer) == -1) {
		CHECK(0, "A: start %s", release_signer);
		return;
	}

	hello_msg(&req, 1);
	ok = request(&s, &req, &rep) == 0 && rep.type == PROTO_HELLO &&
	    rep.id == 1 && rep.status == PROTO_OK;
	CHECK(ok, "A: hello is answered ok");
	CHECK(ok && jwks_check(rep.u.hello_rep.jwks, &private),
	    "A: hello carries a JWKS with a \"keys\" array");
	CHECK(ok && !private, "A: the JWKS holds no private key member");

	token_msg(&req, 2, "backoffice", backoffice_secret, audience,
	    "read:users impersonate:users", PEER_IP, PEER_AGENT);
	ok = request(&s, &req, &rep) == 0 && rep.type == PROTO_CLIENT_TOKEN &&
	    rep.id == 2;
	if (ok && rep.status != PROTO_OK)
		diag("got %s", proto_status_name(rep.status));
	tok = ok && rep.status == PROTO_OK;
	CHECK(tok, "A: backoffice with its secret gets a token");
	CHECK(tok && jws_split(rep.u.token_rep.token, part) == 0,
	    "A: the token has three base64url parts");
	CHECK(tok && str_eq(rep.u.token_rep.scope,
	    "read:users impersonate:users"),
	    "A: the scope granted is \"read:users impersonate:users\"");
	CHECK(tok && claims_check(rep.u.token_rep.token,
	    rep.u.token_rep.expires_in),
	    "A: the token's claims are iss, aud, client and lifetime as set");
	CHECK(tok && token_jti(rep.u.token_rep.token, jti, sizeof(jti)) == 0 &&
	    audit_origin_is(jti, PEER_IP, PEER_AGENT),
	    "A: the audit log records ip " PEER_IP " and user_agent "
	    PEER_AGENT " with the token's jti");

	token_msg(&req, 3, "backoffice", "wrong-secret-0123456789", audience,
	    "read:users", PEER_IP, PEER_AGENT);
	expect_status(&s, &req, PROTO_ERR_CLIENT, "a wrong secret");
	token_msg(&req, 4, "nosuchclient", backoffice_secret, audience,
	    "read:users", PEER_IP, PEER_AGENT);
	expect_status(&s, &req, PROTO_ERR_CLIENT, "an unknown client");
	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	token_msg(&req, 5, longid, backoffice_secret, audience, "read:users",
	    PEER_IP, PEER_AGENT);
	expect_status(&s, &req, PROTO_ERR_CLIENT,
	    "a client_id of PROTO_CLIENT_ID_MAX bytes is served");
	token_msg(&req, 6, "storefront", storefront_secret, audience,
	    "read:users", PEER_IP, PEER_AGENT);
	expect_status(&s, &req, PROTO_ERR_GRANT,
	    "storefront (no client_credentials)");
	token_msg(&req, 7, "backoffice", backoffice_secret,
	    "https://elsewhere.example/api/v2/", "read:users", PEER_IP,
	    PEER_AGENT);
	expect_status(&s, &req, PROTO_ERR_AUDIENCE, "a wrong audience");
	token_msg(&req, 8, "backoffice", backoffice_secret, audience,
	    "delete:everything", PEER_IP, PEER_AGENT);
	expect_status(&s, &req, PROTO_ERR_SCOPE, "scope delete:everything");

	/* A link-local address with a long zone, a long browser string. */
	fill_str(ipmax, sizeof(ipmax), "fe80::1%", 'z');
	fill_str(agentmax, sizeof(agentmax), "Mozilla/5.0 ", 'x');
	expect_origin(&s, 9, ipmax, agentmax,
	    "ip of PROTO_IP_MAX and user_agent of PROTO_AGENT_MAX");
	expect_origin(&s, 10, "", "", "empty ip and user_agent");
	expect_origin(&s, 11, "2001:db8::1", "", "an IPv6 ip, no user_agent");

	token_msg(&req, 12, "backoffice", backoffice_secret, audience,
	    "impersonate:users", PEER_IP, PEER_AGENT);
	ok = request(&s, &req, &rep) == 0 && rep.status == PROTO_OK &&
	    proto_strcpy(bearer, sizeof(bearer), rep.u.token_rep.token) == 0;
	CHECK(ok, "A: backoffice gets a token for impersonate:users");
	expect_link(&s, 13, bearer, PEER_IP, PEER_AGENT);
	expect_link(&s, 14, bearer, "2001:db8::1", agentmax);

	pipelined(&s);

	close(s.fd);
	s.fd = -1;
	ok = signer_wait(&s, TIMEOUT_MS) == 0 && WIFEXITED(s.status) &&
	    WEXITSTATUS(s.status) == 0;
	CHECK(ok, "A: closing our end makes the signer exit 0 (%s)",
	    signer_how(&s));
	signer_stop(&s);
}

/*
 * A front end that stops with an answer of the signer's still unread (a
 * record's, due after its last request was answered): Linux ends the
 * signer's side with ECONNRESET, not an end of file; or before the answer
 * is written: the write fails with EPIPE.  It is the front end's end all
 * the same: the signer stops cleanly (exit 0, its last record written),
 * else guised, stopping, would say the signer failed.
 */
static void
close_after(const char *what, const struct proto_msg *req, int answered)
{
	struct signer	 s;
	int		 ok;

	if (signer_start(&s, release_signer) == -1) {
		CHECK(0, "A: start %s", release_signer);
		return;
	}
	ok = send_request(&s, req) == 0 && (!answered ||
	    wait_fd(s.fd, POLLIN, now_ms() + TIMEOUT_MS) == 0);
	CHECK(ok, "A: %s sent%s", proto_type_name(req->type),
	    answered ? ", its answer waiting" : "");
	close(s.fd);
	s.fd = -1;
	ok = signer_wait(&s, TIMEOUT_MS) == 0 && WIFEXITED(s.status) &&
	    WEXITSTATUS(s.status) == 0;
	CHECK(ok, "A: closing our end %s makes the signer exit 0 (%s)", what,
	    signer_how(&s));
	signer_stop(&s);
}

static void
closed_unread(void)
{
	struct proto_msg	 req;

	hello_msg(&req, 1);
	close_after("with its answer unread", &req, 1);
	/* A token's answer waits for its record to be on disk: the signer's
	 * write finds no reader. */
	token_msg(&req, 2, "backoffice", backoffice_secret, audience,
	    "read:users", PEER_IP, PEER_AGENT);
	close_after("before the answer", &req, 0);
}

/*
 * Whether proto_decode, which the signer runs on every frame, refuses the
 * first frame in buf (as long as its length word says, at most len) for
 * a reason that contains want.
 */
static int
decode_refuses(const uint8_t *buf, size_t len, const char *want)
{
	struct proto_msg	 m;
	const char		*why = NULL;
	size_t			 flen;

	if (len < 4)
		return 0;
	if ((flen = get_u32(buf)) > len)
		flen = len;
	if (proto_decode(buf, flen, PROTO_REQUEST, &m, &why) == 0) {
		diag("the frame decodes");
		return 0;
	}
	if (why == NULL || strstr(why, want) == NULL) {
		diag("refused for another reason: %s", why ? why : "none");
		return 0;
	}
	return 1;
}

/*
 * One bad frame to a fresh release signer, after a good hello if asked,
 * then our write side shut if asked.  The signer must write nothing more
 * and exit non-zero.  When why is not NULL, the frame is first checked to
 * fail proto_decode for that reason, and not for another.
 */
static void
hostile(const char *what, int hello_first, const uint8_t *bad, size_t len,
    int shut_wr, const char *why)
{
	struct signer		 s;
	struct proto_msg	 req, rep;
	long			 n = -1;
	int			 ready, reset = 0, exited;

	if (why != NULL)
		CHECK(decode_refuses(bad, len, why),
		    "B: %s: proto_decode refuses it: %s", what, why);
	ready = signer_start(&s, release_signer) == 0;
	if (ready && hello_first) {
		hello_msg(&req, 1);
		ready = request(&s, &req, &rep) == 0 &&
		    rep.status == PROTO_OK;
		if (!ready)
			diag("%s: the hello before it failed", what);
	}
	if (ready && send_all(s.fd, bad, len) == 0 &&
	    (!shut_wr || shutdown(s.fd, SHUT_WR) == 0))
		n = drain(s.fd, &reset);
	if (n > 0)
		diag("%s: %ld bytes came back", what, n);
	if (reset)
		diag("%s: ended with ECONNRESET, not end of file", what);
	CHECK(n == 0, "B: %s: closed without a byte", what);

	exited = ready && signer_wait(&s, TIMEOUT_MS) == 0;
	CHECK(exited && WIFEXITED(s.status) && WEXITSTATUS(s.status) != 0,
	    "B: %s: the signer exits non-zero within 3 s (%s)", what,
	    signer_how(&s));
	signer_stop(&s);
}

/* A frame built by hand is byte for byte what the encoder makes of m. */
static int
frame_is(const struct frame *f, const struct proto_msg *m)
{
	uint8_t	 enc[sizeof(f->b)];
	long	 n;

	n = proto_encode(m, PROTO_REQUEST, enc, sizeof(enc));
	return n == (long)f->len && memcmp(enc, f->b, f->len) == 0;
}

/* A frame decodes as a request, to the end. */
static int
frame_decodes(const struct frame *f)
{
	struct proto_msg	 m;
	const char		*why;

	if (proto_decode(f->b, f->len, PROTO_REQUEST, &m, &why) == -1) {
		diag("hand-made frame: %s", why);
		return 0;
	}
	return 1;
}

/*
 * Frames in the layout before ip and user_agent, as an old front end would
 * send them, and frames whose ip or user_agent is wrong.
 */
static void
hostile_origin(void)
{
	static const char	 nul_agent[] = "curl/7.88.1\0evil";
	struct frame		 f, link;
	struct proto_msg	 m;
	char			 ipover[PROTO_IP_MAX + 2];
	char			 agentover[PROTO_AGENT_MAX + 2];
	uint8_t			 enc[sizeof(f.b)];

	link_frame(&link, 20, LINK_BEARER, PEER_IP, PEER_AGENT);
	link_msg(&m, 20, LINK_BEARER, PEER_IP, PEER_AGENT);
	CHECK(frame_is(&link, &m) && frame_decodes(&link),
	    "B: a hand-made link request (%zu bytes) is what proto_encode "
	    "makes, and decodes", link.len);

	token_frame_old(&f, 3, "backoffice", backoffice_secret, audience,
	    "read:users");
	hostile("a client_token in the old layout (no ip, no user_agent)", 1,
	    f.b, f.len, 0, "truncated string length");
	fr_str(&f, PEER_IP, strlen(PEER_IP));
	hostile("a client_token with an ip but no user_agent", 1, f.b, f.len,
	    0, "truncated string length");
	link_frame_head(&f, 20, LINK_BEARER);
	hostile("a link request without ip and user_agent", 1, f.b, f.len, 0,
	    "truncated string length");

	memset(ipover, '1', sizeof(ipover) - 1);
	ipover[sizeof(ipover) - 1] = '\0';
	token_msg(&m, 3, "backoffice", backoffice_secret, audience,
	    "read:users", ipover, PEER_AGENT);
	CHECK(proto_encode(&m, PROTO_REQUEST, enc, sizeof(enc)) == -1,
	    "B: proto_encode refuses an ip of PROTO_IP_MAX + 1 (%d)",
	    PROTO_IP_MAX + 1);
	token_frame(&f, 3, "backoffice", backoffice_secret, audience,
	    "read:users", ipover, PEER_AGENT);
	hostile("a client_token with an ip of PROTO_IP_MAX + 1 bytes", 1, f.b,
	    f.len, 0, "maximum");

	memset(agentover, 'u', sizeof(agentover) - 1);
	agentover[sizeof(agentover) - 1] = '\0';
	token_msg(&m, 3, "backoffice", backoffice_secret, audience,
	    "read:users", PEER_IP, agentover);
	CHECK(proto_encode(&m, PROTO_REQUEST, enc, sizeof(enc)) == -1,
	    "B: proto_encode refuses a user_agent of PROTO_AGENT_MAX + 1 (%d)",
	    PROTO_AGENT_MAX + 1);
	token_frame(&f, 3, "backoffice", backoffice_secret, audience,
	    "read:users", PEER_IP, agentover);
	hostile("a client_token with a user_agent of PROTO_AGENT_MAX + 1 "
	    "bytes", 1, f.b, f.len, 0, "maximum");

	link_msg(&m, 21, LINK_BEARER, PEER_IP, agentover);
	CHECK(proto_encode(&m, PROTO_REQUEST, enc, sizeof(enc)) == -1,
	    "B: proto_encode refuses a link user_agent of PROTO_AGENT_MAX + 1");
	link_frame(&f, 21, LINK_BEARER, PEER_IP, agentover);
	hostile("a link with a user_agent of PROTO_AGENT_MAX + 1 bytes", 1,
	    f.b, f.len, 0, "maximum");
	link_frame(&f, 20, LINK_BEARER, ipover, PEER_AGENT);
	hostile("a link with an ip of PROTO_IP_MAX + 1 bytes", 1, f.b, f.len,
	    0, "maximum");

	token_frame_old(&f, 3, "backoffice", backoffice_secret, audience,
	    "read:users");
	fr_str(&f, PEER_IP, strlen(PEER_IP));
	fr_str(&f, nul_agent, sizeof(nul_agent) - 1);
	hostile("a NUL in user_agent", 1, f.b, f.len, 0, "NUL");

	f = link;
	fr_bytes(&f, "x", 1);
	hostile("a byte after a link's user_agent", 1, f.b, f.len, 0,
	    "trailing");
	/* The user_agent, last, says one byte more than the frame holds. */
	f = link;
	put_u16(f.b + f.len - strlen(PEER_AGENT) - 2,
	    (uint16_t)(strlen(PEER_AGENT) + 1));
	hostile("a link's user_agent running past the frame's end", 0, f.b,
	    f.len, 0, "truncated string field");
}

static void
hostile_frames(void)
{
	static const char	 nul_id[] = "back\0office";
	struct frame		 tok, f, bad;
	struct proto_msg	 m;
	uint8_t			 enc[sizeof(f.b)];
	char			 longid[PROTO_CLIENT_ID_MAX + 2];
	size_t			 agent_len = strlen(PEER_AGENT);
	long			 n;

	/* The valid frame the broken ones start from, as the encoder makes it. */
	token_frame(&tok, 7, "backoffice", backoffice_secret, audience,
	    "read:users", PEER_IP, PEER_AGENT);
	token_msg(&m, 7, "backoffice", backoffice_secret, audience,
	    "read:users", PEER_IP, PEER_AGENT);
	n = proto_encode(&m, PROTO_REQUEST, enc, sizeof(enc));
	CHECK(n == (long)tok.len && memcmp(enc, tok.b, tok.len) == 0,
	    "B: hand-made frames are what proto_encode makes");
	CHECK(frame_decodes(&tok) && frame_is(&tok, &m),
	    "B: the hand-made client_token (%zu bytes, ip and user_agent "
	    "last) decodes", tok.len);

	hostile("half a client_token, then end of input", 0, tok.b,
	    tok.len / 2, 1, NULL);

	fr_header(&f, PROTO_VERSION, PROTO_HELLO, 1, 0);
	put_u32(f.b, PROTO_HEADER_LEN - 1);
	hostile("frame length 15", 0, f.b, f.len, 0, NULL);
	put_u32(f.b, 0);
	hostile("frame length 0", 1, f.b, f.len, 0, NULL);

	fr_header(&f, PROTO_VERSION, PROTO_HELLO, 2, 0);
	put_u32(f.b, PROTO_FRAME_MAX + 1);
	hostile("frame length PROTO_FRAME_MAX + 1", 1, f.b, f.len, 0, NULL);

	fr_header(&f, PROTO_VERSION + 1, PROTO_HELLO, 2, 0);
	hostile("wrong version", 1, f.b, f.len, 0, "version");

	fr_header(&f, PROTO_VERSION, 0, 2, 0);
	hostile("type 0", 0, f.b, f.len, 0, "type");
	fr_header(&f, PROTO_VERSION, 99, 2, 0);
	hostile("type 99", 1, f.b, f.len, 0, "type");
	fr_header(&f, PROTO_VERSION, PROTO_TYPE__MAX, 2, 0);
	hostile("type PROTO_TYPE__MAX", 0, f.b, f.len, 0, "type");
	/* The parent's control messages decode, but the signer serves none
	 * on the front end's socket: a new audit file named by the front end
	 * (without the descriptor, which it cannot pass here), a pause. */
	fr_header(&f, PROTO_VERSION, PROTO_CTL_AUDIT_FILE, 2, 0);
	fr_str(&f, "audit.log.1", 11);
	hostile("ctl_audit_file on the front end's socket", 1, f.b, f.len, 0,
	    NULL);
	fr_header(&f, PROTO_VERSION, PROTO_CTL_PAUSE, 2, 0);
	hostile("ctl_pause on the front end's socket", 1, f.b, f.len, 0,
	    NULL);

	fr_header(&f, PROTO_VERSION, PROTO_HELLO, 2, PROTO_ERR_CLIENT);
	hostile("a request with a non-zero status", 1, f.b, f.len, 0,
	    "status");

	f = tok;
	fr_bytes(&f, "x", 1);
	hostile("a byte after the last field", 1, f.b, f.len, 0, "trailing");
	fr_header(&f, PROTO_VERSION, PROTO_HELLO, 2, 0);
	fr_u32(&f, 0);
	hostile("a hello with a field it does not have", 0, f.b, f.len, 0,
	    "trailing");

	memset(longid, 'a', sizeof(longid) - 1);
	longid[sizeof(longid) - 1] = '\0';
	token_msg(&m, 3, longid, backoffice_secret, audience, "read:users",
	    PEER_IP, PEER_AGENT);
	CHECK(proto_encode(&m, PROTO_REQUEST, enc, sizeof(enc)) == -1,
	    "B: proto_encode refuses a client_id of PROTO_CLIENT_ID_MAX + 1");
	token_frame(&f, 3, longid, backoffice_secret, audience, "read:users",
	    PEER_IP, PEER_AGENT);
	hostile("a client_id of PROTO_CLIENT_ID_MAX + 1 bytes", 1, f.b, f.len,
	    0, "maximum");

	fr_header(&f, PROTO_VERSION, PROTO_CLIENT_TOKEN, 3, 0);
	fr_str(&f, nul_id, sizeof(nul_id) - 1);
	fr_str(&f, backoffice_secret, strlen(backoffice_secret));
	fr_str(&f, audience, strlen(audience));
	fr_str(&f, "read:users", strlen("read:users"));
	fr_str(&f, PEER_IP, strlen(PEER_IP));
	fr_str(&f, PEER_AGENT, agent_len);
	hostile("a NUL in client_id", 1, f.b, f.len, 0, "NUL");

	/* The last string, the user_agent, says one byte more than is there. */
	f = tok;
	put_u16(f.b + f.len - agent_len - 2, (uint16_t)(agent_len + 1));
	hostile("a string running past the frame's end", 0, f.b, f.len, 0,
	    "truncated string field");

	fr_header(&f, PROTO_VERSION, PROTO_TEST_SYSCALL, 4, 0);
	fr_u32(&f, 1);
	hostile("test_syscall to the release signer", 1, f.b, f.len, 0, NULL);

	/*
	 * The token is signed, but replies go out only after the whole read
	 * is handled: none may leave.  fr_bytes sets the first frame's length
	 * word; the second frame's length is its own.
	 */
	fr_header(&bad, PROTO_VERSION, 99, 8, 0);
	f = tok;
	fr_bytes(&f, bad.b, bad.len);
	put_u32(f.b, (uint32_t)tok.len);
	CHECK(frame_decodes(&tok) &&
	    decode_refuses(f.b + tok.len, f.len - tok.len, "type"),
	    "B: of a good client_token then type 99, the first decodes, the "
	    "second does not");
	hostile("a good client_token, then type 99 in the same write", 1,
	    f.b, f.len, 0, NULL);

	hostile_origin();
}

int
main(int argc, char *argv[])
{
	if (argc != 4) {
		fprintf(stderr, "usage: signer_peer signer test-signer "
		    "config-dir\n");
		return 2;
	}
	release_signer = argv[1];
	if (load_config(argv[3]) == -1) {
		printf("Bail out! cannot read the configuration in %s\n",
		    argv[3]);
		return 1;
	}

	good_path();
	closed_unread();
	hostile_frames();
	return check_done();
}
