/* app/applications/list.c: to be written. */

#include "sen.h"

int
applications_list(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}

int
applications_export(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}
