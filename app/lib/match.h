/*
 * Mentor matching: each mentee gets at most one mentor, each mentor at
 * most its remaining capacity, and only pairs whose compatibility score
 * reaches the minimum are allowed.  Pure C over flow.c.
 *
 * Who is served comes first, strictly: mentees are taken in service
 * order, verified-priority mentees before the others, then by rank (then
 * by id), and no mentee is left out for one later in that order, however
 * much compatibility that would add.  This never serves fewer mentees
 * than the largest matching could.  Among the matchings that serve
 * exactly those mentees, the total compatibility is the highest possible.
 *
 * An unmatched mentee says why: no mentor reaches the minimum
 * compatibility; the mentors that do have no places left; or their
 * places went to mentees before it in the service order.
 *
 * Ids are sorted on input: the result depends on the sets given, not on
 * their order.
 */

#ifndef SEN_MATCH_H
#define SEN_MATCH_H

#include <stddef.h>
#include <stdint.h>

#define MATCH_OK		0
#define MATCH_ENOMEM		-1
#define MATCH_EINVAL		-2	/* repeated id or pair, unknown id */
#define MATCH_ERANGE		-3	/* beyond the limits below */
#define MATCH_EINTERNAL		-5	/* a broken invariant: a bug */

#define MATCH_MAX_MENTEES	(1 << 19)
#define MATCH_MAX_MENTORS	(1 << 19)
#define MATCH_MAX_CAPACITY	(1 << 20)
#define MATCH_SCORE_MAX		1000000

/* match_out.reason */
#define MATCH_MATCHED		0
#define MATCH_NONE_COMPATIBLE	1	/* no pair reaches the minimum */
#define MATCH_NO_CAPACITY	2	/* those that do are full already */
#define MATCH_TAKEN		3	/* by mentees served before */

struct match_mentee {
	int64_t		id;
	int		priority;	/* verified priority: served first */
	int64_t		rank;		/* then lower ranks first */
};

struct match_mentor {
	int64_t		id;
	unsigned int	capacity;	/* places left */
};

struct match_pair {
	int64_t		mentee;
	int64_t		mentor;
	int		score;		/* 0 .. MATCH_SCORE_MAX */
};

struct match_input {
	const struct match_mentee	*mentees;
	size_t				 nmentees;
	const struct match_mentor	*mentors;
	size_t				 nmentors;
	const struct match_pair		*pairs;
	size_t				 npairs;
	int				 min_score;
};

struct match_out {
	int64_t		mentee;
	int		priority;
	int64_t		rank;
	int		reason;
	int64_t		mentor;		/* when reason is MATCH_MATCHED */
	int		score;
	unsigned int	options;	/* mentors at or above the minimum */
};

struct match_load {
	int64_t		mentor;
	unsigned int	capacity;
	unsigned int	used;
};

struct match_result {
	struct match_out	*out;		/* in service order */
	size_t			 n;
	struct match_load	*mentors;	/* ascending id */
	size_t			 nmentors;
	size_t			 matched;
	size_t			 matched_priority;
	int64_t			 score;		/* total compatibility */
};

int		 match_run(const struct match_input *, struct match_result *);
void		 match_free(struct match_result *);
const char	*match_reason(int);

#endif
