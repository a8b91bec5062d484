/*
 * GET /api/reference: every list a form offers (wards, sectors, business
 * stages, household statuses, disability levels, document kinds, priority
 * categories and their certificates, the poverty standards in force),
 * bilingual, built by api_reference() in SQL.  The same for everyone and
 * rarely changed, so clients and proxies may keep it for five minutes.
 */

#include "sen.h"

#define REFERENCE_CACHE		"public, max-age=300"

/*
 * api_reply_text() marks every reply no-store; this one alone may be
 * cached, so it sets the same headers with its own Cache-Control.
 */
static int
reply_cacheable(struct api_ctx *ctx, const char *text, size_t len)
{
	api_header(ctx, "content-type", "application/json; charset=utf-8");
	api_header(ctx, "x-request-id", ctx->request_id);
	api_header(ctx, "cache-control", REFERENCE_CACHE);
	api_header(ctx, "x-content-type-options", "nosniff");
	api_header(ctx, "referrer-policy", "same-origin");
	api_header(ctx, "content-security-policy",
	    "default-src 'none'; frame-ancestors 'none'");
	http_response(ctx->req, 200, text, len);

	return (KORE_RESULT_OK);
}

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
	ret = reply_cacheable(ctx, v, strlen(v));
	db_close(&db);

	return (ret);
}
