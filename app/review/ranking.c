/*
 * GET /api/calls/{id}/ranking: the transparent ranking of a call.
 *
 * Everything the computation needs comes in four set-based queries
 * whatever the size of the call: the call and its policy, its rubric,
 * the labels of the priority categories, and one statement (so one
 * snapshot) that returns a row per application under review or decided,
 * with its verified categories as a bit set, followed by a row per
 * submitted review that counts.  Folding the reviews into their
 * applications in SQL would cost a sort and an aggregate; here it is a
 * binary search per review.  lib/ranking.c does the arithmetic in one
 * pass and the reply is written straight into one buffer, without a
 * JSON tree per item.
 *
 * Only verified priority claims count; reviews of a reviewer with a
 * known conflict of interest on the application never do.  Staff also
 * see who applied and for how much (a read of personal data, audited);
 * reviewers, who may read the ranking of a call whose committee they sit
 * on once they have submitted the reviews released to them, see the
 * business and the verified category labels only, which the call's
 * published policy turns into points in the open.
 *
 * ranking_load() (ranking.h) gives other C code -- the allocation
 * proposal and the waitlist of app/decisions/ -- the same ranking as
 * staff see it, from the same statements, copied out of the result.
 */

#include <ctype.h>
#include <stdlib.h>

#include "sen.h"
#include "lib/priority.h"
#include "lib/ranking.h"
#include "ranking.h"

/* Applications that have reached review, and every state after it. */
#define RK_STATUSES							\
	"'in_review', 'reviewed', 'funded', 'waitlisted', 'rejected', "	\
	"'in_followup', 'completed', 'closed'"

#define RK_COMBOS	(1 << PRIORITY_NCATEGORIES)
#define PUT(b, s)	kore_buf_append((b), (s), sizeof(s) - 1)
#define RK_SENTENCE	1024

struct rk_call {
	char			 id[24];
	char			*header;	/* settings, as JSON */
	struct rank_criterion	 criteria[RANK_CRITERIA_MAX];
	char			*keys[RANK_CRITERIA_MAX];
	size_t			 ncriteria;
	struct rank_call	 rc;
	struct priority_policy	 policy;
	/* Per set of verified categories: labels, and the JSON list. */
	char			*label_en[RK_COMBOS];
	char			*label_vi[RK_COMBOS];
	char			*cats_json[RK_COMBOS];
	int			 points[RK_COMBOS];
};

/* The applications, their reviews and the results: one block each. */
struct rk_data {
	struct rank_app		*apps;
	int			*rows;		/* of each app */
	struct rank_review	*reviews;
	int			*scores;
	struct rank_result	*results;
	struct rank_summary	 summary;
	size_t			 napps;
};

/* The columns of the statement of rk_load_apps(). */
#define COL_KIND	0	/* 0 an application, 1 a review */
#define COL_APP		1
#define COL_REVIEWER	2
#define COL_REFERENCE	3
#define COL_BUSINESS	4
#define COL_STATUS	5
#define COL_SUBMITTED	6	/* µs since the epoch */
#define COL_VERIFIED	7	/* bit c: category c of lib/priority.h */
#define COL_NAME	8	/* staff only, like the next two */
#define COL_AMOUNT	9
#define COL_APPLICANT	10
#define COL_SCORES	11	/* one per criterion, JSON text */

/* An application's id and its place in rk_data.apps, to find it by id. */
struct rk_key {
	int64_t		id;
	size_t		app;
};

static int	rk_load_call(struct db *, struct rk_call *, int *, int *);
static int	rk_rank(struct db *, struct rk_call *, struct rk_data *, int);
static int	rk_load_rubric(struct db *, struct rk_call *);
static int	rk_load_labels(struct db *, struct rk_call *);
static int	rk_load_apps(struct db *, struct rk_call *, int);
static const char *rk_build(struct db *, struct rk_call *, struct rk_data *);
static const char *rk_scores(struct db *, int, size_t, int *);
static int	rk_key_cmp(const void *, const void *);
static void	rk_write(struct db *, struct rk_call *, struct rk_data *,
		    int, enum rank_lang, struct kore_buf *);
static void	rk_item(struct db *, struct rk_call *, const int *,
		    struct rank_result *, int, enum rank_lang,
		    struct kore_buf *);
static void	rk_points(struct kore_buf *, int64_t);
static void	rk_int(struct kore_buf *, int64_t);
static void	rk_str(struct kore_buf *, const char *, size_t);
static char	*rk_join(char **, unsigned int);
static void	rk_free(struct rk_call *, struct rk_data *);
static int	rk_internal(struct api_ctx *, struct rk_call *,
		    struct rk_data *, const char *);

int
ranking_get(struct api_ctx *ctx)
{
	struct db	 db;
	struct rk_call	 call;
	struct rk_data	 data;
	struct kore_buf	 body;
	enum rank_lang	 lang;
	int		 staff, member, pending, ret;

	memset(&call, 0, sizeof(call));
	memset(&data, 0, sizeof(data));
	staff = (ctx->user.role & (ROLE_STAFF | ROLE_ADMIN)) != 0;
	lang = !strcmp(ctx->user.locale, "en") ? RANK_EN : RANK_VI;
	(void)snprintf(call.id, sizeof(call.id), "%lld",
	    (long long)ctx->params[0]);

	if (!db_open(&db, ctx))
		return (KORE_RESULT_OK);

	if (!rk_load_call(&db, &call, &member, &pending)) {
		rk_free(&call, &data);
		return (KORE_RESULT_OK);
	}
	if (!staff && !member) {
		db_close(&db);
		rk_free(&call, &data);
		return (api_error(ctx, 403, "forbidden",
		    "Only the call's committee and staff see its ranking"));
	}
	/*
	 * The ranking shows what the other reviewers scored: like their
	 * reviews, a reviewer sees it once her own are in (or scoring is
	 * over), so that it cannot sway a score she has yet to give.
	 */
	if (!staff && pending) {
		db_close(&db);
		rk_free(&call, &data);
		return (api_error_fields(ctx, 409, "conflict",
		    "Submit your reviews of this call to see its ranking",
		    json_pack("{s:s}", "reviews", "some assigned to you are "
		    "not submitted yet")));
	}
	if (!rk_rank(&db, &call, &data, staff))
		return (KORE_RESULT_OK);

	kore_buf_init(&body, 4096 + data.napps * 1024);
	rk_write(&db, &call, &data, staff, lang, &body);

	/* Staff saw names and amounts: the read is logged before it is sent. */
	if (staff && data.napps > 0 && (!db_begin(&db, "ranking.read") ||
	    !audit_event(&db, "applications.read_personal", "calls",
	    ctx->params[0], json_pack("{s:s, s:[sss], s:I}", "via", "ranking",
	    "fields", "full_name", "amount_requested_vnd",
	    "verified_categories", "applications", (json_int_t)data.napps)) ||
	    !db_commit(&db))) {
		kore_buf_cleanup(&body);
		rk_free(&call, &data);
		return (db_fail(&db));
	}
	db_close(&db);

	ret = api_reply_text(ctx, 200, (const char *)body.data, body.offset,
	    NULL);
	kore_buf_cleanup(&body);
	rk_free(&call, &data);

	return (ret);
}

/*
 * Rank the call that rk_load_call() loaded: its rubric, the labels of the
 * priority categories, the applications and their reviews, the
 * computation.  The rows stay in db's last result for rk_write().  0 when
 * it replied (and freed call and d).
 */
static int
rk_rank(struct db *db, struct rk_call *call, struct rk_data *d, int staff)
{
	const char	*err;

	if (!rk_load_rubric(db, call) || !rk_load_labels(db, call) ||
	    !rk_load_apps(db, call, staff)) {
		rk_free(call, d);
		(void)db_fail(db);
		return (0);
	}
	if ((err = rk_build(db, call, d)) != NULL) {
		db_close(db);
		(void)rk_internal(db->ctx, call, d, err);
		return (0);
	}

	return (1);
}

/*
 * The ranking of call id as staff see it, for C callers (ranking.h):
 * the same statements and computation as ranking_get(), copied out.  1
 * when done (free with ranking_list_free()); 0 when it replied (no such
 * call, the database failed) and closed db.
 */
int
ranking_load(struct db *db, int64_t id, struct ranking_list *out)
{
	struct rk_call		 call;
	struct rk_data		 data;
	struct ranking_entry	*e;
	struct rank_result	*r;
	const char		*v;
	size_t			 i;
	int			 member, pending, row;

	memset(out, 0, sizeof(*out));
	memset(&call, 0, sizeof(call));
	memset(&data, 0, sizeof(data));
	(void)snprintf(call.id, sizeof(call.id), "%lld", (long long)id);

	if (!rk_load_call(db, &call, &member, &pending)) {
		rk_free(&call, &data);
		return (0);
	}
	if (!rk_rank(db, &call, &data, 1))
		return (0);

	out->n = data.napps;
	out->items = kore_calloc(data.napps + 1, sizeof(*out->items));
	for (i = 0; i < data.napps; i++) {
		r = &data.results[i];
		e = &out->items[i];
		row = data.rows[r->index];
		e->id = r->id;
		e->rank = r->rank;
		e->merit = r->merit;
		e->final = r->final;
		e->bonus = r->bonus;
		e->verified = (unsigned int)db_int(db, row, COL_VERIFIED) &
		    (RK_COMBOS - 1);
		e->requested = db_int(db, row, COL_AMOUNT);
		e->applicant = db_int(db, row, COL_APPLICANT);
		e->tie = r->tie;
		e->tie_with = r->tie_with;
		(void)snprintf(e->status, sizeof(e->status), "%s",
		    db_value(db, row, COL_STATUS));
		(void)snprintf(e->reference, sizeof(e->reference), "%s",
		    db_value(db, row, COL_REFERENCE));
		v = db_value(db, row, COL_BUSINESS);
		e->business = kore_strdup(v);
	}
	rk_free(&call, &data);

	return (1);
}

void
ranking_list_free(struct ranking_list *l)
{
	size_t		i;

	for (i = 0; i < l->n; i++)
		kore_free(l->items[i].business);
	kore_free(l->items);
	memset(l, 0, sizeof(*l));
}

/*
 * The call (not a draft: 404), its settings as JSON, its policy, whether
 * the caller sits on its committee, and whether she still has reviews to
 * submit while scoring is open.  0 when it replied.
 */
static int
rk_load_call(struct db *db, struct rk_call *call, int *member,
    int *pending)
{
	const char	*params[2];
	char		 uid[24];
	int		 i;

	(void)snprintf(uid, sizeof(uid), "%lld", (long long)db->ctx->user.id);
	params[0] = call->id;
	params[1] = uid;

	if (!db_exec(db,
	    "SELECT json_build_object("
	    "    'id', c.id, "
	    "    'title', json_build_object('vi', c.title_vi, "
	    "      'en', c.title_en), "
	    "    'status', c.status, "
	    "    'reviewers_per_application', c.reviewers_per_application, "
	    "    'disagreement_threshold', c.disagreement_threshold, "
	    "    'normalise_reviewers', c.normalise_reviewers, "
	    "    'review_due_at', call_time_utc(c.review_due_at), "
	    "    'scoring_closed_at', call_time_utc(c.scoring_closed_at), "
	    "    'rubric', (SELECT coalesce(json_agg(json_build_object("
	    "      'key', k.key, "
	    "      'label', json_build_object('vi', k.label_vi, "
	    "        'en', k.label_en), "
	    "      'max_score', k.max_score, "
	    "      'weight', k.weight) ORDER BY k.position), '[]') "
	    "      FROM call_criteria k WHERE k.call_id = c.id), "
	    "    'priority_policy', json_build_object("
	    "      'bonus', json_build_object('poor', c.bonus_poor, "
	    "        'near_poor', c.bonus_near_poor, "
	    "        'hardship', c.bonus_hardship, "
	    "        'disability', c.bonus_disability), "
	    "      'combine', c.priority_combine, "
	    "      'cap', c.priority_cap)), "
	    "  c.reviewers_per_application, c.disagreement_threshold, "
	    "  c.normalise_reviewers, c.bonus_poor, c.bonus_near_poor, "
	    "  c.bonus_hardship, c.bonus_disability, c.priority_combine, "
	    "  c.priority_cap, c.priority_reserved_pct, "
	    "  EXISTS (SELECT 1 FROM call_reviewers r "
	    "    WHERE r.call_id = c.id AND r.reviewer_id = $2), "
	    "  c.scoring_closed_at IS NULL "
	    "  AND c.status NOT IN ('decided', 'archived') "
	    "  AND EXISTS (SELECT 1 FROM assignments s "
	    "    WHERE s.call_id = c.id AND s.reviewer_id = $2 "
	    "    AND s.released_at IS NOT NULL "
	    "    AND NOT EXISTS (SELECT 1 FROM reviews v "
	    "      WHERE v.application_id = s.application_id "
	    "      AND v.reviewer_id = $2 AND v.status = 'submitted')) "
	    "FROM calls c WHERE c.id = $1 AND c.status <> 'draft'",
	    2, params)) {
		(void)db_fail(db);
		return (0);
	}
	if (db_rows(db) != 1) {
		db_close(db);
		(void)api_error(db->ctx, 404, "not_found", "No such call");
		return (0);
	}

	call->header = kore_strdup(db_value(db, 0, 0));
	call->rc.required = (int)db_int(db, 0, 1);
	call->rc.threshold = (int)db_int(db, 0, 2);
	call->rc.normalise = db_value(db, 0, 3)[0] == 't';
	for (i = 0; i < PRIORITY_NCATEGORIES; i++)
		call->policy.bonus[i] = (int)db_int(db, 0, 4 + i);
	call->policy.combine = priority_combine(db_value(db, 0, 8));
	call->policy.cap = (int)db_int(db, 0, 9);
	call->policy.reserved_share_pct = (int)db_int(db, 0, 10);
	*member = db_value(db, 0, 11)[0] == 't';
	*pending = db_value(db, 0, 12)[0] == 't';

	return (1);
}

/* The criteria in position order: their keys name the review scores. */
static int
rk_load_rubric(struct db *db, struct rk_call *call)
{
	const char	*params[1];
	int		 i, n;

	params[0] = call->id;
	if (!db_exec(db, "SELECT key, max_score, weight FROM call_criteria "
	    "WHERE call_id = $1 ORDER BY position", 1, params))
		return (0);

	/* The calls API allows 20 criteria, the ranking 32. */
	n = db_rows(db);
	for (i = 0; i < n && i < RANK_CRITERIA_MAX; i++) {
		call->keys[i] = kore_strdup(db_value(db, i, 0));
		call->criteria[i].max_score = (int)db_int(db, i, 1);
		call->criteria[i].weight = (int)db_int(db, i, 2);
	}
	call->ncriteria = (size_t)i;
	call->rc.criteria = call->criteria;
	call->rc.ncriteria = call->ncriteria;

	return (1);
}

/*
 * For each of the 16 sets of categories: the points under the call's
 * policy, the labels the sentence reads ("poor household, person with a
 * disability") and the JSON list of the items.
 */
static int
rk_load_labels(struct db *db, struct rk_call *call)
{
	struct kore_buf	 b;
	char		*en[PRIORITY_NCATEGORIES];
	char		*vi[PRIORITY_NCATEGORIES];
	char		*code[PRIORITY_NCATEGORIES];
	unsigned int	 set;
	int		 i, c, n;

	if (!db_exec(db, "SELECT code, label_vi, label_en "
	    "FROM priority_categories ORDER BY position", 0, NULL))
		return (0);

	memset(en, 0, sizeof(en));
	memset(vi, 0, sizeof(vi));
	memset(code, 0, sizeof(code));
	n = db_rows(db);
	for (i = 0; i < n; i++) {
		c = priority_category(db_value(db, i, 0));
		if (c < 0 || code[c] != NULL)
			continue;
		code[c] = kore_strdup(db_value(db, i, 0));
		vi[c] = kore_strdup(db_value(db, i, 1));
		en[c] = kore_strdup(db_value(db, i, 2));
	}

	for (set = 0; set < RK_COMBOS; set++) {
		call->points[set] = priority_points(&call->policy, set);
		call->label_en[set] = rk_join(en, set);
		call->label_vi[set] = rk_join(vi, set);

		kore_buf_init(&b, 256);
		kore_buf_append(&b, "[", 1);
		for (c = 0, n = 0; c < PRIORITY_NCATEGORIES; c++) {
			if (!(set & PRIORITY_BIT(c)) || code[c] == NULL)
				continue;
			kore_buf_appendf(&b, "%s{\"code\":", n++ ? "," : "");
			rk_str(&b, code[c], strlen(code[c]));
			kore_buf_appendf(&b, ",\"label\":{\"vi\":");
			rk_str(&b, vi[c], strlen(vi[c]));
			kore_buf_appendf(&b, ",\"en\":");
			rk_str(&b, en[c], strlen(en[c]));
			kore_buf_appendf(&b, "}}");
		}
		kore_buf_append(&b, "]", 1);
		call->cats_json[set] = kore_strdup(kore_buf_stringify(&b,
		    NULL));
		kore_buf_cleanup(&b);
	}

	for (c = 0; c < PRIORITY_NCATEGORIES; c++) {
		kore_free(code[c]);
		kore_free(vi[c]);
		kore_free(en[c]);
	}

	return (1);
}

/*
 * One statement: the applications (kind 0), then the reviews that count
 * (kind 1): submitted, and not by a reviewer with a known conflict of
 * interest on the application.  A score is the JSON text of its value
 * (null: "cannot judge"), with one parameter per criterion key.  Staff
 * get the applicant and the amount; for anyone else those columns are
 * NULL, so personal data is not even read.
 *
 * Every join is by index or by hash whatever the planner believes: the
 * verified categories are a subquery per application, not a join to a
 * grouped subquery, which a call whose applications were all moved since
 * the last ANALYZE (estimated at one row) turned into a nested loop over
 * the whole group, quadratic in the size of the call.
 */
static int
rk_load_apps(struct db *db, struct rk_call *call, int staff)
{
	struct kore_buf	 q;
	const char	*params[1 + RANK_CRITERIA_MAX];
	size_t		 i;
	int		 ok;

	params[0] = call->id;
	kore_buf_init(&q, 4096);
	kore_buf_appendf(&q,
	    "SELECT 0, a.id, NULL::bigint, a.reference, a.business_name, "
	    "  a.status, sen_usec(a.submitted_at), "
	    "  coalesce((SELECT bit_or(CASE pc.category "
	    "    WHEN 'poor' THEN 1 WHEN 'near_poor' THEN 2 "
	    "    WHEN 'hardship' THEN 4 WHEN 'disability' THEN 8 "
	    "    ELSE 0 END) "
	    "    FROM priority_claims pc WHERE pc.application_id = a.id "
	    "    AND pc.status = 'verified'), 0), %s",
	    staff ? "u.full_name, a.amount_requested_vnd, a.applicant_id" :
	    "NULL::text, NULL::bigint, NULL::bigint");
	for (i = 0; i < call->ncriteria; i++)
		kore_buf_appendf(&q, ", NULL::text");
	kore_buf_appendf(&q,
	    " FROM applications a %s"
	    "WHERE a.call_id = $1 AND a.status IN (" RK_STATUSES ") "
	    "UNION ALL "
	    "SELECT 1, v.application_id, v.reviewer_id, NULL, NULL, NULL, "
	    "  NULL, NULL, NULL, NULL, NULL",
	    staff ? "JOIN users u ON u.id = a.applicant_id " : "");
	for (i = 0; i < call->ncriteria; i++) {
		params[i + 1] = call->keys[i];
		kore_buf_appendf(&q, ", (v.scores -> $%zu::text)::text", i + 2);
	}
	kore_buf_appendf(&q,
	    " FROM reviews v "
	    "JOIN applications x ON x.id = v.application_id "
	    "WHERE x.call_id = $1 AND x.status IN (" RK_STATUSES ") "
	    "  AND v.status = 'submitted' "
	    "  AND NOT EXISTS (SELECT 1 FROM conflicts cf "
	    "    WHERE cf.application_id = v.application_id "
	    "    AND cf.reviewer_id = v.reviewer_id)");

	ok = db_exec(db, kore_buf_stringify(&q, NULL),
	    1 + (int)call->ncriteria, params);
	kore_buf_cleanup(&q);

	return (ok);
}

/* The input of rank_compute() from the rows, and its results. */
static const char *
rk_build(struct db *db, struct rk_call *call, struct rk_data *d)
{
	struct rk_key	*keys, want, *hit;
	size_t		*count, *at, nrev, i, k;
	int		 row, nrows;
	unsigned int	 set;
	const char	*err;

	nrows = db_rows(db);
	for (row = 0, nrev = 0; row < nrows; row++) {
		if (db_value(db, row, COL_KIND)[0] == '0')
			d->napps++;
		else
			nrev++;
	}
	if (d->napps == 0)
		return (rank_compute(&call->rc, NULL, 0, NULL, &d->summary));

	keys = NULL;
	count = NULL;
	at = NULL;
	err = "out of memory";
	if ((d->apps = calloc(d->napps, sizeof(*d->apps))) == NULL ||
	    (d->rows = calloc(d->napps, sizeof(*d->rows))) == NULL ||
	    (d->results = calloc(d->napps, sizeof(*d->results))) == NULL ||
	    (keys = calloc(d->napps, sizeof(*keys))) == NULL ||
	    (count = calloc(d->napps, sizeof(*count))) == NULL ||
	    (at = calloc(d->napps, sizeof(*at))) == NULL ||
	    (nrev > 0 &&
	    ((d->reviews = calloc(nrev, sizeof(*d->reviews))) == NULL ||
	    (d->scores = calloc(nrev * call->ncriteria + 1,
	    sizeof(*d->scores))) == NULL)))
		goto done;

	/* The applications, and their ids in order to find them. */
	for (row = 0, i = 0; row < nrows; row++) {
		if (db_value(db, row, COL_KIND)[0] != '0')
			continue;
		d->rows[i] = row;
		d->apps[i].id = db_int(db, row, COL_APP);
		d->apps[i].submitted_at = db_int(db, row, COL_SUBMITTED);
		set = (unsigned int)db_int(db, row, COL_VERIFIED) &
		    (RK_COMBOS - 1);
		err = "the priority policy is not usable";
		if (call->points[set] < 0)
			goto done;
		d->apps[i].bonus = call->points[set];
		d->apps[i].label_en = call->label_en[set];
		d->apps[i].label_vi = call->label_vi[set];
		keys[i].id = d->apps[i].id;
		keys[i].app = i;
		i++;
	}
	qsort(keys, d->napps, sizeof(*keys), rk_key_cmp);

	/* Each review to its application: count, place, then fill. */
	err = "a review of an application that is not ranked";
	for (row = 0; row < nrows; row++) {
		if (db_value(db, row, COL_KIND)[0] == '0')
			continue;
		want.id = db_int(db, row, COL_APP);
		if ((hit = bsearch(&want, keys, d->napps, sizeof(*keys),
		    rk_key_cmp)) == NULL)
			goto done;
		count[hit->app]++;
	}
	for (i = 0, k = 0; i < d->napps; i++) {
		at[i] = k;
		d->apps[i].reviews = count[i] ? d->reviews + k : NULL;
		d->apps[i].nreviews = count[i];
		k += count[i];
	}
	for (row = 0; row < nrows; row++) {
		if (db_value(db, row, COL_KIND)[0] == '0')
			continue;
		want.id = db_int(db, row, COL_APP);
		hit = bsearch(&want, keys, d->napps, sizeof(*keys), rk_key_cmp);
		k = at[hit->app]++;
		d->reviews[k].reviewer = db_int(db, row, COL_REVIEWER);
		d->reviews[k].scores = d->scores + k * call->ncriteria;
		if ((err = rk_scores(db, row, call->ncriteria,
		    d->scores + k * call->ncriteria)) != NULL)
			goto done;
	}

	err = rank_compute(&call->rc, d->apps, d->napps, d->results,
	    &d->summary);

done:
	free(keys);
	free(count);
	free(at);

	return (err);
}

/*
 * The scores of a review row: the JSON text of each value, a whole
 * number, or null (or no value at all) for "cannot judge".  Anything
 * else is data this code does not understand.
 */
static const char *
rk_scores(struct db *db, int row, size_t ncrit, int *out)
{
	const char	*v;
	char		*end;
	long		 n;
	size_t		 k;

	for (k = 0; k < ncrit; k++) {
		if (db_isnull(db, row, COL_SCORES + (int)k) ||
		    !strcmp((v = db_value(db, row, COL_SCORES + (int)k)),
		    "null")) {
			out[k] = RANK_CANNOT_JUDGE;
			continue;
		}
		if (*v < '0' || *v > '9')
			return ("a score is not a whole number");
		n = strtol(v, &end, 10);
		if (*end != '\0')
			return ("a score is not a whole number");
		if (n > RANK_SCORE_MAX)
			return ("a score is out of range");
		out[k] = (int)n;
	}

	return (NULL);
}

static int
rk_key_cmp(const void *pa, const void *pb)
{
	const struct rk_key	*a = pa, *b = pb;

	return ((a->id > b->id) - (a->id < b->id));
}

static void
rk_write(struct db *db, struct rk_call *call, struct rk_data *d, int staff,
    enum rank_lang lang, struct kore_buf *b)
{
	struct rank_summary	*sm = &d->summary;
	size_t			 i;

	kore_buf_appendf(b, "{\"call\":%s,\"summary\":{\"applications\":%zu,"
	    "\"ranked\":%zu,\"incomplete\":%zu,\"reviews\":%zu,"
	    "\"reviews_ignored\":%zu,\"reviewers\":%zu,\"normalised\":%s,"
	    "\"normalised_reviewers\":%zu,\"mean\":", call->header, d->napps,
	    sm->ranked, sm->incomplete, sm->reviews, sm->ignored,
	    sm->reviewers, call->rc.normalise ? "true" : "false",
	    sm->normalised);
	if (sm->reviews > 0)
		rk_points(b, sm->mean);
	else
		kore_buf_appendf(b, "null");
	kore_buf_appendf(b, ",\"sd\":");
	if (sm->reviews > 0)
		rk_points(b, sm->sd);
	else
		kore_buf_appendf(b, "null");

	kore_buf_appendf(b, "},\"tie_break\":{\"vi\":\"Bằng điểm cuối cùng: "
	    "ưu tiên đã xác minh xếp trước, rồi hồ sơ nộp sớm hơn, rồi mã hồ "
	    "sơ nhỏ hơn.\",\"en\":\"Equal final scores: verified priority "
	    "first, then the earlier submission, then the lower application "
	    "number.\"},\"items\":[");
	for (i = 0; i < d->napps; i++) {
		if (i > 0)
			kore_buf_append(b, ",", 1);
		rk_item(db, call, d->rows, &d->results[i], staff, lang, b);
	}
	kore_buf_append(b, "]}", 2);
}

static const char *const	tie_rules[] = {
	NULL, "verified_priority", "earlier_submission", "lower_id"
};

/* One application of the ranking, from its row of the result. */
static void
rk_item(struct db *db, struct rk_call *call, const int *rows,
    struct rank_result *r, int staff, enum rank_lang lang,
    struct kore_buf *b)
{
	PGresult	*res = db->sql.result;
	char		 vi[RK_SENTENCE], en[RK_SENTENCE];
	const char	*v;
	unsigned int	 set;
	int		 row, n;

	row = rows[r->index];
	set = (unsigned int)db_int(db, row, COL_VERIFIED) & (RK_COMBOS - 1);

	PUT(b, "{\"rank\":");
	if (r->rank > 0)
		rk_int(b, r->rank);
	else
		PUT(b, "null");
	if (r->rank > 0)
		PUT(b, ",\"complete\":true,\"application_id\":");
	else
		PUT(b, ",\"complete\":false,\"application_id\":");
	rk_int(b, r->id);
	PUT(b, ",\"reference\":");
	rk_str(b, db_value(db, row, COL_REFERENCE),
	    (size_t)PQgetlength(res, row, COL_REFERENCE));
	PUT(b, ",\"status\":");
	rk_str(b, db_value(db, row, COL_STATUS),
	    (size_t)PQgetlength(res, row, COL_STATUS));
	PUT(b, ",\"business_name\":");
	rk_str(b, db_value(db, row, COL_BUSINESS),
	    (size_t)PQgetlength(res, row, COL_BUSINESS));
	if (staff) {
		PUT(b, ",\"applicant\":{\"id\":");
		v = db_value(db, row, COL_APPLICANT);
		kore_buf_append(b, v, strlen(v));
		PUT(b, ",\"full_name\":");
		rk_str(b, db_value(db, row, COL_NAME),
		    (size_t)PQgetlength(res, row, COL_NAME));
		PUT(b, "},\"amount_requested_vnd\":");
		v = db_value(db, row, COL_AMOUNT);
		kore_buf_append(b, v, strlen(v));
	}

	PUT(b, ",\"reviews\":");
	rk_int(b, r->nreviews);
	PUT(b, ",\"required\":");
	rk_int(b, r->required);
	if (r->nreviews > 0) {
		PUT(b, ",\"merit\":");
		rk_points(b, r->merit);
		PUT(b, ",\"merit_raw\":");
		rk_points(b, r->merit_raw);
		PUT(b, ",\"median\":");
		rk_points(b, r->median);
		PUT(b, ",\"low\":");
		rk_points(b, r->low);
		PUT(b, ",\"high\":");
		rk_points(b, r->high);
		PUT(b, ",\"spread\":");
		rk_points(b, r->spread);
	} else {
		PUT(b, ",\"merit\":null,\"merit_raw\":null,\"median\":null,"
		    "\"low\":null,\"high\":null,\"spread\":null");
	}
	if (r->disagreement)
		PUT(b, ",\"disagreement\":true,\"bonus\":");
	else
		PUT(b, ",\"disagreement\":false,\"bonus\":");
	rk_int(b, r->bonus);
	PUT(b, ",\"verified_categories\":");
	kore_buf_append(b, call->cats_json[set], strlen(call->cats_json[set]));
	PUT(b, ",\"final\":");
	if (r->rank > 0)
		rk_points(b, r->final);
	else
		PUT(b, "null");

	if (r->rank > 0 && r->tie != RANK_TIE_NONE) {
		kore_buf_appendf(b, ",\"tie_break\":{\"rule\":\"%s\","
		    "\"above\":%lld,\"text\":\"%s\",\"texts\":{\"vi\":\"%s\","
		    "\"en\":\"%s\"}}", tie_rules[r->tie],
		    (long long)r->tie_with, rank_tie_text(r->tie, lang),
		    rank_tie_text(r->tie, RANK_VI),
		    rank_tie_text(r->tie, RANK_EN));
	} else {
		PUT(b, ",\"tie_break\":null");
	}

	n = rank_explain(r, RANK_VI, vi, sizeof(vi));
	if (n < 0 || (size_t)n >= sizeof(vi))
		vi[0] = '\0';
	n = rank_explain(r, RANK_EN, en, sizeof(en));
	if (n < 0 || (size_t)n >= sizeof(en))
		en[0] = '\0';
	PUT(b, ",\"explanation\":");
	if (lang == RANK_EN)
		rk_str(b, en, strlen(en));
	else
		rk_str(b, vi, strlen(vi));
	PUT(b, ",\"explanations\":{\"vi\":");
	rk_str(b, vi, strlen(vi));
	PUT(b, ",\"en\":");
	rk_str(b, en, strlen(en));
	PUT(b, "}}");
}

/* An integer in decimal, without printf. */
static void
rk_int(struct kore_buf *b, int64_t v)
{
	char		 buf[24];
	size_t		 i;
	uint64_t	 u;

	u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	i = sizeof(buf);
	do {
		buf[--i] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		buf[--i] = '-';
	kore_buf_append(b, buf + i, sizeof(buf) - i);
}

/* Micropoints as a JSON number, exactly: 64.5, 66.666667, 70. */
static void
rk_points(struct kore_buf *b, int64_t v)
{
	char		 frac[7];
	int64_t		 f;
	int		 i, len;

	if (v < 0) {
		PUT(b, "-");
		v = -v;
	}
	rk_int(b, v / RANK_UNIT);
	if ((f = v % RANK_UNIT) == 0)
		return;
	frac[0] = '.';
	for (i = 6; i >= 1; i--, f /= 10)
		frac[i] = (char)('0' + f % 10);
	for (len = 7; frac[len - 1] == '0'; len--)
		;
	kore_buf_append(b, frac, (size_t)len);
}

/* A JSON string of UTF-8 text (from the database, so valid UTF-8). */
static void
rk_str(struct kore_buf *b, const char *s, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	char			 esc[6];
	size_t			 i, start;
	unsigned char		 c;

	kore_buf_append(b, "\"", 1);
	for (i = 0, start = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		if (i > start)
			kore_buf_append(b, s + start, i - start);
		start = i + 1;
		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			kore_buf_append(b, esc, 2);
		} else {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			kore_buf_append(b, esc, 6);
		}
	}
	if (i > start)
		kore_buf_append(b, s + start, i - start);
	kore_buf_append(b, "\"", 1);
}

/*
 * The labels of a set of categories, as a sentence reads them: "poor
 * household, person with a disability".  The tables' labels start with
 * a capital, as headings do; in a sentence they do not.
 */
static char *
rk_join(char **labels, unsigned int set)
{
	struct kore_buf	 b;
	char		*out;
	size_t		 start;
	int		 c, n;

	kore_buf_init(&b, 128);
	for (c = 0, n = 0; c < PRIORITY_NCATEGORIES; c++) {
		if (!(set & PRIORITY_BIT(c)) || labels[c] == NULL)
			continue;
		if (n++ > 0)
			kore_buf_append(&b, ", ", 2);
		start = b.offset;
		kore_buf_append(&b, labels[c], strlen(labels[c]));
		if (b.data[start] < 0x80)
			b.data[start] = (u_int8_t)tolower(b.data[start]);
	}
	out = kore_strdup(kore_buf_stringify(&b, NULL));
	kore_buf_cleanup(&b);

	return (out);
}

static void
rk_free(struct rk_call *call, struct rk_data *d)
{
	size_t		i;

	kore_free(call->header);
	for (i = 0; i < call->ncriteria; i++)
		kore_free(call->keys[i]);
	for (i = 0; i < RK_COMBOS; i++) {
		kore_free(call->label_en[i]);
		kore_free(call->label_vi[i]);
		kore_free(call->cats_json[i]);
	}
	free(d->apps);
	free(d->rows);
	free(d->reviews);
	free(d->scores);
	free(d->results);
	memset(call, 0, sizeof(*call));
	memset(d, 0, sizeof(*d));
}

/* The data could not be ranked: a bug or a broken row, never the caller's. */
static int
rk_internal(struct api_ctx *ctx, struct rk_call *call, struct rk_data *d,
    const char *why)
{
	kore_log(LOG_ERR, "[%s] ranking of call %s: %s", ctx->request_id,
	    call->id, why);
	rk_free(call, d);

	return (api_error(ctx, 500, "internal", "Internal error"));
}
