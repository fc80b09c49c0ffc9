/*
 * The journal's commit lines, as `journalctl -u guised -o cat` prints
 * them: a line that starts with
 *
 *	signer: audit: commit seq=N mac=M tag=T
 *
 * and ends there is a commit line (doc/audit.md, "Anchors").  Other
 * processes write to the same journal, a front end broken into among
 * them: its lines are relayed by the parent with "frontend: " first, so
 * one that merely holds a commit line is none, and is ignored.  A line
 * that starts as the signer's is believed only when T is the audit key's
 * tag of N and M; any other is forged, and only counted: it must never
 * hide a cut nor make one up.
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_anchor.h"
#include "log.h"

#define JOURNAL_MARK	"signer: audit: commit "

/* 1 with c and tag set, 0 when not a commit line, -1 when malformed. */
static int
journal_parse(const char *line, size_t len, struct audit_commit *c,
    const char **tag)
{
	static const char	 mark[] = JOURNAL_MARK;
	const char		*p, *end = line + len;
	size_t			 d;

	if (len < sizeof(mark) - 1 ||
	    memcmp(line, mark, sizeof(mark) - 1) != 0)
		return 0;
	p = line + sizeof(mark) - 1;
	if (end - p < 4 || memcmp(p, "seq=", 4) != 0 ||
	    (d = audit_read_seq(p + 4, (size_t)(end - p - 4), &c->seq)) == 0)
		return -1;
	p += 4 + d;
	if (end - p != 5 + AUDIT_MAC_HEX + 5 + AUDIT_MAC_HEX ||
	    memcmp(p, " mac=", 5) != 0 ||
	    !audit_is_hex(p + 5, AUDIT_MAC_HEX) ||
	    memcmp(p + 5 + AUDIT_MAC_HEX, " tag=", 5) != 0 ||
	    !audit_is_hex(p + 10 + AUDIT_MAC_HEX, AUDIT_MAC_HEX))
		return -1;
	memcpy(c->mac, p + 5, AUDIT_MAC_HEX);
	*tag = p + 10 + AUDIT_MAC_HEX;
	return 1;
}

/* Keep c, the newest valid line: the oldest kept goes when full. */
static int
journal_keep(struct audit_journal *j, const struct audit_commit *c)
{
	struct audit_commit	*v;
	size_t			 cap;

	if (j->nkept < AUDIT_JOURNAL_KEEP && j->nkept == j->cap) {
		cap = j->cap == 0 ? 256 : j->cap * 2;
		if (cap > AUDIT_JOURNAL_KEEP)
			cap = AUDIT_JOURNAL_KEEP;
		if ((v = reallocarray(j->kept, cap, sizeof(*v))) == NULL) {
			log_warn("reallocarray");
			return -1;
		}
		j->kept = v;
		j->cap = cap;
	}
	if (j->nkept < AUDIT_JOURNAL_KEEP)
		j->kept[j->nkept++] = *c;
	else
		j->kept[(j->valid - 1) % AUDIT_JOURNAL_KEEP] = *c;
	return 0;
}

static int
journal_line(struct audit_journal *j, const char *line, size_t len,
    unsigned long lineno, const struct audit_key *key)
{
	struct audit_commit	 c;
	const char		*tag;
	int			 rc, ok = 0;

	memset(&c, 0, sizeof(c));
	if ((rc = journal_parse(line, len, &c, &tag)) == 0)
		return 0;
	if (rc == 1 && (ok = audit_key_commit_ok(key, &c, tag)) == -1)
		return -1;
	if (!ok) {
		if (j->forged++ == 0)
			j->forged_line = lineno;
		return 0;
	}
	c.line = lineno;
	j->valid++;
	if (j->valid == 1 || c.seq > j->last.seq)
		j->last = c;
	return journal_keep(j, &c);
}

static int
journal_cmp(const void *a, const void *b)
{
	const struct audit_commit	*x = a, *y = b;

	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

int
audit_journal_read(struct audit_journal *j, int fd, const char *name,
    size_t max, const struct audit_key *key)
{
	struct audit_reader	 r;
	enum audit_line		 st = AUDIT_LINE_EOF;
	int			 rc = 0;

	memset(j, 0, sizeof(*j));
	j->name = name;
	if (audit_reader_fd(&r, fd, name) == -1)
		return -1;
	/*
	 * A line over AUDIT_LINE_MAX is no signer's (theirs are 170 bytes,
	 * and journald cuts lines far shorter): skipped, like any other.
	 */
	while (rc == 0 && (st = audit_reader_next(&r)) > AUDIT_LINE_EOF) {
		if (max > 0 && r.bytes > max) {
			log_warnx("%s: more than %zu MiB", name, max >> 20);
			rc = -1;
		} else if (st != AUDIT_LINE_LONG)
			rc = journal_line(j, r.line, r.len, r.lineno, key);
	}
	if (rc == 0 && st == AUDIT_LINE_ERROR)
		rc = -1;
	audit_reader_close(&r);
	if (rc == -1) {
		audit_journal_free(j);
		return -1;
	}
	qsort(j->kept, j->nkept, sizeof(*j->kept), journal_cmp);
	return 0;
}

void
audit_journal_free(struct audit_journal *j)
{
	free(j->kept);
	j->kept = NULL;
	j->nkept = j->cap = 0;
}
