/*
 * assign.c: reviewer assignment.  Hand-made calls with known answers,
 * the case a greedy gets wrong, and random calls whose results are
 * checked for conflicts, balance and reasons, and against two independent
 * solvers: a plain augmenting-path flow over the full matrix of pairs,
 * and for tiny calls every possible assignment.  Inputs are shuffled to
 * show the result does not depend on their order, and the candidates of
 * the tie-break are cut down to show the optimum does not depend on them.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "lib/assign.h"
#include "lib/dense.h"

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

/*
 * A call small enough for matrices.  Ids are index * 10 + 7 for
 * applications and index * 100 + 3 for reviewers, so that ids and
 * indices cannot be confused.
 */
#define MAXA	48
#define MAXR	12
#define MAXP	(MAXA * MAXR)

struct call {
	int			n;
	int			m;
	unsigned int		k;
	int64_t			apps[MAXA];
	int64_t			revs[MAXR];
	struct assign_pair	conf[MAXP];
	size_t			nconf;
	struct assign_pair	recu[MAXP];
	size_t			nrecu;
	struct assign_pair	fix[MAXP];
	size_t			nfix;
	/* The same, as matrices. */
	int			blocked[MAXA][MAXR];
	int			fixed[MAXA][MAXR];
};

#define APP(i)	((int64_t)(i) * 10 + 7)
#define REV(j)	((int64_t)(j) * 100 + 3)

static void
call_init(struct call *c, int n, int m, unsigned int k)
{
	int		i;

	memset(c, 0, sizeof(*c));
	c->n = n;
	c->m = m;
	c->k = k;
	for (i = 0; i < n; i++)
		c->apps[i] = APP(i);
	for (i = 0; i < m; i++)
		c->revs[i] = REV(i);
}

static void
conflict(struct call *c, int a, int r)
{
	c->conf[c->nconf].app = APP(a);
	c->conf[c->nconf].rev = REV(r);
	c->nconf++;
	c->blocked[a][r] = 1;
}

static void
recuse(struct call *c, int a, int r)
{
	c->recu[c->nrecu].app = APP(a);
	c->recu[c->nrecu].rev = REV(r);
	c->nrecu++;
	c->blocked[a][r] = 1;
}

static void
fix(struct call *c, int a, int r)
{
	c->fix[c->nfix].app = APP(a);
	c->fix[c->nfix].rev = REV(r);
	c->nfix++;
	c->fixed[a][r] = 1;
}

static int
run(const struct call *c, unsigned int candidates, struct assign_result *res)
{
	struct assign_input	in;

	memset(&in, 0, sizeof(in));
	in.apps = c->apps;
	in.napps = (size_t)c->n;
	in.revs = c->revs;
	in.nrevs = (size_t)c->m;
	in.k = c->k;
	in.conflicts = c->conf;
	in.nconflicts = c->nconf;
	in.recusals = c->recu;
	in.nrecusals = c->nrecu;
	in.fixed = c->fix;
	in.nfixed = c->nfix;
	in.candidates = candidates;

	return (assign_run(&in, res));
}

/* The result as a matrix: got[a][r] = 1 when r reviews a. */
static void
matrix(const struct call *c, const struct assign_result *res,
    int got[MAXA][MAXR])
{
	unsigned int	i;
	int		a, r;

	memset(got, 0, sizeof(int) * MAXA * MAXR);
	assert_int_equal(res->napps, c->n);
	assert_int_equal(res->nrevs, c->m);
	for (a = 0; a < c->n; a++) {
		assert_int_equal(res->apps[a].id, APP(a));
		for (i = 0; i < res->apps[a].n; i++) {
			r = (int)((res->apps[a].revs[i] - 3) / 100);
			assert_int_equal(res->apps[a].revs[i], REV(r));
			assert_true(r >= 0 && r < c->m);
			/* Ascending, so no repeats either. */
			if (i > 0)
				assert_true(res->apps[a].revs[i] >
				    res->apps[a].revs[i - 1]);
			got[a][r] = 1;
		}
	}
}

/* What a reviewer could still be added to, counted from scratch. */
static int
open_apps(const struct call *c, int r)
{
	int		a, j, nf, count;

	count = 0;
	for (a = 0; a < c->n; a++) {
		nf = 0;
		for (j = 0; j < c->m; j++)
			nf += c->fixed[a][j];
		if (nf < (int)c->k && !c->blocked[a][r] && !c->fixed[a][r])
			count++;
	}

	return (count);
}

/*
 * Everything a result promises: no conflict, manual pairs kept, counts,
 * the balance rule at the level reported, and reasons that hold.
 */
static void
check(const struct call *c, const struct assign_result *res)
{
	int		got[MAXA][MAXR], load[MAXR], nfix[MAXR], nnew[MAXR];
	int		a, r, n, nf, elig, total, added, minl, maxl, plain;
	unsigned int	q;
	size_t		nshort;

	matrix(c, res, got);
	memset(load, 0, sizeof(load));
	memset(nfix, 0, sizeof(nfix));
	memset(nnew, 0, sizeof(nnew));
	q = res->level;
	total = added = 0;
	nshort = 0;
	for (a = 0; a < c->n; a++) {
		n = nf = elig = 0;
		for (r = 0; r < c->m; r++) {
			if (c->blocked[a][r])
				assert_false(got[a][r]);
			else
				elig++;
			if (c->fixed[a][r]) {
				assert_true(got[a][r]);
				nf++;
				nfix[r]++;
			} else if (got[a][r]) {
				nnew[r]++;
				added++;
			}
			n += got[a][r];
			load[r] += got[a][r];
		}
		total += n;
		assert_int_equal(res->apps[a].n, n);
		assert_int_equal(res->apps[a].nfixed, nf);
		assert_int_equal(res->apps[a].eligible, elig);
		/* Never more than k, unless by hand. */
		assert_true(n <= (nf > (int)c->k ? nf : (int)c->k));
		if (n >= (int)c->k) {
			assert_int_equal(res->apps[a].reason, ASSIGN_FULL);
			continue;
		}
		nshort++;
		if (n == elig) {
			assert_int_equal(res->apps[a].reason,
			    ASSIGN_SHORT_CONFLICTS);
			continue;
		}
		assert_int_equal(res->apps[a].reason, ASSIGN_SHORT_BALANCE);
	}
	assert_int_equal(res->total, total);
	assert_int_equal(res->added, added);
	assert_int_equal(res->nshort, nshort);

	/* Short for balance: every reviewer it could have is at q + 1. */
	for (a = 0; a < c->n; a++) {
		if (res->apps[a].reason != ASSIGN_SHORT_BALANCE)
			continue;
		for (r = 0; r < c->m; r++) {
			if (!c->blocked[a][r] && !got[a][r])
				assert_true((unsigned int)load[r] >= q + 1);
		}
	}

	minl = c->m > 0 ? 1 << 30 : 0;
	maxl = 0;
	plain = 1;
	for (r = 0; r < c->m; r++) {
		assert_int_equal(res->revs[r].id, REV(r));
		assert_int_equal(res->revs[r].load, load[r]);
		assert_int_equal(res->revs[r].nfixed, nfix[r]);
		assert_int_equal(res->revs[r].open, open_apps(c, r));
		if ((unsigned int)load[r] > q + 1) {
			/* Only manual work puts anyone above q + 1. */
			assert_int_equal(nnew[r], 0);
			assert_int_equal(res->revs[r].state, ASSIGN_REV_MANUAL);
			plain = 0;
		} else if ((unsigned int)load[r] < q) {
			/* Below q only when on all it could take. */
			assert_int_equal(nnew[r], open_apps(c, r));
			assert_int_equal(res->revs[r].state,
			    ASSIGN_REV_LIMITED);
			plain = 0;
		} else {
			assert_int_equal(res->revs[r].state,
			    ASSIGN_REV_BALANCED);
		}
		if (load[r] < minl)
			minl = load[r];
		if (load[r] > maxl)
			maxl = load[r];
	}
	/* Without exceptions: floor(T/m) or ceil(T/m), as the rule says. */
	if (plain && c->m > 0) {
		assert_true(maxl - minl <= 1);
		assert_true(minl == total / c->m);
		assert_true(maxl == (total + c->m - 1) / c->m);
	}
	assert_true(res->total <= res->bound);
	assert_true(res->bound <= res->wanted);
}

/* Two results are the same assignment, reported the same way. */
static void
same(const struct assign_result *x, const struct assign_result *y)
{
	size_t		i;
	unsigned int	j;

	assert_int_equal(x->napps, y->napps);
	assert_int_equal(x->nrevs, y->nrevs);
	assert_int_equal(x->level, y->level);
	assert_int_equal(x->total, y->total);
	assert_int_equal(x->nshort, y->nshort);
	for (i = 0; i < x->napps; i++) {
		assert_int_equal(x->apps[i].id, y->apps[i].id);
		assert_int_equal(x->apps[i].n, y->apps[i].n);
		assert_int_equal(x->apps[i].reason, y->apps[i].reason);
		for (j = 0; j < x->apps[i].n; j++)
			assert_int_equal(x->apps[i].revs[j],
			    y->apps[i].revs[j]);
	}
	for (i = 0; i < x->nrevs; i++) {
		assert_int_equal(x->revs[i].load, y->revs[i].load);
		assert_int_equal(x->revs[i].state, y->revs[i].state);
	}
}

/* ------------------------------------------------------------------ */
/* Independent solver 1: augmenting paths over the full pair matrix.   */

struct naive {
	const struct call	*c;
	int			 d[MAXA];	/* open slots */
	int			 cap[MAXR];
	int			 x[MAXA][MAXR];
	int			 fill[MAXA];
	int			 load[MAXR];
};

/* One augmenting path by breadth-first search; 1 when found. */
static int
naive_path(struct naive *s)
{
	int	pa[MAXA], pr[MAXR], seenr[MAXR], seena[MAXA];
	int	queue[MAXA + MAXR], qh, qt, a, r, x, t, b;

	memset(seena, 0, sizeof(seena));
	memset(seenr, 0, sizeof(seenr));
	qh = qt = 0;
	for (a = 0; a < s->c->n; a++) {
		if (s->fill[a] < s->d[a]) {
			seena[a] = 1;
			pa[a] = -1;
			queue[qt++] = a;
		}
	}
	while (qh < qt) {
		x = queue[qh++];
		if (x < MAXA) {
			a = x;
			for (r = 0; r < s->c->m; r++) {
				if (seenr[r] || s->x[a][r] ||
				    s->c->blocked[a][r] || s->c->fixed[a][r])
					continue;
				seenr[r] = 1;
				pr[r] = a;
				queue[qt++] = MAXA + r;
			}
			continue;
		}
		r = x - MAXA;
		if (s->load[r] < s->cap[r]) {
			/* Flip the path. */
			s->load[r]++;
			for (;;) {
				a = pr[r];
				s->x[a][r] = 1;
				if ((t = pa[a]) == -1) {
					s->fill[a]++;
					return (1);
				}
				s->x[a][t] = 0;
				r = t;
			}
		}
		for (b = 0; b < s->c->n; b++) {
			if (s->x[b][r] && !seena[b]) {
				seena[b] = 1;
				pa[b] = r;
				queue[qt++] = b;
			}
		}
	}

	return (0);
}

static int
naive_max(struct naive *s)
{
	int	value;

	memset(s->x, 0, sizeof(s->x));
	memset(s->fill, 0, sizeof(s->fill));
	memset(s->load, 0, sizeof(s->load));
	value = 0;
	while (naive_path(s))
		value++;

	return (value);
}

static void
naive_setup(struct naive *s, const struct call *c, int *nfix, int *open)
{
	int	a, r, nf;

	memset(s, 0, sizeof(*s));
	s->c = c;
	memset(nfix, 0, sizeof(int) * MAXR);
	for (a = 0; a < c->n; a++) {
		nf = 0;
		for (r = 0; r < c->m; r++) {
			nf += c->fixed[a][r];
			nfix[r] += c->fixed[a][r];
		}
		s->d[a] = nf < (int)c->k ? (int)c->k - nf : 0;
	}
	for (r = 0; r < c->m; r++)
		open[r] = open_apps(c, r);
}

static int
lo_of(int q, int f, int open)
{
	if (q <= f)
		return (0);
	return (q - f < open ? q - f : open);
}

static int
hi_of(int q, int f)
{
	return (q + 1 > f ? q + 1 - f : 0);
}

/*
 * The level and total straight from the definitions: the highest q whose
 * lower bounds a flow can meet, then the most units under q's bounds,
 * found by trying every level from the top.
 */
static void
naive_solve(const struct call *c, int *level, int *total)
{
	struct naive	s;
	int		nfix[MAXR], open[MAXR], q, top, r, want, fixed;

	naive_setup(&s, c, nfix, open);
	top = 0;
	fixed = 0;
	for (r = 0; r < c->m; r++) {
		if (nfix[r] + open[r] > top)
			top = nfix[r] + open[r];
		fixed += nfix[r];
	}
	for (q = top; q >= 0; q--) {
		want = 0;
		for (r = 0; r < c->m; r++) {
			s.cap[r] = lo_of(q, nfix[r], open[r]);
			want += s.cap[r];
		}
		if (naive_max(&s) == want)
			break;
	}
	assert_true(q >= 0);
	*level = q;

	/*
	 * The most units with lo <= load <= hi: a maximum flow with the
	 * upper bounds, grown from one that meets the lower ones.
	 */
	for (r = 0; r < c->m; r++)
		s.cap[r] = lo_of(q, nfix[r], open[r]);
	naive_max(&s);
	for (r = 0; r < c->m; r++)
		s.cap[r] = hi_of(q, nfix[r]);
	while (naive_path(&s))
		;
	*total = fixed;
	for (r = 0; r < c->m; r++) {
		assert_true(s.load[r] >= lo_of(q, nfix[r], open[r]));
		*total += s.load[r];
	}
}

/* ------------------------------------------------------------------ */
/* Independent solver 2: every assignment of a tiny call.              */

struct brute {
	const struct call	*c;
	int			 nfix[MAXR];
	int			 open[MAXR];
	int			 d[MAXA];
	int			 nnew[MAXR];
	int			 best_q;
	int			 best_t;
};

static void
brute_rec(struct brute *b, int a, int total)
{
	int	q, r, ok, mask, bits, top, load;

	if (a == b->c->n) {
		top = 0;
		for (r = 0; r < b->c->m; r++) {
			if (b->nfix[r] + b->open[r] > top)
				top = b->nfix[r] + b->open[r];
		}
		/* The highest level at which this assignment is balanced. */
		for (q = top; q >= 0; q--) {
			ok = 1;
			for (r = 0; r < b->c->m && ok; r++) {
				load = b->nfix[r] + b->nnew[r];
				if (load > (q + 1 > b->nfix[r] ? q + 1 :
				    b->nfix[r]))
					ok = 0;
				if (load < q && b->nnew[r] != b->open[r])
					ok = 0;
			}
			if (ok)
				break;
		}
		if (q > b->best_q || (q == b->best_q && total > b->best_t)) {
			b->best_q = q;
			b->best_t = total;
		}
		return;
	}
	for (mask = 0; mask < 1 << b->c->m; mask++) {
		bits = __builtin_popcount((unsigned int)mask);
		if (bits > b->d[a])
			continue;
		ok = 1;
		for (r = 0; r < b->c->m; r++) {
			if ((mask >> r & 1) && (b->c->blocked[a][r] ||
			    b->c->fixed[a][r]))
				ok = 0;
		}
		if (!ok)
			continue;
		for (r = 0; r < b->c->m; r++)
			b->nnew[r] += mask >> r & 1;
		brute_rec(b, a + 1, total + bits);
		for (r = 0; r < b->c->m; r++)
			b->nnew[r] -= mask >> r & 1;
	}
}

static void
brute_solve(const struct call *c, int *level, int *total)
{
	struct brute	b;
	struct naive	s;
	int		r, fixed;

	memset(&b, 0, sizeof(b));
	b.c = c;
	naive_setup(&s, c, b.nfix, b.open);
	memcpy(b.d, s.d, sizeof(b.d));
	b.best_q = -1;
	fixed = 0;
	for (r = 0; r < c->m; r++)
		fixed += b.nfix[r];
	brute_rec(&b, 0, fixed);
	*level = b.best_q;
	*total = b.best_t;
}

/* ------------------------------------------------------------------ */

/* A random call: conflicts of varying density, some recusals, a few
 * manual assignments, now and then a reviewer blocked from most. */
static void
random_call(struct call *c, int maxn, int maxm, int maxk)
{
	int	a, r, density, nf;

	call_init(c, rng_in(1, maxn), rng_in(1, maxm),
	    (unsigned int)rng_in(1, maxk));
	density = rng_in(0, 3) == 0 ? 60 : rng_in(0, 30);
	for (a = 0; a < c->n; a++) {
		for (r = 0; r < c->m; r++) {
			if (rng_in(0, 99) < density)
				conflict(c, a, r);
			else if (rng_in(0, 99) < 3)
				recuse(c, a, r);
		}
	}
	if (rng_in(0, 3) == 0) {
		r = rng_in(0, c->m - 1);
		for (a = 0; a < c->n; a++) {
			if (!c->blocked[a][r] && rng_in(0, 9) < 8)
				conflict(c, a, r);
		}
	}
	if (rng_in(0, 2) == 0) {
		for (a = 0; a < c->n; a++) {
			nf = 0;
			for (r = 0; r < c->m; r++) {
				if (!c->blocked[a][r] && rng_in(0, 99) < 8 &&
				    nf <= (int)c->k) {
					fix(c, a, r);
					nf++;
				}
			}
		}
	}
}

/* Fisher-Yates on pairs and ids: the order of the input must not matter. */
static void
shuffle_pairs(struct assign_pair *p, size_t n)
{
	struct assign_pair	t;
	size_t			i, j;

	for (i = n; i > 1; i--) {
		j = rng() % i;
		t = p[i - 1];
		p[i - 1] = p[j];
		p[j] = t;
	}
}

static void
shuffle_ids(int64_t *v, size_t n)
{
	int64_t		t;
	size_t		i, j;

	for (i = n; i > 1; i--) {
		j = rng() % i;
		t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
}

static void
shuffled(const struct call *c, struct call *s)
{
	size_t	i, n;

	*s = *c;
	shuffle_ids(s->apps, (size_t)s->n);
	shuffle_ids(s->revs, (size_t)s->m);
	shuffle_pairs(s->conf, s->nconf);
	shuffle_pairs(s->recu, s->nrecu);
	shuffle_pairs(s->fix, s->nfix);
	/* Repeats change nothing either. */
	n = s->nconf;
	for (i = 0; i < n && s->nconf < MAXP; i += 3)
		s->conf[s->nconf++] = s->conf[i];
}

/* ------------------------------------------------------------------ */

static void
test_round_robin(void **state)
{
	struct call		c;
	struct assign_result	res;
	int			got[MAXA][MAXR], a, r;

	/* No conflicts: the round robin itself, loads 4, 4, 4. */
	call_init(&c, 6, 3, 2);
	assert_int_equal(run(&c, 0, &res), ASSIGN_OK);
	check(&c, &res);
	matrix(&c, &res, got);
	for (a = 0; a < 6; a++) {
		for (r = 0; r < 3; r++) {
			if (got[a][r] != (((r - 2 * a) % 3 + 3) % 3 < 2))
				fail_msg("app %d reviewer %d", a, r);
		}
	}
	assert_int_equal(res.level, 4);
	assert_int_equal(res.total, 12);
	assert_int_equal(res.nshort, 0);
	for (r = 0; r < 3; r++)
		assert_int_equal(res.revs[r].load, 4);
	assign_free(&res);

	/* 7 x 2 over 3: loads 5, 5, 4. */
	call_init(&c, 7, 3, 2);
	assert_int_equal(run(&c, 0, &res), ASSIGN_OK);
	check(&c, &res);
	assert_int_equal(res.level, 4);
	assert_int_equal(res.total, 14);
	assign_free(&res);

	/* Nothing to do. */
	call_init(&c, 0, 3, 2);
	assert_int_equal(run(&c, 0, &res), ASSIGN_OK);
	assert_int_equal(res.total, 0);
	assert_int_equal(res.napps, 0);
	assign_free(&res);
}

static void
test_short_of_reviewers(void **state)
{
	struct call		c;
	struct assign_result	res;

	/* App 0 has one reviewer without a conflict, k = 2. */
	call_init(&c, 3, 3, 2);
	conflict(&c, 0, 0);
	conflict(&c, 0, 2);
	assert_int_equal(run(&c, 0, &res), ASSIGN_OK);
	check(&c, &res);
	assert_int_equal(res.apps[0].n, 1);
	assert_int_equal(res.apps[0].eligible, 1);
	assert_int_equal(res.apps[0].revs[0], REV(1));
	assert_int_equal(res.apps[0].reason, ASSIGN_SHORT_CONFLICTS);
	assert_int_equal(res.apps[1].reason, ASSIGN_FULL);
	assert_int_equal(res.apps[2].reason, ASSIGN_FULL);
	assert_int_equal(res.nshort, 1);
	assert_int_equal(res.total, 5);
	assert_int_equal(res.bound, 5);
	assign_free(&res);

	/* More slots than reviewers; a recusal counts as a conflict. */
	call_init(&c, 2, 2, 3);
	recuse(&c, 1, 0);
	assert_int_equal(run(&c, 0, &res), ASSIGN_OK);
	check(&c, &res);
	assert_int_equal(res.apps[0].n, 2);
	assert_int_equal(res.apps[1].n, 1);
	assert_int_equal(res.apps[1].revs[0], REV(1));
	assert_int_equal(res.apps[0].reason, ASSIGN_SHORT_CONFLICTS);
	assert_int_equal(res.apps[1].reason, ASSIGN_SHORT_CONFLICTS);
	assign_free(&res);

	/* No reviewers at all. */
	call_init(&c, 2, 0, 1);
	assert_int_equal(run(&c, 0, &res), ASSIGN_OK);
	assert_int_equal(res.nshort, 2);
	assert_int_equal(res.apps[0].reason, ASSIGN_SHORT_CONFLICTS);
	assert_int_equal(res.apps[1].eligible, 0);
	assign_free(&res);

	/* Conflicts naming people outside the call are ignored. */
	call_init(&c, 2, 2, 1);
	c.conf[0].app = APP(0);
	c.conf[0].rev = 99999;
	c.conf[1].app = 12345;
	c.conf[1].rev = REV(0);
	c.nconf = 2;
	assert_int_equal(run(&c, 0, &res), ASSIGN_OK);
	check(&c, &res);
	assert_int_equal(res.nshort, 0);
	assign_free(&res);
}

/*
 * The balance rule binds.  Reviewers 1 and 2 may only take apps 0 and
 * 1; reviewer 0 takes anything.  Six apps, k = 1.  Level 2 would need
 * four units from apps 0 and 1, which have two slots: level 1, loads
 * 2, 1, 1, and two apps short although reviewer 0 has no conflict
 * with them.  A load of 3 for reviewer 0 would break floor/ceil of 5/3.
 */
static void
test_balance_binds(void **state)
{
	struct call		c;
	struct assign_result	res;
	int			a, nbal;

	call_init(&c, 6, 3, 1);
	for (a = 2; a < 6; a++) {
		conflict(&c, a, 1);
		conflict(&c, a, 2);
	}
	assert_int_equal(run(&c, 0, &res), ASSIGN_OK);
	check(&c, &res);
	assert_int_equal(res.level, 1);
	assert_int_equal(res.total, 4);
	assert_int_equal(res.revs[0].load, 2);
	assert_int_equal(res.revs[1].load, 1);
	assert_int_equal(res.revs[2].load, 1);
	nbal = 0;
	for (a = 0; a < 6; a++) {
		if (res.apps[a].reason == ASSIGN_SHORT_BALANCE)
			nbal++;
	}
	assert_int_equal(nbal, 2);
	assert_int_equal(res.bound, 6);
	assert_string_equal(assign_reason(ASSIGN_SHORT_BALANCE),
	    "the reviewers without a conflict are at their balanced share");
	assign_free(&res);
}

/*
 * A reviewer blocked from nearly everything does not drag the others
 * down: reviewer 1 may only take app 0, so it gets that one and is
 * LIMITED; reviewer 0 takes the other three.  Read literally, "every
 * load floor or ceil of T/m" would stop at T = 3 here.
 */
static void
test_limited_reviewer(void **state)
{
	struct call		c;
	struct assign_result	res;

	call_init(&c, 4, 2, 1);
	conflict(&c, 1, 1);
	conflict(&c, 2, 1);
	conflict(&c, 3, 1);
	assert_int_equal(run(&c, 0, &res), ASSIGN_OK);
	check(&c, &res);
	assert_int_equal(res.level, 3);
	assert_int_equal(res.total, 4);
	assert_int_equal(res.nshort, 0);
	assert_int_equal(res.revs[0].load, 3);
	assert_int_equal(res.revs[1].load, 1);
	assert_int_equal(res.revs[1].state, ASSIGN_REV_LIMITED);
	assert_int_equal(res.apps[0].revs[0], REV(1));
	assign_free(&res);

	/* One with a conflict on everything gets nothing and limits none. */
	call_init(&c, 3, 3, 1);
	conflict(&c, 0, 2);
	conflict(&c, 1, 2);
	conflict(&c, 2, 2);
	assert_int_equal(run(&c, 0, &res), ASSIGN_OK);
	check(&c, &res);
	assert_int_equal(res.total, 3);
	assert_int_equal(res.revs[2].load, 0);
	assert_int_equal(res.revs[2].open, 0);
	assign_free(&res);
}

static void
test_fixed(void **state)
{
	struct call		c;
	struct assign_result	res;
	int			got[MAXA][MAXR], a;

	/*
	 * Manual assignments are kept and counted in the balance: reviewer
	 * 3 has one by hand and gets one more, the others two each.
	 */
	call_init(&c, 4, 4, 2);
	fix(&c, 0, 3);
	assert_int_equal(run(&c, 0, &res), ASSIGN_OK);
	check(&c, &res);
	matrix(&c, &res, got);
	assert_true(got[0][3]);
	assert_int_equal(res.total, 8);
	assert_int_equal(res.level, 2);
	for (a = 0; a < 4; a++)
		assert_int_equal(res.revs[a].load, 2);
	assert_int_equal(res.revs[3].nfixed, 1);
	assert_int_equal(res.apps[0].nfixed, 1);
	assign_free(&res);

	/* Manual overload: that reviewer gets nothing more. */
	call_init(&c, 6, 3, 1);
	for (a = 0; a < 5; a++)
		fix(&c, a, 0);
	assert_int_equal(run(&c, 0, &res), ASSIGN_OK);
	check(&c, &res);
	assert_int_equal(res.revs[0].load, 5);
	assert_int_equal(res.revs[0].state, ASSIGN_REV_MANUAL);
	assert_int_equal(res.total, 6);
	assign_free(&res);

	/* More manual reviewers than k is allowed: nothing is added. */
	call_init(&c, 2, 4, 2);
	fix(&c, 0, 0);
	fix(&c, 0, 1);
	fix(&c, 0, 2);
	fix(&c, 0, 2);		/* a repeat */
	assert_int_equal(run(&c, 0, &res), ASSIGN_OK);
	check(&c, &res);
	assert_int_equal(res.apps[0].n, 3);
	assert_int_equal(res.apps[1].n, 2);
	assert_int_equal(res.wanted, 5);
	assign_free(&res);
}

static void
test_errors(void **state)
{
	struct call		c;
	struct assign_result	res;
	struct assign_input	in;

	call_init(&c, 2, 2, 1);
	conflict(&c, 0, 1);
	fix(&c, 0, 1);
	assert_int_equal(run(&c, 0, &res), ASSIGN_ECONFLICT);
	assert_null(res.apps);

	call_init(&c, 2, 2, 1);
	recuse(&c, 1, 0);
	fix(&c, 1, 0);
	assert_int_equal(run(&c, 0, &res), ASSIGN_ECONFLICT);

	call_init(&c, 2, 2, 1);
	c.fix[0].app = APP(0);
	c.fix[0].rev = 42;
	c.nfix = 1;
	assert_int_equal(run(&c, 0, &res), ASSIGN_EINVAL);

	call_init(&c, 2, 2, 1);
	c.apps[1] = c.apps[0];
	assert_int_equal(run(&c, 0, &res), ASSIGN_EINVAL);
	call_init(&c, 2, 2, 1);
	c.revs[1] = c.revs[0];
	assert_int_equal(run(&c, 0, &res), ASSIGN_EINVAL);

	call_init(&c, 2, 2, 0);
	assert_int_equal(run(&c, 0, &res), ASSIGN_EINVAL);
	call_init(&c, 2, 2, ASSIGN_MAX_K + 1);
	assert_int_equal(run(&c, 0, &res), ASSIGN_EINVAL);

	memset(&in, 0, sizeof(in));
	in.k = 1;
	in.napps = 3;
	assert_int_equal(assign_run(&in, &res), ASSIGN_EINVAL);
	in.apps = c.apps;
	in.napps = ASSIGN_MAX_APPS + 1;
	assert_int_equal(assign_run(&in, &res), ASSIGN_ERANGE);
	in.napps = 1;
	in.revs = c.revs;
	in.nrevs = ASSIGN_MAX_REVS + 1;
	assert_int_equal(assign_run(&in, &res), ASSIGN_ERANGE);
	assign_free(&res);
}

/*
 * The greedy the brief warns about: each application in turn takes the
 * least loaded reviewers without a conflict (lowest index on ties), none
 * above ceil(T/m).  It fails where a flow does not.
 */
static int
greedy(const struct call *c, int got[MAXA][MAXR])
{
	int	load[MAXR], a, r, j, best, cap, ok;

	memset(load, 0, sizeof(load));
	memset(got, 0, sizeof(int) * MAXA * MAXR);
	cap = (c->n * (int)c->k + c->m - 1) / c->m;
	ok = 1;
	for (a = 0; a < c->n; a++) {
		for (j = 0; j < (int)c->k; j++) {
			best = -1;
			for (r = 0; r < c->m; r++) {
				if (c->blocked[a][r] || got[a][r] ||
				    load[r] >= cap)
					continue;
				if (best == -1 || load[r] < load[best])
					best = r;
			}
			if (best == -1) {
				ok = 0;
				continue;
			}
			got[a][best] = 1;
			load[best]++;
		}
	}

	return (ok);
}

static void
test_greedy_fails(void **state)
{
	struct call		c;
	struct assign_result	res;
	int			got[MAXA][MAXR], r;

	/*
	 * App 0 may have anyone, apps 1 and 2 only reviewers 0 and 2.
	 * The greedy gives app 0 reviewer 0, app 1 reviewer 2, and app 2
	 * finds both at the limit of 1.  Reviewer 1 must take app 0.
	 */
	call_init(&c, 3, 3, 1);
	conflict(&c, 1, 1);
	conflict(&c, 2, 1);
	assert_int_equal(greedy(&c, got), 0);
	assert_int_equal(run(&c, 0, &res), ASSIGN_OK);
	check(&c, &res);
	assert_int_equal(res.nshort, 0);
	assert_int_equal(res.total, 3);
	assert_int_equal(res.apps[0].revs[0], REV(1));
	for (r = 0; r < 3; r++)
		assert_int_equal(res.revs[r].load, 1);
	assign_free(&res);

	/*
	 * The same trap at k = 2: six apps, four reviewers, loads of 3.
	 * Apps 3..5 cannot have reviewer 3, which must therefore sit on
	 * apps 0, 1 and 2; the greedy gives it only app 1 and strands the
	 * last app.
	 */
	call_init(&c, 6, 4, 2);
	for (r = 3; r < 6; r++)
		conflict(&c, r, 3);
	assert_int_equal(greedy(&c, got), 0);
	assert_int_equal(run(&c, 0, &res), ASSIGN_OK);
	check(&c, &res);
	assert_int_equal(res.nshort, 0);
	assert_int_equal(res.total, 12);
	for (r = 0; r < 4; r++)
		assert_int_equal(res.revs[r].load, 3);
	assign_free(&res);
}

/* dense.c's assignment is consistent and within every bound. */
static void
dense_check(const struct dense *g, const struct call *c, const int *d,
    const uint32_t *cap)
{
	int		seen[MAXA][MAXR];
	uint32_t	a, r, i;

	memset(seen, 0, sizeof(seen));
	for (a = 0; a < g->n; a++) {
		assert_true((int)g->fill[a] <= d[a]);
		for (i = 0; i < g->fill[a]; i++) {
			r = g->arev[g->aoff[a] + i];
			assert_false(c->blocked[a][r] || c->fixed[a][r]);
			assert_false(seen[a][r]);
			seen[a][r] = 1;
		}
	}
	for (r = 0; r < g->m; r++) {
		assert_true(g->load[r] <= cap[r]);
		for (i = 0; i < g->load[r]; i++)
			assert_true(seen[g->rapp[r][i]][r]--);
	}
	for (a = 0; a < g->n; a++) {
		for (r = 0; r < g->m; r++)
			assert_int_equal(seen[a][r], 0);
	}
}

/*
 * dense.c alone: maximum flows on the complement of the blocked pairs,
 * against the matrix solver, from nothing and after raising capacities.
 */
static void
test_dense(void **state)
{
	struct call	c;
	struct naive	s;
	struct dense	g;
	uint32_t	boff[MAXA + 1], brev[MAXP * 2], d[MAXA], cap[MAXR];
	uint64_t	value;
	int		nfix[MAXR], open[MAXR], i, a, r, round;

	rng_seed(77);
	for (i = 0; i < 300; i++) {
		random_call(&c, MAXA - 8, MAXR, 4);
		naive_setup(&s, &c, nfix, open);
		boff[0] = 0;
		for (a = 0; a < c.n; a++) {
			boff[a + 1] = boff[a];
			for (r = 0; r < c.m; r++) {
				if (c.blocked[a][r] || c.fixed[a][r])
					brev[boff[a + 1]++] = (uint32_t)r;
			}
			d[a] = (uint32_t)s.d[a];
		}
		assert_int_equal(dense_init(&g, (uint32_t)c.n, (uint32_t)c.m,
		    boff, brev, d), DENSE_OK);
		for (r = 0; r < c.m; r++)
			cap[r] = (uint32_t)rng_in(0, 6);
		for (round = 0; round < 3; round++) {
			assert_int_equal(dense_run(&g, cap, &value), DENSE_OK);
			dense_check(&g, &c, s.d, cap);
			for (r = 0; r < c.m; r++)
				s.cap[r] = (int)cap[r];
			assert_int_equal(value, naive_max(&s));
			for (r = 0; r < c.m; r++)
				cap[r] += (uint32_t)rng_in(0, 3);
		}
		/* Lowering below a load is refused. */
		for (r = 0; r < c.m; r++) {
			if (g.load[r] > 0) {
				cap[r] = g.load[r] - 1;
				assert_int_equal(dense_run(&g, cap, &value),
				    DENSE_EINVAL);
				break;
			}
		}
		dense_reset(&g);
		memset(cap, 0, sizeof(cap));
		assert_int_equal(dense_run(&g, cap, &value), DENSE_OK);
		assert_int_equal(value, 0);
		dense_free(&g);
	}
}

/* 200 random calls against the matrix solver, whole and cut down. */
static void
test_random(void **state)
{
	struct call		c;
	struct assign_result	res, cut, all;
	size_t			a, r;
	int			i, level, total, full, balance, limited;
	int			manual, searched, probed;

	rng_seed(2024);
	full = balance = limited = manual = searched = probed = 0;
	for (i = 0; i < 200; i++) {
		random_call(&c, MAXA - 8, MAXR, 4);
		assert_int_equal(run(&c, 0, &res), ASSIGN_OK);
		check(&c, &res);
		naive_solve(&c, &level, &total);
		if ((int)res.level != level || (int)res.total != total)
			fail_msg("call %d: level %u total %zu, expected %d "
			    "%d", i, res.level, res.total, level, total);
		/* At the bound every app has k, or all it can have. */
		if (res.total == res.bound) {
			full++;
			for (a = 0; a < res.napps; a++)
				assert_int_not_equal(res.apps[a].reason,
				    ASSIGN_SHORT_BALANCE);
		}
		for (a = 0; a < res.napps; a++) {
			if (res.apps[a].reason == ASSIGN_SHORT_BALANCE) {
				balance++;
				break;
			}
		}
		for (r = 0; r < res.nrevs; r++) {
			if (res.revs[r].state == ASSIGN_REV_LIMITED) {
				limited++;
				break;
			}
		}
		for (r = 0; r < res.nrevs; r++) {
			if (res.revs[r].state == ASSIGN_REV_MANUAL) {
				manual++;
				break;
			}
		}
		probed += res.probes > 1;

		/* One candidate per app: the same optimum all the same. */
		assert_int_equal(run(&c, 1, &cut), ASSIGN_OK);
		check(&c, &cut);
		assert_int_equal(cut.level, res.level);
		assert_int_equal(cut.total, res.total);
		searched += cut.extra > 0;
		/* All pairs offered from the start. */
		assert_int_equal(run(&c, MAXR, &all), ASSIGN_OK);
		check(&c, &all);
		assert_int_equal(all.level, res.level);
		assert_int_equal(all.total, res.total);
		assert_int_equal(all.extra, 0);
		assign_free(&res);
		assign_free(&cut);
		assign_free(&all);
	}
	print_message("assign: 200 random calls: %d with every slot the "
	    "conflicts allow, %d short for balance, %d with a limited "
	    "reviewer, %d with a manual overload, %d needing more than one "
	    "probe, %d using pairs beyond 1 candidate\n", full, balance,
	    limited, manual, probed, searched);
	/* The random calls do reach every case. */
	assert_true(balance > 0 && limited > 0 && manual > 0 && probed > 0 &&
	    searched > 0);
}

/* Tiny calls against every possible assignment. */
static void
test_brute_force(void **state)
{
	struct call		c;
	struct assign_result	res;
	int			i, level, total;

	rng_seed(99);
	for (i = 0; i < 300; i++) {
		random_call(&c, 5, 4, 2);
		assert_int_equal(run(&c, 0, &res), ASSIGN_OK);
		check(&c, &res);
		brute_solve(&c, &level, &total);
		if ((int)res.level != level || (int)res.total != total)
			fail_msg("call %d: level %u total %zu, brute force "
			    "%d %d", i, res.level, res.total, level, total);
		assign_free(&res);
	}
}

static void
test_deterministic(void **state)
{
	struct call		c, s;
	struct assign_result	x, y;
	int			i, j;

	rng_seed(5);
	for (i = 0; i < 100; i++) {
		random_call(&c, MAXA - 8, MAXR, 4);
		assert_int_equal(run(&c, 0, &x), ASSIGN_OK);
		for (j = 0; j < 3; j++) {
			shuffled(&c, &s);
			assert_int_equal(run(&s, 0, &y), ASSIGN_OK);
			same(&x, &y);
			assign_free(&y);
		}
		assign_free(&x);
	}
}

/*
 * 20 000 applications, 2 000 reviewers, 3 each: the size of a large
 * call, with a conflict or so per application, a few reviewers with
 * hundreds, and some manual assignments.  Only the time is printed.
 */
static void
test_large(void **state)
{
	struct assign_input	 in;
	struct assign_result	 res, cut;
	struct assign_pair	*conf, *fixp;
	int64_t			*apps, *revs;
	size_t			 n, m, nc, nf, i, j, over;
	unsigned int		 maxl, minl, level;
	double			 t0, t1;

	n = 20000;
	m = 2000;
	apps = calloc(n, sizeof(*apps));
	revs = calloc(m, sizeof(*revs));
	conf = calloc(n * 2 + 10 * 500, sizeof(*conf));
	fixp = calloc(n / 10, sizeof(*fixp));
	assert_non_null(apps);
	assert_non_null(revs);
	assert_non_null(conf);
	assert_non_null(fixp);
	rng_seed(8);
	for (i = 0; i < n; i++)
		apps[i] = 1000000 + (int64_t)i * 3;
	for (i = 0; i < m; i++)
		revs[i] = 5000 + (int64_t)i * 7;
	nc = 0;
	for (i = 0; i < n; i++) {
		for (j = 0; j < 2; j++) {
			conf[nc].app = apps[i];
			conf[nc].rev = revs[rng() % m];
			nc++;
		}
	}
	for (j = 0; j < 10; j++) {
		for (i = 0; i < 500; i++) {
			conf[nc].app = apps[rng() % n];
			conf[nc].rev = revs[j];
			nc++;
		}
	}
	nf = 0;
	for (i = 0; i < n; i += 10) {
		fixp[nf].app = apps[i];
		fixp[nf].rev = revs[1000 + rng() % 1000];
		nf++;
	}
	/* Manual pairs must not be conflicts: drop those that are. */
	for (i = 0; i < nc; i++) {
		for (j = 0; j < nf; j++) {
			if (conf[i].app == fixp[j].app &&
			    conf[i].rev == fixp[j].rev)
				conf[i].rev = -1;
		}
	}

	memset(&in, 0, sizeof(in));
	in.apps = apps;
	in.napps = n;
	in.revs = revs;
	in.nrevs = m;
	in.k = 3;
	in.conflicts = conf;
	in.nconflicts = nc;
	in.fixed = fixp;
	in.nfixed = nf;
	t0 = now();
	assert_int_equal(assign_run(&in, &res), ASSIGN_OK);
	t1 = now();

	maxl = 0;
	minl = 1u << 30;
	over = 0;
	for (i = 0; i < m; i++) {
		if (res.revs[i].load > maxl)
			maxl = res.revs[i].load;
		if (res.revs[i].load < minl)
			minl = res.revs[i].load;
		if (res.revs[i].state != ASSIGN_REV_BALANCED)
			over++;
	}
	print_message("assign: %zu apps x %zu reviewers x 3, %zu conflicts: "
	    "%zu assigned (%zu manual), %zu short, loads %u..%u, level %u, "
	    "%u probes, %zu pairs (%zu not candidates), %.3f s\n", n, m,
	    nc, res.total, nf, res.nshort, minl, maxl, res.level, res.probes,
	    res.pairs, res.extra, t1 - t0);
	assert_int_equal(res.total, n * 3);
	assert_int_equal(res.nshort, 0);
	assert_true(maxl - minl <= 1);
	assert_int_equal(over, 0);
	level = res.level;

	/* Only k candidates: the tie-break leans on the pairs of dense.c. */
	in.candidates = 3;
	t0 = now();
	assert_int_equal(assign_run(&in, &cut), ASSIGN_OK);
	t1 = now();
	print_message("assign: the same with 3 candidates an application: "
	    "%zu assigned, level %u, %zu pairs (%zu not candidates), "
	    "%.3f s\n", cut.total, cut.level, cut.pairs, cut.extra, t1 - t0);
	assert_int_equal(cut.total, res.total);
	assert_int_equal(cut.level, level);
	assign_free(&cut);

	/* No conflict used: spot checks would miss some; check them all. */
	for (i = 0; i < nc; i++) {
		struct assign_app	*ap;
		size_t			 a;

		a = (size_t)(conf[i].app - 1000000) / 3;
		ap = &res.apps[a];
		assert_int_equal(ap->id, conf[i].app);
		for (j = 0; j < ap->n; j++)
			assert_true(ap->revs[j] != conf[i].rev);
	}
	assign_free(&res);
	free(apps);
	free(revs);
	free(conf);
	free(fixp);
}

int
unit_assign(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_round_robin),
		cmocka_unit_test(test_short_of_reviewers),
		cmocka_unit_test(test_balance_binds),
		cmocka_unit_test(test_limited_reviewer),
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_greedy_fails),
		cmocka_unit_test(test_dense),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_brute_force),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_large),
	};

	return (cmocka_run_group_tests_name("assign", tests, NULL, NULL));
}
