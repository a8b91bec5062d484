/*
 * What the mentoring handlers share: small formatting helpers, the
 * version check of PUTs, locking a match and deciding who may see it,
 * and reading the rows matching compares.
 */

#include "mentoring.h"

const struct schema_field	mt_code_item = {
	"code", SCHEMA_STRING, 0, 1, MT_CODE_MAX, NULL, mt_code_check, NULL,
	NULL
};

void
mt_id(char *buf, int64_t id)
{
	(void)snprintf(buf, MT_ID_LEN, "%lld", (long long)id);
}

const char *
mt_locale(struct api_ctx *ctx)
{
	return (!strcmp(ctx->user.locale, "en") ? "en" : "vi");
}

/* Reference codes are lower case letters and underscores. */
const char *
mt_code_check(const char *s)
{
	for (; *s != '\0'; s++) {
		if ((*s < 'a' || *s > 'z') && *s != '_')
			return ("must be a code from /api/mentoring/reference");
	}

	return (NULL);
}

const char *
mt_not_blank(const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
			return (NULL);
	}

	return ("must not be blank");
}

void
mt_field_error(json_t *errors, const char *field, const char *msg)
{
	if (json_object_get(errors, field) == NULL)
		json_object_set_new(errors, field, json_string(msg));
}

/*
 * The If-Match rule of the PUTs that create a record the first time:
 * none is needed before it exists; once it does, the version read must
 * be sent and be current.  exists and version describe the record.
 * 1 when the write may go on; 0 when a reply has been sent.
 */
int
mt_version_check(struct api_ctx *ctx, int exists, int64_t version)
{
	const char	*v;
	int64_t		want;

	if (!http_request_header(ctx->req, "if-match", &v)) {
		if (!exists)
			return (1);
		api_error(ctx, 428, "precondition_failed",
		    "Send the If-Match header with the ETag you last read");
		return (0);
	}
	if (!api_if_match(ctx, &want))
		return (0);
	if (!exists || want != version) {
		api_error(ctx, 412, "precondition_failed",
		    "It has changed since you read it: read it again");
		return (0);
	}

	return (1);
}

/*
 * Offers past their time expire before anything reads or writes them,
 * in a statement of its own: a request refused afterwards still leaves
 * them expired.
 */
int
mt_expire(struct db *db)
{
	return (db_exec(db, "SELECT expire_matches()", 0, NULL));
}

/*
 * Read match id, locked when inside the caller's transaction.  1 when
 * found, 0 when there is no such match, -1 when the query failed (not
 * replied).
 */
int
mt_match_lock(struct db *db, int64_t id, struct mt_match *m)
{
	const char	*params[1];
	char		mid[MT_ID_LEN];

	mt_id(mid, id);
	params[0] = mid;
	if (!db_exec(db, db->in_tx ? "SELECT m.id, m.call_id, "
	    "  m.application_id, m.mentor_id, a.applicant_id, m.version, "
	    "  m.status FROM matches m "
	    "JOIN applications a ON a.id = m.application_id "
	    "WHERE m.id = $1 FOR UPDATE OF m" : "SELECT m.id, m.call_id, "
	    "  m.application_id, m.mentor_id, a.applicant_id, m.version, "
	    "  m.status FROM matches m "
	    "JOIN applications a ON a.id = m.application_id "
	    "WHERE m.id = $1", 1, params))
		return (-1);
	if (db_rows(db) != 1)
		return (0);

	memset(m, 0, sizeof(*m));
	m->id = db_int(db, 0, 0);
	m->call_id = db_int(db, 0, 1);
	m->application_id = db_int(db, 0, 2);
	m->mentor_id = db_int(db, 0, 3);
	m->applicant_id = db_int(db, 0, 4);
	m->version = db_int(db, 0, 5);
	(void)snprintf(m->status, sizeof(m->status), "%s", db_value(db, 0, 6));

	return (1);
}

/*
 * Whether the caller may see the match at all (the same rule as
 * api_match_for() in SQL): staff every match; a mentor her own once
 * published; a mentee her own once accepted.  Anyone else gets 404.
 */
int
mt_match_visible(struct api_ctx *ctx, const struct mt_match *m)
{
	if (MT_STAFF(ctx))
		return (1);
	if (ctx->user.role == ROLE_MENTOR)
		return (m->mentor_id == ctx->user.id &&
		    strcmp(m->status, "proposed") != 0);
	if (ctx->user.role == ROLE_APPLICANT)
		return (m->applicant_id == ctx->user.id &&
		    (!strcmp(m->status, "accepted") ||
		    !strcmp(m->status, "ended")));

	return (0);
}

/* Answer with match id as the caller sees it, its ETag, and commit. */
int
mt_match_reply(struct db *db, int64_t id, int status)
{
	const char	*params[3];
	char		mid[MT_ID_LEN], uid[MT_ID_LEN];

	mt_id(mid, id);
	mt_id(uid, db->ctx->user.id);
	params[0] = mid;
	params[1] = uid;
	params[2] = db->ctx->user.role_name;
	if (!db_exec(db, "SELECT api_match_for(m, $2, $3), m.version "
	    "FROM matches m WHERE m.id = $1", 3, params))
		return (db_fail(db));
	if (db_rows(db) == 1)
		api_etag(db->ctx, db_int(db, 0, 1));

	if (db->in_tx)
		return (db_reply_commit(db, status));

	return (db_reply_row(db, status, 0));
}

/*
 * The weights and minimum of call id.  1 when found; 0 when there is no
 * such call; -1 when the query failed (not replied).
 */
int
mt_weights(struct db *db, int64_t id, struct compat_weights *w, int *min)
{
	const char	*params[1];
	char		cid[MT_ID_LEN];
	int		i;

	mt_id(cid, id);
	params[0] = cid;
	if (!db_exec(db, "SELECT weight_sector, weight_skills, weight_place, "
	    "  weight_language, weight_availability, min_score "
	    "FROM matching_settings WHERE call_id = $1", 1, params))
		return (-1);
	if (db_rows(db) != 1)
		return (0);

	for (i = 0; i < COMPAT_PARTS; i++)
		w->w[i] = (int)db_int(db, 0, i);
	*min = (int)db_int(db, 0, COMPAT_PARTS);

	return (1);
}

static int	code_bit(const struct mt_ref *, int, const char *, size_t);

static const char *const	list_names[MT_LISTS] = {
	"sectors", "skills", "languages", "times", "wards"
};

/*
 * The reference lists, numbered as compat.c compares them.  0 when the
 * query failed (not replied).
 */
int
mt_ref_load(struct db *db, struct mt_ref *ref)
{
	const char	*list, *code;
	int		 i, l, bit, ward, pass, near;

	memset(ref, 0, sizeof(*ref));
	if (!db_exec(db, "SELECT list, code, wbit FROM mentoring_code_bits()",
	    0, NULL))
		return (0);

	/* The lists first, then the wards near each ward (by their bits). */
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < db_rows(db); i++) {
			list = db_value(db, i, 0);
			code = db_value(db, i, 1);
			bit = (int)db_int(db, i, 2);
			near = !strncmp(list, "nearby:", 7);
			if (bit < 0 || bit >= MT_BITS || near != pass)
				continue;
			if (near) {
				ward = code_bit(ref, MT_WARDS, list + 7,
				    strlen(list + 7));
				if (ward >= 0)
					ref->nearby[ward] |= (uint32_t)1 << bit;
				continue;
			}
			for (l = 0; l < MT_LISTS; l++) {
				if (!strcmp(list, list_names[l]))
					(void)snprintf(ref->code[l][bit],
					    sizeof(ref->code[l][bit]), "%s",
					    code);
			}
		}
	}

	return (1);
}

/* The bit of a code in a list, or -1. */
static int
code_bit(const struct mt_ref *ref, int list, const char *code, size_t len)
{
	int	k;

	if (len == 0)
		return (-1);
	for (k = 0; k < MT_BITS; k++) {
		if (strlen(ref->code[list][k]) == len &&
		    !strncmp(ref->code[list][k], code, len))
			return (k);
	}

	return (-1);
}

/* A code, or PostgreSQL's text form of an array of codes, as a mask. */
static uint32_t
mask(struct db *db, int row, int col, const struct mt_ref *ref, int list)
{
	const char	*s, *e;
	uint32_t	 m;
	int		 b;

	if (db_isnull(db, row, col))
		return (0);
	s = db_value(db, row, col);
	if (*s != '{') {
		b = code_bit(ref, list, s, strlen(s));
		return (b < 0 ? 0 : (uint32_t)1 << b);
	}

	/* Codes need no quoting: {a,b_c}. */
	m = 0;
	for (s++; *s != '\0' && *s != '}'; s = *e == ',' ? e + 1 : e) {
		for (e = s; *e != '\0' && *e != ',' && *e != '}'; e++)
			;
		if ((b = code_bit(ref, list, s, (size_t)(e - s))) >= 0)
			m |= (uint32_t)1 << b;
	}

	return (m);
}

/* A row of MT_MENTEE_COLS. */
void
mt_mentee_row(struct db *db, int row, const struct mt_ref *ref,
    struct mt_mentee *e)
{
	const char	*ward;

	memset(e, 0, sizeof(*e));
	e->id = db_int(db, row, 0);
	e->c.sector = mask(db, row, 1, ref, MT_SECTORS);
	e->c.needs = mask(db, row, 2, ref, MT_SKILLS);
	e->c.ward = COMPAT_NO_WARD;
	if (!db_isnull(db, row, 3)) {
		ward = db_value(db, row, 3);
		e->c.ward = code_bit(ref, MT_WARDS, ward, strlen(ward));
		if (e->c.ward >= 0)
			e->c.nearby = ref->nearby[e->c.ward];
		else
			e->c.ward = COMPAT_NO_WARD;
	}
	e->c.language = mask(db, row, 4, ref, MT_LANGUAGES);
	e->c.availability = mask(db, row, 5, ref, MT_TIMES);
	e->priority = db_value(db, row, 6)[0] == 't';
	e->rank = db_int(db, row, 7);
}

/* A row of MT_MENTOR_COLS. */
void
mt_mentor_row(struct db *db, int row, const struct mt_ref *ref,
    struct mt_mentor *t)
{
	memset(t, 0, sizeof(*t));
	t->id = db_int(db, row, 0);
	t->c.sectors = mask(db, row, 1, ref, MT_SECTORS);
	t->c.skills = mask(db, row, 2, ref, MT_SKILLS);
	t->c.wards = mask(db, row, 3, ref, MT_WARDS);
	t->c.remote = db_value(db, row, 4)[0] == 't';
	t->c.languages = mask(db, row, 5, ref, MT_LANGUAGES);
	t->c.availability = mask(db, row, 6, ref, MT_TIMES);
	t->places = (unsigned int)db_int(db, row, 7);
}

/* The codes of a mask, as a JSON array. */
static void
codes_json(struct kore_buf *b, const struct mt_ref *ref, int list,
    uint32_t m)
{
	int	k, n;

	kore_buf_append(b, "[", 1);
	for (n = 0, k = 0; k < MT_BITS; k++) {
		if ((m & ((uint32_t)1 << k)) == 0)
			continue;
		kore_buf_appendf(b, "%s\"%s\"", n++ ? "," : "",
		    ref->code[list][k]);
	}
	kore_buf_append(b, "]", 1);
}

/*
 * Room for n more bytes, growing by doubling: kore_buf grows by what is
 * appended, which copies the whole buffer again and again when thousands
 * of pairs are appended one by one.
 */
void
mt_buf_reserve(struct kore_buf *b, size_t n)
{
	size_t	want;

	if (b->offset + n <= b->length)
		return;
	want = b->length * 2;
	if (want < b->offset + n)
		want = b->offset + n;
	b->data = kore_realloc(b->data, want);
	b->length = want;
}

/* One object of the array MT_PAIRS_INSERT reads (at most 8 KiB). */
void
mt_pair_json(struct kore_buf *b, const struct mt_ref *ref, int64_t app,
    int64_t mentor, const struct compat_result *r)
{
	mt_buf_reserve(b, MT_PAIR_JSON_MAX);
	kore_buf_appendf(b, "{\"a\":%lld,\"m\":%lld,\"s\":%d,"
	    "\"p\":[%d,%d,%d,%d,%d],\"x\":[%d,%d,%d,%d,%d],\"sf\":%s,"
	    "\"pl\":%d,\"lf\":%s,\"c\":",
	    (long long)app, (long long)mentor, r->score,
	    r->points[0], r->points[1], r->points[2], r->points[3],
	    r->points[4], r->max[0], r->max[1], r->max[2], r->max[3],
	    r->max[4], r->sector_fit ? "true" : "false", r->place,
	    r->language_fit ? "true" : "false");
	codes_json(b, ref, MT_SKILLS, r->covered);
	kore_buf_append(b, ",\"mi\":", 6);
	codes_json(b, ref, MT_SKILLS, r->missing);
	kore_buf_append(b, ",\"t\":", 5);
	codes_json(b, ref, MT_TIMES, r->times);
	kore_buf_append(b, "}", 1);
}
