/*
 * Where the audit chain ends, read when the signer starts: the last record
 * of the log, checked before anything is chained from it.
 */
#ifndef GUISE_AUDIT_TAIL_H
#define GUISE_AUDIT_TAIL_H

#include "anchor.h"
#include "audit_mac.h"

struct audit_tail {
	long long	 seq;		/* the last record's; 0: none */
	char		 mac[AUDIT_MAC_HEX + 1];	/* 64 '0's when none */
	long long	 time_ms;	/* its time; 0 when none */
	int		 torn;		/* lines after it that are no record */
};

/*
 * The end of the log open on fd (named path; its rotated files are
 * path.1, path.2, ...), before the sandbox.  -1 with a message when it
 * cannot be read or its last record does not verify: then the signer may
 * not go on from it.
 */
/*
 * The N of the newest rotated file path.N (they count up from 1, with no
 * gap), 0 when there is none.
 */
int	audit_newest_rotated(const char *path);

int	audit_tail_read(int fd, const char *path, const struct anchor *,
	    struct audit_tail *);

#endif
