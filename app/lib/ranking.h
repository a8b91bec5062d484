/*
 * The ranking of a call: review scores weighted by the rubric, optional
 * per-reviewer normalisation, merit, the priority bonus, the order and a
 * sentence per application that a committee can read aloud.
 *
 * Scores are exact integers in micropoints: RANK_UNIT is one point on the
 * 0-100 scale.  A review's score is the exact rational value of the
 * rubric, rounded half away from zero to the micropoint; every later step
 * (normalisation, mean, median) rounds the same way.  The order uses these
 * integers, so equal inputs give equal scores whatever the order of the
 * input, and no comparison needs an epsilon.  Only the sentences round to
 * a tenth (rank_round_tenths()).
 */

#ifndef SEN_RANKING_H
#define SEN_RANKING_H

#include <stddef.h>
#include <stdint.h>

#define RANK_UNIT		1000000		/* micropoints per point */
#define RANK_CANNOT_JUDGE	(-1)		/* a criterion left unscored */

#define RANK_CRITERIA_MAX	32
#define RANK_SCORE_MAX		1000		/* of a criterion's max_score */
#define RANK_BONUS_MAX		100
#define RANK_REQUIRED_MAX	100
#define RANK_APPS_MAX		10000000
#define RANK_REVIEWS_MAX	10000000

struct rank_criterion {
	int		max_score;	/* 1..RANK_SCORE_MAX */
	int		weight;		/* >= 1; the weights sum to 100 */
};

struct rank_call {
	const struct rank_criterion	*criteria;
	size_t				 ncriteria;
	int				 required;	/* reviews to rank */
	int				 threshold;	/* points of spread */
	int				 normalise;
};

struct rank_review {
	int64_t		 reviewer;
	const int	*scores;	/* ncriteria: 0..max or CANNOT_JUDGE */
};

struct rank_app {
	int64_t				 id;		/* unique in the call */
	int64_t				 submitted_at;	/* any clock */
	int				 bonus;		/* 0..RANK_BONUS_MAX */
	const char			*label_en;	/* "poor household" */
	const char			*label_vi;	/* "hộ nghèo" */
	const struct rank_review	*reviews;
	size_t				 nreviews;
};

/* Why an application sits below the one above it with an equal final. */
enum rank_tie {
	RANK_TIE_NONE,
	RANK_TIE_PRIORITY,	/* the one above has verified priority */
	RANK_TIE_SUBMITTED,	/* the one above was submitted earlier */
	RANK_TIE_ID		/* the one above has the lower id */
};

enum rank_lang {
	RANK_EN,
	RANK_VI
};

/* All scores in micropoints. */
struct rank_result {
	int64_t		 id;
	size_t		 index;		/* of the application in the input */
	int64_t		 submitted_at;
	int		 rank;		/* 1, 2, ...; 0 when incomplete */
	int		 nreviews;	/* counted reviews */
	int		 required;
	int		 bonus;
	int		 disagreement;	/* spread > threshold */
	int64_t		 merit;		/* mean of the counted reviews */
	int64_t		 merit_raw;	/* the same without normalisation */
	int64_t		 median;
	int64_t		 low;
	int64_t		 high;
	int64_t		 spread;	/* high - low */
	int64_t		 final;		/* merit + bonus points */
	enum rank_tie	 tie;
	int64_t		 tie_with;	/* id of the one above, if a tie */
	const char	*label_en;	/* borrowed from the input */
	const char	*label_vi;
};

struct rank_summary {
	size_t		ranked;
	size_t		incomplete;
	size_t		reviews;	/* counted */
	size_t		ignored;	/* every criterion "cannot judge" */
	size_t		reviewers;	/* distinct, with a counted review */
	size_t		normalised;	/* reviewers whose scores were mapped */
	int64_t		mean;		/* of the raw review scores */
	int64_t		sd;		/* population, of the same */
};

const char	*rank_compute(const struct rank_call *, const struct rank_app *,
		    size_t, struct rank_result *, struct rank_summary *);
int		 rank_review_score(const struct rank_call *, const int *,
		    int64_t *);
int64_t		 rank_round_tenths(int64_t);
int		 rank_explain(const struct rank_result *, enum rank_lang,
		    char *, size_t);
const char	*rank_tie_text(enum rank_tie, enum rank_lang);

#endif
