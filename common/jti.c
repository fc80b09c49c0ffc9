#include <string.h>

#include <openssl/evp.h>

#include "jti.h"

int
jti_for_code(const char *code, char *out)
{
	static const char	 label[] = "guise access token of code ";
	unsigned char		 md[EVP_MAX_MD_SIZE];
	unsigned int		 n = 0;
	EVP_MD_CTX		*ctx;
	int			 ok;

	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) == 1 &&
	    EVP_DigestUpdate(ctx, label, sizeof(label) - 1) == 1 &&
	    EVP_DigestUpdate(ctx, code, strlen(code)) == 1 &&
	    EVP_DigestFinal_ex(ctx, md, &n) == 1 && n >= JTI_BYTES;
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -1;
	b64url_encode(out, md, JTI_BYTES);
	return 0;
}
