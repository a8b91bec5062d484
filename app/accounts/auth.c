/*
 * Registration, login, logout, setting a password, and /api/me.
 *
 * Handlers that hash or check a password run in stages: stage 0 checks
 * the input and starts a scrypt task, later stages (Kore calls the
 * handler again when the task is done) write the result.  No connection
 * is held while scrypt runs.
 */

#include "sen.h"
#include "accounts.h"
#include "lib/pwhash.h"
#include "lib/token.h"

static const char *const locales[] = { "vi", "en", NULL };

static const struct schema_field register_fields[] = {
	{ "email", SCHEMA_STRING, SCHEMA_REQUIRED, 3, VALID_EMAIL_MAX, NULL,
	    valid_email, NULL, NULL },
	{ "password", SCHEMA_STRING, SCHEMA_REQUIRED, VALID_PASSWORD_MIN,
	    VALID_PASSWORD_MAX,
	    NULL, NULL, NULL, NULL },
	{ "full_name", SCHEMA_STRING, SCHEMA_REQUIRED, 1, 200, NULL, NULL,
	    NULL, NULL },
	{ "phone", SCHEMA_STRING, SCHEMA_NULLABLE, 0, 20, NULL, valid_phone,
	    NULL, NULL },
	{ "locale", SCHEMA_ENUM, 0, 0, 0, locales, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct schema_field login_fields[] = {
	{ "email", SCHEMA_STRING, SCHEMA_REQUIRED, 1, VALID_EMAIL_MAX, NULL,
	    NULL, NULL, NULL },
	{ "password", SCHEMA_STRING, SCHEMA_REQUIRED, 1, VALID_PASSWORD_MAX,
	    NULL, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

static const struct schema_field set_password_fields[] = {
	{ "token", SCHEMA_STRING, SCHEMA_REQUIRED, 1, 64, NULL, NULL, NULL,
	    NULL },
	{ "password", SCHEMA_STRING, SCHEMA_REQUIRED, VALID_PASSWORD_MIN,
	    VALID_PASSWORD_MAX,
	    NULL, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

/* What a staged handler keeps between its stages. */
struct auth_state {
	json_t		*body;
	int64_t		user_id;
	int64_t		token_id;
	int		found;
	int		disabled;
	char		email[VALID_EMAIL_MAX + 1];
	char		phone[VALID_PHONE_LEN];
	char		mcf[PWHASH_MCF_LEN + 1];
};

static char	dummy_mcf[PWHASH_MCF_LEN + 1];

static void
auth_state_free(void *arg)
{
	struct auth_state	*st = arg;

	json_decref(st->body);
	st->body = NULL;
	explicit_bzero(st->mcf, sizeof(st->mcf));
}

/*
 * A hash to check unknown e-mails against, so that a login for an account
 * that does not exist takes as long as one with a wrong password.
 */
void
auth_init(void)
{
	if (dummy_mcf[0] == '\0' &&
	    !pwhash_make("sen-no-such-account-x", dummy_mcf, sizeof(dummy_mcf)))
		fatal("cannot compute the dummy password hash");
}

static const char *
body_str(json_t *body, const char *name)
{
	return (json_string_value(json_object_get(body, name)));
}

/* The reply of a successful login or registration: token, user, cookie. */
static int
auth_reply_session(struct api_ctx *ctx, struct db *db, int status,
    const char *token)
{
	json_t		*user;
	json_error_t	jerr;

	user = json_loads(db_value(db, 0, 0), 0, &jerr);
	if (!db_commit(db)) {
		json_decref(user);
		return (db_fail(db));
	}
	db_close(db);

	session_set_cookie(ctx, token, sen_cfg.session_max);

	return (api_reply(ctx, status, json_pack("{s:s, s:o}",
	    "token", token, "user", user ? user : json_null())));
}

int
auth_register(struct api_ctx *ctx)
{
	struct auth_state	*st;
	struct db		db;
	const char		*params[5], *msg, *phone;
	char			token[TOKEN_LEN + 1];
	int			result;

	st = api_state(ctx, sizeof(*st), auth_state_free);

	if (ctx->stage == 0) {
		if ((st->body = api_body(ctx, register_fields)) == NULL)
			return (KORE_RESULT_OK);

		valid_email_normalize(body_str(st->body, "email"), st->email,
		    sizeof(st->email));
		if ((msg = valid_password(body_str(st->body, "password"),
		    st->email)) != NULL) {
			return (api_error_fields(ctx, 422, "validation_failed",
			    "Some fields are not valid",
			    json_pack("{s:s}", "password", msg)));
		}

		if ((phone = body_str(st->body, "phone")) != NULL)
			(void)valid_phone_normalize(phone, st->phone,
			    sizeof(st->phone));

		if (!pwtask_start(ctx, PWTASK_HASH, NULL,
		    body_str(st->body, "password")))
			return (api_error(ctx, 500, "internal",
			    "Internal error"));
		ctx->stage = 1;
		return (KORE_RESULT_RETRY);
	}

	if (!pwtask_result(ctx, &result, st->mcf, sizeof(st->mcf)))
		return (KORE_RESULT_RETRY);
	if (result != 1)
		return (api_error(ctx, 500, "internal", "Internal error"));

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);

	params[0] = st->email;
	params[1] = body_str(st->body, "full_name");
	params[2] = st->phone[0] ? st->phone : NULL;
	params[3] = body_str(st->body, "locale") ?
	    body_str(st->body, "locale") : "vi";
	params[4] = st->mcf;

	if (!db_begin(&db, "auth.register") ||
	    !db_exec(&db,
	    "INSERT INTO users (email, full_name, phone, locale, role, "
	    "  password_hash, password_changed_at) "
	    "VALUES ($1, btrim($2), $3, $4, 'applicant', $5, now()) "
	    "RETURNING id", 5, params))
		return (db_fail(&db));

	st->user_id = db_int(&db, 0, 0);
	if (!session_create(&db, st->user_id, token, sizeof(token)) ||
	    !user_fetch(&db, st->user_id))
		return (db_fail(&db));

	return (auth_reply_session(ctx, &db, 201, token));
}

/*
 * Admit one login attempt, or answer 429 with Retry-After when there have
 * been too many recent failures for this e-mail (whether or not it is an
 * account) or from this address.  An admitted attempt is recorded as a
 * failure before its password is checked, under a lock per e-mail and per
 * address, so that parallel guesses cannot all pass the count; a
 * successful login clears the e-mail's failures.  The user's id and hash
 * are read in the same transaction.  1: go on, 0: a reply has been sent.
 */
static int
login_admit(struct api_ctx *ctx, struct db *db, struct auth_state *st)
{
	const char	*params[5], *mcf;
	char		window[16], maxa[16], maxb[16];

	(void)snprintf(window, sizeof(window), "%d", sen_cfg.login_window);
	(void)snprintf(maxa, sizeof(maxa), "%d", sen_cfg.login_max_account);
	(void)snprintf(maxb, sizeof(maxb), "%d", sen_cfg.login_max_address);
	params[0] = st->email;
	params[1] = ctx->client_ip;
	params[2] = window;
	params[3] = maxa;
	params[4] = maxb;

	if (!db_begin(db, "auth.login_attempt") ||
	    !db_exec(db, "SELECT pg_advisory_xact_lock(hashtext("
	    "'sen.login.email:' || $1))", 1, params) ||
	    !db_exec(db, "SELECT pg_advisory_xact_lock(hashtext("
	    "'sen.login.address:' || $1))", 1, params + 1)) {
		db_fail(db);
		return (0);
	}

	/*
	 * Refused attempts are not counted, so the lock lifts when the
	 * oldest failure in the window leaves it.
	 */
	if (!db_exec(db,
	    "WITH f AS ("
	    "  SELECT at, email = $1 AS by_email, address = $2 AS by_address"
	    "  FROM login_failures"
	    "  WHERE (email = $1 OR address = $2)"
	    "    AND at > now() - make_interval(secs => $3::int)), "
	    "c AS ("
	    "  SELECT count(*) FILTER (WHERE by_email) >= $4::int AS e, "
	    "    count(*) FILTER (WHERE by_address) >= $5::int AS a, "
	    "    min(at) FILTER (WHERE by_email) AS e_at, "
	    "    min(at) FILTER (WHERE by_address) AS a_at FROM f) "
	    "SELECT e OR a, ceil(extract(epoch FROM greatest("
	    "    CASE WHEN e THEN e_at END, CASE WHEN a THEN a_at END) "
	    "  + make_interval(secs => $3::int) - now()))::int FROM c",
	    5, params)) {
		db_fail(db);
		return (0);
	}

	if (db_value(db, 0, 0)[0] == 't') {
		api_header(ctx, "retry-after", db_isnull(db, 0, 1) ||
		    atoi(db_value(db, 0, 1)) < 1 ? "1" : db_value(db, 0, 1));
		db_close(db);
		api_error(ctx, 429, "rate_limited",
		    "Too many failed logins, try again later");
		return (0);
	}

	if (!db_exec(db, "INSERT INTO login_failures (email, address) "
	    "VALUES ($1, $2)", 2, params) ||
	    !db_exec(db, "SELECT id, password_hash, disabled_at IS NOT NULL "
	    "FROM users WHERE email = $1", 1, params)) {
		db_fail(db);
		return (0);
	}

	/* Unknown accounts are checked too: same time, same answer. */
	mcf = dummy_mcf;
	if (db_rows(db) == 1 && !db_isnull(db, 0, 1)) {
		st->found = 1;
		st->user_id = db_int(db, 0, 0);
		st->disabled = db_value(db, 0, 2)[0] == 't';
		mcf = db_value(db, 0, 1);
	}
	(void)snprintf(st->mcf, sizeof(st->mcf), "%s", mcf);

	if (!db_commit(db)) {
		db_fail(db);
		return (0);
	}
	db_close(db);

	return (1);
}

static int
login_finish(struct api_ctx *ctx, struct auth_state *st)
{
	struct db	db;
	const char	*params[2];
	char		uid[24], token[TOKEN_LEN + 1];

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);

	ctx->user.id = st->user_id;
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)st->user_id);
	params[0] = st->email;
	params[1] = uid;

	if (!db_begin(&db, "auth.login") ||
	    !session_create(&db, st->user_id, token, sizeof(token)) ||
	    !db_exec(&db, "DELETE FROM login_failures WHERE email = $1",
	    1, params) ||
	    !audit_event(&db, "auth.login", "users", st->user_id, NULL))
		return (db_fail(&db));

	/* The cost has risen since this hash was made: keep the new one. */
	if (st->mcf[0] != '\0') {
		params[0] = st->mcf;
		if (!db_exec(&db, "UPDATE users SET password_hash = $1 "
		    "WHERE id = $2", 2, params))
			return (db_fail(&db));
	}

	if (!user_fetch(&db, st->user_id))
		return (db_fail(&db));

	return (auth_reply_session(ctx, &db, 200, token));
}

int
auth_login(struct api_ctx *ctx)
{
	struct auth_state	*st;
	struct db		db;
	int			result;

	st = api_state(ctx, sizeof(*st), auth_state_free);

	switch (ctx->stage) {
	case 0:
		if ((st->body = api_body(ctx, login_fields)) == NULL)
			return (KORE_RESULT_OK);
		valid_email_normalize(body_str(st->body, "email"), st->email,
		    sizeof(st->email));

		if (!db_open(&db, ctx))
			return (KORE_RESULT_OK);
		if (!login_admit(ctx, &db, st))
			return (KORE_RESULT_OK);

		if (!pwtask_start(ctx, PWTASK_VERIFY, st->mcf,
		    body_str(st->body, "password")))
			return (api_error(ctx, 500, "internal",
			    "Internal error"));
		ctx->stage = 1;
		return (KORE_RESULT_RETRY);
	case 1:
		if (!pwtask_result(ctx, &result, NULL, 0))
			return (KORE_RESULT_RETRY);
		if (!st->found || result != 1)
			return (api_error(ctx, 401, "unauthorized",
			    "Wrong e-mail or password"));
		if (st->disabled)
			return (api_error(ctx, 403, "forbidden",
			    "This account has been disabled"));

		if (!pwhash_outdated(st->mcf)) {
			st->mcf[0] = '\0';
			return (login_finish(ctx, st));
		}
		if (!pwtask_start(ctx, PWTASK_HASH, NULL,
		    body_str(st->body, "password")))
			return (api_error(ctx, 500, "internal",
			    "Internal error"));
		ctx->stage = 2;
		return (KORE_RESULT_RETRY);
	default:
		if (!pwtask_result(ctx, &result, st->mcf, sizeof(st->mcf)))
			return (KORE_RESULT_RETRY);
		if (result != 1)
			st->mcf[0] = '\0';
		return (login_finish(ctx, st));
	}
}

int
auth_logout(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[1];
	char		sid[24];

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);

	(void)snprintf(sid, sizeof(sid), "%lld",
	    (long long)ctx->user.session_id);
	params[0] = sid;

	if (!db_begin(&db, "auth.logout") ||
	    !db_exec(&db, "DELETE FROM sessions WHERE id = $1", 1, params) ||
	    !audit_event(&db, "auth.logout", "users", ctx->user.id, NULL) ||
	    !db_commit(&db))
		return (db_fail(&db));
	db_close(&db);

	session_set_cookie(ctx, "", 0);
	return (api_no_content(ctx));
}

int
auth_set_password(struct api_ctx *ctx)
{
	struct auth_state	*st;
	struct db		db;
	const char		*params[2], *token, *msg;
	char			id[24];
	int			result;

	st = api_state(ctx, sizeof(*st), auth_state_free);

	if (ctx->stage == 0) {
		if ((st->body = api_body(ctx, set_password_fields)) == NULL)
			return (KORE_RESULT_OK);

		token = body_str(st->body, "token");
		if (!token_shape_ok(token))
			return (api_error_fields(ctx, 422, "validation_failed",
			    "Some fields are not valid", json_pack("{s:s}",
			    "token", "is invalid or has expired")));

		if (!db_open(&db, ctx))
			return (KORE_RESULT_OK);
		params[0] = token;
		if (!db_exec(&db,
		    "SELECT t.id, u.id, u.email FROM password_tokens t "
		    "JOIN users u ON u.id = t.user_id "
		    "WHERE t.token_hash = sha256(convert_to($1, 'UTF8')) "
		    "  AND t.used_at IS NULL AND t.revoked_at IS NULL "
		    "  AND t.expires_at > now() AND u.disabled_at IS NULL",
		    1, params))
			return (db_fail(&db));
		if (db_rows(&db) != 1) {
			db_close(&db);
			return (api_error_fields(ctx, 422, "validation_failed",
			    "Some fields are not valid", json_pack("{s:s}",
			    "token", "is invalid or has expired")));
		}
		st->token_id = db_int(&db, 0, 0);
		st->user_id = db_int(&db, 0, 1);
		(void)snprintf(st->email, sizeof(st->email), "%s",
		    db_value(&db, 0, 2));
		db_close(&db);

		if ((msg = valid_password(body_str(st->body, "password"),
		    st->email)) != NULL)
			return (api_error_fields(ctx, 422, "validation_failed",
			    "Some fields are not valid",
			    json_pack("{s:s}", "password", msg)));

		if (!pwtask_start(ctx, PWTASK_HASH, NULL,
		    body_str(st->body, "password")))
			return (api_error(ctx, 500, "internal",
			    "Internal error"));
		ctx->stage = 1;
		return (KORE_RESULT_RETRY);
	}

	if (!pwtask_result(ctx, &result, st->mcf, sizeof(st->mcf)))
		return (KORE_RESULT_RETRY);
	if (result != 1)
		return (api_error(ctx, 500, "internal", "Internal error"));

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);

	ctx->user.id = st->user_id;
	(void)snprintf(id, sizeof(id), "%lld", (long long)st->token_id);
	params[0] = id;

	/* The token works once, even when two requests race for it. */
	if (!db_begin(&db, "auth.set_password") ||
	    !db_exec(&db, "UPDATE password_tokens SET used_at = now() "
	    "WHERE id = $1 AND used_at IS NULL AND revoked_at IS NULL "
	    "AND expires_at > now()", 1, params))
		return (db_fail(&db));
	if (strcmp(PQcmdTuples(db.sql.result), "1") != 0) {
		db_close(&db);
		return (api_error_fields(ctx, 422, "validation_failed",
		    "Some fields are not valid", json_pack("{s:s}",
		    "token", "is invalid or has expired")));
	}

	(void)snprintf(id, sizeof(id), "%lld", (long long)st->user_id);
	params[0] = id;
	params[1] = st->mcf;

	/*
	 * A new password ends every session and every other link: it may
	 * be a reset after theft.
	 */
	if (!db_exec(&db, "UPDATE users SET password_hash = $2, "
	    "password_changed_at = now() WHERE id = $1", 2, params) ||
	    !db_exec(&db, "DELETE FROM sessions WHERE user_id = $1",
	    1, params) ||
	    !db_exec(&db, "UPDATE password_tokens SET revoked_at = now() "
	    "WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL",
	    1, params) ||
	    !user_fetch(&db, st->user_id))
		return (db_fail(&db));

	return (db_reply_commit(&db, 200));
}

int
me_get(struct api_ctx *ctx)
{
	struct db	db;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!user_fetch(&db, ctx->user.id))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}
