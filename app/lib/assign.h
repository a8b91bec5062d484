/*
 * Reviewer assignment for a funding call: every application gets k
 * reviewers, never one with a conflict or a recusal, manual assignments
 * are kept, and the work is shared out evenly.  Pure C over flow.c.
 *
 * Balance.  The result has a level q such that every reviewer's load
 * (manual assignments included) is q or q + 1, with two exceptions that
 * the reviewer's own situation forces and that assign_rev.state reports:
 *	ASSIGN_REV_LIMITED	below q, because it already sits on every
 *				application it could take (it has conflicts
 *				with, or manual assignments to, the rest);
 *	ASSIGN_REV_MANUAL	above q + 1 by manual assignments alone; it
 *				gets nothing more.
 * Without exceptions every load is floor(T/m) or ceil(T/m), T the total.
 *
 * Within that rule the result is a maximum: q is as high as possible,
 * then as many slots as possible are filled.  An application left short
 * says why: too few reviewers without a conflict, or the reviewers it
 * could have are all at the balance limit.
 *
 * Ids are sorted on input, so the result depends on the sets given, not
 * on their order.  Among equally good results the one chosen puts each
 * application's reviewers as close as possible after its place in a
 * round robin over the reviewers (see assign.c); without conflicts that
 * is exactly the round robin.
 */

#ifndef SEN_ASSIGN_H
#define SEN_ASSIGN_H

#include <stddef.h>
#include <stdint.h>

#define ASSIGN_OK		0
#define ASSIGN_ENOMEM		-1
#define ASSIGN_EINVAL		-2	/* duplicate id, k, unknown fixed id */
#define ASSIGN_ERANGE		-3	/* beyond the limits below */
#define ASSIGN_ECONFLICT	-4	/* a fixed pair is a conflict/recusal */
#define ASSIGN_EINTERNAL	-5	/* a broken invariant: a bug */

#define ASSIGN_MAX_APPS		(1 << 19)
#define ASSIGN_MAX_REVS		(1 << 15)
#define ASSIGN_MAX_K		32

/* assign_app.reason */
#define ASSIGN_FULL		0
#define ASSIGN_SHORT_CONFLICTS	1	/* every reviewer without a conflict */
#define ASSIGN_SHORT_BALANCE	2	/* others free are at the limit */

/* assign_rev.state */
#define ASSIGN_REV_BALANCED	0
#define ASSIGN_REV_LIMITED	1
#define ASSIGN_REV_MANUAL	2

struct assign_pair {
	int64_t		app;
	int64_t		rev;
};

struct assign_input {
	const int64_t			*apps;
	size_t				 napps;
	const int64_t			*revs;
	size_t				 nrevs;
	unsigned int			 k;
	/* Pairs naming an unknown id are ignored. */
	const struct assign_pair	*conflicts;
	size_t				 nconflicts;
	const struct assign_pair	*recusals;
	size_t				 nrecusals;
	/* Manual assignments, kept and counted; unknown ids are an error. */
	const struct assign_pair	*fixed;
	size_t				 nfixed;
	/*
	 * Reviewers each application may get in the tie-break besides
	 * those a maximum needs; 0: 2k + 2.  The level and the total do
	 * not depend on it, only which of the equally good results comes
	 * out, and the memory: one flow edge per candidate.
	 */
	unsigned int			 candidates;
};

struct assign_app {
	int64_t		 id;
	unsigned int	 n;		/* reviewers, manual ones included */
	unsigned int	 nfixed;
	unsigned int	 eligible;	/* reviewers without conflict/recusal */
	int		 reason;
	const int64_t	*revs;		/* n reviewer ids, ascending */
};

struct assign_rev {
	int64_t		 id;
	unsigned int	 load;		/* manual ones included */
	unsigned int	 nfixed;
	unsigned int	 open;		/* applications it could be added to */
	int		 state;
};

struct assign_result {
	struct assign_app	*apps;	/* ascending id */
	size_t			 napps;
	struct assign_rev	*revs;	/* ascending id */
	size_t			 nrevs;
	unsigned int		 level;	/* q */
	size_t			 total;	/* assignments, manual ones included */
	size_t			 added;	/* of which new */
	size_t			 wanted; /* sum of max(k, manual) */
	size_t			 bound;	/* ignoring balance, at most this */
	size_t			 nshort;
	/* Work done, for the curious and the tests. */
	unsigned int		 probes;	/* maximum flows for the level */
	size_t			 pairs;		/* pairs in the tie-break flow */
	size_t			 extra;		/* of which not candidates */
	int64_t			*store;
};

int		 assign_run(const struct assign_input *, struct assign_result *);
void		 assign_free(struct assign_result *);
const char	*assign_reason(int);

#endif
