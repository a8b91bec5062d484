/*
 * Funding calls.  Staff create a call as a draft, edit it, and move it
 * along draft → open → closed → reviewing → decided → archived; the
 * allowed moves are rows of call_transitions, not code.  Everyone sees
 * open and later calls; drafts are staff's alone (404 to anyone else).
 * Once a call is open its rubric and priority policy are frozen: the
 * applications submitted to it were written against them.  Every rule
 * here is also a constraint or trigger in migrations/0002_intake.sql.
 *
 * Bodies have the shape of the replies (api_call() in SQL), so a form
 * can send back what it read; a PATCH merges objects (title, description,
 * priority_policy) field by field and replaces arrays (stages, wards,
 * rubric) whole.
 *
 * A call also carries its scoring settings: when reviews are due, the
 * spread of scores that flags a disagreement, whether the ranking
 * normalises each reviewer's scores, and per criterion the anchors that
 * say what a score means (frozen with the rubric).  Moving a call to
 * reviewing moves its eligible applications to in_review.
 */

#include "sen.h"
#include "lib/priority.h"

#define CALL_MONEY_MAX		10000000000000LL	/* 10^13 VND */
#define CALL_TITLE_MAX		200
#define CALL_TEXT_MAX		20000
#define CALL_WARDS_MAX		18
#define CALL_ANCHOR_MAX		500	/* characters of an anchor */
#define CALL_ANCHORS_MAX	101	/* scores 0..100 */

static const char *const	stage_names[] = {
	"idea", "startup", "new_business", NULL
};
static const char *const	combine_names[] = { "sum", "max", NULL };
static const char *const	status_names[] = {
	"draft", "open", "closed", "reviewing", "decided", "archived", NULL
};

static const char	*not_blank(const char *);
static const char	*ward_code(const char *);

/* Text in both languages; blank text is refused also where optional. */
#define PAIR(name, flags, max)						\
	{ name, SCHEMA_STRING, (flags), 1, (max), NULL, not_blank,	\
	    NULL, NULL }

static const struct schema_field title_req[] = {
	PAIR("vi", SCHEMA_REQUIRED, CALL_TITLE_MAX),
	PAIR("en", SCHEMA_REQUIRED, CALL_TITLE_MAX),
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};
static const struct schema_field title_opt[] = {
	PAIR("vi", 0, CALL_TITLE_MAX),
	PAIR("en", 0, CALL_TITLE_MAX),
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};
static const struct schema_field text_req[] = {
	PAIR("vi", SCHEMA_REQUIRED | SCHEMA_MULTILINE, CALL_TEXT_MAX),
	PAIR("en", SCHEMA_REQUIRED | SCHEMA_MULTILINE, CALL_TEXT_MAX),
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};
static const struct schema_field text_opt[] = {
	PAIR("vi", SCHEMA_MULTILINE, CALL_TEXT_MAX),
	PAIR("en", SCHEMA_MULTILINE, CALL_TEXT_MAX),
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct schema_field anchor_text[] = {
	PAIR("vi", SCHEMA_REQUIRED, CALL_ANCHOR_MAX),
	PAIR("en", SCHEMA_REQUIRED, CALL_ANCHOR_MAX),
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};
static const struct schema_field anchor_fields[] = {
	{ "score", SCHEMA_INT, SCHEMA_REQUIRED, 0, 100, NULL, NULL, NULL,
	    NULL },
	{ "text", SCHEMA_OBJECT, SCHEMA_REQUIRED, 0, 0, NULL, NULL,
	    anchor_text, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};
static const struct schema_field anchor = {
	"anchor", SCHEMA_OBJECT, 0, 0, 0, NULL, NULL, anchor_fields, NULL
};

static const struct schema_field criterion_fields[] = {
	{ "key", SCHEMA_STRING, SCHEMA_REQUIRED, 1, 40, NULL,
	    priority_rubric_key_check, NULL, NULL },
	{ "label", SCHEMA_OBJECT, SCHEMA_REQUIRED, 0, 0, NULL, NULL,
	    title_req, NULL },
	{ "max_score", SCHEMA_INT, SCHEMA_REQUIRED, 1, 100, NULL, NULL,
	    NULL, NULL },
	{ "weight", SCHEMA_INT, SCHEMA_REQUIRED, 1, 100, NULL, NULL,
	    NULL, NULL },
	{ "anchors", SCHEMA_ARRAY, 0, 0, CALL_ANCHORS_MAX, NULL, NULL,
	    NULL, &anchor },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};
static const struct schema_field criterion = {
	"criterion", SCHEMA_OBJECT, 0, 0, 0, NULL, NULL, criterion_fields,
	NULL
};
static const struct schema_field stage_item = {
	"stage", SCHEMA_ENUM, 0, 0, 0, stage_names, NULL, NULL, NULL
};
static const struct schema_field ward_item = {
	"ward", SCHEMA_STRING, 0, 5, 5, NULL, ward_code, NULL, NULL
};

static const struct schema_field bonus_fields[] = {
	{ "poor", SCHEMA_INT, 0, 0, PRIORITY_POINTS_MAX, NULL, NULL, NULL,
	    NULL },
	{ "near_poor", SCHEMA_INT, 0, 0, PRIORITY_POINTS_MAX, NULL, NULL,
	    NULL, NULL },
	{ "hardship", SCHEMA_INT, 0, 0, PRIORITY_POINTS_MAX, NULL, NULL,
	    NULL, NULL },
	{ "disability", SCHEMA_INT, 0, 0, PRIORITY_POINTS_MAX, NULL, NULL,
	    NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};
static const struct schema_field policy_fields[] = {
	{ "bonus", SCHEMA_OBJECT, 0, 0, 0, NULL, NULL, bonus_fields, NULL },
	{ "combine", SCHEMA_ENUM, 0, 0, 0, combine_names, NULL, NULL, NULL },
	{ "cap", SCHEMA_INT, 0, 0, PRIORITY_POINTS_MAX, NULL, NULL, NULL,
	    NULL },
	{ "reserved_share_pct", SCHEMA_INT, 0, 0, 100, NULL, NULL, NULL,
	    NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

/* The fields of a call; REQ is SCHEMA_REQUIRED when creating. */
#define CALL_FIELDS(REQ, TITLE, TEXT)					\
	{ "title", SCHEMA_OBJECT, REQ, 0, 0, NULL, NULL, TITLE, NULL },	\
	{ "description", SCHEMA_OBJECT, REQ, 0, 0, NULL, NULL, TEXT,	\
	    NULL },							\
	{ "opens_at", SCHEMA_TIMESTAMP, REQ, 0, 0, NULL, NULL, NULL,	\
	    NULL },							\
	{ "closes_at", SCHEMA_TIMESTAMP, REQ, 0, 0, NULL, NULL, NULL,	\
	    NULL },							\
	{ "budget_vnd", SCHEMA_INT, REQ, 1, CALL_MONEY_MAX, NULL, NULL,	\
	    NULL, NULL },						\
	{ "max_award_vnd", SCHEMA_INT, REQ, 1, CALL_MONEY_MAX, NULL,	\
	    NULL, NULL, NULL },						\
	{ "stages", SCHEMA_ARRAY, REQ, 1, 3, NULL, NULL, NULL,		\
	    &stage_item },						\
	{ "wards", SCHEMA_ARRAY, 0, 1, CALL_WARDS_MAX, NULL, NULL,	\
	    NULL, &ward_item },						\
	{ "allow_outside_district", SCHEMA_BOOL, 0, 0, 0, NULL, NULL,	\
	    NULL, NULL },						\
	{ "reviewers_per_application", SCHEMA_INT, 0, 1, 10, NULL,	\
	    NULL, NULL, NULL },						\
	{ "rubric", SCHEMA_ARRAY, REQ, 1, RUBRIC_CRITERIA_MAX, NULL,	\
	    NULL, NULL, &criterion },					\
	{ "priority_policy", SCHEMA_OBJECT, 0, 0, 0, NULL, NULL,	\
	    policy_fields, NULL },					\
	{ "review_due_at", SCHEMA_TIMESTAMP, SCHEMA_NULLABLE, 0, 0,	\
	    NULL, NULL, NULL, NULL },					\
	{ "disagreement_threshold", SCHEMA_INT, 0, 0, 100, NULL, NULL,	\
	    NULL, NULL },						\
	{ "normalise_reviewers", SCHEMA_BOOL, 0, 0, 0, NULL, NULL,	\
	    NULL, NULL },						\
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }

static const struct schema_field create_fields[] = {
	CALL_FIELDS(SCHEMA_REQUIRED, title_req, text_req)
};
static const struct schema_field update_fields[] = {
	CALL_FIELDS(0, title_opt, text_opt)
};

static const struct schema_field status_fields[] = {
	{ "status", SCHEMA_ENUM, SCHEMA_REQUIRED, 0, 0, status_names, NULL,
	    NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

/* What a new call has unless the body says otherwise (the wards: all). */
static const char	call_defaults[] =
	"{\"allow_outside_district\": false,"
	" \"reviewers_per_application\": 3,"
	" \"priority_policy\": {"
	"   \"bonus\": {\"poor\": 0, \"near_poor\": 0, \"hardship\": 0,"
	"             \"disability\": 0},"
	"   \"combine\": \"sum\", \"cap\": 100, \"reserved_share_pct\": 0},"
	" \"review_due_at\": null, \"disagreement_threshold\": 20,"
	" \"normalise_reviewers\": false}";

/*
 * The columns a body sets, and their values from the complete call as
 * jsonb $b (a create body with its defaults, or a PATCH merged onto the
 * call as it was).  Times keep whole seconds, as they are shown.
 */
#define CALL_COLUMNS							\
	"title_vi, title_en, description_vi, description_en, opens_at, "\
	"closes_at, budget_vnd, max_award_vnd, stages, wards, "		\
	"allow_outside_district, reviewers_per_application, bonus_poor, "\
	"bonus_near_poor, bonus_hardship, bonus_disability, "		\
	"priority_combine, priority_cap, priority_reserved_pct, "	\
	"review_due_at, disagreement_threshold, normalise_reviewers"
#define CALL_VALUES							\
	"btrim(b #>> '{title,vi}'), btrim(b #>> '{title,en}'), "	\
	"b #>> '{description,vi}', b #>> '{description,en}', "		\
	"date_trunc('second', (b ->> 'opens_at')::timestamptz), "	\
	"date_trunc('second', (b ->> 'closes_at')::timestamptz), "	\
	"(b ->> 'budget_vnd')::bigint, (b ->> 'max_award_vnd')::bigint, "\
	"ARRAY(SELECT e FROM jsonb_array_elements_text(b -> 'stages') "	\
	"  WITH ORDINALITY AS t(e, n) ORDER BY n), "			\
	"ARRAY(SELECT e FROM jsonb_array_elements_text(b -> 'wards') "	\
	"  WITH ORDINALITY AS t(e, n) ORDER BY n), "			\
	"(b ->> 'allow_outside_district')::boolean, "			\
	"(b ->> 'reviewers_per_application')::int, "			\
	"(b #>> '{priority_policy,bonus,poor}')::int, "			\
	"(b #>> '{priority_policy,bonus,near_poor}')::int, "		\
	"(b #>> '{priority_policy,bonus,hardship}')::int, "		\
	"(b #>> '{priority_policy,bonus,disability}')::int, "		\
	"b #>> '{priority_policy,combine}', "				\
	"(b #>> '{priority_policy,cap}')::int, "			\
	"(b #>> '{priority_policy,reserved_share_pct}')::int, "		\
	"date_trunc('second', (b ->> 'review_due_at')::timestamptz), "	\
	"(b ->> 'disagreement_threshold')::int, "			\
	"(b ->> 'normalise_reviewers')::boolean"

/* The reply of every write: the call, and its version for the ETag. */
#define CALL_SELECT							\
	"SELECT api_call(c), c.version FROM calls c WHERE c.id = $1"

static const char *
not_blank(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return (NULL);
	}

	return ("must not be blank");
}

static const char *
ward_code(const char *s)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return ("must be a ward code of 5 digits");
	}

	return (i == 5 ? NULL : "must be a ward code of 5 digits");
}

static int
is_staff(struct api_ctx *ctx)
{
	return ((ctx->user.role & (ROLE_STAFF | ROLE_ADMIN)) != 0);
}

static void
field_error(json_t *errors, const char *field, const char *msg)
{
	if (json_object_get(errors, field) == NULL)
		json_object_set_new(errors, field, json_string(msg));
}

/* An array of strings that names something twice. */
static int
has_duplicates(json_t *arr)
{
	size_t		i, j;
	const char	*a, *b;

	for (i = 0; i < json_array_size(arr); i++) {
		a = json_string_value(json_array_get(arr, i));
		for (j = 0; j < i && a != NULL; j++) {
			b = json_string_value(json_array_get(arr, j));
			if (b != NULL && !strcmp(a, b))
				return (1);
		}
	}

	return (0);
}

/*
 * Anchors describe scores the criterion can give, each score once.  The
 * field table has checked their shape.
 */
static void
anchors_check(json_t *rubric, json_t *errors)
{
	json_t		*crit, *anchors, *a;
	size_t		 i, j, k;
	json_int_t	 max, score;
	char		 path[96], msg[96];

	json_array_foreach(rubric, i, crit) {
		anchors = json_object_get(crit, "anchors");
		max = json_integer_value(json_object_get(crit, "max_score"));
		json_array_foreach(anchors, j, a) {
			score = json_integer_value(json_object_get(a, "score"));
			(void)snprintf(path, sizeof(path),
			    "rubric[%zu].anchors[%zu].score", i, j);
			if (score > max) {
				(void)snprintf(msg, sizeof(msg),
				    "must be at most %lld, the criterion's "
				    "max_score", (long long)max);
				field_error(errors, path, msg);
				continue;
			}
			for (k = 0; k < j; k++) {
				if (json_integer_value(json_object_get(
				    json_array_get(anchors, k), "score")) !=
				    score)
					continue;
				field_error(errors, path,
				    "is already described by another anchor");
				break;
			}
		}
	}
}

static int
anchor_cmp(const void *pa, const void *pb)
{
	json_int_t	a, b;

	a = json_integer_value(json_object_get(*(json_t *const *)pa,
	    "score"));
	b = json_integer_value(json_object_get(*(json_t *const *)pb,
	    "score"));

	return ((a > b) - (a < b));
}

/*
 * A rubric as api_call() shows it: anchors by score, none when empty.
 * Comparing canonical rubrics, a form that sends back what it read (in
 * any order of anchors) changes nothing.  A new reference.
 */
static json_t *
rubric_canonical(json_t *rubric)
{
	json_t		*copy, *crit, *anchors, **items;
	size_t		 i, j, n;

	copy = json_deep_copy(rubric);
	json_array_foreach(copy, i, crit) {
		anchors = json_object_get(crit, "anchors");
		if (anchors == NULL)
			continue;
		if ((n = json_array_size(anchors)) == 0) {
			(void)json_object_del(crit, "anchors");
			continue;
		}
		items = kore_calloc(n, sizeof(*items));
		for (j = 0; j < n; j++)
			items[j] = json_incref(json_array_get(anchors, j));
		qsort(items, n, sizeof(*items), anchor_cmp);
		(void)json_array_clear(anchors);
		for (j = 0; j < n; j++)
			(void)json_array_append_new(anchors, items[j]);
		kore_free(items);
	}

	return (copy);
}

/*
 * The rules across fields, on a complete call (all at once, so that a
 * form can show every problem in place).  The wards and the order of the
 * times are checked by the database, in call_check_db().
 */
static void
call_check(json_t *doc, json_t *errors)
{
	json_int_t	budget, award;

	if (has_duplicates(json_object_get(doc, "stages")))
		field_error(errors, "stages", "must not list a stage twice");
	if (has_duplicates(json_object_get(doc, "wards")))
		field_error(errors, "wards", "must not list a ward twice");

	(void)priority_rubric_check(json_object_get(doc, "rubric"), "rubric",
	    errors);
	anchors_check(json_object_get(doc, "rubric"), errors);

	budget = json_integer_value(json_object_get(doc, "budget_vnd"));
	award = json_integer_value(json_object_get(doc, "max_award_vnd"));
	if (award > budget)
		field_error(errors, "max_award_vnd",
		    "must not be more than budget_vnd");
}

/*
 * The rules that need the database: every ward exists, the call opens
 * before it closes, reviews are due after it closes.  A call without
 * wards gets all of them.  0 when the query failed (db_fail() replies).
 */
static int
call_check_db(struct db *db, json_t *doc, json_t *errors)
{
	json_t		*wards, *all;
	const char	*params[4];
	char		*text, msg[160];

	wards = json_object_get(doc, "wards");
	text = wards != NULL ? json_dumps(wards, JSON_COMPACT) : NULL;
	params[0] = text != NULL ? text : "[]";
	params[1] = json_string_value(json_object_get(doc, "opens_at"));
	params[2] = json_string_value(json_object_get(doc, "closes_at"));
	params[3] = json_string_value(json_object_get(doc, "review_due_at"));

	if (!db_exec(db,
	    "SELECT (SELECT string_agg(w.code, ', ') "
	    "    FROM jsonb_array_elements_text($1::jsonb) AS w(code) "
	    "    WHERE w.code NOT IN (SELECT code FROM wards)), "
	    "  $2::timestamptz < $3::timestamptz, "
	    "  (SELECT json_agg(code ORDER BY code) FROM wards), "
	    "  $4::timestamptz IS NULL OR $4::timestamptz > $3::timestamptz",
	    4, params)) {
		free(text);
		return (0);
	}
	free(text);

	if (!db_isnull(db, 0, 0)) {
		(void)snprintf(msg, sizeof(msg), "unknown ward code: %s",
		    db_value(db, 0, 0));
		field_error(errors, "wards", msg);
	}
	if (db_value(db, 0, 1)[0] != 't')
		field_error(errors, "closes_at", "must be after opens_at");
	if (db_value(db, 0, 3)[0] != 't')
		field_error(errors, "review_due_at", "must be after closes_at");

	if (wards == NULL) {
		all = json_loads(db_value(db, 0, 2), 0, NULL);
		json_object_set_new(doc, "wards", all ? all : json_array());
	}

	return (1);
}

/* Replace the rubric of call id with the criteria of doc, and anchors. */
static int
rubric_write(struct db *db, const char *id, json_t *doc)
{
	const char	*params[2];
	char		*text;
	int		ok;

	text = json_dumps(json_object_get(doc, "rubric"), JSON_COMPACT);
	params[0] = id;
	params[1] = text;

	/* The deferred trigger checks the weights at commit. */
	ok = db_exec(db, "DELETE FROM call_criteria WHERE call_id = $1",
	    1, params) &&
	    db_exec(db,
	    "INSERT INTO call_criteria (call_id, position, key, label_vi, "
	    "  label_en, max_score, weight) "
	    "SELECT $1, t.n, t.r ->> 'key', btrim(t.r #>> '{label,vi}'), "
	    "  btrim(t.r #>> '{label,en}'), (t.r ->> 'max_score')::int, "
	    "  (t.r ->> 'weight')::int "
	    "FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(r, n)",
	    2, params) &&
	    db_exec(db,
	    "INSERT INTO criterion_anchors (criterion_id, score, text_vi, "
	    "  text_en) "
	    "SELECT k.id, (a ->> 'score')::int, btrim(a #>> '{text,vi}'), "
	    "  btrim(a #>> '{text,en}') "
	    "FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(r, n) "
	    "JOIN call_criteria k ON k.call_id = $1 AND k.position = t.n "
	    "CROSS JOIN jsonb_array_elements(coalesce(t.r -> 'anchors', "
	    "  '[]')) AS a", 2, params);
	free(text);

	return (ok);
}

/* Reply with the call just written (CALL_SELECT), its ETag, and commit. */
static int
reply_call(struct db *db, const char *id, int status)
{
	const char	*params[1];

	params[0] = id;
	if (!db_exec(db, CALL_SELECT, 1, params))
		return (db_fail(db));
	if (db_rows(db) == 1)
		api_etag(db->ctx, db_int(db, 0, 1));

	return (db_reply_commit(db, status));
}

static int
reply_invalid(struct db *db, json_t *errors)
{
	db_close(db);

	return (api_error_fields(db->ctx, 422, "validation_failed",
	    "Some fields are not valid", errors));
}

int
calls_create(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body, *doc, *errors;
	const char	*params[2];
	char		*text, actor[24], id[24];

	if ((body = api_body(ctx, create_fields)) == NULL)
		return (KORE_RESULT_OK);

	doc = json_loads(call_defaults, 0, NULL);
	(void)json_object_update_recursive(doc, body);
	json_decref(body);

	if (!db_open(&db, ctx)) {
		json_decref(doc);
		return (KORE_RESULT_OK);
	}

	errors = json_object();
	call_check(doc, errors);
	if (!call_check_db(&db, doc, errors)) {
		json_decref(doc);
		json_decref(errors);
		return (db_fail(&db));
	}
	if (json_object_size(errors) > 0) {
		json_decref(doc);
		return (reply_invalid(&db, errors));
	}
	json_decref(errors);

	text = json_dumps(doc, JSON_COMPACT);
	(void)snprintf(actor, sizeof(actor), "%lld", (long long)ctx->user.id);
	params[0] = text;
	params[1] = actor;

	if (!db_begin(&db, "calls.create") ||
	    !db_exec(&db, "INSERT INTO calls (" CALL_COLUMNS ", created_by) "
	    "SELECT " CALL_VALUES ", $2 FROM (SELECT $1::jsonb AS b) x "
	    "RETURNING id", 2, params)) {
		free(text);
		json_decref(doc);
		return (db_fail(&db));
	}
	free(text);

	(void)snprintf(id, sizeof(id), "%s", db_value(&db, 0, 0));
	if (!rubric_write(&db, id, doc)) {
		json_decref(doc);
		return (db_fail(&db));
	}
	json_decref(doc);

	return (reply_call(&db, id, 201));
}

/*
 * PATCH: the fields sent, merged onto the call as it is, must make a
 * valid call.  A rubric or policy that differs from the current one is
 * refused once the call has left draft; sending the same again is not a
 * change and is accepted, so that a form may send back all it read.
 */
int
calls_update(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body, *cur, *doc, *errors, *now, *was;
	const char	*params[2];
	char		*text, id[24];
	int64_t		want;
	int		rubric_changed, draft;

	if (!api_if_match(ctx, &want))
		return (KORE_RESULT_OK);
	if ((body = api_body(ctx, update_fields)) == NULL)
		return (KORE_RESULT_OK);

	if (!db_open(&db, ctx)) {
		json_decref(body);
		return (KORE_RESULT_OK);
	}

	(void)snprintf(id, sizeof(id), "%lld", (long long)ctx->params[0]);
	params[0] = id;
	if (!db_begin(&db, "calls.update") ||
	    !db_exec(&db, "SELECT api_call(c), c.version, c.status = 'draft' "
	    "FROM calls c WHERE c.id = $1 FOR UPDATE", 1, params)) {
		json_decref(body);
		return (db_fail(&db));
	}
	if (db_rows(&db) != 1) {
		json_decref(body);
		db_close(&db);
		return (api_error(ctx, 404, "not_found", "No such call"));
	}
	if (db_int(&db, 0, 1) != want) {
		json_decref(body);
		db_close(&db);
		return (api_error(ctx, 412, "precondition_failed",
		    "The call was changed by someone else: read it again"));
	}
	draft = db_value(&db, 0, 2)[0] == 't';
	cur = json_loads(db_value(&db, 0, 0), 0, NULL);
	doc = json_deep_copy(cur);
	(void)json_object_update_recursive(doc, body);
	json_decref(body);

	now = rubric_canonical(json_object_get(doc, "rubric"));
	was = rubric_canonical(json_object_get(cur, "rubric"));
	rubric_changed = !json_equal(now, was);
	json_decref(now);
	json_decref(was);

	errors = json_object();
	if (!draft && rubric_changed)
		field_error(errors, "rubric",
		    "is frozen once the call is open");
	if (!draft && !json_equal(json_object_get(doc, "priority_policy"),
	    json_object_get(cur, "priority_policy")))
		field_error(errors, "priority_policy",
		    "is frozen once the call is open");
	json_decref(cur);
	if (json_object_size(errors) > 0) {
		json_decref(doc);
		db_close(&db);
		return (api_error_fields(ctx, 409, "conflict",
		    "The call is open: its rubric and priority policy are "
		    "frozen", errors));
	}

	call_check(doc, errors);
	if (!call_check_db(&db, doc, errors)) {
		json_decref(doc);
		json_decref(errors);
		return (db_fail(&db));
	}
	if (json_object_size(errors) > 0) {
		json_decref(doc);
		return (reply_invalid(&db, errors));
	}
	json_decref(errors);

	text = json_dumps(doc, JSON_COMPACT);
	params[1] = text;
	if (!db_exec(&db, "UPDATE calls SET (" CALL_COLUMNS ") = "
	    "(SELECT " CALL_VALUES " FROM (SELECT $2::jsonb AS b) x) "
	    "WHERE id = $1", 2, params)) {
		free(text);
		json_decref(doc);
		return (db_fail(&db));
	}
	free(text);

	if (rubric_changed && !rubric_write(&db, id, doc)) {
		json_decref(doc);
		return (db_fail(&db));
	}
	json_decref(doc);

	return (reply_call(&db, id, 200));
}

/*
 * POST /api/calls/{id}/status {"status": "..."}.  If-Match is optional
 * here (a move is checked against the current status anyway); when sent,
 * a stale version is refused.
 */
int
calls_status(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body, *errors;
	const char	*params[2], *v;
	char		id[24], to[16], from[16], msg[96];
	int64_t		want;
	int		check_version;

	check_version = http_request_header(ctx->req, "if-match", &v);
	if (check_version && !api_if_match(ctx, &want))
		return (KORE_RESULT_OK);
	if ((body = api_body(ctx, status_fields)) == NULL)
		return (KORE_RESULT_OK);
	(void)snprintf(to, sizeof(to), "%s",
	    json_string_value(json_object_get(body, "status")));
	json_decref(body);

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);

	(void)snprintf(id, sizeof(id), "%lld", (long long)ctx->params[0]);
	params[0] = id;
	params[1] = to;
	if (!db_begin(&db, "calls.status") ||
	    !db_exec(&db, "SELECT c.status, c.version, "
	    "  EXISTS (SELECT 1 FROM call_transitions t "
	    "    WHERE t.from_status = c.status AND t.to_status = $2), "
	    "  (SELECT coalesce(sum(k.weight), 0) FROM call_criteria k "
	    "    WHERE k.call_id = c.id) = 100, "
	    "  c.closes_at > now() "
	    "FROM calls c WHERE c.id = $1 FOR UPDATE", 2, params))
		return (db_fail(&db));

	if (db_rows(&db) != 1) {
		db_close(&db);
		return (api_error(ctx, 404, "not_found", "No such call"));
	}
	if (check_version && db_int(&db, 0, 1) != want) {
		db_close(&db);
		return (api_error(ctx, 412, "precondition_failed",
		    "The call was changed by someone else: read it again"));
	}

	(void)snprintf(from, sizeof(from), "%s", db_value(&db, 0, 0));
	if (db_value(&db, 0, 2)[0] != 't') {
		db_close(&db);
		(void)snprintf(msg, sizeof(msg),
		    "a call cannot go from %s to %s", from, to);
		return (api_error_fields(ctx, 409, "conflict",
		    "This change of status is not allowed",
		    json_pack("{s:s}", "status", msg)));
	}

	if (!strcmp(to, "open")) {
		errors = json_object();
		if (db_value(&db, 0, 3)[0] != 't')
			field_error(errors, "rubric",
			    "needs criteria whose weights sum to 100");
		if (db_value(&db, 0, 4)[0] != 't')
			field_error(errors, "closes_at",
			    "must be in the future to open the call");
		if (json_object_size(errors) > 0) {
			db_close(&db);
			return (api_error_fields(ctx, 409, "conflict",
			    "The call is not ready to open", errors));
		}
		json_decref(errors);
	}

	if (!db_exec(&db, "UPDATE calls SET status = $2 WHERE id = $1",
	    2, params))
		return (db_fail(&db));

	/* Review starts for every eligible application, in the same move. */
	if (!strcmp(to, "reviewing") &&
	    (!db_set(&db, "sen.reason", "review started") ||
	    !db_exec(&db, "UPDATE applications SET status = 'in_review' "
	    "WHERE call_id = $1 AND status = 'eligible'", 1, params)))
		return (db_fail(&db));

	return (reply_call(&db, id, 200));
}

int
calls_get(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[2];
	char		id[24];

	(void)snprintf(id, sizeof(id), "%lld", (long long)ctx->params[0]);
	params[0] = id;
	params[1] = is_staff(ctx) ? "t" : "f";

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);

	/* A draft does not exist for anyone but staff. */
	if (!db_exec(&db, "SELECT api_call(c), c.version FROM calls c "
	    "WHERE c.id = $1 AND ($2::boolean OR c.status <> 'draft')",
	    2, params))
		return (db_fail(&db));
	if (db_rows(&db) == 1)
		api_etag(ctx, db_int(&db, 0, 1));

	return (db_reply_row(&db, 200, 0));
}

/*
 * GET /api/calls[?status=]: newest first (latest opening first).  Calls
 * are few (a handful a year), so the list comes whole.
 */
int
calls_list(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[2];
	char		status[16];
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
			    "must be one of: draft, open, closed, reviewing, "
			    "decided, archived")));
	}
	params[0] = is_staff(ctx) ? "t" : "f";
	params[1] = r == 1 ? status : NULL;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);

	if (!db_exec(&db,
	    "SELECT json_build_object('items', coalesce(json_agg(api_call(c) "
	    "  ORDER BY c.opens_at DESC, c.id DESC), '[]')) "
	    "FROM calls c "
	    "WHERE ($1::boolean OR c.status <> 'draft') "
	    "  AND ($2::text IS NULL OR c.status = $2)", 2, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}
