/*
 * Keyset cursors as clients send them back (lib/cursor.c): decode, and
 * what decodes must encode to the very same text (one spelling per
 * cursor).  Also base64url alone.
 */

#include <string.h>

#include "fuzz.h"
#include "lib/cursor.h"

FUZZ_TARGET(cursor)
{
	struct cursor	c, again;
	unsigned char	raw[CURSOR_RAW_MAX + 8];
	char		*text, enc[CURSOR_BUF];
	size_t		got;

	text = fuzz_str(data, size);
	memset(&c, 0, sizeof(c));
	if (cursor_decode(text, &c)) {
		FUZZ_CHECK(c.id > 0);
		FUZZ_CHECK(strlen(c.sort) <= CURSOR_SORT_MAX);
		FUZZ_CHECK(c.kind == CURSOR_NULL || c.kind == CURSOR_INT ||
		    c.kind == CURSOR_TEXT);
		FUZZ_CHECK(cursor_encode(&c, enc, sizeof(enc)));
		FUZZ_CHECK(strcmp(enc, text) == 0);
		memset(&again, 0, sizeof(again));
		FUZZ_CHECK(cursor_decode(enc, &again));
	}

	if (b64url_decode((const char *)data, size, raw, sizeof(raw), &got))
		FUZZ_CHECK(got <= sizeof(raw));
	free(text);

	return (0);
}
