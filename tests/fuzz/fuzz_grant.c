/*
 * grant_open, the signer's decoder of sealed grants, which the front end
 * hands back.  The input is opened twice: as it is (which, but for a
 * committed seed, only tells that a bad MAC is refused without a fault),
 * and as the payload of a grant wrapped and MACed with the harness's key,
 * which is what reaches the field decoder.  Whatever opens must seal back
 * to the same bytes, and not into one byte less.  The key is fixed, bytes
 * 0 to 31, kid "fuzz": a test key, made here, in no file.  The wrapper
 * writes the version grant_seal writes (read off a grant it seals at the
 * start), so that a new grant version does not leave the field decoder
 * behind a version check that refuses every input.
 */
#include <stdio.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "b64url.h"
#include "fuzz.h"
#include "grant.h"

#define KID	"fuzz"

static unsigned char	 key[GRANTKEY_BYTES];
static unsigned char	 version;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	 path[] = "/tmp/fuzz_grant.XXXXXX";
	char	 text[B64URL_ENCODED_LEN(GRANTKEY_BYTES) + 1];
	size_t	 i;
	int	 fd;

	(void)argc;
	(void)argv;
	for (i = 0; i < sizeof(key); i++)
		key[i] = (unsigned char)i;
	b64url_encode(text, key, sizeof(key));
	if ((fd = mkstemp(path)) == -1 ||
	    dprintf(fd, "other AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n"
	    "%s %s\n", KID, text) < 0 || close(fd) == -1)
		abort();
	FUZZ_ASSERT(grant_keys_load(path) == 0);
	(void)unlink(path);
	{
		static unsigned char	 s[GRANT_SEALED_MAX];
		struct grant		 g;

		memset(&g, 0, sizeof(g));
		g.kind = GRANT_KIND_LINK;
		g.response_type = 1;
		FUZZ_ASSERT(grant_seal(&g, s, sizeof(s)) > 0);
		version = s[0];
	}
	return 0;
}

/* A kind the signer seals, with the response type that kind takes. */
static int
known_kind(const struct grant *g)
{
	switch (g->kind) {
	case GRANT_KIND_LINK:
	case GRANT_KIND_CODE:
	case GRANT_KIND_LOGIN:
	case GRANT_KIND_SESSION:
	case GRANT_KIND_APPROVAL:
	case GRANT_KIND_APPROVED:
		return g->response_type == 1 || g->response_type == 2;
	case GRANT_KIND_CONSOLE:
	case GRANT_KIND_SIGNIN:
	case GRANT_KIND_WEBHOOK:
		return g->response_type == 0;
	default:
		return 0;
	}
}

static void
check_open(const unsigned char *in, size_t len)
{
	static unsigned char	 out[GRANT_SEALED_MAX];
	struct grant		 g;
	long			 n;

	if (grant_open(in, len, &g) == -1)
		return;
	FUZZ_ASSERT(len <= GRANT_SEALED_MAX);
	FUZZ_ASSERT(known_kind(&g));
	FUZZ_ASSERT(strnlen(g.sid, sizeof(g.sid)) <= PROTO_SID_MAX);
	FUZZ_ASSERT(strnlen(g.approval_id, sizeof(g.approval_id)) <=
	    PROTO_APPROVAL_ID_MAX);
	/* The newest key, the harness's, seals: the same bytes. */
	FUZZ_ASSERT(in[1] != strlen(KID) ||
	    memcmp(in + 2, KID, strlen(KID)) != 0 ||
	    ((n = grant_seal(&g, out, sizeof(out))) == (long)len &&
	    memcmp(out, in, len) == 0 &&
	    grant_seal(&g, out, len - 1) == -1));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char	*w;
	unsigned int	 maclen = 32;
	size_t		 head = 2 + strlen(KID), len = head + size + 32;

	check_open(data, size);
	if ((w = malloc(len)) == NULL)
		abort();
	w[0] = version;
	w[1] = (unsigned char)strlen(KID);
	memcpy(w + 2, KID, strlen(KID));
	if (size > 0)
		memcpy(w + head, data, size);
	if (HMAC(EVP_sha256(), key, sizeof(key), w, head + size,
	    w + head + size, &maclen) == NULL || maclen != 32)
		abort();
	check_open(w, len);
	free(w);
	return 0;
}
