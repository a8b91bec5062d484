/*
 * Funding decisions as pure logic: when a decision departs from the
 * allocation proposal, staff-set amounts in a query string, the offer of
 * freed money to the waitlist, the proposal's reasons in Vietnamese, and
 * the checks of a call's tranche schedule and of an award's tranches.
 * The database enforces the same rules (migrations/0004_decisions.sql);
 * these answer with every problem at once, in words.  Money is int64 VND,
 * merit micropoints as in ranking.h.
 */

#ifndef SEN_DECISIONS_H
#define SEN_DECISIONS_H

#include <stddef.h>
#include <stdint.h>

#include "allocation.h"
#include "lifecycle.h"

#define DEC_AMOUNT_MAX		INT64_C(10000000000000)	/* 10^13 VND */
#define DEC_TRANCHES_MAX	10
#define DEC_CHECKINS_MAX	12	/* of a follow-up schedule */
#define DEC_AMOUNTS_MAX		256	/* staff-set amounts in one query */
#define DEC_NO_GATE		0	/* a tranche that staff approve */

/*
 * 1 when a decision departs from the proposal: funded other than as
 * proposed (outcome or amount), waitlisted what was not waitlisted, or
 * rejected what the proposal would fund or waitlist.
 */
int		 dec_departs(const char *, int64_t, const char *, int64_t);

/* A staff-set amount: ?amount.<application id>=<VND>. */
struct dec_amount {
	int64_t		id;
	int64_t		amount;
};

int		 dec_amounts_parse(const char *, struct dec_amount *, size_t,
		    size_t *, char *, size_t, char *, size_t);

/*
 * Money freed by a declined or revoked award, offered by the proposal's
 * rules: a reserve walk over verified-priority candidates while the
 * reserve is short of its share, then a general walk, each in rank order
 * and going on past what does not fit.
 */
struct dec_pool {
	int64_t		budget;
	int64_t		reserve;	/* floor(budget * pct / 100) */
	int64_t		committed;	/* of the whole call */
	int64_t		committed_priority; /* to verified-priority ones */
	int64_t		max_award;
	int64_t		min_merit;	/* micropoints */
};

struct dec_candidate {
	int64_t		id;
	int		rank;		/* > 0, increasing */
	int64_t		merit;
	int64_t		requested;
	int		priority;
};

struct dec_offer {
	int64_t		id;
	int		rank;
	int64_t		amount;
	enum alloc_pool	pool;
};

const char	*dec_promote(const struct dec_pool *,
		    const struct dec_candidate *, size_t, struct dec_offer *,
		    size_t *);

/* alloc_reason() in Vietnamese; returns what snprintf() returns. */
int		 dec_reason_vi(const struct alloc_result *, char *, size_t);

/*
 * A call's default schedule: percentages (each 1..100, summing to 100)
 * and, for every tranche after the first, the follow-up check-in that
 * opens it (1..schedule) or DEC_NO_GATE.  Errors under "tranche_pcts"
 * and "tranche_gates".
 */
void		 dec_schedule_check(const int *, size_t, const int *, size_t,
		    size_t, struct lc_errors *);

/*
 * An award's tranches as staff edit them, against the award and what has
 * been paid: the amounts sum to the award, a tranche keeps at least what
 * was paid of it, a paid tranche keeps its amount and gate, the first has
 * no gate, a gate names a check-in of the schedule.  `old` has the
 * tranches as they are (nold of them).  Errors under "tranches[i].…".
 */
struct dec_tranche {
	int64_t		amount;
	int		gate;		/* DEC_NO_GATE or a check-in */
	int64_t		paid;		/* only in old */
};

void		 dec_tranches_check(int64_t, const struct dec_tranche *,
		    size_t, const struct dec_tranche *, size_t, size_t,
		    struct lc_errors *);

#endif
