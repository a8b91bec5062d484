/*
 * GET /api/openapi.json: the API reference, assets/openapi.json compiled
 * into the module (build/openapi_json.c, made by the Makefile), so that a
 * chrooted worker needs no file system access to serve it.
 */

#include "sen.h"

extern unsigned char	assets_openapi_json[];
extern unsigned int	assets_openapi_json_len;

int
openapi_get(struct api_ctx *ctx)
{
	return (api_reply_text(ctx, 200, (const char *)assets_openapi_json,
	    assets_openapi_json_len, "application/json; charset=utf-8"));
}
