/*
 * GET /api/calls/{id}/allocation: the allocation proposal, computed and
 * written nowhere.  The ranked list walked against the budget (the
 * reserve for verified priority first), every application with where it
 * lands and why, running totals, each priority category's share, the
 * waitlist in order, and the decision staff recorded beside it.  Staff
 * try other amounts with ?amount.<application id>=<VND> (a what-if: the
 * amount of a funded decision is otherwise the staff-set amount).
 *
 * PATCH /api/calls/{id}/decision-settings: the call's minimum merit,
 * reconsideration window and default tranche schedule.
 */

#include "sen.h"
#include "decisions.h"
#include "lib/priority.h"
#include "lib/ranking.h"

static const char *const	tie_rules[] = {
	NULL, "verified_priority", "earlier_submission", "lower_id"
};

static const char *const	cap_names[] = {
	NULL, "max_award", "staff_amount"
};

static const char *const	from_names[] = {
	NULL, "decision", "query"
};

/* Micropoints as a JSON number (dumped with 12 significant digits). */
static json_t *
points(int64_t v)
{
	if (v % RANK_UNIT == 0)
		return (json_integer(v / RANK_UNIT));

	return (json_real((double)v / RANK_UNIT));
}

static json_t *
categories_json(unsigned int set)
{
	json_t		*a;
	int		c;

	a = json_array();
	for (c = 0; c < PRIORITY_NCATEGORIES; c++) {
		if (set & PRIORITY_BIT(c))
			json_array_append_new(a,
			    json_string(priority_category_name(c)));
	}

	return (a);
}

static int
reply_json(struct api_ctx *ctx, int status, json_t *body)
{
	char		*text;

	text = json_dumps(body, JSON_COMPACT | JSON_REAL_PRECISION(12));
	json_decref(body);
	if (text == NULL)
		return (api_error(ctx, 500, "internal", "Internal error"));
	(void)api_reply_text(ctx, status, text, strlen(text), NULL);
	free(text);

	return (KORE_RESULT_OK);
}

/* One application of the proposal. */
static json_t *
item_json(const struct dec_proposal *p, size_t i, json_t *decision)
{
	const struct ranking_entry	*e = &p->rk.items[i];
	const struct alloc_result	*r = &p->res[i];
	char				 en[ALLOC_REASON_LEN * 2];
	char				 vi[ALLOC_REASON_LEN * 2];
	json_t				*o;

	if (alloc_reason(r, en, sizeof(en)) < 0)
		en[0] = '\0';
	if (dec_reason_vi(r, vi, sizeof(vi)) < 0)
		vi[0] = '\0';

	o = json_object();
	json_object_set_new(o, "rank", e->rank > 0 ? json_integer(e->rank) :
	    json_null());
	json_object_set_new(o, "application_id", json_integer(e->id));
	json_object_set_new(o, "reference", json_string(e->reference));
	json_object_set_new(o, "business_name", json_string(e->business));
	json_object_set_new(o, "status", json_string(e->status));
	json_object_set_new(o, "merit", e->rank > 0 ? points(e->merit) :
	    json_null());
	json_object_set_new(o, "final", e->rank > 0 ? points(e->final) :
	    json_null());
	json_object_set_new(o, "bonus", json_integer(e->bonus));
	json_object_set_new(o, "priority", json_boolean(e->verified != 0));
	json_object_set_new(o, "verified_categories",
	    categories_json(e->verified));
	json_object_set_new(o, "tie_break", e->rank > 0 && e->tie > 0 &&
	    e->tie <= 3 ? json_pack("{s:s, s:I}", "rule", tie_rules[e->tie],
	    "above", (json_int_t)e->tie_with) : json_null());
	json_object_set_new(o, "requested_vnd", json_integer(e->requested));
	json_object_set_new(o, "staff_amount_vnd", p->apps[i].staff_amount > 0 ?
	    json_integer(p->apps[i].staff_amount) : json_null());
	json_object_set_new(o, "staff_amount_from",
	    p->amount_from[i] > 0 && p->amount_from[i] <= 2 ?
	    json_string(from_names[p->amount_from[i]]) : json_null());
	json_object_set_new(o, "proposed_vnd", json_integer(r->proposed));
	json_object_set_new(o, "cap", r->cap != ALLOC_CAP_NONE ?
	    json_string(cap_names[r->cap]) : json_null());
	json_object_set_new(o, "outcome",
	    json_string(alloc_outcome_name(r->outcome)));
	json_object_set_new(o, "pool", alloc_pool_name(r->pool) != NULL ?
	    json_string(alloc_pool_name(r->pool)) : json_null());
	json_object_set_new(o, "amount_vnd", r->outcome == ALLOC_FUNDED ?
	    json_integer(r->amount) : json_null());
	json_object_set_new(o, "running_total_vnd", json_integer(r->running));
	json_object_set_new(o, "left_vnd", r->outcome == ALLOC_WAITLISTED ?
	    json_integer(r->left) : json_null());
	json_object_set_new(o, "waitlist_position", r->waitlist > 0 ?
	    json_integer(r->waitlist) : json_null());
	json_object_set_new(o, "passed_over_rank", r->passed > 0 ?
	    json_integer(r->passed) : json_null());
	json_object_set_new(o, "reason", json_pack("{s:s, s:s}", "vi", vi,
	    "en", en));
	json_object_set_new(o, "decision", decision != NULL ?
	    json_incref(decision) : json_null());

	return (o);
}

static json_t *
proposal_json(const struct dec_proposal *p, json_t *decisions)
{
	const struct alloc_totals	*t = &p->totals;
	json_t				*o, *items, *cats, *wait, *d;
	char				 key[24];
	int64_t				 share;
	size_t				 i;
	int				 c;

	items = json_array();
	wait = json_array();
	for (i = 0; i < p->rk.n; i++) {
		dec_id(key, sizeof(key), p->rk.items[i].id);
		d = json_object_get(decisions, key);
		json_array_append_new(items, item_json(p, i, d));
		if (p->res[i].outcome == ALLOC_WAITLISTED)
			json_array_append_new(wait, json_pack("{s:i, s:I, s:s, "
			    "s:i, s:I}", "position", p->res[i].waitlist,
			    "application_id", (json_int_t)p->rk.items[i].id,
			    "reference", p->rk.items[i].reference, "rank",
			    p->rk.items[i].rank, "proposed_vnd",
			    (json_int_t)p->res[i].proposed));
	}

	cats = json_array();
	for (c = 0; c < PRIORITY_NCATEGORIES; c++) {
		/* Share of the money funded, in tenths of a percent. */
		share = t->funded > 0 ? (t->category[c].amount * 1000 +
		    t->funded / 2) / t->funded : 0;
		json_array_append_new(cats, json_pack("{s:s, s:I, s:I, s:I, "
		    "s:f}", "code", priority_category_name(c), "funded",
		    (json_int_t)t->category[c].funded, "amount_vnd",
		    (json_int_t)t->category[c].amount, "reserve_vnd",
		    (json_int_t)t->category[c].reserve, "share_pct",
		    (double)share / 10));
	}

	o = json_object();
	json_object_set_new(o, "call", json_pack("{s:I, s:s, s:b, s:I, s:I, "
	    "s:I, s:i}", "id", (json_int_t)p->call.id, "status",
	    p->call.status, "scoring_closed", p->call.scoring_closed,
	    "budget_vnd", (json_int_t)p->call.budget, "max_award_vnd",
	    (json_int_t)p->call.max_award, "min_merit",
	    (json_int_t)(p->call.min_merit / RANK_UNIT), "reserved_share_pct",
	    p->call.reserve_pct));
	json_object_set_new(o, "totals", json_pack("{s:I, s:I, s:I, s:I, "
	    "s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "budget_vnd", (json_int_t)t->budget,
	    "reserve_vnd", (json_int_t)t->reserve,
	    "reserve_used_vnd", (json_int_t)t->reserve_used,
	    "reserve_returned_vnd", (json_int_t)t->reserve_returned,
	    "general_vnd", (json_int_t)t->general,
	    "general_used_vnd", (json_int_t)t->general_used,
	    "funded_vnd", (json_int_t)t->funded,
	    "unspent_vnd", (json_int_t)t->unspent,
	    "funded", (json_int_t)t->nfunded,
	    "waitlisted", (json_int_t)t->nwaitlisted,
	    "below_minimum", (json_int_t)t->nbelow,
	    "excluded", (json_int_t)t->nexcluded));
	json_object_set_new(o, "categories", cats);
	json_object_set_new(o, "waitlist", wait);
	json_object_set_new(o, "items", items);

	return (o);
}

int
allocation_get(struct api_ctx *ctx)
{
	struct db		 db;
	struct dec_call		 call;
	struct dec_proposal	 p;
	struct dec_amount	 over[DEC_AMOUNTS_MAX];
	const char		*params[1];
	char			 field[64], msg[128], cid[24], key[24];
	json_t			*decisions;
	size_t			 nover;
	int			 row;

	if (dec_amounts_parse(ctx->req->query_string, over, DEC_AMOUNTS_MAX,
	    &nover, field, sizeof(field), msg, sizeof(msg)) == -1)
		return (api_error_fields(ctx, 400, "validation_failed",
		    "Query parameter is not valid",
		    json_pack("{s:s}", field, msg)));

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!dec_call_load(&db, ctx->params[0], 0, &call))
		return (KORE_RESULT_OK);
	if (!dec_proposal_make(&db, &call, over, nover, &p))
		return (KORE_RESULT_OK);

	dec_id(cid, sizeof(cid), call.id);
	params[0] = cid;
	if (!db_exec(&db, "SELECT application_id, id, outcome, amount_vnd, "
	    "status FROM decisions WHERE call_id = $1 "
	    "AND status <> 'reversed'", 1, params)) {
		dec_proposal_free(&p);
		return (db_fail(&db));
	}
	decisions = json_object();
	for (row = 0; row < db_rows(&db); row++) {
		dec_id(key, sizeof(key), db_int(&db, row, 0));
		json_object_set_new(decisions, key, json_pack("{s:I, s:s, "
		    "s:o, s:s}", "id", (json_int_t)db_int(&db, row, 1),
		    "outcome", db_value(&db, row, 2), "amount_vnd",
		    db_isnull(&db, row, 3) ? json_null() :
		    json_integer(db_int(&db, row, 3)), "status",
		    db_value(&db, row, 4)));
	}
	db_close(&db);

	(void)reply_json(ctx, 200, proposal_json(&p, decisions));
	json_decref(decisions);
	dec_proposal_free(&p);

	return (KORE_RESULT_OK);
}

static const struct schema_field pct_item = {
	"pct", SCHEMA_INT, SCHEMA_REQUIRED, 1, 100, NULL, NULL, NULL, NULL
};
static const struct schema_field gate_item = {
	"checkin", SCHEMA_INT, SCHEMA_NULLABLE, 1, DEC_CHECKINS_MAX, NULL,
	NULL, NULL, NULL
};

static const struct schema_field settings_fields[] = {
	{ "min_merit", SCHEMA_INT, 0, 0, 100, NULL, NULL, NULL, NULL },
	{ "reconsideration_days", SCHEMA_INT, 0, 1, 90, NULL, NULL, NULL,
	    NULL },
	{ "tranche_pcts", SCHEMA_ARRAY, 0, 1, DEC_TRANCHES_MAX, NULL, NULL,
	    NULL, &pct_item },
	{ "tranche_gates", SCHEMA_ARRAY, 0, 0, DEC_TRANCHES_MAX - 1, NULL,
	    NULL, NULL, &gate_item },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

/* An int[] of JSON (null: DEC_NO_GATE) into out; its length. */
static size_t
ints_of(json_t *a, int *out, size_t max)
{
	json_t		*v;
	size_t		i;

	json_array_foreach(a, i, v) {
		if (i >= max)
			return (max);
		out[i] = json_is_integer(v) ? (int)json_integer_value(v) :
		    DEC_NO_GATE;
	}

	return (json_array_size(a));
}

int
decision_settings_update(struct api_ctx *ctx)
{
	struct db		 db;
	struct lc_errors	 errs;
	json_t			*body, *errors, *cur, *pv, *gv;
	const char		*params[6];
	char			 cid[24], *pcts, *gates;
	int			 p[DEC_TRANCHES_MAX], g[DEC_TRANCHES_MAX];
	size_t			 np, ng, schedule;
	int64_t			 want;
	char			 mm[16], days[16];

	if (!api_if_match(ctx, &want))
		return (KORE_RESULT_OK);
	errors = json_object();
	if ((body = api_body_collect(ctx, settings_fields, errors)) == NULL) {
		json_decref(errors);
		return (KORE_RESULT_OK);
	}

	if (!db_open(&db, ctx))
		goto out;
	if (!db_begin(&db, "decisions.settings")) {
		(void)db_fail(&db);
		goto out;
	}
	dec_id(cid, sizeof(cid), ctx->params[0]);
	params[0] = cid;
	if (!db_exec(&db, "SELECT c.version, to_json(c.tranche_pcts)::text, "
	    "to_json(c.tranche_gates)::text, cardinality(c.followup_months) "
	    "FROM calls c WHERE c.id = $1 FOR NO KEY UPDATE", 1, params)) {
		(void)db_fail(&db);
		goto out;
	}
	if (db_rows(&db) != 1) {
		db_close(&db);
		(void)api_error(ctx, 404, "not_found", "No such call");
		goto out;
	}
	if (db_int(&db, 0, 0) != want) {
		db_close(&db);
		(void)api_error(ctx, 412, "precondition_failed", "The call "
		    "has changed since you read it: read it again");
		goto out;
	}
	schedule = (size_t)db_int(&db, 0, 3);

	/* The schedule as it would be, checked whole. */
	pv = json_object_get(body, "tranche_pcts");
	gv = json_object_get(body, "tranche_gates");
	cur = NULL;
	if ((pv != NULL || gv != NULL) &&
	    json_object_get(errors, "tranche_pcts") == NULL &&
	    json_object_get(errors, "tranche_gates") == NULL) {
		if (pv == NULL)
			pv = cur = json_loads(db_value(&db, 0, 1), 0, NULL);
		else if (gv == NULL)
			gv = cur = json_loads(db_value(&db, 0, 2), 0, NULL);
		np = ints_of(pv, p, DEC_TRANCHES_MAX);
		ng = ints_of(gv, g, DEC_TRANCHES_MAX);
		lc_errors_init(&errs);
		dec_schedule_check(p, np, g, ng, schedule, &errs);
		json_object_update_new(errors, dec_errors_json(&errs));
		json_decref(cur);
	}
	if (json_object_size(errors) > 0) {
		db_close(&db);
		(void)api_fields_reply(ctx, errors);
		goto out;
	}

	pcts = json_object_get(body, "tranche_pcts") != NULL ?
	    json_dumps(json_object_get(body, "tranche_pcts"), JSON_COMPACT) :
	    NULL;
	gates = json_object_get(body, "tranche_gates") != NULL ?
	    json_dumps(json_object_get(body, "tranche_gates"), JSON_COMPACT) :
	    NULL;
	(void)snprintf(mm, sizeof(mm), "%lld", (long long)json_integer_value(
	    json_object_get(body, "min_merit")));
	(void)snprintf(days, sizeof(days), "%lld", (long long)
	    json_integer_value(json_object_get(body, "reconsideration_days")));
	params[1] = json_object_get(body, "min_merit") ? mm : NULL;
	params[2] = json_object_get(body, "reconsideration_days") ? days :
	    NULL;
	params[3] = pcts;
	params[4] = gates;
	if (!db_exec(&db, "UPDATE calls c SET "
	    "  min_merit = coalesce($2::int, c.min_merit), "
	    "  reconsideration_days = coalesce($3::int, "
	    "    c.reconsideration_days), "
	    "  tranche_pcts = CASE WHEN $4::json IS NULL THEN c.tranche_pcts "
	    "    ELSE ARRAY(SELECT x::int "
	    "    FROM json_array_elements_text($4::json) "
	    "    WITH ORDINALITY AS e(x, n) ORDER BY n) END, "
	    "  tranche_gates = CASE WHEN $5::json IS NULL "
	    "    THEN c.tranche_gates "
	    "    ELSE ARRAY(SELECT (CASE WHEN json_typeof(x) = 'null' "
	    "    THEN NULL ELSE x::text END)::int "
	    "    FROM json_array_elements($5::json) "
	    "    WITH ORDINALITY AS e(x, n) ORDER BY n)::int[] END "
	    "WHERE c.id = $1 "
	    "RETURNING decision_settings_json(c)::text, c.version", 5,
	    params)) {
		free(pcts);
		free(gates);
		(void)db_fail(&db);
		goto out;
	}
	free(pcts);
	free(gates);
	api_etag(ctx, db_int(&db, 0, 1));
	(void)db_reply_commit(&db, 200);

out:
	json_decref(body);
	json_decref(errors);
	return (KORE_RESULT_OK);
}
