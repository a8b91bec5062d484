/*
 * bench-lib: the pure computations of Sen at the sizes of the issue,
 * timed apart from HTTP and the database (`make bench` runs it).
 *
 *   ranking   100 000 applications, 5 reviews each (500 000 reviews by
 *             500 reviewers), 4 criteria; with the 2 x 100 000
 *             explanations the reply prints;
 *   matching  10 000 mentees (a third with verified priority) to 1 000
 *             mentors with 3-8 places, 60 compatible mentors a mentee
 *             (600 000 pairs), as the unit test's large cohort.
 *
 * Prints one JSON object; the ranking is the best of three runs (the
 * first pays for page faults), the matching runs once.  Exit 1 when a computation fails.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/match.h"
#include "lib/ranking.h"

#define RK_APPS		100000
#define RK_REVIEWS	5
#define RK_REVIEWERS	500
#define RK_CRIT		4
#define MT_MENTEES	10000
#define MT_MENTORS	1000
#define MT_PAIRS	60
#define RUNS		3

static unsigned long long	rng_state = 88172645463325252ULL;

static unsigned int
rng(unsigned int n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return ((unsigned int)(rng_state % n));
}

static double
now(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if ((p = calloc(n, size)) == NULL) {
		fprintf(stderr, "bench-lib: out of memory\n");
		exit(1);
	}
	return (p);
}

/* Seconds of the fastest of RUNS rankings (and their explanations). */
static double
bench_ranking(size_t *ranked)
{
	static const struct rank_criterion	crit[RK_CRIT] = {
		{ 10, 30 }, { 10, 25 }, { 10, 20 }, { 10, 25 }
	};
	struct rank_call	 c;
	struct rank_app		*a;
	struct rank_review	*rv;
	struct rank_result	*r;
	struct rank_summary	 sum;
	const char		*err;
	char			 buf[512];
	int			*sc;
	size_t			 i, j, k, x;
	double			 t0, best;
	int			 run, q;

	a = xcalloc(RK_APPS, sizeof(*a));
	rv = xcalloc((size_t)RK_APPS * RK_REVIEWS, sizeof(*rv));
	r = xcalloc(RK_APPS, sizeof(*r));
	sc = xcalloc((size_t)RK_APPS * RK_REVIEWS * RK_CRIT, sizeof(*sc));

	for (i = 0; i < RK_APPS; i++) {
		a[i].id = (int64_t)i + 1;
		a[i].submitted_at = rng(86400 * 30);
		a[i].bonus = rng(5) ? 0 : 10 + 5 * (int)rng(3);
		a[i].label_en = a[i].bonus ? "poor household" : NULL;
		a[i].label_vi = a[i].bonus ? "hộ nghèo" : NULL;
		a[i].reviews = &rv[i * RK_REVIEWS];
		a[i].nreviews = rng(20) ? RK_REVIEWS : RK_REVIEWS - 1;
		k = rng(RK_REVIEWERS);
		q = 3 + (int)rng(6);
		for (j = 0; j < RK_REVIEWS; j++) {
			rv[i * RK_REVIEWS + j].reviewer =
			    (int64_t)((k + j) % RK_REVIEWERS);
			rv[i * RK_REVIEWS + j].scores =
			    &sc[(i * RK_REVIEWS + j) * RK_CRIT];
			for (x = 0; x < RK_CRIT; x++)
				sc[(i * RK_REVIEWS + j) * RK_CRIT + x] =
				    rng(30) == 0 ? RANK_CANNOT_JUDGE :
				    q + (int)rng(3) - 1;
		}
	}

	c.criteria = crit;
	c.ncriteria = RK_CRIT;
	c.required = RK_REVIEWS;
	c.threshold = 20;
	c.normalise = 1;

	best = 1e9;
	for (run = 0; run < RUNS; run++) {
		t0 = now();
		if ((err = rank_compute(&c, a, RK_APPS, r, &sum)) != NULL) {
			fprintf(stderr, "bench-lib: rank_compute: %s\n", err);
			exit(1);
		}
		for (i = 0; i < RK_APPS; i++) {
			(void)rank_explain(&r[i], RANK_EN, buf, sizeof(buf));
			(void)rank_explain(&r[i], RANK_VI, buf, sizeof(buf));
		}
		if (now() - t0 < best)
			best = now() - t0;
	}
	*ranked = sum.ranked;

	free(a);
	free(rv);
	free(r);
	free(sc);
	return (best);
}

/* Seconds of the fastest of RUNS matchings. */
static double
bench_matching(size_t *matched, size_t *pairs)
{
	struct match_input	 in;
	struct match_result	 res;
	struct match_mentee	*ee;
	struct match_mentor	*tor;
	struct match_pair	*pr;
	size_t			 i, j, np, start;
	double			 t0, best;
	int			 run, rv;

	ee = xcalloc(MT_MENTEES, sizeof(*ee));
	tor = xcalloc(MT_MENTORS, sizeof(*tor));
	pr = xcalloc((size_t)MT_MENTEES * MT_PAIRS, sizeof(*pr));

	for (i = 0; i < MT_MENTEES; i++) {
		ee[i].id = 100000 + (int64_t)i;
		ee[i].priority = rng(3) == 0;
		ee[i].rank = (int64_t)rng(MT_MENTEES);
	}
	for (i = 0; i < MT_MENTORS; i++) {
		tor[i].id = 10000 + (int64_t)i;
		tor[i].capacity = 3 + rng(6);
	}
	/* Consecutive mentors from a random start: no pair twice. */
	np = 0;
	for (i = 0; i < MT_MENTEES; i++) {
		start = rng(MT_MENTORS);
		for (j = 0; j < MT_PAIRS; j++) {
			pr[np].mentee = ee[i].id;
			pr[np].mentor = tor[(start + j) % MT_MENTORS].id;
			pr[np].score = (int)rng(MATCH_SCORE_MAX + 1);
			np++;
		}
	}

	memset(&in, 0, sizeof(in));
	in.mentees = ee;
	in.nmentees = MT_MENTEES;
	in.mentors = tor;
	in.nmentors = MT_MENTORS;
	in.pairs = pr;
	in.npairs = np;
	in.min_score = MATCH_SCORE_MAX / 5;

	/* Once: a slow matching would make the benchmark crawl. */
	best = 1e9;
	for (run = 0; run < 1; run++) {
		t0 = now();
		if ((rv = match_run(&in, &res)) != MATCH_OK) {
			fprintf(stderr, "bench-lib: match_run: %d\n", rv);
			exit(1);
		}
		if (now() - t0 < best)
			best = now() - t0;
		*matched = res.matched;
		match_free(&res);
	}
	*pairs = np;

	free(ee);
	free(tor);
	free(pr);
	return (best);
}

int
main(void)
{
	size_t	ranked, matched, pairs;
	double	rk, mt;

	rk = bench_ranking(&ranked);
	mt = bench_matching(&matched, &pairs);

	printf("{\"ranking\": {\"applications\": %d, \"reviews\": %d, "
	    "\"ranked\": %zu, \"seconds\": %.4f}, "
	    "\"matching\": {\"mentees\": %d, \"mentors\": %d, \"pairs\": %zu, "
	    "\"matched\": %zu, \"seconds\": %.4f}}\n",
	    RK_APPS, RK_APPS * RK_REVIEWS, ranked, rk, MT_MENTEES, MT_MENTORS,
	    pairs, matched, mt);

	return (0);
}
