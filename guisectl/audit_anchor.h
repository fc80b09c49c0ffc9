/*
 * What verify holds the log against besides its own chain: the anchor
 * file and the journal's commit lines (doc/audit.md, "Anchors: a cut tail
 * is seen").  Each says "the log reached seq N, whose mac is M", with a
 * tag that only the holder of the audit key can make.
 */
#ifndef GUISECTL_AUDIT_ANCHOR_H
#define GUISECTL_AUDIT_ANCHOR_H

#include <stddef.h>

#include "audit.h"

/* The anchor file, <audit.path>.anchor (audit_anchor.c). */
enum audit_anchor {
	AUDIT_ANCHOR_NONE,	/* no such file */
	AUDIT_ANCHOR_EMPTY,	/* no anchor yet */
	AUDIT_ANCHOR_OK,
	AUDIT_ANCHOR_DAMAGED,	/* not one 256-byte line of the format */
	AUDIT_ANCHOR_FORGED,	/* of the format, but not the key's tag */
};

/* Read it and check its tag; 0, or -1 (logged) when it cannot be read. */
int	audit_anchor_read(const char *path, const struct audit_key *,
	    enum audit_anchor *, struct audit_commit *);

/*
 * The commit lines of a journal (audit_journal.c).  The last
 * AUDIT_JOURNAL_KEEP valid ones are kept to be compared with the log
 * (80 bytes each): months of a busy journal need not fit in memory.
 */
#define AUDIT_JOURNAL_KEEP	(1UL << 19)

struct audit_journal {
	const char		*name;		/* for messages */
	struct audit_commit	*kept;		/* sorted by seq once read */
	size_t			 nkept, cap;
	unsigned long		 valid;		/* lines with the key's tag */
	struct audit_commit	 last;		/* the greatest seq of them */
	unsigned long		 forged;	/* commit lines without */
	unsigned long		 forged_line;	/* the first of them */
};

/*
 * Every line of fd up to its end, or up to max bytes (0: no bound); fd is
 * closed.  0, or -1 (logged, and nothing kept).
 */
int	audit_journal_read(struct audit_journal *, int fd, const char *name,
	    size_t max, const struct audit_key *);
void	audit_journal_free(struct audit_journal *);

/*
 * journalctl -u guised.service -o cat --no-pager, when journald runs here
 * (audit_journalctl.c).  1 when it printed commit lines, now in *j; 0 when
 * the journal was not consulted.
 */
int	audit_journalctl(struct audit_journal *, const struct audit_key *);

/*
 * The anchor file and the journal held against the log as verify walks
 * it (audit_witness.c).  Every finding is said on stdout and counted in
 * bad.
 */
struct audit_witness {
	char			*anchor_path;
	enum audit_anchor	 anchor;
	struct audit_commit	 at;		/* what the anchor says */
	int			 journal;	/* consulted */
	struct audit_journal	 j;
	size_t			 next;		/* in j.kept: the next to compare */
	unsigned long		 mismatches;	/* of journal lines */
	unsigned long		 bad;
	json_int_t		 last;		/* the log's, once it ends */
};

/* How verify was told to consult the journal. */
#define AUDIT_JOURNAL_AUTO	NULL		/* journalctl, if here */
#define AUDIT_JOURNAL_NO	""		/* --no-journal */

/*
 * Read the anchor file of audit_path and the journal (a file, "-" for
 * stdin, or one of the above) before the log, since neither may lead it.
 * 0, or -1 (logged) when one cannot be read.
 */
int	audit_witness_open(struct audit_witness *, const char *audit_path,
	    const char *journal, const struct audit_key *);
/* A record of the log, which will not be taken back, at file:line. */
void	audit_witness_record(struct audit_witness *, json_int_t seq,
	    const char *mac, const char *file, unsigned long line);
/* The log, whole, ends at seq last, in file. */
void	audit_witness_end(struct audit_witness *, json_int_t last,
	    const char *file);
/* What was compared, for the summary: "; anchor: ...; journal: ...". */
void	audit_witness_summary(const struct audit_witness *);
void	audit_witness_close(struct audit_witness *);

#endif
