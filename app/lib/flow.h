/*
 * Minimum-cost maximum flow on a directed graph with integer capacities
 * and integer costs, negative ones included.  Pure C, libc only: the
 * reviewer assignment (assign.c) and the mentor matching (match.c) are
 * built on it.
 *
 *	struct flow	f;
 *	int		e;
 *
 *	flow_init(&f, 4);
 *	e = flow_edge(&f, 0, 1, 2, -3);		edge id, or an error
 *	...
 *	flow_run(&f, 0, 3, &value, &cost);
 *	flow_edge_flow(&f, e);			units on that edge
 *	flow_free(&f);
 *
 * flow_run() may be called again after flow_edge() or flow_set_cap(): it
 * continues from the current flow to a maximum one.  The result is of
 * minimum cost whenever the residual graph it starts from has no negative
 * cycle; when it has one (say an edge of negative cost was added next to
 * flow already placed), FLOW_ENEGCYCLE is returned and nothing changes.
 *
 * Any other error stops a run where it is: the flow reached so far stays,
 * valid but perhaps not maximal.
 *
 * Same graph, same edge order: same flow on every edge, always.
 *
 * Memory is O(nodes + edges), about 92 bytes an edge during a run.  Time
 * is a Bellman-Ford, then one Dijkstra and one Dinic blocking flow per
 * distinct length of shortest augmenting path: fast when costs span a
 * small range, as in assign.c and match.c (see flow.c for the bounds).
 *
 * The members of struct flow are private.
 */

#ifndef SEN_FLOW_H
#define SEN_FLOW_H

#include <stdint.h>

#define FLOW_OK			0
#define FLOW_ENOMEM		-1
#define FLOW_EINVAL		-2	/* bad node, negative capacity, s == t */
#define FLOW_ERANGE		-3	/* a limit below, or an int64 overflow */
#define FLOW_ENEGCYCLE		-4	/* a negative-cost cycle with capacity */

/*
 * Limits that keep every potential and distance inside an int64: a path
 * has fewer than FLOW_MAX_NODES arcs of at most FLOW_COST_MAX each.
 */
#define FLOW_MAX_NODES		(1 << 21)
#define FLOW_MAX_EDGES		(1 << 27)
#define FLOW_CAP_MAX		((int64_t)1 << 40)
#define FLOW_COST_MAX		((int64_t)1 << 40)

struct flow_edge_rec {
	int32_t		from;
	int32_t		to;
	int64_t		cap;
	int64_t		cost;
	int64_t		flow;
};

/* The residual graph of a run, arcs grouped by tail node. */
struct flow_arc {
	int32_t		to;
	int32_t		rev;	/* the paired arc */
	int64_t		cap;	/* residual capacity */
	int64_t		cost;
};

struct flow {
	int32_t			 n;
	int32_t			 nedges;
	int32_t			 edgesz;
	int32_t			 ncosts;	/* edges of nonzero cost */
	struct flow_edge_rec	*edges;
	/* Scratch of flow_run(), kept for the next run. */
	int32_t			 narcs;
	struct flow_arc		*arcs;
	int32_t			*arcof;	/* edge e's forward arc */
	int32_t			*start;	/* node u's arcs: start[u]..start[u+1] */
	int64_t			*pot;	/* potentials: reduced costs >= 0 */
	int64_t			*dist;
	int32_t			*aux;	/* queue, heap or stack */
	int32_t			*pos;	/* heap positions, SPFA path lengths */
	int32_t			*level;
	int32_t			*cur;
	uint8_t			*mark;
	int32_t			*zarcs;	/* arcs of reduced cost 0, by node: */
	int32_t			*zstart;	/* zarcs[zstart[u]..zstart[u+1]) */
};

int	flow_init(struct flow *, int);
int	flow_edge(struct flow *, int, int, int64_t, int64_t);
int	flow_set_cap(struct flow *, int, int64_t);
int	flow_run(struct flow *, int, int, int64_t *, int64_t *);
int64_t	flow_edge_flow(const struct flow *, int);
int	flow_edges(const struct flow *);
void	flow_free(struct flow *);

#endif
