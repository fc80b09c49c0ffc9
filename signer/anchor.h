/*
 * The audit log's anchors (doc/audit.md, "Anchors: a cut tail is seen"):
 * the seq and mac of the last durable commit, tagged with the audit key,
 * kept outside the log in the anchor file and on journald.
 */
#ifndef GUISE_ANCHOR_H
#define GUISE_ANCHOR_H

#include "audit_mac.h"
#include "log.h"

struct anchor {
	long long	 seq;			/* 0: no anchor */
	char		 mac[AUDIT_MAC_HEX + 1];
};

/* What the anchor file held at start. */
enum anchor_found {
	ANCHOR_NO_FILE,		/* none handed: not started by guised */
	ANCHOR_EMPTY,		/* none yet, or lost */
	ANCHOR_DAMAGED,		/* unreadable, or not the exact line */
	ANCHOR_FORGED,		/* the line, but not the audit key's tag */
	ANCHOR_TRUSTED,
};

/*
 * Before the sandbox: fd is the anchor file the parent opened, -1 when
 * there is none (said once).  *a is what it holds when its tag is the
 * audit key's; anything else is said (but an empty file), and is no
 * anchor.
 */
enum anchor_found	anchor_open(int fd, struct anchor *a);

/*
 * A commit is durable, seq and mac its last record's: rewrite the anchor
 * file, and add the commit line to lb when the commit holds a record that
 * journald is told of (told), or when none was written for a tenth of a
 * second; otherwise the line is owed.
 */
void	anchor_commit(long long seq, const char *mac, int told,
	    struct logbatch *lb);

/* Milliseconds until an owed commit line is due, -1 when none is owed. */
int	anchor_owed_wait(void);

/* Write the owed commit line, for the last durable commit, if it is due. */
void	anchor_owed_write(void);

#endif
