/*
 * Check-ins: the answer to a scheduled check-in of a business, sent by
 * the entrepreneur from her phone or by staff after a visit, then
 * approved or returned by staff.  A returned check-in is answered again
 * (its next revision; every revision is kept).
 *
 * A check-in is checked whole before anything is written, and every
 * problem comes back in one 422: the schema (types, ranges), the rules
 * across fields (lib/followup.c) and the ones that need the business
 * (its budget lines, its schedule, the support areas).  The database
 * checks the same again (checkin_submit and the checkins table).
 */

#include "sen.h"
#include "followup.h"
#include "lib/followup.h"

/* What the checks of a new answer need from the database. */
struct facts {
	int32_t		today;
	struct fu_slot	slots[FU_MONTHS_MAX];
	size_t		nslots;
	int64_t		budget[FU_LINES_MAX];
	size_t		nbudget;
	const char	*areas[64];
	size_t		nareas;
	json_t		*doc;		/* owns the strings of areas */
};

/* A value of the body that the schema let through, or NULL. */
static json_t *
ok_value(json_t *body, json_t *errors, const char *path, json_t *v)
{
	if (v == NULL || json_is_null(v) ||
	    json_object_get(errors, path) != NULL)
		return (NULL);

	return (v);
}

/* An integer member key of obj, whose errors are under path. */
static int64_t
ok_int(json_t *obj, json_t *errors, const char *key, const char *path)
{
	json_t		*v;

	v = ok_value(obj, errors, path, json_object_get(obj, key));

	return (json_is_integer(v) ? json_integer_value(v) : LC_UNSET);
}

static int
answer_code(const char *s)
{
	if (!strcmp(s, "submitted"))
		return (FU_SUBMITTED);
	if (!strcmp(s, "approved"))
		return (FU_APPROVED);
	if (!strcmp(s, "returned"))
		return (FU_RETURNED);

	return (FU_NONE);
}

/*
 * Today, the schedule with its answers, the budget lines' amounts and
 * the support areas, for business id.  0 when the query failed.
 */
static int
facts_load(struct db *db, int64_t id, struct facts *f)
{
	const char	*params[1];
	char		bid[24];
	json_t		*v, *s;
	size_t		i;

	memset(f, 0, sizeof(*f));
	fu_id(bid, sizeof(bid), id);
	params[0] = bid;

	if (!db_exec(db, "SELECT json_build_object("
	    "  'today', followup_today(now()),"
	    "  'slots', (SELECT json_agg(json_build_object('number', s.number,"
	    "    'due', s.due_on, 'answer', coalesce(k.status, 'none'))"
	    "    ORDER BY s.number) FROM followup_schedule s"
	    "    LEFT JOIN checkins k ON k.schedule_id = s.id"
	    "    WHERE s.business_id = b.id),"
	    "  'budget', (SELECT json_agg((l.v ->> 'amount_vnd')::bigint"
	    "    ORDER BY l.n) FROM applications a, jsonb_array_elements("
	    "    a.budget_lines) WITH ORDINALITY AS l(v, n)"
	    "    WHERE a.id = b.application_id),"
	    "  'areas', (SELECT json_agg(code ORDER BY position)"
	    "    FROM followup_support_areas))::text "
	    "FROM businesses b WHERE b.id = $1", 1, params))
		return (0);

	f->doc = json_loads(db_value(db, 0, 0), 0, NULL);
	if (f->doc == NULL)
		return (1);

	(void)lc_date_parse(json_string_value(json_object_get(f->doc,
	    "today")), &f->today);
	json_array_foreach(json_object_get(f->doc, "slots"), i, s) {
		if (i >= FU_MONTHS_MAX)
			break;
		f->slots[i].number = (int)json_integer_value(
		    json_object_get(s, "number"));
		(void)lc_date_parse(json_string_value(json_object_get(s,
		    "due")), &f->slots[i].due);
		f->slots[i].answer = answer_code(json_string_value(
		    json_object_get(s, "answer")));
		f->slots[i].revenue = LC_UNSET;
		f->nslots = i + 1;
	}
	json_array_foreach(json_object_get(f->doc, "budget"), i, v) {
		if (i >= FU_LINES_MAX)
			break;
		f->budget[i] = json_integer_value(v);
		f->nbudget = i + 1;
	}
	json_array_foreach(json_object_get(f->doc, "areas"), i, v) {
		if (i >= sizeof(f->areas) / sizeof(f->areas[0]))
			break;
		f->areas[i] = json_string_value(v);
		f->nareas = i + 1;
	}

	return (1);
}

/*
 * The rules across fields and against the business (fu_checkin_check),
 * added to errors where the schema found nothing wrong with the field.
 */
static void
check_across(json_t *body, json_t *errors, const struct facts *f)
{
	struct fu_checkin	c;
	struct lc_errors	errs;
	json_t			*v, *w, *item;
	int64_t			lines[FU_LINES_MAX], used[FU_LINES_MAX];
	const char		*support[FU_SUPPORT_MAX];
	char			path[64];
	size_t			i;

	memset(&c, 0, sizeof(c));
	v = ok_value(body, errors, "operating",
	    json_object_get(body, "operating"));
	c.operating = v == NULL ? LC_UNSET : json_is_true(v);
	v = json_object_get(body, "closed_reason");
	c.closed_reason = v != NULL && !json_is_null(v) ?
	    json_string_value(v) : NULL;
	c.revenue = ok_int(body, errors, "revenue_vnd", "revenue_vnd");
	v = ok_value(body, errors, "profit_vnd",
	    json_object_get(body, "profit_vnd"));
	c.has_profit = json_is_integer(v);
	c.profit = c.has_profit ? json_integer_value(v) : 0;
	w = json_object_get(body, "workers");
	c.has_workers = w != NULL && !json_is_null(w);
	c.women = c.men = c.disabled = LC_UNSET;
	if (json_is_object(w)) {
		c.women = ok_int(w, errors, "women", "workers.women");
		c.men = ok_int(w, errors, "men", "workers.men");
		c.disabled = ok_int(w, errors, "with_disability",
		    "workers.with_disability");
	}
	c.jobs = ok_int(body, errors, "jobs_created", "jobs_created");
	c.jobs_women = ok_int(body, errors, "jobs_created_women",
	    "jobs_created_women");

	v = ok_value(body, errors, "funds_used",
	    json_object_get(body, "funds_used"));
	json_array_foreach(v, i, item) {
		if (i >= FU_LINES_MAX)
			break;
		(void)snprintf(path, sizeof(path), "funds_used[%zu].line", i);
		lines[i] = json_object_get(errors, path) == NULL ?
		    json_integer_value(json_object_get(item, "line")) :
		    LC_UNSET;
		(void)snprintf(path, sizeof(path), "funds_used[%zu].used_vnd",
		    i);
		used[i] = json_object_get(errors, path) == NULL ?
		    json_integer_value(json_object_get(item, "used_vnd")) :
		    LC_UNSET;
		if (!json_is_object(item))
			lines[i] = used[i] = LC_UNSET;
		c.nused = i + 1;
	}
	c.lines = lines;
	c.used = used;

	v = ok_value(body, errors, "support_needed",
	    json_object_get(body, "support_needed"));
	json_array_foreach(v, i, item) {
		if (i >= FU_SUPPORT_MAX)
			break;
		support[i] = json_string_value(item);
		c.nsupport = i + 1;
	}
	c.support = support;

	lc_errors_init(&errs);
	fu_checkin_check(&c, f->budget, f->nbudget, f->areas, f->nareas,
	    &errs);
	for (i = 0; i < errs.n; i++) {
		if (json_object_get(errors, errs.e[i].field) == NULL)
			json_object_set_new(errors, errs.e[i].field,
			    json_string(errs.e[i].msg));
	}
}

/* "YYYY-MM-DD" of a day. */
static void
day_text(int32_t day, char *buf, size_t len)
{
	int		y, m, d;

	lc_civil(day, &y, &m, &d);
	(void)snprintf(buf, len, "%04d-%02d-%02d", y, m, d);
}

/*
 * Which scheduled check-in the answer is for: schedule_number when sent
 * (its problems join the other field errors), else the earliest one
 * still to answer (409 when there is none or it is not open yet).  The
 * number, or 0 when errors got the problem or a reply has been sent.
 */
static int
pick(struct api_ctx *ctx, json_t *body, json_t *errors,
    const struct facts *f, int *replied)
{
	char		msg[128], day[16];
	int		asked, i;

	*replied = 0;
	if (json_object_get(errors, "schedule_number") != NULL)
		return (0);
	asked = (int)json_integer_value(json_object_get(body,
	    "schedule_number"));
	i = fu_pick(f->slots, f->nslots, asked, f->today);
	if (i >= 0)
		return (f->slots[i].number);

	if (asked != 0) {
		if (i == FU_PICK_UNKNOWN)
			(void)snprintf(msg, sizeof(msg), "is not in the "
			    "schedule of this business (1 to %zu)", f->nslots);
		else if (i == FU_PICK_ANSWERED)
			(void)snprintf(msg, sizeof(msg),
			    "has been answered already");
		else {
			day_text(fu_opens_on(f->slots[asked - 1].due), day,
			    sizeof(day));
			(void)snprintf(msg, sizeof(msg),
			    "is not open yet: it opens on %s", day);
		}
		json_object_set_new(errors, "schedule_number",
		    json_string(msg));
		return (0);
	}
	if (json_object_size(errors) > 0)
		return (0);

	*replied = 1;
	if (i == FU_PICK_NONE) {
		(void)api_error(ctx, 409, "conflict", "Every scheduled "
		    "check-in of this business has been answered");
		return (0);
	}
	for (i = 0; (size_t)i < f->nslots; i++) {
		if (f->slots[i].answer == FU_NONE ||
		    f->slots[i].answer == FU_RETURNED)
			break;
	}
	day_text(fu_opens_on(f->slots[i].due), day, sizeof(day));
	(void)snprintf(msg, sizeof(msg), "The next check-in is not open yet: "
	    "it opens on %s", day);
	(void)api_error_fields(ctx, 409, "conflict", msg,
	    json_pack("{s:s}", "schedule_number", "is not open yet"));

	return (0);
}

/* Answer with check-in id as viewer sees it, committing; audited for staff. */
static int
reply_checkin(struct db *db, int64_t id, int64_t business, const char *viewer,
    int status)
{
	struct api_ctx	*ctx = db->ctx;
	const char	*params[2];
	char		kid[24], loc[48], *text;
	int64_t		version;
	int		ret;

	fu_id(kid, sizeof(kid), id);
	params[0] = kid;
	params[1] = viewer;
	if (!db_exec(db, "SELECT api_checkin(k, $2, true)::text, k.version "
	    "FROM checkins k WHERE k.id = $1", 2, params))
		return (db_fail(db));
	if (db_rows(db) != 1) {
		db_close(db);
		return (api_error(ctx, 404, "not_found", "No such check-in"));
	}
	text = kore_strdup(db_value(db, 0, 0));
	version = db_int(db, 0, 1);

	if (!strcmp(viewer, "staff") && status == 200 &&
	    ctx->req->method == HTTP_METHOD_GET) {
		if (!db_begin(db, "checkins.read") ||
		    !audit_event(db, "businesses.read_personal", "businesses",
		    business, json_pack("{s:s,s:I}", "via",
		    ctx->route->handler_name, "checkin_id", (json_int_t)id))) {
			kore_free(text);
			return (db_fail(db));
		}
	}
	(void)snprintf(loc, sizeof(loc), "/api/checkins/%lld", (long long)id);
	if (db->in_tx && !db_commit_reply(db, status, text, version,
	    status == 201 ? loc : NULL)) {
		kore_free(text);
		return (db_fail(db));
	}
	db_close(db);

	if (status == 201)
		api_header(ctx, "location", loc);
	api_etag(ctx, version);
	ret = api_reply_text(ctx, status, text, strlen(text), NULL);
	kore_free(text);

	return (ret);
}

/*
 * POST /api/businesses/{id}/checkins: the answer to a scheduled check-in
 * (schedule_number, or the earliest one still to answer), by her or by
 * staff.  201 with the check-in; the business's status is recomputed.
 */
int
checkins_create(struct api_ctx *ctx)
{
	struct db		db;
	struct fu_access	acc;
	struct facts		f;
	json_t			*body, *errors;
	const char		*params[4];
	char			bid[24], uid[24], num[8], *text;
	int			number, replied;
	int64_t			id;

	errors = json_object();
	if ((body = api_body_collect(ctx, fu_checkin_fields, errors)) == NULL) {
		json_decref(errors);
		return (KORE_RESULT_OK);
	}

	if (!db_open(&db, ctx) || !db_begin(&db, "checkins.submit")) {
		if (db.open)
			db_fail(&db);
		json_decref(body);
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	if (!fu_access(&db, ctx->params[0], 1, 0, &acc, "No such business")) {
		json_decref(body);
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	if (!strcmp(acc.status, "closed")) {
		db_close(&db);
		json_decref(body);
		json_decref(errors);
		return (api_error_fields(ctx, 409, "conflict",
		    "The business has closed: it takes no more check-ins",
		    json_pack("{s:s}", "status", "is closed")));
	}

	if (!facts_load(&db, ctx->params[0], &f)) {
		json_decref(body);
		json_decref(errors);
		return (db_fail(&db));
	}
	check_across(body, errors, &f);
	number = pick(ctx, body, errors, &f, &replied);
	json_decref(f.doc);
	if (replied || api_fields_reply(ctx, errors)) {
		db_close(&db);
		json_decref(body);
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	json_decref(errors);

	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	fu_id(bid, sizeof(bid), ctx->params[0]);
	fu_id(uid, sizeof(uid), ctx->user.id);
	(void)snprintf(num, sizeof(num), "%d", number);
	params[0] = bid;
	params[1] = num;
	params[2] = text;
	params[3] = uid;
	if (!db_exec(&db, "SELECT checkin_submit($1, $2, $3::jsonb, $4, now())",
	    4, params)) {
		free(text);
		return (db_fail(&db));
	}
	free(text);
	id = db_int(&db, 0, 0);

	return (reply_checkin(&db, id, ctx->params[0], acc.viewer, 201));
}

/* GET /api/checkins/{id}: one check-in with every revision. */
int
checkins_get(struct api_ctx *ctx)
{
	struct db		db;
	struct fu_access	acc;
	const char		*params[1];
	char			kid[24];
	int64_t			business;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	fu_id(kid, sizeof(kid), ctx->params[0]);
	params[0] = kid;
	if (!db_exec(&db, "SELECT business_id FROM checkins WHERE id = $1",
	    1, params))
		return (db_fail(&db));
	if (db_rows(&db) != 1) {
		db_close(&db);
		return (api_error(ctx, 404, "not_found", "No such check-in"));
	}
	business = db_int(&db, 0, 0);
	/* Another's business: her check-ins do not exist either. */
	if (!fu_access(&db, business, 0, 0, &acc, "No such check-in"))
		return (KORE_RESULT_OK);

	return (reply_checkin(&db, ctx->params[0], business, acc.viewer, 200));
}

/*
 * POST /api/checkins/{id}/review {decision, comment}: staff approve a
 * submitted check-in, or return it with a comment that she is sent.
 * If-Match (the check-in's version) is honoured when sent.
 */
int
checkins_review(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body;
	const char	*params[4], *comment, *decision;
	char		kid[24], uid[24], msg[96];
	int64_t		want, business;

	if (fu_if_match_optional(ctx, &want) == -1)
		return (KORE_RESULT_OK);
	if ((body = api_body(ctx, fu_checkin_review_fields)) == NULL)
		return (KORE_RESULT_OK);
	decision = json_string_value(json_object_get(body, "decision"));
	comment = json_string_value(json_object_get(body, "comment"));
	if (!strcmp(decision, "return") && lc_blank(comment)) {
		json_decref(body);
		return (api_error_fields(ctx, 422, "validation_failed",
		    "Some fields are not valid", json_pack("{s:s}", "comment",
		    "is required when the check-in is returned: she is told "
		    "what to change")));
	}

	if (!db_open(&db, ctx)) {
		json_decref(body);
		return (KORE_RESULT_OK);
	}
	fu_id(kid, sizeof(kid), ctx->params[0]);
	fu_id(uid, sizeof(uid), ctx->user.id);
	params[0] = kid;
	if (!db_begin(&db, "checkins.review") ||
	    !db_exec(&db, "SELECT status, version, business_id FROM checkins "
	    "WHERE id = $1 FOR UPDATE", 1, params)) {
		json_decref(body);
		return (db_fail(&db));
	}
	if (db_rows(&db) != 1) {
		json_decref(body);
		db_close(&db);
		return (api_error(ctx, 404, "not_found", "No such check-in"));
	}
	if (want != 0 && db_int(&db, 0, 1) != want) {
		json_decref(body);
		db_close(&db);
		return (api_error(ctx, 412, "precondition_failed",
		    "The check-in has changed since you read it: read it "
		    "again"));
	}
	if (strcmp(db_value(&db, 0, 0), "submitted") != 0) {
		(void)snprintf(msg, sizeof(msg), "Only a submitted check-in "
		    "can be reviewed; this one is %s", db_value(&db, 0, 0));
		json_decref(body);
		db_close(&db);
		return (api_error_fields(ctx, 409, "conflict", msg,
		    json_pack("{s:s}", "status", "is not submitted")));
	}
	business = db_int(&db, 0, 2);

	params[1] = decision;
	params[2] = comment;
	params[3] = uid;
	if (!db_exec(&db, "SELECT checkin_review($1, $2, $3, $4, now())",
	    4, params)) {
		json_decref(body);
		return (db_fail(&db));
	}
	json_decref(body);

	return (reply_checkin(&db, ctx->params[0], business, "staff", 200));
}
