/*
 * Accounts made by staff and admins (reviewers, mentors, staff), the
 * account list, disabling and enabling, and one-time set-password links.
 * Staff may manage reviewers, mentors and applicants; only admins manage
 * staff and admins.
 */

#include "sen.h"
#include "accounts.h"
#include "lib/token.h"

#define PASSWORD_TOKEN_HOURS	"72"

static const char *const roles[] = {
	"applicant", "reviewer", "mentor", "staff", "admin", NULL
};
static const char *const locales[] = { "vi", "en", NULL };

static const struct schema_field create_fields[] = {
	{ "email", SCHEMA_STRING, SCHEMA_REQUIRED, 3, VALID_EMAIL_MAX, NULL,
	    valid_email, NULL, NULL },
	{ "full_name", SCHEMA_STRING, SCHEMA_REQUIRED, 1, 200, NULL, NULL,
	    NULL, NULL },
	{ "role", SCHEMA_ENUM, SCHEMA_REQUIRED, 0, 0, roles, NULL, NULL,
	    NULL },
	{ "phone", SCHEMA_STRING, SCHEMA_NULLABLE, 0, 20, NULL, valid_phone,
	    NULL, NULL },
	{ "locale", SCHEMA_ENUM, 0, 0, 0, locales, NULL, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

int
user_fetch(struct db *db, int64_t id)
{
	const char	*params[1];
	char		uid[24];

	(void)snprintf(uid, sizeof(uid), "%lld", (long long)id);
	params[0] = uid;

	return (db_exec(db, "SELECT api_user(u) FROM users u WHERE id = $1",
	    1, params));
}

/* May the caller manage accounts of this role? */
static int
may_manage(struct api_ctx *ctx, const char *role)
{
	if (ctx->user.role == ROLE_ADMIN)
		return (1);

	return (strcmp(role, "staff") != 0 && strcmp(role, "admin") != 0);
}

/*
 * A new one-time token for uid, inside the caller's transaction; the
 * reply carries the token once and never again.
 */
static int
password_token(struct db *db, const char *uid, char *token, size_t len)
{
	const char	*params[3];
	char		actor[24];

	if (!token_new(token, len))
		return (0);

	(void)snprintf(actor, sizeof(actor), "%lld",
	    (long long)db->ctx->user.id);
	params[0] = uid;
	params[1] = token;
	params[2] = actor;

	/* Only the newest link works: an older one may have gone astray. */
	if (!db_exec(db, "UPDATE password_tokens SET revoked_at = now() "
	    "WHERE user_id = $1 AND used_at IS NULL AND revoked_at IS NULL",
	    1, params))
		return (0);

	return (db_exec(db,
	    "INSERT INTO password_tokens (token_hash, user_id, created_by, "
	    "  expires_at) "
	    "VALUES (sha256(convert_to($2, 'UTF8')), $1, $3, "
	    "  now() + interval '" PASSWORD_TOKEN_HOURS " hours') "
	    "RETURNING to_json(expires_at) #>> '{}'", 3, params));
}

/* Commit and answer with the user, the token and its link. */
static int
reply_with_token(struct api_ctx *ctx, struct db *db, int64_t uid,
    const char *token)
{
	json_t		*user;
	json_error_t	jerr;
	char		url[512], *exp;
	int		ret;

	exp = kore_strdup(db_value(db, 0, 0));
	if (!user_fetch(db, uid)) {
		kore_free(exp);
		return (db_fail(db));
	}
	user = json_loads(db_value(db, 0, 0), 0, &jerr);
	if (!db_commit(db)) {
		kore_free(exp);
		json_decref(user);
		return (db_fail(db));
	}
	db_close(db);

	(void)snprintf(url, sizeof(url), "%s/#/set-password?token=%s",
	    sen_cfg.public_origin ? sen_cfg.public_origin : "", token);

	ret = api_reply(ctx, 201, json_pack("{s:o, s:s, s:s, s:s}",
	    "user", user ? user : json_null(),
	    "set_password_token", token,
	    "set_password_url", url,
	    "expires_at", exp));
	kore_free(exp);

	return (ret);
}

int
users_create(struct api_ctx *ctx)
{
	struct db	db;
	json_t		*body;
	const char	*params[6], *v;
	char		email[VALID_EMAIL_MAX + 1], phone[VALID_PHONE_LEN];
	char		actor[24], uid[24], token[TOKEN_LEN + 1];
	int64_t		id;

	if ((body = api_body(ctx, create_fields)) == NULL)
		return (KORE_RESULT_OK);

	if (!may_manage(ctx, json_string_value(json_object_get(body,
	    "role")))) {
		json_decref(body);
		return (api_error(ctx, 403, "forbidden",
		    "Only an admin may create staff and admin accounts"));
	}

	valid_email_normalize(json_string_value(json_object_get(body,
	    "email")), email, sizeof(email));
	phone[0] = '\0';
	if ((v = json_string_value(json_object_get(body, "phone"))) != NULL)
		(void)valid_phone_normalize(v, phone, sizeof(phone));
	(void)snprintf(actor, sizeof(actor), "%lld", (long long)ctx->user.id);

	params[0] = email;
	params[1] = json_string_value(json_object_get(body, "full_name"));
	params[2] = phone[0] ? phone : NULL;
	params[3] = json_string_value(json_object_get(body, "locale"));
	params[4] = json_string_value(json_object_get(body, "role"));
	params[5] = actor;

	if (!db_open(&db, ctx)) {
		json_decref(body);
		return (KORE_RESULT_OK);
	}

	if (!db_begin(&db, "users.create") ||
	    !db_exec(&db,
	    "INSERT INTO users (email, full_name, phone, locale, role, "
	    "  created_by) "
	    "VALUES ($1, btrim($2), $3, coalesce($4, 'vi'), $5, $6) "
	    "RETURNING id", 6, params)) {
		json_decref(body);
		return (db_fail(&db));
	}
	json_decref(body);

	id = db_int(&db, 0, 0);
	(void)snprintf(uid, sizeof(uid), "%lld", (long long)id);
	if (!password_token(&db, uid, token, sizeof(token)))
		return (db_fail(&db));

	return (reply_with_token(ctx, &db, id, token));
}

int
users_password_token(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[1];
	char		uid[24], token[TOKEN_LEN + 1];

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);

	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->params[0]);
	params[0] = uid;
	if (!db_begin(&db, "users.password_token") ||
	    !db_exec(&db, "SELECT role, disabled_at IS NOT NULL FROM users "
	    "WHERE id = $1 FOR UPDATE", 1, params))
		return (db_fail(&db));

	if (db_rows(&db) != 1) {
		db_close(&db);
		return (api_error(ctx, 404, "not_found", "No such user"));
	}
	if (!may_manage(ctx, db_value(&db, 0, 0))) {
		db_close(&db);
		return (api_error(ctx, 403, "forbidden",
		    "Only an admin may manage staff and admin accounts"));
	}
	if (db_value(&db, 0, 1)[0] == 't') {
		db_close(&db);
		return (api_error(ctx, 409, "conflict",
		    "The account is disabled; enable it first"));
	}

	if (!password_token(&db, uid, token, sizeof(token)))
		return (db_fail(&db));

	return (reply_with_token(ctx, &db, ctx->params[0], token));
}

int
users_get(struct api_ctx *ctx)
{
	struct db	db;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!user_fetch(&db, ctx->params[0]))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}

/*
 * ?role=&q=&after=&limit=: keyset pagination by id, so that a page costs
 * the same at the end of the list as at its start.
 */
int
users_list(struct api_ctx *ctx)
{
	static const char *const	list_roles[] = {
		"applicant", "reviewer", "mentor", "staff", "admin", NULL
	};
	struct db	db;
	const char	*params[4];
	char		role[16], q[128], after[24], limit[8];
	int64_t		n;
	int		r, i;

	if ((r = api_query(ctx, "role", role, sizeof(role))) == -1)
		return (KORE_RESULT_OK);
	if (r == 1) {
		for (i = 0; list_roles[i] != NULL; i++) {
			if (!strcmp(list_roles[i], role))
				break;
		}
		if (list_roles[i] == NULL)
			return (api_error_fields(ctx, 400, "validation_failed",
			    "Unknown role", json_pack("{s:s}", "role",
			    "must be one of: applicant, reviewer, mentor, "
			    "staff, admin")));
	}
	params[0] = r == 1 ? role : NULL;

	if ((r = api_query(ctx, "q", q, sizeof(q))) == -1)
		return (KORE_RESULT_OK);
	params[1] = r == 1 && q[0] != '\0' ? q : NULL;

	if (api_query_int(ctx, "after", 0, INT64_MAX, 0, &n) == -1)
		return (KORE_RESULT_OK);
	(void)snprintf(after, sizeof(after), "%lld", (long long)n);
	params[2] = after;

	if (api_query_int(ctx, "limit", 1, 100, 50, &n) == -1)
		return (KORE_RESULT_OK);
	(void)snprintf(limit, sizeof(limit), "%lld", (long long)n);
	params[3] = limit;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);

	/*
	 * Search ignores case and Vietnamese diacritics ("nguyen" finds
	 * Nguyễn) and takes q literally (strpos, not LIKE: % is not a wildcard).
	 */
	if (!db_exec(&db,
	    "WITH page AS ("
	    "  SELECT u FROM users u"
	    "  WHERE ($1::text IS NULL OR u.role = $1)"
	    "    AND ($2::text IS NULL OR strpos("
	    "      unaccent(lower(u.full_name || ' ' || u.email)),"
	    "      unaccent(lower($2))) > 0)"
	    "    AND u.id > $3::bigint"
	    "  ORDER BY u.id LIMIT $4::int) "
	    "SELECT json_build_object("
	    "  'items', coalesce(json_agg(api_user(u) ORDER BY (u).id), '[]'),"
	    "  'next_after', CASE WHEN count(*) = $4::int"
	    "    THEN max((u).id) END) FROM page", 4, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}

static int
set_disabled(struct api_ctx *ctx, int disable)
{
	struct db	db;
	const char	*params[2];
	char		uid[24], actor[24];

	if (disable && ctx->params[0] == ctx->user.id)
		return (api_error(ctx, 409, "conflict",
		    "You cannot disable your own account"));

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);

	(void)snprintf(uid, sizeof(uid), "%lld", (long long)ctx->params[0]);
	(void)snprintf(actor, sizeof(actor), "%lld", (long long)ctx->user.id);
	params[0] = uid;
	params[1] = actor;

	if (!db_begin(&db, disable ? "users.disable" : "users.enable"))
		return (db_fail(&db));

	if (disable) {
		/* Its sessions and links end in the same transaction. */
		if (!db_exec(&db, "UPDATE users SET disabled_at = "
		    "coalesce(disabled_at, now()), disabled_by = "
		    "coalesce(disabled_by, $2) WHERE id = $1", 2, params) ||
		    !db_exec(&db, "DELETE FROM sessions WHERE user_id = $1",
		    1, params) ||
		    !db_exec(&db, "UPDATE password_tokens SET revoked_at = "
		    "now() WHERE user_id = $1 AND used_at IS NULL AND "
		    "revoked_at IS NULL", 1, params))
			return (db_fail(&db));
	} else {
		if (!db_exec(&db, "UPDATE users SET disabled_at = NULL, "
		    "disabled_by = NULL WHERE id = $1", 1, params))
			return (db_fail(&db));
	}

	if (!user_fetch(&db, ctx->params[0]))
		return (db_fail(&db));

	return (db_reply_commit(&db, 200));
}

int
users_disable(struct api_ctx *ctx)
{
	return (set_disabled(ctx, 1));
}

int
users_enable(struct api_ctx *ctx)
{
	return (set_disabled(ctx, 0));
}
