/*
 * Maximum flow on a nearly complete bipartite graph: applications with
 * demands, reviewers with capacities, and every pair allowed except a
 * sparse list of blocked ones.  The pairs allowed are never listed, so
 * 20 000 applications and 2 000 reviewers cost memory for the blocked
 * pairs and the assignments only, not for 40 million edges.  Used by
 * assign.c to find the balance level; pure C, libc only.
 *
 * The graph is source -> application (demand d[a]) -> reviewer (1 per
 * pair) -> sink (cap[r]).  dense_run() grows the current assignment to a
 * maximum for the capacities it is given; capacities may then be raised
 * and dense_run() called again, or dense_reset() starts from nothing.
 *
 * The members of struct dense are private.
 */

#ifndef SEN_DENSE_H
#define SEN_DENSE_H

#include <stdint.h>

#define DENSE_OK	0
#define DENSE_ENOMEM	-1
#define DENSE_EINVAL	-2	/* a capacity below the current load */

struct dense {
	uint32_t	 n;
	uint32_t	 m;
	const uint32_t	*boff;		/* blocked reviewers of app a: */
	const uint32_t	*brev;		/* brev[boff[a] .. boff[a + 1]) */
	const uint32_t	*d;
	/* The assignment. */
	uint32_t	*aoff;		/* app a's reviewers: arev[aoff[a]..] */
	uint32_t	*arev;
	uint32_t	*fill;
	uint32_t	**rapp;		/* reviewer r's apps: load[r] of them */
	uint32_t	*load;
	uint32_t	*rsz;
	/* Scratch of a phase. */
	int32_t		*lapp;		/* levels; -1 unreached, -2 dead */
	int32_t		*lrev;
	uint32_t	*queue;
	uint32_t	*unext;		/* reviewers not reached yet */
	uint32_t	*uprev;
	uint32_t	*head;		/* reviewers of each level, a list */
	uint32_t	*tail;
	uint32_t	*next;
	uint32_t	*prev;
	uint32_t	*skip;
	uint32_t	 stamp;
	uint32_t	*stack;
};

int	dense_init(struct dense *, uint32_t, uint32_t, const uint32_t *,
	    const uint32_t *, const uint32_t *);
void	dense_reset(struct dense *);
int	dense_run(struct dense *, const uint32_t *, uint64_t *);
void	dense_free(struct dense *);

#endif
