/*
 * The query parameters of the application list and its export, and the
 * SQL they become.
 *
 * An applicant sees her own applications and may only sort and page
 * them; every filter is for staff, and an applicant who sends one gets
 * 400 (a filter that silently did nothing would mislead her).  Every
 * parameter is checked before anything runs, unknown and repeated names
 * included, and all the bad ones are named in one 400.  An empty value
 * is the same as no parameter (a form's "any").
 *
 * The SQL is put together from constant fragments only; every value is
 * a parameter.
 */

#include <ctype.h>

#include "sen.h"
#include "lib/qs.h"
#include "list.h"

/* Query parameters: who may send them and where. */
#define QP_STAFF		0x01	/* filters: staff and admins only */
#define QP_PAGE			0x02	/* the JSON list only, not the export */

struct qparam {
	const char	*name;
	int		flags;
};

static const struct qparam	qparams[] = {
	{ "call_id", QP_STAFF },
	{ "status", QP_STAFF },
	{ "ward", QP_STAFF },
	{ "stage", QP_STAFF },
	{ "sector", QP_STAFF },
	{ "claimed", QP_STAFF },
	{ "verified", QP_STAFF },
	{ "submitted_from", QP_STAFF },
	{ "submitted_to", QP_STAFF },
	{ "q", QP_STAFF },
	{ "sort", 0 },
	{ "order", 0 },
	{ "limit", QP_PAGE },
	{ "cursor", QP_PAGE },
	{ NULL, 0 }
};

static const char *const	statuses[] = {
	"draft", "submitted", "screening", "eligible", "ineligible",
	"in_review", "reviewed", "funded", "waitlisted", "rejected",
	"in_followup", "completed", "closed", "withdrawn", NULL
};
static const char *const	stages[] = {
	"idea", "startup", "new_business", NULL
};
static const char *const	categories[] = {
	"poor", "near_poor", "hardship", "disability", NULL
};

/* The sort orders (struct sort_def in list.h), the default first. */
static const struct sort_def	sorts[] = {
	{ "created_at", "a.created_at", "sen_usec(a.created_at)",
	    "sen_from_usec($%d::bigint)", 0, CURSOR_INT, 1 },
	{ "submitted_at", "a.submitted_at", "sen_usec(a.submitted_at)",
	    "sen_from_usec($%d::bigint)", 1, CURSOR_INT, 1 },
	{ "amount_requested_vnd", "a.amount_requested_vnd",
	    "a.amount_requested_vnd", "$%d::bigint", 1, CURSOR_INT, 1 },
	{ "reference", "a.reference", "a.reference", "$%d::text", 1,
	    CURSOR_TEXT, 0 },
	{ "business_name", "(a.business_name COLLATE sen_vi)",
	    "a.business_name", "$%d::text", 1, CURSOR_TEXT, 0 },
	{ NULL, NULL, NULL, NULL, 0, 0, 0 }
};

static int
one_of(const char *const *choices, const char *s)
{
	int	i;

	for (i = 0; choices[i] != NULL; i++) {
		if (!strcmp(choices[i], s))
			return (1);
	}

	return (0);
}

/* Digits only, at most 18 of them: ids and limits. */
static int
parse_count(const char *s, int64_t *out)
{
	size_t		i;
	int64_t		v;

	for (i = 0, v = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9' || i >= 18)
			return (0);
		v = v * 10 + (s[i] - '0');
	}
	*out = v;

	return (i > 0);
}

int
sqlb_param(struct sqlb *s, const char *value)
{
	if (s->n >= SQL_PARAMS_MAX)
		fatal("list: too many SQL parameters");
	s->params[s->n++] = value;

	return (s->n);
}

static void
field_error(json_t *errs, const char *name, const char *msg)
{
	if (json_object_get(errs, name) == NULL)
		json_object_set_new(errs, name, json_string(msg));
}

/* A parameter name fit to be a key of the error's "fields". */
static int
name_printable(const char *p, size_t len)
{
	size_t		i;

	if (len == 0 || len > 40)
		return (0);
	for (i = 0; i < len; i++) {
		if (!isalnum((unsigned char)p[i]) && p[i] != '_' &&
		    p[i] != '-' && p[i] != '.')
			return (0);
	}

	return (1);
}

/*
 * Every name in the query string must be one this endpoint knows, given
 * once, and allowed to the caller: a misspelt filter that was ignored
 * would return the wrong list without a word.
 */
static void
check_names(const char *qs, int staff, int export, json_t *errs)
{
	const char	*p, *end, *eq;
	char		name[48];
	size_t		len;
	int		i, seen[sizeof(qparams) / sizeof(qparams[0])];

	memset(seen, 0, sizeof(seen));
	if (qs == NULL)
		return;

	for (p = qs; *p != '\0'; p = *end ? end + 1 : end) {
		if ((end = strchr(p, '&')) == NULL)
			end = p + strlen(p);
		if (end == p)
			continue;
		eq = memchr(p, '=', (size_t)(end - p));
		len = (size_t)((eq ? eq : end) - p);

		for (i = 0; qparams[i].name != NULL; i++) {
			if (strlen(qparams[i].name) == len &&
			    !memcmp(qparams[i].name, p, len))
				break;
		}

		if (!name_printable(p, len)) {
			field_error(errs, "query",
			    "holds a parameter name that is not valid");
			continue;
		}
		memcpy(name, p, len);
		name[len] = '\0';

		if (qparams[i].name == NULL ||
		    (export && (qparams[i].flags & QP_PAGE))) {
			field_error(errs, name, export ?
			    "is not a parameter of the export" :
			    "is not a parameter of this list");
		} else if (!staff && (qparams[i].flags & QP_STAFF)) {
			field_error(errs, name,
			    "is a staff filter: an applicant's list holds "
			    "only her own applications");
		} else if (seen[i]++) {
			field_error(errs, name, "is given more than once");
		}
	}
}

/*
 * One parameter's value into buf.  1: present and not empty; 0: absent
 * or empty (a form's "any"); -1: not decodable, too long or not UTF-8,
 * and the error is noted.
 */
static int
get(struct api_ctx *ctx, const char *name, char *buf, size_t len,
    json_t *errs)
{
	int	r;

	buf[0] = '\0';
	r = qs_get(ctx->req->query_string, name, buf, len);
	if (r == -1) {
		buf[0] = '\0';
		field_error(errs, name, "is malformed, too long or not "
		    "valid UTF-8");
		return (-1);
	}

	return (r == 1 && buf[0] != '\0');
}

static void
get_enum(struct api_ctx *ctx, const char *name, char *buf, size_t len,
    const char *const *choices, const char *msg, json_t *errs)
{
	if (get(ctx, name, buf, len, errs) == 1 && !one_of(choices, buf)) {
		field_error(errs, name, msg);
		buf[0] = '\0';
	}
}

/* status=submitted,screening: a comma-separated list of statuses. */
static void
get_status(struct api_ctx *ctx, struct list_query *lq, json_t *errs)
{
	char	copy[STATUS_MAX], *p, *next;

	if (get(ctx, "status", lq->status, sizeof(lq->status), errs) != 1)
		return;

	(void)snprintf(copy, sizeof(copy), "%s", lq->status);
	for (p = copy; p != NULL; p = next) {
		if ((next = strchr(p, ',')) != NULL)
			*next++ = '\0';
		if (!one_of(statuses, p)) {
			field_error(errs, "status", "must be a comma-separated "
			    "list of statuses: draft, submitted, screening, "
			    "eligible, ineligible, in_review, reviewed, funded, "
			    "waitlisted, rejected, in_followup, completed, "
			    "closed, withdrawn");
			lq->status[0] = '\0';
			return;
		}
	}
}

/* q: words separated by spaces, each of which must be found. */
static void
get_q(struct api_ctx *ctx, struct list_query *lq, json_t *errs)
{
	char	*p;

	if (get(ctx, "q", lq->q, sizeof(lq->q), errs) != 1)
		return;

	for (p = lq->q; *p != '\0';) {
		if (*p == ' ') {
			*p++ = '\0';
			continue;
		}
		if (lq->nterms == Q_TERMS_MAX) {
			field_error(errs, "q", "may hold at most 8 words");
			lq->nterms = 0;
			return;
		}
		lq->terms[lq->nterms++] = p;
		while (*p != '\0' && *p != ' ')
			p++;
	}
}

static void
get_sort(struct api_ctx *ctx, struct list_query *lq, json_t *errs)
{
	char	buf[32], order[8];
	int	i, r;

	lq->sort = &sorts[0];
	if (get(ctx, "sort", buf, sizeof(buf), errs) == 1) {
		for (i = 0; sorts[i].name != NULL; i++) {
			if (!strcmp(sorts[i].name, buf))
				break;
		}
		if (sorts[i].name == NULL)
			field_error(errs, "sort", "must be one of: created_at, "
			    "submitted_at, amount_requested_vnd, reference, "
			    "business_name");
		else
			lq->sort = &sorts[i];
	}

	lq->desc = lq->sort->desc;
	if ((r = get(ctx, "order", order, sizeof(order), errs)) == 1) {
		if (!strcmp(order, "asc"))
			lq->desc = 0;
		else if (!strcmp(order, "desc"))
			lq->desc = 1;
		else
			field_error(errs, "order", "must be asc or desc");
	}
}

static void
get_page(struct api_ctx *ctx, struct list_query *lq, json_t *errs)
{
	char		buf[CURSOR_BUF];
	struct cursor	*c = &lq->cursor;

	lq->limit = LIST_LIMIT_DEFAULT;
	if (get(ctx, "limit", buf, 24, errs) == 1 &&
	    (!parse_count(buf, &lq->limit) || lq->limit < 1 ||
	    lq->limit > LIST_LIMIT_MAX))
		field_error(errs, "limit", "must be an integer from 1 to 100");
	(void)snprintf(lq->limit_sql, sizeof(lq->limit_sql), "%lld",
	    (long long)lq->limit + 1);

	if (get(ctx, "cursor", buf, sizeof(buf), errs) != 1)
		return;
	if (!cursor_decode(buf, c)) {
		field_error(errs, "cursor", "is not a cursor this list gave");
		return;
	}
	if (strcmp(c->sort, lq->sort->name) || c->desc != lq->desc) {
		field_error(errs, "cursor", "was made for another sort or "
		    "order: start again without it");
		return;
	}
	/* Well-formed, but its key cannot be one of this sort's. */
	if (c->kind == CURSOR_NULL ? !lq->sort->nullable :
	    c->kind != lq->sort->kind) {
		field_error(errs, "cursor", "is not a cursor this list gave");
		return;
	}

	lq->has_cursor = 1;
	(void)snprintf(lq->cursor_id, sizeof(lq->cursor_id), "%lld",
	    (long long)c->id);
	if (c->kind == CURSOR_INT)
		(void)snprintf(lq->cursor_key, sizeof(lq->cursor_key), "%lld",
		    (long long)c->ival);
}

/* All parameters, checked; what is wrong with them goes into errs. */
void
list_parse(struct api_ctx *ctx, struct list_query *lq, int export,
    json_t *errs)
{
	int64_t		n;
	int		staff;

	memset(lq, 0, sizeof(*lq));
	lq->export = export;
	staff = (ctx->user.role & (ROLE_STAFF | ROLE_ADMIN)) != 0;
	if (!staff)
		(void)snprintf(lq->applicant, sizeof(lq->applicant), "%lld",
		    (long long)ctx->user.id);

	check_names(ctx->req->query_string, staff, export, errs);

	if (staff) {
		if (get(ctx, "call_id", lq->call_id, sizeof(lq->call_id),
		    errs) == 1 && (!parse_count(lq->call_id, &n) || n < 1)) {
			field_error(errs, "call_id", "must be a positive "
			    "integer");
			lq->call_id[0] = '\0';
		}
		get_status(ctx, lq, errs);
		if (get(ctx, "ward", lq->ward, sizeof(lq->ward), errs) == 1 &&
		    (strlen(lq->ward) != 5 ||
		    strspn(lq->ward, "0123456789") != 5)) {
			field_error(errs, "ward", "must be a ward code such as "
			    "00037");
			lq->ward[0] = '\0';
		}
		get_enum(ctx, "stage", lq->stage, sizeof(lq->stage), stages,
		    "must be one of: idea, startup, new_business", errs);
		if (get(ctx, "sector", lq->sector, sizeof(lq->sector),
		    errs) == 1 && strspn(lq->sector,
		    "abcdefghijklmnopqrstuvwxyz_") != strlen(lq->sector)) {
			field_error(errs, "sector", "is not a sector code");
			lq->sector[0] = '\0';
		}
		get_enum(ctx, "claimed", lq->claimed, sizeof(lq->claimed),
		    categories, "must be one of: poor, near_poor, hardship, "
		    "disability", errs);
		get_enum(ctx, "verified", lq->verified, sizeof(lq->verified),
		    categories, "must be one of: poor, near_poor, hardship, "
		    "disability", errs);
		if (get(ctx, "submitted_from", lq->from, sizeof(lq->from),
		    errs) == 1 && !schema_date_valid(lq->from)) {
			field_error(errs, "submitted_from", "must be a date "
			    "YYYY-MM-DD");
			lq->from[0] = '\0';
		}
		if (get(ctx, "submitted_to", lq->to, sizeof(lq->to),
		    errs) == 1 && !schema_date_valid(lq->to)) {
			field_error(errs, "submitted_to", "must be a date "
			    "YYYY-MM-DD");
			lq->to[0] = '\0';
		}
		if (lq->from[0] != '\0' && lq->to[0] != '\0' &&
		    strcmp(lq->from, lq->to) > 0)
			field_error(errs, "submitted_to", "must not be before "
			    "submitted_from");
		get_q(ctx, lq, errs);
	}

	get_sort(ctx, lq, errs);
	if (!export)
		get_page(ctx, lq, errs);
}

/*
 * The parameters once more, with the database: ward and sector codes
 * must exist (an unknown one is a mistake, not an empty list).  Takes
 * errs.  1 when the request may go on; 0 when a 400 naming every bad
 * parameter, or the database's error, has been sent.
 */
int
list_check(struct api_ctx *ctx, struct db *db, struct list_query *lq,
    json_t *errs)
{
	const char	*params[2];

	if (lq->ward[0] != '\0' || lq->sector[0] != '\0') {
		params[0] = lq->ward[0] ? lq->ward : NULL;
		params[1] = lq->sector[0] ? lq->sector : NULL;
		if (!db_exec(db,
		    "SELECT $1::text IS NOT NULL AND NOT EXISTS "
		    "  (SELECT 1 FROM wards WHERE code = $1), "
		    "$2::text IS NOT NULL AND NOT EXISTS "
		    "  (SELECT 1 FROM sectors WHERE code = $2)", 2, params)) {
			json_decref(errs);
			db_fail(db);
			return (0);
		}
		if (db_value(db, 0, 0)[0] == 't')
			field_error(errs, "ward",
			    "is not one of the district's wards");
		if (db_value(db, 0, 1)[0] == 't')
			field_error(errs, "sector", "is not a known sector");
	}

	if (json_object_size(errs) == 0) {
		json_decref(errs);
		return (1);
	}

	db_close(db);
	api_error_fields(ctx, 400, "validation_failed",
	    "Some query parameters are not valid", errs);
	return (0);
}

/*
 * The filters, as SQL over "applications a".  Only constant fragments
 * are appended; every value is a parameter.
 */
void
list_where(struct sqlb *s, struct list_query *lq)
{
	struct kore_buf	*b = &s->buf;
	int		i;

	kore_buf_appendf(b, " WHERE true");
	if (lq->applicant[0])
		kore_buf_appendf(b, " AND a.applicant_id = $%d::bigint",
		    sqlb_param(s, lq->applicant));
	if (lq->call_id[0])
		kore_buf_appendf(b, " AND a.call_id = $%d::bigint",
		    sqlb_param(s, lq->call_id));
	if (lq->status[0])
		kore_buf_appendf(b, " AND a.status = ANY "
		    "(string_to_array($%d::text, ','))",
		    sqlb_param(s, lq->status));
	if (lq->ward[0])
		kore_buf_appendf(b, " AND a.ward_code = $%d::text",
		    sqlb_param(s, lq->ward));
	if (lq->stage[0])
		kore_buf_appendf(b, " AND a.stage = $%d::text",
		    sqlb_param(s, lq->stage));
	if (lq->sector[0])
		kore_buf_appendf(b, " AND a.sector = $%d::text",
		    sqlb_param(s, lq->sector));
	if (lq->claimed[0])
		kore_buf_appendf(b, " AND EXISTS (SELECT 1 FROM "
		    "priority_claims pc WHERE pc.application_id = a.id "
		    "AND pc.category = $%d::text)",
		    sqlb_param(s, lq->claimed));
	if (lq->verified[0])
		kore_buf_appendf(b, " AND EXISTS (SELECT 1 FROM "
		    "priority_claims pc WHERE pc.application_id = a.id "
		    "AND pc.category = $%d::text AND pc.status = 'verified')",
		    sqlb_param(s, lq->verified));
	/* Whole days in Hà Nội, both ends included. */
	if (lq->from[0])
		kore_buf_appendf(b, " AND a.submitted_at >= ($%d::date::"
		    "timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')",
		    sqlb_param(s, lq->from));
	if (lq->to[0])
		kore_buf_appendf(b, " AND a.submitted_at < (($%d::date + 1)::"
		    "timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')",
		    sqlb_param(s, lq->to));
	/* Each word, folded and literal; the trigram index serves LIKE. */
	for (i = 0; i < lq->nterms; i++)
		kore_buf_appendf(b, " AND a.search_folded LIKE "
		    "sen_contains($%d::text)", sqlb_param(s, lq->terms[i]));
}

/* Where the page starts (after the cursor's row), and the order. */
void
list_order(struct sqlb *s, struct list_query *lq)
{
	const struct sort_def	*d = lq->sort;
	struct kore_buf		*b = &s->buf;
	const char		*dir = lq->desc ? "DESC" : "ASC";
	char			op = lq->desc ? '<' : '>';
	int			k, id;

	if (lq->has_cursor) {
		id = sqlb_param(s, lq->cursor_id);
		if (lq->cursor.kind == CURSOR_NULL) {
			/* Among the NULLs, which come last: by id alone. */
			kore_buf_appendf(b, " AND %s IS NULL AND a.id %c "
			    "$%d::bigint", d->expr, op, id);
		} else {
			k = sqlb_param(s, lq->cursor.kind == CURSOR_INT ?
			    lq->cursor_key : lq->cursor.text);
			kore_buf_appendf(b, " AND ((%s, a.id) %c (", d->expr,
			    op);
			kore_buf_appendf(b, d->from_key, k);
			kore_buf_appendf(b, ", $%d::bigint)", id);
			if (d->nullable)
				kore_buf_appendf(b, " OR %s IS NULL", d->expr);
			kore_buf_appendf(b, ")");
		}
	}

	/*
	 * NULLS LAST only where there can be NULLs: on created_at (NOT
	 * NULL) it would stop a backward scan of its index from serving
	 * ORDER BY … DESC, as the planner does not look at the constraint.
	 */
	kore_buf_appendf(b, " ORDER BY %s %s%s, a.id %s", d->expr, dir,
	    d->nullable ? " NULLS LAST" : "", dir);
}

