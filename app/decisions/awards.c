/*
 * Awards: what a funded applicant and staff see of one (GET
 * /api/awards/{id}), the awards of a call with totals that always add up
 * (GET /api/calls/{id}/awards), and the end of one: she declines it
 * before anything is paid (POST /api/applications/{id}/decline-award),
 * or staff revoke it (POST /api/awards/{id}/revoke).  The money an award
 * frees is offered at once to the waitlist, by the proposal's rules
 * (proposal.c), in the same transaction: each offer is a funded decision
 * released with its letter.  She is not told who was offered what.
 */

#include "sen.h"
#include "decisions.h"

static const struct schema_field reason_fields[] = {
	{ "reason", SCHEMA_STRING, SCHEMA_REQUIRED | SCHEMA_MULTILINE, 1,
	    DEC_REASON_MAX, NULL, dec_not_blank, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

/*
 * Reply with the award (and, for staff, the offers), committing first;
 * ETag: the award's version.
 */
static int
reply_award(struct db *db, int64_t award, int staff, json_t *offers)
{
	struct api_ctx	*ctx = db->ctx;
	const char	*params[2];
	char		wid[24];
	json_t		*o;

	dec_id(wid, sizeof(wid), award);
	params[0] = wid;
	params[1] = staff ? "true" : "false";
	if (!db_exec(db, "SELECT api_award(w, $2)::text, w.version "
	    "FROM awards w WHERE w.id = $1", 2, params))
		return (db_fail(db));
	if (db_rows(db) != 1) {
		db_close(db);
		return (api_error(ctx, 404, "not_found", "No such award"));
	}
	api_etag(ctx, db_int(db, 0, 1));
	if (offers == NULL)
		return (db_reply_commit(db, 200));

	o = json_pack("{s:o?, s:O}", "award", json_loads(db_value(db, 0, 0),
	    0, NULL), "offers", offers);
	if (o == NULL) {
		db_close(db);
		return (api_error(ctx, 500, "internal", "Internal error"));
	}
	if (!db_commit(db)) {
		json_decref(o);
		return (db_fail(db));
	}
	db_close(db);

	return (api_reply(ctx, 200, o));
}

/* The reason of the body, copied; NULL when it replied. */
static char *
reason_of(struct api_ctx *ctx)
{
	json_t		*body;
	char		*reason;

	if ((body = api_body(ctx, reason_fields)) == NULL)
		return (NULL);
	reason = kore_strdup(json_string_value(json_object_get(body,
	    "reason")));
	json_decref(body);

	return (reason);
}

int
award_decline(struct api_ctx *ctx)
{
	struct db	 db;
	struct dec_call	 call;
	const char	*params[4];
	char		 aid[24], wid[24], uid[24], *reason;
	int64_t		 call_id, award;
	json_t		*offers;

	if ((reason = reason_of(ctx)) == NULL)
		return (KORE_RESULT_OK);
	if (!db_open(&db, ctx))
		goto out;
	if (!db_begin(&db, "awards.decline")) {
		(void)db_fail(&db);
		goto out;
	}
	if (!dec_call_of_application(&db, ctx->params[0], ctx->user.id,
	    &call_id) || !dec_call_load(&db, call_id, 1, &call))
		goto out;

	dec_id(aid, sizeof(aid), ctx->params[0]);
	params[0] = aid;
	if (!db_exec(&db, "SELECT id FROM awards WHERE application_id = $1 "
	    "AND status = 'active'", 1, params)) {
		(void)db_fail(&db);
		goto out;
	}
	if (db_rows(&db) != 1) {
		db_close(&db);
		(void)api_error(ctx, 409, "conflict", "You have no award on "
		    "this application to decline");
		goto out;
	}
	award = db_int(&db, 0, 0);

	dec_id(wid, sizeof(wid), award);
	dec_id(uid, sizeof(uid), ctx->user.id);
	params[0] = wid;
	params[1] = "declined";
	params[2] = reason;
	params[3] = uid;
	if (!db_exec(&db, "SELECT award_end($1, $2, $3, $4)", 4, params)) {
		(void)db_fail(&db);
		goto out;
	}
	offers = json_array();
	if (!dec_offer_freed(&db, call_id, award, offers)) {
		json_decref(offers);
		goto out;
	}
	json_decref(offers);
	(void)reply_award(&db, award, 0, NULL);

out:
	kore_free(reason);
	return (KORE_RESULT_OK);
}

int
award_revoke(struct api_ctx *ctx)
{
	struct db	 db;
	struct dec_call	 call;
	const char	*params[4];
	char		 wid[24], uid[24], *reason;
	int64_t		 call_id;
	json_t		*offers;

	if ((reason = reason_of(ctx)) == NULL)
		return (KORE_RESULT_OK);
	if (!db_open(&db, ctx))
		goto out;
	if (!db_begin(&db, "awards.revoke")) {
		(void)db_fail(&db);
		goto out;
	}
	dec_id(wid, sizeof(wid), ctx->params[0]);
	params[0] = wid;
	if (!db_exec(&db, "SELECT call_id FROM awards WHERE id = $1", 1,
	    params)) {
		(void)db_fail(&db);
		goto out;
	}
	if (db_rows(&db) != 1) {
		db_close(&db);
		(void)api_error(ctx, 404, "not_found", "No such award");
		goto out;
	}
	call_id = db_int(&db, 0, 0);
	if (!dec_call_load(&db, call_id, 1, &call))
		goto out;

	dec_id(uid, sizeof(uid), ctx->user.id);
	params[1] = "revoked";
	params[2] = reason;
	params[3] = uid;
	if (!db_exec(&db, "SELECT award_end($1, $2, $3, $4)", 4, params)) {
		(void)db_fail(&db);
		goto out;
	}
	offers = json_array();
	if (!dec_offer_freed(&db, call_id, ctx->params[0], offers)) {
		json_decref(offers);
		goto out;
	}
	(void)reply_award(&db, ctx->params[0], 1, offers);
	json_decref(offers);

out:
	kore_free(reason);
	return (KORE_RESULT_OK);
}

int
award_get(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[3];
	char		wid[24], uid[24];
	int		staff = DEC_STAFF(ctx);

	dec_id(wid, sizeof(wid), ctx->params[0]);
	dec_id(uid, sizeof(uid), ctx->user.id);
	params[0] = wid;
	params[1] = staff ? "true" : "false";
	params[2] = uid;
	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT api_award(w, $2::boolean)::text, w.version "
	    "FROM awards w JOIN applications a ON a.id = w.application_id "
	    "WHERE w.id = $1 AND ($2::boolean OR a.applicant_id = $3::bigint)",
	    3, params))
		return (db_fail(&db));
	if (db_rows(&db) == 1)
		api_etag(ctx, db_int(&db, 0, 1));

	return (db_reply_row(&db, 200, 0));
}

int
awards_of_call(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[1];
	char		cid[24];

	dec_id(cid, sizeof(cid), ctx->params[0]);
	params[0] = cid;
	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT api_call_awards($1)::text", 1, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}
