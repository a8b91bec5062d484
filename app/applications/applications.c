/* app/applications/applications.c: to be written. */

#include "sen.h"

int
applications_create(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}

int
applications_get(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}

int
applications_update(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}

int
applications_submit(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}

int
applications_withdraw(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}
