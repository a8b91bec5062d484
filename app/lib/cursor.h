/*
 * Keyset-pagination cursors: where a page ended (the last row's sort key
 * and id) and the sort it was made for, as opaque base64url text.  A
 * cursor comes back from the client, so decoding is strict: one canonical
 * spelling per cursor, bounded lengths, and no input can crash it.
 */

#ifndef SEN_CURSOR_H
#define SEN_CURSOR_H

#include <stddef.h>
#include <stdint.h>

#define CURSOR_SORT_MAX		31	/* bytes of a sort name */
#define CURSOR_KEY_MAX		1000	/* bytes of a text sort key */
/* "1;" sort ";" a|d ";" id ";" kind key, at the most. */
#define CURSOR_RAW_MAX		(2 + CURSOR_SORT_MAX + 3 + 20 + 1 + 1 + \
				    CURSOR_KEY_MAX)
/* base64url without padding of CURSOR_RAW_MAX bytes, and the NUL. */
#define CURSOR_ENC_MAX		((CURSOR_RAW_MAX * 4 + 2) / 3)
#define CURSOR_BUF		(CURSOR_ENC_MAX + 1)

#define CURSOR_NULL		0	/* the row's sort key is NULL */
#define CURSOR_INT		1
#define CURSOR_TEXT		2

struct cursor {
	char		sort[CURSOR_SORT_MAX + 1];
	int		desc;
	int64_t		id;		/* > 0 */
	int		kind;
	int64_t		ival;		/* CURSOR_INT */
	char		text[CURSOR_KEY_MAX + 1];	/* CURSOR_TEXT */
};

int	cursor_encode(const struct cursor *, char *, size_t);
int	cursor_decode(const char *, struct cursor *);

size_t	b64url_encode(const unsigned char *, size_t, char *, size_t);
int	b64url_decode(const char *, size_t, unsigned char *, size_t,
	    size_t *);

#endif
