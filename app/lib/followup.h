/*
 * The follow-up of supported businesses, without Kore or a database:
 * schedules from a call's months, the state of a scheduled check-in on a
 * day, the at-risk rules, which scheduled check-in a new answer is for,
 * and the checks of a check-in across its fields.
 *
 * The database holds the same rules (migrations/0006_followup.sql:
 * followup_start, followup_due_state, followup_risks, checkin_submit,
 * the checks of the checkins table) and applies them to stored data, with
 * "now" as a parameter; the handlers use these to answer a form with
 * every problem at once, and the unit tests pin both down on the same
 * cases (tests/unit/test_followup.c, tests/api/followup.test.mjs).
 *
 * Days are whole days since 1970-01-01 in Asia/Ho_Chi_Minh (lifecycle.h);
 * errors are collected per field in a struct lc_errors.
 */

#ifndef SEN_FOLLOWUP_H
#define SEN_FOLLOWUP_H

#include <stddef.h>
#include <stdint.h>

#include "lifecycle.h"

#define FU_MONTHS_MAX		12	/* check-ins in a schedule */
#define FU_MONTHS_LIMIT		120	/* the last at most ten years on */
#define FU_OPEN_DAYS		30	/* sent from this long before due */
#define FU_LABEL_LEN		16
#define FU_AMOUNT_MAX		1000000000000LL	/* 10^12 VND */
#define FU_COUNT_MAX		10000
#define FU_LINES_MAX		50
#define FU_MILESTONES_MAX	20
#define FU_SUPPORT_MAX		20

/* The default schedule of a call: baseline at the award, 3 … 24 months. */
#define FU_DEFAULT_MONTHS	{ 0, 3, 6, 12, 24 }
#define FU_DEFAULT_NMONTHS	5

/* An unanswered scheduled check-in on a day (followup_due_state). */
#define FU_UPCOMING		0	/* cannot be sent yet */
#define FU_OPEN			1	/* may be sent, not due yet */
#define FU_OVERDUE		2	/* after its due date */
#define FU_MISSED		3	/* after the grace period too */

/* The answer a scheduled check-in has. */
#define FU_NONE			0
#define FU_SUBMITTED		1	/* waiting for staff */
#define FU_APPROVED		2
#define FU_RETURNED		3	/* to be answered again */

/* Why a business is at risk (a bit set). */
#define FU_RISK_MISSED		0x01
#define FU_RISK_REVENUE		0x02
#define FU_RISK_FLAGGED		0x04

/* Which scheduled check-in an answer is for (fu_pick). */
#define FU_PICK_UNKNOWN		(-1)	/* no such number in the schedule */
#define FU_PICK_ANSWERED	(-2)	/* submitted or approved already */
#define FU_PICK_EARLY		(-3)	/* not open yet */
#define FU_PICK_NONE		(-4)	/* nothing left to answer */

/* One scheduled check-in and its answer. */
struct fu_slot {
	int		number;		/* 1 is the baseline */
	int32_t		due;		/* day */
	int		answer;		/* FU_NONE ... FU_RETURNED */
	int64_t		revenue;	/* of the answer; LC_UNSET when none */
};

/* What the at-risk rules look at. */
struct fu_facts {
	const struct fu_slot	*slots;	/* in schedule order */
	size_t			nslots;
	int32_t			today;
	int			grace_days;
	int			drop_pct;	/* revenue threshold, 1..100 */
	int			flagged;
	int			closed;
};

/* A check-in as sent (LC_UNSET: absent or null). */
struct fu_checkin {
	int			operating;	/* 0 or 1 */
	const char		*closed_reason;
	int64_t			revenue;
	int64_t			profit;		/* may be negative, so */
	int			has_profit;	/* this says if it was sent */
	int64_t			women, men, disabled;	/* LC_UNSET: absent */
	int			has_workers;
	int64_t			jobs;
	int64_t			jobs_women;
	const int64_t		*lines;		/* funds_used[i].line */
	const int64_t		*used;		/* funds_used[i].used_vnd */
	size_t			nused;
	const char *const	*support;	/* support_needed */
	size_t			nsupport;
};

/* Schedules. */
const char	*fu_months_check(const int *, size_t);
void		fu_label(int, char *, size_t);
int		fu_schedule(int32_t, const int *, size_t, int32_t *);
int32_t		fu_opens_on(int32_t);
int		fu_due_state(int32_t, int32_t, int);

/* The at-risk rules. */
int		fu_missed(const struct fu_slot *, int32_t, int);
int		fu_revenue_falling(int64_t, const int64_t *, size_t, int);
unsigned	fu_risks(const struct fu_facts *);
const char	*fu_status(const struct fu_facts *);

/* A new answer. */
int		fu_pick(const struct fu_slot *, size_t, int, int32_t);
void		fu_checkin_check(const struct fu_checkin *, const int64_t *,
		    size_t, const char *const *, size_t, struct lc_errors *);

#endif
