/*
 * Periodic work, run by the first worker only: expired sessions, old
 * login failures and expired idempotency keys serve nobody and would slow their indexes down;
 * reviewers whose reviews are overdue get their daily reminder; the
 * follow-up of supported businesses moves with the calendar; mentoring
 * offers past their time expire (migrations/0005), so that a mentee whose
 * mentor did not answer is free for the next matching run even when
 * nobody looks at the offer.
 */

#include "sen.h"

#define HOUSEKEEPING_MS		(15 * 60 * 1000)

/*
 * Kore 4.1's worker loop sleeps until its next timer even when a signal
 * arrived just before it went to sleep; a long timer would delay shutdown
 * by as long.  So the timer ticks every second and does its work only
 * every HOUSEKEEPING_MS.
 */
#define TICK_MS			1000

static u_int64_t	last_run;

static void	followup_periodic(struct kore_pgsql *);

/*
 * Reminders of overdue reviews: one message per overdue assignment per
 * Hà Nội day, queued in the outbox by review_reminders() (migrations/
 * 0003, one INSERT ... SELECT; its dedupe key makes a second run the
 * same day queue nothing).  Its own statement, so that a failure here
 * does not undo the clean-up.
 */
static void
housekeeping_reminders(struct kore_pgsql *sql)
{
	if (sql->result != NULL) {
		PQclear(sql->result);
		sql->result = NULL;
	}
	if (!kore_pgsql_query(sql, "SELECT review_reminders()"))
		kore_pgsql_logerror(sql);
}

static void
housekeeping(void *arg, u_int64_t now)
{
	struct kore_pgsql	sql;

	(void)arg;

	if (now - last_run < HOUSEKEEPING_MS)
		return;
	last_run = now;

	kore_pgsql_init(&sql);
	if (!kore_pgsql_setup(&sql, SEN_DB, KORE_PGSQL_SYNC)) {
		kore_pgsql_cleanup(&sql);
		return;
	}

	if (!kore_pgsql_query(&sql,
	    "DELETE FROM sessions WHERE expires_at < now(); "
	    "DELETE FROM login_failures WHERE at < now() - interval '1 day'; "
	    "DELETE FROM idempotency_keys WHERE expires_at < now(); "
	    "SELECT expire_matches()"))
		kore_pgsql_logerror(&sql);
	housekeeping_reminders(&sql);

	followup_periodic(&sql);

	kore_pgsql_cleanup(&sql);
}

/*
 * Follow-up (app/followup/, migrations/0006_followup.sql): businesses
 * whose check-in is now missed become at risk, and reminders go out
 * before and after due dates.  Both take the time as a parameter (the
 * tests call them with chosen times); each reminder is queued once
 * (outbox dedupe keys), however often this runs.  One statement list,
 * one transaction, audited as the follow-up's.
 */
static void
followup_periodic(struct kore_pgsql *sql)
{
	if (!kore_pgsql_query(sql,
	    "SELECT set_config('sen.action', 'followup.periodic', true); "
	    "SELECT followup_recompute_all(now()); "
	    "SELECT followup_reminders(now())"))
		kore_pgsql_logerror(sql);
}

void
sen_timers_init(void)
{
	static int	started;

	if (started || worker == NULL || worker->id != KORE_WORKER_BASE)
		return;

	started = 1;
	last_run = kore_time_ms();
	(void)kore_timer_add(housekeeping, TICK_MS, NULL, 0);
}
