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
 * shown with claims, in the statement that reads them.
 */

#include "sen.h"
#include "list.h"

/*
 * The page's statement runs without blocking the worker (dbasync.c).  For
 * staff it also writes the audit of the claims they see, in the same
 * statement and transaction: "applications.read_personal" for each
 * application shown with claims.  rn keeps the order of the page (the
 * row after the page, fetched to know whether there is a next one, is
 * not shown, so not audited).
 */
/* Every parameter of the list's statement goes to one asynchronous one. */
_Static_assert(DBA_PARAMS >= SQL_PARAMS_MAX, "DBA_PARAMS < SQL_PARAMS_MAX");

struct list_state {
	struct dba		q;
	struct list_query	lq;
	struct sqlb		s;
	int			staff;
	char			actor[24];
};

static void
list_free(void *arg)
{
	struct list_state	*st = arg;

	dba_close(&st->q);
	kore_buf_cleanup(&st->s.buf);
}

static void
list_statement(struct api_ctx *ctx, struct list_state *st)
{
	struct list_query	*lq = &st->lq;
	struct sqlb		*s = &st->s;
	struct dba_stmt		*q;
	int			i, shown;

	memset(s, 0, sizeof(*s));
	kore_buf_init(&s->buf, 2048);
	kore_buf_appendf(&s->buf, "WITH page AS (SELECT p.*, row_number() "
	    "OVER () AS rn FROM (SELECT api_application_item(a, $%d::text, "
	    "$%d::boolean) AS item, %s::text AS k, a.id AS id, EXISTS (SELECT "
	    "1 FROM priority_claims pc WHERE pc.application_id = a.id) AS claims "
	    "FROM applications a",
	    sqlb_param(s, ctx->user.locale[0] ? ctx->user.locale : "vi"),
	    sqlb_param(s, st->staff ? "true" : "false"), lq->sort->key);
	list_where(s, lq);
	list_order(s, lq);
	kore_buf_appendf(&s->buf, " LIMIT $%d::int) p) ",
	    sqlb_param(s, lq->limit_sql));
	if (st->staff) {
		(void)snprintf(st->actor, sizeof(st->actor), "%lld",
		    (long long)ctx->user.id);
		shown = sqlb_param(s, lq->limit_sql);
		kore_buf_appendf(&s->buf, ", log AS (INSERT INTO audit_log "
		    "(actor_id, action, entity, entity_id, after, request_id, "
		    "client_ip) SELECT $%d::bigint, "
		    "'applications.read_personal', 'applications', id::text, "
		    "'{\"via\":\"list\",\"fields\":[\"claims\"]}', "
		    "$%d, $%d FROM page WHERE claims AND rn < $%d::int) ",
		    sqlb_param(s, st->actor), sqlb_param(s, ctx->request_id),
		    sqlb_param(s, ctx->client_ip), shown);
	}
	kore_buf_appendf(&s->buf, "SELECT item, k, id FROM page ORDER BY rn");

	dba_init(&st->q, ctx, st->staff ? "applications.list" : NULL);
	q = dba_add(&st->q, kore_buf_stringify(&s->buf, NULL), 0);
	for (i = 0; i < s->n; i++)
		dba_text(q, s->params[i]);
}

int
applications_list(struct api_ctx *ctx)
{
	struct list_state	*st;
	struct list_query	*lq;
	struct db		 db, *r;
	struct kore_buf		 body;
	struct cursor		 next;
	json_t			*errs;
	char			 enc[CURSOR_BUF];
	size_t			 len;
	int			 i, rows, shown, ret;

	st = api_state(ctx, sizeof(*st), list_free);
	lq = &st->lq;
	if (ctx->stage == 0) {
		errs = json_object();
		list_parse(ctx, lq, 0, errs);
		st->staff = lq->applicant[0] == '\0';

		/* Codes of wards and sectors, checked first (rarely given). */
		if (lq->ward[0] != '\0' || lq->sector[0] != '\0' ||
		    json_object_size(errs) > 0) {
			if (!db_open(&db, ctx)) {
				json_decref(errs);
				return (KORE_RESULT_OK);
			}
			if (!list_check(ctx, &db, lq, errs))
				return (KORE_RESULT_OK);
			db_close(&db);
		} else {
			json_decref(errs);
		}
		list_statement(ctx, st);
		ctx->stage = 1;
	}

	switch (dba_run(&st->q)) {
	case DBA_WAIT:
		return (KORE_RESULT_RETRY);
	case DBA_FAILED:
		return (KORE_RESULT_OK);
	}
	r = &st->q.db;

	rows = db_rows(r);
	shown = rows > lq->limit ? (int)lq->limit : rows;

	/*
	 * Sized once: growing a large block with realloc() means mremap(),
	 * which Kore's seccomp sandbox refuses (the worker would die).
	 */
	for (i = 0, len = 64 + CURSOR_BUF; i < shown; i++)
		len += (size_t)PQgetlength(r->sql.result, i, 0) + 1;
	kore_buf_init(&body, len);
	kore_buf_appendf(&body, "{\"items\":[");
	for (i = 0; i < shown; i++) {
		if (i > 0)
			kore_buf_append(&body, ",", 1);
		kore_buf_append(&body, db_value(r, i, 0),
		    (size_t)PQgetlength(r->sql.result, i, 0));
	}
	kore_buf_appendf(&body, "],\"next_cursor\":");

	if (rows > lq->limit) {
		memset(&next, 0, sizeof(next));
		(void)snprintf(next.sort, sizeof(next.sort), "%s",
		    lq->sort->name);
		next.desc = lq->desc;
		next.id = db_int(r, shown - 1, 2);
		if (db_isnull(r, shown - 1, 1)) {
			next.kind = CURSOR_NULL;
		} else if (lq->sort->kind == CURSOR_INT) {
			next.kind = CURSOR_INT;
			next.ival = db_int(r, shown - 1, 1);
		} else {
			next.kind = CURSOR_TEXT;
			(void)snprintf(next.text, sizeof(next.text), "%s",
			    db_value(r, shown - 1, 1));
			/* Too long to hold: refused by cursor_encode(). */
			if (strlen(db_value(r, shown - 1, 1)) >=
			    sizeof(next.text))
				next.kind = -1;
		}
		if (!cursor_encode(&next, enc, sizeof(enc))) {
			kore_log(LOG_ERR, "[%s] list: cannot make a cursor "
			    "after application %lld", ctx->request_id,
			    (long long)next.id);
			kore_buf_cleanup(&body);
			return (api_error(ctx, 500, "internal",
			    "Internal error"));
		}
		kore_buf_appendf(&body, "\"%s\"}", enc);
	} else {
		kore_buf_appendf(&body, "null}");
	}

	ret = api_reply_text(ctx, 200, (const char *)body.data, body.offset,
	    NULL);
	kore_buf_cleanup(&body);

	return (ret);
}
