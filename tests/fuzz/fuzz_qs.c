/*
 * Query strings: qs_get() as api_query() calls it (a parameter name, the
 * raw query string, buffers of several sizes), and utf8_valid().  Input:
 * name NUL query.
 */

#include <string.h>

#include "fuzz.h"
#include "lib/qs.h"

FUZZ_TARGET(qs)
{
	static const size_t	sizes[] = { 1, 2, 8, 24, 256, 4096 };
	char			*name, *qs, *out;
	size_t			i;
	int			r;

	(void)utf8_valid((const char *)data, size);

	fuzz_split(data, size, &name, &qs);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		if ((out = malloc(sizes[i])) == NULL)
			abort();
		r = qs_get(qs, name, out, sizes[i]);
		FUZZ_CHECK(r >= -1 && r <= 1);
		if (r == 1) {
			/* A value found fits, is UTF-8 and holds no NUL. */
			FUZZ_CHECK(strlen(out) < sizes[i]);
			FUZZ_CHECK(utf8_valid(out, strlen(out)));
		}
		free(out);
	}
	r = qs_get(NULL, name, NULL, 0);
	FUZZ_CHECK(r <= 0);

	free(name);
	free(qs);
	return (0);
}
