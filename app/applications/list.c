/*
 * GET /api/applications: a page of applications as JSON.
 *
 * Pagination is by keyset: the cursor holds the last row's sort key and
 * id, so a page costs the same anywhere in the list and rows added or
 * removed meanwhile do not shift later pages.  NULL sort keys (drafts
 * have no reference, submission time or amount yet) sort last in both
 * directions; ties are broken by id, in the same direction.
 *
 * Claims (household and disability status) are personal data: staff
 * reads of them are written to the audit log, one row per application
 * shown with claims.
 */

#include "sen.h"
#include "list.h"

/* "applications.read_personal" for each application shown with claims. */
static int
audit_claims_read(struct db *db, const char *ids)
{
	const char	*params[4];
	char		actor[24];

	(void)snprintf(actor, sizeof(actor), "%lld",
	    (long long)db->ctx->user.id);
	params[0] = actor;
	params[1] = ids;
	params[2] = db->ctx->request_id;
	params[3] = db->ctx->client_ip;

	return (db_begin(db, "applications.list") && db_exec(db,
	    "INSERT INTO audit_log (actor_id, action, entity, entity_id, "
	    "  after, request_id, client_ip) "
	    "SELECT $1::bigint, 'applications.read_personal', "
	    "  'applications', x::text, '{\"via\":\"list\",\"fields\":"
	    "[\"claims\"]}', $3, $4 "
	    "FROM unnest($2::bigint[]) x", 4, params) && db_commit(db));
}

int
applications_list(struct api_ctx *ctx)
{
	struct list_query	lq;
	struct sqlb		s;
	struct db		db;
	struct kore_buf		body, ids;
	struct cursor		next;
	json_t			*errs;
	char			enc[CURSOR_BUF];
	size_t			len;
	int			i, rows, shown, staff, nclaims, ret;

	errs = json_object();
	list_parse(ctx, &lq, 0, errs);
	staff = lq.applicant[0] == '\0';

	if (!db_open(&db, ctx)) {
		json_decref(errs);
		return (KORE_RESULT_OK);
	}
	if (!list_check(ctx, &db, &lq, errs))
		return (KORE_RESULT_OK);

	memset(&s, 0, sizeof(s));
	kore_buf_init(&s.buf, 1024);
	kore_buf_appendf(&s.buf, "SELECT api_application_item(a, $%d::text, "
	    "$%d::boolean), %s::text, a.id, EXISTS (SELECT 1 FROM "
	    "priority_claims pc WHERE pc.application_id = a.id) "
	    "FROM applications a",
	    sqlb_param(&s, ctx->user.locale[0] ? ctx->user.locale : "vi"),
	    sqlb_param(&s, staff ? "true" : "false"), lq.sort->key);
	list_where(&s, &lq);
	list_order(&s, &lq);
	kore_buf_appendf(&s.buf, " LIMIT $%d::int",
	    sqlb_param(&s, lq.limit_sql));

	if (!db_exec(&db, kore_buf_stringify(&s.buf, NULL), s.n, s.params)) {
		kore_buf_cleanup(&s.buf);
		return (db_fail(&db));
	}
	kore_buf_cleanup(&s.buf);

	rows = db_rows(&db);
	shown = rows > lq.limit ? (int)lq.limit : rows;

	/*
	 * Sized once: growing a large block with realloc() means mremap(),
	 * which Kore's seccomp sandbox refuses (the worker would die).
	 */
	for (i = 0, len = 64 + CURSOR_BUF; i < shown; i++)
		len += (size_t)PQgetlength(db.sql.result, i, 0) + 1;
	kore_buf_init(&body, len);
	kore_buf_init(&ids, 32 + (size_t)shown * 21);
	kore_buf_appendf(&body, "{\"items\":[");
	kore_buf_appendf(&ids, "{");
	for (i = 0, nclaims = 0; i < shown; i++) {
		if (i > 0)
			kore_buf_append(&body, ",", 1);
		kore_buf_append(&body, db_value(&db, i, 0),
		    (size_t)PQgetlength(db.sql.result, i, 0));
		if (db_value(&db, i, 3)[0] == 't')
			kore_buf_appendf(&ids, "%s%s", nclaims++ ? "," : "",
			    db_value(&db, i, 2));
	}
	kore_buf_appendf(&body, "],\"next_cursor\":");
	kore_buf_appendf(&ids, "}");

	if (rows > lq.limit) {
		memset(&next, 0, sizeof(next));
		(void)snprintf(next.sort, sizeof(next.sort), "%s",
		    lq.sort->name);
		next.desc = lq.desc;
		next.id = db_int(&db, shown - 1, 2);
		if (db_isnull(&db, shown - 1, 1)) {
			next.kind = CURSOR_NULL;
		} else if (lq.sort->kind == CURSOR_INT) {
			next.kind = CURSOR_INT;
			next.ival = db_int(&db, shown - 1, 1);
		} else {
			next.kind = CURSOR_TEXT;
			(void)snprintf(next.text, sizeof(next.text), "%s",
			    db_value(&db, shown - 1, 1));
			/* Too long to hold: refused by cursor_encode(). */
			if (strlen(db_value(&db, shown - 1, 1)) >=
			    sizeof(next.text))
				next.kind = -1;
		}
		if (!cursor_encode(&next, enc, sizeof(enc))) {
			kore_log(LOG_ERR, "[%s] list: cannot make a cursor "
			    "after application %lld", ctx->request_id,
			    (long long)next.id);
			kore_buf_cleanup(&body);
			kore_buf_cleanup(&ids);
			db_close(&db);
			return (api_error(ctx, 500, "internal",
			    "Internal error"));
		}
		kore_buf_appendf(&body, "\"%s\"}", enc);
	} else {
		kore_buf_appendf(&body, "null}");
	}

	/* Staff saw household and disability claims: say so, first. */
	if (staff && nclaims > 0 &&
	    !audit_claims_read(&db, kore_buf_stringify(&ids, NULL))) {
		kore_buf_cleanup(&body);
		kore_buf_cleanup(&ids);
		return (db_fail(&db));
	}
	kore_buf_cleanup(&ids);
	db_close(&db);

	ret = api_reply_text(ctx, 200, (const char *)body.data, body.offset,
	    NULL);
	kore_buf_cleanup(&body);

	return (ret);
}

