/*
 * report.c: the query string of the reports.  Every problem is named,
 * each once, a known parameter given twice or a misspelt one included;
 * what is accepted arrives as the SQL takes it.
 */

#include <stdio.h>
#include <string.h>

#include "unit.h"
#include "lib/report.h"

/* The message of a parameter's problem, or NULL. */
static const char *
problem_of(const struct report_problems *pr, const char *name)
{
	int	i;

	for (i = 0; i < pr->n; i++) {
		if (!strcmp(pr->p[i].name, name))
			return (pr->p[i].message);
	}

	return (NULL);
}

static void
test_none(void **state)
{
	struct report_params	rp;
	struct report_problems	pr;

	report_parse(NULL, &rp, &pr);
	assert_int_equal(pr.n, 0);
	assert_string_equal(rp.call_id, "");
	assert_string_equal(rp.from, "");
	assert_string_equal(rp.to, "");
	assert_string_equal(rp.ward, "");
	assert_int_equal(rp.format, REPORT_JSON);

	report_parse("", &rp, &pr);
	assert_int_equal(pr.n, 0);
}

static void
test_all(void **state)
{
	struct report_params	rp;
	struct report_problems	pr;

	report_parse("call_id=42&from=2026-01-01&to=2026-06-30&ward=00049"
	    "&format=csv", &rp, &pr);
	assert_int_equal(pr.n, 0);
	assert_string_equal(rp.call_id, "42");
	assert_string_equal(rp.from, "2026-01-01");
	assert_string_equal(rp.to, "2026-06-30");
	assert_string_equal(rp.ward, "00049");
	assert_int_equal(rp.format, REPORT_CSV);

	/* The same day at both ends; outside the district; JSON said. */
	report_parse("from=2026-02-28&to=2026-02-28&ward=outside&format=json",
	    &rp, &pr);
	assert_int_equal(pr.n, 0);
	assert_string_equal(rp.ward, "outside");
	assert_int_equal(rp.format, REPORT_JSON);

	/* Empty values are "any"; empty segments are nothing. */
	report_parse("call_id=&from=&ward=&format=&&", &rp, &pr);
	assert_int_equal(pr.n, 0);
	assert_string_equal(rp.call_id, "");
	assert_int_equal(rp.format, REPORT_JSON);

	/* Percent-encoding is decoded. */
	report_parse("ward=%30%30%30%33%37", &rp, &pr);
	assert_int_equal(pr.n, 0);
	assert_string_equal(rp.ward, "00037");
}

static void
test_bad_values(void **state)
{
	struct report_params	rp;
	struct report_problems	pr;

	report_parse("call_id=abc&from=2026-02-30&to=yesterday&ward=37"
	    "&format=xlsx", &rp, &pr);
	assert_int_equal(pr.n, 5);
	assert_non_null(problem_of(&pr, "call_id"));
	assert_non_null(problem_of(&pr, "from"));
	assert_non_null(problem_of(&pr, "to"));
	assert_non_null(problem_of(&pr, "ward"));
	assert_non_null(problem_of(&pr, "format"));
	/* Nothing refused reaches the SQL. */
	assert_string_equal(rp.call_id, "");
	assert_string_equal(rp.from, "");
	assert_string_equal(rp.to, "");
	assert_string_equal(rp.ward, "");

	report_parse("call_id=0", &rp, &pr);
	assert_non_null(problem_of(&pr, "call_id"));
	report_parse("call_id=000", &rp, &pr);
	assert_non_null(problem_of(&pr, "call_id"));
	report_parse("call_id=-3", &rp, &pr);
	assert_non_null(problem_of(&pr, "call_id"));
	report_parse("call_id=1234567890123456789", &rp, &pr);
	assert_non_null(problem_of(&pr, "call_id"));
	report_parse("call_id=123456789012345678", &rp, &pr);
	assert_int_equal(pr.n, 0);
	report_parse("ward=0004a", &rp, &pr);
	assert_non_null(problem_of(&pr, "ward"));
	report_parse("ward=Outside", &rp, &pr);
	assert_non_null(problem_of(&pr, "ward"));
	report_parse("from=2026-1-1", &rp, &pr);
	assert_non_null(problem_of(&pr, "from"));
	report_parse("format=CSV", &rp, &pr);
	assert_non_null(problem_of(&pr, "format"));

	/* Undecodable, and too long for its buffer. */
	report_parse("ward=%zz", &rp, &pr);
	assert_string_equal(problem_of(&pr, "ward"),
	    "is malformed, too long or not valid UTF-8");
	report_parse("format=jsonjsonjsonjsonjson", &rp, &pr);
	assert_non_null(problem_of(&pr, "format"));
}

static void
test_order_of_dates(void **state)
{
	struct report_params	rp;
	struct report_problems	pr;

	report_parse("from=2026-07-01&to=2026-06-30", &rp, &pr);
	assert_int_equal(pr.n, 1);
	assert_string_equal(problem_of(&pr, "to"), "must not be before from");

	report_parse("from=2025-12-31&to=2026-01-01", &rp, &pr);
	assert_int_equal(pr.n, 0);
}

static void
test_names(void **state)
{
	struct report_params	rp;
	struct report_problems	pr;

	/* A misspelt filter is refused, not ignored. */
	report_parse("call=3&ward=00049", &rp, &pr);
	assert_int_equal(pr.n, 1);
	assert_non_null(problem_of(&pr, "call"));
	assert_string_equal(rp.ward, "00049");

	report_parse("ward=00049&ward=00037", &rp, &pr);
	assert_int_equal(pr.n, 1);
	assert_string_equal(problem_of(&pr, "ward"),
	    "is given more than once");

	/* A bare name counts as given. */
	report_parse("format&format=csv", &rp, &pr);
	assert_string_equal(problem_of(&pr, "format"),
	    "is given more than once");

	/* Names that could not be a key of the answer are "query". */
	report_parse("%3Cscript%3E=1&a%20b=2", &rp, &pr);
	assert_int_equal(pr.n, 1);
	assert_non_null(problem_of(&pr, "query"));

	/* One problem per name, and never more than there is room for. */
	report_parse("a=1&a=2&b=1&c=1&d=1&e=1&f=1&g=1&h=1&i=1&j=1&k=1",
	    &rp, &pr);
	assert_int_equal(pr.n, REPORT_PROBLEMS_MAX);
	assert_non_null(problem_of(&pr, "a"));
}

static void
test_numeric_types(void **state)
{
	assert_true(report_numeric_type(20));
	assert_true(report_numeric_type(21));
	assert_true(report_numeric_type(23));
	assert_true(report_numeric_type(1700));
	assert_true(report_numeric_type(701));
	assert_false(report_numeric_type(25));		/* text */
	assert_false(report_numeric_type(16));		/* bool */
	assert_false(report_numeric_type(1082));	/* date */
}

int
unit_report(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_all),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_order_of_dates),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_numeric_types),
	};

	return (cmocka_run_group_tests_name("report", tests, NULL, NULL));
}
