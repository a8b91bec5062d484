/*
 * The reviews of an application.  Staff see every review, drafts
 * included (their status, not their content), with the reviewer's name,
 * whether it counts and its revisions.  A reviewer of the application
 * sees the reviews that count only once her own is submitted: before,
 * 403 (she knows the application; what she may not see yet is the
 * others' judgement, so that it cannot sway hers).  Reviewers appear as
 * "Reviewer 1", "Reviewer 2", ..., the same on every answer.
 */

#include "sen.h"
#include "reviews.h"

/* Every review (and every revision) with its weighted total. */
static void
add_totals(json_t *o, json_t *criteria)
{
	struct review_rubric	*r;
	json_t			*item, *rev;
	size_t			 i, j;

	r = kore_malloc(sizeof(*r));
	if (!review_rubric_load(r, criteria))
		memset(r, 0, sizeof(*r));

	json_array_foreach(json_object_get(o, "reviews"), i, item) {
		review_add_total(r, item);
		json_array_foreach(json_object_get(item, "revisions"), j, rev)
			review_add_total(r, rev);
	}
	kore_free(r);
}

int
reviews_of_application(struct api_ctx *ctx)
{
	struct db		db;
	struct review_state	st;
	const char		*params[3];
	char			aid[24], uid[24];
	json_t			*o, *criteria;
	int			staff;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);

	staff = REVIEW_STAFF(ctx);
	if (!staff) {
		if (!review_state_load(&db, ctx->params[0], 0, &st))
			return (KORE_RESULT_OK);
		if (review_refused(&db, &st))
			return (KORE_RESULT_OK);
		review_state_free(&st);
		if (!st.submitted) {
			db_close(&db);
			return (api_error(ctx, 403, "forbidden", "Submit your "
			    "own review first: the other reviews open to you "
			    "once yours is in"));
		}
	}

	(void)snprintf(aid, sizeof(aid), "%lld", (long long)ctx->params[0]);
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = aid;
	params[1] = uid;
	params[2] = staff ? "true" : "false";
	if (!db_exec(&db, "SELECT api_reviews_of(a.id, $2, $3::boolean), "
	    "review_rubric(a.call_id) FROM applications a WHERE a.id = $1",
	    3, params))
		return (db_fail(&db));
	if (db_rows(&db) != 1) {
		db_close(&db);
		return (api_error(ctx, 404, "not_found",
		    "No such application"));
	}

	o = json_loads(db_value(&db, 0, 0), 0, NULL);
	criteria = json_loads(db_value(&db, 0, 1), 0, NULL);
	db_close(&db);
	if (o == NULL) {
		json_decref(criteria);
		kore_log(LOG_ERR, "[%s] reviews: unreadable", ctx->request_id);
		return (api_error(ctx, 500, "internal", "Internal error"));
	}
	add_totals(o, criteria);
	json_decref(criteria);

	return (review_reply_json(ctx, 200, o, 0));
}
