/*
 * The reviewer's side of assignments: her queue, her declaration of no
 * conflict or her recusal, and, for staff, the reviews that are overdue.
 *
 * A reviewer sees only her own released assignments; anyone else's, or
 * one not released yet, does not exist for her (404).  The queue shows
 * the business as the blind view does (name, stage, sector), enough to
 * recognise a conflict before she declares, never anything about the
 * applicant.  Declaring is done once: no conflict (then she may read and
 * score the application) or a recusal with its type and reason, which
 * records the conflict for good, removes the assignment and tells every
 * active member of staff by e-mail (committee_declare in 0003).
 *
 * Reminders of overdue reviews are queued by review_reminders() in 0003,
 * which the housekeeping calls (app/core/housekeeping.c).
 */

#include "sen.h"
#include "committee.h"

static const struct schema_field declare_fields[] = {
	{ "conflict", SCHEMA_BOOL, SCHEMA_REQUIRED, 0, 0, NULL, NULL, NULL,
	    NULL },
	{ "type", SCHEMA_ENUM, SCHEMA_NULLABLE, 0, 0,
	    committee_conflict_types, NULL, NULL, NULL },
	{ "reason", SCHEMA_STRING, SCHEMA_NULLABLE | SCHEMA_MULTILINE, 1,
	    COMMITTEE_REASON_MAX, NULL, committee_not_blank, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

/*
 * POST /api/assignments/{id}/declaration {"conflict": false} or
 * {"conflict": true, "type": "...", "reason": "..."}.
 */
int
assignments_declare(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body, *errors;
	const char	*params[5], *type, *reason;
	char		id[COMMITTEE_ID_LEN], uid[COMMITTEE_ID_LEN];
	int		conflict;

	errors = json_object();
	if ((body = api_body_collect(ctx, declare_fields, errors)) == NULL) {
		json_decref(errors);
		return (KORE_RESULT_OK);
	}

	conflict = json_is_true(json_object_get(body, "conflict"));
	type = json_string_value(json_object_get(body, "type"));
	reason = json_string_value(json_object_get(body, "reason"));
	if (json_object_get(errors, "conflict") != NULL) {
		/* Nothing to say about the others without it. */
	} else if (conflict) {
		if (type == NULL && json_object_get(errors, "type") == NULL)
			json_object_set_new(errors, "type", json_string(
			    "is required with a conflict: family, business, "
			    "same_household or other"));
		if (reason == NULL && json_object_get(errors, "reason") == NULL)
			json_object_set_new(errors, "reason", json_string(
			    "is required with a conflict: say what it is"));
	} else {
		if (type != NULL)
			json_object_set_new(errors, "type", json_string(
			    "is only for a conflict"));
		if (reason != NULL)
			json_object_set_new(errors, "reason", json_string(
			    "is only for a conflict"));
	}
	if (api_fields_reply(ctx, errors)) {
		json_decref(errors);
		json_decref(body);
		return (KORE_RESULT_OK);
	}
	json_decref(errors);

	(void)snprintf(id, sizeof(id), "%lld", (long long)ctx->params[0]);
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = id;
	params[1] = uid;
	params[2] = conflict ? "t" : "f";
	params[3] = type;
	params[4] = reason;

	if (!db_open(&db, ctx)) {
		json_decref(body);
		return (KORE_RESULT_OK);
	}
	if (!db_begin(&db, conflict ? "assignments.recuse" :
	    "assignments.declare") ||
	    !db_exec(&db, "SELECT committee_declare($1, $2, $3, $4, $5)",
	    5, params)) {
		json_decref(body);
		return (db_fail(&db));
	}
	json_decref(body);

	return (db_reply_commit(&db, 200));
}

/* GET /api/reviews/mine: the queue, in the reviewer's language. */
int
reviews_mine(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[2];
	char		uid[COMMITTEE_ID_LEN];

	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = uid;
	params[1] = ctx->user.locale;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT api_review_queue($1, $2)", 2, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}

/* GET /api/calls/{id}/reviews/overdue */
int
reviews_overdue(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[1];
	char		cid[COMMITTEE_ID_LEN];

	(void)snprintf(cid, sizeof(cid), "%lld", (long long)ctx->params[0]);
	params[0] = cid;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT api_overdue(c.id) FROM calls c "
	    "WHERE c.id = $1", 1, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}
