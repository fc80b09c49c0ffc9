#include <string.h>

#include "form.h"
#include "utf8.h"

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int
unescape(char *s, size_t len, size_t *outlen, int plus_is_space)
{
	size_t	 i, o = 0;
	int	 hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+' && plus_is_space) {
			s[o++] = ' ';
		} else if (s[i] == '%') {
			if (len - i < 3 ||
			    (hi = hexval((unsigned char)s[i + 1])) == -1 ||
			    (lo = hexval((unsigned char)s[i + 2])) == -1)
				return -1;
			s[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else
			s[o++] = s[i];
		if (s[o - 1] == '\0')
			return -1;
	}
	s[o] = '\0';
	*outlen = o;
	return 0;
}

int
form_unescape(char *s, size_t len, size_t *outlen)
{
	return unescape(s, len, outlen, 1);
}

int
path_unescape(char *s, size_t len, size_t *outlen)
{
	return unescape(s, len, outlen, 0);
}

const char *
form_get(const struct form *f, const char *name)
{
	size_t	 i;

	for (i = 0; i < f->n; i++)
		if (strcmp(f->p[i].name, name) == 0)
			return f->p[i].value;
	return NULL;
}

/*
 * Each "name=value" pair is cut out of buf at its '&', so decoding it in
 * place (decoded text is never longer) cannot overrun the next pair.
 */
int
form_parse(char *buf, size_t len, struct form *f, const char **why)
{
	char	*pair, *end, *eq, *name, *value;
	size_t	 off = 0, plen, nlen, vlen;

	f->n = 0;
	buf[len] = '\0';
	while (off < len) {
		pair = buf + off;
		end = memchr(pair, '&', len - off);
		plen = end ? (size_t)(end - pair) : len - off;
		off += plen + 1;
		if (plen == 0)
			continue;		/* "a=1&&b=2", a trailing '&' */
		pair[plen] = '\0';
		name = pair;
		if ((eq = memchr(pair, '=', plen)) != NULL) {
			*eq = '\0';
			value = eq + 1;
			nlen = (size_t)(eq - pair);
			vlen = plen - nlen - 1;
		} else {
			value = pair + plen;	/* "flag" alone: empty value */
			nlen = plen;
			vlen = 0;
		}
		if (form_unescape(name, nlen, &nlen) == -1 ||
		    form_unescape(value, vlen, &vlen) == -1) {
			*why = "malformed percent-encoding or a NUL byte";
			return -1;
		}
		/*
		 * Values end up in JSON (tokens, the audit log), which holds
		 * only text: refused here with a 400, not later with a 5xx.
		 */
		if (!utf8_valid(name, nlen) || !utf8_valid(value, vlen)) {
			*why = "a parameter is not valid UTF-8";
			return -1;
		}
		if (nlen == 0) {
			*why = "a parameter without a name";
			return -1;
		}
		if (form_get(f, name) != NULL) {
			*why = "a parameter is repeated";
			return -1;
		}
		if (f->n == FORM_PARAMS_MAX) {
			*why = "too many parameters";
			return -1;
		}
		f->p[f->n].name = name;
		f->p[f->n].value = value;
		f->n++;
	}
	return 0;
}
