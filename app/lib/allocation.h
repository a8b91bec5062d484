/*
 * The allocation proposal of a call: who is funded from the ranked list,
 * from which pool, who waits, and why, in sentences staff can check.
 *
 * A share of the budget, floor(budget * pct / 100), is reserved for
 * verified-priority applicants.  The reserve walk funds them in rank
 * order while the reserve lasts; what it leaves returns to the general
 * pool.  The general walk then goes down the whole list in rank order.
 * Each award is min(requested, max award, staff amount if set).  An
 * application that does not fit the money left is passed over and the
 * walk goes on, so a smaller one further down may still be funded rather
 * than leave money idle; the reason of that one says so.  Applications
 * passed over by both walks form the waitlist, in rank order.  Money is
 * int64 VND; scores are micropoints as in ranking.h.
 */

#ifndef SEN_ALLOCATION_H
#define SEN_ALLOCATION_H

#include <stddef.h>
#include <stdint.h>

#define ALLOC_CATEGORIES_MAX	16
#define ALLOC_REASON_LEN	192	/* enough for any reason */

enum alloc_outcome {
	ALLOC_FUNDED,
	ALLOC_WAITLISTED,
	ALLOC_BELOW_MINIMUM,
	ALLOC_EXCLUDED			/* not ranked: too few reviews */
};

enum alloc_pool {
	ALLOC_POOL_NONE,
	ALLOC_POOL_RESERVE,
	ALLOC_POOL_GENERAL
};

/* What made the proposed amount smaller than the request. */
enum alloc_cap {
	ALLOC_CAP_NONE,
	ALLOC_CAP_MAX_AWARD,
	ALLOC_CAP_STAFF
};

/* One line of the ranked list, in rank order. */
struct alloc_app {
	int64_t		id;
	int		rank;		/* 1, 2, ...; 0: incomplete */
	int64_t		final;		/* micropoints */
	int64_t		merit;		/* micropoints */
	int64_t		requested;	/* VND, > 0 */
	int64_t		staff_amount;	/* VND; 0 when staff set none */
	int		priority;	/* verified priority: a bonus > 0 */
	uint32_t	categories;	/* bit i: verified category i */
};

struct alloc_params {
	int64_t		budget;		/* VND, >= 0 */
	int64_t		max_award;	/* VND, > 0 */
	int64_t		min_merit;	/* micropoints; 0: no minimum */
	int		reserve_pct;	/* 0..100 */
	size_t		ncategories;	/* <= ALLOC_CATEGORIES_MAX */
};

/* out[i] is the fate of the i-th application of the input. */
struct alloc_result {
	int64_t			id;
	int			rank;
	enum alloc_outcome	outcome;
	enum alloc_pool		pool;
	enum alloc_cap		cap;
	int64_t			requested;
	int64_t			proposed;	/* what it would receive */
	int64_t			amount;		/* funded; 0 otherwise */
	int64_t			running;	/* funded down to this line */
	int64_t			left;		/* in the pool it missed */
	int			waitlist;	/* 1, 2, ...; 0 */
	int			passed;		/* rank its walk passed */
	int64_t			merit;
	int64_t			min_merit;
};

struct alloc_category {
	size_t		funded;
	int64_t		amount;
	int64_t		reserve;	/* of amount, from the reserve */
};

struct alloc_totals {
	int64_t			budget;
	int64_t			reserve;	/* floor(budget * pct / 100) */
	int64_t			reserve_used;
	int64_t			reserve_returned;
	int64_t			general;	/* budget - reserve_used */
	int64_t			general_used;
	int64_t			funded;		/* <= budget */
	int64_t			unspent;
	size_t			nfunded;
	size_t			nwaitlisted;
	size_t			nbelow;
	size_t			nexcluded;
	struct alloc_category	category[ALLOC_CATEGORIES_MAX];
};

const char	*alloc_propose(const struct alloc_params *,
		    const struct alloc_app *, size_t, struct alloc_result *,
		    struct alloc_totals *);
int		 alloc_reason(const struct alloc_result *, char *, size_t);
int		 alloc_vnd(int64_t, char *, size_t);
const char	*alloc_outcome_name(enum alloc_outcome);
const char	*alloc_pool_name(enum alloc_pool);

#endif
