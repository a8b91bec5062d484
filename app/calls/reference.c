/*
 * GET /api/reference: every list a form offers (wards, sectors, business
 * stages, household statuses, disability levels, document kinds, priority
 * categories and their certificates, the poverty standards in force),
 * bilingual, built by api_reference() in SQL.  The same for everyone and
 * rarely changed, so clients and proxies may keep it for five minutes.
 */

#include "sen.h"

#define REFERENCE_CACHE		"public, max-age=300"

int
reference_get(struct api_ctx *ctx)
{
	struct db	db;
	const char	*v;
	int		ret;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT api_reference()", 0, NULL))
		return (db_fail(&db));
	if (db_rows(&db) != 1 || db_isnull(&db, 0, 0)) {
		db_close(&db);
		return (api_error(ctx, 500, "internal", "Internal error"));
	}

	v = db_value(&db, 0, 0);
	ret = api_reply_cached(ctx, v, strlen(v), REFERENCE_CACHE);
	db_close(&db);

	return (ret);
}
