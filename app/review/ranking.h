/*
 * The ranking of a call for other C code (the allocation proposal and the
 * waitlist of app/decisions/): the same loading and computation as GET
 * /api/calls/{id}/ranking (ranking.c), as staff see it, copied out of the
 * query's result so that the caller may go on using its connection.
 */

#ifndef SEN_REVIEW_RANKING_H
#define SEN_REVIEW_RANKING_H

#include "sen.h"

#define RANKING_STATUS_LEN	16
#define RANKING_REFERENCE_LEN	32

/* One application: ranked ones first, in rank order, then incomplete. */
struct ranking_entry {
	int64_t		id;
	int		rank;		/* 1, 2, ...; 0 when incomplete */
	int64_t		merit;		/* micropoints */
	int64_t		final;
	int		bonus;		/* priority points, 0..100 */
	unsigned int	verified;	/* PRIORITY_BIT() of lib/priority.h */
	int64_t		requested;	/* VND */
	int64_t		applicant;
	int		tie;		/* enum rank_tie of lib/ranking.h */
	int64_t		tie_with;
	char		status[RANKING_STATUS_LEN];
	char		reference[RANKING_REFERENCE_LEN];
	char		*business;	/* kore_malloc'ed */
};

struct ranking_list {
	struct ranking_entry	*items;
	size_t			 n;
};

int	ranking_load(struct db *, int64_t, struct ranking_list *);
void	ranking_list_free(struct ranking_list *);

#endif
