/*
 * The parameters of the reports: ?call_id=&from=&to=&ward=&format=.
 * A misspelt or repeated parameter is refused rather than ignored: a
 * report that silently left out its filter would show the wrong figures
 * with nobody the wiser.
 */

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "qs.h"
#include "report.h"
#include "schema.h"

static const char *const	report_names[] = {
	"call_id", "from", "to", "ward", "format", NULL
};

/* The first problem of a parameter is the one she sees. */
static void
problem(struct report_problems *pr, const char *name, size_t len,
    const char *msg)
{
	int	i;

	if (len > REPORT_NAME_MAX)
		len = REPORT_NAME_MAX;
	for (i = 0; i < pr->n; i++) {
		if (strlen(pr->p[i].name) == len &&
		    !memcmp(pr->p[i].name, name, len))
			return;
	}
	if (pr->n == REPORT_PROBLEMS_MAX)
		return;
	memcpy(pr->p[pr->n].name, name, len);
	pr->p[pr->n].name[len] = '\0';
	pr->p[pr->n].message = msg;
	pr->n++;
}

/* A name fit to be a key of the error's "fields". */
static int
name_printable(const char *p, size_t len)
{
	size_t	i;

	if (len == 0 || len > REPORT_NAME_MAX)
		return (0);
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)p[i]) && p[i] != '_' &&
		    p[i] != '-' && p[i] != '.')
			return (0);
	}

	return (1);
}

/* Every name known, and given once. */
static void
check_names(const char *qs, struct report_problems *pr)
{
	const char	*p, *end, *eq;
	size_t		len;
	int		i, seen[sizeof(report_names) / sizeof(report_names[0])];

	memset(seen, 0, sizeof(seen));
	if (qs == NULL)
		return;

	for (p = qs; *p != '\0'; p = *end ? end + 1 : end) {
		if ((end = strchr(p, '&')) == NULL)
			end = p + strlen(p);
		if (end == p)
			continue;
		eq = memchr(p, '=', (size_t)(end - p));
		len = (size_t)((eq ? eq : end) - p);

		if (!name_printable(p, len)) {
			problem(pr, "query", 5,
			    "holds a parameter name that is not valid");
			continue;
		}
		for (i = 0; report_names[i] != NULL; i++) {
			if (strlen(report_names[i]) == len &&
			    !memcmp(report_names[i], p, len))
				break;
		}
		if (report_names[i] == NULL)
			problem(pr, p, len, "is not a parameter of the "
			    "reports: call_id, from, to, ward and format are");
		else if (seen[i]++)
			problem(pr, p, len, "is given more than once");
	}
}

/*
 * One value into buf: 1 present and not empty, 0 absent or empty, -1
 * malformed (noted).
 */
static int
get(const char *qs, const char *name, char *buf, size_t len,
    struct report_problems *pr)
{
	int	r;

	buf[0] = '\0';
	if ((r = qs_get(qs, name, buf, len)) == -1) {
		buf[0] = '\0';
		problem(pr, name, strlen(name),
		    "is malformed, too long or not valid UTF-8");
		return (-1);
	}

	return (r == 1 && buf[0] != '\0');
}

/* 1 to 18 digits, not all zeros. */
static int
positive_id(const char *s)
{
	size_t	n;

	n = strspn(s, "0123456789");
	return (n > 0 && n <= 18 && s[n] == '\0' &&
	    strspn(s, "0") != n);
}

void
report_parse(const char *qs, struct report_params *rp,
    struct report_problems *pr)
{
	char	buf[16];

	memset(rp, 0, sizeof(*rp));
	memset(pr, 0, sizeof(*pr));
	rp->format = REPORT_JSON;

	check_names(qs, pr);

	if (get(qs, "call_id", rp->call_id, sizeof(rp->call_id), pr) == 1 &&
	    !positive_id(rp->call_id)) {
		problem(pr, "call_id", 7, "must be a call's id, a positive "
		    "integer");
		rp->call_id[0] = '\0';
	}
	if (get(qs, "from", rp->from, sizeof(rp->from), pr) == 1 &&
	    !schema_date_valid(rp->from)) {
		problem(pr, "from", 4, "must be a date YYYY-MM-DD");
		rp->from[0] = '\0';
	}
	if (get(qs, "to", rp->to, sizeof(rp->to), pr) == 1 &&
	    !schema_date_valid(rp->to)) {
		problem(pr, "to", 2, "must be a date YYYY-MM-DD");
		rp->to[0] = '\0';
	}
	/* Dates of the same form compare as strings. */
	if (rp->from[0] != '\0' && rp->to[0] != '\0' &&
	    strcmp(rp->from, rp->to) > 0)
		problem(pr, "to", 2, "must not be before from");
	if (get(qs, "ward", rp->ward, sizeof(rp->ward), pr) == 1 &&
	    strcmp(rp->ward, "outside") != 0 && (strlen(rp->ward) != 5 ||
	    strspn(rp->ward, "0123456789") != 5)) {
		problem(pr, "ward", 4, "must be a ward code such as 00037, "
		    "or outside");
		rp->ward[0] = '\0';
	}
	if (get(qs, "format", buf, sizeof(buf), pr) == 1) {
		if (!strcmp(buf, "csv"))
			rp->format = REPORT_CSV;
		else if (strcmp(buf, "json") != 0)
			problem(pr, "format", 6, "must be json or csv");
	}
}

/*
 * Whether a column of PostgreSQL type oid holds numbers, which a CSV
 * writes as they are (int2, int4, int8, float4, float8, numeric); the
 * rest is text, neutralised against formulas.
 */
int
report_numeric_type(unsigned int oid)
{
	switch (oid) {
	case 20:	/* int8 */
	case 21:	/* int2 */
	case 23:	/* int4 */
	case 700:	/* float4 */
	case 701:	/* float8 */
	case 1700:	/* numeric */
		return (1);
	}

	return (0);
}
