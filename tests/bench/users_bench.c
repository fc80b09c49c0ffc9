/*
 * The users benchmark (issue 3, item 9): load 100,000 users and search
 * them.  It prints figures and asserts nothing about time: machines
 * differ, and a timed assertion would make the suite flaky.  It fails only
 * when something does not work at all (the file does not load, a search
 * finds the wrong number of users).
 *
 *	make bench-users
 *	users_bench -o FILE	only write the 100,000 users to FILE (for
 *				make bench, which searches them over HTTP)
 */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "form.h"
#include "users.h"
#include "users_search.h"

#define NUSERS		100000
#define INDEXED_RUNS	1000
#define SCAN_RUNS	50

static double
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* One user of Auth0's export, most members filled, a few varied. */
static void
write_user(FILE *f, int i)
{
	static const char *const plans[] = { "free", "silver", "gold" };
	static const char *const langs[] = { "en", "fr", "de", "ja" };
	int	 social = i % 7 == 0;

	fprintf(f, "{\"user_id\": \"%s|%08d\", \"email\": \"%s%d@example.com\", "
	    "\"email_verified\": %s, \"name\": \"User %d\", "
	    "\"nickname\": \"user%d\", \"given_name\": \"User\", "
	    "\"family_name\": \"Number %d\", "
	    "\"picture\": \"https://s.gravatar.com/avatar/%08x.png\", "
	    "\"identities\": [{\"connection\": \"%s\", \"provider\": \"%s\", "
	    "\"user_id\": \"%08d\", \"isSocial\": %s}], "
	    "\"app_metadata\": {\"roles\": [%s], \"plan\": \"%s\"}, "
	    "\"user_metadata\": {\"lang\": \"%s\", \"newsletter\": %s}, "
	    "\"blocked\": %s, \"created_at\": \"2024-%02d-%02dT10:00:00.000Z\", "
	    "\"updated_at\": \"2025-01-01T00:00:00.000Z\", "
	    "\"last_login\": \"2025-%02d-01T08:00:00.000Z\", "
	    "\"logins_count\": %d}\n",
	    social ? "google-oauth2" : "auth0", i, i % 3 ? "user" : "User", i,
	    i % 4 ? "true" : "false", i, i, i, (unsigned)i * 2654435761u,
	    social ? "google-oauth2" : "Username-Password-Authentication",
	    social ? "google-oauth2" : "auth0", i, social ? "true" : "false",
	    i % 1000 == 0 ? "\"support\"" : i % 997 == 0 ? "\"admin\"" : "",
	    plans[i % 3], langs[i % 4], i % 2 ? "true" : "false",
	    i % 50 == 0 ? "true" : "false", 1 + i % 12, 1 + i % 28,
	    1 + i % 12, i % 500);
}

/* The resident memory of this process, from /proc, in MiB; -1 unknown. */
static double
rss_mib(void)
{
	FILE	*f;
	char	 line[256];
	long	 kb = -1;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb < 0 ? -1 : (double)kb / 1024;
}

static void
time_load(const char *file)
{
	struct directory	*d;
	char			 err[1024];
	double			 t[3], t0;
	size_t			 i;

	for (i = 0; i < 3; i++) {
		t0 = now_ms();
		if ((d = directory_load(file, err, sizeof(err))) == NULL) {
			fprintf(stderr, "users_bench: %s\n", err);
			exit(1);
		}
		t[i] = now_ms() - t0;
		if (directory_count(d) != NUSERS) {
			fprintf(stderr, "users_bench: %zu users loaded\n",
			    directory_count(d));
			exit(1);
		}
		directory_free(d);
	}
	printf("directory_load, %d users: %.1f ms (median of 3)\n", NUSERS,
	    median(t, 3));
}

/*
 * The median time of runs searches with the query string qs, which must
 * find want users in all (the total).
 */
static void
time_search(const struct directory *d, const char *what, const char *qs,
    size_t want, size_t runs)
{
	static struct users_search	 s;
	struct form			 f;
	double				*t, t0;
	char				 buf[512], err[256];
	const char			*why;
	json_t				*out;
	size_t				 i, total = 0;

	snprintf(buf, sizeof(buf), "%s&include_totals=true", qs);
	if (form_parse(buf, strlen(buf), &f, &why) == -1 ||
	    users_search_parse(&s, &f, err, sizeof(err)) == -1) {
		fprintf(stderr, "users_bench: %s: %s\n", qs, err);
		exit(1);
	}
	if ((t = calloc(runs, sizeof(*t))) == NULL)
		exit(1);
	for (i = 0; i < runs; i++) {
		t0 = now_ms();
		out = users_search_run(d, &s);
		t[i] = now_ms() - t0;
		if (out == NULL)
			exit(1);
		total = (size_t)json_integer_value(json_object_get(out,
		    "total"));
		json_decref(out);
	}
	if (total != want) {
		fprintf(stderr, "users_bench: %s found %zu users, not %zu\n",
		    qs, total, want);
		exit(1);
	}
	printf("%-34s %9.4f ms p50 over %zu runs (%zu found)\n", what,
	    median(t, runs), runs, total);
	free(t);
}

/* Write the users alone to path (make bench serves them). */
static int
write_users(const char *path)
{
	FILE	*f;
	int	 i;

	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		return 1;
	}
	for (i = 0; i < NUSERS; i++)
		write_user(f, i);
	if (fclose(f) == EOF) {
		perror(path);
		return 1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct directory	*d;
	struct stat		 st;
	char			 file[128], err[1024];
	int			 fd;
	double			 t0, before;
	long			 size;

	if (argc == 3 && strcmp(argv[1], "-o") == 0)
		return write_users(argv[2]);
	if (argc != 1) {
		fprintf(stderr, "usage: users_bench [-o FILE]\n");
		return 2;
	}
	snprintf(file, sizeof(file), "%s/guise-users-bench.XXXXXX",
	    getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if ((fd = mkstemp(file)) == -1) {
		perror("users_bench: mkstemp");
		return 1;
	}
	close(fd);
	t0 = now_ms();
	if (write_users(file) != 0 || stat(file, &st) == -1)
		return 1;
	size = st.st_size;
	printf("generated %d users (NDJSON) in %.0f ms\n", NUSERS,
	    now_ms() - t0);

	before = rss_mib();
	if ((d = directory_load(file, err, sizeof(err))) == NULL) {
		fprintf(stderr, "users_bench: %s\n", err);
		return 1;
	}
	printf("resident memory of the loaded directory: about %.0f MiB "
	    "(the file: %.0f MiB)\n", rss_mib() - before,
	    (double)size / 1048576);
	directory_free(d);
	time_load(file);
	if ((d = directory_load(file, err, sizeof(err))) == NULL) {
		fprintf(stderr, "users_bench: %s\n", err);
		return 1;
	}
	time_search(d, "indexed: email:\"x\"",
	    "q=email:%22user77777%40example.com%22", 1, INDEXED_RUNS);
	time_search(d, "indexed: user_id:x",
	    "q=user_id:auth0%7C00077778", 1, INDEXED_RUNS);
	time_search(d, "scan: name:\"user 99999\"",
	    "q=name:%22user+99999%22", 1, SCAN_RUNS);
	time_search(d, "scan: metadata AND NOT blocked",
	    "q=app_metadata.plan:gold+AND+NOT+blocked:true", 32666, SCAN_RUNS);
	time_search(d, "scan: roles OR connection prefix",
	    "q=app_metadata.roles:support+OR+identities.connection:goo*",
	    14371, SCAN_RUNS);
	time_search(d, "scan: email prefix, sort name:-1",
	    "q=email:user1*&sort=name:-1", 11111, SCAN_RUNS);
	time_search(d, "no query, sort email:1",
	    "sort=email:1", NUSERS, SCAN_RUNS);
	directory_free(d);
	unlink(file);
	return 0;
}
