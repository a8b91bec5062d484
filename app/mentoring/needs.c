/*
 * What a woman asks of mentoring, per application: the support areas
 * (the same list as mentors' skills), the language, when she can meet,
 * and a note in her words.  She edits her own; staff may edit any (on
 * the phone with her, say).  Her sector, stage and ward come from the
 * application itself.
 */

#include "mentoring.h"

#define MT_NOTE_MAX	1000

static const struct schema_field	needs_fields[] = {
	{ "areas", SCHEMA_ARRAY, SCHEMA_REQUIRED, 0, MT_CODES_MAX, NULL,
	    NULL, NULL, &mt_code_item },
	{ "language", SCHEMA_STRING, SCHEMA_REQUIRED, 2, 3, NULL,
	    mt_code_check, NULL, NULL },
	{ "availability", SCHEMA_ARRAY, 0, 0, MT_CODES_MAX, NULL, NULL,
	    NULL, &mt_code_item },
	{ "note", SCHEMA_STRING, SCHEMA_MULTILINE, 0, MT_NOTE_MAX, NULL,
	    NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

/*
 * Whether the caller may see application id: staff always, an applicant
 * her own.  1 yes; 0 no (404 sent); -1 the query failed (not replied).
 * status gets the application's status.
 */
static int
needs_access(struct db *db, int lock, char *status, size_t len)
{
	struct api_ctx	*ctx = db->ctx;
	const char	*params[2];
	char		aid[MT_ID_LEN], uid[MT_ID_LEN];

	mt_id(aid, ctx->params[0]);
	mt_id(uid, ctx->user.id);
	params[0] = aid;
	params[1] = MT_STAFF(ctx) ? NULL : uid;
	if (!db_exec(db, lock ? "SELECT status FROM applications "
	    "WHERE id = $1 AND ($2::bigint IS NULL OR applicant_id = $2) "
	    "FOR UPDATE" : "SELECT status FROM applications "
	    "WHERE id = $1 AND ($2::bigint IS NULL OR applicant_id = $2)",
	    2, params))
		return (-1);
	if (db_rows(db) != 1) {
		db_close(db);
		api_error(ctx, 404, "not_found", "No such application");
		return (0);
	}
	(void)snprintf(status, len, "%s", db_value(db, 0, 0));

	return (1);
}

static int
needs_reply(struct db *db, int status)
{
	const char	*params[1];
	char		aid[MT_ID_LEN];

	mt_id(aid, db->ctx->params[0]);
	params[0] = aid;
	if (!db_exec(db, "SELECT api_mentoring_needs($1), "
	    "(SELECT version FROM mentoring_needs WHERE application_id = $1)",
	    1, params))
		return (db_fail(db));
	if (!db_isnull(db, 0, 1))
		api_etag(db->ctx, db_int(db, 0, 1));

	if (db->in_tx)
		return (db_reply_commit(db, status));

	return (db_reply_row(db, status, 0));
}

int
needs_get(struct api_ctx *ctx)
{
	struct db	db;
	char		status[16];
	int		r;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if ((r = needs_access(&db, 0, status, sizeof(status))) == -1)
		return (db_fail(&db));
	if (r == 0)
		return (KORE_RESULT_OK);

	return (needs_reply(&db, 200));
}

int
needs_put(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body, *errors;
	const char	*params[3];
	char		aid[MT_ID_LEN], uid[MT_ID_LEN], status[16], *text;
	int		r, exists;

	errors = json_object();
	if ((body = api_body_collect(ctx, needs_fields, errors)) == NULL) {
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	mt_id(aid, ctx->params[0]);
	mt_id(uid, ctx->user.id);
	params[0] = aid;
	params[1] = text;
	params[2] = uid;

	if (!db_open(&db, ctx)) {
		free(text);
		json_decref(errors);
		return (KORE_RESULT_OK);
	}

	/* Who she is comes first: another's application is 404 whatever. */
	if (!db_begin(&db, "mentoring.needs") ||
	    (r = needs_access(&db, 1, status, sizeof(status))) == -1) {
		free(text);
		json_decref(errors);
		return (db_fail(&db));
	}
	if (r == 0) {
		free(text);
		json_decref(errors);
		return (KORE_RESULT_OK);
	}

	if (!db_exec(&db, "SELECT "
	    "  mentoring_codes_problem(mentoring_text_array(b -> 'areas'), "
	    "    ARRAY(SELECT code FROM mentoring_skills)), "
	    "  mentoring_codes_problem(ARRAY[b ->> 'language'], "
	    "    ARRAY(SELECT code FROM mentoring_languages)), "
	    "  mentoring_codes_problem(mentoring_text_array("
	    "    b -> 'availability'), "
	    "    ARRAY(SELECT code FROM mentoring_times)), "
	    "  (SELECT version FROM mentoring_needs WHERE application_id = $1) "
	    "FROM (SELECT $2::jsonb AS b) x", 2, params)) {
		free(text);
		json_decref(errors);
		return (db_fail(&db));
	}
	if (!db_isnull(&db, 0, 0))
		mt_field_error(errors, "areas", db_value(&db, 0, 0));
	if (!db_isnull(&db, 0, 1))
		mt_field_error(errors, "language",
		    "must be a language code from /api/mentoring/reference");
	if (!db_isnull(&db, 0, 2))
		mt_field_error(errors, "availability", db_value(&db, 0, 2));
	if (json_object_size(errors) > 0) {
		free(text);
		db_close(&db);
		return (api_fields_reply(ctx, errors));
	}
	json_decref(errors);

	exists = !db_isnull(&db, 0, 3);
	if (!mt_version_check(ctx, exists, exists ? db_int(&db, 0, 3) : 0)) {
		free(text);
		db_close(&db);
		return (KORE_RESULT_OK);
	}

	/* Nothing to mentor once the application is out of the running. */
	if (!strcmp(status, "withdrawn") || !strcmp(status, "ineligible") ||
	    !strcmp(status, "rejected") || !strcmp(status, "completed") ||
	    !strcmp(status, "closed")) {
		free(text);
		db_close(&db);
		return (api_error_fields(ctx, 409, "conflict",
		    "This application is no longer in the programme",
		    json_pack("{s:s}", "status", status)));
	}

	if (!db_exec(&db, "INSERT INTO mentoring_needs AS n (application_id, "
	    "  areas, language, availability, note, updated_by) "
	    "SELECT $1, mentoring_text_array(b -> 'areas'), b ->> 'language', "
	    "  mentoring_text_array(b -> 'availability'), "
	    "  coalesce(b ->> 'note', ''), $3 "
	    "FROM (SELECT $2::jsonb AS b) x "
	    "ON CONFLICT (application_id) DO UPDATE SET "
	    "  areas = EXCLUDED.areas, "
	    "  language = EXCLUDED.language, "
	    "  availability = EXCLUDED.availability, note = EXCLUDED.note, "
	    "  updated_by = EXCLUDED.updated_by", 3, params)) {
		free(text);
		return (db_fail(&db));
	}
	free(text);

	return (needs_reply(&db, exists ? 200 : 201));
}
