/*
 * CSV writing, in pure functions so that the rules can be tested alone.
 * Formula injection: a spreadsheet runs a cell that starts with = + - or
 * @ (and some strip a leading tab or CR first), so such text cells get an
 * apostrophe in front, which spreadsheets show as text.  Numbers that we
 * produce ourselves are left alone: -5 must stay a number.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

int
csv_formula_risky(const char *s, size_t len)
{
	if (len == 0)
		return (0);

	switch (s[0]) {
	case '=':
	case '+':
	case '-':
	case '@':
	case '\t':
	case '\r':
		return (1);
	}

	return (0);
}

/* -?digits(.digits)?: what we write for numbers; nothing else counts. */
int
csv_is_number(const char *s, size_t len)
{
	size_t		i, digits;

	i = 0;
	if (len > 0 && s[0] == '-')
		i++;
	for (digits = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
		digits++;
	if (digits == 0)
		return (0);
	if (i < len && s[i] == '.') {
		i++;
		for (digits = 0; i < len && s[i] >= '0' && s[i] <= '9'; i++)
			digits++;
		if (digits == 0)
			return (0);
	}

	return (i == len);
}

/*
 * The field as it goes into the file, like snprintf: writes at most
 * outlen bytes (no NUL) and returns how many the whole field needs, so
 * that a caller can size its buffer with a first call (out NULL, 0).
 * A CSV_NUMBER that is not a number is treated as text.
 */
size_t
csv_escape(const char *s, size_t len, int kind, char *out, size_t outlen)
{
	size_t		i, n;
	int		quote;

#define PUT(c)	do { if (n < outlen) out[n] = (c); n++; } while (0)

	n = 0;
	if (kind == CSV_NUMBER && csv_is_number(s, len)) {
		for (i = 0; i < len; i++)
			PUT(s[i]);
		return (n);
	}

	quote = 0;
	for (i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == ',' || s[i] == '\r' ||
		    s[i] == '\n') {
			quote = 1;
			break;
		}
	}

	if (quote)
		PUT('"');
	if (csv_formula_risky(s, len))
		PUT('\'');
	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			PUT('"');
		PUT(s[i]);
	}
	if (quote)
		PUT('"');

#undef PUT

	return (n);
}

void
csv_init(struct csv_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void
csv_free(struct csv_buf *b)
{
	free(b->data);
	csv_init(b);
}

/*
 * Room for n more bytes; doubling keeps a whole export linear.  Not
 * realloc(): for a large block glibc answers it with mremap(), which
 * Kore's seccomp sandbox does not allow, and the worker would die.
 */
static int
csv_reserve(struct csv_buf *b, size_t n)
{
	size_t		cap;
	char		*p;

	if (b->oom)
		return (0);
	if (n <= b->cap - b->len)
		return (1);

	cap = b->cap ? b->cap : 4096;
	while (n > cap - b->len) {
		if (cap > SIZE_MAX / 2) {
			b->oom = 1;
			return (0);
		}
		cap *= 2;
	}
	if ((p = malloc(cap)) == NULL) {
		b->oom = 1;
		return (0);
	}
	if (b->len > 0)
		memcpy(p, b->data, b->len);
	free(b->data);
	b->data = p;
	b->cap = cap;

	return (1);
}

static void
csv_put(struct csv_buf *b, const char *s, size_t len)
{
	if (!csv_reserve(b, len))
		return;
	memcpy(b->data + b->len, s, len);
	b->len += len;
}

void
csv_bom(struct csv_buf *b)
{
	csv_put(b, "\xef\xbb\xbf", 3);
}

/* One field of the current record; s NULL is an empty cell. */
void
csv_field(struct csv_buf *b, const char *s, size_t len, int kind)
{
	size_t		need;

	if (b->fields++ > 0)
		csv_put(b, ",", 1);
	if (s == NULL)
		return;

	/* An empty cell may come before any byte was allocated. */
	if ((need = csv_escape(s, len, kind, NULL, 0)) == 0)
		return;
	if (!csv_reserve(b, need))
		return;
	b->len += csv_escape(s, len, kind, b->data + b->len, need);
}

void
csv_end_record(struct csv_buf *b)
{
	csv_put(b, "\r\n", 2);
	b->fields = 0;
}
