/*
 * The allocation proposal (see allocation.h).  Two walks down the ranked
 * list, integers only; the funded sum can never pass the budget because
 * each award is taken from a pool only when the pool holds it.
 */

#include <stdio.h>
#include <string.h>

#include "allocation.h"

static const char	*check(const struct alloc_params *,
			    const struct alloc_app *, size_t);
static int		 fmt_points(char *, size_t, int64_t);

const char *
alloc_propose(const struct alloc_params *p, const struct alloc_app *apps,
    size_t n, struct alloc_result *out, struct alloc_totals *totals)
{
	struct alloc_totals	 t;
	struct alloc_result	*r;
	const char		*err;
	int64_t			 left, running;
	size_t			 i, c;
	int			 passed, waitlist;

	if ((err = check(p, apps, n)) != NULL)
		return (err);
	if (n > 0 && out == NULL)
		return ("no room for the result");

	memset(&t, 0, sizeof(t));
	t.budget = p->budget;
	/* floor(budget * pct / 100) without the product overflowing. */
	t.reserve = p->budget / 100 * p->reserve_pct +
	    p->budget % 100 * p->reserve_pct / 100;

	for (i = 0; i < n; i++) {
		r = &out[i];
		memset(r, 0, sizeof(*r));
		r->id = apps[i].id;
		r->rank = apps[i].rank;
		r->requested = apps[i].requested;
		r->merit = apps[i].merit;
		r->min_merit = p->min_merit;
		r->proposed = apps[i].requested;
		if (p->max_award < r->proposed) {
			r->proposed = p->max_award;
			r->cap = ALLOC_CAP_MAX_AWARD;
		}
		if (apps[i].staff_amount > 0 &&
		    apps[i].staff_amount < r->proposed) {
			r->proposed = apps[i].staff_amount;
			r->cap = ALLOC_CAP_STAFF;
		}
		if (apps[i].rank == 0)
			r->outcome = ALLOC_EXCLUDED;
		else if (apps[i].merit < p->min_merit)
			r->outcome = ALLOC_BELOW_MINIMUM;
		else
			r->outcome = ALLOC_WAITLISTED;
	}

	/* The reserve: verified priority only, in rank order. */
	left = t.reserve;
	passed = 0;
	for (i = 0; i < n; i++) {
		r = &out[i];
		if (r->outcome != ALLOC_WAITLISTED || !apps[i].priority)
			continue;
		if (r->proposed > left) {
			passed = r->rank;
			continue;
		}
		left -= r->proposed;
		r->outcome = ALLOC_FUNDED;
		r->pool = ALLOC_POOL_RESERVE;
		r->amount = r->proposed;
		r->passed = passed;
		t.reserve_used += r->amount;
	}
	t.reserve_returned = left;

	/* The general pool: everyone still waiting, in rank order. */
	t.general = p->budget - t.reserve_used;
	left = t.general;
	passed = 0;
	for (i = 0; i < n; i++) {
		r = &out[i];
		if (r->outcome != ALLOC_WAITLISTED)
			continue;
		if (r->proposed > left) {
			r->left = left;
			passed = r->rank;
			continue;
		}
		left -= r->proposed;
		r->outcome = ALLOC_FUNDED;
		r->pool = ALLOC_POOL_GENERAL;
		r->amount = r->proposed;
		r->passed = passed;
		t.general_used += r->amount;
	}

	running = 0;
	waitlist = 0;
	for (i = 0; i < n; i++) {
		r = &out[i];
		running += r->amount;
		r->running = running;
		switch (r->outcome) {
		case ALLOC_FUNDED:
			t.nfunded++;
			for (c = 0; c < p->ncategories; c++) {
				if (!(apps[i].categories & (1U << c)))
					continue;
				t.category[c].funded++;
				t.category[c].amount += r->amount;
				if (r->pool == ALLOC_POOL_RESERVE)
					t.category[c].reserve += r->amount;
			}
			break;
		case ALLOC_WAITLISTED:
			r->waitlist = ++waitlist;
			t.nwaitlisted++;
			break;
		case ALLOC_BELOW_MINIMUM:
			t.nbelow++;
			break;
		case ALLOC_EXCLUDED:
			t.nexcluded++;
			break;
		}
	}
	t.funded = t.reserve_used + t.general_used;
	t.unspent = t.budget - t.funded;

	if (totals != NULL)
		*totals = t;
	return (NULL);
}

/*
 * Why, in one sentence:
 *   funded from the priority reserve (rank 3)
 *   funded from the general pool (rank 9; rank 7 did not fit, so the
 *     walk went on): max award 30 000 000 of 45 000 000 requested
 *   waitlisted: 12 000 000 VND left, 30 000 000 requested
 *   below the minimum merit: 48.2 < 50.0
 * Returns what snprintf() returns.
 */
int
alloc_reason(const struct alloc_result *r, char *buf, size_t len)
{
	char		pool[96], cap[96], a[32], b[32], c[32];

	switch (r->outcome) {
	case ALLOC_FUNDED:
		if (r->passed > 0)
			(void)snprintf(pool, sizeof(pool), "funded from the %s "
			    "(rank %d; rank %d did not fit, so the walk went "
			    "on)", r->pool == ALLOC_POOL_RESERVE ?
			    "priority reserve" : "general pool", r->rank,
			    r->passed);
		else
			(void)snprintf(pool, sizeof(pool), "funded from the %s "
			    "(rank %d)", r->pool == ALLOC_POOL_RESERVE ?
			    "priority reserve" : "general pool", r->rank);
		cap[0] = '\0';
		(void)alloc_vnd(r->amount, a, sizeof(a));
		(void)alloc_vnd(r->requested, b, sizeof(b));
		if (r->cap == ALLOC_CAP_MAX_AWARD)
			(void)snprintf(cap, sizeof(cap), ": max award %s of %s "
			    "requested", a, b);
		else if (r->cap == ALLOC_CAP_STAFF)
			(void)snprintf(cap, sizeof(cap), ": %s set by staff of "
			    "%s requested", a, b);
		return (snprintf(buf, len, "%s%s", pool, cap));
	case ALLOC_WAITLISTED:
		(void)alloc_vnd(r->left, a, sizeof(a));
		(void)alloc_vnd(r->proposed, b, sizeof(b));
		(void)alloc_vnd(r->requested, c, sizeof(c));
		if (r->cap == ALLOC_CAP_NONE)
			return (snprintf(buf, len, "waitlisted: %s VND left, "
			    "%s requested", a, b));
		return (snprintf(buf, len, "waitlisted: %s VND left, %s "
		    "proposed (%s requested)", a, b, c));
	case ALLOC_BELOW_MINIMUM:
		(void)fmt_points(a, sizeof(a), r->merit);
		(void)fmt_points(b, sizeof(b), r->min_merit);
		return (snprintf(buf, len, "below the minimum merit: %s < %s",
		    a, b));
	default:
		return (snprintf(buf, len, "excluded: not ranked (too few "
		    "reviews)"));
	}
}

/* VND with a space between thousands: 12 000 000. */
int
alloc_vnd(int64_t v, char *buf, size_t len)
{
	char		digits[24], out[40];
	size_t		i, n, o;
	uint64_t	u;

	u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	n = (size_t)snprintf(digits, sizeof(digits), "%llu",
	    (unsigned long long)u);
	o = 0;
	if (v < 0)
		out[o++] = '-';
	for (i = 0; i < n; i++) {
		if (i > 0 && (n - i) % 3 == 0)
			out[o++] = ' ';
		out[o++] = digits[i];
	}
	out[o] = '\0';

	return (snprintf(buf, len, "%s", out));
}

const char *
alloc_outcome_name(enum alloc_outcome o)
{
	switch (o) {
	case ALLOC_FUNDED:
		return ("funded");
	case ALLOC_WAITLISTED:
		return ("waitlisted");
	case ALLOC_BELOW_MINIMUM:
		return ("below_minimum");
	default:
		return ("excluded");
	}
}

const char *
alloc_pool_name(enum alloc_pool pool)
{
	switch (pool) {
	case ALLOC_POOL_RESERVE:
		return ("reserve");
	case ALLOC_POOL_GENERAL:
		return ("general");
	default:
		return (NULL);
	}
}

static const char *
check(const struct alloc_params *p, const struct alloc_app *apps, size_t n)
{
	size_t		i;
	int		last;

	if (p == NULL)
		return ("no parameters");
	if (p->budget < 0)
		return ("the budget is negative");
	if (p->max_award <= 0)
		return ("the max award must be positive");
	if (p->min_merit < 0)
		return ("the minimum merit is negative");
	if (p->reserve_pct < 0 || p->reserve_pct > 100)
		return ("the reserved share is outside 0..100");
	if (p->ncategories > ALLOC_CATEGORIES_MAX)
		return ("too many priority categories");
	if (n > 0 && apps == NULL)
		return ("no applications given");

	last = 0;
	for (i = 0; i < n; i++) {
		if (apps[i].requested <= 0)
			return ("a requested amount is not positive");
		if (apps[i].staff_amount < 0)
			return ("a staff-set amount is negative");
		if (apps[i].rank < 0)
			return ("a rank is negative");
		if (apps[i].categories >> p->ncategories != 0)
			return ("an application has an unknown category");
		if (apps[i].rank == 0)
			continue;
		/* The walks go in rank order: the list must be in it. */
		if (apps[i].rank <= last)
			return ("the list is not in rank order");
		last = apps[i].rank;
	}

	return (NULL);
}

/* Micropoints with one decimal, half away from zero (cf. ranking.h). */
static int
fmt_points(char *buf, size_t len, int64_t v)
{
	int64_t		t;

	t = (v + (v < 0 ? -50000 : 50000)) / 100000;
	if (t < 0)
		return (snprintf(buf, len, "-%lld.%lld", (long long)(-t / 10),
		    (long long)(-t % 10)));

	return (snprintf(buf, len, "%lld.%lld", (long long)(t / 10),
	    (long long)(t % 10)));
}
