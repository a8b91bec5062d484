/*
 * Request paths against every route template of app/routes.def, as the
 * dispatcher matches them.
 */

#include <string.h>

#include "fuzz.h"
#include "lib/route.h"

static const char *const	templates[] = {
#define ROUTE(m, p, r, h)	p,
#include "routes.def"
#undef ROUTE
	"/a/{id}/{id}/{id}/{id}/{id}",	/* more ids than places */
};

#define NTEMPLATES	(sizeof(templates) / sizeof(templates[0]))
#define MAXPARAMS	4

FUZZ_TARGET(route)
{
	int64_t		params[MAXPARAMS + 1];
	char		*path;
	size_t		i;
	int		n, j, matched;

	path = fuzz_str(data, size);
	for (i = 0; i < NTEMPLATES; i++) {
		memset(params, 0, sizeof(params));
		params[MAXPARAMS] = 0x5eed;
		matched = route_match(templates[i], path, params, MAXPARAMS,
		    &n);
		/* Never writes past max; every id found is positive. */
		FUZZ_CHECK(params[MAXPARAMS] == 0x5eed);
		FUZZ_CHECK(n >= 0 && n <= MAXPARAMS);
		if (matched) {
			for (j = 0; j < n; j++)
				FUZZ_CHECK(params[j] > 0);
			/* A match is as long as the path: no trailing rest. */
			FUZZ_CHECK(strchr(path, '?') == NULL ||
			    strchr(templates[i], '?') != NULL);
		}
	}
	free(path);

	return (0);
}
