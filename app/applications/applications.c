/*
 * Applications: an applicant drafts one per call, edits the draft,
 * submits it (everything checked at once, see lib/lifecycle.c) or
 * withdraws it.  Every write needs the version she last read (If-Match),
 * so that two tabs or two phones never overwrite each other.  Staff read
 * every application, with the applicant's personal data, and each such
 * read is written to the audit log.
 */

#include <strings.h>

#include "sen.h"
#include "applications.h"

#define LINES_MAX		APP_LINES_MAX
#define WARDS_MAX		64

/* How each draft field goes into its column. */
#define COL_TEXT	1
#define COL_TRIM	2	/* surrounding spaces dropped */
#define COL_INT		3
#define COL_BOOL	4
#define COL_DATE	5
#define COL_LINES	6	/* jsonb, [] when null */

static const struct {
	const char	*name;
	int		kind;
} columns[] = {
	{ "business_name", COL_TRIM },
	{ "stage", COL_TEXT },
	{ "sector", COL_TEXT },
	{ "operating_since", COL_DATE },
	{ "registered_on", COL_DATE },
	{ "description", COL_TEXT },
	{ "problem_customers", COL_TEXT },
	{ "plan", COL_TEXT },
	{ "team_size", COL_INT },
	{ "women_employed", COL_INT },
	{ "jobs_planned", COL_INT },
	{ "amount_requested_vnd", COL_INT },
	{ "budget_lines", COL_LINES },
	{ "women_capital_pct", COL_INT },
	{ "woman_manager", COL_BOOL },
};

#define NCOLUMNS	(sizeof(columns) / sizeof(columns[0]))

/* The SQL text parameters of the draft fields present in a body. */
struct draft_params {
	const char	*values[NCOLUMNS];
	int		present[NCOLUMNS];
	char		num[NCOLUMNS][24];
	char		*lines;		/* json_dumps, free() */
	int		count;
};

static void
draft_params(json_t *body, struct draft_params *dp)
{
	json_t		*v;
	size_t		i;

	memset(dp, 0, sizeof(*dp));
	for (i = 0; i < NCOLUMNS; i++) {
		if ((v = json_object_get(body, columns[i].name)) == NULL)
			continue;
		dp->present[i] = 1;
		dp->count++;
		if (json_is_null(v)) {
			dp->values[i] = columns[i].kind == COL_LINES ?
			    "[]" : NULL;
			continue;
		}
		switch (columns[i].kind) {
		case COL_INT:
			(void)snprintf(dp->num[i], sizeof(dp->num[i]), "%lld",
			    (long long)json_integer_value(v));
			dp->values[i] = dp->num[i];
			break;
		case COL_BOOL:
			dp->values[i] = json_is_true(v) ? "true" : "false";
			break;
		case COL_LINES:
			dp->lines = json_dumps(v, JSON_COMPACT);
			dp->values[i] = dp->lines ? dp->lines : "[]";
			break;
		default:
			dp->values[i] = json_string_value(v);
			break;
		}
	}
}

static void
draft_params_free(struct draft_params *dp)
{
	free(dp->lines);
	dp->lines = NULL;
}

/* $n, cast and trimmed as the column wants. */
static void
column_value(char *buf, size_t len, size_t i, int n)
{
	switch (columns[i].kind) {
	case COL_TRIM:
		(void)snprintf(buf, len, "btrim($%d)", n);
		break;
	case COL_INT:
		(void)snprintf(buf, len, "$%d::bigint", n);
		break;
	case COL_BOOL:
		(void)snprintf(buf, len, "$%d::boolean", n);
		break;
	case COL_DATE:
		(void)snprintf(buf, len, "$%d::date", n);
		break;
	case COL_LINES:
		(void)snprintf(buf, len, "$%d::jsonb", n);
		break;
	default:
		(void)snprintf(buf, len, "$%d", n);
		break;
	}
}

static int64_t
body_int(json_t *body, const char *name, int64_t dflt)
{
	json_t		*v;

	if ((v = json_object_get(body, name)) == NULL)
		return (dflt);

	return (json_is_integer(v) ? json_integer_value(v) : LC_UNSET);
}

static int32_t
body_date(json_t *body, const char *name)
{
	int32_t		d;

	if (!lc_date_parse(json_string_value(json_object_get(body, name)),
	    &d))
		return (LC_NODATE);

	return (d);
}

/*
 * What a draft may not hold whatever else it lacks: women employed within
 * the team (team and women as they will be after this write), business
 * dates in the past, a sector from the list.
 */
static void
draft_check(json_t *body, int64_t team, int64_t women, const char *today,
    int sector_known, struct lc_errors *errs)
{
	struct lc_app	a;
	int32_t		t;

	memset(&a, 0, sizeof(a));
	a.team_size = body_int(body, "team_size", team);
	a.women_employed = body_int(body, "women_employed", women);
	a.operating_since = body_date(body, "operating_since");
	a.registered_on = body_date(body, "registered_on");
	if (lc_date_parse(today, &t))
		lc_app_check(&a, t, errs);

	if (!sector_known)
		lc_error(errs, NULL, "sector",
		    "must be a sector code from /api/reference");
}

json_t *
app_errors_json(const struct lc_errors *errs)
{
	json_t		*o;
	size_t		i;

	o = json_object();
	for (i = 0; i < errs->n; i++)
		json_object_set_new(o, errs->e[i].field,
		    json_string(errs->e[i].msg));

	return (o);
}

/* If-Match when given: 1 (in *version), 0 absent, -1 malformed (replied). */
int
app_if_match_optional(struct api_ctx *ctx, int64_t *version)
{
	const char	*v;

	*version = 0;
	if (!http_request_header(ctx->req, "if-match", &v))
		return (0);

	return (api_if_match(ctx, version) ? 1 : -1);
}

/*
 * Lock an application for a write inside the caller's transaction.  own:
 * only the caller's own (an applicant's, another's is 404).  version: the
 * caller's If-Match, 0 for none.  1 when locked, its status in status;
 * 0 when a reply has been sent.
 */
int
app_lock(struct db *db, int64_t id, int own, int64_t version, char *status,
    size_t len)
{
	struct api_ctx	*ctx = db->ctx;
	const char	*params[2];
	char		aid[24], uid[24];

	(void)snprintf(aid, sizeof(aid), "%lld", (long long)id);
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = aid;
	params[1] = own ? uid : NULL;

	if (!db_exec(db, "SELECT status, version FROM applications "
	    "WHERE id = $1 AND ($2::bigint IS NULL OR applicant_id = $2) "
	    "FOR UPDATE", 2, params)) {
		db_fail(db);
		return (0);
	}
	if (db_rows(db) != 1) {
		db_close(db);
		api_error(ctx, 404, "not_found", "No such application");
		return (0);
	}
	if (version != 0 && db_int(db, 0, 1) != version) {
		db_close(db);
		api_error(ctx, 412, "precondition_failed",
		    "The application has changed since you read it: "
		    "read it again");
		return (0);
	}

	(void)snprintf(status, len, "%s", db_value(db, 0, 0));
	return (1);
}

/* The Location header a handler set, if any (kept with a stored answer). */
static const char *
app_location(struct api_ctx *ctx)
{
	struct http_header	*hdr;

	TAILQ_FOREACH(hdr, &ctx->req->resp_headers, list) {
		if (!strcasecmp(hdr->header, "location"))
			return (hdr->value);
	}

	return (NULL);
}

/*
 * Answer with the application as the caller may see it, its version as
 * the ETag, and commit the caller's transaction.  Staff see the
 * applicant's personal data: that read is audited in the same
 * transaction (a GET by staff opens one for it).
 */
int
app_reply(struct db *db, int64_t id, int status)
{
	struct api_ctx	*ctx = db->ctx;
	const char	*params[3];
	char		aid[24], *text;
	int64_t		version;
	int		ret;

	(void)snprintf(aid, sizeof(aid), "%lld", (long long)id);
	params[0] = aid;
	params[1] = APP_STAFF(ctx) ? "true" : "false";
	params[2] = ctx->user.locale[0] ? ctx->user.locale : "vi";

	if (!db_exec(db, "SELECT api_application(a, $2::boolean, $3)::text, "
	    "a.version FROM applications a WHERE a.id = $1", 3, params))
		return (db_fail(db));
	if (db_rows(db) != 1 || db_isnull(db, 0, 0)) {
		db_close(db);
		return (api_error(ctx, 404, "not_found",
		    "No such application"));
	}

	text = kore_strdup(db_value(db, 0, 0));
	version = db_int(db, 0, 1);

	if (APP_STAFF(ctx) && !audit_event(db, "applications.read_personal",
	    "applications", id, json_pack("{s:s}", "via",
	    ctx->route->handler_name))) {
		kore_free(text);
		return (db_fail(db));
	}
	if (db->in_tx && !db_commit_reply(db, status, text, version,
	    app_location(ctx))) {
		kore_free(text);
		return (db_fail(db));
	}
	db_close(db);

	api_etag(ctx, version);
	ret = api_reply_text(ctx, status, text, strlen(text), NULL);
	kore_free(text);

	return (ret);
}

int
applications_create(struct api_ctx *ctx)
{
	struct db		db;
	struct draft_params	dp;
	struct lc_errors	errs;
	json_t			*body;
	const char		*params[2 + NCOLUMNS], *today;
	char			sql[2048], val[32], cid[24], uid[24], loc[48];
	size_t			i, off, voff;
	char			vals[1024];
	int			n, visible, accepting;
	int64_t			id;

	if ((body = api_body(ctx, app_create_fields)) == NULL)
		return (KORE_RESULT_OK);

	if (!db_open(&db, ctx)) {
		json_decref(body);
		return (KORE_RESULT_OK);
	}

	(void)snprintf(cid, sizeof(cid), "%lld", (long long)json_integer_value(
	    json_object_get(body, "call_id")));
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = cid;
	params[1] = json_string_value(json_object_get(body, "sector"));

	/* Drafts are invisible to applicants: such a call does not exist. */
	if (!db_begin(&db, "applications.create") ||
	    !db_exec(&db, "SELECT applications_today()::text, "
	    "  (SELECT c.status <> 'draft' FROM calls c WHERE c.id = $1), "
	    "  (SELECT applications_call_accepting(c) FROM calls c "
	    "   WHERE c.id = $1), "
	    "  $2::text IS NULL OR EXISTS (SELECT 1 FROM sectors "
	    "   WHERE code = $2)", 2, params)) {
		json_decref(body);
		return (db_fail(&db));
	}

	visible = !db_isnull(&db, 0, 1) && db_value(&db, 0, 1)[0] == 't';
	accepting = visible && db_value(&db, 0, 2)[0] == 't';
	today = db_value(&db, 0, 0);

	lc_errors_init(&errs);
	if (!visible)
		lc_error(&errs, NULL, "call_id", "no such call");
	draft_check(body, LC_UNSET, LC_UNSET, today,
	    db_value(&db, 0, 3)[0] == 't', &errs);
	if (errs.n > 0) {
		json_decref(body);
		db_close(&db);
		return (api_error_fields(ctx, 422, "validation_failed",
		    "Some fields are not valid", app_errors_json(&errs)));
	}
	if (!accepting) {
		json_decref(body);
		db_close(&db);
		return (api_error(ctx, 409, "conflict",
		    "The call is not accepting applications"));
	}

	/* INSERT (call_id, applicant_id, <given fields>) VALUES (...). */
	draft_params(body, &dp);
	params[0] = cid;
	params[1] = uid;
	n = 2;
	off = (size_t)snprintf(sql, sizeof(sql),
	    "INSERT INTO applications (call_id, applicant_id");
	voff = (size_t)snprintf(vals, sizeof(vals), "$1, $2");
	for (i = 0; i < NCOLUMNS; i++) {
		if (!dp.present[i])
			continue;
		params[n++] = dp.values[i];
		column_value(val, sizeof(val), i, n);
		off += (size_t)snprintf(sql + off, sizeof(sql) - off, ", %s",
		    columns[i].name);
		voff += (size_t)snprintf(vals + voff, sizeof(vals) - voff,
		    ", %s", val);
	}
	(void)snprintf(sql + off, sizeof(sql) - off, ") VALUES (%s) "
	    "ON CONFLICT (call_id, applicant_id) WHERE status <> 'withdrawn' "
	    "DO NOTHING RETURNING id", vals);

	if (!db_exec(&db, sql, n, params)) {
		draft_params_free(&dp);
		json_decref(body);
		return (db_fail(&db));
	}
	draft_params_free(&dp);
	json_decref(body);

	if (db_rows(&db) != 1) {
		db_close(&db);
		return (api_error(ctx, 409, "conflict",
		    "You already have an application for this call: "
		    "continue it, or withdraw it to start again"));
	}

	id = db_int(&db, 0, 0);
	(void)snprintf(loc, sizeof(loc), "/api/applications/%lld",
	    (long long)id);
	api_header(ctx, "location", loc);

	return (app_reply(&db, id, 201));
}

/*
 * GET /api/applications/{id}: one statement, run without blocking the
 * worker (dbasync.c): while PostgreSQL builds the JSON and, for staff,
 * commits the audit of the read (which waits for the WAL to reach the
 * disk), the worker serves other requests, and the commits of many
 * requests share one flush.  Staff's read and its audit row are one
 * statement in one transaction; an applicant asking for another's
 * application finds nothing (404).
 */
struct get_state {
	struct dba	q;
	char		aid[24];
	char		uid[24];
	char		locale[4];
};

static void
get_free(void *arg)
{
	struct get_state	*st = arg;

	dba_close(&st->q);
}

int
applications_get(struct api_ctx *ctx)
{
	struct get_state	*st;
	struct dba_stmt		*s;
	struct db		*db;
	const char		*text;

	st = api_state(ctx, sizeof(*st), get_free);
	if (ctx->stage == 0) {
		(void)snprintf(st->aid, sizeof(st->aid), "%lld",
		    (long long)ctx->params[0]);
		(void)snprintf(st->uid, sizeof(st->uid), "%lld",
		    (long long)ctx->user.id);
		(void)snprintf(st->locale, sizeof(st->locale), "%s",
		    ctx->user.locale[0] ? ctx->user.locale : "vi");
		if (APP_STAFF(ctx)) {
			dba_init(&st->q, ctx, "applications.read_personal");
			s = dba_add(&st->q,
			    "WITH x AS (SELECT api_application(a, true, $2)::text "
			    "  AS j, a.version FROM applications a "
			    "  WHERE a.id = $1), "
			    "log AS (INSERT INTO audit_log (actor_id, action, "
			    "  entity, entity_id, after, request_id, client_ip) "
			    "  SELECT $3::bigint, 'applications.read_personal', "
			    "  'applications', $1, "
			    "  '{\"via\":\"applications_get\"}'::jsonb, $4, $5 "
			    "  FROM x) "
			    "SELECT j, version FROM x", 0);
			dba_text(s, st->aid);
			dba_text(s, st->locale);
			dba_text(s, st->uid);
			dba_text(s, ctx->request_id);
			dba_text(s, ctx->client_ip);
		} else {
			dba_init(&st->q, ctx, NULL);
			s = dba_add(&st->q,
			    "SELECT api_application(a, false, $2)::text, "
			    "a.version FROM applications a "
			    "WHERE a.id = $1 AND a.applicant_id = $3", 0);
			dba_text(s, st->aid);
			dba_text(s, st->locale);
			dba_text(s, st->uid);
		}
		ctx->stage = 1;
	}

	switch (dba_run(&st->q)) {
	case DBA_WAIT:
		return (KORE_RESULT_RETRY);
	case DBA_FAILED:
		return (KORE_RESULT_OK);
	}

	db = &st->q.db;
	if (db_rows(db) != 1 || db_isnull(db, 0, 0))
		return (api_error(ctx, 404, "not_found",
		    "No such application"));

	text = db_value(db, 0, 0);
	api_etag(ctx, db_int(db, 0, 1));
	return (api_reply_text(ctx, 200, text, strlen(text), NULL));
}

int
applications_update(struct api_ctx *ctx)
{
	struct db		db;
	struct draft_params	dp;
	struct lc_errors	errs;
	json_t			*body;
	const char		*params[1 + NCOLUMNS];
	char			sql[2048], val[32], aid[24], uid[24], msg[96];
	size_t			i, off;
	int64_t			version, team, women;
	int			n;

	if (!api_if_match(ctx, &version))
		return (KORE_RESULT_OK);
	if ((body = api_body(ctx, app_update_fields)) == NULL)
		return (KORE_RESULT_OK);
	if (!db_open(&db, ctx)) {
		json_decref(body);
		return (KORE_RESULT_OK);
	}

	(void)snprintf(aid, sizeof(aid), "%lld", (long long)ctx->params[0]);
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = aid;
	params[1] = uid;
	params[2] = json_string_value(json_object_get(body, "sector"));

	if (!db_begin(&db, "applications.update") ||
	    !db_exec(&db, "SELECT status, version, team_size, women_employed, "
	    "  applications_today()::text, "
	    "  $3::text IS NULL OR EXISTS (SELECT 1 FROM sectors "
	    "   WHERE code = $3) "
	    "FROM applications WHERE id = $1 AND applicant_id = $2 "
	    "FOR UPDATE", 3, params)) {
		json_decref(body);
		return (db_fail(&db));
	}

	if (db_rows(&db) != 1) {
		json_decref(body);
		db_close(&db);
		return (api_error(ctx, 404, "not_found",
		    "No such application"));
	}
	if (db_int(&db, 0, 1) != version) {
		json_decref(body);
		db_close(&db);
		return (api_error(ctx, 412, "precondition_failed",
		    "The application has changed since you read it: "
		    "read it again"));
	}
	if (strcmp(db_value(&db, 0, 0), "draft") != 0) {
		(void)snprintf(msg, sizeof(msg), "Only a draft can be edited; "
		    "this application is %s", db_value(&db, 0, 0));
		json_decref(body);
		db_close(&db);
		return (api_error(ctx, 409, "conflict", msg));
	}

	team = db_isnull(&db, 0, 2) ? LC_UNSET : db_int(&db, 0, 2);
	women = db_isnull(&db, 0, 3) ? LC_UNSET : db_int(&db, 0, 3);
	lc_errors_init(&errs);
	draft_check(body, team, women, db_value(&db, 0, 4),
	    db_value(&db, 0, 5)[0] == 't', &errs);
	if (errs.n > 0) {
		json_decref(body);
		db_close(&db);
		return (api_error_fields(ctx, 422, "validation_failed",
		    "Some fields are not valid", app_errors_json(&errs)));
	}

	draft_params(body, &dp);
	if (dp.count == 0) {
		/* Nothing to change: the draft as it is. */
		json_decref(body);
		return (app_reply(&db, ctx->params[0], 200));
	}

	n = 1;
	off = (size_t)snprintf(sql, sizeof(sql), "UPDATE applications SET ");
	for (i = 0; i < NCOLUMNS; i++) {
		if (!dp.present[i])
			continue;
		params[n++] = dp.values[i];
		column_value(val, sizeof(val), i, n);
		off += (size_t)snprintf(sql + off, sizeof(sql) - off,
		    "%s%s = %s", n > 2 ? ", " : "", columns[i].name, val);
	}
	(void)snprintf(sql + off, sizeof(sql) - off, " WHERE id = $1");

	if (!db_exec(&db, sql, n, params)) {
		draft_params_free(&dp);
		json_decref(body);
		return (db_fail(&db));
	}
	draft_params_free(&dp);
	json_decref(body);

	return (app_reply(&db, ctx->params[0], 200));
}

static const char *
fact_str(json_t *o, const char *k)
{
	return (json_string_value(json_object_get(o, k)));
}

static int64_t
fact_int(json_t *o, const char *k)
{
	json_t		*v = json_object_get(o, k);

	return (json_is_integer(v) ? json_integer_value(v) : LC_UNSET);
}

static int32_t
fact_date(json_t *o, const char *k)
{
	int32_t		d;

	return (lc_date_parse(fact_str(o, k), &d) ? d : LC_NODATE);
}

static int
fact_bool(json_t *o, const char *k)
{
	json_t		*v = json_object_get(o, k);

	return (json_is_boolean(v) ? json_is_true(v) : LC_UNSET);
}

/*
 * The submission checks over applications_submit_facts(): the
 * application, her profile and phone, the call, and today's date.
 */
static int
submit_check(const char *text, struct lc_errors *errs)
{
	struct lc_app		a;
	struct lc_profile	p;
	struct lc_call		c;
	json_t			*facts, *app, *prof, *call, *v;
	json_error_t		jerr;
	const char		*wards[WARDS_MAX];
	int64_t			amounts[LINES_MAX];
	int32_t			today;
	size_t			i;

	if ((facts = json_loads(text, 0, &jerr)) == NULL)
		return (0);
	app = json_object_get(facts, "application");
	prof = json_object_get(facts, "profile");
	call = json_object_get(facts, "call");
	if (!json_is_object(app) || !json_is_object(call) ||
	    !lc_date_parse(fact_str(facts, "today"), &today)) {
		json_decref(facts);
		return (0);
	}

	memset(&a, 0, sizeof(a));
	a.business_name = fact_str(app, "business_name");
	a.stage = fact_str(app, "stage");
	a.sector = fact_str(app, "sector");
	a.description = fact_str(app, "description");
	a.problem_customers = fact_str(app, "problem_customers");
	a.plan = fact_str(app, "plan");
	a.operating_since = fact_date(app, "operating_since");
	a.registered_on = fact_date(app, "registered_on");
	a.team_size = fact_int(app, "team_size");
	a.women_employed = fact_int(app, "women_employed");
	a.jobs_planned = fact_int(app, "jobs_planned");
	a.amount_requested_vnd = fact_int(app, "amount_requested_vnd");
	a.women_capital_pct = fact_int(app, "women_capital_pct");
	a.woman_manager = fact_bool(app, "woman_manager");
	json_array_foreach(json_object_get(app, "budget_lines"), i, v) {
		if (i >= LINES_MAX)
			break;
		amounts[i] = fact_int(v, "amount_vnd");
		a.nlines = i + 1;
	}
	a.line_amounts = amounts;

	/* No profile yet: every value absent (prof is NULL). */
	memset(&p, 0, sizeof(p));
	p.phone = fact_str(facts, "phone");
	p.date_of_birth = fact_date(prof, "date_of_birth");
	p.national_id = fact_str(prof, "national_id");
	p.ward_code = fact_str(prof, "ward_code");
	p.outside_district = fact_bool(prof, "outside_district") == 1;
	p.address = fact_str(prof, "address");
	p.household_status = fact_str(prof, "household_status");
	p.household_cert_number = fact_str(prof, "household_cert_number");
	p.household_cert_issued_on = fact_date(prof,
	    "household_cert_issued_on");
	p.household_cert_valid_until = fact_date(prof,
	    "household_cert_valid_until");
	p.disability = fact_bool(prof, "disability") == 1;
	p.disability_level = fact_str(prof, "disability_level");
	p.disability_cert_number = fact_str(prof, "disability_cert_number");
	p.disability_cert_issued_on = fact_date(prof,
	    "disability_cert_issued_on");
	p.disability_cert_valid_until = fact_date(prof,
	    "disability_cert_valid_until");

	memset(&c, 0, sizeof(c));
	c.accepting = fact_bool(call, "accepting") == 1;
	c.max_award_vnd = fact_int(call, "max_award_vnd");
	c.allow_outside_district = fact_bool(call,
	    "allow_outside_district") == 1;
	json_array_foreach(json_object_get(call, "stages"), i, v)
		c.stages |= lc_stage_bit(json_string_value(v));
	json_array_foreach(json_object_get(call, "wards"), i, v) {
		if (i >= WARDS_MAX || json_string_value(v) == NULL)
			break;
		wards[i] = json_string_value(v);
		c.nwards = i + 1;
	}
	c.wards = wards;

	lc_submit_check(&a, &p, &c, today, errs);
	json_decref(facts);

	return (1);
}

int
applications_submit(struct api_ctx *ctx)
{
	struct db		db;
	struct lc_errors	errs;
	const char		*params[1];
	char			aid[24], status[APP_STATUS_LEN], msg[96];
	int64_t			version;

	if (!api_if_match(ctx, &version))
		return (KORE_RESULT_OK);
	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);

	if (!db_begin(&db, "applications.submit"))
		return (db_fail(&db));
	if (!app_lock(&db, ctx->params[0], 1, version, status, sizeof(status)))
		return (KORE_RESULT_OK);
	if (strcmp(status, "draft") != 0) {
		db_close(&db);
		(void)snprintf(msg, sizeof(msg), "Only a draft can be "
		    "submitted; this application is %s", status);
		return (api_error(ctx, 409, "conflict", msg));
	}

	(void)snprintf(aid, sizeof(aid), "%lld", (long long)ctx->params[0]);
	params[0] = aid;
	if (!db_exec(&db, "SELECT applications_submit_facts($1)::text", 1,
	    params))
		return (db_fail(&db));

	lc_errors_init(&errs);
	if (db_rows(&db) != 1 || !submit_check(db_value(&db, 0, 0), &errs)) {
		kore_log(LOG_ERR, "[%s] submit: unreadable facts",
		    ctx->request_id);
		db_close(&db);
		return (api_error(ctx, 500, "internal", "Internal error"));
	}
	if (errs.n > 0) {
		db_close(&db);
		return (api_error_fields(ctx, 422, "validation_failed",
		    "The application cannot be submitted yet: "
		    "complete or correct these fields",
		    app_errors_json(&errs)));
	}

	if (!db_set(&db, "sen.reason", NULL) ||
	    !db_exec(&db, "SELECT applications_submit($1)", 1, params))
		return (db_fail(&db));

	return (app_reply(&db, ctx->params[0], 200));
}

int
applications_withdraw(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body;
	const char	*params[1];
	char		aid[24], status[APP_STATUS_LEN], msg[96], *reason;
	int64_t		version;

	if (!api_if_match(ctx, &version))
		return (KORE_RESULT_OK);

	/* The reason is optional, and so is the body. */
	reason = NULL;
	if (ctx->req->content_length > 0) {
		if ((body = api_body(ctx, app_withdraw_fields)) == NULL)
			return (KORE_RESULT_OK);
		if (json_string_value(json_object_get(body, "reason")) != NULL)
			reason = kore_strdup(json_string_value(
			    json_object_get(body, "reason")));
		json_decref(body);
	}

	if (!db_open(&db, ctx)) {
		kore_free(reason);
		return (KORE_RESULT_OK);
	}
	if (!db_begin(&db, "applications.withdraw")) {
		kore_free(reason);
		return (db_fail(&db));
	}
	if (!app_lock(&db, ctx->params[0], 1, version, status,
	    sizeof(status))) {
		kore_free(reason);
		return (KORE_RESULT_OK);
	}
	if (!lc_can_move(status, "withdrawn")) {
		kore_free(reason);
		db_close(&db);
		(void)snprintf(msg, sizeof(msg), "An application that is %s "
		    "can no longer be withdrawn", status);
		return (api_error(ctx, 409, "conflict", msg));
	}

	(void)snprintf(aid, sizeof(aid), "%lld", (long long)ctx->params[0]);
	params[0] = aid;
	if (!db_set(&db, "sen.reason", lc_blank(reason) ? NULL : reason) ||
	    !db_exec(&db, "UPDATE applications SET status = 'withdrawn' "
	    "WHERE id = $1", 1, params)) {
		kore_free(reason);
		return (db_fail(&db));
	}
	kore_free(reason);

	return (app_reply(&db, ctx->params[0], 200));
}
