/*
 * make bench-audit: how many audit records a second the signer's log takes
 * when every record waits for its own fdatasync (batches of 1), and with
 * group commit (one fdatasync for a batch).  A benchmark: it prints what it
 * measured and asserts nothing about time.
 *	audit_bench [DIR]	(the log goes to DIR, by default a temporary
 *				 folder under /tmp: the disk is what is measured)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"
#include "config.h"

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
	static const unsigned char	 key[32] = "bench key bench key bench key!!";
	static const size_t		 batches[] = { 1, 8, 64, 512 };
	struct audit_record		 r = { .event = "token.issued",
					    .outcome = "ok",
					    .grant = "client_credentials",
					    .client_id = "bench-client",
					    .jti = "AAAAAAAAAAAAAAAAAAAAAA" };
	struct config			 conf;
	char				 tmpl[] = "/tmp/guise-audit-bench.XXXXXX";
	char				 path[4096];
	const char			*dir;
	double				 t0, secs;
	size_t				 b, i, n, total;

	if ((dir = argc > 1 ? argv[1] : mkdtemp(tmpl)) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/audit.log", dir);
	memset(&conf, 0, sizeof(conf));
	conf.audit_path = path;
	if (audit_open(&conf, key, sizeof(key), NULL, -1) == -1)
		return 1;
	(void)audit_commit();
	printf("audit records per second, log in %s:\n", dir);
	for (b = 0; b < sizeof(batches) / sizeof(batches[0]); b++) {
		total = batches[b] == 1 ? 500 : 20000;
		t0 = now();
		for (n = 0; n < total; n += batches[b]) {
			for (i = 0; i < batches[b]; i++)
				audit_queue(&r);
			if (audit_commit() == -1)
				return 1;
		}
		secs = now() - t0;
		printf("  %4zu records a commit: %9.0f records/s, %7.0f "
		    "fdatasync/s\n", batches[b], n / secs,
		    n / secs / batches[b]);
	}
	unlink(path);
	if (argc < 2)
		rmdir(dir);
	return 0;
}
