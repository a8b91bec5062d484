/*
 * GET /api/reports/{funnel,priority,wards,outcomes,workload}
 *     ?call_id=&from=&to=&ward=&format=json|csv
 *
 * One route per report, all alike: the parameters are checked (every bad
 * one named in one 400, a call or a ward that does not exist included),
 * then the report's SQL runs: api_report_<name>() for JSON, the rows of
 * report_<name>() for CSV -- the same rows, so the two always agree.
 * What each figure counts is written beside it in the migration.
 *
 * The reports hold counts and sums, no one's personal data (the workload
 * names reviewers and mentors, who are staff's colleagues), so reading
 * them is not audited.
 */

#include <time.h>

#include "sen.h"
#include "lib/report.h"
#include "reports.h"

/* The SQL of a report, by name (constant fragments only). */
#define REPORT_ARGS	"($1::bigint, $2::date, $3::date, $4::text, now())"

static int	report_run(struct api_ctx *, const char *);
static int	report_check(struct api_ctx *, struct db *,
		    const struct report_params *, struct report_problems *);
static int	report_reply_csv(struct api_ctx *, struct db *, const char *);

int
reports_funnel(struct api_ctx *ctx)
{
	return (report_run(ctx, "funnel"));
}

int
reports_priority(struct api_ctx *ctx)
{
	return (report_run(ctx, "priority"));
}

int
reports_wards(struct api_ctx *ctx)
{
	return (report_run(ctx, "wards"));
}

int
reports_outcomes(struct api_ctx *ctx)
{
	return (report_run(ctx, "outcomes"));
}

int
reports_workload(struct api_ctx *ctx)
{
	return (report_run(ctx, "workload"));
}

static json_t *
problems_json(const struct report_problems *pr)
{
	json_t	*errs;
	int	i;

	errs = json_object();
	for (i = 0; i < pr->n; i++)
		json_object_set_new(errs, pr->p[i].name,
		    json_string(pr->p[i].message));

	return (errs);
}

static int
report_run(struct api_ctx *ctx, const char *name)
{
	struct report_params	rp;
	struct report_problems	pr;
	struct db		db;
	const char		*params[4];
	char			sql[160];

	report_parse(ctx->req->query_string, &rp, &pr);

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!report_check(ctx, &db, &rp, &pr))
		return (KORE_RESULT_OK);

	params[0] = rp.call_id[0] ? rp.call_id : NULL;
	params[1] = rp.from[0] ? rp.from : NULL;
	params[2] = rp.to[0] ? rp.to : NULL;
	params[3] = rp.ward[0] ? rp.ward : NULL;

	if (rp.format == REPORT_CSV) {
		(void)snprintf(sql, sizeof(sql),
		    "SELECT * FROM report_%s" REPORT_ARGS, name);
		if (!db_exec(&db, sql, 4, params))
			return (db_fail(&db));
		return (report_reply_csv(ctx, &db, name));
	}

	(void)snprintf(sql, sizeof(sql),
	    "SELECT api_report_%s" REPORT_ARGS "::text", name);
	if (!db_exec(&db, sql, 4, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}

/* One more problem, unless the parameter has one already. */
static void
report_problem(struct report_problems *pr, const char *name,
    const char *msg)
{
	int	i;

	for (i = 0; i < pr->n; i++) {
		if (!strcmp(pr->p[i].name, name))
			return;
	}
	if (pr->n == REPORT_PROBLEMS_MAX)
		return;
	(void)snprintf(pr->p[pr->n].name, sizeof(pr->p[pr->n].name), "%s",
	    name);
	pr->p[pr->n++].message = msg;
}

/*
 * The problems of the query string, and those only the database knows:
 * a call or a ward that does not exist is a mistake, not an empty
 * report.  1 when the report may run; 0 when a 400 naming every bad
 * parameter, or the database's error, has been sent.
 */
static int
report_check(struct api_ctx *ctx, struct db *db,
    const struct report_params *rp, struct report_problems *pr)
{
	const char	*params[2];

	params[0] = rp->call_id[0] ? rp->call_id : NULL;
	params[1] = rp->ward[0] && strcmp(rp->ward, "outside") ?
	    rp->ward : NULL;
	if (params[0] != NULL || params[1] != NULL) {
		if (!db_exec(db,
		    "SELECT $1::bigint IS NOT NULL AND NOT EXISTS "
		    "  (SELECT 1 FROM calls WHERE id = $1::bigint), "
		    "$2::text IS NOT NULL AND NOT EXISTS "
		    "  (SELECT 1 FROM wards WHERE code = $2::text)",
		    2, params)) {
			db_fail(db);
			return (0);
		}
		if (db_value(db, 0, 0)[0] == 't')
			report_problem(pr, "call_id", "is not a call");
		if (db_value(db, 0, 1)[0] == 't')
			report_problem(pr, "ward",
			    "is not one of the district's wards");
	}

	if (pr->n == 0)
		return (1);

	db_close(db);
	api_error_fields(ctx, 400, "validation_failed",
	    "Some query parameters are not valid", problems_json(pr));

	return (0);
}

/* The rows of the last result as a CSV download. */
static int
report_reply_csv(struct api_ctx *ctx, struct db *db, const char *name)
{
	struct csv_buf	csv;
	struct tm	tm;
	time_t		now;
	char		disp[96], day[16];
	int		ret;

	csv_init(&csv);
	reports_csv(db, &csv);
	db_close(db);
	if (csv.oom) {
		csv_free(&csv);
		kore_log(LOG_ERR, "[%s] report csv: out of memory",
		    ctx->request_id);
		return (api_error(ctx, 500, "internal", "Internal error"));
	}

	/* Hà Nội is UTC+7 all year (no summer time). */
	now = time(NULL) + 7 * 3600;
	(void)gmtime_r(&now, &tm);
	(void)strftime(day, sizeof(day), "%Y%m%d", &tm);
	(void)snprintf(disp, sizeof(disp),
	    "attachment; filename=\"sen-report-%s-%s.csv\"", name, day);
	api_header(ctx, "content-disposition", disp);

	ret = api_reply_text(ctx, 200, csv.data, csv.len,
	    "text/csv; charset=utf-8");
	csv_free(&csv);

	return (ret);
}
