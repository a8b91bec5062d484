/*
 * Sessions: a 256-bit random token goes to the client (cookie and JSON),
 * its SHA-256 to the sessions table.  A session ends when idle for
 * SEN_SESSION_IDLE seconds, SEN_SESSION_MAX seconds after login, on
 * logout, or at once when its account is disabled.
 */

#include <strings.h>

#include "sen.h"
#include "lib/token.h"

#define COOKIE_NAME	"sen_session"

/* The caller's token: Authorization: Bearer first, then the cookie. */
const char *
session_token(struct api_ctx *ctx, int *via_cookie)
{
	const char	*auth;
	char		*value;

	*via_cookie = 0;
	if (http_request_header(ctx->req, "authorization", &auth)) {
		if (strncasecmp(auth, "Bearer ", 7) != 0)
			return (NULL);
		return (auth + 7);
	}

	http_populate_cookies(ctx->req);
	if (http_request_cookie(ctx->req, COOKIE_NAME, &value)) {
		*via_cookie = 1;
		return (value);
	}

	return (NULL);
}

/* 1: authenticated, 0: no valid session, -1: database down (reply sent). */
int
session_authenticate(struct api_ctx *ctx)
{
	struct db	db;
	const char	*token, *params[2];
	char		idle[16], sid[24];
	int		via_cookie;

	if ((token = session_token(ctx, &via_cookie)) == NULL ||
	    !token_shape_ok(token))
		return (0);

	if (!db_open(&db, ctx))
		return (-1);

	(void)snprintf(idle, sizeof(idle), "%d", sen_cfg.session_idle);
	params[0] = token;
	params[1] = idle;

	if (!db_exec(&db,
	    "SELECT s.id, u.id, u.role, u.locale, "
	    "  s.last_seen_at < now() - interval '60 seconds' "
	    "FROM sessions s JOIN users u ON u.id = s.user_id "
	    "WHERE s.token_hash = sha256(convert_to($1, 'UTF8')) "
	    "  AND s.expires_at > now() "
	    "  AND s.last_seen_at > now() - make_interval(secs => $2::int) "
	    "  AND u.disabled_at IS NULL", 2, params)) {
		db_fail(&db);
		return (-1);
	}

	if (db_rows(&db) != 1) {
		db_close(&db);
		return (0);
	}

	ctx->user.session_id = db_int(&db, 0, 0);
	ctx->user.id = db_int(&db, 0, 1);
	(void)snprintf(ctx->user.role_name, sizeof(ctx->user.role_name),
	    "%s", db_value(&db, 0, 2));
	(void)snprintf(ctx->user.locale, sizeof(ctx->user.locale), "%s",
	    db_value(&db, 0, 3));
	ctx->user.role = role_bit(ctx->user.role_name);
	ctx->user.via_cookie = via_cookie;

	/*
	 * Refresh the idle clock at most once a minute: reads stay reads.
	 * Its commit does not wait for the WAL to reach the disk
	 * (synchronous_commit off for this statement's transaction): the
	 * worker is blocked meanwhile, and a refresh lost in a crash only
	 * makes the session end up to a minute sooner.
	 */
	if (db_value(&db, 0, 4)[0] == 't') {
		(void)snprintf(sid, sizeof(sid), "%lld",
		    (long long)ctx->user.session_id);
		params[0] = sid;
		if (!db_exec(&db, "UPDATE sessions SET last_seen_at = now() "
		    "WHERE id = $1 AND set_config('synchronous_commit', "
		    "'off', true) IS NOT NULL", 1, params)) {
			db_fail(&db);
			return (-1);
		}
	}

	db_close(&db);
	return (1);
}

/* A new session for user; its token is written to out. */
int
session_create(struct db *db, int64_t user, char *out, size_t len)
{
	struct api_ctx	*ctx = db->ctx;
	const char	*params[5], *agent;
	char		uid[24], max[16];

	if (!token_new(out, len))
		return (0);

	(void)snprintf(uid, sizeof(uid), "%lld", (long long)user);
	(void)snprintf(max, sizeof(max), "%d", sen_cfg.session_max);
	if (!http_request_header(ctx->req, "user-agent", &agent))
		agent = NULL;

	params[0] = out;
	params[1] = uid;
	params[2] = max;
	params[3] = ctx->client_ip;
	params[4] = agent;

	return (db_exec(db,
	    "INSERT INTO sessions (token_hash, user_id, expires_at, "
	    "  client_ip, user_agent) "
	    "VALUES (sha256(convert_to($1, 'UTF8')), $2, "
	    "  now() + make_interval(secs => $3::int), $4, left($5, 300))",
	    5, params));
}

/* SameSite=Lax keeps the cookie off cross-site POSTs in the first place. */
void
session_set_cookie(struct api_ctx *ctx, const char *token, int maxage)
{
	char		buf[256];

	(void)snprintf(buf, sizeof(buf),
	    COOKIE_NAME "=%s; Path=/; Max-Age=%d; HttpOnly; SameSite=Lax%s",
	    token, maxage, ctx->secure ? "; Secure" : "");
	api_header(ctx, "set-cookie", buf);
}
