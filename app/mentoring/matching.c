/*
 * POST /api/calls/{id}/matching: propose a mentor for every woman of the
 * call that matching serves (funded or in follow-up, and waitlisted when
 * the call's settings say so) who has no active match.
 *
 * In one transaction, with the call's matching settings locked so that
 * two runs (or a run and a hand-made match) take turns:
 *   1. offers past their time expire; the run's earlier automatic
 *      proposals that were not published go (staff's own stay);
 *   2. three set-based reads: the mentees, the mentors with their places
 *      left (capacity less active matches, paused mentors left out), and
 *      the pairs that may not be proposed again (declined, expired,
 *      ended);
 *   3. in a task thread, so that the worker keeps serving others: every
 *      pair's compatibility (lib/compat.c), then the optimal matching
 *      (lib/match.c): verified priority first, then rank, then the
 *      largest total compatibility, pairs below the minimum not allowed;
 *   4. the proposals, with score and parts, the run and the unmatched
 *      with their reasons are written, and sent back.
 *
 * Cost, with n mentees, m mentors and P = n x m pairs: O(P) time for
 * the scores and O(P') memory for the P' pairs at or above the minimum;
 * match_run() then takes O(P' log P') to sort them, O(P') per mentee
 * kept for the augmenting searches of the service order (dead regions
 * are searched once in all) and a minimum-cost flow over the pairs of
 * the mentees kept: O(F (E log V)) for F distinct shortest path
 * lengths (about 60: scores take a few hundred values), E its pairs, V
 * the nodes (see lib/match.c and lib/flow.c).  Memory O(n + m + P'),
 * about a gigabyte at the peak for 10^7 pairs all allowed.
 *
 * Measured (tests/api/mentoring_perf.test.mjs, two shared cores):
 * 10 000 women x 1 000 mentors, 7.4 million pairs above the minimum,
 * 3 000 places: about 3 s for the whole call (2 s in the solver);
 * 12 000 places, all 10 000 matched: about 7 to 10 s (5 to 8 s in the
 * solver, nearly all of it the minimum-cost flow's Dijkstra phases).
 * Writing 10 000 proposals and answering (11 MB) take about 2 s.
 */

#include <stdatomic.h>
#include <time.h>

#include "mentoring.h"
#include "lib/match.h"

#define JOB_RUNNING	0
#define JOB_DONE	1
#define JOB_ABANDONED	2

/* Everything the task reads and writes; it never touches Kore. */
struct mjob {
	atomic_int		 state;
	struct compat_weights	 w;
	int			 min_score;
	struct mt_mentee	*ee;		/* ascending id */
	size_t			 n;
	struct mt_mentor	*tor;		/* ascending id */
	size_t			 m;
	uint64_t		*excl;		/* i << 32 | j, ascending */
	size_t			 nexcl;

	int			 rc;
	size_t			 npairs;
	int			*best;		/* per mentee, -1: no mentor */
	struct match_result	 res;
	struct compat_result	*det;		/* per res.out[k] matched */
	double			 ms;
};

struct mstate {
	struct db	 db;
	struct mt_ref	 ref;
	struct mjob	*job;
	int		 started;	/* the task has the job too */
	int64_t		 places;
};

static void
job_free(struct mjob *j)
{
	if (j == NULL)
		return;
	free(j->ee);
	free(j->tor);
	free(j->excl);
	free(j->best);
	free(j->det);
	match_free(&j->res);
	free(j);
}

/*
 * The request and the task each let go of the job; whichever comes
 * second frees it.  The task cannot know when a request goes away (a
 * client that hangs up frees the request while the task runs).
 */
static void
job_release(struct mjob *j, int who)
{
	int	was;

	was = atomic_exchange(&j->state, who);
	if (was != JOB_RUNNING)
		job_free(j);
}

static void
mstate_free(void *arg)
{
	struct mstate	*st = arg;

	db_close(&st->db);
	if (st->job != NULL && st->started)
		job_release(st->job, JOB_ABANDONED);
	else
		job_free(st->job);
	st->job = NULL;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return ((x > y) - (x < y));
}

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6);
}

static long
find_mentee(const struct mjob *j, int64_t id)
{
	size_t	lo, hi, mid;

	lo = 0;
	hi = j->n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (j->ee[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}

	return (lo < j->n && j->ee[lo].id == id ? (long)lo : -1);
}

static long
find_mentor(const struct mjob *j, int64_t id)
{
	size_t	lo, hi, mid;

	lo = 0;
	hi = j->m;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (j->tor[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}

	return (lo < j->m && j->tor[lo].id == id ? (long)lo : -1);
}

/* The scores of every pair allowed, the best per mentee, the matching. */
static int
job_solve(struct mjob *j)
{
	struct match_input	 in;
	struct match_mentee	*ee;
	struct match_mentor	*tor;
	struct match_pair	*pr, *grown;
	size_t			 i, k, np, cap, x;
	long			 a, b;
	uint64_t		 key;
	int			 s;

	ee = calloc(j->n ? j->n : 1, sizeof(*ee));
	tor = calloc(j->m ? j->m : 1, sizeof(*tor));
	j->best = calloc(j->n ? j->n : 1, sizeof(*j->best));
	cap = 1024;
	pr = malloc(cap * sizeof(*pr));
	if (ee == NULL || tor == NULL || j->best == NULL || pr == NULL) {
		free(ee);
		free(tor);
		free(pr);
		return (MATCH_ENOMEM);
	}

	for (i = 0; i < j->n; i++) {
		ee[i].id = j->ee[i].id;
		ee[i].priority = j->ee[i].priority;
		ee[i].rank = j->ee[i].rank;
	}
	for (k = 0; k < j->m; k++) {
		tor[k].id = j->tor[k].id;
		tor[k].capacity = j->tor[k].places;
	}

	np = 0;
	x = 0;
	for (i = 0; i < j->n; i++) {
		j->best[i] = -1;
		for (k = 0; k < j->m; k++) {
			key = (uint64_t)i << 32 | k;
			while (x < j->nexcl && j->excl[x] < key)
				x++;
			if (x < j->nexcl && j->excl[x] == key)
				continue;
			s = compat_points(&j->w, &j->ee[i].c, &j->tor[k].c);
			if (s > j->best[i])
				j->best[i] = s;
			if (s < j->min_score)
				continue;
			if (np == cap) {
				cap *= 2;
				if ((grown = realloc(pr, cap * sizeof(*pr))) ==
				    NULL) {
					free(ee);
					free(tor);
					free(pr);
					return (MATCH_ENOMEM);
				}
				pr = grown;
			}
			pr[np].mentee = ee[i].id;
			pr[np].mentor = tor[k].id;
			pr[np].score = s;
			np++;
		}
	}
	j->npairs = np;

	memset(&in, 0, sizeof(in));
	in.mentees = ee;
	in.nmentees = j->n;
	in.mentors = tor;
	in.nmentors = j->m;
	in.pairs = pr;
	in.npairs = np;
	in.min_score = j->min_score;
	j->rc = match_run(&in, &j->res);
	free(ee);
	free(tor);
	free(pr);
	if (j->rc != MATCH_OK)
		return (j->rc);

	/* The explanation of each pair kept. */
	if ((j->det = calloc(j->res.n ? j->res.n : 1, sizeof(*j->det))) ==
	    NULL)
		return (MATCH_ENOMEM);
	for (k = 0; k < j->res.n; k++) {
		if (j->res.out[k].reason != MATCH_MATCHED)
			continue;
		a = find_mentee(j, j->res.out[k].mentee);
		b = find_mentor(j, j->res.out[k].mentor);
		if (a < 0 || b < 0)
			return (MATCH_EINTERNAL);
		compat_score(&j->w, &j->ee[a].c, &j->tor[b].c, &j->det[k]);
		if (j->det[k].score != j->res.out[k].score)
			return (MATCH_EINTERNAL);
	}

	return (MATCH_OK);
}

static int
job_task(struct kore_task *t)
{
	struct mjob	*j;
	double		 t0;

	if (kore_task_channel_read(t, &j, sizeof(j)) != sizeof(j))
		return (KORE_RESULT_ERROR);

	t0 = now_ms();
	j->rc = job_solve(j);
	j->ms = now_ms() - t0;
	job_release(j, JOB_DONE);

	return (KORE_RESULT_OK);
}

/*
 * Stage 0: lock, clear, read.  1 when the task has started; 0 when a
 * reply has been sent.
 */
static int
matching_load(struct api_ctx *ctx, struct mstate *st)
{
	struct db	*db = &st->db;
	struct mjob	*j;
	const char	*params[1];
	char		cid[MT_ID_LEN];
	size_t		 i, r;
	long		 a, b;
	int		 found;

	mt_id(cid, ctx->params[0]);
	params[0] = cid;

	if (!db_open(db, ctx))
		return (0);
	if (!mt_expire(db) || !db_begin(db, "mentoring.match") ||
	    !db_exec(db, "SELECT call_id FROM matching_settings "
	    "WHERE call_id = $1 FOR UPDATE", 1, params)) {
		db_fail(db);
		return (0);
	}
	if (db_rows(db) != 1) {
		db_close(db);
		api_error(ctx, 404, "not_found", "No such call");
		return (0);
	}

	if ((j = calloc(1, sizeof(*j))) == NULL) {
		db_close(db);
		api_error(ctx, 500, "internal", "Out of memory");
		return (0);
	}
	atomic_init(&j->state, JOB_RUNNING);
	st->job = j;

	if ((found = mt_weights(db, ctx->params[0], &j->w, &j->min_score)) !=
	    1 || !mt_ref_load(db, &st->ref) ||
	    !db_exec(db, "DELETE FROM matches WHERE call_id = $1 "
	    "AND status = 'proposed' AND origin = 'auto'", 1, params) ||
	    !db_exec(db, "SELECT " MT_MENTEE_COLS " "
	    "FROM mentoring_mentee_facts($1) b "
	    "WHERE b.eligible AND NOT b.active ORDER BY b.application_id",
	    1, params)) {
		db_fail(db);
		return (0);
	}
	j->n = (size_t)db_rows(db);
	if ((j->ee = calloc(j->n ? j->n : 1, sizeof(*j->ee))) == NULL) {
		db_close(db);
		api_error(ctx, 500, "internal", "Out of memory");
		return (0);
	}
	for (i = 0; i < j->n; i++)
		mt_mentee_row(db, (int)i, &st->ref, &j->ee[i]);

	if (!db_exec(db, "SELECT " MT_MENTOR_COLS " "
	    "FROM mentoring_mentor_facts() t WHERE t.available "
	    "ORDER BY t.mentor_id", 0, NULL)) {
		db_fail(db);
		return (0);
	}
	j->m = (size_t)db_rows(db);
	if ((j->tor = calloc(j->m ? j->m : 1, sizeof(*j->tor))) == NULL) {
		db_close(db);
		api_error(ctx, 500, "internal", "Out of memory");
		return (0);
	}
	for (i = 0; i < j->m; i++) {
		mt_mentor_row(db, (int)i, &st->ref, &j->tor[i]);
		st->places += j->tor[i].places;
	}

	/* Pairs that were tried: declined, lapsed or ended. */
	if (!db_exec(db, "SELECT DISTINCT application_id, mentor_id "
	    "FROM matches WHERE call_id = $1 "
	    "AND status IN ('declined', 'expired', 'ended')", 1, params)) {
		db_fail(db);
		return (0);
	}
	r = (size_t)db_rows(db);
	if ((j->excl = calloc(r ? r : 1, sizeof(*j->excl))) == NULL) {
		db_close(db);
		api_error(ctx, 500, "internal", "Out of memory");
		return (0);
	}
	for (i = 0; i < r; i++) {
		a = find_mentee(j, db_int(db, (int)i, 0));
		b = find_mentor(j, db_int(db, (int)i, 1));
		if (a >= 0 && b >= 0)
			j->excl[j->nexcl++] = (uint64_t)a << 32 | (uint64_t)b;
	}
	qsort(j->excl, j->nexcl, sizeof(*j->excl), cmp_u64);

	kore_task_create(&ctx->task, job_task);
	kore_task_bind_request(&ctx->task, ctx->req);
	kore_task_run(&ctx->task);
	kore_task_channel_write(&ctx->task, &j, sizeof(j));
	ctx->task_live = 1;
	st->started = 1;

	return (1);
}

static const char *
reason_code(int reason)
{
	switch (reason) {
	case MATCH_NONE_COMPATIBLE:
		return ("none_compatible");
	case MATCH_NO_CAPACITY:
		return ("no_capacity");
	case MATCH_TAKEN:
		return ("taken");
	}

	return ("none_compatible");
}

/* Stage 1: write the run, its proposals and the unmatched; reply. */
static int
matching_store(struct api_ctx *ctx, struct mstate *st)
{
	struct db		*db = &st->db;
	struct mjob		*j = st->job;
	struct match_out	*o;
	struct kore_buf		 pairs, left;
	const char		*params[10];
	char			 cid[MT_ID_LEN], uid[MT_ID_LEN], run[MT_ID_LEN];
	char			 n[6][24];
	size_t			 k, np, nl;
	long			 a;
	int			 ret;

	if (j->rc != MATCH_OK) {
		kore_log(LOG_ERR, "[%s] matching failed: %d", ctx->request_id,
		    j->rc);
		db_close(db);
		return (api_error(ctx, 500, "internal", "Matching failed"));
	}

	mt_id(cid, ctx->params[0]);
	mt_id(uid, ctx->user.id);
	(void)snprintf(n[0], sizeof(n[0]), "%zu", j->n);
	(void)snprintf(n[1], sizeof(n[1]), "%zu", j->m);
	(void)snprintf(n[2], sizeof(n[2]), "%lld", (long long)st->places);
	(void)snprintf(n[3], sizeof(n[3]), "%zu", j->npairs);
	(void)snprintf(n[4], sizeof(n[4]), "%zu", j->res.matched_priority);
	(void)snprintf(n[5], sizeof(n[5]), "%.0f", j->ms);
	params[0] = cid;
	params[1] = uid;
	params[2] = n[0];
	params[3] = n[1];
	params[4] = n[2];
	params[5] = n[3];
	params[6] = n[4];
	params[7] = n[5];
	if (!db_exec(db, "INSERT INTO matching_runs (call_id, run_by, "
	    "  settings, mentees, mentors, places, pairs, proposed, "
	    "  proposed_priority, total_score, solve_ms) "
	    "SELECT $1, $2, api_matching_settings(s)::jsonb - 'version' "
	    "  - 'updated_at' - 'call_id', $3, $4, $5, $6, 0, $7, 0, $8 "
	    "FROM matching_settings s WHERE s.call_id = $1 RETURNING id",
	    8, params))
		return (db_fail(db));
	(void)snprintf(run, sizeof(run), "%s", db_value(db, 0, 0));

	kore_buf_init(&pairs, 4096);
	kore_buf_init(&left, 4096);
	kore_buf_append(&pairs, "[", 1);
	kore_buf_append(&left, "[", 1);
	np = nl = 0;
	for (k = 0; k < j->res.n; k++) {
		o = &j->res.out[k];
		if (o->reason == MATCH_MATCHED) {
			if (np++ > 0)
				kore_buf_append(&pairs, ",", 1);
			mt_pair_json(&pairs, &st->ref, o->mentee, o->mentor,
			    &j->det[k]);
			continue;
		}
		a = find_mentee(j, o->mentee);
		mt_buf_reserve(&left, 256);
		if (nl++ > 0)
			kore_buf_append(&left, ",", 1);
		kore_buf_appendf(&left, "{\"a\":%lld,\"r\":\"%s\",\"p\":%s,"
		    "\"k\":%lld,\"o\":%u,\"b\":%d}", (long long)o->mentee,
		    reason_code(o->reason), o->priority ? "true" : "false",
		    (long long)o->rank, o->options,
		    a >= 0 ? j->best[a] : -1);
	}
	kore_buf_append(&pairs, "]", 1);
	kore_buf_append(&left, "]", 1);

	params[0] = kore_buf_stringify(&pairs, NULL);
	params[1] = cid;
	params[2] = uid;
	params[3] = "auto";
	params[4] = run;
	if (!db_exec(db, MT_PAIRS_INSERT, 5, params)) {
		kore_buf_cleanup(&pairs);
		kore_buf_cleanup(&left);
		return (db_fail(db));
	}
	kore_buf_cleanup(&pairs);

	params[0] = run;
	params[1] = kore_buf_stringify(&left, NULL);
	if (!db_exec(db, "INSERT INTO matching_unmatched (run_id, "
	    "  application_id, reason, priority, rank, options, best_score) "
	    "SELECT $1, u.a, u.r, u.p, u.k, u.o, nullif(u.b, -1) "
	    "FROM jsonb_to_recordset($2::jsonb) AS u(a bigint, r text, "
	    "  p boolean, k bigint, o int, b int)", 2, params)) {
		kore_buf_cleanup(&left);
		return (db_fail(db));
	}
	kore_buf_cleanup(&left);

	if (!db_exec(db, "UPDATE matching_runs r SET "
	    "  proposed = x.n, total_score = x.s "
	    "FROM (SELECT count(*) AS n, coalesce(sum(score), 0) AS s "
	    "  FROM matches WHERE run_id = $1) x WHERE r.id = $1", 1, params) ||
	    !db_exec(db, "SELECT api_matching_run($1)", 1, params))
		return (db_fail(db));

	ret = db_reply_commit(db, 200);

	return (ret);
}

int
matching_run(struct api_ctx *ctx)
{
	struct mstate	*st;
	struct mjob	*j;
	int		 ret;

	st = api_state(ctx, sizeof(*st), mstate_free);

	if (ctx->stage == 0) {
		if (!matching_load(ctx, st))
			return (KORE_RESULT_OK);
		/*
		 * Kore 4.1 leaves the header timeout (http_header_timeout)
		 * running for a request whose body is empty, and would
		 * answer 408 for a run longer than that: the request is
		 * complete, so no timeout applies to it any more.
		 */
		ctx->req->owner->http_timeout = 0;
		ctx->stage = 1;
		return (KORE_RESULT_RETRY);
	}

	if (kore_task_state(&ctx->task) != KORE_TASK_STATE_FINISHED) {
		http_request_sleep(ctx->req);
		return (KORE_RESULT_RETRY);
	}
	kore_task_destroy(&ctx->task);
	ctx->task_live = 0;

	/*
	 * The connection sat idle while the task ran: without a fresh idle
	 * timer Kore would close it before a large answer is all sent.
	 */
	kore_connection_start_idletimer(ctx->req->owner);

	/* The task has finished: the job is the request's alone now. */
	j = st->job;
	if (atomic_load(&j->state) != JOB_DONE)
		j->rc = MATCH_EINTERNAL;
	ret = matching_store(ctx, st);
	st->job = NULL;
	job_free(j);

	return (ret);
}
