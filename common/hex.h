/* Lower-case hex, SHA-256, and the hex SHA-256 by which the audit log names
 * secrets. */
#ifndef GUISE_HEX_H
#define GUISE_HEX_H

#include <stddef.h>

#define SHA256_HEX_LEN	64

/* out: 2 * len + 1 bytes. */
void	hex_encode(const unsigned char *in, size_t len, char *out);

#define SHA256_LEN	32

/*
 * SHA-256 of len bytes at in.  The digest is fetched from OpenSSL once:
 * EVP_sha256() in EVP_Digest looks it up again on every call (EVP_MD_fetch
 * was 2% of the signer's time, perf).  Returns 0, or -1 if hashing fails.
 */
int	sha256(const void *in, size_t len, unsigned char out[SHA256_LEN]);

/*
 * The hex SHA-256 of the string s.  Returns 0, or -1 if hashing fails, and
 * then out is all zeros.
 */
int	sha256_hex(const char *s, char out[SHA256_HEX_LEN + 1]);

#endif
