/*
 * match.c: mentor matching.  Hand-made cases for the service order and
 * the reasons, random small cases against every possible matching, input
 * order not mattering, and a call of a realistic size.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "lib/match.h"

static uint64_t	rng_state;

static void
rng_seed(uint64_t seed)
{
	rng_state = seed * 2654435761u + 1;
}

static uint32_t
rng(void)
{
	rng_state = rng_state * 6364136223846793005ULL +
	    1442695040888963407ULL;
	return ((uint32_t)(rng_state >> 33));
}

static int
rng_in(int lo, int hi)
{
	return (lo + (int)(rng() % (uint32_t)(hi - lo + 1)));
}

static double
now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

#define MAXE	8
#define MAXR	6

/* Mentee i has id 100 + i, mentor j id 900 + j. */
struct cohort {
	int			n;
	int			m;
	struct match_mentee	ee[MAXE];
	struct match_mentor	tor[MAXR];
	struct match_pair	pair[MAXE * MAXR];
	size_t			np;
	int			min;
	int			score[MAXE][MAXR];	/* -1: no pair */
};

#define EE(i)	((int64_t)(i) + 100)
#define TOR(j)	((int64_t)(j) + 900)

static void
cohort_init(struct cohort *c, int n, int m, int min)
{
	int	i, j;

	memset(c, 0, sizeof(*c));
	c->n = n;
	c->m = m;
	c->min = min;
	for (i = 0; i < n; i++) {
		c->ee[i].id = EE(i);
		c->ee[i].rank = i;
		for (j = 0; j < m; j++)
			c->score[i][j] = -1;
	}
	for (j = 0; j < m; j++) {
		c->tor[j].id = TOR(j);
		c->tor[j].capacity = 1;
	}
}

static void
pair(struct cohort *c, int i, int j, int score)
{
	c->pair[c->np].mentee = EE(i);
	c->pair[c->np].mentor = TOR(j);
	c->pair[c->np].score = score;
	c->np++;
	c->score[i][j] = score;
}

static int
run(const struct cohort *c, struct match_result *res)
{
	struct match_input	in;

	memset(&in, 0, sizeof(in));
	in.mentees = c->ee;
	in.nmentees = (size_t)c->n;
	in.mentors = c->tor;
	in.nmentors = (size_t)c->m;
	in.pairs = c->pair;
	in.npairs = c->np;
	in.min_score = c->min;

	return (match_run(&in, res));
}

/* The result for mentee i (by index in the cohort). */
static const struct match_out *
of(const struct match_result *res, int i)
{
	size_t	k;

	for (k = 0; k < res->n; k++) {
		if (res->out[k].mentee == EE(i))
			return (&res->out[k]);
	}
	fail_msg("mentee %d missing", i);
	return (NULL);
}

static int
mentor_of(const struct match_result *res, int i)
{
	const struct match_out	*o = of(res, i);

	if (o->reason != MATCH_MATCHED)
		return (-1);
	return ((int)(o->mentor - 900));
}

/* Service order, computed here independently: positions of mentees. */
static void
service_order(const struct cohort *c, int *order)
{
	int	i, j, t;

	for (i = 0; i < c->n; i++)
		order[i] = i;
	for (i = 1; i < c->n; i++) {
		for (j = i; j > 0; j--) {
			const struct match_mentee *x = &c->ee[order[j - 1]];
			const struct match_mentee *y = &c->ee[order[j]];
			int px = x->priority != 0, py = y->priority != 0;

			if (px > py || (px == py && (x->rank < y->rank ||
			    (x->rank == y->rank && x->id < y->id))))
				break;
			t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	}
}

/* Everything a result promises, checked against the cohort. */
static void
check(const struct cohort *c, const struct match_result *res)
{
	int		used[MAXR], order[MAXE], i, j, k, options, room;
	int64_t		total;
	size_t		matched, prio;

	assert_int_equal(res->n, c->n);
	assert_int_equal(res->nmentors, c->m);
	service_order(c, order);
	memset(used, 0, sizeof(used));
	total = 0;
	matched = prio = 0;
	for (k = 0; k < c->n; k++) {
		i = order[k];
		assert_int_equal(res->out[k].mentee, EE(i));
		options = room = 0;
		for (j = 0; j < c->m; j++) {
			if (c->score[i][j] >= c->min) {
				options++;
				room |= c->tor[j].capacity > 0;
			}
		}
		assert_int_equal(res->out[k].options, options);
		j = mentor_of(res, i);
		if (j >= 0) {
			assert_true(c->score[i][j] >= c->min);
			assert_int_equal(res->out[k].score, c->score[i][j]);
			used[j]++;
			total += c->score[i][j];
			matched++;
			prio += c->ee[i].priority != 0;
			continue;
		}
		if (options == 0)
			assert_int_equal(res->out[k].reason,
			    MATCH_NONE_COMPATIBLE);
		else if (!room)
			assert_int_equal(res->out[k].reason,
			    MATCH_NO_CAPACITY);
		else
			assert_int_equal(res->out[k].reason, MATCH_TAKEN);
	}
	for (j = 0; j < c->m; j++) {
		assert_int_equal(res->mentors[j].mentor, TOR(j));
		assert_int_equal(res->mentors[j].used, used[j]);
		assert_true((unsigned int)used[j] <= c->tor[j].capacity);
	}
	assert_int_equal(res->score, total);
	assert_int_equal(res->matched, matched);
	assert_int_equal(res->matched_priority, prio);
}

/* ------------------------------------------------------------------ */
/* Every possible matching of a small cohort.                          */

struct brute {
	const struct cohort	*c;
	int			 order[MAXE];
	int			 cur[MAXE];	/* by service position */
	int			 left[MAXR];
	int			 best[MAXE];
	int64_t			 best_score;
	int			 have;
	/* With `must' set, only matchings serving all of must[]. */
	int			 must[MAXE];
	int			 feasible;
};

/* Is coverage cur better than best: first difference, in order. */
static int
covers_better(const struct brute *b, int64_t score)
{
	int	k;

	if (!b->have)
		return (1);
	for (k = 0; k < b->c->n; k++) {
		if ((b->cur[k] >= 0) != (b->best[k] >= 0))
			return (b->cur[k] >= 0);
	}

	return (score > b->best_score);
}

static void
brute_rec(struct brute *b, int k, int64_t score)
{
	int	i, j;

	if (k == b->c->n) {
		for (i = 0; i < b->c->n; i++) {
			if (b->must[i] && b->cur[i] < 0)
				return;
		}
		b->feasible = 1;
		if (covers_better(b, score)) {
			memcpy(b->best, b->cur, sizeof(b->best));
			b->best_score = score;
			b->have = 1;
		}
		return;
	}
	i = b->order[k];
	b->cur[k] = -1;
	brute_rec(b, k + 1, score);
	for (j = 0; j < b->c->m; j++) {
		if (b->c->score[i][j] < b->c->min || b->left[j] == 0)
			continue;
		b->left[j]--;
		b->cur[k] = j;
		brute_rec(b, k + 1, score + b->c->score[i][j]);
		b->left[j]++;
	}
	b->cur[k] = -1;
}

static void
brute_init(struct brute *b, const struct cohort *c)
{
	int	j;

	memset(b, 0, sizeof(*b));
	b->c = c;
	service_order(c, b->order);
	for (j = 0; j < c->m; j++)
		b->left[j] = (int)c->tor[j].capacity;
}

static void
random_cohort(struct cohort *c)
{
	int	i, j, dense;

	cohort_init(c, rng_in(1, 6), rng_in(1, 4), rng_in(0, 3) == 0 ? 0 :
	    rng_in(100, 600));
	dense = rng_in(30, 90);
	for (i = 0; i < c->n; i++) {
		c->ee[i].priority = rng_in(0, 2) == 0;
		/* Ranks repeat now and then: ids break the ties. */
		c->ee[i].rank = rng_in(0, 5);
		for (j = 0; j < c->m; j++) {
			if (rng_in(0, 99) < dense)
				pair(c, i, j, rng_in(0, 1000));
		}
	}
	for (j = 0; j < c->m; j++)
		c->tor[j].capacity = (unsigned int)rng_in(0, 3) == 0 ? 0 :
		    (unsigned int)rng_in(1, 2);
}

/* ------------------------------------------------------------------ */

static void
test_best_pairs(void **state)
{
	struct cohort		c;
	struct match_result	res;

	/* A's best is X, but A-Y plus B-X (17) beats A-X plus B-Y (11). */
	cohort_init(&c, 2, 2, 0);
	pair(&c, 0, 0, 10);
	pair(&c, 0, 1, 8);
	pair(&c, 1, 0, 9);
	pair(&c, 1, 1, 1);
	assert_int_equal(run(&c, &res), MATCH_OK);
	check(&c, &res);
	assert_int_equal(mentor_of(&res, 0), 1);
	assert_int_equal(mentor_of(&res, 1), 0);
	assert_int_equal(res.score, 17);
	match_free(&res);

	/* Capacity two: both to the better mentor. */
	cohort_init(&c, 2, 2, 0);
	c.tor[0].capacity = 2;
	pair(&c, 0, 0, 10);
	pair(&c, 0, 1, 8);
	pair(&c, 1, 0, 9);
	pair(&c, 1, 1, 1);
	assert_int_equal(run(&c, &res), MATCH_OK);
	check(&c, &res);
	assert_int_equal(mentor_of(&res, 0), 0);
	assert_int_equal(mentor_of(&res, 1), 0);
	assert_int_equal(res.score, 19);
	assert_int_equal(res.mentors[0].used, 2);
	assert_int_equal(res.mentors[1].used, 0);
	match_free(&res);

	/* Nobody at all. */
	cohort_init(&c, 0, 0, 0);
	assert_int_equal(run(&c, &res), MATCH_OK);
	assert_int_equal(res.n, 0);
	match_free(&res);
}

static void
test_priority_dominates(void **state)
{
	struct cohort		c;
	struct match_result	res;

	/*
	 * One place.  Mentee 1 ranks first and fits far better, but mentee
	 * 0 is a verified priority: mentee 0 gets it.
	 */
	cohort_init(&c, 2, 1, 0);
	c.ee[0].priority = 1;
	c.ee[0].rank = 5;
	c.ee[1].rank = 1;
	pair(&c, 0, 0, 10);
	pair(&c, 1, 0, 1000);
	assert_int_equal(run(&c, &res), MATCH_OK);
	check(&c, &res);
	assert_int_equal(mentor_of(&res, 0), 0);
	assert_int_equal(of(&res, 1)->reason, MATCH_TAKEN);
	assert_int_equal(res.out[0].mentee, EE(0));
	assert_int_equal(res.matched_priority, 1);
	assert_string_equal(match_reason(MATCH_TAKEN), "the compatible "
	    "mentors' places went to mentees with higher priority");
	match_free(&res);

	/* Same tier: rank decides, not score. */
	cohort_init(&c, 2, 1, 0);
	c.ee[0].rank = 2;
	c.ee[1].rank = 1;
	pair(&c, 0, 0, 1000);
	pair(&c, 1, 0, 1);
	assert_int_equal(run(&c, &res), MATCH_OK);
	check(&c, &res);
	assert_int_equal(mentor_of(&res, 1), 0);
	assert_int_equal(of(&res, 0)->reason, MATCH_TAKEN);
	match_free(&res);

	/* Equal ranks: the lower id first. */
	cohort_init(&c, 2, 1, 0);
	c.ee[0].rank = 3;
	c.ee[1].rank = 3;
	pair(&c, 1, 0, 1000);
	pair(&c, 0, 0, 1);
	assert_int_equal(run(&c, &res), MATCH_OK);
	check(&c, &res);
	assert_int_equal(mentor_of(&res, 0), 0);
	match_free(&res);

	/*
	 * Priority never costs coverage: mentee 0 (priority) fits X best
	 * but can also take Y; mentee 1 can only take X.  Both are served,
	 * 0 with Y.
	 */
	cohort_init(&c, 2, 2, 0);
	c.ee[0].priority = 1;
	pair(&c, 0, 0, 900);
	pair(&c, 0, 1, 100);
	pair(&c, 1, 0, 50);
	assert_int_equal(run(&c, &res), MATCH_OK);
	check(&c, &res);
	assert_int_equal(mentor_of(&res, 0), 1);
	assert_int_equal(mentor_of(&res, 1), 0);
	match_free(&res);

	/*
	 * Three tiers of need, two places: both priority mentees are served
	 * though the other two would score 2000 together.
	 */
	cohort_init(&c, 4, 2, 0);
	c.ee[2].priority = 1;
	c.ee[3].priority = 1;
	pair(&c, 0, 0, 1000);
	pair(&c, 1, 1, 1000);
	pair(&c, 2, 0, 1);
	pair(&c, 2, 1, 2);
	pair(&c, 3, 0, 3);
	pair(&c, 3, 1, 1);
	assert_int_equal(run(&c, &res), MATCH_OK);
	check(&c, &res);
	assert_int_equal(mentor_of(&res, 2), 1);
	assert_int_equal(mentor_of(&res, 3), 0);
	assert_int_equal(res.score, 5);
	assert_int_equal(of(&res, 0)->reason, MATCH_TAKEN);
	assert_int_equal(of(&res, 1)->reason, MATCH_TAKEN);
	match_free(&res);
}

static void
test_reasons(void **state)
{
	struct cohort		c;
	struct match_result	res;

	/* 0: nothing reaches 500; 1: its mentor is full; 2: matched. */
	cohort_init(&c, 3, 2, 500);
	pair(&c, 0, 0, 499);
	pair(&c, 0, 1, 10);
	pair(&c, 1, 1, 800);
	pair(&c, 2, 0, 500);
	c.tor[1].capacity = 0;
	assert_int_equal(run(&c, &res), MATCH_OK);
	check(&c, &res);
	assert_int_equal(of(&res, 0)->reason, MATCH_NONE_COMPATIBLE);
	assert_int_equal(of(&res, 0)->options, 0);
	assert_int_equal(of(&res, 1)->reason, MATCH_NO_CAPACITY);
	assert_int_equal(of(&res, 2)->reason, MATCH_MATCHED);
	assert_int_equal(of(&res, 2)->score, 500);
	assert_string_equal(match_reason(MATCH_NONE_COMPATIBLE),
	    "no mentor reaches the minimum compatibility");
	match_free(&res);

	/* A mentee without any pair, and no mentors at all. */
	cohort_init(&c, 2, 0, 0);
	assert_int_equal(run(&c, &res), MATCH_OK);
	check(&c, &res);
	assert_int_equal(res.matched, 0);
	match_free(&res);
}

static void
test_errors(void **state)
{
	struct cohort		c;
	struct match_result	res;
	struct match_input	in;

	cohort_init(&c, 2, 2, 0);
	c.ee[1].id = c.ee[0].id;
	assert_int_equal(run(&c, &res), MATCH_EINVAL);
	assert_null(res.out);

	cohort_init(&c, 2, 2, 0);
	c.tor[1].id = c.tor[0].id;
	assert_int_equal(run(&c, &res), MATCH_EINVAL);

	cohort_init(&c, 2, 2, 0);
	pair(&c, 0, 0, 5);
	pair(&c, 0, 0, 6);
	assert_int_equal(run(&c, &res), MATCH_EINVAL);

	cohort_init(&c, 2, 2, 0);
	pair(&c, 0, 0, 5);
	c.pair[0].mentor = 12345;
	assert_int_equal(run(&c, &res), MATCH_EINVAL);

	cohort_init(&c, 2, 2, 0);
	pair(&c, 0, 0, MATCH_SCORE_MAX + 1);
	assert_int_equal(run(&c, &res), MATCH_EINVAL);
	cohort_init(&c, 2, 2, 0);
	pair(&c, 0, 0, -1);
	assert_int_equal(run(&c, &res), MATCH_EINVAL);

	/* Below the minimum is not allowed, but still checked. */
	cohort_init(&c, 2, 2, 500);
	pair(&c, 0, 0, 10);
	c.pair[0].mentee = 777;
	assert_int_equal(run(&c, &res), MATCH_EINVAL);

	cohort_init(&c, 2, 2, 0);
	c.tor[0].capacity = MATCH_MAX_CAPACITY + 1;
	assert_int_equal(run(&c, &res), MATCH_ERANGE);

	memset(&in, 0, sizeof(in));
	in.nmentees = 1;
	assert_int_equal(match_run(&in, &res), MATCH_EINVAL);
	in.mentees = c.ee;
	in.nmentees = MATCH_MAX_MENTEES + 1;
	assert_int_equal(match_run(&in, &res), MATCH_ERANGE);
	match_free(&res);
}

/*
 * Small random cohorts against every possible matching: the same
 * mentees served, the same total; and each mentee turned away for
 * mentees before it could not have been served along with them.
 */
static void
test_brute_force(void **state)
{
	struct cohort		c;
	struct match_result	res;
	struct brute		b, t;
	int			i, k, kk, taken;

	rng_seed(6);
	taken = 0;
	for (i = 0; i < 1000; i++) {
		random_cohort(&c);
		assert_int_equal(run(&c, &res), MATCH_OK);
		check(&c, &res);
		brute_init(&b, &c);
		brute_rec(&b, 0, 0);
		assert_true(b.have);
		for (k = 0; k < c.n; k++) {
			if ((res.out[k].reason == MATCH_MATCHED) !=
			    (b.best[k] >= 0))
				fail_msg("cohort %d: mentee %lld served "
				    "differently", i,
				    (long long)res.out[k].mentee);
		}
		if (res.score != b.best_score)
			fail_msg("cohort %d: score %lld, best %lld", i,
			    (long long)res.score, (long long)b.best_score);

		for (k = 0; k < c.n; k++) {
			if (res.out[k].reason != MATCH_TAKEN)
				continue;
			taken++;
			brute_init(&t, &c);
			for (kk = 0; kk < k; kk++)
				t.must[kk] = res.out[kk].reason ==
				    MATCH_MATCHED;
			t.must[k] = 1;
			brute_rec(&t, 0, 0);
			assert_false(t.feasible);
		}
		match_free(&res);
	}
	print_message("match: 1000 random cohorts checked against every "
	    "matching, %d mentees turned away for higher priority\n", taken);
	assert_true(taken > 0);
}

static void
shuffle(void *base, size_t n, size_t sz)
{
	unsigned char	tmp[64], *p = base;
	size_t		i, j;

	for (i = n; i > 1; i--) {
		j = rng() % i;
		memcpy(tmp, p + (i - 1) * sz, sz);
		memcpy(p + (i - 1) * sz, p + j * sz, sz);
		memcpy(p + j * sz, tmp, sz);
	}
}

static void
test_deterministic(void **state)
{
	struct cohort		c, s;
	struct match_result	x, y;
	size_t			k;
	int			i, j;

	rng_seed(12);
	for (i = 0; i < 300; i++) {
		random_cohort(&c);
		/* Ties in score, to give the order a chance to matter. */
		for (k = 0; k < c.np; k++)
			c.pair[k].score = 300 + (c.pair[k].score % 3) * 100;
		assert_int_equal(run(&c, &x), MATCH_OK);
		for (j = 0; j < 3; j++) {
			s = c;
			shuffle(s.ee, (size_t)s.n, sizeof(s.ee[0]));
			shuffle(s.tor, (size_t)s.m, sizeof(s.tor[0]));
			shuffle(s.pair, s.np, sizeof(s.pair[0]));
			assert_int_equal(run(&s, &y), MATCH_OK);
			assert_int_equal(x.score, y.score);
			for (k = 0; k < x.n; k++) {
				assert_int_equal(x.out[k].mentee,
				    y.out[k].mentee);
				assert_int_equal(x.out[k].reason,
				    y.out[k].reason);
				assert_int_equal(x.out[k].mentor,
				    y.out[k].mentor);
			}
			match_free(&y);
		}
		match_free(&x);
	}
}

/*
 * A cohort of a realistic size, and larger: 3 000 mentees, 300 mentors
 * with 4 places each (1 200 places), 60 pairs a mentee, a third of the
 * mentees with verified priority.  Only the time is printed.
 */
static void
test_large(void **state)
{
	struct match_input	 in;
	struct match_result	 res;
	struct match_mentee	*ee;
	struct match_mentor	*tor;
	struct match_pair	*pr;
	size_t			 n, m, np, i, j, prio;
	double			 t0, t1;

	n = 3000;
	m = 300;
	ee = calloc(n, sizeof(*ee));
	tor = calloc(m, sizeof(*tor));
	pr = calloc(n * 60, sizeof(*pr));
	assert_non_null(ee);
	assert_non_null(tor);
	assert_non_null(pr);
	rng_seed(21);
	prio = 0;
	for (i = 0; i < n; i++) {
		ee[i].id = 10000 + (int64_t)i;
		ee[i].priority = rng_in(0, 2) == 0;
		ee[i].rank = (int64_t)i;
		prio += ee[i].priority != 0;
	}
	for (i = 0; i < m; i++) {
		tor[i].id = 500 + (int64_t)i;
		tor[i].capacity = 4;
	}
	np = 0;
	for (i = 0; i < n; i++) {
		for (j = 0; j < 60; j++) {
			pr[np].mentee = ee[i].id;
			pr[np].mentor = tor[(i * 7 + j * 5) % m].id;
			pr[np].score = rng_in(0, 1000);
			np++;
		}
	}
	memset(&in, 0, sizeof(in));
	in.mentees = ee;
	in.nmentees = n;
	in.mentors = tor;
	in.nmentors = m;
	in.pairs = pr;
	in.npairs = np;
	in.min_score = 200;
	t0 = now();
	assert_int_equal(match_run(&in, &res), MATCH_OK);
	t1 = now();
	print_message("match: %zu mentees (%zu priority) x %zu mentors x 4 "
	    "places, %zu pairs: %zu matched (%zu priority), score %lld, "
	    "%.3f s\n", n, prio, m, np, res.matched, res.matched_priority,
	    (long long)res.score, t1 - t0);
	assert_int_equal(res.matched, m * 4);
	/* Priority mentees all fit in the places: all are served. */
	assert_int_equal(res.matched_priority, prio);
	match_free(&res);
	free(ee);
	free(tor);
	free(pr);
}

int
unit_match(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_best_pairs),
		cmocka_unit_test(test_priority_dominates),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_brute_force),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_large),
	};

	return (cmocka_run_group_tests_name("match", tests, NULL, NULL));
}
