/*
 * ranking.c: review scores, cannot-judge re-weighting, normalisation,
 * merit, incomplete applications, disagreement, the order and its
 * tie-breaks, and the sentences read to a committee.  The arithmetic of
 * each hand-made example is in its comments; U is one point (10^6).
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "lib/ranking.h"

#define U		RANK_UNIT
#define CJ		RANK_CANNOT_JUDGE
#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * The rubric of most examples, weights 40 + 30 + 20 + 10 = 100.  A fully
 * judged review scores 40*s0/10 + 30*s1/5 + 20*s2/20 + 10*s3/4, that is
 * 4*s0 + 6*s1 + s2 + 2.5*s3.
 */
static const struct rank_criterion rubric[] = {
	{ 10, 40 }, { 5, 30 }, { 20, 20 }, { 4, 10 }
};

static const int s605[] = { 6, 4, 10, 1 };	/* 24 + 24 + 10 + 2.5 */
static const int s645[] = { 7, 4, 10, 1 };	/* 28 + 24 + 10 + 2.5 */
static const int s685[] = { 8, 4, 10, 1 };	/* 32 + 24 + 10 + 2.5 */
static const int s690[] = { 8, 4, 13, 0 };	/* 32 + 24 + 13 + 0 */
static const int s695[] = { 8, 4, 11, 1 };	/* 32 + 24 + 11 + 2.5 */
static const int s689[] = { 7, 4, 10, CJ };	/* (28+24+10)/90 = 68.8889 */
static const int s600[] = { CJ, 3, CJ, CJ };	/* 3/5 = 60 */
static const int snone[] = { CJ, CJ, CJ, CJ };

static struct rank_call
call_of(int required, int threshold, int normalise)
{
	struct rank_call	c;

	c.criteria = rubric;
	c.ncriteria = NELEM(rubric);
	c.required = required;
	c.threshold = threshold;
	c.normalise = normalise;

	return (c);
}

static struct rank_app
app_of(int64_t id, int64_t at, int bonus, const struct rank_review *rv,
    size_t n)
{
	struct rank_app		a;

	memset(&a, 0, sizeof(a));
	a.id = id;
	a.submitted_at = at;
	a.bonus = bonus;
	a.reviews = rv;
	a.nreviews = n;

	return (a);
}

static void
run(const struct rank_call *c, const struct rank_app *a, size_t n,
    struct rank_result *out, struct rank_summary *sum)
{
	const char	*err;

	if ((err = rank_compute(c, a, n, out, sum)) != NULL)
		fail_msg("rank_compute: %s", err);
}

static const char *
explain(const struct rank_result *r, enum rank_lang lang)
{
	static char	buf[2][512];

	(void)rank_explain(r, lang, buf[lang], sizeof(buf[lang]));
	return (buf[lang]);
}

static void
assert_order(const struct rank_result *r, const int64_t *ids, size_t n)
{
	size_t		i;

	for (i = 0; i < n; i++) {
		if (r[i].id != ids[i])
			fail_msg("place %zu: id %lld, expected %lld", i,
			    (long long)r[i].id, (long long)ids[i]);
	}
}

static void
test_review_score(void **state)
{
	struct rank_call	c = call_of(1, 10, 0);
	static const int	full[] = { 10, 5, 20, 4 };
	static const int	zero[] = { 0, 0, 0, 0 };
	static const int	over[] = { 11, 0, 0, 0 };
	static const int	neg[] = { -2, 0, 0, 0 };
	static const int	one[] = { CJ, CJ, 1, CJ };
	int64_t			v;

	assert_int_equal(rank_review_score(&c, s645, &v), 1);
	assert_int_equal(v, 64500000);
	assert_int_equal(rank_review_score(&c, full, &v), 1);
	assert_int_equal(v, 100 * U);
	assert_int_equal(rank_review_score(&c, zero, &v), 1);
	assert_int_equal(v, 0);

	/*
	 * Cannot judge c3: the other weights (90) carry the review,
	 * (28 + 24 + 10) / 90 * 100 = 68.888 888 8..., rounded 68 888 889.
	 */
	assert_int_equal(rank_review_score(&c, s689, &v), 1);
	assert_int_equal(v, 68888889);
	/* Only c1 judged: 3/5 of its weight over its weight, 60. */
	assert_int_equal(rank_review_score(&c, s600, &v), 1);
	assert_int_equal(v, 60 * U);
	/* Only c2: 1/20 = 5 points. */
	assert_int_equal(rank_review_score(&c, one, &v), 1);
	assert_int_equal(v, 5 * U);

	/* Nothing judged: the review does not count. */
	v = 42;
	assert_int_equal(rank_review_score(&c, snone, &v), 0);
	assert_int_equal(v, 42);

	assert_int_equal(rank_review_score(&c, over, &v), -1);
	assert_int_equal(rank_review_score(&c, neg, &v), -1);
	assert_int_equal(rank_review_score(&c, NULL, &v), -1);
}

/*
 * Exact halves of a micropoint round away from zero.  Criterion a (max
 * 64, weight 1) and b (max 1, weight 7) judged, the rest not:
 * 100 * (s_a/64 * 1 + s_b * 7) / 8.  With s_a = 1, s_b = 0 that is
 * 100 / 512 = 0.195 312 5, exactly 195 312.5 micropoints: 195 313.  With
 * s_a = 3: 0.585 937 5, so 585 938.  With s_a = 64, s_b = 1: 100.
 */
static void
test_review_half_micropoint(void **state)
{
	static const struct rank_criterion	crit[] = {
		{ 64, 1 }, { 1, 7 }, { 10, 92 }
	};
	struct rank_call			c;
	static const int			a1[] = { 1, 0, CJ };
	static const int			a3[] = { 3, 0, CJ };
	static const int			a64[] = { 64, 1, CJ };
	int64_t					v;

	c.criteria = crit;
	c.ncriteria = NELEM(crit);
	c.required = 1;
	c.threshold = 10;
	c.normalise = 0;

	assert_int_equal(rank_review_score(&c, a1, &v), 1);
	assert_int_equal(v, 195313);
	assert_int_equal(rank_review_score(&c, a3, &v), 1);
	assert_int_equal(v, 585938);
	assert_int_equal(rank_review_score(&c, a64, &v), 1);
	assert_int_equal(v, 100 * U);
}

/*
 * The widest rubric that always fits: 32 criteria with maxima 35..66
 * (their least common multiple is that of 1..66, 1.2 * 10^27), weights
 * 3 each and 7 on the last.  Full marks are exactly 100; one point on
 * each criterion is sum(w/max), checked against long double.
 */
static void
test_review_wide_rubric(void **state)
{
	struct rank_criterion	crit[RANK_CRITERIA_MAX];
	int			full[RANK_CRITERIA_MAX];
	int			ones[RANK_CRITERIA_MAX];
	struct rank_call	c;
	long double		want;
	int64_t			v;
	int			i;

	want = 0;
	for (i = 0; i < RANK_CRITERIA_MAX; i++) {
		crit[i].max_score = 35 + i;
		crit[i].weight = i == RANK_CRITERIA_MAX - 1 ? 7 : 3;
		full[i] = crit[i].max_score;
		ones[i] = 1;
		want += (long double)crit[i].weight / crit[i].max_score;
	}
	c.criteria = crit;
	c.ncriteria = RANK_CRITERIA_MAX;
	c.required = 1;
	c.threshold = 10;
	c.normalise = 0;

	assert_int_equal(rank_review_score(&c, full, &v), 1);
	assert_int_equal(v, 100 * U);
	assert_int_equal(rank_review_score(&c, ones, &v), 1);
	want *= U;
	assert_true(v - want <= 0.5L && want - v <= 0.5L);

	/* One more factor of 67 no longer fits. */
	crit[0].max_score = 67;
	assert_int_equal(rank_review_score(&c, full, &v), -1);
}

static void
test_round_tenths(void **state)
{
	assert_int_equal(rank_round_tenths(0), 0);
	assert_int_equal(rank_round_tenths(49999), 0);
	assert_int_equal(rank_round_tenths(50000), 1);
	assert_int_equal(rank_round_tenths(64449999), 644);
	assert_int_equal(rank_round_tenths(64450000), 645);	/* half: up */
	assert_int_equal(rank_round_tenths(64549999), 645);
	assert_int_equal(rank_round_tenths(64550000), 646);
	assert_int_equal(rank_round_tenths(68888889), 689);
	assert_int_equal(rank_round_tenths(100 * U), 1000);
	assert_int_equal(rank_round_tenths(-64450000), -645);	/* away */
	assert_int_equal(rank_round_tenths(-49999), 0);
}

/*
 * The example of the issue.  Reviews 60.5, 64.5 and 68.5: merit
 * 193.5 / 3 = 64.5, median 64.5, spread 68.5 - 60.5 = 8.  Application 1
 * has a verified bonus of 8: final 72.5.  Application 2 has the same
 * reviews and no bonus: 64.5.
 */
static void
test_issue_example(void **state)
{
	struct rank_call	c = call_of(3, 10, 0);
	struct rank_review	rv[] = {
		{ 11, s645 }, { 12, s685 }, { 13, s605 }
	};
	struct rank_app		a[2];
	struct rank_result	r[2];
	struct rank_summary	sum;

	a[0] = app_of(2, 100, 0, rv, 3);
	a[1] = app_of(1, 200, 8, rv, 3);
	a[1].label_en = "poor household";
	a[1].label_vi = "hộ nghèo";
	a[0].label_en = "ignored without a bonus";
	run(&c, a, 2, r, &sum);

	assert_int_equal(r[0].id, 1);
	assert_int_equal(r[0].index, 1);
	assert_int_equal(r[0].rank, 1);
	assert_int_equal(r[0].nreviews, 3);
	assert_int_equal(r[0].merit, 64500000);
	assert_int_equal(r[0].merit_raw, 64500000);
	assert_int_equal(r[0].median, 64500000);
	assert_int_equal(r[0].low, 60500000);
	assert_int_equal(r[0].high, 68500000);
	assert_int_equal(r[0].spread, 8 * U);
	assert_int_equal(r[0].final, 72500000);
	assert_int_equal(r[0].disagreement, 0);
	assert_int_equal(r[0].tie, RANK_TIE_NONE);
	assert_string_equal(explain(&r[0], RANK_EN), "72.5 = merit 64.5 "
	    "(3 reviews, spread 8) + 8 priority (poor household, verified)");
	assert_string_equal(explain(&r[0], RANK_VI), "72,5 = điểm chuyên "
	    "môn 64,5 (3 đánh giá, chênh lệch 8) + 8 ưu tiên (hộ nghèo, "
	    "đã xác minh)");

	assert_int_equal(r[1].id, 2);
	assert_int_equal(r[1].rank, 2);
	assert_int_equal(r[1].final, 64500000);
	assert_string_equal(explain(&r[1], RANK_EN),
	    "64.5 = merit 64.5 (3 reviews, spread 8) + 0 priority");
	assert_string_equal(explain(&r[1], RANK_VI), "64,5 = điểm chuyên "
	    "môn 64,5 (3 đánh giá, chênh lệch 8) + 0 ưu tiên");

	assert_int_equal(sum.ranked, 2);
	assert_int_equal(sum.incomplete, 0);
	assert_int_equal(sum.reviews, 6);
	assert_int_equal(sum.ignored, 0);
	assert_int_equal(sum.reviewers, 3);
	assert_int_equal(sum.normalised, 0);
	/* Call mean (2 * 193.5) / 6 = 64.5; deviations -4, 0, 4 twice. */
	assert_int_equal(sum.mean, 64500000);
	/* sd = sqrt((16 + 0 + 16) * 2 / 6) = sqrt(32/3) = 3.265 986 3... */
	assert_int_equal(sum.sd, 3265986);
}

static void
test_explain_forms(void **state)
{
	struct rank_call	c = call_of(1, 10, 0);
	struct rank_review	one[] = { { 1, s689 } };
	struct rank_review	two[] = { { 1, s605 }, { 2, s685 } };
	struct rank_review	half[] = { { 1, s605 }, { 2, s690 } };
	struct rank_app		a[4];
	struct rank_result	r[4];
	char			small[8];
	int			n;

	/* One review of 68.888 889, bonus 5 with two categories. */
	a[0] = app_of(1, 1, 5, one, 1);
	a[0].label_en = "poor household, disability";
	a[0].label_vi = "hộ nghèo, khuyết tật";
	/* 60.5 and 68.5: merit 64.5, spread 8; a bonus with no label. */
	a[1] = app_of(2, 2, 3, two, 2);
	/* 60.5 and 69: merit 64.75 shown 64.8, spread 8.5. */
	a[2] = app_of(3, 3, 0, half, 2);
	/* No reviews at all with one required. */
	a[3] = app_of(4, 4, 0, NULL, 0);
	run(&c, a, 4, r, NULL);

	/* 73.888 889 > 67.5 > 64.75. */
	assert_int_equal(r[0].id, 1);
	assert_string_equal(explain(&r[0], RANK_EN), "73.9 = merit 68.9 "
	    "(1 review, spread 0) + 5 priority (poor household, "
	    "disability, verified)");
	assert_string_equal(explain(&r[0], RANK_VI), "73,9 = điểm chuyên "
	    "môn 68,9 (1 đánh giá, chênh lệch 0) + 5 ưu tiên (hộ nghèo, "
	    "khuyết tật, đã xác minh)");

	assert_int_equal(r[1].id, 2);
	assert_string_equal(explain(&r[1], RANK_EN), "67.5 = merit 64.5 "
	    "(2 reviews, spread 8) + 3 priority (verified)");
	assert_string_equal(explain(&r[1], RANK_VI), "67,5 = điểm chuyên "
	    "môn 64,5 (2 đánh giá, chênh lệch 8) + 3 ưu tiên (đã xác minh)");

	assert_int_equal(r[2].id, 3);
	assert_int_equal(r[2].merit, 64750000);
	assert_int_equal(r[2].spread, 8500000);
	assert_string_equal(explain(&r[2], RANK_EN),
	    "64.8 = merit 64.8 (2 reviews, spread 8.5) + 0 priority");
	assert_string_equal(explain(&r[2], RANK_VI), "64,8 = điểm chuyên "
	    "môn 64,8 (2 đánh giá, chênh lệch 8,5) + 0 ưu tiên");

	assert_int_equal(r[3].id, 4);
	assert_int_equal(r[3].rank, 0);
	assert_string_equal(explain(&r[3], RANK_EN),
	    "not ranked: 0 of 1 required reviews");
	assert_string_equal(explain(&r[3], RANK_VI),
	    "chưa xếp hạng: mới có 0/1 đánh giá bắt buộc");

	/* Like snprintf(): the length needed, the text cut and ended. */
	n = rank_explain(&r[2], RANK_EN, small, sizeof(small));
	assert_int_equal(n, strlen("64.8 = merit 64.8 (2 reviews, "
	    "spread 8.5) + 0 priority"));
	assert_string_equal(small, "64.8 = ");
}

/*
 * Required 3.  Application 10: three counted reviews.  Application 11:
 * two counted and one where everything is "cannot judge", so only two
 * count.  Application 12: none.  Application 13: one review with c3 left
 * out (68.888 889) and two full ones (60.5, 64.5): three count, merit
 * (68.888 889 + 60.5 + 64.5) / 3 = 193.888 889 / 3 = 64.629 629 67,
 * rounded 64 629 630.
 */
static void
test_incomplete(void **state)
{
	struct rank_call	c = call_of(3, 10, 0);
	struct rank_review	full[] = { { 1, s605 }, { 2, s645 },
				    { 3, s685 } };
	struct rank_review	partial[] = { { 1, s605 }, { 2, snone },
				    { 3, s685 } };
	struct rank_review	cj[] = { { 1, s689 }, { 2, s605 },
				    { 3, s645 } };
	struct rank_app		a[4];
	struct rank_result	r[4];
	struct rank_summary	sum;
	static const int64_t	order[] = { 13, 10, 12, 11 };

	/* Incomplete ones follow in order of submission: 12 before 11. */
	a[0] = app_of(11, 50, 5, partial, 3);
	a[1] = app_of(10, 60, 0, full, 3);
	a[2] = app_of(12, 40, 0, NULL, 0);
	a[3] = app_of(13, 70, 0, cj, 3);
	run(&c, a, 4, r, &sum);
	assert_order(r, order, 4);

	/* 64.629 630 > 64.5 */
	assert_int_equal(r[0].rank, 1);
	assert_int_equal(r[0].nreviews, 3);
	assert_int_equal(r[0].merit, 64629630);
	assert_int_equal(r[0].median, 64500000);
	assert_int_equal(r[0].spread, 68888889 - 60500000);
	assert_int_equal(r[1].rank, 2);
	assert_int_equal(r[1].merit, 64500000);

	assert_int_equal(r[2].rank, 0);
	assert_int_equal(r[2].nreviews, 0);
	assert_int_equal(r[2].merit, 0);
	assert_int_equal(r[2].final, 0);
	assert_int_equal(r[3].rank, 0);
	assert_int_equal(r[3].nreviews, 2);
	/* (60.5 + 68.5) / 2 = 64.5 so far; the bonus does not rank it. */
	assert_int_equal(r[3].merit, 64500000);
	assert_int_equal(r[3].tie, RANK_TIE_NONE);
	assert_string_equal(explain(&r[3], RANK_EN), "not ranked: 2 of 3 "
	    "required reviews (merit so far 64.5)");
	assert_string_equal(explain(&r[3], RANK_VI), "chưa xếp hạng: mới "
	    "có 2/3 đánh giá bắt buộc (điểm chuyên môn tạm tính 64,5)");

	assert_int_equal(sum.ranked, 2);
	assert_int_equal(sum.incomplete, 2);
	assert_int_equal(sum.reviews, 8);
	assert_int_equal(sum.ignored, 1);
	assert_int_equal(sum.reviewers, 3);
}

/*
 * Reviews 60.5, 64.5, 68.5: spread exactly 8.  Above a threshold of 7,
 * not above 8.  60.5 and 69: spread 8.5, above 8.
 */
static void
test_disagreement(void **state)
{
	struct rank_call	c;
	struct rank_review	rv[] = { { 1, s605 }, { 2, s645 },
				    { 3, s685 } };
	struct rank_review	wide[] = { { 1, s605 }, { 2, s690 } };
	struct rank_app		a[2];
	struct rank_result	r[2];

	a[0] = app_of(1, 1, 0, rv, 3);
	a[1] = app_of(2, 2, 0, wide, 2);

	c = call_of(2, 8, 0);
	run(&c, a, 2, r, NULL);
	assert_int_equal(r[0].id, 2);		/* 64.75 > 64.5 */
	assert_int_equal(r[0].disagreement, 1);
	assert_int_equal(r[1].disagreement, 0);

	c = call_of(2, 7, 0);
	run(&c, a, 2, r, NULL);
	assert_int_equal(r[0].disagreement, 1);
	assert_int_equal(r[1].disagreement, 1);

	c = call_of(2, 9, 0);
	run(&c, a, 2, r, NULL);
	assert_int_equal(r[0].disagreement, 0);
	assert_int_equal(r[1].disagreement, 0);

	/* Threshold 0: any difference at all. */
	c = call_of(2, 0, 0);
	run(&c, a, 2, r, NULL);
	assert_int_equal(r[0].disagreement, 1);
}

/*
 * An even number of reviews: the median is the mean of the middle two,
 * rounded half away.  60.5, 64.5, 68.5, 69: (64.5 + 68.5) / 2 = 66.5.
 * 60.5 and 68.888 889: (60 500 000 + 68 888 889) / 2 = 64 694 444.5, so
 * 64 694 445.
 */
static void
test_median(void **state)
{
	struct rank_call	c = call_of(1, 10, 0);
	struct rank_review	four[] = { { 1, s690 }, { 2, s605 },
				    { 3, s685 }, { 4, s645 } };
	struct rank_review	two[] = { { 1, s689 }, { 2, s605 } };
	struct rank_app		a[2];
	struct rank_result	r[2];

	a[0] = app_of(1, 1, 0, four, 4);
	a[1] = app_of(2, 2, 0, two, 2);
	run(&c, a, 2, r, NULL);

	/* (60.5 + 64.5 + 68.5 + 69) / 4 = 65.625 */
	assert_int_equal(r[0].id, 1);
	assert_int_equal(r[0].merit, 65625000);
	assert_int_equal(r[0].median, 66500000);
	assert_int_equal(r[0].low, 60500000);
	assert_int_equal(r[0].high, 69 * U);
	/* (68 888 889 + 60 500 000) / 2 = 64 694 444.5 */
	assert_int_equal(r[1].merit, 64694445);
	assert_int_equal(r[1].median, 64694445);
}

/*
 * One criterion of weight 100 and max 100, so a review scores what it
 * says.  The harsh reviewer H gives A 40 and B 50; the lenient L gives C
 * 80 and D 90.  Raw order: D, C, B, A.
 *
 * Call: n = 4, mean 260/4 = 65, variance ((-25)^2 + (-15)^2 + 15^2 +
 * 25^2) / 4 = 1700 / 4 = 425, sd = sqrt(425) = 20.615 528 128...
 * H: mean 45, sd 5, so z(A) = -1, z(B) = +1; L likewise z(C) = -1,
 * z(D) = +1.  Mapped: 65 -/+ 20.615 528 128, i.e. 44 384 472 and
 * 85 615 528 micropoints.  B ties D and A ties C: the earlier submission
 * goes first, so the normalised order is B, D, A, C: B, the harsh
 * reviewer's best, rises from third to first; C falls to last.
 */
static void
test_normalise_order(void **state)
{
	static const struct rank_criterion	one[] = { { 100, 100 } };
	static const int			s40[] = { 40 }, s50[] = { 50 },
						s80[] = { 80 }, s90[] = { 90 };
	struct rank_review			ra[] = { { 7, s40 } },
						rb[] = { { 7, s50 } },
						rc[] = { { 9, s80 } },
						rd[] = { { 9, s90 } };
	struct rank_call			c;
	struct rank_app				a[4];
	struct rank_result			r[4];
	struct rank_summary			sum;
	static const int64_t			raw[] = { 4, 3, 2, 1 };
	static const int64_t			norm[] = { 2, 4, 1, 3 };

	c.criteria = one;
	c.ncriteria = 1;
	c.required = 1;
	c.threshold = 20;
	c.normalise = 0;
	a[0] = app_of(1, 10, 0, ra, 1);		/* A */
	a[1] = app_of(2, 20, 0, rb, 1);		/* B */
	a[2] = app_of(3, 30, 0, rc, 1);		/* C */
	a[3] = app_of(4, 40, 0, rd, 1);		/* D */

	run(&c, a, 4, r, &sum);
	assert_order(r, raw, 4);
	assert_int_equal(r[0].merit, 90 * U);
	assert_int_equal(sum.normalised, 0);
	assert_int_equal(sum.mean, 65 * U);
	assert_int_equal(sum.sd, 20615528);

	c.normalise = 1;
	run(&c, a, 4, r, &sum);
	assert_order(r, norm, 4);
	assert_int_equal(sum.normalised, 2);
	assert_int_equal(sum.reviewers, 2);
	assert_int_equal(r[0].merit, 85615528);
	assert_int_equal(r[0].merit_raw, 50 * U);
	assert_int_equal(r[1].merit, 85615528);
	assert_int_equal(r[1].merit_raw, 90 * U);
	assert_int_equal(r[1].tie, RANK_TIE_SUBMITTED);
	assert_int_equal(r[1].tie_with, 2);
	assert_int_equal(r[2].merit, 44384472);
	assert_int_equal(r[3].merit, 44384472);
	assert_int_equal(r[3].tie, RANK_TIE_SUBMITTED);
	assert_string_equal(explain(&r[0], RANK_EN),
	    "85.6 = merit 85.6 (1 review, spread 0) + 0 priority");
}

/*
 * What normalisation leaves alone, and the clamp.  One criterion scores
 * as given.  X reviews three applications: 0, 0 and 100; Y one: 100; Z
 * two, both 70 (no deviation).  Y and Z keep their scores.
 *
 * Call: 0, 0, 100, 100, 70, 70; mean 340/6 = 56.667, variance
 * (0 + 0 + 10^4 * 2 + 4900 * 2) / 6 - 56.667^2 = 4966.667 - 3211.111 =
 * 1755.556, sd 41.899 (call n = 6, S = 340, V = 6 * 29800 - 340^2 =
 * 63200, sd = sqrt(63200) / 6 = 41.899 350 1...).
 * X: mean 33.333, sd 47.140 (V_x = 3 * 10^4 - 100^2 = 20000,
 * sd = sqrt(20000) / 3).  z(100) = 66.667 / 47.140 = 1.414 2, mapped
 * 56.667 + 1.414 2 * 41.899 = 115.92, clamped to 100.  z(0) = -0.707 1,
 * mapped 56.667 - 29.627 = 27.039 6: exactly
 * (340 * sqrt(20000) - 100 * sqrt(63200)) / (6 * sqrt(20000))
 * = 56.666 667 - 29.627 314 8 = 27.039 351 9, so 27 039 352.
 */
static void
test_normalise_keeps(void **state)
{
	static const struct rank_criterion	one[] = { { 100, 100 } };
	static const int			s0[] = { 0 }, s100[] = { 100 },
						s70[] = { 70 };
	struct rank_review			r1[] = { { 1, s0 } },
						r2[] = { { 1, s0 } },
						r3[] = { { 1, s100 },
						    { 2, s100 } },
						r4[] = { { 3, s70 } },
						r5[] = { { 3, s70 } };
	struct rank_call			c;
	struct rank_app				a[5];
	struct rank_result			r[5];
	struct rank_summary			sum;

	c.criteria = one;
	c.ncriteria = 1;
	c.required = 1;
	c.threshold = 20;
	c.normalise = 1;
	a[0] = app_of(1, 1, 0, r1, 1);
	a[1] = app_of(2, 1, 0, r2, 1);		/* same time as 1 */
	a[2] = app_of(3, 3, 0, r3, 2);		/* X's 100 and Y's 100 */
	a[3] = app_of(4, 4, 0, r4, 1);
	a[4] = app_of(5, 5, 0, r5, 1);
	run(&c, a, 5, r, &sum);

	assert_int_equal(sum.normalised, 1);
	assert_int_equal(sum.reviewers, 3);
	assert_int_equal(sum.mean, 56666667);
	assert_int_equal(sum.sd, 41899350);

	assert_int_equal(r[0].id, 3);
	assert_int_equal(r[0].merit, 100 * U);	/* clamped, and Y's raw */
	assert_int_equal(r[0].spread, 0);
	assert_int_equal(r[1].id, 4);
	assert_int_equal(r[1].merit, 70 * U);	/* Z: no deviation */
	assert_int_equal(r[2].id, 5);
	assert_int_equal(r[3].id, 1);
	assert_int_equal(r[3].merit, 27039352);
	assert_int_equal(r[3].merit_raw, 0);
	assert_int_equal(r[4].merit, 27039352);
	assert_int_equal(r[4].tie, RANK_TIE_ID);
}

/*
 * Equal finals, each rule in turn.  P: merit 60.5 + 4 = 64.5; Q: 64.5 +
 * 0.  P goes first for its verified priority whichever comes first in
 * the input and whatever the dates.
 */
static void
test_tie_priority(void **state)
{
	struct rank_call	c = call_of(1, 10, 0);
	struct rank_review	rp[] = { { 1, s605 } }, rq[] = { { 1, s645 } };
	struct rank_app		a[2];
	struct rank_result	r[2];

	a[0] = app_of(1, 10, 0, rq, 1);		/* Q: earlier, lower id */
	a[1] = app_of(2, 20, 4, rp, 1);		/* P */
	run(&c, a, 2, r, NULL);
	assert_int_equal(r[0].id, 2);
	assert_int_equal(r[0].final, r[1].final);
	assert_int_equal(r[0].tie, RANK_TIE_NONE);
	assert_int_equal(r[1].id, 1);
	assert_int_equal(r[1].tie, RANK_TIE_PRIORITY);
	assert_int_equal(r[1].tie_with, 2);
	assert_string_equal(rank_tie_text(r[1].tie, RANK_EN),
	    "verified priority first");
	assert_string_equal(rank_tie_text(r[1].tie, RANK_VI),
	    "ưu tiên đã xác minh xếp trước");

	/* The other way round in the input: the same answer. */
	a[0] = app_of(2, 20, 4, rp, 1);
	a[1] = app_of(1, 10, 0, rq, 1);
	run(&c, a, 2, r, NULL);
	assert_int_equal(r[0].id, 2);
	assert_int_equal(r[1].tie, RANK_TIE_PRIORITY);
}

/*
 * Both verified (bonus 4 and 8 on merits 64.5 and 60.5: 68.5 each), or
 * neither: the earlier submission goes first; then the lower id.
 */
static void
test_tie_submitted_and_id(void **state)
{
	struct rank_call	c = call_of(1, 10, 0);
	struct rank_review	r605[] = { { 1, s605 } };
	struct rank_review	r645[] = { { 1, s645 } };
	struct rank_app		a[3];
	struct rank_result	r[3];

	a[0] = app_of(5, 300, 4, r645, 1);
	a[1] = app_of(6, 200, 8, r605, 1);
	run(&c, a, 2, r, NULL);
	assert_int_equal(r[0].id, 6);
	assert_int_equal(r[1].id, 5);
	assert_int_equal(r[1].tie, RANK_TIE_SUBMITTED);
	assert_string_equal(rank_tie_text(r[1].tie, RANK_EN),
	    "submitted earlier");

	a[0] = app_of(5, 100, 4, r645, 1);
	run(&c, a, 2, r, NULL);
	assert_int_equal(r[0].id, 5);
	assert_int_equal(r[1].tie, RANK_TIE_SUBMITTED);

	/* Neither verified, same merit, same time: the lower id. */
	a[0] = app_of(9, 100, 0, r645, 1);
	a[1] = app_of(8, 100, 0, r645, 1);
	a[2] = app_of(7, 100, 0, r645, 1);
	run(&c, a, 3, r, NULL);
	assert_int_equal(r[0].id, 7);
	assert_int_equal(r[0].tie, RANK_TIE_NONE);
	assert_int_equal(r[1].id, 8);
	assert_int_equal(r[1].tie, RANK_TIE_ID);
	assert_int_equal(r[1].tie_with, 7);
	assert_int_equal(r[2].id, 9);
	assert_int_equal(r[2].tie, RANK_TIE_ID);
	assert_int_equal(r[2].tie_with, 8);
	assert_string_equal(rank_tie_text(r[2].tie, RANK_VI),
	    "mã hồ sơ nhỏ hơn");
	assert_string_equal(rank_tie_text(RANK_TIE_NONE, RANK_EN), "");
}

/*
 * Finals that read the same but are not equal are no tie: the unrounded
 * micropoints decide.  Application 1: one review of 68.888 889.
 * Application 2: 69.5, 68.5, 68.5 and 69: 275.5 / 4 = 68.875.  Both read
 * 68.9; 1 is ahead although it was submitted later and has the higher id.
 */
static void
test_no_tie_below_display(void **state)
{
	struct rank_call	c = call_of(1, 10, 0);
	struct rank_review	r1[] = { { 1, s689 } };
	struct rank_review	r2[] = { { 1, s695 }, { 2, s685 }, { 3, s685 },
				    { 4, s690 } };
	struct rank_app		a[2];
	struct rank_result	r[2];

	/* s685 twice from reviewers 2 and 3: distinct reviewers. */
	a[0] = app_of(2, 1, 0, r2, 4);
	a[1] = app_of(1, 2, 0, r1, 1);
	run(&c, a, 2, r, NULL);
	assert_int_equal(r[0].id, 1);
	assert_int_equal(r[1].id, 2);
	assert_int_equal(r[1].merit, 68875000);
	assert_int_equal(r[1].tie, RANK_TIE_NONE);
	assert_string_equal(explain(&r[0], RANK_EN),
	    "68.9 = merit 68.9 (1 review, spread 0) + 0 priority");
	assert_string_equal(explain(&r[1], RANK_EN),
	    "68.9 = merit 68.9 (4 reviews, spread 1) + 0 priority");
}

static void
test_invalid(void **state)
{
	static const struct rank_criterion	w99[] = {
		{ 10, 50 }, { 10, 49 }
	};
	static const struct rank_criterion	max0[] = { { 0, 100 } };
	static const struct rank_criterion	w0[] = {
		{ 10, 0 }, { 10, 100 }
	};
	/* Ten primes near 1000: their product is about 10^29.7. */
	static const struct rank_criterion	primes[] = {
		{ 997, 10 }, { 991, 10 }, { 983, 10 }, { 977, 10 },
		{ 971, 10 }, { 967, 10 }, { 953, 10 }, { 947, 10 },
		{ 941, 10 }, { 937, 10 }
	};
	struct rank_call	c = call_of(1, 10, 0), bad;
	static const int	over[] = { 7, 6, 10, 1 };
	struct rank_review	ok[] = { { 1, s645 } };
	struct rank_review	twice[] = { { 1, s645 }, { 1, s685 } };
	struct rank_review	wrong[] = { { 1, over } };
	struct rank_review	null[] = { { 1, NULL } };
	struct rank_app		a[2];
	struct rank_result	r[2];

	a[0] = app_of(1, 1, 0, ok, 1);
	a[1] = app_of(2, 2, 0, ok, 1);

	bad = c;
	bad.criteria = w99;
	bad.ncriteria = 2;
	assert_string_equal(rank_compute(&bad, a, 2, r, NULL),
	    "the rubric's weights do not sum to 100");
	bad.criteria = max0;
	bad.ncriteria = 1;
	assert_non_null(rank_compute(&bad, a, 2, r, NULL));
	bad.criteria = w0;
	bad.ncriteria = 2;
	assert_non_null(rank_compute(&bad, a, 2, r, NULL));
	bad.criteria = primes;
	bad.ncriteria = NELEM(primes);
	assert_string_equal(rank_compute(&bad, a, 2, r, NULL),
	    "the criteria's maxima have no common multiple small enough "
	    "for exact arithmetic");
	bad.ncriteria = 0;
	assert_non_null(rank_compute(&bad, a, 2, r, NULL));
	bad = c;
	bad.required = 0;
	assert_non_null(rank_compute(&bad, a, 2, r, NULL));
	bad = c;
	bad.threshold = -1;
	assert_non_null(rank_compute(&bad, a, 2, r, NULL));

	a[1].id = 1;
	assert_string_equal(rank_compute(&c, a, 2, r, NULL),
	    "two applications have the same id");
	a[1].id = 2;
	a[1].bonus = 101;
	assert_non_null(rank_compute(&c, a, 2, r, NULL));
	a[1].bonus = -1;
	assert_non_null(rank_compute(&c, a, 2, r, NULL));
	a[1] = app_of(2, 2, 0, twice, 2);
	assert_string_equal(rank_compute(&c, a, 2, r, NULL),
	    "a reviewer reviewed the same application twice");
	a[1] = app_of(2, 2, 0, wrong, 1);
	assert_string_equal(rank_compute(&c, a, 2, r, NULL),
	    "a score is outside 0..max_score");
	a[1] = app_of(2, 2, 0, null, 1);
	assert_non_null(rank_compute(&c, a, 2, r, NULL));
	a[1] = app_of(2, 2, 0, NULL, 1);
	assert_non_null(rank_compute(&c, a, 2, r, NULL));

	/* Nothing to rank is not an error. */
	assert_null(rank_compute(&c, NULL, 0, NULL, NULL));
}

/* Random calls: a fixed seed, so a failure can be replayed. */

static uint64_t	rng_state;

static uint64_t
rng(void)
{
	uint64_t	x = rng_state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng_state = x;
	return (x * 0x2545f4914f6cdd1dULL);
}

static int
rnd(int n)
{
	return ((int)(rng() % (uint64_t)n));
}

#define RA	40	/* applications */
#define RR	5	/* reviews per application at most */
#define RC	6	/* criteria at most */

struct world {
	struct rank_criterion	crit[RC];
	struct rank_call	call;
	struct rank_app		apps[RA];
	struct rank_review	rev[RA][RR];
	int			scores[RA][RR][RC];
	size_t			napps;
};

static void
world_new(struct world *w)
{
	int	i, k, j, t, left, pool[8], nc;

	memset(w, 0, sizeof(*w));
	nc = 1 + rnd(RC);
	left = 100;
	for (j = 0; j < nc; j++) {
		w->crit[j].max_score = 1 + rnd(j % 2 ? 10 : 100);
		w->crit[j].weight = j == nc - 1 ? left :
		    1 + rnd(left - (nc - 1 - j));
		left -= w->crit[j].weight;
	}
	w->call.criteria = w->crit;
	w->call.ncriteria = (size_t)nc;
	w->call.required = 1 + rnd(3);
	w->call.threshold = rnd(40);
	w->call.normalise = rnd(2);

	w->napps = (size_t)(1 + rnd(RA));
	for (i = 0; i < (int)w->napps; i++) {
		for (k = 0; k < 8; k++)
			pool[k] = k;
		for (k = 7; k > 0; k--) {
			j = rnd(k + 1);
			t = pool[k];
			pool[k] = pool[j];
			pool[j] = t;
		}
		w->apps[i].id = 1000 + i * 7;
		w->apps[i].submitted_at = rnd(5);
		w->apps[i].bonus = rnd(2) ? 0 : rnd(11);
		w->apps[i].reviews = w->rev[i];
		w->apps[i].nreviews = (size_t)rnd(RR + 1);
		for (k = 0; k < (int)w->apps[i].nreviews; k++) {
			w->rev[i][k].reviewer = pool[k];
			w->rev[i][k].scores = w->scores[i][k];
			for (j = 0; j < nc; j++)
				w->scores[i][k][j] = rnd(7) == 0 ? CJ :
				    rnd(w->crit[j].max_score + 1);
		}
	}
}

/* The same call with applications and each one's reviews shuffled. */
static void
world_shuffle(const struct world *w, struct world *s)
{
	size_t	i, k, j;
	int	perm[RA], t;

	*s = *w;
	for (i = 0; i < w->napps; i++)
		perm[i] = (int)i;
	for (i = w->napps - 1; i > 0; i--) {
		j = (size_t)rnd((int)i + 1);
		t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	s->call.criteria = s->crit;
	for (i = 0; i < w->napps; i++) {
		s->apps[i] = w->apps[perm[i]];
		s->apps[i].reviews = s->rev[i];
		memcpy(s->scores[i], w->scores[perm[i]], sizeof(s->scores[i]));
		/* Reverse the reviews, pointing at this copy's scores. */
		for (k = 0; k < s->apps[i].nreviews; k++) {
			j = s->apps[i].nreviews - 1 - k;
			s->rev[i][k].reviewer = w->rev[perm[i]][j].reviewer;
			s->rev[i][k].scores = s->scores[i][j];
		}
	}
}

static void
check_order(const struct rank_call *c, const struct rank_result *r,
    size_t n)
{
	size_t		i;
	int		ranked;

	ranked = 1;
	for (i = 0; i < n; i++) {
		assert_true(r[i].low <= r[i].median);
		assert_true(r[i].median <= r[i].high);
		assert_true(r[i].low <= r[i].merit);
		assert_true(r[i].merit <= r[i].high);
		assert_true(r[i].low >= 0 && r[i].high <= 100 * U);
		assert_int_equal(r[i].spread, r[i].high - r[i].low);
		assert_int_equal(r[i].disagreement,
		    r[i].spread > (int64_t)c->threshold * U);
		assert_int_equal(r[i].final,
		    r[i].merit + (int64_t)r[i].bonus * U);
		if (r[i].nreviews < c->required) {
			ranked = 0;
			assert_int_equal(r[i].rank, 0);
			continue;
		}
		/* Nothing ranked after an incomplete one. */
		assert_true(ranked);
		assert_int_equal(r[i].rank, (int)i + 1);
		if (i == 0)
			continue;
		assert_true(r[i - 1].final >= r[i].final);
		if (r[i - 1].final > r[i].final) {
			assert_int_equal(r[i].tie, RANK_TIE_NONE);
			continue;
		}
		switch (r[i].tie) {
		case RANK_TIE_PRIORITY:
			assert_true(r[i - 1].bonus > 0 && r[i].bonus == 0);
			break;
		case RANK_TIE_SUBMITTED:
			assert_true((r[i - 1].bonus > 0) == (r[i].bonus > 0));
			assert_true(r[i - 1].submitted_at < r[i].submitted_at);
			break;
		case RANK_TIE_ID:
			assert_true((r[i - 1].bonus > 0) == (r[i].bonus > 0));
			assert_true(r[i - 1].submitted_at == r[i].submitted_at);
			assert_true(r[i - 1].id < r[i].id);
			break;
		default:
			fail_msg("equal finals without a tie-break");
		}
	}
}

/*
 * The result depends on the call, never on the order of the input: the
 * integer arithmetic has no order-dependent rounding.
 */
static void
test_random_invariance(void **state)
{
	static struct world	w, s;
	struct rank_result	r1[RA], r2[RA];
	char			e1[512], e2[512];
	size_t			i;
	int			round;

	rng_state = 0x5e11a7e5;
	for (round = 0; round < 3000; round++) {
		world_new(&w);
		world_shuffle(&w, &s);
		run(&w.call, w.apps, w.napps, r1, NULL);
		run(&s.call, s.apps, s.napps, r2, NULL);
		check_order(&w.call, r1, w.napps);
		for (i = 0; i < w.napps; i++) {
			assert_int_equal(r1[i].id, r2[i].id);
			assert_int_equal(r1[i].rank, r2[i].rank);
			assert_int_equal(r1[i].merit, r2[i].merit);
			assert_int_equal(r1[i].merit_raw, r2[i].merit_raw);
			assert_int_equal(r1[i].median, r2[i].median);
			assert_int_equal(r1[i].spread, r2[i].spread);
			assert_int_equal(r1[i].final, r2[i].final);
			assert_int_equal(r1[i].tie, r2[i].tie);
			(void)rank_explain(&r1[i], RANK_EN, e1, sizeof(e1));
			(void)rank_explain(&r2[i], RANK_EN, e2, sizeof(e2));
			assert_string_equal(e1, e2);
		}
	}
}

static long double
ld_sqrt(long double x)
{
	long double	r;
	int		i;

	if (x <= 0)
		return (0);
	r = x < 1 ? 1 : x;
	for (i = 0; i < 200; i++)
		r = (r + x / r) / 2;
	return (r);
}

static long double
ld_abs(long double x)
{
	return (x < 0 ? -x : x);
}

/* The reference: plain formulas in long double over one random call. */
struct ref {
	long double	raw[RA][RR];	/* the library's review scores */
	long double	val[RA][RR];	/* normalised */
	int		cnt[RA][RR];
};

/*
 * Count, mean, population deviation and whether the scores differ, of
 * the counted reviews of one reviewer, or of all with reviewer -1.
 */
static void
ref_stats(const struct world *w, const struct ref *f, int64_t reviewer,
    long double *n, long double *mean, long double *sd, int *differ)
{
	long double	x;
	size_t		i, k;
	int		pass;

	*n = *mean = *sd = 0;
	*differ = 0;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < w->napps; i++) {
			for (k = 0; k < w->apps[i].nreviews; k++) {
				if (!f->cnt[i][k] || (reviewer != -1 &&
				    w->rev[i][k].reviewer != reviewer))
					continue;
				x = f->raw[i][k];
				if (pass == 1) {
					*sd += (x - *mean) * (x - *mean);
					*differ |= x != *mean;
					continue;
				}
				*n += 1;
				*mean += x;
			}
		}
		if (pass == 0 && *n > 0)
			*mean /= *n;
	}
	if (*n > 0)
		*sd = ld_sqrt(*sd / *n);
}

/* Each review's score by the formula, checked against the library's. */
static void
ref_reviews(const struct world *w, struct ref *f)
{
	long double	num, den;
	int64_t		v;
	size_t		i, k, j;
	int		rc;

	for (i = 0; i < w->napps; i++) {
		for (k = 0; k < w->apps[i].nreviews; k++) {
			num = den = 0;
			for (j = 0; j < w->call.ncriteria; j++) {
				if (w->scores[i][k][j] == CJ)
					continue;
				num += (long double)w->scores[i][k][j] /
				    w->crit[j].max_score * w->crit[j].weight;
				den += w->crit[j].weight;
			}
			rc = rank_review_score(&w->call, w->scores[i][k], &v);
			f->cnt[i][k] = den > 0;
			assert_int_equal(rc, f->cnt[i][k]);
			if (!f->cnt[i][k])
				continue;
			num = num / den * 100 * U;
			if (ld_abs(num - v) > 0.5L + 1e-6L)
				fail_msg("review %Lf, got %lld", num,
				    (long long)v);
			/* Go on from the library's, to the micropoint. */
			f->raw[i][k] = v;
		}
	}
}

/* x' = mean + z * sd, clamped; kept for one review or no deviation. */
static void
ref_normalise(const struct world *w, struct ref *f)
{
	long double	n, m, sd, nr, mr, sdr, x;
	size_t		i, k;
	int		differ;

	ref_stats(w, f, -1, &n, &m, &sd, &differ);
	for (i = 0; i < w->napps; i++) {
		for (k = 0; k < w->apps[i].nreviews; k++) {
			if (!f->cnt[i][k])
				continue;
			ref_stats(w, f, w->rev[i][k].reviewer, &nr, &mr, &sdr,
			    &differ);
			x = f->raw[i][k];
			if (nr >= 2 && differ) {
				x = m + (x - mr) / sdr * sd;
				x = x < 0 ? 0 : x > 100 * U ? 100 * U : x;
			}
			f->val[i][k] = x;
		}
	}
}

/*
 * Against the plain formulas in long double: every review within half a
 * micropoint plus rounding noise, every normalised merit within two.
 */
static void
test_random_reference(void **state)
{
	static struct world	w;
	static struct ref	f;
	struct rank_result	r[RA];
	long double		num, den;
	size_t			i, j, k;
	int			round;

	rng_state = 0xc0ffee;
	for (round = 0; round < 2000; round++) {
		world_new(&w);
		w.call.normalise = 1;
		ref_reviews(&w, &f);
		ref_normalise(&w, &f);

		run(&w.call, w.apps, w.napps, r, NULL);
		for (i = 0; i < w.napps; i++) {
			j = r[i].index;
			num = den = 0;
			for (k = 0; k < w.apps[j].nreviews; k++) {
				if (!f.cnt[j][k])
					continue;
				num += f.val[j][k];
				den++;
			}
			if (den == 0)
				continue;
			if (ld_abs(num / den - r[i].merit) > 2)
				fail_msg("round %d: merit %Lf, got %lld", round,
				    num / den, (long long)r[i].merit);
		}
	}
}

static double
seconds(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* 100 000 applications, 300 000 reviews: prints the time, asserts none. */
static void
test_perf(void **state)
{
	static const struct rank_criterion	crit[] = {
		{ 10, 30 }, { 5, 25 }, { 20, 20 }, { 4, 15 }, { 100, 10 }
	};
	enum { NA = 100000, NR = 3, NREV = 1000 };
	struct rank_call			c;
	struct rank_app				*a;
	struct rank_review			*rv;
	struct rank_result			*r;
	struct rank_summary			sum;
	int					*sc;
	char					buf[512];
	size_t					i, k, j;
	double					t0, t1, t2, t3;
	int					pass;

	a = calloc(NA, sizeof(*a));
	rv = calloc((size_t)NA * NR, sizeof(*rv));
	r = calloc(NA, sizeof(*r));
	sc = calloc((size_t)NA * NR * NELEM(crit), sizeof(*sc));
	assert_non_null(a);
	assert_non_null(rv);
	assert_non_null(r);
	assert_non_null(sc);

	rng_state = 42;
	for (i = 0; i < NA; i++) {
		a[i].id = (int64_t)i + 1;
		a[i].submitted_at = rnd(86400 * 30);
		a[i].bonus = rnd(4) ? 0 : 5 + rnd(11);
		a[i].label_en = "poor household";
		a[i].label_vi = "hộ nghèo";
		a[i].reviews = &rv[i * NR];
		a[i].nreviews = rnd(50) ? NR : NR - 1;
		k = (size_t)rnd(NREV);
		for (j = 0; j < NR; j++) {
			rv[i * NR + j].reviewer = (int64_t)((k + j) % NREV);
			rv[i * NR + j].scores = &sc[(i * NR + j) *
			    NELEM(crit)];
		}
	}
	for (i = 0; i < (size_t)NA * NR * NELEM(crit); i++)
		sc[i] = rnd(20) == 0 ? CJ :
		    rnd(crit[i % NELEM(crit)].max_score + 1);

	c.criteria = crit;
	c.ncriteria = NELEM(crit);
	c.required = NR;
	c.threshold = 20;
	for (pass = 0; pass < 2; pass++) {
		c.normalise = pass;
		t0 = seconds();
		run(&c, a, NA, r, &sum);
		t1 = seconds();
		for (i = 0; i < NA; i++) {
			(void)rank_explain(&r[i], RANK_EN, buf, sizeof(buf));
			(void)rank_explain(&r[i], RANK_VI, buf, sizeof(buf));
		}
		t2 = seconds();
		check_order(&c, r, NA);
		t3 = seconds();
		printf("[ PERF     ] ranking %d applications, %zu reviews "
		    "(%zu reviewers, %zu ranked), normalise %s: %.1f ms; "
		    "%d x 2 sentences: %.1f ms (checked in %.1f ms)\n", NA,
		    sum.reviews, sum.reviewers, sum.ranked,
		    pass ? "on" : "off", (t1 - t0) * 1e3, NA,
		    (t2 - t1) * 1e3, (t3 - t2) * 1e3);
	}

	free(a);
	free(rv);
	free(r);
	free(sc);
}

int
unit_ranking(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_review_score),
		cmocka_unit_test(test_review_half_micropoint),
		cmocka_unit_test(test_review_wide_rubric),
		cmocka_unit_test(test_round_tenths),
		cmocka_unit_test(test_issue_example),
		cmocka_unit_test(test_explain_forms),
		cmocka_unit_test(test_incomplete),
		cmocka_unit_test(test_disagreement),
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_normalise_order),
		cmocka_unit_test(test_normalise_keeps),
		cmocka_unit_test(test_tie_priority),
		cmocka_unit_test(test_tie_submitted_and_id),
		cmocka_unit_test(test_no_tie_below_display),
		cmocka_unit_test(test_invalid),
		cmocka_unit_test(test_random_invariance),
		cmocka_unit_test(test_random_reference),
		cmocka_unit_test(test_perf),
	};

	return (cmocka_run_group_tests_name("ranking", tests, NULL, NULL));
}
