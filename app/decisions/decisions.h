/*
 * Shared by the decision and award handlers (app/decisions/): the call
 * and its settings, the allocation proposal computed from the ranking,
 * and the offer of freed money to the waitlist.
 */

#ifndef SEN_DECISIONS_HANDLERS_H
#define SEN_DECISIONS_HANDLERS_H

#include "sen.h"
#include "lib/allocation.h"
#include "lib/decisions.h"
#include "review/ranking.h"

#define DEC_STAFF(ctx)		(((ctx)->user.role & \
				    (ROLE_STAFF | ROLE_ADMIN)) != 0)

#define DEC_REASON_MAX		2000
#define DEC_RATIONALE_MAX	4000
#define DEC_STATUS_LEN		16

/* A call as the decisions see it (calls and its decision settings). */
struct dec_call {
	int64_t		id;
	char		status[DEC_STATUS_LEN];
	int		scoring_closed;
	int64_t		budget;
	int64_t		max_award;
	int64_t		min_merit;	/* micropoints */
	int		reserve_pct;
	int64_t		version;
	size_t		schedule;	/* check-ins of the follow-up */
};

/*
 * The proposal: the ranking and what alloc_propose() made of it, item i
 * of each array for ranking entry i.  staff_amount[i] is the staff-set
 * amount used (0: none) and amount_from[i] where it came from.
 */
#define DEC_FROM_NONE		0
#define DEC_FROM_DECISION	1	/* a funded decision's amount */
#define DEC_FROM_QUERY		2	/* ?amount.<id>= */

struct dec_proposal {
	struct dec_call		 call;
	struct ranking_list	 rk;
	struct alloc_app	*apps;
	struct alloc_result	*res;
	int			*amount_from;
	struct alloc_totals	 totals;
};

void	dec_id(char *, size_t, int64_t);
const char *dec_not_blank(const char *);
int	dec_call_load(struct db *, int64_t, int, struct dec_call *);
int	dec_call_of_application(struct db *, int64_t, int64_t, int64_t *);
int	dec_proposal_make(struct db *, struct dec_call *,
	    const struct dec_amount *, size_t, struct dec_proposal *);
void	dec_proposal_free(struct dec_proposal *);
ssize_t	dec_proposal_find(const struct dec_proposal *, int64_t);
int	dec_offer_freed(struct db *, int64_t, int64_t, json_t *);
json_t	*dec_errors_json(const struct lc_errors *);

#endif
