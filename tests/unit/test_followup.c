/*
 * followup.c: schedules from a call's months, the state of a scheduled
 * check-in on a day, the at-risk rules, which check-in an answer is for,
 * the checks of a check-in across its fields, and the constants the
 * migration shares with them.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "lib/followup.h"

#define MIGRATION	"migrations/0006_followup.sql"
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static int32_t
D(const char *s)
{
	int32_t		d;

	if (!lc_date_parse(s, &d))
		fail_msg("bad date in a test: %s", s);

	return (d);
}

static void
test_months_check(void **state)
{
	static const int	def[] = FU_DEFAULT_MONTHS;
	static const int	one[] = { 0 };
	static const int	no_base[] = { 3, 6 };
	static const int	down[] = { 0, 6, 3 };
	static const int	twice[] = { 0, 3, 3 };
	static const int	far[] = { 0, 120 };
	static const int	too_far[] = { 0, 12, 121 };
	static const int	many[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
	};
	static const int	too_many[] = {
		0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12
	};

	(void)state;
	assert_int_equal(NELEM(def), FU_DEFAULT_NMONTHS);
	assert_null(fu_months_check(def, NELEM(def)));
	assert_null(fu_months_check(one, NELEM(one)));
	assert_null(fu_months_check(far, NELEM(far)));
	assert_null(fu_months_check(many, NELEM(many)));
	assert_non_null(fu_months_check(def, 0));
	assert_string_equal(fu_months_check(no_base, NELEM(no_base)),
	    "must start with 0, the baseline at the award");
	assert_non_null(fu_months_check(down, NELEM(down)));
	assert_non_null(fu_months_check(twice, NELEM(twice)));
	assert_non_null(fu_months_check(too_far, NELEM(too_far)));
	assert_non_null(fu_months_check(too_many, NELEM(too_many)));
}

static void
test_labels(void **state)
{
	char	buf[FU_LABEL_LEN];

	(void)state;
	fu_label(0, buf, sizeof(buf));
	assert_string_equal(buf, "baseline");
	fu_label(3, buf, sizeof(buf));
	assert_string_equal(buf, "month_3");
	fu_label(120, buf, sizeof(buf));
	assert_string_equal(buf, "month_120");
}

static void
test_schedule(void **state)
{
	static const int	def[] = FU_DEFAULT_MONTHS;
	static const int	odd[] = { 0, 1, 3, 12, 25 };
	static const int	bad[] = { 1, 3 };
	int32_t			due[FU_MONTHS_MAX];

	(void)state;
	assert_int_equal(fu_schedule(D("2026-03-10"), def, NELEM(def), due),
	    1);
	assert_int_equal(due[0], D("2026-03-10"));
	assert_int_equal(due[1], D("2026-06-10"));
	assert_int_equal(due[2], D("2026-09-10"));
	assert_int_equal(due[3], D("2027-03-10"));
	assert_int_equal(due[4], D("2028-03-10"));

	/* The end of a month is kept: the last day of a shorter month. */
	assert_int_equal(fu_schedule(D("2026-01-31"), odd, NELEM(odd), due),
	    1);
	assert_int_equal(due[0], D("2026-01-31"));
	assert_int_equal(due[1], D("2026-02-28"));
	assert_int_equal(due[2], D("2026-04-30"));
	assert_int_equal(due[3], D("2027-01-31"));
	assert_int_equal(due[4], D("2028-02-29"));	/* a leap year */

	/* 29 November 2026 + 3 months: no 29 February in 2027. */
	assert_int_equal(fu_schedule(D("2026-11-29"), def, NELEM(def), due),
	    1);
	assert_int_equal(due[1], D("2027-02-28"));
	assert_int_equal(due[4], D("2028-11-29"));

	due[0] = 42;
	assert_int_equal(fu_schedule(D("2026-03-10"), bad, NELEM(bad), due),
	    0);
	assert_int_equal(due[0], 42);
}

static void
test_due_state(void **state)
{
	int32_t		d;

	(void)state;
	d = D("2026-06-10");
	assert_int_equal(fu_opens_on(d), D("2026-05-11"));
	assert_int_equal(fu_due_state(d, D("2026-05-10"), 14), FU_UPCOMING);
	assert_int_equal(fu_due_state(d, D("2026-05-11"), 14), FU_OPEN);
	assert_int_equal(fu_due_state(d, d, 14), FU_OPEN);
	assert_int_equal(fu_due_state(d, d + 1, 14), FU_OVERDUE);
	assert_int_equal(fu_due_state(d, d + 14, 14), FU_OVERDUE);
	assert_int_equal(fu_due_state(d, d + 15, 14), FU_MISSED);
	/* No grace: missed the day after. */
	assert_int_equal(fu_due_state(d, d + 1, 0), FU_MISSED);
}

static void
test_missed(void **state)
{
	struct fu_slot	s;
	int32_t		d;

	(void)state;
	d = D("2026-06-10");
	memset(&s, 0, sizeof(s));
	s.number = 2;
	s.due = d;
	s.revenue = LC_UNSET;

	s.answer = FU_NONE;
	assert_false(fu_missed(&s, d + 14, 14));
	assert_true(fu_missed(&s, d + 15, 14));
	/* A returned answer is no answer. */
	s.answer = FU_RETURNED;
	assert_true(fu_missed(&s, d + 15, 14));
	/* Submitted (waiting for staff) or approved: she did her part. */
	s.answer = FU_SUBMITTED;
	assert_false(fu_missed(&s, d + 400, 14));
	s.answer = FU_APPROVED;
	assert_false(fu_missed(&s, d + 400, 14));
}

static void
test_revenue_falling(void **state)
{
	static const int64_t	both_low[] = { 7999999, 7000000 };
	static const int64_t	edge[] = { 8000000, 7000000 };
	static const int64_t	recovered[] = { 7000000, 8000000 };
	static const int64_t	last_two[] = { 9000000, 7000000, 7900000 };
	static const int64_t	first_two[] = { 7000000, 7000000, 9000000 };
	static const int64_t	one[] = { 1000000 };
	static const int64_t	unset[] = { 7000000, LC_UNSET };

	(void)state;
	/* Baseline 10 M, threshold 20 %: below 8 M is falling. */
	assert_true(fu_revenue_falling(10000000, both_low, 2, 20));
	/* Exactly 20 % lower is not "more than" 20 %. */
	assert_false(fu_revenue_falling(10000000, edge, 2, 20));
	assert_false(fu_revenue_falling(10000000, recovered, 2, 20));
	/* The two latest decide. */
	assert_true(fu_revenue_falling(10000000, last_two, 3, 20));
	assert_false(fu_revenue_falling(10000000, first_two, 3, 20));
	/* One later check-in is not a trend. */
	assert_false(fu_revenue_falling(10000000, one, 1, 20));
	/* Nothing sold at the baseline cannot fall. */
	assert_false(fu_revenue_falling(0, both_low, 2, 20));
	assert_false(fu_revenue_falling(LC_UNSET, both_low, 2, 20));
	assert_false(fu_revenue_falling(10000000, unset, 2, 20));
	/* Another threshold. */
	assert_true(fu_revenue_falling(10000000, edge, 2, 10));
	assert_false(fu_revenue_falling(10000000, both_low, 2, 50));
	/* 100 %: nothing is below 0. */
	assert_false(fu_revenue_falling(10000000, both_low, 2, 100));
}

static void
test_risks(void **state)
{
	struct fu_slot	s[5];
	struct fu_facts	f;
	int32_t		award;
	int		i;
	static const int months[] = FU_DEFAULT_MONTHS;

	(void)state;
	award = D("2026-01-15");
	memset(s, 0, sizeof(s));
	for (i = 0; i < 5; i++) {
		s[i].number = i + 1;
		s[i].due = lc_add_months(award, months[i]);
		s[i].answer = FU_NONE;
		s[i].revenue = LC_UNSET;
	}
	memset(&f, 0, sizeof(f));
	f.slots = s;
	f.nslots = 5;
	f.grace_days = 14;
	f.drop_pct = 20;

	/* At the award: on track. */
	f.today = award;
	assert_int_equal(fu_risks(&f), 0);
	assert_string_equal(fu_status(&f), "on_track");
	/* The baseline not sent 15 days after the award: missed. */
	f.today = award + 15;
	assert_int_equal(fu_risks(&f), FU_RISK_MISSED);
	assert_string_equal(fu_status(&f), "at_risk");
	/* Sent: on track again, even before staff approve it. */
	s[0].answer = FU_SUBMITTED;
	s[0].revenue = 10000000;
	assert_int_equal(fu_risks(&f), 0);

	/* Three check-ins approved, the last two low: falling. */
	s[0].answer = FU_APPROVED;
	s[1].answer = FU_APPROVED;
	s[1].revenue = 7000000;
	s[2].answer = FU_APPROVED;
	s[2].revenue = 6000000;
	f.today = s[2].due;
	assert_int_equal(fu_risks(&f), FU_RISK_REVENUE);
	/* Only approved ones count: a submitted low one does not. */
	s[2].answer = FU_SUBMITTED;
	assert_int_equal(fu_risks(&f), 0);
	s[2].answer = FU_APPROVED;
	/* Not without an approved baseline (and a returned one, not sent
	 * again, is missed by now). */
	s[0].answer = FU_RETURNED;
	assert_int_equal(fu_risks(&f), FU_RISK_MISSED);
	s[0].answer = FU_APPROVED;

	/* A flag adds its reason; a missed one too. */
	f.flagged = 1;
	f.today = s[3].due + 15;
	assert_int_equal(fu_risks(&f),
	    FU_RISK_REVENUE | FU_RISK_FLAGGED | FU_RISK_MISSED);
	assert_string_equal(fu_status(&f), "at_risk");
	/* Closed wins over everything. */
	f.closed = 1;
	assert_string_equal(fu_status(&f), "closed");
}

static void
test_pick(void **state)
{
	struct fu_slot	s[3];
	int32_t		award;

	(void)state;
	award = D("2026-01-15");
	memset(s, 0, sizeof(s));
	s[0].number = 1;
	s[0].due = award;
	s[1].number = 2;
	s[1].due = lc_add_months(award, 3);
	s[2].number = 3;
	s[2].due = lc_add_months(award, 6);

	/* The baseline first. */
	assert_int_equal(fu_pick(s, 3, 0, award), 0);
	assert_int_equal(fu_pick(s, 3, 1, award), 0);
	/* The next one is not open until 30 days before it is due. */
	s[0].answer = FU_SUBMITTED;
	assert_int_equal(fu_pick(s, 3, 0, award), FU_PICK_EARLY);
	assert_int_equal(fu_pick(s, 3, 2, s[1].due - FU_OPEN_DAYS - 1),
	    FU_PICK_EARLY);
	assert_int_equal(fu_pick(s, 3, 0, s[1].due - FU_OPEN_DAYS), 1);
	/* An answered one cannot be answered again... */
	assert_int_equal(fu_pick(s, 3, 1, award), FU_PICK_ANSWERED);
	s[0].answer = FU_APPROVED;
	assert_int_equal(fu_pick(s, 3, 1, award), FU_PICK_ANSWERED);
	/* ... until it is returned. */
	s[0].answer = FU_RETURNED;
	assert_int_equal(fu_pick(s, 3, 0, s[2].due), 0);
	/* Late ones may still be sent, in order by default. */
	s[0].answer = FU_APPROVED;
	assert_int_equal(fu_pick(s, 3, 0, s[2].due + 100), 1);
	assert_int_equal(fu_pick(s, 3, 3, s[2].due + 100), 2);
	assert_int_equal(fu_pick(s, 3, 4, s[2].due), FU_PICK_UNKNOWN);
	s[1].answer = FU_APPROVED;
	s[2].answer = FU_SUBMITTED;
	assert_int_equal(fu_pick(s, 3, 0, s[2].due), FU_PICK_NONE);
}

static const char *const	areas[] = {
	"business_planning", "bookkeeping", "marketing"
};
static const int64_t		budget[] = { 18000000, 12000000 };

/* An operating business's complete, consistent check-in. */
static void
good(struct fu_checkin *c)
{
	static const int64_t	lines[] = { 1, 2 };
	static const int64_t	used[] = { 18000000, 0 };
	static const char *const support[] = { "marketing" };

	memset(c, 0, sizeof(*c));
	c->operating = 1;
	c->revenue = 12000000;
	c->profit = 3000000;
	c->has_profit = 1;
	c->has_workers = 1;
	c->women = 2;
	c->men = 1;
	c->disabled = 1;
	c->jobs = 2;
	c->jobs_women = 1;
	c->lines = lines;
	c->used = used;
	c->nused = 2;
	c->support = support;
	c->nsupport = 1;
}

static void
check(const struct fu_checkin *c, struct lc_errors *errs)
{
	lc_errors_init(errs);
	fu_checkin_check(c, budget, NELEM(budget), areas, NELEM(areas), errs);
}

static void
test_checkin_valid(void **state)
{
	struct fu_checkin	c;
	struct lc_errors	errs;

	(void)state;
	good(&c);
	check(&c, &errs);
	assert_int_equal(errs.n, 0);

	/* A loss is a profit too. */
	c.profit = -5000000;
	check(&c, &errs);
	assert_int_equal(errs.n, 0);
	c.profit = LC_UNSET;		/* -1 VND: still a profit */
	check(&c, &errs);
	assert_int_equal(errs.n, 0);

	/* Closed, with a reason: nothing else needed. */
	memset(&c, 0, sizeof(c));
	c.operating = 0;
	c.closed_reason = "Mặt bằng bị thu hồi";
	c.revenue = c.jobs = c.jobs_women = LC_UNSET;
	c.women = c.men = c.disabled = LC_UNSET;
	check(&c, &errs);
	assert_int_equal(errs.n, 0);
}

static void
test_checkin_operating(void **state)
{
	struct fu_checkin	c;
	struct lc_errors	errs;

	(void)state;
	good(&c);
	c.revenue = LC_UNSET;
	c.has_profit = 0;
	c.has_workers = 0;
	c.jobs = LC_UNSET;
	c.jobs_women = LC_UNSET;
	c.closed_reason = "?";
	check(&c, &errs);
	assert_int_equal(errs.n, 5);
	assert_string_equal(lc_error_get(&errs, "revenue_vnd"),
	    "is required while the business operates");
	assert_non_null(lc_error_get(&errs, "profit_vnd"));
	assert_non_null(lc_error_get(&errs, "workers"));
	assert_non_null(lc_error_get(&errs, "jobs_created"));
	assert_string_equal(lc_error_get(&errs, "closed_reason"),
	    "is only for a business that has closed");

	/* Closed: the reason is required, and not blank. */
	memset(&c, 0, sizeof(c));
	c.operating = 0;
	c.revenue = c.jobs = c.jobs_women = LC_UNSET;
	check(&c, &errs);
	assert_int_equal(errs.n, 1);
	assert_non_null(lc_error_get(&errs, "closed_reason"));
	c.closed_reason = " \n\t";
	check(&c, &errs);
	assert_non_null(lc_error_get(&errs, "closed_reason"));

	/* Unknown (refused by the schema): nothing more said about it. */
	c.operating = LC_UNSET;
	c.closed_reason = NULL;
	check(&c, &errs);
	assert_int_equal(errs.n, 0);
}

static void
test_checkin_figures(void **state)
{
	struct fu_checkin	c;
	struct lc_errors	errs;

	(void)state;
	good(&c);
	c.profit = c.revenue + 1;
	c.disabled = 4;
	c.jobs_women = 3;
	check(&c, &errs);
	assert_int_equal(errs.n, 3);
	assert_string_equal(lc_error_get(&errs, "profit_vnd"),
	    "cannot be more than revenue_vnd");
	assert_non_null(lc_error_get(&errs, "workers.with_disability"));
	assert_string_equal(lc_error_get(&errs, "jobs_created_women"),
	    "cannot be more than jobs_created");

	good(&c);
	c.profit = c.revenue;
	c.disabled = 3;
	c.jobs_women = 2;
	check(&c, &errs);
	assert_int_equal(errs.n, 0);

	good(&c);
	c.jobs = LC_UNSET;
	check(&c, &errs);
	assert_string_equal(lc_error_get(&errs, "jobs_created_women"),
	    "needs jobs_created");
}

static void
test_checkin_funds(void **state)
{
	static const int64_t	lines[] = { 3, 1, 1, 0, 2, LC_UNSET };
	static const int64_t	used[] = { 1, 1, 1, 1, 12000001, 5 };
	struct fu_checkin	c;
	struct lc_errors	errs;

	(void)state;
	good(&c);
	c.lines = lines;
	c.used = used;
	c.nused = NELEM(lines);
	check(&c, &errs);
	assert_int_equal(errs.n, 4);
	assert_string_equal(lc_error_get(&errs, "funds_used[0].line"),
	    "must be a line of the budget, 1 to 2");
	assert_null(lc_error_get(&errs, "funds_used[1].line"));
	assert_string_equal(lc_error_get(&errs, "funds_used[2].line"),
	    "is the same line as funds_used[1]");
	assert_non_null(lc_error_get(&errs, "funds_used[3].line"));
	assert_string_equal(lc_error_get(&errs, "funds_used[4].used_vnd"),
	    "cannot be more than the 12000000 VND budgeted for this line");

	/* No budget lines at all. */
	c.nused = 1;
	lc_errors_init(&errs);
	fu_checkin_check(&c, budget, 0, areas, NELEM(areas), &errs);
	assert_string_equal(lc_error_get(&errs, "funds_used[0].line"),
	    "the application has no budget lines");
}

static void
test_checkin_support(void **state)
{
	static const char *const support[] = {
		"marketing", "astrology", "bookkeeping", "marketing"
	};
	struct fu_checkin	c;
	struct lc_errors	errs;

	(void)state;
	good(&c);
	c.support = support;
	c.nsupport = NELEM(support);
	check(&c, &errs);
	assert_int_equal(errs.n, 2);
	assert_string_equal(lc_error_get(&errs, "support_needed[1]"),
	    "must be a support area from /api/support-areas");
	assert_string_equal(lc_error_get(&errs, "support_needed[3]"),
	    "is listed twice");
}

static char *
slurp(const char *path)
{
	FILE		*f;
	char		*buf;
	long		len;

	if ((f = fopen(path, "r")) == NULL)
		return (NULL);
	(void)fseek(f, 0, SEEK_END);
	len = ftell(f);
	(void)fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)len + 1);
	if (buf != NULL && fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		buf = NULL;
	}
	(void)fclose(f);

	return (buf);
}

/* The constants the migration's functions share with followup.c. */
static void
test_migration_agrees(void **state)
{
	static const int	def[] = FU_DEFAULT_MONTHS;
	char			*sql, want[128];
	size_t			i, off;

	(void)state;
	if ((sql = slurp(MIGRATION)) == NULL)
		fail_msg("cannot read %s (run from the repository root)",
		    MIGRATION);

	off = (size_t)snprintf(want, sizeof(want),
	    "followup_months int[] NOT NULL DEFAULT '{");
	for (i = 0; i < NELEM(def); i++)
		off += (size_t)snprintf(want + off, sizeof(want) - off, "%s%d",
		    i ? "," : "", def[i]);
	(void)snprintf(want + off, sizeof(want) - off, "}'");
	if (strstr(sql, want) == NULL) {
		free(sql);
		fail_msg("%s: the default schedule is not %s", MIGRATION, want);
	}

	(void)snprintf(want, sizeof(want), "SELECT due - %d\n", FU_OPEN_DAYS);
	if (strstr(sql, want) == NULL) {
		free(sql);
		fail_msg("%s: followup_opens_on is not due - %d", MIGRATION,
		    FU_OPEN_DAYS);
	}

	if (strstr(sql, "cardinality(m) BETWEEN 1 AND 12 AND m[1] = 0") ==
	    NULL || strstr(sql, "m[i] > 120") == NULL) {
		free(sql);
		fail_msg("%s: followup_months_valid differs from "
		    "fu_months_check (1..%d check-ins, 0 first, up to %d)",
		    MIGRATION, FU_MONTHS_MAX, FU_MONTHS_LIMIT);
	}
	free(sql);
}

int
unit_followup(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_months_check),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_schedule),
		cmocka_unit_test(test_due_state),
		cmocka_unit_test(test_missed),
		cmocka_unit_test(test_revenue_falling),
		cmocka_unit_test(test_risks),
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_checkin_valid),
		cmocka_unit_test(test_checkin_operating),
		cmocka_unit_test(test_checkin_figures),
		cmocka_unit_test(test_checkin_funds),
		cmocka_unit_test(test_checkin_support),
		cmocka_unit_test(test_migration_agrees),
	};

	return (cmocka_run_group_tests_name("followup", tests, NULL, NULL));
}
