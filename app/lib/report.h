/*
 * The query string of the programme's reports (app/reports/), checked
 * without Kore or a database: which call, which Hà Nội days, which ward,
 * JSON or CSV.  Every name must be one of these, given once; an empty
 * value is the same as none (a form's "any"); every problem is noted,
 * so that one 400 names them all.  Whether the call and the ward exist
 * is the database's to say (reports.c).
 *
 * The figures themselves are SQL (migrations/0008_reports.sql); here is
 * only what the C side decides: the parameters, and which result
 * columns a CSV writes as numbers.
 */

#ifndef SEN_REPORT_H
#define SEN_REPORT_H

#include <stddef.h>

#define REPORT_PROBLEMS_MAX	8
#define REPORT_NAME_MAX		40

#define REPORT_JSON		0
#define REPORT_CSV		1

/* Checked values as the SQL takes them; "" when absent. */
struct report_params {
	char	call_id[24];	/* digits, a positive bigint */
	char	from[16];	/* YYYY-MM-DD */
	char	to[16];
	char	ward[16];	/* five digits, or "outside" */
	int	format;		/* REPORT_JSON or REPORT_CSV */
};

struct report_problem {
	char		name[REPORT_NAME_MAX + 1];
	const char	*message;
};

struct report_problems {
	struct report_problem	p[REPORT_PROBLEMS_MAX];
	int			n;
};

void	report_parse(const char *, struct report_params *,
	    struct report_problems *);
int	report_numeric_type(unsigned int);

#endif
