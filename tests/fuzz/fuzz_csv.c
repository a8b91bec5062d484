/*
 * CSV export of hostile text (lib/csv.c): every cell comes back from the
 * document as it went in (formula-risky text with its apostrophe), and
 * no cell starts a formula.  Input: cells separated by 0x00; the first
 * byte's bits say which cells are written as numbers.
 */

#include <string.h>

#include "fuzz.h"
#include "lib/csv.h"

/* Read one RFC 4180 field at *p; the unquoted text goes to out. */
static size_t
field_read(const char *doc, size_t len, size_t *p, char *out)
{
	size_t	o = 0, i = *p;

	if (i < len && doc[i] == '"') {
		for (i++; i < len; i++) {
			if (doc[i] == '"') {
				if (i + 1 < len && doc[i + 1] == '"') {
					out[o++] = '"';
					i++;
					continue;
				}
				i++;
				break;
			}
			out[o++] = doc[i];
		}
	} else {
		for (; i < len && doc[i] != ',' && doc[i] != '\r'; i++)
			out[o++] = doc[i];
	}
	*p = i;

	return (o);
}

FUZZ_TARGET(csv)
{
	struct csv_buf	b;
	const uint8_t	*cell[64];
	size_t		clen[64], ncells, i, start, p, o;
	unsigned	numbers;
	char		*got, esc[16];

	if (size < 1)
		return (0);
	numbers = data[0];
	data++;
	size--;

	ncells = 0;
	for (start = 0, i = 0; i <= size && ncells < 64; i++) {
		if (i == size || data[i] == 0) {
			cell[ncells] = data + start;
			clen[ncells++] = i - start;
			start = i + 1;
		}
	}

	csv_init(&b);
	for (i = 0; i < ncells; i++)
		csv_field(&b, (const char *)cell[i], clen[i],
		    (numbers >> (i % 8)) & 1 ? CSV_NUMBER : CSV_TEXT);
	csv_end_record(&b);
	FUZZ_CHECK(!b.oom);
	FUZZ_CHECK(b.len >= 2 && b.data[b.len - 2] == '\r' &&
	    b.data[b.len - 1] == '\n');

	/* Read the record back. */
	if ((got = malloc(b.len + 1)) == NULL)
		abort();
	p = 0;
	for (i = 0; i < ncells; i++) {
		o = field_read(b.data, b.len - 2, &p, got);
		if (((numbers >> (i % 8)) & 1) &&
		    csv_is_number((const char *)cell[i], clen[i])) {
			FUZZ_CHECK(o == clen[i] &&
			    memcmp(got, cell[i], o) == 0);
		} else if (csv_formula_risky((const char *)cell[i], clen[i])) {
			FUZZ_CHECK(o == clen[i] + 1 && got[0] == '\'' &&
			    memcmp(got + 1, cell[i], clen[i]) == 0);
		} else {
			FUZZ_CHECK(o == clen[i] &&
			    memcmp(got, cell[i], o) == 0);
		}
		/* Nothing a spreadsheet would run. */
		FUZZ_CHECK(o == 0 || !csv_formula_risky(got, o) ||
		    ((numbers >> (i % 8)) & 1));
		FUZZ_CHECK(p == b.len - 2 || b.data[p] == ',');
		p++;
	}
	free(got);
	csv_free(&b);

	/* csv_escape with a small buffer never writes past it. */
	memset(esc, 'Z', sizeof(esc));
	(void)csv_escape((const char *)data, size, CSV_TEXT, esc, 8);
	FUZZ_CHECK(esc[8] == 'Z');

	return (0);
}
