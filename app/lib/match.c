/*
 * Mentor matching (see match.h), in two stages.
 *
 * Who.  The sets of mentees that can be matched together, mentor
 * capacities respected, are the independent sets of a matroid (a
 * transversal matroid: copy each mentor once per place).  For a matroid
 * the greedy is exact: take mentees in service order and keep each one
 * that can be added to those kept so far.  The result is the unique set
 * that is lexicographically first in service order, and it is also as
 * large as any matching.  "Can be added" is an augmenting path search
 * from the new mentee over the current matching; the mentees already
 * kept stay matched along such a path, only their mentors may change.
 * When the search fails, everything it reached is closed: no arc leaves
 * it and no place is free in it, and no later path can enter it without
 * leaving again, so it is marked dead and never searched again.  A mentee
 * turned away this way lost to mentees served before it: MATCH_TAKEN.
 *
 * With whom.  A minimum-cost maximum flow (flow.c) over the mentees kept,
 * pair costs -score, mentor arcs of the places left.  Its maximum serves
 * all of them, so it is the best total compatibility for that set.
 *
 * This staging is what "priority strictly dominates compatibility" means;
 * a single flow with a bonus per mentee would need bonuses that grow with
 * the number of mentees times the largest score, for the same result.
 *
 * Cost, with n mentees, m mentors and P pairs at or above the minimum:
 * memory O(n + m + P); time O(P) per mentee kept for the search (dead
 * regions are searched once in all), then one minimum-cost flow on P
 * edges whose phases number at most the mentees kept.
 */

#include <stdlib.h>
#include <string.h>

#include "flow.h"
#include "match.h"

#define NONE	UINT32_MAX

struct ctx {
	uint32_t		 n;
	uint32_t		 m;
	struct match_mentee	*ee;		/* in service order */
	int64_t			*tor_id;	/* ascending */
	uint32_t		*cap;
	uint32_t		*off;		/* pairs of mentee i: */
	uint32_t		*tor;		/* tor[off[i] .. off[i + 1]) */
	int			*score;
	int			*reason;

	/* The greedy's matching. */
	uint32_t		*match;		/* per mentee, or NONE */
	uint32_t		*load;
	uint32_t		*first;		/* per mentor: its mentees */
	uint32_t		*next;		/* per mentee */
	uint32_t		*prev;
	uint8_t			*dead;		/* per mentor */
	uint32_t		*seen_ee;
	uint32_t		*seen_tor;
	uint32_t		 stamp;
	uint32_t		*par_tor;	/* mentee a mentor was reached from */
	uint32_t		*queue;
	uint32_t		*reached;	/* mentors reached by a search */
	uint32_t		 kept;

	struct flow		 net;
	int			 have_net;
	int32_t			*pedge;		/* per pair, or -1 */
};

static void *
zalloc(size_t n, size_t sz)
{
	return (calloc(n ? n : 1, sz));
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t		x = *(const int64_t *)a, y = *(const int64_t *)b;

	return ((x > y) - (x < y));
}

/* Service order: verified priority first, then rank, then id. */
static int
cmp_service(const void *a, const void *b)
{
	const struct match_mentee	*x = a, *y = b;

	if ((x->priority != 0) != (y->priority != 0))
		return (x->priority != 0 ? -1 : 1);
	if (x->rank != y->rank)
		return (x->rank < y->rank ? -1 : 1);

	return ((x->id > y->id) - (x->id < y->id));
}

struct key {
	int64_t		id;
	uint32_t	at;
};

static int
cmp_key(const void *a, const void *b)
{
	const struct key	*x = a, *y = b;

	return ((x->id > y->id) - (x->id < y->id));
}

static uint32_t
lookup(const struct key *keys, uint32_t n, int64_t id)
{
	uint32_t	lo, hi, mid;

	lo = 0;
	hi = n;
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (keys[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < n && keys[lo].id == id)
		return (keys[lo].at);

	return (NONE);
}

struct cand {
	uint64_t	key;		/* mentee << 32 | mentor */
	int		score;
};

static int
cmp_cand(const void *a, const void *b)
{
	const struct cand	*x = a, *y = b;

	return ((x->key > y->key) - (x->key < y->key));
}

static int
prepare(struct ctx *c, const struct match_input *in)
{
	struct key	*ek, *rk;
	struct cand	*cd;
	int64_t		*ids;
	size_t		 i, nc;
	uint32_t	 e, r;
	int		 rc;

	c->ee = zalloc(c->n, sizeof(*c->ee));
	c->tor_id = zalloc(c->m, sizeof(*c->tor_id));
	ek = zalloc(c->n, sizeof(*ek));
	rk = zalloc(c->m, sizeof(*rk));
	cd = zalloc(in->npairs, sizeof(*cd));
	ids = zalloc(c->m, sizeof(*ids));
	if (c->ee == NULL || c->tor_id == NULL || ek == NULL || rk == NULL ||
	    cd == NULL || ids == NULL) {
		rc = MATCH_ENOMEM;
		goto out;
	}

	rc = MATCH_EINVAL;
	if (c->n > 0)
		memcpy(c->ee, in->mentees, c->n * sizeof(*c->ee));
	qsort(c->ee, c->n, sizeof(*c->ee), cmp_service);
	for (e = 0; e < c->n; e++) {
		ek[e].id = c->ee[e].id;
		ek[e].at = e;
	}
	qsort(ek, c->n, sizeof(*ek), cmp_key);
	for (e = 1; e < c->n; e++) {
		if (ek[e].id == ek[e - 1].id)
			goto out;
	}

	for (r = 0; r < c->m; r++)
		ids[r] = in->mentors[r].id;
	qsort(ids, c->m, sizeof(*ids), cmp_i64);
	for (r = 0; r < c->m; r++) {
		if (r > 0 && ids[r] == ids[r - 1])
			goto out;
		c->tor_id[r] = ids[r];
		rk[r].id = ids[r];
		rk[r].at = r;
	}
	c->cap = zalloc(c->m, sizeof(*c->cap));
	if (c->cap == NULL) {
		rc = MATCH_ENOMEM;
		goto out;
	}
	for (r = 0; r < c->m; r++) {
		if (in->mentors[r].capacity > MATCH_MAX_CAPACITY) {
			rc = MATCH_ERANGE;
			goto out;
		}
		c->cap[lookup(rk, c->m, in->mentors[r].id)] =
		    in->mentors[r].capacity;
	}

	nc = 0;
	for (i = 0; i < in->npairs; i++) {
		e = lookup(ek, c->n, in->pairs[i].mentee);
		r = lookup(rk, c->m, in->pairs[i].mentor);
		if (e == NONE || r == NONE || in->pairs[i].score < 0 ||
		    in->pairs[i].score > MATCH_SCORE_MAX)
			goto out;
		cd[nc].key = (uint64_t)e << 32 | r;
		cd[nc].score = in->pairs[i].score;
		nc++;
	}
	qsort(cd, nc, sizeof(*cd), cmp_cand);
	for (i = 1; i < nc; i++) {
		if (cd[i].key == cd[i - 1].key)
			goto out;
	}

	/* Below the minimum, a pair is not allowed at all. */
	c->off = zalloc((size_t)c->n + 1, sizeof(*c->off));
	c->tor = zalloc(nc, sizeof(*c->tor));
	c->score = zalloc(nc, sizeof(*c->score));
	if (c->off == NULL || c->tor == NULL || c->score == NULL) {
		rc = MATCH_ENOMEM;
		goto out;
	}
	r = 0;
	for (i = 0; i < nc; i++) {
		if (cd[i].score < in->min_score)
			continue;
		c->off[(cd[i].key >> 32) + 1]++;
		c->tor[r] = (uint32_t)cd[i].key;
		c->score[r] = cd[i].score;
		r++;
	}
	for (e = 0; e < c->n; e++)
		c->off[e + 1] += c->off[e];
	rc = MATCH_OK;
out:
	free(ek);
	free(rk);
	free(cd);
	free(ids);

	return (rc);
}

static void
unlink_ee(struct ctx *c, uint32_t x)
{
	uint32_t	j;

	j = c->match[x];
	if (c->prev[x] == NONE)
		c->first[j] = c->next[x];
	else
		c->next[c->prev[x]] = c->next[x];
	if (c->next[x] != NONE)
		c->prev[c->next[x]] = c->prev[x];
	c->load[j]--;
	c->match[x] = NONE;
}

static void
link_ee(struct ctx *c, uint32_t x, uint32_t j)
{
	c->match[x] = j;
	c->prev[x] = NONE;
	c->next[x] = c->first[j];
	if (c->first[j] != NONE)
		c->prev[c->first[j]] = x;
	c->first[j] = x;
	c->load[j]++;
}

/*
 * An augmenting path from mentee i over the current matching, applied
 * when found: 1.  Otherwise the region reached dies: 0.
 */
static int
augment(struct ctx *c, uint32_t i)
{
	uint32_t	qh, qt, nr, x, y, j, p, found, old;

	if (++c->stamp == 0) {
		memset(c->seen_ee, 0, c->n * sizeof(*c->seen_ee));
		memset(c->seen_tor, 0, c->m * sizeof(*c->seen_tor));
		c->stamp = 1;
	}
	qh = qt = nr = 0;
	c->queue[qt++] = i;
	c->seen_ee[i] = c->stamp;
	found = NONE;
	while (qh < qt && found == NONE) {
		x = c->queue[qh++];
		for (p = c->off[x]; p < c->off[x + 1]; p++) {
			j = c->tor[p];
			if (c->dead[j] || c->seen_tor[j] == c->stamp ||
			    c->match[x] == j)
				continue;
			c->seen_tor[j] = c->stamp;
			c->par_tor[j] = x;
			c->reached[nr++] = j;
			if (c->load[j] < c->cap[j]) {
				found = j;
				break;
			}
			for (y = c->first[j]; y != NONE; y = c->next[y]) {
				if (c->seen_ee[y] == c->stamp)
					continue;
				c->seen_ee[y] = c->stamp;
				c->queue[qt++] = y;
			}
		}
	}

	if (found == NONE) {
		while (nr > 0)
			c->dead[c->reached[--nr]] = 1;
		return (0);
	}

	/* Each mentee on the path moves to the mentor after it. */
	for (j = found; ; j = old) {
		x = c->par_tor[j];
		old = c->match[x];
		if (old != NONE)
			unlink_ee(c, x);
		link_ee(c, x, j);
		if (x == i)
			break;
	}

	return (1);
}

static int
greedy(struct ctx *c)
{
	uint32_t	i, p, r;
	int		room;

	c->match = zalloc(c->n, sizeof(*c->match));
	c->next = zalloc(c->n, sizeof(*c->next));
	c->prev = zalloc(c->n, sizeof(*c->prev));
	c->seen_ee = zalloc(c->n, sizeof(*c->seen_ee));
	c->queue = zalloc(c->n, sizeof(*c->queue));
	c->reason = zalloc(c->n, sizeof(*c->reason));
	c->load = zalloc(c->m, sizeof(*c->load));
	c->first = zalloc(c->m, sizeof(*c->first));
	c->dead = zalloc(c->m, sizeof(*c->dead));
	c->seen_tor = zalloc(c->m, sizeof(*c->seen_tor));
	c->par_tor = zalloc(c->m, sizeof(*c->par_tor));
	c->reached = zalloc(c->m, sizeof(*c->reached));
	if (c->match == NULL || c->next == NULL || c->prev == NULL ||
	    c->seen_ee == NULL || c->queue == NULL || c->reason == NULL ||
	    c->load == NULL || c->first == NULL || c->dead == NULL ||
	    c->seen_tor == NULL || c->par_tor == NULL || c->reached == NULL)
		return (MATCH_ENOMEM);
	for (i = 0; i < c->n; i++)
		c->match[i] = NONE;
	for (r = 0; r < c->m; r++)
		c->first[r] = NONE;

	for (i = 0; i < c->n; i++) {
		if (c->off[i] == c->off[i + 1]) {
			c->reason[i] = MATCH_NONE_COMPATIBLE;
			continue;
		}
		room = 0;
		for (p = c->off[i]; p < c->off[i + 1]; p++)
			room |= c->cap[c->tor[p]] > 0;
		if (!room) {
			c->reason[i] = MATCH_NO_CAPACITY;
			continue;
		}
		if (augment(c, i)) {
			c->reason[i] = MATCH_MATCHED;
			c->kept++;
		} else {
			c->reason[i] = MATCH_TAKEN;
		}
	}

	return (MATCH_OK);
}

static int
flow_err(int rc)
{
	if (rc == FLOW_ENOMEM)
		return (MATCH_ENOMEM);
	if (rc == FLOW_ERANGE)
		return (MATCH_ERANGE);

	return (MATCH_EINTERNAL);
}

/* The best total compatibility for the mentees the greedy kept. */
static int
best(struct ctx *c)
{
	uint32_t	i, r, p, t;
	int64_t		value;
	int		e, rc;

	t = c->n + c->m + 1;
	if ((rc = flow_init(&c->net, (int)t + 1)) != FLOW_OK)
		return (flow_err(rc));
	c->have_net = 1;
	if ((c->pedge = zalloc(c->off[c->n], sizeof(*c->pedge))) == NULL)
		return (MATCH_ENOMEM);
	for (i = 0; i < c->n; i++) {
		for (p = c->off[i]; p < c->off[i + 1]; p++)
			c->pedge[p] = -1;
		if (c->reason[i] != MATCH_MATCHED)
			continue;
		if ((e = flow_edge(&c->net, 0, 1 + (int)i, 1, 0)) < 0)
			return (flow_err(e));
		for (p = c->off[i]; p < c->off[i + 1]; p++) {
			e = flow_edge(&c->net, 1 + (int)i,
			    1 + (int)(c->n + c->tor[p]), 1, -c->score[p]);
			if (e < 0)
				return (flow_err(e));
			c->pedge[p] = e;
		}
	}
	for (r = 0; r < c->m; r++) {
		e = flow_edge(&c->net, 1 + (int)(c->n + r), (int)t, c->cap[r],
		    0);
		if (e < 0)
			return (flow_err(e));
	}
	if ((rc = flow_run(&c->net, 0, (int)t, &value, NULL)) != FLOW_OK)
		return (flow_err(rc));
	if ((uint64_t)value != c->kept)
		return (MATCH_EINTERNAL);

	return (MATCH_OK);
}

static int
output(struct ctx *c, struct match_result *res)
{
	struct match_out	*o;
	uint32_t		 i, r, p;

	res->out = zalloc(c->n, sizeof(*res->out));
	res->mentors = zalloc(c->m, sizeof(*res->mentors));
	if (res->out == NULL || res->mentors == NULL)
		return (MATCH_ENOMEM);
	res->n = c->n;
	res->nmentors = c->m;
	for (r = 0; r < c->m; r++) {
		res->mentors[r].mentor = c->tor_id[r];
		res->mentors[r].capacity = c->cap[r];
	}
	for (i = 0; i < c->n; i++) {
		o = &res->out[i];
		o->mentee = c->ee[i].id;
		o->priority = c->ee[i].priority != 0;
		o->rank = c->ee[i].rank;
		o->reason = c->reason[i];
		o->options = c->off[i + 1] - c->off[i];
		if (o->reason != MATCH_MATCHED)
			continue;
		for (p = c->off[i]; p < c->off[i + 1]; p++) {
			if (flow_edge_flow(&c->net, c->pedge[p]) <= 0)
				continue;
			o->mentor = c->tor_id[c->tor[p]];
			o->score = c->score[p];
			res->mentors[c->tor[p]].used++;
			res->score += c->score[p];
			res->matched++;
			if (o->priority)
				res->matched_priority++;
		}
	}
	if (res->matched != c->kept)
		return (MATCH_EINTERNAL);

	return (MATCH_OK);
}

static void
ctx_free(struct ctx *c)
{
	if (c->have_net)
		flow_free(&c->net);
	free(c->ee);
	free(c->tor_id);
	free(c->cap);
	free(c->off);
	free(c->tor);
	free(c->score);
	free(c->reason);
	free(c->match);
	free(c->load);
	free(c->first);
	free(c->next);
	free(c->prev);
	free(c->dead);
	free(c->seen_ee);
	free(c->seen_tor);
	free(c->par_tor);
	free(c->queue);
	free(c->reached);
	free(c->pedge);
}

void
match_free(struct match_result *res)
{
	free(res->out);
	free(res->mentors);
	memset(res, 0, sizeof(*res));
}

int
match_run(const struct match_input *in, struct match_result *res)
{
	struct ctx	c;
	int		rc;

	memset(res, 0, sizeof(*res));
	memset(&c, 0, sizeof(c));
	if ((in->nmentees > 0 && in->mentees == NULL) ||
	    (in->nmentors > 0 && in->mentors == NULL) ||
	    (in->npairs > 0 && in->pairs == NULL))
		return (MATCH_EINVAL);
	if (in->nmentees > MATCH_MAX_MENTEES ||
	    in->nmentors > MATCH_MAX_MENTORS || in->npairs > FLOW_MAX_EDGES)
		return (MATCH_ERANGE);
	c.n = (uint32_t)in->nmentees;
	c.m = (uint32_t)in->nmentors;

	if ((rc = prepare(&c, in)) == MATCH_OK &&
	    (rc = greedy(&c)) == MATCH_OK &&
	    (rc = best(&c)) == MATCH_OK)
		rc = output(&c, res);
	ctx_free(&c);
	if (rc != MATCH_OK)
		match_free(res);

	return (rc);
}

const char *
match_reason(int reason)
{
	switch (reason) {
	case MATCH_MATCHED:
		return ("matched");
	case MATCH_NONE_COMPATIBLE:
		return ("no mentor reaches the minimum compatibility");
	case MATCH_NO_CAPACITY:
		return ("the compatible mentors have no places left");
	case MATCH_TAKEN:
		return ("the compatible mentors' places went to mentees "
		    "with higher priority");
	}

	return ("unknown");
}
