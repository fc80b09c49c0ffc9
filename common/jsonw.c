#include <stdio.h>
#include <string.h>

#include "jsonw.h"
#include "utf8.h"

static void
put(struct jsonw *w, const char *s, size_t n)
{
	/* Room for the closing brace and NUL is kept by jw_end's check. */
	if (w->overflow || n > w->size - w->len) {
		w->overflow = 1;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void
put_escaped(struct jsonw *w, const char *value, size_t n)
{
	const unsigned char	*s = (const unsigned char *)value;
	size_t			 run, k;
	char			 esc[8];

	put(w, "\"", 1);
	while (n > 0) {
		/* Copy the longest run that needs nothing. */
		for (run = 0; run < n && s[run] >= 0x20 && s[run] < 0x80 &&
		    s[run] != '"' && s[run] != '\\'; run++)
			;
		put(w, (const char *)s, run);
		s += run;
		n -= run;
		if (n == 0)
			break;
		switch (*s) {
		case '"':	put(w, "\\\"", 2); break;
		case '\\':	put(w, "\\\\", 2); break;
		case '\b':	put(w, "\\b", 2); break;
		case '\f':	put(w, "\\f", 2); break;
		case '\n':	put(w, "\\n", 2); break;
		case '\r':	put(w, "\\r", 2); break;
		case '\t':	put(w, "\\t", 2); break;
		default:
			if (*s < 0x20) {
				snprintf(esc, sizeof(esc), "\\u%04X", *s);
				put(w, esc, 6);
				break;
			}
			if ((k = utf8_char((const char *)s, n, NULL)) == 0) {
				put(w, "\xef\xbf\xbd", 3);	/* U+FFFD */
				k = 1;
			} else
				put(w, (const char *)s, k);
			s += k - 1;
			n -= k - 1;
			break;
		}
		s++;
		n--;
	}
	put(w, "\"", 1);
}

static void
member(struct jsonw *w, const char *name)
{
	if (w->members++ > 0)
		put(w, ",", 1);
	put_escaped(w, name, strlen(name));
	put(w, ":", 1);
}

void
jw_begin(struct jsonw *w, char *buf, size_t size, int open)
{
	w->buf = buf;
	w->size = size < 2 ? 0 : size - 2;	/* room for "}" and NUL */
	w->len = 0;
	w->overflow = size < 2;
	w->members = 0;
	if (open)
		put(w, "{", 1);
}

void
jw_string(struct jsonw *w, const char *name, const char *value)
{
	member(w, name);
	put_escaped(w, value, strlen(value));
}

void
jw_string_len(struct jsonw *w, const char *name, const char *value,
    size_t len)
{
	member(w, name);
	put_escaped(w, value, len);
}

void
jw_integer(struct jsonw *w, const char *name, long long value)
{
	char			 num[24];
	char			*p = num + sizeof(num);
	unsigned long long	 u;

	/* Digits from the right, without printf: two a token. */
	u = value < 0 ? 0ULL - (unsigned long long)value :
	    (unsigned long long)value;
	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) > 0);
	if (value < 0)
		*--p = '-';
	member(w, name);
	put(w, p, (size_t)(num + sizeof(num) - p));
}

void
jw_json(struct jsonw *w, const char *name, const char *json)
{
	member(w, name);
	put(w, json, strlen(json));
}

long
jw_end(struct jsonw *w, int close)
{
	if (w->overflow)
		return -1;
	if (close)
		w->buf[w->len++] = '}';
	w->buf[w->len] = '\0';
	return (long)w->len;
}

long
jw_array1(char *out, size_t size, const char *value)
{
	struct jsonw	 w;

	jw_begin(&w, out, size, 0);
	put(&w, "[", 1);
	put_escaped(&w, value, strlen(value));
	put(&w, "]", 1);
	return jw_end(&w, 0);
}
