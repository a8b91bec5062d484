/*
 * Assignments of a call: the list, automatic assignment, single manual
 * ones, their removal and their release to the reviewers.
 *
 * Automatic assignment is lib/assign.c (a flow problem, not a greedy
 * loop) over the call's eligible and in-review applications, its active
 * reviewers and its conflicts and recusals.  Manual assignments and
 * every released one are kept as they are and counted in the loads; the
 * unreleased automatic ones of an earlier run are the proposal that the
 * new run replaces.  Rows the new run proposes again are left alone (same
 * id, no audit noise), the others deleted, the new ones inserted.  The
 * solver sorts its input, so the same sets give the same result.
 *
 * Nothing is visible to a reviewer until staff release: release stamps
 * every unreleased assignment of the call with the time and the call's
 * review due date, and queues one message per reviewer with new work.
 */

#include "sen.h"
#include "committee.h"
#include "lib/assign.h"

static const struct schema_field add_fields[] = {
	{ "application_id", SCHEMA_INT, SCHEMA_REQUIRED, 1, INT64_MAX, NULL,
	    NULL, NULL, NULL },
	{ "reviewer_id", SCHEMA_INT, SCHEMA_REQUIRED, 1, INT64_MAX, NULL,
	    NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

/* What the solver is given, read from the database. */
struct auto_input {
	int64_t			*apps;
	size_t			 napps;
	int64_t			*revs;
	size_t			 nrevs;
	struct assign_pair	*conflicts;
	size_t			 nconflicts;
	struct assign_pair	*recusals;
	size_t			 nrecusals;
	struct assign_pair	*fixed;
	size_t			 nfixed;
};

static void
auto_input_free(struct auto_input *in)
{
	void	*p[5];
	size_t	 i;

	p[0] = in->apps;
	p[1] = in->revs;
	p[2] = in->conflicts;
	p[3] = in->recusals;
	p[4] = in->fixed;
	for (i = 0; i < 5; i++) {
		if (p[i] != NULL)
			kore_free(p[i]);
	}
	memset(in, 0, sizeof(*in));
}

static int
cmp_id(const void *a, const void *b)
{
	int64_t		x = *(const int64_t *)a, y = *(const int64_t *)b;

	return ((x > y) - (x < y));
}

static int
cmp_pair(const void *a, const void *b)
{
	const struct assign_pair	*x = a, *y = b;

	if (x->app != y->app)
		return ((x->app > y->app) - (x->app < y->app));
	return ((x->rev > y->rev) - (x->rev < y->rev));
}

static int
has_id(const int64_t *ids, size_t n, int64_t id)
{
	return (bsearch(&id, ids, n, sizeof(*ids), cmp_id) != NULL);
}

/* Column 0 of every row as ids. */
static int64_t *
rows_ids(struct db *db, size_t *n)
{
	int64_t		*ids;
	int		i;

	*n = (size_t)db_rows(db);
	ids = kore_calloc(*n ? *n : 1, sizeof(*ids));
	for (i = 0; i < db_rows(db); i++)
		ids[i] = db_int(db, i, 0);

	return (ids);
}

/*
 * Read the solver's input for call cid (locked).  Fixed pairs are kept
 * only between the applications and reviewers of this run: a released
 * assignment of a reviewer disabled since does not count, nor one of an
 * application that moved on.  0 when a query failed (not replied).
 */
static int
auto_read(struct db *db, const char *cid, struct auto_input *in)
{
	const char	*params[1];
	struct assign_pair p;
	int		i;

	params[0] = cid;
	memset(in, 0, sizeof(*in));

	if (!db_exec(db, "SELECT id FROM applications WHERE call_id = $1 "
	    "AND status IN ('eligible', 'in_review') ORDER BY id", 1, params))
		return (0);
	in->apps = rows_ids(db, &in->napps);

	if (!db_exec(db, "SELECT cr.reviewer_id FROM call_reviewers cr "
	    "JOIN users u ON u.id = cr.reviewer_id WHERE cr.call_id = $1 "
	    "AND u.role = 'reviewer' AND u.disabled_at IS NULL ORDER BY 1",
	    1, params))
		return (0);
	in->revs = rows_ids(db, &in->nrevs);

	if (!db_exec(db, "SELECT x.application_id, x.reviewer_id, "
	    "  x.declared_by = x.reviewer_id FROM conflicts x "
	    "JOIN applications a ON a.id = x.application_id "
	    "WHERE a.call_id = $1 AND a.status IN ('eligible', 'in_review')",
	    1, params))
		return (0);
	in->conflicts = kore_calloc(db_rows(db) + 1, sizeof(*in->conflicts));
	in->recusals = kore_calloc(db_rows(db) + 1, sizeof(*in->recusals));
	for (i = 0; i < db_rows(db); i++) {
		p.app = db_int(db, i, 0);
		p.rev = db_int(db, i, 1);
		if (db_value(db, i, 2)[0] == 't')
			in->recusals[in->nrecusals++] = p;
		else
			in->conflicts[in->nconflicts++] = p;
	}

	if (!db_exec(db, "SELECT application_id, reviewer_id "
	    "FROM assignments WHERE call_id = $1 "
	    "AND (source = 'manual' OR released_at IS NOT NULL)", 1, params))
		return (0);
	in->fixed = kore_calloc(db_rows(db) + 1, sizeof(*in->fixed));
	for (i = 0; i < db_rows(db); i++) {
		p.app = db_int(db, i, 0);
		p.rev = db_int(db, i, 1);
		if (has_id(in->apps, in->napps, p.app) &&
		    has_id(in->revs, in->nrevs, p.rev))
			in->fixed[in->nfixed++] = p;
	}
	qsort(in->fixed, in->nfixed, sizeof(*in->fixed), cmp_pair);

	return (1);
}

static const char *
rev_state(int state)
{
	switch (state) {
	case ASSIGN_REV_LIMITED:
		return ("limited");
	case ASSIGN_REV_MANUAL:
		return ("manual");
	}

	return ("balanced");
}

/* Why an application is short, for staff, in both languages. */
static json_t *
short_json(const struct assign_app *ap, unsigned int k)
{
	char		vi[300], en[300];
	const char	*code;

	if (ap->reason == ASSIGN_SHORT_CONFLICTS) {
		code = "conflicts";
		(void)snprintf(vi, sizeof(vi), "không đủ thành viên hội đồng "
		    "không có xung đột lợi ích (%u người không có xung đột, "
		    "cần %u)", ap->eligible, k);
		(void)snprintf(en, sizeof(en), "%s (%u without a conflict, "
		    "%u needed)", assign_reason(ap->reason), ap->eligible, k);
	} else {
		code = "balance";
		(void)snprintf(vi, sizeof(vi), "các thành viên không có xung "
		    "đột lợi ích đã nhận đủ phần việc cân bằng; hãy phân công "
		    "thủ công hoặc bổ sung thành viên hội đồng");
		(void)snprintf(en, sizeof(en), "%s; assign a reviewer by hand "
		    "or enlarge the committee", assign_reason(ap->reason));
	}

	return (json_pack("{s:I, s:i, s:i, s:i, s:s, s:{s:s, s:s}}",
	    "application_id", (json_int_t)ap->id, "assigned", (int)ap->n,
	    "needed", (int)k, "eligible_reviewers", (int)ap->eligible,
	    "reason", code, "message", "vi", vi, "en", en));
}

/*
 * The pairs of the result that are new (not fixed), as two parallel
 * array literals for unnest().
 */
static void
auto_new_pairs(const struct assign_result *res, const struct auto_input *in,
    char **apps, char **revs, size_t *n)
{
	struct assign_pair	 p;
	int64_t			*a, *r;
	size_t			 i, j;

	a = kore_calloc(res->total + 1, sizeof(*a));
	r = kore_calloc(res->total + 1, sizeof(*r));
	*n = 0;
	for (i = 0; i < res->napps; i++) {
		for (j = 0; j < res->apps[i].n; j++) {
			p.app = res->apps[i].id;
			p.rev = res->apps[i].revs[j];
			if (bsearch(&p, in->fixed, in->nfixed, sizeof(p),
			    cmp_pair) != NULL)
				continue;
			a[*n] = p.app;
			r[*n] = p.rev;
			(*n)++;
		}
	}
	*apps = committee_ids_text(a, *n);
	*revs = committee_ids_text(r, *n);
	kore_free(a);
	kore_free(r);
}

/* The answer, before names and references are added in SQL. */
static json_t *
auto_report(const struct assign_result *res, const struct auto_input *in,
    unsigned int k, size_t proposed)
{
	json_t		*doc, *loads, *shorts;
	size_t		i;

	loads = json_array();
	for (i = 0; i < res->nrevs; i++)
		json_array_append_new(loads, json_pack("{s:I, s:i, s:i, s:s}",
		    "reviewer_id", (json_int_t)res->revs[i].id,
		    "load", (int)res->revs[i].load,
		    "fixed", (int)res->revs[i].nfixed,
		    "state", rev_state(res->revs[i].state)));

	shorts = json_array();
	for (i = 0; i < res->napps; i++) {
		if (res->apps[i].reason != ASSIGN_FULL)
			json_array_append_new(shorts,
			    short_json(&res->apps[i], k));
	}

	doc = json_pack("{s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:b}",
	    "reviewers_per_application", (int)k,
	    "applications", (json_int_t)in->napps,
	    "reviewers", (json_int_t)in->nrevs,
	    "assignments", (json_int_t)res->total,
	    "kept", (json_int_t)in->nfixed,
	    "proposed", (json_int_t)proposed,
	    "level", (json_int_t)res->level,
	    "complete", res->nshort == 0);
	json_object_set_new(doc, "loads", loads);
	json_object_set_new(doc, "short", shorts);

	return (doc);
}

/*
 * POST /api/calls/{id}/assignments/auto.  The call's row stays locked
 * from the read of the input to the commit, so two runs at once happen
 * one after the other and the second finds the first's proposal.
 */
int
assignments_auto(struct api_ctx *ctx)
{
	struct db		 db;
	struct auto_input	 in;
	struct assign_input	 ain;
	struct assign_result	 res;
	json_t			*doc;
	const char		*params[4];
	char			 cid[COMMITTEE_ID_LEN], uid[COMMITTEE_ID_LEN];
	char			*apps, *revs, *text;
	unsigned int		 k;
	size_t			 nnew;
	int			 rc;

	(void)snprintf(cid, sizeof(cid), "%lld", (long long)ctx->params[0]);
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = cid;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_begin(&db, "assignments.auto"))
		return (db_fail(&db));
	if (!committee_lock_call(&db, cid, 1))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT reviewers_per_application FROM calls "
	    "WHERE id = $1", 1, params))
		return (db_fail(&db));
	k = (unsigned int)db_int(&db, 0, 0);

	if (!auto_read(&db, cid, &in)) {
		auto_input_free(&in);
		return (db_fail(&db));
	}
	if (in.nrevs == 0) {
		auto_input_free(&in);
		db_close(&db);
		return (api_error(ctx, 409, "conflict", "The call has no "
		    "active reviewers: name its committee first"));
	}

	memset(&ain, 0, sizeof(ain));
	ain.apps = in.apps;
	ain.napps = in.napps;
	ain.revs = in.revs;
	ain.nrevs = in.nrevs;
	ain.k = k;
	ain.conflicts = in.conflicts;
	ain.nconflicts = in.nconflicts;
	ain.recusals = in.recusals;
	ain.nrecusals = in.nrecusals;
	ain.fixed = in.fixed;
	ain.nfixed = in.nfixed;
	if ((rc = assign_run(&ain, &res)) != ASSIGN_OK) {
		kore_log(LOG_ERR, "[%s] assign_run: %d", ctx->request_id, rc);
		auto_input_free(&in);
		db_close(&db);
		return (api_error(ctx, 500, "internal", "Internal error"));
	}

	auto_new_pairs(&res, &in, &apps, &revs, &nnew);
	doc = auto_report(&res, &in, k, nnew);
	assign_free(&res);
	auto_input_free(&in);

	params[1] = apps;
	params[2] = revs;
	params[3] = uid;
	if (!db_exec(&db, "DELETE FROM assignments a WHERE a.call_id = $1 "
	    "AND a.source = 'auto' AND a.released_at IS NULL "
	    "AND (a.application_id, a.reviewer_id) NOT IN ("
	    "  SELECT * FROM unnest($2::bigint[], $3::bigint[]))", 3, params) ||
	    !db_exec(&db, "INSERT INTO assignments (call_id, application_id, "
	    "  reviewer_id, source, created_by) "
	    "SELECT $1, p.a, p.r, 'auto', $4 "
	    "FROM unnest($2::bigint[], $3::bigint[]) AS p(a, r) "
	    "WHERE NOT EXISTS (SELECT 1 FROM assignments x "
	    "  WHERE x.application_id = p.a AND x.reviewer_id = p.r)",
	    4, params)) {
		kore_free(apps);
		kore_free(revs);
		json_decref(doc);
		return (db_fail(&db));
	}
	kore_free(apps);
	kore_free(revs);

	/* Names of the reviewers, references of the applications short. */
	text = json_dumps(doc, JSON_COMPACT);
	json_decref(doc);
	params[1] = text;
	if (!db_exec(&db, "SELECT (r || jsonb_build_object("
	    "  'call_id', $1::bigint, "
	    "  'loads', (SELECT coalesce(jsonb_agg(l || jsonb_build_object("
	    "      'full_name', u.full_name) "
	    "    ORDER BY u.full_name COLLATE sen_vi, u.id), '[]') "
	    "    FROM jsonb_array_elements(r -> 'loads') l "
	    "    JOIN users u ON u.id = (l ->> 'reviewer_id')::bigint), "
	    "  'short', (SELECT coalesce(jsonb_agg(s || jsonb_build_object("
	    "      'reference', a.reference, "
	    "      'business_name', a.business_name) ORDER BY a.id), '[]') "
	    "    FROM jsonb_array_elements(r -> 'short') s "
	    "    JOIN applications a ON a.id = (s ->> 'application_id')::bigint)"
	    "))::json FROM (SELECT $2::jsonb AS r) x", 2, params)) {
		free(text);
		return (db_fail(&db));
	}
	free(text);

	return (db_reply_commit(&db, 200));
}

/*
 * GET /api/calls/{id}/assignments[?application_id=][&reviewer_id=]: the
 * filters narrow the items, not the summary, which is the whole call's.
 */
int
assignments_list(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[3];
	char		cid[COMMITTEE_ID_LEN], aid[COMMITTEE_ID_LEN];
	char		rid[COMMITTEE_ID_LEN];
	int64_t		app, rev;
	int		ra, rr;

	if ((ra = api_query_int(ctx, "application_id", 1, INT64_MAX, 0,
	    &app)) == -1)
		return (KORE_RESULT_OK);
	if ((rr = api_query_int(ctx, "reviewer_id", 1, INT64_MAX, 0,
	    &rev)) == -1)
		return (KORE_RESULT_OK);

	(void)snprintf(cid, sizeof(cid), "%lld", (long long)ctx->params[0]);
	(void)snprintf(aid, sizeof(aid), "%lld", (long long)app);
	(void)snprintf(rid, sizeof(rid), "%lld", (long long)rev);
	params[0] = cid;
	params[1] = ra == 1 ? aid : NULL;
	params[2] = rr == 1 ? rid : NULL;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT api_assignments($1, $2, $3)", 3, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}

/*
 * POST /api/calls/{id}/assignments {application_id, reviewer_id}: one
 * assignment by hand, unreleased until staff release.
 */
int
assignments_add(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body, *errors;
	const char	*params[4];
	char		cid[COMMITTEE_ID_LEN], aid[COMMITTEE_ID_LEN];
	char		rid[COMMITTEE_ID_LEN], uid[COMMITTEE_ID_LEN];

	if ((body = api_body(ctx, add_fields)) == NULL)
		return (KORE_RESULT_OK);
	(void)snprintf(cid, sizeof(cid), "%lld", (long long)ctx->params[0]);
	(void)snprintf(aid, sizeof(aid), "%lld", (long long)
	    json_integer_value(json_object_get(body, "application_id")));
	(void)snprintf(rid, sizeof(rid), "%lld", (long long)
	    json_integer_value(json_object_get(body, "reviewer_id")));
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	json_decref(body);
	params[0] = cid;
	params[1] = aid;
	params[2] = rid;
	params[3] = uid;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_begin(&db, "assignments.add"))
		return (db_fail(&db));
	if (!committee_lock_call(&db, cid, 1))
		return (KORE_RESULT_OK);

	if (!db_exec(&db, "SELECT "
	    "  EXISTS (SELECT 1 FROM applications WHERE id = $2 "
	    "    AND call_id = $1 AND status IN ('eligible', 'in_review')), "
	    "  EXISTS (SELECT 1 FROM call_reviewers cr "
	    "    JOIN users u ON u.id = cr.reviewer_id WHERE cr.call_id = $1 "
	    "    AND cr.reviewer_id = $3 AND u.role = 'reviewer' "
	    "    AND u.disabled_at IS NULL), "
	    "  EXISTS (SELECT 1 FROM conflicts WHERE application_id = $2 "
	    "    AND reviewer_id = $3), "
	    "  EXISTS (SELECT 1 FROM assignments WHERE application_id = $2 "
	    "    AND reviewer_id = $3)", 3, params))
		return (db_fail(&db));

	errors = json_object();
	if (db_value(&db, 0, 0)[0] != 't')
		json_object_set_new(errors, "application_id", json_string(
		    "is not an eligible application of this call"));
	if (db_value(&db, 0, 1)[0] != 't')
		json_object_set_new(errors, "reviewer_id", json_string(
		    "is not an active member of this call's committee"));
	if (json_object_size(errors) > 0) {
		db_close(&db);
		(void)api_fields_reply(ctx, errors);
		json_decref(errors);
		return (KORE_RESULT_OK);
	}
	json_decref(errors);
	if (db_value(&db, 0, 2)[0] == 't') {
		db_close(&db);
		return (api_error_fields(ctx, 409, "conflict",
		    "The reviewer has a conflict of interest with this "
		    "application", json_pack("{s:s}", "reviewer_id",
		    "has a conflict of interest with this application")));
	}
	if (db_value(&db, 0, 3)[0] == 't') {
		db_close(&db);
		return (api_error_fields(ctx, 409, "conflict",
		    "The reviewer is already assigned to this application",
		    json_pack("{s:s}", "reviewer_id",
		    "is already assigned to this application")));
	}

	if (!db_exec(&db, "WITH x AS (INSERT INTO assignments (call_id, "
	    "  application_id, reviewer_id, source, created_by) "
	    "  VALUES ($1, $2, $3, 'manual', $4) RETURNING *) "
	    "SELECT api_assignment(x) FROM x", 4, params))
		return (db_fail(&db));

	return (db_reply_commit(&db, 201));
}

/*
 * DELETE /api/assignments/{id}.  Refused once the review was submitted
 * (assignments_delete_guard); a draft review goes with it.  The reviewer
 * is not told: staff who take back released work tell her themselves.
 */
int
assignments_remove(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[1];
	char		id[COMMITTEE_ID_LEN], cid[COMMITTEE_ID_LEN];

	(void)snprintf(id, sizeof(id), "%lld", (long long)ctx->params[0]);
	params[0] = id;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_begin(&db, "assignments.remove") ||
	    !db_exec(&db, "SELECT call_id FROM assignments WHERE id = $1",
	    1, params))
		return (db_fail(&db));
	if (db_rows(&db) != 1) {
		db_close(&db);
		return (api_error(ctx, 404, "not_found",
		    "No such assignment"));
	}
	(void)snprintf(cid, sizeof(cid), "%s", db_value(&db, 0, 0));
	if (!committee_lock_call(&db, cid, 1))
		return (KORE_RESULT_OK);

	if (!db_exec(&db, "SELECT committee_review_submitted(application_id, "
	    "reviewer_id) FROM assignments WHERE id = $1 FOR UPDATE",
	    1, params))
		return (db_fail(&db));
	if (db_rows(&db) != 1) {
		db_close(&db);
		return (api_error(ctx, 404, "not_found",
		    "No such assignment"));
	}
	if (db_value(&db, 0, 0)[0] == 't') {
		db_close(&db);
		return (api_error(ctx, 409, "conflict", "The reviewer has "
		    "submitted a review for this assignment: it stays"));
	}

	if (!db_exec(&db, "DELETE FROM assignments WHERE id = $1", 1, params)
	    || !db_commit(&db))
		return (db_fail(&db));
	db_close(&db);

	return (api_no_content(ctx));
}

/*
 * POST /api/calls/{id}/assignments/release.  The call needs a review due
 * date ahead.  Releasing when everything is released already changes
 * nothing and says so (released: 0).
 */
int
assignments_release(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[1];
	char		cid[COMMITTEE_ID_LEN];

	(void)snprintf(cid, sizeof(cid), "%lld", (long long)ctx->params[0]);
	params[0] = cid;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_begin(&db, "assignments.release"))
		return (db_fail(&db));
	if (!committee_lock_call(&db, cid, 1))
		return (KORE_RESULT_OK);

	if (!db_exec(&db, "SELECT review_due_at IS NULL, "
	    "review_due_at <= now() FROM calls WHERE id = $1", 1, params))
		return (db_fail(&db));
	if (db_value(&db, 0, 0)[0] == 't' || db_value(&db, 0, 1)[0] == 't') {
		db_close(&db);
		return (api_error_fields(ctx, 409, "conflict",
		    "The call needs a review due date ahead before its "
		    "assignments are released", json_pack("{s:s}",
		    "review_due_at", "must be set, and in the future")));
	}

	if (!db_exec(&db, "SELECT committee_release($1)", 1, params))
		return (db_fail(&db));

	return (db_reply_commit(&db, 200));
}
