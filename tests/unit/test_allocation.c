/*
 * allocation.c: the reserve for verified priority and what it returns,
 * the general walk that goes on past what does not fit, the waitlist,
 * the minimum merit, staff-set amounts and the reasons staff read.
 * Amounts in the comments are in millions of VND; M is one million.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "lib/allocation.h"
#include "lib/ranking.h"

#define M		INT64_C(1000000)
#define U		INT64_C(1000000)	/* a point, in micropoints */
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

#define POOR		(1U << 0)
#define DISABILITY	(1U << 1)

static struct alloc_app
app(int64_t id, int rank, int64_t merit, int64_t requested, int priority,
    uint32_t categories)
{
	struct alloc_app	a;

	memset(&a, 0, sizeof(a));
	a.id = id;
	a.rank = rank;
	a.merit = merit;
	a.final = merit;
	a.requested = requested;
	a.priority = priority;
	a.categories = categories;

	return (a);
}

static struct alloc_params
params(int64_t budget, int64_t max_award, int pct)
{
	struct alloc_params	p;

	memset(&p, 0, sizeof(p));
	p.budget = budget;
	p.max_award = max_award;
	p.reserve_pct = pct;
	p.ncategories = 2;

	return (p);
}

static void
run(const struct alloc_params *p, const struct alloc_app *a, size_t n,
    struct alloc_result *r, struct alloc_totals *t)
{
	const char	*err;

	if ((err = alloc_propose(p, a, n, r, t)) != NULL)
		fail_msg("alloc_propose: %s", err);
}

static const char *
reason(const struct alloc_result *r)
{
	static char	buf[ALLOC_REASON_LEN];
	int		n;

	n = alloc_reason(r, buf, sizeof(buf));
	assert_true(n > 0 && (size_t)n < sizeof(buf));
	return (buf);
}

/*
 * Budget 100, 30 % reserved: reserve 30, general 70.  Reserve walk:
 * rank 2 (priority, 20) leaves 10; rank 3 (priority, 10) leaves 0; rank 4
 * (priority, 15) does not fit.  Nothing returns.  General walk over 70:
 * rank 1 (40) leaves 30; rank 4 (15) leaves 15; rank 5 (30) does not
 * fit: waitlisted with 15 left.  Funded 40 + 20 + 10 + 15 = 85.
 */
static void
test_reserve_fully_used(void **state)
{
	struct alloc_params	p = params(100 * M, 50 * M, 30);
	struct alloc_app	a[5];
	struct alloc_result	r[5];
	struct alloc_totals	t;
	static const int64_t	running[] = { 40, 60, 70, 85, 85 };
	size_t			i;

	a[0] = app(1, 1, 80 * U, 40 * M, 0, 0);
	a[1] = app(2, 2, 75 * U, 20 * M, 1, POOR);
	a[2] = app(3, 3, 70 * U, 10 * M, 1, DISABILITY);
	a[3] = app(4, 4, 65 * U, 15 * M, 1, POOR | DISABILITY);
	a[4] = app(5, 5, 60 * U, 30 * M, 0, 0);
	run(&p, a, 5, r, &t);

	assert_int_equal(t.budget, 100 * M);
	assert_int_equal(t.reserve, 30 * M);
	assert_int_equal(t.reserve_used, 30 * M);
	assert_int_equal(t.reserve_returned, 0);
	assert_int_equal(t.general, 70 * M);
	assert_int_equal(t.general_used, 55 * M);
	assert_int_equal(t.funded, 85 * M);
	assert_int_equal(t.unspent, 15 * M);
	assert_int_equal(t.nfunded, 4);
	assert_int_equal(t.nwaitlisted, 1);

	assert_int_equal(r[0].outcome, ALLOC_FUNDED);
	assert_int_equal(r[0].pool, ALLOC_POOL_GENERAL);
	assert_string_equal(reason(&r[0]), "funded from the general pool "
	    "(rank 1)");
	assert_int_equal(r[1].pool, ALLOC_POOL_RESERVE);
	assert_int_equal(r[1].amount, 20 * M);
	assert_string_equal(reason(&r[1]), "funded from the priority "
	    "reserve (rank 2)");
	assert_int_equal(r[2].pool, ALLOC_POOL_RESERVE);
	assert_string_equal(reason(&r[2]), "funded from the priority "
	    "reserve (rank 3)");
	/* Priority, but the reserve was spent: the general pool pays. */
	assert_int_equal(r[3].outcome, ALLOC_FUNDED);
	assert_int_equal(r[3].pool, ALLOC_POOL_GENERAL);
	assert_string_equal(reason(&r[3]), "funded from the general pool "
	    "(rank 4)");
	assert_int_equal(r[4].outcome, ALLOC_WAITLISTED);
	assert_int_equal(r[4].pool, ALLOC_POOL_NONE);
	assert_int_equal(r[4].amount, 0);
	assert_int_equal(r[4].waitlist, 1);
	assert_int_equal(r[4].left, 15 * M);
	assert_string_equal(reason(&r[4]), "waitlisted: 15 000 000 VND "
	    "left, 30 000 000 requested");

	for (i = 0; i < 5; i++)
		assert_int_equal(r[i].running, running[i] * M);

	/* Poor: ranks 2 and 4, 20 + 15, 20 of it reserved. */
	assert_int_equal(t.category[0].funded, 2);
	assert_int_equal(t.category[0].amount, 35 * M);
	assert_int_equal(t.category[0].reserve, 20 * M);
	/* Disability: ranks 3 and 4, 10 + 15, 10 reserved. */
	assert_int_equal(t.category[1].funded, 2);
	assert_int_equal(t.category[1].amount, 25 * M);
	assert_int_equal(t.category[1].reserve, 10 * M);
	assert_int_equal(t.category[2].funded, 0);
}

/*
 * Budget 100, 50 % reserved: reserve 50.  The one priority applicant
 * (rank 2, 30) leaves 20, which returns: general 100 - 30 = 70.  General
 * walk: rank 1 (45) leaves 25; rank 3 (40) does not fit; rank 4 (25)
 * fits exactly and the walk says it went on past rank 3.  Without the
 * return the pool would have been 50 and rank 4 would wait.
 */
static void
test_reserve_returned(void **state)
{
	struct alloc_params	p = params(100 * M, 50 * M, 50);
	struct alloc_app	a[4];
	struct alloc_result	r[4];
	struct alloc_totals	t;

	a[0] = app(1, 1, 80 * U, 45 * M, 0, 0);
	a[1] = app(2, 2, 75 * U, 30 * M, 1, POOR);
	a[2] = app(3, 3, 70 * U, 40 * M, 0, 0);
	a[3] = app(4, 4, 65 * U, 25 * M, 0, 0);
	run(&p, a, 4, r, &t);

	assert_int_equal(t.reserve, 50 * M);
	assert_int_equal(t.reserve_used, 30 * M);
	assert_int_equal(t.reserve_returned, 20 * M);
	assert_int_equal(t.general, 70 * M);
	assert_int_equal(t.general_used, 70 * M);
	assert_int_equal(t.funded, 100 * M);
	assert_int_equal(t.unspent, 0);

	assert_int_equal(r[1].pool, ALLOC_POOL_RESERVE);
	assert_int_equal(r[2].outcome, ALLOC_WAITLISTED);
	assert_int_equal(r[2].left, 25 * M);
	assert_string_equal(reason(&r[2]), "waitlisted: 25 000 000 VND "
	    "left, 40 000 000 requested");
	assert_int_equal(r[3].outcome, ALLOC_FUNDED);
	assert_int_equal(r[3].passed, 3);
	assert_string_equal(reason(&r[3]), "funded from the general pool "
	    "(rank 4; rank 3 did not fit, so the walk went on)");
	assert_int_equal(r[3].running, 100 * M);
}

/*
 * The reserve walk goes on too.  Reserve 40 of 100: rank 1 (priority,
 * 25) leaves 15; rank 3 (priority, 20) does not fit; rank 4 (priority,
 * 10) does, leaving 5, which returns.  General 100 - 35 = 65: rank 2
 * (50) leaves 15; rank 3 (20) waits with 15 left.
 */
static void
test_reserve_walk_goes_on(void **state)
{
	struct alloc_params	p = params(100 * M, 50 * M, 40);
	struct alloc_app	a[4];
	struct alloc_result	r[4];
	struct alloc_totals	t;

	a[0] = app(1, 1, 80 * U, 25 * M, 1, POOR);
	a[1] = app(2, 2, 75 * U, 50 * M, 0, 0);
	a[2] = app(3, 3, 70 * U, 20 * M, 1, POOR);
	a[3] = app(4, 4, 65 * U, 10 * M, 1, DISABILITY);
	run(&p, a, 4, r, &t);

	assert_int_equal(t.reserve_used, 35 * M);
	assert_int_equal(t.reserve_returned, 5 * M);
	assert_int_equal(t.general, 65 * M);
	assert_int_equal(t.general_used, 50 * M);
	assert_int_equal(t.unspent, 15 * M);
	assert_string_equal(reason(&r[0]), "funded from the priority "
	    "reserve (rank 1)");
	assert_int_equal(r[3].pool, ALLOC_POOL_RESERVE);
	assert_string_equal(reason(&r[3]), "funded from the priority "
	    "reserve (rank 4; rank 3 did not fit, so the walk went on)");
	assert_int_equal(r[1].pool, ALLOC_POOL_GENERAL);
	assert_int_equal(r[2].outcome, ALLOC_WAITLISTED);
	assert_string_equal(reason(&r[2]), "waitlisted: 15 000 000 VND "
	    "left, 20 000 000 requested");
}

/*
 * Ranks 2 and 3 had equal finals; the ranking's tie-break put them in
 * this order, and the money follows the rank.  Budget 60: rank 1 (30)
 * leaves 30; rank 2 (25) leaves 5; rank 3 (25) waits; rank 4 (5) takes
 * the last 5 exactly: an amount equal to what is left fits.
 */
static void
test_ties_at_budget_edge(void **state)
{
	struct alloc_params	p = params(60 * M, 50 * M, 0);
	struct alloc_app	a[4];
	struct alloc_result	r[4];
	struct alloc_totals	t;

	a[0] = app(1, 1, 80 * U, 30 * M, 0, 0);
	a[1] = app(7, 2, 70 * U, 25 * M, 0, 0);
	a[2] = app(3, 3, 70 * U, 25 * M, 0, 0);
	a[3] = app(4, 4, 60 * U, 5 * M, 0, 0);
	run(&p, a, 4, r, &t);
	assert_int_equal(r[1].outcome, ALLOC_FUNDED);
	assert_int_equal(r[2].outcome, ALLOC_WAITLISTED);
	assert_string_equal(reason(&r[2]), "waitlisted: 5 000 000 VND "
	    "left, 25 000 000 requested");
	assert_int_equal(r[3].outcome, ALLOC_FUNDED);
	assert_int_equal(r[3].amount, 5 * M);
	assert_int_equal(t.funded, 60 * M);
	assert_int_equal(t.unspent, 0);
	assert_int_equal(t.reserve, 0);

	/* The other tie-break outcome: the other application is funded. */
	a[1].id = 3;
	a[2].id = 7;
	run(&p, a, 4, r, &t);
	assert_int_equal(r[1].id, 3);
	assert_int_equal(r[1].outcome, ALLOC_FUNDED);
	assert_int_equal(r[2].id, 7);
	assert_int_equal(r[2].outcome, ALLOC_WAITLISTED);

	/* One VND short: rank 4 waits too. */
	p.budget = 60 * M - 1;
	run(&p, a, 4, r, &t);
	assert_int_equal(r[3].outcome, ALLOC_WAITLISTED);
	assert_int_equal(r[3].left, 5 * M - 1);
	assert_int_equal(r[3].waitlist, 2);
	assert_string_equal(reason(&r[3]), "waitlisted: 4 999 999 VND "
	    "left, 5 000 000 requested");
	assert_int_equal(t.funded, 55 * M);
}

/*
 * Minimum merit 50.  Rank 1 has merit 48.2 and a high final from its
 * bonus: the bonus does not lift it over the floor, nor does the
 * reserve fund it.  Exactly 50 passes.
 */
static void
test_minimum_merit(void **state)
{
	struct alloc_params	p = params(100 * M, 50 * M, 30);
	struct alloc_app	a[3];
	struct alloc_result	r[3];
	struct alloc_totals	t;

	p.min_merit = 50 * U;
	a[0] = app(1, 1, 48200000, 10 * M, 1, POOR);
	a[0].final = 63200000;
	a[1] = app(2, 2, 50 * U, 10 * M, 0, 0);
	a[2] = app(3, 3, 49999999, 10 * M, 0, 0);
	run(&p, a, 3, r, &t);

	assert_int_equal(r[0].outcome, ALLOC_BELOW_MINIMUM);
	assert_int_equal(r[0].amount, 0);
	assert_int_equal(r[0].waitlist, 0);
	assert_string_equal(reason(&r[0]), "below the minimum merit: "
	    "48.2 < 50.0");
	assert_int_equal(r[1].outcome, ALLOC_FUNDED);
	assert_int_equal(r[2].outcome, ALLOC_BELOW_MINIMUM);
	assert_int_equal(t.nbelow, 2);
	assert_int_equal(t.nfunded, 1);
	assert_int_equal(t.reserve_used, 0);
	assert_int_equal(t.reserve_returned, 30 * M);
	assert_int_equal(t.category[0].funded, 0);
}

/*
 * Max award 30.  Rank 1 asks 50: 30, capped.  Rank 2 asks 40, staff set
 * 20: 20.  Rank 3 asks 40, staff set 35: the max award, 30, still caps.
 * Rank 4 asks 10, staff set 45: the request, 10.  Rank 5 asks 50 with
 * 0 set (none): 30, but only 10 is left in the budget of 100.
 */
static void
test_staff_amounts(void **state)
{
	struct alloc_params	p = params(100 * M, 30 * M, 0);
	struct alloc_app	a[5];
	struct alloc_result	r[5];
	struct alloc_totals	t;

	a[0] = app(1, 1, 90 * U, 50 * M, 0, 0);
	a[1] = app(2, 2, 85 * U, 40 * M, 0, 0);
	a[1].staff_amount = 20 * M;
	a[2] = app(3, 3, 80 * U, 40 * M, 0, 0);
	a[2].staff_amount = 35 * M;
	a[3] = app(4, 4, 75 * U, 10 * M, 0, 0);
	a[3].staff_amount = 45 * M;
	a[4] = app(5, 5, 70 * U, 50 * M, 0, 0);
	run(&p, a, 5, r, &t);

	assert_int_equal(r[0].amount, 30 * M);
	assert_int_equal(r[0].cap, ALLOC_CAP_MAX_AWARD);
	assert_string_equal(reason(&r[0]), "funded from the general pool "
	    "(rank 1): max award 30 000 000 of 50 000 000 requested");
	assert_int_equal(r[1].amount, 20 * M);
	assert_int_equal(r[1].cap, ALLOC_CAP_STAFF);
	assert_string_equal(reason(&r[1]), "funded from the general pool "
	    "(rank 2): 20 000 000 set by staff of 40 000 000 requested");
	assert_int_equal(r[2].amount, 30 * M);
	assert_int_equal(r[2].cap, ALLOC_CAP_MAX_AWARD);
	assert_int_equal(r[3].amount, 10 * M);
	assert_int_equal(r[3].cap, ALLOC_CAP_NONE);
	assert_string_equal(reason(&r[3]), "funded from the general pool "
	    "(rank 4)");
	assert_int_equal(r[4].outcome, ALLOC_WAITLISTED);
	assert_int_equal(r[4].proposed, 30 * M);
	assert_string_equal(reason(&r[4]), "waitlisted: 10 000 000 VND "
	    "left, 30 000 000 proposed (50 000 000 requested)");
	assert_int_equal(t.funded, 90 * M);
}

/* No money: everyone eligible waits, in rank order. */
static void
test_zero_budget(void **state)
{
	struct alloc_params	p = params(0, 50 * M, 30);
	struct alloc_app	a[4];
	struct alloc_result	r[4];
	struct alloc_totals	t;

	p.min_merit = 50 * U;
	a[0] = app(1, 1, 80 * U, 10 * M, 1, POOR);
	a[1] = app(2, 2, 40 * U, 10 * M, 0, 0);
	a[2] = app(3, 3, 60 * U, 1, 0, 0);
	a[3] = app(4, 0, 90 * U, 10 * M, 0, 0);
	run(&p, a, 4, r, &t);

	assert_int_equal(t.reserve, 0);
	assert_int_equal(t.funded, 0);
	assert_int_equal(t.unspent, 0);
	assert_int_equal(r[0].outcome, ALLOC_WAITLISTED);
	assert_int_equal(r[0].waitlist, 1);
	assert_string_equal(reason(&r[0]), "waitlisted: 0 VND left, "
	    "10 000 000 requested");
	assert_int_equal(r[1].outcome, ALLOC_BELOW_MINIMUM);
	assert_int_equal(r[2].outcome, ALLOC_WAITLISTED);
	assert_int_equal(r[2].waitlist, 2);
	assert_int_equal(r[3].outcome, ALLOC_EXCLUDED);
	assert_string_equal(reason(&r[3]), "excluded: not ranked (too few "
	    "reviews)");
	assert_int_equal(t.nwaitlisted, 2);
	assert_int_equal(t.nbelow, 1);
	assert_int_equal(t.nexcluded, 1);

	/* And nothing at all to allocate is no error. */
	assert_null(alloc_propose(&p, NULL, 0, NULL, &t));
	assert_int_equal(t.nfunded + t.nwaitlisted, 0);
}

/* floor(budget * pct / 100), exact for any budget. */
static void
test_reserve_rounding(void **state)
{
	struct alloc_params	p = params(999, 50 * M, 33);
	struct alloc_totals	t;

	/* 999 * 33 / 100 = 329.67 */
	run(&p, NULL, 0, NULL, &t);
	assert_int_equal(t.reserve, 329);
	/* 1 000 000 001 * 7 / 100 = 70 000 000.07 */
	p.budget = 1000000001;
	p.reserve_pct = 7;
	run(&p, NULL, 0, NULL, &t);
	assert_int_equal(t.reserve, 70000000);
	/* Where budget * pct would overflow. */
	p.budget = INT64_MAX;
	p.reserve_pct = 100;
	run(&p, NULL, 0, NULL, &t);
	assert_int_equal(t.reserve, INT64_MAX);
	p.reserve_pct = 99;
	run(&p, NULL, 0, NULL, &t);
	/* 9 223 372 036 854 775 807 * 99 / 100, floored */
	assert_int_equal(t.reserve, INT64_C(9131138316486228048));
	p.reserve_pct = 0;
	run(&p, NULL, 0, NULL, &t);
	assert_int_equal(t.reserve, 0);
}

static void
test_vnd(void **state)
{
	char		buf[40];

	(void)alloc_vnd(0, buf, sizeof(buf));
	assert_string_equal(buf, "0");
	(void)alloc_vnd(999, buf, sizeof(buf));
	assert_string_equal(buf, "999");
	(void)alloc_vnd(1000, buf, sizeof(buf));
	assert_string_equal(buf, "1 000");
	(void)alloc_vnd(12000000, buf, sizeof(buf));
	assert_string_equal(buf, "12 000 000");
	(void)alloc_vnd(1234567890, buf, sizeof(buf));
	assert_string_equal(buf, "1 234 567 890");
	(void)alloc_vnd(-5000, buf, sizeof(buf));
	assert_string_equal(buf, "-5 000");
	(void)alloc_vnd(INT64_MIN, buf, sizeof(buf));
	assert_string_equal(buf, "-9 223 372 036 854 775 808");
	assert_int_equal(alloc_vnd(12000000, buf, 4), 10);
	assert_string_equal(buf, "12 ");
}

static void
test_names(void **state)
{
	assert_string_equal(alloc_outcome_name(ALLOC_FUNDED), "funded");
	assert_string_equal(alloc_outcome_name(ALLOC_WAITLISTED),
	    "waitlisted");
	assert_string_equal(alloc_outcome_name(ALLOC_BELOW_MINIMUM),
	    "below_minimum");
	assert_string_equal(alloc_outcome_name(ALLOC_EXCLUDED), "excluded");
	assert_string_equal(alloc_pool_name(ALLOC_POOL_RESERVE), "reserve");
	assert_string_equal(alloc_pool_name(ALLOC_POOL_GENERAL), "general");
	assert_null(alloc_pool_name(ALLOC_POOL_NONE));
}

static void
test_invalid(void **state)
{
	struct alloc_params	p = params(100 * M, 50 * M, 30), bad;
	struct alloc_app	a[2];
	struct alloc_result	r[2];

	a[0] = app(1, 1, 80 * U, 10 * M, 0, 0);
	a[1] = app(2, 2, 70 * U, 10 * M, 0, 0);
	assert_null(alloc_propose(&p, a, 2, r, NULL));

	bad = p;
	bad.budget = -1;
	assert_non_null(alloc_propose(&bad, a, 2, r, NULL));
	bad = p;
	bad.max_award = 0;
	assert_non_null(alloc_propose(&bad, a, 2, r, NULL));
	bad = p;
	bad.reserve_pct = 101;
	assert_non_null(alloc_propose(&bad, a, 2, r, NULL));
	bad = p;
	bad.reserve_pct = -1;
	assert_non_null(alloc_propose(&bad, a, 2, r, NULL));
	bad = p;
	bad.min_merit = -1;
	assert_non_null(alloc_propose(&bad, a, 2, r, NULL));
	bad = p;
	bad.ncategories = ALLOC_CATEGORIES_MAX + 1;
	assert_non_null(alloc_propose(&bad, a, 2, r, NULL));
	assert_non_null(alloc_propose(NULL, a, 2, r, NULL));

	a[1].rank = 1;
	assert_string_equal(alloc_propose(&p, a, 2, r, NULL),
	    "the list is not in rank order");
	a[1].rank = 0;		/* incomplete: anywhere */
	assert_null(alloc_propose(&p, a, 2, r, NULL));
	a[1].rank = 2;
	a[1].requested = 0;
	assert_non_null(alloc_propose(&p, a, 2, r, NULL));
	a[1].requested = 10 * M;
	a[1].staff_amount = -1;
	assert_non_null(alloc_propose(&p, a, 2, r, NULL));
	a[1].staff_amount = 0;
	a[1].categories = 1U << 2;
	assert_string_equal(alloc_propose(&p, a, 2, r, NULL),
	    "an application has an unknown category");
}

/*
 * From the ranking to the proposal: the ranking's order, its incomplete
 * tail and its verified priority, as a caller would wire them.
 */
static void
test_from_ranking(void **state)
{
	static const struct rank_criterion	one[] = { { 100, 100 } };
	static const int			s60[] = { 60 }, s70[] = { 70 },
						s80[] = { 80 };
	struct rank_review			r60[] = { { 1, s60 } },
						r70[] = { { 1, s70 } },
						r80[] = { { 1, s80 } };
	struct rank_call			c = { one, 1, 1, 10, 0 };
	struct rank_app				ra[4];
	struct rank_result			rr[4];
	struct alloc_params			p = params(50 * M, 30 * M, 40);
	struct alloc_app			a[4];
	struct alloc_result			r[4];
	struct alloc_totals			t;
	static const int64_t			req[] = { 0, 30, 20, 25, 10 };
	size_t					i;

	memset(ra, 0, sizeof(ra));
	ra[0] = (struct rank_app){ 1, 1, 0, NULL, NULL, r80, 1 };
	ra[1] = (struct rank_app){ 2, 2, 15, "poor household", "hộ nghèo",
	    r60, 1 };
	ra[2] = (struct rank_app){ 3, 3, 0, NULL, NULL, r70, 1 };
	ra[3] = (struct rank_app){ 4, 4, 0, NULL, NULL, NULL, 0 };
	assert_null(rank_compute(&c, ra, 4, rr, NULL));

	/* Finals 80, 60 + 15 = 75, 70, then the unreviewed 4. */
	for (i = 0; i < 4; i++) {
		a[i] = app(rr[i].id, rr[i].rank, rr[i].merit,
		    req[rr[i].id] * M, rr[i].bonus > 0,
		    rr[i].bonus > 0 ? POOR : 0);
		a[i].final = rr[i].final;
	}
	assert_int_equal(a[0].id, 1);
	assert_int_equal(a[1].id, 2);
	assert_int_equal(a[2].id, 3);
	assert_int_equal(a[3].rank, 0);

	/*
	 * Reserve 20: application 2 (20) takes it all.  General 30:
	 * application 1 (30, its full request at the max award) takes it;
	 * application 3 (25) waits with 0 left; 4 is excluded.
	 */
	run(&p, a, 4, r, &t);
	assert_int_equal(r[0].pool, ALLOC_POOL_GENERAL);
	assert_int_equal(r[1].pool, ALLOC_POOL_RESERVE);
	assert_int_equal(r[2].outcome, ALLOC_WAITLISTED);
	assert_int_equal(r[3].outcome, ALLOC_EXCLUDED);
	assert_int_equal(t.funded, 50 * M);
	assert_int_equal(t.category[0].reserve, 20 * M);
}

/* Random lists: a fixed seed, so a failure can be replayed. */

static uint64_t	rng_state;

static uint64_t
rng(void)
{
	uint64_t	x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return (x * 0x2545f4914f6cdd1dULL);
}

static int64_t
rnd(int64_t n)
{
	return ((int64_t)(rng() % (uint64_t)n));
}

/*
 * Every property the proposal promises, checked against the input
 * alone: the budget holds, each application has exactly one fate, the
 * pools are walked greedily in rank order, no waitlisted application
 * would fit the money left unspent, the waitlist is in rank order, and
 * the totals add up.
 */
static void
check_properties(const struct alloc_params *p, const struct alloc_app *a,
    size_t n, const struct alloc_result *r, const struct alloc_totals *t)
{
	struct alloc_category	cat[ALLOC_CATEGORIES_MAX];
	int64_t			sum, rleft, gleft, want, reserve;
	size_t			i, c, counts[4];
	int			waitlist;

	memset(cat, 0, sizeof(cat));
	memset(counts, 0, sizeof(counts));
	reserve = (int64_t)((__int128)p->budget * p->reserve_pct / 100);
	assert_int_equal(t->reserve, reserve);
	assert_true(t->funded <= p->budget);
	assert_true(t->reserve_used <= t->reserve);
	assert_int_equal(t->reserve_used + t->reserve_returned, t->reserve);
	assert_int_equal(t->general, p->budget - t->reserve_used);
	assert_true(t->general_used <= t->general);
	assert_int_equal(t->funded, t->reserve_used + t->general_used);
	assert_int_equal(t->unspent, p->budget - t->funded);
	assert_true(t->unspent >= 0);

	/* Replay the reserve walk from the results. */
	rleft = t->reserve;
	for (i = 0; i < n; i++) {
		if (!a[i].priority || a[i].rank == 0 ||
		    a[i].merit < p->min_merit)
			continue;
		if (r[i].pool == ALLOC_POOL_RESERVE)
			rleft -= r[i].amount;
		else
			assert_true(r[i].proposed > rleft);
	}
	assert_int_equal(rleft, t->reserve_returned);

	sum = 0;
	gleft = t->general;
	waitlist = 0;
	for (i = 0; i < n; i++) {
		assert_int_equal(r[i].id, a[i].id);
		assert_int_equal(r[i].rank, a[i].rank);
		counts[r[i].outcome]++;
		want = a[i].requested;
		if (want > p->max_award)
			want = p->max_award;
		if (a[i].staff_amount > 0 && a[i].staff_amount < want)
			want = a[i].staff_amount;
		assert_int_equal(r[i].proposed, want);

		if (a[i].rank == 0)
			assert_int_equal(r[i].outcome, ALLOC_EXCLUDED);
		else if (a[i].merit < p->min_merit)
			assert_int_equal(r[i].outcome, ALLOC_BELOW_MINIMUM);
		else
			assert_true(r[i].outcome == ALLOC_FUNDED ||
			    r[i].outcome == ALLOC_WAITLISTED);

		if (r[i].outcome == ALLOC_FUNDED) {
			assert_int_equal(r[i].amount, want);
			assert_true(r[i].pool != ALLOC_POOL_NONE);
			if (r[i].pool == ALLOC_POOL_RESERVE)
				assert_true(a[i].priority);
			else
				gleft -= r[i].amount;
			assert_int_equal(r[i].waitlist, 0);
			for (c = 0; c < p->ncategories; c++) {
				if (!(a[i].categories & (1U << c)))
					continue;
				cat[c].funded++;
				cat[c].amount += r[i].amount;
				if (r[i].pool == ALLOC_POOL_RESERVE)
					cat[c].reserve += r[i].amount;
			}
		} else {
			assert_int_equal(r[i].amount, 0);
			assert_int_equal(r[i].pool, ALLOC_POOL_NONE);
		}
		if (r[i].outcome == ALLOC_WAITLISTED) {
			/* It did not fit when the walk reached it... */
			assert_int_equal(r[i].left, gleft);
			assert_true(r[i].proposed > gleft);
			/* ...nor what is left at the end. */
			assert_true(r[i].proposed > t->unspent);
			assert_int_equal(r[i].waitlist, ++waitlist);
		} else
			assert_int_equal(r[i].waitlist, 0);
		sum += r[i].amount;
		assert_int_equal(r[i].running, sum);
		assert_true(r[i].running <= p->budget);
	}
	assert_int_equal(gleft, t->unspent);
	assert_int_equal(sum, t->funded);
	assert_int_equal(counts[ALLOC_FUNDED], t->nfunded);
	assert_int_equal(counts[ALLOC_WAITLISTED], t->nwaitlisted);
	assert_int_equal(counts[ALLOC_BELOW_MINIMUM], t->nbelow);
	assert_int_equal(counts[ALLOC_EXCLUDED], t->nexcluded);
	assert_int_equal(t->nfunded + t->nwaitlisted + t->nbelow +
	    t->nexcluded, n);
	for (c = 0; c < ALLOC_CATEGORIES_MAX; c++) {
		assert_int_equal(cat[c].funded, t->category[c].funded);
		assert_int_equal(cat[c].amount, t->category[c].amount);
		assert_int_equal(cat[c].reserve, t->category[c].reserve);
	}
}

static void
test_random_properties(void **state)
{
	enum { NMAX = 60 };
	struct alloc_params	p;
	struct alloc_app	a[NMAX];
	struct alloc_result	r[NMAX];
	struct alloc_totals	t;
	char			buf[ALLOC_REASON_LEN];
	int64_t			scale;
	size_t			i, n;
	int			round, rank, len;

	rng_state = 0xa110ca7e;
	for (round = 0; round < 20000; round++) {
		/* VND, or VND in millions up to 10^15 to test the range. */
		scale = rnd(4) == 0 ? 1 : M;
		memset(&p, 0, sizeof(p));
		p.budget = rnd(8) == 0 ? 0 : rnd(1000) * scale;
		p.max_award = 1 + rnd(300) * scale;
		p.reserve_pct = rnd(5) == 0 ? 0 : (int)rnd(101);
		p.min_merit = rnd(3) == 0 ? 0 : rnd(80) * U;
		p.ncategories = (size_t)rnd(ALLOC_CATEGORIES_MAX + 1);

		n = (size_t)rnd(NMAX + 1);
		rank = 0;
		for (i = 0; i < n; i++) {
			memset(&a[i], 0, sizeof(a[i]));
			a[i].id = (int64_t)i + 1;
			/* Ranks increase, gaps allowed; a few incomplete. */
			a[i].rank = rnd(10) == 0 ? 0 : (rank += 1 + rnd(2));
			a[i].merit = rnd(100 * U + 1);
			a[i].final = a[i].merit;
			a[i].requested = 1 + rnd(200) * scale;
			a[i].staff_amount = rnd(4) == 0 ?
			    1 + rnd(200) * scale : 0;
			a[i].priority = rnd(3) == 0;
			if (a[i].priority && p.ncategories > 0)
				a[i].categories = (uint32_t)rnd(
				    INT64_C(1) << p.ncategories);
		}
		run(&p, a, n, r, &t);
		check_properties(&p, a, n, r, &t);
		for (i = 0; i < n; i++) {
			len = alloc_reason(&r[i], buf, sizeof(buf));
			assert_true(len > 0 && (size_t)len < sizeof(buf));
		}
	}
}

static double
seconds(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* 100 000 applications: prints the time, asserts none. */
static void
test_perf(void **state)
{
	enum { NA = 100000 };
	struct alloc_params	p = params(5000000 * M, 300 * M, 30);
	struct alloc_app	*a;
	struct alloc_result	*r;
	struct alloc_totals	t;
	char			buf[ALLOC_REASON_LEN];
	double			t0, t1, t2;
	int64_t			merit, req;
	uint32_t		cats;
	size_t			i;
	int			prio;

	a = calloc(NA, sizeof(*a));
	r = calloc(NA, sizeof(*r));
	assert_non_null(a);
	assert_non_null(r);
	rng_state = 7;
	for (i = 0; i < NA; i++) {
		/* One call each: argument order is up to the compiler. */
		merit = rnd(100 * U);
		req = (1 + rnd(500)) * M;
		prio = rnd(4) == 0;
		cats = (uint32_t)rnd(4);
		a[i] = app((int64_t)i + 1, (int)i + 1, merit, req, prio,
		    prio ? cats : 0);
	}
	p.min_merit = 30 * U;

	t0 = seconds();
	run(&p, a, NA, r, &t);
	t1 = seconds();
	for (i = 0; i < NA; i++)
		(void)alloc_reason(&r[i], buf, sizeof(buf));
	t2 = seconds();
	check_properties(&p, a, NA, r, &t);
	printf("[ PERF     ] allocating %d applications (%zu funded, %zu "
	    "waitlisted): %.1f ms; %d reasons: %.1f ms\n", NA, t.nfunded,
	    t.nwaitlisted, (t1 - t0) * 1e3, NA, (t2 - t1) * 1e3);

	free(a);
	free(r);
}

int
unit_allocation(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_reserve_fully_used),
		cmocka_unit_test(test_reserve_returned),
		cmocka_unit_test(test_reserve_walk_goes_on),
		cmocka_unit_test(test_ties_at_budget_edge),
		cmocka_unit_test(test_minimum_merit),
		cmocka_unit_test(test_staff_amounts),
		cmocka_unit_test(test_zero_budget),
		cmocka_unit_test(test_reserve_rounding),
		cmocka_unit_test(test_vnd),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_from_ranking),
		cmocka_unit_test(test_random_properties),
		cmocka_unit_test(test_perf),
	};

	return (cmocka_run_group_tests_name("allocation", tests, NULL, NULL));
}
