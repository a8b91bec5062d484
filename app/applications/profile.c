/* app/applications/profile.c: to be written. */

#include "sen.h"

int
profile_get(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}

int
profile_put(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}

int
messages_mine(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}
