/* app/applications/screening.c: to be written. */

#include "sen.h"

int
applications_screen(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}

int
applications_verify_priority(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}
