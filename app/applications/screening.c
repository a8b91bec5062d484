/*
 * Staff screening: an application is eligible or not (with the reason,
 * which the applicant is told), and each priority claim is verified or
 * rejected against the certificate she uploaded.  Opening either on a
 * submitted application starts its screening, so the history shows when
 * staff took it up.  If-Match is honoured when sent, not required: staff
 * act on the claims one by one and the database serialises them.
 */

#include "sen.h"
#include "applications.h"

/*
 * Move an application along one step, the reason recorded on its event
 * (and told to the applicant in the message the event queues).
 */
static int
app_move(struct db *db, int64_t id, const char *to, const char *reason)
{
	const char	*params[2];
	char		aid[24];

	(void)snprintf(aid, sizeof(aid), "%lld", (long long)id);
	params[0] = aid;
	params[1] = to;

	return (db_set(db, "sen.reason", reason) &&
	    db_exec(db, "UPDATE applications SET status = $2 WHERE id = $1",
	    2, params));
}

/* Locked and, if sent, at the version of If-Match; 0 when replied. */
static int
lock_for_staff(struct api_ctx *ctx, struct db *db, const char *action,
    char *status, size_t len)
{
	int64_t		version;

	if (app_if_match_optional(ctx, &version) == -1)
		return (0);
	if (!db_open(db, ctx))
		return (0);
	if (!db_begin(db, action)) {
		db_fail(db);
		return (0);
	}

	return (app_lock(db, ctx->params[0], 0, version, status, len));
}

int
applications_screen(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body;
	const char	*reason, *params[3];
	char		status[APP_STATUS_LEN], msg[96], aid[24];
	int		eligible;

	if ((body = api_body(ctx, app_screen_fields)) == NULL)
		return (KORE_RESULT_OK);

	eligible = json_is_true(json_object_get(body, "eligible"));
	reason = json_string_value(json_object_get(body, "reason"));
	if (lc_blank(reason))
		reason = NULL;
	if (!eligible && reason == NULL) {
		json_decref(body);
		return (api_error_fields(ctx, 422, "validation_failed",
		    "Some fields are not valid", json_pack("{s:s}", "reason",
		    "is required when the application is not eligible: the "
		    "applicant is told why")));
	}

	if (!lock_for_staff(ctx, &db, "applications.screen", status,
	    sizeof(status))) {
		json_decref(body);
		return (KORE_RESULT_OK);
	}

	if (!strcmp(status, "submitted")) {
		if (!app_move(&db, ctx->params[0], "screening", NULL)) {
			json_decref(body);
			return (db_fail(&db));
		}
	} else if (strcmp(status, "screening") != 0) {
		json_decref(body);
		db_close(&db);
		(void)snprintf(msg, sizeof(msg), "Only a submitted application "
		    "can be screened; this one is %s", status);
		return (api_error(ctx, 409, "conflict", msg));
	}

	/* The decision and its reason in one change, one audit row. */
	(void)snprintf(aid, sizeof(aid), "%lld", (long long)ctx->params[0]);
	params[0] = aid;
	params[1] = eligible ? "eligible" : "ineligible";
	params[2] = reason;
	if (!db_set(&db, "sen.reason", reason) ||
	    !db_exec(&db, "UPDATE applications SET status = $2, "
	    "screening_reason = $3 WHERE id = $1", 3, params)) {
		json_decref(body);
		return (db_fail(&db));
	}
	json_decref(body);

	return (app_reply(&db, ctx->params[0], 200));
}

/*
 * Verify or reject one claim.  The database refuses to verify an expired
 * certificate or a claim without its certificate uploaded (SN422 on
 * "verified", priority_claims_guard); a claim that does not exist on the
 * application is 404, as an application that does not exist.
 */
int
applications_verify_priority(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body;
	const char	*note, *params[5];
	char		status[APP_STATUS_LEN], msg[96], aid[24], uid[24];
	int		verified;

	if ((body = api_body(ctx, app_priority_fields)) == NULL)
		return (KORE_RESULT_OK);

	verified = json_is_true(json_object_get(body, "verified"));
	note = json_string_value(json_object_get(body, "note"));
	if (lc_blank(note))
		note = NULL;
	if (!verified && note == NULL) {
		json_decref(body);
		return (api_error_fields(ctx, 422, "validation_failed",
		    "Some fields are not valid", json_pack("{s:s}", "note",
		    "is required when the claim is rejected: the applicant "
		    "is told why")));
	}

	if (!lock_for_staff(ctx, &db, "applications.verify_priority", status,
	    sizeof(status))) {
		json_decref(body);
		return (KORE_RESULT_OK);
	}

	/* Claims are settled while screening, or just after it. */
	if (strcmp(status, "submitted") && strcmp(status, "screening") &&
	    strcmp(status, "eligible")) {
		json_decref(body);
		db_close(&db);
		(void)snprintf(msg, sizeof(msg), "Priority claims cannot be "
		    "decided on an application that is %s", status);
		return (api_error(ctx, 409, "conflict", msg));
	}

	(void)snprintf(aid, sizeof(aid), "%lld", (long long)ctx->params[0]);
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = aid;
	params[1] = json_string_value(json_object_get(body, "category"));
	params[2] = verified ? "verified" : "rejected";
	params[3] = note;
	params[4] = uid;
	if (!db_exec(&db, "UPDATE priority_claims SET status = $3, note = $4, "
	    "decided_by = $5, decided_at = now() "
	    "WHERE application_id = $1 AND category = $2 RETURNING id",
	    5, params)) {
		json_decref(body);
		return (db_fail(&db));
	}
	json_decref(body);
	if (db_rows(&db) != 1) {
		db_close(&db);
		return (api_error(ctx, 404, "not_found",
		    "The application has no priority claim of this category"));
	}

	if (!strcmp(status, "submitted") &&
	    !app_move(&db, ctx->params[0], "screening", NULL))
		return (db_fail(&db));

	return (app_reply(&db, ctx->params[0], 200));
}
