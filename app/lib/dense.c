/*
 * Dinic's algorithm on a bipartite graph given by its complement (see
 * dense.h).
 *
 * Each phase is a breadth-first search from the applications with slots
 * open, then a blocking flow along shortest augmenting paths only.  The
 * one trick is how an application's neighbours are listed without the
 * edges: the reviewers not reached yet wait in a list, and application a
 * takes every one of them except those marked for it (its blocked pairs
 * and its current reviewers).  A reviewer taken leaves the list; a
 * marked one is skipped, at most |blocked(a)| + d[a] of them.  The same
 * holds in the blocking flow, where each level keeps its live reviewers
 * in a list and dead ones are unlinked.  Reviewer -> application arcs
 * (the current assignments, reversed) are explicit.
 *
 * Cost, with n applications, m reviewers, X blocked pairs and T
 * assignments: memory O(n + m + X + T); a phase O(n + m + X + T) for the
 * search and about as much for the blocking flow, re-marking a[] when the
 * search comes back to it.  The first phase alone is a greedy that fills
 * most slots; the phases after it repair what the greedy got wrong.
 *
 * Everything is scanned in index order: the result is reproducible.
 */

#include <stdlib.h>
#include <string.h>

#include "dense.h"

#define NONE	UINT32_MAX

void
dense_free(struct dense *g)
{
	uint32_t	r;

	if (g->rapp != NULL) {
		for (r = 0; r < g->m; r++)
			free(g->rapp[r]);
	}
	free(g->rapp);
	free(g->aoff);
	free(g->arev);
	free(g->fill);
	free(g->load);
	free(g->rsz);
	free(g->lapp);
	free(g->lrev);
	free(g->queue);
	free(g->unext);
	free(g->uprev);
	free(g->head);
	free(g->tail);
	free(g->next);
	free(g->prev);
	free(g->skip);
	free(g->stack);
	memset(g, 0, sizeof(*g));
}

static void *
zalloc(size_t n, size_t sz)
{
	return (calloc(n ? n : 1, sz));
}

/*
 * n applications with demands d[], m reviewers, blocked pairs per app in
 * boff[]/brev[].  The arrays are borrowed: they must outlive g.
 */
int
dense_init(struct dense *g, uint32_t n, uint32_t m, const uint32_t *boff,
    const uint32_t *brev, const uint32_t *d)
{
	size_t		nm, a, slots;

	memset(g, 0, sizeof(*g));
	g->n = n;
	g->m = m;
	g->boff = boff;
	g->brev = brev;
	g->d = d;
	nm = (size_t)n + m;

	g->aoff = zalloc((size_t)n + 1, sizeof(*g->aoff));
	if (g->aoff == NULL)
		return (DENSE_ENOMEM);
	slots = 0;
	for (a = 0; a < n; a++) {
		g->aoff[a] = (uint32_t)slots;
		slots += d[a];
	}
	g->aoff[n] = (uint32_t)slots;

	g->arev = zalloc(slots, sizeof(*g->arev));
	g->fill = zalloc(n, sizeof(*g->fill));
	g->rapp = zalloc(m, sizeof(*g->rapp));
	g->load = zalloc(m, sizeof(*g->load));
	g->rsz = zalloc(m, sizeof(*g->rsz));
	g->lapp = zalloc(n, sizeof(*g->lapp));
	g->lrev = zalloc(m, sizeof(*g->lrev));
	g->queue = zalloc(nm, sizeof(*g->queue));
	g->unext = zalloc((size_t)m + 1, sizeof(*g->unext));
	g->uprev = zalloc((size_t)m + 1, sizeof(*g->uprev));
	g->head = zalloc(nm + 2, sizeof(*g->head));
	g->tail = zalloc(nm + 2, sizeof(*g->tail));
	g->next = zalloc(m, sizeof(*g->next));
	g->prev = zalloc(m, sizeof(*g->prev));
	g->skip = zalloc(m, sizeof(*g->skip));
	g->stack = zalloc(nm + 1, sizeof(*g->stack));
	if (g->arev == NULL || g->fill == NULL || g->rapp == NULL ||
	    g->load == NULL || g->rsz == NULL || g->lapp == NULL ||
	    g->lrev == NULL || g->queue == NULL || g->unext == NULL ||
	    g->uprev == NULL || g->head == NULL || g->tail == NULL ||
	    g->next == NULL || g->prev == NULL || g->skip == NULL ||
	    g->stack == NULL) {
		dense_free(g);
		return (DENSE_ENOMEM);
	}

	return (DENSE_OK);
}

/* Back to no assignment at all. */
void
dense_reset(struct dense *g)
{
	memset(g->fill, 0, g->n * sizeof(*g->fill));
	memset(g->load, 0, g->m * sizeof(*g->load));
}

/* Marks a's blocked and current reviewers; returns the stamp. */
static uint32_t
mark(struct dense *g, uint32_t a)
{
	uint32_t	i;

	if (++g->stamp == 0) {
		memset(g->skip, 0, g->m * sizeof(*g->skip));
		g->stamp = 1;
	}
	for (i = g->boff[a]; i < g->boff[a + 1]; i++)
		g->skip[g->brev[i]] = g->stamp;
	for (i = 0; i < g->fill[a]; i++)
		g->skip[g->arev[g->aoff[a] + i]] = g->stamp;

	return (g->stamp);
}

static int
pair_add(struct dense *g, uint32_t a, uint32_t r)
{
	uint32_t	*p, sz;

	if (g->load[r] == g->rsz[r]) {
		sz = g->rsz[r] == 0 ? 8 : g->rsz[r] * 2;
		if ((p = realloc(g->rapp[r], sz * sizeof(*p))) == NULL)
			return (DENSE_ENOMEM);
		g->rapp[r] = p;
		g->rsz[r] = sz;
	}
	g->rapp[r][g->load[r]++] = a;
	g->arev[g->aoff[a] + g->fill[a]++] = r;

	return (DENSE_OK);
}

/* Order within the lists does not matter: swap with the last. */
static void
pair_del(struct dense *g, uint32_t a, uint32_t r)
{
	uint32_t	i, *v;

	v = g->rapp[r];
	for (i = 0; i < g->load[r]; i++) {
		if (v[i] == a) {
			v[i] = v[--g->load[r]];
			break;
		}
	}
	v = g->arev + g->aoff[a];
	for (i = 0; i < g->fill[a]; i++) {
		if (v[i] == r) {
			v[i] = v[--g->fill[a]];
			break;
		}
	}
}

static void
level_append(struct dense *g, uint32_t r, uint32_t level)
{
	g->next[r] = NONE;
	g->prev[r] = g->tail[level];
	if (g->tail[level] == NONE)
		g->head[level] = r;
	else
		g->next[g->tail[level]] = r;
	g->tail[level] = r;
}

/* r is of no more use in this phase. */
static void
level_kill(struct dense *g, uint32_t r)
{
	uint32_t	level;

	level = (uint32_t)g->lrev[r];
	if (g->prev[r] == NONE)
		g->head[level] = g->next[r];
	else
		g->next[g->prev[r]] = g->next[r];
	if (g->next[r] == NONE)
		g->tail[level] = g->prev[r];
	else
		g->prev[g->next[r]] = g->prev[r];
	g->lrev[r] = -2;
}

/*
 * Levels from the applications with open slots, up to the first level
 * holding a reviewer below capacity; that level is returned, or -1 when
 * there is none: the flow is maximum.
 */
static int32_t
levels(struct dense *g, const uint32_t *cap)
{
	uint32_t	a, r, x, i, nr, qh, qt, stamp, head;
	int32_t		lt, level;

	head = g->m;
	for (r = 0; r <= g->m; r++) {
		g->unext[r] = r == g->m ? (g->m == 0 ? head : 0) : r + 1;
		g->uprev[r] = r == 0 ? head : r - 1;
		if (r < g->m)
			g->lrev[r] = -1;
	}
	if (g->m > 0)
		g->unext[g->m - 1] = head;
	for (i = 0; i < g->n + g->m + 2; i++)
		g->head[i] = g->tail[i] = NONE;

	qh = qt = 0;
	for (a = 0; a < g->n; a++) {
		g->lapp[a] = g->fill[a] < g->d[a] ? 0 : -1;
		if (g->lapp[a] == 0)
			g->queue[qt++] = a;
	}
	lt = -1;
	while (qh < qt) {
		x = g->queue[qh++];
		if (x < g->n) {
			level = g->lapp[x] + 1;
			if (lt != -1 && level > lt)
				continue;
			stamp = mark(g, x);
			for (r = g->unext[head]; r != head; r = nr) {
				nr = g->unext[r];
				if (g->skip[r] == stamp)
					continue;
				g->unext[g->uprev[r]] = nr;
				g->uprev[nr] = g->uprev[r];
				g->lrev[r] = level;
				level_append(g, r, (uint32_t)level);
				g->queue[qt++] = g->n + r;
			}
			continue;
		}
		r = x - g->n;
		if (g->load[r] < cap[r]) {
			if (lt == -1)
				lt = g->lrev[r];
			continue;
		}
		if (lt != -1)
			continue;
		for (i = 0; i < g->load[r]; i++) {
			a = g->rapp[r][i];
			if (g->lapp[a] != -1)
				continue;
			g->lapp[a] = g->lrev[r] + 1;
			g->queue[qt++] = a;
		}
	}

	return (lt);
}

/* Flips the path on the stack: new pairs forward, old ones dropped. */
static int
flip(struct dense *g, uint32_t depth)
{
	uint32_t	i, a, r;

	for (i = 2; i < depth; i += 2)
		pair_del(g, g->stack[i], g->stack[i - 1] - g->n);
	for (i = 0; i + 1 < depth; i += 2) {
		a = g->stack[i];
		r = g->stack[i + 1] - g->n;
		if (pair_add(g, a, r) != DENSE_OK)
			return (DENSE_ENOMEM);
	}

	return (DENSE_OK);
}

/* Blocking flow on the levels, one unit per path. */
static int
blocking(struct dense *g, const uint32_t *cap, int32_t lt)
{
	uint32_t	root, x, r, y, i, depth, stamp;
	int32_t		level;
	int		found;

	for (root = 0; root < g->n; root++) {
		while (g->lapp[root] == 0 && g->fill[root] < g->d[root]) {
			depth = 0;
			g->stack[depth++] = root;
			found = 0;
			while (depth > 0 && !found) {
				x = g->stack[depth - 1];
				if (x < g->n) {
					level = g->lapp[x] + 1;
					stamp = mark(g, x);
					r = g->head[level];
					while (r != NONE && g->skip[r] == stamp)
						r = g->next[r];
					if (r == NONE) {
						g->lapp[x] = -2;
						depth--;
					} else {
						g->stack[depth++] = g->n + r;
					}
					continue;
				}
				r = x - g->n;
				level = g->lrev[r];
				if (level == lt) {
					if (g->load[r] < cap[r]) {
						found = 1;
						continue;
					}
					level_kill(g, r);
					depth--;
					continue;
				}
				y = NONE;
				for (i = 0; i < g->load[r]; i++) {
					if (g->lapp[g->rapp[r][i]] ==
					    level + 1) {
						y = g->rapp[r][i];
						break;
					}
				}
				if (y == NONE) {
					level_kill(g, r);
					depth--;
				} else {
					g->stack[depth++] = y;
				}
			}
			if (!found)
				break;
			if (flip(g, depth) != DENSE_OK)
				return (DENSE_ENOMEM);
			r = g->stack[depth - 1] - g->n;
			if (g->load[r] >= cap[r])
				level_kill(g, r);
		}
	}

	return (DENSE_OK);
}

/*
 * A maximum assignment for capacities cap[], grown from the current one;
 * value receives the number of pairs.
 */
int
dense_run(struct dense *g, const uint32_t *cap, uint64_t *value)
{
	uint32_t	r;
	uint64_t	v;
	int32_t		lt;

	for (r = 0; r < g->m; r++) {
		if (cap[r] < g->load[r])
			return (DENSE_EINVAL);
	}
	while ((lt = levels(g, cap)) != -1) {
		if (blocking(g, cap, lt) != DENSE_OK)
			return (DENSE_ENOMEM);
	}
	v = 0;
	for (r = 0; r < g->m; r++)
		v += g->load[r];
	*value = v;

	return (DENSE_OK);
}
