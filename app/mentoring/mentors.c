/*
 * Mentors: the reference lists of mentoring, a mentor's own profile
 * (sectors, skills, languages, where and when she meets, how many
 * mentees at once, a short bio), and staff's list of mentors with their
 * load, where they pause and resume a mentor.  A paused mentor gets no
 * new match; the ones she has go on.
 */

#include "mentoring.h"

#define MT_BIO_MAX	2000
#define MT_PAUSE_MAX	500

static const struct schema_field	code_list_item = {
	"code", SCHEMA_STRING, 0, 1, MT_CODE_MAX, NULL, mt_code_check, NULL,
	NULL
};
static const struct schema_field	ward_item = {
	"ward", SCHEMA_STRING, 0, 5, 5, NULL, NULL, NULL, NULL
};

static const struct schema_field	profile_fields[] = {
	{ "sectors", SCHEMA_ARRAY, SCHEMA_REQUIRED, 1, MT_CODES_MAX, NULL,
	    NULL, NULL, &code_list_item },
	{ "skills", SCHEMA_ARRAY, SCHEMA_REQUIRED, 1, MT_CODES_MAX, NULL,
	    NULL, NULL, &code_list_item },
	{ "languages", SCHEMA_ARRAY, SCHEMA_REQUIRED, 1, MT_CODES_MAX, NULL,
	    NULL, NULL, &code_list_item },
	{ "wards", SCHEMA_ARRAY, 0, 0, MT_CODES_MAX, NULL, NULL, NULL,
	    &ward_item },
	{ "remote", SCHEMA_BOOL, 0, 0, 0, NULL, NULL, NULL, NULL },
	{ "capacity", SCHEMA_INT, SCHEMA_REQUIRED, 1, 20, NULL, NULL, NULL,
	    NULL },
	{ "availability", SCHEMA_ARRAY, SCHEMA_REQUIRED, 1, MT_CODES_MAX,
	    NULL, NULL, NULL, &code_list_item },
	{ "bio", SCHEMA_STRING, SCHEMA_MULTILINE, 0, MT_BIO_MAX, NULL, NULL,
	    NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct schema_field	pause_fields[] = {
	{ "reason", SCHEMA_STRING, SCHEMA_NULLABLE | SCHEMA_MULTILINE, 0,
	    MT_PAUSE_MAX, NULL, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

#define REFERENCE_CACHE		"public, max-age=300"

int
mentoring_reference(struct api_ctx *ctx)
{
	struct db	db;
	const char	*v;
	int		ret;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT api_mentoring_reference()", 0, NULL))
		return (db_fail(&db));

	v = db_value(&db, 0, 0);
	ret = api_reply_cached(ctx, v, strlen(v), REFERENCE_CACHE);
	db_close(&db);

	return (ret);
}

int
mentor_profile_get(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[1];
	char		uid[MT_ID_LEN];

	mt_id(uid, ctx->user.id);
	params[0] = uid;
	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT api_mentor_profile(p), p.version "
	    "FROM mentor_profiles p WHERE p.user_id = $1", 1, params))
		return (db_fail(&db));
	if (db_rows(&db) == 1)
		api_etag(ctx, db_int(&db, 0, 1));

	return (db_reply_row(&db, 200, 0));
}

/*
 * The codes of every list against their reference tables, all at once,
 * so that a form can show every problem in place.  0 when the query
 * failed (not replied).
 */
static int
profile_codes(struct db *db, const char *body, json_t *errors)
{
	static const char *const	names[] = {
		"sectors", "skills", "languages", "wards", "availability"
	};
	const char			*params[1];
	int				i;

	params[0] = body;
	if (!db_exec(db, "SELECT "
	    "  mentoring_codes_problem(mentoring_text_array(b -> 'sectors'), "
	    "    ARRAY(SELECT code FROM sectors)), "
	    "  mentoring_codes_problem(mentoring_text_array(b -> 'skills'), "
	    "    ARRAY(SELECT code FROM mentoring_skills)), "
	    "  mentoring_codes_problem(mentoring_text_array(b -> 'languages'), "
	    "    ARRAY(SELECT code FROM mentoring_languages)), "
	    "  mentoring_codes_problem(mentoring_text_array(b -> 'wards'), "
	    "    ARRAY(SELECT code FROM wards)), "
	    "  mentoring_codes_problem(mentoring_text_array("
	    "    b -> 'availability'), "
	    "    ARRAY(SELECT code FROM mentoring_times)) "
	    "FROM (SELECT $1::jsonb AS b) x", 1, params))
		return (0);

	for (i = 0; i < 5; i++) {
		if (!db_isnull(db, 0, i))
			mt_field_error(errors, names[i], db_value(db, 0, i));
	}

	return (1);
}

/*
 * PUT /api/me/mentor-profile: the whole profile.  The first save needs no
 * If-Match; later ones need the version last read.  Lowering the
 * capacity below the mentees she has is allowed: it only keeps new ones
 * away until she is below it.
 */
int
mentor_profile_put(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body, *errors, *wards;
	const char	*params[2];
	char		uid[MT_ID_LEN], *text;
	int		remote, exists;

	errors = json_object();
	if ((body = api_body_collect(ctx, profile_fields, errors)) == NULL) {
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	wards = json_object_get(body, "wards");
	remote = json_is_true(json_object_get(body, "remote"));
	if (!remote && json_object_get(errors, "wards") == NULL &&
	    json_array_size(wards) == 0)
		mt_field_error(errors, "wards",
		    "name at least one ward, or meet remotely");

	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	mt_id(uid, ctx->user.id);
	params[0] = uid;
	params[1] = text;

	if (!db_open(&db, ctx)) {
		free(text);
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	if (!profile_codes(&db, text, errors)) {
		free(text);
		json_decref(errors);
		return (db_fail(&db));
	}
	if (json_object_size(errors) > 0) {
		free(text);
		db_close(&db);
		return (api_fields_reply(ctx, errors));
	}
	json_decref(errors);

	if (!db_begin(&db, "mentoring.profile") ||
	    !db_exec(&db, "SELECT version FROM mentor_profiles "
	    "WHERE user_id = $1 FOR UPDATE", 1, params)) {
		free(text);
		return (db_fail(&db));
	}
	exists = db_rows(&db) == 1;
	if (!mt_version_check(ctx, exists, exists ? db_int(&db, 0, 0) : 0)) {
		free(text);
		db_close(&db);
		return (KORE_RESULT_OK);
	}

	if (!db_exec(&db, "INSERT INTO mentor_profiles AS p (user_id, "
	    "  sectors, skills, languages, wards, remote, capacity, "
	    "  availability, bio) "
	    "SELECT $1, mentoring_text_array(b -> 'sectors'), "
	    "  mentoring_text_array(b -> 'skills'), "
	    "  mentoring_text_array(b -> 'languages'), "
	    "  mentoring_text_array(b -> 'wards'), "
	    "  coalesce((b ->> 'remote')::boolean, false), "
	    "  (b ->> 'capacity')::int, "
	    "  mentoring_text_array(b -> 'availability'), "
	    "  coalesce(b ->> 'bio', '') "
	    "FROM (SELECT $2::jsonb AS b) x "
	    "ON CONFLICT (user_id) DO UPDATE SET sectors = EXCLUDED.sectors, "
	    "  skills = EXCLUDED.skills, languages = EXCLUDED.languages, "
	    "  wards = EXCLUDED.wards, remote = EXCLUDED.remote, "
	    "  capacity = EXCLUDED.capacity, "
	    "  availability = EXCLUDED.availability, bio = EXCLUDED.bio "
	    "RETURNING api_mentor_profile(p), p.version", 2, params)) {
		free(text);
		return (db_fail(&db));
	}
	free(text);
	api_etag(ctx, db_int(&db, 0, 1));

	return (db_reply_commit(&db, exists ? 200 : 201));
}

/*
 * GET /api/mentors: every mentor account, with her profile (null until
 * she writes one) and her load: active matches by status, places free.
 */
int
mentors_list(struct api_ctx *ctx)
{
	struct db	db;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT json_build_object('items', "
	    "  coalesce(json_agg(json_build_object("
	    "    'id', u.id, 'full_name', u.full_name, 'email', u.email, "
	    "    'disabled', u.disabled_at IS NOT NULL, "
	    "    'profile', api_mentor_profile(p), "
	    "    'load', json_build_object("
	    "      'proposed', l.proposed, 'published', l.published, "
	    "      'accepted', l.accepted, "
	    "      'active', l.proposed + l.published + l.accepted, "
	    "      'capacity', p.capacity, "
	    "      'free', greatest(coalesce(p.capacity, 0) "
	    "        - l.proposed - l.published - l.accepted, 0), "
	    "      'declined', l.declined, 'ended', l.ended)) "
	    "  ORDER BY u.full_name, u.id), '[]')) "
	    "FROM users u "
	    "LEFT JOIN mentor_profiles p ON p.user_id = u.id "
	    "CROSS JOIN LATERAL (SELECT "
	    "  count(*) FILTER (WHERE m.status = 'proposed') AS proposed, "
	    "  count(*) FILTER (WHERE m.status = 'published') AS published, "
	    "  count(*) FILTER (WHERE m.status = 'accepted') AS accepted, "
	    "  count(*) FILTER (WHERE m.status = 'declined') AS declined, "
	    "  count(*) FILTER (WHERE m.status = 'ended') AS ended "
	    "  FROM matches m WHERE m.mentor_id = u.id) l "
	    "WHERE u.role = 'mentor'", 0, NULL))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}

/*
 * Pause (pause != 0, with an optional reason) or resume mentor id.  Both
 * are idempotent: pausing a paused mentor keeps when and why she was
 * paused first.
 */
static int
mentor_pause(struct api_ctx *ctx, int pause)
{
	struct db	db;
	json_t		*body;
	const char	*params[3], *reason;
	char		mid[MT_ID_LEN], uid[MT_ID_LEN], *r;

	r = NULL;
	if (pause && ctx->req->content_length > 0) {
		if ((body = api_body(ctx, pause_fields)) == NULL)
			return (KORE_RESULT_OK);
		reason = json_string_value(json_object_get(body, "reason"));
		if (reason != NULL && mt_not_blank(reason) == NULL)
			r = kore_strdup(reason);
		json_decref(body);
	}

	mt_id(mid, ctx->params[0]);
	mt_id(uid, ctx->user.id);
	params[0] = mid;
	params[1] = uid;
	params[2] = r;

	if (!db_open(&db, ctx)) {
		kore_free(r);
		return (KORE_RESULT_OK);
	}
	if (!db_begin(&db, pause ? "mentoring.pause" : "mentoring.resume") ||
	    !db_exec(&db, "SELECT EXISTS (SELECT 1 FROM mentor_profiles p "
	    "  WHERE p.user_id = u.id) FROM users u "
	    "WHERE u.id = $1 AND u.role = 'mentor'", 1, params)) {
		kore_free(r);
		return (db_fail(&db));
	}
	if (db_rows(&db) != 1) {
		kore_free(r);
		db_close(&db);
		return (api_error(ctx, 404, "not_found", "No such mentor"));
	}
	if (db_value(&db, 0, 0)[0] != 't') {
		kore_free(r);
		db_close(&db);
		return (api_error(ctx, 409, "conflict",
		    "This mentor has no profile yet: there is nothing to "
		    "pause"));
	}

	if (pause) {
		if (!db_exec(&db, "UPDATE mentor_profiles SET "
		    "paused_at = now(), paused_by = $2, pause_reason = $3 "
		    "WHERE user_id = $1 AND paused_at IS NULL", 3, params)) {
			kore_free(r);
			return (db_fail(&db));
		}
	} else if (!db_exec(&db, "UPDATE mentor_profiles SET "
	    "paused_at = NULL, paused_by = NULL, pause_reason = NULL "
	    "WHERE user_id = $1 AND paused_at IS NOT NULL", 1, params)) {
		kore_free(r);
		return (db_fail(&db));
	}
	kore_free(r);

	if (!db_exec(&db, "SELECT api_mentor_profile(p), p.version "
	    "FROM mentor_profiles p WHERE p.user_id = $1", 1, params))
		return (db_fail(&db));
	api_etag(ctx, db_int(&db, 0, 1));

	return (db_reply_commit(&db, 200));
}

int
mentors_pause(struct api_ctx *ctx)
{
	return (mentor_pause(ctx, 1));
}

int
mentors_resume(struct api_ctx *ctx)
{
	return (mentor_pause(ctx, 0));
}
