/*
 * The allocation proposal of a call, for the handlers of this directory:
 * the ranking (review/ranking.c, the same computation as GET
 * /api/calls/{id}/ranking), the call's budget, maximum award, minimum
 * merit and reserved share, and staff-set amounts, through
 * alloc_propose() (lib/allocation.c).  Staff set an amount by deciding
 * it: the amount of each current funded decision is the staff-set amount
 * of its application, unless the caller overrides it.
 *
 * Also the offer of freed money to the waitlist (lib/decisions.c
 * dec_promote(), the proposal's rules on what is left of the budget).
 */

#include "sen.h"
#include "decisions.h"
#include "lib/priority.h"
#include "lib/ranking.h"

void
dec_id(char *buf, size_t len, int64_t id)
{
	(void)snprintf(buf, len, "%lld", (long long)id);
}

const char *
dec_not_blank(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return (NULL);
	}

	return ("must not be blank");
}

json_t *
dec_errors_json(const struct lc_errors *errs)
{
	json_t		*o;
	size_t		i;

	o = json_object();
	for (i = 0; i < errs->n; i++)
		json_object_set_new(o, errs->e[i].field,
		    json_string(errs->e[i].msg));

	return (o);
}

/*
 * The call id (not a draft), optionally locked against other decisions
 * and payments of the call (every write that can change what the call
 * commits takes this lock first).  1 when found; 0 when it replied.
 */
int
dec_call_load(struct db *db, int64_t id, int lock, struct dec_call *c)
{
	const char	*params[1];
	char		cid[24];

	memset(c, 0, sizeof(*c));
	dec_id(cid, sizeof(cid), id);
	params[0] = cid;

	if (!db_exec(db, lock ?
	    "SELECT c.status, c.scoring_closed_at IS NOT NULL, c.budget_vnd, "
	    "  c.max_award_vnd, c.min_merit, c.priority_reserved_pct, "
	    "  c.version, cardinality(c.followup_months) "
	    "FROM calls c WHERE c.id = $1 AND c.status <> 'draft' "
	    "FOR NO KEY UPDATE" :
	    "SELECT c.status, c.scoring_closed_at IS NOT NULL, c.budget_vnd, "
	    "  c.max_award_vnd, c.min_merit, c.priority_reserved_pct, "
	    "  c.version, cardinality(c.followup_months) "
	    "FROM calls c WHERE c.id = $1 AND c.status <> 'draft'",
	    1, params)) {
		(void)db_fail(db);
		return (0);
	}
	if (db_rows(db) != 1) {
		db_close(db);
		(void)api_error(db->ctx, 404, "not_found", "No such call");
		return (0);
	}

	c->id = id;
	(void)snprintf(c->status, sizeof(c->status), "%s",
	    db_value(db, 0, 0));
	c->scoring_closed = db_value(db, 0, 1)[0] == 't';
	c->budget = db_int(db, 0, 2);
	c->max_award = db_int(db, 0, 3);
	c->min_merit = db_int(db, 0, 4) * RANK_UNIT;
	c->reserve_pct = (int)db_int(db, 0, 5);
	c->version = db_int(db, 0, 6);
	c->schedule = (size_t)db_int(db, 0, 7);

	return (1);
}

/*
 * The call of application id; owner: only hers (0: anyone's).  1 with
 * *call; 0 when it replied (404: an applicant learns nothing of others').
 */
int
dec_call_of_application(struct db *db, int64_t id, int64_t owner,
    int64_t *call)
{
	const char	*params[2];
	char		aid[24], uid[24];

	dec_id(aid, sizeof(aid), id);
	dec_id(uid, sizeof(uid), owner);
	params[0] = aid;
	params[1] = uid;

	if (!db_exec(db, "SELECT call_id FROM applications WHERE id = $1 "
	    "AND ($2::bigint = 0 OR applicant_id = $2::bigint) "
	    "AND status <> 'draft'", 2, params)) {
		(void)db_fail(db);
		return (0);
	}
	if (db_rows(db) != 1) {
		db_close(db);
		(void)api_error(db->ctx, 404, "not_found",
		    "No such application");
		return (0);
	}
	*call = db_int(db, 0, 0);

	return (1);
}

ssize_t
dec_proposal_find(const struct dec_proposal *p, int64_t id)
{
	size_t		i;

	for (i = 0; i < p->rk.n; i++) {
		if (p->rk.items[i].id == id)
			return ((ssize_t)i);
	}

	return (-1);
}

/*
 * The proposal of call c.  over: staff-set amounts that replace those of
 * the decisions (an amount of 0 removes one); an id that is not in the
 * ranking is refused (400).  1 when made; 0 when it replied.
 */
int
dec_proposal_make(struct db *db, struct dec_call *c,
    const struct dec_amount *over, size_t nover, struct dec_proposal *p)
{
	struct alloc_params	 params;
	const char		*sqlp[1], *err;
	char			 cid[24], field[48];
	ssize_t			 k;
	size_t			 i;
	int			 row;

	memset(p, 0, sizeof(*p));
	p->call = *c;
	if (!ranking_load(db, c->id, &p->rk))
		return (0);

	p->apps = kore_calloc(p->rk.n + 1, sizeof(*p->apps));
	p->res = kore_calloc(p->rk.n + 1, sizeof(*p->res));
	p->amount_from = kore_calloc(p->rk.n + 1, sizeof(*p->amount_from));
	for (i = 0; i < p->rk.n; i++) {
		p->apps[i].id = p->rk.items[i].id;
		p->apps[i].rank = p->rk.items[i].rank;
		p->apps[i].final = p->rk.items[i].final;
		p->apps[i].merit = p->rk.items[i].merit;
		p->apps[i].requested = p->rk.items[i].requested;
		p->apps[i].categories = p->rk.items[i].verified;
		/* Verified priority is what the reserve is for. */
		p->apps[i].priority = p->rk.items[i].verified != 0;
	}

	dec_id(cid, sizeof(cid), c->id);
	sqlp[0] = cid;
	if (!db_exec(db, "SELECT application_id, amount_vnd FROM decisions "
	    "WHERE call_id = $1 AND status <> 'reversed' "
	    "AND outcome = 'funded'", 1, sqlp)) {
		dec_proposal_free(p);
		(void)db_fail(db);
		return (0);
	}
	for (row = 0; row < db_rows(db); row++) {
		if ((k = dec_proposal_find(p, db_int(db, row, 0))) < 0)
			continue;
		p->apps[k].staff_amount = db_int(db, row, 1);
		p->amount_from[k] = DEC_FROM_DECISION;
	}
	for (i = 0; i < nover; i++) {
		if ((k = dec_proposal_find(p, over[i].id)) < 0) {
			(void)snprintf(field, sizeof(field), "amount.%lld",
			    (long long)over[i].id);
			dec_proposal_free(p);
			db_close(db);
			(void)api_error_fields(db->ctx, 400,
			    "validation_failed", "Query parameter is not valid",
			    json_pack("{s:s}", field, "is not an application "
			    "in this call's ranking"));
			return (0);
		}
		p->apps[k].staff_amount = over[i].amount;
		p->amount_from[k] = over[i].amount > 0 ? DEC_FROM_QUERY :
		    DEC_FROM_NONE;
	}

	memset(&params, 0, sizeof(params));
	params.budget = c->budget;
	params.max_award = c->max_award;
	params.min_merit = c->min_merit;
	params.reserve_pct = c->reserve_pct;
	params.ncategories = PRIORITY_NCATEGORIES;
	if ((err = alloc_propose(&params, p->apps, p->rk.n, p->res,
	    &p->totals)) != NULL) {
		kore_log(LOG_ERR, "[%s] allocation of call %lld: %s",
		    db->ctx->request_id, (long long)c->id, err);
		dec_proposal_free(p);
		db_close(db);
		(void)api_error(db->ctx, 500, "internal", "Internal error");
		return (0);
	}

	return (1);
}

void
dec_proposal_free(struct dec_proposal *p)
{
	ranking_list_free(&p->rk);
	kore_free(p->apps);
	kore_free(p->res);
	kore_free(p->amount_from);
	p->apps = NULL;
	p->res = NULL;
	p->amount_from = NULL;
}

/*
 * Offer what award freed_by left of call id's budget to its waitlist, in
 * the caller's transaction (which holds the call's lock): each offer is a
 * funded decision released at once with its letter (decision_promote).
 * The offers go into out (an array).  1 when done; 0 when it replied.
 */
int
dec_offer_freed(struct db *db, int64_t id, int64_t freed_by, json_t *out)
{
	struct dec_call		 c;
	struct ranking_list	 rk;
	struct dec_pool		 pool;
	struct dec_candidate	*cand;
	struct dec_offer	*offers;
	const char		*params[6], *err;
	char			 cid[24], app[24], amount[24], rank[16];
	char			 award[24], actor[24];
	ssize_t			 k;
	size_t			 i, n, noffers;
	int			 row;

	if (!dec_call_load(db, id, 0, &c))
		return (0);
	if (!ranking_load(db, id, &rk))
		return (0);

	memset(&pool, 0, sizeof(pool));
	pool.budget = c.budget;
	pool.reserve = c.budget / 100 * c.reserve_pct +
	    c.budget % 100 * c.reserve_pct / 100;
	pool.max_award = c.max_award;
	pool.min_merit = c.min_merit;

	dec_id(cid, sizeof(cid), id);
	params[0] = cid;
	if (!db_exec(db, "SELECT application_id, committed "
	    "FROM decision_commitments($1)", 1, params)) {
		ranking_list_free(&rk);
		(void)db_fail(db);
		return (0);
	}
	for (row = 0; row < db_rows(db); row++) {
		pool.committed += db_int(db, row, 1);
		for (i = 0; i < rk.n; i++) {
			if (rk.items[i].id == db_int(db, row, 0) &&
			    rk.items[i].verified != 0)
				pool.committed_priority += db_int(db, row, 1);
		}
	}

	cand = kore_calloc(rk.n + 1, sizeof(*cand));
	offers = kore_calloc(rk.n + 1, sizeof(*offers));
	for (i = 0, n = 0; i < rk.n; i++) {
		if (rk.items[i].rank == 0 ||
		    strcmp(rk.items[i].status, "waitlisted") != 0)
			continue;
		cand[n].id = rk.items[i].id;
		cand[n].rank = rk.items[i].rank;
		cand[n].merit = rk.items[i].merit;
		cand[n].requested = rk.items[i].requested;
		cand[n].priority = rk.items[i].verified != 0;
		n++;
	}
	if ((err = dec_promote(&pool, cand, n, offers, &noffers)) != NULL) {
		kore_log(LOG_ERR, "[%s] waitlist of call %lld: %s",
		    db->ctx->request_id, (long long)id, err);
		noffers = 0;
	}

	dec_id(award, sizeof(award), freed_by);
	dec_id(actor, sizeof(actor), db->ctx->user.id);
	for (i = 0; i < noffers; i++) {
		dec_id(app, sizeof(app), offers[i].id);
		dec_id(amount, sizeof(amount), offers[i].amount);
		(void)snprintf(rank, sizeof(rank), "%d", offers[i].rank);
		params[0] = app;
		params[1] = amount;
		params[2] = rank;
		params[3] = alloc_pool_name(offers[i].pool);
		params[4] = award;
		params[5] = actor;
		if (!db_exec(db, "SELECT decision_promote($1, $2, $3, $4, $5, "
		    "nullif($6, '0')::bigint)", 6, params)) {
			kore_free(cand);
			kore_free(offers);
			ranking_list_free(&rk);
			(void)db_fail(db);
			return (0);
		}
		k = -1;
		for (n = 0; n < rk.n; n++) {
			if (rk.items[n].id == offers[i].id)
				k = (ssize_t)n;
		}
		json_array_append_new(out, json_pack("{s:I, s:s, s:s, s:i, "
		    "s:I, s:s, s:I}", "application_id",
		    (json_int_t)offers[i].id, "reference",
		    k >= 0 ? rk.items[k].reference : "", "business_name",
		    k >= 0 && rk.items[k].business ? rk.items[k].business : "",
		    "rank", offers[i].rank, "amount_vnd",
		    (json_int_t)offers[i].amount, "pool",
		    alloc_pool_name(offers[i].pool), "decision_id",
		    (json_int_t)db_int(db, 0, 0)));
	}

	kore_free(cand);
	kore_free(offers);
	ranking_list_free(&rk);

	return (1);
}
