/* The Location builder and the user-id path decoder. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "path.h"
#include "redirect.h"

static void
location(const char *base, char sep, const char *const *params,
    const char *want)
{
	char	*got = redirect_location(base, sep, params);

	CHECK(got != NULL && strcmp(got, want) == 0, "%s -> %s (got %s)",
	    base, want, got ? got : "NULL");
	free(got);
}

static void
test_location(void)
{
	const char *const code[] = { "code", "abc", "state", "xyz", NULL };
	const char *const nostate[] = { "code", "abc", "state", NULL, NULL };
	const char *const evil[] = { "code", "abc",
	    "state", "a&code=evil#frag\r\nSet-Cookie: x=1 \xc3\xa9", NULL };
	const char *const frag[] = { "access_token", "t.o-k_e~n",
	    "token_type", "Bearer", NULL };

	location("https://a.example/cb", '?', code,
	    "https://a.example/cb?code=abc&state=xyz");
	location("https://a.example/cb", '?', nostate,
	    "https://a.example/cb?code=abc");
	location("https://a.example/cb?x=1", '?', code,
	    "https://a.example/cb?x=1&code=abc&state=xyz");
	location("https://a.example/cb", '?', evil,
	    "https://a.example/cb?code=abc&state=a%26code%3Devil%23frag%0D%0A"
	    "Set-Cookie%3A%20x%3D1%20%C3%A9");
	location("https://a.example/cb", '#', frag,
	    "https://a.example/cb#access_token=t.o-k_e~n&token_type=Bearer");
}

static void
segment(const char *path, const char *want)
{
	char	 out[64];
	int	 rc = path_segment(path, "/users/", "/impersonate", out,
		    sizeof(out));

	if (want == NULL)
		CHECK(rc == -1, "%s is refused", path);
	else
		CHECK(rc == 0 && strcmp(out, want) == 0, "%s -> %s", path, want);
}

static void
test_path(void)
{
	segment("/users/auth0|abc/impersonate", "auth0|abc");
	segment("/users/auth0%7Cabc/impersonate", "auth0|abc");
	segment("/users/auth0%7cabc/impersonate", "auth0|abc");
	segment("/users/a+b/impersonate", "a+b");
	segment("/users/a%20b/impersonate", "a b");
	segment("/users//impersonate", NULL);
	segment("/users/a/b/impersonate", NULL);
	segment("/users/..%2Fetc/impersonate", NULL);
	segment("/users/a%00b/impersonate", NULL);
	segment("/users/a%0Ab/impersonate", NULL);
	segment("/users/a%zzb/impersonate", NULL);
	segment("/users/a%2/impersonate", NULL);
	segment("/users/abc/impersonat", NULL);
	segment("/user/abc/impersonate", NULL);
	segment("/users/abc", NULL);
	segment("/users/0123456789012345678901234567890123456789012345678901234"
	    "567890123/impersonate", NULL);

	/* The id must be UTF-8 once decoded. */
	segment("/users/%C3%A9%E4%B8%AD%F0%9F%98%80/impersonate",
	    "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80");
	segment("/users/auth0|\xc3\xa9/impersonate", "auth0|\xc3\xa9");
	segment("/users/%F4%8F%BF%BF/impersonate", "\xf4\x8f\xbf\xbf");
	segment("/users/a%80/impersonate", NULL);		/* continuation */
	segment("/users/a%C3/impersonate", NULL);		/* cut short */
	segment("/users/a%C3%28/impersonate", NULL);		/* then ASCII */
	segment("/users/a%E4%B8/impersonate", NULL);		/* cut short */
	segment("/users/a%F0%9F%98/impersonate", NULL);	/* cut short */
	segment("/users/a%C0%AF/impersonate", NULL);		/* overlong */
	segment("/users/a%E0%80%AF/impersonate", NULL);	/* overlong */
	segment("/users/a%F0%80%80%AF/impersonate", NULL);	/* overlong */
	segment("/users/a%ED%A0%80/impersonate", NULL);	/* U+D800 */
	segment("/users/a%ED%BF%BF/impersonate", NULL);	/* U+DFFF */
	segment("/users/a%F4%90%80%80/impersonate", NULL);	/* U+110000 */
	segment("/users/a%F5%80%80%80/impersonate", NULL);	/* F5 */
	segment("/users/a%FF/impersonate", NULL);
	segment("/users/a\xff/impersonate", NULL);		/* raw */
}

int
main(void)
{
	test_location();
	test_path();
	return check_done();
}
