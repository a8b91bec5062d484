/*
 * The one way to read a JSON request body: media type, size, syntax
 * (jansson refuses invalid UTF-8, NUL characters and, with the flag
 * below, duplicate keys), then the endpoint's schema.  On failure the
 * error reply has been sent and NULL comes back.
 */

#include <strings.h>

#include "sen.h"

static int
json_media_type(struct http_request *req)
{
	const char	*type;
	size_t		len;

	if (!http_request_header(req, "content-type", &type))
		return (0);

	len = strlen("application/json");
	if (strncasecmp(type, "application/json", len) != 0)
		return (0);

	return (type[len] == '\0' || type[len] == ';' || type[len] == ' ');
}

/*
 * Read and parse the body, and check it against fields.  Syntax problems
 * (media type, size, malformed JSON) are answered here and NULL comes
 * back.  Schema problems are not answered: they are added to errors, so
 * that a handler can add its own cross-field checks and answer every
 * problem of a form at once (api_fields_reply).  A field named in errors
 * must not be trusted by the handler.
 */
json_t *
api_body_collect(struct api_ctx *ctx, const struct schema_field *fields,
    json_t *errors)
{
	struct http_request	*req = ctx->req;
	json_error_t		jerr;
	json_t			*doc;
	char			*buf, msg[200];
	size_t			len, got;
	ssize_t			r;

	if (!json_media_type(req)) {
		api_error(ctx, 415, "bad_json",
		    "Content-Type must be application/json");
		return (NULL);
	}

	len = req->content_length;
	if (len > sen_cfg.json_body_max) {
		api_error(ctx, 413, "too_large", "Request body is too large");
		return (NULL);
	}
	if (len == 0) {
		api_error(ctx, 400, "bad_json", "Request body is empty");
		return (NULL);
	}

	buf = kore_malloc(len);
	if (!http_body_rewind(req)) {
		kore_free(buf);
		api_error(ctx, 500, "internal", "Internal error");
		return (NULL);
	}
	for (got = 0; got < len; got += (size_t)r) {
		/* A body offloaded to disk may come in pieces. */
		if ((r = http_body_read(req, buf + got, len - got)) <= 0) {
			kore_free(buf);
			api_error(ctx, 400, "bad_json",
			    "Request body is incomplete");
			return (NULL);
		}
	}

	doc = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr);
	kore_free(buf);

	if (doc == NULL) {
		(void)snprintf(msg, sizeof(msg),
		    "Malformed JSON at line %d, column %d: %s",
		    jerr.line, jerr.column, jerr.text);
		api_error(ctx, 400, "bad_json", msg);
		return (NULL);
	}

	if (!json_is_object(doc)) {
		json_decref(doc);
		api_error(ctx, 400, "bad_json",
		    "Request body must be a JSON object");
		return (NULL);
	}

	(void)schema_validate(doc, fields, errors);
	return (doc);
}

/* Answer 422 when errors holds anything; 1 when it did (reply sent). */
int
api_fields_reply(struct api_ctx *ctx, json_t *errors)
{
	if (json_object_size(errors) == 0)
		return (0);

	api_error_fields(ctx, 422, "validation_failed",
	    "Some fields are not valid", json_incref(errors));
	return (1);
}

/* The common case: any problem is answered at once. */
json_t *
api_body(struct api_ctx *ctx, const struct schema_field *fields)
{
	json_t		*doc, *errors;

	errors = json_object();
	if ((doc = api_body_collect(ctx, fields, errors)) == NULL) {
		json_decref(errors);
		return (NULL);
	}

	if (api_fields_reply(ctx, errors)) {
		json_decref(doc);
		doc = NULL;
	}
	json_decref(errors);

	return (doc);
}
