/*
 * Capacity building ("nâng cao năng lực"): training sessions and
 * workshops.  Staff publish a session (it is public at once), edit it or
 * cancel it (everyone registered or waiting is told); anyone may list
 * them, and a woman who is logged in sees her own registration in each.
 * Registrations, the waiting list and attendance: registrations.c.
 */

#include "sen.h"
#include "followup.h"

#define TITLE_MAX	200
#define TEXT_MAX	5000
#define PLACE_MAX	300
#define URL_MAX		500
#define SEATS_MAX	1000
#define LIST_MAX	200

static const char *const	whens[] = { "upcoming", "past", "all", NULL };
static const char *const	statuses[] = { "scheduled", "cancelled", NULL };

/* http(s)://, then no blanks or control characters. */
static const char *
url_check(const char *s)
{
	const char	*p;

	if (strncmp(s, "https://", 8) != 0 && strncmp(s, "http://", 7) != 0)
		return ("must be a link starting with https:// or http://");
	for (p = s; *p != '\0'; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return ("must not contain spaces");
	}
	if (strlen(s) < 10)
		return ("must be a whole link");

	return (NULL);
}

#define PAIR(name, flags, min, max, check)				\
	{ name, SCHEMA_STRING, (flags), (min), (max), NULL, (check),	\
	    NULL, NULL }

static const struct schema_field title_req[] = {
	PAIR("vi", SCHEMA_REQUIRED, 1, TITLE_MAX, fu_not_blank),
	PAIR("en", SCHEMA_REQUIRED, 1, TITLE_MAX, fu_not_blank),
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};
static const struct schema_field title_opt[] = {
	PAIR("vi", 0, 1, TITLE_MAX, fu_not_blank),
	PAIR("en", 0, 1, TITLE_MAX, fu_not_blank),
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};
static const struct schema_field text_opt[] = {
	PAIR("vi", SCHEMA_MULTILINE, 0, TEXT_MAX, NULL),
	PAIR("en", SCHEMA_MULTILINE, 0, TEXT_MAX, NULL),
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

/* The fields of a session; REQ is SCHEMA_REQUIRED when creating. */
#define TRAINING_FIELDS(REQ, TITLE)					\
	{ "topic", SCHEMA_STRING, REQ, 1, 40, NULL, NULL, NULL, NULL },	\
	{ "title", SCHEMA_OBJECT, REQ, 0, 0, NULL, NULL, TITLE, NULL },	\
	{ "description", SCHEMA_OBJECT, 0, 0, 0, NULL, NULL, text_opt,	\
	    NULL },							\
	{ "starts_at", SCHEMA_TIMESTAMP, REQ, 0, 0, NULL, NULL, NULL,	\
	    NULL },							\
	{ "ends_at", SCHEMA_TIMESTAMP, REQ, 0, 0, NULL, NULL, NULL,	\
	    NULL },							\
	{ "place", SCHEMA_STRING, SCHEMA_NULLABLE, 1, PLACE_MAX, NULL,	\
	    fu_not_blank, NULL, NULL },					\
	{ "online_url", SCHEMA_STRING, SCHEMA_NULLABLE, 1, URL_MAX,	\
	    NULL, url_check, NULL, NULL },				\
	{ "seats", SCHEMA_INT, REQ, 1, SEATS_MAX, NULL, NULL, NULL,	\
	    NULL }

static const struct schema_field create_fields[] = {
	TRAINING_FIELDS(SCHEMA_REQUIRED, title_req),
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct schema_field update_fields[] = {
	TRAINING_FIELDS(0, title_opt),
	{ "status", SCHEMA_ENUM, 0, 0, 0, statuses, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

/*
 * A session as it will be: the body's fields over the session $2 (none
 * when creating).  Used to check it and to write it, so that both see
 * the same values.
 */
#define MERGED								\
	"SELECT coalesce(b ->> 'topic', t.topic) AS topic, "		\
	"  coalesce(btrim(b #>> '{title,vi}'), t.title_vi) AS title_vi, "\
	"  coalesce(btrim(b #>> '{title,en}'), t.title_en) AS title_en, "\
	"  coalesce(b #>> '{description,vi}', t.description_vi, '') "	\
	"    AS description_vi, "					\
	"  coalesce(b #>> '{description,en}', t.description_en, '') "	\
	"    AS description_en, "					\
	"  coalesce(date_trunc('second', (b ->> 'starts_at')::timestamptz),"\
	"    t.starts_at) AS starts_at, "				\
	"  coalesce(date_trunc('second', (b ->> 'ends_at')::timestamptz),"\
	"    t.ends_at) AS ends_at, "					\
	"  CASE WHEN b ? 'place' THEN nullif(btrim(b ->> 'place'), '') "\
	"    ELSE t.place END AS place, "				\
	"  CASE WHEN b ? 'online_url' THEN b ->> 'online_url' "	\
	"    ELSE t.online_url END AS online_url, "			\
	"  coalesce((b ->> 'seats')::int, t.seats) AS seats, "		\
	"  coalesce(b ->> 'status', t.status, 'scheduled') AS status, "	\
	"  b "								\
	"FROM (SELECT $1::jsonb AS b) x "				\
	"LEFT JOIN trainings t ON t.id = $2::bigint"

static void
field_error(json_t *errors, const char *field, const char *msg)
{
	if (json_object_get(errors, field) == NULL)
		json_object_set_new(errors, field, json_string(msg));
}

/*
 * The rules of a session that need the database, on the body without
 * the fields the schema refused: a topic from the list, an end after
 * the start, a new start in the future, somewhere to go.  How many
 * women are registered comes back in *registered, the seats it will
 * have in *seats.  0 when the query failed.
 */
static int
check_db(struct db *db, json_t *body, json_t *errors, int64_t id,
    int64_t *registered, int64_t *seats)
{
	json_t		*clean;
	const char	*params[2], *key;
	char		*text, tid[24];
	json_t		*v;
	void		*tmp;

	clean = json_deep_copy(body);
	json_object_foreach_safe(clean, tmp, key, v) {
		if (json_object_get(errors, key) != NULL)
			(void)json_object_del(clean, key);
	}
	text = json_dumps(clean, JSON_COMPACT);
	json_decref(clean);
	fu_id(tid, sizeof(tid), id);
	params[0] = text;
	params[1] = id ? tid : NULL;

	if (!db_exec(db, "WITH m AS (" MERGED ") "
	    "SELECT EXISTS (SELECT 1 FROM followup_support_areas "
	    "    WHERE code = m.topic) OR m.topic IS NULL, "
	    "  m.ends_at > m.starts_at, "
	    "  NOT (m.b ? 'starts_at') OR m.starts_at > now(), "
	    "  m.place IS NOT NULL OR m.online_url IS NOT NULL, "
	    "  (SELECT count(*) FROM training_registrations "
	    "    WHERE training_id = $2::bigint AND status = 'registered'), "
	    "  coalesce(m.seats, 0) FROM m", 2, params)) {
		free(text);
		return (0);
	}
	free(text);

	if (db_value(db, 0, 0)[0] == 'f')
		field_error(errors, "topic",
		    "must be a support area from /api/support-areas");
	if (db_value(db, 0, 1)[0] == 'f')
		field_error(errors, "ends_at", "must be after starts_at");
	if (db_value(db, 0, 2)[0] == 'f')
		field_error(errors, "starts_at", "must be in the future");
	if (db_value(db, 0, 3)[0] == 'f' &&
	    json_object_get(errors, "place") == NULL &&
	    json_object_get(errors, "online_url") == NULL)
		field_error(errors, "place",
		    "give a place, an online link (online_url), or both");
	*registered = db_int(db, 0, 4);
	*seats = db_int(db, 0, 5);

	return (1);
}

/* Answer with session id (staff's view), its ETag, committing. */
static int
reply_training(struct db *db, int64_t id, int status)
{
	struct api_ctx	*ctx = db->ctx;
	const char	*params[2];
	char		tid[24], uid[24], loc[48];

	fu_id(tid, sizeof(tid), id);
	fu_id(uid, sizeof(uid), ctx->user.id);
	params[0] = tid;
	params[1] = uid;
	if (!db_exec(db, "SELECT api_training(t, $2, true)::text, t.version "
	    "FROM trainings t WHERE t.id = $1", 2, params))
		return (db_fail(db));
	if (db_rows(db) == 1)
		api_etag(ctx, db_int(db, 0, 1));
	if (status == 201) {
		(void)snprintf(loc, sizeof(loc), "/api/trainings/%lld",
		    (long long)id);
		api_header(ctx, "location", loc);
	}

	return (db_reply_commit(db, status));
}

/*
 * GET /api/trainings?when=upcoming|past|all&topic=&limit=: upcoming
 * (not over yet) soonest first, past and all latest first.
 */
int
trainings_list(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[4];
	char		when[16], topic[48], uid[24], limit[8];
	int64_t		n;
	int		r, i;

	if ((r = api_query(ctx, "when", when, sizeof(when))) == -1)
		return (KORE_RESULT_OK);
	if (r == 0)
		(void)snprintf(when, sizeof(when), "upcoming");
	for (i = 0; whens[i] != NULL; i++) {
		if (!strcmp(whens[i], when))
			break;
	}
	if (whens[i] == NULL)
		return (api_error_fields(ctx, 400, "validation_failed",
		    "Unknown value", json_pack("{s:s}", "when",
		    "must be one of: upcoming, past, all")));

	if ((r = api_query(ctx, "topic", topic, sizeof(topic))) == -1)
		return (KORE_RESULT_OK);
	if (api_query_int(ctx, "limit", 1, LIST_MAX, 100, &n) == -1)
		return (KORE_RESULT_OK);

	fu_id(uid, sizeof(uid), ctx->user.id);
	fu_id(limit, sizeof(limit), n);
	params[0] = uid;
	params[1] = when;
	params[2] = r == 1 ? topic : NULL;
	params[3] = limit;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db,
	    "WITH page AS ("
	    "  SELECT t FROM trainings t"
	    "  WHERE ($2 = 'all' OR ($2 = 'upcoming') = (t.ends_at > now()))"
	    "    AND ($3::text IS NULL OR t.topic = $3)"
	    "  ORDER BY CASE WHEN $2 = 'upcoming' THEN t.starts_at END,"
	    "    t.starts_at DESC, t.id LIMIT $4::int) "
	    "SELECT json_build_object('items', coalesce(json_agg("
	    "  api_training(t, $1, false) ORDER BY CASE WHEN $2 = 'upcoming' "
	    "  THEN (t).starts_at END, (t).starts_at DESC, (t).id), "
	    "  '[]'))::text FROM page", 4, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}

/* GET /api/trainings/{id}: staff also get the registrations. */
int
trainings_get(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[3];
	char		tid[24], uid[24];

	fu_id(tid, sizeof(tid), ctx->params[0]);
	fu_id(uid, sizeof(uid), ctx->user.id);
	params[0] = tid;
	params[1] = uid;
	params[2] = FU_STAFF(ctx) ? "true" : "false";

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT api_training(t, $2, $3::boolean)::text, "
	    "t.version FROM trainings t WHERE t.id = $1", 3, params))
		return (db_fail(&db));
	if (db_rows(&db) == 1)
		api_etag(ctx, db_int(&db, 0, 1));

	return (db_reply_row(&db, 200, 0));
}

/* POST /api/trainings: published at once. */
int
trainings_create(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body, *errors;
	const char	*params[3];
	char		*text, uid[24];
	int64_t		registered, seats;

	errors = json_object();
	if ((body = api_body_collect(ctx, create_fields, errors)) == NULL) {
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	if (!db_open(&db, ctx)) {
		json_decref(body);
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	if (!check_db(&db, body, errors, 0, &registered, &seats)) {
		json_decref(body);
		json_decref(errors);
		return (db_fail(&db));
	}
	if (api_fields_reply(ctx, errors)) {
		db_close(&db);
		json_decref(body);
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	json_decref(errors);

	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	fu_id(uid, sizeof(uid), ctx->user.id);
	params[0] = text;
	params[1] = NULL;
	params[2] = uid;
	if (!db_begin(&db, "trainings.create") ||
	    !db_exec(&db, "WITH m AS (SELECT * FROM (" MERGED ") y) "
	    "INSERT INTO trainings (topic, title_vi, title_en, "
	    "  description_vi, description_en, starts_at, ends_at, place, "
	    "  online_url, seats, created_by) "
	    "SELECT topic, title_vi, title_en, description_vi, "
	    "  description_en, starts_at, ends_at, place, online_url, seats, "
	    "  $3::bigint FROM m RETURNING id", 3, params)) {
		free(text);
		return (db_fail(&db));
	}
	free(text);

	return (reply_training(&db, db_int(&db, 0, 0), 201));
}

/*
 * PATCH /api/trainings/{id} (If-Match): the fields sent over the session
 * as it is.  Fewer seats than women registered is refused (409); more
 * seats take women off the waiting list, in order; "status": "cancelled"
 * cancels it for good and tells everyone registered or waiting.
 */
int
trainings_update(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body, *errors;
	const char	*params[2];
	char		*text, tid[24], msg[128];
	int64_t		want, registered, seats;
	int		cancel;

	if (!api_if_match(ctx, &want))
		return (KORE_RESULT_OK);
	errors = json_object();
	if ((body = api_body_collect(ctx, update_fields, errors)) == NULL) {
		json_decref(errors);
		return (KORE_RESULT_OK);
	}

	fu_id(tid, sizeof(tid), ctx->params[0]);
	params[0] = tid;
	if (!db_open(&db, ctx)) {
		json_decref(body);
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	if (!db_begin(&db, "trainings.update") ||
	    !db_exec(&db, "SELECT version, status FROM trainings "
	    "WHERE id = $1 FOR UPDATE", 1, params)) {
		json_decref(body);
		json_decref(errors);
		return (db_fail(&db));
	}
	if (db_rows(&db) != 1 || db_int(&db, 0, 0) != want ||
	    !strcmp(db_value(&db, 0, 1), "cancelled")) {
		json_decref(body);
		json_decref(errors);
		if (db_rows(&db) != 1) {
			db_close(&db);
			return (api_error(ctx, 404, "not_found",
			    "No such session"));
		}
		if (db_int(&db, 0, 0) != want) {
			db_close(&db);
			return (api_error(ctx, 412, "precondition_failed",
			    "The session was changed by someone else: read "
			    "it again"));
		}
		db_close(&db);
		return (api_error_fields(ctx, 409, "conflict",
		    "The session was cancelled", json_pack("{s:s}", "status",
		    "is cancelled: a cancelled session cannot be changed")));
	}

	if (!check_db(&db, body, errors, ctx->params[0], &registered,
	    &seats)) {
		json_decref(body);
		json_decref(errors);
		return (db_fail(&db));
	}
	if (api_fields_reply(ctx, errors)) {
		db_close(&db);
		json_decref(body);
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	json_decref(errors);
	if (seats < registered) {
		json_decref(body);
		db_close(&db);
		(void)snprintf(msg, sizeof(msg), "cannot be fewer than the "
		    "%lld women registered", (long long)registered);
		return (api_error_fields(ctx, 409, "conflict",
		    "More women are registered than that", json_pack("{s:s}",
		    "seats", msg)));
	}

	cancel = json_is_string(json_object_get(body, "status")) &&
	    !strcmp(json_string_value(json_object_get(body, "status")),
	    "cancelled");
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	params[0] = text;
	params[1] = tid;
	if (!db_exec(&db, "WITH m AS (SELECT * FROM (" MERGED ") y) "
	    "UPDATE trainings t SET (topic, title_vi, title_en, "
	    "  description_vi, description_en, starts_at, ends_at, place, "
	    "  online_url, seats, status) = (SELECT topic, title_vi, "
	    "  title_en, description_vi, description_en, starts_at, ends_at, "
	    "  place, online_url, seats, status FROM m) WHERE t.id = $2",
	    2, params)) {
		free(text);
		return (db_fail(&db));
	}
	free(text);

	params[0] = tid;
	if (!db_exec(&db, cancel ? "SELECT training_cancelled($1)" :
	    "SELECT training_promote($1, now())", 1, params))
		return (db_fail(&db));

	return (reply_training(&db, ctx->params[0], 200));
}
