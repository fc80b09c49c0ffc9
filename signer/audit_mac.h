/*
 * The audit key's HMAC-SHA256 (doc/audit.md): the chain's macs, and the
 * tags that vouch for a commit in the anchor file and on journald.
 */
#ifndef GUISE_AUDIT_MAC_H
#define GUISE_AUDIT_MAC_H

#include <stddef.h>

#define AUDIT_MAC_HEX	64

/* Key the one context; before the sandbox.  -1 with a message on error. */
int	audit_mac_init(const unsigned char *key, size_t keylen);

/* HMAC(prev's 64 hex digits || text[0..len)) as hex into mac; 0 or -1. */
int	audit_mac_chain(const char *prev, const char *text, size_t len,
	    char mac[AUDIT_MAC_HEX + 1]);

/* HMAC("guise audit commit <seq> <mac>") as hex into tag; 0 or -1. */
int	audit_mac_tag(long long seq, const char *mac,
	    char tag[AUDIT_MAC_HEX + 1]);

#endif
