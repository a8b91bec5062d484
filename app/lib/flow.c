/*
 * Minimum-cost maximum flow by successive shortest paths, primal-dual
 * style (see flow.h for the interface).
 *
 * A run first computes potentials with a FIFO Bellman-Ford (SPFA) from a
 * virtual source joined to every node, which copes with negative costs
 * and finds negative cycles.  Then, repeatedly: Dijkstra on reduced costs
 * (never negative) gives the length of the shortest augmenting path and
 * new potentials; Dinic's blocking flows saturate every augmenting path
 * of that same length at once, using only arcs of reduced cost zero.
 * Pushing along such arcs creates reverse arcs of reduced cost zero, so
 * the potentials stay valid until the next Dijkstra, and the arcs of
 * reduced cost zero, listed once per phase, are all the blocking flows
 * of the phase need to scan.
 *
 * Complexity, with V nodes, E edges and P distinct lengths of shortest
 * augmenting path met during a run (P <= total flow; with costs in a
 * small range, as in assign.c and match.c, P is small):
 *	memory	O(V + E): 32 bytes an edge, 60 more during a run (the
 *		residual arcs, grouped by node so that scans read memory
 *		in order, and the list of those of reduced cost zero),
 *		about 64 bytes a node
 *	time	O(V E) for the Bellman-Ford, usually a few passes, then
 *		O(P (E log V + Dinic)); Dinic is O(E sqrt V) on the unit
 *		capacities of a bipartite assignment, O(V^2 E) in general,
 *		and its rounds scan only the arcs of reduced cost zero.
 * Nothing is quadratic in memory: only the edges given are stored.
 * When every cost is zero, a run is Dinic's algorithm alone.
 *
 * Every choice (queue order, heap ties, arc order) depends only on node
 * numbers and edge insertion order, so the result is reproducible.
 */

#include <stdlib.h>
#include <string.h>

#include "flow.h"

#define INF	INT64_MAX

static int
checked_add(int64_t a, int64_t b, int64_t *out)
{
	if (__builtin_add_overflow(a, b, out))
		return (FLOW_ERANGE);

	return (FLOW_OK);
}

/* cost + pot[u] - pot[v] of arc a out of u. */
static int
reduced(const struct flow *f, int32_t u, int32_t a, int64_t *out)
{
	int64_t		x;

	if (__builtin_add_overflow(f->arcs[a].cost, f->pot[u], &x) ||
	    __builtin_sub_overflow(x, f->pot[f->arcs[a].to], out))
		return (FLOW_ERANGE);

	return (FLOW_OK);
}

void
flow_free(struct flow *f)
{
	free(f->edges);
	free(f->arcs);
	free(f->arcof);
	free(f->start);
	free(f->pot);
	free(f->dist);
	free(f->aux);
	free(f->pos);
	free(f->level);
	free(f->cur);
	free(f->mark);
	free(f->zarcs);
	free(f->zstart);
	memset(f, 0, sizeof(*f));
}

int
flow_init(struct flow *f, int n)
{
	size_t		sz;

	memset(f, 0, sizeof(*f));
	if (n < 1)
		return (FLOW_EINVAL);
	if (n > FLOW_MAX_NODES)
		return (FLOW_ERANGE);

	sz = (size_t)n;
	f->n = n;
	f->start = calloc(sz + 1, sizeof(*f->start));
	f->pot = calloc(sz, sizeof(*f->pot));
	f->dist = calloc(sz, sizeof(*f->dist));
	f->aux = calloc(sz + 1, sizeof(*f->aux));
	f->pos = calloc(sz, sizeof(*f->pos));
	f->level = calloc(sz, sizeof(*f->level));
	f->cur = calloc(sz, sizeof(*f->cur));
	f->mark = calloc(sz, sizeof(*f->mark));
	f->zstart = calloc(sz + 1, sizeof(*f->zstart));
	if (f->start == NULL || f->pot == NULL || f->dist == NULL ||
	    f->aux == NULL || f->pos == NULL || f->level == NULL ||
	    f->cur == NULL || f->mark == NULL || f->zstart == NULL) {
		flow_free(f);
		return (FLOW_ENOMEM);
	}

	return (FLOW_OK);
}

/* Returns the new edge's id (0, 1, 2, ... in call order) or an error. */
int
flow_edge(struct flow *f, int from, int to, int64_t cap, int64_t cost)
{
	struct flow_edge_rec	*edges, *e;
	int32_t			 sz;

	if (f->n == 0 || from < 0 || from >= f->n || to < 0 || to >= f->n ||
	    cap < 0)
		return (FLOW_EINVAL);
	if (cap > FLOW_CAP_MAX || cost > FLOW_COST_MAX ||
	    cost < -FLOW_COST_MAX)
		return (FLOW_ERANGE);
	if (f->nedges >= FLOW_MAX_EDGES)
		return (FLOW_ERANGE);

	if (f->nedges == f->edgesz) {
		sz = f->edgesz == 0 ? 64 : f->edgesz * 2;
		if (sz > FLOW_MAX_EDGES)
			sz = FLOW_MAX_EDGES;
		edges = realloc(f->edges, (size_t)sz * sizeof(*edges));
		if (edges == NULL)
			return (FLOW_ENOMEM);
		f->edges = edges;
		f->edgesz = sz;
	}

	e = &f->edges[f->nedges];
	e->from = from;
	e->to = to;
	e->cap = cap;
	e->cost = cost;
	e->flow = 0;
	if (cost != 0)
		f->ncosts++;

	return (f->nedges++);
}

int
flow_edges(const struct flow *f)
{
	return (f->nedges);
}

/* Units on edge e, or -1 for an edge that does not exist. */
int64_t
flow_edge_flow(const struct flow *f, int e)
{
	if (e < 0 || e >= f->nedges)
		return (-1);

	return (f->edges[e].flow);
}

/* A new capacity for edge e; it cannot go below the flow already on it. */
int
flow_set_cap(struct flow *f, int e, int64_t cap)
{
	if (e < 0 || e >= f->nedges || cap < 0)
		return (FLOW_EINVAL);
	if (cap > FLOW_CAP_MAX)
		return (FLOW_ERANGE);
	if (cap < f->edges[e].flow)
		return (FLOW_EINVAL);
	f->edges[e].cap = cap;

	return (FLOW_OK);
}

/*
 * The residual graph, arcs grouped by tail with a stable counting sort:
 * within a node, arcs keep the order of their edges, forward and reverse
 * interleaved.
 */
static int
residual(struct flow *f)
{
	struct flow_edge_rec	*e;
	struct flow_arc		*arcs;
	int32_t			*arcof, *zarcs, n, i, fw, bw;
	size_t			 na;

	n = f->n;
	na = (size_t)f->nedges * 2;
	if (f->narcs != (int32_t)na) {
		arcs = realloc(f->arcs, (na ? na : 1) * sizeof(*arcs));
		if (arcs == NULL)
			return (FLOW_ENOMEM);
		f->arcs = arcs;
		arcof = realloc(f->arcof,
		    (f->nedges ? (size_t)f->nedges : 1) * sizeof(*arcof));
		if (arcof == NULL)
			return (FLOW_ENOMEM);
		f->arcof = arcof;
		zarcs = realloc(f->zarcs, (na ? na : 1) * sizeof(*zarcs));
		if (zarcs == NULL)
			return (FLOW_ENOMEM);
		f->zarcs = zarcs;
		f->narcs = (int32_t)na;
	}

	memset(f->start, 0, ((size_t)n + 1) * sizeof(*f->start));
	for (i = 0; i < f->nedges; i++) {
		f->start[f->edges[i].from + 1]++;
		f->start[f->edges[i].to + 1]++;
	}
	for (i = 0; i < n; i++) {
		f->start[i + 1] += f->start[i];
		f->cur[i] = f->start[i];
	}
	for (i = 0; i < f->nedges; i++) {
		e = &f->edges[i];
		fw = f->cur[e->from]++;
		bw = f->cur[e->to]++;
		f->arcof[i] = fw;
		f->arcs[fw].to = e->to;
		f->arcs[fw].rev = bw;
		f->arcs[fw].cap = e->cap - e->flow;
		f->arcs[fw].cost = e->cost;
		f->arcs[bw].to = e->from;
		f->arcs[bw].rev = fw;
		f->arcs[bw].cap = e->flow;
		f->arcs[bw].cost = -e->cost;
	}

	return (FLOW_OK);
}

/* The flow of the run back onto the edges. */
static void
record(struct flow *f)
{
	int32_t		i;

	for (i = 0; i < f->nedges; i++)
		f->edges[i].flow = f->arcs[f->arcs[f->arcof[i]].rev].cap;
}

/*
 * Potentials from every node at once (all start at 0), over the arcs
 * with residual capacity.  A shortest path of n arcs or more repeats a
 * node: a negative cycle.  aux is the circular queue, pos the number of
 * arcs on each node's current path, mark whether it is queued.
 */
static int
potentials(struct flow *f)
{
	int32_t		 n, u, v, a, qh, qt, qlen;
	int64_t		 nd;

	n = f->n;
	for (u = 0; u < n; u++) {
		f->pot[u] = 0;
		f->pos[u] = 0;
		f->mark[u] = 1;
		f->aux[u] = u;
	}
	qh = 0;
	qt = n % (n + 1);
	qlen = n;

	while (qlen > 0) {
		u = f->aux[qh];
		qh = (qh + 1) % (n + 1);
		qlen--;
		f->mark[u] = 0;
		for (a = f->start[u]; a < f->start[u + 1]; a++) {
			if (f->arcs[a].cap == 0)
				continue;
			v = f->arcs[a].to;
			if (checked_add(f->pot[u], f->arcs[a].cost, &nd) != 0)
				return (FLOW_ERANGE);
			if (nd >= f->pot[v])
				continue;
			f->pot[v] = nd;
			f->pos[v] = f->pos[u] + 1;
			if (f->pos[v] >= n)
				return (FLOW_ENEGCYCLE);
			if (!f->mark[v]) {
				f->mark[v] = 1;
				f->aux[qt] = v;
				qt = (qt + 1) % (n + 1);
				qlen++;
			}
		}
	}

	return (FLOW_OK);
}

/* Binary min-heap of nodes in aux, keyed by (dist, node); pos indexes it. */
static int
heap_less(const struct flow *f, int32_t x, int32_t y)
{
	if (f->dist[x] != f->dist[y])
		return (f->dist[x] < f->dist[y]);

	return (x < y);
}

static void
heap_up(struct flow *f, int32_t i)
{
	int32_t		v, p;

	v = f->aux[i];
	while (i > 0) {
		p = (i - 1) / 2;
		if (!heap_less(f, v, f->aux[p]))
			break;
		f->aux[i] = f->aux[p];
		f->pos[f->aux[i]] = i;
		i = p;
	}
	f->aux[i] = v;
	f->pos[v] = i;
}

static void
heap_down(struct flow *f, int32_t i, int32_t len)
{
	int32_t		v, c;

	v = f->aux[i];
	for (;;) {
		c = 2 * i + 1;
		if (c >= len)
			break;
		if (c + 1 < len && heap_less(f, f->aux[c + 1], f->aux[c]))
			c++;
		if (!heap_less(f, f->aux[c], v))
			break;
		f->aux[i] = f->aux[c];
		f->pos[f->aux[i]] = i;
		i = c;
	}
	f->aux[i] = v;
	f->pos[v] = i;
}

/*
 * Shortest augmenting path lengths on reduced costs, stopping once t is
 * settled.  Potentials move by min(dist, dist[t]): settled nodes by their
 * distance, all others by dist[t], which keeps every reduced cost >= 0
 * and those on shortest paths to t at exactly 0.  Returns 1 when t is
 * reachable, 0 when not, or an error.
 */
static int
shortest(struct flow *f, int32_t s, int32_t t)
{
	int32_t		 n, u, v, a, len;
	int64_t		 rc, nd, dt;

	n = f->n;
	for (u = 0; u < n; u++) {
		f->dist[u] = INF;
		f->pos[u] = -1;
		f->mark[u] = 0;
	}
	f->dist[s] = 0;
	f->aux[0] = s;
	f->pos[s] = 0;
	len = 1;

	while (len > 0) {
		u = f->aux[0];
		f->pos[u] = -1;
		if (--len > 0) {
			f->aux[0] = f->aux[len];
			heap_down(f, 0, len);
		}
		f->mark[u] = 1;
		if (u == t)
			break;
		for (a = f->start[u]; a < f->start[u + 1]; a++) {
			if (f->arcs[a].cap == 0)
				continue;
			v = f->arcs[a].to;
			if (f->mark[v])
				continue;
			if (reduced(f, u, a, &rc) != 0 ||
			    checked_add(f->dist[u], rc, &nd) != 0)
				return (FLOW_ERANGE);
			if (nd >= f->dist[v])
				continue;
			f->dist[v] = nd;
			if (f->pos[v] == -1) {
				f->aux[len] = v;
				heap_up(f, len);
				len++;
			} else {
				heap_up(f, f->pos[v]);
			}
		}
	}

	if (!f->mark[t])
		return (0);

	dt = f->dist[t];
	for (u = 0; u < n; u++) {
		if (checked_add(f->pot[u], f->mark[u] ? f->dist[u] : dt,
		    &f->pot[u]) != 0)
			return (FLOW_ERANGE);
	}

	return (1);
}

/*
 * The arcs of reduced cost zero, by node, in arc order: those on a
 * shortest path when they have residual capacity.  Potentials do not
 * change during the blocking flows of a phase, and the reverse of such
 * an arc has reduced cost zero too, so the list holds for the whole
 * phase: the blocking flows scan it, not every arc, and only check the
 * capacity.
 */
static int
zero_arcs(struct flow *f)
{
	int32_t		 u, a, k;
	int64_t		 rc;

	k = 0;
	for (u = 0; u < f->n; u++) {
		f->zstart[u] = k;
		for (a = f->start[u]; a < f->start[u + 1]; a++) {
			if (reduced(f, u, a, &rc) != 0)
				return (FLOW_ERANGE);
			if (rc == 0)
				f->zarcs[k++] = a;
		}
	}
	f->zstart[f->n] = k;

	return (FLOW_OK);
}

/* Dinic's levels over admissible arcs; 1 when t is reached. */
static int
levels(struct flow *f, int32_t s, int32_t t)
{
	int32_t		 u, v, a, p, qh, qt;

	for (u = 0; u < f->n; u++)
		f->level[u] = -1;
	f->level[s] = 0;
	f->aux[0] = s;
	qh = 0;
	qt = 1;
	while (qh < qt) {
		u = f->aux[qh++];
		for (p = f->zstart[u]; p < f->zstart[u + 1]; p++) {
			a = f->zarcs[p];
			v = f->arcs[a].to;
			if (f->level[v] != -1 || f->arcs[a].cap == 0)
				continue;
			f->level[v] = f->level[u] + 1;
			f->aux[qt++] = v;
		}
	}

	return (f->level[t] != -1);
}

/*
 * Blocking flows on the admissible arcs until t is out of reach.  The
 * search is iterative (aux is the stack of arcs), so long paths cannot
 * exhaust the C stack.
 */
static int
augment(struct flow *f, int32_t s, int32_t t)
{
	int32_t		 u, v, a, p, depth, i;
	int64_t		 push;
	int		 rc;

	if ((rc = zero_arcs(f)) != FLOW_OK)
		return (rc);
	for (;;) {
		if ((rc = levels(f, s, t)) <= 0)
			return (rc);
		for (u = 0; u < f->n; u++)
			f->cur[u] = f->zstart[u];

		depth = 0;
		u = s;
		for (;;) {
			if (u == t) {
				push = f->arcs[f->aux[0]].cap;
				for (i = 1; i < depth; i++) {
					if (f->arcs[f->aux[i]].cap < push)
						push = f->arcs[f->aux[i]].cap;
				}
				for (i = 0; i < depth; i++) {
					f->arcs[f->aux[i]].cap -= push;
					f->arcs[f->arcs[f->aux[i]].rev].cap +=
					    push;
				}
				for (i = 0; i < depth; i++) {
					if (f->arcs[f->aux[i]].cap == 0)
						break;
				}
				depth = i;
				u = f->arcs[f->arcs[f->aux[i]].rev].to;
				continue;
			}

			for (p = f->cur[u]; p < f->zstart[u + 1]; p++) {
				a = f->zarcs[p];
				v = f->arcs[a].to;
				if (f->level[v] == f->level[u] + 1 &&
				    f->arcs[a].cap > 0)
					break;
			}
			f->cur[u] = p;
			if (p < f->zstart[u + 1]) {
				a = f->zarcs[p];
				f->aux[depth++] = a;
				u = f->arcs[a].to;
				continue;
			}

			/* A dead end: nothing more goes through u. */
			f->level[u] = -1;
			if (depth == 0)
				break;
			a = f->aux[--depth];
			u = f->arcs[f->arcs[a].rev].to;
			f->cur[u]++;
		}
	}
}

/* The value out of s and the cost of the whole current flow. */
static int
totals(const struct flow *f, int32_t s, int64_t *value, int64_t *cost)
{
	const struct flow_edge_rec	*e;
	int32_t				 i;
	int64_t				 c, v, sum;

	v = 0;
	sum = 0;
	for (i = 0; i < f->nedges; i++) {
		e = &f->edges[i];
		if (e->flow == 0)
			continue;
		if (e->from == s && e->to != s &&
		    checked_add(v, e->flow, &v) != 0)
			return (FLOW_ERANGE);
		if (e->to == s && e->from != s &&
		    checked_add(v, -e->flow, &v) != 0)
			return (FLOW_ERANGE);
		if (__builtin_mul_overflow(e->flow, e->cost, &c) ||
		    checked_add(sum, c, &sum) != 0)
			return (FLOW_ERANGE);
	}
	if (value != NULL)
		*value = v;
	if (cost != NULL)
		*cost = sum;

	return (FLOW_OK);
}

/*
 * Push as much as possible from s to t, at least cost among maximum
 * flows.  value and cost (either may be NULL) receive the totals of the
 * whole flow, earlier runs included.
 */
int
flow_run(struct flow *f, int s, int t, int64_t *value, int64_t *cost)
{
	int		rc;

	if (f->n == 0 || s < 0 || s >= f->n || t < 0 || t >= f->n || s == t)
		return (FLOW_EINVAL);

	if ((rc = residual(f)) != FLOW_OK)
		return (rc);
	if (f->ncosts == 0) {
		/* Every path is a shortest one: a plain maximum flow. */
		memset(f->pot, 0, (size_t)f->n * sizeof(*f->pot));
		rc = augment(f, s, t);
		record(f);
		if (rc < 0)
			return (rc);
		return (totals(f, s, value, cost));
	}
	if ((rc = potentials(f)) != FLOW_OK)
		return (rc);
	for (;;) {
		if ((rc = shortest(f, s, t)) <= 0)
			break;
		if ((rc = augment(f, s, t)) < 0)
			break;
	}
	/* Whatever stopped the run, the arcs hold a valid flow. */
	record(f);
	if (rc < 0)
		return (rc);

	return (totals(f, s, value, cost));
}
