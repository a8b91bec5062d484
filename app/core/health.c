/*
 * GET /api/health for load balancers and monitoring: 200 when Sen can
 * reach PostgreSQL, 503 (same shape, saying what is down) when it cannot.
 */

#include "sen.h"

int
health_get(struct api_ctx *ctx)
{
	struct db	db;
	const char	*state;

	state = "unreachable";
	if (db_connect(&db, ctx)) {
		if (db_exec(&db, "SELECT 1", 0, NULL))
			state = "ok";
		db_close(&db);
	}

	if (strcmp(state, "ok") != 0) {
		api_header(ctx, "retry-after", "5");
		return (api_reply(ctx, 503, json_pack("{s:s, s:s}",
		    "status", "unavailable", "database", state)));
	}

	return (api_reply(ctx, 200, json_pack("{s:s, s:s}",
	    "status", "ok", "database", "ok")));
}
