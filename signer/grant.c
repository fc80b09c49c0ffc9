/*
 * Sealed grants and the grant key file (DESIGN.md sections 4 and 5).
 *
 *	u8 version | u8 kidlen | kid | payload | HMAC-SHA256(key of kid, all
 *	that comes before the MAC)
 *
 * The payload, in this fixed order, big-endian: u8 kind, id (32 bytes),
 * u64 exp, u64 auth_time (two's complement), ticket_hash (32 bytes),
 * session_hash (32 bytes), session_id (32 bytes), u8 response_type, then as u16 length + bytes: impersonator_id, user_id,
 * client_id, caller, callback_url, scope, nonce, reason, code_challenge,
 * sid, approval_id.
 *
 * An HMAC, not encryption: the front end saw every field of a grant go by
 * on its way in; what it must not do is make one or alter one.  The MAC is
 * checked before any field is read, so the decoder only ever reads bytes
 * this signer (or another node with the same file) wrote; it is as strict
 * as the protocol's all the same: every length against its field, the
 * input consumed exactly.
 *
 * Each key gets a keyed EVP_MAC_CTX once, at load, which every call
 * re-initialises: about a microsecond a grant, where a new context (or
 * HMAC(), which makes one) costs twice that, and grants are sealed and
 * opened thousands of times a second.  The signer has one thread.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include "config.h"
#include "grant.h"
#include "grantkey.h"
#include "log.h"
#include "wire.h"

#define GRANT_VERSION	5	/* 2: login grants, code_challenge;
				 * 3: session_hash and session_id,
				 * sign-in grants; 4: sid, session
				 * and webhook grants; 5: approval_id,
				 * approval grants */
#define GRANT_MAC_BYTES	32

#define GRANT_STRINGS	11
#define GRANT_FIXED	(1 + 2 * GRANT_ID_BYTES + 8 + 8 + 2 * GRANT_HASH_BYTES + 1 + \
			 2 * GRANT_STRINGS)

/* The longest grant fits, with its longest kid. */
_Static_assert(2 + GRANTKEY_KID_MAX + GRANT_FIXED + 2 * PROTO_USER_ID_MAX +
    2 * PROTO_CLIENT_ID_MAX + GRANT_CALLBACK_MAX + PROTO_SCOPE_MAX +
    PROTO_NONCE_MAX + PROTO_REASON_MAX + PROTO_CHALLENGE_MAX +
    PROTO_SID_MAX + PROTO_APPROVAL_ID_MAX + GRANT_MAC_BYTES <=
    GRANT_SEALED_MAX,
    "GRANT_SEALED_MAX is too small for the longest grant");

struct grant_key {
	char		 kid[GRANTKEY_KID_MAX + 1];
	size_t		 kidlen;
	EVP_MAC_CTX	*mac;		/* keyed: the key itself is not kept */
};

/* The newest key, which seals, is the last. */
static struct grant_key	 keys[GRANTKEY_MAX];
static size_t		 nkeys;
static EVP_MAC		*hmac;

struct writer {
	unsigned char	*p;
	size_t		 len, cap;
	int		 bad;
};

struct reader {
	const unsigned char	*p;
	size_t			 len, off;
	int			 bad;
};

static void
w_bytes(struct writer *w, const void *p, size_t len)
{
	if (w->bad || len > w->cap - w->len) {
		w->bad = 1;
		return;
	}
	memcpy(w->p + w->len, p, len);
	w->len += len;
}

static void
w_u8(struct writer *w, unsigned int v)
{
	unsigned char	 b = v;

	w_bytes(w, &b, 1);
}

static void
w_u64(struct writer *w, long long v)
{
	uint64_t	 u = (uint64_t)v;
	uint8_t		 b[8];

	put_u32(b, (uint32_t)(u >> 32));
	put_u32(b + 4, (uint32_t)u);
	w_bytes(w, b, sizeof(b));
}

/* A field of size bytes: its string must end inside it. */
static void
w_str(struct writer *w, const char *s, size_t size)
{
	size_t	 len = strnlen(s, size);
	uint8_t	 b[2];

	if (len == size || len > UINT16_MAX) {
		w->bad = 1;
		return;
	}
	put_u16(b, (uint16_t)len);
	w_bytes(w, b, sizeof(b));
	w_bytes(w, s, len);
}

static const unsigned char *
r_bytes(struct reader *r, size_t len)
{
	const unsigned char	*p;

	if (r->bad || len > r->len - r->off) {
		r->bad = 1;
		return NULL;
	}
	p = r->p + r->off;
	r->off += len;
	return p;
}

static unsigned int
r_u8(struct reader *r)
{
	const unsigned char	*p = r_bytes(r, 1);

	return p == NULL ? 0 : p[0];
}

static long long
r_u64(struct reader *r)
{
	const unsigned char	*p = r_bytes(r, 8);

	if (p == NULL)
		return 0;
	return (long long)((uint64_t)get_u32(p) << 32 | get_u32(p + 4));
}

static void
r_copy(struct reader *r, void *dst, size_t len)
{
	const unsigned char	*p = r_bytes(r, len);

	if (p != NULL)
		memcpy(dst, p, len);
}

/* Into a field of size bytes: shorter than it, and no NUL inside. */
static void
r_str(struct reader *r, char *dst, size_t size)
{
	const unsigned char	*p;
	size_t			 len;

	if ((p = r_bytes(r, 2)) == NULL)
		return;
	len = get_u16(p);
	if (len >= size) {
		r->bad = 1;
		return;
	}
	if ((p = r_bytes(r, len)) == NULL)
		return;
	if (memchr(p, '\0', len) != NULL) {
		r->bad = 1;
		return;
	}
	memcpy(dst, p, len);
	dst[len] = '\0';
}

static int
grant_mac(EVP_MAC_CTX *ctx, const unsigned char *p, size_t len,
    unsigned char *out)
{
	size_t	 n;

	/* A NULL key re-initialises the context with the key it holds. */
	if (EVP_MAC_init(ctx, NULL, 0, NULL) != 1 ||
	    EVP_MAC_update(ctx, p, len) != 1 ||
	    EVP_MAC_final(ctx, out, &n, GRANT_MAC_BYTES) != 1 ||
	    n != GRANT_MAC_BYTES) {
		ERR_clear_error();
		return -1;
	}
	return 0;
}

static int
grant_fields_ok(int kind, int response_type)
{
	if (kind == GRANT_KIND_CONSOLE || kind == GRANT_KIND_SIGNIN ||
	    kind == GRANT_KIND_WEBHOOK)
		return response_type == 0;
	return (kind == GRANT_KIND_LINK || kind == GRANT_KIND_CODE ||
	    kind == GRANT_KIND_LOGIN || kind == GRANT_KIND_SESSION ||
	    kind == GRANT_KIND_APPROVAL || kind == GRANT_KIND_APPROVED) &&
	    (response_type == 1 || response_type == 2);
}

long
grant_seal(const struct grant *g, unsigned char *out, size_t outlen)
{
	const struct grant_key	*k;
	struct writer		 w = { out, 0, outlen, 0 };

	if (nkeys == 0 || !grant_fields_ok(g->kind, g->response_type))
		return -1;
	if (w.cap > GRANT_SEALED_MAX)
		w.cap = GRANT_SEALED_MAX;
	k = &keys[nkeys - 1];
	w_u8(&w, GRANT_VERSION);
	w_u8(&w, (unsigned int)k->kidlen);
	w_bytes(&w, k->kid, k->kidlen);
	w_u8(&w, (unsigned int)g->kind);
	w_bytes(&w, g->id, sizeof(g->id));
	w_u64(&w, g->exp);
	w_u64(&w, g->auth_time);
	w_bytes(&w, g->ticket_hash, sizeof(g->ticket_hash));
	w_bytes(&w, g->session_hash, sizeof(g->session_hash));
	w_bytes(&w, g->session_id, sizeof(g->session_id));
	w_u8(&w, (unsigned int)g->response_type);
	w_str(&w, g->impersonator_id, sizeof(g->impersonator_id));
	w_str(&w, g->user_id, sizeof(g->user_id));
	w_str(&w, g->client_id, sizeof(g->client_id));
	w_str(&w, g->caller, sizeof(g->caller));
	w_str(&w, g->callback_url, sizeof(g->callback_url));
	w_str(&w, g->scope, sizeof(g->scope));
	w_str(&w, g->nonce, sizeof(g->nonce));
	w_str(&w, g->reason, sizeof(g->reason));
	w_str(&w, g->code_challenge, sizeof(g->code_challenge));
	w_str(&w, g->sid, sizeof(g->sid));
	w_str(&w, g->approval_id, sizeof(g->approval_id));
	if (w.bad || w.cap - w.len < GRANT_MAC_BYTES ||
	    grant_mac(k->mac, out, w.len, out + w.len) == -1)
		return -1;
	return (long)(w.len + GRANT_MAC_BYTES);
}

static const struct grant_key *
grant_key_find(const unsigned char *kid, size_t kidlen)
{
	size_t	 i;

	for (i = 0; i < nkeys; i++)
		if (keys[i].kidlen == kidlen &&
		    memcmp(keys[i].kid, kid, kidlen) == 0)
			return &keys[i];
	return NULL;
}

static int
grant_decode(struct reader *r, struct grant *g)
{
	int	 kind, response_type;

	kind = (int)r_u8(r);
	r_copy(r, g->id, sizeof(g->id));
	g->exp = r_u64(r);
	g->auth_time = r_u64(r);
	r_copy(r, g->ticket_hash, sizeof(g->ticket_hash));
	r_copy(r, g->session_hash, sizeof(g->session_hash));
	r_copy(r, g->session_id, sizeof(g->session_id));
	response_type = (int)r_u8(r);
	r_str(r, g->impersonator_id, sizeof(g->impersonator_id));
	r_str(r, g->user_id, sizeof(g->user_id));
	r_str(r, g->client_id, sizeof(g->client_id));
	r_str(r, g->caller, sizeof(g->caller));
	r_str(r, g->callback_url, sizeof(g->callback_url));
	r_str(r, g->scope, sizeof(g->scope));
	r_str(r, g->nonce, sizeof(g->nonce));
	r_str(r, g->reason, sizeof(g->reason));
	r_str(r, g->code_challenge, sizeof(g->code_challenge));
	r_str(r, g->sid, sizeof(g->sid));
	r_str(r, g->approval_id, sizeof(g->approval_id));
	if (r->bad || r->off != r->len || !grant_fields_ok(kind, response_type))
		return -1;
	g->kind = (enum grant_kind)kind;
	g->response_type = response_type;
	return 0;
}

int
grant_open(const unsigned char *in, size_t len, struct grant *g)
{
	const struct grant_key	*k;
	unsigned char		 mac[GRANT_MAC_BYTES];
	struct reader		 r;
	size_t			 kidlen, body;

	memset(g, 0, sizeof(*g));
	if (len < 2 + GRANT_MAC_BYTES || len > GRANT_SEALED_MAX ||
	    in[0] != GRANT_VERSION)
		return -1;
	kidlen = in[1];
	body = len - GRANT_MAC_BYTES;
	if (kidlen == 0 || kidlen > GRANTKEY_KID_MAX || 2 + kidlen > body ||
	    (k = grant_key_find(in + 2, kidlen)) == NULL)
		return -1;
	if (grant_mac(k->mac, in, body, mac) == -1 ||
	    CRYPTO_memcmp(mac, in + body, GRANT_MAC_BYTES) != 0)
		return -1;
	r.p = in + 2 + kidlen;
	r.len = body - 2 - kidlen;
	r.off = 0;
	r.bad = 0;
	if (grant_decode(&r, g) == -1) {
		memset(g, 0, sizeof(*g));
		return -1;
	}
	return 0;
}

static void
grant_keys_free(struct grant_key *k, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		EVP_MAC_CTX_free(k[i].mac);	/* which cleanses the key */
	OPENSSL_cleanse(k, n * sizeof(*k));
}

void
grant_keys_wipe(void)
{
	grant_keys_free(keys, nkeys);
	nkeys = 0;
}

/* Keyed contexts for the keys of the file, into fresh; logged on error. */
static int
grant_keys_make(const char *file, const struct grantkey *gk, size_t n,
    struct grant_key *fresh)
{
	OSSL_PARAM	 params[2];
	size_t		 i;

	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)(uintptr_t)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	for (i = 0; i < n; i++) {
		memcpy(fresh[i].kid, gk[i].kid, sizeof(fresh[i].kid));
		fresh[i].kidlen = strlen(gk[i].kid);
		if ((fresh[i].mac = EVP_MAC_CTX_new(hmac)) == NULL ||
		    EVP_MAC_init(fresh[i].mac, gk[i].key, GRANTKEY_BYTES,
		    params) != 1) {
			ERR_clear_error();
			log_warnx("%s: line %zu: cannot make an HMAC-SHA256 "
			    "key of it", file, i + 1);
			grant_keys_free(fresh, i + 1);
			return -1;
		}
	}
	return 0;
}

/* The whole grant key file, named as the configuration names it. */
static ssize_t
grant_key_read(const char *file, char buf[GRANTKEY_FILE_MAX + 1])
{
	char	 path[PATH_MAX];
	ssize_t	 len;
	int	 fd;

	if (config_path(file, path, sizeof(path)) == -1 ||
	    (fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		log_warn("%s", file);
		return -1;
	}
	if ((len = grantkey_read(fd, buf)) == -1) {
		if (errno == EFBIG)
			log_warnx("%s: larger than %d bytes", file,
			    GRANTKEY_FILE_MAX);
		else
			log_warn("%s", file);
	}
	(void)close(fd);
	return len;
}

int
grant_keys_load(const char *file)
{
	struct grantkey		 gk[GRANTKEY_MAX];
	struct grant_key	 fresh[GRANTKEY_MAX];
	char			 buf[GRANTKEY_FILE_MAX + 1];
	const char		*why;
	unsigned int		 line;
	ssize_t			 len;
	int			 n = -1;

	if (hmac == NULL && (hmac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL) {
		ERR_clear_error();
		log_warnx("%s: no HMAC in OpenSSL", file);
		return -1;
	}
	memset(fresh, 0, sizeof(fresh));
	if ((len = grant_key_read(file, buf)) != -1 &&
	    (n = grantkey_parse(buf, (size_t)len, gk, &line, &why)) == -1) {
		if (line == 0)
			log_warnx("%s: %s (guisectl secret --grant-key makes "
			    "one)", file, why);
		else
			log_warnx("%s: line %u: %s", file, line, why);
	}
	OPENSSL_cleanse(buf, sizeof(buf));
	if (n != -1 && grant_keys_make(file, gk, (size_t)n, fresh) == -1)
		n = -1;
	OPENSSL_cleanse(gk, sizeof(gk));
	if (n == -1)
		return -1;
	grant_keys_wipe();
	memcpy(keys, fresh, (size_t)n * sizeof(fresh[0]));
	nkeys = (size_t)n;
	OPENSSL_cleanse(fresh, sizeof(fresh));
	return 0;
}
