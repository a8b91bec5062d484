/*
 * The matching settings of a call: the weights of the five parts of the
 * compatibility (summing to 100), the minimum a proposed pair must
 * reach, whether waitlisted applicants are matched, and how many days a
 * mentor has to answer an offer.  Every call has them (the migration
 * gives each call its defaults); staff change them.
 */

#include "mentoring.h"

static const struct schema_field	weight_fields[] = {
	{ "sector", SCHEMA_INT, SCHEMA_REQUIRED, 0, COMPAT_WEIGHT_MAX, NULL,
	    NULL, NULL, NULL },
	{ "skills", SCHEMA_INT, SCHEMA_REQUIRED, 0, COMPAT_WEIGHT_MAX, NULL,
	    NULL, NULL, NULL },
	{ "place", SCHEMA_INT, SCHEMA_REQUIRED, 0, COMPAT_WEIGHT_MAX, NULL,
	    NULL, NULL, NULL },
	{ "language", SCHEMA_INT, SCHEMA_REQUIRED, 0, COMPAT_WEIGHT_MAX, NULL,
	    NULL, NULL, NULL },
	{ "availability", SCHEMA_INT, SCHEMA_REQUIRED, 0, COMPAT_WEIGHT_MAX,
	    NULL, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct schema_field	settings_fields[] = {
	{ "weights", SCHEMA_OBJECT, SCHEMA_REQUIRED, 0, 0, NULL, NULL,
	    weight_fields, NULL },
	{ "min_score", SCHEMA_INT, SCHEMA_REQUIRED, 0, COMPAT_SCORE_MAX, NULL,
	    NULL, NULL, NULL },
	{ "include_waitlisted", SCHEMA_BOOL, SCHEMA_REQUIRED, 0, 0, NULL,
	    NULL, NULL, NULL },
	{ "offer_days", SCHEMA_INT, SCHEMA_REQUIRED, 1, 60, NULL, NULL, NULL,
	    NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

int
matching_settings_get(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[1];
	char		cid[MT_ID_LEN];

	mt_id(cid, ctx->params[0]);
	params[0] = cid;
	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT api_matching_settings(s), s.version "
	    "FROM matching_settings s WHERE s.call_id = $1", 1, params))
		return (db_fail(&db));
	if (db_rows(&db) == 1)
		api_etag(ctx, db_int(&db, 0, 1));

	return (db_reply_row(&db, 200, 0));
}

int
matching_settings_put(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body, *errors, *w;
	const char	*params[3];
	char		cid[MT_ID_LEN], uid[MT_ID_LEN], *text;
	int64_t		want;
	int		i;
	struct compat_weights	cw;

	if (!api_if_match(ctx, &want))
		return (KORE_RESULT_OK);
	errors = json_object();
	if ((body = api_body_collect(ctx, settings_fields, errors)) == NULL) {
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	w = json_object_get(body, "weights");
	if (json_object_get(errors, "weights") == NULL) {
		for (i = 0; i < COMPAT_PARTS; i++)
			cw.w[i] = (int)json_integer_value(json_object_get(w,
			    compat_part_name(i)));
		if (!compat_weights_check(&cw))
			mt_field_error(errors, "weights", "must sum to 100");
	}
	if (json_object_size(errors) > 0) {
		json_decref(body);
		return (api_fields_reply(ctx, errors));
	}
	json_decref(errors);

	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	mt_id(cid, ctx->params[0]);
	mt_id(uid, ctx->user.id);
	params[0] = cid;
	params[1] = text;
	params[2] = uid;

	if (!db_open(&db, ctx)) {
		free(text);
		return (KORE_RESULT_OK);
	}
	if (!db_begin(&db, "mentoring.settings") ||
	    !db_exec(&db, "SELECT version FROM matching_settings "
	    "WHERE call_id = $1 FOR UPDATE", 1, params)) {
		free(text);
		return (db_fail(&db));
	}
	if (db_rows(&db) != 1) {
		free(text);
		db_close(&db);
		return (api_error(ctx, 404, "not_found", "No such call"));
	}
	if (db_int(&db, 0, 0) != want) {
		free(text);
		db_close(&db);
		return (api_error(ctx, 412, "precondition_failed",
		    "The settings were changed by someone else: read them "
		    "again"));
	}

	if (!db_exec(&db, "UPDATE matching_settings s SET "
	    "  weight_sector = (b #>> '{weights,sector}')::int, "
	    "  weight_skills = (b #>> '{weights,skills}')::int, "
	    "  weight_place = (b #>> '{weights,place}')::int, "
	    "  weight_language = (b #>> '{weights,language}')::int, "
	    "  weight_availability = (b #>> '{weights,availability}')::int, "
	    "  min_score = (b ->> 'min_score')::int, "
	    "  include_waitlisted = (b ->> 'include_waitlisted')::boolean, "
	    "  offer_days = (b ->> 'offer_days')::int, updated_by = $3 "
	    "FROM (SELECT $2::jsonb AS b) x WHERE s.call_id = $1 "
	    "RETURNING api_matching_settings(s), s.version", 3, params)) {
		free(text);
		return (db_fail(&db));
	}
	free(text);
	api_etag(ctx, db_int(&db, 0, 1));

	return (db_reply_commit(&db, 200));
}
