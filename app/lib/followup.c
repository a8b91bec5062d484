/*
 * The rules of the follow-up (see followup.h).  Each function has its
 * twin in migrations/0006_followup.sql, named in its comment.
 */

#include <stdio.h>
#include <string.h>

#include "followup.h"

/*
 * A call's schedule: 1 to FU_MONTHS_MAX check-ins, the first at 0 months
 * (the baseline), strictly increasing, none after FU_MONTHS_LIMIT
 * (followup_months_valid).  NULL when valid, else why not.
 */
const char *
fu_months_check(const int *months, size_t n)
{
	size_t		i;

	if (n == 0)
		return ("must list at least the baseline (0)");
	if (n > FU_MONTHS_MAX)
		return ("must list at most 12 check-ins");
	if (months[0] != 0)
		return ("must start with 0, the baseline at the award");
	for (i = 1; i < n; i++) {
		if (months[i] <= months[i - 1])
			return ("must be in increasing order, each month once");
		if (months[i] > FU_MONTHS_LIMIT)
			return ("must end within 120 months of the award");
	}

	return (NULL);
}

/* baseline, month_3, month_12 ... (followup_label). */
void
fu_label(int months, char *buf, size_t len)
{
	if (months == 0)
		(void)snprintf(buf, len, "baseline");
	else
		(void)snprintf(buf, len, "month_%d", months);
}

/*
 * The due day of each check-in of a schedule counted from the award day
 * (followup_start: the award plus the months, the day kept or, past the
 * end of a shorter month, its last day).  0 when the months are not a
 * valid schedule.
 */
int
fu_schedule(int32_t award, const int *months, size_t n, int32_t *due)
{
	size_t		i;

	if (fu_months_check(months, n) != NULL)
		return (0);
	for (i = 0; i < n; i++)
		due[i] = lc_add_months(award, months[i]);

	return (1);
}

/* The first day a check-in may be sent (followup_opens_on). */
int32_t
fu_opens_on(int32_t due)
{
	return (due - FU_OPEN_DAYS);
}

/* An unanswered check-in on a day (followup_due_state). */
int
fu_due_state(int32_t due, int32_t today, int grace)
{
	if (today > due + grace)
		return (FU_MISSED);
	if (today > due)
		return (FU_OVERDUE);
	if (today >= fu_opens_on(due))
		return (FU_OPEN);

	return (FU_UPCOMING);
}

/*
 * Missed: more than the grace period after its due date without a
 * submitted or approved answer; a returned one does not count.
 */
int
fu_missed(const struct fu_slot *s, int32_t today, int grace)
{
	if (s->answer == FU_SUBMITTED || s->answer == FU_APPROVED)
		return (0);

	return (fu_due_state(s->due, today, grace) == FU_MISSED);
}

/*
 * Falling revenue: the revenue of each of the two latest approved
 * check-ins after the baseline is below the baseline's by more than
 * drop_pct percent, 100 × revenue < baseline × (100 − drop_pct).
 * recent: the revenues of the approved check-ins after the baseline, in
 * schedule order (LC_UNSET where a check-in has none).  A baseline of 0
 * (nothing sold yet) cannot fall.
 */
int
fu_revenue_falling(int64_t baseline, const int64_t *recent, size_t n,
    int drop_pct)
{
	size_t		i;

	if (baseline <= 0 || n < 2)
		return (0);
	for (i = n - 2; i < n; i++) {
		if (recent[i] < 0 ||
		    recent[i] * 100 >= baseline * (100 - drop_pct))
			return (0);
	}

	return (1);
}

/* Why a business is at risk on facts->today (followup_risks). */
unsigned
fu_risks(const struct fu_facts *f)
{
	int64_t		recent[FU_MONTHS_MAX], baseline;
	size_t		i, n;
	unsigned	risks;

	risks = 0;
	baseline = LC_UNSET;
	n = 0;
	for (i = 0; i < f->nslots; i++) {
		if (fu_missed(&f->slots[i], f->today, f->grace_days))
			risks |= FU_RISK_MISSED;
		if (f->slots[i].answer != FU_APPROVED)
			continue;
		if (f->slots[i].number == 1)
			baseline = f->slots[i].revenue;
		else if (n < FU_MONTHS_MAX)
			recent[n++] = f->slots[i].revenue;
	}
	if (fu_revenue_falling(baseline, recent, n, f->drop_pct))
		risks |= FU_RISK_REVENUE;
	if (f->flagged)
		risks |= FU_RISK_FLAGGED;

	return (risks);
}

/* on_track, at_risk or closed (followup_recompute). */
const char *
fu_status(const struct fu_facts *f)
{
	if (f->closed)
		return ("closed");

	return (fu_risks(f) ? "at_risk" : "on_track");
}

/*
 * The scheduled check-in a new answer is for: number, or 0 for the
 * earliest one without a submitted or approved answer (checkin_submit).
 * Its index in slots, or FU_PICK_*.
 */
int
fu_pick(const struct fu_slot *slots, size_t n, int number, int32_t today)
{
	size_t		i;

	for (i = 0; i < n; i++) {
		if (number != 0 && slots[i].number != number)
			continue;
		if (slots[i].answer == FU_SUBMITTED ||
		    slots[i].answer == FU_APPROVED) {
			if (number != 0)
				return (FU_PICK_ANSWERED);
			continue;
		}
		if (today < fu_opens_on(slots[i].due))
			return (FU_PICK_EARLY);
		return ((int)i);
	}

	return (number != 0 ? FU_PICK_UNKNOWN : FU_PICK_NONE);
}

static void
check_funds(const struct fu_checkin *c, const int64_t *budget, size_t nbudget,
    struct lc_errors *errs)
{
	char		field[LC_FIELD_LEN], msg[LC_MSG_LEN];
	size_t		i, j;

	for (i = 0; i < c->nused; i++) {
		if (c->lines[i] == LC_UNSET)
			continue;
		(void)snprintf(field, sizeof(field), "funds_used[%zu].line", i);
		if (c->lines[i] < 1 || (size_t)c->lines[i] > nbudget) {
			if (nbudget == 0)
				(void)snprintf(msg, sizeof(msg),
				    "the application has no budget lines");
			else
				(void)snprintf(msg, sizeof(msg), "must be a "
				    "line of the budget, 1 to %zu", nbudget);
			lc_error(errs, NULL, field, msg);
			continue;
		}
		for (j = 0; j < i; j++) {
			if (c->lines[j] == c->lines[i])
				break;
		}
		if (j < i) {
			(void)snprintf(msg, sizeof(msg), "is the same line as "
			    "funds_used[%zu]", j);
			lc_error(errs, NULL, field, msg);
			continue;
		}
		if (c->used[i] != LC_UNSET &&
		    c->used[i] > budget[c->lines[i] - 1]) {
			(void)snprintf(field, sizeof(field),
			    "funds_used[%zu].used_vnd", i);
			(void)snprintf(msg, sizeof(msg), "cannot be more than "
			    "the %lld VND budgeted for this line",
			    (long long)budget[c->lines[i] - 1]);
			lc_error(errs, NULL, field, msg);
		}
	}
}

static void
check_support(const struct fu_checkin *c, const char *const *areas,
    size_t nareas, struct lc_errors *errs)
{
	char		field[LC_FIELD_LEN];
	size_t		i, j;

	for (i = 0; i < c->nsupport; i++) {
		if (c->support[i] == NULL)
			continue;
		(void)snprintf(field, sizeof(field), "support_needed[%zu]", i);
		for (j = 0; j < nareas; j++) {
			if (!strcmp(areas[j], c->support[i]))
				break;
		}
		if (j == nareas) {
			lc_error(errs, NULL, field, "must be a support area "
			    "from /api/support-areas");
			continue;
		}
		for (j = 0; j < i; j++) {
			if (c->support[j] != NULL &&
			    !strcmp(c->support[j], c->support[i]))
				break;
		}
		if (j < i)
			lc_error(errs, NULL, field, "is listed twice");
	}
}

/*
 * What a check-in must say across its fields (the checks of the checkins
 * table), each field's first problem: an operating business reports its
 * month, a closed one says why; profit within revenue; workers with a
 * disability among the workers; women's jobs among the jobs; funds used
 * on lines of the application's budget (budget: each line's amount),
 * each once and within its amount; support areas from the list, each
 * once.  Values LC_UNSET (or NULL) are absent, or already refused by the
 * schema, and are not checked again.
 */
void
fu_checkin_check(const struct fu_checkin *c, const int64_t *budget,
    size_t nbudget, const char *const *areas, size_t nareas,
    struct lc_errors *errs)
{
	static const char	need[] =
	    "is required while the business operates";

	if (c->operating == 1) {
		if (c->revenue == LC_UNSET)
			lc_error(errs, NULL, "revenue_vnd", need);
		if (!c->has_profit)
			lc_error(errs, NULL, "profit_vnd", need);
		if (!c->has_workers)
			lc_error(errs, NULL, "workers", need);
		if (c->jobs == LC_UNSET)
			lc_error(errs, NULL, "jobs_created", need);
		if (c->closed_reason != NULL)
			lc_error(errs, NULL, "closed_reason",
			    "is only for a business that has closed");
	} else if (c->operating == 0 && lc_blank(c->closed_reason)) {
		lc_error(errs, NULL, "closed_reason",
		    "is required when the business has closed: say why");
	}

	if (c->has_profit && c->revenue != LC_UNSET &&
	    c->profit > c->revenue)
		lc_error(errs, NULL, "profit_vnd",
		    "cannot be more than revenue_vnd");

	if (c->has_workers && c->women != LC_UNSET && c->men != LC_UNSET &&
	    c->disabled != LC_UNSET && c->disabled > c->women + c->men)
		lc_error(errs, NULL, "workers.with_disability",
		    "cannot be more than the workers (women + men)");

	if (c->jobs_women != LC_UNSET) {
		if (c->jobs == LC_UNSET)
			lc_error(errs, NULL, "jobs_created_women",
			    "needs jobs_created");
		else if (c->jobs_women > c->jobs)
			lc_error(errs, NULL, "jobs_created_women",
			    "cannot be more than jobs_created");
	}

	check_funds(c, budget, nbudget, errs);
	check_support(c, areas, nareas, errs);
}
