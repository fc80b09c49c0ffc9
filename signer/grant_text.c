#include <string.h>

#include <openssl/crypto.h>

#include "audit.h"
#include "grant_text.h"
#include "log.h"
#include "monotonic.h"
#include "random.h"
#include "redeemed.h"

void
warn_seldom(struct seldom *s, const char *what)
{
	long long	 now = monotonic_us();

	if (s->said_us != 0 && now - s->said_us < 1000000) {
		s->since++;
		return;
	}
	if (s->since > 0)
		log_warnx("%s (%lu more since the last line)", what, s->since);
	else
		log_warnx("%s", what);
	s->said_us = now;
	s->since = 0;
}

int
secret_draw(char out[SECRET_LEN + 1])
{
	unsigned char	 raw[SECRET_BYTES];

	if (random_draw(raw, sizeof(raw)) == -1)
		return -1;
	b64url_encode(out, raw, sizeof(raw));
	return 0;
}

int
grant_to_text(const struct grant *g, char out[PROTO_GRANT_MAX + 1])
{
	unsigned char	 raw[GRANT_SEALED_MAX];
	long		 n;

	if ((n = grant_seal(g, raw, sizeof(raw))) == -1 ||
	    B64URL_ENCODED_LEN((size_t)n) > PROTO_GRANT_MAX)
		return -1;
	b64url_encode(out, raw, (size_t)n);
	return 0;
}

int
grant_from_text(struct proto_str text, enum grant_kind kind, struct grant *g)
{
	static struct seldom	 forged;
	unsigned char		 raw[GRANT_SEALED_MAX];
	ssize_t			 n;

	if ((n = b64url_decode(raw, sizeof(raw), text.p, text.len)) <= 0 ||
	    grant_open(raw, (size_t)n, g) == -1) {
		warn_seldom(&forged,
		    "a grant that is not the signer's was presented");
		return -1;
	}
	return g->kind == kind ? 0 : -1;
}

int
grant_travels_under(const struct grant *g, struct proto_str secret)
{
	unsigned char	 h[SHA256_LEN];

	return secret.len > 0 && sha256(secret.p, secret.len, h) == 0 &&
	    CRYPTO_memcmp(h, g->ticket_hash, sizeof(h)) == 0;
}

int
grant_renew(const struct grant *g, enum grant_kind kind, long long exp,
    char secret[SECRET_LEN + 1], char hash[SHA256_HEX_LEN + 1],
    char text[PROTO_GRANT_MAX + 1])
{
	struct grant	 n = *g;

	n.kind = kind;
	n.exp = exp;
	if (secret_draw(secret) == -1 ||
	    random_draw(n.id, sizeof(n.id)) == -1 ||
	    sha256(secret, strlen(secret), n.ticket_hash) == -1 ||
	    grant_to_text(&n, text) == -1)
		return -1;
	hex_encode(n.ticket_hash, sizeof(n.ticket_hash), hash);
	return 0;
}

/*
 * The id is remembered on the clock that checks the grant's expiry (a
 * clock stepped back keeps both).
 */
uint32_t
grant_redeem(const struct grant *g, long long keep, long long now)
{
	static struct seldom	 full;

	if (keep < g->exp)
		keep = g->exp;
	switch (redeemed_take(g->id, keep, now)) {
	case 0:
		return PROTO_OK;
	case 1:
		return PROTO_ERR_REDEEMED;
	default:
		warn_seldom(&full, "too many grants redeemed lately: refusing");
		return PROTO_ERR_INTERNAL;
	}
}

void
grant_recorded(const struct grant *g, struct audit_record *r,
    char id[SHA256_HEX_LEN + 1])
{
	hex_encode(g->id, sizeof(g->id), id);
	r->grant_id = id;
	r->grant_exp = g->exp;
}
