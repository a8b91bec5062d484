/*
 * Matches after a run: staff review the proposals of a call, replace a
 * proposal's mentor, add a match by hand, drop a proposal, and publish;
 * nothing reaches a mentor before publication.  The mentor then accepts
 * or declines (with a reason) before the offer expires; either side or
 * staff end a match.  Staff see who is still without a mentor.
 *
 * Who sees what (mt_match_visible, api_match_for): staff every match; a
 * mentor her own from publication on; a mentee her own once accepted.
 * Anything else is 404, never 403: ids tell nothing.
 */

#include "mentoring.h"

static const struct schema_field	add_fields[] = {
	{ "application_id", SCHEMA_INT, SCHEMA_REQUIRED, 1, INT64_MAX, NULL,
	    NULL, NULL, NULL },
	{ "mentor_id", SCHEMA_INT, SCHEMA_REQUIRED, 1, INT64_MAX, NULL, NULL,
	    NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct schema_field	replace_fields[] = {
	{ "mentor_id", SCHEMA_INT, SCHEMA_REQUIRED, 1, INT64_MAX, NULL, NULL,
	    NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct schema_field	reason_fields[] = {
	{ "reason", SCHEMA_STRING, SCHEMA_REQUIRED | SCHEMA_MULTILINE, 1,
	    MT_REASON_MAX, NULL, mt_not_blank, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const char *const	status_names[] = {
	"proposed", "published", "accepted", "declined", "expired", "ended",
	NULL
};

/* Lock the matching settings of call id: runs and hand edits take turns. */
static int
lock_call(struct db *db, int64_t id, int *found)
{
	const char	*params[1];
	char		cid[MT_ID_LEN];

	mt_id(cid, id);
	params[0] = cid;
	if (!db_exec(db, "SELECT 1 FROM matching_settings WHERE call_id = $1 "
	    "FOR UPDATE", 1, params))
		return (0);
	*found = db_rows(db) == 1;

	return (1);
}

static int
fail(struct db *db)
{
	db_fail(db);

	return (0);
}

/*
 * The compatibility of application app with mentor in call: checked for
 * a hand-made match (keep: the match being edited, whose own place and
 * activity do not count against it).  Fills pair (JSON for
 * MT_PAIRS_INSERT) and returns 1; 0 when a reply has been sent.
 */
static int
pair_for(struct db *db, int64_t call, int64_t app, int64_t mentor,
    int64_t keep_mentor, struct kore_buf *pair)
{
	struct api_ctx		*ctx = db->ctx;
	struct compat_weights	 w;
	struct compat_result	 r;
	struct mt_mentee	 e;
	struct mt_mentor	 t;
	struct mt_ref		 ref;
	const char		*params[2];
	char			 cid[MT_ID_LEN], aid[MT_ID_LEN];
	char			 tid[MT_ID_LEN];
	int			 min, f;

	if ((f = mt_weights(db, call, &w, &min)) == -1 ||
	    !mt_ref_load(db, &ref))
		return (fail(db));
	mt_id(cid, call);
	mt_id(aid, app);
	mt_id(tid, mentor);
	params[0] = cid;
	params[1] = aid;
	if (!db_exec(db, "SELECT " MT_MENTEE_COLS ", b.eligible, b.active "
	    "FROM mentoring_mentee_facts($1) b WHERE b.application_id = $2",
	    2, params))
		return (fail(db));
	if (db_rows(db) != 1) {
		db_close(db);
		api_error_fields(ctx, 422, "validation_failed",
		    "Some fields are not valid", json_pack("{s:s}",
		    "application_id", "is not an application of this call"));
		return (0);
	}
	mt_mentee_row(db, 0, &ref, &e);
	if (db_value(db, 0, MT_MENTEE_NCOLS)[0] != 't') {
		db_close(db);
		api_error_fields(ctx, 409, "conflict",
		    "Matching serves funded applications (and waitlisted ones "
		    "when the call says so)", json_pack("{s:s}",
		    "application_id", "is not funded"));
		return (0);
	}
	if (keep_mentor == 0 &&
	    db_value(db, 0, MT_MENTEE_NCOLS + 1)[0] == 't') {
		db_close(db);
		api_error_fields(ctx, 409, "conflict",
		    "She already has a mentor or a proposal", json_pack(
		    "{s:s}", "application_id", "already has an active match"));
		return (0);
	}

	params[0] = tid;
	if (!db_exec(db, "SELECT " MT_MENTOR_COLS ", t.available "
	    "FROM mentoring_mentor_facts() t WHERE t.mentor_id = $1", 1,
	    params))
		return (fail(db));
	if (db_rows(db) != 1) {
		db_close(db);
		api_error_fields(ctx, 422, "validation_failed",
		    "Some fields are not valid", json_pack("{s:s}",
		    "mentor_id", "is not a mentor with a profile"));
		return (0);
	}
	mt_mentor_row(db, 0, &ref, &t);
	if (db_value(db, 0, MT_MENTOR_NCOLS)[0] != 't') {
		db_close(db);
		api_error_fields(ctx, 409, "conflict",
		    "This mentor takes no new mentees for now",
		    json_pack("{s:s}", "mentor_id", "is paused"));
		return (0);
	}
	if (t.places == 0 && mentor != keep_mentor) {
		db_close(db);
		api_error_fields(ctx, 409, "conflict",
		    "This mentor has no places left", json_pack("{s:s}",
		    "mentor_id", "has no places left"));
		return (0);
	}

	compat_score(&w, &e.c, &t.c, &r);
	kore_buf_append(pair, "[", 1);
	mt_pair_json(pair, &ref, app, mentor, &r);
	kore_buf_append(pair, "]", 1);

	return (1);
}

/* GET /api/calls/{id}/matches[?status=]: staff, with scores and parts. */
int
matches_list(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[2];
	char		cid[MT_ID_LEN], status[16];
	int		r, i;

	if ((r = api_query(ctx, "status", status, sizeof(status))) == -1)
		return (KORE_RESULT_OK);
	if (r == 1) {
		for (i = 0; status_names[i] != NULL; i++) {
			if (!strcmp(status_names[i], status))
				break;
		}
		if (status_names[i] == NULL)
			return (api_error_fields(ctx, 400, "validation_failed",
			    "Unknown status", json_pack("{s:s}", "status",
			    "must be one of: proposed, published, accepted, "
			    "declined, expired, ended")));
	}
	mt_id(cid, ctx->params[0]);
	params[0] = cid;
	params[1] = r == 1 ? status : NULL;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!mt_expire(&db) || !db_exec(&db,
	    "SELECT json_build_object('call_id', s.call_id, "
	    "  'counts', (SELECT coalesce(json_object_agg(x.status, x.n), "
	    "    '{}') FROM (SELECT status, count(*) AS n FROM matches "
	    "    WHERE call_id = s.call_id GROUP BY status) x), "
	    "  'items', (SELECT coalesce(json_agg(api_match_staff(m) "
	    "    ORDER BY m.id), '[]') FROM matches m "
	    "    WHERE m.call_id = s.call_id "
	    "    AND ($2::text IS NULL OR m.status = $2))) "
	    "FROM matching_settings s WHERE s.call_id = $1", 2, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}

/* POST /api/calls/{id}/matches {application_id, mentor_id}: by hand. */
int
matches_add(struct api_ctx *ctx)
{
	struct db	db;
	struct kore_buf	pair;
	json_t		*body;
	const char	*params[5];
	char		cid[MT_ID_LEN], uid[MT_ID_LEN], loc[64];
	int64_t		app, mentor, id;
	int		found;

	if ((body = api_body(ctx, add_fields)) == NULL)
		return (KORE_RESULT_OK);
	app = json_integer_value(json_object_get(body, "application_id"));
	mentor = json_integer_value(json_object_get(body, "mentor_id"));
	json_decref(body);

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!mt_expire(&db) || !db_begin(&db, "mentoring.match_add") ||
	    !lock_call(&db, ctx->params[0], &found))
		return (db_fail(&db));
	if (!found) {
		db_close(&db);
		return (api_error(ctx, 404, "not_found", "No such call"));
	}

	kore_buf_init(&pair, 512);
	if (!pair_for(&db, ctx->params[0], app, mentor, 0, &pair)) {
		kore_buf_cleanup(&pair);
		return (KORE_RESULT_OK);
	}
	mt_id(cid, ctx->params[0]);
	mt_id(uid, ctx->user.id);
	params[0] = kore_buf_stringify(&pair, NULL);
	params[1] = cid;
	params[2] = uid;
	params[3] = "manual";
	params[4] = NULL;
	if (!db_exec(&db, MT_PAIRS_INSERT "RETURNING id", 5, params)) {
		kore_buf_cleanup(&pair);
		return (db_fail(&db));
	}
	kore_buf_cleanup(&pair);

	id = db_int(&db, 0, 0);
	(void)snprintf(loc, sizeof(loc), "/api/matches/%lld", (long long)id);
	api_header(ctx, "location", loc);

	return (mt_match_reply(&db, id, 201));
}

/* PUT /api/matches/{id} {mentor_id}: another mentor for a proposal. */
int
matches_replace(struct api_ctx *ctx)
{
	struct db	db;
	struct mt_match	m;
	struct kore_buf	pair;
	json_t		*body;
	const char	*params[2];
	char		mid[MT_ID_LEN];
	int64_t		want, mentor;
	int		r, found;

	if (!api_if_match(ctx, &want))
		return (KORE_RESULT_OK);
	if ((body = api_body(ctx, replace_fields)) == NULL)
		return (KORE_RESULT_OK);
	mentor = json_integer_value(json_object_get(body, "mentor_id"));
	json_decref(body);

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!mt_expire(&db) || !db_begin(&db, "mentoring.match_replace") ||
	    (r = mt_match_lock(&db, ctx->params[0], &m)) == -1)
		return (db_fail(&db));
	if (r == 0) {
		db_close(&db);
		return (api_error(ctx, 404, "not_found", "No such match"));
	}
	if (m.version != want) {
		db_close(&db);
		return (api_error(ctx, 412, "precondition_failed",
		    "The match has changed since you read it: read it again"));
	}
	if (strcmp(m.status, "proposed") != 0) {
		db_close(&db);
		return (api_error_fields(ctx, 409, "conflict",
		    "Only a proposed match can change its mentor",
		    json_pack("{s:s}", "status", m.status)));
	}
	if (!lock_call(&db, m.call_id, &found))
		return (db_fail(&db));

	kore_buf_init(&pair, 512);
	if (!pair_for(&db, m.call_id, m.application_id, mentor, m.mentor_id,
	    &pair)) {
		kore_buf_cleanup(&pair);
		return (KORE_RESULT_OK);
	}
	mt_id(mid, m.id);
	params[0] = kore_buf_stringify(&pair, NULL);
	params[1] = mid;
	if (!db_exec(&db, "UPDATE matches m SET mentor_id = p.m, score = p.s, "
	    "  parts = " MT_PAIRS_PARTS ", "
	    "  origin = CASE WHEN m.origin = 'auto' AND m.mentor_id <> p.m "
	    "    THEN 'edited' ELSE m.origin END "
	    "FROM " MT_PAIRS_RECORD ", matching_settings ms "
	    "WHERE m.id = $2 AND ms.call_id = m.call_id", 2, params)) {
		kore_buf_cleanup(&pair);
		return (db_fail(&db));
	}
	kore_buf_cleanup(&pair);

	return (mt_match_reply(&db, m.id, 200));
}

/* DELETE /api/matches/{id}: a proposal goes (she is free for a run). */
int
matches_delete(struct api_ctx *ctx)
{
	struct db	db;
	struct mt_match	m;
	const char	*params[1], *v;
	char		mid[MT_ID_LEN];
	int64_t		want;
	int		r, check;

	check = http_request_header(ctx->req, "if-match", &v);
	if (check && !api_if_match(ctx, &want))
		return (KORE_RESULT_OK);

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!mt_expire(&db) || !db_begin(&db, "mentoring.match_delete") ||
	    (r = mt_match_lock(&db, ctx->params[0], &m)) == -1)
		return (db_fail(&db));
	if (r == 0) {
		db_close(&db);
		return (api_error(ctx, 404, "not_found", "No such match"));
	}
	if (check && m.version != want) {
		db_close(&db);
		return (api_error(ctx, 412, "precondition_failed",
		    "The match has changed since you read it: read it again"));
	}
	if (strcmp(m.status, "proposed") != 0) {
		db_close(&db);
		return (api_error_fields(ctx, 409, "conflict",
		    "Only a proposed match can be deleted; end it instead",
		    json_pack("{s:s}", "status", m.status)));
	}

	mt_id(mid, m.id);
	params[0] = mid;
	if (!db_exec(&db, "DELETE FROM matches WHERE id = $1", 1, params) ||
	    !db_commit(&db))
		return (db_fail(&db));
	db_close(&db);

	return (api_no_content(ctx));
}

/*
 * POST /api/calls/{id}/matches/publish: every proposal of the call goes
 * to its mentor, who has offer_days to answer; each mentor gets one
 * message for all her new offers.  Proposals of a paused mentor wait.
 */
int
matches_publish(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[2];
	char		cid[MT_ID_LEN], uid[MT_ID_LEN];
	int		found;

	mt_id(cid, ctx->params[0]);
	mt_id(uid, ctx->user.id);
	params[0] = cid;
	params[1] = uid;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!mt_expire(&db) || !db_begin(&db, "mentoring.publish") ||
	    !lock_call(&db, ctx->params[0], &found))
		return (db_fail(&db));
	if (!found) {
		db_close(&db);
		return (api_error(ctx, 404, "not_found", "No such call"));
	}

	/*
	 * published_at = now(), the transaction's time, tells this batch
	 * apart in the statements that follow.
	 */
	if (!db_exec(&db, "WITH pub AS ("
	    "  UPDATE matches m SET status = 'published', "
	    "    published_at = now(), published_by = $2, "
	    "    expires_at = now() + s.offer_days * interval '1 day' "
	    "  FROM matching_settings s "
	    "  WHERE m.call_id = $1 AND s.call_id = m.call_id "
	    "  AND m.status = 'proposed' AND NOT EXISTS (SELECT 1 "
	    "    FROM mentor_profiles p WHERE p.user_id = m.mentor_id "
	    "    AND p.paused_at IS NOT NULL) "
	    "  RETURNING m.id, m.mentor_id, m.expires_at) "
	    "INSERT INTO outbox (user_id, channel, recipient, locale, event, "
	    "  subject, body, dedupe_key) "
	    "SELECT u.id, 'email', u.email, u.locale, 'match.offer', "
	    "  replace(t.subject, '{count}', g.n::text), "
	    "  replace(replace(replace(replace(t.body, '{name}', u.full_name), "
	    "    '{count}', g.n::text), '{call}', CASE u.locale WHEN 'en' "
	    "    THEN c.title_en ELSE c.title_vi END), '{expires}', "
	    "    to_char(g.expires AT TIME ZONE 'Asia/Ho_Chi_Minh', "
	    "    'HH24:MI DD/MM/YYYY')), "
	    "  format('match_offer:%s:%s', g.first, u.id) "
	    "FROM (SELECT mentor_id, count(*) AS n, min(id) AS first, "
	    "  min(expires_at) AS expires FROM pub GROUP BY mentor_id) g "
	    "JOIN users u ON u.id = g.mentor_id "
	    "JOIN calls c ON c.id = $1 "
	    "JOIN message_templates t ON t.event = 'match.offer' "
	    "  AND t.locale = u.locale "
	    "ON CONFLICT (dedupe_key) DO NOTHING", 2, params) ||
	    !db_exec(&db, "SELECT json_build_object('call_id', $1::bigint, "
	    "  'published', count(*), "
	    "  'mentors_notified', count(DISTINCT m.mentor_id), "
	    "  'held', (SELECT count(*) FROM matches h WHERE h.call_id = $1 "
	    "    AND h.status = 'proposed'), "
	    "  'items', coalesce(json_agg(api_match_staff(m) ORDER BY m.id), "
	    "    '[]')) "
	    "FROM matches m WHERE m.call_id = $1 AND m.status = 'published' "
	    "AND m.published_at = now()", 1, params))
		return (db_fail(&db));

	return (db_reply_commit(&db, 200));
}

/*
 * GET /api/calls/{id}/mentees/unmatched: the women matching serves who
 * have no active match, priority first then by rank, each with why the
 * last run left her out (if it saw her) and her last match that did not
 * go on (declined, expired, ended), if any.
 */
int
mentees_unmatched(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[1];
	char		cid[MT_ID_LEN];

	mt_id(cid, ctx->params[0]);
	params[0] = cid;
	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!mt_expire(&db) || !db_exec(&db,
	    "SELECT api_mentees_unmatched(s.call_id) "
	    "FROM matching_settings s WHERE s.call_id = $1", 1, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}

/*
 * GET /api/matches/mine: a mentor's matches from publication on, offers
 * waiting for her answer first; a mentee's accepted (and ended) ones.
 */
int
matches_mine(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[2];
	char		uid[MT_ID_LEN];

	mt_id(uid, ctx->user.id);
	params[0] = uid;
	params[1] = ctx->user.role_name;
	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!mt_expire(&db) || !db_exec(&db,
	    "SELECT json_build_object('items', coalesce(json_agg("
	    "  api_match_for(m, $1, $2) ORDER BY m.status <> 'published', "
	    "  m.status <> 'accepted', m.id DESC), '[]')) "
	    "FROM matches m "
	    "WHERE CASE $2 WHEN 'mentor' THEN m.mentor_id = $1 "
	    "  AND m.status <> 'proposed' "
	    "  ELSE m.status IN ('accepted', 'ended') AND m.application_id IN "
	    "  (SELECT a.id FROM applications a WHERE a.applicant_id = $1) "
	    "  END", 2, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}

/*
 * Lock match id for an answer or an end by the caller: 1 when locked
 * and visible (in m); 0 when a reply has been sent (404, 412).
 */
static int
lock_visible(struct db *db, struct mt_match *m)
{
	struct api_ctx	*ctx = db->ctx;
	const char	*v;
	int64_t		want;
	int		r, check;

	check = http_request_header(ctx->req, "if-match", &v);
	if (check && !api_if_match(ctx, &want)) {
		db_close(db);
		return (0);
	}
	if ((r = mt_match_lock(db, ctx->params[0], m)) == -1) {
		db_fail(db);
		return (0);
	}
	if (r == 0 || !mt_match_visible(ctx, m)) {
		db_close(db);
		api_error(ctx, 404, "not_found", "No such match");
		return (0);
	}
	if (check && m->version != want) {
		db_close(db);
		api_error(ctx, 412, "precondition_failed",
		    "The match has changed since you read it: read it again");
		return (0);
	}

	return (1);
}

static int
not_open(struct db *db, const struct mt_match *m, const char *what)
{
	db_close(db);
	if (!strcmp(m->status, "expired"))
		return (api_error_fields(db->ctx, 409, "conflict",
		    "The offer has expired: staff may propose it again",
		    json_pack("{s:s}", "status", m->status)));

	return (api_error_fields(db->ctx, 409, "conflict", what,
	    json_pack("{s:s}", "status", m->status)));
}

/* The answer of the mentor: accept or decline with a reason. */
static int
answer(struct api_ctx *ctx, int accept)
{
	struct db	db;
	struct mt_match	m;
	json_t		*body;
	const char	*params[2];
	char		mid[MT_ID_LEN], *reason;

	reason = NULL;
	if (!accept) {
		if ((body = api_body(ctx, reason_fields)) == NULL)
			return (KORE_RESULT_OK);
		reason = kore_strdup(json_string_value(json_object_get(body,
		    "reason")));
		json_decref(body);
	}

	if (!db_open(&db, ctx)) {
		kore_free(reason);
		return (KORE_RESULT_OK);
	}
	if (!mt_expire(&db) ||
	    !db_begin(&db, accept ? "mentoring.accept" : "mentoring.decline")) {
		kore_free(reason);
		return (db_fail(&db));
	}
	if (!lock_visible(&db, &m)) {
		kore_free(reason);
		return (KORE_RESULT_OK);
	}
	if (strcmp(m.status, "published") != 0) {
		kore_free(reason);
		return (not_open(&db, &m,
		    "This match is not waiting for an answer"));
	}

	mt_id(mid, m.id);
	params[0] = mid;
	params[1] = reason;
	if (accept) {
		if (!db_exec(&db, "UPDATE matches SET status = 'accepted', "
		    "responded_at = now() WHERE id = $1", 1, params) ||
		    !db_exec(&db, "SELECT mentoring_notify_accepted($1)", 1,
		    params))
			return (db_fail(&db));
	} else if (!db_exec(&db, "UPDATE matches SET status = 'declined', "
	    "responded_at = now(), decline_reason = btrim($2) WHERE id = $1",
	    2, params)) {
		kore_free(reason);
		return (db_fail(&db));
	}
	kore_free(reason);

	return (mt_match_reply(&db, m.id, 200));
}

int
matches_accept(struct api_ctx *ctx)
{
	return (answer(ctx, 1));
}

int
matches_decline(struct api_ctx *ctx)
{
	return (answer(ctx, 0));
}

/*
 * POST /api/matches/{id}/end {reason}: the mentor or the mentee ends an
 * accepted match; staff also withdraw an offer not yet answered.
 */
int
matches_end(struct api_ctx *ctx)
{
	struct db	db;
	struct mt_match	m;
	json_t		*body;
	const char	*params[3];
	char		mid[MT_ID_LEN], uid[MT_ID_LEN], *reason;
	int		ok;

	if ((body = api_body(ctx, reason_fields)) == NULL)
		return (KORE_RESULT_OK);
	reason = kore_strdup(json_string_value(json_object_get(body,
	    "reason")));
	json_decref(body);

	if (!db_open(&db, ctx)) {
		kore_free(reason);
		return (KORE_RESULT_OK);
	}
	if (!mt_expire(&db) || !db_begin(&db, "mentoring.end")) {
		kore_free(reason);
		return (db_fail(&db));
	}
	if (!lock_visible(&db, &m)) {
		kore_free(reason);
		return (KORE_RESULT_OK);
	}
	ok = !strcmp(m.status, "accepted") ||
	    (MT_STAFF(ctx) && !strcmp(m.status, "published"));
	if (!ok) {
		kore_free(reason);
		return (not_open(&db, &m, MT_STAFF(ctx) ?
		    "Only a published or accepted match can end" :
		    "Only an accepted match can end"));
	}

	mt_id(mid, m.id);
	mt_id(uid, ctx->user.id);
	params[0] = mid;
	params[1] = reason;
	params[2] = uid;
	if (!db_exec(&db, "UPDATE matches SET status = 'ended', "
	    "ended_at = now(), ended_by = $3, end_reason = btrim($2) "
	    "WHERE id = $1", 3, params)) {
		kore_free(reason);
		return (db_fail(&db));
	}
	kore_free(reason);

	return (mt_match_reply(&db, m.id, 200));
}
