/*
 * Mentoring sessions: either side of an accepted match logs a meeting
 * (the day, minutes, topics from the skill list, notes, next steps);
 * both sides and staff read them; staff see the hours per mentee and
 * per mentor.  One session a day per match, so that hours never count a
 * meeting twice when both sides log it.
 */

#include "mentoring.h"

#define MT_NOTES_MAX	4000
#define MT_STEPS_MAX	2000

static const struct schema_field	session_fields[] = {
	{ "held_on", SCHEMA_DATE, SCHEMA_REQUIRED, 0, 0, NULL, NULL, NULL,
	    NULL },
	{ "minutes", SCHEMA_INT, SCHEMA_REQUIRED, 1, 600, NULL, NULL, NULL,
	    NULL },
	{ "topics", SCHEMA_ARRAY, 0, 0, MT_CODES_MAX, NULL, NULL, NULL,
	    &mt_code_item },
	{ "notes", SCHEMA_STRING, SCHEMA_MULTILINE, 0, MT_NOTES_MAX, NULL,
	    NULL, NULL, NULL },
	{ "next_steps", SCHEMA_STRING, SCHEMA_MULTILINE, 0, MT_STEPS_MAX,
	    NULL, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

int
sessions_add(struct api_ctx *ctx)
{
	struct db	db;
	struct mt_match	m;
	json_t		*body, *errors;
	const char	*params[3];
	char		mid[MT_ID_LEN], uid[MT_ID_LEN], loc[64], *text;
	int		r;

	errors = json_object();
	if ((body = api_body_collect(ctx, session_fields, errors)) == NULL) {
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);

	if (!db_open(&db, ctx)) {
		free(text);
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	if (!mt_expire(&db) || !db_begin(&db, "mentoring.session") ||
	    (r = mt_match_lock(&db, ctx->params[0], &m)) == -1) {
		free(text);
		json_decref(errors);
		return (db_fail(&db));
	}
	if (r == 0 || !mt_match_visible(ctx, &m)) {
		free(text);
		json_decref(errors);
		db_close(&db);
		return (api_error(ctx, 404, "not_found", "No such match"));
	}

	/* Every problem of the form at once: the database's too. */
	mt_id(mid, m.id);
	mt_id(uid, ctx->user.id);
	params[0] = mid;
	params[1] = text;
	params[2] = uid;
	if (json_object_get(errors, "topics") == NULL &&
	    json_object_get(errors, "held_on") == NULL) {
		if (!db_exec(&db, "SELECT mentoring_codes_problem("
		    "  mentoring_text_array(b -> 'topics'), "
		    "  ARRAY(SELECT code FROM mentoring_skills)), "
		    "  (b ->> 'held_on')::date > (now() AT TIME ZONE "
		    "    'Asia/Ho_Chi_Minh')::date, "
		    "  (b ->> 'held_on')::date < (m.responded_at AT TIME ZONE "
		    "    'Asia/Ho_Chi_Minh')::date "
		    "FROM (SELECT $2::jsonb AS b) x, matches m WHERE m.id = $1",
		    2, params)) {
			free(text);
			json_decref(errors);
			return (db_fail(&db));
		}
		if (!db_isnull(&db, 0, 0))
			mt_field_error(errors, "topics", db_value(&db, 0, 0));
		if (db_value(&db, 0, 1)[0] == 't')
			mt_field_error(errors, "held_on",
			    "must not be in the future");
		else if (db_value(&db, 0, 2)[0] == 't')
			mt_field_error(errors, "held_on",
			    "must not be before the mentor accepted the match");
	}
	if (strcmp(m.status, "accepted") != 0) {
		free(text);
		json_decref(errors);
		db_close(&db);
		return (api_error_fields(ctx, 409, "conflict",
		    "Sessions are logged on an accepted match",
		    json_pack("{s:s}", "status", m.status)));
	}
	if (json_object_size(errors) > 0) {
		free(text);
		db_close(&db);
		return (api_fields_reply(ctx, errors));
	}
	json_decref(errors);

	if (!db_exec(&db, "INSERT INTO mentoring_sessions (match_id, "
	    "  held_on, minutes, topics, notes, next_steps, logged_by) "
	    "SELECT $1, (b ->> 'held_on')::date, (b ->> 'minutes')::int, "
	    "  mentoring_text_array(b -> 'topics'), "
	    "  coalesce(b ->> 'notes', ''), "
	    "  coalesce(b ->> 'next_steps', ''), $3 "
	    "FROM (SELECT $2::jsonb AS b) x "
	    "RETURNING api_mentoring_session(mentoring_sessions), id", 3,
	    params)) {
		free(text);
		return (db_fail(&db));
	}
	free(text);

	(void)snprintf(loc, sizeof(loc), "/api/matches/%lld/sessions",
	    (long long)m.id);
	api_header(ctx, "location", loc);

	return (db_reply_commit(&db, 201));
}

int
sessions_list(struct api_ctx *ctx)
{
	struct db	db;
	struct mt_match	m;
	const char	*params[1];
	char		mid[MT_ID_LEN];
	int		r;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!mt_expire(&db) ||
	    (r = mt_match_lock(&db, ctx->params[0], &m)) == -1)
		return (db_fail(&db));
	if (r == 0 || !mt_match_visible(ctx, &m)) {
		db_close(&db);
		return (api_error(ctx, 404, "not_found", "No such match"));
	}

	mt_id(mid, m.id);
	params[0] = mid;
	if (!db_exec(&db, "SELECT json_build_object('match_id', $1::bigint, "
	    "  'sessions', count(s.id), "
	    "  'minutes', coalesce(sum(s.minutes), 0), "
	    "  'items', coalesce(json_agg(api_mentoring_session(s) "
	    "    ORDER BY s.held_on DESC, s.id DESC) FILTER (WHERE s.id "
	    "    IS NOT NULL), '[]')) "
	    "FROM (SELECT $1::bigint AS id) x "
	    "LEFT JOIN mentoring_sessions s ON s.match_id = x.id", 1, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}

/*
 * GET /api/mentoring/hours[?call_id=]: minutes and sessions per mentee
 * (every accepted or ended match counts, also those with no session
 * yet) and per mentor.
 */
int
mentoring_hours(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[1];
	char		cid[MT_ID_LEN];
	int64_t		call;
	int		r;

	if ((r = api_query_int(ctx, "call_id", 1, INT64_MAX, 0, &call)) ==
	    -1)
		return (KORE_RESULT_OK);
	mt_id(cid, call);
	params[0] = r == 1 ? cid : NULL;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (r == 1) {
		if (!db_exec(&db, "SELECT 1 FROM calls WHERE id = $1", 1,
		    params))
			return (db_fail(&db));
		if (db_rows(&db) != 1) {
			db_close(&db);
			return (api_error(ctx, 404, "not_found",
			    "No such call"));
		}
	}
	if (!db_exec(&db, "SELECT api_mentoring_hours($1)", 1, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}
