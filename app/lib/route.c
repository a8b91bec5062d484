/*
 * Route templates (see routes.def).  A {name} segment matches a decimal
 * id from 1 to 2^63-1 without sign, leading zeros or anything else, so a
 * handler never sees an id it must re-check; every other segment matches
 * itself exactly.  A trailing slash does not match.
 */

#include <string.h>

#include "route.h"

static int
parse_id(const char *s, size_t len, int64_t *out)
{
	uint64_t	v;
	size_t		i;

	if (len == 0 || len > 19 || s[0] == '0')
		return (0);

	v = 0;
	for (i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (0);
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > INT64_MAX)
		return (0);

	*out = (int64_t)v;
	return (1);
}

/* 1 when path matches tmpl; the ids found go to params, their count to n. */
int
route_match(const char *tmpl, const char *path, int64_t *params, int max,
    int *n)
{
	const char	*t, *p, *tend, *pend;
	size_t		tlen, plen;

	*n = 0;
	t = tmpl;
	p = path;

	for (;;) {
		if (*t == '\0' || *p == '\0')
			return (*t == '\0' && *p == '\0');
		if (*t != '/' || *p != '/')
			return (0);
		t++;
		p++;

		tend = strchr(t, '/');
		pend = strchr(p, '/');
		tlen = tend ? (size_t)(tend - t) : strlen(t);
		plen = pend ? (size_t)(pend - p) : strlen(p);

		if (tlen > 2 && t[0] == '{' && t[tlen - 1] == '}') {
			if (*n >= max || !parse_id(p, plen, &params[*n]))
				return (0);
			(*n)++;
		} else if (tlen != plen || memcmp(t, p, tlen) != 0) {
			return (0);
		}

		t += tlen;
		p += plen;
	}
}
