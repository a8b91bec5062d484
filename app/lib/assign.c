/*
 * Reviewer assignment (see assign.h) as flows over the network
 *
 *	source -> application	capacity: slots still open, d_a
 *	application -> reviewer	capacity 1, only for pairs without conflict
 *	reviewer -> sink	capacity: what the balance rule allows
 *
 * Balance as bounds.  At level q, reviewer r with f_r manual assignments
 * and D_r applications it could still be added to must get between
 *	lo_r(q) = min(q - f_r, D_r), at least 0,  and  hi_r(q) = q + 1 - f_r,
 * at least 0, new assignments.  The min with D_r is the LIMITED exception
 * of assign.h, the floor at 0 the MANUAL one.  Feasibility is monotone:
 * from a flow at level q, taking one assignment off each reviewer above
 * q gives one at level q - 1.
 *
 * The level first, then the total.  A flow meeting the lower bounds exists
 * iff the maximum flow with capacities lo_r(q) saturates them all: one
 * maximum flow per probe.  A binary search finds the highest feasible q*,
 * starting with the highest q whose lower bounds fit in the open slots at
 * all, which is the answer in the usual case: one probe.  Then capacities
 * go up to hi_r(q*) and the flow continues; augmenting paths end with an
 * arc into the sink and only ever add to it, so the lower bounds stay met
 * and the flow is a maximum under both bounds.  Putting q first is the
 * house rule (no reviewer more than one above another); the cost is that
 * when the rule binds, slots stay empty, and those applications say so
 * (ASSIGN_SHORT_BALANCE).
 *
 * Tie-break.  Application a owns the slots s_a .. s_a + d_a - 1 of a round
 * robin over the reviewers (s_a: the open slots of the applications before
 * it), and pair (a, r) costs the distance from s_a to r in that cycle.  A
 * last minimum-cost maximum flow, with each reviewer's arc to the sink
 * split into lo_r units at cost -B and hi_r - lo_r at 0, picks the result:
 * B is above any possible sum of pair costs, so every minimum-cost maximum
 * flow meets the lower bounds, and among those it is the cheapest.  Without
 * conflicts that is the round robin itself.  The inputs are sorted, so the
 * result depends only on the sets of ids and pairs.
 *
 * Sparse pairs.  Every pair without a conflict would be n m edges: 40
 * million for 20 000 applications and 2 000 reviewers.  Instead each
 * application is first offered only its c nearest reviewers in the round
 * robin.  That may miss the optimum, so after every maximum flow a breadth
 * first search over the complete graph looks for an augmenting path, in
 * O(n + m + conflicts + assignments) without listing the pairs: reviewers
 * not reached yet wait in a list, and an application takes all of them
 * but its conflicts and current reviewers, which are skipped at a cost
 * bounded by their number.  Pairs missing from the paths it finds are
 * added (at most m a search) and the flow continues.  When it finds none,
 * the flow is a maximum on the complete graph: q* and the total are exact,
 * not approximations.  The tie-break is then taken over the pairs offered.
 *
 * Cost, with P pairs offered (about n c) and X conflicts: memory
 * O(n + m + X + P), 100 bytes or so a pair; time a few maximum flows on
 * P edges (flow.c), each followed by an O(n + m + X + P) search, and in
 * the usual case one probe, one raise and the final flow.
 */

#include <stdlib.h>
#include <string.h>

#include "assign.h"
#include "flow.h"

#define NONE		UINT32_MAX

struct ctx {
	uint32_t	 n;		/* applications */
	uint32_t	 m;		/* reviewers */
	uint32_t	 k;
	int64_t		*app_id;	/* ascending */
	int64_t		*rev_id;
	uint32_t	*xoff;		/* conflicts and recusals, per app */
	uint32_t	*xrev;
	uint32_t	*foff;		/* manual assignments, per app */
	uint32_t	*frev;
	uint32_t	*d;		/* open slots, per app */
	uint32_t	*nfix;		/* manual assignments, per reviewer */
	uint32_t	*open;		/* D_r */
	uint64_t	 sumd;

	/* Pairs offered to the flow. */
	uint32_t	*papp;
	uint32_t	*prev;
	uint32_t	*pcost;		/* tie-break */
	int32_t		*pedge;
	uint32_t	 lazycost;	/* of pairs the search adds */
	size_t		 np;
	size_t		 psz;
	size_t		 lazy;

	struct flow	 net;
	int		 have_net;
	int32_t		 rbase;		/* first reviewer -> sink edge */
	uint32_t	*cap;		/* reviewer -> sink, per reviewer */
	unsigned int	 probes;

	/* Search scratch. */
	uint32_t	*load;		/* new assignments, per reviewer */
	uint32_t	*fill;		/* per app */
	uint32_t	*aoff;		/* current reviewers, per app */
	uint32_t	*arev;
	uint32_t	*roff;		/* current apps, per reviewer */
	uint32_t	*rapp;
	uint32_t	*ioff;		/* pairs offered, per app */
	uint32_t	*irev;
	size_t		 scrsz;		/* room in arev, rapp, irev */
	uint32_t	*skip;		/* stamps, per reviewer */
	uint32_t	*inset;
	uint32_t	 stamp;
	uint32_t	*lnext;		/* reviewers not reached: a list */
	uint32_t	*lprev;
	uint32_t	*queue;
	uint32_t	*par_app;	/* per reviewer */
	uint32_t	*par_rev;	/* per app */
	uint8_t		*seen;		/* per app */
	uint8_t		*missing;	/* per reviewer: reached by a new pair */
	uint8_t		*done;		/* per reviewer */
};

static int
cmp_i64(const void *a, const void *b)
{
	int64_t		x = *(const int64_t *)a, y = *(const int64_t *)b;

	return ((x > y) - (x < y));
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t	x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return ((x > y) - (x < y));
}

static void *
xcalloc(size_t n, size_t sz)
{
	return (calloc(n ? n : 1, sz));
}

static uint32_t
find(const int64_t *ids, uint32_t n, int64_t id)
{
	uint32_t	lo, hi, mid;

	lo = 0;
	hi = n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && ids[lo] == id)
		return (lo);

	return (NONE);
}

static int
sorted_ids(const int64_t *in, size_t n, int64_t **out)
{
	size_t		i;

	if ((*out = xcalloc(n, sizeof(**out))) == NULL)
		return (ASSIGN_ENOMEM);
	if (n > 0)
		memcpy(*out, in, n * sizeof(**out));
	qsort(*out, n, sizeof(**out), cmp_i64);
	for (i = 1; i < n; i++) {
		if ((*out)[i] == (*out)[i - 1])
			return (ASSIGN_EINVAL);
	}

	return (ASSIGN_OK);
}

/*
 * Pairs as (app << 32 | rev), sorted and without repeats, grouped per
 * application into off[]/rev[].  Unknown ids are skipped, or refused when
 * strict.
 */
static int
group(struct ctx *c, const struct assign_pair *p1, size_t n1,
    const struct assign_pair *p2, size_t n2, int strict, uint32_t **off,
    uint32_t **rev)
{
	uint64_t			*key;
	const struct assign_pair	*p;
	size_t				 i, nk, j;
	uint32_t			 a, r;

	if ((key = xcalloc(n1 + n2, sizeof(*key))) == NULL)
		return (ASSIGN_ENOMEM);
	nk = 0;
	for (i = 0; i < n1 + n2; i++) {
		p = i < n1 ? &p1[i] : &p2[i - n1];
		a = find(c->app_id, c->n, p->app);
		r = find(c->rev_id, c->m, p->rev);
		if (a == NONE || r == NONE) {
			if (strict) {
				free(key);
				return (ASSIGN_EINVAL);
			}
			continue;
		}
		key[nk++] = (uint64_t)a << 32 | r;
	}
	qsort(key, nk, sizeof(*key), cmp_u64);

	*off = xcalloc((size_t)c->n + 1, sizeof(**off));
	*rev = xcalloc(nk, sizeof(**rev));
	if (*off == NULL || *rev == NULL) {
		free(key);
		return (ASSIGN_ENOMEM);
	}
	j = 0;
	for (i = 0; i < nk; i++) {
		if (i > 0 && key[i] == key[i - 1])
			continue;
		(*off)[(key[i] >> 32) + 1]++;
		(*rev)[j++] = (uint32_t)key[i];
	}
	for (a = 0; a < c->n; a++)
		(*off)[a + 1] += (*off)[a];
	free(key);

	return (ASSIGN_OK);
}

/* A fresh stamp for skip[] and inset[]: marks from before are void. */
static uint32_t
next_stamp(struct ctx *c)
{
	if (++c->stamp == 0) {
		memset(c->skip, 0, c->m * sizeof(*c->skip));
		memset(c->inset, 0, c->m * sizeof(*c->inset));
		c->stamp = 1;
	}

	return (c->stamp);
}

/* Marks app a's conflicts and manual reviewers in skip[]. */
static uint32_t
mark_blocked(struct ctx *c, uint32_t a)
{
	uint32_t	i, stamp;

	stamp = next_stamp(c);
	for (i = c->xoff[a]; i < c->xoff[a + 1]; i++)
		c->skip[c->xrev[i]] = stamp;
	for (i = c->foff[a]; i < c->foff[a + 1]; i++)
		c->skip[c->frev[i]] = stamp;

	return (stamp);
}

static int
prepare(struct ctx *c, const struct assign_input *in)
{
	uint32_t	a, r, i, nopen, nx, nf, stamp;
	uint64_t	pos;	/* open slots so far */
	int		rc;

	if ((rc = sorted_ids(in->apps, in->napps, &c->app_id)) != ASSIGN_OK)
		return (rc);
	if ((rc = sorted_ids(in->revs, in->nrevs, &c->rev_id)) != ASSIGN_OK)
		return (rc);
	if ((rc = group(c, in->conflicts, in->nconflicts, in->recusals,
	    in->nrecusals, 0, &c->xoff, &c->xrev)) != ASSIGN_OK)
		return (rc);
	if ((rc = group(c, in->fixed, in->nfixed, NULL, 0, 1, &c->foff,
	    &c->frev)) != ASSIGN_OK)
		return (rc);

	c->d = xcalloc(c->n, sizeof(*c->d));
	c->fill = xcalloc(c->n, sizeof(*c->fill));
	c->seen = xcalloc(c->n, sizeof(*c->seen));
	c->par_rev = xcalloc(c->n, sizeof(*c->par_rev));
	c->aoff = xcalloc((size_t)c->n + 1, sizeof(*c->aoff));
	c->ioff = xcalloc((size_t)c->n + 1, sizeof(*c->ioff));
	c->nfix = xcalloc(c->m, sizeof(*c->nfix));
	c->open = xcalloc(c->m, sizeof(*c->open));
	c->cap = xcalloc(c->m, sizeof(*c->cap));
	c->load = xcalloc(c->m, sizeof(*c->load));
	c->skip = xcalloc(c->m, sizeof(*c->skip));
	c->inset = xcalloc(c->m, sizeof(*c->inset));
	c->par_app = xcalloc(c->m, sizeof(*c->par_app));
	c->missing = xcalloc(c->m, sizeof(*c->missing));
	c->done = xcalloc(c->m, sizeof(*c->done));
	c->roff = xcalloc((size_t)c->m + 1, sizeof(*c->roff));
	c->lnext = xcalloc((size_t)c->m + 1, sizeof(*c->lnext));
	c->lprev = xcalloc((size_t)c->m + 1, sizeof(*c->lprev));
	c->queue = xcalloc((size_t)c->n + c->m, sizeof(*c->queue));
	if (c->d == NULL || c->fill == NULL ||
	    c->seen == NULL || c->par_rev == NULL || c->aoff == NULL ||
	    c->ioff == NULL || c->nfix == NULL || c->open == NULL ||
	    c->cap == NULL || c->load == NULL || c->skip == NULL ||
	    c->inset == NULL || c->par_app == NULL || c->missing == NULL ||
	    c->done == NULL || c->roff == NULL || c->lnext == NULL ||
	    c->lprev == NULL || c->queue == NULL)
		return (ASSIGN_ENOMEM);

	/* A manual assignment to a conflict is a contradiction. */
	for (a = 0; a < c->n; a++) {
		stamp = next_stamp(c);
		for (i = c->foff[a]; i < c->foff[a + 1]; i++)
			c->skip[c->frev[i]] = stamp;
		for (i = c->xoff[a]; i < c->xoff[a + 1]; i++) {
			if (c->skip[c->xrev[i]] == stamp)
				return (ASSIGN_ECONFLICT);
		}
	}

	pos = 0;
	nopen = 0;
	for (a = 0; a < c->n; a++) {
		nf = c->foff[a + 1] - c->foff[a];
		c->d[a] = nf < c->k ? c->k - nf : 0;
		for (i = c->foff[a]; i < c->foff[a + 1]; i++)
			c->nfix[c->frev[i]]++;
		if (c->m == 0 || c->d[a] == 0)
			continue;
		pos += c->d[a];
		nopen++;
	}
	c->sumd = pos;

	/* D_r: the open applications, less those r is blocked from. */
	for (r = 0; r < c->m; r++)
		c->open[r] = nopen;
	for (a = 0; a < c->n; a++) {
		if (c->d[a] == 0)
			continue;
		nx = c->xoff[a + 1] - c->xoff[a];
		for (i = 0; i < nx; i++)
			c->open[c->xrev[c->xoff[a] + i]]--;
		for (i = c->foff[a]; i < c->foff[a + 1]; i++)
			c->open[c->frev[i]]--;
	}

	return (ASSIGN_OK);
}

static int
add_pair(struct ctx *c, uint32_t a, uint32_t r, uint32_t cost)
{
	size_t		 sz;
	uint32_t	*pa, *pr, *pc;
	int32_t		*pe;

	if (c->np == c->psz) {
		sz = c->psz == 0 ? 1024 : c->psz * 2;
		if (sz > FLOW_MAX_EDGES)
			return (ASSIGN_ERANGE);
		pa = realloc(c->papp, sz * sizeof(*pa));
		if (pa != NULL)
			c->papp = pa;
		pr = realloc(c->prev, sz * sizeof(*pr));
		if (pr != NULL)
			c->prev = pr;
		pc = realloc(c->pcost, sz * sizeof(*pc));
		if (pc != NULL)
			c->pcost = pc;
		pe = realloc(c->pedge, sz * sizeof(*pe));
		if (pe != NULL)
			c->pedge = pe;
		if (pa == NULL || pr == NULL || pc == NULL || pe == NULL)
			return (ASSIGN_ENOMEM);
		c->psz = sz;
	}
	c->papp[c->np] = a;
	c->prev[c->np] = r;
	c->pcost[c->np] = cost;
	c->pedge[c->np] = -1;
	c->np++;

	return (ASSIGN_OK);
}

/*
 * The round robin: reviewers in index order, round after round, each
 * appearing as many times as its fair share of new work.  Application a
 * takes the next d_a places; without conflicts that alone balances the
 * loads, manual assignments included.  Its candidates are the first
 * `want' distinct reviewers it may have from its place on, at costs 0, 1,
 * 2, ...: the tie-break prefers the round robin.
 */
static int
offer(struct ctx *c, unsigned int want)
{
	uint32_t	*seq, *share, a, r, j, got, stamp, top;
	uint64_t	 fair, len, pos, i, steps;
	int		 rc;

	if (c->m == 0 || c->sumd == 0)
		return (ASSIGN_OK);
	if (want > c->m)
		want = c->m;
	c->lazycost = want;

	fair = (c->sumd + c->foff[c->n] + c->m - 1) / c->m;
	if ((share = xcalloc(c->m, sizeof(*share))) == NULL)
		return (ASSIGN_ENOMEM);
	len = 0;
	top = 0;
	for (r = 0; r < c->m; r++) {
		share[r] = fair > c->nfix[r] ? (uint32_t)(fair - c->nfix[r]) :
		    0;
		if (share[r] > c->open[r])
			share[r] = c->open[r];
		if (share[r] > top)
			top = share[r];
		len += share[r];
	}
	if (len == 0) {
		free(share);
		return (ASSIGN_OK);
	}
	if ((seq = xcalloc(len, sizeof(*seq))) == NULL) {
		free(share);
		return (ASSIGN_ENOMEM);
	}
	i = 0;
	for (j = 0; j < top; j++) {
		for (r = 0; r < c->m; r++) {
			if (share[r] > j)
				seq[i++] = r;
		}
	}
	free(share);

	/* Past 2m + want places every reviewer in the cycle has been seen. */
	steps = 2 * (uint64_t)c->m + want;
	if (steps > len)
		steps = len;
	pos = 0;
	rc = ASSIGN_OK;
	for (a = 0; a < c->n && rc == ASSIGN_OK; a++) {
		if (c->d[a] == 0)
			continue;
		stamp = mark_blocked(c, a);
		got = 0;
		for (i = 0; i < steps && got < want; i++) {
			r = seq[(pos + i) % len];
			if (c->skip[r] == stamp || c->inset[r] == stamp)
				continue;
			c->inset[r] = stamp;
			if ((rc = add_pair(c, a, r, got)) != ASSIGN_OK)
				break;
			got++;
		}
		/* Short of candidates, in index order: those without share. */
		for (r = 0; r < c->m && got < want && rc == ASSIGN_OK; r++) {
			if (c->skip[r] == stamp || c->inset[r] == stamp)
				continue;
			c->inset[r] = stamp;
			rc = add_pair(c, a, r, got);
			got++;
		}
		pos += c->d[a];
	}
	free(seq);

	return (rc);
}

static uint32_t
lower(const struct ctx *c, uint32_t q, uint32_t r)
{
	uint32_t	v;

	if (q <= c->nfix[r])
		return (0);
	v = q - c->nfix[r];

	return (v < c->open[r] ? v : c->open[r]);
}

static uint32_t
upper(const struct ctx *c, uint32_t q, uint32_t r)
{
	return (q + 1 > c->nfix[r] ? q + 1 - c->nfix[r] : 0);
}

static int
flow_err(int rc)
{
	if (rc == FLOW_ENOMEM)
		return (ASSIGN_ENOMEM);
	if (rc == FLOW_ERANGE)
		return (ASSIGN_ERANGE);

	return (ASSIGN_EINTERNAL);
}

/*
 * A fresh network over the pairs offered so far.  With final set, the
 * reviewer arcs are split for the lower bounds and pairs carry their
 * round robin cost; otherwise every cost is 0 and cap[] is the capacity.
 */
static int
build(struct ctx *c, int final, uint32_t q)
{
	uint32_t	a, r, t;
	size_t		p;
	int64_t		big;
	int		rc, e;

	if (c->have_net)
		flow_free(&c->net);
	c->have_net = 0;
	t = c->n + c->m + 1;
	if ((rc = flow_init(&c->net, (int)t + 1)) != FLOW_OK)
		return (flow_err(rc));
	c->have_net = 1;

	for (a = 0; a < c->n; a++) {
		if ((rc = flow_edge(&c->net, 0, 1 + a, c->d[a], 0)) < 0)
			return (flow_err(rc));
	}
	for (p = 0; p < c->np; p++) {
		e = flow_edge(&c->net, 1 + c->papp[p], 1 + c->n + c->prev[p],
		    1, final ? (int64_t)c->pcost[p] : 0);
		if (e < 0)
			return (flow_err(e));
		c->pedge[p] = e;
	}

	/* Above any sum of pair costs: sumd pairs of at most lazycost. */
	big = (int64_t)c->sumd * c->lazycost + 1;
	if (big > FLOW_COST_MAX)
		return (ASSIGN_ERANGE);
	c->rbase = flow_edges(&c->net);
	for (r = 0; r < c->m; r++) {
		if (!final) {
			e = flow_edge(&c->net, 1 + c->n + r, t, c->cap[r], 0);
		} else {
			e = flow_edge(&c->net, 1 + c->n + r, t, lower(c, q, r),
			    -big);
			if (e >= 0)
				e = flow_edge(&c->net, 1 + c->n + r, t,
				    upper(c, q, r) - lower(c, q, r), 0);
		}
		if (e < 0)
			return (flow_err(e));
	}

	return (ASSIGN_OK);
}

/* Counting sort of (key, value) pairs into off[nkeys + 1] / val[]. */
static void
bucket(uint32_t *off, uint32_t *val, uint32_t nkeys, const uint32_t *key,
    const uint32_t *v, const uint8_t *keep, size_t n)
{
	size_t		i;
	uint32_t	j;

	memset(off, 0, ((size_t)nkeys + 1) * sizeof(*off));
	for (i = 0; i < n; i++) {
		if (keep == NULL || keep[i])
			off[key[i] + 1]++;
	}
	for (j = 0; j < nkeys; j++)
		off[j + 1] += off[j];
	for (i = 0; i < n; i++) {
		if (keep == NULL || keep[i])
			val[off[key[i]]++] = v[i];
	}
	for (j = nkeys; j > 0; j--)
		off[j] = off[j - 1];
	off[0] = 0;
}

/* Room for one entry per pair in the per-app and per-reviewer lists. */
static int
scratch(struct ctx *c)
{
	uint32_t	*x;

	if (c->scrsz >= c->np && c->arev != NULL)
		return (ASSIGN_OK);
	if ((x = realloc(c->arev, (c->psz ? c->psz : 1) * sizeof(*x))) ==
	    NULL)
		return (ASSIGN_ENOMEM);
	c->arev = x;
	if ((x = realloc(c->rapp, (c->psz ? c->psz : 1) * sizeof(*x))) ==
	    NULL)
		return (ASSIGN_ENOMEM);
	c->rapp = x;
	if ((x = realloc(c->irev, (c->psz ? c->psz : 1) * sizeof(*x))) ==
	    NULL)
		return (ASSIGN_ENOMEM);
	c->irev = x;
	c->scrsz = c->psz;

	return (ASSIGN_OK);
}

/*
 * The augmenting path search over the complete graph (see the top of the
 * file).  Adds the pairs missing from the paths found and says how many;
 * 0 proves the current flow maximum.
 */
static int
search(struct ctx *c, size_t *added)
{
	uint8_t		*used;
	uint32_t	 a, r, x, i, qh, qt, head, nr, stamp;
	size_t		 p;
	int		 rc, found;

	*added = 0;
	if ((used = xcalloc(c->np, sizeof(*used))) == NULL)
		return (ASSIGN_ENOMEM);
	memset(c->fill, 0, c->n * sizeof(*c->fill));
	memset(c->load, 0, c->m * sizeof(*c->load));
	for (p = 0; p < c->np; p++) {
		if (flow_edge_flow(&c->net, c->pedge[p]) <= 0)
			continue;
		used[p] = 1;
		c->fill[c->papp[p]]++;
		c->load[c->prev[p]]++;
	}
	if (scratch(c) != ASSIGN_OK) {
		free(used);
		return (ASSIGN_ENOMEM);
	}
	/* Current reviewers per app, current apps per reviewer, offers. */
	bucket(c->aoff, c->arev, c->n, c->papp, c->prev, used, c->np);
	bucket(c->roff, c->rapp, c->m, c->prev, c->papp, used, c->np);
	bucket(c->ioff, c->irev, c->n, c->papp, c->prev, NULL, c->np);
	free(used);

	/* Every reviewer waits, in order, behind the head m. */
	head = c->m;
	for (r = 0; r <= c->m; r++) {
		c->lnext[r] = r == c->m ? 0 : r + 1;
		c->lprev[r] = r == 0 ? c->m : r - 1;
		if (r < c->m) {
			c->missing[r] = 0;
			c->done[r] = 0;
		}
	}
	if (c->m == 0)
		c->lnext[head] = head;
	else
		c->lnext[c->m - 1] = head;

	qh = qt = 0;
	for (a = 0; a < c->n; a++) {
		c->seen[a] = c->fill[a] < c->d[a];
		c->par_rev[a] = NONE;
		if (c->seen[a])
			c->queue[qt++] = a;
	}
	found = 0;
	while (qh < qt) {
		x = c->queue[qh++];
		if (x < c->n) {
			a = x;
			stamp = mark_blocked(c, a);
			for (i = c->aoff[a]; i < c->aoff[a + 1]; i++)
				c->skip[c->arev[i]] = stamp;
			for (i = c->ioff[a]; i < c->ioff[a + 1]; i++)
				c->inset[c->irev[i]] = stamp;
			for (r = c->lnext[head]; r != head; r = nr) {
				nr = c->lnext[r];
				if (c->skip[r] == stamp)
					continue;
				c->lnext[c->lprev[r]] = nr;
				c->lprev[nr] = c->lprev[r];
				c->par_app[r] = a;
				c->missing[r] = c->inset[r] != stamp;
				c->queue[qt++] = c->n + r;
			}
			continue;
		}
		r = x - c->n;
		if (c->load[r] < c->cap[r]) {
			/* A path ends here: add what it lacks. */
			found = 1;
			while (r != NONE && !c->done[r]) {
				c->done[r] = 1;
				a = c->par_app[r];
				if (c->missing[r]) {
					if ((rc = add_pair(c, a, r,
					    c->lazycost)) != ASSIGN_OK)
						return (rc);
					(*added)++;
				}
				r = c->par_rev[a];
			}
			continue;
		}
		for (i = c->roff[r]; i < c->roff[r + 1]; i++) {
			a = c->rapp[i];
			if (c->seen[a])
				continue;
			c->seen[a] = 1;
			c->par_rev[a] = r;
			c->queue[qt++] = a;
		}
	}

	/* A path the flow itself missed would be a bug in flow.c. */
	if (found && *added == 0)
		return (ASSIGN_EINTERNAL);

	return (ASSIGN_OK);
}

/*
 * The maximum flow with the capacities in cap[], on the complete graph:
 * run, search, add the missing pairs to the network, run again.
 */
static int
maximum(struct ctx *c, int64_t *value)
{
	size_t		added, p;
	int		rc, e;

	for (;;) {
		if ((rc = flow_run(&c->net, 0, (int)(c->n + c->m + 1), value,
		    NULL)) != FLOW_OK)
			return (flow_err(rc));
		if ((rc = search(c, &added)) != ASSIGN_OK)
			return (rc);
		if (added == 0)
			return (ASSIGN_OK);
		c->lazy += added;
		for (p = c->np - added; p < c->np; p++) {
			e = flow_edge(&c->net, 1 + c->papp[p],
			    1 + c->n + c->prev[p], 1, 0);
			if (e < 0)
				return (flow_err(e));
			c->pedge[p] = e;
		}
	}
}

/* Can every reviewer get lo_r(q)?  Leaves the flow of the probe. */
static int
probe(struct ctx *c, uint32_t q, int *ok)
{
	int64_t		value, want;
	uint32_t	r;
	int		rc;

	want = 0;
	for (r = 0; r < c->m; r++) {
		c->cap[r] = lower(c, q, r);
		want += c->cap[r];
	}
	c->probes++;
	if ((rc = build(c, 0, q)) != ASSIGN_OK ||
	    (rc = maximum(c, &value)) != ASSIGN_OK)
		return (rc);
	*ok = value == want;

	return (ASSIGN_OK);
}

static uint64_t
sum_lower(const struct ctx *c, uint32_t q)
{
	uint64_t	s;
	uint32_t	r;

	s = 0;
	for (r = 0; r < c->m; r++)
		s += lower(c, q, r);

	return (s);
}

/* The level q* and the maximum flow under its bounds in the network. */
static int
solve(struct ctx *c, uint32_t *level, int64_t *value)
{
	uint32_t	lo, hi, mid, top, r, last;
	int		ok, rc;

	/* Above top, the lower bounds no longer change. */
	top = 0;
	for (r = 0; r < c->m; r++) {
		if (c->nfix[r] + c->open[r] > top)
			top = c->nfix[r] + c->open[r];
	}
	/* The highest level whose lower bounds fit in the open slots. */
	lo = 0;
	hi = top;
	while (lo < hi) {
		mid = hi - (hi - lo) / 2;
		if (sum_lower(c, mid) <= c->sumd)
			lo = mid;
		else
			hi = mid - 1;
	}

	if ((rc = probe(c, lo, &ok)) != ASSIGN_OK)
		return (rc);
	last = lo;
	if (!ok) {
		/* Level 0 is always feasible: no lower bounds. */
		hi = lo;
		lo = 0;
		while (hi - lo > 1) {
			mid = lo + (hi - lo) / 2;
			if ((rc = probe(c, mid, &ok)) != ASSIGN_OK)
				return (rc);
			last = mid;
			if (ok)
				lo = mid;
			else
				hi = mid;
		}
		if (last != lo && (rc = probe(c, lo, &ok)) != ASSIGN_OK)
			return (rc);
		if (!ok)
			return (ASSIGN_EINTERNAL);
	}

	for (r = 0; r < c->m; r++) {
		c->cap[r] = upper(c, lo, r);
		if (flow_set_cap(&c->net, c->rbase + (int)r, c->cap[r]) !=
		    FLOW_OK)
			return (ASSIGN_EINTERNAL);
	}
	if ((rc = maximum(c, value)) != ASSIGN_OK)
		return (rc);
	*level = lo;

	return (ASSIGN_OK);
}

/* The cheapest of the best: see "Tie-break" at the top. */
static int
settle(struct ctx *c, uint32_t q, int64_t want)
{
	int64_t		value;
	uint32_t	r;
	int		rc;

	if ((rc = build(c, 1, q)) != ASSIGN_OK)
		return (rc);
	if ((rc = flow_run(&c->net, 0, (int)(c->n + c->m + 1), &value,
	    NULL)) != FLOW_OK)
		return (flow_err(rc));
	if (value != want)
		return (ASSIGN_EINTERNAL);
	for (r = 0; r < c->m; r++) {
		if (flow_edge_flow(&c->net, c->rbase + 2 * (int)r) !=
		    lower(c, q, r))
			return (ASSIGN_EINTERNAL);
	}

	return (ASSIGN_OK);
}

static int
output(struct ctx *c, struct assign_result *out, uint32_t q)
{
	struct assign_app	*ap;
	struct assign_rev	*rv;
	uint8_t			*used;
	uint32_t		 a, r, i, k;
	size_t			 p, nnew, at, from;

	if ((used = xcalloc(c->np, sizeof(*used))) == NULL)
		return (ASSIGN_ENOMEM);
	nnew = 0;
	for (p = 0; p < c->np; p++) {
		if (flow_edge_flow(&c->net, c->pedge[p]) > 0) {
			used[p] = 1;
			nnew++;
		}
	}
	if (scratch(c) != ASSIGN_OK) {
		free(used);
		return (ASSIGN_ENOMEM);
	}
	bucket(c->aoff, c->arev, c->n, c->papp, c->prev, used, c->np);
	free(used);

	out->apps = xcalloc(c->n, sizeof(*out->apps));
	out->revs = xcalloc(c->m, sizeof(*out->revs));
	out->store = xcalloc(nnew + c->foff[c->n], sizeof(*out->store));
	if (out->apps == NULL || out->revs == NULL || out->store == NULL)
		return (ASSIGN_ENOMEM);
	out->napps = c->n;
	out->nrevs = c->m;
	out->level = q;
	out->added = nnew;
	out->total = nnew + c->foff[c->n];
	out->probes = c->probes;
	out->pairs = c->np;
	out->lazy = c->lazy;

	k = c->k;
	memset(c->load, 0, c->m * sizeof(*c->load));
	at = 0;
	for (a = 0; a < c->n; a++) {
		ap = &out->apps[a];
		ap->id = c->app_id[a];
		ap->nfixed = c->foff[a + 1] - c->foff[a];
		ap->eligible = c->m - (c->xoff[a + 1] - c->xoff[a]);
		ap->revs = out->store + at;
		from = at;
		for (i = c->foff[a]; i < c->foff[a + 1]; i++)
			out->store[at++] = c->rev_id[c->frev[i]];
		for (i = c->aoff[a]; i < c->aoff[a + 1]; i++) {
			r = c->arev[i];
			out->store[at++] = c->rev_id[r];
			c->load[r]++;
		}
		ap->n = (unsigned int)(at - from);
		qsort(out->store + from, ap->n, sizeof(*out->store), cmp_i64);

		out->wanted += ap->nfixed > k ? ap->nfixed : k;
		out->bound += ap->nfixed > k ? ap->nfixed :
		    (ap->eligible < k ? ap->eligible : k);
		if (ap->n >= k) {
			ap->reason = ASSIGN_FULL;
			continue;
		}
		out->nshort++;
		/*
		 * Short with a free reviewer left would leave the path
		 * source, app, reviewer, sink: only the limit can stop it.
		 */
		ap->reason = ap->n >= ap->eligible ? ASSIGN_SHORT_CONFLICTS :
		    ASSIGN_SHORT_BALANCE;
	}

	for (r = 0; r < c->m; r++) {
		rv = &out->revs[r];
		rv->id = c->rev_id[r];
		rv->nfixed = c->nfix[r];
		rv->load = c->nfix[r] + c->load[r];
		rv->open = c->open[r];
		if (rv->load < q)
			rv->state = ASSIGN_REV_LIMITED;
		else if (rv->load > q + 1)
			rv->state = ASSIGN_REV_MANUAL;
		else
			rv->state = ASSIGN_REV_BALANCED;
	}

	return (ASSIGN_OK);
}

static void
ctx_free(struct ctx *c)
{
	if (c->have_net)
		flow_free(&c->net);
	free(c->app_id);
	free(c->rev_id);
	free(c->xoff);
	free(c->xrev);
	free(c->foff);
	free(c->frev);
	free(c->d);
	free(c->pcost);
	free(c->nfix);
	free(c->open);
	free(c->papp);
	free(c->prev);
	free(c->pedge);
	free(c->cap);
	free(c->load);
	free(c->fill);
	free(c->aoff);
	free(c->arev);
	free(c->roff);
	free(c->rapp);
	free(c->ioff);
	free(c->irev);
	free(c->skip);
	free(c->inset);
	free(c->lnext);
	free(c->lprev);
	free(c->queue);
	free(c->par_app);
	free(c->par_rev);
	free(c->seen);
	free(c->missing);
	free(c->done);
}

void
assign_free(struct assign_result *out)
{
	free(out->apps);
	free(out->revs);
	free(out->store);
	memset(out, 0, sizeof(*out));
}

int
assign_run(const struct assign_input *in, struct assign_result *out)
{
	struct ctx	 c;
	uint32_t	 level;
	unsigned int	 want;
	int64_t		 value;
	int		 rc;

	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	if (in->k < 1 || in->k > ASSIGN_MAX_K ||
	    (in->napps > 0 && in->apps == NULL) ||
	    (in->nrevs > 0 && in->revs == NULL) ||
	    (in->nconflicts > 0 && in->conflicts == NULL) ||
	    (in->nrecusals > 0 && in->recusals == NULL) ||
	    (in->nfixed > 0 && in->fixed == NULL))
		return (ASSIGN_EINVAL);
	if (in->napps > ASSIGN_MAX_APPS || in->nrevs > ASSIGN_MAX_REVS)
		return (ASSIGN_ERANGE);
	c.n = (uint32_t)in->napps;
	c.m = (uint32_t)in->nrevs;
	c.k = in->k;

	want = in->candidates != 0 ? in->candidates : 2 * c.k + 2;
	if ((rc = prepare(&c, in)) == ASSIGN_OK &&
	    (rc = offer(&c, want)) == ASSIGN_OK &&
	    (rc = solve(&c, &level, &value)) == ASSIGN_OK &&
	    (rc = settle(&c, level, value)) == ASSIGN_OK)
		rc = output(&c, out, level);
	ctx_free(&c);
	if (rc != ASSIGN_OK)
		assign_free(out);

	return (rc);
}

const char *
assign_reason(int reason)
{
	switch (reason) {
	case ASSIGN_FULL:
		return ("complete");
	case ASSIGN_SHORT_CONFLICTS:
		return ("not enough reviewers without a conflict");
	case ASSIGN_SHORT_BALANCE:
		return ("the reviewers without a conflict are at their "
		    "balanced share");
	}

	return ("unknown");
}
