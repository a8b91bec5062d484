/* app/review/ranking.c: to be written. */

#include "sen.h"

int
ranking_get(struct api_ctx *ctx)
{
	return (api_error(ctx, 501, "internal", "Not implemented yet"));
}
