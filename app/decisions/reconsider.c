/*
 * Reconsideration: she asks once, with her reason, within the call's
 * window after a decision not to fund her was released (POST
 * /api/applications/{id}/reconsideration); staff answer, and the answer
 * is recorded and sent to her: upheld, or changed, which replaces the
 * decision with a new one released at once with its letter (POST
 * /api/reconsiderations/{id}/answer).  The window, the once and the
 * outcome are checked by the database (reconsiderations_guard).
 */

#include "sen.h"
#include "decisions.h"

static const char *const	answers[] = { "upheld", "changed", NULL };
static const char *const	outcomes[] = {
	"funded", "waitlisted", "rejected", NULL
};

static const struct schema_field request_fields[] = {
	{ "reason", SCHEMA_STRING, SCHEMA_REQUIRED | SCHEMA_MULTILINE, 1,
	    DEC_REASON_MAX, NULL, dec_not_blank, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct schema_field answer_fields[] = {
	{ "outcome", SCHEMA_ENUM, SCHEMA_REQUIRED, 0, 0, answers, NULL, NULL,
	    NULL },
	{ "answer", SCHEMA_STRING, SCHEMA_REQUIRED | SCHEMA_MULTILINE, 1,
	    DEC_REASON_MAX, NULL, dec_not_blank, NULL, NULL },
	{ "new_outcome", SCHEMA_ENUM, SCHEMA_NULLABLE, 0, 0, outcomes, NULL,
	    NULL, NULL },
	{ "amount_vnd", SCHEMA_INT, SCHEMA_NULLABLE, 1, DEC_AMOUNT_MAX, NULL,
	    NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

int
reconsideration_request(struct api_ctx *ctx)
{
	struct db	 db;
	json_t		*body;
	const char	*params[3];
	char		 aid[24], uid[24];
	int64_t		 call_id;

	if ((body = api_body(ctx, request_fields)) == NULL)
		return (KORE_RESULT_OK);
	dec_id(aid, sizeof(aid), ctx->params[0]);
	dec_id(uid, sizeof(uid), ctx->user.id);
	params[0] = aid;
	params[1] = uid;
	params[2] = json_string_value(json_object_get(body, "reason"));

	if (!db_open(&db, ctx))
		goto out;
	if (!db_begin(&db, "decisions.reconsideration")) {
		(void)db_fail(&db);
		goto out;
	}
	if (!dec_call_of_application(&db, ctx->params[0], ctx->user.id,
	    &call_id))
		goto out;
	if (!db_exec(&db, "SELECT api_reconsideration(k, false)::text "
	    "FROM reconsideration_request($1, $2, $3) k", 3, params)) {
		(void)db_fail(&db);
		goto out;
	}
	(void)db_reply_commit(&db, 201);

out:
	json_decref(body);
	return (KORE_RESULT_OK);
}

int
reconsideration_answer(struct api_ctx *ctx)
{
	struct db	 db;
	json_t		*body, *errors, *no, *amount;
	const char	*params[6], *how, *outcome;
	char		 rid[24], amt[24], uid[24];

	errors = json_object();
	if ((body = api_body_collect(ctx, answer_fields, errors)) == NULL) {
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	how = json_string_value(json_object_get(body, "outcome"));
	no = json_object_get(body, "new_outcome");
	outcome = json_string_value(no);
	amount = json_object_get(body, "amount_vnd");
	if (how != NULL && !strcmp(how, "changed") && outcome == NULL &&
	    json_object_get(errors, "new_outcome") == NULL)
		json_object_set_new(errors, "new_outcome",
		    json_string("is required when the decision is changed"));
	if (how != NULL && !strcmp(how, "upheld") && (outcome != NULL ||
	    (amount != NULL && !json_is_null(amount))))
		json_object_set_new(errors, outcome != NULL ? "new_outcome" :
		    "amount_vnd",
		    json_string("is only for a changed decision"));
	if (outcome != NULL && json_object_get(errors, "amount_vnd") == NULL) {
		if (!strcmp(outcome, "funded") && (amount == NULL ||
		    json_is_null(amount)))
			json_object_set_new(errors, "amount_vnd",
			    json_string("is required for a funded decision"));
		else if (strcmp(outcome, "funded") != 0 && amount != NULL &&
		    !json_is_null(amount))
			json_object_set_new(errors, "amount_vnd",
			    json_string("only a funded decision has an "
			    "amount"));
	}
	if (api_fields_reply(ctx, errors))
		goto out;

	dec_id(rid, sizeof(rid), ctx->params[0]);
	dec_id(amt, sizeof(amt), json_integer_value(amount));
	dec_id(uid, sizeof(uid), ctx->user.id);
	params[0] = rid;
	params[1] = how;
	params[2] = json_string_value(json_object_get(body, "answer"));
	params[3] = outcome;
	params[4] = json_is_integer(amount) ? amt : NULL;
	params[5] = uid;

	if (!db_open(&db, ctx))
		goto out;
	if (!db_begin(&db, "decisions.reconsideration_answer") ||
	    !db_exec(&db, "SELECT api_reconsideration(k, true)::text "
	    "FROM reconsideration_answer($1, $2, $3, $4, $5, $6) k", 6,
	    params)) {
		(void)db_fail(&db);
		goto out;
	}
	(void)db_reply_commit(&db, 200);

out:
	json_decref(body);
	json_decref(errors);
	return (KORE_RESULT_OK);
}
