/*
 * Retries that do not act twice (Idempotency-Key), for the state-changing
 * requests where acting twice would do harm.  A handler opts in with one
 * line in idem_handlers[] below; nothing else in it changes.
 *
 * How it works, in the order a request meets it:
 *
 *  1. idem_start(), from the dispatcher before the handler: a key that
 *     was already used by this user is answered at once, without the
 *     handler: the stored answer (same status and body, with
 *     Idempotent-Replayed: true) when the request is the same (method,
 *     path, SHA-256 of the body), 422 when it is another.
 *  2. db_begin() claims the key (idem_claim) as the first statement of
 *     the request's transaction.  A concurrent request with the same key
 *     waits there on the unique key until the first one's transaction
 *     ends, and is then answered as in 1 without acting; so two tries
 *     never both act.  If the handler refuses (a rollback), the claim
 *     goes with it and the key is free for a corrected try.
 *  3. The reply helpers that commit (db_commit_reply: db_reply_commit,
 *     app_reply, reply_checkin) store the answer in the same transaction
 *     as the effect (idem_store), so a crash leaves both or neither.  A
 *     handler that commits with a plain db_commit() still never acts
 *     twice: its answer is stored right after the commit (idem_reply),
 *     and should that be lost, a retry gets 409 instead of a replay.
 */

#include <strings.h>

#include "sen.h"

static const api_handler	idem_handlers[] = {
	applications_create,
	applications_submit,
	applications_screen,
	applications_verify_priority,
	checkins_create,
	NULL
};

/* Headers of an answer that a replay sends again. */
static const char *const	idem_kept[] = { "etag", "location", NULL };

static int	idem_answer(struct api_ctx *, struct db *);
static char	*idem_headers(struct api_ctx *);

int
idem_route(const struct api_route *route)
{
	size_t		i;

	for (i = 0; idem_handlers[i] != NULL; i++) {
		if (idem_handlers[i] == route->handler)
			return (1);
	}

	return (0);
}

/* RFC 9110 token-ish: 1 to 255 visible ASCII characters. */
int
idem_key_valid(const char *s)
{
	size_t		i;

	for (i = 0; s[i] != '\0'; i++) {
		if (i >= IDEM_KEY_MAX || s[i] < '!' || s[i] > '~')
			return (0);
	}

	return (i > 0);
}

/* The body as hex, for SQL to hash; NULL when it cannot be read. */
static char *
idem_body_hex(struct api_ctx *ctx)
{
	struct http_request	*req = ctx->req;
	static const char	hex[] = "0123456789abcdef";
	unsigned char		*buf;
	char			*out;
	size_t			len, got, i;
	ssize_t			r;

	len = req->content_length;
	buf = kore_malloc(len + 1);
	if (len > 0 && !http_body_rewind(req)) {
		kore_free(buf);
		return (NULL);
	}
	for (got = 0; got < len; got += (size_t)r) {
		if ((r = http_body_read(req, buf + got, len - got)) <= 0) {
			kore_free(buf);
			return (NULL);
		}
	}
	(void)http_body_rewind(req);

	out = kore_malloc(len * 2 + 1);
	for (i = 0; i < len; i++) {
		out[i * 2] = hex[buf[i] >> 4];
		out[i * 2 + 1] = hex[buf[i] & 0x0f];
	}
	out[len * 2] = '\0';
	kore_free(buf);

	return (out);
}

/*
 * Before the handler.  1: go on (no key, or a fresh one: ctx->idem.on);
 * 0: answered (a replay, a refusal, 503).
 */
int
idem_start(struct api_ctx *ctx)
{
	struct db	db;
	const char	*key, *params[2];
	char		*hex;

	if (!idem_route(ctx->route) || ctx->user.id == 0 ||
	    !http_request_header(ctx->req, "idempotency-key", &key))
		return (1);

	if (!idem_key_valid(key)) {
		api_error_fields(ctx, 400, "validation_failed",
		    "Idempotency-Key must be 1 to 255 visible ASCII characters",
		    json_pack("{s:s}", "Idempotency-Key",
		    "must be 1 to 255 visible ASCII characters"));
		return (0);
	}
	/* Too large to be taken: the handler answers 413. */
	if (ctx->req->content_length > sen_cfg.json_body_max)
		return (1);

	if ((hex = idem_body_hex(ctx)) == NULL) {
		api_error(ctx, 400, "bad_json", "Request body is incomplete");
		return (0);
	}
	(void)snprintf(ctx->idem.key, sizeof(ctx->idem.key), "%s", key);

	if (!db_open(&db, ctx)) {
		kore_free(hex);
		return (0);
	}
	params[0] = hex;
	if (!db_exec(&db, "SELECT encode(sha256(decode($1, 'hex')), 'hex')",
	    1, params)) {
		kore_free(hex);
		db_fail(&db);
		return (0);
	}
	kore_free(hex);
	(void)snprintf(ctx->idem.hash, sizeof(ctx->idem.hash), "%s",
	    db_value(&db, 0, 0));

	ctx->idem.on = 1;
	if (idem_answer(ctx, &db))
		return (0);
	db_close(&db);

	return (1);
}

/*
 * Answer from a stored key, if there is one: 1 when answered (and db
 * closed), 0 when the key is unused.
 */
static int
idem_answer(struct api_ctx *ctx, struct db *db)
{
	const char		*params[5];
	char			uid[24], *body;
	json_t			*headers, *v;
	const char		*name;
	int			status, same;

	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = uid;
	params[1] = ctx->idem.key;
	params[2] = http_method_text(ctx->req->method);
	params[3] = ctx->req->path;
	params[4] = ctx->idem.hash;
	if (!db_exec(db, "SELECT method = $3 AND path = $4 "
	    "  AND request_hash = decode($5, 'hex'), status, body, "
	    "  headers::text "
	    "FROM idempotency_keys "
	    "WHERE user_id = $1 AND key = $2 AND expires_at > now()",
	    5, params)) {
		db_fail(db);
		return (1);
	}
	if (db_rows(db) == 0)
		return (0);

	same = db_value(db, 0, 0)[0] == 't';
	if (!same) {
		db_close(db);
		api_error_fields(ctx, 422, "validation_failed",
		    "This Idempotency-Key was used for another request: "
		    "use a new key for a new request",
		    json_pack("{s:s}", "Idempotency-Key",
		    "was used for another request"));
		return (1);
	}
	if (db_isnull(db, 0, 1)) {
		db_close(db);
		api_error(ctx, 409, "conflict",
		    "A request with this Idempotency-Key was taken but its "
		    "answer was not kept: read the record to see its state");
		return (1);
	}

	status = (int)db_int(db, 0, 1);
	body = kore_strdup(db_value(db, 0, 2));
	headers = json_loads(db_value(db, 0, 3), 0, NULL);
	db_close(db);

	json_object_foreach(headers, name, v) {
		if (json_is_string(v))
			api_header(ctx, name, json_string_value(v));
	}
	json_decref(headers);
	api_header(ctx, "idempotent-replayed", "true");
	ctx->idem.on = 0;
	(void)api_reply_text(ctx, status, body, strlen(body), NULL);
	kore_free(body);

	return (1);
}

/*
 * From db_begin(): take the key in the request's transaction.  1: taken
 * (or nothing to take); 0: another request took it first, and its
 * answer has been sent (db->failed: db_fail() then does nothing).
 */
int
idem_claim(struct db *db)
{
	struct api_ctx	*ctx = db->ctx;
	struct db	again;
	const char	*params[5];
	char		uid[24];

	if (!ctx->idem.on || ctx->idem.claimed || ctx->idem.committed)
		return (1);

	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->user.id);
	params[0] = uid;
	params[1] = ctx->idem.key;
	params[2] = http_method_text(ctx->req->method);
	params[3] = ctx->req->path;
	params[4] = ctx->idem.hash;
	if (!db_exec(db, "SELECT idempotency_claim($1, $2, $3, $4, $5)",
	    5, params))
		return (0);

	if (!db_isnull(db, 0, 0)) {
		ctx->idem.row = db_int(db, 0, 0);
		ctx->idem.claimed = 1;
		return (1);
	}

	/* Taken while this request ran: answer as a retry would be. */
	db_close(db);
	db->failed = 1;
	if (!db_open(&again, ctx))
		return (0);
	if (!idem_answer(ctx, &again)) {
		db_close(&again);
		api_error(ctx, 409, "conflict", "A request with this "
		    "Idempotency-Key is under way: try again shortly");
	}

	return (0);
}

/* The reply's kept headers, as a JSON object text (free()). */
static char *
idem_headers(struct api_ctx *ctx)
{
	struct http_header	*hdr;
	json_t			*o;
	char			*text;
	size_t			i;

	o = json_object();
	TAILQ_FOREACH(hdr, &ctx->req->resp_headers, list) {
		for (i = 0; idem_kept[i] != NULL; i++) {
			if (!strcasecmp(hdr->header, idem_kept[i]))
				json_object_set_new(o, idem_kept[i],
				    json_string(hdr->value));
		}
	}
	text = json_dumps(o, JSON_COMPACT);
	json_decref(o);

	return (text);
}

/* headers: a JSON object text, or NULL for none. */
static int
idem_update(struct db *db, int status, const char *text, const char *headers)
{
	struct api_ctx	*ctx = db->ctx;
	const char	*params[4];
	char		row[24], st[8];

	(void)snprintf(row, sizeof(row), "%lld", (long long)ctx->idem.row);
	(void)snprintf(st, sizeof(st), "%d", status);
	params[0] = row;
	params[1] = st;
	params[2] = text;
	params[3] = headers != NULL ? headers : "{}";
	return (db_exec(db, "UPDATE idempotency_keys SET status = $2, "
	    "body = $3, headers = $4::jsonb WHERE id = $1", 4, params));
}

/*
 * The answer that is about to be sent, stored in the transaction that is
 * about to commit, with its ETag (version, 0: none) and Location (NULL:
 * none).
 */
int
idem_store(struct db *db, int status, const char *text, int64_t version,
    const char *location)
{
	struct api_ctx	*ctx = db->ctx;
	json_t		*o;
	char		etag[32], *headers;
	int		ret;

	if (!ctx->idem.claimed || !db->in_tx)
		return (1);

	o = json_object();
	if (version > 0) {
		(void)snprintf(etag, sizeof(etag), "\"%lld\"",
		    (long long)version);
		json_object_set_new(o, "etag", json_string(etag));
	}
	if (location != NULL)
		json_object_set_new(o, "location", json_string(location));
	headers = json_dumps(o, JSON_COMPACT);
	json_decref(o);

	ret = idem_update(db, status, text, headers);
	free(headers);
	if (ret)
		ctx->idem.stored = 1;

	return (ret);
}

/* From db_commit() and db_close(): the claim is kept or undone. */
void
idem_tx_end(struct api_ctx *ctx, int committed)
{
	if (!ctx->idem.claimed)
		return;
	ctx->idem.claimed = 0;
	if (committed)
		ctx->idem.committed = 1;
	else
		ctx->idem.stored = 0;
}

/*
 * From the reply functions: a key committed without its answer (a plain
 * db_commit) gets it now, on a connection of its own.
 */
void
idem_reply(struct api_ctx *ctx, int status, const char *text, size_t len)
{
	struct db	db;
	char		*copy, *headers;
	int		ok;

	if (!ctx->idem.committed || ctx->idem.stored)
		return;
	ctx->idem.stored = 1;

	if (!db_connect(&db, ctx))
		return;
	copy = kore_malloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	headers = idem_headers(ctx);
	ok = idem_update(&db, status, copy, headers);
	free(headers);
	if (!ok)
		kore_log(LOG_WARNING, "[%s] idempotency: answer not kept",
		    ctx->request_id);
	kore_free(copy);
	db_close(&db);
}
