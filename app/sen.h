/*
 * Sen: the HTTP side of the module.  Everything a request handler needs:
 * the request context, replies in the one JSON error shape, body parsing
 * and the database helpers.  Pure logic lives in lib/ and does not include
 * this file, so that unit tests can use it without Kore.
 */

#ifndef SEN_H
#define SEN_H

#include <sys/types.h>

#include <stdint.h>

#include <kore/kore.h>
#include <kore/http.h>
#include <kore/pgsql.h>
#include <kore/tasks.h>

#include <jansson.h>

#include "lib/schema.h"
#include "lib/route.h"
#include "lib/valid.h"

/* Roles, as a bit set so that a route can allow several. */
#define ROLE_APPLICANT		0x01
#define ROLE_REVIEWER		0x02
#define ROLE_MENTOR		0x04
#define ROLE_STAFF		0x08
#define ROLE_ADMIN		0x10
#define ROLE_ANY_USER		0x1f
#define ROLE_PUBLIC		0x80	/* no login needed */

#define SEN_DB			"sen"
#define SEN_PATH_PARAMS		4
#define SEN_REQID_LEN		32

/* Settings, read once from the environment when a worker starts. */
struct sen_config {
	char		*db_conninfo;
	char		*public_origin;		/* e.g. https://sen.example.vn */
	int		trust_proxy;		/* honour X-Real-IP / X-Forwarded-Proto */
	int		session_idle;		/* seconds */
	int		session_max;		/* seconds */
	int		login_max_account;	/* failures per account per window */
	int		login_max_address;	/* failures per address per window */
	int		login_window;		/* seconds */
	size_t		json_body_max;		/* bytes */
	size_t		upload_max;		/* bytes, a document */
};

extern struct sen_config	sen_cfg;

struct sen_user {
	int64_t		id;
	int64_t		session_id;
	int		role;
	char		role_name[16];
	char		locale[4];
	int		via_cookie;
};

struct api_ctx;
typedef int	(*api_handler)(struct api_ctx *);

/* A request's Idempotency-Key (core/idempotency.c). */
#define IDEM_KEY_MAX		255

struct idem_state {
	int		on;		/* a fresh key to honour */
	int		claimed;	/* taken in the open transaction */
	int		committed;	/* taken, and committed */
	int		stored;		/* its answer is stored */
	int64_t		row;		/* idempotency_keys.id */
	char		key[IDEM_KEY_MAX + 1];
	char		hash[65];	/* SHA-256 of the body, hex */
};

struct api_route {
	int		method;
	const char	*path;
	int		roles;
	api_handler	handler;
	const char	*handler_name;
};

/*
 * One per request, kept in req->hdlr_extra so that it survives when a
 * handler returns KORE_RESULT_RETRY (scrypt tasks, async queries).
 */
struct api_ctx {
	struct http_request	*req;
	const struct api_route	*route;
	char			request_id[SEN_REQID_LEN + 1];
	char			client_ip[64];
	int			secure;		/* came in over https */
	int64_t			params[SEN_PATH_PARAMS];
	int			nparams;
	struct sen_user		user;		/* id 0 when anonymous */
	void			*state;		/* handler-private, see api_state() */
	void			(*state_free)(void *);
	int			stage;		/* a handler's progress across retries */
	struct kore_task	task;		/* lives here: freed after the task ends */
	int			task_live;
	struct idem_state	idem;
};

/* Every handler named in routes.def. */
#define ROUTE(m, p, r, h)	int h(struct api_ctx *);
#include "routes.def"
#undef ROUTE

/* core/api.c */
int	sen_api(struct http_request *);
void	*api_state(struct api_ctx *, size_t, void (*)(void *));
const struct api_route	*api_routes(size_t *);
int	role_bit(const char *);
int	api_query(struct api_ctx *, const char *, char *, size_t);
int	api_query_int(struct api_ctx *, const char *, int64_t, int64_t,
	    int64_t, int64_t *);

/* core/reply.c */
int	api_reply(struct api_ctx *, int, json_t *);
int	api_reply_text(struct api_ctx *, int, const char *, size_t,
	    const char *);
int	api_reply_cached(struct api_ctx *, const char *, size_t,
	    const char *);
int	api_error(struct api_ctx *, int, const char *, const char *);
int	api_error_fields(struct api_ctx *, int, const char *, const char *,
	    json_t *);
int	api_unavailable(struct api_ctx *, const char *);
int	api_no_content(struct api_ctx *);
void	api_etag(struct api_ctx *, int64_t);
int	api_if_match(struct api_ctx *, int64_t *);
void	api_header(struct api_ctx *, const char *, const char *);

/* core/body.c */
json_t	*api_body(struct api_ctx *, const struct schema_field *);
json_t	*api_body_collect(struct api_ctx *, const struct schema_field *,
	    json_t *);
int	api_fields_reply(struct api_ctx *, json_t *);

/* core/db.c */
struct db {
	struct kore_pgsql	sql;
	struct api_ctx		*ctx;
	int			open;
	int			in_tx;
	int			failed;		/* reply already sent */
};

int	db_connect(struct db *, struct api_ctx *);
int	db_open(struct db *, struct api_ctx *);
void	db_close(struct db *);
int	db_exec(struct db *, const char *, int, const char **);
int	db_begin(struct db *, const char *);
int	db_commit(struct db *);
int	db_set(struct db *, const char *, const char *);
int	db_rows(struct db *);
const char *db_value(struct db *, int, int);
int	db_isnull(struct db *, int, int);
int64_t	db_int(struct db *, int, int);
int	db_fail(struct db *);
int	db_reply_row(struct db *, int, int);
int	db_reply_commit(struct db *, int);
int	db_commit_reply(struct db *, int, const char *, int64_t,
	    const char *);

/* core/idempotency.c: Idempotency-Key on the routes that opt in */
int	idem_route(const struct api_route *);
int	idem_key_valid(const char *);
int	idem_start(struct api_ctx *);
int	idem_claim(struct db *);
int	idem_store(struct db *, int, const char *, int64_t, const char *);
void	idem_tx_end(struct api_ctx *, int);
void	idem_reply(struct api_ctx *, int, const char *, size_t);

/*
 * core/dbasync.c: statements that do not block the worker (Kore's
 * asynchronous pgsql), for big or slow ones; see the file for use.
 */
#define DBA_PARAMS	32
#define DBA_STMTS	6

#define DBA_WAIT	0	/* return KORE_RESULT_RETRY */
#define DBA_DONE	1	/* result in dba.db: db_rows(), db_value() */
#define DBA_FAILED	2	/* an error reply has been sent */
#define DBA_RETRY	3	/* internal */

struct dba_stmt {
	const char	*sql;
	int		n;
	const char	*values[DBA_PARAMS];
	int		lengths[DBA_PARAMS];
	int		formats[DBA_PARAMS];
	int		binary;		/* results in binary format */
};

/* Write readiness of a connection whose query is still being sent. */
struct dba_writer {
	struct kore_event	evt;	/* first: the event loop calls its handle */
	struct dba		*owner;
	int			fd;
	int			live;
};

struct dba {
	struct db	db;
	struct dba_writer writer;
	char		action[64];	/* "": no transaction */
	char		actor[24];
	struct dba_stmt	stmts[DBA_STMTS];
	int		nstmts;
	int		step;
	int		phase;
	int		attempt;
	int		bound;
	int		failed;
	int		broken;		/* drop the connection, do not pool it */
	PGresult	*keep;
};

void	dba_init(struct dba *, struct api_ctx *, const char *);
struct dba_stmt	*dba_add(struct dba *, const char *, int);
void	dba_text(struct dba_stmt *, const char *);
void	dba_bytes(struct dba_stmt *, const void *, size_t);
int	dba_run(struct dba *);
PGresult	*dba_take(struct dba *);
void	dba_close(struct dba *);

/* core/audit.c */
int	audit_event(struct db *, const char *, const char *, int64_t,
	    json_t *);

/* core/config.c */
void	sen_config_load(void);

/* core/housekeeping.c */
void	sen_timers_init(void);

/* accounts/session.c */
int	session_authenticate(struct api_ctx *);
int	session_create(struct db *, int64_t, char *, size_t);
void	session_set_cookie(struct api_ctx *, const char *, int);
const char *session_token(struct api_ctx *, int *);

/* accounts/pwtask.c: scrypt off the event loop */
#define PWTASK_HASH	1
#define PWTASK_VERIFY	2

int	pwtask_start(struct api_ctx *, int, const char *, const char *);
int	pwtask_result(struct api_ctx *, int *, char *, size_t);

#endif
