/*
 * Supported businesses.  Funding an application makes its business and
 * check-in schedule (a trigger, migrations/0006_followup.sql); here
 * people read them and staff flag, unflag and close them.
 *
 * Who sees a business: the entrepreneur her own (another's is 404, as
 * one that does not exist), her mentor read-only (through the SQL
 * function mentor_can_see_business, the one place that decides it), staff
 * all.  Check-ins hold the household's poverty status: staff reads are
 * written to the audit log, and mentors do not get it.
 */

#include "sen.h"
#include "followup.h"

#define LIST_MAX	100

static const char *const	statuses[] = {
	"on_track", "at_risk", "closed", NULL
};

static const struct schema_field reason_fields[] = {
	{ "reason", SCHEMA_STRING, SCHEMA_REQUIRED | SCHEMA_MULTILINE, 1,
	    FU_REASON_MAX, NULL, fu_not_blank, NULL, NULL },
	{ NULL, 0, 0, 0, 0, NULL, NULL, NULL, NULL }
};

const char *
fu_locale(struct api_ctx *ctx)
{
	return (ctx->user.locale[0] != '\0' ? ctx->user.locale : "vi");
}

void
fu_id(char *buf, size_t len, int64_t id)
{
	(void)snprintf(buf, len, "%lld", (long long)id);
}

/* If-Match when given: 1 (in *version), 0 absent, -1 malformed (replied). */
int
fu_if_match_optional(struct api_ctx *ctx, int64_t *version)
{
	const char	*v;

	*version = 0;
	if (!http_request_header(ctx->req, "if-match", &v))
		return (0);

	return (api_if_match(ctx, version) ? 1 : -1);
}

/* Who the caller is to a business; NULL: nobody (the mentoring feature's
 * matches decide for mentors, through mentor_can_see_business). */
#define ACCESS_SQL							\
	"SELECT CASE WHEN $3::boolean THEN 'staff' "			\
	"  WHEN b.owner_id = $2::bigint THEN 'owner' "			\
	"  WHEN $4::boolean AND "					\
	"    mentor_can_see_business($2::bigint, b.id) THEN 'mentor' "	\
	"  END, b.status, b.flag_reason IS NOT NULL, b.version "	\
	"FROM businesses b WHERE b.id = $1"

/*
 * Whether the caller may see business id, and as whom (staff, owner or
 * mentor), its status and version; locked for a write when lock is set,
 * and at version `want` unless it is 0.  1 when she may; 0 when a reply
 * has been sent (404 with the message `missing`, the same whether the
 * record does not exist or is not hers; 412; or a database error).
 */
int
fu_access(struct db *db, int64_t id, int lock, int64_t want,
    struct fu_access *out, const char *missing)
{
	struct api_ctx	*ctx = db->ctx;
	const char	*params[4];
	char		bid[24], uid[24];

	fu_id(bid, sizeof(bid), id);
	fu_id(uid, sizeof(uid), ctx->user.id);
	params[0] = bid;
	params[1] = uid;
	params[2] = FU_STAFF(ctx) ? "true" : "false";
	params[3] = (ctx->user.role & ROLE_MENTOR) ? "true" : "false";

	if (!db_exec(db, lock ? ACCESS_SQL " FOR UPDATE" : ACCESS_SQL,
	    4, params)) {
		db_fail(db);
		return (0);
	}
	if (db_rows(db) != 1 || db_isnull(db, 0, 0)) {
		db_close(db);
		api_error(ctx, 404, "not_found", missing);
		return (0);
	}
	if (want != 0 && db_int(db, 0, 3) != want) {
		db_close(db);
		api_error(ctx, 412, "precondition_failed", "The business has "
		    "changed since you read it: read it again");
		return (0);
	}

	(void)snprintf(out->viewer, sizeof(out->viewer), "%s",
	    db_value(db, 0, 0));
	(void)snprintf(out->status, sizeof(out->status), "%s",
	    db_value(db, 0, 1));
	out->flagged = db_value(db, 0, 2)[0] == 't';
	out->version = db_int(db, 0, 3);

	return (1);
}

/*
 * Answer with business id as viewer sees it now, its version as the
 * ETag, committing the caller's transaction.  A staff read carries the
 * household statuses of the check-ins: it is audited, in a transaction
 * of its own when the caller had none.
 */
int
fu_reply_business(struct db *db, int64_t id, const char *viewer, int status)
{
	struct api_ctx	*ctx = db->ctx;
	const char	*params[3];
	char		bid[24], *text;
	int64_t		version;
	int		ret;

	fu_id(bid, sizeof(bid), id);
	params[0] = bid;
	params[1] = viewer;
	params[2] = fu_locale(ctx);

	if (!db_exec(db, "SELECT api_business(b, $2, $3, now())::text, "
	    "b.version FROM businesses b WHERE b.id = $1", 3, params))
		return (db_fail(db));
	if (db_rows(db) != 1) {
		db_close(db);
		return (api_error(ctx, 404, "not_found", "No such business"));
	}
	text = kore_strdup(db_value(db, 0, 0));
	version = db_int(db, 0, 1);

	if (!strcmp(viewer, "staff")) {
		if ((!db->in_tx && !db_begin(db, "businesses.read")) ||
		    !audit_event(db, "businesses.read_personal", "businesses",
		    id, json_pack("{s:s}", "via", ctx->route->handler_name))) {
			kore_free(text);
			return (db_fail(db));
		}
	}
	if (db->in_tx && !db_commit(db)) {
		kore_free(text);
		return (db_fail(db));
	}
	db_close(db);

	api_etag(ctx, version);
	ret = api_reply_text(ctx, status, text, strlen(text), NULL);
	kore_free(text);

	return (ret);
}

/*
 * GET /api/businesses?status=&call_id=&ward=&after=&limit=: staff's
 * list, by id (keyset pagination, as the users list).  No personal data
 * beyond the owner's name.
 */
int
businesses_list(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[6];
	char		status[16], ward[8], call[24], after[24], limit[8];
	int64_t		n;
	int		r, i;

	if ((r = api_query(ctx, "status", status, sizeof(status))) == -1)
		return (KORE_RESULT_OK);
	if (r == 1) {
		for (i = 0; statuses[i] != NULL; i++) {
			if (!strcmp(statuses[i], status))
				break;
		}
		if (statuses[i] == NULL)
			return (api_error_fields(ctx, 400, "validation_failed",
			    "Unknown status", json_pack("{s:s}", "status",
			    "must be one of: on_track, at_risk, closed")));
	}
	params[0] = r == 1 ? status : NULL;

	if (api_query_int(ctx, "call_id", 1, INT64_MAX, 0, &n) == -1)
		return (KORE_RESULT_OK);
	fu_id(call, sizeof(call), n);
	params[1] = n != 0 ? call : NULL;

	if ((r = api_query(ctx, "ward", ward, sizeof(ward))) == -1)
		return (KORE_RESULT_OK);
	if (r == 1 && (strlen(ward) != 5 ||
	    strspn(ward, "0123456789") != 5))
		return (api_error_fields(ctx, 400, "validation_failed",
		    "Unknown ward", json_pack("{s:s}", "ward",
		    "must be a ward code of 5 digits")));
	params[2] = r == 1 ? ward : NULL;

	if (api_query_int(ctx, "after", 0, INT64_MAX, 0, &n) == -1)
		return (KORE_RESULT_OK);
	fu_id(after, sizeof(after), n);
	params[3] = after;

	if (api_query_int(ctx, "limit", 1, LIST_MAX, 50, &n) == -1)
		return (KORE_RESULT_OK);
	fu_id(limit, sizeof(limit), n);
	params[4] = limit;
	params[5] = fu_locale(ctx);

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);

	if (!db_exec(&db,
	    "WITH page AS ("
	    "  SELECT b FROM businesses b"
	    "  WHERE ($1::text IS NULL OR b.status = $1)"
	    "    AND ($2::bigint IS NULL OR b.call_id = $2::bigint)"
	    "    AND ($3::text IS NULL OR b.ward_code = $3)"
	    "    AND b.id > $4::bigint"
	    "  ORDER BY b.id LIMIT $5::int) "
	    "SELECT json_build_object("
	    "  'items', coalesce(json_agg(api_business_item(b, $6, now()) "
	    "    ORDER BY (b).id), '[]'),"
	    "  'next_after', CASE WHEN count(*) = $5::int"
	    "    THEN max((b).id) END)::text FROM page", 6, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}

/* GET /api/businesses/mine: her businesses, whole, oldest first. */
int
businesses_mine(struct api_ctx *ctx)
{
	struct db	db;
	const char	*params[2];
	char		uid[24];

	fu_id(uid, sizeof(uid), ctx->user.id);
	params[0] = uid;
	params[1] = fu_locale(ctx);

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!db_exec(&db, "SELECT json_build_object('items', coalesce("
	    "  json_agg(api_business(b, 'owner', $2, now()) ORDER BY b.id), "
	    "  '[]'))::text FROM businesses b WHERE b.owner_id = $1",
	    2, params))
		return (db_fail(&db));

	return (db_reply_row(&db, 200, 0));
}

int
businesses_get(struct api_ctx *ctx)
{
	struct db		db;
	struct fu_access	acc;

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);
	if (!fu_access(&db, ctx->params[0], 0, 0, &acc, "No such business"))
		return (KORE_RESULT_OK);

	return (fu_reply_business(&db, ctx->params[0], acc.viewer, 200));
}

/*
 * The start of every staff decision on a business: If-Match when sent,
 * the transaction, the business locked and not closed.  1 when the
 * caller may go on; 0 when a reply has been sent.
 */
static int
staff_lock(struct api_ctx *ctx, struct db *db, const char *action,
    struct fu_access *acc)
{
	int64_t		want;

	if (fu_if_match_optional(ctx, &want) == -1)
		return (0);
	if (!db_open(db, ctx))
		return (0);
	if (!db_begin(db, action)) {
		db_fail(db);
		return (0);
	}
	if (!fu_access(db, ctx->params[0], 1, want, acc, "No such business"))
		return (0);
	if (!strcmp(acc->status, "closed")) {
		db_close(db);
		api_error_fields(ctx, 409, "conflict",
		    "The business has closed", json_pack("{s:s}", "status",
		    "is closed: nothing more can be decided about it"));
		return (0);
	}

	return (1);
}

/*
 * POST /api/businesses/{id}/flag {reason}: at risk until unflagged, for
 * the reason given (staff's; she sees that it is flagged, not why).
 * Flagging a flagged business replaces the reason.
 */
int
businesses_flag(struct api_ctx *ctx)
{
	struct db		db;
	struct fu_access	acc;
	json_t			*body;
	const char		*params[3];
	char			bid[24], uid[24];

	if ((body = api_body(ctx, reason_fields)) == NULL)
		return (KORE_RESULT_OK);
	if (!staff_lock(ctx, &db, "businesses.flag", &acc)) {
		json_decref(body);
		return (KORE_RESULT_OK);
	}

	fu_id(bid, sizeof(bid), ctx->params[0]);
	fu_id(uid, sizeof(uid), ctx->user.id);
	params[0] = bid;
	params[1] = json_string_value(json_object_get(body, "reason"));
	params[2] = uid;
	if (!db_exec(&db, "UPDATE businesses SET flag_reason = btrim($2), "
	    "flagged_by = $3, flagged_at = now() WHERE id = $1", 3, params) ||
	    !db_exec(&db, "SELECT followup_recompute($1, now())", 1, params)) {
		json_decref(body);
		return (db_fail(&db));
	}
	json_decref(body);

	return (fu_reply_business(&db, ctx->params[0], "staff", 200));
}

/* POST /api/businesses/{id}/unflag: the flag is lifted (409 if none). */
int
businesses_unflag(struct api_ctx *ctx)
{
	struct db		db;
	struct fu_access	acc;
	const char		*params[1];
	char			bid[24];

	if (!staff_lock(ctx, &db, "businesses.unflag", &acc))
		return (KORE_RESULT_OK);
	if (!acc.flagged) {
		db_close(&db);
		return (api_error(ctx, 409, "conflict",
		    "The business is not flagged"));
	}

	fu_id(bid, sizeof(bid), ctx->params[0]);
	params[0] = bid;
	if (!db_exec(&db, "UPDATE businesses SET flag_reason = NULL, "
	    "flagged_by = NULL, flagged_at = NULL WHERE id = $1", 1, params) ||
	    !db_exec(&db, "SELECT followup_recompute($1, now())", 1, params))
		return (db_fail(&db));

	return (fu_reply_business(&db, ctx->params[0], "staff", 200));
}

/*
 * POST /api/businesses/{id}/close {reason}: closed for good (a visit
 * found it closed, she cannot be reached ...); the application closes
 * too, and she is told, with the reason (its status message).
 */
int
businesses_close(struct api_ctx *ctx)
{
	struct db		db;
	struct fu_access	acc;
	json_t			*body;
	const char		*params[3];
	char			bid[24], uid[24];

	if ((body = api_body(ctx, reason_fields)) == NULL)
		return (KORE_RESULT_OK);
	if (!staff_lock(ctx, &db, "businesses.close", &acc)) {
		json_decref(body);
		return (KORE_RESULT_OK);
	}

	fu_id(bid, sizeof(bid), ctx->params[0]);
	fu_id(uid, sizeof(uid), ctx->user.id);
	params[0] = bid;
	params[1] = json_string_value(json_object_get(body, "reason"));
	params[2] = uid;
	if (!db_exec(&db, "SELECT business_close($1, $2, $3, now())",
	    3, params)) {
		json_decref(body);
		return (db_fail(&db));
	}
	json_decref(body);

	return (fu_reply_business(&db, ctx->params[0], "staff", 200));
}
