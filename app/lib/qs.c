/*
 * Query strings (?role=staff&q=Nguy%E1%BB%85n).  Kore 4.1 only exposes
 * parameters declared in its config, so Sen decodes them itself: '+' is a
 * space, %XX a byte, and the result must be valid UTF-8 without control
 * characters, like every other string that enters the API.
 */

#include <string.h>

#include "qs.h"

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);

	return (-1);
}

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
int
utf8_valid(const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			i, n, k;
	unsigned int		cp;

	for (i = 0; i < len; i += n) {
		if (p[i] < 0x80) {
			n = 1;
			continue;
		}
		if ((p[i] & 0xe0) == 0xc0) {
			n = 2;
			cp = p[i] & 0x1f;
		} else if ((p[i] & 0xf0) == 0xe0) {
			n = 3;
			cp = p[i] & 0x0f;
		} else if ((p[i] & 0xf8) == 0xf0) {
			n = 4;
			cp = p[i] & 0x07;
		} else {
			return (0);
		}
		if (i + n > len)
			return (0);
		for (k = 1; k < n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return (0);
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
		    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return (0);
	}

	return (1);
}

/*
 * Find name in qs and decode its value into out.  Returns 1 when found
 * and valid, 0 when absent, -1 when present but malformed or too long.
 */
int
qs_get(const char *qs, const char *name, char *out, size_t len)
{
	const char	*p, *end, *eq;
	size_t		nlen, o;
	int		hi, lo;

	if (qs == NULL || len == 0)
		return (0);

	nlen = strlen(name);
	for (p = qs; *p != '\0'; p = *end ? end + 1 : end) {
		if ((end = strchr(p, '&')) == NULL)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (eq == NULL || (size_t)(eq - p) != nlen ||
		    memcmp(p, name, nlen) != 0)
			continue;

		o = 0;
		for (p = eq + 1; p < end; p++) {
			if (o + 1 >= len)
				return (-1);
			if (*p == '+') {
				out[o++] = ' ';
			} else if (*p == '%') {
				if (end - p < 3)
					return (-1);
				if ((hi = hexval(p[1])) == -1 ||
				    (lo = hexval(p[2])) == -1)
					return (-1);
				out[o++] = (char)(hi << 4 | lo);
				p += 2;
			} else {
				out[o++] = *p;
			}
		}
		out[o] = '\0';

		if (!utf8_valid(out, o))
			return (-1);
		for (nlen = 0; nlen < o; nlen++) {
			if ((unsigned char)out[nlen] < 0x20 ||
			    out[nlen] == 0x7f)
				return (-1);
		}

		return (1);
	}

	return (0);
}
