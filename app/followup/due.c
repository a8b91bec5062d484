/*
 * What staff follow up on: scheduled check-ins due soon or overdue
 * (followup_due in migrations/0006_followup.sql), and the list of
 * support areas that check-ins and trainings choose from.
 *
 * The due list is a function of the time: ?as_of= asks it for another
 * moment than now, so that staff can look ahead (and tests can move the
 * clock without waiting).  Reminders to the entrepreneurs go out from
 * the periodic job (core/housekeeping.c).
 */

#include "sen.h"
#include "followup.h"

#define DUE_WITHIN_MAX	365
#define DUE_LIMIT_MAX	1000

/* GET /api/support-areas */
int
support_areas_list(struct api_ctx *ctx)
{
	struct db	db;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT api_support_areas()::text", 0, NULL))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}

/*
 * GET /api/followups/due?within_days=&as_of=&call_id=&ward=&limit=:
 * oldest due date first.
 */
int
followups_due(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[5];
	char		as_of[40], within[8], call[24], ward[8], limit[8];
	int64_t		n;
	int		r;

	if ((r = api_query(ctx, "as_of", as_of, sizeof(as_of))) == -1)
		return (KORE_RESULT_OK);
	if (r == 1 && !schema_timestamp_valid(as_of))
		return (api_error_fields(ctx, 400, "validation_failed",
		    "Query parameter is malformed", json_pack("{s:s}", "as_of",
		    "must be a time as YYYY-MM-DDTHH:MM:SS+07:00")));
	params[0] = r == 1 ? as_of : NULL;

	if (api_query_int(ctx, "within_days", 0, DUE_WITHIN_MAX, 14, &n) == -1)
		return (KORE_RESULT_OK);
	fu_id(within, sizeof(within), n);
	params[1] = within;

	if (api_query_int(ctx, "call_id", 1, INT64_MAX, 0, &n) == -1)
		return (KORE_RESULT_OK);
	fu_id(call, sizeof(call), n);
	params[2] = n != 0 ? call : NULL;

	if ((r = api_query(ctx, "ward", ward, sizeof(ward))) == -1)
		return (KORE_RESULT_OK);
	if (r == 1 && (strlen(ward) != 5 ||
	    strspn(ward, "0123456789") != 5))
		return (api_error_fields(ctx, 400, "validation_failed",
		    "Unknown ward", json_pack("{s:s}", "ward",
		    "must be a ward code of 5 digits")));
	params[3] = r == 1 ? ward : NULL;

	if (api_query_int(ctx, "limit", 1, DUE_LIMIT_MAX, 200, &n) == -1)
		return (KORE_RESULT_OK);
	fu_id(limit, sizeof(limit), n);
	params[4] = limit;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT api_followups_due("
	    "coalesce($1::timestamptz, now()), $2::int, $3::bigint, $4, "
	    "$5::int)::text", 5, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}
