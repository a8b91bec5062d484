/*
 * The discussion of an application: one thread, for staff and for the
 * application's reviewers once their own review is submitted (before:
 * 403, as for the others' reviews).  Reviewers see authors as
 * "Reviewer 2" or "Staff", staff see names.  Posts are kept as written.
 * The thread can be read for good and takes posts until the decision
 * (application eligible, in review or reviewed; 409 after), also once
 * scoring is closed: that is when committees talk.
 */

#include "sen.h"
#include "reviews.h"

#define POST_MAX	5000

static const struct schema_field post_fields[] = {
	{ "body", SCHEMA_STRING, SCHEMA_REQUIRED | SCHEMA_MULTILINE, 1,
	    POST_MAX, NULL, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

/*
 * Whether the caller takes part: staff whenever the application exists,
 * a reviewer with access and her review submitted.  1 when she does;
 * 0 when a reply was sent (and the connection closed).  status gets
 * the application's status.
 */
static int
discussion_member(struct db *db, char *status, size_t len)
{
	struct api_ctx		*ctx = db->ctx;
	struct review_state	 st;
	const char		*params[1];
	char			 aid[24];

	if (REVIEW_STAFF(ctx)) {
		(void)snprintf(aid, sizeof(aid), "%lld",
		    (long long)ctx->params[0]);
		params[0] = aid;
		if (!db_exec(db, "SELECT status FROM applications "
		    "WHERE id = $1", 1, params)) {
			db_fail(db);
			return (0);
		}
		if (db_rows(db) != 1) {
			db_close(db);
			(void)api_error(ctx, 404, "not_found",
			    "No such application");
			return (0);
		}
		(void)snprintf(status, len, "%s", db_value(db, 0, 0));
		return (1);
	}

	if (!review_state_load(db, ctx->params[0], 0, &st))
		return (0);
	if (review_refused(db, &st))
		return (0);
	review_state_free(&st);
	if (!st.submitted) {
		db_close(db);
		(void)api_error(ctx, 403, "forbidden", "Submit your own review "
		    "first: the discussion opens to you once it is in");
		return (0);
	}
	(void)snprintf(status, len, "%s", st.app_status);

	return (1);
}

int
discussion_list(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[3];
	char		aid[24], uid[24], status[REVIEW_STATUS_LEN];

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!discussion_member(&db, status, sizeof(status)))
		return (KORE_RESULT_OK);

	(void)snprintf(aid, sizeof(aid), "%lld", (long long)ctx->params[0]);
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = aid;
	params[1] = uid;
	params[2] = REVIEW_STAFF(ctx) ? "true" : "false";
	if (!db_exec(&db, "SELECT api_discussion($1, $2, $3::boolean)", 3,
	    params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}

int
discussion_post(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body;
	const char	*params[4];
	char		aid[24], uid[24], status[REVIEW_STATUS_LEN];

	if ((body = api_body(ctx, post_fields)) == NULL)
		return (KORE_RESULT_OK);
	if (!db_open(&db, ctx)) {
		json_decref(body);
		return (KORE_RESULT_OK);
	}
	if (!db_begin(&db, "discussion.post")) {
		json_decref(body);
		return (db_fail(&db));
	}
	if (!discussion_member(&db, status, sizeof(status))) {
		json_decref(body);
		return (KORE_RESULT_OK);
	}
	if (strcmp(status, "eligible") && strcmp(status, "in_review") &&
	    strcmp(status, "reviewed")) {
		json_decref(body);
		db_close(&db);
		return (api_error(ctx, 409, "conflict", "The discussion of "
		    "this application is closed: it has been decided"));
	}

	(void)snprintf(aid, sizeof(aid), "%lld", (long long)ctx->params[0]);
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = aid;
	params[1] = uid;
	params[2] = json_string_value(json_object_get(body, "body"));
	params[3] = REVIEW_STAFF(ctx) ? "true" : "false";
	if (!db_exec(&db, "INSERT INTO discussion_posts (application_id, "
	    "author_id, body) VALUES ($1, $2, $3) "
	    "RETURNING api_discussion_post(discussion_posts, $2, "
	    "$4::boolean)", 4, params)) {
		json_decref(body);
		return (db_fail(&db));
	}
	json_decref(body);

	return (db_reply_commit(&db, 201));
}
