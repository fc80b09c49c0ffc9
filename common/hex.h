/* Lower-case hex, and the hex SHA-256 by which the audit log names secrets. */
#ifndef GUISE_HEX_H
#define GUISE_HEX_H

#include <stddef.h>

#define SHA256_HEX_LEN	64

/* out: 2 * len + 1 bytes. */
void	hex_encode(const unsigned char *in, size_t len, char *out);

/*
 * The hex SHA-256 of the string s.  Returns 0, or -1 if hashing fails, and
 * then out is all zeros.
 */
int	sha256_hex(const char *s, char out[SHA256_HEX_LEN + 1]);

#endif
