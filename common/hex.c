#include <string.h>

#include <openssl/evp.h>

#include "hex.h"

void
hex_encode(const unsigned char *in, size_t len, char *out)
{
	static const char	 digits[] = "0123456789abcdef";
	size_t			 i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * len] = '\0';
}

int
sha256(const void *in, size_t len, unsigned char out[SHA256_LEN])
{
	static EVP_MD	*md;
	unsigned int	 n = 0;

	if (md == NULL && (md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		return -1;
	if (EVP_Digest(in, len, out, &n, md, NULL) != 1 || n != SHA256_LEN)
		return -1;
	return 0;
}

int
sha256_hex(const char *s, char out[SHA256_HEX_LEN + 1])
{
	unsigned char	 md[SHA256_LEN];

	if (sha256(s, strlen(s), md) == -1) {
		/* Never a half-written name: zeros, which name nothing. */
		memset(out, '0', SHA256_HEX_LEN);
		out[SHA256_HEX_LEN] = '\0';
		return -1;
	}
	hex_encode(md, sizeof(md), out);
	return 0;
}
