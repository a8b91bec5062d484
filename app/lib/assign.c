/*
 * Reviewer assignment (see assign.h) as flows over the network
 *
 *	source -> application	capacity: slots still open, d_a
 *	application -> reviewer	capacity 1, for pairs without conflict
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
 * The level first, then the total.  A maximum flow under the upper bounds
 * alone is not enough: nothing in it pushes work towards a reviewer left
 * at q - 1 while others sit at q + 1, and repairing that afterwards is a
 * flow problem of its own.  So the lower bounds come first: a flow
 * meeting them exists iff the maximum flow with capacities lo_r(q)
 * saturates them all, one maximum flow per probe.  A binary search finds
 * the highest feasible q*, starting with the highest q whose lower bounds
 * fit in the open slots at all, which is the answer in the usual case:
 * one probe.  Then capacities
 * go up to hi_r(q*) and the flow continues; augmenting paths end with an
 * arc into the sink and only ever add to it, so the lower bounds stay met
 * and the flow is a maximum under both bounds.  Putting q first is the
 * house rule (no reviewer more than one above another); the cost is that
 * when the rule binds, slots stay empty, and those applications say so
 * (ASSIGN_SHORT_BALANCE).
 *
 * These maximum flows run on the complete graph of pairs without
 * conflict, never listed (dense.c): 20 000 applications and 2 000
 * reviewers would otherwise be 40 million edges.  Their results, q* and
 * the total, are exact.
 *
 * Tie-break.  Reviewers are laid out in a round robin, each appearing as
 * often as its fair share of new work; application a takes the next d_a
 * places, and its candidates are the first c reviewers it may have from
 * there (c = 2k + 2 unless asked), at costs 0, 1, 2, ...  A last minimum-
 * cost maximum flow (flow.c) over the candidates, plus the pairs of the
 * maximum found above so that the optimum is within reach at cost c,
 * picks the result.  Each reviewer's arc to the sink is split in two:
 * lo_r units at cost -B and hi_r - lo_r at 0.  B is above any possible
 * sum of pair costs, so every minimum-cost maximum flow meets the lower
 * bounds, and among those it is the cheapest: as close to the round robin
 * as the conflicts allow, and exactly the round robin without them.  The
 * inputs are sorted, so the result depends only on the sets of ids and
 * pairs.
 *
 * Cost, with n applications, m reviewers, X conflicts and T assignments:
 * memory O(n + m + X + T + n c), about 100 bytes a candidate pair; time
 * one to log(n) maximum flows in dense.c and one minimum-cost flow on
 * n c + T edges in flow.c.
 */

#include <stdlib.h>
#include <string.h>

#include "assign.h"
#include "dense.h"
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
	uint32_t	*boff;		/* both, per app: what dense.c avoids */
	uint32_t	*brev;
	uint32_t	*d;		/* open slots, per app */
	uint32_t	*nfix;		/* manual assignments, per reviewer */
	uint32_t	*open;		/* D_r */
	uint64_t	 sumd;

	/* Pairs for the tie-break, candidates first, app by app. */
	uint32_t	*papp;
	uint32_t	*prev;
	uint32_t	*pcost;
	int32_t		*pedge;
	uint32_t	*poff;		/* app a's candidates from poff[a] */
	uint32_t	 lastcost;	/* of pairs beyond the candidates */
	size_t		 np;
	size_t		 psz;
	size_t		 extra;

	struct dense	 g;
	int		 have_g;
	uint32_t	*cap;		/* reviewer -> sink, per reviewer */
	unsigned int	 probes;

	struct flow	 net;
	int		 have_net;
	int32_t		 rbase;		/* first reviewer -> sink edge */

	uint32_t	*skip;		/* stamps, per reviewer */
	uint32_t	*inset;
	uint32_t	 stamp;
	uint32_t	*load;
	uint32_t	*aoff;		/* settled reviewers, per app */
	uint32_t	*arev;
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
	for (i = c->boff[a]; i < c->boff[a + 1]; i++)
		c->skip[c->brev[i]] = stamp;

	return (stamp);
}

static int
prepare(struct ctx *c, const struct assign_input *in)
{
	uint32_t	a, r, i, j, nopen, nx, nf, stamp;
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
	c->poff = xcalloc((size_t)c->n + 1, sizeof(*c->poff));
	c->aoff = xcalloc((size_t)c->n + 1, sizeof(*c->aoff));
	c->boff = xcalloc((size_t)c->n + 1, sizeof(*c->boff));
	c->brev = xcalloc((size_t)c->xoff[c->n] + c->foff[c->n],
	    sizeof(*c->brev));
	c->nfix = xcalloc(c->m, sizeof(*c->nfix));
	c->open = xcalloc(c->m, sizeof(*c->open));
	c->cap = xcalloc(c->m, sizeof(*c->cap));
	c->load = xcalloc(c->m, sizeof(*c->load));
	c->skip = xcalloc(c->m, sizeof(*c->skip));
	c->inset = xcalloc(c->m, sizeof(*c->inset));
	if (c->d == NULL || c->poff == NULL || c->aoff == NULL ||
	    c->boff == NULL || c->brev == NULL || c->nfix == NULL ||
	    c->open == NULL || c->cap == NULL || c->load == NULL ||
	    c->skip == NULL || c->inset == NULL)
		return (ASSIGN_ENOMEM);

	j = 0;
	for (a = 0; a < c->n; a++) {
		c->boff[a] = j;
		for (i = c->xoff[a]; i < c->xoff[a + 1]; i++)
			c->brev[j++] = c->xrev[i];
		for (i = c->foff[a]; i < c->foff[a + 1]; i++)
			c->brev[j++] = c->frev[i];
	}
	c->boff[c->n] = j;

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
	if (dense_init(&c->g, c->n, c->m, c->boff, c->brev, c->d) !=
	    DENSE_OK)
		return (ASSIGN_ENOMEM);
	c->have_g = 1;

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
	c->lastcost = want;

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
		c->poff[a] = (uint32_t)c->np;
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
	c->poff[c->n] = (uint32_t)c->np;
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
probe(struct ctx *c, uint32_t q, int *ok)
{
	uint64_t	value, want;
	uint32_t	r;

	want = 0;
	for (r = 0; r < c->m; r++) {
		c->cap[r] = lower(c, q, r);
		want += c->cap[r];
	}
	c->probes++;
	dense_reset(&c->g);
	if (dense_run(&c->g, c->cap, &value) != DENSE_OK)
		return (ASSIGN_ENOMEM);
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

/* The level q* and the maximum assignment under its bounds, in c->g. */
static int
solve(struct ctx *c, uint32_t *level, uint64_t *value)
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

	for (r = 0; r < c->m; r++)
		c->cap[r] = upper(c, lo, r);
	if (dense_run(&c->g, c->cap, value) != DENSE_OK)
		return (ASSIGN_ENOMEM);
	*level = lo;

	return (ASSIGN_OK);
}

/*
 * The pairs of the maximum in c->g that are not candidates join them, at
 * the highest cost: the minimum-cost flow can always fall back on them.
 */
static int
complete(struct ctx *c)
{
	uint32_t	a, r, i, p, stamp;
	int		rc;

	for (a = 0; a < c->n; a++) {
		stamp = next_stamp(c);
		for (p = c->poff[a]; p < c->poff[a + 1]; p++)
			c->inset[c->prev[p]] = stamp;
		for (i = 0; i < c->g.fill[a]; i++) {
			r = c->g.arev[c->g.aoff[a] + i];
			if (c->inset[r] == stamp)
				continue;
			if ((rc = add_pair(c, a, r, c->lastcost)) != ASSIGN_OK)
				return (rc);
			c->extra++;
		}
	}

	return (ASSIGN_OK);
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

/* The cheapest of the best: see "Tie-break" at the top. */
static int
settle(struct ctx *c, uint32_t q, uint64_t want)
{
	uint32_t	a, r, t;
	size_t		p;
	int64_t		big, value;
	int		rc, e;

	if ((rc = complete(c)) != ASSIGN_OK)
		return (rc);

	t = c->n + c->m + 1;
	if ((rc = flow_init(&c->net, (int)t + 1)) != FLOW_OK)
		return (flow_err(rc));
	c->have_net = 1;
	for (a = 0; a < c->n; a++) {
		if ((e = flow_edge(&c->net, 0, 1 + (int)a, c->d[a], 0)) < 0)
			return (flow_err(e));
	}
	for (p = 0; p < c->np; p++) {
		e = flow_edge(&c->net, 1 + (int)c->papp[p],
		    1 + (int)(c->n + c->prev[p]), 1, c->pcost[p]);
		if (e < 0)
			return (flow_err(e));
		c->pedge[p] = e;
	}
	/* Above any sum of pair costs: sumd pairs of at most lastcost. */
	big = (int64_t)c->sumd * c->lastcost + 1;
	if (big > FLOW_COST_MAX)
		return (ASSIGN_ERANGE);
	c->rbase = flow_edges(&c->net);
	for (r = 0; r < c->m; r++) {
		e = flow_edge(&c->net, 1 + (int)(c->n + r), (int)t,
		    lower(c, q, r), -big);
		if (e >= 0)
			e = flow_edge(&c->net, 1 + (int)(c->n + r), (int)t,
			    upper(c, q, r) - lower(c, q, r), 0);
		if (e < 0)
			return (flow_err(e));
	}

	if ((rc = flow_run(&c->net, 0, (int)t, &value, NULL)) != FLOW_OK)
		return (flow_err(rc));
	if ((uint64_t)value != want)
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
	uint32_t		 a, r, i, k;
	size_t			 p, nnew, at, from;

	/* New reviewers per application, counted then placed. */
	memset(c->aoff, 0, ((size_t)c->n + 1) * sizeof(*c->aoff));
	nnew = 0;
	for (p = 0; p < c->np; p++) {
		if (flow_edge_flow(&c->net, c->pedge[p]) > 0) {
			c->aoff[c->papp[p] + 1]++;
			nnew++;
		}
	}
	for (a = 0; a < c->n; a++)
		c->aoff[a + 1] += c->aoff[a];
	if ((c->arev = xcalloc(nnew, sizeof(*c->arev))) == NULL)
		return (ASSIGN_ENOMEM);
	for (p = 0; p < c->np; p++) {
		if (flow_edge_flow(&c->net, c->pedge[p]) > 0)
			c->arev[c->aoff[c->papp[p]]++] = c->prev[p];
	}
	for (a = c->n; a > 0; a--)
		c->aoff[a] = c->aoff[a - 1];
	c->aoff[0] = 0;

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
	out->extra = c->extra;

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
	if (c->have_g)
		dense_free(&c->g);
	if (c->have_net)
		flow_free(&c->net);
	free(c->app_id);
	free(c->rev_id);
	free(c->xoff);
	free(c->xrev);
	free(c->foff);
	free(c->frev);
	free(c->boff);
	free(c->brev);
	free(c->d);
	free(c->nfix);
	free(c->open);
	free(c->papp);
	free(c->prev);
	free(c->pcost);
	free(c->pedge);
	free(c->poff);
	free(c->cap);
	free(c->skip);
	free(c->inset);
	free(c->load);
	free(c->aoff);
	free(c->arev);
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
	uint64_t	 value;
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
