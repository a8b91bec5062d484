/*
 * CSV for spreadsheets (RFC 4180): fields quoted when they hold a quote,
 * a comma or a line break; CRLF between records; a UTF-8 byte-order mark
 * first so that Excel reads Vietnamese text as UTF-8.  Text cells that a
 * spreadsheet would run as a formula (= + - @, tab, CR first) get a
 * leading apostrophe: exported data is typed by applicants.
 */

#ifndef SEN_CSV_H
#define SEN_CSV_H

#include <stddef.h>

#define CSV_TEXT	0	/* neutralised against formulas */
#define CSV_NUMBER	1	/* ours: written as it is if it is a number */

/* A growing buffer for a whole document; oom is set when malloc failed. */
struct csv_buf {
	char		*data;
	size_t		len;
	size_t		cap;
	int		oom;
	int		fields;		/* in the current record */
};

int	csv_formula_risky(const char *, size_t);
int	csv_is_number(const char *, size_t);
size_t	csv_escape(const char *, size_t, int, char *, size_t);

void	csv_init(struct csv_buf *);
void	csv_free(struct csv_buf *);
void	csv_bom(struct csv_buf *);
void	csv_field(struct csv_buf *, const char *, size_t, int);
void	csv_end_record(struct csv_buf *);

#endif
