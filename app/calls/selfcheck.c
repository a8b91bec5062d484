/* app/calls/selfcheck.c: to be written. */

#include "sen.h"

int
priority_selfcheck(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}
