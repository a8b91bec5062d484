/*
 * flow.c: minimum-cost maximum flow.  Hand-made graphs with known optima,
 * negative costs and cycles, limits, continuing a run, and random graphs
 * whose results are checked by optimality certificates (no augmenting
 * path, no negative cycle in the residual graph) and against a plain
 * one-path-at-a-time Bellman-Ford solver.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unit.h"
#include "lib/flow.h"

/* A small deterministic generator, the same on every libc. */
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

/* Uniform enough in [lo, hi]. */
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

/* A graph kept aside so that it can be solved twice, or by the reference. */
#define G_MAX_EDGES	64

struct graph {
	int		n;
	int		m;
	int		from[G_MAX_EDGES];
	int		to[G_MAX_EDGES];
	int64_t		cap[G_MAX_EDGES];
	int64_t		cost[G_MAX_EDGES];
};

static void
load(struct flow *f, const struct graph *g)
{
	int		i;

	assert_int_equal(flow_init(f, g->n), FLOW_OK);
	for (i = 0; i < g->m; i++) {
		assert_int_equal(flow_edge(f, g->from[i], g->to[i], g->cap[i],
		    g->cost[i]), i);
	}
}

/*
 * Reference: successive shortest paths, one path at a time, Bellman-Ford
 * on the residual graph.  Slow and obviously right.
 */
static void
reference(const struct graph *g, int s, int t, int64_t *value, int64_t *cost)
{
	int64_t		res[2 * G_MAX_EDGES], dist[16], push, x;
	int		par[16], i, a, u, v, changed, round;

	for (i = 0; i < g->m; i++) {
		res[2 * i] = g->cap[i];
		res[2 * i + 1] = 0;
	}
	*value = 0;
	*cost = 0;
	for (;;) {
		for (i = 0; i < g->n; i++) {
			dist[i] = INT64_MAX;
			par[i] = -1;
		}
		dist[s] = 0;
		for (round = 0; round < g->n; round++) {
			changed = 0;
			for (a = 0; a < 2 * g->m; a++) {
				if (res[a] == 0)
					continue;
				u = a % 2 ? g->to[a / 2] : g->from[a / 2];
				v = a % 2 ? g->from[a / 2] : g->to[a / 2];
				x = a % 2 ? -g->cost[a / 2] : g->cost[a / 2];
				if (dist[u] == INT64_MAX ||
				    dist[u] + x >= dist[v])
					continue;
				dist[v] = dist[u] + x;
				par[v] = a;
				changed = 1;
			}
			if (!changed)
				break;
		}
		if (dist[t] == INT64_MAX)
			return;
		push = INT64_MAX;
		for (v = t; v != s; v = a % 2 ? g->to[a / 2] : g->from[a / 2]) {
			a = par[v];
			if (res[a] < push)
				push = res[a];
		}
		for (v = t; v != s; v = a % 2 ? g->to[a / 2] : g->from[a / 2]) {
			a = par[v];
			res[a] -= push;
			res[a ^ 1] += push;
		}
		*value += push;
		*cost += push * dist[t];
	}
}

/*
 * Checks a result against the graph: capacities, conservation, the value
 * and cost reported, no augmenting path left and no negative cycle in the
 * residual graph.  The last two together prove a minimum-cost maximum
 * flow, independently of how it was found.
 */
static void
certify(const struct flow *f, const struct graph *g, int s, int t,
    int64_t value, int64_t cost)
{
	int64_t		bal[16], dist[16], x, c;
	int		i, a, u, v, round, changed, reach[16];

	memset(bal, 0, sizeof(bal));
	c = 0;
	for (i = 0; i < g->m; i++) {
		x = flow_edge_flow(f, i);
		assert_true(x >= 0 && x <= g->cap[i]);
		bal[g->from[i]] -= x;
		bal[g->to[i]] += x;
		c += x * g->cost[i];
	}
	for (i = 0; i < g->n; i++) {
		if (i != s && i != t)
			assert_int_equal(bal[i], 0);
	}
	assert_int_equal(bal[t], value);
	assert_int_equal(bal[s], -value);
	assert_int_equal(c, cost);

	/* Residual arcs: forward with room, backward with flow. */
	memset(reach, 0, sizeof(reach));
	reach[s] = 1;
	for (round = 0; round < g->n; round++) {
		for (a = 0; a < 2 * g->m; a++) {
			x = flow_edge_flow(f, a / 2);
			if ((a % 2 == 0 && x == g->cap[a / 2]) ||
			    (a % 2 == 1 && x == 0))
				continue;
			u = a % 2 ? g->to[a / 2] : g->from[a / 2];
			v = a % 2 ? g->from[a / 2] : g->to[a / 2];
			if (reach[u])
				reach[v] = 1;
		}
	}
	assert_false(reach[t]);

	for (i = 0; i < g->n; i++)
		dist[i] = 0;
	changed = 0;
	for (round = 0; round <= g->n; round++) {
		changed = 0;
		for (a = 0; a < 2 * g->m; a++) {
			x = flow_edge_flow(f, a / 2);
			if ((a % 2 == 0 && x == g->cap[a / 2]) ||
			    (a % 2 == 1 && x == 0))
				continue;
			u = a % 2 ? g->to[a / 2] : g->from[a / 2];
			v = a % 2 ? g->from[a / 2] : g->to[a / 2];
			c = a % 2 ? -g->cost[a / 2] : g->cost[a / 2];
			if (dist[u] + c < dist[v]) {
				dist[v] = dist[u] + c;
				changed = 1;
			}
		}
		if (!changed)
			break;
	}
	if (changed)
		fail_msg("negative cycle left in the residual graph");
}

static void
swap_edge(struct graph *g, int i, int j)
{
	int		t;
	int64_t		u;

	t = g->from[i];
	g->from[i] = g->from[j];
	g->from[j] = t;
	t = g->to[i];
	g->to[i] = g->to[j];
	g->to[j] = t;
	u = g->cap[i];
	g->cap[i] = g->cap[j];
	g->cap[j] = u;
	u = g->cost[i];
	g->cost[i] = g->cost[j];
	g->cost[j] = u;
}

static void
solve(const struct graph *g, int s, int t, int64_t want_value,
    int64_t want_cost)
{
	struct flow	f;
	int64_t		value, cost;

	load(&f, g);
	assert_int_equal(flow_run(&f, s, t, &value, &cost), FLOW_OK);
	assert_int_equal(value, want_value);
	assert_int_equal(cost, want_cost);
	certify(&f, g, s, t, value, cost);
	flow_free(&f);
}

static void
add(struct graph *g, int from, int to, int64_t cap, int64_t cost)
{
	assert_true(g->m < G_MAX_EDGES);
	g->from[g->m] = from;
	g->to[g->m] = to;
	g->cap[g->m] = cap;
	g->cost[g->m] = cost;
	g->m++;
}

static void
test_errors(void **state)
{
	struct flow	f;
	int64_t		value, cost;

	assert_int_equal(flow_init(&f, 0), FLOW_EINVAL);
	flow_free(&f);
	assert_int_equal(flow_init(&f, -3), FLOW_EINVAL);
	assert_int_equal(flow_init(&f, FLOW_MAX_NODES + 1), FLOW_ERANGE);
	/* A struct that failed to initialise refuses everything. */
	assert_int_equal(flow_edge(&f, 0, 0, 1, 0), FLOW_EINVAL);
	assert_int_equal(flow_run(&f, 0, 1, NULL, NULL), FLOW_EINVAL);
	flow_free(&f);

	assert_int_equal(flow_init(&f, 3), FLOW_OK);
	assert_int_equal(flow_edge(&f, -1, 1, 1, 0), FLOW_EINVAL);
	assert_int_equal(flow_edge(&f, 0, 3, 1, 0), FLOW_EINVAL);
	assert_int_equal(flow_edge(&f, 0, 1, -1, 0), FLOW_EINVAL);
	assert_int_equal(flow_edge(&f, 0, 1, FLOW_CAP_MAX + 1, 0),
	    FLOW_ERANGE);
	assert_int_equal(flow_edge(&f, 0, 1, 1, FLOW_COST_MAX + 1),
	    FLOW_ERANGE);
	assert_int_equal(flow_edge(&f, 0, 1, 1, -FLOW_COST_MAX - 1),
	    FLOW_ERANGE);
	/* Refused edges take no id. */
	assert_int_equal(flow_edges(&f), 0);
	assert_int_equal(flow_edge(&f, 0, 1, FLOW_CAP_MAX, -FLOW_COST_MAX), 0);
	assert_int_equal(flow_edge(&f, 1, 2, 5, 0), 1);
	assert_int_equal(flow_edges(&f), 2);

	assert_int_equal(flow_run(&f, 0, 0, &value, &cost), FLOW_EINVAL);
	assert_int_equal(flow_run(&f, 0, 3, &value, &cost), FLOW_EINVAL);
	assert_int_equal(flow_run(&f, -1, 2, &value, &cost), FLOW_EINVAL);
	assert_int_equal(flow_edge_flow(&f, 2), -1);
	assert_int_equal(flow_edge_flow(&f, -1), -1);

	assert_int_equal(flow_run(&f, 0, 2, &value, &cost), FLOW_OK);
	assert_int_equal(value, 5);
	assert_int_equal(cost, -5 * FLOW_COST_MAX);
	/* Capacity cannot drop below the flow already there. */
	assert_int_equal(flow_set_cap(&f, 1, 4), FLOW_EINVAL);
	assert_int_equal(flow_set_cap(&f, 1, 5), FLOW_OK);
	assert_int_equal(flow_set_cap(&f, 2, 5), FLOW_EINVAL);
	assert_int_equal(flow_set_cap(&f, 1, -1), FLOW_EINVAL);
	assert_int_equal(flow_set_cap(&f, 1, FLOW_CAP_MAX + 1), FLOW_ERANGE);
	flow_free(&f);
	/* Freeing twice is harmless: the struct is zeroed. */
	flow_free(&f);
}

/* A cost that does not fit in an int64 is an error, not a wrap. */
static void
test_overflow(void **state)
{
	struct flow	f;
	int64_t		value, cost;

	assert_int_equal(flow_init(&f, 2), FLOW_OK);
	assert_int_equal(flow_edge(&f, 0, 1, FLOW_CAP_MAX, FLOW_COST_MAX), 0);
	assert_int_equal(flow_run(&f, 0, 1, &value, &cost), FLOW_ERANGE);
	flow_free(&f);

	/* Many parallel edges: the value itself fits. */
	assert_int_equal(flow_init(&f, 2), FLOW_OK);
	assert_int_equal(flow_edge(&f, 0, 1, FLOW_CAP_MAX, 0), 0);
	assert_int_equal(flow_edge(&f, 0, 1, FLOW_CAP_MAX, 1), 1);
	assert_int_equal(flow_run(&f, 0, 1, &value, &cost), FLOW_OK);
	assert_int_equal(value, 2 * FLOW_CAP_MAX);
	assert_int_equal(cost, FLOW_CAP_MAX);
	flow_free(&f);
}

static void
test_known_optimum(void **state)
{
	struct graph	g;

	/* A unique maximum flow of 3 units. */
	memset(&g, 0, sizeof(g));
	g.n = 4;
	add(&g, 0, 1, 2, 1);
	add(&g, 0, 2, 1, 2);
	add(&g, 1, 2, 1, 1);
	add(&g, 1, 3, 1, 3);
	add(&g, 2, 3, 2, 1);
	solve(&g, 0, 3, 3, 10);

	/*
	 * The cheapest first path (A to X) is not part of the optimum:
	 * B can only reach X, so the second path must push A back off X
	 * through the reverse arc.  s=0 A=1 B=2 X=3 Y=4 t=5.
	 */
	memset(&g, 0, sizeof(g));
	g.n = 6;
	add(&g, 0, 1, 1, 0);
	add(&g, 0, 2, 1, 0);
	add(&g, 1, 3, 1, 1);
	add(&g, 1, 4, 1, 3);
	add(&g, 2, 3, 1, 1);
	add(&g, 3, 5, 1, 0);
	add(&g, 4, 5, 1, 0);
	solve(&g, 0, 5, 2, 4);
	{
		struct flow	f;

		load(&f, &g);
		assert_int_equal(flow_run(&f, 0, 5, NULL, NULL), FLOW_OK);
		assert_int_equal(flow_edge_flow(&f, 2), 0);
		assert_int_equal(flow_edge_flow(&f, 3), 1);
		assert_int_equal(flow_edge_flow(&f, 4), 1);
		flow_free(&f);
	}

	/* Maximum first: an expensive path is still used. */
	memset(&g, 0, sizeof(g));
	g.n = 3;
	add(&g, 0, 1, 4, 1);
	add(&g, 1, 2, 1, 1);
	add(&g, 1, 2, 2, 100);
	add(&g, 0, 2, 1, 1000);
	solve(&g, 0, 2, 4, 3 + 1 + 200 + 1000);

	/* A capacity of zero is no edge. */
	memset(&g, 0, sizeof(g));
	g.n = 3;
	add(&g, 0, 1, 0, -50);
	add(&g, 0, 2, 1, 7);
	add(&g, 1, 2, 9, -50);
	solve(&g, 0, 2, 1, 7);
}

static void
test_negative_costs(void **state)
{
	struct graph	g;

	/* s=0 a=1 b=2 t=3: only one maximum flow, of cost -5. */
	memset(&g, 0, sizeof(g));
	g.n = 4;
	add(&g, 0, 1, 2, -5);
	add(&g, 0, 2, 2, 0);
	add(&g, 1, 3, 1, 0);
	add(&g, 1, 2, 2, -1);
	add(&g, 2, 3, 3, 2);
	solve(&g, 0, 3, 4, -5);

	/* The negative detour wins over the direct edge. */
	memset(&g, 0, sizeof(g));
	g.n = 4;
	add(&g, 0, 3, 1, 0);
	add(&g, 0, 1, 1, 2);
	add(&g, 1, 2, 1, -10);
	add(&g, 2, 3, 1, 3);
	add(&g, 0, 2, 1, 1);
	/* One unit through 2 to 3: the cheaper is via 1 (2-10 < 1). */
	solve(&g, 0, 3, 2, 0 + 2 - 10 + 3);

	/* All costs negative: still a maximum flow, not a cheapest one. */
	memset(&g, 0, sizeof(g));
	g.n = 3;
	add(&g, 0, 1, 3, -1);
	add(&g, 1, 2, 3, -1);
	add(&g, 0, 2, 2, -7);
	solve(&g, 0, 2, 5, -6 - 14);

	/* Nodes that t never reaches still get valid potentials. */
	memset(&g, 0, sizeof(g));
	g.n = 5;
	add(&g, 0, 1, 1, -3);
	add(&g, 1, 4, 1, -3);
	add(&g, 4, 0, 1, 9);
	add(&g, 0, 2, 1, 0);
	add(&g, 2, 3, 1, 0);
	solve(&g, 0, 3, 1, 0);
}

static void
test_negative_cycle(void **state)
{
	struct flow	f;
	int64_t		value, cost;

	/* 1 -> 2 -> 1 costs -1 a round. */
	assert_int_equal(flow_init(&f, 4), FLOW_OK);
	flow_edge(&f, 0, 1, 1, 0);
	flow_edge(&f, 1, 2, 1, -2);
	flow_edge(&f, 2, 1, 1, 1);
	flow_edge(&f, 2, 3, 1, 0);
	assert_int_equal(flow_run(&f, 0, 3, &value, &cost), FLOW_ENEGCYCLE);
	flow_free(&f);

	/* Even one the source cannot reach. */
	assert_int_equal(flow_init(&f, 5), FLOW_OK);
	flow_edge(&f, 0, 1, 1, 0);
	flow_edge(&f, 3, 4, 1, -1);
	flow_edge(&f, 4, 3, 1, 0);
	assert_int_equal(flow_run(&f, 0, 1, &value, &cost), FLOW_ENEGCYCLE);
	flow_free(&f);

	/* A negative self-loop. */
	assert_int_equal(flow_init(&f, 2), FLOW_OK);
	flow_edge(&f, 0, 1, 1, 0);
	flow_edge(&f, 1, 1, 1, -1);
	assert_int_equal(flow_run(&f, 0, 1, &value, &cost), FLOW_ENEGCYCLE);
	flow_free(&f);

	/* Zero-cost and positive cycles are fine; so are saturated ones. */
	assert_int_equal(flow_init(&f, 4), FLOW_OK);
	flow_edge(&f, 0, 1, 2, 0);
	flow_edge(&f, 1, 2, 1, 0);
	flow_edge(&f, 2, 1, 1, 0);
	flow_edge(&f, 1, 1, 3, 4);
	flow_edge(&f, 2, 3, 1, -1);
	flow_edge(&f, 3, 2, 0, -5);
	flow_edge(&f, 1, 3, 1, 2);
	assert_int_equal(flow_run(&f, 0, 3, &value, &cost), FLOW_OK);
	assert_int_equal(value, 2);
	assert_int_equal(cost, 1);
	flow_free(&f);
}

static void
test_unreachable(void **state)
{
	struct graph	g;

	memset(&g, 0, sizeof(g));
	g.n = 4;
	add(&g, 0, 1, 5, 1);
	add(&g, 2, 3, 5, 1);
	add(&g, 3, 0, 5, 1);
	solve(&g, 0, 3, 0, 0);

	/* No edges at all. */
	memset(&g, 0, sizeof(g));
	g.n = 2;
	solve(&g, 0, 1, 0, 0);

	/* Flow into the source does not count as value. */
	memset(&g, 0, sizeof(g));
	g.n = 3;
	add(&g, 1, 0, 5, 1);
	add(&g, 0, 2, 2, 1);
	solve(&g, 0, 2, 2, 2);
}

/* Capacities in a partial network: the bottleneck decides. */
static void
test_partial(void **state)
{
	struct graph	g;

	/* Three apps, two reviewers of capacity 1: two units. */
	memset(&g, 0, sizeof(g));
	g.n = 7;
	add(&g, 0, 1, 1, 0);
	add(&g, 0, 2, 1, 0);
	add(&g, 0, 3, 1, 0);
	add(&g, 1, 4, 1, 5);
	add(&g, 2, 4, 1, 1);
	add(&g, 3, 4, 1, 2);
	add(&g, 3, 5, 1, 9);
	add(&g, 4, 6, 1, 0);
	add(&g, 5, 6, 1, 0);
	solve(&g, 0, 6, 2, 1 + 9);
}

static void
random_graph(struct graph *g, int negative)
{
	int		i, m, u, v;

	memset(g, 0, sizeof(*g));
	g->n = rng_in(2, 9);
	m = rng_in(0, 30);
	for (i = 0; i < m; i++) {
		u = rng_in(0, g->n - 1);
		v = rng_in(0, g->n - 1);
		if (negative) {
			/* Only forward edges: a DAG cannot hold a cycle. */
			if (u == v)
				continue;
			if (u > v) {
				int tmp = u;

				u = v;
				v = tmp;
			}
			add(g, u, v, rng_in(0, 5), rng_in(-8, 8));
		} else {
			add(g, u, v, rng_in(0, 5), rng_in(0, 8));
		}
	}
}

static void
test_random_against_reference(void **state)
{
	struct graph	g;
	struct flow	f;
	int64_t		value, cost, rvalue, rcost;
	int		i, s, t;

	rng_seed(1);
	for (i = 0; i < 2000; i++) {
		random_graph(&g, i % 2);
		s = 0;
		t = g.n - 1;
		load(&f, &g);
		assert_int_equal(flow_run(&f, s, t, &value, &cost), FLOW_OK);
		reference(&g, s, t, &rvalue, &rcost);
		if (value != rvalue || cost != rcost)
			fail_msg("graph %d: (%lld, %lld), reference (%lld, "
			    "%lld)", i, (long long)value, (long long)cost,
			    (long long)rvalue, (long long)rcost);
		certify(&f, &g, s, t, value, cost);
		flow_free(&f);
	}
}

/* Same input, same flow on every edge; also when run twice over. */
static void
test_deterministic(void **state)
{
	struct graph	g;
	struct flow	f1, f2;
	int64_t		value, cost;
	int		i, e;

	rng_seed(7);
	for (i = 0; i < 300; i++) {
		random_graph(&g, i % 2);
		load(&f1, &g);
		load(&f2, &g);
		assert_int_equal(flow_run(&f1, 0, g.n - 1, &value, &cost),
		    FLOW_OK);
		assert_int_equal(flow_run(&f2, 0, g.n - 1, NULL, NULL),
		    FLOW_OK);
		for (e = 0; e < g.m; e++)
			assert_int_equal(flow_edge_flow(&f1, e),
			    flow_edge_flow(&f2, e));
		/* Nothing is left to do on a second run. */
		assert_int_equal(flow_run(&f1, 0, g.n - 1, &value, &cost),
		    FLOW_OK);
		for (e = 0; e < g.m; e++)
			assert_int_equal(flow_edge_flow(&f1, e),
			    flow_edge_flow(&f2, e));
		flow_free(&f1);
		flow_free(&f2);
	}

	/*
	 * Another edge order may pick another optimum among equals, but
	 * never another value or cost.
	 */
	rng_seed(8);
	for (i = 0; i < 300; i++) {
		struct graph	h;
		int64_t		v2, c2;
		int		j, k;

		random_graph(&g, i % 2);
		h = g;
		for (j = h.m; j > 1; j--) {
			k = (int)(rng() % (uint32_t)j);
			swap_edge(&h, j - 1, k);
		}
		load(&f1, &g);
		load(&f2, &h);
		assert_int_equal(flow_run(&f1, 0, g.n - 1, &value, &cost),
		    FLOW_OK);
		assert_int_equal(flow_run(&f2, 0, h.n - 1, &v2, &c2), FLOW_OK);
		assert_int_equal(value, v2);
		assert_int_equal(cost, c2);
		certify(&f2, &h, 0, h.n - 1, v2, c2);
		flow_free(&f1);
		flow_free(&f2);
	}

	/* Ties go to the edge added first. */
	assert_int_equal(flow_init(&f1, 3), FLOW_OK);
	flow_edge(&f1, 0, 1, 1, 3);
	flow_edge(&f1, 0, 1, 1, 3);
	flow_edge(&f1, 0, 1, 1, 3);
	flow_edge(&f1, 1, 2, 1, 0);
	assert_int_equal(flow_run(&f1, 0, 2, &value, &cost), FLOW_OK);
	assert_int_equal(value, 1);
	assert_int_equal(flow_edge_flow(&f1, 0), 1);
	assert_int_equal(flow_edge_flow(&f1, 1), 0);
	assert_int_equal(flow_edge_flow(&f1, 2), 0);
	flow_free(&f1);
}

/*
 * Adding edges and raising capacities, then running again, reaches the
 * same maximum as one run on the final graph.  With zero costs the
 * residual graph can hold no negative cycle.
 */
static void
test_continue(void **state)
{
	struct graph	g;
	struct flow	f, h;
	int64_t		value, cost, fvalue;
	int		i, e, half;

	rng_seed(11);
	for (i = 0; i < 500; i++) {
		random_graph(&g, 0);
		for (e = 0; e < g.m; e++)
			g.cost[e] = 0;
		half = g.m / 2;
		assert_int_equal(flow_init(&f, g.n), FLOW_OK);
		for (e = 0; e < half; e++)
			flow_edge(&f, g.from[e], g.to[e], g.cap[e] / 2, 0);
		assert_int_equal(flow_run(&f, 0, g.n - 1, NULL, NULL),
		    FLOW_OK);
		for (e = 0; e < half; e++)
			assert_int_equal(flow_set_cap(&f, e, g.cap[e]),
			    FLOW_OK);
		for (e = half; e < g.m; e++)
			flow_edge(&f, g.from[e], g.to[e], g.cap[e], 0);
		assert_int_equal(flow_run(&f, 0, g.n - 1, &value, &cost),
		    FLOW_OK);

		load(&h, &g);
		assert_int_equal(flow_run(&h, 0, g.n - 1, &fvalue, NULL),
		    FLOW_OK);
		assert_int_equal(value, fvalue);
		certify(&f, &g, 0, g.n - 1, value, cost);
		flow_free(&f);
		flow_free(&h);
	}

	/*
	 * A cheaper route added next to flow already placed makes a
	 * negative cycle through the reverse arcs: refused, flow unchanged.
	 * s=0 x=1 y=2 t=3.
	 */
	assert_int_equal(flow_init(&f, 4), FLOW_OK);
	flow_edge(&f, 0, 1, 1, 0);
	flow_edge(&f, 1, 3, 1, 5);
	assert_int_equal(flow_run(&f, 0, 3, &value, &cost), FLOW_OK);
	assert_int_equal(cost, 5);
	flow_edge(&f, 1, 2, 1, 0);
	flow_edge(&f, 2, 3, 1, 1);
	assert_int_equal(flow_run(&f, 0, 3, &value, &cost), FLOW_ENEGCYCLE);
	assert_int_equal(flow_edge_flow(&f, 1), 1);
	assert_int_equal(flow_edge_flow(&f, 3), 0);
	flow_free(&f);
}

/*
 * The scale of a funding call: 20 000 applications, 3 slots each, 1 000
 * reviewers, 10 allowed reviewers an application, small costs.  Only
 * the time is printed; the value is checked.
 */
static void
test_large(void **state)
{
	struct flow	f;
	int64_t		value, cost, sum;
	double		t0, t1;
	int		napps, nrevs, a, j, r, s, t, e, first;

	napps = 20000;
	nrevs = 1000;
	s = 0;
	t = napps + nrevs + 1;
	rng_seed(3);
	t0 = now();
	assert_int_equal(flow_init(&f, napps + nrevs + 2), FLOW_OK);
	for (a = 0; a < napps; a++)
		flow_edge(&f, s, 1 + a, 3, 0);
	first = flow_edges(&f);
	for (a = 0; a < napps; a++) {
		for (j = 0; j < 10; j++) {
			r = (a * 3 + j * 97 + (int)(rng() % 7)) % nrevs;
			flow_edge(&f, 1 + a, 1 + napps + r, 1, rng_in(0, 9));
		}
	}
	for (r = 0; r < nrevs; r++)
		flow_edge(&f, 1 + napps + r, t, 60, 0);
	assert_int_equal(flow_run(&f, s, t, &value, &cost), FLOW_OK);
	t1 = now();
	print_message("flow: %d apps x %d reviewers x 3, %d edges: value "
	    "%lld, cost %lld, %.3f s\n", napps, nrevs, flow_edges(&f),
	    (long long)value, (long long)cost, t1 - t0);
	assert_int_equal(value, 60000);

	sum = 0;
	for (e = first; e < first + napps * 10; e++)
		sum += flow_edge_flow(&f, e);
	assert_int_equal(sum, value);
	flow_free(&f);
}

int
unit_flow(void)
{
	const struct CMUnitTest	tests[] = {
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_known_optimum),
		cmocka_unit_test(test_negative_costs),
		cmocka_unit_test(test_negative_cycle),
		cmocka_unit_test(test_unreachable),
		cmocka_unit_test(test_partial),
		cmocka_unit_test(test_random_against_reference),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_continue),
		cmocka_unit_test(test_large),
	};

	return (cmocka_run_group_tests_name("flow", tests, NULL, NULL));
}
