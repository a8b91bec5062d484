/*
 * Staff close the scoring of a call under review: from then on no review
 * changes (409, here and in the database), applications in review with
 * the call's number of counted reviews move to reviewed, and the others
 * stay in review and come back as incomplete, for staff to chase or to
 * decide on.  All of it is scoring_close() in migrations/0003, in one
 * transaction.
 */

#include "sen.h"
#include "reviews.h"

int
scoring_close(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[1];
	char		cid[24];

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);

	(void)snprintf(cid, sizeof(cid), "%lld", (long long)ctx->params[0]);
	params[0] = cid;
	if (!db_begin(&db, "scoring.close") ||
	    !db_exec(&db, "SELECT scoring_close($1)", 1, params))
		return (db_fail(&db));

	return (db_reply_commit(&db, 200));
}
