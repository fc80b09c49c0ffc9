/*
 * The anchors of the audit log's end.  After each durable commit the anchor
 * file, which the parent opened beside the log (the signer opens no file
 * once sandboxed), is rewritten in place with one pwrite of its 256 bytes,
 *
 *	{"seq":N,"mac":"M","tag":"T"}, spaces, a newline
 *
 * and the commit goes to journald as "audit: commit seq=N mac=M tag=T".
 * Neither is synced: the anchor may lag the log by a commit, never lead it.
 * journald drops lines past its rate limit (10,000 in 30 s by default), so
 * the commits of client_credentials tokens alone, thousands a second, get
 * a line at most every ANCHOR_LINE_MS, for the latest commit then; the
 * serve loop wakes for a line owed when nothing else happens.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "anchor.h"
#include "monotonic.h"

#define ANCHOR_LEN	256		/* with its newline */
#define ANCHOR_LINE_MS	100		/* ten lines a second, at most */
#define ANCHOR_FORMAT	"{\"seq\":%lld,\"mac\":\"%.64s\",\"tag\":\"%.64s\"}"
#define COMMIT_LINE	"audit: commit seq=%lld mac=%s tag=%s"
#define COMMIT_LINE_MAX	(sizeof(COMMIT_LINE) + 20 + 2 * AUDIT_MAC_HEX)

static int		 anchor_fd = -1;
static int		 anchor_failing;	/* said once, until it works */

/* The last durable commit, and whether its line is owed. */
static long long	 last_seq;
static char		 last_mac[AUDIT_MAC_HEX + 1];
static char		 last_tag[AUDIT_MAC_HEX + 1];
static int		 owed;
static long long	 line_ms;		/* when the last line went */

/* The anchor's line: the JSON, spaces up to byte 255, a newline. */
static void
anchor_format(char out[ANCHOR_LEN], long long seq, const char *mac,
    const char *tag)
{
	char	 json[ANCHOR_LEN];
	int	 n;

	n = snprintf(json, sizeof(json), ANCHOR_FORMAT, seq, mac, tag);
	if (n < 0 || n >= ANCHOR_LEN)
		fatalx("audit: an anchor does not fit");
	memset(out, ' ', ANCHOR_LEN - 1);
	memcpy(out, json, (size_t)n);
	out[ANCHOR_LEN - 1] = '\n';
}

/*
 * The anchor in b, taken apart and made again: only the exact line that
 * anchor_format makes is one.  0 with a and tag set, or -1.
 */
static int
anchor_parse(const char b[ANCHOR_LEN], struct anchor *a,
    char tag[AUDIT_MAC_HEX + 1])
{
	char	 again[ANCHOR_LEN];

	if (sscanf(b, "{\"seq\":%lld,\"mac\":\"%64[0-9a-f]\",\"tag\":\""
	    "%64[0-9a-f]\"}", &a->seq, a->mac, tag) != 3 || a->seq < 1 ||
	    strlen(a->mac) != AUDIT_MAC_HEX || strlen(tag) != AUDIT_MAC_HEX)
		return -1;
	anchor_format(again, a->seq, a->mac, tag);
	return memcmp(again, b, ANCHOR_LEN) == 0 ? 0 : -1;
}

enum anchor_found
anchor_open(int fd, struct anchor *a)
{
	char	 b[ANCHOR_LEN + 2], tag[AUDIT_MAC_HEX + 1];
	char	 want[AUDIT_MAC_HEX + 1];
	ssize_t	 n;

	memset(a, 0, sizeof(*a));
	if ((anchor_fd = fd) == -1) {
		log_warnx("audit: no anchor file: a cut of the log's tail "
		    "will not be seen");
		return ANCHOR_NO_FILE;
	}
	/* One byte more than an anchor, to see a longer file. */
	if ((n = pread(fd, b, ANCHOR_LEN + 1, 0)) == -1) {
		log_warn("audit: the anchor file");
		return ANCHOR_DAMAGED;
	}
	if (n == 0)
		return ANCHOR_EMPTY;
	b[n] = '\0';
	if (n != ANCHOR_LEN || anchor_parse(b, a, tag) == -1) {
		memset(a, 0, sizeof(*a));
		log_warnx("audit: the anchor file is damaged (not one line of "
		    "%d bytes): not trusted", ANCHOR_LEN);
		return ANCHOR_DAMAGED;
	}
	if (audit_mac_tag(a->seq, a->mac, want) == -1 ||
	    CRYPTO_memcmp(want, tag, AUDIT_MAC_HEX) != 0) {
		log_warnx("audit: the anchor file's tag (for seq %lld) is not "
		    "the audit key's: not trusted", a->seq);
		memset(a, 0, sizeof(*a));
		return ANCHOR_FORGED;
	}
	return ANCHOR_TRUSTED;
}

static void
anchor_write(void)
{
	char	 b[ANCHOR_LEN];

	anchor_format(b, last_seq, last_mac, last_tag);
	if (pwrite(anchor_fd, b, sizeof(b), 0) == (ssize_t)sizeof(b)) {
		anchor_failing = 0;
		return;
	}
	if (!anchor_failing++)
		log_warn("audit: cannot write the anchor file");
}

/* The commit line, without the process's prefix; its length. */
static size_t
anchor_line(char *out, size_t size)
{
	int	 n;

	n = snprintf(out, size, COMMIT_LINE, last_seq, last_mac, last_tag);
	if (n < 0 || (size_t)n >= size)
		fatalx("audit: a commit line does not fit");
	owed = 0;
	line_ms = monotonic_us() / 1000;
	return (size_t)n;
}

void
anchor_commit(long long seq, const char *mac, int told, struct logbatch *lb)
{
	char	 line[COMMIT_LINE_MAX];

	if (audit_mac_tag(seq, mac, last_tag) == -1)
		fatalx("audit: HMAC failed");
	last_seq = seq;
	memcpy(last_mac, mac, AUDIT_MAC_HEX);
	last_mac[AUDIT_MAC_HEX] = '\0';
	if (anchor_fd != -1)
		anchor_write();
	owed = 1;
	if (told || anchor_owed_wait() == 0)
		logbatch_add(lb, line, anchor_line(line, sizeof(line)));
}

int
anchor_owed_wait(void)
{
	long long	 left;

	if (!owed)
		return -1;
	left = line_ms + ANCHOR_LINE_MS - monotonic_us() / 1000;
	return left > 0 ? (int)left : 0;
}

void
anchor_owed_write(void)
{
	char	 line[COMMIT_LINE_MAX];

	if (anchor_owed_wait() == 0) {
		(void)anchor_line(line, sizeof(line));
		log_info("%s", line);
	}
}
