/*
 * The committee of a call and its conflicts of interest.
 *
 * Staff name a call's reviewers as a whole (PUT, If-Match on a digest of
 * the committee, so that two of them editing it at once cannot overwrite
 * each other).  Only active reviewer accounts join; a member already on
 * the committee may stay when her account was disabled since, so that
 * the rest can still be edited.  A reviewer leaves only while none of
 * her assignments in the call was released and she has no review there;
 * her unreleased assignments, proposals she never saw, go with her
 * (call_reviewers_guard in migrations/0003).
 *
 * A conflict of interest is recorded by staff here, or declared by the
 * reviewer herself (a recusal, committee_queue.c).  It removes the
 * pair's assignment and keeps the reviewer off the application for good:
 * conflicts are never changed or deleted.  A conflict learnt after her
 * review was submitted is recorded too: the assignment and the review
 * with its revisions stay as history, but the review stops counting in
 * the ranking and she leaves the discussion (review_counts in 0003), so a
 * late-found conflict cannot decide an application.
 *
 * Every write here and in committee_assign.c locks the call's row first,
 * so that the committee, its conflicts and its assignments change one
 * request after another.
 */

#include "sen.h"
#include "committee.h"

const char *const committee_conflict_types[] = {
	"family", "business", "same_household", "other", NULL
};

static const struct schema_field reviewer_item = {
	"reviewer_id", SCHEMA_INT, 0, 1, INT64_MAX, NULL, NULL, NULL, NULL
};

static const struct schema_field committee_fields[] = {
	{ "reviewer_ids", SCHEMA_ARRAY, SCHEMA_REQUIRED, 0, COMMITTEE_MAX,
	    NULL, NULL, NULL, &reviewer_item },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct schema_field conflict_fields[] = {
	{ "application_id", SCHEMA_INT, SCHEMA_REQUIRED, 1, INT64_MAX, NULL,
	    NULL, NULL, NULL },
	{ "reviewer_id", SCHEMA_INT, SCHEMA_REQUIRED, 1, INT64_MAX, NULL,
	    NULL, NULL, NULL },
	{ "type", SCHEMA_ENUM, SCHEMA_REQUIRED, 0, 0,
	    committee_conflict_types, NULL, NULL, NULL },
	{ "reason", SCHEMA_STRING, SCHEMA_REQUIRED | SCHEMA_MULTILINE, 1,
	    COMMITTEE_REASON_MAX, NULL, committee_not_blank, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

const char *
committee_not_blank(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return (NULL);
	}

	return ("must not be blank");
}

/*
 * Lock the call's row; with writable, also check that its committee work
 * is still open (not once scoring is closed or the call decided).  1 when
 * locked; 0 when a reply was sent (404, 409, or a database error).
 */
int
committee_lock_call(struct db *db, const char *cid, int writable)
{
	const char	*params[1];
	char		msg[160];

	params[0] = cid;
	if (!db_exec(db, "SELECT committee_frozen(c) FROM calls c "
	    "WHERE c.id = $1 FOR UPDATE", 1, params)) {
		db_fail(db);
		return (0);
	}
	if (db_rows(db) != 1) {
		db_close(db);
		api_error(db->ctx, 404, "not_found", "No such call");
		return (0);
	}
	if (writable && !db_isnull(db, 0, 0)) {
		(void)snprintf(msg, sizeof(msg), "%s", db_value(db, 0, 0));
		db_close(db);
		api_error(db->ctx, 409, "conflict", msg);
		return (0);
	}

	return (1);
}

/* Ids as a PostgreSQL array literal, {1,2,3}; kore_free() it. */
char *
committee_ids_text(const int64_t *ids, size_t n)
{
	struct kore_buf	*buf;
	char		*s;
	size_t		i;

	buf = kore_buf_alloc(16 + n * 8);
	kore_buf_appendf(buf, "{");
	for (i = 0; i < n; i++)
		kore_buf_appendf(buf, "%s%lld", i ? "," : "",
		    (long long)ids[i]);
	kore_buf_appendf(buf, "}");
	s = kore_strdup(kore_buf_stringify(buf, NULL));
	kore_buf_free(buf);

	return (s);
}

int
reviewers_list(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[1];
	char		cid[COMMITTEE_ID_LEN];

	(void)snprintf(cid, sizeof(cid), "%lld", (long long)ctx->params[0]);
	params[0] = cid;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT api_committee(c.id), "
	    "committee_version(c.id) FROM calls c WHERE c.id = $1",
	    1, params))
		return (db_fail(&db));
	if (db_rows(&db) == 1)
		api_etag(ctx, db_int(&db, 0, 1));

	return (db_reply_row(&db, 200, 0));
}

/* The ids of the body, or NULL after replying 422 (a repeated id). */
static int64_t *
committee_body_ids(struct api_ctx *ctx, json_t *body, size_t *n)
{
	json_t		*arr;
	int64_t		*ids;
	size_t		i, j;

	arr = json_object_get(body, "reviewer_ids");
	*n = json_array_size(arr);
	ids = kore_calloc(*n ? *n : 1, sizeof(*ids));
	for (i = 0; i < *n; i++) {
		ids[i] = json_integer_value(json_array_get(arr, i));
		for (j = 0; j < i; j++) {
			if (ids[j] != ids[i])
				continue;
			kore_free(ids);
			api_error_fields(ctx, 422, "validation_failed",
			    "Some fields are not valid", json_pack("{s:s}",
			    "reviewer_ids", "must not name a reviewer twice"));
			return (NULL);
		}
	}

	return (ids);
}

/*
 * PUT /api/calls/{id}/reviewers {"reviewer_ids": [...]}: the committee
 * becomes exactly these reviewers.
 */
int
reviewers_put(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body, *fields;
	int64_t		want, *ids;
	size_t		n;
	const char	*params[3];
	char		cid[COMMITTEE_ID_LEN], uid[COMMITTEE_ID_LEN];
	char		*list;

	if (!api_if_match(ctx, &want))
		return (KORE_RESULT_OK);
	if ((body = api_body(ctx, committee_fields)) == NULL)
		return (KORE_RESULT_OK);
	ids = committee_body_ids(ctx, body, &n);
	json_decref(body);
	if (ids == NULL)
		return (KORE_RESULT_OK);
	list = committee_ids_text(ids, n);
	kore_free(ids);

	(void)snprintf(cid, sizeof(cid), "%lld", (long long)ctx->params[0]);
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = cid;
	params[1] = list;
	params[2] = uid;

	if (!db_open(&db, ctx)) {
		kore_free(list);
		return (KORE_RESULT_OK);
	}
	if (!db_begin(&db, "committee.update")) {
		kore_free(list);
		return (db_fail(&db));
	}
	if (!committee_lock_call(&db, cid, 1)) {
		kore_free(list);
		return (KORE_RESULT_OK);
	}

	/*
	 * Newcomers must be active reviewer accounts; leavers must have
	 * nothing released and no review in the call.
	 */
	if (!db_exec(&db, "WITH want AS ("
	    "  SELECT DISTINCT unnest($2::bigint[]) AS id), "
	    "cur AS (SELECT reviewer_id AS id FROM call_reviewers "
	    "  WHERE call_id = $1) "
	    "SELECT committee_version($1), "
	    "  (SELECT string_agg(w.id::text, ', ' ORDER BY w.id) "
	    "    FROM want w LEFT JOIN users u ON u.id = w.id "
	    "    WHERE w.id NOT IN (SELECT id FROM cur) AND (u.id IS NULL "
	    "    OR u.role <> 'reviewer' OR u.disabled_at IS NOT NULL)), "
	    "  (SELECT string_agg(k.id::text, ', ' ORDER BY k.id) FROM cur k "
	    "    WHERE k.id NOT IN (SELECT id FROM want) AND (EXISTS ("
	    "      SELECT 1 FROM assignments a WHERE a.call_id = $1 "
	    "      AND a.reviewer_id = k.id AND a.released_at IS NOT NULL) "
	    "    OR EXISTS (SELECT 1 FROM reviews r JOIN applications ap "
	    "      ON ap.id = r.application_id WHERE ap.call_id = $1 "
	    "      AND r.reviewer_id = k.id)))", 2, params)) {
		kore_free(list);
		return (db_fail(&db));
	}
	if (db_int(&db, 0, 0) != want) {
		kore_free(list);
		db_close(&db);
		return (api_error(ctx, 412, "precondition_failed",
		    "The committee was changed by someone else: read it "
		    "again"));
	}
	if (!db_isnull(&db, 0, 1)) {
		fields = json_pack("{s:s+}", "reviewer_ids", "these are not "
		    "active reviewer accounts: ", db_value(&db, 0, 1));
		kore_free(list);
		db_close(&db);
		return (api_error_fields(ctx, 422, "validation_failed",
		    "Some fields are not valid", fields));
	}
	if (!db_isnull(&db, 0, 2)) {
		fields = json_pack("{s:s+}", "reviewer_ids", "these reviewers "
		    "have released assignments or reviews in this call and "
		    "stay on its committee: ", db_value(&db, 0, 2));
		kore_free(list);
		db_close(&db);
		return (api_error_fields(ctx, 409, "conflict",
		    "A reviewer with released work cannot leave the committee",
		    fields));
	}

	if (!db_exec(&db, "DELETE FROM call_reviewers WHERE call_id = $1 "
	    "AND NOT (reviewer_id = ANY ($2::bigint[]))", 2, params) ||
	    !db_exec(&db, "INSERT INTO call_reviewers (call_id, reviewer_id, "
	    "  added_by) "
	    "SELECT $1, r, $3 FROM unnest($2::bigint[]) AS r "
	    "WHERE NOT EXISTS (SELECT 1 FROM call_reviewers "
	    "  WHERE call_id = $1 AND reviewer_id = r)", 3, params) ||
	    !db_exec(&db, "SELECT api_committee($1), committee_version($1)",
	    1, params)) {
		kore_free(list);
		return (db_fail(&db));
	}
	kore_free(list);
	api_etag(ctx, db_int(&db, 0, 1));

	return (db_reply_commit(&db, 200));
}

int
conflicts_list(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[1];
	char		cid[COMMITTEE_ID_LEN];

	(void)snprintf(cid, sizeof(cid), "%lld", (long long)ctx->params[0]);
	params[0] = cid;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT json_build_object('call_id', c.id, "
	    "  'items', coalesce((SELECT json_agg(api_conflict(x) "
	    "    ORDER BY x.id) FROM conflicts x "
	    "    JOIN applications a ON a.id = x.application_id "
	    "    WHERE a.call_id = c.id), '[]')) "
	    "FROM calls c WHERE c.id = $1", 1, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}

/*
 * POST /api/calls/{id}/conflicts: staff record a conflict of interest.
 * Recorded whatever the state of the call (it is a fact); any reviewer
 * account, on the committee or not yet, and any application of the call.
 */
int
conflicts_record(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body, *errors;
	const char	*params[6];
	char		cid[COMMITTEE_ID_LEN], aid[COMMITTEE_ID_LEN];
	char		rid[COMMITTEE_ID_LEN], uid[COMMITTEE_ID_LEN];
	char		xid[COMMITTEE_ID_LEN];
	char		*type, *reason;

	if ((body = api_body(ctx, conflict_fields)) == NULL)
		return (KORE_RESULT_OK);

	(void)snprintf(cid, sizeof(cid), "%lld", (long long)ctx->params[0]);
	(void)snprintf(aid, sizeof(aid), "%lld", (long long)
	    json_integer_value(json_object_get(body, "application_id")));
	(void)snprintf(rid, sizeof(rid), "%lld", (long long)
	    json_integer_value(json_object_get(body, "reviewer_id")));
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	type = kore_strdup(json_string_value(json_object_get(body, "type")));
	reason = kore_strdup(json_string_value(json_object_get(body,
	    "reason")));
	json_decref(body);

	params[0] = cid;
	params[1] = aid;
	params[2] = rid;

	if (!db_open(&db, ctx))
		goto out;
	if (!db_begin(&db, "conflicts.record")) {
		db_fail(&db);
		goto out;
	}
	if (!committee_lock_call(&db, cid, 0))
		goto out;

	if (!db_exec(&db, "SELECT "
	    "  EXISTS (SELECT 1 FROM applications WHERE id = $2 "
	    "    AND call_id = $1), "
	    "  EXISTS (SELECT 1 FROM users WHERE id = $3 "
	    "    AND role = 'reviewer'), "
	    "  EXISTS (SELECT 1 FROM conflicts WHERE application_id = $2 "
	    "    AND reviewer_id = $3), "
	    "  committee_review_submitted($2, $3), "
	    "  (SELECT id FROM assignments WHERE application_id = $2 "
	    "    AND reviewer_id = $3)", 3, params)) {
		db_fail(&db);
		goto out;
	}

	errors = json_object();
	if (db_value(&db, 0, 0)[0] != 't')
		json_object_set_new(errors, "application_id",
		    json_string("is not an application of this call"));
	if (db_value(&db, 0, 1)[0] != 't')
		json_object_set_new(errors, "reviewer_id",
		    json_string("is not a reviewer account"));
	if (json_object_size(errors) > 0) {
		db_close(&db);
		(void)api_fields_reply(ctx, errors);
		json_decref(errors);
		goto out;
	}
	json_decref(errors);
	if (db_value(&db, 0, 2)[0] == 't') {
		db_close(&db);
		api_error_fields(ctx, 409, "conflict",
		    "This conflict of interest is already recorded",
		    json_pack("{s:s}", "reviewer_id", "already has a conflict "
		    "of interest with this application"));
		goto out;
	}
	(void)snprintf(xid, sizeof(xid), "%s", db_value(&db, 0, 4));

	/* conflicts_apply (0003) deletes the pair's assignment. */
	params[0] = aid;
	params[1] = rid;
	params[2] = type;
	params[3] = reason;
	params[4] = uid;
	params[5] = xid[0] != '\0' ? xid : NULL;
	if (!db_exec(&db, "WITH x AS (INSERT INTO conflicts (application_id, "
	    "  reviewer_id, type, reason, declared_by) "
	    "  VALUES ($1, $2, $3, btrim($4), $5) RETURNING *) "
	    "SELECT (api_conflict(x)::jsonb || jsonb_build_object("
	    "  'removed_assignment_id', $6::bigint))::json FROM x",
	    6, params)) {
		db_fail(&db);
		goto out;
	}
	db_reply_commit(&db, 201);

out:
	kore_free(type);
	kore_free(reason);
	return (KORE_RESULT_OK);
}
