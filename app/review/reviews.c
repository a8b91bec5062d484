/*
 * Blind scoring: what a reviewer sees of an application and her own
 * review of it.
 *
 * A reviewer works on an application only through an assignment that
 * staff released, on the call's committee, without a conflict of
 * interest, once she has declared that she has none (review_assignment()
 * in migrations/0003).  Anything else is 404, as an application that does
 * not exist, except a released assignment she has not declared on yet:
 * that is 409, with where to declare, since she knows of it from her
 * queue.  What she sees of the application is api_blind_application(),
 * the one place where blindness is decided.
 *
 * Her review is saved partially (PUT), as often as she likes while the
 * application is in review and the call's scoring is open, and submitted
 * when complete; a submitted review can be revised and submitted again,
 * every submission kept as a revision.  Changes to a submitted review
 * wait aside (reviews.revision_draft) until she submits them, so that the
 * ranking and the other reviewers keep seeing what she submitted.
 */

#include "sen.h"
#include "reviews.h"

/* Her standing, the application, the scoring and her review in one row. */
#define STATE_SQL \
	"SELECT a.status, c.scoring_closed_at IS NOT NULL, " \
	"  s.id, s.no_conflict_at IS NOT NULL, review_rubric(a.call_id), " \
	"  r.id, r.version, r.status = 'submitted', " \
	"  r.revision_draft IS NOT NULL, review_working(r) " \
	"FROM applications a " \
	"JOIN calls c ON c.id = a.call_id " \
	"LEFT JOIN LATERAL review_assignment(a.id, $2) s ON true " \
	"LEFT JOIN reviews r ON r.application_id = a.id " \
	"  AND r.reviewer_id = $2 " \
	"WHERE a.id = $1"

static const char *const	recommendations[] = {
	"fund", "maybe", "reject", NULL
};

/*
 * Load the caller's standing with an application.  lock (writes, inside
 * a transaction): the call's row is share-locked first, as reviews_guard
 * does, then the application's row, which serialises the writes to its
 * reviews.  1 when loaded (access REVIEW_NONE if there is no such
 * application); 0 when the database failed and a reply has been sent.
 */
int
review_state_load(struct db *db, int64_t app, int lock,
    struct review_state *st)
{
	const char	*params[2];
	char		 aid[24], uid[24];

	memset(st, 0, sizeof(*st));
	(void)snprintf(aid, sizeof(aid), "%lld", (long long)app);
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)db->ctx->user.id);
	params[0] = aid;
	params[1] = uid;

	if (lock && !db_exec(db, "SELECT 1 FROM calls c "
	    "JOIN applications a ON a.call_id = c.id WHERE a.id = $1 "
	    "FOR SHARE OF c", 1, params)) {
		db_fail(db);
		return (0);
	}
	if (!db_exec(db, lock ? STATE_SQL " FOR NO KEY UPDATE OF a" :
	    STATE_SQL, 2, params)) {
		db_fail(db);
		return (0);
	}
	if (db_rows(db) != 1)
		return (1);

	(void)snprintf(st->app_status, sizeof(st->app_status), "%s",
	    db_value(db, 0, 0));
	st->scoring_closed = db_value(db, 0, 1)[0] == 't';
	if (!db_isnull(db, 0, 2)) {
		st->assignment_id = db_int(db, 0, 2);
		st->access = db_value(db, 0, 3)[0] == 't' ? REVIEW_OK :
		    REVIEW_UNDECLARED;
	}
	st->rubric = json_loads(db_value(db, 0, 4), 0, NULL);
	if (!db_isnull(db, 0, 5)) {
		st->review_id = db_int(db, 0, 5);
		st->version = db_int(db, 0, 6);
		st->submitted = db_value(db, 0, 7)[0] == 't';
		st->unsubmitted = db_value(db, 0, 8)[0] == 't';
		st->working = json_loads(db_value(db, 0, 9), 0, NULL);
	}

	return (1);
}

void
review_state_free(struct review_state *st)
{
	json_decref(st->rubric);
	json_decref(st->working);
	st->rubric = NULL;
	st->working = NULL;
}

/*
 * Answer for a reviewer who may not work on the application (and close
 * the connection): 1 when a reply was sent, 0 when she may.
 */
int
review_refused(struct db *db, struct review_state *st)
{
	char		msg[200];

	if (st->access == REVIEW_OK)
		return (0);

	db_close(db);
	review_state_free(st);
	if (st->access == REVIEW_UNDECLARED) {
		(void)snprintf(msg, sizeof(msg), "Declare first whether you "
		    "have a conflict of interest with this application: "
		    "POST /api/assignments/%lld/declaration",
		    (long long)st->assignment_id);
		(void)api_error(db->ctx, 409, "conflict", msg);
		return (1);
	}

	(void)api_error(db->ctx, 404, "not_found", "No such application");
	return (1);
}

/*
 * Send an object (its reference is taken) whose weighted totals are
 * reals: one decimal, as the ranking shows them, so the dump may not
 * print 17 digits.  etag > 0 sets the ETag.
 */
int
review_reply_json(struct api_ctx *ctx, int status, json_t *o, int64_t etag)
{
	char		*text;

	text = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15));
	json_decref(o);
	if (text == NULL) {
		kore_log(LOG_ERR, "[%s] json_dumps failed", ctx->request_id);
		return (api_error(ctx, 500, "internal", "Internal error"));
	}

	if (etag > 0)
		api_etag(ctx, etag);
	(void)api_reply_text(ctx, status, text, strlen(text), NULL);
	free(text);

	return (KORE_RESULT_OK);
}

/* item.weighted_total from item.scores: 0-100, or null if none scored. */
void
review_add_total(const struct review_rubric *r, json_t *item)
{
	struct review_progress	p;
	json_t			*scores;

	scores = json_object_get(item, "scores");
	review_progress(r, scores, &p);
	json_object_set_new(item, "weighted_total", p.has_total ?
	    json_real(review_points(p.total)) : json_null());
}

static struct review_rubric *
rubric_of(struct review_state *st)
{
	struct review_rubric	*r;

	r = kore_malloc(sizeof(*r));
	if (!review_rubric_load(r, st->rubric))
		memset(r, 0, sizeof(*r));

	return (r);
}

/* If-Match when sent: 1 (in *version), 0 absent, -1 malformed (replied). */
static int
if_match_optional(struct api_ctx *ctx, int64_t *version)
{
	const char	*v;

	*version = 0;
	if (!http_request_header(ctx->req, "if-match", &v))
		return (0);

	return (api_if_match(ctx, version) ? 1 : -1);
}

/* 1 when her review may change now; else a 409 is sent and 0 returned. */
static int
review_writable(struct db *db, struct review_state *st)
{
	char		msg[200];

	if (st->scoring_closed) {
		db_close(db);
		review_state_free(st);
		(void)api_error(db->ctx, 409, "conflict", "Scoring of this "
		    "call is closed: reviews can no longer change");
		return (0);
	}
	if (strcmp(st->app_status, "in_review") != 0) {
		(void)snprintf(msg, sizeof(msg), "Reviews are written while "
		    "the application is in review; it is %s", st->app_status);
		db_close(db);
		review_state_free(st);
		(void)api_error(db->ctx, 409, "conflict", msg);
		return (0);
	}

	return (1);
}

/*
 * Her review as she sees it, with her progress, its version as the
 * ETag; commits the caller's transaction if one is open.
 */
static int
own_reply(struct db *db, struct review_state *st, int64_t app, int status)
{
	struct api_ctx		*ctx = db->ctx;
	struct review_rubric	*rubric;
	struct review_progress	 p;
	const char		*params[2];
	char			 aid[24], uid[24];
	json_t			*o, *prog, *rev;
	int64_t			 version;
	size_t			 i;

	(void)snprintf(aid, sizeof(aid), "%lld", (long long)app);
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = aid;
	params[1] = uid;
	if (!db_exec(db, "SELECT api_review_own(r), r.version FROM reviews r "
	    "WHERE r.application_id = $1 AND r.reviewer_id = $2", 2,
	    params)) {
		review_state_free(st);
		return (db_fail(db));
	}
	if (db_rows(db) != 1 || (o = json_loads(db_value(db, 0, 0), 0,
	    NULL)) == NULL) {
		kore_log(LOG_ERR, "[%s] review: no review to show",
		    ctx->request_id);
		db_close(db);
		review_state_free(st);
		return (api_error(ctx, 500, "internal", "Internal error"));
	}
	version = db_int(db, 0, 1);

	if (db->in_tx && !db_commit(db)) {
		json_decref(o);
		review_state_free(st);
		return (db_fail(db));
	}
	db_close(db);

	rubric = rubric_of(st);
	review_progress(rubric, json_object_get(o, "scores"), &p);
	prog = json_pack("{s:I, s:I, s:I, s:I}",
	    "criteria", (json_int_t)p.criteria,
	    "scored", (json_int_t)p.scored,
	    "cannot_judge", (json_int_t)p.cannot_judge,
	    "remaining", (json_int_t)p.remaining);
	json_object_set_new(prog, "weighted_total", p.has_total ?
	    json_real(review_points(p.total)) : json_null());
	json_object_set_new(o, "progress", prog);
	json_array_foreach(json_object_get(o, "revisions"), i, rev)
		review_add_total(rubric, rev);
	kore_free(rubric);
	review_state_free(st);

	return (review_reply_json(ctx, status, o, version));
}

int
applications_blind(struct api_ctx *ctx)
{
	struct db		db;
	struct review_state	st;
	const char		*params[2];
	char			aid[24], uid[24];

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!review_state_load(&db, ctx->params[0], 0, &st))
		return (KORE_RESULT_OK);
	if (review_refused(&db, &st))
		return (KORE_RESULT_OK);
	review_state_free(&st);

	(void)snprintf(aid, sizeof(aid), "%lld", (long long)ctx->params[0]);
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = aid;
	params[1] = uid;
	if (!db_exec(&db, "SELECT api_blind_application(a, $2) "
	    "FROM applications a WHERE a.id = $1", 2, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}

int
review_get(struct api_ctx *ctx)
{
	struct db		db;
	struct review_state	st;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!review_state_load(&db, ctx->params[0], 0, &st))
		return (KORE_RESULT_OK);
	if (review_refused(&db, &st))
		return (KORE_RESULT_OK);
	if (st.review_id == 0) {
		db_close(&db);
		review_state_free(&st);
		return (api_error(ctx, 404, "not_found", "You have not started "
		    "a review of this application yet"));
	}

	return (own_reply(&db, &st, ctx->params[0], 200));
}

/* The body of a save; scores are checked against the call's rubric. */
static void
put_fields(struct schema_field *f, const struct review_rubric *r)
{
	memset(f, 0, 5 * sizeof(*f));
	f[0].name = "scores";
	f[0].type = SCHEMA_OBJECT;
	f[0].fields = r->fields;
	f[1].name = "comment_applicant";
	f[1].type = SCHEMA_STRING;
	f[1].flags = SCHEMA_NULLABLE | SCHEMA_MULTILINE;
	f[1].max = REVIEW_COMMENT_MAX;
	f[2] = f[1];
	f[2].name = "comment_committee";
	f[3].name = "recommendation";
	f[3].type = SCHEMA_ENUM;
	f[3].flags = SCHEMA_NULLABLE;
	f[3].choices = recommendations;
}

int
review_put(struct api_ctx *ctx)
{
	struct db		 db;
	struct review_state	 st;
	struct review_rubric	*rubric;
	struct schema_field	 fields[5];
	const char		*params[3];
	char			 aid[24], uid[24], *w;
	json_t			*body, *errors, *merged;
	int64_t			 version;
	int			 given, created;

	if ((given = if_match_optional(ctx, &version)) == -1)
		return (KORE_RESULT_OK);
	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_begin(&db, "reviews.save"))
		return (db_fail(&db));
	if (!review_state_load(&db, ctx->params[0], 1, &st))
		return (KORE_RESULT_OK);
	if (review_refused(&db, &st) || !review_writable(&db, &st))
		return (KORE_RESULT_OK);

	/* The first save creates her review; later ones say which version. */
	if (st.review_id != 0 && !given) {
		db_close(&db);
		review_state_free(&st);
		return (api_error(ctx, 428, "precondition_failed",
		    "Send the If-Match header with the ETag you last read"));
	}
	if ((st.review_id == 0 && given) ||
	    (st.review_id != 0 && version != st.version)) {
		db_close(&db);
		review_state_free(&st);
		return (api_error(ctx, 412, "precondition_failed",
		    st.review_id == 0 ? "There is no review to match yet: "
		    "send the first save without If-Match" : "Your review "
		    "has changed since you read it (another tab or device?): "
		    "read it again"));
	}

	rubric = rubric_of(&st);
	put_fields(fields, rubric);
	errors = json_object();
	if ((body = api_body_collect(ctx, fields, errors)) == NULL) {
		json_decref(errors);
		kore_free(rubric);
		review_state_free(&st);
		db_close(&db);
		return (KORE_RESULT_OK);
	}
	kore_free(rubric);
	if (api_fields_reply(ctx, errors)) {
		json_decref(errors);
		json_decref(body);
		review_state_free(&st);
		db_close(&db);
		return (KORE_RESULT_OK);
	}
	json_decref(errors);

	merged = review_merge(st.working, body);
	json_decref(body);
	w = json_dumps(merged, JSON_COMPACT);
	json_decref(merged);
	if (w == NULL) {
		review_state_free(&st);
		db_close(&db);
		return (api_error(ctx, 500, "internal", "Internal error"));
	}

	(void)snprintf(aid, sizeof(aid), "%lld", (long long)ctx->params[0]);
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = aid;
	params[1] = uid;
	params[2] = w;
	created = st.review_id == 0;
	if (!db_exec(&db, "SELECT review_save($1, $2, $3::jsonb)", 3,
	    params)) {
		free(w);
		review_state_free(&st);
		return (db_fail(&db));
	}
	free(w);

	return (own_reply(&db, &st, ctx->params[0], created ? 201 : 200));
}

int
review_submit(struct api_ctx *ctx)
{
	struct db		 db;
	struct review_state	 st;
	struct review_rubric	*rubric;
	const char		*params[1];
	char			 rid[24];
	json_t			*errors;
	int64_t			 version;

	if (!api_if_match(ctx, &version))
		return (KORE_RESULT_OK);
	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_begin(&db, "reviews.submit"))
		return (db_fail(&db));
	if (!review_state_load(&db, ctx->params[0], 1, &st))
		return (KORE_RESULT_OK);
	if (review_refused(&db, &st) || !review_writable(&db, &st))
		return (KORE_RESULT_OK);

	if (st.review_id == 0) {
		db_close(&db);
		review_state_free(&st);
		return (api_error(ctx, 404, "not_found", "You have no review "
		    "of this application to submit: save it first"));
	}
	if (version != st.version) {
		db_close(&db);
		review_state_free(&st);
		return (api_error(ctx, 412, "precondition_failed",
		    "Your review has changed since you read it (another tab "
		    "or device?): read it again"));
	}
	if (st.submitted && !st.unsubmitted) {
		db_close(&db);
		review_state_free(&st);
		return (api_error(ctx, 409, "conflict", "Your review is "
		    "submitted and has no changes since: nothing to submit"));
	}

	rubric = rubric_of(&st);
	errors = json_object();
	review_submit_check(rubric, st.working, errors);
	kore_free(rubric);
	if (json_object_size(errors) > 0) {
		db_close(&db);
		review_state_free(&st);
		return (api_error_fields(ctx, 422, "validation_failed",
		    "The review cannot be submitted yet: complete these fields",
		    errors));
	}
	json_decref(errors);

	(void)snprintf(rid, sizeof(rid), "%lld", (long long)st.review_id);
	params[0] = rid;
	if (!db_exec(&db, "SELECT review_submit($1)", 1, params)) {
		review_state_free(&st);
		return (db_fail(&db));
	}

	return (own_reply(&db, &st, ctx->params[0], 200));
}
