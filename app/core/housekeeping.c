/*
 * Periodic clean-up, run by the first worker only: expired sessions and
 * old login failures serve nobody and would slow their indexes down.
 * Mentoring offers past their time expire (migrations/0005), so that a
 * mentee whose mentor did not answer is free for the next matching run
 * even when nobody looks at the offer.
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
	    "SELECT expire_matches()"))
		kore_pgsql_logerror(&sql);

	kore_pgsql_cleanup(&sql);
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
