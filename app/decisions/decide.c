/*
 * Decisions: staff record one per reviewed application beside the
 * allocation proposal (POST /api/applications/{id}/decision), pending
 * and replaceable until they are released together (POST
 * /api/calls/{id}/decisions/release); after that a decision not to fund
 * changes only through a recorded reversal (POST
 * /api/decisions/{id}/reverse).  An applicant sees her decision once it
 * is released, never before (404, as if there were none).
 *
 * The proposal a decision is compared with is computed here, in the
 * decision's transaction, after the call's lock: the ranking, the budget,
 * and staff-set amounts, the decision's own amount among them (staff set
 * an amount by deciding it).  A decision that departs from it must say
 * why; the database checks that again, and the budget.
 */

#include "sen.h"
#include "decisions.h"

static const char *const	outcomes[] = {
	"funded", "waitlisted", "rejected", NULL
};

static const struct schema_field decision_fields[] = {
	{ "outcome", SCHEMA_ENUM, SCHEMA_REQUIRED, 0, 0, outcomes, NULL, NULL,
	    NULL },
	{ "amount_vnd", SCHEMA_INT, SCHEMA_NULLABLE, 1, DEC_AMOUNT_MAX, NULL,
	    NULL, NULL, NULL },
	{ "rationale", SCHEMA_STRING, SCHEMA_REQUIRED | SCHEMA_MULTILINE, 1,
	    DEC_RATIONALE_MAX, NULL, dec_not_blank, NULL, NULL },
	{ "departure_reason", SCHEMA_STRING, SCHEMA_NULLABLE |
	    SCHEMA_MULTILINE, 1, DEC_REASON_MAX, NULL, dec_not_blank, NULL,
	    NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct schema_field reverse_fields[] = {
	{ "reason", SCHEMA_STRING, SCHEMA_REQUIRED | SCHEMA_MULTILINE, 1,
	    DEC_REASON_MAX, NULL, dec_not_blank, NULL, NULL },
	{ "outcome", SCHEMA_ENUM, SCHEMA_REQUIRED, 0, 0, outcomes, NULL, NULL,
	    NULL },
	{ "amount_vnd", SCHEMA_INT, SCHEMA_NULLABLE, 1, DEC_AMOUNT_MAX, NULL,
	    NULL, NULL, NULL },
	{ "rationale", SCHEMA_STRING, SCHEMA_NULLABLE | SCHEMA_MULTILINE, 1,
	    DEC_RATIONALE_MAX, NULL, dec_not_blank, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

/*
 * A funded outcome has an amount, the others none: added to errors
 * unless the schema already said something about those fields.
 */
static void
check_amount(json_t *body, json_t *errors, const char *ofield)
{
	const char	*outcome;
	json_t		*amount;

	if (json_object_get(errors, ofield) != NULL ||
	    json_object_get(errors, "amount_vnd") != NULL)
		return;
	outcome = json_string_value(json_object_get(body, ofield));
	amount = json_object_get(body, "amount_vnd");
	if (outcome == NULL)
		return;
	if (!strcmp(outcome, "funded") && (amount == NULL ||
	    json_is_null(amount)))
		json_object_set_new(errors, "amount_vnd",
		    json_string("is required for a funded decision"));
	else if (strcmp(outcome, "funded") != 0 && amount != NULL &&
	    !json_is_null(amount))
		json_object_set_new(errors, "amount_vnd",
		    json_string("only a funded decision has an amount"));
}

/* If-Match when given: 1 (in *version), 0 absent, -1 malformed (replied). */
static int
if_match_optional(struct api_ctx *ctx, int64_t *version)
{
	const char	*v;

	*version = 0;
	if (!http_request_header(ctx->req, "if-match", &v))
		return (0);

	return (api_if_match(ctx, version) ? 1 : -1);
}

int
decision_record(struct api_ctx *ctx)
{
	struct db		 db;
	struct dec_call		 call;
	struct dec_proposal	 p;
	struct dec_amount	 self;
	json_t			*body, *errors;
	const char		*params[10], *outcome, *why, *departure;
	const char		*p_outcome;
	char			 aid[24], amount[24], p_amount[24], rank[16];
	char			 actor[24], p_reason[ALLOC_REASON_LEN];
	char			 msg[ALLOC_REASON_LEN + 96];
	int64_t			 version, call_id, have, amt;
	ssize_t			 k;
	int			 departs, status;

	if (if_match_optional(ctx, &version) == -1)
		return (KORE_RESULT_OK);
	errors = json_object();
	if ((body = api_body_collect(ctx, decision_fields, errors)) == NULL) {
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	check_amount(body, errors, "outcome");
	if (api_fields_reply(ctx, errors))
		goto out;

	outcome = json_string_value(json_object_get(body, "outcome"));
	why = json_string_value(json_object_get(body, "rationale"));
	departure = json_string_value(json_object_get(body,
	    "departure_reason"));
	amt = json_integer_value(json_object_get(body, "amount_vnd"));

	if (!db_open(&db, ctx))
		goto out;
	if (!db_begin(&db, "decisions.record")) {
		(void)db_fail(&db);
		goto out;
	}
	if (!dec_call_of_application(&db, ctx->params[0], 0, &call_id) ||
	    !dec_call_load(&db, call_id, 1, &call))
		goto out;

	/* Her status, and the decision this one would replace. */
	dec_id(aid, sizeof(aid), ctx->params[0]);
	params[0] = aid;
	if (!db_exec(&db, "SELECT a.status, d.status, d.version "
	    "FROM applications a LEFT JOIN decisions d "
	    "ON d.application_id = a.id AND d.status <> 'reversed' "
	    "WHERE a.id = $1", 1, params)) {
		(void)db_fail(&db);
		goto out;
	}
	if (strcmp(db_value(&db, 0, 0), "reviewed") != 0 &&
	    db_isnull(&db, 0, 1)) {
		(void)snprintf(msg, sizeof(msg), "Only a reviewed application "
		    "is decided; this one is %s", db_value(&db, 0, 0));
		db_close(&db);
		(void)api_error_fields(ctx, 409, "conflict", msg,
		    json_pack("{s:s}", "status", "is not reviewed"));
		goto out;
	}
	if (!db_isnull(&db, 0, 1) && strcmp(db_value(&db, 0, 1),
	    "pending") != 0) {
		db_close(&db);
		(void)api_error_fields(ctx, 409, "conflict", "The decision on "
		    "this application has been released: it changes only "
		    "through a reversal", json_pack("{s:s}", "decision",
		    "is released"));
		goto out;
	}
	have = db_isnull(&db, 0, 2) ? 0 : db_int(&db, 0, 2);
	if (version != 0 && version != have) {
		db_close(&db);
		(void)api_error(ctx, 412, "precondition_failed", have == 0 ?
		    "There is no pending decision to replace" :
		    "The pending decision has changed since you read it: "
		    "read it again");
		goto out;
	}

	/* The proposal, with this decision's amount as the staff's. */
	self.id = ctx->params[0];
	self.amount = !strcmp(outcome, "funded") ? amt : 0;
	if (!dec_proposal_make(&db, &call, &self, 1, &p))
		goto out;
	k = dec_proposal_find(&p, ctx->params[0]);
	if (k < 0) {
		p_outcome = "excluded";
		p_amount[0] = '\0';
		rank[0] = '\0';
		(void)snprintf(p_reason, sizeof(p_reason), "excluded: not "
		    "in the ranking");
		departs = dec_departs(outcome, amt, p_outcome, 0);
	} else {
		p_outcome = alloc_outcome_name(p.res[k].outcome);
		dec_id(p_amount, sizeof(p_amount), p.res[k].proposed);
		if (p.res[k].rank > 0)
			(void)snprintf(rank, sizeof(rank), "%d",
			    p.res[k].rank);
		else
			rank[0] = '\0';
		if (alloc_reason(&p.res[k], p_reason, sizeof(p_reason)) < 0)
			p_reason[0] = '\0';
		departs = dec_departs(outcome, amt, p_outcome,
		    p.res[k].proposed);
	}
	dec_proposal_free(&p);

	if (departs && departure == NULL) {
		db_close(&db);
		(void)snprintf(msg, sizeof(msg), "is required: the proposal "
		    "is %s", p_reason);
		(void)api_error_fields(ctx, 422, "validation_failed",
		    "This decision departs from the allocation proposal: "
		    "say why", json_pack("{s:s}", "departure_reason", msg));
		goto out;
	}

	dec_id(amount, sizeof(amount), amt);
	dec_id(actor, sizeof(actor), ctx->user.id);
	params[1] = outcome;
	params[2] = !strcmp(outcome, "funded") ? amount : NULL;
	params[3] = why;
	params[4] = departure;
	params[5] = p_outcome;
	params[6] = p_amount[0] ? p_amount : NULL;
	params[7] = p_reason;
	params[8] = rank[0] ? rank : NULL;
	params[9] = actor;
	if (!db_exec(&db, "SELECT api_decision(d, true)::text, d.version "
	    "FROM decision_record($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) d",
	    10, params)) {
		(void)db_fail(&db);
		goto out;
	}
	status = have == 0 ? 201 : 200;
	api_etag(ctx, db_int(&db, 0, 1));
	(void)db_reply_commit(&db, status);

out:
	json_decref(body);
	json_decref(errors);
	return (KORE_RESULT_OK);
}

int
decision_get(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[3];
	char		aid[24], uid[24];
	int		staff = DEC_STAFF(ctx);

	dec_id(aid, sizeof(aid), ctx->params[0]);
	dec_id(uid, sizeof(uid), ctx->user.id);
	params[0] = aid;
	params[1] = staff ? "true" : "false";
	params[2] = uid;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	/* The letter names her: staff reads of it are logged. */
	if (staff && (!db_begin(&db, "decisions.read") ||
	    !audit_event(&db, "applications.read_personal", "applications",
	    ctx->params[0], json_pack("{s:s}", "via", "decision"))))
		return (db_fail(&db));
	if (!db_exec(&db, "SELECT api_application_decision(a.id, $2)::text "
	    "FROM applications a WHERE a.id = $1 "
	    "AND ($2::boolean OR a.applicant_id = $3::bigint)", 3, params))
		return (db_fail(&db));
	if (db_rows(&db) == 0 || db_isnull(&db, 0, 0)) {
		db_close(&db);
		return (api_error(ctx, 404, "not_found", staff ?
		    "No decision has been recorded for this application" :
		    "No decision to show"));
	}
	if (staff)
		return (db_reply_commit(&db, 200));

	return (db_reply_row(&db, 200, 0));
}

int
decisions_list(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[1];
	char		cid[24];

	dec_id(cid, sizeof(cid), ctx->params[0]);
	params[0] = cid;
	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	/* The letters name the applicants: the read is logged. */
	if (!db_begin(&db, "decisions.read") ||
	    !db_exec(&db, "SELECT 1 FROM calls WHERE id = $1 "
	    "AND status <> 'draft'", 1, params))
		return (db_fail(&db));
	if (db_rows(&db) == 0) {
		db_close(&db);
		return (api_error(ctx, 404, "not_found", "No such call"));
	}
	if (!audit_event(&db, "applications.read_personal", "calls",
	    ctx->params[0], json_pack("{s:s}", "via", "decisions")) ||
	    !db_exec(&db, "SELECT api_call_decisions($1)::text", 1, params))
		return (db_fail(&db));

	return (db_reply_commit(&db, 200));
}

int
decisions_release(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[2];
	char		cid[24], actor[24];

	dec_id(cid, sizeof(cid), ctx->params[0]);
	dec_id(actor, sizeof(actor), ctx->user.id);
	params[0] = cid;
	params[1] = actor;
	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_begin(&db, "decisions.release") ||
	    !db_exec(&db, "SELECT decisions_release($1, $2)::text", 2, params))
		return (db_fail(&db));

	return (db_reply_commit(&db, 200));
}

int
decision_reverse(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body, *errors;
	const char	*params[6];
	char		did[24], amount[24], actor[24];
	const char	*outcome;

	errors = json_object();
	if ((body = api_body_collect(ctx, reverse_fields, errors)) == NULL) {
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	check_amount(body, errors, "outcome");
	if (api_fields_reply(ctx, errors))
		goto out;

	outcome = json_string_value(json_object_get(body, "outcome"));
	dec_id(did, sizeof(did), ctx->params[0]);
	dec_id(amount, sizeof(amount), json_integer_value(json_object_get(body,
	    "amount_vnd")));
	dec_id(actor, sizeof(actor), ctx->user.id);
	params[0] = did;
	params[1] = json_string_value(json_object_get(body, "reason"));
	params[2] = outcome;
	params[3] = !strcmp(outcome, "funded") ? amount : NULL;
	params[4] = json_string_value(json_object_get(body, "rationale"));
	params[5] = actor;

	if (!db_open(&db, ctx))
		goto out;
	if (!db_begin(&db, "decisions.reverse") ||
	    !db_exec(&db, "SELECT decision_reverse($1, $2, $3, $4, $5, $6)",
	    6, params)) {
		(void)db_fail(&db);
		goto out;
	}
	dec_id(did, sizeof(did), db_int(&db, 0, 0));
	params[0] = did;
	if (!db_exec(&db, "SELECT api_application_decision(application_id, "
	    "true)::text FROM decisions WHERE id = $1", 1, params)) {
		(void)db_fail(&db);
		goto out;
	}
	(void)db_reply_commit(&db, 200);

out:
	json_decref(body);
	json_decref(errors);
	return (KORE_RESULT_OK);
}
