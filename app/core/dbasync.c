/*
 * Queries that do not block the worker: Kore's asynchronous pgsql, for
 * statements that move a lot of data (a 10 MB document in or out) or run
 * long.  The synchronous helpers in db.c stay the rule for the short,
 * indexed statements of most requests.
 *
 * A handler describes a run -- its statements, with text or binary
 * parameters, optionally in one audited transaction -- and calls
 * dba_run() at every entry until it stops saying DBA_WAIT:
 *
 *	st = api_state(ctx, sizeof(*st), my_state_free);  // calls dba_close
 *	if (ctx->stage == 0) {
 *		dba_init(&st->q, ctx, "documents.upload");
 *		s = dba_add(&st->q, "INSERT … RETURNING …", 0);
 *		dba_text(s, id);
 *		dba_bytes(s, body, len);
 *		ctx->stage = 1;
 *	}
 *	switch (dba_run(&st->q)) {
 *	case DBA_WAIT:		return (KORE_RESULT_RETRY);
 *	case DBA_FAILED:	return (KORE_RESULT_OK);	// error sent
 *	}
 *	… db_rows(&st->q.db), db_value(&st->q.db, 0, 0) …
 *
 * With an action, the run is BEGIN, the audit settings (as db_begin),
 * the statements, COMMIT; the result kept is the last statement's.
 * Refusals are raised from SQL (SN404, SN409, …) and answered through
 * db_fail(), like synchronous ones.
 *
 * Kore's state machine (src/pgsql.c) is written for one query per
 * connection: DONE is followed by kore_pgsql_continue(), which releases
 * the connection.  To keep a transaction on one connection, a DONE
 * statement is settled here instead (libpq still owes its final NULL
 * result; when that has not arrived, the request sleeps until the next
 * read event) and the next statement is sent on the same connection.
 *
 * Big parameters are sent without blocking either: the connection is in
 * libpq's nonblocking mode and what does not fit in the socket at once
 * is flushed as the socket drains (Kore only watches these sockets for
 * reading, so a duplicate of the descriptor is watched for writing).
 *
 * These connections come from a pool of their own ("sen-async",
 * pgsql_conn_max per worker): a run holds its connection across turns
 * of the event loop, and must not starve the synchronous requests of
 * theirs.  When the pool is busy, Kore queues the request and wakes it
 * when a connection is free.  A pooled connection that died while idle
 * (PostgreSQL restarted) fails the first statement; the run then starts
 * again on a new connection, as db_exec() does.
 */

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "sen.h"

#define SEN_DB_ASYNC		"sen-async"

#define PHASE_CONNECT		0
#define PHASE_SEND		1
#define PHASE_AWAIT		2
#define PHASE_DONE		3

static int	dba_connect(struct dba *);
static int	dba_send(struct dba *);
static int	dba_flush_blocking(PGconn *);
static int	dba_settle(struct dba *);
static int	dba_failed(struct dba *);
static int	dba_lost(struct dba *);
static void	dba_release(struct dba *);
static void	dba_keep(struct dba *);
static int	dba_writer_start(struct dba *);
static void	dba_writer_stop(struct dba *);
static void	dba_writable(void *, int);

void
dba_init(struct dba *a, struct api_ctx *ctx, const char *action)
{
	memset(a, 0, sizeof(*a));
	a->db.ctx = ctx;
	if (action != NULL)
		(void)snprintf(a->action, sizeof(a->action), "%s", action);
}

/* A statement of the run; its parameters follow with dba_text/bytes. */
struct dba_stmt *
dba_add(struct dba *a, const char *sql, int binary_result)
{
	struct dba_stmt	*s;

	if (a->nstmts >= DBA_STMTS)
		fatal("dba_add: more than %d statements", DBA_STMTS);

	s = &a->stmts[a->nstmts++];
	memset(s, 0, sizeof(*s));
	s->sql = sql;
	s->binary = binary_result;

	return (s);
}

/* A text parameter (NULL: SQL NULL); it must live until the run ends. */
void
dba_text(struct dba_stmt *s, const char *v)
{
	if (s->n >= DBA_PARAMS)
		fatal("dba_text: more than %d parameters", DBA_PARAMS);

	s->values[s->n] = v;
	s->lengths[s->n] = 0;
	s->formats[s->n] = 0;
	s->n++;
}

/* A binary parameter (bytea), sent as it is: no escaping, no copy. */
void
dba_bytes(struct dba_stmt *s, const void *v, size_t len)
{
	if (s->n >= DBA_PARAMS)
		fatal("dba_bytes: more than %d parameters", DBA_PARAMS);
	if (len > INT32_MAX)
		fatal("dba_bytes: %zu bytes", len);

	s->values[s->n] = v;
	s->lengths[s->n] = (int)len;
	s->formats[s->n] = 1;
	s->n++;
}

/* Statements of the run, BEGIN, audit settings and COMMIT included. */
static int
dba_total(struct dba *a)
{
	return (a->nstmts + (a->action[0] != '\0' ? 3 : 0));
}

/* The caller's statement at the current step, or NULL for our own. */
static struct dba_stmt *
dba_user_stmt(struct dba *a)
{
	int	i;

	i = a->step - (a->action[0] != '\0' ? 2 : 0);
	if (i < 0 || i >= a->nstmts)
		return (NULL);

	return (&a->stmts[i]);
}

/*
 * Advance the run.  DBA_WAIT: return KORE_RESULT_RETRY (the request
 * sleeps until PostgreSQL answers).  DBA_FAILED: an error reply has been
 * sent.  DBA_DONE: the last statement's result is in a->db (db_rows,
 * db_value, …) and the connection is back in the pool.
 */
int
dba_run(struct dba *a)
{
	struct kore_pgsql	*sql = &a->db.sql;
	int			r;

	for (;;) {
		switch (a->phase) {
		case PHASE_CONNECT:
			if (!dba_connect(a))
				return (a->failed ? DBA_FAILED : DBA_WAIT);
			a->phase = PHASE_SEND;
			break;
		case PHASE_SEND:
			if (!dba_send(a)) {
				if ((r = dba_failed(a)) != DBA_RETRY)
					return (r);
				break;
			}
			a->phase = PHASE_AWAIT;
			return (DBA_WAIT);
		case PHASE_AWAIT:
			switch (sql->state) {
			case KORE_PGSQL_STATE_WAIT:
				/* Woken early: sleep until Kore reads a result. */
				http_request_sleep(a->db.ctx->req);
				return (DBA_WAIT);
			case KORE_PGSQL_STATE_RESULT:
				dba_keep(a);
				kore_pgsql_continue(sql);
				break;
			case KORE_PGSQL_STATE_NOTIFY:
				kore_pgsql_continue(sql);
				break;
			case KORE_PGSQL_STATE_DONE:
				if (sql->result != NULL)
					dba_keep(a);	/* e.g. COMMAND_OK */
				if ((r = dba_settle(a)) == 0)
					return (DBA_WAIT);
				if (r == -1) {
					if ((r = dba_failed(a)) != DBA_RETRY)
						return (r);
					break;
				}
				if (a->action[0] != '\0' && a->step == 0)
					a->db.in_tx = 1;
				if (++a->step < dba_total(a)) {
					a->phase = PHASE_SEND;
					break;
				}
				a->db.in_tx = 0;
				dba_release(a);
				http_request_wakeup(a->db.ctx->req);
				a->db.sql.result = a->keep;
				a->keep = NULL;
				a->phase = PHASE_DONE;
				return (DBA_DONE);
			case KORE_PGSQL_STATE_ERROR:
			default:
				if ((r = dba_failed(a)) != DBA_RETRY)
					return (r);
				break;
			}
			break;
		case PHASE_DONE:
			return (a->failed ? DBA_FAILED : DBA_DONE);
		default:
			fatal("dba_run: phase %d", a->phase);
		}
	}
}

/* The result of a DBA_DONE run, now the caller's to PQclear(). */
PGresult *
dba_take(struct dba *a)
{
	PGresult	*r = a->db.sql.result;

	a->db.sql.result = NULL;
	return (r);
}

/*
 * Let go of everything: a query still running is cancelled and an open
 * transaction rolled back before the connection returns to the pool.
 * Idempotent; a handler's state_free must call it (Kore frees the
 * request's state before it cleans up the queries bound to it).
 */
void
dba_close(struct dba *a)
{
	dba_release(a);
	if (a->keep != NULL) {
		PQclear(a->keep);
		a->keep = NULL;
	}
	if (a->db.sql.result != NULL) {
		PQclear(a->db.sql.result);
		a->db.sql.result = NULL;
	}
}

/* 1: a connection is ours; 0: queued (failed unset) or failed (set). */
static int
dba_connect(struct dba *a)
{
	static int		registered;
	struct kore_pgsql	*sql = &a->db.sql;
	struct api_ctx		*ctx = a->db.ctx;

	if (!registered) {
		/* Fails harmlessly when a SIGHUP reloaded the module. */
		(void)kore_pgsql_register(SEN_DB_ASYNC, sen_cfg.db_conninfo);
		registered = 1;
	}

	if (!a->bound) {
		kore_pgsql_init(sql);
		kore_pgsql_bind_request(sql, ctx->req);
		a->bound = 1;
	}

	if (kore_pgsql_setup(sql, SEN_DB_ASYNC, KORE_PGSQL_ASYNC)) {
		a->db.open = 1;
		return (1);
	}

	/* Pool busy: Kore queued the request and wakes it later. */
	if (sql->state == KORE_PGSQL_STATE_INIT)
		return (0);

	kore_log(LOG_WARNING, "[%s] database: %s", ctx->request_id,
	    sql->error ? sql->error : "no connection");
	dba_release(a);
	a->failed = 1;
	http_request_wakeup(ctx->req);
	api_unavailable(ctx, "database");

	return (0);
}

static int
dba_send(struct dba *a)
{
	struct kore_pgsql	*sql = &a->db.sql;
	struct api_ctx		*ctx = a->db.ctx;
	struct dba_stmt		*s, own;
	PGconn			*c;

	if ((s = dba_user_stmt(a)) == NULL) {
		memset(&own, 0, sizeof(own));
		s = &own;
		if (a->step == 0) {
			s->sql = "BEGIN";
		} else if (a->step == 1) {
			/* The same settings as db_begin(), for audit_row(). */
			(void)snprintf(a->actor, sizeof(a->actor), "%lld",
			    (long long)ctx->user.id);
			s->sql = "SELECT set_config('sen.actor_id', $1, true), "
			    "set_config('sen.request_id', $2, true), "
			    "set_config('sen.action', $3, true), "
			    "set_config('sen.client_ip', $4, true)";
			dba_text(s, ctx->user.id ? a->actor : "");
			dba_text(s, ctx->request_id);
			dba_text(s, a->action);
			dba_text(s, ctx->client_ip);
		} else {
			s->sql = "COMMIT";
		}
	}

	c = sql->conn->db;
	if (!PQisnonblocking(c))
		(void)PQsetnonblocking(c, 1);

	if (!kore_pgsql_query_param_fields(sql, s->sql, s->binary, s->n,
	    s->values, s->lengths, s->formats))
		return (0);

	if (!PQisnonblocking(c))
		return (1);

	switch (PQflush(c)) {
	case 0:
		return (1);
	case 1:
		/* The rest goes out as the socket drains. */
		if (dba_writer_start(a))
			return (1);
		/* No descriptor to watch: send it all now. */
		if (dba_flush_blocking(c))
			return (1);
		break;
	default:
		break;
	}

	sql->state = KORE_PGSQL_STATE_ERROR;
	if (sql->error == NULL)
		sql->error = kore_strdup(PQerrorMessage(c));
	return (0);
}

/* Flush what libpq still holds, waiting for the socket: the fallback. */
static int
dba_flush_blocking(PGconn *c)
{
	struct pollfd	pfd;
	int		r;

	while ((r = PQflush(c)) == 1) {
		pfd.fd = PQsocket(c);
		pfd.events = POLLOUT;
		pfd.revents = 0;
		if (poll(&pfd, 1, 15000) <= 0)
			return (0);
	}

	return (r == 0);
}

/* Watch a duplicate of the connection's socket for writability. */
static int
dba_writer_start(struct dba *a)
{
	struct dba_writer	*w = &a->writer;
	int			fd;

	fd = fcntl(PQsocket(a->db.sql.conn->db), F_DUPFD_CLOEXEC, 0);
	if (fd == -1) {
		kore_log(LOG_NOTICE, "[%s] dba: cannot watch for writing: %s",
		    a->db.ctx->request_id, errno_s);
		return (0);
	}

	w->evt.type = KORE_TYPE_PGSQL_CONN;
	w->evt.flags = 0;
	w->evt.handle = dba_writable;
	w->owner = a;
	w->fd = fd;
	w->live = 1;
	kore_platform_schedule_write(fd, w);

	return (1);
}

static void
dba_writer_stop(struct dba *a)
{
	if (!a->writer.live)
		return;

	kore_platform_disable_read(a->writer.fd);	/* EPOLL_CTL_DEL */
	(void)close(a->writer.fd);
	a->writer.live = 0;
}

/* The event loop: the socket takes more of the statement. */
static void
dba_writable(void *arg, int err)
{
	struct dba_writer	*w = arg;
	struct dba		*a = w->owner;
	struct kore_pgsql	*sql = &a->db.sql;
	int			r;

	r = -1;
	if (!err && sql->conn != NULL)
		r = PQflush(sql->conn->db);
	if (r == 1)
		return;			/* full again: wait for the next edge */

	dba_writer_stop(a);
	if (r == -1) {
		/* The message is cut: the connection is beyond repair. */
		a->broken = 1;
		if (sql->state == KORE_PGSQL_STATE_WAIT) {
			if (sql->error == NULL)
				sql->error = kore_strdup(sql->conn != NULL ?
				    PQerrorMessage(sql->conn->db) :
				    "connection lost while sending");
			sql->state = KORE_PGSQL_STATE_ERROR;
			http_request_wakeup(a->db.ctx->req);
		}
	}
}

/*
 * After DONE, libpq still owes the end of the command (its final NULL
 * result) before the connection takes another.  1: idle; 0: not here
 * yet, the request sleeps until the next read event; -1: failed.
 */
static int
dba_settle(struct dba *a)
{
	struct kore_pgsql	*sql = &a->db.sql;
	PGconn			*c = sql->conn->db;
	PGresult		*r;

	for (;;) {
		if (!PQconsumeInput(c))
			break;
		if (PQisBusy(c)) {
			sql->state = KORE_PGSQL_STATE_WAIT;
			http_request_sleep(a->db.ctx->req);
			return (0);
		}
		if ((r = PQgetResult(c)) == NULL)
			return (1);
		if (PQresultStatus(r) == PGRES_FATAL_ERROR) {
			sql->result = r;
			break;
		}
		PQclear(r);
	}

	sql->state = KORE_PGSQL_STATE_ERROR;
	if (sql->error == NULL)
		sql->error = kore_strdup(PQerrorMessage(c));

	return (-1);
}

/* Keep the result of a caller's statement; ours are dropped. */
static void
dba_keep(struct dba *a)
{
	struct kore_pgsql	*sql = &a->db.sql;

	if (dba_user_stmt(a) != NULL) {
		if (a->keep != NULL)
			PQclear(a->keep);
		a->keep = sql->result;
	} else {
		PQclear(sql->result);
	}
	sql->result = NULL;
}

/* Whether a failure was the connection's rather than the statement's. */
static int
dba_lost(struct dba *a)
{
	struct kore_pgsql	*sql = &a->db.sql;
	const char		*state;

	if (sql->conn == NULL || PQstatus(sql->conn->db) != CONNECTION_OK)
		return (1);

	state = sql->result ? PQresultErrorField(sql->result,
	    PG_DIAG_SQLSTATE) : NULL;

	return (state != NULL && (!strncmp(state, "08", 2) ||
	    !strncmp(state, "57P", 3)));
}

/*
 * A statement failed.  A connection that died while idle in the pool is
 * replaced and the run starts over (DBA_RETRY), as long as nothing has
 * been done on it; otherwise the error goes through db_fail().
 */
static int
dba_failed(struct dba *a)
{
	struct kore_pgsql	*sql = &a->db.sql;
	struct db		err;
	PGresult		*res;
	char			*msg;

	/* Every pooled connection may have died: then a new one. */
	if (a->step == 0 && a->attempt < (int)pgsql_conn_max && dba_lost(a)) {
		kore_log(LOG_NOTICE, "[%s] database connection lost, "
		    "reconnecting", a->db.ctx->request_id);
		if (sql->result != NULL) {
			PQclear(sql->result);
			sql->result = NULL;
		}
		dba_release(a);
		a->attempt++;
		a->phase = PHASE_CONNECT;
		return (DBA_RETRY);
	}

	/* db_fail() reads the error from a struct db: lend it ours. */
	res = sql->result;
	msg = sql->error;
	sql->result = NULL;
	sql->error = NULL;
	dba_release(a);

	/* A send may have put the request to sleep: it answers now. */
	http_request_wakeup(a->db.ctx->req);

	memset(&err, 0, sizeof(err));
	kore_pgsql_init(&err.sql);
	err.ctx = a->db.ctx;
	err.sql.state = KORE_PGSQL_STATE_ERROR;
	err.sql.result = res;
	err.sql.error = msg;
	(void)db_fail(&err);

	if (res != NULL)
		PQclear(res);
	kore_free(msg);

	a->failed = 1;
	a->phase = PHASE_DONE;
	return (DBA_FAILED);
}

/*
 * Give the connection back clean: cancel what still runs, collect what
 * is owed, roll back an open transaction (Kore itself only rolls back
 * failed ones), and drop a broken connection -- or one left in the middle
 * of sending a statement -- instead of pooling it.  Blocking, but only on
 * error paths: a finished run has nothing to wait for.
 */
static void
dba_release(struct dba *a)
{
	struct kore_pgsql	*sql = &a->db.sql;
	PGconn			*c;
	PGresult		*r;
	PGcancel		*cancel;
	char			errbuf[256];

	if (a->writer.live) {
		dba_writer_stop(a);
		a->broken = 1;
	}

	if (!a->bound)
		return;

	if (sql->conn != NULL) {
		c = sql->conn->db;
		if (!a->broken && PQstatus(c) == CONNECTION_OK) {
			if (PQtransactionStatus(c) == PQTRANS_ACTIVE &&
			    (cancel = PQgetCancel(c)) != NULL) {
				(void)PQcancel(cancel, errbuf, sizeof(errbuf));
				PQfreeCancel(cancel);
			}
			while ((r = PQgetResult(c)) != NULL)
				PQclear(r);
			if (PQstatus(c) == CONNECTION_OK &&
			    PQtransactionStatus(c) != PQTRANS_IDLE)
				PQclear(PQexec(c, "ROLLBACK"));
			if (PQsetnonblocking(c, 0) == -1)
				a->broken = 1;
		}
		if (a->broken || PQstatus(c) != CONNECTION_OK ||
		    PQtransactionStatus(c) != PQTRANS_IDLE) {
			/* Kore frees it and forgets it (sql->conn = NULL). */
			kore_pgsql_handle(sql->conn, 1);
		} else {
			/* Nothing runs any more: Kore must not cancel. */
			sql->state = KORE_PGSQL_STATE_DONE;
		}
	}

	if (sql->result != NULL) {
		PQclear(sql->result);
		sql->result = NULL;
	}
	kore_pgsql_cleanup(sql);

	a->bound = 0;
	a->broken = 0;
	a->db.open = 0;
	a->db.in_tx = 0;
}
