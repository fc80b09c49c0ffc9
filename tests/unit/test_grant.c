/*
 * Sealed grants (signer/grant.c) and the grant key file they are sealed
 * with: a round trip with every field at its longest, every byte of a
 * sealed grant altered, cut or extended, unknown kids, rotation (the
 * newest key seals, the older still opens), a payload that is malformed
 * under a valid MAC, and every way the key file is refused, each with a
 * message that names the file (and the line).
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "b64url.h"
#include "check.h"
#include "grant.h"
#include "log.h"

#define KEY_TEXT	B64URL_ENCODED_LEN(GRANTKEY_BYTES)

static char	 dir[] = "/tmp/test_grant.XXXXXX";
static char	 errfile[PATH_MAX];

struct testkey {
	char		 kid[GRANTKEY_KID_MAX + 1];
	unsigned char	 key[GRANTKEY_BYTES];
	char		 text[KEY_TEXT + 1];
};

static void
bail(const char *what)
{
	printf("Bail out! %s\n", what);
	exit(1);
}

static void
testkey(struct testkey *k, const char *kid)
{
	snprintf(k->kid, sizeof(k->kid), "%s", kid);
	if (RAND_bytes(k->key, sizeof(k->key)) != 1)
		bail("RAND_bytes");
	b64url_encode(k->text, k->key, sizeof(k->key));
}

/* name in the test's folder, holding text; its path, in a static buffer. */
static const char *
file_with(const char *name, const char *text, size_t len)
{
	static char	 path[PATH_MAX];
	FILE		*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL ||
	    (len > 0 && fwrite(text, len, 1, f) != 1) || fclose(f) == EOF)
		bail("cannot write a key file");
	return path;
}

/* A key file of n keys, "<kid> <key>\n" each. */
static const char *
keyfile(const char *name, const struct testkey *k, size_t n)
{
	char	 text[GRANTKEY_FILE_MAX * 2];
	size_t	 len = 0, i;

	for (i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len,
		    "%s %s\n", k[i].kid, k[i].text);
	return file_with(name, text, len);
}

/* grant_keys_load with its messages caught in msg. */
static int
load(const char *path, char *msg, size_t msglen)
{
	ssize_t	 n;
	int	 saved = -1, fd, rc;

	fflush(stdout);
	if ((fd = open(errfile, O_RDWR | O_CREAT | O_TRUNC, 0600)) == -1 ||
	    (saved = dup(STDERR_FILENO)) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1)
		bail("cannot catch stderr");
	rc = grant_keys_load(path);
	if (dup2(saved, STDERR_FILENO) == -1)
		bail("cannot restore stderr");
	close(saved);
	n = pread(fd, msg, msglen - 1, 0);
	msg[n > 0 ? n : 0] = '\0';
	close(fd);
	return rc;
}

static int
loads(const char *path)
{
	char	 msg[1024];

	return load(path, msg, sizeof(msg)) == 0 && msg[0] == '\0';
}

/* The file must be refused with a message naming it and saying want. */
static void
refused(const char *what, const char *path, const char *want)
{
	char	 msg[1024];
	int	 rc;

	rc = load(path, msg, sizeof(msg));
	CHECK(rc == -1 && strstr(msg, path) != NULL &&
	    strstr(msg, want) != NULL, "key file refused: %s [%s]: %.*s",
	    what, want, (int)strcspn(msg, "\n"), msg);
}

static void
fill(char *s, size_t size, char c)
{
	memset(s, c, size - 1);
	s[size - 1] = '\0';
}

/* Every field at its longest, and integers at their ends. */
static void
grant_full(struct grant *g)
{
	size_t	 i;

	memset(g, 0, sizeof(*g));
	g->kind = GRANT_KIND_CODE;
	for (i = 0; i < sizeof(g->id); i++)
		g->id[i] = (unsigned char)(0xff - i);
	g->exp = LLONG_MAX;
	g->auth_time = LLONG_MIN;
	for (i = 0; i < sizeof(g->ticket_hash); i++)
		g->ticket_hash[i] = (unsigned char)i;
	g->response_type = 2;
	fill(g->impersonator_id, sizeof(g->impersonator_id), 'i');
	fill(g->user_id, sizeof(g->user_id), 'u');
	fill(g->client_id, sizeof(g->client_id), 'c');
	fill(g->caller, sizeof(g->caller), 'k');
	fill(g->callback_url, sizeof(g->callback_url), 'b');
	fill(g->scope, sizeof(g->scope), 's');
	fill(g->nonce, sizeof(g->nonce), 'n');
	fill(g->reason, sizeof(g->reason), 'r');
	fill(g->code_challenge, sizeof(g->code_challenge), 'p');
	fill(g->sid, sizeof(g->sid), 'd');
	fill(g->approval_id, sizeof(g->approval_id), 'a');
}

/* What a link looks like: short strings, no nonce, no reason. */
static void
grant_link(struct grant *g)
{
	memset(g, 0, sizeof(*g));
	g->kind = GRANT_KIND_LINK;
	if (RAND_bytes(g->id, sizeof(g->id)) != 1 ||
	    RAND_bytes(g->ticket_hash, sizeof(g->ticket_hash)) != 1)
		bail("RAND_bytes");
	g->exp = 1796300000;
	g->response_type = 1;
	snprintf(g->impersonator_id, sizeof(g->impersonator_id),
	    "auth0|support-1");
	snprintf(g->user_id, sizeof(g->user_id), "auth0|customer-1");
	snprintf(g->client_id, sizeof(g->client_id), "storefront");
	snprintf(g->caller, sizeof(g->caller), "backoffice");
	snprintf(g->callback_url, sizeof(g->callback_url),
	    "https://app2.example/callback");
	snprintf(g->scope, sizeof(g->scope), "openid profile");
}

static int
opens_as(const unsigned char *s, size_t len, const struct grant *want)
{
	struct grant	 got;

	return grant_open(s, len, &got) == 0 &&
	    memcmp(&got, want, sizeof(got)) == 0;
}

/* The MAC of the first len - 32 bytes, made again with key. */
static void
remac(unsigned char *s, size_t len, const struct testkey *k)
{
	unsigned int	 n = 32;

	if (HMAC(EVP_sha256(), k->key, sizeof(k->key), s, len - 32,
	    s + len - 32, &n) == NULL || n != 32)
		bail("HMAC");
}

static void
test_round_trip(void)
{
	static unsigned char	 s[GRANT_SEALED_MAX];
	struct grant		 g, got;
	long			 n;

	grant_full(&g);
	n = grant_seal(&g, s, sizeof(s));
	CHECK(n > 0 && n <= GRANT_SEALED_MAX, "the longest grant seals: %ld "
	    "bytes of at most %d", n, GRANT_SEALED_MAX);
	CHECK(n > 0 && opens_as(s, (size_t)n, &g),
	    "and opens with every field as it was");
	CHECK(n > 0 && grant_seal(&g, s, (size_t)n) == n,
	    "it seals into exactly its length");
	CHECK(n > 0 && grant_seal(&g, s, (size_t)n - 1) == -1,
	    "and not into one byte less");

	grant_link(&g);
	n = grant_seal(&g, s, sizeof(s));
	CHECK(n > 0 && opens_as(s, (size_t)n, &g),
	    "a link's grant (no nonce, no reason) opens as it was");
	CHECK(n > 0 && grant_open(s, (size_t)n, &got) == 0 &&
	    got.nonce[0] == '\0' && got.reason[0] == '\0' &&
	    got.auth_time == 0 && got.kind == GRANT_KIND_LINK,
	    "empty strings stay empty");

	grant_link(&g);
	g.kind = 7;
	CHECK(grant_seal(&g, s, sizeof(s)) == -1, "kind 7 is not sealed");
	grant_link(&g);
	g.kind = GRANT_KIND_SESSION;
	snprintf(g.sid, sizeof(g.sid), "Jt1S8tVxK3qYy5kM0ZrP7bq2Xo9cWn4dLhGfEaUiR6s");
	/* As session_begin makes it: no callback_url, no scope. */
	memset(g.callback_url, 0, sizeof(g.callback_url));
	memset(g.scope, 0, sizeof(g.scope));
	n = grant_seal(&g, s, sizeof(s));
	CHECK(n > 0 && opens_as(s, (size_t)n, &g) &&
	    grant_open(s, (size_t)n, &got) == 0 &&
	    got.kind == GRANT_KIND_SESSION && strcmp(got.sid, g.sid) == 0,
	    "a session grant opens as it was, with its sid");
	fill(g.sid, sizeof(g.sid), 'd');
	n = grant_seal(&g, s, sizeof(s));
	CHECK(n > 0 && opens_as(s, (size_t)n, &g) &&
	    strlen(g.sid) == PROTO_SID_MAX,
	    "a sid of PROTO_SID_MAX (64) bytes is sealed and opens as it was");
	memset(g.sid, 'd', sizeof(g.sid));
	CHECK(grant_seal(&g, s, sizeof(s)) == -1,
	    "a sid longer than PROTO_SID_MAX (no NUL in its field) is not "
	    "sealed");
	grant_link(&g);
	g.kind = GRANT_KIND_SESSION;
	g.response_type = 0;
	CHECK(grant_seal(&g, s, sizeof(s)) == -1,
	    "a session grant without a response type is not sealed");
	grant_link(&g);
	g.kind = GRANT_KIND_CODE;
	snprintf(g.sid, sizeof(g.sid), "a-code-of-a-session");
	n = grant_seal(&g, s, sizeof(s));
	CHECK(n > 0 && grant_open(s, (size_t)n, &got) == 0 &&
	    strcmp(got.sid, "a-code-of-a-session") == 0,
	    "a code grant carries its session's sid");
	grant_link(&g);
	g.kind = GRANT_KIND_SIGNIN;
	CHECK(grant_seal(&g, s, sizeof(s)) == -1,
	    "a sign-in grant with a response type is not sealed");
	g.response_type = 0;
	memcpy(g.code_challenge, "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk",
	    44);
	n = grant_seal(&g, s, sizeof(s));
	CHECK(n > 0 && opens_as(s, (size_t)n, &g),
	    "a sign-in grant (its verifier in code_challenge) opens as it was");
	grant_link(&g);
	memset(g.session_hash, 0xa5, sizeof(g.session_hash));
	n = grant_seal(&g, s, sizeof(s));
	CHECK(n > 0 && grant_open(s, (size_t)n, &got) == 0 &&
	    memcmp(got.session_hash, g.session_hash,
	    sizeof(g.session_hash)) == 0,
	    "a console link's session hash opens as it was sealed");
	grant_link(&g);
	g.kind = GRANT_KIND_CONSOLE;
	CHECK(grant_seal(&g, s, sizeof(s)) == -1,
	    "a console grant with a response type is not sealed");
	g.response_type = 0;
	n = grant_seal(&g, s, sizeof(s));
	CHECK(n > 0 && opens_as(s, (size_t)n, &g),
	    "a console grant (no response type) opens as it was");
	grant_link(&g);
	g.kind = GRANT_KIND_LOGIN;
	memcpy(g.code_challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
	    44);
	n = grant_seal(&g, s, sizeof(s));
	CHECK(n > 0 && opens_as(s, (size_t)n, &g),
	    "a login grant with a PKCE challenge opens as it was");
	grant_link(&g);
	g.response_type = 0;
	CHECK(grant_seal(&g, s, sizeof(s)) == -1,
	    "response_type 0 is not sealed");

	/* Four-eyes approval: the approval's grants, and a link under one. */
	grant_link(&g);
	g.kind = GRANT_KIND_APPROVAL;
	n = grant_seal(&g, s, sizeof(s));
	CHECK(n > 0 && opens_as(s, (size_t)n, &g) &&
	    grant_open(s, (size_t)n, &got) == 0 &&
	    got.kind == GRANT_KIND_APPROVAL && got.approval_id[0] == '\0',
	    "an approval grant (kind 8, response type 1) opens as it was, no "
	    "approval_id yet");
	g.kind = GRANT_KIND_APPROVED;
	g.response_type = 2;
	snprintf(g.approval_id, sizeof(g.approval_id),
	    "pLx0dGlKq1R2c3U0djV3eDZ5N3o4QTlCMEMxRDJFM0Y");
	n = grant_seal(&g, s, sizeof(s));
	CHECK(n > 0 && opens_as(s, (size_t)n, &g) &&
	    grant_open(s, (size_t)n, &got) == 0 &&
	    got.kind == GRANT_KIND_APPROVED &&
	    strcmp(got.approval_id, g.approval_id) == 0,
	    "an approved grant (kind 9, response type 2) opens with its "
	    "approval_id");
	g.kind = GRANT_KIND_LINK;
	fill(g.approval_id, sizeof(g.approval_id), 'a');
	n = grant_seal(&g, s, sizeof(s));
	CHECK(n > 0 && opens_as(s, (size_t)n, &g) &&
	    strlen(g.approval_id) == PROTO_APPROVAL_ID_MAX,
	    "a link's grant with an approval_id of PROTO_APPROVAL_ID_MAX (64) "
	    "bytes is sealed and opens as it was");
	memset(g.approval_id, 'a', sizeof(g.approval_id));
	CHECK(grant_seal(&g, s, sizeof(s)) == -1, "an approval_id longer "
	    "than PROTO_APPROVAL_ID_MAX (no NUL in its field) is not sealed");
	grant_link(&g);
	g.kind = GRANT_KIND_APPROVAL;
	g.response_type = 0;
	CHECK(grant_seal(&g, s, sizeof(s)) == -1,
	    "an approval grant without a response type is not sealed");
	g.kind = GRANT_KIND_APPROVED;
	CHECK(grant_seal(&g, s, sizeof(s)) == -1,
	    "an approved grant without a response type is not sealed");
	g.response_type = 3;
	CHECK(grant_seal(&g, s, sizeof(s)) == -1,
	    "nor with response type 3");
	grant_link(&g);
	g.kind = 10;
	CHECK(grant_seal(&g, s, sizeof(s)) == -1,
	    "kind 10 (past the last) is not sealed");
	grant_link(&g);
	memset(g.nonce, 'n', sizeof(g.nonce));
	CHECK(grant_seal(&g, s, sizeof(s)) == -1,
	    "a string without its NUL is not sealed");
}

/* Every alteration of g sealed: what, a link's or the longest. */
static void
test_alterations(const char *what, const struct grant *g)
{
	static unsigned char	 s[GRANT_SEALED_MAX + 2], c[GRANT_SEALED_MAX + 2];
	struct grant		 got;
	size_t			 i, len, opened;
	unsigned int		 bit;
	long			 n;

	if ((n = grant_seal(g, s, sizeof(s))) <= 0)
		bail("grant_seal");
	len = (size_t)n;
	opened = 0;
	for (i = 0; i < len; i++)
		for (bit = 0; bit < 8; bit++) {
			memcpy(c, s, len);
			c[i] ^= (unsigned char)(1u << bit);
			if (grant_open(c, len, &got) == 0)
				opened++;
		}
	CHECK(opened == 0, "%s: each of the %zu bits of a sealed grant "
	    "flipped: %zu opened", what, len * 8, opened);
	opened = 0;
	for (i = 0; i < len; i++) {
		memcpy(c, s, len);
		c[i] = (unsigned char)(c[i] + 0x80);
		if (grant_open(c, len, &got) == 0)
			opened++;
	}
	CHECK(opened == 0, "%s: each byte changed by 0x80: %zu opened", what,
	    opened);
	opened = 0;
	for (i = 0; i < len; i++)
		if (grant_open(s, i, &got) == 0)
			opened++;
	CHECK(opened == 0, "%s: each of its %zu prefixes: %zu opened", what,
	    len, opened);
	memcpy(c, s, len);
	c[len] = 0;
	c[len + 1] = 0;
	CHECK(grant_open(c, len + 1, &got) == -1 &&
	    grant_open(c, len + 2, &got) == -1,
	    "%s: a byte more, two bytes more: refused", what);
	CHECK(opens_as(s, len, g), "%s: the grant itself still opens", what);
	CHECK(grant_open(c, GRANT_SEALED_MAX + 1, &got) == -1,
	    "%s: a length past GRANT_SEALED_MAX is refused unread", what);
}

/*
 * Decoding after a valid MAC (which only a holder of the key can make)
 * is strict all the same.  s is a grant sealed with k whose impersonator
 * is at its longest.
 */
static void
test_malformed_payload(const struct testkey *k)
{
	static unsigned char	 s[GRANT_SEALED_MAX + 16], c[GRANT_SEALED_MAX + 16];
	struct grant		 g, got;
	size_t			 len, kidlen = strlen(k->kid), at;
	long			 n;

	grant_link(&g);
	fill(g.impersonator_id, sizeof(g.impersonator_id), 'i');
	if ((n = grant_seal(&g, s, sizeof(s))) <= 0)
		bail("grant_seal");
	len = (size_t)n;
	/* The u16 length of impersonator_id. */
	at = 2 + kidlen + 1 + 2 * GRANT_ID_BYTES + 8 + 8 + 2 * GRANT_HASH_BYTES +
	    1;

	memcpy(c, s, len);
	remac(c, len, k);
	CHECK(opens_as(c, len, &g), "the MAC made again by the test opens "
	    "(the control)");

	memcpy(c, s, len - 32);
	c[len - 32] = 0;
	remac(c, len + 1, k);
	CHECK(grant_open(c, len + 1, &got) == -1,
	    "a trailing byte under a valid MAC: refused");

	memcpy(c, s, len);
	c[2 + kidlen] = 7;
	remac(c, len, k);
	CHECK(grant_open(c, len, &got) == -1,
	    "kind 7 under a valid MAC: refused");
	memcpy(c, s, len);
	c[2 + kidlen] = 0;
	remac(c, len, k);
	CHECK(grant_open(c, len, &got) == -1,
	    "kind 0 under a valid MAC: refused");
	memcpy(c, s, len);
	c[2 + kidlen] = GRANT_KIND_SIGNIN;
	remac(c, len, k);
	CHECK(grant_open(c, len, &got) == -1,
	    "a link's grant relabelled a sign-in grant under a valid MAC: "
	    "refused");
	memcpy(c, s, len);
	c[2 + kidlen] = GRANT_KIND_CONSOLE;
	remac(c, len, k);
	CHECK(grant_open(c, len, &got) == -1,
	    "a link's grant relabelled a console grant (a response type) under "
	    "a valid MAC: refused");

	memcpy(c, s, len);
	c[at - 1] = 0;
	remac(c, len, k);
	CHECK(grant_open(c, len, &got) == -1,
	    "response_type 0 under a valid MAC: refused");

	/* 257 bytes of impersonator: one more than the field holds. */
	memcpy(c, s, at + 2 + PROTO_USER_ID_MAX);
	c[at] = (PROTO_USER_ID_MAX + 1) >> 8;
	c[at + 1] = (PROTO_USER_ID_MAX + 1) & 0xff;
	c[at + 2 + PROTO_USER_ID_MAX] = 'i';
	memcpy(c + at + 3 + PROTO_USER_ID_MAX, s + at + 2 + PROTO_USER_ID_MAX,
	    len - (at + 2 + PROTO_USER_ID_MAX));
	remac(c, len + 1, k);
	CHECK(grant_open(c, len + 1, &got) == -1,
	    "a string longer than its field under a valid MAC: refused");

	memcpy(c, s, len);
	c[at + 2 + 7] = '\0';
	remac(c, len, k);
	CHECK(grant_open(c, len, &got) == -1,
	    "a NUL inside a string under a valid MAC: refused");

	/* The last string (approval_id, empty) cut off: 2 bytes fewer, as a
	 * grant of version 4 (before approvals) was laid out. */
	memcpy(c, s, len - 34);
	memcpy(c + len - 34, s + len - 32, 32);
	remac(c, len - 2, k);
	CHECK(grant_open(c, len - 2, &got) == -1,
	    "a field missing under a valid MAC: refused");

	memcpy(c, s, len);
	c[0] = 1;
	remac(c, len, k);
	CHECK(grant_open(c, len, &got) == -1,
	    "version 1 (before login grants) under a valid MAC: refused");
	CHECK(s[0] == 5, "sealed as version 5 (approvals: the approval_id)");

	/* Version 4 (before approvals): no approval_id, laid out and MACed
	 * right. */
	memcpy(c, s, len - 34);
	memcpy(c + len - 34, s + len - 32, 32);
	c[0] = 4;
	remac(c, len - 2, k);
	CHECK(grant_open(c, len - 2, &got) == -1,
	    "a grant of version 4 (before approvals) under a valid MAC: "
	    "refused");

	/* Version 3 (before sessions): no sid either. */
	memcpy(c, s, len - 36);
	memcpy(c + len - 36, s + len - 32, 32);
	c[0] = 3;
	remac(c, len - 4, k);
	CHECK(grant_open(c, len - 4, &got) == -1,
	    "a grant of version 3 (before sessions) under a valid MAC: refused");

	/* A sid of 65 bytes (then the empty approval_id): one too many. */
	memcpy(c, s, len - 36);
	c[len - 36] = 0;
	c[len - 35] = PROTO_SID_MAX + 1;
	memset(c + len - 34, 'd', PROTO_SID_MAX + 1);
	memset(c + len - 34 + PROTO_SID_MAX + 1, 0, 2);
	remac(c, len - 36 + 4 + PROTO_SID_MAX + 1 + 32, k);
	CHECK(grant_open(c, len - 36 + 4 + PROTO_SID_MAX + 1 + 32, &got) ==
	    -1, "a sid longer than PROTO_SID_MAX under a valid MAC: refused");
	/* ... and one of 64, the control. */
	c[len - 35] = PROTO_SID_MAX;
	memset(c + len - 34 + PROTO_SID_MAX, 0, 2);
	remac(c, len - 36 + 4 + PROTO_SID_MAX + 32, k);
	CHECK(grant_open(c, len - 36 + 4 + PROTO_SID_MAX + 32, &got) == 0 &&
	    strlen(got.sid) == PROTO_SID_MAX && got.approval_id[0] == '\0',
	    "a sid of PROTO_SID_MAX under a valid MAC opens (the control)");

	/* An approval_id of 65 bytes, last: one more than the field holds. */
	memcpy(c, s, len - 34);
	c[len - 34] = 0;
	c[len - 33] = PROTO_APPROVAL_ID_MAX + 1;
	memset(c + len - 32, 'a', PROTO_APPROVAL_ID_MAX + 1);
	remac(c, len - 34 + 2 + PROTO_APPROVAL_ID_MAX + 1 + 32, k);
	CHECK(grant_open(c, len - 34 + 2 + PROTO_APPROVAL_ID_MAX + 1 + 32,
	    &got) == -1, "an approval_id longer than PROTO_APPROVAL_ID_MAX "
	    "under a valid MAC: refused");
	/* ... and one of 64, the control. */
	c[len - 33] = PROTO_APPROVAL_ID_MAX;
	remac(c, len - 34 + 2 + PROTO_APPROVAL_ID_MAX + 32, k);
	CHECK(grant_open(c, len - 34 + 2 + PROTO_APPROVAL_ID_MAX + 32, &got) ==
	    0 && strlen(got.approval_id) == PROTO_APPROVAL_ID_MAX,
	    "an approval_id of PROTO_APPROVAL_ID_MAX under a valid MAC opens "
	    "(the control)");
}

static void
test_rotation(void)
{
	static unsigned char	 s1[GRANT_SEALED_MAX], s2[GRANT_SEALED_MAX];
	struct testkey		 k[3], other[1];
	struct grant		 g, got;
	long			 n1, n2;

	testkey(&k[0], "20261101T000000Z");
	testkey(&k[1], "20261201T000000Z");
	testkey(&k[2], "x");
	grant_link(&g);

	CHECK(loads(keyfile("one.key", k, 1)), "a file of one key loads");
	n1 = grant_seal(&g, s1, sizeof(s1));
	CHECK(n1 > 0 && s1[1] == 16 && memcmp(s1 + 2, k[0].kid, 16) == 0,
	    "sealed under the kid of that key");
	test_malformed_payload(&k[0]);

	CHECK(loads(keyfile("two.key", k, 2)), "a file of two keys loads");
	n2 = grant_seal(&g, s2, sizeof(s2));
	CHECK(n2 > 0 && memcmp(s2 + 2, k[1].kid, 16) == 0,
	    "the newest key, the last line, seals");
	CHECK(n1 > 0 && opens_as(s1, (size_t)n1, &g),
	    "a grant sealed with the older key still opens");
	CHECK(n2 > 0 && opens_as(s2, (size_t)n2, &g),
	    "and one sealed with the newest");

	CHECK(loads(keyfile("newest.key", k + 1, 1)),
	    "the older key removed: loads");
	CHECK(grant_open(s1, (size_t)n1, &got) == -1,
	    "a grant of the removed key's kid no longer opens");
	CHECK(opens_as(s2, (size_t)n2, &g), "the newest key's still does");

	/* The same kid with another key: the MAC fails. */
	testkey(&other[0], k[1].kid);
	CHECK(loads(keyfile("other.key", other, 1)),
	    "another key under the same kid loads");
	CHECK(grant_open(s2, (size_t)n2, &got) == -1,
	    "a grant does not open under another key of its kid");
	/* The same key under another kid: the kid is unknown. */
	memcpy(other[0].key, k[1].key, sizeof(other[0].key));
	memcpy(other[0].text, k[1].text, sizeof(other[0].text));
	snprintf(other[0].kid, sizeof(other[0].kid), "renamed");
	CHECK(loads(keyfile("renamed.key", other, 1)),
	    "the same key under another kid loads");
	CHECK(grant_open(s2, (size_t)n2, &got) == -1,
	    "an unknown kid does not open, whatever the key");

	CHECK(loads(keyfile("two.key", k, 2)), "two keys again");
	refused("a failed load", file_with("bad.key", "", 0), "no key");
	CHECK(opens_as(s2, (size_t)n2, &g),
	    "keep the keys loaded before it");

	grant_keys_wipe();
	CHECK(grant_open(s2, (size_t)n2, &got) == -1 &&
	    grant_seal(&g, s1, sizeof(s1)) == -1,
	    "after grant_keys_wipe nothing opens or seals");
}

static void
test_key_files(void)
{
	struct testkey	 k[GRANTKEY_MAX + 1];
	char		 text[GRANTKEY_FILE_MAX * 2], kid[16];
	const char	*path;
	size_t		 i;

	for (i = 0; i < GRANTKEY_MAX + 1; i++) {
		snprintf(kid, sizeof(kid), "k%zu", i);
		testkey(&k[i], kid);
	}
	CHECK(loads(keyfile("16.key", k, GRANTKEY_MAX)), "16 keys load");
	refused("17 keys", keyfile("17.key", k, GRANTKEY_MAX + 1),
	    "line 17: more than 16 keys");
	refused("an empty file", file_with("empty.key", "", 0), "no key");
	refused("a missing file", "/nonexistent/grant.key",
	    "No such file");

	snprintf(text, sizeof(text), "a %s", k[0].text);
	CHECK(loads(file_with("nonl.key", text, strlen(text))),
	    "a last line without its newline loads");
	snprintf(text, sizeof(text), "%s %s\n%s %s\n", k[0].kid, k[0].text,
	    k[0].kid, k[1].text);
	refused("a kid twice", file_with("dup.key", text, strlen(text)),
	    "line 2: the kid of an earlier line");
	snprintf(text, sizeof(text), "a %.42s*\n", k[0].text);
	refused("a character outside base64url",
	    file_with("b64.key", text, strlen(text)),
	    "line 1: the key is not base64url");
	snprintf(text, sizeof(text), "a %s=\n", k[0].text);
	refused("base64 padding", file_with("pad.key", text, strlen(text)),
	    "line 1: the key is not base64url");
	snprintf(text, sizeof(text), "a %s\r\n", k[0].text);
	refused("a CRLF line end", file_with("crlf.key", text, strlen(text)),
	    "line 1: the key is not base64url");
	/* 31 bytes: 42 characters; 33 bytes: 44. */
	b64url_encode(text + 2, k[0].key, 31);
	memcpy(text, "a ", 2);
	refused("31 bytes", file_with("31.key", text, strlen(text)),
	    "line 1: the key is not 32 bytes");
	{
		unsigned char	 raw[33];

		memcpy(raw, k[0].key, 32);
		raw[32] = 7;
		b64url_encode(text + 2, raw, sizeof(raw));
	}
	refused("33 bytes", file_with("33.key", text, strlen(text)),
	    "line 1: the key is not 32 bytes");
	snprintf(text, sizeof(text), "a %s%s\n", k[0].text, k[1].text);
	refused("a key of 86 characters", file_with("long.key", text,
	    strlen(text)), "line 1: the key is not base64url");
	snprintf(text, sizeof(text), "a/b %s\n", k[0].text);
	refused("a slash in the kid", file_with("slash.key", text,
	    strlen(text)), "line 1: the kid must be 1 to 32 characters");
	snprintf(text, sizeof(text), "%s %s\n", "abcdefghijklmnopqrstuvwxyz0123456",
	    k[0].text);
	refused("a kid of 33 characters", file_with("kid33.key", text,
	    strlen(text)), "line 1: the kid must be");
	snprintf(text, sizeof(text), " %s\n", k[0].text);
	refused("an empty kid", file_with("nokid.key", text, strlen(text)),
	    "line 1: the kid must be");
	snprintf(text, sizeof(text), "a  %s\n", k[0].text);
	refused("two spaces", file_with("2sp.key", text, strlen(text)),
	    "line 1: the key is not base64url");
	snprintf(text, sizeof(text), "%s\n", k[0].text);
	refused("a key without kid", file_with("bare.key", text, strlen(text)),
	    "line 1: not \"<kid> <key>\"");
	snprintf(text, sizeof(text), "a %s\n\nb %s\n", k[0].text, k[1].text);
	refused("an empty line", file_with("blank.key", text, strlen(text)),
	    "line 2: empty line");
	snprintf(text, sizeof(text), "a %s\n\n", k[0].text);
	refused("an empty last line", file_with("blank2.key", text,
	    strlen(text)), "line 2: empty line");
	memcpy(text, "a\0b ", 4);
	memcpy(text + 4, k[0].text, KEY_TEXT);
	refused("a NUL in the kid", file_with("nul.key", text, 4 + KEY_TEXT),
	    "line 1: the kid must be");
	memset(text, 'a', GRANTKEY_FILE_MAX + 1);
	refused("a file of 4097 bytes", file_with("big.key", text,
	    GRANTKEY_FILE_MAX + 1), "larger than 4096 bytes");
	path = file_with("dir.key", "", 0);
	(void)unlink(path);
	if (mkdir(path, 0700) == -1)
		bail("mkdir");
	refused("a folder", path, "dir.key");
	(void)rmdir(path);

	/* "credential:NAME", as systemd's LoadCredential= passes it. */
	keyfile("cred.key", k, 1);
	setenv("CREDENTIALS_DIRECTORY", dir, 1);
	CHECK(loads("credential:cred.key"), "a credential loads from "
	    "$CREDENTIALS_DIRECTORY");
	unsetenv("CREDENTIALS_DIRECTORY");
	refused("a credential without $CREDENTIALS_DIRECTORY",
	    "credential:cred.key", "credential:cred.key");
}

int
main(void)
{
	char	 cmd[PATH_MAX + 16];

	log_init("test_grant", 0);
	if (mkdtemp(dir) == NULL)
		bail("mkdtemp");
	snprintf(errfile, sizeof(errfile), "%s/stderr", dir);

	test_key_files();
	test_rotation();
	{
		struct testkey	 k;
		struct grant	 g;

		testkey(&k, "k");
		if (!loads(keyfile("k.key", &k, 1)))
			bail("a key file does not load");
		test_round_trip();
		grant_link(&g);
		test_alterations("a link's grant", &g);
		grant_full(&g);
		test_alterations("the longest grant", &g);
	}
	grant_keys_wipe();

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return check_done();
}
