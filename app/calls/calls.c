/* app/calls/calls.c: to be written. */

#include "sen.h"

int
reference_get(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}

int
calls_list(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}

int
calls_create(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}

int
calls_get(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}

int
calls_update(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}

int
calls_status(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}
