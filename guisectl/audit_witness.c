/*
 * The log held against its witnesses, the anchor file and the journal's
 * commit lines (doc/audit.md, "Anchors: a cut tail is seen").  The chain
 * proves every record but cannot see the last ones go; a witness can:
 *
 * - a log that ends before a witness's seq lost its tail: N records cut;
 * - a record whose mac is not the one a witness holds for its seq was
 *   written again after a cut (or the log is another one);
 * - a witness whose tag is not the audit key's is forged, and says
 *   nothing: it is only reported.
 *
 * Records are given here in the order of their seq, once verify knows
 * that they stay (a torn line is taken back only until the record after
 * it), so the journal's lines, sorted by seq, are walked once.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "audit_anchor.h"
#include "log.h"

#define WITNESS_SHOWN	3	/* journal mismatches said one by one */
#define WITNESS_MAC_CUT	12	/* hex digits of a mac in a message */

static int
witness_anchor(struct audit_witness *w, const char *audit_path,
    const struct audit_key *key)
{
	if (asprintf(&w->anchor_path, "%s.anchor", audit_path) == -1) {
		w->anchor_path = NULL;
		log_warn("asprintf");
		return -1;
	}
	if (audit_anchor_read(w->anchor_path, key, &w->anchor, &w->at) == -1)
		return -1;
	if (w->anchor == AUDIT_ANCHOR_DAMAGED) {
		printf("%s: damaged anchor: not one line of 256 bytes, "
		    "{\"seq\":N,\"mac\":\"M\",\"tag\":\"T\"} and spaces\n",
		    w->anchor_path);
		w->bad++;
	} else if (w->anchor == AUDIT_ANCHOR_FORGED) {
		printf("%s: forged anchor: its tag (for seq %"
		    JSON_INTEGER_FORMAT ") is not the audit key's\n",
		    w->anchor_path, w->at.seq);
		w->bad++;
	}
	return 0;
}

static int
witness_journal(struct audit_witness *w, const char *journal,
    const struct audit_key *key)
{
	int	 fd;

	if (journal == AUDIT_JOURNAL_AUTO)
		w->journal = audit_journalctl(&w->j, key);
	else if (journal[0] != '\0') {
		if (strcmp(journal, "-") == 0)
			fd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 0);
		else
			fd = open(journal, O_RDONLY | O_CLOEXEC | O_NOCTTY);
		if (fd == -1) {
			log_warn("%s", journal);
			return -1;
		}
		if (audit_journal_read(&w->j, fd, strcmp(journal, "-") == 0 ?
		    "stdin" : journal, 0, key) == -1)
			return -1;
		w->journal = 1;
	}
	if (w->journal && w->j.forged > 0) {
		printf("%s: %lu forged commit line%s, the first at line %lu: "
		    "not tagged with the audit key\n", w->j.name, w->j.forged,
		    w->j.forged == 1 ? "" : "s", w->j.forged_line);
		w->bad++;
	}
	return 0;
}

int
audit_witness_open(struct audit_witness *w, const char *audit_path,
    const char *journal, const struct audit_key *key)
{
	memset(w, 0, sizeof(*w));
	if (witness_anchor(w, audit_path, key) == -1 ||
	    witness_journal(w, journal, key) == -1)
		return -1;
	return 0;
}

void
audit_witness_record(struct audit_witness *w, json_int_t seq,
    const char *mac, const char *file, unsigned long line)
{
	const struct audit_commit	*c;

	if (w->anchor == AUDIT_ANCHOR_OK && w->at.seq == seq &&
	    memcmp(w->at.mac, mac, AUDIT_MAC_HEX) != 0) {
		audit_verdict(file, line, seq, "the anchor does not match "
		    "the log at seq %" JSON_INTEGER_FORMAT ": %s holds mac "
		    "%.*s..., another record's", seq, w->anchor_path,
		    WITNESS_MAC_CUT, w->at.mac);
		w->bad++;
	}
	/* Lines whose seq the log skips are in a gap verify reports. */
	while (w->next < w->j.nkept && w->j.kept[w->next].seq < seq)
		w->next++;
	for (; w->next < w->j.nkept && w->j.kept[w->next].seq == seq;
	    w->next++) {
		c = &w->j.kept[w->next];
		if (memcmp(c->mac, mac, AUDIT_MAC_HEX) == 0)
			continue;
		if (w->mismatches++ < WITNESS_SHOWN)
			audit_verdict(file, line, seq, "the journal does not "
			    "match the log at seq %" JSON_INTEGER_FORMAT ": "
			    "%s:%lu committed mac %.*s..., another record's",
			    seq, w->j.name, c->line, WITNESS_MAC_CUT, c->mac);
		w->bad++;
	}
}

/* "FILE: the log ends at seq K but <witness> seq N: N-K records cut". */
static void __attribute__((format(printf, 4, 5)))
witness_cut(const char *file, json_int_t last, json_int_t said,
    const char *fmt, ...)
{
	json_int_t	 n = said - last;
	va_list		 ap;

	printf("%s: the log ends at seq %" JSON_INTEGER_FORMAT " but ", file,
	    last);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf(" seq %" JSON_INTEGER_FORMAT ": %" JSON_INTEGER_FORMAT
	    " record%s cut from its end\n", said, n,
	    n == 1 ? " was" : "s were");
}

void
audit_witness_end(struct audit_witness *w, json_int_t last,
    const char *file)
{
	w->last = last;
	if (w->anchor == AUDIT_ANCHOR_OK && w->at.seq > last) {
		witness_cut(file, last, w->at.seq, "its anchor says");
		w->bad++;
	}
	if (w->journal && w->j.valid > 0 && w->j.last.seq > last) {
		witness_cut(file, last, w->j.last.seq, "the journal "
		    "(%s:%lu) committed", w->j.name, w->j.last.line);
		w->bad++;
	}
	if (w->mismatches > WITNESS_SHOWN)
		printf("%s: %lu commit lines in all do not match the log\n",
		    w->j.name, w->mismatches);
}

void
audit_witness_summary(const struct audit_witness *w)
{
	if (w->anchor == AUDIT_ANCHOR_OK)
		printf("; anchor: seq %" JSON_INTEGER_FORMAT " matches",
		    w->at.seq);
	else if (w->anchor == AUDIT_ANCHOR_EMPTY && w->last > 0)
		printf("; anchor: lost (an empty file beside records: the next "
		    "start writes audit.anchor_lost)");
	else if (w->anchor == AUDIT_ANCHOR_EMPTY)
		printf("; anchor: none yet (an empty file)");
	else
		printf("; no anchor file");
	if (!w->journal)
		printf("; journal: not consulted");
	else if (w->j.valid == 0)
		printf("; journal: no commit lines");
	else {
		printf("; journal: %lu commit line%s, last seq %"
		    JSON_INTEGER_FORMAT " matches", w->j.valid,
		    w->j.valid == 1 ? "" : "s", w->j.last.seq);
		if (w->j.valid > w->j.nkept)
			printf(" (the last %zu compared)", w->j.nkept);
	}
}

void
audit_witness_close(struct audit_witness *w)
{
	free(w->anchor_path);
	audit_journal_free(&w->j);
	memset(w, 0, sizeof(*w));
}
