/*
 * The ranking of a call (see ranking.h).
 *
 * Everything is integer arithmetic.  A review's score is the rational
 * 100 * sum(score/max * weight) / sum(weight) over the judged criteria;
 * with L the least common multiple of the rubric's maxima it is
 * sum(score * weight * L/max) / (L * sum(weight)), which 128-bit integers
 * hold exactly, so it is rounded once, half away from zero, to the
 * micropoint.  Normalisation needs square roots: they are integer square
 * roots of the exact variances scaled by 10^6, so the result depends only
 * on the multiset of scores, never on the order of the input or on the
 * floating-point unit.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ranking.h"

typedef __int128		i128;
typedef unsigned __int128	u128;

/*
 * Keeps sum(score * weight * L/max) * 10^8 <= 100 * L * 10^8 within 128
 * bits (10^38 < 1.7 * 10^38).  Rubrics whose maxima are all at most 66
 * always fit (their L is at most 1.2 * 10^27); so do realistic mixes
 * such as 3, 4, 5, 10, 20, 25 and 100 (L = 300).
 */
#define LCM_MAX		((i128)10000000000 * 1000000000 * 1000000000)

/* Variances are scaled by this before their integer square root. */
#define SQRT_SCALE	1000000
#define SQRT_ROOT	1000		/* its square root */

/* A counted review, in the order of the applications. */
struct counted {
	int64_t		reviewer;
	uint32_t	app;
	int64_t		raw;
	int64_t		val;		/* raw, or normalised */
};

/* A counted review's place, to walk the reviews of one reviewer. */
struct byrev {
	int64_t		reviewer;
	uint32_t	pos;
};

static const char	*check_call(const struct rank_call *, i128 *);
static const char	*collect(const struct rank_call *, i128,
			    const struct rank_app *, size_t,
			    struct rank_result *, struct counted *,
			    struct byrev *, struct rank_summary *);
static const char	*by_reviewer(const struct counted *, struct byrev *,
			    struct rank_summary *);
static void		 merits(const struct rank_call *, struct rank_result *,
			    size_t, const struct counted *, int64_t *, size_t);
static void		 order(struct rank_result *, size_t,
			    struct rank_summary *);
static int		 review_score(const struct rank_call *, i128,
			    const int *, int64_t *);
static void		 normalise(struct counted *, size_t,
			    const struct byrev *, int, struct rank_summary *);
static void		 app_stats(struct rank_result *, int64_t *, size_t,
			    int64_t);
static int		 dup_ids(const struct rank_app *, size_t);
static void		 ties(struct rank_result *, size_t);
static int		 cmp_result(const void *, const void *);
static int		 cmp_byrev(const void *, const void *);
static int		 cmp_i64(const void *, const void *);
static int64_t		 div_round(i128, i128);
static u128		 isqrt(u128);
static i128		 gcd(i128, i128);
static int		 fmt_score(char *, size_t, int64_t, char, int);

const char *
rank_compute(const struct rank_call *call, const struct rank_app *apps,
    size_t napps, struct rank_result *out, struct rank_summary *summary)
{
	struct rank_summary	 sum;
	struct counted		*cr;
	struct byrev		*br;
	int64_t			*vals;
	const char		*err;
	i128			 lcm;
	size_t			 i, total;
	int			 rc;

	memset(&sum, 0, sizeof(sum));
	if ((err = check_call(call, &lcm)) != NULL)
		return (err);
	if (napps > RANK_APPS_MAX)
		return ("too many applications");
	if (napps > 0 && (apps == NULL || out == NULL))
		return ("no applications given");

	total = 0;
	for (i = 0; i < napps; i++) {
		if (apps[i].bonus < 0 || apps[i].bonus > RANK_BONUS_MAX)
			return ("a priority bonus is outside 0..100");
		if (apps[i].nreviews > 0 && apps[i].reviews == NULL)
			return ("an application's reviews are missing");
		if (apps[i].nreviews > RANK_REVIEWS_MAX - total)
			return ("too many reviews");
		total += apps[i].nreviews;
	}
	if ((rc = dup_ids(apps, napps)) == -1)
		return ("out of memory");
	if (rc)
		return ("two applications have the same id");

	cr = NULL;
	br = NULL;
	vals = NULL;
	if (total > 0 && ((cr = calloc(total, sizeof(*cr))) == NULL ||
	    (br = calloc(total, sizeof(*br))) == NULL ||
	    (vals = calloc(total, sizeof(*vals))) == NULL)) {
		err = "out of memory";
		goto done;
	}

	if ((err = collect(call, lcm, apps, napps, out, cr, br, &sum)) != NULL)
		goto done;
	if ((err = by_reviewer(cr, br, &sum)) != NULL)
		goto done;
	normalise(cr, sum.reviews, br, call->normalise, &sum);
	merits(call, out, napps, cr, vals, sum.reviews);
	order(out, napps, &sum);

done:
	free(cr);
	free(br);
	free(vals);
	if (err == NULL && summary != NULL)
		*summary = sum;

	return (err);
}

/*
 * A single review's weighted score: 1 and the score in micropoints, 0
 * when every criterion is "cannot judge", -1 for an invalid score or call.
 */
int
rank_review_score(const struct rank_call *call, const int *scores,
    int64_t *out)
{
	i128		lcm;

	if (check_call(call, &lcm) != NULL)
		return (-1);

	return (review_score(call, lcm, scores, out));
}

/* Micropoints to tenths of a point, half away from zero: 64.45 is 64.5. */
int64_t
rank_round_tenths(int64_t v)
{
	return (div_round(v, RANK_UNIT / 10));
}

/*
 * The sentence a committee reads aloud, e.g.
 *   72.5 = merit 64.5 (3 reviews, spread 8) + 8 priority (poor
 *   household, verified)
 * Finals and merits have one decimal, the spread drops a ".0".  Returns
 * what snprintf() returns.
 */
int
rank_explain(const struct rank_result *r, enum rank_lang lang, char *buf,
    size_t len)
{
	char		 fin[32], mer[32], spr[32], prio[512];
	const char	*label;
	char		 sep;

	sep = lang == RANK_VI ? ',' : '.';
	(void)fmt_score(mer, sizeof(mer), r->merit, sep, 1);

	if (r->rank == 0) {
		if (lang == RANK_VI) {
			if (r->nreviews == 0)
				return (snprintf(buf, len, "chưa xếp hạng: "
				    "mới có 0/%d đánh giá bắt buộc",
				    r->required));
			return (snprintf(buf, len, "chưa xếp hạng: mới có "
			    "%d/%d đánh giá bắt buộc (điểm chuyên môn tạm "
			    "tính %s)", r->nreviews, r->required, mer));
		}
		if (r->nreviews == 0)
			return (snprintf(buf, len, "not ranked: 0 of %d "
			    "required reviews", r->required));
		return (snprintf(buf, len, "not ranked: %d of %d required "
		    "reviews (merit so far %s)", r->nreviews, r->required,
		    mer));
	}

	(void)fmt_score(fin, sizeof(fin), r->final, sep, 1);
	(void)fmt_score(spr, sizeof(spr), r->spread, sep, 0);

	label = lang == RANK_VI ? r->label_vi : r->label_en;
	prio[0] = '\0';
	if (r->bonus > 0) {
		if (label == NULL || *label == '\0')
			(void)snprintf(prio, sizeof(prio), " (%s)",
			    lang == RANK_VI ? "đã xác minh" : "verified");
		else
			(void)snprintf(prio, sizeof(prio), " (%s, %s)", label,
			    lang == RANK_VI ? "đã xác minh" : "verified");
	}

	if (lang == RANK_VI)
		return (snprintf(buf, len, "%s = điểm chuyên môn %s (%d đánh "
		    "giá, chênh lệch %s) + %d ưu tiên%s", fin, mer,
		    r->nreviews, spr, r->bonus, prio));

	return (snprintf(buf, len, "%s = merit %s (%d review%s, spread %s) "
	    "+ %d priority%s", fin, mer, r->nreviews,
	    r->nreviews == 1 ? "" : "s", spr, r->bonus, prio));
}

const char *
rank_tie_text(enum rank_tie tie, enum rank_lang lang)
{
	switch (tie) {
	case RANK_TIE_PRIORITY:
		return (lang == RANK_VI ? "ưu tiên đã xác minh xếp trước" :
		    "verified priority first");
	case RANK_TIE_SUBMITTED:
		return (lang == RANK_VI ? "nộp sớm hơn" : "submitted earlier");
	case RANK_TIE_ID:
		return (lang == RANK_VI ? "mã hồ sơ nhỏ hơn" :
		    "lower application number");
	default:
		return ("");
	}
}

/*
 * The results in input order, every review's score, and the reviews that
 * count, in cr (by application) and br (to be sorted by reviewer).
 */
static const char *
collect(const struct rank_call *call, i128 lcm, const struct rank_app *apps,
    size_t napps, struct rank_result *out, struct counted *cr,
    struct byrev *br, struct rank_summary *sum)
{
	size_t		i, k, n;
	int64_t		v;
	int		rc;

	n = 0;
	for (i = 0; i < napps; i++) {
		memset(&out[i], 0, sizeof(out[i]));
		out[i].id = apps[i].id;
		out[i].index = i;
		out[i].submitted_at = apps[i].submitted_at;
		out[i].required = call->required;
		out[i].bonus = apps[i].bonus;
		out[i].label_en = apps[i].label_en;
		out[i].label_vi = apps[i].label_vi;
		for (k = 0; k < apps[i].nreviews; k++) {
			rc = review_score(call, lcm, apps[i].reviews[k].scores,
			    &v);
			if (rc == -1)
				return ("a score is outside 0..max_score");
			if (rc == 0) {
				sum->ignored++;
				continue;
			}
			cr[n].reviewer = apps[i].reviews[k].reviewer;
			cr[n].app = (uint32_t)i;
			cr[n].raw = v;
			cr[n].val = v;
			br[n].reviewer = cr[n].reviewer;
			br[n].pos = (uint32_t)n;
			n++;
			out[i].nreviews++;
		}
	}
	sum->reviews = n;

	return (NULL);
}

/* Sorts br by reviewer, then application: the same pair twice is wrong. */
static const char *
by_reviewer(const struct counted *cr, struct byrev *br,
    struct rank_summary *sum)
{
	size_t		j, n;

	n = sum->reviews;
	if (n > 0)
		qsort(br, n, sizeof(*br), cmp_byrev);
	for (j = 0; j < n; j++) {
		if (j > 0 && br[j].reviewer == br[j - 1].reviewer &&
		    cr[br[j].pos].app == cr[br[j - 1].pos].app)
			return ("a reviewer reviewed the same application "
			    "twice");
		if (j == 0 || br[j].reviewer != br[j - 1].reviewer)
			sum->reviewers++;
	}

	return (NULL);
}

/* Merit and the rest per application; its reviews are adjacent in cr. */
static void
merits(const struct rank_call *call, struct rank_result *out, size_t napps,
    const struct counted *cr, int64_t *vals, size_t n)
{
	size_t		i, j, first;
	int64_t		raw;

	j = 0;
	for (i = 0; i < napps; i++) {
		first = j;
		raw = 0;
		for (; j < n && cr[j].app == i; j++) {
			vals[j] = cr[j].val;
			raw += cr[j].raw;
		}
		app_stats(&out[i], vals + first, j - first,
		    (int64_t)call->threshold * RANK_UNIT);
		if (j > first)
			out[i].merit_raw = div_round(raw, (i128)(j - first));
		out[i].final = out[i].merit + (int64_t)out[i].bonus * RANK_UNIT;
	}
}

/* Sorts the results, numbers the ranked ones and names their ties. */
static void
order(struct rank_result *out, size_t napps, struct rank_summary *sum)
{
	size_t		i;

	if (napps > 0)
		qsort(out, napps, sizeof(*out), cmp_result);
	for (i = 0; i < napps; i++) {
		if (out[i].nreviews < out[i].required) {
			sum->incomplete++;
			continue;
		}
		out[i].rank = (int)++sum->ranked;
	}
	ties(out, sum->ranked);
}

static const char *
check_call(const struct rank_call *call, i128 *lcm)
{
	size_t		i;
	int		total;
	i128		l;

	if (call == NULL || call->criteria == NULL || call->ncriteria == 0)
		return ("the rubric has no criteria");
	if (call->ncriteria > RANK_CRITERIA_MAX)
		return ("the rubric has too many criteria");
	if (call->required < 1 || call->required > RANK_REQUIRED_MAX)
		return ("the required number of reviews is out of range");
	if (call->threshold < 0 || call->threshold > 100)
		return ("the disagreement threshold is outside 0..100");

	total = 0;
	l = 1;
	for (i = 0; i < call->ncriteria; i++) {
		if (call->criteria[i].max_score < 1 ||
		    call->criteria[i].max_score > RANK_SCORE_MAX)
			return ("a criterion's max_score is out of range");
		if (call->criteria[i].weight < 1 ||
		    call->criteria[i].weight > 100)
			return ("a criterion's weight is out of range");
		total += call->criteria[i].weight;
		l = l / gcd(l, call->criteria[i].max_score) *
		    call->criteria[i].max_score;
		if (l > LCM_MAX)
			return ("the criteria's maxima have no common "
			    "multiple small enough for exact arithmetic");
	}
	if (total != 100)
		return ("the rubric's weights do not sum to 100");

	*lcm = l;
	return (NULL);
}

static int
review_score(const struct rank_call *call, i128 lcm, const int *scores,
    int64_t *out)
{
	const struct rank_criterion	*c;
	size_t				 i;
	i128				 num;
	int				 weights;

	if (scores == NULL)
		return (-1);

	num = 0;
	weights = 0;
	for (i = 0; i < call->ncriteria; i++) {
		c = &call->criteria[i];
		if (scores[i] == RANK_CANNOT_JUDGE)
			continue;
		if (scores[i] < 0 || scores[i] > c->max_score)
			return (-1);
		num += (i128)scores[i] * c->weight * (lcm / c->max_score);
		weights += c->weight;
	}
	if (weights == 0)
		return (0);

	*out = div_round(num * 100 * RANK_UNIT, lcm * weights);
	return (1);
}

/*
 * The call-wide mean and deviation of the raw scores; with map, each
 * reviewer's scores mapped through her z-scores:
 *
 * Per reviewer, x' = mean + (x - mean_r) / sd_r * sd over the call, in
 * exact terms with n the counts, S the sums and V = n * sum(x^2) - S^2:
 *
 *   x' = (S * sqrt(V_r) + (n_r * x - S_r) * sqrt(V)) / (n * sqrt(V_r))
 *
 * A reviewer with one review or all her scores equal (V_r = 0) keeps them.
 * Magnitudes: x <= 10^8, n <= 10^7, so V <= 2.5 * 10^29 and the scaled
 * roots and products stay well inside 128 bits.
 */
static void
normalise(struct counted *cr, size_t n, const struct byrev *br, int map,
    struct rank_summary *sum)
{
	i128		s, q, v, sr, qr, vr, num, den;
	u128		root, rootr;
	size_t		i, a, b;
	int64_t		x;

	if (n == 0)
		return;

	s = 0;
	q = 0;
	for (i = 0; i < n; i++) {
		s += cr[i].raw;
		q += (i128)cr[i].raw * cr[i].raw;
	}
	v = (i128)n * q - s * s;
	root = isqrt((u128)v * SQRT_SCALE);
	sum->mean = div_round(s, (i128)n);
	sum->sd = div_round((i128)root, (i128)n * SQRT_ROOT);
	if (!map)
		return;

	for (a = 0; a < n; a = b) {
		sr = 0;
		qr = 0;
		for (b = a; b < n && br[b].reviewer == br[a].reviewer; b++) {
			x = cr[br[b].pos].raw;
			sr += x;
			qr += (i128)x * x;
		}
		vr = (i128)(b - a) * qr - sr * sr;
		if (b - a < 2 || vr == 0)
			continue;
		sum->normalised++;
		rootr = isqrt((u128)vr * SQRT_SCALE);
		den = (i128)n * (i128)rootr;
		for (i = a; i < b; i++) {
			x = cr[br[i].pos].raw;
			num = s * (i128)rootr +
			    ((i128)(b - a) * x - sr) * (i128)root;
			x = div_round(num, den);
			if (x < 0)
				x = 0;
			if (x > 100 * RANK_UNIT)
				x = 100 * RANK_UNIT;
			cr[br[i].pos].val = x;
		}
	}
}

/* Mean, median, lowest, highest and spread of n scores (sorted here). */
static void
app_stats(struct rank_result *r, int64_t *v, size_t n, int64_t threshold)
{
	i128		total;
	size_t		i;

	if (n == 0)
		return;

	qsort(v, n, sizeof(*v), cmp_i64);
	total = 0;
	for (i = 0; i < n; i++)
		total += v[i];

	r->merit = div_round(total, (i128)n);
	if (n % 2)
		r->median = v[n / 2];
	else
		r->median = div_round((i128)v[n / 2 - 1] + v[n / 2], 2);
	r->low = v[0];
	r->high = v[n - 1];
	r->spread = r->high - r->low;
	r->disagreement = r->spread > threshold;
}

/* 1 if two applications share an id, 0 if not, -1 without memory. */
static int
dup_ids(const struct rank_app *apps, size_t n)
{
	int64_t		*ids;
	size_t		 i;
	int		 dup;

	if (n < 2)
		return (0);
	if ((ids = calloc(n, sizeof(*ids))) == NULL)
		return (-1);
	for (i = 0; i < n; i++)
		ids[i] = apps[i].id;
	qsort(ids, n, sizeof(*ids), cmp_i64);
	dup = 0;
	for (i = 1; i < n && !dup; i++)
		dup = ids[i] == ids[i - 1];
	free(ids);

	return (dup);
}

/* Name the rule that put each of equal finals below the one above it. */
static void
ties(struct rank_result *r, size_t ranked)
{
	size_t		i;

	for (i = 1; i < ranked; i++) {
		if (r[i].final != r[i - 1].final)
			continue;
		r[i].tie_with = r[i - 1].id;
		if ((r[i - 1].bonus > 0) != (r[i].bonus > 0))
			r[i].tie = RANK_TIE_PRIORITY;
		else if (r[i - 1].submitted_at != r[i].submitted_at)
			r[i].tie = RANK_TIE_SUBMITTED;
		else
			r[i].tie = RANK_TIE_ID;
	}
}

/*
 * Ranked before incomplete; then final descending, verified priority
 * first, earlier submission, lower id.  Incomplete applications have no
 * comparable merit, so they follow in the order they were submitted.
 */
static int
cmp_result(const void *pa, const void *pb)
{
	const struct rank_result	*a = pa, *b = pb;
	int				 ca, cb;

	ca = a->nreviews >= a->required;
	cb = b->nreviews >= b->required;
	if (ca != cb)
		return (ca ? -1 : 1);
	if (ca) {
		if (a->final != b->final)
			return (a->final > b->final ? -1 : 1);
		if ((a->bonus > 0) != (b->bonus > 0))
			return (a->bonus > 0 ? -1 : 1);
	}
	if (a->submitted_at != b->submitted_at)
		return (a->submitted_at < b->submitted_at ? -1 : 1);
	if (a->id != b->id)
		return (a->id < b->id ? -1 : 1);

	return (0);
}

static int
cmp_byrev(const void *pa, const void *pb)
{
	const struct byrev	*a = pa, *b = pb;

	if (a->reviewer != b->reviewer)
		return (a->reviewer < b->reviewer ? -1 : 1);
	if (a->pos != b->pos)
		return (a->pos < b->pos ? -1 : 1);

	return (0);
}

static int
cmp_i64(const void *pa, const void *pb)
{
	int64_t		a = *(const int64_t *)pa, b = *(const int64_t *)pb;

	return ((a > b) - (a < b));
}

/* num / den rounded half away from zero; den > 0. */
static int64_t
div_round(i128 num, i128 den)
{
	if (num >= 0)
		return ((int64_t)((num + den / 2) / den));

	return (-(int64_t)((-num + den / 2) / den));
}

/* floor(sqrt(v)), bit by bit. */
static u128
isqrt(u128 v)
{
	u128		r, bit;

	r = 0;
	bit = (u128)1 << 126;
	while (bit > v)
		bit >>= 2;
	while (bit != 0) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else
			r >>= 1;
		bit >>= 2;
	}

	return (r);
}

static i128
gcd(i128 a, i128 b)
{
	i128		t;

	while (b != 0) {
		t = a % b;
		a = b;
		b = t;
	}

	return (a);
}

/*
 * Micropoints as points with one decimal ("64.5", "64,5"); unless keep,
 * a whole number loses its ".0" ("8").
 */
static int
fmt_score(char *buf, size_t len, int64_t v, char sep, int keep)
{
	int64_t		t;
	const char	*sign;

	t = rank_round_tenths(v);
	sign = "";
	if (t < 0) {
		sign = "-";
		t = -t;
	}
	if (!keep && t % 10 == 0)
		return (snprintf(buf, len, "%s%lld", sign,
		    (long long)(t / 10)));

	return (snprintf(buf, len, "%s%lld%c%lld", sign, (long long)(t / 10),
	    sep, (long long)(t % 10)));
}
