/*
 * Every response of the API leaves through here: JSON with the request id
 * and the same security headers, and every error in one shape:
 *
 *   {"error":{"code":"validation_failed","message":"…","fields":{…}}}
 */

#include "sen.h"

void
api_header(struct api_ctx *ctx, const char *name, const char *value)
{
	http_response_header(ctx->req, name, value);
}

static void
common_headers(struct api_ctx *ctx, const char *type, const char *cache)
{
	api_header(ctx, "content-type", type);
	api_header(ctx, "x-request-id", ctx->request_id);
	api_header(ctx, "cache-control", cache);
	api_header(ctx, "x-content-type-options", "nosniff");
	api_header(ctx, "referrer-policy", "same-origin");
	api_header(ctx, "content-security-policy",
	    "default-src 'none'; frame-ancestors 'none'");
}

int
api_reply_text(struct api_ctx *ctx, int status, const char *text,
    size_t len, const char *type)
{
	common_headers(ctx, type != NULL ? type :
	    "application/json; charset=utf-8", "no-store");
	idem_reply(ctx, status, text, len);
	http_response(ctx->req, status, text, len);

	return (KORE_RESULT_OK);
}

/*
 * The same for the rare replies that are the same for everyone and may be
 * kept by clients and proxies (reference data), cache e.g.
 * "public, max-age=300".
 */
int
api_reply_cached(struct api_ctx *ctx, const char *text, size_t len,
    const char *cache)
{
	common_headers(ctx, "application/json; charset=utf-8", cache);
	http_response(ctx->req, 200, text, len);

	return (KORE_RESULT_OK);
}

/* Takes the reference to body. */
int
api_reply(struct api_ctx *ctx, int status, json_t *body)
{
	char		*text;

	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);

	if (text == NULL) {
		kore_log(LOG_ERR, "[%s] json_dumps failed", ctx->request_id);
		return (api_error(ctx, 500, "internal", "Internal error"));
	}

	(void)api_reply_text(ctx, status, text, strlen(text), NULL);
	free(text);

	return (KORE_RESULT_OK);
}

/* Takes the reference to fields (may be NULL). */
int
api_error_fields(struct api_ctx *ctx, int status, const char *code,
    const char *message, json_t *fields)
{
	json_t		*err;

	err = json_pack("{s:s, s:s}", "code", code, "message", message);
	if (fields != NULL)
		json_object_set_new(err, "fields", fields);

	return (api_reply(ctx, status, json_pack("{s:o}", "error", err)));
}

int
api_error(struct api_ctx *ctx, int status, const char *code,
    const char *message)
{
	return (api_error_fields(ctx, status, code, message, NULL));
}

int
api_unavailable(struct api_ctx *ctx, const char *what)
{
	char		msg[128];

	api_header(ctx, "retry-after", "5");
	(void)snprintf(msg, sizeof(msg),
	    "The %s is unavailable, try again shortly", what);

	return (api_error(ctx, 503, "unavailable", msg));
}

int
api_no_content(struct api_ctx *ctx)
{
	api_header(ctx, "x-request-id", ctx->request_id);
	api_header(ctx, "cache-control", "no-store");
	idem_reply(ctx, 204, "", 0);
	http_response(ctx->req, 204, NULL, 0);

	return (KORE_RESULT_OK);
}

/*
 * Versions for optimistic concurrency: reads send ETag: "<version>",
 * writes send it back in If-Match, and a stale one gets 412.
 */
void
api_etag(struct api_ctx *ctx, int64_t version)
{
	char		buf[32];

	(void)snprintf(buf, sizeof(buf), "\"%lld\"", (long long)version);
	api_header(ctx, "etag", buf);
}

/*
 * The version a write is based on.  1: found (in *version); 0: missing or
 * malformed, and a 428 or 400 reply has been sent.
 */
int
api_if_match(struct api_ctx *ctx, int64_t *version)
{
	const char	*v, *p;
	int64_t		n;

	if (!http_request_header(ctx->req, "if-match", &v)) {
		api_error(ctx, 428, "precondition_failed",
		    "Send the If-Match header with the ETag you last read");
		return (0);
	}

	p = v;
	if (p[0] == 'W' && p[1] == '/')
		p += 2;
	if (*p++ != '"' || *p < '1' || *p > '9') {
		api_error(ctx, 400, "bad_json",
		    "If-Match must be an ETag such as \"3\"");
		return (0);
	}

	for (n = 0; *p >= '0' && *p <= '9'; p++) {
		if (n > (INT32_MAX - 9) / 10) {
			api_error(ctx, 400, "bad_json", "If-Match is too large");
			return (0);
		}
		n = n * 10 + (*p - '0');
	}
	if (p[0] != '"' || p[1] != '\0') {
		api_error(ctx, 400, "bad_json",
		    "If-Match must be an ETag such as \"3\"");
		return (0);
	}

	*version = n;
	return (1);
}
