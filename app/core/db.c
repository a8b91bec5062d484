/*
 * The one way to run a query and map its errors.
 *
 * Queries are synchronous: the indexed statements of a request take well
 * under a millisecond, and a worker blocked for that long serves more
 * requests per second than one juggling callbacks.  Slow work is kept out
 * of the event loop elsewhere (scrypt in tasks) and every statement has a
 * statement_timeout (config.c).
 *
 * Kore keeps pooled connections even when they are broken and only rolls
 * back connections whose transaction failed, so this layer resets broken
 * connections itself (the server recovers without a restart when
 * PostgreSQL comes back) and never hands back a connection inside an
 * open transaction.
 */

#include <ctype.h>

#include "sen.h"

static int	db_connection_lost(struct db *);
static void	db_clear(struct db *);

/* A connection from the worker's pool, without replying on failure. */
int
db_connect(struct db *db, struct api_ctx *ctx)
{
	memset(db, 0, sizeof(*db));
	kore_pgsql_init(&db->sql);
	db->ctx = ctx;

	if (!kore_pgsql_setup(&db->sql, SEN_DB, KORE_PGSQL_SYNC)) {
		kore_log(LOG_WARNING, "[%s] database: %s", ctx->request_id,
		    db->sql.error ? db->sql.error : "no connection");
		kore_pgsql_cleanup(&db->sql);
		db->failed = 1;
		return (0);
	}

	db->open = 1;
	if (PQstatus(db->sql.conn->db) != CONNECTION_OK)
		PQreset(db->sql.conn->db);

	return (1);
}

/* The same, answering 503 when the database cannot be reached. */
int
db_open(struct db *db, struct api_ctx *ctx)
{
	if (db_connect(db, ctx))
		return (1);

	api_unavailable(ctx, "database");
	return (0);
}

void
db_close(struct db *db)
{
	if (!db->open)
		return;

	if (db->in_tx && PQstatus(db->sql.conn->db) == CONNECTION_OK) {
		db_clear(db);
		db->sql.result = PQexec(db->sql.conn->db, "ROLLBACK");
	}
	if (db->in_tx)
		idem_tx_end(db->ctx, 0);

	kore_pgsql_cleanup(&db->sql);
	db->open = 0;
	db->in_tx = 0;
}

static void
db_clear(struct db *db)
{
	if (db->sql.result != NULL) {
		PQclear(db->sql.result);
		db->sql.result = NULL;
	}
}

static int
db_connection_lost(struct db *db)
{
	return (db->sql.conn != NULL &&
	    PQstatus(db->sql.conn->db) != CONNECTION_OK);
}

/*
 * Run one statement with text parameters (NULL for SQL NULL).  Returns 1
 * on success; on failure 0, and db_fail() turns the error into a reply.
 */
int
db_exec(struct db *db, const char *query, int n, const char **params)
{
	int	attempt;

	for (attempt = 0; attempt < 2; attempt++) {
		db_clear(db);
		if (kore_pgsql_query_param_fields(&db->sql, query, 0, n,
		    params, NULL, NULL))
			return (1);

		/*
		 * A connection that died while idle in the pool (database
		 * restarted) fails its next statement: reconnect and try
		 * once more, unless a transaction was under way.
		 */
		if (!db_connection_lost(db) || db->in_tx || attempt > 0)
			break;
		PQreset(db->sql.conn->db);
		if (PQstatus(db->sql.conn->db) != CONNECTION_OK)
			break;
	}

	return (0);
}

int
db_begin(struct db *db, const char *action)
{
	char		actor[24];
	const char	*params[4];

	if (!db_exec(db, "BEGIN", 0, NULL))
		return (0);
	db->in_tx = 1;

	/* Read by the audit trigger (migrations/0001). */
	(void)snprintf(actor, sizeof(actor), "%lld",
	    (long long)db->ctx->user.id);
	params[0] = db->ctx->user.id ? actor : "";
	params[1] = db->ctx->request_id;
	params[2] = action;
	params[3] = db->ctx->client_ip;

	if (!db_exec(db, "SELECT set_config('sen.actor_id', $1, true), "
	    "set_config('sen.request_id', $2, true), "
	    "set_config('sen.action', $3, true), "
	    "set_config('sen.client_ip', $4, true)", 4, params))
		return (0);

	/* A request with an Idempotency-Key takes it first (idempotency.c). */
	return (idem_claim(db));
}

/* A transaction-local setting, e.g. sen.reason for the event trigger. */
int
db_set(struct db *db, const char *name, const char *value)
{
	const char	*params[2];

	params[0] = name;
	params[1] = value != NULL ? value : "";

	return (db_exec(db, "SELECT set_config($1, $2, true)", 2, params));
}

int
db_commit(struct db *db)
{
	if (!db_exec(db, "COMMIT", 0, NULL))
		return (0);
	db->in_tx = 0;
	idem_tx_end(db->ctx, 1);

	return (1);
}

/*
 * Commit, with the answer that is about to be sent stored under the
 * request's Idempotency-Key in the same transaction (when it has one):
 * the status, the body, and the ETag version (0: none) and Location
 * (NULL: none) that go with it.
 */
int
db_commit_reply(struct db *db, int status, const char *text,
    int64_t version, const char *location)
{
	if (!idem_store(db, status, text, version, location))
		return (0);

	return (db_commit(db));
}

int
db_rows(struct db *db)
{
	return (db->sql.result ? PQntuples(db->sql.result) : 0);
}

const char *
db_value(struct db *db, int row, int col)
{
	return (PQgetvalue(db->sql.result, row, col));
}

int
db_isnull(struct db *db, int row, int col)
{
	return (PQgetisnull(db->sql.result, row, col));
}

int64_t
db_int(struct db *db, int row, int col)
{
	return (strtoll(PQgetvalue(db->sql.result, row, col), NULL, 10));
}

/*
 * The field a constraint is about, from its name: PostgreSQL names them
 * <table>_<column>_key|check|fkey, and the migrations follow suit.
 */
static void
constraint_field(const char *table, const char *name, char *out, size_t len)
{
	static const char	*suffixes[] = { "_key", "_check", "_fkey",
				    "_excl", NULL };
	size_t			tlen, n, s;
	int			i;

	out[0] = '\0';
	if (name == NULL)
		return;

	tlen = table ? strlen(table) : 0;
	if (tlen && !strncmp(name, table, tlen) && name[tlen] == '_')
		name += tlen + 1;

	n = strlen(name);
	for (i = 0; suffixes[i] != NULL; i++) {
		s = strlen(suffixes[i]);
		if (n > s && !strcmp(name + n - s, suffixes[i])) {
			n -= s;
			break;
		}
	}

	if (n >= len)
		n = len - 1;
	memcpy(out, name, n);
	out[n] = '\0';
}

/*
 * Turn the last error into the API's error shape and close the
 * connection.  Our own PL/pgSQL raises SQLSTATEs of class SN with a
 * message written for users, optionally naming the field in COLUMN.
 */
int
db_fail(struct db *db)
{
	struct api_ctx	*ctx = db->ctx;
	PGresult	*res = db->sql.result;
	const char	*state, *table, *cons, *column, *msg;
	char		field[64], own[512], message[512];
	json_t		*fields;
	int		status;
	const char	*code, *text;

	/* Answered already (idem_claim). */
	if (db->failed) {
		db_close(db);
		return (KORE_RESULT_OK);
	}

	if (db->sql.state != KORE_PGSQL_STATE_ERROR && !db_connection_lost(db)) {
		/* Nothing failed in the database: a bug of ours. */
		kore_log(LOG_ERR, "[%s] db_fail without a database error",
		    ctx->request_id);
		db_close(db);
		return (api_error(ctx, 500, "internal", "Internal error"));
	}

	state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
	table = res ? PQresultErrorField(res, PG_DIAG_TABLE_NAME) : NULL;
	cons = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
	column = res ? PQresultErrorField(res, PG_DIAG_COLUMN_NAME) : NULL;
	msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

	if (state == NULL || db_connection_lost(db) ||
	    !strncmp(state, "08", 2) || !strncmp(state, "57P", 3) ||
	    !strncmp(state, "53", 2) || !strcmp(state, "57014")) {
		kore_log(LOG_WARNING, "[%s] database unavailable: %s",
		    ctx->request_id, db->sql.error ? db->sql.error : "?");
		db_close(db);
		return (api_unavailable(ctx, "database"));
	}

	fields = NULL;
	field[0] = '\0';
	if (column != NULL)
		(void)snprintf(field, sizeof(field), "%s", column);
	else
		constraint_field(table, cons, field, sizeof(field));

	if (!strncmp(state, "SN", 2)) {
		/*
		 * Raised by our own functions and triggers.  The message
		 * lives in the result, which db_close() frees: copied.
		 */
		(void)snprintf(own, sizeof(own), "%s",
		    msg ? msg : "Request refused");
		text = own;
		if (!strcmp(state, "SN404")) {
			status = 404; code = "not_found";
		} else if (!strcmp(state, "SN403")) {
			status = 403; code = "forbidden";
		} else if (!strcmp(state, "SN409")) {
			status = 409; code = "conflict";
		} else {
			status = 422; code = "validation_failed";
		}
		if (field[0] != '\0')
			fields = json_pack("{s:s}", field, text);
	} else if (!strcmp(state, "23505")) {
		status = 409; code = "conflict";
		text = "Conflicts with an existing record";
		if (field[0] != '\0')
			fields = json_pack("{s:s}", field, "is already taken");
	} else if (!strcmp(state, "23503")) {
		status = 422; code = "validation_failed";
		text = "Refers to a record that does not exist";
		if (field[0] != '\0')
			fields = json_pack("{s:s}", field, "does not exist");
	} else if (!strncmp(state, "23", 2) || !strncmp(state, "22", 2)) {
		status = 422; code = "validation_failed";
		text = "Some fields are not valid";
		if (field[0] != '\0')
			fields = json_pack("{s:s}", field, "is not allowed");
	} else if (!strcmp(state, "40001") || !strcmp(state, "40P01")) {
		status = 409; code = "conflict";
		text = "A concurrent change got there first, try again";
	} else {
		kore_log(LOG_ERR, "[%s] database error %s: %s",
		    ctx->request_id, state, db->sql.error ? db->sql.error : "");
		db_close(db);
		return (api_error(ctx, 500, "internal", "Internal error"));
	}

	kore_log(LOG_INFO, "[%s] refused by database %s: %s",
	    ctx->request_id, state, db->sql.error ? db->sql.error : "");
	/*
	 * Our own messages live in the result, which closing (a rollback)
	 * frees: keep a copy (found by make test-asan).
	 */
	(void)snprintf(message, sizeof(message), "%s", text);
	db_close(db);

	return (api_error_fields(ctx, status, code, message, fields));
}

/*
 * Most reads build their JSON in SQL (json_build_object and friends):
 * send column 0 of row 0 as it is, or 404 when there is no row.
 */
int
db_reply_row(struct db *db, int status, int col)
{
	struct api_ctx	*ctx = db->ctx;
	const char	*v;
	int		ret;

	if (db_rows(db) == 0 || db_isnull(db, 0, col)) {
		db_close(db);
		return (api_error(ctx, 404, "not_found", "Not found"));
	}

	v = db_value(db, 0, col);
	ret = api_reply_text(ctx, status, v, strlen(v), NULL);
	db_close(db);

	return (ret);
}

/* Commit, then send column 0 of row 0 of the last result. */
int
db_reply_commit(struct db *db, int status)
{
	struct api_ctx	*ctx = db->ctx;
	char		*copy;
	int		ret;

	if (db_rows(db) == 0 || db_isnull(db, 0, 0)) {
		db_close(db);
		return (api_error(ctx, 404, "not_found", "Not found"));
	}

	copy = kore_strdup(db_value(db, 0, 0));
	if (!db_commit_reply(db, status, copy, 0, NULL)) {
		kore_free(copy);
		return (db_fail(db));
	}
	db_close(db);

	ret = api_reply_text(ctx, status, copy, strlen(copy), NULL);
	kore_free(copy);

	return (ret);
}
